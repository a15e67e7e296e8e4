"""Pupils with SEND by type of setting: counts from the census and the published share.

From the cleaned census joined to the council's schools list (:func:`pupils_with_settings`) to

* pupils, EHC plans and SEN support by census and setting (:func:`setting_counts`), the latest
  census's pupils living outside the council (:func:`outside_counts`) and the counts of each
  school (:func:`school_counts`), which
  :func:`jsna.indicator_disclosure.protect_setting_tables` protects together;
* the percentages the tables publish beside those counts, worked out from the *protected* counts
  (:func:`add_plan_shares`, :func:`add_outside_shares`, :func:`add_school_sen_shares`);
* the council's rows of the special-school indicator, from the *protected* settings table
  (:func:`council_indicator_rows`), and every area's rows from DfE's ``sen_phase_type`` file
  (:func:`published_indicator_rows`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from jsna.errors import JsnaInputError
from jsna.indicators.prevalence import other_filters_at_total
from jsna.indicators.table import SUPPRESSED, academic_year_label
from jsna.sources.ees import read_ees_wide
from jsna.sources.la_codes import canonical_code
from jsna.sources.schools import AP, PRIMARY, SECONDARY, SPECIAL

NOT_LISTED = "Not in the schools list"
#: School name shown for pupils whose URN is blank or invalid in the census.
UNKNOWN_SCHOOL = "School not known (URN blank or not 6 digits in the census)"
ALL_SETTINGS = "All settings"
SETTINGS = [PRIMARY, SECONDARY, SPECIAL, AP]
MAINSTREAM = [PRIMARY, SECONDARY]
#: Mainstream schools whose share of the mainstream pupils with an EHC plan is stated.
TOP_SCHOOLS = 10

#: DfE ``phase_type_grouping`` (lower case) -> type of setting; only state-funded types count.
PUBLISHED_SETTING: dict[str, str] = {
    "state-funded nursery": PRIMARY,
    "state-funded primary": PRIMARY,
    "state-funded secondary": SECONDARY,
    "state-funded special school": SPECIAL,
    "state-funded ap school": AP,
    "pupil referral unit": AP,
}

#: Pupils with an EHC plan in state-funded schools who attend a special school (%).
INDICATOR = "ehc_plan_special_school_percent"
BREAKDOWN = "Pupils with an EHC plan"

#: Count columns of the settings, cross-border and school tables.
PUPILS, PLAN, SUPPORT = "Pupils", "EHC plan", "SEN support"
COUNTS = [PUPILS, PLAN, SUPPORT]
OUT_PLAN, OUT_SUPPORT = "EHC plan living outside", "SEN support living outside"
#: Pupils with no SEN living outside are not published by setting: with the pupils, EHC plan
#: and SEN support counts, a setting whose pupils all have SEN would give them away by subtraction
OUT_COUNTS = [OUT_PLAN, OUT_SUPPORT]


def pupils_with_settings(pupils: pd.DataFrame, schools: pd.DataFrame) -> pd.DataFrame:
    """Attach each pupil's school name and type of setting (joined on the school's URN).

    A pupil whose school is not in the schools list keeps the row, with the setting
    ``"Not in the schools list"`` and the URN as the school's name (or :data:`UNKNOWN_SCHOOL`
    when the census gives no valid URN).
    """
    merged = pupils.merge(schools[["urn", "school_name", "setting"]], how="left",
                          left_on="school_urn", right_on="urn", validate="many_to_one")
    listed = merged["setting"].notna()
    merged["setting"] = merged["setting"].where(listed, NOT_LISTED)
    urn = merged["school_urn"].astype("string").fillna("")
    unlisted_name = ("URN " + urn + " (not in the schools list)").where(urn != "", UNKNOWN_SCHOOL)
    merged["school_name"] = merged["school_name"].where(listed, unlisted_name.astype(object))
    merged["school_urn"] = urn.astype(str)
    return merged


def pupil_counts(frame: pd.DataFrame, keys: list[str], outside: bool = False
                     ) -> pd.DataFrame:
    """Pupils, EHC plans and SEN support by ``keys`` (and, with ``outside``, how many of those
    with a plan or on SEN support do not live in the council)."""
    provision = frame["sen_provision"]
    data = frame[keys].copy()
    data[PUPILS] = 1
    data[PLAN] = (provision == "E").astype(int)
    data[SUPPORT] = (provision == "K").astype(int)
    if outside:
        away = (~frame["resident"].astype(bool)).astype(int)
        data[OUT_PLAN] = data[PLAN] * away
        data[OUT_SUPPORT] = data[SUPPORT] * away
    return data.groupby(keys, sort=True).sum().reset_index()


def setting_counts(pupils: pd.DataFrame) -> pd.DataFrame:
    """Pupils, EHC plans and SEN support by census year and setting, with an all-settings row.

    Every setting appears in every year (zeros included); ``"Not in the schools list"`` only when
    a pupil's school is missing from the list.
    """
    years = sorted(pupils["census_year"].unique())
    settings = SETTINGS + ([NOT_LISTED] if (pupils["setting"] == NOT_LISTED).any() else [])
    counts = pupil_counts(pupils, ["census_year", "setting"])
    grid = pd.MultiIndex.from_product([years, settings], names=["census_year", "setting"])
    counts = counts.set_index(["census_year", "setting"]).reindex(grid, fill_value=0)
    counts = counts.reset_index()
    totals = counts.groupby("census_year")[COUNTS].sum().reset_index()
    totals["setting"] = ALL_SETTINGS
    out = pd.concat([counts, totals], ignore_index=True)
    out["order"] = out["setting"].map({s: i for i, s in enumerate([*settings, ALL_SETTINGS])})
    out = out.sort_values(["census_year", "order"]).drop(columns="order")
    return out.reset_index(drop=True)[["census_year", "setting", *COUNTS]]


def outside_counts(pupils: pd.DataFrame, year: int) -> pd.DataFrame:
    """Latest census: pupils by setting and how many of them live outside the council."""
    latest = pupils[pupils["census_year"] == year]
    settings = SETTINGS + ([NOT_LISTED] if (latest["setting"] == NOT_LISTED).any() else [])
    counts = pupil_counts(latest, ["setting"], outside=True).set_index("setting")
    counts = counts.reindex(settings, fill_value=0).reset_index()
    total = counts[[*COUNTS, *OUT_COUNTS]].sum().to_frame().T
    total.insert(0, "setting", ALL_SETTINGS)
    out = pd.concat([counts, total], ignore_index=True)
    out.insert(0, "census_year", year)
    return out


def school_counts(pupils: pd.DataFrame, year: int) -> pd.DataFrame:
    """Latest census: pupils, EHC plans and SEN support per school, with setting subtotal rows.

    ``row_type`` is ``"School"`` or ``"Setting"`` (the subtotal, equal to the settings table).
    """
    latest = pupils[pupils["census_year"] == year]
    schools = pupil_counts(latest, ["setting", "school_urn", "school_name"])
    schools["row_type"] = "School"
    subtotals = schools.groupby("setting")[COUNTS].sum().reset_index()
    subtotals["row_type"] = "Setting"
    subtotals["school_urn"] = ""
    subtotals["school_name"] = subtotals["setting"]
    out = pd.concat([schools, subtotals], ignore_index=True)
    out.insert(0, "census_year", year)
    return out


def percent_of(part: pd.Series, whole: pd.Series) -> pd.Series:
    """``100 * part / whole``; missing where either is missing (hidden) or ``whole`` is not
    positive.

    Examples
    --------
    >>> percent_of(pd.Series([1, 2, None]), pd.Series([4, 0, 5])).tolist()
    [25.0, nan, nan]
    """
    part = pd.to_numeric(part, errors="coerce")
    whole = pd.to_numeric(whole, errors="coerce")
    return (100 * part / whole.where(whole > 0)).astype(float)


def add_plan_shares(by_setting: pd.DataFrame) -> pd.DataFrame:
    """``share``: each setting's pupils with an EHC plan as a percentage of all settings' that
    January, from the protected settings table (missing where the setting's count is hidden)."""
    out = by_setting.copy()
    totals = out[out["setting"] == ALL_SETTINGS].set_index("census_year")[PLAN]
    out["share"] = percent_of(out[PLAN], out["census_year"].map(totals))
    out.loc[out[PLAN].isna(), "share"] = np.nan
    return out


def add_outside_shares(outside: pd.DataFrame) -> pd.DataFrame:
    """``<EHC plan | SEN support> living outside %``: the share of each setting's pupils with a
    plan (on SEN support) who live outside the council, from the protected cross-border table."""
    out = outside.copy()
    for total, part in ((PLAN, OUT_PLAN), (SUPPORT, OUT_SUPPORT)):
        share = percent_of(out[part], out[total])
        out[f"{part} %"] = share.where(out[part].notna() & out[total].notna())
    return out


def add_school_sen_shares(schools: pd.DataFrame) -> pd.DataFrame:
    """``sen``: each school's pupils with an EHC plan or on SEN support as a percentage of its
    pupils, from the protected school table."""
    return schools.assign(sen=percent_of(schools[PLAN] + schools[SUPPORT], schools[PUPILS]))


def council_indicator_rows(by_setting: pd.DataFrame, area_code: str, area_name: str
                           ) -> pd.DataFrame:
    """Percentage of pupils with an EHC plan who attend a special school, from the protected
    settings table (a hidden special-school count stays hidden: count missing, note ``[c]``)."""
    special = by_setting[by_setting["setting"] == SPECIAL].set_index("census_year")
    total = by_setting[by_setting["setting"] == ALL_SETTINGS].set_index("census_year")
    years = total.index
    count = special[PLAN].reindex(years)
    denominator = total[PLAN]
    hidden = count.isna() | denominator.isna()
    return pd.DataFrame({
        "indicator_id": INDICATOR, "area_code": area_code, "area_name": area_name,
        "area_type": "Local authority",
        "period": [academic_year_label(int(y)) for y in years],
        "breakdown": BREAKDOWN,
        "count": count.to_numpy(dtype=float), "denominator": denominator.to_numpy(dtype=float),
        "note": np.where(hidden.to_numpy(), SUPPRESSED, ""),
    })


def published_indicator_rows(path: str | Path, exclude_area: str | None = None) -> pd.DataFrame:
    """The same percentage for every area of DfE's ``sen_phase_type`` file.

    Count = ``ehc_plan`` in "State-funded special school"; denominator = ``ehc_plan`` summed
    over the state-funded phase/type groupings (nursery, primary, secondary, special, AP).
    Independent and non-maintained special schools are left out, as the council's census
    covers state-funded schools only. A published symbol in any part is kept as the row's note.

    Returns
    -------
    DataFrame
        Indicator rows (``count``, ``denominator``, ``note``) per area and period.
    """
    wide = other_filters_at_total(read_ees_wide(path, measures=["ehc_plan"]))
    grouping = wide["phase_type_grouping"].astype(str).str.strip().str.lower()
    wide = wide.assign(setting=grouping.map(PUBLISHED_SETTING))
    wide = wide[wide["setting"].notna()]
    if exclude_area is not None:  # the file carries current codes; the config may say either
        wide = wide[wide["area_code"] != canonical_code(exclude_area)]
    if wide.empty:
        raise JsnaInputError(f"{path}: no state-funded phase_type_grouping rows "
                             "(e.g. 'State-funded special school')")
    keys = ["area_code", "area_name", "area_type", "period"]
    symbol = wide["ehc_plan_note"].where(wide["ehc_plan_note"] != "")
    wide = wide.assign(symbol=symbol,
                       special=wide["ehc_plan"].where(wide["setting"] == SPECIAL, 0.0))
    grouped = wide.groupby(keys, sort=True)
    out = grouped.agg(count=("special", "sum"), denominator=("ehc_plan", "sum"),
                      note=("symbol", "first"), has_special=("setting",
                                                             lambda s: (s == SPECIAL).any()))
    out = out.reset_index()
    unusable = out["note"].notna() | ~out["has_special"]
    out.loc[unusable, ["count", "denominator"]] = np.nan
    out["note"] = out["note"].fillna("").where(out["has_special"], "[x]")
    out["indicator_id"] = INDICATOR
    out["breakdown"] = BREAKDOWN
    return out.drop(columns="has_special")


def top_school_share(schools: pd.DataFrame, by_setting: pd.DataFrame, top: int = TOP_SCHOOLS
                     ) -> tuple[int, float, float, float] | None:
    """Share of mainstream pupils with an EHC plan in the mainstream schools with the most.

    Uses published (protected) counts only; ``None`` when a needed figure is hidden.

    Returns
    -------
    (int, float, float, float) or None
        Number of schools used, their pupils with an EHC plan, all mainstream pupils with an
        EHC plan, and the share in per cent.
    """
    year = schools["census_year"].max()
    mainstream = schools[(schools["row_type"] == "School")
                         & schools["setting"].isin(MAINSTREAM) & schools[PLAN].notna()]
    chosen = mainstream.sort_values(PLAN, ascending=False).head(top)
    totals = by_setting[(by_setting["census_year"] == year)
                        & by_setting["setting"].isin(MAINSTREAM)][PLAN]
    if chosen.empty or totals.isna().any() or totals.sum() == 0:
        return None
    part, whole = float(chosen[PLAN].sum()), float(totals.sum())
    return len(chosen), part, whole, 100 * part / whole
