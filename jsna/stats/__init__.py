"""Fingertips-grade statistics: confidence intervals, benchmark comparisons, trends, funnels.

Public functions are re-exported here; see the modules for the methods and their references:

* :mod:`jsna.stats.ci` - Wilson, Byar / exact Poisson and Dobson confidence intervals;
* :mod:`jsna.stats.compare` - comparison with England, region and statistical neighbours,
  neighbour ranks and LAIT quartile bands;
* :mod:`jsna.stats.trend` - the Fingertips five-point recent-trend test;
* :mod:`jsna.stats.funnel` - funnel-plot control limits for proportions;
* :mod:`jsna.stats.arrays` - how every method reads its numbers (any array-like; text that is
  not a number, and gaps, become NaN).
"""

from jsna.stats.ci import (
    CI_COLUMNS,
    LEVELS,
    add_dsr_ci,
    add_proportion_ci,
    add_rate_ci,
    byar_limits,
    dobson_limits,
    exact_poisson_limits,
    poisson_limits,
    wilson_limits,
    z_value,
)
from jsna.stats.compare import (
    POLARITIES,
    Benchmarks,
    add_comparisons,
    compare_spc,
    compare_to_benchmark,
    neighbour_ranks,
    normalise_polarity,
    quartile_bands,
    spc_limits,
)
from jsna.stats.funnel import funnel_limits, funnel_position
from jsna.stats.trend import (
    CHI2_THRESHOLD,
    add_recent_trend,
    proportion_trend_chi2,
    proportion_trends,
    recent_trend,
    recent_trend_from_ci,
    value_trends,
    withdraw_trends_over_hidden_points,
)

__all__ = [
    "CHI2_THRESHOLD",
    "CI_COLUMNS",
    "LEVELS",
    "POLARITIES",
    "Benchmarks",
    "add_comparisons",
    "add_dsr_ci",
    "add_proportion_ci",
    "add_rate_ci",
    "add_recent_trend",
    "byar_limits",
    "compare_spc",
    "compare_to_benchmark",
    "dobson_limits",
    "exact_poisson_limits",
    "funnel_limits",
    "funnel_position",
    "neighbour_ranks",
    "normalise_polarity",
    "poisson_limits",
    "proportion_trend_chi2",
    "proportion_trends",
    "quartile_bands",
    "recent_trend",
    "recent_trend_from_ci",
    "spc_limits",
    "value_trends",
    "wilson_limits",
    "withdraw_trends_over_hidden_points",
    "z_value",
]
