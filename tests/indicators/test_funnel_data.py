"""The funnel plot's points and control limits, computed by the indicators stage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.indicators.funnel import funnel_data


def test_limits_on_a_grid_spanning_the_plotted_wards():
    # Benchmark 20%. Plotted: n = 100 and n = 400 (the ward with n = 0 and the one without a
    # count cannot be plotted). Grid from max(1, 0.8 x 100) = 80 to 1.15 x 400 = 460; with 20
    # points the step is (460 - 80) / 19 = 20, so n = 100 is the second point.
    # At n = 100: standard error sqrt(0.2 x 0.8 / 100) = 0.04; 95% limits 20 -/+ 1.959964 x 4 =
    # 12.160144 and 27.839856; 99.8% limits 20 -/+ 3.090232 x 4 = 7.639072 and 32.360928.
    # At n = 400: standard error 0.02; 95% upper 20 + 1.959964 x 2 = 23.919928.
    points = pd.DataFrame({"name": ["A", "B", "C", "D"], "count": [33, 80, 0, np.nan],
                           "denominator": [100, 400, 0, 50], "value": [33.0, 20.0, np.nan, np.nan],
                           "position": ["Above 99.8% limit", "Within limits", "Not compared",
                                        "[c]"]})
    funnel = funnel_data(points, 0.2, grid_points=20)
    assert funnel.points["name"].tolist() == ["A", "B"]
    limits = funnel.limits
    assert limits["denominator"].iloc[0] == pytest.approx(80)
    assert limits["denominator"].iloc[-1] == pytest.approx(460)
    at_100 = limits.iloc[1]
    assert at_100["denominator"] == pytest.approx(100)
    assert at_100[["lower_95", "upper_95", "lower_998", "upper_998"]].tolist() == pytest.approx(
        [12.160144, 27.839856, 7.639072, 32.360928], abs=1e-5)
    at_400 = limits[np.isclose(limits["denominator"], 400)].iloc[0]
    assert at_400["upper_95"] == pytest.approx(23.919928, abs=1e-5)
    assert limits["baseline"].tolist() == pytest.approx([20.0] * 20)


def test_small_denominators_start_the_grid_at_one_and_no_point_gives_a_default_range():
    # 0.8 x 1 = 0.8 < 1: the grid starts at 1 pupil
    one = pd.DataFrame({"name": ["A"], "count": [1], "denominator": [1], "value": [100.0],
                        "position": ["Within limits"]})
    assert funnel_data(one, 0.5).limits["denominator"].iloc[0] == pytest.approx(1.0)
    none = one.assign(count=np.nan)
    limits = funnel_data(none, 0.5).limits
    assert (limits["denominator"].iloc[0], limits["denominator"].iloc[-1]) == (1.0, 100.0)
