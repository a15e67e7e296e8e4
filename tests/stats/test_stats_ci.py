"""Confidence intervals against published Fingertips limits and hand-worked examples."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jsna.errors import JsnaInputError
from jsna.stats import (
    add_dsr_ci,
    add_proportion_ci,
    add_rate_ci,
    byar_limits,
    dobson_limits,
    exact_poisson_limits,
    poisson_limits,
    wilson_limits,
)

REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "real" / "fingertips"
# Fingertips exports print limits to 6 decimal places; allow the rounding plus float noise.
PUBLISHED_ROUNDING = 6e-7


def _cyp_exports() -> pd.DataFrame:
    files = sorted(REAL.glob("indicators-CountyUA_cyp_mental_health_*.csv"))
    if not files:
        pytest.skip("real Fingertips exports not available")
    return pd.concat([pd.read_csv(path) for path in files], ignore_index=True)


@pytest.mark.real_data
@pytest.mark.parametrize("indicator", [91871, 92315])
def test_wilson_reproduces_published_fingertips_limits(indicator: int) -> None:
    # 91871: % school pupils with SEMH needs (2018); 92315: % children with cause for concern.
    rows = _cyp_exports()
    rows = rows[(rows["IndicatorID"] == indicator) & rows["Lower_CI_95.0_limit"].notna()]
    assert len(rows) > 50
    out = add_proportion_ci(
        rows.rename(columns={"Count": "count", "Denominator": "denominator"}), multiplier=100
    )
    np.testing.assert_allclose(out["value"], rows["Value"], atol=PUBLISHED_ROUNDING)
    np.testing.assert_allclose(
        out["lower_ci_95"], rows["Lower_CI_95.0_limit"], atol=PUBLISHED_ROUNDING
    )
    np.testing.assert_allclose(
        out["upper_ci_95"], rows["Upper_CI_95.0_limit"], atol=PUBLISHED_ROUNDING
    )
    assert set(out["ci_method"]) == {"Wilson score"}


@pytest.mark.real_data
def test_crude_rate_limits_reproduce_published_campylobacter_export() -> None:
    # Fingertips indicator 93356 (campylobacter per 100,000): the all-ages crude rates carry
    # exact chi-squared limits (Byar's would differ by about 1e-5 relative, so rtol 1e-6 tells
    # them apart). The 0-9 year rows are standardised differently and are not used.
    path = REAL / "indicators-CountyUA_campylobacter_2015_format_example_selected_areas.csv"
    if not path.exists():
        pytest.skip("real Fingertips exports not available")
    rows = pd.read_csv(path)
    rows = rows[rows["Lower CI 95.0 limit"].notna() & (rows["Age"] == "All ages")]
    assert len(rows) > 20
    lower, upper = exact_poisson_limits(rows["Count"], 0.95)
    per_100k = 100_000 / rows["Denominator"].to_numpy()
    np.testing.assert_allclose(lower * per_100k, rows["Lower CI 95.0 limit"], rtol=1e-6)
    np.testing.assert_allclose(upper * per_100k, rows["Upper CI 95.0 limit"], rtol=1e-6)
    byar_lower, _ = byar_limits(rows["Count"], 0.95)
    assert not np.allclose(byar_lower * per_100k, rows["Lower CI 95.0 limit"], rtol=1e-6)


@pytest.mark.real_data
def test_dobson_with_byar_reproduces_published_dsr_limits() -> None:
    # Self-harm admissions (90813, 92796) are DSRs with 95% and 99.8% Dobson limits. The
    # age-specific data are not published, but Dobson's limits share one factor
    # sqrt(var(DSR) / O): recover it from the published lower 95% limit, then every other
    # published limit must follow from Byar's limits of the total count O.
    rows = _cyp_exports()
    rows = rows[
        rows["IndicatorID"].isin([90813, 92796])
        & rows["Lower_CI_99.8_limit"].notna()
        & (rows["Count"] >= 10)
    ]
    assert len(rows) > 100
    count = rows["Count"].to_numpy()
    dsr = rows["Value"].to_numpy()
    byar_lower_95, _ = byar_limits(count, 0.95)
    factor = (dsr - rows["Lower_CI_95.0_limit"].to_numpy()) / (count - byar_lower_95)
    variance = factor**2 * count
    lower_95, upper_95 = dobson_limits(dsr, variance, count, 0.95)
    lower_998, upper_998 = dobson_limits(dsr, variance, count, 0.998)
    np.testing.assert_allclose(lower_95, rows["Lower_CI_95.0_limit"], rtol=1e-9)
    np.testing.assert_allclose(upper_95, rows["Upper_CI_95.0_limit"], rtol=1e-6)
    np.testing.assert_allclose(lower_998, rows["Lower_CI_99.8_limit"], rtol=1e-6)
    np.testing.assert_allclose(upper_998, rows["Upper_CI_99.8_limit"], rtol=1e-6)


def test_byar_hand_worked_count_of_100() -> None:
    # z = 1.959964; lower = 100 (1 - 1/900 - 1.959964/30)^3 = 100 x 0.9335568^3 = 81.36211
    # upper = 101 (1 - 1/909 + 1.959964/(3 sqrt 101))^3 = 101 x 1.0639078^3 = 121.62794
    lower, upper = byar_limits([100], 0.95)
    assert lower[0] == pytest.approx(81.36211, abs=1e-5)
    assert upper[0] == pytest.approx(121.62794, abs=1e-5)


def test_exact_poisson_closed_forms() -> None:
    # chi-squared with 2 df has P(X <= x) = 1 - exp(-x/2), so for O = 0 the upper limit is
    # chi2(0.975; 2)/2 = -ln(0.025) = 3.688879 and for O = 1 the lower limit is
    # chi2(0.025; 2)/2 = -ln(0.975) = 0.025318. The lower limit of 0 is 0.
    lower, upper = exact_poisson_limits([0, 1], 0.95)
    assert lower[0] == 0.0
    assert upper[0] == pytest.approx(3.688879, abs=1e-6)
    assert lower[1] == pytest.approx(0.025318, abs=1e-6)


def test_poisson_limits_switch_to_byar_at_ten() -> None:
    _, _, method = poisson_limits([0, 9, 10, 250], 0.95)
    assert list(method) == [
        "Exact Poisson (chi-squared)",
        "Exact Poisson (chi-squared)",
        "Byar",
        "Byar",
    ]


def test_wilson_hand_worked_small_cases() -> None:
    # O = 0, n = 10, 95%: lower 0, upper z^2/(n + z^2) = 3.841459/13.841459 = 0.277533.
    lower, upper = wilson_limits([0], [10], 0.95)
    assert lower[0] == 0.0
    assert upper[0] == pytest.approx(0.277533, abs=1e-6)
    # O = 2, n = 50, 99.8% (z = 3.090232, z^2 = 9.549536):
    # centre 2O + z^2 = 13.549536; spread z sqrt(z^2 + 4 x 2 x 0.96) = 12.827083;
    # scale 2 (50 + 9.549536) = 119.099071 -> (0.006066, 0.221468).
    lower, upper = wilson_limits([2], [50], 0.998)
    assert lower[0] == pytest.approx(0.006066, abs=1e-6)
    assert upper[0] == pytest.approx(0.221468, abs=1e-6)
    # O = n: upper limit is exactly 1.
    assert wilson_limits([7], [7])[1][0] == 1.0


def _dsr_of_two_bands(count: list[int], population: list[int], weight: list[float]) -> pd.Series:
    """The DSR row of one area with two age bands (events, people, standard-population weight)."""
    strata = pd.DataFrame(
        {
            "area_code": ["A", "A"],
            "count": count,
            "population": population,
            "standard_population": weight,
        }
    )
    return add_dsr_ci(strata, by=["area_code"]).iloc[0]


def test_dsr_hand_worked_two_age_bands() -> None:
    # Band 1: 10 events / 1,000 people, weight 0.6; band 2: 20 / 4,000, weight 0.4.
    # DSR = (0.6 x 0.01 + 0.4 x 0.005) / 1.0 x 100,000 = 800.
    # var = (0.6^2 x 10 / 1000^2 + 0.4^2 x 20 / 4000^2) x 100,000^2 = 3.8e-6 x 1e10 = 38,000.
    # O = 30; Byar 95% limits of 30: 20.236939 and 42.828372; sqrt(38,000 / 30) = 35.590261.
    # lower = 800 + 35.590261 x (20.236939 - 30) = 452.5301
    # upper = 800 + 35.590261 x (42.828372 - 30) = 1256.5651
    row = _dsr_of_two_bands(count=[10, 20], population=[1000, 4000], weight=[0.6, 0.4])
    assert row["count"] == 30
    assert row["denominator"] == 5000
    assert row["value"] == pytest.approx(800.0)
    assert row["lower_ci_95"] == pytest.approx(452.5301, abs=1e-4)
    assert row["upper_ci_95"] == pytest.approx(1256.5651, abs=1e-4)
    assert row["ci_method"] == "Dobson (Byar)"


def test_dsr_not_calculated_below_ten_events() -> None:
    row = _dsr_of_two_bands(count=[4, 5], population=[1000, 900], weight=[1, 1])
    assert np.isnan(row["value"])
    assert "fewer than 10" in row["note"]


def test_rate_ci_uses_exact_below_ten_and_scales_per_100000() -> None:
    frame = pd.DataFrame({"count": [3, 149], "denominator": [1000, 206856]})
    out = add_rate_ci(frame)
    # 3 events: exact limits chi2(0.025; 6)/2 = 0.618672 and chi2(0.975; 8)/2 = 8.767273,
    # per 1,000 people x 100,000 = 61.8672 and 876.7273.
    assert out.loc[0, "lower_ci_95"] == pytest.approx(61.8672, abs=1e-4)
    assert out.loc[0, "upper_ci_95"] == pytest.approx(876.7273, abs=1e-4)
    assert out.loc[1, "ci_method"] == "Byar"
    assert out.loc[1, "value"] == pytest.approx(149 / 206856 * 100_000)


def test_unusable_rows_get_missing_values_and_a_note_without_raising() -> None:
    frame = pd.DataFrame(
        {
            "count": [5, 5, None, 3],
            "denominator": [0, None, 40, 20],
            "note": [None, None, "[x]", None],
        }
    )
    out = add_proportion_ci(frame)
    assert out["value"].isna().tolist() == [True, True, True, False]
    assert out.loc[0, "note"].startswith("not calculated: denominator")
    assert out.loc[1, "note"].startswith("not calculated: denominator")
    assert out.loc[2, "note"] == "[x]"  # a published symbol is kept
    assert pd.isna(out.loc[3, "note"])


def test_count_above_denominator_is_an_input_error_naming_the_row() -> None:
    frame = pd.DataFrame({"count": [1, 9], "denominator": [5, 8]}, index=["W1", "W2"])
    with pytest.raises(JsnaInputError, match=r"row 'W2'.*'count'.*exceeds"):
        add_proportion_ci(frame)


def test_negative_or_text_counts_are_input_errors() -> None:
    with pytest.raises(JsnaInputError, match="negative"):
        add_rate_ci(pd.DataFrame({"count": [-1], "denominator": [10]}))
    with pytest.raises(JsnaInputError, match="not a number"):
        add_rate_ci(pd.DataFrame({"count": ["seven"], "denominator": [10]}))
    with pytest.raises(JsnaInputError, match="missing"):
        add_rate_ci(pd.DataFrame({"events": [1], "denominator": [10]}))
