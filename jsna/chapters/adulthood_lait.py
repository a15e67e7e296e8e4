"""The preparing for adulthood chapter's sections from LAIT: young people with SEND in education
or training at 16 and 17, destinations after key stage 4 and qualifications at 19 by SEN status.

LAIT publishes percentages only, so every comparison here is the size of a difference in
percentage points, never a significance test, and no figure has a confidence interval; each
table says which young people its figures cover. The rows are worked out in
:mod:`jsna.indicators.adulthood_lait`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jsna.chapters.wording import Wording, sentence
from jsna.config import Config
from jsna.indicator_disclosure import suppress_indicators
from jsna.indicators.adulthood_lait import (
    AGE19_GROUPS,
    AGE19_LEVEL2_EM,
    AGE19_LEVEL3,
    KS4_DESTINATION,
    POLARITY,
    SEN_IN_EDUCATION,
    SEN_PUPILS,
    SEND,
    adulthood_lait_rows,
    lait_year_types,
)
from jsna.indicators.comparisons import ENGLAND, ComparatorAreas
from jsna.indicators.lait_series import latest_against_england, neighbour_average, published_value
from jsna.indicators.table import finalise
from jsna.sources.council_register import council_register
from jsna.sources.lait import read_lait
from jsna.stats import Benchmarks, add_comparisons
from jsna.viz.charts import trend_chart
from jsna.viz.display import Figure, Table

SOURCE = "Source: DfE, Local Authority Interactive Tool (LAIT)."
NOT_TESTED = (
    "LAIT publishes percentages without the numbers of young people, so these figures have no "
    "confidence interval and no test for trend: differences are shown in size (percentage "
    "points) and are not tested for significance. The neighbours' figure is the unweighted "
    "average of the statistical neighbours with a published value (how many is shown). "
    "Quartile bands rank the council among all councils in England (A = best quarter).")
SYMBOLS = "[x] = not available (no data in LAIT)."
BASIS = {
    SEN_IN_EDUCATION: (
        "16 and 17 year olds with SEND: young people aged 16 and 17 known to the council with an "
        "EHC plan, a statement, a learning difficulty assessment or SEN recorded at school, in "
        "education or training at the end of March of the year shown (as DfE counts them for "
        "the participation measure)"),
    KS4_DESTINATION: (
        "Pupils with SEN: pupils with an EHC plan or on SEN support at the end of key stage 4 in "
        "state-funded schools (special schools included), in education, an apprenticeship or "
        "employment for at least two terms of the year after key stage 4 (the year shown is "
        "LAIT's academic year of the measure)"),
    AGE19_LEVEL2_EM: (
        "Qualifications by 19: young people by their SEN status at academic age 15 (in Year "
        "11), the share qualified by age 19 (the academic year shown is the one in which they "
        "turned 19). Level 2 with English and maths: five GCSEs at grades 9 to 4 or "
        "equivalent, including English and maths; Level 3: two A levels or equivalent"),
}
#: short names of the measures for table rows
SHORT = {SEN_IN_EDUCATION: "16-17 with SEND in education or training (%)",
         KS4_DESTINATION: "Sustained destination after key stage 4, pupils with SEN (%)",
         AGE19_LEVEL2_EM: "Level 2 with English and maths by 19 (%)",
         AGE19_LEVEL3: "Level 3 by 19 (%)"}
#: row names in the table by SEN status at 15
BY_STATUS = {KS4_DESTINATION: "Sustained destination after key stage 4 (%)",
             AGE19_LEVEL2_EM: SHORT[AGE19_LEVEL2_EM], AGE19_LEVEL3: SHORT[AGE19_LEVEL3]}
#: the series shown year by year, and the qualification pieces shown for the latest year
TREND_SERIES = ((SEN_IN_EDUCATION, SEND), (KS4_DESTINATION, SEN_PUPILS))
AGE19_SERIES = tuple((indicator, group)
                     for indicator in (KS4_DESTINATION, AGE19_LEVEL2_EM, AGE19_LEVEL3)
                     for group in AGE19_GROUPS)
#: years back for the change shown beside the latest qualification figures
CHANGE_YEARS = 5
WORDING = Wording("adulthood")


@dataclass
class LaitSections:
    """What the LAIT part adds to the chapter."""

    indicators: pd.DataFrame
    audit: pd.DataFrame
    tables: dict[str, Table]
    figures: dict[str, Figure]
    sentences: list[str]


def read_adulthood_lait(path: str | Path, caseload: Path | None = None) -> pd.DataFrame:
    """LAIT's adulthood series as indicator rows (every area and year in the file).

    Parameters
    ----------
    path : str or Path
        The LAIT long file (``inputs.lait``).
    caseload : Path, optional
        DfE's SEN2 caseload file, whose councils extend DfE's LA list (as the outcomes chapter
        reads LAIT).
    """
    lait = read_lait(path, dictionary=lait_year_types(), register=council_register(caseload))
    rows = adulthood_lait_rows(lait)
    rows.attrs["path"] = str(path)
    return rows


def published_values(rows: pd.DataFrame, config: Config,
                     areas: ComparatorAreas) -> tuple[pd.DataFrame, pd.DataFrame]:
    """LAIT's values kept as published: compared (no limits, so ``Not compared`` by interval
    overlap), banded in quartiles among councils and through disclosure control (nothing is a
    count, so nothing is hidden), for England, the region, the council and its neighbours."""
    keep = rows["area_type"].isin(["England", "Local authority"]) | (
        rows["area_code"] == areas.region_code)
    rows = rows[keep].copy()
    rows["note"] = rows["note"].fillna("")
    names = areas.display_names()
    rows["area_name"] = rows["area_code"].map(names).fillna(rows["area_name"]).astype(str)
    compared = add_comparisons(
        finalise(rows), benchmarks=Benchmarks(areas.council, areas.region_code,
                                              tuple(areas.neighbours)), polarity=POLARITY)
    compared["recent_trend"] = "Cannot be calculated"  # no counts or limits to test
    out, audit = suppress_indicators(
        finalise(compared), threshold=config.disclosure.threshold,
        suppress_zeros=config.disclosure.suppress_zeros, council_code=areas.council)
    out = finalise(out)
    return out[out["area_code"].isin(areas.codes)].reset_index(drop=True), audit


def _shown(value: float) -> str:
    """One decimal place (never ``-0.0``), or ``[x]`` when not published."""
    if pd.isna(value):
        return "[x]"
    text = f"{float(value):.1f}"
    return "0.0" if text == "-0.0" else text


def _earlier(period: str, years: int) -> str:
    """The period ``years`` before: ``"2023/24"`` -> ``"2018/19"``; ``"2025"`` -> ``"2020"``."""
    start = int(period[:4]) - years
    return f"{start}/{(start + 1) % 100:02d}" if "/" in period else str(start)


def _records(rows: pd.DataFrame, all_rows: pd.DataFrame, indicator: str, breakdown: str,
             period: str, areas: ComparatorAreas, council: str) -> dict[str, object]:
    """One row of a LAIT table: the council, region, England and neighbours in ``period``."""
    mine = published_value(rows, indicator, breakdown, areas.council, period)
    england = published_value(rows, indicator, breakdown, ENGLAND, period)
    average, count = neighbour_average(all_rows, indicator, breakdown, areas.neighbours, period)
    band = rows.loc[(rows["indicator_id"] == indicator) & (rows["breakdown"] == breakdown)
                    & (rows["area_code"] == areas.council) & (rows["period"] == period),
                    "quartile_band"]
    return {
        council: _shown(mine),
        areas.region_name: _shown(published_value(rows, indicator, breakdown, areas.region_code, period)),
        "England": _shown(england),
        "Neighbours' average": (f"{_shown(average)} ({count} of {len(areas.neighbours)})"
                                if count else "[x]"),
        "Difference from England (points)": _shown(mine - england),
        "Quartile band": (band.iloc[0] or "") if len(band) else "",
    }


def _trend_table(rows: pd.DataFrame, all_rows: pd.DataFrame, areas: ComparatorAreas,
                 council: str) -> Table | None:
    """Year by year: SEND in education or training at 16-17, destinations after key stage 4."""
    records = []
    for indicator, breakdown in TREND_SERIES:
        series = rows[(rows["indicator_id"] == indicator) & (rows["breakdown"] == breakdown)]
        for period in sorted(series.loc[series["value"].notna(), "period"].unique()):
            records.append({"Measure": SHORT[indicator], "Year": period,
                            **_records(rows, all_rows, indicator, breakdown, period, areas,
                                       council)})
    if not records:
        return None
    return Table(
        name="adulthood_lait_trend", frame=pd.DataFrame.from_records(records),
        caption=(f"16 and 17 year olds with SEND in education or training, and pupils with SEN "
                 f"in a sustained destination after key stage 4, by year, {council}, "
                 f"{areas.region_name}, England and the statistical neighbours"),
        formats={c: "text" for c in records[0] if c not in ("Measure", "Year")},
        row_header="Measure",
        notes=[SOURCE, "Basis: " + BASIS[SEN_IN_EDUCATION] + ". " + BASIS[KS4_DESTINATION]
               + ".", NOT_TESTED, SYMBOLS])


def _age19_table(rows: pd.DataFrame, all_rows: pd.DataFrame, areas: ComparatorAreas,
                 council: str) -> Table | None:
    """The latest year of destinations after key stage 4 and qualifications at 19 by SEN status
    in Year 11, with the council's change."""
    records = []
    for indicator, group in AGE19_SERIES:
        series = rows[(rows["indicator_id"] == indicator) & (rows["breakdown"] == group)
                      & rows["value"].notna()]
        if series.empty:
            continue
        period = str(series["period"].max())
        before = _earlier(period, CHANGE_YEARS)
        change = (published_value(rows, indicator, group, areas.council, period)
                  - published_value(rows, indicator, group, areas.council, before))
        records.append({"Measure": BY_STATUS[indicator], "SEN status at 15": group,
                        "Year": period,
                        **_records(rows, all_rows, indicator, group, period, areas, council),
                        f"Change since {before} (points)": _shown(change)})
    if not records:
        return None
    frame = pd.DataFrame.from_records(records)
    years = sorted(set(frame["Year"]))
    if len(years) == 1:  # one year for every row: said in the caption (the table fits a page)
        frame = frame.drop(columns="Year")
    return Table(
        name="adulthood_age19", frame=frame,
        caption=(f"Sustained destinations after key stage 4, and young people qualified to "
                 f"Level 2 with English and maths and to Level 3 by age 19, by SEN status at 15 "
                 f"(Year 11), {council}, {areas.region_name}, England and the statistical "
                 f"neighbours, {', '.join(years)}"),
        formats={c: "text" for c in frame.columns
                 if c not in ("Measure", "SEN status at 15", "Year")},
        row_header="Measure",
        notes=[SOURCE, "Basis: " + BASIS[KS4_DESTINATION].replace("Pupils with SEN: pupils with "
                                                              "an EHC plan or on SEN support",
                                                              "Destinations: pupils")
               + ". " + BASIS[AGE19_LEVEL2_EM] + ".", NOT_TESTED,
               f"Change since: the council's latest figure minus its figure {CHANGE_YEARS} years "
               f"earlier ([x] when either is not published).", SYMBOLS])


def _trend_figure(rows: pd.DataFrame, areas: ComparatorAreas, council: str) -> Figure | None:
    """16 and 17 year olds with SEND in education or training: council, region, England."""
    series = rows[(rows["indicator_id"] == SEN_IN_EDUCATION)
                  & rows["area_code"].isin([areas.council, areas.region_code, ENGLAND])]
    if series["value"].notna().sum() == 0:
        return None
    periods = sorted(series["period"].unique())
    return trend_chart(
        series[["area_name", "period", "value"]], name="adulthood_sen_in_education",
        caption=(f"16 and 17 year olds with SEND in education or training at the end of March, "
                 f"{council}, {areas.region_name} and England, {periods[0]} to {periods[-1]}"),
        measure="percentage of 16 and 17 year olds with SEND in education or training",
        y_label="Per cent in education or training", highlight=council, source=SOURCE)


def _findings(rows: pd.DataFrame, areas: ComparatorAreas, council: str) -> list[str]:
    """The council's latest LAIT figures against England, in words (sizes, never 'significantly')."""
    out = []
    for key, indicator, breakdown in (("sen_in_education", SEN_IN_EDUCATION, SEND),
                                      ("ks4_destination", KS4_DESTINATION, SEN_PUPILS),
                                      ("age19_level2", AGE19_LEVEL2_EM, "EHC plan"),
                                      ("age19_level2_support", AGE19_LEVEL2_EM, "SEN support")):
        latest = latest_against_england(rows, indicator, breakdown, areas.council)
        if latest is None:
            continue
        period, value, england = latest
        out.append(sentence(WORDING.fill(key, council=council, period=period, value=value,
                                         england=england)))
    return out


def lait_sections(config: Config, areas: ComparatorAreas) -> LaitSections | None:
    """The chapter's LAIT tables, figure, findings and indicator rows (``None`` without
    ``inputs.lait`` or when the file holds none of these series).

    Raises
    ------
    JsnaInputError
        When the LAIT file cannot be read, or lacks England, the region or a neighbour.
    """
    from jsna.chapters.common import comparator_areas

    path = config.inputs.lait
    if path is None:
        return None
    all_rows = read_adulthood_lait(path, config.inputs.comparators.get("ehcp_caseload"))
    if all_rows.empty:
        return None
    comparator_areas(config, all_rows, path)
    rows, audit = published_values(all_rows, config, areas)
    council = config.area.name
    tables = {key: table for key, table in (
        ("lait_trend", _trend_table(rows, all_rows, areas, council)),
        ("age19", _age19_table(rows, all_rows, areas, council))) if table is not None}
    figure = _trend_figure(rows, areas, council)
    figures = {"sen_in_education": figure} if figure is not None else {}
    return LaitSections(rows, audit, tables, figures, _findings(rows, areas, council))
