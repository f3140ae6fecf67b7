"""The change record of a release (``changes.json``): its format, how to read it, what it says in words.

``changes.compare`` writes it at build time; the catalog, the store (for the web) and the
clerk's rollback read it through here. Imports only names and namespaces.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .names import CHANGES, LATEST
from .namespaces import RECORD_KINDS

FORMAT = "kfl-lod changes 1"
KINDS = RECORD_KINDS


_LABELS = {
    "institution": ("instytucje", "institutions"),
    "venue": ("lokalizacje", "venues"),
    "space": ("przestrzenie", "spaces"),
    "practice": ("dobre praktyki", "good practices"),
}


def notes(release: dict[str, Any]) -> tuple[str, str]:
    """Version notes of a release (one entry of ``releases``), in Polish and in English.

    >>> notes({"version": "v2", "previous": "v1", "counts": {"added": {"space": 2}, "withdrawn": {"space": 1},
    ...        "changed": 3, "now": {"space": 64}}})[1]
    'Release v2 (after v1). Spaces: 2 added, 1 withdrawn, 3 changed.'
    """
    counts = release["counts"]
    version, previous = release["version"], release.get("previous")
    if not previous:
        now = counts.get("now", {})
        pl = ", ".join(f"{_LABELS[k][0]}: {now[k]}" for k in KINDS if now.get(k))
        en = ", ".join(f"{_LABELS[k][1]}: {now[k]}" for k in KINDS if now.get(k))
        return f"Pierwsze wydanie {version}. {pl.capitalize()}.", f"First release {version}. {en.capitalize()}."
    parts_pl, parts_en = [], []
    for kind in KINDS:
        added, gone = counts["added"].get(kind, 0), counts["withdrawn"].get(kind, 0)
        changed = counts.get("changed", 0) if kind == "space" else 0
        if added or gone or changed:
            said_pl = [f"dodane {added}", f"wycofane {gone}"] + ([f"zmienione {changed}"] if kind == "space" else [])
            said_en = [f"{added} added", f"{gone} withdrawn"] + ([f"{changed} changed"] if kind == "space" else [])
            parts_pl.append(f"{_LABELS[kind][0].capitalize()}: {', '.join(said_pl)}.")
            parts_en.append(f"{_LABELS[kind][1].capitalize()}: {', '.join(said_en)}.")
    if not parts_pl:
        parts_pl, parts_en = (
            ["Bez zmian w wykazie przestrzeni; zmieniły się inne dane."],
            ["No change in the list of spaces; other data changed."],
        )
    return (
        f"Wydanie {version} (po {previous}). " + " ".join(parts_pl),
        f"Release {version} (after {previous}). " + " ".join(parts_en),
    )


def load(folder: Path) -> dict[str, Any] | None:
    """The change record kept in a release folder, if it has one and it reads."""
    path = Path(folder) / CHANGES
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("format") == FORMAT else None


def latest(published: Path) -> dict[str, Any] | None:
    """The change record of the publication's latest release."""
    return load(Path(published) / LATEST)


def withdrawn(published: Path) -> dict[str, dict[str, Any]]:
    """Every IRI published once and withdrawn since, with when: for 410 Gone answers.

    Maps the IRI to kind, id, name, ``version`` and ``date`` of the release that withdrew it
    and ``last_version``, the last release that had it.
    """
    record = latest(published)
    return dict(record["withdrawn_total"]) if record else {}
