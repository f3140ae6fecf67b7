"""Helpers the tests share (importable, unlike conftest under --import-mode=importlib)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
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


# --- processes the tests start ------------------------------------------------------------------


def settings_env(settings: Settings) -> dict[str, str]:
    """The KFL_* environment variables that give another process these settings."""
    env = {}
    for f in fields(Settings):
        value = getattr(settings, f.name)
        if value == f.default:
            continue
        env[f"KFL_{f.name.upper()}"] = ",".join(value) if isinstance(value, tuple) else str(value)
    return env


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# An external SPARQL engine (issue 14): a real `oxigraph serve` (PyPI package oxigraph, a test extra)
# on a free loopback port, filled with `kfl-lod load`.


def oxigraph_binary() -> str:
    """The `oxigraph` command installed with the test extra (next to this Python), else on PATH."""
    here = Path(sys.executable).parent / "oxigraph"
    found = str(here) if here.exists() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the oxigraph command is missing: install the test extra (pip install -e .[test])")
    return found


@contextmanager
def oxigraph_server(
    timeout_s: float | None = None, start_timeout: float = 20.0, port: int | None = None
) -> Iterator[str]:
    """Run `oxigraph serve` (in memory) on loopback until the block ends; yield its root URL."""
    import requests

    port = port or free_port()
    command = [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}"]
    if timeout_s is not None:
        command += ["--timeout-s", str(timeout_s)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited ({proc.returncode})")
            try:
                if requests.get(url + "/query", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"oxigraph serve not answering within {start_timeout} s")
            time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def kfl_load(settings: Settings, store: str, *options: str) -> subprocess.CompletedProcess:
    """Run `kfl-lod load --store STORE` on ``settings``' publication, as an operator would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KFL_")}
    env.update(settings_env(settings))
    return subprocess.run(
        [sys.executable, "-m", "kfl_lod.cli", "load", "--store", store, *options],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
