"""Write the files made from records alone (kfl.csv, kfl.xlsx, kfl.geojson) in another process.

A large build is one Python process on one core: mapping and the RDF writers hold the
interpreter's lock. These three files need only the records, so a small fresh process writes
them on the other core meanwhile. It is started with the interpreter (not forked: a fork of a
large process copies every page its reference counts touch, and a server that publishes has
threads), fed the pickled records on its standard input, and answers the files, their SHA-256
and its own times on its standard output. Then it reads the previous release's kfl.nt and
kfl.csv for the change record (changes.before), which the build uses if that release is still
the one its new release follows.

Whatever goes wrong in it (it cannot start, dies, answers nonsense), :meth:`RecordFiles.files`
writes the files in this process instead: the bytes are the same either way (the same functions
on equal records; ``tests/test_build_scale.py`` compares them).
"""

from __future__ import annotations

import hashlib
import pickle
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

from . import changes, xlsx
from .dumps import to_csv, to_geojson
from .names import CSV, GEOJSON, XLSX
from .otherprocess import OtherProcess
from .publish import sha256_hex
from .records import Records

NAMES = (CSV, XLSX, GEOJSON)
T = TypeVar("T")


class Timer(Protocol):
    """The build's timer (build.Timer): runs ``work`` as ``stage``, timed."""

    def __call__(self, stage: str, work: Callable[[], T]) -> T: ...


MIN_SPACES = 2_000  # below this, starting a process costs more than the files (bundled data: 0.1 s)


def write(records: Records, base: str) -> dict[str, bytes]:
    """The three files of ``records``, in this process."""
    csv = to_csv(records, base)
    return {CSV: csv, XLSX: xlsx.from_csv(csv), GEOJSON: to_geojson(records, base)}


class RecordFiles:
    """kfl.csv, kfl.xlsx and kfl.geojson of some records, written by another process when they are many."""

    def __init__(self, records: Records, base: str, previous: Path | None = None, min_spaces: int = MIN_SPACES) -> None:
        self.records, self.base = records, base
        self.seconds: dict[str, tuple[float, float]] = {}  # stage -> the other process's wall and CPU seconds
        self.before: changes.Before | None = None  # the change record's parts from the previous release
        self.error: str | None = None  # why the files were written here after all
        self._other: OtherProcess | None = None
        if len(records.spaces) < min_spaces:
            return
        try:
            payload = pickle.dumps((records, base, previous), protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, ValueError) as exc:
            self.error = f"could not start: {exc}"
            return
        # Fed and drained from a thread: this process goes on mapping.
        self._other = OtherProcess("kfl_lod.sidework", "main", [payload], "record-files")
        self.error = self._other.error

    def files(self, timer: Timer) -> dict[str, bytes]:
        """The three files: the other process's answer, else written here (``timer`` times the stage)."""
        if self._other is not None and self._other.started:
            got = timer("wait for kfl.csv, kfl.xlsx, kfl.geojson", self._wait)
            if got is not None:
                return got
        records, self.records = self.records, None  # type: ignore[assignment]
        return {name: timer(f"write {name}", write_one) for name, write_one in _writers(records, self.base).items()}

    def _wait(self) -> dict[str, bytes] | None:
        assert self._other is not None
        answer = self._other.answer()
        self.error = self._other.error
        if answer is not None:
            try:
                files, digests, self.seconds, self.before = pickle.loads(answer)
                if set(files) == set(NAMES) and all(sha256_hex(files[n]) == digests[n] for n in NAMES):
                    self.records = None  # type: ignore[assignment]
                    return files
                self.error = "answered other files"
            except Exception as exc:  # noqa: BLE001 - anything unreadable: write them here
                self.error = f"answered nonsense: {exc}"
        return None

    def cancel(self) -> None:
        """Stop the other process (the build failed)."""
        if self._other is not None:
            self._other.cancel()


def _writers(records: Records, base: str) -> dict[str, Callable[[], bytes]]:
    made: dict[str, bytes] = {}

    def csv() -> bytes:
        made[CSV] = to_csv(records, base)
        return made[CSV]

    return {CSV: csv, XLSX: lambda: xlsx.from_csv(made[CSV]), GEOJSON: lambda: to_geojson(records, base)}


def main() -> None:
    """In the other process: read (records, base, previous) from stdin, answer (files, digests, seconds, before)."""
    import gc

    gc.disable()  # many small objects that live until the end, no cycles (see build.without_cycle_collector)
    records, base, previous = pickle.loads(sys.stdin.buffer.read())
    seconds: dict[str, tuple[float, float]] = {}
    files: dict[str, bytes] = {}
    for name, write_one in _writers(records, base).items():
        started, cpu = time.perf_counter(), time.process_time()
        files[name] = write_one()
        seconds[f"write {name}"] = (time.perf_counter() - started, time.process_time() - cpu)
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    del records
    started, cpu = time.perf_counter(), time.process_time()
    found = changes.before(previous, files[CSV], base)
    seconds["read the previous release"] = (time.perf_counter() - started, time.process_time() - cpu)
    sys.stdout.buffer.write(pickle.dumps((files, digests, seconds, found), protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
