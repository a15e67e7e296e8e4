"""Repeated UPNs within a census, worked out by hand on encrypted-UPN halves.

Equal encrypted blocks (both halves) mean equal UPNs. The first halves alone may collide by
chance; such rows must not be taken for the same pupil.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from jsna.clean.repeated_upns import repeated_upns, shared_upns
from jsna.clean.upn import PseudonymisedUpns, Pseudonymiser


def _blocks(high: list[int], low: list[int]) -> np.ndarray:
    """16-byte blocks whose big-endian halves are ``high`` and ``low``."""
    halves = np.column_stack([high, low]).astype(">u8")
    return halves.view(np.uint8).reshape(-1, 16)


def test_duplicates_orphans_and_colliding_halves() -> None:
    # row:       0  1  2  3  4  5  6  7
    cipher = _blocks([5, 5, 5, 7, 7, 9, 11, 5], [1, 2, 1, 3, 3, 4, 6, 2])
    rows = np.array([2, 3, 4, 5, 6, 7, 8, 9])
    counted = np.array([1, 1, 1, 1, 0, 0, 0, 0], dtype=bool)
    subsidiary = np.array([0, 0, 0, 0, 1, 1, 1, 1], dtype=bool)
    shared = np.ones(8, dtype=bool)
    duplicate, orphan = repeated_upns(cipher, rows, counted, subsidiary, shared)
    # row 2 repeats row 0 (same block); row 1 shares only the first half with row 0: a new pupil
    assert np.flatnonzero(duplicate).tolist() == [2]
    # row 4 has its main row 3; row 7 has row 1; rows 5 and 6 have no counted row
    assert np.flatnonzero(orphan).tolist() == [5, 6]


def test_first_row_is_kept_whatever_the_order_of_positions() -> None:
    rows = np.array([10, 4])  # the second position is the earlier spreadsheet row
    duplicate, _ = repeated_upns(_blocks([3, 3], [8, 8]), rows, np.ones(2, bool),
                                  np.zeros(2, bool), np.ones(2, bool))
    assert duplicate.tolist() == [True, False]


def test_shared_flags_repeats_within_a_census_only() -> None:
    upns = pa.chunked_array([["B801200005001", "B801200005001", "C801200005001", None,
                              "C801200005001"]])
    table = pa.table({"census_year": [2024, 2024, 2024, 2024, 2025]})
    shared = shared_upns(Pseudonymiser("salt").encrypted(upns), table)
    # rows 0 and 1 repeat in 2024; row 2 and row 4 are the same pupil in different censuses
    assert shared.tolist() == [True, True, False, False, False]


def test_shared_compares_both_halves_and_the_census_year() -> None:
    # rows 0, 1: the same block in 2024; row 2: the first half of row 0 only (another pupil);
    # row 3: row 0's block in 2025 (the same pupil, another census); row 4: no UPN
    cipher = _blocks([5, 5, 5, 5, 0], [1, 1, 2, 1, 0])
    upns = PseudonymisedUpns(cipher=cipher, valid=np.array([1, 1, 1, 1, 0], dtype=bool),
                             status=np.zeros(5, dtype=np.int8))
    table = pa.table({"census_year": [2024, 2024, 2024, 2025, 2024]})
    assert shared_upns(upns, table).tolist() == [True, True, False, False, False]
