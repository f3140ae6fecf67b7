"""The clerk's pages in a real browser: check a workbook on /sprawdz, sign in, publish, undo.

Playwright drives Debian's chromium against a live server with publishing on; axe-core
(from node_modules) finds 0 WCAG 2.1 AA violations on every state of the page;
screenshots go to tests/screenshots/ at desktop and phone widths.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from browsing import DESKTOP, PHONE, SHOTS, axe_violations
from kfl_lod import publication_log
from kfl_lod.build import build
from kfl_lod.publishers import new_entry
from kfl_lod.template import as_bytes, source_rows
from support import make_settings

pytestmark = [pytest.mark.browser, pytest.mark.server]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site(tmp_path_factory, start_module_server):
    tmp = tmp_path_factory.mktemp("check-browser")
    line, token = new_entry("urzednik")
    (tmp / "publishers.txt").write_text(line + "\n")
    settings = make_settings(tmp, publishers=str(tmp / "publishers.txt"), publish_log=tmp / "log")
    assert build(settings, today=date(2026, 3, 2)).report.conforms
    rows = source_rows(settings.source)
    bad = {k: [dict(r) for r in v] for k, v in rows.items()}
    bad["przestrzenie"][0]["liczba_miejsc"] = "ok. 40"
    bad["przestrzenie"][1]["rodzaj"] = "sala spotkań"
    bad["lokalizacje"][0]["kod_pocztowy"] = "31154"
    (tmp / "z-bledami.xlsx").write_bytes(as_bytes("xlsx", bad))
    good = {k: [dict(r) for r in v] for k, v in rows.items()}
    good["przestrzenie"][0]["nazwa"] = "Sala po zmianie (przykład)"
    good["przestrzenie"][0]["liczba_miejsc"] = 41
    (tmp / "poprawny.xlsx").write_bytes(as_bytes("xlsx", good))
    return settings, start_module_server(settings), token, tmp


def open_page(browser, live, viewport=DESKTOP, locale="pl-PL"):
    context = browser.new_context(viewport=viewport, locale=locale)
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(live) else route.abort())
    page.set_default_timeout(60000)
    return page


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_check_a_workbook_with_problems(browser, site):
    settings, live, _, tmp = site
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = open_page(browser, live, viewport)
        page.goto(live + "/sprawdz")
        assert page.locator("h1").inner_text() == "Sprawdź arkusz przed publikacją"
        assert axe_violations(page) == []
        shot(page, f"check-{name}")
        page.get_by_label("Skoroszyt albo pliki CSV").set_input_files(str(tmp / "z-bledami.xlsx"))
        page.get_by_role("button", name="Sprawdź", exact=True).click()
        page.wait_for_selector("#result-heading")
        assert page.get_by_role("heading", name="Do poprawienia: 3").is_visible()
        rows = page.locator("table.check-problems tbody tr")
        assert rows.count() == 3
        texts = [rows.nth(i).inner_text() for i in range(3)]
        assert any("kod_pocztowy" in t and "31154" in t and "31-154" in t for t in texts)
        assert any("rodzaj" in t and "sala-spotkan" in t for t in texts)
        assert page.get_by_role("button", name="Opublikuj").count() == 0
        assert axe_violations(page) == []
        if name == "phone":
            no_sideways_scroll(page)
        shot(page, f"check-problems-{name}")
        page.context.close()


def test_sign_in_check_publish_and_undo(browser, site):
    settings, live, token, tmp = site
    first = (settings.published / "latest").resolve().name
    page = open_page(browser, live, PHONE)
    page.goto(live + "/sprawdz")
    page.get_by_label("Nazwa").fill("urzednik")
    page.get_by_label("Klucz dostępu").fill(token)
    page.get_by_role("button", name="Zaloguj").click()
    page.wait_for_selector("text=Zalogowano jako urzednik.")
    assert axe_violations(page) == []

    page.get_by_label("Skoroszyt albo pliki CSV").set_input_files(str(tmp / "poprawny.xlsx"))
    page.get_by_role("button", name="Sprawdź", exact=True).click()
    page.wait_for_selector("#result-heading")
    assert page.get_by_text("Nie znaleziono problemów").is_visible()
    assert page.get_by_role("heading", name="Zmienione: 1").is_visible()
    assert "Sala po zmianie (przykład)" in page.locator("table.changes-table").inner_text()
    assert axe_violations(page) == []
    no_sideways_scroll(page)
    shot(page, "check-ready-phone")

    page.get_by_role("button", name="Opublikuj").click()
    page.wait_for_selector("#outcome-heading")
    release = (settings.published / "latest").resolve().name
    assert release != first
    assert f"Opublikowano wydanie {release}" in page.locator("section.notice").inner_text()
    assert publication_log.entries(settings.publish_log)[-1]["who"] == "urzednik"
    assert page.locator("table.log").inner_text().count("poprawny.xlsx") == 1
    assert axe_violations(page) == []
    shot(page, "check-published-phone")

    page.get_by_role("button", name="Cofnij ostatnią publikację").click()
    page.wait_for_selector("#outcome-heading")
    assert f"z treścią wydania {first}" in page.locator("section.notice").inner_text()
    page.set_viewport_size(DESKTOP)
    assert axe_violations(page) == []
    shot(page, "check-undone-desktop")
    page.get_by_role("button", name="Wyloguj").click()
    page.wait_for_selector("text=Zaloguj się, aby publikować")


def test_check_page_in_english(browser, site):
    settings, live, _, tmp = site
    page = open_page(browser, live, DESKTOP, locale="en-GB")
    page.goto(live + "/sprawdz?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("Workbook or CSV files").set_input_files(str(tmp / "z-bledami.xlsx"))
    page.get_by_role("button", name="Check", exact=True).click()
    page.wait_for_selector("#result-heading")
    assert page.get_by_role("heading", name="To fix: 3").is_visible()
    assert axe_violations(page) == []
    shot(page, "check-problems-desktop-en")
