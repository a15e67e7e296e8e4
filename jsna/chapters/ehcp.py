"""Chapter: EHC needs assessments, plans and 20-week timeliness.

From the DfE SEN2 "Education, health and care plans" files: EHC plans maintained in January over
time; requests for an EHC needs assessment and the share the council decided not to assess; the
share of EHC needs assessments that ended in a decision not to issue a plan; and the percentage of new EHC plans issued within the statutory 20 weeks (including and excluding
exception cases), with Wilson confidence intervals, comparisons with England, the region and the
statistical neighbours, the recent trend, the LAIT quartile band across every council in the file
and the council's rank among itself and its ten neighbours. Every number is read from the
published files and passes disclosure control before display; the figures are read and worked
out in :mod:`jsna.indicators.ehcp`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from jsna.chapters.base import Chapter, Findings
from jsna.chapters.common import comparator_areas, published_row, require_comparator
from jsna.chapters.ehcp_local import build_local
from jsna.chapters.wording import Wording, sentence
from jsna.config import Config
from jsna.disclosure import (
    INDICATOR_TABLE,
    SUPPRESSED,
    Rest,
    SameCells,
    TableRules,
    format_suppressed,
)
from jsna.errors import JsnaInputError
from jsna.indicator_disclosure import indicator_pipeline, protect_caseload_table
from jsna.indicators.comparisons import ComparatorAreas
from jsna.indicators.ehcp import (
    ASSESSMENTS,
    INDICATORS,
    POLARITY_TIMELY,
    REQUESTS,
    TIMELINESS,
    caseload_plans,
    growth_index,
    plans_per_10000,
    published_rates,
    timeliness_ranks,
)
from jsna.viz.charts import compare_chart, trend_chart
from jsna.viz.display import Table

KEY = "ehcp"
TITLE = "EHC needs assessments and plans"
SOURCE = "Source: DfE, Education, health and care plans (SEN2)."
#: The legend under every table: DfE's own symbols are kept as published.
SYMBOLS = ("[x] = not available (published as x by DfE, or no denominator to calculate a "
           "percentage from); [z] = not applicable; [low] = rounds to zero; [c] = suppressed.")


def _files(config: Config, indicators: tuple[str, ...]) -> dict[str, Path]:
    """The SEN2 files the ``indicators`` are read from, by comparator key (each required)."""
    return {INDICATORS[i][0]: require_comparator(config, INDICATORS[i][0]) for i in indicators}


def _pipeline(rows: pd.DataFrame, config: Config, areas: ComparatorAreas,
              polarity: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run every council in the file through the pipeline (quartile bands need them all), then
    keep England, the region, the council and its neighbours."""
    keep = rows["area_type"].isin(["England", "Local authority"]) | (
        rows["area_code"] == areas.region_code)
    indicators, audit = indicator_pipeline(rows[keep], config=config, areas=areas,
                                           polarity=polarity)
    return indicators[indicators["area_code"].isin(areas.codes)].reset_index(drop=True), audit


def _symbol(note: pd.Series) -> pd.Series:
    """The symbol a table shows for a note: published and disclosure symbols (``[x]``, ``[z]``,
    ``[low]``, ``[c]``) as they are; an explanation such as "not calculated: denominator missing
    or zero" as ``[x]`` (the explanation stays in indicators.csv)."""
    return note.where((note == "") | note.str.fullmatch(r"\[[a-z:]+\]"), "[x]")


def _shown(frame: pd.DataFrame, column: str) -> pd.Series:
    """Values with the published or disclosure symbol in place of a missing number."""
    return frame[column].astype(object).where(frame["note"] == "", _symbol(frame["note"]))


def _trend_table(indicators: pd.DataFrame, indicator: str, caption: str, name: str,
                 area_codes: list[str], count_label: str, denominator_label: str,
                 extra: tuple[str, str] | None = None) -> Table:
    rows = indicators[(indicators["indicator_id"] == indicator)
                      & indicators["area_code"].isin(area_codes)].copy()
    rows["order"] = rows["area_code"].map({code: i for i, code in enumerate(area_codes)})
    rows = rows.sort_values(["order", "period"])
    rows.loc[rows["area_type"] == "England", "compared_to_england"] = "Benchmark"
    frame = pd.DataFrame({
        "Calendar year": rows["period"],
        "Area": rows["area_name"],
        # a published count stays shown when only its denominator was not published
        count_label: rows["count"].astype(object).where(rows["count"].notna(),
                                                        _symbol(rows["note"])),
        denominator_label: rows["denominator"].astype(object).where(
            rows["denominator"].notna(), _symbol(rows["note"])),
        f"{count_label} (%)": _shown(rows, "value"),
        "95% CI lower": _shown(rows, "lower_ci_95"),
        "95% CI upper": _shown(rows, "upper_ci_95"),
        "Compared with England": rows["compared_to_england"].fillna(""),
        # the recent trend describes the five years up to the latest one
        "Recent trend": rows["recent_trend"].fillna("").where(
            rows["period"] == rows["period"].max(), ""),
    })
    formats = {count_label: "count", denominator_label: "count", f"{count_label} (%)": "percent",
               "95% CI lower": "percent", "95% CI upper": "percent"}
    if extra is not None:  # a second percentage from the same file, e.g. decided to assess
        other_id, label = extra
        other = indicators[indicators["indicator_id"] == other_id]
        other = other.assign(shown=_shown(other, "value"))
        lookup = other.set_index(["area_code", "period"])["shown"]
        keys = pd.MultiIndex.from_arrays([rows["area_code"], rows["period"]])
        frame.insert(7, label, lookup.reindex(keys).to_numpy())
        frame = frame.drop(columns="Recent trend")  # keeps the table within the page width
        formats[label] = "percent"
    return Table(
        name=name, caption=caption, frame=frame.reset_index(drop=True),
        formats=formats,
        row_header="Calendar year",
        notes=[SOURCE, "95% confidence intervals by the Wilson score method; comparison with "
               "England by 95% interval overlap; recent trend by the Fingertips test of the last "
               "five years.", SYMBOLS],
    )


def _neighbour_table(indicators: pd.DataFrame, ranks: pd.DataFrame, period: str,
                     areas: ComparatorAreas, council: str, caption: str, name: str) -> Table:
    rows = indicators[(indicators["indicator_id"] == TIMELINESS[0])
                      & (indicators["period"] == period)
                      & (indicators["area_code"].isin([areas.council, *areas.neighbours,
                                                       "E92000001"]))].copy()
    rank = ranks[(ranks["indicator_id"] == TIMELINESS[0]) & (ranks["period"] == period)]
    rows["rank"] = rows["area_code"].map(
        dict(zip(rank["area_code"], rank["rank"].astype(str) + " of " + rank["out_of"].astype(str),
                 strict=True)))
    order = {code: i for i, code in enumerate([areas.council, *areas.neighbours, "E92000001"])}
    rows = rows.sort_values("area_code", key=lambda s: s.map(order))
    rows["area_name"] = np.where(rows["area_code"] == areas.council,
                                 rows["area_name"] + " (this council)", rows["area_name"])
    frame = pd.DataFrame({
        "Area": rows["area_name"],
        "Plans issued": rows["denominator"].astype(object).where(
            rows["denominator"].notna(), _symbol(rows["note"])),
        "Within 20 weeks": rows["count"].astype(object).where(rows["count"].notna(),
                                                              _symbol(rows["note"])),
        "Per cent": _shown(rows, "value"),
        "95% CI lower": _shown(rows, "lower_ci_95"),
        "95% CI upper": _shown(rows, "upper_ci_95"),
        "Quartile band (A best)": rows["quartile_band"].fillna(""),
        "Rank (1 best)": rows["rank"].fillna(""),
    })
    return Table(
        name=name, caption=caption, frame=frame.reset_index(drop=True),
        # short headings (the caption says "excluding exceptions"): the table fits the page
        formats={"Plans issued": "count", "Within 20 weeks": "count", "Per cent": "percent",
                 "95% CI lower": "percent", "95% CI upper": "percent",
                 "Rank (1 best)": "count"},  # "10 of 10" kept on one line, right-aligned
        notes=[SOURCE, f"Rank among {council} and its statistical neighbours with a value. "
               "Quartile band across every council in the file, as in the DfE Local Authority "
               "Interactive Tool (A = the quarter with the highest percentages).", SYMBOLS],
    )


def _caseload_table(config: Config, areas: ComparatorAreas) -> tuple[Table, pd.DataFrame,
                                                                      pd.DataFrame]:
    plans, history = caseload_plans(require_comparator(config, "ehcp_caseload"), areas.council,
                                    config.area.name, areas.region_code)
    names = {areas.council: config.area.name, areas.region_code: areas.region_name,
             "E92000001": "England"}
    frame = pd.DataFrame({"January": [f"January {p[:2]}{p[-2:]}" for p in plans.index]})
    for code, label in names.items():
        frame[label] = plans[code].to_numpy()
    name = f"{KEY}_caseload"
    counts = list(names.values())
    protected, audit = protect_caseload_table(frame, counts,
                                              threshold=config.disclosure.threshold)
    published = format_suppressed(protected, columns=counts).drop(columns="note")
    # a January before the council existed is not applicable, not missing
    before = plans[areas.council].isna().to_numpy() & (
        np.arange(len(plans)) < np.argmax(plans[areas.council].notna().to_numpy()))
    published[config.area.name] = published[config.area.name].astype(object).where(~before, "[z]")
    # every series indexed to the first January the council has a figure for, so lines compare
    base_at = int(np.argmax(~before)) if len(before) else 0
    base_label = published["January"].iloc[base_at]
    # growth index from the suppressed table only (a hidden count gives no index)
    index_rows = []
    for label in counts:
        index = growth_index(pd.to_numeric(protected[label], errors="coerce"), base_at)
        published[f"{label} index"] = index.round(1).to_numpy()
        if label == config.area.name:
            published[f"{label} index"] = published[f"{label} index"].astype(object).where(
                ~before, "[z]")
        index_rows.append(pd.DataFrame({"area_name": label,
                                        "period": published["January"].str[-4:],
                                        "value": index.to_numpy()}))
    if config.inputs.population is not None:
        hidden = (protected["note"] == SUPPRESSED).fillna(False).to_numpy(dtype=bool) & (
            protected[config.area.name].isna().to_numpy())
        rate = plans_per_10000(config.inputs.population, config.area.code,
                               protected[config.area.name], hidden, plans.index)
        published.insert(2, f"{config.area.name} per 10,000 aged 0 to 25", rate)
    basis = (f"Growth index: plans in each January divided by plans in {base_label}, times 100."
             + (f" {history}" if history else ""))
    if base_at:
        basis += f" Every area is indexed to {base_label}, the first January {config.area.name} has a figure for."
    table = Table(
        name=name,
        caption=f"EHC plans maintained by {config.area.name}, {areas.region_name} and England in "
                f"January, with growth index ({base_label} = 100)",
        frame=published,
        formats={**{c: "count" for c in counts}, **{f"{c} index": "decimal" for c in counts},
                 f"{config.area.name} per 10,000 aged 0 to 25": "rate"},
        notes=[SOURCE, "Plans for children and young people aged 0 to 25 maintained by the "
               "council in January. The rate divides January's plans by the ONS mid-year "
               "estimate of residents aged 0 to 25 in the June before (the population file "
               "covers the council only).", basis, SYMBOLS],
    )
    index_rows = pd.concat(index_rows, ignore_index=True)
    index_rows.attrs["base"] = base_label
    return table, index_rows, audit


def build(config: Config) -> Chapter:
    """Build the EHC needs assessments and plans chapter for a council.

    Parameters
    ----------
    config : Config
        The council's validated configuration (needs ``inputs.comparators.ehcp_caseload``,
        ``ehcp_requests``, ``ehcp_assessments`` and ``ehcp_timeliness``).
    """
    area = config.area
    timely_rows = published_rates(_files(config, TIMELINESS), TIMELINESS)
    source = require_comparator(config, "ehcp_timeliness")
    areas = comparator_areas(config, timely_rows, source)
    if areas.council not in set(timely_rows["area_code"]):
        raise JsnaInputError(f"{source}: no rows for {area.name} ({area.code})")
    timely, timely_audit = _pipeline(timely_rows, config, areas, POLARITY_TIMELY)
    request_rows = published_rates(_files(config, REQUESTS), REQUESTS)
    requests, request_audit = _pipeline(request_rows, config, areas, "Not applicable")
    assessments, assessment_audit = _pipeline(published_rates(_files(config, ASSESSMENTS), ASSESSMENTS), config, areas,
                                              "Not applicable")
    indicators = pd.concat([timely, requests, assessments], ignore_index=True)
    ranks = timeliness_ranks(timely, areas.council, areas.region_code, areas.neighbours)

    periods = sorted(timely["period"].unique())
    latest = periods[-1]
    shown = [areas.council, areas.region_code, "E92000001"]  # by code, never by name
    tables: dict[str, Table] = {}
    figures = {}

    caseload, index_rows, caseload_audit = _caseload_table(config, areas)
    tables["caseload"] = caseload
    figures["caseload"] = trend_chart(
        index_rows, name=caseload.name, caption=caseload.caption,
        measure="growth index of EHC plans maintained in January",
        y_label=f"Index ({index_rows.attrs['base']} = 100)", highlight=area.name,
        source=SOURCE,
    )

    for indicator, short, measure, count_label, denominator_label in (
        (TIMELINESS[0], "timeliness_ex", "percentage of new EHC plans issued within 20 weeks, "
         "excluding exceptions", "Within 20 weeks", "Plans issued"),
        (TIMELINESS[1], "timeliness_all", "percentage of new EHC plans issued within 20 weeks, "
         "including exceptions", "Within 20 weeks", "Plans issued"),
        (REQUESTS[0], "requests_not_assessed", "percentage of requests for an EHC needs "
         "assessment the council decided not to assess", "Not assessed", "Requests"),
        (ASSESSMENTS[0], "assessments_no_plan", "percentage of EHC needs assessments that ended "
         "in a decision not to issue a plan", "No plan issued", "Assessments"),
    ):
        name = f"{KEY}_{short}"
        rows = indicators[(indicators["indicator_id"] == indicator)
                          & indicators["area_code"].isin(shown)]
        caption = (f"{INDICATORS[indicator][3][:-4]}, {area.name} compared with "
                   f"{areas.region_name} and England, {periods[0]} to {latest}")
        if indicator != TIMELINESS[1]:
            charted = rows[rows["value"].notna()]  # years DfE published a denominator for
            figures[short] = trend_chart(
                charted[["area_name", "period", "value", "lower_ci_95", "upper_ci_95"]],
                name=name, caption=caption.replace(
                    f"{periods[0]} to", f"{min(charted['period'], default=periods[0])} to"),
                measure=measure, y_label="Per cent", highlight=area.name, source=SOURCE,
            )
        extra = ((REQUESTS[1], "Decided to assess (%)") if indicator == REQUESTS[0] else None)
        tables[short] = _trend_table(indicators, indicator, caption, name, shown, count_label,
                                     denominator_label, extra)

    name = f"{KEY}_timeliness_neighbours"
    caption = (f"New EHC plans issued within 20 weeks (excluding exceptions), {area.name} and "
               f"its statistical neighbours, {latest}")
    tables["timeliness_neighbours"] = _neighbour_table(indicators, ranks, latest, areas,
                                                       area.name, caption, name)
    points = indicators[(indicators["indicator_id"] == TIMELINESS[0])
                        & (indicators["period"] == latest)
                        & indicators["area_code"].isin([areas.council, *areas.neighbours])]
    england = indicators[(indicators["indicator_id"] == TIMELINESS[0])
                         & (indicators["period"] == latest)
                         & (indicators["area_code"] == "E92000001")]["value"].dropna()
    mine = f"{area.name} (this council)"
    figures["timeliness_neighbours"] = compare_chart(
        points[["area_name", "value", "lower_ci_95", "upper_ci_95"]].assign(
            area_name=points["area_name"].where(points["area_code"] != areas.council, mine)),
        name=name, caption=caption,
        measure="percentage of new EHC plans issued within 20 weeks (excluding exceptions)",
        x_label="Per cent of new plans issued within 20 weeks", highlight=mine,
        others="Statistical neighbours",
        benchmark=("England", float(england.iloc[0])) if len(england) else None, source=SOURCE,
    )

    sentences = _findings(indicators, ranks, area.name, areas, periods)
    disclosure = pd.concat([timely_audit, request_audit, assessment_audit, caseload_audit],
                           ignore_index=True)
    rules = published_rules(tables, area.code, area.name, latest)
    # the council's own casework, when inputs.sen2_extract is configured
    mine = indicators[(indicators["indicator_id"] == TIMELINESS[0])
                      & (indicators["area_code"] == areas.council)][["period", "value"]]
    january = caseload.frame[caseload.frame["January"] == f"January {config.year}"]
    published = (pd.to_numeric(january[area.name], errors="coerce").iloc[0]
                 if len(january) else None)
    local = build_local(config, mine, None if pd.isna(published) else float(published), areas)
    if local is not None:
        indicators = pd.concat([indicators, local.indicators], ignore_index=True)
        tables |= {f"local_{short}": table for short, table in local.tables.items()}
        figures |= {f"local_{short}": figure for short, figure in local.figures.items()}
        rules |= local.rules
        disclosure = pd.concat([disclosure, local.disclosure], ignore_index=True)
        sentences += local.findings
    findings = Findings(sentences)
    return Chapter(KEY, TITLE, findings, tables, figures, indicators, disclosure, rules)


#: Tables that repeat an indicator's rows: short name -> indicator (see :func:`published_rules`).
TREND_TABLES = {"timeliness_ex": TIMELINESS[0], "timeliness_all": TIMELINESS[1],
                "requests_not_assessed": REQUESTS[0], "assessments_no_plan": ASSESSMENTS[0]}


def published_rules(tables: dict[str, Table], area_code: str, council: str, latest: str
                    ) -> dict[str, TableRules]:
    """Disclosure rules of the tables *as published*, for the site-wide disclosure gate.

    The council's rows of the trend tables (count and denominator in the third and fourth
    columns) and of the neighbour table repeat its indicator rows; other areas' rows are
    published by DfE and exempt. The caseload table's council column has no relation to other
    tables.
    """
    out: dict[str, TableRules] = {}
    ratios = ("95% CI lower", "95% CI upper")
    for short, indicator in TREND_TABLES.items():
        table = tables.get(short)
        if table is None:
            continue
        count, denominator = table.frame.columns[2], table.frame.columns[3]
        others = sorted(set(table.frame["Area"]) - {council})
        out[table.name] = TableRules(
            key=["Calendar year", "Area"], counts=[count, denominator],
            derived={c: [count, denominator] for c in (f"{count} (%)", *ratios)},
            exempt_where=[{"Area": others}] if others else [],
            rests=[Rest(total=denominator, parts=count)],
            relations=[SameCells(INDICATOR_TABLE, on={"Calendar year": "period"},
                                 rows={"Area": council},
                                 other_rows={"indicator_id": indicator, "area_code": area_code},
                                 columns={count: "count", denominator: "denominator"})])
    table = tables.get("timeliness_neighbours")
    if table is not None:
        mine = f"{council} (this council)"
        counts = ["Within 20 weeks", "Plans issued"]
        others = sorted(set(table.frame["Area"]) - {mine})
        out[table.name] = TableRules(
            key=["Area"], counts=counts,
            derived={c: counts for c in ("Per cent", *ratios)},
            exempt_where=[{"Area": others}] if others else [],
            rests=[Rest(total="Plans issued", parts="Within 20 weeks")],
            relations=[SameCells(INDICATOR_TABLE, on=[], rows={"Area": mine},
                                 other_rows={"indicator_id": TIMELINESS[0],
                                             "area_code": area_code, "period": latest},
                                 columns={"Within 20 weeks": "count",
                                          "Plans issued": "denominator"})])
    table = tables.get("caseload")
    if table is not None:
        derived = [c for c in table.frame.columns if c.startswith(f"{council} ")]
        out[table.name] = TableRules(key=["January"], counts=[council],
                                     derived={c: [council] for c in derived})
    return out


def _row(indicators: pd.DataFrame, indicator: str, code: str, period: str) -> pd.Series | None:
    return published_row(indicators, indicator, area_code=code, period=period)


WORDING = Wording(KEY)


def timeliness_sentence(council: str, mine: pd.Series, when: str, england: float | None = None,
                        neighbour_average: float | None = None) -> str:
    """The 20-week timeliness finding, in the words of ``wording.toml`` ``[ehcp]``.

    Parameters
    ----------
    council : str
        The council's name.
    mine : Series
        The council's indicator row (``value, count, denominator, compared_to_england,
        compared_to_neighbours``).
    when : str
        The opening, e.g. "In 2024".
    england, neighbour_average : float, optional
        England's value and the statistical neighbours' average (each compared only if given).

    Examples
    --------
    >>> row = pd.Series({"value": 22.6, "count": 51, "denominator": 226,
    ...                  "compared_to_england": "Worse", "compared_to_neighbours": "Similar"})
    >>> timeliness_sentence("Demoton", row, "In 2024", 46.4, 24.0)
    'In 2024, Demoton issued 22.6% of new EHC plans within 20 weeks, excluding exception cases \
(51 of 226), significantly worse than England (46.4%) and similar to the statistical neighbour \
average (24.0%).'
    """
    say = WORDING
    parts = [say.fill("timeliness", when=when, council=council, value=mine["value"],
                      count=mine["count"], denominator=mine["denominator"])]
    if england is not None:
        parts.append(say.fill("against_england", england=england,
                              relation=say.pick("compared", mine["compared_to_england"])))
    if neighbour_average is not None:
        label = mine["compared_to_neighbours"]
        if not say.knows("compared", label):
            parts.append(say.fill("neighbours_not_compared", average=neighbour_average))
        elif england is not None and label == mine["compared_to_england"]:
            # "significantly worse than England (46.4%) and the statistical neighbour average"
            parts.append(say.fill("and_neighbours_alike", average=neighbour_average))
        else:
            parts.append(say.fill("and_neighbours" if england is not None
                                  else "against_neighbours",
                                  relation=say.pick("compared", label),
                                  average=neighbour_average))
    return sentence(*parts)


def trend_sentence(start: pd.Series, trend: object) -> str:
    """The first year's rate and the recent trend (said only when it could be calculated).

    Examples
    --------
    >>> trend_sentence(pd.Series({"period": "2020", "value": 52.2}), "Decreasing")
    'The rate was 52.2% in 2020; over the latest five years it is falling.'
    >>> trend_sentence(pd.Series({"period": "2020", "value": 52.2}), "Cannot be calculated")
    'The rate was 52.2% in 2020.'
    """
    say = WORDING
    parts = [say.fill("first_year", start=start["value"], first=start["period"])]
    if say.knows("trend", trend):
        parts.append(say.fill("recent_trend", trend=say.pick("trend", trend)))
    return sentence(*parts)


def _findings(indicators: pd.DataFrame, ranks: pd.DataFrame, council: str,
              areas: ComparatorAreas, periods: list[str]) -> list[str]:
    """Sentences written from the indicator table (never typed-in numbers)."""
    say = WORDING
    sentences = []
    latest, first = periods[-1], periods[0]
    # the latest year with a published figure for the council (DfE may publish x for a year)
    published = [p for p in periods if _row(indicators, TIMELINESS[0], areas.council, p) is not None]
    year = published[-1] if published else latest
    mine = _row(indicators, TIMELINESS[0], areas.council, year)
    if mine is not None:
        england = _row(indicators, TIMELINESS[0], "E92000001", year)
        when = (say.fill("in_year", year=year) if year == latest else
                say.fill("in_latest_published_year", year=year, council=council,
                         later=" or ".join(p for p in periods if p > year)))
        neighbours = indicators[(indicators["indicator_id"] == TIMELINESS[0])
                                & (indicators["period"] == year)
                                & indicators["area_code"].isin(areas.neighbours)]["value"]
        sentences.append(timeliness_sentence(
            council, mine, when, None if england is None else england["value"],
            neighbours.mean() if neighbours.notna().any() else None))
        start = _row(indicators, TIMELINESS[0], areas.council, first)
        if start is not None and first != year:
            sentences.append(trend_sentence(start, mine["recent_trend"]))
        rank = ranks[(ranks["indicator_id"] == TIMELINESS[0]) & (ranks["period"] == year)
                     & (ranks["area_code"] == areas.council)]
        band = mine["quartile_band"]
        parts = []
        if not rank.empty:
            parts.append(say.fill("rank", rank=int(rank["rank"].iloc[0]),
                                  out_of=int(rank["out_of"].iloc[0])))
        if isinstance(band, str) and band in "ABCD":
            parts.append(say.fill("band", band=band))
        if parts:
            sentences.append(sentence(say.fill("rank_and_band", year=year, council=council,
                                               parts=" and ".join(parts))))
    refused = _row(indicators, REQUESTS[0], areas.council, latest)
    if refused is not None:
        england = _row(indicators, REQUESTS[0], "E92000001", latest)
        sentences.append(sentence(
            say.fill("requests", council=council, requests=refused["denominator"],
                     period=latest, value=refused["value"]),
            "" if england is None else say.fill("requests_england", england=england["value"])))
    no_plan = _row(indicators, ASSESSMENTS[0], areas.council, latest)
    if no_plan is not None:
        england = _row(indicators, ASSESSMENTS[0], "E92000001", latest)
        sentences.append(sentence(
            say.fill("no_plan", assessments=no_plan["denominator"], period=latest,
                     value=no_plan["value"]),
            "" if england is None else say.fill(
                "no_plan_england", england=england["value"],
                relation=say.pick("no_plan_compared", no_plan["compared_to_england"]))))
    return sentences
