"""rdflib-endpoint (PyPI) serving a publication's N-Triples: server (d) of bench/bench_serving.py.

Run as ``uvicorn rdflib_endpoint_app:app`` with KFL_BENCH_DUMPS naming the N-Triples files
(os.pathsep-separated); the graph is loaded once at import.
"""

from __future__ import annotations

import os

from rdflib import Graph
from rdflib_endpoint import SparqlEndpoint

graph = Graph()
for path in os.environ["KFL_BENCH_DUMPS"].split(os.pathsep):
    graph.parse(path, format="nt")

app = SparqlEndpoint(graph=graph, path="/", cors_enabled=True)
