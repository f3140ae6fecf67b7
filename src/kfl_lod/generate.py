"""Write an illustrative source of any size: fictional institutions, venues and spaces.

For benchmarks and tests at scale. The tables have the real shape (every column, the same
controlled values, some optional cells empty) and realistic proportions (about 8 spaces per
institution, 2.5 per venue, one good practice per 20 spaces), but every record is invented:
names carry "(przykład)", websites and e-mails are under the reserved ``.example`` domain,
phone numbers use the unassigned ``+48 12 000`` range, no Wikidata ids, and every space and
good practice is marked ``ilustracyjne=tak``. The same seed writes the same bytes.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from pathlib import Path

from .source.tables import INSTITUTIONS, PRACTICES, SPACES, VENUES, Table
from .vocab import DISTRICTS, EQUIPMENT, INSTITUTION_TYPES, SHARING_MODES, SPACE_TYPES

SPACES_PER_INSTITUTION = 8
SPACES_PER_VENUE = 2.5
SPACES_PER_PRACTICE = 20

_INSTITUTION_NAMES = {
    "biblioteka": ("Biblioteka", "Bib"),
    "centrum-kultury": ("Centrum Kultury", "CK"),
    "osrodek-kultury": ("Ośrodek Kultury", "OK"),
    "teatr": ("Teatr", "Teatr"),
    "muzeum": ("Muzeum", "Muz"),
    "galeria": ("Galeria", "Gal"),
    "biuro-festiwalowe": ("Biuro Festiwalowe", "BF"),
    "orkiestra": ("Orkiestra", "Ork"),
}
_PATRONS = (
    "Źródło",
    "Łąka",
    "Wrzos",
    "Słońce",
    "Żuraw",
    "Jaskółka",
    "Pod Świerkiem",
    "Zielony Dąb",
    "Kądziołka",
    "Ścieżka",
    "Nad Wisłą",
    "Gęśla",
    "Młyn",
    "Wieża",
    "Przystań",
    "Kuźnia",
)
_STREETS = (
    "ul. Łąkowa",
    "ul. Słoneczna",
    "ul. Źródlana",
    "ul. Ogrodowa",
    "ul. Świerkowa",
    "ul. Żurawia",
    "ul. Wrzosowa",
    "ul. Jaśminowa",
    "ul. Księżycowa",
    "os. Przykładowe",
    "al. Różana",
    "pl. Gęsi",
)
_VENUE_KINDS = ("Siedziba", "Filia", "Klub", "Scena", "Pracownia", "Dom Sąsiedzki")
_ROOM_NAMES = {
    "sala-warsztatowa": "Sala warsztatowa",
    "sala-spotkan": "Sala spotkań",
    "sala-konferencyjna": "Sala konferencyjna",
    "sala-widowiskowa": "Sala widowiskowa",
    "sala-zajec": "Sala do zajęć",
    "sala-kinowa": "Sala kinowa",
    "przestrzen-wystawiennicza": "Przestrzeń wystawiennicza",
    "sala-prob": "Sala prób",
}
_COLOURS = ("Żółta", "Zielona", "Błękitna", "Różowa", "Złota", "Srebrna", "Mała", "Duża", "Górna", "Dolna")
_FIRST_NAMES = ("Anna", "Łukasz", "Małgorzata", "Józef", "Zofia", "Paweł", "Katarzyna", "Michał")
_LAST_NAMES = ("Przykładowa", "Wzorcowy", "Testowa", "Zmyślony", "Próbna", "Umowny")
_NGOS = ("Stowarzyszenie", "Fundacja", "Koło Gospodyń", "Klub Seniora", "Towarzystwo")
_EVENTS = ("Warsztaty sąsiedzkie", "Spotkanie autorskie", "Koncert charytatywny", "Wystawa prac", "Próby chóru")
_HOURS = ("Mo-Fr 10:00-18:00", "Mo-Fr 09:00-20:00, Sa 10:00-14:00", "Tu-Su 11:00-19:00", "Mo-Sa 08:00-16:00")
_CONDITIONS = (
    "Po wcześniejszym uzgodnieniu terminu z sekretariatem.",
    "W godzinach pracy placówki; zgłoszenie co najmniej dwa tygodnie wcześniej.",
    "Na wydarzenia otwarte i bezpłatne dla uczestników.",
)
_LAT = (50.00, 50.10)  # inside the shapes' Kraków box (49.96-50.13), away from its edges
_LON = (19.85, 20.15)
_FIRST_DAY = date(2025, 1, 1)


def counts(spaces: int) -> tuple[int, int, int]:
    """Institutions, venues and good practices for ``spaces`` spaces.

    >>> counts(100_000)
    (12500, 40000, 5000)
    >>> counts(5)
    (1, 2, 1)
    """
    institutions = max(1, round(spaces / SPACES_PER_INSTITUTION))
    venues = max(institutions, round(spaces / SPACES_PER_VENUE)) if spaces else institutions
    practices = max(1, spaces // SPACES_PER_PRACTICE) if spaces else 0
    return institutions, venues, practices


def generate(spaces: int, seed: int) -> dict[str, bytes]:
    """The four source tables (file name -> CSV bytes) with ``spaces`` spaces, the same for a seed."""
    rng = random.Random(seed)
    n_institutions, n_venues, n_practices = counts(spaces)
    institutions = [_institution(rng, i) for i in range(n_institutions)]
    # Every institution has a venue; the rest go to institutions at random (a few big ones, many small).
    owners = list(range(n_institutions)) + [rng.randrange(n_institutions) for _ in range(n_venues - n_institutions)]
    owners.sort()
    venues = [_venue(rng, i, institutions[owner]["id"]) for i, owner in enumerate(owners)]
    # Every venue of the first `spaces` gets one space; the rest go to venues at random.
    places = list(range(min(spaces, n_venues))) + [rng.randrange(n_venues) for _ in range(spaces - n_venues)]
    places.sort()
    rooms = [_space(rng, i, venues[place]["id"]) for i, place in enumerate(places)]
    practices = [_practice(rng, i, rooms[rng.randrange(spaces)]["id"]) for i in range(n_practices)]
    return {
        INSTITUTIONS.filename: _csv(INSTITUTIONS, institutions),
        VENUES.filename: _csv(VENUES, venues),
        SPACES.filename: _csv(SPACES, rooms),
        PRACTICES.filename: _csv(PRACTICES, practices),
    }


def write(out: Path, spaces: int, seed: int) -> dict[str, int]:
    """Write the tables into ``out`` (created if missing); return the rows per table."""
    out.mkdir(parents=True, exist_ok=True)
    files = generate(spaces, seed)
    for name, data in files.items():
        (out / name).write_bytes(data)
    return {name: data.count(b"\n") - 1 for name, data in files.items()}


def _csv(table: Table, rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    headers = [c.header for c in table.columns]
    writer = csv.DictWriter(buffer, fieldnames=headers, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({h: row.get(h, "") for h in headers})
    return buffer.getvalue().encode("utf-8")


def _pick(rng: random.Random, i: int, values: list[str]) -> str:
    """The i-th value for the first records (so every value is used), then a random one."""
    return values[i] if i < len(values) else rng.choice(values)


def _maybe(rng: random.Random, share: float, value: str) -> str:
    """``value`` in about ``share`` of the rows, else an empty cell (as in the real tables)."""
    return value if rng.random() < share else ""


def _phone(rng: random.Random) -> str:
    return f"+48 12 000 {rng.randrange(100):02d} {rng.randrange(100):02d}"


def _institution(rng: random.Random, i: int) -> dict[str, str]:
    kind = _pick(rng, i, INSTITUTION_TYPES.slugs())
    name, short = _INSTITUTION_NAMES[kind]
    patron = _PATRONS[i % len(_PATRONS)]
    slug = f"inst-{i + 1}"
    host = f"{slug}.przyklad.example"
    contact = rng.random() < 0.5
    consent = contact and rng.random() < 0.5
    return {
        "id": slug,
        "nazwa": f"{name} „{patron}” nr {i + 1} (przykład)",
        "nazwa_skrocona": _maybe(rng, 0.6, f"{short} {patron} {i + 1}"),
        "typ": kind,
        "strona_www": _maybe(rng, 0.9, f"https://{host}/"),
        "email": _maybe(rng, 0.7, f"sekretariat@{host}"),
        "telefon": _maybe(rng, 0.7, _phone(rng)),
        "kontakt_osoba": f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}" if consent else "",
        "kontakt_email": f"ngo@{host}" if contact else "",
        "kontakt_telefon": _phone(rng) if contact and rng.random() < 0.5 else "",
        "kontakt_zgoda": ("tak" if consent else "nie") if contact else "",
        "opis": "Instytucja fikcyjna: rekord wygenerowany przez kfl-lod generate do testów i pomiarów.",
    }


def _venue(rng: random.Random, i: int, institution: str) -> dict[str, str]:
    placed = rng.random() < 0.8
    district = _pick(rng, i, [str(n) for n in DISTRICTS])
    return {
        "id": f"lok-{i + 1}",
        "instytucja_id": institution,
        "nazwa": f"{rng.choice(_VENUE_KINDS)} nr {i + 1} (przykład)",
        "ulica": _maybe(rng, 0.9, f"{rng.choice(_STREETS)} {rng.randrange(1, 120)}"),
        "kod_pocztowy": _maybe(rng, 0.7, f"3{rng.randrange(2)}-{rng.randrange(1000):03d}"),
        "miejscowosc": "Kraków",
        # Coordinates are random in the city, so they name no district; unplaced venues name one.
        "dzielnica": "" if placed and i >= len(DISTRICTS) else district,
        "szerokosc": f"{rng.uniform(*_LAT):.6f}" if placed else "",
        "dlugosc": f"{rng.uniform(*_LON):.6f}" if placed else "",
        "dostep_wozki": rng.choice(("tak", "nie", "")),
        "godziny_otwarcia": _maybe(rng, 0.5, rng.choice(_HOURS)),
    }


def _space(rng: random.Random, i: int, venue: str) -> dict[str, str]:
    kind = _pick(rng, i, SPACE_TYPES.slugs())
    equipment = EQUIPMENT.slugs()
    modes = SHARING_MODES.slugs()
    if i < len(equipment):
        items = [equipment[i]]
    else:
        items = rng.sample(equipment, rng.randrange(0, 5))
    chosen = [modes[i]] if i < len(modes) else rng.sample(modes, rng.randrange(0, 3))
    free = rng.choice(("tak", "nie", ""))
    if free == "tak" and chosen == ["odplatny-najem"]:
        chosen.append("indywidualne-ustalenia")  # free of charge yet only for paid rental is a violation
    area = rng.randrange(12, 400)
    return {
        "id": f"sala-{i + 1}",
        "lokalizacja_id": venue,
        "nazwa": f"{_ROOM_NAMES[kind]} „{rng.choice(_COLOURS)}” nr {i + 1}",
        "rodzaj": kind,
        "opis": _maybe(rng, 0.4, "Przestrzeń fikcyjna (przykład), wygenerowana do testów; nie opisuje żadnej sali."),
        "liczba_miejsc": _maybe(rng, 0.8, str(max(4, area // 2))),
        "powierzchnia_m2": _maybe(rng, 0.5, f"{area}" if rng.random() < 0.7 else f"{area},5"),
        "wyposazenie": ", ".join(sorted(items, key=equipment.index)),
        "formy_udostepniania": ", ".join(sorted(chosen, key=modes.index)),
        "nieodplatnie": free,
        "warunki": _maybe(rng, 0.3, rng.choice(_CONDITIONS)),
        "zweryfikowano": _maybe(rng, 0.6, (_FIRST_DAY + timedelta(days=rng.randrange(600))).isoformat()),
        "ilustracyjne": "tak",
    }


def _practice(rng: random.Random, i: int, space: str) -> dict[str, str]:
    return {
        "id": f"praktyka-{i + 1}",
        "przestrzen_id": space,
        "organizacja": f"{rng.choice(_NGOS)} „{rng.choice(_PATRONS)}” (przykład)",
        "tytul": f"{rng.choice(_EVENTS)} nr {i + 1} (przykład)",
        "data": _maybe(rng, 0.8, (_FIRST_DAY + timedelta(days=rng.randrange(600))).isoformat()),
        "opis": _maybe(rng, 0.5, "Rekord przykładowy, niepotwierdzony przez żadne źródło."),
        "ilustracyjne": "tak",
    }
