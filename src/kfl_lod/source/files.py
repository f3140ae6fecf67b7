"""Files and sheets: read a CSV folder or a workbook into :class:`Sheet` grids of text.

Nothing here knows what a cell means beyond its shape; row numbers are those the
spreadsheet shows, so every problem points where the clerk looks.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from .limits import MAX_CELL_CHARS, MAX_FILE_BYTES, mib
from .problems import Collector
from .tables import ALL_HEADERS, TABLES, header_key
from .workbooks import Flagged, RawSheet, Refused, read_ods, read_xlsx

# A cell may be as long as the file; the cell-length limit is checked after reading, with its column.
csv.field_size_limit(MAX_FILE_BYTES)

WORKBOOK_SUFFIXES = (".xlsx", ".ods")


@dataclass
class Sheet:
    """A table as read: where it came from and its rows as header -> text."""

    label: str  # "source/przestrzenie.csv" or "zestawienie.xlsx, sheet przestrzenie"
    headers: list[str]
    header_row: int  # as the spreadsheet numbers it, usually 1
    rows: list[tuple[int, dict[str, str]]]  # (row number as the clerk sees it, header -> text)


def read_bytes(path: Path, label: str, problems: Collector) -> bytes | None:
    """A source file's bytes; None, with a problem, if it is too big or cannot be read."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.add("too-big:file", label, size=mib(size), limit=mib(MAX_FILE_BYTES))
            return None
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)  # a file that grows while read stays bounded
    except (OSError, ValueError) as exc:
        problems.add("unreadable-file", label, error=getattr(exc, "strerror", None) or str(exc))
        return None
    if len(data) > MAX_FILE_BYTES:
        problems.add("too-big:file", label, size=f"> {mib(MAX_FILE_BYTES)}", limit=mib(MAX_FILE_BYTES))
        return None
    return data


def _utf16_without_bom(data: bytes) -> bool:
    """Whether text looks like UTF-16 without a BOM: zeros in every other byte of its start.

    >>> _utf16_without_bom("id,nazwa".encode("utf-16-le")), _utf16_without_bom(b"id,nazwa")
    (True, False)
    """
    head = data[:4096]
    if len(head) < 4:
        return False
    even, odd = head[0::2], head[1::2]
    return max(even.count(0) / len(even), odd.count(0) / len(odd)) > 0.3


def _decode(path: Path, label: str, problems: Collector) -> str | None:
    data = read_bytes(path, label, problems)
    if data is None:
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": UTF-16, tab-separated
        problems.add("not-utf8:utf16", label)
        return None
    if data.startswith(b"PK\x03\x04"):  # a zip: a workbook saved under a .csv name
        problems.add("not-utf8:workbook", label)
        return None
    if _utf16_without_bom(data):  # valid UTF-8 byte by byte, but every other byte is NUL
        problems.add("not-utf8:utf16-no-bom", label)
        return None
    try:
        return data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        # Show the word as the clerk typed it: Excel's plain "CSV" is Windows-1250 in Poland,
        # one byte per character, so the byte offset is the character offset.
        start = data.rfind(b"\n", 0, exc.start) + 1
        end = data.find(b"\n", exc.start)
        text_line = data[start : end if end >= 0 else len(data)].decode("cp1250", errors="replace")
        at = exc.start - start
        left = re.search(r'[^,;"\t\r\n]*$', text_line[:at])
        right = re.match(r'[^,;"\t\r\n]*', text_line[at:])
        word = ((left[0] if left else "") + (right[0] if right else "")).strip()[:60]
        row = _row_of_line(data.decode("cp1250", errors="replace"), line)
        problems.add("not-utf8", label, row, None, word, word=word)
        return None


def _row_of_line(text: str, line: int) -> int:
    r"""The spreadsheet row holding a line of a CSV text (cells may span lines).

    >>> _row_of_line('a,b\n"x\ny",1\nz,2\n', 4)
    3
    """
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";" if first.count(";") > first.count(",") else ",")
    try:
        for row, _ in enumerate(reader, start=1):
            if reader.line_num >= line:
                return row
    except csv.Error:
        pass
    return line


def _read_csv(path: Path, label: str, problems: Collector) -> Sheet | None:
    content = _decode(path, label, problems)
    if content is None:
        return None
    if not content.strip():
        problems.add("empty-file", label)
        return None
    first_line = next(line for line in content.splitlines() if line.strip())
    # Excel in a Polish locale saves "CSV" with semicolons; the header row tells which.
    sep = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=sep)
    try:
        grid = [list(cells) for cells in reader]
    except csv.Error as exc:
        problems.add("bad-csv", label, reader.line_num, error=exc)
        return None
    cut = _cut_off_row(content, sep)
    if cut is not None:  # the lenient reader returns the cut cell as if it were whole
        problems.add("cut-off-csv", label, cut)
        return None
    return _sheet_from_grid(grid, label, problems)


def _cut_off_row(content: str, sep: str) -> int | None:
    r"""The row whose quoted cell the text ends inside, if it does.

    >>> _cut_off_row('a,b\n1,"x\ny', ","), _cut_off_row('a,b\n1,"x"\n', ",")
    (2, None)
    """
    if content.count('"') % 2 == 0:
        return None  # every quote closed (a cut cell leaves one unpaired)
    strict = csv.reader(io.StringIO(content, newline=""), delimiter=sep, strict=True)
    rows = 0
    try:
        for _ in strict:
            rows += 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            return rows + 1
    return None


def _cell(value: Any) -> str:
    """A workbook cell as the text a clerk would type into the CSV."""
    if type(value) is str:  # every cell of a CSV: the last line's answer, without the checks before it
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, Flagged):
        return value
    if isinstance(value, bool):
        return "tak" if value else "nie"
    if isinstance(value, float):
        if value != value:  # NaN: an empty cell
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):  # a date cell (pandas Timestamp is a datetime too)
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


# What a cell of some columns looks like, and which hold decimals, to tell where an unquoted
# decimal comma split a row: as the columns declare it.
_CELL_SHAPES = {c.header: c.cell.shape for t in TABLES for c in t.columns if c.cell.shape}
DECIMAL_HEADERS = tuple(dict.fromkeys(c.header for t in TABLES for c in t.columns if c.cell.decimal))


def _shown(value: str, width: int = 100) -> str:
    """A value as a problem quotes it: a long one cut, with how much is left out.

    >>> _shown("x" * 120, 10)
    'xxxxxxxxxx… (110 more characters)'
    """
    return value if len(value) <= width else f"{value[:width]}… ({len(value) - width:,} more characters)"


def column_letter(index: int) -> str:
    """A column as a spreadsheet names it (0 -> 'A', 26 -> 'AA').

    >>> column_letter(0), column_letter(14), column_letter(26)
    ('A', 'O', 'AA')
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _decimal_commas(row: list[str], headers: list[str], extra: int) -> list[tuple[str, str]]:
    """Cells of a too-long row that an unquoted decimal comma split in two: (column, '50,06').

    Found only where the splits fall in decimal columns, explain every extra cell, and leave
    every number and yes/no column of the mended row looking like one.
    """
    found: list[tuple[str, str]] = []
    mended: list[str] = []
    i = 0
    while i < len(row):
        column = len(mended)
        header = headers[column] if column < len(headers) else ""
        if (
            len(found) < extra
            and i + 1 < len(row)
            and header in DECIMAL_HEADERS
            and re.fullmatch(r"-?\d+", row[i])
            and re.fullmatch(r"\d+", row[i + 1])
        ):
            found.append((header, f"{row[i]},{row[i + 1]}"))
            mended.append(f"{row[i]}.{row[i + 1]}")
            i += 2
        else:
            mended.append(row[i])
            i += 1
    if len(found) != extra:
        return []
    for header, cell in zip(headers, mended, strict=False):  # the header may be wider than a short row
        shape = _CELL_SHAPES.get(header)
        if shape and cell.strip() and not shape.fullmatch(cell.strip()):
            return []
    return found


def _merges(sheet: RawSheet) -> list[tuple[int, int, int, int]]:
    """Fill cells merged down one column with their value (as the clerk sees them); return the other merges."""
    across = []
    for first_row, first_col, last_row, last_col in sheet.merges:
        if first_col == last_col:
            value = sheet.rows.get(first_row, {}).get(first_col)
            if value is not None:
                for number in range(first_row + 1, last_row + 1):
                    sheet.rows.setdefault(number, {})[first_col] = value
        else:
            across.append((first_row, first_col, last_row, last_col))
    return across


def _sheet_from_grid(
    grid: list[list[Any]], label: str, problems: Collector, merged: tuple[tuple[int, int, int, int], ...] = ()
) -> Sheet | None:
    """Make a Sheet from rows of cells; row numbers are those the spreadsheet shows.

    ``merged`` are ranges merged across columns: reported if they reach the header row or below.
    """
    cells = [[_cell(c) for c in row] for row in grid]
    start = next((i for i, row in enumerate(cells) if any(row)), None)
    # A title above the header ("Zestawienie sal, stan na 19.02.2026") is one cell: skip it.
    while start is not None and sum(map(bool, cells[start])) == 1:
        later = next((i for i in range(start + 1, len(cells)) if any(cells[i])), None)
        if later is None or sum(map(bool, cells[later])) < 2:
            break
        start = later
    if start is None:
        problems.add("empty-file:table", label)
        return None
    header_row = start + 1
    headers = list(cells[start])
    width = len(headers)  # with trailing empty header cells, which Excel writes for unused columns
    while headers and not headers[-1]:
        headers.pop()  # trailing empty header cells: a spreadsheet's unused columns
    if not any(h in ALL_HEADERS or header_key(h) in ALL_HEADERS for h in headers):
        # Not a header row at all (a record, a title): one problem will say so, not one per cell.
        rows_as_is = [
            (n, {column_letter(i): v for i, v in enumerate(row) if v})
            for n, row in enumerate(cells[start + 1 :], start=header_row + 1)
        ]
        return Sheet(label, [h for h in headers if h], header_row, rows_as_is)
    ok = True
    for first_row, first_col, last_row, last_col in merged:
        if last_row >= header_row:  # a title above the header may be merged; the table may not
            where = f"{column_letter(first_col)}{first_row}:{column_letter(last_col)}{last_row}"
            header = headers[first_col] if first_col < len(headers) else column_letter(first_col)
            problems.add("merged-cells", label, first_row, header or column_letter(first_col), where, cells=where)
            ok = False
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        if header in seen:
            problems.add(
                "duplicate-column", label, header_row, header, header, first=seen[header] + 1, second=index + 1
            )
            ok = False
        elif header:
            seen[header] = index
    rows: list[tuple[int, dict[str, str]]] = []
    for offset, row in enumerate(cells[start + 1 :], start=header_row + 1):
        if len(row) > width:
            # The cells are shifted: checking them one by one would only confuse.
            split = _decimal_commas(row, headers, len(row) - width)
            if split:
                columns = ", ".join(c for c, _ in split)
                split_values = ", ".join(v for _, v in split)
                dots = ", ".join(v.replace(",", ".") for _, v in split)
                problems.add(
                    "extra-cells:decimal-comma",
                    label,
                    offset,
                    columns,
                    split_values,
                    cells=len(row),
                    width=width,
                    values=split_values,
                    columns=columns,
                    dots=dots,
                )
            else:
                problems.add("extra-cells", label, offset, cells=len(row), width=width)
            ok = False
            continue
        values: dict[str, str] = {}
        for index in range(len(row)):
            header = headers[index] if index < len(headers) else ""
            value = row[index]
            if not header:
                if value:
                    problems.add("no-header", label, offset, column_letter(index), _shown(value), header_row=header_row)
                    ok = False
                continue
            if isinstance(value, Flagged):
                if value.kind == "error":
                    problems.add("error-value", label, offset, header, str(value))
                else:
                    problems.add("formula-without-value", label, offset, header, "")
                ok = False
                continue
            if len(value) > MAX_CELL_CHARS:
                lines = value.count("\n") + 1
                # In a CSV, a cell spanning lines past the limit is an unclosed quote, not a long text.
                unclosed = lines > 1 and label.lower().endswith(".csv")
                problems.add(
                    "cell-too-long:quote" if unclosed else "cell-too-long",
                    label,
                    offset,
                    header,
                    _shown(value),
                    length=f"{len(value):,}",
                    lines=f"{lines:,}",
                    limit=f"{MAX_CELL_CHARS:,}",
                )
                ok = False
                continue
            values.setdefault(header, value)
        rows.append((offset, values))
    if not ok:
        return None
    return Sheet(label, [h for h in headers if h], header_row, rows)


def _read_workbook(path: Path, problems: Collector) -> tuple[dict[str, Sheet | None], list[str]]:
    """Read every sheet; return them by table name, and the sheet names as written.

    A visible sheet is taken over a hidden one of the same table; a table found only on a
    hidden sheet is a problem (what is published must be what the clerk sees).
    """
    if read_bytes_size(path, path.name, problems) is None:
        return {}, []
    try:
        raw = read_ods(path) if path.suffix.lower() == ".ods" else read_xlsx(path)
    except Refused as exc:
        problems.add(exc.key, path.name, **exc.facts)
        return {}, []
    chosen: dict[str, RawSheet] = {}
    for sheet in raw:
        key = header_key(sheet.name)  # "Przestrzenie", " dobre praktyki ": the sheet of that table
        if key not in chosen or (chosen[key].hidden and not sheet.hidden):
            chosen[key] = sheet
    sheets: dict[str, Sheet | None] = {}
    for key, sheet in chosen.items():
        label = f"{path.name}, sheet {sheet.name}"
        if sheet.hidden:
            if key in {t.name for t in TABLES}:
                problems.add("hidden-sheet", label, sheet=sheet.name)
                sheets[key] = None
            continue
        across = _merges(sheet)
        sheets[key] = _sheet_from_grid(sheet.grid(), label, problems, tuple(across))
    return sheets, [s.name for s in raw if not s.hidden]


def read_bytes_size(path: Path, label: str, problems: Collector) -> int | None:
    """A workbook's size, None (with a problem) if it is too big or cannot be read."""
    try:
        size = path.stat().st_size
    except (OSError, ValueError) as exc:
        problems.add("unreadable-file", label, error=getattr(exc, "strerror", None) or str(exc))
        return None
    if size > MAX_FILE_BYTES:
        problems.add("too-big:file", label, size=mib(size), limit=mib(MAX_FILE_BYTES))
        return None
    return size


def _outside(path: Path, folder: Path) -> bool:
    """Whether a file in ``folder`` is a link that leads out of it."""
    if not path.is_symlink():
        return False
    try:
        path.resolve(strict=True).relative_to(folder.resolve(strict=True))
    except (OSError, ValueError, RuntimeError):  # elsewhere, dangling or a loop
        return True
    return False


def load_sheets(source: Path, problems: Collector) -> tuple[dict[str, Sheet | None], Path | None, list[str]]:
    """Read every table there is; return the sheets, the workbook they came from (if any) and
    the names of the sheets or CSV files found (for a hint when a table is missing).

    A table that is there but cannot be read maps to None (its problems are recorded).
    """
    try:
        is_file, is_dir = source.is_file(), source.is_dir()
    except (OSError, ValueError):  # a NUL in a settings file's path, a name too long
        is_file = is_dir = False
    if is_file:
        if source.suffix.lower() not in WORKBOOK_SUFFIXES:
            problems.add("bad-source-path", str(source))
            return {}, None, []
        sheets, names = _read_workbook(source, problems)
        return sheets, source, names
    if not is_dir:
        problems.add("missing-source", str(source).replace("\x00", "\\x00"))
        return {}, None, []
    try:
        entries = sorted(source.iterdir())
    except OSError as exc:
        problems.add("unreadable-file", str(source), error=exc.strerror or str(exc))
        return {}, None, []
    # Only files in the folder: a link leading out of it (to /proc/self/environ, say) is
    # refused, and what it points to is never said.
    for p in entries:
        if p.suffix.lower() in (".csv", *WORKBOOK_SUFFIXES) and _outside(p, source):
            problems.add("outside-source", str(p))
    entries = [p for p in entries if not _outside(p, source)]
    # "przestrzenie.csv", or one file named so in other letters ("Przestrzenie.CSV", "dobre praktyki.csv")
    files = [p for p in entries if p.suffix.lower() == ".csv" and p.is_file()]
    csvs = {}
    for t in TABLES:
        alike = [p for p in files if header_key(p.stem) == t.name]
        exact = [p for p in alike if p.name == t.filename]
        if exact or len(alike) == 1:
            csvs[t.name] = (exact or alike)[0]
    if not csvs:
        workbooks = [p for p in entries if p.suffix.lower() in WORKBOOK_SUFFIXES and not p.name.startswith(("~", "."))]
        if len(workbooks) == 1:
            sheets, names = _read_workbook(workbooks[0], problems)
            return sheets, workbooks[0], names
        if len(workbooks) > 1:
            found = ", ".join(p.name for p in workbooks)
            problems.add("many-workbooks", str(source), found=found)
            return {}, None, []
    others = [p.name for p in files if p not in csvs.values()]
    return {name: _read_csv(path, str(path), problems) for name, path in csvs.items()}, None, others
