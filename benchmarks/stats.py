"""Benchmark: confidence intervals and benchmark comparisons on 100,000 area x indicator rows.

Run with ``python benchmarks/stats.py``. Prints the time taken and its ratio to the 1-second
target. The table mimics the long indicator table: 250 indicators x 400 areas (England, one region,
the council, its 10 statistical neighbours, 140 other councils and 247 wards), one period.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from jsna.stats import Benchmarks, add_comparisons, add_proportion_ci

TARGET_SECONDS = 1.0
INDICATORS = 250
COUNCIL = "Z06000001"
NEIGHBOURS = [f"Z0600{n:04d}" for n in range(2, 12)]


def build_table(seed: int = 20250101) -> pd.DataFrame:
    """100,000 rows of synthetic counts and denominators in the long indicator layout."""
    rng = np.random.default_rng(seed)
    others = [f"Z0600{n:04d}" for n in range(12, 152)]
    wards = [f"Z05{n:06d}" for n in range(247)]
    areas = pd.DataFrame(
        {
            "area_code": ["Z92000001", "Z12000001", COUNCIL, *NEIGHBOURS, *others, *wards],
            "area_type": ["England", "Region"]
            + ["Local authority"] * (1 + 10 + 140)
            + ["Ward"] * 247,
        }
    )
    table = areas.merge(
        pd.DataFrame({"indicator_id": [f"ind{i:03d}" for i in range(INDICATORS)]}), how="cross"
    )
    size = np.where(
        table["area_type"] == "England",
        8_000_000,
        np.where(
            table["area_type"] == "Region",
            900_000,
            np.where(table["area_type"] == "Ward", 1_500, 40_000),
        ),
    )
    denominator = rng.poisson(size)
    rate = rng.uniform(0.01, 0.2, len(table))
    table["denominator"] = denominator
    table["count"] = rng.binomial(denominator, rate)
    table["period"] = "2024/25"
    table["breakdown"] = "All"
    return table


def run() -> float:
    """Time CIs and comparisons on the benchmark table; returns seconds."""
    table = build_table()
    polarity = {
        indicator: ("High is good", "Low is good", "Not applicable")[i % 3]
        for i, indicator in enumerate(sorted(table["indicator_id"].unique()))
    }
    benchmarks = Benchmarks(council_code=COUNCIL, region_code="Z12000001", neighbours=NEIGHBOURS)
    start = time.perf_counter()
    with_ci = add_proportion_ci(table)
    compared = add_comparisons(with_ci, benchmarks, polarity)
    elapsed = time.perf_counter() - start
    assert len(compared) == 100_000, len(compared)
    return elapsed


if __name__ == "__main__":
    seconds = run()
    print(
        f"stats benchmark: 100,000 rows of CIs + comparisons in {seconds:.3f} s "
        f"(ratio to the {TARGET_SECONDS:g} s target: {seconds / TARGET_SECONDS:.2f})"
    )
