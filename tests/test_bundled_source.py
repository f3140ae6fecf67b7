"""The bundled source (issue 2, part 2): every municipal institution of the reference, each
fact only as the reference states it, at least two spaces each, every controlled value used,
and every space no source states marked illustrative.

The reference is reference/krakow-institutions.md and krakow-coordinates.md.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from kfl_lod.vocab import DISTRICTS, EQUIPMENT, INSTITUTION_TYPES, SHARING_MODES, SPACE_TYPES, roman

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference"


@pytest.fixture(scope="module")
def reference() -> str:
    paths = [REFERENCE / "krakow-institutions.md", REFERENCE / "krakow-coordinates.md"]
    missing = [p for p in paths if not p.exists()]
    if missing:
        pytest.fail(f"the reference is missing: {missing}")
    return "\n".join(p.read_text(encoding="utf-8") for p in paths)


def table(name: str) -> list[dict[str, str]]:
    with open(ROOT / "source" / f"{name}.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def fact_table(reference: str) -> list[list[str]]:
    """Rows of section 1's fact table: [#, official name, short name, type, seat, ...]."""
    section = reference.split("## 1. Fact table", 1)[1].split("\n## ", 1)[0]
    return [
        [c.strip() for c in line.split("|")[1:-1]] for line in section.splitlines() if re.match(r"^\| \d+ \|", line)
    ]


def test_every_institution_of_the_reference_is_there_once(reference):
    rows = fact_table(reference)
    names = [i["nazwa"] for i in table("instytucje")]
    assert len(rows) == len(names) == len(set(names))
    for row in rows:
        matching = [n for n in names if n in row[1]]
        assert len(matching) == 1, (row[1], matching)


def test_every_fact_is_stated_in_the_reference(reference):
    """Names, websites, contacts, streets, postal codes, coordinates and sources are all in the reference."""
    for i in table("instytucje"):
        assert i["nazwa"] in reference, i["nazwa"]
        if i["strona_www"]:
            domain = re.sub(r"^https?://(www\.)?", "", i["strona_www"]).rstrip("/")
            assert domain in reference, i["strona_www"]
        for column in ("email", "telefon", "kontakt_osoba", "kontakt_email", "kontakt_telefon", "wikidata"):
            assert not i[column] or i[column] in reference, (i["id"], column)
    for v in table("lokalizacje"):
        if v["ulica"]:
            street = re.sub(r"^(ul\.|al\.|pl\.|os\.)\s*", "", v["ulica"])
            assert street in reference, v["ulica"]
        if v["kod_pocztowy"]:
            assert v["kod_pocztowy"] in reference, v["id"]
        if v["szerokosc"]:
            assert f"| {v['szerokosc']} | {v['dlugosc']} |" in reference, v["id"]
    for name in ("instytucje", "lokalizacje", "przestrzenie"):
        for row in table(name):
            for url in row["zrodla"].split():
                assert url in reference, (name, row["id"], url)


def test_sourced_spaces_state_only_what_the_reference_states(reference):
    for s in table("przestrzenie"):
        if s["ilustracyjne"] == "tak":
            continue
        assert s["zrodla"], s["id"]
        if s["liczba_miejsc"]:
            assert re.search(rf"\b{s['liczba_miejsc']}\b", reference), s["id"]
        # the reference states no area, equipment, sharing mode or price for any room
        assert not (s["powierzchnia_m2"] or s["wyposazenie"] or s["formy_udostepniania"] or s["nieodplatnie"]), s["id"]


def test_a_space_is_illustrative_exactly_when_no_source_states_it():
    for s in table("przestrzenie"):
        assert (s["ilustracyjne"] == "tak") == (not s["zrodla"]), s["id"]
        if s["ilustracyjne"] == "tak":
            assert "przykład" in s["nazwa"], s["id"]  # and it says so where it is shown by name
    for p in table("dobre_praktyki"):
        assert p["ilustracyjne"] == "tak" and "przykład" in p["tytul"], p["id"]


def test_every_institution_offers_at_least_two_spaces():
    venue_of = {v["id"]: v["instytucja_id"] for v in table("lokalizacje")}
    spaces = Counter(venue_of[s["lokalizacja_id"]] for s in table("przestrzenie"))
    assert {i["id"]: spaces[i["id"]] for i in table("instytucje") if spaces[i["id"]] < 2} == {}


def test_every_controlled_value_is_used_at_least_once():
    spaces = table("przestrzenie")

    def listed(column: str) -> set[str]:
        return {v.strip() for s in spaces for v in s[column].split(",") if v.strip()}

    assert {s["rodzaj"] for s in spaces} == set(SPACE_TYPES.slugs())
    assert listed("formy_udostepniania") == set(SHARING_MODES.slugs())
    assert listed("wyposazenie") == set(EQUIPMENT.slugs())
    assert {i["typ"] for i in table("instytucje")} == set(INSTITUTION_TYPES.slugs())


def test_the_18_districts_are_those_of_the_reference(reference):
    section = reference.split("## 3. The 18 dzielnice", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| ([IVX]+) \| (.+?) \|$", section, re.MULTILINE)
    assert rows == [(roman(n), name) for n, name in DISTRICTS.items()]
