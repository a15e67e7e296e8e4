"""The data of the compare-with-neighbours chart, against figures worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.indicators.comparisons import ComparatorAreas
from jsna.indicators.neighbour_comparison import neighbour_comparison

AREAS = ComparatorAreas("E06000001", "E12000001", "North East",
                        ["E06000002", "E06000003", "E06000004", "E06000005"])


def _rows() -> pd.DataFrame:
    return pd.DataFrame({
        "area_code": ["E06000001", "E06000002", "E06000003", "E06000005", "E12000001",
                      "E92000001", "E06000099"],
        "area_name": ["Hartlepool", "Middlesbrough", "Redcar", "Darlington", "North East",
                      "England", "Not a neighbour"],
        "value": [22.6, 20.0, 41.0, np.nan, 25.5, 30.2, 99.0],
        "lower_ci_95": [17.6, 15.0, 35.0, np.nan, 24.9, 30.1, 90.0],
        "upper_ci_95": [28.5, 26.0, 47.0, np.nan, 26.1, 30.3, 99.5],
        "note": ["", "", "", "[c]", "", "", ""],
    })


def test_every_area_in_order_with_the_average_of_the_neighbours_with_a_value():
    out = neighbour_comparison(_rows(), AREAS, council_name="Hartlepool")
    # highest first; Darlington is suppressed and Stockton-on-Tees (E06000004) has no row:
    # both last, by name (a neighbour with no row is named from its code)
    assert list(out["area_name"]) == [
        "Redcar", "Statistical neighbours' average (2 of 4)", "England", "North East (region)",
        "Hartlepool (this council)", "Middlesbrough", "Darlington", "Stockton-on-Tees"]
    assert list(out["role"]) == [
        "Statistical neighbour", "Neighbours' average", "England", "Region", "This council",
        "Statistical neighbour", "Statistical neighbour", "Statistical neighbour"]
    # (20.0 + 41.0) / 2 = 30.5: the unweighted mean of the two neighbours with a value
    assert out["value"].iloc[1] == pytest.approx(30.5)
    assert out["value"].iloc[:6].tolist() == pytest.approx([41.0, 30.5, 30.2, 25.5, 22.6, 20.0])
    # limits passed through as given; none for the average
    assert out.loc[4, ["lower_ci_95", "upper_ci_95"]].tolist() == [17.6, 28.5]
    assert out.loc[1, ["lower_ci_95", "upper_ci_95"]].isna().all()
    assert list(out["note"].iloc[6:]) == ["[c]", "[x]"]
    assert "E06000099" not in set(out["area_code"])


def test_ties_keep_the_council_first_and_england_after_the_region():
    rows = pd.DataFrame({"area_code": ["E06000001", "E06000002", "E12000001", "E92000001"],
                         "area_name": ["H", "M", "NE", "England"],
                         "value": [10.0, 10.0, 10.0, 10.0]})
    areas = ComparatorAreas("E06000001", "E12000001", "North East", ["E06000002"])
    out = neighbour_comparison(rows, areas, council_name="H")
    assert list(out["role"]) == ["This council", "Statistical neighbour", "Neighbours' average",
                                 "Region", "England"]
    # no interval columns given: the rows have none
    assert out["lower_ci_95"].isna().all()


def test_no_neighbour_with_a_value_gives_an_average_with_no_value():
    rows = _rows()
    rows = rows[~rows["area_code"].isin(["E06000002", "E06000003"])]
    out = neighbour_comparison(rows, AREAS, council_name="Hartlepool")
    average = out[out["role"] == "Neighbours' average"].iloc[0]
    assert np.isnan(average["value"]) and average["note"] == "[x]"
    assert average["area_name"] == "Statistical neighbours' average (0 of 4)"


def test_two_rows_for_one_area_are_refused():
    rows = pd.concat([_rows(), _rows().iloc[[1]]])
    with pytest.raises(ValueError, match="more than one row for area 'E06000002'"):
        neighbour_comparison(rows, AREAS, council_name="Hartlepool")
