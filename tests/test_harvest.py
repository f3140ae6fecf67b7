"""Harvest the catalog over HTTP the way dane.gov.pl does, from a real running server.

The portal's harvester (reference/dane-gov-pl-harvesting.md; its code is
mcod-backend ``mcod/harvester/utils.py::fetch_dcat_data``, ``mcod/core/api/rdf/profiles/
dcat_ap.py::DCATDatasetDeserializer``, ``mcod/harvester/serializers.py::DatasetDCATSchema``
and ``mcod/harvester/models.py``) does, in this order:

1. ``SPARQLStore(query_endpoint=api_url, returnFormat="application/rdf+xml")
   .query(sparql_query, DEBUG=True).graph``: an HTTP GET ``?query=...`` with
   ``Accept: application/rdf+xml`` and urllib's User-Agent; rdflib picks the parser from
   ``Content-Type.split(";")[0]``.
2. Reads every ``dcat:Dataset`` of that graph, and as its resources **every**
   ``dcat:Distribution`` of the graph (the nested deserializer has no predicate); a field
   is kept only if its literal equals ``Literal(value, lang=...)`` or
   ``Literal(value, datatype=xsd:dateTime)``; vocabulary IRIs lose their prefix by
   ``str.lstrip`` (a character-set strip); the licence of the first distribution becomes
   the dataset's, through the portal's table of licence names.
3. Validates: identifiers at most 36 characters, dates as ISO date-times, links https.

``portal_import`` below does steps 2 and 3 the same way, so a field the portal would drop
or reject fails here. Then every download URL is followed: the bytes must match the byte
size and the SHA-256 the catalog states, and conditional GETs must answer 304.
"""

from __future__ import annotations

import hashlib
import http.client
import threading
import urllib.request
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.term import _is_valid_uri

from kfl_lod import release_record
from kfl_lod.catalog import DATASET_ID, THEMES

DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"

# mcod dcat_ap.VOCABULARIES: the prefixes the portal strips (with str.lstrip).
THEME_PREFIX = EU + "data-theme/"
FILE_TYPE_PREFIX = EU + "file-type/"
MEDIA_TYPE_PREFIX = IANA
LICENCE_PREFIX = EU + "licence/"
# mcod settings.LICENSES_LINKS keys; LicenseDCATVocabularyField maps a stripped code to one
# of them after replacing " ", "-", "." by "_": CC0_1_0, CC_BY_4_0, CC_BY_SA_4_0, ...
PORTAL_LICENCE_NAMES = (
    "CC0 1.0",
    "CC BY 4.0",
    "CC BY-SA 4.0",
    "CC BY-NC 4.0",
    "CC BY-NC-SA 4.0",
    "CC BY-ND 4.0",
    "CC BY-NC-ND 4.0",
)
PORTAL_LICENCES = {n.replace(" ", "_").replace("-", "_").replace(".", "_"): n for n in PORTAL_LICENCE_NAMES}

# The query docs/publication.md gives the portal's administrator.
HARVEST_QUERY = """PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX spdx: <http://spdx.org/rdf/terms#>
PREFIX vcard: <http://www.w3.org/2006/vcard/ns#>
CONSTRUCT { ?s ?p ?o } WHERE {
  VALUES ?type { dcat:Catalog dcat:Dataset dcat:Distribution dcat:DataService spdx:Checksum vcard:Kind }
  ?s a ?type ; ?p ?o .
}"""


# --- the portal's reading, step by step --------------------------------------------------------


def _field(value: Any, *, lang: str | None = None, datatype: URIRef | None = None, try_non_lang: bool = False):
    """mcod RDFField.parse_value: a literal counts only if it equals Literal(value, lang/datatype)."""
    if not isinstance(value, Literal):
        return value
    if Literal(value.value, lang=lang, datatype=datatype) == value:
        return value
    if try_non_lang and Literal(value.value) == value:
        return value
    return None


def _first(g: Graph, s, p, **kind):
    values = [v for v in (_field(o, **kind) for o in g.objects(s, p)) if v is not None]
    return values[0] if values else None


def _ext_ident(g: Graph, s) -> str | None:
    """BaseDCATDeserializer.get_ext_ident_object: dct:identifier, else the IRI's last segment."""
    idents = [str(v).split("/")[-1] if _is_valid_uri(v) else str(v) for v in g.objects(s, DCTERMS.identifier)]
    if not idents and _is_valid_uri(s):
        idents = [str(s).split("/")[-1]]
    return idents[0] if idents else None


def _stripped(g: Graph, s, p, prefix: str) -> list[str]:
    """DCATVocabularyField.parse_value: ``value.lstrip(prefix)``, a character-set strip."""
    return [str(v).lstrip(prefix) for v in g.objects(s, p)]


def _resource(g: Graph, dist) -> dict[str, Any]:
    """DCATDistributionDeserializer, then ResourceDCATSchema's pre-processing."""
    licences = _stripped(g, dist, DCTERMS.license, LICENCE_PREFIX)
    res = {
        "ext_ident": _ext_ident(g, dist),
        "title_pl": _first(g, dist, DCTERMS.title, lang="pl", try_non_lang=True),
        "title_en": _first(g, dist, DCTERMS.title, lang="en"),
        "description_pl": _first(g, dist, DCTERMS.description, lang="pl", try_non_lang=True),
        "description_en": _first(g, dist, DCTERMS.description, lang="en"),
        "created": _first(g, dist, DCTERMS.issued, datatype=XSD.dateTime),
        "modified": _first(g, dist, DCTERMS.modified, datatype=XSD.dateTime),
        "format": (_stripped(g, dist, DCTERMS["format"], FILE_TYPE_PREFIX) or [None])[0],
        "file_mimetype": (_stripped(g, dist, DCAT.mediaType, MEDIA_TYPE_PREFIX) or [None])[0],
        "link": _first(g, dist, DCAT.accessURL),
        "license": PORTAL_LICENCES.get(licences[0], licences[0]) if licences else None,
    }
    if res["modified"] and not res["created"]:
        res["created"] = res["modified"]
    if not res["title_pl"] and res["title_en"]:
        res["title_pl"] = res["title_en"]
    return res


def portal_import(g: Graph) -> list[dict[str, Any]]:
    """What the portal makes of a harvested graph: one dict per dataset, or AssertionError
    with every reason the portal's schema would reject the import for."""
    resources = [_resource(g, d) for d in sorted(g.subjects(RDF.type, DCAT.Distribution))]
    datasets = []
    for d in sorted(g.subjects(RDF.type, DCAT.Dataset)):
        item = {
            "iri": d,
            "ext_ident": _ext_ident(g, d),
            "title_pl": _first(g, d, DCTERMS.title, lang="pl", try_non_lang=True),
            "title_en": _first(g, d, DCTERMS.title, lang="en"),
            "notes_pl": _first(g, d, DCTERMS.description, lang="pl", try_non_lang=True),
            "notes_en": _first(g, d, DCTERMS.description, lang="en"),
            "created": _first(g, d, DCTERMS.issued, datatype=XSD.dateTime),
            "modified": _first(g, d, DCTERMS.modified, datatype=XSD.dateTime),
            "categories": _stripped(g, d, DCAT.theme, THEME_PREFIX),
            # get_tags_object: name and pl/en language, or just the name if untagged.
            "tags": [
                {"name": str(k), "lang": k.language}
                if k.language in ("pl", "en")
                else ({"name": str(k)} if not k.language else {})
                for k in g.objects(d, DCAT.keyword)
            ],
            "resources": resources,
            # The deserializer asks for dct:AccrualPeriodicity (capital A): never found.
            "update_frequency": _first(g, d, URIRef(str(DCTERMS) + "AccrualPeriodicity")),
        }
        if not item["title_pl"] and item["title_en"]:
            item["title_pl"] = item["title_en"]
        if item["modified"] and not item["created"]:
            item["created"] = item["modified"]
        if not resources:
            raise AssertionError('no dcat:Distribution: the portal\'s dataset["resources"][0] raises IndexError')
        item["license_chosen"] = resources[0]["license"]
        datasets.append(item)
    errors = []
    for item in datasets:
        for record in (item, *item["resources"]):
            where = record.get("iri") or record.get("link")
            if record["ext_ident"] is not None and len(record["ext_ident"]) > 36:
                errors.append(f"{where}: ext_ident longer than 36 characters")
            for key in ("created", "modified"):
                if record[key] is not None:
                    try:
                        datetime.fromisoformat(str(record[key]))
                    except ValueError:
                        errors.append(f"{where}: {key} {record[key]!r} is not an ISO date-time")
        for tag in item["tags"]:
            if "lang" in tag and tag["lang"] not in ("pl", "en"):
                errors.append(f"tag {tag} has a language other than pl or en")
        for res in item["resources"]:
            link = str(res["link"] or "")
            if "://" in link and link.split("://")[0].lower() != "https":
                errors.append(f"{link}: Required scheme is https://")
    if errors:
        raise AssertionError("; ".join(errors))
    return datasets


# --- fixtures: a recording proxy in front of the real server -------------------------------------


class Recorder(BaseHTTPRequestHandler):
    """Forwards GETs to the real server and keeps what went over the wire."""

    upstream: tuple[str, int] = ("127.0.0.1", 0)
    seen: list[dict[str, Any]] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        conn = http.client.HTTPConnection(*self.upstream, timeout=60)
        conn.request("GET", self.path, headers=headers)
        answer = conn.getresponse()
        body = answer.read()
        self.seen.append(
            {
                "method": self.command,
                "path": self.path,
                "headers": dict(self.headers),
                "status": answer.status,
                "content_type": answer.getheader("Content-Type", ""),
            }
        )
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        conn.close()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def proxy(server):
    """Root URL of a recording proxy to the shared server, and the list of what it saw."""
    target = urlsplit(server)
    handler = type("Rec", (Recorder,), {"upstream": (target.hostname, target.port), "seen": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", handler.seen
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def harvested(proxy, published) -> Graph:
    """The graph exactly as mcod's fetch_dcat_data gets it."""
    url, seen = proxy
    store = SPARQLStore(query_endpoint=url + published.base_path + "sparql", returnFormat="application/rdf+xml")
    before = len(seen)
    results = store.query(HARVEST_QUERY, DEBUG=True)
    graph = results.graph if results else None
    assert len(seen) == before + 1
    return graph


def local(url: str, server: str, settings) -> str:
    """The URL on the test server of a URL under the published base."""
    assert url.startswith(settings.base), url
    return server + settings.base_path + url[len(settings.base) :]


# --- the tests ------------------------------------------------------------------------------------


def test_the_harvester_request_and_our_answer_on_the_wire(harvested, proxy, published):
    _, seen = proxy
    [request] = [r for r in seen if r["path"].startswith(published.base_path + "sparql?")]
    assert request["method"] == "GET"
    assert parse_qs(urlsplit(request["path"]).query) == {"query": [HARVEST_QUERY]}
    assert request["headers"]["Accept"] == "application/rdf+xml"
    assert request["headers"]["User-Agent"].startswith("Python-urllib/")
    assert request["status"] == 200
    assert request["content_type"].split(";")[0] == "application/rdf+xml"  # how rdflib picks its parser
    assert len(harvested) > 0


def test_the_endpoint_answers_a_construct_by_plain_urllib_get_in_rdf_xml(server, published):
    url = server + published.base_path + "sparql?" + urlencode({"query": HARVEST_QUERY})
    request = urllib.request.Request(url, headers={"Accept": "application/rdf+xml"})  # User-Agent: Python-urllib
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].split(";")[0] == "application/rdf+xml"
        g = Graph().parse(data=response.read(), format="xml")
    assert (None, RDF.type, DCAT.Dataset) in g


def test_the_portal_imports_one_dataset_with_every_field(harvested, published):
    cat = Graph().parse(published.published / "latest" / "catalog.ttl", format="turtle")
    record = release_record.latest(published.published)
    [item] = portal_import(harvested)
    dataset = URIRef(published.base + "dataset")
    assert item["iri"] == dataset
    assert item["ext_ident"] == DATASET_ID and len(DATASET_ID) <= 36
    titles = {t.language: str(t) for t in cat.objects(dataset, DCTERMS.title)}
    notes = {t.language: str(t) for t in cat.objects(dataset, DCTERMS.description)}
    assert (str(item["title_pl"]), str(item["title_en"])) == (titles["pl"], titles["en"])
    assert (str(item["notes_pl"]), str(item["notes_en"])) == (notes["pl"], notes["en"])
    first, current = record["releases"][0]["date"], record["releases"][-1]["date"]
    assert datetime.fromisoformat(str(item["created"])) == datetime.fromisoformat(first)
    assert datetime.fromisoformat(str(item["modified"])) == datetime.fromisoformat(current)
    # Categories: the settings' themes, codes the portal knows (its DCAT categories).
    assert sorted(item["categories"]) == sorted(t.rsplit("/", 1)[1] for t in published.themes)
    assert set(item["categories"]) <= set(THEMES)
    assert sorted((t["name"], t["lang"]) for t in item["tags"]) == sorted(
        [(k, "pl") for k in published.keywords_pl] + [(k, "en") for k in published.keywords_en]
    )
    assert item["update_frequency"] is None  # the portal's own bug; dct:accrualPeriodicity is still stated
    # The licence comes from the first resource; the default maps to the portal's "CC BY 4.0".
    assert item["license_chosen"] == "CC BY 4.0"


def test_the_portal_imports_each_distribution_with_every_field(harvested, published):
    [item] = portal_import(harvested)
    resources = item["resources"]
    assert len(resources) == 6
    assert {str(r["link"]) for r in resources} == {
        f"{published.base}dumps/{n}" for n in ("kfl.ttl", "kfl.nt", "kfl.jsonld", "kfl.csv", "kfl.xlsx", "kfl.geojson")
    }
    for res in resources:
        assert str(res["link"]).startswith("https://")
        assert res["ext_ident"] and len(res["ext_ident"]) <= 36
        assert res["title_pl"] and res["title_en"] and res["description_pl"] and res["description_en"]
        assert res["created"] is not None and res["modified"] is not None
        assert res["format"] in {"RDF_TURTLE", "RDF_N_TRIPLES", "JSON_LD", "CSV", "XLSX", "GEOJSON"}  # survive lstrip
        assert res["license"] == "CC BY 4.0"
    # Known portal limit: lstrip eats the leading letters of (lower-case) IANA media types.
    assert {r["file_mimetype"] for r in resources} != {None}
    for dist in harvested.subjects(RDF.type, DCAT.Distribution):
        assert str(harvested.value(dist, DCAT.mediaType)).startswith(IANA)
        fmt = str(harvested.value(dist, DCTERMS["format"]))
        assert fmt.startswith(FILE_TYPE_PREFIX) and fmt.rsplit("/", 1)[1].isupper()


def _copy(g: Graph) -> Graph:
    out = Graph()
    for triple in g:
        out.add(triple)
    return out


def test_the_portal_reading_catches_what_the_portal_would_lose_or_reject(harvested, published):
    dataset = URIRef(published.base + "dataset")
    dist = URIRef(published.base + "dataset/distribution/ttl")
    # A bare xsd:date is not an xsd:dateTime literal: the portal drops the dates.
    g = _copy(harvested)
    for p in (DCTERMS.issued, DCTERMS.modified):
        g.set((dataset, p, Literal("2026-03-02", datatype=XSD.date)))
    dropped = portal_import(g)[0]
    assert dropped["created"] is None and dropped["modified"] is None
    # An identifier over 36 characters, an http link: the import is rejected.
    g = _copy(harvested)
    g.set((dataset, DCTERMS.identifier, Literal("x" * 37)))
    with pytest.raises(AssertionError, match="36"):
        portal_import(g)
    g = _copy(harvested)
    g.set((dist, DCAT.accessURL, URIRef("http://kfl.krakow.pl/dumps/kfl.ttl")))
    with pytest.raises(AssertionError, match="https"):
        portal_import(g)
    # EU licence codes other than CC_BY_4_0 are not in the portal's table: no licence.
    g = _copy(harvested)
    for d in list(g.subjects(RDF.type, DCAT.Distribution)):
        g.set((d, DCTERMS.license, URIRef(LICENCE_PREFIX + "CC_BYSA_4_0")))
    assert portal_import(g)[0]["license_chosen"] not in PORTAL_LICENCE_NAMES
    # No distribution at all: the portal's code fails.
    g = _copy(harvested)
    for d in list(g.subjects(RDF.type, DCAT.Distribution)):
        g.remove((d, None, None))
    with pytest.raises(AssertionError, match="IndexError"):
        portal_import(g)


def test_a_naive_query_for_everything_still_finds_one_dataset(server, published):
    # Releases are linked as versions, not typed as datasets: a harvester never imports them.
    store = SPARQLStore(query_endpoint=server + published.base_path + "sparql", returnFormat="application/rdf+xml")
    g = store.query("CONSTRUCT WHERE { ?s a ?type }", DEBUG=True).graph
    assert list(g.subjects(RDF.type, DCAT.Dataset)) == [URIRef(published.base + "dataset")]


def test_byte_size_through_sparql_is_the_file_size_typed_as_the_catalog_says(harvested, published):
    # pyoxigraph stores integer subtypes as xsd:integer; the server gives CONSTRUCT answers the
    # catalog's xsd:nonNegativeInteger back (store.as_published), as DCAT-AP 3.0.1 demands.
    files = {p.name: p.stat().st_size for p in (published.published / "latest").iterdir()}
    for dist in harvested.subjects(RDF.type, DCAT.Distribution):
        size = harvested.value(dist, DCAT.byteSize)
        assert size.datatype == XSD.nonNegativeInteger
        assert int(size) == files[str(harvested.value(dist, DCAT.downloadURL)).rsplit("/", 1)[1]]


def test_every_download_url_gives_the_stated_bytes_and_checksum(harvested, server, published):
    followed = 0
    for dist in harvested.objects(URIRef(published.base + "dataset"), DCAT.distribution):
        assert harvested.value(dist, DCAT.accessURL) == harvested.value(dist, DCAT.downloadURL)
        url = local(str(harvested.value(dist, DCAT.accessURL)), server, published)
        response = requests.get(url, headers={"Accept-Encoding": "identity"}, timeout=30)
        assert response.status_code == 200, url
        assert len(response.content) == int(harvested.value(dist, DCAT.byteSize))
        checksum = harvested.value(dist, SPDX.checksum)
        assert harvested.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert hashlib.sha256(response.content).hexdigest() == str(harvested.value(checksum, SPDX.checksumValue))
        media = str(harvested.value(dist, DCAT.mediaType))[len(IANA) :]
        assert response.headers["Content-Type"].split(";")[0] == media
        followed += 1
        # Compressed for clients that accept it, and still the same bytes.
        assert requests.get(url, timeout=30).content == response.content
    assert followed == 6


@pytest.mark.parametrize(
    "path", ["dumps/kfl.ttl", "dumps/kfl.csv", "dumps/catalog.rdf", ".well-known/void", "changes", "changes.json"]
)
def test_conditional_gets_answer_304(server, published, path):
    url = server + published.base_path + path
    first = requests.get(url, timeout=30)
    assert first.status_code == 200 and first.headers.get("ETag")
    again = requests.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=30)
    assert again.status_code == 304 and again.content == b""
    if "Last-Modified" in first.headers:
        since = requests.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]}, timeout=30)
        assert since.status_code == 304
    changed = requests.get(url, headers={"If-None-Match": '"not-this-one"'}, timeout=30)
    assert changed.status_code == 200 and changed.content == first.content
