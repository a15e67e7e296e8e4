"""The outcomes chapter's sections from LAIT: key stage 2, absence and exclusions by SEN.

Key stage 2 has the expected standard in reading, writing and maths, the progress scores in
each subject and the multiplication tables check, each by SEN status, with the gap between
pupils with no SEN and each SEN group where LAIT has the no-SEN figure.

LAIT publishes percentages and rates only, so every comparison here is the size of a difference
(in percentage points, or per 100 pupils), never a significance test; each table says which
pupils its figures cover (pupils by SEN status, pupils in special schools, or all pupils in
state-funded schools). The rows are worked out in :mod:`jsna.indicators.outcomes_lait`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jsna.chapters.outcomes_neighbours import Headline
from jsna.chapters.wording import Wording
from jsna.indicators.comparisons import ENGLAND, ComparatorAreas
from jsna.indicators.lait_series import latest_against_england, neighbour_average, published_value
from jsna.indicators.outcomes_lait import (
    ABSENCE_OVERALL,
    ABSENCE_PERSISTENT,
    ABSENCE_PERSISTENT_ALL,
    ALL_SCHOOLS,
    GAP_OF,
    KS2_GAPS,
    KS2_GROUPS,
    KS2_PROGRESS,
    KS2_RWM,
    KS2_RWM_GAP,
    LABELS,
    MTC_FULL_MARKS,
    MTC_GROUPS,
    PERMANENT_EXCLUSION_RATE,
    PERMANENT_EXCLUSION_RATE_ALL,
    SPECIAL,
    SUSPENDED_PUPILS,
    SUSPENSION_RATE,
    SUSPENSION_RATE_ALL,
    ks2_gap_rows,
    lait_outcome_rows,
    lait_year_types,
)
from jsna.sources.lait import read_lait
from jsna.viz.charts import trend_chart
from jsna.viz.display import Figure, Table

SOURCE = "Source: DfE, Local Authority Interactive Tool (LAIT)."
#: years of change shown beside the latest figure
CHANGE_YEARS = 5
WORDING = Wording("outcomes_lait")
NOT_TESTED = ("LAIT publishes percentages, rates and scores without the numbers of pupils or "
              "any interval, so they have no confidence interval here: differences are shown in "
              "size and are not tested for significance. The neighbours' figure is the "
              "unweighted average of the statistical neighbours with a published value. "
              "Quartile bands rank the council among all councils in England (A = best "
              "quarter).")
SYMBOLS = "[x] = not available (no data in LAIT)."

#: section -> (indicator, breakdown) pairs in the order shown, and the basis of its figures
SECTIONS: dict[str, tuple[tuple[tuple[str, str], ...], str]] = {
    "ks2": (tuple((KS2_RWM, g) for g in KS2_GROUPS)
            + tuple((KS2_RWM_GAP, label) for label, _ in KS2_GAPS),
            "Basis: pupils at the end of key stage 2 in state-funded schools, by their SEN "
            "status in that year; the gap is the figure for pupils with no SEN minus the figure "
            "for the SEN group (differences of DfE's whole percentages)."),
    "ks2_progress": (tuple((i, g) for i in KS2_PROGRESS for g in KS2_GROUPS),
                     "Basis: pupils at the end of key stage 2 in state-funded schools who have "
                     "a key stage 1 result, by their SEN status in that year. A progress score "
                     "compares pupils' key stage 2 results with those of pupils nationally who "
                     "had similar key stage 1 results: 0 is the national average of all pupils, "
                     "-1 a point below it. DfE publishes a 95% confidence interval with each "
                     "progress score in its key stage 2 files, but LAIT gives the scores only, "
                     "so none is shown here and differences are not tested. There are no scores "
                     "for 2023/24 and 2024/25 (those pupils have no key stage 1 results: the "
                     "assessments were cancelled in 2019/20 and 2020/21)."),
    "ks2_progress_gaps": (tuple((GAP_OF[i], label) for i in KS2_PROGRESS
                                for label, _ in KS2_GAPS),
                          "Basis: the progress score of pupils with no SEN minus that of the "
                          "SEN group, in points (differences of LAIT's published scores, to two "
                          "decimal places). Neither side has a published interval in LAIT, so "
                          "the gap has none."),
    "mtc": (tuple((MTC_FULL_MARKS, g) for g in MTC_GROUPS),
            "Basis: pupils in year 4 in state-funded schools who took the multiplication tables "
            "check, by their SEN status; full marks is 25 out of 25. LAIT gives the figure for "
            "all pupils with SEN and each SEN group but not for pupils with no SEN, so no gap "
            "is shown. Whole percentages as LAIT publishes them."),
    "absence": (((ABSENCE_OVERALL, SPECIAL), (ABSENCE_PERSISTENT, SPECIAL),
                 (ABSENCE_PERSISTENT_ALL, ALL_SCHOOLS)),
                "Basis: LAIT gives absence by type of school, not by SEN status: pupils of "
                "compulsory school age in state-funded special schools, with all pupils in "
                "state-funded schools for context (most pupils with SEND attend mainstream "
                "schools and are in the all-schools figure). Persistent absence: missing 10% or "
                "more of possible sessions."),
    "exclusions": (((SUSPENSION_RATE, SPECIAL), (SUSPENDED_PUPILS, SPECIAL),
                    (PERMANENT_EXCLUSION_RATE, SPECIAL), (SUSPENSION_RATE_ALL, ALL_SCHOOLS),
                    (PERMANENT_EXCLUSION_RATE_ALL, ALL_SCHOOLS)),
                   "Basis: LAIT gives exclusions by type of school, not by SEN status: pupils "
                   "in state-funded special schools, with all pupils in state-funded schools "
                   "for context. Rates are per 100 pupils on roll in January."),
}
#: short names for table rows (the full definitions are in the notes under each table)
SHORT = {KS2_RWM: "Expected standard (%)", KS2_RWM_GAP: "Gap (percentage points)",
         ABSENCE_OVERALL: "Overall absence (% of sessions)",
         ABSENCE_PERSISTENT: "Persistently absent (%)", SUSPENSION_RATE: "Suspensions per 100",
         ABSENCE_PERSISTENT_ALL: "Persistently absent (%)",
         SUSPENSION_RATE_ALL: "Suspensions per 100",
         PERMANENT_EXCLUSION_RATE_ALL: "Permanent exclusions per 100",
         SUSPENDED_PUPILS: "Pupils suspended at least once (%)",
         PERMANENT_EXCLUSION_RATE: "Permanent exclusions per 100",
         **{i: f"{i.split('_')[1].capitalize()} progress score" for i in KS2_PROGRESS},
         **{GAP_OF[i]: f"{i.split('_')[1].capitalize()} progress gap (points)"
            for i in KS2_PROGRESS},
         MTC_FULL_MARKS: "Full marks (%)"}
#: section -> the series charted over time (none for progress scores, which run either side of
#: zero over a few years: their table shows them)
CHARTED = {"ks2": (KS2_RWM, "SEN support"), "absence": (ABSENCE_PERSISTENT, SPECIAL),
           "exclusions": (SUSPENSION_RATE, SPECIAL), "mtc": (MTC_FULL_MARKS, "EHC plan")}
TITLES = {"ks2": "key stage 2 attainment by SEN status",
          "ks2_progress": "key stage 2 progress scores by SEN status",
          "ks2_progress_gaps": "the gap in key stage 2 progress between pupils with no SEN and "
                               "each SEN group",
          "mtc": "full marks in the multiplication tables check by SEN status",
          "absence": "absence in special schools and in all schools",
          "exclusions": "suspensions and permanent exclusions in special schools and in all "
                        "schools"}


#: the measures charted against the neighbours: the expected standard at key stage 2, for pupils
#: with an EHC plan and on SEN support
NEIGHBOUR_HEADLINES = tuple(
    Headline(key=f"ks2_rwm_{key}", indicator=KS2_RWM, breakdown=group,
             measure=f"percentage of pupils {words} meeting the expected standard in reading, "
                     f"writing and maths at the end of key stage 2",
             x_label="Per cent meeting the expected standard", value_label="Per cent",
             decimals=0, unit="%", source=SOURCE,
             basis="Basis: pupils at the end of key stage 2 in state-funded schools, by their "
                   "SEN status in that year; whole percentages as LAIT publishes them. LAIT "
                   "gives no numbers of pupils, so there is no confidence interval and "
                   "differences are sizes, not tested for significance.")
    for group, key, words in (("EHC plan", "ehcp", "with an EHC plan"),
                              ("SEN support", "sen_support", "on SEN support")))


def read_lait_rows(path: str | Path, register: pd.DataFrame | None = None) -> pd.DataFrame:
    """LAIT's key stage 2, absence and exclusion series as indicator rows, gaps included.

    Parameters
    ----------
    path : str or Path
        The LAIT long file (``inputs.lait``).
    register : DataFrame, optional
        :func:`jsna.sources.council_register.council_register`, for councils DfE's LA list
        does not know.

    Returns
    -------
    DataFrame
        :func:`~jsna.indicators.outcomes_lait.lait_outcome_rows` with the key stage 2 gaps.
    """
    lait = read_lait(path, dictionary=lait_year_types(), register=register)
    rows = lait_outcome_rows(lait)
    rows = pd.concat([rows, *(ks2_gap_rows(rows, indicator) for indicator in GAP_OF)],
                     ignore_index=True)
    rows.attrs["path"] = str(path)
    return rows


def _earlier(period: str, years: int) -> str:
    """The academic year ``years`` before ``period`` (``"2024/25"``, 4 -> ``"2020/21"``)."""
    start = int(period[:4]) - years
    return f"{start}/{(start + 1) % 100:02d}"


#: decimal places shown: LAIT's whole percentages at key stage 2, two places for the small
#: rates of exclusion (0.08 permanent exclusions per 100 pupils), one for the rest
DECIMALS = {KS2_RWM: 0, KS2_RWM_GAP: 0, SUSPENSION_RATE: 2, SUSPENDED_PUPILS: 2,
            PERMANENT_EXCLUSION_RATE: 2, SUSPENSION_RATE_ALL: 2,
            PERMANENT_EXCLUSION_RATE_ALL: 2, MTC_FULL_MARKS: 0,
            # progress scores and their gaps to two places, as DfE publishes them
            **{i: 2 for i in KS2_PROGRESS}, **{GAP_OF[i]: 2 for i in KS2_PROGRESS}}


def _shown(value: float, decimals: int = 1, note: str = "[x]") -> str:
    """A number as text with its decimal places (never ``-0.0``), or the symbol."""
    if pd.isna(value):
        return note
    text = f"{float(value):.{decimals}f}"
    return text[1:] if text.lstrip("-0.") == "" and text.startswith("-") else text


def latest_table(rows: pd.DataFrame, all_rows: pd.DataFrame, section: str,
                 areas: ComparatorAreas, council: str) -> Table:
    """The latest year of each series of a section: council, region, England, neighbours.

    ``rows`` are the chapter's compared indicator rows (council, region, England, neighbours);
    ``all_rows`` every council's, for nothing but the neighbours' average.
    """
    pieces, basis = SECTIONS[section]
    records = []
    for indicator, breakdown in pieces:
        series = rows[(rows["indicator_id"] == indicator) & (rows["breakdown"] == breakdown)]
        published = series[series["value"].notna()]
        if published.empty:
            continue
        period = str(published["period"].max())
        # the earliest published year of the last five (key stage 2 skipped 2019/20 and 2020/21)
        window = {_earlier(period, back) for back in range(CHANGE_YEARS)}
        council_years = published.loc[(published["area_code"] == areas.council)
                                      & published["period"].isin(window), "period"]
        before = str(council_years.min()) if len(council_years) else period
        england = published_value(rows, indicator, breakdown, ENGLAND, period)
        places = DECIMALS.get(indicator, 1)
        band = series.loc[(series["area_code"] == areas.council)
                          & (series["period"] == period), "quartile_band"]
        for code, name in ((areas.council, council), (areas.region_code, areas.region_name),
                           (ENGLAND, "England")):
            value = published_value(rows, indicator, breakdown, code, period)
            then = published_value(rows, indicator, breakdown, code, before)
            records.append({
                "Measure": SHORT[indicator], "Pupils": breakdown, "Area": name, "Year": period,
                "Value": _shown(value, places),
                "Difference from England": ("Benchmark" if code == ENGLAND
                                            else _shown(value - england, places)),
                "Change since": "" if before == period else _shown(value - then, places),
                "Since year": "" if before == period else before,
                "Quartile band among councils": (
                    (band.iloc[0] or "") if code == areas.council and len(band) else ""),
            })
        average, count = neighbour_average(all_rows, indicator, breakdown, areas.neighbours,
                                            period)
        records.append({
            "Measure": SHORT[indicator], "Pupils": breakdown,
            "Area": f"Statistical neighbours' average ({count} of {len(areas.neighbours)})",
            "Year": period, "Value": _shown(average, places),
            "Difference from England": _shown(average - england, places),
            "Change since": "", "Since year": "", "Quartile band among councils": ""})
    frame = pd.DataFrame(records, columns=[
        "Measure", "Pupils", "Area", "Year", "Value", "Difference from England",
        "Change since", "Since year", "Quartile band among councils"])
    return Table(
        name=f"outcomes_{section}", frame=frame, row_header="Measure",
        caption=f"The latest year of {TITLES[section]}, {council}, {areas.region_name}, England "
                f"and the statistical neighbours",
        formats={"Value": "text", "Difference from England": "text", "Change since": "text"},
        notes=[SOURCE, "Measures: " + "; ".join(
                   dict.fromkeys(f"{SHORT[i]}: {LABELS[i][0].lower()}{LABELS[i][1:]}"
                                 for i, _ in pieces)) + ".", basis, NOT_TESTED,
               f"Change since: the latest figure minus the figure of the earliest year of the "
               f"last {CHANGE_YEARS} that the council has published (the year shown; [x] when "
               f"that area has no figure for it). Years without data are not interpolated.",
               SYMBOLS])


def trend_figure(rows: pd.DataFrame, section: str, areas: ComparatorAreas,
                 council: str) -> Figure | None:
    """The charted series of a section over every published year: council, region, England
    (None for a section with no chart, or nothing published)."""
    if section not in CHARTED:
        return None
    indicator, breakdown = CHARTED[section]
    series = rows[(rows["indicator_id"] == indicator) & (rows["breakdown"] == breakdown)
                  & rows["area_code"].isin([areas.council, areas.region_code, ENGLAND])]
    if series["value"].notna().sum() == 0:
        return None
    data = series[["area_name", "period", "value"]].copy()
    # "with an EHC plan", never "ehc plan"; the axis gets the short name (the long one
    # wrapped down the whole height of the chart)
    measure = f"{LABELS[indicator]}, {WORDING.pick('groups', breakdown)}"
    periods = sorted(data["period"].unique())
    return trend_chart(
        data, name=f"outcomes_{section}_trend",
        caption=f"{measure}, {council}, {areas.region_name} and England, {periods[0]} to "
                f"{periods[-1]}",
        measure=measure, y_label=SHORT[indicator], highlight=council, source=SOURCE)


def lait_findings(rows: pd.DataFrame, areas: ComparatorAreas, council: str) -> list[str]:
    """Key findings of the LAIT sections: the council's latest figures against England."""
    sentences = []
    for key, indicator, breakdown in (("ks2", KS2_RWM, "SEN support"),
                                      ("ks2", KS2_RWM, "EHC plan"),
                                      ("absence", ABSENCE_PERSISTENT, SPECIAL),
                                      ("exclusions", SUSPENSION_RATE, SPECIAL)):
        latest = latest_against_england(rows, indicator, breakdown, areas.council)
        if latest is None:
            continue
        period, value, england = latest
        sentences.append(WORDING.fill(
            key, council=council, period=period, group=WORDING.pick("groups", breakdown),
            value=f"{value:.1f}", england=f"{england:.1f}"))
    return sentences
