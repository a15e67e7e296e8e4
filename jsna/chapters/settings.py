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
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from jsna.chapters.base import Chapter, Findings
from jsna.chapters.common import (
    comparator_areas,
    indicator_pipeline,
    load_pupils,
    require_comparator,
    require_input,
)
from jsna.chapters.wording import Wording, sentence
from jsna.config import Config
from jsna.disclosure import (
    INDICATOR_TABLE,
    SUPPRESSED,
    Cells,
    Equation,
    RowTotal,
    SameCells,
    TableRules,
    apply_disclosure,
    format_suppressed,
)
from jsna.errors import JsnaInputError
from jsna.indicators.prevalence import other_filters_at_total
from jsna.indicators.table import academic_year_label
from jsna.sources.ees import read_ees_wide
from jsna.sources.la_codes import canonical_code
from jsna.sources.schools import AP, PRIMARY, SECONDARY, SPECIAL, read_schools
from jsna.viz.charts import trend_chart
from jsna.viz.display import Table

KEY = "settings"
TITLE = "Where pupils with SEND are educated"

NOT_LISTED = "Not in the schools list"
#: School name shown for pupils whose URN is blank or invalid in the census.
UNKNOWN_SCHOOL = "School not known (URN blank or not 6 digits in the census)"
ALL_SETTINGS = "All settings"
SETTINGS = [PRIMARY, SECONDARY, SPECIAL, AP]
MAINSTREAM = [PRIMARY, SECONDARY]

#: DfE ``phase_type_grouping`` (lower case) -> type of setting; only state-funded types count.
PUBLISHED_SETTING: dict[str, str] = {
    "state-funded nursery": PRIMARY,
    "state-funded primary": PRIMARY,
    "state-funded secondary": SECONDARY,
    "state-funded special school": SPECIAL,
    "state-funded ap school": AP,
    "pupil referral unit": AP,
}

INDICATOR = "ehc_plan_special_school_percent"
INDICATOR_NAME = "Pupils with an EHC plan in state-funded schools who attend a special school (%)"
BREAKDOWN = "Pupils with an EHC plan"

PUPILS, PLAN, SUPPORT = "Pupils", "EHC plan", "SEN support"
COUNTS = [PUPILS, PLAN, SUPPORT]
OUT_PLAN, OUT_SUPPORT = "EHC plan living outside", "SEN support living outside"
#: Pupils with no SEN living outside are not published by setting: with the pupils, EHC plan
#: and SEN support counts, a setting whose pupils all have SEN would give them away by subtraction
OUT_COUNTS = [OUT_PLAN, OUT_SUPPORT]

SOURCE_CENSUS = ("Source: school census (January), pupils on roll in the council's schools; "
                 "council schools list.")
SOURCE_DFE = ("Source: DfE, Special educational needs in England (state-funded schools); council "
              "school census.")
TOP_SCHOOLS = 10


# --------------------------------------------------------------------------- inputs


def pupils_with_settings(pupils: pd.DataFrame, schools: pd.DataFrame) -> pd.DataFrame:
    """Attach each pupil's school name and type of setting (joined on the school's URN).

    A pupil whose school is not in the schools list keeps the row, with the setting
    ``"Not in the schools list"`` and the URN as the school's name (or :data:`UNKNOWN_SCHOOL`
    when the census gives no valid URN).
    """
    merged = pupils.merge(schools[["urn", "school_name", "setting"]], how="left",
                          left_on="school_urn", right_on="urn", validate="many_to_one")
    listed = merged["setting"].notna()
    merged["setting"] = merged["setting"].where(listed, NOT_LISTED)
    urn = merged["school_urn"].astype("string").fillna("")
    unlisted_name = ("URN " + urn + " (not in the schools list)").where(urn != "", UNKNOWN_SCHOOL)
    merged["school_name"] = merged["school_name"].where(listed, unlisted_name.astype(object))
    merged["school_urn"] = urn.astype(str)
    return merged


# --------------------------------------------------------------------------- counts


def _counts(frame: pd.DataFrame, keys: list[str], outside: bool = False) -> pd.DataFrame:
    provision = frame["sen_provision"]
    data = frame[keys].assign(**{PUPILS: 1, PLAN: (provision == "E").astype(int),
                                 SUPPORT: (provision == "K").astype(int)})
    if outside:
        away = (~frame["resident"].astype(bool)).astype(int)
        data[OUT_PLAN] = data[PLAN] * away
        data[OUT_SUPPORT] = data[SUPPORT] * away
    return data.groupby(keys, sort=True).sum().reset_index()


def setting_counts(pupils: pd.DataFrame) -> pd.DataFrame:
    """Pupils, EHC plans and SEN support by census year and setting, with an all-settings row.

    Every setting appears in every year (zeros included); ``"Not in the schools list"`` only when
    a pupil's school is missing from the list.
    """
    years = sorted(pupils["census_year"].unique())
    settings = SETTINGS + ([NOT_LISTED] if (pupils["setting"] == NOT_LISTED).any() else [])
    counts = _counts(pupils, ["census_year", "setting"])
    grid = pd.MultiIndex.from_product([years, settings], names=["census_year", "setting"])
    counts = counts.set_index(["census_year", "setting"]).reindex(grid, fill_value=0)
    counts = counts.reset_index()
    totals = counts.groupby("census_year")[COUNTS].sum().reset_index()
    totals["setting"] = ALL_SETTINGS
    out = pd.concat([counts, totals], ignore_index=True)
    out["order"] = out["setting"].map({s: i for i, s in enumerate([*settings, ALL_SETTINGS])})
    out = out.sort_values(["census_year", "order"]).drop(columns="order")
    return out.reset_index(drop=True)[["census_year", "setting", *COUNTS]]


def outside_counts(pupils: pd.DataFrame, year: int) -> pd.DataFrame:
    """Latest census: pupils by setting and how many of them live outside the council."""
    latest = pupils[pupils["census_year"] == year]
    settings = SETTINGS + ([NOT_LISTED] if (latest["setting"] == NOT_LISTED).any() else [])
    counts = _counts(latest, ["setting"], outside=True).set_index("setting")
    counts = counts.reindex(settings, fill_value=0).reset_index()
    total = counts[[*COUNTS, *OUT_COUNTS]].sum().to_frame().T
    total.insert(0, "setting", ALL_SETTINGS)
    out = pd.concat([counts, total], ignore_index=True)
    out.insert(0, "census_year", year)
    return out


def school_counts(pupils: pd.DataFrame, year: int) -> pd.DataFrame:
    """Latest census: pupils, EHC plans and SEN support per school, with setting subtotal rows.

    ``row_type`` is ``"School"`` or ``"Setting"`` (the subtotal, equal to the settings table).
    """
    latest = pupils[pupils["census_year"] == year]
    schools = _counts(latest, ["setting", "school_urn", "school_name"])
    schools["row_type"] = "School"
    subtotals = schools.groupby("setting")[COUNTS].sum().reset_index()
    subtotals["row_type"] = "Setting"
    subtotals["school_urn"] = ""
    subtotals["school_name"] = subtotals["setting"]
    out = pd.concat([schools, subtotals], ignore_index=True)
    out.insert(0, "census_year", year)
    return out


def protect(by_setting: pd.DataFrame, outside: pd.DataFrame, schools: pd.DataFrame, *,
            threshold: int, suppress_zeros: bool = False
            ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Disclosure control of the three tables together.

    Relations declared: settings add up to "All settings" in each census (both tables with
    settings); schools add up to their setting; the school subtotals and the cross-border table
    publish the same pupils, EHC plan and SEN support counts as the settings table.

    Returns
    -------
    (DataFrame, DataFrame, DataFrame, DataFrame)
        The protected settings, cross-border and school tables (hidden cells missing, ``note``
        ``"[c]"``) and the audit.
    """
    names = {"by_setting": f"{KEY}_pupils_by_setting",
             "outside": f"{KEY}_pupils_living_outside",
             "schools": f"{KEY}_schools"}
    same = {c: c for c in COUNTS}
    settings = [s for s in by_setting["setting"].unique() if s != ALL_SETTINGS]
    rules = {
        names["by_setting"]: TableRules(
            key=["census_year", "setting"], counts=COUNTS,
            relations=[RowTotal(total={"setting": ALL_SETTINGS}, parts={"setting": settings},
                                within=["census_year"])]),
        names["outside"]: TableRules(
            key=["census_year", "setting"], counts=[*COUNTS, *OUT_COUNTS],
            relations=[RowTotal(total={"setting": ALL_SETTINGS}, parts={"setting": settings},
                                within=["census_year"]),
                       SameCells(names["by_setting"], on=["census_year", "setting"],
                                 columns=same)]),
        names["schools"]: TableRules(
            key=["census_year", "setting", "school_urn"], counts=COUNTS,
            relations=[RowTotal(total={"row_type": "Setting"}, parts={"row_type": "School"},
                                within=["census_year", "setting"]),
                       SameCells(names["by_setting"],
                                 on={"census_year": "census_year", "subtotal_of": "setting"},
                                 columns=same)]),
    }
    # the school table's subtotal rows repeat the settings table; its school rows do not
    subtotal_of = schools["setting"].where(schools["row_type"] == "Setting", "")
    tables, audit = apply_disclosure(
        {names["by_setting"]: by_setting, names["outside"]: outside,
         names["schools"]: schools.assign(subtotal_of=subtotal_of)},
        rules, threshold=threshold, suppress_zeros=suppress_zeros)
    protected_schools = tables[names["schools"]].drop(columns="subtotal_of")
    return tables[names["by_setting"]], tables[names["outside"]], protected_schools, audit


# --------------------------------------------------------------------------- indicator rows


def council_indicator_rows(by_setting: pd.DataFrame, area_code: str, area_name: str
                           ) -> pd.DataFrame:
    """Percentage of pupils with an EHC plan who attend a special school, from the protected
    settings table (a hidden special-school count stays hidden: count missing, note ``[c]``)."""
    special = by_setting[by_setting["setting"] == SPECIAL].set_index("census_year")
    total = by_setting[by_setting["setting"] == ALL_SETTINGS].set_index("census_year")
    years = total.index
    count = special[PLAN].reindex(years)
    denominator = total[PLAN]
    hidden = count.isna() | denominator.isna()
    return pd.DataFrame({
        "indicator_id": INDICATOR, "area_code": area_code, "area_name": area_name,
        "area_type": "Local authority",
        "period": [academic_year_label(int(y)) for y in years],
        "breakdown": BREAKDOWN,
        "count": count.to_numpy(dtype=float), "denominator": denominator.to_numpy(dtype=float),
        "note": np.where(hidden.to_numpy(), SUPPRESSED, ""),
    })


def published_indicator_rows(path: str | Path, exclude_area: str | None = None) -> pd.DataFrame:
    """The same percentage for every area of DfE's ``sen_phase_type`` file.

    Count = ``ehc_plan`` in "State-funded special school"; denominator = ``ehc_plan`` summed
    over the state-funded phase/type groupings (nursery, primary, secondary, special, AP).
    Independent and non-maintained special schools are left out, as the council's census
    covers state-funded schools only. A published symbol in any part is kept as the row's note.

    Returns
    -------
    DataFrame
        Indicator rows (``count``, ``denominator``, ``note``) per area and period.
    """
    wide = other_filters_at_total(read_ees_wide(path, measures=["ehc_plan"]))
    grouping = wide["phase_type_grouping"].astype(str).str.strip().str.lower()
    wide = wide.assign(setting=grouping.map(PUBLISHED_SETTING))
    wide = wide[wide["setting"].notna()]
    if exclude_area is not None:  # the file carries current codes; the config may say either
        wide = wide[wide["area_code"] != canonical_code(exclude_area)]
    if wide.empty:
        raise JsnaInputError(f"{path}: no state-funded phase_type_grouping rows "
                             "(e.g. 'State-funded special school')")
    keys = ["area_code", "area_name", "area_type", "period"]
    symbol = wide["ehc_plan_note"].where(wide["ehc_plan_note"] != "")
    wide = wide.assign(symbol=symbol,
                       special=wide["ehc_plan"].where(wide["setting"] == SPECIAL, 0.0))
    grouped = wide.groupby(keys, sort=True)
    out = grouped.agg(count=("special", "sum"), denominator=("ehc_plan", "sum"),
                      note=("symbol", "first"), has_special=("setting",
                                                             lambda s: (s == SPECIAL).any()))
    out = out.reset_index()
    unusable = out["note"].notna() | ~out["has_special"]
    out.loc[unusable, ["count", "denominator"]] = np.nan
    out["note"] = out["note"].fillna("").where(out["has_special"], "[x]")
    out["indicator_id"] = INDICATOR
    out["breakdown"] = BREAKDOWN
    return out.drop(columns="has_special")


# --------------------------------------------------------------------------- display


def _shown(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return format_suppressed(frame, columns=columns).drop(columns="note")


def _percent(part: pd.Series, whole: pd.Series) -> pd.Series:
    part = pd.to_numeric(part, errors="coerce")
    whole = pd.to_numeric(whole, errors="coerce")
    return (100 * part / whole.where(whole > 0)).astype(float)


def _suppression_note(threshold: int) -> str:
    return (f"[c] = suppressed to protect confidentiality (fewer than {threshold} pupils, or a "
            "figure that would reveal one). [x] = not available.")


def _setting_table(by_setting: pd.DataFrame, council: str, threshold: int) -> Table:
    frame = by_setting.copy()
    totals = frame[frame["setting"] == ALL_SETTINGS].set_index("census_year")[PLAN]
    frame["share"] = _percent(frame[PLAN], frame["census_year"].map(totals))
    frame.loc[frame[PLAN].isna(), "share"] = np.nan
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
    frame = outside.copy()
    columns = ["Type of setting", PUPILS]
    for total, part in ((PLAN, OUT_PLAN), (SUPPORT, OUT_SUPPORT)):
        share = _percent(frame[part], frame[total])
        frame[f"{part} %"] = share.where(frame[part].notna() & frame[total].notna())
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
    rows = schools[schools["row_type"] == "School"].copy()
    rows["sen"] = _percent(rows[PLAN] + rows[SUPPORT], rows[PUPILS])
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
    others = sorted(set(trend.frame["Area"]) - {council})
    return {
        by_setting: TableRules(
            key=["Census", "Type of setting"], counts=COUNTS,
            derived={"Share of EHC plans %": [PLAN]},
            relations=[RowTotal(total=everyone, parts={"Type of setting": settings},
                                within=["Census"]), *links]),
        outside: TableRules(
            key=["Type of setting"], counts=[PUPILS, PLAN, OUT_PLAN, SUPPORT, OUT_SUPPORT],
            derived={f"{OUT_PLAN} %": [OUT_PLAN, PLAN], f"{OUT_SUPPORT} %": [OUT_SUPPORT, SUPPORT]},
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
            relations=[Equation(Cells(by_setting, {"Census": f"January {latest}",
                                                   "Type of setting": setting}, column),
                                [Cells(schools, {"Type of setting": setting}, column)])
                       for setting in settings for column in COUNTS]),
        trend.name: TableRules(
            key=["Academic year", "Area"], counts=["In special schools", "All with an EHC plan"],
            derived={c: ["In special schools", "All with an EHC plan"]
                     for c in ("Per cent", "95% CI lower", "95% CI upper")},
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
    by_setting, outside, schools, audit = protect(
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


def top_school_share(schools: pd.DataFrame, by_setting: pd.DataFrame, top: int = TOP_SCHOOLS
                     ) -> tuple[int, float, float, float] | None:
    """Share of mainstream pupils with an EHC plan in the mainstream schools with the most.

    Uses published (protected) counts only; ``None`` when a needed figure is hidden.

    Returns
    -------
    (int, float, float, float) or None
        Number of schools used, their pupils with an EHC plan, all mainstream pupils with an
        EHC plan, and the share in per cent.
    """
    year = schools["census_year"].max()
    mainstream = schools[(schools["row_type"] == "School")
                         & schools["setting"].isin(MAINSTREAM) & schools[PLAN].notna()]
    chosen = mainstream.sort_values(PLAN, ascending=False).head(top)
    totals = by_setting[(by_setting["census_year"] == year)
                        & by_setting["setting"].isin(MAINSTREAM)][PLAN]
    if chosen.empty or totals.isna().any() or totals.sum() == 0:
        return None
    part, whole = float(chosen[PLAN].sum()), float(totals.sum())
    return len(chosen), part, whole, 100 * part / whole


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
        change = latest["value"] - first["value"]
        direction = "up" if change > 0 else "down" if change < 0 else "unchanged"
        parts.append(say.fill("since_first", direction=say.pick("direction", direction),
                              start=first["value"], first=first["period"]))
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
