"""Shared fixtures, named for what they return."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from kfl_lod.build import build
from kfl_lod.mapping import to_graph
from kfl_lod.settings import Settings, load_settings
from kfl_lod.source import read_source

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
BASE = "https://kfl.krakow.pl/"


def make_settings(tmp: Path, **changes) -> Settings:
    """Settings pointing at the repo's shapes and a copy of the bundled source under tmp."""
    source = tmp / "source"
    if not source.exists():
        shutil.copytree(ROOT / "source", source)
    values = dict(source=source, published=tmp / "published", shapes=ROOT / "shapes",
                  sparql_examples=ROOT / "sparql", base=BASE)
    values.update(changes)
    return load_settings(environ={}, cwd=tmp, **values)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture(scope="session")
def records():
    return read_source(ROOT / "source")


@pytest.fixture(scope="session")
def graph(records):
    return to_graph(records, BASE)


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Settings:
    """Settings of a publication built once from the bundled source."""
    tmp = tmp_path_factory.mktemp("publication")
    s = make_settings(tmp)
    result = build(s, today=date(2026, 3, 2))
    assert result.report.conforms, [str(r) for r in result.report.violations]
    return s
