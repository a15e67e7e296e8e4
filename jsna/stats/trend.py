"""Fingertips "recent trend" markers.

The test uses the five most recent values of a series (equally spaced, no gaps):

* **Proportions** - the chi-squared test for trend in proportions (Cochran-Armitage, no continuity
  correction), with time scores ``t = 1..5``::

      chi2 = N (N sum(O_t t) - O sum(N_t t))^2 / (O (N - O) (N sum(N_t t^2) - (sum(N_t t))^2))

  where ``O_t, N_t`` are the counts and denominators and ``O, N`` their totals.
* **Other values** (rates, DSRs, ratios) - a weighted least-squares slope of the values on time
  with weights ``1 / se^2``, ``se = (upper95 - lower95) / 3.92``; ``chi2 = (slope / se(slope))^2``.

The trend is significant when ``chi2 > 9.5495`` (the 99.8% point of chi-squared on 1 degree of
freedom) **and** the direction is robust: the slope (of the log-odds of the proportion on time for
proportions, of the weighted fit otherwise) has the same sign on all five points and on each of
the five sets of four points left after dropping one. Labels: ``Increasing``, ``Decreasing``,
``No significant change``, ``Cannot be calculated`` (fewer than five consecutive points, missing
data, or a proportion of 0 or 1 at some point).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy.special import chdtri  # inverse survival function of chi-square

from jsna.errors import JsnaInputError

#: Significance threshold: the 99.8% point of chi-squared with 1 degree of freedom (9.5495).
CHI2_THRESHOLD = float(chdtri(1, 0.002))
#: Number of most recent points tested.
POINTS = 5
#: Width of a 95% interval in standard errors, as Fingertips uses it (2 x 1.96).
CI95_WIDTH_IN_SE = 3.92

INCREASING = "Increasing"
DECREASING = "Decreasing"
NO_CHANGE = "No significant change"
CANNOT = "Cannot be calculated"

_TIMES = np.arange(1, POINTS + 1, dtype=float)
# masks[k] keeps every point (k = 0) or drops point k (k = 1..5)
_MASKS = np.vstack([np.ones(POINTS, bool)] + [np.arange(POINTS) != k for k in range(POINTS)])


def _ols_slopes(y: np.ndarray) -> np.ndarray:
    """Ordinary least-squares slopes of ``y`` (rows x 5) on t for all-five and drop-one subsets.

    Returns an array rows x 6.
    """
    slopes = []
    for mask in _MASKS:
        t = _TIMES[mask]
        k = mask.sum()
        sum_t, sum_tt = t.sum(), (t * t).sum()
        sum_y = y[:, mask].sum(axis=1)
        sum_ty = (y[:, mask] * t).sum(axis=1)
        slopes.append((k * sum_ty - sum_t * sum_y) / (k * sum_tt - sum_t**2))
    return np.column_stack(slopes)


def _weighted_slopes(values: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted least-squares slopes for all-five and drop-one subsets, and chi2 of the full fit."""
    slopes = []
    chi2 = np.full(len(values), np.nan)
    for index, mask in enumerate(_MASKS):
        w = weights[:, mask]
        v = values[:, mask]
        t = _TIMES[mask]
        s1 = w.sum(axis=1)
        s2 = (w * v * t).sum(axis=1)
        s3 = (w * t).sum(axis=1)
        s4 = (w * v).sum(axis=1)
        s5 = (w * t * t).sum(axis=1)
        determinant = s1 * s5 - s3**2
        slope = (s1 * s2 - s3 * s4) / determinant
        slopes.append(slope)
        if index == 0:
            chi2 = slope**2 / (s1 / determinant)
    return np.column_stack(slopes), chi2


def _robust_direction(slopes: np.ndarray) -> np.ndarray:
    """True where all six slopes share a sign (a zero slope counts as positive, as Fingertips)."""
    signs = np.where(slopes >= 0, 1, -1)
    return np.abs(signs.sum(axis=1)) == slopes.shape[1]


def _labels(chi2: np.ndarray, slopes: np.ndarray) -> np.ndarray:
    """Increasing or decreasing where the chi-squared test is significant and all six slopes
    share a sign, else no significant change."""
    significant = (chi2 > CHI2_THRESHOLD) & _robust_direction(slopes)
    return np.where(significant, np.where(slopes[:, 0] > 0, INCREASING, DECREASING), NO_CHANGE)


def proportion_trend_chi2(counts: np.ndarray, denominators: np.ndarray) -> np.ndarray:
    """Chi-squared statistic for trend in proportions over five points (rows x 5 arrays).

    Parameters
    ----------
    counts, denominators : numpy.ndarray
        Shape ``(rows, 5)``, oldest point first.

    Returns
    -------
    numpy.ndarray
        One statistic per row (missing when the totals make it undefined).
    """
    o_t = np.asarray(counts, dtype=float)
    n_t = np.asarray(denominators, dtype=float)
    total_n = n_t.sum(axis=1)
    total_o = o_t.sum(axis=1)
    sum_ot = (o_t * _TIMES).sum(axis=1)
    sum_nt = (n_t * _TIMES).sum(axis=1)
    sum_ntt = (n_t * _TIMES**2).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        numerator = total_n * (total_n * sum_ot - total_o * sum_nt) ** 2
        denominator = total_o * (total_n - total_o) * (total_n * sum_ntt - sum_nt**2)
        return np.where(denominator > 0, numerator / denominator, np.nan)


def proportion_trends(counts: np.ndarray, denominators: np.ndarray) -> np.ndarray:
    """Trend labels (one str per row) for many five-point proportion series at once.

    Takes the arrays :func:`proportion_trend_chi2` takes: ``counts`` and ``denominators`` of
    shape ``(rows, 5)``, oldest point first.
    """
    o_t = np.atleast_2d(np.asarray(counts, dtype=float))
    n_t = np.atleast_2d(np.asarray(denominators, dtype=float))
    usable = (
        np.isfinite(o_t).all(axis=1)
        & np.isfinite(n_t).all(axis=1)
        & (o_t > 0).all(axis=1)
        & (o_t < n_t).all(axis=1)
    )
    labels = np.full(o_t.shape[0], CANNOT, dtype=object)
    if not usable.any():
        return labels
    o, n = o_t[usable], n_t[usable]
    chi2 = proportion_trend_chi2(o, n)
    slopes = _ols_slopes(np.log(o / (n - o)))
    labels[usable] = _labels(chi2, slopes)
    return labels


def value_trends(values: np.ndarray, lower95: np.ndarray, upper95: np.ndarray) -> np.ndarray:
    """Trend labels for five-point series of rates or other values with 95% limits.

    Parameters
    ----------
    values, lower95, upper95 : numpy.ndarray
        Shape ``(rows, 5)``, oldest point first.

    Returns
    -------
    numpy.ndarray of str
    """
    v = np.atleast_2d(np.asarray(values, dtype=float))
    low = np.atleast_2d(np.asarray(lower95, dtype=float))
    high = np.atleast_2d(np.asarray(upper95, dtype=float))
    se = (high - low) / CI95_WIDTH_IN_SE
    usable = np.isfinite(v).all(axis=1) & np.isfinite(se).all(axis=1) & (se > 0).all(axis=1)
    labels = np.full(v.shape[0], CANNOT, dtype=object)
    if not usable.any():
        return labels
    slopes, chi2 = _weighted_slopes(v[usable], 1.0 / se[usable] ** 2)
    labels[usable] = _labels(chi2, slopes)
    return labels


def recent_trend(counts: object, denominators: object) -> str:
    """Recent trend of one proportion series (the last five points are used).

    Parameters
    ----------
    counts, denominators : array-like
        The series in time order, oldest first, one point per consecutive period.

    Returns
    -------
    str
        ``Increasing``, ``Decreasing``, ``No significant change`` or ``Cannot be calculated``.
    """
    o = np.asarray(counts, dtype=float).ravel()
    n = np.asarray(denominators, dtype=float).ravel()
    if o.size != n.size:
        raise JsnaInputError(f"{o.size} counts but {n.size} denominators; expected equal lengths")
    if o.size < POINTS:
        return CANNOT
    return str(proportion_trends(o[-POINTS:][None, :], n[-POINTS:][None, :])[0])


def recent_trend_from_ci(values: object, lower95: object, upper95: object) -> str:
    """Recent trend of one series of rates (or other values) with 95% limits.

    Parameters
    ----------
    values, lower95, upper95 : array-like
        The series in time order, oldest first.

    Returns
    -------
    str
    """
    v = np.asarray(values, dtype=float).ravel()
    if v.size < POINTS:
        return CANNOT
    low = np.asarray(lower95, dtype=float).ravel()[-POINTS:]
    high = np.asarray(upper95, dtype=float).ravel()[-POINTS:]
    return str(value_trends(v[-POINTS:][None, :], low[None, :], high[None, :])[0])


_YEAR = re.compile(r"(\d{4})")


def period_start_year(period: pd.Series) -> pd.Series:
    """First four-digit year in a period label ("2024/25" -> 2024, "2024" -> 2024)."""
    return pd.to_numeric(period.astype("string").str.extract(_YEAR, expand=False), errors="coerce")


def _windows(work: pd.DataFrame, keys: list[str]) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Sort ``work`` (``keys``, ``_year`` and value columns) by series and year, and give each
    row the values of the five rows ending at it in its series (rows x 5 per column, oldest
    first; missing where the series is shorter)."""
    work = work.assign(_row=np.arange(len(work))).sort_values([*keys, "_year"], kind="stable")
    grouped = work.groupby(keys, sort=False, dropna=False)
    history: dict[str, np.ndarray] = {}
    for name in ["_year", *[c for c in work.columns if c not in (*keys, "_year", "_row")]]:
        history[name] = np.column_stack(
            [grouped[name].shift(POINTS - 1 - lag).to_numpy(dtype=float) for lag in range(POINTS)]
        )
    return work, history


def withdraw_trends_over_hidden_points(
    indicators: pd.DataFrame,
    hidden: object,
    by: tuple[str, ...] = ("indicator_id", "area_code", "breakdown"),
) -> pd.DataFrame:
    """After disclosure control: a trend resting on a point that is not published cannot be
    calculated.

    The recent trend is computed before disclosure control, from counts (or values and limits)
    that disclosure control may then hide. A row whose five-point window (its own period and the
    four before it, as :func:`add_recent_trend` takes them) holds a hidden point gets
    ``Cannot be calculated``.

    Why not test the points still shown instead: the Fingertips method is defined on five
    consecutive points, and a series with a gap or a missing point is not tested
    (``Cannot be calculated`` in Fingertips, and in :func:`add_recent_trend`); fitting the four
    shown points of a five-year window would be a different test, with another threshold and
    another reading, under the same label. And a label computed from a hidden count is a
    statistic derived from it: the Government Statistical Service's disclosure guidance asks
    that nothing published lets a hidden cell be worked out or narrowed (a significant rise
    across a small year tells a reader which way that year lay). So the label is withdrawn, as
    the value of a hidden row itself is.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long indicator table after disclosure control, with ``recent_trend``, ``period`` and
        the ``by`` columns.
    hidden : array-like of bool
        One per row: the row's value is not published (suppressed, or not available).
    by : tuple of str
        Columns identifying one series (as :func:`add_recent_trend`).

    Returns
    -------
    pandas.DataFrame
        A copy; rows that were hidden keep their own (empty) label, other labels that rest on a
        hidden point become ``Cannot be calculated``.

    Examples
    --------
    >>> table = pd.DataFrame({"indicator_id": "x", "area_code": "A", "breakdown": "All",
    ...                       "period": ["2020", "2021", "2022", "2023", "2024", "2025"],
    ...                       "recent_trend": ["", "", "", "", "Increasing", "Increasing"]})
    >>> hidden = [True, False, False, False, False, False]
    >>> withdraw_trends_over_hidden_points(table, hidden)["recent_trend"].tolist()[4:]
    ['Cannot be calculated', 'Increasing']
    """
    keys = list(by)
    missing = [c for c in (*keys, "period", "recent_trend") if c not in indicators.columns]
    if missing:
        raise JsnaInputError(f"indicator table lacks column(s) {missing} needed for trends")
    mask = np.asarray(hidden, dtype=bool).ravel()
    if mask.size != len(indicators):
        raise JsnaInputError(f"{mask.size} hidden flags for {len(indicators)} indicator rows")
    out = indicators.copy()
    if not mask.any():
        return out
    work = out[keys].copy()
    work["_year"] = period_start_year(out["period"]).to_numpy()
    work["_hidden"] = mask.astype(float)
    work, history = _windows(work, keys)
    years = history["_year"]
    # a hidden point in the window: only points of the five consecutive years ending at the row
    in_window = np.isfinite(years) & (years > years[:, -1:] - POINTS)
    rests_on_hidden = ((history["_hidden"] == 1) & in_window).any(axis=1)
    rows = work["_row"].to_numpy()[rests_on_hidden & ~mask[work["_row"].to_numpy()]]
    labels = out["recent_trend"].to_numpy(dtype=object).copy()
    given = pd.Series(labels[rows]).fillna("").astype(str).ne("").to_numpy()
    labels[rows[given]] = CANNOT
    out["recent_trend"] = pd.Series(labels, index=out.index, dtype="object")
    return out


def add_recent_trend(
    indicators: pd.DataFrame,
    kind: str | Mapping[object, str] = "proportion",
    by: tuple[str, ...] = ("indicator_id", "area_code", "breakdown"),
) -> pd.DataFrame:
    """Fill ``recent_trend`` on the long indicator table.

    Each row gets the trend of the five periods ending at its own period (so the latest period
    carries the "recent trend" Fingertips shows). Periods must be consecutive years (read from
    the first four digits of ``period``); a gap or a missing point gives ``Cannot be
    calculated``.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long indicator table.
    kind : {"proportion", "value"} or mapping indicator_id -> kind, default "proportion"
        ``proportion`` tests counts and denominators; ``value`` tests values and 95% limits.
    by : tuple of str
        Columns identifying one series.

    Returns
    -------
    pandas.DataFrame
        A copy with ``recent_trend``.
    """
    keys = list(by)
    needed = [*keys, "period"]
    missing = [column for column in needed if column not in indicators.columns]
    if missing:
        raise JsnaInputError(f"indicator table lacks column(s) {missing} needed for trends")
    out = indicators.copy()
    kinds = (
        out["indicator_id"].map(kind).to_numpy(dtype=object)
        if isinstance(kind, Mapping)
        else np.full(len(out), kind, dtype=object)
    )
    unknown = ~pd.Series(kinds).isin(["proportion", "value"]).to_numpy()
    if unknown.any():
        raise JsnaInputError(
            f"trend kind {kinds[np.flatnonzero(unknown)[0]]!r} for indicator_id "
            f"{out['indicator_id'].iloc[np.flatnonzero(unknown)[0]]!r}; expected 'proportion' "
            "or 'value'"
        )
    work = out[keys].copy()
    work["_year"] = period_start_year(out["period"]).to_numpy()
    columns = {
        "proportion": ["count", "denominator"],
        "value": ["value", "lower_ci_95", "upper_ci_95"],
    }
    for kind_name, names in columns.items():
        if (kinds == kind_name).any():
            for name in names:
                if name not in out.columns:
                    raise JsnaInputError(f"column {name!r} is needed for {kind_name} trends")
                work[name] = pd.to_numeric(out[name], errors="coerce")
    work, history = _windows(work, keys)
    years = history["_year"]
    consecutive = np.isfinite(years).all(axis=1) & (np.diff(years, axis=1) == 1).all(axis=1)
    sorted_kinds = kinds[work["_row"].to_numpy()]
    labels = np.full(len(work), CANNOT, dtype=object)
    proportion_rows = consecutive & (sorted_kinds == "proportion")
    if proportion_rows.any():
        labels[proportion_rows] = proportion_trends(
            history["count"][proportion_rows], history["denominator"][proportion_rows]
        )
    value_rows = consecutive & (sorted_kinds == "value")
    if value_rows.any():
        labels[value_rows] = value_trends(
            history["value"][value_rows],
            history["lower_ci_95"][value_rows],
            history["upper_ci_95"][value_rows],
        )
    result = np.empty(len(out), dtype=object)
    result[work["_row"].to_numpy()] = labels
    out["recent_trend"] = pd.Series(result, index=out.index, dtype="object")
    return out
