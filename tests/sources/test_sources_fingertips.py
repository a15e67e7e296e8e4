"""Tests for the OHID Fingertips reader (jsna.sources.fingertips)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from jsna.errors import JsnaInputError
from jsna.sources.fingertips import fingertips_area, period_end_year, read_fingertips

SPACED = (
    "Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,Sex,Age,"
    "Category Type,Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,"
    "Lower CI 99.8 limit,Upper CI 99.8 limit,Count,Denominator,Value note,Recent Trend,"
    "Compared to England value or percentiles,Compared to Region value or percentiles,"
    "Time period Sortable,New data,Compared to goal\n"
    '91871,"SEMH pupils (%)\n",,,E92000001,England,England,Persons,School age,,,2018,2.19,'
    "2.18,2.20,,,103326,4716244,,,Not compared,Not compared,20180000,,\n"
    "91871,SEMH pupils (%),E12000003,Yorkshire,E06000014,York,County & UA,Persons,School age,,,"
    "2016/17,,,,,,,,Value suppressed for disclosure control reasons,,,,20160000,,\n"
    "91871,SEMH pupils (%),E12000009,South West,E06000052,Cornwall,County & UA,Persons,"
    "School age,,,2016/17,,,,,,,,Value for Cornwall & Isles of Scilly combined,,,,20160000,,\n"
)
UNDERSCORED = (
    SPACED.replace("Indicator ID", "IndicatorID")
    .replace("Time period,", "Timeperiod,")
    .replace("Lower CI 95.0 limit", "Lower_CI_95.0_limit")
    .replace("Value note", "Value_note")
)


@pytest.mark.parametrize("text", [SPACED, UNDERSCORED], ids=["spaced", "underscored"])
def test_both_column_styles_read_the_same(write_csv, text):
    frame = read_fingertips(write_csv("ft.csv", text))
    england = frame.iloc[0]
    assert england["indicator_id"] == 91871
    assert england["indicator_name"] == "SEMH pupils (%)"  # embedded newline stripped
    assert england["value"] == 2.19 and england["lower_ci_95"] == 2.18
    assert england["count"] == 103326 and england["denominator"] == 4716244
    assert england["area_type"] == "England" and england["note"] == ""
    york = frame.iloc[1]
    assert york["area_type"] == "Local authority" and york["year"] == 2017
    assert math.isnan(york["value"]) and york["note"] == "[c]"  # suppressed, not zero
    assert york["value_note"] == "Value suppressed for disclosure control reasons"
    assert frame.iloc[2]["note"] == "[x]"  # combined with another area: not available


def test_period_end_years():
    periods = pd.Series(["2015", "2016/17", "2015 - 17", "2016/17 - 18/19", "2019 Q1", "1999/00"])
    assert period_end_year(periods).tolist() == [2015, 2017, 2017, 2019, 2019, 2000]


def test_wrong_layout_and_missing_area(write_csv):
    with pytest.raises(JsnaInputError, match=r"missing column\(s\) Indicator ID.*columns found"):
        read_fingertips(write_csv("x.csv", "Area Code,Value\nE1,2\n"))
    frame = read_fingertips(write_csv("ft.csv", SPACED))
    with pytest.raises(JsnaInputError, match=r"area E06000058 \(BCP\) not found"):
        fingertips_area(frame, "E06000058", area_name="BCP")


@pytest.mark.real_data
def test_real_exports(real):
    files = sorted((real / "fingertips").glob("*.csv"))
    assert len(files) == 5
    for path in files:
        frame = read_fingertips(path)
        assert frame.loc[frame["note"].ne(""), "value"].isna().all()
    yorkshire = read_fingertips(
        real / "fingertips/indicators-CountyUA_cyp_mental_health_yorkshire_and_humber.csv"
    )
    york = yorkshire[
        yorkshire["indicator_id"].eq(91871)
        & yorkshire["area_code"].eq("E06000014")
        & yorkshire["period"].eq("2018")
    ].iloc[0]
    # Published count and denominator: 317 of 14,592 pupils -> 317 / 14592 = 2.172%.
    assert york["count"] == 317 and york["denominator"] == 14592
    assert york["value"] == pytest.approx(100 * 317 / 14592, abs=1e-6)
    south_west = read_fingertips(
        real / "fingertips/indicators-CountyUA_cyp_mental_health_south_west.csv"
    )
    assert {"E06000028", "E06000029", "E10000009"} <= set(south_west["area_code"])  # old codes
    spaced = read_fingertips(
        real / "fingertips/indicators-CountyUA_campylobacter_2015_format_example_selected_areas.csv"
    )
    assert spaced["indicator_name"].iloc[0] == "Campylobacter incidence rate/100,000"
    assert (spaced["category_type"] != "").any()
