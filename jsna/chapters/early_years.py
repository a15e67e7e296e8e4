"""Chapter: early years and early identification.

Three sections, each shown when its input is given and otherwise a short box naming that input:

1. **A good level of development (GLD) at the end of reception by SEN status**: DfE's *Early
   years foundation stage profile results* (``inputs.comparators.eyfs_by_sen``) for the
   council, its region, England and its statistical neighbours with Wilson 95% intervals, the
   gap between children with no identified SEN and each SEN group with Newcombe's limits; and
   the GLD series by SEN provision from DfE's LAIT (``inputs.lait``, percentages only).
2. **Child development at 2 to 2½ years**: OHID PHOF 2.05ii from LAIT (reviews that used the
   ASQ-3 questionnaire); the share of children *at the expected level* (Fingertips indicator
   93436) is shown only from a Fingertips export that holds it (``inputs.fingertips``).
3. **SEN among the youngest pupils**: SEN support and EHC plans in nursery and reception from
   the council's own census (``inputs.census``), with Wilson intervals; the counts are the
   population chapter's year-group table, protected the same way.

The rows are worked out in :mod:`jsna.indicators.early_years`; every count passes disclosure
control before display, and a gap is hidden wherever one of its two sides is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.chapters.base import INPUT_NEEDED, Chapter, Findings, Gap
from jsna.chapters.common import MissingInput, comparator_areas, comparator_pipeline, load_pupils
from jsna.chapters.wording import Wording, sentence
from jsna.config import Config
from jsna.disclosure import INDICATOR_TABLE, SUPPRESSED, Rest, SameCells, TableRules
from jsna.errors import JsnaInputError
from jsna.indicator_disclosure import (
    YEAR_GROUP_TABLE,
    indicator_pipeline,
    protect_year_group_table,
    suppress_indicators,
)
from jsna.indicators.comparisons import ENGLAND, ComparatorAreas
from jsna.indicators.early_years import (
    ALL_CHILDREN,
    ASQ3,
    GAPS,
    GLD,
    GLD_GAP,
    GLD_LAIT,
    LABELS,
    POLARITY,
    YOUNG_EHC_PLAN,
    YOUNG_SEN_SUPPORT,
    gld_gap_rows,
    lait_early_rows,
    lait_year_types,
    young_pupil_rows,
)
from jsna.indicators.outcomes import eyfs_rows
from jsna.indicators.table import INDICATOR_COLUMNS, finalise
from jsna.indicators.year_groups import year_group_counts
from jsna.sources.council_register import council_register
from jsna.sources.eyfs import read_eyfs_gld_by_sen
from jsna.sources.fingertips import read_fingertips
from jsna.sources.la_codes import canonical_code
from jsna.sources.lait import read_lait
from jsna.stats import Benchmarks, add_comparisons
from jsna.viz.charts import compare_chart, trend_chart
from jsna.viz.display import Figure, Table

KEY = "early_years"
TITLE = "Early years and early identification"
EYFS_SOURCE = "Source: DfE, Early years foundation stage profile results, by SEN provision."
LAIT_SOURCE = "Source: DfE, Local Authority Interactive Tool (LAIT)."
ASQ3_SOURCE = ("Source: OHID, Public Health Outcomes Framework indicator 2.05ii, as published in "
               "DfE's Local Authority Interactive Tool (LAIT).")
FINGERTIPS_SOURCE = "Source: OHID Fingertips (indicator 93436)."
CENSUS_SOURCE = "Source: school census (January), pupils on roll in the council's schools."
SYMBOLS = ("[x] = not available; [z] = not applicable; [low] = rounds to zero; "
           "[c] = suppressed (published as c by DfE, or hidden by disclosure control).")
EYFS_BASIS = (
    "Like for like: every area's figure is DfE's, for children at the end of the reception year "
    "in state-funded schools assessed against the same early learning goals, by the SEN "
    "provision recorded for them in that year (the 2021/22 profile onwards is not comparable "
    "with earlier years).")
LAIT_BASIS = (
    "Basis: LAIT's GLD series by SEN provision: 'SEN support' is LAIT's FSP_Gooddev_Without_"
    "SENSTATE (children with SEN without a statement or EHC plan) and 'EHC plan' is "
    "FSP_Gooddev_With_SENSTATE. LAIT has no series for children with no SEN, so the gap with "
    "them is shown from DfE's EYFS file only. The profile was not assessed in 2019/20 and "
    "2020/21, and was reformed in 2021/22: years before and after are not comparable.")
NOT_TESTED = (
    "LAIT publishes percentages without the numbers of children, so they have no confidence "
    "interval: differences are shown by size and not tested for significance. The neighbours' "
    "figure is the unweighted average of the statistical neighbours with a published value.")
ASQ3_BASIS = (
    "Basis: of the children who had their review at 2 to 2½ years in the financial year, the "
    "percentage whose review used the Ages and Stages Questionnaire (ASQ-3), as OHID collects it "
    "from every council's health visiting service (LAIT calls it 'offered ASQ-3'). It measures "
    "how reviews are done, not how children are developing. The percentage of children at or "
    "above the expected level in all five areas of development (Fingertips indicator 93436) is "
    "not in the files the toolkit reads: give a Fingertips export that holds it as "
    "inputs.fingertips to show it.")
CENSUS_BASIS = (
    "Basis: pupils on roll in the council's schools in January (nursery classes and reception), "
    "by the SEN provision the school recorded; children in private, voluntary and independent "
    "nurseries are not in the school census. No England, regional or neighbour figure by year "
    "group is in the published files this toolkit reads (DfE's Special educational needs in "
    "England has pupils by SEN provision and year group, in a file the toolkit does not yet "
    "read), so these figures are not compared with other areas.")
FINGERTIPS_ASQ3_OUTCOME = 93436
WORDING = Wording(KEY)
#: LAIT's decimals as shown (one place: GLD was whole per cent before 2021/22)
DECIMALS = 1
#: The first year of the reformed EYFS profile (not comparable with the years before).
REFORMED = "2021/22"


#: section -> (the input that fills it, what it is and where to download it)
INPUTS: dict[str, MissingInput] = {
    "eyfs": MissingInput(
        "comparators.eyfs_by_sen",
        "DfE's early years foundation stage profile headline measures CSV, with its breakdown "
        "by SEN provision (explore-education-statistics.service.gov.uk/find-statistics/"
        "early-years-foundation-stage-profile-results)"),
    "lait": MissingInput(
        "lait",
        "DfE's Local Authority Interactive Tool long data file (the background data sheet, as "
        "CSV), which holds the good level of development by SEN provision and OHID's ASQ-3 "
        "review measure for every council (www.gov.uk/government/publications/local-authority-"
        "interactive-tool-lait)"),
    "census": MissingInput(
        "census",
        "the council's January school census (pupil level), which gives SEN support and EHC "
        "plans among pupils in nursery and reception"),
}
#: table or figure short name -> the section (input) that fills it
SECTION_OF = {"gld_by_sen": "eyfs", "gld_gap": "eyfs", "gld_neighbours": "eyfs",
              "gld_trend": "lait", "gld_trend_sen_support": "lait",
              "gld_trend_ehc_plan": "lait", "asq3": "lait", "asq3_trend": "lait",
              "young_pupils": "census"}


def section(chapter: Chapter, short: str) -> Table | Figure | MissingInput | None:
    """A table or figure of the chapter, or the box naming the input that would fill it.

    Parameters
    ----------
    chapter : Chapter
        The built chapter.
    short : str
        A key of :data:`SECTION_OF`.

    Returns
    -------
    Table, Figure, MissingInput or None
        The table or figure; the box when the section's input was not given (shown once per
        section: None for the section's other items); None when the input was given but the
        item has nothing to show (a chart without a published value, no neighbours).
    """
    if short in chapter.tables:
        return chapter.tables[short]
    if short in chapter.figures:
        return chapter.figures[short]
    part = SECTION_OF[short]
    shown = set(chapter.tables) | set(chapter.figures)
    if any(SECTION_OF.get(other) == part for other in shown):
        return None
    first = next(other for other, of in SECTION_OF.items() if of == part)
    return INPUTS[part] if short == first or part == "lait" and short == "asq3" else None


def fingertips_section(chapter: Chapter) -> Table | None:
    """The Fingertips table of children at the expected level at 2 to 2½, when given."""
    return chapter.tables.get("asq3_outcome")


def _areas(config: Config) -> ComparatorAreas:
    return ComparatorAreas(canonical_code(config.area.code), canonical_code(config.area.region_code),
                           config.area.region_name,
                           [canonical_code(code) for code in config.neighbours],
                           council_name=config.area.name)


def _shown(rows: pd.DataFrame, column: str) -> pd.Series:
    symbol = rows["note"].where(rows["note"].str.fullmatch(r"\[[a-z]+\]"), "[x]")
    return rows[column].astype(object).where(rows[column].notna(), symbol)


def _text(value: float, decimals: int = DECIMALS) -> str:
    """A published percentage as text (``[x]`` when missing, never ``-0.0``)."""
    if pd.isna(value):
        return "[x]"
    text = f"{float(value):.{decimals}f}"
    return text[1:] if text.startswith("-") and text.strip("-0.") == "" else text


def _value(rows: pd.DataFrame, indicator: str, code: str, breakdown: str,
           period: str) -> float:
    hit = rows[(rows["indicator_id"] == indicator) & (rows["area_code"] == code)
               & (rows["breakdown"] == breakdown) & (rows["period"] == period)]
    return float(hit["value"].iloc[0]) if len(hit) and pd.notna(hit["value"].iloc[0]) else np.nan


# --- 1. good level of development from DfE's EYFS file ---------------------------------------

def _gld_part(config: Config, areas: ComparatorAreas) -> tuple[pd.DataFrame, pd.DataFrame]:
    """GLD by SEN group and the gaps with no SEN, compared and disclosure-controlled."""
    path = config.inputs.comparators["eyfs_by_sen"]
    eyfs = read_eyfs_gld_by_sen(path)
    if eyfs.empty:
        raise JsnaInputError(f"{path}: no rows by SEN provision (characteristic 'SEN provision') "
                             "in the early years foundation stage file")
    comparator_areas(config, eyfs, path)
    if areas.council not in set(eyfs["area_code"]):
        raise JsnaInputError(f"{path}: no rows for {config.area.name} ({config.area.code})")
    gld, audit = comparator_pipeline(eyfs_rows(eyfs), config, areas, POLARITY[GLD])
    gaps, gap_audit = _published(gld_gap_rows(eyfs), config, areas, POLARITY[GLD_GAP])
    gaps = hide_gaps(gaps, gld)
    return pd.concat([gld, gaps], ignore_index=True), pd.concat([audit, gap_audit],
                                                                 ignore_index=True)


def _published(rows: pd.DataFrame, config: Config, areas: ComparatorAreas,
               polarity: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values without counts (gaps, LAIT's percentages) kept as given, compared with England,
    the region and the neighbours (by interval overlap where they have limits), banded among
    councils, the comparator areas kept."""
    keep = rows["area_type"].isin(["England", "Local authority"]) | (
        rows["area_code"] == areas.region_code)
    rows = rows[keep].copy()
    rows["note"] = rows["note"].fillna("")
    rows["area_code"] = rows["area_code"].map(canonical_code)
    rows.loc[rows["area_code"].isin(areas.neighbours), "area_type"] = "Local authority"
    rows["area_name"] = rows["area_code"].map(areas.display_names()).fillna(
        rows["area_name"]).astype(str)
    compared = add_comparisons(finalise(rows), benchmarks=Benchmarks(
        areas.council, areas.region_code, tuple(areas.neighbours)), polarity=polarity)
    out, audit = suppress_indicators(finalise(compared), threshold=config.disclosure.threshold,
                                     suppress_zeros=config.disclosure.suppress_zeros,
                                     council_code=areas.council)
    out = finalise(out)
    return out[out["area_code"].isin(areas.codes)].reset_index(drop=True), audit


def hide_gaps(gaps: pd.DataFrame, sides: pd.DataFrame) -> pd.DataFrame:
    """Hide a GLD gap wherever one of its two sides was hidden by disclosure control (the gap
    and the published no-SEN figure would give the hidden one back).

    Parameters
    ----------
    gaps : DataFrame
        Rows of :data:`~jsna.indicators.early_years.GLD_GAP`.
    sides : DataFrame
        Rows of :data:`~jsna.indicators.early_years.GLD` after disclosure control.
    """
    hidden = sides[(sides["indicator_id"] == GLD) & (sides["note"] == SUPPRESSED)]
    out = gaps.copy()
    for _, side in hidden.iterrows():
        labels = [label for label, group in GAPS if side["breakdown"] in (group, "No SEN")]
        rows = ((out["area_code"] == side["area_code"]) & (out["period"] == side["period"])
                & out["breakdown"].isin(labels))
        out.loc[rows, ["value", "lower_ci_95", "upper_ci_95", "lower_ci_998",
                       "upper_ci_998"]] = np.nan
        out.loc[rows, "note"] = SUPPRESSED
        for column in ("compared_to_england", "compared_to_region", "compared_to_neighbours",
                       "recent_trend", "quartile_band"):
            out.loc[rows, column] = ""
    return out


def _ordered(rows: pd.DataFrame, codes: list[str], groups: tuple[str, ...]) -> pd.DataFrame:
    rows = rows[rows["area_code"].isin(codes) & rows["breakdown"].isin(groups)].copy()
    rows["_group"] = rows["breakdown"].map({g: i for i, g in enumerate(groups)})
    rows["_area"] = rows["area_code"].map({c: i for i, c in enumerate(codes)})
    return rows.sort_values(["_group", "_area"]).drop(columns=["_group", "_area"])


def _neighbour_average(rows: pd.DataFrame, areas: ComparatorAreas) -> pd.Series:
    theirs = rows[rows["area_code"].isin(areas.neighbours)]
    return theirs.groupby("breakdown")["value"].mean()


def gld_table(indicators: pd.DataFrame, areas: ComparatorAreas, council: str) -> Table:
    """GLD by SEN status: the council, region and England with counts, Wilson intervals and
    comparisons, and the neighbours' average."""
    rows = indicators[indicators["indicator_id"] == GLD]
    period = str(rows["period"].max())
    rows = _ordered(rows[rows["period"] == period],
                    [areas.council, areas.region_code, ENGLAND], ("No SEN", "SEN support",
                                                                  "EHC plan", "All pupils"))
    average = _neighbour_average(indicators[(indicators["indicator_id"] == GLD)
                                            & (indicators["period"] == period)], areas)
    is_council = (rows["area_code"] == areas.council).to_numpy()
    frame = pd.DataFrame({
        "SEN status": rows["breakdown"].to_numpy(),
        "Area": rows["area_name"].to_numpy(),
        "Children": _shown(rows, "denominator").to_numpy(),
        "Reached GLD": _shown(rows, "count").to_numpy(),
        "Per cent": _shown(rows, "value").to_numpy(),
        "95% CI lower": _shown(rows, "lower_ci_95").to_numpy(),
        "95% CI upper": _shown(rows, "upper_ci_95").to_numpy(),
        "Neighbours (%)": np.where(
            is_council, rows["breakdown"].map(average).astype(object).fillna("[x]"), ""),
        "vs England": np.where(rows["area_code"] == ENGLAND, "Benchmark",
                               rows["compared_to_england"].to_numpy()),
        "vs neighbours": np.where(is_council, rows["compared_to_neighbours"].to_numpy(), ""),
    })
    return Table(
        name=f"{KEY}_gld_by_sen", frame=frame, row_header="SEN status",
        caption=(f"Children reaching a good level of development at the end of reception by SEN "
                 f"status, {council}, {areas.region_name} and England, {period}"),
        formats={"Children": "count", "Reached GLD": "count",
                 "Per cent": "percent", "95% CI lower": "percent", "95% CI upper": "percent",
                 "Neighbours (%)": "percent"},
        notes=[EYFS_SOURCE, EYFS_BASIS, "Reached GLD: children reaching a good level of "
               "development. Neighbours (%): the unweighted average of the council's "
               "statistical neighbours. 95% confidence intervals by the Wilson score method; "
               "comparisons by 95% interval overlap (the council against England, and against "
               "its neighbours' average).", SYMBOLS])


def gap_table(indicators: pd.DataFrame, areas: ComparatorAreas, council: str) -> Table:
    """The gap between children with no identified SEN and each SEN group."""
    rows = indicators[indicators["indicator_id"] == GLD_GAP]
    period = str(rows["period"].max())
    rows = _ordered(rows[rows["period"] == period], [areas.council, areas.region_code, ENGLAND],
                    tuple(label for label, _ in GAPS))
    frame = pd.DataFrame({
        "Gap": rows["breakdown"].to_numpy(),
        "Area": rows["area_name"].to_numpy(),
        "Gap (percentage points)": _shown(rows, "value").to_numpy(),
        "95% CI lower": _shown(rows, "lower_ci_95").to_numpy(),
        "95% CI upper": _shown(rows, "upper_ci_95").to_numpy(),
        "Compared with England": np.where(rows["area_code"] == ENGLAND, "Benchmark",
                                          rows["compared_to_england"].to_numpy()),
    })
    return Table(
        name=f"{KEY}_gld_gap", frame=frame, row_header="Gap",
        caption=(f"The gap in a good level of development between children with no identified "
                 f"SEN and each SEN group, {council}, {areas.region_name} and England, {period}"),
        formats={"Gap (percentage points)": "decimal", "95% CI lower": "decimal",
                 "95% CI upper": "decimal"},
        notes=[EYFS_SOURCE, EYFS_BASIS, "The gap is the percentage for children with no "
               "identified SEN minus the percentage for the SEN group (a smaller gap is better). "
               "95% confidence intervals by Newcombe's hybrid score method; comparison with "
               "England by interval overlap. A gap is hidden wherever one of its two sides is.",
               SYMBOLS])


def gld_chart(indicators: pd.DataFrame, areas: ComparatorAreas, council: str) -> Figure:
    """GLD of children on SEN support: the council and its neighbours with their intervals."""
    rows = indicators[(indicators["indicator_id"] == GLD)
                      & (indicators["breakdown"] == "SEN support")]
    period = str(rows["period"].max())
    rows = rows[(rows["period"] == period)
                & rows["area_code"].isin([areas.council, *areas.neighbours])]
    england = _value(indicators, GLD, ENGLAND, "SEN support", period)
    mine = f"{council} (this council)"
    return compare_chart(
        rows[["area_name", "value", "lower_ci_95", "upper_ci_95"]].assign(
            area_name=rows["area_name"].where(rows["area_code"] != areas.council, mine)),
        name=f"{KEY}_gld_sen_support_neighbours",
        caption=(f"Children on SEN support reaching a good level of development at the end of "
                 f"reception, {council} and its statistical neighbours, {period}"),
        measure="percentage of children on SEN support reaching a good level of development",
        x_label="Per cent of children on SEN support", highlight=mine,
        others="Statistical neighbours",
        benchmark=None if np.isnan(england) else ("England", england), source=EYFS_SOURCE)


def gld_rules(table: Table, area_code: str, council: str) -> TableRules:
    """The council's rows repeat its indicator rows; the region's and England's are DfE's."""
    others = sorted(set(table.frame["Area"]) - {council})
    count, denominator = "Reached GLD", "Children"
    return TableRules(
        key=["SEN status", "Area"], counts=[count, denominator],
        derived={c: [count, denominator] for c in ("Per cent", "95% CI lower", "95% CI upper")},
        exempt_where=[{"Area": others}] if others else [],
        rests=[Rest(total=denominator, parts=count)],
        relations=[SameCells(INDICATOR_TABLE, on={"SEN status": "breakdown"},
                             rows={"Area": council},
                             other_rows={"indicator_id": GLD, "area_code": area_code},
                             columns={count: "count", denominator: "denominator"})])


# --- LAIT: GLD series and the ASQ-3 review ---------------------------------------------------

def _lait_part(config: Config, areas: ComparatorAreas) -> tuple[pd.DataFrame, pd.DataFrame]:
    path = config.inputs.lait
    register = council_register(config.inputs.comparators.get("ehcp_caseload"))
    rows = lait_early_rows(read_lait(path, dictionary=lait_year_types(), register=register))
    if rows.empty:
        raise JsnaInputError(f"{path}: none of LAIT's series FSP_Gooddev_Without_SENSTATE, "
                             "FSP_Gooddev_With_SENSTATE or HCP_PHOF (Short Desc) is in the file")
    comparator_areas(config, rows, path)
    parts, audits = [], []
    for indicator in (GLD_LAIT, ASQ3):
        chosen = rows[rows["indicator_id"] == indicator]
        if chosen.empty:
            continue
        out, audit = _published(chosen, config, areas, POLARITY[indicator])
        out["recent_trend"] = ""  # LAIT's percentages: no counts for a test of trend
        parts.append(out)
        audits.append(audit)
    return pd.concat(parts, ignore_index=True), pd.concat(audits, ignore_index=True)


def series_table(indicators: pd.DataFrame, indicator: str, breakdowns: tuple[str, ...],
                 areas: ComparatorAreas, council: str, *, name: str, caption: str,
                 notes: list[str]) -> Table:
    """Every published year of a LAIT series: the council, region, England and the neighbours'
    average, the council's difference from England and its quartile band among councils."""
    rows = indicators[indicators["indicator_id"] == indicator]
    value = rows.set_index(["breakdown", "period", "area_code"])["value"].to_dict()
    band = rows[rows["area_code"] == areas.council].set_index(["breakdown", "period"])[
        "quartile_band"].to_dict()
    records = []
    for breakdown in breakdowns:
        for period in sorted(rows.loc[rows["breakdown"] == breakdown, "period"].unique()):
            def of(code: str, key: tuple[str, str] = (breakdown, period)) -> float:
                return float(value.get((*key, code), np.nan))
            mine, england = of(areas.council), of(ENGLAND)
            theirs = [v for v in map(of, areas.neighbours) if not np.isnan(v)]
            records.append({
                "Children": breakdown, "Year": period, council: _text(mine),
                areas.region_name: _text(of(areas.region_code)),
                "England": _text(england),
                "Neighbours' average": _text(float(np.mean(theirs)) if theirs else np.nan),
                "Neighbours with a value": f"{len(theirs)} of {len(areas.neighbours)}",
                "Difference from England": _text(mine - england),
                "Quartile band among councils": band.get((breakdown, period), "") or "",
            })
    frame = pd.DataFrame.from_records(records)
    numbers = [council, areas.region_name, "England", "Neighbours' average",
               "Difference from England"]
    return Table(name=f"{KEY}_{name}", frame=frame, caption=caption, row_header="Children",
                 formats={c: "decimal" if c in numbers else "text" for c in frame.columns},
                 notes=notes)


def _series_chart(indicators: pd.DataFrame, indicator: str, breakdown: str,
                  areas: ComparatorAreas, council: str, *, name: str, measure: str,
                  source: str) -> Figure | None:
    rows = indicators[(indicators["indicator_id"] == indicator)
                      & (indicators["breakdown"] == breakdown)
                      & indicators["area_code"].isin([areas.council, areas.region_code, ENGLAND])]
    if rows["value"].notna().sum() == 0:
        return None
    periods = sorted(rows["period"].unique())
    return trend_chart(
        rows[["area_name", "period", "value"]], name=f"{KEY}_{name}",
        caption=f"{measure}, {council}, {areas.region_name} and England, {periods[0]} to "
                f"{periods[-1]}",
        measure=measure.lower(), y_label="Per cent", highlight=council, source=source)


# --- Fingertips: children at the expected level at 2 to 2½ -----------------------------------

def _fingertips_part(config: Config, areas: ComparatorAreas) -> tuple[Table | None, Gap | None]:
    """Fingertips indicator 93436 from the council's export, or why it is not shown."""
    from jsna.indicators.health import fingertips_comparisons

    path = config.inputs.fingertips
    if path is None:
        return None, Gap("Children at or above the expected level of development at 2 to 2½ "
                         "(Fingertips 93436)", "Not in the files given: set inputs.fingertips "
                         "to an OHID Fingertips export that holds indicator 93436.")
    export = read_fingertips(path)
    export = export[pd.to_numeric(export["indicator_id"], errors="coerce")
                    == FINGERTIPS_ASQ3_OUTCOME]
    compared = fingertips_comparisons(export, areas)
    mine = compared[compared["area_code"] == areas.council]
    if mine.empty:
        return None, Gap("Children at or above the expected level of development at 2 to 2½ "
                         "(Fingertips 93436)", f"The Fingertips export {path.name} has no rows "
                         "of indicator 93436 for the council.")
    records = []
    for breakdown, own in mine.groupby("breakdown", sort=True):
        for _, row in own.sort_values("period").iterrows():
            same = compared[(compared["breakdown"] == breakdown)
                            & (compared["period"] == row["period"])].set_index("area_code")
            theirs = same[same.index.isin(areas.neighbours)]["value"].dropna()
            records.append({
                "Period": row["period"], "Breakdown": breakdown,
                config.area.name: _text(row["value"]),
                "95% CI": "[x]" if pd.isna(row["lower_ci_95"]) else
                f"{row['lower_ci_95']:.1f} to {row['upper_ci_95']:.1f}",
                areas.region_name: _text(same["value"].get(areas.region_code, np.nan)),
                "England": _text(same["value"].get(ENGLAND, np.nan)),
                "Neighbours' average": _text(theirs.mean() if len(theirs) else np.nan),
                "Compared with England": row["compared_to_england"],
            })
    table = Table(
        name=f"{KEY}_asq3_outcome", frame=pd.DataFrame.from_records(records), row_header="Period",
        caption=(f"Children at or above the expected level in all five areas of development at "
                 f"2 to 2½ years, {config.area.name}, {areas.region_name}, England and the "
                 f"statistical neighbours"),
        notes=[FINGERTIPS_SOURCE, "Values and 95% confidence intervals as OHID publishes them; "
               "compared with England by Fingertips' method (the council's interval against "
               "England's value).", SYMBOLS])
    return table, None


# --- 3. SEN among the youngest pupils (census) -----------------------------------------------

def _young_part(config: Config, areas: ComparatorAreas
                ) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Nursery and reception rows of each census's year-group table, protected as the
    population chapter protects it (so both chapters hide the same cells)."""
    pupils = load_pupils(config)
    years = sorted(int(y) for y in pupils["census_year"].unique())
    protected, audits = {}, []
    for year in years:
        table, audit = protect_year_group_table(
            year_group_counts(pupils, year), threshold=config.disclosure.threshold,
            suppress_zeros=config.disclosure.suppress_zeros)
        protected[year] = table
        audits.append(audit.assign(table=f"{KEY}_young_pupils") if len(audit) else audit)
    rows = young_pupil_rows(protected, areas.council, config.area.name)
    indicators, audit = indicator_pipeline(rows, config=config, areas=areas,
                                           polarity="Not applicable")
    indicators = indicators[indicators["area_code"] == areas.council].reset_index(drop=True)
    for column in ("compared_to_england", "compared_to_region", "compared_to_neighbours",
                   "quartile_band"):
        indicators[column] = ""  # no other area's figure by year group
    return indicators, pd.concat([*audits, audit], ignore_index=True), years[-1]


YOUNG_COUNTS = ["Pupils", "SEN support", "EHC plan"]


def young_table(indicators: pd.DataFrame, council: str) -> Table:
    """SEN support and EHC plans in nursery and reception, each January."""
    support = indicators[indicators["indicator_id"] == YOUNG_SEN_SUPPORT]
    plan = indicators[indicators["indicator_id"] == YOUNG_EHC_PLAN].set_index(
        ["period", "breakdown"])
    support = support.sort_values(["period", "breakdown"], key=lambda s: s.map(
        {"Nursery 1": "0", "Nursery 2": "1", "Reception": "2"}).fillna(s))
    plan = plan.reindex(pd.MultiIndex.from_arrays([support["period"], support["breakdown"]]))
    plan["note"] = plan["note"].fillna("[x]").to_numpy()
    plan = plan.reset_index(drop=True)
    support = support.reset_index(drop=True)
    pupils = support["denominator"].where(support["denominator"].notna(),
                                          plan["denominator"])
    frame = pd.DataFrame({
        "January": support["period"].map(lambda p: f"January {p[:2]}{p[-2:]}"),
        "Year group": support["breakdown"],
        "Pupils": pupils.astype(object).where(pupils.notna(), "[c]"),
        "SEN support": _shown(support, "count"),
        "SEN support (%)": _shown(support, "value"),
        "SEN support 95% CI": _interval(support),
        "EHC plan": _shown(plan, "count"),
        "EHC plan (%)": _shown(plan, "value"),
        "EHC plan 95% CI": _interval(plan),
        # the test for trend covers the latest five Januaries: shown for the latest only
        "SEN support trend": support["recent_trend"].where(
            support["period"] == support["period"].max(), ""),
    })
    return Table(
        name=f"{KEY}_young_pupils", frame=frame, row_header="January",
        caption=f"Pupils in nursery and reception receiving SEN support or with an EHC plan, "
                f"{council}'s schools, each January",
        formats={"Pupils": "count", "SEN support": "count", "SEN support (%)": "percent",
                 "EHC plan": "count", "EHC plan (%)": "percent"},
        notes=[CENSUS_SOURCE, CENSUS_BASIS, "95% confidence intervals by the Wilson score method. "
               "Trend: chi-square test for trend over the latest five Januaries. Counts are the "
               "population chapter's year-group table, with the same cells hidden: [c] = "
               "suppressed to protect confidentiality (a count below the threshold, or a cell "
               "that would reveal one).", SYMBOLS])


def _interval(rows: pd.DataFrame) -> pd.Series:
    text = [("[c]" if note == SUPPRESSED else "[x]") if pd.isna(low) else
            f"{low:.1f} to {high:.1f}"
            for low, high, note in zip(rows["lower_ci_95"], rows["upper_ci_95"], rows["note"],
                                       strict=True)]
    return pd.Series(text, index=rows.index, dtype=object)


def young_rules(table: Table, area_code: str, latest: int) -> TableRules:
    """The counts repeat the council's indicator rows; the latest January's rows repeat the
    population chapter's year-group table."""
    january = f"January {latest}"
    return TableRules(
        key=["January", "Year group"], counts=YOUNG_COUNTS,
        derived={"SEN support (%)": ["SEN support", "Pupils"],
                 "SEN support 95% CI": ["SEN support", "Pupils"],
                 "EHC plan (%)": ["EHC plan", "Pupils"],
                 "EHC plan 95% CI": ["EHC plan", "Pupils"]},
        rests=[Rest(total="Pupils", parts=["SEN support", "EHC plan"])],
        relations=[SameCells(YEAR_GROUP_TABLE, on={"Year group": "Year group"},
                             rows={"January": january},
                             columns={c: c for c in YOUNG_COUNTS})])


# --- findings and build ----------------------------------------------------------------------

def _findings(indicators: pd.DataFrame, areas: ComparatorAreas, council: str) -> list[str]:
    out = []
    gld = indicators[indicators["indicator_id"] == GLD]
    if not gld.empty:
        period = str(gld["period"].max())
        for group in ("SEN support", "EHC plan"):
            mine = gld[(gld["area_code"] == areas.council) & (gld["breakdown"] == group)
                       & (gld["period"] == period)]
            england = _value(gld, GLD, ENGLAND, group, period)
            if mine.empty or pd.isna(mine["value"].iloc[0]) or np.isnan(england):
                continue
            out.append(sentence(WORDING.fill(
                "gld", period=period, value=mine["value"].iloc[0], council=council,
                group=WORDING.pick("groups", group), england=england,
                relation=WORDING.pick("compared", mine["compared_to_england"].iloc[0]))))
        gap = _value(indicators, GLD_GAP, areas.council, GAPS[0][0], period)
        gap_england = _value(indicators, GLD_GAP, ENGLAND, GAPS[0][0], period)
        if not (np.isnan(gap) or np.isnan(gap_england)):
            out.append(sentence(WORDING.fill("gap", gap=f"{gap:.1f}", council=council,
                                             england=f"{gap_england:.1f}", period=period)))
    lait = indicators[(indicators["indicator_id"] == GLD_LAIT)
                      & (indicators["breakdown"] == "SEN support")
                      & (indicators["area_code"] == areas.council) & indicators["value"].notna()]
    # the profile was reformed in 2021/22: earlier years are not compared with later ones
    lait = lait[lait["period"] >= REFORMED] if (lait["period"] >= REFORMED).any() else lait
    if not lait.empty:
        periods = sorted(lait["period"])
        latest, first = periods[-1], periods[0]
        england = _value(indicators, GLD_LAIT, ENGLAND, "SEN support", latest)
        if not np.isnan(england):
            change = (WORDING.fill("lait_no_change") if first == latest else WORDING.fill(
                "lait_change", first=first,
                then=f"{_value(indicators, GLD_LAIT, areas.council, 'SEN support', first):.1f}%",
                england_then=_text(_value(indicators, GLD_LAIT, ENGLAND, "SEN support", first))
                + "%"))
            out.append(sentence(WORDING.fill(
                "lait_gld", value=f"{_value(indicators, GLD_LAIT, areas.council, 'SEN support', latest):.1f}%",
                council=council, period=latest, england=f"{england:.1f}%", change=change)))
    asq = indicators[(indicators["indicator_id"] == ASQ3)
                     & (indicators["area_code"] == areas.council) & indicators["value"].notna()]
    if not asq.empty:
        latest = str(asq["period"].max())
        england = _value(indicators, ASQ3, ENGLAND, ALL_CHILDREN, latest)
        region = _value(indicators, ASQ3, areas.region_code, ALL_CHILDREN, latest)
        out.append(sentence(WORDING.fill(
            # "2023/24", not "2023-24": a number after a hyphen reads as a count to the gate
            "asq3", period=latest.replace("-", "/"), council=council,
            value=f"{_value(indicators, ASQ3, areas.council, ALL_CHILDREN, latest):.1f}%",
            england=_text(england) + "%", region_name=areas.region_name,
            region=_text(region) + "%")))
    young = indicators[indicators["indicator_id"] == YOUNG_SEN_SUPPORT]
    if not young.empty:
        period = str(young["period"].max())
        support = _value(indicators, YOUNG_SEN_SUPPORT, areas.council, "Reception", period)
        plan = _value(indicators, YOUNG_EHC_PLAN, areas.council, "Reception", period)
        year = f"{period[:2]}{period[-2:]}"
        if not (np.isnan(support) or np.isnan(plan)):
            out.append(sentence(WORDING.fill("young", year=year, support=support, plan=plan,
                                             council=council)))
        elif not np.isnan(support):
            out.append(sentence(WORDING.fill("young_support", year=year, support=support,
                                             council=council)))
    return out


def missing_input_chapter() -> Chapter:
    """The chapter of a council with none of its inputs: a box naming them."""
    return Chapter(KEY, TITLE, Findings([sentence(WORDING.fill("missing_input"))],
                                        heading=INPUT_NEEDED),
                   indicators=pd.DataFrame(columns=INDICATOR_COLUMNS))


def build(config: Config) -> Chapter:
    """Build the early years and early identification chapter for a council.

    Parameters
    ----------
    config : Config
        The council's validated configuration. Uses ``inputs.comparators.eyfs_by_sen``,
        ``inputs.lait``, ``inputs.fingertips`` and ``inputs.census`` when set; a section whose
        input is not set is a box naming it, and a council with none of them gets a chapter
        that is only such a box.

    Returns
    -------
    Chapter
        Findings, tables, figures, indicator rows, disclosure audit, table rules and gaps.

    Raises
    ------
    JsnaInputError
        When a given file cannot be read or lacks the council, England, the region or a
        neighbour (naming the file).
    """
    comparators = config.inputs.comparators
    has_eyfs = comparators.get("eyfs_by_sen") is not None
    has_lait = config.inputs.lait is not None
    has_census = bool(config.inputs.census)
    if not (has_eyfs or has_lait or has_census):
        return missing_input_chapter()
    area, areas = config.area, _areas(config)
    parts, audits = [], []
    tables: dict[str, Table] = {}
    figures: dict[str, Figure] = {}
    rules: dict[str, TableRules] = {}
    gaps: list[Gap] = []

    if has_eyfs:
        gld, audit = _gld_part(config, areas)
        parts.append(gld)
        audits.append(audit)
        tables["gld_by_sen"] = gld_table(gld, areas, area.name)
        rules[tables["gld_by_sen"].name] = gld_rules(tables["gld_by_sen"], area.code, area.name)
        if (gld["indicator_id"] == GLD_GAP).any():
            tables["gld_gap"] = gap_table(gld, areas, area.name)
            rules[tables["gld_gap"].name] = TableRules(key=["Gap", "Area"], counts=[])
        if areas.neighbours:
            figures["gld_neighbours"] = gld_chart(gld, areas, area.name)
    else:
        gaps.append(Gap("Good level of development by SEN status, with intervals and the gap "
                        "with no SEN", "Not given: inputs.comparators.eyfs_by_sen."))

    if has_lait:
        lait, audit = _lait_part(config, areas)
        parts.append(lait)
        audits.append(audit)
        if (lait["indicator_id"] == GLD_LAIT).any():
            tables["gld_trend"] = series_table(
                lait, GLD_LAIT, ("SEN support", "EHC plan"), areas, area.name, name="gld_trend",
                caption=(f"Children reaching a good level of development at the end of "
                         f"reception by SEN provision, every year LAIT publishes, {area.name}, "
                         f"{areas.region_name}, England and the statistical neighbours"),
                notes=[LAIT_SOURCE, LAIT_BASIS, NOT_TESTED, "Per cent; quartile bands rank the "
                       "council among all councils in England (A = best quarter).",
                       "[x] = not available (no data in LAIT)."])
            rules[tables["gld_trend"].name] = TableRules(key=["Children", "Year"], counts=[])
            for group, short in (("SEN support", "gld_trend_sen_support"),
                                 ("EHC plan", "gld_trend_ehc_plan")):
                figure = _series_chart(
                    lait, GLD_LAIT, group, areas, area.name, name=short, source=LAIT_SOURCE,
                    measure=("Children on SEN support reaching a good level of development (%)"
                             if group == "SEN support" else
                             "Children with an EHC plan reaching a good level of development "
                             "(%)"))
                if figure is not None:
                    figures[short] = figure
        if (lait["indicator_id"] == ASQ3).any():
            tables["asq3"] = series_table(
                lait, ASQ3, (ALL_CHILDREN,), areas, area.name, name="two_year_review",
                caption=(f"Reviews of children aged 2 to 2½ that used the ASQ-3 questionnaire, "
                         f"every year LAIT publishes, {area.name}, {areas.region_name}, England "
                         f"and the statistical neighbours"),
                notes=[ASQ3_SOURCE, ASQ3_BASIS, NOT_TESTED, "Per cent of children reviewed; "
                       "financial years (April to March).", "[x] = not available (no data in "
                       "LAIT)."])
            rules[tables["asq3"].name] = TableRules(key=["Children", "Year"], counts=[])
            figure = _series_chart(lait, ASQ3, ALL_CHILDREN, areas, area.name, name="asq3_trend",
                                   measure=LABELS[ASQ3], source=ASQ3_SOURCE)
            if figure is not None:
                figures["asq3_trend"] = figure
    else:
        gaps.append(Gap("Good level of development by SEN provision over time, and the ASQ-3 "
                        "review at 2 to 2½", "Not given: inputs.lait."))
    outcome_table, gap = _fingertips_part(config, areas)
    if outcome_table is not None:
        tables["asq3_outcome"] = outcome_table
        rules[outcome_table.name] = TableRules(key=["Period", "Breakdown"], counts=[])
    if gap is not None:
        gaps.append(gap)

    if has_census:
        young, audit, latest = _young_part(config, areas)
        parts.append(young)
        audits.append(audit)
        tables["young_pupils"] = young_table(young, area.name)
        rules[tables["young_pupils"].name] = young_rules(tables["young_pupils"], area.code,
                                                         latest)
    else:
        gaps.append(Gap("SEN support and EHC plans in nursery and reception",
                        "Not given: inputs.census."))

    indicators = pd.concat(parts, ignore_index=True)
    disclosure = pd.concat(audits, ignore_index=True)
    findings = Findings(_findings(indicators, areas, area.name)
                        or [sentence(f"No early years figures are published for {area.name} in "
                                     "the files given")])
    return Chapter(KEY, TITLE, findings, tables, figures, indicators, disclosure, rules, gaps)

