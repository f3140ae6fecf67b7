"""Turn checked records into the schema.org graph; no I/O.

schema.org first; our own few terms (``def/``) only where schema.org has none, each
labelled in Polish and English. No blank nodes: parts of a record get fragment IRIs
(``venue/x#address``) so the dumps are deterministic and every node can be linked to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rdflib import Graph, Literal, URIRef, namespace

from . import vocab
from .districts import CREDIT, ODBL, OSM_COPYRIGHT
from .records import Institution, Origin, Practice, Records, Space, Venue
from .source.tables import KINDS
from .triples import Triples, boolean, literal
from .vocab import DISTRICT_METHODS, DISTRICTS, EQUIPMENT, SCHEMES, Iris, roman


class _Terms:
    """A namespace whose terms are made once: rdflib makes a new URIRef at every ``SCHEMA.name`` (1 µs).

    >>> _Terms(vocab.SCHEMA).name is _Terms(vocab.SCHEMA).name, str(_Terms(vocab.SCHEMA).name)
    (False, 'https://schema.org/name')
    """

    def __init__(self, terms: Any) -> None:
        self._terms = terms

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):
            raise AttributeError(name)
        term = self._terms[name]
        setattr(self, name, term)  # found as an attribute from now on, without __getattr__
        return term

    def __getitem__(self, name: str) -> URIRef:
        return getattr(self, name)

    def __str__(self) -> str:
        return str(self._terms)


SCHEMA, GEO = _Terms(vocab.SCHEMA), _Terms(vocab.GEO)
DCTERMS, OWL, RDF, RDFS = (
    _Terms(namespace.DCTERMS),
    _Terms(namespace.OWL),
    _Terms(namespace.RDF),
    _Terms(namespace.RDFS),
)
SKOS, XSD = _Terms(namespace.SKOS), _Terms(namespace.XSD)


class _Iris(Iris):
    """Iris for one mapping: our terms and the shared IRIs (concepts, districts) made once each."""

    def __init__(self, base: str) -> None:
        super().__init__(base)
        self.kfl = _Terms(self.kfl)  # type: ignore[assignment]
        self._made: dict[tuple[str, ...], URIRef] = {}

    def concept(self, scheme: str, slug: str) -> URIRef:
        key = ("concept", scheme, slug)
        found = self._made.get(key)
        if found is None:
            found = self._made[key] = super().concept(scheme, slug)
        return found

    def district(self, number: int) -> URIRef:
        key = ("district", str(number))
        found = self._made.get(key)
        if found is None:
            found = self._made[key] = super().district(number)
        return found


PL = "pl"
EN = "en"

# Our own terms: (local name, kind, range, label pl, label en, comment pl, comment en).
OWN_TERMS = (
    (
        "Space",
        "class",
        SCHEMA.Place,
        "Przestrzeń dla NGO",
        "Space for NGOs",
        "Sala lub inna przestrzeń, którą instytucja kultury udostępnia organizacjom pozarządowym.",
        "A room or other space a cultural institution offers to non-governmental organisations.",
    ),
    (
        "Venue",
        "class",
        SCHEMA.Place,
        "Lokalizacja",
        "Venue",
        "Budynek lub filia instytucji kultury, w której są przestrzenie dla NGO.",
        "A building or branch of a cultural institution that holds spaces for NGOs.",
    ),
    (
        "spaceType",
        "object",
        SKOS.Concept,
        "rodzaj przestrzeni",
        "space type",
        "Rodzaj przestrzeni ze słownika rodzajów przestrzeni.",
        "The type of space, from the space-type scheme.",
    ),
    (
        "sharingMode",
        "object",
        SKOS.Concept,
        "forma udostępniania",
        "sharing mode",
        "Na jakiej zasadzie instytucja udostępnia przestrzeń (np. nieodpłatne użyczenie, współorganizacja).",
        "On what terms the institution shares the space (e.g. free use, co-organisation).",
    ),
    (
        "equipment",
        "object",
        SKOS.Concept,
        "wyposażenie",
        "equipment",
        "Element wyposażenia przestrzeni ze słownika wyposażenia.",
        "An equipment item of the space, from the equipment scheme.",
    ),
    (
        "conditions",
        "datatype",
        RDF.langString,
        "warunki",
        "conditions",
        "Warunki udostępnienia opisane słowami.",
        "The terms of sharing, in plain words.",
    ),
    (
        "lastVerified",
        "datatype",
        XSD.date,
        "data weryfikacji",
        "last verified",
        "Dzień, w którym wpis ostatnio sprawdzono u instytucji.",
        "The day the entry was last checked with the institution.",
    ),
    (
        "illustrative",
        "datatype",
        XSD.boolean,
        "dane ilustracyjne",
        "illustrative data",
        "Prawda, jeśli żadne publiczne źródło nie potwierdza wpisu: pokazuje on format danych, nie fakt.",
        "True if no public source states the record: it illustrates the format, not a fact.",
    ),
    (
        "statedOn",
        "datatype",
        RDFS.Literal,
        "podano dnia",
        "as stated on",
        "Data, którą pokazuje źródło faktu (dct:source): dzień, miesiąc lub rok, tak dokładnie, jak podaje źródło.",
        "The date the source of a fact (dct:source) shows: a day, a month or a year, as precise as the source.",
    ),
    (
        "districtMethod",
        "object",
        SKOS.Concept,
        "sposób ustalenia dzielnicy",
        "how the district is known",
        "Czy dzielnicę podaje źródło, czy wyliczono ją ze współrzędnych i granic dzielnic z OpenStreetMap.",
        "Whether a source states the district or it was derived from the coordinates and OpenStreetMap boundaries.",
    ),
    (
        "districtSource",
        "object",
        RDFS.Resource,
        "źródło dzielnicy",
        "source of the district",
        "Strona, która podaje dzielnicę, albo relacja OpenStreetMap, z której granic ją wyliczono.",
        "The page that states the district, or the OpenStreetMap relation whose boundary it was derived from.",
    ),
    (
        "districtBorderDistance",
        "datatype",
        XSD.decimal,
        "odległość od granicy dzielnicy (m)",
        "distance to the district border (m)",
        "Dla dzielnicy wyliczonej: odległość współrzędnych od najbliższej granicy dzielnicy, w metrach.",
        "For a derived district: the distance from the coordinates to the nearest district border, in metres.",
    ),
    (
        "nearDistrictBorder",
        "datatype",
        XSD.boolean,
        "przy granicy dzielnicy",
        "near a district border",
        "Prawda, jeśli współrzędne leżą bliżej niż 10 m od granicy dzielnicy: wyliczoną dzielnicę warto sprawdzić.",
        "True if the coordinates lie within 10 m of a district border: the derived district is worth checking.",
    ),
    (
        "accessibilityNote",
        "datatype",
        RDF.langString,
        "dostępność (opis)",
        "accessibility (description)",
        "Dostępność lokalizacji dla osób z niepełnosprawnościami, opisana tak, jak podaje źródło.",
        "The venue's accessibility for people with disabilities, described as the source states it.",
    ),
    (
        "accessibilitySource",
        "object",
        RDFS.Resource,
        "źródło informacji o dostępności",
        "source of the accessibility facts",
        "Strona, która podaje fakty o dostępności lokalizacji (opis i cechy dostępności).",
        "The page that states the venue's accessibility facts (the description and the accessibility features).",
    ),
    (
        "accessibilityStatedOn",
        "datatype",
        RDFS.Literal,
        "dostępność podano dnia",
        "accessibility as stated on",
        "Data, którą pokazuje źródło informacji o dostępności (dzień, miesiąc lub rok).",
        "The date the source of the accessibility facts shows (a day, a month or a year).",
    ),
    (
        "nearestStop",
        "datatype",
        XSD.string,
        "najbliższy przystanek",
        "nearest stop",
        "Najbliższy przystanek komunikacji miejskiej, jak podaje źródło.",
        "The nearest public-transport stop, as a source states it.",
    ),
    (
        "stepFreeAccess",
        "datatype",
        XSD.boolean,
        "dostęp bez schodów",
        "step-free access",
        "Czy do lokalizacji można wejść bez schodów (np. na wózku).",
        "Whether the venue can be entered without steps (e.g. in a wheelchair).",
    ),
)


def to_graph(records: Records, base: str) -> Graph:
    """Build the graph of the whole publication.

    >>> from kfl_lod.records import Records
    >>> len(to_graph(Records((), (), ()), "https://example.org/")) > 100  # vocabularies, districts
    True
    """
    return map_records(records, base).triples.graph()


class Provenance:
    """Where the graph's statements came from: each record's source row, each statement's column(s).

    The mapping notes each record's row, and how to make the record's statements again;
    a statement's column(s) are noted as that record is mapped again, when a SHACL result
    or kfl-lod diff asks (also for a statement a cell left out, so a result about a missing
    value names the empty column). Noting the columns of every statement as it was made
    took 330 MB at 35,000 spaces, for the few a report names. For the clerk's reading
    only; never published.
    """

    def __init__(
        self,
        rows: dict[str, Origin] | None = None,
        columns: dict[tuple[str, str], tuple[str, ...]] | None = None,
    ) -> None:
        self.rows: dict[str, Origin] = rows if rows is not None else {}  # record IRI -> its source row
        # record IRI -> (function, arguments) that make its statements again (see _Out.record)
        self.makers: dict[str, tuple[Callable[..., None], tuple[Any, ...]]] = {}
        # (subject, predicate or constraint IRI) -> the source columns, for what was mapped noting them
        self._columns: dict[tuple[str, str], tuple[str, ...]] = columns if columns is not None else {}
        self._noted: dict[str, None] = {}  # records whose columns are in _columns, oldest first

    def origin(self, focus: str) -> Origin | None:
        """The source row of the record a node belongs to (venue/x#address -> venue x's row)."""
        return self.rows.get(focus) or self.rows.get(focus.split("#")[0])

    def column(self, focus: str, path: str) -> str:
        """The column(s) a statement (focus, path) comes from, as the clerk names them, or ""."""
        record = focus if focus in self.makers else focus.split("#")[0]
        self._note(record)
        return ", ".join(self._columns.get((focus, path), ()))

    @property
    def columns(self) -> dict[tuple[str, str], tuple[str, ...]]:
        """(subject, predicate) -> column(s) of every statement (maps every record again: for tests)."""
        for record in self.makers:
            self._note(record, keep=len(self.makers))
        return self._columns

    def _note(self, record: str, keep: int = 4096) -> None:
        """Map ``record`` again, noting its statements' columns (the last ``keep`` records' are kept)."""
        maker = self.makers.get(record)
        if maker is None or record in self._noted:
            return
        if len(self._noted) >= keep:  # bounded: kfl-lod diff may ask about every record of a large source
            self._noted.clear()
            self._columns.clear()
        function, args = maker
        function(_Out(Triples(), self, noting=True), *args)
        self._noted[record] = None


@dataclass
class Mapped:
    """The statements (as N-Triples lines, see triples.py) and where they came from."""

    triples: Triples
    provenance: Provenance

    @property
    def graph(self) -> Graph:
        """The statements as an rdflib Graph, parsed on demand (the build does without one)."""
        return self.triples.graph()


def map_records(records: Records, base: str) -> Mapped:
    """Build the graph of the whole publication and record where each statement came from."""
    iris = _Iris(base)
    g = Triples(_prefixes(iris))
    out = _Out(g, Provenance())
    _vocabulary(g, iris)
    _places(g, iris)
    venues_of: dict[str, list[Venue]] = {}
    for venue in records.venues:
        venues_of.setdefault(venue.institution, []).append(venue)
    for venue in records.venues:
        out.make(_venue, iris, venue)
    for institution in records.institutions:
        out.make(_institution, iris, institution, venues_of.get(institution.id, []))
    for space in records.spaces:
        out.make(_space, iris, space)
    # The venue and institution of each space, looked up once: a search per practice grew as practices × spaces.
    venue_owner = {v.id: v.institution for v in records.venues}
    venue_of = {sp.id: sp.venue for sp in records.spaces}
    for practice in records.practices:
        venue_id = venue_of.get(practice.space, practice.venue)
        out.make(_practice, iris, practice, venue_id, venue_owner.get(venue_id, practice.institution))
    return Mapped(g, out.provenance)


def provenance(records: Records, base: str) -> Provenance:
    """Where each statement of the records' graph came from."""
    return map_records(records, base).provenance


class _Out:
    """Adds statements of one record at a time; noting the source column(s) of each, when ``noting``."""

    def __init__(self, g: Triples, provenance: Provenance, noting: bool = False) -> None:
        self.g = g
        self.provenance = provenance
        self.noting = noting
        self.table = KINDS["space"]
        self._headers: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}
        self._maker: tuple[Callable[..., None], tuple[Any, ...]] | None = None

    def make(self, function: Callable[..., None], *args: Any) -> None:
        """Map one record: ``function(self, *args)``, which Provenance may call again to note columns."""
        self._maker = (function, args)
        function(self, *args)

    def record(self, kind: str, iri: URIRef, origin: Origin) -> None:
        """Start the statements of a record of ``kind`` read from ``origin``."""
        self.table = KINDS[kind]
        if self.noting:
            return
        key = str(iri)
        self.provenance.rows[key] = origin
        if self._maker is not None:
            self.provenance.makers[key] = self._maker

    def add(self, s: URIRef, p: URIRef, o: Any, *fields: str) -> None:
        """Add (s, p, o), made from the record's ``fields``; o None: the fields were empty."""
        if o is not None:
            self.g.add((s, p, o))
        if fields and self.noting:
            key = (str(s), str(p))
            columns = self._headers.get((self.table.name, fields))
            if columns is None:  # looked up once per table and fields: a search per statement cost 15 % of the map
                columns = self._headers[self.table.name, fields] = tuple(self.table.column(f).header for f in fields)
            known = self.provenance._columns
            known[key] = tuple(dict.fromkeys(known.get(key, ()) + columns))

    def fixed(self, s: URIRef, p: URIRef, o: Any) -> None:
        """Add a statement the mapping makes, not a cell (a type, a unit)."""
        self.g.add((s, p, o))

    def text(self, s: URIRef, p: URIRef, value: str, field: str, lang: str | None = PL) -> None:
        self.add(s, p, literal(value, lang) if value else None, field)

    def sources(self, s: URIRef, sources: tuple[str, ...]) -> None:
        for src in sources:
            self.add(s, DCTERMS.source, URIRef(src), "sources")
        if not sources:
            self.add(s, DCTERMS.source, None, "sources")


def _prefixes(iris: Iris) -> dict[str, str]:
    """The prefixes of the data's Turtle."""
    return {
        prefix: str(ns)
        for prefix, ns in (
            ("schema", SCHEMA),
            ("skos", SKOS),
            ("dct", DCTERMS),
            ("geo", GEO),
            ("xsd", XSD),
            ("rdf", RDF),
            ("rdfs", RDFS),
            ("owl", OWL),
            ("kfl", iris.kfl),
        )
    }


def decimal(value: Decimal) -> Literal:
    """An xsd:decimal in the canonical form the store keeps ("45.5", "200"), so every format writes it alike.

    pyoxigraph keeps a decimal as its value and writes it back in XSD 1.1 canonical form
    (no trailing zeros, no point for whole numbers); written the same way here, the dumps,
    the resource documents and the SPARQL answers hold one literal for one fact. (Our
    Turtle writers quote typed literals, so "200"^^xsd:decimal never turns into 200.0.)

    >>> decimal(Decimal("200")), decimal(Decimal("45.50")), decimal(Decimal("5E+1")), decimal(Decimal("-0.0"))
    (rdflib.term.Literal('200', datatype=...decimal')), rdflib.term.Literal('45.5', datatype=...decimal')), rdflib.term.Literal('50', datatype=...decimal')), rdflib.term.Literal('0', datatype=...decimal')))
    """
    text = format(value.normalize(), "f")
    if text.lstrip("-").strip("0.") == "":
        text = "0"
    return Literal(text, datatype=XSD.decimal)


NEAR_BORDER = Decimal("10")  # metres: kfl_lod.districts.NEAR_BORDER_M


def date_literal(value: str) -> Literal:
    """A date as precise as its source: xsd:gYear, xsd:gYearMonth or xsd:date.

    >>> [date_literal(v).datatype.rsplit("#")[1] for v in ("2019", "2020-03", "2014-12-05")]
    ['gYear', 'gYearMonth', 'date']
    """
    kind = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(value), XSD.date)
    return Literal(value, datatype=kind)


def _text(g: Triples, s: URIRef, p: URIRef, value: str, lang: str | None = PL) -> None:
    if value:
        g.add((s, p, Literal(value, lang=lang)))


def _vocabulary(g: Triples, iris: Iris) -> None:
    ontology = URIRef(iris.base + "def")
    g.add((ontology, RDF.type, OWL.Ontology))
    g.add((ontology, RDFS.label, Literal("Słownik kfl-lod", lang=PL)))
    g.add((ontology, RDFS.label, Literal("kfl-lod vocabulary", lang=EN)))
    for name, kind, range_, label_pl, label_en, comment_pl, comment_en in OWN_TERMS:
        term = iris.kfl[name]
        if kind == "class":
            g.add((term, RDF.type, OWL.Class))
            g.add((term, RDFS.subClassOf, range_))
        else:
            g.add((term, RDF.type, RDF.Property))
            g.add((term, RDF.type, OWL.ObjectProperty if kind == "object" else OWL.DatatypeProperty))
            g.add((term, RDFS.range, range_))
        g.add((term, RDFS.label, Literal(label_pl, lang=PL)))
        g.add((term, RDFS.label, Literal(label_en, lang=EN)))
        g.add((term, RDFS.comment, Literal(comment_pl, lang=PL)))
        g.add((term, RDFS.comment, Literal(comment_en, lang=EN)))
        g.add((term, RDFS.isDefinedBy, ontology))
    for scheme in (*SCHEMES.values(), DISTRICT_METHODS):
        s = iris.scheme(scheme.slug)
        g.add((s, RDF.type, SKOS.ConceptScheme))
        g.add((s, SKOS.prefLabel, Literal(scheme.pl, lang=PL)))
        g.add((s, SKOS.prefLabel, Literal(scheme.en, lang=EN)))
        for c in scheme.concepts:
            concept = iris.concept(scheme.slug, c.slug)
            g.add((concept, RDF.type, SKOS.Concept))
            g.add((concept, SKOS.inScheme, s))
            g.add((concept, SKOS.topConceptOf, s))
            g.add((s, SKOS.hasTopConcept, concept))
            g.add((concept, SKOS.notation, Literal(c.slug)))
            g.add((concept, SKOS.prefLabel, Literal(c.pl, lang=PL)))
            g.add((concept, SKOS.prefLabel, Literal(c.en, lang=EN)))
            _text(g, concept, SKOS.definition, c.definition_pl, PL)
            _text(g, concept, SKOS.definition, c.definition_en, EN)
    for slug in ("point-in-polygon", "nearest"):  # derived from OpenStreetMap: its licence and credit
        concept = iris.concept(DISTRICT_METHODS.slug, slug)
        g.add((concept, DCTERMS.license, URIRef(ODBL)))
        g.add((concept, DCTERMS.rights, Literal(CREDIT)))
        g.add((concept, DCTERMS.source, URIRef(OSM_COPYRIGHT)))


def _places(g: Triples, iris: Iris) -> None:
    city = iris.city
    g.add((city, RDF.type, SCHEMA.City))
    g.add((city, SCHEMA.name, Literal("Kraków", lang=PL)))
    g.add((city, SCHEMA.name, Literal("Kraków", lang=EN)))
    gov = iris.city_government
    g.add((gov, RDF.type, SCHEMA.GovernmentOrganization))
    g.add((gov, SCHEMA.name, Literal("Gmina Miejska Kraków", lang=PL)))
    g.add((gov, SCHEMA.name, Literal("Municipality of Kraków", lang=EN)))
    g.add((gov, SCHEMA.areaServed, city))
    dept = iris.department
    g.add((dept, RDF.type, SCHEMA.GovernmentOrganization))
    g.add((dept, SCHEMA.name, Literal("Wydział Kultury i Dziedzictwa Narodowego Urzędu Miasta Krakowa", lang=PL)))
    g.add((dept, SCHEMA.name, Literal("Department of Culture and National Heritage, Kraków City Office", lang=EN)))
    g.add((dept, SCHEMA.parentOrganization, gov))
    address = URIRef(f"{dept}#address")
    g.add((dept, SCHEMA.address, address))
    # Address as stated in reference/krakow-institutions.md, section 0.
    _address(g, address, "ul. Wielopole 17a", "31-072", "Kraków")
    for number, name in DISTRICTS.items():
        d = iris.district(number)
        g.add((d, RDF.type, SCHEMA.AdministrativeArea))
        g.add((d, SCHEMA.name, Literal(f"Dzielnica {roman(number)} {name}", lang=PL)))
        g.add((d, SCHEMA.name, Literal(f"District {roman(number)} {name}", lang=EN)))
        g.add((d, SCHEMA.identifier, Literal(roman(number))))
        g.add((d, SCHEMA.containedInPlace, city))


def _address(g: Triples, node: URIRef, street: str, postal: str, locality: str) -> None:
    g.add((node, RDF.type, SCHEMA.PostalAddress))
    _text(g, node, SCHEMA.streetAddress, street, None)
    _text(g, node, SCHEMA.postalCode, postal, None)
    _text(g, node, SCHEMA.addressLocality, locality, None)
    g.add((node, SCHEMA.addressCountry, Literal("PL")))


def _institution(out: _Out, iris: Iris, r: Institution, venues: list[Venue]) -> None:
    s = iris.institution(r.id)
    out.record("institution", s, r.origin)
    out.fixed(s, RDF.type, SCHEMA.Organization)
    out.text(s, SCHEMA.name, r.name, "name")
    out.text(s, SCHEMA.alternateName, r.short_name, "short_name")
    out.text(s, SCHEMA.description, r.description, "description")
    out.add(s, SCHEMA.identifier, literal(r.id), "id")
    out.add(s, SCHEMA.additionalType, iris.concept("institution-type", r.type), "type")
    out.fixed(s, SCHEMA.parentOrganization, iris.city_government)
    out.add(s, SCHEMA.url, URIRef(r.website) if r.website else None, "website")
    out.text(s, SCHEMA.email, r.email, "email", None)
    out.text(s, SCHEMA.telephone, r.phone, "phone", None)
    out.add(
        s, SCHEMA.sameAs, URIRef(f"http://www.wikidata.org/entity/{r.wikidata}") if r.wikidata else None, "wikidata"
    )
    for venue in venues:
        out.fixed(s, SCHEMA.location, iris.venue(venue.id))
    if r.email or r.phone:
        # The general e-mail and phone again, as a contact point that says what they are for and where
        # and when a source stated them ("as stated on <date>": many come from old pages).
        gc = URIRef(f"{s}#general-contact")
        out.fixed(s, SCHEMA.contactPoint, gc)
        out.fixed(gc, RDF.type, SCHEMA.ContactPoint)
        if r.email_phone_role:
            out.text(gc, SCHEMA.contactType, r.email_phone_role, "email_phone_role")
        else:
            out.add(gc, SCHEMA.contactType, literal("kontakt ogólny", PL), "email_phone_role")
            out.fixed(gc, SCHEMA.contactType, literal("general contact", EN))
        out.text(gc, SCHEMA.email, r.email, "email", None)
        out.text(gc, SCHEMA.telephone, r.phone, "phone", None)
        source = URIRef(r.email_phone_source) if r.email_phone_source else None
        out.add(gc, DCTERMS.source, source, "email_phone_source")
        stated = date_literal(r.email_phone_date) if r.email_phone_date else None
        out.add(gc, iris.kfl.statedOn, stated, "email_phone_date")
    if r.contact_person or r.contact_email or r.contact_phone:
        c = URIRef(f"{s}#contact")
        out.fixed(s, SCHEMA.contactPoint, c)
        out.fixed(c, RDF.type, SCHEMA.ContactPoint)
        out.fixed(c, SCHEMA.contactType, literal("współpraca z organizacjami pozarządowymi", PL))
        out.fixed(c, SCHEMA.contactType, literal("cooperation with NGOs", EN))
        out.text(c, SCHEMA.name, r.contact_person, "contact_person", None)
        out.text(c, SCHEMA.email, r.contact_email, "contact_email", None)
        out.text(c, SCHEMA.telephone, r.contact_phone, "contact_phone", None)
    out.sources(s, r.sources)


def _venue(out: _Out, iris: Iris, r: Venue) -> None:
    s = iris.venue(r.id)
    out.record("venue", s, r.origin)
    out.fixed(s, RDF.type, SCHEMA.Place)
    out.fixed(s, RDF.type, iris.kfl.Venue)
    out.text(s, SCHEMA.name, r.name, "name")
    out.add(s, SCHEMA.identifier, literal(r.id), "id")
    address = URIRef(f"{s}#address")
    out.add(s, SCHEMA.address, address, "street", "postal_code", "locality")
    out.fixed(address, RDF.type, SCHEMA.PostalAddress)
    out.text(address, SCHEMA.streetAddress, r.street, "street", None)
    out.text(address, SCHEMA.postalCode, r.postal_code, "postal_code", None)
    out.text(address, SCHEMA.addressLocality, r.locality, "locality", None)
    out.fixed(address, SCHEMA.addressCountry, literal("PL"))
    out.add(s, SCHEMA.containedInPlace, iris.district(r.district) if r.district else iris.city, "district")
    method = iris.concept(DISTRICT_METHODS.slug, r.district_method) if r.district and r.district_method else None
    out.add(s, iris.kfl.districtMethod, method, "district")
    # A stated district's page is a cell; a derived one's OpenStreetMap relation comes from the coordinates.
    border = r.district_border_m
    derived = border is not None
    source = URIRef(r.district_source) if r.district and r.district_source else None
    out.add(s, iris.kfl.districtSource, source, *(("latitude", "longitude") if derived else ("district_source",)))
    if border is not None:
        out.add(s, iris.kfl.districtBorderDistance, decimal(border), "latitude", "longitude")
        out.add(s, iris.kfl.nearDistrictBorder, boolean(border < NEAR_BORDER), "latitude", "longitude")
    geo = URIRef(f"{s}#geo")
    geometry = URIRef(f"{s}#geometry")
    if r.latitude is not None and r.longitude is not None:
        out.add(s, SCHEMA.geo, geo, "latitude", "longitude")
        out.fixed(geo, RDF.type, SCHEMA.GeoCoordinates)
        out.add(geo, SCHEMA.latitude, decimal(r.latitude), "latitude")
        out.add(geo, SCHEMA.longitude, decimal(r.longitude), "longitude")
        out.fixed(s, GEO.hasGeometry, geometry)
        out.fixed(geometry, RDF.type, GEO.Geometry)
        wkt = Literal(f"POINT({decimal(r.longitude)} {decimal(r.latitude)})", datatype=GEO.wktLiteral)
        out.add(geometry, GEO.asWKT, wkt, "latitude", "longitude")
    else:
        out.add(s, SCHEMA.geo, None, "latitude", "longitude")
    out.text(s, SCHEMA.openingHours, r.opening_hours, "opening_hours", None)
    out.add(s, iris.kfl.stepFreeAccess, boolean(r.step_free) if r.step_free is not None else None, "step_free")
    for fragment, field_, value, pl, en in (
        (
            "step-free-access",
            "step_free",
            r.step_free,
            "wejście bez schodów (dla wózków)",
            "step-free (wheelchair) entrance",
        ),
        ("lift", "lift", r.lift, "winda", "lift"),
        (
            "disabled-parking",
            "disabled_parking",
            r.disabled_parking,
            "miejsca parkingowe dla osób z niepełnosprawnościami",
            "disabled parking",
        ),
        ("induction-loop", "induction_loop", r.induction_loop, "pętla indukcyjna", "induction loop"),
    ):
        if value is None:
            continue
        feature = URIRef(f"{s}#{fragment}")
        out.add(s, SCHEMA.amenityFeature, feature, field_)
        out.fixed(feature, RDF.type, SCHEMA.LocationFeatureSpecification)
        out.fixed(feature, SCHEMA.name, literal(pl, PL))
        out.fixed(feature, SCHEMA.name, literal(en, EN))
        out.add(feature, SCHEMA.value, boolean(value), field_)
        source = URIRef(r.accessibility_source) if r.accessibility_source else None
        out.add(feature, DCTERMS.source, source, "accessibility_source")
    out.text(s, iris.kfl.accessibilityNote, r.accessibility_note, "accessibility_note")
    source = URIRef(r.accessibility_source) if r.accessibility_source else None
    out.add(s, iris.kfl.accessibilitySource, source, "accessibility_source")
    stated = date_literal(r.accessibility_date) if r.accessibility_date else None
    out.add(s, iris.kfl.accessibilityStatedOn, stated, "accessibility_date")
    out.text(s, iris.kfl.nearestStop, r.nearest_stop, "nearest_stop", None)
    out.sources(s, r.sources)


def _space(out: _Out, iris: Iris, r: Space) -> None:
    s = iris.space(r.id)
    out.record("space", s, r.origin)
    out.fixed(s, RDF.type, SCHEMA.Place)
    out.fixed(s, RDF.type, iris.kfl.Space)
    out.text(s, SCHEMA.name, r.name, "name")
    out.text(s, SCHEMA.description, r.description, "description")
    out.add(s, SCHEMA.identifier, literal(r.id), "id")
    out.add(s, SCHEMA.containedInPlace, iris.venue(r.venue), "venue")
    out.add(s, iris.kfl.spaceType, iris.concept("space-type", r.type), "type")
    out.add(s, iris.kfl.sharingMode, None, "sharing_modes")
    for mode in r.sharing_modes:
        out.add(s, iris.kfl.sharingMode, iris.concept("sharing-mode", mode), "sharing_modes")
    capacity = Literal(r.capacity, datatype=XSD.integer) if r.capacity is not None else None
    out.add(s, SCHEMA.maximumAttendeeCapacity, capacity, "capacity")
    size = URIRef(f"{s}#floor-size")
    if r.area_m2 is not None:
        out.add(s, SCHEMA.floorSize, size, "area_m2")
        out.fixed(size, RDF.type, SCHEMA.QuantitativeValue)
        out.add(size, SCHEMA.value, decimal(r.area_m2), "area_m2")
        out.fixed(size, SCHEMA.unitCode, literal("MTK"))
        out.fixed(size, SCHEMA.unitText, literal("m²"))
    else:
        out.add(s, SCHEMA.floorSize, None, "area_m2")
    out.add(s, iris.kfl.equipment, None, "equipment")
    for item in r.equipment:
        concept = EQUIPMENT.get(item)
        out.add(s, iris.kfl.equipment, iris.concept("equipment", item), "equipment")
        feature = URIRef(f"{s}#equipment-{item}")
        out.add(s, SCHEMA.amenityFeature, feature, "equipment")
        out.fixed(feature, RDF.type, SCHEMA.LocationFeatureSpecification)
        out.add(feature, SCHEMA.name, literal(concept.pl, PL), "equipment")
        out.add(feature, SCHEMA.name, literal(concept.en, EN), "equipment")
        out.add(feature, SCHEMA.value, boolean(True), "equipment")
        out.fixed(feature, SCHEMA.additionalType, iris.concept("equipment", item))
    free = boolean(r.free_of_charge) if r.free_of_charge is not None else None
    out.add(s, SCHEMA.isAccessibleForFree, free, "free_of_charge")
    out.text(s, iris.kfl.conditions, r.conditions, "conditions")
    verified = Literal(r.verified, datatype=XSD.date) if r.verified is not None else None
    out.add(s, iris.kfl.lastVerified, verified, "verified")
    out.add(s, iris.kfl.illustrative, boolean(r.illustrative), "illustrative")
    out.sources(s, r.sources)
    # A SPARQL constraint about the space as a whole names the cells it weighs against each other.
    out.add(s, URIRef(iris.base + "shapes#Space-free-but-only-paid"), None, "free_of_charge", "sharing_modes")


def _practice(out: _Out, iris: Iris, r: Practice, venue: str, institution: str) -> None:
    s = iris.practice(r.id)
    out.record("practice", s, r.origin)
    out.fixed(s, RDF.type, SCHEMA.Event)
    out.text(s, SCHEMA.name, r.title, "title")
    out.text(s, SCHEMA.description, r.description, "description")
    out.add(s, SCHEMA.identifier, literal(r.id), "id")
    # Where it happened: a space, else a venue, else only the institution (no location).
    place = iris.space(r.space) if r.space else iris.venue(venue) if venue else None
    out.add(s, SCHEMA.location, place, "space", "venue")
    organisation = URIRef(f"{s}#organisation")
    out.add(s, SCHEMA.organizer, organisation, "organisation")
    # The partner is an NGO unless the table says otherwise (residents, a firm, or not known): then it is
    # typed only schema:Thing, claiming nothing (schema:Organization is the institutions' class here).
    kind = SCHEMA.Thing if r.organisation_is_ngo is False else SCHEMA.NGO
    out.add(organisation, RDF.type, kind, "organisation_is_ngo")
    out.text(organisation, SCHEMA.name, r.organisation, "organisation", None)
    out.add(s, SCHEMA.organizer, iris.institution(institution), "organisation")
    out.add(s, SCHEMA.startDate, Literal(r.date, datatype=XSD.date) if r.date is not None else None, "date")
    out.add(s, SCHEMA.url, URIRef(r.url) if r.url else None, "url")
    out.add(s, DCTERMS.source, URIRef(r.url) if r.url else None, "url")
    out.add(s, iris.kfl.statedOn, date_literal(r.source_date) if r.source_date else None, "source_date")
    out.add(s, iris.kfl.illustrative, boolean(r.illustrative), "illustrative")
