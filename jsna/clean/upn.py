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
import sys
from collections.abc import Iterable
from functools import cached_property

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from jsna.clean.words import fixed_step_words

CHECK_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"
UPN_LENGTH = 13
KEY_LENGTH = 16

# status of a normalised UPN: small integer codes, named by STATUS_NAMES
VALID, TEMPORARY, MISSING, BAD_FORMAT, BAD_CHECK_LETTER = range(5)
STATUS_NAMES: tuple[str, ...] = ("valid", "temporary", "missing", "format", "check_letter")
#: The two hexadecimal digits of each byte value, as one 16-bit unit of text.
_HEX_PAIRS = np.frombuffer(bytes(range(256)).hex().encode("ascii"), dtype=np.uint16)
#: The four hexadecimal digits of every two bytes, indexed by those bytes read as one uint16 in
#: the machine's byte order: one table lookup per two bytes of a key.
_HEX_QUADS = np.ascontiguousarray(
    _HEX_PAIRS[np.arange(65536, dtype=np.uint16).view(np.uint8).reshape(-1, 2)]
).view(np.uint32).ravel()
_HEX_QUAD_ARRAY = pa.array(_HEX_QUADS)
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
    """
    values = _as_string_array(values)
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    # whitespace, control characters, lower case or non-ASCII bytes: the slower full path
    if any(_needs_normalising(_data_bytes(chunk)) for chunk in chunks):
        values = pc.utf8_upper(pc.replace_substring_regex(values, r"\s+", ""))
    empty = pc.equal(pc.binary_length(values), 0)
    if pc.any(empty).as_py():
        values = pc.if_else(empty, pa.scalar(None, pa.string()), values)
    return values


def _needs_normalising(data: np.ndarray) -> bool:
    return bool(data.size) and bool(
        ((data <= 32) | ((data >= 97) & (data <= 122)) | (data >= 127)).any())


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

    ``lengths`` and ``fits`` may be read-only views of a single value.
    """
    n = len(values)
    if isinstance(values, pa.ChunkedArray) and n and not values.null_count:
        lengths_range = pc.min_max(pc.binary_length(values))
        width = lengths_range["max"].as_py()
        if width == lengths_range["min"].as_py() and 8 < width < _BLOCK:
            blocks = _fixed_width_blocks(values.combine_chunks(), width)
            # one length and no blank: read-only views of one value, no memory per row
            return blocks, np.broadcast_to(np.int64(width), (n,)), np.broadcast_to(True, (n,))
    blocks = np.zeros((n, _BLOCK), dtype=np.uint8)
    lengths = np.zeros(n, dtype=np.int64)
    start = 0
    for chunk in values.chunks if isinstance(values, pa.ChunkedArray) else [values]:
        stop = start + len(chunk)
        lengths[start:stop] = _fill_blocks(chunk, blocks[start:stop])
        start = stop
    fits = values.is_valid().to_numpy(zero_copy_only=False) & (lengths < _BLOCK)
    return blocks, lengths, fits


def _fixed_width_blocks(values: pa.Array, width: int) -> np.ndarray:
    """Padded blocks of values that all have ``width`` bytes (9-15), no nulls (every UPN, usually).

    Each block is two 8-byte words read in place at a fixed step through the text: its first 8
    bytes, and the next ``width - 8`` bytes followed by the padding bytes.
    """
    n = len(values)
    offsets = _offsets(values)
    text = _data_bytes(values)[offsets[0]:offsets[-1]]
    tail = width - 8
    padding = _BLOCK - width
    pad_word = int.from_bytes(bytes(tail) + bytes([padding]) * padding, "little")
    blocks = np.empty((n, 2), dtype="<u8")
    fixed_step_words(text, n, width, out=blocks[:, 0])
    fixed_step_words(text, n, width, offset=8, out=blocks[:, 1])
    blocks[:, 1] &= np.uint64((1 << (8 * tail)) - 1)
    blocks[:, 1] |= np.uint64(pad_word)
    return blocks.view(np.uint8)


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


def _all_digits(words: np.ndarray, selected: range) -> np.ndarray:
    """True where every byte of ``words`` (native uint64) at a ``selected`` position is 0-9.

    Bitwise test of 8 bytes at once: the high nibble is 3 and adding 6 to the low nibble does
    not carry (it is at most 9). The words are in the machine's byte order (no byte swapping), so
    the byte positions are turned into a mask in that order.
    """
    mask = int.from_bytes(bytes(0xFF if i in selected else 0 for i in range(8)), sys.byteorder)

    def part(pattern: int) -> np.uint64:
        return np.uint64(mask & pattern)

    high_nibble_ok = (words & part(0xF0F0F0F0F0F0F0F0)) == part(0x3030303030303030)
    low_nibble = words & part(0x0F0F0F0F0F0F0F0F)
    return high_nibble_ok & (((low_nibble + part(0x0606060606060606))
                              & part(0x1010101010101010)) == 0)


def _weighted_digit_sum(words: np.ndarray, lanes: tuple[int, ...]) -> np.ndarray:
    """Sum of ``weight x digit`` over the bytes of native uint64 words whose weight is not 0.

    ``lanes`` gives the weight of each of the 8 bytes (in memory order). The low nibble of each
    byte is its digit (the caller checks the bytes are digits). The even and the odd bytes are
    spread into four 16-bit lanes each and multiplied by a constant holding the lanes' weights in
    reverse order: the top lane of the product is then the weighted sum (at most 4 x 9 x 15, so
    no lane carries into the next), and the rest of the product falls off the 64-bit end.
    """
    order = list(range(8)) if sys.byteorder == "little" else list(range(7, -1, -1))
    significance = {byte: order.index(byte) for byte in range(8)}  # byte -> its place in a word
    total = np.zeros(len(words), dtype=np.uint64)
    for parity in (0, 1):
        weights = [0, 0, 0, 0]
        for byte, weight in enumerate(lanes):
            place = significance[byte]
            if weight and place % 2 == parity:
                weights[place // 2] = weight
        if not any(weights):
            continue
        constant = sum(weight << (16 * (3 - lane)) for lane, weight in enumerate(weights))
        spread = (words >> np.uint64(8 * parity)) & np.uint64(0x000F000F000F000F)
        spread *= np.uint64(constant)
        total += spread
    return total >> np.uint64(48)


def _status_codes(blocks: np.ndarray, lengths: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """UPN status code of each padded value (see :func:`upn_status_codes`)."""
    status = np.full(len(lengths), BAD_FORMAT, dtype=np.int8)
    status[~valid] = MISSING
    is_candidate = valid & (lengths == UPN_LENGTH)
    every = bool(is_candidate.all())
    candidate = slice(None) if every else np.flatnonzero(is_candidate)
    chosen = blocks if every else blocks[candidate]
    if chosen.shape[0] == 0:
        return status
    # characters 2-12 are digits: bytes 1-7 of the first 8-byte word, bytes 0-3 of the second
    words = chosen.view(np.uint64)
    first, second = words[:, 0], words[:, 1]
    middle_digits = _all_digits(first, range(1, 8)) & _all_digits(second, range(4))
    last_character = chosen[:, UPN_LENGTH - 1]
    last = _CHARACTER_VALUE[last_character]
    check = _LETTER[chosen[:, 0]]
    well_formed = middle_digits & (last >= 0) & (check >= 0)
    # weighted sum of characters 2-13: the digits by 16-bit lanes of the words (no BLAS, no
    # per-character passes), then character 13, a digit or the letter of a temporary UPN
    total = (_weighted_digit_sum(first, (0, 2, 3, 4, 5, 6, 7, 8))
             + _weighted_digit_sum(second, (9, 10, 11, 12, 0, 0, 0, 0)))
    total += last.astype(np.uint64) * np.uint64(13)  # a wrong last character is caught above
    check_ok = (total % np.uint64(23)).astype(np.int8) == check
    codes = np.where(last_character >= ord("A"), np.int8(TEMPORARY), np.int8(VALID))
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

    @cached_property
    def high(self) -> np.ndarray:
        """First 8 bytes of each block as one unsigned integer each, in the machine's byte order.

        The bits of the pupil key, for hashing and bucketing (not its printed value).
        """
        return np.ascontiguousarray(self.cipher).view(np.uint64)[:, 0]  # a view, every 16 bytes

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
        # the first 8 bytes of each block, as one number each
        key_bytes = np.ascontiguousarray(self.cipher).view(np.uint64)[:, 0]
        key_bytes = np.ascontiguousarray(key_bytes) if rows is None else key_bytes.take(rows)
        valid = self.valid if rows is None else self.valid.take(rows)
        n = len(key_bytes)
        # four hexadecimal digits per 2 bytes (an Arrow take: numpy's would first copy the
        # indices to 64-bit integers)
        text = pc.take(_HEX_QUAD_ARRAY, pa.array(key_bytes.view(np.uint16))).buffers()[1]
        offsets = np.arange(n + 1, dtype=np.int32) * KEY_LENGTH
        nulls = None if valid.all() else pa.array(valid, type=pa.bool_()).buffers()[1]
        return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), text, nulls)
