"""Turn checked records into the schema.org graph; no I/O.

schema.org first; our own few terms (``def/``) only where schema.org has none, each
labelled in Polish and English. No blank nodes: parts of a record get fragment IRIs
(``venue/x#address``) so the dumps are deterministic and every node can be linked to.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from .districts import CREDIT, ODBL, OSM_COPYRIGHT
from .namespaces import compact, parse_iri, prefixes
from .records import Institution, Origin, Practice, Records, Space, Venue
from .vocab import DISTRICT_METHODS, DISTRICTS, EQUIPMENT, GEO, SCHEMA, SCHEMES, Iris, roman

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
    "institution#general-contact": {
        "schema:email": ("email",),
        "schema:telephone": ("phone",),
        "schema:contactType": ("email_phone_role",),
        "dct:source": ("email_phone_source",),
        "kfl:statedOn": ("email_phone_date",),
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
        "schema:amenityFeature": ("step_free", "lift", "disabled_parking", "induction_loop"),
        "kfl:districtMethod": ("district",),
        "kfl:districtSource": ("district_source",),
        "kfl:districtBorderDistance": ("latitude", "longitude"),
        "kfl:nearDistrictBorder": ("latitude", "longitude"),
        "kfl:accessibilityNote": ("accessibility_note",),
        "kfl:accessibilitySource": ("accessibility_source",),
        "kfl:accessibilityStatedOn": ("accessibility_date",),
        "kfl:nearestStop": ("nearest_stop",),
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
    "venue#step-free-access": {"schema:value": ("step_free",), "dct:source": ("accessibility_source",)},
    "venue#lift": {"schema:value": ("lift",), "dct:source": ("accessibility_source",)},
    "venue#disabled-parking": {"schema:value": ("disabled_parking",), "dct:source": ("accessibility_source",)},
    "venue#induction-loop": {"schema:value": ("induction_loop",), "dct:source": ("accessibility_source",)},
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
        "schema:location": ("space", "venue"),
        "schema:startDate": ("date",),
        "schema:url": ("url",),
        "dct:source": ("url",),
        "kfl:statedOn": ("source_date",),
        "kfl:illustrative": ("illustrative",),
        "schema:organizer": ("organisation",),
    },
    "practice#organisation": {"schema:name": ("organisation",)},
}


def source_fields(focus: str, path: str, shape: str, base: str) -> tuple[str, tuple[str, ...]]:
    """The kind of record a SHACL result is about and the record fields it concerns.

    >>> source_fields("https://x.org/venue/a#address", "https://schema.org/postalCode", "", "https://x.org/")
    ('venue', ('postal_code',))
    >>> source_fields("https://x.org/space/a", "", "https://x.org/shapes#Space-free-but-only-paid", "https://x.org/")
    ('space', ('free_of_charge', 'sharing_modes'))
    """
    kind, _, part = parse_iri(focus, base)
    if not kind:
        return "", ()
    node = f"{kind}#{part.split('-')[0] if part.startswith('equipment-') else part}" if part else kind
    if path:
        key = compact(path, prefixes(base, ("schema", "dct", "geo")))
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
    """An xsd:decimal in its canonical form ("45.5", "200.0"), so every format writes it alike.

    Turtle abbreviates a decimal only when its form has a point; "200" would come back
    from Turtle as "200.0", a different literal.

    >>> decimal(Decimal("200")), decimal(Decimal("45.50")), decimal(Decimal("5E+1"))
    (rdflib.term.Literal('200.0', datatype=...decimal')), rdflib.term.Literal('45.5', datatype=...decimal')), rdflib.term.Literal('50.0', datatype=...decimal')))
    """
    text = format(value.normalize(), "f")
    if "." not in text:
        text += ".0"
    return Literal(text, datatype=XSD.decimal)


NEAR_BORDER = Decimal("10")  # metres: kfl_lod.districts.NEAR_BORDER_M


def stated_date(value: str) -> Literal:
    """A date as precise as its source: xsd:gYear, xsd:gYearMonth or xsd:date.

    >>> [stated_date(v).datatype.rsplit("#")[1] for v in ("2019", "2020-03", "2014-12-05")]
    ['gYear', 'gYearMonth', 'date']
    """
    kind = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(value), XSD.date)
    return Literal(value, datatype=kind)


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
    # Address as stated in reference/krakow-institutions.md, section 0.
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
    if r.email or r.phone:
        # The general e-mail and phone again, as a contact point that says what they are for and where
        # and when a source stated them ("as stated on <date>": many come from old pages).
        c = URIRef(f"{s}#general-contact")
        g.add((s, SCHEMA.contactPoint, c))
        g.add((c, RDF.type, SCHEMA.ContactPoint))
        if r.email_phone_role:
            g.add((c, SCHEMA.contactType, Literal(r.email_phone_role, lang=PL)))
        else:
            g.add((c, SCHEMA.contactType, Literal("kontakt ogólny", lang=PL)))
            g.add((c, SCHEMA.contactType, Literal("general contact", lang=EN)))
        _text(g, c, SCHEMA.email, r.email, None)
        _text(g, c, SCHEMA.telephone, r.phone, None)
        if r.email_phone_source:
            g.add((c, DCTERMS.source, URIRef(r.email_phone_source)))
        if r.email_phone_date:
            g.add((c, iris.kfl.statedOn, stated_date(r.email_phone_date)))
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
    if r.district and r.district_method:
        g.add((s, iris.kfl.districtMethod, iris.concept(DISTRICT_METHODS.slug, r.district_method)))
    if r.district and r.district_source:
        g.add((s, iris.kfl.districtSource, URIRef(r.district_source)))
    if r.district_border_m is not None:
        g.add((s, iris.kfl.districtBorderDistance, decimal(r.district_border_m)))
        g.add((s, iris.kfl.nearDistrictBorder, Literal(r.district_border_m < NEAR_BORDER)))
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
    for fragment, value, pl, en in (
        ("step-free-access", r.step_free, "wejście bez schodów (dla wózków)", "step-free (wheelchair) entrance"),
        ("lift", r.lift, "winda", "lift"),
        (
            "disabled-parking",
            r.disabled_parking,
            "miejsca parkingowe dla osób z niepełnosprawnościami",
            "disabled parking",
        ),
        ("induction-loop", r.induction_loop, "pętla indukcyjna", "induction loop"),
    ):
        if value is None:
            continue
        feature = URIRef(f"{s}#{fragment}")
        g.add((s, SCHEMA.amenityFeature, feature))
        g.add((feature, RDF.type, SCHEMA.LocationFeatureSpecification))
        g.add((feature, SCHEMA.name, Literal(pl, lang=PL)))
        g.add((feature, SCHEMA.name, Literal(en, lang=EN)))
        g.add((feature, SCHEMA.value, Literal(value)))
        if r.accessibility_source:
            g.add((feature, DCTERMS.source, URIRef(r.accessibility_source)))
    _text(g, s, iris.kfl.accessibilityNote, r.accessibility_note)
    if r.accessibility_source:
        g.add((s, iris.kfl.accessibilitySource, URIRef(r.accessibility_source)))
    if r.accessibility_date:
        g.add((s, iris.kfl.accessibilityStatedOn, stated_date(r.accessibility_date)))
    _text(g, s, iris.kfl.nearestStop, r.nearest_stop, None)
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
    space, venue, institution = records.place_of(r)
    if space or venue:
        g.add((s, SCHEMA.location, iris.space(space) if space else iris.venue(venue)))
    organisation = URIRef(f"{s}#organisation")
    g.add((s, SCHEMA.organizer, organisation))
    # The partner is an NGO unless the table says otherwise (residents, a firm, or not known): then it is
    # typed only schema:Thing, claiming nothing (schema:Organization is the institutions' class here).
    g.add((organisation, RDF.type, SCHEMA.Thing if r.organisation_is_ngo is False else SCHEMA.NGO))
    _text(g, organisation, SCHEMA.name, r.organisation, None)
    g.add((s, SCHEMA.organizer, iris.institution(institution)))
    if r.date is not None:
        g.add((s, SCHEMA.startDate, Literal(r.date, datatype=XSD.date)))
    if r.url:
        g.add((s, SCHEMA.url, URIRef(r.url)))
        g.add((s, DCTERMS.source, URIRef(r.url)))
    if r.source_date:
        g.add((s, iris.kfl.statedOn, stated_date(r.source_date)))
    g.add((s, iris.kfl.illustrative, Literal(r.illustrative)))
