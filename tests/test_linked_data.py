"""Dereferenceable URIs, documents, dumps and /healthz, against a real server on loopback."""

from __future__ import annotations

import gzip
import http.client
from datetime import date
from decimal import Decimal
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kfl_lod.build import build
from support import DEPLOYMENTS


@pytest.fixture(scope="module", params=DEPLOYMENTS)
def server(request) -> str:
    """Each test here runs against both deployments: the embedded store and an external engine."""
    return request.getfixturevalue(f"{request.param}_server")


BASE = "https://kfl.krakow.pl/"
SPACE = BASE + "space/ckp-ruczaj-sala-widowiskowa"
VENUE = BASE + "venue/ckp-ruczaj"
DOC_TYPES = {
    "html": "text/html",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
}
RDFLIB = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}
# Paths other parts of the app answer themselves (the endpoint, VoID, dumps, release pages).
OWN_ROUTES = ("sparql", ".well-known/", "dumps/", "changes", "releases/")


def path_of(iri: str, base: str = BASE) -> str:
    return "/" + iri[len(base) :]


XSD = "http://www.w3.org/2001/XMLSchema#"
# pyoxigraph 0.5.13 stores every integer-derived literal ("5"^^xsd:nonNegativeInteger) as
# xsd:integer: compare those as xsd:integer (docs/server.md, "Known limits").
NUMERIC = {XSD + "integer", XSD + "decimal"}
INTEGER_TYPES = {
    XSD + t
    for t in (
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}


def as_stored(graph) -> set:
    """Triples keyed as the store gives them back: integer subtypes as xsd:integer, numbers by value."""
    out = set()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype is not None:
            datatype = XSD + "integer" if str(o.datatype) in INTEGER_TYPES else str(o.datatype)
            value = Decimal(str(o)) if datatype in NUMERIC else str(o)
            o = (datatype, value)
        out.add((s, p, o))
    return out


def published_graph(settings) -> Graph:
    g = Graph()
    folder = Path(settings.published) / "latest"
    for name in ("kfl.nt", "catalog.nt", "void.nt"):
        if (folder / name).exists():
            g.parse(folder / name, format="nt")
    return g


@pytest.fixture(scope="module")
def data(published) -> Graph:
    return published_graph(published)


@pytest.fixture(scope="module")
def session():
    with requests.Session() as s:
        yield s


def things(graph: Graph, base: str = BASE) -> set[str]:
    """Every IRI under the base the data uses (as subject or object), without its fragment."""
    found = set()
    for s, _, o in graph:
        for term in (s, o):
            if isinstance(term, URIRef) and str(term).startswith(base) and str(term) != base:
                found.add(str(term).partition("#")[0])
    return found


def test_every_iri_under_the_base_dereferences_to_its_description(server, data, session):
    iris = sorted(things(data))
    assert len(iris) > 200
    kinds = {iri[len(BASE) :].split("/")[0] for iri in iris}
    assert {"institution", "venue", "space", "district", "vocab", "def", "place", "organization"} <= kinds
    for iri in iris:
        path = path_of(iri)
        r = session.get(server + path, headers={"Accept": "text/turtle"}, allow_redirects=False, timeout=30)
        if path.lstrip("/").startswith(OWN_ROUTES):
            assert r.status_code in (200, 303), (iri, r.status_code)
            continue
        assert r.status_code == 303, (iri, r.status_code)
        thing = iri.removesuffix("/") if path.endswith("/") else iri  # def/ is the ontology def
        assert r.headers["Location"] == path_of(thing) + ".ttl"
        links = {link["url"]: link.get("type") for link in requests.utils.parse_header_links(r.headers["Link"])}
        assert links == {path_of(thing) + "." + ext: media_type for ext, media_type in DOC_TYPES.items()}, iri
        doc = session.get(server + r.headers["Location"], timeout=30)
        assert doc.status_code == 200, iri
        got = Graph().parse(data=doc.content, format="turtle")
        # The document holds every triple about the thing and about its #fragment parts.
        expected = {(s, p, o) for s, p, o in as_stored(data) if str(s) == thing or str(s).startswith(thing + "#")}
        missing = expected - as_stored(got)
        assert expected and not missing, (iri, sorted(missing)[:3])


@pytest.mark.parametrize(
    "iri",
    [
        BASE + "vocab/space-type",
        BASE + "vocab/space-type/sala-spotkan",
        BASE + "vocab/equipment/projektor",
        BASE + "def",
        BASE + "def/Space",
        BASE + "def/lastVerified",
        BASE + "district/13",
        BASE + "place/krakow",
    ],
)
def test_schemes_terms_and_places_dereference(server, data, session, iri):
    r = session.get(server + path_of(iri), headers={"Accept": "application/n-triples"}, timeout=30)
    assert r.status_code == 200
    assert r.url.endswith(".nt")
    got = Graph().parse(data=r.content, format="nt")
    assert set(data.triples((URIRef(iri), None, None))) <= set(got)


def test_dataset_and_catalog_dereference(server, data, session):
    for iri in (BASE + "dataset", BASE + "catalog"):
        assert (URIRef(iri), None, None) in data, f"the release describes {iri}"
        r = session.get(server + path_of(iri), headers={"Accept": "text/turtle"}, timeout=30)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
        got = Graph().parse(data=r.content, format="turtle")
        assert {t for t in as_stored(data) if t[0] == URIRef(iri)} <= as_stored(got)


@pytest.mark.parametrize(
    ("accept", "ext"),
    [
        ("text/html", "html"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
        (None, "html"),
        ("*/*", "html"),
        ("text/turtle", "ttl"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "jsonld"),
        ("application/json", "jsonld"),
        ("application/rdf+xml", "rdf"),
        ("text/turtle;q=0.5, application/ld+json", "jsonld"),
        ("application/rdf+xml, text/rdf+xml, text/xml;q=0.1, text/turtle;q=0.9", "rdf"),
    ],
)
def test_303_to_the_document_chosen_by_accept(server, session, accept, ext):
    r = session.get(
        server + path_of(SPACE), headers={"Accept": accept} if accept else {}, allow_redirects=False, timeout=30
    )
    assert r.status_code == 303
    assert r.headers["Location"] == path_of(SPACE) + "." + ext
    assert "Accept" in r.headers["Vary"]
    assert r.headers["Access-Control-Allow-Origin"] == "*"


def test_no_acceptable_document_is_406_listing_them(server, session):
    r = session.get(server + path_of(SPACE), headers={"Accept": "image/png"}, allow_redirects=False, timeout=30)
    assert r.status_code == 406
    for ext in DOC_TYPES:
        assert f"{path_of(SPACE)}.{ext}" in r.text


def test_documents_link_each_other_and_say_the_same(server, session):
    graphs = {}
    for ext, media_type in DOC_TYPES.items():
        r = session.get(server + path_of(SPACE) + "." + ext, timeout=30)
        assert r.status_code == 200
        assert r.headers["Content-Type"].split(";")[0] == media_type
        links = requests.utils.parse_header_links(r.headers["Link"])
        alternates = {link["url"]: link.get("type") for link in links if link.get("rel") == "alternate"}
        # One alternate per document (PyLD 3.x fails on several): the JSON-LD document, which
        # JSON-LD processors follow; from the JSON-LD document, the page. The thing's IRI
        # (rel="describes") lists every format on its 303.
        other = "html" if ext == "jsonld" else "jsonld"
        assert alternates == {path_of(SPACE) + "." + other: DOC_TYPES[other]}
        if ext != "html":
            assert {"url": SPACE, "rel": "describes"} in links
            graphs[ext] = Graph().parse(data=r.content, format=RDFLIB[ext])
    first = graphs.pop("ttl")
    for g in graphs.values():
        assert isomorphic(first, g)


def test_fragments_are_described_in_their_parent_document(server, data, session):
    r = session.get(server + path_of(VENUE) + ".ttl", timeout=30)
    got = Graph().parse(data=r.content, format="turtle")
    address = URIRef(VENUE + "#address")
    assert set(data.triples((address, None, None)))
    assert set(data.triples((address, None, None))) <= set(got)


def test_json_ld_document_uses_the_published_context(server, session):
    r = session.get(server + path_of(SPACE) + ".jsonld", timeout=30)
    doc = r.json()
    assert doc["@context"]["@vocab"] == "https://schema.org/"
    node = next(n for n in doc["@graph"] if n.get("id") in ("space/ckp-ruczaj-sala-widowiskowa", SPACE))
    assert node["name"] == "Sala widowiskowa"


def test_documents_support_conditional_get(server, session):
    url = server + path_of(SPACE) + ".ttl"
    first = session.get(url, timeout=30)
    again = session.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=30)
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize(
    "path",
    [
        "/space/no-such-space",
        "/space/no-such-space.ttl",
        "/space/ckp-ruczaj-sala-widowiskowa.exe",
        "/nothing/here",
        "/venue/",
        "/space/ckp-ruczaj-sala-widowiskowa/more",
        # A trailing slash names nothing, except for a namespace the data uses (def/).
        "/space/ckp-ruczaj-sala-widowiskowa/",
        "/vocab/space-type/",
        "/def/Space/",
        "/dataset/",
        "/def/NoSuchTerm",
        "/vocab/space-type/no-such-type",
        "/vocab/no-such-scheme",
        "/district/99",
        "/space/ckp-ruczaj-sala-widowiskowa.TTL",
        "/space/ckp-ruczaj-sala-widowiskowa.html.ttl",
        "/venue/ckp-ruczaj%23address",
        "/venue/ckp-ruczaj%23address.ttl",
    ],
)
def test_unknown_things_are_404(server, session, path):
    r = session.get(server + path, headers={"Accept": "text/turtle"}, allow_redirects=False, timeout=30)
    assert r.status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/space/ckp-ruczaj-sala-widowiskowa",
        "/def",
        "/vocab/space-type",
        "/space/ckp-ruczaj-sala-widowiskowa.ttl",
        "/catalog.rdf",
        "/dumps/kfl.nt",
        "/dumps/",
        "/healthz",
        "/sparql",
    ],
)
def test_head_and_options_answer_everywhere(server, session, path):
    get = session.get(
        server + path,
        headers={"Accept": "text/turtle", "Accept-Encoding": "identity"},
        allow_redirects=False,
        timeout=30,
    )
    head = session.head(
        server + path,
        headers={"Accept": "text/turtle", "Accept-Encoding": "identity"},
        allow_redirects=False,
        timeout=30,
    )
    assert head.status_code == get.status_code and head.status_code in (200, 303)
    assert head.content == b""
    for name in ("Content-Type", "Location", "Link", "ETag", "Content-Length"):
        assert head.headers.get(name) == get.headers.get(name), name
    options = session.options(
        server + path, timeout=30, headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"}
    )
    assert options.status_code == 200
    assert {"GET", "HEAD", "OPTIONS"} <= {m.strip() for m in options.headers["Allow"].split(",")}
    assert options.headers["Access-Control-Allow-Origin"] == "*"


# --- a base IRI with a path ----------------------------------------------------------------


def test_a_base_with_a_path_maps_request_paths_whatever_the_host(tmp_path, published, start_server):
    import shutil

    base = "https://example.org/kfl/"
    shutil.copytree(published.source, tmp_path / "source")
    settings = published.replace(source=tmp_path / "source", published=tmp_path / "published", base=base)
    assert build(settings, today=date(2026, 3, 2)).report.conforms
    url = start_server(settings)
    r = requests.get(
        url + "/kfl/space/ckp-ruczaj-sala-widowiskowa",
        headers={"Accept": "text/turtle"},
        allow_redirects=False,
        timeout=30,
    )
    assert r.status_code == 303
    assert r.headers["Location"] == "/kfl/space/ckp-ruczaj-sala-widowiskowa.ttl"
    doc = Graph().parse(data=requests.get(url + r.headers["Location"], timeout=30).content, format="turtle")
    assert (URIRef(base + "space/ckp-ruczaj-sala-widowiskowa"), None, None) in doc
    assert requests.get(url + "/space/ckp-ruczaj-sala-widowiskowa", timeout=30).status_code == 404
    ask = requests.get(
        url + "/kfl/sparql", timeout=30, params={"query": "ASK { <space/ckp-ruczaj-sala-widowiskowa> a kfl:Space }"}
    )
    assert ask.json()["boolean"] is True
    assert requests.get(url + "/kfl/dumps/kfl.ttl", timeout=30).status_code == 200
    assert requests.get(url + "/kfl/healthz", timeout=30).status_code == 200


# --- dumps -----------------------------------------------------------------------------------


MEDIA_TYPES = {
    "kfl.ttl": "text/turtle",
    "kfl.nt": "application/n-triples",
    "kfl.jsonld": "application/ld+json",
    "context.jsonld": "application/ld+json",
    "kfl.csv": "text/csv",
    "kfl.geojson": "application/geo+json",
    "shacl-report.ttl": "text/turtle",
    "SHA256SUMS": "text/plain",
}


def release_files(settings) -> list[Path]:
    folder = Path(settings.published) / "latest"
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def test_every_published_file_is_served_with_its_media_type(server, published, session):
    files = release_files(published)
    assert {p.name for p in files} >= set(MEDIA_TYPES)
    listing = session.get(server + "/dumps/", timeout=30).text.split()
    assert listing == [p.name for p in files]
    for path in files:
        r = session.get(server + "/dumps/" + path.name, headers={"Accept-Encoding": "identity"}, timeout=30)
        assert r.status_code == 200, path.name
        assert r.content == path.read_bytes()
        if path.name in MEDIA_TYPES:
            assert r.headers["Content-Type"].split(";")[0] == MEDIA_TYPES[path.name]
        assert r.headers["ETag"] and r.headers["Last-Modified"]
        assert r.headers["Access-Control-Allow-Origin"] == "*"


def test_dumps_answer_conditional_gets_with_304(server, session):
    url = server + "/dumps/kfl.ttl"
    first = session.get(url, headers={"Accept-Encoding": "identity"}, timeout=30)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert (
        session.get(url, headers={"If-None-Match": etag, "Accept-Encoding": "identity"}, timeout=30).status_code == 304
    )
    assert (
        session.get(
            url, headers={"If-None-Match": f'W/{etag}, "other"', "Accept-Encoding": "identity"}, timeout=30
        ).status_code
        == 304
    )
    assert (
        session.get(url, headers={"If-None-Match": '"other"', "Accept-Encoding": "identity"}, timeout=30).status_code
        == 200
    )
    assert session.get(url, headers={"If-Modified-Since": modified}, timeout=30).status_code == 304
    earlier = format_datetime(parsedate_to_datetime(modified).replace(year=2000), usegmt=True)
    assert session.get(url, headers={"If-Modified-Since": earlier}, timeout=30).status_code == 200


def test_dumps_are_gzipped_when_the_client_accepts_it(server, published, session):
    path = Path(published.published) / "latest" / "kfl.nt"
    r = session.get(server + "/dumps/kfl.nt", headers={"Accept-Encoding": "gzip"}, stream=True, timeout=30)
    raw = r.raw.read(decode_content=False)
    assert r.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in r.headers["Vary"]
    assert gzip.decompress(raw) == path.read_bytes()
    assert len(raw) < path.stat().st_size
    plain = session.get(server + "/dumps/kfl.nt", headers={"Accept-Encoding": "identity"}, timeout=30)
    assert "Content-Encoding" not in plain.headers
    assert plain.headers["ETag"] != r.headers["ETag"]  # a different representation, a different tag
    again = session.get(
        server + "/dumps/kfl.nt", headers={"Accept-Encoding": "gzip", "If-None-Match": r.headers["ETag"]}, timeout=30
    )
    assert again.status_code == 304


def test_head_on_a_dump_gives_the_headers_only(server, published, session):
    r = session.head(server + "/dumps/kfl.csv", headers={"Accept-Encoding": "identity"}, timeout=30)
    assert r.status_code == 200
    assert r.content == b""
    assert int(r.headers["Content-Length"]) == (Path(published.published) / "latest" / "kfl.csv").stat().st_size


@pytest.mark.parametrize(
    "path",
    [
        "/dumps/..%2F..%2F..%2Fetc%2Fpasswd",
        "/dumps/../../../etc/passwd",
        "/dumps/%2e%2e/kfl.nt",
        "/dumps/.content-hash",
        "/dumps/releases",
        "/dumps/latest",
        "/dumps/..",
        "/dumps/%2Fetc%2Fpasswd",
        "/dumps/no-such-file.ttl",
        "/dumps/%252e%252e%252fetc%252fpasswd",
        "/dumps/..%5c..%5cetc%5cpasswd",
        "/dumps/..\\..\\etc\\passwd",
        "/dumps/kfl.ttl%00.txt",
        "/dumps/%00",
        "/dumps/./kfl.ttl",
        "/dumps//etc/passwd",
        "/dumps/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/space/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/space/..%2f..%2f..%2fetc%2fpasswd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/space/ckp-ruczaj-sala-widowiskowa%00.ttl",
        "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/sparql/../../etc/passwd",
    ],
)
def test_path_traversal_and_unknown_files_are_refused(server, path):
    host = urlsplit(server)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    conn.request("GET", path)  # sent as written, not normalised by a client library
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status in (400, 404), (path, response.status)
    assert b"root:" not in body


# --- health -----------------------------------------------------------------------------------


def test_healthz_reports_the_release_and_its_size(server, data):
    r = requests.get(server + "/healthz", timeout=30)
    assert r.status_code == 200
    health = r.json()
    assert health["status"] == "ok"
    assert health["triples"] == len(data)
    assert health["release"]
    assert r.headers["Cache-Control"] == "no-store"


def test_healthz_is_503_without_a_publication(tmp_path, published):
    from kfl_lod.web import create_app

    app = create_app(published.replace(published=tmp_path / "nothing"))
    r = app.test_client().get("/healthz")
    assert r.status_code == 503
