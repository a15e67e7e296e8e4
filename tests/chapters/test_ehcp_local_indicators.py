"""The SEN2 casework figures as indicator rows: Wilson intervals, and one disclosure control for
the local tables and ``indicators.csv``."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest
from test_ehcp_local import _raw

from jsna.chapters.ehcp_local import casework_indicators, protect_local_sections
from jsna.indicators import casework as cw
from jsna.indicators.comparisons import ComparatorAreas

AREAS = ComparatorAreas("E06000001", "E12000001", "North East", [], "Hartlepool")
ON = datetime.date(2025, 10, 31)


def protected(backlog: list[int]) -> tuple[dict, pd.DataFrame]:
    raw = _raw(backlog)
    tables, rows, _ = protect_local_sections(raw, casework_indicators(raw, ON, AREAS),
                                             threshold=5)
    return tables, rows.set_index(["indicator_id", "period", "breakdown"])


def test_timeliness_reviews_backlog_and_ceased_are_rows_with_wilson_intervals():
    _, rows = protected([10, 20, 30, 40])
    row = rows.loc[(cw.TIMELY, "2023", "All")]
    # 25 of 50 plans: Wilson 95% by hand, centre 0.5, half-width
    # 1.96 * sqrt(0.25/50 + 1.96^2/(4*50^2)) / (1 + 1.96^2/50) = 0.13356
    assert (row["count"], row["denominator"], row["value"]) == (25, 50, 50.0)
    assert row["lower_ci_95"] == pytest.approx(36.64, abs=0.01)
    assert row["upper_ci_95"] == pytest.approx(63.36, abs=0.01)
    assert rows.loc[(cw.TIMELY_EX, "2024", "All"), "value"] == pytest.approx(80.0)  # 40 of 50
    assert rows.loc[(cw.REVIEWED, "31 Oct 2025", "All"), "value"] == pytest.approx(75.0)
    waiting = rows.loc[cw.WAITING].droplevel("period")
    assert waiting["count"].to_dict() == dict(zip(cw.WAIT_BANDS, [10, 20, 30, 40], strict=True))
    assert set(waiting["denominator"]) == {100}
    ceased = rows.loc[(cw.CEASED, "2024")]
    assert ceased.loc["Maximum age reached", "value"] == pytest.approx(100 * 9 / 20)
    assert set(rows["area_code"]) == {"E06000001"} and set(rows["area_name"]) == {"Hartlepool"}


def test_a_small_backlog_band_is_hidden_alike_in_the_table_and_the_indicator_rows():
    tables, rows = protected([3, 20, 30, 40])
    table = tables["backlog"].set_index("Weeks waited")["Children waiting"]
    waiting = rows.loc[cw.WAITING].droplevel("period")
    assert pd.isna(waiting.loc["Under 6 weeks", "count"])
    assert waiting.loc["Under 6 weeks", "note"] == "[c]"
    assert pd.isna(waiting.loc["Under 6 weeks", "value"])
    assert pd.isna(waiting.loc["Under 6 weeks", "lower_ci_95"])
    # the same bands hidden in both (the one hidden as the complement too)
    hidden_in_table = {band for band in cw.WAIT_BANDS if pd.isna(table[band])}
    hidden_in_rows = set(waiting.index[waiting["count"].isna()])
    assert hidden_in_table == hidden_in_rows and len(hidden_in_rows) == 2
    # all waiting minus the published bands leaves at least the threshold
    assert 100 - waiting["count"].sum() >= 5


def test_a_small_number_of_reviews_due_hides_the_rate():
    raw = _raw([10, 20, 30, 40])
    raw["reviews"].loc[0, ["Plans due an annual review", "Reviewed within 12 months"]] = [4, 4]
    tables, rows, audit = protect_local_sections(raw, casework_indicators(raw, ON, AREAS),
                                                 threshold=5)
    row = rows[rows["indicator_id"] == cw.REVIEWED].iloc[0]
    assert pd.isna(row["count"]) and pd.isna(row["denominator"]) and pd.isna(row["value"])
    assert pd.isna(tables["reviews"]["Reviewed within 12 months (%)"].iloc[0])
    assert "indicators" in set(audit["table"])
