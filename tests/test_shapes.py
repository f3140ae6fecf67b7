"""SHACL: every constraint in shapes/kfl.ttl has data that breaks it, and the build obeys the report.

Each case takes the graph of the small valid source (``tests/data/valid/``), changes one
thing and checks that validation finds exactly the expected result: focus node, path,
severity, shape and constraint component. ``test_every_constraint_has_a_case`` walks the
shapes file, so a new constraint without a case fails the suite.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from kfl_lod.build import build, validate_only
from kfl_lod.mapping import provenance, to_graph
from kfl_lod.settings import load_settings
from kfl_lod.source import read_source
from kfl_lod.validation import SH, load_shapes, validate
from kfl_lod.vocab import GEO, SCHEMA

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "tests" / "data" / "valid"
BASE = "https://kfl.krakow.pl/"
KFL = BASE + "def/"
SHAPES_NS = BASE + "shapes#"
PREFIXES = {
    "schema": str(SCHEMA),
    "kfl": KFL,
    "skos": str(SKOS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "geo": str(GEO),
    "owl": str(OWL),
    "dct": "http://purl.org/dc/terms/",
}


def iri(name: str) -> URIRef:
    """'schema:name' or 'space/x' (under the base) as an IRI."""
    prefix, _, local = name.partition(":")
    if local and prefix in PREFIXES:
        return URIRef(PREFIXES[prefix] + local)
    return URIRef(BASE + name)


@dataclass(frozen=True)
class Break:
    """Change one thing in the valid graph; expect one result from one constraint."""

    shape: str  # local name under shapes#, e.g. "Space-capacity"
    component: str  # "MinCount" for sh:MinCountConstraintComponent
    focus: str  # the node the result is about, relative to the base
    op: str  # "remove" (all values, or the one given), "add" or "set" (replace all values)
    path: str  # the predicate changed; the result's path for a property shape
    value: object = None  # an rdflib term, or "iri:relative/or:prefixed"
    severity: str = "Violation"
    node: str | None = None  # change this node instead of the focus
    node_level: bool = False  # a constraint on the node itself (sh:or, sh:nodeKind, SPARQL): no path
    also: tuple[tuple[str, str, str, str], ...] = ()  # further (shape, component, severity, path) results, by design
    remove_too: str | None = None  # a second predicate removed from the node, where one change cannot break it

    def __str__(self) -> str:
        return f"{self.shape}-{self.component}-{self.op}"

    def apply(self, g: Graph) -> None:
        subject = iri(self.node or self.focus)
        predicate = iri(self.path)
        value = self.value
        if isinstance(value, str) and value.startswith("iri:"):
            value = iri(value[4:])
        if self.op in ("remove", "set"):
            before = len(g)
            g.remove((subject, predicate, value if self.op == "remove" else None))
            assert len(g) < before, f"nothing to remove: {subject} {predicate} {value}"
        if self.op in ("add", "set"):
            g.add((subject, predicate, value))
        if self.remove_too:
            g.remove((subject, iri(self.remove_too), None))


def B(*args, **kwargs) -> Break:
    return Break(*args, **kwargs)


pl = lambda text: Literal(text, lang="pl")  # noqa: E731
en = lambda text: Literal(text, lang="en")  # noqa: E731
dec = lambda text: Literal(text, datatype=XSD.decimal)  # noqa: E731

INST = "institution/osrodek-przykladowy"
CONTACT = INST + "#contact"
GENERAL = INST + "#general-contact"  # the general e-mail and phone, with their source and date
VENUE = "venue/okp-siedziba"
TP = "venue/tp-scena"  # its district is derived from its point
SPACE = "space/okp-sala-warsztatowa"
PRACTICE = "practice/okp-warsztaty-seniorow"
CONCEPT = "vocab/space-type/sala-kinowa"  # used by no space in the fixture
TERM = "def/illustrative"

CASES = [
    # every node
    B("NoBlankNodes", "NodeKind", "_:", "add", "rdf:type", SKOS.Collection, node_level=True),
    # the shared identifier
    B("identifier", "MinCount", SPACE, "remove", "schema:identifier"),
    B("identifier", "MaxCount", VENUE, "add", "schema:identifier", Literal("druga-nazwa")),
    B("identifier", "Pattern", "institution/teatr-probny", "set", "schema:identifier", Literal("Teatr Próbny")),
    # institution
    B("Institution-name", "MinCount", INST, "remove", "schema:name"),
    B("Institution-name", "MaxCount", INST, "add", "schema:name", pl("Drugi Ośrodek")),
    B("Institution-name", "Datatype", INST, "set", "schema:name", Literal("Ośrodek Kultury Przykładowy")),
    B("Institution-name", "MinLength", INST, "set", "schema:name", pl("O")),
    B("Institution-type", "MinCount", INST, "remove", "schema:additionalType"),
    B("Institution-type", "MaxCount", INST, "add", "schema:additionalType", "iri:vocab/institution-type/teatr"),
    B("Institution-type", "Node", INST, "set", "schema:additionalType", "iri:vocab/space-type/sala-prob"),
    B("Institution-organiser", "MinCount", INST, "remove", "schema:parentOrganization"),
    B("Institution-organiser", "Class", INST, "set", "schema:parentOrganization", "iri:place/krakow"),
    B(
        "Institution-venue",
        "MinCount",
        "institution/teatr-probny",
        "remove",
        "schema:location",
        also=(("Institution-offers-no-space", "QualifiedMinCount", "Warning", ""),),
    ),
    B("Institution-venue", "Class", INST, "add", "schema:location", "iri:" + SPACE),
    B("Institution-url", "MaxCount", INST, "add", "schema:url", URIRef("https://okp.example.pl/en/")),
    B("Institution-url", "NodeKind", INST, "set", "schema:url", Literal("https://okp.example.pl/")),
    B("Institution-url", "Pattern", INST, "set", "schema:url", URIRef("ftp://okp.example.pl/")),
    B("Institution-url-missing", "MinCount", INST, "remove", "schema:url", severity="Warning"),
    B("Institution-email", "Datatype", INST, "set", "schema:email", pl("sekretariat@okp.example.pl")),
    B("Institution-email", "Pattern", INST, "set", "schema:email", Literal("sekretariat@okp")),
    B("Institution-telephone", "Datatype", INST, "set", "schema:telephone", Literal(126000001)),
    B("Institution-telephone", "Pattern", INST, "set", "schema:telephone", Literal("dwanaście")),
    B(
        "Institution-contactPoint",
        "MaxCount",
        INST,
        "add",
        "schema:contactPoint",
        "iri:institution/biblioteka-testowa#contact",
    ),
    B("Institution-contactPoint", "Class", INST, "set", "schema:contactPoint", "iri:" + VENUE),
    B(
        "Institution-sameAs",
        "NodeKind",
        INST,
        "set",
        "schema:sameAs",
        Literal("http://www.wikidata.org/entity/Q4115189"),
    ),
    B(
        "Institution-sameAs",
        "Pattern",
        INST,
        "set",
        "schema:sameAs",
        URIRef("https://pl.wikipedia.org/wiki/Krak%C3%B3w"),
    ),
    B(
        "Institution-offers-no-space",
        "QualifiedMinCount",
        "institution/teatr-probny",
        "set",
        "schema:containedInPlace",
        "iri:venue/okp-filia",
        node="space/tp-sala-prob",
        node_level=True,
        severity="Warning",
    ),
    # contact point
    B("Contact-type", "MinCount", CONTACT, "remove", "schema:contactType"),
    B("Contact-source", "MaxCount", GENERAL, "add", "dct:source", URIRef("https://okp.example.pl/inna")),
    B("Contact-source", "NodeKind", GENERAL, "set", "dct:source", Literal("https://okp.example.pl/kontakt")),
    B("Contact-source", "Pattern", GENERAL, "set", "dct:source", URIRef("urn:x-kontakt:1")),
    B("Contact-statedOn", "MaxCount", GENERAL, "add", "kfl:statedOn", Literal("2024", datatype=XSD.gYear)),
    B("Contact-statedOn", "Or", GENERAL, "set", "kfl:statedOn", Literal("marzec 2025")),
    B("Contact-email", "MaxCount", CONTACT, "add", "schema:email", Literal("drugi@okp.example.pl")),
    B("Contact-email", "Pattern", CONTACT, "set", "schema:email", Literal("ngo at okp.example.pl")),
    B("Contact-telephone", "MaxCount", CONTACT, "add", "schema:telephone", Literal("+48 12 000 00 09")),
    B("Contact-telephone", "Pattern", CONTACT, "set", "schema:telephone", Literal("wew. 12")),
    B("ContactPointShape", "Or", "institution/biblioteka-testowa#contact", "remove", "schema:email", node_level=True),
    # venue
    B("Venue-place", "HasValue", VENUE, "remove", "rdf:type", SCHEMA.Place),
    B("Venue-name", "MinCount", VENUE, "remove", "schema:name"),
    B("Venue-name", "MaxCount", VENUE, "add", "schema:name", pl("Druga nazwa")),
    B("Venue-name", "Datatype", VENUE, "set", "schema:name", Literal("Siedziba")),
    B("Venue-address", "MinCount", VENUE, "remove", "schema:address"),
    B("Venue-address", "MaxCount", VENUE, "add", "schema:address", "iri:venue/okp-filia#address"),
    B("Venue-address", "Class", VENUE, "set", "schema:address", "iri:" + VENUE + "#geo"),
    B("Venue-district", "MinCount", VENUE, "remove", "schema:containedInPlace"),
    B("Venue-district", "MaxCount", VENUE, "add", "schema:containedInPlace", "iri:district/1"),
    B("Venue-district", "Or", VENUE, "set", "schema:containedInPlace", "iri:vocab/space-type/sala-prob"),
    B("Venue-geo", "MaxCount", VENUE, "add", "schema:geo", "iri:venue/tp-scena#geo"),
    B("Venue-geo", "Class", VENUE, "set", "schema:geo", "iri:" + VENUE + "#address"),
    B("Venue-geo-missing", "MinCount", VENUE, "remove", "schema:geo", severity="Warning"),
    B("Venue-stepFreeAccess", "MaxCount", VENUE, "add", "kfl:stepFreeAccess", Literal(False)),
    B("Venue-stepFreeAccess", "Datatype", VENUE, "set", "kfl:stepFreeAccess", Literal("tak")),
    B("Venue-openingHours", "Datatype", VENUE, "set", "schema:openingHours", pl("Mo-Fr 10:00-20:00")),
    B("Venue-openingHours", "Pattern", VENUE, "set", "schema:openingHours", Literal("pon.-pt. 10-20")),
    B("Venue-feature", "Class", VENUE, "add", "schema:amenityFeature", "iri:district/13"),
    B("Venue-districtMethod", "MaxCount", VENUE, "add", "kfl:districtMethod", "iri:vocab/district-method/nearest"),
    B("Venue-districtMethod", "Node", VENUE, "set", "kfl:districtMethod", "iri:vocab/space-type/sala-prob"),
    B("Venue-districtSource", "MaxCount", VENUE, "add", "kfl:districtSource", URIRef("https://example.org/drugie")),
    B("Venue-districtSource", "NodeKind", VENUE, "set", "kfl:districtSource", Literal("https://okp.example.pl/o-nas")),
    B("Venue-districtSource", "Pattern", VENUE, "set", "kfl:districtSource", URIRef("urn:x-zrodlo:1")),
    B("Venue-nearDistrictBorder", "MaxCount", TP, "add", "kfl:nearDistrictBorder", Literal(True)),
    B("Venue-nearDistrictBorder", "Datatype", TP, "set", "kfl:nearDistrictBorder", Literal("nie")),
    B("Venue-districtBorderDistance", "MaxCount", TP, "add", "kfl:districtBorderDistance", dec("1.0")),
    B(
        "Venue-districtBorderDistance",
        "Datatype",
        TP,
        "set",
        "kfl:districtBorderDistance",
        Literal("blisko"),
        also=(("Venue-districtBorderDistance", "MinInclusive", "Violation", KFL + "districtBorderDistance"),),
    ),
    B("Venue-districtBorderDistance", "MinInclusive", TP, "set", "kfl:districtBorderDistance", dec("-1.0")),
    B("Venue-accessibilityNote", "MaxCount", VENUE, "add", "kfl:accessibilityNote", pl("Drugi opis.")),
    B("Venue-accessibilityNote", "Datatype", VENUE, "set", "kfl:accessibilityNote", Literal("Bez języka.")),
    B(
        "Venue-accessibilitySource",
        "MaxCount",
        VENUE,
        "add",
        "kfl:accessibilitySource",
        URIRef("https://example.org/2"),
    ),
    B("Venue-accessibilitySource", "NodeKind", VENUE, "set", "kfl:accessibilitySource", Literal("https://x.example/")),
    B("Venue-accessibilitySource", "Pattern", VENUE, "set", "kfl:accessibilitySource", URIRef("urn:x-zrodlo:2")),
    B("Venue-accessibilityStatedOn", "MaxCount", VENUE, "add", "kfl:accessibilityStatedOn", Literal(date(2025, 1, 2))),
    B("Venue-accessibilityStatedOn", "Or", VENUE, "set", "kfl:accessibilityStatedOn", Literal("2025 r.")),
    B("Venue-nearestStop", "MaxCount", VENUE, "add", "kfl:nearestStop", Literal("Druga (autobus)")),
    B("Venue-nearestStop", "Datatype", VENUE, "set", "kfl:nearestStop", pl("Przykładowa (tramwaj)")),
    # address
    B("Address-postalCode", "MaxCount", VENUE + "#address", "add", "schema:postalCode", Literal("31-001")),
    B("Address-postalCode", "Pattern", VENUE + "#address", "set", "schema:postalCode", Literal("31000")),
    B("Address-street", "MaxCount", VENUE + "#address", "add", "schema:streetAddress", Literal("ul. Inna 2")),
    B("Address-street-missing", "MinCount", VENUE + "#address", "remove", "schema:streetAddress", severity="Warning"),
    B("Address-locality", "MinCount", VENUE + "#address", "remove", "schema:addressLocality"),
    B("Address-locality", "MaxCount", VENUE + "#address", "add", "schema:addressLocality", Literal("Wieliczka")),
    B("Address-country", "MinCount", VENUE + "#address", "remove", "schema:addressCountry"),
    B(
        "Address-country",
        "MaxCount",
        VENUE + "#address",
        "add",
        "schema:addressCountry",
        Literal("PL", lang="pl"),
        also=(("Address-country", "In", "Violation", str(SCHEMA.addressCountry)),),
    ),
    B("Address-country", "In", VENUE + "#address", "set", "schema:addressCountry", Literal("DE")),
    # coordinates
    B("Geo-latitude", "MinCount", VENUE + "#geo", "remove", "schema:latitude"),
    B("Geo-latitude", "MaxCount", VENUE + "#geo", "add", "schema:latitude", dec("50.05")),
    B("Geo-latitude", "Datatype", VENUE + "#geo", "set", "schema:latitude", Literal(50.04)),
    B("Geo-latitude", "MinInclusive", VENUE + "#geo", "set", "schema:latitude", dec("49.5")),
    B("Geo-latitude", "MaxInclusive", VENUE + "#geo", "set", "schema:latitude", dec("52.2297")),
    B("Geo-longitude", "MinCount", VENUE + "#geo", "remove", "schema:longitude"),
    B("Geo-longitude", "MaxCount", VENUE + "#geo", "add", "schema:longitude", dec("19.96")),
    B("Geo-longitude", "Datatype", VENUE + "#geo", "set", "schema:longitude", Literal(19.95)),  # a double
    B("Geo-longitude", "MinInclusive", VENUE + "#geo", "set", "schema:longitude", dec("-19.95")),
    B("Geo-longitude", "MaxInclusive", VENUE + "#geo", "set", "schema:longitude", dec("21.0122")),
    B("Geometry-wkt", "MinCount", VENUE + "#geometry", "remove", "geo:asWKT"),
    B(
        "Geometry-wkt",
        "MaxCount",
        VENUE + "#geometry",
        "add",
        "geo:asWKT",
        Literal("POINT(19.9 50.0)", datatype=GEO.wktLiteral),
    ),
    B("Geometry-wkt", "Datatype", VENUE + "#geometry", "set", "geo:asWKT", Literal("POINT(19.95 50.04)")),
    B(
        "Geometry-wkt",
        "Pattern",
        VENUE + "#geometry",
        "set",
        "geo:asWKT",
        Literal("POLYGON((19.9 50.0, 20.0 50.0, 20.0 50.1, 19.9 50.0))", datatype=GEO.wktLiteral),
    ),
    # space
    B("Space-place", "HasValue", SPACE, "remove", "rdf:type", SCHEMA.Place),
    B("Space-name", "MinCount", SPACE, "remove", "schema:name"),
    B("Space-name", "MaxCount", SPACE, "add", "schema:name", pl("Sala numer 2")),
    B("Space-name", "Datatype", SPACE, "set", "schema:name", Literal("Sala warsztatowa")),
    B("Space-venue", "MinCount", SPACE, "remove", "schema:containedInPlace"),
    B("Space-venue", "MaxCount", SPACE, "add", "schema:containedInPlace", "iri:venue/okp-filia"),
    B("Space-venue", "Class", SPACE, "set", "schema:containedInPlace", "iri:district/13"),
    B("Space-type", "MinCount", SPACE, "remove", "kfl:spaceType"),
    B("Space-type", "MaxCount", SPACE, "add", "kfl:spaceType", "iri:vocab/space-type/sala-zajec"),
    B("Space-type", "Node", SPACE, "set", "kfl:spaceType", "iri:vocab/equipment/projektor"),
    B("Space-sharingMode-stated", "MinCount", SPACE, "remove", "kfl:sharingMode", severity="Warning"),
    B("Space-sharingMode", "Node", SPACE, "add", "kfl:sharingMode", "iri:vocab/institution-type/teatr"),
    B("Space-equipment", "Node", SPACE, "add", "kfl:equipment", "iri:vocab/sharing-mode/wspolorganizacja"),
    B("Space-capacity", "MaxCount", SPACE, "add", "schema:maximumAttendeeCapacity", Literal(30)),
    B("Space-capacity", "Datatype", SPACE, "set", "schema:maximumAttendeeCapacity", dec("20.0")),
    B("Space-capacity", "MinExclusive", SPACE, "set", "schema:maximumAttendeeCapacity", Literal(0)),
    B("Space-capacity-missing", "MinCount", SPACE, "remove", "schema:maximumAttendeeCapacity", severity="Warning"),
    B("Space-floorSize", "MaxCount", SPACE, "add", "schema:floorSize", "iri:space/tp-sala-prob#floor-size"),
    B("Space-floorSize", "Class", SPACE, "set", "schema:floorSize", "iri:" + VENUE + "#address"),
    B("Space-free", "MaxCount", SPACE, "add", "schema:isAccessibleForFree", Literal(False)),
    B("Space-free", "Datatype", SPACE, "set", "schema:isAccessibleForFree", Literal("tak")),
    B("Space-illustrative", "MinCount", SPACE, "remove", "kfl:illustrative"),
    B("Space-illustrative", "MaxCount", SPACE, "add", "kfl:illustrative", Literal(False)),
    B("Space-illustrative", "Datatype", SPACE, "set", "kfl:illustrative", Literal(1)),
    B("Space-lastVerified", "MaxCount", SPACE, "add", "kfl:lastVerified", Literal(date(2026, 3, 2))),
    B("Space-lastVerified", "Datatype", SPACE, "set", "kfl:lastVerified", Literal("19.02.2026")),
    B("Space-conditions", "Datatype", SPACE, "set", "kfl:conditions", Literal("Po uzgodnieniu.")),
    B("Space-feature", "Class", SPACE, "add", "schema:amenityFeature", "iri:district/13"),
    B(
        "Space-free-but-only-paid",
        "Or",
        "space/okp-sala-widowiskowa",
        "set",
        "schema:isAccessibleForFree",
        Literal(True),
        node_level=True,
    ),
    # floor size, features
    B("FloorSize-value", "MinCount", SPACE + "#floor-size", "remove", "schema:value"),
    B("FloorSize-value", "MaxCount", SPACE + "#floor-size", "add", "schema:value", dec("46.0")),
    B("FloorSize-value", "Datatype", SPACE + "#floor-size", "set", "schema:value", Literal(45.5)),  # a double
    B("FloorSize-value", "MinExclusive", SPACE + "#floor-size", "set", "schema:value", dec("-45.5")),
    B("FloorSize-unit", "MinCount", SPACE + "#floor-size", "remove", "schema:unitCode"),
    B(
        "FloorSize-unit",
        "MaxCount",
        SPACE + "#floor-size",
        "add",
        "schema:unitCode",
        Literal("MTK", lang="pl"),
        also=(("FloorSize-unit", "In", "Violation", str(SCHEMA.unitCode)),),
    ),
    B("FloorSize-unit", "In", SPACE + "#floor-size", "set", "schema:unitCode", Literal("m2")),
    B("Feature-name", "MinCount", SPACE + "#equipment-ekran", "remove", "schema:name"),
    B("Feature-value", "MinCount", SPACE + "#equipment-ekran", "remove", "schema:value"),
    B("Feature-value", "MaxCount", SPACE + "#equipment-ekran", "add", "schema:value", Literal(False)),
    B("Feature-value", "Datatype", VENUE + "#step-free-access", "set", "schema:value", Literal("tak")),
    # districts, city, organisations
    B("District-name", "MinCount", "district/13", "remove", "schema:name", en("District XIII Podgórze")),
    B("District-name", "UniqueLang", "district/13", "add", "schema:name", pl("Podgórze")),
    B("District-name", "LanguageIn", "district/13", "add", "schema:name", Literal("Bezirk XIII Podgórze", lang="de")),
    B("District-number", "MinCount", "district/13", "remove", "schema:identifier"),
    B("District-number", "MaxCount", "district/13", "add", "schema:identifier", Literal("XIV")),
    B("District-number", "Pattern", "district/13", "set", "schema:identifier", Literal("13")),
    B("District-city", "MinCount", "district/13", "remove", "schema:containedInPlace"),
    B(
        "District-city",
        "Class",
        "district/13",
        "set",
        "schema:containedInPlace",
        "iri:organization/gmina-miejska-krakow",
    ),
    B("Government-name", "MinCount", "organization/wydzial-kultury", "remove", "schema:name"),
    B("City-name", "MinCount", "place/krakow", "remove", "schema:name"),
    # vocabularies and our own terms
    B("Concept-label", "MinCount", CONCEPT, "remove", "skos:prefLabel", en("cinema hall")),
    B("Concept-label", "UniqueLang", CONCEPT, "add", "skos:prefLabel", pl("kino")),
    B("Concept-label", "LanguageIn", CONCEPT, "add", "skos:prefLabel", Literal("Kinosaal", lang="de")),
    B("Concept-scheme", "MinCount", CONCEPT, "remove", "skos:inScheme"),
    B("Concept-scheme", "Class", CONCEPT, "set", "skos:inScheme", "iri:place/krakow"),
    B("Scheme-label", "MinCount", "vocab/equipment", "remove", "skos:prefLabel", en("Equipment")),
    B("Scheme-label", "UniqueLang", "vocab/equipment", "add", "skos:prefLabel", pl("Sprzęt")),
    B("Scheme-label", "LanguageIn", "vocab/equipment", "add", "skos:prefLabel", Literal("Ausstattung", lang="de")),
    B("Scheme-concepts", "MinCount", "vocab/equipment", "remove", "skos:hasTopConcept"),
    B("Term-label", "MinCount", TERM, "remove", "rdfs:label", en("illustrative data")),
    B("Term-label", "UniqueLang", TERM, "add", "rdfs:label", pl("ilustracja")),
    B("Term-label", "LanguageIn", TERM, "add", "rdfs:label", Literal("illustrativ", lang="de")),
    B("Term-comment", "MinCount", "def/Space", "remove", "rdfs:comment"),
    B("Term-comment", "UniqueLang", "def/Space", "add", "rdfs:comment", pl("Sala.")),
    B("Term-comment", "LanguageIn", "def/Space", "add", "rdfs:comment", Literal("Ein Raum.", lang="de")),
    B("Term-definedBy", "MinCount", TERM, "remove", "rdfs:isDefinedBy"),
    B(
        "Term-definedBy",
        "MaxCount",
        TERM,
        "add",
        "rdfs:isDefinedBy",
        URIRef("http://schema.org/"),
        also=(("Term-definedBy", "Class", "Violation", str(RDFS.isDefinedBy)),),
    ),
    B("Term-definedBy", "Class", TERM, "set", "rdfs:isDefinedBy", "iri:vocab/equipment"),
    B("Ontology-label", "MinCount", "def", "remove", "rdfs:label", en("kfl-lod vocabulary")),
    B("Ontology-label", "UniqueLang", "def", "add", "rdfs:label", pl("Słownik")),
    B("Ontology-label", "LanguageIn", "def", "add", "rdfs:label", Literal("Vokabular", lang="de")),
    # good practices
    B(
        "Space-sourced",
        "Or",
        "space/okp-filia-sala-spotkan",
        "set",
        "kfl:illustrative",
        Literal(False),
        node_level=True,
    ),
    B(
        "Practice-sourced",
        "Or",
        PRACTICE,
        "set",
        "kfl:illustrative",
        Literal(False),
        node_level=True,
        remove_too="schema:url",
    ),
    B("Practice-name", "MinCount", PRACTICE, "remove", "schema:name"),
    B("Practice-name", "MaxCount", PRACTICE, "add", "schema:name", pl("Drugi tytuł")),
    B("Practice-space", "MaxCount", PRACTICE, "add", "schema:location", "iri:" + VENUE),
    B("Practice-space", "Or", PRACTICE, "set", "schema:location", "iri:district/13"),
    B("Practice-statedOn", "MaxCount", PRACTICE, "add", "kfl:statedOn", Literal("2026", datatype=XSD.gYear)),
    B("Practice-statedOn", "Or", PRACTICE, "set", "kfl:statedOn", Literal("luty 2026")),
    B("Practice-organisers", "MinCount", PRACTICE, "remove", "schema:organizer", "iri:institution/osrodek-przykladowy"),
    B("Practice-date", "MaxCount", PRACTICE, "add", "schema:startDate", Literal(date(2026, 3, 2))),
    B("Practice-date", "Datatype", PRACTICE, "set", "schema:startDate", Literal("luty 2026")),
    B("Practice-illustrative", "MinCount", PRACTICE, "remove", "kfl:illustrative"),
    B("Practice-illustrative", "MaxCount", PRACTICE, "add", "kfl:illustrative", Literal(False)),
    B("Practice-illustrative", "Datatype", PRACTICE, "set", "kfl:illustrative", Literal("tak")),
    B("Organiser-name", "MinCount", PRACTICE + "#organisation", "remove", "schema:name"),
]


@pytest.fixture(scope="module")
def valid():
    """Records, graph, shapes and the (warnings-only) report of the small valid source."""
    records = read_source(VALID)
    graph = to_graph(records, BASE)
    shapes = load_shapes(ROOT / "shapes", BASE)
    report = validate(graph, shapes, provenance(records, BASE))
    return records, graph, shapes, report


def key(result) -> tuple:
    focus = "_:" if not result.focus.startswith("http") else result.focus.removeprefix(BASE)
    return (
        focus,
        result.path,
        result.severity,
        result.shape.removeprefix(SHAPES_NS),
        result.component.removesuffix("ConstraintComponent"),
    )


def test_valid_source_conforms(valid):
    _, _, _, report = valid
    assert report.conforms, [str(r) for r in report.violations]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_constraint_catches_broken_data(valid, case):
    records, graph, shapes, baseline = valid
    g = Graph()
    for triple in graph:
        g.add(triple)
    if case.focus == "_:":
        g.add((BNode(), iri(case.path), case.value))
    else:
        case.apply(g)
    report = validate(g, shapes, provenance(records, BASE))
    new = {key(r) for r in report.results} - {key(r) for r in baseline.results}
    path = "" if case.node_level else str(iri(case.path))
    expected = {(case.focus, path, case.severity, case.shape, case.component)}
    for shape, component, severity, other_path in case.also:
        expected.add((case.focus, other_path, severity, shape, component))
    assert new == expected
    result = next(r for r in report.results if key(r) in expected)
    assert result.message_pl and result.message_en  # every message in Polish and English
    assert report.conforms == all(severity == "Warning" for _, _, severity, _, _ in expected)


# --- every constraint has a case ------------------------------------------------------------------

COMPONENTS = {
    SH.minCount: "MinCount",
    SH.maxCount: "MaxCount",
    SH.datatype: "Datatype",
    SH.minLength: "MinLength",
    SH.maxLength: "MaxLength",
    SH.pattern: "Pattern",
    SH.nodeKind: "NodeKind",
    SH["class"]: "Class",
    SH.node: "Node",
    SH.hasValue: "HasValue",
    SH["in"]: "In",
    SH.minInclusive: "MinInclusive",
    SH.maxInclusive: "MaxInclusive",
    SH.minExclusive: "MinExclusive",
    SH.maxExclusive: "MaxExclusive",
    SH.uniqueLang: "UniqueLang",
    SH.languageIn: "LanguageIn",
    SH["or"]: "Or",
    SH["and"]: "And",
    SH["not"]: "Not",
    SH.xone: "Xone",
    SH.equals: "Equals",
    SH.disjoint: "Disjoint",
    SH.lessThan: "LessThan",
    SH.lessThanOrEquals: "LessThanOrEquals",
    SH.qualifiedMinCount: "QualifiedMinCount",
    SH.qualifiedMaxCount: "QualifiedMaxCount",
    SH.closed: "Closed",
}
NOT_CONSTRAINTS = {
    RDF.type,
    SH.path,
    SH.message,
    SH.severity,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.property,
    SH.sparql,
    SH.prefixes,
    SH.select,
    SH.declare,
    SH.flags,
    SH.name,
    SH.description,
    SH.ignoredProperties,
    RDFS.comment,
    RDFS.label,
    SH.qualifiedValueShape,
    SH.qualifiedValueShapesDisjoint,
}
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def constraints_in_shapes(shapes: Graph) -> set[tuple[str, str]]:
    """Every (shape, component) a test must break; fail on anything the walk does not know."""
    required: set[tuple[str, str]] = set()
    nested: set[URIRef] = set()

    def name(node) -> str:
        assert isinstance(node, URIRef), f"give this shape an IRI so a report can name it: {node}"
        return str(node).removeprefix(SHAPES_NS)

    def params(shape) -> None:
        for p, o in shapes.predicate_objects(shape):
            if p in NOT_CONSTRAINTS:
                continue
            assert p in COMPONENTS, f"{shape}: {p} is not known to this walk; add it and a test case"
            required.add((name(shape), COMPONENTS[p]))
            if p == SH.node:
                nested.add(o)

    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        if not any(shapes.value(shape, t) for t in TARGETS):
            continue  # used through sh:node; checked below
        params(shape)
        for prop in shapes.objects(shape, SH.property):
            params(prop)
        for sparql in shapes.objects(shape, SH.sparql):
            required.add((name(sparql), "SPARQL"))
    untargeted = {s for s in shapes.subjects(RDF.type, SH.NodeShape) if not any(shapes.value(s, t) for t in TARGETS)}
    assert untargeted <= nested, f"shapes neither targeted nor used through sh:node: {untargeted - nested}"
    for lists in shapes.objects(None, SH["or"]):
        for member in Collection(shapes, lists):
            assert not set(shapes.objects(member, SH.property)), "nested property shapes in sh:or are not walked"
    return required


def test_every_constraint_has_a_case():
    shapes = Graph().parse(ROOT / "shapes" / "kfl.ttl")
    required = constraints_in_shapes(shapes)
    covered = {(c.shape, c.component) for c in CASES} | {a[:2] for c in CASES for a in c.also}
    assert required - covered == set(), "constraints without a test that breaks them"
    assert covered - required == set(), "test cases for constraints that are not in the shapes"


def test_every_shape_has_messages_in_polish_and_english():
    shapes = Graph().parse(ROOT / "shapes" / "kfl.ttl")
    with_message = set(shapes.subjects(SH.message, None))
    for shape in with_message:
        languages = sorted(m.language for m in shapes.objects(shape, SH.message))
        assert languages == ["en", "pl"], shape
    for shape in set(shapes.subjects(RDF.type, SH.PropertyShape)) | set(shapes.subjects(RDF.type, SH.SPARQLConstraint)):
        assert shape in with_message, shape


def test_shapes_follow_the_configured_base():
    """Shapes name our own IRIs (kfl:, vocab/, the SPARQL text): they must move with the base."""
    base = "https://example.org/kfl/"
    records = read_source(VALID)
    graph = to_graph(records, base)
    space = URIRef(base + "space/okp-sala-widowiskowa")
    graph.set((space, SCHEMA.isAccessibleForFree, Literal(True)))
    report = validate(graph, load_shapes(ROOT / "shapes", base), provenance(records, base))
    assert [(r.focus, r.shape) for r in report.violations] == [(str(space), base + "shapes#Space-free-but-only-paid")]
    assert report.violations[0].message_en == "A space marked free of charge has only the 'paid rental' sharing mode."
    assert not any(BASE in r.focus for r in report.results)


# --- the report and the build -------------------------------------------------------------------------


def make_source(tmp: Path, change=None) -> Path:
    source = tmp / "source"
    shutil.copytree(VALID, source)
    if change:
        table, row, column, value = change
        path = source / f"{table}.csv"
        lines = path.read_text(encoding="utf-8").splitlines()
        import csv
        import io

        rows = list(csv.reader(io.StringIO("\n".join(lines))))
        rows[row - 1][rows[0].index(column)] = value
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
    return source


def settings_for(tmp: Path, source: Path):
    return load_settings(
        environ={}, cwd=tmp, source=source, published=tmp / "published", shapes=ROOT / "shapes", base=BASE
    )


# A space marked free of charge whose only sharing mode is paid rental: the table reader accepts
# it (each cell is fine), SHACL does not.
FREE_BUT_PAID = ("przestrzenie", 3, "nieodplatnie", "tak")


def test_report_names_the_source_row(tmp_path):
    source = make_source(tmp_path, FREE_BUT_PAID)
    result = validate_only(settings_for(tmp_path, source))
    [violation] = result.report.violations
    assert violation.source == f"{source / 'przestrzenie.csv'}, row 3"
    assert violation.focus == BASE + "space/okp-sala-widowiskowa"
    assert (violation.message_pl, violation.message_en) == (
        "Przestrzeń oznaczona jako nieodpłatna ma tylko formę 'odpłatny najem'.",
        "A space marked free of charge has only the 'paid rental' sharing mode.",
    )
    text = str(violation)
    assert "row 3" in text and "space/okp-sala-widowiskowa" in text and "paid rental" in text
    # a fragment node (the address) is traced to its venue's row
    warning = next(w for w in result.report.warnings if w.focus.endswith("#address"))
    venue_row = next(
        i
        for i, line in enumerate((source / "lokalizacje.csv").read_text(encoding="utf-8").splitlines(), 1)
        if line.startswith(warning.focus.removeprefix(BASE + "venue/").split("#")[0] + ",")
    )
    assert warning.source == f"{source / 'lokalizacje.csv'}, row {venue_row}"


def published_bytes(out: Path) -> dict[str, bytes]:
    """Every file and link under the publication folder, as bytes (links as their targets)."""
    found = {}
    for path in sorted(out.rglob("*")):
        rel = str(path.relative_to(out))
        if path.is_symlink():
            found[rel] = b"-> " + str(path.readlink()).encode()
        elif path.is_file():
            found[rel] = path.read_bytes()
    return found


def test_violation_fails_the_build_and_leaves_the_publication(tmp_path):
    good = settings_for(tmp_path, make_source(tmp_path / "good"))
    assert build(good, today=date(2026, 3, 2)).report.conforms
    before = published_bytes(good.published)
    bad = good.replace(source=make_source(tmp_path / "bad", FREE_BUT_PAID))
    result = build(bad, today=date(2026, 3, 3))
    assert not result.report.conforms and result.published is None
    assert published_bytes(good.published) == before


def test_violation_on_a_first_build_publishes_nothing(tmp_path):
    bad = settings_for(tmp_path, make_source(tmp_path, FREE_BUT_PAID))
    assert build(bad, today=date(2026, 3, 3)).published is None
    assert not bad.published.exists() or not any(bad.published.rglob("*.ttl"))


def test_warnings_are_published_in_the_report(tmp_path):
    settings = settings_for(tmp_path, make_source(tmp_path))
    result = build(settings, today=date(2026, 3, 2))
    assert result.report.conforms and result.report.warnings
    published = Graph().parse(settings.published / "shacl-report.ttl")
    results = set(published.subjects(RDF.type, SH.ValidationResult))
    assert len(results) == len(result.report.warnings)
    assert (None, SH.conforms, Literal(True)) in published
    for warning in result.report.warnings:
        node = next(
            n
            for n in results
            if str(published.value(n, SH.focusNode)) == warning.focus
            and str(published.value(n, SH.sourceShape)) == warning.shape
        )
        assert published.value(node, SH.resultSeverity) == SH.Warning
        assert str(published.value(node, SH.resultPath)) == warning.path
        assert {m.language for m in published.objects(node, SH.resultMessage)} == {"pl", "en"}
    assert not any(isinstance(term, BNode) for triple in published for term in triple)
    # the clerk's folder is not published
    assert str(tmp_path) not in (settings.published / "shacl-report.ttl").read_text(encoding="utf-8")


def test_shapes_folder_without_shapes_is_an_error(tmp_path):
    from kfl_lod.errors import KflError

    empty = tmp_path / "shapes"
    empty.mkdir()
    with pytest.raises(KflError, match="no SHACL shapes"):
        load_shapes(empty, BASE)


# --- results name the clerk's column ------------------------------------------------------------------


def test_report_names_the_source_column(tmp_path):
    source = make_source(tmp_path, ("lokalizacje", 2, "godziny_otwarcia", "pon.-pt. 10-20"))
    make_source_change(source, FREE_BUT_PAID)
    result = validate_only(settings_for(tmp_path, source))
    found = {(r.focus.removeprefix(BASE), r.column, r.where) for r in result.report.violations}
    assert found == {
        ("venue/okp-siedziba", "godziny_otwarcia", f"{source / 'lokalizacje.csv'}, row 2, column godziny_otwarcia"),
        (
            "space/okp-sala-widowiskowa",
            "nieodplatnie, formy_udostepniania",
            f"{source / 'przestrzenie.csv'}, row 3, column nieodplatnie, formy_udostepniania",
        ),
    }
    warnings = {(r.shape.removeprefix(SHAPES_NS), r.column) for r in result.report.warnings}
    assert ("Venue-geo-missing", "szerokosc, dlugosc") in warnings and ("Address-street-missing", "ulica") in warnings


def make_source_change(source: Path, change) -> None:
    import csv

    table, row, column, value = change
    path = source / f"{table}.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[row - 1][rows[0].index(column)] = value
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


# Statements made by the mapping, not typed by the clerk: no column to name.
DERIVED = {
    "institution": {"rdf:type", "schema:parentOrganization", "schema:location", "schema:contactPoint"},
    "institution#contact": {"rdf:type", "schema:contactType"},
    "institution#general-contact": {"rdf:type"},
    "venue": {"rdf:type", "geo:hasGeometry"},
    "venue#address": {"rdf:type", "schema:addressCountry"},
    "venue#geo": {"rdf:type"},
    "venue#geometry": {"rdf:type"},
    "venue#step-free-access": {"rdf:type", "schema:name"},
    "venue#lift": {"rdf:type", "schema:name"},
    "venue#disabled-parking": {"rdf:type", "schema:name"},
    "venue#induction-loop": {"rdf:type", "schema:name"},
    "space": {"rdf:type"},
    "space#floor-size": {"rdf:type", "schema:unitCode", "schema:unitText"},
    "space#equipment": {"rdf:type", "schema:additionalType"},
    "practice": {"rdf:type"},
    "practice#organisation": set(),  # its type says whether the partner is an NGO (organizacja_pozarzadowa)
}


def test_every_statement_from_a_cell_can_name_its_column(valid):
    """The mapping notes the source column(s) of every statement it makes from a cell, and they are real columns."""
    from kfl_lod.mapping import map_records
    from kfl_lod.namespaces import compact, parse_iri, prefixes
    from kfl_lod.source import KINDS

    records, graph, _, _ = valid
    provenance = map_records(records, BASE).provenance
    short = prefixes(BASE, ("schema", "dct", "geo", "rdf"))
    for s, p in {(s, p) for s, p, _ in graph}:
        kind, _, part = parse_iri(str(s), BASE)
        if kind not in KINDS:
            continue
        node = f"{kind}#{'equipment' if part.startswith('equipment-') else part}" if part else kind
        name = compact(str(p), short)
        if name in DERIVED.get(node, set()):
            assert not provenance.column(str(s), str(p)), f"{node} {name} is derived, yet names a column"
            continue
        assert provenance.column(str(s), str(p)), f"no source column for {node} {name}: note it in the mapping"
        assert provenance.origin(str(s)) is not None, node
    headers = {c.header for t in KINDS.values() for c in t.columns}
    for columns in provenance.columns.values():  # and every column named is a real column
        assert set(columns) <= headers, columns
