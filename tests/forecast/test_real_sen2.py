"""The back-test on DfE's real SEN2 series: the bar issue 19 states, and an independent check.

Issue 19 measured, on all councils with a full January 2019-2025 run, fitting on Januaries up to
2022 and forecasting January 2025: persistence MAPE about 26%, linear trend about 12%, council x
England's growth about 8.7%. The test asserts those figures to the precision the issue gives them
(half a unit of the last digit), and recomputes the three with the standard library's csv module
from the raw file (councils keyed by DfE LA number), independently of the package's readers.
"""

from __future__ import annotations

import csv
from collections import defaultdict

import numpy as np
import pytest

from jsna.forecast.backtest import backtest_plans

pytestmark = pytest.mark.real_data

#: Councils reorganised between 2019 and 2025 (BCP and Dorset formed April 2019 from
#: Bournemouth, Poole and Dorset county; Northamptonshire split April 2021; Cumbria April 2023).
REORGANISED = {"E06000028", "E06000029", "E10000009", "E06000058", "E06000059",
               "E10000021", "E06000061", "E06000062", "E10000006", "E06000063", "E06000064"}


def _independent(path) -> dict[str, float]:
    """MAPE of the three baselines from the raw CSV with no jsna code."""
    councils: dict[str, dict[int, float]] = defaultdict(dict)
    england: dict[int, float] = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["breakdown"] != "All EHC plans":
                continue
            year = int(row["time_period"][:4]) + 1
            if row["geographic_level"] == "National":
                england[year] = float(row["ehcplans"])
            elif row["geographic_level"] == "Local authority":
                councils[row["old_la_code"]][year] = float(row["ehcplans"])
    years = range(2019, 2026)
    full = {k: v for k, v in councils.items() if all(v.get(y, 0) > 0 for y in years)}
    actual = np.array([v[2025] for v in full.values()])
    last = np.array([v[2022] for v in full.values()])
    fit_years = np.array([2019, 2020, 2021, 2022], dtype=float)
    lines = [np.polyfit(fit_years, [v[y] for y in (2019, 2020, 2021, 2022)], 1)
             for v in full.values()]
    linear = np.array([slope * 2025 + intercept for slope, intercept in lines])
    growth = last * england[2025] / england[2022]
    return {
        "councils": len(full),
        "persistence": float(np.mean(np.abs(last - actual) / actual) * 100),
        "linear": float(np.mean(np.abs(linear - actual) / actual) * 100),
        "england_growth": float(np.mean(np.abs(growth - actual) / actual) * 100),
    }


@pytest.fixture(scope="module")
def sen2(real):
    path = real / "send_dfe" / "ehcp_2025" / "caseload.csv"
    if not path.is_file():
        pytest.skip(f"real SEN2 caseload file {path} is absent")
    return path


@pytest.fixture(scope="module")
def result(sen2):
    return backtest_plans(sen2, first_year=2019, fit_end=2022, target=2025)


def test_baselines_match_the_issues_published_bar(result):
    mape = result.summary.set_index("method")["mape"]
    assert round(mape["persistence"]) == 26
    assert round(mape["linear"]) == 12
    assert round(mape["england_growth"], 1) == 8.7


def test_baselines_match_an_independent_computation_from_the_raw_file(result, sen2):
    summary = result.summary.set_index("method")
    independent = _independent(sen2)
    assert (summary["councils"] == independent["councils"]).all()
    for method in ("persistence", "linear", "england_growth"):
        assert summary.loc[method, "mape"] == pytest.approx(independent[method], rel=1e-9)


def test_reorganised_councils_are_excluded_with_their_reason(result):
    assert set(result.excluded["area_code"]) == REORGANISED
    assert result.excluded["reason"].str.match(r"(formed|abolished) in April 20(19|21|23) ").all()


def test_every_method_has_an_interval_and_a_coverage(result):
    assert result.summary["coverage"].between(0, 100).all()
    assert result.forecasts[["lower", "upper"]].notna().all().all()
    assert (result.forecasts["lower"] <= result.forecasts["upper"]).all()
