"""Charts drawn with seaborn show exactly the values and limits they are given (issue 15 item 6).

Seaborn places the values; it must never estimate (average repeated values, compute intervals)
or join a line across a suppressed year. Expected positions are the numbers written in each test.
"""

from __future__ import annotations

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest

from jsna.viz.charts import COLOURS, category_chart, compare_chart, trend_chart

PERIODS = ["2021/22", "2022/23", "2023/24"]


def _trend_data() -> pd.DataFrame:
    return pd.DataFrame({
        "area_name": ["Demoton"] * 3 + ["England"] * 3,
        "period": PERIODS * 2,
        "value": [4.0, np.nan, 5.0, 3.0, 3.5, 4.5],  # Demoton's middle year suppressed
        "lower_ci_95": [3.5, np.nan, 4.4, 2.9, 3.4, 4.4],
        "upper_ci_95": [4.6, np.nan, 5.7, 3.1, 3.6, 4.6],
    })


def _line(axes, label):
    return next(line for line in axes.lines if line.get_label() == label)


def test_trend_chart_draws_the_given_values_and_keeps_a_gap_for_a_suppressed_year():
    figure = trend_chart(_trend_data(), name="t", caption="c", measure="m", y_label="%",
                         highlight="Demoton").figure
    axes = figure.axes[0]
    council = _line(axes, "Demoton")
    assert list(council.get_xdata()) == [0, 1, 2]
    y = np.asarray(council.get_ydata(), dtype=float)
    # a gap, not a line from 4.0 straight to 5.0 (sns.lineplot would drop the missing year)
    assert y[0] == 4.0 and np.isnan(y[1]) and y[2] == 5.0
    assert list(_line(axes, "England").get_ydata()) == [3.0, 3.5, 4.5]
    assert [t.get_text() for t in axes.get_xticklabels()] == PERIODS
    # the council's error bars run from the given limits (Wilson, computed upstream)
    segments = [s for c in axes.collections for s in c.get_segments() if len(s) == 2]
    assert sorted((round(s[0][1], 6), round(s[1][1], 6)) for s in segments) == [(3.5, 4.6),
                                                                                (4.4, 5.7)]
    assert mcolors.to_hex(council.get_color()) == COLOURS[0].lower()


def test_a_chart_refuses_two_values_for_one_point():
    data = pd.concat([_trend_data(), _trend_data().iloc[[0]]])
    with pytest.raises(ValueError, match="chart 'ehcp_x': more than one value for "
                                         "area_name='Demoton', period='2021/22'"):
        trend_chart(data, name="ehcp_x", caption="c", measure="m", y_label="%",
                    highlight="Demoton")
    bars = pd.DataFrame({"area_name": ["A", "A"], "category": ["Autism", "Autism"],
                         "value": [1.0, 3.0]})
    with pytest.raises(ValueError, match="more than one value"):
        category_chart(bars, name="b", caption="c", measure="m", x_label="%", highlight="A")


def test_category_chart_draws_each_given_value_in_analysis_function_colours():
    data = pd.DataFrame({
        "area_name": ["Demoton"] * 3 + ["England"] * 3,
        "category": ["Autism", "SEMH", "Hearing"] * 2,
        "value": [32.5, 18.9, np.nan, 34.7, 16.8, 1.6],
    })
    figure = category_chart(data, name="n", caption="c", measure="m", x_label="%",
                            highlight="Demoton").figure
    axes = figure.axes[0]
    # largest of the council's at the top (seaborn's categorical y axis runs downwards)
    assert [t.get_text() for t in axes.get_yticklabels()] == ["Autism", "SEMH", "Hearing"]
    bars = [(round(p.get_y() + p.get_height() / 2), mcolors.to_hex(p.get_facecolor()),
             round(p.get_width(), 6)) for p in axes.patches if p.get_width() > 0]
    assert sorted(bars) == sorted([
        (0, COLOURS[0].lower(), 32.5), (1, COLOURS[0].lower(), 18.9),
        (0, COLOURS[1].lower(), 34.7), (1, COLOURS[1].lower(), 16.8),
        (2, COLOURS[1].lower(), 1.6)])  # the council's hidden Hearing value: no bar
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["Demoton", "England"]


def test_compare_chart_points_intervals_benchmark_and_a_missing_value():
    data = pd.DataFrame({
        "area_name": ["Northam", "Demoton (this council)", "Eastmere", "Juniper Downs"],
        "value": [32.9, 22.6, 50.6, np.nan],
        "lower_ci_95": [28.0, 17.6, 44.0, np.nan],
        "upper_ci_95": [38.0, 28.4, 57.0, np.nan],
    })
    result = compare_chart(data, name="n", caption="c", measure="percentage on time",
                           x_label="%", highlight="Demoton (this council)",
                           others="Statistical neighbours", benchmark=("England", 46.4))
    axes = result.figure.axes[0]
    labels = [t.get_text() for t in axes.get_yticklabels()]
    assert labels == ["Eastmere", "Northam", "Demoton (this council)", "Juniper Downs"]
    bold = [t.get_text() for t in axes.get_yticklabels() if t.get_fontweight() == "bold"]
    assert bold == ["Demoton (this council)"]
    points = sorted((float(x), float(y)) for line in axes.lines
                    for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True)
                    if line.get_marker() in ("D", "o") and np.isfinite(float(x)))
    assert points == [(22.6, 2.0), (32.9, 1.0), (50.6, 0.0)]
    segments = sorted((round(s[0][0], 6), round(s[1][0], 6), round(s[0][1], 6))
                      for c in axes.collections for s in c.get_segments()
                      if len(s) == 2 and s[0][1] == s[1][1])
    assert segments == [(17.6, 28.4, 2.0), (28.0, 38.0, 1.0), (44.0, 57.0, 0.0)]
    benchmark = [line for line in axes.lines if line.get_label() == "England (46.4%)"]
    assert list(benchmark[0].get_xdata()) == [46.4, 46.4]
    assert [t.get_text() for t in axes.texts] == ["no value"]
    assert result.alt == (
        "Chart of the percentage on time in 4 areas, each with its 95 per cent confidence "
        "interval, highest first: Eastmere 50.6%; Northam 32.9%; Demoton (this council) 22.6% "
        "(confidence interval 17.6% to 28.4%); Juniper Downs no value. The dashed line is "
        "England, 46.4%.")
