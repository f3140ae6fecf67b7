"""Published files: each RDF dump gives back the built graph; CSV and GeoJSON match the source."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import RDF, XSD

from kfl_lod.dumps import to_ntriples, to_turtle
from kfl_lod.jsonld import context, context_bytes, to_jsonld
from kfl_lod.mapping import decimal, to_graph
from kfl_lod.source import read_source
from kfl_lod.vocab import EQUIPMENT, SCHEMA, SHARING_MODES

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "source"
VALID = ROOT / "tests" / "data" / "valid"
BASE = "https://kfl.krakow.pl/"
RDF_DUMPS = {"kfl.ttl": "turtle", "kfl.nt": "nt", "kfl.jsonld": "json-ld"}


def release(settings) -> Path:
    return (settings.published / "latest").resolve()


def source_rows(table: str) -> list[dict[str, str]]:
    with open(SOURCE / f"{table}.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def assert_same_graph(built: Graph, parsed: Graph) -> None:
    if not isomorphic(built, parsed):
        _, only_built, only_parsed = graph_diff(to_isomorphic(built), to_isomorphic(parsed))
        pytest.fail(f"only in the built graph: {sorted(only_built)[:5]}\nonly in the dump: {sorted(only_parsed)[:5]}")


@pytest.mark.parametrize("name", RDF_DUMPS)
def test_rdf_dump_parses_back_to_the_built_graph(published, graph, name):
    parsed = Graph().parse(release(published) / name, format=RDF_DUMPS[name])
    assert len(parsed) == len(graph)
    assert_same_graph(graph, parsed)


def test_json_ld_expanded_gives_the_same_triples(published, graph):
    """Expand the compact document term by term (no network): the triples are the built ones."""
    document = json.loads((release(published) / "kfl.jsonld").read_text(encoding="utf-8"))
    expanded = Graph().parse(data=json.dumps(document), format="json-ld")
    assert set(expanded) == set(graph)
    # The same with the context given separately, as a civic developer would use context.jsonld.
    ctx = json.loads((release(published) / "context.jsonld").read_text(encoding="utf-8"))
    separate = {"@context": ctx["@context"], "@graph": document["@graph"]}
    assert set(Graph().parse(data=json.dumps(separate), format="json-ld")) == set(graph)


def test_context_file_equals_the_inline_context(published):
    document = json.loads((release(published) / "kfl.jsonld").read_text(encoding="utf-8"))
    ctx = json.loads((release(published) / "context.jsonld").read_text(encoding="utf-8"))
    assert ctx == {"@context": document["@context"]}
    assert (release(published) / "context.jsonld").read_bytes() == context_bytes(published.base)


def walk(node):
    """Every JSON object in a document."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def test_json_ld_reads_as_plain_json(published, records):
    document = json.loads((release(published) / "kfl.jsonld").read_text(encoding="utf-8"))
    keys = {k for obj in walk(document["@graph"]) for k in obj}
    assert not [k for k in keys if "://" in k]  # every key is a short term
    nodes = {n["id"]: n for n in document["@graph"]}
    space = next(s for s in records.spaces if s.capacity and s.area_m2 and s.equipment)
    node = nodes[f"space/{space.id}"]
    assert node["name"] == space.name
    assert node["maximumAttendeeCapacity"] == space.capacity  # a JSON number
    assert node["illustrative"] is space.illustrative  # a JSON boolean
    assert node["containedInPlace"] == f"venue/{space.venue}"
    area = node["floorSize"]["value"]
    # The canonical form the store keeps ("70", "45.5"), so every format holds one literal.
    assert area["@type"] == "xsd:decimal" and area["@value"] == str(decimal(space.area_m2))
    assert [f["additionalType"] for f in node["amenityFeature"]] == sorted(
        f"vocab/equipment/{e}" for e in space.equipment
    )
    institution = nodes[f"institution/{records.institutions[0].id}"]
    assert institution["name"] == records.institutions[0].name and "name_en" not in institution


def test_json_ld_round_trips_awkward_values():
    """Decimals, booleans, integers, languages and look-alike strings come back as the same literals."""
    s = URIRef(BASE + "space/x")
    g = Graph()
    values = [
        (SCHEMA.name, Literal("Sala", lang="pl")),
        (SCHEMA.name, Literal("Room", lang="en")),
        (SCHEMA.name, Literal("Raum", lang="de")),
        (SCHEMA.name, Literal("bez języka")),
        (SCHEMA.description, Literal("space/x#address", lang="pl")),  # looks like a fragment IRI
        (SCHEMA.alternateName, Literal("venue/x#address")),
        (SCHEMA.value, Literal("45.5", datatype=XSD.decimal)),
        (SCHEMA.value, Literal("200", datatype=XSD.decimal)),
        (SCHEMA.value, Literal(True)),
        (SCHEMA.value, Literal(7)),
        (SCHEMA.value, Literal("007", datatype=XSD.integer)),
        (SCHEMA.latitude, Literal("50.04", datatype=XSD.decimal)),
        (SCHEMA.latitude, Literal("50.05")),
        (SCHEMA.isAccessibleForFree, Literal(False)),
        (SCHEMA.isAccessibleForFree, Literal("1", datatype=XSD.boolean)),
        (SCHEMA.startDate, Literal(date(2026, 2, 19))),
        (SCHEMA.startDate, Literal("luty")),
        (SCHEMA.url, URIRef("https://example.pl/a?b=c")),
        (SCHEMA.url, Literal("https://example.pl/")),
        (SCHEMA.sameAs, URIRef(BASE + "a:b")),
        (SCHEMA.containedInPlace, URIRef(BASE + "venue/x")),
        (SCHEMA.address, URIRef(BASE + "space/x#address")),
        (SCHEMA.telephone, Literal('"12" \\ 34\nline')),
        (URIRef(BASE + "def/illustrative"), Literal(True)),
        (URIRef("http://example.org/custom"), Literal(3)),
    ]
    for p, o in values:
        g.add((s, p, o))
    g.add((URIRef(BASE + "space/x#address"), SCHEMA.streetAddress, Literal("ul. Próbna 1")))
    parsed = Graph().parse(data=to_jsonld(g, BASE), format="json-ld")
    assert_same_graph(g, parsed)
    document = json.loads(to_jsonld(g, BASE))
    [node] = document["@graph"]
    assert node["address"]["streetAddress"] == "ul. Próbna 1"  # the fragment node is embedded
    assert "space/x#address" in node["description"]  # the look-alike string stays a string


def test_turtle_and_ntriples_round_trip_awkward_text(tmp_path):
    records = read_source(VALID)
    odd = 'Sala "Pod Gruszką" \\ C:\\dane\nnowa linia\ttab — ąęł 😀'
    records = replace(
        records, spaces=(replace(records.spaces[0], name=odd, description="<b>&amp;</b> ' \""), *records.spaces[1:])
    )
    g = to_graph(records, BASE)
    assert (None, SCHEMA.name, Literal(odd, lang="pl")) in g
    assert_same_graph(g, Graph().parse(data=to_turtle(g), format="turtle"))
    assert_same_graph(g, Graph().parse(data=to_ntriples(g), format="nt"))
    assert_same_graph(g, Graph().parse(data=to_jsonld(g, BASE), format="json-ld"))


def test_no_blank_nodes_anywhere(published):
    folder = release(published)
    for name, fmt in {**RDF_DUMPS, "shacl-report.ttl": "turtle"}.items():
        g = Graph().parse(folder / name, format=fmt)
        assert len(g) > 0
        assert not [t for triple in g for t in triple if isinstance(t, BNode)], name
    assert "_:" not in (folder / "kfl.nt").read_text(encoding="utf-8")


def test_blank_node_in_the_graph_is_refused():
    g = Graph()
    g.add((BNode(), RDF.type, SCHEMA.Place))
    with pytest.raises(ValueError, match="blank nodes"):
        to_jsonld(g, BASE)


def test_csv_has_one_row_per_space_with_its_venue_and_institution(published):
    with open(release(published) / "kfl.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    spaces = source_rows("przestrzenie")
    venues = {v["id"]: v for v in source_rows("lokalizacje")}
    institutions = {i["id"]: i for i in source_rows("instytucje")}
    assert sorted(r["przestrzen_id"] for r in rows) == sorted(s["id"] for s in spaces)
    assert [r["przestrzen_id"] for r in rows] == sorted(r["przestrzen_id"] for r in rows)  # sorted by id
    by_id = {r["przestrzen_id"]: r for r in rows}
    for space in spaces:
        row = by_id[space["id"]]
        venue = venues[space["lokalizacja_id"]]
        institution = institutions[venue["instytucja_id"]]
        assert row["przestrzen_uri"] == BASE + "space/" + space["id"]
        assert (row["nazwa"], row["rodzaj"], row["ilustracyjne"]) == (
            space["nazwa"],
            space["rodzaj"],
            space["ilustracyjne"],
        )
        assert row["liczba_miejsc"] == space["liczba_miejsc"]
        assert (row["lokalizacja_id"], row["lokalizacja_nazwa"], row["ulica"]) == (
            venue["id"],
            venue["nazwa"],
            venue["ulica"],
        )
        assert (row["instytucja_id"], row["instytucja_nazwa"]) == (institution["id"], institution["nazwa"])
        assert row["instytucja_uri"] == BASE + "institution/" + institution["id"]
        for column, scheme in (("formy_udostepniania", SHARING_MODES), ("wyposazenie", EQUIPMENT)):
            items = [m.strip() for m in space[column].split(",") if m.strip()]
            assert row[column] == ",".join(sorted(items, key=scheme.slugs().index))  # in the list's order
        for column in ("opis", "nieodplatnie", "warunki", "zweryfikowano"):
            assert row[column] == space[column], column
        for column in ("kod_pocztowy", "miejscowosc", "dostep_wozki"):
            assert row[column] == venue[column], column
        assert row["instytucja_www"] == institution["strona_www"]
        for ours, theirs in (
            ("powierzchnia_m2", space["powierzchnia_m2"]),
            ("szerokosc", venue["szerokosc"]),
            ("dlugosc", venue["dlugosc"]),
        ):
            assert (Decimal(row[ours]) if row[ours] else None) == (
                Decimal(theirs.replace(",", ".")) if theirs else None
            ), ours


def test_geojson_has_a_point_per_venue_with_its_spaces(published):
    document = json.loads((release(published) / "kfl.geojson").read_text(encoding="utf-8"))
    assert document["type"] == "FeatureCollection"
    venues = {v["id"]: v for v in source_rows("lokalizacje")}
    with_coordinates = {i for i, v in venues.items() if v["szerokosc"] and v["dlugosc"]}
    features = {f["properties"]["id"]: f for f in document["features"]}
    assert set(features) == with_coordinates and len(features) == len(document["features"])
    spaces_of: dict[str, list[str]] = {}
    for space in source_rows("przestrzenie"):
        spaces_of.setdefault(space["lokalizacja_id"], []).append(space["id"])
    for venue_id, feature in features.items():
        venue = venues[venue_id]
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]  # GeoJSON: longitude first
        assert (lat, lon) == (float(venue["szerokosc"].replace(",", ".")), float(venue["dlugosc"].replace(",", ".")))
        assert feature["properties"]["uri"] == BASE + "venue/" + venue_id
        assert sorted(s["id"] for s in feature["properties"]["przestrzenie"]) == sorted(spaces_of.get(venue_id, []))


def test_sha256sums_are_correct(published):
    folder = release(published)
    lines = (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = {}
    for line in lines:
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = {p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith(".") and p.name != "SHA256SUMS"}
    assert set(listed) == files
    for name, digest in listed.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name


def test_published_files_are_utf8_without_bom(published):
    for path in release(published).iterdir():
        if path.is_file() and not path.name.startswith(".") and path.suffix != ".xlsx":  # a zip, not text
            data = path.read_bytes()
            assert not data.startswith(b"\xef\xbb\xbf"), path.name
            data.decode("utf-8")


def test_context_is_valid_json_ld_context():
    ctx = context(BASE)["@context"]
    assert ctx["@vocab"] == str(SCHEMA) and ctx["@base"] == BASE
    for term, spec in ctx.items():
        if isinstance(spec, dict):
            assert set(spec) <= {"@id", "@type", "@language", "@container"}, term
    io.StringIO(json.dumps(ctx))


# --- the illustrative marker and the consent, in every published file ------------------------------


def test_illustrative_marker_is_in_every_file_that_shows_the_record(published):
    """Each space's ilustracyjne (and each good practice's) from the source, in ttl, nt, jsonld, csv and geojson."""
    folder = release(published)
    kfl = BASE + "def/illustrative"
    spaces = {s["id"]: s["ilustracyjne"] == "tak" for s in source_rows("przestrzenie")}
    practices = {p["id"]: p["ilustracyjne"] == "tak" for p in source_rows("dobre_praktyki")}
    assert True in spaces.values() and False in spaces.values()  # both kinds are there to be told apart
    expected = {f"{BASE}space/{i}": v for i, v in spaces.items()} | {
        f"{BASE}practice/{i}": v for i, v in practices.items()
    }
    for name, fmt in RDF_DUMPS.items():
        g = Graph().parse(folder / name, format=fmt)
        found = {str(s): o.toPython() for s, o in g.subject_objects(URIRef(kfl))}
        assert found == expected, name
    nodes = {n["id"]: n for n in json.loads((folder / "kfl.jsonld").read_text(encoding="utf-8"))["@graph"]}
    assert {f"space/{i}": nodes[f"space/{i}"]["illustrative"] for i in spaces} == {
        f"space/{i}": v for i, v in spaces.items()
    }
    with open(folder / "kfl.csv", encoding="utf-8", newline="") as fh:
        assert {r["przestrzen_id"]: r["ilustracyjne"] == "tak" for r in csv.DictReader(fh)} == spaces
    shown = {
        s["id"]: s["ilustracyjne"]
        for f in json.loads((folder / "kfl.geojson").read_text(encoding="utf-8"))["features"]
        for s in f["properties"]["przestrzenie"]
    }
    venues = {v["id"]: v for v in source_rows("lokalizacje")}
    on_map = {s["id"] for s in source_rows("przestrzenie") if venues[s["lokalizacja_id"]]["szerokosc"]}
    assert set(shown) == on_map and True in shown.values()
    assert shown == {i: spaces[i] for i in on_map}


def _text_of(path) -> str:
    """A published file's text; for kfl.xlsx (a zip), the text of every part inside."""
    if path.suffix == ".xlsx":
        import zipfile

        with zipfile.ZipFile(path) as book:
            return "\n".join(book.read(name).decode("utf-8") for name in book.namelist())
    return path.read_bytes().decode("utf-8")


def test_contact_name_without_consent_is_in_no_published_file(tmp_path):
    """The test source names three contact people; only the one with kontakt_zgoda=tak is published, anywhere."""
    from kfl_lod.build import build
    from kfl_lod.settings import load_settings

    with open(VALID / "instytucje.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    given = [r for r in rows if r["kontakt_zgoda"] == "tak" and r["kontakt_osoba"]]
    refused = [r for r in rows if r["kontakt_zgoda"] != "tak" and r["kontakt_osoba"]]
    assert given and refused
    settings = load_settings(
        environ={}, cwd=tmp_path, source=VALID, published=tmp_path / "published", shapes=ROOT / "shapes", base=BASE
    )
    assert build(settings, today=date(2026, 3, 2)).report.conforms
    files = {p.name: _text_of(p) for p in release(settings).iterdir() if p.is_file()}
    assert any(given[0]["kontakt_osoba"] in text for text in files.values())  # the check can see a name
    for row in refused:
        assert not [name for name, text in files.items() if row["kontakt_osoba"] in text], row["kontakt_osoba"]
