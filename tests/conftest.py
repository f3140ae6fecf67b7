"""Shared fixtures, named for what they return."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path

import pytest

from kfl_lod.build import build
from kfl_lod.mapping import to_graph
from kfl_lod.settings import Settings
from kfl_lod.source import read_source
from support import (  # noqa: F401 - re-exported to the tests
    BASE,
    DEPLOYMENTS,
    REFERENCE,
    ROOT,
    free_port,
    kfl_load,
    make_settings,
    oxigraph_server,
    settings_env,
)

# Query processes are fresh interpreters that unpickle their store loader: let them import
# the tests' helpers (support.open_graphs) as this process does.
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(Path(__file__).resolve().parent), os.environ.get("PYTHONPATH", "")) if p
)


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


# --- live servers -------------------------------------------------------------------------
# A real server (gunicorn, started by `kfl-lod serve`) on a free 127.0.0.1 port, for tests
# that must talk HTTP. `server` is one shared server on the `published` publication;
# `start_server(settings, **options)` starts one with other settings (e.g. a 1 s query
# timeout) and stops it when the test ends. Both give the root URL, e.g.
# "http://127.0.0.1:41234"; things are under settings.base_path ("/" by default).


@contextmanager
def live_server(settings: Settings, workers: int = 1, threads: int = 8, start_timeout: float = 30.0) -> Iterator[str]:
    """Run `kfl-lod serve` for ``settings`` on loopback until the block ends; yield its root URL."""
    import requests

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KFL_")}
    env.update(settings_env(settings))
    cwd = Path(tempfile.mkdtemp(prefix="kfl-server-"))  # no kfl-lod.toml there
    log = open(cwd / "server.log", "w+b")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kfl_lod.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ],
        cwd=cwd,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    health = url + settings.base_path + "healthz"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"server exited ({proc.returncode}):\n{log.read().decode(errors='replace')}")
            try:
                if requests.get(health, timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not healthy within {start_timeout} s")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        log.close()
        shutil.rmtree(cwd, ignore_errors=True)


@pytest.fixture(scope="session")
def embedded_server(published) -> Iterator[str]:
    """Root URL of a real server (Granian via `kfl-lod serve`) on the shared publication, embedded store."""
    with live_server(published) as url:
        yield url


@pytest.fixture(scope="session")
def server(embedded_server) -> str:
    """Root URL of the shared server (embedded store); modules that run against both deployments override it."""
    return embedded_server


# --- an external SPARQL engine (issue 14) -------------------------------------------------------
# A real `oxigraph serve` (PyPI package oxigraph, a test extra) on a free loopback port, filled
# with `kfl-lod load`; `engine_server` is `kfl-lod serve --store URL` in front of it. Modules
# whose tests run against both deployments override `server` with DEPLOYMENTS (test ids end
# in [embedded] or [engine]): test_sparql_protocol, test_linked_data, parts of test_limits.


@pytest.fixture(scope="session")
def engine_store(published) -> Iterator[str]:
    """Root URL of a real Oxigraph server holding the shared publication, loaded by `kfl-lod load`.

    KFL_TEST_STORE (and KFL_TEST_STORE_GRAPHS, its Graph Store Protocol endpoint) run the
    [engine] tests against another engine already running instead (docs/server.md).
    """
    other = os.environ.get("KFL_TEST_STORE")
    if other:
        graphs = os.environ.get("KFL_TEST_STORE_GRAPHS")
        done = kfl_load(published, other, *(["--graph-store", graphs] if graphs else []))
        assert done.returncode == 0, done.stderr
        yield other
        return
    with oxigraph_server() as url:
        done = kfl_load(published, url)
        assert done.returncode == 0, done.stderr
        yield url


@pytest.fixture(scope="session")
def engine_server(published, engine_store) -> Iterator[str]:
    """Root URL of `kfl-lod serve --store URL` on the shared publication, querying the engine."""
    with live_server(published.replace(store=engine_store)) as url:
        yield url


@pytest.fixture
def start_server():
    """Factory: ``start_server(settings, **options)`` -> root URL of a server stopped after the test."""
    with ExitStack() as stack:
        yield lambda settings, **options: stack.enter_context(live_server(settings, **options))


@pytest.fixture(scope="module")
def start_module_server():
    """Like ``start_server``, for module-scoped fixtures: servers stop after the test module."""
    with ExitStack() as stack:
        yield lambda settings, **options: stack.enter_context(live_server(settings, **options))


# --- markers by what a test needs ---------------------------------------------------------------
# `./dev test-fast` runs -m "not browser and not slow and not server". Tests are marked here
# by where they live and which fixtures they use, so a new test is marked without thinking:
# under tests/browser -> browser; using a real HTTP server fixture -> server. Tests that start a
# server on their own, or take seconds, carry @pytest.mark.server / @pytest.mark.slow themselves.
BROWSER_DIR = Path(__file__).resolve().parent / "browser"
SERVER_FIXTURES = {
    "server",
    "start_server",
    "start_module_server",
    "w3c_server",
    "engine_store",
    "engine_server",
    "embedded_server",
}


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        if BROWSER_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)
        if SERVER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.server)
