"""Every published IRI has what issue 2 asks of it: a type, a shape, names in Polish (and
English for our vocabulary), schema.org first, our own few terms defined, no dangling links.

Checked on the published N-Triples of the bundled source and on the graph of the small test
source, which has what the bundled one lacks (contact points, opening hours, Wikidata).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kfl_lod.mapping import to_graph
from kfl_lod.source import read_source
from kfl_lod.validation import SH
from kfl_lod.vocab import DISTRICT_METHODS, SCHEMA, SCHEMES

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://kfl.krakow.pl/"
KFL = BASE + "def/"
TARGETS = (SH.targetClass,)


@pytest.fixture(scope="module", params=["bundled-published", "test-source"])
def data(request, published) -> Graph:
    if request.param == "bundled-published":
        return Graph().parse((published.published / "latest" / "kfl.nt").resolve(), format="nt")
    return to_graph(read_source(ROOT / "tests" / "data" / "valid"), BASE)


def shapes() -> Graph:
    return Graph().parse(ROOT / "shapes" / "kfl.ttl")


# Classes without a shape of their own, and the shaped class every node of them also has.
SHAPED_THROUGH = {
    SCHEMA.Place: {URIRef(KFL + "Venue"), URIRef(KFL + "Space")},  # Venue-place, Space-place check the type
    OWL.ObjectProperty: {RDF.Property},
    OWL.DatatypeProperty: {RDF.Property},
}


def test_every_class_we_emit_has_a_shape(data):
    targeted = set(shapes().objects(None, SH.targetClass))
    emitted = set(data.objects(None, RDF.type))
    unshaped = emitted - targeted
    assert unshaped <= set(SHAPED_THROUGH), (
        f"classes emitted without a SHACL shape: {sorted(unshaped - set(SHAPED_THROUGH))}"
    )
    for cls in unshaped:
        for node in data.subjects(RDF.type, cls):
            assert set(data.objects(node, RDF.type)) & SHAPED_THROUGH[cls], (node, cls)


def test_every_subject_is_typed_and_every_link_under_the_base_is_described(data):
    subjects = set(data.subjects())
    assert all((s, RDF.type, None) in data for s in subjects)
    linked = {o for o in data.objects() if isinstance(o, URIRef) and str(o).startswith(BASE)}
    assert sorted(linked - subjects) == []  # every IRI we point at is a thing we publish


def test_our_own_terms_are_defined_and_labelled_in_polish_and_english(data):
    ours = {p for p in data.predicates() if str(p).startswith(KFL)}
    ours |= {o for o in data.objects(None, RDF.type) if str(o).startswith(KFL)}
    assert {str(t).removeprefix(KFL) for t in ours} >= {"Space", "Venue", "spaceType", "illustrative"}
    for term in ours:
        for prop in (RDFS.label, RDFS.comment):
            assert sorted(o.language for o in data.objects(term, prop)) == ["en", "pl"], (term, prop)
        assert (term, RDFS.isDefinedBy, URIRef(BASE + "def")) in data, term
        assert set(data.objects(term, RDF.type)) & {OWL.Class, RDF.Property}, term
    used = {str(p) for p in data.predicates()} | {str(o) for o in data.objects(None, RDF.type)}
    assert not [t for t in used if t.startswith(BASE) and not t.startswith(KFL)]  # no terms outside def/


# The statements about our records that are not schema.org, each because schema.org has no
# term for it (docs/pipeline.md): our own def/ terms, the source pages, the GeoSPARQL point.
NOT_SCHEMA_ORG = {
    KFL + t
    for t in (
        "spaceType",
        "sharingMode",
        "equipment",
        "conditions",
        "lastVerified",
        "illustrative",
        "stepFreeAccess",
        # where a fact comes from and how sure it is (issue 9): schema.org has no terms for these
        "statedOn",
        "districtMethod",
        "districtSource",
        "districtBorderDistance",
        "nearDistrictBorder",
        "accessibilityNote",
        "accessibilitySource",
        "accessibilityStatedOn",
        "nearestStop",
    )
} | {
    "http://purl.org/dc/terms/source",
    "http://www.opengis.net/ont/geosparql#hasGeometry",
    "http://www.opengis.net/ont/geosparql#asWKT",
}


def test_schema_org_first(data):
    """Records are described with schema.org; any other term on them is one of the few listed above."""
    allowed = (
        "https://schema.org/",
        str(SKOS),
        str(RDFS),
        str(RDF),
        str(OWL),
        KFL,
        "http://purl.org/dc/terms/",
        "http://www.opengis.net/ont/geosparql#",
    )
    assert all(str(p).startswith(allowed) for p in data.predicates())
    records = {
        s
        for s in data.subjects(RDF.type, None)
        if str(s).startswith(tuple(BASE + kind for kind in ("institution/", "venue/", "space/", "practice/")))
    }
    others = {
        str(p)
        for s in records
        for p in data.predicates(s)
        if p != RDF.type and not str(p).startswith("https://schema.org/")
    }
    assert sorted(others - NOT_SCHEMA_ORG) == []
    for s in (r for r in records if "#" not in str(r)):  # and every record is typed with a schema.org class
        assert any(str(t).startswith("https://schema.org/") for t in data.objects(s, RDF.type)), s


def test_concept_schemes_have_polish_and_english_labels(data):
    schemes = set(data.subjects(RDF.type, SKOS.ConceptScheme))
    every = {**SCHEMES, DISTRICT_METHODS.slug: DISTRICT_METHODS}  # and how a district is known (not a column)
    assert {str(s).removeprefix(BASE + "vocab/") for s in schemes} == set(every)
    for scheme in schemes:
        assert sorted(o.language for o in data.objects(scheme, SKOS.prefLabel)) == ["en", "pl"], scheme
        concepts = set(data.objects(scheme, SKOS.hasTopConcept))
        assert len(concepts) == len(every[str(scheme).removeprefix(BASE + "vocab/")].concepts)
        for concept in concepts:
            assert (concept, SKOS.inScheme, scheme) in data and (concept, RDF.type, SKOS.Concept) in data
            assert sorted(o.language for o in data.objects(concept, SKOS.prefLabel)) == ["en", "pl"], concept


def test_every_named_thing_has_a_polish_name(data):
    """Every thing with its own IRI (not a #part) is named in Polish: by schema:name, skos:prefLabel or rdfs:label."""
    for s in set(data.subjects()):
        if "#" in str(s):
            continue
        names = [o for p in (SCHEMA.name, SKOS.prefLabel, RDFS.label) for o in data.objects(s, p)]
        assert any(isinstance(n, Literal) and n.language == "pl" for n in names), s
