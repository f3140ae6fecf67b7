"""Settings: defaults, the settings file, environment overrides, explicit overrides, bad values."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from kfl_lod.build import build
from kfl_lod.cli import main
from kfl_lod.errors import SettingsError
from kfl_lod.settings import SETTINGS_FILE, Settings, help_texts, load_settings

ROOT = Path(__file__).resolve().parent.parent
VALID = ROOT / "tests" / "data" / "valid"


def write(folder: Path, text: str, name: str = SETTINGS_FILE) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_file_or_environment(tmp_path):
    assert load_settings(environ={}, cwd=tmp_path) == Settings()


def test_every_setting_has_help():
    assert all(text.strip() for text in help_texts().values())
    assert set(help_texts()) == set(Settings.__dataclass_fields__)


def test_file_sets_values_with_their_types(tmp_path):
    write(
        tmp_path,
        'base = "https://dane.example.org/kfl"\nkeep_releases = 3\nquery_timeout = 2.5\n'
        'source = "zestawienie.xlsx"\nkeywords_pl = ["sale", "NGO"]\n',
    )
    s = load_settings(environ={}, cwd=tmp_path)
    assert s.base == "https://dane.example.org/kfl/"  # a trailing slash is added
    assert (s.keep_releases, s.query_timeout, s.source) == (3, 2.5, Path("zestawienie.xlsx"))
    assert s.keywords_pl == ("sale", "NGO")
    assert s.published == Settings().published  # what the file does not say keeps its default


def test_environment_overrides_the_file_and_options_override_both(tmp_path):
    write(tmp_path, 'base = "https://file.example.org/"\nkeep_releases = 3\nmax_rows = 50\n')
    env = {
        "KFL_BASE": "https://env.example.org/",
        "KFL_KEEP_RELEASES": "7",
        "KFL_THEMES": "http://a.example/X, http://b.example/Y",
    }
    s = load_settings(environ=env, cwd=tmp_path)
    assert (s.base, s.keep_releases, s.max_rows) == ("https://env.example.org/", 7, 50)
    assert s.themes == ("http://a.example/X", "http://b.example/Y")
    s = load_settings(environ=env, cwd=tmp_path, base="https://option.example.org/", keep_releases=None)
    assert (s.base, s.keep_releases) == ("https://option.example.org/", 7)  # None: not given


def test_settings_file_named_by_the_environment(tmp_path):
    elsewhere = tmp_path / "etc"
    elsewhere.mkdir()
    path = write(elsewhere, 'base = "https://etc.example.org/"\n', "kfl.toml")
    write(tmp_path, 'base = "https://cwd.example.org/"\n')
    assert load_settings(environ={"KFL_SETTINGS": str(path)}, cwd=tmp_path).base == "https://etc.example.org/"


@pytest.mark.parametrize(
    "text, words",
    [
        ("base = \n", "not a valid TOML file"),
        (
            'bsae = "https://example.org/"\n',
            "unknown setting 'bsae'; known: accessibility_building, accessibility_building_url",
        ),
        ('keep_releases = "many"\n', "setting keep_releases: 'many' is not a valid int"),
        ('query_timeout = "soon"\n', "setting query_timeout: 'soon' is not a valid float"),
        ('base = "kfl.krakow.pl"\n', "must be an http(s) IRI"),
    ],
)
def test_bad_settings_file(tmp_path, text, words):
    path = write(tmp_path, text)
    with pytest.raises(SettingsError) as caught:
        load_settings(environ={}, cwd=tmp_path)
    assert words in str(caught.value)
    if "setting " not in words and "http(s)" not in words:
        assert str(path) in str(caught.value)  # names the file


def test_settings_file_not_utf8(tmp_path):
    (tmp_path / SETTINGS_FILE).write_bytes('base = "https://kraków.example/"\n'.encode("cp1250"))
    with pytest.raises(SettingsError, match="not a valid TOML file"):
        load_settings(environ={}, cwd=tmp_path)


def test_bad_environment_value(tmp_path):
    with pytest.raises(SettingsError, match="max_rows: 'lots'"):
        load_settings(environ={"KFL_MAX_ROWS": "lots"}, cwd=tmp_path)


def test_settings_file_named_by_the_environment_must_exist(tmp_path):
    with pytest.raises(SettingsError, match="not a file"):
        load_settings(environ={"KFL_SETTINGS": str(tmp_path / "missing.toml")}, cwd=tmp_path)


def test_replace_checks_like_loading():
    s = Settings()
    assert s.replace(base="https://example.org/kfl").base == "https://example.org/kfl/"
    assert s.replace(keep_releases="4").keep_releases == 4
    with pytest.raises(SettingsError):
        s.replace(base="ftp://example.org/")
    with pytest.raises(SettingsError):
        s.replace(keep_releases="four")


def test_core_takes_the_base_from_settings_not_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("KFL_BASE", "https://env.example.org/")
    settings = load_settings(
        environ={},
        cwd=tmp_path,
        source=VALID,
        published=tmp_path / "out",
        shapes=ROOT / "shapes",
        base="https://settings.example.org/",
    )
    build(settings, today=date(2026, 3, 2))
    text = (tmp_path / "out" / "kfl.nt").read_text(encoding="utf-8")
    assert "https://settings.example.org/space/" in text and "env.example.org" not in text


def test_cli_reads_the_file_and_the_environment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, f'base = "https://file.example.org/"\nshapes = "{ROOT / "shapes"}"\nsource = "{VALID}"\n')
    env = {k: None for k in os.environ if k.startswith("KFL_")}
    runner = CliRunner(env=env)
    from_file = json.loads(runner.invoke(main, ["validate", "--json"]).stdout)
    assert from_file["results"] and all(
        r["focus"].startswith("https://file.example.org/") for r in from_file["results"]
    )
    runner = CliRunner(env={**env, "KFL_BASE": "https://env.example.org/"})
    from_env = json.loads(runner.invoke(main, ["validate", "--json"]).stdout)
    assert all(r["focus"].startswith("https://env.example.org/") for r in from_env["results"])
    from_option = json.loads(
        runner.invoke(main, ["--base", "https://option.example.org/", "validate", "--json"]).stdout
    )
    assert all(r["focus"].startswith("https://option.example.org/") for r in from_option["results"])
