"""The SEN2 casework cleaner: every kind of dirt counted with row numbers, never dropped silently."""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from census_fixtures import SALT, reference_pupil_key
from sen2_fixtures import HEADINGS, ROWS, UPNS, write_extract

from jsna.clean.sen2 import clean_sen2_file, write_sen2_outputs
from jsna.errors import JsnaConfigError, JsnaInputError

EXTRACT_DATE = datetime.date(2025, 12, 31)


@pytest.fixture
def result(tmp_path):
    return clean_sen2_file(write_extract(tmp_path), salt=SALT, extract_date=EXTRACT_DATE,
                           year=2025, title="Testshire")


def test_rows_read_equal_kept_plus_set_aside_each_with_its_reason(result):
    recon = result.reconciliation.set_index("reason")["rows"]
    assert result.reconciliation["rows"].iloc[0] == 13  # rows 2..14
    assert recon["blank row (no values)"] == 1
    assert recon["no local person ID and no UPN"] == 1
    assert recon.filter(like="no usable request date").iloc[0] == 1
    assert recon.filter(like="same person").iloc[0] == 1
    assert result.reconciliation["rows"].iloc[-1] == 9 == result.casework.num_rows


def test_every_finding_with_its_count_and_row_numbers(result):
    found = {(f.finding, f.column): f.example_rows for f in result.findings.itertuples()}
    expected = {
        ("blank_row", ""): "4",
        ("missing_key", ""): "5",
        ("no_dates", ""): "6",
        ("duplicate_record", ""): "7",
        ("upn_missing", "UPN"): "3",
        ("upn_invalid", "UPN"): "8",
        ("dob_missing", "DOB"): "13",
        ("date_unreadable", "RequestDate"): "9",
        ("date_in_future", "RequestDate"): "10",
        ("plan_before_request", "PlanIssueDate"): "8",
        ("date_before_request", "AssessmentOutcomeDate"): "13",
        ("date_before_plan", "LastReviewDate"): "11",
        ("need_code_unknown", "PrimaryNeed"): "8",
        ("need_missing", "PrimaryNeed"): "9",
        ("setting_unknown", "Setting"): "8",
        ("setting_missing", "Setting"): "9",
        ("decision_unknown", "AssessDecision"): "10",
        ("decision_inferred", "AssessDecision"): "14",
        ("outcome_unknown", "AssessmentOutcome"): "13",
        ("exception_unknown", "Exception"): "10",
        ("cease_reason_unknown", "CeaseReason"): "13",
        ("cease_reason_missing", "CeaseReason"): "12",
    }
    assert found == expected


def test_person_key_is_the_census_pupil_key_and_no_identifier_is_kept(result, tmp_path):
    table = result.casework.to_pandas()
    # rows kept, in file order: 2, 3, 8, 9, 10, 11, 12, 13, 14
    assert table["person_key"].iloc[0] == reference_pupil_key(SALT, UPNS["C1"])
    assert pd.isna(table["person_key"].iloc[1])
    assert table["person_key"].iloc[8] == reference_pupil_key(SALT, UPNS["C10"])
    written = write_sen2_outputs(result, tmp_path / "out")
    text = "".join(p.read_text(encoding="utf-8", errors="replace") for p in written
                   if p.suffix != ".parquet")
    text += pq.read_table(written[0]).to_pandas().to_csv()
    for row in ROWS.values():
        for value in (row[0], row[1], row[2], row[3]):  # ID, UPN, name, date of birth
            if len(value) > 2:
                assert value not in text, value


def test_values_are_coded_and_bad_ones_unknown(result):
    table = result.casework.to_pydict()
    assert table["setting"] == ["mainstream", None, None, None, "special", "post16",
                                         "independent_special", None, "resourced"]
    assert table["primary_need"] == ["ASD", None, None, None, "SLCN", "MLD", "SEMH",
                                              None, "SPLD"]
    assert table["decision"] == ["assess", "not_assess", "assess", None, None, None,
                                          None, "assess", "assess"]
    # plan before request: the request date is unknown; the plan stays
    assert table["request_date"][2] is None
    assert table["plan_date"][2] == datetime.date(2024, 5, 1)
    assert table["cease_reason"][5:8] == ["needs_met", None, None]
    # born 4 March 2015: 9 on 31 August 2024, so cohort 2015; born 4 September 2016: cohort 2017
    assert table["birth_cohort"][:2] == [2015, 2017]


def test_headings_named_in_the_config_are_used(tmp_path):
    path = write_extract(tmp_path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False).rename(
        columns={"Placement": "Where educated"})
    frame.to_csv(path, index=False)
    mapped = clean_sen2_file(path, salt=SALT, extract_date=EXTRACT_DATE, year=2025,
                             columns_map={"Where educated": "Setting"})
    assert mapped.casework.column("setting").to_pylist()[0] == "mainstream"
    unmapped = clean_sen2_file(path, salt=SALT, extract_date=EXTRACT_DATE, year=2025)
    absent = unmapped.findings[unmapped.findings["finding"] == "column_absent"]
    assert absent["column"].tolist() == ["Setting"] and absent["rows"].tolist() == [13]


def test_xlsx_extract_reads_the_same(tmp_path, result):
    path = tmp_path / "extract.xlsx"
    pd.DataFrame([ROWS[r] for r in sorted(ROWS)], columns=HEADINGS).to_excel(path, index=False)
    from_xlsx = clean_sen2_file(path, salt=SALT, extract_date=EXTRACT_DATE, year=2025)
    assert from_xlsx.casework.equals(result.casework)


@pytest.mark.parametrize(("drop", "message"), [
    ("Request Date", "sen2_extract.csv: missing required column RequestDate"),
    ("Date of Birth", "sen2_extract.csv: missing required column DOB"),
])
def test_missing_column_is_one_line_naming_file_and_column(tmp_path, drop, message):
    path = write_extract(tmp_path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns=drop)
    frame.to_csv(path, index=False)
    with pytest.raises(JsnaInputError) as error:
        clean_sen2_file(path, salt=SALT, extract_date=EXTRACT_DATE, year=2025)
    assert str(error.value).startswith(message)
    assert "[sen2.columns]" in str(error.value) and "\n" not in str(error.value)


def test_no_key_column_is_refused(tmp_path):
    path = write_extract(tmp_path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns=["Child ID", "U.P.N"])
    frame.to_csv(path, index=False)
    with pytest.raises(JsnaInputError, match="missing required column PersonID or UPN"):
        clean_sen2_file(path, salt=SALT, extract_date=EXTRACT_DATE, year=2025)


def test_unknown_standard_name_in_the_mapping_names_the_sen2_key(tmp_path):
    with pytest.raises(JsnaConfigError, match=r"sen2\.columns\.'Where' = 'Placement'"):
        clean_sen2_file(write_extract(tmp_path), salt=SALT, extract_date=EXTRACT_DATE,
                        year=2025, columns_map={"Where": "Placement"})


def test_two_columns_alike_are_refused(tmp_path: Path):
    path = write_extract(tmp_path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["Setting"] = frame["Placement"]
    frame.to_csv(path, index=False)
    with pytest.raises(JsnaInputError, match=r"all look like Setting; name the one to use in "
                                             r"\[sen2\.columns\]"):
        clean_sen2_file(path, salt=SALT, extract_date=EXTRACT_DATE, year=2025)
