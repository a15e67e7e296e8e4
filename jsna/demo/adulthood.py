"""Synthetic published files for the preparing for adulthood chapter, in DfE's layouts.

* ``neet_send.csv`` (the JSNA year) and ``neet_send_<year>.csv`` (the four years before) -
  DfE's *Participation in education, training and NEET age 16 to 17 by local authority*
  dashboard file (``UD_NEETNK_LA_dashboard_final.csv``, 2024 onwards: 49 columns, no byte-order
  mark, LF), one calendar year each, England, the fictional regions and councils. England's
  figures are DfE's for 2022 to 2025 (2021 invented); councils vary around them; regions are
  their councils' cohort-weighted averages. The publisher's symbols appear as DfE uses them: ``c`` (a small group
  suppressed), ``z`` (no young people on SEN support recorded), plus ``low`` and ``x`` once each.
* EHC plans by single year of age (breakdown_topic "Child or young persons age"), added to the
  SEN2 caseload file: each area's plans shared out by England's January 2025 age profile, with a
  little variation per area.

Every number is invented; none describes a real place.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.demo.comparators import ENGLAND_CODE, REGION_CODES, councils
from jsna.demo.lait import COLUMNS, REGION_NUMBERS, _text
from jsna.demo.names import OTHER_REGION_NAMES

#: A stream of its own, so these files never reshuffle the other demo files.
_STREAM = 1717
#: England's EHC plans by age in January 2025 (DfE SEN2 2025): label -> plans.
ENGLAND_PLANS_BY_AGE_2025 = {
    "under 3": 533, "age 3": 4302, "age 4": 22517, "age 5": 30847, "age 6": 31867,
    "age 7": 34082, "age 8": 36412, "age 9": 38381, "age 10": 41405, "age 11": 46775,
    "age 12": 47172, "age 13": 47359, "age 14": 47125, "age 15": 44886, "age 16": 42005,
    "age 17": 36484, "age 18": 28598, "age 19": 20815, "age 20": 14495, "age 21": 9805,
    "age 22": 6258, "age 23": 4030, "age 24": 2221, "age 25": 371,
}
AGE_TOPIC = "Child or young persons age"
#: The dashboard file's columns (2024 and 2025 releases), in order.
NEET_COLUMNS = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,old_la_code,new_la_code,la_name,Age,Cohort_DJFavg,NEET_not_known_percent,"
    "NEET_percent,Notknown_percent,annual_change_ppts_NEET_not_known,annualchange_NEET,"
    "annualchange_notknown,cohort_March,TOTAL_participating_in_education_and_training_percent,"
    "Full_time_education_percent,Apprenticeship_percent,Other_education_and_training_percent,"
    "annual_change_Participation_in_education_training,annual_change_FTE,"
    "annual_change_apprenticeship,annual_change_other_education_training,"
    "September_guarantee_Offer_made_percent,September_guarantee_annual_change_ppts,"
    "cohort_noSEN_percent,NEET_NK_noSEN_percent,cohort_EHCP_percent,NEET_NK_EHCP_percent,"
    "cohort_SENDsupport_percent,NEET_NK_SENDsupport_percent,VG_cohort_DJF_avg,"
    "VG_cohort_percentage,VG_NEET_NK_percentage,Level_3,L2_em_GCSE_othL2,avg_att8,"
    "pt_l2basics_94,sess_overall_percent,enrolments_pa_10_exact_percent,NEET_NK_quintile,"
    "NEET_quintile,Notknown_quintile,Participation_ET_quintile,Sep_guarantee_quintile"
).split(",")
#: England's 2025 row (DfE), the centre every council varies around.
ENGLAND_2025 = dict(zip(NEET_COLUMNS[11:], (
    "1335160,5.6,3.4,2.2,0.2,0.3,0,1337190,92,86,4.2,1.9,-0.1,0.3,-0.4,0.1,94.6,0,84.6,4.9,"
    "5.4,10.1,10.1,9.6,36820,2.8,28.2,57.6,19.7,46.1,65.4,8.9,25.6,z,z,z,z,z").split(","),
    strict=True))
#: England's figures the chapter reads, by calendar year (DfE's final files for 2022 to 2025;
#: 2021 is invented, about where DfE's series stood). Every other column is England 2025's.
ENGLAND_BY_YEAR: dict[int, dict[str, str]] = {
    year: dict(zip(("Cohort_DJFavg", "NEET_not_known_percent", "NEET_percent",
                    "Notknown_percent", "cohort_noSEN_percent", "NEET_NK_noSEN_percent",
                    "cohort_EHCP_percent", "NEET_NK_EHCP_percent",
                    "cohort_SENDsupport_percent", "NEET_NK_SENDsupport_percent"),
                   values.split(","), strict=True))
    for year, values in {
        2021: "1190410,5.5,2.9,2.6,88.1,4.8,4.2,9.4,7.7,9.1",
        2022: "1208392.7,4.7,2.6,2.2,87.7,4.2,4.4,8.6,7.9,8.4",
        2023: "1236365,5.2,2.8,2.4,87.5,4.6,4.7,10.1,7.8,9.3",
        2024: "1278230,5.4,3.2,2.2,86.1,4.7,4.9,10.2,9,9.6",
        2025: "1335160,5.6,3.4,2.2,84.6,4.9,5.4,10.1,10.1,9.6",
    }.items()}
#: Years of NEET files the demo writes (the JSNA year and the ones before it).
NEET_YEARS = 5
#: How much more often the demo council's young people with an EHC plan are NEET or not known
#: than England's, in the JSNA year, and how much less each year before (a rising trend).
COUNCIL_EHCP_EXCESS, COUNCIL_EHCP_RISE = 5.0, 1.2
#: Columns the chapter reads, varied per council (percentage points of spread).
_SPREAD = {"NEET_percent": 0.8, "Notknown_percent": 1.2, "cohort_noSEN_percent": 3.0,
           "NEET_NK_noSEN_percent": 1.2, "cohort_EHCP_percent": 0.8,
           "NEET_NK_EHCP_percent": 3.0, "cohort_SENDsupport_percent": 2.5,
           "NEET_NK_SENDsupport_percent": 2.5}


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng([int(seed), _STREAM])


def caseload_with_ages(caseload: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The SEN2 caseload table with each area's plans by single year of age added.

    Parameters
    ----------
    caseload : DataFrame
        The demo's caseload table (``breakdown_topic`` "All EHC plans", ``ehcplans`` as text).
    seed : int
        The demo's seed.

    Returns
    -------
    DataFrame
        The same rows, then one row per area, January and age (``breakdown_topic``
        :data:`AGE_TOPIC`) whose plans add up to the area's plans.
    """
    rng = _rng(seed)
    labels = list(ENGLAND_PLANS_BY_AGE_2025)
    shares = np.array(list(ENGLAND_PLANS_BY_AGE_2025.values()), dtype=float)
    shares /= shares.sum()
    headline = caseload[caseload["breakdown_topic"] == "All EHC plans"]
    records = []
    tilt: dict[str, np.ndarray] = {}  # each area keeps its own age profile from year to year
    for _, row in headline.iterrows():
        total = int(row["ehcplans"])
        area = row["new_la_code"] or row["region_code"] or "national"
        if area not in tilt:
            tilt[area] = shares if area == "national" else rng.dirichlet(shares * 400)
        weights = rng.dirichlet(tilt[area] * 20000) if area != "national" else shares
        counts = np.floor(weights * total).astype(int)
        counts[np.argsort(-(weights * total - counts))[: total - counts.sum()]] += 1
        for label, count in zip(labels, counts, strict=True):
            records.append({**row.to_dict(), "breakdown_topic": AGE_TOPIC, "breakdown": label,
                            "ehcplans": str(int(count))})
    return pd.concat([caseload, pd.DataFrame.from_records(records, columns=caseload.columns)],
                     ignore_index=True)


def _cohort_from_plans(caseload: pd.DataFrame, year: int) -> dict[str, float]:
    """Council code -> an invented 16-17 cohort consistent with its EHC plans aged 16 and 17
    (England's 5.4% of the cohort hold a plan)."""
    rows = caseload[(caseload["breakdown_topic"] == AGE_TOPIC)
                    & caseload["breakdown"].isin(["age 16", "age 17"])
                    & (caseload["time_period"] == f"{year - 1}{year % 100:02d}")
                    & (caseload["geographic_level"] == "Local authority")]
    plans = rows.groupby("new_la_code")["ehcplans"].apply(lambda s: s.astype(int).sum())
    return {code: float(value) / 0.054 for code, value in plans.items()}


def neet_table(caseload: pd.DataFrame, seed: int, year: int, council_code: str,
               latest: int | None = None) -> pd.DataFrame:
    """The NEET and participation dashboard file for one calendar year.

    Parameters
    ----------
    caseload : DataFrame
        :func:`caseload_with_ages` output (sizes each council's cohort from its plans).
    seed : int
        The demo's seed.
    year : int
        The calendar year (the demo's JSNA year).
    council_code : str
        The demo council, whose young people with an EHC plan are made more often NEET or not
        known than England's (a finding for the chapter to report), more so each year.
    latest : int, optional
        The JSNA year (default ``year``): an earlier year's file has its own random stream,
        England's figures of that year (:data:`ENGLAND_BY_YEAR`, 2025's where it has none) and
        cohorts sized from the JSNA year's plans, scaled by England's cohort.

    Returns
    -------
    DataFrame
        :data:`NEET_COLUMNS`, every cell text, England then regions then councils.
    """
    latest = year if latest is None else latest
    # the JSNA year's file keeps the stream it always had; earlier years have their own
    rng = _rng(seed + 1) if year == latest else _rng(seed + 1 + 100 * (latest - year))
    england = ENGLAND_2025 | ENGLAND_BY_YEAR.get(year, {})
    scale = float(england["Cohort_DJFavg"]) / float(ENGLAND_2025["Cohort_DJFavg"])
    cohorts = {code: value * scale
               for code, value in _cohort_from_plans(caseload, latest).items()}
    everyone = councils()
    rows = []
    for k, council in enumerate(everyone):
        cohort = round(cohorts.get(council.code, 5000.0) * rng.uniform(0.9, 1.1), 1)
        values: dict[str, str | float] = {}
        for column, spread in _SPREAD.items():
            centre = float(england[column])
            if council.code == council_code and column == "NEET_NK_EHCP_percent":
                centre += COUNCIL_EHCP_EXCESS - COUNCIL_EHCP_RISE * (latest - year)
            values[column] = max(0.0, round(centre + rng.normal(0, spread), 1))
        values["NEET_not_known_percent"] = round(
            float(values["NEET_percent"]) + float(values["Notknown_percent"]), 1)
        if k == 7:  # no young people on SEN support recorded: not applicable
            values["cohort_SENDsupport_percent"] = "z"
            values["NEET_NK_SENDsupport_percent"] = "z"
        elif k in (9, 15):  # a small group, suppressed by DfE
            values["NEET_NK_SENDsupport_percent"] = "c"
        elif k == 12:
            values["NEET_NK_EHCP_percent"] = "low"
        row = {c: _vary(england[c], rng) for c in NEET_COLUMNS[11:]}
        row |= {c: str(v) for c, v in values.items()}
        row["Cohort_DJFavg"] = f"{cohort:g}"
        row["cohort_March"] = str(round(cohort * rng.uniform(0.99, 1.01)))
        for column in NEET_COLUMNS[-5:]:
            row[column] = str(int(rng.integers(1, 6)))
        if k == 20:
            row["September_guarantee_Offer_made_percent"] = "x"
        rows.append(({"geographic_level": "Local authority", "region_code": council.region_code,
                      "region_name": council.region_name, "old_la_code": str(council.la_number),
                      "new_la_code": council.code, "la_name": council.name}, row))
    frame = pd.DataFrame([{**labels, **row} for labels, row in rows])
    regions = []
    for code, name in zip(REGION_CODES, OTHER_REGION_NAMES, strict=True):
        mine = frame[frame["region_code"] == code]
        regions.append({"geographic_level": "Regional", "region_code": code,
                        "region_name": name, "old_la_code": "", "new_la_code": "",
                        "la_name": "", **_weighted(mine, rng)})
    national = {"geographic_level": "National", "region_code": "", "region_name": "",
                "old_la_code": "", "new_la_code": "", "la_name": "", **england}
    out = pd.DataFrame([national, *regions, *frame.to_dict("records")])
    out["time_period"] = str(year)
    out["time_identifier"] = "Calendar year"
    out["country_code"] = "E92000001"
    out["country_name"] = "England"
    out["Age"] = "16-17"
    return out[NEET_COLUMNS].fillna("")


def _vary(text: str, rng: np.random.Generator) -> str:
    """A column the chapter does not read: England's value with a little noise."""
    try:
        value = float(text)
    except ValueError:
        return text
    return f"{round(value * rng.uniform(0.9, 1.1), 1):g}"


def _weighted(councils_rows: pd.DataFrame, rng: np.random.Generator) -> dict[str, str]:
    """A region's row: cohorts added up, the chapter's percentages cohort-weighted."""
    cohort = councils_rows["Cohort_DJFavg"].astype(float)
    row = {c: _vary(ENGLAND_2025[c], rng) for c in NEET_COLUMNS[11:]}
    row["Cohort_DJFavg"] = f"{round(cohort.sum(), 1):g}"
    row["cohort_March"] = str(round(cohort.sum()))
    for column in (*_SPREAD, "NEET_not_known_percent"):
        values = pd.to_numeric(councils_rows[column], errors="coerce")
        known = values.notna()
        row[column] = f"{round(float((values[known] * cohort[known]).sum() / cohort[known].sum()), 1):g}"
    for column in NEET_COLUMNS[-5:]:
        row[column] = "z"
    return row


def adulthood_tables(caseload: pd.DataFrame, seed: int, year: int,
                     council_code: str) -> dict[str, pd.DataFrame]:
    """The demo's files for the preparing for adulthood chapter.

    Parameters
    ----------
    caseload : DataFrame
        The demo's SEN2 caseload table.
    seed : int
        The demo's seed.
    year : int
        The JSNA year (the NEET file's calendar year).
    council_code : str
        The demo council's code.

    Returns
    -------
    dict
        ``{"caseload": <caseload with plans by age>, "neet_send": <NEET dashboard file of the
        JSNA year>, "neet_send_<year>": <each earlier year's>}``: :data:`NEET_YEARS` calendar
        years, named as DfE names them (the latest file without its year).
    """
    with_ages = caseload_with_ages(caseload, seed)
    tables = {"caseload": with_ages, "neet_send": neet_table(with_ages, seed, year, council_code)}
    for earlier in range(year - NEET_YEARS + 1, year):
        tables[f"neet_send_{earlier}"] = neet_table(with_ages, seed, earlier, council_code, year)
    return tables


def neet_file_names(year: int) -> list[str]:
    """The demo's NEET files under its folder, oldest first (``inputs.comparators.neet_send``)."""
    return ([f"comparators/neet_send_{earlier}.csv"
             for earlier in range(year - NEET_YEARS + 1, year)] + ["comparators/neet_send.csv"])


#: LAIT code -> (Data item, England's latest value, change per year, council spread, years
#: published, how many years before the JSNA year the latest is), calibrated to England's LAIT
#: figures (16-17 with SEND in education or training March 2025; KS4 destinations of pupils
#: with SEN, overall and by SEN status, 2022/23; qualifications at 19 in 2023/24).
LAIT_SERIES: dict[str, tuple[str, float, float, float, int, int]] = {
    "16-17YroldSEN_ET": ("16-17 yr olds with SEN in education & training", 87.4, -0.2, 4.0,
                         8, 0),
    "KS4_SEN_Des_incSpec": ("Percentage of KS4 SEN cohort in Education, Employment or Training",
                            85.2, -0.4, 3.0, 7, 2),
    "Age19_NoNSEN_L2EM": ("19 year olds qualified to Level 2, inc E&M - Non SEN", 80.39, 0.5,
                          4.0, 9, 1),
    "Age19_SENwoS_L2EM": ("19 year olds qualified to Level 2, inc E&M - with SEN Support", 44.54,
                          0.8, 5.0, 9, 1),
    "Age19_SEN-S_L2EM": ("19 year olds qualified to Level 2, inc E&M - with EHCP", 18.15, 0.3,
                         5.0, 9, 1),
    "Age19_NoNSEN_L3": ("19 year olds qualified to Level 3 - Non SEN", 62.63, 0.4, 5.0, 9, 1),
    "Age19_SENwoS_L3": ("19 year olds qualified to Level 3 - with SEN Support", 35.08, 0.6, 5.0,
                        9, 1),
    "Age19_SEN-S_L3": ("19 year olds qualified to Level 3 - with EHCP", 14.15, 0.2, 4.0, 9, 1),
    # KS4 destinations by SEN status (special schools included; LAIT leaves Data item empty),
    # England 2022/23; last, so the series above keep their random numbers
    "SusEdOverall_NoSEN_incSpec": ("", 92.9, -0.3, 2.0, 7, 2),
    "SusEdOverall_SEN_NoStat_incSpec": ("", 84.5, -0.4, 3.0, 7, 2),
    "SusEdOverall_SEN_Stat_incSpec": ("", 87.0, -0.3, 4.0, 7, 2),
}


def adulthood_lait_table(seed: int, last_year: int) -> pd.DataFrame:
    """LAIT rows of the adulthood series, in the layout of :func:`jsna.demo.lait.lait_table`
    (appended to the demo's LAIT long file).

    Each council is England's figure shifted by its own effect plus a little noise each year;
    regions and England are the unweighted means of their councils (LAIT gives no group sizes).
    LAIT's ``-`` (no data) appears for one council's qualifications at 19 with an EHC plan in
    one year, and for another council's whole KS4 destination series' first year.

    Parameters
    ----------
    seed : int
        The demo's seed (a stream of its own, so the other LAIT series never move).
    last_year : int
        The JSNA year.

    Returns
    -------
    DataFrame
        Every cell as text, LAIT's columns.
    """
    rng = _rng(seed + 2)
    everyone = councils()
    rows: list[dict[str, str]] = []
    for code, (item, england, slope, spread, years, lag) in LAIT_SERIES.items():
        effects = {c.code: rng.normal(0, spread) for c in everyone}
        last = last_year - lag
        first_row = True
        for year in range(last - years + 1, last + 1):
            values = {c.code: min(max(england - slope * (last - year) + effects[c.code]
                                      + rng.normal(0, spread / 4), 0.0), 100.0)
                      for c in everyone}
            missing = set()
            if code.startswith("Age19_SEN-S") and year == last - 3:
                missing.add(everyone[5].code)
            if code == "KS4_SEN_Des_incSpec" and year == last - years + 1:
                missing.add(everyone[9].code)
            areas = [(c.code, c.name, c.la_number, c.region_name) for c in everyone]
            for region_code, name in zip(REGION_CODES, OTHER_REGION_NAMES, strict=True):
                members = [c.code for c in everyone
                           if c.region_code == region_code and c.code not in missing]
                values[region_code] = float(np.mean([values[m] for m in members]))
                areas.append((region_code, name, REGION_NUMBERS[region_code], "NA"))
            values[ENGLAND_CODE] = england - slope * (last - year)
            areas.append((ENGLAND_CODE, "England", 970, "NA"))
            for area_code, name, number, region in areas:
                text = ("-" if area_code in missing
                        else _text(values[area_code], 2, bool(rng.random() < 0.2)))
                rows.append({"Short Desc": code, "Data item": item if first_row else "",
                             "Years": str(year), "LA and Regions": name, "Values": text,
                             "LA Number": f"{number}.0", "Region": region})
                first_row = False
    return pd.DataFrame(rows, columns=COLUMNS)
