"""Tests for ONS population, lookups and postcodes (jsna.sources.ons)."""

from __future__ import annotations

import pandas as pd
import pytest

from jsna.errors import JsnaInputError
from jsna.sources.ons import (
    normalise_postcode,
    read_lsoa_ward_lookup,
    read_ltla_utla_lookup,
    read_population,
    read_postcode_lookup,
)

AGES = ",".join(str(age) for age in range(90)) + ",90+"


def test_population_wide_to_long(write_csv):
    counts = [1] * 90 + [7]  # 90 single years of 1 person and 7 aged 90+: total 97
    text = (
        f"period,area_code,area_name,geography,sex,all_ages,{AGES}\n"
        f"2024-06-30,Z05000001,Ashgrove,Ward,Persons,97,{','.join(map(str, counts))}\n"
    )
    frame = read_population(write_csv("pop.csv", text))
    assert len(frame) == 91
    assert frame["period"].unique().tolist() == ["2024"] and frame["year"].iloc[0] == 2024
    top = frame.iloc[-1]
    assert top["age"] == 90 and top["age_label"] == "90+" and top["population"] == 7
    assert frame["population"].sum() == 97
    assert frame["area_type"].iloc[0] == "Ward"


def test_population_total_mismatch_and_layout_errors(write_csv):
    counts = ",".join(["1"] * 91)
    text = f"area_code,all_ages,{AGES}\nE06000014,90,{counts}\n"  # 91 people, total says 90
    with pytest.raises(JsnaInputError, match="row 2: single years of age add up to 91"):
        read_population(write_csv("mid2020.csv", text))
    with pytest.raises(JsnaInputError, match="missing single-year age columns.*columns found"):
        read_population(write_csv("mid2020b.csv", "area_code,all_ages\nE06000014,3\n"))
    with pytest.raises(JsnaInputError, match="cannot tell which mid-year"):
        read_population(write_csv("pop.csv", f"area_code,{AGES}\nE06000014,{counts}\n"))


def test_postcodes_are_normalised():
    raw = pd.Series(["dm47qx", " DM4  7QX ", "DM4 7QX", "", "EC1A1BB"])
    assert normalise_postcode(raw).tolist() == ["DM4 7QX", "DM4 7QX", "DM4 7QX", "", "EC1A 1BB"]


def test_postcode_lookup_onspd_style(write_csv):
    text = (
        "pcds,lsoa21,osward,oslaua,oseast1m,osnrth1m,doterm\n"
        "DM4 7QX,Z01000001,Z05000001,Z06000001,450000,350000,\n"
        "dm4 7qy,Z01000002,Z05000001,Z06000001,450100,350100,202001\n"
    )
    frame = read_postcode_lookup(write_csv("pc.csv", text))
    assert frame["postcode"].tolist() == ["DM4 7QX", "DM4 7QY"]
    assert frame["terminated"].tolist() == [False, True]
    assert frame["easting"].iloc[0] == 450000
    assert len(read_postcode_lookup(write_csv("pc.csv", text), include_terminated=False)) == 1
    with pytest.raises(JsnaInputError, match="no column for lsoa_code"):
        read_postcode_lookup(write_csv("pc2.csv", "pcds,ward\nDM4 7QX,Z05000001\n"))
    # no usable heading at all: both fields named with the headings expected, and those found
    path = write_csv("pc4.csv", "a,b,c\nDM4 7QX,Z01000001,Z05000001\n")
    with pytest.raises(JsnaInputError) as caught:
        read_postcode_lookup(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: not in the expected layout of the ONS Postcode Directory")
    assert ("no column for postcode (expected one of pcds, postcodenatural, postcode, pcd, pcd2, "
            "postcode8, postcode7) and no column for lsoa_code (expected one of lsoa21, lsoa21cd, "
            "lsoa11, lsoa11cd, lsoa), in any case; columns found: a, b, c") in message
    # only the usable columns are read, but the message lists every heading of the file
    with pytest.raises(JsnaInputError, match="columns found: pcds, ward, usertype$"):
        read_postcode_lookup(write_csv("pc3.csv", "pcds,ward,usertype\nDM4 7QX,Z05000001,0\n"))


def test_lsoa_ward_lookup_rejects_two_wards_for_one_lsoa(write_csv):
    text = "LSOA21CD,WD25CD\nZ01000001,Z05000001\nZ01000001,Z05000002\n"
    with pytest.raises(JsnaInputError, match="LSOA Z01000001 is listed with more than one ward"):
        read_lsoa_ward_lookup(write_csv("lk.csv", text))
    with pytest.raises(JsnaInputError, match=r"missing column\(s\) WDyyCD"):
        read_lsoa_ward_lookup(write_csv("lk2.csv", "LSOA21CD,X\nZ01000001,1\n"))


@pytest.mark.real_data
def test_real_population_files(real):
    ltla = read_population(real / "population/ons_mye_mid2020_ltla21_single_year_of_age.csv")
    # Published: England mid-2020 population 56,550,138.
    england = ltla[ltla["area_code"].str.startswith("E")]
    assert england["population"].sum() == 56_550_138
    assert ltla["period"].unique().tolist() == ["2020"]
    ward = read_population(real / "population/trafford_mid-year_2024_population_estimates_ward.csv")
    lsoa = read_population(real / "population/trafford_mid-year_2024_population_estimates_lsoa.csv")
    la = read_population(
        real / "population/trafford_mid-year_2024_population_estimates_local_authority.csv"
    )
    # Published: Trafford mid-2024 = 241,025 persons; wards and LSOAs add up to it.
    for frame in (ward, lsoa, la):
        assert frame.loc[frame["sex"].eq("Persons"), "population"].sum() == 241_025
    assert ward["area_code"].nunique() == 21 and set(ward["area_type"]) == {"Ward"}
    read_population(real / "population/ons_mye_mid2020_utla20_single_year_of_age.csv")
    small = read_population(
        real / "population/ons_sape_mid2020_lsoa11_single_year_of_age_selected_las.csv"
    )
    assert set(small["area_type"]) == {"LSOA"} and small["area_code"].nunique() == 1076


@pytest.mark.real_data
def test_real_lookups(real):
    lookup = read_lsoa_ward_lookup(real / "lookups/lsoa11_to_ward19_lad19_selected_las.csv")
    assert len(lookup) == 1076 and lookup["ward_vintage"].iloc[0] == "WD19"
    york = lookup[lookup["lad_code"].eq("E06000014")]
    assert york["ward_code"].nunique() == 21  # York has 21 wards
    lewisham = read_lsoa_ward_lookup(real / "lookups/lewisham_lsoa11_wd22_proposed.csv")
    assert lewisham["ward_code"].nunique() == 19
    utla = read_ltla_utla_lookup(
        real / "lookups/Lower_Tier_Local_Authority_to_Upper_Tier_Local_Authority_"
        "(December_2022)_Lookup_in_England_and_Wales.csv"
    )
    assert utla.loc[utla["ltla_code"].eq("E07000163"), "utla_code"].tolist() == ["E10000023"]
    postcodes = read_postcode_lookup(real / "lookups/lewisham_postcode_oa11_lsoa11_msoa11_wd22.csv")
    assert len(postcodes) == 8419 and postcodes["terminated"].sum() == 3450
    assert set(postcodes["la_code"]) == {"E09000023"}


def test_unreadable_population_cell_names_row_and_age(write_csv):
    counts = ["1"] * 91
    counts[5] = "abc"
    text = f"area_code,{AGES}\nE06000014,{','.join(['1'] * 91)}\nE06000015,{','.join(counts)}\n"
    with pytest.raises(JsnaInputError, match=r"row 3, column '5': value 'abc'"):
        read_population(write_csv("mid2020.csv", text))
