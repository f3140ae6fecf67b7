"""Releases and the change record between them; withdrawn things answer 410 Gone.

One history is built for the module: v1, then v2 (a capacity changed, a space withdrawn,
a space added), v3 and v4 (small edits) with ``keep_releases = 2``, so v1 and v2 are pruned
and the withdrawal made in v2 must survive them.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from htmldoc import El, dom
from kfl_lod import release_record
from kfl_lod.build import build
from kfl_lod.publish import RELEASES
from kfl_lod.web import create_app
from kfl_lod.web.resources import DOCUMENTS
from support import make_settings

# Each test builds or runs kfl-lod several times: seconds, not milliseconds.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://kfl.krakow.pl/"
DAYS = [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16), date(2026, 3, 23)]


fresh = make_settings  # a new publication under tmp, from a copy of the bundled source


def read_spaces(source: Path) -> tuple[list[str], list[dict]]:
    with open(source / "przestrzenie.csv", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def write_spaces(source: Path, fields: list[str], rows: list[dict]) -> None:
    with open(source / "przestrzenie.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def unreferenced(source: Path, rows: list[dict]) -> list[dict]:
    """Spaces no good practice points at (so they can be removed from the source)."""
    path = source / "dobre_praktyki.csv"
    used = set()
    if path.exists():
        with open(path, encoding="utf-8", newline="") as fh:
            used = {r["przestrzen_id"] for r in csv.DictReader(fh)}
    return [r for r in rows if r["id"] not in used]


@dataclass
class History:
    settings: object
    versions: list[str]
    changed: dict  # the space whose capacity changed: id, old, new
    withdrawn: dict  # the row removed in v2
    added: str  # id of the space added in v2
    records: list[dict] = field(default_factory=list)


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> History:
    tmp = tmp_path_factory.mktemp("history")
    settings = fresh(tmp, keep_releases=2)
    versions = [build(settings, today=DAYS[0]).published.version]
    records = [release_record.latest(settings.published)]
    fields, rows = read_spaces(settings.source)
    candidates = unreferenced(settings.source, rows)
    target, gone = candidates[0], candidates[1]
    old = target["liczba_miejsc"]
    target["liczba_miejsc"] = str(int(old or 0) + 7)
    new_row = dict(target, id="test-nowa-sala", nazwa="Nowa sala testowa")
    rows = [r for r in rows if r["id"] != gone["id"]] + [new_row]
    write_spaces(settings.source, fields, rows)
    versions.append(build(settings, today=DAYS[1]).published.version)
    records.append(release_record.latest(settings.published))
    for day, text in ((DAYS[2], "Opis po raz trzeci."), (DAYS[3], "Opis po raz czwarty.")):
        target["opis"] = text
        write_spaces(settings.source, fields, rows)
        versions.append(build(settings, today=day).published.version)
        records.append(release_record.latest(settings.published))
    return History(
        settings,
        versions,
        {"id": target["id"], "old": old, "new": target["liczba_miejsc"]},
        gone,
        "test-nowa-sala",
        records,
    )


@pytest.fixture(scope="module")
def client(history):
    return create_app(history.settings).test_client()


def test_each_content_change_is_a_release_named_by_date_and_hash(history):
    assert len(set(history.versions)) == 4
    for version, day in zip(history.versions, DAYS, strict=True):
        assert version.startswith(day.isoformat() + "-") and len(version) == 19
    kept = sorted(p.name for p in (history.settings.published / RELEASES).iterdir() if not p.name.startswith("."))
    assert kept == history.versions[2:]
    assert (history.settings.published / "latest").resolve().name == history.versions[3]


def test_the_first_release_says_so(history):
    first = history.records[0]
    assert first["previous"] is None and first["withdrawn"] == [] and first["changed"] == []
    assert len([a for a in first["added"] if a["kind"] == "space"]) == first["counts"]["now"]["space"] > 0


def test_a_change_record_lists_added_withdrawn_and_changed_fields(history):
    record = history.records[1]
    assert record["version"] == history.versions[1] and record["previous"] == history.versions[0]
    assert record["previous_date"] == DAYS[0].isoformat()
    assert [a["id"] for a in record["added"]] == [history.added]
    assert [(w["id"], w["kind"], w["name"]) for w in record["withdrawn"]] == [
        (history.withdrawn["id"], "space", history.withdrawn["nazwa"])
    ]
    [changed] = record["changed"]
    assert changed["id"] == history.changed["id"] and changed["iri"] == f"{BASE}space/{history.changed['id']}"
    assert changed["fields"] == [
        {"field": "liczba_miejsc", "old": history.changed["old"], "new": history.changed["new"]}
    ]
    # The JSON in the release is the record.
    folder = history.settings.published / RELEASES / history.versions[3]
    assert json.loads((folder / "changes.json").read_text(encoding="utf-8")) == history.records[3]


def test_history_and_withdrawals_survive_pruning(history):
    latest = history.records[3]
    assert [r["version"] for r in latest["releases"]] == history.versions
    gone = latest["withdrawn_total"][f"{BASE}space/{history.withdrawn['id']}"]
    assert (gone["version"], gone["date"], gone["last_version"]) == (
        history.versions[1],
        DAYS[1].isoformat(),
        history.versions[0],
    )
    assert not (history.settings.published / RELEASES / history.versions[1]).exists()
    assert release_record.withdrawn(history.settings.published) == latest["withdrawn_total"]


def test_the_catalog_links_every_release(history):
    g = Graph().parse(history.settings.published / "latest" / "catalog.ttl")
    dcat = "http://www.w3.org/ns/dcat#"
    for older, newer in zip(history.versions, history.versions[1:], strict=False):
        assert (
            URIRef(f"{BASE}dataset/{newer}"),
            URIRef(dcat + "previousVersion"),
            URIRef(f"{BASE}dataset/{older}"),
        ) in g
    dataset = URIRef(BASE + "dataset")
    assert list(g.objects(dataset, URIRef(dcat + "hasCurrentVersion"))) == [
        URIRef(f"{BASE}dataset/{history.versions[3]}")
    ]
    assert list(g.subjects(RDF.type, URIRef(dcat + "Dataset"))) == [dataset]


# --- the web ---------------------------------------------------------------------------------


def texts(doc: El, tag: str) -> list[str]:
    return [el.text for el in doc.all(tag)]


def hrefs(doc: El) -> list[str]:
    return [a.attrs.get("href", "") for a in doc.all("a")]


def test_a_withdrawn_space_answers_410_gone_saying_when(history, client):
    slug = history.withdrawn["id"]
    for path in (f"/space/{slug}", f"/space/{slug}.html"):
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 410, path
        page = dom(response)
        main = " ".join(texts(page, "main"))
        assert history.versions[1] in main and DAYS[1].isoformat() in main
        assert history.withdrawn["nazwa"] in main
        assert f"/changes/{history.versions[1]}" in hrefs(page)
    english = dom(client.get(f"/space/{slug}?lang=en"))
    assert "withdrawn" in " ".join(texts(english, "p"))


def test_a_withdrawn_space_answers_410_to_data_clients_too(history, client):
    slug = history.withdrawn["id"]
    response = client.get(f"/space/{slug}", headers={"Accept": "application/json"})
    assert response.status_code == 410 and response.json["version"] == history.versions[1]
    response = client.get(f"/space/{slug}.ttl", headers={"Accept": "text/turtle"})
    assert response.status_code == 410 and response.mimetype == "text/turtle"
    g = Graph().parse(data=response.data, format="turtle")
    assert (URIRef(f"{BASE}space/{slug}"), URIRef("http://www.w3.org/ns/prov#invalidatedAtTime"), None) in g


@pytest.mark.parametrize("ext", ["", *(f".{e}" for e in DOCUMENTS)])
def test_every_document_url_of_a_withdrawn_space_is_gone(history, client, ext):
    # The release that withdrew it (v2) is pruned by now: the record carries the withdrawal.
    assert not (history.settings.published / RELEASES / history.versions[1]).exists()
    path = f"/space/{history.withdrawn['id']}{ext}"
    assert client.get(path).status_code == 410, path
    assert client.head(path).status_code == 410, path


def test_a_real_server_answers_410_gone_saying_when(history, start_module_server):
    url = start_module_server(history.settings)
    slug = history.withdrawn["id"]
    page = requests.get(
        f"{url}/space/{slug}",
        headers={"Accept": "text/html", "Accept-Language": "pl"},
        timeout=30,
        allow_redirects=False,
    )
    assert page.status_code == 410 and page.headers["Content-Type"].startswith("text/html")
    text = " ".join(texts(dom(page), "main"))
    assert "wycofany" in text and history.versions[1] in text and DAYS[1].isoformat() in text
    data = requests.get(f"{url}/space/{slug}.nt", timeout=30, allow_redirects=False)
    assert data.status_code == 410
    assert requests.get(f"{url}/space/{history.added}", timeout=30, allow_redirects=False).status_code == 303


def test_never_published_is_404_and_published_is_not_gone(history, client):
    assert client.get("/space/nigdy-nie-bylo").status_code == 404
    assert client.get(f"/space/{history.added}").status_code != 410
    assert client.get(f"/space/{history.changed['id']}").status_code != 410


def test_the_changes_page_lists_every_release_and_every_withdrawal(history, client):
    response = client.get("/changes")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = dom(response)
    rows = texts(page, "tr")
    for version in history.versions:
        assert any(version in row for row in rows)
    links = hrefs(page)
    assert f"/changes/{history.versions[3]}" in links and f"/changes/{history.versions[0]}" not in links  # pruned
    assert f"/space/{history.withdrawn['id']}" in links
    assert client.get("/changes", headers={"Accept": "application/json"}).json == history.records[3]
    assert client.get("/changes.json").json == history.records[3]


@pytest.mark.parametrize("path", ["/changes", "changes/{version}", "space/{gone}"])
def test_change_and_gone_pages_are_in_one_language_frame_and_body(history, client, path):
    """The English cookie wins over Accept-Language: pl for the frame and the body alike."""
    path = "/" + path.lstrip("/").format(version=history.versions[3], gone=history.withdrawn["id"])
    client.set_cookie("lang", "en")
    try:
        response = client.get(path, headers={"Accept-Language": "pl"})
    finally:
        client.delete_cookie("lang")
    html = response.get_data(as_text=True)
    assert response.headers["Content-Language"] == "en"
    assert '<html lang="en"' in html
    assert "Find a room" in html  # the site's navigation, in English
    for polish in ("Wydanie", "Wycofane", "Zmiany w danych", "Wpis wycofany", "Szukaj sali"):
        assert polish not in html, polish


def test_a_release_page_shows_the_changed_fields_with_old_and_new_values(history, client, tmp_path):
    # v2 is pruned in the module's history; look at a fresh one where it is kept.
    settings = fresh(tmp_path)
    build(settings, today=DAYS[0])
    fields, rows = read_spaces(settings.source)
    row = unreferenced(settings.source, rows)[0]
    old, row["liczba_miejsc"] = row["liczba_miejsc"], "99"
    write_spaces(settings.source, fields, rows)
    version = build(settings, today=DAYS[1]).published.version
    app_client = create_app(settings).test_client()
    page = dom(app_client.get(f"/changes/{version}"))
    cells = texts(page, "td")
    heads = texts(page, "th")
    assert "liczba_miejsc" in heads
    assert old in cells and "99" in cells
    assert app_client.get(f"/changes/{version}.json").json["changed"][0]["fields"] == [
        {"field": "liczba_miejsc", "old": old, "new": "99"}
    ]
    files = [h for h in hrefs(page) if "/releases/" in h]
    assert f"/releases/{version}/kfl.csv" in files


def test_release_pages_for_pruned_unknown_and_malformed_versions(history, client):
    assert client.get(f"/changes/{history.versions[0]}").status_code == 410
    assert client.get("/changes/2020-01-01-00000000").status_code == 404
    assert client.get("/changes/..%2f..%2fetc").status_code == 404
    assert client.get("/changes/not-a-version").status_code == 404


def test_kept_releases_serve_their_files_as_published(history, client):
    version = history.versions[2]
    folder = history.settings.published / RELEASES / version
    response = client.get(f"/releases/{version}/kfl.csv")
    assert response.status_code == 200 and response.data == (folder / "kfl.csv").read_bytes()
    assert (
        client.get(f"/releases/{version}/kfl.csv", headers={"If-None-Match": response.headers["ETag"]}).status_code
        == 304
    )
    assert client.get(f"/releases/{history.versions[0]}/kfl.csv").status_code == 404  # pruned
    assert client.get(f"/releases/{version}/.content-hash").status_code == 404
    assert client.get(f"/releases/{version}/..%2fSHA256SUMS").status_code == 404


def test_a_space_that_comes_back_is_no_longer_gone(tmp_path):
    settings = fresh(tmp_path)
    build(settings, today=DAYS[0])
    fields, rows = read_spaces(settings.source)
    gone = unreferenced(settings.source, rows)[0]
    write_spaces(settings.source, fields, [r for r in rows if r is not gone])
    build(settings, today=DAYS[1])
    iri = f"{BASE}space/{gone['id']}"
    assert iri in release_record.withdrawn(settings.published)
    assert create_app(settings).test_client().get(f"/space/{gone['id']}").status_code == 410
    write_spaces(settings.source, fields, rows)
    build(settings, today=DAYS[2])
    assert iri not in release_record.withdrawn(settings.published)
    record = release_record.latest(settings.published)
    assert [a["id"] for a in record["added"]] == [gone["id"]]
    assert create_app(settings).test_client().get(f"/space/{gone['id']}").status_code != 410


@pytest.mark.parametrize("path", ["/.well-known/void", "/changes", "/changes.json"])
def test_void_and_change_records_can_be_read_by_pages_elsewhere(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_slow_value_of_a_release_does_not_hold_up_a_quick_one(tmp_path):
    """While one thread builds a large index, /healthz's count (another value) is answered (replicas, issue 14)."""
    import threading

    from kfl_lod.web.release import Release

    release = Release(tmp_path, "key", "", tmp_path, "https://kfl.krakow.pl/")
    started, go = threading.Event(), threading.Event()

    def slow(_: Release) -> str:
        started.set()
        go.wait(10)
        return "index"

    worker = threading.Thread(target=release.derived, args=("index", slow))
    worker.start()
    try:
        assert started.wait(10)
        answered = []
        quick = threading.Thread(target=lambda: answered.append(release.derived("count", lambda _: 42)))
        quick.start()
        quick.join(5)
        assert answered == [42]
    finally:
        go.set()
        worker.join(10)
    assert release.derived("index", slow) == "index"


def test_a_release_keeps_the_folder_latest_named_when_its_key_was_read(tmp_path):
    """``latest`` moving between reading the key and opening the release must not pair one
    release's name with the next release's files (seen once as a SPARQL answer mixing releases)."""
    import os

    from kfl_lod.web.release import Releases

    for name in ("2026-01-01-aaaaaaaa", "2026-01-02-bbbbbbbb"):
        (tmp_path / "releases" / name).mkdir(parents=True)
    os.symlink("releases/2026-01-01-aaaaaaaa", tmp_path / "latest")
    releases = Releases(tmp_path, "https://example.org/")
    key = releases.key()
    os.replace(tmp_path / "latest", tmp_path / "latest-old")
    os.symlink("releases/2026-01-02-bbbbbbbb", tmp_path / "latest")
    release = releases._open(key)
    assert release.name == "2026-01-01-aaaaaaaa"
    assert Path(release.folder).name == release.name
