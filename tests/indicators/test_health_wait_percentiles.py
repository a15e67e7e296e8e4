"""Median and 90th percentile waits as indicator rows, worked by hand, hidden for small lists."""

from __future__ import annotations

import pandas as pd
import pytest

from jsna.indicator_disclosure import indicator_pipeline
from jsna.indicators.catalogue import indicator_catalogue
from jsna.indicators.comparisons import ComparatorAreas
from jsna.indicators.health import (
    MEDIAN_WEEKS,
    OVER_18,
    P90_WEEKS,
    wait_summary_rows,
    waiting_list_rows,
)
from jsna.indicators.table import SUPPRESSED
from tests.chapters.small_config import small_config
from tests.indicators.test_health_waits import DAY, _waits

CAMHS = "Children and young people's mental health services (CAMHS)"
SLT = "Speech and language therapy"
AREAS = ComparatorAreas("Z06000001", "Z15000001", "Demo Region", [], "Demoton")


def test_median_and_90th_percentile_rows_by_hand() -> None:
    rows = wait_summary_rows(_waits(), extract_date=DAY, area_code="Z06000001")
    key = rows.set_index(["indicator_id", "period", "breakdown"])
    # 31 Mar 2025, all services: 7 waits in weeks 0, 1, 4, 18, 18 1/7, 52, 52 1/7.
    # Type 7: median at position 0.5 x 6 = 3 -> 18; 90th at 0.9 x 6 = 5.4 -> 52 + 0.4 x 1/7.
    assert key.loc[(MEDIAN_WEEKS, "31 Mar 2025", "All services"), "value"] == pytest.approx(18)
    assert key.loc[(P90_WEEKS, "31 Mar 2025", "All services"), "value"] == pytest.approx(
        52 + 0.4 / 7)
    assert key.loc[(MEDIAN_WEEKS, "31 Mar 2025", "All services"), "denominator"] == 7
    # CAMHS: 6 waits 0, 4, 18, 18 1/7, 52, 52 1/7: median at 2.5, 90th at 4.5 (halfway)
    assert key.loc[(MEDIAN_WEEKS, "31 Mar 2025", CAMHS), "value"] == pytest.approx(18 + 1 / 14)
    assert key.loc[(P90_WEEKS, "31 Mar 2025", CAMHS), "value"] == pytest.approx(52 + 1 / 14)
    # speech and language therapy: one wait of 7 days
    assert key.loc[(MEDIAN_WEEKS, "31 Mar 2025", SLT), "value"] == pytest.approx(1)
    assert key.loc[(MEDIAN_WEEKS, "31 Mar 2025", SLT), "denominator"] == 1
    # 31 Mar 2024: E (0 days) and G (90 days): median 45 days = 6 3/7 weeks of 2 waits
    assert key.loc[(MEDIAN_WEEKS, "31 Mar 2024", "All services"), "value"] == pytest.approx(
        45 / 7)
    assert rows["count"].isna().all()  # a percentile is not a count


def test_a_percentile_of_fewer_waits_than_the_threshold_is_hidden(tmp_path) -> None:
    config = small_config(tmp_path)  # threshold 5
    waits = _waits()
    rows = waiting_list_rows(waits, extract_date=DAY, area_code="Z06000001")
    spread = wait_summary_rows(waits, extract_date=DAY, area_code="Z06000001")
    out, _ = indicator_pipeline(rows, config=config, areas=AREAS, polarity="Low is good",
                                value_rows=spread)
    key = out.set_index(["indicator_id", "period", "breakdown"])
    whole = key.loc[(MEDIAN_WEEKS, "31 Mar 2025", "All services")]
    assert whole["value"] == pytest.approx(18) and whole["note"] == ""
    assert key.loc[(P90_WEEKS, "31 Mar 2025", "All services"), "value"] == pytest.approx(
        52 + 0.4 / 7)
    # one wait (speech and language therapy) and two (everyone, a year earlier): hidden
    for hidden in ((MEDIAN_WEEKS, "31 Mar 2025", SLT), (P90_WEEKS, "31 Mar 2025", SLT),
                   (MEDIAN_WEEKS, "31 Mar 2024", "All services")):
        assert pd.isna(key.loc[hidden, "value"]) and key.loc[hidden, "note"] == SUPPRESSED
    # CAMHS (6 waits) would give SLT's list away (7 - 6 = 1): its list is hidden as well,
    # and its median and 90th percentile with it
    for indicator in (MEDIAN_WEEKS, P90_WEEKS):
        camhs = key.loc[(indicator, "31 Mar 2025", CAMHS)]
        assert pd.isna(camhs["value"]) == pd.isna(key.loc[(OVER_18, "31 Mar 2025", CAMHS),
                                                           "denominator"])
    assert set(out["indicator_id"]) <= set(indicator_catalogue()["indicator_id"])
