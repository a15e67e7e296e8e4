"""The pooled growth model on toys whose shrinkage weight is worked by hand.

England grows 10% a year in every toy (100, 110, 121, 133.1). Each council's yearly log growth is
England's plus a deviation ``d``; the weight is sum(x * y) / sum(x * x) over the inner pairs
(origin 2020 -> 2021 and 2022, origin 2021 -> 2022), clipped at 0, where x is the council's mean
deviation up to the origin and y its mean yearly deviation from the origin to the later year.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from jsna.forecast.backtest import backtest
from jsna.forecast.baselines import EnglandTrendGrowth
from jsna.forecast.pooled import PooledGrowth, neighbour_mean

ENGLAND = pd.Series([100.0, 110.0, 121.0, 133.1], index=[2019, 2020, 2021, 2022])


def _councils(deviations: dict[str, list[float]]) -> pd.DataFrame:
    """Councils starting at 100 whose yearly log growth is England's plus ``deviations``."""
    rows = {}
    for code, devs in deviations.items():
        logs = [math.log(100.0)]
        for year, dev in zip([2020, 2021, 2022], devs, strict=True):
            logs.append(logs[-1] + math.log(ENGLAND[year] / ENGLAND[year - 1]) + dev)
        rows[code] = np.exp(logs)
    return pd.DataFrame(rows, index=[2019, 2020, 2021, 2022]).T


def test_deviations_that_persist_get_weight_one():
    runs = _councils({"A": [0.1, 0.1, 0.1], "B": [-0.1, -0.1, -0.1]})
    forecast = PooledGrowth().forecast(runs, ENGLAND, 2023)
    assert forecast.attrs["weights"]["own"] == pytest.approx(1.0)
    assert forecast.attrs["drift"] == pytest.approx(math.log(1.1))
    # A keeps growing 10% x e^0.1 a year
    assert forecast["A"] == pytest.approx(runs.loc["A", 2022] * 1.1 * math.exp(0.1))
    assert forecast["B"] == pytest.approx(runs.loc["B", 2022] * 1.1 * math.exp(-0.1))


def test_deviations_that_reverse_get_weight_zero_so_councils_grow_like_england():
    # A: +0.1, -0.1, +0.1. Pairs for A: (x 0.1, y -0.1), (x 0.1, y 0), (x 0, y 0.1): sum xy < 0
    runs = _councils({"A": [0.1, -0.1, 0.1], "B": [-0.1, 0.1, -0.1]})
    model = PooledGrowth().forecast(runs, ENGLAND, 2025)
    assert model.attrs["weights"]["own"] == 0.0
    england = EnglandTrendGrowth().forecast(runs, ENGLAND, 2025)
    assert model.to_numpy() == pytest.approx(england.to_numpy())
    assert model["A"] == pytest.approx(runs.loc["A", 2022] * 1.1 ** 3)


def test_partial_shrinkage_worked_by_hand():
    # A: 0.2, 0.1, 0.1 (B the mirror image). Pairs for A: origin 2020 (x 0.2) -> y 0.1 and
    # y (0.1 + 0.1) / 2 = 0.1; origin 2021 (x 0.15) -> y 0.1.
    # sum xy = 0.02 + 0.02 + 0.015 = 0.055; sum xx = 0.04 + 0.04 + 0.0225 = 0.1025 (B doubles
    # both), so the weight is 0.055 / 0.1025.
    runs = _councils({"A": [0.2, 0.1, 0.1], "B": [-0.2, -0.1, -0.1]})
    forecast = PooledGrowth().forecast(runs, ENGLAND, 2024)
    weight = 0.055 / 0.1025
    assert forecast.attrs["weights"]["own"] == pytest.approx(weight)
    # A's mean deviation over the history is 0.4 / 3; two years ahead
    expected = runs.loc["A", 2022] * math.exp(2 * (math.log(1.1) + weight * 0.4 / 3))
    assert forecast["A"] == pytest.approx(expected)


def test_neighbour_mean_by_hand():
    values = pd.Series({"A": 0.1, "B": 0.3, "C": -0.2})
    means = neighbour_mean(values, {"A": ["B", "C"], "B": ["A", "Z"], "C": ["Z"]})
    # A: (0.3 - 0.2) / 2; B: only A is known; C: no neighbour with a value -> England's level 0
    assert means.to_dict() == pytest.approx({"A": 0.05, "B": 0.1, "C": 0.0})


def test_neighbours_that_say_nothing_get_no_weight():
    runs = _councils({"A": [0.2, 0.1, 0.1], "B": [-0.2, -0.1, -0.1]})
    with_nb = PooledGrowth(neighbours={}).forecast(runs, ENGLAND, 2024)
    without = PooledGrowth().forecast(runs, ENGLAND, 2024)
    assert with_nb.attrs["weights"] == pytest.approx({"own": 0.055 / 0.1025, "neighbours": 0.0})
    assert with_nb.to_numpy() == pytest.approx(without.to_numpy())


def test_the_model_runs_in_the_harness_with_an_interval():
    runs = _councils({"A": [0.2, 0.1, 0.1], "B": [-0.2, -0.1, -0.1], "C": [0.0, 0.05, 0.0]})
    runs[2023] = runs[2022] * 1.1
    england = pd.concat([ENGLAND, pd.Series({2023: 146.41})])
    result = backtest(runs, england, [PooledGrowth()], fit_end=2022, target=2023)
    row = result.summary.iloc[0]
    assert row["councils"] == 3
    assert row["interval_basis"] == "errors forecasting 2022 from 2021"
    bounds = result.forecasts[["lower", "upper"]]
    assert bounds.notna().all().all() and (bounds["lower"] <= bounds["upper"]).all()
