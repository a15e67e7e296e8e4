"""The indicator catalogue: one data file naming every indicator the chapters publish.

``catalogue.csv`` gives each ``indicator_id`` its plain-English name, the breakdown that is its
headline figure, its Fingertips polarity, the chapter that computes it and whether it belongs on the
SEND scorecard of the site's overview page, and the relations disclosure control needs
(``breakdowns``, ``count_is``, ``denominator_is``, ``count_within_denominator``: see
:mod:`jsna.indicator_disclosure`). A test checks every indicator a refresh produces is listed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import pandas as pd

from jsna.stats.compare import (
    BETTER,
    HIGH_IS_GOOD,
    LOW_IS_GOOD,
    SIMILAR,
    WORSE,
)
from jsna.stats.trend import DECREASING, INCREASING

CATALOGUE = Path(__file__).with_name("catalogue.csv")


@lru_cache(maxsize=1)
def _read() -> pd.DataFrame:
    frame = pd.read_csv(CATALOGUE, dtype=str, keep_default_na=False)
    frame["scorecard"] = frame["scorecard"].eq("yes")
    return frame


def indicator_catalogue() -> pd.DataFrame:
    """Every catalogued indicator (a copy): ``indicator_id, name, headline_breakdown, polarity,
    chapter, scorecard``."""
    return _read().copy()


#: The scorecard's columns, in order (see :func:`scorecard`).
SCORECARD_COLUMNS = [
    "indicator_id", "name", "polarity", "period", "value", "note", "england", "region",
    "neighbours", "neighbours_with_value", "compared_to_england", "compared_to_region",
    "compared_to_neighbours", "rank", "out_of", "recent_trend", "quartile_band", "target",
    "target_met", "rag", "worsening",
]

#: RAG statuses of a scorecard row (see :func:`rag_status`).
RED, AMBER, GREEN, NOT_RATED = "Red", "Amber", "Green", "Not rated"


def rag_status(compared_to_england: str, compared_to_neighbours: str, polarity: str) -> str:
    """Red, amber or green from the comparisons with England and the statistical neighbours.

    Red: significantly worse than England or than the neighbours' average. Green: significantly
    better than England and not worse than the neighbours. Amber: compared, and neither. An
    indicator without a polarity (higher is neither better nor worse) or not compared with
    either is not rated.

    Examples
    --------
    >>> rag_status("Similar", "Worse", "High is good")
    'Red'
    >>> rag_status("Better", "Similar", "Low is good")
    'Green'
    >>> rag_status("Better", "", "High is good")
    'Green'
    >>> rag_status("Similar", "Not compared", "High is good")
    'Amber'
    >>> rag_status("Higher", "Higher", "Not applicable")
    'Not rated'
    """
    if polarity not in (HIGH_IS_GOOD, LOW_IS_GOOD):
        return NOT_RATED
    labels = {compared_to_england, compared_to_neighbours}
    if WORSE in labels:
        return RED
    if compared_to_england == BETTER:
        return GREEN
    if labels & {BETTER, SIMILAR}:
        return AMBER
    return NOT_RATED


def is_worsening(recent_trend: str, polarity: str) -> bool:
    """Whether a significant recent trend goes the wrong way for the indicator's polarity.

    Examples
    --------
    >>> is_worsening("Decreasing", "High is good"), is_worsening("Decreasing", "Low is good")
    (True, False)
    >>> is_worsening("Increasing", "Not applicable")
    False
    """
    return ((polarity == HIGH_IS_GOOD and recent_trend == DECREASING)
            or (polarity == LOW_IS_GOOD and recent_trend == INCREASING))


def target_met(value: float, target: float, polarity: str) -> str:
    """``"met"`` or ``"not met"``: at least the target when high is good, at most when low is.

    Empty when there is no target or no value (a suppressed value is neither met nor missed).

    Examples
    --------
    >>> target_met(22.6, 60.0, "High is good"), target_met(3.1, 4.0, "Low is good")
    ('not met', 'met')
    >>> target_met(float("nan"), 60.0, "High is good")
    ''
    """
    if not (math.isfinite(value) and math.isfinite(target)):
        return ""
    good = value >= target if polarity == HIGH_IS_GOOD else value <= target
    return "met" if good else "not met"


def scorecard(indicators: pd.DataFrame, area_code: str, *, region_code: str | None = None,
              neighbours: Sequence[str] = (),
              targets: Mapping[str, float] | None = None) -> pd.DataFrame:
    """The council's headline indicators, latest period each, beside England, the region and
    the statistical neighbours.

    Parameters
    ----------
    indicators : DataFrame
        The long indicator table after disclosure (``data/indicators.csv``).
    area_code : str
        The council.
    region_code : str, optional
        The council's region (its row of each indicator gives the ``region`` column).
    neighbours : sequence of str
        The statistical neighbours' codes: ``neighbours`` is the unweighted mean of their
        published values for the same indicator, period and breakdown (``neighbours_with_value``
        of them had one), and ``rank`` / ``out_of`` place the council among itself and them
        (1 = best; the highest when there is no polarity; ties share the smaller rank).
    targets : mapping, optional
        Local targets by ``indicator_id`` (``[targets]`` of the config).

    Returns
    -------
    DataFrame
        One row per scorecard indicator present, in catalogue order, with
        :data:`SCORECARD_COLUMNS`: the comparison labels and trend of the council's own row,
        ``target`` and ``target_met`` (:func:`target_met`), ``rag`` (:func:`rag_status`) and
        ``worsening`` (:func:`is_worsening`).
    """
    targets = targets or {}
    neighbour_codes = [str(code) for code in neighbours]
    rows = []
    for entry in _read().itertuples(index=False):
        if not entry.scorecard:
            continue
        rows_of = indicators[(indicators["indicator_id"] == entry.indicator_id)
                             & (indicators["breakdown"] == entry.headline_breakdown)]
        mine = rows_of[rows_of["area_code"] == area_code]
        if mine.empty:
            continue
        latest = mine.sort_values("period").iloc[-1]
        same_period = rows_of[rows_of["period"] == latest["period"]]
        polarity = str(entry.polarity)
        neighbour_rows = same_period[same_period["area_code"].isin(neighbour_codes)
                                     & (same_period["area_type"] == "Local authority")]
        neighbour_values = pd.to_numeric(neighbour_rows["value"], errors="coerce").dropna()
        rank, out_of = _rank(float(latest["value"]), neighbour_values, polarity)
        compared = {key: _label(latest[key]) for key in
                    ("compared_to_england", "compared_to_region", "compared_to_neighbours",
                     "recent_trend", "quartile_band")}
        target = float(targets.get(str(entry.indicator_id), math.nan))
        rows.append({
            "indicator_id": entry.indicator_id,
            "name": entry.name,
            "polarity": polarity,
            "period": latest["period"],
            "value": latest["value"],
            "note": latest["note"],
            "england": _value_of(same_period[same_period["area_type"] == "England"]),
            "region": _value_of(same_period[(same_period["area_type"] == "Region")
                                            & (same_period["area_code"] == region_code)]),
            "neighbours": neighbour_values.mean() if len(neighbour_values) else math.nan,
            "neighbours_with_value": len(neighbour_values),
            **compared,
            "rank": rank,
            "out_of": out_of,
            "target": target,
            "target_met": target_met(float(latest["value"]), target, polarity),
            "rag": rag_status(compared["compared_to_england"],
                              compared["compared_to_neighbours"], polarity),
            "worsening": is_worsening(compared["recent_trend"], polarity),
        })
    return pd.DataFrame(rows, columns=SCORECARD_COLUMNS)


def _label(value: object) -> str:
    return value if isinstance(value, str) else ""


def _value_of(rows: pd.DataFrame) -> float:
    values = pd.to_numeric(rows["value"], errors="coerce").dropna()
    return float(values.iloc[0]) if len(values) else math.nan


def _rank(value: float, neighbours: pd.Series, polarity: str) -> tuple[float, float]:
    """The council's rank among itself and the neighbours with a value (1 = best)."""
    if not math.isfinite(value) or neighbours.empty:
        return math.nan, math.nan
    ahead = neighbours < value if polarity == LOW_IS_GOOD else neighbours > value
    return float(int(ahead.sum()) + 1), float(len(neighbours) + 1)
