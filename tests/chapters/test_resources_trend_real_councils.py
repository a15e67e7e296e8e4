"""The resources chapter's trend sections for York and Bournemouth, Christchurch and Poole, built
with ``resources.build`` from the real published files, every headline figure checked against a
plain pandas read of the raw files written here (no jsna reader).

* LAIT ``SENFinance`` (weekly SEN services cost per child with an EHC plan): the council,
  England, the region and the neighbours' unweighted average, by DfE LA number in the raw file.
* SEN2 management information (``sen2_mi.csv``): mediation cases held and those followed by an
  appeal, the percentage and its Wilson interval (``tests/real_councils.wilson``).
* BCP was formed in April 2019. Before that DfE published Bournemouth (837, E06000028) and
  Poole (836, E06000029) and put Christchurch inside Dorset county (835, E10000009). The
  chapter shows BCP's years before 2019 as ``[x]`` with a note saying why, and never the sum of
  Bournemouth and Poole (a partial area).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from real_councils import (
    COUNCILS,
    ENGLAND,
    needs_real_data,
    real_path,
    wilson,
    write_council_config,
)

from jsna.chapters import resources
from jsna.config import load_config

LAIT = "send_dfe/lait/lait_bds_long_sen_and_child_health_all_las.csv"
SEN2_MI = "send_dfe/ehcp_2022/sen2_mi.csv"
DSG = "finance/dedicated-schools-grant_2024_07_20.ods"
TRIBUNALS = "send_dfe/ehcp_2025/supporting-files/SEND Tribunals and appeal rate 2014-2024.csv"
POPULATION = "population/ons_mye_mid2020_utla20_single_year_of_age.csv"
pytestmark = needs_real_data(LAIT, SEN2_MI, DSG, TRIBUNALS, POPULATION)

UNIT_COST = "sen_services_weekly_cost_per_plan"
SHARE = "send_mediations_followed_by_appeal_percent"
#: DfE LA numbers of each council, its region (LAIT's number) and its neighbours, written out
#: from DfE's LA list (not from jsna)
NUMBERS = {
    "york": (816, 982, (916, 800, 802, 919, 937, 931, 938, 358, 850, 356)),
    "bcp": (839, 990, (822, 882, 886, 878, 826, 303, 938, 926, 881, 845)),
}


@pytest.fixture(scope="module", params=["york", "bcp"])
def built(request, tmp_path_factory):
    council = COUNCILS[request.param]
    path = write_council_config(
        tmp_path_factory.mktemp(request.param), council, chapters=["resources"],
        inputs={"population": real_path(POPULATION), "lait": real_path(LAIT)},
        comparators={"high_needs_dsg": real_path(DSG), "send_tribunals": real_path(TRIBUNALS),
                     "sen2_management_information": real_path(SEN2_MI)})
    return request.param, council, resources.build(load_config(path))


@pytest.fixture(scope="module")
def raw_lait() -> pd.DataFrame:
    """SENFinance as plain pandas reads it: LA number as int, year as published, value or None."""
    raw = pd.read_csv(real_path(LAIT), dtype=str, keep_default_na=False)
    raw = raw[raw["Short Desc"] == "SENFinance"].copy()
    raw["number"] = raw["LA Number"].astype(float).astype(int)
    raw["period"] = raw["Years"].str.replace(" (OT)", "", regex=False)
    raw["value"] = pd.to_numeric(raw["Values"].replace("-", None))
    return raw


@pytest.fixture(scope="module")
def raw_mi() -> pd.DataFrame:
    return pd.read_csv(real_path(SEN2_MI), dtype=str, keep_default_na=False)


def _row(rows: pd.DataFrame, indicator: str, code: str, period: str) -> pd.Series:
    hit = rows[(rows["indicator_id"] == indicator) & (rows["area_code"] == code)
               & (rows["period"] == period)]
    assert len(hit) == 1, (indicator, code, period)
    return hit.iloc[0]


def test_unit_cost_of_council_region_and_england_equal_the_raw_file(built, raw_lait):
    key, council, chapter = built
    number, region_number, _ = NUMBERS[key]
    for code, la in ((council.code, number), (council.region_code, region_number),
                     (ENGLAND, 970)):
        for line in raw_lait[raw_lait["number"] == la].itertuples():
            row = _row(chapter.indicators, UNIT_COST, code, line.period)
            if pd.isna(line.value):
                assert pd.isna(row["value"]) and row["note"] == "[x]"
            else:
                assert row["value"] == line.value
    table = chapter.tables["sen_unit_cost"].frame.set_index("Financial year")
    latest = raw_lait[(raw_lait["number"] == number)]["period"].max()
    assert latest == "2024-25"
    mine = float(raw_lait.loc[(raw_lait["number"] == number)
                              & (raw_lait["period"] == latest), "value"].iloc[0])
    england = float(raw_lait.loc[(raw_lait["number"] == 970)
                                 & (raw_lait["period"] == latest), "value"].iloc[0])
    assert table.loc[latest, council.name] == mine
    assert table.loc[latest, f"{council.name} minus England"] == mine - england
    # York 2024-25: £90 a week against England's £110; BCP £120
    assert mine == {"york": 90.0, "bcp": 120.0}[key] and england == 110.0


def test_neighbours_average_is_the_unweighted_mean_of_the_raw_values(built, raw_lait):
    key, council, chapter = built
    _, _, neighbours = NUMBERS[key]
    table = chapter.tables["sen_unit_cost"].frame.set_index("Financial year")
    for period, group in raw_lait[raw_lait["number"].isin(neighbours)].groupby("period"):
        values = group["value"].dropna()
        assert table.loc[period, "Neighbours' average"] == round(values.mean(), 1)
        assert table.loc[period, "Neighbours with a figure"] == f"{len(values)} of 10"


def test_mediation_share_and_wilson_interval_equal_the_raw_counts(built, raw_mi):
    key, council, chapter = built
    rows = chapter.indicators
    mine = raw_mi[(raw_mi["geographic_level"] == "Local authority")
                  & (raw_mi["old_la_code"] == str(NUMBERS[key][0]))]
    assert len(mine) == {"york": 8, "bcp": 3}[key]
    for line in mine.itertuples():
        held, appealed = float(line.NewEHCMediation), float(line.NewEHCTribunal)
        row = _row(rows, SHARE, council.code, line.time_period)
        if 0 < held < 5:  # below the disclosure threshold (5): hidden, never shown as a number
            assert row["note"] == "[c]" and pd.isna(row["value"])
        elif held == 0:
            assert row["note"] == "[z]" and pd.isna(row["value"])
        else:
            assert (row["count"], row["denominator"]) == (appealed, held)
            assert math.isclose(row["value"], appealed / held * 100, rel_tol=1e-12)
            lower, upper = wilson(appealed, held)
            assert math.isclose(row["lower_ci_95"], lower, rel_tol=1e-9)
            assert math.isclose(row["upper_ci_95"], upper, rel_tol=1e-9)
    # England and the region as DfE publishes them, every year
    for code, level, column in ((ENGLAND, "National", "country_code"),
                                (council.region_code, "Regional", "region_code")):
        published = raw_mi[(raw_mi["geographic_level"] == level) & (raw_mi[column] == code)]
        for line in published.itertuples():
            row = _row(rows, SHARE, code, line.time_period)
            held, appealed = float(line.NewEHCMediation), float(line.NewEHCTribunal)
            assert (row["count"], row["denominator"]) == (appealed, held)
            # DfE's own percentage (six significant figures) agrees with count over cases held
            assert math.isclose(row["value"], float(line.NewEHCTribunal_pc), abs_tol=1e-3)
    england = _row(rows, SHARE, ENGLAND, "2021")
    assert (england["count"], england["denominator"]) == (1302, 5097)


def test_york_2021_mediation_by_hand(built):
    key, council, chapter = built
    if key != "york":
        pytest.skip("York only")
    # 11 mediation cases held in 2021, none followed by an appeal: 0%, Wilson upper limit
    # z² / (n + z²) = 3.8415 / 14.8415 = 25.88%
    row = _row(chapter.indicators, SHARE, council.code, "2021")
    assert row["value"] == 0.0 and math.isclose(row["upper_ci_95"], 25.883, abs_tol=1e-3)
    table = chapter.tables["mediation"].frame
    york = table[(table["Area"] == "York") & (table["Calendar year"] == "2021")].iloc[0]
    assert york["Mediation cases held"] == 11 and york["Followed by an appeal"] == 0


def test_bcp_before_it_existed_is_not_a_partial_sum(built, raw_mi, raw_lait):
    key, council, chapter = built
    if key != "bcp":
        pytest.skip("BCP only")
    rows = chapter.indicators
    # DfE published Bournemouth (837) and Poole (836) for 2014 to 2018; no row for BCP
    predecessors = raw_mi[raw_mi["old_la_code"].isin(["836", "837"])]
    assert sorted(predecessors["time_period"].unique()) == ["2014", "2015", "2016", "2017", "2018"]
    assert not (raw_mi["old_la_code"].eq("839") & raw_mi["time_period"].lt("2019")).any()
    for year in ("2014", "2015", "2016", "2017", "2018"):
        row = _row(rows, SHARE, council.code, year)
        assert pd.isna(row["denominator"]) and pd.isna(row["value"]) and row["note"] == "[x]"
    table = chapter.tables["mediation"]
    before = table.frame[(table.frame["Area"] == council.name)
                         & (table.frame["Calendar year"] < "2019")]
    # 2018: Bournemouth 4 + Poole 5 = 9 would be the partial sum; the table shows [x]
    assert (before["Mediation cases held"] == "[x]").all() and len(before) == 5
    assert any("formed in April 2019" in note and "never as the sum" in note
               for note in table.notes)
    assert any("before the council existed: 5" in note for note in table.notes)
    # LAIT: '-' for BCP before 2019-20, and Bournemouth/Poole (Pre LG) values are not used
    for period in ("2016-17", "2017-18", "2018-19"):
        row = _row(rows, UNIT_COST, council.code, period)
        assert pd.isna(row["value"]) and row["note"] == "[x]"
    unit = chapter.tables["sen_unit_cost"]
    assert unit.frame.set_index("Financial year").loc["2018-19", council.name] == "[x]"
    assert any("formed in April 2019" in note for note in unit.notes)
    # from 2019 BCP's own rows: 2021, 24 cases, 6 followed by an appeal
    row = _row(rows, SHARE, council.code, "2021")
    assert (row["count"], row["denominator"]) == (6.0, 24.0)
    lower, upper = wilson(6, 24)
    assert math.isclose(row["lower_ci_95"], lower, rel_tol=1e-9)
    assert math.isclose(row["upper_ci_95"], upper, rel_tol=1e-9)


def test_the_region_is_published_not_summed(built, raw_mi):
    _, council, chapter = built
    region = _row(chapter.indicators, SHARE, council.region_code, "2018")
    published = raw_mi[(raw_mi["geographic_level"] == "Regional")
                       & (raw_mi["region_code"] == council.region_code)
                       & (raw_mi["time_period"] == "2018")].iloc[0]
    assert region["denominator"] == float(published["NewEHCMediation"])
