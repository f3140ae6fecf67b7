"""Serving under slow clients, release switches, greedy clients and hostile requests (issue 10, items 1-7).

Also the answer cache across a release switch and ETag revalidation (issue 13). Real
servers on loopback only; every wait is bounded.
"""

from __future__ import annotations

import csv
import os
import re
import shlex
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
import requests

from kfl_lod.build import build
from kfl_lod.web import create_app
from support import BASE, ROOT

sys.path.insert(0, str(ROOT / "bench"))
from slowclients import SlowClients, free_port, wait_listening  # noqa: E402

SPACE = "ckp-ruczaj-sala-widowiskowa"
OLD_NAME, NEW_NAME = "Sala widowiskowa", "Duża sala widowiskowa"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
FAST = "ASK { ?s a <https://kfl.krakow.pl/def/Space> }"
SECURITY = ("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy")


def rename_space(settings, name: str, day: date) -> str:
    """Publish a new release in which the test space is called ``name``; its release name."""
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
    result = build(settings, today=day)
    assert result.published.new_release
    return result.published.version


@pytest.fixture
def own_publication(tmp_path, published):
    """Settings of a publication of our own (a copy of the bundled source), built once."""
    import shutil

    shutil.copytree(published.source, tmp_path / "source")
    settings = published.replace(source=tmp_path / "source", published=tmp_path / "published")
    assert build(settings, today=date(2026, 3, 2)).report.conforms
    return settings


@pytest.fixture(scope="module")
def app(published):
    return create_app(published)


# --- 1. slow clients -------------------------------------------------------------------------


def _others_keep_answering(url: str, seconds: float) -> list[float]:
    """GET a page, a document, a dump and /healthz in turn for ``seconds``; their latencies."""
    paths = ["/healthz", "/", f"/space/{SPACE}.ttl", "/dumps/kfl.nt", "/o-danych"]
    times = []
    session = requests.Session()
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        started = time.monotonic()
        r = session.get(url + paths[i % len(paths)], timeout=5)
        assert r.status_code == 200, (paths[i % len(paths)], r.status_code)
        times.append(time.monotonic() - started)
        i += 1
    return times


def _hold_slow_clients(url: str, close_within: float) -> dict[str, int]:
    """Hold 50 slow clients open while others are served; how many of each kind the server closed."""
    port = int(url.rsplit(":", 1)[1])
    with SlowClients("127.0.0.1", port, headers=17, bodies=17, idle=16, interval=1.0) as clients:
        time.sleep(0.5)
        times = _others_keep_answering(url, 4)
        assert len(times) >= 20 and sorted(times)[len(times) // 2] < 0.5 and max(times) < 3, times
        deadline = clients.started + close_within
        while sum(clients.closed().values()) < 50 and time.monotonic() < deadline:
            time.sleep(0.25)
        closed = clients.closed()
        _others_keep_answering(url, 1)
    return closed


@pytest.mark.server
@pytest.mark.slow
def test_fifty_slow_clients_do_not_stop_kfl_lod_serve(published, start_server):
    url = start_server(published.replace(header_timeout=3.0, body_timeout=3.0))
    assert _hold_slow_clients(url, close_within=9) == {"header": 17, "body": 17, "idle": 16}


@pytest.mark.server
@pytest.mark.slow
def test_fifty_slow_clients_do_not_stop_the_production_command(published, tmp_path):
    """The production command of docs/server.md, as written (its header timeout is 10 s)."""
    doc = (ROOT / "docs" / "server.md").read_text(encoding="utf-8")
    line = next(x.strip() for x in doc.splitlines() if x.strip().startswith("granian ") and "asgi:app" in x)
    args = shlex.split(line)
    port = free_port()
    args[args.index("--host") + 1] = "127.0.0.1"
    args[args.index("--port") + 1] = str(port)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KFL_")}
    for name in ("published", "source", "shapes", "sparql_examples", "base"):
        env[f"KFL_{name.upper()}"] = str(getattr(published, name))
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("granian")), *args[1:]],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_listening(port)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while requests.get(url + "/healthz", timeout=5).status_code != 200:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert _hold_slow_clients(url, close_within=16) == {"header": 17, "body": 17, "idle": 16}
    finally:
        proc.terminate()
        proc.wait(15)


# --- 2. one answer, one release; the answer cache across a switch ------------------------------


@pytest.mark.server
@pytest.mark.slow
def test_answers_during_a_switch_name_the_release_they_come_from(own_publication, start_server):
    settings = own_publication
    url = start_server(settings)
    old = requests.get(url + "/healthz", timeout=10).json()["release"]
    query = f"SELECT ?n WHERE {{ <space/{SPACE}> schema:name ?n }}"
    seen: list[tuple[str, str, str]] = []
    stop = threading.Event()

    def hammer() -> None:
        session = requests.Session()
        while not stop.is_set():
            for kind, r in (
                ("sparql", session.get(url + "/sparql", params={"query": query}, timeout=30)),
                ("document", session.get(f"{url}/space/{SPACE}.nt", timeout=30)),
                ("page", session.get(f"{url}/space/{SPACE}.html", timeout=30)),
            ):
                assert r.status_code == 200, (kind, r.status_code, r.text[:300])
                seen.append((kind, r.headers["X-KFL-Release"], r.text))

    with ThreadPoolExecutor(3) as pool:
        running = [pool.submit(hammer) for _ in range(3)]
        time.sleep(0.5)
        new = rename_space(settings, NEW_NAME, date(2026, 3, 3))
        time.sleep(1.5)
        stop.set()
        for future in running:
            future.result()
    assert new != old
    releases = {release for _, release, _ in seen}
    assert releases == {old, new}, releases
    for kind, release, text in seen:
        # Each answer holds the name of the release its header names, never the other one.
        assert (NEW_NAME in text) == (release == new), (kind, release)
    # After the switch the cache never gives the old release's answer.
    for _ in range(3):
        r = requests.get(url + "/sparql", params={"query": query}, timeout=30)
        assert r.headers["X-KFL-Release"] == new and NEW_NAME in r.text


def test_a_request_keeps_its_release_when_latest_moves(own_publication):
    """The release is taken when the request starts: a switch meanwhile changes nothing in it."""
    from kfl_lod.web import current_release, store

    settings = own_publication
    app = create_app(settings)
    with app.test_request_context(f"/space/{SPACE}.nt"):
        app.preprocess_request()
        old = current_release()
        new_version = rename_space(settings, NEW_NAME, date(2026, 3, 3))
        assert current_release() is old and old.name != new_version
        assert OLD_NAME in str(list(store().quads_for_pattern(None, None, None)))
        response = app.full_dispatch_request()
        assert response.headers["X-KFL-Release"] == old.name
        assert old.name in response.headers["ETag"]
        assert NEW_NAME not in response.get_data(as_text=True)
    with app.test_client() as client:
        r = client.get(f"/space/{SPACE}.nt")
        assert r.headers["X-KFL-Release"] == new_version and NEW_NAME in r.get_data(as_text=True)


@pytest.mark.server
def test_etags_name_the_release_and_revalidate(server):
    for path in (f"/space/{SPACE}.ttl", f"/space/{SPACE}.html", "/", "/dumps/kfl.ttl", "/sparql?query=" + FAST):
        r = requests.get(server + path, timeout=30)
        assert r.status_code == 200, path
        release = r.headers["X-KFL-Release"]
        assert release in r.headers["ETag"] and r.headers["Last-Modified"], path
        again = requests.get(server + path, headers={"If-None-Match": r.headers["ETag"]}, timeout=30)
        assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == r.headers["ETag"], path


# --- 3. fairness -----------------------------------------------------------------------------


@pytest.mark.server
@pytest.mark.slow
def test_one_greedy_client_gets_429_and_others_still_get_answers(published, start_server):
    url = start_server(
        published.replace(query_timeout=3.0, query_workers=2, query_client_limit=2, trusted_proxy=("127.0.0.1",))
    )
    greedy = {"X-Forwarded-For": "198.51.100.1"}
    with ThreadPoolExecutor(4) as pool:
        slow = [
            pool.submit(requests.get, url + "/sparql", params={"query": SLOW}, headers=greedy, timeout=30)
            for _ in range(4)
        ]
        time.sleep(0.5)
        other = requests.get(
            url + "/sparql", params={"query": FAST}, headers={"X-Forwarded-For": "203.0.113.9"}, timeout=30
        )
        # Answered while the greedy client's queries still run (they end only at the 3 s timeout).
        still_running = sum(not f.done() for f in slow)
        answers = [f.result() for f in slow]
    assert other.status_code == 200 and still_running >= 1
    refused = [a for a in answers if a.status_code == 429]
    assert len(refused) == 2 and all(int(a.headers["Retry-After"]) > 0 for a in refused)
    assert "query_client_limit" in refused[0].text
    assert sorted(a.status_code for a in answers if a.status_code != 429) == [503, 503]  # stopped by the timeout


@pytest.mark.server
def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(published, start_server):
    url = start_server(published.replace(query_timeout=3.0, query_workers=2, query_client_limit=1))
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(requests.get, url + "/sparql", params={"query": SLOW}, timeout=30)
        time.sleep(0.5)
        spoofed = requests.get(
            url + "/sparql", params={"query": FAST}, headers={"X-Forwarded-For": "203.0.113.9"}, timeout=30
        )
        first.result()
    assert spoofed.status_code == 429  # still the same client: 127.0.0.1


# --- 4. absolute URLs from the configuration ------------------------------------------------


def test_urls_come_from_the_base_never_from_the_host_header(published):
    app = create_app(published.replace(contact_email="kultura@example.org"))
    client = app.test_client()
    evil = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
    sd = client.get("/sparql", headers={**evil, "Accept": "text/turtle"})
    assert f"<{BASE}sparql>" in sd.get_data(as_text=True) and "evil" not in sd.get_data(as_text=True)
    redirect = client.get("/dumps", headers=evil)
    assert redirect.status_code in (301, 308) and redirect.headers["Location"] == "/dumps/"
    page = client.get(f"/space/{SPACE}.html", headers={**evil, "Accept": "text/html"}).get_data(as_text=True)
    mailto = re.search(r'href="(mailto:[^"]+\?subject=[^"]+)"', page).group(
        1
    )  # a prefilled mailto (request or correction)
    assert "evil" not in mailto and requests.utils.quote(f"{BASE}space/{SPACE}.html", safe="") in mailto


# --- 5. no link leaves the site -------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/%5cevil.example", "/%5Cevil.example/x", "/%2F%2Fevil.example", "/%5C%5Cevil.example"]
)
def test_the_404_page_links_stay_on_the_site(app, path):
    r = app.test_client().get(path, headers={"Accept": "text/html"})
    assert r.status_code == 404
    for href in re.findall(r'href="([^"]*)"', r.get_data(as_text=True)):
        href = href.replace("&amp;", "&")
        assert href.startswith(("/", "#", "https://", "mailto:", "tel:")), href
        assert not href.startswith(("//", "/\\")) and "\\" not in href, href
        if href.startswith("https://"):
            assert "evil" not in href, href


# --- 6. security headers on every answer ----------------------------------------------------


def test_security_headers_on_every_kind_of_answer(app):
    client = app.test_client()
    answers = {
        "303": client.get(f"/space/{SPACE}"),
        "405": client.put("/sparql"),
        "405 resource": client.post(f"/space/{SPACE}.ttl"),
        "308": client.get("/dumps"),
        "static": client.get("/static/style.css"),
        "404": client.get("/nothing-here", headers={"Accept": "text/html"}),
        "sparql page": client.get("/sparql", headers={"Accept": "text/html"}),
    }
    for kind, r in answers.items():
        for name in SECURITY:
            assert r.headers.get(name), (kind, name)
        assert "frame-ancestors 'none'" in r.headers.get("Content-Security-Policy", ""), kind
    assert answers["static"].status_code == 200 and answers["static"].headers["X-Content-Type-Options"] == "nosniff"
    assert answers["303"].status_code == 303 and answers["308"].status_code == 308


@pytest.mark.server
def test_security_headers_on_answers_the_front_gives(server):
    long_uri = requests.get(server + "/sparql?query=" + "x" * 9000, timeout=30)
    big_headers = requests.get(server + "/healthz", headers={f"X-Pad-{i}": "y" * 1000 for i in range(40)}, timeout=30)
    for r, status in ((long_uri, 414), (big_headers, 431)):
        assert r.status_code == status
        for name in SECURITY:
            assert r.headers.get(name), (status, name)


# --- 7. queries that crash the parser --------------------------------------------------------


@pytest.mark.server
@pytest.mark.parametrize("operator", ["!", "- ", "+ ", "! -"])
def test_a_chain_of_unary_operators_is_refused_before_it_runs(server, operator):
    before = requests.get(server + "/healthz", timeout=10).json()["query_processes"]["restarts"]
    query = "ASK { FILTER(" + operator * (10_000 // len(operator)) + "true) }"
    r = requests.post(server + "/sparql", data={"query": query}, timeout=30)
    assert r.status_code == 400 and "nested too deeply" in r.text
    assert requests.get(server + "/healthz", timeout=10).json()["query_processes"]["restarts"] == before
    fine = requests.get(server + "/sparql", params={"query": "ASK { FILTER(!!!(1 - -1 = 3)) }"}, timeout=30)
    assert fine.status_code == 200


# --- a query process killed from outside --------------------------------------------------


@pytest.mark.server
@pytest.mark.slow
def test_a_query_process_killed_from_outside_is_replaced_and_the_query_runs_again(published, start_server):
    import signal

    url = start_server(published.replace(query_workers=1, query_timeout=60.0))
    assert requests.get(url + "/sparql", params={"query": FAST}, timeout=30).status_code == 200
    from test_limits import query_processes

    pids = sorted(query_processes(url))
    assert len(pids) == 1
    medium = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f FILTER(?b = ?e) }"
    with ThreadPoolExecutor(1) as pool:
        answer = pool.submit(requests.get, url + "/sparql", params={"query": medium}, timeout=120)
        time.sleep(0.5)
        os.kill(pids[0], signal.SIGKILL)  # an operator or the kernel's OOM killer, not the query
        r = answer.result()
    assert r.status_code == 200, r.text
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) > 0
    assert pids[0] not in query_processes(url)
