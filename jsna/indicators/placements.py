"""EHC plans by type of setting and by age band, from DfE's SEN2 published files.

SEN2 counts every EHC plan a council *maintains* in January, wherever the child or young person
is educated: in the council's own schools or another council's, in independent and
non-maintained special schools, in colleges and other post-16 providers, in early years
settings, at home or nowhere. The shares here are of all the council's plans, so they add up to
100% (the catalogue declares the breakdowns a partition of the plans).

* :func:`setting_rows`: DfE's placement columns grouped into seven types of setting; the last,
  "Other", is the plans DfE places anywhere else (educated elsewhere, non-maintained early
  years, not known, and in older releases plans DfE did not place), worked out as all plans
  minus the six named types;
* :func:`jsna.indicators.adulthood.plans_by_age_rows` with every band: the plans by age band
  (DfE's bands, from :func:`jsna.forecast.series.read_plans_by_age`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SETTINGS_INDICATOR = "placements_setting_percent"
AGE_INDICATOR = "placements_plans_by_age_percent"
RESOURCED_INDICATOR = "placements_resourced_provision_percent"

MAINSTREAM = "Mainstream school"
STATE_SPECIAL = "State-funded special school"
INDEPENDENT_SPECIAL = "Independent or non-maintained special school"
AP = "Alternative provision or pupil referral unit"
POST_16 = "College or other post-16 provider"
OTHER = "Other: educated elsewhere, early years or not known"

#: type of setting -> DfE's caseload columns that add up to it (all but "Other")
SETTING_COLUMNS: dict[str, tuple[str, ...]] = {
    MAINSTREAM: ("mainstream_total",),
    STATE_SPECIAL: ("special_la_maintained", "special_academy_free"),
    INDEPENDENT_SPECIAL: ("special_independent", "special_non_maintained"),
    AP: ("ap_pru_total",),
    POST_16: ("fe_total",),
}
SETTINGS = (*SETTING_COLUMNS, OTHER)
#: mainstream places in resourced provision or SEN units (part of "Mainstream school")
RESOURCED_COLUMNS = tuple(f"mainstream_{kind}_{unit}" for kind in ("la_maintained", "academy",
                                                                   "free_school")
                          for unit in ("resourced_provision", "senunit"))
ALL_PLANS = "All EHC plans"
_AREA = ["area_code", "area_name", "area_type", "period"]


def _total(frame: pd.DataFrame, columns: tuple[str, ...]) -> tuple[pd.Series, pd.Series]:
    """The sum of some measure columns, missing (with the first symbol) when any is a symbol."""
    values = frame[list(columns)]
    total = values.sum(axis=1, min_count=len(columns)).where(values.notna().all(axis=1))
    note = pd.Series("", index=frame.index, dtype=object)
    for column in columns:
        symbol = frame[f"{column}_note"].fillna("").astype(str)
        note = note.where(note != "", symbol)
    return total, note.where(total.isna(), "")


def setting_rows(caseload: pd.DataFrame) -> pd.DataFrame:
    """EHC plans by type of setting: count and denominator (all plans) for every area and year.

    Parameters
    ----------
    caseload : DataFrame
        :func:`jsna.sources.ees.read_ees_wide` of DfE's SEN2 ``caseload.csv``.

    Returns
    -------
    DataFrame
        ``indicator_id`` (:data:`SETTINGS_INDICATOR`, and :data:`RESOURCED_INDICATOR` for
        mainstream resourced provision and SEN units where the file has their columns),
        ``area_code, area_name, area_type, period, breakdown, count, denominator, note``.

    Examples
    --------
    >>> cells = {c: [10.0] for cols in SETTING_COLUMNS.values() for c in cols}
    >>> cells |= {f"{c}_note": [""] for c in list(cells)}
    >>> frame = pd.DataFrame({"area_code": ["E06000001"], "area_name": ["A"],
    ...     "area_type": ["Local authority"], "period": ["2024/25"],
    ...     "breakdown_topic": [ALL_PLANS], "ehcplans": [80.0], "ehcplans_note": [""], **cells})
    >>> setting_rows(frame).set_index("breakdown")["count"].tolist()
    [10.0, 20.0, 20.0, 10.0, 10.0, 10.0]
    """
    plans = caseload[caseload["breakdown_topic"] == ALL_PLANS].reset_index(drop=True)
    denominator = plans["ehcplans"]
    parts = []
    named = pd.Series(0.0, index=plans.index)
    named_note = pd.Series("", index=plans.index, dtype=object)
    for setting, columns in SETTING_COLUMNS.items():
        count, note = _total(plans, columns)
        named = named + count
        named_note = named_note.where(named_note != "", note)
        parts.append(_part(plans, SETTINGS_INDICATOR, setting, count, denominator, note))
    other = (denominator - named).where(named.notna())
    parts.append(_part(plans, SETTINGS_INDICATOR, OTHER, other, denominator, named_note))
    if all(column in plans for column in RESOURCED_COLUMNS):
        count, note = _total(plans, RESOURCED_COLUMNS)
        parts.append(_part(plans, RESOURCED_INDICATOR, MAINSTREAM, count, denominator, note))
    out = pd.concat(parts, ignore_index=True)
    out["note"] = out["note"].where(out["note"] != "", plans["ehcplans_note"].reindex(
        out["_row"]).fillna("").to_numpy())
    return out.drop(columns="_row")


def _part(plans: pd.DataFrame, indicator: str, setting: str, count: pd.Series,
          denominator: pd.Series, note: pd.Series) -> pd.DataFrame:
    part = plans[_AREA].copy()
    part["indicator_id"] = indicator
    part["breakdown"] = setting
    part["count"] = count.where(note == "", np.nan)
    part["denominator"] = denominator
    part["note"] = note
    part["_row"] = plans.index
    return part
