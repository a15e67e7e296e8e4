"""The demo's high needs funding per head has a value for every neighbour, its region and England.

The demo's population file covers every demo council (as ONS's file covers every council), so
the statistical neighbours, the region and England are checked here against a plain pandas
reading of the demo's own files: ESFA-layout DSG sheet (column "Total high needs block before
deductions"), the population file (Persons, ages 2 to 18, the mid-year of the allocation's
start) and the caseload file's LA numbers for the codes; no jsna code.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import pandas as pd

from jsna.chapters import resources
from jsna.config import load_config

AGES = [str(age) for age in range(2, 19)]


def _independent(folder: Path, mid_year: int) -> tuple[pd.DataFrame, dict[str, str]]:
    """Pounds, residents aged 2 to 18 and region by council code, from the demo's files."""
    sheet = pd.read_excel(folder / "comparators" / "dedicated-schools-grant.ods",
                          sheet_name="High_needs_block", header=None, engine="odf")
    heading = sheet.iloc[0].astype(str).str.startswith("Total high needs block before")
    column = int(heading.to_numpy().nonzero()[0][0])
    numbers = pd.to_numeric(sheet[0], errors="coerce")
    councils = sheet[numbers.notna()]
    caseload = pd.read_csv(folder / "comparators" / "caseload.csv", encoding="utf-8-sig",
                           dtype=str)
    caseload = caseload[caseload["geographic_level"] == "Local authority"]
    code_of = dict(zip(caseload["old_la_code"].astype(int), caseload["new_la_code"],
                       strict=False))
    region_of = dict(zip(caseload["new_la_code"], caseload["region_code"], strict=False))
    money = pd.Series(councils[column].astype(float).to_numpy(),
                      index=numbers[numbers.notna()].astype(int).map(code_of))
    population = pd.read_csv(folder / "population" / "population_sya.csv", dtype={"period": str})
    persons = population[(population["sex"] == "Persons")
                         & (population["geography"] == "Local authority")
                         & (population["period"] == f"{mid_year}-06-30")]
    people = persons.set_index("area_code")[AGES].sum(axis=1)
    frame = pd.DataFrame({"money": money, "people": people.reindex(money.index)})
    return frame, region_of


def test_neighbours_region_and_england_have_per_head_values(small_council):
    folder = small_council.parent
    config = tomllib.loads(small_council.read_text(encoding="utf-8"))
    chapter = resources.build(load_config(small_council))
    table = chapter.tables["high_needs"].frame
    rows = chapter.indicators
    funding = rows[rows["indicator_id"] == "high_needs_block_per_head_2_18"]
    start = int(str(funding["period"].iloc[0])[:4])
    frame, region_of = _independent(folder, start)
    assert frame.notna().all(axis=None)
    neighbours = config["comparators"]["neighbours"]
    assert neighbours
    for code in neighbours:
        expected = frame.loc[code, "money"] / frame.loc[code, "people"]
        mine = funding[funding["area_code"] == code].iloc[0]
        assert mine["note"] == ""
        assert math.isclose(mine["value"], expected, rel_tol=1e-12)
    shown = pd.to_numeric(table["£ per resident aged 2 to 18"], errors="coerce")
    assert shown.notna().all(), table.loc[shown.isna(), "Area"].tolist()
    region = config["area"]["region_code"]
    members = frame[frame.index.map(region_of) == region]
    for code, part in (("E92000001", frame), (region, members)):
        mine = funding[funding["area_code"] == code].iloc[0]
        assert math.isclose(mine["value"], part["money"].sum() / part["people"].sum(),
                            rel_tol=1e-12)
