"""The EHC chapter's local sections, from the council's SEN2 casework extract.

When ``inputs.sen2_extract`` is configured, the extract is cleaned (:mod:`jsna.clean.sen2`, with
the census salt) and :mod:`jsna.indicators.casework` works out, for the full calendar years before
the extract date: requests, decisions, assessments and plans issued; the 20-week percentage with
and without exceptions beside DfE's published figures; weeks from request to plan. At the extract
date: children waiting and how long, annual reviews due and done, and, at the January census date
of the JSNA year, plans by age band, need and setting and their reconciliation with DfE's SEN2
caseload row. Every table passes disclosure control together (:func:`protect_local_tables`)
before anything is shown or said. Without the extract, :class:`MissingExtract` is shown instead.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from jsna.clean.sen2 import default_extract_date
from jsna.clean.sen2_codes import CEASE_REASON_NAMES, SETTING_NAMES
from jsna.cleaned import cleaned_sen2
from jsna.config import Config
from jsna.disclosure import (
    INDICATOR_TABLE,
    SUPPRESSED,
    Cells,
    Equation,
    Relation,
    Rest,
    RowTotal,
    SameCells,
    TableRules,
    apply_disclosure,
    format_suppressed,
)
from jsna.indicator_disclosure import indicator_table_rules, withdraw_hidden_trends
from jsna.indicators import casework as cw
from jsna.indicators.comparisons import ComparatorAreas, add_statistics, add_value_statistics
from jsna.indicators.table import finalise
from jsna.sen_need_codes import NEED_NAMES
from jsna.stats.ci import wilson_limits
from jsna.viz.charts import trend_chart
from jsna.viz.display import Figure, Table

#: Quartiles of the weeks from request to plan (each worked out from the plans counted).
WAIT_COLUMNS = ("Median weeks", "Lower quartile (weeks)", "Upper quartile (weeks)")
SOURCE = "Source: the council's SEN2 casework extract (cleaned, pseudonymised)."
SYMBOL = "[c] = suppressed (a small number, or one that would reveal a small number)."
PREFIX = "ehcp_local"
#: The reasons a plan ceased, in the ceased table's order (before its "All reasons").
_REASONS = [*CEASE_REASON_NAMES.values(), "Not recorded"]


@dataclass(frozen=True)
class MissingExtract:
    """A short box in place of the local sections when the extract is not configured."""

    def _repr_html_(self) -> str:
        return ('<aside class="missing-input" role="note"><p>The local sections (children '
                "waiting for an assessment and for how long, 20-week timeliness from casework, "
                "annual reviews, ceased plans, plans by age and setting, and the reconciliation "
                "with DfE's figures) need <code>inputs.sen2_extract</code>: the council's "
                "person-level SEN2 casework extract (CSV or XLSX). Add it to jsna.toml and "
                "refresh.</p></aside>")

    def _repr_markdown_(self) -> str:
        return ("> The local sections need `inputs.sen2_extract`: the council's person-level "
                "SEN2 casework extract. Add it and refresh.")


@dataclass
class LocalSections:
    """The local tables and figures (already through disclosure control) and what they say."""

    tables: dict[str, Table]
    figures: dict[str, Figure]
    #: The casework figures as rows of the long indicator table, after disclosure control.
    indicators: pd.DataFrame
    findings: list[str]
    rules: dict[str, TableRules]
    disclosure: pd.DataFrame
    extract_date: datetime.date


def _years(config: Config, until: datetime.date) -> list[int]:
    """Full calendar years up to the extract date, at most five."""
    last = until.year if until >= datetime.date(until.year, 12, 31) else until.year - 1
    return list(range(last - 4, last + 1))


def _long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def local_rules(years: list[str], area_code: str | None = None) -> dict[str, TableRules]:
    """Disclosure rules of the local tables, keyed by short name (see the module docstring).

    With the council's ``area_code``, the tables whose counts are also rows of the indicator
    table (:func:`jsna.indicators.casework.indicator_rows`) declare them the same cells, so
    they are protected together and the site gate checks them together.
    """
    requests = ["Requests received", "Agreed to assess", "Refused", "Assessments completed",
                "Plans issued"]
    timely = ["Plans with a request date", "Within 20 weeks",
              "Plans without an exception", "Within 20 weeks, excluding exceptions"]
    bands = list(cw.WAIT_BANDS)
    groups = [*cw.AGE_BANDS, *NEED_NAMES.values(), *SETTING_NAMES.values(), cw.NOT_KNOWN]
    reasons = _REASONS
    plans_name = f"{PREFIX}_plans"
    rules = {
        "requests": TableRules(key=["Calendar year"], counts=requests),
        "timeliness": TableRules(
            key=["Calendar year"], counts=timely,
            derived={"Within 20 weeks (%)": timely[:2],
                     "Within 20 weeks, excluding exceptions (%)": timely[2:]},
            rests=[Rest(total=timely[0], parts=timely[1]), Rest(total=timely[2], parts=timely[3])]),
        # the same plans as the timeliness table's first count
        "waits": TableRules(
            key=["Calendar year"], counts=["Plans with a request date"],
            derived={c: ["Plans with a request date"] for c in WAIT_COLUMNS},
            relations=[SameCells(f"{PREFIX}_timeliness", on=["Calendar year"],
                                 columns={"Plans with a request date":
                                          "Plans with a request date"})]),
        "backlog": TableRules(key=["Weeks waited"], counts=["Children waiting"], relations=[
            RowTotal(total={"Weeks waited": "All waiting"}, parts={"Weeks waited": bands})]),
        "plans": TableRules(
            key=["Breakdown", "Group"], counts=["Plans"],
            relations=[RowTotal(total={"Group": "All plans"}, parts={"Group": groups},
                                within=["Breakdown"]),
                       *[Equation(total=Cells(plans_name, {"Breakdown": "Age band",
                                                           "Group": "All plans"}, "Plans"),
                                  parts=[Cells(plans_name, {"Breakdown": other,
                                                            "Group": "All plans"}, "Plans")])
                         for other in ("Primary need", "Setting")]]),
        "reviews": TableRules(key=["Date"], counts=["Plans due an annual review",
                                                    "Reviewed within 12 months"],
                              derived={"Reviewed within 12 months (%)": [
                                  "Plans due an annual review", "Reviewed within 12 months"]},
                              rests=[Rest(total="Plans due an annual review",
                                          parts="Reviewed within 12 months")]),
        # one column per calendar year: the reasons add up to "All reasons" in each
        "ceased": TableRules(key=["Reason"], counts=list(years),
                             relations=[RowTotal(total={"Reason": "All reasons"},
                                                 parts={"Reason": reasons})]),
        # the plans in the extract on the census date are the plans table's "All plans"
        "reconciliation": TableRules(
            key=["January"], counts=["Plans in the extract"],
            derived={"Difference": ["Plans in the extract"]},
            relations=[Equation(total=Cells(f"{PREFIX}_reconciliation", {},
                                            "Plans in the extract"),
                                parts=[Cells(plans_name, {"Breakdown": "Age band",
                                                          "Group": "All plans"}, "Plans")])]),
    }
    if area_code is None:
        return rules
    for short, relations in _indicator_relations(years, area_code).items():
        rules[short] = replace(rules[short], relations=[*rules[short].relations, *relations])
    return rules


def _indicator_relations(years: list[str], area_code: str) -> dict[str, list[Relation]]:
    """The local tables' counts that are also indicator rows (see :func:`local_rules`)."""

    def rows(indicator: str, **more: str) -> dict[str, str]:
        return {"indicator_id": indicator, "area_code": area_code, **more}

    bands = list(cw.WAIT_BANDS)
    ceased = [SameCells(INDICATOR_TABLE, on={"Reason": "breakdown"},
                        rows={"Reason": [r for r in _REASONS]},
                        other_rows=rows(cw.CEASED, period=year), columns={year: "count"})
              for year in years]
    ceased += [SameCells(INDICATOR_TABLE, on=[], rows={"Reason": "All reasons"},
                         other_rows=rows(cw.CEASED, period=year), columns={year: "denominator"})
               for year in years]
    return {
        "timeliness": [
            SameCells(INDICATOR_TABLE, on={"Calendar year": "period"}, other_rows=rows(cw.TIMELY),
                      columns={"Within 20 weeks": "count",
                               "Plans with a request date": "denominator"}),
            SameCells(INDICATOR_TABLE, on={"Calendar year": "period"},
                      other_rows=rows(cw.TIMELY_EX),
                      columns={"Within 20 weeks, excluding exceptions": "count",
                               "Plans without an exception": "denominator"})],
        "backlog": [
            SameCells(INDICATOR_TABLE, on={"Weeks waited": "breakdown"},
                      rows={"Weeks waited": bands}, other_rows=rows(cw.WAITING),
                      columns={"Children waiting": "count"}),
            SameCells(INDICATOR_TABLE, on=[], rows={"Weeks waited": "All waiting"},
                      other_rows=rows(cw.WAITING), columns={"Children waiting": "denominator"})],
        "reviews": [
            SameCells(INDICATOR_TABLE, on=[], other_rows=rows(cw.REVIEWED),
                      columns={"Reviewed within 12 months": "count",
                               "Plans due an annual review": "denominator"})],
        "ceased": ceased,
    }


def _percent(count: pd.Series, denominator: pd.Series) -> pd.Series:
    count, denominator = (pd.to_numeric(s, errors="coerce") for s in (count, denominator))
    return (100 * count / denominator.where(denominator > 0)).round(1)


def _raw_tables(casework: pd.DataFrame, years: list[int], until: datetime.date, year: int,
                published: float | None, dfe: pd.DataFrame) -> dict[str, pd.DataFrame]:
    activity = cw.yearly_activity(casework, years)
    requests = pd.DataFrame({
        "Calendar year": activity["year"].astype(str),
        "Requests received": activity["requests"], "Agreed to assess": activity["agreed"],
        "Refused": activity["refused"], "Assessments completed": activity["assessments"],
        "Plans issued": activity["plans_issued"]})
    timeliness = pd.DataFrame({
        "Calendar year": activity["year"].astype(str),
        "Plans with a request date": activity["timed_plans"],
        "Within 20 weeks": activity["within_20"],
        "Within 20 weeks (%)": np.nan,
        "Plans without an exception": activity["timed_plans_ex"],
        "Within 20 weeks, excluding exceptions": activity["within_20_ex"],
        "Within 20 weeks, excluding exceptions (%)": np.nan,
        "DfE published, excluding exceptions (%)": activity["year"].astype(str).map(
            dfe.set_index("period")["value"] if not dfe.empty else {}).astype(float)})
    waits = pd.DataFrame({
        "Calendar year": activity["year"].astype(str),
        "Plans with a request date": activity["timed_plans"],
        "Median weeks": activity["weeks_median"].round(1),
        "Lower quartile (weeks)": activity["weeks_q1"].round(1),
        "Upper quartile (weeks)": activity["weeks_q3"].round(1)})
    reviews = cw.annual_reviews_at(casework, until)
    found = cw.january_reconciliation(casework, year, published)
    return {
        "requests": requests,
        "timeliness": timeliness,
        "waits": waits,
        "backlog": cw.backlog_table(casework, until),
        "plans": cw.active_plans_table(casework, found["date"]),
        "reviews": pd.DataFrame({"Date": [_long_date(until)],
                                 "Plans due an annual review": [reviews["due"]],
                                 "Reviewed within 12 months": [reviews["done"]],
                                 "Reviewed within 12 months (%)": [np.nan]}),
        "ceased": cw.ceased_table(casework, years).pivot(
            index="Reason", columns="Calendar year", values="Plans ceased").reindex(
            cw.ceased_table(casework, years[:1])["Reason"]).reset_index().rename_axis(
            columns=None),
        "reconciliation": pd.DataFrame({
            "January": [f"January {year} (census date {_long_date(found['date'])})"],
            "Plans in the extract": [found["extract"]],
            "Plans published by DfE (SEN2)": [found["published"]],
            "Difference": [found["difference"]]}),
    }


def protect_local_tables(raw: dict[str, pd.DataFrame], *, threshold: int,
                         suppress_zeros: bool = False
                         ) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Primary and secondary suppression of every local table together; percentages worked
    out afterwards from the counts left (a hidden count hides its percentage).

    Returns
    -------
    (dict, DataFrame)
        The tables by short name (hidden counts missing, ``note = "[c]"``) and the audit.
    """
    tables, _, audit = protect_local_sections(raw, None, threshold=threshold,
                                              suppress_zeros=suppress_zeros)
    return tables, audit


#: Polarity of each casework indicator (the others have none).
_POLARITY = {cw.TIMELY: "High is good", cw.TIMELY_EX: "High is good",
             cw.REVIEWED: "High is good"}


def casework_indicators(raw: dict[str, pd.DataFrame], until: datetime.date,
                        areas: ComparatorAreas) -> pd.DataFrame:
    """The counts of the raw local tables as indicator rows with Wilson intervals, not yet
    disclosure-controlled (:func:`jsna.indicators.casework.indicator_rows`)."""
    timely = raw["timeliness"]
    activity = pd.DataFrame({
        "year": timely["Calendar year"], "timed_plans": timely["Plans with a request date"],
        "within_20": timely["Within 20 weeks"],
        "timed_plans_ex": timely["Plans without an exception"],
        "within_20_ex": timely["Within 20 weeks, excluding exceptions"]})
    reviews = raw["reviews"].iloc[0]
    ceased = raw["ceased"].melt(id_vars="Reason", var_name="Calendar year",
                                value_name="Plans ceased")
    rows = cw.indicator_rows(activity, raw["backlog"],
                             {"due": reviews["Plans due an annual review"],
                              "done": reviews["Reviewed within 12 months"]},
                             ceased, on=until, area_code=areas.council,
                             area_name=areas.council_name)
    parts = [add_statistics(part, areas, _POLARITY.get(indicator, "Not applicable"))
             for indicator, part in rows.groupby("indicator_id", sort=False)]
    waits = raw["waits"]
    weeks = cw.weeks_to_plan_rows(pd.DataFrame({
        "year": waits["Calendar year"], "timed_plans": waits["Plans with a request date"],
        "weeks_median": waits["Median weeks"]}), area_code=areas.council,
        area_name=areas.council_name)
    parts.append(add_value_statistics(weeks, areas))
    return finalise(pd.concat(parts, ignore_index=True))


def protect_local_sections(raw: dict[str, pd.DataFrame], indicators: pd.DataFrame | None, *,
                           threshold: int, suppress_zeros: bool = False
                           ) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, pd.DataFrame]:
    """Every local table and the casework indicator rows through disclosure control together.

    The indicator rows (from :func:`casework_indicators`) publish the same counts as the
    timeliness, backlog, reviews and ceased tables (:func:`local_rules` with the council's code
    declares them the same cells), so a count hidden in a table is hidden in ``indicators.csv``
    and the other way round, and the catalogue's relations (the bands of weeks waited and the
    reasons a plan ceased partition their denominator) are honoured in both.

    Parameters
    ----------
    raw : dict of DataFrame
        The local tables by short name, before disclosure.
    indicators : DataFrame or None
        The casework indicator rows (None: the tables alone).
    threshold, suppress_zeros
        The council's disclosure settings.

    Returns
    -------
    (dict, DataFrame, DataFrame)
        The tables (hidden counts missing, ``note = "[c]"``; percentages worked out from the
        counts left), the indicator rows in the long table's columns (a hidden row has no
        value, interval or comparison; empty without ``indicators``) and the audit.
    """
    years = list(raw["requests"]["Calendar year"])
    named = {f"{PREFIX}_{short}": frame for short, frame in raw.items()}
    if indicators is None:
        rules = {f"{PREFIX}_{short}": rule for short, rule in local_rules(years).items()}
    else:
        council = str(indicators["area_code"].iloc[0])
        rules = {f"{PREFIX}_{short}": rule
                 for short, rule in local_rules(years, council).items()}
        named[INDICATOR_TABLE] = indicators
        rules[INDICATOR_TABLE] = indicator_table_rules(indicators, council_code=council)
    protected, audit = apply_disclosure(named, rules, threshold=threshold,
                                        suppress_zeros=suppress_zeros)
    out = {short: protected[f"{PREFIX}_{short}"] for short in raw}
    rows = withdraw_hidden_trends(finalise(protected.get(INDICATOR_TABLE, pd.DataFrame())))
    for column in ("compared_to_england", "compared_to_region", "compared_to_neighbours",
                   "recent_trend", "quartile_band"):
        rows.loc[rows["note"] == SUPPRESSED, column] = ""
    timely = out["timeliness"]
    timely["Within 20 weeks (%)"] = _percent(timely["Within 20 weeks"],
                                             timely["Plans with a request date"])
    timely["Within 20 weeks, excluding exceptions (%)"] = _percent(
        timely["Within 20 weeks, excluding exceptions"], timely["Plans without an exception"])
    waits = out["waits"]
    for column in WAIT_COLUMNS:  # a hidden number of plans hides its quartiles
        waits[column] = waits[column].where(waits["Plans with a request date"].notna())
    reviews = out["reviews"]
    reviews["Reviewed within 12 months (%)"] = _percent(reviews["Reviewed within 12 months"],
                                                        reviews["Plans due an annual review"])
    recon = out["reconciliation"]
    recon["Difference"] = recon["Difference"].where(recon["Plans in the extract"].notna())
    return out, rows, audit


def build_local(config: Config, dfe_timeliness: pd.DataFrame, published: float | None,
                areas: ComparatorAreas) -> LocalSections | None:
    """The local sections, or None when ``inputs.sen2_extract`` is not configured.

    Parameters
    ----------
    config : Config
        The council's configuration.
    dfe_timeliness : DataFrame
        The council's published 20-week percentage excluding exceptions (``period, value``,
        after disclosure), shown beside the local one.
    published : float or None
        The council's plans in DfE's caseload file for the JSNA year's January.
    areas : ComparatorAreas
        The council's codes and names (its casework indicator rows carry them).
    """
    if config.inputs.sen2_extract is None:
        return None
    until = config.sen2.extract_date or default_extract_date(config.year)
    casework = cleaned_sen2(config).casework.to_pandas()
    years = _years(config, until)
    raw = _raw_tables(casework, years, until, config.year, published, dfe_timeliness)
    tables_, indicators, audit = protect_local_sections(
        raw, casework_indicators(raw, until, areas), threshold=config.disclosure.threshold,
        suppress_zeros=config.disclosure.suppress_zeros)
    tables = _display(tables_, config, until, years)
    figures = {"timeliness": _timeliness_chart(tables_["timeliness"], config, years)}
    rules = {tables[short].name: rule for short, rule in local_rules(
        [str(y) for y in years], areas.council).items()}
    return LocalSections(tables=tables, figures=figures, indicators=indicators,
                         findings=_findings(tables_, config.area.name, until, years),
                         rules=rules, disclosure=audit, extract_date=until)


def _display(tables: dict[str, pd.DataFrame], config: Config, until: datetime.date,
             years: list[int]) -> dict[str, Table]:
    span = f"{years[0]} to {years[-1]}"
    name = config.area.name
    on = _long_date(until)
    notes = [SOURCE, SYMBOL]
    spec = {
        "requests": (f"Requests for an EHC needs assessment, decisions, assessments completed "
                     f"and new plans issued, {name}, {span}",
                     ["Requests and decisions by the calendar year of the request; assessments "
                      "and plans by the year they were completed or issued. New plans exclude "
                      "plans that came with a child from another council."]),
        "timeliness": (f"New EHC plans issued within 20 weeks of the request, from casework, "
                       f"with DfE's published figure, {name}, {span}",
                       ["Within 20 weeks: issued no more than 140 days after the request. "
                        "Excluding exceptions leaves out plans recorded as a permitted "
                        "exception to the 20-week timeframe (as DfE does). DfE's figure is "
                        "from the published SEN2 file."]),
        "waits": (f"Weeks from the request to the new EHC plan: median and quartiles, {name}, "
                  f"{span}",
                  ["Weeks = days from the request to the plan divided by 7; quartiles by "
                   "linear interpolation between the ordered waits."]),
        "backlog": (f"Children and young people waiting for an EHC needs assessment decision, "
                    f"assessment or plan on {on}, by weeks waited, {name}",
                    ["Waiting: a request received and no decision not to assess, withdrawal, "
                     "decision not to issue a plan or plan by that date. Weeks waited are "
                     "completed weeks since the request."]),
        "plans": (f"EHC plans maintained on the January {config.year} census date by age band, "
                  f"primary need and setting, {name}",
                  ["Age on 31 August before the census date, as DfE counts it. Settings follow "
                   "the groups of DfE's SEN2 caseload file."]),
        "reviews": (f"Annual reviews of EHC plans due and held within 12 months, on {on}, "
                    f"{name}",
                    ["Due: plans active on the date that began at least 12 months before it. "
                     "Held within 12 months: the latest review meeting is in the 12 months up "
                     "to the date."]),
        "ceased": (f"EHC plans ceased by reason and calendar year, {name}, {span}",
                   ["Reasons as in DfE's ceased plans file; 'Not recorded' when the extract "
                    "gives none."]),
        "reconciliation": (f"EHC plans on the January {config.year} census date: the casework "
                           f"extract beside DfE's published SEN2 count, {name}",
                           ["Difference = extract - published. A difference can come from "
                            "records corrected since the return, plans ceased or transferred "
                            "late, or rows the cleaner set aside (see its validation report)."]),
    }
    formats = {
        "Within 20 weeks (%)": "percent", "Within 20 weeks, excluding exceptions (%)": "percent",
        "DfE published, excluding exceptions (%)": "percent", "Median weeks": "decimal",
        "Plans with a request date": "count",
        "Lower quartile (weeks)": "decimal", "Upper quartile (weeks)": "decimal",
        "Reviewed within 12 months (%)": "percent", "Plans published by DfE (SEN2)": "count",
        "Difference": "count",
    }
    counts = {short: rule.counts for short, rule in local_rules([str(y) for y in years]).items()}
    out = {}
    for short, frame in tables.items():
        caption, extra = spec[short]
        shown = format_suppressed(frame).drop(columns="note", errors="ignore")
        out[short] = Table(
            name=f"{PREFIX}_{short}", caption=caption, frame=shown.reset_index(drop=True),
            formats={**{c: "count" for c in counts[short]},
                     **{c: f for c, f in formats.items() if c in shown.columns}},
            notes=[*extra, *notes])
    return out


def _timeliness_chart(timely: pd.DataFrame, config: Config, years: list[int]) -> Figure:
    rows = []
    for label, count, denominator in (
            ("Casework, including exceptions", "Within 20 weeks", "Plans with a request date"),
            ("Casework, excluding exceptions", "Within 20 weeks, excluding exceptions",
             "Plans without an exception")):
        k = pd.to_numeric(timely[count], errors="coerce")
        n = pd.to_numeric(timely[denominator], errors="coerce")
        lower, upper = wilson_limits(k, n)
        rows.append(pd.DataFrame({"area_name": label, "period": timely["Calendar year"],
                                  "value": (100 * k / n.where(n > 0)).to_numpy(),
                                  "lower_ci_95": 100 * lower, "upper_ci_95": 100 * upper}))
    rows.append(pd.DataFrame({"area_name": "DfE published, excluding exceptions",
                              "period": timely["Calendar year"],
                              "value": timely["DfE published, excluding exceptions (%)"]}))
    data = pd.concat(rows, ignore_index=True)
    return trend_chart(
        data, name=f"{PREFIX}_timeliness",
        caption=(f"New EHC plans issued within 20 weeks, {config.area.name}: casework with and "
                 f"without exceptions, and DfE's published figure, {years[0]} to {years[-1]}"),
        measure="percentage of new EHC plans issued within 20 weeks", y_label="Per cent",
        highlight="Casework, excluding exceptions", source=SOURCE)


def _findings(tables: dict[str, pd.DataFrame], council: str, until: datetime.date,
              years: list[int]) -> list[str]:
    """Sentences from the protected tables only (a hidden number is never said)."""
    out = []
    backlog = tables["backlog"].set_index("Weeks waited")["Children waiting"]
    total, long_wait = backlog.get("All waiting"), backlog.get("52 weeks or more")
    if pd.notna(total):
        text = (f"On {_long_date(until)}, {int(total):,} children and young people were waiting "
                f"for a decision, an EHC needs assessment or a plan in {council}'s casework")
        over = backlog.get("20 to 51 weeks")
        if pd.notna(over) and pd.notna(long_wait):
            text += (f"; {int(over) + int(long_wait):,} had waited 20 weeks or more, "
                     f"{int(long_wait):,} of them a year or more")
        out.append(text + ".")
    timely = tables["timeliness"].set_index("Calendar year")
    last = str(years[-1])
    if last in timely.index and pd.notna(timely.loc[last, "Within 20 weeks, excluding exceptions (%)"]):
        row = timely.loc[last]
        text = (f"In {last} the casework shows {row['Within 20 weeks, excluding exceptions (%)']:.1f}% "
                f"of new plans issued within 20 weeks excluding exceptions "
                f"({row['Within 20 weeks (%)']:.1f}% including them)")
        if pd.notna(row["DfE published, excluding exceptions (%)"]):
            text += f"; DfE published {row['DfE published, excluding exceptions (%)']:.1f}%"
        out.append(text + ".")
    reviews = tables["reviews"].iloc[0]
    if pd.notna(reviews["Reviewed within 12 months (%)"]):
        out.append(f"{reviews['Reviewed within 12 months (%)']:.1f}% of the plans due an annual "
                   f"review on {_long_date(until)} had one in the previous 12 months.")
    recon = tables["reconciliation"].iloc[0]
    if pd.notna(recon["Difference"]) and pd.notna(recon["Plans published by DfE (SEN2)"]):
        # the difference itself is in the table: said here, a small one would read as a count
        out.append(f"On the January census date the extract holds "
                   f"{int(recon['Plans in the extract']):,} plans; DfE published "
                   f"{int(recon['Plans published by DfE (SEN2)']):,} from the council's SEN2 "
                   f"return (the reconciliation table gives the difference).")
    return out


def local_section(chapter_tables: dict[str, Table], short: str) -> Table | MissingExtract | None:
    """A local table for the notebook; without the extract, the box naming the input that would
    fill it in place of the first section (``backlog``) and nothing in place of the others."""
    table = chapter_tables.get(f"local_{short}")
    if table is not None:
        return table
    return MissingExtract() if short == "backlog" else None


def local_figure(chapter_figures: dict[str, Figure], short: str) -> Figure | None:
    """A local figure for the notebook, or nothing (the tables' box already names the input)."""
    return chapter_figures.get(f"local_{short}")


