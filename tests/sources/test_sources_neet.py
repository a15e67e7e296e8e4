"""The NEET and participation by SEND reader (:mod:`jsna.sources.neet`), on every real file and
on small files written here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from real_councils import COUNCILS, REAL_OR_DEFAULT, write_council_config

from jsna.errors import JsnaInputError
from jsna.sources.neet import read_neet_send

REAL_FILES = sorted((REAL_OR_DEFAULT / "neet").glob("*/*.csv"))
needs_real = pytest.mark.skipif(not REAL_FILES, reason="real data folder is absent")

HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
          "region_name,old_la_code,new_la_code,la_name,Age,Cohort_DJFavg,NEET_not_known_percent,"
          "NEET_percent,Notknown_percent,cohort_noSEN_percent,NEET_NK_noSEN_percent,"
          "cohort_EHCP_percent,NEET_NK_EHCP_percent,cohort_SENDsupport_percent,"
          "NEET_NK_SENDsupport_percent\n")
ENGLAND = "2025,Calendar year,National,E92000001,England,,,,,,16-17,1000,5,3,2,85,4,5,10,10,9\n"
REGION = ("2025,Calendar year,Regional,E92000001,England,E12000003,Yorkshire and The Humber,,,,"
          "16-17,100,4,2,2,85,4,5,9,10,8\n")
COUNCIL = ("2025,Calendar year,Local authority,E92000001,England,E12000003,Yorkshire and The "
           "Humber,815,E10000023,North Yorkshire,16-17,50,4,2,2,85,4,5,c,z,low\n")


@needs_real
@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.parent.name)
def test_every_real_file_reads(path):
    rows = read_neet_send(path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert len(rows) == len(raw)  # nothing dropped
    assert (rows["area_type"] == "England").sum() == 1
    assert (rows["area_type"] == "Region").sum() == 9
    assert rows["area_code"].str.fullmatch(r"E\d{8}").all()
    # every published symbol is a note with no value, never a zero (as many as published)
    for measure, heading in (("neet_nk_sen_support_percent", "NEET_NK_SENDsupport_percent"),
                             ("cohort_sen_support_percent", "cohort_SENDsupport_percent")):
        for symbol in ("c", "z", "x", "low"):
            noted = rows[f"{measure}_note"] == f"[{symbol}]"
            assert noted.sum() == (raw[heading] == symbol).sum()
            assert rows.loc[noted, measure].isna().all()
        assert rows[measure].notna().sum() == raw[heading].str.fullmatch(r"[\d.]+").sum()


@needs_real
def test_all_real_years_read_together_with_current_codes():
    rows = read_neet_send(REAL_FILES)
    assert sorted(rows["year"].unique()) == [2022, 2023, 2024, 2025]
    # North Yorkshire is E10000023 in 2022-2023 and E06000065 after: one current code throughout
    north_yorkshire = rows[rows["area_name"] == "North Yorkshire"]
    assert set(north_yorkshire["area_code"]) == {"E06000065"}
    assert len(north_yorkshire) == 4


def test_symbols_are_notes_and_codes_current(write_csv):
    rows = read_neet_send(write_csv("neet.csv", HEADER + ENGLAND + REGION + COUNCIL))
    council = rows[rows["area_type"] == "Local authority"].iloc[0]
    assert council["area_code"] == "E06000065"
    assert np.isnan(council["neet_nk_ehcp_percent"]) and council["neet_nk_ehcp_percent_note"] == "[c]"
    assert council["cohort_sen_support_percent_note"] == "[z]"
    assert council["neet_nk_sen_support_percent_note"] == "[low]"
    assert council["cohort"] == 50 and council["cohort_note"] == ""
    assert rows["area_type"].tolist() == ["England", "Region", "Local authority"]


def test_headings_matched_loosely(write_csv):
    header = HEADER.replace("Cohort_DJFavg", "cohort djfavg").replace("NEET_percent", "neet_PERCENT")
    rows = read_neet_send(write_csv("neet.csv", header + ENGLAND))
    assert rows["cohort"].tolist() == [1000.0]


def test_missing_column_named(write_csv):
    header = HEADER.replace("NEET_NK_EHCP_percent", "something_else")
    with pytest.raises(JsnaInputError, match=r"neet.csv: .*missing column\(s\) neet_nk_ehcp_percent"):
        read_neet_send(write_csv("neet.csv", header + ENGLAND))


def test_unreadable_cell_named_by_row_and_column(write_csv):
    bad = COUNCIL.replace(",c,z,low", ",c,z,n/a")
    with pytest.raises(JsnaInputError, match=r"neet.csv: row 4, column 'NEET_NK_SENDsupport_percent': "
                                             r"value 'n/a' is not a number"):
        read_neet_send(write_csv("neet.csv", HEADER + ENGLAND + REGION + bad))


def test_council_row_without_code_named(write_csv):
    bad = COUNCIL.replace("E10000023", "")
    with pytest.raises(JsnaInputError, match=r"row 4, column 'new_la_code': no area code"):
        read_neet_send(write_csv("neet.csv", HEADER + ENGLAND + REGION + bad))


def test_duplicate_area_named(write_csv):
    with pytest.raises(JsnaInputError, match=r"area E06000065 has more than one row for 2025"):
        read_neet_send(write_csv("neet.csv", HEADER + ENGLAND + COUNCIL + COUNCIL))


def test_unknown_level_named(write_csv):
    bad = COUNCIL.replace("Local authority", "Ward")
    with pytest.raises(JsnaInputError, match=r"row 2, column 'geographic_level': value 'Ward'"):
        read_neet_send(write_csv("neet.csv", HEADER + bad))


def test_files_of_different_years_read_together_and_a_repeated_year_names_both(write_csv):
    year_2024 = (HEADER + ENGLAND + COUNCIL).replace("\n2025,", "\n2024,")
    first = write_csv("neet_2024.csv", year_2024)
    second = write_csv("neet_2025.csv", HEADER + ENGLAND + COUNCIL)
    rows = read_neet_send([first, second])
    assert rows["period"].tolist() == ["2024", "2024", "2025", "2025"]
    again = write_csv("neet_2025_again.csv", HEADER + ENGLAND)
    with pytest.raises(JsnaInputError) as error:
        read_neet_send([first, second, again])
    assert str(error.value) == (f"inputs.comparators.neet_send: {second} and {again} both hold "
                                "2025 (expected one file per year: list each year's file once)")


@needs_real
def test_jsna_sources_checks_each_yearly_file_and_names_a_repeated_year(tmp_path):
    from jsna.config import load_config
    from jsna.input_checks import describe_sources

    files = [*REAL_FILES, REAL_FILES[-1]]  # the 2025 file listed twice, under another name
    copy = tmp_path / "UD_NEETNK_LA_dashboard_2025_copy.csv"
    copy.write_bytes(REAL_FILES[-1].read_bytes())
    files[-1] = copy
    config = write_council_config(tmp_path, COUNCILS["york"], chapters=["adulthood"], neighbours=(),
                                  comparators={"neet_send": files})
    table = describe_sources(load_config(config)).set_index("key")
    keys = [f"comparators.neet_send[{n}]" for n in range(1, 6)]
    assert table.loc[keys[:4], "status"].tolist() == ["ok"] * 4
    assert table.loc[keys[:4], "periods"].tolist() == ["2022", "2023", "2024", "2025"]
    assert table.loc[keys[:4], "area_found"].tolist() == ["yes"] * 4
    assert table.loc[keys[4], "status"] == "problem"
    assert table.loc[keys[4], "detail"] == (
        f"{REAL_FILES[-1]} and {copy} both hold 2025 (expected one file per year: list each "
        "year's file once)")
