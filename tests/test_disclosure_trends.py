"""The recent trend is given only where the five points it rests on are all published.

Hand-worked: the trend is computed before disclosure control (it needs the counts), so a row whose
earlier years are then hidden would still carry a label derived from the hidden counts.
"""

from __future__ import annotations

import pandas as pd

from jsna.disclosure import SUPPRESSED
from jsna.indicator_disclosure import suppress_indicators
from jsna.indicators.comparisons import ComparatorAreas, add_statistics
from jsna.stats.trend import CANNOT, INCREASING

PERIODS = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24", "2024/25"]
AREAS = ComparatorAreas("Z06000001", "E12000001", "North East", [], "Demo")


def _series(area_code: str, area_type: str, counts: list[float], denominator: float,
            periods: list[str] = PERIODS) -> pd.DataFrame:
    return pd.DataFrame({"indicator_id": "ehcp_percent", "area_code": area_code,
                         "area_name": area_code, "area_type": area_type, "period": periods,
                         "breakdown": "All", "count": counts, "denominator": denominator})


def test_a_trend_resting_on_a_hidden_count_cannot_be_calculated() -> None:
    # The council: 3 of 1,000 in 2019/20 (hidden, below 5), then 100, 115, 130, 145, 160.
    # Before disclosure, 2023/24's window is 3, 100, 115, 130, 145 of 1,000 each:
    # N = 5000, O = 493, sum(O_t t) = 3 + 200 + 345 + 520 + 725 = 1793, sum(N_t t) = 15000,
    # chi2 = 5000 (5000 x 1793 - 493 x 15000)^2 / (493 x 4507 x (5000 x 55000 - 15000^2))
    #      = 5000 x 1,570,000^2 / (493 x 4507 x 5e7) = 110.9 > 9.55, rising on every subset:
    # "Increasing", derived from the hidden 3. After disclosure it must say it cannot be
    # calculated. 2024/25's window (100..160, chi2 = 19.9) holds no hidden count: "Increasing".
    council = _series("Z06000001", "Local authority", [3, 100, 115, 130, 145, 160], 1000)
    england = _series("E92000001", "England", [3000, 3100, 3200, 3300, 3400, 3500], 100000)
    before = add_statistics(pd.concat([council, england], ignore_index=True), AREAS)
    mine = before[before["area_code"] == "Z06000001"].set_index("period")
    assert mine.loc["2023/24", "recent_trend"] == INCREASING  # the label the fix withdraws

    published, _ = suppress_indicators(before, council_code="Z06000001")
    mine = published[published["area_code"] == "Z06000001"].set_index("period")
    assert mine.loc["2019/20", "note"] == SUPPRESSED
    assert pd.isna(mine.loc["2019/20", "recent_trend"]) or mine.loc["2019/20", "recent_trend"] == ""
    assert mine.loc["2023/24", "recent_trend"] == CANNOT
    assert mine.loc["2024/25", "recent_trend"] == INCREASING
    # England's rows are published by DfE and keep their labels
    theirs = published[published["area_code"] == "E92000001"].set_index("period")
    assert theirs.loc["2023/24", "recent_trend"] == before.set_index(
        ["area_code", "period"]).loc[("E92000001", "2023/24"), "recent_trend"]


def test_a_count_hidden_to_protect_another_withdraws_its_series_trend() -> None:
    # Two wards make the council. In 2020/21 ward W1 has 3 (primary); one more count of that
    # year is hidden so that council - W2 cannot give it. Whichever series loses its 2020/21
    # point, its 2024/25 trend (window 2020/21..2024/25) cannot be calculated; the other
    # series' trends stand.
    periods = PERIODS[1:]
    w1 = _series("W1", "Ward", [3, 20, 20, 20, 20], 100, periods)
    w2 = _series("W2", "Ward", [100, 115, 130, 145, 160], 1000, periods)
    council = _series("Z06000001", "Local authority", [103, 135, 150, 165, 180], 1100, periods)
    before = add_statistics(pd.concat([council, w1, w2], ignore_index=True), AREAS)
    labels_before = before.set_index(["area_code", "period"])["recent_trend"]
    assert labels_before[("W2", "2024/25")] == INCREASING
    published, _ = suppress_indicators(before, council_code="Z06000001")
    by_area = published.set_index(["area_code", "period"])
    hidden_2020 = [area for area in ("Z06000001", "W1", "W2")
                   if by_area.loc[(area, "2020/21"), "note"] == SUPPRESSED]
    assert "W1" in hidden_2020 and len(hidden_2020) >= 2
    for area in ("Z06000001", "W2"):
        label = by_area.loc[(area, "2024/25"), "recent_trend"]
        if area in hidden_2020:
            assert label == CANNOT
        else:
            assert label == labels_before[(area, "2024/25")]
