"""Choosing the method to trust and forecasting ahead with it, on the hand-worked toy."""

from __future__ import annotations

import math

import numpy as np
import pytest

from jsna.forecast.backtest import backtest
from jsna.forecast.baselines import EnglandGrowth, LinearTrend, Persistence
from jsna.forecast.projection import choose_method, forecast_ahead


def test_the_best_usable_method_is_chosen_never_the_one_knowing_englands_outcome(toy_runs,
                                                                                 toy_england):
    # fit 2019-2021, forecast 2022: persistence 12.0%, linear 5.6%, England's growth 7.1%
    methods = [Persistence(), EnglandGrowth(toy_england), LinearTrend()]
    result = backtest(toy_runs, toy_england, methods, fit_end=2021, target=2022)
    assert choose_method(result, methods).key == "linear"
    # without the linear trend, England's growth (7.1%) beats persistence but is not usable
    result = backtest(toy_runs, toy_england, methods[:2], fit_end=2021, target=2022)
    assert choose_method(result, methods[:2]).key == "persistence"


def test_forecast_ahead_by_hand(toy_runs, toy_england):
    """Linear trend on 2019-2022, two Januaries ahead; the interval of 2023 comes from the
    errors forecasting 2022 from the line through 2019-2021 (1 year), that of 2024 from
    forecasting 2022 from the line through 2019-2020 (2 years)."""
    frame = forecast_ahead(toy_runs, toy_england, LinearTrend(), years_ahead=2)
    a = frame[frame["area_code"] == "E06000001"].set_index("year")
    assert a["forecast"].tolist() == pytest.approx([140.0, 150.0])  # +10 a year
    # 2023 interval: inner lines to 2022 -> A 130 (exact), B 680/3, C 200/3
    errors = np.log([130 / 130, 240 / (680 / 3), 75 / (200 / 3)])
    q10, q90 = np.quantile(errors, [0.1, 0.9])
    assert a.loc[2023, "lower"] == pytest.approx(140 * math.exp(q10))
    assert a.loc[2023, "upper"] == pytest.approx(140 * math.exp(q90))
    # 2024 interval: inner lines through 2019-2020 read at 2022 -> A 130, B 200, C 80
    errors = np.log([130 / 130, 240 / 200, 75 / 80])
    q10, q90 = np.quantile(errors, [0.1, 0.9])
    assert a.loc[2024, "lower"] == pytest.approx(150 * math.exp(q10))
    assert a.loc[2024, "upper"] == pytest.approx(150 * math.exp(q90))
    assert len(frame) == 6
