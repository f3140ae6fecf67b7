"""Write kfl.jsonld and the VoID description in another process, from kfl.nt, while the build goes on.

After kfl.nt, the build's own process validates and writes Turtle, the SHACL report and the
release's descriptions, one after the other on one core. kfl.jsonld (the largest Python
writer: 5 CPU s at 35,000 spaces) and VoID need only the statements, so a fresh process
(started with the interpreter, as kfl_lod.sidework's is, not forked) reads kfl.nt's lines on
its standard input as soon as they exist, writes both on the other core, and answers the
files, their SHA-256 and its own times on its standard output.

Whatever goes wrong in it (it cannot start, dies, answers nonsense), :meth:`GraphFiles.files`
writes the files in this process instead: the bytes are the same either way (the same
functions on the same lines; tests/test_writers.py compares them).
"""

from __future__ import annotations

import hashlib
import json
import pickle
import sys
import time
from collections.abc import Callable

from . import void
from .jsonld import to_jsonld
from .names import JSONLD, VOID_NTRIPLES, VOID_TURTLE
from .otherprocess import OtherProcess
from .triples import Triples

NAMES = (JSONLD, VOID_TURTLE, VOID_NTRIPLES)
MIN_BYTES = 16 << 20  # kfl.nt of about 2,000 spaces: below, starting a process costs more than the files

Timer = Callable[[str, Callable[[], dict[str, bytes]]], dict[str, bytes]]


def write(triples: Triples, base: str, timer: Timer | None = None) -> dict[str, bytes]:
    """kfl.jsonld, void.ttl and void.nt of ``triples``, in this process."""
    timer = timer or (lambda stage, work: work())
    files = timer(f"write {JSONLD}", lambda: {JSONLD: to_jsonld(triples, base)})
    return files | timer("write void", lambda: void.render(triples, base))


class GraphFiles:
    """kfl.jsonld and VoID of some N-Triples, written by another process when they are large."""

    def __init__(self, ntriples: bytes, base: str, min_bytes: int = MIN_BYTES) -> None:
        self.base = base
        self.seconds: dict[str, tuple[float, float]] = {}  # stage -> the other process's wall and CPU seconds
        self.error: str | None = None  # why the files were written here after all
        self._other: OtherProcess | None = None
        if len(ntriples) < min_bytes:
            return
        # The base on a line of its own, then the lines: fed and drained from a thread while
        # this process validates.
        chunks = [json.dumps(base).encode("utf-8") + b"\n", ntriples]
        self._other = OtherProcess("kfl_lod.graphwork", "main", chunks, "graph-files")
        self.error = self._other.error

    @property
    def started(self) -> bool:
        """Whether the other process is writing the files (else files() writes them here)."""
        return self._other is not None and self._other.started

    def files(self, triples: Triples, timer: Timer) -> dict[str, bytes]:
        """The three files: the other process's answer, else written here from ``triples``."""
        if self.started:
            got = timer(f"wait for {', '.join(NAMES)}", self._wait)
            if got:
                return got
        return write(triples, self.base, timer)

    def _wait(self) -> dict[str, bytes]:
        assert self._other is not None
        answer = self._other.answer()
        self.error = self._other.error
        if answer is not None:
            try:
                files, digests, self.seconds = pickle.loads(answer)
                if set(files) == set(NAMES) and all(hashlib.sha256(files[n]).hexdigest() == digests[n] for n in NAMES):
                    return files
                self.error = "answered other files"
            except Exception as exc:  # noqa: BLE001 - anything unreadable: write them here
                self.error = f"answered nonsense: {exc}"
        return {}

    def cancel(self) -> None:
        """Stop the other process (the build failed, or validation found violations)."""
        if self._other is not None:
            self._other.cancel()


def main() -> None:
    """In the other process: read the base (a JSON line) and N-Triples from stdin, answer (files, digests, seconds)."""
    import gc

    gc.disable()  # many small objects that live until the end, no cycles (see build.without_cycle_collector)
    stdin = sys.stdin.buffer
    base = json.loads(stdin.readline())
    triples = Triples(lines=[line.decode("utf-8") for line in stdin])  # line by line: no copy of the whole
    seconds: dict[str, tuple[float, float]] = {}

    def timed(stage: str, work: Callable[[], dict[str, bytes]]) -> dict[str, bytes]:
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return work()
        finally:
            seconds[stage] = (time.perf_counter() - started, time.process_time() - cpu)

    files = write(triples, base, timed)
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    sys.stdout.buffer.write(pickle.dumps((files, digests, seconds), protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()
