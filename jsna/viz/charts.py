"""Charts in the Government Analysis Function style, with alt text written from the data.

The style comes from the ``afcharts`` package (Analysis Function colours and matplotlib style).
Every chart function returns a :class:`jsna.viz.display.Figure` whose ``alt`` text states what the
data show (first and last values of each line, the largest categories), not just the chart type.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import afcharts  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from afcharts.af_colours import get_af_colours  # noqa: E402

from jsna.viz.display import Figure  # noqa: E402

STYLE = str(Path(afcharts.__file__).parent / "afcharts.mplstyle")
COLOURS = get_af_colours("categorical")
MARKERS = ["o", "s", "^", "D", "v", "P"]


def _fmt(value: float, unit: str) -> str:
    return f"{value:.1f}{unit}"


def trend_alt_text(data: pd.DataFrame, measure: str, unit: str = "%") -> str:
    """Describe a line chart from its data.

    Parameters
    ----------
    data : DataFrame
        Columns ``area_name, period, value``, one line per area.
    measure : str
        What is plotted, e.g. "percentage of pupils with an EHC plan".
    unit : str
        Appended to values.

    Returns
    -------
    str
        E.g. "Line chart of the percentage of pupils with an EHC plan, 2020/21 to 2024/25.
        Demoton rose from 3.6% to 5.4%; England rose from 3.7% to 5.3%."
    """
    periods = sorted(data["period"].unique())
    parts = []
    for area, line in data.groupby("area_name", sort=False):
        line = line.dropna(subset=["value"]).sort_values("period")
        if line.empty:
            parts.append(f"{area}: no published values")
            continue
        first, last = line["value"].iloc[0], line["value"].iloc[-1]
        if len(line) == 1:
            parts.append(f"{area} {_fmt(last, unit)} in {line['period'].iloc[-1]}")
            continue
        verb = "rose" if last > first else "fell" if last < first else "stayed"
        span = f"from {_fmt(first, unit)} to {_fmt(last, unit)}" if verb != "stayed" else (
            f"at {_fmt(last, unit)}"
        )
        parts.append(f"{area} {verb} {span}")
    return (
        f"Line chart of the {measure}, {periods[0]} to {periods[-1]}. " + "; ".join(parts) + "."
    )


def trend_chart(
    data: pd.DataFrame,
    *,
    name: str,
    caption: str,
    measure: str,
    y_label: str,
    highlight: str,
    source: str = "",
) -> Figure:
    """Line chart of an indicator over time for several areas.

    The highlighted area (the council) is drawn first in dark blue with its 95% confidence interval
    as error bars; comparators follow in the Analysis Function categorical palette. Suppressed or
    missing points are left as gaps, never drawn as zero.

    Parameters
    ----------
    data : DataFrame
        Columns ``area_name, period, value`` and optionally ``lower_ci_95, upper_ci_95``.
    name, caption, measure, y_label, highlight, source : str
        Figure key, visible caption, what is measured (for alt text), axis label, the council's
        name, and the source line.
    """
    periods = sorted(data["period"].unique())
    position = {p: i for i, p in enumerate(periods)}
    order = [highlight] + [a for a in data["area_name"].unique() if a != highlight]
    with plt.style.context(STYLE):
        figure, axes = plt.subplots(figsize=(8, 4.5))
        for index, area in enumerate(order):
            line = data[data["area_name"] == area].sort_values("period")
            if line.empty:
                continue
            x = line["period"].map(position)
            colour = COLOURS[index % len(COLOURS)]
            council = area == highlight
            # comparators dashed with their own marker, drawn over the council's line, so a
            # comparator with the same values stays visible and colour is not the only cue
            axes.plot(x, line["value"], color=colour, label=area,
                      marker="o" if council else MARKERS[index % len(MARKERS)],
                      markersize=7 if council else 6,
                      linestyle="-" if council else (0, (4, 2)),
                      linewidth=3.5 if council else 2, zorder=2 if council else 3)
            if council and "lower_ci_95" in line:
                lower = (line["value"] - line["lower_ci_95"]).clip(lower=0)
                upper = (line["upper_ci_95"] - line["value"]).clip(lower=0)
                axes.errorbar(x, line["value"], yerr=[lower, upper], fmt="none", ecolor=colour,
                              capsize=4, linewidth=1.2, zorder=2)
        axes.set_xticks(range(len(periods)), periods)
        axes.set_ylabel(y_label)
        axes.set_ylim(bottom=0)
        _legend_below(figure, axes, len(order))
        _fit_tick_labels(figure, axes)
        figure.tight_layout()
    return Figure(
        name=name,
        caption=caption,
        alt=trend_alt_text(data, measure),
        figure=figure,
        source=source,
    )


def _legend_below(figure: plt.Figure, axes: plt.Axes, entries: int) -> None:
    """The legend under the plot, in as many columns (up to three) as fit its width, so a long
    council name never narrows the plot (a legend beside it took two thirds of the width for
    "Bournemouth, Christchurch and Poole")."""
    renderer = figure.canvas.get_renderer()
    for columns in range(min(entries, 3), 0, -1):
        legend = axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=columns,
                             frameon=False)
        if legend.get_window_extent(renderer).width <= axes.get_window_extent(renderer).width:
            break


def _fit_tick_labels(figure: plt.Figure, axes: plt.Axes) -> None:
    """Label every n-th period, always the latest, when labels side by side would overlap."""
    figure.tight_layout()
    renderer = figure.canvas.get_renderer()
    labels = axes.get_xticklabels()
    if len(labels) < 2:
        return
    widest = max(label.get_window_extent(renderer).width for label in labels)
    centres = axes.transData.transform([(0, 0), (1, 0)])
    slot = abs(centres[1][0] - centres[0][0])
    step = max(1, math.ceil(widest * 1.15 / slot)) if slot else 1
    last = len(labels) - 1
    for position, label in enumerate(labels):
        label.set_visible((last - position) % step == 0)


def category_alt_text(data: pd.DataFrame, measure: str, top: int = 3) -> str:
    """Describe a grouped bar chart: the largest categories for each area."""
    parts = []
    for area, bars in data.groupby("area_name", sort=False):
        bars = bars.dropna(subset=["value"]).sort_values("value", ascending=False).head(top)
        listed = ", ".join(f"{c} {_fmt(v, '%')}" for c, v in zip(bars["category"], bars["value"],
                                                                  strict=True))
        parts.append(f"{area}: {listed}")
    return f"Bar chart of the {measure}. Largest categories — " + "; ".join(parts) + "."


def category_chart(
    data: pd.DataFrame,
    *,
    name: str,
    caption: str,
    measure: str,
    x_label: str,
    highlight: str,
    source: str = "",
) -> Figure:
    """Horizontal grouped bar chart of category shares (e.g. primary need) by area.

    Parameters
    ----------
    data : DataFrame
        Columns ``area_name, category, value`` (value in %). Categories are ordered by the
        highlighted area's values, largest at the top.
    """
    # largest at the top; a suppressed or missing council value sorts to the bottom
    council = data[data["area_name"] == highlight].sort_values("value", ascending=True,
                                                              na_position="first")
    categories = list(council["category"]) + [
        c for c in data["category"].unique() if c not in set(council["category"])
    ]
    areas = [highlight] + [a for a in data["area_name"].unique() if a != highlight]
    height = 0.8 / len(areas)
    with plt.style.context(STYLE):
        figure, axes = plt.subplots(figsize=(10, 0.45 * len(categories) + 1.4))
        for index, area in enumerate(areas):
            values = data[data["area_name"] == area].set_index("category")["value"]
            y = [i + (len(areas) - 1 - index) * height - 0.4 + height / 2
                 for i in range(len(categories))]
            axes.barh(y, [values.get(c, float("nan")) for c in categories], height=height,
                      color=COLOURS[index % len(COLOURS)], label=area)
        axes.set_yticks(range(len(categories)), categories)
        axes.set_xlabel(x_label)
        axes.grid(axis="x")
        axes.grid(axis="y", visible=False)
        axes.legend(loc="lower right")
        figure.tight_layout()
    return Figure(
        name=name,
        caption=caption,
        alt=category_alt_text(data, measure),
        figure=figure,
        source=source,
    )
