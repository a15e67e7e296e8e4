"""Waiting lists: the list at a date, wait percentiles and % over 18/52 weeks, worked by hand."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest

from jsna.indicators.comparisons import ComparatorAreas, add_statistics
from jsna.indicators.health import (
    OVER_18,
    OVER_18_BY_AGE,
    OVER_52,
    distribution_by_service,
    waiting_list_rows,
    waiting_on,
)

DAY = datetime.date(2025, 3, 31)
# name: (service, referral, first contact, removal, age, ward)
REFERRALS = {
    "A": ("camhs", "2025-03-31", None, None, 3, "W1"),      # 0 days
    "B": ("camhs", "2025-03-03", None, None, 7, "W1"),      # 28 days = 4 weeks
    "C": ("camhs", "2024-11-25", None, None, 7, "W1"),      # 5+31+31+28+31 = 126 days: not over 18
    "D": ("camhs", "2024-11-24", None, None, 12, "W2"),     # 127 days: over 18 weeks
    "E": ("camhs", "2024-03-31", None, None, None, "W2"),   # 365 days (2024 leap): over 52
    "F": ("camhs", "2024-04-01", None, None, 17, None),     # 364 days: exactly 52, not over
    "G": ("camhs", "2024-01-01", "2025-03-31", None, 9, "W1"),  # seen on the day: not waiting
    "H": ("camhs", "2024-06-01", None, "2025-01-01", 9, "W1"),  # removed: not waiting
    "J": ("speech_and_language_therapy", "2025-03-24", None, None, 5, "W1"),  # 7 days
}


def _waits() -> pd.DataFrame:
    frame = pd.DataFrame.from_dict(REFERRALS, orient="index", columns=[
        "service", "referral_date", "first_contact_date", "removal_date", "age_at_referral",
        "ward_code"])
    for column in ("referral_date", "first_contact_date", "removal_date"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame.reset_index(drop=True)


def test_list_at_a_date():
    waiting = waiting_on(_waits(), DAY)
    assert sorted(waiting["wait_days"]) == [0, 7, 28, 126, 127, 364, 365]
    # a year earlier: E (0 days) and G (1 Jan to 31 Mar 2024: 30 + 29 + 31 = 90 days)
    assert sorted(waiting_on(_waits(), datetime.date(2024, 3, 31))["wait_days"]) == [0, 90]


def test_percentiles_and_over_18_52_weeks_by_hand():
    table = distribution_by_service(_waits(), DAY).set_index("service")
    camhs = table.loc["Children and young people's mental health services (CAMHS)"]
    # weeks sorted: 0, 4, 18, 18 1/7, 52, 52 1/7; type 7: median at position 2.5 (0-based),
    # 90th percentile at 4.5 -> halfway between neighbours
    assert camhs["waiting"] == 6
    assert camhs["median_weeks"] == pytest.approx((18 + 18 + 1 / 7) / 2)
    assert camhs["p90_weeks"] == pytest.approx((52 + 52 + 1 / 7) / 2)
    assert (camhs["over_18_weeks"], camhs["over_52_weeks"]) == (3, 1)
    everyone = table.loc["All services"]
    assert (everyone["waiting"], everyone["over_18_weeks"]) == (7, 3)
    # 7 waits in weeks: 0, 1, 4, 18, 18 1/7, 52, 52 1/7 -> median the 4th: 18
    assert everyone["median_weeks"] == pytest.approx(18)


def test_indicator_rows_by_service_ward_age_and_period():
    rows = waiting_list_rows(_waits(), extract_date=DAY, area_code="Z06000001")
    key = rows.set_index(["indicator_id", "area_code", "period", "breakdown"])
    assert tuple(key.loc[(OVER_18, "Z06000001", "31 Mar 2025", "All services"),
                         ["count", "denominator"]]) == (3, 7)
    assert tuple(key.loc[(OVER_52, "Z06000001", "31 Mar 2025", "All services"),
                         ["count", "denominator"]]) == (1, 7)
    assert tuple(key.loc[(OVER_18, "Z06000001", "31 Mar 2025", "Speech and language therapy"),
                         ["count", "denominator"]]) == (0, 1)
    # the year before: E and G waiting, neither over 18 weeks
    assert tuple(key.loc[(OVER_18, "Z06000001", "31 Mar 2024", "All services"),
                         ["count", "denominator"]]) == (0, 2)
    # wards: W1 = A, B, C, J (none over 18); W2 = D, E (both); F has no ward
    assert tuple(key.loc[(OVER_18, "W1", "31 Mar 2025", "All services"),
                         ["count", "denominator"]]) == (0, 4)
    assert tuple(key.loc[(OVER_52, "W2", "31 Mar 2025", "All services"),
                         ["count", "denominator"]]) == (1, 2)
    # F (364 days: over 18 weeks, not over 52) has no ward: its own row, so 4 + 2 + 1 = 7
    assert tuple(key.loc[(OVER_18, "Z99999999", "31 Mar 2025", "All services"),
                         ["area_name", "count", "denominator"]]) == ("Ward not known", 1, 1)
    ages = key.loc[OVER_18_BY_AGE].reset_index().set_index("breakdown")
    assert ages.loc["Aged 5 to 10", "denominator"] == 3  # B, C, J
    assert tuple(ages.loc["Age not known", ["count", "denominator"]]) == (1, 1)  # E
    assert ages.loc["Aged 16 to 25", "count"] == 1  # F: 364 days > 126


def test_wilson_interval_of_over_18_weeks():
    rows = waiting_list_rows(_waits(), extract_date=DAY, area_code="Z06000001")
    camhs = rows[(rows["indicator_id"] == OVER_18) & (rows["period"] == "31 Mar 2025")
                 & (rows["breakdown"].str.contains("CAMHS"))]
    areas = ComparatorAreas("Z06000001", "E12000001", "North East", [], "Demoton")
    out = add_statistics(camhs, areas).iloc[0]
    # 3 of 6, Wilson 95%: centre 0.5; half-width 1.96*sqrt(.5*.5/6 + 1.96^2/144) / (1 + 1.96^2/6)
    # = 1.959964 * 0.261425 / 1.640243 = 0.312381
    assert out["value"] == pytest.approx(50.0)
    assert out["lower_ci_95"] == pytest.approx(18.762, abs=0.01)
    assert out["upper_ci_95"] == pytest.approx(81.238, abs=0.01)


def test_ward_rows_are_named():
    # a ward row without a name made every number in a finding look like a suppressed ward's
    # (the disclosure gate reads suppressed rows by name): wards carry a name, else their code
    rows = waiting_list_rows(_waits(), extract_date=DAY, area_code="Z06000001",
                             ward_names={"W1": "North"})
    wards = rows[rows["area_type"] == "Ward"].drop_duplicates("area_code").set_index(
        "area_code")["area_name"]
    assert wards["W1"] == "North" and wards["W2"] == "W2"
