"""The children in need / looked after extract cleaner (:mod:`jsna.clean.care`): every kind of
bad input counted with row numbers, rows reconciled, keys shared with the census."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest

from jsna.clean.care import OUTPUT_FILES, clean_cin_table, write_cin_outputs
from jsna.clean.care_reading import read_cin_extract
from jsna.clean.upn import Pseudonymiser, make_upn
from jsna.errors import JsnaConfigError, JsnaInputError

TODAY = datetime.date(2025, 6, 30)
UPN_A, UPN_B, UPN_C = make_upn("823200101001"), make_upn("823200101002"), make_upn("82320010100A")
BAD_LETTER = ("B" if UPN_A[0] == "A" else "A") + UPN_A[1:]

# row 2 onwards as a spreadsheet numbers them (headings = row 1)
ROWS = [
    # Child ID, UPN, DOB, CIN start, CIN end, CP start, CP end, LA start, LA end, legal status
    ("K0001", UPN_A, "2014-05-01", "2024-01-10", "", "2024-02-01", "", "", "", ""),    # 2 ok
    ("K0001", UPN_A, "2014-05-01", "2024-01-10", "", "2024-02-01", "", "", "", ""),    # 3 repeat
    ("K0002", UPN_B, "01/09/2012", "", "", "", "", "2023-01-05", "", "C2"),            # 4 ok
    ("", "", "2015-01-01", "2024-01-10", "", "", "", "", "", ""),                   # 5 no key
    ("", "", "", "", "", "", "", "", "", ""),                                       # 6 blank
    ("K0003", UPN_C, "2013-03-03", "2024-05-01", "2024-04-01", "", "", "", "", ""),    # 7 end<start
    ("K0004", "", "2012-12-12", "2030-01-01", "", "", "", "", "", ""),                 # 8 future
    ("K0005", "12345", "2016-02-30", "2023-06-01", "", "", "2024-01-01", "", "", ""),  # 9 end w/o start
    ("K0006", BAD_LETTER, "", "not a date", "", "", "", "2022-03-01", "", "ZZ"),       # 10
    ("K0007", UPN_A, "2014-05-01", "2024-09-01", "", "", "", "", "", ""),              # 11 conflict? no
    ("K0008", "", "2011-01-01", "2024-31-12", "", "", "", "", "", ""),                 # 12 impossible
    ("K0009", "", "2010-01-01", "2024-03-01", "", "", "", "", "", ""),                 # 13 no UPN
]
HEADER = ("Child ID,upn,Date of Birth,CIN_Referral_Date,CIN Closure Date,CPP Start Date,"
          "CPP End Date,DECOM,DEC,LS,Forename\n")


def _write(tmp_path, rows=ROWS, header=HEADER):
    path = tmp_path / "cin_extract.csv"
    path.write_text(header + "".join(",".join(r) + ",Name\n" for r in rows), encoding="utf-8")
    return path


def _clean(tmp_path, **kwargs):
    table = read_cin_extract(_write(tmp_path, **kwargs))
    return clean_cin_table(table, salt="s3cret", year=2025, source="cin_extract.csv", today=TODAY)


def _finding(result, name, column=None):
    rows = result.findings[result.findings["finding"] == name]
    if column is not None:
        rows = rows[rows["column"] == column]
    assert len(rows) == 1, (name, result.findings)
    return int(rows["rows"].iloc[0]), rows["example_rows"].iloc[0]


def test_every_kind_of_bad_input_is_counted_with_row_numbers(tmp_path):
    result = _clean(tmp_path)
    assert _finding(result, "duplicate_record") == (1, "3")
    assert _finding(result, "missing_key") == (1, "5")
    assert _finding(result, "blank_row") == (1, "6")
    assert _finding(result, "end_before_start", "CINEnd") == (1, "7")
    assert _finding(result, "date_in_future", "CINStart") == (1, "8")
    assert _finding(result, "end_without_start", "CPPEnd") == (1, "9")
    assert _finding(result, "date_unreadable", "CINStart") == (1, "10")
    assert _finding(result, "date_impossible", "CINStart") == (1, "12")
    assert _finding(result, "legal_status_unknown") == (1, "10")
    assert _finding(result, "dob_invalid") == (1, "9")      # 30 February
    assert _finding(result, "dob_missing") == (1, "10")
    assert _finding(result, "upn_missing") == (1, "13")     # rows 8 and 12 are set aside
    assert _finding(result, "upn_invalid_format") == (1, "9")
    assert _finding(result, "upn_invalid_check_letter") == (1, "10")
    # rows 7, 8 and 12 have no usable spell left; row 9's CIN spell is still good
    assert _finding(result, "no_usable_dates") == (3, "7, 8, 12")


def test_rows_read_equal_kept_plus_set_aside(tmp_path):
    result = _clean(tmp_path)
    steps = result.reconciliation.groupby("step")["rows"].sum()
    assert steps["read"] == 12
    assert steps["set aside"] == 6  # repeat, no key, blank, three without a usable date
    assert steps["kept"] == 6 == len(result.records)
    assert sorted(result.records["source_row"]) == [2, 4, 9, 10, 11, 13]


def test_spells_not_used_are_empty_and_good_ones_kept(tmp_path):
    records = _clean(tmp_path).records.set_index("source_row")
    assert records.loc[2, "cin_start"] == pd.Timestamp("2024-01-10")
    assert pd.isna(records.loc[2, "cin_end"])
    assert records.loc[4, "cla_start"] == pd.Timestamp("2023-01-05")
    assert records.loc[4, "legal_status"] == "C2"
    assert pd.isna(records.loc[9, "cpp_end"]) and pd.isna(records.loc[9, "cpp_start"])
    assert records.loc[10, "legal_status"] == ""  # ZZ is not a legal status
    assert pd.isna(records.loc[10, "cin_start"])
    # age on 31 March 2025: born 1 May 2014 -> 10; born 1 September 2012 -> 12
    assert records.loc[2, "age_at_31_march"] == 10 and records.loc[4, "age_at_31_march"] == 12


def test_keys_are_the_census_pseudonyms_and_nothing_identifying_is_kept(tmp_path):
    records = _clean(tmp_path).records.set_index("source_row")
    census_keys = Pseudonymiser("s3cret").keys([UPN_A, UPN_B])
    assert records.loc[2, "pupil_key"] == census_keys[0]
    assert records.loc[4, "pupil_key"] == census_keys[1]
    assert records.loc[11, "pupil_key"] == census_keys[0]  # another child ID, same UPN
    assert records.loc[11, "child_key"] != records.loc[2, "child_key"]
    text = records.astype(str).to_csv()
    for secret in (UPN_A, UPN_B, "K0001", "2014-05-01", "Name"):
        assert secret not in text


def test_conflicting_upns_of_one_child_are_reported(tmp_path):
    rows = [("K0001", UPN_A, "", "2024-01-10", "", "", "", "", "", ""),
            ("K0001", UPN_B, "", "2024-02-10", "", "", "", "", "", "")]
    result = _clean(tmp_path, rows=rows)
    assert _finding(result, "upn_conflict") == (1, "3")
    assert result.records["pupil_key"].nunique() == 1  # the first UPN links the child


def test_written_outputs_show_row_numbers_never_identifiers(tmp_path):
    result = _clean(tmp_path)
    written = write_cin_outputs(result, tmp_path / "out")
    assert [p.name for p in written] == list(OUTPUT_FILES)
    html = (tmp_path / "out" / "care_validation.html").read_text()
    assert "end_before_start" in html and "<caption>" in html
    for path in written[1:]:
        text = path.read_text()
        for secret in (UPN_A, BAD_LETTER, "K0001", "2014-05-01", "Name"):
            assert secret not in text
    back = pd.read_parquet(written[0])
    assert len(back) == 6


@pytest.mark.parametrize(("header", "message"), [
    ("Name,DOB,CIN start\n", r"cin_extract\.csv: missing required column ChildID or UPN"),
    ("Child ID,DOB,Postcode\n", r"cin_extract\.csv: missing required column CINStart, "
                                r"CPPStart or CLAStart"),
    ("Child ID,CIN start,CPP end\n", r"cin_extract\.csv: column 'CPP end' \(CPPEnd\) has no "
                                     r"start date column CPPStart"),
    ("Child ID,CIN start,CIN_start\n", r"cin_extract\.csv: columns 'CIN start', 'CIN_start'"),
])
def test_structural_problems_are_one_line_naming_file_and_column(tmp_path, header, message):
    path = tmp_path / "cin_extract.csv"
    path.write_text(header + "1,2,3\n")
    with pytest.raises(JsnaInputError, match=message):
        read_cin_extract(path)


def test_a_column_with_no_dates_stops_the_clean(tmp_path):
    path = tmp_path / "cin_extract.csv"
    path.write_text("Child ID,CIN start\n1,Mon\n2,Tue\n3,Wed\n")
    with pytest.raises(JsnaInputError, match=r"cin_extract\.csv, column CINStart: no value is "
                                             r"a date \(row 2 and 2 more"):
        clean_cin_table(read_cin_extract(path), salt="s", year=2025, source="cin_extract.csv",
                        today=TODAY)


def test_columns_map_names_headings_and_refuses_unknown_names(tmp_path):
    path = tmp_path / "cin_extract.csv"
    path.write_text("Ref,Open\nA1,2024-01-01\n")
    table = read_cin_extract(path, {"Ref": "ChildID", "Open": "CINStart"})
    assert {"ChildID", "CINStart"} <= set(table.column_names)
    with pytest.raises(JsnaConfigError, match=r"cin.columns.'Ref' = 'Child'"):
        read_cin_extract(path, {"Ref": "Child"})


def test_workbook_is_read_like_csv(tmp_path):
    frame = pd.DataFrame([r[:4] for r in ROWS[:3]], columns=["Child ID", "UPN", "DOB",
                                                            "CIN start"])
    path = tmp_path / "cin_extract.xlsx"
    frame.to_excel(path, index=False)
    result = clean_cin_table(read_cin_extract(path), salt="s3cret", year=2025,
                             source=path.name, today=TODAY)
    assert _finding(result, "duplicate_record") == (1, "3")
    assert list(result.records["source_row"]) == [2]  # row 4 has no CIN date in these columns
