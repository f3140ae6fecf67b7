"""Measure what hostile source files cost the reader: wall and CPU seconds, peak memory, the outcome.

Usage (from the repository root): .venv/bin/python bench/bench_hostile_source.py

Each file is written into a temporary folder, then read by ``read_source`` in a fresh
process (so the peak RSS, from wait4, is the reader's own). Prints a Markdown table:

- bundled.xlsx: the bundled source as a workbook, for scale;
- formatted-to-last-row.xlsx: the same, with every row down to 1,048,576 formatted (empty);
- 70M-rows.xlsx: a few KiB claiming a cell in row 70,000,000 (what ran for minutes before);
- 70M-rows.ods: one row with content repeated 70,000,000 times;
- 50MB-cell.csv: a quoted cell of 50 MB over half a million lines.

The machine is shared: the load average is printed beside the figures.
"""

from __future__ import annotations

import csv
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "source"
TABLES = ("instytucje", "lokalizacje", "przestrzenie", "dobre_praktyki")


def rows_of(name: str) -> list[list[str]]:
    with open(BUNDLED / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def xlsx(path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name in TABLES:
        ws = wb.create_sheet(name)
        for row in rows_of(name):
            ws.append([int(v) if v.isdigit() and len(v) < 6 else v for v in row])
    wb.save(path)
    return path


def rewrite_sheet(path: Path, index: int, change) -> None:
    member = f"xl/worksheets/sheet{index}.xml"
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == member:
                with new.open(member, "w", force_zip64=True) as out:
                    for chunk in change(data):
                        out.write(chunk)
            else:
                new.writestr(info, data)
    tmp.replace(path)


def formatted(path: Path) -> Path:
    xlsx(path)
    last = len(rows_of("przestrzenie"))

    def change(xml: bytes):
        head, tail = xml.split(b"</sheetData>")
        yield head
        for start in range(last + 1, 1_048_577, 50_000):
            stop = min(start + 50_000, 1_048_577)
            yield b"".join(b'<row r="%d" s="1" customFormat="1" ht="15"/>' % n for n in range(start, stop))
        yield b"</sheetData>" + tail

    rewrite_sheet(path, 3, change)
    return path


def far_row(path: Path) -> Path:
    xlsx(path)
    far = b'<row r="70000000"><c r="A70000000" t="inlineStr"><is><t>x</t></is></c></row>'

    def change(xml: bytes):
        xml = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:Z70000000"', xml)
        yield xml.replace(b"</sheetData>", far + b"</sheetData>")

    rewrite_sheet(path, 3, change)
    return path


def ods_repeat(path: Path) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="przestrzenie"><table:table-row table:number-rows-repeated="70000000">'
        '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    return path


def big_cell(folder: Path) -> Path:
    source = folder / "source"
    shutil.copytree(BUNDLED, source)
    rows = rows_of("przestrzenie")
    rows[1][rows[0].index("opis")] = "Opis bez końca " + ("x" * 99 + "\n") * (50 * 1024 * 1024 // 100)
    with open(source / "przestrzenie.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return source


READ = (
    "import sys; from pathlib import Path; from kfl_lod.source import read_source; from kfl_lod.errors import SourceError\n"
    "try:\n    r = read_source(Path(sys.argv[1])); print(f'read: {len(r.spaces)} spaces')\n"
    "except SourceError as e:\n    print('refused: ' + ', '.join(sorted({p.code for p in e.problems})))\n"
)


def measure(path: Path) -> tuple[str, float, float, float]:
    """Read ``path`` in a fresh process: (outcome, wall s, CPU s, peak RSS MiB)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", READ, str(path)], stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    outcome = proc.stdout.read().strip()
    proc.stdout.close()
    return outcome, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def size(path: Path) -> str:
    total = sum(p.stat().st_size for p in path.rglob("*")) if path.is_dir() else path.stat().st_size
    return f"{total / 1024:,.0f} KiB" if total < 10 * 1024 * 1024 else f"{total / 1024 / 1024:,.0f} MiB"


CASES = (
    ("bundled.xlsx", "bundled.xlsx", xlsx),
    ("formatted-to-last-row.xlsx", "formatted.xlsx", formatted),
    ("70M-rows.xlsx", "far.xlsx", far_row),
    ("70M-rows.ods", "repeat.ods", ods_repeat),
)


def write(folder: Path) -> None:
    """Write every case into ``folder`` (run in its own process, so the measuring one stays small)."""
    for _, file, make in CASES:
        make(folder / file)
    big_cell(folder)


def main() -> None:
    if sys.argv[1:2] == ["--write"]:
        write(Path(sys.argv[2]))
        return
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        subprocess.run([sys.executable, __file__, "--write", tmp], check=True)
        cases = [(name, folder / file) for name, file, _ in CASES] + [("50MB-cell.csv (folder)", folder / "source")]
        print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}\n")
        print("| file | size | outcome | wall s | CPU s | peak RSS MiB |")
        print("|---|---|---|---:|---:|---:|")
        for name, path in cases:
            outcome, wall, cpu, rss = measure(path)
            print(f"| {name} | {size(path)} | {outcome} | {wall:.2f} | {cpu:.2f} | {rss:.0f} |")
        print(f"\nload average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
