"""The long indicator table: one row per indicator × area × period × breakdown.

Every published number (HTML, CSV, SVG) is produced from this table after disclosure control.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: GSS symbol of a suppressed value: the ``note`` of a row (or cell) hidden by disclosure control.
#: Defined here, in the long table's contract, so the indicators stage can mark rows taken from a
#: protected table; :mod:`jsna.disclosure` uses the same constant.
SUPPRESSED = "[c]"

#: Significant digits of numbers written to CSV: enough to recompute any published figure.
CSV_FLOAT_FORMAT = "%.10g"

#: Text columns that say which indicator, area, period and breakdown a row is.
_ROW_LABELS = ["indicator_id", "area_code", "area_name", "area_type", "period", "breakdown"]
#: Labels comparing each value with England, the region and the neighbours, its trend and band.
_COMPARISONS = [
    "compared_to_england",
    "compared_to_region",
    "compared_to_neighbours",
    "recent_trend",
    "quartile_band",
]

#: Columns computed from ``count`` and ``denominator``: the value, its 95% and 99.8% limits and
#: the comparison labels.
INDICATOR_DERIVED_COLUMNS = (
    "value",
    "lower_ci_95",
    "upper_ci_95",
    "lower_ci_998",
    "upper_ci_998",
    *_COMPARISONS,
)

#: Columns in the order they are written to ``indicators.csv``.
INDICATOR_COLUMNS: list[str] = [
    *_ROW_LABELS,
    "count",
    "denominator",
    *INDICATOR_DERIVED_COLUMNS,
    "note",
]

_TEXT = {*_ROW_LABELS, *_COMPARISONS, "note"}

#: Sort order of area types in outputs.
AREA_TYPE_ORDER = ["Local authority", "Region", "England", "Statistical neighbour", "Ward", "LSOA"]


def academic_year_label(census_year: int | pd.Series) -> str | pd.Series:
    """Label of the academic year whose January census is ``census_year`` (2025 → ``"2024/25"``)."""
    if isinstance(census_year, pd.Series):
        years = census_year.astype(int)
        return (years - 1).astype(str) + "/" + (years % 100).map("{:02d}".format)
    return f"{census_year - 1}/{census_year % 100:02d}"


def finalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Give an indicator frame every contract column, in order, with stable sorting.

    Missing columns are added empty; text columns become strings with ``""`` for missing;
    numeric columns become floats. Rows are sorted by indicator, breakdown, period, area type
    and area code so that two runs write identical files.
    """
    out = frame.copy()
    for column in INDICATOR_COLUMNS:
        if column not in out:
            out[column] = "" if column in _TEXT else np.nan
    for column in INDICATOR_COLUMNS:
        if column in _TEXT:
            out[column] = out[column].astype("object").where(out[column].notna(), "").astype(str)
        else:
            out[column] = pd.to_numeric(out[column], errors="coerce").astype(float)
    rank = {name: i for i, name in enumerate(AREA_TYPE_ORDER)}
    out["_type_rank"] = out["area_type"].map(rank).fillna(len(rank))
    out = out.sort_values(
        ["indicator_id", "breakdown", "period", "_type_rank", "area_code"], kind="stable"
    )
    return out[INDICATOR_COLUMNS].reset_index(drop=True)
