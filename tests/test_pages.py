"""The HTML pages: search, good practices, about, and one page per thing.

Pages are checked by their structure (parsed HTML), and every expected answer is
computed from the source tables the publication was built from.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from rdflib import URIRef
from rdflib.namespace import SKOS

from htmldoc import El, dom
from kfl_lod.build import build
from kfl_lod.source import read_source
from kfl_lod.web import create_app
from support import make_settings

BASE = "https://kfl.krakow.pl/"
ROOT = Path(__file__).resolve().parent.parent
EVIL_INSTITUTION = 'Biblioteka <script>alert("i")</script> & „Kraków”'
EVIL_SPACE = "Sala </script><script>alert(1)</script> (przykład)"
EVIL_DESCRIPTION = "Spotkania jak w Łodzi <img src=x onerror=alert(2)> – ŁÓDŹ"


def fold(value: str) -> str:
    value = value.replace("ł", "l").replace("Ł", "L")
    return "".join(c for c in unicodedata.normalize("NFD", value) if unicodedata.category(c) != "Mn").lower()


def result_ids(page: El) -> list[str]:
    """The rooms found (the closest results shown when none is, are not among them)."""
    closest = {
        li.attrs.get("data-space") for group in page.with_class("closest-group") for li in group.with_class("card")
    }
    return [
        li.attrs["data-space"] for li in page.with_class("card") if li.attrs.get("data-space") not in closest | {None}
    ]


def all_results(client, params=None, path: str = "/") -> list[str]:
    """Every result of a search, following its pages (real records first, then illustrative ones)."""
    params = dict(params or {})
    params.setdefault("q", "")
    ids: list[str] = []
    number = 1
    while True:
        page = dom(client.get(path, query_string={**params, "strona": str(number)}))
        ids += result_ids(page)
        pager = page.with_class("pager")
        if not pager or number >= len(pager[0].all("a")):
            return ids
        number += 1


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app(published):
    return create_app(published)


@pytest.fixture
def client(app):
    return app.test_client()


def edit_row(path: Path, row_id: str, **changes: str) -> None:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        headers, rows = reader.fieldnames, list(reader)
    assert any(r["id"] == row_id for r in rows), f"{row_id} not in {path}"
    for row in rows:
        if row["id"] == row_id:
            row.update(changes)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=headers)
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A publication whose rows hold markup, contacts, districts, access and opening hours."""
    tmp = tmp_path_factory.mktemp("hostile")
    settings = make_settings(tmp, contact_email="poprawki@example.org")
    edit_row(
        settings.source / "instytucje.csv",
        "biblioteka-krakow",
        nazwa=EVIL_INSTITUTION,
        email="sekretariat@example.org",
        telefon="+48 12 345 67 89",
        kontakt_osoba="Anna Przykładowa",
        kontakt_zgoda="tak",
        kontakt_email="ngo@example.org",
        kontakt_telefon="+48 600-100-200",
    )
    edit_row(
        settings.source / "lokalizacje.csv",
        "bk-siedziba",
        dzielnica="I",
        dostep_wozki="tak",
        godziny_otwarcia="Mo-Fr 10:00-18:00, Sa 10:00-14:00",
    )
    edit_row(settings.source / "lokalizacje.csv", "dworek-siedziba", dzielnica="4", dostep_wozki="nie")
    edit_row(
        settings.source / "przestrzenie.csv",
        "bk-sala-warsztatowa-przyklad",
        nazwa=EVIL_SPACE,
        opis=EVIL_DESCRIPTION,
        zweryfikowano="2026-02-19",
    )
    result = build(settings, today=date(2026, 3, 2))
    assert result.report.conforms, [str(r) for r in result.report.violations]
    return settings, read_source(settings.source)


@pytest.fixture(scope="module")
def hostile_client(hostile):
    return create_app(hostile[0]).test_client()


def venue_of(records, space):
    return next(v for v in records.venues if v.id == space.venue)


def institution_of(records, space):
    venue = venue_of(records, space)
    return next(i for i in records.institutions if i.id == venue.institution)


# --- search ------------------------------------------------------------------------------------


def test_home_page_is_a_short_start_and_every_space_one_tap_away(client, records):
    response = client.get("/", headers={"Accept-Language": "pl"})
    assert response.status_code == 200
    page = dom(response)
    assert page.one("html").attrs["lang"] == "pl"
    assert result_ids(page) == []  # a start, not every room
    start = page.one("section", id="wyniki")
    real = [s for s in records.spaces if not s.illustrative]
    show_all = start.one("a", **{"class": "button"})
    assert show_all.text == f"Pokaż wszystkie sale ({len(real)})"
    largest = sorted((s for s in real if s.capacity), key=lambda s: -s.capacity)[:5]
    assert [a.attrs["href"] for a in start.one("ul", **{"class": "largest"}).all("a")] == [
        f"/space/{s.id}.html" for s in largest
    ]
    ids = all_results(client)
    assert sorted(ids) == sorted(s.id for s in records.spaces) and len(ids) == len(set(ids))
    # Real records first, then the illustrative ones.
    flags = [next(s.illustrative for s in records.spaces if s.id == i) for i in ids]
    assert flags == sorted(flags)
    for card in dom(client.get("/?q=")).with_class("card"):
        link = card.one("h3").one("a")
        assert link.attrs["href"] == f"/space/{card.attrs['data-space']}.html"


def test_search_form_is_plain_get_with_labelled_fields(client):
    page = dom(client.get("/?q="))
    form = page.one("form", role="search")
    # A submitted search lands on the results (on a phone the form fills the first screens).
    assert form.attrs["method"] == "get" and form.attrs["action"] == "/#wyniki"
    assert page.one("section", id="wyniki").one("h2", id="results-heading")
    labelled = {label.attrs["for"] for label in form.all("label")}
    for field in form.all("input") + form.all("select"):
        if field.attrs.get("type") in ("hidden", "submit"):
            continue
        assert field.attrs["id"] in labelled, f"field {field.attrs.get('name')} has no label"
    names = {f.attrs["name"] for f in form.all("input") + form.all("select") if "name" in f.attrs}
    assert names >= {"q", "dzielnica", "rodzaj", "osoby", "bezplatnie", "forma", "wyposazenie", "bez_schodow"}


@pytest.mark.parametrize("query", ["podgorza", "PODGÓRZA", "Podgórza", "podgÓrza"])
def test_text_search_ignores_case_and_diacritics(client, records, query):
    expected = {s.id for s in records.spaces if "podgorza" in fold(institution_of(records, s).name)}
    assert expected
    found = set(all_results(client, {"q": query}))
    assert expected <= found
    for space_id in found - expected:  # anything else found says Podgórze (district, street, …) on its page
        assert "podgor" in fold(dom(client.get(f"/space/{space_id}.html")).one("main").text)


def test_text_search_finds_lodz_without_diacritics(hostile_client, hostile):
    _, records = hostile
    expected = {s.id for s in records.spaces if "lodz" in fold(s.description)}
    assert expected == {"bk-sala-warsztatowa-przyklad"}
    assert set(result_ids(dom(hostile_client.get("/?q=lodz")))) == expected


def test_text_search_lower_case_finds_capitalised_names(client, records):
    found = set(all_results(client, {"q": "sala"}))
    assert "bk-pod-gruszka-sala-fontany" in found  # "Sala Fontany"
    assert {s.id for s in records.spaces if s.name.startswith("Sala")} <= found


def test_every_word_must_match(client, records):
    page = dom(client.get("/?q=fontany"))
    assert result_ids(page) == ["bk-pod-gruszka-sala-fontany"]
    assert page.one("h2", id="results-heading").text == "Znaleziono 1 salę"
    # No room has both words: the closest are shown, and the page says so.
    page = dom(client.get("/?q=fontany+zzzzz"))
    assert result_ids(page)[0] == "bk-pod-gruszka-sala-fontany"
    assert page.one("h2", id="results-heading").text == "Żadna sala nie pasuje do wszystkich słów"
    assert page.with_class("partial")


@pytest.mark.parametrize("query", ["galeria", "scena", "sala", "spotkań"])  # 2–4 and 5+ rooms
def test_result_count_reads_as_polish(client, records, query):
    illustrative = {s.id for s in records.spaces if s.illustrative}
    n = len([i for i in all_results(client, {"q": query}) if i not in illustrative])  # examples are not counted
    assert n > 1
    form = "salę" if n == 1 else "sale" if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14) else "sal"
    assert (
        dom(client.get("/", query_string={"q": query})).one("h2", id="results-heading").text == f"Znaleziono {n} {form}"
    )


@pytest.mark.parametrize(
    "params, keep",
    [
        ({"rodzaj": "sala-spotkan"}, lambda s, v: s.type == "sala-spotkan"),
        ({"osoby": "100"}, lambda s, v: s.capacity is not None and s.capacity >= 100),
        ({"bezplatnie": "tak"}, lambda s, v: s.free_of_charge is True),
        (
            {"forma": ["wspolorganizacja", "umowa-o-wspolpracy"]},
            lambda s, v: bool({"wspolorganizacja", "umowa-o-wspolpracy"} & set(s.sharing_modes)),
        ),
        ({"forma": "odplatny-najem"}, lambda s, v: "odplatny-najem" in s.sharing_modes),
        ({"wyposazenie": ["projektor", "internet"]}, lambda s, v: {"projektor", "internet"} <= set(s.equipment)),
        ({"bez_przykladow": "tak"}, lambda s, v: not s.illustrative),
        (
            {"rodzaj": "sala-konferencyjna", "osoby": "50"},
            lambda s, v: s.type == "sala-konferencyjna" and (s.capacity or 0) >= 50,
        ),
    ],
)
def test_filters_match_the_source(client, records, params, keep):
    expected = {s.id for s in records.spaces if keep(s, venue_of(records, s))}
    assert expected, "the filter should find something in the bundled data"
    response = client.get("/", query_string=params)
    assert response.status_code == 200
    assert set(all_results(client, params)) == expected


@pytest.mark.parametrize(
    "params, keep",
    [
        ({"dzielnica": "1"}, lambda s, v: v.district == 1),
        ({"dzielnica": "4"}, lambda s, v: v.district == 4),
        ({"bez_schodow": "tak"}, lambda s, v: v.step_free is True),
    ],
)
def test_district_and_step_free_filters(hostile_client, hostile, params, keep):
    _, records = hostile
    expected = {s.id for s in records.spaces if keep(s, venue_of(records, s))}
    assert expected
    assert set(all_results(hostile_client, params)) == expected


def unknown_notes(page: El) -> list[str]:
    return [p.text for p in page.one("section", id="wyniki").with_class("excluded")]


def test_filter_says_how_many_spaces_lack_the_fact(client, records):
    page = dom(client.get("/?osoby=50"))
    lacking = sum(s.capacity is None for s in records.spaces)
    assert lacking
    assert unknown_notes(page) == [
        f"Sale, których dane nie mówią nic o tym warunku (Co najmniej tyle osób), nie są pokazane; jest ich: {lacking}."
    ]


def test_rooms_lacking_several_facts_are_counted_once(client, records):
    """30 people, free of charge: a room that states neither might still fit, and is counted."""

    def might_fit(s):
        fits = {"people": s.capacity is None or s.capacity >= 30, "free": s.free_of_charge is not False}
        unknown = s.capacity is None or s.free_of_charge is None
        shown = s.capacity is not None and s.capacity >= 30 and s.free_of_charge is True
        return all(fits.values()) and unknown and not shown

    expected = sum(might_fit(s) for s in records.spaces)
    both = sum(s.capacity is None and s.free_of_charge is None for s in records.spaces)
    assert expected and both, "the bundled data should have rooms lacking one and both facts"
    page = dom(client.get("/?osoby=30&bezplatnie=tak"))
    assert set(result_ids(page)) == {
        s.id for s in records.spaces if (s.capacity or 0) >= 30 and s.free_of_charge is True
    }
    assert unknown_notes(page) == [
        "Sale, których dane nie mówią nic o którymś z tych warunków (Co najmniej tyle osób, Bezpłatnie), "
        f"a pozostałe spełniają, nie są pokazane; jest ich: {expected}."
    ]


@pytest.mark.parametrize(
    "params, bad",
    [
        ({"osoby": "dużo"}, "dużo"),
        ({"osoby": "-3"}, "-3"),
        ({"dzielnica": "99"}, "99"),
        ({"rodzaj": "<b>basen</b>"}, "<b>basen</b>"),
        ({"forma": "za-darmo"}, "za-darmo"),
        ({"bezplatnie": "może"}, "może"),
        ({"osoby": "²"}, "²"),
        ({"dzielnica": "١"}, "١"),
        ({"osoby": "1" * 40}, "1" * 40),
    ],
)
def test_bad_parameters_are_reported_and_left_out(client, records, params, bad):
    response = client.get("/", query_string=params)
    assert response.status_code == 400
    page = dom(response)
    alert = page.one("section", id="wyniki").one(role="alert")  # where a submitted search lands
    assert bad in alert.text  # shown as text, not markup
    assert not alert.all("b")
    assert len(all_results(client, params)) == len(records.spaces)  # the rest of the search still works


def test_search_text_is_kept_in_the_form_as_text(client):
    page = dom(client.get("/", query_string={"q": '"><script>x</script>'}))
    assert page.one("input", id="f-q").attrs["value"] == '"><script>x</script>'
    assert not [s for s in page.all("script") if "x" == s.raw.strip()]


def test_results_show_space_institution_address_capacity_sharing_and_contact(client, records):
    page = dom(client.get("/?q=fontany"))
    card = page.with_class("card")[0]
    space = next(s for s in records.spaces if s.id == "bk-pod-gruszka-sala-fontany")
    institution, venue = institution_of(records, space), venue_of(records, space)
    facts = {div.one("dt").text: div.one("dd").text for div in card.one("dl").all("div")}
    assert facts["Instytucja"] == institution.name
    assert venue.street in facts["Adres"]
    assert facts["Pojemność"] == "nie podano"
    assert not space.sharing_modes  # the summary does not state them for this room
    assert facts["Jak można korzystać"].startswith("Zestawienie nie podaje jeszcze zasad")
    contact = card.with_class("card-contact")[0]
    assert [a.attrs["href"] for a in contact.all("a")] == [institution.website]
    assert contact.with_class("contact-missing")


def test_results_link_email_and_phone(hostile_client, hostile):
    _, records = hostile
    page = dom(hostile_client.get("/?q=fontany"))  # a real room of the institution with contacts
    hrefs = [a.attrs["href"] for a in page.with_class("card-contact")[0].all("a")]
    assert "mailto:ngo@example.org" in hrefs and "mailto:sekretariat@example.org" in hrefs
    assert "tel:+48600100200" in hrefs and "tel:+48123456789" in hrefs
    assert not page.with_class("contact-missing")


def test_illustrative_records_are_marked_in_results(client, records):
    page = dom(client.get("/"))
    illustrative = {s.id for s in records.spaces if s.illustrative}
    for card in page.with_class("card"):
        badges = card.with_class("badge-example")
        assert bool(badges) == (card.attrs["data-space"] in illustrative)


def test_map_data_holds_the_result_venues_with_coordinates(client, records):
    page = dom(client.get("/?q=sala"))
    ids = set(all_results(client, {"q": "sala"}))
    venues = {venue_of(records, s).id: venue_of(records, s) for s in records.spaces if s.id in ids}
    with_coordinates = {v.id for v in venues.values() if v.latitude is not None}
    points = json.loads(page.one("script", id="results-map-data").raw)
    on_map = [v["url"].rsplit("/", 1)[-1].removesuffix(".html") for p in points for v in p["venues"]]
    assert sorted(on_map) == sorted(with_coordinates)
    for point in points:
        for entry in point["venues"]:
            venue = venues[entry["url"].rsplit("/", 1)[-1].removesuffix(".html")]
            assert (point["lat"], point["lon"]) == (float(venue.latitude), float(venue.longitude))
        # A point is marked illustrative only when every room it lists is.
        assert point["example"] == all(s["illustrative"] for v in point["venues"] for s in v["spaces"])
    # Venues sharing coordinates share one marker.
    assert len({(p["lat"], p["lon"]) for p in points}) == len(points)
    without = sum(1 for s in records.spaces if s.id in ids and venue_of(records, s).latitude is None)
    assert without and any(str(without) in p.text for p in page.one("section", id="mapa").with_class("note"))


def test_map_is_drawn_with_leaflet_served_by_us(client):
    response = client.get("/")
    page = dom(response)
    sources = [s.attrs["src"] for s in page.all("script") if "src" in s.attrs]
    # Versioned by the file's hash, so browsers may keep them for a year.
    assert [s.split("?v=")[0] for s in sources] == ["/static/vendor/leaflet/leaflet.js", "/static/map.js"]
    styles = [link.attrs["href"] for link in page.all("link", rel="stylesheet")]
    assert all(href.startswith("/static/") for href in styles)
    for url in sources + styles:
        asset = client.get(url)
        assert asset.status_code == 200, f"{url} is missing: run `npm ci` (it copies Leaflet into static/vendor)"
    assert "leaflet" in client.get("/static/vendor/leaflet/leaflet.js").get_data(as_text=True)[:400].lower()
    assert "tile.openstreetmap.org" in response.headers["Content-Security-Policy"]


# --- escaping ------------------------------------------------------------------------------------


def _scripts_are_ours(page: El) -> None:
    for script in page.all("script"):
        kind = script.attrs.get("type", "")
        assert "src" in script.attrs or kind in ("application/ld+json", "application/json"), script.raw[:80]
        if not script.attrs.get("src"):
            json.loads(script.raw)  # a data block that parses whole: nothing closed it early


def test_markup_in_source_values_shows_as_text(hostile_client):
    page = dom(hostile_client.get("/?q=lodz"))
    _scripts_are_ours(page)
    card = page.with_class("card")[0]
    assert card.one("h3").text == EVIL_SPACE
    assert EVIL_INSTITUTION in card.text
    assert not page.all("img")
    points = json.loads(page.one("script", id="results-map-data").raw)
    assert points[0]["venues"][0]["spaces"][0]["name"] == EVIL_SPACE


def test_markup_shows_as_text_on_the_space_page(hostile_client):
    response = hostile_client.get("/space/bk-sala-warsztatowa-przyklad.html")
    assert response.status_code == 200
    page = dom(response)
    _scripts_are_ours(page)
    assert page.one("h1").text == EVIL_SPACE
    assert EVIL_DESCRIPTION in page.text
    assert not page.all("img")
    data = json.loads(page.one("script", type="application/ld+json").raw)
    assert data["name"] == EVIL_SPACE and data["description"] == EVIL_DESCRIPTION
    assert "</script" not in page.one("script", type="application/ld+json").raw
    assert EVIL_INSTITUTION in dom(hostile_client.get("/institution/biblioteka-krakow.html")).one("h1").text


# --- a page for every thing -----------------------------------------------------------------------


def test_space_page_has_everything_known(client, records, graph):
    space = next(s for s in records.spaces if s.id == "dworek-sala-konferencyjna-przyklad")
    venue, institution = venue_of(records, space), institution_of(records, space)
    response = client.get(f"/space/{space.id}.html")
    assert response.status_code == 200
    page = dom(response)
    assert page.one("h1").text == space.name
    assert space.description in page.text
    assert page.with_class("notice-example")  # illustrative
    facts = {d.one("dt").text: d.one("dd").text for dl in page.with_class("facts") for d in dl.all("div")}
    assert facts["Pojemność"] == f"{space.capacity} osób"
    assert facts["Powierzchnia"] == f"{space.area_m2} m²"
    assert facts["Instytucja"] == institution.name
    assert facts["Ostatnio sprawdzono"] == "nie podano daty sprawdzenia"
    access = page.one("section", **{"aria-labelledby": "access-heading"}).text
    assert "schod" in access
    # How to ask: each sharing mode with its definition from the SKOS scheme in the store.
    modes = {d.one("dt").text: d.one("dd").text for d in page.one("dl", **{"class": "modes"}).all("div")}
    for mode in space.sharing_modes:
        concept = URIRef(f"{BASE}vocab/sharing-mode/{mode}")
        label = str(next(o for o in graph.objects(concept, SKOS.prefLabel) if o.language == "pl"))
        definition = next(o for o in graph.objects(concept, SKOS.definition) if o.language == "pl")
        assert modes[label] == str(definition)
    assert [a.attrs["href"] for a in page.one("ul", **{"class": "formats"}).all("a")] == [
        f"/space/{space.id}.ttl",
        f"/space/{space.id}.jsonld",
        f"/space/{space.id}.nt",
    ]
    data = json.loads(page.one("script", type="application/ld+json").raw)
    assert data["id"] in (f"{BASE}space/{space.id}", f"space/{space.id}")
    assert data["maximumAttendeeCapacity"] == space.capacity
    place = page.one("section", **{"aria-labelledby": "place-heading"})
    assert f"/venue/{venue.id}.html" in [a.attrs["href"] for a in place.all("a")]
    # An illustrative room names no contact as if it were the institution's offer.
    assert page.with_class("example-no-contact") and not page.with_class("contact")


@pytest.mark.parametrize(
    "space_id, capacity", [("groteska-sala-warsztatowa-przyklad", "24 osoby"), ("bpp-sala-spotkan-przyklad", "20 osób")]
)
def test_capacity_reads_as_polish(client, records, space_id, capacity):
    assert str(next(s.capacity for s in records.spaces if s.id == space_id)) == capacity.split()[0]
    page = dom(client.get(f"/space/{space_id}.html"))
    facts = {d.one("dt").text: d.one("dd").text for dl in page.with_class("facts") for d in dl.all("div")}
    assert facts["Pojemność"] == capacity


def test_space_page_shows_hours_access_verified_and_small_map(hostile_client, hostile):
    _, records = hostile
    page = dom(hostile_client.get("/space/bk-sala-warsztatowa-przyklad.html"))
    facts = {d.one("dt").text: d.one("dd").text for dl in page.with_class("facts") for d in dl.all("div")}
    assert facts["Godziny otwarcia"] == "pon.–pt. 10:00–18:00, sob. 10:00–14:00"
    access = page.one("section", **{"aria-labelledby": "access-heading"})
    assert access.one("ul").all("li")[0].text.startswith("Wejście bez schodów")
    assert page.one("time").attrs["datetime"] == "2026-02-19"
    venue = next(v for v in records.venues if v.id == "bk-siedziba")
    point = json.loads(page.one("script", id="space-map-data").raw)[0]
    assert (point["lat"], point["lon"]) == (float(venue.latitude), float(venue.longitude))


def test_correction_link_is_a_prefilled_mailto(hostile_client):
    page = dom(hostile_client.get("/space/bk-sala-warsztatowa-przyklad.html"))
    link = page.one("section", **{"class": "correction"}).one("a")
    parts = urlsplit(link.attrs["href"])
    assert parts.scheme == "mailto" and parts.path == "poprawki@example.org"
    fields = parse_qs(parts.query)
    assert EVIL_SPACE in fields["subject"][0]
    body = fields["body"][0]
    assert f"{BASE}space/bk-sala-warsztatowa-przyklad" in body and EVIL_INSTITUTION in body


# RFC 6068: what may stand unescaped in a mailto: header value (qchar), besides %XX escapes.
MAILTO_QCHAR = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$'()*+,;:@%")


def test_correction_link_is_well_formed_with_crlf_lines(hostile_client, hostile):
    _, records = hostile
    space = next(s for s in records.spaces if s.id == "bk-pod-gruszka-sala-fontany")
    assert not space.sharing_modes and space.capacity is None
    page = dom(hostile_client.get(f"/space/{space.id}.html"))
    href = page.one("section", **{"class": "correction"}).one("a").attrs["href"]
    address, _, query = href.removeprefix("mailto:").partition("?")
    assert address == "poprawki@example.org"
    pairs = [pair.split("=", 1) for pair in query.split("&")]
    assert [name for name, _ in pairs] == ["subject", "body"]
    for _, value in pairs:
        assert set(value) <= MAILTO_QCHAR, sorted(set(value) - MAILTO_QCHAR)
    fields = parse_qs(query)
    assert fields["subject"] == [f"Poprawka: {space.name}"]
    body = fields["body"][0]
    assert "\r\n" in body and "\n" not in body.replace("\r\n", "")
    lines = body.split("\r\n")
    assert lines[0] == "Proszę o poprawienie wpisu:" and lines[2] == space.name
    assert lines[3] == f"{BASE}space/{space.id}" and lines[4].endswith(f"/space/{space.id}.html")
    assert "Pojemność: nie podano" in lines and "Jak można korzystać: nie podano" in lines
    assert lines[-2:] == ["Co należy poprawić:", ""]


def test_without_contact_email_the_page_says_so_and_links_to_about(client):
    page = dom(client.get("/space/bk-pod-gruszka-sala-fontany.html"))
    section = page.one("section", **{"class": "correction"})
    assert not [a for a in section.all("a") if a.attrs["href"].startswith("mailto:")]
    assert [a.attrs["href"] for a in section.all("a")] == ["/o-danych"]


def test_space_without_sharing_modes_says_to_ask_and_claims_no_way(client, records):
    space = next(s for s in records.spaces if s.id == "krzysztofory-spotka-sala-spotkan")
    assert not space.sharing_modes
    section = dom(client.get(f"/space/{space.id}.html")).one("section", **{"aria-labelledby": "ask-heading"})
    assert "w następujący sposób" not in section.text and not section.with_class("modes")
    assert section.with_class("modes-not-stated")[0].text.startswith("Zestawienie nie podaje jeszcze zasad")
    assert space.conditions in section.text


def test_fragment_parts_are_named_by_the_property_that_holds_them(client):
    page = dom(client.get("/space/dworek-sala-konferencyjna-przyklad.html"))
    captions = {t.attrs.get("id"): t.one("caption").text for t in page.with_class("props")}
    assert captions["floor-size"] == "powierzchnia #floor-size"
    assert captions["equipment-projektor"] == "projektor #equipment-projektor"


def test_every_property_has_a_label_in_both_languages(app):
    """No property shows as a bare IRI (dct:…, void:…) in the 'all data' tables, in Polish or English."""
    from kfl_lod.namespaces import compact
    from kfl_lod.web.describe import property_label
    from kfl_lod.web.pages import current_index

    with app.test_request_context("/"):
        index = current_index()
        predicates = {p for node in index.nodes.values() for p in node.values}
        assert len(predicates) > 80
        for predicate in sorted(predicates):
            for lang in ("pl", "en"):
                label = property_label(index, predicate, lang)
                assert label and label not in (predicate, compact(predicate)), (predicate, lang)


@pytest.mark.parametrize(
    "path, heading",
    [
        ("/venue/mk-krzysztofory.html", None),
        ("/institution/muzeum-krakowa.html", None),
        ("/practice/przyklad-warsztaty-sasiedzkie.html", "Warsztaty sąsiedzkie (przykład)"),
        ("/district/13.html", "Dzielnica XIII Podgórze"),
        ("/vocab/sharing-mode.html", "Formy udostępniania"),
        ("/vocab/sharing-mode/wspolorganizacja.html", "współorganizacja"),
        ("/def/lastVerified.html", "data weryfikacji"),
        ("/def.html", "Słownik kfl-lod"),
        ("/place/krakow.html", "Kraków"),
        ("/organization/wydzial-kultury.html", "Wydział Kultury i Dziedzictwa Narodowego Urzędu Miasta Krakowa"),
        ("/dataset.html", None),
        ("/catalog.html", None),
    ],
)
def test_a_page_for_every_kind(client, records, path, heading):
    response = client.get(path, headers={"Accept-Language": "pl"})
    assert response.status_code == 200, path
    page = dom(response)
    if heading is None:
        slug = path.rsplit("/", 1)[-1].removesuffix(".html")
        heading = next((r.name for r in (*records.venues, *records.institutions) if r.id == slug), None)
    h1 = page.one("h1").text
    assert h1 and (heading is None or h1 == heading)
    _scripts_are_ours(page)
    assert page.one("script", type="application/ld+json")
    assert page.one("ul", **{"class": "formats"})
    assert page.one("section", **{"class": "correction"})
    assert page.one("section", **{"aria-labelledby": "all-data"}).all("table")


def store_description(iri: str):
    """The triples the release's store holds about ``iri`` and its #fragment parts, as an rdflib graph."""
    import pyoxigraph as ox
    from rdflib import Graph, Literal

    from kfl_lod.web import store

    def term(t):
        if isinstance(t, ox.NamedNode):
            return URIRef(t.value)
        if t.language:
            return Literal(t.value, lang=t.language)
        if t.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(t.value)  # RDF 1.1: a simple literal is an xsd:string
        return Literal(t.value, datatype=URIRef(t.datatype.value))

    graph = Graph()
    for quad in store().quads_for_pattern(None, None, None, ox.DefaultGraph()):
        subject = quad.subject
        if isinstance(subject, ox.NamedNode) and (subject.value == iri or subject.value.startswith(iri + "#")):
            graph.add((term(subject), term(quad.predicate), term(quad.object)))
    return graph


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's JSON-LD parser uses ConjunctiveGraph
def test_embedded_json_ld_is_the_store_description(app, client, records):
    """Read back by a JSON-LD processor, each page's <script> block says what the store says, no more."""
    from rdflib import Graph
    from rdflib.compare import to_isomorphic

    paths = [f"space/{r.id}" for r in records.spaces] + [f"venue/{r.id}" for r in records.venues]
    paths += [f"institution/{r.id}" for r in records.institutions] + [f"practice/{r.id}" for r in records.practices]
    paths += [
        "district/13",
        "vocab/sharing-mode",
        "vocab/sharing-mode/wspolorganizacja",
        "def/lastVerified",
        "def",
        "place/krakow",
        "organization/wydzial-kultury",
        "dataset",
        "dataset/distribution/ttl",
        "catalog",
    ]
    with app.test_request_context("/"):
        for path in paths:
            page = dom(client.get(f"/{path}.html"))
            block = page.one("script", type="application/ld+json").raw
            embedded = Graph().parse(data=block, format="json-ld")
            expected = store_description(BASE + path)
            assert len(expected) >= 3, path
            assert to_isomorphic(embedded) == to_isomorphic(expected), path


def test_venue_and_institution_pages_list_their_spaces(client, records):
    venue = next(v for v in records.venues if v.id == "mk-krzysztofory")
    page = dom(client.get(f"/venue/{venue.id}.html"))
    links = {a.attrs["href"] for a in page.one("section", **{"aria-labelledby": "spaces-heading"}).all("a")}
    assert links == {f"/space/{s.id}.html" for s in records.spaces if s.venue == venue.id}
    page = dom(client.get(f"/institution/{venue.institution}.html"))
    links = {a.attrs["href"] for a in page.one("section", **{"aria-labelledby": "venues-heading"}).all("a")}
    venues = {v.id for v in records.venues if v.institution == venue.institution}
    assert links == {f"/venue/{v}.html" for v in venues} | {
        f"/space/{s.id}.html" for s in records.spaces if s.venue in venues
    }


@pytest.mark.slow
def test_internal_links_lead_somewhere(client):
    """Follow our own links from the home, about, dataset and catalog pages, two levels deep."""
    seen: set[str] = set()
    level = ["/", "/o-danych", "/praktyki", "/dataset.html", "/catalog.html"]
    for _ in range(3):
        following = []
        for url in level:
            if url in seen:
                continue
            seen.add(url)
            response = client.get(url)
            assert response.status_code in (200, 303), f"{url} answered {response.status_code}"
            if response.status_code == 200 and response.mimetype == "text/html":
                for a in dom(response).all("a"):
                    href = a.attrs.get("href", "").split("#")[0]
                    if href.startswith("/") and not href.startswith("//") and href not in seen:
                        following.append(href)
        level = following
    assert len(seen) > 100


def test_unknown_things_are_not_found(client):
    from kfl_lod.web.pages import render_resource

    with client.application.test_request_context("/space/nope.html"):
        for iri in (
            f"{BASE}space/nope",
            f"{BASE}district/99",
            f"{BASE}vocab/space-type/basen",
            f"{BASE}venue/mk-krzysztofory#address",
            "https://example.org/space/x",
        ):
            assert render_resource(iri) is None, iri
    assert client.get("/space/nope.html").status_code == 404


# --- good practices and about ---------------------------------------------------------------------


def test_practices_page_lists_the_table(client, records):
    assert records.practices, "source/dobre_praktyki.csv should hold examples"
    page = dom(client.get("/praktyki"))
    cards = {li.attrs["data-practice"]: li for li in page.with_class("card")}
    assert set(cards) == {p.id for p in records.practices}
    for practice in records.practices:
        card = cards[practice.id]
        assert card.one("h2").text == practice.title
        assert practice.organisation in card.text
        assert bool(card.with_class("badge-example")) == practice.illustrative
        if practice.space:  # a practice may name only a venue or an institution (issue 9)
            assert f"/space/{practice.space}.html" in [a.attrs["href"] for a in card.all("a")]


def test_illustrative_spaces_are_marked_wherever_they_are_listed(client, records):
    """Venue, institution, practice and good-practices pages: every link to an illustrative space has its badge."""
    illustrative = {f"/space/{s.id}.html" for s in records.spaces if s.illustrative}
    paths = [f"/venue/{v.id}.html" for v in records.venues] + [
        f"/institution/{i.id}.html" for i in records.institutions
    ]
    paths += [f"/practice/{p.id}.html" for p in records.practices] + ["/praktyki"]
    seen = 0
    for path in paths:
        main = dom(client.get(path)).one("main")
        for link in main.all("a"):
            if link.attrs["href"] not in illustrative or link.parent.tag == "td":  # the 'all data' table
                continue
            seen += 1
            holder = link.parent if link.parent.tag != "h3" else link.parent.parent
            assert holder.with_class("badge-example"), f"{path}: {link.text} has no badge"
    assert seen >= sum(s.illustrative for s in records.spaces)


def test_practices_are_events_with_organisers_and_a_place(graph, records):
    """Each dobre_praktyki row is a schema:Event organised by its NGO and the institution, held in its space."""
    from rdflib import RDF, Literal
    from rdflib.namespace import XSD

    schema = "https://schema.org/"
    events = set(graph.subjects(RDF.type, URIRef(schema + "Event")))
    assert events == {URIRef(f"{BASE}practice/{p.id}") for p in records.practices}
    for practice in records.practices:
        event = URIRef(f"{BASE}practice/{practice.id}")
        space, venue, institution_id = records.place_of(practice)
        place = {URIRef(f"{BASE}space/{space}")} if space else {URIRef(f"{BASE}venue/{venue}")} if venue else set()
        assert set(graph.objects(event, URIRef(schema + "location"))) == place
        organisers = set(graph.objects(event, URIRef(schema + "organizer")))
        institution = URIRef(f"{BASE}institution/{institution_id}")
        assert institution in organisers and len(organisers) == 2
        (ngo,) = organisers - {institution}
        kind = "Thing" if practice.organisation_is_ngo is False else "NGO"  # residents, a firm: not an NGO
        assert set(graph.objects(ngo, RDF.type)) == {URIRef(schema + kind)}
        assert [str(n) for n in graph.objects(ngo, URIRef(schema + "name"))] == [practice.organisation]
        assert [str(n) for n in graph.objects(event, URIRef(schema + "name"))] == [practice.title]
        dates = list(graph.objects(event, URIRef(schema + "startDate")))
        assert dates == ([Literal(practice.date, datatype=XSD.date)] if practice.date else [])
        assert practice.illustrative or practice.url, f"{practice.id}: a sourced practice needs its source (url)"


def test_illustrative_practices_use_fictional_organisations(records):
    for practice in records.practices:
        if practice.illustrative:
            assert "(przykład)" in practice.organisation and "(przykład)" in practice.title


def test_about_page_has_licence_citation_downloads_sparql_and_changes(client, published):
    page = dom(client.get("/o-danych"))
    hrefs = [a.attrs["href"] for a in page.all("a")]
    assert "https://creativecommons.org/licenses/by/4.0/deed.pl" in hrefs
    assert page.with_class("citation")
    files = sorted(p.name for p in (Path(published.published) / "latest").iterdir() if not p.name.startswith("."))
    assert [h for h in hrefs if h.startswith("/dumps/")] == [f"/dumps/{f}" for f in files]
    for name in ("kfl.ttl", "kfl.csv"):
        assert client.get(f"/dumps/{name}").status_code == 200
    assert "/sparql" in hrefs and "/changes" in hrefs
    release = (Path(published.published) / "latest").resolve().name
    assert release in page.one("section", **{"aria-labelledby": "counts-heading"}).text
    assert f"({release[:4]})" in page.with_class("citation")[0].text


# --- languages -------------------------------------------------------------------------------------


def test_english_by_accept_language_with_labels_from_the_schemes(client, graph):
    page = dom(client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}))
    assert page.one("html").attrs["lang"] == "en"
    options = [o.text for o in page.one("select", id="f-type").all("option")][1:]
    labels = {
        str(o)
        for s in graph.subjects(SKOS.inScheme, URIRef(f"{BASE}vocab/space-type"))
        for o in graph.objects(s, SKOS.prefLabel)
        if o.language == "en"
    }
    assert {o.rsplit(" (", 1)[0] for o in options} == labels


def test_language_switch_sets_a_cookie_and_links_keep_it(client):
    response = client.get("/?q=&lang=en", headers={"Accept-Language": "pl"})
    assert "lang=en" in response.headers["Set-Cookie"]
    page = dom(response)
    assert page.one("html").attrs["lang"] == "en"
    card_link = page.with_class("card")[0].one("h3").one("a").attrs["href"]
    assert card_link.endswith("?lang=en")
    assert page.one("input", type="hidden", name="lang").attrs["value"] == "en"
    # The cookie keeps English on the next page, even without the parameter.
    follow = dom(client.get("/praktyki", headers={"Accept-Language": "pl"}))
    assert follow.one("html").attrs["lang"] == "en"
    switch = follow.with_class("lang-switch")[0].one("a")
    assert switch.attrs["href"].endswith("lang=pl") and switch.attrs["lang"] == "pl"
    back = dom(client.get(switch.attrs["href"], headers={"Accept-Language": "pl"}))
    assert back.one("html").attrs["lang"] == "pl"


def test_english_pages_mark_polish_source_values(client, records):
    """WCAG 3.1.2: on an English page, Polish names, descriptions and conditions carry lang="pl"."""

    def polish(el: El) -> bool:
        while el is not None:
            if "lang" in el.attrs:
                return el.attrs["lang"] == "pl"
            el = el.parent
        return False

    space = next(s for s in records.spaces if s.id == "krzysztofory-spotka-sala-spotkan")
    for lang, expected in (("en", True), ("pl", True)):
        page = dom(client.get(f"/space/{space.id}.html?lang={lang}"))
        texts = {space.name: page.one("h1"), space.description: page.one("p", **{"class": "lead"})}
        texts[space.conditions] = next(
            el for el in page.one("section", **{"aria-labelledby": "ask-heading"}).iter() if el.text == space.conditions
        )
        for value, el in texts.items():
            assert el.text == value and polish(el) is expected, (lang, value)
    page = dom(client.get("/?q=spotka&lang=en"))
    card = page.with_class("card")[0]
    assert polish(card.one("h3").one("a")) and not polish(card.one("dl").all("dt")[0])
    assert page.one("div", id="results-map").attrs["data-source-lang"] == "pl"
    practices = dom(client.get("/praktyki?lang=en"))
    for card in practices.with_class("card"):
        assert polish(card.one("h2").one("a"))


def test_not_found_page_in_the_site_language_and_layout(client):
    response = client.get("/space/nie-ma-takiej.html", headers={"Accept": "text/html", "Accept-Language": "pl"})
    assert response.status_code == 404 and response.headers["Content-Language"] == "pl"
    page = dom(response)
    assert page.one("html").attrs["lang"] == "pl" and page.one("h1").text == "Nie znaleziono strony"
    assert "/" in [a.attrs["href"] for a in page.one("main").all("a")]
    assert page.one("nav") and page.one("a", **{"class": "skip-link"})
    assert "space/nie-ma-takiej.html" in page.one("main").text
    english = dom(client.get("/nope", headers={"Accept": "text/html", "Accept-Language": "en"}))
    assert english.one("html").attrs["lang"] == "en" and english.one("h1").text == "Page not found"
    # Clients that do not ask for HTML keep the plain answer.
    plain = client.get("/space/nie-ma-takiej", headers={"Accept": "text/turtle"})
    assert plain.status_code == 404 and b"Nie znaleziono" not in plain.data


def test_pages_vary_on_language(client):
    response = client.get("/")
    assert {"Accept-Language", "Cookie"} <= set(response.vary)
    assert response.headers["Content-Language"] == "pl"


def test_unknown_language_falls_back_to_polish(client):
    page = dom(client.get("/?lang=xx", headers={"Accept-Language": "de"}))
    assert page.one("html").attrs["lang"] == "pl"


# --- one store, the base path, new releases ------------------------------------------------------


@pytest.mark.slow
def test_pages_follow_a_new_release_without_restart(tmp_path):
    settings = make_settings(tmp_path)
    assert build(settings, today=date(2026, 3, 2)).report.conforms
    client = create_app(settings).test_client()
    assert "bk-pod-gruszka-sala-fontany" not in result_ids(dom(client.get("/?q=zupelnie+nowa")))
    edit_row(settings.source / "przestrzenie.csv", "bk-pod-gruszka-sala-fontany", nazwa="Zupełnie nowa sala")
    assert build(settings, today=date(2026, 3, 3)).report.conforms
    assert result_ids(dom(client.get("/?q=zupelnie+nowa"))) == ["bk-pod-gruszka-sala-fontany"]
    assert dom(client.get("/space/bk-pod-gruszka-sala-fontany.html")).one("h1").text == "Zupełnie nowa sala"


@pytest.mark.slow
def test_pages_live_under_the_base_path(tmp_path):
    settings = make_settings(tmp_path, base="https://example.org/kfl/")
    assert build(settings, today=date(2026, 3, 2)).report.conforms
    client = create_app(settings).test_client()
    page = dom(client.get("/kfl/?q="))
    assert result_ids(page)
    links = [a.attrs["href"] for a in page.all("a") if not a.attrs["href"].startswith(("http", "mailto:", "tel:", "#"))]
    assert links and all(h.startswith("/kfl/") for h in links)
    assert all(s.attrs["src"].startswith("/kfl/static/") for s in page.all("script") if "src" in s.attrs)
    space = page.with_class("card")[0].one("h3").one("a").attrs["href"]
    response = client.get(space)
    assert response.status_code == 200
    data = json.loads(dom(response).one("script", type="application/ld+json").raw)
    assert data["@context"]["@base"] == "https://example.org/kfl/"
    assert data["id"] == space.removeprefix("/kfl/").removesuffix(".html")
    for path in ("/kfl/praktyki", "/kfl/o-danych", "/kfl/static/map.js"):
        assert client.get(path).status_code == 200


def test_pages_work_before_the_first_build(tmp_path):
    client = create_app(make_settings(tmp_path)).test_client()
    page = dom(client.get("/"))
    assert result_ids(page) == [] and page.one("h1").text
    assert client.get("/praktyki").status_code == 200 and client.get("/o-danych").status_code == 200


def test_no_second_copy_of_the_data(app):
    """The pages' index is built from the very store object the SPARQL endpoint uses, kept by the release."""
    from kfl_lod.web import current_release, store
    from kfl_lod.web.pages import current_index

    with app.test_request_context("/"):
        app.preprocess_request()
        index = current_index()
        release = current_release()
        assert release.derived("pages_index", None) is index and release.store is store()
