"""The early years chapter built for two real councils (York, Trafford) from DfE's published EYFS
and LAIT files, its headline figures against plain pandas on the raw files (expected values never
come from jsna). Skipped when the real data folder is absent."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from real_councils import COUNCILS, needs_real_data, real_path, wilson, write_council_config

from jsna.chapters import early_years
from jsna.config import load_config

EYFS = "eyfs/1_eyfsp_headline_measures_2022.csv"
LAIT = "send_dfe/lait/lait_bds_long_send_outcomes_absence_all_las.csv"

pytestmark = needs_real_data(EYFS, LAIT)

#: council code -> the key of tests/real_councils.py (DfE's ten statistical neighbours each)
CHOSEN = {"E06000014": "york", "E08000009": "trafford"}


@pytest.fixture(scope="module")
def tmp(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("early_years_real"))


@cache
def chapter(code: str, tmp: str) -> early_years.Chapter:
    path = write_council_config(Path(tmp) / code, COUNCILS[CHOSEN[code]],
                                chapters=["early_years"], inputs={"lait": real_path(LAIT)},
                                comparators={"eyfs_by_sen": real_path(EYFS)})
    return early_years.build(load_config(path))


@cache
def la_numbers() -> dict[str, int]:
    """GSS code -> DfE LA number, from the raw EYFS file's own columns."""
    raw = pd.read_csv(real_path(EYFS), dtype=str, keep_default_na=False)
    councils = raw[raw["geographic_level"] == "Local authority"]
    return dict(zip(councils["new_la_code"], councils["old_la_code"].astype(int), strict=False))


@cache
def raw_eyfs() -> pd.DataFrame:
    raw = pd.read_csv(real_path(EYFS), dtype=str, keep_default_na=False)
    return raw[(raw["characteristic"] == "SEN provision") & (raw["gender"] == "Total")]


@cache
def raw_lait() -> pd.DataFrame:
    return pd.read_csv(real_path(LAIT), dtype=str, keep_default_na=False)


def _indicator(built: early_years.Chapter, indicator: str, code: str, breakdown: str,
               period: str | None = None) -> pd.Series:
    rows = built.indicators
    rows = rows[(rows["indicator_id"] == indicator) & (rows["area_code"] == code)
                & (rows["breakdown"] == breakdown)]
    if period is not None:
        rows = rows[rows["period"] == period]
    assert len(rows) == 1
    return rows.iloc[0]


def _gld(rows: pd.DataFrame, group: str) -> float:
    row = rows.set_index("characteristic_type").loc[group]
    return 100 * float(row["gld_number"]) / float(row["children_number"])


@pytest.mark.parametrize("code", sorted(CHOSEN))
def test_gld_and_gap_equal_pandas_on_the_raw_eyfs_file(code: str, tmp: str) -> None:
    built = chapter(code, tmp)
    raw = raw_eyfs()
    mine = raw[(raw["new_la_code"] == code) & (raw["geographic_level"] == "Local authority")]
    england = raw[raw["geographic_level"] == "National"]
    got = _indicator(built, "eyfs_gld_percent", code, "SEN support")
    assert got["value"] == pytest.approx(_gld(mine, "SEN support"))
    support = mine.set_index("characteristic_type").loc["SEN support"]
    lower, upper = wilson(float(support["gld_number"]), float(support["children_number"]))
    assert got["lower_ci_95"] == pytest.approx(lower)
    assert got["upper_ci_95"] == pytest.approx(upper)
    assert _indicator(built, "eyfs_gld_percent", "E92000001", "SEN support")[
        "value"] == pytest.approx(_gld(england, "SEN support"))
    gap = _indicator(built, "eyfs_gld_gap_points", code, "No SEN minus SEN support")
    assert gap["value"] == pytest.approx(_gld(mine, "No identified SEN")
                                         - _gld(mine, "SEN support"))
    # the table shows the council, its region and England, and says on what basis
    table = built.tables["gld_by_sen"]
    council = COUNCILS[CHOSEN[code]]
    assert set(table.frame["Area"]) == {council.name, council.region_name, "England"}
    assert any(note.startswith("Like for like") for note in table.notes)
    assert {t.name for t in built.tables.values()} <= set(built.rules)


def test_trafford_one_child_with_an_ehc_plan_is_hidden_with_its_gap(tmp: str) -> None:
    """Trafford 2021/22: 1 of 71 children with an EHC plan reached GLD (DfE); below the
    threshold the count, its percentage and the gap that would give it back are hidden."""
    built = chapter("E08000009", tmp)
    raw = raw_eyfs()
    row = raw[(raw["new_la_code"] == "E08000009") & (raw["characteristic_type"] == "EHC plan")
              & (raw["geographic_level"] == "Local authority")]
    assert row["gld_number"].iloc[0] == "1"  # the premise, from the raw file
    got = _indicator(built, "eyfs_gld_percent", "E08000009", "EHC plan")
    assert got["note"] == "[c]" and pd.isna(got["value"])
    gap = _indicator(built, "eyfs_gld_gap_points", "E08000009", "No SEN minus EHC plan")
    assert gap["note"] == "[c]" and pd.isna(gap["value"])


@pytest.mark.parametrize("code", sorted(CHOSEN))
def test_lait_series_equal_pandas_on_the_raw_lait_file(code: str, tmp: str) -> None:
    built = chapter(code, tmp)
    raw = raw_lait()
    mine = raw[raw["LA Number"].astype(float).eq(la_numbers()[code]) & raw["Region"].ne("NA")]
    england = raw[raw["LA Number"].astype(float).eq(970)]

    def published(frame: pd.DataFrame, short: str, year: str) -> float:
        hit = frame[(frame["Short Desc"] == short) & (frame["Years"] == year)]
        assert len(hit) == 1
        return float(hit["Values"].iloc[0])

    # LAIT labels the academic year 2024/25 "2025" and the financial year 2023-24 "2024"
    for short, indicator, breakdown in (
            ("FSP_Gooddev_Without_SENSTATE", "eyfs_gld_lait_percent", "SEN support"),
            ("FSP_Gooddev_With_SENSTATE", "eyfs_gld_lait_percent", "EHC plan")):
        assert _indicator(built, indicator, code, breakdown, "2024/25")[
            "value"] == pytest.approx(published(mine, short, "2025"))
    assert _indicator(built, "early_years_asq3_review_percent", code, "All children reviewed",
                      "2023-24")["value"] == pytest.approx(published(mine, "HCP_PHOF", "2024"))
    assert _indicator(built, "early_years_asq3_review_percent", "E92000001",
                      "All children reviewed", "2023-24")["value"] == pytest.approx(
        published(england, "HCP_PHOF", "2024"))
    # LAIT's '-' (2019/20 and 2020/21: the profile was not assessed) is not available, never 0
    gone = _indicator(built, "eyfs_gld_lait_percent", code, "SEN support", "2019/20")
    assert pd.isna(gone["value"]) and gone["note"] == "[x]"
    # the neighbours' average in the trend table, from the raw file
    numbers = [la_numbers()[n] for n in COUNCILS[CHOSEN[code]].neighbours]
    theirs = raw[(raw["Short Desc"] == "FSP_Gooddev_Without_SENSTATE") & (raw["Years"] == "2025")
                 & raw["LA Number"].astype(float).isin(numbers) & raw["Region"].ne("NA")]
    values = pd.to_numeric(theirs["Values"], errors="coerce").dropna()
    trend = built.tables["gld_trend"].frame.set_index(["Children", "Year"])
    assert trend.loc[("SEN support", "2024/25"), "Neighbours' average"] == f"{values.mean():.1f}"


def test_york_hcp_phof_missing_year_stays_missing(tmp: str) -> None:
    """York has no ASQ-3 figure for 2021-22 in LAIT ('-'): shown [x], never zero."""
    built = chapter("E06000014", tmp)
    row = _indicator(built, "early_years_asq3_review_percent", "E06000014",
                     "All children reviewed", "2021-22")
    assert pd.isna(row["value"]) and row["note"] == "[x]"
    assert built.tables["asq3"].frame.set_index("Year").loc["2021-22", "York"] == "[x]"
