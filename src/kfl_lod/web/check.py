"""The check page (/sprawdz): upload a workbook or CSV files, see the problems and the changes.

A check publishes nothing. The upload goes into a private temporary folder, is run through
``kfl-lod diff`` in a child process capped in memory, CPU time and wall time (the same reader
and limits as a build), and the folder is removed before the answer is sent. Files are only
ever read as tables, never opened by anything that could run them.

Publishing from the browser is off unless the setting ``publishers`` names who may publish;
when off, none of its routes exist. When on, a signed-in publisher sees "Opublikuj" after a
clean check: the upload is then kept (privately, until published or the session ends) and
published by ``kfl-lod build`` in a child process, exactly as from the command line; the
publication log records who, when, which files with their checksums, and the release made.
"Cofnij" runs ``kfl-lod rollback`` the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse

from .. import publication_log, publishers
from ..names import LATEST
from ..settings import Settings, to_environ
from . import client_address, forwarded_https, sessions
from . import settings as current_settings
from .i18n import text
from .pages import Page

bp = Blueprint("check", __name__, template_folder="templates")

FIELD = "files"
COOKIE = "kfl_publisher"
WORKBOOKS = (".xlsx", ".ods")
CSV_DIR = "pliki"  # the folder uploaded CSV files are put in; stripped from the places problems name
MAX_FILES = 10
CHECKS_AT_ONCE = 2  # per server process; more wait for nothing: they are told to come back (503)
_running = threading.BoundedSemaphore(CHECKS_AT_ONCE)


@bp.record
def _routes(state) -> None:
    settings: Settings = state.app.config["KFL_SETTINGS"]
    prefix = settings.base_path.rstrip("/") + "/sprawdz"
    state.add_url_rule(prefix, "check", check_page, methods=["GET", "POST"])
    root = settings.base_path.rstrip("/")
    state.add_url_rule(root + "/szablon.<any(xlsx, ods):fmt>", "template", template_file)
    # A setting that names publishers but cannot be read stops the server here, loudly.
    named = publishers.load(settings.publishers)
    state.app.extensions["kfl_publishers"] = named
    if named:
        state.add_url_rule(prefix + "/zaloguj", "sign_in", sign_in, methods=["POST"])
        state.add_url_rule(prefix + "/wyloguj", "sign_out", sign_out, methods=["POST"])
        state.add_url_rule(prefix + "/opublikuj", "publish", publish, methods=["POST"])
        state.add_url_rule(prefix + "/cofnij", "undo", undo, methods=["POST"])


def publishing_on() -> bool:
    return bool(current_app.extensions.get("kfl_publishers"))


# --- answering -------------------------------------------------------------------------------


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes["application/json"] > request.accept_mimetypes["text/html"]
    )


class Refusal(Exception):
    """A request the page answers with a message instead of a report."""

    def __init__(self, status: int, key: str, **values: object) -> None:
        super().__init__(key)
        self.status, self.key, self.values = status, key, values


def _respond(page: Page, status: int = 200, data: dict[str, Any] | None = None, **values: Any) -> Response:
    if wants_json():
        response = jsonify(data or {})
        response.status_code = status
    else:
        response = page.respond("check.html", status, **values, **_publisher_values(page))
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept")
    return response


def _refuse(page: Page, refusal: Refusal) -> Response:
    data = {
        "error": refusal.key,
        "message": text(refusal.key, "en", **refusal.values),
        "message_pl": text(refusal.key, "pl", **refusal.values),
        "published": False,
    }
    response = _respond(page, refusal.status, data, error=page.t(refusal.key, **refusal.values))
    if refusal.status in (429, 503):
        response.headers["Retry-After"] = str(refusal.values.get("seconds", 10))
    return response


MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def template_file(fmt: str) -> Response:
    """The empty source workbook (kfl-lod template), made once per server process."""
    from ..template import as_bytes

    cache = current_app.extensions.setdefault("kfl_templates", {})
    if fmt not in cache:
        cache[fmt] = as_bytes(fmt)
    response = Response(cache[fmt], mimetype=MEDIA_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="zestawienie-szablon.{fmt}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


# --- receiving the upload ----------------------------------------------------------------------


@dataclass
class Upload:
    """The uploaded files, saved in ``folder``; ``source`` is what to check, relative to it."""

    folder: Path
    source: str
    files: list[dict[str, Any]]  # name, bytes, sha256


def _safe_name(name: str) -> str:
    """A file name as the clerk gave it, without folders or characters a file system would mind."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[^\w .,()+-]", "_", name).strip(" .")
    return name[:100]


def receive(settings: Settings) -> Upload:
    """Save the request's files in a new private folder; refuse what cannot be a source."""
    request.max_content_length = settings.upload_max_bytes
    request.max_form_parts = 50
    try:
        uploads = [f for f in request.files.getlist(FIELD) if f and f.filename]
    except RequestEntityTooLarge:
        raise Refusal(413, "check_too_large", mb=_mb(settings.upload_max_bytes)) from None
    if not uploads:
        raise Refusal(400, "check_no_files")
    if len(uploads) > MAX_FILES:
        raise Refusal(400, "check_too_many", n=MAX_FILES)
    names = [_safe_name(f.filename or "") for f in uploads]
    suffixes = [Path(n).suffix.lower() for n in names]
    workbook = any(s in WORKBOOKS for s in suffixes)
    if any(s not in (*WORKBOOKS, ".csv") for s in suffixes) or not all(names):
        raise Refusal(400, "check_bad_type", names=", ".join(f.filename or "" for f in uploads))
    if workbook and len(uploads) > 1:
        raise Refusal(400, "check_one_workbook")
    if len(set(n.lower() for n in names)) != len(names):
        raise Refusal(400, "check_same_names")
    folder = Path(tempfile.mkdtemp(prefix="kfl-check-"))
    try:
        target = folder if workbook else folder / CSV_DIR
        target.mkdir(exist_ok=True)
        files = []
        for upload, name in zip(uploads, names, strict=True):
            path = target / name
            upload.save(path)
            data = path.read_bytes()
            files.append({"name": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Upload(folder, names[0] if workbook else CSV_DIR, files)


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f}".rstrip("0").rstrip(".")


# --- running kfl-lod in a bounded child process ---------------------------------------------------


def run_kfl(settings: Settings, args: list[str], cwd: Path, timeout: float) -> tuple[int, dict[str, Any]]:
    """Run ``kfl-lod --json ARGS`` capped in memory and time; return its exit code and JSON answer.

    Raises Refusal when it ran out of time or memory, or answered something that is not JSON.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("KFL_")}
    env.update(to_environ(settings))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    command = [
        sys.executable,
        "-m",
        "kfl_lod.limited",
        str(settings.check_memory_mb),
        str(int(timeout) + 1),
        "--json",
        *args,
    ]
    proc = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: killed whole on timeout
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise Refusal(503, "check_timeout", seconds=int(timeout)) from None
    try:
        answer = json.loads(out)
        if not isinstance(answer, dict):
            raise ValueError
    except ValueError:
        current_app.logger.warning(
            "kfl-lod %s ended %s: %s", args[0], proc.returncode, err[-2000:].decode(errors="replace")
        )
        raise Refusal(422, "check_limits", mb=settings.check_memory_mb, seconds=int(timeout)) from None
    return proc.returncode, answer


# --- the report as the page shows it ---------------------------------------------------------------


def _place(label: str) -> tuple[str, str]:
    """File and sheet of a problem's place: 'x.xlsx, sheet przestrzenie' -> ('x.xlsx', 'przestrzenie')."""
    label = label.removeprefix(CSV_DIR + "/")
    file, sep, sheet = label.rpartition(", sheet ")
    return (file, sheet) if sep else (label, "")


def _split(message: str) -> tuple[str, str]:
    """What is wrong, and what is expected (with the likely fix): the two halves of a message."""
    first, sep, rest = message.partition("; ")
    return (first, rest) if sep else (message, "")


def problem_rows(report: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """Problems and SHACL violations as rows: file, sheet, row, column, value, what is wrong, what is expected."""
    rows = []
    for p in report.get("problems", []):
        file, sheet = _place(p["file"])
        message = p["message"] if lang == "en" else (p.get("message_pl") or p["message"])
        wrong, expected = _split(message)
        if p["code"] == "missing-table" and not sheet and file.endswith(".csv"):
            # "expected x.csv in pliki" names our temporary folder: say what to send instead.
            wrong, expected = message.split("; ")[0], text("check_missing_csv", lang, file=file)
        rows.append(
            {
                "file": file,
                "sheet": sheet,
                "row": p["row"],
                "column": p["column"] or "",
                "value": p["value"] or "",
                "wrong": wrong,
                "expected": expected,
            }
        )
    for r in report.get("violations", []):
        where, _, row = r["source"].rpartition(", row ")
        file, sheet = _place(where or r["source"])
        message = r["message_en"] if lang == "en" and r["message_en"] else (r["message_pl"] or r["message_en"])
        wrong, expected = _split(message)
        rows.append(
            {
                "file": file,
                "sheet": sheet,
                "row": int(row) if row.isdigit() else None,
                "column": r.get("column", ""),
                "value": r.get("value", ""),
                "wrong": wrong,
                "expected": expected,
            }
        )
    return rows


def _clean(report: dict[str, Any]) -> dict[str, Any]:
    """The report as data for the client: places named as the clerk named the files."""
    report = dict(report)
    report.pop("source", None)
    report["problems"] = [dict(p, file=p["file"].removeprefix(CSV_DIR + "/")) for p in report.get("problems", [])]
    for key in ("violations", "warnings"):
        report[key] = [dict(r, source=r["source"].removeprefix(CSV_DIR + "/")) for r in report.get(key, [])]
    return report


# --- the page ----------------------------------------------------------------------------------


def check_page() -> Response:
    page = Page()
    settings = current_settings()
    if request.method == "GET":
        return _respond(page, data={"field": FIELD, "publishing": publishing_on()})
    session, sid = _session()
    if not _running.acquire(blocking=False):
        return _refuse(page, Refusal(503, "check_busy"))
    try:
        try:
            upload = receive(settings)
        except Refusal as refusal:
            return _refuse(page, refusal)
        try:
            source = upload.source
            code, report = run_kfl(
                settings,
                ["diff", "--source", source, "--published", str(Path(settings.published).resolve())],
                upload.folder,
                settings.check_timeout,
            )
            if "error" in report:  # the command itself refused (settings): not the clerk's doing
                current_app.logger.error("kfl-lod diff refused: %s", report.get("message"))
                raise Refusal(500, "check_failed")
            ok = not report.get("problems") and not report.get("violations")
            pending = ""
            if session is not None:  # a new check replaces what an earlier one kept
                sessions.drop_pending(settings.publish_log, session.pending.get("id", ""))
                session.pending = {}
                if ok and report.get("new_release"):
                    pending = _keep(settings, sid, session, upload)
                else:
                    sessions.save(settings.publish_log, sid, session)
        except Refusal as refusal:
            return _refuse(page, refusal)
        finally:
            shutil.rmtree(upload.folder, ignore_errors=True)  # the answer never leaves the upload behind
    finally:
        _running.release()
    data = {"files": upload.files, "ok": ok, "published": False, **_clean(report)}
    if pending:
        data["pending"] = pending
    return _respond(
        page,
        data=data,
        report=data,
        rows=problem_rows(report, page.lang),
        pending=pending,
    )


# --- publishing from the browser (only when the setting names publishers) ---------------------------


def _session() -> tuple[sessions.Session | None, str]:
    if not publishing_on():
        return None, ""
    sid = request.cookies.get(COOKIE, "")
    return sessions.get(current_settings().publish_log, sid), sid


def _publisher_values(page: Page) -> dict[str, Any]:
    if not publishing_on():
        return {"publishing": False}
    session, _ = _session()
    log = publication_log.entries(current_settings().publish_log, last=10) if session else []
    return {"publishing": True, "session": session, "log": list(reversed(log))}


def _same_origin() -> None:
    """Refuse a form posted from another site (the CSRF token is checked too; this is belt and braces)."""
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        there = urlsplit(origin)
        # Our origin is the base IRI's (behind a proxy ending TLS the replica itself is
        # reached over plain http), or the address the server was reached at (a local serve).
        ours = {(urlsplit(url).scheme, urlsplit(url).netloc) for url in (current_settings().base, request.host_url)}
        if (there.scheme, there.netloc) not in ours:
            abort(403)


def _signed_in() -> tuple[sessions.Session, str]:
    """The publisher's live session, with the form's CSRF token checked; 401/403 otherwise."""
    _same_origin()
    session, sid = _session()
    if session is None:
        raise Refusal(401, "publish_signed_out")
    if not hmac.compare_digest(request.form.get("csrf", ""), session.csrf):
        raise Refusal(403, "publish_csrf")
    return session, sid


def _keep(settings: Settings, sid: str, session: sessions.Session, upload: Upload) -> str:
    """Keep a clean upload for the signed-in publisher until it is published or the session ends."""
    folder = settings.publish_log
    pending_id, path = sessions.new_pending(folder)
    shutil.copytree(upload.folder, path)
    session.pending = {"id": pending_id, "source": upload.source, "files": upload.files}
    sessions.save(folder, sid, session)
    return pending_id


def sign_in() -> BaseResponse:
    page = Page()
    settings = current_settings()
    _same_origin()
    request.max_content_length = 10_000
    name = request.form.get("name", "").strip()[:64]
    token = request.form.get("token", "")[:200]
    # The client's address, not the proxy's: behind nginx every sign-in comes from 127.0.0.1.
    keys = [f"addr:{client_address(request.environ, settings)}", f"name:{name.lower()}"]
    wait = sessions.blocked(settings.publish_log, keys, settings.publish_attempts)
    if wait:
        return _refuse(page, Refusal(429, "publish_attempts", seconds=wait))
    if not publishers.verify(current_app.extensions["kfl_publishers"], name, token):
        sessions.failed(settings.publish_log, keys)
        return _refuse(page, Refusal(401, "publish_bad_token"))
    sid, session = sessions.start(settings.publish_log, name, settings.publish_session_minutes)
    response: BaseResponse
    if wants_json():
        response = jsonify({"signed_in": name, "csrf": session.csrf, "expires": int(session.expires)})
    else:
        response = redirect(request.path.rsplit("/", 1)[0], 303)
    response.set_cookie(
        COOKIE,
        sid,
        max_age=settings.publish_session_minutes * 60,
        path=settings.base_path + "sprawdz",
        # Behind nginx ending TLS the replica is reached over http: the proxy says https.
        secure=forwarded_https(request.environ, settings),
        httponly=True,
        samesite="Strict",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def sign_out() -> BaseResponse:
    settings = current_settings()
    _same_origin()
    session, sid = _session()
    if session is not None and hmac.compare_digest(request.form.get("csrf", ""), session.csrf):
        sessions.end(settings.publish_log, sid)
    response = redirect(request.path.rsplit("/", 1)[0], 303)
    response.delete_cookie(COOKIE, path=settings.base_path + "sprawdz")
    return response


def publish() -> Response:
    page = Page()
    settings = current_settings()
    try:
        session, sid = _signed_in()
        pending = session.pending
        if not pending or request.form.get("pending", "") != pending.get("id"):
            raise Refusal(409, "publish_no_pending")
        path = sessions.pending_dir(settings.publish_log, pending["id"])
        if path is None or not path.is_dir():
            raise Refusal(409, "publish_no_pending")
        with publication_log.locked(settings.publish_log):
            previous = _current_release(settings)
            code, result = run_kfl(
                settings,
                ["build", "--source", pending["source"], "--out", str(Path(settings.published).resolve())],
                path,
                settings.check_timeout * 2,
            )
            if code != 0 or not result.get("release"):
                current_app.logger.error("publish by %s failed (%s): %s", session.who, code, str(result)[:2000])
                raise Refusal(422, "publish_failed")
            kept = _archive(settings, path, result["release"])
            record = {
                "who": session.who,
                "action": "publish",
                "files": pending["files"],
                "release": result["release"],
                "new_release": result["new_release"],
                "previous": previous,
                "kept": kept,
            }
            engine = _follow_engine(settings, Path(settings.publish_log).resolve())
            if engine is not None:
                record["engine"] = engine
            entry = publication_log.append(settings.publish_log, record)
        session.pending = {}
        sessions.save(settings.publish_log, sid, session)
    except Refusal as refusal:
        return _refuse(page, refusal)
    return _respond(page, data={"published": True, **entry}, outcome=entry)


def undo() -> Response:
    page = Page()
    settings = current_settings()
    try:
        session, _ = _signed_in()
        with publication_log.locked(settings.publish_log):
            previous = _current_release(settings)
            code, result = run_kfl(
                settings,
                ["rollback", "--published", str(Path(settings.published).resolve())],
                Path(settings.publish_log).resolve(),
                settings.check_timeout * 2,
            )
            if code != 0 or not result.get("release"):
                raise Refusal(409, "undo_failed", message=str(result.get("message", ""))[:300])
            record = {
                "who": session.who,
                "action": "rollback",
                "files": [],
                "release": result["release"],
                "new_release": result["new_release"],
                "previous": previous,
                "restored": result["restored"],
            }
            engine = _follow_engine(settings, Path(settings.publish_log).resolve())
            if engine is not None:
                record["engine"] = engine
            entry = publication_log.append(settings.publish_log, record)
    except Refusal as refusal:
        return _refuse(page, refusal)
    return _respond(page, data={"published": True, **entry}, outcome=entry)


def _follow_engine(settings: Settings, cwd: Path) -> dict[str, Any] | None:
    """With an external engine (setting store), load the release just published there and switch to it.

    The site serves what the engine's control graph names, so without this a release
    published from the browser would not be seen. None without an engine; otherwise whether
    it was loaded (a failure is logged; the files stay published, ``kfl-lod load`` can follow).
    """
    if not settings.store:
        return None
    code, answer = run_kfl(
        settings, ["load", "--published", str(Path(settings.published).resolve())], cwd, settings.check_timeout * 2
    )
    if code != 0:
        current_app.logger.error("kfl-lod load after publishing failed: %s", str(answer)[:2000])
        return {"loaded": False, "error": str(answer.get("message", ""))[:1000]}
    watch = current_app.extensions["kfl_releases"].watch
    if watch is not None:
        watch.look()  # this server process follows at once; the others within store_poll
    return {"loaded": True, "graph": answer.get("graph")}


def _current_release(settings: Settings) -> str | None:
    try:
        return os.readlink(Path(settings.published) / LATEST).rsplit("/", 1)[-1]
    except OSError:
        return None


def _archive(settings: Settings, pending: Path, release: str) -> str:
    """Move the published upload next to the log, named by the release it made; return that path (relative)."""
    files = Path(settings.publish_log) / "files"
    files.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{release}-{os.urandom(3).hex()}"
    os.rename(pending, files / name)
    return f"files/{name}"
