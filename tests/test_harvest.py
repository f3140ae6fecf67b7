"""Harvest the catalog over HTTP the way dane.gov.pl does, from a real running server.

The portal's harvester (../shared/reference/dane-gov-pl-harvesting.md) sends a CONSTRUCT
by GET to the SPARQL endpoint with ``Accept: application/rdf+xml`` through rdflib's
SPARQLStore, picks the parser from the Content-Type, and reads the dataset and its
distributions. Then every download URL is followed: the bytes must match the byte size and
the SHA-256 the catalog states, and conditional GETs must answer 304.
"""

from __future__ import annotations

import hashlib
import urllib.request
from datetime import datetime
from urllib.parse import urlencode

import pytest
import requests
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from kfl_lod.catalog import THEMES

DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
# The licences the portal maps (CC0 1.0, CC BY, BY-SA, BY-NC, BY-NC-SA, BY-ND, BY-NC-ND 4.0).
PORTAL_LICENCES = {"CC0", "CC_BY_4_0", "CC_BYSA_4_0", "CC_BYNC_4_0", "CC_BYNCSA_4_0", "CC_BYND_4_0", "CC_BYNCND_4_0"}

# The query docs/publication.md gives the portal's administrator.
HARVEST_QUERY = """PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX spdx: <http://spdx.org/rdf/terms#>
PREFIX vcard: <http://www.w3.org/2006/vcard/ns#>
CONSTRUCT { ?s ?p ?o } WHERE {
  VALUES ?type { dcat:Catalog dcat:Dataset dcat:Distribution dcat:DataService spdx:Checksum vcard:Kind }
  ?s a ?type ; ?p ?o .
}"""


def local(url: str, server: str, settings) -> str:
    """The URL on the test server of a URL under the published base."""
    assert url.startswith(settings.base), url
    return server + settings.base_path + url[len(settings.base):]


def stripped(iri: str, prefix: str) -> str:
    """What the portal's code keeps of an IRI: ``str.lstrip(prefix)`` (a character-set strip)."""
    return iri.lstrip(prefix)


@pytest.fixture(scope="module")
def harvested(server, published) -> Graph:
    store = SPARQLStore(query_endpoint=server + published.base_path + "sparql", returnFormat="application/rdf+xml")
    result = Graph(store).query(HARVEST_QUERY)
    g = Graph()
    for triple in result:
        g.add(triple)
    return g


def test_the_endpoint_answers_a_construct_by_get_in_rdf_xml(server, published):
    url = server + published.base_path + "sparql?" + urlencode({"query": HARVEST_QUERY})
    request = urllib.request.Request(url, headers={"Accept": "application/rdf+xml"})  # User-Agent: Python-urllib
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].split(";")[0] == "application/rdf+xml"
        g = Graph().parse(data=response.read(), format="xml")
    assert (None, RDF.type, DCAT.Dataset) in g


def test_the_harvested_dataset_has_every_field_the_portal_reads(harvested, published):
    datasets = list(harvested.subjects(RDF.type, DCAT.Dataset))
    assert datasets == [URIRef(published.base + "dataset")]
    d = datasets[0]
    identifier = harvested.value(d, DCTERMS.identifier)
    assert identifier is not None and 0 < len(str(identifier)) <= 36
    titles = {t.language: str(t) for t in harvested.objects(d, DCTERMS.title)}
    descriptions = {t.language: str(t) for t in harvested.objects(d, DCTERMS.description)}
    assert titles.get("pl") and titles.get("en") and descriptions.get("pl") and descriptions.get("en")
    for p in (DCTERMS.issued, DCTERMS.modified):
        value = harvested.value(d, p)
        assert isinstance(value, Literal) and value.datatype == XSD.dateTime
        datetime.fromisoformat(str(value))
    themes = [str(t) for t in harvested.objects(d, DCAT.theme)]
    assert themes and all(stripped(t, EU + "data-theme/") in THEMES for t in themes)
    keywords = list(harvested.objects(d, DCAT.keyword))
    assert keywords and all(k.language in ("pl", "en", None) for k in keywords)
    # At least one distribution; the dataset's licence is read from the first one, whichever it is.
    dists = list(harvested.objects(d, DCAT.distribution))
    assert len(dists) == 5
    for dist in dists:
        assert stripped(str(harvested.value(dist, DCTERMS.license)), EU + "licence/") in PORTAL_LICENCES


def test_each_harvested_distribution_has_the_fields_the_portal_reads(harvested, published):
    for dist in harvested.objects(URIRef(published.base + "dataset"), DCAT.distribution):
        access = str(harvested.value(dist, DCAT.accessURL))
        assert access.startswith("https://")  # "Required scheme is https://"
        fmt = str(harvested.value(dist, DCTERMS.format))
        code = stripped(fmt, EU + "file-type/")
        assert fmt == EU + "file-type/" + code and code.isupper()
        assert str(harvested.value(dist, DCAT.mediaType)).startswith(IANA)
        assert 0 < len(str(harvested.value(dist, DCTERMS.identifier))) <= 36
        assert {t.language for t in harvested.objects(dist, DCTERMS.title)} >= {"pl", "en"}
        for p in (DCTERMS.issued, DCTERMS.modified):
            assert harvested.value(dist, p).datatype == XSD.dateTime


def test_a_naive_query_for_everything_still_finds_one_dataset(server, published):
    # Releases are linked as versions, not typed as datasets: a harvester never imports them.
    store = SPARQLStore(query_endpoint=server + published.base_path + "sparql", returnFormat="application/rdf+xml")
    g = Graph()
    for triple in Graph(store).query("CONSTRUCT WHERE { ?s a ?type }"):
        g.add(triple)
    assert list(g.subjects(RDF.type, DCAT.Dataset)) == [URIRef(published.base + "dataset")]


def test_every_download_url_gives_the_stated_bytes_and_checksum(harvested, server, published):
    followed = 0
    for dist in harvested.objects(URIRef(published.base + "dataset"), DCAT.distribution):
        url = local(str(harvested.value(dist, DCAT.downloadURL)), server, published)
        response = requests.get(url, headers={"Accept-Encoding": "identity"}, timeout=30)
        assert response.status_code == 200, url
        assert len(response.content) == int(harvested.value(dist, DCAT.byteSize))
        checksum = harvested.value(dist, SPDX.checksum)
        assert harvested.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert hashlib.sha256(response.content).hexdigest() == str(harvested.value(checksum, SPDX.checksumValue))
        media = str(harvested.value(dist, DCAT.mediaType))[len(IANA):]
        assert response.headers["Content-Type"].split(";")[0] == media
        followed += 1
        # Compressed for clients that accept it, and still the same bytes.
        assert requests.get(url, timeout=30).content == response.content
    assert followed == 5


@pytest.mark.parametrize("path", ["dumps/kfl.ttl", "dumps/kfl.csv", "dumps/catalog.rdf", ".well-known/void",
                                  "changes", "changes.json"])
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
