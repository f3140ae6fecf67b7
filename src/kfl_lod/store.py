"""Open the published data as a SPARQL store (pyoxigraph); query and describe.

The web pages, the linked-data documents and the SPARQL endpoint all read the same
published N-Triples through this module: there is no second copy of the data.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pyoxigraph as ox

from .names import LATEST, STORE_FILES
from .namespaces import DCTERMS, RDFS, SCHEMA, SKOS


def publication_folder(published: Path) -> Path:
    """The folder of the release being served: ``published/latest``, else ``published`` itself."""
    folder = Path(published) / LATEST
    return folder if folder.is_dir() else Path(published)


def open_store(published: Path, graph: str | None = None) -> ox.Store:
    """Load the latest publication into an in-memory store.

    The data goes into the default graph; with ``graph``, also into the named graph of
    that IRI, so SPARQL clients can name it in FROM, GRAPH or the protocol's
    default-graph-uri / named-graph-uri.

    >>> store = open_store(Path("published"))  # doctest: +SKIP
    """
    store = ox.Store()
    folder = publication_folder(published)
    for name in STORE_FILES:
        path = folder / name
        if path.exists():
            store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
            if graph:
                store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    return store


def open_graphs(files: dict[str, Path]) -> ox.Store:
    """Load N-Triples files into named graphs (graph IRI -> file), nothing in the default graph.

    Used for datasets made of several graphs, e.g. the W3C protocol tests' data.
    """
    store = ox.Store()
    for graph, path in files.items():
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    return store


def dataset_graph(base: str) -> str:
    """The IRI that names the published data as a graph: the dataset's own IRI.

    >>> dataset_graph("https://kfl.krakow.pl/")
    'https://kfl.krakow.pl/dataset'
    """
    return base + "dataset"


def store_loader(published: Path, base: str):
    """A picklable function that opens the store the SPARQL endpoint queries."""
    return functools.partial(open_store, Path(published), dataset_graph(base))


def describe(store: ox.Store, iri: str, fragments: tuple[str, ...] | list[str] = ()) -> list[ox.Triple]:
    """Every triple about ``iri`` and its ``#fragment`` parts, plus names of what they link to.

    >>> s = ox.Store()
    >>> s.add(ox.Quad(ox.NamedNode("http://e/x"), ox.NamedNode("http://e/p"), ox.NamedNode("http://e/x#a")))
    >>> s.add(ox.Quad(ox.NamedNode("http://e/x#a"), ox.NamedNode("http://e/q"), ox.Literal("1")))
    >>> len(describe(s, "http://e/x", ["http://e/x#a"]))
    2
    """
    triples: list[ox.Triple] = []
    subjects = [iri, *fragments]
    for subject in subjects:
        for quad in store.quads_for_pattern(ox.NamedNode(subject), None, None, ox.DefaultGraph()):
            triples.append(ox.Triple(quad.subject, quad.predicate, quad.object))
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
