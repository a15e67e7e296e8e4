"""LAIT series as rows of the long indicator table: one reading for every chapter that uses LAIT.

DfE's Local Authority Interactive Tool publishes each measure as a percentage (or score) by area
and year, without counts, so rows carry DfE's value as published and no confidence limits;
LAIT's ``-`` becomes the note ``[x]`` (not available), never a zero. Each chapter declares the
series it reads as :class:`LaitMeasure` values and gets its rows from :func:`lait_measure_rows`,
and the year types to read them with from :func:`lait_year_types`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

_AREA = ["area_code", "area_name", "area_type", "period"]


@dataclass(frozen=True)
class LaitMeasure:
    """One LAIT series: its ``Short Desc`` code, the indicator it fills, the breakdown and the
    dictionary's year type (which decides how the period is labelled)."""

    code: str
    indicator_id: str
    breakdown: str
    year_type: str = "Academic Year"


def lait_year_types(measures: Iterable[LaitMeasure],
                    polarity: dict[str, str] | None = None) -> pd.DataFrame:
    """The dictionary rows :func:`jsna.sources.lait.read_lait` needs to label these series' periods.

    ``polarity`` maps an indicator id to ``"High is good"``/``"Low is good"`` (default high), so
    periods read like DfE's other files whether or not the council has LAIT's own dictionary.

    Examples
    --------
    >>> lait_year_types([LaitMeasure("HCP_PHOF", "asq3", "All", "Financial Year")])
      indicator title polarity       year_type
    0  HCP_PHOF           High  Financial Year
    """
    chosen = list(measures)
    polarity = polarity or {}
    return pd.DataFrame({
        "indicator": [m.code for m in chosen], "title": "",
        "polarity": [polarity.get(m.indicator_id, "High is good").split()[0] for m in chosen],
        "year_type": [m.year_type for m in chosen],
    })


def lait_measure_rows(lait: pd.DataFrame, measures: Iterable[LaitMeasure]) -> pd.DataFrame:
    """Rows of the long indicator table for ``measures`` from a LAIT file.

    Parameters
    ----------
    lait : DataFrame
        :func:`jsna.sources.lait.read_lait` (read with :func:`lait_year_types`).
    measures : iterable of LaitMeasure
        The series wanted; series the file lacks give no rows.

    Returns
    -------
    DataFrame
        ``area_code, area_name, area_type, period, indicator_id, breakdown, value, lower_ci_95,
        upper_ci_95, note``: DfE's value as published, no limits; LAIT's ``-`` is the note
        ``[x]``, never a zero. Inner and Outer London (no GSS code) are left out.

    Examples
    --------
    >>> lait = pd.DataFrame({"indicator": ["Age19_SEN-S_L3", "Age19_SEN-S_L3"],
    ...     "area_code": ["E92000001", "E06000014"], "area_name": ["England", "York"],
    ...     "area_type": ["England", "Local authority"], "period": "2023/24",
    ...     "value": [14.15, np.nan], "note": ["", "[-]"]})
    >>> measure = LaitMeasure("Age19_SEN-S_L3", "level3", "EHC plan")
    >>> lait_measure_rows(lait, [measure])[["breakdown", "value", "note"]].values.tolist()
    [['EHC plan', 14.15, ''], ['EHC plan', nan, '[x]']]
    """
    codes = {m.code: m for m in measures}
    chosen = lait[lait["indicator"].isin(codes) & lait["area_code"].ne("")]
    out = chosen[_AREA].copy()
    out["indicator_id"] = chosen["indicator"].map(lambda c: codes[c].indicator_id)
    out["breakdown"] = chosen["indicator"].map(lambda c: codes[c].breakdown)
    out["value"] = chosen["value"].astype(float)
    out["lower_ci_95"] = np.nan
    out["upper_ci_95"] = np.nan
    out["note"] = chosen["note"].replace("[-]", "[x]").astype(str)
    return out.reset_index(drop=True)


def _rows_of(rows: pd.DataFrame, indicator: str, breakdown: str) -> pd.DataFrame:
    return rows[(rows["indicator_id"] == indicator) & (rows["breakdown"] == breakdown)]


def published_value(rows: pd.DataFrame, indicator: str, breakdown: str, code: str,
                    period: str) -> float:
    """One area's value for one series and period (NaN when not published).

    Examples
    --------
    >>> rows = pd.DataFrame({"indicator_id": "x", "breakdown": "All", "period": "2025",
    ...     "area_code": ["A", "B"], "value": [10.0, np.nan]})
    >>> published_value(rows, "x", "All", "A", "2025"), published_value(rows, "x", "All", "C", "2025")
    (10.0, nan)
    """
    hit = _rows_of(rows, indicator, breakdown)
    hit = hit[(hit["area_code"] == code) & (hit["period"] == period)]
    return float(hit["value"].iloc[0]) if len(hit) else np.nan


def neighbour_average(rows: pd.DataFrame, indicator: str, breakdown: str,
                      neighbours: list[str], period: str) -> tuple[float, int]:
    """The unweighted average of the neighbours' published values, and how many had one.

    Examples
    --------
    >>> rows = pd.DataFrame({"indicator_id": "x", "breakdown": "All", "period": "2025",
    ...     "area_code": ["A", "B", "C"], "value": [10.0, 20.0, np.nan]})
    >>> neighbour_average(rows, "x", "All", ["A", "B", "C"], "2025")
    (15.0, 2)
    """
    hit = _rows_of(rows, indicator, breakdown)
    values = hit[hit["area_code"].isin(neighbours) & (hit["period"] == period)]["value"].dropna()
    return (float(values.mean()) if len(values) else np.nan), len(values)


def latest_against_england(rows: pd.DataFrame, indicator: str, breakdown: str, council: str,
                           england: str = "E92000001") -> tuple[str, float, float] | None:
    """The council's latest published period, its value and England's, for a key finding.

    None when the council has no published value or England none for that period.

    Examples
    --------
    >>> rows = pd.DataFrame({"indicator_id": "x", "breakdown": "All",
    ...     "period": ["2024", "2025", "2025"], "area_code": ["A", "A", "E92000001"],
    ...     "value": [1.0, 2.0, 3.0]})
    >>> latest_against_england(rows, "x", "All", "A")
    ('2025', 2.0, 3.0)
    """
    mine = _rows_of(rows, indicator, breakdown)
    mine = mine[(mine["area_code"] == council) & mine["value"].notna()]
    if mine.empty:
        return None
    period = str(mine["period"].max())
    value = published_value(rows, indicator, breakdown, council, period)
    national = published_value(rows, indicator, breakdown, england, period)
    return None if np.isnan(national) else (period, value, national)
