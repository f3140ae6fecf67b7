"""An external SPARQL engine (issue 14): `kfl-lod load --store URL` and `kfl-lod serve --store URL`.

Everything runs against a real `oxigraph serve` on loopback (PyPI package oxigraph). The
answers the engine breaks on purpose come through a small HTTP proxy in front of it
(``Breaker``), told by a comment in the query what to break: a body cut short of its
Content-Length, a chunked body that never ends, a 200 whose body is framed as whole but
cut, a connection reset, a body without framing, an error status, no answer at all. The
parts of the server suite that run against both deployments are in test_sparql_protocol,
test_linked_data and test_limits (ids ending in [engine]).
"""

from __future__ import annotations

import http.client
import re
import shutil
import socket
import socketserver
import threading
import time
from csv import DictReader, DictWriter
from datetime import date
from urllib.parse import unquote_plus, urlsplit

import pytest
import requests

from kfl_lod.build import build
from kfl_lod.remote import control_graph, release_graph
from support import free_port, kfl_load, oxigraph_server

pytestmark = pytest.mark.server

BASE = "https://kfl.krakow.pl/"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
NAME = "SELECT ?n WHERE { <space/ckp-ruczaj-sala-widowiskowa> schema:name ?n }"
SPACES = "SELECT ?s ?n WHERE { ?s a kfl:Space ; schema:name ?n } ORDER BY ?s"
GRAPH = "CONSTRUCT { ?s schema:name ?n } WHERE { ?s a kfl:Space ; schema:name ?n }"
# Two patterns crossed and filtered: ~15 M pairs, stopped by an engine's 1 s limit.
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f FILTER(STR(?c) < STR(?f)) }"
JSON = "application/sparql-results+json"


def sparql(url: str, query: str, accept: str = JSON, timeout: float = 30, **params) -> requests.Response:
    return requests.post(url + "/sparql", data={"query": query, **params}, headers={"Accept": accept}, timeout=timeout)


def graph_status(engine: str, graph: str) -> int:
    """The engine's Graph Store Protocol status for a graph (200 there, 404 not)."""
    return requests.get(
        engine + "/store", params={"graph": graph}, headers={"Accept": "application/n-triples"}
    ).status_code


# --- a proxy that breaks answers ----------------------------------------------------------------


class Breaker:
    """HTTP proxy to ``upstream``; ``# break:MODE`` in a query (or ``.mode`` for every request) breaks the answer."""

    def __init__(self, upstream: str) -> None:
        self.upstream = urlsplit(upstream)
        self.mode: str | None = None
        self.seen: list[str] = []
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                outer._handle(self.request)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handle(self, sock: socket.socket) -> None:
        reader = sock.makefile("rb")
        while True:  # keep-alive: one request after another on the connection
            line = reader.readline()
            if not line:
                return
            method, target, _ = line.decode("latin-1").split(" ", 2)
            headers: dict[str, str] = {}
            while (h := reader.readline()) not in (b"\r\n", b"\n", b""):
                name, _, value = h.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            body = reader.read(int(headers.get("content-length", "0") or 0))
            found = re.search(r"#\s*break:([\w-]+)", unquote_plus(body.decode("utf-8", "replace")))
            mode = found.group(1) if found else self.mode
            self.seen.append(mode or "pass")
            if mode == "hang":
                time.sleep(8)
                return sock.close()
            if mode and mode.startswith("status-"):
                code = int(mode.split("-")[1])
                text = b"engine says: " + mode.encode()
                sock.sendall(
                    f"HTTP/1.1 {code} Error\r\nContent-Type: text/plain\r\nContent-Length: {len(text)}\r\n\r\n".encode()
                    + text
                )
                continue
            conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=30)
            forward = {k: v for k, v in headers.items() if k not in ("host", "connection", "content-length")}
            conn.request(method, target, body=body or None, headers=forward)
            answer = conn.getresponse()
            data = answer.read()
            kind = answer.getheader("Content-Type", "text/plain")
            status = f"HTTP/1.1 {answer.status} {answer.reason}\r\nContent-Type: {kind}\r\n"
            conn.close()
            half = len(data) // 2
            if mode == "short":  # Content-Length says more than comes
                sock.sendall(f"{status}Content-Length: {len(data)}\r\n\r\n".encode() + data[:half])
                return sock.close()
            if mode == "chunk-cut":  # a chunked body whose last chunk never comes
                sock.sendall(f"{status}Transfer-Encoding: chunked\r\n\r\n{half:x}\r\n".encode() + data[:half] + b"\r\n")
                return sock.close()
            if mode == "framed-cut":  # framing says whole, the body is cut within a line
                cut = data.index(b"\n", half) + 6 if b"\n" in data[half:] else half
                sock.sendall(f"{status}Content-Length: {cut}\r\n\r\n".encode() + data[:cut])
                continue
            if mode == "reset":  # the connection breaks in the middle of the body
                sock.sendall(f"{status}Transfer-Encoding: chunked\r\n\r\n{half:x}\r\n".encode() + data[:half] + b"\r\n")
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                return sock.close()
            if mode in ("unframed", "unframed-lines"):  # the body ends when the connection closes
                if mode == "unframed-lines":
                    data = data[: data.rindex(b"\n", 0, half) + 1]
                sock.sendall(f"{status}Connection: close\r\n\r\n".encode() + data)
                return sock.close()
            sock.sendall(f"{status}Content-Length: {len(data)}\r\n\r\n".encode() + data)


@pytest.fixture(scope="module")
def engine(published):
    """A module's own oxigraph serve (1 s query limit of its own), loaded with the shared publication."""
    with oxigraph_server(timeout_s=1) as url:
        done = kfl_load(published, url)
        assert done.returncode == 0, done.stderr
        yield url


@pytest.fixture(scope="module")
def breaker(engine):
    proxy = Breaker(engine)
    yield proxy
    proxy.close()


@pytest.fixture(scope="module")
def behind(published, breaker, start_module_server):
    """`kfl-lod serve --store` whose engine answers through the Breaker; our own limit 3 s, 1 query a client."""
    return start_module_server(
        published.replace(store=breaker.url, query_timeout=3, query_client_limit=1, store_poll=0.3)
    )


# --- answers cut or broken never pass for whole ones ----------------------------------------------


@pytest.mark.parametrize("mode", ["short", "chunk-cut", "framed-cut", "reset"])
@pytest.mark.parametrize("query", [SPACES, GRAPH], ids=["select", "construct"])
def test_an_engine_answer_cut_or_broken_is_never_passed_on(behind, breaker, mode, query):
    whole = sparql(behind, query, "text/csv" if query is SPACES else "application/n-triples")
    assert whole.status_code == 200 and whole.text.count("\n") > 20
    breaker.seen.clear()
    r = sparql(behind, query + f"\n# break:{mode}\n", "text/csv" if query is SPACES else "application/n-triples")
    assert mode in breaker.seen  # (the server's look at the control graph passes through too)
    assert r.status_code == 502, r.text
    assert r.headers["Content-Type"].startswith("text/plain")
    assert "cut off or malformed" in r.text and "no part of it is sent" in r.text
    assert "127.0.0.1" not in r.text  # the engine's address is not the public's business
    assert sparql(behind, query, "text/csv" if query is SPACES else "application/n-triples").text == whole.text


def test_an_answer_without_framing_passes_only_when_its_format_shows_its_end(behind, breaker):
    whole = sparql(behind, SPACES)
    # SPARQL JSON ends with its closing brackets: read to the connection's end, checked whole.
    unframed = sparql(behind, SPACES + "\n# break:unframed\n")
    assert unframed.status_code == 200 and unframed.json() == whole.json()
    # N-Triples cut at a line's end would still parse: without framing it cannot be trusted.
    for mode in ("unframed", "unframed-lines"):
        r = sparql(behind, GRAPH + f"\n# break:{mode}\n", "application/n-triples")
        assert r.status_code == 502 and "could not be told from a whole one" in r.text


def test_the_engines_own_time_limit_in_a_200_body_is_our_503(behind):
    """oxigraph serve writes "The SPARQL operation has been cancelled" into a 200 it already began."""
    started = time.monotonic()
    r = sparql(behind, HEAVY)
    assert r.status_code == 503, r.text
    assert "stopped the query at its own time limit" in r.text
    assert r.headers["Retry-After"] == "5"
    assert time.monotonic() - started < 3  # the engine's 1 s, not our 3 s
    assert sparql(behind, COUNT).status_code == 200


def test_an_engine_that_does_not_answer_is_stopped_at_our_timeout(behind):
    started = time.monotonic()
    r = sparql(behind, COUNT + "\n# break:hang\n")
    took = time.monotonic() - started
    assert r.status_code == 503 and "longer than 3 s (setting query_timeout)" in r.text
    assert 2.9 < took < 6
    assert sparql(behind, COUNT).status_code == 200  # the slot's connection was replaced


@pytest.mark.parametrize(
    "mode, status, words",
    [
        ("status-500", 502, "The SPARQL engine failed on this query (HTTP 500): engine says: status-500"),
        ("status-404", 502, "(HTTP 404)"),
        ("status-401", 502, "refused it access"),
        ("status-503", 503, "busy or unavailable right now (HTTP 503)"),
        ("status-504", 503, "stopped the query at its own time limit"),
    ],
)
def test_engine_errors_map_to_our_documented_answers(behind, mode, status, words):
    r = sparql(behind, COUNT + f"\n# break:{mode}\n")
    assert r.status_code == status and words in r.text, r.text
    if status == 503:
        assert r.headers["Retry-After"] == "5"


def test_a_malformed_query_gets_the_engines_message_at_the_clients_line(behind):
    r = sparql(behind, "SELECT * WHERE {\n  ?s ?p \n}")
    assert r.status_code == 400
    assert r.text.startswith("Malformed query (the SPARQL engine says): error at 3:")  # line 3, as the client wrote it


def test_per_client_fairness_holds_in_front_of_the_engine(behind):
    """query_client_limit 1: a second query of the same client while one runs is 429; others go on."""
    results: list[requests.Response] = []
    slow = threading.Thread(target=lambda: results.append(sparql(behind, COUNT + "\n# break:hang\n")))
    slow.start()
    time.sleep(0.5)
    second = sparql(behind, COUNT + "\n# not answered before: no answer cache\n")
    slow.join()
    assert second.status_code == 429 and second.headers["Retry-After"] == "2"
    assert results[0].status_code == 503
    assert sparql(behind, COUNT).status_code == 200


def test_healthz_names_the_engine_and_its_graph(behind):
    health = requests.get(behind + "/healthz", timeout=10).json()
    assert health["status"] == "ok"
    engine = health["engine"]
    assert engine["graph"] == release_graph(BASE, health["release"])
    assert engine["serves"] == health["release"] and "error" not in engine
    assert engine["url"].endswith("/query")


# --- loading ------------------------------------------------------------------------------------


def _release(tmp_path, published, name: str, day: int):
    """A publication of its own whose ckp-ruczaj hall is called ``name`` (a new release each call)."""
    source = tmp_path / "source"
    if not source.exists():
        shutil.copytree(published.source, source)
    settings = published.replace(source=source, published=tmp_path / "published")
    path = source / "przestrzenie.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(DictReader(fh))
    for row in rows:
        if row["id"] == "ckp-ruczaj-sala-widowiskowa":
            row["nazwa"] = name
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = build(settings, today=date(2026, 3, day))
    assert result.report.conforms
    return settings, (settings.published / "latest").resolve().name


def test_load_dry_run_says_what_it_would_do_and_changes_nothing(published):
    with oxigraph_server() as url:
        done = kfl_load(published, url, "--dry-run")
        assert done.returncode == 0, done.stderr
        release = (published.published / "latest").resolve().name
        graph = release_graph(BASE, release)
        assert "Dry run: nothing was changed in the engine." in done.stdout
        assert "Próba (--dry-run): w silniku nic nie zmieniono." in done.stdout
        assert f"Would load release {release}: " in done.stdout and f"<{graph}>" in done.stdout
        assert f"Would switch: the served graph is now <{graph}> (before: none)" in done.stdout
        assert graph_status(url, graph) == 404 and graph_status(url, control_graph(BASE)) == 404
        count = requests.get(url + "/query", params={"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"})
        assert count.json()["results"]["bindings"][0]["n"]["value"] == "0"


def test_load_switches_keeps_the_previous_graph_and_drops_older_ones(tmp_path, published):
    with oxigraph_server() as url:
        graphs = []
        for day, name in ((3, "Sala A"), (4, "Sala B"), (5, "Sala C")):
            settings, release = _release(tmp_path, published, name, day)
            done = kfl_load(settings, url)
            assert done.returncode == 0, done.stderr
            graphs.append(release_graph(BASE, release))
            assert f"Switched: the served graph is now <{graphs[-1]}>" in done.stdout
            assert f"Przełączono: serwowany graf to teraz <{graphs[-1]}>" in done.stdout
        assert f"Kept the previous graph <{graphs[1]}>" in done.stdout
        assert f"Dropped the old graph <{graphs[0]}>" in done.stdout
        assert [graph_status(url, g) for g in graphs] == [404, 200, 200]
        control = requests.get(
            url + "/store", params={"graph": control_graph(BASE)}, headers={"Accept": "application/n-triples"}
        )
        assert f"<{BASE}dataset> <{BASE}def/servedGraph> <{graphs[2]}> ." in control.text
        again = kfl_load(settings, url)
        assert again.returncode == 0 and "is already served" in again.stdout
        as_json = kfl_load(settings, url, "--dry-run", "--json")
        assert '"dry_run": true' in as_json.stdout


def test_load_errors_name_the_url_and_status_without_a_traceback(published, tmp_path):
    dead = f"http://127.0.0.1:{free_port()}"
    done = kfl_load(published, dead)
    assert done.returncode == 2
    assert f"Cannot reach the SPARQL engine at {dead}/query: connection refused" in done.stderr
    assert f"Nie można połączyć się z silnikiem SPARQL pod {dead}/query" in done.stderr
    with oxigraph_server() as url:
        proxy = Breaker(url)
        try:
            for status, words in ((401, "refused access (HTTP 401)"), (500, "answered HTTP 500: engine says")):
                proxy.mode = f"status-{status}"
                done = kfl_load(published, proxy.url.replace("http://", "http://kfl:secret@"))
                assert done.returncode == 2 and words in done.stderr and f"{proxy.url}/query" in done.stderr
                assert "secret" not in done.stderr and "Traceback" not in done.stderr
            proxy.mode = None
            empty = kfl_load(published.replace(published=tmp_path / "nothing"), proxy.url)
            assert empty.returncode == 2 and "Nothing is published in" in empty.stderr
            assert "Traceback" not in empty.stderr
        finally:
            proxy.close()


@pytest.mark.slow
def test_readers_see_one_whole_release_before_and_after_a_switch(tmp_path, published, start_server):
    """Clients ask all through `kfl-lod load`: each answer is wholly release A or wholly B, never a mix."""
    settings, first = _release(tmp_path, published, "Sala A", 3)
    with oxigraph_server() as url:
        assert kfl_load(settings, url).returncode == 0
        server = start_server(settings.replace(store=url, store_poll=0.2))
        counts = {}
        for name in ("Sala A",):
            counts[name] = int(sparql(server, COUNT).json()["results"]["bindings"][0]["n"]["value"])
        settings, second = _release(tmp_path, published, "Sala B, większa", 4)
        seen: list[tuple[str, str, str]] = []
        stop = threading.Event()

        def read() -> None:
            with requests.Session() as session:
                while not stop.is_set():
                    r = session.post(server + "/sparql", data={"query": NAME}, headers={"Accept": JSON}, timeout=30)
                    page = session.get(server + "/space/ckp-ruczaj-sala-widowiskowa.nt", timeout=30)
                    seen.append(
                        (r.headers["X-KFL-Release"], r.json()["results"]["bindings"][0]["n"]["value"], "sparql")
                    )
                    seen.append(
                        (page.headers["X-KFL-Release"], "Sala B" if "Sala B" in page.text else "Sala A", "page")
                    )

        readers = [threading.Thread(target=read) for _ in range(3)]
        for t in readers:
            t.start()
        time.sleep(0.5)
        done = kfl_load(settings, url)
        switched = time.monotonic()
        assert done.returncode == 0, done.stderr
        while time.monotonic() - switched < 3:
            time.sleep(0.1)
        stop.set()
        for t in readers:
            t.join()
        names = {first: "Sala A", second: "Sala B, większa"}
        for release, value, _ in seen:
            assert value.startswith(names[release][:6]), (release, value)
        assert {release for release, _, _ in seen} == {first, second}
        assert seen[-1][0] == second and seen[-2][0] == second
        health = requests.get(server + "/healthz", timeout=10).json()
        assert health["release"] == second and health["engine"]["graph"] == release_graph(BASE, second)
        assert graph_status(url, release_graph(BASE, first)) == 200  # kept: requests begun before may use it


def test_an_engine_that_comes_up_later_is_followed_and_pages_answer_meanwhile(published, start_server):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(published.replace(store=url, store_poll=0.2))
    r = sparql(server, COUNT)
    assert r.status_code == 503 and "cannot be reached" in r.text and r.headers["Retry-After"] == "5"
    assert requests.get(server + "/space/ckp-ruczaj-sala-widowiskowa.html", timeout=10).status_code == 200
    health = requests.get(server + "/healthz", timeout=10).json()
    assert health["status"] == "degraded" and "Cannot reach the SPARQL engine" in health["engine"]["error"]
    with oxigraph_server(port=port) as engine:
        deadline = time.monotonic() + 5
        while "cannot be reached" in (r := sparql(server, COUNT)).text:  # until the server looks again
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert r.status_code == 503 and "holds no release of this publication yet" in r.text
        assert kfl_load(published, engine).returncode == 0
        deadline = time.monotonic() + 5
        while sparql(server, COUNT).status_code != 200:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert requests.get(server + "/healthz", timeout=10).json()["status"] == "ok"


def test_kfl_lod_query_asks_the_engine_as_the_server_does(published, engine):
    import os
    import subprocess
    import sys

    from support import settings_env

    env = {k: v for k, v in os.environ.items() if not k.startswith("KFL_")}
    env.update(settings_env(published))

    def query(*options: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "kfl_lod.cli", "query", SPACES, *options]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)

    embedded, external = query(), query("--store", engine)
    assert external.returncode == 0 and external.stdout == embedded.stdout and external.stdout.count("\n") > 20
    cut = query("--store", engine, "--format", "csv")
    assert cut.returncode == 0 and cut.stdout.startswith("s,n\n")  # (text mode reads CSV's CRLF as a newline)
