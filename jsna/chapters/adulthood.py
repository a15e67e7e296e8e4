"""Chapter: preparing for adulthood.

From published files only: DfE's *Participation in education, training and NEET age 16 to 17 by
local authority* (the dashboard's underlying data, ``inputs.comparators.neet_send``) gives the
percentage of 16 and 17 year olds with an EHC plan, on SEN support and with no SEN who were NEET
or whose activity was not known; DfE's SEN2 caseload file (``inputs.comparators.ehcp_caseload``,
when given and when it holds plans by age) gives the share of EHC plans held by young people
aged 16 to 19 and 20 to 25. Each figure has a Wilson 95% interval and is compared with England,
the region and the statistical neighbours (:func:`jsna.chapters.common.comparator_pipeline`); the
counting is in :mod:`jsna.indicators.adulthood`.

A council without the NEET file gets a chapter whose only content is a box naming the input and
where to download it.
"""

from __future__ import annotations

import pandas as pd

from jsna.chapters.adulthood_lait import lait_sections
from jsna.chapters.base import Chapter, Findings
from jsna.chapters.common import ComparatorAreas, comparator_areas, comparator_pipeline
from jsna.chapters.wording import Wording, sentence
from jsna.config import Config
from jsna.disclosure import TableRules
from jsna.errors import JsnaInputError
from jsna.forecast.series import read_plans_by_age
from jsna.indicators.adulthood import (
    ADULT_BANDS,
    GROUPS,
    NEET,
    NEET_NOT_KNOWN,
    NOT_KNOWN,
    PLANS_BY_AGE,
    POLARITY_NEET,
    neet_rows,
    plans_by_age_rows,
)
from jsna.indicators.table import INDICATOR_COLUMNS
from jsna.sources.neet import read_neet_send
from jsna.viz.charts import compare_chart, trend_chart
from jsna.viz.display import Figure, Table

KEY = "adulthood"
TITLE = "Preparing for adulthood"
NEET_SOURCE = ("Source: DfE, Participation in education, training and NEET age 16 to 17 by local "
               "authority (NEET and not known by SEND).")
PLANS_SOURCE = "Source: DfE, Education, health and care plans (SEN2), plans by age."
NEET_URL = ("https://explore-education-statistics.service.gov.uk/find-statistics/"
            "participation-in-education-training-and-neet-age-16-to-17-by-local-authority")
SYMBOLS = ("[c] = suppressed (by DfE, or by this JSNA's disclosure control); [z] = not "
           "applicable; [x] = not available; [low] = rounds to zero.")
ESTIMATE_NOTE = (
    "DfE publishes percentages only. The 95% confidence intervals (Wilson score method) use the "
    "number of young people in each group estimated from the published figures: the December to "
    "February average cohort times the group's published share of it. Comparisons with England "
    "and the neighbours are by 95% interval overlap; NEET or not known is lower-is-better.")
WORDING = Wording(KEY)


def _shown(rows: pd.DataFrame, column: str) -> pd.Series:
    """Values, with the row's symbol (published or disclosure) where there is no value."""
    symbol = rows["note"].where(rows["note"].str.fullmatch(r"\[[a-z]+\]"), "[x]")
    return rows[column].astype(object).where(rows[column].notna(), symbol)


def _value_of(indicators: pd.DataFrame, indicator: str, code: str, period: str,
              breakdown: str) -> pd.Series | None:
    rows = indicators[(indicators["indicator_id"] == indicator) & (indicators["area_code"] == code)
                      & (indicators["period"] == period) & (indicators["breakdown"] == breakdown)]
    if rows.empty or pd.isna(rows["value"].iloc[0]):
        return None
    return rows.iloc[0]


def missing_input_chapter(config: Config) -> Chapter:
    """The chapter of a council without the NEET file: a box naming the input to set.

    Parameters
    ----------
    config : Config
        The council's configuration.

    Returns
    -------
    Chapter
        Findings only (heading "Input needed"), no tables, figures or indicator rows.
    """
    text = sentence(WORDING.fill("missing_input", url=NEET_URL))
    return Chapter(KEY, TITLE, Findings([text], heading="Input needed"),
                   indicators=pd.DataFrame(columns=INDICATOR_COLUMNS))


def _area_cells(rows: pd.DataFrame, areas: ComparatorAreas, council: str, period: str,
                breakdown: str) -> tuple[dict[str, object], pd.DataFrame] | None:
    """The council's percentage, interval and comparison with England, beside the region's and
    England's, for one breakdown and period, and the council's row (``None`` when it has
    none)."""
    def pick(code: str) -> pd.DataFrame:
        return rows[(rows["area_code"] == code) & (rows["period"] == period)
                    & (rows["breakdown"] == breakdown)]
    mine, region, england = pick(areas.council), pick(areas.region_code), pick("E92000001")
    if mine.empty:
        return None
    return {
        f"{council} (%)": _shown(mine, "value").iloc[0],
        "95% CI lower": _shown(mine, "lower_ci_95").iloc[0],
        "95% CI upper": _shown(mine, "upper_ci_95").iloc[0],
        f"{areas.region_name} (%)": _shown(region, "value").iloc[0] if len(region) else "[x]",
        "England (%)": _shown(england, "value").iloc[0] if len(england) else "[x]",
        "Compared with England": mine["compared_to_england"].iloc[0],
    }, mine


def _percent_formats(council: str, areas: ComparatorAreas) -> dict[str, str]:
    return {c: "percent" for c in (f"{council} (%)", "95% CI lower", "95% CI upper",
                                   f"{areas.region_name} (%)", "England (%)")}


def _group_table(indicators: pd.DataFrame, areas: ComparatorAreas, period: str,
                 council: str) -> Table:
    """One row per SEN group: the council's percentage, interval and comparisons, the region
    and England."""
    rows = indicators[indicators["indicator_id"] == NEET_NOT_KNOWN]
    records = []
    for breakdown in GROUPS:
        found = _area_cells(rows, areas, council, period, breakdown)
        if found is None:
            continue
        cells, mine = found
        records.append({"SEN status": "All young people" if breakdown == "All" else breakdown,
                        **cells,
                        "Compared with neighbours": mine["compared_to_neighbours"].iloc[0]})
    return _percent_table(
        "neet_by_sen", f"16 and 17 year olds NEET or whose activity was not known, by SEN status, "
        f"{council}, {areas.region_name} and England, {period}", records, council, areas,
        "SEN status", [NEET_SOURCE, "Out of young people aged 16 and 17 known to the council "
                       "(average of December, January and February). DfE publishes NEET and not "
                       "known together, not separately, by SEN status.", ESTIMATE_NOTE, SYMBOLS])


def _january(period: str) -> str:
    """The January of an academic year: ``"2024/25"`` -> ``"January 2025"``."""
    return f"January {period[:2]}{period[-2:]}"


def _plans_table(indicators: pd.DataFrame, areas: ComparatorAreas, council: str) -> Table:
    """Share of EHC plans by age band, each January, for the council, region and England."""
    rows = indicators[indicators["indicator_id"] == PLANS_BY_AGE]
    records = []
    for period in sorted(rows["period"].unique()):
        for band in ADULT_BANDS:
            found = _area_cells(rows, areas, council, period, band)
            if found is not None:
                records.append({"January": _january(period), "Age": band, **found[0]})
    return _percent_table(
        "plans_by_age", f"EHC plans held by young people aged 16 to 19 and 20 to 25, as a share of "
        f"all EHC plans maintained in January, {council}, {areas.region_name} and England",
        records, council, areas, "January", [PLANS_SOURCE, "Out of all plans with a published age. 95% confidence intervals by "
               "the Wilson score method; comparison with England by 95% interval overlap (a "
               "higher or lower share is neither better nor worse).", SYMBOLS])


def _percent_table(name: str, caption: str, records: list[dict], council: str,
                   areas: ComparatorAreas, row_header: str, notes: list[str]) -> Table:
    """A table of shares for the council, region and England (see :func:`_percent_formats`)."""
    return Table(name=f"{KEY}_{name}", caption=caption, frame=pd.DataFrame.from_records(records),
                 formats=_percent_formats(council, areas), row_header=row_header, notes=notes)


def build(config: Config) -> Chapter:
    """Build the preparing for adulthood chapter for a council.

    Parameters
    ----------
    config : Config
        The council's validated configuration. Uses ``inputs.comparators.neet_send`` (without it
        the chapter is a box naming that input) and ``inputs.comparators.ehcp_caseload`` when set.

    Returns
    -------
    Chapter
        Findings, tables, figures, indicator rows and disclosure audit.

    Raises
    ------
    JsnaInputError
        When the NEET file cannot be read, or lacks the council, England, the region or a
        neighbour (naming the file).
    """
    files = config.inputs.comparator_files.get("neet_send")
    if not files:
        return missing_input_chapter(config)
    area = config.area
    rows = neet_rows(read_neet_send(list(files)))
    path = rows.attrs.get("path") or ", ".join(str(f) for f in files)
    areas = comparator_areas(config, rows, path)
    if areas.council not in set(rows["area_code"]):
        raise JsnaInputError(f"{path}: no rows for {area.name} ({area.code})")
    neet, audit = comparator_pipeline(rows, config, areas, POLARITY_NEET)
    period = max(neet["period"])
    tables = {"neet_by_sen": _group_table(neet, areas, period, area.name),
              "neet_trend": _trend_table(neet, areas, area.name)}
    rules = {tables["neet_by_sen"].name: TableRules(key=["SEN status"], counts=[]),
             tables["neet_trend"].name: TableRules(key=["SEN status", "Year"], counts=[])}
    figures = {}
    trend = _trend_figure(neet, areas, area.name)
    if trend is not None:
        figures["neet_trend"] = trend

    caption = (f"16 and 17 year olds with an EHC plan NEET or whose activity was not known, "
               f"{area.name} and its statistical neighbours, {period}")
    points = neet[(neet["indicator_id"] == NEET_NOT_KNOWN) & (neet["breakdown"] == "EHC plan")
                  & (neet["period"] == period)
                  & neet["area_code"].isin([areas.council, *areas.neighbours])]
    england = _value_of(neet, NEET_NOT_KNOWN, "E92000001", period, "EHC plan")
    mine = f"{area.name} (this council)"
    figures["neighbours"] = compare_chart(
        points[["area_name", "value", "lower_ci_95", "upper_ci_95"]].assign(
            area_name=points["area_name"].where(points["area_code"] != areas.council, mine)),
        name=f"{KEY}_neet_ehcp_neighbours", caption=caption,
        measure="percentage of 16 and 17 year olds with an EHC plan who were NEET or whose "
                "activity was not known",
        x_label="Per cent NEET or not known", highlight=mine, others="Statistical neighbours",
        benchmark=("England", float(england["value"])) if england is not None else None,
        source=NEET_SOURCE)

    indicators = [neet]
    plans_sentences: list[str] = []
    caseload = config.inputs.comparators.get("ehcp_caseload")
    if caseload is not None:
        by_age = read_plans_by_age([caseload])
        by_age = by_age[by_age["area_code"].isin(areas.codes)
                        | (by_age["area_type"] == "Local authority")]
        if areas.council not in set(by_age["area_code"]):
            plans_sentences.append(sentence(WORDING.fill("no_plans_by_age", council=area.name)))
        else:
            # the placements chapter publishes the same counts: one disclosure for both
            from jsna.chapters.placements import plans_by_age_indicators

            plans, plans_audit = plans_by_age_indicators(
                config, areas, ADULT_BANDS, PLANS_BY_AGE,
                periods=set(plans_by_age_rows(by_age)["period"]))
            audit = pd.concat([audit, plans_audit], ignore_index=True)
            indicators.append(plans)
            tables["plans_by_age"] = _plans_table(plans, areas, area.name)
            rules[tables["plans_by_age"].name] = TableRules(key=["January", "Age"], counts=[])
            charted = plans[(plans["breakdown"] == ADULT_BANDS[0])
                            & plans["area_code"].isin([areas.council, areas.region_code,
                                                       "E92000001"]) & plans["value"].notna()]
            figures["plans_by_age"] = trend_chart(
                charted[["area_name", "period", "value", "lower_ci_95", "upper_ci_95"]].assign(
                    period=charted["period"].map(_january)),
                name=f"{KEY}_plans_16_to_19", caption=(
                    f"EHC plans held by young people aged 16 to 19 as a share of all plans, "
                    f"{area.name}, {areas.region_name} and England"),
                measure="percentage of EHC plans held by young people aged 16 to 19",
                y_label="Per cent of all EHC plans", highlight=area.name, source=PLANS_SOURCE)
            plans_sentences += _plans_findings(plans, areas, area.name)
    lait_sentences: list[str] = []
    lait = lait_sections(config, areas)
    if lait is None:
        lait_sentences.append(sentence(WORDING.fill("missing_lait")))
    else:
        indicators.append(lait.indicators)
        audit = pd.concat([audit, lait.audit], ignore_index=True)
        tables |= lait.tables
        figures |= lait.figures
        rules |= {table.name: TableRules(key=[c for c in ("Measure", "SEN status at 15", "Year")
                                              if c in table.frame.columns], counts=[])
                  for table in lait.tables.values()}
        lait_sentences += lait.sentences
    findings = Findings(_neet_findings(neet, areas, area.name, period)
                        + _neet_trend_findings(neet, areas, area.name) + lait_sentences
                        + plans_sentences)
    return Chapter(KEY, TITLE, findings, tables, figures,
                   pd.concat(indicators, ignore_index=True), audit, rules)


#: How the recent trend is tested, under the trend table.
TREND_NOTE = (
    "Recent trend: Fingertips' chi-squared test for trend in proportions over the five most "
    "recent consecutive years to the latest, on the estimated group sizes (significant at the "
    "99.8% level and in the same direction when any one year is left out); shown on the "
    "latest year's row; 'Cannot be calculated' with "
    "fewer than five consecutive years or a year DfE suppressed. Each year's file is DfE's final "
    "figure for that year; years are compared like for like (the same December to February "
    "cohort definition every year).")


def _trend_table(neet: pd.DataFrame, areas: ComparatorAreas, council: str) -> Table:
    """NEET or not known by SEN status, year by year: the council's percentage and interval,
    the region and England, the comparisons and the recent trend."""
    rows = neet[neet["indicator_id"] == NEET_NOT_KNOWN]
    latest = max(rows["period"])
    records = []
    for breakdown in ("EHC plan", "SEN support", "No SEN", "All"):
        for year in sorted(rows["period"].unique()):
            found = _area_cells(rows, areas, council, year, breakdown)
            if found is None:
                continue
            cells, mine = found
            records.append({
                "SEN status": "All young people" if breakdown == "All" else breakdown,
                "Year": year, **cells,
                "Compared with neighbours": mine["compared_to_neighbours"].iloc[0],
                # Fingertips shows the recent trend once, on the latest year
                "Recent trend": mine["recent_trend"].iloc[0] if year == latest else ""})
    years = sorted(rows["period"].unique())
    return _percent_table(
        "neet_trend", f"16 and 17 year olds NEET or whose activity was not known, by SEN status "
        f"and year, {council}, {areas.region_name} and England, {years[0]} to {years[-1]}",
        records, council, areas, "SEN status",
        [NEET_SOURCE, "Out of young people aged 16 and 17 known to the council (average of "
         "December, January and February of each year).", ESTIMATE_NOTE, TREND_NOTE, SYMBOLS])


def _trend_figure(neet: pd.DataFrame, areas: ComparatorAreas, council: str) -> Figure | None:
    """Young people with an EHC plan NEET or not known, each year: council, region, England,
    with 95% intervals (``None`` with a single year)."""
    charted = neet[(neet["indicator_id"] == NEET_NOT_KNOWN) & (neet["breakdown"] == "EHC plan")
                   & neet["area_code"].isin([areas.council, areas.region_code, "E92000001"])
                   & neet["value"].notna()]
    years = sorted(charted["period"].unique())
    if len(years) < 2:
        return None
    return trend_chart(
        charted[["area_name", "period", "value", "lower_ci_95", "upper_ci_95"]],
        name=f"{KEY}_neet_ehcp_trend", caption=(
            f"16 and 17 year olds with an EHC plan NEET or whose activity was not known, "
            f"{council}, {areas.region_name} and England, {years[0]} to {years[-1]}"),
        measure="percentage of 16 and 17 year olds with an EHC plan who were NEET or whose "
                "activity was not known",
        y_label="Per cent NEET or not known", highlight=council, source=NEET_SOURCE)


def _neet_trend_findings(neet: pd.DataFrame, areas: ComparatorAreas, council: str) -> list[str]:
    """The change for young people with an EHC plan from the first year to the latest, and
    the recent trend when it can be calculated."""
    mine = neet[(neet["indicator_id"] == NEET_NOT_KNOWN) & (neet["breakdown"] == "EHC plan")
                & (neet["area_code"] == areas.council) & neet["value"].notna()]
    if mine["period"].nunique() < 2:
        return []
    first, last = min(mine["period"]), max(mine["period"])
    start, end = (_value_of(neet, NEET_NOT_KNOWN, areas.council, p, "EHC plan")
                  for p in (first, last))
    england = [_value_of(neet, NEET_NOT_KNOWN, "E92000001", p, "EHC plan") for p in (first, last)]
    if start is None or end is None or any(row is None for row in england):
        return []
    parts = [WORDING.fill("neet_trend", first=first, last=last, council=council,
                          start=start["value"], end=end["value"],
                          england_start=england[0]["value"], england_end=england[1]["value"])]
    if end["recent_trend"] in ("Increasing", "Decreasing", "No significant change"):
        parts.append(WORDING.fill("neet_recent_trend",
                                  trend=WORDING.pick("trend", end["recent_trend"])))
    return [sentence(*parts)]


def _neet_findings(neet: pd.DataFrame, areas: ComparatorAreas, council: str,
                   period: str) -> list[str]:
    """Sentences written from the indicator rows (never typed-in numbers)."""
    say = WORDING
    out = []
    mine = _value_of(neet, NEET_NOT_KNOWN, areas.council, period, "EHC plan")
    if mine is not None:
        england = _value_of(neet, NEET_NOT_KNOWN, "E92000001", period, "EHC plan")
        out.append(sentence(
            say.fill("neet_group", period=period, value=mine["value"],
                     group=say.pick("group", "EHC plan"), council=council),
            "" if england is None else say.fill(
                "against_england", england=england["value"],
                relation=say.pick("compared", mine["compared_to_england"]))))
    groups = {b: _value_of(neet, NEET_NOT_KNOWN, areas.council, period, b)
              for b in ("EHC plan", "SEN support", "No SEN")}
    if all(row is not None for row in groups.values()):
        out.append(sentence(say.fill("gap", ehcp=groups["EHC plan"]["value"],
                                     support=groups["SEN support"]["value"],
                                     no_sen=groups["No SEN"]["value"])))
    neet_all = _value_of(neet, NEET, areas.council, period, "All")
    not_known = _value_of(neet, NOT_KNOWN, areas.council, period, "All")
    if neet_all is not None and not_known is not None:
        out.append(sentence(say.fill("all_young_people", neet=neet_all["value"],
                                     not_known=not_known["value"])))
    return out


def _plans_findings(plans: pd.DataFrame, areas: ComparatorAreas, council: str) -> list[str]:
    """The share of plans held by 16 to 25 year olds in the latest January."""
    period = max(plans["period"])
    rows = [_value_of(plans, PLANS_BY_AGE, areas.council, period, band) for band in ADULT_BANDS]
    if any(row is None for row in rows):
        return []
    count = sum(row["count"] for row in rows)
    total = rows[0]["denominator"]
    parts = [WORDING.fill("plans_by_age", january=f"{period[:2]}{period[-2:]}",
                          share=count / total * 100, council=council, count=count, total=total)]
    england = [_value_of(plans, PLANS_BY_AGE, "E92000001", period, band) for band in ADULT_BANDS]
    if all(row is not None for row in england):
        share = sum(r["count"] for r in england) / england[0]["denominator"] * 100
        parts.append(WORDING.fill("plans_by_age_england", england=share))
    return [sentence(*parts)]
