"""The web application: create_app(settings) -> Flask.

Blueprints (each in its own module, registered if present):
- ``sparql``: the SPARQL 1.1 endpoint (/sparql)
- ``resources``: dereferenceable URIs (303 to documents), /dumps/, /healthz
- ``pages``: the HTML pages NGOs use (search, map, a page per thing, about)
- ``releases``: catalog, VoID (/.well-known/void), changes between releases, 410 Gone
- ``check``: the clerk's check page (/sprawdz), the template downloads, publishing from the browser
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from flask import Flask, current_app

from ..names import LATEST, STORE_FILES
from ..settings import Settings, load_settings
from ..store import open_store

BLUEPRINTS = ("sparql", "resources", "pages", "releases", "check")


class Data:
    """The published data the app serves; reopened when ``published/latest`` moves."""

    def __init__(self, published: Path) -> None:
        self.published = Path(published)
        self._version: str | None = None
        self._store = None

    def version(self) -> str:
        link = self.published / LATEST
        try:
            return os.readlink(link)
        except OSError:
            return ""

    def key(self) -> str:
        """What identifies the loaded data: the release, and the time its describing files
        (catalog, VoID) were last rewritten, since a settings-only rebuild rewrites them in
        place without a new release."""
        stamps = []
        for name in STORE_FILES:
            try:
                stamps.append(str((self.published / LATEST / name).stat().st_mtime_ns))
            except OSError:
                stamps.append("-")
        return f"{self.version()}@{'.'.join(stamps)}"

    @property
    def store(self):
        key = self.key()
        if self._store is None or key != self._version:
            self._store = open_store(self.published)
            self._version = key
        return self._store


def create_app(settings: Settings | None = None) -> Flask:
    """Build the Flask app serving one publication."""
    settings = settings or load_settings()
    app = Flask(__name__)
    app.config["KFL_SETTINGS"] = settings
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.ensure_ascii = False
    app.extensions["kfl_data"] = Data(settings.published)
    for name in BLUEPRINTS:
        try:
            module = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            continue
        app.register_blueprint(module.bp)
    return app


def settings() -> Settings:
    """The settings of the app handling the current request."""
    return current_app.config["KFL_SETTINGS"]


def store():
    """The store of the publication the current app serves."""
    return current_app.extensions["kfl_data"].store
