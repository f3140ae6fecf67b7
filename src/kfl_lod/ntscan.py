"""Read a few statements out of large N-Triples without parsing every line in Python.

The releases' ``kfl.nt`` is millions of lines; the change record and the catalog need only
the things' IRIs, their names and which spaces are illustrative. Lines are picked by a byte
search, and only the picked lines are parsed (by pyoxigraph), so the values are exactly what
a full parse gives; callers apply the same tests to them as to a full parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyoxigraph as ox


def lines_with(nt: bytes, needle: bytes) -> bytes:
    """Every line of ``nt`` that contains ``needle``, newline-terminated."""
    found: list[bytes] = []
    start = 0
    while (i := nt.find(needle, start)) >= 0:
        begin = nt.rfind(b"\n", 0, i) + 1
        end = nt.find(b"\n", i)
        end = len(nt) if end < 0 else end
        found.append(nt[begin:end])
        start = end
    return b"".join(line + b"\n" for line in found)


def quads_with(nt: bytes, needle: bytes) -> Iterator[ox.Quad]:
    """The statements of the lines of ``nt`` that contain ``needle`` (a superset of those it names)."""
    picked = lines_with(nt, needle)
    return iter(ox.parse(picked, format=ox.RdfFormat.N_TRIPLES)) if picked else iter(())


def subjects_under(nt: bytes, prefixes: list[str]) -> list[str]:
    """The distinct subject IRIs ``<prefix…>`` without a ``#`` that start a line, for a prefix of ``prefixes``.

    Raise ValueError for an IRI holding a backslash (an escape a parse would undo): the
    caller then parses the whole file instead.
    """
    if not prefixes:
        return []
    alternatives = b"|".join(re.escape(p.encode()) for p in prefixes)
    # A pattern that starts with a literal is searched for quickly; the first line is looked at apart.
    pattern = re.compile(rb"\n<((?:" + alternatives + rb")[^>\n#]*)> ")
    seen: dict[bytes, None] = {}
    first = re.match(rb"<((?:" + alternatives + rb")[^>\n#]*)> ", nt)
    if first:
        seen[first.group(1)] = None
    for subject in pattern.findall(nt):
        seen[subject] = None
    if any(b"\\" in s for s in seen):
        raise ValueError("escaped IRI")
    return [s.decode("utf-8") for s in seen]
