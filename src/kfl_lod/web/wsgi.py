"""WSGI entry point for production servers: ``gunicorn 'kfl_lod.web.wsgi:app'``.

Settings come from ``kfl-lod.toml`` in the working directory (or ``KFL_SETTINGS``) and
``KFL_*`` environment variables. Each gunicorn worker starts its own query processes on
first use; see docs/server.md for the recommended command.
"""

from __future__ import annotations

from ..settings import load_settings
from . import create_app

app = create_app(load_settings())
