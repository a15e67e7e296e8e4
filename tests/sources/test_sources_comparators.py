"""Tests for comparator tables (jsna.sources.comparators)."""

from __future__ import annotations

import math

import pytest

from jsna.errors import JsnaInputError
from jsna.sources.comparators import comparator_table
from jsna.sources.ees import read_ees
from jsna.sources.neighbours import neighbours_of, read_statistical_neighbours

HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,new_la_code,la_name,old_la_code,phase_type_grouping,ehc_plan,total_pupils,"
    "ehc_plan_percent\n"
)


def _row(period, level, code, name, plans, pupils, percent, region=("Z12000001", "Demo Region")):
    region_code, region_name = ("", "") if level == "National" else region
    la_code, la_name, number = (code, name, "990") if level == "Local authority" else ("", "", "")
    return (
        f"{period},Academic year,{level},E92000001,England,{region_code},{region_name},{la_code},"
        f"{la_name},{number},Total,{plans},{pupils},{percent}\n"
    )


def _file(write_csv):
    text = HEADER
    for period in ("202324", "202425"):
        text += _row(period, "National", "", "", 450000, 9000000, 5.0)
        text += _row(period, "Regional", "", "", 4500, 90000, 5.0)
        text += _row(period, "Local authority", "Z06000001", "Demoton", 150, 3000, 5.0)
    text += _row("202324", "Local authority", "Z06000002", "Northam", 20, 1000, 2.0)
    text += _row("202425", "Local authority", "Z06000002", "Northam", "c", 1000, "c")
    text += _row("202425", "Local authority", "Z06000003", "Westbury Vale", 40, 1000, 4.0)
    return write_csv("sen_phase_type.csv", text)


def test_council_england_region_neighbours_and_mean(write_csv):
    frame = read_ees(_file(write_csv))
    table = comparator_table(
        frame,
        area_code="Z06000001",
        region_code="Z12000001",
        neighbours=["Z06000002", "Z06000003"],
        measure="ehc_plan_percent",
        count_measure="ehc_plan",
        denominator_measure="total_pupils",
        indicator_id="ehcp_percent",
    )
    latest = table[table["period"].eq("2024/25")].set_index("role")
    assert latest.index.tolist() == [
        "Council",
        "England",
        "Region",
        "Neighbour",
        "Neighbour",
        "Neighbour mean",
    ]
    assert latest.loc["Council", "count"] == 150 and latest.loc["Council", "denominator"] == 3000
    neighbours = table[table["period"].eq("2024/25") & table["role"].eq("Neighbour")]
    # Northam suppressed in 2024/25: the symbol survives, the value is not 0.
    northam = neighbours.iloc[0]
    assert northam["sn_rank"] == 1 and math.isnan(northam["value"]) and northam["note"] == "[c]"
    # Mean of the neighbours with a value: only Westbury Vale (4.0) in 2024/25.
    assert latest.loc["Neighbour mean", "value"] == 4.0
    assert latest.loc["Neighbour mean", "n_neighbours"] == 1
    earlier = table[table["period"].eq("2023/24") & table["role"].eq("Neighbour")]
    # Westbury Vale is absent in 2023/24: a row marked not available, not a missing row.
    assert earlier["note"].tolist() == ["", "[x]"]
    assert table["indicator_id"].eq("ehcp_percent").all()


def test_missing_areas_are_named(write_csv):
    frame = read_ees(_file(write_csv))
    with pytest.raises(JsnaInputError, match=r"council Z06000009 \(Nowhere\); neighbour E06000014"):
        comparator_table(
            frame,
            area_code="Z06000009",
            area_name="Nowhere",
            region_code="Z12000001",
            neighbours=["E06000014"],
            measure="ehc_plan",
        )
    with pytest.raises(JsnaInputError, match=r"neighbour E06000014 \(York\)"):
        comparator_table(
            frame,
            area_code="Z06000001",
            region_code="Z12000001",
            neighbours=["E06000014"],
            measure="ehc_plan",
        )


@pytest.mark.real_data
def test_york_timeliness_against_neighbours(real):
    neighbours = neighbours_of(
        read_statistical_neighbours(real / "statistical_neighbours/sn_may_2025.csv"), "E06000014"
    )
    frame = read_ees(real / "send_dfe/ehcp_2025/timeliness_20_week.csv")
    table = comparator_table(
        frame,
        area_code="E06000014",
        neighbours=neighbours,
        measure="pc_plans_issued_within_20_weeks",
        count_measure="plans_issued_within_20_weeks",
        denominator_measure="plans_issued_den",
        select={"breakdown": "All EHC plans issued"},
    )
    year = table[table["period"].eq("2024")].set_index("role")
    # Published 2024: York 153 of 236 plans within 20 weeks (64.8%); England 45.9%.
    assert year.loc["Council", "value"] == 64.8
    assert year.loc["Council", "count"] == 153 and year.loc["Council", "denominator"] == 236
    assert year.loc["England", "value"] == 45.9
    assert year.loc["Region", "area_name"] == "Yorkshire and The Humber"
    # Neighbour mean = (26.3 + 24.1 + 63.0 + 55.2 + 21.2 + 38.6 + 11.4 + 53.4 + 41.0 + 7.8) / 10
    assert year.loc["Neighbour mean", "value"] == pytest.approx(34.2)


@pytest.mark.real_data
def test_bcp_council_series_is_continuous(real):
    frame = read_ees(real / "send_dfe/ehcp_2025/caseload.csv", measures=["ehcplans"])
    table = comparator_table(
        frame,
        area_code="E06000058",
        neighbours=["E06000059"],
        measure="ehcplans",
        value_is_count=True,
        select={"breakdown": "All EHC plans"},
    )
    council = table[table["role"].eq("Council")].set_index("period")
    assert council["value"].notna().all() and len(council) == 7
    assert council.loc["2018/19", "value"] == 1891  # Bournemouth 1,045 + Poole 846
    assert "approximate" in council.loc["2018/19", "harmonised"]
    dorset = table[table["role"].eq("Neighbour")].set_index("period")
    assert dorset.loc["2018/19", "value"] == 2392  # Dorset county, January 2019
