"""The room finder an NGO acts on: word forms, ranking, examples apart, facets, chips, paging,
the space page's ways to act, the accessibility statement, compression and caching.

Expected answers are computed from the source tables the publication was built from.
"""

from __future__ import annotations

import gzip
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import brotli
import pytest

from kfl_lod.build import build
from kfl_lod.web import create_app
from kfl_lod.web.search import PAGE_SIZE
from support import make_settings
from test_pages import all_results, dom, fold, institution_of, result_ids, venue_of


@pytest.fixture(scope="module")
def app(published):
    return create_app(published)


@pytest.fixture
def client(app):
    return app.test_client()


def space(records, space_id):
    return next(s for s in records.spaces if s.id == space_id)


def real_ids(records) -> set[str]:
    return {s.id for s in records.spaces if not s.illustrative}


# --- words in their Polish forms --------------------------------------------------------------


@pytest.mark.parametrize("typed", ["projektor", "projektorem", "projektora", "PROJEKTORY"])
def test_equipment_is_found_in_any_form(client, records, typed):
    expected = {s.id for s in records.spaces if "projektor" in s.equipment}
    assert expected
    assert expected <= set(all_results(client, {"q": typed}))


@pytest.mark.parametrize("typed", ["warsztaty", "warsztatowa", "sali warsztatowej", "warsztatów"])
def test_workshop_forms_find_workshop_rooms(client, records, typed):
    expected = {s.id for s in records.spaces if "warsztat" in fold(s.name)}
    assert expected
    assert expected <= set(all_results(client, {"q": typed}))


def test_words_typed_without_polish_letters_meet_their_forms(client, records):
    expected = {s.id for s in records.spaces if "spotkań" in s.name.lower()}
    assert expected and expected <= set(all_results(client, {"q": "spotkan"}))


def test_filler_words_are_ignored(client):
    assert all_results(client, {"q": "szukam sali do spotkań dla naszej grupy"}) == all_results(
        client, {"q": "spotkań grupy"}
    )
    assert all_results(client, {"q": "sala na spotkania"}) == all_results(client, {"q": "spotkania"})


def test_number_of_people_in_the_text_is_used_as_the_filter(client, records):
    page = dom(client.get("/", query_string={"q": "sala na 30 osób"}))
    assert page.with_class("people-from-text")[0].text == "Z tekstu wyszukiwania: co najmniej 30 osób."
    assert set(all_results(client, {"q": "sala na 30 osób"})) == set(all_results(client, {"osoby": "30"}))


def test_search_covers_streets_institutions_and_types(client, records):
    venue = next(v for v in records.venues if v.street.startswith("ul. Powroźnicza"))
    in_street = {s.id for s in records.spaces if s.venue == venue.id}
    if in_street:
        assert in_street <= set(all_results(client, {"q": "Powroźniczej"}))
    institution = next(i for i in records.institutions if i.id == "biblioteka-krakow")
    mine = {s.id for s in records.spaces if institution_of(records, s).id == institution.id}
    assert mine <= set(all_results(client, {"q": "biblioteki"}))
    conference = {s.id for s in records.spaces if s.type == "sala-konferencyjna"}
    assert conference <= set(all_results(client, {"q": "konferencja"}))


def test_name_matches_rank_first(client, records):
    ids = all_results(client, {"q": "fontany"})
    assert ids[0] == "bk-pod-gruszka-sala-fontany"


# --- example records never pass for real ones -----------------------------------------------------


def test_examples_are_not_counted_and_come_apart_without_contacts(client, records):
    ids = all_results(client, {"q": "sala"})
    real = [i for i in ids if i in real_ids(records)]
    examples = [i for i in ids if i not in real_ids(records)]
    assert real and examples
    assert ids == real + examples  # real records first
    page = dom(client.get("/", query_string={"q": "sala"}))
    heading = page.one("h2", id="results-heading").text
    assert heading.startswith(f"Znaleziono {len(real)} ")
    assert page.with_class("examples-count")[0].text.startswith("Wpisy przykładowe nie są tu liczone; pasuje ich")
    # On the page that lists them, examples sit in their own group, each without contact links.
    last = dom(client.get("/", query_string={"q": "sala", "strona": str(-(-len(ids) // PAGE_SIZE))}))
    group = last.one("section", **{"class": "examples-group"})
    assert group.one("h2").text.startswith("Wpisy przykładowe")
    for card in group.with_class("card"):
        assert card.attrs["data-space"] not in real_ids(records)
        assert not [a for a in card.all("a") if a.attrs["href"].startswith(("mailto:", "tel:"))]
        assert card.with_class("example-no-contact")


def test_results_are_paged(client, records):
    page = dom(client.get("/?q="))
    assert len(result_ids(page)) == PAGE_SIZE
    pager = page.one("nav", **{"class": "pager"})
    assert len(pager.all("a")) == -(-len(records.spaces) // PAGE_SIZE)
    assert pager.one("a", **{"aria-current": "page"}).text == "1"
    assert client.get("/?strona=0").status_code == 400


# --- filters: counts, chips, what to drop -------------------------------------------------------------


def test_choices_show_how_many_rooms_they_give_and_zero_ones_are_disabled(client, records):
    page = dom(client.get("/?q="))
    for option in page.one("select", id="f-type").all("option")[1:]:
        rooms = [s for s in records.spaces if s.type == option.attrs["value"]]
        real = sum(not s.illustrative for s in rooms)
        assert re.search(rf"\({real}\b", option.text), option.text
        assert ("disabled" in option.attrs) == (not rooms)
    for box in page.one("form").all("input", type="checkbox", name="wyposazenie"):
        rooms = [s for s in records.spaces if box.attrs["value"] in s.equipment]
        assert ("disabled" in box.attrs) == (not rooms)
    disabled = [o for o in page.one("select", id="f-district").all("option") if "disabled" in o.attrs]
    with_district = {v.district for v in records.venues if v.district and any(s.venue == v.id for s in records.spaces)}
    assert len(disabled) == 18 - len(with_district)
    # Counts follow the search; a choice is disabled only when no room at all has it (the person may be
    # changing the other fields before searching again).
    narrow = dom(client.get("/?q=fontany"))
    types = {o.attrs["value"]: o for o in narrow.one("select", id="f-type").all("option")[1:]}
    assert "(0" in types["sala-konferencyjna"].text and "disabled" not in types["sala-konferencyjna"].attrs


def test_active_filters_are_chips_that_remove_one_filter(client):
    params = {"q": "sala", "rodzaj": "sala-spotkan", "bezplatnie": "tak"}
    page = dom(client.get("/", query_string=params))
    chips = page.one("ul", **{"class": "chips"}).all("a")
    assert len(chips) == 3
    for chip in chips:
        left = parse_qs(urlsplit(chip.attrs["href"]).query)
        assert len([k for k in params if k in left]) == 2
        assert chip.text.startswith("Usuń filtr:")  # read out; shown as the filter and ×


def test_an_empty_result_names_the_filter_to_drop(client, records):
    params = {"rodzaj": "sala-kinowa", "osoby": "1000"}
    page = dom(client.get("/", query_string=params))
    assert not [i for i in result_ids(page) if i in real_ids(records)]
    drop = page.one("ul", **{"class": "drops"}).all("a")[0]
    assert drop.text.startswith("Usuń filtr „Co najmniej tyle osób")
    after = dom(client.get(drop.attrs["href"]))
    assert [i for i in result_ids(after) if i in real_ids(records)]


def _district_of(records, space) -> int | None:
    return next(v.district for v in records.venues if v.id == space.venue)


def test_with_no_real_match_the_closest_real_rooms_are_shown_apart_and_not_counted(client, records):
    """A projector in a district: no real room states one, so the district's real rooms come, said to be closest."""
    projector = [s for s in records.spaces if "projektor" in s.equipment and _district_of(records, s)]
    assert not [s for s in projector if not s.illustrative], "a real room states a projector now: rework this test"
    real_in = {}
    for s in records.spaces:
        if not s.illustrative and _district_of(records, s):
            real_in.setdefault(_district_of(records, s), set()).add(s.id)
    district = next(_district_of(records, s) for s in projector if _district_of(records, s) in real_in)
    page = dom(client.get("/", query_string={"q": "projektor", "dzielnica": str(district)}))
    assert page.one(id="results-heading").text == "Nie znaleziono żadnej sali"
    group = page.with_class("closest-group")[0]
    assert group.one("h2").text.startswith("Najbliższe wyniki") and "projektor" in group.one("h2").text
    closest = [li.attrs["data-space"] for li in group.with_class("card")]
    assert set(closest) == real_in[district]  # the district's real rooms, none of them claimed to have one
    examples = [li.attrs["data-space"] for li in page.one(id="examples-heading").parent.with_class("card")]
    assert {s.id for s in projector if _district_of(records, s) == district} == set(examples)
    assert not set(closest) & set(result_ids(page))  # shown, never counted as found
    # With no other filter left, "closest" would be every room: only the filter to drop is offered.
    alone = dom(client.get("/", query_string={"q": "projektor"}))
    assert not alone.with_class("closest-group") and alone.with_class("drops")


# --- the space page, for acting --------------------------------------------------------------------


def test_space_page_has_route_request_and_way_back(hostile_client_factory):
    client, records = hostile_client_factory
    response = client.get(
        "/space/bk-pod-gruszka-sala-fontany.html", headers={"Referer": "http://localhost/?q=fontany&x=<b>"}
    )
    page = dom(response)
    back = page.one("p", **{"class": "back"}).one("a")
    assert back.attrs["href"] == "/?q=fontany#wyniki" and back.text == "← Wróć do wyników"
    request_link = next(a for a in page.all("a") if a.text.startswith("Napisz prośbę"))
    parts = urlsplit(request_link.attrs["href"])
    assert parts.scheme == "mailto" and parts.path == "ngo@example.org"
    body = parse_qs(parts.query)["body"][0]
    assert "Sala Fontany" in body and "Liczba osób" in body
    venue = venue_of(records, space(records, "bk-pod-gruszka-sala-fontany"))
    route = page.one("p", **{"class": "route"}).all("a")[0].attrs["href"]
    assert route.startswith("https://www.openstreetmap.org/")
    if venue.latitude is not None:
        assert str(venue.latitude) in route
    # The raw data table sits behind a "details" element, below what one acts on.
    assert page.one("details", **{"class": "all-data"}).all("table")
    # A referrer from elsewhere gives the plain way back to the search.
    other = dom(client.get("/space/bk-pod-gruszka-sala-fontany.html", headers={"Referer": "https://evil.example/?q=x"}))
    assert other.one("p", **{"class": "back"}).one("a").attrs["href"] == "/"


@pytest.fixture(scope="module")
def hostile_client_factory(hostile):
    return create_app(hostile[0]).test_client(), hostile[1]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    from test_pages import edit_row

    tmp = tmp_path_factory.mktemp("finder")
    settings = make_settings(
        tmp,
        contact_email="poprawki@example.org",
        accessibility_coordinator="Jan Dostępny",
        accessibility_email="dostepnosc@example.org",
        accessibility_phone="+48 12 000 00 00",
        site_published="2026-03-02",
        site_updated="2026-12-01",
        accessibility_declared="2026-12-01",
        map_tiles="https://{s}.tiles.example.net/{z}/{x}/{y}.png",
        map_tiles_operator="Example Tiles",
    )
    edit_row(
        settings.source / "instytucje.csv",
        "biblioteka-krakow",
        email="sekretariat@example.org",
        kontakt_email="ngo@example.org",
        kontakt_telefon="+48 600-100-200",
    )
    assert build(settings, today=date(2026, 3, 2)).report.conforms
    from kfl_lod.source import read_source

    return settings, read_source(settings.source)


def test_a_derived_district_says_so_and_credits_openstreetmap_wherever_it_is_shown(client, records):
    venue, room = next(
        (v, s)
        for v in records.venues
        if v.district and v.district_method == "point-in-polygon"
        for s in records.spaces
        if s.venue == v.id and not s.illustrative
    )
    osm = "https://www.openstreetmap.org/copyright"
    for path in (f"/space/{room.id}.html", f"/venue/{venue.id}.html"):
        derived = dom(client.get(path)).with_class("derived")[0]
        assert "wyliczona ze współrzędnych" in derived.text and "OpenStreetMap" in derived.text
        assert [a.attrs["href"] for a in derived.all("a")] == [osm], path
    results = dom(client.get("/", query_string={"dzielnica": str(venue.district)}))
    card = next(c for c in results.with_class("card") if c.attrs.get("data-space") == room.id)
    assert "wyliczona z OpenStreetMap" in card.text
    for page in (results, dom(client.get("/"))):  # the results, and the home page's rooms per district
        credit = page.with_class("district-credit")[0]
        assert osm in [a.attrs["href"] for a in credit.all("a")] and "ODbL" in credit.text
    room = next(
        s
        for v in records.venues
        if v.district and v.district_method == "stated"
        for s in records.spaces
        if s.venue == v.id
    )
    assert not dom(client.get(f"/space/{room.id}.html")).with_class("derived")


def test_a_contact_from_an_undated_source_says_the_source_gives_no_date(client, records):
    institution = next(
        i for i in records.institutions if (i.email or i.phone) and i.email_phone_source and not i.email_phone_date
    )
    venue = next(v for v in records.venues if v.institution == institution.id)
    room = next(s for s in records.spaces if s.venue == venue.id)
    stated = dom(client.get(f"/space/{room.id}.html")).one("ul", **{"class": "contact"}).with_class("stated-on")
    assert stated and "źródło nie podaje daty" in stated[0].text
    assert stated[0].one("a").attrs["href"] == institution.email_phone_source.split()[0]


def test_practices_page_lists_real_practices_first_and_links_the_venue_where_no_room_is_named(client, records):
    page = dom(client.get("/praktyki"))
    listed = [li.attrs["data-practice"] for li in page.with_class("card")]
    illustrative = {p.id for p in records.practices if p.illustrative}
    assert listed and listed == sorted(listed, key=lambda i: i in illustrative)  # real ones first
    assert set(listed) - illustrative == {p.id for p in records.practices if not p.illustrative}
    at_venue = next(p for p in records.practices if p.venue and not p.space)
    card = next(li for li in page.with_class("card") if li.attrs["data-practice"] == at_venue.id)
    assert f"/venue/{at_venue.venue}.html" in [a.attrs["href"] for a in card.all("a")]


# --- the accessibility statement, tiles ---------------------------------------------------------


# The parts of a "deklaracja dostępności" the act of 4 April 2019 (art. 10) and the ministry's
# "Warunki techniczne publikacji oraz struktura dokumentu elektronicznego deklaracji dostępności"
# (v2.0, 31 July 2024) require: section heading -> the ids that must be inside it or next to it.
REQUIRED_SECTIONS = {
    "Deklaracja dostępności": {"a11y-wstep", "a11y-podmiot", "a11y-zakres", "a11y-url"},
    "Stan dostępności cyfrowej": {"a11y-status"},
    "Przygotowanie deklaracji dostępności i jej aktualizacja": {"a11y-data-sporzadzenie"},
    "Skróty klawiszowe": set(),
    "Informacje zwrotne i dane kontaktowe": {"a11y-kontakt", "a11y-osoba", "a11y-email", "a11y-telefon"},
    "Obsługa wniosków i skarg związanych z dostępnością": {"a11y-procedura"},
    "Pozostałe informacje": {"a11y-aplikacje", "a11y-architektura", "a11y-komunikacja"},
}
DATES = {"a11y-data-publikacja", "a11y-data-aktualizacja", "a11y-data-sporzadzenie"}
STATUSES = ("jest zgodna z ustawą", "jest częściowo zgodna z ustawą", "jest niezgodna z ustawą")


def _sections(page) -> dict[str, set[str]]:
    """Each h1/h2 heading's text -> the ids found from it up to the next h2."""
    sections: dict[str, set[str]] = {}
    current = None
    for el in page.iter():
        if el.tag in ("h1", "h2"):
            current = " ".join(el.text.split())
            sections[current] = set()
        if current is not None and el.attrs.get("id"):
            sections[current].add(el.attrs["id"])
    return sections


def test_accessibility_statement_has_every_required_section_filled_from_settings(hostile_client_factory):
    client, _ = hostile_client_factory
    page = dom(client.get("/deklaracja-dostepnosci"))
    sections = _sections(page)
    for heading, ids in REQUIRED_SECTIONS.items():
        assert heading in sections, f"no section {heading!r}: {list(sections)}"
        assert ids <= sections[heading], (heading, ids - sections[heading])
    ids = [el.attrs["id"] for el in page.iter() if el.attrs.get("id", "").startswith("a11y-")]
    assert len(ids) == len(set(ids)), "an a11y id is used twice"
    assert page.one("h1").attrs["id"] == "a11y-deklaracja"
    # Dates from the settings, each as <time datetime>; the review date appears only once there was one.
    for id_ in DATES:
        assert page.one(id=id_).tag == "time" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", page.one(id=id_).attrs["datetime"])
    assert page.one(id="a11y-data-publikacja").attrs["datetime"] == "2026-03-02"
    assert page.one(id="a11y-data-sporzadzenie").attrs["datetime"] == "2026-12-01"
    assert "a11y-data-przeglad" not in ids
    # Status: one of the template's three sentences; partial, with the non-accessible content listed.
    status = page.one(id="a11y-status").text
    assert sum(s in status for s in STATUSES) == 1 and "częściowo zgodna" in status
    assert "Niedostępne treści" in page.text
    assert "tiles.example.net" in page.one(id="a11y-wylaczenia").text
    assert "Example Tiles" in page.one(id="a11y-wylaczenia").text
    assert "samooceny" in page.one(id="a11y-metoda").text
    # Feedback and contact, from the settings, as links.
    assert page.one(id="a11y-osoba").text == "Jan Dostępny"
    assert page.one(id="a11y-email").attrs["href"] == "mailto:dostepnosc@example.org"
    assert page.one(id="a11y-telefon").attrs["href"] == "tel:+48120000000"
    # The procedure: request (żądanie), 7 days, 2 months, complaint (skarga), the Ombudsman with a link.
    procedure = page.one(id="a11y-procedura")
    for words in ("żądaniem zapewnienia dostępności", "7 dni", "2 miesiące", "skargę", "Rzecznika Praw Obywatelskich"):
        assert words in procedure.text, words
    assert any("brpo.gov.pl" in a.attrs["href"] for a in procedure.all("a"))
    # Architecture: the seat from the settings; what the settings do not give is marked, not invented.
    building = page.one(id="a11y-architektura")
    assert "ul. Wielopole 17a, 31-072 Kraków" in building.text
    assert building.with_class("not-given") and "accessibility_building" in building.text
    assert page.one(id="a11y-komunikacja").with_class("not-given")
    # Every page links to it (footer) and names it in a meta tag.
    home = dom(client.get("/"))
    assert "/deklaracja-dostepnosci" in [a.attrs["href"] for a in home.one("footer").all("a")]
    meta = next(m for m in home.all("meta") if m.attrs.get("name") == "deklaracja-dostępności")
    assert meta.attrs["content"].endswith("/deklaracja-dostepnosci")


def test_accessibility_statement_marks_what_the_settings_do_not_give(client):
    """Without the coordinator, phone and dates, the required ids stay, each saying what is missing."""
    page = dom(client.get("/deklaracja-dostepnosci"))
    for id_ in ("a11y-osoba", "a11y-telefon", "a11y-data-publikacja", "a11y-data-sporzadzenie"):
        element = page.one(id=id_)
        assert "not-given" in element.attrs.get("class", ""), id_
        assert "nie podano" in element.text and "ustawieniach" in element.text
    english = dom(client.get("/deklaracja-dostepnosci?lang=en"))
    assert {"a11y-status", "a11y-procedura", "a11y-architektura"} <= {e.attrs.get("id") for e in english.iter()}
    assert "not given" in english.one(id="a11y-osoba").text


def test_accessibility_settings_are_checked(tmp_path):
    from kfl_lod.errors import SettingsError

    with pytest.raises(SettingsError, match=r"site_published: '2\.3\.2026' is not a date; expected YYYY-MM-DD"):
        make_settings(tmp_path, site_published="2.3.2026")
    with pytest.raises(SettingsError, match="accessibility_building_url"):
        make_settings(tmp_path, accessibility_building_url="javascript:alert(1)")
    building = "Wejście od ul. Przykładowej bez progów (tekst z ustawień)."
    settings = make_settings(tmp_path, accessibility_building=building, accessibility_reviewed="2027-03-31")
    page = dom(create_app(settings).test_client().get("/deklaracja-dostepnosci"))
    assert building in page.one(id="a11y-architektura").text
    assert not page.one(id="a11y-architektura").with_class("not-given")
    assert page.one(id="a11y-data-przeglad").attrs["datetime"] == "2027-03-31"


def test_tile_server_is_a_setting_named_in_the_csp_and_the_page(hostile_client_factory):
    client, _ = hostile_client_factory
    response = client.get("/?q=")
    assert "https://*.tiles.example.net" in response.headers["Content-Security-Policy"]
    assert "tile.openstreetmap.org" not in response.headers["Content-Security-Policy"]
    page = dom(response)
    assert page.one("div", id="results-map").attrs["data-tiles"] == "https://{s}.tiles.example.net/{z}/{x}/{y}.png"
    assert "Example Tiles" in page.with_class("map-third-party")[0].text


# --- compression, caching, favicon, meta -------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/?q=sala", "/space/krzysztofory-spotka-sala-spotkan.html", "/o-danych"])
def test_pages_are_compressed_brotli_or_gzip(client, path):
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    br = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["Content-Encoding"] == "br" and "Accept-Encoding" in br.headers["Vary"]
    assert brotli.decompress(br.data) == plain.data
    gz = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and gzip.decompress(gz.data) == plain.data
    assert len(br.data) < len(plain.data) / 2


def test_versioned_static_files_are_cached_for_a_year(client):
    page = client.get("/").get_data(as_text=True)
    for url in re.findall(r'(?:href|src)="(/static/[^"]+)"', page):
        assert "?v=" in url, url
        response = client.get(url, headers={"Accept-Encoding": "br"})
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304
    unversioned = client.get("/static/style.css")
    assert unversioned.headers["Cache-Control"] == "public, max-age=3600"
    assert client.get("/static/../pages.py").status_code == 404


def test_favicon_and_a_description_per_page(client):
    seen = set()
    for path in (
        "/",
        "/?q=sala",
        "/space/krzysztofory-spotka-sala-spotkan.html",
        "/o-danych",
        "/deklaracja-dostepnosci",
    ):
        page = dom(client.get(path))
        icon = next(link for link in page.all("link") if link.attrs.get("rel") == "icon")
        assert client.get(icon.attrs["href"]).status_code == 200
        description = next(m for m in page.all("meta") if m.attrs.get("name") == "description").attrs["content"]
        assert len(description) > 40
        seen.add(description)
    assert len(seen) >= 4


# --- kfl.xlsx ---------------------------------------------------------------------------------------


def test_xlsx_holds_the_csv_rows_for_excel_users(published, tmp_path):
    import csv
    import io

    from openpyxl import load_workbook

    from kfl_lod import xlsx

    folder = published.published / "latest"
    rows = list(csv.reader(io.StringIO((folder / "kfl.csv").read_text(encoding="utf-8"))))
    book = load_workbook(folder / "kfl.xlsx")
    sheet = book.active
    got = [["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    assert got[0] == rows[0]
    numeric = {i for i, h in enumerate(rows[0]) if xlsx.NUMERIC.search(h)}
    for want, have in zip(rows[1:], got[1:], strict=True):
        for i, (a, b) in enumerate(zip(want, have, strict=True)):
            assert (float(a) == float(b)) if (i in numeric and a) else a == b
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    capacity = rows[0].index("liczba_miejsc")
    assert any(isinstance(r[capacity], int) for r in sheet.iter_rows(min_row=2, values_only=True))
    # A text that looks like a formula stays text; the same rows give the same bytes.
    table = b'nazwa,liczba_miejsc\r\n=HYPERLINK("http://x"),12\r\n'
    again = load_workbook(io.BytesIO(xlsx.from_csv(table)))
    cell = again.active["A2"]
    assert cell.data_type == "s" and cell.value.startswith("=")
    assert xlsx.from_csv(table) == xlsx.from_csv(table)


def test_xlsx_is_served_with_the_dumps(client):
    response = client.get("/dumps/kfl.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    about = dom(client.get("/o-danych"))
    assert "/dumps/kfl.xlsx" in [a.attrs["href"] for a in about.all("a")]
