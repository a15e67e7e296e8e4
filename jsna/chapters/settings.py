"""Chapter: Where pupils with SEND are educated.

Pupils with an EHC plan and on SEN support in the council's schools by type of setting (mainstream
primary, mainstream secondary, special school, alternative provision) for each January census; the
percentage of pupils with an EHC plan who attend a special school against England, the region and
the statistical neighbours; pupils in the council's schools who live outside the council; and the
schools with the most pupils with EHC plans.

Disclosure control runs once, on the three tables together, before any number is used: in each
census the settings add up to "All settings"; in the school table the schools of a setting add
up to the setting (the same numbers as the settings table); the cross-border table's settings add
up to its total and repeat the settings table's latest census. The council's indicator rows are
then taken from the protected settings table, so the indicator table can never show a count the
tables hide.

The counting and the indicator rows are the indicators stage's (:mod:`jsna.indicators.settings`)
and the disclosure step :func:`jsna.indicator_disclosure.protect_setting_tables`; this module
selects, formats and narrates.
"""

from __future__ import annotations

import pandas as pd

from jsna.chapters.base import Chapter, Findings
from jsna.chapters.common import (
    comparator_areas,
    load_pupils,
    require_comparator,
    require_input,
)
from jsna.chapters.wording import Wording, sentence
from jsna.config import Config
from jsna.disclosure import (
    INDICATOR_TABLE,
    Cells,
    Equation,
    Rest,
    RowTotal,
    SameCells,
    TableRules,
    format_suppressed,
)
from jsna.indicator_disclosure import indicator_pipeline, protect_setting_tables
from jsna.indicators.settings import (
    ALL_SETTINGS,
    COUNTS,
    INDICATOR,
    MAINSTREAM,
    OUT_PLAN,
    OUT_SUPPORT,
    PLAN,
    PUPILS,
    SUPPORT,
    add_outside_shares,
    add_plan_shares,
    add_school_sen_shares,
    council_indicator_rows,
    outside_counts,
    published_indicator_rows,
    pupils_with_settings,
    school_counts,
    setting_counts,
    top_school_share,
)
from jsna.indicators.table import academic_year_label
from jsna.sources.schools import SPECIAL, read_schools
from jsna.viz.charts import trend_chart
from jsna.viz.display import Table

KEY = "settings"
TITLE = "Where pupils with SEND are educated"


INDICATOR_NAME = "Pupils with an EHC plan in state-funded schools who attend a special school (%)"

SOURCE_CENSUS = ("Source: school census (January), pupils on roll in the council's schools; "
                 "council schools list.")
SOURCE_DFE = ("Source: DfE, Special educational needs in England (state-funded schools); council "
              "school census.")


# --------------------------------------------------------------------------- display


def _shown(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return format_suppressed(frame, columns=columns).drop(columns="note")


def _suppression_note(threshold: int) -> str:
    return (f"[c] = suppressed to protect confidentiality (fewer than {threshold} pupils, or a "
            "figure that would reveal one). [x] = not available.")


def _setting_table(by_setting: pd.DataFrame, council: str, threshold: int) -> Table:
    frame = add_plan_shares(by_setting)
    frame["Census"] = "January " + frame["census_year"].astype(str)
    frame = frame.rename(columns={"setting": "Type of setting",
                                  "share": "Share of EHC plans %"})
    frame = frame[["Census", "Type of setting", *COUNTS, "Share of EHC plans %", "note"]]
    return Table(
        name=f"{KEY}_pupils_by_setting",
        caption=f"Pupils with an EHC plan and on SEN support by type of setting, {council}'s "
                f"schools, January {int(by_setting['census_year'].min())} to "
                f"{int(by_setting['census_year'].max())}",
        frame=_shown(frame, [*COUNTS, "Share of EHC plans %"]),
        formats={PUPILS: "count", PLAN: "count", SUPPORT: "count",
                 "Share of EHC plans %": "percent"},
        row_header="Census",
        notes=[SOURCE_CENSUS, "Share of EHC plans: the setting's pupils with an EHC plan as a "
               "percentage of all pupils with an EHC plan in the council's schools that January.",
               _suppression_note(threshold)],
    )


def _trend_table(indicators: pd.DataFrame, area_codes: list[str], caption: str) -> Table:
    rows = indicators[(indicators["indicator_id"] == INDICATOR)
                      & indicators["area_code"].isin(area_codes)].copy()  # by code, not name
    rows.loc[rows["area_type"] == "England", "compared_to_england"] = "Benchmark"
    rows["order"] = rows["area_code"].map({code: i for i, code in enumerate(area_codes)})
    rows = rows.sort_values(["order", "period"])
    display = rows[["period", "area_name", "count", "denominator", "value", "lower_ci_95",
                    "upper_ci_95", "compared_to_england"]].astype(object)
    symbols = rows["note"] != ""
    for column in ("count", "denominator", "value", "lower_ci_95", "upper_ci_95"):
        display[column] = display[column].where(~(symbols & rows[column].isna()), rows["note"])
    blank = symbols & (rows["compared_to_england"] == "")
    display["compared_to_england"] = display["compared_to_england"].where(~blank, rows["note"])
    display = display.rename(columns={
        "period": "Academic year", "area_name": "Area", "count": "In special schools",
        "denominator": "All with an EHC plan", "value": "Per cent", "lower_ci_95": "95% CI lower",
        "upper_ci_95": "95% CI upper", "compared_to_england": "Compared with England"})
    return Table(
        name=f"{KEY}_special_school_share_trend", caption=caption, frame=display,
        formats={"In special schools": "count", "All with an EHC plan": "count",
                 "Per cent": "percent", "95% CI lower": "percent", "95% CI upper": "percent"},
        row_header="Academic year",
        notes=[SOURCE_DFE, "Pupils with an EHC plan in state-funded primary, secondary, special "
               "and alternative provision schools; independent and non-maintained special "
               "schools are not included.", "95% confidence intervals by the Wilson score "
               "method. Comparison with England as Fingertips does it (95% interval overlap)."],
    )


def _outside_table(outside: pd.DataFrame, council: str, year: int, threshold: int) -> Table:
    frame = add_outside_shares(outside)
    columns = ["Type of setting", PUPILS]
    for total, part in ((PLAN, OUT_PLAN), (SUPPORT, OUT_SUPPORT)):
        columns += [total, part, f"{part} %"]
    frame = frame.rename(columns={"setting": "Type of setting"})
    shown = _shown(frame[[*columns, "note"]], columns[1:])
    return Table(
        name=f"{KEY}_pupils_living_outside",
        caption=f"Pupils with an EHC plan and on SEN support in {council}'s schools who live "
                f"outside {council}, by type of setting, January {year}",
        frame=shown,
        formats={c: "count" for c in (PUPILS, PLAN, OUT_PLAN, SUPPORT, OUT_SUPPORT)}
        | {f"{OUT_PLAN} %": "percent", f"{OUT_SUPPORT} %": "percent"},
        notes=[SOURCE_CENSUS + " Living outside: home postcode in another council area (a "
               "postcode that could not be matched is counted as living in the council). "
               "Percentages are of the setting's pupils with an EHC plan or on SEN support.",
               _suppression_note(threshold)],
        total_row=True,
    )


def _school_table(schools: pd.DataFrame, council: str, year: int, threshold: int) -> Table:
    rows = add_school_sen_shares(schools[schools["row_type"] == "School"])
    # sorted on the published numbers only (a hidden count sorts last, so the order of the
    # rows reveals nothing about it)
    rows = rows.sort_values([PLAN, "school_name"], ascending=[False, True],
                            na_position="last", kind="stable")
    frame = pd.DataFrame({
        "School": rows["school_name"].to_numpy(), "Type of setting": rows["setting"].to_numpy(),
        PUPILS: rows[PUPILS].to_numpy(), PLAN: rows[PLAN].to_numpy(),
        SUPPORT: rows[SUPPORT].to_numpy(), "SEN %": rows["sen"].to_numpy(),
        "note": rows["note"].to_numpy()})
    return Table(
        name=f"{KEY}_schools",
        caption=f"Pupils with an EHC plan and on SEN support in each of {council}'s schools, "
                f"January {year}, most pupils with an EHC plan first",
        frame=_shown(frame, [PUPILS, PLAN, SUPPORT, "SEN %"]),
        formats={PUPILS: "count", PLAN: "count", SUPPORT: "count", "SEN %": "percent"},
        notes=[SOURCE_CENSUS, "SEN %: pupils with an EHC plan or on SEN support as a percentage "
               "of the school's pupils. Pupils in a resourced provision or SEN unit of a "
               "mainstream school are counted in that school: the census extract does not "
               "identify these places.", _suppression_note(threshold)],
    )


# --------------------------------------------------------------------------- published rules


def published_rules(tables: dict[str, Table], years: list[int], area_code: str, council: str
                    ) -> dict[str, TableRules]:
    """Disclosure rules of the tables *as published*, for the site-wide disclosure gate.

    The settings of each census add up to "All settings", whose counts are the council's
    prevalence indicators (pupils with an EHC plan, on SEN support; all pupils) and whose
    special-school EHC plans are the count of the special-school indicator; the cross-border
    table repeats the latest census; the schools of a setting add up to the setting; and all
    pupils with an EHC plan (or on SEN support) = those living outside + the resident pupils of
    the wards chapter.
    """
    by_setting = tables["pupils_by_setting"].name
    outside = tables["pupils_living_outside"].name
    schools = tables["schools"].name
    latest = years[-1]
    settings = [s for s in tables["pupils_by_setting"].frame["Type of setting"].unique()
                if s != ALL_SETTINGS]
    links = []
    for year in years:
        census = {"Census": f"January {year}"}
        period = academic_year_label(year)
        council_row = {"area_code": area_code, "period": period}
        links += [
            SameCells(INDICATOR_TABLE, on=[], rows={**census, "Type of setting": ALL_SETTINGS},
                      other_rows={**council_row, "indicator_id": "pupils_ehc_plan_percent",
                                  "breakdown": "All pupils"},
                      columns={PLAN: "count", PUPILS: "denominator"}),
            SameCells(INDICATOR_TABLE, on=[], rows={**census, "Type of setting": ALL_SETTINGS},
                      other_rows={**council_row, "indicator_id": "pupils_sen_support_percent",
                                  "breakdown": "All pupils"},
                      columns={SUPPORT: "count"}),
            SameCells(INDICATOR_TABLE, on=[], rows={**census, "Type of setting": ALL_SETTINGS},
                      other_rows={**council_row, "indicator_id": INDICATOR},
                      columns={PLAN: "denominator"}),
            SameCells(INDICATOR_TABLE, on=[], rows={**census, "Type of setting": SPECIAL},
                      other_rows={**council_row, "indicator_id": INDICATOR},
                      columns={PLAN: "count"}),
        ]
    everyone = {"Type of setting": ALL_SETTINGS}
    residents = {"area_code": area_code, "area_type": "Local authority",
                 "period": academic_year_label(latest), "breakdown": "All pupils"}
    trend = tables["special_school_share"]
    no_sen = Rest(total=PUPILS, parts=[PLAN, SUPPORT])  # pupils with no SEN
    others = sorted(set(trend.frame["Area"]) - {council})
    return {
        by_setting: TableRules(
            key=["Census", "Type of setting"], counts=COUNTS,
            derived={"Share of EHC plans %": [PLAN]}, rests=[no_sen],
            relations=[RowTotal(total=everyone, parts={"Type of setting": settings},
                                within=["Census"]), *links]),
        outside: TableRules(
            key=["Type of setting"], counts=[PUPILS, PLAN, OUT_PLAN, SUPPORT, OUT_SUPPORT],
            derived={f"{OUT_PLAN} %": [OUT_PLAN, PLAN], f"{OUT_SUPPORT} %": [OUT_SUPPORT, SUPPORT]},
            rests=[no_sen, Rest(total=PLAN, parts=OUT_PLAN), Rest(total=SUPPORT, parts=OUT_SUPPORT)],
            relations=[
                RowTotal(total=everyone, parts={"Type of setting": settings}),
                SameCells(by_setting, on=["Type of setting"],
                          other_rows={"Census": f"January {latest}"},
                          columns={c: c for c in COUNTS}),
                *[Equation(Cells(outside, everyone, total),
                           [Cells(outside, everyone, away),
                            Cells(INDICATOR_TABLE, {**residents, "indicator_id": indicator},
                                  "count")])
                  for total, away, indicator in (
                      (PLAN, OUT_PLAN, "resident_pupils_ehc_plan_percent"),
                      (SUPPORT, OUT_SUPPORT, "resident_pupils_sen_support_percent"))]]),
        schools: TableRules(
            key=["School", "Type of setting"], counts=COUNTS, derived={"SEN %": COUNTS},
            rests=[no_sen],
            relations=[Equation(Cells(by_setting, {"Census": f"January {latest}",
                                                   "Type of setting": setting}, column),
                                [Cells(schools, {"Type of setting": setting}, column)])
                       for setting in settings for column in COUNTS]),
        trend.name: TableRules(
            key=["Academic year", "Area"], counts=["In special schools", "All with an EHC plan"],
            derived={c: ["In special schools", "All with an EHC plan"]
                     for c in ("Per cent", "95% CI lower", "95% CI upper")},
            rests=[Rest(total="All with an EHC plan", parts="In special schools")],
            exempt_where=[{"Area": others}] if others else [],
            relations=[SameCells(INDICATOR_TABLE, on={"Academic year": "period"},
                                 rows={"Area": council},
                                 other_rows={"indicator_id": INDICATOR, "area_code": area_code},
                                 columns={"In special schools": "count",
                                          "All with an EHC plan": "denominator"})]),
    }


# --------------------------------------------------------------------------- build


def build(config: Config) -> Chapter:
    """Build the "Where pupils with SEND are educated" chapter for a council.

    Parameters
    ----------
    config : Config
        The council's validated configuration (needs ``inputs.schools`` and
        ``inputs.comparators.sen_phase_type``).

    Returns
    -------
    Chapter
        Findings, tables, the trend figure, indicator rows and disclosure audit.

    Raises
    ------
    JsnaInputError
        When the schools list or the comparator file is not configured or malformed.
    """
    area = config.area
    schools_path = require_input(config, "schools", "settings")
    threshold = config.disclosure.threshold
    pupils = pupils_with_settings(load_pupils(config), read_schools(schools_path))
    years = sorted(int(y) for y in pupils["census_year"].unique())
    latest = years[-1]
    by_setting, outside, schools, audit = protect_setting_tables(
        setting_counts(pupils), outside_counts(pupils, latest), school_counts(pupils, latest),
        threshold=threshold, suppress_zeros=config.disclosure.suppress_zeros)

    published = published_indicator_rows(require_comparator(config, "sen_phase_type"),
                                         exclude_area=area.code)
    areas = comparator_areas(config, published, require_comparator(config, "sen_phase_type"))
    periods = [academic_year_label(y) for y in years]
    rows = pd.concat([council_indicator_rows(by_setting, area.code, area.name),
                      published[published["area_code"].isin(areas.codes)
                                & published["period"].isin(periods)]], ignore_index=True)
    indicators, pipeline_audit = indicator_pipeline(rows, config=config, areas=areas)

    caption = (f"Percentage of pupils with an EHC plan who attend a special school, {area.name} "
               f"compared with {areas.region_name} and England, {periods[0]} to {periods[-1]}")
    trend_rows = indicators[(indicators["indicator_id"] == INDICATOR)
                            & indicators["area_code"].isin(areas.codes[:3])]
    figures = {"special_school_share": trend_chart(
        trend_rows[["area_name", "period", "value", "lower_ci_95", "upper_ci_95"]],
        name=f"{KEY}_special_school_share", caption=caption,
        measure="percentage of pupils with an EHC plan who attend a special school",
        y_label="Per cent of pupils with an EHC plan", highlight=area.name, source=SOURCE_DFE)}
    tables = {
        "special_school_share": _trend_table(
            indicators, [areas.council, areas.region_code, "E92000001"], caption),
        "pupils_by_setting": _setting_table(by_setting, area.name, threshold),
        "pupils_living_outside": _outside_table(outside, area.name, latest, threshold),
        "schools": _school_table(schools, area.name, latest, threshold),
    }
    findings = Findings(_findings(indicators, by_setting, outside, schools, area.name, periods))
    disclosure = pd.concat([audit, pipeline_audit], ignore_index=True)
    rules = published_rules(tables, years, area.code, area.name)
    return Chapter(KEY, TITLE, findings, tables, figures, indicators, disclosure, rules)


# --------------------------------------------------------------------------- findings


WORDING = Wording(KEY)


def special_school_sentence(council: str, latest: pd.Series, england: pd.Series | None = None,
                            first: pd.Series | None = None,
                            england_first: pd.Series | None = None) -> str:
    """The special-school finding, in the words of ``wording.toml`` ``[settings]``.

    Parameters
    ----------
    council : str
        The council's name.
    latest, first : Series
        The council's indicator rows of the latest and first periods (``period, value``; the
        latest also ``count, denominator, compared_to_england``).
    england, england_first : Series, optional
        England's rows of the same periods.
    """
    say = WORDING
    parts = [say.fill("special_school", period=latest["period"], value=latest["value"],
                      council=council, count=latest["count"], denominator=latest["denominator"])]
    if england is not None:
        parts.append(say.fill("against_england", england=england["value"],
                              relation=say.pick("compared", latest["compared_to_england"])))
    if first is not None:
        parts.append(say.since_first(latest, first))
        if england_first is not None:
            parts.append(say.fill("england_in_first", england=england_first["value"],
                                  first=first["period"]))
    return sentence(*parts)


def _findings(indicators: pd.DataFrame, by_setting: pd.DataFrame, outside: pd.DataFrame,
              schools: pd.DataFrame, council: str, periods: list[str]) -> list[str]:
    """Sentences written from the protected tables and indicator rows (no typed-in numbers)."""
    say = WORDING
    sentences = []
    first, last = periods[0], periods[-1]
    rows = indicators[indicators["indicator_id"] == INDICATOR]
    mine = rows[rows["area_name"] == council].set_index("period", drop=False)
    england = rows[rows["area_type"] == "England"].set_index("period", drop=False)

    def published(frame: pd.DataFrame, period: str) -> pd.Series | None:
        return (frame.loc[period] if period in frame.index and pd.notna(frame.at[period, "value"])
                else None)

    latest = published(mine, last)
    if latest is not None:
        start = published(mine, first) if first != last else None
        sentences.append(special_school_sentence(council, latest, published(england, last), start,
                                                 published(england, first)))
    special = outside[outside["setting"] == SPECIAL].iloc[0]
    if pd.notna(special[OUT_PLAN]) and pd.notna(special[PLAN]) and special[PLAN] > 0:
        sentences.append(sentence(say.fill(
            "living_outside", year=int(special["census_year"]), outside=special[OUT_PLAN],
            plans=special[PLAN], council=council,
            share=100 * special[OUT_PLAN] / special[PLAN])))
    elif pd.notna(special[PLAN]) and special[PLAN] > 0:
        sentences.append(sentence(say.fill("living_outside_suppressed", council=council)))
    top = top_school_share(schools, by_setting)
    if top is not None:
        n, part, whole, share = top
        sentences.append(sentence(say.fill("top_schools", schools=n, part=part, whole=whole,
                                           share=share)))
    year = by_setting["census_year"].max()
    latest_census = by_setting[by_setting["census_year"] == year].set_index("setting")
    support = latest_census.loc[MAINSTREAM, SUPPORT]
    everyone = latest_census.at[ALL_SETTINGS, SUPPORT]
    if support.notna().all() and pd.notna(everyone) and everyone > 0:
        sentences.append(sentence(say.fill("support_in_mainstream", year=int(year),
                                           share=100 * support.sum() / everyone)))
    return sentences
