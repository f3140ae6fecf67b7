"""Measure the server time of the web pages: the search (several filter combinations) and
one page of each kind. Prints a table of median and 95th-percentile milliseconds.

Usage: .venv/bin/python bench/bench_pages.py [--published DIR] [--runs N]

Without --published it builds the bundled source into a temporary folder first. Times
are taken around the Flask test client's request (routing, the store-backed index, the
search, template rendering); the first request, which builds the per-release index, is
reported on its own line. Target: a search page under 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from kfl_lod.build import build  # noqa: E402
from kfl_lod.settings import load_settings  # noqa: E402
from kfl_lod.web import create_app  # noqa: E402

TARGET_MS = 50.0
SEARCHES = {
    "search: home (all spaces)": "/",
    "search: text 'sala'": "/?q=sala",
    "search: text without diacritics 'spotkan podgorza'": "/?q=spotkan+podgorza",
    "search: type + people": "/?rodzaj=sala-konferencyjna&osoby=30",
    "search: free + two modes": "/?bezplatnie=tak&forma=nieodplatne-uzyczenie&forma=wspolorganizacja",
    "search: equipment x3 + hide examples": "/?wyposazenie=projektor&wyposazenie=ekran&wyposazenie=internet&bez_przykladow=tak",
    "search: every filter": "/?q=sala&dzielnica=13&rodzaj=sala-spotkan&osoby=10&bezplatnie=tak&forma=nieodplatne-uzyczenie"
    "&wyposazenie=krzesla&bez_schodow=tak",
    "search: English": "/?q=sala&lang=en",
}
PAGES = {
    "space": "/space/krzysztofory-spotka-sala-spotkan.html",
    "venue": "/venue/mk-krzysztofory.html",
    "institution": "/institution/centrum-kultury-podgorza.html",
    "practice": "/practice/przyklad-warsztaty-sasiedzkie.html",
    "district": "/district/13.html",
    "concept": "/vocab/sharing-mode/wspolorganizacja.html",
    "term": "/def/lastVerified.html",
    "dataset": "/dataset.html",
    "good practices": "/praktyki",
    "about the data": "/o-danych",
}


def measure(client, path: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path, headers={"Accept-Language": "pl"})
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--published", type=Path, help="publication folder to serve (default: build the bundled source)"
    )
    parser.add_argument("--runs", type=int, default=200, help="requests per page (default 200)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        if args.published:
            settings = load_settings(environ={}, published=args.published, shapes=ROOT / "shapes")
        else:
            settings = load_settings(
                environ={},
                cwd=Path(tmp),
                source=ROOT / "source",
                published=Path(tmp) / "published",
                shapes=ROOT / "shapes",
            )
            build(settings, today=date.today())
        client = create_app(settings).test_client()
        first = measure(client, "/", 1)[0]

        rows = [(name, measure(client, path, args.runs)) for name, path in {**SEARCHES, **PAGES}.items()]
        width = max(len(name) for name, _ in rows)
        print(f"{'page':<{width}}  {'runs':>5}  {'median ms':>9}  {'p95 ms':>7}  target")
        print(f"{'first request (builds the index)':<{width}}  {1:>5}  {first:>9.2f}  {first:>7.2f}  -")
        worst = 0.0
        for name, times in rows:
            median, high = statistics.median(times), p95(times)
            is_search = name.startswith("search")
            if is_search:
                worst = max(worst, high)
            verdict = ("ok" if high < TARGET_MS else "SLOW") if is_search else "-"
            print(f"{name:<{width}}  {len(times):>5}  {median:>9.2f}  {high:>7.2f}  {verdict}")
        print(f"\nslowest search page p95: {worst:.2f} ms (target < {TARGET_MS:.0f} ms)")


if __name__ == "__main__":
    main()
