"""One frozen Settings object, built at the edge (CLI, WSGI entry) and passed down.

Each setting is declared once, with its default and its help text. Values come from, in
order of precedence: explicit overrides (command-line options), environment variables
``KFL_<NAME>`` (upper case), the settings file (``kfl-lod.toml`` in the working directory,
or the file named by ``KFL_SETTINGS``), and the defaults below. The core never reads the
environment itself.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from .errors import SettingsError

SETTINGS_FILE = "kfl-lod.toml"
# The shapes and example queries ship inside the package (package data), so the installed
# command works from any folder. In a checkout, src/kfl_lod/shapes and src/kfl_lod/sparql are
# links to the repository's shapes/ and sparql/, which stay the files to edit.
PACKAGE_DATA = Path(__file__).parent
ILLUSTRATIVE_CHOICES = ("separate", "omit")
VALIDATORS = ("shacl", "pyshacl")


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with defaults that work on a fresh checkout."""

    base: str = _setting("https://kfl.krakow.pl/", "Base IRI under which every published thing is named.")
    source: Path = _setting(Path("source"), "Folder with the source tables (CSV) or a single XLSX/ODS workbook.")
    published: Path = _setting(Path("published"), "Folder the build publishes into and the server serves from.")
    shapes: Path = _setting(
        PACKAGE_DATA / "shapes", "Folder with the SHACL shapes (*.ttl); default: the ones installed with the package."
    )
    validator: str = _setting(
        "shacl",
        "SHACL engine: shacl (compiled, about 50 times faster; tests/test_validators.py shows it reports exactly "
        "what pySHACL reports) or pyshacl (the reference implementation).",
    )
    sparql_examples: Path = _setting(
        PACKAGE_DATA / "sparql",
        "Folder with the example SPARQL queries (*.rq); default: the ones installed with the package.",
    )
    keep_releases: int = _setting(5, "How many releases to keep under published/releases/.")
    illustrative: str = _setting(
        "separate",
        "Illustrative (example) spaces and good practices: 'separate' publishes them marked kfl:illustrative and "
        "shown apart from real ones; 'omit' leaves them out of every published file and of the store.",
    )
    store: str = _setting(
        "",
        "An external SPARQL 1.1 engine the server queries instead of the embedded store (docs/server.md, "
        "'External SPARQL engine'): an Oxigraph server's root (http://host:7878/) or any engine's query endpoint; "
        "user:password@ in the URL for HTTP Basic authentication. Empty: the embedded store. Fill it with kfl-lod load.",
    )
    store_graphs: str = _setting(
        "",
        "The engine's SPARQL 1.1 Graph Store Protocol endpoint kfl-lod load writes to. Empty: {store}store for an "
        "Oxigraph server's root, else the query endpoint itself (Fuseki's dataset URL serves both).",
    )
    store_poll: float = _setting(
        1.0,
        "Seconds between two looks at which release the external engine serves (a switch reaches the server within it).",
    )
    # Server limits.
    query_timeout: float = _setting(10.0, "Seconds a SPARQL query may run before it is stopped.")
    max_rows: int = _setting(
        10000, "Most result rows (or triples) a SPARQL query returns; more are cut, with a header saying so."
    )
    max_query_bytes: int = _setting(20000, "Largest SPARQL query text accepted, in bytes.")
    max_body_bytes: int = _setting(100000, "Largest request body accepted, in bytes.")
    query_workers: int = _setting(2, "Processes that run SPARQL queries (a slow query holds one of them).")
    query_queue: int = _setting(
        16,
        "SPARQL requests that may wait for a busy query process; more are refused at once (503), so pages and /healthz keep answering.",
    )
    query_memory_mb: int = _setting(
        1024,
        "Most memory a query may use beyond the data its process holds, in MB; a query needing more is stopped (0: no limit).",
    )
    max_result_bytes: int = _setting(
        20_000_000, "Largest SPARQL answer, in bytes; rows beyond it are cut, with a header saying so."
    )
    query_client_limit: int = _setting(
        4,
        "SPARQL requests one client (address) may have running or waiting at once, per server process; "
        "more are answered 429 with Retry-After.",
    )
    query_reserved: int = _setting(
        1,
        "Query processes one client can never take: kept for everyone else (a client runs at most "
        "query_workers - query_reserved queries at once, and at least 1).",
    )
    trusted_proxy: tuple[str, ...] = _setting(
        (),
        "Addresses of reverse proxies whose X-Forwarded-For, -Proto and -Host headers are believed "
        "(comma-separated in the environment). Empty: those headers are ignored.",
    )
    header_timeout: float = _setting(
        10.0, "Seconds a client may take to send a request's headers, or keep an idle connection open."
    )
    body_timeout: float = _setting(10.0, "Seconds a client may take to send a request's body; slower: 408.")
    http_threads: int = _setting(
        0,
        "Threads per server process running the app on whole requests (0: query_workers + query_queue + 4).",
    )
    # The check page (/sprawdz) and publishing from the browser (docs/source-format.md).
    upload_max_bytes: int = _setting(
        5_000_000, "Largest upload the check page (/sprawdz) accepts (all files together), in bytes."
    )
    check_timeout: float = _setting(
        60.0, "Seconds a check (or a publish) of uploaded files may take before it is stopped."
    )
    check_memory_mb: int = _setting(2048, "Most memory a check (or a publish) of uploaded files may use, in MB.")
    publishers: str = _setting(
        "",
        "Who may publish from the browser: a file of 'name=hash' lines, or such entries separated by spaces "
        "(hashes made by `kfl-lod publisher NAME`). Empty: publishing from the browser is off.",
    )
    publish_log: Path = _setting(
        Path("publications"),
        "Folder of the publication log, the files published from the browser and the publishers' sessions.",
    )
    publish_session_minutes: int = _setting(30, "Minutes a publisher's sign-in lasts.")
    publish_attempts: int = _setting(
        5, "Failed sign-ins allowed per client address (and per name) in 15 minutes; more are refused (429)."
    )
    # Publication metadata (DCAT-AP).
    licence: str = _setting(
        "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
        "Licence of the dataset (EU licence vocabulary IRI).",
    )
    contact_email: str = _setting(
        "", "E-mail of the dataset's contact point (corrections are sent there). Empty: not published."
    )
    language: str = _setting("pl", "Default language of the web pages (pl or en).")
    publisher: str = _setting(
        "", "IRI of the publisher (foaf:Agent). Empty: the Department of Culture, {base}organization/wydzial-kultury."
    )
    publisher_name: str = _setting(
        "Gmina Miejska Kraków – Wydział Kultury i Dziedzictwa Narodowego", "Name of the publisher, in Polish."
    )
    publisher_name_en: str = _setting(
        "Municipality of Kraków – Department of Culture and National Heritage", "Name of the publisher, in English."
    )
    contact_name: str = _setting(
        "Wydział Kultury i Dziedzictwa Narodowego Urzędu Miasta Krakowa", "Name of the dataset's contact point."
    )
    contact_street: str = _setting(
        "ul. Wielopole 17a", "Street address of the contact point (empty: no postal address)."
    )
    contact_postal_code: str = _setting("31-072", "Postal code of the contact point.")
    contact_locality: str = _setting("Kraków", "Town of the contact point.")
    contact_url: str = _setting("", "Web page of the contact point (a contact form, say). Empty: not published.")
    themes: tuple[str, ...] = _setting(
        (
            "http://publications.europa.eu/resource/authority/data-theme/EDUC",
            "http://publications.europa.eu/resource/authority/data-theme/SOCI",
            "http://publications.europa.eu/resource/authority/data-theme/GOVE",
        ),
        "Themes of the dataset: EU data-theme IRIs (upper-case codes), comma-separated in the environment.",
    )
    keywords_pl: tuple[str, ...] = _setting(
        (
            "organizacje pozarządowe",
            "instytucje kultury",
            "sale",
            "przestrzenie",
            "Kraków",
            "NGO",
        ),
        "Keywords in Polish.",
    )
    keywords_en: tuple[str, ...] = _setting(
        (
            "non-governmental organisations",
            "cultural institutions",
            "rooms",
            "spaces",
            "Kraków",
            "NGO",
        ),
        "Keywords in English.",
    )
    spatial: str = _setting(
        "http://www.wikidata.org/entity/Q31487",
        "Spatial coverage of the dataset (an IRI; default: Kraków in Wikidata).",
    )
    spatial_label: str = _setting("Kraków", "Name of the spatial coverage.")
    languages: tuple[str, ...] = _setting(
        (
            "http://publications.europa.eu/resource/authority/language/POL",
            "http://publications.europa.eu/resource/authority/language/ENG",
        ),
        "Languages of the dataset: EU language IRIs (upper-case codes).",
    )

    # The room finder's pages (web/pages.py).
    map_tiles: str = _setting(
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "Map background tiles (URL template with {z}, {x}, {y}); a third party that sees visitors' addresses. "
        "Empty: maps show markers without a background.",
    )
    map_tiles_attribution: str = _setting("© OpenStreetMap", "Credit shown on the map for its tiles (plain text).")
    map_tiles_attribution_url: str = _setting(
        "https://www.openstreetmap.org/copyright", "Link of the map tiles' credit."
    )
    map_tiles_operator: str = _setting(
        "OpenStreetMap Foundation", "Who runs the tile server (named on the accessibility and about pages)."
    )
    accessibility_entity: str = _setting(
        "", "Public body the accessibility statement is made by. Empty: the publisher's name."
    )
    accessibility_coordinator: str = _setting("", "Name of the person handling digital accessibility (coordinator).")
    accessibility_email: str = _setting("", "E-mail for accessibility requests and complaints. Empty: contact_email.")
    accessibility_phone: str = _setting("", "Phone for accessibility requests.")
    site_published: str = _setting(
        "", "Date the website was first published (YYYY-MM-DD), for the accessibility statement."
    )
    site_updated: str = _setting("", "Date of the website's last significant update (YYYY-MM-DD).")
    accessibility_declared: str = _setting("", "Date the accessibility statement was drawn up (YYYY-MM-DD).")
    accessibility_reviewed: str = _setting("", "Date the accessibility statement was last reviewed (YYYY-MM-DD).")
    accessibility_building: str = _setting(
        "",
        "Architectural accessibility of the public body's seat for the accessibility statement (entrances, lifts, "
        "toilets, parking, induction loop, assistance dogs), as the body states it. Empty: marked as not given.",
    )
    accessibility_building_url: str = _setting("", "Web page describing the seat's architectural accessibility.")
    accessibility_communication: str = _setting(
        "",
        "Communication accessibility for the accessibility statement (e.g. contact by SMS or e-mail, an online "
        "Polish sign language interpreter or not), as the body states it. Empty: marked as not given.",
    )
    export_sparql: str = _setting(
        "",
        "URL of a live SPARQL endpoint a static export (kfl-lod export-site) links to and sends queries to. "
        "Empty: the export says it has no SPARQL endpoint.",
    )

    @property
    def base_path(self) -> str:
        """The path part of the base IRI, e.g. '/' or '/kfl/'."""
        from urllib.parse import urlsplit

        return urlsplit(self.base).path or "/"

    def replace(self, **changes: Any) -> Settings:
        return _checked(dataclasses.replace(self, **{k: _coerce(k, v) for k, v in changes.items() if v is not None}))


def _coerce(name: str, value: Any) -> Any:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    try:
        if kind in ("Path", Path):
            return Path(value)
        if kind in ("int", int):
            return int(value)
        if kind in ("float", float):
            return float(value)
        if str(kind).startswith("tuple"):
            items = value.split(",") if isinstance(value, str) else list(value)
            return tuple(str(item).strip() for item in items if str(item).strip())
        return str(value)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"setting {name}: {value!r} is not a valid {kind}") from exc


def to_environ(settings: Settings) -> dict[str, str]:
    """Every setting as the ``KFL_<NAME>`` variable giving it to another process (paths made absolute)."""
    env = {}
    for f in fields(Settings):
        value = getattr(settings, f.name)
        if isinstance(value, Path):
            value = value.resolve()
        env[f"KFL_{f.name.upper()}"] = ",".join(value) if isinstance(value, tuple) else str(value)
    return env


def help_texts() -> dict[str, str]:
    """Each setting's help text, for the docs and `kfl-lod settings`."""
    return {f.name: f.metadata["help"] for f in fields(Settings)}


def load_settings(environ: Mapping[str, str] | None = None, cwd: Path | None = None, **overrides: Any) -> Settings:
    """Build the settings from the file, the environment and explicit overrides."""
    environ = os.environ if environ is None else environ
    cwd = cwd or Path.cwd()
    names = {f.name for f in fields(Settings)}
    values: dict[str, Any] = {}
    path = Path(environ.get("KFL_SETTINGS", cwd / SETTINGS_FILE))
    if "KFL_SETTINGS" in environ and not path.is_file():
        raise SettingsError(f"KFL_SETTINGS names {path}, which is not a file; expected a TOML settings file")
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{path}: not a valid TOML file: {exc}") from exc
        for key, value in data.items():
            if key not in names:
                raise SettingsError(f"{path}: unknown setting {key!r}; known: {', '.join(sorted(names))}")
            values[key] = value
    for name in names:
        env = environ.get(f"KFL_{name.upper()}")
        if env is not None:
            values[name] = env
    values.update({k: v for k, v in overrides.items() if v is not None})
    return _checked(Settings(**{k: _coerce(k, v) for k, v in values.items()}))


def _checked(settings: Settings) -> Settings:
    """Refuse values no part can use; end the base with '/'. Used by load_settings and replace."""
    if settings.validator not in VALIDATORS:
        raise SettingsError(f"setting validator: {settings.validator!r} must be one of {', '.join(VALIDATORS)}")
    if not settings.base.startswith(("http://", "https://")):
        raise SettingsError(f"setting base: {settings.base!r} must be an http(s) IRI")
    if not settings.base.endswith("/"):
        settings = dataclasses.replace(settings, base=settings.base + "/")
    for name in (
        "query_timeout",
        "max_rows",
        "max_query_bytes",
        "max_body_bytes",
        "query_workers",
        "max_result_bytes",
        "query_client_limit",
        "header_timeout",
        "body_timeout",
        "upload_max_bytes",
        "check_timeout",
        "check_memory_mb",
        "publish_session_minutes",
        "publish_attempts",
        "store_poll",
    ):
        if getattr(settings, name) <= 0:
            raise SettingsError(f"setting {name}: {getattr(settings, name)!r} must be greater than 0")
    if settings.store and not settings.store.startswith(("http://", "https://")):
        raise SettingsError(f"setting store: {settings.store!r} must be an http(s) URL of a SPARQL endpoint")
    if settings.store_graphs and not settings.store_graphs.startswith(("http://", "https://")):
        raise SettingsError(f"setting store_graphs: {settings.store_graphs!r} must be an http(s) URL")
    if settings.illustrative not in ILLUSTRATIVE_CHOICES:
        raise SettingsError(
            f"setting illustrative: {settings.illustrative!r} must be one of {', '.join(ILLUSTRATIVE_CHOICES)}"
        )
    url = settings.accessibility_building_url
    if url and not url.startswith(("https://", "http://")):
        raise SettingsError(
            f"setting accessibility_building_url: {url!r} must be an http(s) address "
            "(ustawienie accessibility_building_url: oczekiwano adresu http(s))"
        )
    for name in ("site_published", "site_updated", "accessibility_declared", "accessibility_reviewed"):
        value = getattr(settings, name)
        if value and not _iso_date(value):
            raise SettingsError(
                f"setting {name}: {value!r} is not a date; expected YYYY-MM-DD, e.g. 2026-03-02 "
                f"(ustawienie {name}: to nie jest data; oczekiwano RRRR-MM-DD)"
            )
    for name in ("query_queue", "query_memory_mb", "query_reserved", "http_threads"):
        if getattr(settings, name) < 0:
            raise SettingsError(f"setting {name}: {getattr(settings, name)!r} must be 0 or more")
    return settings


def _iso_date(value: str) -> bool:
    """Whether ``value`` is a calendar date written YYYY-MM-DD.

    >>> _iso_date("2026-03-02"), _iso_date("2026-02-30"), _iso_date("2.3.2026")
    (True, False, False)
    """
    try:
        return len(value) == 10 and date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False
