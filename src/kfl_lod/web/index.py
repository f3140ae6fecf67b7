"""Read the published store into plain objects the pages render, once per release.

The pages ask the same pyoxigraph store the SPARQL endpoint answers from; this module
reads it with a few trusted queries; the web's Release object keeps the result for its
release, so a new release gives a new index and nothing is copied from elsewhere.
Sorting happens here in Python, never with ORDER BY over mixed literals.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ..namespaces import DCTERMS, RDF_TYPE, RDFS, SCHEMA, SKOS, XSD
from ..vocab import SCHEMES
from .i18n import pick
from .words import Lexicon, fold

XSD_BOOLEAN = XSD + "boolean"


def words(value: str) -> list[str]:
    """The folded words of a text.

    >>> words("  Sala, SPOTKAŃ! ")
    ['sala', 'spotkan']
    """
    return re.findall(r"\w+", fold(value))


class Node:
    """The values of one subject in the store: predicate IRI -> terms."""

    def __init__(self, iri: str) -> None:
        self.iri = iri
        self.values: dict[str, list[Any]] = defaultdict(list)

    def refs(self, predicate: str) -> list[str]:
        return sorted(t.value for t in self.values.get(predicate, ()) if isinstance(t, ox.NamedNode))

    def ref(self, predicate: str) -> str:
        found = self.refs(predicate)
        return found[0] if found else ""

    def texts(self, predicate: str) -> dict[str, str]:
        """Literal values by language tag ('' for none); one per language."""
        out: dict[str, str] = {}
        for term in sorted(self.values.get(predicate, ()), key=str):
            if isinstance(term, ox.Literal):
                out.setdefault(term.language or "", term.value)
        return out

    def text(self, predicate: str, lang: str = "pl") -> str:
        return pick(self.texts(predicate), lang)

    def boolean(self, predicate: str) -> bool | None:
        for term in self.values.get(predicate, ()):
            if isinstance(term, ox.Literal) and term.datatype.value == XSD_BOOLEAN:
                return term.value in ("true", "1")
        return None

    def integer(self, predicate: str) -> int | None:
        for term in self.values.get(predicate, ()):
            if isinstance(term, ox.Literal):
                try:
                    return int(term.value)
                except ValueError:
                    continue
        return None

    def number(self, predicate: str) -> float | None:
        for term in self.values.get(predicate, ()):
            if isinstance(term, ox.Literal):
                try:
                    return float(term.value)
                except ValueError:
                    continue
        return None

    def types(self) -> set[str]:
        return set(self.refs(RDF_TYPE))


@dataclass
class ConceptEntry:
    iri: str
    scheme: str  # scheme slug
    slug: str
    labels: dict[str, str]
    definitions: dict[str, str]

    def label(self, lang: str) -> str:
        return pick(self.labels, lang) or self.slug

    def definition(self, lang: str) -> str:
        return pick(self.definitions, lang)


@dataclass
class SchemeEntry:
    iri: str
    slug: str
    labels: dict[str, str]
    concepts: list[ConceptEntry] = field(default_factory=list)


@dataclass
class DistrictEntry:
    iri: str
    number: int
    labels: dict[str, str]


@dataclass
class ContactPoint:
    """One way to reach an institution: what for, e-mail, phone, and where and when a source stated it."""

    iri: str
    kind: str  # schema:contactType, e.g. "kontakt ogólny"
    name: str
    email: str
    phone: str
    source: str
    stated_on: str  # a year, year-month or date, as the source gives it


@dataclass
class Feature:
    """An accessibility fact of a venue as a source states it (schema:LocationFeatureSpecification)."""

    iri: str
    labels: dict[str, str]
    value: bool


@dataclass
class InstitutionEntry:
    iri: str
    id: str
    name: str
    short_name: str
    type: str  # concept IRI
    description: str
    website: str
    email: str
    phone: str
    contact_name: str
    contact_email: str
    contact_phone: str
    same_as: list[str]
    venues: list[VenueEntry] = field(default_factory=list)
    contacts: list[ContactPoint] = field(default_factory=list)

    @property
    def emails(self) -> list[str]:
        return [e for e in dict.fromkeys((self.contact_email, self.email)) if e]

    @property
    def phones(self) -> list[str]:
        return [p for p in dict.fromkeys((self.contact_phone, self.phone)) if p]


@dataclass
class VenueEntry:
    iri: str
    id: str
    name: str
    street: str
    postal_code: str
    locality: str
    district: DistrictEntry | None
    latitude: float | None
    longitude: float | None
    step_free: bool | None
    opening_hours: str
    institution: InstitutionEntry | None = None
    district_method: str = ""  # concept IRI: stated, or derived from coordinates (OpenStreetMap)
    near_border: bool = False
    features: list[Feature] = field(default_factory=list)
    accessibility_note: str = ""
    accessibility_source: str = ""
    accessibility_date: str = ""
    nearest_stop: str = ""
    spaces: list[SpaceEntry] = field(default_factory=list)

    @property
    def address(self) -> str:
        town = " ".join(p for p in (self.postal_code, self.locality) if p)
        return ", ".join(p for p in (self.street, town) if p)

    @property
    def on_map(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass
class SpaceEntry:
    iri: str
    id: str
    name: str
    description: str
    type: str  # concept IRI
    modes: list[str]  # concept IRIs
    equipment: list[str]  # concept IRIs
    capacity: int | None
    area: float | None
    free: bool | None
    conditions: str
    verified: str
    illustrative: bool
    sources: list[str]
    venue: VenueEntry
    institution: InstitutionEntry | None
    haystack: str = ""
    # The folded lemmas of the space's texts, by weight (name 4, type and equipment 3, places 2, descriptions 1).
    fields: list[tuple[int, frozenset[str]]] = field(default_factory=list)
    practices: list[PracticeEntry] = field(default_factory=list)


@dataclass
class PracticeEntry:
    iri: str
    id: str
    title: str
    description: str
    date: str
    url: str
    organisation: str
    illustrative: bool
    space: SpaceEntry | None
    institution: InstitutionEntry | None
    venue: VenueEntry | None = None
    stated_on: str = ""


@dataclass
class Index:
    """Everything the pages show, read from one release's store."""

    base: str
    nodes: dict[str, Node]
    schemes: dict[str, SchemeEntry]
    concepts: dict[str, ConceptEntry]
    districts: list[DistrictEntry]
    institutions: dict[str, InstitutionEntry]
    venues: dict[str, VenueEntry]
    spaces: dict[str, SpaceEntry]
    practices: dict[str, PracticeEntry]
    lexicon: Lexicon = field(default_factory=Lexicon)

    def concept(self, iri: str) -> ConceptEntry | None:
        return self.concepts.get(iri)

    def scheme_concepts(self, slug: str) -> list[ConceptEntry]:
        scheme = self.schemes.get(slug)
        return scheme.concepts if scheme else []

    def label(self, iri: str, lang: str) -> str:
        """The best human label of any IRI in the store ('' if it has none)."""
        node = self.nodes.get(iri)
        if node is None:
            return ""
        for predicate in (SKOS + "prefLabel", SCHEMA + "name", RDFS + "label", DCTERMS + "title"):
            found = node.text(predicate, lang)
            if found:
                return found
        return ""


# --- building ------------------------------------------------------------------------------


def _nodes(store: ox.Store) -> dict[str, Node]:
    nodes: dict[str, Node] = {}
    solutions = store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert isinstance(solutions, ox.QuerySolutions)  # a SELECT gives solutions
    for row in solutions:
        subject = row["s"]
        if not isinstance(subject, ox.NamedNode):
            continue  # we publish no blank nodes; ignore any a foreign file brought in
        node = nodes.get(subject.value)
        if node is None:
            node = nodes[subject.value] = Node(subject.value)
        node.values[row["p"].value].append(row["o"])
    return nodes


def _of_type(nodes: dict[str, Node], iri_type: str, prefix: str) -> list[Node]:
    return [
        n for iri, n in sorted(nodes.items()) if iri.startswith(prefix) and "#" not in iri and iri_type in n.types()
    ]


def build_index(store: ox.Store, base: str) -> Index:
    """Read one release's store into an :class:`Index`."""
    nodes = _nodes(store)
    kfl = base + "def/"
    empty = Node("")

    schemes: dict[str, SchemeEntry] = {}
    concepts: dict[str, ConceptEntry] = {}
    for node in _of_type(nodes, SKOS + "ConceptScheme", base + "vocab/"):
        slug = node.iri[len(base + "vocab/") :]
        schemes[slug] = SchemeEntry(node.iri, slug, node.texts(SKOS + "prefLabel"))
    for node in _of_type(nodes, SKOS + "Concept", base + "vocab/"):
        scheme_slug, _, slug = node.iri[len(base + "vocab/") :].partition("/")
        concept = ConceptEntry(
            node.iri, scheme_slug, slug, node.texts(SKOS + "prefLabel"), node.texts(SKOS + "definition")
        )
        concepts[node.iri] = concept
        if scheme_slug in schemes:
            schemes[scheme_slug].concepts.append(concept)
    for scheme in schemes.values():
        # The order of vocab.py (e.g. free use before paid rental); unknown concepts last.
        order = SCHEMES[scheme.slug].slugs() if scheme.slug in SCHEMES else []
        scheme.concepts.sort(
            key=lambda c: (order.index(c.slug) if c.slug in order else len(order), fold(c.label("pl")))
        )

    # Concept IRIs in scheme order, so lists of modes or equipment read as in the vocabulary.
    rank = {c.iri: n for scheme in schemes.values() for n, c in enumerate(scheme.concepts)}

    districts: list[DistrictEntry] = []
    for node in _of_type(nodes, SCHEMA + "AdministrativeArea", base + "district/"):
        tail = node.iri[len(base + "district/") :]
        if tail.isdigit():
            districts.append(DistrictEntry(node.iri, int(tail), node.texts(SCHEMA + "name")))
    districts.sort(key=lambda d: d.number)
    district_by_iri = {d.iri: d for d in districts}

    institutions: dict[str, InstitutionEntry] = {}
    for node in _of_type(nodes, SCHEMA + "Organization", base + "institution/"):
        contact = nodes.get(node.ref(SCHEMA + "contactPoint")) or empty
        institutions[node.iri] = InstitutionEntry(
            iri=node.iri,
            id=node.text(SCHEMA + "identifier") or node.iri.rsplit("/", 1)[-1],
            name=node.text(SCHEMA + "name"),
            short_name=node.text(SCHEMA + "alternateName"),
            type=node.ref(SCHEMA + "additionalType"),
            description=node.text(SCHEMA + "description"),
            website=node.ref(SCHEMA + "url"),
            email=node.text(SCHEMA + "email"),
            phone=node.text(SCHEMA + "telephone"),
            contact_name=contact.text(SCHEMA + "name"),
            contact_email=contact.text(SCHEMA + "email"),
            contact_phone=contact.text(SCHEMA + "telephone"),
            same_as=node.refs(SCHEMA + "sameAs"),
        )
        for iri in node.refs(SCHEMA + "contactPoint"):
            point = nodes.get(iri)
            if point is not None:
                institutions[node.iri].contacts.append(
                    ContactPoint(
                        iri=iri,
                        kind=point.text(SCHEMA + "contactType"),
                        name=point.text(SCHEMA + "name"),
                        email=point.text(SCHEMA + "email"),
                        phone=point.text(SCHEMA + "telephone"),
                        source=point.ref(DCTERMS + "source"),
                        stated_on=point.text(kfl + "statedOn"),
                    )
                )

    venues: dict[str, VenueEntry] = {}
    for node in _of_type(nodes, kfl + "Venue", base + "venue/"):
        address = nodes.get(node.ref(SCHEMA + "address")) or empty
        geo = nodes.get(node.ref(SCHEMA + "geo")) or empty
        district = next(
            (district_by_iri[i] for i in node.refs(SCHEMA + "containedInPlace") if i in district_by_iri), None
        )
        venues[node.iri] = VenueEntry(
            iri=node.iri,
            id=node.text(SCHEMA + "identifier") or node.iri.rsplit("/", 1)[-1],
            name=node.text(SCHEMA + "name"),
            street=address.text(SCHEMA + "streetAddress"),
            postal_code=address.text(SCHEMA + "postalCode"),
            locality=address.text(SCHEMA + "addressLocality"),
            district=district,
            latitude=geo.number(SCHEMA + "latitude"),
            longitude=geo.number(SCHEMA + "longitude"),
            step_free=node.boolean(kfl + "stepFreeAccess"),
            opening_hours=node.text(SCHEMA + "openingHours"),
            district_method=node.ref(kfl + "districtMethod") if district else "",
            near_border=bool(node.boolean(kfl + "nearDistrictBorder")),
            accessibility_note=node.text(kfl + "accessibilityNote"),
            accessibility_source=node.ref(kfl + "accessibilitySource"),
            accessibility_date=node.text(kfl + "accessibilityStatedOn"),
            nearest_stop=node.text(kfl + "nearestStop"),
        )
        for iri in node.refs(SCHEMA + "amenityFeature"):
            feature = nodes.get(iri)
            value = feature.boolean(SCHEMA + "value") if feature else None
            if feature is not None and value is not None:
                venues[node.iri].features.append(Feature(iri, feature.texts(SCHEMA + "name"), value))
    for institution in institutions.values():
        for venue_iri in nodes[institution.iri].refs(SCHEMA + "location"):
            venue = venues.get(venue_iri)
            if venue is not None:
                venue.institution = institution
                institution.venues.append(venue)
        institution.venues.sort(key=lambda v: fold(v.name))

    spaces: dict[str, SpaceEntry] = {}
    lexicon = Lexicon()
    for node in _of_type(nodes, kfl + "Space", base + "space/"):
        venue = venues.get(node.ref(SCHEMA + "containedInPlace"))
        if venue is None:
            continue  # SHACL guarantees a venue; a space without one cannot be shown
        size = nodes.get(node.ref(SCHEMA + "floorSize")) or empty
        space = SpaceEntry(
            iri=node.iri,
            id=node.text(SCHEMA + "identifier") or node.iri.rsplit("/", 1)[-1],
            name=node.text(SCHEMA + "name"),
            description=node.text(SCHEMA + "description"),
            type=node.ref(kfl + "spaceType"),
            modes=sorted(node.refs(kfl + "sharingMode"), key=lambda i: (rank.get(i, len(rank)), i)),
            equipment=sorted(node.refs(kfl + "equipment"), key=lambda i: (rank.get(i, len(rank)), i)),
            capacity=node.integer(SCHEMA + "maximumAttendeeCapacity"),
            area=size.number(SCHEMA + "value"),
            free=node.boolean(SCHEMA + "isAccessibleForFree"),
            conditions=node.text(kfl + "conditions"),
            verified=node.text(kfl + "lastVerified"),
            illustrative=bool(node.boolean(kfl + "illustrative")),
            sources=node.refs(DCTERMS + "source"),
            venue=venue,
            institution=venue.institution,
        )
        space.haystack = _haystack(space, concepts)
        space.fields = _fields(space, concepts, lexicon)
        spaces[node.iri] = space
        venue.spaces.append(space)
    for venue in venues.values():
        venue.spaces.sort(key=lambda s: fold(s.name))

    practices: dict[str, PracticeEntry] = {}
    for node in _of_type(nodes, SCHEMA + "Event", base + "practice/"):
        at_space = spaces.get(node.ref(SCHEMA + "location"))
        place = at_space.venue if at_space else venues.get(node.ref(SCHEMA + "location"))
        organisers = node.refs(SCHEMA + "organizer")
        organisation = next((nodes[o] for o in organisers if o.startswith(node.iri + "#") and o in nodes), empty)
        practice = PracticeEntry(
            iri=node.iri,
            id=node.text(SCHEMA + "identifier") or node.iri.rsplit("/", 1)[-1],
            title=node.text(SCHEMA + "name"),
            description=node.text(SCHEMA + "description"),
            date=node.text(SCHEMA + "startDate"),
            url=node.ref(SCHEMA + "url"),
            organisation=organisation.text(SCHEMA + "name"),
            illustrative=bool(node.boolean(kfl + "illustrative")),
            space=at_space,
            institution=next((institutions[o] for o in organisers if o in institutions), None),
            venue=place,
            stated_on=node.text(kfl + "statedOn"),
        )
        practices[node.iri] = practice
        if at_space is not None:
            at_space.practices.append(practice)

    return Index(base, nodes, schemes, concepts, districts, institutions, venues, spaces, practices, lexicon)


def _haystack(space: SpaceEntry, concepts: dict[str, ConceptEntry]) -> str:
    venue, institution = space.venue, space.institution
    parts = [space.name, space.description, space.conditions, venue.name, venue.address]
    if venue.district:
        parts += venue.district.labels.values()
    if institution:
        parts += [institution.name, institution.short_name]
    for iri in [space.type, *space.modes]:
        if iri in concepts:
            parts += concepts[iri].labels.values()
    return fold(" \n ".join(p for p in parts if p))


def _fields(space: SpaceEntry, concepts: dict[str, ConceptEntry], lexicon: Lexicon) -> list[tuple[int, frozenset[str]]]:
    """The space's searchable texts as folded lemmas, weighted by where they stand."""
    venue, institution = space.venue, space.institution

    def labels(iris: list[str]) -> list[str]:
        return [label for iri in iris if iri in concepts for label in concepts[iri].labels.values()]

    groups = {
        4: [space.name],
        3: labels([space.type, *space.equipment, *space.modes]),
        2: [
            venue.name,
            venue.street,
            *(venue.district.labels.values() if venue.district else ()),
            *((institution.name, institution.short_name) if institution else ()),
        ],
        1: [space.description, space.conditions, venue.locality],
    }
    return [(weight, frozenset(lexicon.add(" ".join(p for p in texts if p)))) for weight, texts in groups.items()]
