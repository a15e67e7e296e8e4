"""Baselines on a 3-council, 4-year toy: every forecast and MAPE worked by hand here.

Toy (fixtures): A 100, 110, 120, 130; B 200, 200, 220, 240; C 50, 60, 60, 75;
England 1000, 1100, 1200, 1400. Fit on 2019-2021, forecast January 2022.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from jsna.forecast.backtest import mape
from jsna.forecast.baselines import (
    EnglandGrowth,
    EnglandTrendGrowth,
    LinearTrend,
    Persistence,
    PrevalenceTimesProjection,
)


def _fit(runs: pd.DataFrame) -> pd.DataFrame:
    return runs.loc[:, [2019, 2020, 2021]]


def test_persistence_carries_the_last_value(toy_runs, toy_england):
    forecast = Persistence().forecast(_fit(toy_runs), toy_england.loc[:2021], 2022)
    assert forecast.tolist() == [120.0, 220.0, 60.0]
    # |120-130|/130, |220-240|/240, |60-75|/75
    by_hand = (10 / 130 + 20 / 240 + 15 / 75) / 3 * 100
    assert mape(forecast, toy_runs[2022]) == pytest.approx(by_hand)
    assert by_hand == pytest.approx(12.0085, abs=1e-4)


def test_linear_trend_extends_the_least_squares_line(toy_runs, toy_england):
    forecast = LinearTrend().forecast(_fit(toy_runs), toy_england.loc[:2021], 2022)
    # A: exact line +10 a year -> 130. B: mean 206.67, slope (220-200)/2 = 10 -> 206.67 + 20.
    # C: mean 56.67, slope (60-50)/2 = 5 -> 56.67 + 10.
    assert forecast.tolist() == pytest.approx([130.0, 620 / 3 + 20, 170 / 3 + 10])
    by_hand = (0 + (240 - 680 / 3) / 240 + (75 - 200 / 3) / 75) / 3 * 100
    assert mape(forecast, toy_runs[2022]) == pytest.approx(by_hand)
    assert by_hand == pytest.approx(5.5556, abs=1e-4)


def test_england_growth_uses_englands_published_growth(toy_runs, toy_england):
    method = EnglandGrowth(toy_england)
    forecast = method.forecast(_fit(toy_runs), toy_england.loc[:2021], 2022)
    # England grew 1200 -> 1400 (x 7/6): 120 x 7/6 = 140, 220 x 7/6, 60 x 7/6 = 70
    assert forecast.tolist() == pytest.approx([140.0, 220 * 7 / 6, 70.0])
    by_hand = (10 / 130 + (220 * 7 / 6 - 240) / 240 + 5 / 75) / 3 * 100
    assert mape(forecast, toy_runs[2022]) == pytest.approx(by_hand)
    assert by_hand == pytest.approx(7.1011, abs=1e-4)


def test_england_trend_growth_compounds_englands_past_yearly_growth(toy_runs, toy_england):
    # England 1000 -> 1200 over two years: sqrt(1.2) a year; one year ahead
    forecast = EnglandTrendGrowth().forecast(_fit(toy_runs), toy_england.loc[:2021], 2022)
    assert forecast.tolist() == pytest.approx([120 * math.sqrt(1.2), 220 * math.sqrt(1.2),
                                               60 * math.sqrt(1.2)])
    three_ahead = EnglandTrendGrowth().forecast(_fit(toy_runs), toy_england.loc[:2021], 2024)
    assert three_ahead.iloc[0] == pytest.approx(120 * 1.2 ** 1.5)


def test_england_trend_growth_never_reads_england_after_the_origin(toy_runs, toy_england):
    shown = toy_england.loc[:2021]
    assert 2022 not in shown.index
    EnglandTrendGrowth().forecast(_fit(toy_runs), shown, 2022)  # no KeyError: 2022 not needed


def test_prevalence_times_projection(toy_runs, toy_england):
    population = pd.DataFrame({2021: [1000.0, 2000.0], 2022: [1100.0, 1900.0]},
                              index=["E06000001", "E06000002"])
    forecast = PrevalenceTimesProjection(population).forecast(
        _fit(toy_runs), toy_england.loc[:2021], 2022)
    # A: 120/1000 x 1100 = 132; B: 220/2000 x 1900 = 209; C has no population: no forecast
    assert forecast.iloc[:2].tolist() == pytest.approx([132.0, 209.0])
    assert math.isnan(forecast.iloc[2])
    # MAPE over the two councils forecast: |132-130|/130, |209-240|/240
    assert mape(forecast, toy_runs[2022]) == pytest.approx((2 / 130 + 31 / 240) / 2 * 100)


def test_prevalence_without_the_target_year_forecasts_nothing(toy_runs, toy_england):
    population = pd.DataFrame({2021: [1000.0, 2000.0, 500.0]}, index=toy_runs.index)
    forecast = PrevalenceTimesProjection(population).forecast(
        _fit(toy_runs), toy_england.loc[:2021], 2022)
    assert forecast.isna().all()


def test_prevalence_has_no_interval_without_a_population_for_the_inner_origin(toy_runs,
                                                                             toy_england):
    from jsna.forecast.backtest import backtest

    population = pd.DataFrame({2021: [1000.0, 2000.0, 500.0], 2022: [1100.0, 1900.0, 600.0]},
                              index=toy_runs.index)
    result = backtest(toy_runs, toy_england, [PrevalenceTimesProjection(population)],
                      fit_end=2021, target=2022)
    # points are made (60 / 500 x 600 = 72 for C), but nothing to learn the interval from 2020
    assert result.forecasts["forecast"].tolist() == pytest.approx([132.0, 209.0, 72.0])
    assert result.summary.loc[0, "interval_basis"] == "none: no council could be forecast from 2020"
