"""Turn checked records into the schema.org graph; no I/O.

schema.org first; our own few terms (``def/``) only where schema.org has none, each
labelled in Polish and English. No blank nodes: parts of a record get fragment IRIs
(``venue/x#address``) so the dumps are deterministic and every node can be linked to.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from .records import Institution, Origin, Practice, Records, Space, Venue
from .vocab import DISTRICTS, EQUIPMENT, GEO, SCHEMA, SCHEMES, Iris, roman

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
    iris = Iris(base)
    g = Graph(bind_namespaces="none")
    _bind(g, iris)
    _vocabulary(g, iris)
    _places(g, iris)
    venues_of: dict[str, list[Venue]] = {}
    for venue in records.venues:
        venues_of.setdefault(venue.institution, []).append(venue)
        _venue(g, iris, venue)
    for institution in records.institutions:
        _institution(g, iris, institution, venues_of.get(institution.id, []))
    for space in records.spaces:
        _space(g, iris, space)
    for practice in records.practices:
        _practice(g, iris, practice, records)
    return g


def origins(records: Records, base: str) -> dict[str, Origin]:
    """Map each record's IRI to the source row it came from (for readable reports)."""
    iris = Iris(base)
    out: dict[str, Origin] = {}
    for i in records.institutions:
        out[str(iris.institution(i.id))] = i.origin
    for v in records.venues:
        out[str(iris.venue(v.id))] = v.origin
    for s in records.spaces:
        out[str(iris.space(s.id))] = s.origin
    for p in records.practices:
        out[str(iris.practice(p.id))] = p.origin
    return out


# Which record fields each statement comes from, by kind of node ("space", or "venue#address"
# for a part): a SHACL result on (node, path) can then name the clerk's column. Predicates are
# written "schema:name", "kfl:spaceType" (our def/ terms under any base), "dct:source".
SOURCE_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "institution": {
        "schema:name": ("name",),
        "schema:alternateName": ("short_name",),
        "schema:description": ("description",),
        "schema:additionalType": ("type",),
        "schema:url": ("website",),
        "schema:email": ("email",),
        "schema:telephone": ("phone",),
        "schema:sameAs": ("wikidata",),
        "schema:identifier": ("id",),
        "dct:source": ("sources",),
    },
    "institution#contact": {
        "schema:name": ("contact_person",),
        "schema:email": ("contact_email",),
        "schema:telephone": ("contact_phone",),
    },
    "venue": {
        "schema:name": ("name",),
        "schema:identifier": ("id",),
        "schema:containedInPlace": ("district",),
        "schema:geo": ("latitude", "longitude"),
        "schema:openingHours": ("opening_hours",),
        "kfl:stepFreeAccess": ("step_free",),
        "schema:amenityFeature": ("step_free",),
        "dct:source": ("sources",),
        "schema:address": ("street", "postal_code", "locality"),
    },
    "venue#address": {
        "schema:streetAddress": ("street",),
        "schema:postalCode": ("postal_code",),
        "schema:addressLocality": ("locality",),
    },
    "venue#geo": {"schema:latitude": ("latitude",), "schema:longitude": ("longitude",)},
    "venue#geometry": {"geo:asWKT": ("latitude", "longitude")},
    "venue#step-free-access": {"schema:value": ("step_free",)},
    "space": {
        "schema:name": ("name",),
        "schema:description": ("description",),
        "schema:identifier": ("id",),
        "schema:containedInPlace": ("venue",),
        "kfl:spaceType": ("type",),
        "kfl:sharingMode": ("sharing_modes",),
        "kfl:equipment": ("equipment",),
        "schema:amenityFeature": ("equipment",),
        "schema:maximumAttendeeCapacity": ("capacity",),
        "schema:floorSize": ("area_m2",),
        "schema:isAccessibleForFree": ("free_of_charge",),
        "kfl:conditions": ("conditions",),
        "kfl:lastVerified": ("verified",),
        "kfl:illustrative": ("illustrative",),
        "dct:source": ("sources",),
        # results on the space itself, by the shape that gives them (no path)
        "shape:Space-free-but-only-paid": ("free_of_charge", "sharing_modes"),
    },
    "space#floor-size": {"schema:value": ("area_m2",)},
    "space#equipment": {"schema:name": ("equipment",), "schema:value": ("equipment",)},
    "practice": {
        "schema:name": ("title",),
        "schema:description": ("description",),
        "schema:identifier": ("id",),
        "schema:location": ("space",),
        "schema:startDate": ("date",),
        "schema:url": ("url",),
        "kfl:illustrative": ("illustrative",),
        "schema:organizer": ("organisation",),
    },
    "practice#organisation": {"schema:name": ("organisation",)},
}
_SHORT = (("https://schema.org/", "schema:"), (str(DCTERMS), "dct:"), (str(GEO), "geo:"))


def source_fields(focus: str, path: str, shape: str, base: str) -> tuple[str, tuple[str, ...]]:
    """The kind of record a SHACL result is about and the record fields it concerns.

    >>> source_fields("https://x.org/venue/a#address", "https://schema.org/postalCode", "", "https://x.org/")
    ('venue', ('postal_code',))
    >>> source_fields("https://x.org/space/a", "", "https://x.org/shapes#Space-free-but-only-paid", "https://x.org/")
    ('space', ('free_of_charge', 'sharing_modes'))
    """
    if not focus.startswith(base):
        return "", ()
    kind, _, rest = focus[len(base) :].partition("/")
    part = rest.partition("#")[2]
    node = f"{kind}#{part.split('-')[0] if part.startswith('equipment-') else part}" if part else kind
    if path:
        key = next((prefix + path[len(ns) :] for ns, prefix in _SHORT if path.startswith(ns)), path)
        if path.startswith(base + "def/"):
            key = "kfl:" + path[len(base) + 4 :]
    else:
        key = "shape:" + shape.rpartition("#")[2]
    return kind, SOURCE_FIELDS.get(node, {}).get(key, ())


def _bind(g: Graph, iris: Iris) -> None:
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
    ):
        g.bind(prefix, ns)


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


def _text(g: Graph, s: URIRef, p: URIRef, value: str, lang: str | None = PL) -> None:
    if value:
        g.add((s, p, Literal(value, lang=lang)))


def _sources(g: Graph, s: URIRef, sources: tuple[str, ...]) -> None:
    for src in sources:
        g.add((s, DCTERMS.source, URIRef(src)))


def _vocabulary(g: Graph, iris: Iris) -> None:
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
    for scheme in SCHEMES.values():
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


def _places(g: Graph, iris: Iris) -> None:
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
    # Address as stated in shared/reference/krakow-institutions.md, section 0.
    _address(g, address, "ul. Wielopole 17a", "31-072", "Kraków")
    for number, name in DISTRICTS.items():
        d = iris.district(number)
        g.add((d, RDF.type, SCHEMA.AdministrativeArea))
        g.add((d, SCHEMA.name, Literal(f"Dzielnica {roman(number)} {name}", lang=PL)))
        g.add((d, SCHEMA.name, Literal(f"District {roman(number)} {name}", lang=EN)))
        g.add((d, SCHEMA.identifier, Literal(roman(number))))
        g.add((d, SCHEMA.containedInPlace, city))


def _address(g: Graph, node: URIRef, street: str, postal: str, locality: str) -> None:
    g.add((node, RDF.type, SCHEMA.PostalAddress))
    _text(g, node, SCHEMA.streetAddress, street, None)
    _text(g, node, SCHEMA.postalCode, postal, None)
    _text(g, node, SCHEMA.addressLocality, locality, None)
    g.add((node, SCHEMA.addressCountry, Literal("PL")))


def _institution(g: Graph, iris: Iris, r: Institution, venues: list[Venue]) -> None:
    s = iris.institution(r.id)
    g.add((s, RDF.type, SCHEMA.Organization))
    _text(g, s, SCHEMA.name, r.name)
    _text(g, s, SCHEMA.alternateName, r.short_name)
    _text(g, s, SCHEMA.description, r.description)
    g.add((s, SCHEMA.identifier, Literal(r.id)))
    g.add((s, SCHEMA.additionalType, iris.concept("institution-type", r.type)))
    g.add((s, SCHEMA.parentOrganization, iris.city_government))
    if r.website:
        g.add((s, SCHEMA.url, URIRef(r.website)))
    _text(g, s, SCHEMA.email, r.email, None)
    _text(g, s, SCHEMA.telephone, r.phone, None)
    if r.wikidata:
        g.add((s, SCHEMA.sameAs, URIRef(f"http://www.wikidata.org/entity/{r.wikidata}")))
    for venue in venues:
        g.add((s, SCHEMA.location, iris.venue(venue.id)))
    if r.contact_person or r.contact_email or r.contact_phone:
        c = URIRef(f"{s}#contact")
        g.add((s, SCHEMA.contactPoint, c))
        g.add((c, RDF.type, SCHEMA.ContactPoint))
        g.add((c, SCHEMA.contactType, Literal("współpraca z organizacjami pozarządowymi", lang=PL)))
        g.add((c, SCHEMA.contactType, Literal("cooperation with NGOs", lang=EN)))
        _text(g, c, SCHEMA.name, r.contact_person, None)
        _text(g, c, SCHEMA.email, r.contact_email, None)
        _text(g, c, SCHEMA.telephone, r.contact_phone, None)
    _sources(g, s, r.sources)


def _venue(g: Graph, iris: Iris, r: Venue) -> None:
    s = iris.venue(r.id)
    g.add((s, RDF.type, SCHEMA.Place))
    g.add((s, RDF.type, iris.kfl.Venue))
    _text(g, s, SCHEMA.name, r.name)
    g.add((s, SCHEMA.identifier, Literal(r.id)))
    address = URIRef(f"{s}#address")
    g.add((s, SCHEMA.address, address))
    _address(g, address, r.street, r.postal_code, r.locality)
    g.add((s, SCHEMA.containedInPlace, iris.district(r.district) if r.district else iris.city))
    if r.latitude is not None and r.longitude is not None:
        geo = URIRef(f"{s}#geo")
        g.add((s, SCHEMA.geo, geo))
        g.add((geo, RDF.type, SCHEMA.GeoCoordinates))
        g.add((geo, SCHEMA.latitude, decimal(r.latitude)))
        g.add((geo, SCHEMA.longitude, decimal(r.longitude)))
        geometry = URIRef(f"{s}#geometry")
        g.add((s, GEO.hasGeometry, geometry))
        g.add((geometry, RDF.type, GEO.Geometry))
        g.add(
            (
                geometry,
                GEO.asWKT,
                Literal(f"POINT({decimal(r.longitude)} {decimal(r.latitude)})", datatype=GEO.wktLiteral),
            )
        )
    _text(g, s, SCHEMA.openingHours, r.opening_hours, None)
    if r.step_free is not None:
        g.add((s, iris.kfl.stepFreeAccess, Literal(r.step_free)))
        feature = URIRef(f"{s}#step-free-access")
        g.add((s, SCHEMA.amenityFeature, feature))
        g.add((feature, RDF.type, SCHEMA.LocationFeatureSpecification))
        g.add((feature, SCHEMA.name, Literal("dostęp bez schodów (dla wózków)", lang=PL)))
        g.add((feature, SCHEMA.name, Literal("step-free (wheelchair) access", lang=EN)))
        g.add((feature, SCHEMA.value, Literal(r.step_free)))
    _sources(g, s, r.sources)


def _space(g: Graph, iris: Iris, r: Space) -> None:
    s = iris.space(r.id)
    g.add((s, RDF.type, SCHEMA.Place))
    g.add((s, RDF.type, iris.kfl.Space))
    _text(g, s, SCHEMA.name, r.name)
    _text(g, s, SCHEMA.description, r.description)
    g.add((s, SCHEMA.identifier, Literal(r.id)))
    g.add((s, SCHEMA.containedInPlace, iris.venue(r.venue)))
    g.add((s, iris.kfl.spaceType, iris.concept("space-type", r.type)))
    for mode in r.sharing_modes:
        g.add((s, iris.kfl.sharingMode, iris.concept("sharing-mode", mode)))
    if r.capacity is not None:
        g.add((s, SCHEMA.maximumAttendeeCapacity, Literal(r.capacity, datatype=XSD.integer)))
    if r.area_m2 is not None:
        size = URIRef(f"{s}#floor-size")
        g.add((s, SCHEMA.floorSize, size))
        g.add((size, RDF.type, SCHEMA.QuantitativeValue))
        g.add((size, SCHEMA.value, decimal(r.area_m2)))
        g.add((size, SCHEMA.unitCode, Literal("MTK")))
        g.add((size, SCHEMA.unitText, Literal("m²")))
    for item in r.equipment:
        concept = EQUIPMENT.get(item)
        g.add((s, iris.kfl.equipment, iris.concept("equipment", item)))
        feature = URIRef(f"{s}#equipment-{item}")
        g.add((s, SCHEMA.amenityFeature, feature))
        g.add((feature, RDF.type, SCHEMA.LocationFeatureSpecification))
        g.add((feature, SCHEMA.name, Literal(concept.pl, lang=PL)))
        g.add((feature, SCHEMA.name, Literal(concept.en, lang=EN)))
        g.add((feature, SCHEMA.value, Literal(True)))
        g.add((feature, SCHEMA.additionalType, iris.concept("equipment", item)))
    if r.free_of_charge is not None:
        g.add((s, SCHEMA.isAccessibleForFree, Literal(r.free_of_charge)))
    _text(g, s, iris.kfl.conditions, r.conditions)
    if r.verified is not None:
        g.add((s, iris.kfl.lastVerified, Literal(r.verified, datatype=XSD.date)))
    g.add((s, iris.kfl.illustrative, Literal(r.illustrative)))
    _sources(g, s, r.sources)


def _practice(g: Graph, iris: Iris, r: Practice, records: Records) -> None:
    s = iris.practice(r.id)
    g.add((s, RDF.type, SCHEMA.Event))
    _text(g, s, SCHEMA.name, r.title)
    _text(g, s, SCHEMA.description, r.description)
    g.add((s, SCHEMA.identifier, Literal(r.id)))
    g.add((s, SCHEMA.location, iris.space(r.space)))
    organisation = URIRef(f"{s}#organisation")
    g.add((s, SCHEMA.organizer, organisation))
    g.add((organisation, RDF.type, SCHEMA.NGO))
    _text(g, organisation, SCHEMA.name, r.organisation, None)
    space = next(sp for sp in records.spaces if sp.id == r.space)
    venue = next(v for v in records.venues if v.id == space.venue)
    g.add((s, SCHEMA.organizer, iris.institution(venue.institution)))
    if r.date is not None:
        g.add((s, SCHEMA.startDate, Literal(r.date, datatype=XSD.date)))
    if r.url:
        g.add((s, SCHEMA.url, URIRef(r.url)))
    g.add((s, iris.kfl.illustrative, Literal(r.illustrative)))
