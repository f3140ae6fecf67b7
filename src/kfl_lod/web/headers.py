"""HTTP helpers the machine-facing blueprints share: CORS, ETags, conditional GET, gzip."""

from __future__ import annotations

import gzip
import hashlib
import re
from datetime import UTC, datetime

from flask import Request, Response

# Headers a browser script may read from our answers (CORS).
EXPOSED = (
    "Accept-Ranges",
    "Content-Disposition",
    "Content-Encoding",
    "Content-Length",
    "Content-Range",
    "Content-Location",
    "ETag",
    "Last-Modified",
    "Link",
    "Location",
    "Vary",
    "X-KFL-Results-Truncated",
    "X-KFL-Results-Limit",
    "X-KFL-Results-Byte-Limit",
    "X-KFL-Result-Rows",
    "X-KFL-Release",
)


def release_name() -> str:
    """The name of the release being served (``2026-03-02-1a2b3c4d``), empty if none."""
    from . import current_release

    return current_release().name


def cors(response: Response, request: Request) -> Response:
    """Let any web page read our answers: the data and the endpoint are public and read-only."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = ", ".join(EXPOSED)
    # Error texts quote what the client sent: never let a browser sniff them into HTML.
    response.headers["X-Content-Type-Options"] = "nosniff"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = ", ".join(allowed_headers(request))
        response.headers["Access-Control-Max-Age"] = "86400"
        response.vary.update(("Access-Control-Request-Headers", "Access-Control-Request-Method"))
    return response


# Request headers a browser script may always send to us (a preflight may ask for more).
ALLOWED = ("Accept", "Accept-Language", "Content-Type", "If-None-Match", "If-Modified-Since", "If-Range", "Range")
_TOKEN = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$")


def allowed_headers(request: Request) -> list[str]:
    """The headers a preflight may be allowed: ours, and those it asks for that are plain header names.

    Nothing we answer depends on other request headers, and the data is public and read-only,
    so a header a client library adds (``X-Requested-With``, ``Authorization`` is not special
    without credentials) is allowed rather than failing the browser's request.
    """
    names = list(ALLOWED)
    known = {n.lower() for n in names}
    asked = request.headers.get("Access-Control-Request-Headers", "")
    for name in (part.strip() for part in asked.split(",")):
        if name and _TOKEN.match(name) and name.lower() not in known and len(names) < 32:
            names.append(name)
            known.add(name.lower())
    return names


def etag_of(data: bytes) -> str:
    """A strong entity tag for some bytes."""
    return "sha256-" + hashlib.sha256(data).hexdigest()[:32]


def not_modified(request: Request, etag: str, last_modified: datetime | None) -> bool:
    """Whether a conditional GET/HEAD may be answered 304 (If-None-Match wins over If-Modified-Since)."""
    if request.method not in ("GET", "HEAD"):
        return False
    if request.if_none_match:
        return request.if_none_match.contains_weak(etag) or request.if_none_match.star_tag
    since = request.if_modified_since
    if since is not None and last_modified is not None:
        return last_modified.replace(microsecond=0) <= since.astimezone(UTC)
    return False


def accepts_gzip(request: Request) -> bool:
    """Whether the client accepts gzip (Accept-Encoding with q > 0, or *)."""
    encodings = request.accept_encodings
    return encodings["gzip"] > 0 if encodings else False


def gzipped(data: bytes) -> bytes:
    """Deterministic gzip: the same bytes always compress to the same bytes (and ETag)."""
    return gzip.compress(data, compresslevel=6, mtime=0)
