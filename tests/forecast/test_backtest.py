"""The back-test harness: scores, intervals and refusals, on the hand-worked toy."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from jsna.errors import JsnaInputError
from jsna.forecast.backtest import backtest, coverage, mape
from jsna.forecast.baselines import LinearTrend, Persistence


def test_mape_and_coverage_by_hand():
    assert mape([90.0, 110.0, 150.0], [100.0, 100.0, 100.0]) == pytest.approx((10 + 10 + 50) / 3)
    # a missing forecast is left out, not counted as zero error
    assert mape([90.0, np.nan], [100.0, 100.0]) == pytest.approx(10.0)
    assert math.isnan(mape([np.nan], [100.0]))
    # ends count as inside; 2 of 3 covered
    assert coverage([90, 90, 90], [110, 110, 110], [90, 110, 111]) == pytest.approx(200 / 3)


def test_persistence_interval_from_the_inner_backtest_worked_by_hand(toy_runs, toy_england):
    """Fit 2019-2021, forecast 2022 (1 year ahead): the inner back-test forecasts 2021 from 2020.

    Inner log errors: A log(120/110), B log(220/200), C log(60/60) = 0. Their 10th and 90th
    percentiles (linear interpolation between order statistics, positions 0.2 and 1.8):
    q10 = 0.2 * log(12/11), q90 = log(12/11) + 0.8 * (log(1.1) - log(12/11)).
    """
    result = backtest(toy_runs, toy_england, [Persistence()], fit_end=2021, target=2022)
    rows = result.forecasts.set_index("area_code")
    q10 = 0.2 * math.log(12 / 11)
    q90 = math.log(12 / 11) + 0.8 * (math.log(1.1) - math.log(12 / 11))
    assert rows["lower"].tolist() == pytest.approx([120 * math.exp(q10), 220 * math.exp(q10),
                                                    60 * math.exp(q10)])
    assert rows["upper"].tolist() == pytest.approx([120 * math.exp(q90), 220 * math.exp(q90),
                                                    60 * math.exp(q90)])
    # A: 122.1..131.8 holds 130; B: 223.9..241.6 holds 240; C: 61.1..65.9 misses 75
    assert rows["covered"].tolist() == [True, True, False]
    summary = result.summary.set_index("method").loc["persistence"]
    assert summary["coverage"] == pytest.approx(200 / 3)
    assert summary["mape"] == pytest.approx((10 / 130 + 20 / 240 + 15 / 75) / 3 * 100)
    assert summary["councils"] == 3
    assert summary["interval_basis"] == "errors forecasting 2021 from 2020"


def test_a_shorter_inner_horizon_widens_the_interval_in_proportion(toy_runs, toy_england):
    """Linear trend, fit 2019-2021, forecast 2023 (2 years): it needs 2 years, so the inner
    back-test can only forecast 2021 from 2019-2020 (1 year) and the log quantiles double."""
    runs = toy_runs.assign(**{"2023": toy_runs[2022]}).rename(columns={"2023": 2023})
    result = backtest(runs, toy_england, [LinearTrend()], fit_end=2021, target=2023)
    # inner: line through 2019, 2020 read at 2021 -> A 120, B 200, C 70
    errors = np.log(np.array([120 / 120, 220 / 200, 60 / 70]))
    q10, q90 = np.quantile(errors, [0.1, 0.9])
    rows = result.forecasts.set_index("area_code")
    # point: A 100,110,120 -> 140 in 2023
    assert rows.loc["E06000001", "forecast"] == pytest.approx(140.0)
    assert rows.loc["E06000001", "lower"] == pytest.approx(140 * math.exp(2 * q10))
    assert rows.loc["E06000001", "upper"] == pytest.approx(140 * math.exp(2 * q90))
    assert "widened x2" in result.summary.loc[0, "interval_basis"]


def test_no_interval_when_the_history_is_too_short(toy_runs, toy_england):
    """Two fitted years: a line can be drawn, but no earlier origin exists to test it from."""
    runs = toy_runs.loc[:, [2020, 2021, 2022]]
    result = backtest(runs, toy_england, [LinearTrend()], fit_end=2021, target=2022)
    assert result.forecasts["lower"].isna().all() and result.forecasts["upper"].isna().all()
    assert math.isnan(result.summary.loc[0, "coverage"])
    assert result.summary.loc[0, "interval_basis"].startswith("none")
    # a line through 110, 120 reads 130 in 2022: the point forecast is still made
    assert result.forecasts.loc[0, "forecast"] == pytest.approx(130.0)


def test_a_method_needing_more_years_than_fitted_is_reported_not_run(toy_runs, toy_england):
    result = backtest(toy_runs.loc[:, [2021, 2022]], toy_england, [LinearTrend(), Persistence()],
                      fit_end=2021, target=2022)
    line = result.summary.set_index("method").loc["linear"]
    assert line["interval_basis"] == "not run: needs 2 fitted Januaries; the history has 1"
    assert line["councils"] == 0 and math.isnan(line["mape"])
    assert set(result.forecasts["method"]) == {"persistence"}


def test_methods_never_see_england_after_the_last_fitted_year(toy_runs, toy_england):
    seen = []

    class Spy(Persistence):
        def forecast(self, history, england, target):
            seen.append(max(england.index))
            return super().forecast(history, england, target)

    backtest(toy_runs, toy_england, [Spy()], fit_end=2020, target=2022)
    assert seen and max(seen) <= 2020


def test_refusals_name_the_problem(toy_runs, toy_england):
    with pytest.raises(JsnaInputError, match="must come after"):
        backtest(toy_runs, toy_england, [Persistence()], fit_end=2022, target=2021)
    with pytest.raises(JsnaInputError, match="January 2024"):
        backtest(toy_runs, toy_england, [Persistence()], fit_end=2021, target=2024)
    with pytest.raises(JsnaInputError, match="for England"):
        backtest(toy_runs, toy_england.loc[2020:], [Persistence()], fit_end=2021, target=2022)


def test_excluded_councils_are_carried_into_the_result(toy_runs, toy_england):
    excluded = pd.DataFrame({"area_code": ["E06000058"], "area_name": ["BCP"],
                             "reason": ["formed in April 2019"]})
    result = backtest(toy_runs, toy_england, [Persistence()], fit_end=2021, target=2022,
                      excluded=excluded)
    assert result.excluded.equals(excluded)
