"""The reference files inside the repository are the ones in ../shared/reference (issue 8, point 8).

The tests and the build read only reference/ (and the district boundaries inside the package), so a
clone elsewhere runs every test; where the shared folder exists, the copies must not drift from it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from support import REFERENCE, ROOT

SHARED = ROOT.parent / "shared" / "reference"
# A worktree lives one level deeper (/work/wt/<name>); its shared folder is two levels up.
CANDIDATES = (SHARED, ROOT.parent.parent / "shared" / "reference")
PACKAGE_DISTRICTS = ROOT / "src" / "kfl_lod" / "data" / "krakow-districts.geojson"


def files(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under folder."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_the_copies_match_their_own_checksums():
    """reference/SHA256SUMS (copied from the shared folder) still holds for the copies."""
    sums = {}
    for line in (REFERENCE / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        sums[name.removeprefix("./")] = digest
    assert sums, "SHA256SUMS lists no file"
    actual = files(REFERENCE)
    assert {name: actual.get(name) for name in sums} == sums


def test_the_build_uses_the_same_district_boundaries_as_the_reference():
    assert PACKAGE_DISTRICTS.read_bytes() == (REFERENCE / "krakow-districts" / "krakow-districts.geojson").read_bytes()


def test_the_copies_are_identical_to_the_shared_reference():
    shared = next((c for c in CANDIDATES if c.is_dir()), None)
    if shared is None:
        pytest.skip("no ../shared/reference here (a clone elsewhere): nothing to compare with")
    assert files(REFERENCE) == files(shared)
