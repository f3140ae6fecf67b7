"""Run one kfl-lod command in this process with its memory and CPU time capped.

``python -m kfl_lod.limited MEMORY_MB CPU_SECONDS ARG...`` sets the limits, then runs
``kfl-lod ARG...``. The check page runs uploaded files through it: a hostile workbook can
use at most that much memory and time, and only this child process dies of it. The limits
are set here, in the child, rather than by the parent between fork and exec, which is not
safe in a threaded server.
"""

from __future__ import annotations

import resource
import sys


def limit(memory_mb: int, cpu_seconds: int) -> None:
    """Cap this process's address space and CPU time (the kernel stops it beyond them)."""
    if memory_mb > 0:
        size = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    if cpu_seconds > 0:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run(argv: list[str]) -> None:
    memory_mb, cpu_seconds, *args = argv
    limit(int(memory_mb), int(cpu_seconds))
    from .cli import main

    main(args=args, prog_name="kfl-lod")


if __name__ == "__main__":
    run(sys.argv[1:])
