"""The query page without JavaScript: the form posts, the answer is an HTML table in the site's layout.

A browser's request (Accept: text/html first) gets the page; every other client keeps
getting the result formats (see test_sparql_protocol and test_clients).
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
import requests

from support import BASE, make_settings

pytestmark = pytest.mark.server

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
SPACES = f"SELECT ?s ?name WHERE {{ ?s a <{BASE}def/Space> ; <https://schema.org/name> ?name }} ORDER BY ?s"


class _Page(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.cells: list[str] = []
        self.links: list[str] = []
        self.textarea = ""
        self.alerts = ""
        self._in: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and self._in and "td" in self._in:
            self.links.append(attrs.get("href", ""))
        if tag in ("td", "textarea") or attrs.get("role") == "alert":
            self._in.append("alert" if attrs.get("role") == "alert" else tag)
            if tag == "td":
                self.cells.append("")

    def handle_endtag(self, tag):
        if self._in and (tag == self._in[-1] or (tag == "div" and self._in[-1] == "alert")):
            self._in.pop()

    def handle_data(self, data):
        if "textarea" in self._in:
            self.textarea += data
        if "alert" in self._in:
            self.alerts += data
        if "td" in self._in and self.cells:
            self.cells[-1] += data


@pytest.fixture(scope="module")
def url(published, start_module_server) -> str:
    return start_module_server(published)


def test_the_form_posts_and_the_answer_is_a_table_in_the_site_layout(url):
    r = requests.post(
        url + "/sparql", data={"query": SPACES, "format": "html"}, headers={"Accept": BROWSER}, timeout=30
    )
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/html")
    page = _Page(r.text)
    assert 'class="site-header"' in r.text and 'class="results"' in r.text
    assert page.textarea == SPACES  # the query stays in the form
    # IRIs link to our own pages (on this host), not to the IRI's host.
    assert page.links and all(link.startswith("/space/") and link.endswith(".html") for link in page.links)
    assert len(page.links) == int(r.text.split("Wierszy: ")[1].split("<")[0]) if "Wierszy: " in r.text else True


def test_a_browser_get_with_a_query_gets_the_table_too(url):
    r = requests.get(url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": BROWSER}, timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "true" in r.text


def test_an_error_comes_back_next_to_the_kept_query(url):
    bad = "SELECT ?s WHERE { ?s ?p }"
    r = requests.post(url + "/sparql", data={"query": bad}, headers={"Accept": BROWSER}, timeout=30)
    assert r.status_code == 400
    page = _Page(r.text)
    assert page.textarea == bad
    assert "Malformed query" in page.alerts
    assert 'aria-invalid="true"' in r.text


def test_clients_that_accept_anything_still_get_result_formats(url):
    for accept in ("*/*", None, "application/sparql-results+json,*/*;q=0.9"):
        headers = {"Accept": accept} if accept else {}
        r = requests.post(url + "/sparql", data={"query": SPACES}, headers=headers, timeout=30)
        assert r.headers["Content-Type"] == "application/sparql-results+json", accept
        assert r.headers["Content-Disposition"] == 'inline; filename="kfl-sparql.json"'


def test_a_cut_answer_says_so_in_words(tmp_path, published, start_server):
    settings = make_settings(tmp_path, source=published.source, published=published.published, max_rows=3)
    small = start_server(settings)
    r = requests.post(small + "/sparql", data={"query": SPACES}, headers={"Accept": BROWSER + ",*;q=0.1"}, timeout=30)
    assert r.status_code == 200
    assert "Wynik jest obcięty: pokazano 3 wierszy" in r.text
    en = requests.post(
        small + "/sparql", data={"query": SPACES, "format": "html"}, headers={"Accept-Language": "en"}, timeout=30
    )
    assert "The result is cut: 3 rows are shown, and the endpoint returns at most 3 rows" in en.text


def test_downloads_get_file_names_with_extensions(url):
    for fmt, name in (("csv", "kfl-sparql.csv"), ("tsv", "kfl-sparql.tsv"), ("xml", "kfl-sparql.xml")):
        r = requests.get(url + "/sparql", params={"query": SPACES, "format": fmt}, timeout=30)
        assert r.headers["Content-Disposition"] == f'inline; filename="{name}"'
    r = requests.get(url + "/sparql", params={"query": "CONSTRUCT WHERE { ?s a ?o } LIMIT 1", "format": "turtle"})
    assert r.headers["Content-Disposition"] == 'inline; filename="kfl-sparql.ttl"'


def test_the_prefix_list_for_completion_is_ours(url):
    r = requests.get(url + "/sparql/prefixes.json", timeout=30)
    assert r.status_code == 200
    assert r.json()["kfl"] == BASE + "def/" and r.json()["schema"] == "https://schema.org/"
