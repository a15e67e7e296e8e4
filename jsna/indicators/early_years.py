"""Early years and early identification: rows of the long indicator table.

Three kinds of figures, each on its own basis (stated under every table that shows it):

* **Good level of development (GLD) at the end of reception by SEN status**, from DfE's *Early
  years foundation stage profile results* (counts of children assessed and reaching GLD, so
  Wilson intervals; :func:`jsna.indicators.outcomes.eyfs_rows`), and the gap between children
  with no identified SEN and each SEN group in percentage points with Newcombe's hybrid score
  limits (:func:`gld_gap_rows`).
* **LAIT's published series** (:func:`lait_early_rows`): GLD for children on SEN support
  (``FSP_Gooddev_Without_SENSTATE``: SEN *without* a statement or EHC plan) and with an EHC plan
  (``FSP_Gooddev_With_SENSTATE``) in every year since 2015/16, and OHID's PHOF 2.05ii, the
  percentage of children aged 2 to 2 1/2 whose review used the ASQ-3 questionnaire
  (``HCP_PHOF``, financial years). Percentages only, so no interval. LAIT has no GLD series for
  children with no SEN, so the gap with no SEN comes from DfE's EYFS file alone.
* **SEN among the youngest pupils** in the council's own census (:func:`young_pupil_rows`): SEN
  support and EHC plans in nursery and reception, counts out of pupils on roll in each year
  group, with Wilson intervals. No England figure by year group is in the published files the
  toolkit reads, so these rows are the council's only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.indicators.lait_series import LaitMeasure, lait_measure_rows
from jsna.indicators.lait_series import lait_year_types as shared_year_types
from jsna.indicators.outcomes import EYFS_GLD
from jsna.indicators.table import academic_year_label
from jsna.indicators.year_groups import PLAN, PUPILS, SUPPORT, year_group_name
from jsna.stats.difference import difference_of_proportions

#: DfE's EYFS file: GLD by SEN status (Wilson limits from counts).
GLD = EYFS_GLD
#: The gap in GLD between children with no identified SEN and each SEN group (points).
GLD_GAP = "eyfs_gld_gap_points"
#: LAIT's GLD series by SEN provision (whole percentages before 2022, one decimal since).
GLD_LAIT = "eyfs_gld_lait_percent"
#: OHID PHOF 2.05ii as LAIT publishes it.
ASQ3 = "early_years_asq3_review_percent"
#: The council's census: SEN support and EHC plans among pupils in nursery and reception.
YOUNG_SEN_SUPPORT = "early_years_sen_support_percent"
YOUNG_EHC_PLAN = "early_years_ehc_plan_percent"

GAPS = (("No SEN minus SEN support", "SEN support"), ("No SEN minus EHC plan", "EHC plan"))
#: The breakdown of the ASQ-3 series (one figure for all children reviewed).
ALL_CHILDREN = "All children reviewed"
#: The census year groups of the youngest pupils, in school order.
YOUNG_YEAR_GROUPS = ("N1", "N2", "R")

#: indicator id -> words for tables and charts.
LABELS: dict[str, str] = {
    GLD: "Children reaching a good level of development at the end of reception (%)",
    GLD_GAP: "Gap in a good level of development, no SEN minus SEN group (percentage points)",
    GLD_LAIT: "Children reaching a good level of development at the end of reception (%)",
    ASQ3: "Children aged 2 to 2½ whose review used the ASQ-3 questionnaire (%)",
    YOUNG_SEN_SUPPORT: "Pupils receiving SEN support (%)",
    YOUNG_EHC_PLAN: "Pupils with an EHC plan (%)",
}
POLARITY: dict[str, str] = {
    GLD: "High is good", GLD_GAP: "Low is good", GLD_LAIT: "High is good",
    ASQ3: "High is good", YOUNG_SEN_SUPPORT: "Not applicable", YOUNG_EHC_PLAN: "Not applicable",
}


#: The LAIT series, in the order the chapter shows them.
LAIT_SERIES: tuple[LaitMeasure, ...] = (
    LaitMeasure("FSP_Gooddev_Without_SENSTATE", GLD_LAIT, "SEN support", "Academic Year"),
    LaitMeasure("FSP_Gooddev_With_SENSTATE", GLD_LAIT, "EHC plan", "Academic Year"),
    LaitMeasure("HCP_PHOF", ASQ3, ALL_CHILDREN, "Financial Year"),
)

_AREA = ["area_code", "area_name", "area_type", "period"]


def lait_year_types() -> pd.DataFrame:
    """The LAIT dictionary entries of :data:`LAIT_SERIES` (academic years for the EYFS profile,
    financial years for the ASQ-3 review), for :func:`jsna.sources.lait.read_lait`."""
    return shared_year_types(LAIT_SERIES)


def lait_early_rows(lait: pd.DataFrame) -> pd.DataFrame:
    """Rows of the long indicator table from LAIT's early years series.

    Parameters
    ----------
    lait : DataFrame
        :func:`jsna.sources.lait.read_lait` read with :func:`lait_year_types`.

    Returns
    -------
    DataFrame
        ``indicator_id, area_code, area_name, area_type, period, breakdown, value, lower_ci_95,
        upper_ci_95, note``: LAIT's values as published, no limits, LAIT's ``-`` as the note
        ``[x]`` (not available, never zero). Areas without a GSS code are left out.
    """
    return lait_measure_rows(lait, LAIT_SERIES)


def gld_gap_rows(eyfs: pd.DataFrame) -> pd.DataFrame:
    """The gap in GLD between children with no identified SEN and each SEN group, every area.

    Percentage points with Newcombe's hybrid score 95% limits from DfE's counts; a gap with
    either side missing is missing, with that side's published symbol as its note.

    Parameters
    ----------
    eyfs : DataFrame
        :func:`jsna.sources.eyfs.read_eyfs_gld_by_sen`.

    Returns
    -------
    DataFrame
        ``indicator_id, area_code, area_name, area_type, period, breakdown, value, lower_ci_95,
        upper_ci_95, note`` (empty when the file has no SEN breakdown).

    Examples
    --------
    >>> eyfs = pd.DataFrame({"area_code": "E1", "area_name": "A", "area_type": "England",
    ...     "period": "2021/22", "sen_group": ["No SEN", "SEN support"],
    ...     "gld_number": [56.0, 48.0], "children_number": [70.0, 80.0],
    ...     "gld_number_note": "", "children_number_note": ""})
    >>> gld_gap_rows(eyfs)[["breakdown", "value"]].round(1).values.tolist()
    [['No SEN minus SEN support', 20.0]]
    """
    columns = ["indicator_id", *_AREA, "breakdown", "value", "lower_ci_95", "upper_ci_95",
               "note"]
    by_group = eyfs.set_index([*_AREA, "sen_group"])
    groups = set(by_group.index.get_level_values("sen_group"))
    if "No SEN" not in groups:
        return pd.DataFrame(columns=columns)

    def group_rows(group: str) -> pd.DataFrame:
        chosen = by_group.index.get_level_values("sen_group") == group
        return by_group.loc[chosen].droplevel("sen_group")

    no_sen = group_rows("No SEN")
    parts = []
    for label, group in GAPS:
        if group not in groups:
            continue
        other = group_rows(group).reindex(no_sen.index)
        difference, lower, upper = difference_of_proportions(
            no_sen["gld_number"], no_sen["children_number"], other["gld_number"],
            other["children_number"])
        part = pd.DataFrame(index=no_sen.index)
        part["indicator_id"] = GLD_GAP
        part["breakdown"] = label
        part["value"] = difference * 100
        part["lower_ci_95"] = lower * 100
        part["upper_ci_95"] = upper * 100
        note = pd.Series("", index=no_sen.index, dtype=object)
        for frame in (no_sen, other):
            for measure in ("gld_number", "children_number"):
                symbol = frame[f"{measure}_note"].fillna("[x]").astype(str)
                note = note.where(note != "", symbol)
        part["note"] = note.where(part["value"].isna(), "")
        parts.append(part.reset_index())
    return pd.concat(parts, ignore_index=True)[columns]


def young_pupil_rows(protected: dict[int, pd.DataFrame], area_code: str,
                     area_name: str) -> pd.DataFrame:
    """SEN support and EHC plans among pupils in nursery and reception, one census each.

    Parameters
    ----------
    protected : dict
        Census year -> the table of :func:`jsna.indicators.year_groups.year_group_counts` after
        :func:`jsna.indicator_disclosure.protect_year_group_table` (hidden counts missing).
    area_code, area_name : str
        The council.

    Returns
    -------
    DataFrame
        Rows with ``count`` and ``denominator`` (pupils in the year group) for each year group
        of :data:`YOUNG_YEAR_GROUPS` the census has; a row whose count or denominator was
        hidden by the table's disclosure control has no count and the note ``[c]`` (the
        denominator is missing only where the table hid it).
    """
    names = {year_group_name(code): code for code in YOUNG_YEAR_GROUPS}
    parts = []
    for year, table in sorted(protected.items()):
        young = table[table["Year group"].isin(names)]
        for indicator, column in ((YOUNG_SEN_SUPPORT, SUPPORT), (YOUNG_EHC_PLAN, PLAN)):
            hidden = young[column].isna() | young[PUPILS].isna()
            parts.append(pd.DataFrame({
                "indicator_id": indicator, "area_code": area_code, "area_name": area_name,
                "area_type": "Local authority", "period": academic_year_label(int(year)),
                "breakdown": young["Year group"].to_numpy(),
                "count": young[column].where(~hidden).to_numpy(dtype=float),
                "denominator": young[PUPILS].to_numpy(dtype=float),
                "note": np.where(hidden, "[c]", ""),
            }))
    if not parts:
        return pd.DataFrame(columns=["indicator_id", *_AREA, "breakdown", "count",
                                     "denominator", "note"])
    return pd.concat(parts, ignore_index=True)
