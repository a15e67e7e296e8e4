"""Enrolment, SEN provision, need, year group, sex and FSM normalisation."""

from __future__ import annotations

import numpy as np

from jsna.clean import codes


def test_enrolment_status() -> None:
    values = ["C", " m", "s ", "g", "Main", "dual subsidiary", "", "Q"]
    result, status = codes.normalise_enrol_status(values)
    assert result == ["C", "M", "S", "G", "M", "S", None, None]
    assert status == ["ok"] * 6 + ["missing", "unknown"]


def test_sen_provision_current_and_legacy_codes() -> None:
    values = ["E", " k", "n ", "S", "A", "P", "Z"]
    # January 2014: statements and School Action/Plus still valid -> E, K, K
    assert codes.normalise_sen_provision(values, 2014) == (
        ["E", "K", "N", "E", "K", "K", None],
        ["ok", "ok", "ok", "recoded", "recoded", "recoded", "unknown"])
    # January 2016: statements (S) still in transition to EHC plans; A/P no longer valid
    assert codes.normalise_sen_provision(values, 2016)[0] == ["E", "K", "N", "E", None, None,
                                                              None]
    # January 2019: after the transition ended (March 2018) S is unknown too
    assert codes.normalise_sen_provision(values, 2019)[0] == ["E", "K", "N", None, None, None,
                                                              None]


def test_need_codes() -> None:
    values = ["asd", " SpLD ", "BESD", "semh", "", "XYZ"]
    assert codes.normalise_need(values) == (
        ["ASD", "SPLD", "SEMH", "SEMH", None, "UNKNOWN"],
        ["ok", "ok", "recoded", "ok", "missing", "unknown"])


def test_year_groups_and_expected_age() -> None:
    values = ["R", "rec", "07", "Year 7", "Y11", "14", "N1", "n2", "X", "15", "0", "", "7.0"]
    result, status = codes.normalise_nc_year(values)
    assert result == ["R", "R", "7", "7", "11", "14", "N1", "N2", "X", None, None, None, "7"]
    assert status[9:12] == ["unknown", "unknown", "missing"]
    # expected age on 31 August: N1 2, N2 3, R 4, Year 1 5 ... Year 14 18; X/unknown -1
    expected = codes.expected_age(np.array(["N1", "N2", "R", "1", "7", "14", "X", None],
                                           dtype=object))
    assert expected.tolist() == [2, 3, 4, 5, 11, 18, -1, -1]


def test_sex_fsm_and_school_numbers() -> None:
    assert codes.normalise_sex(["m", " F", "Female", "U", ""])[0] == ["M", "F", "F", None, None]
    flags, status = codes.normalise_fsm(["true", "FALSE", "1", "0", "Y", "n", "Yes", "maybe", ""])
    assert flags == [True, False, True, False, True, False, True, None, None]
    assert status[-2:] == ["unknown", "missing"]
    assert codes.normalise_laestab(["990/2001", "9902001", "99020011", "990200A"])[0] == [
        "9902001", "9902001", None, None]
    assert codes.normalise_urn(["100001", " 100002 ", "100001.0", "12345"])[0] == [
        "100001", "100002", "100001", None]
