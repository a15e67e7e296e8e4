"""Indicator rows of the preparing for adulthood chapter (:mod:`jsna.indicators.adulthood`):
estimated counts, published symbols and a hand-worked Wilson interval."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.indicators.adulthood import (
    NEET,
    NEET_NOT_KNOWN,
    NOT_KNOWN,
    PLANS_BY_AGE,
    neet_rows,
    plans_by_age_rows,
)
from jsna.sources.neet import MEASURES
from jsna.stats import add_proportion_ci


def neet_frame(**values) -> pd.DataFrame:
    """One council row of the reader's frame: every measure 1.0 unless given (a string is a
    symbol)."""
    row = {"area_code": "E06000014", "area_name": "York", "area_type": "Local authority",
           "period": "2025", "year": 2025}
    for measure in MEASURES:
        value = values.get(measure, 1.0)
        row[measure] = np.nan if isinstance(value, str) else float(value)
        row[f"{measure}_note"] = value if isinstance(value, str) else ""
    return pd.DataFrame([row])


def test_ehc_plan_rate_and_hand_worked_wilson_interval():
    # a cohort of 200, 10% with an EHC plan (20 young people), 25% of them NEET or not known (5)
    rows = neet_rows(neet_frame(cohort=200, cohort_ehcp_percent=10, neet_nk_ehcp_percent=25))
    ehcp = rows[(rows["indicator_id"] == NEET_NOT_KNOWN) & (rows["breakdown"] == "EHC plan")]
    assert ehcp[["count", "denominator", "note"]].values.tolist() == [[5.0, 20.0, ""]]
    with_ci = add_proportion_ci(ehcp, count="count", denominator="denominator", multiplier=100)
    # Wilson, 5 of 20, z = 1.96: centre (0.25 + 0.09604) / 1.19208 = 0.29028,
    # half-width 1.96 * sqrt(0.009375 + 0.0024010) / 1.19208 = 0.17842 -> 11.19% to 46.87%
    assert with_ci["value"].iloc[0] == pytest.approx(25.0)
    assert with_ci["lower_ci_95"].iloc[0] == pytest.approx(11.19, abs=0.01)
    assert with_ci["upper_ci_95"].iloc[0] == pytest.approx(46.87, abs=0.01)


def test_all_young_people_use_the_cohort_for_neet_and_not_known():
    rows = neet_rows(neet_frame(cohort=3891, neet_percent=1.3, not_known_percent=1.2,
                                neet_not_known_percent=2.5))
    everyone = rows[rows["breakdown"] == "All"].set_index("indicator_id")
    assert everyone.loc[NEET, "count"] == pytest.approx(3891 * 0.013)
    assert everyone.loc[NOT_KNOWN, "count"] == pytest.approx(3891 * 0.012)
    assert everyone.loc[NEET_NOT_KNOWN, "count"] == pytest.approx(3891 * 0.025)
    assert set(everyone["denominator"]) == {3891.0}


@pytest.mark.parametrize("symbols, note", [
    ({"neet_nk_sen_support_percent": "[c]"}, "[c]"),
    ({"neet_nk_sen_support_percent": "[low]"}, "[low]"),
    ({"cohort_sen_support_percent": "[z]", "neet_nk_sen_support_percent": "[z]"}, "[z]"),
    ({"cohort_sen_support_percent": "[x]"}, "[x]"),
])
def test_a_published_symbol_is_kept_never_a_zero(symbols, note):
    rows = neet_rows(neet_frame(**symbols))
    support = rows[rows["breakdown"] == "SEN support"].iloc[0]
    assert support["note"] == note
    assert np.isnan(support["count"]) and np.isnan(support["denominator"])
    # the other groups are unaffected
    assert rows[rows["breakdown"] == "EHC plan"]["note"].iloc[0] == ""


def by_age(values: list[float], notes: list[str] | None = None) -> pd.DataFrame:
    bands = ["Under 5", "5 to 10", "11 to 15", "16 to 19", "20 to 25"]
    return pd.DataFrame({"area_code": "E06000014", "area_name": "York",
                         "area_type": "Local authority", "year": 2025, "age_band": bands,
                         "value": values, "note": notes or [""] * 5})


def test_plans_by_age_share_of_all_plans():
    rows = plans_by_age_rows(by_age([100.0, 400.0, 500.0, 300.0, 78.0]))
    assert rows["indicator_id"].eq(PLANS_BY_AGE).all()
    assert rows[["breakdown", "count", "denominator", "period"]].values.tolist() == [
        ["16 to 19", 300.0, 1378.0, "2024/25"], ["20 to 25", 78.0, 1378.0, "2024/25"]]


def test_plans_by_age_symbol_in_any_band_leaves_no_share():
    rows = plans_by_age_rows(by_age([100.0, np.nan, 500.0, 300.0, 78.0],
                                    ["", "[c]", "", "", ""]))
    assert rows["note"].tolist() == ["[c]", "[c]"]
    assert rows["count"].isna().all() and rows["denominator"].isna().all()
