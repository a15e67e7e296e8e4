"""UPN check letters and pseudonymisation, against python-stdnum and an independent reference."""

from __future__ import annotations

import re

import pyarrow as pa
import pytest
from census_fixtures import reference_pupil_key
from hypothesis import given
from hypothesis import strategies as st
from stdnum.gb import upn as stdnum_upn

from jsna.clean.upn import (
    CHECK_ALPHABET,
    Pseudonymiser,
    check_letter,
    make_upn,
    normalise_upns,
    upn_status,
)

digits = st.text(alphabet="0123456789", min_size=11, max_size=11)
last_character = st.sampled_from("0123456789" + CHECK_ALPHABET)


def test_published_example() -> None:
    # DfE/stdnum documented example: B801200005001 is valid, A801200005001 is not
    assert upn_status(["B801200005001", "A801200005001"]).tolist() == ["valid", "check_letter"]
    assert check_letter("801200005001") == "B"


@given(digits, last_character)
def test_check_letter_matches_stdnum(body_digits: str, last: str) -> None:
    body = body_digits + last
    assert check_letter(body) == stdnum_upn.calc_check_digit(body)


@given(digits, last_character)
def test_vectorised_status_matches_scalar_algorithm(body_digits: str, last: str) -> None:
    body = body_digits + last
    good = make_upn(body)
    wrong = next(c for c in CHECK_ALPHABET if c != good[0]) + body
    expected_kind = "valid" if last.isdigit() else "temporary"
    assert upn_status([good, wrong]).tolist() == [expected_kind, "check_letter"]


def test_format_problems() -> None:
    values = [None, "B80120000500", "B8012000050011", "I801200005001", "B80120000X001",
              "B80120000500é"]
    # blank; 12 chars; 14 chars; I is not a check letter; letter in the middle; non-ASCII
    assert upn_status(values).tolist() == ["missing"] + ["format"] * 5


def test_pupil_key_matches_the_documented_construction() -> None:
    upn = make_upn("990200125001")
    reference = reference_pupil_key("council-secret", upn)
    keys = Pseudonymiser("council-secret").keys([upn, None, upn])
    assert keys == [reference, None, reference]
    assert Pseudonymiser("another-secret").key(upn) != reference


@given(st.text(min_size=1, max_size=40))
def test_pupil_key_of_any_value_matches_the_reference(value: str) -> None:
    # every length: 1-15 bytes fit one AES block, 16 or more take the HMAC branch
    assert Pseudonymiser("s" * 100).key(value) == reference_pupil_key("s" * 100, value)


def test_pupil_keys_are_distinct_for_distinct_upns() -> None:
    upns = [make_upn(f"990{n:09d}") for n in range(20_000)]
    keys = Pseudonymiser("council-secret").keys_array(pa.array(upns))
    assert len(set(keys.to_pylist())) == len(upns)
    assert all(len(k) == 16 and int(k, 16) >= 0 for k in keys.to_pylist()[:100])


def test_key_of_an_array_slice_uses_the_slice() -> None:
    upns = pa.array(["B801200005001", "A000000000001", None, "C801200005001"])
    whole = Pseudonymiser("x").keys_array(upns).to_pylist()
    assert Pseudonymiser("x").keys_array(upns.slice(1, 3)).to_pylist() == whole[1:]


def test_empty_salt_is_refused() -> None:
    with pytest.raises(ValueError):
        Pseudonymiser("")


@given(st.lists(st.tuples(digits, last_character, st.booleans()), min_size=1, max_size=30),
       st.integers(0, 30))
def test_status_of_chunked_upns_matches_the_scalar_algorithm(
    upns: list[tuple[str, str, bool]], cut: int,
) -> None:
    # every value 13 characters in sliced chunks (as read from a CSV): the fixed-width path
    values, expected = [], []
    for body_digits, last, correct in upns:
        good = make_upn(body_digits + last)
        values.append(good if correct else next(c for c in CHECK_ALPHABET if c != good[0])
                      + good[1:])
        expected.append(("valid" if last.isdigit() else "temporary") if correct
                        else "check_letter")
    whole = pa.array(values, type=pa.string())
    cut = min(cut, len(values))
    chunked = pa.chunked_array([whole.slice(0, cut), whole.slice(cut)], type=pa.string())
    assert upn_status(chunked).tolist() == expected


@given(st.integers(9, 15).flatmap(lambda width: st.lists(
    st.text("AB19", min_size=width, max_size=width), min_size=1, max_size=20)),
    st.integers(0, 20))
def test_keys_of_chunked_values_of_one_width_match_the_reference(values: list[str], cut: int,
                                                                  ) -> None:
    whole = pa.array(values, type=pa.string())
    cut = min(cut, len(values))
    chunked = pa.chunked_array([whole.slice(cut), whole.slice(0, cut)], type=pa.string())
    keys = Pseudonymiser("council-secret").encrypted(chunked).keys().to_pylist()
    assert keys == [reference_pupil_key("council-secret", value)
                    for value in values[cut:] + values[:cut]]


def _other_text_types() -> list[pa.DataType]:
    kinds = [pa.large_string()]
    if hasattr(pa, "string_view"):
        kinds.append(pa.string_view())
    return kinds


@pytest.mark.parametrize("kind", _other_text_types(), ids=str)
@pytest.mark.parametrize("chunked", [False, True], ids=["array", "chunked"])
def test_keys_and_statuses_of_any_text_type_match_the_reference(kind: pa.DataType,
                                                                chunked: bool) -> None:
    # pandas 3 and polars hand over large_string: each UPN must keep its own key and status
    upns = [make_upn("990200125001"), make_upn("990200125002"), None, " b801200005001 ",
            "A801200005001", make_upn("99020012500A"), "12345"]
    normalised = [None if u is None else u.strip().upper() for u in upns]
    expected_keys = [None if u is None else reference_pupil_key("council-secret", u)
                     for u in normalised]
    expected_status = ["valid", "valid", "missing", "valid", "check_letter", "temporary",
                       "format"]
    values = pa.array(upns, type=kind)
    if chunked:
        values = pa.chunked_array([values.slice(0, 3), values.slice(3)], type=kind)
    clean = normalise_upns(values)
    encrypted = Pseudonymiser("council-secret").encrypted(clean)
    assert encrypted.keys().to_pylist() == expected_keys
    assert upn_status(clean).tolist() == expected_status
    assert Pseudonymiser("council-secret").keys_array(clean).to_pylist() == expected_keys
    # without normalising first, as a caller of the public API may do
    raw = Pseudonymiser("council-secret").encrypted(pa.array(normalised, type=kind))
    assert raw.keys().to_pylist() == expected_keys


def test_dictionary_encoded_upns_are_decoded_first() -> None:
    upns = ["B801200005001", "C801200005001", "B801200005001"]
    keys = Pseudonymiser("x").encrypted(pa.array(upns).dictionary_encode()).keys().to_pylist()
    assert keys == [reference_pupil_key("x", u) for u in upns]


@pytest.mark.parametrize("values", [pa.array([1, 2, 3]), pa.array([b"B801200005001"]),
                                    pa.chunked_array([pa.array([1.5])])],
                         ids=["int64", "binary", "chunked-double"])
def test_upns_that_are_not_text_are_refused(values) -> None:
    with pytest.raises(TypeError, match="UPNs must be an Arrow text array"):
        Pseudonymiser("x").encrypted(values)


@given(st.lists(st.one_of(st.none(), st.text("ab1Z \t\né", max_size=15)), max_size=20))
def test_normalised_upns_match_python_upper_case_without_whitespace(values: list) -> None:
    # letters and digits only (upper case is enough) or with blanks, lower case and accents
    expected = [None if v is None or not re.sub(r"[\t\n\f\r ]+", "", v)
                else re.sub(r"[\t\n\f\r ]+", "", v).upper() for v in values]
    assert normalise_upns(pa.array(values, type=pa.string())).to_pylist() == expected
