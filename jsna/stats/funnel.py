"""Funnel-plot control limits for proportions (OHID technical guidance on funnel plots).

For a benchmark proportion ``p0`` (the council average: total count / total denominator) the
control limits at denominator ``n`` are ``p0 -/+ z sqrt(p0 (1 - p0) / n)``, clipped to [0, 1],
with ``z`` = 1.96 (95%, "2 sigma") and 3.09 (99.8%, "3 sigma"). These are the observed proportions
at which the Wilson score interval of the observation just touches ``p0``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from jsna.errors import JsnaInputError
from jsna.stats.arrays import as_floats
from jsna.stats.ci import z_value

_SUFFIX = {0.95: "95", 0.998: "998"}


def _suffix(level: float) -> str:
    return _SUFFIX.get(float(level), f"{float(level) * 100:g}".replace(".", ""))


def funnel_limits(
    denominators: object,
    benchmark_proportion: float,
    levels: Sequence[float] = (0.95, 0.998),
    multiplier: float = 100,
) -> pd.DataFrame:
    """Funnel-plot control limits at each denominator.

    Parameters
    ----------
    denominators : array-like
        Denominators at which to draw the limits (e.g. each ward's denominator, or a grid).
    benchmark_proportion : float
        Benchmark as a fraction between 0 and 1 (the council average).
    levels : sequence of float, default (0.95, 0.998)
        Control-limit levels.
    multiplier : float, default 100
        Scale of the output (100 = percentages).

    Returns
    -------
    pandas.DataFrame
        ``denominator, lower_95, upper_95, lower_998, upper_998, baseline``; missing limits where
        the denominator is not positive.
    """
    p0 = float(benchmark_proportion)
    if not 0.0 <= p0 <= 1.0:
        raise JsnaInputError(
            f"benchmark proportion {p0!r} is outside [0, 1]; pass a fraction, not a percentage"
        )
    n = as_floats(denominators)
    out = pd.DataFrame({"denominator": n})
    with np.errstate(divide="ignore", invalid="ignore"):
        standard_error = np.where(n > 0, np.sqrt(p0 * (1.0 - p0) / n), np.nan)
    for level in levels:
        z = z_value(level)
        suffix = _suffix(level)
        out[f"lower_{suffix}"] = np.clip(p0 - z * standard_error, 0.0, 1.0) * multiplier
        out[f"upper_{suffix}"] = np.clip(p0 + z * standard_error, 0.0, 1.0) * multiplier
    out["baseline"] = p0 * multiplier
    return out


def funnel_position(
    count: object, denominator: object, benchmark_proportion: float | None = None
) -> np.ndarray:
    """Where each area sits on the funnel plot of its group.

    Parameters
    ----------
    count, denominator : array-like
        Each area's numerator and denominator (e.g. the wards of a council).
    benchmark_proportion : float, optional
        Benchmark as a fraction; default the average of the areas given
        (``sum(count) / sum(denominator)``).

    Returns
    -------
    numpy.ndarray of str
        ``"Above 99.8% limit"``, ``"Above 95% limit"``, ``"Within limits"``,
        ``"Below 95% limit"``, ``"Below 99.8% limit"``, or ``"Not plotted"`` where a value is
        missing or the denominator is not positive.
    """
    o = as_floats(count)
    n = as_floats(denominator)
    if benchmark_proportion is None:
        usable = np.isfinite(o) & np.isfinite(n) & (n > 0)
        if not usable.any():
            return np.full(o.size, "Not plotted", dtype=object)
        benchmark_proportion = o[usable].sum() / n[usable].sum()
    limits = funnel_limits(n, benchmark_proportion, multiplier=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = o / n
    plotted = np.isfinite(p) & (n > 0)
    labels = np.select(
        [
            ~plotted,
            p > limits["upper_998"].to_numpy(),
            p > limits["upper_95"].to_numpy(),
            p < limits["lower_998"].to_numpy(),
            p < limits["lower_95"].to_numpy(),
        ],
        [
            "Not plotted",
            "Above 99.8% limit",
            "Above 95% limit",
            "Below 99.8% limit",
            "Below 95% limit",
        ],
        default="Within limits",
    )
    return labels.astype(object)
