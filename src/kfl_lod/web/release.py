"""One object per served release: its store, indexes, change record, withdrawn list and answers.

A request takes the release once, when it starts (``Releases.current()``), and answers
wholly from it: the store it queries, the files it reads (from the release's own folder,
``published/releases/{name}/``, never through ``latest`` that may move meanwhile), the
``X-KFL-Release``, ``ETag`` and ``Last-Modified`` it sends, and the answer cache it fills.
When ``published/latest`` is switched, the next request gets a new Release; requests still
running finish on the old one, which goes away with them. Everything derived from a
release is computed lazily, once, and dies with it, so no cache can outlive its release.

The store is reached only through ``Release.store`` (issue 14 may put another store behind
the same attribute).
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

    def __init__(self, published: Path, key: str, name: str, folder: Path, base: str) -> None:
        self.published = Path(published)
        self.key = key  # changes whenever anything the answers depend on changes
        self.name = name  # e.g. 2026-03-02-1a2b3c4d; "" for a publication without releases
        self.folder = folder  # the release's own folder (resolved), where its files are read
        self.base = base
        self.answers = AnswerCache()
        self._lock = threading.RLock()
        self._values: dict[str, Any] = {}
        try:
            stamp = max((folder / n).stat().st_mtime for n in STORE_FILES if (folder / n).exists())
        except ValueError:
            stamp = 0.0
        self.modified = datetime.fromtimestamp(int(stamp), tz=UTC)
        self.last_modified = format_datetime(self.modified, usegmt=True)

    def derived(self, name: str, make: Callable[[Release], Any]) -> Any:
        """A value computed from this release once (thread-safe), e.g. an index of its things."""
        try:
            return self._values[name]
        except KeyError:
            pass
        with self._lock:
            if name not in self._values:
                self._values[name] = make(self)
            return self._values[name]

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
    """The release being served now; a new Release when ``published/latest`` moves."""

    def __init__(self, published: Path, base: str) -> None:
        self.published = Path(published)
        self.base = base
        self._current: Release | None = None
        self._lock = threading.Lock()

    def key(self) -> str:
        """What identifies the served data: the release, and the times its store files were written.

        A settings-only rebuild rewrites the describing files (catalog, VoID) in place,
        without a new release name, so their times count too.
        """
        link = self.published / LATEST
        try:
            target = os.readlink(link)
        except OSError:
            target = ""
        folder = link if target else self.published
        stamps = []
        for name in STORE_FILES:
            try:
                stamps.append(str(os.stat(folder / name).st_mtime_ns))
            except OSError:
                stamps.append("-")
        return f"{target}@{'.'.join(stamps)}"

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
        target = key.partition("@")[0]
        name = target.rstrip("/").rpartition("/")[2]
        folder = publication_folder(self.published)
        try:
            folder = folder.resolve(strict=True)
        except OSError:
            pass
        return Release(self.published, key, name, folder, self.base)
