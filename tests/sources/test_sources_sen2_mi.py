"""Reader of DfE's SEN2 management-information time series (``sen2_mi.csv``, old release layout).

On the real file in the real data folder (skipped when absent), every figure checked against a
plain csv read of the raw file written here; and on small hand-made files for the symbols, the
old codes and the one-line errors.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from jsna.errors import JsnaInputError
from jsna.sources.sen2_mi import read_sen2_management_information

SEN2_MI = "send_dfe/ehcp_2022/sen2_mi.csv"
HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
          "region_name,old_la_code,new_la_code,la_name,NewEHCMediation,NewEHCTribunal,"
          "NewEHCTribunal_pc\n")


def _raw(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_real_row_equals_the_raw_file(real):
    path = real / SEN2_MI
    rows = read_sen2_management_information(path)
    raw = _raw(path)
    assert len(rows) == len(raw) == 1294
    for got, line in zip(rows.itertuples(), raw, strict=True):
        assert got.period == line["time_period"]
        assert got.mediations == float(line["NewEHCMediation"])
        assert got.appeals_after_mediation == float(line["NewEHCTribunal"])
    # England 2021: 5,097 mediation cases held, 1,302 followed by an appeal (DfE: 25.5444%)
    england = rows[(rows["area_code"] == "E92000001") & (rows["period"] == "2021")].iloc[0]
    assert (england["mediations"], england["appeals_after_mediation"]) == (5097, 1302)
    assert round(1302 / 5097 * 100, 4) == 25.5444


def test_real_old_codes_map_by_code_and_predecessors_keep_theirs(real):
    rows = read_sen2_management_information(real / SEN2_MI)
    york = rows[rows["la_number"] == "816"]
    assert set(york["area_code"]) == {"E06000014"} and len(york) == 8
    # North Yorkshire is published as E10000023 and read as its current code
    assert set(rows.loc[rows["la_number"] == "815", "area_code"]) == {"E06000065"}
    # BCP exists from 2019; Bournemouth, Poole and Dorset county keep their own codes before it
    bcp = rows[rows["area_code"] == "E06000058"]
    assert sorted(bcp["period"]) == ["2019", "2020", "2021"]
    bournemouth = rows[rows["area_code"] == "E06000028"]
    assert sorted(bournemouth["period"]) == [str(y) for y in range(2014, 2019)]
    assert set(rows.loc[rows["la_number"] == "835", "area_code"]) == {"E10000009"}


def test_symbols_are_missing_with_their_note_never_zero(write_csv):
    path = write_csv("sen2_mi.csv", HEADER + (
        "2021,Calendar year,National,E92000001,England,,,,,,10,2,20\n"
        "2021,Calendar year,Local authority,E92000001,England,E12000003,Y,816,E06000014,York,"
        "x,x,x\n"
        "2021,Calendar year,Local authority,E92000001,England,E12000003,Y,811,E06000011,"
        "East Riding,c,1,z\n"
        "2021,Calendar year,Local authority,E92000001,England,E12000003,Y,810,E06000010,Hull,"
        "0,0,z\n"), bom=True)
    rows = read_sen2_management_information(path).set_index("la_number")
    assert np.isnan(rows.loc["816", "mediations"]) and rows.loc["816", "mediations_note"] == "[x]"
    assert rows.loc["811", "mediations_note"] == "[c]"
    assert rows.loc["811", "appeals_after_mediation"] == 1.0
    assert rows.loc["810", "mediations"] == 0.0 and rows.loc["810", "mediations_note"] == ""


def test_a_blank_new_code_is_taken_from_the_la_number(write_csv):
    path = write_csv("sen2_mi.csv", HEADER + (
        "2016,Calendar year,Local authority,E92000001,England,E12000009,SW,837,,Bournemouth,"
        "1,0,0\n"))
    rows = read_sen2_management_information(path)
    assert rows["area_code"].tolist() == ["E06000028"]


def test_an_la_number_and_code_of_different_councils_is_refused(write_csv):
    path = write_csv("sen2_mi.csv", HEADER + (
        "2016,Calendar year,Local authority,E92000001,England,E12000009,SW,837,E06000029,"
        "Bournemouth,1,0,0\n"))
    with pytest.raises(JsnaInputError) as error:
        read_sen2_management_information(path)
    message = str(error.value)
    assert "row 2" in message and "'new_la_code'" in message and "'837'" in message
    assert "\n" not in message


def test_an_unknown_la_number_is_refused_naming_the_row(write_csv):
    path = write_csv("sen2_mi.csv", HEADER + (
        "2016,Calendar year,Local authority,E92000001,England,E12000009,SW,999,E06000099,"
        "Nowhere,1,0,0\n"))
    with pytest.raises(JsnaInputError, match=r"row 2, column 'old_la_code': '999'"):
        read_sen2_management_information(path)


def test_a_bad_cell_names_the_row_and_column(write_csv):
    path = write_csv("sen2_mi.csv", HEADER + (
        "2016,Calendar year,Local authority,E92000001,England,E12000003,Y,816,E06000014,York,"
        "three,0,0\n"))
    with pytest.raises(JsnaInputError, match=r"row 2, column 'NewEHCMediation'"):
        read_sen2_management_information(path)


def test_a_file_without_the_mediation_columns_is_refused(write_csv):
    path = write_csv("sen2_mi.csv", HEADER.replace("NewEHCTribunal,", "Other,") +
                     "2016,Calendar year,National,E92000001,England,,,,,,1,0,0\n")
    with pytest.raises(JsnaInputError, match="NewEHCTribunal"):
        read_sen2_management_information(path)


def test_a_period_that_is_not_a_calendar_year_is_refused(write_csv):
    path = write_csv("sen2_mi.csv", HEADER + (
        "202122,Academic year,National,E92000001,England,,,,,,1,0,0\n"))
    with pytest.raises(JsnaInputError, match=r"row 2, column 'time_period'"):
        read_sen2_management_information(path)


def test_jsna_sources_checks_the_key_with_the_chapter_reader(tmp_path, real, write_csv):
    from jsna.config import load_config
    from jsna.input_checks import describe_sources

    path = tmp_path / "jsna.toml"
    toml = f"""
[area]
code = "E06000014"
name = "York"
region_code = "E12000003"
region_name = "Yorkshire and The Humber"
[jsna]
year = 2025
[inputs.comparators]
sen2_management_information = "{real / SEN2_MI}"
"""
    path.write_text(toml, encoding="utf-8")
    config = load_config(path, check_files=False, check_chapters=False)
    row = describe_sources(config).set_index("key").loc["comparators.sen2_management_information"]
    assert (row["status"], row["periods"], row["area_found"]) == ("ok", "2014 .. 2021", "yes")
    bad = write_csv("bad.csv", HEADER + (
        "2016,Calendar year,Local authority,E92000001,England,E12000009,SW,999,E06000099,"
        "Nowhere,1,0,0\n"))
    path.write_text(toml.replace(str(real / SEN2_MI), str(bad)), encoding="utf-8")
    config = load_config(path, check_files=False, check_chapters=False)
    row = describe_sources(config).set_index("key").loc["comparators.sen2_management_information"]
    assert row["status"] == "problem" and "column 'old_la_code': '999'" in row["detail"]
