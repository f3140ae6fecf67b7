"""The pages in a real browser: Playwright driving Debian's chromium against a live server.

Searching, filtering, opening a space, switching language, the keyboard, the map (with
its tiles blocked, as they are offline), 320 px width, and axe-core (served from
node_modules, injected into the page) on the search page, a results page and one page
of each kind. Screenshots go to tests/screenshots/ at desktop and phone widths.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from browsing import DESKTOP, PHONE, SHOTS, WCAG, axe_violations
from kfl_lod.build import build
from kfl_lod.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
NARROW = {"width": 320, "height": 640}

BASE = "https://kfl.krakow.pl/"
EVIL_SPACE = "Sala </script><script>alert(1)</script> (przykład)"
EVIL_INSTITUTION = 'Biblioteka <script>alert("i")</script> & „Kraków”'
EVIL_VENUE = "Siedziba <img src=x onerror=alert(3)>"
EVIL_ORGANISATION = "Fundacja <svg onload=alert(4)> (przykład)"
GONE = "bk-pod-gruszka-sala-fontany"  # withdrawn in the second release of the hostile publication

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
    "accessibility": "/deklaracja-dostepnosci",
    "results-en": "/?q=sala&osoby=20&lang=en",
    "space-en": "/space/krzysztofory-spotka-sala-spotkan.html?lang=en",
    "not-found": "/space/nie-ma-takiej-sali.html",
}
STATUS = {"not-found": 404}


@pytest.fixture(scope="module")
def live(server):
    """Root URL of the shared real server (gunicorn via `kfl-lod serve`) on the bundled publication."""
    return server


def _edit(path: Path, row_id: str, remove: bool = False, **changes: str) -> None:
    """Change cells of one row of a source table, or remove the row."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        headers, rows = reader.fieldnames, list(reader)
    assert any(r["id"] == row_id for r in rows), f"{row_id} not in {path}"
    rows = [dict(r, **changes) if r["id"] == row_id else r for r in rows if not (remove and r["id"] == row_id)]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=headers)
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def hostile_live(tmp_path_factory, start_module_server):
    """A live server on a publication whose names hold markup, with a space withdrawn (410) in release 2."""
    tmp = tmp_path_factory.mktemp("hostile-browser")
    shutil.copytree(ROOT / "source", tmp / "source")
    settings = load_settings(
        environ={},
        cwd=tmp,
        source=tmp / "source",
        published=tmp / "published",
        shapes=ROOT / "shapes",
        sparql_examples=ROOT / "sparql",
        base=BASE,
        contact_email="poprawki@example.org",
    )
    source = settings.source
    _edit(source / "instytucje.csv", "biblioteka-krakow", nazwa=EVIL_INSTITUTION)
    _edit(source / "lokalizacje.csv", "bk-siedziba", nazwa=EVIL_VENUE)
    _edit(source / "przestrzenie.csv", "bk-sala-warsztatowa-przyklad", nazwa=EVIL_SPACE)
    _edit(source / "dobre_praktyki.csv", "przyklad-warsztaty-sasiedzkie", organizacja=EVIL_ORGANISATION)
    assert build(settings, today=date(2026, 3, 2)).report.conforms
    _edit(source / "przestrzenie.csv", GONE, remove=True)
    assert build(settings, today=date(2026, 3, 3)).report.conforms
    return start_module_server(settings)


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
    """The rooms found (not the closest ones shown when no real room is found)."""
    return page.locator("ol.cards:not(.closest) > li.card[data-space]")


# --- searching, filtering, opening a space ---------------------------------------------------------


def test_search_filter_and_open_a_space(browser, live, records):
    page = open_page(browser, live)
    page.goto(live + "/")
    assert page.locator("html").get_attribute("lang") == "pl"
    real = sum(not s.illustrative for s in records.spaces)
    assert result_cards(page).count() == 0  # the home page is a short start, not every room
    assert page.get_by_role("link", name=f"Pokaż wszystkie sale ({real})").is_visible()
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
    expected = sorted(
        s.id
        for s in records.spaces
        if s.type == "sala-konferencyjna" and (s.capacity or 0) >= 50 and "odplatny-najem" in s.sharing_modes
    )
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
    found = {c.get_attribute("data-space") for c in result_cards(page).all()}
    assert found and found <= {s.id for s in records.spaces if s.free_of_charge}
    page.context.close()


# --- the map ---------------------------------------------------------------------------------------


def test_map_shows_result_venues_and_survives_missing_tiles(browser, live, records):
    page = open_page(browser, live)
    page.goto(live + "/?q=sala")
    points = json.loads(page.locator("#results-map-data").text_content())
    markers = page.locator("#results-map .leaflet-marker-icon")
    markers.first.wait_for()
    # Venues at one place share a marker, and markers that would overlap are drawn as one group:
    # every marker is 24 x 24 px or more and none covers another, so each can be hit.
    assert 1 <= markers.count() <= len(points)
    boxes = [markers.nth(i).bounding_box() for i in range(markers.count())]
    for box in boxes:
        assert box and box["width"] >= 24 and box["height"] >= 24
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
            assert apart or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"], (a, b)
    group = page.locator("#results-map .kfl-marker-group").first
    if group.count():  # a group marker zooms in to the places it stands for
        before = markers.count()
        group.click()
        for _ in range(50):  # the zoom animates; the CSP forbids wait_for_function's eval
            if markers.count() > before:
                break
            page.wait_for_timeout(100)
        assert markers.count() > before
    page.get_by_text("Nie udało się wczytać podkładu mapy").wait_for()  # tiles are refused offline
    single = page.locator("#results-map .leaflet-marker-icon:not(.kfl-marker-group)").first
    single.focus()  # the keyboard reaches each marker
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator("a").first.get_attribute("href").startswith("/venue/")
    # The focus moves into the popup; Escape closes it and gives the focus back to the marker.
    assert page.evaluate("document.activeElement.closest('.leaflet-popup-content') !== null")
    page.keyboard.press("Escape")
    popup.wait_for(state="detached")
    assert page.evaluate("document.activeElement.classList.contains('leaflet-marker-icon')")
    page.locator("#mapa").scroll_into_view_if_needed()
    shot(page, "map-desktop")
    page.context.close()


def test_list_stands_when_leaflet_cannot_load(browser, live, records):
    page = open_page(browser, live)
    page.route("**/vendor/leaflet/**", lambda route: route.abort())
    page.goto(live + "/?q=")
    assert result_cards(page).count() == min(10, len(records.spaces))
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
    page.wait_for_url("**q=fontany*#wyniki")
    page.wait_for_function("window.scrollY > 0")  # scrolled to the results
    page.keyboard.press("Tab")  # the search landed on the results: the next stop is in them, not the form
    assert page.evaluate("document.activeElement.closest('#wyniki') !== null")
    link = page.locator("li.card h3 a").first
    link.focus()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    page.wait_for_url("**/space/bk-pod-gruszka-sala-fontany.html")
    page.context.close()


@pytest.mark.parametrize("name, viewport", [("phone", PHONE), ("narrow", NARROW)])
def test_readable_on_phones(browser, live, name, viewport):
    page = open_page(browser, live, viewport=viewport)
    for kind in PAGES:
        page.context.clear_cookies()  # each page in its own language (?lang=en sets a cookie)
        page.goto(live + PAGES[kind])
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{kind} scrolls sideways at {viewport['width']} px ({width} px)"
        if kind in ("search", "results", "space", "institution", "practices", "about", "dataset", "not-found") and (
            name == "phone" or kind in ("search", "space")
        ):
            shot(page, f"{kind}-{name}")
    page.context.clear_cookies()
    page.goto(live + PAGES["results"])
    page.locator("li.card").first.scroll_into_view_if_needed()
    shot(page, f"results-cards-{name}")
    page.context.close()


@pytest.mark.parametrize("kind", list(PAGES))
def test_axe_finds_no_violation(browser, live, kind):
    page = open_page(browser, live)
    response = page.goto(live + PAGES[kind])
    assert response.status == STATUS.get(kind, 200), f"{PAGES[kind]} answered {response.status}"
    if page.locator(".map").count():
        page.locator(".leaflet-marker-icon").first.wait_for()
    # Best practices too: unique landmark names (the map's region apart from its section), one main, ...
    assert axe_violations(page, [*WCAG, "best-practice"]) == []
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


class Steps:
    """The taps and entries of one phone scenario, in words: printed, and kept in tests/screenshots/phone-steps.json."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.done: list[str] = []

    def __call__(self, what: str) -> None:
        self.done.append(what)

    def record(self, page, records) -> str:
        """Note where the scenario ended (a real record or an example) and write the steps down."""
        space_id = page.url.rsplit("/", 1)[-1].removesuffix(".html")
        space = next(s for s in records.spaces if s.id == space_id)
        ends = f"{space.name} ({space_id}, {'example' if space.illustrative else 'real record'})"
        lines = [f"{self.name}: {len(self.done)} steps"] + [f"  {i}. {s}" for i, s in enumerate(self.done, 1)]
        print("\n".join([*lines, f"  ends on: {ends}"]))
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / "phone-steps.json"
        known = json.loads(path.read_text()) if path.exists() else {}
        known[self.name] = {
            "steps": len(self.done),
            "path": self.done,
            "ends_on": space_id,
            "real": not space.illustrative,
        }
        path.write_text(json.dumps(known, indent=1, ensure_ascii=False))
        return space_id


ROMAN = (
    "I",
    "II",
    "III",
    "IV",
    "V",
    "VI",
    "VII",
    "VIII",
    "IX",
    "X",
    "XI",
    "XII",
    "XIII",
    "XIV",
    "XV",
    "XVI",
    "XVII",
    "XVIII",
)


def _real(records) -> set[str]:
    return {s.id for s in records.spaces if not s.illustrative}


def _results_on_first_screen(page) -> None:
    box = page.locator("#results-heading").bounding_box()
    assert box and -1 <= box["y"] < PHONE["height"] / 2, "the results are not on the first screen after searching"


def _open(page, card, records) -> str:
    """Tap a result's name; it must be a real record."""
    space_id = card.get_attribute("data-space")
    assert space_id in _real(records), f"{space_id} is an illustrative record, yet offered before the real ones"
    card.locator("h3 a").click()
    page.wait_for_url(f"**/space/{space_id}.html")
    return space_id


def _contact_is_actionable(page, phone: bool = False) -> None:
    """On the space page: a phone or e-mail link (or the website when the data have neither), on screen."""
    section = page.locator("section[aria-labelledby='ask-heading']")
    links = section.locator("ul.contact a")
    if links.count():
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        assert any(h.startswith(("tel:", "mailto:", "http")) for h in hrefs)
        if phone:
            call = section.locator("ul.contact a[href^='tel:']").first
            call.scroll_into_view_if_needed()
            assert call.is_visible()
        links.first.scroll_into_view_if_needed()
        assert links.first.is_visible()
    else:  # the data hold no contact for this institution: the page says so, inventing nothing
        assert section.locator(".contact-missing").is_visible()
    assert page.get_by_role("link", name=re.compile("Wróć do wyników")).is_visible()
    assert page.locator(".notice-example").count() == 0  # a real record, not an example


def _institution_has_phone(records, space_id: str) -> bool:
    space = next(s for s in records.spaces if s.id == space_id)
    venue = next(v for v in records.venues if v.id == space.venue)
    institution = next(i for i in records.institutions if i.id == venue.institution)
    return bool(institution.phone or institution.contact_phone)


def test_phone_free_room_for_30_people_and_whom_to_call(browser, live, records):
    """The issue's person: on a phone, a free room for 30 people and whom to call, ending on a real room."""
    steps = Steps("a free room for 30 people, and whom to call")
    page = open_page(browser, live, viewport=PHONE)
    page.goto(live + "/")
    page.get_by_label("Co najmniej tyle osób").fill("30")
    steps("type 30 in „Co najmniej tyle osób”")
    page.get_by_label("Bezpłatnie").check()
    steps("tick „Bezpłatnie”")
    page.get_by_role("button", name="Szukaj").click()
    steps("tap „Szukaj”")
    page.wait_for_url("**osoby=30*#wyniki")
    _results_on_first_screen(page)
    real = [s for s in records.spaces if not s.illustrative]
    fits = [s for s in real if (s.capacity or 0) >= 30 and s.free_of_charge is True]
    heading = page.locator("#results-heading").inner_text()
    if fits:
        assert re.fullmatch(rf"Znaleziono {len(fits)} (salę|sale|sal)", heading)
        cards = page.locator("ol.cards[aria-label='Sale z potwierdzonych źródeł'] > li.card")
    else:
        # No real room states both: the page says so, and shows at once the closest real rooms
        # (30 people or more, free of charge not stated), apart, not counted as found.
        assert heading == "Nie znaleziono żadnej sali"
        closest = page.locator("#closest-heading")
        assert closest.inner_text().startswith("Najbliższe wyniki") and "Bezpłatnie" in closest.inner_text()
        cards = page.locator("ol.cards.closest > li.card")
        expected = {s.id for s in real if (s.capacity or 0) >= 30}
        assert {cards.nth(i).get_attribute("data-space") for i in range(cards.count())} == expected
    # Examples are never among the rooms counted or the closest ones.
    assert page.locator("ol.cards[aria-label] .card-example").count() == 0
    # Whom to call: the first room whose card shows a phone number.
    card = next((c for c in cards.all() if c.locator("a[href^='tel:']").count()), None)
    assert card is not None, "no real room of the answer has a phone number to call"
    name = card.locator("h3 a").inner_text()
    _open(page, card, records)
    steps(f"tap „{name}”, the first room whose card shows a phone number")
    assert _institution_has_phone(records, page.url.rsplit("/", 1)[-1].removesuffix(".html"))
    _contact_is_actionable(page, phone=True)
    shot(page, "free30-phone")
    steps.record(page, records)
    page.context.close()


def test_phone_projector_in_a_district(browser, live, records):
    """A projector in a district that has one: a real room if any states one, else the honest closest ones.

    In the reference files the only room said to have a projector is MOWiS's training room
    (reference/krakow-institutions.md), a city office rather than a cultural institution, so not
    in this summary: today only example rooms have one, and the page must say so.
    """
    venues = {v.id: v for v in records.venues}
    with_projector = [s for s in records.spaces if "projektor" in s.equipment and venues[s.venue].district]
    assert with_projector, "no room with a projector has a district in this data"
    real = [s for s in with_projector if not s.illustrative]
    districts_with_real = {venues[s.venue].district for s in records.spaces if not s.illustrative}
    # The district: one with a real projector room; else one where an example has a projector and real rooms exist.
    target = real[0] if real else next(s for s in with_projector if venues[s.venue].district in districts_with_real)
    district = venues[target.venue].district
    label = ROMAN[district - 1]
    steps = Steps(f"a projector in district {label}")
    page = open_page(browser, live, viewport=PHONE)
    page.goto(live + "/")
    page.get_by_label("Szukaj w nazwach i opisach").fill("projektor")
    steps("type „projektor” in „Szukaj w nazwach i opisach”")
    choice = page.get_by_label("Dzielnica")
    option = choice.locator(f"option[value='{district}']").inner_text()
    choice.select_option(str(district))
    steps(f"choose „{option.split(' (')[0]}” in „Dzielnica”")
    page.get_by_role("button", name="Szukaj").click()
    steps("tap „Szukaj”")
    page.wait_for_url("**dzielnica=*#wyniki")
    _results_on_first_screen(page)
    heading = page.locator("#results-heading").inner_text()
    if real:
        assert heading.startswith("Znaleziono")
        card = result_cards(page).first
    else:
        # The honest outcome: no real room states a projector; the district's real rooms are the
        # closest results, apart and not counted; the examples that have one are apart too, marked.
        assert heading == "Nie znaleziono żadnej sali"
        assert "projektor" in page.locator("#closest-heading").inner_text()
        examples = page.locator(".examples-group li.card")
        assert examples.count() and all("przyklad" in c.get_attribute("data-space") for c in examples.all())
        card = page.locator("ol.cards.closest > li.card").first
    name = card.locator("h3 a").inner_text()
    space_id = _open(page, card, records)
    steps(f"tap „{name}”, the first {'room found' if real else 'of the closest real rooms'}")
    space = next(s for s in records.spaces if s.id == space_id)
    assert venues[space.venue].district == district
    facts = page.locator(".key-facts").inner_text()
    if real:
        assert "projektor" in facts
    else:
        assert "projektor" not in facts  # the page claims nothing the source does not state
    _contact_is_actionable(page)
    shot(page, "projector-phone")
    steps.record(page, records)
    page.context.close()


def test_phone_workshop_room_for_children(browser, live, records):
    """A workshop room for children, typed as a person would: ends on a real workshop room."""
    steps = Steps("a workshop room for children")
    page = open_page(browser, live, viewport=PHONE)
    page.goto(live + "/")
    page.get_by_label("Szukaj w nazwach i opisach").fill("sala warsztatowa dla dzieci")
    steps("type „sala warsztatowa dla dzieci” in „Szukaj w nazwach i opisach”")
    page.get_by_role("button", name="Szukaj").click()
    steps("tap „Szukaj”")
    page.wait_for_url("**q=sala+warsztatowa+dla+dzieci*#wyniki")
    _results_on_first_screen(page)
    workshops = [s for s in records.spaces if not s.illustrative and "warsztat" in (s.name + s.type).lower()]
    assert workshops, "the data should hold a real workshop room"
    card = result_cards(page).first
    name = card.locator("h3 a").inner_text()
    space_id = _open(page, card, records)
    steps(f"tap „{name}”, the first result")
    space = next(s for s in records.spaces if s.id == space_id)
    assert "warsztat" in (space.name + space.type + space.description).lower()
    _contact_is_actionable(page)
    shot(page, "workshop-children-phone")
    steps.record(page, records)
    page.context.close()


def _marker_of(page, title: str):
    """The marker of a venue, zooming in through group markers until it stands alone."""
    for _ in range(8):
        marker = page.locator(f'#results-map .leaflet-marker-icon[title*="{title}"]').first
        marker.wait_for()
        if "kfl-marker-group" not in (marker.get_attribute("class") or ""):
            return marker
        marker.click()
        page.wait_for_timeout(400)  # the zoom animates
    raise AssertionError(f"no marker of its own for {title}")


def test_map_popups_mark_illustrative_rooms(browser, live, records):
    page = open_page(browser, live)
    page.goto(live + "/?q=sala")
    points = json.loads(page.locator("#results-map-data").text_content())
    ids = {s["url"].rsplit("/", 1)[-1].removesuffix(".html") for p in points for v in p["venues"] for s in v["spaces"]}
    venue = next(
        v
        for v in records.venues
        if v.latitude is not None and any(s.illustrative and s.id in ids for s in records.spaces if s.venue == v.id)
    )
    institution = next(i for i in records.institutions if i.id == venue.institution)
    marker = _marker_of(page, f"{venue.name} – {institution.name}")
    marker.focus()
    page.keyboard.press("Enter")
    items = page.locator(".leaflet-popup-content .popup-venue", has_text=venue.name).locator("li")
    items.first.wait_for()
    shown = {item.locator("a").inner_text(): item.locator(".badge-example").count() for item in items.all()}
    spaces = {s.name: s.illustrative for s in records.spaces if s.venue == venue.id and s.id in ids}
    assert shown == {name: int(illustrative) for name, illustrative in spaces.items()}
    assert page.locator(".leaflet-popup-content .badge-example").first.inner_text() == "Wpis przykładowy"
    page.context.close()


def test_markup_in_names_stays_text_in_the_browser(browser, hostile_live):
    """Names holding <script>, <img onerror> and <svg onload> show as text: in cards, pages, JSON-LD and popups."""
    page = open_page(browser, hostile_live)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(hostile_live + "/?q=" + EVIL_SPACE.split()[0] + "+script+alert")
    card = page.locator('li.card[data-space="bk-sala-warsztatowa-przyklad"]')
    assert card.locator("h3").inner_text() == EVIL_SPACE
    assert EVIL_INSTITUTION in card.inner_text() and EVIL_VENUE in card.inner_text()
    marker = _marker_of(page, EVIL_VENUE)
    marker.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert EVIL_SPACE in popup.inner_text() and EVIL_VENUE in popup.inner_text()
    page.goto(hostile_live + "/space/bk-sala-warsztatowa-przyklad.html")
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert data["name"] == EVIL_SPACE
    assert page.locator("h1").inner_text() == EVIL_SPACE
    page.goto(hostile_live + "/praktyki")
    assert EVIL_ORGANISATION in page.locator('[data-practice="przyklad-warsztaty-sasiedzkie"]').inner_text()
    for path in ("/institution/biblioteka-krakow.html", "/venue/bk-siedziba.html"):
        page.goto(hostile_live + path)
        page.locator(".leaflet-marker-icon").first.wait_for()
    assert dialogs == []
    assert (
        page.evaluate("document.querySelectorAll('img[src=\"x\"], svg[onload], main script:not([type])').length") == 0
    )
    page.context.close()


def test_withdrawn_room_answers_410_without_violations(browser, hostile_live):
    page = open_page(browser, hostile_live)
    response = page.goto(hostile_live + f"/space/{GONE}.html")
    assert response.status == 410
    assert page.locator("html").get_attribute("lang") == "pl"
    assert GONE in page.locator("main").inner_text()
    shot(page, "gone-desktop")
    assert axe_violations(page) == []
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
