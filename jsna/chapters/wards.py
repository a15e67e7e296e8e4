"""Chapter: Where children and young people with SEND live.

Resident pupils (pupils in the council's schools whose home postcode is in the council) in the
latest January census, by home ward and by deprivation decile of the home LSOA: the percentage on
SEN support, with an EHC plan and with either, with Wilson 95% confidence intervals; each ward is
placed on a funnel plot around the council average (OHID 95% and 99.8% control limits).

Disclosure control runs once, on the ward table and the deprivation table together, before any
number is used: the council total equals the wards plus "Ward not known" (and the deciles plus
"not known"), SEN support + EHC plan = SEN, SEN + no SEN = resident pupils, and the council total
(and, when they are the same pupils, the "not known" rows) appear in both tables. The chapter's
rows of the long indicator table, its tables, the map, the funnel plot and the findings are all
drawn from the protected values, so a hidden ward is never shown, plotted or recoverable.

The counting, the indicator rows and the funnel positions are the indicators stage's
(:mod:`jsna.indicators.wards`, limits in :mod:`jsna.indicators.funnel`) and the disclosure step
:func:`jsna.indicator_disclosure.protect_ward_tables`; this module selects, formats and narrates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.chapters.base import Chapter, Findings
from jsna.chapters.common import load_pupils, require_input
from jsna.chapters.wording import Wording, listing, sentence
from jsna.config import Config
from jsna.disclosure import (
    INDICATOR_TABLE,
    SUPPRESSED,
    Rest,
    RowTotal,
    SameCells,
    TableRules,
    format_suppressed,
)
from jsna.indicator_disclosure import indicator_pipeline, protect_ward_tables
from jsna.indicators.comparisons import ComparatorAreas
from jsna.indicators.funnel import funnel_data
from jsna.indicators.table import academic_year_label
from jsna.indicators.wards import (
    ALL_RESIDENT,
    PLAN,
    PUPILS,
    SEN,
    SUPPORT,
    UNKNOWN_DECILE,
    UNKNOWN_WARD,
    add_funnel_positions,
    decile_counts,
    decile_label,
    fifth_ratio,
    indicator_rows,
    resident_pupils,
    unknown_rows_match,
    unknown_ward_code,
    ward_counts,
)
from jsna.sources.boundaries import read_boundaries
from jsna.viz.display import Table
from jsna.viz.maps import choropleth_map, funnel_plot, gradient_chart

KEY = "wards"
TITLE = "Where children with SEND live"
SOURCE = ("Source: school census (January), pupils on roll in the council's schools who live in "
          "the council; home postcode matched to ward and LSOA with the ONS Postcode Directory; "
          "English Indices of Deprivation.")
#: Shorter source line under the ward tables (the figures carry the full one).
TABLE_SOURCE = ("Source: school census (January), pupils in the council's schools who live in "
                "the council; ONS Postcode Directory.")
CI_NOTE = "95% confidence intervals by the Wilson score method."

#: indicator id -> (count column, plain-English name, phrase used in sentences).
INDICATORS: dict[str, tuple[str, str, str]] = {
    "resident_pupils_sen_percent": (
        SEN, "Resident pupils with SEN (SEN support or an EHC plan) (%)",
        "had special educational needs (SEN support or an EHC plan)"),
    "resident_pupils_sen_support_percent": (
        SUPPORT, "Resident pupils receiving SEN support (%)", "were receiving SEN support"),
    "resident_pupils_ehc_plan_percent": (
        PLAN, "Resident pupils with an EHC plan (%)", "had an EHC plan"),
}

#: Heading of the count column of each ward table.
COUNT_HEADINGS = {SEN: "Pupils with SEN", SUPPORT: "Pupils on SEN support",
                  PLAN: "Pupils with an EHC plan"}

#: Funnel-plot positions (from :func:`jsna.stats.funnel.funnel_position`), most extreme first.
ABOVE_998, ABOVE_95 = "Above 99.8% limit", "Above 95% limit"
BELOW_95, BELOW_998 = "Below 95% limit", "Below 99.8% limit"
WITHIN = "Within limits"


# --------------------------------------------------------------------------- tables


def _shown(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Missing cells of ``[c]`` rows read ``[c]`` (the columns become text-and-number cells,
    so the CSV writes each number as it is)."""
    return format_suppressed(frame.astype({column: object for column in columns}), columns)


def _ward_table(indicators: pd.DataFrame, indicator: str, council_name: str, year: int,
                threshold: int) -> Table:
    column, name, _ = INDICATORS[indicator]
    rows = indicators[(indicators["indicator_id"] == indicator)
                      & (indicators["breakdown"] == "All pupils")]
    order = {"Ward": 0, "Local authority": 2}
    rank = rows["area_type"].map(order) + (rows["area_name"] == UNKNOWN_WARD).astype(int)
    rows = rows.assign(_rank=rank).sort_values(["_rank", "area_name"], kind="stable")
    display = _shown(rows, ["count", "denominator", "value", "lower_ci_95", "upper_ci_95"])
    frame = pd.DataFrame({
        "Ward": display["area_name"].to_numpy(),
        COUNT_HEADINGS[column]: display["count"].to_numpy(),
        "Resident pupils": display["denominator"].to_numpy(),
        "Per cent": display["value"].to_numpy(),
        "95% CI lower": display["lower_ci_95"].to_numpy(),
        "95% CI upper": display["upper_ci_95"].to_numpy(),
        "Compared with council average": display["funnel"].to_numpy(),
    })
    short = {SEN: "sen", SUPPORT: "sen_support", PLAN: "ehc_plan"}[column]
    what = name.removesuffix(" (%)").replace("Resident pupils", "resident pupils")
    count_column = frame.columns[1]
    return Table(
        name=f"{KEY}_{short}_by_ward",
        caption=f"Percentage of {what[0].lower() + what[1:]} by home ward, {council_name}, "
                f"January {year}",
        frame=frame,
        formats={count_column: "count", "Resident pupils": "count", "Per cent": "percent",
                 "95% CI lower": "percent", "95% CI upper": "percent"},
        notes=[TABLE_SOURCE,
               f"{CI_NOTE} Compared with council average: position on the funnel plot (95% and "
               f"99.8% control limits around the council average, OHID method). "
               f"'{UNKNOWN_WARD}': home postcode not matched to a ward (counted in the council "
               f"total). [c] = suppressed to protect confidentiality (fewer than {threshold} "
               "pupils, or a figure that would reveal one)."],
        total_row=True,
    )


def _interval(lower: pd.Series, upper: pd.Series) -> np.ndarray:
    """A confidence interval as text ("16.2 to 18.6"); symbols such as [c] pass through."""
    text = [lo if isinstance(lo, str) else
            ("[x]" if pd.isna(lo) or pd.isna(hi) else f"{lo:.1f} to {hi:.1f}")
            for lo, hi in zip(lower, upper, strict=True)]
    return np.array(text, dtype=object)


def _deprivation_table(indicators: pd.DataFrame, deciles: pd.DataFrame, council_code: str,
                       council_name: str, year: int, threshold: int) -> Table:
    labels = [decile_label(int(d)) if pd.notna(d) else
              ("IMD decile not known" if label == UNKNOWN_DECILE else "All pupils")
              for d, label in zip(deciles["decile"], deciles["IMD decile"], strict=True)]
    council = indicators[(indicators["area_code"] == council_code)
                         & (indicators["area_type"] == "Local authority")]
    frame = pd.DataFrame({"IMD decile": deciles["IMD decile"].to_numpy()})
    for indicator, title in (("resident_pupils_sen_support_percent", SUPPORT),
                             ("resident_pupils_ehc_plan_percent", PLAN)):
        rows = council[council["indicator_id"] == indicator].set_index("breakdown").reindex(labels)
        rows = _shown(rows, ["count", "denominator", "value", "lower_ci_95", "upper_ci_95"])
        if "Resident pupils" not in frame:
            frame["Resident pupils"] = rows["denominator"].to_numpy()
        frame[title] = rows["count"].to_numpy()
        frame[f"{title} %"] = rows["value"].to_numpy()
        frame[f"{title} 95% CI"] = _interval(rows["lower_ci_95"], rows["upper_ci_95"])
    formats = {c: "count" for c in ("Resident pupils", SUPPORT, PLAN)}
    formats.update({f"{SUPPORT} %": "percent", f"{PLAN} %": "percent"})
    return Table(
        name=f"{KEY}_sen_by_deprivation",
        caption=f"Resident pupils on SEN support and with an EHC plan by deprivation decile of "
                f"their home area, {council_name}, January {year}",
        frame=frame,
        formats=formats,
        notes=[SOURCE, "IMD decile: Index of Multiple Deprivation decile of the home LSOA among "
               "all LSOAs in England (1 = most deprived 10%).",
               f"{CI_NOTE} Every figure, with its confidence limits to full precision, is in "
               "the chapter's indicator download.",
               f"[c] = suppressed to protect confidentiality (fewer than {threshold} pupils, or a "
               "figure that would reveal one)."],
        total_row=True,
    )


# --------------------------------------------------------------------------- published rules


def published_rules(tables: dict[str, Table], council_code: str, council_name: str,
                    period: str) -> dict[str, TableRules]:
    """Disclosure rules of the tables *as published*, for the site-wide disclosure gate.

    Each ward table's wards and "Ward not known" add up to the council's row, and every row
    repeats the ward's (or council's) indicator row; each row of the deprivation table repeats
    the council's indicator row of its decile, and the deciles add up to all resident pupils.
    """
    out: dict[str, TableRules] = {}
    ratios = ("Per cent", "95% CI lower", "95% CI upper")
    for indicator, (column, _, _) in INDICATORS.items():
        short = {SEN: "sen", SUPPORT: "sen_support", PLAN: "ehc_plan"}[column]
        table = tables.get(f"{short}_by_ward")
        if table is None:
            continue
        count, places = COUNT_HEADINGS[column], list(table.frame["Ward"])
        counts = [count, "Resident pupils"]
        out[table.name] = TableRules(
            key=["Ward"], counts=counts, derived={c: counts for c in ratios},
            rests=[Rest(total="Resident pupils", parts=count)],
            relations=[RowTotal(total={"Ward": council_name},
                                parts={"Ward": [p for p in places if p != council_name]}),
                       SameCells(INDICATOR_TABLE, on={"Ward": "area_name"},
                                 other_rows={"indicator_id": indicator, "period": period,
                                             "breakdown": "All pupils"},
                                 columns={count: "count", "Resident pupils": "denominator"})])
    table = tables.get("sen_by_deprivation")
    if table is not None:
        labels = list(table.frame["IMD decile"])
        links = []
        for label in labels:
            breakdown = {ALL_RESIDENT: "All pupils", UNKNOWN_DECILE: "IMD decile not known"}.get(
                label, "IMD decile " + str(label))
            for indicator, column in (("resident_pupils_sen_support_percent", SUPPORT),
                                      ("resident_pupils_ehc_plan_percent", PLAN)):
                links.append(SameCells(
                    INDICATOR_TABLE, on=[], rows={"IMD decile": label},
                    other_rows={"indicator_id": indicator, "area_code": council_code,
                                "area_type": "Local authority", "period": period,
                                "breakdown": breakdown},
                    columns={column: "count", PUPILS: "denominator"}))
        out[table.name] = TableRules(
            key=["IMD decile"], counts=[PUPILS, SUPPORT, PLAN],
            derived={f"{SUPPORT} %": [PUPILS, SUPPORT], f"{PLAN} %": [PUPILS, PLAN]},
            rests=[Rest(total=PUPILS, parts=SUPPORT), Rest(total=PUPILS, parts=PLAN)],
            relations=[RowTotal(total={"IMD decile": ALL_RESIDENT},
                                parts={"IMD decile": [x for x in labels if x != ALL_RESIDENT]}),
                       *links])
    return out


# --------------------------------------------------------------------------- build


def build(config: Config) -> Chapter:
    """Build the "Where children with SEND live" chapter for a council.

    Parameters
    ----------
    config : Config
        The council's validated configuration (needs ``inputs.ward_boundaries``).

    Returns
    -------
    Chapter
        Findings, tables, figures (ward map, funnel plot, deprivation chart), indicator rows and
        disclosure audit.

    Raises
    ------
    JsnaInputError
        When the ward boundaries are not configured or there are no resident pupils.
    """
    area = config.area
    boundaries = read_boundaries(require_input(config, "ward_boundaries", "wards"), level="ward")
    residents = resident_pupils(load_pupils(config), config.year)
    threshold = config.disclosure.threshold
    wards, deciles, audit = protect_ward_tables(
        ward_counts(residents, boundaries[["code", "name"]], area.code, area.name),
        decile_counts(residents), threshold=threshold,
        suppress_zeros=config.disclosure.suppress_zeros,
        unknown_rows_match=unknown_rows_match(residents))
    period = academic_year_label(config.year)
    areas = ComparatorAreas(area.code, area.region_code, area.region_name, [])
    indicators, pipeline_audit = indicator_pipeline(
        indicator_rows(wards, deciles, area.code, area.name, period), config=config, areas=areas)
    with_funnel = add_funnel_positions(indicators, area.code)

    tables = {
        f"{short}_by_ward": _ward_table(with_funnel, indicator, area.name, config.year,
                                        threshold)
        for indicator, short in (("resident_pupils_sen_percent", "sen"),
                                 ("resident_pupils_sen_support_percent", "sen_support"),
                                 ("resident_pupils_ehc_plan_percent", "ehc_plan"))
    }
    tables["sen_by_deprivation"] = _deprivation_table(indicators, deciles, area.code, area.name,
                                                      config.year, threshold)
    figures = _figures(with_funnel, boundaries, area.code, area.name, config.year)
    findings = Findings(_findings(with_funnel, area.code, area.name, config.year))
    disclosure = pd.concat([audit, pipeline_audit], ignore_index=True)
    rules = published_rules(tables, area.code, area.name, period)
    return Chapter(KEY, TITLE, findings, tables, figures, indicators, disclosure, rules)


def _ward_rows(indicators: pd.DataFrame, indicator: str, council_code: str) -> pd.DataFrame:
    """Rows of the council's real wards (not "Ward not known") for one indicator."""
    return indicators[(indicators["indicator_id"] == indicator)
                      & (indicators["breakdown"] == "All pupils")
                      & (indicators["area_type"] == "Ward")
                      & (indicators["area_code"] != unknown_ward_code(council_code))]


def _council_row(indicators: pd.DataFrame, indicator: str, council_code: str,
                 breakdown: str = "All pupils") -> pd.Series:
    rows = indicators[(indicators["indicator_id"] == indicator)
                      & (indicators["breakdown"] == breakdown)
                      & (indicators["area_code"] == council_code)
                      & (indicators["area_type"] == "Local authority")]
    return rows.iloc[0]


def _figures(indicators: pd.DataFrame, boundaries: pd.DataFrame, council_code: str,
             council_name: str, year: int) -> dict:
    sen = "resident_pupils_sen_percent"
    wards = _ward_rows(indicators, sen, council_code)
    council = _council_row(indicators, sen, council_code)
    hidden = (wards["note"] == SUPPRESSED).to_numpy()
    map_data = pd.DataFrame({"code": wards["area_code"].to_numpy(),
                             "name": wards["area_name"].to_numpy(),
                             "value": wards["value"].to_numpy(), "suppressed": hidden})
    measure = "percentage of resident pupils with SEN (SEN support or an EHC plan)"
    figures = {
        "sen_by_ward": choropleth_map(
            boundaries, map_data, name=f"{KEY}_sen_by_ward",
            caption=f"Percentage of resident pupils with SEN (SEN support or an EHC plan) by "
                    f"home ward, {council_name}, January {year}",
            measure=measure, place=council_name, legend_title="Per cent of resident pupils",
            average=council["value"], source=SOURCE),
    }
    if pd.notna(council["count"]) and council["denominator"] > 0:
        shown = wards[~hidden]
        funnel = funnel_data(
            pd.DataFrame({"name": shown["area_name"], "count": shown["count"],
                          "denominator": shown["denominator"], "value": shown["value"],
                          "position": shown["funnel"]}),
            benchmark_proportion=float(council["count"] / council["denominator"]))
        figures["sen_funnel"] = funnel_plot(
            funnel.points, funnel.limits,
            name=f"{KEY}_sen_funnel",
            caption=f"Percentage of resident pupils with SEN by home ward against the number of "
                    f"resident pupils, with funnel-plot control limits, {council_name}, "
                    f"January {year}",
            measure=measure, y_label="Per cent of resident pupils with SEN",
            source=SOURCE, hidden=int(hidden.sum()))
    council_rows = indicators[(indicators["area_code"] == council_code)
                              & (indicators["area_type"] == "Local authority")]
    gradient = []
    for indicator, series in (("resident_pupils_sen_support_percent", "SEN support"),
                              ("resident_pupils_ehc_plan_percent", "EHC plan")):
        rows = council_rows[council_rows["indicator_id"] == indicator].set_index("breakdown")
        labels = [decile_label(d) for d in range(1, 11)]
        rows = rows.reindex(labels)
        gradient.append(pd.DataFrame({
            "series": series, "decile": range(1, 11), "value": rows["value"].to_numpy(),
            "lower_ci_95": rows["lower_ci_95"].to_numpy(),
            "upper_ci_95": rows["upper_ci_95"].to_numpy()}))
    figures["sen_by_deprivation"] = gradient_chart(
        pd.concat(gradient, ignore_index=True), name=f"{KEY}_sen_by_deprivation",
        caption=f"Percentage of resident pupils on SEN support and with an EHC plan by "
                f"deprivation decile of their home area, {council_name}, January {year}",
        measure="percentage of resident pupils on SEN support and with an EHC plan",
        y_label="Per cent of resident pupils", source=SOURCE)
    return figures


# --------------------------------------------------------------------------- findings


WORDING = Wording(KEY)


def _listed(rows: pd.DataFrame) -> str:
    return listing([WORDING.fill("listed_ward", ward=n, value=v)
                    for n, v in zip(rows["area_name"], rows["value"], strict=True)])


def funnel_sentence(average: float, above: pd.DataFrame, below: pd.DataFrame) -> str:
    """Which wards are beyond the 99.8% funnel limits, in the words of ``wording.toml``.

    Parameters
    ----------
    average : float
        The council's percentage (the funnel's centre line).
    above, below : DataFrame
        Wards (``area_name, value``) above and below the 99.8% limits, in the order to list them.

    Examples
    --------
    >>> below = pd.DataFrame({"area_name": ["Hazelmoor"], "value": [15.0]})
    >>> funnel_sentence(19.5, below.iloc[:0], below)
    'The percentage of resident pupils with SEN was significantly (beyond the 99.8% funnel \
limits) below the council average (19.5%) in Hazelmoor (15.0%).'
    """
    key = ("funnel_above_and_below" if len(above) and len(below) else "funnel_above"
           if len(above) else "funnel_below" if len(below) else "funnel_none")
    return sentence(WORDING.fill(key, average=average, above=_listed(above),
                                 below=_listed(below)))


def _findings(indicators: pd.DataFrame, council_code: str, council_name: str,
              year: int) -> list[str]:
    """Sentences written from the protected indicator table (never typed-in numbers)."""
    say = WORDING
    sentences = []
    sen = "resident_pupils_sen_percent"
    council = _council_row(indicators, sen, council_code)
    if pd.notna(council["value"]):
        sentences.append(sentence(say.fill(
            "headline", year=year, value=council["value"], denominator=council["denominator"],
            council=council_name, count=council["count"], what=say.pick("what", sen))))
    wards = _ward_rows(indicators, sen, council_code)
    published = wards[wards["note"] != SUPPRESSED].sort_values("value", ascending=False)
    if pd.notna(council["value"]) and not published.empty:
        sentences.append(funnel_sentence(
            council["value"], published[published["funnel"] == ABOVE_998],
            published[published["funnel"] == BELOW_998].sort_values("value")))
    hidden = int((wards["note"] == SUPPRESSED).sum())
    if hidden:
        sentences.append(sentence(say.fill("hidden_wards", hidden=hidden)))
    for indicator in ("resident_pupils_sen_support_percent", "resident_pupils_ehc_plan_percent"):
        ratio = fifth_ratio(indicators, indicator, council_code)
        if ratio is None:
            continue
        high, low, times = ratio
        sentences.append(sentence(say.fill("deprivation", ratio=times,
                                           what=say.pick("likely", indicator), high=high,
                                           low=low)))
    unknown = indicators[(indicators["indicator_id"] == sen)
                         & (indicators["area_code"] == unknown_ward_code(council_code))
                         & (indicators["breakdown"] == "All pupils")].iloc[0]
    if unknown["note"] == SUPPRESSED:
        sentences.append(sentence(say.fill("ward_not_known_suppressed")))
    elif unknown["denominator"] > 0 and council["denominator"] > 0:
        share = 100 * unknown["denominator"] / council["denominator"]
        sentences.append(sentence(say.fill("ward_not_known", pupils=unknown["denominator"],
                                           share=share, label=UNKNOWN_WARD)))
    else:
        sentences.append(sentence(say.fill("every_ward_known")))
    return sentences
