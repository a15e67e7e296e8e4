"""Chapter: plans and placements (EHC plans by type of setting and by age band).

From DfE's SEN2 published files only (``inputs.comparators.ehcp_caseload``, and the older
``sen2_age_caseload.csv`` as ``inputs.comparators.ehcp_age_caseload`` for a longer age series):
where the children and young people whose plans the council maintains are educated, and how old
they are. Every share is of all the council's plans, with Wilson 95% intervals, compared with
England, the region and the statistical neighbours' average by interval overlap, with the recent
trend (chi-square test for trend over five Januaries). A larger or smaller share is neither
better nor worse (no polarity, so no quartile band): these describe the pattern of provision,
for the group to interpret.

The counting is in :mod:`jsna.indicators.placements`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import pandas as pd

from jsna.chapters.base import Chapter, Findings
from jsna.chapters.common import (
    ComparatorAreas,
    comparator_areas,
    comparator_pipeline,
    require_comparator,
)
from jsna.chapters.wording import Wording
from jsna.config import Config
from jsna.disclosure import INDICATOR_TABLE, SameCells, TableRules
from jsna.errors import JsnaInputError
from jsna.forecast.series import AGE_BANDS, read_plans_by_age
from jsna.indicators.adulthood import plans_by_age_rows
from jsna.indicators.comparisons import ENGLAND
from jsna.indicators.placements import (
    AGE_INDICATOR,
    INDEPENDENT_SPECIAL,
    MAINSTREAM,
    RESOURCED_INDICATOR,
    SETTINGS,
    SETTINGS_INDICATOR,
    setting_rows,
)
from jsna.sources.ees import read_ees_wide
from jsna.viz.charts import category_chart, trend_chart
from jsna.viz.display import Table

KEY = "placements"
TITLE = "Plans and placements"
SOURCE = "Source: DfE, Education, health and care plans (SEN2), caseload in January."
SYMBOLS = ("[c] = suppressed (by DfE, or by this JSNA's disclosure control); [x] = not "
           "available; [z] = not applicable; [low] = rounds to zero.")
STATISTICS = ("95% confidence intervals by the Wilson score method; comparisons by 95% interval "
              "overlap (the council's neighbours: against their unweighted average). A higher "
              "or lower share is neither better nor worse, so no quartile band is given. Recent "
              "trend: chi-square test for trend over the latest five Januaries (it cannot be "
              "calculated when a January is missing from DfE's files).")
BASIS = ("Basis: every EHC plan the council maintains in January (SEN2), wherever the child or "
         "young person is educated - in other councils' schools, independent schools and "
         "colleges too - aged 0 to 25. This is not the number of pupils with an EHC plan in the "
         "council's own schools (the school census), which counts pupils in schools in the "
         "area whichever council maintains their plan, and no one outside school.")
NOT_POLAR = "Not applicable"
#: table short name -> (indicator, breakdowns in order, row label, what the breakdowns are)
SHARES: dict[str, tuple[str, tuple[str, ...], str, str]] = {
    "settings": (SETTINGS_INDICATOR, SETTINGS, "Setting", "type of setting"),
    "resourced": (RESOURCED_INDICATOR, (MAINSTREAM,), "Part of",
                  "resourced provision or SEN unit in a mainstream school"),
    "ages": (AGE_INDICATOR, AGE_BANDS, "Age", "age band"),
}
WORDING = Wording(KEY)


def _shown(rows: pd.DataFrame, column: str) -> pd.Series:
    symbol = rows["note"].where(rows["note"].str.fullmatch(r"\[[a-z]+\]"), "[x]")
    return rows[column].astype(object).where(rows[column].notna(), symbol)


def _neighbour_average(rows: pd.DataFrame, areas: ComparatorAreas) -> pd.Series:
    """Unweighted average of the neighbours' shares, by breakdown (those with a value)."""
    theirs = rows[rows["area_code"].isin(areas.neighbours)]
    return theirs.groupby("breakdown")["value"].mean()


def share_table(indicators: pd.DataFrame, indicator: str, breakdowns: tuple[str, ...],
                areas: ComparatorAreas, council: str, *, name: str, caption: str,
                label: str) -> Table:
    """The latest January: the council's plans and share in each breakdown, with its interval,
    comparisons, trend and quartile band, beside the region's, England's and the neighbours'."""
    rows = indicators[indicators["indicator_id"] == indicator]
    period = str(rows["period"].max())
    rows = rows[rows["period"] == period]
    mine = rows[rows["area_code"] == areas.council].set_index("breakdown").reindex(
        list(breakdowns))
    mine["note"] = mine["note"].fillna("[x]")
    region = rows[rows["area_code"] == areas.region_code].set_index("breakdown")["value"]
    england = rows[rows["area_code"] == ENGLAND].set_index("breakdown")["value"]
    average = _neighbour_average(rows, areas)
    frame = pd.DataFrame({
        label: list(breakdowns),
        "Plans": _shown(mine, "count").to_numpy(),
        f"{council} (%)": _shown(mine, "value").to_numpy(),
        "95% CI lower": _shown(mine, "lower_ci_95").to_numpy(),
        "95% CI upper": _shown(mine, "upper_ci_95").to_numpy(),
        f"{areas.region_name} (%)": region.reindex(list(breakdowns)).astype(object)
        .fillna("[x]").to_numpy(),
        "England (%)": england.reindex(list(breakdowns)).astype(object).fillna("[x]").to_numpy(),
        "Neighbours' average (%)": average.reindex(list(breakdowns)).astype(object)
        .fillna("[x]").to_numpy(),
        "Compared with England": mine["compared_to_england"].fillna("").to_numpy(),
        "Compared with region": mine["compared_to_region"].fillna("").to_numpy(),
        "Compared with neighbours": mine["compared_to_neighbours"].fillna("").to_numpy(),
        "Recent trend": mine["recent_trend"].fillna("").to_numpy(),
    })
    percent = [f"{council} (%)", "95% CI lower", "95% CI upper", f"{areas.region_name} (%)",
               "England (%)", "Neighbours' average (%)"]
    return Table(name=name, caption=f"{caption}, {period}", frame=frame, row_header=label,
                 formats={"Plans": "count", **{c: "percent" for c in percent}},
                 notes=[SOURCE, BASIS, STATISTICS, SYMBOLS])


def _chart(indicators: pd.DataFrame, indicator: str, areas: ComparatorAreas, council: str,
           *, name: str, caption: str, measure: str):
    rows = indicators[(indicators["indicator_id"] == indicator)
                      & indicators["area_code"].isin([areas.council, areas.region_code, ENGLAND])]
    period = str(rows["period"].max())
    rows = rows[rows["period"] == period]
    data = rows[["area_name", "breakdown", "value"]].rename(columns={"breakdown": "category"})
    return category_chart(data, name=name, caption=f"{caption}, {period}", measure=measure,
                          x_label="Per cent of all EHC plans", highlight=council, source=SOURCE)


def _findings(indicators: pd.DataFrame, areas: ComparatorAreas, council: str) -> list[str]:
    sentences = []
    rows = indicators[indicators["indicator_id"] == SETTINGS_INDICATOR]
    period = str(rows["period"].max())
    for setting in (MAINSTREAM, INDEPENDENT_SPECIAL):
        def pick(code: str, chosen: str = setting) -> pd.DataFrame:
            return rows[(rows["area_code"] == code) & (rows["breakdown"] == chosen)
                        & (rows["period"] == period) & rows["value"].notna()]
        mine, england = pick(areas.council), pick(ENGLAND)
        if mine.empty or england.empty:
            continue
        sentences.append(WORDING.fill(
            "setting", council=council, period=period, value=mine["value"].iloc[0],
            setting=WORDING.pick("settings", setting),
            relation=WORDING.pick("compared", mine["compared_to_england"].iloc[0]),
            england=england["value"].iloc[0],
            trend=WORDING.pick("trend", mine["recent_trend"].iloc[0])))
    ages = indicators[(indicators["indicator_id"] == AGE_INDICATOR)
                      & (indicators["area_code"] == areas.council)]
    if not ages.empty:
        latest = ages[ages["period"] == ages["period"].max()]
        older = latest[latest["breakdown"].isin(["16 to 19", "20 to 25"])]
        if len(older) == 2 and older["count"].notna().all():
            share = 100 * older["count"].sum() / older["denominator"].iloc[0]
            sentences.append(WORDING.fill("post_16", council=council,
                                          period=str(latest["period"].iloc[0]), value=share))
    return sentences or [WORDING.fill("nothing", council=council)]


def build(config: Config) -> Chapter:
    """Build the plans and placements chapter for a council.

    Parameters
    ----------
    config : Config
        The council's validated configuration (needs ``inputs.comparators.ehcp_caseload``;
        uses ``inputs.comparators.ehcp_age_caseload`` when given).
    """
    area = config.area
    source = require_comparator(config, "ehcp_caseload")
    caseload = read_ees_wide(source)
    if "breakdown_topic" not in caseload or "mainstream_total" not in caseload:
        raise JsnaInputError(f"{source}: no placement columns (breakdown_topic, "
                             "mainstream_total, ...): DfE's caseload.csv from 2023 onwards has "
                             "them")
    areas = comparator_areas(config, caseload, source)
    settings, settings_audit = comparator_pipeline(setting_rows(caseload), config, areas,
                                                   NOT_POLAR)
    if settings[settings["area_code"] == areas.council].empty:
        raise JsnaInputError(f"{source}: no rows for {area.name} ({area.code})")
    ages, ages_audit = plans_by_age_indicators(config, areas)
    indicators = pd.concat([settings, ages], ignore_index=True)

    tables: dict[str, Table] = {}
    figures = {}
    for short, (indicator, breakdowns, label, what) in SHARES.items():
        if indicators[(indicators["indicator_id"] == indicator)
                      & (indicators["area_code"] == areas.council)].empty:
            continue
        tables[short] = share_table(
            indicators, indicator, breakdowns, areas, area.name, name=f"{KEY}_{short}",
            caption=f"EHC plans maintained by {area.name} by {what}", label=label)
        if short != "resourced":
            figures[short] = _chart(
                indicators, indicator, areas, area.name, name=f"{KEY}_{short}",
                caption=f"EHC plans by {what}, {area.name}, {areas.region_name} and England",
                measure=f"percentage of EHC plans in each {what}")
    trend = indicators[(indicators["indicator_id"] == SETTINGS_INDICATOR)
                       & (indicators["breakdown"] == INDEPENDENT_SPECIAL)
                       & indicators["area_code"].isin([areas.council, areas.region_code,
                                                       ENGLAND])
                       & indicators["value"].notna()]
    if trend["period"].nunique() > 1:
        figures["independent_trend"] = trend_chart(
            trend[["area_name", "period", "value", "lower_ci_95", "upper_ci_95"]],
            name=f"{KEY}_independent_trend",
            caption=f"EHC plans in independent or non-maintained special schools, share of all "
                    f"plans, {area.name}, {areas.region_name} and England",
            measure="percentage of EHC plans in independent or non-maintained special schools",
            y_label="Per cent of all EHC plans", highlight=area.name, source=SOURCE)
    rules = published_rules(tables, area.code, indicators)
    findings = Findings(_findings(indicators, areas, area.name))
    audit = pd.concat([settings_audit, ages_audit], ignore_index=True)
    return Chapter(KEY, TITLE, findings, tables, figures, indicators, audit, rules)


def plans_by_age_indicators(config: Config, areas: ComparatorAreas,
                            bands: Sequence[str] = AGE_BANDS, indicator: str = AGE_INDICATOR,
                            periods: Collection[str] | None = None
                            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """EHC plans by age band through the indicator pipeline, disclosed once for every chapter.

    The placements chapter shows every age band; the adulthood chapter shows the 16 to 19 and
    20 to 25 bands of the same SEN2 counts under its own indicator id. Both take their rows from
    here, where every band goes through disclosure control together as the partition of all plans
    the catalogue declares for :data:`AGE_INDICATOR`: the same count gets the same suppression in
    both chapters, and a band hidden as the complement of a small one in this chapter is hidden
    in the other too, so no combination of the two pages gives a hidden band back. (Protected on
    their own, the adulthood rows published the 20 to 25 band that the partition hid to protect
    a small under-5 count.)

    Parameters
    ----------
    config : Config
        The council's configuration (``inputs.comparators.ehcp_caseload``, and
        ``ehcp_age_caseload`` when given for a longer series; disclosure settings).
    areas : ComparatorAreas
        The council, region and neighbours.
    bands : sequence of str, default every band
        The age bands returned.
    indicator : str, default :data:`AGE_INDICATOR`
        The ``indicator_id`` the returned rows (and their audit rows) carry.
    periods : collection of str, optional
        Only these periods are returned (all by default).

    Returns
    -------
    tuple of DataFrame
        The indicator rows after disclosure and the audit of their hidden cells.
    """
    source = require_comparator(config, "ehcp_caseload")
    older = config.inputs.comparators.get("ehcp_age_caseload")
    by_age = read_plans_by_age([p for p in (older, source) if p is not None])
    ages, audit = comparator_pipeline(plans_by_age_rows(by_age, AGE_BANDS, AGE_INDICATOR),
                                      config, areas, NOT_POLAR)
    keep = ages["breakdown"].isin(list(bands))
    if periods is not None:
        keep &= ages["period"].isin(list(periods))
    rows = ages[keep].assign(indicator_id=indicator).reset_index(drop=True)
    # the audit keys of the rows returned, renamed to the indicator they are published under
    named = (f"indicator_id={AGE_INDICATOR}; area_code=" + ages.loc[keep, "area_code"]
             + "; period=" + ages.loc[keep, "period"] + "; breakdown=" + ages.loc[keep, "breakdown"])
    audit = audit[audit["row_key"].isin(set(named))].copy()
    audit["row_key"] = audit["row_key"].str.replace(f"indicator_id={AGE_INDICATOR};",
                                                    f"indicator_id={indicator};", regex=False)
    return rows, audit.reset_index(drop=True)


def published_rules(tables: dict[str, Table], area_code: str, indicators: pd.DataFrame
                    ) -> dict[str, TableRules]:
    """Disclosure rules of the tables as published, for the site-wide gate: the "Plans" column
    is the council's count of the indicator's row in the latest January; the percentages come
    from it and the denominator (the region's, England's and the neighbours' are published by
    DfE)."""
    out: dict[str, TableRules] = {}
    for short, table in tables.items():
        indicator = SHARES[short][0]
        label = str(table.frame.columns[0])
        period = str(indicators.loc[indicators["indicator_id"] == indicator, "period"].max())
        percent = [c for c in table.frame.columns[2:5]]
        out[table.name] = TableRules(
            key=[label], counts=["Plans"], derived={c: ["Plans"] for c in percent},
            relations=[SameCells(INDICATOR_TABLE, on={label: "breakdown"}, columns={
                "Plans": "count"}, other_rows={"indicator_id": indicator,
                                               "area_code": area_code, "period": period})])
    return out
