"""Chapter: EHC needs assessments, plans and 20-week timeliness.

From the DfE SEN2 "Education, health and care plans" files: EHC plans maintained in January over
time; requests for an EHC needs assessment and the share the council decided not to assess; the
share of EHC needs assessments that ended in a decision not to issue a plan; and the percentage of new EHC plans issued within the statutory 20 weeks (including and excluding
exception cases), with Wilson confidence intervals, comparisons with England, the region and the
statistical neighbours, the recent trend, the LAIT quartile band across every council in the file
and the council's rank among itself and its ten neighbours. Every number is read from the
published files and passes disclosure control before display.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from jsna.chapters.base import Chapter, Findings
from jsna.chapters.common import (
    ComparatorAreas,
    comparator_areas,
    indicator_pipeline,
    require_comparator,
)
from jsna.chapters.wording import Wording, sentence
from jsna.config import Config
from jsna.disclosure import (
    INDICATOR_TABLE,
    SameCells,
    TableRules,
    apply_disclosure,
    format_suppressed,
)
from jsna.errors import JsnaInputError
from jsna.sources.ees import read_ees_wide
from jsna.sources.la_codes import (
    CODE_CHANGES,
    area_name,
    canonical_code,
    current_codes,
    harmonise_la_codes,
)
from jsna.sources.ons import read_population
from jsna.stats import Benchmarks, neighbour_ranks
from jsna.viz.charts import compare_chart, trend_chart
from jsna.viz.display import Table

KEY = "ehcp"
TITLE = "EHC needs assessments and plans"
SOURCE = "Source: DfE, Education, health and care plans (SEN2)."
POLARITY_TIMELY = "High is good"

#: indicator id -> (file key, count measure, denominator measure, label)
INDICATORS: dict[str, tuple[str, str, str, str]] = {
    "ehcp_issued_20_weeks_ex_percent": (
        "ehcp_timeliness", "plans_issued_20_weeks_ex", "plans_issued_den_ex",
        "New EHC plans issued within 20 weeks, excluding exceptions (%)",
    ),
    "ehcp_issued_20_weeks_percent": (
        "ehcp_timeliness", "plans_issued_within_20_weeks", "plans_issued_den",
        "New EHC plans issued within 20 weeks, including exceptions (%)",
    ),
    "ehcp_requests_not_assessed_percent": (
        "ehcp_requests", "requests_decided_not_to_assess", "requests_received_in_year",
        "Requests for an EHC needs assessment the council decided not to assess (%)",
    ),
    "ehcp_requests_assessed_percent": (
        "ehcp_requests", "requests_decided_to_assess", "requests_received_in_year",
        "Requests for an EHC needs assessment the council decided to assess (%)",
    ),
    # DfE's own percentage: out of all assessments in the year, including those still undecided
    # or withdrawn (total first published for 2022)
    "ehcp_assessments_no_plan_percent": (
        "ehcp_assessments", "assess_not_issued", "assess_in_year",
        "EHC needs assessments that ended in a decision not to issue a plan (%)",
    ),
}
TIMELINESS = ("ehcp_issued_20_weeks_ex_percent", "ehcp_issued_20_weeks_percent")
REQUESTS = ("ehcp_requests_not_assessed_percent", "ehcp_requests_assessed_percent")
ASSESSMENTS = ("ehcp_assessments_no_plan_percent",)
#: indicator id -> DfE's own percentage column: its symbol is shown where no percentage can be
#: calculated from the published count and denominator (e.g. no plans issued: ``0`` and ``x``)
DFE_PERCENT: dict[str, str] = {
    "ehcp_issued_20_weeks_ex_percent": "PC_plans_issued_20_weeks_ex",
    "ehcp_issued_20_weeks_percent": "pc_plans_issued_within_20_weeks",
    "ehcp_requests_not_assessed_percent": "request_not_assess_pc",
    "ehcp_requests_assessed_percent": "request_assess_pc",
    "ehcp_assessments_no_plan_percent": "assess_not_issued_pc",
}
#: The legend under every table: DfE's own symbols are kept as published.
SYMBOLS = ("[x] = not available (published as x by DfE, or no denominator to calculate a "
           "percentage from); [z] = not applicable; [low] = rounds to zero; [c] = suppressed.")


def published_rates(config: Config, indicators: tuple[str, ...]) -> pd.DataFrame:
    """Indicator rows (count, denominator, note) for every area in the SEN2 files.

    Parameters
    ----------
    config : Config
        The council's configuration (``inputs.comparators`` names the files).
    indicators : tuple of str
        Keys of :data:`INDICATORS`.

    Returns
    -------
    DataFrame
        ``indicator_id, area_code, area_name, area_type, period, breakdown, count, denominator,
        note``; a published symbol (``[x]``) on the count or denominator is kept in ``note``.
    """
    parts = []
    for indicator in indicators:
        file_key, count, denominator, _ = INDICATORS[indicator]
        path = require_comparator(config, file_key)
        percent_column = DFE_PERCENT[indicator]
        measures = [count, denominator]
        if percent_column in _header(path):
            measures.append(percent_column)
        wide = read_ees_wide(path, measures=measures)
        wide = wide[wide["breakdown"] == wide["breakdown_topic"]]  # the "All ..." rows
        part = wide[["area_code", "area_name", "area_type", "period"]].copy()
        part["indicator_id"] = indicator
        part["breakdown"] = "All"
        part["count"] = wide[count]
        part["denominator"] = wide[denominator]
        part["note"] = wide[f"{count}_note"].where(wide[f"{count}_note"] != "",
                                                   wide[f"{denominator}_note"])
        if percent_column in measures:
            # nothing to divide by: DfE's own symbol for its percentage, never our message
            uncalculable = (part["note"] == "") & ~(part["denominator"] > 0)
            part.loc[uncalculable, "note"] = wide.loc[uncalculable, f"{percent_column}_note"]
        parts.append(part)
    rows = pd.concat(parts, ignore_index=True)
    rows.attrs["path"] = str(require_comparator(config, INDICATORS[indicators[0]][0]))
    return rows


def _header(path: Path) -> list[str]:
    """Column names of a CSV (first line only); none when it cannot be read (the reader that
    follows then says why, naming the file)."""
    try:
        return list(pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns.str.strip())
    except (OSError, ValueError):
        return []


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


def council_plans(wide: pd.DataFrame, council: str, name: str) -> tuple[pd.Series, str]:
    """EHC plans maintained by a council in each January, through a reorganisation if needed.

    A council created by a merger (BCP and Dorset in April 2019) has no row of its own for the
    Januaries before it existed. Those Januaries are the sum of its predecessors' plans when the
    file holds every predecessor (the merger rule of :mod:`jsna.sources.la_codes` is exact);
    otherwise (e.g. BCP: DfE files have Bournemouth and Poole but no Christchurch) they are left
    empty, because a partial sum is not the same area.

    Parameters
    ----------
    wide : DataFrame
        The caseload file's "All EHC plans" rows (:func:`~jsna.sources.ees.read_ees_wide`
        with ``ehcplans``), codes current.
    council : str
        The council's current code.
    name : str
        The council's name, for the note.

    Returns
    -------
    (Series, str)
        Plans by period (NaN for a January the council did not exist in), and a sentence for
        the table note saying how the Januaries before the council existed were treated
        (``""`` when every January has the council's own row).
    """
    own = wide[wide["area_code"] == council].set_index("period")["ehcplans"]
    changes = [c for c in CODE_CHANGES if c.successor == council and c.kind == "merger"]
    earlier = wide[wide["area_code"].isin({p for c in changes for p in c.predecessors})
                   & ~wide["period"].isin(own.index)]
    if earlier.empty:
        return own.groupby(level=0).first(), ""
    derived, _ = harmonise_la_codes(
        pd.concat([wide[wide["area_code"] == council], earlier]), additive_measures=["*"],
        sum_columns=("ehcplans",), note_column="ehcplans_note")
    derived = derived[(derived["area_code"] == council) & (derived["harmonised"] != "")]
    exact = derived[derived["harmonised"].str.contains("; exact:", regex=False)]
    plans = pd.concat([own, exact.set_index("period")["ehcplans"]]).groupby(level=0).first()
    predecessors = sorted(set(earlier["area_name"]))
    years = ", ".join(sorted(f"January {p[:2]}{p[-2:]}" for p in set(earlier["period"])))
    if not exact.empty:
        return plans, (f"{name} was formed from {', '.join(predecessors)}: {years} is the sum "
                       "of their plans as published by DfE (the same area).")
    reasons = []
    for change in changes:
        present = set(earlier["area_code"]) & set(change.predecessors)
        if not present:
            continue
        missing = [c for c in change.predecessors if c not in present]
        reasons.append(change.note if not change.exact else
                       f"no row for {', '.join(area_name(c) or c for c in missing)}")
    why = "; ".join(reasons)
    return plans, (f"{name} was formed in April {changes[0].year}; DfE's {years} figures for "
                   f"{' and '.join(predecessors)} do not cover the same area ({why}), so "
                   f"{name} has no figure for {years}.")


def _caseload_table(config: Config, areas: ComparatorAreas) -> tuple[Table, pd.DataFrame,
                                                                      pd.DataFrame]:
    wide = read_ees_wide(require_comparator(config, "ehcp_caseload"), measures=["ehcplans"])
    wide = wide[wide["breakdown"] == wide["breakdown_topic"]]
    mine, history = council_plans(wide, areas.council, config.area.name)
    names = {areas.council: config.area.name, areas.region_code: areas.region_name,
             "E92000001": "England"}
    plans = wide[wide["area_code"].isin(names)].pivot_table(
        index="period", columns="area_code", values="ehcplans", aggfunc="first")
    plans[areas.council] = mine
    plans = plans.reindex(columns=list(names)).sort_index()
    frame = pd.DataFrame({"January": [f"January {p[:2]}{p[-2:]}" for p in plans.index]})
    for code, label in names.items():
        frame[label] = plans[code].to_numpy()
    name = f"{KEY}_caseload"
    counts = list(names.values())
    rules = TableRules(key=["January"], counts=counts, relations=[])
    tables, audit = apply_disclosure({name: frame}, {name: rules},
                                     threshold=config.disclosure.threshold)
    published = format_suppressed(tables[name], columns=counts).drop(columns="note")
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
        values = pd.to_numeric(tables[name][label], errors="coerce")
        base = values.iloc[base_at]
        index = values / base * 100 if pd.notna(base) and base > 0 else values * np.nan
        published[f"{label} index"] = index.round(1).to_numpy()
        if label == config.area.name:
            published[f"{label} index"] = published[f"{label} index"].astype(object).where(
                ~before, "[z]")
        index_rows.append(pd.DataFrame({"area_name": label,
                                        "period": published["January"].str[-4:],
                                        "value": index.to_numpy()}))
    rate = _rate_per_10000(config, tables[name][config.area.name], plans.index)
    if rate is not None:
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


def _rate_per_10000(config: Config, plans: pd.Series, periods: pd.Index) -> list | None:
    """EHC plans in January per 10,000 residents aged 0 to 25 at the previous mid-year.

    ``plans`` is the council's (disclosure-controlled) column, one value per January in
    ``periods`` ("2024/25" -> January 2025 -> mid-2024 estimate). Years without an estimate,
    or with a hidden count, show ``[x]`` / ``[c]``. ``None`` when no population file is set.
    """
    path = config.inputs.population
    if path is None:
        return None
    population = read_population(path)
    council = canonical_code(config.area.code)  # old or current code, as the SEN2 files
    population = population[(current_codes(population["area_code"]) == council)
                            & (population["sex"] == "Persons") & (population["age"] <= 25)]
    aged_0_to_25 = population.groupby("year")["population"].sum()
    mid_year = pd.Series([int(p[:4]) for p in periods])
    denominator = mid_year.map(aged_0_to_25).to_numpy(dtype=float)
    count = pd.to_numeric(plans, errors="coerce").to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = count / denominator * 10_000
    hidden = plans.astype(str).eq("[c]").to_numpy()
    return [("[c]" if h else "[x]") if not np.isfinite(r) else float(r)
            for r, h in zip(rate, hidden, strict=True)]


def build(config: Config) -> Chapter:
    """Build the EHC needs assessments and plans chapter for a council.

    Parameters
    ----------
    config : Config
        The council's validated configuration (needs ``inputs.comparators.ehcp_caseload``,
        ``ehcp_requests``, ``ehcp_assessments`` and ``ehcp_timeliness``).

    Returns
    -------
    Chapter
        Findings, tables, figures, indicator rows and disclosure audit.
    """
    area = config.area
    timely_rows = published_rates(config, TIMELINESS)
    source = require_comparator(config, "ehcp_timeliness")
    areas = comparator_areas(config, timely_rows, source)
    if areas.council not in set(timely_rows["area_code"]):
        raise JsnaInputError(f"{source}: no rows for {area.name} ({area.code})")
    timely, timely_audit = _pipeline(timely_rows, config, areas, POLARITY_TIMELY)
    request_rows = published_rates(config, REQUESTS)
    requests, request_audit = _pipeline(request_rows, config, areas, "Not applicable")
    assessments, assessment_audit = _pipeline(published_rates(config, ASSESSMENTS), config, areas,
                                              "Not applicable")
    indicators = pd.concat([timely, requests, assessments], ignore_index=True)
    benchmarks = Benchmarks(areas.council, areas.region_code, tuple(areas.neighbours))
    ranks = neighbour_ranks(timely, benchmarks, POLARITY_TIMELY)

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

    findings = Findings(_findings(indicators, ranks, area.name, areas, periods))
    disclosure = pd.concat([timely_audit, request_audit, assessment_audit, caseload_audit],
                           ignore_index=True)
    rules = published_rules(tables, area.code, area.name, latest)
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
    rows = indicators[(indicators["indicator_id"] == indicator)
                      & (indicators["area_code"] == code) & (indicators["period"] == period)]
    if rows.empty or pd.isna(rows["value"].iloc[0]):
        return None
    return rows.iloc[0]


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
