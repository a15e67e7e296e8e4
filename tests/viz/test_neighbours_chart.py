"""The compare-with-neighbours chart draws the rows it is given, with a cue beyond colour."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.viz.neighbours import STYLES, neighbours_chart, neighbours_table


def _data() -> pd.DataFrame:
    return pd.DataFrame({
        "area_code": ["N1", "neighbours", "E92000001", "R1", "C1", "N2"],
        "area_name": ["Redcar", "Statistical neighbours' average (2 of 3)", "England",
                      "North East (region)", "Hartlepool (this council)", "Darlington"],
        "role": ["Statistical neighbour", "Neighbours' average", "England", "Region",
                 "This council", "Statistical neighbour"],
        "value": [-0.5, -0.9, -1.13, -1.2, -1.25, np.nan],
        "lower_ci_95": [-0.8, np.nan, -1.15, -1.3, -1.6, np.nan],
        "upper_ci_95": [-0.2, np.nan, -1.11, -1.1, -0.9, np.nan],
        "note": ["", "", "", "", "", "[c]"],
    })


def test_chart_puts_each_area_on_its_row_with_its_own_marker_and_the_given_limits():
    figure = neighbours_chart(_data(), name="n", caption="c", measure="Progress 8 score",
                              x_label="Score", decimals=2, unit="")
    axes = figure.figure.axes[0]
    # long names wrap onto two lines
    assert [t.get_text().replace("\n", " ") for t in axes.get_yticklabels()] == list(
        _data()["area_name"])
    assert axes.get_yticklabels()[1].get_text() == "Statistical neighbours'\naverage (2 of 3)"
    bold = [t.get_text() for t in axes.get_yticklabels() if t.get_fontweight() == "bold"]
    assert bold == ["Hartlepool (this\ncouncil)"]
    points = {line.get_marker(): (list(line.get_xdata()), list(line.get_ydata()))
              for line in axes.lines if line.get_linestyle() == "None"}
    assert points["D"] == ([-1.25], [4])  # the council, diamond, on the fifth row
    assert points["o"] == ([-0.5], [0])  # the neighbour with a value; Darlington is not drawn
    assert points["s"] == ([-0.9], [1]) and points["^"] == ([-1.2], [3])
    assert points["v"] == ([-1.13], [2])
    assert len({STYLES[role][1] for role in STYLES}) == 5  # five markers for five roles
    segments = sorted((round(s[0][0], 6), round(s[1][0], 6)) for c in axes.collections
                      for s in c.get_segments() if len(s) == 2 and s[0][1] == s[1][1])
    assert segments == [(-1.6, -0.9), (-1.3, -1.1), (-1.15, -1.11), (-0.8, -0.2)]
    # negative scores: the axis is not clipped at zero, and zero is marked
    assert axes.get_xlim()[0] < -1.6
    written = [t.get_text() for t in axes.texts]
    # the neighbours' average, worked out rather than published, to one more place
    assert [t for t in written if t != "no value"] == ["-0.50", "-0.900", "-1.13", "-1.20",
                                                       "-1.25", "[c]"]
    assert written.count("no value") == 1
    assert figure.alt.startswith("Dot chart of the Progress 8 score, highest first: Redcar -0.50 "
                                 "(95 per cent confidence interval -0.80 to -0.20); ")
    assert figure.alt.endswith("Darlington no value. Hartlepool (this council) is 2nd of 2 "
                               "among the council and its neighbours with a value.")


def test_table_beside_the_chart_has_the_same_rows_and_differences_from_england():
    table = neighbours_table(_data(), name="t", caption="c", value_label="Progress 8",
                             decimals=2)
    frame = table.frame
    assert list(frame.columns) == ["Area", "Compared as", "Progress 8", "95% CI lower",
                                   "95% CI upper", "Difference from England"]
    assert list(frame["Progress 8"]) == ["-0.50", "-0.900", "-1.13", "-1.20", "-1.25", "[c]"]
    # -0.5 - (-1.13) = 0.63; -0.9 - (-1.13) = 0.230; -1.25 - (-1.13) = -0.12
    # a suppressed row says so in every cell worked out from it; an interval that was never
    # there (the neighbours' average) is not available
    assert list(frame["Difference from England"]) == ["0.63", "0.230", "Benchmark", "-0.07",
                                                      "-0.12", "[c]"]
    assert list(frame["95% CI lower"]) == ["-0.80", "[x]", "-1.15", "-1.30", "-1.60", "[c]"]
    assert list(frame["95% CI upper"]) == ["-0.20", "[x]", "-1.11", "-1.10", "-0.90", "[c]"]


def test_a_measure_without_intervals_has_no_interval_columns_and_starts_at_zero():
    data = _data().assign(lower_ci_95=np.nan, upper_ci_95=np.nan,
                          value=[40.0, 30.0, 31.0, 29.0, 22.0, np.nan])
    table = neighbours_table(data, name="t", caption="c", value_label="Per cent", decimals=0)
    assert "95% CI lower" not in table.frame.columns
    assert list(table.frame["Per cent"]) == ["40", "30.0", "31", "29", "22", "[c]"]
    assert table.formats["Per cent"] != "text"  # right-aligned as numbers
    axes = neighbours_chart(data, name="n", caption="c", measure="m", x_label="%",
                            decimals=0).figure.axes[0]
    assert axes.get_xlim()[0] == 0
    ticks = [t for t in axes.get_xticks() if 0 <= t <= axes.get_xlim()[1]]
    assert all(float(t).is_integer() for t in ticks)  # whole-number ticks for whole percentages
    assert not [c for c in axes.collections if len(c.get_segments())]
