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

# The two deployments a module can run its tests against (conftest: embedded_server, engine_server).
DEPLOYMENTS = ("embedded", "engine")


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


def open_graphs(files: dict[str, Path]):
    """A pyoxigraph Store with N-Triples files in named graphs (graph IRI -> file), nothing in the default graph.

    For ``create_app(query_store=functools.partial(open_graphs, ...))``: a dataset of several
    graphs, e.g. the W3C protocol tests' data. The query processes unpickle it, so they
    find this module through PYTHONPATH (set in conftest.py).
    """
    import pyoxigraph as ox

    store = ox.Store()
    for graph, path in files.items():
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    return store
