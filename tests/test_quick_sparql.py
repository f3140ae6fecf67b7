"""The quick SPARQL path (web/quick_sparql.py) answers exactly as the Flask view does, or leaves it to the view."""

from __future__ import annotations

import asyncio
from urllib.parse import quote, urlencode

import pytest

from kfl_lod.query.text import MAX_NESTING, inspect, plain_form
from kfl_lod.web import create_app
from kfl_lod.web.front import Front
from kfl_lod.web.quick_sparql import QuickSparql, _pairs

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
    "If-None-Match not matching": (*_get(POINT)[:3], {"if-none-match": '"x"'}),
    "If-Modified-Since (no date on SPARQL answers: 200)": (
        *_get(POINT)[:3],
        {"if-modified-since": "Tue, 01 Dec 2099 00:00:00 GMT"},
    ),
    "prefix IRI naming service, a string saying SERVICE": _get(
        "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>\n# SERVICE in a comment\n"
        'SELECT ?s WHERE { ?s schema:name ?n FILTER(?n != "SERVICE") }'
    ),
    "a percent sign not an escape (kept as it is: 400)": ("GET", "query=ASK%7B%7D%zz", b"", {}),
    "plus signs and percent escapes of both cases": ("GET", "query=ASK+%7b+%3Fs+%3fp+%3Fo+%7D", b"", {}),
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
    "HEAD": ("HEAD", _get(POINT)[1], b"", {}),
    "POST without a type": ("POST", "", POINT.encode(), {}),
    "empty query": _get("   "),
    "update after prefixes": _get("PREFIX s: <https://schema.org/> INSERT DATA { <a:b> s:name 1 }"),
    "SERVICE after a prefix naming service": _get(
        "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> "
        "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    ),
    "SERVICE hidden by an escape": _get("SELECT * { \\u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }"),
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


def test_revalidation_is_answered_304_as_the_view_does_and_fills_the_cache(fronts):
    front, used = fronts
    query = _get(POINT + " # revalidated")
    etag = dict(_call(front["view"], *query)[1])["etag"]
    conditional = (*query[:3], {"if-none-match": f'W/"x", {etag}'})
    quick = _call(front["event loop"], *conditional)
    view = _call(front["view"], *conditional)
    assert set(quick[1]) ^ set(view[1]) == set()
    assert quick == view and quick[0] == 304 and quick[2] == b""
    release = front["view"].wsgi_app.extensions["kfl_releases"].current()
    kept = [answer for key, answer in release.answers._items.items() if "revalidated" in key[2]]
    assert [a[0] for a in kept] == [200]  # the 200 behind the 304, for the next request


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


def test_pairs_are_parse_qsl_s():
    """The quick path's query-string reading gives parse_qsl's pairs, or None where parse_qsl fails."""
    import random
    from urllib.parse import parse_qsl

    rng = random.Random(13)
    pieces = ["query", "=", "&", "+", "%20", "%2B", "%26", "%3D", "%7b", "%C5%BC", "%C5", "%FF", "%", "%z", "%4",
              "\\", "a", "Z", "9", "-", "_", ".", "~", "%5C", "%5Cx41", "\\x41", "%00", "format", "tsv", "=="]  # fmt: skip
    cases = ["", "&", "=", "query=", "query", "&&query=a&&", "query=%E2%82%AC&format=csv"]
    cases += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 14))) for _ in range(3000)]
    for encoded in cases:
        try:
            expected = parse_qsl(encoded, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            expected = None
        assert _pairs(encoded) == expected, encoded


PLAIN_TEXTS = [
    "SELECT * { ?s ?p ?o }",
    "  # comment\nPREFIX s: <https://schema.org/>\nBASE <https://kfl.krakow.pl/>\nSELECT ?s { ?s s:name ?n }",
    "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> ASK { ?s a sd:Service }",
    "prefix : <http://e/> construct { ?s :p ?o } where { ?s :p ?o }",
    "PREFIX s: <https://schema.org/> DESCRIBE <https://kfl.krakow.pl/space/x>",
    'SELECT ?s { ?s ?p "SERVICE" }',
    "SELECT ?s { ?s ?p '''service''' }",
    "PREFIX s: <https://schema.org/> SELECT ?s { ?s s:name ?n FILTER(!BOUND(?n) && -1 < +2) }",
    "PREFIXs: <http://e/> SELECT * {}",
    "PREFIX s:<http://e/service>SELECT * {}",
    "PREFIX s: <http://e/> INSERT DATA { <a:b> s:p 1 }",
    "PREFIX s: <http://e/> WITH <http://g/> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "SELECT * { SERVICE <http://e/sparql> { ?s ?p ?o } }",
    "SELECT * { servıce <http://e/sparql> { ?s ?p ?o } }",  # dotless i: upper-cases to SERVICE
    "SELECT * { \\u0053ERVICE <http://e/sparql> { ?s ?p ?o } }",
    'SELECT * { ?s ?p "unterminated } service',
    "SELECT * { ?s ?p ' } SERVICE <http://e/> {}",
    "PREFIX p: <http://e/> " + "{" * (MAX_NESTING + 1) + "}" * (MAX_NESTING + 1),
    "SELECT * " + "{" * MAX_NESTING + "}" * MAX_NESTING,
    "SELECT * " + "{" * (MAX_NESTING + 1) + "}" * (MAX_NESTING + 1),
    "SELECT * { FILTER(" + "!" * (MAX_NESTING + 1) + "true) }",
    "PREFIX p: <http://e/> p:x",
    "BASE <http://e/> BASE <http://f/> PREFIX a: <b:c> # c\n ASK {}",
    "",
    "   ",
    "LOAD <http://e/>",
    "SELECT ?service { ?service a ?t }",
    "PREFIX service: <http://e/> SELECT * { ?s service:p ?o }",
]


@pytest.mark.parametrize("text", PLAIN_TEXTS)
def test_plain_form_agrees_with_inspect(text):
    """Where the shortcut decides, inspect decides the same: a query form, no update, no SERVICE, nesting in bounds."""
    form = plain_form(text)
    if form is not None:
        read = inspect(text)
        assert (read.form, read.update, read.uses_service) == (form, None, False)
        assert read.depth <= MAX_NESTING


def test_plain_form_decides_the_common_queries():
    """The shortcut is taken for every example query with all prefixes declared (as bench_serving sends them)."""
    from pathlib import Path

    from kfl_lod.query.engine import default_prefixes
    from kfl_lod.query.examples import load_examples

    head = "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in default_prefixes("https://kfl.krakow.pl/").items())
    examples = load_examples(Path(__file__).resolve().parent.parent / "sparql")
    assert examples
    for example in examples:
        text = head + "\n" + example.text + "\n#1"
        assert plain_form(text) == inspect(text).form is not None, example.name


def _call_path(front: Front, path: str, headers: dict[str, str], method: str = "GET"):
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
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
    return start["status"], sorted((k.decode().lower(), v.decode()) for k, v in start["headers"]), data["body"]


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_a_dump_revalidated_before_it_was_kept_fills_the_cache(published, encoding):
    """The first revalidation of a dump makes the cache hold its 200; its 304 is the cache's, as every later one."""
    from kfl_lod.web.asgi import make_front

    view = Front(create_app(published), threads=2)  # no answer cache: the app's own answers
    whole = _call_path(view, "/dumps/kfl.ttl", {"accept-encoding": encoding})
    etag, modified = dict(whole[1])["etag"], dict(whole[1])["last-modified"]
    views_304 = _call_path(view, "/dumps/kfl.ttl", {"accept-encoding": encoding, "if-none-match": etag})
    assert views_304[0] == 304

    front = make_front(published)
    release = front.wsgi_app.extensions["kfl_releases"].current()
    conditional = {"accept-encoding": encoding, "if-none-match": f'"other", {etag}'}
    first = _call_path(front, "/dumps/kfl.ttl", conditional)
    kept = [a for key, a in release.answers._items.items() if key[1] == "/dumps/kfl.ttl"]
    assert [(a[0], a[2]) for a in kept] == [(200, whole[2])]  # the 200 behind the 304, kept
    again = _call_path(front, "/dumps/kfl.ttl", conditional)  # answered from the cache
    assert first == again and first[0] == 304 and first[2] == b""
    # The view's 304 header for header (tests/test_revalidation.py does the same for pages).
    assert first[1] == views_304[1]
    # Conditions that do not hold get the whole file; If-Modified-Since alone is honoured too.
    fresh = make_front(published)
    assert _call_path(fresh, "/dumps/kfl.ttl", {"accept-encoding": encoding, "if-none-match": '"x"'})[2] == whole[2]
    fresh = make_front(published)
    since = _call_path(fresh, "/dumps/kfl.ttl", {"accept-encoding": encoding, "if-modified-since": modified})
    assert since[0] == 304 and dict(since[1])["etag"] == etag
    for f in (view, front, fresh):
        pool = f.wsgi_app.extensions.get("kfl_query_pool")
        if pool:
            pool[1].close()
