"""Enrolment, SEN provision, need, year group, sex and FSM normalisation."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import example, given, settings
from hypothesis import strategies as st

from jsna.clean import coded_fields


def test_enrolment_status() -> None:
    values = ["C", " m", "s ", "g", "Main", "dual subsidiary", "", "Q"]
    result, status = coded_fields.normalise_enrol_status(values)
    assert result == ["C", "M", "S", "G", "M", "S", None, None]
    assert status == ["ok"] * 6 + ["missing", "unknown"]


def test_sen_provision_current_and_legacy_codes() -> None:
    values = ["E", " k", "n ", "S", "A", "P", "Z"]
    # January 2014: statements and School Action/Plus still valid -> E, K, K
    assert coded_fields.normalise_sen_provision(values, 2014) == (
        ["E", "K", "N", "E", "K", "K", None],
        ["ok", "ok", "ok", "recoded", "recoded", "recoded", "unknown"])
    # January 2016: statements (S) still in transition to EHC plans; A/P no longer valid
    assert coded_fields.normalise_sen_provision(values, 2016)[0] == ["E", "K", "N", "E", None, None,
                                                              None]
    # January 2019: after the transition ended (March 2018) S is unknown too
    assert coded_fields.normalise_sen_provision(values, 2019)[0] == ["E", "K", "N", None, None, None,
                                                              None]


def test_need_codes() -> None:
    values = ["asd", " SpLD ", "BESD", "semh", "", "XYZ"]
    assert coded_fields.normalise_need(values) == (
        ["ASD", "SPLD", "SEMH", "SEMH", None, "UNKNOWN"],
        ["ok", "ok", "recoded", "ok", "missing", "unknown"])


def test_year_groups_and_expected_age() -> None:
    values = ["R", "rec", "07", "Year 7", "Y11", "14", "N1", "n2", "X", "15", "0", "", "7.0"]
    result, status = coded_fields.normalise_nc_year(values)
    assert result == ["R", "R", "7", "7", "11", "14", "N1", "N2", "X", None, None, None, "7"]
    assert status[9:12] == ["unknown", "unknown", "missing"]
    # expected age on 31 August: N1 2, N2 3, R 4, Year 1 5 ... Year 14 18; X/unknown -1
    expected = coded_fields.expected_age(np.array(["N1", "N2", "R", "1", "7", "14", "X", None],
                                           dtype=object))
    assert expected.tolist() == [2, 3, 4, 5, 11, 18, -1, -1]


def test_sex_fsm_and_school_numbers() -> None:
    assert coded_fields.normalise_sex(["m", " F", "Female", "U", ""])[0] == ["M", "F", "F", None, None]
    flags, status = coded_fields.normalise_fsm(["true", "FALSE", "1", "0", "Y", "n", "Yes", "maybe", ""])
    assert flags == [True, False, True, False, True, False, True, None, None]
    assert status[-2:] == ["unknown", "missing"]
    assert coded_fields.normalise_laestab(["990/2001", "9902001", "99020011", "990200A"])[0] == [
        "9902001", "9902001", None, None]
    assert coded_fields.normalise_urn(["100001", " 100002 ", "100001.0", "12345"])[0] == [
        "100001", "100002", "100001", None]


def _reference_encoding(chunks: list[list[str | None]]) -> tuple[list[int], list[str]]:
    """Codes by first appearance, worked out in plain Python (-1 for a blank)."""
    distinct: list[str] = []
    codes_: list[int] = []
    for value in (v for chunk in chunks for v in chunk):
        if value is None:
            codes_.append(-1)
            continue
        if value not in distinct:
            distinct.append(value)
        codes_.append(distinct.index(value))
    return codes_, distinct


@settings(max_examples=200, deadline=None)
@example([["11111"], ["1111é", "111éé", "11111"]])  # lengths 6, 7, 5: the same total as 6 x 3
@given(st.integers(1, 10).flatmap(lambda width: st.lists(
    st.lists(st.one_of(st.text("ABCEK1 é\x00", min_size=width, max_size=width), st.none()),
             max_size=12),
    min_size=1, max_size=4)))
def test_encode_matches_first_appearance_order(chunks: list[list[str | None]]) -> None:
    column = pa.chunked_array([pa.array(chunk, type=pa.string()) for chunk in chunks])
    found, values = coded_fields.encode(column)
    expected_codes, expected_values = _reference_encoding(chunks)
    assert found.tolist() == expected_codes
    assert values.to_pylist() == expected_values


def test_encode_of_sliced_chunks() -> None:
    urns = pa.array(["100001", "100002", "100001", "123456", "100002"])
    column = pa.chunked_array([urns.slice(1, 3), urns.slice(0, 2)])
    found, values = coded_fields.encode(column)
    assert found.tolist() == [0, 1, 2, 1, 0]
    assert values.to_pylist() == ["100002", "100001", "123456"]


def test_decode_spreads_per_value_results_for_every_code_width() -> None:
    mapped = np.array([10, 20, 30], dtype=np.int16)
    for dtype in (np.int8, np.int16, np.int32):
        rows = np.array([2, -1, 0, 1, 2, -1], dtype=dtype)
        assert coded_fields.decode(rows, mapped, -7).tolist() == [30, -7, 10, 20, 30, -7]
    # text and booleans too; no mapped value at all leaves every row missing
    assert coded_fields.decode(np.array([1, -1], dtype=np.int8), np.array(["A", "BB"]), "").tolist() \
        == ["BB", ""]
    assert coded_fields.decode(np.array([-1, -1], dtype=np.int8), np.zeros(0, dtype=bool),
                        False).tolist() == [False, False]
    for dtype in (np.int8, np.int16, np.int32):
        rows = np.array([1, -1, 0, 1], dtype=dtype)
        flags = coded_fields.decode(rows, np.array([True, False]), True)
        assert flags.dtype == bool and flags.tolist() == [False, True, True, False]
        spread = coded_fields.decode(rows, np.array([0.5, 2.5]), np.nan)
        assert spread[[0, 2, 3]].tolist() == [2.5, 0.5, 2.5] and np.isnan(spread[1])
        spread[0] = 7.0  # the result is the caller's to change


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text("AB1 é\x00", max_size=9), min_size=1, max_size=40),
       st.integers(0, 5), st.integers(0, 5))
def test_encode_of_sliced_chunks_of_any_lengths(values: list[str], left: int, right: int) -> None:
    # chunks that are slices of one buffer (as Arrow's CSV reader and filters make them)
    whole = pa.array(values, type=pa.string())
    left = min(left, len(values))
    right = min(right, len(values) - left)
    chunks = [whole.slice(left, len(values) - left - right), whole.slice(0, left)]
    found, distinct = coded_fields.encode(pa.chunked_array(chunks, type=pa.string()))
    expected_codes, expected_values = _reference_encoding([c.to_pylist() for c in chunks])
    assert found.tolist() == expected_codes
    assert distinct.to_pylist() == expected_values


def test_may_have_looks_at_distinct_values_and_blank_rows() -> None:
    column = coded_fields.Coded(codes=np.array([0, 1, 0], dtype=np.int8), values=pa.array(["E", None]),
                         statuses=np.array([coded_fields.OK_CODE, coded_fields.UNKNOWN_CODE], dtype=np.int8))
    assert column.may_have((coded_fields.UNKNOWN_CODE,))
    assert not column.may_have((coded_fields.RECODED_CODE, coded_fields.MISSING_CODE))  # no blank row
    with_blank = coded_fields.Coded(codes=np.array([0, -1], dtype=np.int8), values=pa.array(["E"]),
                             statuses=np.array([coded_fields.OK_CODE], dtype=np.int8))
    assert with_blank.may_have((coded_fields.MISSING_CODE,))
    assert not with_blank.may_have((coded_fields.UNKNOWN_CODE,))
