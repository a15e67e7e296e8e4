"""The statistics every indicator row gets before disclosure: intervals, comparisons and trend.

A chapter's indicator rows (counts and denominators, from the other modules of this package) are
given the council's codes and names, Wilson 95% and 99.8% intervals, comparisons with England,
the region and the statistical neighbours, and the recent trend (:func:`add_statistics`).
:func:`jsna.indicator_disclosure.indicator_pipeline` then runs disclosure control on them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jsna.indicators.table import finalise
from jsna.sources.la_codes import current_codes
from jsna.stats import Benchmarks, add_comparisons, add_proportion_ci, add_recent_trend

ENGLAND = "E92000001"


@dataclass(frozen=True)
class ComparatorAreas:
    """The areas a council is compared with, by current code (see :mod:`jsna.sources.la_codes`)."""

    council: str
    region_code: str
    region_name: str
    neighbours: list[str]
    council_name: str = ""

    @property
    def codes(self) -> list[str]:
        """Every comparator area code including England (``E92000001``)."""
        return [self.council, self.region_code, ENGLAND, *self.neighbours]

    def display_names(self) -> dict[str, str]:
        """Area code -> the name shown for it: the configured names of the council and region."""
        names = {ENGLAND: "England", self.region_code: self.region_name}
        if self.council_name:
            names[self.council] = self.council_name
        return names


def add_statistics(rows: pd.DataFrame, areas: ComparatorAreas,
                   polarity: str = "Not applicable") -> pd.DataFrame:
    """Counts and denominators -> current codes and shown names -> CIs -> comparisons -> trend.

    Parameters
    ----------
    rows : DataFrame
        Indicator rows with ``count`` and ``denominator`` (percentages are computed here).
    areas : ComparatorAreas
        Council, region and neighbours.
    polarity : str
        Fingertips polarity: ``"High is good"``, ``"Low is good"`` or ``"Not applicable"``.

    Returns
    -------
    DataFrame
        The rows in the long indicator table's columns (:func:`jsna.indicators.table.finalise`),
        not yet disclosure-controlled.

    Examples
    --------
    >>> areas = ComparatorAreas("E06000001", "E12000001", "North East", [], "Hartlepool")
    >>> rows = pd.DataFrame({"indicator_id": "x", "area_code": ["E06000001", "E92000001"],
    ...                      "area_name": ["", ""], "area_type": ["Local authority", "England"],
    ...                      "period": "2024/25", "breakdown": "All",
    ...                      "count": [10.0, 1000.0], "denominator": [100.0, 10000.0]})
    >>> add_statistics(rows, areas)[["area_name", "value", "compared_to_england"]].values.tolist()
    [['Hartlepool', 10.0, 'Similar'], ['England', 10.0, 'Not compared']]
    """
    rows = rows.copy()
    if "note" not in rows:
        rows["note"] = ""
    rows["note"] = rows["note"].fillna("")
    # rows are matched by code, never by name: current codes, and the configured names shown
    rows["area_code"] = current_codes(rows["area_code"])
    names = areas.display_names()
    rows["area_name"] = rows["area_code"].map(names).fillna(rows["area_name"]).astype(str)
    rows.loc[rows["area_code"].isin(areas.neighbours), "area_type"] = "Local authority"
    with_ci = add_proportion_ci(rows, count="count", denominator="denominator", multiplier=100)
    benchmarks = Benchmarks(areas.council, areas.region_code, tuple(areas.neighbours))
    compared = add_comparisons(with_ci, benchmarks=benchmarks, polarity=polarity)
    return finalise(add_recent_trend(compared))


#: Comparison labels of a value row (:func:`add_value_statistics`).
NOT_COMPARED = "Not compared"
CANNOT_TREND = "Cannot be calculated"


def add_value_statistics(rows: pd.DataFrame, areas: ComparatorAreas) -> pd.DataFrame:
    """Rows whose value is given, not a share of counts (a median or a percentile, in weeks).

    They get the council's codes and shown names like :func:`add_statistics`, but no interval,
    no comparison (``Not compared``: there is no published benchmark, and no interval to test
    with) and no recent trend (``Cannot be calculated``: the Fingertips test needs 95% limits).
    Their ``denominator`` is the number of records the value rests on, so disclosure control
    hides the value of a small group.

    Parameters
    ----------
    rows : DataFrame
        Indicator rows with ``value`` and ``denominator`` (``count`` may be missing).
    areas : ComparatorAreas
        The council, region and neighbours.

    Returns
    -------
    DataFrame
        The rows in the long indicator table's columns, not yet disclosure-controlled.

    Examples
    --------
    >>> areas = ComparatorAreas("E06000001", "E12000001", "North East", [], "Hartlepool")
    >>> rows = pd.DataFrame({"indicator_id": "weeks", "area_code": ["E06000001"],
    ...                      "area_name": [""], "area_type": ["Local authority"],
    ...                      "period": "2024", "breakdown": "All", "value": [18.5],
    ...                      "denominator": [40.0]})
    >>> add_value_statistics(rows, areas)[["area_name", "value", "count", "recent_trend"]
    ...                                   ].values.tolist()
    [['Hartlepool', 18.5, nan, 'Cannot be calculated']]
    """
    rows = rows.copy()
    rows["note"] = rows["note"].fillna("") if "note" in rows else ""
    rows["area_code"] = current_codes(rows["area_code"])
    names = areas.display_names()
    rows["area_name"] = rows["area_code"].map(names).fillna(rows["area_name"]).astype(str)
    if "count" not in rows:
        rows["count"] = np.nan
    for column in ("compared_to_england", "compared_to_region", "compared_to_neighbours"):
        rows[column] = NOT_COMPARED
    rows["recent_trend"] = CANNOT_TREND
    return finalise(rows)
