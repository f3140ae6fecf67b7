"""A WSGI app answering a constant (after reading any request body): the floor of a server stack."""

from __future__ import annotations

BODY = b'{"status": "ok"}\n'


_SIZED: dict[int, bytes] = {}


def app(environ, start_response):
    """Read the request body, then answer the same few bytes (``/bytes/N``: N bytes, to compare a large file with)."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        environ["wsgi.input"].read(length)
    body = BODY
    path = environ.get("PATH_INFO", "")
    if path.startswith("/bytes/") and path[7:].isdigit() and int(path[7:]) <= 50_000_000:
        size = int(path[7:])
        body = _SIZED.get(size) or _SIZED.setdefault(size, b"x" * size)
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _front():
    from kfl_lod.web.front import Front

    return Front(app, threads=16)


# The same constant behind kfl-lod's own front (Granian's RSGI interface, bodies read on
# the event loop, the app in a thread pool): the floor of `kfl-lod serve`.
front = _front()
