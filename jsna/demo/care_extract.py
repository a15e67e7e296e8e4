"""Synthetic children's social care files for the demo council.

* ``care/cin_extract.csv`` -- a children in need / looked after extract as a social care system
  exports it for the CIN census and SSDA903: one row per episode (a CIN episode, a child
  protection plan or a period looked after), with the child's case reference, UPN, name and date
  of birth. Most children are pupils of the demo's latest census (so they link to it); children
  below or above school age have no UPN or one the census does not hold. Children with SEN are
  more likely to be in need, as nationally. Every kind of problem the cleaner reports is written
  on about ``dirt_rate`` of the rows (at least one row each), so its validation report shows
  every kind.
* ``comparators/cin_by_sen.csv`` -- DfE's *Outcomes for children in need* SEN file
  (``sen_la.csv`` layout) for England, the demo regions and every demo council: shares on SEN
  support and with an EHC plan by social care group, calibrated to England's 2021/22 figures,
  counts rounded to the nearest 10 and ``c`` where DfE would suppress.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.clean.upn import make_upn
from jsna.demo.comparators import (
    ENGLAND_CODE,
    ENGLAND_NAME,
    _area_rows,
    councils,
    time_period,
)
from jsna.demo.pupils import PLAN, SUPPORT

#: Headings of the demo extract (the case reference is mapped in ``[cin.columns]``).
EXTRACT_COLUMNS = ["Case Ref", "UPN", "Forename", "Surname", "Date of birth",
                   "CIN Referral Date", "CIN Closure Date", "CPP Start Date", "CPP End Date",
                   "DECOM", "DEC", "LS"]
#: The ``[cin.columns]`` entry the demo's config needs for it.
COLUMNS_MAP = {"Case Ref": "ChildID"}

#: England 2021/22 (DfE): group -> (school-age children per 1,000 pupils, % SEN support,
#: % EHC plan).
ENGLAND_GROUPS = {
    "CINO at 31 March": (17.0, 21.3, 26.9),
    "CPPO at 31 March": (5.0, 29.1, 10.1),
    "CLA 12 months at 31 March": (6.0, 27.2, 30.2),
}
PUBLISHED_COLUMNS = ["time_period", "time_identifier", "geographic_level", "country_code",
                     "country_name", "region_code", "region_name", "old_la_code", "la_name",
                     "new_la_code", "social_care_group", "t_pupils", "t_no_identified_SEN",
                     "t_all_SEN", "t_SEN_support", "t_statement_or_EHC_plan",
                     "pt_no_identified_SEN", "pt_all_SEN", "pt_SEN_support",
                     "pt_statement_or_EHC_plan"]


def _day(text: str) -> np.datetime64:
    return np.datetime64(text, "D")


def _iso(day: np.datetime64 | None) -> str:
    return "" if day is None or np.isnat(day) else str(day)


def _episodes(rng: np.random.Generator, kind: str, march: np.datetime64) -> list[dict[str, str]]:
    """The rows of one child in a group on 31 March (kind: cino, cppo, cla12, cla, closed)."""
    def before(low: int, high: int) -> np.datetime64:
        return march - np.timedelta64(int(rng.integers(low, high)), "D")

    if kind == "closed":  # a CIN episode that ended before 31 March: in no group
        start = before(200, 700)
        return [{"CIN Referral Date": _iso(start),
                 "CIN Closure Date": _iso(start + np.timedelta64(int(rng.integers(30, 150)),
                                                                 "D"))}]
    if kind == "cino":
        return [{"CIN Referral Date": _iso(before(10, 700))}]
    if kind == "cppo":
        start = before(40, 500)
        return [{"CIN Referral Date": _iso(start),
                 "CPP Start Date": _iso(start + np.timedelta64(int(rng.integers(5, 30)), "D"))}]
    status = str(rng.choice(["C2", "C1", "J2", "V2"], p=[0.7, 0.15, 0.1, 0.05]))
    if kind == "cla12":
        start = before(400, 2500)
        if rng.random() < 0.3:  # a change of legal status: a new episode the same day
            change = start + np.timedelta64(int(rng.integers(60, 300)), "D")
            return [{"DECOM": _iso(start), "DEC": _iso(change), "LS": "C1"},
                    {"DECOM": _iso(change), "LS": status}]
        return [{"DECOM": _iso(start), "LS": status}]
    if kind == "short_breaks":  # looked after under a series of short breaks: not counted
        return [{"DECOM": _iso(before(30, 300)), "LS": "V3"}]
    return [{"DECOM": _iso(before(5, 360)), "LS": status}]  # looked after under 12 months


def care_extract(rng: np.random.Generator, pupils: pd.DataFrame, year: int, la_number: int,
                 dirt_rate: float = 0.01) -> pd.DataFrame:
    """The demo council's children in need / looked after extract.

    Parameters
    ----------
    rng : numpy.random.Generator
        The extract's own random stream.
    pupils : DataFrame
        The clean pupils of the January ``year`` census (``upn, forename, surname, dob, sen``).
    year : int
        The JSNA year: groups are as at 31 March of it.
    la_number : int
        The council's DfE number (for UPNs the census does not hold).
    dirt_rate : float
        Share of rows given each kind of problem (0 gives a clean extract).

    Returns
    -------
    DataFrame
        :data:`EXTRACT_COLUMNS`, every cell as text, one row per episode.
    """
    march = _day(f"{year}-03-31")
    weight = np.select([pupils["sen"].to_numpy() == PLAN, pupils["sen"].to_numpy() == SUPPORT],
                       [7.0, 3.0], 1.0)
    n_children = max(40, int(len(pupils) * 0.032))
    chosen = rng.choice(len(pupils), size=n_children, replace=False, p=weight / weight.sum())
    kinds = rng.choice(["cino", "cppo", "cla12", "cla", "closed", "short_breaks"],
                       size=n_children, p=[0.5, 0.13, 0.17, 0.07, 0.1, 0.03])
    rows: list[dict[str, str]] = []
    for k, (index, kind) in enumerate(zip(chosen, kinds, strict=True)):
        pupil = pupils.iloc[int(index)]
        person = {"Case Ref": f"CR{100000 + k}", "UPN": str(pupil["upn"]),
                  "Forename": str(pupil["forename"]), "Surname": str(pupil["surname"]),
                  "Date of birth": _iso(np.datetime64(pupil["dob"], "D"))}
        rows += [{**person, **episode} for episode in _episodes(rng, kind, march)]
    # children not in the census: under five (no UPN yet) and UPNs the census does not hold
    for k in range(n_children // 6):
        born = march - np.timedelta64(int(rng.integers(200, 1700)), "D")
        upn = "" if k % 2 == 0 else make_upn(f"{la_number:03d}9999{year % 100:02d}{k % 1000:03d}")
        person = {"Case Ref": f"CR{200000 + k}", "UPN": upn, "Forename": "Sam",
                  "Surname": "Demo", "Date of birth": _iso(born)}
        kind = str(rng.choice(["cino", "cppo", "cla"], p=[0.6, 0.25, 0.15]))
        rows += [{**person, **episode} for episode in _episodes(rng, kind, march)]
    frame = pd.DataFrame(rows, columns=EXTRACT_COLUMNS, dtype=object).fillna("")
    if dirt_rate > 0:
        frame = _dirt(rng, frame, dirt_rate)
    return frame


def _dirt(rng: np.random.Generator, frame: pd.DataFrame, rate: float) -> pd.DataFrame:
    """Every kind of problem the cleaner reports, each on about ``rate`` of the rows."""
    frame = frame.copy()
    n = len(frame)
    k = max(1, round(rate * n))
    cin = np.flatnonzero(frame["CIN Referral Date"].ne("").to_numpy())
    cla = np.flatnonzero(frame["DECOM"].ne("").to_numpy())
    with_upn = np.flatnonzero(frame["UPN"].ne("").to_numpy())
    used: set[int] = set()

    def pick(pool: np.ndarray, count: int = k) -> np.ndarray:
        free = np.array([i for i in pool if i not in used], dtype=int)
        out = rng.choice(free, size=min(count, len(free)), replace=False)
        used.update(int(i) for i in out)
        return out

    for i in pick(cin):  # closed before it was opened
        start = np.datetime64(frame.at[i, "CIN Referral Date"], "D")
        frame.at[i, "CIN Closure Date"] = _iso(start - np.timedelta64(20, "D"))
    frame.loc[pick(cin), "CIN Referral Date"] = "2099-01-01"          # in the future
    frame.loc[pick(cin), "CIN Referral Date"] = "31/02/2024"          # not a real date
    frame.loc[pick(cin), "CIN Referral Date"] = "tbc"                 # not a date
    frame.loc[pick(cin), "CPP End Date"] = "2024-11-01"               # end without a start
    frame.loc[pick(cla), "LS"] = "X9"                                 # not a legal status
    frame.loc[pick(with_upn), "Date of birth"] = ""                   # no date of birth
    frame.loc[pick(with_upn), "Date of birth"] = "30/02/2012"         # not a real date
    for i in pick(with_upn):                                          # a wrong check letter
        upn = frame.at[i, "UPN"]
        frame.at[i, "UPN"] = ("B" if upn[0] == "A" else "A") + upn[1:]
    frame.loc[pick(with_upn), "UPN"] = "UPN-UNKNOWN"                  # not a UPN at all
    no_key = pick(np.arange(n))
    frame.loc[no_key, ["Case Ref", "UPN"]] = ""                       # no key
    conflict = pick(with_upn)                                         # another UPN, same child
    conflicting = frame.loc[conflict].copy()
    conflicting["UPN"] = frame["UPN"].to_numpy()[pick(with_upn, len(conflict))]
    conflicting["CIN Referral Date"] = "2025-01-15"
    conflicting[["CIN Closure Date", "CPP Start Date", "CPP End Date", "DECOM", "DEC", "LS"]] = ""
    repeats = frame.loc[pick(np.arange(n))]                            # the same row twice
    blank = pd.DataFrame([[""] * len(frame.columns)], columns=frame.columns)
    frame = pd.concat([frame, conflicting, repeats, blank], ignore_index=True)
    # an export sorted by case reference, so the repeats and blank row sit among the others
    return frame.sort_values("Case Ref", kind="stable").reset_index(drop=True)


def _round10(value: float) -> int:
    return int(np.floor(value / 10 + 0.5) * 10)


def published_cin_by_sen(rng: np.random.Generator, year: int,
                         pupils_by_council: dict[str, int]) -> pd.DataFrame:
    """DfE's SEN by social care group file (``sen_la.csv`` layout) for the demo areas.

    Parameters
    ----------
    rng : numpy.random.Generator
        The file's own random stream.
    year : int
        The 31 March of the published academic year (DfE publishes a few years behind).
    pupils_by_council : dict
        Council code -> pupils (sizes the groups); councils not given get 25,000 to 70,000.

    Returns
    -------
    DataFrame
        :data:`PUBLISHED_COLUMNS`, every cell as text.
    """
    everyone = councils()
    truth: dict[str, dict[str, np.ndarray]] = {}
    for council in everyone:
        pupils = pupils_by_council.get(council.code, int(rng.integers(25000, 70000)))
        effect = rng.normal(0, 0.2)
        groups = {}
        for group, (per_1000, support, plan) in ENGLAND_GROUPS.items():
            n = int(rng.poisson(pupils * per_1000 / 1000 * rng.uniform(0.7, 1.3)))
            p_support = 1 / (1 + np.exp(-(np.log(support / (100 - support)) + effect)))
            p_plan = 1 / (1 + np.exp(-(np.log(plan / (100 - plan)) + effect)))
            s = int(rng.binomial(n, p_support))
            e = int(rng.binomial(n - s, min(0.95, p_plan / max(1e-9, 1 - p_support))))
            groups[group] = np.array([n, s, e], dtype=float)
        truth[council.code] = groups
    small = everyone[4].code  # one small council: its plans group is too small to publish
    truth[small]["CPPO at 31 March"] = np.array([6.0, 2.0, 1.0])
    totals: dict[str, dict[str, np.ndarray]] = {}
    for council in everyone:
        for code in (council.region_code, ENGLAND_CODE):
            into = totals.setdefault(code, {})
            for group, values in truth[council.code].items():
                into[group] = into.get(group, 0) + values
    by_area = {**totals, **truth}
    rows = []
    for area in _area_rows(everyone):
        lead = {"time_period": time_period(year), "time_identifier": "Academic year",
                "geographic_level": area["geographic_level"], "country_code": ENGLAND_CODE,
                "country_name": ENGLAND_NAME, "region_code": area["region_code"],
                "region_name": area["region_name"], "old_la_code": area["old_la_code"],
                "la_name": area["la_name"], "new_la_code": area["new_la_code"]}
        for group, (n, s, e) in by_area[area["code"]].items():
            cells = {"social_care_group": group}
            if n < 10:
                cells |= {c: "c" for c in PUBLISHED_COLUMNS[11:]}
            else:
                none, all_sen = n - s - e, s + e
                cells |= {"t_pupils": str(_round10(n)), "t_no_identified_SEN": str(_round10(none)),
                          "t_all_SEN": str(_round10(all_sen)), "t_SEN_support": str(_round10(s)),
                          "t_statement_or_EHC_plan": str(_round10(e)),
                          **{f"p{c}": f"{100 * v / n:.1f}" for c, v in (
                              ("t_no_identified_SEN", none), ("t_all_SEN", all_sen),
                              ("t_SEN_support", s), ("t_statement_or_EHC_plan", e))}}
            rows.append({**lead, **cells})
    return pd.DataFrame(rows, columns=PUBLISHED_COLUMNS)



def write_care_files(rng: np.random.Generator, folder, pupils: pd.DataFrame, year: int,
                     la_number: int, dirt_rate: float) -> None:
    """Write ``care/cin_extract.csv`` and ``comparators/cin_by_sen.csv`` under ``folder``.

    The published file is for the academic year ending three years before ``year`` (DfE's
    outcomes release lags the census), sized from the demo council's pupils.
    """
    from pathlib import Path

    folder = Path(folder)
    extract = care_extract(rng, pupils, year, la_number, dirt_rate)
    (folder / "care").mkdir(parents=True, exist_ok=True)
    extract.to_csv(folder / "care" / "cin_extract.csv", index=False, lineterminator="\n")
    from jsna.demo.geography import COUNCIL_CODE

    published = published_cin_by_sen(rng, year - 3, {COUNCIL_CODE: len(pupils)})
    (folder / "comparators").mkdir(parents=True, exist_ok=True)
    published.to_csv(folder / "comparators" / "cin_by_sen.csv", index=False, lineterminator="\n")
