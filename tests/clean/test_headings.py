"""Heading matching for MIS / COLLECT exports."""

from __future__ import annotations

import pytest

from jsna.clean.headings import check_columns_map, check_required, match_headings
from jsna.errors import JsnaConfigError, JsnaInputError


def test_common_export_names_match_case_space_and_underscore_insensitively() -> None:
    headings = ["upn", "Legal Surname", "Forename", "Date_Of_Birth", "Sex", "NC Year Actual",
                "Enrol Status", "SEN_Provision", "Primary SEN Type", "SENType2", "FSM Eligible",
                "Home Postcode", "LAEstab", "URN"]
    found = match_headings(headings)
    assert found["DOB"] == "Date_Of_Birth"
    assert found["Gender"] == "Sex"
    assert found["SENType1"] == "Primary SEN Type"
    assert found["Postcode"] == "Home Postcode"
    assert found["Surname"] == "Legal Surname"
    check_required(found, headings, "x.csv")  # nothing missing


def test_config_map_wins_and_unknown_standard_names_are_refused() -> None:
    found = match_headings(["Pupil ID", "Birth", "Postcode"],
                           {"pupil id": "UPN", "Birth": "DOB", "other": "pcds"})
    assert found == {"UPN": "Pupil ID", "DOB": "Birth", "Postcode": "Postcode"}
    with pytest.raises(JsnaConfigError, match="census.columns.'Pupil ID' = 'Pupil'"):
        check_columns_map({"Pupil ID": "Pupil"}, ["UPN", "DOB"])


def test_missing_column_message_is_one_line_naming_file_column_and_columns_found() -> None:
    headings = ["UPN", "DOB", "Gender", "NCYearActual", "SENprovision", "SENType1", "Postcode",
                "URN"]
    with pytest.raises(JsnaInputError) as error:
        check_required(match_headings(headings), headings, "census_2025.csv")
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith("census_2025.csv: missing required column EnrolStatus;")
    assert "columns found: UPN, DOB, Gender" in message


def test_two_headings_for_one_column_is_an_error() -> None:
    with pytest.raises(JsnaInputError, match="'UPN', 'upn' all look like UPN"):
        match_headings(["UPN", "upn"], source="c.csv")
