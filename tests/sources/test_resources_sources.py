"""Readers of the DSG high needs block (ESFA) and the SEND Tribunal appeal table (MoJ/DfE).

Tested on the real published files in ``../shared/data/real`` (skipped when absent), each figure
checked against a plain pandas/csv read of the raw file written here, and on small bad files.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pandas as pd
import pytest

from jsna.errors import JsnaInputError
from jsna.sources.dsg import read_high_needs_block
from jsna.sources.tribunals import read_appeal_rates

REPO = Path(__file__).resolve().parents[2]


def _real() -> Path | None:
    for candidate in (os.environ.get("JSNA_REAL_DATA", ""), REPO.parent / "shared/data/real",
                      REPO.parent.parent / "shared/data/real"):
        if candidate and (Path(candidate) / "finance").is_dir():
            return Path(candidate).resolve()
    return None


REAL = _real()
needs_real = pytest.mark.skipif(REAL is None, reason="real data folder is absent")
DSG = "finance/dedicated-schools-grant_2024_07_20.ods"
TRIBUNAL_CSV = "send_dfe/ehcp_2025/supporting-files/SEND Tribunals and appeal rate 2014-2024.csv"
TRIBUNAL_ODS = "tribunals/send_appeal_rate_table_2022.ods"


@pytest.fixture(scope="module")
def dsg() -> pd.DataFrame:
    if REAL is None:
        pytest.skip("real data folder is absent")
    return read_high_needs_block(REAL / DSG)


@pytest.fixture(scope="module")
def raw_high_needs() -> pd.DataFrame:
    """The sheet as plain pandas reads it (no jsna code)."""
    if REAL is None:
        pytest.skip("real data folder is absent")
    return pd.read_excel(REAL / DSG, sheet_name="High_needs_block", header=None, engine="odf")


@needs_real
@pytest.mark.parametrize(("la_number", "code"), [(816, "E06000014"), (839, "E06000058"),
                                                  (884, "E06000019")])
def test_dsg_council_allocation_equals_the_raw_cell(dsg, raw_high_needs, la_number, code):
    # column K (index 10) is "Total high needs block before deductions (£s)"
    assert "before deductions" in str(raw_high_needs.iat[0, 10])
    raw = raw_high_needs[raw_high_needs[0].astype(str) == str(la_number)]
    row = dsg[dsg["area_code"] == code]
    assert len(row) == 1 and len(raw) == 1
    assert row["high_needs_block"].iloc[0] == float(raw[10].iloc[0])
    assert row["period"].iloc[0] == "2023-24"
    assert row["note"].iloc[0] == ""


@needs_real
def test_dsg_england_and_every_council_by_code(dsg, raw_high_needs):
    england = dsg[dsg["area_type"] == "England"]
    assert england["area_code"].tolist() == ["E92000001"]
    assert england["high_needs_block"].iloc[0] == 9_952_172_126
    councils = dsg[dsg["area_type"] == "Local authority"]
    raw_councils = raw_high_needs[raw_high_needs[0].astype(str).str.fullmatch(r"\d{3}")]
    assert len(councils) == len(raw_councils) == 151
    assert councils["area_code"].str.fullmatch(r"E0[689]\d{6}|E10\d{6}").all()
    assert councils["area_code"].is_unique
    # the councils add up to England as published
    assert councils["high_needs_block"].sum() == england["high_needs_block"].iloc[0]


@needs_real
def test_tribunal_csv_matches_the_raw_rows():
    rates = read_appeal_rates(REAL / TRIBUNAL_CSV)
    with open(REAL / TRIBUNAL_CSV, encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    years = lines[3]
    york = next(line for line in lines if line[:2] == ["York", "816"])
    for year in ("2014", "2022", "2024"):
        at = years.index(year)
        mine = rates[(rates["area_code"] == "E06000014") & (rates["period"] == year)].iloc[0]
        assert mine["appeals"] == float(york[at].replace(",", ""))
        assert mine["decisions"] == float(york[at + 1].replace(",", ""))
    # SOURCES.md: York 2022 is 4 / 1,288 in both tables
    york_2022 = rates[(rates["area_code"] == "E06000014") & (rates["period"] == "2022")].iloc[0]
    assert (york_2022["appeals"], york_2022["decisions"]) == (4, 1288)
    england = rates[(rates["area_code"] == "E92000001") & (rates["period"] == "2024")]
    assert england[["appeals", "decisions"]].values.tolist() == [[22276.0, 689739.0]]


@needs_real
def test_tribunal_symbols_are_notes_and_dashes_zero():
    rates = read_appeal_rates(REAL / TRIBUNAL_CSV)
    # BCP did not exist before 2019: ' .. ' is kept as [x], never a zero
    bcp = rates[(rates["area_code"] == "E06000058") & (rates["period"] == "2018")].iloc[0]
    assert pd.isna(bcp["appeals"]) and bcp["note"] == "[x]"
    # Darlington 2014: ' - ' is a published zero
    darlington = rates[(rates["area_code"] == "E06000005") & (rates["period"] == "2014")].iloc[0]
    assert darlington["appeals"] == 0 and darlington["decisions"] == 450
    assert darlington["note"] == ""
    # predecessors without an LA number (Bournemouth, Poole) are not read as councils
    assert rates["area_code"].ne("").all()
    assert not rates["area_name"].str.contains(r"\d").any()


@needs_real
def test_tribunal_workbook_without_codes_is_refused_in_one_line():
    with pytest.raises(JsnaInputError) as error:
        read_appeal_rates(REAL / TRIBUNAL_ODS)
    message = str(error.value)
    assert "\n" not in message
    assert "send_appeal_rate_table_2022.ods" in message and "SEND_2" in message
    assert "LA code" in message


def _dsg_workbook(path: Path, cell: object, number: object = 816) -> Path:
    rows = [["Dedicated schools grant: 2023 to 2024 high needs block allocations", None,
             "Total high needs block before deductions (£s)"],
            [None, None, "[A]"], ["ENGLAND", None, 100], [number, "York", cell]]
    with pd.ExcelWriter(path, engine="odf") as writer:
        pd.DataFrame([["x"]]).to_excel(writer, sheet_name="Information", header=False,
                                       index=False)
        pd.DataFrame(rows).to_excel(writer, sheet_name="High_needs_block", header=False,
                                    index=False)
    return path


def test_dsg_symbol_is_a_note_never_zero(tmp_path):
    frame = read_high_needs_block(_dsg_workbook(tmp_path / "dsg.ods", "x"))
    york = frame[frame["area_code"] == "E06000014"].iloc[0]
    assert pd.isna(york["high_needs_block"]) and york["note"] == "[x]"


def test_dsg_unreadable_cell_names_sheet_row_and_column(tmp_path):
    with pytest.raises(JsnaInputError, match=r"dsg\.ods: sheet High_needs_block, row 4, "
                                             r"column C .*found 'lots'"):
        read_high_needs_block(_dsg_workbook(tmp_path / "dsg.ods", "lots"))


def test_dsg_unknown_la_number_is_named(tmp_path):
    with pytest.raises(JsnaInputError, match=r"row 4, column A: LA number 999"):
        read_high_needs_block(_dsg_workbook(tmp_path / "dsg.ods", 5, number=999))


def test_tribunal_csv_unreadable_cell_names_row_and_column(tmp_path):
    path = tmp_path / "appeals.csv"
    path.write_text("Title\n\nLocal Authority,LA code,2024,,\n,,Appeals registered4,"
                    "Total Appealable Decisions1,SEND Tribunal Appeal Rate2\nNORTH EAST,,,,\n"
                    "York,816,many,100,1%\n\"England Total4,9\",,10,100,10%\n", encoding="utf-8")
    with pytest.raises(JsnaInputError, match=r"appeals\.csv, row 6, column 3 \(2024 appeals\)"
                                             r".*found 'many'"):
        read_appeal_rates(path)


@needs_real
def test_jsna_sources_checks_both_files_with_the_chapter_readers(tmp_path):
    from jsna.config import load_config
    from jsna.input_checks import describe_sources

    path = tmp_path / "jsna.toml"
    path.write_text(f"""
[area]
code = "E06000014"
name = "York"
region_code = "E12000003"
region_name = "Yorkshire and The Humber"
[jsna]
year = 2025
[inputs]
population = "{REAL / 'population/ons_mye_mid2020_utla20_single_year_of_age.csv'}"
[inputs.comparators]
high_needs_dsg = "{REAL / DSG}"
send_tribunals = "{REAL / TRIBUNAL_CSV}"
[chapters]
run = ["resources"]
""", encoding="utf-8")
    table = describe_sources(load_config(path)).set_index("key")
    dsg = table.loc["comparators.high_needs_dsg"]
    assert (dsg["status"], dsg["periods"], dsg["area_found"]) == ("ok", "2023-24 .. 2023-24",
                                                                   "yes")
    tribunals = table.loc["comparators.send_tribunals"]
    assert (tribunals["status"], tribunals["periods"]) == ("ok", "2014 .. 2024")
    # the MoJ workbook, which names councils only, is reported as a problem in one line
    path.write_text(path.read_text(encoding="utf-8").replace(
        str(REAL / TRIBUNAL_CSV), str(REAL / TRIBUNAL_ODS)), encoding="utf-8")
    table = describe_sources(load_config(path)).set_index("key")
    row = table.loc["comparators.send_tribunals"]
    assert row["status"] == "problem" and "LA code" in row["detail"]
