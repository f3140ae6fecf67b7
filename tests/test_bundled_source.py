"""The bundled source (issue 2, part 2; issue 9): every municipal institution of the reference, each
fact only as the reference states it, at least two spaces each, every controlled value used,
and every space no source states marked illustrative.

The reference is reference/krakow-institutions.md, krakow-coordinates.md and krakow-findings-2026-12.md
(copies of ../shared/reference, see test_reference_copies.py). The findings tag each fact official,
press, weak or secondary: contacts, districts, accessibility, rooms and good practices are taken only
from lines not tagged weak or secondary.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from kfl_lod.districts import locate
from kfl_lod.vocab import DISTRICTS, EQUIPMENT, INSTITUTION_TYPES, SHARING_MODES, SPACE_TYPES, roman

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "reference"


@pytest.fixture(scope="module")
def reference() -> str:
    paths = [REFERENCE / n for n in ("krakow-institutions.md", "krakow-coordinates.md", "krakow-findings-2026-12.md")]
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
        assert not i["zrodlo_kontaktu"] or i["zrodlo_kontaktu"] in reference, i["id"]
    for p in table("dobre_praktyki"):
        assert not p["url"] or p["url"] in reference, p["id"]
    for v in table("lokalizacje"):
        if v["ulica"]:
            street = re.sub(r"^(ul\.|al\.|pl\.|os\.)\s*", "", v["ulica"])
            assert street in reference, v["ulica"]
        if v["kod_pocztowy"]:
            assert v["kod_pocztowy"] in reference, v["id"]
        if v["szerokosc"]:
            pair = (f"| {v['szerokosc']} | {v['dlugosc']} |", f"| {v['szerokosc']}, {v['dlugosc']} |")
            assert any(p in reference for p in pair), v["id"]
        for column in ("zrodlo_dzielnicy", "zrodlo_dostepnosci"):
            assert not v[column] or v[column] in reference, (v["id"], column)
        if v["przystanek"]:
            assert v["przystanek"].removesuffix(" (tramwaj)") in reference, v["id"]
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
        assert (p["ilustracyjne"] == "tak") == (not p["url"]), p["id"]
        if p["ilustracyjne"] == "tak":
            assert "przykład" in p["tytul"] and "przykład" in p["organizacja"], p["id"]


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


# --- issue 9: the facts of krakow-findings-2026-12.md ------------------------------------------

FINDINGS = REFERENCE / "krakow-findings-2026-12.md"
NOT_CITABLE = ("*weak", "*secondary", "not citable", "(weak")


def findings_lines() -> list[str]:
    """Table rows of the findings file, a source cell "same" replaced by the row above's source."""
    out: list[str] = []
    source = ""
    for line in FINDINGS.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| "):
            source = ""
            continue
        cells = line.split(" | ")
        if "same" in cells and source:
            line = line.replace(" | same | ", f" | {source} | ", 1)
        found = re.search(r"\| (https?://\S+)", line)
        if found:
            source = found[1]
        out.append(line)
    return out


def citable(line: str) -> bool:
    """A line the reference does not tag weak or secondary."""
    return not any(tag in line for tag in NOT_CITABLE)


def lines_with(*parts: str) -> list[str]:
    return [line for line in findings_lines() if all(p in line for p in parts)]


def test_every_contact_comes_from_a_citable_line_that_states_it_with_its_date():
    with_contact = [i for i in table("instytucje") if i["email"] or i["telefon"]]
    for i in with_contact:
        values = [v for v in (i["email"], i["telefon"]) if v]
        assert i["zrodlo_kontaktu"], (i["id"], "a contact needs the page that states it")
        lines = [line for line in lines_with(i["zrodlo_kontaktu"], *values) if citable(line)]
        assert lines, (i["id"], "no citable line of the findings states", values, i["zrodlo_kontaktu"])
        if i["data_kontaktu"]:
            assert any(i["data_kontaktu"][:4] in line for line in lines), (i["id"], i["data_kontaktu"])
    # the institutions whose contacts the reference did not find, or found only on weak pages, have none
    none = {
        "biblioteka-krakow",
        "biblioteka-polskiej-piosenki",
        "nowohuckie-centrum-kultury",
        "osrodek-kultury-norwida",
    }
    none |= {"krakowskie-forum-kultury", "teatr-kto", "teatr-variete", "krakowskie-biuro-festiwalowe"}
    none |= {"capella-cracoviensis", "sinfonietta-cracovia", "dworek-bialopradnicki"}  # Dworek's: weak/outdated
    assert {i["id"] for i in with_contact}.isdisjoint(none)
    assert len(with_contact) == 14


def test_stated_districts_come_from_citable_lines_that_name_them():
    stated = [v for v in table("lokalizacje") if v["dzielnica"]]
    for v in stated:
        number = roman(int(v["dzielnica"])) if v["dzielnica"].isdigit() else v["dzielnica"]
        name = DISTRICTS[{roman(n): n for n in DISTRICTS}[number]]
        assert v["zrodlo_dzielnicy"], v["id"]
        lines = [line for line in lines_with(v["id"], f"Dzielnica {number} {name}", v["zrodlo_dzielnicy"])]
        assert lines and all(citable(line) for line in lines), v["id"]
    assert {v["id"] for v in stated} == {
        "variete-siedziba",
        "ckp-solvay",
        "ckp-siedziba",
        "dworek-siedziba",
        "kto-siedziba",
    }


def test_every_venue_with_coordinates_has_a_district_stated_or_derived(records):
    for v in records.venues:
        if v.latitude is None:
            assert v.district_method in ("", "stated"), v.id
            continue
        assert v.district and v.district_method in ("stated", "point-in-polygon", "nearest"), v.id
        if v.district_method != "stated":
            assert v.district_source.startswith("https://www.openstreetmap.org/relation/"), v.id
            assert v.district_border_m is not None
    dworek = next(v for v in records.venues if v.id == "dworek-siedziba")
    assert (
        dworek.district == locate(float(dworek.latitude), float(dworek.longitude)).number == 4
    )  # source and point agree


# Flags and the words a citable line of the findings must use for the venue.
FLAG_WORDS = {
    "dostep_wozki": ("ramp", "thresholds", "adapted"),
    "winda": ("lift",),
    "parking_dla_niepelnosprawnych": ("parking",),
    "petla_indukcyjna": ("induction loop",),
}
# How the findings name a venue that has no id there yet ("NEW ...") or that a line covers with others.
NAMED = {"laznia-dom-utopii": "Dom Utopii"}


def accessibility_lines(v: dict[str, str]) -> list[str]:
    lines = [line for line in lines_with(v["zrodlo_dostepnosci"]) if citable(line)]
    names = (v["id"], NAMED.get(v["id"], v["id"]), "all mk-*" if v["id"].startswith("mk-") else v["id"])
    return [line for line in lines if any(n in line for n in names)]


def test_accessibility_facts_are_only_those_a_citable_line_states():
    venues = [v for v in table("lokalizacje") if any(v[c] for c in (*FLAG_WORDS, "dostepnosc_opis"))]
    for v in venues:
        assert v["zrodlo_dostepnosci"] and v["dostepnosc_opis"], v["id"]
        lines = accessibility_lines(v)
        assert lines, (v["id"], v["zrodlo_dostepnosci"])
        for column, words in FLAG_WORDS.items():
            if v[column]:
                assert any(w in line for line in lines for w in words), (v["id"], column)
        if v["data_dostepnosci"]:
            assert any(v["data_dostepnosci"] in line for line in lines), v["id"]
    assert not any(v["petla_indukcyjna"] for v in venues)  # NCK's loop is only in secondary summaries
    assert len(venues) == 18


def test_the_nck_address_is_the_one_its_bip_page_settles():
    nck = next(v for v in table("lokalizacje") if v["id"] == "nck-siedziba")
    bip = "https://bip.krakow.pl/?bip_id=468&mmi=20436"
    assert nck["ulica"] == "al. Jana Pawła II 232" and bip in nck["zrodla"].split()
    assert lines_with("Address (ambiguity in reference **resolved**)", "al. Jana Pawła II 232", bip)


def test_dom_utopii_is_a_venue_of_laznia_nowa_with_its_rooms():
    utopia = next(v for v in table("lokalizacje") if v["id"] == "laznia-dom-utopii")
    assert (utopia["instytucja_id"], utopia["ulica"]) == ("teatr-laznia-nowa", "os. Szkolne 26")
    assert lines_with("os. Szkolne 26", "https://mapadotacji.gov.pl/projekty/747084")
    rooms = [s for s in table("przestrzenie") if s["lokalizacja_id"] == "laznia-dom-utopii"]
    assert len(rooms) == 3 and all(s["ilustracyjne"] == "nie" for s in rooms)


def test_rooms_from_the_findings_rest_on_citable_lines():
    """A real room whose source is in the findings names a page the findings do not tag weak or secondary."""
    earlier = (REFERENCE / "krakow-institutions.md").read_text(encoding="utf-8")
    for s in table("przestrzenie"):
        if s["ilustracyjne"] == "tak":
            continue
        for url in s["zrodla"].split():
            if url in earlier:
                continue  # a source of the first reference file, which tags its own weak ones
            lines = lines_with(url)
            assert not lines or any(citable(line) for line in lines), (s["id"], url)
    names = {s["nazwa"] for s in table("przestrzenie") if s["ilustracyjne"] == "nie"}
    assert {"Sala Miedziana", "Studio teatralne 209", "Aula", "Sala audiowizualna", "Lektorium"} <= names


def test_real_good_practices_are_the_five_of_the_findings():
    section = FINDINGS.read_text(encoding="utf-8").split("### 0.2 Good-practice examples", 1)[1].split("\n### ", 1)[0]
    rows = [line for line in section.splitlines() if re.match(r"^\| \d+ \|", line)]
    real = [p for p in table("dobre_praktyki") if p["ilustracyjne"] == "nie"]
    assert len(real) == len(rows) == 5
    spaces = {s["id"]: s for s in table("przestrzenie")}
    venues = {v["id"]: v for v in table("lokalizacje")}
    institutions = {i["id"]: i for i in table("instytucje")}
    for p in real:
        row = next((r for r in rows if p["url"] in r), None)
        assert row is not None, p["id"]
        assert p["data_zrodla"][:4] in row, p["id"]
        venue = spaces[p["przestrzen_id"]]["lokalizacja_id"] if p["przestrzen_id"] else p["lokalizacja_id"]
        institution = institutions[venues[venue]["instytucja_id"] if venue else p["instytucja_id"]]
        named = (venue, institution["nazwa_skrocona"], " ".join(institution["nazwa"].split()[-2:]))
        assert any(n and n in row for n in named), (p["id"], named)


def test_illustrative_good_practices_stay_only_where_no_real_one_exists():
    spaces = {s["id"]: s for s in table("przestrzenie")}
    venues = {v["id"]: v for v in table("lokalizacje")}

    def institution(p: dict[str, str]) -> str:
        venue = spaces[p["przestrzen_id"]]["lokalizacja_id"] if p["przestrzen_id"] else p["lokalizacja_id"]
        return venues[venue]["instytucja_id"] if venue else p["instytucja_id"]

    practices = table("dobre_praktyki")
    real = {institution(p) for p in practices if p["ilustracyjne"] == "nie"}
    examples = [p for p in practices if p["ilustracyjne"] == "tak"]
    assert examples and not {institution(p) for p in examples} & real
    for p in examples:  # and an example lives in an example room, never in a real one
        assert spaces[p["przestrzen_id"]]["ilustracyjne"] == "tak", p["id"]


def test_no_illustrative_room_doubles_a_real_room_of_its_type_and_venue():
    rooms = table("przestrzenie")
    real = {(s["lokalizacja_id"], s["rodzaj"]) for s in rooms if s["ilustracyjne"] == "nie"}
    assert [s["id"] for s in rooms if s["ilustracyjne"] == "tak" and (s["lokalizacja_id"], s["rodzaj"]) in real] == []
