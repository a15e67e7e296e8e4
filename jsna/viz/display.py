"""Accessible display objects for chapter notebooks.

A :class:`Table` renders as an HTML ``<table>`` with a caption, ``scope`` on every header cell and
numbers right-aligned; a :class:`Figure` renders as a ``<figure>`` with a data-specific ``alt`` text
and a visible caption. Both show the same way in JupyterLab and in the rendered site, and both know how
to write their download (CSV, SVG) deterministically.
"""

from __future__ import annotations

import base64
import html
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from jsna.indicators.table import CSV_FLOAT_FORMAT  # noqa: E402
from jsna.literal import literal_chart_text, write_csv  # noqa: E402


def escape(text: object) -> str:
    """HTML-escape any value for inclusion in a page."""
    return html.escape(str(text), quote=True)


#: How a column's numbers are shown.
FORMATS = ("count", "percent", "rate", "decimal", "text")


def format_cell(value: object, kind: str) -> str:
    """Format one table cell for display.

    Strings (including disclosure and publication symbols such as ``[c]`` and ``[x]``) pass through;
    missing numbers show as ``[x]`` (not available); counts get thousands separators; percentages
    and rates one decimal place.
    """
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "[x]"
    if kind == "count":
        return f"{int(round(float(value))):,}"
    if kind in ("percent", "rate", "decimal"):
        text = f"{float(value):,.1f}"
        return "0.0" if text == "-0.0" else text  # a value that rounds to zero has no sign
    return str(value)


class _ShownInNotebooks:
    """Jupyter shows an object with ``to_html`` as that HTML (the page it will publish)."""

    def to_html(self) -> str:
        raise NotImplementedError

    def _repr_html_(self) -> str:
        return self.to_html()


@dataclass
class Table(_ShownInNotebooks):
    """A published table: caption, columns with display formats, and a CSV download name.

    Attributes
    ----------
    name : str
        File-safe key, e.g. ``"population_pupils_by_year_group"`` (the CSV is ``<name>.csv``).
    caption : str
        What the table shows, including the place and period.
    frame : pandas.DataFrame
        Already through disclosure control: suppressed cells hold ``"[c]"``.
    formats : dict
        Column → one of ``count``, ``percent``, ``rate``, ``decimal``, ``text``.
    row_header : str, optional
        Column whose cells are row headers (``<th scope="row">``); default the first column.
    notes : list of str
        Shown under the table (sources, symbols used).
    """

    name: str
    caption: str
    frame: pd.DataFrame
    formats: dict[str, str] = field(default_factory=dict)
    row_header: str | None = None
    notes: list[str] = field(default_factory=list)
    total_row: bool = False

    def to_html(self) -> str:
        """Accessible HTML for the table."""
        frame = self.frame
        row_header = self.row_header or frame.columns[0]
        kinds = {c: self.formats.get(c, "text") for c in frame.columns}
        numeric_class = ' class="num"'
        head = "".join(
            f'<th scope="col"{numeric_class if kinds[c] != "text" else ""}>{escape(c)}</th>'
            for c in frame.columns
        )
        rows = []
        last = len(frame) - 1
        for position, record in enumerate(frame.itertuples(index=False, name=None)):
            cells = []
            for column, value in zip(frame.columns, record, strict=True):
                text = escape(format_cell(value, kinds[column]))
                numeric = ' class="num"' if kinds[column] != "text" else ""
                if column == row_header:
                    cells.append(f'<th scope="row"{numeric}>{text}</th>')
                else:
                    cells.append(f"<td{numeric}>{text}</td>")
            css = ' class="total"' if self.total_row and position == last else ""
            rows.append(f"<tr{css}>{''.join(cells)}</tr>")
        notes = "".join(f'<p class="note">{escape(n)}</p>' for n in self.notes)
        return (
            # a focusable, labelled region: narrow screens scroll wide tables sideways, and a
            # keyboard user must be able to reach that scroll (WCAG 2.1.1)
            f'<div class="table-wrap" role="region" tabindex="0" '
            f'aria-labelledby="caption-{escape(self.name)}"><table id="table-{escape(self.name)}">'
            f'<caption id="caption-{escape(self.name)}">{escape(self.caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{notes}</div>"
        )

    def write_csv(self, folder: Path) -> Path:
        """Write the table as ``<folder>/<name>.csv`` (UTF-8, symbols kept) and return the path.

        A text cell that a spreadsheet would run as a formula (a school named ``=HYPERLINK(...)``)
        is written with a single quote in front (:func:`jsna.literal.csv_cell`).
        """
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.name}.csv"
        frame = self.frame.copy()
        for column, kind in self.formats.items():
            if kind == "count" and column in frame:
                # whole numbers stay whole (1065, not 1065.0); symbols such as [c] pass through
                frame[column] = [
                    v if isinstance(v, str) or pd.isna(v) else int(round(float(v)))
                    for v in frame[column]
                ]
        return write_csv(frame, path, float_format=CSV_FLOAT_FORMAT)


@dataclass
class Figure(_ShownInNotebooks):
    """A chart with a caption, data-specific alt text and an SVG download.

    Attributes
    ----------
    name : str
        File-safe key; the SVG is ``<name>.svg``.
    caption : str
        Visible caption (what, where, when).
    alt : str
        Text alternative describing what the data show, generated from the data.
    figure : matplotlib.figure.Figure
        The chart.
    source : str
        Data source line shown under the chart.
    """

    name: str
    caption: str
    alt: str
    figure: plt.Figure
    source: str = ""
    _svg: bytes | None = field(default=None, repr=False)

    def svg(self) -> bytes:
        """The chart as SVG bytes, identical from run to run.

        Every text is drawn as written: a name holding ``$x$`` is not typeset as mathematics
        (:func:`jsna.literal.literal_chart_text`).
        """
        if self._svg is None:
            literal_chart_text(self.figure)
            buffer = io.BytesIO()
            with plt.rc_context({"svg.hashsalt": self.name, "svg.fonttype": "none"}):
                self.figure.savefig(
                    buffer, format="svg", bbox_inches="tight", metadata={"Date": None}
                )
            plt.close(self.figure)
            self._svg = buffer.getvalue()
        return self._svg

    def to_html(self) -> str:
        """Accessible HTML ``<figure>`` with the chart embedded (works offline, no requests)."""
        encoded = base64.b64encode(self.svg()).decode("ascii")
        source = f'<p class="figure-source">{escape(self.source)}</p>' if self.source else ""
        # the same chart as a file, for zooming on small screens (written by Chapter.save)
        link = (f'<p class="figure-link"><a href="figures/{escape(self.name)}.svg">'
                f"Open this chart full size (SVG)</a></p>")
        return (
            f'<figure class="chart" id="figure-{escape(self.name)}">'
            f"<figcaption>{escape(self.caption)}</figcaption>"
            f'<img src="data:image/svg+xml;base64,{encoded}" alt="{escape(self.alt)}">'
            f"{source}{link}</figure>"
        )

    def write_svg(self, folder: Path) -> Path:
        """Write ``<folder>/<name>.svg`` and return the path."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.name}.svg"
        path.write_bytes(self.svg())
        return path
