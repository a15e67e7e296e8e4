"""The outcomes chapter for two real councils (York, Trafford), figure by figure against plain
pandas on DfE's raw files. Expected values never come from jsna. Skipped when the real data
folder is absent."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from real_councils import COUNCILS as REAL_COUNCILS
from real_councils import REAL, needs_real_data, write_council_config

from jsna.chapters import outcomes
from jsna.config import load_config

KS4 = "attainment/201819_LA_characteristics_data_including_sen_description.xlsx"
EYFS = "eyfs/1_eyfsp_headline_measures_2022.csv"
LAIT = "send_dfe/lait/lait_bds_long_send_outcomes_absence_all_las.csv"


pytestmark = needs_real_data(KS4, EYFS, LAIT)

#: council code -> its neighbours as configured here (some of DfE's statistical neighbours)
COUNCILS = {
    "E06000014": ["E06000022", "E06000024", "E08000009"],
    "E08000009": ["E06000014", "E06000022", "E10000015"],
}


@cache
def chapter(code: str, tmp: str) -> outcomes.Chapter:
    council = next(c for c in REAL_COUNCILS.values() if c.code == code)
    path = write_council_config(Path(tmp) / code, council, chapters=["outcomes"],
                                neighbours=COUNCILS[code], inputs={"lait": REAL / LAIT},
                                comparators={"ks4_by_sen": REAL / KS4, "eyfs_by_sen": REAL / EYFS})
    return outcomes.build(load_config(path))


@cache
def raw_ks4() -> pd.DataFrame:
    assert REAL is not None
    raw = pd.read_excel(REAL / KS4, sheet_name=0)
    return raw[(raw["breakdown"] == "SEN status") & (raw["gender"] == "Total")
               & (raw["sen_description"] == "Total")]


@pytest.fixture(scope="module")
def tmp(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("outcomes_real"))


def _indicator(built: outcomes.Chapter, indicator: str, code: str, breakdown: str) -> pd.Series:
    rows = built.indicators
    row = rows[(rows["indicator_id"] == indicator) & (rows["area_code"] == code)
               & (rows["breakdown"] == breakdown)]
    assert len(row) == 1
    return row.iloc[0]


@pytest.mark.parametrize("code", sorted(COUNCILS))
def test_ks4_figures_equal_pandas_on_the_raw_workbook(code: str, tmp: str) -> None:
    built = chapter(code, tmp)
    raw = raw_ks4()
    mine = raw[raw["new_la_code"] == code].set_index("sen_status")
    england = raw[raw["geographic_level"] == "National"].set_index("sen_status")
    # SEN support: 9-4 share from the published count and cohort
    expected = 100 * mine.loc["SEN Supp", "t_l2basics_94"] / mine.loc["SEN Supp", "t_pupils"]
    got = _indicator(built, "ks4_basics_94_percent", code, "SEN support")
    assert got["value"] == pytest.approx(expected)
    # Attainment 8 as published, and the gap in points
    got = _indicator(built, "ks4_attainment8_mean", code, "EHC plan")
    assert got["value"] == pytest.approx(mine.loc["SEN State EHC", "avg_att8"])
    gap = _indicator(built, "ks4_attainment8_gap", code, "No SEN minus EHC plan")
    assert gap["value"] == pytest.approx(
        mine.loc["No SEN", "avg_att8"] - mine.loc["SEN State EHC", "avg_att8"])
    # England's 9-4 gap between no SEN and SEN support
    gap = _indicator(built, "ks4_basics_94_gap_points", "E92000001", "No SEN minus SEN support")
    assert gap["value"] == pytest.approx(100 * (
        england.loc["No SEN", "t_l2basics_94"] / england.loc["No SEN", "t_pupils"]
        - england.loc["SEN Supp", "t_l2basics_94"] / england.loc["SEN Supp", "t_pupils"]))
    # Attainment 8 is never given an interval or a tested comparison
    a8 = built.indicators[built.indicators["indicator_id"] == "ks4_attainment8_mean"]
    assert a8["lower_ci_95"].isna().all()
    assert set(a8["compared_to_england"]) <= {"Not compared", ""}


@pytest.mark.parametrize("code", sorted(COUNCILS))
def test_eyfs_figures_equal_pandas_on_the_raw_csv(code: str, tmp: str) -> None:
    assert REAL is not None
    raw = pd.read_csv(REAL / EYFS, dtype=str, keep_default_na=False)
    raw = raw[(raw["new_la_code"] == code) & (raw["geographic_level"] == "Local authority")
              & (raw["characteristic"] == "SEN provision") & (raw["gender"] == "Total")]
    row = raw.set_index("characteristic_type").loc["SEN support"]
    got = _indicator(chapter(code, tmp), "eyfs_gld_percent", code, "SEN support")
    assert got["value"] == pytest.approx(
        100 * float(row["gld_number"]) / float(row["children_number"]))


def test_york_ehc_plan_9_4_count_of_4_is_suppressed_with_its_gap(tmp: str) -> None:
    """York: 4 of 47 pupils with an EHC plan achieved 9-4 (DfE); below the threshold of 5 the
    count, its percentage and the gap that would give it back are hidden."""
    built = chapter("E06000014", tmp)
    row = _indicator(built, "ks4_basics_94_percent", "E06000014", "EHC plan")
    assert row["note"] == "[c]" and pd.isna(row["count"]) and pd.isna(row["value"])
    gap = _indicator(built, "ks4_basics_94_gap_points", "E06000014", "No SEN minus EHC plan")
    assert gap["note"] == "[c]" and pd.isna(gap["value"])
    table = built.tables["ks4_basics"].frame
    shown = table[(table["Area"] == "York") & (table["SEN status"] == "EHC plan")]
    assert shown["Achieving 9-4"].tolist() == ["[c]"]


@cache
def raw_lait() -> pd.DataFrame:
    """LAIT's long file as published: text values, '-' for no data, LA numbers as floats."""
    assert REAL is not None
    raw = pd.read_csv(REAL / LAIT, dtype=str, keep_default_na=False)
    raw["number"] = raw["LA Number"].astype(float).astype(int)
    return raw


def _published(code: str, number: int, year: str) -> float:
    """One LAIT value by Short Desc, DfE LA number and the year as LAIT writes it."""
    raw = raw_lait()
    hit = raw[(raw["Short Desc"] == code) & (raw["number"] == number) & (raw["Years"] == year)]
    assert len(hit) == 1
    return float(hit["Values"].iloc[0])


#: council code -> DfE LA number and its neighbours' numbers (as configured in COUNCILS)
LA_NUMBERS = {"E06000014": (816, [800, 802, 358]), "E08000009": (358, [816, 800, 919])}


@pytest.mark.parametrize("code", sorted(COUNCILS))
def test_lait_figures_equal_pandas_on_the_raw_long_file(code: str, tmp: str) -> None:
    """KS2 by SEN (LAIT year "2025" = 2024/25), special school absence and suspensions
    (LAIT year "2023/24"), the KS2 gap, England's figure and the neighbours' average."""
    built = chapter(code, tmp)
    number, neighbours = LA_NUMBERS[code]
    got = _indicator_in(built, "ks2_rwm_expected_percent", code, "SEN support", "2024/25")
    assert got["value"] == pytest.approx(_published("NEW_KS2_RWM_Sen_W/Osta", number, "2025"))
    gap = _indicator_in(built, "ks2_rwm_gap_points", code, "No SEN minus EHC plan", "2024/25")
    assert gap["value"] == pytest.approx(_published("NoID_SEN_NEW_KS2_RWM", number, "2025")
                                         - _published("NEW_KS2_RWM_Sen_Withsta", number, "2025"))
    got = _indicator_in(built, "absence_persistent_percent", code, "Special schools", "2024/25")
    assert got["value"] == pytest.approx(_published("SpecPerAbNew", number, "2025"))
    got = _indicator_in(built, "suspension_rate_per_100", code, "Special schools", "2023/24")
    assert got["value"] == pytest.approx(_published("SpecFixedEx", number, "2023/24"))
    england = _indicator_in(built, "suspension_rate_per_100", "E92000001", "Special schools",
                            "2023/24")
    assert england["value"] == pytest.approx(_published("SpecFixedEx", 970, "2023/24"))
    # the table's neighbours' average: plain mean of the neighbours' published values
    table = built.tables["absence"].frame
    row = table[(table["Measure"] == "Persistently absent (%)")
                & (table["Pupils"] == "Special schools")
                & table["Area"].str.startswith("Statistical neighbours")]
    expected = sum(_published("SpecPerAbNew", n, "2025") for n in neighbours) / len(neighbours)
    assert row["Value"].iloc[0] == f"{expected:.1f}"  # shown to one decimal place
    # no interval, so never "significantly" anything: compared by size only
    lait_rows = built.indicators[built.indicators["indicator_id"].str.startswith(
        ("ks2_", "absence_", "suspension", "suspended", "permanent"))]
    assert lait_rows["lower_ci_95"].isna().all()
    assert set(lait_rows["compared_to_england"]) <= {"Not compared", ""}


def test_lait_no_data_stays_not_available(tmp: str) -> None:
    """KS2 was not published for 2019/20 (LAIT '-'): York's row has no value and note [x]."""
    assert raw_lait().query("`Short Desc` == 'NEW_KS2_RWM_Sen_W/Osta' and number == 816 "
                            "and Years == '2020'")["Values"].tolist() == ["-"]
    row = _indicator_in(chapter("E06000014", tmp), "ks2_rwm_expected_percent", "E06000014",
                        "SEN support", "2019/20")
    assert pd.isna(row["value"]) and row["note"] == "[x]"


def _indicator_in(built: outcomes.Chapter, indicator: str, code: str, breakdown: str,
                  period: str) -> pd.Series:
    rows = built.indicators
    row = rows[(rows["indicator_id"] == indicator) & (rows["area_code"] == code)
               & (rows["breakdown"] == breakdown) & (rows["period"] == period)]
    assert len(row) == 1
    return row.iloc[0]
