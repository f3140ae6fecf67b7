"""What the pages and the search show of one release, as plain objects; prepared once, at build time.

The pages ask the same pyoxigraph store the SPARQL endpoint answers from. Reading every
triple of a large release into Python objects takes minutes and most of a web process's
memory, so the build does it once (:func:`prepare`) and writes the result beside the
release as one compact JSON file (:data:`FILE`): institutions, venues, spaces and
practices, the vocabularies, the search's lemmas. Each web process reads that file on
first use (:func:`open_index`), and reads any other fact of a thing (a page's table of
every statement) from the store itself, subject by subject (:class:`Nodes`). A release
without the file (an old one, or one being prepared) is read from its store as before,
into the same objects: both ways give the same index (tests/test_pages_index.py).

Both sides use this module: the build writes the file, the web reads it; neither reaches
into the other. Sorting happens here in Python, never with ORDER BY over mixed literals.
"""

from __future__ import annotations

import gc
import json
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .names import NTRIPLES, STORE_FILES
from .namespaces import DCTERMS, RDF_TYPE, RDFS, SCHEMA, SKOS, XSD
from .vocab import SCHEMES
from .words import Lexicon, fold

XSD_BOOLEAN = XSD + "boolean"
# In the release folder, beside .store; in a hidden folder, so it is no file of the release (not
# in SHA256SUMS, not served, not compared between releases).
FILE = ".index/pages.json"
COUNTS = ".index/triples.json"  # the statements in each file the store loads: {name: [bytes, lines]}
FORMAT = 1  # raised whenever the file's layout changes; another number is read from the store instead


def pick(values: dict[str, str], lang: str) -> str:
    """The value in ``lang``, else Polish, else English, else any; '' when there is none.

    >>> pick({"pl": "sala", "en": "room"}, "en"), pick({"pl": "sala"}, "en"), pick({}, "pl")
    ('room', 'sala', '')
    """
    for key in (lang, "pl", "en", ""):
        if values.get(key):
            return values[key]
    return next(iter(values.values()), "")


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


class Nodes:
    """Every subject of a release's store as a :class:`Node`, read from the store when asked for.

    The store is the one the SPARQL endpoint queries (the default graph: the data, its
    catalog and VoID). ``fragments`` maps a thing's IRI to the ``#fragment`` IRIs described
    under it, which a store cannot list by prefix.
    """

    CACHE = 4096  # nodes kept (a page reads its thing, its parts and the labels of what it links to)

    def __init__(self, store: ox.Store, fragments: dict[str, list[str]]) -> None:
        self.store = store
        self.fragment_map = fragments
        self._cache: dict[str, Node | None] = {}
        # Things the index holds an entry for: described, without asking the store (a page links to many).
        self.known: tuple[dict[str, Any], ...] = ()

    def get(self, iri: str, default: Node | None = None) -> Node | None:
        try:
            found = self._cache[iri]
        except KeyError:
            found = self._read(iri)
            if len(self._cache) >= self.CACHE:
                self._cache.clear()  # simpler than LRU, and a page needs far fewer
            self._cache[iri] = found
        return default if found is None else found

    def _read(self, iri: str) -> Node | None:
        try:
            subject = ox.NamedNode(iri)
        except ValueError:
            return None
        node = None
        for quad in self.store.quads_for_pattern(subject, None, None, ox.DefaultGraph()):
            if node is None:
                node = Node(iri)
            node.values[quad.predicate.value].append(quad.object)
        return node

    def __contains__(self, iri: object) -> bool:
        if not isinstance(iri, str):
            return False
        if any(iri in entries for entries in self.known):
            return True
        found = self._cache.get(iri, False)
        if found is not False:
            return found is not None
        try:
            subject = ox.NamedNode(iri)
        except ValueError:
            return False
        return next(iter(self.store.quads_for_pattern(subject, None, None, ox.DefaultGraph())), None) is not None

    def __getitem__(self, iri: str) -> Node:
        node = self.get(iri)
        if node is None:
            raise KeyError(iri)
        return node

    def fragments(self, iri: str) -> list[str]:
        """The ``#fragment`` IRIs described under ``iri``, sorted."""
        return self.fragment_map.get(iri, [])

    def __iter__(self) -> Iterator[str]:
        """Every subject IRI (reads the whole store: for tests and tools, not for pages)."""
        seen: set[str] = set()
        for quad in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
            if isinstance(quad.subject, ox.NamedNode) and quad.subject.value not in seen:
                seen.add(quad.subject.value)
                yield quad.subject.value

    def values(self) -> Iterator[Node]:
        for iri in self:
            yield self[iri]


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
    nodes: Nodes
    schemes: dict[str, SchemeEntry]
    concepts: dict[str, ConceptEntry]
    districts: list[DistrictEntry]
    institutions: dict[str, InstitutionEntry]
    venues: dict[str, VenueEntry]
    spaces: dict[str, SpaceEntry]
    practices: dict[str, PracticeEntry]
    lexicon: Lexicon = field(default_factory=Lexicon)

    def __post_init__(self) -> None:
        self.nodes.known = (self.spaces, self.venues, self.institutions, self.practices, self.concepts)

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


def _nodes(triples: Iterable[ox.Triple | ox.Quad]) -> dict[str, Node]:
    nodes: dict[str, Node] = {}
    for triple in triples:
        subject = triple.subject
        if not isinstance(subject, ox.NamedNode):
            continue  # we publish no blank nodes; ignore any a foreign file brought in
        node = nodes.get(subject.value)
        if node is None:
            node = nodes[subject.value] = Node(subject.value)
        node.values[triple.predicate.value].append(triple.object)
    return nodes


def _fragments(subjects: Iterable[str]) -> dict[str, list[str]]:
    """Each thing's ``#fragment`` subjects, sorted."""
    found: dict[str, list[str]] = {}
    for iri in subjects:
        thing, hash_, _ = iri.partition("#")
        if hash_:
            found.setdefault(thing, []).append(iri)
    for parts in found.values():
        parts.sort()
    return found


def _typed(nodes: dict[str, Node]) -> list[tuple[str, Node, set[str]]]:
    """The things (no ``#fragment``) in IRI order, each with its types, worked out once."""
    return [(iri, n, n.types()) for iri, n in sorted(nodes.items()) if "#" not in iri]


def _of_type(typed: list[tuple[str, Node, set[str]]], iri_type: str, prefix: str) -> list[Node]:
    return [n for iri, n, types in typed if iri_type in types and iri.startswith(prefix)]


def build_index(store: ox.Store, base: str) -> Index:
    """Read one release's store into an :class:`Index` (what :func:`open_index` does without a prepared file)."""
    with _collector_paused():
        nodes = _nodes(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        index = _build(nodes, base)
    index.nodes = Nodes(store, _fragments(nodes))
    index.__post_init__()
    return index


def _build(nodes: dict[str, Node], base: str) -> Index:
    """The entries of the things in ``nodes`` (``nodes`` of the result is left to the caller)."""
    typed = _typed(nodes)
    kfl = base + "def/"
    empty = Node("")

    schemes: dict[str, SchemeEntry] = {}
    concepts: dict[str, ConceptEntry] = {}
    for node in _of_type(typed, SKOS + "ConceptScheme", base + "vocab/"):
        slug = node.iri[len(base + "vocab/") :]
        schemes[slug] = SchemeEntry(node.iri, slug, node.texts(SKOS + "prefLabel"))
    for node in _of_type(typed, SKOS + "Concept", base + "vocab/"):
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
    for node in _of_type(typed, SCHEMA + "AdministrativeArea", base + "district/"):
        tail = node.iri[len(base + "district/") :]
        if tail.isdigit():
            districts.append(DistrictEntry(node.iri, int(tail), node.texts(SCHEMA + "name")))
    districts.sort(key=lambda d: d.number)
    district_by_iri = {d.iri: d for d in districts}

    institutions: dict[str, InstitutionEntry] = {}
    for node in _of_type(typed, SCHEMA + "Organization", base + "institution/"):
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
    for node in _of_type(typed, kfl + "Venue", base + "venue/"):
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
    for node in _of_type(typed, kfl + "Space", base + "space/"):
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
        space.fields = _fields(space, concepts, lexicon)
        spaces[node.iri] = space
        venue.spaces.append(space)
    for venue in venues.values():
        venue.spaces.sort(key=lambda s: fold(s.name))

    practices: dict[str, PracticeEntry] = {}
    for node in _of_type(typed, SCHEMA + "Event", base + "practice/"):
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

    return Index(
        base, Nodes(ox.Store(), {}), schemes, concepts, districts, institutions, venues, spaces, practices, lexicon
    )


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


# --- the prepared file ---------------------------------------------------------------------
#
# One JSON object: every entry as a list of its values in a fixed order, links between entries
# as positions in the lists (-1 for none), and the search's lemmas as numbers into one table.
# JSON, not pickle: the file is read by the server, and reading it must not run code.


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while an index's many objects are made (it rescanned them all, over and over)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _ref(positions: dict[str, int], entry: Any) -> int:
    return -1 if entry is None else positions[entry.iri]


def dump(index: Index, fragments: dict[str, list[str]]) -> bytes:
    """The index as the bytes of :data:`FILE` (``fragments``: the ``#fragment`` subjects of each thing)."""
    districts = {d.iri: n for n, d in enumerate(index.districts)}
    institutions = {iri: n for n, iri in enumerate(index.institutions)}
    venues = {iri: n for n, iri in enumerate(index.venues)}
    spaces = {iri: n for n, iri in enumerate(index.spaces)}
    lemmas = sorted(index.lexicon.lemmas | {lemma for s in index.spaces.values() for _, f in s.fields for lemma in f})
    number = {lemma: n for n, lemma in enumerate(lemmas)}
    sets: dict[tuple[int, ...], int] = {}  # each set of lemmas once: spaces and word forms share them

    def lemma_set(found: frozenset[str] | set[str]) -> int:
        return sets.setdefault(tuple(sorted(number[x] for x in found)), len(sets))

    document = {
        "format": FORMAT,
        "base": index.base,
        "schemes": [[s.iri, s.slug, s.labels, [c.iri for c in s.concepts]] for s in index.schemes.values()],
        "concepts": [[c.iri, c.scheme, c.slug, c.labels, c.definitions] for c in index.concepts.values()],
        "districts": [[d.iri, d.number, d.labels] for d in index.districts],
        "institutions": [
            [
                i.iri,
                i.id,
                i.name,
                i.short_name,
                i.type,
                i.description,
                i.website,
                i.email,
                i.phone,
                i.contact_name,
                i.contact_email,
                i.contact_phone,
                i.same_as,
                [[c.iri, c.kind, c.name, c.email, c.phone, c.source, c.stated_on] for c in i.contacts],
                [venues[v.iri] for v in i.venues],
            ]
            for i in index.institutions.values()
        ],  # fmt: skip
        "venues": [
            [
                v.iri,
                v.id,
                v.name,
                v.street,
                v.postal_code,
                v.locality,
                _ref(districts, v.district),
                v.latitude,
                v.longitude,
                v.step_free,
                v.opening_hours,
                _ref(institutions, v.institution),
                v.district_method,
                v.near_border,
                [[f.iri, f.labels, f.value] for f in v.features],
                v.accessibility_note,
                v.accessibility_source,
                v.accessibility_date,
                v.nearest_stop,
                [spaces[s.iri] for s in v.spaces],
            ]
            for v in index.venues.values()
        ],  # fmt: skip
        "spaces": [
            [
                s.iri,
                s.id,
                s.name,
                s.description,
                s.type,
                s.modes,
                s.equipment,
                s.capacity,
                s.area,
                s.free,
                s.conditions,
                s.verified,
                s.illustrative,
                s.sources,
                venues[s.venue.iri],
                _ref(institutions, s.institution),
                [[w, lemma_set(f)] for w, f in s.fields],
            ]
            for s in index.spaces.values()
        ],  # fmt: skip
        "practices": [
            [
                p.iri,
                p.id,
                p.title,
                p.description,
                p.date,
                p.url,
                p.organisation,
                p.illustrative,
                _ref(spaces, p.space),
                _ref(institutions, p.institution),
                _ref(venues, p.venue),
                p.stated_on,
            ]
            for p in index.practices.values()
        ],  # fmt: skip
        "lexicon": sorted(number[x] for x in index.lexicon.lemmas),
        "forms": {form: lemma_set(found) for form, found in index.lexicon.forms.items()},
        "lemmas": lemmas,
        "sets": list(sets),
        "fragments": dict(sorted(fragments.items())),
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def load(data: bytes, store: ox.Store, more_fragments: dict[str, list[str]] | None = None) -> Index:
    """The index written by :func:`dump`, its nodes read from ``store``."""
    with _collector_paused():
        return _load(data, store, more_fragments)


def _load(data: bytes, store: ox.Store, more_fragments: dict[str, list[str]] | None) -> Index:
    document = json.loads(data)
    if document.get("format") != FORMAT:
        raise ValueError(f"index format {document.get('format')!r}, expected {FORMAT}")
    base = document["base"]
    concepts = {row[0]: ConceptEntry(*row) for row in document["concepts"]}
    schemes: dict[str, SchemeEntry] = {}
    for iri, slug, labels, members in document["schemes"]:
        schemes[slug] = SchemeEntry(iri, slug, labels, [concepts[c] for c in members])
    districts = [DistrictEntry(*row) for row in document["districts"]]

    institution_list: list[InstitutionEntry] = []
    venue_lists: list[list[int]] = []
    for row in document["institutions"]:
        entry = InstitutionEntry(*row[:13])
        entry.contacts = [ContactPoint(*c) for c in row[13]]
        institution_list.append(entry)
        venue_lists.append(row[14])
    venue_list: list[VenueEntry] = []
    space_lists: list[list[int]] = []
    for row in document["venues"]:
        (iri, id_, name, street, postal, locality, district, lat, lon, step_free, hours, institution, method) = row[:13]
        near, features, note, source, stated, stop, members = row[13:]
        venue_list.append(
            VenueEntry(
                iri, id_, name, street, postal, locality, districts[district] if district >= 0 else None, lat, lon,
                step_free, hours, institution_list[institution] if institution >= 0 else None, method, near,
                [Feature(*f) for f in features], note, source, stated, stop,
            )
        )  # fmt: skip
        space_lists.append(members)
    for institution, members in zip(institution_list, venue_lists, strict=True):
        institution.venues = [venue_list[n] for n in members]

    lemmas = document["lemmas"]
    sets = [frozenset([lemmas[n] for n in numbers]) for numbers in document["sets"]]

    space_list: list[SpaceEntry] = []
    for row in document["spaces"]:
        venue = venue_list[row[14]]
        # The index file stores the entry's leading fields in declaration order (see dump()).
        space = SpaceEntry(*row[:14], venue, institution_list[row[15]] if row[15] >= 0 else None)  # type: ignore[call-arg]
        space.fields = [(weight, sets[n]) for weight, n in row[16]]
        space_list.append(space)
    for venue, members in zip(venue_list, space_lists, strict=True):
        venue.spaces = [space_list[n] for n in members]

    practices: dict[str, PracticeEntry] = {}
    for row in document["practices"]:
        held_in = space_list[row[8]] if row[8] >= 0 else None
        practice = PracticeEntry(  # type: ignore[call-arg]
            *row[:8],
            held_in,
            institution_list[row[9]] if row[9] >= 0 else None,
            venue_list[row[10]] if row[10] >= 0 else None,
            row[11],
        )
        practices[practice.iri] = practice
        if held_in is not None:
            held_in.practices.append(practice)

    lexicon = Lexicon()
    lexicon.lemmas = {lemmas[n] for n in document["lexicon"]}
    lexicon.forms = {form: set(sets[n]) for form, n in document["forms"].items()}
    fragments: dict[str, list[str]] = document["fragments"]
    for thing, parts in (more_fragments or {}).items():
        fragments[thing] = sorted(set(fragments.get(thing, ())) | set(parts))
    return Index(
        base,
        Nodes(store, fragments),
        schemes,
        concepts,
        districts,
        {i.iri: i for i in institution_list},
        {v.iri: v for v in venue_list},
        {s.iri: s for s in space_list},
        practices,
        lexicon,
    )


def prepare(folder: Path, base: str) -> Path:
    """Write the index of the release in ``folder`` (read from its N-Triples) as :data:`FILE`; return its path.

    Written aside and renamed into place, so a reader finds the whole file or none.
    """
    folder = Path(folder)
    target = folder / FILE
    if target.exists():
        return target  # a release's data never changes, so neither does its index
    with _collector_paused():
        nodes = _nodes(ox.parse(path=str(folder / NTRIPLES), format=ox.RdfFormat.N_TRIPLES))
        data = dump(_build(nodes, base), _fragments(nodes))
        del nodes
    target.parent.mkdir(exist_ok=True)
    counts = {name: [(folder / name).stat().st_size, _lines(folder / name)] for name in _store_files(folder)}
    _write_aside(folder / COUNTS, json.dumps(counts, sort_keys=True).encode())
    _write_aside(target, data)
    return target


def _write_aside(target: Path, data: bytes) -> None:
    aside = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    with open(aside, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(aside, target)


def _store_files(folder: Path) -> list[str]:
    return [name for name in STORE_FILES if (folder / name).exists()]


def _lines(path: Path) -> int:
    count = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 24):
            count += chunk.count(b"\n")
    return count


def triple_count(folder: Path) -> int | None:
    """How many statements the release's store holds (its default graph), without reading the store.

    The files the store loads are N-Triples, one statement a line, no statement in two of
    them; the build wrote each file's count beside it (:data:`COUNTS`), and a file of another
    size is counted here. None if the release has none of those files.
    """
    folder = Path(folder)
    names = _store_files(folder)
    if not names:
        return None
    try:
        known = json.loads((folder / COUNTS).read_bytes())
    except (OSError, ValueError):
        known = {}
    total = 0
    for name in names:
        size = (folder / name).stat().st_size
        entry = known.get(name) if isinstance(known, dict) else None
        if isinstance(entry, list) and len(entry) == 2 and entry[0] == size and isinstance(entry[1], int):
            total += entry[1]
        else:
            total += _lines(folder / name)
    return total


def open_index(folder: Path, store: ox.Store, base: str) -> Index:
    """The index of the release in ``folder``: from its prepared file if there is a usable one, else from ``store``."""
    path = Path(folder) / FILE
    try:
        data = path.read_bytes()
    except OSError:
        return build_index(store, base)
    # The data the file was not made from (the catalog and VoID beside kfl.nt) may have #fragments too.
    more: dict[str, list[str]] = {}
    for name in STORE_FILES:
        if name != NTRIPLES and (Path(folder) / name).exists():
            nodes = _nodes(ox.parse(path=str(Path(folder) / name), format=ox.RdfFormat.N_TRIPLES))
            for thing, parts in _fragments(nodes).items():
                more.setdefault(thing, []).extend(parts)
    try:
        index = load(data, store, more)
    except (ValueError, KeyError, IndexError, TypeError):
        return build_index(store, base)  # another format, or damaged: the store still says everything
    if index.base != base:
        return build_index(store, base)
    return index
