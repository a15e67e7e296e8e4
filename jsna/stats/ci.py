"""Confidence intervals computed the way OHID Fingertips computes them.

Methods follow the OHID *Public health technical guidance* (Fingertips) and the formulas behind
PHEindicatormethods / PHStatsMethods, re-implemented here:

* proportions: Wilson score interval;
* counts and crude rates: exact Poisson limits from the chi-squared distribution when the count is
  below 10, Byar's approximation otherwise;
* directly standardised rates (DSR): Dobson's method, with Byar's limits for the total count; a DSR is
  not calculated when fewer than 10 events were observed.

Every function is vectorised over numpy arrays or pandas columns. The frame-level helpers add the
columns ``value, lower_ci_95, upper_ci_95, lower_ci_998, upper_ci_998, ci_method`` and never raise on
rows that cannot be calculated (missing or zero denominator, missing count): those rows get a
missing value and an explanatory ``note``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy.special import gammaincinv, ndtri  # lighter to import than scipy.stats

from jsna.errors import JsnaInputError
from jsna.stats.arrays import as_floats

#: Confidence levels published by Fingertips, with the suffix used in column names.
LEVELS: dict[str, float] = {"95": 0.95, "998": 0.998}

#: Output columns added by the frame-level helpers, in order.
CI_COLUMNS: tuple[str, ...] = (
    "value",
    "lower_ci_95",
    "upper_ci_95",
    "lower_ci_998",
    "upper_ci_998",
    "ci_method",
)

#: Counts below this use exact Poisson limits; at or above it Byar's approximation.
EXACT_POISSON_BELOW = 10
#: A directly standardised rate is not calculated from fewer events than this.
DSR_MIN_COUNT = 10

WILSON = "Wilson score"
BYAR = "Byar"
EXACT_POISSON = "Exact Poisson (chi-squared)"
DOBSON = "Dobson (Byar)"


def z_value(level: float) -> float:
    """Two-sided standard normal quantile for a confidence level.

    Parameters
    ----------
    level : float
        Confidence level as a fraction, e.g. 0.95 or 0.998.

    Returns
    -------
    float
        ``z`` such that ``P(-z < Z < z) = level`` (1.959964 for 95%, 3.090232 for 99.8%).
    """
    if not 0.0 < level < 1.0:
        raise ValueError(f"confidence level must be between 0 and 1, got {level!r}")
    return float(ndtri(1.0 - (1.0 - level) / 2.0))


def wilson_limits(
    count: object, denominator: object, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score confidence limits for proportions (as fractions between 0 and 1).

    Parameters
    ----------
    count, denominator : array-like
        Number of cases and number in the sample. Rows with a missing or non-positive
        denominator or a missing count give missing limits.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    lower, upper : numpy.ndarray
        Limits ``(2O + z^2 -/+ z sqrt(z^2 + 4 O (1 - O/n))) / (2 (n + z^2))``, clipped to [0, 1].
    """
    observed = as_floats(count)
    n = as_floats(denominator)
    z = z_value(level)
    valid = np.isfinite(observed) & np.isfinite(n) & (n > 0)
    lower = np.full(observed.shape, np.nan)
    upper = np.full(observed.shape, np.nan)
    o, nv = observed[valid], n[valid]
    centre = 2.0 * o + z * z
    spread = z * np.sqrt(np.maximum(z * z + 4.0 * o * (1.0 - o / nv), 0.0))
    scale = 2.0 * (nv + z * z)
    lower[valid] = np.clip((centre - spread) / scale, 0.0, 1.0)
    upper[valid] = np.clip((centre + spread) / scale, 0.0, 1.0)
    return lower, upper


def byar_limits(count: object, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Byar's approximation to the Poisson confidence limits of a count.

    ``O_lower = O (1 - 1/(9O) - z/(3 sqrt(O)))^3`` and
    ``O_upper = (O+1) (1 - 1/(9(O+1)) + z/(3 sqrt(O+1)))^3``. The lower limit of a zero count is 0.

    Parameters
    ----------
    count : array-like
        Observed counts (non-negative; may be fractional, e.g. modelled estimates).
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    lower, upper : numpy.ndarray
    """
    observed = as_floats(count)
    z = z_value(level)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = observed * (1.0 - 1.0 / (9.0 * observed) - z / (3.0 * np.sqrt(observed))) ** 3
        plus_one = observed + 1.0
        upper = plus_one * (1.0 - 1.0 / (9.0 * plus_one) + z / (3.0 * np.sqrt(plus_one))) ** 3
    lower = np.where(observed == 0, 0.0, np.maximum(lower, 0.0))
    return lower, upper


def exact_poisson_limits(count: object, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact Poisson confidence limits of a count from the chi-squared distribution.

    ``O_lower = chi2(alpha/2; 2O) / 2`` and ``O_upper = chi2(1 - alpha/2; 2O + 2) / 2``; the lower
    limit of a zero count is 0. Arguments and results as for :func:`byar_limits`.
    """
    observed = as_floats(count)
    alpha = 1.0 - level
    with np.errstate(invalid="ignore"):
        # chi2.ppf(q, 2k) / 2 is the inverse regularised gamma function gammaincinv(k, q)
        safe = np.where(observed > 0, observed, 1.0)
        lower = np.where(observed > 0, gammaincinv(safe, alpha / 2.0), 0.0)
        upper = gammaincinv(observed + 1.0, 1.0 - alpha / 2.0)
    lower = np.where(np.isfinite(observed), lower, np.nan)
    return lower, upper


def poisson_limits(count: object, level: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Confidence limits of a count as Fingertips chooses them.

    Exact Poisson limits for counts below 10, Byar's approximation for 10 and above.

    Parameters
    ----------
    count : array-like
        Observed counts.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    lower, upper : numpy.ndarray
        Limits of the count.
    method : numpy.ndarray of str
        The method used on each row (missing where the count is missing).
    """
    observed = as_floats(count)
    small = observed < EXACT_POISSON_BELOW
    lower, upper = byar_limits(observed, level)
    if small.any():
        exact_lower, exact_upper = exact_poisson_limits(observed[small], level)
        lower[small] = exact_lower
        upper[small] = exact_upper
    method = np.where(small, EXACT_POISSON, BYAR).astype(object)
    method[~np.isfinite(observed)] = None
    return lower, upper, method


def dobson_limits(
    dsr: object, dsr_variance: object, total_count: object, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Dobson's confidence limits for a directly standardised rate.

    ``DSR_limit = DSR + sqrt(var(DSR) / O) (O_limit - O)`` where ``O`` is the total observed count
    and ``O_limit`` its Poisson limit (Byar's method at 10 or more events, exact below).

    Parameters
    ----------
    dsr : array-like
        Directly standardised rates (already multiplied, e.g. per 100,000).
    dsr_variance : array-like
        Variance of each DSR on the same scale (``sum(w_i^2 O_i / n_i^2) / (sum w_i)^2`` times the
        multiplier squared).
    total_count : array-like
        Total observed events behind each DSR.
    level : float, default 0.95
        Confidence level (Fingertips publishes 0.95 and 0.998).

    Returns
    -------
    lower, upper : numpy.ndarray
        Limits of each DSR, on the scale of ``dsr``.
    """
    rate = as_floats(dsr)
    variance = as_floats(dsr_variance)
    observed = as_floats(total_count)
    count_lower, count_upper, _ = poisson_limits(observed, level)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.sqrt(variance / observed)
    return rate + scale * (count_lower - observed), rate + scale * (count_upper - observed)


# --------------------------------------------------------------------------- frame-level helpers


def _numeric_column(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        raise JsnaInputError(
            f"column {column!r} is missing; expected it among {list(frame.columns)}"
        )
    raw = frame[column]
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna() & raw.notna()
    if bad.any():
        row = raw.index[np.flatnonzero(bad.to_numpy())[0]]
        raise JsnaInputError(f"row {row!r}, column {column!r}: {raw.loc[row]!r} is not a number")
    array = values.to_numpy(dtype=float, na_value=np.nan)
    negative = array < 0
    if negative.any():
        row = frame.index[np.flatnonzero(negative)[0]]
        raise JsnaInputError(
            f"row {row!r}, column {column!r}: {array[np.flatnonzero(negative)[0]]:g} is "
            "negative; expected a count of zero or more"
        )
    return array


def _refuse_first(frame: pd.DataFrame, bad: np.ndarray, problem: Callable[[int], str]) -> None:
    """Raise one line naming the first row where ``bad`` holds and its ``problem``."""
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        raise JsnaInputError(f"row {frame.index[position]!r}: {problem(position)}")


def _write_notes(frame: pd.DataFrame, messages: np.ndarray, note: str | None) -> None:
    """Put ``messages`` (object array, None = nothing to say) into ``frame[note]``.

    Existing notes are kept: a published symbol such as ``[x]`` is never overwritten.
    """
    if note is None:
        return
    has_message = np.asarray(pd.notna(messages), dtype=bool)
    if note not in frame.columns:
        frame[note] = pd.Series(pd.NA, index=frame.index, dtype="object")
        if not has_message.any():
            return
    existing = frame[note]
    empty = existing.isna() | (existing.astype("string").fillna("").str.strip() == "")
    target = has_message & empty.to_numpy()
    if target.any():
        column = frame[note].astype("object")
        column.iloc[np.flatnonzero(target)] = messages[target]
        frame[note] = column


def _method_labels(used: np.ndarray, method: str) -> np.ndarray:
    """``method`` where ``used``, else None (object array).

    >>> _method_labels(np.array([True, False]), "Wilson")
    array(['Wilson', None], dtype=object)
    """
    labels = np.full(used.shape, None, dtype=object)
    labels[used] = method
    return labels


def _attach(
    frame: pd.DataFrame,
    value: np.ndarray,
    limits: dict[str, tuple[np.ndarray, np.ndarray]],
    method: np.ndarray,
    messages: np.ndarray,
    note: str | None,
) -> pd.DataFrame:
    out = frame.copy()
    out["value"] = value
    for suffix in LEVELS:
        lower, upper = limits[suffix]
        out[f"lower_ci_{suffix}"] = lower
        out[f"upper_ci_{suffix}"] = upper
    out["ci_method"] = pd.Series(method, index=out.index, dtype="object")
    _write_notes(out, messages, note)
    return out


def add_proportion_ci(frame: pd.DataFrame, count: str = "count", denominator: str = "denominator",
                      multiplier: float = 100, note: str | None = "note") -> pd.DataFrame:
    """Add a proportion and its Wilson score 95% and 99.8% confidence limits.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per area (and period, breakdown...).
    count, denominator : str
        Columns with the numerator and the denominator.
    multiplier : float, default 100
        Scale of the output: 100 gives percentages, 1 fractions, 1000 "per 1,000".
    note : str or None, default "note"
        Column that receives an explanation on rows that cannot be calculated (created if
        absent; existing notes are kept). ``None`` writes no notes.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with ``value, lower_ci_95, upper_ci_95, lower_ci_998, upper_ci_998,
        ci_method``. Rows with a missing or zero denominator, or a missing count, get missing
        values and a note; they never raise.

    Raises
    ------
    JsnaInputError
        A column is missing or not numeric, a count or denominator is negative, or a count
        exceeds its denominator.
    """
    observed, n, valid, messages = _counts_and_denominators(frame, count, denominator)
    _refuse_first(frame, (observed > n) & (n > 0), lambda i: (
        f"column {count!r} ({observed[i]:g}) exceeds column {denominator!r} ({n[i]:g}); a "
        "proportion needs count <= denominator"))
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(valid, observed / n * multiplier, np.nan)
    limits = {}
    for suffix, level in LEVELS.items():
        lower, upper = wilson_limits(np.where(valid, observed, np.nan), n, level)
        limits[suffix] = (lower * multiplier, upper * multiplier)
    method = _method_labels(valid, WILSON)
    return _attach(frame, value, limits, method, messages, note)


def _counts_and_denominators(
    frame: pd.DataFrame, count: str, denominator: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The count and denominator columns as numbers, which rows can be calculated, and why not.

    Returns ``(observed, n, valid, messages)``: ``messages`` holds, for each row that is not
    ``valid``, the note saying the count or the denominator is missing (None elsewhere).
    """
    observed = _numeric_column(frame, count)
    n = _numeric_column(frame, denominator)
    no_denominator = ~np.isfinite(n) | (n == 0)
    no_count = ~np.isfinite(observed)
    messages = np.full(no_denominator.shape, None, dtype=object)
    messages[no_count] = "not calculated: count missing"
    messages[no_denominator] = "not calculated: denominator missing or zero"
    return observed, n, ~no_denominator & ~no_count, messages


def add_rate_ci(frame: pd.DataFrame, count: str = "count", denominator: str = "denominator",
                multiplier: float = 100_000, note: str | None = "note") -> pd.DataFrame:
    """Add a crude rate and its 95% and 99.8% confidence limits.

    Limits of the count are exact Poisson limits below 10 events and Byar's approximation from 10
    events, divided by the denominator, as OHID does.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per area (and period, breakdown...).
    count, denominator : str
        Columns with the number of events and the population (or person-years) at risk.
    multiplier : float, default 100000
        Rate per ``multiplier`` people.
    note : str or None, default "note"
        Column for explanations on rows that cannot be calculated (see
        :func:`add_proportion_ci`).

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with the CI columns; ``ci_method`` names the method on each row.

    Raises
    ------
    JsnaInputError
        A column is missing or not numeric, or a count or denominator is negative.
    """
    observed, n, valid, messages = _counts_and_denominators(frame, count, denominator)
    safe_n = np.where(valid, n, np.nan)
    value = observed / safe_n * multiplier
    limits = {}
    for suffix, level in LEVELS.items():  # the method depends on the count, not the level
        lower, upper, method = poisson_limits(np.where(valid, observed, np.nan), level)
        limits[suffix] = (lower / safe_n * multiplier, upper / safe_n * multiplier)
    return _attach(frame, value, limits, method, messages, note)


def add_dsr_ci(frame: pd.DataFrame, by: Sequence[str], count: str = "count",
               population: str = "population", standard_population: str = "standard_population",
               multiplier: float = 100_000, note: str | None = "note") -> pd.DataFrame:
    """Directly standardised rates with Dobson's 95% and 99.8% confidence limits.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per area (etc.) and age band (or other standardisation stratum).
    by : sequence of str
        Columns identifying one rate (e.g. ``["area_code", "period"]``); the rows of a group are
        its strata.
    count, population, standard_population : str
        Events, local population and standard-population weight of each stratum.
    multiplier : float, default 100000
        Rate per ``multiplier`` people.
    note : str or None, default "note"
        Column explaining rates that were not calculated.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``count`` (total events), ``denominator`` (total
        population), the CI columns and ``note``. Groups with fewer than 10 events, or no
        population, get missing values and a note (OHID does not publish such DSRs).

    Raises
    ------
    JsnaInputError
        A column is missing or not numeric, a value is negative, or a stratum has events but
        no population.
    """
    by = list(by)
    for column in by:
        if column not in frame.columns:
            raise JsnaInputError(f"column {column!r} is missing; expected it to group the DSRs")
    observed = _numeric_column(frame, count)
    pop = _numeric_column(frame, population)
    weight = _numeric_column(frame, standard_population)
    _refuse_first(frame, (observed > 0) & ~(pop > 0), lambda i: (
        f"column {count!r} is {observed[i]:g} but column {population!r} is {pop[i]:g}; expected "
        "a positive population"))
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(pop > 0, observed / pop, 0.0)
        variance_term = np.where(pop > 0, weight**2 * observed / pop**2, 0.0)
    parts = frame[by].copy()
    parts["_events"] = observed
    parts["_population"] = pop
    parts["_weight"] = weight
    parts["_weighted_rate"] = weight * rate
    parts["_variance"] = variance_term
    sums = parts.groupby(by, sort=False, dropna=False).sum(min_count=1).reset_index()
    total_weight = sums["_weight"].to_numpy(dtype=float)
    events = sums["_events"].to_numpy(dtype=float)
    people = sums["_population"].to_numpy(dtype=float)
    enough = np.isfinite(events) & (events >= DSR_MIN_COUNT) & (people > 0) & (total_weight > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        dsr = np.where(enough, sums["_weighted_rate"] / total_weight * multiplier, np.nan)
        variance = np.where(enough, sums["_variance"] / total_weight**2 * multiplier**2, np.nan)
    out = sums[by].copy()
    out["count"] = events
    out["denominator"] = people
    out["value"] = dsr
    for suffix, level in LEVELS.items():
        lower, upper = dobson_limits(dsr, variance, np.where(enough, events, np.nan), level)
        out[f"lower_ci_{suffix}"] = lower
        out[f"upper_ci_{suffix}"] = upper
    out["ci_method"] = pd.Series(_method_labels(enough, DOBSON), dtype="object")
    messages = np.full(len(out), None, dtype=object)
    messages[~enough] = f"not calculated: fewer than {DSR_MIN_COUNT} events or no population"
    _write_notes(out, messages, note)
    return out
