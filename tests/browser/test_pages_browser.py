"""The pages in a real browser: Playwright driving Debian's chromium against a live server.

Searching, filtering, opening a space, switching language, the keyboard, the map (with
its tiles blocked, as they are offline), 320 px width, and axe-core (served from
node_modules, injected into the page) on the search page, a results page and one page
of each kind. Screenshots go to tests/screenshots/ at desktop and phone widths.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright import sync_api as playwright_api

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "tests" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
NARROW = {"width": 320, "height": 640}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# One page of each kind, plus the search, a results page and the other pages.
PAGES = {
    "search": "/",
    "results": "/?q=sala&forma=nieodplatne-uzyczenie&forma=wspolorganizacja",
    "space": "/space/krzysztofory-spotka-sala-spotkan.html",
    "space-example": "/space/dworek-sala-konferencyjna-przyklad.html",
    "venue": "/venue/mk-krzysztofory.html",
    "institution": "/institution/muzeum-krakowa.html",
    "practice": "/practice/przyklad-warsztaty-sasiedzkie.html",
    "district": "/district/13.html",
    "scheme": "/vocab/sharing-mode.html",
    "concept": "/vocab/sharing-mode/wspolorganizacja.html",
    "term": "/def/lastVerified.html",
    "ontology": "/def.html",
    "place": "/place/krakow.html",
    "organization": "/organization/wydzial-kultury.html",
    "dataset": "/dataset.html",
    "catalog": "/catalog.html",
    "practices": "/praktyki",
    "about": "/o-danych",
}


@pytest.fixture(scope="module")
def live(server):
    """Root URL of the shared real server (gunicorn via `kfl-lod serve`) on the bundled publication."""
    return server


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def open_page(browser, live, viewport=DESKTOP, locale="pl-PL", **options):
    """A page whose requests leave 127.0.0.1 never: tiles and anything else are refused."""
    context = browser.new_context(viewport=viewport, locale=locale, **options)
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(live) else route.abort())
    page.set_default_timeout(10000)
    return page


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def result_cards(page):
    return page.locator("li.card[data-space]")


def axe_violations(page) -> list[str]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` in the repository root")
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG)
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
            for v in result["violations"]]


# --- searching, filtering, opening a space ---------------------------------------------------------

def test_search_filter_and_open_a_space(browser, live, records):
    page = open_page(browser, live)
    page.goto(live + "/")
    assert page.locator("html").get_attribute("lang") == "pl"
    assert result_cards(page).count() == len(records.spaces)
    shot(page, "search-desktop")

    page.get_by_label("Szukaj w nazwach i opisach").fill("SALA spotkan")
    page.get_by_role("button", name="Szukaj").click()
    page.wait_for_url("**/?*q=SALA+spotkan*")
    found = [c.get_attribute("data-space") for c in result_cards(page).all()]
    assert "bk-pod-gruszka-sala-fontany" in found  # "Sala Fontany", type "sala spotkań"

    page.get_by_label("Szukaj w nazwach i opisach").fill("")
    page.get_by_label("Rodzaj przestrzeni").select_option("sala-konferencyjna")
    page.get_by_label("Co najmniej tyle osób").fill("50")
    page.locator("summary", has_text="Forma udostępniania").click()
    page.get_by_label("odpłatny najem").check()
    page.get_by_role("button", name="Szukaj").click()
    page.wait_for_url("**forma=odplatny-najem*")
    expected = sorted(s.id for s in records.spaces if s.type == "sala-konferencyjna" and (s.capacity or 0) >= 50
                      and "odplatny-najem" in s.sharing_modes)
    assert expected
    assert sorted(c.get_attribute("data-space") for c in result_cards(page).all()) == expected
    assert page.get_by_label("Co najmniej tyle osób").input_value() == "50"  # the form keeps the search
    shot(page, "results-desktop")

    first = result_cards(page).first
    name = first.locator("h3 a").inner_text()
    first.locator("h3 a").click()
    page.wait_for_url("**/space/*.html")
    assert page.locator("h1").inner_text() == name
    assert page.locator(".notice-example").is_visible()  # illustrative record, marked
    assert page.get_by_role("heading", name="Jak poprosić o salę").is_visible()
    shot(page, "space-desktop")
    page.context.close()


def test_search_works_without_javascript(browser, live, records):
    page = open_page(browser, live, java_script_enabled=False)
    page.goto(live + "/?q=sala")
    assert page.locator("#results-map").is_hidden()
    assert page.get_by_text("Mapa wymaga JavaScriptu").is_visible()
    page.get_by_label("Bezpłatnie").check()
    page.get_by_role("button", name="Szukaj").click()
    page.wait_for_url("**bezplatnie=tak*")
    expected = {s.id for s in records.spaces if s.free_of_charge and "sala" in s.name.lower() + s.description.lower()}
    found = {c.get_attribute("data-space") for c in result_cards(page).all()}
    assert expected <= found and found <= {s.id for s in records.spaces if s.free_of_charge}
    page.context.close()


# --- the map ---------------------------------------------------------------------------------------

def test_map_shows_result_venues_and_survives_missing_tiles(browser, live, records):
    page = open_page(browser, live)
    page.goto(live + "/?q=sala")
    ids = {c.get_attribute("data-space") for c in result_cards(page).all()}
    venues = {s.venue for s in records.spaces if s.id in ids}
    on_map = {v.id for v in records.venues if v.id in venues and v.latitude is not None}
    markers = page.locator("#results-map .leaflet-marker-icon")
    markers.first.wait_for()
    assert markers.count() == len(on_map)
    page.get_by_text("Nie udało się wczytać podkładu mapy").wait_for()  # tiles are refused offline
    markers.first.focus()  # markers overlap at this zoom; the keyboard reaches each of them
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator("a").first.get_attribute("href").startswith("/venue/")
    page.locator("#mapa").scroll_into_view_if_needed()
    shot(page, "map-desktop")
    page.context.close()


def test_list_stands_when_leaflet_cannot_load(browser, live, records):
    page = open_page(browser, live)
    page.route("**/vendor/leaflet/**", lambda route: route.abort())
    page.goto(live + "/")
    assert result_cards(page).count() == len(records.spaces)
    page.get_by_text("Mapa jest niedostępna").wait_for()
    assert page.locator("#results-map").is_hidden()
    page.context.close()


# --- language ------------------------------------------------------------------------------------

def test_switch_language_and_keep_it(browser, live):
    page = open_page(browser, live)
    page.goto(live + "/?q=fontany")
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**lang=en*")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Find a room for your organisation"
    assert page.get_by_label("Search names and descriptions").input_value() == "fontany"
    assert "meeting room" in result_cards(page).first.inner_text()  # concept label in English, from SKOS
    shot(page, "results-en-desktop")
    page.get_by_role("link", name="Good practices").click()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Polski").click()
    assert page.locator("html").get_attribute("lang") == "pl"
    page.context.close()


def test_english_from_the_browser_language(browser, live):
    page = open_page(browser, live, locale="en-GB")
    page.goto(live + "/space/krzysztofory-spotka-sala-spotkan.html")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="How to ask for the room").is_visible()
    page.context.close()


# --- keyboard, phones, accessibility ---------------------------------------------------------------

def test_keyboard_only(browser, live):
    page = open_page(browser, live)
    page.goto(live + "/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Przejdź do treści"
    box = skip.bounding_box()
    assert box and box["y"] >= 0  # the skip link shows itself when focused
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    for _ in range(10):  # walk to the search field
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "f-q":
            break
    assert page.evaluate("document.activeElement.id") == "f-q"
    page.keyboard.type("fontany")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=fontany*")
    link = page.locator("li.card h3 a").first
    link.focus()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    page.wait_for_url("**/space/bk-pod-gruszka-sala-fontany.html")
    page.context.close()


@pytest.mark.parametrize("name, viewport", [("phone", PHONE), ("narrow", NARROW)])
def test_readable_on_phones(browser, live, name, viewport):
    page = open_page(browser, live, viewport=viewport)
    for kind in ("search", "results", "space", "institution", "practices", "about", "dataset"):
        page.goto(live + PAGES[kind])
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{kind} scrolls sideways at {viewport['width']} px ({width} px)"
        if name == "phone" or kind in ("search", "space"):
            shot(page, f"{kind}-{name}")
    page.goto(live + PAGES["results"])
    page.locator("li.card").first.scroll_into_view_if_needed()
    shot(page, f"results-cards-{name}")
    page.context.close()


@pytest.mark.parametrize("kind", list(PAGES))
def test_axe_finds_no_violation(browser, live, kind):
    page = open_page(browser, live)
    response = page.goto(live + PAGES[kind])
    assert response.status == 200, f"{PAGES[kind]} answered {response.status}"
    if page.locator(".map").count():
        page.locator(".leaflet-marker-icon").first.wait_for()
    assert axe_violations(page) == []
    page.context.close()


def test_axe_on_a_phone(browser, live):
    page = open_page(browser, live, viewport=NARROW)
    page.goto(live + PAGES["results"])
    assert axe_violations(page) == []
    page.context.close()


def test_no_content_security_policy_errors(browser, live):
    page = open_page(browser, live)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    for kind in ("results", "space", "institution"):
        page.goto(live + PAGES[kind])
        page.locator(".leaflet-marker-icon").first.wait_for()
    assert errors == []
    page.context.close()


def test_axe_reports_a_violation_when_there_is_one(browser, live):
    """The harness itself: an unlabelled field and an image without alt text are caught."""
    page = open_page(browser, live)
    page.goto(live + "/")
    page.evaluate("""() => {
        document.querySelector('label[for="f-q"]').remove();
        const img = document.createElement('img'); img.src = '/static/vendor/leaflet/images/layers.png';
        document.querySelector('main').appendChild(img);
    }""")
    found = " ".join(axe_violations(page))
    assert "label" in found and "image-alt" in found
    page.context.close()
