"""Namespaces, IRI minting and the controlled vocabularies (SKOS concept schemes).

The controlled lists live here, once: the source reader checks cells against them, the
mapping publishes them as SKOS concept schemes, the web pages take their labels from the
published schemes.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from . import namespaces

# rdflib's own DCAT, DCTERMS, ... are the same IRIs as namespaces.PREFIXES (a test checks).
SCHEMA = Namespace(namespaces.SCHEMA)
GEO = Namespace(namespaces.GEO)
SH = Namespace(namespaces.SH)
VOID = Namespace(namespaces.VOID)
PROV = Namespace(namespaces.PROV)

__all__ = [
    "SCHEMA",
    "GEO",
    "SH",
    "VOID",
    "PROV",
    "DCAT",
    "DCTERMS",
    "RDF",
    "RDFS",
    "SKOS",
    "XSD",
    "OWL",
    "Concept",
    "Scheme",
    "SCHEMES",
    "DISTRICTS",
    "Iris",
    "roman",
]


@dataclass(frozen=True)
class Concept:
    """One allowed value of a controlled list, with labels and a plain explanation."""

    slug: str
    pl: str
    en: str
    definition_pl: str = ""
    definition_en: str = ""


@dataclass(frozen=True)
class Scheme:
    """A controlled list, published as a skos:ConceptScheme under vocab/{slug}."""

    slug: str
    pl: str
    en: str
    concepts: tuple[Concept, ...]

    def slugs(self) -> list[str]:
        return [c.slug for c in self.concepts]

    def get(self, slug: str) -> Concept:
        return next(c for c in self.concepts if c.slug == slug)


INSTITUTION_TYPES = Scheme(
    "institution-type",
    "Rodzaje instytucji kultury",
    "Types of cultural institution",
    (
        Concept("biblioteka", "biblioteka", "library"),
        Concept("centrum-kultury", "centrum kultury", "culture centre"),
        Concept("osrodek-kultury", "ośrodek kultury", "community culture centre"),
        Concept("teatr", "teatr", "theatre"),
        Concept("muzeum", "muzeum", "museum"),
        Concept("galeria", "galeria", "art gallery"),
        Concept("biuro-festiwalowe", "biuro festiwalowe", "festival office"),
        Concept("orkiestra", "orkiestra", "orchestra"),
    ),
)

SPACE_TYPES = Scheme(
    "space-type",
    "Rodzaje przestrzeni",
    "Types of space",
    (
        Concept(
            "sala-warsztatowa",
            "sala warsztatowa",
            "workshop room",
            "Sala do zajęć warsztatowych i pracy w grupach.",
            "A room for workshops and group work.",
        ),
        Concept(
            "sala-spotkan",
            "sala spotkań",
            "meeting room",
            "Sala na zebrania, spotkania i dyskusje.",
            "A room for meetings and discussions.",
        ),
        Concept(
            "sala-konferencyjna",
            "sala konferencyjna",
            "conference room",
            "Sala na wykłady, prezentacje i konferencje.",
            "A room for lectures, presentations and conferences.",
        ),
        Concept(
            "sala-widowiskowa",
            "sala widowiskowa",
            "event hall",
            "Sala ze sceną lub widownią na wydarzenia, koncerty i spektakle.",
            "A hall with a stage or seating for events, concerts and performances.",
        ),
        Concept(
            "sala-zajec",
            "sala do zajęć",
            "room for classes",
            "Sala do regularnych zajęć: ruchowych, muzycznych, plastycznych.",
            "A room for regular classes: movement, music, art.",
        ),
        Concept(
            "sala-kinowa",
            "sala kinowa",
            "cinema hall",
            "Sala z ekranem i widownią do pokazów filmowych.",
            "A hall with a screen and seats for film screenings.",
        ),
        Concept(
            "przestrzen-wystawiennicza",
            "przestrzeń wystawiennicza",
            "exhibition space",
            "Przestrzeń na wystawy i ekspozycje.",
            "A space for exhibitions.",
        ),
        Concept(
            "sala-prob",
            "sala prób",
            "rehearsal room",
            "Sala do prób teatralnych, muzycznych lub tanecznych.",
            "A room for theatre, music or dance rehearsals.",
        ),
    ),
)

SHARING_MODES = Scheme(
    "sharing-mode",
    "Formy udostępniania",
    "Sharing modes",
    (
        Concept(
            "nieodplatne-uzyczenie",
            "nieodpłatne użyczenie",
            "free use",
            "Instytucja udostępnia salę bez opłat na działania społeczne lub kulturalne.",
            "The institution lends the room free of charge for social or cultural work.",
        ),
        Concept(
            "wspolorganizacja",
            "współorganizacja",
            "co-organisation",
            "Wydarzenie organizujecie razem z instytucją; sala jest jej wkładem.",
            "You organise the event together with the institution; the room is its contribution.",
        ),
        Concept(
            "umowa-o-wspolpracy",
            "umowa o współpracy",
            "cooperation agreement",
            "Stała współpraca na podstawie pisemnej umowy z instytucją.",
            "Ongoing cooperation under a written agreement with the institution.",
        ),
        Concept(
            "odplatny-najem",
            "odpłatny najem",
            "paid rental",
            "Salę można wynająć za opłatą według cennika instytucji.",
            "The room can be rented for a fee according to the institution's price list.",
        ),
        Concept(
            "indywidualne-ustalenia",
            "indywidualne ustalenia",
            "case by case",
            "Warunki ustala się z instytucją w każdej sprawie osobno.",
            "Terms are agreed with the institution case by case.",
        ),
    ),
)

EQUIPMENT = Scheme(
    "equipment",
    "Wyposażenie",
    "Equipment",
    (
        Concept("projektor", "projektor", "projector"),
        Concept("ekran", "ekran", "screen"),
        Concept("naglosnienie", "nagłośnienie", "sound system"),
        Concept("mikrofon", "mikrofon", "microphone"),
        Concept("komputer", "komputer", "computer"),
        Concept("internet", "dostęp do internetu", "internet access"),
        Concept("flipchart", "flipchart", "flip chart"),
        Concept("stoly", "stoły", "tables"),
        Concept("krzesla", "krzesła", "chairs"),
        Concept("scena", "scena", "stage"),
        Concept("oswietlenie-sceniczne", "oświetlenie sceniczne", "stage lighting"),
        Concept("pianino", "pianino lub fortepian", "piano"),
        Concept("lustra", "lustra i drążki baletowe", "mirrors and ballet barres"),
        Concept("aneks-kuchenny", "aneks kuchenny", "kitchenette"),
    ),
)

SCHEMES: dict[str, Scheme] = {s.slug: s for s in (INSTITUTION_TYPES, SPACE_TYPES, SHARING_MODES, EQUIPMENT)}

# How a venue's district is known (not a clerk's column: the build decides, see kfl_lod.districts).
DISTRICT_METHODS = Scheme(
    "district-method",
    "Sposoby ustalenia dzielnicy",
    "How the district is known",
    (
        Concept(
            "stated",
            "podana w źródle",
            "stated by a source",
            "Dzielnicę podaje publiczne źródło (kfl:districtSource).",
            "A public source states the district (kfl:districtSource).",
        ),
        Concept(
            "point-in-polygon",
            "wyliczona ze współrzędnych",
            "derived from the coordinates",
            "Wyliczona przy publikacji: współrzędne lokalizacji leżą w granicach dzielnicy z OpenStreetMap "
            "(© OpenStreetMap contributors, licencja ODbL 1.0, granice pobrane 2026-09-29; kfl:districtSource "
            "wskazuje relację OSM dzielnicy). Przy granicy (kfl:nearDistrictBorder) warto to sprawdzić.",
            "Derived when publishing: the venue's coordinates lie within the district's boundary from OpenStreetMap "
            "(© OpenStreetMap contributors, ODbL 1.0, boundaries fetched 2026-09-29; kfl:districtSource names the "
            "district's OSM relation). Near a border (kfl:nearDistrictBorder) it is worth checking.",
        ),
        Concept(
            "nearest",
            "wyliczona: najbliższa dzielnica",
            "derived: the nearest district",
            "Wyliczona przy publikacji: współrzędne nie leżą w żadnej dzielnicy z OpenStreetMap (uproszczone granice "
            "zostawiają szczeliny), więc przyjęto dzielnicę o najbliższej granicy (© OpenStreetMap contributors, "
            "licencja ODbL 1.0).",
            "Derived when publishing: the coordinates lie in no district from OpenStreetMap (the simplified boundaries "
            "leave slivers), so the district with the nearest border is taken (© OpenStreetMap contributors, ODbL 1.0).",
        ),
    ),
)

# The 18 districts of Kraków (reference/krakow-institutions.md, section 3).
DISTRICTS: dict[int, str] = {
    1: "Stare Miasto",
    2: "Grzegórzki",
    3: "Prądnik Czerwony",
    4: "Prądnik Biały",
    5: "Krowodrza",
    6: "Bronowice",
    7: "Zwierzyniec",
    8: "Dębniki",
    9: "Łagiewniki-Borek Fałęcki",
    10: "Swoszowice",
    11: "Podgórze Duchackie",
    12: "Bieżanów-Prokocim",
    13: "Podgórze",
    14: "Czyżyny",
    15: "Mistrzejowice",
    16: "Bieńczyce",
    17: "Wzgórza Krzesławickie",
    18: "Nowa Huta",
}

_ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(n: int) -> str:
    """Write a district number in Roman numerals.

    >>> roman(18)
    'XVIII'
    """
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out += letters
            n -= value
    return out


class Iris:
    """Mint the IRIs of everything we publish, under one base.

    >>> Iris("https://example.org/kfl/").space("sala-1")
    rdflib.term.URIRef('https://example.org/kfl/space/sala-1')
    """

    def __init__(self, base: str) -> None:
        self.base = base if base.endswith("/") else base + "/"
        self.ns = Namespace(self.base)
        self.kfl = Namespace(namespaces.own_terms(self.base))

    def institution(self, slug: str):
        return self.ns[f"institution/{slug}"]

    def venue(self, slug: str):
        return self.ns[f"venue/{slug}"]

    def space(self, slug: str):
        return self.ns[f"space/{slug}"]

    def practice(self, slug: str):
        return self.ns[f"practice/{slug}"]

    def district(self, number: int):
        return self.ns[f"district/{number}"]

    def scheme(self, scheme: str):
        return self.ns[f"vocab/{scheme}"]

    def concept(self, scheme: str, slug: str):
        return self.ns[f"vocab/{scheme}/{slug}"]

    @property
    def city(self):
        return self.ns["place/krakow"]

    @property
    def city_government(self):
        return self.ns["organization/gmina-miejska-krakow"]

    @property
    def department(self):
        return self.ns["organization/wydzial-kultury"]

    @property
    def dataset(self):
        return self.ns["dataset"]

    @property
    def catalog(self):
        return self.ns["catalog"]
