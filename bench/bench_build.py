"""Measure `kfl-lod build`: wall time with interpreter start, time per step, peak memory.

Usage: .venv/bin/python bench/bench_build.py [--runs 5] [--scale 10 --scale 100]

Prints a table:

- wall: the real `kfl-lod build` command on the bundled source, run as a subprocess into a
  fresh folder each time (interpreter start, imports, a new release written), median of
  --runs; and `python -c pass` and the imports alone, for scale;
- steps: read (source tables -> records), map (records -> graph), validate (SHACL),
  write (every published file's bytes), publish (the release on disk), in-process,
  median of --runs;
- peak RSS of the build process (from wait4);
- with --scale N: the same for a synthetic source with N times the spaces (each space
  copied under a new id), one run each, to show how the build grows.

Target: the bundled source builds in under 3 s wall on this machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from kfl_lod.build import describe_release, render  # noqa: E402
from kfl_lod.mapping import map_records  # noqa: E402
from kfl_lod.publish import publish  # noqa: E402
from kfl_lod.settings import load_settings  # noqa: E402
from kfl_lod.source import read_source  # noqa: E402
from kfl_lod.validation import load_shapes, validate  # noqa: E402

TARGET_S = 3.0
EXE = Path(sys.executable).parent / "kfl-lod"


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KFL_")}
    env["KFL_SHAPES"] = str(ROOT / "shapes")
    return env


def run_process(argv: list[str], cwd: Path) -> tuple[float, int, int]:
    """Run a command; return (wall seconds, exit code, peak RSS in MiB)."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, proc.returncode, usage.ru_maxrss // 1024  # ru_maxrss is in KiB on Linux


def wall_build(source: Path, runs: int, tmp: Path) -> tuple[list[float], int]:
    times, peak = [], 0
    for i in range(runs):
        out = tmp / f"out-{source.name}-{i}"
        wall, code, rss = run_process([str(EXE), "build", "--source", str(source), "--out", str(out)], tmp)
        if code != 0:
            raise SystemExit(f"kfl-lod build exited {code} on {source}")
        times.append(wall)
        peak = max(peak, rss)
        shutil.rmtree(out, ignore_errors=True)
    return times, peak


def steps(source: Path, runs: int, tmp: Path) -> dict[str, list[float]]:
    """Time each step of the pipeline in this process."""
    found: dict[str, list[float]] = {k: [] for k in ("read", "map", "validate", "write", "publish")}
    for i in range(runs):
        settings = load_settings(
            environ={}, cwd=tmp, source=source, published=tmp / f"steps-{source.name}-{i}", shapes=ROOT / "shapes"
        )
        t0 = time.perf_counter()
        records = read_source(settings.source)
        t1 = time.perf_counter()
        mapped = map_records(records, settings.base)
        graph = mapped.triples  # the build's statements (N-Triples lines), not an rdflib Graph
        t2 = time.perf_counter()
        report = validate(graph, load_shapes(settings.shapes, settings.base), mapped.provenance)
        t3 = time.perf_counter()
        files = render(records, graph, report, settings)
        files.update(describe_release(files, settings, date.today()))
        t4 = time.perf_counter()
        publish(settings.published, files, date.today(), settings.keep_releases)
        t5 = time.perf_counter()
        for name, seconds in zip(found, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
            found[name].append(seconds)
        shutil.rmtree(settings.published, ignore_errors=True)
    found["triples"] = [float(len(graph))]
    found["spaces"] = [float(len(records.spaces))]
    return found


def scaled_source(factor: int, tmp: Path) -> Path:
    """The bundled source with every space copied ``factor`` times under new ids."""
    source = tmp / f"source-x{factor}"
    shutil.copytree(ROOT / "source", source)
    path = source / "przestrzenie.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    out = []
    for copy in range(factor):
        for row in rows:
            row = list(row)
            if copy:
                row[0] = f"{row[0]}-kopia-{copy}"
            out.append(row)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *out])
    return source


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median reported)")
    parser.add_argument(
        "--scale", type=int, action="append", default=[], help="also build N times the spaces (repeatable)"
    )
    args = parser.parse_args()
    median = statistics.median
    with tempfile.TemporaryDirectory(prefix="kfl-bench-") as name:
        tmp = Path(name)
        python = median(run_process([sys.executable, "-c", "pass"], tmp)[0] for _ in range(args.runs))
        imports = median(
            run_process([sys.executable, "-c", "import kfl_lod.cli, kfl_lod.build, pyshacl"], tmp)[0]
            for _ in range(args.runs)
        )
        rows = []
        sources = [("bundled", ROOT / "source", args.runs)] + [
            (f"x{factor} spaces", scaled_source(factor, tmp), 1) for factor in args.scale
        ]
        for label, source, runs in sources:
            walls, peak = wall_build(source, runs, tmp)
            step = steps(source, runs, tmp)
            rows.append(
                (
                    label,
                    int(step["spaces"][0]),
                    int(step["triples"][0]),
                    median(walls),
                    *(median(step[k]) for k in ("read", "map", "validate", "write", "publish")),
                    peak,
                )
            )
    print(f"kfl-lod build, median of {args.runs} runs (scaled sources: 1 run); seconds unless marked\n")
    print(f"python -c pass: {python:.3f} s; imports (kfl_lod.cli, kfl_lod.build, pyshacl): {imports:.3f} s\n")
    head = ("source", "spaces", "triples", "wall", "read", "map", "validate", "write", "publish", "peak RSS")
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for label, spaces, triples, wall, *times, peak in rows:
        cells = [label, str(spaces), str(triples), f"{wall:.2f}", *(f"{t:.3f}" for t in times), f"{peak} MiB"]
        print("| " + " | ".join(cells) + " |")
    bundled = rows[0][3]
    verdict = "meets" if bundled < TARGET_S else "MISSES"
    print(f"\nbundled source: {bundled:.2f} s wall, {verdict} the target of {TARGET_S:.0f} s")


if __name__ == "__main__":
    main()
