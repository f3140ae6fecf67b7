"""Write a publication atomically, as a release, and switch it in at the end.

Layout of the publication folder::

    published/
      releases/2026-11-30-1a2b3c4d/   every file of one release, complete
      latest -> releases/2026-11-30-1a2b3c4d   switched with one atomic rename
      kfl.ttl -> latest/kfl.ttl      stable names for people and the server

A release is written into a hidden temporary folder and renamed into place only when
complete; ``latest`` is a symlink replaced atomically. A build that fails or is killed
at any moment leaves the previous publication byte-identical. A build whose content
equals the latest release makes no new release; if only the files describing it change
(a settings-only rebuild: catalog, change record, checksums), the whole release is written
anew beside the old one and the two folders are exchanged in one atomic step, so the
checksums always match the files next to them.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .errors import Problem, PublishError
from .names import CATALOG_FILES, CHANGES, LATEST, RELEASES, SUMS

# Files whose bytes describe the release itself (catalog dates and checksums, the change
# record, the checksum list) do not count towards its content hash; everything else does.
# They are rendered after the content is known, and refreshed in place when only they change.
_NOT_CONTENT = (SUMS, CHANGES, *CATALOG_FILES)


@dataclass(frozen=True)
class Published:
    """What a publish did: the release it points at and the files in it."""

    version: str
    folder: Path
    new_release: bool
    files: dict[str, int] = field(default_factory=dict)  # name -> bytes
    content_hash: str = ""


@dataclass(frozen=True)
class Plan:
    """The release a publish of some content will make or reuse, known before it is written."""

    version: str
    day: date
    content_hash: str
    new_release: bool
    previous: Path | None  # the release this one follows (the current latest), if new


def version_date(version: str) -> date:
    """The day a release was made, read from its version name.

    >>> version_date("2026-03-02-1a2b3c4d")
    datetime.date(2026, 3, 2)
    """
    return date.fromisoformat(version[:10])


def is_content(name: str) -> bool:
    """Whether a file's bytes count towards the release's content hash."""
    return name not in _NOT_CONTENT


def plan(out: Path, files: dict[str, bytes], today: date) -> Plan:
    """Say which release publishing ``files`` (content files suffice) would make or reuse."""
    digest = content_hash(files)
    current = latest_release(Path(out))
    if current is not None and release_hash(current) == digest:
        return Plan(current.name, version_date(current.name), digest, False, None)
    return Plan(f"{today.isoformat()}-{digest[:8]}", today, digest, True, current)


# id(bytes) -> (the bytes, their SHA-256), while a build runs (see digests_remembered).
_DIGESTS: dict[int, tuple[bytes, str]] | None = None


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data`` in hex, computed once per build for the same bytes object."""
    cache = _DIGESTS
    if cache is None:
        return hashlib.sha256(data).hexdigest()
    hit = cache.get(id(data))
    if hit is not None and hit[0] is data:
        return hit[1]
    digest = hashlib.sha256(data).hexdigest()
    cache[id(data)] = (data, digest)  # the bytes are kept, so their id is not reused meanwhile
    return digest


@contextmanager
def digests_remembered() -> Iterator[None]:
    """Hash each file's bytes once within the block.

    A build hashes every file for the content hash, the change record, the catalog and
    SHA256SUMS: four times 400 MB at 35,000 spaces. The remembered bytes are let go at the end.
    """
    global _DIGESTS
    owner = _DIGESTS is None
    if owner:
        _DIGESTS = {}
    try:
        yield
    finally:
        if owner:
            _DIGESTS = None


def content_hash(files: dict[str, bytes]) -> str:
    """Hash of a release's content: the names and bytes of its data files."""
    h = hashlib.sha256()
    for name in sorted(files):
        if name in _NOT_CONTENT:
            continue
        h.update(name.encode() + b"\0" + bytes.fromhex(sha256_hex(files[name])))
    return h.hexdigest()


def sha256sums(files: dict[str, bytes]) -> bytes:
    return "".join(f"{sha256_hex(files[n])}  {n}\n" for n in sorted(files) if n != SUMS).encode()


def latest_release(out: Path) -> Path | None:
    """The folder the publication's ``latest`` link points at, if any."""
    link = Path(out) / LATEST
    if not link.is_symlink() and not link.is_dir():
        return None
    target = link.resolve()
    return target if target.is_dir() else None


def read_release(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def release_hash(folder: Path) -> str:
    marker = folder / ".content-hash"
    if marker.exists():
        return marker.read_text().strip()
    return content_hash(read_release(folder))


def _out_problem(out: Path, en: str, pl: str, code: str = "bad-out") -> PublishError:
    where = os.fspath(out).replace("\x00", "\\x00")
    return PublishError(
        [
            Problem(
                where,
                None,
                None,
                where,
                f"the publication folder (--out, setting published) {en}; expected a folder that exists or can be "
                "created, and may be written to (choose another folder with --out)",
                code,
                f"folder publikacji (--out, ustawienie published) {pl}; potrzebny jest folder, który istnieje albo "
                "da się go utworzyć, z prawem zapisu (wskaż inny folder opcją --out)",
            )
        ]
    )


def check_out(out: Path) -> None:
    """Raise PublishError if ``out`` cannot be a publication folder; create nothing."""
    if "\x00" in os.fspath(out):
        raise _out_problem(out, "contains a NUL character", "zawiera znak NUL")
    path = Path(out).absolute()
    if path.exists() and not path.is_dir():
        raise _out_problem(out, "names a file, not a folder", "wskazuje plik, a nie folder")
    existing = path
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise _out_problem(
            out,
            f"lies under {existing.name!r}, which is a file",
            f"leży wewnątrz {existing.name!r}, który jest plikiem",
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise _out_problem(out, "cannot be written (no permission)", "nie ma prawa zapisu")


def publish_or_fail(out: Path, files: dict[str, bytes], today: date, keep: int = 5) -> Published:
    """Publish, turning a failure to write (disk full, a path that cannot be made) into PublishError."""
    check_out(out)
    try:
        return publish(out, files, today, keep)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise _out_problem(
            out,
            f"could not be written ({reason}); the previous publication is unchanged",
            f"nie dało się go zapisać ({reason}); poprzednia publikacja jest bez zmian",
        ) from exc


def publish(out: Path, files: dict[str, bytes], today: date, keep: int = 5) -> Published:
    """Publish ``files`` as the latest release in ``out``; return what was done."""
    out = Path(out)
    releases = out / RELEASES
    releases.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    files = dict(files)
    files[SUMS] = sha256sums(files)
    digest = content_hash(files)
    current = latest_release(out)
    sizes = {name: len(data) for name, data in files.items()}
    if current is not None and release_hash(current) == digest:
        _refresh(current, files, digest)
        _link_names(out, files)
        return Published(current.name, current, False, sizes, digest)
    version = f"{today.isoformat()}-{digest[:8]}"
    final = releases / version
    if final.exists():  # the same content was released earlier today, then replaced: bring it back
        _refresh(final, files, digest)
    else:
        staging = _stage(releases, version, files, digest)
        os.rename(staging, final)
        _fsync_dir(releases)
    _switch_latest(out, version)
    _link_names(out, files)
    _prune(releases, keep, protect=version)
    return Published(version, final, True, sizes, digest)


def _stage(releases: Path, version: str, files: dict[str, bytes], digest: str, like: Path | None = None) -> Path:
    """Write every file of a release into a hidden folder; return it.

    Content files equal to those of the release ``like`` are hard-linked rather than copied.
    """
    staging = releases / f".tmp-{version}-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    for name in sorted(files):
        if like is not None and is_content(name) and _link_same(like / name, staging / name, files[name]):
            continue
        _write(staging / name, files[name])
    _write(staging / ".content-hash", digest.encode())
    _fsync_dir(staging)
    return staging


def _link_same(old: Path, new: Path, data: bytes) -> bool:
    """Hard-link ``old`` as ``new`` if it holds ``data``; False if it does not or cannot be linked."""
    try:
        if old.is_symlink() or old.stat().st_size != len(data) or old.read_bytes() != data:
            return False
        os.link(old, new)
        return True
    except OSError:
        return False


def _refresh(folder: Path, files: dict[str, bytes], digest: str) -> None:
    """Bring a release whose content is unchanged up to date with the files that describe it.

    Nothing is written if every file already has its bytes. Otherwise the whole release is
    staged anew (content files hard-linked) and exchanged with ``folder`` atomically: a
    reader, or a build killed at any moment, sees the old release or the new one, whole,
    with its SHA256SUMS matching the files beside it.
    """
    on_disk = {p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")}
    if on_disk == set(files) and all((folder / name).read_bytes() == data for name, data in files.items()):
        return
    staging = _stage(folder.parent, folder.name, files, digest, like=folder)
    _exchange(staging, folder)
    _fsync_dir(folder.parent)
    shutil.rmtree(staging, ignore_errors=True)  # now the old release; a killed build leaves it to _remove_leftovers


_RENAME_EXCHANGE = 2  # linux/fs.h


def _exchange(a: Path, b: Path) -> None:
    """Swap two folders in one atomic step (Linux renameat2); elsewhere, two renames in a row."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        renameat2 = None
    if renameat2 is not None:
        at_cwd = -100  # AT_FDCWD
        if renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
            raise OSError(code, os.strerror(code), str(b))
    # Without an atomic exchange, a reader may find ``b`` missing between the two renames.
    aside = b.with_name(f".tmp-old-{b.name}-{os.getpid()}")
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _switch_latest(out: Path, version: str) -> None:
    tmp = out / f".latest-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(f"{RELEASES}/{version}", tmp)
    os.replace(tmp, out / LATEST)  # atomic: readers see the old or the new release, never none
    _fsync_dir(out)


def _link_names(out: Path, files: dict[str, bytes]) -> None:
    for name in files:
        link = out / name
        target = f"{LATEST}/{name}"
        if link.is_symlink() and os.readlink(link) == target:
            continue
        tmp = out / f".{name}.link-{os.getpid()}"
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        os.symlink(target, tmp)
        os.replace(tmp, link)


def _remove_leftovers(out: Path) -> None:
    """Delete what a killed build may have left: hidden staging folders and links."""
    for path in (out / RELEASES).glob(".tmp-*"):
        shutil.rmtree(path, ignore_errors=True)
    for path in (out / RELEASES).glob("*/.*.tmp-*"):
        path.unlink(missing_ok=True)
    for path in out.glob(".*-*"):
        if path.is_symlink():
            path.unlink()


def _prune(releases: Path, keep: int, protect: str) -> None:
    versions = sorted(
        (p for p in releases.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: (p.stat().st_mtime, p.name),
    )
    old = [p for p in versions if p.name != protect]
    for path in old[: max(0, len(versions) - max(keep, 1))]:
        shutil.rmtree(path, ignore_errors=True)
