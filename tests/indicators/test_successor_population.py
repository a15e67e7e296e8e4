"""Councils formed in 2023 summed from their predecessors' residents by code, on a hand-worked file.

Cumberland = Allerdale + Carlisle + Copeland; Westmorland and Furness = Barrow-in-Furness + Eden +
South Lakeland; North Yorkshire = the county (old code) or its seven districts; Somerset = the
county or its four districts. Only when every predecessor is in the file; otherwise the council,
its region and England have no figure, and the reason names what the file has and lacks.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.chapters import resources_trends as trends
from jsna.indicators.resources import high_needs_per_head, population_2_to_18
from jsna.sources.la_codes import la_table

NORTH_WEST = "E12000002"
CUMBERLAND, WESTMORLAND = "E06000063", "E06000064"
ALLERDALE, BARROW, CARLISLE, COPELAND, EDEN, SOUTH_LAKELAND = (
    "E07000026", "E07000027", "E07000028", "E07000029", "E07000030", "E07000031")


def _population(path: Path, rows: dict[str, float], year: int = 2020) -> Path:
    """A wide ONS-style file: ``rows[code]`` residents at each age 2..18, 1,000 at other ages."""
    ages = [str(a) for a in range(90)] + ["90+"]
    lines = ["area_code,area_name,period," + ",".join(ages)]
    for code, inside in rows.items():
        cells = [inside if 2 <= int(a.rstrip("+")) <= 18 else 1000 for a in ages]
        lines.append(f"{code},x,{year}," + ",".join(f"{c:g}" for c in cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _read(path: Path) -> pd.Series:
    from jsna.sources.ons import read_population

    people, _ = population_2_to_18(read_population(path), 2023)
    return people


def test_cumberland_is_its_three_districts_and_north_yorkshire_its_county(tmp_path):
    # 17 ages x (10 + 20 + 30) = 1,020 residents aged 2 to 18 in Cumberland;
    # North Yorkshire's county row (old code E10000023) is North Yorkshire: 17 x 50 = 850
    people = _read(_population(tmp_path / "p.csv", {
        ALLERDALE: 10, CARLISLE: 20, COPELAND: 30, BARROW: 1, EDEN: 2, SOUTH_LAKELAND: 3,
        "E10000023": 50}))
    assert people[CUMBERLAND] == 1020
    assert people[WESTMORLAND] == 17 * 6
    assert people["E06000065"] == 850
    assert people.attrs["reasons"] == {}


def test_somerset_from_its_four_districts_and_not_twice_when_the_county_is_there(tmp_path):
    districts = {"E07000187": 1, "E07000188": 2, "E07000246": 3, "E07000189": 4}
    people = _read(_population(tmp_path / "p.csv", districts))
    assert people["E06000066"] == 17 * 10
    # a file with both tiers (as ONS publishes): the county's own row, never county + districts
    people = _read(_population(tmp_path / "q.csv", {**districts, "E10000027": 10}))
    assert people["E06000066"] == 17 * 10


def test_a_successor_with_a_predecessor_missing_has_no_figure_and_a_reason(tmp_path):
    people = _read(_population(tmp_path / "p.csv", {
        ALLERDALE: 10, CARLISLE: 20, BARROW: 1, EDEN: 2, SOUTH_LAKELAND: 3}))
    assert CUMBERLAND not in people.index  # never Allerdale + Carlisle alone
    reason = people.attrs["reasons"][CUMBERLAND]
    assert "Allerdale (E07000026)" in reason and "Carlisle (E07000028)" in reason
    assert "not Copeland (E07000029)" in reason
    assert people[WESTMORLAND] == 17 * 6


def test_the_old_cumbria_county_cannot_be_divided(tmp_path):
    people = _read(_population(tmp_path / "p.csv", {"E10000006": 100}))
    assert CUMBERLAND not in people.index and WESTMORLAND not in people.index
    assert "Cumbria (E10000006), which was split in 2023" in people.attrs["reasons"][CUMBERLAND]


def _north_west_and_the_rest(tmp_path: Path, districts: dict[str, float]
                             ) -> tuple[pd.DataFrame, dict[str, float]]:
    """Every current council but the two Cumbrian ones with 1 resident at each age 2..18 and
    £2,000; Cumberland £3,000 and Westmorland and Furness £4,000, residents from ``districts``."""
    table = la_table()
    current = table.loc[table["current"], "gss_code"].tolist()
    amounts = dict.fromkeys(current, 2_000.0)
    amounts.update({CUMBERLAND: 3_000.0, WESTMORLAND: 4_000.0})
    people = {c: 1.0 for c in current if c not in (CUMBERLAND, WESTMORLAND)}
    path = _population(tmp_path / "pop.csv", {**people, **districts})
    dsg = pd.DataFrame({
        "area_code": ["E92000001", *amounts], "area_name": "x",
        "area_type": ["England"] + ["Local authority"] * len(amounts), "period": "2023-24",
        "high_needs_block": [sum(amounts.values()), *amounts.values()], "note": ""})
    rows = high_needs_per_head(dsg, path).set_index("area_code")
    north_west = (table["current"] & (table["region_code"] == NORTH_WEST)).sum()
    return rows, {"north_west": float(north_west), "councils": float(len(current))}


def test_region_and_england_per_head_with_cumbria_from_its_districts(tmp_path):
    rows, n = _north_west_and_the_rest(tmp_path, {
        ALLERDALE: 1, CARLISLE: 1, COPELAND: 1, BARROW: 1, EDEN: 2, SOUTH_LAKELAND: 3})
    # by hand: the North West's other councils have 17 residents and £2,000 each; Cumberland
    # 3 x 17 = 51 residents and £3,000; Westmorland and Furness 6 x 17 = 102 and £4,000
    others = n["north_west"] - 2
    money = others * 2_000 + 3_000 + 4_000
    residents = others * 17 + 51 + 102
    assert rows.loc[CUMBERLAND, "denominator"] == 51
    assert rows.loc[CUMBERLAND, "value"] == 3_000 / 51
    assert rows.loc[NORTH_WEST, "count"] == money
    assert rows.loc[NORTH_WEST, "denominator"] == residents
    assert math.isclose(rows.loc[NORTH_WEST, "value"], money / residents, rel_tol=1e-12)
    everyone = (n["councils"] - 2) * 17 + 51 + 102
    assert rows.loc["E92000001", "denominator"] == everyone
    assert rows.loc["E92000001", "note"] == ""


def test_region_and_england_refused_when_a_district_is_missing(tmp_path):
    rows, _ = _north_west_and_the_rest(tmp_path, {
        ALLERDALE: 1, CARLISLE: 1, BARROW: 1, EDEN: 2, SOUTH_LAKELAND: 3})  # no Copeland
    assert np.isnan(rows.loc[CUMBERLAND, "value"]) and rows.loc[CUMBERLAND, "note"] == "[x]"
    assert np.isnan(rows.loc[NORTH_WEST, "value"]) and rows.loc[NORTH_WEST, "note"] == "[x]"
    assert np.isnan(rows.loc["E92000001", "value"])
    reasons = rows.attrs["reasons"]
    assert "not Copeland (E07000029)" in reasons[CUMBERLAND]
    assert "Cumberland (E06000063)" in reasons[NORTH_WEST]
    assert "Cumberland (E06000063)" in reasons["E92000001"]
    # the other regions are whole
    assert rows.loc["E12000001", "note"] == ""


def test_england_covers_the_councils_the_allocation_lists(tmp_path):
    # ESFA's high needs table has no City of London or Isles of Scilly row, and its England
    # total is the sum of the councils it lists: England and London count those councils only
    table = la_table()
    current = table.loc[table["current"], "gss_code"].tolist()
    listed = [c for c in current if c not in ("E09000001", "E06000053")]
    path = _population(tmp_path / "pop.csv", dict.fromkeys(current, 1.0))
    dsg = pd.DataFrame({
        "area_code": ["E92000001", *listed], "area_name": "x",
        "area_type": ["England"] + ["Local authority"] * len(listed), "period": "2023-24",
        "high_needs_block": [1_000.0 * len(listed)] + [1_000.0] * len(listed), "note": ""})
    rows = high_needs_per_head(dsg, path).set_index("area_code")
    assert rows.loc["E92000001", "denominator"] == 17 * len(listed)
    assert rows.loc["E92000001", "value"] == 1_000 / 17
    assert rows.loc["E12000007", "value"] == 1_000 / 17  # London without the City
    assert rows.attrs["left_out"] == ["Isles of Scilly (E06000053)", "City of London (E09000001)"]
    # a council missing while England's total is more than the councils listed: refused
    dsg.loc[0, "high_needs_block"] += 5_000
    rows = high_needs_per_head(dsg, path).set_index("area_code")
    assert np.isnan(rows.loc["E92000001", "value"]) and np.isnan(rows.loc["E12000007", "value"])


def test_a_county_that_became_a_unitary_keeps_its_earlier_years():
    # North Yorkshire was published under E10000023 for the same area: no break in 2023
    assert trends.formed_note("E06000065", "North Yorkshire", ["2021-22", "2023-24"]) == ([], "")
