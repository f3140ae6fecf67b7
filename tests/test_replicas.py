"""Two replicas behind Debian's nginx on loopback: the deployment of deploy/ as written (issue 14, replicas).

The replicas run the ExecStart of deploy/systemd/kfl-lod@.service with its environment file;
nginx runs deploy/nginx/kfl-lod.conf with only paths and ports replaced (bench/deployment.py).
Checked: the same answers and ETags through either replica and through nginx; the dumps and
static files nginx serves from disk (media types, ETags, ranges, the release they come from);
a publisher's sign-in seen by both replicas; a release switch reaching both replicas, and no
answer mixing releases while it happens. Every wait is bounded.
"""

from __future__ import annotations

import csv
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from kfl_lod.build import build
from kfl_lod.names import LATEST, content_type
from kfl_lod.publishers import new_entry
from kfl_lod.settings import Settings
from support import BASE, ROOT, make_settings

sys.path.insert(0, str(ROOT / "bench"))
import deployment  # noqa: E402

pytestmark = [pytest.mark.server, pytest.mark.slow]

SPACE = "ckp-ruczaj-sala-widowiskowa"
NEW_NAME = "Duża sala widowiskowa"
QUERY = f"SELECT ?n WHERE {{ <space/{SPACE}> schema:name ?n }}"
# Answers of the app compared through replica A, replica B and nginx.
PATHS = [
    "/",
    "/?q=teatr",
    f"/space/{SPACE}",
    f"/space/{SPACE}.html",
    f"/space/{SPACE}.ttl",
    f"/space/{SPACE}.jsonld",
    "/sparql?query=" + quote(QUERY),
    "/sparql?query=" + quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") + "&format=csv",
    "/.well-known/void",
    "/changes.json",
    "/changes",
    "/dumps/",
    "/o-danych",
    "/space/no-such-space",
    "/szablon.xlsx",  # made by each replica itself: the same bytes all the same
    "/szablon.ods",
]
RELEASE = re.compile(r"^\d{4}-\d{2}-\d{2}-[0-9a-f]{8}$")
NGINX_ETAG = re.compile(r'^"[0-9a-f]+-[0-9a-f]+"$')


def _environment(settings: Settings) -> dict[str, str]:
    """KFL_* variables for the settings that differ from the defaults."""
    env = {}
    for f in fields(Settings):
        value = getattr(settings, f.name)
        if value != f.default:
            env[f"KFL_{f.name.upper()}"] = ",".join(value) if isinstance(value, tuple) else str(value)
    return env


@dataclass
class Deployment:
    settings: Settings
    env: dict[str, str]
    replicas: list[str]  # root URLs of replica A and B
    nginx: str
    token: str  # the test publisher's token
    processes: list[subprocess.Popen]  # the replicas' processes
    ports: list[int]
    stack: ExitStack  # what stops when the module ends
    folder: Path
    store: str  # the SPARQL engine's URL, or "" for the embedded store

    @property
    def all(self) -> list[str]:
        return [*self.replicas, self.nginx]


@pytest.fixture(scope="module", params=["embedded", "engine"])
def site(request, tmp_path_factory):
    """Two replicas and nginx in front of them, on a publication of our own.

    ``embedded``: each replica opens the release's store itself; ``engine``: both query one
    Oxigraph server (kfl-lod-engine.service), filled by kfl-lod-publish.service's load command.
    """
    if not Path(deployment.NGINX).exists():
        pytest.fail("nginx is missing: ./dev test installs Debian's nginx")
    tmp = tmp_path_factory.mktemp("replicas")
    entry, token = new_entry("urzednik")
    settings = make_settings(
        tmp, publish_log=tmp / "publications", publishers=entry, query_workers=1, trusted_proxy=("127.0.0.1",)
    )
    assert build(settings, today=date(2026, 3, 2)).report.conforms
    env = deployment.unit_environment(**_environment(settings))
    ports = [deployment.free_port() for _ in range(3)]
    conf = deployment.nginx_config(tmp / "nginx", settings.published, deployment.static_folder(), ports[:2], ports[2])
    with ExitStack() as stack:
        store = ""
        if request.param == "engine":
            store = stack.enter_context(deployment.engine(deployment.free_port(), tmp / "engine"))
            load = deployment.publish_commands(settings.published, settings.source, store)[-1]
            loaded = subprocess.run(load, env=env, capture_output=True, text=True, timeout=120, cwd=tmp)
            assert loaded.returncode == 0, loaded.stderr
            env["KFL_STORE"] = store
        procs = [stack.enter_context(deployment.replica(p, env, tmp / "run")) for p in ports[:2]]
        front = stack.enter_context(deployment.nginx(conf, ports[2]))
        urls = [f"http://127.0.0.1:{p}" for p in ports[:2]]
        yield Deployment(settings, env, urls, front, token, procs, ports[:2], stack, tmp, store)


def _get(url: str, **headers: str) -> requests.Response:
    return requests.get(url, headers=headers, timeout=30, allow_redirects=False)


def _release(url: str) -> str:
    return _get(url + "/healthz").json()["release"]


def test_the_same_answers_and_etags_through_either_replica_and_nginx(site):
    release = _release(site.nginx)
    assert RELEASE.match(release)
    for path in PATHS:
        answers = [_get(root + path) for root in site.all]
        first = answers[0]
        for r in answers:
            assert r.status_code == first.status_code, (path, [a.status_code for a in answers])
            assert r.content == first.content, path
            assert r.headers.get("Content-Type") == first.headers.get("Content-Type"), path
            assert r.headers.get("ETag") == first.headers.get("ETag"), (path, [a.headers.get("ETag") for a in answers])
            assert r.headers.get("X-KFL-Release") == release, path
            assert r.headers.get("Location") == first.headers.get("Location"), path
        if first.status_code == 200 and first.headers.get("ETag"):
            # An ETag one replica gave revalidates on the other and through nginx.
            for root in site.all:
                again = _get(root + path, **{"If-None-Match": first.headers["ETag"]})
                assert again.status_code == 304, (path, root)
    # The cacheable answers really carry ETags (the loop above checked something).
    assert sum(bool(_get(site.nginx + p).headers.get("ETag")) for p in PATHS) >= 8


def test_nginx_serves_the_dumps_from_disk(site):
    release = _release(site.nginx)
    replica = site.replicas[0]
    names = _get(replica + "/dumps/").text.split()
    assert {"kfl.ttl", "kfl.nt", "kfl.csv", "kfl.csv-metadata.json", "SHA256SUMS", "kfl.xlsx"} <= set(names)
    for name in names:
        mine = _get(f"{site.nginx}/dumps/{name}", **{"Accept-Encoding": "identity"})
        app = _get(f"{replica}/dumps/{name}", **{"Accept-Encoding": "identity"})
        assert mine.status_code == 200 and mine.content == app.content, name
        assert mine.headers["Content-Type"] == app.headers["Content-Type"] == content_type(name), name
        assert mine.headers["X-KFL-Release"] == release, name
        assert (
            mine.headers["Access-Control-Allow-Origin"] == "*" and mine.headers["X-Content-Type-Options"] == "nosniff"
        )
        assert mine.headers["Cache-Control"] == app.headers["Cache-Control"], name
        # Served by nginx itself (its ETag form, docs/scaling-out.md), not passed to a replica.
        assert NGINX_ETAG.match(mine.headers["ETag"]) and "sha256" not in mine.headers["ETag"], name
        assert _get(f"{site.nginx}/dumps/{name}").headers["ETag"].removeprefix("W/") == mine.headers["ETag"]
    etag = _get(site.nginx + "/dumps/kfl.nt").headers["ETag"]
    assert _get(site.nginx + "/dumps/kfl.nt", **{"If-None-Match": etag}).status_code == 304
    whole = _get(site.replicas[1] + "/dumps/kfl.nt", **{"Accept-Encoding": "identity"}).content
    part = _get(site.nginx + "/dumps/kfl.nt", Range="bytes=100-299", **{"Accept-Encoding": "identity"})
    assert part.status_code == 206 and part.content == whole[100:300]
    assert part.headers["Content-Range"] == f"bytes 100-299/{len(whole)}"
    head = requests.head(site.nginx + "/dumps/kfl.ttl", timeout=10)
    assert head.status_code == 200 and head.headers["Content-Type"] == "text/turtle; charset=utf-8"
    gz = _get(site.nginx + "/dumps/kfl.ttl", **{"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in gz.headers["Vary"]
    # Files of kept releases by their own path; nothing outside a release folder.
    kept = _get(f"{site.nginx}/releases/{release}/kfl.ttl", **{"Accept-Encoding": "identity"})
    assert kept.status_code == 200 and kept.headers["X-KFL-Release"] == release
    for path in ["/dumps/.content-hash", "/dumps/..%2Flatest", "/dumps/%2e%2e/kfl.ttl", "/_kfl_release/x/kfl.ttl"]:
        assert _get(site.nginx + path).status_code == 404, path


def test_nginx_serves_the_static_files_as_the_app_does(site):
    page = _get(site.nginx + "/").text
    linked = re.findall(r'/static/([\w./-]+)\?v=([0-9a-f]+)"', page)
    assert linked, "the home page links no versioned static file"
    for name, version in linked:
        mine = _get(f"{site.nginx}/static/{name}?v={version}", **{"Accept-Encoding": "identity"})
        app = _get(f"{site.replicas[0]}/static/{name}?v={version}", **{"Accept-Encoding": "identity"})
        assert mine.status_code == app.status_code == 200, name
        assert mine.content == app.content, name
        assert mine.headers["Content-Type"] == app.headers["Content-Type"], name
        assert mine.headers["Cache-Control"] == app.headers["Cache-Control"], name
        assert "X-KFL-Release" not in mine.headers  # not data: the same in every release
    assert _get(site.nginx + "/static/../kfl-lod.conf").status_code in (400, 404)


def test_a_publisher_signed_in_through_one_replica_is_signed_in_on_the_other(site):
    """Sessions live in the publication log's folder, which every replica on the machine reads."""
    a, b = site.replicas
    origin = BASE.rstrip("/")  # what a browser behind the TLS-ending proxy sends
    signed = requests.post(
        a + "/sprawdz/zaloguj",
        data={"name": "urzednik", "token": site.token},
        headers={"Accept": "application/json", "Origin": origin, "X-Forwarded-For": "192.0.2.7"},
        timeout=30,
    )
    assert signed.status_code == 200, signed.text
    # nginx ending TLS says so (X-Forwarded-Proto from a trusted proxy): the cookie is Secure.
    secure = requests.post(
        a + "/sprawdz/zaloguj",
        data={"name": "urzednik", "token": site.token},
        headers={"Accept": "application/json", "Origin": origin, "X-Forwarded-Proto": "https"},
        timeout=30,
    )
    assert "; Secure" in secure.headers["Set-Cookie"] and "; Secure" not in signed.headers["Set-Cookie"]
    through_nginx = requests.post(
        site.nginx + "/sprawdz/zaloguj",
        data={"name": "urzednik", "token": site.token},
        headers={"Accept": "application/json", "Origin": origin, "X-Forwarded-Proto": "https"},
        timeout=30,
    )
    # nginx (plain http here) replaces what the client claims with its own scheme.
    assert through_nginx.status_code == 200 and "; Secure" not in through_nginx.headers["Set-Cookie"]
    cookie = {"kfl_publisher": signed.cookies["kfl_publisher"]}
    csrf = signed.json()["csrf"]
    page = requests.get(b + "/sprawdz", cookies=cookie, timeout=30)
    assert page.status_code == 200 and "urzednik" in page.text
    out = requests.post(
        site.nginx + "/sprawdz/wyloguj",
        data={"csrf": csrf},
        cookies=cookie,
        headers={"Origin": origin},
        timeout=30,
        allow_redirects=False,
    )
    assert out.status_code == 303
    assert "urzednik" not in requests.get(a + "/sprawdz", cookies=cookie, timeout=30).text
    # Failed sign-ins are counted per client (X-Forwarded-For from nginx), not for the proxy:
    # one client's failures through nginx do not lock out another client.
    for _ in range(site.settings.publish_attempts + 1):
        requests.post(
            site.nginx + "/sprawdz/zaloguj", data={"name": "nikt", "token": "x"}, headers={"Origin": origin}, timeout=30
        )
    refused = requests.post(
        site.nginx + "/sprawdz/zaloguj", data={"name": "nikt", "token": "x"}, headers={"Origin": origin}, timeout=30
    )
    assert refused.status_code == 429
    other = requests.post(
        a + "/sprawdz/zaloguj",
        data={"name": "urzednik", "token": site.token},
        headers={"Accept": "application/json", "Origin": origin, "X-Forwarded-For": "192.0.2.8"},
        timeout=30,
    )
    assert other.status_code == 200, other.text


def test_replicas_restarted_one_at_a_time_lose_no_request(site):
    """An upgrade: stop replica A (as systemctl stop does), start it again; nginx sends everything to B meanwhile."""
    statuses: list[int] = []
    stop = threading.Event()

    def client() -> None:
        session = requests.Session()
        paths = [f"/space/{SPACE}.html", "/sparql?query=" + quote(QUERY), f"/space/{SPACE}.ttl", "/healthz"]
        while not stop.is_set():
            for path in paths:
                statuses.append(session.get(site.nginx + path, timeout=30).status_code)

    threads = [threading.Thread(target=client) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.5)
        old = site.processes[0]
        old.send_signal(signal.SIGTERM)
        old.wait(20)
        during = len(statuses)
        time.sleep(0.5)
        assert len(statuses) > during  # answered while A was down
        site.processes[0] = site.stack.enter_context(deployment.replica(site.ports[0], site.env, site.folder / "run"))
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(40)
    assert statuses and set(statuses) == {200}, {s: statuses.count(s) for s in set(statuses)}
    assert _release(site.replicas[0]) == _release(site.replicas[1])


def test_nginx_limits_one_clients_sparql_requests_over_all_replicas(site):
    """Four SPARQL requests of one client at once, wherever they go; the fifth is 429 and pages still answer."""
    port = int(site.nginx.rsplit(":", 1)[1])
    held = []
    try:
        for _ in range(4):
            # A POST whose body never comes: nginx holds it (and counts it) while it waits.
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            s.sendall(
                b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                b"Content-Length: 100\r\n\r\nASK"
            )
            held.append(s)
        time.sleep(0.3)
        refused = _get(site.nginx + "/sparql?query=" + quote("ASK {}"))
        assert refused.status_code == 429, refused.status_code
        assert _get(site.nginx + f"/space/{SPACE}.html").status_code == 200
    finally:
        for s in held:
            s.close()
    deadline = time.monotonic() + 10
    while _get(site.nginx + "/sparql?query=" + quote("ASK {}")).status_code != 200:
        assert time.monotonic() < deadline
        time.sleep(0.1)


def _rename(settings: Settings, name: str) -> None:
    path = Path(settings.source) / "przestrzenie.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["id"] == SPACE:
            row["nazwa"] = name
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_a_release_switch_reaches_both_replicas_and_no_answer_mixes_releases(site):
    old = _release(site.nginx)
    latest = Path(site.settings.published) / LATEST
    switched: list[float] = []
    loaded: list[float] = []
    seen: dict[str, list[tuple[float, str, str, str]]] = {}  # client -> (time, kind, release, body)
    stop = threading.Event()

    def watch_latest() -> None:
        target = os.readlink(latest)
        while not stop.is_set() and os.readlink(latest) == target:
            time.sleep(0.002)
        switched.append(time.monotonic())

    def client(name: str, root: str) -> None:
        session = requests.Session()
        mine = seen.setdefault(name, [])
        kinds = [
            ("sparql", "/sparql?query=" + quote(QUERY)),
            ("document", f"/space/{SPACE}.nt"),
            ("page", f"/space/{SPACE}.html"),
        ]
        if root == site.nginx:
            kinds.append(("dump", "/dumps/kfl.nt"))
        while not stop.is_set():
            for kind, path in kinds:
                r = session.get(root + path, timeout=30)
                assert r.status_code == 200, (name, kind, r.status_code)
                mine.append((time.monotonic(), kind, r.headers["X-KFL-Release"], r.text))

    threads = [threading.Thread(target=watch_latest)]
    threads += [threading.Thread(target=client, args=(n, u)) for n, u in zip("ABN", site.all, strict=True)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.5)
        _rename(site.settings, NEW_NAME)
        # kfl-lod-publish.service: build (latest moves), then with an engine load (the engine switches).
        for command in deployment.publish_commands(site.settings.published, site.settings.source, site.store):
            done = subprocess.run(command, env=site.env, capture_output=True, text=True, timeout=120, cwd=site.folder)
            assert done.returncode == 0, (command, done.stderr)
            if command[1] == "load":
                loaded.append(time.monotonic())
        new = os.readlink(latest).rstrip("/").rpartition("/")[2]
        assert new != old
        # Every replica, and nginx's dumps, answer from the new release within a bound.
        deadline = time.monotonic() + 15
        while not all(any(s[2] == new for s in seen.get(n, [])) for n in "ABN") and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
    finally:
        stop.set()
        for t in threads:
            t.join(40)
    assert switched
    for name in "ABN":
        answers = seen[name]
        assert {s[2] for s in answers} == {old, new}, name
        for _, kind, release, body in answers:
            # Each answer holds the data of the release it names, never the other one's.
            assert (NEW_NAME in body) == (release == new), (name, kind, release)
        # Answered one request after another, a client never goes back to the old release.
        # With an engine (docs/scaling-out.md): nginx's dumps follow `latest` and the replicas
        # the engine, which switches later, so each of the two goes forward on its own; and
        # each replica looks at the engine every store_poll seconds, so a client sent from a
        # replica that has looked to one that has not may get the old release again, within
        # store_poll of its first new answer (never later).
        groups = [("dump",), ("sparql", "document", "page")] if site.store else [("dump", "sparql", "document", "page")]
        for kinds in groups:
            mine = [s for s in answers if s[1] in kinds]
            if not mine:
                continue
            releases = [s[2] for s in mine]
            assert new in releases, (name, kinds)
            first = releases.index(new)
            back = [s[0] - mine[first][0] for s in mine[first:] if s[2] == old]
            if site.store and name == "N" and kinds != ("dump",):
                # (+2 s: a look at the engine and the first load, on a busy shared machine)
                assert all(b <= site.settings.store_poll + 2.0 for b in back), (name, kinds, back)
            else:
                assert not back, (name, kinds, back)
        first_new = next(s[0] for s in answers if s[2] == new and s[1] != "dump")
        after = loaded[0] if site.store else switched[0]
        what = "kfl-lod load returned" if site.store else "latest moved"
        mode = "engine" if site.store else "embedded"
        print(
            f"[{mode}] client {name}: first answer of the new release {1000 * (first_new - after):.0f} ms after {what}"
        )
    for root in site.all:
        assert _release(root) == new
    dump = _get(site.nginx + "/dumps/kfl.nt")
    assert dump.headers["X-KFL-Release"] == new and NEW_NAME in dump.text
