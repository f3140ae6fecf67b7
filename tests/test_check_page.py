"""The check page (/sprawdz) and publishing from the browser, on a real server over HTTP.

The check runs the real `kfl-lod diff` in a bounded child process, so these talk to a live
gunicorn (`kfl-lod serve`) on loopback.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import uuid
import zipfile
from datetime import date
from pathlib import Path

import pytest
import requests

from kfl_lod import publication_log
from kfl_lod.build import build
from kfl_lod.publishers import new_entry
from kfl_lod.remote import release_graph
from kfl_lod.template import as_bytes, source_rows
from kfl_lod.web import create_app
from support import BASE, DEPLOYMENTS, kfl_load, make_settings, oxigraph_server

pytestmark = pytest.mark.server


def csv_files(source: Path, **replace: tuple[str, str]) -> list[tuple[str, tuple[str, bytes, str]]]:
    """The source's CSV files as a multipart list, with text replaced in some (name -> (old, new))."""
    files = []
    for path in sorted(source.glob("*.csv")):
        data = path.read_text(encoding="utf-8")
        if path.stem in replace:
            old, new = replace[path.stem]
            assert old in data
            data = data.replace(old, new, 1)
        files.append(("files", (path.name, data.encode(), "text/csv")))
    return files


JSON = {"Accept": "application/json"}


def left_behind(marker: str) -> list[Path]:
    """Files of check folders that hold ``marker`` in their name or text (other test runs may share /tmp)."""
    found = []
    for path in Path(tempfile.gettempdir()).glob("kfl-check-*/**/*"):
        try:
            if marker in path.name or (path.is_file() and marker.encode() in path.read_bytes()):
                found.append(path)
        except OSError:
            continue  # removed while we looked: not left behind
    return found


@pytest.fixture(scope="module")
def checked(tmp_path_factory, start_module_server):
    """A live server (publishing off) on a publication of the bundled source."""
    tmp = tmp_path_factory.mktemp("check-page")
    settings = make_settings(tmp, upload_max_bytes=300_000, check_timeout=20)
    assert build(settings, today=date(2026, 3, 2)).report.conforms
    return settings, start_module_server(settings)


def test_a_clean_upload_shows_the_changes_and_publishes_nothing(checked):
    settings, url = checked
    before = sorted(p.name for p in (settings.published / "releases").iterdir())
    new = f"Sala Fontany ({uuid.uuid4().hex})"
    files = csv_files(settings.source, przestrzenie=(",Sala Fontany,", f",{new},"))
    answer = requests.post(url + "/sprawdz", files=files, headers=JSON, timeout=60)
    assert answer.status_code == 200
    report = answer.json()
    assert report["ok"] and report["published"] is False and report["new_release"]
    assert [c["id"] for c in report["changed"]] == ["bk-pod-gruszka-sala-fontany"]
    assert report["changed"][0]["fields"] == [{"field": "nazwa", "old": "Sala Fontany", "new": new}]
    assert {f["name"] for f in report["files"]} == {p.name for p in settings.source.glob("*.csv")}
    assert sorted(p.name for p in (settings.published / "releases").iterdir()) == before
    assert not left_behind(new)  # nothing kept after the answer
    html = requests.post(url + "/sprawdz", files=files, timeout=60)
    assert html.status_code == 200 and "text/html" in html.headers["Content-Type"]
    assert new in html.text and "Zmienione: 1" in html.text
    assert "Opublikuj" not in html.text and "zaloguj" not in html.text.lower()


def test_problems_are_listed_in_polish_with_sheet_row_column_value_and_fix(checked):
    settings, url = checked
    rows = source_rows(settings.source)
    rows["przestrzenie"][0]["liczba_miejsc"] = "ok. 40"
    rows["przestrzenie"][1]["rodzaj"] = "sala spotkań"
    book = as_bytes("xlsx", rows)
    files = [("files", ("zestawienie.xlsx", book, "application/octet-stream"))]
    report = requests.post(url + "/sprawdz", files=files, headers=JSON, timeout=60).json()
    assert not report["ok"] and report["release"] is None
    found = {(p["file"], p["column"], p["value"]) for p in report["problems"]}
    assert found == {
        ("zestawienie.xlsx, sheet przestrzenie", "liczba_miejsc", "ok. 40"),
        ("zestawienie.xlsx, sheet przestrzenie", "rodzaj", "sala spotkań"),
    }
    assert {p["row"] for p in report["problems"]} == {2, 3}
    html = requests.post(url + "/sprawdz", files=files, timeout=60).text
    assert "Do poprawienia: 2" in html
    row = re.search(
        r"<tr>\s*<td[^>]*>zestawienie.xlsx</td><td[^>]*>przestrzenie</td><td[^>]*>3</td>.*?</tr>", html, re.S
    )
    assert row and "rodzaj" in row.group() and "wpisz &#39;sala-spotkan&#39;" in row.group()


def test_bad_uploads_are_refused_with_a_message(checked):
    settings, url = checked
    cases = [
        ([], 400, "check_no_files"),
        ([("files", ("a.exe", b"MZ", "application/octet-stream"))], 400, "check_bad_type"),
        (
            [("files", ("a.xlsx", b"x", "application/octet-stream")), ("files", ("b.csv", b"x", "text/csv"))],
            400,
            "check_one_workbook",
        ),
        ([("files", ("big.xlsx", b"0" * 400_000, "application/octet-stream"))], 413, "check_too_large"),
    ]
    for files, status, key in cases:
        answer = requests.post(url + "/sprawdz", files=files or {"x": ("", b"")}, headers=JSON, timeout=60)
        assert answer.status_code == status, key
        assert answer.json()["error"] == key and answer.json()["message_pl"]


def test_a_hostile_workbook_is_bounded_and_nothing_is_kept(checked):
    """A zip bomb named .xlsx: refused by the reader or stopped by the child's limits, never the server."""
    settings, url = checked
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "<a>" + "<row/>" * 30_000_000 + "</a>")
    data = bomb.getvalue()
    assert len(data) < 300_000
    marker = f"bomb-{uuid.uuid4().hex}"
    answer = requests.post(
        url + "/sprawdz", files=[("files", (marker + ".xlsx", data, "x"))], headers=JSON, timeout=120
    )
    assert answer.status_code in (200, 422, 503)
    body = answer.json()
    assert body.get("problems") or body.get("error") in ("check_limits", "check_timeout")
    assert requests.get(url + "/healthz", timeout=10).status_code == 200
    assert not left_behind(marker)


def test_publishing_is_unreachable_when_off(checked):
    settings, url = checked
    for path in ("/sprawdz/zaloguj", "/sprawdz/opublikuj", "/sprawdz/cofnij", "/sprawdz/wyloguj"):
        # No such route: GET is the linked-data 404, POST finds only GET routes (405).
        assert requests.get(url + path, timeout=10).status_code == 404, path
        answer = requests.post(url + path, data={"name": "x", "token": "y"}, timeout=10)
        assert answer.status_code in (404, 405) and "Set-Cookie" not in answer.headers, path
    app = create_app(settings)
    assert not [r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/sprawdz/")]
    page = requests.get(url + "/sprawdz", timeout=10).text
    assert "Opublikuj" not in page and "zaloguj" not in page
    assert requests.get(url + "/sprawdz", headers=JSON, timeout=10).json()["publishing"] is False


def test_template_downloads(checked):
    settings, url = checked
    for fmt in ("xlsx", "ods"):
        answer = requests.get(url + f"/szablon.{fmt}", timeout=30)
        assert answer.status_code == 200 and answer.content[:2] == b"PK"
        assert "attachment" in answer.headers["Content-Disposition"]
    about = requests.get(url + "/o-danych", timeout=10).text
    assert 'href="/szablon.xlsx"' in about and 'href="/sprawdz"' in about


# --- publishing on ---------------------------------------------------------------------------------------


@pytest.fixture
def publishing(request, tmp_path, start_server):
    """A server that lets "anna" publish; with param "engine", in front of an external engine (issue 14)."""
    line, token = new_entry("anna")
    (tmp_path / "publishers.txt").write_text(line + "\n")
    settings = make_settings(
        tmp_path,
        publishers=str(tmp_path / "publishers.txt"),
        publish_log=tmp_path / "log",
        publish_attempts=3,
        check_timeout=30,
    )
    assert build(settings, today=date(2026, 3, 2)).report.conforms
    if getattr(request, "param", "embedded") == "engine":
        with oxigraph_server() as engine:
            assert kfl_load(settings, engine).returncode == 0
            settings = settings.replace(store=engine)
            yield settings, start_server(settings), token
        return
    yield settings, start_server(settings), token


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("publishing", DEPLOYMENTS, indirect=True)
def test_publish_after_a_clean_check_then_undo(publishing):
    settings, url, token = publishing
    first = (settings.published / "latest").resolve().name
    s = requests.Session()
    page = s.get(url + "/sprawdz", timeout=10).text
    assert "Zaloguj" in page and "Opublikuj" not in page
    signed = s.post(url + "/sprawdz/zaloguj", data={"name": "anna", "token": token}, timeout=30, allow_redirects=False)
    assert signed.status_code == 303
    cookie = signed.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Max-Age=1800" in cookie

    files = csv_files(settings.source, przestrzenie=(",Sala Fontany,", ",Sala Fontany (nowa),"))
    checked = s.post(url + "/sprawdz", files=files, timeout=60)
    assert "Opublikuj" in checked.text
    pending = re.search(r'name="pending" value="([^"]+)"', checked.text).group(1)
    csrf = _csrf(checked.text)

    # Without the CSRF token, or from another site: refused, nothing published.
    assert s.post(url + "/sprawdz/opublikuj", data={"pending": pending}, timeout=30).status_code == 403
    other = s.post(
        url + "/sprawdz/opublikuj",
        data={"pending": pending, "csrf": csrf},
        headers={"Origin": "https://evil.example"},
        timeout=30,
    )
    assert other.status_code == 403
    assert (settings.published / "latest").resolve().name == first

    done = s.post(url + "/sprawdz/opublikuj", data={"pending": pending, "csrf": csrf}, headers=JSON, timeout=120)
    assert done.status_code == 200, done.text
    entry = done.json()
    release = (settings.published / "latest").resolve().name
    assert entry["published"] and entry["release"] == release != first and entry["previous"] == first
    assert entry["who"] == "anna" and {f["name"] for f in entry["files"]} == {
        p.name for p in settings.source.glob("*.csv")
    }
    log = publication_log.entries(settings.publish_log)
    assert log[-1]["release"] == release and log[-1]["files"][0]["sha256"]
    kept = settings.publish_log / log[-1]["kept"] / "pliki" / "przestrzenie.csv"
    assert "Sala Fontany (nowa)" in kept.read_text(encoding="utf-8")
    assert "Sala Fontany (nowa)" in requests.get(url + "/space/bk-pod-gruszka-sala-fontany.html", timeout=10).text
    name = requests.post(
        url + "/sparql",
        data={"query": "SELECT ?n { <space/bk-pod-gruszka-sala-fontany> schema:name ?n }"},
        headers={"Accept": "text/csv"},
        timeout=30,
    )
    assert "Sala Fontany (nowa)" in name.text and name.headers["X-KFL-Release"] == release
    if settings.store:  # with an external engine: loaded there too, and served from there
        assert entry["engine"] == {"loaded": True, "graph": release_graph(BASE, release)}
    # The same upload cannot be published twice.
    assert s.post(url + "/sprawdz/opublikuj", data={"pending": pending, "csrf": csrf}, timeout=30).status_code == 409

    undo = s.post(url + "/sprawdz/cofnij", data={"csrf": csrf}, timeout=120)
    assert undo.status_code == 200
    assert f"z treścią wydania {first}" in undo.text
    assert (settings.published / "kfl.nt").resolve().read_bytes() == (
        settings.published / "releases" / first / "kfl.nt"
    ).read_bytes()
    assert publication_log.entries(settings.publish_log)[-1]["action"] == "rollback"

    s.post(url + "/sprawdz/wyloguj", data={"csrf": csrf}, timeout=10)
    assert s.post(url + "/sprawdz/cofnij", data={"csrf": csrf}, timeout=10).status_code == 401


def test_sign_in_attempts_are_limited(publishing):
    settings, url, token = publishing
    for _ in range(3):
        assert (
            requests.post(url + "/sprawdz/zaloguj", data={"name": "anna", "token": "wrong"}, timeout=30).status_code
            == 401
        )
    blocked = requests.post(url + "/sprawdz/zaloguj", data={"name": "anna", "token": token}, timeout=30)
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert not (settings.publish_log / "sessions").exists() or not list((settings.publish_log / "sessions").iterdir())
    assert json.loads(requests.get(url + "/sprawdz", headers=JSON, timeout=10).text)["publishing"] is True


@pytest.mark.parametrize(
    ("limits", "status", "key"),
    [({"check_timeout": 0.3}, 503, "check_timeout"), ({"check_memory_mb": 64}, 422, "check_limits")],
)
def test_a_check_past_its_time_or_memory_is_stopped_and_said_so(tmp_path, start_server, limits, status, key):
    """The child is killed at the wall-time limit or dies at the memory cap; the server answers and stays up."""
    settings = make_settings(tmp_path, **limits)
    assert build(settings, today=date(2026, 3, 2)).report.conforms
    url = start_server(settings)
    answer = requests.post(url + "/sprawdz", files=csv_files(settings.source), headers=JSON, timeout=60)
    assert answer.status_code == status
    assert answer.json()["error"] == key and answer.json()["published"] is False
    assert requests.get(url + "/healthz", timeout=10).status_code == 200
