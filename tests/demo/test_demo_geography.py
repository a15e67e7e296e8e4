"""Geography, deprivation, postcodes, population and schools of the default demo council."""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "real"
TRAFFORD_LA = (
    REAL / "population" / "trafford_mid-year_2024_population_estimates_local_authority.csv"
)


@pytest.fixture(scope="module")
def wards(default_demo):
    return gpd.read_file(default_demo / "geography" / "wards.gpkg")


@pytest.fixture(scope="module")
def lsoas(default_demo):
    return gpd.read_file(default_demo / "geography" / "lsoas.gpkg")


@pytest.fixture(scope="module")
def lookup(default_demo):
    return pd.read_csv(default_demo / "geography" / "lsoa_to_ward.csv", dtype=str)


@pytest.fixture(scope="module")
def postcodes(default_demo):
    return pd.read_csv(
        default_demo / "geography" / "postcode_lookup.csv",
        dtype={"pcds": str, "lsoa21": str, "osward": str, "oslaua": str},
    )


def test_wards_are_valid_polygons_with_fictional_codes(wards):
    assert list(wards.columns) == ["WD25CD", "WD25NM", "geometry"]
    assert wards.crs.to_epsg() == 27700
    assert len(wards) == 24
    assert wards.is_valid.all() and (wards.geom_type == "Polygon").all()
    assert wards["WD25CD"].str.fullmatch(r"Z05\d{6}").all() and wards["WD25CD"].is_unique
    assert wards["WD25NM"].is_unique
    # About 20 km across: the outline fits in a 15-30 km box, centred near (452000, 348000).
    minx, miny, maxx, maxy = wards.total_bounds
    assert 15_000 < maxx - minx < 30_000 and 15_000 < maxy - miny < 30_000
    assert abs((minx + maxx) / 2 - 452_000) < 5_000 and abs((miny + maxy) / 2 - 348_000) < 5_000


def test_wards_tile_without_overlaps(wards):
    geoms = list(wards.geometry)
    union = shapely.union_all(geoms)
    assert union.geom_type == "Polygon"  # one connected council without holes between wards
    assert len(union.interiors) == 0
    # No overlaps: areas add up to the union's area, and pairwise overlaps are negligible.
    assert sum(g.area for g in geoms) == pytest.approx(union.area, abs=1.0)
    overlap = sum(a.intersection(b).area for a, b in combinations(geoms, 2))
    assert overlap < 1.0


def test_lsoas_nest_in_their_wards(wards, lsoas, lookup):
    assert list(lsoas.columns) == ["LSOA21CD", "LSOA21NM", "geometry"]
    assert lsoas.is_valid.all()
    assert lsoas["LSOA21CD"].str.fullmatch(r"Z01\d{6}").all() and lsoas["LSOA21CD"].is_unique
    assert lsoas["LSOA21NM"].str.fullmatch(r"Demoton \d{3}[A-H]").all()
    merged = lsoas.merge(lookup, on=["LSOA21CD", "LSOA21NM"], validate="one_to_one")
    ward_geom = wards.set_index("WD25CD").geometry
    inside = [
        geom.intersection(ward_geom[code]).area / geom.area
        for geom, code in zip(merged.geometry, merged["WD25CD"], strict=True)
    ]
    assert min(inside) > 0.999999
    per_ward = lookup.groupby("WD25CD").size()
    assert per_ward.between(4, 8).all()
    # LSOAs cover the wards exactly.
    difference = shapely.union_all(list(wards.geometry)).symmetric_difference(
        shapely.union_all(list(lsoas.geometry))
    )
    assert difference.area < 1.0


def test_lookup_matches_boundaries(wards, lsoas, lookup):
    assert list(lookup.columns) == [
        "LSOA21CD",
        "LSOA21NM",
        "WD25CD",
        "WD25NM",
        "LAD25CD",
        "LAD25NM",
    ]
    assert set(lookup["LSOA21CD"]) == set(lsoas["LSOA21CD"])
    assert set(zip(lookup["WD25CD"], lookup["WD25NM"], strict=True)) == set(
        zip(wards["WD25CD"], wards["WD25NM"], strict=True)
    )
    assert set(lookup["LAD25CD"]) == {"Z06000001"} and set(lookup["LAD25NM"]) == {"Demoton"}


def test_postcodes_fall_in_their_lsoas(postcodes, lsoas, lookup, wards):
    assert list(postcodes.columns) == ["pcds", "lsoa21", "osward", "oslaua", "oseast1m", "osnrth1m"]
    # dirt: one new-build council postcode with pseudo codes for its LSOA and ward
    new_build = postcodes[postcodes["pcds"] == "DM1 9ZZ"]
    assert len(new_build) == 1
    assert new_build[["lsoa21", "osward", "oslaua"]].values.tolist() == [
        ["Z99999999", "Z99999999", "Z06000001"]]
    postcodes = postcodes[postcodes["pcds"] != "DM1 9ZZ"]
    assert postcodes["pcds"].is_unique
    assert postcodes["pcds"].str.fullmatch(r"(DM|XM)\d{1,2} [1-9][ABDEFGHJLNPQRSTUWXYZ]{2}").all()
    inside = postcodes[postcodes["pcds"].str.startswith("DM")]
    outside = postcodes[postcodes["pcds"].str.startswith("XM")]
    assert len(inside) + len(outside) == len(postcodes)
    # Every council postcode maps to an existing LSOA and that LSOA's ward, and lies inside it.
    ward_of = lookup.set_index("LSOA21CD")["WD25CD"]
    assert inside["lsoa21"].isin(ward_of.index).all()
    assert (inside["osward"].to_numpy() == ward_of[inside["lsoa21"]].to_numpy()).all()
    assert (inside["oslaua"] == "Z06000001").all()
    geom = lsoas.set_index("LSOA21CD").geometry[inside["lsoa21"]].to_numpy()
    assert shapely.contains_xy(geom, inside["oseast1m"], inside["osnrth1m"]).all()
    assert inside.groupby("lsoa21").size().between(15, 25).all()
    assert set(inside["lsoa21"]) == set(lookup["LSOA21CD"])
    # About 200 postcodes just outside the council, in another council's areas.
    assert 150 <= len(outside) <= 250
    assert (outside["oslaua"] == "Z06000002").all()
    assert outside["lsoa21"].str.fullmatch(r"Z019\d{5}").all()
    assert outside["osward"].str.fullmatch(r"Z059\d{5}").all()
    council = shapely.union_all(list(wards.geometry))
    assert not shapely.contains_xy(council, outside["oseast1m"], outside["osnrth1m"]).any()
    assert (
        council.distance(shapely.points(outside[["oseast1m", "osnrth1m"]].to_numpy())).max() < 3100
    )


def test_imd_file_layout_and_ranks(default_demo, lookup, lsoas):
    raw = (default_demo / "geography" / "imd.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # byte-order mark, as the published File 1
    imd = pd.read_csv(default_demo / "geography" / "imd.csv", encoding="utf-8-sig", dtype=str)
    assert list(imd.columns) == [
        "LSOA code (2021)",
        "LSOA name (2021)",
        "Local Authority District code (2024)",
        "Local Authority District name (2024)",
        "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
        "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",
    ]
    assert set(imd["LSOA code (2021)"]) == set(lookup["LSOA21CD"])
    rank_text = imd.iloc[:, 4]
    assert rank_text.str.fullmatch(r"\d{1,3}(,\d{3})?").all()
    assert b'"12,' in raw or rank_text.str.contains(",").any()
    assert re.search(rb',"\d{1,3},\d{3}",', raw)  # quoted because of the comma
    rank = rank_text.str.replace(",", "").astype(int)
    decile = imd.iloc[:, 5].astype(int)
    assert rank.between(1, 33_755).all() and rank.is_unique
    # Decile d holds national ranks in ((d - 1) * 3375.5, d * 3375.5].
    assert ((rank > (decile - 1) * 3375.5) & (rank <= decile * 3375.5)).all()
    assert set(decile) == set(range(1, 11))
    # Spatial structure: the most deprived LSOAs sit nearer the town centre.
    xy = lsoas.set_index("LSOA21CD").geometry.representative_point()
    council = shapely.union_all(list(lsoas.geometry)).centroid
    distance = xy.distance(council)[imd["LSOA code (2021)"]].to_numpy()
    assert distance[decile.to_numpy() <= 3].mean() < distance[decile.to_numpy() >= 8].mean()


def test_population_layout_and_exact_sums(default_demo, lookup):
    pop = pd.read_csv(default_demo / "population" / "population_sya.csv", dtype={"period": str})
    expected = (
        [
            "period",
            "area_code",
            "area_name",
            "geography",
            "sex",
            "all_ages",
            "aged_0_to_15",
            "aged_16_to_64",
            "aged_65_and_over",
        ]
        + [str(a) for a in range(90)]
        + ["90+"]
    )
    assert list(pop.columns) == expected
    if TRAFFORD_LA.exists():  # the published layout this copies
        assert list(pd.read_csv(TRAFFORD_LA, nrows=0).columns) == expected
    assert sorted(pop["period"].unique()) == [f"{y}-06-30" for y in range(2020, 2025)]
    assert set(pop["geography"]) == {"Local authority", "Ward", "LSOA"}
    ages = [str(a) for a in range(90)] + ["90+"]
    assert (pop[ages].sum(axis=1) == pop["all_ages"]).all()
    assert (pop[[str(a) for a in range(16)]].sum(axis=1) == pop["aged_0_to_15"]).all()
    assert (
        pop[["aged_0_to_15", "aged_16_to_64", "aged_65_and_over"]].sum(axis=1) == pop["all_ages"]
    ).all()
    key = ["period", "area_code"]
    by_sex = pop.set_index(key + ["sex"])[ages].unstack("sex")
    for age in ages:
        assert (by_sex[(age, "Persons")] == by_sex[(age, "Females")] + by_sex[(age, "Males")]).all()
    lsoa = pop[pop["geography"] == "LSOA"].merge(
        lookup[["LSOA21CD", "WD25CD"]], left_on="area_code", right_on="LSOA21CD"
    )
    assert len(lsoa) == len(pop[pop["geography"] == "LSOA"])
    ward_from_lsoa = lsoa.groupby(["period", "WD25CD", "sex"])[ages].sum()
    ward = pop[pop["geography"] == "Ward"].set_index(["period", "area_code", "sex"])[ages]
    ward.index.names = ["period", "WD25CD", "sex"]
    pd.testing.assert_frame_equal(ward_from_lsoa.sort_index(), ward.sort_index(), check_dtype=False)
    # the council's own rows add up from its wards; the other demo councils have LA rows only
    councils = pop[pop["geography"] == "Local authority"]
    assert councils["area_code"].nunique() > 10
    la = councils[councils["area_code"] == "Z06000001"].set_index(["period", "sex"])[ages]
    la_from_ward = ward.groupby(["period", "sex"]).sum()
    pd.testing.assert_frame_equal(la_from_ward.sort_index(), la.sort_index(), check_dtype=False)
    total = la.xs("Persons", level="sex").sum(axis=1)
    assert total.between(150_000, 300_000).all()
    lsoa_persons = pop[(pop["geography"] == "LSOA") & (pop["sex"] == "Persons")]["all_ages"]
    assert 1_200 < lsoa_persons.mean() < 1_800


def test_schools(default_demo, wards):
    schools = pd.read_csv(default_demo / "schools.csv", dtype={"URN": str, "LAEstab": str})
    assert list(schools.columns) == [
        "URN",
        "LAEstab",
        "SchoolName",
        "Phase",
        "TypeOfEstablishment",
        "Easting",
        "Northing",
    ]
    assert schools["Phase"].value_counts().to_dict() == {
        "Primary": 70,
        "Secondary": 12,
        "Special": 3,
        "Alternative provision": 1,
    }
    assert schools["URN"].str.fullmatch(r"9\d{5}").all() and schools["URN"].is_unique
    assert schools["LAEstab"].str.fullmatch(r"990\d{4}").all() and schools["LAEstab"].is_unique
    assert schools["SchoolName"].is_unique
    council = shapely.union_all(list(wards.geometry))
    assert shapely.contains_xy(council, schools["Easting"], schools["Northing"]).all()
    assert np.isin(
        schools.loc[schools["Phase"] == "Special", "TypeOfEstablishment"],
        ["Community special school", "Academy special converter", "Free schools special"],
    ).all()


def test_detached_fragments_join_the_neighbour_they_touch():
    from jsna.demo.geography import _merge_fragments

    # Cell 0 is a unit square plus a detached 0.2 x 1 sliver that touches cell 1 along x = 2;
    # the sliver belongs to cell 1, leaving areas 1.0 and 1.0 + 0.2 = 1.2.
    cell0 = shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(2, 0, 2.2, 1)])
    cell1 = shapely.box(1, 0, 2, 1).union(shapely.box(2, 1, 2.2, 2))
    merged = _merge_fragments([cell0, cell1])
    assert merged[0].equals(shapely.box(0, 0, 1, 1))
    assert merged[1].area == pytest.approx(1.0 + 0.2 + 0.2)
    assert merged[1].geom_type == "Polygon"
