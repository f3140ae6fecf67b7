"""Read the source tables into records: find them, check them, and say every problem at once."""

from __future__ import annotations

from pathlib import Path

from ..districts import derive as derive_districts
from ..errors import SourceError
from ..records import Institution, Origin, Practice, Records, Space, Venue
from .checks import (
    Rows,
    check_table,
    half_coordinates,
    missing_table,
    practice_places,
    real_practices_in_real_spaces,
    references,
    unique,
)
from .files import load_sheets
from .problems import Collector
from .tables import PRACTICES, SPACES, TABLES, VENUES


def read_source(source: Path) -> Records:
    """Read the source tables and check them; raise SourceError listing every problem.

    >>> records = read_source(Path("source"))  # doctest: +SKIP
    """
    problems = Collector()
    source = Path(source)
    sheets, workbook, found = load_sheets(source, problems)
    if not sheets and problems.problems:
        raise SourceError(problems.listed())
    parsed: dict[str, Rows] = {}
    ids: dict[str, dict[str, int] | None] = {}
    labels: dict[str, str] = {}
    for table in TABLES:
        sheet = sheets.get(table.name)
        labels[table.name] = f"{workbook.name}, sheet {table.name}" if workbook else str(source / table.filename)
        rows: Rows | None = None
        if sheet is not None:
            labels[table.name] = sheet.label
            rows = check_table(table, sheet, problems)
        elif table.name in sheets:
            pass  # there, but unreadable: its problems are recorded
        elif table.optional:
            rows = []
        else:
            missing_table(table, source, workbook, found, problems)
        parsed[table.name] = rows or []
        ids[table.name] = None if rows is None else unique(labels[table.name], rows, problems)

    for table in TABLES:
        references(table, parsed[table.name], labels, ids, problems)
    half_coordinates(labels[VENUES.name], parsed[VENUES.name], problems)
    practice_places(labels[PRACTICES.name], parsed[PRACTICES.name], problems)
    examples = {v["id"] for _, v in parsed[SPACES.name] if v.get("illustrative") and "id" in v}
    real_practices_in_real_spaces(labels[PRACTICES.name], parsed[PRACTICES.name], examples, problems)
    if problems.problems:
        raise SourceError(problems.listed())

    def origin(table: str, row: int) -> Origin:
        return Origin(labels[table], row)

    institutions = []
    for row, v in parsed["instytucje"]:
        consent = v.pop("contact_consent", False)
        if not consent:
            v.pop("contact_person", None)  # a person's name is published only with consent
        institutions.append(Institution(origin=origin("instytucje", row), **v))
    venues = [Venue(origin=origin("lokalizacje", row), **v) for row, v in parsed["lokalizacje"]]
    spaces = [Space(origin=origin("przestrzenie", row), **v) for row, v in parsed["przestrzenie"]]
    practices = [Practice(origin=origin("dobre_praktyki", row), **v) for row, v in parsed["dobre_praktyki"]]
    records = Records(
        institutions=tuple(sorted(institutions, key=lambda r: r.id)),
        venues=tuple(sorted(venues, key=lambda r: r.id)),
        spaces=tuple(sorted(spaces, key=lambda r: r.id)),
        practices=tuple(sorted(practices, key=lambda r: r.id)),
    )
    # Every reader of the source sees the same districts: stated ones marked, the others derived
    # from the coordinates (kfl_lod.districts, OpenStreetMap boundaries).
    return derive_districts(records)
