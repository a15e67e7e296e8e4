"""Tests for ONS population and the LTLA -> UTLA lookup (jsna.sources.ons); the postcode and
LSOA -> ward lookups are tested in test_sources_lookups.py."""

from __future__ import annotations

import pytest

from jsna.errors import JsnaInputError
from jsna.sources.ons import read_ltla_utla_lookup, read_population

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
def test_real_ltla_utla_lookup(real):
    utla = read_ltla_utla_lookup(
        real / "lookups/Lower_Tier_Local_Authority_to_Upper_Tier_Local_Authority_"
        "(December_2022)_Lookup_in_England_and_Wales.csv"
    )
    assert utla.loc[utla["ltla_code"].eq("E07000163"), "utla_code"].tolist() == ["E10000023"]


def test_unreadable_population_cell_names_row_and_age(write_csv):
    counts = ["1"] * 91
    counts[5] = "abc"
    text = f"area_code,{AGES}\nE06000014,{','.join(['1'] * 91)}\nE06000015,{','.join(counts)}\n"
    with pytest.raises(JsnaInputError, match=r"row 3, column '5': value 'abc'"):
        read_population(write_csv("mid2020.csv", text))


def test_an_area_given_twice_is_refused_naming_both_rows(write_csv):
    """Two rows for one area, sex and year would be added together by every sum downstream."""
    ones = ",".join(["1"] * 91)
    text = (f"area_code,sex,{AGES}\nE06000014,Persons,{ones}\nE06000015,Persons,{ones}\n"
            f"E06000014,Males,{ones}\nE06000014,Persons,{ones}\n")
    with pytest.raises(JsnaInputError,
                       match=r"mid2020.csv: rows 2 and 5: E06000014 \(Persons, mid-2020\) is given "
                             r"twice"):
        read_population(write_csv("mid2020.csv", text))
