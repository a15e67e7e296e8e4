"""Trend charts keep their plot wide and their axis labels apart on real councils' names."""

from __future__ import annotations

import pandas as pd

from jsna.viz.charts import trend_chart

BCP = "Bournemouth, Christchurch and Poole"


def _chart(periods: list[str], areas: list[str]):
    data = pd.DataFrame([{"area_name": area, "period": period, "value": 100.0 + i + j}
                         for i, area in enumerate(areas) for j, period in enumerate(periods)])
    return trend_chart(data, name="t", caption="c", measure="growth index",
                       y_label="Index (January 2020 = 100)", highlight=areas[0])


def _boxes(figure):
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    axes = figure.axes[0]
    return renderer, axes, [t.get_window_extent(renderer) for t in axes.get_xticklabels()
                            if t.get_text() and t.get_visible()]


def test_a_long_council_name_does_not_squeeze_the_plot():
    figure = _chart([str(y) for y in range(2019, 2026)], [BCP, "South West", "England"]).figure
    renderer, axes, _ = _boxes(figure)
    # the plot keeps most of the chart's width (a legend beside it took a third or more)
    assert axes.get_position().width > 0.8
    legend = axes.get_legend().get_window_extent(renderer)
    whole = figure.bbox
    assert legend.x0 >= whole.x0 and legend.x1 <= whole.x1 and legend.y0 >= whole.y0


def test_x_axis_labels_never_overlap():
    for periods in ([str(y) for y in range(2019, 2026)],
                    [f"{y}/{(y + 1) % 100:02d}" for y in range(2012, 2025)]):
        figure = _chart(periods, [BCP, "South West", "England"]).figure
        _, _, boxes = _boxes(figure)
        shown = [t.get_text() for t in figure.axes[0].get_xticklabels() if t.get_visible()]
        assert shown[-1] == periods[-1] and len(shown) >= len(periods) // 3
        for left, right in zip(boxes[:-1], boxes[1:], strict=True):
            assert not left.overlaps(right), (periods, left, right)
