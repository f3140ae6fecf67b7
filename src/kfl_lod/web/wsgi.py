"""WSGI entry point for plain WSGI servers (``gunicorn 'kfl_lod.web.wsgi:app'``, say).

Production runs ``kfl_lod.web.asgi:app`` under Granian instead (docs/server.md): a WSGI
server's threads read slow clients' requests themselves, and this entry has no answer cache.

Settings come from ``kfl-lod.toml`` in the working directory (or ``KFL_SETTINGS``) and
``KFL_*`` environment variables. Each server process starts its own query processes on
first use; see docs/server.md for the recommended command.
"""

from __future__ import annotations

from ..settings import load_settings
from . import create_app

app = create_app(load_settings())
