"""Tests for the input catalogue and file validation (jsna.input_checks)."""

from __future__ import annotations

from pathlib import Path

import pytest
from york import YORK_NEIGHBOURS_2025

from jsna.config import load_config
from jsna.input_checks import INPUTS, describe_sources


def _config(tmp_path: Path, real: Path, *, neighbours: list[str], census_header: str):
    census = tmp_path / "census_2025.csv"
    census.write_text(census_header + "\n")
    quoted = ", ".join(f'"{code}"' for code in neighbours)
    toml = f"""
[area]
code = "E06000014"
name = "York"
la_number = 816
region_code = "E12000003"
region_name = "Yorkshire and The Humber"

[jsna]
year = 2025
title = "York SEND JSNA"

[inputs]
postcode_lookup = "{real}/lookups/lewisham_postcode_oa11_lsoa11_msoa11_wd22.csv"
lsoa_ward_lookup = "{real}/lookups/lsoa11_to_ward19_lad19_selected_las.csv"
ward_boundaries = "{real}/boundaries/wards_2025/E06000014.geojson"
imd = "{real}/imd/File_1_-_IMD2019_Index_of_Multiple_Deprivation_selected_las.csv"
population = "{real}/population/ons_mye_mid2020_ltla21_single_year_of_age.csv"

[inputs.census]
2025 = "{census}"
2024 = "{tmp_path}/absent.csv"

[inputs.comparators]
ehcp_caseload = "{real}/send_dfe/ehcp_2025/caseload.csv"
statistical_neighbours = "{real}/statistical_neighbours/sn_may_2025.csv"

[census]
salt = "test"

[comparators]
neighbours = [{quoted}]
"""
    path = tmp_path / "jsna.toml"
    path.write_text(toml)
    return load_config(path, check_files=False, check_chapters=False)


@pytest.mark.real_data
def test_describe_sources_validates_present_files(tmp_path, real):
    # a census the cleaner accepts (`jsna sources` reads it with the cleaner's own reader)
    census = ("UPN,Surname,Forename,DOB,Gender,NCYearActual,EnrolStatus,SENprovision,SENType1,"
              "Postcode,URN\nA00000000001A,Smith,Jo,2016-05-04,F,3,C,N,,YO1 7HH,121000")
    config = _config(tmp_path, real, neighbours=YORK_NEIGHBOURS_2025, census_header=census)
    table = describe_sources(config).set_index("key")
    # Every input the config can take is listed, with its publisher page.
    assert {
        "census.2025",
        "census.2024",
        "postcode_lookup",
        "lsoa_boundaries",
        "schools",
        "comparators.sen_phase_type",
        "comparators.statistical_neighbours",
    } <= set(table.index)
    assert table["url"].str.startswith("https://").all()
    assert table.loc["census.2025", "status"] == "ok"
    assert table.loc["census.2024", "status"] == "missing"
    assert table.loc["lsoa_boundaries", "status"] == "not configured"
    # A Lewisham postcode extract does not cover York: reported, not silently accepted.
    assert table.loc["postcode_lookup", "status"] == "problem"
    assert table.loc["postcode_lookup", "area_found"] == "no"
    caseload = table.loc["comparators.ehcp_caseload"]
    assert caseload["status"] == "ok" and caseload["area_found"] == "yes"
    assert caseload["periods"] == "2018/19 .. 2024/25"
    assert "10/10 neighbours found" in caseload["detail"]
    assert table.loc["comparators.statistical_neighbours", "status"] == "ok"
    assert table.loc["imd", "detail"] == "120 LSOAs in the council"  # York: 120 LSOAs (2011)
    assert table.loc["ward_boundaries", "rows"] == 21
    assert table.loc["population", "periods"] == "2020"


@pytest.mark.real_data
def test_describe_sources_reports_layout_and_neighbour_problems(tmp_path, real):
    config = _config(tmp_path, real, neighbours=YORK_NEIGHBOURS_2025[::-1], census_header="a,b")
    table = describe_sources(config).set_index("key")
    census = table.loc["census.2025"]
    assert census["status"] == "problem"
    assert (
        "missing required columns UPN, DOB" in census["detail"]
        and "columns found: a, b" in census["detail"]
    )
    neighbours = table.loc["comparators.statistical_neighbours"]
    assert neighbours["detail"].startswith("differs from [comparators] neighbours")


def test_catalogue_keys_are_unique():
    keys = [spec.key for spec in INPUTS]
    assert len(keys) == len(set(keys))


def test_every_input_the_config_takes_is_catalogued():
    from jsna.config import COMPARATOR_KEYS, INPUT_KEYS
    from jsna.input_checks import INPUTS

    keys = {spec.key for spec in INPUTS}
    assert {f"comparators.{k}" for k in COMPARATOR_KEYS} <= keys
    assert set(INPUT_KEYS) <= keys
    assert "census" in keys


@pytest.mark.real_data
def test_lait_is_an_input_jsna_sources_checks(tmp_path, real):
    """inputs.lait was listed as 'not in config'; now the config takes it and `jsna sources`
    reads it with the outcomes chapter's reader: York, England, the region and the neighbours
    found, LAIT's years as published."""
    config = _config(tmp_path, real, neighbours=YORK_NEIGHBOURS_2025, census_header="a,b")
    text = config.path.read_text().replace(
        "[inputs]\n",
        f'[inputs]\nlait = "{real}/send_dfe/lait/lait_bds_long_send_outcomes_absence_all_las.csv"\n')
    config.path.write_text(text)
    config = load_config(config.path, check_files=False, check_chapters=False)
    row = describe_sources(config).set_index("key").loc["lait"]
    assert row["status"] == "ok" and row["area_found"] == "yes"
    assert row["rows"] == 90100
    assert "70 measures" in row["detail"] and "10/10 neighbours found" in row["detail"]
    bad = tmp_path / "bad_lait.csv"
    bad.write_text("Short Desc,Data item,Years,LA and Regions,Values,LA Number,Region\n"
                   "SpecPerAbNew,,2025,Nowhere,1.0,999.0,South West\n")
    config.path.write_text(text.replace(
        f"{real}/send_dfe/lait/lait_bds_long_send_outcomes_absence_all_las.csv", str(bad)))
    config = load_config(config.path, check_files=False, check_chapters=False)
    row = describe_sources(config).set_index("key").loc["lait"]
    assert row["status"] == "problem" and "column 'LA Number': value '999.0'" in row["detail"]
