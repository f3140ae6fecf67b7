"""CSV on the Web metadata for the published CSV (``kfl.csv-metadata.json``).

Every column of ``dumps.CSV_COLUMNS`` is described here once: titles in Polish and
English, datatype, and how a CSVW processor turns it into the same triples our graph has
(``aboutUrl`` of the thing the cell is about, ``propertyUrl``, ``valueUrl`` for links).
The name follows the CSVW default (``{+url}-metadata.json``), so processors find it next
to ``kfl.csv`` without being told.
"""

from __future__ import annotations

import json
from typing import Any

from .dumps import CSV_COLUMNS

FILE = "kfl.csv-metadata.json"
SCHEMA = "https://schema.org/"
BOOLEAN = {"base": "boolean", "format": "tak|nie"}

# name: (title pl, title en, description en, column properties). Templates use {base}.
_SPACE = "{base}space/{przestrzen_id}"
_VENUE = "{base}venue/{lokalizacja_id}"
_INSTITUTION = "{base}institution/{instytucja_id}"
COLUMNS: dict[str, tuple[str, str, str, dict[str, Any]]] = {
    "przestrzen_id": (
        "identyfikator przestrzeni",
        "space id",
        "Stable id of the space; its URI is made from it.",
        {"datatype": "string", "required": True, "propertyUrl": "{schema}identifier"},
    ),
    "przestrzen_uri": (
        "URI przestrzeni",
        "space URI",
        "The URI of the space (the subject of the row's triples).",
        {"datatype": "anyURI", "suppressOutput": True},
    ),
    "nazwa": (
        "nazwa",
        "name",
        "Name of the space.",
        {"datatype": "string", "required": True, "lang": "pl", "propertyUrl": "{schema}name"},
    ),
    "rodzaj": (
        "rodzaj przestrzeni",
        "space type",
        "Type of space, a slug of the space-type scheme.",
        {
            "datatype": "string",
            "required": True,
            "propertyUrl": "{kfl}spaceType",
            "valueUrl": "{base}vocab/space-type/{rodzaj}",
        },
    ),
    "opis": (
        "opis",
        "description",
        "Description of the space.",
        {"datatype": "string", "lang": "pl", "propertyUrl": "{schema}description"},
    ),
    "liczba_miejsc": (
        "liczba miejsc",
        "capacity",
        "Most people the space holds.",
        {"datatype": {"base": "integer", "minimum": 0}, "propertyUrl": "{schema}maximumAttendeeCapacity"},
    ),
    "powierzchnia_m2": (
        "powierzchnia (m²)",
        "floor area (m²)",
        "Floor area in square metres.",
        {
            "datatype": {"base": "decimal", "minimum": 0},
            "aboutUrl": _SPACE + "#floor-size",
            "propertyUrl": "{schema}value",
        },
    ),
    # Lists: CSVW processors differ on whether a valueUrl is expanded per item or for the
    # joined list, so these are not converted; each slug s is the concept {base}vocab/{scheme}/s.
    "wyposazenie": (
        "wyposażenie",
        "equipment",
        "Equipment: slugs of the equipment scheme, comma-separated; "
        "slug s is the concept {base}vocab/equipment/s (kfl:equipment in the RDF dumps).",
        {"datatype": "string", "separator": ",", "suppressOutput": True},
    ),
    "formy_udostepniania": (
        "formy udostępniania",
        "sharing modes",
        "Sharing modes: slugs of the sharing-mode scheme, comma-separated; slug s is the concept "
        "{base}vocab/sharing-mode/s (kfl:sharingMode in the RDF dumps); empty where the "
        "summary does not state them.",
        {"datatype": "string", "separator": ",", "suppressOutput": True},
    ),
    "nieodplatnie": (
        "nieodpłatnie",
        "free of charge",
        "Whether NGOs can use the space free of charge (tak/nie).",
        {"datatype": BOOLEAN, "propertyUrl": "{schema}isAccessibleForFree"},
    ),
    "warunki": (
        "warunki",
        "conditions",
        "The terms of sharing, in plain words.",
        {"datatype": "string", "lang": "pl", "propertyUrl": "{kfl}conditions"},
    ),
    "zweryfikowano": (
        "data weryfikacji",
        "last verified",
        "The day the entry was last checked with the institution.",
        {"datatype": "date", "propertyUrl": "{kfl}lastVerified"},
    ),
    "ilustracyjne": (
        "dane ilustracyjne",
        "illustrative",
        "tak: no public source states the space; the row illustrates the format, not a fact.",
        {"datatype": BOOLEAN, "required": True, "propertyUrl": "{kfl}illustrative"},
    ),
    "lokalizacja_id": (
        "identyfikator lokalizacji",
        "venue id",
        "Id of the venue (building or branch) of the space.",
        {"datatype": "string", "required": True, "propertyUrl": "{schema}containedInPlace", "valueUrl": _VENUE},
    ),
    "lokalizacja_uri": (
        "URI lokalizacji",
        "venue URI",
        "The URI of the venue.",
        {"datatype": "anyURI", "suppressOutput": True},
    ),
    "lokalizacja_nazwa": (
        "nazwa lokalizacji",
        "venue name",
        "Name of the venue.",
        {"datatype": "string", "lang": "pl", "aboutUrl": _VENUE, "propertyUrl": "{schema}name"},
    ),
    "ulica": (
        "ulica",
        "street",
        "Street address of the venue.",
        {"datatype": "string", "aboutUrl": _VENUE + "#address", "propertyUrl": "{schema}streetAddress"},
    ),
    "kod_pocztowy": (
        "kod pocztowy",
        "postal code",
        "Postal code (NN-NNN).",
        {
            "datatype": {"base": "string", "format": "[0-9]{2}-[0-9]{3}"},
            "aboutUrl": _VENUE + "#address",
            "propertyUrl": "{schema}postalCode",
        },
    ),
    "miejscowosc": (
        "miejscowość",
        "locality",
        "Town of the venue.",
        {"datatype": "string", "aboutUrl": _VENUE + "#address", "propertyUrl": "{schema}addressLocality"},
    ),
    "dzielnica": (
        "dzielnica",
        "district",
        "Number of Kraków's district (1-18).",
        {
            "datatype": {"base": "integer", "minimum": 1, "maximum": 18},
            "aboutUrl": _VENUE,
            "propertyUrl": "{schema}containedInPlace",
            "valueUrl": "{base}district/{dzielnica}",
        },
    ),
    "szerokosc": (
        "szerokość geograficzna",
        "latitude",
        "WGS84 latitude of the venue.",
        {
            "datatype": {"base": "decimal", "minimum": -90, "maximum": 90},
            "aboutUrl": _VENUE + "#geo",
            "propertyUrl": "{schema}latitude",
        },
    ),
    "dlugosc": (
        "długość geograficzna",
        "longitude",
        "WGS84 longitude of the venue.",
        {
            "datatype": {"base": "decimal", "minimum": -180, "maximum": 180},
            "aboutUrl": _VENUE + "#geo",
            "propertyUrl": "{schema}longitude",
        },
    ),
    "dostep_wozki": (
        "dostęp dla wózków",
        "step-free access",
        "Whether the venue can be entered without steps (tak/nie).",
        {"datatype": BOOLEAN, "aboutUrl": _VENUE, "propertyUrl": "{kfl}stepFreeAccess"},
    ),
    "instytucja_id": (
        "identyfikator instytucji",
        "institution id",
        "Id of the institution that runs the venue.",
        {
            "datatype": "string",
            "required": True,
            "aboutUrl": _INSTITUTION,
            "propertyUrl": "{schema}location",
            "valueUrl": _VENUE,
        },
    ),
    "instytucja_uri": (
        "URI instytucji",
        "institution URI",
        "The URI of the institution.",
        {"datatype": "anyURI", "suppressOutput": True},
    ),
    "instytucja_nazwa": (
        "nazwa instytucji",
        "institution name",
        "Name of the institution.",
        {"datatype": "string", "lang": "pl", "aboutUrl": _INSTITUTION, "propertyUrl": "{schema}name"},
    ),
    "instytucja_www": (
        "strona WWW instytucji",
        "institution website",
        "Website of the institution.",
        {"datatype": "anyURI", "aboutUrl": _INSTITUTION, "propertyUrl": "{schema}url", "valueUrl": "{+instytucja_www}"},
    ),
    # Which node these two belong to depends on the row (the contact person's, if given,
    # else the institution's), so they are not converted: the RDF dumps say which.
    "email": (
        "e-mail",
        "e-mail",
        "E-mail for NGOs: the contact person's if given, else the institution's. "
        "Not converted to RDF (see the RDF dumps for which it is).",
        {"datatype": "string", "suppressOutput": True},
    ),
    "telefon": (
        "telefon",
        "phone",
        "Phone for NGOs: the contact person's if given, else the institution's. "
        "Not converted to RDF (see the RDF dumps for which it is).",
        {"datatype": "string", "suppressOutput": True},
    ),
}


def _expand(template: str, base: str) -> str:
    return template.replace("{base}", base).replace("{schema}", SCHEMA).replace("{kfl}", f"{base}def/")


def metadata(base: str, licence: str) -> dict[str, Any]:
    """The CSVW table description of kfl.csv for a publication under ``base``."""
    if set(COLUMNS) != set(CSV_COLUMNS):
        missing = sorted(set(CSV_COLUMNS) - set(COLUMNS))
        extra = sorted(set(COLUMNS) - set(CSV_COLUMNS))
        raise ValueError(f"csvw.COLUMNS does not match dumps.CSV_COLUMNS: missing {missing}, unknown {extra}")
    columns = []
    for name in CSV_COLUMNS:
        title_pl, title_en, description, props = COLUMNS[name]
        column: dict[str, Any] = {
            "name": name,
            # The header cell kfl.csv really has comes first ("und": a column name, of no
            # language), so a processor finds the header compatible; then the readable titles.
            "titles": {"und": name, "pl": title_pl, "en": title_en},
            "dc:description": _expand(description, base),
        }
        for key, value in props.items():
            column[key] = _expand(value, base) if isinstance(value, str) else value
        columns.append(column)
    # Constant triples of every row: the space's classes.
    columns += [
        {"virtual": True, "propertyUrl": "rdf:type", "valueUrl": f"{SCHEMA}Place"},
        {"virtual": True, "propertyUrl": "rdf:type", "valueUrl": f"{base}def/Space"},
    ]
    return {
        # CSVW fixes its prefixes (its schema: is http://schema.org/), so our terms are written in full.
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
        "url": "kfl.csv",
        "dc:title": [
            {"@value": "Przestrzenie miejskich instytucji kultury Krakowa dla NGO", "@language": "pl"},
            {"@value": "Spaces in Kraków's municipal cultural institutions for NGOs", "@language": "en"},
        ],
        "dc:license": {"@id": licence},
        "dialect": {"encoding": "utf-8", "header": True, "delimiter": ",", "lineTerminators": ["\r\n", "\n"]},
        "tableSchema": {
            "columns": columns,
            "primaryKey": "przestrzen_id",
            "aboutUrl": _expand(_SPACE, base),
        },
    }


def render(base: str, licence: str) -> dict[str, bytes]:
    """kfl.csv-metadata.json."""
    data = metadata(base, licence)
    return {FILE: (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")}
