"""The publication log: who published what from the browser, when, and which release it made.

One JSON object per line in ``{publish_log}/log.jsonl`` (appended under a lock, never
rewritten): ``time`` (UTC), ``who``, ``action`` (``publish`` or ``rollback``), ``files``
(name, bytes and SHA-256 of each file published), ``release`` (the release made),
``new_release``, ``previous`` (the release it replaced) and ``kept`` (where the published files
are kept, relative to the log folder).
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

LOG = "log.jsonl"
LOCK = ".lock"


@contextmanager
def locked(folder: Path, name: str = LOCK) -> Iterator[None]:
    """Hold one of the log folder's locks (by default: one publish or rollback at a time, across processes)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(folder / name, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def append(folder: Path, entry: dict[str, Any]) -> dict[str, Any]:
    """Add an entry (the time is filled in), fsynced; return it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    entry = {"time": datetime.now(UTC).isoformat(timespec="seconds"), **entry}
    line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
    fd = os.open(folder / LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return entry


def entries(folder: Path, last: int | None = None) -> list[dict[str, Any]]:
    """The log's entries, oldest first (the ``last`` ones only, if given); unreadable lines are skipped."""
    try:
        lines = (Path(folder) / LOG).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    found = []
    for line in lines[-last:] if last else lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            found.append(entry)
    return found
