"""High needs funding per head for England and the region on real files, checked by plain pandas.

ONS's mid-2020 estimates carry pre-2023 codes. With both tiers (counties and unitaries, and the
districts, as ONS's own all-geographies file has them: here the two demographr files joined
in a temporary file), Cumberland, Westmorland and Furness, North Yorkshire and Somerset are
formed from their predecessors by code and England and every region have a figure. The
independent reference: ESFA's own England and region rows of the DSG sheet (which the toolkit
does not read) over the residents aged 2 to 18 of every district of the region (ONS's
district file, each district's region from ONS's code history table, no jsna code).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from real_councils import COUNCILS, needs_real_data, real_path, write_council_config

from jsna.chapters import resources
from jsna.config import load_config

DSG = "finance/dedicated-schools-grant_2024_07_20.ods"
TRIBUNALS = "send_dfe/ehcp_2025/supporting-files/SEND Tribunals and appeal rate 2014-2024.csv"
UTLA = "population/ons_mye_mid2020_utla20_single_year_of_age.csv"
LTLA = "population/ons_mye_mid2020_ltla21_single_year_of_age.csv"
CODES = "lookups/la_all_codes.csv"
pytestmark = needs_real_data(DSG, TRIBUNALS, UTLA, LTLA, CODES)
AGES = [str(age) for age in range(2, 19)]
#: ESFA's high needs sheet lists no row for these (their England total is the others' sum)
NOT_LISTED = {"E09000001": 201, "E06000053": 420}


def _both_tiers(path: Path) -> Path:
    """The county/unitary file plus the districts it lacks, in one file (as ONS publishes)."""
    upper = pd.read_csv(real_path(UTLA), dtype=str)
    lower = pd.read_csv(real_path(LTLA), dtype=str)
    upper = upper.rename(columns={"utla20_code": "area_code", "utla20_name": "area_name"})
    lower = lower.rename(columns={"ltla21_code": "area_code", "ltla21_name": "area_name"})
    both = pd.concat([upper, lower[~lower["area_code"].isin(upper["area_code"])]])
    both.to_csv(path, index=False)
    return path


def _chapter(key: str, folder: Path, population: Path):
    config = write_council_config(
        folder, COUNCILS[key], chapters=["resources"], inputs={"population": population},
        comparators={"high_needs_dsg": real_path(DSG), "send_tribunals": real_path(TRIBUNALS)})
    return resources.build(load_config(config))


@pytest.fixture(scope="module")
def esfa() -> pd.DataFrame:
    """ESFA's high needs sheet as published (column K: total before deductions)."""
    return pd.read_excel(real_path(DSG), sheet_name="High_needs_block", header=None,
                         engine="odf", dtype=object)


def _esfa_total(sheet: pd.DataFrame, label: str) -> float:
    return float(sheet.loc[sheet[0].astype(str).str.strip().str.upper() == label.upper(),
                           10].iloc[0])


def _residents(region: str | None) -> float:
    """Residents aged 2 to 18 of England's districts (of one region), councils ESFA lists."""
    lower = pd.read_csv(real_path(LTLA))
    history = pd.read_csv(real_path(CODES), dtype=str)
    region_of = dict(zip(history["LADCD"], history["RGNCD"], strict=False))
    english = lower[lower["ltla21_code"].str.startswith("E")
                    & ~lower["ltla21_code"].isin(NOT_LISTED)]
    if region is not None:
        english = english[english["ltla21_code"].map(region_of) == region]
    return float(english[AGES].to_numpy().sum())


def _row(chapter, code: str) -> pd.Series:
    rows = chapter.indicators
    return rows[(rows["indicator_id"] == "high_needs_block_per_head_2_18")
                & (rows["area_code"] == code)].iloc[0]


@pytest.mark.parametrize("key", ["york", "trafford"])
def test_england_and_region_per_head_equal_plain_pandas(key, esfa, tmp_path):
    council = COUNCILS[key]
    chapter = _chapter(key, tmp_path / key, _both_tiers(tmp_path / "mid2020_both_tiers.csv"))
    listed = set(pd.to_numeric(esfa[0], errors="coerce").dropna().astype(int))
    assert not listed & set(NOT_LISTED.values())
    for code, label in (("E92000001", "England"), (council.region_code, council.region_name)):
        money, people = _esfa_total(esfa, label), _residents(
            None if code == "E92000001" else code)
        mine = _row(chapter, code)
        assert mine["note"] == ""
        assert math.isclose(mine["count"], money, abs_tol=0.5)
        assert mine["denominator"] == people
        assert math.isclose(mine["value"], money / people, rel_tol=1e-9)
        table = chapter.tables["high_needs"].frame
        shown = table.loc[table["Area"] == label, "£ per resident aged 2 to 18"].iloc[0]
        assert math.isclose(float(shown), money / people, rel_tol=1e-9)


def test_north_west_from_the_county_file_alone_is_refused_with_its_reason(tmp_path):
    # the county file has Cumbria (E10000006), split in 2023: no figure for Cumberland, so
    # none for the North West or England, and the table says why
    chapter = _chapter("trafford", tmp_path / "t", real_path(UTLA))
    assert _row(chapter, "E12000002")["note"] == "[x]"
    notes = " ".join(chapter.tables["high_needs"].notes)
    assert "Cumbria (E10000006), which was split in 2023" in notes
    assert "North West is the sum of its councils and lacks Cumberland (E06000063)" in notes
    # York's region has North Yorkshire's county row (its old code): a figure
    york = _chapter("york", tmp_path / "y", real_path(UTLA))
    assert _row(york, "E12000003")["note"] == ""
