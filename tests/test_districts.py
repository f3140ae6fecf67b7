"""Deriving a venue's district from its coordinates (kfl_lod.districts): inside, outside -> nearest, overlap, border flag."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kfl_lod.districts import INSIDE, NEAR_BORDER_M, NEAREST, STATED, District, boundaries, derive, locate
from kfl_lod.records import Origin, Records, Venue
from kfl_lod.vocab import DISTRICTS

ORIGIN = Origin("lokalizacje.csv", 2)


def square(number: int, west: float, south: float, east: float, north: float) -> District:
    ring = ((west, south), (east, south), (east, north), (west, north), (west, south))
    return District(number, f"D{number}", 1000 + number, (ring,))


def test_the_packaged_boundaries_are_the_18_districts_of_the_reference():
    assert [(d.number, d.name) for d in boundaries()] == list(DISTRICTS.items())


@pytest.mark.parametrize(
    "lat, lon, number, border_m",
    [
        # The three checks of reference/krakow-districts/PROVENANCE.md (shapely + EPSG:2180 there).
        (50.0617, 19.9373, 1, 728),  # Rynek Główny -> Stare Miasto
        (50.0724, 20.0378, 18, 576),  # Plac Centralny -> Nowa Huta
        (50.0195, 19.9301, 9, 699),  # ul. Zakopiańska 62 (Solvay) -> Łagiewniki-Borek Fałęcki
    ],
)
def test_points_the_provenance_checked_fall_where_it_says(lat, lon, number, border_m):
    p = locate(lat, lon)
    assert (p.number, p.method, p.containing) == (number, INSIDE, (number,))
    assert p.border_m == pytest.approx(border_m, abs=5)  # our local projection against EPSG:2180
    assert not p.near_border


def test_a_point_in_no_polygon_takes_the_nearest_district():
    two = (square(1, 0.0, 0.0, 0.001, 0.001), square(2, 0.002, 0.0, 0.003, 0.001))
    p = locate(0.0005, 0.0017, two)  # in the gap, nearer to district 2 (0.0003° vs 0.0007°)
    assert (p.number, p.method, p.containing) == (2, NEAREST, ())
    assert p.border_m == pytest.approx(0.0003 * 111_195, rel=0.01)


def test_a_point_outside_the_city_takes_the_nearest_district():
    p = locate(50.10, 19.70)  # west of Kraków's boundary (lon 19.79)
    assert p.method == NEAREST and p.containing == () and p.number in DISTRICTS
    assert p.border_m > 1000


def test_a_point_in_two_polygons_takes_the_one_it_lies_deepest_inside():
    overlapping = (square(1, 0.0, 0.0, 0.002, 0.001), square(2, 0.0015, 0.0, 0.004, 0.001))
    p = locate(0.0005, 0.0018, overlapping)  # 0.0002° inside 1's east edge, 0.0003° inside 2's west edge
    assert (p.number, p.method, p.containing) == (2, INSIDE, (1, 2))


def test_a_tie_between_two_polygons_takes_the_lower_number():
    same = (square(2, 0.0, 0.0, 0.001, 0.001), square(1, 0.0, 0.0, 0.001, 0.001))
    assert locate(0.0005, 0.0005, same).number == 1


def test_a_point_within_10_m_of_a_border_is_flagged():
    two = (square(1, 0.0, 0.0, 0.001, 0.001), square(2, 0.001, 0.0, 0.002, 0.001))
    metre = 1 / 111_195  # one metre of longitude at the equator, in degrees
    near = locate(0.0005, 0.001 - 5 * metre, two)
    far = locate(0.0005, 0.001 - 20 * metre, two)
    assert (near.number, near.near_border) == (1, True) and near.border_m == pytest.approx(5, abs=0.1)
    assert (far.number, far.near_border) == (1, False)
    assert NEAR_BORDER_M == 10


def test_a_real_point_near_a_border_is_flagged():
    """A point on a vertex of Stare Miasto's boundary is 0 m from it."""
    lon, lat = boundaries()[0].rings[0][5]
    p = locate(lat, lon)
    assert p.near_border and p.border_m < 0.5


def venue(id: str, district: int | None = None, lat: str | None = None, lon: str | None = None) -> Venue:
    return Venue(
        id=id,
        institution="i",
        name=id,
        locality="Kraków",
        origin=ORIGIN,
        district=district,
        latitude=Decimal(lat) if lat else None,
        longitude=Decimal(lon) if lon else None,
        district_source="https://example.org/stated" if district else "",
    )


def test_derive_keeps_stated_districts_and_fills_the_others_from_coordinates():
    records = Records(
        (),
        (
            venue("stated", district=4, lat="50.0617", lon="19.9373"),  # a source wins over the point
            venue("rynek", lat="50.0617", lon="19.9373"),
            venue("nowhere"),
        ),
        (),
    )
    stated, rynek, nowhere = derive(records).venues
    assert (stated.district, stated.district_method, stated.district_source) == (
        4,
        STATED,
        "https://example.org/stated",
    )
    assert stated.district_border_m is None
    assert (rynek.district, rynek.district_method) == (1, INSIDE)
    assert rynek.district_source == "https://www.openstreetmap.org/relation/2642241"
    assert abs(rynek.district_border_m - 728) < 5
    assert (nowhere.district, nowhere.district_method, nowhere.district_source) == (None, "", "")


def test_locate_gives_what_checking_every_border_gives():
    """locate skips districts by their bounding boxes (for speed at scale); the answer is that of every border."""
    import random

    from kfl_lod.districts import _border_m, _inside, boundaries

    rng = random.Random(3)
    for _ in range(300):
        lat, lon = rng.uniform(49.96, 50.13), rng.uniform(19.78, 20.23)
        distance = {d.number: _border_m(lon, lat, d.rings) for d in boundaries()}
        containing = tuple(d.number for d in boundaries() if _inside(lon, lat, d.rings))
        sign = -1 if containing else 1  # deepest inside, or nearest; then the lower number
        number = min(containing or distance, key=lambda n, d=distance, s=sign: (s * d[n], n))
        p = locate(lat, lon)
        assert (p.number, p.containing, p.border_m) == (number, containing, min(distance.values()))
