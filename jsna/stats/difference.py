"""The difference between two independent proportions and its confidence interval.

Newcombe's hybrid score method (method 10 of Newcombe, *Statistics in Medicine* 1998, 17:873-890):
the limits of the difference are built from each proportion's Wilson score limits, so they stay
sensible for small groups and proportions near 0 or 100%, where the simple Wald interval fails.
"""

from __future__ import annotations

import numpy as np

from jsna.stats.ci import wilson_limits


def difference_of_proportions(
    count_a: object, denominator_a: object, count_b: object, denominator_b: object,
    level: float = 0.95,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``p_a - p_b`` with Newcombe's hybrid score confidence limits (as fractions).

    Parameters
    ----------
    count_a, denominator_a, count_b, denominator_b : array-like
        Cases and group sizes of the two groups.
    level : float, default 0.95
        Confidence level.

    Returns
    -------
    difference, lower, upper : numpy.ndarray
        Missing where either group has no count or a non-positive denominator.

    Examples
    --------
    >>> d, lo, hi = difference_of_proportions(56, 70, 48, 80)
    >>> [round(float(x), 4) for x in (d[0], lo[0], hi[0])]
    [0.2, 0.0524, 0.3339]
    """
    n_a = np.atleast_1d(np.asarray(denominator_a, dtype=float))
    n_b = np.atleast_1d(np.asarray(denominator_b, dtype=float))
    x_a = np.atleast_1d(np.asarray(count_a, dtype=float))
    x_b = np.atleast_1d(np.asarray(count_b, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        p_a = np.where(n_a > 0, x_a / n_a, np.nan)
        p_b = np.where(n_b > 0, x_b / n_b, np.nan)
    low_a, high_a = wilson_limits(x_a, n_a, level)
    low_b, high_b = wilson_limits(x_b, n_b, level)
    difference = p_a - p_b
    lower = difference - np.sqrt((p_a - low_a) ** 2 + (high_b - p_b) ** 2)
    upper = difference + np.sqrt((high_a - p_a) ** 2 + (p_b - low_b) ** 2)
    return difference, lower, upper
