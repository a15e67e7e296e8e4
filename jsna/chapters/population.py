"""Chapter: Population and SEND prevalence.

Pupils in the council's schools by year group and SEN provision; the percentage of pupils with an
EHC plan and on SEN support over (at least) five censuses against England, the region and the
statistical neighbours; and the mix of primary needs. Every number is computed from the cleaned
census or read from the published comparators (:mod:`jsna.indicators.prevalence`,
:mod:`jsna.indicators.year_groups`), then passes disclosure control before display.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jsna.chapters.base import Chapter, Findings
from jsna.chapters.common import (
    comparator_areas,
    load_pupils,
    require_comparator,
)
from jsna.chapters.wording import Wording, sentence
from jsna.config import Config, DisclosureOptions
from jsna.disclosure import (
    INDICATOR_TABLE,
    Rest,
    SameCells,
    TableRules,
    format_suppressed,
)
from jsna.errors import JsnaInputError
from jsna.indicator_disclosure import (
    YEAR_GROUP_TABLE,
    indicator_pipeline,
    protect_year_group_table,
    year_group_rules,
)
from jsna.indicators.prevalence import (
    BASIS_NOTE,
    INDICATORS,
    council_need_mix,
    council_prevalence,
    published_need_mix,
    published_prevalence,
)
from jsna.indicators.table import academic_year_label
from jsna.indicators.year_groups import COUNTS, year_group_counts
from jsna.sources.la_codes import canonical_code
from jsna.sources.schools import read_schools
from jsna.viz.charts import category_chart, trend_chart
from jsna.viz.display import Table

KEY = "population"
TITLE = "Population and SEND prevalence"
SOURCE_CENSUS = "Source: school census (January), pupils on roll in the council's schools."
SOURCE_DFE = ("Source: DfE, Special educational needs in England; council school census. "
              "All areas: pupils in state-funded schools.")


def _year_group_table(pupils: pd.DataFrame, year: int, disclosure: DisclosureOptions,
                      council_code: str) -> tuple[Table, pd.DataFrame, TableRules]:
    counts = year_group_counts(pupils, year)
    protected, audit = protect_year_group_table(counts, threshold=disclosure.threshold,
                                                suppress_zeros=disclosure.suppress_zeros)
    published = format_suppressed(protected, columns=COUNTS).drop(columns="note")
    rules = year_group_rules(counts)
    threshold = disclosure.threshold
    table = Table(
        name=YEAR_GROUP_TABLE,
        caption=f"Pupils in the council's schools by year group and SEN provision, "
                f"January {year}",
        frame=published,
        formats={"Pupils": "count", "SEN support": "count", "EHC plan": "count"},
        notes=[SOURCE_CENSUS, "[c] = suppressed to protect confidentiality (fewer than "
               f"{threshold} pupils, or a cell that would reveal one)."],
        total_row=True,
    )
    # as published: the total row is the council's count of the prevalence indicators
    period = academic_year_label(year)
    links = [SameCells(INDICATOR_TABLE, on=[], rows={"Year group": "All year groups"},
                       other_rows={"indicator_id": indicator, "area_code": council_code,
                                   "period": period, "breakdown": "All pupils"},
                       columns={column: "count", "Pupils": "denominator"})
             for indicator, column in (("pupils_sen_support_percent", "SEN support"),
                                       ("pupils_ehc_plan_percent", "EHC plan"))]
    return table, audit, TableRules(key=rules.key, counts=rules.counts,
                                    relations=[*rules.relations, *links])


def census_coverage(latest: pd.DataFrame, year: int, schools_path: Path | None) -> str:
    """Say which types of school the council's census covers (the comparison's basis).

    With the schools list, the census's schools are counted by phase, and any that are
    independent or non-maintained (which DfE's state-funded figures leave out) are named by
    number; without it, the census is taken to be the school census state-funded schools
    return. Schools are counted, never pupils, so nothing here needs disclosure control.
    """
    if schools_path is None or not Path(schools_path).exists():
        return (f"Council: the January {year} school census, which state-funded schools return; "
                "give inputs.schools to check the types of school it covers.")
    try:
        schools = read_schools(schools_path).set_index("urn")
    except JsnaInputError:  # the settings chapter and `jsna sources` name the problem
        return (f"Council: the January {year} school census, which state-funded schools "
                "return (the schools list could not be read to check it against; "
                "run jsna sources).")
    urns = pd.Index(latest["school_urn"].dropna().astype(str).unique())
    listed = urns[urns.isin(schools.index)]
    phases = schools.loc[listed, "phase"].str.lower().value_counts()
    kinds = ", ".join(f"{n} {phase}" for phase, n in phases.sort_index().items())
    text = (f"Council: the January {year} census covers pupils at {len(urns)} schools"
            + (f" ({kinds})" if kinds else ""))
    kind = schools.loc[listed, "type_of_establishment"].str.lower()
    other = int(kind.str.contains("independent|non-maintained", regex=True).sum())
    if other:
        text += (f"; {other} of them independent or non-maintained special schools, which DfE's "
                 "state-funded figures leave out: check the census extract")
    else:
        text += ", all state-funded by the schools list"
    unlisted = len(urns) - len(listed)
    if unlisted:
        text += f"; {unlisted} not in the schools list"
    return text + "."


def _trend_rules(table: Table, indicator: str, council_code: str, council: str) -> TableRules:
    """The trend table as published: the council's rows repeat its indicator rows."""
    others = sorted(set(table.frame["Area"]) - {council})
    return TableRules(
        key=["Academic year", "Area"], counts=["Pupils", "All pupils"],
        derived={c: ["Pupils", "All pupils"] for c in ("Per cent", "95% CI lower",
                                                        "95% CI upper")},
        exempt_where=[{"Area": others}] if others else [],
        rests=[Rest(total="All pupils", parts="Pupils")],
        relations=[SameCells(INDICATOR_TABLE, on={"Academic year": "period"},
                             rows={"Area": council},
                             other_rows={"indicator_id": indicator, "area_code": council_code,
                                         "breakdown": "All pupils"},
                             columns={"Pupils": "count", "All pupils": "denominator"})])


def _need_rules(indicator: str, period: str, council_code: str, council: str) -> TableRules:
    """The need table as published: the council's counts are its need-mix indicator rows."""
    column = f"{council} pupils"
    return TableRules(
        key=["Primary need"], counts=[column], derived={f"{council} %": [column]},
        relations=[SameCells(INDICATOR_TABLE, on={"Primary need": "breakdown"},
                             other_rows={"indicator_id": indicator, "area_code": council_code,
                                         "period": period},
                             columns={column: "count"})])


def _trend_table(indicators: pd.DataFrame, indicator: str, caption: str, name: str,
                 area_codes: list[str], coverage: list[str]) -> Table:
    rows = indicators[(indicators["indicator_id"] == indicator)
                      & (indicators["area_code"].isin(area_codes))]  # by code, never by name
    display = rows[["period", "area_name", "count", "denominator", "value", "lower_ci_95",
                    "upper_ci_95", "compared_to_england", "note"]].copy()
    display.loc[rows["area_type"] == "England", "compared_to_england"] = "Benchmark"
    order = rows["area_code"].map({code: i for i, code in enumerate(area_codes)})
    display = display.assign(order=order).sort_values(["order", "period"]).drop(columns="order")
    for column in ("count", "value", "lower_ci_95", "upper_ci_95"):
        display[column] = display[column].astype(object).where(display["note"] == "",
                                                               display["note"])
    display = display.drop(columns="note").rename(columns={
        "period": "Academic year", "area_name": "Area", "count": "Pupils",
        "denominator": "All pupils", "value": "Per cent", "lower_ci_95": "95% CI lower",
        "upper_ci_95": "95% CI upper", "compared_to_england": "Compared with England",
    })
    return Table(
        name=name,
        caption=caption,
        frame=display,
        formats={"Pupils": "count", "All pupils": "count", "Per cent": "percent",
                 "95% CI lower": "percent", "95% CI upper": "percent"},
        row_header="Academic year",
        notes=[SOURCE_DFE, BASIS_NOTE, *coverage,
               "95% confidence intervals by the Wilson score method. "
               "Comparison with England as Fingertips does it (95% interval overlap)."],
    )


def _need_table(indicators: pd.DataFrame, indicator: str, period: str, caption: str,
                name: str, council: str, council_code: str) -> Table:
    rows = indicators[(indicators["indicator_id"] == indicator)
                      & (indicators["period"] == period)
                      & (indicators["area_code"].isin([council_code, "E92000001"]))]
    rows = rows.assign(area_name=rows["area_code"].map({council_code: council,
                                                        "E92000001": "England"}))
    # a need that does not apply to this group (published as [z], e.g. "no specialist
    # assessment" for EHC plans) and that the council does not record is left out
    applies = rows.groupby("breakdown")["note"].transform(lambda n: ~(n == "[z]").any())
    council_has = rows.groupby("breakdown")["value"].transform(lambda v: v.notna().any())
    rows = rows[applies | council_has]
    shown = rows.assign(shown=rows["value"].astype(object).where(rows["note"] == "", rows["note"]))
    wide = shown.pivot_table(index="breakdown", columns="area_name", values="shown",
                             aggfunc="first")
    counts = shown[shown["area_name"] == council].set_index("breakdown")["count"]
    counts = counts.astype(object).where(
        shown[shown["area_name"] == council].set_index("breakdown")["note"] == "",
        shown[shown["area_name"] == council].set_index("breakdown")["note"])
    order = rows[rows["area_name"] == council].sort_values("value", ascending=False)["breakdown"]
    wide = wide.reindex(list(order) + [b for b in wide.index if b not in set(order)])
    frame = pd.DataFrame({
        "Primary need": wide.index,
        f"{council} pupils": counts.reindex(wide.index).to_numpy(),
        f"{council} %": wide[council].to_numpy() if council in wide else None,
        "England %": wide["England"].to_numpy() if "England" in wide else None,
    })
    return Table(
        name=name, caption=caption, frame=frame,
        formats={f"{council} pupils": "count", f"{council} %": "percent", "England %": "percent"},
        notes=[SOURCE_DFE, BASIS_NOTE],
    )


def build(config: Config) -> Chapter:
    """Build the population and prevalence chapter for a council.

    Parameters
    ----------
    config : Config
        The council's validated configuration.
    """
    area = config.area
    pupils = load_pupils(config)
    years = sorted(pupils["census_year"].unique())
    latest = int(years[-1])

    council_rows = pd.concat(
        [council_prevalence(pupils, area.code, area.name),
         council_need_mix(pupils, area.code, area.name)],
        ignore_index=True,
    )
    published = published_prevalence(require_comparator(config, "sen_phase_type"),
                                      exclude_area=area.code)
    need_path = config.inputs.comparators.get("sen_primary_need")
    published_needs = published_need_mix(need_path) if need_path else pd.DataFrame()
    if not published_needs.empty:
        published_needs = published_needs[
            published_needs["area_code"] != canonical_code(area.code)]
    areas = comparator_areas(config, published, require_comparator(config, "sen_phase_type"))
    indicators, audit = indicator_pipeline(
        pd.concat([council_rows, published[published["area_code"].isin(areas.codes)],
                   published_needs[published_needs["area_code"].isin(areas.codes)]
                   if not published_needs.empty else None], ignore_index=True),
        config=config,
        areas=areas,
        polarity="Not applicable",
    )

    year_table, year_audit, year_rules = _year_group_table(pupils, latest, config.disclosure,
                                                             area.code)
    coverage = [census_coverage(pupils[pupils["census_year"] == latest], latest,
                                config.inputs.schools)]
    period_labels = [academic_year_label(int(y)) for y in years]
    tables: dict[str, Table] = {"pupils_by_year_group": year_table}
    rules = {year_table.name: year_rules}
    figures = {}
    for indicator, short, measure in (
        ("pupils_ehc_plan_percent", "ehc_plan_trend", "percentage of pupils with an EHC plan"),
        ("pupils_sen_support_percent", "sen_support_trend",
         "percentage of pupils receiving SEN support"),
    ):
        rows = indicators[(indicators["indicator_id"] == indicator)
                          & indicators["area_code"].isin(areas.codes[:3])  # council, region, England
                          & indicators["period"].isin(period_labels)]
        name = f"{KEY}_{short}"
        caption = (f"{INDICATORS[indicator]}, {area.name} compared with {areas.region_name} "
                   f"and England, {period_labels[0]} to {period_labels[-1]}")
        figures[short] = trend_chart(
            rows[["area_name", "period", "value", "lower_ci_95", "upper_ci_95"]],
            name=name, caption=caption, measure=measure,
            y_label="Per cent of pupils", highlight=area.name, source=SOURCE_DFE,
        )
        tables[short] = _trend_table(indicators, indicator, caption, name,
                                     [areas.council, areas.region_code, "E92000001"], coverage)
        rules[name] = _trend_rules(tables[short], indicator, area.code, area.name)

    latest_period = academic_year_label(latest)
    for indicator, short, who in (
        ("ehc_plan_primary_need_percent", "ehc_plan_needs", "pupils with an EHC plan"),
        ("sen_support_primary_need_percent", "sen_support_needs", "pupils on SEN support"),
    ):
        name = f"{KEY}_{short}"
        caption = (f"Primary need of {who}, {area.name} compared with England, "
                   f"January {latest}")
        rows = indicators[(indicators["indicator_id"] == indicator)
                          & (indicators["period"] == latest_period)
                          & indicators["area_code"].isin([areas.council, "E92000001"])]
        plotted = rows.groupby("breakdown")["value"].transform(lambda v: v.notna().any())
        chart_rows = rows[plotted].rename(columns={"breakdown": "category"})
        figures[short] = category_chart(
            chart_rows[["area_name", "category", "value"]], name=name, caption=caption,
            measure=f"primary need of {who} (per cent)", x_label=f"Per cent of {who}",
            highlight=area.name, source=SOURCE_DFE,
        )
        tables[short] = _need_table(indicators, indicator, latest_period, caption, name,
                                    area.name, areas.council)
        rules[name] = _need_rules(indicator, latest_period, area.code, area.name)

    findings = Findings(_findings(indicators, area.name, period_labels))
    disclosure = pd.concat([audit, year_audit], ignore_index=True)
    return Chapter(KEY, TITLE, findings, tables, figures, indicators, disclosure, rules)


WORDING = Wording(KEY)


def prevalence_sentence(indicator: str, council: str, latest: pd.Series,
                        england: float | None = None, first: pd.Series | None = None) -> str:
    """One prevalence finding, in the words of ``wording.toml`` ``[population]``.

    Parameters
    ----------
    indicator : str
        ``pupils_ehc_plan_percent`` or ``pupils_sen_support_percent``.
    council : str
        The council's name.
    latest : Series
        The council's row of the latest period (``period, value, count, denominator,
        compared_to_england``).
    england : float, optional
        England's value in the latest period (no comparison without it).
    first : Series, optional
        The council's row of the first period (``period, value``), for the change since then.

    Examples
    --------
    >>> row = pd.Series({"period": "2024/25", "value": 5.3, "count": 1702,
    ...                  "denominator": 32135, "compared_to_england": "Higher"})
    >>> prevalence_sentence("pupils_ehc_plan_percent", "Demoton", row, 5.1)
    "In 2024/25, 5.3% of pupils in Demoton's schools (1,702 of 32,135) had an EHC plan, \
significantly higher than England (5.1%)."
    """
    say = WORDING
    parts = [say.fill("prevalence", period=latest["period"], value=latest["value"],
                      council=council, count=latest["count"], denominator=latest["denominator"],
                      what=say.pick("what", indicator))]
    if england is not None:
        parts.append(say.fill("against_england", england=england,
                              relation=say.pick("compared", latest["compared_to_england"])))
    if first is not None:
        parts.append(say.since_first(latest, first))
    return sentence(*parts)


def _findings(indicators: pd.DataFrame, council: str, periods: list[str]) -> list[str]:
    """Sentences written from the indicator table (never typed-in numbers)."""
    sentences = []
    first, last = periods[0], periods[-1]
    for indicator in ("pupils_ehc_plan_percent", "pupils_sen_support_percent"):
        rows = indicators[(indicators["indicator_id"] == indicator)
                          & (indicators["breakdown"] == "All pupils")]
        mine = rows[rows["area_name"] == council].set_index("period", drop=False)
        england = rows[rows["area_type"] == "England"].set_index("period")
        if last not in mine.index or pd.isna(mine.at[last, "value"]):
            continue
        start = (mine.loc[first] if first != last and first in mine.index
                 and pd.notna(mine.at[first, "value"]) else None)
        england_value = (float(england.at[last, "value"]) if last in england.index
                         and pd.notna(england.at[last, "value"]) else None)
        sentences.append(prevalence_sentence(indicator, council, mine.loc[last], england_value,
                                             start))
    for indicator in ("ehc_plan_primary_need_percent", "sen_support_primary_need_percent"):
        rows = indicators[(indicators["indicator_id"] == indicator)
                          & (indicators["area_name"] == council) & (indicators["period"] == last)
                          & indicators["value"].notna()]
        if rows.empty:
            continue
        top = rows.sort_values("value", ascending=False).iloc[0]
        sentences.append(sentence(WORDING.fill(
            "top_need", who=WORDING.pick("who", indicator), period=last, need=top["breakdown"],
            value=top["value"])))
    return sentences
