"""Measure what the catalog, VoID, CSVW and change records add to a build, and the time of
the releases blueprint's answers. Prints a table of median and 95th-percentile milliseconds.

Usage: .venv/bin/python bench/bench_publication.py [--runs N]

Builds the bundled source into a temporary folder (twice: a first release, then a second
with one space removed, so the change record and a 410 have something to say).
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from kfl_lod import catalog, changes, csvw, release_record, void  # noqa: E402
from kfl_lod.build import build, check, describe_release, render  # noqa: E402
from kfl_lod.settings import load_settings  # noqa: E402
from kfl_lod.web import create_app  # noqa: E402


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def row(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"| {name:<46} | {statistics.median(times):9.1f} | {p95:9.1f} | {len(times):4d} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kfl-bench-"))
    try:
        shutil.copytree(ROOT / "source", tmp / "source")
        settings = load_settings(
            environ={}, cwd=tmp, source=tmp / "source", published=tmp / "published", shapes=ROOT / "shapes"
        )
        build(settings, today=date(2026, 3, 2))
        path = tmp / "source" / "przestrzenie.csv"
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            fields, rows = reader.fieldnames, list(reader)
        gone = rows.pop(0)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
        build(settings, today=date(2026, 3, 9))

        records, graph, report = check(settings)
        files = render(records, graph, report, settings)
        record = release_record.latest(settings.published)
        previous = settings.published / "releases" / record["previous"]
        client = create_app(settings).test_client()
        client.get("/changes")  # warm the caches
        lines = [
            "| step | median ms | p95 ms | runs |",
            "| --- | ---: | ---: | ---: |",
            row("VoID (void.ttl, void.nt)", timed(lambda: void.render(graph, settings.base), args.runs)),
            row("CSVW metadata", timed(lambda: csvw.render(settings.base, settings.licence), args.runs)),
            row(
                "change record (compare with previous release)",
                timed(
                    lambda: changes.compare(previous, files, record["version"], date(2026, 3, 9), settings.base),
                    args.runs,
                ),
            ),
            row("catalog (4 serialisations)", timed(lambda: catalog.render(settings, files, record), args.runs)),
            row(
                "describe_release (plan + record + catalog)",
                timed(lambda: describe_release(files, settings, date(2026, 3, 16)), args.runs),
            ),
            row("whole build, unchanged content", timed(lambda: build(settings, today=date(2026, 3, 16)), 3)),
            row("GET /.well-known/void (Turtle)", timed(lambda: client.get("/.well-known/void"), args.runs)),
            row(
                "GET /.well-known/void (RDF/XML)",
                timed(lambda: client.get("/.well-known/void", headers={"Accept": "application/rdf+xml"}), args.runs),
            ),
            row("GET /changes", timed(lambda: client.get("/changes"), args.runs)),
            row(
                f"GET /changes/{record['version']}",
                timed(lambda: client.get(f"/changes/{record['version']}"), args.runs),
            ),
            row("GET /space/<withdrawn> (410)", timed(lambda: client.get(f"/space/{gone['id']}"), args.runs)),
        ]
        print("\n".join(lines))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
