"""Publishers' sign-ins for the check page: server-side sessions, CSRF tokens and an attempt limit.

Kept as files under ``{publish_log}/sessions/`` (so every server process sees them) and
named by the SHA-256 of the session id, so the folder's contents cannot be replayed as
cookies. A session lasts ``publish_session_minutes`` from sign-in, whatever happens in it.
Failed sign-ins are counted per client address and per name in ``attempts.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..publication_log import locked

SESSIONS = "sessions"
PENDING = "pending"
ATTEMPTS = "attempts.json"
WINDOW = 15 * 60  # seconds over which failed sign-ins are counted


@dataclass
class Session:
    """One publisher's sign-in."""

    who: str
    expires: float
    csrf: str
    pending: dict = field(default_factory=dict)  # the checked upload waiting to be published, if any


def _path(folder: Path, sid: str) -> Path:
    return Path(folder) / SESSIONS / (hashlib.sha256(sid.encode()).hexdigest() + ".json")


def _write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
    os.replace(tmp, path)


def start(folder: Path, who: str, minutes: int) -> tuple[str, Session]:
    """Open a session for ``who``; return its id (for the cookie) and the session."""
    sweep(folder)
    sid = secrets.token_urlsafe(32)
    session = Session(who, time.time() + minutes * 60, secrets.token_urlsafe(32))
    _write(_path(folder, sid), asdict(session))
    return sid, session


def get(folder: Path, sid: str | None) -> Session | None:
    """The live session of a cookie's id, or None (unknown, expired, unreadable)."""
    if not sid or len(sid) > 100:
        return None
    path = _path(folder, sid)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        session = Session(**data)
    except (OSError, ValueError, TypeError):
        return None
    if session.expires <= time.time():
        end(folder, sid)
        return None
    return session


def save(folder: Path, sid: str, session: Session) -> None:
    _write(_path(folder, sid), asdict(session))


def end(folder: Path, sid: str) -> None:
    """Close a session and delete the upload it kept."""
    path = _path(folder, sid)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    drop_pending(folder, (data.get("pending") or {}).get("id", ""))
    path.unlink(missing_ok=True)


def pending_dir(folder: Path, pending_id: str) -> Path | None:
    """The folder of a kept upload, if the id is one we could have made."""
    if not pending_id or not all(c.isalnum() or c in "-_" for c in pending_id) or len(pending_id) > 64:
        return None
    return Path(folder) / PENDING / pending_id


def new_pending(folder: Path) -> tuple[str, Path]:
    """A fresh, private folder for an upload kept until it is published or the session ends."""
    pending_id = secrets.token_urlsafe(18)
    path = Path(folder) / PENDING / pending_id
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    return pending_id, path


def drop_pending(folder: Path, pending_id: str) -> None:
    path = pending_dir(folder, pending_id)
    if path is not None:
        shutil.rmtree(path, ignore_errors=True)


def sweep(folder: Path) -> None:
    """Delete expired sessions and kept uploads no live session names."""
    now = time.time()
    live: set[str] = set()
    for path in (Path(folder) / SESSIONS).glob("*.json"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if data.get("expires", 0) <= now:
            path.unlink(missing_ok=True)
        else:
            live.add((data.get("pending") or {}).get("id", ""))
    for path in (Path(folder) / PENDING).glob("*"):
        if path.name not in live and path.stat().st_mtime < now - 60:  # not one being made right now
            shutil.rmtree(path, ignore_errors=True)


def _attempts(folder: Path) -> dict[str, list[float]]:
    try:
        data = json.loads((Path(folder) / ATTEMPTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    now = time.time()
    return {k: [t for t in v if t > now - WINDOW] for k, v in data.items() if isinstance(v, list)}


def blocked(folder: Path, keys: list[str], limit: int) -> int:
    """Seconds until one more sign-in may be tried for any of ``keys``; 0 if it may now."""
    with locked(folder, ".attempts.lock"):
        found = _attempts(folder)
    waits = [int(min(found[k]) + WINDOW - time.time()) + 1 for k in keys if len(found.get(k, [])) >= limit]
    return max(waits, default=0)


def failed(folder: Path, keys: list[str]) -> None:
    """Count a failed sign-in against each of ``keys``."""
    with locked(folder, ".attempts.lock"):
        found = _attempts(folder)
        for key in keys:
            found.setdefault(key, []).append(time.time())
        _write(Path(folder) / ATTEMPTS, {k: v for k, v in found.items() if v})
