"""Maps and small-area charts: ward choropleth, funnel plot and deprivation gradient.

Every function returns a :class:`jsna.viz.display.Figure` in the Analysis Function style
(``afcharts``) with alt text written from the data. The functions draw what they are given: the
caller passes values that have already been through disclosure control, and marks suppressed
areas, which are drawn hatched grey and labelled ``[c]`` — their values are never plotted and never
shape the class breaks. Maps are drawn without a basemap, so pages work offline.
"""

from __future__ import annotations

import textwrap

import matplotlib

matplotlib.use("Agg")
import geopandas as gpd  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from afcharts.af_colours import get_af_colours  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from jsna.disclosure import SUPPRESSED  # noqa: E402
from jsna.errors import JsnaInputError  # noqa: E402
from jsna.formatting import percent
from jsna.viz.charts import (  # noqa: E402
    COLOURS,
    MARKERS,
    STYLE,
    one_value_each,
    published_lines,
)
from jsna.viz.display import Figure  # noqa: E402

#: Analysis Function grey for areas without a value.
NO_VALUE_GREY = get_af_colours("sequential", include_grey=True)[-1]
HATCH = "////"
#: Areas are named on the map when there are at most this many.
MAX_LABELLED_AREAS = 30
#: Classes of a choropleth (the Analysis Function sequential palette has at most five).
MAX_CLASSES = 5
#: Fill colours from which labels are written in white (the two darkest blues).
_DARK_FILLS = set(get_af_colours("sequential")[:2])


def class_breaks(values: object, n_classes: int = MAX_CLASSES) -> list[tuple[float, float]]:
    """Classes for a choropleth, from the published values rounded to one decimal place.

    Lower bounds are quantiles of the values that occur in the data (so every class holds at
    least one area); each class ends 0.1 below the next class's lower bound and the last ends at
    the maximum, so a value shown in a table to one decimal place falls in exactly one class.

    Parameters
    ----------
    values : array-like
        Published values (missing values are ignored).
    n_classes : int, default 5
        Largest number of classes wanted (fewer when there are fewer distinct values).

    Returns
    -------
    list of (low, high)
        Class bounds, lowest first; empty when there is no value.
    """
    if not 1 <= n_classes <= MAX_CLASSES:
        raise JsnaInputError(f"n_classes must be from 1 to {MAX_CLASSES}, got {n_classes!r}")
    rounded = np.round(pd.to_numeric(pd.Series(np.ravel(values)), errors="coerce").dropna()
                       .to_numpy(dtype=float), 1)
    if rounded.size == 0:
        return []
    quantiles = np.quantile(rounded, np.arange(n_classes) / n_classes, method="inverted_cdf")
    lows = np.unique(np.round(quantiles, 1))
    highs = np.append(np.round(lows[1:] - 0.1, 1), rounded.max())
    return [(float(low), float(high)) for low, high in zip(lows, highs, strict=True)]


def assign_classes(values: object, breaks: list[tuple[float, float]]) -> np.ndarray:
    """Class number of each value (-1 when missing), comparing values rounded to 0.1."""
    rounded = np.round(pd.to_numeric(pd.Series(np.ravel(values)), errors="coerce")
                       .to_numpy(dtype=float), 1)
    lows = np.array([low for low, _ in breaks], dtype=float)
    if lows.size == 0:
        return np.full(rounded.size, -1)
    classes = np.searchsorted(lows, rounded + 1e-9, side="right") - 1
    return np.where(np.isfinite(rounded), np.clip(classes, 0, lows.size - 1), -1)


def _sequential(n: int) -> list[str]:
    """``n`` Analysis Function sequential blues, lightest first."""
    palette = get_af_colours("sequential", number_of_colours=min(max(n, 3), MAX_CLASSES))
    return list(reversed(palette))[:n] if n < 3 else list(reversed(palette))


def choropleth_alt_text(data: pd.DataFrame, measure: str, place: str,
                        average: float | None = None) -> str:
    """Describe a choropleth from its data: highest and lowest areas and the average.

    Parameters
    ----------
    data : DataFrame
        ``name, value, suppressed`` for each area.
    measure, place : str
        What is mapped and where, e.g. "percentage of resident pupils with SEN" and "Demoton".
    average : float, optional
        The whole area's value, quoted as the average.
    """
    shown = data[~data["suppressed"] & data["value"].notna()].sort_values(
        ["value", "name"], ascending=[False, True])
    parts = [f"Map of the {measure} in each of the {len(data)} wards of {place}."]
    if not shown.empty:
        top, bottom = shown.iloc[0], shown.iloc[-1]
        parts.append(f"Highest: {top['name']} ({percent(top['value'])}); "
                     f"lowest: {bottom['name']} ({percent(bottom['value'])}).")
    if average is not None and np.isfinite(average):
        parts.append(f"{place} average: {percent(average)}.")
    hidden = int(data["suppressed"].sum())
    if hidden:
        parts.append(f"{hidden} ward{'s' if hidden != 1 else ''} suppressed to protect "
                     "confidentiality, shown hatched.")
    return " ".join(parts)


def choropleth_map(
    areas: gpd.GeoDataFrame,
    data: pd.DataFrame,
    *,
    name: str,
    caption: str,
    measure: str,
    place: str,
    legend_title: str,
    average: float | None = None,
    source: str = "",
    n_classes: int = MAX_CLASSES,
) -> Figure:
    """Choropleth of a percentage by area, with outlines and a legend of class breaks.

    Parameters
    ----------
    areas : GeoDataFrame
        ``code`` and ``geometry`` of every area (as read by
        :func:`jsna.sources.boundaries.read_boundaries`).
    data : DataFrame
        ``code, name, value, suppressed``: one row per area, values after disclosure control.
        Suppressed areas are drawn hatched grey and listed as ``[c]`` in the legend; areas with no
        value for another reason are drawn plain grey ("no value").
    name, caption, measure, place, legend_title, source : str
        Figure key, visible caption, what is mapped (for alt text), the whole area's name, the
        legend heading and the source line.
    average : float, optional
        The whole area's value, quoted in the alt text.
    n_classes : int, default 5
        Largest number of classes.

    Raises
    ------
    JsnaInputError
        When an area in ``data`` has no boundary.
    """
    missing = sorted(set(data["code"]) - set(areas["code"]))
    if missing:
        raise JsnaInputError(
            f"{areas.attrs.get('path', 'boundaries')}: no boundary for area(s) "
            f"{', '.join(missing)} (column {areas.attrs.get('code_column', 'code')})"
        )
    suppressed = data["suppressed"].astype(bool).to_numpy()
    values = pd.to_numeric(data["value"], errors="coerce").to_numpy(dtype=float)
    values = np.where(suppressed, np.nan, values)  # a hidden value is never drawn
    breaks = class_breaks(values, n_classes)
    colours = _sequential(len(breaks))
    classes = assign_classes(values, breaks)
    frame = areas[["code", "geometry"]].merge(
        data[["code", "name"]].assign(_class=classes, _suppressed=suppressed),
        on="code", how="inner")
    with plt.style.context(STYLE):
        figure, axes = plt.subplots(figsize=(9, 7))
        handles: list[Patch] = []
        for number, (low, high) in enumerate(breaks):
            part = frame[frame["_class"] == number]
            part.plot(ax=axes, facecolor=colours[number], edgecolor="none")
            label = percent(low) if low == high else f"{percent(low)} to {percent(high)}"
            handles.append(Patch(facecolor=colours[number], edgecolor="#3D3D3D", label=label))
        hidden = frame[frame["_suppressed"]]
        if not hidden.empty:
            hidden.plot(ax=axes, facecolor=NO_VALUE_GREY, edgecolor="#6F6F6F", hatch=HATCH,
                        linewidth=0)
            handles.append(Patch(facecolor=NO_VALUE_GREY, edgecolor="#6F6F6F", hatch=HATCH,
                                 label=f"{SUPPRESSED} suppressed"))
        empty = frame[(frame["_class"] < 0) & ~frame["_suppressed"]]
        if not empty.empty:
            empty.plot(ax=axes, facecolor=NO_VALUE_GREY, edgecolor="none")
            handles.append(Patch(facecolor=NO_VALUE_GREY, edgecolor="#3D3D3D",
                                 label="No value [x]"))
        frame.boundary.plot(ax=axes, color="white", linewidth=1.2)
        gpd.GeoSeries([frame.geometry.union_all()], crs=frame.crs).boundary.plot(
            ax=axes, color="#3D3D3D", linewidth=1.2)
        if len(frame) <= MAX_LABELLED_AREAS:
            for _, row in frame.iterrows():
                point = row.geometry.representative_point()
                fill = colours[row["_class"]] if row["_class"] >= 0 else NO_VALUE_GREY
                axes.annotate("\n".join(textwrap.wrap(str(row["name"]), 14)),
                              (point.x, point.y), ha="center", va="center", fontsize=10,
                              color="white" if fill in _DARK_FILLS else "#0B0C0C")
        axes.set_axis_off()
        axes.set_aspect("equal")
        axes.legend(handles=handles, title=legend_title, loc="upper left",
                    bbox_to_anchor=(1.01, 1.0), frameon=False, alignment="left")
        figure.tight_layout()
    return Figure(
        name=name,
        caption=caption,
        alt=choropleth_alt_text(data.assign(value=values), measure, place, average),
        figure=figure,
        source=source,
    )


def funnel_alt_text(data: pd.DataFrame, positions: np.ndarray, measure: str,
                    benchmark: float, hidden: int = 0) -> str:
    """Describe a funnel plot: the council average and which areas lie outside the limits."""
    parts = [f"Funnel plot of the {measure} in each ward against its number of resident "
             f"pupils, with 95% and 99.8% control limits around the council average of "
             f"{percent(benchmark)}."]
    counts = []
    for label in ("Above 99.8% limit", "Above 95% limit", "Below 95% limit",
                  "Below 99.8% limit"):
        chosen = data[positions == label].sort_values("value", ascending=False)
        if chosen.empty:
            continue
        listed = ", ".join(f"{n} {percent(v)}" for n, v in zip(chosen["name"], chosen["value"],
                                                             strict=True))
        where = label.lower().replace(" limit", "")
        counts.append(f"{len(chosen)} {where} limit ({listed})")
    within = int((positions == "Within limits").sum())
    counts.append(f"{within} within the 95% limits")
    parts.append("Wards: " + "; ".join(counts) + ".")
    if hidden:
        parts.append(f"{hidden} ward{'s' if hidden != 1 else ''} suppressed and not plotted.")
    return " ".join(parts)


def funnel_plot(
    points: pd.DataFrame,
    limits: pd.DataFrame,
    *,
    name: str,
    caption: str,
    measure: str,
    y_label: str,
    x_label: str = "Resident pupils",
    source: str = "",
    hidden: int = 0,
) -> Figure:
    """Funnel plot of area percentages against their denominators, with the limits it is given.

    The points' positions and the control limits are computed by the indicators stage
    (:func:`jsna.indicators.funnel.funnel_data`, OHID funnel-plot method); this function draws
    them and computes no statistic.

    Parameters
    ----------
    points : DataFrame
        ``name, denominator, value, position`` of the areas to plot (published values only:
        pass suppressed areas in ``hidden``, not as rows); ``position`` is ``"Above 99.8%
        limit"``, ``"Above 95% limit"``, ``"Within limits"``, ``"Below 95% limit"`` or
        ``"Below 99.8% limit"``.
    limits : DataFrame
        ``denominator, lower_95, upper_95, lower_998, upper_998, baseline`` in per cent, one row
        per point of the lines; the denominators' range is the plot's horizontal extent.
    name, caption, measure, y_label, x_label, source : str
        Figure key, visible caption, what is plotted (alt text), axis labels and source line.
    hidden : int, default 0
        Number of suppressed areas (mentioned in the alt text).
    """
    data = points.reset_index(drop=True)
    positions = data["position"].to_numpy(dtype=object)
    grid = limits["denominator"].to_numpy(dtype=float)
    low, high = float(grid[0]), float(grid[-1])
    benchmark = float(limits["baseline"].iloc[0])
    styles = {
        "Above 99.8% limit": (COLOURS[3], "^"), "Above 95% limit": (COLOURS[3], "^"),
        "Within limits": (COLOURS[0], "o"),
        "Below 95% limit": (COLOURS[2], "v"), "Below 99.8% limit": (COLOURS[2], "v"),
    }
    with plt.style.context(STYLE):
        figure, axes = plt.subplots(figsize=(9, 6.5))
        axes.plot(grid, limits["upper_998"], color=COLOURS[4], linewidth=1.5,
                  label="99.8% limits")
        axes.plot(grid, limits["lower_998"], color=COLOURS[4], linewidth=1.5)
        axes.plot(grid, limits["upper_95"], color=COLOURS[4], linewidth=1.5,
                  linestyle=(0, (5, 3)), label="95% limits")
        axes.plot(grid, limits["lower_95"], color=COLOURS[4], linewidth=1.5,
                  linestyle=(0, (5, 3)))
        axes.axhline(benchmark, color=COLOURS[1], linewidth=2,
                     linestyle=(0, (1, 1.5)), label=f"Council average ({percent(benchmark)})")
        for label, (colour, marker) in styles.items():
            chosen = data[positions == label]
            if chosen.empty:
                continue
            legend = {"Within limits": "Ward within limits"}.get(
                label, "Ward above limits" if label.startswith("Above") else "Ward below limits")
            handles = axes.get_legend_handles_labels()[1]
            axes.scatter(chosen["denominator"], chosen["value"], color=colour, marker=marker,
                         s=55, edgecolor="white", linewidth=0.8, zorder=3,
                         label=None if legend in handles else legend)
        axes.set_xlabel(x_label)
        axes.set_ylabel(y_label)
        axes.set_xlim(low, high)
        values = data["value"].to_numpy(dtype=float)
        bottom = np.nanmin(np.concatenate([values, limits["lower_998"].to_numpy()]))
        top = np.nanmax(np.concatenate([values, limits["upper_998"].to_numpy()]))
        margin = 0.12 * (top - bottom if top > bottom else 1.0)
        axes.set_ylim(max(0.0, bottom - margin), min(100.0, top + margin))
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, frameon=False)
        figure.tight_layout()
        # labels last, in display space (which the layout would change); only the wards
        # beyond the 99.8% limits are named: the table and the alt text list every ward
        _label_points(axes, data[positions == "Above 99.8% limit"], upward=True)
        _label_points(axes, data[positions == "Below 99.8% limit"], upward=False)
    return Figure(
        name=name,
        caption=caption,
        alt=funnel_alt_text(data, positions, measure, benchmark, hidden),
        figure=figure,
        source=source,
    )


def _label_points(axes: plt.Axes, points: pd.DataFrame, upward: bool, gap: float = 13.0) -> None:
    """Name points beside them, nudging labels apart vertically so they never overlap.

    ``points`` has ``name, denominator, value``. Labels are stacked in display space (in points)
    with at least ``gap`` points between them, moving away from the centre of the plot
    (``upward`` for points above the average); a label moved from its point gets a thin leader
    line. Points in the right third are named on their left, inside the axes.
    """
    if points.empty:
        return
    to_points = 72.0 / axes.figure.dpi
    xy = axes.transData.transform(points[["denominator", "value"]].to_numpy(dtype=float))
    box = axes.get_window_extent()
    right_third = box.x0 + 2 * box.width / 3
    sign = 1.0 if upward else -1.0
    order = np.argsort(sign * xy[:, 1], kind="stable")  # nearest the centre first
    previous: float | None = None
    for index in order:
        y = xy[index, 1] * to_points
        if previous is not None and sign * (y - previous) < gap:
            y = previous + sign * gap
        previous = y
        row = points.iloc[index]
        moved = y - xy[index, 1] * to_points
        left = xy[index, 0] > right_third
        axes.annotate(str(row["name"]), (row["denominator"], row["value"]),
                      xytext=(-10 if left else 10, moved), textcoords="offset points",
                      fontsize=9, va="center", ha="right" if left else "left",
                      arrowprops={"arrowstyle": "-", "color": "#6F6F6F", "linewidth": 0.6}
                      if abs(moved) > 2 else None)


def gradient_alt_text(data: pd.DataFrame, measure: str) -> str:
    """Describe a chart by deprivation decile: each series in the most and least deprived."""
    parts = []
    for series, line in published_lines(data, "series", "decile"):
        if line.empty:
            parts.append(f"{series}: no published values")
            continue
        first, last = line.iloc[0], line.iloc[-1]
        parts.append(f"{series} {percent(first['value'])} in decile {int(first['decile'])} and "
                     f"{percent(last['value'])} in decile {int(last['decile'])}")
    return (f"Line chart of the {measure} by deprivation decile of the home area, from decile 1 "
            "(most deprived) to decile 10 (least deprived). " + "; ".join(parts) + ".")


def gradient_chart(
    data: pd.DataFrame,
    *,
    name: str,
    caption: str,
    measure: str,
    y_label: str,
    source: str = "",
) -> Figure:
    """Points by IMD decile (1 = most deprived) with their 95% intervals, one line per series.

    Drawn with seaborn as the other statistical charts are (:mod:`jsna.viz.charts`): deciles are
    categories (``sns.pointplot`` with ``errorbar=None``, so a hidden decile stays a gap and
    nothing is estimated), the intervals are the limits given, in the Analysis Function colours.

    Parameters
    ----------
    data : DataFrame
        ``series, decile, value, lower_ci_95, upper_ci_95`` with decile 1..10, one row per
        series and decile. Suppressed points (missing values) are gaps, never zeros.
    name, caption, measure, y_label, source : str
        Figure key, visible caption, what is measured (for alt text), axis label and source line.
    """
    one_value_each(data, ["series", "decile"], name)
    deciles = list(range(1, 11))
    with plt.style.context(STYLE):
        figure, axes = plt.subplots(figsize=(9, 4.8))
        for index, (series, line) in enumerate(data.groupby("series", sort=False)):
            colour = COLOURS[index % len(COLOURS)]
            sns.pointplot(data=line, x="decile", y="value", order=deciles, errorbar=None,
                          color=colour, label=str(series), ax=axes,
                          marker=MARKERS[index % len(MARKERS)], markersize=7, linewidth=2.5,
                          linestyle="-" if index == 0 else (0, (4, 2)))
            shown = line[line["value"].notna()]
            axes.errorbar(shown["decile"] - 1, shown["value"],
                          yerr=[(shown["value"] - shown["lower_ci_95"]).clip(lower=0),
                                (shown["upper_ci_95"] - shown["value"]).clip(lower=0)],
                          fmt="none", ecolor=colour, capsize=4, linewidth=1.2)
        labels = [str(d) for d in deciles]
        labels[0], labels[-1] = "1\nmost\ndeprived", "10\nleast\ndeprived"
        axes.set_xticks(range(len(deciles)), labels)  # fixed labels: drawn as written
        axes.set_xlabel("IMD decile of home area")
        axes.set_ylabel(y_label)
        axes.set_ylim(bottom=0)
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        figure.tight_layout()
    return Figure(name=name, caption=caption, alt=gradient_alt_text(data, measure),
                  figure=figure, source=source)
