"""Open the published data as a SPARQL store (pyoxigraph); query and describe.

The web pages, the linked-data documents and the SPARQL endpoint all read the same
published N-Triples through this module: there is no second copy of the data.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

# The published N-Triples files loaded into the default graph, if present.
STORE_FILES = ("kfl.nt", "catalog.nt", "void.nt")


def open_store(published: Path) -> ox.Store:
    """Load the latest publication into an in-memory store.

    >>> store = open_store(Path("published"))  # doctest: +SKIP
    """
    store = ox.Store()
    folder = Path(published) / "latest"
    if not folder.is_dir():
        folder = Path(published)
    for name in STORE_FILES:
        path = folder / name
        if path.exists():
            store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    return store
