"""A column's type and bounds are declared once and said alike by the reader, SHACL and CSVW."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef

from kfl_lod import csvw
from kfl_lod.source.cells import Invalid
from kfl_lod.source.tables import SPACES, TABLES

SH = Namespace("http://www.w3.org/ns/shacl#")
SCHEMA = "https://schema.org/"
SHAPES = Path(__file__).resolve().parents[1] / "shapes" / "kfl.ttl"
# The SHACL path that holds each bounded column's value.
BOUNDED = {"capacity": SCHEMA + "maximumAttendeeCapacity", "area_m2": SCHEMA + "value"}


def shacl_bounds(path: str) -> tuple[Decimal | None, Decimal | None]:
    """The sh:minInclusive and sh:minExclusive the shapes put on a path."""
    g = Graph().parse(SHAPES)
    inclusive = exclusive = None
    for shape in g.subjects(SH.path, URIRef(path)):
        for value in g.objects(shape, SH.minInclusive):
            inclusive = Decimal(str(value))
        for value in g.objects(shape, SH.minExclusive):
            exclusive = Decimal(str(value))
    return inclusive, exclusive


@pytest.mark.parametrize("field", sorted(BOUNDED))
def test_bounds_said_alike(field: str) -> None:
    cell = SPACES.column(field).cell
    metadata = csvw.metadata("https://example.org/", "https://creativecommons.org/licenses/by/4.0/")
    column = next(c for c in metadata["tableSchema"]["columns"] if c.get("name") == SPACES.column(field).header)
    assert column["datatype"] == cell.csvw_datatype()
    inclusive, exclusive = shacl_bounds(BOUNDED[field])
    if cell.minimum is not None:  # a whole number: "greater than 0" and "at least 1" say the same
        least = inclusive if inclusive is not None else exclusive + 1
        assert least == cell.minimum
        assert column["datatype"]["minimum"] == 1
        cell.parse(str(cell.minimum))
        with pytest.raises(Invalid):
            cell.parse(str(cell.minimum - 1))
    else:
        assert exclusive == cell.min_exclusive
        with pytest.raises(Invalid):
            cell.parse(str(cell.min_exclusive))
        cell.parse("0,5")


def test_headers_declared_once() -> None:
    for table in TABLES:
        headers = [c.header for c in table.columns]
        assert len(headers) == len(set(headers)), table.name
        for column in table.columns:
            if column.references:
                assert column.references in {t.name for t in TABLES}


def test_csvw_metadata_is_json() -> None:
    for body in csvw.render("https://example.org/", "https://creativecommons.org/licenses/by/4.0/").values():
        document = json.loads(body)
        assert document["@context"] and document["url"], document
