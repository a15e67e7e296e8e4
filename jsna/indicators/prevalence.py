"""SEND prevalence indicators from the council's census and from the published comparators.

Definitions follow DfE's "Special educational needs in England": pupils counted are those on roll
in the January census (enrolment status C or M, one row per pupil, see :mod:`jsna.clean.census`),
in the council's schools wherever they live ("school-based"), so the council's figures are
comparable with the published England, region and neighbour figures.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jsna.dfe_codes import NEED_NAMES as DFE_NEED_NAMES
from jsna.indicators.table import academic_year_label
from jsna.sources.ees import read_ees_wide

#: Indicator ids and their plain-English names.
INDICATORS: dict[str, str] = {
    "pupils_ehc_plan_percent": "Pupils with an EHC plan (%)",
    "pupils_sen_support_percent": "Pupils receiving SEN support (%)",
    "ehc_plan_primary_need_percent": "Primary need of pupils with an EHC plan (%)",
    "sen_support_primary_need_percent": "Primary need of pupils on SEN support (%)",
}

#: DfE primary need names, plus the label for a need that was not recorded.
NEED_NAMES: dict[str, str] = {**DFE_NEED_NAMES, "UNKNOWN": "Not recorded"}

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


def published_prevalence(path: str | Path, exclude_area: str | None = None) -> pd.DataFrame:
    """EHC plan and SEN support percentages from DfE "Special educational needs in England".

    Parameters
    ----------
    path : str or Path
        The publication's ``sen_phase_type`` CSV (all phases: ``phase_type_grouping = "Total"``).
    exclude_area : str, optional
        The council's own code: its published row is returned separately by the caller for
        reconciliation, not as a comparator.

    Returns
    -------
    DataFrame
        Indicator rows for every area in the file, with the published counts as ``count`` and
        ``total_pupils`` as ``denominator``; published symbols kept in ``note``.
    """
    wide = read_ees_wide(path, measures=["total_pupils", "sen_support", "ehc_plan"])
    wide = wide[wide["phase_type_grouping"].astype(str).str.lower() == "total"]
    if exclude_area is not None:
        wide = wide[wide["area_code"] != exclude_area]
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
    """Primary need shares from the publication's ``sen_primary_need`` CSV (all phases).

    Returns
    -------
    DataFrame
        Indicator rows with ``breakdown`` = need name, ``count`` = pupils with that need,
        ``denominator`` = pupils with that SEN status in the area and year.
    """
    wide = read_ees_wide(path, measures=["number_of_pupils"])
    wide = wide[wide["phase_type_grouping"].astype(str).str.lower() == "total"]
    wide = wide[wide["sen_status"].isin(list(_STATUS_PROVISION))]
    out = wide[["area_code", "area_name", "area_type", "period"]].copy()
    out["indicator_id"] = wide["sen_status"].map(_STATUS_PROVISION).map(_NEED_INDICATOR)
    out["breakdown"] = wide["primary_need"]
    out["count"] = wide["number_of_pupils"]
    out["note"] = wide["number_of_pupils_note"]
    keys = ["indicator_id", "area_code", "period"]
    out["denominator"] = out.groupby(keys)["count"].transform("sum")
    return out
