"""What a funnel plot draws: the areas' points with their positions, and the control limits.

The limits are computed here (with :func:`jsna.stats.funnel.funnel_limits`, OHID method) on a grid
of denominators spanning the plotted areas, so :func:`jsna.viz.maps.funnel_plot` draws the lines
it is given and computes no statistic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jsna.stats.funnel import funnel_limits

#: Points on each control-limit line.
GRID_POINTS = 300


@dataclass(frozen=True)
class FunnelData:
    """The points and lines of one funnel plot."""

    #: ``name, count, denominator, value, position`` of each plotted area (published values only,
    #: a positive denominator); ``position`` as :func:`jsna.stats.funnel.funnel_position` labels it.
    points: pd.DataFrame
    #: ``denominator, lower_95, upper_95, lower_998, upper_998, baseline`` in per cent, on a grid of
    #: denominators from a little below the smallest area to a little above the largest (the plot's
    #: horizontal extent).
    limits: pd.DataFrame


def funnel_data(points: pd.DataFrame, benchmark_proportion: float,
                grid_points: int = GRID_POINTS) -> FunnelData:
    """Points that can be plotted, and control limits around the benchmark over their range.

    Parameters
    ----------
    points : DataFrame
        ``name, count, denominator, value, position`` of the published areas; rows without a
        count or a positive denominator are left out (they cannot be plotted).
    benchmark_proportion : float
        The benchmark as a fraction (e.g. the council's count / denominator).
    grid_points : int, default 300
        Points on each limit line.

    Returns
    -------
    FunnelData
        The grid runs from ``max(1, 0.8 x smallest denominator)`` to ``1.15 x largest``
        (1 to 100 when no area can be plotted).
    """
    plotted = points[points["denominator"].notna() & (points["denominator"] > 0)
                     & points["count"].notna()].reset_index(drop=True)
    low = max(1.0, 0.8 * float(plotted["denominator"].min())) if len(plotted) else 1.0
    high = 1.15 * float(plotted["denominator"].max()) if len(plotted) else 100.0
    grid = np.linspace(low, high, grid_points)
    return FunnelData(plotted, funnel_limits(grid, benchmark_proportion))
