"""The query page of /sparql: YASGUI for browsers with JavaScript, a form and an HTML table without.

The same template serves both. Without JavaScript the form posts the query to /sparql and
the answer comes back on this page as a table (links on IRIs go to our own pages), with
the query kept in the form and any error next to it. With JavaScript the form is replaced
by YASGUI (``@triply/yasgui`` from the npm registry, served by us from static/vendor): an
editor with syntax highlighting, prefix completion from our own prefix list (never
prefix.cc), the examples of ``sparql/`` as tabs, and a sortable, paged results table.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Response, request

from ..namespaces import XSD
from ..query import formats
from ..query.engine import Reply, default_prefixes
from ..query.examples import load_examples
from .describe import compact
from .pages import Page

DEFAULT_QUERY = (
    "PREFIX schema: <https://schema.org/>\nPREFIX kfl: <{base}def/>\n\n"
    "SELECT ?space ?name WHERE {{\n  ?space a kfl:Space ; schema:name ?name .\n}}\nLIMIT 20\n"
)
TAB_TITLE = 40  # characters of an example's question shown on its tab
# The formats offered for download, with the file extension a saved answer gets.
DOWNLOADS = (("csv", "CSV"), ("tsv", "TSV"), ("json", "JSON"), ("xml", "XML"))
GRAPH_DOWNLOADS = (("turtle", "Turtle"), ("ntriples", "N-Triples"), ("jsonld", "JSON-LD"), ("rdfxml", "RDF/XML"))
EXTENSIONS = {"srj": "json", "srx": "xml"}  # saved files open in ordinary tools


def download_name(fmt: formats.Format) -> str:
    """The file name a saved answer gets, with its format's extension.

    >>> download_name(formats.CSV), download_name(formats.JSON), download_name(formats.RDFXML)
    ('kfl-sparql.csv', 'kfl-sparql.json', 'kfl-sparql.rdf')
    """
    return f"kfl-sparql.{EXTENSIONS.get(fmt.extension, fmt.extension)}"


def short(text: str, limit: int = TAB_TITLE) -> str:
    """A tab title: the text, cut at a word before ``limit`` characters.

    >>> short("Which rooms have a projector and step-free (wheelchair) access?")
    'Which rooms have a projector and…'
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:(")
    return cut + "…"


def query_page(
    query: str | None, reply: Reply | None = None, error: str = "", status: int = 200, limits: dict | None = None
) -> Response:
    """The query page, with the answer to ``query`` as a table, or the error next to the kept query."""
    from . import settings as current_settings

    page = Page()
    settings = current_settings()
    examples = load_examples(settings.sparql_examples)
    chosen = request.args.get("example", "")
    run = query is not None and reply is not None  # a shared ?query= link: the editor runs it too
    if query is None:
        query = next((e.text for e in examples if e.name == chosen), "") or DEFAULT_QUERY.format(base=settings.base)
    action = page.base_path + "sparql"
    result = _result(page, reply) if reply is not None else None
    if reply is not None and result is not None:
        result["share"] = action + "?" + urlencode({"query": query})
        fams = GRAPH_DOWNLOADS if reply.family == formats.GRAPH else DOWNLOADS
        result["downloads"] = [
            (label, action + "?" + urlencode({"query": query, "format": name})) for name, label in fams
        ]
    prefixes = default_prefixes(settings.base)
    config = {
        "endpoint": action,
        "base": settings.base,
        "basePath": page.base_path,
        "lang": page.lang,
        "prefixes": prefixes,
        "query": query,
        "run": run,
        "examples": [
            {
                "name": e.name,
                "title": short((e.question_en if page.lang == "en" else e.question_pl) or e.name),
                "query": e.text,
            }
            for e in examples
        ],
        "texts": {
            key: page.t(key)
            for key in (
                "q_truncated_js",
                "q_rows_js",
                "q_new_tab",
                "q_query",
                "q_endpoint",
                "q_page_size",
                "q_filter",
                "q_add_tab",
                "q_tabs",
                "q_chart",
                "q_chart_label",
                "q_chart_hint",
                "q_chart_download",
                "q_table",
                "q_response",
                "q_show_view",
                "q_download",
                "q_response_rows",
                "q_response_time",
            )
        },
    }
    response = page.respond(
        "sparql.html",
        status,
        query=query,
        action=action,
        error=error,
        result=result,
        examples=examples,
        prefixes=sorted(prefixes.items()),
        settings=settings,
        config=config,
    )
    # YASGUI sets style attributes from script (CodeMirror, DataTables): allow inline styles here only.
    response.headers["Content-Security-Policy"] = response.headers["Content-Security-Policy"].replace(
        "style-src 'self'", "style-src 'self' 'unsafe-inline'"
    )
    response.vary.add("Accept")
    return response


def _result(page: Page, reply: Reply) -> dict:
    """The answer as a table (head, rows of cells) or a boolean, with its row count and truncation."""
    settings = page.settings
    out: dict = {
        "rows": [],
        "head": [],
        "boolean": None,
        "count": reply.rows,
        "truncated": reply.truncated,
        "limit": settings.max_rows,
        "byte_limit": settings.max_result_bytes,
    }
    if reply.family == formats.BOOLEAN:
        out["boolean"] = json.loads(reply.body)["boolean"]
    elif reply.family == formats.SOLUTIONS:
        data = json.loads(reply.body)
        out["head"] = data["head"]["vars"]
        out["rows"] = [[_cell(page, b.get(v)) for v in out["head"]] for b in data["results"]["bindings"]]
    else:
        out["head"] = ["subject", "predicate", "object"]
        for triple in ox.parse(reply.body, format=ox.RdfFormat.N_TRIPLES):
            out["rows"].append([_cell(page, _json_term(t)) for t in (triple.subject, triple.predicate, triple.object)])
    return out


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD + "string":
        out["datatype"] = term.datatype.value
    return out


def _cell(page: Page, term: dict | None) -> dict:
    if term is None:
        return {"text": ""}
    if term["type"] == "uri":
        return {"text": compact(term["value"]), "href": page.link(term["value"]), "title": term["value"]}
    if term["type"] == "bnode":
        return {"text": "_:" + term["value"]}
    if term["type"] == "triple":
        return {"text": str(term["value"])}
    return {
        "text": term["value"],
        "lang": term.get("xml:lang", ""),
        "datatype": compact(term["datatype"]) if term.get("datatype") else "",
    }
