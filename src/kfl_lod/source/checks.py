"""Checks over tables: columns as declared, every cell read, ids unique, references resolved."""

from __future__ import annotations

import difflib
import re
import unicodedata
from pathlib import Path
from typing import Any

from .cells import CONTROL, EMAIL_ADDRESS, FORMULA_START, INVISIBLE, TEXT, Invalid
from .files import Sheet
from .problems import Collector, Say
from .tables import PRACTICES, TABLES, VENUES, Table, header_key

# Either kind of character a cell may not hold (CONTROL or INVISIBLE), to look for both at once.
SUSPECT = re.compile(f"{CONTROL.pattern}|{INVISIBLE.pattern}")

Rows = list[tuple[int, dict[str, Any]]]


def _misspelt(unknown: str, missing: list[str]) -> str | None:
    """The missing column an unknown header most likely is (a typo, capitals, spaces, Polish letters)."""
    key = header_key(unknown)
    if key in missing:
        return key
    close = difflib.get_close_matches(key, missing, n=1, cutoff=0.75)
    return close[0] if close else None


def check_table(table: Table, sheet: Sheet, problems: Collector) -> Rows | None:
    """Parse every cell of a table; None if its columns are wrong, so nothing can be checked."""
    known = {c.header for c in table.columns}
    expected = ", ".join(c.header for c in table.columns)
    missing = [c.header for c in table.columns if c.header not in sheet.headers]
    may_be_absent = {c.header for c in table.columns if c.optional_header}
    unknown = [h for h in sheet.headers if h not in known]
    if not known & ({*sheet.headers} | {header_key(h) for h in sheet.headers}):
        # Not one known column: this is not the header row (a title above it?), one problem says so.
        below = next((row for row, values in sheet.rows[:10] if known & {v.strip() for v in values.values()}), None)
        hint = Say(
            f"; row {below} looks like the header: delete the rows above it" if below else "",
            f"; wiersz {below} wygląda na nagłówek: usuń wiersze nad nim" if below else "",
        )
        found = ", ".join(sheet.headers[:3]) + ("…" if len(sheet.headers) > 3 else "")
        problems.add(
            "no-header-row", sheet.label, sheet.header_row, None, found, found=found, hint=hint, expected=expected
        )
        return None
    for header in unknown:
        meant = _misspelt(header, missing)
        if meant:  # one mistake, one problem: not also "column ... is missing"
            missing.remove(meant)
            problems.add("misspelt-column", sheet.label, sheet.header_row, header, header, meant=meant)
        else:
            problems.add("unknown-column", sheet.label, sheet.header_row, header, header, expected=expected)
    for header in missing:
        if header not in may_be_absent:
            problems.add("missing-column", sheet.label, sheet.header_row, header, header=header, expected=expected)
    if any(c.header not in sheet.headers and c.header not in may_be_absent for c in table.columns):
        return None
    parsed: Rows = []
    headers = [c.header for c in table.columns]
    # Per column, once: whether it is free text (compared per cell, it was a fifth of reading 35,000 spaces).
    texts = {c.header: c.cell in (TEXT, EMAIL_ADDRESS) for c in table.columns}
    for row_number, raw in sheet.rows:
        if not any(raw.get(h, "") for h in headers):
            continue  # a blank row
        values: dict[str, Any] = {}
        for column in table.columns:
            cell = raw.get(column.header, "").strip()
            if not cell:
                if column.required:
                    problems.add("required", sheet.label, row_number, column.header, "")
                continue
            if SUSPECT.search(cell):  # one search for the usual cell; which character, only if there is one
                control = CONTROL.search(cell)
                if control:
                    code = f"U+{ord(control.group()):04X}"
                    problems.add("control-character", sheet.label, row_number, column.header, cell, code=code)
                    continue
                invisible = INVISIBLE.search(cell)
                if invisible:
                    char = invisible.group()
                    problems.add(
                        "invisible-character",
                        sheet.label,
                        row_number,
                        column.header,
                        cell,
                        code=f"U+{ord(char):04X}",
                        name=unicodedata.name(char, "invisible").lower(),
                        position=invisible.start() + 1,
                    )
                    continue
            # Free text (and e-mails, whose local part may start so) is published in kfl.csv as written.
            if texts[column.header] and cell.startswith(FORMULA_START):
                problems.add("formula-text", sheet.label, row_number, column.header, cell, char=cell[0])
                continue
            try:
                values[column.field] = column.parse(cell)
            except Invalid as exc:
                problems.add(
                    "invalid-value", sheet.label, row_number, column.header, cell, expected=Say(str(exc), exc.pl)
                )
        parsed.append((row_number, values))
    if not parsed and not table.optional:
        problems.add("empty-file:no-records", sheet.label)
        return None
    return parsed


def unique(label: str, rows: Rows, problems: Collector) -> dict[str, int] | None:
    """Check that ids are unique; return id -> row, or None if some id is missing or invalid.

    References into a table with a bad id are not checked: the one fix (the id) would
    otherwise be reported once more for every row that points at it.
    """
    seen: dict[str, int] = {}
    complete = True
    for row, values in rows:
        key = values.get("id")
        if key is None:
            complete = False
            continue
        if key in seen:
            problems.add("duplicate-id", label, row, "id", key, first=seen[key])
        else:
            seen[key] = row
    return seen if complete else None


def references(
    table: Table, rows: Rows, labels: dict[str, str], ids: dict[str, dict[str, int] | None], problems: Collector
) -> None:
    """Check that every id a column of ``table`` points with is an id of the table it names."""
    for column in table.columns:
        if column.references is None:
            continue
        targets = ids[column.references]
        if targets is None:
            continue  # the target table could not be read; its own problems say why
        for row, values in rows:
            ref = values.get(column.field)
            if ref is not None and ref not in targets:
                close = difflib.get_close_matches(ref, list(targets), n=1, cutoff=0.8)
                hint = Say(
                    f" (perhaps {close[0]!r}, row {targets[close[0]]})" if close else "",
                    f" (może {close[0]!r}, wiersz {targets[close[0]]})" if close else "",
                )
                problems.add(
                    "unknown-reference",
                    labels[table.name],
                    row,
                    column.header,
                    ref,
                    target=labels[column.references],
                    hint=hint,
                )


def half_coordinates(label: str, rows: Rows, problems: Collector) -> None:
    """Check that a venue gives both coordinates or neither."""
    latitude, longitude = VENUES.column("latitude").header, VENUES.column("longitude").header
    for row, values in rows:
        if ("latitude" in values) != ("longitude" in values):
            have, lack = (latitude, longitude) if "latitude" in values else (longitude, latitude)
            problems.add("half-coordinates", label, row, lack, "", have=have)


def missing_table(table: Table, source: Path, workbook: Path | None, found: list[str], problems: Collector) -> None:
    """Say that a table is missing, with the sheets or files that are there and the likely one."""
    names = [n for n in found if header_key(Path(n).stem) not in {t.name for t in TABLES}]
    close = [n for n in names if table.name in header_key(Path(n).stem)] or difflib.get_close_matches(
        table.name, names, n=1, cutoff=0.6
    )
    if workbook is not None:
        where = workbook.name
        what_en, what_pl = f"the workbook has no sheet named {table.name}", f"w skoroszycie nie ma arkusza {table.name}"
        have_en = f"; its sheets: {', '.join(found)}" if found else ""
        have_pl = f"; arkusze w pliku: {', '.join(found)}" if found else ""
        need_en = (
            f"expected one sheet per table: {', '.join(t.name for t in TABLES)} ({PRACTICES.name} may be left out)"
        )
        need_pl = f"potrzebny jest arkusz dla każdej tabeli: {', '.join(t.name for t in TABLES)} ({PRACTICES.name} można pominąć)"
        fix_en = f" (rename the sheet {close[0]!r} to {table.name}?)" if close else ""
        fix_pl = f" (zmień nazwę arkusza {close[0]!r} na {table.name}?)" if close else ""
    else:
        where = str(source / table.filename)
        what_en, what_pl = f"the table {table.name} is missing", f"brakuje tabeli {table.name}"
        have_en = f"; other CSV files there: {', '.join(names)}" if names else ""
        have_pl = f"; inne pliki CSV w folderze: {', '.join(names)}" if names else ""
        need_en, need_pl = (
            f"expected {table.filename} in {source}",
            f"w folderze {source} musi być plik {table.filename}",
        )
        fix_en = f" (rename {close[0]!r} to {table.filename}?)" if close else ""
        fix_pl = f" (zmień nazwę {close[0]!r} na {table.filename}?)" if close else ""
    problems.add(
        "missing-table",
        where,
        what=Say(what_en, what_pl),
        have=Say(have_en, have_pl),
        need=Say(need_en, need_pl),
        fix=Say(fix_en, fix_pl),
    )


def practice_places(label: str, rows: Rows, problems: Collector) -> None:
    """Check that a good practice names exactly one place: a space, a venue or an institution."""
    columns = [PRACTICES.column(f).header for f in ("space", "venue", "institution")]
    for row, values in rows:
        given = [c for c, f in zip(columns, ("space", "venue", "institution"), strict=True) if f in values]
        if len(given) != 1:
            have = Say(
                f"{', '.join(given)} are all given" if given else "no place is given",
                f"wypełniono naraz: {', '.join(given)}" if given else "nie podano miejsca",
            )
            problems.add("practice-place", label, row, columns[0], "", have=have)


def real_practices_in_real_spaces(label: str, rows: Rows, examples: set[str], problems: Collector) -> None:
    """Check that a real good practice never points at an illustrative space (omit would drop its place)."""
    header = PRACTICES.column("space").header
    for row, values in rows:
        if values.get("illustrative") is False and values.get("space") in examples:
            problems.add("real-practice-in-example-space", label, row, header, values["space"])
