"""Preparation for adulthood: 16 and 17 year olds NEET or whose activity is not known, by SEN
status, and EHC plans held by young people aged 16 to 25.

NEET (from :func:`jsna.sources.neet.read_neet_send`)
    DfE publishes percentages only: of the cohort known to the council (the average of December,
    January and February), the share with an EHC plan, on SEN support and with no SEN, and of each
    group the percentage NEET or not known. The long table needs a count and a denominator for the
    Wilson interval, so both are **estimated** from the published figures:

    * denominator = cohort × share of the cohort in the group / 100 (young people in the group);
    * count = denominator × published percentage / 100.

    Neither is rounded, so the value the pipeline computes (count / denominator × 100) is DfE's
    published percentage exactly; the interval is as wide as the group's size allows.
    ``All`` uses the cohort itself, with DfE's NEET, not known and NEET-or-not-known percentages.

EHC plans by age (from :func:`jsna.forecast.series.read_plans_by_age`)
    Plans held in January by young people aged 16 to 19 and 20 to 25, out of all plans with an
    age band (DfE's SEN2 caseload).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.indicators.table import academic_year_label

#: Young people aged 16 and 17 NEET or whose activity is not known, by SEN status.
NEET_NOT_KNOWN = "adulthood_neet_not_known_percent"
#: Young people aged 16 and 17 NEET (all young people; not published by SEN status).
NEET = "adulthood_neet_percent"
#: Young people aged 16 and 17 whose activity is not known (all; not published by SEN status).
NOT_KNOWN = "adulthood_not_known_percent"
#: EHC plans held by young people aged 16 to 19 / 20 to 25, out of all plans.
PLANS_BY_AGE = "adulthood_plans_by_age_percent"

POLARITY_NEET = "Low is good"

#: Breakdown -> (share-of-cohort measure, NEET or not known measure) of the reader's frame.
GROUPS: dict[str, tuple[str | None, str]] = {
    "All": (None, "neet_not_known_percent"),
    "EHC plan": ("cohort_ehcp_percent", "neet_nk_ehcp_percent"),
    "SEN support": ("cohort_sen_support_percent", "neet_nk_sen_support_percent"),
    "No SEN": ("cohort_no_sen_percent", "neet_nk_no_sen_percent"),
}
#: The age bands whose share of all plans is reported.
ADULT_BANDS = ("16 to 19", "20 to 25")


def _first_note(*notes: pd.Series) -> pd.Series:
    """The first non-empty note of each row."""
    out = notes[0].astype(str)
    for note in notes[1:]:
        out = out.where(out != "", note.astype(str))
    return out


def neet_rows(neet: pd.DataFrame) -> pd.DataFrame:
    """Indicator rows for NEET and not known among 16 and 17 year olds, by SEN status.

    Parameters
    ----------
    neet : DataFrame
        :func:`jsna.sources.neet.read_neet_send` output.

    Returns
    -------
    DataFrame
        ``indicator_id, area_code, area_name, area_type, period, breakdown, count, denominator,
        note``: :data:`NEET_NOT_KNOWN` for each breakdown of :data:`GROUPS`, and :data:`NEET`
        and :data:`NOT_KNOWN` for ``All``. Counts and denominators are estimates (see the
        module); a published symbol on any figure used is kept in ``note`` and leaves both empty.

    Examples
    --------
    >>> frame = pd.DataFrame({"area_code": ["E92000001"], "area_name": ["England"],
    ...     "area_type": ["England"], "period": ["2025"], "cohort": [1000.0], "cohort_note": [""],
    ...     "cohort_ehcp_percent": [5.0], "cohort_ehcp_percent_note": [""],
    ...     "neet_nk_ehcp_percent": [10.0], "neet_nk_ehcp_percent_note": [""]})
    >>> rows = neet_rows(frame.assign(**{c: np.nan for c in ("neet_not_known_percent",
    ...     "neet_percent", "not_known_percent", "cohort_sen_support_percent",
    ...     "neet_nk_sen_support_percent", "cohort_no_sen_percent", "neet_nk_no_sen_percent")},
    ...     **{f"{c}_note": "[x]" for c in ("neet_not_known_percent", "neet_percent",
    ...     "not_known_percent", "cohort_sen_support_percent", "neet_nk_sen_support_percent",
    ...     "cohort_no_sen_percent", "neet_nk_no_sen_percent")}))
    >>> rows.loc[rows["breakdown"] == "EHC plan", ["count", "denominator", "note"]].values.tolist()
    [[5.0, 50.0, '']]
    """
    labels = neet[["area_code", "area_name", "area_type", "period"]]
    parts = []
    for breakdown, (share, measure) in GROUPS.items():
        if share is None:
            denominator = neet["cohort"].astype(float)
            notes = [neet[f"{measure}_note"], neet["cohort_note"]]
        else:
            denominator = neet["cohort"] * neet[share] / 100
            notes = [neet[f"{measure}_note"], neet[f"{share}_note"], neet["cohort_note"]]
        specs = [(NEET_NOT_KNOWN, measure)]
        if breakdown == "All":
            specs += [(NEET, "neet_percent"), (NOT_KNOWN, "not_known_percent")]
        for indicator, column in specs:
            note = _first_note(neet[f"{column}_note"], *notes[1:])
            count = denominator * neet[column] / 100
            part = labels.copy()
            part["indicator_id"] = indicator
            part["breakdown"] = breakdown
            part["count"] = count.where(note == "")
            part["denominator"] = denominator.where(note == "")
            part["note"] = note
            parts.append(part)
    return pd.concat(parts, ignore_index=True)


def plans_by_age_rows(by_age: pd.DataFrame, bands: tuple[str, ...] = ADULT_BANDS,
                      indicator: str = PLANS_BY_AGE) -> pd.DataFrame:
    """Indicator rows for the share of EHC plans held by young people aged 16-19 and 20-25
    (or by any of DfE's age bands: the placements chapter shows them all).

    Parameters
    ----------
    by_age : DataFrame
        :func:`jsna.forecast.series.read_plans_by_age` output (``area_code, area_name,
        area_type, year, age_band, value, note``).
    bands : tuple of str, default :data:`ADULT_BANDS`
        The age bands given rows (the denominator is always every band's plans).
    indicator : str, default :data:`PLANS_BY_AGE`
        The rows' ``indicator_id``.

    Returns
    -------
    DataFrame
        Rows of :data:`PLANS_BY_AGE` with breakdowns :data:`ADULT_BANDS`: ``count`` is the
        band's plans, ``denominator`` the plans of every band in that January and area (empty,
        with the symbol as ``note``, when DfE published a symbol for any band); ``period`` is the
        academic year of the January (2025 -> ``"2024/25"``).

    Examples
    --------
    >>> frame = pd.DataFrame({"area_code": "E92000001", "area_name": "England",
    ...     "area_type": "England", "year": 2025,
    ...     "age_band": ["Under 5", "5 to 10", "11 to 15", "16 to 19", "20 to 25"],
    ...     "value": [10.0, 30.0, 30.0, 20.0, 10.0], "note": ""})
    >>> plans_by_age_rows(frame)[["breakdown", "count", "denominator"]].values.tolist()
    [['16 to 19', 20.0, 100.0], ['20 to 25', 10.0, 100.0]]
    """
    frame = by_age.copy()
    frame["age_band"] = frame["age_band"].astype(str)
    keys = ["area_code", "year"]
    grouped = frame.groupby(keys, sort=False)
    total = grouped["value"].transform(lambda v: v.sum(min_count=1) if v.notna().all() else np.nan)
    symbol = frame["note"].where(frame["note"] != "")
    any_symbol = symbol.groupby([frame[k] for k in keys]).transform("first").fillna("")
    frame["denominator"] = total
    frame["total_note"] = any_symbol
    rows = frame[frame["age_band"].isin(bands)]
    note = _first_note(rows["note"], rows["total_note"])
    return pd.DataFrame({
        "indicator_id": indicator,
        "area_code": rows["area_code"].to_numpy(),
        "area_name": rows["area_name"].to_numpy(),
        "area_type": rows["area_type"].to_numpy(),
        "period": pd.Series(academic_year_label(rows["year"])).to_numpy(),
        "breakdown": rows["age_band"].to_numpy(),
        "count": rows["value"].where(note == "").to_numpy(),
        "denominator": rows["denominator"].where(note == "").to_numpy(),
        "note": note.to_numpy(),
    })
