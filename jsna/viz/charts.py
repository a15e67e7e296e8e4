"""Charts in the Government Analysis Function style, with alt text written from the data.

The style comes from the ``afcharts`` package (Analysis Function colours and matplotlib style);
seaborn draws on the matplotlib axes it styles. Every chart function returns a
:class:`jsna.viz.display.Figure` whose ``alt`` text states what the data show (first and last
values of each line, the largest categories), not just the chart type.

The charts draw what they are given: one value per point or bar, already through disclosure
control, with confidence limits computed upstream (Wilson, Byar). Seaborn places the values
(categorical axes in a fixed order, groups of bars side by side, areas and their colours) but never
estimates: every seaborn call has ``errorbar=None`` and a chart refuses two values for one point
(seaborn would average them). Intervals are drawn from the given limits with matplotlib, because
seaborn's functions draw only intervals they compute themselves.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import afcharts  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from afcharts.af_colours import get_af_colours  # noqa: E402

from jsna.viz.display import Figure  # noqa: E402

STYLE = str(Path(afcharts.__file__).parent / "afcharts.mplstyle")
COLOURS = get_af_colours("categorical")
MARKERS = ["o", "s", "^", "D", "v", "P"]
#: Analysis Function focus colour (the council) and the categorical palette's dark grey for the
#: areas it is compared with (the focus palette's light grey is too faint for points and lines).
FOCUS, CONTEXT = get_af_colours("focus")[0], COLOURS[4]


def one_value_each(data: pd.DataFrame, keys: list[str], chart: str) -> None:
    """Refuse data with two values for one point or bar (a chart never adds or averages).

    Raises
    ------
    ValueError
        Naming the chart and the first repeated key.

    Examples
    --------
    >>> one_value_each(pd.DataFrame({"a": ["x", "x"], "value": [1, 2]}), ["a"], "c")
    Traceback (most recent call last):
    ...
    ValueError: chart 'c': more than one value for a='x'; give one value per point
    """
    repeated = data.duplicated(keys, keep=False)
    if repeated.any():
        # records hold Python values: decile=1, not decile=np.int64(1)
        first = data.loc[repeated, keys].head(1).to_dict("records")[0]
        where = ", ".join(f"{k}={first[k]!r}" for k in keys)
        raise ValueError(f"chart {chart!r}: more than one value for {where}; give one value per "
                         "point")


def _fmt(value: float, unit: str) -> str:
    return f"{value:.1f}{unit}"


def published_lines(data: pd.DataFrame, by: str, along: str) -> list[tuple[str, pd.DataFrame]]:
    """Each line of a chart (``by``, in order of appearance) with its points that have a value,
    in order ``along`` the axis; a line with none is an empty frame (alt texts say so)."""
    return [(str(name), line.dropna(subset=["value"]).sort_values(along))
            for name, line in data.groupby(by, sort=False)]


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
    for area, line in published_lines(data, "area_name", "period"):
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
    one_value_each(data, ["area_name", "period"], name)
    periods = sorted(data["period"].unique())
    position = {p: i for i, p in enumerate(periods)}
    order = [highlight] + [a for a in data["area_name"].unique() if a != highlight]
    with plt.style.context(STYLE):
        figure, axes = plt.subplots(figsize=(8, 4.5))
        for index, area in enumerate(order):
            line = data[data["area_name"] == area].sort_values("period")
            if line.empty:
                continue
            colour = COLOURS[index % len(COLOURS)]
            council = area == highlight
            # each area on the same period axis (order=periods); a missing or suppressed year
            # stays a gap (sns.lineplot would join the line across it). Comparators dashed with
            # their own marker, drawn over the council's line, so a comparator with the same
            # values stays visible and colour is not the only cue
            sns.pointplot(data=line, x="period", y="value", order=periods, errorbar=None,
                          color=colour, label=area, ax=axes,
                          marker="o" if council else MARKERS[index % len(MARKERS)],
                          markersize=7 if council else 6,
                          linestyle="-" if council else (0, (4, 2)),
                          linewidth=3.5 if council else 2, zorder=2 if council else 3)
            if council and "lower_ci_95" in line:
                lower = (line["value"] - line["lower_ci_95"]).clip(lower=0)
                upper = (line["upper_ci_95"] - line["value"]).clip(lower=0)
                axes.errorbar(line["period"].map(position), line["value"], yerr=[lower, upper],
                              fmt="none", ecolor=colour, capsize=4, linewidth=1.2, zorder=2)
        axes.set_xticks(range(len(periods)), periods)
        axes.set_xlabel("")
        axes.set_ylabel(y_label)
        axes.set_ylim(bottom=0)
        _legend_below(figure, axes, len(order))
        _fit_tick_labels(figure, axes)
        figure.tight_layout()
    return Figure(name=name, caption=caption, alt=trend_alt_text(data, measure), figure=figure,
                  source=source)


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


def category_chart(data: pd.DataFrame, *, name: str, caption: str, measure: str, x_label: str,
                   highlight: str, source: str = "") -> Figure:
    """Horizontal grouped bar chart of category shares (e.g. primary need) by area.

    Parameters
    ----------
    data : DataFrame
        Columns ``area_name, category, value`` (value in %). Categories are ordered by the
        highlighted area's values, largest at the top.
    """
    one_value_each(data, ["area_name", "category"], name)
    # largest at the top; a suppressed or missing council value sorts to the bottom
    council = data[data["area_name"] == highlight].sort_values("value", ascending=False,
                                                              na_position="last")
    categories = list(council["category"]) + [
        c for c in data["category"].unique() if c not in set(council["category"])
    ]
    areas = [highlight] + [a for a in data["area_name"].unique() if a != highlight]
    with plt.style.context(STYLE):
        figure, axes = plt.subplots(figsize=(10, 0.45 * len(categories) + 1.4))
        # seaborn sets the areas' bars side by side within each category (the council's first);
        # saturation=1 keeps the Analysis Function colours exact
        sns.barplot(data=data, y="category", x="value", hue="area_name", order=categories,
                    hue_order=areas, palette=COLOURS[:len(areas)], orient="h", errorbar=None,
                    saturation=1, width=0.8, ax=axes)
        axes.set_yticks(range(len(categories)), categories)  # fixed labels: drawn as written
        axes.set_ylabel("")
        axes.set_xlabel(x_label)
        axes.grid(axis="x")
        axes.grid(axis="y", visible=False)
        axes.legend(loc="lower right", title=None)
        figure.tight_layout()
    return Figure(name=name, caption=caption, alt=category_alt_text(data, measure), figure=figure,
                  source=source)


def compare_alt_text(data: pd.DataFrame, measure: str, highlight: str,
                     benchmark: tuple[str, float] | None = None) -> str:
    """Describe a compare-areas chart: every area's value, highest first, the highlighted
    area's confidence interval and the benchmark.

    Examples
    --------
    >>> data = pd.DataFrame({"area_name": ["A", "Demoton", "B"], "value": [40.0, 22.6, None],
    ...                      "lower_ci_95": [30.0, 17.6, None],
    ...                      "upper_ci_95": [50.0, 28.5, None]})
    >>> compare_alt_text(data, "percentage of plans on time", "Demoton", ("England", 46.4))
    'Chart of the percentage of plans on time in 3 areas, each with its 95 per cent confidence \
interval, highest first: A 40.0%; Demoton 22.6% (confidence interval 17.6% to 28.5%); \
B no value. The dashed line is England, 46.4%.'
    """
    shown = data.sort_values("value", ascending=False, na_position="last")
    parts = []
    for _, row in shown.iterrows():
        if pd.isna(row["value"]):
            parts.append(f"{row['area_name']} no value")
            continue
        text = f"{row['area_name']} {_fmt(row['value'], '%')}"
        if row["area_name"] == highlight and pd.notna(row.get("lower_ci_95")):
            text += (f" (confidence interval {_fmt(row['lower_ci_95'], '%')} to "
                     f"{_fmt(row['upper_ci_95'], '%')})")
        parts.append(text)
    # "95 per cent", not "95%": every percentage an alt text quotes is a published value
    text = (f"Chart of the {measure} in {len(shown)} areas, each with its 95 per cent "
            "confidence interval, highest first: " + "; ".join(parts) + ".")
    if benchmark is not None:
        text += f" The dashed line is {benchmark[0]}, {_fmt(benchmark[1], '%')}."
    return text


def compare_chart(
    data: pd.DataFrame,
    *,
    name: str,
    caption: str,
    measure: str,
    x_label: str,
    highlight: str,
    others: str = "Other areas",
    benchmark: tuple[str, float] | None = None,
    source: str = "",
) -> Figure:
    """Areas side by side as points with their 95% confidence intervals, highest first.

    Fingertips' "compare areas" view as a dot plot: the highlighted area (the council) is a
    dark blue diamond with its name in bold, the others dark grey circles, each with the
    interval it was given; the benchmark (England) is a dashed line. An area without a value
    is listed and labelled "no value", never drawn as zero.

    Parameters
    ----------
    data : DataFrame
        Columns ``area_name, value, lower_ci_95, upper_ci_95``, one row per area.
    name, caption, measure, x_label, highlight, source : str
        Figure key, visible caption, what is measured (for alt text), axis label, the
        highlighted area's name, and the source line.
    others : str
        Legend label of the other areas (e.g. "Statistical neighbours").
    benchmark : (str, float), optional
        Name and value of the benchmark line.
    """
    one_value_each(data, ["area_name"], name)
    shown = data.sort_values("value", ascending=False, na_position="last").reset_index(drop=True)
    order = list(shown["area_name"])
    with plt.style.context(STYLE):
        figure, axes = plt.subplots(figsize=(8, 0.42 * len(order) + 1.8))
        for label, colour, marker, size, rows in (
            (highlight, FOCUS, "D", 9, shown[shown["area_name"] == highlight]),
            (others, CONTEXT, "o", 7, shown[shown["area_name"] != highlight]),
        ):
            if rows["value"].notna().any():
                # seaborn places each area on its row of the categorical axis (order=order)
                sns.pointplot(data=rows, x="value", y="area_name", order=order, orient="h",
                              errorbar=None, color=colour, marker=marker, markersize=size,
                              linestyle="none", label=label, ax=axes, zorder=3)
            if {"lower_ci_95", "upper_ci_95"} <= set(rows):
                plotted = rows[rows["value"].notna()]
                axes.errorbar(plotted["value"], plotted.index,
                              xerr=[(plotted["value"] - plotted["lower_ci_95"]).clip(lower=0),
                                    (plotted["upper_ci_95"] - plotted["value"]).clip(lower=0)],
                              fmt="none", ecolor=colour, capsize=4, linewidth=1.5, zorder=2)
        for position in shown.index[shown["value"].isna()]:
            axes.annotate("no value", (0, position), xytext=(4, 0), textcoords="offset points",
                          va="center", fontsize=11, color=CONTEXT)
        if benchmark is not None:
            axes.axvline(benchmark[1], color=COLOURS[2], linestyle=(0, (5, 3)), linewidth=2,
                         label=f"{benchmark[0]} ({_fmt(benchmark[1], '%')})", zorder=1)
        # names as fixed labels, so they are drawn as written (jsna.literal leaves the labels
        # of seaborn's categorical formatter to mathtext, as it does a number formatter's)
        axes.set_yticks(range(len(order)), order)
        for tick in axes.get_yticklabels():
            if tick.get_text() == highlight:
                tick.set_fontweight("bold")
        axes.set_xlim(left=0)
        axes.set_xlabel(x_label)
        axes.set_ylabel("")
        axes.grid(axis="x")
        axes.grid(axis="y", visible=False)
        _legend_below(figure, axes, 3 if benchmark is not None else 2)
        figure.tight_layout()
    return Figure(
        name=name,
        caption=caption,
        alt=compare_alt_text(data, measure, highlight, benchmark),
        figure=figure,
        source=source,
    )
