"""High needs funding per head and SEND Tribunal appeal rates, as rows of the long indicator table.

* :func:`high_needs_per_head` — ESFA's DSG high needs block allocation before deductions (£)
  divided by the ONS mid-year estimate of residents aged 2 to 18 (the ages the high needs
  national funding formula's population factor counts). ``count`` holds pounds, not people.
  Councils formed since the population estimates (Cumberland, Westmorland and Furness, North
  Yorkshire, Somerset) are summed from their predecessors by code when all are in the file;
  England and the regions count the councils the allocation covers (ESFA's table has no City of
  London or Isles of Scilly row), never a partial sum.
* :func:`appeal_rates` — SEND Tribunal appeals registered per 1,000 appealable decisions (DfE's
  appeal rate, shown per 1,000 rather than per cent), every council and England as published,
  each region the sum of its councils (matched by code) for the years all of them are published.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from jsna.sources.council_register import council_register
from jsna.sources.la_codes import (
    CODE_CHANGES,
    REGION_NAMES,
    area_name,
    current_codes,
    successor_totals,
)
from jsna.sources.ons import read_population

HIGH_NEEDS_PER_HEAD = "high_needs_block_per_head_2_18"
APPEAL_RATE = "send_appeals_per_1000_decisions"
ENGLAND = "E92000001"
#: Ages counted by the population factor of the high needs formula.
AGES = (2, 18)


def _register(councils: pd.DataFrame | None) -> pd.DataFrame:
    return council_register() if councils is None else councils


def _members(region: str, year: int, councils: pd.DataFrame | None = None) -> set[str]:
    """The councils that made up a region in a year: today's councils, with the predecessors of
    a council formed after that year (DfE's LA list and its reorganisations) in its place."""
    table = _register(councils)
    today = set(table.loc[table["current"] & (table["region_code"] == region), "gss_code"])
    known = set(table["gss_code"])
    members = set(today)
    for change in CODE_CHANGES:  # a successor may have several changes (Dorset: districts, county)
        # districts are not councils of DfE's list: their change (ONS files only) is skipped
        if (change.kind != "recode" and change.successor in today and year < change.year
                and any(p in known for p in change.predecessors)):
            members.discard(change.successor)
            members |= {p for p in change.predecessors if p in known}
    return members


def region_sums(rows: pd.DataFrame, measures: list[str],
                councils: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each region's total of ``measures``, summed from its councils by code.

    The councils of a region in a period are today's, with the predecessors of a council formed
    after that period in its place (:data:`jsna.sources.la_codes.CODE_CHANGES`). A region gets a
    total only when every one of them has a number for every measure; otherwise its measures are
    NaN with the note ``[x]``, never a partial sum.

    Parameters
    ----------
    rows : DataFrame
        Council rows: ``area_code`` (current codes), ``period`` and the measures.
    measures : list of str
        Columns to add up.
    councils : DataFrame, optional
        :func:`jsna.sources.council_register.council_register` (default: DfE's LA list).

    Returns
    -------
    DataFrame
        ``area_code, area_name, area_type ("Region"), period, <measures>, note``.

    Examples
    --------
    Two of the North East's twelve councils are not the region:

    >>> rows = pd.DataFrame({"area_code": ["E06000001", "E06000002"], "period": "2024",
    ...                      "n": [3.0, 4.0]})
    >>> region_sums(rows, ["n"])[["area_code", "n", "note"]].values.tolist()
    [['E12000001', nan, '[x]']]
    """
    table = _register(councils)
    regions = dict(zip(table["gss_code"], table["region_code"], strict=True))
    parts = []
    for (region, period), group in rows.assign(
            region=rows["area_code"].map(regions)).groupby(["region", "period"]):
        region, period = str(region), str(period)
        members = _members(region, int(period[:4]), table)
        group = group[group["area_code"].isin(members)]
        counted = set(group.loc[group[measures].notna().all(axis=1), "area_code"])
        complete = members <= counted
        sums = {m: float(group[m].sum()) if complete else np.nan for m in measures}
        parts.append({"area_code": region, "area_name": REGION_NAMES.get(region, region),
                      "area_type": "Region", "period": period, **sums,
                      "note": "" if complete else "[x]"})
    return pd.DataFrame(parts, columns=["area_code", "area_name", "area_type", "period",
                                        *measures, "note"])


def population_2_to_18(population: pd.DataFrame, year: int) -> tuple[pd.Series, int | None]:
    """Residents aged 2 to 18 by area at the latest mid-year on or before ``year``.

    Councils formed after the estimates (Cumberland, Westmorland and Furness, North Yorkshire,
    Somerset from mid-2020 districts) are the sum of their predecessors, matched by code, when
    the file has every one of them (:func:`jsna.sources.la_codes.successor_totals`).

    Returns
    -------
    (Series, int or None)
        Population by current area code, and the mid-year used (None when the file has none
        on or before ``year``). ``attrs["reasons"]``: successor code -> why it has no figure.
    """
    years = sorted(y for y in population["year"].unique() if y <= year)
    if not years:
        return pd.Series(dtype=float), None
    chosen = population[(population["year"] == years[-1]) & (population["sex"] == "Persons")
                        & population["age"].between(*AGES)]
    by_area = chosen.groupby(current_codes(chosen["area_code"]))["population"].sum()
    by_area, reasons = successor_totals(by_area)
    by_area.attrs["reasons"] = reasons
    return by_area, int(years[-1])


def high_needs_per_head(dsg: pd.DataFrame, population_path: str | Path,
                        councils: pd.DataFrame | None = None) -> pd.DataFrame:
    """High needs block (£) per resident aged 2 to 18, every area with both figures.

    England's and each region's residents are those of the councils their allocation covers.
    When the councils of the DSG file add up to its England total, the councils it leaves out
    are outside the allocation (ESFA's high needs table has no City of London or Isles of
    Scilly row), so England and the regions count the residents of the councils listed, each
    of which must have a population; otherwise England is the file's England row (or every
    current council) and a region all of its councils. Never a partial sum.

    Parameters
    ----------
    dsg : DataFrame
        :func:`jsna.sources.dsg.read_high_needs_block`.
    population_path : str or Path
        ONS mid-year estimates by single year of age (any areas, old codes included: councils
        formed since are summed from their predecessors by code, see
        :func:`population_2_to_18`).
    councils : DataFrame, optional
        :func:`jsna.sources.council_register.council_register` (default: DfE's LA list).

    Returns
    -------
    DataFrame
        Indicator rows: ``count`` = allocation in pounds, ``denominator`` = residents aged 2 to
        18, ``value`` = pounds per head; ``note`` ``[x]`` where a figure is missing.
        ``attrs["mid_year"]``: the mid-year of the population used; ``attrs["reasons"]``: area
        code -> why it has no figure; ``attrs["left_out"]``: councils outside the allocation.
    """
    population = read_population(population_path)
    start = int(str(dsg["period"].iloc[0])[:4])
    people, mid_year = population_2_to_18(population, start)
    reasons: dict[str, str] = dict(people.attrs.get("reasons", {}))
    table = _register(councils)
    councils_rows = dsg[dsg["area_type"] == "Local authority"].copy()
    councils_rows["area_code"] = current_codes(councils_rows["area_code"])
    councils_rows["population"] = councils_rows["area_code"].map(people)
    england = dsg[dsg["area_type"] == "England"].copy()
    listed = set(councils_rows["area_code"])
    # England of the file: today's councils of England's nine regions (the demo's invented
    # councils: of its own regions)
    regions_listed = set(table.loc[table["gss_code"].isin(listed), "region_code"])
    nine = {code for code in REGION_NAMES if code.startswith("E12")}
    if regions_listed & nine:
        regions_listed |= nine
    every_council = set(table.loc[table["current"] & table["region_code"].isin(regions_listed),
                                  "gss_code"])
    published = float(england["high_needs_block"].sum(min_count=1))
    covers_listed = bool(
        len(england) and every_council - listed and listed <= every_council
        and councils_rows["high_needs_block"].notna().all()
        and abs(councils_rows["high_needs_block"].sum() - published) < 1 + len(listed))
    left_out = sorted(every_council - listed) if covers_listed else []
    # the regions (and England) are the councils the allocation covers
    members = table[~table["gss_code"].isin(left_out)]
    regions = region_sums(councils_rows.rename(columns={"high_needs_block": "money"}),
                          ["money", "population"], members).rename(
                              columns={"money": "high_needs_block"})
    counted = councils_rows[councils_rows["population"].notna()]
    without = sorted(every_council - set(left_out) - set(counted["area_code"]))
    england["population"] = np.nan
    if not without:  # every council the total covers has its residents
        england["population"] = counted["population"].sum()
    elif ENGLAND in people.index and not covers_listed:
        england["population"] = people[ENGLAND]
    for code in without:
        if code not in reasons:
            reasons[code] = (f"{_name(table, code)} ({code}) has no residents aged 2 to 18 in "
                             f"the population file" if code in listed else
                             f"{_name(table, code)} ({code}) has no row in the DSG file")
    formed = people.attrs.get("reasons", {})

    def lacks(codes: list[str]) -> str:
        why = [formed[code] for code in codes if code in formed]
        return _names(table, codes) + (f" ({'; '.join(why)})" if why else "")

    for _, region in regions[regions["note"] != ""].iterrows():
        lacking = sorted(_members(region["area_code"], start, members) & set(without))
        reasons[region["area_code"]] = (f"{region['area_name']} is the sum of its councils and "
                                         f"lacks {lacks(lacking)}")
    if england["population"].isna().all() and len(england):
        reasons[ENGLAND] = f"England is the sum of its councils and lacks {lacks(without)}"
    rows = pd.concat([england, regions, councils_rows], ignore_index=True)
    missing = rows["high_needs_block"].isna() | rows["population"].isna()
    out = pd.DataFrame({
        "indicator_id": HIGH_NEEDS_PER_HEAD,
        "area_code": rows["area_code"], "area_name": rows["area_name"],
        "area_type": rows["area_type"], "period": rows["period"], "breakdown": "All",
        "count": rows["high_needs_block"], "denominator": rows["population"],
    })
    out["value"] = out["count"] / out["denominator"]
    out["note"] = np.where(missing, rows["note"].where(rows["note"].fillna("") != "", "[x]"), "")
    out.attrs.update(mid_year=mid_year, reasons=reasons,
                     left_out=[f"{_name(table, code)} ({code})" for code in left_out])
    return out.reset_index(drop=True)


def _name(table: pd.DataFrame, code: str) -> str:
    """The council's name from DfE's LA list, else its code (the register holds no names)."""
    return area_name(code) or code


def _names(table: pd.DataFrame, codes: list[str]) -> str:
    """``"Cumberland (E06000063), Westmorland and Furness (E06000064)"``."""
    return ", ".join(f"{_name(table, code)} ({code})" for code in codes) or "a figure"


def appeal_rates(tribunals: pd.DataFrame, councils: pd.DataFrame | None = None) -> pd.DataFrame:
    """SEND Tribunal appeals registered (count) and appealable decisions (denominator).

    Parameters
    ----------
    tribunals : DataFrame
        :func:`jsna.sources.tribunals.read_appeal_rates`.
    councils : DataFrame, optional
        :func:`jsna.sources.council_register.council_register` (default: DfE's LA list).

    Returns
    -------
    DataFrame
        Indicator rows for England, every region (sum of its councils) and every council;
        the value (per 1,000 decisions) is computed by the pipeline.
    """
    register = councils
    councils = tribunals[tribunals["area_type"] == "Local authority"].copy()
    councils["area_code"] = current_codes(councils["area_code"])
    regions = region_sums(councils, ["appeals", "decisions"], register)
    england = tribunals[tribunals["area_type"] == "England"]
    rows = pd.concat([england, regions, councils], ignore_index=True)
    return pd.DataFrame({
        "indicator_id": APPEAL_RATE, "area_code": rows["area_code"],
        "area_name": rows["area_name"], "area_type": rows["area_type"],
        "period": rows["period"].astype(str), "breakdown": "All",
        "count": rows["appeals"], "denominator": rows["decisions"],
        "note": rows["note"].fillna(""),
    }).reset_index(drop=True)


MEDIATION_APPEAL_SHARE = "send_mediations_followed_by_appeal_percent"
SEN_SERVICES_WEEKLY_COST = "sen_services_weekly_cost_per_plan"
#: LAIT's code of the SEN services weekly unit cost (section 251 outturn).
SEN_FINANCE = "SENFinance"


def mediation_rows(mediation: pd.DataFrame) -> pd.DataFrame:
    """Mediation cases held (denominator) and those followed by a Tribunal appeal (count).

    England, the regions and the councils as DfE publishes them (DfE publishes its regions, so
    nothing is summed). A year with no mediation held has no share: its note is ``[z]`` (not
    applicable), as DfE's own percentage column has it; a symbol DfE published in either count
    is the row's note, and the row has no value.

    Parameters
    ----------
    mediation : DataFrame
        :func:`jsna.sources.sen2_mi.read_sen2_management_information`.

    Returns
    -------
    DataFrame
        Indicator rows (``indicator_id`` = :data:`MEDIATION_APPEAL_SHARE`); the percentage and
        its Wilson interval are computed by the pipeline.

    Examples
    --------
    >>> mi = pd.DataFrame({"area_code": ["E06000014", "E06000001"], "area_name": ["York", "H"],
    ...                    "area_type": "Local authority", "period": "2019",
    ...                    "mediations": [3.0, 0.0], "mediations_note": "",
    ...                    "appeals_after_mediation": [3.0, 0.0],
    ...                    "appeals_after_mediation_note": ""})
    >>> mediation_rows(mi)[["count", "denominator", "note"]].values.tolist()
    [[3.0, 3.0, ''], [0.0, 0.0, '[z]']]
    """
    note = mediation["mediations_note"].where(mediation["mediations_note"] != "",
                                              mediation["appeals_after_mediation_note"])
    count = mediation["appeals_after_mediation"].where(note.eq(""))
    note = note.where(~(mediation["mediations"].eq(0) & note.eq("")), "[z]")
    return pd.DataFrame({
        "indicator_id": MEDIATION_APPEAL_SHARE, "area_code": mediation["area_code"],
        "area_name": mediation["area_name"], "area_type": mediation["area_type"],
        "period": mediation["period"].astype(str), "breakdown": "All",
        "count": count, "denominator": mediation["mediations"],
        "note": note.astype(str),
    }).reset_index(drop=True)


def sen_unit_cost_rows(lait: pd.DataFrame) -> pd.DataFrame:
    """LAIT's SEN services weekly unit cost (``SENFinance``) as indicator rows, as published.

    LAIT's definition (its data dictionary, measure 299, "SEN - S251/Outturn weekly unit costs
    (approximate)"): the section 251 outturn on SEN services (SEN support services, direct
    payments for SEN and disability, SEN transport, SEN administration, assessment,
    co-ordination and monitoring) divided by the number of children with a statement or EHC
    plan in January (school census), divided by 365 and multiplied by 7, rounded to the nearest
    £5; pounds in cash terms of each financial year (LAIT does not adjust for inflation).

    Parameters
    ----------
    lait : DataFrame
        :func:`jsna.sources.lait.read_lait` (any measures; only ``SENFinance`` is kept).

    Returns
    -------
    DataFrame
        ``indicator_id`` (:data:`SEN_SERVICES_WEEKLY_COST`), ``area_code``, ``area_name``,
        ``area_type``, ``period`` (financial year ``"2016-17"``), ``breakdown``, ``value`` (£ a
        week), no count or denominator (LAIT publishes neither), ``note`` (``[x]`` where LAIT
        has ``-``). Inner and Outer London (no GSS code) are left out.
    """
    chosen = lait[(lait["indicator"] == SEN_FINANCE) & lait["area_code"].ne("")]
    return pd.DataFrame({
        "indicator_id": SEN_SERVICES_WEEKLY_COST, "area_code": chosen["area_code"],
        "area_name": chosen["area_name"], "area_type": chosen["area_type"],
        "period": chosen["period"].astype(str), "breakdown": "All",
        "count": np.nan, "denominator": np.nan, "value": chosen["value"].astype(float),
        "note": chosen["note"].replace("[-]", "[x]").astype(str),
    }).reset_index(drop=True)
