"""Run the documented deployment (deploy/) on loopback: replicas from the systemd unit, nginx from its site file.

Used by tests/test_replicas.py and bench/bench_replicas.py. The files under deploy/ are used as
written; only what names this machine is replaced: the paths under /srv/kfl-lod and /etc, the
replicas' ports and nginx's ``listen``. nginx runs as the current user with its pid file, logs
and temporary folders in a folder of ours, on a high port.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SITE = DEPLOY / "nginx" / "kfl-lod.conf"
PROXY = DEPLOY / "nginx" / "kfl-lod-proxy.conf"
UNIT = DEPLOY / "systemd" / "kfl-lod@.service"
ENV_FILE = DEPLOY / "systemd" / "kfl-lod.env"
ENGINE_UNIT = DEPLOY / "systemd" / "kfl-lod-engine.service"
PUBLISH_UNIT = DEPLOY / "systemd" / "kfl-lod-publish.service"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    """Wait until ``url``/healthz answers 200 (bounded)."""
    import requests

    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {proc.returncode}")
        try:
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url}: not healthy within {timeout} s")
        time.sleep(0.1)


# --- replicas -----------------------------------------------------------------------------------


def exec_lines(unit: Path, **replace: str) -> list[list[str]]:
    """A unit's ExecStart lines, in order, with ``replace``'s texts replaced and our virtual environment's commands."""
    found = []
    for line in unit.read_text(encoding="utf-8").splitlines():
        if line.startswith("ExecStart="):
            line = line.removeprefix("ExecStart=")
            for old, new in replace.items():
                line = line.replace(old, new)
            args = shlex.split(line)
            args[0] = str(Path(sys.executable).with_name(Path(args[0]).name))
            found.append(args)
    return found


def unit_command(port: int) -> list[str]:
    """The replica unit's ExecStart for instance ``port``, with the virtual environment this Python runs in."""
    return exec_lines(UNIT, **{"%i": str(port)})[0]


def publish_commands(published: Path, source: Path, store: str = "") -> list[list[str]]:
    """kfl-lod-publish.service's commands for this publication (the load only with ``store``)."""
    lines = exec_lines(
        PUBLISH_UNIT,
        **{"/srv/kfl-lod/published": str(published), "/srv/kfl-lod/source": str(source)},
        **({"http://127.0.0.1:7878/": store} if store else {}),
    )
    return [args for args in lines if store or args[1] != "load"]


@contextmanager
def engine(port: int, location: Path, timeout: float = 30.0) -> Iterator[str]:
    """Run the SPARQL engine as kfl-lod-engine.service does, on ``port``; yield its root URL (with a slash)."""
    import requests

    args = exec_lines(ENGINE_UNIT, **{"/srv/kfl-lod/engine": str(location), "127.0.0.1:7878": f"127.0.0.1:{port}"})[0]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the engine exited ({proc.returncode})")
            try:
                if requests.get(url + "query", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the engine is not answering within {timeout} s")
            time.sleep(0.05)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def unit_environment(**settings: str) -> dict[str, str]:
    """The unit's environment file, then ``settings`` (KFL_* names) over it; nothing else KFL_* inherited."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KFL_")}
    for line in ENV_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = value.strip()
    env.update(settings)
    return env


@contextmanager
def replica(port: int, env: dict[str, str], folder: Path, timeout: float = 60.0) -> Iterator[subprocess.Popen]:
    """Run one replica as the unit does (its ExecStart, its environment) until the block ends."""
    folder.mkdir(parents=True, exist_ok=True)
    log = open(folder / f"replica-{port}.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        unit_command(port), cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
    )
    try:
        try:
            wait_healthy(f"http://127.0.0.1:{port}", timeout, proc)
        except RuntimeError as exc:
            log.flush()
            raise RuntimeError(f"{exc}\n{(folder / f'replica-{port}.log').read_text(errors='replace')}") from None
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)  # like systemctl stop
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        log.close()


# --- nginx --------------------------------------------------------------------------------------


def site_config(published: Path, static: Path, replicas: list[int], port: int, proxy_conf: Path) -> str:
    """deploy/nginx/kfl-lod.conf with this machine's paths, the replicas' ports and a loopback listen."""
    text = SITE.read_text(encoding="utf-8")
    servers = re.findall(r"^    server 127\.0\.0\.1:\d+ (.*);$", text, flags=re.M)
    assert servers, "no upstream servers in the site file"
    options = servers[0]
    block = "".join(f"    server 127.0.0.1:{p} {options};\n" for p in replicas)
    text = re.sub(r"(?:^    server 127\.0\.0\.1:\d+ .*;\n)+", block, text, count=1, flags=re.M)
    text = text.replace("listen 80;", f"listen 127.0.0.1:{port};")
    text = text.replace("include snippets/kfl-lod-proxy.conf;", f"include {proxy_conf};")
    text = text.replace("/srv/kfl-lod/published", str(published)).replace("/srv/kfl-lod/static", str(static))
    assert "/srv/kfl-lod" not in text, "a path of the site file is not replaced"
    return text


def nginx_config(folder: Path, published: Path, static: Path, replicas: list[int], port: int) -> Path:
    """A whole nginx.conf around the site file: everything of nginx's own in ``folder``; its path."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / name).mkdir(exist_ok=True)
    proxy_conf = folder / "kfl-lod-proxy.conf"
    shutil.copyfile(PROXY, proxy_conf)
    (folder / "kfl-lod.conf").write_text(site_config(published, static, replicas, port, proxy_conf), encoding="utf-8")
    # As root nginx would hand its workers to "nobody", who cannot read a private folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""{user}worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/kfl-lod.conf;
}}
""",
        encoding="utf-8",
    )
    return conf


@contextmanager
def nginx(conf: Path, port: int, timeout: float = 10.0) -> Iterator[str]:
    """Run nginx on ``conf`` (listening on ``port``) until the block ends; yield its root URL."""
    folder = conf.parent
    # -e: nginx opens its error log before reading the configuration; as a plain user the
    # compiled-in /var/log/nginx/error.log is not writable.
    options = ["-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")]
    check = subprocess.run([NGINX, "-t", *options], capture_output=True, text=True)
    if check.returncode:
        raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
    proc = subprocess.Popen(
        [NGINX, *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"nginx exited:\n{(folder / 'error.log').read_text(errors='replace')}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("nginx not listening") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGQUIT)  # graceful: finish the requests in flight
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def static_folder() -> Path:
    """The installed package's static files (what /srv/kfl-lod/static links to)."""
    import kfl_lod.web

    return Path(kfl_lod.web.__file__).resolve().parent / "static"
