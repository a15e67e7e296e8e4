"""Key stage 2, absence and exclusions by SEN from DfE's Local Authority Interactive Tool (LAIT).

LAIT publishes these measures as percentages only (no counts, no denominators), for every council,
region and England over several years. Rows of the long indicator table are therefore DfE's
values as published: no confidence interval, compared with England, the region and the
neighbours by the size of the difference (never a significance test), banded in quartiles among
councils, with their trend shown as the published series.

What each measure covers (the basis stated under every comparison):

* **Key stage 2** expected standard in reading, writing and maths: pupils in state-funded schools
  by SEN status (no SEN, SEN support, EHC plan), and the gap between pupils with no SEN and each
  SEN group in percentage points (differences of published whole percentages);
* **Key stage 2 progress** in reading, writing and maths by SEN status (average progress scores,
  0 = the national average of all pupils; none for 2023/24 and 2024/25, whose pupils have no key
  stage 1 results) and the gap between pupils with no SEN and each SEN group in points. DfE
  publishes 95% confidence intervals for progress scores in its own key stage 2 files, but LAIT
  gives the scores only: none is invented here;
* **multiplication tables check**: pupils in year 4 scoring full marks (25), for all pupils with
  SEN, on SEN support and with an EHC plan (LAIT has no figure for pupils with no SEN, so no gap);
* **absence**: LAIT gives absence *in special schools* (overall and persistent), not by SEN
  status; persistent absence of all pupils in state-funded schools is shown beside it;
* **exclusions**: suspensions and permanent exclusions per 100 pupils *in special schools*, with
  the rates for all state-funded schools beside them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.indicators.lait_series import LaitMeasure, lait_measure_rows
from jsna.indicators.lait_series import lait_year_types as shared_year_types

KS2_RWM = "ks2_rwm_expected_percent"
KS2_RWM_GAP = "ks2_rwm_gap_points"
ABSENCE_OVERALL = "absence_overall_percent"
ABSENCE_PERSISTENT = "absence_persistent_percent"
SUSPENSION_RATE = "suspension_rate_per_100"
SUSPENDED_PUPILS = "suspended_pupils_percent"
PERMANENT_EXCLUSION_RATE = "permanent_exclusion_rate_per_100"
#: the same measures for all pupils in state-funded schools (context for the special schools')
ABSENCE_PERSISTENT_ALL = "absence_persistent_all_schools_percent"
SUSPENSION_RATE_ALL = "suspension_rate_all_schools_per_100"
PERMANENT_EXCLUSION_RATE_ALL = "permanent_exclusion_rate_all_schools_per_100"

KS2_READING_PROGRESS = "ks2_reading_progress_score"
KS2_WRITING_PROGRESS = "ks2_writing_progress_score"
KS2_MATHS_PROGRESS = "ks2_maths_progress_score"
KS2_READING_PROGRESS_GAP = "ks2_reading_progress_gap_points"
KS2_WRITING_PROGRESS_GAP = "ks2_writing_progress_gap_points"
KS2_MATHS_PROGRESS_GAP = "ks2_maths_progress_gap_points"
MTC_FULL_MARKS = "mtc_full_marks_percent"
#: indicator -> its gap between pupils with no SEN and each SEN group
GAP_OF = {KS2_RWM: KS2_RWM_GAP, KS2_READING_PROGRESS: KS2_READING_PROGRESS_GAP,
          KS2_WRITING_PROGRESS: KS2_WRITING_PROGRESS_GAP,
          KS2_MATHS_PROGRESS: KS2_MATHS_PROGRESS_GAP}
KS2_PROGRESS = (KS2_READING_PROGRESS, KS2_WRITING_PROGRESS, KS2_MATHS_PROGRESS)
MTC_GROUPS = ("All SEN", "SEN support", "EHC plan")

SPECIAL = "Special schools"
ALL_SCHOOLS = "All state-funded schools"
KS2_GROUPS = ("No SEN", "SEN support", "EHC plan")
KS2_GAPS = (("No SEN minus SEN support", "SEN support"), ("No SEN minus EHC plan", "EHC plan"))

#: indicator id -> words for tables and charts.
LABELS: dict[str, str] = {
    KS2_RWM: "Pupils meeting the expected standard in reading, writing and maths at key stage 2 (%)",
    KS2_RWM_GAP: "Gap in the expected standard at key stage 2, no SEN minus SEN group "
                 "(percentage points)",
    ABSENCE_OVERALL: "Overall absence rate (% of sessions missed)",
    ABSENCE_PERSISTENT: "Pupils who are persistently absent (%)",
    SUSPENSION_RATE: "Suspensions per 100 pupils",
    SUSPENDED_PUPILS: "Pupils with one or more suspensions (%)",
    PERMANENT_EXCLUSION_RATE: "Permanent exclusions per 100 pupils",
    ABSENCE_PERSISTENT_ALL: "Pupils who are persistently absent (%)",
    SUSPENSION_RATE_ALL: "Suspensions per 100 pupils",
    PERMANENT_EXCLUSION_RATE_ALL: "Permanent exclusions per 100 pupils",
    KS2_READING_PROGRESS: "Key stage 2 progress score in reading",
    KS2_WRITING_PROGRESS: "Key stage 2 progress score in writing",
    KS2_MATHS_PROGRESS: "Key stage 2 progress score in maths",
    KS2_READING_PROGRESS_GAP: "Gap in key stage 2 reading progress, no SEN minus SEN group "
                              "(points)",
    KS2_WRITING_PROGRESS_GAP: "Gap in key stage 2 writing progress, no SEN minus SEN group "
                              "(points)",
    KS2_MATHS_PROGRESS_GAP: "Gap in key stage 2 maths progress, no SEN minus SEN group "
                            "(points)",
    MTC_FULL_MARKS: "Pupils scoring full marks in the multiplication tables check (%)",
}

#: Which direction is better (Fingertips wording), as in LAIT's data dictionary.
POLARITY: dict[str, str] = {
    KS2_RWM: "High is good", KS2_RWM_GAP: "Low is good", ABSENCE_OVERALL: "Low is good",
    ABSENCE_PERSISTENT: "Low is good", SUSPENSION_RATE: "Low is good",
    SUSPENDED_PUPILS: "Low is good", PERMANENT_EXCLUSION_RATE: "Low is good",
    ABSENCE_PERSISTENT_ALL: "Low is good", SUSPENSION_RATE_ALL: "Low is good",
    PERMANENT_EXCLUSION_RATE_ALL: "Low is good", KS2_READING_PROGRESS: "High is good",
    KS2_WRITING_PROGRESS: "High is good", KS2_MATHS_PROGRESS: "High is good",
    KS2_READING_PROGRESS_GAP: "Low is good", KS2_WRITING_PROGRESS_GAP: "Low is good",
    KS2_MATHS_PROGRESS_GAP: "Low is good", MTC_FULL_MARKS: "High is good",
}


#: The LAIT series read, in the order tables show them.
MEASURES: tuple[LaitMeasure, ...] = (
    LaitMeasure("NoID_SEN_NEW_KS2_RWM", KS2_RWM, "No SEN"),
    LaitMeasure("NEW_KS2_RWM_Sen_W/Osta", KS2_RWM, "SEN support"),
    LaitMeasure("NEW_KS2_RWM_Sen_Withsta", KS2_RWM, "EHC plan"),
    LaitMeasure("total_absence_special", ABSENCE_OVERALL, SPECIAL),
    LaitMeasure("SpecPerAbNew", ABSENCE_PERSISTENT, SPECIAL),
    LaitMeasure("TotPerAbNew", ABSENCE_PERSISTENT_ALL, ALL_SCHOOLS),
    LaitMeasure("SpecFixedEx", SUSPENSION_RATE, SPECIAL),
    LaitMeasure("TotFixedEx", SUSPENSION_RATE_ALL, ALL_SCHOOLS),
    LaitMeasure("Spec_ Pup_FixedEx", SUSPENDED_PUPILS, SPECIAL),
    LaitMeasure("SpecPermEx", PERMANENT_EXCLUSION_RATE, SPECIAL),
    LaitMeasure("TotPermEx", PERMANENT_EXCLUSION_RATE_ALL, ALL_SCHOOLS),
    LaitMeasure("KS2_NonSEN_Reading_Progress", KS2_READING_PROGRESS, "No SEN"),
    LaitMeasure("KS2_SENSupport_Reading_Progress", KS2_READING_PROGRESS, "SEN support"),
    LaitMeasure("KS2_SEN_Reading_Progress", KS2_READING_PROGRESS, "EHC plan"),
    LaitMeasure("KS2_NonSEN_Writing_Progress", KS2_WRITING_PROGRESS, "No SEN"),
    LaitMeasure("KS2_SENSupport_Writing_Progress", KS2_WRITING_PROGRESS, "SEN support"),
    LaitMeasure("KS2_SEN_Writing_Progress", KS2_WRITING_PROGRESS, "EHC plan"),
    LaitMeasure("KS2_NonSEN_Maths_Progress", KS2_MATHS_PROGRESS, "No SEN"),
    LaitMeasure("KS2_SENSupport_Maths_Progress", KS2_MATHS_PROGRESS, "SEN support"),
    LaitMeasure("KS2_SEN_Maths_Progress", KS2_MATHS_PROGRESS, "EHC plan"),
    LaitMeasure("Multiplication_AllSEND", MTC_FULL_MARKS, "All SEN"),
    LaitMeasure("Multiplication_SENDSupport", MTC_FULL_MARKS, "SEN support"),
    LaitMeasure("Multiplication_EHCP", MTC_FULL_MARKS, "EHC plan"),
)


def lait_year_types() -> pd.DataFrame:
    """The LAIT dictionary entries these measures need: every one is an academic-year measure.

    Passed to :func:`jsna.sources.lait.read_lait` so periods read ``"2024/25"`` like DfE's other
    files, whether or not the council has LAIT's own dictionary.
    """
    return shared_year_types(MEASURES, POLARITY)


_AREA = ["area_code", "area_name", "area_type", "period"]


def lait_outcome_rows(lait: pd.DataFrame) -> pd.DataFrame:
    """Rows of the long indicator table from the LAIT series in :data:`MEASURES`.

    Parameters
    ----------
    lait : DataFrame
        :func:`jsna.sources.lait.read_lait` (read with :func:`lait_year_types`).

    Returns
    -------
    DataFrame
        ``indicator_id, area_code, area_name, area_type, period, breakdown, value, lower_ci_95,
        upper_ci_95, note`` (no limits: LAIT publishes percentages only; LAIT's ``-`` is the
        note ``[x]``, not available). Inner and Outer London (no GSS code) are left out; series
        the file lacks give no rows.
    """
    return lait_measure_rows(lait, MEASURES)


def ks2_gap_rows(rows: pd.DataFrame, indicator: str = KS2_RWM) -> pd.DataFrame:
    """The gap between pupils with no SEN and each SEN group at key stage 2, every area and year.

    Differences of LAIT's published figures (whole percentages, in percentage points, or
    progress scores, in points), without limits; a gap with either side missing is missing,
    with that side's note (``[x]``).

    Parameters
    ----------
    rows : DataFrame
        :func:`lait_outcome_rows`.
    indicator : str
        The measure whose gap is worked out: a key of :data:`GAP_OF`.

    Returns
    -------
    DataFrame
        The same columns, ``indicator_id`` = ``GAP_OF[indicator]``.
    """
    gap_indicator = GAP_OF[indicator]
    ks2 = rows[rows["indicator_id"] == indicator].set_index([*_AREA, "breakdown"])
    wide_value = ks2["value"].unstack("breakdown")
    wide_note = ks2["note"].unstack("breakdown")
    parts = []
    for label, group in KS2_GAPS:
        if "No SEN" not in wide_value or group not in wide_value:
            continue
        part = pd.DataFrame(index=wide_value.index)
        part["indicator_id"] = gap_indicator
        part["breakdown"] = label
        part["value"] = wide_value["No SEN"] - wide_value[group]
        part["lower_ci_95"] = np.nan
        part["upper_ci_95"] = np.nan
        note = wide_note["No SEN"].fillna("[x]")
        note = note.where(note != "", wide_note[group].fillna("[x]"))
        part["note"] = note.where(part["value"].isna(), "")
        parts.append(part.reset_index())
    if not parts:
        return rows.iloc[0:0].copy()
    return pd.concat(parts, ignore_index=True)[list(rows.columns)]
