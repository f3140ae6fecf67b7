"""Lighthouse (npm, pinned) against Debian's chromium on the real server: the home, results and
space pages, on a phone and on a desktop, must score at least 95 in every category
(performance, accessibility, best practices, SEO).

One run per page and form factor (10–30 s each on the 2-core machine), on a server just
started: the first page measured is the first it serves, so a slow first request (templates
compiled, the index or Morfeusz loaded on demand) shows here. `bench/bench_lighthouse.py`
prints the same table outside the tests.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import bench_lighthouse as lighthouse  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.server]
MINIMUM = 95
# The home page on a phone first: it is the first request the fresh server answers.
CELLS = [(page, form) for page in ("home", "results", "space") for form in ("mobile", "desktop")]
SCORES: dict[str, dict[str, int | str]] = {}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    if not lighthouse.LIGHTHOUSE.exists():
        pytest.fail(f"{lighthouse.LIGHTHOUSE} is missing: run `npm ci`")
    folder = tmp_path_factory.mktemp("lighthouse")
    server, url = lighthouse.serve(folder)  # waits for /healthz only: no page is asked for before Lighthouse
    yield url, folder
    server.terminate()
    server.wait(10)
    shots = ROOT / "tests" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    (shots / "lighthouse.json").write_text(json.dumps(SCORES, indent=1))


@pytest.mark.parametrize("page, form_factor", CELLS, ids=[f"{p}-{f}" for p, f in CELLS])
def test_lighthouse_scores_at_least_95_in_every_category(served, page, form_factor):
    url, folder = served
    report = folder / f"{page}-{form_factor}.json"
    scores = lighthouse.lighthouse(url + lighthouse.PAGES[page], form_factor, report)
    SCORES[f"{page} {form_factor}"] = {**scores, **lighthouse.metrics(report)}
    print(f"{page} {form_factor}: {SCORES[f'{page} {form_factor}']}")
    low = {c: s for c, s in scores.items() if s < MINIMUM}
    assert not low, f"{page} ({form_factor}) scores {low}; audits losing points: {lighthouse.losing(report)}"
