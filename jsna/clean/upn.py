"""Unique pupil numbers (UPNs): validation and pseudonymisation.

DfE, *Unique pupil numbers (UPNs): guidance for schools and local authorities*:

* A UPN has 13 characters. Character 1 is a check letter; characters 2-4 are the DfE number of the
  local authority that allocated it, 5-8 the school's establishment number, 9-10 the year of
  allocation and 11-13 a serial number.
* A *temporary* UPN has the same layout but its last character is a letter; schools use it until the
  permanent UPN is known.
* Check letter: multiply the value of characters 2-13 by weights 2-13, add, take the remainder
  modulo 23 and look it up in ``ABCDEFGHJKLMNPQRTUVWXYZ`` (0 = A ... 22 = Z; I, O and S are not
  used). Digits have their own value; the letter of a temporary UPN takes its position in that
  alphabet. (``stdnum.gb.upn`` implements the same algorithm; it is used as the test reference.
  It also rejects LA numbers it does not know, so it cannot be used for demo or new LAs.)

An invalid UPN is reported, never a reason to drop a pupil.

Pseudonymisation: ``pupil_key`` is the first 16 hexadecimal characters of HMAC-SHA256 (RFC 2104) of
the normalised UPN with the council's secret salt as key: the same UPN gets the same key in every
census, and without the salt a key cannot be traced back to a UPN by hashing candidate UPNs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

CHECK_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"
UPN_LENGTH = 13
KEY_LENGTH = 16

# status of a normalised UPN
VALID, TEMPORARY, MISSING, BAD_FORMAT, BAD_CHECK_LETTER = (
    "valid", "temporary", "missing", "format", "check_letter",
)

# character value lookup: digits 0-9 -> 0-9, alphabet letters -> 0-22, others -> -1
_VALUE = np.full(256, -1, dtype=np.int64)
_VALUE[np.frombuffer(b"0123456789", dtype=np.uint8)] = np.arange(10)
_LETTER_VALUE = np.full(256, -1, dtype=np.int64)
_LETTER_VALUE[np.frombuffer(CHECK_ALPHABET.encode(), dtype=np.uint8)] = np.arange(23)
_WEIGHTS = np.arange(2, 14, dtype=np.int64)
_ALPHABET_BYTES = np.frombuffer(CHECK_ALPHABET.encode(), dtype=np.uint8)


def check_letter(body: str) -> str:
    """Return the DfE check letter for the last 12 characters of a UPN.

    Parameters
    ----------
    body : str
        Characters 2-13 of the UPN (11 digits then a digit or, for a temporary UPN, a letter).

    Returns
    -------
    str
        The check letter.

    Examples
    --------
    >>> check_letter("801200005001")
    'B'
    """
    if len(body) != 12:
        raise ValueError("a UPN body has 12 characters")
    total = 0
    for weight, character in zip(range(2, 14), body, strict=True):
        if character.isdigit():
            total += weight * int(character)
        else:
            total += weight * CHECK_ALPHABET.index(character.upper())
    return CHECK_ALPHABET[total % 23]


def make_upn(body: str) -> str:
    """Prefix a 12-character UPN body with its check letter.

    Parameters
    ----------
    body : str
        LA number (3 digits), establishment number (4), year (2), serial (3, or 2 + letter).

    Returns
    -------
    str
        A 13-character UPN.
    """
    return check_letter(body) + body


def normalise_upns(values: pa.Array) -> pa.Array:
    """Upper-case UPNs and remove every space.

    Parameters
    ----------
    values : pyarrow.Array of str
        Raw UPNs (nulls allowed).

    Returns
    -------
    pyarrow.Array of str
        Normalised UPNs; blanks become null.
    """
    cleaned = pc.utf8_upper(pc.replace_substring_regex(values, r"\s+", ""))
    return pc.if_else(pc.equal(cleaned, ""), pa.scalar(None, pa.string()), cleaned)


def upn_status(values: pa.Array | Iterable[str | None]) -> np.ndarray:
    """Classify normalised UPNs: valid, temporary, missing, bad format or bad check letter.

    Parameters
    ----------
    values : pyarrow.Array of str or iterable of str
        Normalised UPNs (see :func:`normalise_upns`).

    Returns
    -------
    numpy.ndarray of str
        One of ``"valid"``, ``"temporary"``, ``"missing"``, ``"format"``, ``"check_letter"``.
    """
    if not isinstance(values, pa.Array):
        values = pa.array(list(values), type=pa.string())
    n = len(values)
    status = np.full(n, BAD_FORMAT, dtype="U12")
    is_null = values.is_null().to_numpy(zero_copy_only=False)
    status[is_null] = MISSING
    lengths = pc.utf8_length(values).fill_null(0).to_numpy(zero_copy_only=False)
    ascii_ = pc.string_is_ascii(values).fill_null(False).to_numpy(zero_copy_only=False)
    candidate = np.flatnonzero((lengths == UPN_LENGTH) & ascii_ & ~is_null)
    if candidate.size == 0:
        return status
    # the characters of the 13-character UPNs, one row each, straight from the Arrow buffer
    chosen = values.take(pa.array(candidate, type=pa.int64()))
    offsets = np.frombuffer(chosen.buffers()[1], dtype=np.int32)[chosen.offset:]
    start = int(offsets[0])
    data = np.frombuffer(chosen.buffers()[2], dtype=np.uint8)
    chars = data[start:start + UPN_LENGTH * candidate.size].reshape(-1, UPN_LENGTH)
    middle = _VALUE[chars[:, 1:12]]
    last_digit = _VALUE[chars[:, 12]]
    last_letter = _LETTER_VALUE[chars[:, 12]]
    first = _LETTER_VALUE[chars[:, 0]]
    last = np.where(last_digit >= 0, last_digit, last_letter)
    well_formed = (middle >= 0).all(axis=1) & (last >= 0) & (first >= 0)
    total = (middle * _WEIGHTS[:11]).sum(axis=1) + last * _WEIGHTS[11]
    check_ok = _ALPHABET_BYTES[total % 23] == chars[:, 0]
    result = np.where(
        ~well_formed, BAD_FORMAT,
        np.where(~check_ok, BAD_CHECK_LETTER, np.where(last_digit >= 0, VALID, TEMPORARY)),
    )
    status[candidate] = result
    return status


class Pseudonymiser:
    """Turn normalised UPNs into stable, salted ``pupil_key`` values (HMAC-SHA256, 16 hex chars).

    Parameters
    ----------
    salt : str
        The council's secret (``[census] salt`` or ``salt_env``). Must not be empty.
    """

    def __init__(self, salt: str) -> None:
        if not salt:
            raise ValueError("the pseudonymisation salt must not be empty")
        key = salt.encode("utf-8")
        if len(key) > 64:  # RFC 2104: keys longer than the block size are hashed first
            key = hashlib.sha256(key).digest()
        key = key.ljust(64, b"\0")
        # HMAC = H(key ^ opad || H(key ^ ipad || message)); the two keyed prefixes are hashed once
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def key(self, upn: str) -> str:
        """Return the pupil key of one normalised UPN."""
        return self.keys([upn])[0]  # type: ignore[return-value]

    def keys(self, upns: list[str | None]) -> list[str | None]:
        """Return the pupil keys of many normalised UPNs (None stays None)."""
        new_inner, new_outer = self._inner.copy, self._outer.copy
        out: list[str | None] = []
        append = out.append
        for upn in upns:
            if upn is None:
                append(None)
                continue
            inner = new_inner()
            inner.update(upn.encode("utf-8"))
            outer = new_outer()
            outer.update(inner.digest())
            append(outer.hexdigest()[:KEY_LENGTH])
        return out
