"""The README's commands work as written, so they never go stale."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Each test builds or runs kfl-lod several times: seconds, not milliseconds.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_commands() -> list[str]:
    block = README.split("## Commands", 1)[1].split("\n## ", 1)[0]
    lines = [line.strip() for line in block.splitlines() if line.startswith("    kfl-lod ")]
    return [line.split("  #", 1)[0].strip() for line in lines]


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kfl_lod.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """A working directory laid out like a checkout: source/, shapes/, sparql/."""
    tmp = tmp_path_factory.mktemp("readme")
    for name in ("source", "shapes", "sparql"):
        shutil.copytree(ROOT / name, tmp / name)
    assert run(["build"], tmp).returncode == 0
    return tmp


def test_the_readme_lists_every_command():
    used = {
        shlex.split(c)[1] if not shlex.split(c)[1].startswith("--") else shlex.split(c)[2] for c in readme_commands()
    }
    assert used == {
        "build",
        "validate",
        "serve",
        "query",
        "template",
        "diff",
        "rollback",
        "publisher",
        "generate",
        "export-site",
    }


@pytest.mark.parametrize("command", [c for c in readme_commands() if " serve" not in c])
def test_readme_command_runs(command, workdir, tmp_path):
    args = shlex.split(command)[1:]
    args = [
        str(workdir / "source")
        if a == "DIR" and args[i - 1] == "--source"
        else str(tmp_path / "out")
        if a == "DIR" and args[i - 1] == "--out"
        else a
        for i, a in enumerate(args)
    ]
    if args[0] == "rollback":  # a release to undo: publish a second one first
        practices = workdir / "source" / "dobre_praktyki.csv"
        practices.write_text(practices.read_text(encoding="utf-8").rstrip("\n").rsplit("\n", 1)[0] + "\n")
        assert run(["build"], workdir).returncode == 0
    result = run(args, workdir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    if "--out" in args and args[0] not in ("template", "generate"):
        assert (tmp_path / "out" / "kfl.ttl").read_text(encoding="utf-8").count("https://example.org/kfl/space/") > 0


@pytest.mark.parametrize("command", [c for c in readme_commands() if " serve" in c])
def test_readme_serve_options_exist(command, workdir):
    help_text = run(["serve", "--help"], workdir).stdout
    for option in (a for a in shlex.split(command) if a.startswith("--")):
        assert option in help_text
