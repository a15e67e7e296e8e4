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

Pseudonymisation: ``pupil_key`` is a keyed pseudonym of the normalised UPN, so the same UPN gets
the same key in every census and nobody without the council's secret salt can link a key to a
UPN, even by trying every possible UPN. It uses *deterministic encryption*, one of the two
pseudonymisation techniques (with keyed hashing) recommended by ENISA, *Pseudonymisation techniques
and best practices* (2019), section 5: the UPN, padded to one 16-byte block (PKCS #7), is encrypted
with AES-256 (FIPS 197) under a key derived from the salt (HMAC-SHA256 of a fixed label, RFC 2104),
and the first 8 bytes of the block are kept, as 16 hexadecimal characters. Truncation makes the
key one-way even for the salt's holder, short of trying candidate UPNs. A block cipher encrypts a
whole census in one vectorised call (a per-UPN HMAC in Python costs a second per million pupils).
Values longer than 15 bytes (never a well-formed UPN) do not fit one block and take the first 8
bytes of HMAC-SHA256 under a second derived key instead.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

CHECK_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"
UPN_LENGTH = 13
KEY_LENGTH = 16

# status of a normalised UPN: small integer codes, named by STATUS_NAMES
VALID, TEMPORARY, MISSING, BAD_FORMAT, BAD_CHECK_LETTER = range(5)
STATUS_NAMES: tuple[str, ...] = ("valid", "temporary", "missing", "format", "check_letter")
#: Bytes of one AES block: values up to one byte shorter are padded into a single block.
_BLOCK = 16

# character value lookup: digits 0-9 -> 0-9, alphabet letters -> 0-22, others -> -1
_DIGIT = np.full(256, -1, dtype=np.int8)
_DIGIT[np.frombuffer(b"0123456789", dtype=np.uint8)] = np.arange(10)
_LETTER = np.full(256, -1, dtype=np.int8)
_LETTER[np.frombuffer(CHECK_ALPHABET.encode(), dtype=np.uint8)] = np.arange(23)
#: Value of character 13: a digit's own value, or a check-alphabet letter's position; else -1.
_CHARACTER_VALUE = np.where(_DIGIT >= 0, _DIGIT, _LETTER).astype(np.int8)


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


def normalise_upns(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Upper-case UPNs and remove every space.

    Parameters
    ----------
    values : pyarrow.Array or pyarrow.ChunkedArray of str
        Raw UPNs (nulls allowed); ``large_string`` and ``string_view`` are cast to ``string``.

    Returns
    -------
    pyarrow.Array or pyarrow.ChunkedArray of str
        Normalised UPNs; blanks become null.

    Notes
    -----
    When every UPN is ASCII letters and digits (as in most extracts) there is no space to remove
    and ``ascii_upper`` is enough. That test costs 0.02 s per million UPNs; the regular expression
    it spares costs 0.48 s (measured on ``benchmarks/clean_census.py``'s census, where the
    plain ``pyarrow`` read takes 0.8 s). Without it and the first-half test of
    :func:`jsna.clean.repeated_upns.shared_upns`, the benchmark's fastest cleaning was 3.1x, 5.5x
    and 4.3x the fastest read in three runs (target 4x); with them, 1.6x to 2.8x.
    """
    values = _as_string_array(values)
    if pc.all(pc.ascii_is_alnum(values)).as_py():  # nothing to remove: upper case is enough
        values = pc.ascii_upper(values)
    else:
        values = pc.utf8_upper(pc.replace_substring_regex(values, r"\s+", ""))
    empty = pc.equal(pc.binary_length(values), 0)
    if pc.any(empty).as_py():
        values = pc.if_else(empty, pa.scalar(None, pa.string()), values)
    return values


def _data_bytes(values: pa.Array) -> np.ndarray:
    """The bytes of a string array's values (including any before its offset)."""
    data = values.buffers()[2]
    return np.zeros(0, dtype=np.uint8) if data is None else np.frombuffer(data, dtype=np.uint8)


def _offsets(values: pa.Array) -> np.ndarray:
    """Start of each value in :func:`_data_bytes`, plus the end of the last (int64)."""
    offsets = values.buffers()[1]
    if offsets is None:
        return np.zeros(len(values) + 1, dtype=np.int64)
    return np.frombuffer(offsets, dtype=np.int32)[values.offset:values.offset + len(values) + 1]


def _padded_blocks(
    values: pa.Array | pa.ChunkedArray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each value as one 16-byte PKCS #7 padded block.

    Returns
    -------
    blocks : numpy.ndarray of uint8, shape (n, 16)
        Zero for null values and for values longer than 15 bytes.
    lengths : numpy.ndarray of int64
        Length in bytes (0 for null).
    fits : numpy.ndarray of bool
        True where the value is not null and fits one block.
    """
    n = len(values)
    blocks = np.zeros((n, _BLOCK), dtype=np.uint8)
    lengths = np.zeros(n, dtype=np.int64)
    start = 0
    for chunk in values.chunks if isinstance(values, pa.ChunkedArray) else [values]:
        stop = start + len(chunk)
        lengths[start:stop] = _fill_blocks(chunk, blocks[start:stop])
        start = stop
    fits = values.is_valid().to_numpy(zero_copy_only=False) & (lengths < _BLOCK)
    return blocks, lengths, fits


def _fill_blocks(values: pa.Array, blocks: np.ndarray) -> np.ndarray:
    """Write one array's values into ``blocks`` (padded); return their lengths (0 for null)."""
    n = len(values)
    offsets = _offsets(values).astype(np.int64)
    lengths = np.diff(offsets)
    valid = values.is_valid().to_numpy(zero_copy_only=False)
    lengths[~valid] = 0
    fits = valid & (lengths < _BLOCK)
    data = _data_bytes(values)
    present = np.flatnonzero(np.bincount(lengths[fits], minlength=_BLOCK))
    for length in present.tolist():
        if present.size == 1 and fits.all():  # every value the same length (the usual case)
            rows: np.ndarray | slice = slice(None)
            if length and offsets[-1] - offsets[0] == n * length:  # contiguous: no gather
                chars = data[offsets[0]:offsets[-1]].reshape(n, length)
            else:
                chars = data[offsets[:-1, None] + np.arange(length)]
        else:
            rows = np.flatnonzero(fits & (lengths == length))
            chars = data[offsets[rows][:, None] + np.arange(length)]
        blocks[rows, :length] = chars
        blocks[rows, length:] = _BLOCK - length
    return lengths


def _status_codes(blocks: np.ndarray, lengths: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """UPN status code of each padded value (see :func:`upn_status_codes`)."""
    status = np.full(len(lengths), BAD_FORMAT, dtype=np.int8)
    status[~valid] = MISSING
    is_candidate = valid & (lengths == UPN_LENGTH)
    candidate = slice(None) if is_candidate.all() else np.flatnonzero(is_candidate)
    chars = blocks[candidate, :UPN_LENGTH]
    check = _LETTER[chars[:, 0]]  # the check letter's position in the alphabet, -1 if none
    digits = chars[:, 1:UPN_LENGTH - 1] - np.uint8(ord("0"))  # characters 2-12 (> 9: no digit)
    last = _CHARACTER_VALUE[chars[:, UPN_LENGTH - 1]]  # character 13: a digit or a letter
    well_formed = (check >= 0) & (digits.max(axis=1, initial=0) <= 9) & (last >= 0)
    # weights 2-13 on characters 2-13, remainder modulo 23 (DfE check letter)
    total = (digits.astype(np.int16) @ np.arange(2, UPN_LENGTH, dtype=np.int16)
             + np.int16(13) * last)
    check_ok = total % 23 == check
    codes = np.where(chars[:, UPN_LENGTH - 1] >= ord("A"), np.int8(TEMPORARY), np.int8(VALID))
    codes[~check_ok] = BAD_CHECK_LETTER
    codes[~well_formed] = BAD_FORMAT
    status[candidate] = codes
    return status


def _is_text_type(kind: pa.DataType) -> bool:
    """True for Arrow text types that cast to ``string`` without changing any value."""
    is_view = getattr(pa.types, "is_string_view", lambda _: False)
    if pa.types.is_dictionary(kind):
        return _is_text_type(kind.value_type)
    return (pa.types.is_string(kind) or pa.types.is_large_string(kind) or is_view(kind)
            or pa.types.is_null(kind))


def _as_string_array(
    values: pa.Array | pa.ChunkedArray | Iterable[str | None],
) -> pa.Array | pa.ChunkedArray:
    """UPNs as an Arrow ``string`` array (32-bit offsets), which the byte-level code reads.

    ``large_string`` (what pandas 3 and polars give), ``string_view`` and dictionary-encoded
    text are cast (the values are unchanged); any other type is refused: reading its buffers as
    ``string`` would give every value the same bytes, hence one key for different UPNs.

    Raises
    ------
    TypeError
        If the array does not hold text.
    """
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        kind = values.type
        if pa.types.is_string(kind):
            return values
        if not _is_text_type(kind):
            raise TypeError(f"UPNs must be an Arrow text array (string, large_string or "
                            f"string_view), not {kind}")
        try:
            return values.cast(pa.string())
        except pa.ArrowInvalid as error:  # more than 2 GiB of text in one chunk
            raise TypeError(f"UPNs of type {kind} do not fit an Arrow string array: {error}; "
                            f"pass them in smaller chunks") from error
    return pa.array(list(values), type=pa.string())


def upn_status_codes(values: pa.Array | Iterable[str | None]) -> np.ndarray:
    """Classify normalised UPNs as status codes (``VALID`` ... ``BAD_CHECK_LETTER``).

    Parameters
    ----------
    values : pyarrow.Array of str or iterable of str
        Normalised UPNs (see :func:`normalise_upns`).

    Returns
    -------
    numpy.ndarray of int8
        One code per value; :data:`STATUS_NAMES` names them.
    """
    values = _as_string_array(values)
    blocks, lengths, _ = _padded_blocks(values)
    return _status_codes(blocks, lengths, values.is_valid().to_numpy(zero_copy_only=False))


def upn_status(values: pa.Array | Iterable[str | None]) -> np.ndarray:
    """Classify normalised UPNs by name, as :func:`upn_status_codes` does by code.

    Each value becomes one of ``"valid"``, ``"temporary"``, ``"missing"``, ``"format"`` or
    ``"check_letter"`` (a numpy array of str).
    """
    return np.array(STATUS_NAMES)[upn_status_codes(values)]


class Pseudonymiser:
    """Turn normalised UPNs into stable, salted ``pupil_key`` values (16 hex characters).

    See the module docstring for the construction (AES-256 deterministic encryption, truncated).

    Parameters
    ----------
    salt : str
        The council's secret (``[census] salt`` or ``salt_env``). Must not be empty.
    """

    #: Labels separating the two keys derived from the salt (RFC 2104 HMAC-SHA256).
    CIPHER_LABEL = b"jsna pupil_key: AES-256 key"
    LONG_VALUE_LABEL = b"jsna pupil_key: key for values longer than one block"

    def __init__(self, salt: str) -> None:
        if not salt:
            raise ValueError("the pseudonymisation salt must not be empty")
        secret = salt.encode("utf-8")
        self._cipher = Cipher(
            algorithms.AES(hmac.digest(secret, self.CIPHER_LABEL, "sha256")), modes.ECB()
        )
        self._long_key = hmac.digest(secret, self.LONG_VALUE_LABEL, "sha256")

    def key(self, upn: str) -> str:
        """Return the pupil key of one normalised UPN."""
        return self.keys([upn])[0]  # type: ignore[return-value]

    def keys(self, upns: list[str | None]) -> list[str | None]:
        """Return the pupil keys of many normalised UPNs (None stays None)."""
        return self.keys_array(pa.array(upns, type=pa.string())).to_pylist()

    def encrypted(self, upns: pa.Array | pa.ChunkedArray) -> PseudonymisedUpns:
        """Encrypt every UPN of an array once: keys, status codes and exact identity.

        Parameters
        ----------
        upns : pyarrow.Array or pyarrow.ChunkedArray of str
            Normalised UPNs (nulls allowed). ``large_string``, ``string_view`` and
            dictionary-encoded text are cast to ``string`` first.

        Returns
        -------
        PseudonymisedUpns

        Raises
        ------
        TypeError
            If ``upns`` is an Arrow array that does not hold text.
        """
        upns = _as_string_array(upns)
        blocks, lengths, fits = _padded_blocks(upns)
        valid = upns.is_valid().to_numpy(zero_copy_only=False)
        status = _status_codes(blocks, lengths, valid)
        encryptor = self._cipher.encryptor()
        # written straight into an array (the API asks for one block of room to spare)
        out = np.empty(blocks.size + _BLOCK, dtype=np.uint8)
        written = encryptor.update_into(np.ascontiguousarray(blocks), out) if blocks.size else 0
        encryptor.finalize()  # ECB holds nothing back
        cipher = out[:written].reshape(-1, _BLOCK)
        long_rows = np.flatnonzero(valid & ~fits)
        if long_rows.size:
            values = upns.take(pa.array(long_rows, type=pa.int64())).to_pylist()
            cipher[long_rows] = np.frombuffer(b"".join(
                hmac.digest(self._long_key, value.encode("utf-8"), "sha256")[:_BLOCK]
                for value in values), dtype=np.uint8).reshape(-1, _BLOCK)
        if not valid.all():
            cipher[~valid] = 0
        return PseudonymisedUpns(cipher=cipher, valid=valid, status=status)

    def keys_array(self, upns: pa.Array) -> pa.Array:
        """Return the pupil keys of an array of normalised UPNs (null stays null)."""
        return self.encrypted(upns).keys()


class PseudonymisedUpns:
    """UPNs after :meth:`Pseudonymiser.encrypted`: no UPN is kept.

    Attributes
    ----------
    cipher : numpy.ndarray of uint8, shape (n, 16)
        The encrypted block of each UPN (zero for null). Equal blocks mean equal UPNs: the cipher
        is a permutation and the padding is reversible.
    valid : numpy.ndarray of bool
        False for null UPNs.
    status : numpy.ndarray of int8
        UPN status codes (see :data:`STATUS_NAMES`).
    """

    def __init__(self, cipher: np.ndarray, valid: np.ndarray, status: np.ndarray) -> None:
        self.cipher = cipher
        self.valid = valid
        self.status = status

    def keys(self, rows: np.ndarray | None = None) -> pa.Array:
        """Pupil keys (16 hex characters) of the given rows (all by default); null for null UPNs.

        Parameters
        ----------
        rows : numpy.ndarray of int, optional
            Positions to return.

        Returns
        -------
        pyarrow.Array of str
        """
        first = self.cipher[:, :8] if rows is None else self.cipher[rows, :8]
        valid = self.valid if rows is None else self.valid[rows]
        n = len(first)
        text = pa.py_buffer(np.ascontiguousarray(first).tobytes().hex().encode("ascii"))
        offsets = np.arange(n + 1, dtype=np.int32) * KEY_LENGTH
        nulls = None if valid.all() else pa.array(valid, type=pa.bool_()).buffers()[1]
        return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), text, nulls)
