"""The installed command works anywhere (issue 10, item 16): a wheel in a fresh venv, run from an empty folder."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

import pytest
import requests

from support import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.server]


def copy_project(to: Path) -> Path:
    """The files a wheel is built from, without build leftovers of the checkout."""
    to.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, to / name)
    for name in ("shapes", "sparql"):
        shutil.copytree(ROOT / name, to / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    shutil.copytree(ROOT / "src", to / "src", symlinks=True, ignore=ignore)
    return to


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with the built wheel: (its kfl-lod, its python, the wheel)."""
    tmp = tmp_path_factory.mktemp("package")
    project = copy_project(tmp / "project")
    dist = tmp / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(project)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = dist.glob("kfl_lod-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    # The dependencies come from the test environment (no network needed), appended after the
    # venv's own site-packages, which holds kfl_lod from the wheel, not the editable checkout.
    site = Path(
        subprocess.check_output(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], text=True
        ).strip()
    )
    (site / "deps-from-tests.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return venv / "bin" / "kfl-lod", python, wheel


def run(exe: Path, cwd: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KFL_")}
    return subprocess.run([str(exe), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_the_wheel_holds_the_shapes_and_the_example_queries(installed):
    _, _, wheel = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "kfl_lod/shapes/kfl.ttl" in names
    queries = {n for n in names if n.startswith("kfl_lod/sparql/") and n.endswith(".rq")}
    assert {f"kfl_lod/sparql/{p.name}" for p in (ROOT / "sparql").glob("*.rq")} == queries
    assert (ROOT / "src/kfl_lod/shapes/kfl.ttl").read_bytes() == (ROOT / "shapes/kfl.ttl").read_bytes()


def test_installed_command_builds_validates_serves_and_queries_from_an_empty_folder(installed, tmp_path):
    exe, python, _ = installed
    where = subprocess.check_output(
        [str(python), "-c", "import kfl_lod; print(kfl_lod.__file__)"], text=True, cwd=tmp_path
    )
    assert str(python.parent.parent) in where and str(ROOT) not in where  # the wheel's copy, not the checkout
    source = tmp_path / "elsewhere" / "tables"
    shutil.copytree(ROOT / "source", source)
    empty = tmp_path / "empty"
    empty.mkdir()

    done = run(exe, empty, "validate", "--source", str(source))
    assert done.returncode == 0, done.stderr + done.stdout
    assert done.stdout.splitlines()[-1].startswith("Valid:")
    done = run(exe, empty, "build", "--source", str(source))
    assert done.returncode == 0, done.stderr + done.stdout
    assert (empty / "published" / "latest" / "kfl.ttl").is_file()

    done = run(exe, empty, "query", "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://schema.org/Place> }")
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.splitlines()[-1]) > 10
    done = run(exe, empty, "query", "--format", "csv", "--file", str(ROOT / "sparql" / "count-per-space-type.rq"))
    assert done.returncode == 0 and done.stdout.count("\n") > 2, done.stderr

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KFL_")}
    server = subprocess.Popen(
        [str(exe), "serve", "--port", str(port)], cwd=empty, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stderr.read().decode()
            try:
                health = requests.get(url + "/healthz", timeout=2)
                if health.status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "the installed server did not answer /healthz within 60 s"
            time.sleep(0.2)
        assert requests.get(url + "/", timeout=10).status_code == 200
        answer = requests.get(
            url + "/sparql",
            params={"query": "ASK { ?s a <https://schema.org/Place> }"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=20,
        )
        assert answer.status_code == 200 and answer.json()["boolean"] is True
        # The query page lists the example queries shipped in the package.
        page = requests.get(url + "/sparql", headers={"Accept": "text/html"}, timeout=10)
        assert page.status_code == 200 and "count-per-space-type" in page.text
        home = requests.get(url + "/", timeout=10).text
        for asset in ("style.css", "vendor/leaflet/leaflet.css"):  # vendor/: copied by `npm ci` before the build
            link = next(part.split('"')[0] for part in home.split('href="')[1:] if asset in part.split('"')[0])
            answer = requests.get(url + link, timeout=10)
            assert answer.status_code == 200 and len(answer.content) > 100, link
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert sorted(p.name for p in empty.iterdir()) == ["published"]  # nothing else written in the folder
