"""Benchmark comparisons against published Fingertips labels, Fingertips' and LAIT's own cases."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jsna.errors import JsnaInputError
from jsna.stats import (
    Benchmarks,
    add_comparisons,
    compare_spc,
    compare_to_benchmark,
    neighbour_ranks,
    normalise_polarity,
    quartile_bands,
)

REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "real" / "fingertips"


def _exports() -> list[pd.DataFrame]:
    files = sorted(REAL.glob("indicators-CountyUA_cyp_mental_health_*.csv"))
    if not files:
        pytest.skip("real Fingertips exports not available")
    return [pd.read_csv(path) for path in files]


def _labels(
    rows: pd.DataFrame,
    benchmark: float,
    polarity: str,
    lower: str = "Lower_CI_95.0_limit",
    upper: str = "Upper_CI_95.0_limit",
) -> list[str]:
    """compare_to_benchmark on the Value and 95% limit columns of Fingertips export rows."""
    return list(compare_to_benchmark(rows["Value"], rows[lower], rows[upper], benchmark, polarity))


@pytest.mark.real_data
@pytest.mark.parametrize("indicator", [91871, 90813, 92796])
def test_ci_overlap_reproduces_published_labels_against_england_and_region(
    indicator: int,
) -> None:
    # These indicators have no polarity in Fingertips, so labels are Higher / Similar / Lower
    # (and "Not compared" where no interval is published).
    checked = 0
    for export in _exports():
        rows = export[export["IndicatorID"] == indicator]
        england = rows.loc[rows["AreaType"] == "England", "Value"].iloc[0]
        region = rows.loc[rows["AreaType"] == "Region", "Value"].iloc[0]
        areas = rows[rows["AreaType"] != "England"]
        labels = _labels(areas, england, "Not applicable")
        assert labels == list(areas["Compared_to_England_value_or_percentiles"])
        councils = rows[rows["AreaType"] == "County & UA"]
        labels = _labels(councils, region, "Not applicable")
        assert labels == list(councils["Compared_to_Region_value_or_percentiles"])
        checked += len(areas)
    assert checked > 60


@pytest.mark.real_data
def test_ci_overlap_with_low_is_good_reproduces_published_campylobacter_labels() -> None:
    path = REAL / "indicators-CountyUA_campylobacter_2015_format_example_selected_areas.csv"
    if not path.exists():
        pytest.skip("real Fingertips exports not available")
    rows = pd.read_csv(path)
    rows = rows[rows["Category Type"].isna()]
    compared = 0
    for (_, _), group in rows.groupby(["Time period", "Age"]):
        england = group.loc[group["Area Code"] == "E92000001", "Value"].iloc[0]
        councils = group[group["Area Type"] == "County & UA"]
        labels = _labels(
            councils, england, "Low is good", "Lower CI 95.0 limit", "Upper CI 95.0 limit"
        )
        assert labels == list(councils["Compared to England value or percentiles"])
        compared += len(councils)
    assert compared >= 40


@pytest.mark.parametrize(
    ("benchmark", "value", "denominator", "expected_95", "expected_998"),
    [
        # Fingertips' own SpcForProportionsComparer test cases (RAG, low is good).
        (8.9611086876279327, 7.7065767284991562, 5930, "Better", "Better"),
        (8.9611086876279327, 9.8988121425428961, 2273, "Similar", "Similar"),
        (8.9611086876279327, 12.474645030425965, 1972, "Worse", "Worse"),
        (12.8379546895717, 10.9783420463032, 1339, "Better", "Similar"),
        (12.8379546895717, 15.9065628476085, 899, "Worse", "Similar"),
    ],
)
def test_spc_for_proportions_matches_fingertips_cases(
    benchmark: float, value: float, denominator: int, expected_95: str, expected_998: str
) -> None:
    count = value / 100 * denominator
    assert compare_spc([count], [denominator], benchmark / 100, "Low is good", 0.95)[0] == (
        expected_95
    )
    assert compare_spc([count], [denominator], benchmark / 100, "Low is good", 0.998)[0] == (
        expected_998
    )


def test_polarity_turns_direction_into_labels() -> None:
    # value 10 with CI (8, 12) against benchmarks 5 (area higher), 10 (similar), 15 (area lower)
    value, lower, upper = [10, 10, 10], [8, 8, 8], [12, 12, 12]
    benchmark = [5, 10, 15]
    assert list(compare_to_benchmark(value, lower, upper, benchmark, "High is good")) == [
        "Better",
        "Similar",
        "Worse",
    ]
    assert list(compare_to_benchmark(value, lower, upper, benchmark, "Low is good")) == [
        "Worse",
        "Similar",
        "Better",
    ]
    assert list(compare_to_benchmark(value, lower, upper, benchmark, "Not applicable")) == [
        "Higher",
        "Similar",
        "Lower",
    ]
    # a limit touching the benchmark is not a significant difference
    assert compare_to_benchmark([10], [8], [12], [8], "High is good")[0] == "Similar"


def test_missing_data_is_not_compared() -> None:
    labels = compare_to_benchmark([np.nan, 10, 10], [1, np.nan, 8], [2, 12, 12], [5, 5, np.nan])
    assert list(labels) == ["Not compared"] * 3
    assert compare_spc([3], [0], 0.5)[0] == "Not compared"


def test_polarity_spellings() -> None:
    assert normalise_polarity("High") == "High is good"
    assert normalise_polarity("low is good") == "Low is good"
    assert normalise_polarity("-") == "Not applicable"
    assert normalise_polarity(np.nan) == "Not applicable"
    with pytest.raises(JsnaInputError, match="not recognised"):
        normalise_polarity("Up is good")


def test_quartile_bands_follow_lait_convention() -> None:
    # LAIT's own test: quartile boundaries 0/25/50/75/100; bands closed on the right, so
    # 10 -> A, 30 -> B, 60 -> C, 80 -> D, and the boundary values 0 and 25 fall in A.
    reference = [0, 25, 50, 75, 100]
    values = [10, 30, 60, 80, 0, 25]
    assert list(quartile_bands(values, "Low", reference)) == ["A", "B", "C", "D", "A", "A"]
    # High is good reverses the letters: the top quarter is A.
    assert list(quartile_bands(values, "High", reference)) == ["D", "C", "B", "A", "D", "D"]
    assert list(quartile_bands([1, np.nan], "Not applicable")) == ["Not applicable", None]


def test_quartile_bands_use_linear_interpolated_quartiles() -> None:
    # Values 1..8: Q1 = 1 + 0.25 x 7 = 2.75, Q2 = 4.5, Q3 = 6.25.
    bands = quartile_bands(np.arange(1, 9), "Low is good")
    assert list(bands) == ["A", "A", "B", "B", "C", "C", "D", "D"]


def _long_table() -> pd.DataFrame:
    neighbours = [f"N{n}" for n in range(1, 11)]
    rows = [
        ("E", "England", 1000, 10_000),
        ("R", "Region", 150, 1_000),
        ("C", "Local authority", 60, 300),
        *[(code, "Local authority", 10 * (i + 1), 100) for i, code in enumerate(neighbours)],
        ("W1", "Ward", 2, 50),
    ]
    frame = pd.DataFrame(rows, columns=["area_code", "area_type", "count", "denominator"])
    frame["indicator_id"] = "ind"
    frame["period"] = "2024/25"
    frame["breakdown"] = "All"
    frame["value"] = frame["count"] / frame["denominator"] * 100
    # Hand-set CIs so the expected labels follow from the overlap rule alone.
    frame["lower_ci_95"] = frame["value"] - 2
    frame["upper_ci_95"] = frame["value"] + 2
    frame["lower_ci_998"] = frame["value"] - 4
    frame["upper_ci_998"] = frame["value"] + 4
    return frame


def test_add_comparisons_on_the_long_table() -> None:
    # England 10%, region 15%, council 20% (CI 18-22), ward 4% (CI 2-6);
    # neighbours 10%, 20%, ..., 100%: mean 55%. Council ranks among 11 values.
    frame = _long_table()
    out = add_comparisons(
        frame,
        Benchmarks(council_code="C", region_code="R", neighbours=[f"N{n}" for n in range(1, 11)]),
        {"ind": "High is good"},
    )
    by_code = out.set_index("area_code")
    assert by_code.loc["E", "compared_to_england"] == "Not compared"
    assert by_code.loc["R", "compared_to_england"] == "Better"  # 13-17 above 10
    assert by_code.loc["C", "compared_to_england"] == "Better"
    assert by_code.loc["C", "compared_to_region"] == "Better"  # 18-22 above 15
    assert by_code.loc["C", "compared_to_neighbours"] == "Worse"  # 18-22 below 55
    assert by_code.loc["W1", "compared_to_england"] == "Worse"  # 2-6 below 10
    assert by_code.loc["N5", "compared_to_neighbours"] == "Not compared"
    # quartiles over the 11 councils sorted (10, 20, 20, 30, ..., 100), positions 0..10:
    # Q1 at 2.5 -> 25, Q2 at 5 -> 50, Q3 at 7.5 -> 75; council 20 <= 25 is in the lowest
    # quarter -> D when high is good; N10 (100) -> A.
    assert by_code.loc["C", "quartile_band"] == "D"
    assert by_code.loc["N10", "quartile_band"] == "A"
    assert pd.isna(by_code.loc["W1", "quartile_band"])


def test_add_comparisons_needs_polarity_for_every_indicator() -> None:
    with pytest.raises(JsnaInputError, match="no polarity"):
        add_comparisons(_long_table(), Benchmarks(council_code="C"), {"other": "High is good"})


def test_neighbour_ranks_ties_share_the_smallest_rank() -> None:
    # Council 20% ties with N2 (20%); high is good: 100, 90, ..., 30 take ranks 1-8,
    # then the council and N2 share rank 9 and N1 (10%) is 11th of 11.
    ranks = neighbour_ranks(
        _long_table(),
        Benchmarks(council_code="C", neighbours=[f"N{n}" for n in range(1, 11)]),
        "High is good",
    ).set_index("area_code")
    assert ranks.loc["C", "rank"] == 9
    assert ranks.loc["N2", "rank"] == 9
    assert ranks.loc["N1", "rank"] == 11
    assert ranks.loc["C", "out_of"] == 11
