"""Illustrative (example) records never pass for real ones (issue 9): the setting illustrative = separate | omit.

With ``omit`` no illustrative space or good practice is in any published file or in the store; with
``separate`` (the default) they are published, flagged, and a room table row of an example carries no
institution's contact.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from kfl_lod.build import build
from kfl_lod.errors import SettingsError
from kfl_lod.settings import load_settings
from kfl_lod.source import read_source
from kfl_lod.store import open_store
from support import BASE, ROOT, make_settings


def examples() -> tuple[set[str], set[str]]:
    """IRIs of the bundled source's illustrative spaces and good practices."""
    records = read_source(ROOT / "source")
    spaces = {f"{BASE}space/{s.id}" for s in records.spaces if s.illustrative}
    practices = {f"{BASE}practice/{p.id}" for p in records.practices if p.illustrative}
    assert spaces and practices  # the bundled source has both, or this test proves nothing
    return spaces, practices


def release_texts(settings) -> dict[str, str]:
    folder = (settings.published / "latest").resolve()
    return {p.name: _text_of(p) for p in sorted(folder.iterdir()) if p.is_file()}


def _text_of(path) -> str:
    """A published file's text; for kfl.xlsx (a zip), the text of every part inside it."""
    if path.suffix == ".xlsx":
        import zipfile

        with zipfile.ZipFile(path) as book:
            return "\n".join(book.read(name).decode("utf-8") for name in book.namelist())
    return path.read_text(encoding="utf-8")


def test_the_setting_takes_separate_or_omit_only(tmp_path):
    assert load_settings(environ={}, cwd=tmp_path).illustrative == "separate"
    assert load_settings(environ={"KFL_ILLUSTRATIVE": "omit"}, cwd=tmp_path).illustrative == "omit"
    with pytest.raises(SettingsError, match="illustrative.*separate, omit"):
        load_settings(environ={"KFL_ILLUSTRATIVE": "hide"}, cwd=tmp_path)


@pytest.fixture(scope="module")
def omitted(tmp_path_factory):
    settings = make_settings(tmp_path_factory.mktemp("omit"), illustrative="omit")
    result = build(settings, today=date(2026, 12, 1))
    assert result.report.conforms and result.published
    return settings, result


def test_omit_publishes_no_illustrative_record_in_any_file(omitted):
    settings, result = omitted
    spaces, practices = examples()
    texts = release_texts(settings)
    assert {"kfl.ttl", "kfl.nt", "kfl.jsonld", "kfl.csv", "kfl.geojson", "void.ttl", "catalog.ttl"} <= set(texts)
    for name, text in texts.items():
        leaked = sorted(iri for iri in spaces | practices if iri in text)
        assert leaked == [], (name, leaked[:3])
        assert "(przykład)" not in text, name
        assert f'<{BASE}def/illustrative> "true"' not in text, name
    rows = list(csv.DictReader(io.StringIO(texts["kfl.csv"])))
    assert rows and {r["ilustracyjne"] for r in rows} == {"nie"}
    assert result.summary()["illustrative_spaces"] == 0 and result.summary()["practices"] == 5


def test_omit_leaves_no_illustrative_record_in_the_store(omitted):
    settings, _ = omitted
    store = open_store(settings.published)
    assert not store.query(f"ASK {{ ?s <{BASE}def/illustrative> true }}")
    assert store.query(f"ASK {{ ?s <{BASE}def/illustrative> false }}")


@pytest.mark.slow
def test_separate_publishes_examples_flagged_and_without_an_institutions_contact(tmp_path):
    settings = make_settings(tmp_path)
    assert settings.illustrative == "separate"
    build(settings, today=date(2026, 12, 1))
    spaces, practices = examples()
    texts = release_texts(settings)
    assert all(iri in texts["kfl.nt"] for iri in spaces | practices)
    store = open_store(settings.published)
    flagged = {r["s"].value for r in store.query(f"SELECT ?s WHERE {{ ?s <{BASE}def/illustrative> true }}")}
    assert flagged == spaces | practices
    rows = list(csv.DictReader(io.StringIO(texts["kfl.csv"])))
    example_rows = [r for r in rows if r["ilustracyjne"] == "tak"]
    assert example_rows and all(not (r["email"] or r["telefon"] or r["zrodlo_kontaktu"]) for r in example_rows)
    real_with_contact = [r for r in rows if r["ilustracyjne"] == "nie" and (r["email"] or r["telefon"])]
    assert real_with_contact and all(r["zrodlo_kontaktu"] for r in real_with_contact)
