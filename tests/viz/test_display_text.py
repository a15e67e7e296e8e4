"""Names in tables and charts are published as written (issue 14, items 1 and 9).

A Table's CSV never starts a spreadsheet formula; a chart draws a ``$`` pair in a name as two
dollar signs, not as mathematics, in every kind of text (legend, tick labels, title, annotation).
"""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET

import matplotlib.pyplot as plt
import pandas as pd

from jsna.viz.charts import category_chart, compare_chart, trend_chart
from jsna.viz.display import Figure, Table

SVG_TEXT = "{http://www.w3.org/2000/svg}text"


def _cells(path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_table_csv_quotes_cells_that_would_start_a_formula(tmp_path):
    frame = pd.DataFrame({
        "School": ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)",
                   "\tTabbed", "St Mary's", "-5", "[c]"],
        "Pupils": [10, -3, 4, "[c]", 7, 9, 1, 2],
        "Change": [-1.5, 2.25, -0.5, 0.0, 1.0, 3.0, -4.0, 5.0],
    })
    path = Table("schools", "Schools", frame, formats={"Pupils": "count"}).write_csv(tmp_path)
    rows = _cells(path)
    assert rows[0] == ["School", "Pupils", "Change"]
    # OWASP: a leading =, +, -, @, tab or carriage return gets a single quote in front
    assert [row[0] for row in rows[1:]] == [
        '\'=HYPERLINK("http://x","y")', "'+cmd|' /C calc'!A0", "'-2+3", "'@SUM(1+1)",
        "'\tTabbed", "St Mary's", "-5", "[c]"]
    # numbers, negative ones included, are written as before
    assert [row[1] for row in rows[1:]] == ["10", "-3", "4", "[c]", "7", "9", "1", "2"]
    assert [row[2] for row in rows[1:]] == ["-1.5", "2.25", "-0.5", "0", "1", "3", "-4", "5"]


def test_table_csv_quotes_a_cell_starting_with_a_carriage_return(tmp_path):
    frame = pd.DataFrame({"School": ["\r=1+1"], "Pupils": [3]})
    path = Table("cr", "c", frame, formats={"Pupils": "count"}).write_csv(tmp_path)
    assert _cells(path) == [["School", "Pupils"], ["'\r=1+1", "3"]]


def test_a_carriage_return_inside_a_name_cannot_start_a_row(tmp_path):
    # unquoted, the CR would end the row in a spreadsheet and start the next with a formula
    frame = pd.DataFrame({"School": ["Ash\r=SUM(1+1)", "Birch"],
                          "Pupils": [3, 4], "Percent": [1.5, -2.0]})
    path = Table("cr", "c", frame, formats={"Pupils": "count"}).write_csv(tmp_path)
    rows = _cells(path)
    assert rows == [["School", "Pupils", "Percent"],
                    ["Ash\r=SUM(1+1)", "3", "1.5"], ["Birch", "4", "-2"]]


def test_table_csv_quotes_a_column_heading_that_would_start_a_formula(tmp_path):
    frame = pd.DataFrame({"Area": ["England"], "=HYPERLINK(\"http://x\") Council": [1.5]})
    rows = _cells(Table("t", "c", frame).write_csv(tmp_path))
    assert rows[0] == ["Area", "'=HYPERLINK(\"http://x\") Council"]
    assert rows[1] == ["England", "1.5"]


def test_table_csv_without_formulas_is_unchanged(tmp_path):
    frame = pd.DataFrame({"Ward": ["Ash", "Birch", "All"], "Pupils": [1065, "[c]", 2000],
                          "Percent": [12.25, float("nan"), -3.5]})
    path = Table("w", "Wards", frame, formats={"Pupils": "count"}).write_csv(tmp_path)
    assert path.read_text(encoding="utf-8") == (
        "Ward,Pupils,Percent\nAsh,1065,12.25\nBirch,[c],\nAll,2000,-3.5\n")


def _drawn_texts(figure: Figure) -> list[str]:
    root = ET.fromstring(figure.svg())
    return ["".join(element.itertext()) for element in root.iter(SVG_TEXT)]


def test_chart_texts_draw_dollar_pairs_as_written():
    figure, axes = plt.subplots()
    axes.plot([0, 1], [1, 2], label="Legend $x$ area")
    axes.set_xticks([0, 1], ["Tick $a$ one", "Tick $b$ two"])
    axes.set_title("Title $t$ & <b>")
    axes.set_ylabel("Axis $y$ label")
    axes.annotate("Note $n$ here", (0.5, 1.5))
    axes.legend(title="Legend title $l$")
    texts = _drawn_texts(Figure("f", "c", "alt", figure))
    for expected in ("Legend $x$ area", "Tick $a$ one", "Tick $b$ two", "Title $t$ & <b>",
                     "Axis $y$ label", "Note $n$ here", "Legend title $l$"):
        assert expected in texts


def test_chart_functions_draw_area_and_category_names_as_written():
    council, region = "Demo $x$ Council", "=SUM(1) *Region* $y$"
    trend = pd.DataFrame({"area_name": [council, council, region, region],
                          "period": ["2023/24", "2024/25"] * 2, "value": [1.0, 2.0, 1.5, 2.5]})
    chart = trend_chart(trend, name="t", caption="c", measure="m", y_label="%",
                        highlight=council)
    assert {council, region} <= set(_drawn_texts(chart))
    bars = pd.DataFrame({"area_name": ["Per cent"] * 2, "category": [council, region],
                         "value": [40.0, 50.0]})
    chart = category_chart(bars, name="b", caption="c", measure="m", x_label="%",
                           highlight="Per cent")
    assert {council, region} <= set(_drawn_texts(chart))
    points = pd.DataFrame({"area_name": [council, region], "value": [40.0, 50.0],
                           "lower_ci_95": [35.0, 45.0], "upper_ci_95": [45.0, 55.0]})
    chart = compare_chart(points, name="p", caption="c", measure="m", x_label="%",
                          highlight=council, others="Others $o$", benchmark=("Eng $e$", 45.0))
    assert {council, region, "Others $o$", "Eng $e$ (45.0%)"} <= set(_drawn_texts(chart))


def test_numbers_a_formatter_writes_keep_their_mathematics():
    figure, axes = plt.subplots()
    axes.plot([1, 1000], [1, 2], label="Line $x$")
    axes.set_xscale("log")  # ticks written as mathtext powers of ten, 10^0 to 10^3
    axes.legend()
    texts = _drawn_texts(Figure("f", "c", "alt", figure))
    assert not [text for text in texts if "mathdefault" in text]  # the ticks are typeset
    assert "Line $x$" in texts  # the legend is literal


def test_a_difference_that_rounds_to_zero_is_never_shown_with_a_minus_sign():
    # England 0.02% below the region: "0.0", not "-0.0" (the resources funding table)
    from jsna.viz.display import format_cell

    assert format_cell(-0.0204, "decimal") == "0.0"
    assert format_cell(-0.04, "percent") == "0.0"
    assert format_cell(-0.06, "decimal") == "-0.1"  # a real negative keeps its sign
    assert format_cell(-1234.56, "rate") == "-1,234.6"
