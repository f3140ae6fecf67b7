"""Helpers the tests share (importable, unlike conftest under --import-mode=importlib)."""

from __future__ import annotations

import shutil
from pathlib import Path

from kfl_lod.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
# Copies of the third-party and research reference files, kept in step with ../shared/reference
# by tests/test_reference_copies.py, so that a clone elsewhere runs every test.
REFERENCE = ROOT / "reference"
BASE = "https://kfl.krakow.pl/"


def make_settings(tmp: Path, **changes) -> Settings:
    """Settings pointing at the repo's shapes and a copy of the bundled source under tmp."""
    source = tmp / "source"
    if not source.exists():
        shutil.copytree(ROOT / "source", source)
    values = dict(
        source=source, published=tmp / "published", shapes=ROOT / "shapes", sparql_examples=ROOT / "sparql", base=BASE
    )
    values.update(changes)
    return load_settings(environ={}, cwd=tmp, **values)
