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
from jsna.viz.display import Table, escape

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


def write_regional_index(folder: Path, entries: Sequence[RegionalEntry], *, year: int,
                         threshold: int = 5) -> Path:
    """Write the regional index page and its CSV into ``folder`` (``<output.folder>/<year>``).

    Parameters
    ----------
    folder : Path
        Where the councils' sites are (one sub-folder per council code).
    entries : sequence of RegionalEntry
        The councils of the run, in the order to list them.
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
    items = []
    for entry in entries:
        has_site = (folder / entry.code / "index.html").is_file()
        name = escape(entry.name)
        link = (f'<a href="{escape(entry.code)}/index.html">{name}</a>' if has_site else name)
        status = ""
        if entry.status:
            kept = "; the site linked is the one published before" if (
                has_site and entry.status.startswith("not")) else ""
            status = (f' <span class="status-failed">{escape(entry.status)}{escape(kept)}'
                      "</span>")
        elif not has_site:
            status = ' <span class="status-failed">no site</span>'
        items.append(f"<li>{link} ({escape(entry.region_name)}, {escape(entry.code)}){status}"
                     "</li>")
    title = f"SEND Joint Strategic Needs Assessments {year}: councils compared"
    cells = [
        ("html", f"<h1>{escape(title)}</h1>"),
        ("html", '<p class="lead">'
                 f"{len(entries):,} councils' JSNAs of children and young people with special "
                 "educational needs and disabilities (SEND), built with the same methods from "
                 "the same published files.</p>"),
        ("markdown", "## Councils"),
        ("html", f'<ul class="chapter-list">{"".join(items)}</ul>'),
        ("markdown", "## Scorecard measures compared"),
        ("html", Table(
            name="councils_compared",
            caption=f"Scorecard measures, latest period published, {year} JSNAs",
            frame=table, row_header="Area",
            notes=["Values as each council's site publishes them, after disclosure control. "
                   "[c] suppressed; [x] not available. Each council's site compares it with "
                   "England, its region and its statistical neighbours, with confidence "
                   "intervals."]).to_html()),
    ]
    context = PageContext(
        site_title=title, page_title="Councils compared",
        nav=[Link("Councils compared", REGIONAL_PAGE, current=True)],
        downloads=[Link("Councils compared (CSV)", REGIONAL_CSV)],
        footer=(f"{title}. Produced with the jsna toolkit. Figures for fewer than {threshold} "
                "pupils are suppressed ([c])."))
    return _replace(folder / REGIONAL_PAGE, render_page(html_notebook(cells), context))
