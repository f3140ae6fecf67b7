"""CSV on the Web metadata for the published CSV (``kfl.csv-metadata.json``).

Every column of ``dumps.CSV_TABLE`` is described here once: titles in Polish and
English, datatype, and how a CSVW processor turns it into the same triples our graph has
(``aboutUrl`` of the thing the cell is about, ``propertyUrl``, ``valueUrl`` for links).
The name follows the CSVW default (``{+url}-metadata.json``), so processors find it next
to ``kfl.csv`` without being told.
"""

from __future__ import annotations

import json
from typing import Any

from .dumps import CSV_HEADER, CSV_TABLE
from .names import CSV, CSV_METADATA
from .namespaces import SCHEMA, own_terms
from .source.tables import SPACES

BOOLEAN = {"base": "boolean", "format": "tak|nie"}

# key (dumps.CSV_TABLE): (title pl, title en, description en, column properties). Templates use {base}.
_SPACE = "{base}space/{" + CSV_HEADER["space.id"] + "}"
_VENUE = "{base}venue/{" + CSV_HEADER["venue.id"] + "}"
_INSTITUTION = "{base}institution/{" + CSV_HEADER["institution.id"] + "}"
COLUMNS: dict[str, tuple[str, str, str, dict[str, Any]]] = {
    "space.id": (
        "identyfikator przestrzeni",
        "space id",
        "Stable id of the space; its URI is made from it.",
        {"datatype": "string", "required": True, "propertyUrl": "{schema}identifier"},
    ),
    "space.uri": (
        "URI przestrzeni",
        "space URI",
        "The URI of the space (the subject of the row's triples).",
        {"datatype": "anyURI", "suppressOutput": True},
    ),
    "space.name": (
        "nazwa",
        "name",
        "Name of the space.",
        {"datatype": "string", "required": True, "lang": "pl", "propertyUrl": "{schema}name"},
    ),
    "space.type": (
        "rodzaj przestrzeni",
        "space type",
        "Type of space, a slug of the space-type scheme.",
        {
            "datatype": "string",
            "required": True,
            "propertyUrl": "{kfl}spaceType",
            "valueUrl": "{base}vocab/space-type/{" + CSV_HEADER["space.type"] + "}",
        },
    ),
    "space.description": (
        "opis",
        "description",
        "Description of the space.",
        {"datatype": "string", "lang": "pl", "propertyUrl": "{schema}description"},
    ),
    "space.capacity": (
        "liczba miejsc",
        "capacity",
        "Most people the space holds.",
        {"datatype": SPACES.column("capacity").cell.csvw_datatype(), "propertyUrl": "{schema}maximumAttendeeCapacity"},
    ),
    "space.area_m2": (
        "powierzchnia (m²)",
        "floor area (m²)",
        "Floor area in square metres.",
        {
            "datatype": SPACES.column("area_m2").cell.csvw_datatype(),
            "aboutUrl": _SPACE + "#floor-size",
            "propertyUrl": "{schema}value",
        },
    ),
    # Lists: CSVW processors differ on whether a valueUrl is expanded per item or for the
    # joined list, so these are not converted; each slug s is the concept {base}vocab/{scheme}/s.
    "space.equipment": (
        "wyposażenie",
        "equipment",
        "Equipment: slugs of the equipment scheme, comma-separated; "
        "slug s is the concept {base}vocab/equipment/s (kfl:equipment in the RDF dumps).",
        {"datatype": "string", "separator": ",", "suppressOutput": True},
    ),
    "space.sharing_modes": (
        "formy udostępniania",
        "sharing modes",
        "Sharing modes: slugs of the sharing-mode scheme, comma-separated; slug s is the concept "
        "{base}vocab/sharing-mode/s (kfl:sharingMode in the RDF dumps); empty where the "
        "summary does not state them.",
        {"datatype": "string", "separator": ",", "suppressOutput": True},
    ),
    "space.free_of_charge": (
        "nieodpłatnie",
        "free of charge",
        "Whether NGOs can use the space free of charge (tak/nie).",
        {"datatype": BOOLEAN, "propertyUrl": "{schema}isAccessibleForFree"},
    ),
    "space.conditions": (
        "warunki",
        "conditions",
        "The terms of sharing, in plain words.",
        {"datatype": "string", "lang": "pl", "propertyUrl": "{kfl}conditions"},
    ),
    "space.verified": (
        "data weryfikacji",
        "last verified",
        "The day the entry was last checked with the institution.",
        {"datatype": "date", "propertyUrl": "{kfl}lastVerified"},
    ),
    "space.illustrative": (
        "dane ilustracyjne",
        "illustrative",
        "tak: no public source states the space; the row illustrates the format, not a fact.",
        {"datatype": BOOLEAN, "required": True, "propertyUrl": "{kfl}illustrative"},
    ),
    "venue.id": (
        "identyfikator lokalizacji",
        "venue id",
        "Id of the venue (building or branch) of the space.",
        {"datatype": "string", "required": True, "propertyUrl": "{schema}containedInPlace", "valueUrl": _VENUE},
    ),
    "venue.uri": (
        "URI lokalizacji",
        "venue URI",
        "The URI of the venue.",
        {"datatype": "anyURI", "suppressOutput": True},
    ),
    "venue.name": (
        "nazwa lokalizacji",
        "venue name",
        "Name of the venue.",
        {"datatype": "string", "lang": "pl", "aboutUrl": _VENUE, "propertyUrl": "{schema}name"},
    ),
    "venue.street": (
        "ulica",
        "street",
        "Street address of the venue.",
        {"datatype": "string", "aboutUrl": _VENUE + "#address", "propertyUrl": "{schema}streetAddress"},
    ),
    "venue.postal_code": (
        "kod pocztowy",
        "postal code",
        "Postal code (NN-NNN).",
        {
            "datatype": {"base": "string", "format": "[0-9]{2}-[0-9]{3}"},
            "aboutUrl": _VENUE + "#address",
            "propertyUrl": "{schema}postalCode",
        },
    ),
    "venue.locality": (
        "miejscowość",
        "locality",
        "Town of the venue.",
        {"datatype": "string", "aboutUrl": _VENUE + "#address", "propertyUrl": "{schema}addressLocality"},
    ),
    "venue.district": (
        "dzielnica",
        "district",
        "Number of Kraków's district (1-18).",
        {
            "datatype": {"base": "integer", "minimum": 1, "maximum": 18},
            "aboutUrl": _VENUE,
            "propertyUrl": "{schema}containedInPlace",
            "valueUrl": "{base}district/{" + CSV_HEADER["venue.district"] + "}",
        },
    ),
    "venue.district_method": (
        "sposób ustalenia dzielnicy",
        "how the district is known",
        "stated: a source states the district; point-in-polygon or nearest: derived when publishing from the "
        "venue's coordinates and OpenStreetMap's district boundaries (© OpenStreetMap contributors, ODbL 1.0), "
        "see {base}vocab/district-method.",
        {
            "datatype": {"base": "string", "format": "stated|point-in-polygon|nearest"},
            "aboutUrl": _VENUE,
            "propertyUrl": "{kfl}districtMethod",
            "valueUrl": "{base}vocab/district-method/{" + CSV_HEADER["venue.district_method"] + "}",
        },
    ),
    "venue.district_source": (
        "źródło dzielnicy",
        "source of the district",
        "The page that states the district, or the OpenStreetMap relation of the district it was derived from.",
        {
            "datatype": "anyURI",
            "aboutUrl": _VENUE,
            "propertyUrl": "{kfl}districtSource",
            "valueUrl": "{+" + CSV_HEADER["venue.district_source"] + "}",
        },
    ),
    "venue.near_border": (
        "przy granicy dzielnicy",
        "near a district border",
        "For a derived district: tak if the coordinates lie within 10 m of a district border (worth checking).",
        {"datatype": BOOLEAN, "aboutUrl": _VENUE, "propertyUrl": "{kfl}nearDistrictBorder"},
    ),
    "venue.latitude": (
        "szerokość geograficzna",
        "latitude",
        "WGS84 latitude of the venue.",
        {
            "datatype": {"base": "decimal", "minimum": -90, "maximum": 90},
            "aboutUrl": _VENUE + "#geo",
            "propertyUrl": "{schema}latitude",
        },
    ),
    "venue.longitude": (
        "długość geograficzna",
        "longitude",
        "WGS84 longitude of the venue.",
        {
            "datatype": {"base": "decimal", "minimum": -180, "maximum": 180},
            "aboutUrl": _VENUE + "#geo",
            "propertyUrl": "{schema}longitude",
        },
    ),
    "venue.step_free": (
        "dostęp dla wózków",
        "step-free access",
        "Whether the venue can be entered without steps (tak/nie).",
        {"datatype": BOOLEAN, "aboutUrl": _VENUE, "propertyUrl": "{kfl}stepFreeAccess"},
    ),
    "venue.lift": (
        "winda",
        "lift",
        "Whether the venue has a lift (tak/nie), as a source states it.",
        {"datatype": BOOLEAN, "aboutUrl": _VENUE + "#lift", "propertyUrl": "{schema}value"},
    ),
    "venue.disabled_parking": (
        "parking dla osób z niepełnosprawnościami",
        "disabled parking",
        "Whether the venue has parking places for people with disabilities (tak/nie), as a source states it.",
        {"datatype": BOOLEAN, "aboutUrl": _VENUE + "#disabled-parking", "propertyUrl": "{schema}value"},
    ),
    "venue.induction_loop": (
        "pętla indukcyjna",
        "induction loop",
        "Whether the venue has an induction loop (tak/nie), as a source states it.",
        {"datatype": BOOLEAN, "aboutUrl": _VENUE + "#induction-loop", "propertyUrl": "{schema}value"},
    ),
    "venue.accessibility_note": (
        "dostępność (opis)",
        "accessibility (description)",
        "The venue's accessibility as its source states it (the source and date are in the RDF dumps).",
        {"datatype": "string", "lang": "pl", "aboutUrl": _VENUE, "propertyUrl": "{kfl}accessibilityNote"},
    ),
    "institution.id": (
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
    "institution.uri": (
        "URI instytucji",
        "institution URI",
        "The URI of the institution.",
        {"datatype": "anyURI", "suppressOutput": True},
    ),
    "institution.name": (
        "nazwa instytucji",
        "institution name",
        "Name of the institution.",
        {"datatype": "string", "lang": "pl", "aboutUrl": _INSTITUTION, "propertyUrl": "{schema}name"},
    ),
    "institution.website": (
        "strona WWW instytucji",
        "institution website",
        "Website of the institution.",
        {
            "datatype": "anyURI",
            "aboutUrl": _INSTITUTION,
            "propertyUrl": "{schema}url",
            "valueUrl": "{+" + CSV_HEADER["institution.website"] + "}",
        },
    ),
    # Which node these two belong to depends on the row (the contact person's, if given,
    # else the institution's), so they are not converted: the RDF dumps say which.
    "institution.email": (
        "e-mail",
        "e-mail",
        "E-mail for NGOs: the contact person's if given, else the institution's. "
        "Not converted to RDF (see the RDF dumps for which it is).",
        {"datatype": "string", "suppressOutput": True},
    ),
    "institution.phone": (
        "telefon",
        "phone",
        "Phone for NGOs: the contact person's if given, else the institution's, as an RFC 3966 tel: URI "
        "(tel:+48-12-616-78-23), so that no spreadsheet takes it for a formula. "
        "Not converted to RDF (see the RDF dumps for which it is).",
        {"datatype": "anyURI", "suppressOutput": True},
    ),
    "institution.email_phone_role": (
        "rodzaj kontaktu",
        "contact type",
        "What the institution's general e-mail and phone are for, as the source says (empty for illustrative rows "
        "and when not stated).",
        {
            "datatype": "string",
            "lang": "pl",
            "aboutUrl": _INSTITUTION + "#general-contact",
            "propertyUrl": "{schema}contactType",
        },
    ),
    # Not converted: the csvw processor writes a dct: property IRI as the literal CURIE "dc:source".
    "institution.email_phone_source": (
        "źródło kontaktu",
        "source of the contact",
        "The page that states the institution's general e-mail and phone (dct:source of its #general-contact).",
        {"datatype": "anyURI", "suppressOutput": True},
    ),
    # A year, a month or a day (xsd:gYear, gYearMonth or date in the RDF dumps): CSVW has no such union.
    "institution.email_phone_date": (
        "kontakt podano dnia",
        "contact as stated on",
        "The date the source of the contact shows: RRRR, RRRR-MM or RRRR-MM-DD, as precise as the source "
        "(kfl:statedOn in the RDF dumps). Old dates mean the contact may have changed.",
        {"datatype": {"base": "string", "format": "[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"}, "suppressOutput": True},
    ),
}


def _expand(template: str, base: str) -> str:
    return template.replace("{base}", base).replace("{schema}", SCHEMA).replace("{kfl}", own_terms(base))


def metadata(base: str, licence: str) -> dict[str, Any]:
    """The CSVW table description of kfl.csv for a publication under ``base``."""
    if set(COLUMNS) != set(CSV_HEADER):
        missing = sorted(set(CSV_HEADER) - set(COLUMNS))
        extra = sorted(set(COLUMNS) - set(CSV_HEADER))
        raise ValueError(f"csvw.COLUMNS does not match dumps.CSV_TABLE: missing {missing}, unknown {extra}")
    columns = []
    for key, name in CSV_TABLE:
        title_pl, title_en, description, props = COLUMNS[key]
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
        "url": CSV,
        "dc:title": [
            {"@value": "Przestrzenie miejskich instytucji kultury Krakowa dla NGO", "@language": "pl"},
            {"@value": "Spaces in Kraków's municipal cultural institutions for NGOs", "@language": "en"},
        ],
        "dc:license": {"@id": licence},
        "dialect": {"encoding": "utf-8", "header": True, "delimiter": ",", "lineTerminators": ["\r\n", "\n"]},
        "tableSchema": {
            "columns": columns,
            "primaryKey": CSV_HEADER["space.id"],
            "aboutUrl": _expand(_SPACE, base),
        },
    }


def render(base: str, licence: str) -> dict[str, bytes]:
    """kfl.csv-metadata.json."""
    data = metadata(base, licence)
    return {CSV_METADATA: (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")}
