"""Limits on what the reader takes in, so a hostile or broken file costs bounded time and memory.

Each is far above what the publication needs (a few hundred rows today, 100,000 spaces in
the scale tests) and is documented in docs/source-format.md. A file beyond one is refused
early, with a problem naming the limit, before its content is unpacked or parsed.
"""

from __future__ import annotations

MAX_FILE_BYTES = 64 * 1024 * 1024  # a CSV file or a workbook, as stored (100,000 spaces take about 20 MiB)
MAX_UNPACKED_BYTES = 512 * 1024 * 1024  # a workbook's parts (sheets, shared strings) once unpacked
MAX_SHEETS = 100  # sheets in a workbook
MAX_ROW_NUMBER = 1_048_576  # the last row a spreadsheet has (Excel, LibreOffice)
MAX_COLUMN_NUMBER = 16_384  # the last column a spreadsheet has (XFD)
MAX_ROWS = 200_000  # rows with content in one table
MAX_CELLS = 5_000_000  # cells with content in one sheet or file
MAX_CELL_CHARS = 32_767  # characters in one cell (Excel's own limit)
MAX_ID_CHARS = 100  # characters in an id: it becomes a part of a web address
MAX_PROBLEMS = 1_000  # problems listed; the rest are counted


def mib(size: int) -> str:
    """A size in MiB as people read it.

    >>> mib(256 * 1024 * 1024), mib(1536 * 1024)
    ('256 MiB', '1.5 MiB')
    """
    value = size / 1024 / 1024
    return f"{value:.0f} MiB" if value.is_integer() else f"{value:.1f} MiB"
