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
import logging
import mmap
import os
import re
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyoxigraph as ox

from .names import NTRIPLES, STORE_FILES
from .namespaces import DCTERMS, RDF_TYPE, RDFS, SCHEMA, SKOS, XSD
from .otherprocess import OtherProcess
from .pages_columns import Columns
from .pages_columns import from_spaces as columns_of
from .pages_columns import load as load_columns
from .pages_columns import save as save_columns
from .vocab import SCHEMES
from .words import Lexicon, fold

XSD_BOOLEAN = XSD + "boolean"
# In the release folder, beside .store; in a hidden folder, so it is no file of the release (not
# in SHA256SUMS, not served, not compared between releases).
FILE = ".index/pages.json"
COUNTS = ".index/triples.json"  # the statements in each file the store loads: {name: [bytes, lines]}
FORMAT = 3  # raised whenever the files' layout changes; another number is read from the store instead


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
        terms = self.values.get(predicate)
        if not terms:
            return []
        if len(terms) == 1:  # most values are single: no sorting
            return [terms[0].value] if isinstance(terms[0], ox.NamedNode) else []
        return sorted(t.value for t in terms if isinstance(t, ox.NamedNode))

    def ref(self, predicate: str) -> str:
        found = self.refs(predicate)
        return found[0] if found else ""

    def texts(self, predicate: str) -> dict[str, str]:
        """Literal values by language tag ('' for none); one per language."""
        terms = self.values.get(predicate)
        if not terms:
            return {}
        if len(terms) == 1:  # most values are single: no sorting
            term = terms[0]
            return {term.language or "": term.value} if isinstance(term, ox.Literal) else {}
        out: dict[str, str] = {}
        for term in sorted(terms, key=str):
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
        self.known: tuple[Mapping[str, Any], ...] = ()

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
    # Mappings in index order: dicts when read from the store, entries made on demand when read from the files.
    institutions: Mapping[str, InstitutionEntry]
    venues: Mapping[str, VenueEntry]
    spaces: Mapping[str, SpaceEntry]
    practices: Mapping[str, PracticeEntry]
    lexicon: Lexicon = field(default_factory=Lexicon)
    _columns: Columns | None = None
    _space_at: Callable[[int], SpaceEntry] | None = None
    _venue_districts: list[int] | None = None  # per venue (index order): its district's position, or -1

    def __post_init__(self) -> None:
        self.nodes.known = (self.spaces, self.venues, self.institutions, self.practices, self.concepts)
        self._space_list: list[SpaceEntry] | None = None

    @property
    def columns(self) -> Columns:
        """The search's columns over every space (made from the entries if the index was not given them)."""
        if self._columns is None:
            self._columns = columns_of(self._spaces())
        return self._columns

    def _spaces(self) -> list[SpaceEntry]:
        if self._space_list is None:
            self._space_list = list(self.spaces.values())
        return self._space_list

    def space_at(self, position: int) -> SpaceEntry:
        """The space at ``position`` in :attr:`spaces` (the positions of :attr:`columns`)."""
        if self._space_at is not None:
            return self._space_at(position)
        return self._spaces()[position]

    def district_venues(self, district_iri: str) -> list[VenueEntry]:
        """The venues in a district, in index order (read from the files: only those venues are made)."""
        if self._venue_districts is not None and isinstance(self.venues, _Entries):
            wanted = next((n for n, d in enumerate(self.districts) if d.iri == district_iri), -2)
            return [self.venues.at(n) for n, d in enumerate(self._venue_districts) if d == wanted]
        return [v for v in self.venues.values() if v.district and v.district.iri == district_iri]

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
    named = ox.NamedNode
    last = ""
    values: dict[str, list[Any]] = defaultdict(list)
    for triple in triples:
        subject = triple.subject
        if not isinstance(subject, named):
            continue  # we publish no blank nodes; ignore any a foreign file brought in
        iri = subject.value
        if iri != last:  # a subject's statements mostly come together: look it up once for them
            node = nodes.get(iri)
            if node is None:
                node = nodes[iri] = Node(iri)
            values, last = node.values, iri
        values[triple.predicate.value].append(triple.object)
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
    lexicon.forget_texts()
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


# --- the prepared files --------------------------------------------------------------------
#
# A folder of files (.index/), so that a web process reads at start only what every page needs
# and the rest when a page asks for it (a 100,000-space release: 0.2 s instead of 4 s, and a
# fraction of the memory):
#
# - pages.json (FILE, written last: its presence means the others are complete): the format,
#   the base, schemes, concepts, districts, and the IRIs of institutions, venues, spaces and
#   practices in index order (their positions are the links between entries);
# - rows.jsonl: one JSON list per entry (institutions, venues, spaces, practices, in that order),
#   read one at a time when a page needs that entry (and the entries linked with it);
# - columns.npz: the search's columns and the rows' byte offsets (pages_columns);
# - lexicon.json: the lemmas and word forms (read on the first text search or space shown);
# - fragments.tsv: each thing's #fragment subjects, one sorted line per thing, found by bisection.
# JSON and NumPy arrays, not pickles: the files are read by the server, and reading must not run code.

ROWS, COLUMNS, LEXICON, FRAGMENTS = (
    ".index/rows.jsonl",
    ".index/columns.npz",
    ".index/lexicon.json",
    ".index/fragments.tsv",
)
KINDS = ("institutions", "venues", "spaces", "practices")
_log = logging.getLogger(__name__)


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


def dump(index: Index, fragments: Mapping[str, list[str]]) -> dict[str, bytes]:
    """The index as the bytes of each of its files (``fragments``: the ``#fragment`` subjects of each thing)."""
    districts = {d.iri: n for n, d in enumerate(index.districts)}
    institutions = {iri: n for n, iri in enumerate(index.institutions)}
    venues = {iri: n for n, iri in enumerate(index.venues)}
    spaces = {iri: n for n, iri in enumerate(index.spaces)}
    practices = {iri: n for n, iri in enumerate(index.practices)}
    space_list = list(index.spaces.values())
    lemmas = sorted(index.lexicon.lemmas | {lemma for s in space_list for _, f in s.fields for lemma in f})
    number = {lemma: n for n, lemma in enumerate(lemmas)}

    def ids(found: frozenset[str] | set[str]) -> list[int]:
        return sorted(number[x] for x in found)

    rows: list[list[Any]] = []
    for i in index.institutions.values():
        rows.append(
            [
                i.iri, i.id, i.name, i.short_name, i.type, i.description, i.website, i.email, i.phone,
                i.contact_name, i.contact_email, i.contact_phone, i.same_as,
                [[c.iri, c.kind, c.name, c.email, c.phone, c.source, c.stated_on] for c in i.contacts],
                [venues[v.iri] for v in i.venues],
            ]
        )  # fmt: skip
    for v in index.venues.values():
        rows.append(
            [
                v.iri, v.id, v.name, v.street, v.postal_code, v.locality, _ref(districts, v.district), v.latitude,
                v.longitude, v.step_free, v.opening_hours, _ref(institutions, v.institution), v.district_method,
                v.near_border, [[f.iri, f.labels, f.value] for f in v.features], v.accessibility_note,
                v.accessibility_source, v.accessibility_date, v.nearest_stop, [spaces[s.iri] for s in v.spaces],
            ]
        )  # fmt: skip
    for s in space_list:
        rows.append(
            [
                s.iri, s.id, s.name, s.description, s.type, s.modes, s.equipment, s.capacity, s.area, s.free,
                s.conditions, s.verified, s.illustrative, s.sources, venues[s.venue.iri],
                _ref(institutions, s.institution), [[w, ids(f)] for w, f in s.fields],
                [practices[p.iri] for p in s.practices],
            ]
        )  # fmt: skip
    for p in index.practices.values():
        rows.append(
            [
                p.iri, p.id, p.title, p.description, p.date, p.url, p.organisation, p.illustrative,
                _ref(spaces, p.space), _ref(institutions, p.institution), _ref(venues, p.venue), p.stated_on,
            ]
        )  # fmt: skip
    lines = [json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode() + b"\n" for row in rows]
    offsets = np.zeros(len(lines) + 1, dtype=np.int64)
    np.cumsum([len(line) for line in lines], out=offsets[1:])

    columns = columns_of(space_list, lemmas)
    columns.row_offsets = offsets
    head = {
        "format": FORMAT,
        "base": index.base,
        "schemes": [[s.iri, s.slug, s.labels, [c.iri for c in s.concepts]] for s in index.schemes.values()],
        "concepts": [[c.iri, c.scheme, c.slug, c.labels, c.definitions] for c in index.concepts.values()],
        "districts": [[d.iri, d.number, d.labels] for d in index.districts],
        "keys": {kind: list(getattr(index, kind)) for kind in KINDS},
        "venue_districts": [_ref(districts, v.district) for v in index.venues.values()],
    }
    lexicon = {
        "lemmas": lemmas,
        "lexicon": ids(index.lexicon.lemmas),
        "forms": {form: ids(found) for form, found in sorted(index.lexicon.forms.items())},
    }
    fragment_lines = [
        "\t".join([thing, *parts]).encode() + b"\n"
        for thing, parts in sorted(fragments.items(), key=_utf8_key)
        if parts
    ]

    def json_bytes(value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()

    return {
        ROWS: b"".join(lines),
        COLUMNS: save_columns(columns),
        LEXICON: json_bytes(lexicon),
        FRAGMENTS: b"".join(fragment_lines),
        FILE: json_bytes(head),  # last: written last, its presence says the others are there
    }


def _utf8_key(item: tuple[str, Any]) -> bytes:
    return item[0].encode()


class _Rows:
    """The entries of rows.jsonl, each made when first asked for, with the entries it links to."""

    def __init__(self, path: Path, offsets: np.ndarray, counts: dict[str, int], head: dict[str, Any]) -> None:
        with open(path, "rb") as fh:
            self._data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if offsets[-1] else b""
        if len(self._data) != int(offsets[-1]):
            raise ValueError(f"{path.name}: {len(self._data)} bytes, expected {int(offsets[-1])}")
        self._offsets = offsets
        self._first: dict[str, int] = {}
        first = 0
        for kind in KINDS:
            self._first[kind] = first
            first += counts[kind]
        if first != len(offsets) - 1:
            raise ValueError(f"{path.name}: {len(offsets) - 1} rows, expected {first}")
        self._made: dict[str, dict[int, Any]] = {kind: {} for kind in KINDS}
        self._making: dict[str, dict[int, Any]] = {kind: {} for kind in KINDS}
        self._depth = 0
        self._lock = threading.RLock()
        self.districts: list[DistrictEntry] = []
        self.lemmas: Callable[[], list[str]] = list

    def _row(self, kind: str, position: int) -> list[Any]:
        n = self._first[kind] + position
        return json.loads(self._data[int(self._offsets[n]) : int(self._offsets[n + 1])])

    def get(self, kind: str, position: int) -> Any:
        """The entry at ``position`` of ``kind`` (made once; made with its links under one lock).

        Entries being made are kept apart (``_making``) until the outermost one is whole, so
        another thread never finds an entry whose links are not set yet.
        """
        found = self._made[kind].get(position)
        if found is not None:
            return found
        with self._lock, _collector_paused():
            found = self._made[kind].get(position) or self._making[kind].get(position)
            if found is not None:
                return found
            self._depth += 1
            whole = False
            try:
                found = getattr(self, "_make_" + kind)(position)
                whole = True
            finally:
                self._depth -= 1
                if self._depth == 0:
                    for made_kind, made in self._making.items():
                        if whole:  # a damaged row somewhere below: none of them is published
                            self._made[made_kind].update(made)
                        made.clear()
            return found

    def _opt(self, kind: str, position: int) -> Any:
        return None if position < 0 else self.get(kind, position)

    def _make_institutions(self, n: int) -> InstitutionEntry:
        row = self._row("institutions", n)
        entry = _FileInstitution(*row[:13])
        entry.contacts = [ContactPoint(*c) for c in row[13]]
        entry._pending = (self, row[14])  # its venues: made when first asked for
        self._making["institutions"][n] = entry
        return entry

    def _make_venues(self, n: int) -> VenueEntry:
        row = self._row("venues", n)
        (iri, id_, name, street, postal, locality, district, lat, lon, step_free, hours, institution, method) = row[:13]
        near, features, note, source, stated, stop, members = row[13:]
        entry = _FileVenue(
            iri, id_, name, street, postal, locality, self.districts[district] if district >= 0 else None, lat, lon,
            step_free, hours, None, method, near, [Feature(*f) for f in features], note, source, stated, stop,
        )  # fmt: skip
        entry._pending = (self, members)  # its spaces: made when first asked for
        self._making["venues"][n] = entry
        entry.institution = self._opt("institutions", institution)
        return entry

    def _make_spaces(self, n: int) -> SpaceEntry:
        row = self._row("spaces", n)
        # Made without its venue first (registered before its links are made: they link back to it).
        entry = _FileSpace(*row[:14], None, None)  # type: ignore[call-arg]
        entry._pending = (self, row[16])  # its search texts' lemmas: read when first asked for
        self._making["spaces"][n] = entry
        entry.venue = self.get("venues", row[14])
        entry.institution = self._opt("institutions", row[15])
        entry.practices = [self.get("practices", k) for k in row[17]]
        return entry

    def _make_practices(self, n: int) -> PracticeEntry:
        row = self._row("practices", n)
        entry = PracticeEntry(*row[:8], None, None, None, row[11])  # type: ignore[call-arg]
        self._making["practices"][n] = entry
        entry.space = self._opt("spaces", row[8])
        entry.institution = self._opt("institutions", row[9])
        entry.venue = self._opt("venues", row[10])
        return entry


# Entries made from rows.jsonl: a link to many others (an institution's venues, a venue's spaces)
# and a space's lemmas are made when first read, so that showing one space makes a few entries,
# not its institution's every venue and room. The dataclasses' own __init__ sets these fields
# through the properties' setters.


class _FileInstitution(InstitutionEntry):
    _pending: tuple[_Rows, list[int]] | None = None

    @property
    def venues(self) -> list[VenueEntry]:
        if self._pending is not None:
            rows, members = self._pending
            with rows._lock:
                if self._pending is not None:
                    self.__dict__["venues"] = [rows.get("venues", k) for k in members]
                    self._pending = None
        return self.__dict__["venues"]

    @venues.setter
    def venues(self, value: list[VenueEntry]) -> None:
        self.__dict__["venues"] = value


class _FileVenue(VenueEntry):
    _pending: tuple[_Rows, list[int]] | None = None

    @property
    def spaces(self) -> list[SpaceEntry]:
        if self._pending is not None:
            rows, members = self._pending
            with rows._lock:
                if self._pending is not None:
                    self.__dict__["spaces"] = [rows.get("spaces", k) for k in members]
                    self._pending = None
        return self.__dict__["spaces"]

    @spaces.setter
    def spaces(self, value: list[SpaceEntry]) -> None:
        self.__dict__["spaces"] = value


class _FileSpace(SpaceEntry):
    _pending: tuple[_Rows, list[list[Any]]] | None = None

    @property
    def fields(self) -> list[tuple[int, frozenset[str]]]:
        if self._pending is not None:
            rows, numbered = self._pending
            lemmas = rows.lemmas()
            self.__dict__["fields"] = [(weight, frozenset([lemmas[k] for k in ids])) for weight, ids in numbered]
            self._pending = None
        return self.__dict__["fields"]

    @fields.setter
    def fields(self, value: list[tuple[int, frozenset[str]]]) -> None:
        self.__dict__["fields"] = value


class _Entries(Mapping[str, Any]):
    """Entries of one kind by IRI, in index order; each made from its row when first asked for."""

    def __init__(self, rows: _Rows, kind: str, keys: list[str]) -> None:
        self._rows = rows
        self._kind = kind
        self._keys = keys
        self._positions = {iri: n for n, iri in enumerate(keys)}

    def __getitem__(self, iri: str) -> Any:
        return self._rows.get(self._kind, self._positions[iri])

    def __contains__(self, iri: object) -> bool:
        return iri in self._positions

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def at(self, position: int) -> Any:
        return self._rows.get(self._kind, position)


class _Fragments(Mapping[str, list[str]]):
    """Each thing's ``#fragment`` subjects, from fragments.tsv (sorted by thing) plus a few more in memory."""

    def __init__(self, path: Path, more: dict[str, list[str]]) -> None:
        with open(path, "rb") as fh:
            self._data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if os.fstat(fh.fileno()).st_size else b""
        self._more = more

    def _line_at(self, position: int) -> tuple[int, bytes]:
        """The start and text of the line holding byte ``position``."""
        start = self._data.rfind(b"\n", 0, position) + 1
        end = self._data.find(b"\n", position)
        return start, self._data[start : end if end >= 0 else len(self._data)]

    def _from_file(self, thing: str) -> list[str]:
        key = thing.encode()
        low, high = 0, len(self._data)
        while low < high:  # bisection over bytes, each probe widened to its whole line
            middle = (low + high) // 2
            start, line = self._line_at(middle)
            found = line.split(b"\t", 1)[0]
            if found == key:
                return [part.decode() for part in line.split(b"\t")[1:]]
            if found < key:
                low = start + len(line) + 1
            else:
                high = start
        return []

    def get(self, thing: str, default: Any = None) -> Any:
        found = self._from_file(thing) if isinstance(thing, str) and "\t" not in thing and "\n" not in thing else []
        extra = self._more.get(thing) if isinstance(thing, str) else None
        if extra:
            found = sorted(set(found) | set(extra))
        return found if found else default

    def __getitem__(self, thing: str) -> list[str]:
        found = self.get(thing)
        if found is None:
            raise KeyError(thing)
        return found

    def __contains__(self, thing: object) -> bool:
        return isinstance(thing, str) and self.get(thing) is not None

    def _all(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for line in bytes(self._data).splitlines():
            thing, *parts = line.decode().split("\t")
            found[thing] = parts
        for thing, parts in self._more.items():
            found[thing] = sorted(set(found.get(thing, ())) | set(parts))
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


class _FileLexicon(Lexicon):
    """The lexicon of lexicon.json, read on first use (the first text search, or the first space made)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        del self.lemmas, self.forms  # read from the file on first use, by __getattr__
        self._path = path
        self._lemma_list: list[str] | None = None
        self._read_lock = threading.Lock()

    def lemma_list(self) -> list[str]:
        """Every lemma of the file, in the order the rows number them."""
        if self._lemma_list is None:
            self._read()
        return self._lemma_list  # type: ignore[return-value]

    def _read(self) -> None:
        with self._read_lock:
            if self._lemma_list is not None:
                return
            document = json.loads(self._path.read_bytes())
            lemmas = document["lemmas"]
            forms = {form: {lemmas[k] for k in numbers} for form, numbers in document["forms"].items()}
            known = [lemmas[k] for k in document["lexicon"]]  # sorted, as the file's list is
            self.__dict__["lemmas"] = set(known)
            self.__dict__["forms"] = forms
            self._sorted = known
            self._lemma_list = lemmas

    def __getattr__(self, name: str) -> Any:
        if name in ("lemmas", "forms"):
            self._read()
            return self.__dict__[name]
        raise AttributeError(name)


def load(folder: Path, store: ox.Store, more_fragments: dict[str, list[str]] | None = None) -> Index:
    """The index written by :func:`dump` into ``folder``, its nodes read from ``store``."""
    with _collector_paused():
        return _load(Path(folder), store, more_fragments)


def _load(folder: Path, store: ox.Store, more_fragments: dict[str, list[str]] | None) -> Index:
    head = json.loads((folder / FILE).read_bytes())
    if head.get("format") != FORMAT:
        raise ValueError(f"index format {head.get('format')!r}, expected {FORMAT}")
    base = head["base"]
    concepts = {row[0]: ConceptEntry(*row) for row in head["concepts"]}
    schemes: dict[str, SchemeEntry] = {}
    for iri, slug, labels, members in head["schemes"]:
        schemes[slug] = SchemeEntry(iri, slug, labels, [concepts[c] for c in members])
    districts = [DistrictEntry(*row) for row in head["districts"]]
    keys = head["keys"]
    columns = load_columns(folder / COLUMNS)
    if len(columns) != len(keys["spaces"]):
        raise ValueError(f"{COLUMNS}: {len(columns)} spaces, expected {len(keys['spaces'])}")
    if columns.row_offsets is None:
        raise ValueError(f"{COLUMNS}: no row offsets")
    rows = _Rows(folder / ROWS, columns.row_offsets, {kind: len(keys[kind]) for kind in KINDS}, head)
    rows.districts = districts
    lexicon = _FileLexicon(folder / LEXICON)
    rows.lemmas = lexicon.lemma_list
    columns.lemmas_from = lexicon.lemma_list
    entries = {kind: _Entries(rows, kind, keys[kind]) for kind in KINDS}
    index = Index(
        base,
        Nodes(store, _Fragments(folder / FRAGMENTS, more_fragments or {})),  # type: ignore[arg-type]
        schemes,
        concepts,
        districts,
        entries["institutions"],
        entries["venues"],
        entries["spaces"],
        entries["practices"],
        lexicon,
        columns,
        entries["spaces"].at,
        head["venue_districts"],
    )
    return index


def prepare(folder: Path, base: str, files: dict[str, bytes] | None = None) -> Path:
    """Write the index of the release in ``folder`` (read from its N-Triples) as :data:`FILE` and its companions.

    ``files``: the index's files made already (by :class:`Preparing`, from the same N-Triples).
    Each file is written aside and renamed into place, :data:`FILE` last, so a reader that
    finds it finds the others whole. Returns the path of :data:`FILE`.
    """
    folder = Path(folder)
    target = folder / FILE
    if target.exists():
        return target  # a release's data never changes, so neither does its index
    if files is None:
        files = index_files(ox.parse(path=str(folder / NTRIPLES), format=ox.RdfFormat.N_TRIPLES), base)
    target.parent.mkdir(exist_ok=True)
    counts = {name: [(folder / name).stat().st_size, _lines(folder / name)] for name in _store_files(folder)}
    _write_aside(folder / COUNTS, json.dumps(counts, sort_keys=True).encode())
    for name, data in files.items():  # FILE is the last of them
        _write_aside(folder / name, data)
    return target


def index_files(triples: Iterable[ox.Triple | ox.Quad], base: str) -> dict[str, bytes]:
    """The index's files (name -> bytes) made from the release's statements."""
    with _collector_paused():
        nodes = _nodes(triples)
        fragments = _fragments(nodes)
        index = _build(nodes, base)
        del nodes
        return dump(index, fragments)


PREPARE_BYTES = 8_000_000  # N-Triples below this: the index is made in the build's process (a process costs more)


class Preparing:
    """The index's files made by another process while the build writes the other files.

    Started with the interpreter (not forked: a fork of a large build copies every page its
    reference counts touch), fed the N-Triples on its standard input, it answers the files on
    its standard output. Whatever goes wrong with it, :meth:`files` answers None and
    :func:`prepare` makes them in this process: the bytes are the same either way
    (tests/test_pages_index.py).
    """

    def __init__(self, ntriples: bytes, base: str, min_bytes: int = PREPARE_BYTES) -> None:
        self.error: str | None = None
        self.seconds: tuple[float, float] = (0.0, 0.0)  # the other process's wall and CPU seconds
        self._other: OtherProcess | None = None
        if len(ntriples) < min_bytes:
            return
        # Fed and drained from a thread: this process goes on writing files.
        self._other = OtherProcess("kfl_lod.pages_index", "_child", [base.encode() + b"\n", ntriples], "prepare-index")
        self.error = self._other.error

    def files(self) -> dict[str, bytes] | None:
        """The files the other process made (None: it did not run, or failed; make them here)."""
        if self._other is None:
            return None
        answer = self._other.answer()
        self.error = self._other.error
        if answer is None:
            return None
        try:
            # Our own child's answer on a pipe: JSON for the seconds, then length-prefixed files.
            head_length = int.from_bytes(answer[:8], "big")
            head = json.loads(answer[8 : 8 + head_length])
            files: dict[str, bytes] = {}
            at = 8 + head_length
            for name, size in head["files"]:
                files[name] = answer[at : at + size]
                at += size
            if at != len(answer) or list(files)[-1:] != [FILE]:
                raise ValueError("answer of another length or order")
            self.seconds = (head["wall"], head["cpu"])
            return files
        except (ValueError, KeyError, TypeError) as exc:
            self.error = f"answered nonsense: {exc}"
            return None

    def cancel(self) -> None:
        """Stop the other process (the build failed)."""
        if self._other is not None:
            self._other.cancel()


def _child() -> None:
    """The other process of :class:`Preparing`: base and N-Triples in, the index's files out."""
    started, cpu = time.perf_counter(), time.process_time()
    data = sys.stdin.buffer.read()
    base, _, ntriples = data.partition(b"\n")
    del data
    files = index_files(ox.parse(input=ntriples, format=ox.RdfFormat.N_TRIPLES), base.decode())
    head = json.dumps(
        {
            "files": [[name, len(value)] for name, value in files.items()],
            "wall": time.perf_counter() - started,
            "cpu": time.process_time() - cpu,
        }
    ).encode()
    out = sys.stdout.buffer
    out.write(len(head).to_bytes(8, "big") + head)
    for value in files.values():
        out.write(value)
    out.flush()


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
    """The index of the release in ``folder``: from its prepared files if there are usable ones, else from ``store``."""
    folder = Path(folder)
    if not (folder / FILE).exists():
        return build_index(store, base)
    # The data the files were not made from (the catalog and VoID beside kfl.nt) may have #fragments too.
    more: dict[str, list[str]] = {}
    for name in STORE_FILES:
        if name != NTRIPLES and (folder / name).exists():
            nodes = _nodes(ox.parse(path=str(folder / name), format=ox.RdfFormat.N_TRIPLES))
            for thing, parts in _fragments(nodes).items():
                more.setdefault(thing, []).extend(parts)
    try:
        index = load(folder, store, more)
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        # Another format, or damaged: the store still says everything (slowly, for a large release).
        _log.warning("pages' index in %s not used (%s: %s); reading the store instead", folder, type(exc).__name__, exc)
        return build_index(store, base)
    if index.base != base:
        return build_index(store, base)
    return index
