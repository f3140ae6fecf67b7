"""Read the published store into plain objects the pages render, once per release.

The pages ask the same pyoxigraph store the SPARQL endpoint answers from; this module
reads it with a few trusted queries; the web's Release object keeps the result for its
release, so a new release gives a new index and nothing is copied from elsewhere.
Sorting happens here in Python, never with ORDER BY over mixed literals.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ..namespaces import DCTERMS, RDF_TYPE, RDFS, SCHEMA, SKOS, XSD
from ..vocab import SCHEMES
from .i18n import pick

XSD_BOOLEAN = XSD + "boolean"

_FOLD_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ß": "ss"})


def fold(value: str) -> str:
    """Lower-case ``value`` and drop diacritics, so 'Łódź' matches 'lodz'.

    >>> fold("Łódź ŻÓŁĆ Sala")
    'lodz zolc sala'
    """
    decomposed = unicodedata.normalize("NFKD", value.translate(_FOLD_EXTRA))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(value: str) -> list[str]:
    """The folded words of a search text.

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
        )
    for institution in institutions.values():
        for venue_iri in nodes[institution.iri].refs(SCHEMA + "location"):
            venue = venues.get(venue_iri)
            if venue is not None:
                venue.institution = institution
                institution.venues.append(venue)
        institution.venues.sort(key=lambda v: fold(v.name))

    spaces: dict[str, SpaceEntry] = {}
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
        spaces[node.iri] = space
        venue.spaces.append(space)
    for venue in venues.values():
        venue.spaces.sort(key=lambda s: fold(s.name))

    practices: dict[str, PracticeEntry] = {}
    for node in _of_type(nodes, SCHEMA + "Event", base + "practice/"):
        at_space = spaces.get(node.ref(SCHEMA + "location"))
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
        )
        practices[node.iri] = practice
        if at_space is not None:
            at_space.practices.append(practice)

    return Index(base, nodes, schemes, concepts, districts, institutions, venues, spaces, practices)


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
