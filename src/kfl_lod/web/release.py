"""One object per served release: its store, indexes, change record, withdrawn list and answers.

A request takes the release once, when it starts (``Releases.current()``), and answers
wholly from it: the store it queries, the files it reads (from the release's own folder,
``published/releases/{name}/``, never through ``latest`` that may move meanwhile), the
``X-KFL-Release``, ``ETag`` and ``Last-Modified`` it sends, and the answer cache it fills.
When ``published/latest`` is switched, the next request gets a new Release; requests still
running finish on the old one, which goes away with them. Everything derived from a
release is computed lazily, once, and dies with it, so no cache can outlive its release.

The store is reached only through ``Release.store``. With an external SPARQL engine
(setting ``store``), the engine's control graph says which release is served (``kfl-lod
load`` switches it): Releases follows it, looked at by a thread every ``store_poll``
seconds, and the release's ``graph`` is the named graph its SPARQL answers come from. The
pages, documents and search still read the release's own files (``published/releases/
{name}/``, the same N-Triples that were loaded), so they need no round trip to the engine.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from ..names import LATEST
from ..pages_index import triple_count
from ..remote import Engine, Watch
from ..store import STORE_FILES, open_release, publication_folder, release_record


class AnswerCache:
    """Whole answers (status, headers, body) of one release, by request key; least recently used go first."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024, max_entry: int = 4 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self.max_entry = max_entry
        self.size = 0
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[tuple, tuple[int, list[tuple[str, str]], bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple[int, list[tuple[str, str]], bytes] | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item

    def put(self, key: tuple, answer: tuple[int, list[tuple[str, str]], bytes]) -> None:
        size = len(answer[2]) + 200 + sum(len(k) + len(v) for k, v in answer[1])
        if size > self.max_entry:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= len(old[2]) + 200 + sum(len(k) + len(v) for k, v in old[1])
            self._items[key] = answer
            self.size += size
            while self.size > self.max_bytes and self._items:
                _, dropped = self._items.popitem(last=False)
                self.size -= len(dropped[2]) + 200 + sum(len(k) + len(v) for k, v in dropped[1])

    def __len__(self) -> int:
        return len(self._items)


class Release:
    """One release as the web serves it (see module doc)."""

    def __init__(self, published: Path, key: str, name: str, folder: Path, base: str, graph: str = "") -> None:
        self.published = Path(published)
        self.graph = graph  # external engine: the named graph its SPARQL answers come from ("" : none)
        self.key = key  # changes whenever anything the answers depend on changes
        self.name = name  # e.g. 2026-03-02-1a2b3c4d; "" for a publication without releases
        self.folder = folder  # the release's own folder (resolved), where its files are read
        self.base = base
        self.answers = AnswerCache()
        self._lock = threading.Lock()  # guards _locks
        self._locks: dict[str, threading.RLock] = {}
        self._values: dict[str, Any] = {}
        try:
            stamp = max((folder / n).stat().st_mtime for n in STORE_FILES if (folder / n).exists())
        except ValueError:
            stamp = 0.0
        self.modified = datetime.fromtimestamp(int(stamp), tz=UTC)
        self.last_modified = format_datetime(self.modified, usegmt=True)

    def derived(self, name: str, make: Callable[[Release], Any], wait: float | None = None) -> Any:
        """A value computed from this release once (thread-safe), e.g. an index of its things.

        While another thread computes it, wait for it at most ``wait`` seconds (None: as long as
        it takes), then raise TimeoutError.
        """
        try:
            return self._values[name]
        except KeyError:
            pass
        # One lock per value: a slow one (the documents' index of a large release) must not hold
        # up a quick one (/healthz's count), or every load balancer's check waits out a switch.
        with self._lock:
            lock = self._locks.setdefault(name, threading.RLock())
        if not lock.acquire(timeout=-1 if wait is None else wait):
            raise TimeoutError(f"{name} of release {self.name or self.folder} is still being prepared")
        try:
            if name not in self._values:
                self._values[name] = make(self)
            return self._values[name]
        finally:
            lock.release()

    @property
    def store(self):
        """The release's data as a read-only SPARQL store (pyoxigraph), loaded on first use."""
        return self.derived("store", lambda r: open_release(r.folder))

    @property
    def loaded(self) -> bool:
        """Whether the store has been loaded (and counted) already."""
        return "triples" in self._values

    @property
    def triples(self) -> int:
        """The statements the store answers from (its default graph), counted once and cheaply.

        Opens the store (healthy means it can be queried), then counts the published files it
        loads (see pages_index.triple_count), not the store: a prepared store holds the data
        twice (default and dataset graph), and counting it reads all of it.
        """
        return self.derived("triples", _count)

    @property
    def record(self) -> dict[str, Any] | None:
        """The change record kept in the release (changes.json), if any."""
        return self.derived("record", lambda r: release_record(r.folder))

    @property
    def withdrawn(self) -> dict[str, dict[str, Any]]:
        """Every IRI published once and withdrawn since, with when (for 410 Gone)."""
        return self.derived("withdrawn", lambda r: dict((r.record or {}).get("withdrawn_total", {})))

    def file(self, name: str) -> Path:
        """A file of this release (whether or not it exists)."""
        return self.folder / name

    def etag(self, digest: str) -> str:
        """A strong ETag naming this release and the bytes (``"2026-03-02-1a2b3c4d.<digest>"``)."""
        return f'"{self.name or "none"}.{digest}"'


def _count(release: Release) -> int:
    store = release.store
    counted = triple_count(release.folder)
    return len(store) if counted is None else counted


class Releases:
    """The release being served now; a new Release when ``published/latest`` moves.

    With ``store`` (an external engine), the release the engine's control graph names, once
    this server has its files; until the engine has been read (or when it names none), the
    published latest, without a graph (SPARQL then answers 503 saying why).
    """

    def __init__(
        self, published: Path, base: str, store: str = "", store_graphs: str = "", store_poll: float = 1.0
    ) -> None:
        self.published = Path(published)
        self.base = base
        self._root = str(self.published)
        self._link = str(self.published / LATEST)
        self._current: Release | None = None
        self._lock = threading.Lock()
        self.engine = Engine.at(store, store_graphs) if store else None
        self._poll = store_poll
        self._watch: Watch | None = None
        self._watch_pid = 0

    @property
    def watch(self) -> Watch | None:
        """What the external engine serves (a thread per server process looks), or None without one."""
        if self.engine is None:
            return None
        if self._watch is None or self._watch_pid != os.getpid():  # a forked worker starts its own
            with self._lock:
                if self._watch is None or self._watch_pid != os.getpid():
                    self._watch = Watch(self.engine, self.base, self._poll)
                    self._watch_pid = os.getpid()
        return self._watch

    def key(self) -> str:
        """What identifies the served data: the release, and the times its store files were written.

        A settings-only rebuild rewrites the describing files (catalog, VoID) in place,
        without a new release name, so their times count too.
        """
        # Asked once per request: plain strings and os calls (pathlib costs more than the calls).
        link = self._link
        try:
            target = os.readlink(link)
        except OSError:
            target = ""
        folder = link if target else self._root
        engine = self._engine_choice()
        if engine is not None:
            target, folder, graph = engine
        else:
            graph = ""
        stamps = []
        for name in STORE_FILES:
            try:
                stamps.append(str(os.stat(f"{folder}/{name}").st_mtime_ns))
            except OSError:
                stamps.append("-")
        return f"{target}@{'.'.join(stamps)}" + (f"@{graph}" if self.engine is not None else "")

    def _engine_choice(self) -> tuple[str, str, str] | None:
        """The release the engine serves (its folder under releases/, and graph), if this server can serve it."""
        watch = self.watch
        served = watch.served if watch is not None else None
        if served is None or served.current is None:
            return None
        loaded = served.current
        if not loaded.release:
            return "", self._root, loaded.graph
        folder = f"{self._root}/releases/{loaded.release}"
        if not os.path.isdir(folder):
            # The engine serves a release whose files have not reached this server yet: stay on
            # ours while the engine still holds its graph (kfl-lod load keeps the previous one).
            release = self._current
            if release is not None and release.graph in served.graphs:
                return f"releases/{release.name}", str(release.folder), release.graph
            return None
        return f"releases/{loaded.release}", folder, loaded.graph

    def current(self) -> Release:
        """The release requests starting now must be answered from."""
        key = self.key()
        release = self._current
        if release is not None and release.key == key:
            return release
        with self._lock:
            release = self._current
            if release is None or release.key != key:
                release = self._current = self._open(key)
            return release

    def _open(self, key: str) -> Release:
        target, _, rest = key.partition("@")
        graph = rest.partition("@")[2] if self.engine is not None else ""
        name = target.rstrip("/").rpartition("/")[2]
        # The folder ``latest`` pointed to when the key was read, not ``latest`` resolved again: a
        # switch in between would give the old release's name to the new release's files.
        folder = self.published / target if graph or target else publication_folder(self.published)
        try:
            folder = folder.resolve(strict=True)
        except OSError:
            pass
        return Release(self.published, key, name, folder, self.base, graph)

    def engine_note(self) -> str:
        """Why the served release has no graph in the engine (for SPARQL's 503), or ""."""
        watch = self.watch
        if watch is None:
            return ""
        if watch.served is None:
            return "The SPARQL engine cannot be reached right now; try again in a moment."
        if watch.served.current is None:
            return (
                "The SPARQL engine holds no release of this publication yet (an operator loads one with "
                "kfl-lod load); the pages and dumps are served meanwhile."
            )
        return (
            f"The SPARQL engine serves release {watch.served.current.release}, which this server does not have "
            "yet; try again in a moment."
        )
