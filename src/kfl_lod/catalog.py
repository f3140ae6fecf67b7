"""The DCAT-AP catalog of a release: catalog, dataset, a distribution per dump, the SPARQL service.

Rendered after every other file of the release, because it states their byte sizes and
SHA-256 checksums. Its dates come from the release history (``changes.json``), never from
the clock: ``issued`` is the day of the first release, ``modified`` the day of the release
whose content this is, and a distribution's ``modified`` the first release since which its
bytes have not changed. So rebuilding unchanged content gives the same bytes.

What the national portal's harvester reads (reference/dane-gov-pl-harvesting.md)
shapes the choices: titles and descriptions in Polish and English, ``dct:identifier`` of at
most 36 characters, ``xsd:dateTime`` dates, https URLs from the base, EU vocabulary IRIs in
upper case, every object of a range-checked property typed (DCAT-AP's range shapes see
only this graph). No blank nodes: a checksum is ``{distribution}#checksum``.

Versions are linked the DCAT 3 way without typing old releases as datasets (harvesters
import every ``dcat:Dataset`` they see): the dataset has ``dcat:version``,
``adms:versionNotes``, ``dcat:hasCurrentVersion`` and ``dcat:previousVersion``; each release
``{base}dataset/{version}`` is a ``prov:Entity`` with its own notes and previous version.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from . import namespaces, ntscan, release_record
from .dumps import to_ntriples, to_turtle
from .errors import SettingsError
from .names import (
    CATALOG_JSONLD,
    CATALOG_NTRIPLES,
    CATALOG_RDFXML,
    CATALOG_TURTLE,
    CSV,
    CSV_METADATA,
    GEOJSON,
    JSONLD,
    NTRIPLES,
    TURTLE,
    XLSX,
    media_type,
)
from .publish import sha256_hex
from .rdfio import to_jsonld_prefixed, to_rdfxml
from .settings import Settings
from .vocab import PROV, Iris

DCAT = Namespace(namespaces.DCAT)
DCATAP = Namespace(namespaces.DCATAP)
ADMS = Namespace(namespaces.ADMS)
SPDX = Namespace(namespaces.SPDX)
VCARD = Namespace(namespaces.VCARD)
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"

DATASET_ID = "kfl-przestrzenie-dla-ngo"  # dct:identifier: at most 36 characters (dane.gov.pl)
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
FORUM_DATE = date(2026, 2, 19)
ANNOUNCED = date(2026, 3, 2)


@dataclass(frozen=True)
class Dump:
    """A published data file described as a dcat:Distribution."""

    key: str
    file: str
    format: str  # EU file-type code
    media_type: str  # IANA media type
    title_pl: str
    title_en: str
    pl: str
    en: str


DUMPS = (
    Dump(
        "ttl",
        TURTLE,
        "RDF_TURTLE",
        media_type(TURTLE),
        "Zrzut Turtle (kfl.ttl)",
        "Turtle dump (kfl.ttl)",
        "Cały graf w formacie Turtle.",
        "The whole graph as Turtle.",
    ),
    Dump(
        "nt",
        NTRIPLES,
        "RDF_N_TRIPLES",
        media_type(NTRIPLES),
        "Zrzut N-Triples (kfl.nt)",
        "N-Triples dump (kfl.nt)",
        "Cały graf w formacie N-Triples, wiersze posortowane.",
        "The whole graph as N-Triples, lines sorted.",
    ),
    Dump(
        "jsonld",
        JSONLD,
        "JSON_LD",
        media_type(JSONLD),
        "Zrzut JSON-LD (kfl.jsonld)",
        "JSON-LD dump (kfl.jsonld)",
        "Cały graf w zwięzłym JSON-LD z opublikowanym @context (context.jsonld).",
        "The whole graph as compact JSON-LD with a published @context (context.jsonld).",
    ),
    Dump(
        "csv",
        CSV,
        "CSV",
        media_type(CSV),
        "Tabela przestrzeni CSV (kfl.csv)",
        "CSV table of spaces (kfl.csv)",
        "Wiersz na przestrzeń, z jej lokalizacją i instytucją; kolumny opisuje kfl.csv-metadata.json (CSVW).",
        "A row per space, with its venue and institution; the columns are described by kfl.csv-metadata.json (CSVW).",
    ),
    Dump(
        "xlsx",
        XLSX,
        "XLSX",
        media_type(XLSX),
        "Tabela przestrzeni dla Excela (kfl.xlsx)",
        "Table of spaces for Excel (kfl.xlsx)",
        "Te same wiersze co kfl.csv, w arkuszu: liczby jako liczby, nagłówek zablokowany, z filtrami.",
        "The same rows as kfl.csv, in a workbook: numbers as numbers, header frozen, with filters.",
    ),
    Dump(
        "geojson",
        GEOJSON,
        "GEOJSON",
        media_type(GEOJSON),
        "Mapa lokalizacji GeoJSON (kfl.geojson)",
        "GeoJSON map of venues (kfl.geojson)",
        "Lokalizacje ze współrzędnymi i ich przestrzenie, do map.",
        "The venues with coordinates and their spaces, for maps.",
    ),
)

# EU data themes (http://publications.europa.eu/resource/authority/data-theme), labels pl/en
# as dane.gov.pl's own categories carry them (mcod-backend, categories migration 0011
# "create basic dcat categories"); the English ones agree with several DCAT-AP tools.
THEMES = {
    "AGRI": ("Rolnictwo, rybołówstwo, leśnictwo i żywność", "Agriculture, fisheries, forestry and food"),
    "ECON": ("Gospodarka i finanse", "Economy and finance"),
    "EDUC": ("Edukacja, kultura i sport", "Education, culture and sport"),
    "ENER": ("Energia", "Energy"),
    "ENVI": ("Środowisko", "Environment"),
    "GOVE": ("Rząd i sektor publiczny", "Government and public sector"),
    "HEAL": ("Zdrowie", "Health"),
    "INTR": ("Kwestie międzynarodowe", "International issues"),
    "JUST": ("Sprawiedliwość, ustrój sądów i bezpieczeństwo publiczne", "Justice, legal system and public safety"),
    "REGI": ("Regiony i miasta", "Regions and cities"),
    "SOCI": ("Ludność i społeczeństwo", "Population and society"),
    "TECH": ("Nauka i technologia", "Science and technology"),
    "TRAN": ("Transport", "Transport"),
}
_CODE = re.compile(r"[A-Z][A-Z0-9_]*$")


def _code(iri: str, authority: str, setting: str) -> str:
    """The upper-case code of an EU authority IRI; a clear error otherwise."""
    prefix = EU + authority + "/"
    code = iri[len(prefix) :] if iri.startswith(prefix) else ""
    if not _CODE.match(code):
        raise SettingsError(
            f"setting {setting}: {iri!r} is not an IRI of the EU {authority} vocabulary with an upper-case code, "
            f"e.g. {prefix}{'EDUC' if authority == 'data-theme' else 'POL' if authority == 'language' else 'CC_BY_4_0'}"
        )
    return code


def check_settings(settings: Settings) -> None:
    """Raise SettingsError if the publication metadata in the settings is not usable."""
    for theme in settings.themes:
        if _code(theme, "data-theme", "themes") not in THEMES:
            raise SettingsError(f"setting themes: unknown theme {theme!r}; known codes: {', '.join(sorted(THEMES))}")
    for language in settings.languages:
        _code(language, "language", "languages")
    _code(settings.licence, "licence", "licence")
    for name in ("publisher", "spatial", "contact_url"):
        value = getattr(settings, name)
        if value and not value.startswith(("http://", "https://")):
            raise SettingsError(f"setting {name}: {value!r} must be an http(s) IRI or empty")
    if settings.contact_email and not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+", settings.contact_email):
        raise SettingsError(f"setting contact_email: {settings.contact_email!r} is not an e-mail address")


def dt(day: date | str) -> Literal:
    """A day as xsd:dateTime at midnight: releases are dated by day, the harvester wants dateTime.

    >>> dt("2026-03-02")
    rdflib.term.Literal('2026-03-02T00:00:00', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#dateTime'))
    """
    text = day.isoformat() if isinstance(day, date) else day
    return Literal(f"{text}T00:00:00", datatype=XSD.dateTime)


def distribution_dates(record: dict[str, Any], name: str) -> tuple[str, str]:
    """(issued, modified) of a file: its first release, and the first of the run of releases
    up to now in which its bytes have not changed."""
    releases = record["releases"]
    current = releases[-1]["files"].get(name)
    issued = next((r["date"] for r in releases if name in r.get("files", {})), releases[-1]["date"])
    modified = releases[-1]["date"]
    for r in reversed(releases):
        if r.get("files", {}).get(name) != current:
            break
        modified = r["date"]
    return issued, modified


def illustrative_counts(files: dict[str, bytes], base: str) -> dict[str, int]:
    """How many spaces the data has and how many of them are illustrative."""
    space, flag = f"{base}def/Space", f"{base}def/illustrative"
    spaces: set[str] = set()
    illustrative: set[str] = set()
    nt = files.get(NTRIPLES, b"")
    # Only the lines that may say either are parsed (a byte search first; see ntscan).
    typed = ntscan.quads_with(nt, f" <{RDF.type}> <{space}> ".encode())
    for quad in itertools.chain(typed, ntscan.quads_with(nt, f" <{flag}> ".encode())):
        if isinstance(quad.subject, ox.Triple):  # not in N-Triples 1.1: never a space
            continue
        s, p, o = quad.subject.value, quad.predicate.value, quad.object
        if p == str(RDF.type) and isinstance(o, ox.NamedNode) and o.value == space:
            spaces.add(s)
        elif p == flag and isinstance(o, ox.Literal) and o.value == "true":
            illustrative.add(s)
    return {"spaces": len(spaces), "illustrative": len(spaces & illustrative)}


def to_graph(settings: Settings, files: dict[str, bytes], record: dict[str, Any]) -> Graph:
    """The catalog graph of the release described by ``record``, for the data ``files``."""
    check_settings(settings)
    base = settings.base
    iris = Iris(base)
    g = Graph(bind_namespaces="none")
    for prefix, ns in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("vcard", VCARD),
        ("spdx", SPDX),
        ("adms", ADMS),
        ("prov", PROV),
        ("skos", SKOS),
        ("xsd", XSD),
        ("rdf", RDF),
        ("rdfs", RDFS),
        ("dcatap", DCATAP),
        ("owl", OWL),
    ):
        g.bind(prefix, ns)
    catalog, dataset = iris.catalog, iris.dataset
    first, current = record["releases"][0], record["releases"][-1]
    publisher = _publisher(g, settings, iris)
    contact = _contact(g, settings, dataset)
    licence = _licence(g, settings.licence)
    languages = [_typed(g, lang, DCTERMS.LinguisticSystem) for lang in settings.languages]
    spatial = _typed(g, settings.spatial, DCTERMS.Location)
    if settings.spatial_label:
        g.add((spatial, SKOS.prefLabel, Literal(settings.spatial_label)))
    landing = _typed(g, base, FOAF.Document)

    g.add((catalog, RDF.type, DCAT.Catalog))
    _texts(
        g,
        catalog,
        DCTERMS.title,
        "Katalog danych kfl-lod: przestrzenie instytucji kultury dla NGO w Krakowie",
        "kfl-lod data catalogue: cultural institutions' spaces for NGOs in Kraków",
    )
    _texts(
        g,
        catalog,
        DCTERMS.description,
        "Katalog DCAT-AP zbioru danych o przestrzeniach, które miejskie instytucje kultury Krakowa udostępniają "
        "organizacjom pozarządowym, i punktu dostępowego SPARQL do tych danych.",
        "DCAT-AP catalogue of the dataset of spaces that Kraków's municipal cultural institutions offer to "
        "non-governmental organisations, and of the SPARQL endpoint serving it.",
    )
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, DCAT.dataset, dataset))
    g.add((catalog, DCAT.service, URIRef(f"{base}sparql#service")))
    g.add((catalog, DCTERMS.issued, dt(first["date"])))
    g.add((catalog, DCTERMS.modified, dt(current["date"])))
    g.add((catalog, DCTERMS.license, licence))
    g.add((catalog, DCTERMS.spatial, spatial))
    g.add((catalog, FOAF.homepage, landing))
    for lang in languages:
        g.add((catalog, DCTERMS.language, lang))
    taxonomy = URIRef(EU + "data-theme")
    g.add((catalog, DCAT.themeTaxonomy, taxonomy))
    g.add((taxonomy, RDF.type, SKOS.ConceptScheme))
    g.add((taxonomy, DCTERMS.title, Literal("Data theme", lang="en")))

    counts = illustrative_counts(files, base)
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.identifier, Literal(DATASET_ID)))
    _texts(
        g,
        dataset,
        DCTERMS.title,
        "Przestrzenie miejskich instytucji kultury Krakowa dla organizacji pozarządowych",
        "Spaces in Kraków's municipal cultural institutions for non-governmental organisations",
    )
    _texts(g, dataset, DCTERMS.description, _description_pl(counts), _description_en(counts))
    g.add((dataset, DCTERMS.publisher, publisher))
    g.add((dataset, DCAT.contactPoint, contact))
    g.add((dataset, DCTERMS.issued, dt(first["date"])))
    g.add((dataset, DCTERMS.modified, dt(current["date"])))
    g.add((dataset, DCTERMS.spatial, spatial))
    g.add((dataset, DCAT.landingPage, landing))
    g.add((dataset, DCTERMS.accessRights, _typed(g, EU + "access-right/PUBLIC", DCTERMS.RightsStatement)))
    g.add((dataset, DCTERMS.accrualPeriodicity, _typed(g, EU + "frequency/IRREG", DCTERMS.Frequency)))
    for lang in languages:
        g.add((dataset, DCTERMS.language, lang))
    for theme in settings.themes:
        concept = _typed(g, theme, SKOS.Concept)
        pl, en = THEMES[theme.rsplit("/", 1)[1]]
        _texts(g, concept, SKOS.prefLabel, pl, en)
        g.add((concept, SKOS.inScheme, taxonomy))
        g.add((dataset, DCAT.theme, concept))
    for word in settings.keywords_pl:
        g.add((dataset, DCAT.keyword, Literal(word, lang="pl")))
    for word in settings.keywords_en:
        g.add((dataset, DCAT.keyword, Literal(word, lang="en")))
    g.add((dataset, RDFS.seeAlso, URIRef(f"{base}.well-known/void")))
    _provenance(g, base, dataset, publisher, counts)
    _versions(g, base, dataset, record)
    for dump in DUMPS:
        if dump.file in files:
            _distribution(g, settings, dataset, dump, files[dump.file], record, licence, languages)
    _service(g, settings, dataset, publisher, contact, licence)
    return g


def _texts(g: Graph, s: URIRef, p: URIRef, pl: str, en: str) -> None:
    g.add((s, p, Literal(pl, lang="pl")))
    g.add((s, p, Literal(en, lang="en")))


def _typed(g: Graph, iri: str, cls: URIRef) -> URIRef:
    """An IRI with its class stated: DCAT-AP's range shapes only see this graph."""
    node = URIRef(iri)
    g.add((node, RDF.type, cls))
    return node


def _licence(g: Graph, iri: str) -> URIRef:
    licence = _typed(g, iri, DCTERMS.LicenseDocument)
    if iri.rsplit("/", 1)[1].startswith("CC_BY"):  # every CC BY variant requires attribution
        kind = _typed(g, "http://purl.org/adms/licencetype/Attribution", SKOS.Concept)
        g.add((kind, SKOS.prefLabel, Literal("Attribution", lang="en")))
        g.add((licence, DCTERMS.type, kind))
    return licence


def _publisher(g: Graph, settings: Settings, iris: Iris) -> URIRef:
    agent = URIRef(settings.publisher) if settings.publisher else iris.department
    g.add((agent, RDF.type, FOAF.Agent))
    g.add((agent, RDF.type, FOAF.Organization))
    _texts(g, agent, FOAF.name, settings.publisher_name, settings.publisher_name_en)
    kind = _typed(g, "http://purl.org/adms/publishertype/LocalAuthority", SKOS.Concept)
    g.add((kind, SKOS.prefLabel, Literal("Local Authority", lang="en")))
    g.add((agent, DCTERMS.type, kind))
    return agent


def _contact(g: Graph, settings: Settings, dataset: URIRef) -> URIRef:
    """The contact point: the department's postal address (sourced), e-mail and page if set."""
    contact = URIRef(f"{dataset}#contact")
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(settings.contact_name)))
    if settings.contact_street:
        address = URIRef(f"{dataset}#contact-address")
        g.add((contact, VCARD.hasAddress, address))
        g.add((address, RDF.type, VCARD.Address))
        g.add((address, VCARD["street-address"], Literal(settings.contact_street)))
        if settings.contact_postal_code:
            g.add((address, VCARD["postal-code"], Literal(settings.contact_postal_code)))
        if settings.contact_locality:
            g.add((address, VCARD.locality, Literal(settings.contact_locality)))
        g.add((address, VCARD["country-name"], Literal("Polska", lang="pl")))
    if settings.contact_email:
        g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{settings.contact_email}")))
    if settings.contact_url:
        g.add((contact, VCARD.hasURL, URIRef(settings.contact_url)))
    return contact


def _description_pl(counts: dict[str, int]) -> str:
    return (
        "Sale warsztatowe i spotkań, przestrzenie na wydarzenia i sale do zajęć, które miejskie instytucje kultury "
        "Krakowa udostępniają organizacjom pozarządowym: rodzaj przestrzeni, liczba miejsc, wyposażenie, formy "
        "udostępniania (współorganizacja, umowa o współpracy, indywidualne ustalenia, nieodpłatne użyczenie), "
        "lokalizacja i kontakt. Źródło: zestawienie Wydziału Kultury i Dziedzictwa Narodowego Urzędu Miasta Krakowa "
        "przedstawione na Krakowskim Forum Lokalowym 19 lutego 2026 r. (ul. Dekerta 24) i ogłoszone 2 marca 2026 r.; "
        "każdy wpis wskazuje publiczne strony, z których pochodzą jego fakty (dct:source). "
        f"{counts['illustrative']} z {counts['spaces']} przestrzeni to wpisy ilustracyjne (kfl:illustrative true): "
        "żadne publiczne źródło ich nie potwierdza, pokazują format danych, a nie fakty."
    )


def _description_en(counts: dict[str, int]) -> str:
    return (
        "Workshop and meeting rooms, event spaces and rooms for classes that Kraków's municipal cultural institutions "
        "offer to non-governmental organisations: type of space, capacity, equipment, sharing modes (co-organisation, "
        "cooperation agreements, case by case, free use), venue and contact. Source: the summary by the Department of "
        "Culture and National Heritage of Kraków City Office, presented at the Kraków Local Forum (Krakowskie Forum "
        "Lokalowe) on 19 February 2026 (ul. Dekerta 24) and announced on 2 March 2026; every record names the public "
        "pages its facts come from (dct:source). "
        f"{counts['illustrative']} of the {counts['spaces']} spaces are illustrative records (kfl:illustrative true): "
        "no public source states them; they show the format of the data, not facts."
    )


def _provenance(g: Graph, base: str, dataset: URIRef, publisher: URIRef, counts: dict[str, int]) -> None:
    statement = URIRef(f"{dataset}#provenance")
    g.add((dataset, DCTERMS.provenance, statement))
    g.add((statement, RDF.type, DCTERMS.ProvenanceStatement))
    _texts(
        g,
        statement,
        RDFS.label,
        "Dane pochodzą z zestawienia Wydziału Kultury i Dziedzictwa Narodowego UMK przedstawionego na Krakowskim "
        "Forum Lokalowym 19 lutego 2026 r. przy ul. Dekerta 24 (Wydział Polityki Społecznej, Równości i Zdrowia) "
        f"i ogłoszonego 2 marca 2026 r. Wpisy ilustracyjne ({counts['illustrative']} przestrzeni) mają "
        "kfl:illustrative true.",
        "The data comes from the summary by the Department of Culture and National Heritage of Kraków City Office, "
        "presented at the Kraków Local Forum on 19 February 2026 at ul. Dekerta 24 (Department of Social Policy, "
        f"Equality and Health) and announced on 2 March 2026. Illustrative records ({counts['illustrative']} "
        "spaces) carry kfl:illustrative true.",
    )
    summary = URIRef(f"{dataset}#source-summary")
    g.add((dataset, PROV.wasDerivedFrom, summary))
    g.add((summary, RDF.type, PROV.Entity))
    _texts(
        g,
        summary,
        DCTERMS.title,
        "Zestawienie przestrzeni w miejskich instytucjach kultury dostępnych dla organizacji pozarządowych",
        "Summary of spaces in municipal cultural institutions available to non-governmental organisations",
    )
    g.add((summary, DCTERMS.creator, publisher))
    g.add((summary, DCTERMS.issued, Literal(ANNOUNCED.isoformat(), datatype=XSD.date)))
    forum = URIRef(f"{dataset}#source-forum")
    g.add((forum, RDF.type, PROV.Activity))
    _texts(g, forum, RDFS.label, "Krakowskie Forum Lokalowe, 19 lutego 2026 r.", "Kraków Local Forum, 19 February 2026")
    g.add((forum, DCTERMS.date, Literal(FORUM_DATE.isoformat(), datatype=XSD.date)))
    g.add((forum, PROV.used, summary))
    place = URIRef(f"{dataset}#source-forum-place")
    g.add((forum, PROV.atLocation, place))
    g.add((place, RDF.type, PROV.Location))
    _texts(
        g,
        place,
        RDFS.label,
        "ul. Dekerta 24, Kraków (Wydział Polityki Społecznej, Równości i Zdrowia UMK)",
        "ul. Dekerta 24, Kraków (Department of Social Policy, Equality and Health, Kraków City Office)",
    )


def release_iri(base: str, version: str) -> URIRef:
    """The IRI of one release (a version of the dataset)."""
    return URIRef(f"{base}dataset/{version}")


def _versions(g: Graph, base: str, dataset: URIRef, record: dict[str, Any]) -> None:
    current = record["releases"][-1]
    g.add((dataset, DCAT.version, Literal(current["version"])))
    notes_pl, notes_en = release_record.notes(current)
    _texts(g, dataset, ADMS.versionNotes, notes_pl, notes_en)
    g.add((dataset, DCAT.hasCurrentVersion, release_iri(base, current["version"])))
    if current.get("previous"):
        g.add((dataset, DCAT.previousVersion, release_iri(base, current["previous"])))
    changes_page = _typed(g, f"{base}changes", FOAF.Document)
    g.add((dataset, FOAF.page, changes_page))
    for release in record["releases"]:
        node = release_iri(base, release["version"])
        g.add((node, RDF.type, PROV.Entity))
        g.add((node, DCAT.version, Literal(release["version"])))
        _texts(g, node, RDFS.label, f"Wydanie {release['version']}", f"Release {release['version']}")
        g.add((node, DCTERMS.issued, dt(release["date"])))
        g.add((node, DCTERMS.isVersionOf, dataset))
        notes_pl, notes_en = release_record.notes(release)
        _texts(g, node, ADMS.versionNotes, notes_pl, notes_en)
        if release.get("previous"):
            g.add((node, DCAT.previousVersion, release_iri(base, release["previous"])))
        g.add((node, FOAF.page, _typed(g, f"{base}changes/{release['version']}", FOAF.Document)))


def _distribution(
    g: Graph,
    settings: Settings,
    dataset: URIRef,
    dump: Dump,
    data: bytes,
    record: dict[str, Any],
    licence: URIRef,
    languages: list[URIRef],
) -> None:
    base = settings.base
    dist = URIRef(f"{base}dataset/distribution/{dump.key}")
    url = URIRef(f"{base}dumps/{dump.file}")
    g.add((dataset, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.identifier, Literal(f"{DATASET_ID}-{dump.key}")))
    _texts(g, dist, DCTERMS.title, dump.title_pl, dump.title_en)
    _texts(g, dist, DCTERMS.description, dump.pl, dump.en)
    g.add((dist, DCAT.accessURL, url))
    g.add((dist, DCAT.downloadURL, url))
    g.add((dist, DCAT.mediaType, _typed(g, IANA + dump.media_type, DCTERMS.MediaType)))
    g.add((dist, DCTERMS.format, _typed(g, f"{EU}file-type/{dump.format}", DCTERMS.MediaTypeOrExtent)))
    g.add((dist, DCAT.byteSize, Literal(str(len(data)), datatype=XSD.nonNegativeInteger)))
    checksum = URIRef(f"{dist}#checksum")
    g.add((dist, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, _typed(g, str(SPDX.checksumAlgorithm_sha256), SPDX.ChecksumAlgorithm)))
    g.add((checksum, SPDX.checksumValue, Literal(sha256_hex(data), datatype=XSD.hexBinary)))
    g.add((dist, DCTERMS.license, licence))
    issued, modified = distribution_dates(record, dump.file)
    g.add((dist, DCTERMS.issued, dt(issued)))
    g.add((dist, DCTERMS.modified, dt(modified)))
    availability = _typed(g, EU + "planned-availability/STABLE", SKOS.Concept)
    g.add((availability, SKOS.prefLabel, Literal("stable", lang="en")))
    g.add((dist, DCATAP.availability, availability))
    for lang in languages:
        g.add((dist, DCTERMS.language, lang))
    if dump.key == "csv":
        schema = _typed(g, f"{base}dumps/{CSV_METADATA}", DCTERMS.Standard)
        g.add((dist, DCTERMS.conformsTo, schema))


def _service(
    g: Graph, settings: Settings, dataset: URIRef, publisher: URIRef, contact: URIRef, licence: URIRef
) -> None:
    base = settings.base
    service = URIRef(f"{base}sparql#service")
    endpoint = URIRef(f"{base}sparql")
    g.add((service, RDF.type, DCAT.DataService))
    _texts(g, service, DCTERMS.title, "Punkt dostępowy SPARQL kfl-lod", "kfl-lod SPARQL endpoint")
    _texts(
        g,
        service,
        DCTERMS.description,
        "Zapytania SPARQL 1.1 (GET i POST) do całego grafu i katalogu; wyniki w JSON, XML, CSV, TSV, Turtle, "
        "N-Triples i RDF/XML.",
        "SPARQL 1.1 queries (GET and POST) over the whole graph and the catalogue; results as JSON, XML, CSV, "
        "TSV, Turtle, N-Triples and RDF/XML.",
    )
    g.add((service, DCAT.endpointURL, endpoint))
    g.add((service, DCAT.endpointDescription, endpoint))
    g.add((service, DCAT.servesDataset, dataset))
    g.add((service, DCTERMS.conformsTo, _typed(g, str(SPARQL_PROTOCOL), DCTERMS.Standard)))
    g.add((service, DCTERMS.publisher, publisher))
    g.add((service, DCAT.contactPoint, contact))
    g.add((service, DCTERMS.license, licence))
    g.add((service, DCTERMS.accessRights, URIRef(EU + "access-right/PUBLIC")))
    for theme in settings.themes:
        g.add((service, DCAT.theme, URIRef(theme)))
    for word in ("SPARQL", "linked open data"):
        g.add((service, DCAT.keyword, Literal(word, lang="en")))
    g.add((service, DCAT.keyword, Literal("otwarte dane powiązane", lang="pl")))


CONTEXT = {
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "vcard": str(VCARD),
    "spdx": str(SPDX),
    "adms": str(ADMS),
    "prov": str(PROV),
    "skos": str(SKOS),
    "xsd": str(XSD),
    "rdfs": str(RDFS),
    "dcatap": str(DCATAP),
}


def render(settings: Settings, files: dict[str, bytes], record: dict[str, Any]) -> dict[str, bytes]:
    """The catalog as Turtle, RDF/XML, JSON-LD and N-Triples."""
    g = to_graph(settings, files, record)
    return {
        CATALOG_TURTLE: to_turtle(g),
        CATALOG_RDFXML: to_rdfxml(g),
        CATALOG_JSONLD: to_jsonld_prefixed(g, CONTEXT),
        CATALOG_NTRIPLES: to_ntriples(g),
    }
