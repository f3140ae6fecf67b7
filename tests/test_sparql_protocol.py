"""SPARQL 1.1 Protocol, query side, against a real server on loopback.

Most tests use the shared `server` (gunicorn via `kfl-lod serve` on the bundled data);
the W3C protocol test cases run against a server whose store holds the W3C test data.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import socket
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from htmldoc import El, dom
from support import DEPLOYMENTS, open_graphs


@pytest.fixture(scope="module", params=DEPLOYMENTS)
def server(request) -> str:
    """Each test here runs against both deployments: the embedded store and an external engine."""
    return request.getfixturevalue(f"{request.param}_server")


ROOT = Path(__file__).resolve().parent.parent
W3C = ROOT / "reference" / "w3c-sparql11-protocol"
BASE = "https://kfl.krakow.pl/"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
RES = "{http://www.w3.org/2005/sparql-results#}"

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SPACES = "PREFIX kfl: <https://kfl.krakow.pl/def/> SELECT ?s WHERE { ?s a kfl:Space } ORDER BY ?s"
CONSTRUCT = (
    "PREFIX kfl: <https://kfl.krakow.pl/def/> PREFIX schema: <https://schema.org/> "
    "CONSTRUCT { ?s schema:name ?n } WHERE { ?s a kfl:Space ; schema:name ?n }"
)


def published_triples(settings) -> int:
    """Triples the server should hold: the lines of the published N-Triples files."""
    folder = Path(settings.published) / "latest"
    return sum(
        1
        for name in ("kfl.nt", "catalog.nt", "void.nt")
        if (folder / name).exists()
        for line in (folder / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    )


def space_iris() -> set[str]:
    with open(ROOT / "source" / "przestrzenie.csv", encoding="utf-8-sig", newline="") as fh:
        return {BASE + "space/" + row["id"] for row in csv.DictReader(fh)}


def sparql(server: str, query: str, accept: str | None = None, **params) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    return requests.get(server + "/sparql", params={"query": query, **params}, headers=headers, timeout=30)


def json_bindings(response: requests.Response) -> list[dict]:
    return response.json()["results"]["bindings"]


# --- the three ways to send a query ----------------------------------------------------


def test_get_query_counts_every_published_triple(server, published):
    r = sparql(server, COUNT)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/sparql-results+json"
    assert int(json_bindings(r)[0]["n"]["value"]) == published_triples(published)


def test_post_form_and_post_direct_give_the_get_answer(server):
    by_get = sparql(server, SPACES).json()
    by_form = requests.post(server + "/sparql", data={"query": SPACES}, timeout=30)
    direct = requests.post(
        server + "/sparql",
        data=SPACES.encode(),
        timeout=30,
        headers={"Content-Type": "application/sparql-query; charset=utf-8"},
    )
    assert by_form.status_code == direct.status_code == 200
    assert by_form.json() == direct.json() == by_get
    assert {b["s"]["value"] for b in by_get["results"]["bindings"]} == space_iris()


def test_relative_iris_resolve_against_the_base_and_usual_prefixes_are_predeclared(server):
    r = sparql(server, "SELECT ?name WHERE { <space/ckp-ruczaj-sala-widowiskowa> schema:name ?name }")
    assert r.status_code == 200, r.text
    assert [b["name"]["value"] for b in json_bindings(r)] == ["Sala widowiskowa"]


# --- dataset: default-graph-uri / named-graph-uri ----------------------------------------


def test_protocol_dataset_names_the_published_data_or_empty_graphs(server, published):
    total = published_triples(published)
    same = sparql(server, COUNT, **{"default-graph-uri": BASE + "dataset"})
    empty = sparql(server, COUNT, **{"default-graph-uri": "http://example.org/no-such-graph"})
    assert int(json_bindings(same)[0]["n"]["value"]) == total
    assert int(json_bindings(empty)[0]["n"]["value"]) == 0
    named = sparql(
        server, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": BASE + "dataset"}
    )
    assert [b["g"]["value"] for b in json_bindings(named)] == [BASE + "dataset"]
    # With only named graphs given, the default graph is empty (SPARQL 1.1 Protocol 2.1.4).
    only_named = sparql(server, COUNT, **{"named-graph-uri": BASE + "dataset"})
    assert int(json_bindings(only_named)[0]["n"]["value"]) == 0


def test_a_graph_iri_that_is_not_an_iri_is_refused(server):
    r = sparql(server, COUNT, **{"default-graph-uri": "not an iri"})
    assert r.status_code == 400
    assert "IRI" in r.text


# --- content negotiation -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/*", "text/csv"),
        ("application/json", "application/sparql-results+json"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("application/sparql-results+json;q=0, */*;q=0.1", "application/sparql-results+xml"),
        ("application/xhtml+xml;q=0.5,application/xml;q=0.9,*/*;q=0.8", "application/sparql-results+xml"),
    ],
)
def test_select_results_follow_accept(server, accept, expected):
    r = sparql(server, SPACES, accept)
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0] == expected
    assert "Accept" in r.headers["Vary"]
    assert _select_values(r) == space_iris()


def _select_values(r: requests.Response) -> set[str]:
    kind = r.headers["Content-Type"].split(";")[0]
    if kind == "application/sparql-results+json":
        return {b["s"]["value"] for b in json_bindings(r)}
    if kind == "application/sparql-results+xml":
        root = ET.fromstring(r.content)
        return {e.text for e in root.iter(RES + "uri")}
    if kind == "text/csv":
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8"))))
        assert rows[0] == ["s"]
        return {row[0] for row in rows[1:]}
    if kind == "text/tab-separated-values":
        lines = r.content.decode("utf-8").splitlines()
        assert lines[0] == "?s"
        return {line.strip("<>") for line in lines[1:]}
    raise AssertionError(kind)


@pytest.mark.parametrize(
    ("accept", "fmt", "expected", "rdflib_format"),
    [
        ("application/rdf+xml", None, "application/rdf+xml", "xml"),
        ("text/turtle", None, "text/turtle", "turtle"),
        ("application/n-triples", None, "application/n-triples", "nt"),
        ("application/ld+json", None, "application/ld+json", "json-ld"),
        (None, None, "text/turtle", "turtle"),
        ("text/turtle;q=0.2, application/ld+json;q=0.8", None, "application/ld+json", "json-ld"),
        ("application/sparql-results+json", "rdfxml", "application/rdf+xml", "xml"),
        (None, "ntriples", "application/n-triples", "nt"),
    ],
)
def test_construct_results_follow_accept_or_format(server, accept, fmt, expected, rdflib_format):
    params = {"format": fmt} if fmt else {}
    r = sparql(server, CONSTRUCT, accept, **params)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].split(";")[0] == expected
    g = Graph().parse(data=r.content, format=rdflib_format)
    assert {str(s) for s in g.subjects()} == space_iris()


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_describe_answers_the_things_triples_in_every_graph_format(server, published, accept, rdflib_format):
    space = URIRef(BASE + "space/ckp-ruczaj-sala-widowiskowa")
    r = sparql(server, f"DESCRIBE <{space}>", accept)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].split(";")[0] == accept
    got = Graph().parse(data=r.content, format=rdflib_format)
    source = Graph().parse(Path(published.published) / "latest" / "kfl.nt", format="nt")
    expected = {(p, str(o)) for _, p, o in source.triples((space, None, None))}
    assert expected and expected == {(p, str(o)) for _, p, o in got.triples((space, None, None))}
    assert int(r.headers["X-KFL-Result-Rows"]) == len(got)


def test_the_national_portal_harvester_gets_rdf_xml_with_the_exact_media_type(server):
    """GET with Accept: application/rdf+xml on a CONSTRUCT; it reads Content-Type split on ';'."""
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o . ?s a <http://www.w3.org/ns/dcat#Catalog> }"
    r = requests.get(server + "/sparql", params={"query": query}, timeout=30, headers={"Accept": "application/rdf+xml"})
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0] == "application/rdf+xml"
    Graph().parse(data=r.content, format="xml")


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
    ],
)
def test_ask_answers_in_json_or_xml(server, accept, expected):
    r = sparql(server, "ASK { ?s a <https://kfl.krakow.pl/def/Space> }", accept)
    assert r.headers["Content-Type"] == expected
    if expected.endswith("json"):
        assert r.json() == {"head": {}, "boolean": True}
    else:
        assert ET.fromstring(r.content).find(RES + "boolean").text == "true"


@pytest.mark.parametrize(
    ("query", "accept", "params"),
    [
        (SPACES, "image/png", {}),
        (SPACES, "application/rdf+xml", {}),
        ("ASK {}", "text/turtle", {}),
        (CONSTRUCT, "text/csv", {"format": "csv"}),
    ],
)
def test_no_fitting_format_is_406_with_the_formats_offered(server, query, accept, params):
    r = sparql(server, query, accept, **params)
    assert r.status_code == 406
    assert "application/" in r.text  # says what can be had


def test_format_parameter_overrides_accept(server):
    r = sparql(server, SPACES, "application/sparql-results+json", format="tsv")
    assert r.headers["Content-Type"].startswith("text/tab-separated-values")


def test_every_result_format_carries_tricky_values_intact(server):
    query = (
        "SELECT ?a ?b ?c WHERE { VALUES (?a ?b ?c) { "
        '("przecinek, \\"cudzysłów\\"\\nnowa\\tlinia" "zażółć"@pl 42) '
        '(<https://example.org/a?b=c&d> "2026-03-02"^^<http://www.w3.org/2001/XMLSchema#date> UNDEF) } }'
    )
    expected = [
        {"a": 'przecinek, "cudzysłów"\nnowa\tlinia', "b": "zażółć", "c": "42"},
        {"a": "https://example.org/a?b=c&d", "b": "2026-03-02"},
    ]
    j = sparql(server, query, "application/sparql-results+json")
    rows = [{k: v["value"] for k, v in b.items()} for b in json_bindings(j)]
    assert rows == expected
    assert json_bindings(j)[0]["b"]["xml:lang"] == "pl"
    assert json_bindings(j)[1]["b"]["datatype"].endswith("#date")
    x = ET.fromstring(sparql(server, query, "application/sparql-results+xml").content)
    xml_rows = [{b.get("name"): "".join(b.itertext()) for b in result} for result in x.iter(RES + "result")]
    assert xml_rows == expected
    c = list(csv.DictReader(io.StringIO(sparql(server, query, "text/csv").content.decode("utf-8"), newline="")))
    assert [{k: v for k, v in row.items() if v} for row in c] == expected
    t = sparql(server, query, "text/tab-separated-values").content.decode("utf-8").split("\n")
    assert t[0] == "?a\t?b\t?c"
    assert t[1].split("\t") == ['"przecinek, \\"cudzysłów\\"\\nnowa\\tlinia"', '"zażółć"@pl', "42"]
    assert t[2].split("\t") == [
        "<https://example.org/a?b=c&d>",
        '"2026-03-02"^^<http://www.w3.org/2001/XMLSchema#date>',
        "",
    ]


# --- refusals ------------------------------------------------------------------------------


def test_malformed_query_is_400_with_the_parser_message(server):
    r = sparql(server, "SELECT ?s WHERE { ?s ?p ")
    assert r.status_code == 400
    assert r.headers["Content-Type"].startswith("text/plain")
    assert "Malformed query" in r.text


def test_two_query_parameters_are_400(server):
    r = requests.get(server + "/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")], timeout=30)
    assert r.status_code == 400
    assert "exactly one" in r.text


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ({"format": "json"}, None),  # form without a query
        (b"", "application/sparql-query"),
        (b"   \n", "application/sparql-query"),
    ],
)
def test_missing_query_is_400(server, data, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    r = requests.post(server + "/sparql", data=data, headers=headers, timeout=30)
    assert r.status_code == 400
    assert "Missing query" in r.text


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", None])
def test_unsupported_or_missing_content_type_is_400(server, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    r = requests.post(server + "/sparql", data=b"ASK {}", headers=headers, timeout=30)
    assert r.status_code == 400
    assert "application/sparql-query" in r.text


def test_non_utf8_body_is_400(server):
    r = requests.post(
        server + "/sparql",
        data="ASK {}".encode("utf-16"),
        timeout=30,
        headers={"Content-Type": "application/sparql-query; charset=UTF-16"},
    )
    assert r.status_code == 400
    assert "UTF-8" in r.text
    r = requests.post(
        server + "/sparql", data=b"ASK { \xff }", timeout=30, headers={"Content-Type": "application/sparql-query"}
    )
    assert r.status_code == 400
    assert "UTF-8" in r.text


@pytest.mark.parametrize("how", ["get", "form"])
def test_query_not_percent_encoded_as_utf8_is_400(server, how):
    raw = "query=ASK%20%7B%20%3Fs%20%3Fp%20%22%FF%22%20%7D"  # "\xff": Latin-1, not UTF-8
    if how == "get":
        r = requests.get(server + "/sparql?" + raw, timeout=30)
    else:
        r = requests.post(
            server + "/sparql", data=raw, timeout=30, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
    assert r.status_code == 400
    assert "UTF-8" in r.text
    good = raw.replace("%FF", "%C3%BF")  # the same letter in UTF-8
    ok = requests.get(server + "/sparql?" + good, timeout=30)
    assert ok.status_code == 200 and ok.json()["boolean"] is False


def test_graph_iris_with_control_characters_are_refused_without_harming_a_query_process(server):
    before = requests.get(server + "/healthz", timeout=30).json()["query_processes"]["restarts"]
    for iri in ("http://example.org/a\x00b", "http://example.org/a\x01", "http://example.org/\x7f"):
        r = sparql(server, "ASK {}", **{"default-graph-uri": iri})
        assert r.status_code == 400, r.text
        r = sparql(server, "ASK {}", **{"named-graph-uri": iri})
        assert r.status_code == 400, r.text
    assert requests.get(server + "/healthz", timeout=30).json()["query_processes"]["restarts"] == before


@pytest.mark.parametrize(("levels", "status"), [(150, 200), (201, 400), (3000, 400)])
def test_queries_nested_too_deeply_are_refused_before_they_reach_the_engine(server, levels, status):
    # pyoxigraph's parser overflows its stack at about 2000 levels and takes its process with it.
    query = "SELECT * " + "{" * levels + " ?s ?p ?o " + "}" * levels + " LIMIT 1"
    r = requests.post(
        server + "/sparql", data=query.encode(), timeout=30, headers={"Content-Type": "application/sparql-query"}
    )
    assert r.status_code == status, r.text
    if status == 400:
        assert "nested too deeply" in r.text and str(levels) in r.text


def test_xml_results_stay_well_formed_whatever_the_characters(server):
    query = 'SELECT ?x WHERE { BIND("a\\u0000b\\u0001c\\uFFFEd\\uFFFFe\\U0001F600" AS ?x) }'
    r = sparql(server, query, "application/sparql-results+xml")
    assert r.status_code == 200
    value = ET.fromstring(r.content).find(f"{RES}results/{RES}result/{RES}binding/{RES}literal").text
    assert value == "a\ufffdb\ufffdc\ufffdd\ufffde\U0001f600"
    assert sparql(server, query).json()["results"]["bindings"][0]["x"]["value"] == "a\x00b\x01c\ufffed\uffffe\U0001f600"
    graph = sparql(
        server, query.replace("SELECT ?x WHERE", "CONSTRUCT { <urn:x:s> <urn:x:p> ?x } WHERE"), "application/rdf+xml"
    )
    assert graph.status_code == 200
    assert [str(o) for o in Graph().parse(data=graph.content, format="xml").objects()] == [
        "a\ufffdb\ufffdc\ufffdd\ufffde\U0001f600"
    ]


def test_unknown_format_parameter_is_400(server):
    r = sparql(server, SPACES, format="pdf")
    assert r.status_code == 400
    assert "Unknown format" in r.text
    # The message quotes the parameter: it must never be read as HTML or split the headers.
    r = sparql(server, SPACES, format="<script>x</script>\r\nX-Injected: yes")
    assert r.status_code == 400 and "X-Injected" not in r.headers
    assert r.headers["Content-Type"].startswith("text/plain")
    assert r.headers["X-Content-Type-Options"] == "nosniff"


UPDATES = [
    "INSERT DATA { <https://example.org/s> <https://example.org/p> 1 }",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "DROP ALL",
    "CLEAR DEFAULT",
    "CREATE GRAPH <https://example.org/g>",
    "PREFIX x: <https://example.org/>\n# a comment\ndelete where { ?s ?p ?o }",
    "WITH <https://kfl.krakow.pl/dataset> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
]


@pytest.mark.parametrize("update", UPDATES, ids=lambda u: u.split()[-1] if u.startswith("PREFIX") else u.split()[0])
@pytest.mark.parametrize("how", ["get", "form", "direct", "as-query", "as-query-post"])
def test_updates_are_refused_and_change_nothing(server, published, how, update):
    if how == "get":
        r = requests.get(server + "/sparql", params={"update": update}, timeout=30)
    elif how == "form":
        r = requests.post(server + "/sparql", data={"update": update}, timeout=30)
    elif how == "direct":
        r = requests.post(
            server + "/sparql", data=update.encode(), timeout=30, headers={"Content-Type": "application/sparql-update"}
        )
    elif how == "as-query":
        r = sparql(server, update)
    else:
        r = requests.post(
            server + "/sparql", data=update.encode(), timeout=30, headers={"Content-Type": "application/sparql-query"}
        )
    assert r.status_code == 403, r.text
    assert "read-only" in r.text
    count = sparql(server, COUNT)
    assert int(json_bindings(count)[0]["n"]["value"]) == published_triples(published)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(server, method):
    r = requests.request(method, server + "/sparql", params={"query": "ASK {}"}, timeout=30)
    assert r.status_code == 405
    assert "GET" in r.headers["Allow"] and "POST" in r.headers["Allow"]
    assert "read-only" in r.text


def refuse_service_without_outbound_request(server, query: str) -> str:
    """Send a query calling a listener of ours; the listener must hear nothing. The refusal's text."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(1.0)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    try:
        r = sparql(server, query.format(url=url))
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()
    assert r.status_code == 400, r.text
    return r.text


@pytest.mark.parametrize(
    "service",
    [
        "SERVICE <{url}> {{ ?s ?p ?o }}",
        "service silent <{url}> {{ ?s ?p ?o }}",
        "OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "\\u0053ERVICE <{url}> {{ ?s ?p ?o }}",
    ],
)
def test_service_is_refused_and_no_outbound_request_is_made(server, service):
    text = refuse_service_without_outbound_request(server, "SELECT * WHERE {{ " + service + " }}")
    assert "SERVICE" in text and "not allowed" in text


@pytest.mark.parametrize(
    "query",
    [
        # A prefixed name may end in an escaped quote or hash (PN_LOCAL_ESC): the quote must not
        # be read as the start of a string, nor the hash as a comment, hiding what follows.
        "PREFIX ex: <http://e/> SELECT * {{ OPTIONAL {{ ?s ex:a\\' ?o }} SERVICE <{url}> {{ ?s ?p ?o }} FILTER(?o != 'x') }}",
        "PREFIX ex: <http://e/> SELECT * {{ OPTIONAL {{ ?s ex:a\\# ?o }} SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * {{ {{ SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        "SELECT * {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        "SELECT * {{ FILTER EXISTS {{ sErViCe<{url}>{{?s ?p ?o}} }} }}",
    ],
)
def test_service_hidden_in_escapes_subqueries_or_variables_is_refused(server, query):
    text = refuse_service_without_outbound_request(server, query)
    assert "SERVICE" in text and "not allowed" in text


def test_the_service_check_finds_every_service_the_engine_would_call():
    """Random texts mixing strings, IRIs, comments and escaped names around a SERVICE: whenever
    pyoxigraph itself would call the service, the check must have said so."""
    import random

    import pyoxigraph as ox

    from kfl_lod.query.text import inspect

    pieces = [
        "?s ?p ?o .",
        "?s ex:a\\' ?o .",
        "?s ex:a\\# ?o .",
        "# c ",
        "\n",
        "\n",
        "'x'",
        '"y"',
        "'''z'''",
        '"""w"""',
        "?s ex:a\\'",
        "'",
        '"',
        "<http://e/x#y>",
        "<http://e/'>",
        "ex:c%41",
        "FILTER(?o != 'q')",
        "FILTER(?o<?p)",
        "BIND('\\'' AS ?z)",
        'BIND("\\"" AS ?y)',
        "ex:\\'a",
        "\\u0022",
        "\\u0027",
        "?s ?p '#' .",
        '?s ?p "\'" .',
        "?s <http://e/p'> ?o .",
    ]
    store = ox.Store()
    rng = random.Random(11)
    called = 0
    for _ in range(3000):
        before = " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 4)))
        after = " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 3)))
        # A UNION branch is always evaluated; urn: makes pyoxigraph fail at once when it calls it.
        query = (
            f"PREFIX ex: <http://e/> SELECT * {{ {{ {before} }} UNION "
            f"{{ SERVICE <urn:kfl:nowhere> {{ ?s ?p ?o }} }} UNION {{ {after} }} }}"
        )
        try:
            list(store.query(query))
        except SyntaxError:
            continue
        except OSError:
            called += 1
            assert inspect(query).uses_service, query
    assert called > 100  # the texts reached the engine's SERVICE often enough to mean something


def test_service_in_a_string_or_iri_is_not_mistaken_for_the_keyword(server):
    r = sparql(server, 'SELECT ?x WHERE { BIND("SERVICE" AS ?x) FILTER(?x != <https://example.org/SERVICE>) }')
    assert r.status_code == 200
    assert json_bindings(r)[0]["x"]["value"] == "SERVICE"


# --- HEAD, OPTIONS, CORS ---------------------------------------------------------------------


def test_head_answers_headers_without_a_body(server):
    r = requests.head(server + "/sparql", params={"query": SPACES}, timeout=30)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/sparql-results+json"
    assert r.content == b""


def test_options_and_cors_preflight(server):
    r = requests.options(
        server + "/sparql",
        timeout=30,
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert r.status_code == 200
    # Exactly what is answered: PUT, DELETE and PATCH are 405, so they are not offered.
    assert {m.strip() for m in r.headers["Allow"].split(",")} == {"GET", "POST", "HEAD", "OPTIONS"}
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert "content-type" in r.headers["Access-Control-Allow-Headers"].lower()
    got = sparql(server, "ASK {}")
    assert got.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-KFL-Results-Truncated" in sparql(server, SPACES).headers["Access-Control-Expose-Headers"]


# --- no query: service description and the query page ----------------------------------------


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
        ("application/n-triples", "nt"),
        ("*/*", "turtle"),
        (None, "turtle"),
    ],
)
def test_service_description_for_rdf_clients(server, accept, rdflib_format):
    r = requests.get(server + "/sparql", headers={"Accept": accept} if accept else {}, timeout=30)
    assert r.status_code == 200
    g = Graph().parse(data=r.content, format=rdflib_format)
    service = URIRef(BASE + "sparql")  # from the configured base, never from the Host header
    assert (service, RDF.type, SD.Service) in g
    assert (service, SD.endpoint, service) in g
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
    formats = set(g.objects(service, SD.resultFormat))
    assert URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats
    assert URIRef("http://www.w3.org/ns/formats/RDF_XML") in formats
    assert any(
        isinstance(c, Literal) and "10000" in c
        for c in g.objects(service, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"))
    )  # the row limit is stated


def _tags(page: El) -> list[tuple[str, dict]]:
    return [(el.tag, el.attrs) for el in page.all()]


def test_browser_gets_a_query_page_with_an_editor_and_every_example(server):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    r = requests.get(server + "/sparql", headers={"Accept": browser}, timeout=30)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/html")
    page = dom(r)
    forms = [a for t, a in _tags(page) if t == "form"]
    assert forms and forms[0]["action"] == "/sparql" and forms[0]["method"] == "post"
    assert any(t == "textarea" and a.get("name") == "query" for t, a in _tags(page))
    # No CDN: everything the page loads comes from us (YASGUI from static/vendor).
    loaded = [a.get("src") or a.get("href") for t, a in _tags(page) if t in ("script", "link", "img")]
    assert loaded and all(u.startswith("/") and not u.startswith("//") for u in loaded if u)
    assert "/static/vendor/yasgui/yasgui.min.js" in {u.split("?")[0] for u in loaded if u}
    names = sorted(p.stem for p in (ROOT / "sparql").glob("*.rq"))
    linked = {a["href"].split("example=")[1] for t, a in _tags(page) if t == "a" and "example=" in a.get("href", "")}
    assert linked == set(names)
    example = names[0]
    chosen = requests.get(server + "/sparql", params={"example": example}, headers={"Accept": "text/html"}, timeout=30)
    assert dom(chosen).one("textarea").raw == (ROOT / "sparql" / f"{example}.rq").read_text(encoding="utf-8")


# --- the W3C SPARQL 1.1 protocol tests (query side) -------------------------------------------

W3C_GRAPHS = {f"http://kasei.us/2009/09/sparql/data/data{i}.rdf": W3C / f"data{i}.nt" for i in (1, 2, 3)}


@pytest.fixture(scope="module")
def w3c_server(tmp_path_factory):
    """A real HTTP server on loopback whose store holds the W3C test data in named graphs."""
    import functools

    from werkzeug.serving import make_server

    from kfl_lod.settings import load_settings
    from kfl_lod.web import create_app

    tmp = tmp_path_factory.mktemp("w3c")
    settings = load_settings(
        environ={}, cwd=tmp, published=tmp / "published", base=BASE, sparql_examples=ROOT / "sparql"
    )
    app = create_app(settings, query_store=functools.partial(open_graphs, W3C_GRAPHS))
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    app.extensions["kfl_query_pool"][1].close()


def _manifest_tests() -> list[tuple[str, list[dict]]]:
    """Each protocol test of the manifest: its name and its requests (method, path, headers, body, expect)."""
    g = Graph().parse(W3C / "manifest.ttl", format="turtle")
    MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
    HT = Namespace("http://www.w3.org/2011/http#")
    CNT = Namespace("http://www.w3.org/2011/content#")
    out = []
    for test in g.subjects(RDF.type, MF.ProtocolTest):
        name = str(test).rpartition("#")[2]
        action = g.value(test, MF.action)
        requests_list = []
        for req in g.items(g.value(action, HT.requests)):
            body = g.value(req, HT.body)
            headers = {}
            if g.value(req, HT.headers) is not None:
                for h in g.items(g.value(req, HT.headers)):
                    headers[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
            resp = g.value(req, HT.resp)
            requests_list.append(
                {
                    "method": str(g.value(req, HT.methodName)),
                    "path": str(g.value(req, HT.absolutePath)),
                    "headers": headers,
                    "body": str(g.value(body, CNT.chars)) if body is not None else None,
                    "encoding": str(g.value(body, CNT.characterEncoding)) if body is not None else None,
                    "status": {str(s).rpartition("#")[2] for s in g.objects(resp, MF.expectedStatus)},
                    "boolean": g.value(resp, MF.expectedBoolean),
                    "format": str(g.value(resp, MF.expectedFormat) or ""),
                }
            )
        out.append((name, requests_list))
    return sorted(out)


W3C_TESTS = _manifest_tests() if (W3C / "manifest.ttl").exists() else []
FORMAT_TYPES = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    },
    "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples", "application/ld+json"},
}


def test_the_w3c_manifest_is_there():
    assert len(W3C_TESTS) >= 30


@pytest.mark.parametrize(("name", "reqs"), W3C_TESTS, ids=[n for n, _ in W3C_TESTS])
def test_w3c_protocol_case(w3c_server, name, reqs):
    """Run the case as the manifest writes it; updates must be refused (403), not done."""
    host = urlsplit(w3c_server)
    for req in reqs:
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
        body = req["body"].encode(req["encoding"] or "utf-8") if req["body"] is not None else None
        headers = dict(req["headers"])
        if body is not None:
            headers["Content-Length"] = str(len(body))
        conn.request(req["method"], req["path"], body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        if name.startswith("update_"):
            # Our endpoint is read-only: the protocol's update operation is refused, clearly.
            assert response.status == 403, (name, response.status, data)
            assert b"read-only" in data
            return
        if "StatusCode4xx" in req["status"]:
            assert 400 <= response.status < 500, (name, response.status, data)
            assert data.strip(), "a 4xx answer says why"
            continue
        assert 200 <= response.status < 400, (name, response.status, data)
        content_type = response.getheader("Content-Type", "").split(";")[0]
        if req["format"]:
            assert content_type in FORMAT_TYPES[req["format"]], (name, content_type)
        if req["boolean"] is not None:
            expected = bool(req["boolean"].toPython())
            assert json.loads(data)["boolean"] is expected, (name, data)


# --- kfl-lod serve builds first when the publication is missing or stale --------------------------


def test_serve_builds_a_missing_or_stale_publication_first(tmp_path, published, start_server):
    import shutil

    shutil.copytree(published.source, tmp_path / "source")
    settings = published.replace(source=tmp_path / "source", published=tmp_path / "published")
    url = start_server(settings)  # nothing published yet: serve builds, then serves
    assert (tmp_path / "published" / "latest" / "kfl.nt").exists()
    query = "SELECT ?n WHERE { <space/ckp-ruczaj-sala-widowiskowa> schema:name ?n }"
    assert json_bindings(sparql(url, query))[0]["n"]["value"] == "Sala widowiskowa"
    path = tmp_path / "source" / "przestrzenie.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "ckp-ruczaj-sala-widowiskowa,ckp-ruczaj,Sala widowiskowa,",
            "ckp-ruczaj-sala-widowiskowa,ckp-ruczaj,Sala widowiskowa główna,",
        ),
        encoding="utf-8",
    )
    url = start_server(settings)  # the source is newer than the publication: rebuilt
    assert json_bindings(sparql(url, query))[0]["n"]["value"] == "Sala widowiskowa główna"
