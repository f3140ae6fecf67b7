"""Write every URL of the read-only site as a file, rendered by the server's own app.

The list of URLs comes from the app and the release it serves (its pages, every thing it
describes and each document format, the change record, the files of the release and of
the releases kept, VoID, the static files, withdrawn things), never from crawling links.
Each URL is fetched with Flask's test client, so a file holds the bytes ``kfl-lod serve``
sends for that URL; ``manifest.json`` says what each URL answers (status, media type,
file), and the hosting rules (``hosting.py``) are generated from it.

Layout of ``DIR``::

    DIR/.kfl-export.json   what made this folder (a folder without it is never written over)
    DIR/manifest.json      every URL: status, media type, the file answering it
    DIR/site/              the document root (with _redirects and .htaccess)
    DIR/nginx/kfl.conf     an nginx server block (include it, or run nginx -c on a wrapper)
    DIR/apache/kfl.conf    an Apache virtual host (the same rules as site/.htaccess)

The export is written into a new folder beside ``DIR`` and renamed into place, so a
reader sees the old export or the new one, never half of one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask

from ..errors import KflError
from ..names import RELEASES
from ..namespaces import RECORD_KINDS
from ..settings import Settings
from ..store import things as described_things
from ..web import create_app, current_release
from ..web.pages import DIRECT, STATIC, Page, current_index
from ..web.resources import DOCUMENTS, _index

MARKER = ".kfl-export.json"
MANIFEST = "manifest.json"
SITE = "site"
NGINX = "nginx/kfl.conf"
APACHE = "apache/kfl.conf"
# Where withdrawn things' 410 answers and the search index live in the site.
GONE = "_gone"
SEARCH_INDEX = "search-index.json"
SEARCH_INDEX_EN = "search-index.en.json"
SEARCH_SCRIPT = "static/export/search.js"
# The Accept each format of a 410 answer is fetched with, by file extension (releases.gone offers these).
GONE_FORMATS = {
    "html": "text/html",
    "json": "application/json",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
}
# VoID at /.well-known/void: one file per format the server negotiates (Turtle by default).
VOID_FORMATS = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
}
HTML = "text/html"


class ExportError(KflError):
    """The export could not be written (the reason in English and Polish)."""

    def __init__(self, en: str, pl: str) -> None:
        super().__init__(f"{en} / {pl}")
        self.en = en
        self.pl = pl


@dataclass
class Answer:
    """What one URL answers in the export: status, media type, and the file under site/."""

    url: str
    file: str
    status: int
    type: str
    accept: str = ""  # the Accept it answers for, when the URL is negotiated


@dataclass
class ExportResult:
    """What ``export_site`` wrote."""

    out: Path
    release: str
    answers: list[Answer] = field(default_factory=list)
    things: list[str] = field(default_factory=list)  # URL paths of described things (303 by Accept)
    gone: list[str] = field(default_factory=list)  # URL paths of withdrawn things (410)
    bytes: int = 0
    seconds: float = 0.0

    @property
    def files(self) -> int:
        return len({a.file for a in self.answers if a.file})


def _is_export(path: Path) -> bool:
    return (path / MARKER).is_file()


def check_target(out: Path) -> None:
    """Refuse an ``out`` that exists and is not an export made by this command (or is not a folder)."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise ExportError(
            f"{out} exists and is not a folder; choose another place for the export.",
            f"{out} istnieje i nie jest folderem; wybierz inne miejsce na eksport.",
        )
    if out.is_dir() and any(out.iterdir()) and not _is_export(out):
        raise ExportError(
            f"{out} is a folder with other content (no {MARKER}): the export never writes over it. "
            "Give an empty or new folder, or one an earlier export-site made.",
            f"{out} to folder z inną zawartością (bez {MARKER}): eksport go nie nadpisze. "
            "Podaj pusty lub nowy folder albo folder z wcześniejszego export-site.",
        )
    parent = out.parent if out.parent != Path("") else Path(".")
    if not parent.is_dir():
        raise ExportError(f"The folder {parent} does not exist.", f"Folder {parent} nie istnieje.")
    if not os.access(parent, os.W_OK):
        raise ExportError(f"Cannot write in {parent}.", f"Brak prawa zapisu w {parent}.")


def export_site(settings: Settings, out: Path, sparql: str = "") -> ExportResult:
    """Write the whole read-only site for ``settings.published`` into ``out`` (see module doc)."""
    import time

    from .hosting import write_hosting
    from .search_index import search_index

    started = time.monotonic()
    out = Path(out)
    check_target(out)
    app = create_app(settings)
    with app.test_request_context(settings.base_path):
        release = current_release()
        if not release.name and not (release.folder / "kfl.nt").is_file():
            raise ExportError(
                f"Nothing is published in {settings.published}: run kfl-lod build first.",
                f"W {settings.published} nic nie opublikowano: najpierw uruchom kfl-lod build.",
            )
    parent = out.parent if str(out.parent) else Path(".")
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
    try:
        result = ExportResult(out, release.name)
        _render(app, settings, stage / SITE, result, sparql)
        bp = settings.base_path
        for name, query in ((SEARCH_INDEX, ""), (SEARCH_INDEX_EN, "?lang=en")):
            with app.test_request_context(bp + query):
                index_bytes = search_index(current_index(), Page())
            _write(stage / SITE, (bp + name).lstrip("/"), index_bytes)
            result.answers.append(Answer(bp + name, (bp + name).lstrip("/"), 200, "application/json"))
        script_file = (bp + SEARCH_SCRIPT).lstrip("/")
        _write(stage / SITE, script_file, (Path(__file__).with_name("search.js")).read_bytes())
        result.answers.append(Answer(bp + SEARCH_SCRIPT, script_file, 200, "application/javascript; charset=utf-8"))
        write_hosting(stage, settings, result, sparql)
        result.bytes = sum(p.stat().st_size for p in (stage / SITE).rglob("*") if p.is_file())
        result.seconds = round(time.monotonic() - started, 2)
        manifest = {
            "release": result.release,
            "base": settings.base,
            "base_path": settings.base_path,
            "sparql": sparql,
            "things": result.things,
            "gone": result.gone,
            "answers": [asdict(a) for a in result.answers],
        }
        (stage / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        marker = {
            "made_by": "kfl-lod export-site",
            "release": result.release,
            "published": str(settings.published),
            "made": datetime.now(UTC).isoformat(timespec="seconds"),
            "files": result.files,
        }
        (stage / MARKER).write_text(json.dumps(marker, indent=1) + "\n", encoding="utf-8")
        os.chmod(stage, 0o755)  # mkdtemp's 0700 would hide the site from a web server's user
        _swap_in(stage, out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return result


def _swap_in(stage: Path, out: Path) -> None:
    """Put ``stage`` where ``out`` is: one rename for a new folder, old folder moved aside first otherwise."""
    if not out.exists():
        os.rename(stage, out)
        return
    check_target(out)  # still an export (or empty) right before it goes
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    os.rename(out, old)
    try:
        os.rename(stage, out)
    except OSError:
        os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _write(root: Path, rel: str, data: bytes) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def page_file(url: str, base_path: str) -> str:
    """The file under site/ answering an extensionless page URL.

    >>> page_file("/", "/"), page_file("/praktyki", "/"), page_file("/kfl/changes/2026-01-01-abcdef12", "/kfl/")
    ('index.html', 'praktyki.html', 'kfl/changes/2026-01-01-abcdef12.html')
    """
    rel = url.lstrip("/")
    if rel == "" or rel.endswith("/"):
        return rel + "index.html"
    return rel + ".html"


def site_urls(app: Flask, settings: Settings) -> Iterator[tuple[str, str, str]]:
    """(URL, Accept, file under site/) for every answer the read-only site gives, from the app's own lists."""
    bp = settings.base_path
    with app.test_request_context(bp):
        release = current_release()
        index = _index()
        record = release.record or {}
        folder = release.folder
        things = _described(index, settings.base)
    for name in ("", "praktyki", "o-danych", "deklaracja-dostepnosci", "changes"):
        yield bp + name, HTML, page_file(bp + name, bp)
    yield bp + "changes.json", "", (bp + "changes.json").lstrip("/")
    for entry in record.get("releases", []):
        version = entry["version"]
        url = f"{bp}changes/{version}"
        yield url, HTML, page_file(url, bp)
        kept = (Path(settings.published) / RELEASES / version).is_dir()
        if kept:
            yield url + ".json", "", url.lstrip("/") + ".json"
            for path in sorted((Path(settings.published) / RELEASES / version).iterdir()):
                if path.is_file() and not path.name.startswith("."):
                    url_file = f"{bp}releases/{version}/{path.name}"
                    yield url_file, "", url_file.lstrip("/")
    for ext, accept in VOID_FORMATS.items():
        yield "/.well-known/void", accept, f".well-known/void.{ext}"
    yield bp + "dumps/", "", (bp + "dumps/").lstrip("/") + "index.txt"
    for path in sorted(folder.iterdir()):
        if path.is_file() and not path.name.startswith("."):
            yield bp + "dumps/" + path.name, "", (bp + "dumps/" + path.name).lstrip("/")
    for fmt in ("xlsx", "ods"):
        yield f"{bp}szablon.{fmt}", "", f"{bp}szablon.{fmt}".lstrip("/")
    for path in sorted(STATIC.rglob("*")):
        if path.is_file():
            rel = "static/" + path.relative_to(STATIC).as_posix()
            yield bp + rel, "", (bp + rel).lstrip("/")
    for iri in things:
        rest = iri[len(settings.base) :]
        for ext in DOCUMENTS:
            yield f"{bp}{rest}.{ext}", "", f"{bp}{rest}.{ext}".lstrip("/")


def _described(index, base: str) -> list[str]:
    """The things whose IRIs the resources blueprint answers (not those other routes serve: /changes/...)."""
    candidates = described_things(index.store, base)
    # The base IRI itself is the home page (the search), a page of its own.
    return sorted(
        iri for iri in candidates if iri in index.things and iri != base and not iri[len(base) :].startswith(DIRECT)
    )


def _render(app: Flask, settings: Settings, root: Path, result: ExportResult, sparql: str) -> None:
    """Fetch every URL of ``site_urls`` and the withdrawn things, the 404 and SPARQL pages; write the files."""
    # No cookie jar: a ?lang=en answer sets the language cookie, which must not reach the next request.
    client = app.test_client(use_cookies=False)
    bp = settings.base_path

    def english(url: str, accept: str, rel: str, status: int) -> None:
        """The page in English beside the Polish one (?lang=en; a lang=en cookie gets the same bytes)."""
        response = client.get(url + ("&" if "?" in url else "?") + "lang=en", headers={"Accept": accept or HTML})
        if response.status_code != status:
            raise ExportError(
                f"The app answered {response.status_code} for {url}?lang=en, {status} in Polish.",
                f"Aplikacja odpowiedziała {response.status_code} na {url}?lang=en, a po polsku {status}.",
            )
        body = response.get_data()
        if rel == page_file(bp, bp):
            body = _with_search_script(body, bp, "en")
        _write(root, english_file(rel), body)
        result.answers.append(
            Answer(url + "?lang=en", english_file(rel), status, response.headers.get("Content-Type", ""), accept)
        )

    for url, accept, rel in site_urls(app, settings):
        response = client.get(url, headers={"Accept": accept} if accept else {})
        if response.status_code not in (200, 410):
            if url.endswith(".html") and response.status_code == 404:
                continue  # a thing with no page of its own (e.g. a node only other pages show)
            raise ExportError(
                f"The app answered {response.status_code} for {url}; the export stops rather than write it.",
                f"Aplikacja odpowiedziała {response.status_code} na {url}; eksport przerwano.",
            )
        body = response.get_data()
        if response.status_code == 410:  # a release no longer kept: its page says so, with 410
            rel = f"{GONE}{url}.html"
        if rel == "index.html" or rel == page_file(bp, bp):
            body = _with_search_script(body, bp)
        _write(root, rel, body)
        result.answers.append(Answer(url, rel, response.status_code, response.headers.get("Content-Type", ""), accept))
        if response.mimetype == HTML:
            english(url, accept, rel, response.status_code)
    with app.test_request_context(bp):
        index = _index()
        things = _described(index, settings.base)
        namespaces = sorted(iri + "/" for iri in things if iri + "/" in index.namespaces)
        withdrawn = dict(current_release().withdrawn)
    for iri in things:
        # Only things whose every document was written get a 303 (a node with no HTML page gets none).
        path = bp + iri[len(settings.base) :]
        if all((root / f"{path.lstrip('/')}.{ext}").is_file() for ext in DOCUMENTS):
            result.things.append(path)
    for iri in namespaces:
        if iri == settings.base:
            continue  # the base IRI is the home page (the search), served as a page
        result.things.append(bp + iri[len(settings.base) :])  # def/ -> 303 to def's documents
    for iri in sorted(withdrawn):
        rest = iri[len(settings.base) :]
        if "/" not in rest or rest.split("/", 1)[0] not in RECORD_KINDS:
            continue
        result.gone.append(bp + rest)
        # The IRI and each of its document URLs, in each format (the page's language link names its own URL).
        for url in [bp + rest] + [f"{bp}{rest}.{doc}" for doc in DOCUMENTS]:
            for ext, accept in GONE_FORMATS.items():
                response = client.get(url, headers={"Accept": accept})
                if response.status_code != 410:
                    raise ExportError(
                        f"{url} is withdrawn but the app answered {response.status_code}, not 410.",
                        f"{url} wycofano, a aplikacja odpowiedziała {response.status_code}, nie 410.",
                    )
                rel = f"{GONE}{url}.{ext}"
                _write(root, rel, response.get_data())
                result.answers.append(Answer(url, rel, 410, response.headers.get("Content-Type", ""), accept))
                if ext == "html":
                    english(url, accept, rel, 410)
    # The 404 page a browser gets for an address the site does not have.
    response = client.get(bp + "nie-ma-takiej-strony", headers={"Accept": HTML})
    _write(root, "404.html", response.get_data())
    result.answers.append(Answer(bp + "404.html", "404.html", 404, response.headers.get("Content-Type", ""), HTML))
    english(bp + "nie-ma-takiej-strony", HTML, "404.html", 404)
    for lang in ("pl", "en"):
        rel = page_file(bp + "sparql", bp) if lang == "pl" else english_file(page_file(bp + "sparql", bp))
        _write(root, rel, _sparql_page(app, settings, sparql, lang))
        url = bp + "sparql" + ("?lang=en" if lang == "en" else "")
        result.answers.append(Answer(url, rel, 200, "text/html; charset=utf-8", HTML))


def english_file(rel: str) -> str:
    """The file holding the English page beside ``rel``.

    >>> english_file("index.html"), english_file("space/x.html"), english_file("_gone/space/x.html.html")
    ('index.en.html', 'space/x.en.html', '_gone/space/x.html.en.html')
    """
    return rel.removesuffix(".html") + ".en.html"


def _with_search_script(body: bytes, base_path: str, lang: str = "pl") -> bytes:
    """The home page with the in-browser search added (the one difference from the server's page)."""
    index = base_path + (SEARCH_INDEX if lang == "pl" else SEARCH_INDEX_EN)
    tag = f'<script src="{base_path}{SEARCH_SCRIPT}" data-index="{index}" defer></script>\n'.encode()
    marker = b"</body>"
    at = body.rfind(marker)
    return body[:at] + tag + body[at:] if at >= 0 else body + tag


def _sparql_page(app: Flask, settings: Settings, sparql: str, lang: str) -> bytes:
    """The page at /sparql in the export: where the live endpoint is, or that there is none."""
    query = "?lang=en" if lang == "en" else ""
    with app.test_request_context(settings.base_path + "sparql" + query, headers={"Accept": HTML}):
        page = Page()
        response = page.respond("export_sparql.html", endpoint=sparql, dumps=settings.base_path + "dumps/")
        return response.get_data()
