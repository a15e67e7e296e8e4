"""The plans and placements chapter for two real councils (York, Trafford) against plain pandas
on DfE's raw SEN2 caseload file. Expected values never come from jsna. Skipped when the real
data folder is absent."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from real_councils import COUNCILS as REAL_COUNCILS
from real_councils import REAL, needs_real_data, write_council_config

from jsna.chapters import placements
from jsna.config import load_config

CASELOAD = "send_dfe/ehcp_2025/caseload.csv"
AGES_2022 = "send_dfe/ehcp_2022/sen2_age_caseload.csv"


pytestmark = needs_real_data(CASELOAD, AGES_2022)

#: council code -> its neighbours as configured here (some of DfE's statistical neighbours)
COUNCILS = {
    "E06000014": ["E06000022", "E06000024", "E08000009"],
    "E08000009": ["E06000014", "E06000022", "E10000015"],
}


@cache
def chapter(code: str, tmp: str) -> placements.Chapter:
    council = next(c for c in REAL_COUNCILS.values() if c.code == code)
    path = write_council_config(Path(tmp) / code, council, chapters=["placements"],
                                neighbours=COUNCILS[code],
                                comparators={"ehcp_caseload": REAL / CASELOAD,
                                             "ehcp_age_caseload": REAL / AGES_2022})
    return placements.build(load_config(path))


@cache
def raw() -> pd.DataFrame:
    assert REAL is not None
    frame = pd.read_csv(REAL / CASELOAD, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return frame


@pytest.fixture(scope="module")
def tmp(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("placements_real"))


def _row(built: placements.Chapter, indicator: str, code: str, breakdown: str,
         period: str = "2024/25") -> pd.Series:
    rows = built.indicators
    hit = rows[(rows["indicator_id"] == indicator) & (rows["area_code"] == code)
               & (rows["breakdown"] == breakdown) & (rows["period"] == period)]
    assert len(hit) == 1
    return hit.iloc[0]


@pytest.mark.parametrize("code", sorted(COUNCILS))
def test_setting_shares_equal_pandas_on_the_raw_caseload(code: str, tmp: str) -> None:
    built = chapter(code, tmp)
    frame = raw()
    plans = frame[(frame["breakdown_topic"] == "All EHC plans")
                  & (frame["time_period"] == "202425")]
    mine = plans[plans["new_la_code"] == code].iloc[0]
    england = plans[plans["geographic_level"] == "National"].iloc[0]
    for row, area in ((mine, code), (england, "E92000001")):
        total = float(row["ehcplans"])
        independent = float(row["special_independent"]) + float(row["special_non_maintained"])
        got = _row(built, "placements_setting_percent", area,
                   "Independent or non-maintained special school")
        assert got["value"] == pytest.approx(100 * independent / total)
        got = _row(built, "placements_setting_percent", area, "Mainstream school")
        assert got["value"] == pytest.approx(100 * float(row["mainstream_total"]) / total)
        # DfE's own percentage, rounded to one place, agrees
        assert round(got["value"], 1) == pytest.approx(float(row["mainstream_total_pc"]), abs=0.051)


@pytest.mark.parametrize("code", sorted(COUNCILS))
def test_age_band_shares_equal_pandas_on_the_raw_caseload(code: str, tmp: str) -> None:
    built = chapter(code, tmp)
    frame = raw()
    ages = frame[(frame["breakdown_topic"] == "Child or young persons age")
                 & (frame["time_period"] == "202425") & (frame["new_la_code"] == code)]
    plans = ages.set_index("breakdown")["ehcplans"].astype(float)
    over_15 = plans[[f"age {a}" for a in range(16, 20)]].sum()
    got = _row(built, "placements_plans_by_age_percent", code, "16 to 19")
    assert got["value"] == pytest.approx(100 * over_15 / plans.sum())
    # the older age file gives the series back to January 2019 (DfE's Total_ehc)
    older = pd.read_csv(REAL / AGES_2022, dtype=str, keep_default_na=False)
    older = older[(older["new_la_code"] == code) & (older["time_period"] == "2022")]
    bands = older.set_index("characteristic_age")["Total_ehc"]
    got = _row(built, "placements_plans_by_age_percent", code, "Under 5", "2021/22")
    every_band = sum(float(bands[b]) for b in ("Under 5", "Age 5 to 10", "Age 11 to 15",
                                                  "Age 16 to 19", "Age 20 to 25"))
    assert got["value"] == pytest.approx(100 * float(bands["Under 5"]) / every_band)
