"""The clerk's documentation of the source format matches what the reader accepts."""

from pathlib import Path

import pytest

from kfl_lod.source import TABLES
from kfl_lod.vocab import SCHEMES

DOC = (Path(__file__).resolve().parent.parent / "docs" / "source-format.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.name)
def test_every_column_is_documented(table):
    section = DOC.split(f"`{table.filename}`", 1)[1].split("\n## ", 1)[0]
    rows = [
        [cell.strip() for cell in line.split("|")[1:-1]]
        for line in section.splitlines()
        if line.startswith("| ") and "---" not in line
    ]
    assert [r[0] for r in rows[1:]] == [c.header for c in table.columns]
    assert rows[0][1] == "required"
    assert {r[0]: r[1] for r in rows[1:]} == {c.header: "yes" if c.required else "no" for c in table.columns}


@pytest.mark.parametrize("scheme", SCHEMES.values(), ids=lambda s: s.slug)
def test_every_allowed_value_is_documented(scheme):
    for concept in scheme.concepts:
        assert f"| `{concept.slug}` | {concept.pl} | {concept.en} |" in DOC
