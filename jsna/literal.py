"""Names and titles from the config and input files, published as the text they are.

Council, region, ward, school and neighbour names, and the site title, come from files that a
council (or anyone who can edit them) controls. Wherever the site shows them they must stay text,
never become markup, mathematics or a formula:

- **HTML**: every such text is escaped (:func:`jsna.viz.display.escape`; the page template
  autoescapes what it prints), so ``<script>`` or ``</title>`` in a name is shown, not run.
- **Charts**: a pair of ``$`` in a matplotlib text starts mathtext (``$x$`` is drawn as an italic
  *x*), so :func:`literal_chart_text` draws every text of a chart as written.
- **CSV**: a spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return as a formula (``=HYPERLINK(...)`` in a school's name becomes a live link when a
  reader opens the download), so every CSV a chapter publishes (its tables, indicator rows and
  disclosure audit) is written by :func:`write_csv`, which quotes such cells; the site-wide
  files (``data/indicators.csv``, ``review/*.csv``) are combined from those, quotes included.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure as MatplotlibFigure
from matplotlib.text import Text
from matplotlib.ticker import FixedFormatter, FuncFormatter

#: First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A plain number written as text, e.g. ``-1.5`` or ``+2e-3``: a spreadsheet reads it as that
#: number, never as a formula, so it is left as it is.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def csv_cell(value: object) -> object:
    """Neutralise one CSV cell that a spreadsheet would run as a formula.

    Follows OWASP's rule for CSV injection: a text cell starting with ``=``, ``+``, ``-``, ``@``,
    a tab or a carriage return gets a single quote in front, so spreadsheets show it as text
    (``=HYPERLINK("http://x")`` becomes ``'=HYPERLINK("http://x")``). Numbers, including negative
    numbers written as text (``-1.5``), and every other value are returned unchanged.

    Parameters
    ----------
    value : object
        A cell (or a column heading).

    Returns
    -------
    object
        The value, quoted when it would otherwise start a formula.

    Examples
    --------
    >>> csv_cell("=1+1"), csv_cell("-2"), csv_cell(-2), csv_cell("[c]")
    ("'=1+1", '-2', -2, '[c]')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(
            value):
        return "'" + value
    return value


def csv_cell_as_published(value: object) -> object:
    """The text a CSV cell stood for before :func:`csv_cell` quoted it (its inverse).

    Readers of the site's own CSVs (the disclosure gate) compare cells and headings with names
    held elsewhere (table rules, page tables), which were never quoted.

    Examples
    --------
    >>> csv_cell_as_published("'=1+1"), csv_cell_as_published("'x"), csv_cell_as_published(3)
    ('=1+1', "'x", 3)
    """
    if isinstance(value, str) and value[:1] == "'" and value[1:2] and value[1:].startswith(
            FORMULA_STARTS) and not _NUMBER.fullmatch(value[1:]):
        return value[1:]
    return value


def csv_read_as_published(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` read from a site CSV, with every quoted cell and heading as it was before
    :func:`csv_safe` (only text columns are touched)."""
    out = frame.copy()
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        if not pd.api.types.is_numeric_dtype(column.dtype):  # object or pandas' str dtype
            out.isetitem(position, column.map(csv_cell_as_published))
    out.columns = [csv_cell_as_published(name) for name in frame.columns]
    return out


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column headings pass through :func:`csv_cell`.

    Numeric columns are not touched, so numbers are written exactly as before.
    """
    safe = frame.copy()
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        if pd.api.types.is_numeric_dtype(column.dtype):
            continue
        cells = [csv_cell(value) for value in column]
        # only a column with a changed cell is replaced (as text), so no other column's type,
        # and no number's written form, changes
        if any(new is not old for new, old in zip(cells, column, strict=True)):
            safe.isetitem(position, pd.Series(cells, index=column.index, dtype=object))
    safe.columns = [csv_cell(name) for name in frame.columns]
    return safe


def csv_text(frame: pd.DataFrame, *, float_format: str | None = None) -> str:
    """A published CSV as text: ``\n`` line ends, no index, formulas neutralised.

    Cells that a spreadsheet would run as a formula are quoted (:func:`csv_cell`), and a file with
    a cell holding a bare carriage return quotes every text cell: Python's CSV writer leaves such
    a cell unquoted when lines end in ``\n``, and a spreadsheet would start a new row there (a
    row that could start with a formula).

    Parameters
    ----------
    frame : pandas.DataFrame
        The table as published.
    float_format : str, optional
        ``printf``-style format of floating-point numbers.

    Returns
    -------
    str
        The file's text (write it as UTF-8 without newline translation).
    """
    safe = csv_safe(frame)
    quoting = csv.QUOTE_NONNUMERIC if _holds_carriage_return(safe) else csv.QUOTE_MINIMAL
    return safe.to_csv(index=False, lineterminator="\n", float_format=float_format,
                       quoting=quoting)


def write_csv(frame: pd.DataFrame, path: Path, *, float_format: str | None = None) -> Path:
    """Write a published CSV (UTF-8) as :func:`csv_text` makes it, and return ``path``.

    Every CSV a chapter publishes is written by this function, so no name from an input file
    reaches a reader's spreadsheet as a formula.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table as published.
    path : pathlib.Path
        Where to write it (its folder must exist).
    float_format : str, optional
        ``printf``-style format of floating-point numbers.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(csv_text(frame, float_format=float_format))
    return path


def _holds_carriage_return(frame: pd.DataFrame) -> bool:
    texts = [frame.columns] + [frame.iloc[:, position] for position in range(frame.shape[1])
                               if not pd.api.types.is_numeric_dtype(frame.iloc[:, position].dtype)]
    return any(isinstance(value, str) and "\r" in value for cells in texts for value in cells)


def literal_chart_text(figure: MatplotlibFigure) -> None:
    """Make every text of a chart (titles, labels, legends, annotations) be drawn as written.

    Turns off matplotlib's mathtext, which a pair of ``$`` in a name would otherwise start. Tick
    labels given as strings (``set_xticks(positions, names)``, which installs a
    ``FixedFormatter`` or a ``FuncFormatter`` depending on the matplotlib version) are names and
    are made literal too; tick labels that a number formatter writes are left alone (it may use
    mathtext on purpose, e.g. powers of ten on a log axis).

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The chart, changed in place.
    """
    from_numbers: set[int] = set()
    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            from_numbers.add(id(axis.offsetText))
            # get_*_ticks makes every tick the axis will draw (findobj below would make them
            # too, after this list was taken)
            for formatter, ticks in ((axis.get_major_formatter(), axis.get_major_ticks()),
                                     (axis.get_minor_formatter(), axis.get_minor_ticks())):
                if not isinstance(formatter, FixedFormatter | FuncFormatter):
                    from_numbers.update(id(label) for tick in ticks
                                        for label in (tick.label1, tick.label2))
    for text in figure.findobj(Text):
        if id(text) not in from_numbers:
            text.set_parse_math(False)
