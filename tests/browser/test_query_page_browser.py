"""The query page (/sparql) in a real browser, with and without JavaScript, and a browser's CORS preflight.

With JavaScript: YASGUI from static/vendor (never a CDN, nothing leaves 127.0.0.1), the
examples as tabs, prefix completion from our own list, a results table whose IRIs link to
our pages, and the limit headers in words when the answer is cut. Without: the form posts
and the answer is a table in the site's layout. axe-core finds no violation on either.
Screenshots go to tests/screenshots/.
"""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

import pytest

from browsing import SHOTS, axe_violations
from support import BASE, ROOT, make_settings

pytestmark = [pytest.mark.browser, pytest.mark.server]

MAX_ROWS = 5


@pytest.fixture(scope="module")
def live(tmp_path_factory, published, start_module_server) -> str:
    """A server on the shared publication that cuts answers at 5 rows (to see the limit in words)."""
    settings = make_settings(
        tmp_path_factory.mktemp("query-page"), source=published.source, published=published.published, max_rows=MAX_ROWS
    )
    return start_module_server(settings)


def open_page(browser, live: str, outside: list[str], **options):
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, "locale": "pl-PL", **options})
    page = context.new_page()

    def route(r):
        if r.request.url.startswith(live):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.set_default_timeout(15000)
    return page


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_yasgui_runs_a_query_offline_with_example_tabs_links_and_limits(browser, live):
    outside: list[str] = []
    errors: list[str] = []
    page = open_page(browser, live, outside)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live + "/sparql")
    page.wait_for_selector(".yasqe .CodeMirror")
    assert page.locator("#query-form").is_hidden()  # the plain form gives way to the editor
    examples = sorted((ROOT / "sparql").glob("*.rq"))
    assert page.locator(".yasgui .tabsList .tab").count() == len(examples) + 1
    # Syntax highlighting: CodeMirror marks keywords.
    assert page.locator(".yasqe .cm-keyword").count() > 0
    page.locator(".yasqe_queryButton").click()
    page.wait_for_selector(".yasr table.dataTable tbody tr")
    rows = page.locator(".yasr table.dataTable tbody tr").count()
    assert rows == MAX_ROWS
    status = page.locator("#yasgui-status")
    assert status.is_visible()
    assert f"pokazano {MAX_ROWS} wierszy" in status.inner_text()
    assert f"najwyżej {MAX_ROWS} wierszy" in status.inner_text()
    hrefs = [a.get_attribute("href") for a in page.locator(".yasr table.dataTable tbody a").all()]
    assert hrefs and all(h.startswith("/space/") for h in hrefs), hrefs[:3]
    shot(page, "sparql-yasgui-desktop")
    assert axe_violations(page) == []
    assert outside == [] and errors == []


def test_an_example_tab_and_prefix_completion_from_our_own_list(browser, live):
    outside: list[str] = []
    page = open_page(browser, live, outside)
    page.goto(live + "/sparql")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.locator(".yasgui .tabsList .tab").nth(1).click()
    page.wait_for_timeout(300)
    text = page.evaluate("() => document.querySelectorAll('.yasqe .CodeMirror')[1].CodeMirror.getValue()")
    first = sorted((ROOT / "sparql").glob("*.rq"))[0].read_text(encoding="utf-8")
    assert text == first
    # The "+" button (moved out of the tab list, which holds tabs only) still adds a tab.
    tabs = page.locator(".yasgui .tabsList .tab").count()
    page.get_by_role("button", name="Nowe zapytanie").click()
    assert page.locator(".yasgui .tabsList .tab").count() == tabs + 1
    # A new query: type a PREFIX line and let the completer offer ours.
    page.locator(".yasgui .tabsList .tab").first.click()
    page.evaluate(
        "() => { const cm = document.querySelectorAll('.yasqe .CodeMirror')[0].CodeMirror;"
        " cm.setValue(''); cm.focus(); }"
    )
    page.keyboard.type("PREFIX kf")
    page.keyboard.press("Control+Space")
    page.wait_for_selector(".CodeMirror-hints li")
    hints = page.locator(".CodeMirror-hints li").all_inner_texts()
    assert f"kfl: <{BASE}def/>" in hints
    assert outside == []  # prefix.cc and LOV are never asked


def _lexical(cell: str) -> str:
    """The value in a YASR table cell, which shows literals as "text"@lang or "text"^^type."""
    found = re.fullmatch(r'"(.*)"(?:@[\w-]+|\^\^\S+)?', cell.strip(), re.S)
    return found.group(1) if found else cell.strip()


def _run_tab(page, index: int) -> None:
    page.locator(".yasgui .tabsList .tab").nth(index).click()
    page.locator(".yasqe_queryButton:visible").click()
    page.wait_for_selector(".yasr:visible table.dataTable tbody tr")


def test_a_group_by_example_renders_a_chart_offline_and_downloads_name_their_files(browser, live):
    outside: list[str] = []
    errors: list[str] = []
    page = open_page(browser, live, outside)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live + "/sparql")
    page.wait_for_selector(".yasqe .CodeMirror")
    examples = sorted(p.stem for p in (ROOT / "sparql").glob("*.rq"))
    _run_tab(page, 1 + examples.index("count-per-district"))  # SELECT ... (COUNT(?space) AS ?spaces) GROUP BY
    yasr = page.locator(".yasr:visible")
    table = [
        [_lexical(c) for c in row.split("\t")] for row in yasr.locator("table.dataTable tbody tr").all_inner_texts()
    ]
    assert len(table) == MAX_ROWS
    assert re.fullmatch(rf"Wierszy: {MAX_ROWS}, odpowiedź w [\d,]+ s", yasr.locator(".yasr_response_chip").inner_text())
    chart_button = yasr.locator(".yasr_btn.select_chart")
    assert chart_button.inner_text().strip() == "Wykres" and "disabled" not in chart_button.get_attribute("class")
    chart_button.click()
    canvas = yasr.locator(".kfl-chart canvas")
    canvas.wait_for()
    drawn = canvas.evaluate(
        """c => { const chart = Chart.getChart(c); const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
                  let coloured = 0; for (let i = 0; i < px.length; i += 4) if (px[i] < 100 && px[i + 2] > 120) coloured++;
                  return {labels: chart.data.labels, values: chart.data.datasets.map(d => d.data), type: chart.config.type,
                          coloured: coloured, label: c.getAttribute("aria-label")}; }"""
    )
    # One bar per row: the place names and the counts of the table (columns place, placeName, spaces).
    assert drawn["type"] == "bar" and drawn["labels"] == [row[2] for row in table]
    assert drawn["values"] == [[int(row[3]) for row in table]]
    assert drawn["coloured"] > 1000  # the bars are painted (blue pixels), not just an empty canvas
    assert drawn["label"] == f"Wykres słupkowy: spaces według placeName, słupków: {MAX_ROWS}."
    shot(page, "sparql-yasgui-chart")
    assert axe_violations(page) == []
    # Downloads carry a file name with its extension: the chart as PNG, the table as CSV.
    with page.expect_download() as got:
        yasr.locator(".yasr_downloadIcon").click()
    assert got.value.suggested_filename == "kfl-sparql-ile-sal-jest-w-kazdej-dzielnicy.png"
    assert Path(got.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    yasr.locator(".yasr_btn.select_table").click()
    with page.expect_download() as got:
        yasr.locator(".yasr_downloadIcon").click()
    assert got.value.suggested_filename == "kfl-sparql-ile-sal-jest-w-kazdej-dzielnicy.csv"
    assert Path(got.value.path()).read_text(encoding="utf-8").splitlines()[0] == '"place","placeName","spaces"'
    assert outside == [] and errors == []


def test_the_chart_is_offered_only_where_it_fits(browser, live):
    outside: list[str] = []
    page = open_page(browser, live, outside)
    page.goto(live + "/sparql")  # the default query lists spaces: no number column
    page.wait_for_selector(".yasqe .CodeMirror")
    page.locator(".yasqe_queryButton:visible").click()
    page.wait_for_selector(".yasr:visible table.dataTable tbody tr")
    assert "disabled" in page.locator(".yasr:visible .yasr_btn.select_chart").get_attribute("class")
    page.wait_for_selector(".yasr:visible .yasr_btn.select_chart[aria-disabled=true]")  # said, not only greyed
    # A graph answer: the response view, downloaded as Turtle with its extension.
    examples = sorted(p.stem for p in (ROOT / "sparql").glob("*.rq"))
    page.locator(".yasgui .tabsList .tab").nth(1 + examples.index("institution-graph")).click()
    page.locator(".yasqe_queryButton:visible").click()
    page.wait_for_selector(".yasr:visible table.dataTable tbody tr")  # subject, predicate, object
    assert "disabled" in page.locator(".yasr:visible .yasr_btn.select_chart").get_attribute("class")
    page.locator(".yasr:visible .yasr_btn.select_response").click()
    page.wait_for_selector(".yasr:visible .yasr_results .CodeMirror")
    with page.expect_download() as got:
        page.locator(".yasr:visible .yasr_downloadIcon").click()
    assert got.value.suggested_filename.startswith("kfl-sparql-wszystko-o-jednej-instytucji")
    assert got.value.suggested_filename.endswith(".ttl")
    assert outside == []


def test_in_english_the_tabs_views_and_a_shared_link_work(browser, live):
    outside: list[str] = []
    page = open_page(browser, live, outside, locale="en-GB")
    page.goto(live + "/sparql?lang=en")
    page.wait_for_selector(".yasqe .CodeMirror")
    # The example tabs carry the English question of each sparql/*.rq (its "# EN:" line).
    examples = sorted((ROOT / "sparql").glob("*.rq"))
    index = [p.stem for p in examples].index("count-per-district")
    first = examples[index].read_text(encoding="utf-8")
    question = next(line[len("# EN:") :].strip() for line in first.splitlines() if line.startswith("# EN:"))
    title = page.locator(".yasgui .tabsList .tab").nth(1 + index).inner_text().strip().splitlines()[0]  # then ✖
    assert title.rstrip("…") and question.startswith(title.rstrip("…").rstrip())
    _run_tab(page, 1 + index)
    assert page.locator(".yasr:visible .yasr_btn.select_table").inner_text().strip() == "Table"
    assert page.locator(".yasr:visible .yasr_btn.select_chart").inner_text().strip() == "Chart"
    assert re.fullmatch(r"\d+ rows in [\d.]+ s", page.locator(".yasr:visible .yasr_response_chip").inner_text())
    # The share button gives /sparql?query=…, which runs the query with or without JavaScript.
    page.locator(".yasqe_share:visible").click()
    link = page.locator(".yasqe_sharePopup input").input_value()
    assert link.startswith(live + "/sparql?query=")
    shared = page.context.new_page()
    shared.goto(link)
    shared.wait_for_selector(".yasr:visible table.dataTable tbody tr")
    editor = shared.evaluate("() => document.querySelector('.yasqe .CodeMirror').CodeMirror.getValue()")
    assert editor == first
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    plain = context.new_page()
    plain.goto(link)
    assert plain.locator("table.results tbody tr").count() > 0
    assert plain.locator("textarea#query").input_value() == first
    context.close()
    assert outside == []


def test_without_javascript_the_form_posts_and_the_answer_is_a_table(browser, live):
    outside: list[str] = []
    page = open_page(browser, live, outside, java_script_enabled=False)
    page.goto(live + "/sparql")
    page.get_by_label("Zapytanie").fill(f"SELECT ?s WHERE {{ ?s a <{BASE}def/Space> }} ORDER BY ?s LIMIT 3")
    page.get_by_role("button", name="Wykonaj").click()
    page.wait_for_selector("table.results")
    assert page.locator("table.results tbody tr").count() == 3
    assert page.locator("table.results a").first.get_attribute("href").startswith("/space/")
    shot(page, "sparql-nojs-result")
    page.get_by_label("Zapytanie").fill("SELECT ?s WHERE { ?s ?p }")
    page.get_by_role("button", name="Wykonaj").click()
    page.wait_for_selector("[role=alert]")
    assert "Malformed query" in page.locator("[role=alert]").inner_text()
    assert page.get_by_label("Zapytanie").input_value() == "SELECT ?s WHERE { ?s ?p }"
    shot(page, "sparql-nojs-error")
    assert outside == []


@pytest.mark.parametrize(
    "query", [f"SELECT ?s WHERE {{ ?s a <{BASE}def/Space> }} LIMIT 3", "SELECT ?s WHERE { ?s ?p }"]
)
def test_the_page_without_javascript_has_no_axe_violation(browser, live, query):
    # axe-core is a script, so the page is opened with JavaScript on but our scripts refused:
    # what is checked is the server's HTML, as a browser without JavaScript shows it.
    outside: list[str] = []
    page = open_page(browser, live, outside)
    page.route("**/static/vendor/yasgui/*.js*", lambda r: r.abort())
    page.route("**/static/sparql.js*", lambda r: r.abort())
    page.goto(live + "/sparql?" + urlencode({"query": query, "format": "html"}))
    assert page.locator("#query-form").is_visible()
    assert axe_violations(page) == []


class _Blank(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server interface
        body = b"<!doctype html><title>elsewhere</title><p>another origin</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_browser_on_another_origin_preflights_and_reads_ranges_and_limit_headers(browser, live):
    other = ThreadingHTTPServer(("127.0.0.1", 0), _Blank)
    thread = threading.Thread(target=other.serve_forever, daemon=True)
    thread.start()
    try:
        origin = f"http://127.0.0.1:{other.server_address[1]}"
        context = browser.new_context()
        page = context.new_page()
        page.goto(origin + "/")
        got = page.evaluate(
            """async ([live, query]) => {
                const ranged = await fetch(live + "/dumps/kfl.nt", {headers: {"Range": "bytes=0-99", "X-Client": "test"}});
                const body = await ranged.text();
                const answer = await fetch(live + "/sparql", {method: "POST",
                    headers: {"Content-Type": "application/sparql-query", "Accept": "text/csv", "X-Client": "test"},
                    body: query});
                return {status: ranged.status, range: ranged.headers.get("Content-Range"), length: body.length,
                        truncated: answer.headers.get("X-KFL-Results-Truncated"),
                        rows: answer.headers.get("X-KFL-Result-Rows"), file: answer.headers.get("Content-Disposition")};
            }""",
            [live, f"SELECT ?s WHERE {{ ?s a <{BASE}def/Space> }}"],
        )
        assert got["status"] == 206 and got["range"].startswith("bytes 0-99/") and got["length"] == 100
        assert got["truncated"] == "true" and got["rows"] == str(MAX_ROWS)
        assert got["file"] == 'inline; filename="kfl-sparql.csv"'
        context.close()
    finally:
        other.shutdown()
