"""Undo a publication: publish an earlier release's content again, as a build would.

The content files of the earlier release are published exactly as they are; the files that
describe a release (change record, DCAT-AP catalog, checksums) are made afresh, so the
change record says what the undo changed and the release history keeps both steps. Nothing
is deleted: the undone release stays among the kept releases and can be published again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import release_record
from .build import describe_release
from .errors import KflError
from .publish import RELEASES, SUMS, Published, is_content, latest_release, publish
from .settings import Settings


class RollbackError(KflError):
    """There is no earlier release to go back to (or the one named is not kept)."""

    code = "no-release"


@dataclass(frozen=True)
class Rollback:
    """What an undo did: the release it left, the release whose content it restored, the release made."""

    undone: str
    restored: str
    published: Published


def kept_releases(published: Path) -> list[str]:
    """The versions of the releases kept under published/releases/, oldest first."""
    folder = Path(published) / RELEASES
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def target(published: Path, to: str | None = None) -> tuple[Path, Path]:
    """The current release folder and the one to restore: ``to``, else the one the current release followed."""
    current = latest_release(published)
    if current is None:
        raise RollbackError(
            f"{published} has no release to undo; expected a publication made by kfl-lod build — "
            f"w {published} nie ma wydania do cofnięcia"
        )
    if to is None:
        record = release_record.load(current) or {}
        to = record.get("previous")
        if not to:
            raise RollbackError(
                f"release {current.name} is the first one: there is no earlier release to go back to — "
                f"wydanie {current.name} jest pierwsze: nie ma wcześniejszego wydania"
            )
    kept = kept_releases(published)
    if to not in kept:
        raise RollbackError(
            f"release {to!r} is not kept in {Path(published) / RELEASES}; expected one of: {', '.join(kept)} — "
            f"wydanie {to!r} nie jest przechowywane; dostępne wydania: {', '.join(kept)}"
        )
    if to == current.name:
        raise RollbackError(f"release {to} is already the current one — wydanie {to} jest już bieżące")
    return current, Path(published) / RELEASES / to


def rollback(settings: Settings, to: str | None = None, today: date | None = None) -> Rollback:
    """Publish again the content of the release before the current one (or of release ``to``)."""
    current, folder = target(settings.published, to)
    files = {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.startswith(".") and is_content(p.name) and p.name != SUMS
    }
    day = today or date.today()
    files.update(describe_release(files, settings, day))
    done = publish(settings.published, files, day, settings.keep_releases)
    return Rollback(current.name, folder.name, done)
