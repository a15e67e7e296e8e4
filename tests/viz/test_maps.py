"""Choropleth classes, legend and alt text on hand-made areas."""

from __future__ import annotations

import geopandas as gpd
import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from jsna.errors import JsnaInputError
from jsna.viz.maps import (
    assign_classes,
    choropleth_map,
    class_breaks,
    funnel_plot,
    gradient_chart,
)


def test_class_breaks_on_hand_worked_values():
    # five values, five classes: lower bounds are the 0, 20, 40, 60 and 80% quantiles of the
    # values (taken from the data): 10.0, 10.0, 12.0, 15.5, 20.0 -> distinct 10, 12, 15.5, 20;
    # each class ends 0.1 below the next, the last at the maximum 25.0
    values = [10.0, 12.04, 15.5, 20.0, 25.0, np.nan]
    breaks = class_breaks(values)
    assert breaks == [(10.0, 11.9), (12.0, 15.4), (15.5, 19.9), (20.0, 25.0)]
    assert assign_classes(values, breaks).tolist() == [0, 1, 2, 3, 3, -1]
    # 11.95 is shown as 12.0 in a table, so it falls in the class starting at 12.0
    assert assign_classes([11.95, 11.94], breaks).tolist() == [1, 0]
    assert class_breaks([np.nan]) == []


def _squares(n: int) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"code": [f"W{i}" for i in range(n)]},
                            geometry=[box(i * 1000, 0, (i + 1) * 1000, 1000) for i in range(n)],
                            crs="EPSG:27700")


def test_suppressed_area_is_hatched_in_legend_and_never_sets_a_break():
    data = pd.DataFrame({"code": ["W0", "W1", "W2", "W3"],
                         "name": ["Ash", "Birch", "Cedar", "Damson"],
                         "value": [12.5, 18.25, 3.0, 15.0],
                         "suppressed": [False, False, True, False]})
    figure = choropleth_map(_squares(4), data, name="t", caption="c", measure="per cent",
                            place="Testshire", legend_title="Per cent", average=14.0)
    legend = [t.get_text() for t in figure.figure.axes[0].get_legend().get_texts()]
    assert "[c] suppressed" in legend
    assert not any("3.0" in text for text in legend)  # Cedar's hidden value is not drawn
    assert legend[0].startswith("12.5%")
    assert figure.alt == ("Map of the per cent in each of the 4 wards of Testshire. Highest: "
                          "Birch (18.2%); lowest: Ash (12.5%). Testshire average: 14.0%. 1 ward "
                          "suppressed to protect confidentiality, shown hatched.")
    assert figure.svg().startswith(b"<?xml")


def test_area_without_boundary_is_an_error():
    data = pd.DataFrame({"code": ["W9"], "name": ["Nowhere"], "value": [1.0],
                         "suppressed": [False]})
    with pytest.raises(JsnaInputError, match="no boundary for area.*W9"):
        choropleth_map(_squares(2), data, name="t", caption="c", measure="m", place="p",
                       legend_title="l")


def _given_limits() -> pd.DataFrame:
    """Lines as the indicators stage would pass them (deliberately not the OHID limits of the
    points: the plot must draw what it is given, not compute its own)."""
    grid = np.linspace(50, 500, 4)
    return pd.DataFrame({"denominator": grid, "lower_95": 15.0, "upper_95": 25.0,
                         "lower_998": 10.0, "upper_998": 30.0, "baseline": 20.0})


def test_funnel_alt_text_names_wards_outside_the_limits():
    data = pd.DataFrame({"name": ["Ash", "Birch"], "count": [33, 80], "denominator": [100, 400],
                         "value": [33.0, 20.0], "position": ["Above 99.8% limit", "Within limits"]})
    figure = funnel_plot(data, _given_limits(), name="f", caption="c",
                         measure="percentage with SEN", y_label="Per cent", hidden=1)
    assert "1 above 99.8% limit (Ash 33.0%)" in figure.alt
    assert "1 within the 95% limits" in figure.alt
    assert "1 ward suppressed and not plotted" in figure.alt
    assert "council average of 20.0%" in figure.alt


def test_funnel_plot_draws_the_limits_and_positions_it_is_given():
    limits = _given_limits()
    # Birch is labelled "Below 95% limit" by the caller: drawn and described as such, although
    # 20% at n = 400 is the benchmark itself (the plot does not recompute positions)
    data = pd.DataFrame({"name": ["Ash", "Birch"], "count": [33, 80], "denominator": [100, 400],
                         "value": [33.0, 20.0], "position": ["Above 99.8% limit",
                                                             "Below 95% limit"]})
    figure = funnel_plot(data, limits, name="f", caption="c", measure="m", y_label="Per cent")
    axes = figure.figure.axes[0]
    lines = {line.get_label(): line for line in axes.get_lines()}
    assert list(lines["99.8% limits"].get_xdata()) == list(limits["denominator"])
    assert list(lines["99.8% limits"].get_ydata()) == [30.0] * 4
    assert list(lines["95% limits"].get_ydata()) == [25.0] * 4
    assert axes.get_xlim() == (50.0, 500.0)
    assert "1 below 95% limit (Birch 20.0%)" in figure.alt
    legend = [t.get_text() for t in axes.get_legend().get_texts()]
    assert "Council average (20.0%)" in legend and "Ward below limits" in legend


def _gradient_data() -> pd.DataFrame:
    deciles = list(range(1, 11))
    support = [20.0, 18.0, np.nan, 15.0, 14.0, 13.0, 12.0, 11.0, 10.0, 9.0]  # decile 3 hidden
    plans = [5.0, 4.5, 4.0, 3.8, 3.5, 3.2, 3.0, 2.8, 2.5, 2.0]
    return pd.DataFrame({
        "series": ["SEN support"] * 10 + ["EHC plan"] * 10,
        "decile": deciles * 2,
        "value": support + plans,
        "lower_ci_95": [v - 1.0 for v in support] + [v - 0.5 for v in plans],
        "upper_ci_95": [v + 2.0 for v in support] + [v + 0.5 for v in plans],
    })


def test_gradient_chart_draws_the_given_values_gaps_and_intervals_in_seaborn_style():
    from jsna.viz.charts import COLOURS
    figure = gradient_chart(_gradient_data(), name="g", caption="c", measure="percentage of "
                            "resident pupils on SEN support and with an EHC plan", y_label="%")
    axes = figure.figure.axes[0]
    lines = {line.get_label(): line for line in axes.get_lines()}
    support = np.asarray(lines["SEN support"].get_ydata(), dtype=float)
    # decile 3 is a gap (hidden), never a zero and never joined over
    assert support[:2].tolist() == [20.0, 18.0] and np.isnan(support[2])
    assert support[3:].tolist() == [15.0, 14.0, 13.0, 12.0, 11.0, 10.0, 9.0]
    assert list(lines["EHC plan"].get_xdata()) == list(range(10))  # deciles as categories
    assert mcolors.to_hex(lines["SEN support"].get_color()) == COLOURS[0].lower()
    assert mcolors.to_hex(lines["EHC plan"].get_color()) == COLOURS[1].lower()
    # the intervals are the limits given (Wilson, computed upstream): 9 + 10 of them
    segments = sorted((round(s[0][1], 6), round(s[1][1], 6)) for c in axes.collections
                      for s in c.get_segments() if len(s) == 2)
    assert len(segments) == 19 and (19.0, 22.0) in segments and (1.5, 2.5) in segments
    labels = [t.get_text() for t in axes.get_xticklabels()]
    assert labels[0] == "1\nmost\ndeprived" and labels[4] == "5" and labels[-1].startswith("10")
    assert figure.alt.startswith("Line chart of the percentage of resident pupils")
    assert "SEN support 20.0% in decile 1 and 9.0% in decile 10" in figure.alt


def test_gradient_chart_refuses_two_values_for_one_decile():
    data = pd.concat([_gradient_data(), _gradient_data().iloc[[0]]])
    with pytest.raises(ValueError, match="chart 'g': more than one value for "
                                         "series='SEN support', decile=1"):
        gradient_chart(data, name="g", caption="c", measure="m", y_label="%")
