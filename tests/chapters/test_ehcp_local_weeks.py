"""Weeks from request to plan as an indicator row: the median of the plans with a request date,
hidden with the number of plans it rests on."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest
from test_ehcp_local import _raw

from jsna.chapters.ehcp_local import casework_indicators, protect_local_sections
from jsna.indicators import casework as cw
from jsna.indicators.catalogue import indicator_catalogue
from jsna.indicators.comparisons import ComparatorAreas

AREAS = ComparatorAreas("E06000001", "E12000001", "North East", [], "Hartlepool")
ON = datetime.date(2025, 10, 31)


def test_median_weeks_from_a_hand_made_casework_extract() -> None:
    # Four new plans in 2024 with a request date: 70, 91, 140 and 161 days -> 10, 13, 20 and
    # 23 weeks; type 7 median at position 1.5: (13 + 20) / 2 = 16.5 weeks. A plan without a
    # request date and a plan that came from another council (decision not "assess") are
    # left out.
    request = ["2023-11-01", "2023-12-01", "2024-01-01", "2024-02-01", None, "2023-11-01"]
    days = [70, 91, 140, 161, 0, 100]
    casework = pd.DataFrame({
        "request_date": pd.to_datetime(request).date,
        "plan_date": [(pd.Timestamp(r) + pd.Timedelta(days=d)).date() if r else
                      datetime.date(2024, 5, 1) for r, d in zip(request, days, strict=True)],
        "assessment_date": None,
        "decision": ["assess"] * 5 + ["transfer_in"],
        "exception": False})
    activity = cw.yearly_activity(casework, [2024])
    rows = cw.weeks_to_plan_rows(activity, area_code="E06000001", area_name="Hartlepool")
    row = rows.iloc[0]
    assert (row["indicator_id"], row["period"], row["denominator"]) == (cw.WEEKS_TO_PLAN,
                                                                         "2024", 4)
    assert row["value"] == pytest.approx(16.5)
    assert np.isnan(row["count"])


def test_the_median_is_a_row_of_indicators_with_the_tables_number() -> None:
    raw = _raw([10, 20, 30, 40])
    _, rows, _ = protect_local_sections(raw, casework_indicators(raw, ON, AREAS), threshold=5)
    weeks = rows[rows["indicator_id"] == cw.WEEKS_TO_PLAN].set_index("period")
    # the waits table: 2023 median 20.0 of 50 plans, 2024 18.5 of 60
    assert weeks["value"].to_dict() == {"2023": 20.0, "2024": 18.5}
    assert weeks["denominator"].to_dict() == {"2023": 50, "2024": 60}
    assert cw.WEEKS_TO_PLAN in set(indicator_catalogue()["indicator_id"])


def test_a_median_of_fewer_plans_than_the_threshold_is_hidden_in_both() -> None:
    raw = _raw([10, 20, 30, 40])
    for short in ("timeliness", "waits"):
        raw[short].loc[0, "Plans with a request date"] = 4
    raw["timeliness"].loc[0, ["Within 20 weeks", "Plans without an exception",
                              "Within 20 weeks, excluding exceptions"]] = [2, 4, 2]
    tables, rows, _ = protect_local_sections(raw, casework_indicators(raw, ON, AREAS),
                                             threshold=5)
    weeks = rows[rows["indicator_id"] == cw.WEEKS_TO_PLAN].set_index("period")
    assert pd.isna(weeks.loc["2023", "value"]) and weeks.loc["2023", "note"] == "[c]"
    assert pd.isna(tables["waits"].loc[0, "Median weeks"])
    assert weeks.loc["2024", "value"] == 18.5
