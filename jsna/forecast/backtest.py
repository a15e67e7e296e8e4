"""Back-testing forecasts: fit on years up to T, forecast a later January, score against it.

For every method the harness records, per council, the point forecast, an interval and the
outcome, and summarises the mean absolute percentage error (MAPE) and the share of outcomes
inside the intervals (coverage).

Intervals
---------
Every method gets its interval the same way, from its own past errors across councils and never
from the outcome being forecast: an *inner* back-test inside the fitted years forecasts the last
fitted year from an earlier origin (as far back as the method's history needs allow, at most the
real horizon), and the quantiles of the log errors ``log(outcome / forecast)`` across councils
give the interval, scaled by ``horizon / inner horizon`` when the inner horizon is shorter. An
80% interval uses the 10th and 90th percentiles. The errors of one inner origin share one national
year, so a national shock unlike any in the history is not allowed for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.errors import JsnaInputError
from jsna.forecast.baselines import (
    EnglandGrowth,
    EnglandTrendGrowth,
    ForecastMethod,
    LinearTrend,
    Persistence,
    PrevalenceTimesProjection,
)
from jsna.forecast.pooled import PooledGrowth
from jsna.forecast.series import AGE_BANDS, england_series, full_runs, read_plans_series

#: Years ahead forecast when no target year is asked for (issue 19: fit up to 2022, forecast 2025).
DEFAULT_HORIZON = 3

#: Columns of :attr:`BacktestResult.summary`.
SUMMARY_COLUMNS = ["method", "label", "councils", "mape", "median_ape", "coverage",
                   "interval_basis"]


@dataclass(frozen=True)
class BacktestResult:
    """What a back-test found.

    Attributes
    ----------
    forecasts : DataFrame
        One row per method and council: ``method, area_code, area_name, forecast, lower,
        upper, actual, ape`` (absolute percentage error) and ``covered``.
    summary : DataFrame
        One row per method, columns :data:`SUMMARY_COLUMNS` (``mape``, ``median_ape`` and
        ``coverage`` in percent).
    excluded : DataFrame
        ``area_code, area_name, reason``: councils left out (no full run).
    fit_end, target : int
        Fitted on Januaries up to ``fit_end``; forecast January ``target``.
    first_year : int
        The first January of the fitted history.
    level : float
        Nominal coverage of the intervals (0.8).
    """

    forecasts: pd.DataFrame
    summary: pd.DataFrame
    excluded: pd.DataFrame
    first_year: int
    fit_end: int
    target: int
    level: float


def mape(forecast: pd.Series | np.ndarray, actual: pd.Series | np.ndarray) -> float:
    """Mean absolute percentage error, in percent: ``100 * mean(|forecast - actual| / actual)``.

    Parameters
    ----------
    forecast, actual : array-like
        Aligned forecasts and outcomes (outcomes above zero); pairs with a missing value are
        left out.

    Returns
    -------
    float
        NaN when no pair is complete.
    """
    f, a = np.asarray(forecast, dtype=float), np.asarray(actual, dtype=float)
    keep = ~(np.isnan(f) | np.isnan(a))
    if not keep.any():
        return float("nan")
    return float(np.mean(np.abs(f[keep] - a[keep]) / a[keep]) * 100)


def coverage(lower: pd.Series | np.ndarray, upper: pd.Series | np.ndarray,
             actual: pd.Series | np.ndarray) -> float:
    """Share of outcomes inside their intervals (ends included), in percent.

    Parameters
    ----------
    lower, upper, actual : array-like
        Aligned interval ends and outcomes; rows with a missing value are left out.

    Returns
    -------
    float
        NaN when no row is complete.
    """
    lo, hi = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    a = np.asarray(actual, dtype=float)
    keep = ~(np.isnan(lo) | np.isnan(hi) | np.isnan(a))
    if not keep.any():
        return float("nan")
    inside = (lo[keep] <= a[keep]) & (a[keep] <= hi[keep])
    return float(inside.mean() * 100)


def interval_from_inner_backtest(
    method: ForecastMethod,
    fit: pd.DataFrame,
    england: pd.Series,
    point: pd.Series,
    target: int,
    level: float,
) -> tuple[pd.Series, pd.Series, str]:
    """An interval around ``point`` from the method's own errors inside the fitted years.

    Parameters
    ----------
    method : ForecastMethod
        The method.
    fit : DataFrame
        Councils x fitted years (up to the origin).
    england : Series
        England by year up to the origin.
    point : Series
        The method's forecasts for ``target``.
    target : int
        The January forecast.
    level : float
        Nominal coverage, e.g. 0.8.

    Returns
    -------
    lower, upper : Series
        Interval ends by council (NaN when the history is too short for an inner back-test).
    basis : str
        How the interval was made, for the reader.
    """
    first, origin = int(min(fit.columns)), int(max(fit.columns))
    horizon = target - origin
    inner_horizon = min(horizon, origin - (first + method.min_years - 1))
    empty = pd.Series(np.nan, index=point.index)
    if inner_horizon < 1:
        return empty, empty.copy(), "none: history too short for an inner back-test"
    inner_origin = origin - inner_horizon
    inner = method.forecast(fit.loc[:, :inner_origin], england.loc[:inner_origin], origin)
    ratios = (fit[origin].astype(float) / inner).to_numpy(dtype=float)
    errors = np.log(ratios[~np.isnan(ratios)])
    if errors.size == 0:
        return empty, empty.copy(), f"none: no council could be forecast from {inner_origin}"
    low_q, high_q = np.quantile(errors, [(1 - level) / 2, (1 + level) / 2])
    scale = horizon / inner_horizon
    lower = point * np.exp(low_q * scale)
    upper = point * np.exp(high_q * scale)
    basis = f"errors forecasting {origin} from {inner_origin}"
    if scale != 1:
        basis += f", widened x{scale:g} for the {horizon}-year horizon"
    return lower, upper, basis


def backtest(
    runs: pd.DataFrame,
    england: pd.Series,
    methods: Sequence[ForecastMethod],
    *,
    fit_end: int,
    target: int,
    level: float = 0.8,
    excluded: pd.DataFrame | None = None,
) -> BacktestResult:
    """Fit every method on Januaries up to ``fit_end`` and score its forecasts of ``target``.

    Parameters
    ----------
    runs : DataFrame
        Councils x consecutive years (values above zero), including ``fit_end`` and ``target``
        (e.g. from :func:`jsna.forecast.series.full_runs`); ``attrs["names"]`` optional.
    england : Series
        England by year; only years up to ``fit_end`` are shown to the methods.
    methods : sequence of ForecastMethod
        The methods, in the order of the summary.
    fit_end, target : int
        Last fitted January and the January forecast (``target > fit_end``).
    level : float
        Nominal interval coverage.
    excluded : DataFrame, optional
        Councils left out of ``runs`` and why (carried into the result).

    Returns
    -------
    BacktestResult

    Raises
    ------
    JsnaInputError
        When the years asked for are not in ``runs``/``england`` or ``target <= fit_end``.

    Notes
    -----
    A method that needs more fitted Januaries than there are is not run: its summary row says
    so and has no scores.
    """
    years = [int(y) for y in runs.columns]
    if target <= fit_end:
        raise JsnaInputError(f"back-test: the target January ({target}) must come after the "
                             f"last fitted January ({fit_end})")
    missing = [y for y in (fit_end, target) if y not in years]
    missing_england = [y for y in years if y <= fit_end and y not in england.index]
    if missing or missing_england:
        raise JsnaInputError(
            "back-test: no values for January "
            + ", ".join(map(str, missing or missing_england))
            + (" in the councils' series" if missing else " for England")
        )
    fit = runs.loc[:, [y for y in years if y <= fit_end]]
    actual = runs[target].astype(float)
    shown_england = england.loc[[y for y in england.index if y <= fit_end]]
    names = runs.attrs.get("names", {})
    parts, summary = [], []
    for method in methods:
        if fit.shape[1] < method.min_years:
            summary.append({
                "method": method.key, "label": method.label, "councils": 0, "mape": np.nan,
                "median_ape": np.nan, "coverage": np.nan,
                "interval_basis": f"not run: needs {method.min_years} fitted Januaries; the "
                                  f"history has {fit.shape[1]}"})
            continue
        point = method.forecast(fit, shown_england, target).reindex(runs.index)
        lower, upper, basis = interval_from_inner_backtest(
            method, fit, shown_england, point, target, level)
        frame = pd.DataFrame({
            "method": method.key,
            "area_code": runs.index,
            "area_name": [names.get(code, "") for code in runs.index],
            "forecast": point.to_numpy(),
            "lower": lower.to_numpy(),
            "upper": upper.to_numpy(),
            "actual": actual.to_numpy(),
        })
        frame["ape"] = (frame["forecast"] - frame["actual"]).abs() / frame["actual"] * 100
        frame["covered"] = (frame["lower"] <= frame["actual"]) & (frame["actual"] <= frame["upper"])
        parts.append(frame)
        scored = frame["forecast"].notna()
        summary.append({
            "method": method.key,
            "label": method.label,
            "councils": int(scored.sum()),
            "mape": mape(frame["forecast"], frame["actual"]),
            "median_ape": float(frame.loc[scored, "ape"].median()) if scored.any() else np.nan,
            "coverage": coverage(frame["lower"], frame["upper"], frame["actual"]),
            "interval_basis": basis,
        })
    return BacktestResult(
        forecasts=pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
            columns=["method", "area_code", "area_name", "forecast", "lower", "upper", "actual",
                     "ape", "covered"]),
        summary=pd.DataFrame(summary, columns=SUMMARY_COLUMNS),
        excluded=excluded if excluded is not None else pd.DataFrame(
            columns=["area_code", "area_name", "reason"]),
        first_year=years[0],
        fit_end=fit_end,
        target=target,
        level=level,
    )


def standard_methods(
    england_published: pd.Series,
    *,
    neighbours: Mapping[str, Sequence[str]] | None = None,
    population: pd.DataFrame | None = None,
) -> list[ForecastMethod]:
    """The baselines of issue 19 and the pooled model, in the order they are reported.

    Parameters
    ----------
    england_published : Series
        England by year including the target (for the "knows England's outcome" baseline).
    neighbours : mapping, optional
        Council code -> statistical neighbours, for the pooled model.
    population : DataFrame, optional
        Population by council and year (estimates and a projection): adds the prevalence x
        projection baseline.

    Returns
    -------
    list of ForecastMethod
    """
    methods: list[ForecastMethod] = [
        Persistence(),
        LinearTrend(),
        EnglandGrowth(england_published),
        EnglandTrendGrowth(),
    ]
    if population is not None:
        methods.append(PrevalenceTimesProjection(population))
    methods.append(PooledGrowth(neighbours))
    return methods


def backtest_plans(
    source: str | Path | pd.DataFrame,
    *,
    first_year: int | None = None,
    fit_end: int | None = None,
    target: int | None = None,
    level: float = 0.8,
    neighbours: Mapping[str, Sequence[str]] | None = None,
    population: pd.DataFrame | None = None,
) -> BacktestResult:
    """Back-test every method on DfE's EHC plans by council (the SEN2 caseload file).

    Councils need a value in every January from ``first_year`` to ``target``; the others
    (reorganised councils, gaps) are listed in ``excluded`` with the reason.

    Parameters
    ----------
    source : str, Path or DataFrame
        DfE's SEN2 ``caseload.csv``, or the tidy series already read from it
        (:func:`jsna.forecast.series.read_plans_series`).
    first_year : int, optional
        First fitted January (default: England's first).
    fit_end : int, optional
        Last fitted January (default: ``target`` - :data:`DEFAULT_HORIZON`).
    target : int, optional
        The January forecast (default: England's last).
    level : float
        As in :func:`backtest`.
    neighbours : mapping, optional
        Statistical neighbours for the pooled model.
    population : DataFrame, optional
        Population estimates and projection by council and year.

    Returns
    -------
    BacktestResult
        Raises :class:`~jsna.errors.JsnaInputError` when no council has a full run over the
        years asked for, or the years are out of order.
    """
    series = source if isinstance(source, pd.DataFrame) else read_plans_series(source)
    where = series.attrs.get("path", "the series")
    england = england_series(series)
    target = int(england.index.max()) if target is None else target
    first_year = int(england.index.min()) if first_year is None else first_year
    fit_end = target - DEFAULT_HORIZON if fit_end is None else fit_end
    if not first_year < fit_end < target:
        raise JsnaInputError(
            f"{where}: the back-test needs first fitted January < last fitted January < "
            f"January forecast; got {first_year}, {fit_end}, {target}")
    runs, excluded = full_runs(series, first_year, target)
    if runs.empty:
        raise JsnaInputError(f"{where}: no council has EHC plans in every January "
                             f"{first_year}-{target}")
    methods = standard_methods(england, neighbours=neighbours, population=population)
    return backtest(runs, england, methods, fit_end=fit_end, target=target, level=level,
                    excluded=excluded)


def backtest_by_age(
    series: pd.DataFrame,
    *,
    first_year: int,
    fit_end: int,
    target: int,
    level: float = 0.8,
) -> BacktestResult:
    """Back-test every method on EHC plans by council and age band.

    Each age band is back-tested on its own (councils of the band against England's same band:
    England's growth for the under-5s is not its growth for the over-16s), then the bands are
    pooled: the ``"All ages"`` summary rows score every council and band together. Councils need
    a value in every fitted January and in the target January (years in between may be absent,
    as 2023 is between DfE's older and newer age files).

    Parameters
    ----------
    series : DataFrame
        A tidy series with ``age_band`` (:func:`jsna.forecast.series.read_plans_by_age`).
    first_year, fit_end, target : int
        First and last fitted Januaries, and the January forecast.
    level : float
        Nominal interval coverage.

    Returns
    -------
    BacktestResult
        ``forecasts``, ``summary`` and ``excluded`` carry an ``age_band`` column (``summary``
        and ``age_band`` first, with ``"All ages"`` rows).

    Raises
    ------
    JsnaInputError
        When no band has a council with a full run.
    """
    needed = [*range(first_year, fit_end + 1), target]
    forecasts, summaries, excluded = [], [], []
    for band in [b for b in AGE_BANDS if b in set(series["age_band"].astype(str))]:
        part = series[series["age_band"].astype(str) == band].drop(columns="age_band")
        england = england_series(part)
        runs, left_out = full_runs(part, first_year, target, years=needed)
        excluded.append(left_out.assign(age_band=band))
        if runs.empty:
            continue
        result = backtest(runs, england, standard_methods(england), fit_end=fit_end,
                          target=target, level=level)
        forecasts.append(result.forecasts.assign(age_band=band))
        summaries.append(result.summary.assign(age_band=band))
    if not forecasts:
        raise JsnaInputError(f"{series.attrs.get('path', 'the series')}: no council has EHC "
                             f"plans by age in every January {first_year}-{fit_end} and {target}")
    every = pd.concat(forecasts, ignore_index=True)
    by_band = pd.concat(summaries, ignore_index=True)
    pooled = []
    for method, rows in every.groupby("method", sort=False):
        first = by_band[by_band["method"] == method].iloc[0]
        if rows.empty:
            continue
        pooled.append({
            "age_band": "All ages", "method": method, "label": first["label"],
            "councils": int(rows["forecast"].notna().sum()),
            "mape": mape(rows["forecast"], rows["actual"]),
            "median_ape": float(rows["ape"].median()),
            "coverage": coverage(rows["lower"], rows["upper"], rows["actual"]),
            "interval_basis": "each band's own inner back-test",
        })
    summary = pd.concat([by_band, pd.DataFrame(pooled)], ignore_index=True)
    return BacktestResult(
        forecasts=every,
        summary=summary[["age_band", *SUMMARY_COLUMNS]],
        excluded=pd.concat(excluded, ignore_index=True),
        first_year=first_year, fit_end=fit_end, target=target, level=level,
    )


def readable_summary(result: BacktestResult) -> pd.DataFrame:
    """The summary with headings and rounding for a reader (the ``jsna backtest`` table).

    Parameters
    ----------
    result : BacktestResult

    Returns
    -------
    DataFrame
        ``Age band`` (by-age results only), ``Method``, ``Councils``, ``MAPE (%)``, ``Median APE (%)``, ``<level> interval
        coverage (%)`` (one decimal; blank when there is no interval) and ``Interval from``.
    """
    summary = result.summary
    covered = f"{result.level:.0%} interval coverage (%)"
    bands = {"Age band": summary["age_band"]} if "age_band" in summary.columns else {}
    return pd.DataFrame({
        **bands,
        "Method": summary["label"],
        "Councils": summary["councils"],
        "MAPE (%)": summary["mape"].map(_one_decimal),
        "Median APE (%)": summary["median_ape"].map(_one_decimal),
        covered: summary["coverage"].map(_one_decimal),
        "Interval from": summary["interval_basis"],
    })


def _one_decimal(value: float) -> str:
    return "" if pd.isna(value) else f"{value:.1f}"
