"""kfl-lod export-site: the read-only site as files, hosted without Python, answers as `kfl-lod serve` does.

One publication is made for the module: two releases of the bundled source, the second
without one space (so one URI answers 410). It is exported once; then served by a plain
static server (python -m http.server) and by Debian's nginx with the generated
configuration, and compared with a real `kfl-lod serve` of the same publication.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from werkzeug.datastructures import MultiDict

from kfl_lod.export import ExportError, export_site
from kfl_lod.export.hosting import agreement, static_choice
from kfl_lod.export.site import MANIFEST, MARKER, SEARCH_INDEX, SEARCH_INDEX_EN, SEARCH_SCRIPT
from kfl_lod.web import create_app, search
from kfl_lod.web.pages import current_index
from static_hosts import apache_server, export_of, nginx_server, plain_static_server, withdrawn_publication

ROOT = Path(__file__).resolve().parent.parent
ACCEPTS = ("text/html", "text/turtle", "application/ld+json", "application/n-triples")
SCRIPT_TAG = re.compile(rb'<script src="[^"]*' + re.escape(SEARCH_SCRIPT.encode()) + rb'"[^>]*></script>\n')


@pytest.fixture(scope="module")
def publication(tmp_path_factory):
    return withdrawn_publication(tmp_path_factory.mktemp("export-publication"))


@pytest.fixture(scope="module")
def exported(publication, tmp_path_factory) -> Path:
    settings, _ = publication
    return export_of(settings, tmp_path_factory.mktemp("export") / "site-export")


@pytest.fixture(scope="module")
def manifest(exported) -> dict:
    return json.loads((exported / MANIFEST).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def live(publication, start_module_server) -> str:
    settings, _ = publication
    return start_module_server(settings)


def fresh() -> requests.Session:
    """A session that keeps no cookies: each request is a first visit (?lang=en sets a language cookie)."""
    session = requests.Session()
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return session


def server_body(body: bytes) -> bytes:
    """The exported home page as the server sends it (the export adds only its search script)."""
    return SCRIPT_TAG.sub(b"", body)


# --- what is written -------------------------------------------------------------------------


def test_the_export_has_every_kind_of_url(publication, exported, manifest):
    settings, gone_id = publication
    site = exported / "site"
    urls = {a["url"] for a in manifest["answers"]}
    for path in ("index.html", "praktyki.html", "o-danych.html", "deklaracja-dostepnosci.html", "changes.html"):
        assert (site / path).is_file(), path
    for name in ("kfl.ttl", "kfl.nt", "kfl.jsonld", "kfl.csv", "catalog.ttl", "void.ttl", "SHA256SUMS"):
        assert (site / "dumps" / name).is_file(), name
    for ext in ("ttl", "nt", "jsonld", "rdf"):
        assert (site / ".well-known" / f"void.{ext}").is_file()
    spaces = [p for p in manifest["things"] if p.startswith("/space/")]
    assert spaces
    for path in spaces + ["/catalog", "/dataset"]:
        for ext in ("html", "ttl", "nt", "jsonld", "rdf"):
            assert f"{path}.{ext}" in urls
    assert manifest["gone"] == [f"/space/{gone_id}"]
    assert (site / "_gone" / "space" / f"{gone_id}.html").is_file()
    assert (site / SEARCH_INDEX).is_file() and (site / SEARCH_SCRIPT).is_file()
    for name in ("_redirects", ".htaccess"):
        assert (site / name).is_file()
    for name in ("nginx/kfl-maps.conf", "nginx/kfl-site.conf", "nginx/example.conf", "apache/kfl.conf"):
        assert (exported / name).is_file()


def test_the_export_refuses_a_folder_it_did_not_make(publication, tmp_path):
    settings, _ = publication
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ExportError, match="never writes over it"):
        export_site(settings, target)
    assert (target / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]  # no staging folder left behind


def test_the_command_line_says_why_it_refuses(publication, tmp_path):
    settings, _ = publication
    (tmp_path / "file").write_text("x", encoding="utf-8")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "kfl_lod",
            "export-site",
            str(tmp_path / "file"),
            "--published",
            str(settings.published),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.returncode == 2, run.stderr
    assert "is not a folder" in run.stderr and "nie jest folderem" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.slow
def test_a_new_export_replaces_an_old_one_whole(publication, tmp_path):
    settings, _ = publication
    out = tmp_path / "export"
    export_site(settings, out)
    (out / "site" / "left-over.html").write_text("old", encoding="utf-8")
    marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
    export_site(settings, out, sparql="https://sparql.example.org/sparql")
    assert not (out / "site" / "left-over.html").exists()
    assert json.loads((out / MARKER).read_text(encoding="utf-8"))["release"] == marker["release"]
    assert "https://sparql.example.org/sparql" in (out / "site" / "sparql.html").read_text(encoding="utf-8")
    assert "sparql.example.org" in (out / "nginx" / "kfl-site.conf").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export"]


def test_without_a_live_endpoint_the_export_says_it_has_none(exported):
    page = (exported / "site" / "sparql.html").read_text(encoding="utf-8")
    assert "nie ma punktu dostępowego SPARQL" in page
    assert "/dumps/" in page


# --- Accept without a server --------------------------------------------------------------------

# Accept headers real clients send (browsers, curl, rdflib, SPARQLWrapper, jsonld.js, Python requests...).
CLIENT_ACCEPTS = [
    "",
    "*/*",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    "text/turtle, application/rdf+xml;q=0.9, */*;q=0.1",
    "application/rdf+xml, text/rdf+n3, application/xhtml+xml;q=0.5, text/html;q=0.1",
    "text/n3,application/rdf+xml;q=0.9",
    "application/ld+json, application/json;q=0.9, */*;q=0.1",
    "application/ld+json;profile=http://www.w3.org/ns/json-ld#compacted, application/json, */*;q=0.1",
    "text/plain, */*;q=0.1",
    "application/json",
    "text/*",
    "application/x-turtle",
    "image/png",
]


def test_the_accept_rules_answer_as_the_server_for_what_clients_send():
    agree, wrong = agreement("doc", CLIENT_ACCEPTS)
    print(f"\nAccept rules = server's choice for {agree}/{len(CLIENT_ACCEPTS)} client Accept headers; differ: {wrong}")
    assert wrong == []
    assert static_choice("doc", "text/turtle;q=0.5, application/ld+json") == "jsonld"  # q=1 beats a lower q
    # The documented limit: between two lower q-values the server's order decides, not the values.
    assert static_choice("doc", "text/turtle;q=0.5, application/ld+json;q=0.9") == "ttl"


# --- the search in the browser = the server's search ----------------------------------------------

TEXTS = [
    "",
    "projektor",
    "projektorem",
    "sali warsztatowej",
    "warsztaty",
    "Szukam wolnej sali na 30 osób z projektorem",
    "sala na 50 osob",
    "teatr",
    "spotkań",
    "spotkan",
    "dla dzieci",
    "muzeum",
    "biblioteka",
    "kino",
    "scena koncert",
    "Nowa Huta",
    "Podgórze",
    "nagłośnienie",
    "filia nr 8",
    "xyzzy",
    "Łódź",
    "sala taneczna lustra",
    "komputery",
    "ogród",
]
FILTERS = [
    {},
    {"dzielnica": "1"},
    {"osoby": "40"},
    {"bezplatnie": "tak"},
    {"bez_schodow": "tak"},
    {"bez_przykladow": "tak"},
    {"forma": ["nieodplatne-uzyczenie", "wspolorganizacja"]},
    {"dzielnica": "13", "osoby": "20", "bezplatnie": "tak"},
    {"strona": "2"},
    {"osoby": "abc", "dzielnica": "99"},
]


def test_the_browser_search_finds_what_the_server_finds(publication, exported):
    settings, _ = publication
    app = create_app(settings)
    with app.test_request_context("/"):
        index = current_index()
        types = [c.slug for c in index.scheme_concepts("space-type")]
        equipment = [c.slug for c in index.scheme_concepts("equipment")]
    filters = FILTERS + [{"rodzaj": types[0]}, {"wyposazenie": equipment[:2]}]
    cases = [dict(f, q=text) if text else dict(f) for text in TEXTS for f in filters]
    expected = []
    with app.test_request_context("/"):
        index = current_index()
        for case in cases:
            query, _ = search.parse(
                MultiDict([(k, x) for k, v in case.items() for x in ([v] if isinstance(v, str) else v)]), index
            )
            result = search.run(index, query, with_facets=False)
            expected.append(
                {"ids": [s.id for s in result.spaces], "partial": result.partial, "people": result.people_from_text}
            )
    runner = f"""
const fs = require("fs");
const {{ Searcher }} = require({json.dumps(str(exported / "site" / SEARCH_SCRIPT))});
const data = JSON.parse(fs.readFileSync({json.dumps(str(exported / "site" / SEARCH_INDEX))}, "utf8"));
const cases = JSON.parse(fs.readFileSync(0, "utf8"));
const searcher = new Searcher(data);
const out = cases.map(c => {{
  const args = new URLSearchParams();
  for (const [k, v] of Object.entries(c)) for (const x of [].concat(v)) args.append(k, x);
  const r = searcher.run(searcher.parse(args));
  return {{ ids: r.spaces.map(s => s.id), partial: r.partial, people: r.peopleFromText }};
}});
process.stdout.write(JSON.stringify(out));
"""
    run = subprocess.run(["node", "-e", runner], input=json.dumps(cases), capture_output=True, text=True, check=True)
    got = json.loads(run.stdout)
    different = [(case, want, have) for case, want, have in zip(cases, expected, got, strict=True) if want != have]
    print(f"\nbrowser search = server search for {len(cases) - len(different)}/{len(cases)} searches")
    assert different == []
    assert (
        any(e["ids"] for e in expected) and any(e["partial"] for e in expected) and any(e["people"] for e in expected)
    )


# --- hosted: a plain static server ------------------------------------------------------------------


@pytest.mark.slow
def test_a_plain_static_server_serves_the_servers_bodies(exported, manifest, live):
    """Every file of the export, served by python -m http.server, has the body `kfl-lod serve` sends for its URL."""
    compared = 0
    with plain_static_server(exported / "site") as static, fresh() as a, fresh() as b:
        for answer in manifest["answers"]:
            if answer["status"] == 404 or urlsplit(answer["url"]).path.endswith(
                ("/sparql", SEARCH_INDEX, SEARCH_INDEX_EN, SEARCH_SCRIPT)
            ):
                continue  # export-only files; 404 bodies name the missing path (docs/static-export.md)
            headers = {"Accept": answer["accept"]} if answer["accept"] else {}
            want = a.get(live + answer["url"], headers=headers, allow_redirects=False)
            have = b.get(f"{static}/{answer['file']}")
            assert have.status_code == 200, answer
            assert want.status_code == answer["status"], answer
            body = server_body(have.content) if answer["file"] in ("index.html", "index.en.html") else have.content
            assert body == want.content, answer["url"]
            compared += 1
    print(f"\n{compared} URLs: the plain static server's files = kfl-lod serve's bodies")
    assert compared > 1000


# --- hosted: nginx with the generated configuration ------------------------------------------------


def sample_urls(manifest: dict, gone_id: str) -> list[str]:
    things = manifest["things"]

    def first(prefix: str) -> str:
        return next(p for p in things if p.startswith(prefix))

    space = first("/space/")
    return [
        "/",
        "/praktyki",
        "/o-danych",
        "/deklaracja-dostepnosci",
        "/changes",
        f"/changes/{manifest['release']}",
        space,
        space + ".html",
        space + ".ttl",
        space + ".jsonld",
        first("/venue/"),
        first("/institution/"),
        first("/practice/"),
        first("/district/"),
        first("/vocab/"),
        "/catalog",
        "/dataset",
        "/def",
        "/def/",
        "/.well-known/void",
        "/dumps/",
        "/dumps/kfl.ttl",
        "/dumps/kfl.nt",
        "/dumps/kfl.csv",
        "/dumps/catalog.ttl",
        "/dumps/void.ttl",
        "/changes.json",
        "/static/style.css",
        f"/space/{gone_id}",
        f"/space/{gone_id}.html",
        f"/space/{gone_id}.ttl",
        "/space/nie-ma-takiej-sali",
        "/nie-ma-takiej-strony",
        "/venue/nie-ma/i-tak-dalej",
    ]


def english_urls(manifest: dict, gone_id: str) -> list[str]:
    space = next(p for p in manifest["things"] if p.startswith("/space/"))
    return [
        "/",
        "/praktyki",
        "/o-danych",
        "/deklaracja-dostepnosci",
        "/changes",
        f"/changes/{manifest['release']}",
        space + ".html",
        "/catalog.html",
        f"/space/{gone_id}",
        f"/space/{gone_id}.html",
        "/nie-ma-takiej-strony",
    ]


@pytest.mark.slow
def test_nginx_with_the_generated_configuration_answers_as_the_server(publication, exported, manifest, live, tmp_path):
    _, gone_id = publication
    rows = []
    statuses = set()
    with nginx_server(exported, tmp_path / "nginx") as static, fresh() as a, fresh() as b:
        for url in sample_urls(manifest, gone_id):
            for accept in ACCEPTS:
                want = a.get(live + url, headers={"Accept": accept}, allow_redirects=False)
                have = b.get(static + url, headers={"Accept": accept}, allow_redirects=False)
                where = f"{url} (Accept: {accept})"
                assert have.status_code == want.status_code, where
                statuses.add(want.status_code)
                if want.status_code in (301, 302, 303, 307, 308):
                    assert have.headers["Location"] == want.headers["Location"], where
                    continue
                assert have.headers.get("Content-Type") == want.headers.get("Content-Type"), where
                if want.status_code in (200, 410, 406):
                    body = server_body(have.content) if url == "/" else have.content
                    assert body == want.content, where
                rows.append((url, accept, want.status_code))
        # English: ?lang=en, then the language cookie, as the server chooses (Set-Cookie for ?lang=).
        for url in english_urls(manifest, gone_id):
            for headers in ({"Accept": "text/html"}, {"Accept": "text/html", "Cookie": "lang=en"}):
                target = url if "Cookie" in headers else url + ("&" if "?" in url else "?") + "lang=en"
                want = a.get(live + target, headers=headers, allow_redirects=False)
                have = b.get(static + target, headers=headers, allow_redirects=False)
                assert have.status_code == want.status_code, target
                assert have.headers.get("Content-Type") == want.headers.get("Content-Type"), target
                if want.status_code != 404:
                    body = server_body(have.content) if url == "/" else have.content
                    assert body == want.content, f"{target} {headers}"
                    assert b'<html lang="en">' in body
                if "Cookie" not in headers and want.status_code == 200:
                    assert "lang=en" in have.headers.get("Set-Cookie", "") and "lang=en" in want.headers["Set-Cookie"]
                rows.append((target, "en", want.status_code))
        # What the host adds: our security headers, on files too.
        style = b.get(static + "/static/style.css")
        assert style.headers["X-Content-Type-Options"] == "nosniff"
    assert {200, 303, 404, 410} <= statuses
    print(f"\nnginx = kfl-lod serve for {len(rows)} answers + the 303s; statuses {sorted(statuses)}")


@pytest.fixture(scope="module")
def exported_for_apache(publication):
    """The export in a folder Apache's unprivileged user may read (pytest's own tmp folders are private)."""
    settings, _ = publication
    folder = Path(tempfile.mkdtemp(prefix="kfl-apache-"))
    os.chmod(folder, 0o755)
    try:
        yield export_of(settings, folder / "export")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
def test_apache_with_the_generated_htaccess_answers_as_the_server(publication, exported_for_apache, live, tmp_path):
    """The same sample through Apache 2.4 and site/.htaccess: statuses, 303 targets, media types, bodies."""
    _, gone_id = publication
    manifest = json.loads((exported_for_apache / MANIFEST).read_text(encoding="utf-8"))
    compared = 0
    statuses = set()
    with (
        apache_server(exported_for_apache, tmp_path / "apache") as static,
        requests.Session() as a,
        requests.Session() as b,
    ):
        for url in sample_urls(manifest, gone_id):
            for accept in ACCEPTS:
                want = a.get(live + url, headers={"Accept": accept}, allow_redirects=False)
                have = b.get(static + url, headers={"Accept": accept}, allow_redirects=False)
                where = f"{url} (Accept: {accept})"
                assert have.status_code == want.status_code, where
                statuses.add(want.status_code)
                if want.status_code == 303:
                    # Apache writes Location as an absolute URL; the server, as a path: the same target.
                    assert urlsplit(have.headers["Location"]).path == want.headers["Location"], where
                    continue
                if want.status_code in (200, 410):
                    assert have.headers.get("Content-Type") == want.headers.get("Content-Type"), where
                    body = server_body(have.content) if url == "/" else have.content
                    assert body == want.content, where
                compared += 1
        for url in english_urls(manifest, gone_id):
            for headers in ({"Accept": "text/html"}, {"Accept": "text/html", "Cookie": "lang=en"}):
                target = url if "Cookie" in headers else url + ("&" if "?" in url else "?") + "lang=en"
                want = a.get(live + target, headers=headers, allow_redirects=False)
                have = b.get(static + target, headers=headers, allow_redirects=False)
                assert have.status_code == want.status_code, target
                if want.status_code != 404:
                    assert have.headers.get("Content-Type") == want.headers.get("Content-Type"), target
                    body = server_body(have.content) if url == "/" else have.content
                    assert body == want.content, f"{target} {headers}"
                if "Cookie" not in headers and want.status_code == 200:
                    assert "lang=en" in have.headers.get("Set-Cookie", "")
                compared += 1
    assert {200, 303, 404, 406, 410} <= statuses
    print(f"\nApache = kfl-lod serve for {compared} answers + the 303s; statuses {sorted(statuses)}")


def test_the_redirects_file_sends_every_thing_to_its_page(exported, manifest):
    lines = [
        line.split()
        for line in (exported / "site" / "_redirects").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert {source for source, _, _ in lines} == set(manifest["things"])
    for source, target, status in lines:
        assert status == "303" and target == source.rstrip("/") + ".html"
        assert (exported / "site" / target.lstrip("/")).is_file()
    assert len(lines) <= 2000  # Cloudflare Pages' limit of static redirects


@pytest.mark.slow
def test_a_failed_export_leaves_the_previous_one_as_it_was(publication, tmp_path, monkeypatch):
    from kfl_lod.export import hosting

    settings, _ = publication
    out = tmp_path / "export"
    export_site(settings, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(hosting, "write_hosting", broken)
    with pytest.raises(OSError, match="No space left"):
        export_site(settings, out, sparql="https://sparql.example.org/sparql")
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export"]


@pytest.mark.slow
def test_a_site_under_a_path_is_exported_and_served_under_it(tmp_path, start_server):
    """base = https://example.org/kfl/: every page, IRI and file under /kfl/, VoID also at the root."""
    from datetime import date

    from kfl_lod.build import build
    from support import make_settings

    settings = make_settings(tmp_path / "pub", base="https://example.org/kfl/")
    build(settings, today=date(2026, 3, 2))
    out = export_of(settings, tmp_path / "export")
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert all(a["url"].startswith(("/kfl/", "/.well-known/")) for a in manifest["answers"] if a["status"] != 404)
    space = next(p for p in manifest["things"] if p.startswith("/kfl/space/"))
    urls = ["/kfl/", "/kfl/praktyki", space, space + ".ttl", "/kfl/def/", "/kfl/catalog", "/kfl/dumps/kfl.nt"]
    urls += ["/.well-known/void", "/kfl/.well-known/void", "/kfl/changes", "/kfl/nie-ma", "/kfl/" + SEARCH_INDEX]
    live = start_server(settings)
    with nginx_server(out, tmp_path / "nginx") as static, fresh() as a, fresh() as b:
        for url in urls:
            for accept in ("text/html", "text/turtle"):
                have = b.get(static + url, headers={"Accept": accept}, allow_redirects=False)
                if url.endswith(SEARCH_INDEX):
                    assert have.status_code == 200 and have.json()["base_path"] == "/kfl/"
                    continue
                want = a.get(live + url, headers={"Accept": accept}, allow_redirects=False)
                where = f"{url} (Accept: {accept})"
                assert have.status_code == want.status_code, where
                if want.status_code == 303:
                    assert have.headers["Location"] == want.headers["Location"], where
                elif want.status_code == 200:
                    assert have.headers["Content-Type"] == want.headers["Content-Type"], where
                    assert (server_body(have.content) if url == "/kfl/" else have.content) == want.content, where
