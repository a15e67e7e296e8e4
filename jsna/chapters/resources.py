"""Chapter: high needs funding and disagreement (SEND Tribunal appeals).

From ESFA's dedicated schools grant allocations (the high needs block before deductions) with the
ONS mid-year estimate of residents aged 2 to 18, and from DfE's table of SEND Tribunal appeals
registered against appealable decisions (SEN2). The funding is shown per head of population and
compared descriptively (an allocation is not a sample: it has no confidence interval); the appeal
rate per 1,000 decisions has Wilson intervals, comparisons with England, the region and the
statistical neighbours, the recent trend and the quartile band across every council. The figures
are worked out in :mod:`jsna.indicators.resources`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.chapters import resources_trends as trends
from jsna.chapters.base import Chapter, Findings
from jsna.chapters.common import (
    ComparatorAreas,
    comparator_areas,
    require_comparator,
    require_input,
)
from jsna.chapters.wording import Wording, sentence
from jsna.config import Config
from jsna.disclosure import SUPPRESSED, TableRules
from jsna.errors import JsnaInputError
from jsna.indicators.resources import (
    APPEAL_RATE,
    MEDIATION_APPEAL_SHARE,
    SEN_FINANCE,
    appeal_rates,
    high_needs_per_head,
    mediation_rows,
    sen_unit_cost_rows,
)
from jsna.indicators.table import finalise
from jsna.sources.council_register import council_register
from jsna.sources.dsg import read_high_needs_block
from jsna.sources.la_codes import current_codes
from jsna.sources.lait import read_lait
from jsna.sources.sen2_mi import read_sen2_management_information
from jsna.sources.tribunals import read_appeal_rates
from jsna.viz.charts import compare_chart, trend_chart
from jsna.viz.display import Table

KEY = "resources"
TITLE = "High needs funding and disagreement"
DSG_SOURCE = ("Source: ESFA, Dedicated schools grant allocations (high needs block before "
              "deductions); ONS mid-year population estimates.")
TRIBUNAL_SOURCE = ("Source: MoJ and DfE, SEND Tribunal appeal rate (appeals registered; "
                   "appealable decisions from SEN2).")
SYMBOLS = "[x] = not available; [c] = suppressed."
PER_1000 = 1000
WORDING = Wording(KEY)
_COMPARISONS = ("compared_to_england", "compared_to_region", "compared_to_neighbours",
                "recent_trend", "quartile_band")


def appeal_pipeline(rows: pd.DataFrame, config: Config, areas: ComparatorAreas
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Appeals per 1,000 decisions → Wilson limits → comparisons → trend → disclosure.

    Every council in the file is compared (quartile bands need them all); England, the region,
    the council and its neighbours are kept.
    """
    return proportion_pipeline(rows, config, areas, PER_1000)


def proportion_pipeline(rows: pd.DataFrame, config: Config, areas: ComparatorAreas,
                        multiplier: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counts over denominators × ``multiplier`` → Wilson limits → comparisons → trend →
    disclosure; England, the region, the council and its neighbours kept."""
    from jsna.indicator_disclosure import suppress_indicators
    from jsna.stats import Benchmarks, add_comparisons, add_proportion_ci, add_recent_trend

    rows = rows.copy()
    rows["area_code"] = current_codes(rows["area_code"])
    rows = rows[rows["area_type"].isin(["England", "Local authority"])
                | (rows["area_code"] == areas.region_code)]
    names = areas.display_names()
    rows["area_name"] = rows["area_code"].map(names).fillna(rows["area_name"]).astype(str)
    with_ci = add_proportion_ci(rows, count="count", denominator="denominator",
                                multiplier=multiplier)
    benchmarks = Benchmarks(areas.council, areas.region_code, tuple(areas.neighbours))
    compared = add_comparisons(with_ci, benchmarks=benchmarks, polarity="Not applicable",
                               multiplier=multiplier)
    trended = add_recent_trend(compared)
    kept = finalise(trended)
    kept = kept[kept["area_code"].isin(areas.codes)].reset_index(drop=True)
    suppressed, audit = suppress_indicators(kept, threshold=config.disclosure.threshold,
                                            suppress_zeros=config.disclosure.suppress_zeros,
                                            council_code=areas.council)
    out = finalise(suppressed)
    # a row hidden by disclosure, or not published, has no value to compare: its labels are empty
    hidden = (out["note"] == SUPPRESSED) | out["value"].isna()
    for column in _COMPARISONS:
        out.loc[hidden, column] = ""
    return out, audit


def register(config: Config) -> pd.DataFrame:
    """Councils by DfE LA number: DfE's list, extended from the EHC plans caseload file when
    given (councils the list does not know, such as the demo's)."""
    return council_register(config.inputs.comparators.get("ehcp_caseload"))


def funding_rows(config: Config, areas: ComparatorAreas, councils: pd.DataFrame
                 ) -> pd.DataFrame:
    """High needs block per head aged 2 to 18 for the comparator areas, with the quartile band
    across councils (no interval: an allocation is not an estimate, so no comparison label)."""
    dsg = read_high_needs_block(require_comparator(config, "high_needs_dsg"), councils)
    rows = high_needs_per_head(dsg, require_input(config, "population", KEY), councils)
    mid_year, reasons, left_out = (rows.attrs["mid_year"], rows.attrs.get("reasons", {}),
                                   rows.attrs.get("left_out", []))
    councils = rows[(rows["area_type"] == "Local authority") & rows["value"].notna()]
    rows = finalise(rows)
    if len(councils) >= 4:
        # quarter 1 (A) = the highest allocations per head, as LAIT bands a measure without polarity
        bands = pd.qcut(councils["value"].rank(method="first"), 4, labels=list("DCBA"))
        rows["band"] = rows["area_code"].map(
            dict(zip(councils["area_code"], bands.astype(str), strict=True))).fillna("")
    # the indicator rows carry no band: without a polarity, the scorecard's "A best" would mislead
    rows["quartile_band"] = "Not applicable"
    for column in ("compared_to_england", "compared_to_region", "compared_to_neighbours"):
        rows[column] = "Not compared"
    rows["area_name"] = rows["area_code"].map(areas.display_names()).fillna(rows["area_name"])
    rows = rows[rows["area_code"].isin(areas.codes)].reset_index(drop=True)
    rows.attrs.update(mid_year=mid_year, left_out=left_out,
                      reasons={c: reasons[c] for c in rows["area_code"] if c in reasons})
    return rows


def _symbol(note: pd.Series) -> pd.Series:
    return note.where((note == "") | note.str.fullmatch(r"\[[a-z:]+\]"), "[x]")


def _shown(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].astype(object).where(frame[column].notna(), _symbol(frame["note"]))


def _order(frame: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    rank = {code: i for i, code in enumerate(codes)}
    return frame.assign(_o=frame["area_code"].map(rank)).sort_values(["_o", "period"]).drop(
        columns="_o")


def funding_table(rows: pd.DataFrame, areas: ComparatorAreas, council: str) -> Table:
    """The high needs block per head, council first, then region, England and neighbours."""
    order = [areas.council, areas.region_code, "E92000001", *areas.neighbours]
    rows = _order(rows, order)
    def difference(code: str) -> pd.Series:
        base = rows.loc[rows["area_code"] == code, "value"]
        value = float(base.iloc[0]) if len(base) and pd.notna(base.iloc[0]) else np.nan
        out = (rows["value"] / value - 1) * 100
        return out.astype(object).where(out.notna(), "[x]")

    name = np.where(rows["area_code"] == areas.council, rows["area_name"] + " (this council)",
                    rows["area_name"])
    period = rows["period"].iloc[0] if len(rows) else ""
    frame = pd.DataFrame({
        "Area": name,
        "High needs block (£)": _shown(rows, "count"),
        "Residents aged 2 to 18": _shown(rows, "denominator"),
        "£ per resident aged 2 to 18": _shown(rows, "value"),
        "Difference from England (%)": difference("E92000001"),
        f"Difference from {areas.region_name} (%)": difference(areas.region_code),
        "Quartile band (A highest)": rows.get("band", pd.Series("", index=rows.index)),
    })
    return Table(
        name=f"{KEY}_high_needs", frame=frame.reset_index(drop=True),
        caption=(f"High needs block allocation per resident aged 2 to 18, {council}, "
                 f"{areas.region_name}, England and statistical neighbours, {period}"),
        formats={"High needs block (£)": "count", "Residents aged 2 to 18": "count",
                 "£ per resident aged 2 to 18": "count", "Difference from England (%)": "decimal",
                 f"Difference from {areas.region_name} (%)": "decimal"},
        notes=[DSG_SOURCE,
               f"Financial year {period} allocation before deductions for places the ESFA funds "
               "directly (so councils with and without academies compare alike), divided by the "
               f"ONS estimate of residents aged 2 to 18 at mid-{rows.attrs.get('mid_year')}. "
               "The region is the sum of its councils. Pounds and residents are not counts of "
               "pupils and are not suppressed; an allocation has no confidence interval, so the "
               "difference is descriptive. Quartile band across every council in the file.",
               *_coverage_notes(rows), SYMBOLS])


def _coverage_notes(rows: pd.DataFrame) -> list[str]:
    """Which councils England and the regions leave out, and why any area shown has no figure."""
    notes = []
    left_out = rows.attrs.get("left_out", [])
    if left_out:
        notes.append(f"England and the regions count the councils the allocation covers: the "
                     f"file has no row for {', '.join(left_out)}, and its England total is the "
                     f"sum of the councils it lists.")
    reasons = rows.attrs.get("reasons", {})
    shown = [reasons[code] for code in dict.fromkeys(rows["area_code"]) if code in reasons]
    if shown:
        notes.append("No figure ([x]): " + "; ".join(shown) + ".")
    return notes


#: display formats of the appeal columns
APPEAL_FORMATS = {"Appeals registered": "count", "Appealable decisions": "count",
                  "Per 1,000 decisions": "rate", "95% CI lower": "rate", "95% CI upper": "rate"}


def _appeal_cells(rows: pd.DataFrame) -> dict[str, pd.Series]:
    """The appeal columns every appeals table shows: counts, rate, interval, comparison."""
    return trends.proportion_cells(rows, _shown, {"Appeals registered": "count",
                                                  "Appealable decisions": "denominator",
                                                  "Per 1,000 decisions": "value"})


def appeals_trend_table(indicators: pd.DataFrame, codes: list[str], caption: str) -> Table:
    """Appeals, decisions and the rate per 1,000 by year for the council, region and England."""
    rows = _order(indicators[indicators["area_code"].isin(codes)], codes)
    latest = rows["period"].max()
    frame = pd.DataFrame({
        "Calendar year": rows["period"], "Area": rows["area_name"],
        **_appeal_cells(rows),
        "Recent trend": rows["recent_trend"].where(rows["period"] == latest, ""),
    })
    return Table(
        name=f"{KEY}_appeals", caption=caption, frame=frame.reset_index(drop=True),
        formats=APPEAL_FORMATS,
        row_header="Calendar year",
        notes=[TRIBUNAL_SOURCE,
               "Appealable decisions: refusals to assess, decisions not to issue a plan after "
               "assessment, EHC plans in January and plans ceased because needs are met (DfE's "
               "definition). DfE publishes the rate per cent; it is shown per 1,000 here. The "
               "region is the sum of its councils. 95% confidence intervals by the Wilson score "
               "method; comparison by 95% interval overlap; recent trend by the Fingertips test "
               "of the last five years.", SYMBOLS])


def appeals_neighbour_table(indicators: pd.DataFrame, areas: ComparatorAreas, period: str,
                            caption: str) -> Table:
    """The latest appeal rate of the council, its neighbours and England."""
    codes = [areas.council, *areas.neighbours, "E92000001"]
    rows = _order(indicators[indicators["area_code"].isin(codes)
                             & (indicators["period"] == period)], codes)
    frame = pd.DataFrame({
        "Area": np.where(rows["area_code"] == areas.council,
                         rows["area_name"] + " (this council)", rows["area_name"]),
        **_appeal_cells(rows),
    })
    return Table(
        name=f"{KEY}_appeals_neighbours", caption=caption, frame=frame.reset_index(drop=True),
        formats=APPEAL_FORMATS,
        notes=[TRIBUNAL_SOURCE, "95% confidence intervals by the Wilson score method; comparison "
               "with England by 95% interval overlap. A higher rate is neither better nor worse: "
               "it counts disagreements that reached the Tribunal.", SYMBOLS])


def published_rules(tables: dict[str, Table], area_code: str, council: str, latest: str
                    ) -> dict[str, TableRules]:
    """Disclosure rules of the tables as published, for the site-wide gate.

    The funding table has no counts of people to protect: pounds and residents aged 2 to 18 are
    not counts of pupils. The council's appeal rows repeat its indicator rows; other areas'
    rows are published by MoJ and DfE and exempt.
    """
    funding = tables["high_needs"]
    return {funding.name: TableRules(key=["Area"], counts=[]), **trends.proportion_rules(
        tables["appeals"], tables["appeals_neighbours"], count="Appeals registered",
        denominator="Appealable decisions", value="Per 1,000 decisions",
        indicator_id=APPEAL_RATE, area_code=area_code, council=council, latest=latest)}


def _one(rows: pd.DataFrame, code: str, period: str | None = None) -> pd.Series | None:
    pick = rows[(rows["area_code"] == code) & (rows["value"].notna())]
    if period is not None:
        pick = pick[pick["period"] == period]
    return None if pick.empty else pick.iloc[-1]


def findings(funding: pd.DataFrame, appeals: pd.DataFrame, areas: ComparatorAreas,
             council: str) -> list[str]:
    """Key findings, in the words of ``wording.toml`` ``[resources]``."""
    say = WORDING
    out = []
    mine = _one(funding, areas.council)
    if mine is not None:
        parts = [say.fill("per_head", council=council, period=mine["period"],
                          pounds=f"£{mine['value']:,.0f}")]
        england = _one(funding, "E92000001")
        if england is not None:
            parts.append(say.fill("per_head_england", england=f"£{england['value']:,.0f}"))
        region = _one(funding, areas.region_code)
        if region is not None:
            parts.append(say.fill("per_head_region", region=areas.region_name,
                                  pounds=f"£{region['value']:,.0f}"))
        out.append(sentence(*parts))
    latest = _one(appeals, areas.council)
    if latest is not None:
        parts = [say.fill("appeals", year=latest["period"], council=council,
                          count=latest["count"], rate=latest["value"])]
        england = _one(appeals, "E92000001", latest["period"])
        if england is not None:
            parts.append(say.fill("appeals_england", england=england["value"],
                                  relation=say.pick("compared", latest["compared_to_england"])))
        if say.knows("trend", latest["recent_trend"]):
            parts.append(say.fill("appeals_trend", trend=say.pick("trend",
                                                                  latest["recent_trend"])))
        out.append(sentence(*parts))
    return out


def build(config: Config) -> Chapter:
    """Build the high needs funding and disagreement chapter for a council.

    Parameters
    ----------
    config : Config
        Needs ``inputs.comparators.high_needs_dsg``, ``inputs.comparators.send_tribunals`` and
        ``inputs.population``.
    """
    area = config.area
    source = require_comparator(config, "send_tribunals")
    councils = register(config)
    appeal_rows = appeal_rates(read_appeal_rates(source, councils), councils)
    areas = comparator_areas(config, appeal_rows, source)
    if areas.council not in set(current_codes(appeal_rows["area_code"])):
        raise JsnaInputError(f"{source}: no rows for {area.name} ({area.code})")
    appeals, audit = appeal_pipeline(appeal_rows, config, areas)
    funding = funding_rows(config, areas, councils)
    latest = appeals["period"].max()
    first = appeals["period"].min()
    shown = [areas.council, areas.region_code, "E92000001"]
    tables = {
        "high_needs": funding_table(funding, areas, area.name),
        "appeals": appeals_trend_table(
            appeals, shown, f"SEND Tribunal appeals registered per 1,000 appealable decisions, "
            f"{area.name} compared with {areas.region_name} and England, {first} to {latest}"),
        "appeals_neighbours": appeals_neighbour_table(
            appeals, areas, latest, f"SEND Tribunal appeals registered per 1,000 appealable "
            f"decisions, {area.name} and its statistical neighbours, {latest}"),
    }
    charted = appeals[appeals["area_code"].isin(shown) & appeals["value"].notna()]
    figures = {"appeals": trend_chart(
        charted[["area_name", "period", "value", "lower_ci_95", "upper_ci_95"]],
        name=tables["appeals"].name, caption=tables["appeals"].caption,
        measure="SEND Tribunal appeals registered per 1,000 appealable decisions",
        y_label="Per 1,000 decisions", highlight=area.name, source=TRIBUNAL_SOURCE)}
    points = appeals[(appeals["period"] == latest) & appeals["value"].notna()
                     & appeals["area_code"].isin([areas.council, *areas.neighbours])]
    england = appeals[(appeals["period"] == latest) & (appeals["area_code"] == "E92000001")]
    mine = f"{area.name} (this council)"
    if len(points) > 1:
        figures["appeals_neighbours"] = compare_chart(
            points[["area_name", "value", "lower_ci_95", "upper_ci_95"]].assign(
                area_name=points["area_name"].where(points["area_code"] != areas.council, mine)),
            name=tables["appeals_neighbours"].name, caption=tables["appeals_neighbours"].caption,
            measure="SEND Tribunal appeals registered per 1,000 appealable decisions",
            x_label="Per 1,000 decisions", highlight=mine, others="Statistical neighbours",
            benchmark=(("England", float(england["value"].iloc[0]))
                       if len(england) and pd.notna(england["value"].iloc[0]) else None),
            source=TRIBUNAL_SOURCE)
    parts = [finalise(funding.drop(columns="band", errors="ignore")), appeals]
    audits = [audit]
    unit_cost = mediation = None
    if config.inputs.lait is not None:
        unit_cost = unit_cost_section(config, areas, councils, tables, figures)
        parts.append(finalise(unit_cost))
    if config.inputs.comparators.get(MEDIATION_KEY) is not None:
        mediation, mediation_audit = mediation_section(config, areas, councils, tables, figures)
        parts.append(mediation)
        audits.append(mediation_audit)
    indicators = pd.concat(parts, ignore_index=True)
    rules = published_rules(tables, areas.council, area.name, latest)
    if mediation is not None:
        rules.update(trends.mediation_rules(tables, areas.council, area.name,
                                            str(mediation["period"].max())))
    elif unit_cost is not None:
        rules.update({t.name: TableRules(key=[t.frame.columns[0]], counts=[])
                      for k, t in tables.items() if k.startswith("sen_unit_cost")})
    sentences = findings(funding, appeals, areas, area.name)
    sentences += trends.trend_findings(unit_cost, mediation, areas, area.name)
    return Chapter(KEY, TITLE, Findings(sentences), tables, figures, indicators,
                   pd.concat(audits, ignore_index=True), rules)


MEDIATION_KEY = "sen2_management_information"


def unit_cost_section(config: Config, areas: ComparatorAreas, councils: pd.DataFrame,
                      tables: dict[str, Table], figures: dict) -> pd.DataFrame:
    """LAIT's SEN services weekly cost: tables and chart added; the comparator areas' rows.

    Raises
    ------
    JsnaInputError
        When ``inputs.lait`` has no ``SENFinance`` rows, or lacks a comparator area.
    """
    path = config.inputs.lait
    lait = read_lait(path, register=councils)
    every = sen_unit_cost_rows(lait)
    if every.empty:
        raise JsnaInputError(f"{path}: no {SEN_FINANCE} rows (LAIT's 'SEN - S251/Outturn weekly "
                             "unit costs'); the resources chapter reads them from inputs.lait")
    every["area_code"] = current_codes(every["area_code"])
    comparator_areas(config, every, path)
    name = config.area.name
    rows = trends.unit_cost_indicators(every, areas)
    before, note = trends.formed_note(areas.council, name, sorted(set(rows["period"])))
    tables["sen_unit_cost"] = trends.unit_cost_trend_table(rows, every, areas, name,
                                                           [note] if note else [])
    tables["sen_unit_cost_neighbours"] = trends.unit_cost_neighbour_table(rows, every, areas,
                                                                          name)
    figure = trends.unit_cost_figure(rows, areas, name, tables["sen_unit_cost"].caption)
    if figure is not None:
        figures["sen_unit_cost"] = figure
    return rows


def mediation_section(config: Config, areas: ComparatorAreas, councils: pd.DataFrame,
                      tables: dict[str, Table], figures: dict
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mediation followed by an appeal: tables and chart added; indicator rows and audit."""
    path = require_comparator(config, MEDIATION_KEY)
    published = read_sen2_management_information(path, councils)
    comparator_areas(config, published, path)
    rows = mediation_rows(published)
    periods = sorted(set(rows["period"]))
    before, note = trends.formed_note(areas.council, config.area.name, periods)
    rows = trends.add_missing_years(rows, areas.council, MEDIATION_APPEAL_SHARE, periods)
    out, audit = proportion_pipeline(rows, config, areas, 100)
    shown = [areas.council, areas.region_code, "E92000001"]
    name = config.area.name
    first, latest = periods[0], periods[-1]
    tables["mediation"] = trends.mediation_trend_table(
        out, rows, shown, f"Mediation cases held and the percentage followed by an appeal to the "
        f"SEND Tribunal, {name} compared with {areas.region_name} and England, {first} to "
        f"{latest}", _shown, _order, [note] if note else [])
    tables["mediation_neighbours"] = trends.mediation_neighbour_table(
        out, rows, areas, latest, f"Mediation cases held and the percentage followed by an "
        f"appeal to the SEND Tribunal, {name} and its statistical neighbours, {latest}",
        _shown, _order)
    figure = trends.mediation_figure(out, shown, name, tables["mediation"].caption)
    if figure is not None:
        figures["mediation"] = figure
    return out, audit


#: table key -> (input key, what it is) for the box shown when the input is not set
SECTION_INPUTS = {
    "sen_unit_cost": ("lait", "DfE's Local Authority Interactive Tool long data file (the "
                      "background data sheet, as CSV), whose SENFinance measure is the weekly "
                      "cost of SEN services per child with an EHC plan from section 251 outturn "
                      "(www.gov.uk/government/publications/local-authority-interactive-tool-"
                      "lait)"),
    "mediation": ("comparators.sen2_management_information",
                  "DfE's SEN2 management information time series, sen2_mi.csv from the "
                  "Education, health and care plans release of 2022, with mediation cases held "
                  "and those followed by a Tribunal appeal for every council "
                  "(explore-education-statistics.service.gov.uk/find-statistics/education-"
                  "health-and-care-plans)"),
}


def section(chapter: Chapter, key: str) -> object:
    """A table of an optional section (``sen_unit_cost``, ``sen_unit_cost_neighbours``,
    ``mediation``, ``mediation_neighbours``), or a box naming the input that would fill it
    (once per section: the neighbours table of a missing section shows nothing)."""
    from jsna.chapters.common import MissingInput

    table = chapter.tables.get(key)
    if table is not None:
        return table
    if key in SECTION_INPUTS:
        return MissingInput(*SECTION_INPUTS[key])
    return None
