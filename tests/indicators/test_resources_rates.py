"""High needs funding per head and the SEND Tribunal appeal rate, on hand-worked examples."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.indicators.resources import (
    APPEAL_RATE,
    HIGH_NEEDS_PER_HEAD,
    appeal_rates,
    high_needs_per_head,
    region_sums,
)
from jsna.sources.la_codes import la_table

NORTH_EAST = "E12000001"


def _population(path: Path, rows: dict[str, tuple[float, float]], year: int = 2023) -> Path:
    """A wide ONS-style file: each area has ``inside`` people at each age 2..18 and
    ``outside`` at every other age."""
    ages = [str(a) for a in range(90)] + ["90+"]
    lines = ["area_code,area_name,period," + ",".join(ages)]
    for code, (inside, outside) in rows.items():
        cells = [inside if 2 <= int(a.rstrip("+")) <= 18 else outside for a in ages]
        lines.append(f"{code},x,{year}," + ",".join(f"{c:g}" for c in cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _dsg(amounts: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame({
        "area_code": list(amounts), "area_name": list(amounts),
        "area_type": ["England" if c == "E92000001" else "Local authority" for c in amounts],
        "period": "2023-24", "high_needs_block": list(amounts.values()), "note": ""})


def test_per_head_counts_ages_2_to_18_only(tmp_path):
    # York: £1,700,000 and 100 residents at each of the 17 ages 2..18 (1,000 at other ages):
    # 1,700,000 / 1,700 = £1,000 per head
    population = _population(tmp_path / "pop.csv", {"E06000014": (100, 1000)})
    rows = high_needs_per_head(_dsg({"E92000001": 9e9, "E06000014": 1_700_000}), population)
    york = rows[rows["area_code"] == "E06000014"].iloc[0]
    assert york["indicator_id"] == HIGH_NEEDS_PER_HEAD
    assert york["denominator"] == 1700
    assert york["value"] == 1000
    assert york["note"] == ""
    assert rows.attrs["mid_year"] == 2023
    # England has no population row and the file lacks councils: not available, never a guess
    england = rows[rows["area_code"] == "E92000001"].iloc[0]
    assert math.isnan(england["value"]) and england["note"] == "[x]"


def test_per_head_england_and_region_sum_their_councils_when_all_are_there(tmp_path):
    councils = la_table()
    councils = councils[councils["current"]]
    amounts = dict.fromkeys(councils["gss_code"], 2_000.0)
    people = dict.fromkeys(councils["gss_code"], (1.0, 0.0))  # 17 residents aged 2..18 each
    population = _population(tmp_path / "pop.csv", people)
    total = 2_000.0 * len(amounts)
    rows = high_needs_per_head(_dsg({"E92000001": total, **amounts}), population)
    england = rows[rows["area_code"] == "E92000001"].iloc[0]
    assert england["denominator"] == 17 * len(amounts)
    assert england["value"] == total / (17 * len(amounts))
    north_east = rows[rows["area_code"] == NORTH_EAST].iloc[0]
    members = (councils["region_code"] == NORTH_EAST).sum()
    assert north_east["count"] == 2_000 * members
    assert north_east["value"] == 2_000 / 17


def test_region_needs_every_council():
    rows = pd.DataFrame({"area_code": ["E06000001"], "period": "2024", "n": [3.0]})
    region = region_sums(rows, ["n"])
    assert region["area_code"].tolist() == [NORTH_EAST]
    assert np.isnan(region["n"].iloc[0]) and region["note"].iloc[0] == "[x]"


def test_appeal_rate_rows_and_wilson_limits_per_1000():
    from jsna.stats import add_proportion_ci

    tribunals = pd.DataFrame({
        "area_code": ["E92000001", "E06000014"], "area_name": ["England", "York"],
        "area_type": ["England", "Local authority"], "period": ["2024", "2024"],
        "appeals": [22276.0, 33.0], "decisions": [689739.0, 1687.0], "note": ["", ""]})
    rows = appeal_rates(tribunals)
    york = rows[rows["area_code"] == "E06000014"]
    assert york[["indicator_id", "count", "denominator"]].values.tolist() == [
        [APPEAL_RATE, 33.0, 1687.0]]
    with_ci = add_proportion_ci(york, multiplier=1000).iloc[0]
    # by hand: 33 / 1687 * 1000 and the Wilson score interval with z = 1.959964
    n, p, z = 1687, 33 / 1687, 1.959963984540054
    centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert with_ci["value"] == np.float64(33 / 1687 * 1000)
    assert math.isclose(with_ci["lower_ci_95"], (centre - half) / (1 + z * z / n) * 1000,
                        rel_tol=1e-9)
    assert math.isclose(with_ci["upper_ci_95"], (centre + half) / (1 + z * z / n) * 1000,
                        rel_tol=1e-9)
    assert math.isclose(with_ci["value"], 19.5614, abs_tol=5e-5)  # DfE: 2.0%


def test_region_before_a_merger_needs_the_predecessors():
    # the South West in 2018: BCP did not exist, Bournemouth and Poole did; without their rows
    # the region is not available (never a partial sum); in 2019 BCP's own row counts
    table = la_table()
    south_west = table[table["current"] & (table["region_code"] == "E12000009")]["gss_code"]
    rows = pd.DataFrame({"area_code": list(south_west) * 2,
                         "period": ["2018"] * len(south_west) + ["2019"] * len(south_west),
                         "n": 1.0})
    sums = region_sums(rows, ["n"]).set_index("period")
    assert np.isnan(sums.loc["2018", "n"]) and sums.loc["2018", "note"] == "[x]"
    assert sums.loc["2019", "n"] == len(south_west)
    # 2018 as it was: Bournemouth, Poole and the old Dorset county, not BCP and Dorset (2019)
    then = rows[(rows["period"] == "2018")
                & ~rows["area_code"].isin(["E06000058", "E06000059"])]
    then = pd.concat([then, pd.DataFrame({"area_code": ["E06000028", "E06000029", "E10000009"],
                                          "period": "2018", "n": 1.0})])
    sums = region_sums(then, ["n"]).set_index("period")
    assert sums.loc["2018", "n"] == len(south_west) - 2 + 3
    assert sums.loc["2018", "note"] == ""
