"""Open the published data as a SPARQL store (pyoxigraph); query and describe.

The web pages, the linked-data documents and the SPARQL endpoint all read the same
published N-Triples through this module: there is no second copy of the data.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from . import release_record as records_file
from .names import LATEST, NTRIPLES, STORE_FILES
from .namespaces import DCAT, DCTERMS, RDFS, SCHEMA, SKOS, XSD


def publication_folder(published: Path) -> Path:
    """The folder of the release being served: ``published/latest``, else ``published`` itself."""
    folder = Path(published) / LATEST
    return folder if folder.is_dir() else Path(published)


# A large release is also kept as an Oxigraph database (RocksDB) in this folder inside the release:
# opened read-only in 0.1 s whatever its size, and shared by every process through the page cache,
# where loading N-Triples into memory takes seconds per million triples in each process.
PREPARED = ".store"
PREPARE_BYTES = 8_000_000  # the N-Triples size (about 60,000 triples) from which a build prepares it


def open_store(published: Path, graph: str | None = None, folder: str | Path | None = None) -> ox.Store:
    """Open the latest publication (or the release in ``folder``): the prepared database if there is one, else in memory.

    The data goes into the default graph; with ``graph``, also into the named graph of
    that IRI, so SPARQL clients can name it in FROM, GRAPH or the protocol's
    default-graph-uri / named-graph-uri.

    >>> store = open_store(Path("published"))  # doctest: +SKIP
    """
    return open_release(Path(folder) if folder else publication_folder(published), graph)


def open_release(folder: Path, graph: str | None = None) -> ox.Store:
    """Open the release whose files are in ``folder`` (see open_store)."""
    prepared = folder / PREPARED
    if prepared.is_dir():
        store = ox.Store.read_only(str(prepared))
        if not graph or store.contains_named_graph(ox.NamedNode(graph)):
            return store
    return _load(ox.Store(), folder, graph)


def _load(store: ox.Store, folder: Path, graph: str | None) -> ox.Store:
    for name in STORE_FILES:
        path = folder / name
        if path.exists():
            store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
            if graph:
                store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    return store


def prepare(folder: Path, graph: str, min_bytes: int = PREPARE_BYTES) -> Path | None:
    """Write the release in ``folder`` as an on-disk store for open_store, if it is large enough.

    Written aside and renamed into place, so a reader sees the whole database or none; a
    release that already has one keeps it. Returns the database folder, or None when the
    release is small (loading it into memory is then as fast).
    """
    folder = Path(folder)
    target = folder / PREPARED
    data = sum((folder / name).stat().st_size for name in STORE_FILES if (folder / name).exists())
    if target.is_dir() or data < min_bytes:
        return target if target.is_dir() else None
    aside = folder / f"{PREPARED}-{os.getpid()}"
    shutil.rmtree(aside, ignore_errors=True)
    store = _load(ox.Store(str(aside)), folder, graph)
    store.flush()  # not optimize(): it made the database no faster to open or query, and took 25 % more time
    del store  # closes the database before it is renamed
    try:
        os.rename(aside, target)
    except OSError:  # another process prepared it first
        shutil.rmtree(aside, ignore_errors=True)
    return target


class Preparing:
    """A release's on-disk store (see :func:`prepare`), written while the build writes the other files.

    The data's N-Triples are loaded in a thread: pyoxigraph lets go of Python's lock while it
    loads, so the build's Python work goes on on the other core. :meth:`finish` adds the files
    written later (catalog, VoID) and moves the database into the published release, as
    :func:`prepare` would have written it. It works in ``work`` (a folder on the same file
    system as the release: the publication's), under a name no reader looks at.
    """

    PREFIX = ".prepare-store-"

    def __init__(
        self,
        work: Path,
        ntriples: bytes,
        graph: str,
        min_bytes: int | None = None,
        then: Callable[[], None] | None = None,
    ) -> None:
        """Start loading ``ntriples``; ``then`` is called once that is done (at once if nothing is loaded)."""
        self.graph = graph
        self._then = then
        self.min_bytes = PREPARE_BYTES if min_bytes is None else min_bytes
        self.aside = Path(work) / f"{self.PREFIX}{os.getpid()}"
        self.error: BaseException | None = None
        self._store: ox.Store | None = None
        self._thread: threading.Thread | None = None
        if len(ntriples) < self.min_bytes:
            self._done()
            return  # small: nothing to prepare (finish says so as prepare does)
        Path(work).mkdir(parents=True, exist_ok=True)
        for stale in Path(work).glob(f"{self.PREFIX}*"):  # a killed build's
            shutil.rmtree(stale, ignore_errors=True)
        self._thread = threading.Thread(target=self._load, args=(ntriples,), name="prepare-store", daemon=True)
        self._thread.start()

    def _load(self, ntriples: bytes) -> None:
        try:
            store = ox.Store(str(self.aside))
            store.bulk_load(input=ntriples, format=ox.RdfFormat.N_TRIPLES)
            store.bulk_load(input=ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(self.graph))
            self._store = store
        except Exception as exc:  # noqa: BLE001 - finish() falls back to prepare()
            self.error = exc
        self._done()

    def _done(self) -> None:
        then, self._then = self._then, None
        if then is not None:
            try:
                then()
            except Exception:  # noqa: BLE001 - the next step's own work: it says itself what went wrong
                pass

    def finish(self, folder: Path) -> Path | None:
        """Put the database in the release in ``folder``; return it (None for a small release)."""
        folder = Path(folder)
        if self._thread is None:
            return prepare(folder, self.graph, self.min_bytes)
        self._thread.join()
        store, self._store = self._store, None
        target = folder / PREPARED
        if store is None or target.is_dir():  # it failed, or the release (unchanged) has one
            del store
            shutil.rmtree(self.aside, ignore_errors=True)
            return target if target.is_dir() else prepare(folder, self.graph, self.min_bytes)
        for name in STORE_FILES:
            path = folder / name
            if name != NTRIPLES and path.exists():
                store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
                store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(self.graph))
        store.flush()
        del store  # closes the database before it is renamed
        try:
            os.rename(self.aside, target)
        except OSError:  # another process prepared it first
            shutil.rmtree(self.aside, ignore_errors=True)
        return target

    def cancel(self) -> None:
        """Drop the work (the build published nothing)."""
        if self._thread is not None:
            self._thread.join()
        self._store = None
        shutil.rmtree(self.aside, ignore_errors=True)


def dataset_graph(base: str) -> str:
    """The IRI that names the published data as a graph: the dataset's own IRI.

    >>> dataset_graph("https://kfl.krakow.pl/")
    'https://kfl.krakow.pl/dataset'
    """
    return base + "dataset"


def store_loader(published: Path, base: str):
    """A picklable function that opens the store the SPARQL endpoint queries."""
    return functools.partial(open_store, Path(published), dataset_graph(base))


# pyoxigraph (0.5.13) stores every literal of a type derived from xsd:integer as xsd:integer:
# "5"^^xsd:nonNegativeInteger goes in and "5"^^xsd:integer comes out of every query. The published
# files keep the datatype the vocabulary gives (DCAT 3 and DCAT-AP 3.0.1: dcat:byteSize is
# xsd:nonNegativeInteger), so every triple read out of the store gets it back here (CONSTRUCT,
# DESCRIBE, resource documents): a client then finds one value per fact, whatever it loads.
# SELECT bindings have no predicate to go by and stay xsd:integer (docs/server.md, "Known limits").
PUBLISHED_DATATYPES: dict[str, str] = {DCAT + "byteSize": XSD + "nonNegativeInteger"}
_XSD_INTEGER = XSD + "integer"
_NATURAL = frozenset("0123456789")


def as_published(triple: ox.Triple) -> ox.Triple:
    """The triple with the datatype the published files give its literal, where the store folded it.

    >>> t = ox.Triple(ox.NamedNode("http://e/d"), ox.NamedNode(DCAT + "byteSize"), ox.Literal(5))
    >>> as_published(t).object.datatype.value
    'http://www.w3.org/2001/XMLSchema#nonNegativeInteger'
    """
    datatype = PUBLISHED_DATATYPES.get(triple.predicate.value)
    obj = triple.object
    if (
        datatype is None
        or not isinstance(obj, ox.Literal)
        or obj.datatype.value != _XSD_INTEGER
        or not (obj.value and set(obj.value) <= _NATURAL)  # only values that datatype can hold
    ):
        return triple
    return ox.Triple(triple.subject, triple.predicate, ox.Literal(obj.value, datatype=ox.NamedNode(datatype)))


def triples_about(store: ox.Store, iri: str, fragments: tuple[str, ...] | list[str] = ()) -> list[ox.Triple]:
    """Every triple about ``iri`` and its ``#fragment`` parts, plus names of what they link to.

    >>> s = ox.Store()
    >>> s.add(ox.Quad(ox.NamedNode("http://e/x"), ox.NamedNode("http://e/p"), ox.NamedNode("http://e/x#a")))
    >>> s.add(ox.Quad(ox.NamedNode("http://e/x#a"), ox.NamedNode("http://e/q"), ox.Literal("1")))
    >>> len(triples_about(s, "http://e/x", ["http://e/x#a"]))
    2
    """
    triples: list[ox.Triple] = []
    subjects = [iri, *fragments]
    for subject in subjects:
        for quad in store.quads_for_pattern(ox.NamedNode(subject), None, None, ox.DefaultGraph()):
            triples.append(as_published(ox.Triple(quad.subject, quad.predicate, quad.object)))
    own = set(subjects)
    linked = {t.object.value for t in triples if isinstance(t.object, ox.NamedNode) and t.object.value not in own}
    for target in sorted(linked):
        for predicate in _LABELS:
            for quad in store.quads_for_pattern(ox.NamedNode(target), predicate, None, ox.DefaultGraph()):
                triples.append(ox.Triple(quad.subject, quad.predicate, quad.object))
    return triples


_LABELS = tuple(ox.NamedNode(iri) for iri in (SCHEMA + "name", SKOS + "prefLabel", RDFS + "label", DCTERMS + "title"))


def fragment_index(store: ox.Store) -> dict[str, list[str]]:
    """Map each thing's IRI to the ``#fragment`` IRIs used as subjects under it."""
    index: dict[str, list[str]] = {}
    seen: set[str] = set()
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        subject = quad.subject
        if not isinstance(subject, ox.NamedNode) or subject.value in seen:
            continue
        seen.add(subject.value)
        thing, hash_, _ = subject.value.partition("#")
        if hash_:
            index.setdefault(thing, []).append(subject.value)
    for parts in index.values():
        parts.sort()
    return index


def things(store: ox.Store, base: str) -> set[str]:
    """The IRIs under ``base`` (without fragment) that are described: they dereference."""
    found: set[str] = set()
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(base):
            found.add(quad.subject.value.partition("#")[0])
    return found


# --- the change record of a release: how the web reads it ---------------------------------------


def change_record(published: Path) -> dict[str, Any] | None:
    """The change record (changes.json) of the release being served, if there is one."""
    return records_file.latest(published)


def release_record(folder: Path) -> dict[str, Any] | None:
    """The change record kept in one release's folder, if it has one and it reads."""
    return records_file.load(folder)


def withdrawn_records(published: Path) -> dict[str, dict[str, Any]]:
    """Every IRI published once and withdrawn since, with when (for 410 Gone)."""
    return records_file.withdrawn(published)


def release_notes(release: dict[str, Any], lang: str) -> str:
    """What changed in a release, in a few words, in ``lang`` ("pl" or "en")."""
    pl, en = records_file.notes(release)
    return en if lang == "en" else pl
