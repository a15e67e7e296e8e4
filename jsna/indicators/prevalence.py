"""SEND prevalence indicators from the council's census and from the published comparators.

Definitions follow DfE's "Special educational needs in England": pupils counted are those on roll
in the January census (enrolment status C or M, one row per pupil, see :mod:`jsna.clean.census`),
in the council's schools wherever they live ("school-based").

**Basis.** The council's census covers its state-funded schools (the January school census is
returned by state-funded nursery, primary, secondary and special schools and alternative
provision). DfE's "Total" rows also count independent schools and non-maintained special schools
(from the school level annual school census), so England, the region and the neighbours are
compared on the same state-funded basis: the sum of the state-funded ``phase_type_grouping`` rows
(or, when one of those is suppressed, "Total" minus the independent and non-maintained rows).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jsna.errors import JsnaInputError
from jsna.indicators.table import academic_year_label
from jsna.sen_need_codes import NEED_NAMES as DFE_NEED_NAMES
from jsna.sources.ees import read_ees_wide
from jsna.sources.la_codes import canonical_code

#: Indicator ids and their plain-English names.
INDICATORS: dict[str, str] = {
    "pupils_ehc_plan_percent": "Pupils with an EHC plan (%)",
    "pupils_sen_support_percent": "Pupils receiving SEN support (%)",
    "ehc_plan_primary_need_percent": "Primary need of pupils with an EHC plan (%)",
    "sen_support_primary_need_percent": "Primary need of pupils on SEN support (%)",
}

#: DfE primary need names, plus the label for a need that was not recorded.
NEED_NAMES: dict[str, str] = {**DFE_NEED_NAMES, "UNKNOWN": "Not recorded"}

#: DfE ``phase_type_grouping`` values (lower case) of state-funded schools.
STATE_FUNDED_GROUPINGS: tuple[str, ...] = (
    "state-funded nursery", "state-funded primary", "state-funded secondary",
    "state-funded special school", "state-funded special", "state-funded ap school",
    "pupil referral unit",
)
#: Groupings DfE's "Total" includes that the council's census does not.
NOT_STATE_FUNDED_GROUPINGS: tuple[str, ...] = (
    "independent school", "non-maintained special school", "non-maintained special",
)
#: The comparison basis, said under every table and chart comparing with published figures.
BASIS_NOTE = ("Basis: pupils in state-funded schools (nursery, primary, secondary, special and "
              "alternative provision) for the council, England, the region and the statistical "
              "neighbours alike; DfE's all-schools totals, which add independent and "
              "non-maintained special schools, are not used.")

#: Leading columns of an EES file (never filters).
_EES_LEADING = frozenset({"time_period", "period", "year", "time_identifier", "geographic_level",
                          "area_code", "area_name", "area_type", "country_code", "country_name",
                          "region_code", "region_name", "new_la_code", "old_la_code", "la_name"})

_PROVISION_INDICATOR = {"E": "pupils_ehc_plan_percent", "K": "pupils_sen_support_percent"}
_NEED_INDICATOR = {"E": "ehc_plan_primary_need_percent", "K": "sen_support_primary_need_percent"}
_STATUS_PROVISION = {"EHC plan": "E", "SEN support": "K"}


def council_prevalence(pupils: pd.DataFrame, area_code: str, area_name: str) -> pd.DataFrame:
    """Percentage of pupils with an EHC plan and on SEN support, per census, from the census.

    Parameters
    ----------
    pupils : DataFrame
        Cleaned census (``census_year``, ``sen_provision``), one row per pupil per census.
    area_code, area_name : str
        The council.

    Returns
    -------
    DataFrame
        Indicator rows (``count``, ``denominator``) for both indicators and every census year.
    """
    counts = pd.crosstab(pupils["census_year"], pupils["sen_provision"])
    totals = pupils.groupby("census_year").size()
    rows = []
    for provision, indicator in _PROVISION_INDICATOR.items():
        count = counts[provision] if provision in counts else pd.Series(0, index=totals.index)
        rows.append(
            pd.DataFrame(
                {
                    "indicator_id": indicator,
                    "census_year": totals.index,
                    "count": count.reindex(totals.index, fill_value=0).to_numpy(),
                    "denominator": totals.to_numpy(),
                }
            )
        )
    out = pd.concat(rows, ignore_index=True)
    out["period"] = academic_year_label(out["census_year"])
    out["area_code"] = area_code
    out["area_name"] = area_name
    out["area_type"] = "Local authority"
    out["breakdown"] = "All pupils"
    return out.drop(columns="census_year")


def council_need_mix(pupils: pd.DataFrame, area_code: str, area_name: str) -> pd.DataFrame:
    """Primary need of pupils with an EHC plan and on SEN support, per census.

    Pupils whose need was not recorded are kept as ``"Not recorded"`` so shares sum to 100%.

    Returns
    -------
    DataFrame
        Indicator rows with ``breakdown`` = the DfE need name; denominator = pupils with that
        provision in that census.
    """
    sen = pupils[pupils["sen_provision"].isin(["E", "K"])]
    need = sen["primary_need"].fillna("UNKNOWN").map(lambda c: NEED_NAMES.get(c, c))
    counts = (
        sen.assign(need=need)
        .groupby(["census_year", "sen_provision", "need"], observed=True)
        .size()
        .rename("count")
        .reset_index()
    )
    if counts.empty:  # no pupil with a known SEN provision (all blank in the census)
        return pd.DataFrame(columns=["count", "denominator", "indicator_id", "period",
                                     "area_code", "area_name", "area_type", "breakdown"])
    counts["denominator"] = counts.groupby(["census_year", "sen_provision"])["count"].transform(
        "sum"
    )
    counts["indicator_id"] = counts["sen_provision"].map(_NEED_INDICATOR)
    counts["period"] = academic_year_label(counts["census_year"])
    counts["area_code"] = area_code
    counts["area_name"] = area_name
    counts["area_type"] = "Local authority"
    counts = counts.rename(columns={"need": "breakdown"})
    return counts.drop(columns=["census_year", "sen_provision"])


def other_filters_at_total(wide: pd.DataFrame,
                           keep: set[str] | frozenset[str] = frozenset()) -> pd.DataFrame:
    """Rows whose filters other than ``phase_type_grouping`` (and ``keep``) are at "Total".

    DfE's ``sen_phase_type`` file breaks each phase/type grouping down further (e.g. by
    ``type_of_establishment`` and ``hospital_school``) with a "Total" row; summing every row
    would count pupils twice. A filter without a "Total" value is left as it is.
    """
    keep = {"phase_type_grouping", *keep}
    for column in wide.columns:
        if (column in keep or column.endswith("_note") or column in _EES_LEADING
                or wide[column].dtype.kind == "f"):
            continue
        values = wide[column].astype(str).str.strip().str.lower()
        if values.eq("total").any() and values.nunique() > 1:
            wide = wide[values.eq("total").to_numpy()]
    return wide


def state_funded_sums(wide: pd.DataFrame, measures: list[str], keys: list[str],
                      path: str | Path) -> pd.DataFrame:
    """Each measure summed over the state-funded ``phase_type_grouping`` rows of an EES file.

    Rows broken down by another filter that has a "Total" value (``type_of_establishment``,
    ``hospital_school`` in DfE's file) are left out, so nothing is counted twice. Where a
    state-funded part is suppressed, the sum is "Total" minus the independent and non-maintained
    special rows when those are all published; otherwise the sum is missing and its ``_note`` is
    the publication's symbol.

    Parameters
    ----------
    wide : DataFrame
        From :func:`jsna.sources.ees.read_ees_wide` (``<measure>`` and ``<measure>_note``).
    measures : list of str
        Measures to sum.
    keys : list of str
        Columns identifying one sum (area, period and e.g. SEN status and need).
    path : str or Path
        The file, for messages.

    Returns
    -------
    DataFrame
        ``keys``, then ``<measure>`` and ``<measure>_note`` for each measure.

    Raises
    ------
    JsnaInputError
        When the file has no state-funded ``phase_type_grouping`` rows.
    """
    wide = other_filters_at_total(wide, keep={*keys, *measures})
    grouping = wide["phase_type_grouping"].astype(str).str.strip().str.lower()
    state = wide[grouping.isin(STATE_FUNDED_GROUPINGS).to_numpy()]
    if state.empty:
        raise JsnaInputError(
            f"{path}: no state-funded phase_type_grouping rows (e.g. 'State-funded primary'); "
            "the council's census counts state-funded schools, so England and the other areas "
            "are compared on that basis")
    others = wide[grouping.isin(NOT_STATE_FUNDED_GROUPINGS).to_numpy()]
    total = wide[grouping.eq("total").to_numpy()]

    def summed(rows: pd.DataFrame, measure: str) -> pd.DataFrame:
        hidden = rows[f"{measure}_note"].astype(str).where(rows[f"{measure}_note"] != "")
        return (rows.assign(_hidden=hidden).groupby(keys, sort=True, dropna=False)
                .agg(value=(measure, "sum"), note=("_hidden", "first")))

    out = state[keys].drop_duplicates().set_index(keys).sort_index()
    for measure in measures:
        parts = summed(state, measure).reindex(out.index)
        value = parts["value"].where(parts["note"].isna())
        note = parts["note"]
        if not total.empty and not others.empty:
            # Total minus the other schools, where a state part is hidden and the file
            # publishes the other schools' rows for that area
            whole = summed(total, measure).reindex(out.index)
            rest = summed(others, measure).reindex(out.index)
            usable = (whole["note"].isna() & whole["value"].notna() & rest["note"].isna()
                      & rest["value"].notna())
            fallback = (whole["value"] - rest["value"]).where(usable)
            value = value.where(value.notna(), fallback)
            note = note.where(value.isna())
        out[measure] = value.to_numpy(dtype=float)
        out[f"{measure}_note"] = note.fillna("").to_numpy(dtype=object)
    return out.reset_index()


def published_prevalence(path: str | Path, exclude_area: str | None = None) -> pd.DataFrame:
    """EHC plan and SEN support percentages from DfE "Special educational needs in England".

    On the council's basis: pupils in state-funded schools (see :func:`state_funded_sums`),
    never DfE's all-schools "Total", which adds independent and non-maintained special schools.

    Parameters
    ----------
    path : str or Path
        The publication's ``sen_phase_type`` CSV (one row per area, period and
        ``phase_type_grouping``).
    exclude_area : str, optional
        The council's own code: its published row is returned separately by the caller for
        reconciliation, not as a comparator.

    Returns
    -------
    DataFrame
        Indicator rows for every area in the file, with the state-funded counts as ``count``
        and state-funded ``total_pupils`` as ``denominator``; published symbols kept in ``note``.
    """
    measures = ["total_pupils", "sen_support", "ehc_plan"]
    wide = read_ees_wide(path, measures=measures)
    if exclude_area is not None:  # the file carries current codes; the config may say either
        wide = wide[wide["area_code"] != canonical_code(exclude_area)]
    wide = state_funded_sums(wide, measures, ["area_code", "area_name", "area_type", "period"],
                             path)
    parts = []
    for measure, indicator in (("ehc_plan", _PROVISION_INDICATOR["E"]),
                               ("sen_support", _PROVISION_INDICATOR["K"])):
        part = wide[["area_code", "area_name", "area_type", "period"]].copy()
        part["indicator_id"] = indicator
        part["breakdown"] = "All pupils"
        part["count"] = wide[measure]
        part["denominator"] = wide["total_pupils"]
        notes = wide[f"{measure}_note"].where(wide[f"{measure}_note"] != "",
                                              wide["total_pupils_note"])
        part["note"] = notes
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def published_need_mix(path: str | Path) -> pd.DataFrame:
    """Primary need shares from the publication's ``sen_primary_need`` CSV, state-funded schools.

    Returns
    -------
    DataFrame
        Indicator rows with ``breakdown`` = need name, ``count`` = pupils in state-funded
        schools with that need, ``denominator`` = pupils in state-funded schools with that SEN
        status in the area and year.
    """
    wide = read_ees_wide(path, measures=["number_of_pupils"])
    wide = wide[wide["sen_status"].isin(list(_STATUS_PROVISION))
                & (wide["primary_need"].astype(str).str.strip().str.lower() != "total")]
    keys = ["area_code", "area_name", "area_type", "period"]
    wide = state_funded_sums(wide, ["number_of_pupils"], [*keys, "sen_status", "primary_need"],
                             path)
    out = wide[keys].copy()
    out["indicator_id"] = wide["sen_status"].map(_STATUS_PROVISION).map(_NEED_INDICATOR)
    out["breakdown"] = wide["primary_need"]
    out["count"] = wide["number_of_pupils"]
    out["note"] = wide["number_of_pupils_note"]
    out["denominator"] = out.groupby(["indicator_id", "area_code", "period"])["count"].transform(
        "sum")
    return out
