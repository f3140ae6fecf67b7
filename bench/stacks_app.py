"""A WSGI app answering a constant (after reading any request body): the floor of a server stack."""

from __future__ import annotations

BODY = b'{"status": "ok"}\n'


def app(environ, start_response):
    """Read the request body, then answer the same few bytes."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        environ["wsgi.input"].read(length)
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))])
    return [BODY]


def _front():
    from kfl_lod.web.front import Front

    return Front(app, threads=16)


# The same constant behind kfl-lod's own front (Granian's RSGI interface, bodies read on
# the event loop, the app in a thread pool): the floor of `kfl-lod serve`.
front = _front()
