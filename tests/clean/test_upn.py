"""UPN check letters and pseudonymisation, against python-stdnum and the standard library."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.gb import upn as stdnum_upn

from jsna.clean.upn import (
    CHECK_ALPHABET,
    Pseudonymiser,
    check_letter,
    make_upn,
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


def test_pupil_key_is_hmac_sha256_of_the_upn() -> None:
    upn = make_upn("990200125001")
    reference = hmac.new(b"council-secret", upn.encode(), hashlib.sha256).hexdigest()[:16]
    keys = Pseudonymiser("council-secret").keys([upn, None, upn])
    assert keys == [reference, None, reference]
    assert Pseudonymiser("another-secret").key(upn) != reference


def test_long_salt_follows_rfc_2104() -> None:
    salt = "s" * 100  # longer than the SHA-256 block: hashed first, as RFC 2104 requires
    reference = hmac.new(salt.encode(), b"X", hashlib.sha256).hexdigest()[:16]
    assert Pseudonymiser(salt).key("X") == reference


def test_empty_salt_is_refused() -> None:
    with pytest.raises(ValueError):
        Pseudonymiser("")
