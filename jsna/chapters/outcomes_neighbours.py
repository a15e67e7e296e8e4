"""The outcomes chapter's compare-with-neighbours charts, each with its table beside it.

For a headline measure and SEN group, the latest year's figure for the council, each statistical
neighbour, the neighbours' average, the region and England
(:func:`jsna.indicators.neighbour_comparison.neighbour_comparison`), drawn by
:func:`jsna.viz.neighbours.neighbours_chart` from the chapter's indicator rows (after disclosure
control), with the interval a measure has and none where it has none.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from jsna.disclosure import TableRules
from jsna.indicators.comparisons import ComparatorAreas
from jsna.indicators.neighbour_comparison import neighbour_comparison
from jsna.viz.display import Figure, Table
from jsna.viz.neighbours import neighbours_chart, neighbours_table


@dataclass(frozen=True)
class Headline:
    """A measure charted against the neighbours, and how it is written."""

    key: str
    indicator: str
    breakdown: str
    #: what is measured, for the caption and alt text ("... with an EHC plan" included)
    measure: str
    x_label: str
    value_label: str
    decimals: int
    unit: str
    source: str
    #: the basis and the interval (or why there is none), under the table
    basis: str


def latest_period(rows: pd.DataFrame, indicator: str, breakdown: str) -> str | None:
    """The latest period in which any area has a published value of the series."""
    series = rows[(rows["indicator_id"] == indicator) & (rows["breakdown"] == breakdown)
                  & rows["value"].notna()]
    return str(series["period"].max()) if len(series) else None


def neighbours_section(rows: pd.DataFrame, areas: ComparatorAreas, council: str,
                       headline: Headline, chapter_key: str
                       ) -> tuple[Figure, Table, TableRules] | None:
    """The chart, its table and the table's disclosure rules for one headline measure.

    Parameters
    ----------
    rows : DataFrame
        The chapter's indicator rows (council, region, England and neighbours), after
        disclosure control.
    areas : ComparatorAreas
        Council, region and neighbours.
    council : str
        The council's name as the report shows it.
    headline : Headline
        The measure, breakdown and wording.
    chapter_key : str
        Prefix of the figure and table names (``outcomes``).

    Returns
    -------
    tuple or None
        ``(figure, table, rules)``, or None when no area has a published value.
    """
    period = latest_period(rows, headline.indicator, headline.breakdown)
    if period is None:
        return None
    chosen = rows[(rows["indicator_id"] == headline.indicator)
                  & (rows["breakdown"] == headline.breakdown) & (rows["period"] == period)]
    data = neighbour_comparison(chosen, areas, council_name=council)
    name = f"{chapter_key}_{headline.key}_neighbours"
    caption = (f"{headline.measure[0].upper()}{headline.measure[1:]}, {council}, its statistical "
               f"neighbours, their average, {areas.region_name} and England, {period}")
    figure = neighbours_chart(data, name=name, caption=caption, measure=headline.measure,
                              x_label=headline.x_label, decimals=headline.decimals,
                              unit=headline.unit, source=headline.source)
    table = neighbours_table(
        data, name=name, caption=f"The figures of the chart: {caption[0].lower()}{caption[1:]}",
        value_label=headline.value_label, decimals=headline.decimals,
        notes=[headline.source, headline.basis,
               "Highest first. The neighbours' average is the unweighted mean of the "
               "statistical neighbours with a published value (how many, of how many, is in "
               "its name); it has no interval, and one more decimal place than the published "
               "figures. Difference from England: the area's figure "
               "minus England's, in the measure's units.",
               "[x] = not available; [c] = suppressed."])
    return figure, table, TableRules(key=["Area"], counts=[])
