"""The children in need / looked after by SEN reader (:mod:`jsna.sources.cin_cla`), on every real
file DfE published and on small files written here."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jsna.errors import JsnaInputError
from jsna.sources.cin_cla import COUNCIL_GROUPS, read_cin_by_sen

_HERE = Path(__file__).resolve()


def _real_files() -> list[Path]:
    """``cin_cla/*.csv`` in ``../shared/data/real`` beside the project or its worktrees."""
    candidates = [os.environ.get("JSNA_REAL_DATA", ""), _HERE.parents[3] / "shared/data/real",
                  _HERE.parents[4] / "shared/data/real"]
    for folder in candidates:
        if folder and (Path(folder) / "cin_cla").is_dir():
            return sorted((Path(folder) / "cin_cla").glob("*.csv"))
    return []


REAL_FILES = _real_files()
needs_real = pytest.mark.skipif(not REAL_FILES, reason="real data folder is absent")

HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
          "region_name,old_la_code,la_name,new_la_code,social_care_group,t_pupils,"
          "t_SEN_support,t_statement_or_EHC_plan,pt_SEN_support,t_ASD\n")


def _line(level: str, group: str, cells: str, *, la: str = ",,,,") -> str:
    return f"202122,Academic year,{level},E92000001,England,{la},{group},{cells}\n"


@needs_real
@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_every_real_file_reads(path):
    rows = read_cin_by_sen(path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert len(rows) == len(raw)  # nothing dropped
    assert rows["group"].notna().all()
    assert rows["area_code"].str.fullmatch(r"E\d{8}").all()
    measures = [c for c in raw.columns if c.startswith(("t_", "pt_"))]
    for measure in measures:
        cells = raw[measure].str.strip().str.lower()
        for symbol in ("c", "x", "z", "low", "u"):
            noted = rows[f"{measure}_note"] == f"[{symbol}]"
            expected = (cells == symbol) | ((cells == "k") if symbol == "low" else False)
            assert noted.sum() == expected.sum(), (measure, symbol)
            assert rows.loc[noted, measure].isna().all()  # a symbol is never a zero
        numbers = pd.to_numeric(raw[measure], errors="coerce")
        np.testing.assert_allclose(rows[measure].to_numpy(), numbers.to_numpy(), equal_nan=True)


@needs_real
def test_council_file_has_every_council_and_group():
    path = next(p for p in REAL_FILES if p.name == "sen_la.csv")
    rows = read_cin_by_sen(path)
    latest = rows[rows["period"] == "2021/22"]
    councils = latest[latest["area_type"] == "Local authority"]
    assert councils["area_code"].nunique() >= 150
    assert set(councils["group"]) == set(COUNCIL_GROUPS)
    assert (latest["area_type"] == "England").sum() == 3


@needs_real
@pytest.mark.parametrize(("code", "name"), [("E09000023", "Lewisham"), ("E06000014", "York")])
def test_two_councils_against_pandas_on_the_raw_file(code, name):
    """Headline figures of two real councils, computed independently with pandas."""
    path = next(p for p in REAL_FILES if p.name == "sen_la.csv")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    mine = raw[(raw["new_la_code"] == code) & (raw["time_period"] == "202122")]
    assert mine["la_name"].iloc[0] == name
    rows = read_cin_by_sen(path)
    got = rows[(rows["area_code"] == code) & (rows["period"] == "2021/22")]
    assert len(got) == len(mine) == 3
    for group, label in (("CLA 12 months at 31 March", "Looked after for 12 months or more"),
                         ("CINO at 31 March", COUNCIL_GROUPS[0])):
        expect = mine[mine["social_care_group"] == group].iloc[0]
        have = got[got["group"] == label].iloc[0]
        for measure in ("t_pupils", "t_SEN_support", "t_statement_or_EHC_plan", "pt_SEN_support"):
            if expect[measure] in {"c", "z", "x", "low", "u"}:
                assert np.isnan(have[measure]) and have[f"{measure}_note"] == f"[{expect[measure]}]"
            else:
                assert have[measure] == float(expect[measure])
        if expect["t_pupils"] not in {"c", "z"} and expect["pt_SEN_support"] not in {"c", "z"}:
            # DfE's percentage agrees with its own counts (rounded to the nearest 10)
            share = float(expect["t_SEN_support"]) / float(expect["t_pupils"]) * 100
            assert abs(share - have["pt_SEN_support"]) < 5


def test_symbols_are_notes_never_zeros(write_csv):
    path = write_csv("sen_la.csv", HEADER
                     + _line("National", "CINO at 31 March", "100,20,30,20,5")
                     + _line("Local authority", "CPPO at 31 March", "c,x,z,low,u",
                             la="E12000003,Yorkshire and The Humber,816,York,E06000014")
                     + _line("National", "CLA 12 months at 31 March", "50,k,10,k,1"))
    rows = read_cin_by_sen(path)
    council = rows[rows["area_code"] == "E06000014"].iloc[0]
    assert council["group"] == "On a child protection plan (not looked after)"
    for measure, note in (("t_pupils", "[c]"), ("t_SEN_support", "[x]"),
                          ("t_statement_or_EHC_plan", "[z]"), ("pt_SEN_support", "[low]"),
                          ("t_ASD", "[u]")):
        assert np.isnan(council[measure]) and council[f"{measure}_note"] == note
    cla = rows[rows["group"] == "Looked after for 12 months or more"].iloc[0]
    assert np.isnan(cla["t_SEN_support"]) and cla["t_SEN_support_note"] == "[low]"
    assert rows.loc[0, "t_pupils"] == 100 and rows.loc[0, "period"] == "2021/22"


def test_missing_column_is_one_line_naming_file_and_column(write_csv):
    path = write_csv("sen_la.csv", HEADER.replace("t_statement_or_EHC_plan", "t_plans")
                     + _line("National", "CINO at 31 March", "100,20,30,20,5"))
    with pytest.raises(JsnaInputError, match=r"sen_la\.csv.*t_statement_or_EHC_plan"):
        read_cin_by_sen(path)


def test_unknown_group_names_row_and_value(write_csv):
    path = write_csv("sen_la.csv", HEADER + _line("National", "CINO at 31 March", "1,1,1,1,1")
                     + _line("National", "Foster care", "1,1,1,1,1"))
    with pytest.raises(JsnaInputError, match=r"row 3, column social_care_group: 'Foster care'"):
        read_cin_by_sen(path)


def test_unreadable_cell_names_the_column(write_csv):
    path = write_csv("sen_la.csv", HEADER + _line("National", "CINO at 31 March", "1,lots,1,1,1"))
    with pytest.raises(JsnaInputError, match=r"t_SEN_support"):
        read_cin_by_sen(path)
