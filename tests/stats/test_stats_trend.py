"""Fingertips recent-trend test on hand-worked five-point series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.stats import (
    CHI2_THRESHOLD,
    add_recent_trend,
    proportion_trend_chi2,
    recent_trend,
    recent_trend_from_ci,
)

DENOMINATORS = [1000] * 5


def test_threshold_is_the_998_point_of_chi_squared_on_one_df() -> None:
    # 3.090232^2 = 9.549536
    assert CHI2_THRESHOLD == pytest.approx(9.5495, abs=1e-4)


def test_hand_worked_chi_squared_just_below_threshold() -> None:
    # O = 100, 110, 120, 130, 140 of N_t = 1000; t = 1..5.
    # N = 5000, O = 600, sum(O_t t) = 100 + 220 + 360 + 520 + 700 = 1900,
    # sum(N_t t) = 15000, sum(N_t t^2) = 55000.
    # numerator   = N (N sum(O_t t) - O sum(N_t t))^2 = 5000 x (9,500,000 - 9,000,000)^2
    #             = 5000 x 2.5e11 = 1.25e15
    # denominator = O (N - O) (N sum(N_t t^2) - sum(N_t t)^2) = 600 x 4400 x 5e7 = 1.32e14
    # chi2 = 9.4697 < 9.5495 -> no significant change
    counts = [100, 110, 120, 130, 140]
    chi2 = proportion_trend_chi2(np.array([counts]), np.array([DENOMINATORS]))[0]
    assert chi2 == pytest.approx(1.25e15 / 1.32e14)
    assert recent_trend(counts, DENOMINATORS) == "No significant change"


def test_hand_worked_significant_increase_and_decrease() -> None:
    # O = 100, 115, 130, 145, 160: O = 650, sum(O_t t) = 100 + 230 + 390 + 580 + 800 = 2100,
    # numerator = 5000 x (10,500,000 - 9,750,000)^2 = 2.8125e15,
    # denominator = 650 x 4350 x 5e7 = 1.41375e14, chi2 = 19.894 > 9.5495; the log-odds rise
    # on all five points and on every four-point subset -> Increasing.
    counts = [100, 115, 130, 145, 160]
    chi2 = proportion_trend_chi2(np.array([counts]), np.array([DENOMINATORS]))[0]
    assert chi2 == pytest.approx(2.8125e15 / 1.41375e14)
    assert recent_trend(counts, DENOMINATORS) == "Increasing"
    # The same series reversed has the same statistic and falls -> Decreasing.
    assert recent_trend(counts[::-1], DENOMINATORS) == "Decreasing"


def test_drop_one_check_rejects_a_trend_made_by_one_point() -> None:
    # O = 120, 110, 100, 90, 250: O = 670, sum(O_t t) = 120 + 220 + 300 + 360 + 1250 = 2250,
    # numerator = 5000 x (11,250,000 - 10,050,000)^2 = 7.2e15,
    # denominator = 670 x 4330 x 5e7 = 1.45055e14, chi2 = 49.64 (significant), but without the
    # last point the series falls: the direction is not robust -> no significant change.
    counts = [120, 110, 100, 90, 250]
    chi2 = proportion_trend_chi2(np.array([counts]), np.array([DENOMINATORS]))[0]
    assert chi2 == pytest.approx(7.2e15 / 1.45055e14)
    assert chi2 > CHI2_THRESHOLD
    assert recent_trend(counts, DENOMINATORS) == "No significant change"


def test_only_the_last_five_points_are_used() -> None:
    # A huge early value outside the window does not matter.
    counts = [900, 100, 115, 130, 145, 160]
    assert recent_trend(counts, [1000] * 6) == "Increasing"


def test_cannot_be_calculated() -> None:
    assert recent_trend([1, 2, 3, 4], [10] * 4) == "Cannot be calculated"
    assert recent_trend([0, 2, 3, 4, 5], [10] * 5) == "Cannot be calculated"
    assert recent_trend([1, 2, np.nan, 4, 5], [10] * 5) == "Cannot be calculated"


def test_hand_worked_value_trend_from_confidence_intervals() -> None:
    # Values 10, 12, 14, 16, 18 with 95% limits +/- 1.96 (se = 3.92 / 3.92 = 1, weight 1):
    # S1 = 5, S3 = sum(t) = 15, S5 = sum(t^2) = 55, slope = 2,
    # se(slope) = sqrt(S1 / (S1 S5 - S3^2)) = sqrt(5 / 50) = 0.31623, chi2 = (2 / 0.31623)^2 = 40.
    values = np.array([10, 12, 14, 16, 18], dtype=float)
    assert recent_trend_from_ci(values, values - 1.96, values + 1.96) == "Increasing"
    # With se = 5 (weight 1/25): se(slope) = sqrt(0.2 / (0.2 x 2.2 - 0.6^2)) = sqrt(2.5),
    # chi2 = 4 / 2.5 = 1.6 -> no significant change.
    assert recent_trend_from_ci(values, values - 9.8, values + 9.8) == "No significant change"


def test_add_recent_trend_on_the_long_table() -> None:
    periods = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24", "2024/25"]
    rising = pd.DataFrame(
        {
            "indicator_id": "ind",
            "area_code": "A",
            "breakdown": "All",
            "period": periods,
            "count": [90, 100, 115, 130, 145, 160],
            "denominator": 1000,
        }
    )
    gap = rising.assign(area_code="B").drop(index=3)  # 2022/23 missing: a break in the series
    table = pd.concat([gap, rising], ignore_index=True).sample(frac=1, random_state=1)
    out = add_recent_trend(table).sort_values(["area_code", "period"])
    a = out[out["area_code"] == "A"]["recent_trend"].tolist()
    assert a[:4] == ["Cannot be calculated"] * 4
    # 2023/24 window 90..145: chi2 for O = 90,100,115,130,145 is well above 9.55 -> Increasing
    assert a[4:] == ["Increasing", "Increasing"]
    b = out[out["area_code"] == "B"]["recent_trend"].tolist()
    assert b == ["Cannot be calculated"] * 5
