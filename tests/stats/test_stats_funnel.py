"""Funnel-plot limits against PHEindicatormethods' published test outputs."""

from __future__ import annotations

import numpy as np
import pytest

from jsna.errors import JsnaInputError
from jsna.stats import funnel_limits, funnel_position

# PHEindicatormethods tests/testthat/testdata_funnel_prop_outputs.csv (OHID): population,
# 95% ("2s 0.025") and 99.8% ("3s 0.001") limits in %, baseline 80.642448%.
BASELINE = 0.80642448
PUBLISHED = [
    (1, 3.204264, 100, 0, 100),
    (3, 35.933491, 100, 10.150815, 100),
    (18, 62.390093, 98.894803, 51.864359, 100),
    (41, 68.548635, 92.73626, 61.574398, 99.710497),
    (154, 74.402301, 86.882595, 70.803745, 90.481151),
    (2093, 78.949785, 82.335111, 77.973663, 83.311233),
    (110000, 80.408963, 80.875933, 80.274317, 81.010578),
]


def test_limits_match_published_ohid_funnel_outputs() -> None:
    expected = np.array(PUBLISHED, dtype=float)
    out = funnel_limits(expected[:, 0], BASELINE)
    np.testing.assert_allclose(out["lower_95"], expected[:, 1], atol=1e-5)
    np.testing.assert_allclose(out["upper_95"], expected[:, 2], atol=1e-5)
    np.testing.assert_allclose(out["lower_998"], expected[:, 3], atol=1e-5)
    np.testing.assert_allclose(out["upper_998"], expected[:, 4], atol=1e-5)
    assert (out["baseline"] == BASELINE * 100).all()


@pytest.mark.parametrize(
    ("numerator", "denominator", "published"),
    [
        # PHEindicatormethods testdata_funnel_prop_inputs.csv (same dataset, same baseline)
        (35078.4880, 41980, "Above 99.8% limit"),  # New Forest PCT, "High (0.001)"
        (24803.6256, 31824, "Below 99.8% limit"),  # Norwich PCT, "Low (0.001)"
        (50050.7443, 61921, "Within limits"),  # South Gloucestershire PCT, "Not significant"
        (26789.2380, 33012, "Above 95% limit"),  # West Norfolk PCT, "High (0.025)"
        (30277.5312, 37828, "Below 95% limit"),  # North Devon PCT, "Low (0.025)"
        (17321.4088, 21587, "Within limits"),  # Hartlepool PCT, "Not significant"
    ],
)
def test_positions_match_published_significance(
    numerator: float, denominator: int, published: str
) -> None:
    assert funnel_position([numerator], [denominator], BASELINE)[0] == published


def test_default_benchmark_is_the_group_average_and_bad_rows_are_not_plotted() -> None:
    # Two wards 10/100 and 30/100: average 40/200 = 20%. At n = 100 the 99.8% limits are
    # 0.2 -/+ 3.090232 x sqrt(0.2 x 0.8 / 100) = 0.2 -/+ 0.123609 -> (7.6%, 32.4%): 10% and 30%
    # are inside 99.8% but outside 95% (0.2 -/+ 0.078399 -> 12.2% to 27.8%).
    positions = funnel_position([10, 30, 5], [100, 100, 0])
    assert list(positions) == ["Below 95% limit", "Above 95% limit", "Not plotted"]


def test_percentage_benchmark_is_rejected() -> None:
    with pytest.raises(JsnaInputError, match="fraction"):
        funnel_limits([100], 80.6)
