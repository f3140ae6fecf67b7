"""Names of the published files and folders and their media types: stated here once.

Imports nothing of ours, so every layer (publishing, store, web) may use it.
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

# Folders of the publication (see publish.py for the layout).
RELEASES = "releases"  # releases/<version>/: every file of one release
LATEST = "latest"  # symlink to the release being served

# The data.
TURTLE = "kfl.ttl"
NTRIPLES = "kfl.nt"
JSONLD = "kfl.jsonld"
CONTEXT = "context.jsonld"
CSV = "kfl.csv"
CSV_METADATA = "kfl.csv-metadata.json"  # CSVW's default name for kfl.csv's metadata
GEOJSON = "kfl.geojson"
XLSX = "kfl.xlsx"  # the rooms table of kfl.csv for Excel users
# Its descriptions.
SHACL_REPORT = "shacl-report.ttl"
VOID_TURTLE = "void.ttl"
VOID_NTRIPLES = "void.nt"
VOID_FILES = (VOID_TURTLE, VOID_NTRIPLES)
CATALOG_TURTLE = "catalog.ttl"
CATALOG_RDFXML = "catalog.rdf"
CATALOG_JSONLD = "catalog.jsonld"
CATALOG_NTRIPLES = "catalog.nt"
CATALOG_FILES = (CATALOG_TURTLE, CATALOG_RDFXML, CATALOG_JSONLD, CATALOG_NTRIPLES)
CHANGES = "changes.json"
SUMS = "SHA256SUMS"
# What the SPARQL store loads, each into its own named graph.
STORE_FILES = (NTRIPLES, CATALOG_NTRIPLES, VOID_NTRIPLES)

_MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
    ".trig": "application/trig",
    ".jsonld": "application/ld+json",
    ".json": "application/json",
    ".csv": "text/csv",
    ".geojson": "application/geo+json",
    ".rdf": "application/rdf+xml",
    ".xml": "application/xml",
    ".html": "text/html",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def media_type(name: str) -> str:
    """The media type of a published file, by its name, without parameters.

    >>> media_type("kfl.csv-metadata.json"), media_type("kfl.nt"), media_type("SHA256SUMS")
    ('application/csvm+json', 'application/n-triples', 'text/plain')
    """
    if name.endswith("-metadata.json"):
        return "application/csvm+json"
    if name == SUMS:
        return "text/plain"
    return (
        _MEDIA_TYPES.get(PurePath(name).suffix.lower()) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    )


def content_type(name: str) -> str:
    """The Content-Type header of a published file: text types say UTF-8.

    >>> content_type("kfl.ttl"), content_type("kfl.jsonld")
    ('text/turtle; charset=utf-8', 'application/ld+json')
    """
    media = media_type(name)
    return f"{media}; charset=utf-8" if media.startswith("text/") else media
