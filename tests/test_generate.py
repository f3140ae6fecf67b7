"""kfl-lod generate: a valid, illustrative source of any size, the same bytes for a seed."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import requests

from kfl_lod.build import build
from kfl_lod.generate import counts, generate
from kfl_lod.vocab import DISTRICTS, EQUIPMENT, INSTITUTION_TYPES, SHARING_MODES, SPACE_TYPES
from support import make_settings

SPACES = 60


def rows(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[name].decode("utf-8"))))


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return generate(SPACES, seed=7)


def test_same_seed_same_bytes_other_seed_other_bytes(files):
    assert generate(SPACES, seed=7) == files
    assert generate(SPACES, seed=8) != files


def test_realistic_proportions(files):
    institutions, venues, practices = counts(SPACES)
    assert len(rows(files, "instytucje.csv")) == institutions == 8
    assert len(rows(files, "lokalizacje.csv")) == venues == 24
    assert len(rows(files, "przestrzenie.csv")) == SPACES
    assert len(rows(files, "dobre_praktyki.csv")) == practices == 3
    # every institution has a venue, every venue a space
    venues_used = {r["instytucja_id"] for r in rows(files, "lokalizacje.csv")}
    assert venues_used == {r["id"] for r in rows(files, "instytucje.csv")}
    assert {r["lokalizacja_id"] for r in rows(files, "przestrzenie.csv")} == {
        r["id"] for r in rows(files, "lokalizacje.csv")
    }


def test_every_controlled_value_is_used_and_some_optional_cells_are_empty(files):
    spaces = rows(files, "przestrzenie.csv")
    venues = rows(files, "lokalizacje.csv")
    institutions = rows(files, "instytucje.csv")
    assert {r["typ"] for r in institutions} == set(INSTITUTION_TYPES.slugs())
    assert {r["rodzaj"] for r in spaces} == set(SPACE_TYPES.slugs())
    listed = lambda column: {v.strip() for r in spaces for v in r[column].split(",") if v.strip()}  # noqa: E731
    assert listed("wyposazenie") == set(EQUIPMENT.slugs())
    assert listed("formy_udostepniania") == set(SHARING_MODES.slugs())
    assert {r["dzielnica"] for r in venues} - {""} == {str(n) for n in DISTRICTS}
    assert {r["nieodplatnie"] for r in spaces} == {"tak", "nie", ""}
    assert {r["dostep_wozki"] for r in venues} == {"tak", "nie", ""}
    for table, column in (("przestrzenie.csv", "liczba_miejsc"), ("lokalizacje.csv", "szerokosc")):
        cells = [r[column] for r in rows(files, table)]
        assert "" in cells and any(cells), column
    text = b"".join(files.values()).decode("utf-8")
    assert any(ch in text for ch in "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")


def test_every_record_is_marked_illustrative_and_names_no_real_thing(files):
    assert {r["ilustracyjne"] for r in rows(files, "przestrzenie.csv")} == {"tak"}
    assert {r["ilustracyjne"] for r in rows(files, "dobre_praktyki.csv")} == {"tak"}
    for r in rows(files, "instytucje.csv"):
        assert "(przykład)" in r["nazwa"] and not r["wikidata"] and not r["zrodla"]
        for column in ("strona_www", "email", "kontakt_email"):
            assert not r[column] or ".example" in r[column]
        for column in ("telefon", "kontakt_telefon"):
            assert not r[column] or r[column].startswith("+48 12 000 ")
    assert all("(przykład)" in r["nazwa"] for r in rows(files, "lokalizacje.csv"))


@pytest.mark.slow
def test_generated_source_builds_with_no_violation_and_the_same_bytes(tmp_path, files):
    published = []
    for run in ("a", "b"):
        source = tmp_path / run / "source"
        source.mkdir(parents=True)
        for name, data in generate(SPACES, seed=7).items():
            (source / name).write_bytes(data)
        settings = make_settings(tmp_path / run, source=source)
        result = build(settings, today=date(2026, 3, 1))
        assert result.report.violations == [], [str(v) for v in result.report.violations]
        assert result.summary()["spaces"] == SPACES
        latest = settings.published / "latest"
        published.append({p.name: p.read_bytes() for p in sorted(latest.iterdir()) if p.is_file()})
    assert published[0] == published[1]
    marks = [
        line
        for line in published[0]["kfl.nt"].decode().splitlines()
        if line.split(" ")[1].endswith("/def/illustrative>")
    ]
    assert len(marks) == SPACES + counts(SPACES)[2] and all('"true"' in line for line in marks)


def test_command_writes_the_tables(tmp_path):
    out = tmp_path / "gen"
    exe = Path(sys.executable).parent / "kfl-lod"
    done = subprocess.run(
        [str(exe), "generate", "--spaces", "20", "--seed", "3", "--out", str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "przestrzenie.csv: 20 rows" in done.stdout
    assert {p.name: p.read_bytes() for p in out.iterdir()} == generate(20, seed=3)
    done = subprocess.run([str(exe), "generate", "--spaces", "0", "--out", str(out)], capture_output=True, text=True)
    assert done.returncode == 2 and "--spaces" in done.stderr


@pytest.mark.server
def test_a_generated_source_is_served_and_the_answer_cache_follows_a_release_switch(tmp_path, start_server):
    """Issue 13: the generator stays valid, and cached answers never outlive their release."""
    source = tmp_path / "source"
    source.mkdir()
    for name, data in generate(40, seed=11).items():
        (source / name).write_bytes(data)
    settings = make_settings(tmp_path, source=source)
    first = build(settings, today=date(2026, 3, 1))
    assert first.report.violations == [], [str(v) for v in first.report.violations]
    url = start_server(settings)
    space = next(r for r in rows({"s": (source / "przestrzenie.csv").read_bytes()}, "s"))
    iri = f"{settings.base}space/{space['id']}"
    query = f"SELECT ?n WHERE {{ <{iri}> <https://schema.org/name> ?n }}"
    asks = {
        "sparql": (url + "/sparql", {"query": query}, {"Accept": "application/sparql-results+json"}),
        "page": (f"{url}/space/{space['id']}.html", {}, {}),
        "document": (f"{url}/space/{space['id']}.nt", {}, {}),
    }

    def answers() -> dict[str, requests.Response]:
        return {kind: requests.get(u, params=p, headers=h, timeout=30) for kind, (u, p, h) in asks.items()}

    before = answers()
    again = answers()  # the same requests again: the answer cache gives them
    for kind, r in before.items():
        assert r.status_code == 200 and space["nazwa"] in r.text, kind
        assert again[kind].headers["ETag"] == r.headers["ETag"] and again[kind].content == r.content, kind
    # A new release in which the space has another name.
    path = source / "przestrzenie.csv"
    table = rows({"s": path.read_bytes()}, "s")
    renamed = "Sala po zmianie nazwy"
    for row in table:
        if row["id"] == space["id"]:
            row["nazwa"] = renamed
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(table[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    path.write_text(out.getvalue(), encoding="utf-8")
    second = build(settings, today=date(2026, 3, 2))
    assert second.report.violations == [] and second.published.new_release
    after = answers()
    for kind, r in after.items():
        assert r.status_code == 200, kind
        assert r.headers["X-KFL-Release"] == second.published.version, kind
        assert renamed in r.text, kind
        assert r.headers["ETag"] != before[kind].headers["ETag"], kind
        # Revalidating with the old release's ETag gets the new answer, not a 304.
        u, p, h = asks[kind]
        old = requests.get(u, params=p, headers={**h, "If-None-Match": before[kind].headers["ETag"]}, timeout=30)
        assert old.status_code == 200 and renamed in old.text, kind
    assert space["nazwa"] not in after["sparql"].text  # (other rooms on a page may share the old name)
