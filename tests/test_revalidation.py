"""Pages and documents revalidated before their 200 was kept: the first revalidation fills the cache (issue 13).

A cache in front revalidates with If-None-Match; when the 200 is not in the answer cache
(evicted, or the revalidation is the first request), the view answers the 200, which is
kept, and the 304 is made from it. Each 304 must be the view's own, header for header.
"""

from __future__ import annotations

import asyncio
import shutil
from datetime import date

import pytest

from kfl_lod.build import build
from kfl_lod.web import create_app
from kfl_lod.web.asgi import make_front
from kfl_lod.web.front import Front

SPACE = "/space/ckp-ruczaj-sala-widowiskowa"
PAGES = ["/", "/?q=sala", "/o-danych", SPACE + ".html", SPACE + ".ttl", SPACE + ".jsonld", SPACE + ".nt"]


def _call(front: Front, target: str, headers: dict[str, str], method: str = "GET"):
    path, _, query = target.partition("?")
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": [(b"host", b"kfl.test")] + [(k.encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8080),
        "http_version": "1.1",
        "scheme": "http",
    }
    sent: list[dict] = []

    async def receive():
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    asyncio.run(front(scope, receive, send))
    start, data = sent
    headers = sorted((k.decode().lower(), v.decode()) for k, v in start["headers"])
    # Date is the time of sending (the HTTP server sets its own); everything else must match.
    return start["status"], [(k, v) for k, v in headers if k != "date"], data["body"]


def _kept(front: Front, path: str) -> list:
    release = front.wsgi_app.extensions["kfl_releases"].current()
    return [a for key, a in release.answers._items.items() if key[1].partition("?")[0] == path]


def _close(*fronts: Front) -> None:
    for f in fronts:
        pool = f.wsgi_app.extensions.get("kfl_query_pool")
        if pool:
            pool[1].close()


@pytest.fixture(scope="module")
def view(published):
    front = Front(create_app(published), threads=2)  # no answer cache: the app's own answers
    yield front
    _close(front)


@pytest.mark.parametrize("encoding", ["identity", "gzip", "br"])
@pytest.mark.parametrize("target", PAGES)
def test_a_page_revalidated_before_it_was_kept_fills_the_cache(published, view, encoding, target):
    """The first revalidation keeps the 200; it and every later one are the view's 304, header for header."""
    whole = _call(view, target, {"accept-encoding": encoding})
    assert whole[0] == 200
    etag = dict(whole[1])["etag"]
    if encoding != "identity" and dict(whole[1]).get("content-encoding"):
        assert etag != dict(_call(view, target, {"accept-encoding": "identity"})[1])["etag"]  # its own ETag
    conditional = {"accept-encoding": encoding, "if-none-match": f'"other", {etag}'}
    views_304 = _call(view, target, conditional)
    assert views_304[0] == 304 and views_304[2] == b""

    front = make_front(published)
    path = target.partition("?")[0]
    assert _kept(front, path) == []
    first = _call(front, target, conditional)
    kept = _kept(front, path)
    assert [(a[0], a[2]) for a in kept] == [(200, whole[2])]  # the 200 behind the 304, kept
    again = _call(front, target, conditional)  # answered from the cache, on the event loop
    assert first == again == views_304
    # The 200 from the cache is the view's; a condition that does not hold gets the whole answer.
    assert _call(front, target, {"accept-encoding": encoding}) == whole
    assert _call(front, target, {"accept-encoding": encoding, "if-none-match": '"x"'}) == whole
    # If-Modified-Since alone, before and after the 200 is kept: the cache's 304 (the same as
    # the view's 304 for an ETag; the pages' view itself ignores If-Modified-Since).
    since = {"accept-encoding": encoding, "if-modified-since": dict(whole[1])["last-modified"]}
    fresh = make_front(published)
    assert _call(fresh, target, since) == _call(front, target, since) == views_304
    _close(front, fresh)


@pytest.mark.parametrize("target", ["/", "/?q=sala", SPACE + ".html"])
def test_a_gzip_page_is_the_same_bytes_at_any_second(view, target, monkeypatch):
    """Its ETag is of the bytes: a gzip header stamped with the time would change it every second."""
    import time

    first = _call(view, target, {"accept-encoding": "gzip"})
    assert dict(first[1])["content-encoding"] == "gzip" and first[2][4:8] == b"\0\0\0\0"
    later = time.time() + 3600
    monkeypatch.setattr(time, "time", lambda: later)
    assert _call(view, target, {"accept-encoding": "gzip"}) == first


def test_a_page_that_sets_a_cookie_is_never_kept(published, view):
    """?lang= sets the language cookie: never kept, and without an ETag a revalidation gets the whole page."""
    front = make_front(published)
    answer = _call(front, "/?lang=en", {"if-none-match": '"x"'})
    assert answer[0] == 200 and any(k == "set-cookie" for k, _ in answer[1])
    assert _kept(front, "/") == []
    assert answer[0] == _call(view, "/?lang=en", {"if-none-match": '"x"'})[0]
    _close(front)


def test_a_revalidation_after_a_switch_gets_the_new_release(tmp_path, published):
    """A 200 kept before a switch never answers for the new release: the old ETag gets the new 200."""
    from test_serving import NEW_NAME, rename_space

    shutil.copytree(published.source, tmp_path / "source")
    settings = published.replace(source=tmp_path / "source", published=tmp_path / "published")
    assert build(settings, today=date(2026, 3, 2)).report.conforms
    front = make_front(settings)
    target = SPACE + ".html"
    whole = _call(front, target, {})
    etag = dict(whole[1])["etag"]
    assert _call(front, target, {"if-none-match": etag})[0] == 304
    new = rename_space(settings, NEW_NAME, date(2026, 3, 3))
    after = _call(front, target, {"if-none-match": etag})
    assert after[0] == 200 and dict(after[1])["x-kfl-release"] == new and NEW_NAME in after[2].decode()
    # The new 200 is kept in the new release, and its own ETag now revalidates from there.
    assert [a[2] for a in _kept(front, target)] == [after[2]]
    new_etag = dict(after[1])["etag"]
    assert new_etag != etag
    again = _call(front, target, {"if-none-match": new_etag})
    assert again[0] == 304 and dict(again[1])["x-kfl-release"] == new
    _close(front)
