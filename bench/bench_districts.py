"""Measure deriving districts (kfl_lod.districts): loading the boundaries and placing points.

Usage: .venv/bin/python bench/bench_districts.py [--points 1000]

Prints a table: the one-off load of the 18 OpenStreetMap polygons (JSON parse), and the time to place
the bundled source's venues with coordinates and N random points in Kraków's bounding box (median of
5 runs, pure-Python ray casting and point-to-edge distances). This is what decided against a geometry
library: the build places a few dozen venues, well under the noise of the rest of the build.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from kfl_lod.districts import boundaries, locate, parse  # noqa: E402
from kfl_lod.source import read_source  # noqa: E402


def median_ms(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1000)
    args = parser.parse_args()
    text = (ROOT / "src" / "kfl_lod" / "data" / "krakow-districts.geojson").read_text(encoding="utf-8")
    districts = boundaries()
    vertices = sum(len(ring) for d in districts for ring in d.rings)
    venues = [(float(v.latitude), float(v.longitude)) for v in read_source(ROOT / "source").venues if v.latitude]
    rng = random.Random(1)
    points = [(rng.uniform(49.97, 50.13), rng.uniform(19.79, 20.22)) for _ in range(args.points)]
    rows = [
        ("load 18 polygons", f"{vertices} vertices", median_ms(lambda: parse(json.loads(text)))),
        ("place bundled venues", f"{len(venues)} points", median_ms(lambda: [locate(*p, districts) for p in venues])),
        ("place random points", f"{len(points)} points", median_ms(lambda: [locate(*p, districts) for p in points], 3)),
    ]
    print(f"{'step':<24}{'size':>18}{'median ms':>12}{'ms/point':>10}")
    for name, size, ms in rows:
        n = int(size.split()[0])
        per = f"{ms / n:.3f}" if "points" in size else ""
        print(f"{name:<24}{size:>18}{ms:>12.2f}{per:>10}")


if __name__ == "__main__":
    main()
