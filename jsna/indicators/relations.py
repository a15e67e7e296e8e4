"""Additive relations between rows of the long indicator table, read from the catalogue.

Disclosure control (a chapter's, and the site-wide gate's) must know every way a hidden count
can be worked out from published ones. Three columns of ``catalogue.csv`` declare them, and
:func:`indicator_relations` turns them into relations for :mod:`jsna.disclosure`:

``breakdowns``
    ``partition``: in each area and period, the counts of all the indicator's breakdowns add up
    to its denominator (shown on every row), e.g. the primary needs of pupils on SEN support.
    ``parts of headline``: the other breakdowns add up to the headline breakdown, in both the
    count and the denominator (e.g. IMD deciles plus "not known" make all resident pupils).
    Empty: no relation between breakdowns.
``count_is``
    Other indicators' counts whose sum is this indicator's count, in the same area, period and
    breakdown (``a.count + b.count``), e.g. SEN = SEN support + EHC plan.
``denominator_is``
    Another indicator's count or denominator equal to this denominator (``other.count`` or
    ``other.denominator``), in the same area and period, and in the same breakdown when the other
    indicator has this one's breakdowns, otherwise in the other's headline breakdown (the
    denominator of the SEN support need mix is the count of pupils on SEN support).

Small areas (wards, LSOAs) adding up to the council are declared by
:func:`jsna.disclosure.indicator_table_rules` itself, for every indicator.
"""

from __future__ import annotations

import pandas as pd

from jsna.errors import JsnaInputError
from jsna.indicators.catalogue import indicator_catalogue

PARTITION = "partition"
PARTS_OF_HEADLINE = "parts of headline"
_COUNT_COLUMNS = ("count", "denominator")


def _term(text: str, indicator: str, field: str) -> tuple[str, str]:
    other, _, column = text.strip().rpartition(".")
    if not other or column not in _COUNT_COLUMNS:
        raise JsnaInputError(
            f"indicator catalogue: {indicator}, column {field}: {text.strip()!r} is not "
            "'<indicator_id>.count' or '<indicator_id>.denominator'")
    return other, column


def indicator_relations(indicators: pd.DataFrame, table: str) -> list:
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
    from jsna.disclosure import CellTotal, RowTotal, SameCells

    catalogue = indicator_catalogue().set_index("indicator_id")
    present = [i for i in pd.unique(indicators["indicator_id"]) if i in catalogue.index]
    breakdowns = indicators.groupby("indicator_id")["breakdown"].agg(set).to_dict()
    relations: list = []
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
        elif kind:
            raise JsnaInputError(f"indicator catalogue: {indicator}, column breakdowns: {kind!r} "
                                 f"is not '{PARTITION}', '{PARTS_OF_HEADLINE}' or empty")
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
