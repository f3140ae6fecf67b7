"""Every example query in sparql/ runs on the served endpoint and answers what the tables say.

Answers are computed here straight from the source CSV tables (csv module, no kfl_lod
code). The bundled data leaves some columns empty (districts, step-free access, dates
of verification), so every example also runs on a second publication whose tables have
those columns filled in (test data, never published), where each answer is non-empty.
"""

from __future__ import annotations

import csv
import math
import shutil
from datetime import date
from pathlib import Path

import pytest
import requests
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from kfl_lod.build import build
from kfl_lod.districts import locate
from kfl_lod.query.examples import load_examples
from kfl_lod.vocab import EQUIPMENT, SHARING_MODES, SPACE_TYPES

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://kfl.krakow.pl/"
SCHEMA = Namespace("https://schema.org/")
KFL = Namespace(BASE + "def/")
EXAMPLES = load_examples(ROOT / "sparql")
ROMAN = {
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "V": 5,
    "VI": 6,
    "VII": 7,
    "VIII": 8,
    "IX": 9,
    "X": 10,
    "XI": 11,
    "XII": 12,
    "XIII": 13,
    "XIV": 14,
    "XV": 15,
    "XVI": 16,
    "XVII": 17,
    "XVIII": 18,
}


# --- the tables, read independently ------------------------------------------------------------


class Tables:
    """The source tables as plain rows, with the few conversions the answers need."""

    def __init__(self, source: Path) -> None:
        self.institutions = self._read(source / "instytucje.csv")
        self.venues = self._read(source / "lokalizacje.csv")
        self.spaces = self._read(source / "przestrzenie.csv")
        practices = source / "dobre_praktyki.csv"
        self.practices = self._read(practices) if practices.exists() else []
        self.venue = {v["id"]: v for v in self.venues}
        self.institution = {i["id"]: i for i in self.institutions}

    @staticmethod
    def _read(path: Path) -> list[dict[str, str]]:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]

    def institution_of(self, space: dict) -> dict:
        return self.institution[self.venue[space["lokalizacja_id"]]["instytucja_id"]]

    @staticmethod
    def listed(cell: str) -> list[str]:
        return [x.strip() for x in cell.split(",") if x.strip()]

    @staticmethod
    def capacity(space: dict) -> int | None:
        return int(space["liczba_miejsc"]) if space["liczba_miejsc"] else None

    @staticmethod
    def district(venue: dict) -> int | None:
        cell = venue["dzielnica"].upper()
        if cell:
            return int(cell) if cell.isdigit() else ROMAN[cell]
        if venue["szerokosc"]:  # not stated: derived from the point (kfl_lod.districts, tested on its own)
            return locate(float(venue["szerokosc"].replace(",", ".")), float(venue["dlugosc"].replace(",", "."))).number
        return None

    def free(self, space: dict) -> bool:
        return space["nieodplatnie"] == "tak" or "nieodplatne-uzyczenie" in self.listed(space["formy_udostepniania"])


def iri(kind: str, slug: str) -> str:
    return f"{BASE}{kind}/{slug}"


# --- expected answers, one function per example ---------------------------------------------------
# Each returns what the answer must be, in the shape `answer()` below gives for that example.


def free_rooms_in_district(t: Tables):
    return sorted(
        (
            (iri("space", s["id"]), t.capacity(s))
            for s in t.spaces
            if (t.capacity(s) or 0) >= 30 and t.free(s) and t.district(t.venue[s["lokalizacja_id"]]) == 13
        ),
        key=lambda x: (-x[1], x[0]),
    )


def projector_step_free(t: Tables):
    return sorted(
        iri("space", s["id"])
        for s in t.spaces
        if "projektor" in t.listed(s["wyposazenie"]) and t.venue[s["lokalizacja_id"]]["dostep_wozki"] == "tak"
    )


def co_organisation(t: Tables):
    counts: dict[str, int] = {}
    for s in t.spaces:
        if "wspolorganizacja" in t.listed(s["formy_udostepniania"]):
            key = iri("institution", t.institution_of(s)["id"])
            counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def count_per_district(t: Tables):
    counts: dict[str, int] = {}
    for s in t.spaces:
        n = t.district(t.venue[s["lokalizacja_id"]])
        key = iri("district", str(n)) if n else iri("place", "krakow")
        counts[key] = counts.get(key, 0) + 1
    return counts


def _per_concept(t: Tables, scheme, column: str, single: bool):
    counts = {iri("vocab", f"{scheme.slug}/{c}"): 0 for c in scheme.slugs()}
    for s in t.spaces:
        for value in [s[column]] if single else t.listed(s[column]):
            counts[iri("vocab", f"{scheme.slug}/{value}")] += 1
    return counts


def count_per_space_type(t: Tables):
    return _per_concept(t, SPACE_TYPES, "rodzaj", single=True)


def equipment_inventory(t: Tables):
    return _per_concept(t, EQUIPMENT, "wyposazenie", single=False)


def count_per_sharing_mode(t: Tables):
    return _per_concept(t, SHARING_MODES, "formy_udostepniania", single=False)


def institution_graph(t: Tables):
    institution = t.institution["centrum-kultury-podgorza"]
    venues = [v for v in t.venues if v["instytucja_id"] == institution["id"]]
    ids = {v["id"] for v in venues}
    spaces = [s for s in t.spaces if s["lokalizacja_id"] in ids]
    return {
        "name": institution["nazwa"],
        "venues": sorted(iri("venue", v["id"]) for v in venues),
        "spaces": sorted(iri("space", s["id"]) for s in spaces),
        "capacities": {iri("space", s["id"]): t.capacity(s) for s in spaces if t.capacity(s)},
    }


LAT0, LON0, RADIUS = 50.0617, 19.9373, 1.0


def spaces_near_point(t: Tables):
    out = []
    for s in t.spaces:
        v = t.venue[s["lokalizacja_id"]]
        if not v["szerokosc"]:
            continue
        dy = (float(v["szerokosc"]) - LAT0) * 111.195
        dx = (float(v["dlugosc"]) - LON0) * 71.366
        if dx * dx + dy * dy <= RADIUS**2:
            out.append((iri("space", s["id"]), math.hypot(dx, dy)))
    return sorted(out, key=lambda x: (round(x[1], 6), x[0]))


def verified_since(t: Tables):
    rows = [
        (iri("space", s["id"]), s["zweryfikowano"])
        for s in t.spaces
        if s["zweryfikowano"] and date.fromisoformat(s["zweryfikowano"]) >= date(2026, 1, 1)
    ]
    # Newest first, then by IRI: ORDER BY DESC(?verified) ?space.
    return sorted(rows, key=lambda x: (-date.fromisoformat(x[1]).toordinal(), x[0]))


def illustrative_vs_sourced(t: Tables):
    counts = {"false": 0, "true": 0}
    for s in t.spaces:
        counts["true" if s["ilustracyjne"] == "tak" else "false"] += 1
    return {k: v for k, v in counts.items() if v}


def largest_rooms(t: Tables):
    rooms = [(iri("space", s["id"]), t.capacity(s), t.institution_of(s)["nazwa"]) for s in t.spaces if t.capacity(s)]
    return sorted(rooms, key=lambda x: (-x[1], x[0]))[:10]


def free_use_contacts(t: Tables):
    out: dict[str, dict] = {}
    for s in t.spaces:
        if "nieodplatne-uzyczenie" in t.listed(s["formy_udostepniania"]):
            inst = t.institution_of(s)
            entry = out.setdefault(
                iri("institution", inst["id"]),
                {"spaces": 0, "email": inst["email"], "contactEmail": inst["kontakt_email"]},
            )
            entry["spaces"] += 1
    return dict(sorted(out.items()))


def venues_without_coordinates(t: Tables):
    return sorted(iri("venue", v["id"]) for v in t.venues if not v["szerokosc"])


def big_hall_for_co_organisation(t: Tables):
    return any(
        (t.capacity(s) or 0) >= 100 and "wspolorganizacja" in t.listed(s["formy_udostepniania"]) for s in t.spaces
    )


def good_practices(t: Tables):
    def place(p: dict) -> str:
        if p["przestrzen_id"]:
            return iri("space", p["przestrzen_id"])
        return iri("venue", p["lokalizacja_id"]) if p.get("lokalizacja_id") else ""

    return sorted(
        (iri("practice", p["id"]), p["tytul"], p["data"], place(p), p.get("url", ""), p["ilustracyjne"] == "tak")
        for p in t.practices
    )


EXPECTED = {
    "free-rooms-in-district": free_rooms_in_district,
    "projector-step-free": projector_step_free,
    "co-organisation": co_organisation,
    "count-per-district": count_per_district,
    "count-per-space-type": count_per_space_type,
    "institution-graph": institution_graph,
    "spaces-near-point": spaces_near_point,
    "verified-since": verified_since,
    "illustrative-vs-sourced": illustrative_vs_sourced,
    "largest-rooms": largest_rooms,
    "free-use-contacts": free_use_contacts,
    "equipment-inventory": equipment_inventory,
    "venues-without-coordinates": venues_without_coordinates,
    "count-per-sharing-mode": count_per_sharing_mode,
    "big-hall-for-co-organisation": big_hall_for_co_organisation,
    "good-practices": good_practices,
}


# --- what the endpoint answered, in the same shapes ------------------------------------------------


def answer(name: str, response: requests.Response):
    if name == "institution-graph":
        g = Graph().parse(data=response.content, format="turtle")
        inst = URIRef(iri("institution", "centrum-kultury-podgorza"))
        return {
            "name": str(g.value(inst, SCHEMA.name)),
            "venues": sorted(str(v) for v in g.objects(inst, SCHEMA.location)),
            "spaces": sorted(str(s) for s in g.subjects(RDF.type, KFL.Space)),
            "capacities": {str(s): int(c) for s, c in g.subject_objects(SCHEMA.maximumAttendeeCapacity)},
            "parts_ok": all(
                (URIRef(str(v) + "#address"), RDF.type, SCHEMA.PostalAddress) in g
                for v in g.objects(inst, SCHEMA.location)
            ),
        }
    body = response.json()
    if "boolean" in body:
        return body["boolean"]
    rows = [{k: v["value"] for k, v in b.items()} for b in body["results"]["bindings"]]
    if name == "free-rooms-in-district":
        return [(r["space"], int(r["capacity"])) for r in rows]
    if name in ("projector-step-free",):
        return [r["space"] for r in rows]
    if name == "venues-without-coordinates":
        return [r["venue"] for r in rows]
    if name == "co-organisation":
        return {r["institution"]: int(r["spaces"]) for r in rows}
    if name == "count-per-district":
        return {r["place"]: int(r["spaces"]) for r in rows}
    if name in ("count-per-space-type", "equipment-inventory", "count-per-sharing-mode"):
        key = {"count-per-space-type": "type", "equipment-inventory": "item", "count-per-sharing-mode": "mode"}[name]
        return {r[key]: int(r["spaces"]) for r in rows}
    if name == "spaces-near-point":
        return [(r["space"], float(r["km"])) for r in rows]
    if name == "verified-since":
        return [(r["space"], r["verified"]) for r in rows]
    if name == "illustrative-vs-sourced":
        return {r["illustrative"]: int(r["spaces"]) for r in rows}
    if name == "largest-rooms":
        return [(r["space"], int(r["capacity"]), r["institutionName"]) for r in rows]
    if name == "free-use-contacts":
        return {
            r["institution"]: {
                "spaces": int(r["freeUseSpaces"]),
                "email": r.get("email", ""),
                "contactEmail": r.get("contactEmail", ""),
            }
            for r in rows
        }
    if name == "good-practices":
        return sorted(
            (
                r["practice"],
                r["title"],
                r.get("date", ""),
                r.get("place", ""),
                r.get("source", ""),
                r["illustrative"] == "true",
            )
            for r in rows
        )
    raise AssertionError(f"no reader for example {name}")


def check(name: str, got, expected) -> None:
    if name == "institution-graph":
        assert got.pop("parts_ok")
        assert got == expected
    elif name == "spaces-near-point":
        assert [s for s, _ in got] == [s for s, _ in expected]
        for (_, km), (_, exact) in zip(got, expected, strict=True):
            assert abs(km - exact) <= 0.011
    else:
        assert got == expected


# --- the servers --------------------------------------------------------------------------------------


def enrich(source: Path) -> None:
    """Fill the columns the bundled data leaves empty, deterministically (test data only)."""

    def rewrite(path: Path, change) -> None:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        for i, row in enumerate(rows):
            change(i, row)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)

    def venue(i: int, row: dict) -> None:
        row["dzielnica"] = "XIII" if i % 3 == 0 else str(i % 18 + 1)
        row["dostep_wozki"] = ("tak", "nie", "")[i % 3]

    def space(i: int, row: dict) -> None:
        row["zweryfikowano"] = ("2026-02-10", "2025-06-01", "", "2026-01-01")[i % 4]

    rewrite(source / "lokalizacje.csv", venue)
    rewrite(source / "przestrzenie.csv", space)


@pytest.fixture(scope="module")
def enriched(tmp_path_factory, published, start_module_server):
    tmp = tmp_path_factory.mktemp("enriched")
    shutil.copytree(published.source, tmp / "source")
    enrich(tmp / "source")
    settings = published.replace(source=tmp / "source", published=tmp / "published")
    result = build(settings, today=date(2026, 3, 2))
    assert result.report.conforms, [str(r) for r in result.report.violations]
    return start_module_server(settings), Tables(tmp / "source")


@pytest.fixture(scope="module")
def bundled(server, published):
    return server, Tables(Path(published.source))


def test_there_are_at_least_12_examples_each_with_its_question_in_polish_and_english():
    assert len(EXAMPLES) >= 12
    for e in EXAMPLES:
        assert e.question_pl and e.question_en, e.name
    assert {e.name for e in EXAMPLES} == set(EXPECTED), "every example has a check here"


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
@pytest.mark.parametrize("data", ["bundled", "enriched"])
def test_example_answers_what_the_tables_say(example, data, request):
    url, tables = request.getfixturevalue(data)
    accept = "text/turtle" if example.name == "institution-graph" else "application/sparql-results+json"
    r = requests.post(
        url + "/sparql",
        data=example.text.encode("utf-8"),
        timeout=60,
        headers={"Content-Type": "application/sparql-query", "Accept": accept},
    )
    assert r.status_code == 200, r.text
    assert r.headers.get("X-KFL-Results-Truncated", "false") == "false"
    expected = EXPECTED[example.name](tables)
    if data == "enriched":
        assert expected, f"the test data gives {example.name} something to find"
    check(example.name, answer(example.name, r), expected)


# --- the same engine from the shell -------------------------------------------------------------


def test_kfl_lod_query_prints_the_endpoints_answer(published, server):
    from click.testing import CliRunner

    from kfl_lod.cli import main

    example = next(e for e in EXAMPLES if e.name == "largest-rooms")
    env = {
        f"KFL_{k}": str(v)
        for k, v in (("PUBLISHED", published.published), ("SOURCE", published.source), ("SHAPES", published.shapes))
    }
    runner = CliRunner()
    result = runner.invoke(main, ["query", "--format", "csv", example.text], env=env)
    assert result.exit_code == 0, result.output
    over_http = requests.post(
        server + "/sparql",
        data=example.text.encode(),
        timeout=60,
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    assert result.stdout_bytes == over_http.content
    tsv = runner.invoke(main, ["query", "-"], input=example.text, env=env)
    assert tsv.exit_code == 0 and tsv.output.splitlines()[0] == "?space\t?name\t?capacity\t?institutionName"
    refused = runner.invoke(main, ["query", "CLEAR ALL"], env=env)
    assert refused.exit_code == 2 and "read-only" in refused.output
    bad = runner.invoke(main, ["query", "SELECT ?x WHERE {"], env=env)
    assert bad.exit_code == 2 and "Malformed query" in bad.output
