"""Work handed to a fresh Python process on the other core: bytes in on its stdin, bytes out.

The build hands three jobs to other processes while it goes on (kfl_lod.sidework: the files
made from the records; kfl_lod.graphwork: kfl.jsonld and VoID; pages_index.Preparing: the
pages' index). Each process is started with the interpreter, not forked: a fork of a large
build copies every page its reference counts touch. It is fed and drained from a thread, as
pipes block and the build does other work meanwhile. Whatever goes wrong (it cannot start,
exits with an error, is killed), :meth:`OtherProcess.answer` gives None and ``error`` says
why, and the caller does the work in its own process: the bytes are the same either way.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path


class OtherProcess:
    """A fresh interpreter running ``function()`` of ``module``, fed ``chunks``; its standard output kept."""

    def __init__(self, module: str, function: str, chunks: Sequence[bytes], name: str) -> None:
        self.error: str | None = None  # why there is no answer
        self._proc: subprocess.Popen | None = None
        self._answer = b""
        self._thread: threading.Thread | None = None
        env = dict(os.environ)
        # The same kfl_lod as this process's, wherever it was imported from.
        package_root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join([package_root, *filter(None, [env.get("PYTHONPATH")])])
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-c", f"from {module} import {function}; {function}()"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
            )
        except (OSError, ValueError) as exc:
            self.error = f"could not start: {exc}"
            return
        self._thread = threading.Thread(target=self._talk, args=(chunks,), name=name, daemon=True)
        self._thread.start()

    @property
    def started(self) -> bool:
        """Whether the other process runs (else the caller does the work itself)."""
        return self._thread is not None

    def _talk(self, chunks: Sequence[bytes]) -> None:
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        try:
            for chunk in chunks[:-1]:  # written one after the other: no joined copy of a large input
                proc.stdin.write(chunk)
            self._answer, err = proc.communicate(chunks[-1] if chunks else b"")
            if proc.returncode != 0:
                self.error = f"exited {proc.returncode}: {err.decode(errors='replace')[-500:]}"
        except (OSError, ValueError) as exc:
            self.error = f"failed: {exc}"

    def answer(self) -> bytes | None:
        """Wait for the process: its standard output, or None if it did not run or failed (see ``error``)."""
        if self._thread is None:
            return None
        self._thread.join()
        answer, self._answer = self._answer, b""
        return answer if self.error is None else None

    def cancel(self) -> None:
        """Stop the other process (the build failed)."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
        if self._thread is not None:
            self._thread.join()
