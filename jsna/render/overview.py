"""The overview's executive summary and SEND scorecard, from the published indicator table.

The summary has one line per scorecard indicator, in the catalogue's words
(``[overview]`` of :mod:`jsna.chapters.wording`), most important first: significantly worse than
England or the statistical neighbours and getting worse; then worse; then getting worse; then
the rest, each group in catalogue order. The scorecard sets each indicator beside England, the
region and the neighbours' average, with its rank among the neighbours, trend, quartile band,
any local target and a red/amber/green status that is always written out as well as coloured.

Every text is escaped before it is put in the page; glossary links are then added to the escaped
text by a :class:`jsna.render.glossary.GlossaryLinker`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from jsna.chapters.wording import Wording, sentence
from jsna.indicators.catalogue import AMBER, GREEN, NOT_RATED, RED
from jsna.render.glossary import GlossaryLinker
from jsna.viz.display import escape, format_cell

#: The groups of the summary, most important first (keys of ``[overview.importance]``).
IMPORTANCE = ("worse_and_worsening", "worse", "worsening", "other")

_WORSE = "Worse"
_NUM = ' class="num"'


@dataclass(frozen=True)
class SummaryLine:
    """One line of the executive summary: its group (see :data:`IMPORTANCE`), the group's label
    and the sentence (plain text)."""

    importance: str
    label: str
    text: str


def importance(row: pd.Series) -> str:
    """The summary group of a scorecard row (:func:`jsna.indicators.catalogue.scorecard`).

    Worse means significantly worse than England or than the statistical neighbours' average;
    getting worse means a significant recent trend in the wrong direction for the polarity.
    """
    worse = _WORSE in (row["compared_to_england"], row["compared_to_neighbours"])
    worsening = bool(row["worsening"])
    if worse and worsening:
        return "worse_and_worsening"
    if worse:
        return "worse"
    return "worsening" if worsening else "other"


def summary_lines(card: pd.DataFrame, council: str,
                  wording: Wording | None = None, *, region: str | None = None,
                  ) -> list[SummaryLine]:
    """The executive summary's lines, most important first.

    Parameters
    ----------
    card : DataFrame
        From :func:`jsna.indicators.catalogue.scorecard` (catalogue order).
    council : str
        The council's name (inserted as text).
    wording : Wording, optional
        Default: the ``[overview]`` section of ``wording.toml``.
    region : str, optional
        The council's region (inserted as text): each line then also compares the council with
        its region, between England and the statistical neighbours.

    Returns
    -------
    list of SummaryLine
        One per row; a stable sort by :data:`IMPORTANCE` keeps catalogue order within a group.
    """
    say = wording or Wording("overview")
    lines = []
    for _, row in card.iterrows():
        group = importance(row)
        lines.append(SummaryLine(group, say.pick("importance", group),
                                 _sentence(row, council, say, region)))
    return sorted(lines, key=lambda line: IMPORTANCE.index(line.importance))


#: Unit of an indicator, read from the end of its catalogue name, and how a value is written.
_UNITS: tuple[tuple[str, str], ...] = (
    (" (%)", "{:.1f}%"), (" (percentage points)", "{:.1f} percentage points"),
    (" (£)", "£{:,.0f}"))


def measure(value: float, name: str) -> str:
    """A value written in its indicator's unit (the catalogue name says which).

    Examples
    --------
    >>> measure(22.64, "New EHC plans issued within 20 weeks (%)")
    '22.6%'
    >>> measure(956.8, "High needs block allocation per resident aged 2 to 18 (£)")
    '£957'
    >>> measure(30.64, "SEND Tribunal appeals registered per 1,000 appealable decisions")
    '30.6 per 1,000'
    >>> measure(12.25, "Gap in grade 9-4, no SEN minus SEN group (percentage points)")
    '12.2 percentage points'
    """
    for suffix, written in _UNITS:
        if name.endswith(suffix):
            return written.format(value)
    if "per 1,000" in name:
        return f"{value:.1f} per 1,000"
    return f"{value:.1f}"


def _indicator_words(name: str) -> str:
    """The catalogue name without its unit (the unit is written with each value)."""
    for suffix, _ in _UNITS:
        name = name.removesuffix(suffix)
    return name


def _sentence(row: pd.Series, council: str, say: Wording, region: str | None = None) -> str:
    indicator = _indicator_words(str(row["name"]))
    value = float(row["value"])
    if not math.isfinite(value):
        return sentence(say.fill("not_published", indicator=indicator, period=row["period"]))
    parts = [say.fill("headline", indicator=indicator, value=measure(value, str(row["name"])),
                      period=row["period"])]
    parts.append(_comparators(row, say, region))
    if math.isfinite(row["rank"]):
        parts.append(say.fill("rank", rank=row["rank"], out_of=row["out_of"], council=council,
                              first=say.pick("first", row["polarity"])))
    trend = _trend_key(row)
    if trend:
        parts.append(say.fill("recent_trend", trend=say.pick("trend", trend)))
    if row["target_met"]:
        parts.append(say.fill("target", target=measure(float(row["target"]), str(row["name"])),
                              met=say.pick("met", row["target_met"])))
    return sentence(*parts)


def _comparators(row: pd.Series, say: Wording, region: str | None = None) -> str:
    """England, then the region (when named and published), then the neighbour average; a
    comparator judged as the one before it is listed without repeating the judgement."""
    england, average = float(row["england"]), float(row["neighbours"])
    name = str(row["name"])
    to_england, to_neighbours = row["compared_to_england"], row["compared_to_neighbours"]
    text = ""
    previous = None
    if math.isfinite(england):
        text = say.fill("against_england", relation=say.pick("compared", to_england),
                        england=measure(england, name))
        previous = to_england
    value = float(row["region"]) if region is not None else math.nan
    if text and math.isfinite(value):
        to_region = row["compared_to_region"]
        if to_region == previous and say.knows("compared", to_region):
            text += say.fill("and_region_alike", region=region, value=measure(value, name))
        else:
            text += say.fill("and_region", relation=say.pick("compared", to_region),
                             region=region, value=measure(value, name))
        previous = to_region
    if not math.isfinite(average):
        return text
    if not text:
        return say.fill("against_neighbours", relation=say.pick("compared", to_neighbours),
                        average=measure(average, name))
    if to_neighbours == previous and say.knows("compared", to_neighbours):
        return text + say.fill("and_neighbours_alike", average=measure(average, name))
    return text + say.fill("and_neighbours", relation=say.pick("compared", to_neighbours),
                           average=measure(average, name))


def neighbour_average_note(council: str, neighbours: int) -> str:
    """How the statistical neighbour average is worked out (under the summary and scorecard).

    Examples
    --------
    >>> neighbour_average_note("Demoton", 10)[:72]
    'Neighbour average: the simple (unweighted) mean of the published values '
    """
    return (f"Neighbour average: the simple (unweighted) mean of the published values of "
            f"{council}'s {neighbours} statistical neighbours (DfE's children's services "
            "statistical neighbour model) for the same period, of those with a value; each "
            "council counts once whatever its size.")


def _trend_key(row: pd.Series) -> str:
    """Key of ``[overview.trend]`` for the row's recent trend ("" when none is said)."""
    trend = row["recent_trend"]
    if row["worsening"]:
        return "worsening"
    if row["polarity"] in ("High is good", "Low is good") and trend in ("Increasing",
                                                                         "Decreasing"):
        return "improving"
    return trend if trend in ("Increasing", "Decreasing", "No significant change") else ""


def summary_html(lines: list[SummaryLine], linker: GlossaryLinker, note: str = "") -> str:
    """The summary: each group that has lines under its label (a heading), most important first,
    then ``note`` (plain text, e.g. :func:`neighbour_average_note`) when given."""
    groups = []
    for group in IMPORTANCE:
        mine = [line for line in lines if line.importance == group]
        if not mine:
            continue
        items = "".join(f"<li>{linker.link(escape(line.text))}</li>" for line in mine)
        groups.append(f'<section class="summary-group summary-{group.replace("_", "-")}">'
                      f"<h3>{escape(mine[0].label)}</h3><ul>{items}</ul></section>")
    note_html = f'<p class="note">{linker.link(escape(note))}</p>' if note else ""
    return f'<div class="executive-summary">{"".join(groups)}{note_html}</div>'


#: CSS class of each status (the colour; the text label is always shown too).
_RAG_CLASS = {RED: "rag-red", AMBER: "rag-amber", GREEN: "rag-green", NOT_RATED: "rag-none"}


def scorecard_html(card: pd.DataFrame, council: str, region: str, neighbours: int,
                   linker: GlossaryLinker, wording: Wording | None = None) -> str:
    """The scorecard table: values beside England, the region and the neighbours' average.

    Rows are in the summary's order (:func:`importance`, then catalogue order).

    Each comparator cell gives the comparator's value and, in brackets, how the council compares
    with it; the status cell gives the red/amber/green status in words as well as colour.

    Parameters
    ----------
    card : DataFrame
        From :func:`jsna.indicators.catalogue.scorecard`.
    council, region : str
        Names shown in the column headings (escaped).
    neighbours : int
        How many statistical neighbours the council has (stated in the note).
    linker : GlossaryLinker
        Links the first use of glossary terms in the indicator names and notes.
    wording : Wording, optional
        Default: ``[overview]`` of ``wording.toml`` (the status labels).
    """
    say = wording or Wording("overview")
    has_targets = card["target"].notna().any()
    headings = ["Indicator (period)", council, "England", region, "Neighbour average",
                "Neighbour rank", "Recent trend", "Quartile band (A best)",
                *(["Local target"] if has_targets else []), "RAG status"]
    # the council's and region's names (1, 3) are text; the fixed headings after the rank get
    # glossary links
    head = "".join(f'<th scope="col"{_NUM if 1 <= i <= 5 else ""}>'
                   f"{linker.link(escape(h)) if i > 5 else escape(h)}</th>"
                   for i, h in enumerate(headings))
    rows = []
    order = sorted(range(len(card)), key=lambda i: IMPORTANCE.index(importance(card.iloc[i])))
    for _, row in card.iloc[order].iterrows():
        value = row["note"] if isinstance(row["note"], str) and row["note"] else row["value"]
        cells = [
            f'<th scope="row">{linker.link(escape(row["name"]))} '
            f'<span class="period">({escape(row["period"])})</span></th>',
            f'<td class="num">{escape(format_cell(value, "decimal"))}</td>',
            _compared_cell(row["england"], row["compared_to_england"]),
            _compared_cell(row["region"], row["compared_to_region"]),
            _compared_cell(row["neighbours"], row["compared_to_neighbours"]),
            f'<td class="num">{escape(_rank(row))}</td>',
            f"<td>{escape(row['recent_trend'])}</td>",
            f"<td>{escape(_band(row['quartile_band']))}</td>",
        ]
        if has_targets:
            cells.append(f"<td>{escape(_target(row, say))}</td>")
        rag = row["rag"] if row["rag"] in _RAG_CLASS else NOT_RATED
        cells.append(f'<td class="rag {_RAG_CLASS[rag]}">{escape(say.pick("rag", rag))}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    notes = [
        "Each comparator column gives the comparator's value and, in brackets, how "
        f"{council} compares with it: significantly higher, lower, better or worse, or similar, "
        "judged by whether the 95% confidence interval of its value includes the comparator's "
        "value (as OHID Fingertips does); better or worse only where a higher value is better "
        "or worse.",
        neighbour_average_note(council, neighbours) + " Neighbour rank: 1 is the best value (the highest where a higher value "
        "is neither better nor worse) among the council and its neighbours with a value.",
        "Rows are in the order of the summary above. Recent trend: chi-square test for trend over the latest five periods. Quartile band "
        "among all councils in England (A = best quarter) where a higher or lower value is "
        "better. RAG status: red when significantly worse than England or the neighbour "
        "average, green when significantly better than England and not worse than the "
        "neighbours, amber otherwise; not rated where a higher value is neither better nor "
        "worse. [x] = not available; [c] = suppressed to protect confidentiality.",
    ]
    caption = (f"SEND scorecard: {council}'s latest values beside England, {region} and its "
               "statistical neighbours")
    note_html = "".join(f'<p class="note">{linker.link(escape(note))}</p>' for note in notes)
    return (f'<div class="table-wrap" role="region" tabindex="0" '
            f'aria-labelledby="caption-scorecard"><table id="table-scorecard">'
            f'<caption id="caption-scorecard">{escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"{note_html}</div>")


def _compared_cell(value: float, label: str) -> str:
    text = format_cell(value, "decimal")
    shown = label if label and label != "Not compared" else ""
    detail = f' <span class="compared">({escape(shown.lower())})</span>' if shown else ""
    return f'<td class="num">{escape(text)}{detail}</td>'


def _rank(row: pd.Series) -> str:
    if not math.isfinite(row["rank"]):
        return ""
    return f"{int(row['rank'])} of {int(row['out_of'])}"


def _band(band: str) -> str:
    return "" if band in ("", "Not applicable") else band


def _target(row: pd.Series, say: Wording) -> str:
    if not math.isfinite(row["target"]):
        return ""
    return f"{format_cell(row['target'], 'decimal')} ({say.pick('met', row['target_met'])})"
