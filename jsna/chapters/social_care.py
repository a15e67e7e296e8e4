"""Chapter: SEN among children in need, on child protection plans and looked after.

Published part (``inputs.comparators.cin_by_sen``, needed)
    DfE's *Outcomes for children in need, including children looked after*: the percentage of
    school-age children in each social care group (in need, not on a plan or looked after; on a
    child protection plan, not looked after; looked after for 12 months or more) on SEN support
    and with an EHC plan, for the council, its region, England and its statistical neighbours,
    with Wilson 95% intervals and comparisons (:mod:`jsna.indicators.social_care`).

Local part (``inputs.cin_extract`` and the January census, optional)
    The council's own extract, cleaned by :mod:`jsna.clean.care`, gives the children in each
    group on 31 March of the JSNA year; each is looked for among that January's census pupils by
    ``pupil_key``; the shares found, on SEN support and with an EHC plan, and the children not
    found (by reason) are shown beside DfE's latest figures. Without the extract the chapter
    shows a box naming the input.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from jsna.chapters.base import Chapter, Findings
from jsna.chapters.common import ComparatorAreas, load_pupils
from jsna.chapters.wording import Wording, sentence
from jsna.cleaned import cleaned_cin
from jsna.config import Config
from jsna.disclosure import INDICATOR_TABLE, Rest, RowTotal, SameCells, TableRules
from jsna.errors import JsnaInputError
from jsna.indicator_disclosure import indicator_pipeline
from jsna.indicators.social_care import (
    EHC_PLAN,
    LINKED,
    LOCAL_EHC_PLAN,
    LOCAL_GROUPS,
    LOCAL_SEN_SUPPORT,
    NO_UPN,
    NOT_FOUND,
    NOT_IN_CENSUS,
    SEN_SUPPORT,
    link_to_census,
    local_rows,
    not_found_rows,
    published_rows,
    status_at_31_march,
    unlinked_counts,
)
from jsna.indicators.table import INDICATOR_COLUMNS, academic_year_label
from jsna.sources.cin_cla import COUNCIL_GROUPS, read_cin_by_sen
from jsna.sources.comparators import comparator_codes
from jsna.sources.la_codes import canonical_code, missing_areas
from jsna.viz.charts import compare_chart
from jsna.viz.display import Table, escape

KEY = "social_care"
TITLE = "Children in need and looked after"
SOURCE = ("Source: DfE, Outcomes for children in need, including children looked after by "
          "local authorities in England (SEN by social care group).")
LOCAL_SOURCE = ("Source: the council's children in need and looked after extract, linked to "
                "its January school census by pseudonymous key.")
URL = ("https://explore-education-statistics.service.gov.uk/find-statistics/outcomes-for-"
       "children-in-need-including-children-looked-after-by-local-authorities-in-england")
SYMBOLS = ("[c] = suppressed (by DfE, or by this JSNA's disclosure control); [z] = not "
           "applicable; [x] = not available; [low] = rounds to zero.")
CI_NOTE = ("95% confidence intervals by the Wilson score method; comparisons with England and "
           "the neighbours by 95% interval overlap (a higher or lower share is neither better "
           "nor worse: it describes need).")
WORDING = Wording(KEY)
MEASURES = {SEN_SUPPORT: "SEN support", EHC_PLAN: "EHC plan"}
LOCAL_MEASURES = {LOCAL_SEN_SUPPORT: "SEN support", LOCAL_EHC_PLAN: "EHC plan"}


@dataclass
class InputNeeded:
    """A short box naming an input that would fill part of the chapter."""

    text: str

    def _repr_html_(self) -> str:
        return ('<section class="findings input-needed" aria-labelledby="input-needed">'
                '<h2 id="input-needed">Input needed</h2>'
                f"<p>{escape(self.text)}</p></section>")

    def _repr_markdown_(self) -> str:
        return f"## Input needed\n\n{self.text}"


@dataclass
class SocialCareChapter(Chapter):
    """The chapter, with the box shown when the local extract is not configured."""

    input_needed: InputNeeded | None = None


def _shown(rows: pd.DataFrame, column: str) -> object:
    """The first row's value, or its symbol (published or disclosure) when there is none."""
    if rows.empty:
        return "[x]"
    value = rows[column].iloc[0]
    if pd.notna(value):  # ten significant digits, as the indicator CSV: 9.7, not 9.700000000000001
        return float(f"{value:.10g}")
    note = rows["note"].iloc[0]
    return note if isinstance(note, str) and note.startswith("[") else "[x]"


def _interval(rows: pd.DataFrame) -> str:
    """The first row's 95% interval as text (``"12.6 to 21.5"``), or its symbol."""
    if rows.empty or pd.isna(rows["lower_ci_95"].iloc[0]):
        return str(_shown(rows, "value"))
    return f"{rows['lower_ci_95'].iloc[0]:.1f} to {rows['upper_ci_95'].iloc[0]:.1f}"


def _pick(rows: pd.DataFrame, indicator: str, code: str, period: str,
          group: str) -> pd.DataFrame:
    return rows[(rows["indicator_id"] == indicator) & (rows["area_code"] == code)
                & (rows["period"] == period) & (rows["breakdown"] == group)]


def comparator_areas_present(config: Config, rows: pd.DataFrame, path: object
                             ) -> tuple[ComparatorAreas, list[str]]:
    """The council's comparator areas, leaving out neighbours DfE's file does not hold.

    DfE's latest file by social care group is older than today's neighbour lists, so a council
    created since (Westmorland and Furness, 2023) is named in the table's notes rather than
    stopping the chapter. England, the region and the council itself must be there.

    Returns
    -------
    (ComparatorAreas, list of str)
        The areas, and the neighbours left out (as ``"<name> (<code>)"``).
    """
    present = set(rows["area_code"])
    wanted = comparator_codes(config)
    wanted[config.area.code] = config.area.name
    absent_neighbours = {canonical_code(c) for c in config.neighbours
                         if missing_areas(present, {c: ""})}
    required = {c: label for c, label in wanted.items()
                if canonical_code(c) not in absent_neighbours}
    missing = missing_areas(present, required)
    if missing:
        raise JsnaInputError(f"{path}: no rows for {', '.join(missing)}")
    left_out = [f"{label.removeprefix('statistical neighbour ')} ({c})"
                for c, label in wanted.items() if canonical_code(c) in absent_neighbours]
    neighbours = [canonical_code(c) for c in config.neighbours
                  if canonical_code(c) not in absent_neighbours]
    return ComparatorAreas(canonical_code(config.area.code),
                           canonical_code(config.area.region_code), config.area.region_name,
                           neighbours, council_name=config.area.name), left_out


def _published(config: Config) -> tuple[pd.DataFrame, pd.DataFrame, ComparatorAreas, list[str]]:
    """DfE's figures through the pipeline: every council (quartile bands), then the council,
    region, England and neighbours kept."""
    path = config.inputs.comparators["cin_by_sen"]
    rows = published_rows(read_cin_by_sen(path))
    areas, left_out = comparator_areas_present(config, rows, path)
    keep = rows["area_type"].isin(["England", "Local authority"]) | (
        rows["area_code"] == areas.region_code)
    indicators, audit = indicator_pipeline(rows[keep], config=config, areas=areas)
    return (indicators[indicators["area_code"].isin(areas.codes)].reset_index(drop=True), audit,
            areas, left_out)


#: Published table key -> (indicator, words in its caption).
PUBLISHED_TABLES = {"published_ehc_plan": (EHC_PLAN, "with an EHC plan"),
                    "published_sen_support": (SEN_SUPPORT, "on SEN support")}


def _published_table(indicators: pd.DataFrame, areas: ComparatorAreas, period: str,
                     council: str, left_out: list[str], key: str) -> Table:
    """One row per social care group: the council's share, interval and comparisons, beside the
    region, England and the neighbours' average."""
    indicator, words = PUBLISHED_TABLES[key]
    records = []
    for group in COUNCIL_GROUPS:
        mine = _pick(indicators, indicator, areas.council, period, group)
        neighbours = indicators[(indicators["indicator_id"] == indicator)
                                & indicators["area_code"].isin(areas.neighbours)
                                & (indicators["period"] == period)
                                & (indicators["breakdown"] == group)]["value"]
        records.append({
            "Group": group,
            f"{council} (%)": _shown(mine, "value"),
            "95% CI": _interval(mine),
            f"{areas.region_name} (%)": _shown(
                _pick(indicators, indicator, areas.region_code, period, group), "value"),
            "England (%)": _shown(_pick(indicators, indicator, "E92000001", period, group),
                                  "value"),
            "Neighbours (%)": (neighbours.mean() if neighbours.notna().any()
                                        else "[x]"),
            "Compared with England": mine["compared_to_england"].iloc[0] if len(mine) else "",
            "Compared with neighbours": (mine["compared_to_neighbours"].iloc[0] if len(mine)
                                         else ""),
        })
    frame = pd.DataFrame.from_records(records)
    percent = [c for c in frame.columns if c.endswith("(%)")]
    return Table(
        name=f"{KEY}_{key}",
        caption=(f"School-age children in need, on a child protection plan and looked after "
                 f"{words}, {council}, {areas.region_name}, England and statistical "
                 f"neighbours, {period}"),
        frame=frame, formats={c: "percent" for c in percent}, row_header="Group",
        notes=[SOURCE, "Children matched to the school census, at 31 March. The groups do not "
               "overlap: looked after for 12 months or more; on a child protection plan and not "
               "looked after; in need and neither. Neighbours (%) is the unweighted average of "
               "the statistical neighbours.",
               *([f"Not in DfE's {period} file, so left out of the neighbours: "
                  f"{', '.join(left_out)}."] if left_out else []),
               CI_NOTE, SYMBOLS])


def _local(config: Config, areas: ComparatorAreas) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The extract's children on 31 March, linked to the census, as indicator rows."""
    year = config.year
    pupils = load_pupils(config)
    pupils = pupils[pupils["census_year"] == year]
    status = status_at_31_march(cleaned_cin(config).records, year)
    linked = link_to_census(status, pupils)
    period = academic_year_label(year)
    rows = local_rows(linked, area_code=areas.council, area_name=config.area.name,
                      period=period)
    unlinked = unlinked_counts(linked)
    reasons = not_found_rows(unlinked, area_code=areas.council, area_name=config.area.name,
                             period=period)
    # found + not found = the group, found + each reason = all children in need (the catalogue's
    # "rest of" relations): a small number not found, or a small reason, is hidden with a
    # second cell, so no published total minus published parts gives it
    indicators, audit = indicator_pipeline(pd.concat([rows, reasons], ignore_index=True),
                                           config=config, areas=areas)
    return indicators, audit


def _local_table(local: pd.DataFrame, published: pd.DataFrame, config: Config,
                 areas: ComparatorAreas, latest: str) -> Table:
    """Per group: children, found in the census, SEN shares of those found, beside DfE's."""
    period = academic_year_label(config.year)
    records = []
    for group in LOCAL_GROUPS:
        link = _pick(local, LINKED, areas.council, period, group)
        record = {"Group": group,
                  "Children": _shown(link, "denominator"), "Found in the census": _shown(
                      link, "count"),
                  "Found (%)": _shown(link, "value")}
        for indicator, label in LOCAL_MEASURES.items():
            row = _pick(local, indicator, areas.council, period, group)
            record[f"{label} (%)"] = _shown(row, "value")
            record[f"{label} 95% CI"] = _interval(row)
        published_ehcp = _pick(published, EHC_PLAN, areas.council, latest, group)
        record[f"DfE {latest}: EHC plan (%)"] = (_shown(published_ehcp, "value")
                                                 if group in COUNCIL_GROUPS else "[z]")
        records.append(record)
    frame = pd.DataFrame.from_records(records)
    formats = {c: "count" for c in ("Children", "Found in the census")}
    formats |= {c: "percent" for c in frame.columns if c.endswith("(%)")}
    return Table(
        name=f"{KEY}_local_by_group",
        caption=(f"Children in need, on a child protection plan and looked after on 31 March "
                 f"{config.year} in {config.area.name}'s extract: found in the January "
                 f"{config.year} census, and SEN support and EHC plans of those found"),
        frame=frame, formats=formats, row_header="Group",
        notes=[LOCAL_SOURCE, "Percentages of SEN support and EHC plans are of the children "
               "found in the census. Children not found (under or over school age, educated "
               "outside the council's schools, or without a UPN in the extract) are counted, "
               "not dropped (by reason in the next table). The first three groups overlap; the last three are DfE's groups, "
               f"which do not. DfE's figure is its latest ({latest}); [z] = DfE publishes no "
               "figure for that group by council.", CI_NOTE, SYMBOLS])


def _unlinked_table(local: pd.DataFrame, config: Config, council_code: str) -> Table | None:
    """Why children in need were not found in the census (all children in need only: by group
    the reasons would be too small to publish), from the disclosure-controlled indicator rows
    (a hidden count shows ``[c]``, as in the indicator table). None when both reasons are
    hidden (the table would say nothing the table by group does not)."""
    period = academic_year_label(config.year)
    group = "Children in need"
    link = _pick(local, LINKED, council_code, period, group)
    reasons = [_pick(local, NOT_FOUND, council_code, period, reason)
               for reason in (NO_UPN, NOT_IN_CENSUS)]
    shown = [_shown(rows, "count") for rows in reasons]
    if not any(isinstance(value, float) for value in shown):
        return None
    frame = pd.DataFrame({"Children in need": ["Found in the census", NO_UPN, NOT_IN_CENSUS,
                                               "All children in need"],
                          "Children": [_shown(link, "count"), *shown,
                                       _shown(link, "denominator")]})
    return Table(
        name=f"{KEY}_linkage", frame=frame, formats={"Children": "count"},
        caption=(f"Children in need on 31 March {config.year} in {config.area.name}'s extract, "
                 f"found and not found in the January {config.year} census, by reason"),
        row_header="Children in need",
        notes=[LOCAL_SOURCE, "Children without a UPN are mostly under school age; a UPN not in "
               "the census belongs to a child above school age, educated outside the council's "
               "schools or at home, or recorded with a wrong UPN.", SYMBOLS])


def _unlinked_rules(council_code: str, period: str) -> TableRules:
    """The linkage table as published: found + each reason = all, and its found and all are the
    linkage indicator's count and denominator."""
    return TableRules(
        key=["Children in need"], counts=["Children"],
        relations=[RowTotal(total={"Children in need": "All children in need"},
                            parts={"Children in need": ["Found in the census", NO_UPN,
                                                        NOT_IN_CENSUS]}),
                   *(SameCells(INDICATOR_TABLE, on=[], rows={"Children in need": label},
                               other_rows={"indicator_id": LINKED, "area_code": council_code,
                                           "period": period, "breakdown": "Children in need"},
                               columns={"Children": column})
                     for label, column in (("Found in the census", "count"),
                                           ("All children in need", "denominator"))),
                   *(SameCells(INDICATOR_TABLE, on=[], rows={"Children in need": reason},
                               other_rows={"indicator_id": NOT_FOUND, "area_code": council_code,
                                           "period": period, "breakdown": reason},
                               columns={"Children": "count"})
                     for reason in (NO_UPN, NOT_IN_CENSUS))])


def _local_rules(table: Table, council_code: str, period: str) -> TableRules:
    """The local table as published: its children and found repeat the linkage indicator rows."""
    counts = ["Children", "Found in the census"]
    return TableRules(
        key=["Group"], counts=counts,
        derived={"Found (%)": counts},
        rests=[Rest(total="Children", parts="Found in the census")],
        relations=[SameCells(INDICATOR_TABLE, on={"Group": "breakdown"},
                             other_rows={"indicator_id": LINKED, "area_code": council_code,
                                         "period": period},
                             columns={"Children": "denominator",
                                      "Found in the census": "count"})])


def missing_input_chapter(config: Config) -> SocialCareChapter:
    """The chapter of a council without DfE's file: a box naming the input to set."""
    text = sentence(WORDING.fill("missing_input", url=URL))
    return SocialCareChapter(KEY, TITLE, Findings([text], heading="Input needed"),
                             indicators=pd.DataFrame(columns=INDICATOR_COLUMNS))


def build(config: Config) -> SocialCareChapter:
    """Build the children in need and looked after chapter.

    Parameters
    ----------
    config : Config
        Uses ``inputs.comparators.cin_by_sen`` (without it the chapter is a box naming it) and,
        when set, ``inputs.cin_extract`` with the January census of ``jsna.year``.

    Returns
    -------
    SocialCareChapter
        Findings, tables, figures, indicator rows, disclosure audit, and ``input_needed`` (a
        box naming the local extract when it is not configured).

    Raises
    ------
    JsnaInputError
        When a file cannot be read or lacks the council, England, the region or a neighbour.
    """
    if config.inputs.comparators.get("cin_by_sen") is None:
        return missing_input_chapter(config)
    area = config.area
    published, audit, areas, left_out = _published(config)
    latest = max(published["period"])
    tables = {key: _published_table(published, areas, latest, area.name, left_out, key)
              for key in PUBLISHED_TABLES}
    rules = {table.name: TableRules(key=["Group"], counts=[]) for table in tables.values()}
    group = COUNCIL_GROUPS[2]  # looked after for 12 months or more
    points = published[(published["indicator_id"] == EHC_PLAN) & (published["period"] == latest)
                       & (published["breakdown"] == group)
                       & published["area_code"].isin([areas.council, *areas.neighbours])]
    england = _pick(published, EHC_PLAN, "E92000001", latest, group)
    mine = f"{area.name} (this council)"
    figures = {"neighbours": compare_chart(
        points[["area_name", "value", "lower_ci_95", "upper_ci_95"]].assign(
            area_name=points["area_name"].where(points["area_code"] != areas.council, mine)),
        name=f"{KEY}_looked_after_ehcp_neighbours",
        caption=(f"School-age children looked after for 12 months or more with an EHC plan, "
                 f"{area.name} and its statistical neighbours, {latest}"),
        measure="percentage of school-age children looked after for 12 months or more who had "
                "an EHC plan", x_label="Per cent with an EHC plan", highlight=mine,
        others="Statistical neighbours",
        benchmark=(("England", float(england["value"].iloc[0]))
                   if len(england) and pd.notna(england["value"].iloc[0]) else None),
        source=SOURCE)}
    sentences = _published_findings(published, areas, area.name, latest)
    indicators = [published]
    box = None
    if config.inputs.cin_extract is None:
        box = InputNeeded(sentence(WORDING.fill("missing_extract", year=config.year)))
    elif config.year not in config.inputs.census:
        box = InputNeeded(sentence(WORDING.fill("missing_census", year=config.year)))
    else:
        local, local_audit = _local(config, areas)
        audit = pd.concat([audit, local_audit], ignore_index=True)
        indicators.append(local)
        period = academic_year_label(config.year)
        table = _local_table(local, published, config, areas, latest)
        tables["local_by_group"] = table
        rules[table.name] = _local_rules(table, areas.council, period)
        linkage = _unlinked_table(local, config, areas.council)
        if linkage is not None:
            tables["linkage"] = linkage
            rules[linkage.name] = _unlinked_rules(areas.council, period)
        sentences = _local_findings(local, areas, config) + sentences
    return SocialCareChapter(KEY, TITLE, Findings(sentences), tables, figures,
                             pd.concat(indicators, ignore_index=True), audit, rules,
                             input_needed=box)


def _value(rows: pd.DataFrame, indicator: str, code: str, period: str,
           group: str) -> pd.Series | None:
    chosen = _pick(rows, indicator, code, period, group)
    if chosen.empty or pd.isna(chosen["value"].iloc[0]):
        return None
    return chosen.iloc[0]


def _published_findings(published: pd.DataFrame, areas: ComparatorAreas, council: str,
                        period: str) -> list[str]:
    """DfE's EHC plan share for each group, and SEN support for the looked after, vs England."""
    out = []
    wanted = [(group, EHC_PLAN, "published_ehcp") for group in reversed(COUNCIL_GROUPS)]
    wanted.append((COUNCIL_GROUPS[2], SEN_SUPPORT, "published_support"))
    for group, indicator, template in wanted:
        mine = _value(published, indicator, areas.council, period, group)
        england = _value(published, indicator, "E92000001", period, group)
        if mine is None or england is None:
            continue
        out.append(sentence(WORDING.fill(
            template, period=period, value=mine["value"], council=council,
            group=WORDING.pick("group", group), england=england["value"],
            relation=WORDING.pick("compared", mine["compared_to_england"]))))
    return out


def _local_findings(local: pd.DataFrame, areas: ComparatorAreas, config: Config) -> list[str]:
    """Linkage and SEN shares of the council's own children in need (never typed numbers)."""
    period = academic_year_label(config.year)
    out = []
    link = _value(local, LINKED, areas.council, period, "Children in need")
    if link is not None:
        out.append(sentence(WORDING.fill("local_linked", children=link["denominator"],
                                         linked=link["count"], share=link["value"],
                                         year=config.year)))
    support = _value(local, LOCAL_SEN_SUPPORT, areas.council, period, "Children in need")
    ehcp = _value(local, LOCAL_EHC_PLAN, areas.council, period, "Children in need")
    if support is not None and ehcp is not None:
        out.append(sentence(WORDING.fill("local_shares", support=support["value"],
                                         ehcp=ehcp["value"])))
    looked_after = _value(local, LOCAL_EHC_PLAN, areas.council, period, "Looked after")
    if looked_after is not None:
        out.append(sentence(WORDING.fill("local_looked_after", ehcp=looked_after["value"])))
    return out

