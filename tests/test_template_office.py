"""The template in a real spreadsheet program: LibreOffice (Debian, headless) opens it, sees its
drop-downs, checks, comments and frozen header, a clerk's typing fills it, and it builds.

LibreOffice is driven through Debian's python3-uno by tests/lo_fill.py (./dev installs both).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from kfl_lod.cli import main
from kfl_lod.source import TABLES, read_source
from kfl_lod.source.notes import allowed
from support import ROOT, make_settings

pytestmark = pytest.mark.slow
SYSTEM_PYTHON = "/usr/bin/python3"
FILL = {
    "instytucje": {"id": "dom-kultury-przyklad", "nazwa": "Dom Kultury (przykład)", "typ": "centrum-kultury"},
    "lokalizacje": {
        "id": "dk-przyklad-siedziba",
        "instytucja_id": "dom-kultury-przyklad",
        "nazwa": "Siedziba (przykład)",
        "kod_pocztowy": "31-154",
        "miejscowosc": "Kraków",
        "dzielnica": "1",
        "szerokosc": "50.0654",
        "dlugosc": "19.9469",
        "dostep_wozki": "tak",
    },
    "przestrzenie": {
        "id": "dk-przyklad-sala",
        "lokalizacja_id": "dk-przyklad-siedziba",
        "nazwa": "Sala (przykład)",
        "rodzaj": "sala-spotkan",
        "liczba_miejsc": "30",
        "powierzchnia_m2": "45.5",
        "wyposazenie": "projektor, krzesla",
        "formy_udostepniania": "nieodplatne-uzyczenie",
        "nieodplatnie": "tak",
        "zweryfikowano": "2026-02-19",
        "ilustracyjne": "tak",
    },
}
# The check LibreOffice reports for the cells of columns with a check other than a list.
CHECKS = {
    ("przestrzenie", "liczba_miejsc"): "WHOLE",
    ("przestrzenie", "powierzchnia_m2"): "DECIMAL",
    ("przestrzenie", "zweryfikowano"): "DATE",
    ("lokalizacje", "kod_pocztowy"): "CUSTOM",
    ("lokalizacje", "szerokosc"): "DECIMAL",
    ("lokalizacje", "dlugosc"): "DECIMAL",
    ("dobre_praktyki", "data"): "DATE",
}


def kfl(settings, *args: str):
    env = {
        "KFL_SHAPES": str(settings.shapes),
        "KFL_BASE": settings.base,
        "KFL_SOURCE": str(settings.source),
        "KFL_PUBLISHED": str(settings.published),
    }
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def libreoffice(template: Path, fill: dict, out_stem: Path) -> dict:
    """Open ``template`` in LibreOffice, type ``fill`` into row 2, save .ods and .xlsx; what it saw."""
    if not shutil.which("soffice"):
        pytest.fail(
            "LibreOffice is missing: ./dev test installs it (apt-get install libreoffice-calc-nogui python3-uno)"
        )
    fill_path = out_stem.with_suffix(".json")
    fill_path.write_text(json.dumps(fill), encoding="utf-8")
    done = subprocess.run(
        [SYSTEM_PYTHON, str(ROOT / "tests" / "lo_fill.py"), str(template), str(fill_path), str(out_stem)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("fmt", ["ods", "xlsx"])
def test_libreoffice_sees_the_templates_checks_and_fills_it_for_a_build(tmp_path, fmt):
    settings = make_settings(tmp_path)
    template = tmp_path / f"szablon.{fmt}"
    assert kfl(settings, "template", "--out", str(template)).exit_code == 0
    seen = libreoffice(template, FILL, tmp_path / "filled")
    assert seen["sheets"] == ["Jak wypełnić", *[t.name for t in TABLES]]
    for table in TABLES:
        assert seen["frozen"][table.name], table.name
        assert seen["comments"][table.name] == len(table.columns)
        for column in table.columns:
            expected = "LIST" if allowed(column) else CHECKS.get((table.name, column.header), "ANY")
            assert seen["validation"][table.name][column.header] == expected, (table.name, column.header)
    for saved in ("filled.ods", "filled.xlsx"):
        built = kfl(
            settings, "--json", "build", "--source", str(tmp_path / saved), "--out", str(tmp_path / saved) + "-pub"
        )
        assert built.exit_code == 0, built.output
        summary = json.loads(built.stdout)
        assert (summary["institutions"], summary["venues"], summary["spaces"], summary["violations"]) == (1, 1, 1, 0)
        space = read_source(tmp_path / saved).spaces[0]
        assert (space.capacity, str(space.area_m2), space.verified.isoformat()) == (30, "45.5", "2026-02-19")
        assert space.equipment == ("projektor", "krzesla") and space.sharing_modes == ("nieodplatne-uzyczenie",)
        venue = read_source(tmp_path / saved).venues[0]
        assert (venue.postal_code, venue.district) == ("31-154", 1)


def test_the_source_survives_a_round_trip_through_libreoffice(tmp_path):
    """--with-data, opened and saved by LibreOffice with one cell changed: diff names that one change."""
    settings = make_settings(tmp_path)
    assert kfl(settings, "build").exit_code == 0
    template = tmp_path / "zestawienie.ods"
    assert kfl(settings, "template", "--with-data", "--out", str(template)).exit_code == 0
    first = read_source(settings.source).spaces
    row2 = min(first, key=lambda s: s.origin.row)
    libreoffice(template, {"przestrzenie": {"liczba_miejsc": "41"}}, tmp_path / "edited")
    for saved in ("edited.ods", "edited.xlsx"):
        result = kfl(
            settings, "--json", "diff", "--source", str(tmp_path / saved), "--published", str(settings.published)
        )
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        assert not report["added"] and not report["withdrawn"], saved
        (changed,) = report["changed"]
        assert changed["id"] == row2.id
        assert changed["fields"] == [{"field": "liczba_miejsc", "old": str(row2.capacity or ""), "new": "41"}]
