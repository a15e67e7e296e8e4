"""The regional index page: every council's site linked, and the councils compared.

Written by ``jsna refresh --areas`` to ``<output.folder>/<year>/index.html``, beside the councils'
sites. It reads only what those sites publish (each ``data/indicators.csv``, already through
disclosure control), so it shows no value a council's own site does not, and it is rendered by the
same template as every page of a site: names from the files are escaped, never read as markup.
The page and its CSV download are each written aside and renamed into place, so a reader never
sees half a page.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jsna.chapters.base import DATA_FOLDER
from jsna.indicators.catalogue import indicator_catalogue
from jsna.indicators.table import CSV_FLOAT_FORMAT
from jsna.literal import csv_text
from jsna.render.html import Link, PageContext, html_notebook, render_page
from jsna.render.overview import measure
from jsna.render.publish import write_text
from jsna.review.changes import read_indicators
from jsna.viz.display import escape

#: The page, and the comparison as a CSV, in ``<output.folder>/<year>/``.
REGIONAL_PAGE = "index.html"
REGIONAL_CSV = "councils_compared.csv"


@dataclass(frozen=True)
class RegionalEntry:
    """A council on the regional page."""

    code: str
    name: str
    region_code: str
    region_name: str
    #: ``""`` when this refresh published the site whole; otherwise what went wrong, in words.
    status: str = ""


def _scorecard_measures() -> pd.DataFrame:
    catalogue = indicator_catalogue()
    return catalogue[catalogue["scorecard"]][["indicator_id", "name", "headline_breakdown"]]


def _published_rows(folder: Path, entries: Sequence[RegionalEntry]) -> pd.DataFrame:
    """Every council's published scorecard rows (its own, England's and its region's)."""
    measures = _scorecard_measures()
    frames = []
    for entry in entries:
        path = folder / entry.code / DATA_FOLDER / "indicators.csv"
        if not path.is_file():
            continue
        rows = read_indicators(path)
        rows = rows.merge(measures, on="indicator_id")
        rows = rows[rows["breakdown"].astype(str) == rows["headline_breakdown"]]
        own = rows["area_code"] == entry.code
        shared = rows["area_type"].isin(["England"]) | (rows["area_code"] == entry.region_code)
        frames.append(rows[own | shared])
    if not frames:
        return pd.DataFrame(columns=["indicator_id", "area_code", "area_type", "period", "value",
                                     "note"])
    return pd.concat(frames, ignore_index=True)


def comparison_table(folder: Path, entries: Sequence[RegionalEntry]) -> pd.DataFrame:
    """The councils (and England and their regions) on the scorecard measures.

    For each scorecard indicator the latest period any council publishes is shown; a council
    without a value for it shows its published symbol (``[c]`` suppressed, ``[x]`` not
    available) or ``[x]`` when its site does not hold the indicator.

    Parameters
    ----------
    folder : Path
        ``<output.folder>/<year>``: the councils' sites are its sub-folders, by code.
    entries : sequence of RegionalEntry
        The councils, in the order to show (England and regions come first).

    Returns
    -------
    DataFrame
        ``Area``, ``Code``, ``Area type``, ``Region``, then one text column per indicator,
        ``"<name>, <period>"``, with each value written in its unit.
    """
    rows = _published_rows(folder, entries)
    measures = _scorecard_measures()
    areas = [("England", "E92000001", "England", "")]
    regions = {entry.region_code: entry.region_name for entry in entries}
    areas += [(name, code, "Region", name) for code, name in sorted(regions.items(),
                                                                    key=lambda item: item[1])]
    areas += [(entry.name, entry.code, "Local authority", entry.region_name) for entry in entries]
    table = pd.DataFrame(areas, columns=["Area", "Code", "Area type", "Region"])
    for measure_row in measures.itertuples(index=False):
        of = rows[rows["indicator_id"] == measure_row.indicator_id]
        if of.empty:
            continue
        latest = str(max(of["period"].astype(str)))
        of = of[of["period"].astype(str) == latest].drop_duplicates("area_code")
        by_code = of.set_index("area_code")
        table[f"{measure_row.name}, {latest}"] = [
            _written(by_code.loc[code], measure_row.name) if code in by_code.index else "[x]"
            for code in table["Code"]]
    return table


def _written(row: pd.Series, name: str) -> str:
    value = pd.to_numeric(row["value"], errors="coerce")
    if value is not None and not (isinstance(value, float) and math.isnan(value)):
        return measure(float(value), name)
    note = str(row.get("note", "") or "").strip()
    return note if note else "[x]"


def _replace(path: Path, text: str) -> Path:
    """Write ``path`` aside and rename it into place (readers see the old or the new file)."""
    aside = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write_text(aside, text)
    os.replace(aside, path)
    return path


def _region_sections(table: pd.DataFrame, entries: Sequence[RegionalEntry],
                     folder: Path) -> list[tuple[str, str, str]]:
    """One ``(anchor, heading, table HTML)`` per region, regions by name: England and the
    region first (for comparison), then the region's councils by name, each linked to its site
    and with what went wrong, if anything, beside its name."""
    measures = [column for column in table.columns if column not in _AREA_COLUMNS]
    values = table.set_index("Code")
    by_region: dict[tuple[str, str], list[RegionalEntry]] = {}
    for entry in entries:
        by_region.setdefault((entry.region_name, entry.region_code), []).append(entry)
    head = "".join(f'<th scope="col" class="num">{_measure_heading(column)}</th>'
                   for column in measures)
    sections = []
    for (region_name, region_code), members in sorted(by_region.items()):
        anchor = f"region-{region_code}"
        rows = [_row(escape(name), values.loc[code] if code in values.index else None,
                     measures, "reference")
                for name, code in (("England", "E92000001"), (region_name, region_code))]
        for entry in sorted(members, key=lambda item: (item.name.casefold(), item.code)):
            rows.append(_row(_council_cell(entry, folder), values.loc[entry.code]
                             if entry.code in values.index else None, measures, ""))
        count = f"{len(members):,} council{'s' if len(members) != 1 else ''}"
        caption = f"{region_name}: {count} on the scorecard measures, latest period published"
        html = (f'<div class="table-wrap regional" role="region" tabindex="0" '
                f'aria-labelledby="caption-{anchor}"><table id="table-{anchor}">'
                # the caption's words stay in view (and wrap) while the table scrolls sideways
                f'<caption id="caption-{anchor}"><span>{escape(caption)}</span></caption>'
                f'<thead><tr><th scope="col">Area</th>{head}</tr></thead>'
                f"<tbody>{''.join(rows)}</tbody></table></div>")
        sections.append((anchor, f"{region_name} ({count})", html))
    return sections


#: Columns of :func:`comparison_table` that name the area (the others are measures).
_AREA_COLUMNS = ("Area", "Code", "Area type", "Region")


def _measure_heading(column: str) -> str:
    """``"<name>, <period>"`` as the name and, on a line of its own, the period."""
    name, _, period = column.rpartition(", ")
    return f'{escape(name)} <span class="period">{escape(period)}</span>'


def _row(header: str, values: pd.Series | None, measures: list[str], css: str) -> str:
    cells = "".join(f'<td class="num">{escape(values[column] if values is not None else "[x]")}'
                    "</td>" for column in measures)
    kind = f' class="{css}"' if css else ""
    return f'<tr{kind}><th scope="row">{header}</th>{cells}</tr>'


def _council_cell(entry: RegionalEntry, folder: Path) -> str:
    """The council's name, linked to its site when there is one, and any problem."""
    has_site = (folder / entry.code / "index.html").is_file()
    name = escape(entry.name)
    cell = f'<a href="{escape(entry.code)}/index.html">{name}</a>' if has_site else name
    if entry.status:
        kept = "; the site linked is the one published before" if (
            has_site and entry.status.startswith("not")) else ""
        cell += f' <span class="status-failed">{escape(entry.status)}{escape(kept)}</span>'
    elif not has_site:
        cell += ' <span class="status-failed">no site</span>'
    return cell


def write_regional_index(folder: Path, entries: Sequence[RegionalEntry], *, year: int,
                         threshold: int = 5) -> Path:
    """Write the regional index page and its CSV into ``folder`` (``<output.folder>/<year>``).

    The councils are grouped by region (a list of regions at the top links to each); each
    region's table starts with England and the region, then gives every council, linked to its
    site, on the scorecard measures. Councils whose refresh went wrong are also listed first.

    Parameters
    ----------
    folder : Path
        Where the councils' sites are (one sub-folder per council code).
    entries : sequence of RegionalEntry
        The councils of the run.
    year : int
        The JSNA year.
    threshold : int
        The disclosure threshold, for the footer.

    Returns
    -------
    Path
        The page.
    """
    folder.mkdir(parents=True, exist_ok=True)
    table = comparison_table(folder, entries)
    _replace(folder / REGIONAL_CSV, csv_text(table, float_format=CSV_FLOAT_FORMAT))
    sections = _region_sections(table, entries, folder)
    title = f"SEND Joint Strategic Needs Assessments {year}: councils compared"
    cells = [
        ("html", f"<h1>{escape(title)}</h1>"),
        ("html", '<p class="lead">'
                 f"{len(entries):,} councils' JSNAs of children and young people with special "
                 "educational needs and disabilities (SEND), built with the same methods from "
                 "the same published files.</p>"),
        ("html", "<p>Councils are grouped by region. Each region's table starts with England "
                 "and the region, then compares its councils on the scorecard measures; each "
                 "council's name links to its own JSNA, which also compares it with its "
                 "statistical neighbours, with confidence intervals. On a narrow screen, scroll "
                 "a table sideways: the area names stay in view.</p>"),
    ]
    troubled = [entry for entry in entries
                if entry.status or not (folder / entry.code / "index.html").is_file()]
    if troubled:
        cells += [("markdown", "## Councils whose refresh went wrong"),
                  ("html", '<ul class="regional-problems">' + "".join(f"<li>{_council_cell(entry, folder)}</li>"
                                            for entry in troubled) + "</ul>")]
    cells += [
        ("markdown", "## Regions"),
        ("html", '<ul class="region-index">' + "".join(
            f'<li><a href="#{escape(anchor)}">{escape(heading)}</a></li>'
            for anchor, heading, _ in sections) + "</ul>"),
    ]
    for anchor, heading, html in sections:
        cells += [("html", f'<h2 id="{escape(anchor)}">{escape(heading)}</h2>'), ("html", html)]
    cells.append(("html", '<p class="note">Values as each council\'s site publishes them, after '
                          "disclosure control. [c] suppressed; [x] not available. Every value is "
                          f'also in <a href="{REGIONAL_CSV}" download>{REGIONAL_CSV}</a>.</p>'))
    context = PageContext(
        site_title=title, page_title="Councils compared",
        nav=[Link("Councils compared", REGIONAL_PAGE, current=True)],
        downloads=[Link("Councils compared (CSV)", REGIONAL_CSV)],
        footer=(f"{title}. Produced with the jsna toolkit. Figures for fewer than {threshold} "
                "pupils are suppressed ([c])."))
    return _replace(folder / REGIONAL_PAGE, render_page(html_notebook(cells), context))
