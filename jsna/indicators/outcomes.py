"""Outcomes by SEN status from published files: key stage 4 and the early years foundation stage.

Rows of the long indicator table for every area in DfE's files:

* **Proportions** (:func:`ks4_proportion_rows`, :func:`eyfs_rows`): a published count and
  denominator, so the pipeline gives them Wilson 95% limits and compares areas by interval
  overlap.
* **Means** (:func:`ks4_mean_rows`): Attainment 8 is published as a mean without a standard
  deviation, so it has no confidence interval and areas can only be compared by the size of the
  difference, never by a significance test; Progress 8 is published with DfE's own 95% limits,
  which are kept.
* **Gaps** (:func:`ks4_gap_rows`): pupils with no SEN minus each SEN group, in percentage points
  (with Newcombe's limits, :func:`jsna.stats.difference.difference_of_proportions`) for 9-4 in
  English and maths, and in points (no limits) for Attainment 8.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.stats.difference import difference_of_proportions

#: SEN groups, in the order tables show them.
SEN_GROUPS = ("No SEN", "SEN support", "EHC plan")
#: The gaps: (label, group compared with pupils with no SEN).
GAPS = (("No SEN minus SEN support", "SEN support"), ("No SEN minus EHC plan", "EHC plan"))

BASICS_94 = "ks4_basics_94_percent"
BASICS_95 = "ks4_basics_95_percent"
ATTAINMENT_8 = "ks4_attainment8_mean"
PROGRESS_8 = "ks4_progress8_mean"
BASICS_94_GAP = "ks4_basics_94_gap_points"
ATTAINMENT_8_GAP = "ks4_attainment8_gap"
EYFS_GLD = "eyfs_gld_percent"

#: indicator id -> words for tables and charts.
LABELS: dict[str, str] = {
    BASICS_94: "Pupils achieving grade 9-4 in English and maths (%)",
    BASICS_95: "Pupils achieving grade 9-5 in English and maths (%)",
    ATTAINMENT_8: "Average Attainment 8 score",
    PROGRESS_8: "Average Progress 8 score",
    BASICS_94_GAP: "Gap in grade 9-4 in English and maths, no SEN minus SEN group (percentage points)",
    ATTAINMENT_8_GAP: "Gap in Attainment 8, no SEN minus SEN group (points)",
    EYFS_GLD: "Children reaching a good level of development at the end of reception (%)",
}

_AREA = ["area_code", "area_name", "area_type", "period"]


def ks4_proportion_rows(ks4: pd.DataFrame) -> pd.DataFrame:
    """Grade 9-4 and 9-5 in English and maths by SEN group: counts and denominators.

    Parameters
    ----------
    ks4 : DataFrame
        :func:`jsna.sources.ks4_attainment.read_ks4_by_sen`.

    Returns
    -------
    DataFrame
        ``indicator_id, area_code, area_name, area_type, period, breakdown, count, denominator,
        note`` (the count's or the denominator's published symbol).
    """
    groups = ks4[ks4["sen_group"].isin(SEN_GROUPS)]
    parts = [_count_rows(groups, indicator, count, "t_pupils")
             for indicator, count in ((BASICS_94, "t_l2basics_94"),
                                      (BASICS_95, "t_l2basics_95"))]
    return pd.concat(parts, ignore_index=True)


def _count_rows(groups: pd.DataFrame, indicator: str, count: str,
                denominator: str) -> pd.DataFrame:
    """Rows of one indicator by SEN group from a count and a denominator column; the note is
    the count's published symbol, else the denominator's."""
    part = groups[_AREA].copy()
    part["indicator_id"] = indicator
    part["breakdown"] = groups["sen_group"]
    part["count"] = groups[count]
    part["denominator"] = groups[denominator]
    part["note"] = groups[f"{count}_note"].where(groups[f"{count}_note"] != "",
                                                 groups[f"{denominator}_note"])
    return part


def ks4_mean_rows(ks4: pd.DataFrame) -> pd.DataFrame:
    """Attainment 8 and Progress 8 by SEN group: DfE's published means.

    Attainment 8 rows have no confidence limits (DfE publishes no standard deviation); Progress 8
    rows carry DfE's published 95% limits. ``denominator`` is the pupils the mean is over.

    Returns
    -------
    DataFrame
        ``indicator_id, area_code, area_name, area_type, period, breakdown, denominator, value,
        lower_ci_95, upper_ci_95, note``.
    """
    groups = ks4[ks4["sen_group"].isin(SEN_GROUPS)]
    attainment = groups[_AREA].copy()
    attainment["indicator_id"] = ATTAINMENT_8
    attainment["denominator"] = groups["t_pupils"]
    attainment["value"] = groups["avg_att8"]
    attainment["lower_ci_95"] = np.nan
    attainment["upper_ci_95"] = np.nan
    attainment["note"] = groups["avg_att8_note"]
    progress = groups[_AREA].copy()
    progress["indicator_id"] = PROGRESS_8
    progress["denominator"] = groups["t_inp8calc"]
    progress["value"] = groups["avg_p8score"]
    progress["lower_ci_95"] = groups["p8score_ci_low"]
    progress["upper_ci_95"] = groups["p8score_ci_upp"]
    progress["note"] = groups["avg_p8score_note"]
    for part in (attainment, progress):
        part["breakdown"] = groups["sen_group"]
    return pd.concat([attainment, progress], ignore_index=True)


def ks4_gap_rows(ks4: pd.DataFrame) -> pd.DataFrame:
    """The gap between pupils with no SEN and each SEN group, in every area.

    9-4 in English and maths: percentage points, with Newcombe's hybrid score 95% limits from the
    published counts. Attainment 8: points, without limits (means without standard deviations).
    A gap with either side missing is missing, with that side's published symbol as its note.

    Returns
    -------
    DataFrame
        ``indicator_id, area_code, area_name, area_type, period, breakdown, value, lower_ci_95,
        upper_ci_95, note``.
    """
    by_group = ks4.set_index([*_AREA, "sen_group"])

    def group_rows(group: str) -> pd.DataFrame:
        chosen = by_group.index.get_level_values("sen_group") == group
        return by_group.loc[chosen].droplevel("sen_group")

    no_sen = group_rows("No SEN")
    parts = []
    for label, group in GAPS:
        other = group_rows(group).reindex(no_sen.index)
        difference, lower, upper = difference_of_proportions(
            no_sen["t_l2basics_94"], no_sen["t_pupils"], other["t_l2basics_94"],
            other["t_pupils"])
        basics = pd.DataFrame(index=no_sen.index)
        basics["indicator_id"] = BASICS_94_GAP
        basics["value"] = difference * 100
        basics["lower_ci_95"] = lower * 100
        basics["upper_ci_95"] = upper * 100
        basics["note"] = _either_note(no_sen, other, ["t_l2basics_94", "t_pupils"])
        attainment = pd.DataFrame(index=no_sen.index)
        attainment["indicator_id"] = ATTAINMENT_8_GAP
        attainment["value"] = no_sen["avg_att8"] - other["avg_att8"]
        attainment["lower_ci_95"] = np.nan
        attainment["upper_ci_95"] = np.nan
        attainment["note"] = _either_note(no_sen, other, ["avg_att8"])
        for part in (basics, attainment):
            part["breakdown"] = label
            parts.append(part.reset_index())
    return pd.concat(parts, ignore_index=True)


def _either_note(first: pd.DataFrame, second: pd.DataFrame, measures: list[str]) -> pd.Series:
    """The first published symbol on either side of a gap (``""`` when there is none)."""
    note = pd.Series("", index=first.index, dtype=object)
    for frame in (first, second):
        for measure in measures:
            symbol = frame[f"{measure}_note"].fillna("").astype(str)
            note = note.where(note != "", symbol)
    # a group absent from the file is not published for that area
    absent = second["t_pupils"].isna() & (second["t_pupils_note"].fillna("") == "")
    return note.where(~absent | (note != ""), "[x]")


def eyfs_rows(eyfs: pd.DataFrame) -> pd.DataFrame:
    """Good level of development by SEN group (or all children when the file has no SEN).

    Takes :func:`jsna.sources.eyfs.read_eyfs_gld_by_sen` and returns the columns
    :func:`ks4_proportion_rows` returns, for the SEN groups (``No SEN``, ``SEN support``, ``EHC
    plan``), or for all children (``All pupils``) when the file has no SEN breakdown.
    """
    # all children only when the file has no SEN breakdown: beside the groups, the total would
    # give back a group hidden by disclosure control (total minus the others)
    has_sen = eyfs["sen_group"].isin(SEN_GROUPS).any()
    chosen = eyfs[eyfs["sen_group"].isin(SEN_GROUPS if has_sen else ["All pupils"])]
    return _count_rows(chosen, EYFS_GLD, "gld_number", "children_number").reset_index(drop=True)
