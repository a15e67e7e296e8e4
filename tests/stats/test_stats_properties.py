"""Property tests: limits bracket the value, proportions stay in [0, 1], 99.8% contains 95%."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from jsna.stats import add_dsr_ci, add_proportion_ci, add_rate_ci

TOLERANCE = 1e-9


@st.composite
def proportions(draw: st.DrawFn) -> pd.DataFrame:
    denominators = draw(st.lists(st.integers(1, 10**7), min_size=1, max_size=30))
    counts = [draw(st.integers(0, n)) for n in denominators]
    return pd.DataFrame({"count": counts, "denominator": denominators})


def _check_nested(out: pd.DataFrame) -> None:
    assert (out["lower_ci_95"] <= out["value"] + TOLERANCE).all()
    assert (out["value"] <= out["upper_ci_95"] + TOLERANCE).all()
    assert (out["lower_ci_998"] <= out["lower_ci_95"] + TOLERANCE).all()
    assert (out["upper_ci_95"] <= out["upper_ci_998"] + TOLERANCE).all()


@settings(max_examples=200, deadline=None)
@given(proportions())
def test_proportion_limits(frame: pd.DataFrame) -> None:
    out = add_proportion_ci(frame, multiplier=1)
    _check_nested(out)
    for column in ("lower_ci_95", "upper_ci_95", "lower_ci_998", "upper_ci_998"):
        assert out[column].between(0, 1).all()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 10**8)), min_size=1, max_size=30))
def test_rate_limits(rows: list[tuple[int, int]]) -> None:
    frame = pd.DataFrame(rows, columns=["count", "denominator"])
    out = add_rate_ci(frame)
    _check_nested(out)
    assert (out["lower_ci_998"] >= 0).all()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5000), st.integers(1, 10**6), st.integers(1, 10_000)),
        min_size=1,
        max_size=19,
    )
)
def test_dsr_limits(strata: list[tuple[int, int, int]]) -> None:
    frame = pd.DataFrame(strata, columns=["count", "population", "standard_population"])
    frame["area"] = "A"
    out = add_dsr_ci(frame, by=["area"])
    calculated = out[out["value"].notna()]
    if len(calculated):
        _check_nested(calculated)
    assert np.all(out["value"].isna() == (out["count"] < 10))
