"""Real client libraries against a real server: what researchers, harvesters and civic developers use.

Every test here drives the client itself (SPARQLWrapper, rdflib, PyLD, curl, wget), never a
hand-made request, against `kfl-lod serve` (gunicorn) on loopback, one server for the module.
The client matrix (library x return format x query form x method) prints its table
whenever it runs (``pytest tests/test_clients.py -k matrix``).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import shutil
import subprocess
import warnings
import xml.dom.minidom
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
import requests
from pyld import jsonld
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper import RDF as SW_RDF

from kfl_lod.store import PUBLISHED_DATATYPES, as_published
from support import BASE, ROOT

pytestmark = pytest.mark.server

KFL = BASE + "def/"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
SPACE_QUERY = f"SELECT ?s WHERE {{ ?s a <{KFL}Space> }}"
ASK_FALSE = f"ASK {{ ?s a <{KFL}NoSuchClass> }}"
CONSTRUCT = f"CONSTRUCT {{ ?s a <{KFL}Space> }} WHERE {{ ?s a <{KFL}Space> }}"


@pytest.fixture(scope="module")
def url(published, start_module_server) -> str:
    return start_module_server(published)


@pytest.fixture(params=["embedded store", "external engine"])
def endpoint(request, url) -> str:
    """The server on its own pyoxigraph store, and `kfl-lod serve --store` on a real `oxigraph serve`."""
    return url if request.param == "embedded store" else request.getfixturevalue("engine_server")


@pytest.fixture(scope="module")
def data(published) -> Graph:
    return Graph().parse(Path(published.published) / "latest" / "kfl.nt", format="nt")


@pytest.fixture(scope="module")
def spaces(data) -> set[str]:
    return {str(s) for s in data.subjects(RDF.type, URIRef(KFL + "Space"))}


# --- the client matrix: SPARQLWrapper, rdflib, PyLD, jsonld.js -----------------------------------------------------------------

# Every return format SPARQLWrapper 2 offers, and N-Triples the way its docs say to get a
# format it has no name for (only content negotiation, with our own Accept).
FORMATS = {
    "JSON": JSON,
    "XML": XML,
    "CSV": CSV,
    "TSV": TSV,
    "Turtle": TURTLE,
    "N3": N3,
    "RDF": SW_RDF,
    "RDF/XML": RDFXML,
    "JSON-LD": JSONLD,
    "N-Triples": "application/n-triples",
}
METHODS = {"GET": (GET, None), "POST form": (POST, URLENCODED), "POST direct": (POST, POSTDIRECTLY)}


def _wrapper(url: str, query: str, fmt: str, method: str) -> SPARQLWrapper:
    sw = SPARQLWrapper(url + "/sparql")
    sw.setQuery(query)
    http_method, request_method = METHODS[method]
    sw.setMethod(http_method)
    if request_method:
        sw.setRequestMethod(request_method)
    if fmt.startswith("application/"):
        sw.setOnlyConneg(True)
        sw.addCustomHttpHeader("Accept", fmt)
    else:
        sw.setReturnFormat(fmt)
    return sw


def _read(result, content_type: str, form: str):
    """What the client got, read the way its own convert() reads it: rows, a boolean or a graph."""
    kind = content_type.split(";")[0]
    converted = result.convert()
    if form == "SELECT":
        if kind == "application/sparql-results+json":
            return {b["s"]["value"] for b in converted["results"]["bindings"]}
        if kind == "application/sparql-results+xml":
            return {e.firstChild.data for e in converted.getElementsByTagName("uri")}
        text = converted.decode("utf-8")
        if kind == "text/csv":
            return {row[0] for row in list(csv.reader(io.StringIO(text)))[1:]}
        if kind == "text/tab-separated-values":
            return {line.strip("<>") for line in text.splitlines()[1:]}
    if form == "ASK":
        if kind == "application/sparql-results+json":
            return converted["boolean"]
        if kind == "application/sparql-results+xml":
            return converted.getElementsByTagName("boolean")[0].firstChild.data == "true"
        if kind in ("text/csv", "text/tab-separated-values"):
            lines = converted.decode("utf-8").splitlines()
            assert lines[0].lstrip("?") == "_askResult"
            return {"true": True, "false": False}[lines[1]]
    if form in ("CONSTRUCT", "DESCRIBE"):
        if isinstance(converted, Graph):
            graph = converted
        else:
            fmt = {"text/turtle": "turtle", "application/n-triples": "nt"}[kind]
            graph = Graph().parse(data=converted, format=fmt)
        return graph
    raise AssertionError(f"{form} answered as {kind}")


# rdflib's SPARQLStore: every returnFormat it has a result parser for, by its three methods.
RDFLIB_FORMATS = ("json", "xml", "csv", "tsv", "application/rdf+xml")
RDFLIB_METHODS = {"GET": "GET", "POST form": "POST_FORM", "POST direct": "POST"}
HEADER = ("library", "format", "form", "method", "answer", "result")


def _queries(spaces: set[str]) -> dict[str, str]:
    space = sorted(spaces)[0]
    return {"SELECT": SPACE_QUERY, "ASK": ASK_FALSE, "CONSTRUCT": CONSTRUCT, "DESCRIBE": f"DESCRIBE <{space}>"}


def _judge(form: str, got, spaces: set[str], space: str, described: set) -> str:
    """Compare what a client read with the published data: ok or WRONG ANSWER."""
    if form == "SELECT":
        ok = {str(s) for s in got} == spaces
    elif form == "ASK":
        ok = got is False
    elif form == "CONSTRUCT":
        ok = {str(s) for s in got.subjects()} == spaces
    else:
        ok = {(p, o) for _, p, o in got.triples((URIRef(space), None, None))} == described
    return "ok" if ok else "WRONG ANSWER"


def _sparqlwrapper_cells(url, spaces, space, described):
    for label, fmt in FORMATS.items():
        for form, query in _queries(spaces).items():
            for method in METHODS:
                sw = _wrapper(url, query, fmt, method)
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    try:
                        result = sw.query()
                        content_type = result.info()["content-type"]
                        outcome = _judge(form, _read(result, content_type, form), spaces, space, described)
                    except Exception as exc:  # noqa: BLE001 - every failure is reported in the table
                        content_type, outcome = "-", f"{type(exc).__name__}: {str(exc)[:60]}"
                        # Asked by Accept for N-Triples only, a SELECT or ASK has nothing to offer:
                        # 406 listing the formats is the right answer (SPARQLWrapper has no N-Triples
                        # name, so it cannot fall back to */* as it does for its own names).
                        if label == "N-Triples" and form in ("SELECT", "ASK") and "406" in str(exc):
                            content_type, outcome = "406", "ok (406 as asked)"
                # The client's own warnings (it says so when it asks a SELECT for Turtle) are shown.
                if outcome == "ok" and any("unexpected" in str(w.message) for w in caught):
                    outcome = "ok (client warns)"
                yield ("SPARQLWrapper", label, form, method, content_type.split(";")[0], outcome)


def _rdflib_cells(url, spaces, space, described):
    for fmt in RDFLIB_FORMATS:
        for form, query in _queries(spaces).items():
            for method, rdflib_method in RDFLIB_METHODS.items():
                store = SPARQLStore(url + "/sparql", returnFormat=fmt, method=rdflib_method)
                accept = store.response_mime_types()
                # What the server answered that Accept (rdflib hides the status: GET turns any HTTP
                # error into "You did something wrong", POST returns a tuple instead of a result).
                probe = requests.get(url + "/sparql", params={"query": query}, headers={"Accept": accept}, timeout=30)
                status = probe.status_code
                answer = probe.headers["Content-Type"].split(";")[0] if status == 200 else str(status)
                try:
                    result = store.query(query)
                    if form == "SELECT":
                        got = {str(row[0]) for row in result}
                    elif form == "ASK":
                        got = result.askAnswer
                    else:
                        got = result.graph
                    outcome = _judge(form, got, spaces, space, described)
                except Exception as exc:  # noqa: BLE001 - every failure is reported in the table
                    outcome = f"{type(exc).__name__}: {str(exc)[:60]}"
                graph_form = form in ("CONSTRUCT", "DESCRIBE")
                if status == 406 and graph_form != ("rdf+xml" in accept):
                    # It asked only for formats this form has not (e.g. a CONSTRUCT as JSON results).
                    outcome = "ok (406 as asked)"
                elif form == "ASK" and fmt in ("csv", "tsv") and status == 200 and outcome == "WRONG ANSWER":
                    # rdflib reads every CSV/TSV as SELECT rows, so any ASK is true (its parser).
                    outcome = "client limit: reads a CSV/TSV ASK as rows"
                yield ("rdflib SPARQLStore", fmt, form, method, answer, outcome)


def _json_ld_cells(url, spaces, space, described):
    """PyLD and jsonld.js load a CONSTRUCT or DESCRIBE URL as a JSON-LD document (GET, their own Accept)."""
    queries = {form: q for form, q in _queries(spaces).items() if form in ("CONSTRUCT", "DESCRIBE")}
    urls = {form: url + "/sparql?" + urlencode({"query": q}) for form, q in queries.items()}
    node = dict(zip(urls, _jsonld_js(*urls.values()), strict=True))
    for form, address in urls.items():
        for library in ("PyLD", "jsonld.js"):
            content_type = "-"
            try:
                if library == "PyLD":
                    content_type = jsonld.get_document_loader()(address, {})["contentType"]
                    nquads = jsonld.to_rdf(jsonld.expand(address), {"format": "application/n-quads"})
                else:
                    assert "error" not in node[form], node[form]["error"]
                    content_type, nquads = node[form]["contentType"], node[form]["nquads"]
                outcome = _judge(form, Graph().parse(data=nquads, format="nt"), spaces, space, described)
            except Exception as exc:  # noqa: BLE001 - every failure is reported in the table
                outcome = f"{type(exc).__name__}: {str(exc)[:60]}"
            yield (library, "JSON-LD", form, "GET", content_type, outcome)


def _table(rows: list[tuple], deployment: str) -> str:
    widths = [max(len(str(r[i])) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in [HEADER, *rows]]
    libraries = sorted({r[0] for r in rows})
    totals = [
        f"{lib}: {sum(1 for r in rows if r[0] == lib)} requests, "
        f"{sum(1 for r in rows if r[0] == lib and r[5].startswith('ok'))} ok, "
        f"{sum(1 for r in rows if r[0] == lib and r[5].startswith('client limit'))} client limits"
        for lib in libraries
    ]
    title = f"Client matrix (library x return format x query form x method), {deployment}:"
    return "\n".join(["", title, *lines, *totals])


def test_client_matrix_every_library_format_form_and_method(endpoint, request, data, spaces, capsys):
    """SPARQLWrapper, rdflib, PyLD and jsonld.js against the endpoint; the table is always printed."""
    url = endpoint
    space = sorted(spaces)[0]
    described = {(p, o) for _, p, o in data.triples((URIRef(space), None, None))}
    rows = [
        *_sparqlwrapper_cells(url, spaces, space, described),
        *_rdflib_cells(url, spaces, space, described),
        *_json_ld_cells(url, spaces, space, described),
    ]
    with capsys.disabled():  # printed without -s: the table is the test's report
        print(_table(rows, request.node.callspec.params["endpoint"]))
    assert sum(1 for r in rows if r[0] == "SPARQLWrapper") == len(FORMATS) * 4 * len(METHODS)
    assert sum(1 for r in rows if r[0] == "rdflib SPARQLStore") == len(RDFLIB_FORMATS) * 4 * len(RDFLIB_METHODS)
    failures = [r for r in rows if not (r[5].startswith("ok") or r[5].startswith("client limit"))]
    assert not failures, failures
    # The only client limit is rdflib's reading of CSV/TSV ASK answers (docs/server.md, "Clients tried").
    assert {(r[0], r[1], r[2]) for r in rows if r[5].startswith("client limit")} <= {
        ("rdflib SPARQLStore", fmt, "ASK") for fmt in ("csv", "tsv")
    }


@pytest.mark.parametrize("label", ["RDF/XML", "TSV", "JSON-LD"])
def test_sparqlwrapper_repeats_the_format_parameter_and_is_answered(url, label):
    """SPARQLWrapper sends format=rdf+xml&format=application/rdf+xml (and output=, results=)."""
    sw = _wrapper(url, CONSTRUCT if label != "TSV" else SPACE_QUERY, FORMATS[label], "GET")
    request = sw._createRequest()
    assert request.full_url.count("format=") == 2 and "output=" in request.full_url
    result = sw.query()
    expected = {"RDF/XML": "application/rdf+xml", "TSV": "text/tab-separated-values", "JSON-LD": "application/ld+json"}
    assert result.info()["content-type"].split(";")[0] == expected[label]


def test_format_parameters_that_disagree_are_refused(url):
    r = requests.get(
        url + "/sparql", params=[("query", SPACE_QUERY), ("format", "json"), ("format", "csv")], timeout=30
    )
    assert r.status_code == 400 and "csv" in r.text and "json" in r.text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("n3", "text/turtle"),
        ("text/n3", "text/turtle"),
        ("text/rdf+n3", "text/turtle"),
        ("application/turtle", "text/turtle"),
        ("rdf+xml", "application/rdf+xml"),
        ("application/rdf+xml", "application/rdf+xml"),  # a '+' sent unencoded arrives as a space
        ("text/plain", "application/n-triples"),
        ("application/n-quads", "application/n-triples"),
    ],
)
def test_format_names_clients_send_name_our_formats(url, value, expected):
    # Unencoded on purpose, as a hand-typed or naive client URL carries it.
    r = requests.get(f"{url}/sparql?query={requests.utils.quote(CONSTRUCT)}&format={value}", timeout=30)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].split(";")[0] == expected
    rdflib_format = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/n-triples": "nt"}[expected]
    assert len(Graph().parse(data=r.content, format=rdflib_format)) > 0


# --- rdflib ----------------------------------------------------------------------------------


def _kinds(data: Graph) -> dict[str, str]:
    """One IRI of every kind under the base (space/, venue/, def/, vocab/, ...), first in order."""
    kinds: dict[str, str] = {}
    for term in sorted({str(t) for triple in data for t in triple if isinstance(t, URIRef)}):
        if term.startswith(BASE) and "#" not in term and term != BASE:
            kinds.setdefault(term[len(BASE) :].split("/")[0], term)
    return kinds


@pytest.mark.parametrize("rdflib_format", ["nt", "n3", "turtle", "xml", "json-ld"])
def test_rdflib_parses_every_kind_of_iri(url, data, published, rdflib_format):
    kinds = _kinds(data)
    kinds.pop("sparql", None)
    assert {"space", "venue", "institution", "def", "vocab", "district"} <= set(kinds)
    for kind, iri in kinds.items():
        local = url + "/" + iri[len(BASE) :]
        g = Graph().parse(local, format=rdflib_format)  # rdflib's own Accept and parser
        assert (URIRef(iri.rstrip("/") if kind == "def" else iri), None, None) in g, (kind, iri, rdflib_format)
    for path in ("/sparql", "/.well-known/void"):
        assert len(Graph().parse(url + path, format=rdflib_format)) > 5, path


def test_rdflib_reads_a_false_ask_as_false(url):
    for fmt in ("json", "xml"):
        store = SPARQLStore(url + "/sparql", returnFormat=fmt)
        assert bool(store.query(ASK_FALSE)) is False
        assert bool(store.query(ASK_FALSE.replace("NoSuchClass", "Space"))) is True


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_ask_is_answered_in_csv_and_tsv(url, fmt):
    sw = SPARQLWrapper(url + "/sparql", returnFormat={"csv": CSV, "tsv": TSV}[fmt])
    sw.setQuery(ASK_FALSE)
    result = sw.query()
    assert result.info()["content-type"].startswith({"csv": "text/csv", "tsv": "text/tab-separated-values"}[fmt])
    assert result.convert().decode().splitlines()[1] == "false"


# --- PyLD and JSON-LD ----------------------------------------------------------------------------


def test_pyld_expands_resource_iris(url, data):
    kinds = _kinds(data)
    for kind in ("space", "venue", "institution"):
        iri = kinds[kind]
        expanded = jsonld.expand(url + "/" + iri[len(BASE) :])  # 303, then the .jsonld document
        ids = {node.get("@id") for node in expanded}
        assert iri in ids, kind
    # From another format's document PyLD follows its one rel="alternate" JSON-LD link.
    iri = kinds["space"]
    expanded = jsonld.expand(url + "/" + iri[len(BASE) :] + ".ttl")
    assert iri in {node.get("@id") for node in expanded}


def test_rdflib_reads_the_same_facts_from_pyld_and_from_the_turtle_document(url, data):
    iri = _kinds(data)["space"]
    path = url + "/" + iri[len(BASE) :]
    nquads = jsonld.to_rdf(jsonld.expand(path), {"format": "application/n-quads"})
    from_pyld = Graph().parse(data=nquads, format="nt")
    from_turtle = Graph().parse(path + ".ttl", format="turtle")
    assert set(from_pyld) == set(from_turtle)


# --- jsonld.js (Node), PyLD and rdflib on the same JSON-LD ----------------------------------------

JSONLD_JS = Path(__file__).resolve().parent / "js" / "jsonld_client.js"


def _jsonld_js(*urls: str) -> list[dict]:
    """Run jsonld.js (npm `jsonld`, its own Node document loader) on each URL: expand, then toRDF."""
    node = shutil.which("node")
    if not node or not (ROOT / "node_modules" / "jsonld").is_dir():
        pytest.fail("jsonld.js needs node and node_modules/jsonld: run `npm ci` (./dev does)")
    out = subprocess.run([node, str(JSONLD_JS), *urls], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def _read_jsonld(client: str, *urls: str) -> list[Graph]:
    """The triples ``client`` reads from the JSON-LD at each URL (fetched by the client itself)."""
    if client == "jsonld.js":  # one Node process for all of them
        answers = _jsonld_js(*urls)
        assert not [a for a in answers if "error" in a], answers
        return [Graph().parse(data=a["nquads"], format="nt") for a in answers]
    if client == "PyLD":
        return [
            Graph().parse(data=jsonld.to_rdf(jsonld.expand(u), {"format": "application/n-quads"}), format="nt")
            for u in urls
        ]
    return [Graph().parse(u, format="json-ld") for u in urls]  # rdflib, with its own Accept


@pytest.mark.parametrize("client", ["jsonld.js", "PyLD", "rdflib"])
@pytest.mark.parametrize(("dump", "same_as"), [("kfl.jsonld", "kfl.nt"), ("catalog.jsonld", "catalog.nt")])
def test_json_ld_clients_read_the_dump_as_the_n_triples_dump(url, published, client, dump, same_as):
    (got,) = _read_jsonld(client, f"{url}/dumps/{dump}")
    expected = Graph().parse(Path(published.published) / "latest" / same_as, format="nt")
    assert len(got) == len(expected) and isomorphic(got, expected)


@pytest.mark.parametrize("client", ["jsonld.js", "PyLD", "rdflib"])
def test_json_ld_clients_read_every_kind_of_resource_iri(url, data, client):
    kinds = _kinds(data)
    paths = [kinds[k][len(BASE) :] for k in ("space", "venue", "institution", "district")]
    paths += ["dataset", "dataset/distribution/csv"]
    # The IRI itself (303 to the .jsonld document) and, but for rdflib (which reads what a .ttl
    # is), the Turtle document, from which a JSON-LD client follows the rel="alternate" Link.
    asked = [(path, suffix) for path in paths for suffix in (("",) if client == "rdflib" else ("", ".ttl"))]
    graphs = _read_jsonld(client, *(f"{url}/{path}{suffix}" for path, suffix in asked))
    for (path, suffix), got in zip(asked, graphs, strict=True):
        turtle = Graph().parse(f"{url}/{path}.ttl", format="turtle")
        assert set(got) == set(turtle), (client, path, suffix)
        assert (URIRef(BASE + path), None, None) in got


def test_jsonld_js_expands_a_resource_iri_from_its_303(url, data):
    iri = _kinds(data)["space"]
    (got,) = _jsonld_js(url + "/" + iri[len(BASE) :])
    assert "error" not in got, got
    assert got["documentUrl"] == url + "/" + iri[len(BASE) :] + ".jsonld"  # followed the 303
    assert iri in got["ids"]


# --- one literal form everywhere -------------------------------------------------------------


DUMPS = ("kfl.nt", "catalog.nt", "void.nt")  # what the store holds (names.STORE_FILES)
BYTE_SIZE = "http://www.w3.org/ns/dcat#byteSize"


def _dump_lines(published) -> set[str]:
    folder = Path(published.published) / "latest"
    return {line for name in DUMPS for line in (folder / name).read_text("utf-8").splitlines() if line}


def test_the_store_folds_integer_subtypes_and_the_table_gives_them_back(published):
    """pyoxigraph 0.5.13 alone: what it changes in our files, and that store.as_published undoes exactly that."""
    lines = _dump_lines(published)
    store = ox.Store()
    for name in DUMPS:
        store.load(path=str(Path(published.published) / "latest" / name), format=ox.RdfFormat.N_TRIPLES)
    raw = {f"{q.subject} {q.predicate} {q.object} ." for q in store}
    changed = lines - raw
    # Only dcat:byteSize (xsd:nonNegativeInteger -> xsd:integer, same digits); every other literal we
    # publish (decimals, dates, booleans, hexBinary checksums, wktLiteral) comes back as written.
    assert changed and {line.split(" ")[1] for line in changed} == {f"<{BYTE_SIZE}>"}
    assert {line.replace(f"<{XSD_NS}nonNegativeInteger>", f"<{XSD_NS}integer>") for line in changed} == raw - lines
    assert set(PUBLISHED_DATATYPES) == {BYTE_SIZE}
    restored = {f"{as_published(ox.Triple(q.subject, q.predicate, q.object))} ." for q in store}
    assert restored == lines


def test_the_dumps_and_resource_documents_give_one_value_per_fact(endpoint, data):
    url = endpoint
    both = Graph()
    for name in DUMPS:
        both.parse(url + "/dumps/" + name, format="nt")
    before = len(both)
    assert before == len(set().union(*(set(Graph().parse(url + "/dumps/" + n, format="nt")) for n in DUMPS)))
    venue = _kinds(data)["venue"][len(BASE) :]
    for path in (venue, "dataset", "dataset/distribution/csv", "dataset/distribution/ttl", "catalog"):
        for ext, fmt in ((".ttl", "turtle"), (".jsonld", "json-ld"), (".nt", "nt")):
            both.parse(url + "/" + path + ext, format=fmt)
    assert len(both) == before  # nothing new: every literal has the same form in every document
    sizes = list(both.objects(None, URIRef(BYTE_SIZE)))
    assert len(sizes) == 6 and {str(s.datatype) for s in sizes} == {XSD_NS + "nonNegativeInteger"}
    decimals = [o for o in data.objects() if isinstance(o, Literal) and str(o.datatype).endswith("#decimal")]
    assert decimals and all(not str(o).endswith(".0") for o in decimals)


@pytest.mark.parametrize("fmt", ["nt", "ttl", "jsonld", "xml"])
def test_a_full_construct_is_isomorphic_to_the_dumps(endpoint, published, fmt):
    url = endpoint
    r = requests.get(
        url + "/sparql", params={"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "format": fmt}, timeout=60
    )
    assert r.status_code == 200 and r.headers["X-KFL-Results-Truncated"] == "false", r.text[:300]
    answer = Graph().parse(data=r.content, format={"ttl": "turtle", "jsonld": "json-ld"}.get(fmt, fmt))
    dumps = Graph()
    for name in DUMPS:
        dumps.parse(Path(published.published) / "latest" / name, format="nt")
    assert len(answer) == len(dumps) and isomorphic(answer, dumps)
    if fmt == "nt":  # and line for line
        assert set(r.content.decode().splitlines()) == _dump_lines(published)


def test_a_full_construct_of_the_dataset_graph_equals_kfl_nt(url, published):
    dump = (Path(published.published) / "latest" / "kfl.nt").read_bytes()
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{BASE}dataset> {{ ?s ?p ?o }} }}"
    r = requests.get(url + "/sparql", params={"query": query, "format": "nt"}, timeout=60)
    assert r.status_code == 200 and r.headers["X-KFL-Results-Truncated"] == "false", r.text[:300]
    assert set(dump.decode().splitlines()) <= set(r.content.decode().splitlines())


def test_byte_size_through_sparql_clients(endpoint, published):
    url = endpoint
    dist = f"{BASE}dataset/distribution/csv"
    size = (Path(published.published) / "latest" / "kfl.csv").stat().st_size
    # DESCRIBE and CONSTRUCT (SPARQLWrapper, rdflib's SPARQLStore): the catalog's own datatype.
    sw = SPARQLWrapper(url + "/sparql", returnFormat=TURTLE)
    sw.setQuery(f"DESCRIBE <{dist}>")
    described = sw.query().convert()
    graph = Graph().parse(data=described, format="turtle") if isinstance(described, bytes) else described
    assert graph.value(URIRef(dist), URIRef(BYTE_SIZE)) == Literal(
        str(size), datatype=URIRef(XSD_NS + "nonNegativeInteger")
    )
    store = SPARQLStore(url + "/sparql", returnFormat="application/rdf+xml")
    constructed = store.query(f"CONSTRUCT WHERE {{ <{dist}> <{BYTE_SIZE}> ?n }}").graph
    assert {(o, o.datatype) for o in constructed.objects()} == {
        (Literal(str(size), datatype=URIRef(XSD_NS + "nonNegativeInteger")), URIRef(XSD_NS + "nonNegativeInteger"))
    }
    # SELECT has no predicate to go by: the binding is the store's xsd:integer, the same value,
    # and a pattern written with the catalog's datatype still matches (docs/server.md).
    store = SPARQLStore(url + "/sparql", returnFormat="json")
    (row,) = list(store.query(f"SELECT ?n WHERE {{ <{dist}> <{BYTE_SIZE}> ?n }}"))
    assert int(row[0]) == size and row[0].datatype == URIRef(XSD_NS + "integer")
    typed = f'"{size}"^^<{XSD_NS}nonNegativeInteger>'
    assert bool(store.query(f"ASK {{ <{dist}> <{BYTE_SIZE}> {typed} }}")) is True


# --- byte ranges: curl and wget resume a download ---------------------------------------------


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.skipif(not shutil.which("curl"), reason="curl is not installed")
def test_curl_resumes_a_dump_download(url, published, tmp_path):
    whole = (Path(published.published) / "latest" / "kfl.ttl").read_bytes()
    target = tmp_path / "kfl.ttl"
    target.write_bytes(whole[:10000])  # an interrupted download
    out = subprocess.run(
        ["curl", "-sS", "-f", "-C", "-", "-o", str(target), "-D", "-", url + "/dumps/kfl.ttl"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("HTTP/1.1 206"), out.stdout
    assert f"content-range: bytes 10000-{len(whole) - 1}/{len(whole)}" in out.stdout.lower()
    assert _digest(target.read_bytes()) == _digest(whole)


@pytest.mark.skipif(not shutil.which("wget"), reason="wget is not installed")
def test_wget_resumes_a_dump_download(url, published, tmp_path):
    whole = (Path(published.published) / "latest" / "kfl.nt").read_bytes()
    target = tmp_path / "kfl.nt"
    target.write_bytes(whole[:12345])
    out = subprocess.run(
        ["wget", "-c", "-S", "-O", str(target), url + "/dumps/kfl.nt"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stderr
    assert "206 PARTIAL CONTENT" in out.stderr.upper()
    assert _digest(target.read_bytes()) == _digest(whole)


def test_ranges_count_bytes_of_the_gzip_representation_when_gzip_is_sent(url, published):
    whole = (Path(published.published) / "latest" / "kfl.ttl").read_bytes()
    session = requests.Session()
    first = session.get(
        url + "/dumps/kfl.ttl", headers={"Accept-Encoding": "gzip", "Range": "bytes=0-999"}, stream=True
    )
    assert first.status_code == 206 and first.headers["Content-Encoding"] == "gzip"
    assert first.headers["Accept-Ranges"] == "bytes"
    total = int(first.headers["Content-Range"].rpartition("/")[2])
    head = first.raw.read(decode_content=False)
    etag = first.headers["ETag"]
    rest = session.get(
        url + "/dumps/kfl.ttl",
        headers={"Accept-Encoding": "gzip", "Range": "bytes=1000-", "If-Range": etag},
        stream=True,
    )
    assert rest.status_code == 206
    assert rest.headers["Content-Range"] == f"bytes 1000-{total - 1}/{total}"
    assert gzip.decompress(head + rest.raw.read(decode_content=False)) == whole
    # If-Range with another representation's tag: the whole file, never a mix of the two.
    identity = session.get(url + "/dumps/kfl.ttl", headers={"Accept-Encoding": "identity"})
    assert identity.headers["ETag"] != etag
    mixed = session.get(
        url + "/dumps/kfl.ttl",
        headers={"Accept-Encoding": "gzip", "Range": "bytes=1000-", "If-Range": identity.headers["ETag"]},
        stream=True,
    )
    assert mixed.status_code == 200 and "Content-Range" not in mixed.headers
    beyond = session.get(
        url + "/dumps/kfl.ttl", headers={"Accept-Encoding": "identity", "Range": f"bytes={len(whole)}-"}
    )
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{len(whole)}"


# --- VoID and routing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("application/rdf+xml", "application/rdf+xml"),  # bare, as the docs promise
        ("text/plain", "application/n-triples"),
        ("text/n3, */*;q=0.1", "text/turtle; charset=utf-8"),
        ("application/ld+json;q=0.5, text/turtle;q=0.4", "application/ld+json"),
        ("*/*", "text/turtle; charset=utf-8"),
    ],
)
def test_void_negotiates_like_every_endpoint(url, accept, expected):
    r = requests.get(url + "/.well-known/void", headers={"Accept": accept}, timeout=30)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == expected
    assert "Accept" in r.headers["Vary"]
    if expected == "application/rdf+xml":
        xml.dom.minidom.parseString(r.content)


@pytest.mark.parametrize("path", ["/space%2Fx", "/dumps%2Fkfl.ttl", "//space/x", "/dumps//kfl.ttl", "/space%2fx.ttl"])
def test_encoded_slashes_and_empty_segments_are_404(url, data, path):
    # curl sends the path as written (--path-as-is); requests would normalise it.
    real = _kinds(data)["space"][len(BASE) :]
    path = path.replace("/x", "/" + real.split("/", 1)[1])
    out = subprocess.run(
        ["curl", "-s", "--path-as-is", "-o", "/dev/null", "-w", "%{http_code}", url + path],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert out.stdout == "404", (path, out.stdout)
