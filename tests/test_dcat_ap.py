"""The official DCAT-AP SHACL shapes (SEMIC, unmodified copies in reference/) on our catalog.

Run as reference/dcat-ap/README.md says, with its two workarounds for the
combined 3.0.1 file (drop the sh:property links to shapes defined nowhere; RDFS inference
so IRIs count as rdfs:Resource). The EU-vocabulary shapes (mdr-vocabularies) need the EU
vocabularies loaded and are not run here.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from datetime import date
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SH

from kfl_lod.build import build
from kfl_lod.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
DCAT_AP = ROOT / "reference" / "dcat-ap"
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
BASE = "https://kfl.krakow.pl/"

SPLIT_301 = ("3.0.1/html-shacl/shapes.ttl", "3.0.1/html-shacl/range.ttl")
RECOMMENDED_301 = "3.0.1/html-shacl/shapes_recommended.ttl"
COMBINED_301 = ("3.0.1/shacl/dcat-ap-SHACL.ttl", "3.0.1/shacl/ranges.ttl")
SPLIT_211 = (
    "2.1.1/dcat-ap_2.1.1_shacl_shapes.ttl",
    "2.1.1/dcat-ap_2.1.1_shacl_range.ttl",
    "2.1.1/dcat-ap_2.1.1_shacl_shapes_recommended.ttl",
)


def shapes(*names: str, drop_undefined: bool = False) -> Graph:
    if not DCAT_AP.is_dir():  # a requirement is not skipped: the reference must be there
        pytest.fail(f"the DCAT-AP shapes are missing: {DCAT_AP}")
    g = Graph()
    for name in names:
        g.parse(DCAT_AP / name, format="turtle")
    if drop_undefined:  # README quirk 1: sh:property links to shapes that are defined nowhere
        for s, o in list(g.subject_objects(SH.property)):
            if g.value(o, SH.path) is None:
                g.remove((s, SH.property, o))
    return g


def results(data: Graph, shape_graph: Graph, inference: str = "none") -> list[tuple[str, str, str, str]]:
    """(severity, focus node, path, message) of every result."""
    _, report, _ = pyshacl.validate(data, shacl_graph=shape_graph, inference=inference, advanced=True)
    out = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        out.append(
            (
                str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[1],
                str(report.value(r, SH.focusNode)),
                str(report.value(r, SH.resultPath)),
                str(report.value(r, SH.resultMessage)),
            )
        )
    return sorted(out)


def violations(found):
    return [r for r in found if r[0] == "Violation"]


@pytest.fixture(scope="module")
def cat(published) -> Graph:
    return Graph().parse(published.published / "latest" / "catalog.ttl", format="turtle")


def test_dcat_ap_3_split_shapes_find_no_violation(cat):
    assert violations(results(cat, shapes(*SPLIT_301))) == []


def test_dcat_ap_3_recommended_shapes_leave_only_the_known_warnings(cat):
    found = results(cat, shapes(*SPLIT_301, RECOMMENDED_301))
    assert violations(found) == []
    # No temporal coverage is claimed (none is known), and the spatial coverage is an IRI
    # of Kraków in Wikidata, described there rather than by a bounding box here.
    assert {(r[1], r[2].rsplit("#", 1)[-1].rsplit("/", 1)[-1]) for r in found} <= {
        (BASE + "dataset", "temporal"),
        ("http://www.wikidata.org/entity/Q31487", "bbox"),
        ("http://www.wikidata.org/entity/Q31487", "centroid"),
    }


def test_dcat_ap_3_combined_shapes_conform(cat):
    # README quirk 2: the combined file wants sh:class rdfs:Resource for endpoint IRIs.
    assert results(cat, shapes(*COMBINED_301, drop_undefined=True), inference="rdfs") == []


def test_dcat_ap_2_1_1_differs_only_where_dcat_ap_3_changed_the_rules(cat):
    # 2.1.1 wants dcat:byteSize as xsd:decimal (3.0.1: xsd:nonNegativeInteger) and allows
    # only SHA-1 checksums; we follow 3.0.1 and the issue (SHA-256). Nothing else differs.
    found = violations(results(cat, shapes(*SPLIT_211)))
    assert found, "expected the two documented 2.1.1 differences"
    kinds = {(r[2], "decimal" in r[3] or "sha1" in r[3]) for r in found}
    assert kinds == {(str(DCAT.byteSize), True), (str(SPDX.algorithm), True)}


def _without(cat: Graph, *triples) -> Graph:
    broken = Graph()
    for triple in cat:
        broken.add(triple)
    for triple in triples:
        broken.remove(triple)
    return broken


XLSX_DIST = URIRef(BASE + "dataset/distribution/xlsx")


def test_the_excel_table_is_a_distribution_like_the_others(cat, published):
    """kfl.xlsx (the rooms table for Excel users) is described as the other dumps are, and conforms."""
    assert (DATASET, DCAT.distribution, XLSX_DIST) in cat
    xlsx = published.published / "latest" / "kfl.xlsx"
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert cat.value(XLSX_DIST, DCAT.mediaType) == URIRef("https://www.iana.org/assignments/media-types/" + media)
    assert cat.value(XLSX_DIST, DCTERMS.format) == URIRef(
        "http://publications.europa.eu/resource/authority/file-type/XLSX"
    )
    assert cat.value(XLSX_DIST, DCAT.downloadURL) == URIRef(BASE + "dumps/kfl.xlsx")
    assert int(cat.value(XLSX_DIST, DCAT.byteSize)) == xlsx.stat().st_size
    checksum = cat.value(XLSX_DIST, SPDX.checksum)
    assert str(cat.value(checksum, SPDX.checksumValue)) == hashlib.sha256(xlsx.read_bytes()).hexdigest()
    assert cat.value(XLSX_DIST, DCTERMS.license) is not None
    # The official shapes see it: no result of either shape set names it.
    for found in (
        results(cat, shapes(*SPLIT_301, RECOMMENDED_301)),
        results(cat, shapes(*COMBINED_301, drop_undefined=True), inference="rdfs"),
    ):
        assert not [r for r in found if r[1] in (str(XLSX_DIST), f"{XLSX_DIST}#checksum")]
    # Without its format (recommended by DCAT-AP), the shapes report it: the check can fail.
    broken = _without(cat, (XLSX_DIST, DCTERMS.format, None))
    assert any(r[1] == str(XLSX_DIST) for r in results(broken, shapes(*SPLIT_301, RECOMMENDED_301)))


DATASET, CATALOG = URIRef(BASE + "dataset"), URIRef(BASE + "catalog")
DIST = URIRef(BASE + "dataset/distribution/ttl")
LICENCE = URIRef("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")


@pytest.mark.parametrize(
    "removed, path",
    [
        ((DATASET, DCTERMS.title, None), DCTERMS.title),
        ((DATASET, DCTERMS.description, None), DCTERMS.description),
        ((CATALOG, DCTERMS.publisher, None), DCTERMS.publisher),
        ((DIST, DCAT.accessURL, None), DCAT.accessURL),
        ((LICENCE, RDF.type, None), DCTERMS.license),  # range: the licence must be a dct:LicenseDocument
    ],
    ids=["dataset-title", "dataset-description", "catalog-publisher", "access-url", "untyped-licence"],
)
@pytest.mark.parametrize("shape_files", ["split", "combined"])
def test_the_shapes_catch_one_missing_piece(cat, removed, path, shape_files):
    broken = _without(cat, removed)
    if shape_files == "split":
        found = violations(results(broken, shapes(*SPLIT_301)))
    else:
        found = violations(results(broken, shapes(*COMBINED_301, drop_undefined=True), "rdfs"))
    assert found and {r[2] for r in found} == {str(path)}


@pytest.mark.parametrize("shape_files", ["split", "combined"])
def test_the_shapes_catch_a_wrong_datatype(cat, shape_files):
    # dcat:byteSize as xsd:integer (what pyoxigraph keeps; store.as_published undoes it) breaks DCAT-AP 3.0.1:
    # the catalog files must keep xsd:nonNegativeInteger.
    broken = _without(cat)
    for s, p, o in list(broken.triples((None, DCAT.byteSize, None))):
        broken.set((s, p, Literal(int(o))))
    sets = shapes(*SPLIT_301) if shape_files == "split" else shapes(*COMBINED_301, drop_undefined=True)
    found = violations(results(broken, sets, "none" if shape_files == "split" else "rdfs"))
    sizes = len(list(cat.triples((None, DCAT.byteSize, None))))
    assert {r[2] for r in found} == {str(DCAT.byteSize)} and len(found) == sizes == 6


@pytest.fixture(scope="module")
def history_catalog(tmp_path_factory) -> Graph:
    """The catalog after three releases: versions, previous versions, notes, withdrawals."""
    tmp = tmp_path_factory.mktemp("dcat-history")
    shutil.copytree(ROOT / "source", tmp / "source")
    settings = load_settings(
        environ={}, cwd=tmp, source=tmp / "source", published=tmp / "published", shapes=ROOT / "shapes", base=BASE
    )
    build(settings, today=date(2026, 3, 2))
    path = settings.source / "przestrzenie.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    for day, text in ((date(2026, 3, 9), "Opis zmieniony raz."), (date(2026, 3, 16), "Opis zmieniony dwa razy.")):
        rows[0]["opis"] = text
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
        assert build(settings, today=day).published.new_release
    return Graph().parse(settings.published / "latest" / "catalog.ttl", format="turtle")


@pytest.mark.slow
def test_a_catalog_with_several_releases_conforms_too(history_catalog):
    assert len(set(history_catalog.objects(None, DCAT.previousVersion))) == 2
    assert violations(results(history_catalog, shapes(*SPLIT_301))) == []
    assert results(history_catalog, shapes(*COMBINED_301, drop_undefined=True), inference="rdfs") == []
