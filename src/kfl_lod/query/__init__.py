"""The SPARQL query engine the server and the shell share.

- ``text``: look at a request's keywords (form, updates, SERVICE) before it runs
- ``formats``: result formats and content negotiation
- ``results``: writers for SPARQL JSON, XML, CSV, TSV and graphs, with a row cap
- ``engine``: run one query on a store (inside a query process)
- ``pool``: the query processes (timeout that really stops work, crash survival)
"""
