"""What the static-export tests share: a publication with a withdrawn space, its export, and the
servers that host it (Python's plain http.server; Debian's nginx with the generated configuration).
"""

from __future__ import annotations

import csv
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
import requests

from kfl_lod.build import build
from kfl_lod.export import export_site
from kfl_lod.settings import Settings
from support import make_settings

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def withdrawn_publication(tmp: Path) -> tuple[Settings, str]:
    """Two releases of the bundled source, the second without one space: (settings, that space's id)."""
    settings = make_settings(tmp)
    build(settings, today=date(2026, 3, 2))
    path = settings.source / "przestrzenie.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = list(reader.fieldnames or []), list(reader)
    with open(settings.source / "dobre_praktyki.csv", encoding="utf-8", newline="") as fh:
        used = {r["przestrzen_id"] for r in csv.DictReader(fh)}
    gone = next(r for r in rows if r["id"] not in used)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(r for r in rows if r is not gone)
    build(settings, today=date(2026, 3, 9))
    return settings, gone["id"]


def wait_for(url: str, proc: subprocess.Popen, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            requests.get(url, timeout=2)
            return
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer within {timeout} s")
        time.sleep(0.05)


@contextmanager
def plain_static_server(root: Path) -> Iterator[str]:
    """``python -m http.server`` serving ``root`` on loopback: a host that knows nothing but files."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/", proc, "http.server")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@contextmanager
def nginx_server(export: Path, tmp: Path) -> Iterator[str]:
    """Debian's nginx on loopback with the export's generated configuration; pid, logs and temp files in ``tmp``."""
    if not Path(NGINX).exists():
        pytest.fail(f"{NGINX} is missing: install Debian's nginx (./dev test installs it)")
    tmp.mkdir(parents=True, exist_ok=True)
    port = free_port()
    # nginx started by root hands requests to an unprivileged user, who could not read pytest's
    # private tmp folders: run the workers as the test's own user.
    user = "user root;\n" if os.geteuid() == 0 else ""
    temps = " ".join(f"{name}_temp_path {tmp}/{name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"""{user}daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    {temps}
    include {export}/nginx/kfl-maps.conf;
    server {{
        listen 127.0.0.1:{port};
        include {export}/nginx/kfl-site.conf;
    }}
}}
""",
        encoding="utf-8",
    )
    check = subprocess.run([NGINX, "-t", "-c", str(conf), "-p", str(tmp)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen(
        [NGINX, "-c", str(conf), "-p", str(tmp)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/", proc, "nginx")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def export_of(settings: Settings, out: Path, sparql: str = "") -> Path:
    export_site(settings, out, sparql=sparql)
    return out


APACHE = shutil.which("apache2") or "/usr/sbin/apache2"
APACHE_MODULES = "/usr/lib/apache2/modules"


@contextmanager
def apache_server(export: Path, tmp: Path) -> Iterator[str]:
    """Debian's Apache 2.4 on loopback serving the export's site/ with its generated .htaccess."""
    if not Path(APACHE).exists():
        pytest.fail(f"{APACHE} is missing: install Debian's apache2-bin (./dev test installs it)")
    tmp.mkdir(parents=True, exist_ok=True)
    port = free_port()
    modules = ["mpm_event", "authz_core", "mime", "rewrite", "headers", "dir", "env"]
    loads = "\n".join(f"LoadModule {m}_module {APACHE_MODULES}/mod_{m}.so" for m in modules)
    # Apache started by root serves as an unprivileged user: the export must be readable by others
    # (export-site makes its folders 0755; the test puts it under a folder anyone may enter).
    user = "User nobody\nGroup nogroup\n" if os.geteuid() == 0 else ""
    conf = tmp / "apache.conf"
    conf.write_text(
        f"""{loads}
ServerRoot {tmp}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {tmp}/apache.pid
ErrorLog {tmp}/error.log
LogLevel warn
Mutex file:{tmp}
{user}TypesConfig /dev/null
DocumentRoot {export}/site
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory {export}/site>
    AllowOverride All
    Require all granted
</Directory>
""",
        encoding="utf-8",
    )
    env = dict(os.environ, APACHE_RUN_DIR=str(tmp), APACHE_LOCK_DIR=str(tmp), APACHE_LOG_DIR=str(tmp))
    check = subprocess.run([APACHE, "-t", "-f", str(conf)], capture_output=True, text=True, env=env)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen(
        [APACHE, "-f", str(conf), "-DFOREGROUND"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/", proc, "apache2")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)
