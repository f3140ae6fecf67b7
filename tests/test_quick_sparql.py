"""The quick SPARQL path (web/quick_sparql.py) answers exactly as the Flask view does, or leaves it to the view."""

from __future__ import annotations

import asyncio
from urllib.parse import quote, urlencode

import pytest

from kfl_lod.web import create_app
from kfl_lod.web.front import Front
from kfl_lod.web.quick_sparql import QuickSparql

POINT = "SELECT ?p ?o WHERE { <https://kfl.krakow.pl/space/ckp-ruczaj-sala-widowiskowa> ?p ?o }"
ASK = "ASK { ?s a schema:Place }"
CONSTRUCT = "CONSTRUCT { ?s schema:name ?n } WHERE { ?s a kfl:Space ; schema:name ?n } LIMIT 5"
POLISH = 'SELECT ?s WHERE { ?s schema:name ?n FILTER(CONTAINS(?n, "Żółta")) }'


def _get(query: str, **params: str) -> tuple[str, str, bytes, dict[str, str]]:
    return "GET", urlencode({"query": query, **params}, quote_via=quote), b"", {}


# (method, query string, body, headers) -> the quick path must answer it itself ...
ANSWERED = {
    "point lookup, no Accept": _get(POINT),
    "point lookup as CSV": (*_get(POINT)[:3], {"accept": "text/csv"}),
    "as XML by Accept with q": (*_get(POINT)[:3], {"accept": "application/sparql-results+xml;q=0.9, text/csv;q=0.5"}),
    "format=tsv": _get(POINT, format="tsv"),
    "output=xml": _get(POINT, output="xml"),
    "ASK (no row headers)": _get(ASK),
    "CONSTRUCT as Turtle": _get(CONSTRUCT),
    "CONSTRUCT as N-Triples by Accept": (*_get(CONSTRUCT)[:3], {"accept": "application/n-triples"}),
    "CONSTRUCT format=jsonld": _get(CONSTRUCT, format="jsonld"),
    "Polish letters": _get(POLISH),
    "malformed query (400 from the query process)": _get("SELECT WHERE {"),
    "SELECT where only a graph format is acceptable (406)": (*_get(POINT)[:3], {"accept": "text/turtle"}),
    "POST form": (
        "POST",
        "",
        urlencode({"query": POINT}).encode(),
        {"content-type": "application/x-www-form-urlencoded"},
    ),
    "POST sparql-query": ("POST", "", POINT.encode(), {"content-type": "application/sparql-query"}),
    "POST sparql-query utf-8": (
        "POST",
        "",
        POLISH.encode(),
        {"content-type": "application/sparql-query; charset=utf-8"},
    ),
}
# ... and leave these to the view (the answers must still be the view's).
LEFT = {
    "no query (service description)": ("GET", "", b"", {}),
    "HTML page by Accept": (*_get(POINT)[:3], {"accept": "text/html,application/xhtml+xml"}),
    "format=html": _get(POINT, format="html"),
    "two queries": ("GET", "query=ASK%7B%7D&query=ASK%7B%7D", b"", {}),
    "update": ("GET", "update=CLEAR%20ALL", b"", {}),
    "SERVICE": _get("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"),
    "protocol dataset": _get(POINT, **{"default-graph-uri": "https://kfl.krakow.pl/dataset"}),
    "unknown format": _get(POINT, format="png"),
    "nothing acceptable": (*_get(POINT)[:3], {"accept": "image/png"}),
    "not UTF-8": ("GET", "query=ASK%7B%22%FF%22%7D", b"", {}),
    "conditional": (*_get(POINT)[:3], {"if-none-match": '"x"'}),
    "HEAD": ("HEAD", _get(POINT)[1], b"", {}),
    "POST without a type": ("POST", "", POINT.encode(), {}),
    "empty query": _get("   "),
}


def _call(front: Front, method: str, query_string: str, body: bytes, headers: dict[str, str]):
    scope = {
        "type": "http",
        "method": method,
        "path": "/sparql",
        "raw_path": b"/sparql",
        "query_string": query_string.encode("latin-1"),
        "headers": [(b"host", b"kfl.test")]
        + [(k.encode(), v.encode()) for k, v in headers.items()]
        + ([(b"content-length", str(len(body)).encode())] if body else []),
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8080),
        "http_version": "1.1",
        "scheme": "http",
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict] = []

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    asyncio.run(front(scope, receive, send))
    start, data = sent
    headers_out = sorted((k.decode().lower(), v.decode()) for k, v in start["headers"])
    return start["status"], headers_out, data["body"]


@pytest.fixture(scope="module")
def fronts(published):
    app = create_app(published)
    quick = QuickSparql(app)
    used: list[bool] = []

    async def on_loop(environ):
        answer = await quick.answer(environ)
        used.append(answer is not None)
        return answer

    # No answer cache: each request must be answered by its path, not by the other's kept answer.
    yield (
        {
            "event loop": Front(app, threads=4, direct=on_loop),
            "view": Front(app, threads=4),
        },
        used,
    )
    pool = app.extensions.get("kfl_query_pool")
    if pool:
        pool[1].close()


@pytest.mark.parametrize("name", list(ANSWERED) + list(LEFT))
def test_same_answer_as_the_view(fronts, name):
    front, used = fronts
    request = ANSWERED.get(name) or LEFT[name]
    used.clear()
    quick = _call(front["event loop"], *request)
    assert used == [name in ANSWERED], "the quick path answered" if used == [True] else "the quick path left it"
    view = _call(front["view"], *request)
    assert quick[0] == view[0]
    assert quick[1] == view[1]
    assert quick[2] == view[2]
    if name in ANSWERED and quick[0] == 200:
        assert ("x-kfl-release", front["view"].wsgi_app.extensions["kfl_releases"].current().name) in quick[1]


def test_off_for_an_external_engine(published):
    app = create_app(published.replace(store="http://127.0.0.1:9/"))
    assert not QuickSparql(app).enabled


# --- the pool's event-loop side (QueryPool.run_async) ----------------------------------------------

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # never ends on this data
FAST = "ASK { ?s ?p ?o }"


def _job(query: str):
    from kfl_lod.query.engine import Job

    return Job(query, {"boolean": "json", "solutions": "json"}, 10)


def test_run_async_waits_times_out_kills_and_refuses_as_run_does(published):
    from kfl_lod.query.pool import ClientBusy, PoolBusy, QueryPool, QueryTimeout
    from kfl_lod.store import store_loader

    pool = QueryPool(1, store_loader(published.published, published.base), queue=1, client_limit=1)

    async def scenario():
        assert (await pool.run_async(_job(FAST), 10, "a")).status == 200
        heavy = asyncio.ensure_future(pool.run_async(_job(HEAVY), 1.5, "a"))
        await asyncio.sleep(0.2)
        waiting = asyncio.ensure_future(pool.run_async(_job(FAST), 0.3, "b"))  # waits for the one process
        await asyncio.sleep(0.05)
        with pytest.raises(PoolBusy, match="waiting"):  # queue=1: a second waiter is refused at once
            await pool.run_async(_job(FAST), 5, "c")
        with pytest.raises(ClientBusy):  # client_limit=1: client a already has its one query running
            await pool.run_async(_job(FAST), 5, "a")
        with pytest.raises(PoolBusy, match="stayed busy"):
            await waiting
        with pytest.raises(QueryTimeout):
            await heavy
        # The killed process was replaced; a waiter gets the new one once it has started.
        assert (await pool.run_async(_job(FAST), 30, "b")).status == 200

    try:
        asyncio.run(scenario())
        status = pool.status()
        assert status["restarts"] == 1 and status["waiting"] == 0 and status["clients"] == 0
    finally:
        pool.close()


def test_run_async_hands_a_freed_process_to_the_oldest_waiter(published):
    from kfl_lod.query.pool import QueryPool
    from kfl_lod.store import store_loader

    pool = QueryPool(1, store_loader(published.published, published.base))

    async def scenario():
        assert (await pool.run_async(_job(FAST), 10)).status == 200
        replies = await asyncio.gather(*(pool.run_async(_job(FAST), 10, f"client-{i}") for i in range(8)))
        return [r.status for r in replies]

    try:
        assert asyncio.run(scenario()) == [200] * 8
        assert pool.status()["waiting"] == 0 and pool.status()["idle"] == 1
    finally:
        pool.close()
