"""CSV on the Web: kfl.csv-metadata.json describes kfl.csv, a CSVW processor validates the CSV
against it, and converting the CSV through it gives triples that are in our graph."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from csvw import CSVW
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rfc3986 import URIReference

from kfl_lod.csvw import COLUMNS
from kfl_lod.dumps import CSV_COLUMNS, CSV_HEADER
from kfl_lod.names import CSV_METADATA as FILE

BASE = "https://kfl.krakow.pl/"


@pytest.fixture(scope="module")
def folder(published) -> Path:
    return published.published / "latest"


@pytest.fixture(scope="module")
def metadata(folder) -> dict:
    return json.loads((folder / FILE).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def data(folder) -> Graph:
    return Graph().parse(folder / "kfl.nt", format="nt")


def test_every_column_is_described_in_order_with_polish_and_english_titles(metadata, folder):
    with open(folder / "kfl.csv", encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    columns = [c for c in metadata["tableSchema"]["columns"] if not c.get("virtual")]
    assert [c["name"] for c in columns] == header == list(CSV_COLUMNS)
    for column in columns:
        assert set(column["titles"]) == {"und", "pl", "en"} and all(column["titles"].values())
        assert column.get("datatype")
    assert metadata["url"] == "kfl.csv"
    assert metadata["tableSchema"]["aboutUrl"] == BASE + "space/{przestrzen_id}"
    assert set(COLUMNS) == set(CSV_HEADER)


def test_a_csvw_processor_validates_the_published_csv(folder):
    table = CSVW(str(folder / FILE), validate=True)
    assert table.is_valid, [str(w.message) for w in table.warnings]


def test_every_header_cell_is_a_title_of_its_column(folder):
    """CSVW 5.5.1: the embedded header (titles of no language) must match a title of each column.

    The csvw package accepts a column whose *name* equals the cell; the spec (and stricter
    validators) compare titles, so the cell itself must be among the titles, language "und".
    """
    import warnings

    with open(folder / "kfl.csv", encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    table = CSVW(str(folder / FILE), validate=True).tables[0]
    columns = [c for c in table.tableSchema.columns if not c.virtual]
    for cell, column in zip(header, columns, strict=True):
        column.name = None  # compare by titles only, as the spec does
        assert column.has_title(cell) == "und", (cell, dict(column.titles))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table._validated_csv_header(header, strict=False)
    assert not [str(w.message) for w in caught]


def test_the_processor_finds_the_metadata_next_to_the_csv(folder):
    # CSVW's default location: {+url}-metadata.json.
    table = CSVW(str(folder / "kfl.csv"), validate=True)
    assert table.is_valid
    assert not table.no_metadata
    assert table.tables[0].tableSchema.columns[0].name == "przestrzen_id"


@pytest.mark.parametrize(
    "column, bad",
    [("liczba_miejsc", "ok. 40"), ("nieodplatnie", "może"), ("zweryfikowano", "wczoraj"), ("kod_pocztowy", "31072")],
)
def test_a_cell_that_breaks_the_description_fails_validation(tmp_path, folder, column, bad):
    shutil.copy(folder / FILE, tmp_path / FILE)
    rows = list(csv.DictReader(io.StringIO((folder / "kfl.csv").read_text(encoding="utf-8"))))
    rows[0][column] = bad
    with open(tmp_path / "kfl.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(CSV_COLUMNS), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    assert not CSVW(str(tmp_path / FILE), validate=True).is_valid


def csv_to_rdf(metadata_path: Path) -> list[tuple]:
    """Convert the CSV the CSVW way: each non-suppressed cell is a triple about the cell's
    aboutUrl, with its propertyUrl, and its valueUrl or its typed value as object.

    The csvw package parses and types the cells and expands the URI templates; it has no
    RDF writer, and its JSON writer fails on boolean cells, so the triples are made here.
    """
    table = CSVW(str(metadata_path)).tables[0]
    columns = table.tableSchema.columns
    triples = []
    for number, typed in enumerate(table.iterdicts(), start=1):
        # URI templates are expanded with the cells' values written out as strings.
        row = {k: (v.unsplit() if isinstance(v, URIReference) else v) for k, v in typed.items()}
        for col in columns:
            if col.suppressOutput:
                continue
            about = table.expand(col.inherit("aboutUrl"), row, _row=number)
            prop = table.expand(col.propertyUrl, row, _row=number, qname=True)
            prop = str(RDF.type) if prop == "rdf:type" else prop  # CSVW's built-in prefix
            if col.virtual:
                triples.append((URIRef(about), URIRef(prop), URIRef(table.expand(col.valueUrl, row, _row=number))))
                continue
            cell = row.get(col.header)
            if cell is None or cell == "":
                continue
            if col.valueUrl:
                obj = URIRef(table.expand(col.valueUrl, row, _row=number))
            else:
                obj = _literal(cell, col)
            triples.append((URIRef(about), URIRef(prop), obj))
    return triples


def _literal(value, col) -> Literal:
    base = col.datatype.base if col.datatype else "string"
    if base == "string":
        lang = col.inherit("lang")
        return Literal(value, lang=lang if lang and lang != "und" else None)
    if base == "integer":
        return Literal(int(value), datatype=XSD.integer)
    if base == "decimal":
        assert isinstance(value, Decimal)
        return Literal(value, datatype=XSD.decimal)
    if base == "boolean":
        return Literal(bool(value))
    if base == "date":
        assert isinstance(value, date)
        return Literal(value, datatype=XSD.date)
    raise AssertionError(f"no conversion for {base}")


def in_graph(g: Graph, triple: tuple) -> bool:
    """Whether ``g`` has the triple; typed literals compare by value ("70" and "70.0" decimals)."""
    s, p, o = triple
    if triple in g:
        return True
    return (
        isinstance(o, Literal)
        and o.datatype is not None
        and any(isinstance(x, Literal) and x.datatype == o.datatype and x.eq(o) for x in g.objects(s, p))
    )


def test_converting_the_csv_through_the_metadata_gives_triples_of_our_graph(folder, data, records):
    triples = csv_to_rdf(folder / FILE)
    missing = [t for t in triples if not in_graph(data, t)]
    assert missing == []
    # The conversion says something about every space, its venue and its institution.
    subjects = {str(s) for s, _, _ in triples}
    venues = {s.venue for s in records.spaces}
    assert {BASE + "space/" + s.id for s in records.spaces} <= subjects
    assert {BASE + "venue/" + v for v in venues} <= subjects
    kfl = BASE + "def/"
    assert (URIRef(BASE + "space/" + records.spaces[0].id), RDF.type, URIRef(kfl + "Space")) in triples
    capacities = {(str(s), int(o)) for s, p, o in triples if str(p) == "https://schema.org/maximumAttendeeCapacity"}
    assert capacities == {(BASE + "space/" + s.id, s.capacity) for s in records.spaces if s.capacity}
    illustrative = {str(s) for s, p, o in triples if str(p) == kfl + "illustrative" and o == Literal(True)}
    assert illustrative == {BASE + "space/" + s.id for s in records.spaces if s.illustrative}


def test_a_wrong_mapping_would_be_caught(tmp_path, folder, data):
    metadata = json.loads((folder / FILE).read_text(encoding="utf-8"))
    for column in metadata["tableSchema"]["columns"]:
        if column.get("name") == "nazwa":
            column["propertyUrl"] = "https://schema.org/alternateName"
    (tmp_path / FILE).write_text(json.dumps(metadata), encoding="utf-8")
    shutil.copy(folder / "kfl.csv", tmp_path / "kfl.csv")
    missing = [t for t in csv_to_rdf(tmp_path / FILE) if not in_graph(data, t)]
    assert missing and {str(p) for _, p, _ in missing} == {"https://schema.org/alternateName"}
