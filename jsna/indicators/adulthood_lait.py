"""Preparation for adulthood from DfE's Local Authority Interactive Tool (LAIT): participation,
destinations after key stage 4 and qualifications at 19 of young people with SEN.

LAIT publishes these as percentages only (no counts, no denominators), for every council, region
and England over several years, so the rows of the long indicator table are DfE's values as
published: no confidence interval, compared by the size of the difference (never a significance
test), banded in quartiles among councils, their trend shown as the published series.

What each measure covers (the basis stated under every table):

* ``16-17YroldSEN_ET`` - of young people aged 16 and 17 with SEND known to the council, the
  percentage in education or training at the end of March (LAIT's year is that March);
* ``KS4_SEN_Des_incSpec`` - of pupils with SEN (EHC plan or SEN support) at the end of key stage 4
  in state-funded schools, special schools included, the percentage with a sustained education,
  apprenticeship or employment destination (two terms or more) in the following year (LAIT's
  academic year);
* ``SusEdOverall_NoSEN_incSpec`` / ``SEN_NoStat`` / ``SEN_Stat`` - the same destination measure
  for pupils with no SEN, on SEN support and with an EHC plan (or statement) at the end of key
  stage 4, special schools included (LAIT's ``SusEdOverall_All`` covers mainstream schools only, so
  it is not read: it is not like for like);
* ``Age19_*_L2EM`` / ``Age19_*_L3`` - of young people by their SEN status at academic age 15
  (no SEN, SEN support, EHC plan or statement), the percentage qualified to Level 2 including
  English and maths, and to Level 3, by age 19 (the academic year they turned 19).
"""

from __future__ import annotations

import pandas as pd

from jsna.indicators.lait_series import LaitMeasure, lait_measure_rows
from jsna.indicators.lait_series import lait_year_types as shared_year_types

#: 16 and 17 year olds with SEND in education or training (%).
SEN_IN_EDUCATION = "adulthood_sen_in_education_training_percent"
#: Pupils with SEN in a sustained destination after key stage 4 (%).
KS4_DESTINATION = "adulthood_ks4_sen_sustained_destination_percent"
#: Young people qualified to Level 2 with English and maths by 19, by SEN status at 15 (%).
AGE19_LEVEL2_EM = "adulthood_age19_level2_english_maths_percent"
#: Young people qualified to Level 3 by 19, by SEN status at 15 (%).
AGE19_LEVEL3 = "adulthood_age19_level3_percent"

SEND = "With SEND"
SEN_PUPILS = "Pupils with SEN"
AGE19_GROUPS = ("No SEN", "SEN support", "EHC plan")

#: indicator id -> words for tables and charts.
LABELS: dict[str, str] = {
    SEN_IN_EDUCATION: "16 and 17 year olds with SEND in education or training (%)",
    KS4_DESTINATION: "Pupils with SEN in a sustained education, apprenticeship or employment "
                     "destination after key stage 4 (%)",
    AGE19_LEVEL2_EM: "Qualified to Level 2 including English and maths by age 19 (%)",
    AGE19_LEVEL3: "Qualified to Level 3 by age 19 (%)",
}
#: Every measure is high-is-good (LAIT's data dictionary says ``High`` for each).
POLARITY: dict[str, str] = {indicator: "High is good" for indicator in LABELS}


#: The LAIT series read, in the order tables show them.
MEASURES: tuple[LaitMeasure, ...] = (
    # LAIT's dictionary calls this a financial year; it is the position at the end of March, so
    # the period is kept as LAIT's year ("2025" = March 2025), never "2024-25"
    LaitMeasure("16-17YroldSEN_ET", SEN_IN_EDUCATION, SEND, ""),
    LaitMeasure("KS4_SEN_Des_incSpec", KS4_DESTINATION, SEN_PUPILS, "Academic Year"),
    # the same destination measure by SEN status at the end of key stage 4 (Year 11)
    LaitMeasure("SusEdOverall_NoSEN_incSpec", KS4_DESTINATION, "No SEN", "Academic Year"),
    LaitMeasure("SusEdOverall_SEN_NoStat_incSpec", KS4_DESTINATION, "SEN support",
                "Academic Year"),
    LaitMeasure("SusEdOverall_SEN_Stat_incSpec", KS4_DESTINATION, "EHC plan", "Academic Year"),
    LaitMeasure("Age19_NoNSEN_L2EM", AGE19_LEVEL2_EM, "No SEN", "Academic Year"),
    LaitMeasure("Age19_SENwoS_L2EM", AGE19_LEVEL2_EM, "SEN support", "Academic Year"),
    LaitMeasure("Age19_SEN-S_L2EM", AGE19_LEVEL2_EM, "EHC plan", "Academic Year"),
    LaitMeasure("Age19_NoNSEN_L3", AGE19_LEVEL3, "No SEN", "Academic Year"),
    LaitMeasure("Age19_SENwoS_L3", AGE19_LEVEL3, "SEN support", "Academic Year"),
    LaitMeasure("Age19_SEN-S_L3", AGE19_LEVEL3, "EHC plan", "Academic Year"),
)


def lait_year_types() -> pd.DataFrame:
    """The LAIT dictionary entries these measures need (year types and polarity), passed to
    :func:`jsna.sources.lait.read_lait` so periods are labelled the same with or without
    LAIT's own dictionary."""
    return shared_year_types(MEASURES)


def adulthood_lait_rows(lait: pd.DataFrame) -> pd.DataFrame:
    """Rows of the long indicator table from the LAIT series in :data:`MEASURES`.

    Parameters
    ----------
    lait : DataFrame
        :func:`jsna.sources.lait.read_lait` (read with :func:`lait_year_types`).

    Returns
    -------
    DataFrame
        ``indicator_id, area_code, area_name, area_type, period, breakdown, value, lower_ci_95,
        upper_ci_95, note``: DfE's value as published, no limits (LAIT publishes no counts);
        LAIT's ``-`` is the note ``[x]`` (not available), never a zero. Inner and Outer London
        (no GSS code) are left out; series the file lacks give no rows.

    Examples
    --------
    >>> import numpy as np
    >>> lait = pd.DataFrame({"indicator": ["Age19_SEN-S_L3", "Age19_SEN-S_L3"],
    ...     "area_code": ["E92000001", "E06000014"], "area_name": ["England", "York"],
    ...     "area_type": ["England", "Local authority"], "period": "2023/24",
    ...     "value": [14.15, np.nan], "note": ["", "[-]"]})
    >>> adulthood_lait_rows(lait)[["breakdown", "value", "note"]].values.tolist()
    [['EHC plan', 14.15, ''], ['EHC plan', nan, '[x]']]
    """
    return lait_measure_rows(lait, MEASURES)


