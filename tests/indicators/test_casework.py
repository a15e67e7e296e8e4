"""Casework indicators against hand-worked numbers (each expected value worked out here)."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest

from jsna.indicators.casework import (
    active_plans_table,
    annual_reviews_at,
    backlog_table,
    ceased_table,
    census_day,
    january_reconciliation,
    yearly_activity,
)

COLUMNS = ["id", "request_date", "decision", "decision_date", "assessment_outcome",
           "assessment_date", "plan_date", "exception", "primary_need", "setting",
           "last_review_date", "cease_date", "cease_reason", "birth_cohort"]
_ = None
ROWS = [
    # plan 133 days after the request (within 20 weeks)
    ("A", "2024-01-08", "assess", "2024-02-05", "plan", "2024-05-01", "2024-05-20", False,
     "ASD", "mainstream", _, _, _, 2015),
    # 151 days, an exception
    ("B", "2024-02-01", "assess", _, _, _, "2024-07-01", True, "SLCN", "special", _, _, _,
     2012),
    # exactly 140 days: within; exception unknown (not excluded)
    ("C", "2024-03-01", "assess", _, _, _, "2024-07-19", _, "SEMH", "independent_special", _,
     _, _, 2008),
    ("D", "2024-04-01", "not_assess", "2024-05-10", _, _, _, _, _, _, _, _, _, 2016),
    ("E", "2024-05-01", "withdrawn", "2024-05-15", _, _, _, _, _, _, _, _, _, _),
    ("F", "2024-06-03", "assess", "2024-07-01", "no_plan", "2024-10-01", _, _, _, _, _, _, _,
     _),
    ("G", "2024-09-02", "assess", "2024-10-01", _, _, _, _, _, _, _, _, _, _),
    ("H", "2024-12-02", _, _, _, _, _, _, _, _, _, _, _, _),
    # requested in 2023, plan in 2024 after 92 days
    ("I", "2023-11-01", "assess", _, _, _, "2024-02-01", False, "MLD", "resourced", _, _, _,
     2010),
    # plans from another council (no request, no decision)
    ("J", _, _, _, _, _, "2021-03-01", _, "PD", "post16", "2024-06-01", _, _, 2005),
    ("K", _, _, _, _, _, "2019-05-01", _, "ASD", "post16", "2023-05-01", "2024-08-31",
     "max_age", 1999),
    ("L", _, _, _, _, _, "2022-02-01", _, "ASD", "special", _, "2024-03-01", _, 2013),
    ("M", _, _, _, _, _, "2020-01-01", _, "ASD", "special", _, "2023-06-01", "needs_met",
     2012),
    # plan issued before its request: the request date was set to unknown by the cleaner
    ("N", _, "assess", _, _, _, "2024-03-10", _, _, _, _, _, _, _),
    ("O", "2023-01-09", "assess", _, _, _, _, _, _, _, _, _, _, _),
    ("P", _, _, _, _, _, "2023-06-01", _, "ASD", "mainstream", "2023-11-15", _, _, 2014),
    ("Q", _, _, _, _, _, "2022-09-01", _, "HI", "other", "2024-12-31", _, _, 2011),
]


@pytest.fixture
def casework() -> pd.DataFrame:
    frame = pd.DataFrame(ROWS, columns=COLUMNS)
    for column in COLUMNS:
        if column.endswith("_date"):
            frame[column] = pd.to_datetime(frame[column]).dt.date
    frame["birth_cohort"] = frame["birth_cohort"].astype("Int64")
    frame["exception"] = frame["exception"].astype("boolean")
    return frame


def test_activity_2024(casework):
    row = yearly_activity(casework, [2023, 2024]).set_index("year").loc[2024]
    assert row["requests"] == 8  # A..H
    assert row["agreed"] == 5  # A, B, C, F, G
    assert row["refused"] == 1  # D
    assert row["assessments"] == 2  # A, F
    assert row["plans_issued"] == 5  # A, B, C, I, N
    assert (row["timed_plans"], row["within_20"]) == (4, 3)  # A, B, C, I; B took 151 days
    assert (row["timed_plans_ex"], row["within_20_ex"]) == (3, 3)  # B is an exception
    # weeks 92/7, 133/7, 140/7, 151/7; type-7 quartiles
    assert row["weeks_median"] == pytest.approx((133 + 140) / 14)
    assert row["weeks_q1"] == pytest.approx((92 + 0.75 * (133 - 92)) / 7)
    assert row["weeks_q3"] == pytest.approx((140 + 0.25 * (151 - 140)) / 7)


def test_activity_2023_has_no_plans(casework):
    row = yearly_activity(casework, [2023]).iloc[0]
    assert (row["requests"], row["agreed"], row["refused"], row["plans_issued"]) == (2, 2, 0, 0)
    assert pd.isna(row["weeks_median"])


@pytest.mark.parametrize(("when", "expected"), [
    # G 17 weeks, H 4 weeks, O 103 weeks
    (datetime.date(2024, 12, 31), [1, 1, 0, 1, 3]),
    # F 3 weeks, C 17, B 21, O 76
    (datetime.date(2024, 6, 30), [1, 1, 1, 1, 4]),
])
def test_backlog_by_weeks_waited(casework, when, expected):
    table = backlog_table(casework, when)
    assert table["Weeks waited"].tolist() == ["Under 6 weeks", "6 to 19 weeks",
                                              "20 to 51 weeks", "52 weeks or more",
                                              "All waiting"]
    assert table["Children waiting"].tolist() == expected


def test_active_plans_by_age_need_and_setting(casework):
    table = active_plans_table(casework, census_day(2025)).set_index(["Breakdown", "Group"])
    plans = table["Plans"]
    # active on 16 January 2025: A, B, C, I, N, J, P, Q (K, L, M ceased)
    assert plans[("Age band", "All plans")] == 8
    ages = {g: plans[("Age band", g)] for g in ("Under 5", "5 to 10", "11 to 15", "16 to 19",
                                                "20 to 25", "Not known")}
    assert ages == {"Under 5": 0, "5 to 10": 2, "11 to 15": 3, "16 to 19": 2, "20 to 25": 0,
                    "Not known": 1}
    assert plans[("Primary need", "Autistic Spectrum Disorder")] == 2
    assert plans[("Primary need", "Hearing Impairment")] == 1
    assert plans[("Primary need", "Not known")] == 1
    assert plans[("Setting", "Mainstream school")] == 2
    assert plans[("Setting", "Post-16 or further education")] == 1
    assert plans[("Setting", "Other placement")] == 1
    assert plans[("Setting", "All plans")] == plans[("Primary need", "All plans")] == 8


def test_annual_reviews_due_and_done(casework):
    # due: active on 31 December 2024 and begun by 31 December 2023: J, P, Q; done: J, Q
    assert annual_reviews_at(casework, datetime.date(2024, 12, 31)) == {"due": 3, "done": 2}


def test_ceased_by_reason(casework):
    table = ceased_table(casework, [2023, 2024]).set_index(["Calendar year", "Reason"])
    assert table.loc[("2024", "Maximum age reached"), "Plans ceased"] == 1
    assert table.loc[("2024", "Not recorded"), "Plans ceased"] == 1
    assert table.loc[("2024", "All reasons"), "Plans ceased"] == 2
    assert table.loc[("2023", "Needs met without a plan"), "Plans ceased"] == 1
    assert table.loc[("2023", "All reasons"), "Plans ceased"] == 1


def test_january_reconciliation(casework):
    assert january_reconciliation(casework, 2025, 10.0) == {
        "date": datetime.date(2025, 1, 16), "extract": 8, "published": 10, "difference": -2}
    assert january_reconciliation(casework, 2025, None)["difference"] is None
