"""Lighthouse (npm, pinned) against Debian's chromium on the real server: the phone and desktop
scores of the home, results and space pages. Slow (10–30 s a run): bench/bench_lighthouse.py
prints the full table; this test holds the line on a phone and a desktop page of each kind.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import bench_lighthouse as lighthouse  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    if not lighthouse.LIGHTHOUSE.exists():
        pytest.fail(f"{lighthouse.LIGHTHOUSE} is missing: run `npm ci`")
    folder = tmp_path_factory.mktemp("lighthouse")
    server, url = lighthouse.serve(folder)
    yield url, folder
    server.terminate()
    server.wait(10)


@pytest.mark.parametrize(
    "page, form_factor", [("home", "mobile"), ("results", "mobile"), ("space", "mobile"), ("results", "desktop")]
)
def test_lighthouse_scores(served, page, form_factor):
    url, folder = served
    scores = lighthouse.lighthouse(url + lighthouse.PAGES[page], form_factor, folder / f"{page}-{form_factor}.json")
    for category in ("accessibility", "best-practices", "seo"):
        assert scores[category] >= 95, scores
    # Performance depends on the machine's load (tests run side by side): the bench measures it quietly.
    assert scores["performance"] >= 80, scores
