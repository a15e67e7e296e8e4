"""The compare-with-neighbours chart and the table of its data, for any chapter.

A dot chart, one row per area, highest value first: the council, each statistical neighbour, the
neighbours' average, the region and England (rows from
:func:`jsna.indicators.neighbour_comparison.neighbour_comparison`). Colour is never the only cue:
each kind of area has its own marker, the council's name is in bold and says "(this council)",
the region's says "(region)", every value is written at the end of its row, and the same figures
are a table beside the chart. Confidence intervals are drawn when the rows carry them (as given:
the chart computes nothing); an area without a value is written "no value", never drawn as zero.
"""

from __future__ import annotations

import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
from matplotlib.transforms import blended_transform_factory  # noqa: E402

from jsna.indicators.neighbour_roles import (  # noqa: E402
    AVERAGE,
    COUNCIL,
    NATIONAL,
    NEIGHBOUR,
    REGION,
    ROLES,
)
from jsna.viz.charts import COLOURS, CONTEXT, FOCUS, STYLE, one_value_each  # noqa: E402
from jsna.viz.display import Figure, Table  # noqa: E402

#: row labels longer than this wrap onto a second line, so the names leave the plot its width
LABEL_WIDTH = 24
#: role -> (colour, marker, marker size, legend label)
STYLES: dict[str, tuple[str, str, float, str]] = {
    COUNCIL: (FOCUS, "D", 9, "This council"),
    NEIGHBOUR: (CONTEXT, "o", 7, "Statistical neighbour"),
    AVERAGE: (COLOURS[1], "s", 8, "Neighbours' average"),
    REGION: (COLOURS[5], "^", 9, "Region"),
    NATIONAL: (COLOURS[2], "v", 9, "England"),
}


def _number(value: float, decimals: int, unit: str) -> str:
    text = f"{value:.{decimals}f}"
    if text.startswith("-") and text.lstrip("-0.") == "":
        text = text[1:]  # never "-0.0"
    return f"{text}{unit}"


def _places(role: str, decimals: int) -> int:
    """Decimal places of a row: the neighbours' average, a mean worked out here rather than a
    published figure, gets one more than the published figures (8.3, not 8)."""
    return decimals + 1 if role == AVERAGE else decimals


def _shown(row: pd.Series, decimals: int, unit: str) -> str:
    if pd.isna(row["value"]):
        return row["note"] or "[x]"
    return _number(row["value"], _places(row["role"], decimals), unit)


def neighbours_alt_text(data: pd.DataFrame, measure: str, *, decimals: int = 1,
                        unit: str = "%") -> str:
    """Describe a compare-with-neighbours chart from its rows.

    Examples
    --------
    >>> data = pd.DataFrame({"area_name": ["B", "A (this council)", "England"],
    ...     "role": ["Statistical neighbour", "This council", "England"],
    ...     "value": [12.0, 8.0, None], "lower_ci_95": [None, 6.1, None],
    ...     "upper_ci_95": [None, 10.2, None], "note": ["", "", "[x]"]})
    >>> neighbours_alt_text(data, "percentage meeting the standard")
    'Dot chart of the percentage meeting the standard, highest first: B 12.0%; A (this council) \
8.0% (95 per cent confidence interval 6.1% to 10.2%); England no value. A (this council) is \
2nd of 2 among the council and its neighbours with a value.'
    """
    parts = []
    for _, row in data.iterrows():
        if pd.isna(row["value"]):
            parts.append(f"{row['area_name']} no value")
            continue
        text = f"{row['area_name']} {_shown(row, decimals, unit)}"
        if pd.notna(row.get("lower_ci_95")) and pd.notna(row.get("upper_ci_95")):
            # "95 per cent": every percentage the alt text quotes is a figure of the chart
            text += (f" (95 per cent confidence interval "
                     f"{_number(row['lower_ci_95'], decimals, unit)} to "
                     f"{_number(row['upper_ci_95'], decimals, unit)})")
        parts.append(text)
    out = f"Dot chart of the {measure}, highest first: " + "; ".join(parts) + "."
    ranked = data[data["role"].isin([COUNCIL, NEIGHBOUR]) & data["value"].notna()]
    council = ranked.index[ranked["role"] == COUNCIL]
    if len(council):
        place = list(ranked.index).index(council[0]) + 1
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(place % 10 if place % 100 not in (11, 12, 13)
                                                 else 0, "th")
        out += (f" {ranked.loc[council[0], 'area_name']} is {place}{suffix} of {len(ranked)} "
                "among the council and its neighbours with a value.")
    return out


def neighbours_chart(data: pd.DataFrame, *, name: str, caption: str, measure: str,
                     x_label: str, decimals: int = 1, unit: str = "%",
                     source: str = "") -> Figure:
    """Dot chart of one measure for the council, its neighbours, their average, region, England.

    Parameters
    ----------
    data : DataFrame
        :func:`jsna.indicators.neighbour_comparison.neighbour_comparison` (rows in the order
        drawn, top first; ``lower_ci_95``/``upper_ci_95`` drawn where given).
    name, caption, measure, x_label, source : str
        Figure key, visible caption, what is measured (for the alt text), axis label and the
        source line.
    decimals, unit : int, str
        How values are written at the end of each row and in the alt text (``unit`` ``"%"``
        for percentages, ``""`` for scores).
    """
    one_value_each(data, ["area_name"], name)
    order = list(data["area_name"])
    values = data["value"].astype(float)
    lows = data["lower_ci_95"].astype(float).where(data["lower_ci_95"].notna(), values)
    highs = data["upper_ci_95"].astype(float).where(data["upper_ci_95"].notna(), values)
    with plt.style.context(STYLE):
        # 7 inches wide (not 8): the labels stay legible when a phone shrinks the chart
        figure, axes = plt.subplots(figsize=(7, 0.48 * len(order) + 1.9))
        handles = []
        for role in ROLES:
            rows = data[(data["role"] == role) & data["value"].notna()]
            colour, marker, size, label = STYLES[role]
            if rows.empty:
                continue
            axes.plot(rows["value"], rows.index, linestyle="none", marker=marker,
                      markersize=size, color=colour, markeredgecolor="white",
                      markeredgewidth=0.8, zorder=3)
            limits = rows[rows["lower_ci_95"].notna() & rows["upper_ci_95"].notna()]
            if not limits.empty:
                axes.errorbar(limits["value"], limits.index,
                              xerr=[(limits["value"] - limits["lower_ci_95"]).clip(lower=0),
                                    (limits["upper_ci_95"] - limits["value"]).clip(lower=0)],
                              fmt="none", ecolor=colour, capsize=4, linewidth=1.5, zorder=2)
            handles.append(Line2D([], [], linestyle="none", marker=marker, markersize=size,
                                  color=colour, label=label))
        low = float(np.nanmin(lows)) if values.notna().any() else 0.0
        high = float(np.nanmax(highs)) if values.notna().any() else 1.0
        if low >= 0:
            axes.set_xlim(0, high * 1.05 if high > 0 else 1)
        else:
            span = (high - low) or 1.0
            axes.set_xlim(low - 0.05 * span, max(high, 0) + 0.05 * span)
            axes.axvline(0, color=CONTEXT, linewidth=1, zorder=1)
        for position in data.index[values.isna()]:
            axes.annotate("no value", (axes.get_xlim()[0], position), xytext=(4, 0),
                          textcoords="offset points", va="center", fontsize=11, color=CONTEXT)
        # every value written at the end of its row, so no one needs to read it off the axis
        beside = blended_transform_factory(axes.transAxes, axes.transData)
        for position, (_, row) in enumerate(data.iterrows()):
            axes.text(1.02, position, _shown(row, decimals, unit), transform=beside,
                      va="center", ha="left", fontsize=11,
                      fontweight="bold" if row["role"] == COUNCIL else "normal")
        # fixed labels: drawn as written; a long name on two lines
        axes.set_yticks(range(len(order)), [textwrap.fill(label, LABEL_WIDTH)
                                            for label in order])
        for tick, role in zip(axes.get_yticklabels(), data["role"], strict=True):
            if role == COUNCIL:
                tick.set_fontweight("bold")
        axes.set_ylim(len(order) - 0.5, -0.5)  # the first row at the top
        # a few ticks, far enough apart; whole numbers for whole percentages (not 2.5)
        axes.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=decimals == 0))
        axes.set_xlabel(x_label)
        axes.set_ylabel("")
        axes.grid(axis="x")
        axes.grid(axis="y", visible=False)
        axes.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14),
                    ncol=min(len(handles), 2), frameon=False)
        figure.tight_layout()
    return Figure(name=name, caption=caption,
                  alt=neighbours_alt_text(data, measure, decimals=decimals, unit=unit),
                  figure=figure, source=source)


def neighbours_table(data: pd.DataFrame, *, name: str, caption: str, value_label: str,
                     decimals: int = 1, notes: list[str] | None = None) -> Table:
    """The chart's figures as a table (in the chart's order), for beside the chart.

    Columns ``Area``, ``Compared as``, ``value_label``, the 95% limits when any row has them,
    and ``Difference from England`` (the area's value minus England's, in the measure's units).
    Missing values show their note (``[x]``, ``[c]``); the neighbours' average has one more
    decimal place than the published figures.
    """
    england = data.loc[data["role"] == NATIONAL, "value"]
    benchmark = float(england.iloc[0]) if len(england) and pd.notna(england.iloc[0]) else np.nan

    def text(value: float, role: str, note: str = "[x]") -> str:
        return note if pd.isna(value) else _number(value, _places(role, decimals), "")

    roles = list(data["role"])
    # a row without a value passes its note (``[c]`` suppressed, ``[x]`` not available) to every
    # cell worked out from it; a missing interval of a shown value is not available
    row_notes = [note or "[x]" if pd.isna(value) else "[x]"
                 for value, note in zip(data["value"], data["note"], strict=True)]
    frame = pd.DataFrame({
        "Area": data["area_name"],
        "Compared as": data["role"],
        value_label: [text(v, r, n) for v, r, n in zip(data["value"], roles, row_notes,
                                                        strict=True)],
    })
    if data["lower_ci_95"].notna().any():
        for column, limits in (("95% CI lower", data["lower_ci_95"]),
                               ("95% CI upper", data["upper_ci_95"])):
            frame[column] = [text(v, r, n) for v, r, n in zip(limits, roles, row_notes,
                                                              strict=True)]
    frame["Difference from England"] = [
        "Benchmark" if role == NATIONAL else text(value - benchmark, role, note)
        for role, value, note in zip(roles, data["value"], row_notes, strict=True)]
    # numbers arrive as text with their decimal places; a numeric format right-aligns them
    formats = {column: "decimal" for column in frame.columns[2:]}
    return Table(name=name, caption=caption, frame=frame.reset_index(drop=True),
                 formats=formats, row_header="Area", notes=list(notes or []))
