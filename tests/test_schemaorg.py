"""Every schema.org class and property we emit exists in schema.org (release 30.0, reference/).

The graph checked is the bundled source's together with the small test source's, which has
what the bundled one lacks (contact points, e-mails, phones, Wikidata, opening hours), and
a test makes sure that together they use every schema.org term the mapping names.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from kfl_lod.jsonld import context
from kfl_lod.mapping import to_graph
from kfl_lod.source import read_source

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference" / "schemaorg" / "schemaorg-current-https.ttl"
SCHEMA = "https://schema.org/"
SCHEMA_HTTP = "http://schema.org/"
DOMAIN = URIRef(SCHEMA + "domainIncludes")
# Known, deliberate departures from schema.org's expected domains: (property, our class).
# floorSize expects an Accommodation; a space is modelled as a schema:Place (data-model.md).
# openingHours expects a CivicStructure or LocalBusiness; a venue is a schema:Place, and the
# structured openingHoursSpecification would need the clerk's text parsed into parts.
OUTSIDE_DOMAIN = {(SCHEMA + "floorSize", "def/Space"), (SCHEMA + "openingHours", "def/Venue")}


@pytest.fixture(scope="module")
def graph(records) -> Graph:
    """The bundled source's graph and the test source's, in one."""
    both = to_graph(records, "https://kfl.krakow.pl/")
    for triple in to_graph(read_source(ROOT / "tests" / "data" / "valid"), "https://kfl.krakow.pl/"):
        both.add(triple)
    return both


def test_the_checked_graph_uses_every_schema_org_term_the_mapping_names(graph):
    named = set(
        re.findall(r"\bSCHEMA\.([A-Za-z]+)", (ROOT / "src" / "kfl_lod" / "mapping.py").read_text(encoding="utf-8"))
    )
    used = {str(t).removeprefix(SCHEMA) for triple in graph for t in triple if str(t).startswith(SCHEMA)}
    assert named and sorted(named - used) == []


@pytest.fixture(scope="module")
def schemaorg() -> Graph:
    if not REFERENCE.exists():
        pytest.fail(f"the schema.org reference is missing: {REFERENCE}")
    return Graph().parse(REFERENCE)


def schema_terms(graph: Graph) -> tuple[set[URIRef], set[URIRef], set[URIRef]]:
    """Schema.org IRIs used as predicates, as rdf:type objects, and anywhere else."""
    predicates, classes, others = set(), set(), set()
    for s, p, o in graph:
        if str(p).startswith((SCHEMA, SCHEMA_HTTP)):
            predicates.add(p)
        if p == RDF.type and str(o).startswith((SCHEMA, SCHEMA_HTTP)):
            classes.add(o)
        for term in (s, o) if p != RDF.type else (s,):
            if isinstance(term, URIRef) and str(term).startswith((SCHEMA, SCHEMA_HTTP)):
                others.add(term)
    return predicates, classes, others


def test_the_graph_uses_schema_org(graph):
    predicates, classes, _ = schema_terms(graph)
    assert len(predicates) > 20 and len(classes) > 8  # the check below has something to check


def test_no_http_schema_org(graph):
    assert not any(str(t).startswith(SCHEMA_HTTP) for triple in graph for t in triple)


def test_every_property_is_a_schema_org_property(graph, schemaorg):
    predicates, _, _ = schema_terms(graph)
    unknown = sorted(str(p) for p in predicates if (p, RDF.type, RDF.Property) not in schemaorg)
    assert unknown == []


def test_every_class_is_a_schema_org_class(graph, schemaorg):
    _, classes, _ = schema_terms(graph)
    unknown = sorted(str(c) for c in classes if (c, RDF.type, RDFS.Class) not in schemaorg)
    assert unknown == []


def test_every_other_schema_org_iri_exists(graph, schemaorg):
    _, _, others = schema_terms(graph)  # e.g. rdfs:subClassOf schema:Place
    unknown = sorted(str(t) for t in others if (t, None, None) not in schemaorg)
    assert unknown == []


def test_shapes_name_only_schema_org_terms(schemaorg):
    shapes = Graph().parse(ROOT / "shapes" / "kfl.ttl")
    used = {t for triple in shapes for t in triple if isinstance(t, URIRef) and str(t).startswith(SCHEMA)}
    # the SPARQL constraints' text names terms too
    for text in shapes.objects(None, URIRef("http://www.w3.org/ns/shacl#select")):
        used |= {
            URIRef(SCHEMA + word.split(":")[1].strip(" .;")) for word in str(text).split() if word.startswith("schema:")
        }
    assert sorted(str(t) for t in used if (t, None, None) not in schemaorg) == []


def test_json_ld_context_points_at_schema_org_terms(schemaorg):
    ctx = context("https://kfl.krakow.pl/")["@context"]
    iris = {spec["@id"] for spec in ctx.values() if isinstance(spec, dict)}
    schema = {URIRef(i) for i in iris if i.startswith(SCHEMA)}
    assert schema and sorted(str(t) for t in schema if (t, RDF.type, RDF.Property) not in schemaorg) == []
    assert json.dumps(ctx)  # serialisable


def test_properties_are_used_on_classes_schema_org_expects(graph, schemaorg):
    """Each schema.org property sits on a node of a class in its domainIncludes (or a subclass)."""
    parents = defaultdict(set)
    for child, parent in schemaorg.subject_objects(RDFS.subClassOf):
        parents[child].add(parent)

    def with_ancestors(cls) -> set:
        seen, todo = {cls}, [cls]
        while todo:
            for parent in parents[todo.pop()]:
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return seen

    base = "https://kfl.krakow.pl/"
    wrong = set()
    for s, p, _ in graph:
        domains = set(schemaorg.objects(p, DOMAIN))
        if not domains:
            continue
        types = set(graph.objects(s, RDF.type))
        expected = set().union(*(with_ancestors(t) for t in types)) if types else set()
        if not domains & expected:
            ours = {str(t).removeprefix(base) for t in types if str(t).startswith(base)}
            if not any((str(p), o) in OUTSIDE_DOMAIN for o in ours):
                wrong.add((str(p), tuple(sorted(str(t) for t in types))))
    assert sorted(wrong) == []
