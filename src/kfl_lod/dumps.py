"""Serialise the publication: graph and records in, bytes of each published file out.

Every writer is deterministic: the same graph gives the same bytes, whatever the order
of the source rows or of rdflib's internal sets.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import XSD

from .records import Records
from .source.tables import INSTITUTIONS, PRACTICES, SPACES, VENUES, Table
from .triples import Triples
from .vocab import DISTRICTS, SH, Iris, roman


def to_ntriples(graph: Graph | Triples) -> bytes:
    """N-Triples, lines sorted: byte-identical for the same graph."""
    if isinstance(graph, Triples):  # the build's statements: already N-Triples lines
        return graph.ntriples()
    # Sorted as bytes: UTF-8 keeps the order of code points, so the order is that of the text, without
    # decoding hundreds of megabytes; and only "\n" ends a line (str.splitlines also split at U+2028).
    data = graph.serialize(format="nt", encoding="utf-8")
    lines = sorted({line for line in data.split(b"\n") if line.strip()})
    return b"\n".join(lines) + b"\n"


def to_turtle(graph: Graph | Triples, ntriples: bytes | None = None) -> bytes:
    """Turtle, grouped by subject, everything sorted: byte-identical for the same graph.

    Written by pyoxigraph from the sorted N-Triples (``ntriples`` if the caller has them):
    linear, 0.3 s for 380,000 triples, where rdflib's serializer grows faster than the graph
    (4 s for 50,000 triples) and our own writer in Python took 2.4 s. The order of the lines
    makes the order of the blocks, so the same graph gives the same bytes. No blank nodes.

    >>> from rdflib import Literal, URIRef
    >>> from kfl_lod.vocab import SCHEMA
    >>> g = Graph(bind_namespaces="none"); g.bind("schema", SCHEMA)
    >>> g.add((URIRef("https://example.org/x"), SCHEMA.name, Literal('Sala "A"', lang="pl")))  # doctest: +ELLIPSIS
    <Graph ...>
    >>> print(to_turtle(g).decode())
    @prefix schema: <https://schema.org/> .
    <https://example.org/x> schema:name "Sala \\"A\\""@pl .
    <BLANKLINE>
    """
    data = to_ntriples(graph) if ntriples is None else ntriples
    if _BLANK_NODE.search(data):
        raise ValueError("blank nodes are not published")
    if isinstance(graph, Triples):
        prefixes = graph.prefixes
    else:
        prefixes = {prefix: str(ns) for prefix, ns in graph.namespaces() if prefix}
    return _turtle(data, prefixes)


def _turtle(ntriples: bytes, prefixes: dict[str, str]) -> bytes:
    """Sorted N-Triples as Turtle, declaring only the prefixes whose namespace occurs."""
    used = {prefix: ns for prefix, ns in sorted(prefixes.items()) if b"<" + ns.encode() in ntriples}
    turtle = ox.serialize(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE, prefixes=used)
    assert turtle is not None  # without an output file, serialize returns the bytes
    return turtle


def report_turtle(report, base: str) -> bytes:
    """The SHACL report (a validation.Report) as Turtle, as to_turtle(report.to_graph(base)) writes it."""
    prefixes = {"sh": str(SH), "xsd": str(XSD)}
    return _turtle(report.to_ntriples(base), prefixes)


# A line of N-Triples whose subject or object is a blank node (IRIs hold no spaces in N-Triples).
_BLANK_NODE = re.compile(rb"^(?:_:|<[^>]*> <[^>]*> _:)", re.MULTILINE)
# A prefixed name's local part, kept to a safe subset of Turtle's PN_LOCAL.
_PN_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_IRI_ESCAPE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_STRING_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _header(table: Table, field: str) -> str:
    return table.column(field).header


# kfl.csv's columns, in order: key (what the column holds, "kind.field"; csvw.COLUMNS describes
# each by it) and header. A column taken from the source keeps the clerk's header, read from
# the source tables, so the text is written once; the ids use the headers that name them there.
CSV_TABLE: tuple[tuple[str, str], ...] = (
    ("space.id", _header(PRACTICES, "space")),
    ("space.uri", "przestrzen_uri"),
    *((f"space.{f}", _header(SPACES, f)) for f in ("name", "type", "description", "capacity", "area_m2")),
    *((f"space.{f}", _header(SPACES, f)) for f in ("equipment", "sharing_modes", "free_of_charge", "conditions")),
    *((f"space.{f}", _header(SPACES, f)) for f in ("verified", "illustrative")),
    ("venue.id", _header(SPACES, "venue")),
    ("venue.uri", "lokalizacja_uri"),
    ("venue.name", "lokalizacja_nazwa"),
    *((f"venue.{f}", _header(VENUES, f)) for f in ("street", "postal_code", "locality", "district")),
    ("venue.district_method", "dzielnica_ustalenie"),
    ("venue.district_source", _header(VENUES, "district_source")),
    ("venue.near_border", "dzielnica_przy_granicy"),
    *((f"venue.{f}", _header(VENUES, f)) for f in ("latitude", "longitude", "step_free")),
    *((f"venue.{f}", _header(VENUES, f)) for f in ("lift", "disabled_parking", "induction_loop", "accessibility_note")),
    ("institution.id", _header(VENUES, "institution")),
    ("institution.uri", "instytucja_uri"),
    ("institution.name", "instytucja_nazwa"),
    ("institution.website", "instytucja_www"),
    ("institution.email", _header(INSTITUTIONS, "email")),
    ("institution.phone", _header(INSTITUTIONS, "phone")),
    *((f"institution.{f}", _header(INSTITUTIONS, f)) for f in ("email_phone_role", "email_phone_source")),
    ("institution.email_phone_date", _header(INSTITUTIONS, "email_phone_date")),
)
CSV_COLUMNS = tuple(header for _, header in CSV_TABLE)
CSV_HEADER = dict(CSV_TABLE)  # key -> header in kfl.csv


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("tak" if value else "nie")


def tel_uri(phone: str | None) -> str:
    """A phone number as an RFC 3966 ``tel:`` URI: exact for machines, never a formula in a spreadsheet.

    A number written with ``+48`` would start a cell with ``+``, which Excel and LibreOffice
    take for a formula; the URI keeps every digit and says the same number. A number without
    a country code is a Polish one (the city's institutions), so its context is +48.

    >>> tel_uri("+48 12 616 78 23"), tel_uri("12 616-78-23"), tel_uri("(12) 616 78 23"), tel_uri("")
    ('tel:+48-12-616-78-23', 'tel:12-616-78-23;phone-context=+48', 'tel:(12)-616-78-23;phone-context=+48', '')
    """
    if not phone:
        return ""
    number = re.sub(r"[\s-]+", "-", phone.strip())
    return f"tel:{number}" if number.startswith("+") else f"tel:{number};phone-context=+48"


def _decimal(value: Decimal | None) -> str:
    """A decimal without the clerk's trailing zeros, so a workbook and a CSV give the same bytes.

    >>> _decimal(Decimal("50.092500")), _decimal(Decimal("70")), _decimal(Decimal("45.50")), _decimal(None)
    ('50.0925', '70', '45.5', '')
    """
    return "" if value is None else format(value.normalize(), "f")


def to_csv(records: Records, base: str) -> bytes:
    """One row per space, with its venue and institution beside it."""
    iris = Iris(base)
    venues = {v.id: v for v in records.venues}
    institutions = {i.id: i for i in records.institutions}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for s in records.spaces:
        v = venues[s.venue]
        i = institutions[v.institution]
        # An illustrative room is not the institution's: its row carries no contact, so no one calls about it.
        email, phone = ("", "") if s.illustrative else (i.contact_email or i.email, i.contact_phone or i.phone)
        general = not s.illustrative and not (i.contact_email or i.contact_phone) and bool(i.email or i.phone)
        row = {
            "space.id": s.id,
            "space.uri": iris.space(s.id),
            "space.name": s.name,
            "space.type": s.type,
            "space.description": s.description,
            "space.capacity": s.capacity or "",
            "space.area_m2": _decimal(s.area_m2),
            "space.equipment": ",".join(s.equipment),
            "space.sharing_modes": ",".join(s.sharing_modes),
            "space.free_of_charge": _yes_no(s.free_of_charge),
            "space.conditions": s.conditions,
            "space.verified": s.verified.isoformat() if s.verified else "",
            "space.illustrative": _yes_no(s.illustrative),
            "venue.id": v.id,
            "venue.uri": iris.venue(v.id),
            "venue.name": v.name,
            "venue.street": v.street,
            "venue.postal_code": v.postal_code,
            "venue.locality": v.locality,
            "venue.district": v.district or "",
            "venue.district_method": v.district_method if v.district else "",
            "venue.district_source": v.district_source if v.district else "",
            "venue.near_border": "" if v.district_border_m is None else _yes_no(v.district_border_m < 10),
            "venue.latitude": _decimal(v.latitude),
            "venue.longitude": _decimal(v.longitude),
            "venue.step_free": _yes_no(v.step_free),
            "venue.lift": _yes_no(v.lift),
            "venue.disabled_parking": _yes_no(v.disabled_parking),
            "venue.induction_loop": _yes_no(v.induction_loop),
            "venue.accessibility_note": v.accessibility_note,
            "institution.id": i.id,
            "institution.uri": iris.institution(i.id),
            "institution.name": i.name,
            "institution.website": i.website,
            "institution.email": email,
            "institution.phone": tel_uri(phone),
            "institution.email_phone_role": i.email_phone_role if general else "",
            "institution.email_phone_source": i.email_phone_source if general else "",
            "institution.email_phone_date": i.email_phone_date if general else "",
        }
        writer.writerow([row[key] for key, _ in CSV_TABLE])
    return out.getvalue().encode("utf-8")


def to_geojson(records: Records, base: str) -> bytes:
    """A point per venue with coordinates, with its spaces; venues without them are left out."""
    iris = Iris(base)
    institutions = {i.id: i for i in records.institutions}
    spaces_of: dict[str, list] = {}
    for s in records.spaces:
        spaces_of.setdefault(s.venue, []).append(s)
    features = []
    for v in records.venues:
        if v.latitude is None or v.longitude is None:
            continue
        inst = institutions[v.institution]
        features.append(
            {
                "type": "Feature",
                "id": str(iris.venue(v.id)),
                "geometry": {"type": "Point", "coordinates": [float(v.longitude), float(v.latitude)]},
                "properties": {
                    "id": v.id,
                    "uri": str(iris.venue(v.id)),
                    "nazwa": v.name,
                    "adres": ", ".join(x for x in (v.street, f"{v.postal_code} {v.locality}".strip()) if x),
                    "dzielnica": f"{roman(v.district)} {DISTRICTS[v.district]}" if v.district else None,
                    # "stated" by a source, or derived from the point ("point-in-polygon", "nearest") over
                    # OpenStreetMap's district boundaries (© OpenStreetMap contributors, ODbL 1.0).
                    "dzielnica_ustalenie": v.district_method or None,
                    "dzielnica_zrodlo": v.district_source or None,
                    "dzielnica_przy_granicy": None if v.district_border_m is None else bool(v.district_border_m < 10),
                    "dostep_wozki": v.step_free,
                    "winda": v.lift,
                    "parking_dla_niepelnosprawnych": v.disabled_parking,
                    "petla_indukcyjna": v.induction_loop,
                    "dostepnosc_opis": v.accessibility_note or None,
                    "instytucja": inst.name,
                    "instytucja_uri": str(iris.institution(inst.id)),
                    "przestrzenie": [
                        {
                            "id": s.id,
                            "uri": str(iris.space(s.id)),
                            "nazwa": s.name,
                            "rodzaj": s.type,
                            "liczba_miejsc": s.capacity,
                            "nieodplatnie": s.free_of_charge,
                            "formy_udostepniania": list(s.sharing_modes),
                            "ilustracyjne": s.illustrative,
                        }
                        for s in spaces_of.get(v.id, [])
                    ],
                },
            }
        )
    document: dict = {"type": "FeatureCollection", "features": features}
    if any(v.district_border_m is not None for v in records.venues):
        # A foreign member (RFC 7946, 6.1): derived districts come from OpenStreetMap, which must be credited.
        document["attribution"] = (
            "Dzielnice z dzielnica_ustalenie point-in-polygon/nearest wyliczono z granic dzielnic OpenStreetMap: "
            "© OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)"
        )
    return (json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
