"""The example queries in ``sparql/*.rq``: their question in Polish and English, and text.

Each file starts with comment lines; the first ``# PL:`` and ``# EN:`` lines give the
question it answers, later comment lines explain it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Example:
    """One example query."""

    name: str  # file name without .rq
    question_pl: str
    question_en: str
    text: str


def read_example(path: Path) -> Example:
    """Read one .rq file.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.rq"
    >>> _ = p.write_text("# PL: Ile sal?\\n# EN: How many rooms?\\nSELECT * {}\\n", encoding="utf-8")
    >>> read_example(p).question_en
    'How many rooms?'
    """
    text = path.read_text(encoding="utf-8")
    pl = en = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            if stripped:
                break
            continue
        body = stripped.lstrip("#").strip()
        if body[:3].upper() == "PL:" and not pl:
            pl = body[3:].strip()
        elif body[:3].upper() == "EN:" and not en:
            en = body[3:].strip()
    return Example(path.stem, pl, en, text)


def load_examples(folder: Path) -> list[Example]:
    """Every example in ``folder``, sorted by file name; none if the folder is missing."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return [read_example(p) for p in sorted(folder.glob("*.rq"))]
