"""Chapter: Population and SEND prevalence.

Pupils in the council's schools by year group and SEN provision; the percentage of pupils with an
EHC plan and on SEN support over (at least) five censuses against England, the region and the
statistical neighbours; and the mix of primary needs. Every number is computed from the cleaned
census or read from the published comparators, then passes disclosure control before display.
"""

from __future__ import annotations

import pandas as pd

from jsna.chapters.base import Chapter, Findings
from jsna.chapters.common import (
    comparator_areas,
    indicator_pipeline,
    load_pupils,
    require_comparator,
)
from jsna.config import Config
from jsna.disclosure import (
    INDICATOR_TABLE,
    RowTotal,
    SameCells,
    TableRules,
    apply_disclosure,
    format_suppressed,
)
from jsna.formatting import percent
from jsna.indicators.prevalence import (
    INDICATORS,
    council_need_mix,
    council_prevalence,
    published_need_mix,
    published_prevalence,
)
from jsna.indicators.table import academic_year_label
from jsna.viz.charts import category_chart, trend_chart
from jsna.viz.display import Table

KEY = "population"
TITLE = "Population and SEND prevalence"
NC_YEAR_ORDER = ["N1", "N2", "R", *[str(n) for n in range(1, 15)]]
SOURCE_CENSUS = "Source: school census (January), pupils on roll in the council's schools."
SOURCE_DFE = "Source: DfE, Special educational needs in England; council school census."


def _year_group_table(pupils: pd.DataFrame, year: int, threshold: int, council_code: str
                      ) -> tuple[Table, pd.DataFrame, TableRules]:
    latest = pupils[pupils["census_year"] == year]
    counts = pd.crosstab(latest["nc_year"], latest["sen_provision"])
    for provision in ("E", "K", "N"):
        if provision not in counts:
            counts[provision] = 0
    counts = counts.reindex([y for y in NC_YEAR_ORDER if y in counts.index] +
                            [y for y in counts.index if y not in NC_YEAR_ORDER])
    frame = pd.DataFrame(
        {
            "Year group": [_year_group_name(y) for y in counts.index],
            "Pupils": counts.sum(axis=1).to_numpy(),
            "SEN support": counts["K"].to_numpy(),
            "EHC plan": counts["E"].to_numpy(),
        }
    )
    total = pd.DataFrame({"Year group": ["All year groups"], "Pupils": [frame["Pupils"].sum()],
                          "SEN support": [frame["SEN support"].sum()],
                          "EHC plan": [frame["EHC plan"].sum()]})
    frame = pd.concat([frame, total], ignore_index=True)
    name = f"{KEY}_pupils_by_year_group"
    counts = ["Pupils", "SEN support", "EHC plan"]
    rules = TableRules(
        key=["Year group"],
        counts=counts,
        relations=[RowTotal(total={"Year group": "All year groups"},
                            parts={"Year group": list(frame["Year group"].iloc[:-1])})],
    )
    tables, audit = apply_disclosure({name: frame}, {name: rules}, threshold=threshold)
    published = format_suppressed(tables[name], columns=counts).drop(columns="note")
    table = Table(
        name=name,
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


def _year_group_name(code: str) -> str:
    names = {"N1": "Nursery 1", "N2": "Nursery 2", "R": "Reception"}
    return names.get(code, f"Year {code}")


def _trend_rules(table: Table, indicator: str, council_code: str, council: str) -> TableRules:
    """The trend table as published: the council's rows repeat its indicator rows."""
    others = sorted(set(table.frame["Area"]) - {council})
    return TableRules(
        key=["Academic year", "Area"], counts=["Pupils", "All pupils"],
        derived={c: ["Pupils", "All pupils"] for c in ("Per cent", "95% CI lower",
                                                        "95% CI upper")},
        exempt_where=[{"Area": others}] if others else [],
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
                 areas: list[str]) -> Table:
    rows = indicators[(indicators["indicator_id"] == indicator)
                      & (indicators["area_name"].isin(areas))]
    display = rows[["period", "area_name", "count", "denominator", "value", "lower_ci_95",
                    "upper_ci_95", "compared_to_england", "note"]].copy()
    display.loc[rows["area_type"] == "England", "compared_to_england"] = "Benchmark"
    display["area_name"] = pd.Categorical(display["area_name"], areas, ordered=True)
    display = display.sort_values(["area_name", "period"])
    display["area_name"] = display["area_name"].astype(str)
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
        notes=[SOURCE_DFE, "95% confidence intervals by the Wilson score method. "
               "Comparison with England as Fingertips does it (95% interval overlap)."],
    )


def _need_table(indicators: pd.DataFrame, indicator: str, period: str, caption: str,
                name: str, council: str) -> Table:
    rows = indicators[(indicators["indicator_id"] == indicator)
                      & (indicators["period"] == period)
                      & (indicators["area_type"].isin(["Local authority", "England"]))
                      & ((indicators["area_type"] == "England") | (indicators["area_name"] == council))]
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
        notes=[SOURCE_DFE],
    )


def build(config: Config) -> Chapter:
    """Build the population and prevalence chapter for a council.

    Parameters
    ----------
    config : Config
        The council's validated configuration.

    Returns
    -------
    Chapter
        Findings, tables, figures, indicator rows and disclosure audit.
    """
    area = config.area
    pupils = load_pupils(config)
    years = sorted(pupils["census_year"].unique())
    latest = int(years[-1])
    threshold = config.disclosure.threshold

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
        published_needs = published_needs[published_needs["area_code"] != area.code]
    areas = comparator_areas(config, published)
    indicators, audit = indicator_pipeline(
        pd.concat([council_rows, published[published["area_code"].isin(areas.codes)],
                   published_needs[published_needs["area_code"].isin(areas.codes)]
                   if not published_needs.empty else None], ignore_index=True),
        config=config,
        areas=areas,
        polarity="Not applicable",
    )

    year_table, year_audit, year_rules = _year_group_table(pupils, latest, threshold, area.code)
    shown_areas = [area.name, areas.region_name, "England"]
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
                          & indicators["area_name"].isin(shown_areas)
                          & indicators["period"].isin(period_labels)]
        name = f"{KEY}_{short}"
        caption = (f"{INDICATORS[indicator]}, {area.name} compared with {areas.region_name} "
                   f"and England, {period_labels[0]} to {period_labels[-1]}")
        figures[short] = trend_chart(
            rows[["area_name", "period", "value", "lower_ci_95", "upper_ci_95"]],
            name=name, caption=caption, measure=measure,
            y_label="Per cent of pupils", highlight=area.name, source=SOURCE_DFE,
        )
        tables[short] = _trend_table(indicators, indicator, caption, name, shown_areas)
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
                          & ((indicators["area_name"] == area.name)
                             | (indicators["area_type"] == "England"))]
        plotted = rows.groupby("breakdown")["value"].transform(lambda v: v.notna().any())
        chart_rows = rows[plotted].rename(columns={"breakdown": "category"})
        figures[short] = category_chart(
            chart_rows[["area_name", "category", "value"]], name=name, caption=caption,
            measure=f"primary need of {who} (per cent)", x_label=f"Per cent of {who}",
            highlight=area.name, source=SOURCE_DFE,
        )
        tables[short] = _need_table(indicators, indicator, latest_period, caption, name,
                                    area.name)
        rules[name] = _need_rules(indicator, latest_period, area.code, area.name)

    findings = Findings(_findings(indicators, area.name, period_labels))
    disclosure = pd.concat([audit, year_audit], ignore_index=True)
    return Chapter(KEY, TITLE, findings, tables, figures, indicators, disclosure, rules)


def _findings(indicators: pd.DataFrame, council: str, periods: list[str]) -> list[str]:
    """Sentences written from the indicator table (never typed-in numbers)."""
    sentences = []
    first, last = periods[0], periods[-1]
    for indicator, what in (("pupils_ehc_plan_percent", "had an EHC plan"),
                            ("pupils_sen_support_percent", "were receiving SEN support")):
        rows = indicators[(indicators["indicator_id"] == indicator)
                          & (indicators["breakdown"] == "All pupils")]
        mine = rows[rows["area_name"] == council].set_index("period")
        england = rows[rows["area_type"] == "England"].set_index("period")
        if last not in mine.index or pd.isna(mine.at[last, "value"]):
            continue
        sentence = (f"In {last}, {percent(mine.at[last, 'value'])} of pupils in {council}'s schools "
                    f"({int(mine.at[last, 'count']):,} of {int(mine.at[last, 'denominator']):,}) "
                    f"{what}")
        if last in england.index and pd.notna(england.at[last, "value"]):
            label = mine.at[last, "compared_to_england"]
            relation = {"Higher": "significantly higher than", "Lower": "significantly lower than",
                        "Similar": "similar to"}.get(label, "compared with")
            sentence += f", {relation} England ({percent(england.at[last, 'value'])})"
        if first in mine.index and pd.notna(mine.at[first, "value"]) and first != last:
            change = mine.at[last, "value"] - mine.at[first, "value"]
            direction = "up" if change > 0 else "down" if change < 0 else "unchanged"
            sentence += (f"; {direction} from {percent(mine.at[first, 'value'])} in {first}")
        sentences.append(sentence + ".")
    for indicator, who in (("ehc_plan_primary_need_percent", "pupils with an EHC plan"),
                           ("sen_support_primary_need_percent", "pupils on SEN support")):
        rows = indicators[(indicators["indicator_id"] == indicator)
                          & (indicators["area_name"] == council) & (indicators["period"] == last)
                          & indicators["value"].notna()]
        if rows.empty:
            continue
        top = rows.sort_values("value", ascending=False).iloc[0]
        sentences.append(
            f"The most common primary need of {who} in {last} was "
            f"{top['breakdown']} ({percent(top['value'])})."
        )
    return sentences
