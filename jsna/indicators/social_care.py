"""SEN among children in need, on child protection plans and looked after.

Local (from the cleaned extract, :mod:`jsna.clean.care`, and the cleaned census)
    :func:`status_at_31_march` says which group each child was in on 31 March of the JSNA year;
    :func:`link_to_census` finds each child among the January census pupils by ``pupil_key``
    (the census's own pseudonym of the UPN); :func:`local_rows` gives, for each group, the share
    of children found in the census (``LINKED``) and, of those found, the share on SEN support
    and with an EHC plan (Wilson intervals in the pipeline). Children not found are counted by
    reason (:func:`unlinked_counts`), never dropped.

Published (from :func:`jsna.sources.cin_cla.read_cin_by_sen`)
    :func:`published_rows`: DfE's percentage of school-age children in each group on SEN
    support and with an EHC plan, for England, regions and every council. DfE rounds counts to
    the nearest 10 and publishes percentages of the unrounded counts, so the row's
    ``denominator`` is the published number of pupils and its ``count`` the published
    percentage of it: the pipeline's value is DfE's percentage exactly, and the interval as
    wide as the group's size allows.

Groups at 31 March (DfE's definitions, *Children in need census guide* and *Outcomes for
children in need*)
    A spell is open on 31 March when it started on or before that day and has no end or ends
    after it. *Children in need*: any open CIN episode, child protection plan or period looked
    after. *On a child protection plan*: an open plan. *Looked after*: an open period looked
    after whose legal status is not V3 or V4 (a series of short breaks). *Looked after for 12
    months or more*: looked after continuously (periods that end and start on the same or the
    next day are joined) since 31 March of the year before. DfE's three exclusive groups are
    also given: looked after for 12 months or more; on a plan and not looked after; in need, not
    on a plan and not looked after.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.sources.cin_cla import COUNCIL_GROUPS

#: Share of children in the group on SEN support / with an EHC plan (published by DfE), and the
#: same from the council's own extract linked to its census.
SEN_SUPPORT, EHC_PLAN = "care_sen_support_percent", "care_ehc_plan_percent"
LOCAL_SEN_SUPPORT, LOCAL_EHC_PLAN = "care_local_sen_support_percent", "care_local_ehc_plan_percent"
#: Children in the group found among the census pupils, and those not found (the rest of the
#: group: published with disclosure control, so a small rest is never the published group
#: minus the published found).
LINKED = "care_local_linked_percent"
NOT_FOUND_IN_GROUP = "care_local_not_found_percent"
#: Children in need not found in the census, by reason (of all children in need).
NOT_FOUND = "care_local_not_found_by_reason_percent"

#: Overlapping headline groups, then DfE's three exclusive ones (:data:`COUNCIL_GROUPS`).
HEADLINE_GROUPS = ("Children in need", "On a child protection plan", "Looked after")
LOCAL_GROUPS = (*HEADLINE_GROUPS, *COUNCIL_GROUPS)
#: Group -> the column of :func:`status_at_31_march` that says a child is in it.
GROUP_COLUMNS = dict(zip(LOCAL_GROUPS, ("in_need", "on_plan", "looked_after", "cino", "cppo",
                                        "looked_after_12_months"), strict=True))
SHORT_BREAKS = ("V3", "V4")
#: Why a child was not found in the census.
NO_UPN, NOT_IN_CENSUS = "No UPN in the extract", "UPN not in the January census"


def _open_on(start: pd.Series, end: pd.Series, day: pd.Timestamp) -> pd.Series:
    return start.notna() & (start <= day) & (end.isna() | (end > day))


def _continuous_since(records: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    """For each child looked after on ``day``: the start of the unbroken run of looked-after
    spells that covers it (spells joined when the next starts by the day after the last ends)."""
    spells = records.loc[records["cla_start"].notna() & ~records["legal_status"].isin(
        SHORT_BREAKS), ["child_key", "cla_start", "cla_end"]]
    spells = spells.sort_values(["child_key", "cla_start"], kind="stable")
    far = pd.Timestamp("2262-01-01")
    ends = spells["cla_end"].fillna(far)
    reach = ends.groupby(spells["child_key"]).cummax()
    previous = reach.groupby(spells["child_key"]).shift()
    new_run = previous.isna() | (spells["cla_start"] > previous + pd.Timedelta(days=1))
    run = new_run.cumsum()
    runs = pd.DataFrame({"child_key": spells["child_key"], "start": spells["cla_start"],
                         "end": ends, "run": run}).groupby("run").agg(
        child_key=("child_key", "first"), start=("start", "min"), end=("end", "max"))
    covering = runs[(runs["start"] <= day) & (runs["end"] > day)]
    return covering.groupby("child_key")["start"].min()


def status_at_31_march(records: pd.DataFrame, year: int) -> pd.DataFrame:
    """Which group each child was in on 31 March of ``year``.

    Parameters
    ----------
    records : DataFrame
        The cleaned extract (:data:`jsna.clean.care.RECORD_COLUMNS`).
    year : int
        The year of the 31 March.

    Returns
    -------
    DataFrame
        One row per child in at least one group: ``child_key``, ``pupil_key`` (None without a
        UPN) and boolean ``in_need``, ``on_plan``, ``looked_after``,
        ``looked_after_12_months``, ``cino``, ``cppo`` (see the module notes).

    Examples
    --------
    >>> day = pd.Timestamp
    >>> records = pd.DataFrame({"child_key": ["a", "b", "b"], "pupil_key": ["k", None, None],
    ...     "cin_start": [day("2025-01-01"), pd.NaT, pd.NaT], "cin_end": pd.NaT,
    ...     "cpp_start": pd.NaT, "cpp_end": pd.NaT,
    ...     "cla_start": [pd.NaT, day("2023-05-01"), day("2024-06-01")],
    ...     "cla_end": [pd.NaT, day("2024-06-01"), pd.NaT], "legal_status": ["", "C2", "C2"]})
    >>> status = status_at_31_march(records, 2025)
    >>> status[["child_key", "cino", "looked_after_12_months"]].values.tolist()
    [['a', True, False], ['b', False, True]]
    """
    day = pd.Timestamp(f"{year}-03-31")
    rows = pd.DataFrame({
        "child_key": records["child_key"],
        "cin": _open_on(records["cin_start"], records["cin_end"], day),
        "cpp": _open_on(records["cpp_start"], records["cpp_end"], day),
        "cla": _open_on(records["cla_start"], records["cla_end"], day)
        & ~records["legal_status"].isin(SHORT_BREAKS),
    })
    child = rows.groupby("child_key", sort=True)[["cin", "cpp", "cla"]].any()
    keys = records.dropna(subset=["pupil_key"]).groupby("child_key")["pupil_key"].first()
    since = _continuous_since(records, day)
    out = pd.DataFrame({
        "child_key": child.index,
        "pupil_key": child.index.to_series().map(keys).to_numpy(dtype=object),
        "in_need": (child["cin"] | child["cpp"] | child["cla"]).to_numpy(),
        "on_plan": child["cpp"].to_numpy(),
        "looked_after": child["cla"].to_numpy(),
    })
    started = out["child_key"].map(since)
    out["looked_after_12_months"] = out["looked_after"] & (
        started <= day - pd.DateOffset(years=1)).fillna(False).astype(bool)
    out["cino"] = out["in_need"] & ~out["on_plan"] & ~out["looked_after"]
    out["cppo"] = out["on_plan"] & ~out["looked_after"]
    out["pupil_key"] = out["pupil_key"].where(out["pupil_key"].notna(), None)
    return out[out["in_need"]].reset_index(drop=True)


def link_to_census(status: pd.DataFrame, pupils: pd.DataFrame) -> pd.DataFrame:
    """Find each child among one census's pupils by ``pupil_key``.

    Parameters
    ----------
    status : DataFrame
        :func:`status_at_31_march`.
    pupils : DataFrame
        Cleaned census pupils of one January (``pupil_key``, ``sen_provision``: ``E``, ``K``,
        ``N`` or missing).

    Returns
    -------
    DataFrame
        ``status`` with ``linked`` (bool), ``unlinked_reason`` (:data:`NO_UPN`,
        :data:`NOT_IN_CENSUS` or ``""``) and ``sen_provision`` (``""`` when not linked).
    """
    provision = pupils.dropna(subset=["pupil_key"]).drop_duplicates("pupil_key").set_index(
        "pupil_key")["sen_provision"]
    out = status.copy()
    found = out["pupil_key"].map(provision)
    out["linked"] = out["pupil_key"].notna() & out["pupil_key"].isin(provision.index)
    out["unlinked_reason"] = np.where(out["pupil_key"].isna(), NO_UPN,
                                      np.where(out["linked"], "", NOT_IN_CENSUS))
    out["sen_provision"] = found.where(out["linked"], "").fillna("").astype(str)
    return out


def local_rows(linked: pd.DataFrame, *, area_code: str, area_name: str,
               period: str) -> pd.DataFrame:
    """Indicator rows of the council's own extract: linkage and SEN shares by group.

    Parameters
    ----------
    linked : DataFrame
        :func:`link_to_census`.
    area_code, area_name : str
        The council.
    period : str
        The academic year of the 31 March (``"2024/25"``).

    Returns
    -------
    DataFrame
        For each group of :data:`LOCAL_GROUPS` (the breakdown): :data:`LINKED` (children found
        in the census out of all children in the group), :data:`NOT_FOUND_IN_GROUP` (the
        others, out of all children in the group), :data:`LOCAL_SEN_SUPPORT` and
        :data:`LOCAL_EHC_PLAN` (out of the children found).

    Examples
    --------
    >>> linked = pd.DataFrame({"linked": [True, True, True, False],
    ...     "sen_provision": ["K", "E", "N", ""], **{c: True for c in GROUP_COLUMNS.values()}})
    >>> rows = local_rows(linked, area_code="E1", area_name="X", period="2024/25")
    >>> rows[rows["breakdown"] == "Looked after"][["indicator_id", "count", "denominator"]
    ...     ].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['care_local_linked_percent', 3.0, 4.0], ['care_local_not_found_percent', 1.0, 4.0],
     ['care_local_sen_support_percent', 1.0, 3.0], ['care_local_ehc_plan_percent', 1.0, 3.0]]
    """
    records = []
    for group, column in GROUP_COLUMNS.items():
        members = linked[linked[column]]
        found = members[members["linked"]]
        for indicator, count, denominator in (
                (LINKED, len(found), len(members)),
                (NOT_FOUND_IN_GROUP, len(members) - len(found), len(members)),
                (LOCAL_SEN_SUPPORT, int((found["sen_provision"] == "K").sum()), len(found)),
                (LOCAL_EHC_PLAN, int((found["sen_provision"] == "E").sum()), len(found))):
            records.append({"indicator_id": indicator, "area_code": area_code,
                            "area_name": area_name, "area_type": "Local authority",
                            "period": period, "breakdown": group, "count": float(count),
                            "denominator": float(denominator), "note": ""})
    return pd.DataFrame.from_records(records)


def unlinked_counts(linked: pd.DataFrame) -> pd.DataFrame:
    """Children of each group not found in the census, by reason.

    Returns
    -------
    DataFrame
        ``group``, ``children``, ``linked``, :data:`NO_UPN`, :data:`NOT_IN_CENSUS` (counts;
        ``children = linked + both reasons``).
    """
    records = []
    for group, column in GROUP_COLUMNS.items():
        members = linked[linked[column]]
        records.append({"group": group, "children": len(members),
                        "linked": int(members["linked"].sum()),
                        NO_UPN: int((members["unlinked_reason"] == NO_UPN).sum()),
                        NOT_IN_CENSUS: int((members["unlinked_reason"] == NOT_IN_CENSUS).sum())})
    return pd.DataFrame.from_records(records)


def not_found_rows(unlinked: pd.DataFrame, *, area_code: str, area_name: str,
                   period: str) -> pd.DataFrame:
    """Children in need not found in the census, by reason, as indicator rows.

    Parameters
    ----------
    unlinked : DataFrame
        :func:`unlinked_counts`.
    area_code, area_name : str
        The council.
    period : str
        The academic year of the 31 March (``"2024/25"``).

    Returns
    -------
    DataFrame
        :data:`NOT_FOUND` rows, breakdown :data:`NO_UPN` and :data:`NOT_IN_CENSUS`: the children
        in need not found for that reason (count) of all children in need (denominator, the
        :data:`LINKED` row's of "Children in need"). Only all children in need: by group the
        reasons would be too small to publish.

    Examples
    --------
    >>> unlinked = pd.DataFrame({"group": ["Children in need"], "children": [50],
    ...                          "linked": [40], NO_UPN: [6], NOT_IN_CENSUS: [4]})
    >>> not_found_rows(unlinked, area_code="E1", area_name="X", period="2024/25")[
    ...     ["breakdown", "count", "denominator"]].values.tolist()
    [['No UPN in the extract', 6.0, 50.0], ['UPN not in the January census', 4.0, 50.0]]
    """
    counts = unlinked.set_index("group").loc[
        "Children in need", [NO_UPN, NOT_IN_CENSUS, "children"]].astype(float).to_dict()
    return pd.DataFrame.from_records([
        {"indicator_id": NOT_FOUND, "area_code": area_code, "area_name": area_name,
         "area_type": "Local authority", "period": period, "breakdown": reason,
         "count": counts[reason], "denominator": counts["children"], "note": ""}
        for reason in (NO_UPN, NOT_IN_CENSUS)])


def published_rows(cin: pd.DataFrame) -> pd.DataFrame:
    """Indicator rows of DfE's published shares on SEN support and with an EHC plan.

    Parameters
    ----------
    cin : DataFrame
        :func:`jsna.sources.cin_cla.read_cin_by_sen` output (England, regions, councils).

    Returns
    -------
    DataFrame
        :data:`SEN_SUPPORT` and :data:`EHC_PLAN` rows for each area, period and group of
        :data:`COUNCIL_GROUPS`: ``denominator`` = published pupils in the group, ``count`` =
        DfE's percentage of it (see the module notes); a symbol on either leaves both empty and
        is kept in ``note``.

    Examples
    --------
    >>> cin = pd.DataFrame({"area_code": "E92000001", "area_name": "England",
    ...     "area_type": "England", "period": "2021/22",
    ...     "group": "Looked after for 12 months or more", "t_pupils": [200.0],
    ...     "t_pupils_note": "", "pt_SEN_support": [30.0], "pt_SEN_support_note": "",
    ...     "pt_statement_or_EHC_plan": [np.nan], "pt_statement_or_EHC_plan_note": "[c]"})
    >>> published_rows(cin)[["indicator_id", "count", "denominator", "note"]].values.tolist()
    [['care_sen_support_percent', 60.0, 200.0, ''], ['care_ehc_plan_percent', nan, nan, '[c]']]
    """
    chosen = cin[cin["group"].isin(COUNCIL_GROUPS)
                 & cin["area_type"].isin(["England", "Region", "Local authority"])]
    parts = []
    for indicator, measure in ((SEN_SUPPORT, "pt_SEN_support"),
                               (EHC_PLAN, "pt_statement_or_EHC_plan")):
        note = chosen[f"{measure}_note"].where(chosen[f"{measure}_note"] != "",
                                               chosen["t_pupils_note"]).astype(str)
        usable = note == ""
        parts.append(pd.DataFrame({
            "indicator_id": indicator,
            "area_code": chosen["area_code"].to_numpy(),
            "area_name": chosen["area_name"].to_numpy(),
            "area_type": chosen["area_type"].to_numpy(),
            "period": chosen["period"].to_numpy(),
            "breakdown": chosen["group"].to_numpy(),
            "count": (chosen["t_pupils"] * chosen[measure] / 100).where(usable).to_numpy(),
            "denominator": chosen["t_pupils"].where(usable).to_numpy(),
            "note": note.to_numpy(),
        }))
    return pd.concat(parts, ignore_index=True)
