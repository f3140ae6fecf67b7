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
    # What the general e-mail and phone are for, the page that states them and the date it shows
    # (RRRR, RRRR-MM or RRRR-MM-DD: as precise as the source).
    email_phone_role: str = ""
    email_phone_source: str = ""
    email_phone_date: str = ""
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
    # Accessibility, each only as a source states it (None: not stated), with the page and its date.
    lift: bool | None = None
    disabled_parking: bool | None = None
    induction_loop: bool | None = None
    accessibility_note: str = ""
    accessibility_source: str = ""
    accessibility_date: str = ""
    nearest_stop: str = ""


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
    organisation: str
    title: str
    illustrative: bool
    origin: Origin
    space: str = ""  # where it happened: a space, or else a venue, or else only the institution
    venue: str = ""
    institution: str = ""
    organisation_is_ngo: bool | None = None
    date: date | None = None
    description: str = ""
    url: str = ""  # the page about it: the source
    source_date: str = ""  # the date that page shows (RRRR, RRRR-MM or RRRR-MM-DD)


@dataclass(frozen=True)
class Records:
    """Everything read from the source, sorted by id so the order of rows never matters."""

    institutions: tuple[Institution, ...]
    venues: tuple[Venue, ...]
    spaces: tuple[Space, ...]
    practices: tuple[Practice, ...] = ()

    def without_illustrative(self) -> Records:
        """The real records only: illustrative spaces and good practices left out (setting illustrative = omit)."""
        return Records(
            self.institutions,
            self.venues,
            tuple(s for s in self.spaces if not s.illustrative),
            tuple(p for p in self.practices if not p.illustrative),
        )

    def place_of(self, practice: Practice) -> tuple[str, str, str]:
        """(space, venue, institution) ids of where a good practice happened; the finer ones may be empty."""
        space = next((s for s in self.spaces if s.id == practice.space), None)
        venue_id = space.venue if space else practice.venue
        venue = next((v for v in self.venues if v.id == venue_id), None)
        return (
            space.id if space else "",
            venue.id if venue else "",
            venue.institution if venue else practice.institution,
        )
