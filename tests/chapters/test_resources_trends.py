"""The resources chapter's trend sections on hand-worked numbers: mediation followed by an appeal
(Wilson intervals, symbols, years before a council existed) and LAIT's SEN services unit cost."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from jsna.chapters import resources_trends as trends
from jsna.indicators.comparisons import ComparatorAreas
from jsna.indicators.resources import (
    MEDIATION_APPEAL_SHARE,
    SEN_SERVICES_WEEKLY_COST,
    mediation_rows,
    sen_unit_cost_rows,
)


def _mi(**columns) -> pd.DataFrame:
    base = {"area_code": "E06000014", "area_name": "York", "area_type": "Local authority",
            "period": "2021", "mediations_note": "", "appeals_after_mediation_note": ""}
    return pd.DataFrame({**base, **columns})


def test_mediation_rows_count_appeals_over_mediations_and_keep_symbols():
    mi = _mi(mediations=[24.0, np.nan, 0.0, 5.0], appeals_after_mediation=[6.0, np.nan, 0.0, np.nan],
             mediations_note=["", "[x]", "", ""],
             appeals_after_mediation_note=["", "[x]", "", "[c]"])
    rows = mediation_rows(mi)
    assert (rows["indicator_id"] == MEDIATION_APPEAL_SHARE).all()
    assert rows.loc[0, ["count", "denominator", "note"]].tolist() == [6.0, 24.0, ""]
    # a symbol in either count: no value, the symbol kept, never a zero
    assert np.isnan(rows.loc[1, "count"]) and rows.loc[1, "note"] == "[x]"
    assert np.isnan(rows.loc[3, "count"]) and rows.loc[3, "note"] == "[c]"
    # no mediation held: the share does not apply (DfE writes z)
    assert rows.loc[2, "note"] == "[z]"


def test_wilson_interval_of_the_share_is_the_hand_worked_one():
    """6 of 24 mediation cases followed by an appeal (BCP 2021): p = 0.25, n = 24, z = 1.959964.
    centre = (0.25 + z²/48) / (1 + z²/24) = 0.284494; half-width = z·sqrt(0.25·0.75/24 + z²/2304)
    / (1 + z²/24) = 0.164499; so 11.9995% to 44.8993%."""
    from jsna.stats import add_proportion_ci

    rows = mediation_rows(_mi(mediations=[24.0], appeals_after_mediation=[6.0]))
    out = add_proportion_ci(rows, count="count", denominator="denominator", multiplier=100)
    assert out.loc[0, "value"] == 25.0
    assert math.isclose(out.loc[0, "lower_ci_95"], 11.9995, abs_tol=1e-3)
    assert math.isclose(out.loc[0, "upper_ci_95"], 44.8993, abs_tol=1e-3)


def test_a_merged_council_has_no_years_before_it_existed_and_says_why():
    before, note = trends.formed_note("E06000058", "Bournemouth, Christchurch and Poole",
                                      ["2017", "2018", "2019", "2020"])
    assert before == ["2017", "2018"]
    assert "April 2019" in note and "E06000028" in note and "never as the sum" in note
    # a financial year starting before April 2019 is before it too
    before, _ = trends.formed_note("E06000059", "Dorset", ["2018-19", "2019-20"])
    assert before == ["2018-19"]
    assert trends.formed_note("E06000014", "York", ["2014"]) == ([], "")
    rows = mediation_rows(_mi(area_code=["E06000028", "E06000029"], period="2018",
                              mediations=[4.0, 5.0], appeals_after_mediation=[0.0, 0.0]))
    added = trends.add_missing_years(rows, "E06000058", MEDIATION_APPEAL_SHARE, ["2018"])
    bcp = added[added["area_code"] == "E06000058"]
    # one row, no value, [x]: never Bournemouth + Poole (9 cases), which leaves out Christchurch
    assert len(bcp) == 1 and np.isnan(bcp["denominator"].iloc[0]) and bcp["note"].iloc[0] == "[x]"


def test_unit_cost_rows_keep_lait_values_and_dashes_as_not_available():
    lait = pd.DataFrame({
        "indicator": ["SENFinance", "SENFinance", "SENFinance", "SEN_TotStat"],
        "area_code": ["E06000014", "E06000058", "", "E06000014"],
        "area_name": ["York", "BCP", "Inner London", "York"], "area_type": "Local authority",
        "period": "2018-19", "value": [165.0, np.nan, 120.0, 3.1],
        "note": ["", "[-]", "", ""]})
    rows = sen_unit_cost_rows(lait)
    assert rows["indicator_id"].unique().tolist() == [SEN_SERVICES_WEEKLY_COST]
    assert rows["area_code"].tolist() == ["E06000014", "E06000058"]
    assert rows["value"].iloc[0] == 165.0 and rows["note"].tolist() == ["", "[x]"]
    assert rows["count"].isna().all()  # LAIT publishes neither spending nor children


@pytest.fixture
def areas() -> ComparatorAreas:
    return ComparatorAreas("E06000014", "E12000003", "Yorkshire and The Humber",
                           ["E06000011", "E06000010", "E06000012"], "York")


def _unit(code: str, period: str, value: float, area_type: str = "Local authority") -> dict:
    return {"indicator_id": SEN_SERVICES_WEEKLY_COST, "area_code": code, "area_name": code,
            "area_type": area_type, "period": period, "breakdown": "All", "count": np.nan,
            "denominator": np.nan, "value": value, "note": "" if value == value else "[x]"}


def test_unit_cost_trend_table_differences_and_neighbour_average_by_hand(areas):
    every = pd.DataFrame([
        _unit("E06000014", "2023-24", 90.0), _unit("E12000003", "2023-24", 125.0, "Region"),
        _unit("E92000001", "2023-24", 110.0, "England"),
        _unit("E06000011", "2023-24", 120.0), _unit("E06000010", "2023-24", 105.0),
        _unit("E06000012", "2023-24", np.nan), _unit("E06000001", "2023-24", 200.0)])
    rows = trends.unit_cost_indicators(every, areas)
    table = trends.unit_cost_trend_table(rows, every, areas, "York", []).frame.iloc[0]
    assert table["York"] == 90.0 and table["England"] == 110.0
    assert table["York minus England"] == -20.0
    # (120 + 105) / 2: the neighbour without a figure is left out, and said so
    assert table["Neighbours' average"] == 112.5
    assert table["Neighbours with a figure"] == "2 of 3"
    # six councils with a figure: York's 90 is in the lowest quarter (D), 200 the highest (A)
    bands = trends.quartile_bands(every, "2023-24")
    assert bands["E06000014"] == "D" and bands["E06000001"] == "A"
    assert (rows["compared_to_england"] == "Not compared").all()
