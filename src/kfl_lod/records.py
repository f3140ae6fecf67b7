"""Dataclasses: the contract between the source tables and the graph.

Values here are already checked and typed; the mapping trusts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Origin:
    """Where a record came from, as the clerk sees it."""

    file: str
    row: int

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}"


@dataclass(frozen=True)
class Institution:
    id: str
    name: str
    type: str
    origin: Origin
    short_name: str = ""
    website: str = ""
    email: str = ""
    phone: str = ""
    contact_person: str = ""  # already empty unless consent was given
    contact_email: str = ""
    contact_phone: str = ""
    wikidata: str = ""
    description: str = ""
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Venue:
    id: str
    institution: str
    name: str
    locality: str
    origin: Origin
    street: str = ""
    postal_code: str = ""
    district: int | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    step_free: bool | None = None
    opening_hours: str = ""
    sources: tuple[str, ...] = ()
    # How the district is known: "stated" (a source says it, district_source names the page) or derived
    # at build time from the coordinates by kfl_lod.districts ("point-in-polygon" or "nearest", with
    # district_source the OpenStreetMap relation and district_border_m the distance to the nearest border).
    district_source: str = ""
    district_method: str = ""
    district_border_m: Decimal | None = None


@dataclass(frozen=True)
class Space:
    id: str
    venue: str
    name: str
    type: str
    illustrative: bool
    origin: Origin
    sharing_modes: tuple[str, ...] = ()  # empty: not stated in the summary
    description: str = ""
    capacity: int | None = None
    area_m2: Decimal | None = None
    equipment: tuple[str, ...] = ()
    free_of_charge: bool | None = None
    conditions: str = ""
    verified: date | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Practice:
    """An example of cooperation between an institution and an NGO (dobre_praktyki)."""

    id: str
    space: str
    organisation: str
    title: str
    illustrative: bool
    origin: Origin
    date: date | None = None
    description: str = ""
    url: str = ""


@dataclass(frozen=True)
class Records:
    """Everything read from the source, sorted by id so the order of rows never matters."""

    institutions: tuple[Institution, ...]
    venues: tuple[Venue, ...]
    spaces: tuple[Space, ...]
    practices: tuple[Practice, ...] = ()
