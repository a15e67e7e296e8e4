"""The one-page validation report every cleaner writes (census, SEN2, health, children in need).

Each cleaner says what its tables hold; this module lays them out as one accessible,
self-contained HTML page (no scripts, no external requests). Every text is escaped, and the
pages never hold identifiers: the cleaners give row numbers only.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

_CSS = """
body{font-family:Arial,Helvetica,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;
color:#0b0c0c;background:#fff;line-height:1.5}
h1{font-size:2rem;margin-bottom:.5rem}h2{font-size:1.5rem;margin-top:2.5rem}
h3{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:1rem 0}
caption{text-align:left;font-weight:bold;padding:.5rem 0}
th,td{border:1px solid #505a5f;padding:.35rem .6rem;text-align:left;vertical-align:top}
th{background:#f3f2f1}td.num{text-align:right;font-variant-numeric:tabular-nums}
"""

_NUMERIC = ' class="num"'
#: Column headings of a findings table, after any grouping column.
FINDINGS_HEADINGS = ("Finding", "Column", "Rows", "Share", "Example rows", "What the cleaner did")


@dataclass(frozen=True)
class ReportSection:
    """A heading, an optional paragraph and an optional table of a validation report.

    ``rows`` hold text cells (escaped when written); the first cell of a row is its header.
    ``numeric`` lists the columns aligned right. ``rows=None`` writes no table; an empty list
    writes ``empty`` instead of the table.
    """

    heading: str | None
    caption: str = ""
    columns: Sequence[str] = ()
    rows: Sequence[Sequence[str]] | None = None
    numeric: frozenset[int] = frozenset()
    note: str = ""
    empty: str = "No data-quality findings."
    level: int = 2


def _section(section: ReportSection) -> list[str]:
    esc = html.escape
    parts = []
    if section.heading:
        parts.append(f"<h{section.level}>{esc(section.heading)}</h{section.level}>")
    if section.note:
        parts.append(f"<p>{esc(section.note)}</p>")
    if section.rows is None:
        return parts
    if not section.rows:
        return [*parts, f"<p>{esc(section.empty)}</p>"]
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in section.columns)
    parts += ["<table>", f"<caption>{esc(section.caption)}</caption>",
              f"<thead><tr>{head}</tr></thead>", "<tbody>"]
    for row in section.rows:
        cells = [f'<th scope="row">{esc(str(row[0]))}</th>']
        cells += [f"<td{_NUMERIC if i in section.numeric else ''}>{esc(str(v))}</td>"
                  for i, v in enumerate(row[1:], start=1)]
        parts.append(f"<tr>{''.join(cells)}</tr>")
    return [*parts, "</tbody>", "</table>"]


def render_report_page(title: str, intro: str, sections: Sequence[ReportSection]) -> str:
    """One validation report page: a level-1 heading, an introduction and the sections.

    Parameters
    ----------
    title : str
        The page's title and heading (e.g. "Demoton: school census validation report").
    intro : str
        The opening paragraph.
    sections : sequence of ReportSection
        In reading order.

    Returns
    -------
    str
        The HTML document.

    Examples
    --------
    >>> page = render_report_page("A <b> report", "Intro", [ReportSection(
    ...     "Rows", "Rows read", ["Step", "Rows"], [["read", "3"]], numeric=frozenset({1}))])
    >>> "<h1>A &lt;b&gt; report</h1>" in page, '<td class="num">3</td>' in page
    (True, True)
    """
    esc = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{esc(title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
             "<main>", f"<h1>{esc(title)}</h1>", f"<p>{esc(intro)}</p>"]
    for section in sections:
        parts += _section(section)
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)


def share_text(rows: int, base: int, of_what: str) -> str:
    """``"1.5% of rows read"`` (``"under 0.1% ..."`` for tiny shares; blank without a base)."""
    if not base:
        return ""
    percent = 100 * rows / base
    return f"{percent:.1f}% {of_what}" if percent >= 0.05 else f"under 0.1% {of_what}"


def reconciliation_section(reconciliation: pd.DataFrame, caption: str,
                           group: tuple[str, str] | None = None, note: str = "") -> ReportSection:
    """The rows read, set aside and kept (``step, reason, rows``), optionally by a group column
    (``(column, heading)``, e.g. ``("census_year", "Census (January)")``)."""
    columns = ["Step", "Reason", "Rows"]
    rows = [[str(r["step"]), str(r["reason"]), f"{int(r['rows']):,}"]
            for r in reconciliation.to_dict("records")]
    if group is not None:
        column, heading = group
        columns.insert(0, heading)
        rows = [[str(value), *row] for value, row in zip(reconciliation[column], rows,
                                                          strict=True)]
    return ReportSection("Rows read, set aside and kept", caption, columns, rows,
                         numeric=frozenset({len(columns) - 1}), note=note)
