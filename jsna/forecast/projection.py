"""Forecasting the years ahead with the method the back-test trusts most.

The back-test (:mod:`jsna.forecast.backtest`) scores every method on years already published;
:func:`choose_method` takes the one with the lowest error among those that could really have been
used (never the baseline that is given England's outcome), and :func:`forecast_ahead` uses it on
the whole published history to forecast the Januaries to come, with intervals made the same way
as in the back-test (from the method's own errors inside the history).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from jsna.errors import JsnaInputError
from jsna.forecast.backtest import BacktestResult, interval_from_inner_backtest
from jsna.forecast.baselines import EnglandGrowth, ForecastMethod

#: Columns of :func:`forecast_ahead`.
FORECAST_COLUMNS = ["area_code", "year", "forecast", "lower", "upper"]


def choose_method(result: BacktestResult, methods: Sequence[ForecastMethod]) -> ForecastMethod:
    """The method with the lowest back-test MAPE that can forecast the future.

    Parameters
    ----------
    result : BacktestResult
        A back-test of ``methods``.
    methods : sequence of ForecastMethod
        The methods back-tested. :class:`~jsna.forecast.baselines.EnglandGrowth` is never
        chosen: it is given England's outcome, which is not known for the years ahead.

    Returns
    -------
    ForecastMethod

    Raises
    ------
    JsnaInputError
        When no usable method has a score.
    """
    usable = {m.key: m for m in methods if not isinstance(m, EnglandGrowth)}
    scored = result.summary[result.summary["method"].isin(usable) & result.summary["mape"].notna()]
    if scored.empty:
        raise JsnaInputError("no forecasting method could be scored in the back-test")
    best = scored.sort_values(["mape", "method"], kind="stable").iloc[0]
    return usable[str(best["method"])]


def forecast_ahead(
    runs: pd.DataFrame,
    england: pd.Series,
    method: ForecastMethod,
    *,
    years_ahead: int,
    level: float = 0.8,
) -> pd.DataFrame:
    """Forecast every council for each of the next ``years_ahead`` Januaries.

    Parameters
    ----------
    runs : DataFrame
        Councils x consecutive years up to the last published January (values above zero).
    england : Series
        England by year, up to the last published January at least.
    method : ForecastMethod
        The method (e.g. from :func:`choose_method`).
    years_ahead : int
        How many Januaries to forecast (1 or more).
    level : float
        Nominal interval coverage.

    Returns
    -------
    DataFrame
        Columns :data:`FORECAST_COLUMNS`, one row per council and future January; ``lower`` and
        ``upper`` are NaN when the history is too short for an inner back-test.
    """
    origin = int(max(runs.columns))
    shown = england.loc[[y for y in england.index if y <= origin]]
    parts = []
    for target in range(origin + 1, origin + years_ahead + 1):
        point = method.forecast(runs, shown, target)
        lower, upper, _ = interval_from_inner_backtest(method, runs, shown, point, target, level)
        parts.append(pd.DataFrame({"area_code": runs.index, "year": target,
                                   "forecast": point.to_numpy(), "lower": lower.to_numpy(),
                                   "upper": upper.to_numpy()}))
    return pd.concat(parts, ignore_index=True)[FORECAST_COLUMNS]
