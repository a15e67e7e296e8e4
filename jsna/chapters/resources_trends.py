"""The resources chapter's trend sections: SEN services spending per child with a plan (LAIT) and
mediation followed by a Tribunal appeal (DfE's SEN2 management information).

* **SEN services weekly cost** — LAIT's ``SENFinance`` (see
  :func:`jsna.indicators.resources.sen_unit_cost_rows` for its definition): pounds a week per
  child with a statement or EHC plan in January, cash terms, rounded by DfE to the nearest £5. A
  published unit cost without its parts has no interval: compared with England, the region and
  the neighbours' unweighted average by the size of the difference only.
* **Mediation followed by an appeal** — of the mediation cases held in a calendar year, the
  percentage followed by an appeal to the SEND Tribunal, with Wilson 95% intervals, compared by
  interval overlap, the recent trend and disclosure control (through the chapter's
  :func:`jsna.chapters.resources.proportion_pipeline`).

A council formed by a merger (Bournemouth, Christchurch and Poole; Dorset, both April 2019) has
no figure of its own for the years before it existed: its predecessors' rows keep their own codes
and are never added up (an education series has no row for Christchurch, which was part of Dorset
county, so Bournemouth + Poole would be a partial area). Those years are shown as ``[x]`` with a
note saying why (:func:`formed_note`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from jsna.chapters.wording import Wording, sentence
from jsna.disclosure import INDICATOR_TABLE, SUPPRESSED, SameCells, TableRules
from jsna.indicators.comparisons import ENGLAND, ComparatorAreas
from jsna.indicators.resources import MEDIATION_APPEAL_SHARE, SEN_SERVICES_WEEKLY_COST
from jsna.sources.la_codes import CODE_CHANGES
from jsna.viz.charts import trend_chart
from jsna.viz.display import Figure, Table

KEY = "resources"
WORDING = Wording("resources_trends")
LAIT_SOURCE = ("Source: DfE, Local Authority Interactive Tool (LAIT), 'SEN - S251/Outturn weekly "
               "unit costs' (SENFinance), from councils' section 251 outturn.")
MEDIATION_SOURCE = ("Source: DfE, Education, health and care plans (2022 release), SEN2 "
                    "management information time series (sen2_mi.csv).")
SYMBOLS = "[x] = not available; [z] = not applicable; [c] = suppressed."
UNIT_COST_SYMBOLS = "[x] = not available (no figure in LAIT)."
UNIT_COST_BASIS = (
    "What it is: LAIT's weekly unit cost of SEN services, in pounds a week per child or young "
    "person with a statement or EHC plan in January (school census). DfE divides the section "
    "251 outturn on SEN support services, direct payments for SEN and disability, SEN "
    "transport and SEN administration, assessment, co-ordination and monitoring by that number "
    "of children, then by 365 and multiplies by 7, rounding to the nearest £5. Cash terms "
    "(prices of each year, not adjusted for inflation); financial years April to March, "
    "outturn. It is not the whole high needs budget (places and top-up funding are not in "
    "these lines). No confidence interval: differences are descriptive.")
MEDIATION_BASIS = (
    "What it is (DfE's data guidance): mediation cases held in the calendar year, and of those "
    "the mediation cases followed by an appeal to the SEND Tribunal; the percentage is the "
    "second divided by the first. Appeals registered without mediation are not in these "
    "figures (see the appeal rate above). Regions and England as DfE publishes them. 95% "
    "confidence intervals by the Wilson score method; comparison with England by 95% interval "
    "overlap; recent trend by the Fingertips test of the last five years. Published counts of "
    "the council below the disclosure threshold are hidden ([c]).")


def formed_note(council: str, name: str, periods: list[str]) -> tuple[list[str], str]:
    """Periods before the council existed, and a note saying why they have no figure.

    Parameters
    ----------
    council : str
        The council's current GSS code.
    name : str
        Its name as shown.
    periods : list of str
        The periods of a series (calendar ``"2018"`` or financial ``"2018-19"``: a financial
        year counts as before when it starts before the council was formed in April).

    Returns
    -------
    (list of str, str)
        The periods before the council was formed, and the note (``""`` when none).

    Examples
    --------
    >>> before, note = formed_note("E06000058", "BCP", ["2018", "2019"])
    >>> before, note.startswith("BCP was formed in April 2019")
    (['2018'], True)
    """
    changes = [c for c in CODE_CHANGES if c.successor == council and c.kind == "merger"]
    if not changes or any(c.successor == council and c.kind == "recode" for c in CODE_CHANGES):
        # a county that became a unitary (North Yorkshire, Somerset) was published under its
        # old code for the same area: its districts' merger does not break the series
        return [], ""
    year = min(c.year for c in changes)
    before = [p for p in periods if int(str(p)[:4]) < year]
    if not before:
        return [], ""
    parts = "; ".join(f"{', '.join(c.predecessor_names)} ({', '.join(c.predecessors)})"
                      for c in changes)
    return before, (
        f"{name} was formed in April {year} (from {parts}). For {before[0]} to {before[-1]} "
        "DfE published its predecessors under their own codes, and education series have no "
        "row for a district inside a county (Christchurch was part of Dorset county), so no "
        "figure can be formed for the council's present area: those years are shown as [x], "
        "never as the sum of the predecessors that were published.")


def add_missing_years(rows: pd.DataFrame, council: str, indicator: str,
                      periods: list[str]) -> pd.DataFrame:
    """Rows with no value and the note ``[x]`` for the council's ``periods`` the file lacks."""
    have = set(rows.loc[rows["area_code"] == council, "period"])
    absent = [p for p in periods if p not in have]
    if not absent:
        return rows
    extra = pd.DataFrame({"indicator_id": indicator, "area_code": council, "area_name": "",
                          "area_type": "Local authority", "period": absent, "breakdown": "All",
                          "count": np.nan, "denominator": np.nan, "note": "[x]"})
    return pd.concat([rows, extra], ignore_index=True)


# ------------------------------------------------------------------ SEN services weekly cost


def _text(value: float, note: str = "[x]") -> object:
    return note if pd.isna(value) else float(value)


def neighbour_average(rows: pd.DataFrame, neighbours: list[str], period: str
                      ) -> tuple[float, int]:
    """The unweighted mean of the neighbours with a value in ``period``, and how many had one."""
    values = rows.loc[rows["area_code"].isin(neighbours) & (rows["period"] == period),
                      "value"].dropna()
    return (float(values.mean()) if len(values) else np.nan), len(values)


def quartile_bands(rows: pd.DataFrame, period: str) -> dict[str, str]:
    """Council code -> quartile band among every council with a value (A = the highest)."""
    councils = rows[(rows["area_type"] == "Local authority") & (rows["period"] == period)
                    & rows["value"].notna()]
    if len(councils) < 4:
        return {}
    bands = pd.qcut(councils["value"].rank(method="first"), 4, labels=list("DCBA"))
    return dict(zip(councils["area_code"], bands.astype(str), strict=True))


def unit_cost_indicators(every: pd.DataFrame, areas: ComparatorAreas) -> pd.DataFrame:
    """The comparator areas' rows (no interval, labelled not compared), the council's years
    before it existed added as ``[x]``."""
    periods = sorted(set(every["period"]))
    rows = add_missing_years(every, areas.council, SEN_SERVICES_WEEKLY_COST, periods)
    rows = rows[rows["area_code"].isin(areas.codes)].copy()
    names = areas.display_names()
    rows["area_name"] = rows["area_code"].map(names).fillna(rows["area_name"]).astype(str)
    for column in ("compared_to_england", "compared_to_region", "compared_to_neighbours"):
        rows[column] = "Not compared"
    rows["quartile_band"] = "Not applicable"
    rows["recent_trend"] = "Cannot be calculated"
    return rows.reset_index(drop=True)


def unit_cost_trend_table(rows: pd.DataFrame, every: pd.DataFrame, areas: ComparatorAreas,
                          council: str, extra_notes: list[str]) -> Table:
    """Every financial year: the council, its region, England, the neighbours' average."""
    periods = sorted(set(rows["period"]))

    def value(code: str, period: str) -> float:
        hit = rows.loc[(rows["area_code"] == code) & (rows["period"] == period), "value"]
        return float(hit.iloc[0]) if len(hit) and pd.notna(hit.iloc[0]) else np.nan

    records = []
    for period in periods:
        mine, england = value(areas.council, period), value(ENGLAND, period)
        average, count = neighbour_average(every, areas.neighbours, period)
        records.append({
            "Financial year": period, council: _text(mine),
            areas.region_name: _text(value(areas.region_code, period)),
            "England": _text(england),
            "Neighbours' average": _text(round(average, 1)),
            "Neighbours with a figure": f"{count} of {len(areas.neighbours)}",
            f"{council} minus England": _text(mine - england),
        })
    frame = pd.DataFrame(records)
    money = [council, areas.region_name, "England", "Neighbours' average",
             f"{council} minus England"]
    return Table(
        name=f"{KEY}_sen_unit_cost", frame=frame, row_header="Financial year",
        caption=(f"Weekly spending on SEN services per child with an EHC plan (£, cash), "
                 f"{council}, {areas.region_name}, England and the statistical neighbours' "
                 f"average, {periods[0]} to {periods[-1]}"),
        formats={**{c: "count" for c in money}, "Neighbours with a figure": "text"},
        notes=[LAIT_SOURCE, UNIT_COST_BASIS,
               "The neighbours' average is the unweighted mean of the statistical neighbours "
               "with a figure that year (how many is shown).", *extra_notes,
               "Section 251 outturn itself (what each council spent, line by line, and its "
               "high needs spending per head) is not in the files this JSNA reads; this is "
               "LAIT's unit cost worked out from it.", UNIT_COST_SYMBOLS])


def unit_cost_neighbour_table(rows: pd.DataFrame, every: pd.DataFrame, areas: ComparatorAreas,
                              council: str) -> Table:
    """The latest financial year: the council, each neighbour and England, with quartile bands."""
    period = max(rows.loc[rows["value"].notna(), "period"], default=max(rows["period"]))
    bands = quartile_bands(every, period)
    order = [areas.council, *areas.neighbours, areas.region_code, ENGLAND]
    latest = rows[rows["period"] == period].set_index("area_code")
    england = latest["value"].get(ENGLAND, np.nan)
    records = []
    for code in order:
        if code not in latest.index:
            continue
        row = latest.loc[code]
        records.append({
            "Area": f"{row['area_name']} (this council)" if code == areas.council
            else row["area_name"],
            "£ a week per child with a plan": _text(row["value"], row["note"] or "[x]"),
            "Difference from England (£)": "Benchmark" if code == ENGLAND
            else _text(row["value"] - england),
            "Quartile band (A highest)": bands.get(code, ""),
        })
    return Table(
        name=f"{KEY}_sen_unit_cost_neighbours", frame=pd.DataFrame(records),
        caption=(f"Weekly spending on SEN services per child with an EHC plan (£, cash), "
                 f"{council} and its statistical neighbours, {period}"),
        formats={"£ a week per child with a plan": "count",
                 "Difference from England (£)": "count"},
        notes=[LAIT_SOURCE, "Basis as in the table above. Quartile band among every council "
               "with a figure that year (A = the highest spending per child; neither better "
               "nor worse).", UNIT_COST_SYMBOLS])


def unit_cost_figure(rows: pd.DataFrame, areas: ComparatorAreas, council: str,
                     caption: str) -> Figure | None:
    """The council, its region and England over every financial year."""
    shown = rows[rows["area_code"].isin([areas.council, areas.region_code, ENGLAND])
                 & rows["value"].notna()]
    if shown.empty:
        return None
    return trend_chart(shown[["area_name", "period", "value"]],
                       name=f"{KEY}_sen_unit_cost", caption=caption,
                       measure="Weekly spending on SEN services per child with an EHC plan (£)",
                       y_label="£ a week per child with a plan", highlight=council,
                       source=LAIT_SOURCE)


# ------------------------------------------------------------------ mediation


def _missing_note(before: pd.DataFrame, after: pd.DataFrame, codes: list[str]) -> str:
    """How many of the table's figures are missing, and why (never counted as zero)."""
    shown_before = before[before["area_code"].isin(codes)]
    shown_after = after[after["area_code"].isin(codes)]
    symbol = shown_before["note"].isin(["[x]", "[c]", "[u]", "[:]"]).sum()
    none_held = (shown_before["note"] == "[z]").sum()
    hidden = ((shown_after["note"] == SUPPRESSED).sum()
              - (shown_before["note"] == SUPPRESSED).sum())
    return (f"Missing figures, of the {len(shown_after)} area-years in this table: not "
            f"available in DfE's file (x or c) or before the council existed: {symbol}; not "
            f"applicable, no mediation held ([z]): {none_held}; hidden by disclosure control "
            f"([c]): {max(int(hidden), 0)}. None is counted as zero.")


MEDIATION_FORMATS = {"Mediation cases held": "count", "Followed by an appeal": "count",
                     "% followed by an appeal": "percent", "95% CI lower": "percent",
                     "95% CI upper": "percent"}


def proportion_cells(rows: pd.DataFrame, shown: Callable[[pd.DataFrame, str], pd.Series],
                     columns: dict[str, str]) -> dict[str, pd.Series]:
    """The columns a table of a proportion or rate shows: ``columns`` maps each heading to the
    indicator column it shows (counts, value), then the 95% interval and the comparison with
    England (``Benchmark`` on England's own row)."""
    return {
        **{heading: shown(rows, column) for heading, column in columns.items()},
        "95% CI lower": shown(rows, "lower_ci_95"), "95% CI upper": shown(rows, "upper_ci_95"),
        "Compared with England": rows["compared_to_england"].where(
            rows["area_type"] != "England", "Benchmark"),
    }


def _mediation_cells(rows: pd.DataFrame, shown: Callable[[pd.DataFrame, str], pd.Series]
                     ) -> dict[str, pd.Series]:
    return proportion_cells(rows, shown, {"Mediation cases held": "denominator",
                                          "Followed by an appeal": "count",
                                          "% followed by an appeal": "value"})


def mediation_trend_table(indicators: pd.DataFrame, before: pd.DataFrame, codes: list[str],
                          caption: str, shown: Callable[[pd.DataFrame, str], pd.Series],
                          order: Callable[[pd.DataFrame, list[str]], pd.DataFrame],
                          extra_notes: list[str]) -> Table:
    """Mediation cases held and the share followed by an appeal by year: council, region,
    England."""
    rows = order(indicators[indicators["area_code"].isin(codes)], codes)
    rows = rows.sort_values(["period"], kind="stable")
    latest = rows["period"].max()
    frame = pd.DataFrame({
        "Calendar year": rows["period"], "Area": rows["area_name"],
        **_mediation_cells(rows, shown),
        "Recent trend": rows["recent_trend"].where(rows["period"] == latest, ""),
    })
    return Table(name=f"{KEY}_mediation", caption=caption, frame=frame.reset_index(drop=True),
                 formats=MEDIATION_FORMATS, row_header="Calendar year",
                 notes=[MEDIATION_SOURCE, MEDIATION_BASIS, *extra_notes,
                        _missing_note(before, indicators, codes), SYMBOLS])


def mediation_neighbour_table(indicators: pd.DataFrame, before: pd.DataFrame,
                              areas: ComparatorAreas, period: str, caption: str,
                              shown: Callable[[pd.DataFrame, str], pd.Series],
                              order: Callable[[pd.DataFrame, list[str]], pd.DataFrame]) -> Table:
    """The latest year: the council, its neighbours and England."""
    codes = [areas.council, *areas.neighbours, ENGLAND]
    rows = order(indicators[indicators["area_code"].isin(codes)
                            & (indicators["period"] == period)], codes)
    frame = pd.DataFrame({
        "Area": np.where(rows["area_code"] == areas.council,
                         rows["area_name"] + " (this council)", rows["area_name"]),
        **_mediation_cells(rows, shown),
    })
    latest_before = before[before["period"] == period]
    return Table(name=f"{KEY}_mediation_neighbours", caption=caption,
                 frame=frame.reset_index(drop=True), formats=MEDIATION_FORMATS,
                 notes=[MEDIATION_SOURCE, "Basis as in the table above.",
                        _missing_note(latest_before, rows, codes), SYMBOLS])


def mediation_figure(indicators: pd.DataFrame, codes: list[str], council: str,
                     caption: str) -> Figure | None:
    """The share followed by an appeal over time, with 95% intervals."""
    charted = indicators[indicators["area_code"].isin(codes) & indicators["value"].notna()]
    if charted.empty:
        return None
    return trend_chart(
        charted[["area_name", "period", "value", "lower_ci_95", "upper_ci_95"]],
        name=f"{KEY}_mediation", caption=caption,
        measure="Mediation cases followed by an appeal to the SEND Tribunal (%)",
        y_label="% of mediation cases", highlight=council, source=MEDIATION_SOURCE)


def proportion_rules(trend: Table, neighbours: Table, *, count: str, denominator: str,
                     value: str, indicator_id: str, area_code: str, council: str, latest: str
                     ) -> dict[str, TableRules]:
    """Disclosure rules of a proportion's two tables: ``trend`` (a row per calendar year and
    area) and ``neighbours`` (the ``latest`` year, the council's row named "(this council)").

    The council's count and denominator are the same cells as its indicator rows
    (``indicator_id``); ``value`` and the interval are worked out from them; other areas' rows
    are published by DfE or MoJ and exempt.
    """
    counts = [count, denominator]
    derived = {c: counts for c in (value, "95% CI lower", "95% CI upper")}
    columns = {count: "count", denominator: "denominator"}
    out = {}
    for table, mine, on, period in (
            (trend, council, {"Calendar year": "period"}, {}),
            (neighbours, f"{council} (this council)", [], {"period": latest})):
        others = sorted(set(table.frame["Area"]) - {mine})
        out[table.name] = TableRules(
            key=["Calendar year", "Area"] if table is trend else ["Area"], counts=counts,
            derived=derived, exempt_where=[{"Area": others}] if others else [],
            relations=[SameCells(INDICATOR_TABLE, on=on, rows={"Area": mine},
                                 other_rows={"indicator_id": indicator_id,
                                             "area_code": area_code, **period},
                                 columns=columns)])
    return out


def mediation_rules(tables: dict[str, Table], area_code: str, council: str, latest: str
                    ) -> dict[str, TableRules]:
    """Disclosure rules of the mediation tables: the council's rows repeat its indicator rows;
    other areas' rows are published by DfE and exempt."""
    out = proportion_rules(tables["mediation"], tables["mediation_neighbours"],
                           count="Followed by an appeal", denominator="Mediation cases held",
                           value="% followed by an appeal", indicator_id=MEDIATION_APPEAL_SHARE,
                           area_code=area_code, council=council, latest=latest)
    for key in ("sen_unit_cost", "sen_unit_cost_neighbours"):
        if key in tables:  # pounds a week per child: no counts of people
            out[tables[key].name] = TableRules(key=[tables[key].frame.columns[0]], counts=[])
    return out


# ------------------------------------------------------------------ findings


def trend_findings(unit_cost: pd.DataFrame | None, mediation: pd.DataFrame | None,
                   areas: ComparatorAreas, council: str) -> list[str]:
    """Key findings of the two trend sections, in the words of ``wording.toml``."""
    out = []
    say = WORDING
    if unit_cost is not None:
        mine = unit_cost[(unit_cost["area_code"] == areas.council) & unit_cost["value"].notna()]
        if len(mine):
            last, first = mine.sort_values("period").iloc[-1], mine.sort_values("period").iloc[0]
            parts = [say.fill("unit_cost", council=council, period=last["period"],
                              pounds=f"£{last['value']:,.0f}")]
            england = unit_cost[(unit_cost["area_code"] == ENGLAND)
                                & (unit_cost["period"] == last["period"])]["value"].dropna()
            if len(england):
                parts.append(say.fill("unit_cost_england", england=f"£{england.iloc[0]:,.0f}"))
            if first["period"] != last["period"]:
                parts.append(say.fill("unit_cost_first", first=first["period"],
                                      pounds=f"£{first['value']:,.0f}"))
            out.append(sentence(*parts))
    if mediation is not None:
        mine = mediation[(mediation["area_code"] == areas.council) & mediation["value"].notna()]
        if len(mine):
            last = mine.sort_values("period").iloc[-1]
            parts = [say.fill("mediation", council=council, year=last["period"],
                              share=last["value"])]
            england = mediation[(mediation["area_code"] == ENGLAND)
                                & (mediation["period"] == last["period"])]["value"].dropna()
            if len(england) and say.knows("compared", last["compared_to_england"]):
                parts.append(say.fill("mediation_england", england=england.iloc[0],
                                      relation=say.pick("compared",
                                                        last["compared_to_england"])))
            out.append(sentence(*parts))
    return out
