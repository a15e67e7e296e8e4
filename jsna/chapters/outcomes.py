"""Chapter: outcomes by SEN status (key stage 4, and key stage 2, absence and exclusions).

From DfE's published files only: *Key stage 4 performance* LA characteristics by SEN status
(Attainment 8, Progress 8, grade 9-4 and 9-5 in English and maths). Each figure for pupils with
an EHC plan, on SEN support and with no SEN, the gap between no SEN and each SEN group, compared
with England, the region and the statistical neighbours (the early years foundation stage profile
is in :mod:`jsna.chapters.early_years`):

* percentages have Wilson 95% limits and are compared by interval overlap;
* Attainment 8 is published as a mean without its spread: no interval, and differences from
  England are shown in points without a significance test (the tables say so);
* Progress 8 keeps DfE's published 95% limits, so its comparisons are tested;
* the 9-4 gap has Newcombe's limits (:mod:`jsna.stats.difference`).

The rows are worked out in :mod:`jsna.indicators.outcomes`; every count passes disclosure control
before display, and a gap is hidden wherever one of its two sides is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.chapters.base import Chapter, Findings
from jsna.chapters.common import (
    ComparatorAreas,
    MissingInput,
    comparator_areas,
    published_row,
    require_comparator,
)
from jsna.chapters.outcomes_lait import (
    NEIGHBOUR_HEADLINES,
    SECTIONS,
    lait_findings,
    latest_table,
    read_lait_rows,
    trend_figure,
)
from jsna.chapters.outcomes_neighbours import Headline, neighbours_section
from jsna.chapters.wording import Wording
from jsna.config import Config
from jsna.disclosure import INDICATOR_TABLE, SUPPRESSED, Rest, SameCells, TableRules
from jsna.errors import JsnaInputError
from jsna.indicator_disclosure import indicator_pipeline, suppress_indicators
from jsna.indicators.outcomes import (
    ATTAINMENT_8,
    ATTAINMENT_8_GAP,
    BASICS_94,
    BASICS_94_GAP,
    GAPS,
    PROGRESS_8,
    SEN_GROUPS,
    ks4_gap_rows,
    ks4_mean_rows,
    ks4_proportion_rows,
)
from jsna.indicators.outcomes_lait import POLARITY as LAIT_POLARITY
from jsna.indicators.table import finalise
from jsna.sources.council_register import council_register
from jsna.sources.ks4_attainment import read_ks4_by_sen
from jsna.stats import Benchmarks, add_comparisons
from jsna.viz.charts import category_chart
from jsna.viz.display import Table

KEY = "outcomes"
TITLE = "Outcomes"
KS4_SOURCE = "Source: DfE, Key stage 4 performance, local authority characteristics by SEN status."
SYMBOLS = ("[x] = not available; [z] = not applicable; [low] = rounds to zero; "
           "[c] = suppressed (published as c by DfE, or hidden by disclosure control).")
POLARITY = "High is good"
#: the gaps: a larger gap is worse
GAP_POLARITY = "Low is good"
WORDING = Wording(KEY)
#: Key stage 4 against the statistical neighbours: grade 9-4 in English and maths, the chapter's
#: key stage 4 measure (its table, chart and gap), because it is a proportion whose pupils DfE
#: publishes, so every area has a Wilson 95% interval; Attainment 8 is a mean published without
#: its spread, so it could have none.
KS4_NEIGHBOUR_HEADLINES = tuple(
    Headline(key=f"ks4_basics_{key}", indicator=BASICS_94, breakdown=group,
             measure=f"percentage of pupils {words} achieving grade 9-4 in English and maths "
                     f"at the end of key stage 4",
             x_label="Per cent achieving grade 9-4 in English and maths (95% interval)",
             value_label="Per cent", decimals=1, unit="%", source=KS4_SOURCE,
             basis="Basis: pupils at the end of key stage 4 in state-funded schools, by their "
                   "SEN status in that year. Grade 4 or above in both English and maths is "
                   "shown because it is a share of pupils DfE publishes with their numbers, so "
                   "each area has a 95% confidence interval (Wilson), and areas whose "
                   "intervals do not overlap differ significantly; Attainment 8 is an average "
                   "published without its spread, so it could have no interval. Figures for "
                   "this council below the disclosure threshold are hidden ([c]).")
    for group, key, words in (("EHC plan", "ehcp", "with an EHC plan"),
                              ("SEN support", "sen_support", "on SEN support")))
COMPARISON_COLUMNS = ("compared_to_england", "compared_to_region", "compared_to_neighbours",
                      "recent_trend", "quartile_band")


def _comparable(rows: pd.DataFrame, areas: ComparatorAreas) -> pd.DataFrame:
    """England, every council (for quartile bands) and the council's region."""
    keep = rows["area_type"].isin(["England", "Local authority"]) | (
        rows["area_code"] == areas.region_code)
    return rows[keep]


def _published_values(rows: pd.DataFrame, config: Config, areas: ComparatorAreas,
                      polarity: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Means and gaps: DfE's values kept as published (never recomputed from counts), compared
    where they have 95% limits, and hidden where their pupils are fewer than the threshold."""
    rows = _comparable(rows, areas).copy()
    rows["note"] = rows["note"].fillna("")
    rows.loc[rows["area_code"].isin(areas.neighbours), "area_type"] = "Local authority"
    names = areas.display_names()
    rows["area_name"] = rows["area_code"].map(names).fillna(rows["area_name"]).astype(str)
    compared = add_comparisons(
        finalise(rows), benchmarks=Benchmarks(areas.council, areas.region_code,
                                              tuple(areas.neighbours)), polarity=polarity)
    compared["recent_trend"] = "Cannot be calculated"  # one published year
    out, audit = suppress_indicators(
        finalise(compared), threshold=config.disclosure.threshold,
        suppress_zeros=config.disclosure.suppress_zeros, council_code=areas.council)
    out = finalise(out)
    hidden = out["note"] == SUPPRESSED
    for column in COMPARISON_COLUMNS:
        out.loc[hidden, column] = ""
    return out, audit


def _hide_gaps(gaps: pd.DataFrame, sides: pd.DataFrame, indicator: str,
               gap_indicator: str) -> pd.DataFrame:
    """Hide a gap wherever one of its sides was hidden by disclosure control (the gap and the
    published no-SEN figure would give the hidden one back)."""
    hidden = sides[(sides["indicator_id"] == indicator) & (sides["note"] == SUPPRESSED)]
    out = gaps.copy()
    for _, side in hidden.iterrows():
        labels = [label for label, group in GAPS if side["breakdown"] in (group, "No SEN")]
        rows = ((out["indicator_id"] == gap_indicator) & (out["area_code"] == side["area_code"])
                & (out["period"] == side["period"]) & out["breakdown"].isin(labels))
        out.loc[rows, ["value", "lower_ci_95", "upper_ci_95", "lower_ci_998",
                       "upper_ci_998"]] = np.nan
        out.loc[rows, "note"] = SUPPRESSED
        for column in COMPARISON_COLUMNS:
            out.loc[rows, column] = ""
    return out


def _symbol(note: pd.Series) -> pd.Series:
    return note.where((note == "") | note.str.fullmatch(r"\[[a-z:]+\]"), "[x]")


def _rows_like(indexed: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """``indexed`` (by area code and breakdown) in the order of ``rows``; a row it lacks has
    missing values and the note ``[x]`` (not available)."""
    aligned = indexed.reindex(pd.MultiIndex.from_arrays([rows["area_code"], rows["breakdown"]]))
    aligned["note"] = aligned["note"].fillna("[x]").to_numpy()
    return aligned


def _shown(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].astype(object).where(frame[column].notna(), _symbol(frame["note"]))


def _two_places(values: pd.Series) -> np.ndarray:
    """Numbers as text with two decimal places (symbols such as ``[c]`` as they are)."""
    return np.array([v if isinstance(v, str) else f"{float(v):.2f}" for v in values],
                    dtype=object)


def _ordered(rows: pd.DataFrame, codes: list[str], groups: tuple[str, ...]) -> pd.DataFrame:
    rows = rows[rows["area_code"].isin(codes) & rows["breakdown"].isin(groups)].copy()
    rows["_group"] = rows["breakdown"].map({g: i for i, g in enumerate(groups)})
    rows["_area"] = rows["area_code"].map({c: i for i, c in enumerate(codes)})
    return rows.sort_values(["_group", "_area"]).drop(columns=["_group", "_area"])


def _proportion_table(indicators: pd.DataFrame, indicator: str, codes: list[str],
                      groups: tuple[str, ...], name: str, caption: str, count_label: str,
                      denominator_label: str, source: str) -> Table:
    rows = _ordered(indicators[indicators["indicator_id"] == indicator], codes, groups)
    rows.loc[rows["area_type"] == "England", "compared_to_england"] = "Benchmark"
    frame = pd.DataFrame({
        "SEN status": rows["breakdown"],
        "Area": rows["area_name"],
        denominator_label: _shown(rows, "denominator"),
        count_label: _shown(rows, "count"),
        "Per cent": _shown(rows, "value"),
        "95% CI lower": _shown(rows, "lower_ci_95"),
        "95% CI upper": _shown(rows, "upper_ci_95"),
        "Compared with England": rows["compared_to_england"],
        # the council alone is compared with its neighbours' average
        "Compared with neighbours": rows["compared_to_neighbours"].where(
            rows["area_type"] == "Local authority", ""),
    })
    return Table(
        name=name, caption=caption, frame=frame.reset_index(drop=True),
        formats={denominator_label: "count", count_label: "count", "Per cent": "percent",
                 "95% CI lower": "percent", "95% CI upper": "percent"},
        row_header="SEN status",
        notes=[source, "95% confidence intervals by the Wilson score method; comparisons by 95% "
               "interval overlap (with the neighbours: against their average, for this council "
               "only).", SYMBOLS])


def _attainment_table(indicators: pd.DataFrame, codes: list[str], name: str,
                      caption: str) -> Table:
    a8 = _ordered(indicators[indicators["indicator_id"] == ATTAINMENT_8], codes, SEN_GROUPS)
    p8 = indicators[indicators["indicator_id"] == PROGRESS_8].set_index(
        ["area_code", "breakdown"])
    england = a8[a8["area_type"] == "England"].set_index("breakdown")["value"]
    is_england = (a8["area_type"] == "England").to_numpy()
    p8_rows = _rows_like(p8, a8)
    frame = pd.DataFrame({
        "SEN status": a8["breakdown"].to_numpy(),
        "Area": a8["area_name"].to_numpy(),
        "Attainment 8": _shown(a8, "value").to_numpy(),
        "Difference from England (points)": np.where(
            is_england, "Benchmark", (a8["value"] - a8["breakdown"].map(england)).round(1)
            .astype(object).where(a8["value"].notna(), _symbol(a8["note"])).to_numpy()),
        # two decimal places, as DfE publishes Progress 8
        "Progress 8": _two_places(_shown(p8_rows, "value")),
        "P8 95% CI lower": _two_places(_shown(p8_rows, "lower_ci_95")),
        "P8 95% CI upper": _two_places(_shown(p8_rows, "upper_ci_95")),
        "Progress 8 compared with England": np.where(
            p8_rows["area_type"].to_numpy() == "England", "Benchmark",
            p8_rows["compared_to_england"].fillna("").to_numpy()),
    })
    return Table(
        name=name, caption=caption, frame=frame,
        formats={"Attainment 8": "decimal", "Difference from England (points)": "decimal",
                 "Progress 8": "text", "P8 95% CI lower": "text", "P8 95% CI upper": "text"},
        row_header="SEN status",
        notes=[KS4_SOURCE,
               "Attainment 8 is published as an average without its spread, so it has no "
               "confidence interval: differences from England are shown in points and are not "
               "tested for significance. Progress 8 is compared by overlap of DfE's published "
               "95% confidence intervals (a like-for-like measure: it allows for pupils' prior "
               "attainment).", SYMBOLS])


def _gap_table(indicators: pd.DataFrame, codes: list[str], name: str, caption: str) -> Table:
    labels = tuple(label for label, _ in GAPS)
    basics = _ordered(indicators[indicators["indicator_id"] == BASICS_94_GAP], codes, labels)
    a8 = indicators[indicators["indicator_id"] == ATTAINMENT_8_GAP].set_index(
        ["area_code", "breakdown"])
    a8_rows = _rows_like(a8, basics)
    frame = pd.DataFrame({
        "Gap": basics["breakdown"].to_numpy(),
        "Area": basics["area_name"].to_numpy(),
        "9-4 in English and maths (percentage points)": _shown(basics, "value").to_numpy(),
        "95% CI lower": _shown(basics, "lower_ci_95").to_numpy(),
        "95% CI upper": _shown(basics, "upper_ci_95").to_numpy(),
        "Attainment 8 (points)": _shown(a8_rows, "value").to_numpy(),
    })
    return Table(
        name=name, caption=caption, frame=frame,
        formats={"9-4 in English and maths (percentage points)": "decimal",
                 "95% CI lower": "decimal", "95% CI upper": "decimal",
                 "Attainment 8 (points)": "decimal"},
        row_header="Gap",
        notes=[KS4_SOURCE, "The gap is the figure for pupils with no SEN minus the figure for "
               "the SEN group. 95% confidence intervals of the 9-4 gap by Newcombe's hybrid "
               "score method; the Attainment 8 gap has none (averages published without their "
               "spread).", SYMBOLS])


def _row(indicators: pd.DataFrame, indicator: str, code: str, breakdown: str) -> pd.Series | None:
    return published_row(indicators, indicator, area_code=code, breakdown=breakdown)


def _findings(indicators: pd.DataFrame, council: str, areas: ComparatorAreas) -> list[str]:
    sentences = []
    for group in ("EHC plan", "SEN support"):
        mine = _row(indicators, BASICS_94, areas.council, group)
        england = _row(indicators, BASICS_94, "E92000001", group)
        if mine is None:
            continue
        text = WORDING.fill("basics", council=council, group=WORDING.pick("groups", group),
                            value=mine["value"], period=mine["period"])
        if england is not None:
            text += WORDING.fill("against_england",
                                 relation=WORDING.pick("compared", mine["compared_to_england"]),
                                 england=england["value"])
        sentences.append(text)
    gap = _row(indicators, BASICS_94_GAP, areas.council, GAPS[0][0])
    gap_england = _row(indicators, BASICS_94_GAP, "E92000001", GAPS[0][0])
    if gap is not None and gap_england is not None:
        sentences.append(WORDING.fill("gap", council=council, gap=f"{gap['value']:.1f}",
                                      england=f"{gap_england['value']:.1f}"))
    a8 = _row(indicators, ATTAINMENT_8, areas.council, "EHC plan")
    a8_england = _row(indicators, ATTAINMENT_8, "E92000001", "EHC plan")
    if a8 is not None and a8_england is not None:
        sentences.append(WORDING.fill("attainment8", council=council, value=f"{a8['value']:.1f}",
                                      england=f"{a8_england['value']:.1f}"))
    return sentences or [WORDING.fill("nothing", council=council)]


def build(config: Config) -> Chapter:
    """Build the outcomes chapter for a council.

    Parameters
    ----------
    config : Config
        The council's validated configuration (needs ``inputs.comparators.ks4_by_sen``; uses
        ``inputs.lait`` when given).
    """
    area = config.area
    source = require_comparator(config, "ks4_by_sen")
    ks4 = read_ks4_by_sen(source)
    areas = comparator_areas(config, ks4, source)
    if areas.council not in set(ks4["area_code"]):
        raise JsnaInputError(f"{source}: no rows for {area.name} ({area.code})")
    proportions, proportion_audit = indicator_pipeline(
        _comparable(ks4_proportion_rows(ks4), areas), config=config, areas=areas,
        polarity=POLARITY)
    means, mean_audit = _published_values(ks4_mean_rows(ks4), config, areas, POLARITY)
    gaps, gap_audit = _published_values(ks4_gap_rows(ks4), config, areas, GAP_POLARITY)
    gaps = _hide_gaps(gaps, proportions, BASICS_94, BASICS_94_GAP)
    gaps = _hide_gaps(gaps, means, ATTAINMENT_8, ATTAINMENT_8_GAP)
    parts = [proportions, means, gaps]
    audits = [proportion_audit, mean_audit, gap_audit]

    lait_rows = None
    if config.inputs.lait is not None:
        lait_rows = read_lait_rows(config.inputs.lait, council_register(
            config.inputs.comparators.get("ehcp_caseload")))
        comparator_areas(config, lait_rows, config.inputs.lait)
        lait_indicators, lait_audit = _published_values(lait_rows, config, areas, LAIT_POLARITY)
        parts.append(lait_indicators)
        audits.append(lait_audit)
    indicators = pd.concat(parts, ignore_index=True)
    indicators = indicators[indicators["area_code"].isin(areas.codes)].reset_index(drop=True)

    shown = [areas.council, areas.region_code, "E92000001"]
    period = str(indicators.loc[indicators["indicator_id"] == BASICS_94, "period"].max())
    tables: dict[str, Table] = {}
    figures = {}
    name = f"{KEY}_ks4_basics"
    caption = (f"Pupils achieving grade 9-4 in English and maths by SEN status, {area.name}, "
               f"{areas.region_name} and England, {period}")
    tables["ks4_basics"] = _proportion_table(indicators, BASICS_94, shown, SEN_GROUPS, name,
                                             caption, "Achieving 9-4", "Pupils", KS4_SOURCE)
    charted = indicators[(indicators["indicator_id"] == BASICS_94)
                         & indicators["area_code"].isin(shown)]
    figures["ks4_basics"] = category_chart(
        charted[["area_name", "breakdown", "value"]].rename(columns={"breakdown": "category"}),
        name=name, caption=caption,
        measure="percentage of pupils achieving grade 9-4 in English and maths",
        x_label="Per cent of pupils", highlight=area.name, source=KS4_SOURCE)
    tables["ks4_attainment"] = _attainment_table(
        indicators, shown, f"{KEY}_ks4_attainment",
        f"Attainment 8 and Progress 8 by SEN status, {area.name}, {areas.region_name} and "
        f"England, {period}")
    tables["ks4_gaps"] = _gap_table(
        indicators, shown, f"{KEY}_ks4_gaps",
        f"The gap between pupils with no SEN and each SEN group at key stage 4, {area.name}, "
        f"{areas.region_name} and England, {period}")

    sentences = _findings(indicators, area.name, areas)
    if lait_rows is not None:
        lait_shown = indicators[indicators["indicator_id"].isin(LAIT_POLARITY)]
        for section in SECTIONS:
            table = latest_table(lait_shown, lait_rows, section, areas, area.name)
            if not table.frame.empty:  # an older LAIT download may lack a section's series
                tables[section] = table
            figure = trend_figure(lait_shown, section, areas, area.name)
            if figure is not None:
                figures[f"{section}_trend"] = figure
        sentences += lait_findings(lait_shown, areas, area.name)
    neighbour_rules = {}
    headlines = KS4_NEIGHBOUR_HEADLINES + (NEIGHBOUR_HEADLINES if lait_rows is not None else ())
    for headline in headlines:
        shown_section = neighbours_section(indicators, areas, area.name, headline, KEY)
        if shown_section is not None:
            key = f"{headline.key}_neighbours"
            figures[key], tables[key], neighbour_rules[tables[key].name] = shown_section
    findings = Findings(sentences)
    disclosure = pd.concat(audits, ignore_index=True)
    rules = published_rules(tables, area.code, area.name, period) | neighbour_rules
    return Chapter(KEY, TITLE, findings, tables, figures, indicators, disclosure, rules)


#: Tables of counts: short name -> (indicator, count column, denominator column).
COUNT_TABLES = {"ks4_basics": (BASICS_94, "Achieving 9-4", "Pupils")}


def published_rules(tables: dict[str, Table], area_code: str, council: str, period: str
                    ) -> dict[str, TableRules]:
    """Disclosure rules of the tables *as published*, for the site-wide disclosure gate.

    The council's rows of the tables of counts repeat its indicator rows; the region's and
    England's rows are published by DfE and exempt. The attainment and gap tables hold no
    counts (averages and differences, hidden with the rows they come from).
    """
    out: dict[str, TableRules] = {}
    for short, (indicator, count, denominator) in COUNT_TABLES.items():
        table = tables.get(short)
        if table is None:
            continue
        others = sorted(set(table.frame["Area"]) - {council})
        out[table.name] = TableRules(
            key=["SEN status", "Area"], counts=[count, denominator],
            derived={c: [count, denominator] for c in ("Per cent", "95% CI lower",
                                                       "95% CI upper")},
            exempt_where=[{"Area": others}] if others else [],
            rests=[Rest(total=denominator, parts=count)],
            relations=[SameCells(INDICATOR_TABLE, on={"SEN status": "breakdown"},
                                 rows={"Area": council},
                                 other_rows={"indicator_id": indicator, "area_code": area_code},
                                 columns={count: "count", denominator: "denominator"})])
    for short in ("ks4_attainment", "ks4_gaps", *SECTIONS):
        table = tables.get(short)
        if table is not None:
            out[table.name] = TableRules(key=[table.frame.columns[0], "Area"], counts=[])
    return out


def lait_section(chapter: Chapter, section: str) -> Table | MissingInput:
    """A LAIT section's table (``ks2``, ``absence`` or ``exclusions``), or a box naming the input.
    """
    table = chapter.tables.get(section)
    if table is not None:
        return table
    if any(short in chapter.tables for short in SECTIONS):
        return MissingInput("lait", "a LAIT long data file that holds these series (the file "
                            "given has none of them; DfE's current download has them all)")
    return MissingInput("lait", "DfE's Local Authority Interactive Tool long data file (the "
                        "background data sheet, as CSV), which holds key stage 2 results by SEN "
                        "status and absence and exclusions in special schools for every council "
                        "(www.gov.uk/government/publications/local-authority-interactive-tool-"
                        "lait)")
