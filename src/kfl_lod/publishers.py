"""Who may publish from the browser: names with scrypt hashes of their tokens, never the tokens.

The setting ``publishers`` is either a file of ``name=hash`` lines (``#`` starts a comment) or
such entries separated by spaces (for an environment variable). ``kfl-lod publisher NAME``
makes a token and prints the line to add; only the person gets the token.

>>> line, token = new_entry("anna")
>>> verify(parse(line), "anna", token), verify(parse(line), "anna", token + "x"), verify(parse(line), "ewa", token)
(True, False, False)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from pathlib import Path

from .errors import SettingsError

SCHEME = "scrypt"
N, R, P = 2**14, 8, 1  # scrypt's interactive-login parameters: ~16 MiB and a few tens of ms per check
NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
# A hash to check unknown names against, so a wrong name takes as long as a wrong token.
_DUMMY = f"{SCHEME}${N}${R}${P}${'A' * 22}${'A' * 43}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_token(token: str, salt: bytes | None = None) -> str:
    """The stored form of a token: ``scrypt$N$r$p$salt$hash``."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(token.encode(), salt=salt, n=N, r=R, p=P, dklen=32)
    return f"{SCHEME}${N}${R}${P}${_b64(salt)}${_b64(digest)}"


def new_entry(name: str) -> tuple[str, str]:
    """A new publisher line ``name=hash`` and the token it stands for."""
    if not NAME.match(name):
        raise SettingsError(f"publisher name {name!r}: expected 1–64 letters a–z, digits, '.', '_', '@' or '-'")
    token = secrets.token_urlsafe(24)
    return f"{name}={hash_token(token)}", token


def parse(value: str) -> dict[str, str]:
    """Name -> hash from the setting's text (lines or space-separated entries)."""
    found: dict[str, str] = {}
    for number, line in enumerate(value.splitlines(), start=1):
        for entry in line.split("#", 1)[0].split():
            name, sep, stored = entry.partition("=")
            parts = stored.split("$")
            if not sep or not NAME.match(name) or len(parts) != 6 or parts[0] != SCHEME:
                raise SettingsError(
                    f"setting publishers, line {number}: {entry[:40]!r} is not 'name=scrypt$…' "
                    "(make entries with kfl-lod publisher NAME)"
                )
            found[name] = stored
    return found


def load(setting: str) -> dict[str, str]:
    """The publishers the setting names: read the file it names, or parse it as entries; {} when empty."""
    setting = setting.strip()
    if not setting:
        return {}
    if "=" not in setting:
        path = Path(setting)
        try:
            return parse(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise SettingsError(f"setting publishers: cannot read {path} ({exc.strerror}); expected a file") from None
    return parse(setting)


def verify(publishers: dict[str, str], name: str, token: str) -> bool:
    """Whether ``token`` is ``name``'s; as slow for an unknown name as for a known one."""
    stored = publishers.get(name, _DUMMY)
    try:
        _, n, r, p, salt, digest = stored.split("$")
        computed = hashlib.scrypt(
            token.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), dklen=len(_unb64(digest))
        )
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(computed, _unb64(digest)) and name in publishers
