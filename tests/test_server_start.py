"""A server starts answering before the pages' index is read, and its pages carry a bounded map."""

from __future__ import annotations

import json
import re
import threading
import time

from kfl_lod import pages_index
from kfl_lod.web import create_app, pages, serve


def test_healthz_answers_while_the_index_is_read_and_a_page_waits_a_bounded_time(published, monkeypatch):
    app = create_app(published)
    gate, entered = threading.Event(), threading.Event()
    real_open = pages_index.open_index

    def slow_open(*args, **kwargs):
        entered.set()
        gate.wait(30)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(pages, "open_index", slow_open)
    monkeypatch.setattr(pages, "INDEX_WAIT", 0.3)
    started = time.perf_counter()
    thread = serve.warm_up(app)  # the store and query processes at once; the index in a thread
    assert time.perf_counter() - started < 20 and thread.is_alive()
    assert entered.wait(20)  # the thread is reading the index
    client = app.test_client()
    try:
        health = client.get("/healthz")
        assert health.status_code == 200 and health.get_json()["triples"] > 0
        waited = time.perf_counter()
        busy = client.get("/")
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "5"
        assert 0.25 < time.perf_counter() - waited < 10
    finally:
        gate.set()
    thread.join(60)
    assert not thread.is_alive()
    assert client.get("/").status_code == 200


def map_data(html: str) -> list[dict]:
    found = re.search(r'<script type="application/json" id="results-map-data">(.*?)</script>', html, re.S)
    assert found, "no map data"
    return json.loads(found.group(1))


def test_the_map_carries_the_first_rooms_only_and_links_every_place(published, monkeypatch):
    client = create_app(published).test_client()
    whole = map_data(client.get("/").get_data(as_text=True))
    all_rooms = sum(len(v["spaces"]) for p in whole for v in p["venues"])
    assert all_rooms > 12 and "map-partial" not in client.get("/").get_data(as_text=True)
    monkeypatch.setattr(pages, "MAP_SPACES", 12)
    for path in ("/", "/?q=", "/?bez_przykladow=tak"):
        html = client.get(path).get_data(as_text=True)
        points = map_data(html)
        assert sum(len(v["spaces"]) for p in points for v in p["venues"]) <= 12, path
        assert 'class="note map-partial"' in html and 'href="/dumps/kfl.geojson"' in html, path
        assert "pierwszych 12 z" in html, path
    # the list itself is not cut: its pager still reaches every room
    listed = client.get("/?q=").get_data(as_text=True)
    assert f'aria-label="Strona {-(-all_rooms // 10)}"' in listed


def test_the_pager_links_the_first_last_and_nearest_pages_of_many(published, monkeypatch):
    client = create_app(published).test_client()
    monkeypatch.setattr(pages, "PAGER_ALL", 3)
    html = client.get("/?q=&strona=4").get_data(as_text=True)  # 78 rooms: 8 pages
    pager = re.search(r'<nav class="pager".*?</nav>', html, re.S).group(0)
    assert re.findall(r">(\d+)</a>", pager) == ["1", "2", "3", "4", "5", "6", "7", "8"]
    html = client.get("/?q=&strona=1").get_data(as_text=True)
    pager = re.search(r'<nav class="pager".*?</nav>', html, re.S).group(0)
    assert re.findall(r">(\d+)</a>", pager) == ["1", "2", "3", "7", "8"]
    assert pager.count('class="gap" aria-hidden="true">…</li>') == 1
    assert "aria-current" in pager and client.get("/").get_data(as_text=True).count('class="pager"') == 0
