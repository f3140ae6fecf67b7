"""The DCAT-AP catalog: what it states, that it matches the files it describes, and its dates.

The dates rule: ``modified`` moves only when the content changes, never because a build ran;
``issued`` is the first release's day. Same publication state, same catalog bytes.
"""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from kfl_lod import catalog
from kfl_lod.build import build
from kfl_lod.errors import SettingsError
from kfl_lod.publish import CATALOG_FILES, content_hash, is_content, read_release
from support import make_settings

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://kfl.krakow.pl/"
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
PROV = Namespace("http://www.w3.org/ns/prov#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
DAY1, DAY2, DAY3 = date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)


fresh = make_settings  # a new publication under tmp, from a copy of the bundled source


def edit_space(source: Path, column: str, value: str, row: int = 0) -> str:
    """Set one cell of przestrzenie.csv; return the space's id."""
    path = source / "przestrzenie.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    rows[row][column] = value
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return rows[row]["id"]


def latest(settings) -> Path:
    return settings.published / "latest"


def catalog_graph(settings) -> Graph:
    return Graph().parse(latest(settings) / "catalog.ttl", format="turtle")


@pytest.fixture(scope="module")
def cat(published) -> Graph:
    return catalog_graph(published)


def only(g: Graph, s, p):
    values = list(g.objects(s, p))
    assert len(values) == 1, (s, p, values)
    return values[0]


def langs(g: Graph, s, p) -> dict[str, str]:
    return {o.language: str(o) for o in g.objects(s, p) if isinstance(o, Literal)}


def test_one_catalog_one_dataset_a_distribution_per_dump_and_the_sparql_service(cat):
    catalogs = list(cat.subjects(RDF.type, DCAT.Catalog))
    datasets = list(cat.subjects(RDF.type, DCAT.Dataset))
    assert catalogs == [URIRef(BASE + "catalog")]
    assert datasets == [URIRef(BASE + "dataset")]
    assert list(cat.objects(catalogs[0], DCAT.dataset)) == datasets
    urls = {str(only(cat, d, DCAT.downloadURL)) for d in cat.objects(datasets[0], DCAT.distribution)}
    assert urls == {f"{BASE}dumps/{d.file}" for d in catalog.DUMPS}
    assert {d.file for d in catalog.DUMPS} == {"kfl.ttl", "kfl.nt", "kfl.jsonld", "kfl.csv", "kfl.xlsx", "kfl.geojson"}
    service = only(cat, catalogs[0], DCAT.service)
    assert (service, RDF.type, DCAT.DataService) in cat
    assert only(cat, service, DCAT.endpointURL) == URIRef(BASE + "sparql")
    assert only(cat, service, DCAT.servesDataset) == datasets[0]


def test_each_distribution_states_size_checksum_types_licence_and_dates_of_the_file(cat, published):
    files = read_release(latest(published))
    dataset = URIRef(BASE + "dataset")
    dists = list(cat.objects(dataset, DCAT.distribution))
    assert len(dists) == 6
    for dist in dists:
        url = str(only(cat, dist, DCAT.downloadURL))
        assert url.startswith("https://") and only(cat, dist, DCAT.accessURL) == URIRef(url)
        data = files[url.rsplit("/", 1)[1]]
        size = only(cat, dist, DCAT.byteSize)
        assert size.datatype == XSD.nonNegativeInteger and int(size) == len(data)
        checksum = only(cat, dist, SPDX.checksum)
        assert str(checksum) == f"{dist}#checksum"
        assert (checksum, RDF.type, SPDX.Checksum) in cat
        assert only(cat, checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        value = only(cat, checksum, SPDX.checksumValue)
        assert value.datatype == XSD.hexBinary and str(value) == hashlib.sha256(data).hexdigest()
        media = only(cat, dist, DCAT.mediaType)
        assert str(media).startswith(IANA) and (media, RDF.type, DCTERMS.MediaType) in cat
        fmt = str(only(cat, dist, DCTERMS.format))
        code = fmt.rsplit("/", 1)[1]
        assert fmt.startswith(EU + "file-type/") and code == code.upper()
        assert (URIRef(fmt), RDF.type, DCTERMS.MediaTypeOrExtent) in cat
        assert only(cat, dist, DCTERMS.license) == URIRef(published.licence)
        for p in (DCTERMS.issued, DCTERMS.modified):
            assert only(cat, dist, p).datatype == XSD.dateTime
        assert set(langs(cat, dist, DCTERMS.title)) == {"pl", "en"}
        assert len(str(only(cat, dist, DCTERMS.identifier))) <= 36


def test_dataset_fields_the_national_portal_reads(cat, published):
    dataset = URIRef(BASE + "dataset")
    assert len(str(only(cat, dataset, DCTERMS.identifier))) <= 36
    assert set(langs(cat, dataset, DCTERMS.title)) == {"pl", "en"}
    assert set(langs(cat, dataset, DCTERMS.description)) == {"pl", "en"}
    for p in (DCTERMS.issued, DCTERMS.modified):
        assert only(cat, dataset, p).datatype == XSD.dateTime
    themes = {str(t) for t in cat.objects(dataset, DCAT.theme)}
    assert themes == set(published.themes)
    for theme in themes:
        assert theme.startswith(EU + "data-theme/") and theme.rsplit("/", 1)[1].isupper()
        assert set(langs(cat, URIRef(theme), SKOS.prefLabel)) == {"pl", "en"}
    keywords = {(str(k), k.language) for k in cat.objects(dataset, DCAT.keyword)}
    assert keywords == {(k, "pl") for k in published.keywords_pl} | {(k, "en") for k in published.keywords_en}
    assert {str(x) for x in cat.objects(dataset, DCTERMS.language)} == set(published.languages)
    assert only(cat, dataset, DCTERMS.spatial) == URIRef(published.spatial)


def test_publisher_and_contact_point_come_from_the_settings(cat, published):
    dataset = URIRef(BASE + "dataset")
    publisher = only(cat, dataset, DCTERMS.publisher)
    assert publisher == URIRef(BASE + "organization/wydzial-kultury")
    assert (publisher, RDF.type, FOAF.Agent) in cat
    assert langs(cat, publisher, FOAF.name) == {"pl": published.publisher_name, "en": published.publisher_name_en}
    contact = only(cat, dataset, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Kind) in cat
    address = only(cat, contact, VCARD.hasAddress)
    assert str(only(cat, address, VCARD["street-address"])) == "ul. Wielopole 17a"
    assert str(only(cat, address, VCARD["postal-code"])) == "31-072"
    # No e-mail or page is invented: they appear only when the city sets them.
    assert published.contact_email == "" and list(cat.objects(contact, VCARD.hasEmail)) == []
    assert list(cat.objects(contact, VCARD.hasURL)) == []


def test_provenance_names_the_forum_and_counts_the_illustrative_spaces(cat, records):
    dataset = URIRef(BASE + "dataset")
    spaces = len(records.spaces)
    illustrative = sum(s.illustrative for s in records.spaces)
    assert 0 < illustrative < spaces
    description = langs(cat, dataset, DCTERMS.description)
    assert f"{illustrative} z {spaces} przestrzeni" in description["pl"]
    assert f"{illustrative} of the {spaces} spaces" in description["en"]
    assert "19 lutego 2026" in description["pl"] and "2 marca 2026" in description["pl"]
    statement = only(cat, dataset, DCTERMS.provenance)
    assert (statement, RDF.type, DCTERMS.ProvenanceStatement) in cat
    assert "Dekerta 24" in langs(cat, statement, RDFS.label)["pl"]
    summary = only(cat, dataset, PROV.wasDerivedFrom)
    assert only(cat, summary, DCTERMS.issued) == Literal("2026-03-02", datatype=XSD.date)
    forum = next(cat.subjects(PROV.used, summary))
    assert only(cat, forum, DCTERMS.date) == Literal("2026-02-19", datatype=XSD.date)


def test_the_four_serialisations_are_the_same_graph(cat, published):
    folder = latest(published)
    for name, fmt in (("catalog.rdf", "xml"), ("catalog.jsonld", "json-ld"), ("catalog.nt", "nt")):
        other = Graph().parse(folder / name, format=fmt)
        assert other.isomorphic(cat), name
    assert set(CATALOG_FILES) == {p.name for p in folder.glob("catalog.*")}


def test_no_blank_nodes(cat):
    from rdflib import BNode

    assert not any(isinstance(term, BNode) for triple in cat for term in triple)


def test_catalog_files_do_not_count_towards_the_content_hash(published):
    files = read_release(latest(published))
    changed = dict(files)
    for name in CATALOG_FILES:
        changed[name] = b"# something else\n"
        assert not is_content(name)
    assert content_hash(changed) == content_hash(files)
    assert is_content("kfl.ttl") and is_content("void.ttl") and is_content("kfl.csv-metadata.json")


@pytest.mark.slow
def test_same_source_in_another_process_gives_the_same_catalog_bytes(tmp_path, published):
    # rdflib's sets follow the hash seed; the published bytes must not.
    script = (
        "import sys; from datetime import date; from pathlib import Path; from kfl_lod.build import build;"
        "from kfl_lod.settings import load_settings;"
        "s = load_settings(environ={}, source=Path(sys.argv[1]), published=Path(sys.argv[2]),"
        " shapes=Path(sys.argv[3]), base=sys.argv[4]); build(s, today=date(2026, 3, 2))"
    )
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = tmp_path / "published"
    subprocess.run(
        [sys.executable, "-c", script, str(ROOT / "source"), str(out), str(ROOT / "shapes"), BASE],
        check=True,
        env=env,
        cwd=tmp_path,
    )
    for name in (*CATALOG_FILES, "void.ttl", "void.nt", "kfl.csv-metadata.json", "changes.json"):
        assert (out / "latest" / name).read_bytes() == (latest(published) / name).read_bytes(), name


@pytest.mark.slow
def test_rebuilding_unchanged_content_later_keeps_the_release_and_the_catalog_bytes(tmp_path):
    settings = fresh(tmp_path)
    first = build(settings, today=DAY1).published
    before = read_release(latest(settings))
    assert set(CATALOG_FILES) <= set(before)
    again = build(settings, today=DAY2).published
    assert not again.new_release and again.version == first.version
    # Every file of the release, the catalog and the change record included, keeps its bytes.
    assert read_release(latest(settings)) == before
    assert [p.name for p in (settings.published / "releases").iterdir()] == [first.version]
    g = catalog_graph(settings)
    assert only(g, URIRef(BASE + "dataset"), DCTERMS.modified) == catalog.dt(DAY1)


@pytest.mark.slow
def test_changed_content_moves_modified_not_issued_and_only_for_files_that_changed(tmp_path):
    settings = fresh(tmp_path)
    build(settings, today=DAY1)
    # A description is in the RDF and the CSV, not in the GeoJSON.
    edit_space(settings.source, "opis", "Opis zmieniony w teście.")
    second = build(settings, today=DAY2).published
    assert second.new_release
    g = catalog_graph(settings)
    dataset = URIRef(BASE + "dataset")
    assert only(g, dataset, DCTERMS.issued) == catalog.dt(DAY1)
    assert only(g, dataset, DCTERMS.modified) == catalog.dt(DAY2)
    assert only(g, URIRef(BASE + "catalog"), DCTERMS.modified) == catalog.dt(DAY2)
    modified = {
        str(only(g, d, DCAT.downloadURL)).rsplit("/", 1)[1]: only(g, d, DCTERMS.modified)
        for d in g.objects(dataset, DCAT.distribution)
    }
    assert modified["kfl.csv"] == catalog.dt(DAY2) and modified["kfl.ttl"] == catalog.dt(DAY2)
    assert modified["kfl.geojson"] == catalog.dt(DAY1)
    issued = {only(g, d, DCTERMS.issued) for d in g.objects(dataset, DCAT.distribution)}
    assert issued == {catalog.dt(DAY1)}


@pytest.mark.slow
def test_a_settings_change_refreshes_the_catalog_without_a_new_release(tmp_path):
    settings = fresh(tmp_path)
    first = build(settings, today=DAY1).published
    content = {n: b for n, b in read_release(latest(settings)).items() if is_content(n)}
    changed = settings.replace(contact_email="kultura@example.org", contact_url="https://example.org/kontakt")
    again = build(changed, today=DAY2).published
    assert not again.new_release and again.version == first.version
    after = read_release(latest(settings))
    assert {n: b for n, b in after.items() if is_content(n)} == content
    g = catalog_graph(settings)
    contact = URIRef(BASE + "dataset#contact")
    assert only(g, contact, VCARD.hasEmail) == URIRef("mailto:kultura@example.org")
    assert only(g, contact, VCARD.hasURL) == URIRef("https://example.org/kontakt")
    sums = after["SHA256SUMS"].decode()
    assert f"{hashlib.sha256(after['catalog.ttl']).hexdigest()}  catalog.ttl" in sums
    assert only(g, URIRef(BASE + "dataset"), DCTERMS.modified) == catalog.dt(DAY1)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"themes": ("http://publications.europa.eu/resource/authority/data-theme/educ",)}, "upper-case code"),
        ({"themes": ("http://publications.europa.eu/resource/authority/data-theme/XXXX",)}, "unknown theme"),
        ({"licence": "https://creativecommons.org/licenses/by/4.0/"}, "EU licence vocabulary"),
        ({"languages": ("pl",)}, "EU language vocabulary"),
        ({"contact_email": "not an address"}, "not an e-mail address"),
        ({"spatial": "Kraków"}, r"must be an http\(s\) IRI"),
    ],
)
def test_unusable_catalog_settings_are_errors_that_say_what_to_do(tmp_path, change, message):
    settings = fresh(tmp_path).replace(**change)
    with pytest.raises(SettingsError, match=message):
        catalog.check_settings(settings)
    with pytest.raises(SettingsError):
        build(settings, today=DAY1)
    assert not (settings.published / "latest").exists()


@pytest.mark.slow
def test_themes_and_keywords_from_the_settings_file(tmp_path):
    (tmp_path / "kfl-lod.toml").write_text(
        'themes = ["http://publications.europa.eu/resource/authority/data-theme/REGI"]\n'
        'keywords_pl = ["sale", "kultura"]\nkeywords_en = ["rooms"]\n',
        encoding="utf-8",
    )
    settings = fresh(tmp_path)
    assert settings.themes == ("http://publications.europa.eu/resource/authority/data-theme/REGI",)
    build(settings, today=DAY1)
    g = catalog_graph(settings)
    dataset = URIRef(BASE + "dataset")
    assert set(g.objects(dataset, DCAT.theme)) == {URIRef(EU + "data-theme/REGI")}
    assert {(str(k), k.language) for k in g.objects(dataset, DCAT.keyword)} == {
        ("sale", "pl"),
        ("kultura", "pl"),
        ("rooms", "en"),
    }


@pytest.mark.slow
def test_publisher_licence_contact_coverage_and_languages_from_the_settings_file(tmp_path):
    (tmp_path / "kfl-lod.toml").write_text(
        'licence = "http://publications.europa.eu/resource/authority/licence/CC0"\n'
        'publisher = "https://example.org/agent/urzad"\n'
        'publisher_name = "Urząd testowy"\npublisher_name_en = "Test office"\n'
        'contact_name = "Biuro testowe"\ncontact_street = "ul. Testowa 1"\ncontact_postal_code = "30-001"\n'
        'contact_email = "dane@example.org"\n'
        'spatial = "https://example.org/place/test"\nspatial_label = "Miejsce testowe"\n'
        'languages = ["http://publications.europa.eu/resource/authority/language/POL"]\n',
        encoding="utf-8",
    )
    settings = fresh(tmp_path)
    build(settings, today=DAY1)
    g = catalog_graph(settings)
    dataset, catalog_iri = URIRef(BASE + "dataset"), URIRef(BASE + "catalog")
    licence = URIRef(EU + "licence/CC0")
    assert only(g, catalog_iri, DCTERMS.license) == licence
    assert {only(g, d, DCTERMS.license) for d in g.objects(dataset, DCAT.distribution)} == {licence}
    assert (licence, RDF.type, DCTERMS.LicenseDocument) in g
    assert list(g.objects(licence, DCTERMS.type)) == []  # CC0 asks no attribution
    publisher = URIRef("https://example.org/agent/urzad")
    assert only(g, dataset, DCTERMS.publisher) == publisher == only(g, catalog_iri, DCTERMS.publisher)
    assert langs(g, publisher, FOAF.name) == {"pl": "Urząd testowy", "en": "Test office"}
    contact = only(g, dataset, DCAT.contactPoint)
    assert str(only(g, contact, VCARD.fn)) == "Biuro testowe"
    assert only(g, contact, VCARD.hasEmail) == URIRef("mailto:dane@example.org")
    address = only(g, contact, VCARD.hasAddress)
    assert (str(only(g, address, VCARD["street-address"])), str(only(g, address, VCARD["postal-code"]))) == (
        "ul. Testowa 1",
        "30-001",
    )
    spatial = URIRef("https://example.org/place/test")
    assert only(g, dataset, DCTERMS.spatial) == spatial and str(only(g, spatial, SKOS.prefLabel)) == "Miejsce testowe"
    assert set(g.objects(dataset, DCTERMS.language)) == {URIRef(EU + "language/POL")}


@pytest.mark.slow
def test_versions_are_linked_without_extra_datasets(tmp_path):
    settings = fresh(tmp_path)
    v1 = build(settings, today=DAY1).published.version
    edit_space(settings.source, "liczba_miejsc", "33")
    v2 = build(settings, today=DAY2).published.version
    g = catalog_graph(settings)
    dataset = URIRef(BASE + "dataset")
    assert str(only(g, dataset, DCAT.version)) == v2
    current, previous = URIRef(f"{BASE}dataset/{v2}"), URIRef(f"{BASE}dataset/{v1}")
    assert only(g, dataset, DCAT.hasCurrentVersion) == current
    assert only(g, dataset, DCAT.previousVersion) == previous
    assert only(g, current, DCAT.previousVersion) == previous
    assert only(g, current, DCTERMS.isVersionOf) == dataset
    notes = langs(g, current, ADMS.versionNotes)
    assert "zmienione 1" in notes["pl"] and "1 changed" in notes["en"]
    # Harvesters import every dcat:Dataset they find: releases are not typed as datasets.
    assert list(g.subjects(RDF.type, DCAT.Dataset)) == [dataset]
    assert (previous, RDF.type, PROV.Entity) in g
