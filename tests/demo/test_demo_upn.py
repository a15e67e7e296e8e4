"""UPN check letters against the published algorithm (as implemented by python-stdnum)."""

from __future__ import annotations

import numpy as np
import pytest
from stdnum.gb import upn as stdnum_upn

from jsna.demo.upn import UpnIssuer, make_upns, upn_check_letters


def test_hand_worked_check_letter():
    # Body 801200005001 (LA 801, school 2000, year 05, serial 001), weights 2..13 on its digits:
    # 8*2 + 0*3 + 1*4 + 2*5 + 0*6 + 0*7 + 0*8 + 0*9 + 5*10 + 0*11 + 0*12 + 1*13
    # = 16 + 4 + 10 + 50 + 13 = 93; 93 mod 23 = 1 -> second check letter "B".
    assert upn_check_letters(np.array(["801200005001"]))[0] == "B"
    assert make_upns(np.array([801]), np.array([2000]), np.array([2005]), np.array([1]))[0] == (
        "B801200005001"
    )


def test_check_letters_match_stdnum_on_random_bodies():
    rng = np.random.default_rng(1)
    bodies = np.array(["".join(map(str, rng.integers(0, 10, 12))) for _ in range(2000)])
    ours = upn_check_letters(bodies)
    theirs = [stdnum_upn.calc_check_digit(b) for b in bodies]
    assert list(ours) == theirs


def test_issuer_gives_unique_valid_upns_across_calls():
    issuer = UpnIssuer()
    first = issuer.issue(np.full(500, 990), np.full(500, 2001), np.full(500, 2024))
    second = issuer.issue(np.full(400, 990), np.full(400, 2001), np.full(400, 2024))
    upns = np.concatenate([first, second])
    assert len(set(upns)) == 900
    assert all(stdnum_upn.calc_check_digit(u[1:]) == u[0] for u in upns)
    assert {u[1:8] for u in upns} == {"9902001"} and {u[8:10] for u in upns} == {"24"}


def test_serial_numbers_beyond_999_are_refused():
    issuer = UpnIssuer()
    with pytest.raises(ValueError):
        issuer.issue(np.full(1000, 990), np.full(1000, 2001), np.full(1000, 2024))


def test_no_upns_for_no_pupils():
    assert len(UpnIssuer().issue(np.zeros(0), np.zeros(0), np.zeros(0))) == 0
