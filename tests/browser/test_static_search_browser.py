"""The exported site's search, in chromium, from the export hosted by Debian's nginx (no Python server)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from werkzeug.datastructures import MultiDict

from browsing import PHONE, axe_violations
from kfl_lod.web import create_app, search
from kfl_lod.web.pages import current_index
from static_hosts import export_of, nginx_server, withdrawn_publication


@pytest.fixture(scope="module")
def hosted(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("static-search")
    settings, _ = withdrawn_publication(tmp / "publication")
    export = export_of(settings, tmp / "export")
    with nginx_server(export, tmp / "nginx") as url:
        yield settings, url


def server_first_page(settings, params: list[tuple[str, str]]) -> list[str]:
    """The ids of the rooms the server's search shows on the first page of results."""
    with create_app(settings).test_request_context("/"):
        index = current_index()
        query, _ = search.parse(MultiDict(params), index)
        return [s.id for s in search.run(index, query, with_facets=False).page(1)]


def cards(page) -> list[str]:
    page.wait_for_selector("html[data-search=done]")
    return page.eval_on_selector_all("li.card[data-space]", "els => els.map(e => e.dataset.space)")


def test_a_search_link_opens_with_the_servers_results(browser, hosted):
    settings, url = hosted
    params = [("q", "sala na 30 osób z projektorem"), ("bez_przykladow", "tak")]
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{url}/?{urlencode(params)}#wyniki")
    assert cards(page) == server_first_page(settings, params)
    assert page.locator("#results-heading").inner_text().startswith(("Znaleziono", "Nie znaleziono", "Żadna"))
    assert page.input_value("#f-q") == "sala na 30 osób z projektorem"
    assert page.is_checked("#f-examples")
    assert axe_violations(page) == []
    assert errors == []


def test_typing_in_the_form_on_a_phone_finds_rooms(browser, hosted):
    settings, url = hosted
    page = browser.new_page(viewport=PHONE)
    page.goto(url + "/")
    assert page.locator("li.card").count() == 0  # the start page, as the server sends it
    page.fill("#f-q", "warsztaty")
    page.select_option("#f-district", index=0)
    page.click("form.search-form button[type=submit]")
    page.wait_for_url("**/?*")
    found = cards(page)
    assert found and found == server_first_page(settings, [("q", "warsztaty"), ("dzielnica", "")])
    # The second page of a longer list, through the pager's own link.
    page.goto(url + "/?q=")
    first = cards(page)
    page.click("nav.pager a[aria-label]")
    # A selector, not wait_for_function: the page's CSP (script-src 'self') forbids the eval that would need.
    page.wait_for_selector('nav.pager a[aria-current="page"]:text-is("2")')
    second = page.eval_on_selector_all("li.card[data-space]", "els => els.map(e => e.dataset.space)")
    assert second and not set(first) & set(second)


def test_the_english_page_searches_in_english(browser, hosted):
    settings, url = hosted
    params = [("q", "projektor"), ("lang", "en")]
    page = browser.new_page()
    page.goto(f"{url}/?{urlencode(params)}")
    assert cards(page) == server_first_page(settings, params)
    assert page.locator("#results-heading").inner_text().startswith(("Rooms found", "No room"))
    assert page.get_attribute("html", "lang") == "en"
    # Links keep the language, as the server's do.
    first = page.get_attribute("li.card h3 a", "href")
    assert first.endswith("?lang=en")
