"""Unique Pupil Numbers (UPNs) with the DfE check letter.

A UPN is 13 characters: a check letter, the 3-digit LA number of the issuing school, its 4-digit
establishment number, the last two digits of the year of issue and a 3-digit serial number. The
check letter is ``ALPHABET[sum(weight * value) mod 23]`` over characters 2..13 with weights 2..13,
where a character's value is its position in ``ALPHABET`` (so digit ``d`` counts as ``23 + d``).
This is the algorithm in the DfE guidance "Unique pupil numbers (UPNs)" and in ``stdnum.gb.upn``.
"""

from __future__ import annotations

import numpy as np

#: Letters used for check letters (no I, O or S), followed by the digits.
ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ0123456789"
CHECK_LETTERS = ALPHABET[:23]


def upn_check_letters(bodies: np.ndarray) -> np.ndarray:
    """Check letters for UPN bodies (the 12 characters after the check letter).

    Parameters
    ----------
    bodies : numpy.ndarray of str
        12-character strings made of ``ALPHABET`` characters.

    Returns
    -------
    numpy.ndarray of str
        One check letter per body.
    """
    bodies = np.asarray(bodies, dtype="U12")
    codes = np.frombuffer(np.char.encode(bodies, "ascii").astype("S12").tobytes(), dtype=np.uint8)
    lookup = np.full(256, -1, dtype=np.int64)
    lookup[np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)] = np.arange(len(ALPHABET))
    values = lookup[codes].reshape(len(bodies), 12)
    if np.any(values < 0):
        raise ValueError("UPN bodies must be 12 characters from the UPN alphabet")
    weights = np.arange(2, 14, dtype=np.int64)
    remainders = (values * weights).sum(axis=1) % 23
    return np.array(list(CHECK_LETTERS), dtype="U1")[remainders]


def make_upns(
    la_number: np.ndarray, estab: np.ndarray, issue_year: np.ndarray, serial: np.ndarray
) -> np.ndarray:
    """Build valid permanent UPNs from their parts.

    Parameters
    ----------
    la_number : numpy.ndarray of int
        3-digit LA number of the issuing school.
    estab : numpy.ndarray of int
        4-digit establishment number of the issuing school.
    issue_year : numpy.ndarray of int
        Year of issue (only the last two digits are used).
    serial : numpy.ndarray of int
        Serial number 0..999, unique within (LA, establishment, year).

    Returns
    -------
    numpy.ndarray of str
        13-character UPNs.
    """
    la_number = np.asarray(la_number, dtype=np.int64)
    if len(la_number) == 0:
        return np.zeros(0, dtype="U13")
    if np.any(np.asarray(serial) > 999) or np.any(np.asarray(serial) < 0):
        raise ValueError("UPN serial numbers must be in 0..999")
    digits = (
        la_number * 10**9
        + np.asarray(estab, dtype=np.int64) * 10**5
        + (np.asarray(issue_year, dtype=np.int64) % 100) * 10**3
        + np.asarray(serial, dtype=np.int64)
    )
    bodies = np.char.zfill(digits.astype("U12"), 12)
    return np.char.add(upn_check_letters(bodies), bodies)


class UpnIssuer:
    """Issues unique permanent UPNs, numbering serials within (LA, establishment, year)."""

    def __init__(self) -> None:
        self._next_serial: dict[tuple[int, int, int], int] = {}

    def issue(self, la_number: np.ndarray, estab: np.ndarray, issue_year: np.ndarray) -> np.ndarray:
        """New UPNs, one per row of the inputs.

        Parameters
        ----------
        la_number, estab, issue_year : numpy.ndarray of int
            Parts of each UPN (see :func:`make_upns`).

        Returns
        -------
        numpy.ndarray of str
            UPNs never issued before by this issuer.
        """
        la_number = np.asarray(la_number, dtype=np.int64)
        estab = np.asarray(estab, dtype=np.int64)
        year = np.asarray(issue_year, dtype=np.int64) % 100
        serial = np.empty(len(la_number), dtype=np.int64)
        keys = la_number * 10**6 + estab * 100 + year
        order = np.argsort(keys, kind="stable")
        unique, first, counts = np.unique(keys[order], return_index=True, return_counts=True)
        for key, start, count in zip(unique.tolist(), first.tolist(), counts.tolist(), strict=True):
            group = (key // 10**6, key // 100 % 10**4, key % 100)
            begin = self._next_serial.get(group, 1)
            serial[order[start : start + count]] = np.arange(begin, begin + count)
            self._next_serial[group] = begin + count
        return make_upns(la_number, estab, year, serial)
