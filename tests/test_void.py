"""The VoID description: its counts are the data's, and /.well-known/void serves it."""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from kfl_lod.vocab import SCHEMA, VOID
from kfl_lod.web import create_app

BASE = "https://kfl.krakow.pl/"
DATASET = URIRef(BASE + "dataset")


@pytest.fixture(scope="module")
def data(published) -> Graph:
    return Graph().parse(published.published / "latest" / "kfl.nt", format="nt")


@pytest.fixture(scope="module")
def void(published) -> Graph:
    return Graph().parse(published.published / "latest" / "void.ttl", format="turtle")


@pytest.fixture(scope="module")
def client(published):
    return create_app(published).test_client()


def value(g: Graph, s, p) -> int:
    values = list(g.objects(s, p))
    assert len(values) == 1, (s, p, values)
    return int(values[0])


def test_totals_are_those_of_the_published_data(void, data):
    assert value(void, DATASET, VOID.triples) == len(data)
    assert value(void, DATASET, VOID.distinctSubjects) == len(set(data.subjects()))
    assert value(void, DATASET, VOID.distinctObjects) == len(set(data.objects()))
    assert value(void, DATASET, VOID.entities) == len({s for s in data.subjects() if str(s).startswith(BASE)})
    assert value(void, DATASET, VOID.properties) == len(set(data.predicates()))
    assert value(void, DATASET, VOID.classes) == len(set(data.objects(None, RDF.type)))


def test_class_and_property_partitions_count_what_the_data_has(void, data):
    classes = {
        void.value(p, VOID["class"]): value(void, p, VOID.entities) for p in void.objects(DATASET, VOID.classPartition)
    }
    assert classes == {c: len(set(data.subjects(RDF.type, c))) for c in set(data.objects(None, RDF.type))}
    properties = {
        void.value(p, VOID.property): value(void, p, VOID.triples)
        for p in void.objects(DATASET, VOID.propertyPartition)
    }
    assert properties == dict(Counter(p for _, p, _ in data))
    assert classes[SCHEMA.Place] > 0 and properties[SCHEMA.name] > 0


def test_where_to_get_the_data_and_examples_that_exist(void, data, records):
    assert list(void.objects(DATASET, VOID.uriSpace)) == [Literal(BASE)]
    assert list(void.objects(DATASET, VOID.sparqlEndpoint)) == [URIRef(BASE + "sparql")]
    dumps = {str(d) for d in void.objects(DATASET, VOID.dataDump)}
    assert dumps == {f"{BASE}dumps/kfl.ttl", f"{BASE}dumps/kfl.nt", f"{BASE}dumps/kfl.jsonld"}
    examples = set(void.objects(DATASET, VOID.exampleResource))
    assert len(examples) >= 3
    for example in examples:
        assert (example, RDF.type, None) in data
    # Examples show real records where there are some.
    flag = URIRef(BASE + "def/illustrative")
    assert all((e, flag, Literal(True)) not in data for e in examples)


def test_the_illustrative_records_are_a_counted_subset(void, data, records):
    subset = URIRef(BASE + "dataset#illustrative")
    assert subset in set(void.objects(DATASET, VOID.subset))
    expected = sum(s.illustrative for s in records.spaces) + sum(p.illustrative for p in records.practices)
    assert value(void, subset, VOID.entities) == expected
    flag = URIRef(BASE + "def/illustrative")
    for example in void.objects(subset, VOID.exampleResource):
        assert (example, flag, Literal(True)) in data


def test_ntriples_and_turtle_say_the_same(void, published):
    assert Graph().parse(published.published / "latest" / "void.nt", format="nt").isomorphic(void)


@pytest.mark.parametrize(
    "accept, mimetype, fmt",
    [
        (None, "text/turtle", "turtle"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/ld+json", "application/ld+json", "json-ld"),
    ],
)
def test_well_known_void_is_content_negotiated(client, void, accept, mimetype, fmt):
    response = client.get("/.well-known/void", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert "Accept" in response.headers["Vary"]
    assert Graph().parse(data=response.data, format=fmt).isomorphic(void)


def test_well_known_void_says_what_it_can_give_when_it_cannot(client):
    response = client.get("/.well-known/void", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert b"text/turtle" in response.data


def test_well_known_void_answers_conditional_gets(client):
    first = client.get("/.well-known/void")
    etag = first.headers["ETag"]
    assert client.get("/.well-known/void", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/.well-known/void", headers={"If-None-Match": '"other"'}).status_code == 200
