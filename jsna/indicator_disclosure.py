"""Disclosure control of the long indicator table (``data/indicators.csv`` and chapters' rows).

:mod:`jsna.disclosure` is the general engine (any table, declared relations); this module says how
the long indicator table's cells add up, so the engine can protect them:

* ward and LSOA rows of each indicator, period and breakdown add up to the council's row
  (:func:`indicator_table_rules`);
* the relations ``catalogue.csv`` declares (:func:`indicator_relations`), read from four columns:

  ``breakdowns``
      ``partition``: in each area and period, the counts of all the indicator's breakdowns add up
      to its denominator (shown on every row), e.g. the primary needs of pupils on SEN support.
      ``parts of headline``: the other breakdowns add up to the headline breakdown, in both the
      count and the denominator (e.g. IMD deciles plus "not known" make all resident pupils).
      ``rest of <indicator>``: this indicator counts the rest of the other's denominator: the
      other's count plus this count make the other's denominator, in the same area and period,
      breakdown by breakdown when the other has this one's breakdowns, otherwise all of this
      indicator's breakdowns together with the other's headline breakdown (children in need not
      found in the census, by reason, + those found = all children in need). Without it, a small
      rest would be the published denominator minus the published count.
      Empty: no relation between breakdowns.
  ``count_is``
      Other indicators' counts whose sum is this indicator's count, in the same area, period and
      breakdown (``a.count + b.count``), e.g. SEN = SEN support + EHC plan.
  ``count_within_denominator``
      ``yes`` when the count is a part of the denominator (pupils with an EHC plan among all
      pupils, plans issued within 20 weeks among all issued): the denominator minus the count is
      a count of people too, and a small one hides the row (:class:`jsna.disclosure.Rest`).
  ``denominator_is``
      Another indicator's count or denominator equal to this denominator (``other.count`` or
      ``other.denominator``), in the same area and period, and in the same breakdown when the other
      indicator has this one's breakdowns, otherwise in the other's headline breakdown (the
      denominator of the SEN support need mix is the count of pupils on SEN support).

England, regions and other councils' rows are published by others and exempt.

It also protects the tables of counts the indicators stage builds from the census before their
indicator rows are taken (so a row hidden there is hidden in the long table too): the ward and
deprivation tables together (:func:`protect_ward_tables`), and the settings, cross-border and
school tables together (:func:`protect_setting_tables`), and the table of pupils by year group
(:func:`protect_year_group_table`) and the EHC plans caseload table
(:func:`protect_caseload_table`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from jsna.config import Config
from jsna.disclosure import (
    INDICATOR_KEY,
    SUPPRESSED,
    Cells,
    CellTotal,
    ColumnTotal,
    Equation,
    Relation,
    Rest,
    RowTotal,
    SameCells,
    TableRules,
    apply_disclosure,
)
from jsna.errors import JsnaInputError
from jsna.indicators import settings as setting_tables
from jsna.indicators import wards as ward_tables
from jsna.indicators import year_groups
from jsna.indicators.catalogue import indicator_catalogue
from jsna.indicators.comparisons import (
    ComparatorAreas,
    add_statistics,
    add_value_statistics,
)
from jsna.indicators.table import INDICATOR_DERIVED_COLUMNS, finalise
from jsna.stats.trend import withdraw_trends_over_hidden_points

PARTITION = "partition"
PARTS_OF_HEADLINE = "parts of headline"
REST_OF = "rest of "
_COUNT_COLUMNS = ("count", "denominator")


def _term(text: str, indicator: str, field: str) -> tuple[str, str]:
    other, _, column = text.strip().rpartition(".")
    if not other or column not in _COUNT_COLUMNS:
        raise JsnaInputError(
            f"indicator catalogue: {indicator}, column {field}: {text.strip()!r} is not "
            "'<indicator_id>.count' or '<indicator_id>.denominator'")
    return other, column


def indicator_relations(indicators: pd.DataFrame, table: str) -> list[Relation]:
    """Relations the catalogue declares for the indicators present in ``indicators``.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long indicator table (``indicator_id, area_code, period, breakdown, count,
        denominator``).
    table : str
        Name the table has in the disclosure call (relations within it name it).

    Returns
    -------
    list
        :class:`jsna.disclosure.RowTotal`, :class:`~jsna.disclosure.CellTotal` and
        :class:`~jsna.disclosure.SameCells` relations.
    """
    catalogue = indicator_catalogue().set_index("indicator_id")
    present = [i for i in pd.unique(indicators["indicator_id"]) if i in catalogue.index]
    breakdowns = indicators.groupby("indicator_id")["breakdown"].agg(set).to_dict()
    relations: list[Relation] = []
    group = ["indicator_id", "area_code", "period"]
    for indicator in present:
        entry = catalogue.loc[indicator]
        kind = entry.get("breakdowns", "")
        if kind == PARTITION:
            relations.append(CellTotal(total={"indicator_id": indicator},
                                       total_column="denominator",
                                       parts={"indicator_id": indicator}, parts_column="count",
                                       within=group))
        elif kind == PARTS_OF_HEADLINE:
            relations.append(RowTotal(total={"indicator_id": indicator,
                                             "breakdown": entry["headline_breakdown"]},
                                      parts={"indicator_id": indicator}, within=group,
                                      columns=list(_COUNT_COLUMNS)))
        elif kind.startswith(REST_OF):
            relations += _rest_of(indicators, indicator, kind.removeprefix(REST_OF).strip(),
                                  catalogue, breakdowns, table)
        elif kind:
            raise JsnaInputError(f"indicator catalogue: {indicator}, column breakdowns: {kind!r} "
                                 f"is not '{PARTITION}', '{PARTS_OF_HEADLINE}', "
                                 f"'{REST_OF}<indicator_id>' or empty")
        count_is = entry.get("count_is", "")
        if count_is:
            terms = [_term(t, indicator, "count_is") for t in count_is.split("+")]
            if any(column != "count" for _, column in terms):
                raise JsnaInputError(f"indicator catalogue: {indicator}, column count_is: "
                                     "only counts of other indicators can be added")
            relations.append(CellTotal(total={"indicator_id": indicator}, total_column="count",
                                       parts={"indicator_id": [t for t, _ in terms]},
                                       parts_column="count",
                                       within=["area_code", "period", "breakdown"]))
        denominator_is = entry.get("denominator_is", "")
        if denominator_is:
            other, column = _term(denominator_is, indicator, "denominator_is")
            if other not in breakdowns:
                continue
            if breakdowns[indicator] <= breakdowns[other]:
                relations.append(SameCells(table, on=["area_code", "period", "breakdown"],
                                           columns={"denominator": column},
                                           rows={"indicator_id": indicator},
                                           other_rows={"indicator_id": other}))
            else:
                headline = catalogue.loc[other, "headline_breakdown"] if (
                    other in catalogue.index) else ""
                relations.append(SameCells(table, on=["area_code", "period"],
                                           columns={"denominator": column},
                                           rows={"indicator_id": indicator},
                                           other_rows={"indicator_id": other,
                                                       "breakdown": headline}))
    return relations


def _rest_of(indicators: pd.DataFrame, indicator: str, other: str, catalogue: pd.DataFrame,
             breakdowns: Mapping[Any, set], table: str) -> list[Relation]:
    """``other.denominator = other.count + indicator.count`` in each area and period (see
    ``rest of`` in the module notes); nothing when ``other`` has no rows here."""
    if other not in catalogue.index:
        raise JsnaInputError(f"indicator catalogue: {indicator}, column breakdowns: "
                             f"'{REST_OF}{other}' names no catalogued indicator")
    if other not in breakdowns:
        return []
    rows = indicators[indicators["indicator_id"] == indicator]
    by_breakdown = breakdowns[indicator] <= breakdowns[other]
    group = ["area_code", "period", "breakdown"] if by_breakdown else ["area_code", "period"]
    relations: list[Relation] = []
    for key in rows[group].drop_duplicates().itertuples(index=False):
        where = dict(zip(group, key, strict=True))
        mine = {"indicator_id": indicator, **where}
        theirs = {"indicator_id": other, **where}
        if not by_breakdown:
            theirs["breakdown"] = catalogue.loc[other, "headline_breakdown"]
        relations.append(Equation(total=Cells(table, theirs, "denominator"),
                                  parts=[Cells(table, theirs, "count"),
                                         Cells(table, mine, "count")]))
    return relations


def indicator_table_rules(
    indicators: pd.DataFrame,
    council_code: str | None = None,
    count_columns: Sequence[str] = ("count", "denominator"),
    additive_breakdowns: Mapping[str, Sequence[str]] | None = None,
    extra_relations: Sequence[Relation] = (),
    table_name: str = "indicators",
    catalogue_relations: bool = True,
) -> TableRules:
    """Disclosure rules for the long indicator table.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long indicator table.
    council_code : str, optional
        The council's code. Ward and LSOA rows of each indicator, period and breakdown add up to
        the council's row; rows of England, regions and other councils are published by others
        and exempt. Required when the table holds several local authorities and small areas.
    count_columns : sequence of str, default ("count", "denominator")
        Columns treated as counts (small denominators are disclosive too).
    additive_breakdowns : mapping total breakdown -> part breakdowns, optional
        E.g. ``{"All": ["Boys", "Girls"]}`` when the parts add up to the total.
    extra_relations : sequence of relations
        Further relations (e.g. the same count published under two indicators).
    table_name : str, default "indicators"
        Name of the table in the disclosure call (relations between its own rows name it).
    catalogue_relations : bool, default True
        Add the relations the indicator catalogue declares (breakdowns that partition their
        denominator, a denominator that is another indicator's count...; see
        :func:`indicator_relations`).

    Returns
    -------
    TableRules
    """
    missing = [c for c in (*INDICATOR_KEY, "area_type") if c not in indicators.columns]
    if missing:
        raise JsnaInputError(f"indicator table lacks column(s) {missing}")
    counts = [column for column in count_columns if column in indicators.columns]
    if not counts:
        raise JsnaInputError(f"indicator table has none of the count columns {list(count_columns)}")
    area_type = indicators["area_type"].astype("string")
    la_codes = set(indicators.loc[area_type == "Local authority", "area_code"].astype(str))
    small_areas = [kind for kind in ("Ward", "LSOA") if (area_type == kind).any()]
    if council_code is None and small_areas and len(la_codes) > 1:
        raise JsnaInputError(
            "indicator table holds several local authorities and small areas; pass council_code "
            "so wards and LSOAs can be tied to the council's total"
        )
    if council_code is None and len(la_codes) == 1:
        council_code = next(iter(la_codes))
    derived = {
        column: counts for column in INDICATOR_DERIVED_COLUMNS if column in indicators.columns
    }
    relations: list[Relation] = []
    if council_code is not None:
        for kind in small_areas:
            relations.append(
                RowTotal(
                    total={"area_type": "Local authority", "area_code": council_code},
                    parts={"area_type": kind},
                    within=["indicator_id", "period", "breakdown"],
                )
            )
    for total, parts in (additive_breakdowns or {}).items():
        relations.append(
            RowTotal(
                total={"breakdown": total},
                parts={"breakdown": list(parts)},
                within=["indicator_id", "area_code", "period"],
            )
        )
    if catalogue_relations:
        relations += indicator_relations(indicators, table_name)
    relations += list(extra_relations)

    def exempt(frame: pd.DataFrame) -> pd.Series:
        kind = frame["area_type"].astype("string")
        others = kind.isin(["England", "Region"])
        if council_code is not None:
            others |= (kind == "Local authority") & (frame["area_code"].astype(str) != council_code)
        return others.fillna(False)

    return TableRules(
        key=list(INDICATOR_KEY),
        counts=counts,
        derived=derived,
        relations=relations,
        exempt=exempt,
        rests=_rests(indicators, counts),
    )


def _rests(indicators: pd.DataFrame, counts: Sequence[str]) -> list[Rest]:
    """The rows whose count is a part of their denominator (the catalogue's
    ``count_within_denominator``), when both are count columns."""
    if not {"count", "denominator"} <= set(counts):
        return []
    catalogue = indicator_catalogue()
    within = set(catalogue.loc[catalogue["count_within_denominator"] == "yes", "indicator_id"])
    present = [i for i in pd.unique(indicators["indicator_id"]) if i in within]
    return [Rest(total="denominator", parts="count", rows={"indicator_id": present})] if (
        present) else []


def suppress_indicators(
    indicators: pd.DataFrame,
    threshold: int = 5,
    suppress_zeros: bool = False,
    council_code: str | None = None,
    table_name: str = "indicators",
    **rule_options: Any,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Suppress the long indicator table.

    A count (or denominator) below the threshold hides the count, value, confidence limits and
    comparison labels of its row (note ``"[c]"``); within each indicator, period and breakdown
    the next-smallest ward (or LSOA) is hidden too so that the council total minus the published
    wards cannot reveal a hidden ward.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long indicator table.
    threshold : int, default 5
        Counts from 1 to ``threshold - 1`` are hidden.
    suppress_zeros : bool, default False
        Hide true zeros too.
    council_code : str, optional
        See :func:`indicator_table_rules`.
    table_name : str, default "indicators"
        Name used in the audit.
    **rule_options
        Passed to :func:`indicator_table_rules` (``count_columns``, ``additive_breakdowns``,
        ``extra_relations``).

    Returns
    -------
    table : pandas.DataFrame
    audit : pandas.DataFrame
        ``table, row_key, column, reason`` for every hidden cell.
    """
    rules = indicator_table_rules(indicators, council_code=council_code, table_name=table_name,
                                  **rule_options)
    tables, audit = apply_disclosure(
        {table_name: indicators}, {table_name: rules}, threshold, suppress_zeros
    )
    return withdraw_hidden_trends(tables[table_name]), audit


#: Notes of a row whose value is not published: hidden by disclosure control (ours or the
#: publisher's), not available, or too low to show.
NOT_SHOWN_NOTES = (SUPPRESSED, "[x]", "[low]")


def withdraw_hidden_trends(indicators: pd.DataFrame) -> pd.DataFrame:
    """A recent trend resting on a point that is not published becomes "Cannot be calculated".

    Every disclosure of indicator rows ends here (:func:`suppress_indicators`, and chapters that
    protect their indicator rows together with their tables), so no published label rests on a
    hidden count. A point is not published when its note is one of :data:`NOT_SHOWN_NOTES` or
    its value is missing; why the label is withdrawn rather than recomputed from the shown
    points is in :func:`jsna.stats.trend.withdraw_trends_over_hidden_points`.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long indicator table after disclosure control.

    Returns
    -------
    pandas.DataFrame
        A copy (the same table when it has no ``recent_trend``).
    """
    if "recent_trend" not in indicators.columns or indicators.empty:
        return indicators
    note = indicators["note"].astype("object").fillna("").astype(str) if (
        "note" in indicators.columns) else pd.Series("", index=indicators.index)
    hidden = note.isin(NOT_SHOWN_NOTES)
    if "value" in indicators.columns:
        hidden |= pd.to_numeric(indicators["value"], errors="coerce").isna()
    return withdraw_trends_over_hidden_points(indicators, hidden.to_numpy())


#: Names of the ward and deprivation tables in the disclosure call (and its audit).
WARD_TABLE, DECILE_TABLE = "wards_by_ward", "wards_by_deprivation"


def protect_ward_tables(ward_table: pd.DataFrame, decile_table: pd.DataFrame, *, threshold: int,
                        suppress_zeros: bool, unknown_rows_match: bool
                        ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Primary and secondary suppression of the ward and deprivation tables together.

    Relations declared: the council total equals the wards plus "Ward not known" (and the
    deciles plus "Not known"); SEN support + EHC plan = SEN and SEN + no SEN = resident pupils in
    every row; the council total (and, when they are the same pupils, the two "not known" rows)
    appear in both tables.

    Parameters
    ----------
    ward_table, decile_table : DataFrame
        From :func:`jsna.indicators.wards.ward_counts` and
        :func:`jsna.indicators.wards.decile_counts`.
    threshold, suppress_zeros
        The council's disclosure settings.
    unknown_rows_match : bool
        Whether "Ward not known" and decile "Not known" are the same pupils (see
        :func:`jsna.indicators.wards.unknown_rows_match`).

    Returns
    -------
    (DataFrame, DataFrame, DataFrame)
        The two tables with hidden counts missing and ``note = "[c]"``, and the audit.
    """
    counts, all_resident = ward_tables.COUNTS, ward_tables.ALL_RESIDENT
    wards = ward_table.assign(_link=ward_table["area_code"].where(
        ward_table["area_type"] == "Ward", "council"))
    wards.loc[wards["area_name"] == ward_tables.UNKNOWN_WARD, "_link"] = "unknown"
    deciles = decile_table.assign(_link=decile_table["IMD decile"].map(
        {all_resident: "council",
         ward_tables.UNKNOWN_DECILE: "unknown" if unknown_rows_match else "decile unknown"}))
    deciles["_link"] = deciles["_link"].fillna("decile " + deciles["IMD decile"])
    columns = [ColumnTotal(ward_tables.SEN, [ward_tables.SUPPORT, ward_tables.PLAN]),
               ColumnTotal(ward_tables.PUPILS, [ward_tables.SEN, ward_tables.NO_SEN])]
    rules = {
        WARD_TABLE: TableRules(
            key=["area_code", "area_name"], counts=counts,
            relations=[RowTotal(total={"area_type": "Local authority"},
                                parts={"area_type": "Ward"}), *columns]),
        DECILE_TABLE: TableRules(
            key=["IMD decile"], counts=counts,
            relations=[RowTotal(total={"IMD decile": all_resident},
                                parts={"IMD decile": list(decile_table["IMD decile"].iloc[:-1])}),
                       *columns,
                       SameCells(other_table=WARD_TABLE, on=["_link"],
                                 columns={c: c for c in counts})]),
    }
    tables, audit = apply_disclosure({WARD_TABLE: wards, DECILE_TABLE: deciles}, rules,
                                     threshold=threshold, suppress_zeros=suppress_zeros)
    return (tables[WARD_TABLE].drop(columns="_link"), tables[DECILE_TABLE].drop(columns="_link"),
            audit)


#: Names of the settings, cross-border and school tables in the disclosure call (and its audit).
SETTING_TABLE, OUTSIDE_TABLE, SCHOOL_TABLE = (
    "settings_pupils_by_setting", "settings_pupils_living_outside", "settings_schools")


def protect_setting_tables(by_setting: pd.DataFrame, outside: pd.DataFrame,
                           schools: pd.DataFrame, *, threshold: int, suppress_zeros: bool = False
                           ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Disclosure control of the settings, cross-border and school tables together.

    Relations declared: settings add up to "All settings" in each census (both tables with
    settings); schools add up to their setting; the school subtotals and the cross-border table
    publish the same pupils, EHC plan and SEN support counts as the settings table.

    Parameters
    ----------
    by_setting, outside, schools : DataFrame
        From :func:`jsna.indicators.settings.setting_counts`,
        :func:`~jsna.indicators.settings.outside_counts` and
        :func:`~jsna.indicators.settings.school_counts`.
    threshold, suppress_zeros
        The council's disclosure settings.

    Returns
    -------
    (DataFrame, DataFrame, DataFrame, DataFrame)
        The protected settings, cross-border and school tables (hidden cells missing, ``note``
        ``"[c]"``) and the audit.
    """
    counts, all_settings = setting_tables.COUNTS, setting_tables.ALL_SETTINGS
    same = {c: c for c in counts}
    settings = [s for s in by_setting["setting"].unique() if s != all_settings]
    # pupils with no SEN: the pupils less those on SEN support and with a plan; pupils living
    # outside the council: a part of the pupils with a plan (or on SEN support)
    no_sen = Rest(total=setting_tables.PUPILS, parts=[setting_tables.PLAN, setting_tables.SUPPORT])
    living_outside = [Rest(total=setting_tables.PLAN, parts=setting_tables.OUT_PLAN),
                      Rest(total=setting_tables.SUPPORT, parts=setting_tables.OUT_SUPPORT)]
    rules = {
        SETTING_TABLE: TableRules(
            key=["census_year", "setting"], counts=counts,
            relations=[RowTotal(total={"setting": all_settings}, parts={"setting": settings},
                                within=["census_year"])], rests=[no_sen]),
        OUTSIDE_TABLE: TableRules(
            key=["census_year", "setting"], counts=[*counts, *setting_tables.OUT_COUNTS],
            relations=[RowTotal(total={"setting": all_settings}, parts={"setting": settings},
                                within=["census_year"]),
                       SameCells(SETTING_TABLE, on=["census_year", "setting"], columns=same)],
            rests=[no_sen, *living_outside]),
        SCHOOL_TABLE: TableRules(
            key=["census_year", "setting", "school_urn"], counts=counts, rests=[no_sen],
            relations=[RowTotal(total={"row_type": "Setting"}, parts={"row_type": "School"},
                                within=["census_year", "setting"]),
                       SameCells(SETTING_TABLE,
                                 on={"census_year": "census_year", "subtotal_of": "setting"},
                                 columns=same)]),
    }
    # the school table's subtotal rows repeat the settings table; its school rows do not
    subtotal_of = schools["setting"].where(schools["row_type"] == "Setting", "")
    tables, audit = apply_disclosure(
        {SETTING_TABLE: by_setting, OUTSIDE_TABLE: outside,
         SCHOOL_TABLE: schools.assign(subtotal_of=subtotal_of)},
        rules, threshold=threshold, suppress_zeros=suppress_zeros)
    protected_schools = tables[SCHOOL_TABLE].drop(columns="subtotal_of")
    return tables[SETTING_TABLE], tables[OUTSIDE_TABLE], protected_schools, audit


#: Name of the year-group table in the disclosure call (and its audit).
YEAR_GROUP_TABLE = "population_pupils_by_year_group"


def year_group_rules(table: pd.DataFrame) -> TableRules:
    """The year groups add up to "All year groups" in each count column.

    Parameters
    ----------
    table : DataFrame
        From :func:`jsna.indicators.year_groups.year_group_counts` (the total row last).
    """
    return TableRules(
        key=["Year group"],
        counts=list(year_groups.COUNTS),
        relations=[RowTotal(total={"Year group": year_groups.ALL_YEAR_GROUPS},
                            parts={"Year group": list(table["Year group"].iloc[:-1])})],
    )


def protect_year_group_table(table: pd.DataFrame, *, threshold: int, suppress_zeros: bool = False
                             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Primary and secondary suppression of the table of pupils by year group.

    Parameters
    ----------
    table : DataFrame
        From :func:`jsna.indicators.year_groups.year_group_counts`.
    threshold, suppress_zeros
        The council's disclosure settings.

    Returns
    -------
    (DataFrame, DataFrame)
        The table with hidden counts missing and ``note = "[c]"``, and the audit.
    """
    tables, audit = apply_disclosure({YEAR_GROUP_TABLE: table},
                                     {YEAR_GROUP_TABLE: year_group_rules(table)},
                                     threshold=threshold, suppress_zeros=suppress_zeros)
    return tables[YEAR_GROUP_TABLE], audit


#: Name of the EHC plans caseload table in the disclosure call (and its audit).
CASELOAD_TABLE = "ehcp_caseload"


def protect_caseload_table(table: pd.DataFrame, counts: Sequence[str], *, threshold: int
                           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Primary suppression of the EHC plans caseload table (one row per January, one column per
    area; no relation between its cells).

    Returns
    -------
    (DataFrame, DataFrame)
        The table with hidden counts missing and ``note = "[c]"``, and the audit.
    """
    rules = TableRules(key=["January"], counts=list(counts), relations=[])
    tables, audit = apply_disclosure({CASELOAD_TABLE: table}, {CASELOAD_TABLE: rules},
                                     threshold=threshold)
    return tables[CASELOAD_TABLE], audit


def indicator_pipeline(
    rows: pd.DataFrame,
    *,
    config: Config,
    areas: ComparatorAreas,
    polarity: str = "Not applicable",
    value_rows: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counts and denominators → CIs → comparisons → trend → disclosure → contract columns.

    The statistics are added by :func:`jsna.indicators.comparisons.add_statistics`; the rows are
    then disclosure-controlled by :func:`suppress_indicators`.

    ``rows``, ``areas`` and ``polarity`` are as :func:`~jsna.indicators.comparisons.add_statistics`
    takes them; ``config`` gives the disclosure threshold and whether zeros are suppressed.
    ``value_rows`` are rows whose value is given (medians, percentiles: see
    :func:`~jsna.indicators.comparisons.add_value_statistics`), disclosure-controlled with the
    others, so the relations the catalogue declares between them hold (a median's denominator is
    the same cell as a percentage's).
    Returns the long indicator table after disclosure, and the disclosure audit.
    """
    stated = add_statistics(rows, areas, polarity)
    if value_rows is not None and not value_rows.empty:
        stated = finalise(pd.concat([stated, add_value_statistics(value_rows, areas)],
                                    ignore_index=True))
    suppressed, audit = suppress_indicators(
        stated,
        threshold=config.disclosure.threshold,
        suppress_zeros=config.disclosure.suppress_zeros,
        council_code=areas.council,
    )
    out = finalise(suppressed)
    # a row hidden before the pipeline (by a chapter's own table rules) has no value to compare:
    # its comparison and trend labels are empty, like its value
    hidden = out["note"] == SUPPRESSED
    for column in ("compared_to_england", "compared_to_region", "compared_to_neighbours",
                   "recent_trend", "quartile_band"):
        out.loc[hidden, column] = ""
    return out, audit
