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
