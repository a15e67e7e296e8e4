"""Normalise the coded census fields: enrolment status, SEN provision, need, year group, sex, FSM.

Every function works on the *distinct* values of a column (a census of a million pupils has a
handful of distinct SEN codes), so cleaning stays vectorised: :func:`encode` splits a column
into integer codes and its distinct values, a normaliser maps the distinct values, and the
:class:`Coded` result spreads them back over the rows.

Codes and conventions (DfE, *School census guide* and *Special educational needs in England*
methodology):

* **Enrolment status** ``C`` current single registration, ``M`` main dual registration, ``S``
  subsidiary dual registration, ``G`` guest. DfE headcounts count ``C`` and ``M`` only, so that a
  dual-registered pupil is counted once, at the main school.
* **SEN provision** ``E`` education, health and care plan, ``K`` SEN support, ``N`` no SEN. The
  Children and Families Act 2014 replaced School Action (``A``) and School Action Plus (``P``) with
  SEN support from September 2014, and statements (``S``) with EHC plans over a transition that
  ended on 31 March 2018; DfE statistics count statements with EHC plans and School Action/Plus with
  SEN support. Here ``A``/``P`` are recoded to ``K`` for censuses up to January 2014 (the last before
  SEN support) and ``S`` to ``E`` for censuses up to January 2018 (the last with statements).
  In later censuses these codes are reported as unknown.
* **Primary and secondary need** (SEN type): ASD, HI, MLD, MSI, OTH, PD, PMLD, SEMH, SLCN, SLD,
  SPLD, VI and NSA (SEN support but no specialist assessment of type of need). BESD (behaviour,
  emotional and social difficulties) was replaced by SEMH in 2015 and is recoded to SEMH.
* **NC year actual** ``N1`` and ``N2`` (nursery), ``R`` (reception), ``1`` to ``14``, and ``X``
  (not following the National Curriculum year groups).
* **Gender** ``M``/``F``. **FSM eligible** true/false (exports also use 1/0, Y/N, Yes/No, T/F).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jsna.sen_need_codes import NEED_CODES

#: Enrolment statuses counted in DfE headcounts.
COUNTED_STATUSES: tuple[str, ...] = ("C", "M")
ENROL_STATUSES: tuple[str, ...] = ("C", "M", "S", "G")
SEN_PROVISIONS: tuple[str, ...] = ("E", "K", "N")
#: Legacy need codes and their current equivalent.
LEGACY_NEED_CODES: dict[str, str] = {"BESD": "SEMH"}
NC_YEARS: tuple[str, ...] = ("N1", "N2", "R", *(str(y) for y in range(1, 15)), "X")
#: Last census (January) in which the legacy provision codes were valid.
LAST_SCHOOL_ACTION_CENSUS = 2014
LAST_STATEMENT_CENSUS = 2018

# statuses returned with normalised values, and their integer codes in Coded
OK, RECODED, UNKNOWN, MISSING = "ok", "recoded", "unknown", "missing"
STATUS_NAMES: tuple[str, ...] = (OK, RECODED, UNKNOWN, MISSING)
OK_CODE, RECODED_CODE, UNKNOWN_CODE, MISSING_CODE = range(4)

_ENROL_WORDS = {
    "CURRENT": "C", "SINGLE": "C", "MAIN": "M", "DUALMAIN": "M", "SUBSIDIARY": "S",
    "DUALSUBSIDIARY": "S", "GUEST": "G",
}
_SEX_WORDS = {"M": "M", "MALE": "M", "BOY": "M", "F": "F", "FEMALE": "F", "GIRL": "F"}
_TRUE_WORDS = frozenset({"TRUE", "T", "1", "Y", "YES", "-1"})
_FALSE_WORDS = frozenset({"FALSE", "F", "0", "N", "NO"})
_NC_PATTERN = re.compile(r"^(?:YEAR|YR|Y|NC)?0*(\d{1,2})$")
_NC_WORDS = {"R": "R", "REC": "R", "RECEPTION": "R", "N1": "N1", "NURSERY1": "N1",
             "N2": "N2", "NURSERY2": "N2", "X": "X"}


def encode(column: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Split a column into integer codes and its distinct values (Arrow's dictionary encoding).

    Parameters
    ----------
    column : pyarrow.Array or pyarrow.ChunkedArray
        Any column (normally text).

    Returns
    -------
    codes : numpy.ndarray of int32
        Position of each row's value in ``values``; ``-1`` for a null.
    values : pyarrow.Array
        The distinct non-null values, in order of first appearance.
    """
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if column.null_count == len(column):  # nothing but blanks (or no rows): no values
        return np.full(len(column), -1, dtype=np.int32), pa.array([], column.type)
    encoded = pc.dictionary_encode(column)
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    return codes.astype(np.int32, copy=False), encoded.dictionary


def decode(codes: np.ndarray, mapped: np.ndarray, missing: object = None) -> np.ndarray:
    """Spread values mapped per distinct value back over the rows.

    Parameters
    ----------
    codes : numpy.ndarray of int
        From :func:`encode` (``-1`` for a null).
    mapped : numpy.ndarray
        One result per distinct value. Fixed-width text (``U``) stays fixed-width.
    missing : object
        Result for null rows.

    Returns
    -------
    numpy.ndarray
        One result per row.
    """
    codes, mapped = np.asarray(codes), np.asarray(mapped)
    if mapped.dtype.kind == "U" and isinstance(missing, str):
        dtype = np.dtype(f"U{max(mapped.dtype.itemsize // 4, len(missing), 1)}")
    elif mapped.dtype.kind in "USO" or (not mapped.size and missing is None):
        dtype = np.dtype(object)
    else:  # numbers stay numbers, also when no value is mapped (a column left blank)
        dtype = mapped.dtype
    # the missing result goes last, where code -1 points
    extended = np.empty(len(mapped) + 1, dtype=dtype)
    extended[:-1] = mapped
    extended[-1] = missing
    return extended[codes]


def dictionary_array(indices: np.ndarray, dictionary: pa.Array) -> pa.DictionaryArray:
    """Rows as a dictionary-encoded Arrow array.

    Parameters
    ----------
    indices : numpy.ndarray of int
        Position of each row's value in ``dictionary``; ``-1`` for null.
    dictionary : pyarrow.Array
        The distinct values.

    Returns
    -------
    pyarrow.DictionaryArray
    """
    indices = np.asarray(indices).astype(np.int32, copy=False)
    missing = indices < 0
    return pa.DictionaryArray.from_arrays(
        pa.array(indices, mask=missing if missing.any() else None, type=pa.int32()), dictionary)


@dataclass(frozen=True)
class Coded:
    """A text column normalised value by value (see :func:`normalise_encoded`).

    Attributes
    ----------
    codes : numpy.ndarray of int32
        Per row: position of the row's raw value among the distinct raw values, ``-1`` if null.
    values : pyarrow.Array
        Normalised value of each distinct raw value (null where not recognised).
    statuses : numpy.ndarray of int8
        Status code of each distinct raw value (:data:`OK_CODE` ... :data:`MISSING_CODE`).
    """

    codes: np.ndarray
    values: pa.Array
    statuses: np.ndarray

    def _codes(self, rows: np.ndarray | slice | None) -> np.ndarray:
        if rows is None or isinstance(rows, slice):
            return self.codes if rows is None else self.codes[rows]
        return self.codes.take(rows)

    def row_values(self, rows: np.ndarray | None = None) -> pa.Array:
        """Normalised values of the given rows (all rows by default); null for blank rows."""
        codes = self._codes(rows)
        indices = pa.array(codes, mask=codes < 0, type=pa.int64())
        return self.values.take(indices)

    @cached_property
    def _unique(self) -> tuple[np.ndarray, pa.Array]:
        """Position of each normalised value among the distinct ones (-1 for null), and those."""
        encoded = pc.dictionary_encode(self.values)
        positions = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        return positions.astype(np.int32), encoded.dictionary

    def row_indices(self, rows: np.ndarray | None = None) -> tuple[np.ndarray, pa.Array]:
        """Dictionary indices (int32, -1 for null) of the given rows' values, and the dictionary."""
        positions, dictionary = self._unique
        return decode(self._codes(rows), positions, -1).astype(np.int32, copy=False), dictionary

    def row_dictionary(self, rows: np.ndarray | None = None) -> pa.DictionaryArray:
        """Normalised values of the given rows, dictionary-encoded (no text is copied per row)."""
        return dictionary_array(*self.row_indices(rows))

    def may_have(self, statuses: Iterable[int]) -> bool:
        """Whether any row may have one of these status codes (missing for blank rows).

        Decided from the distinct values' statuses and whether any row is blank, without a pass
        over the rows' statuses. It may say yes for a status only on rows left out of this view
        (a distinct value need not be on any of these rows), never no for one that is there.
        """
        wanted = set(statuses)
        if MISSING_CODE in wanted and self.codes.size and self.codes.min() < 0:
            return True
        return bool(np.isin(self.statuses, list(wanted)).any())

    def row_statuses(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Status codes (int8) of the given rows (all rows by default); missing for blank rows."""
        return decode(self._codes(rows), self.statuses, MISSING_CODE)

    def is_value(self, wanted: tuple[object, ...], rows: np.ndarray | None = None) -> np.ndarray:
        """Boolean mask over the given rows: True where the normalised value is in ``wanted``."""
        per_value = np.array([v in wanted for v in self.values.to_pylist()], dtype=bool)
        return decode(self._codes(rows), per_value, False)


def normalise_encoded(
    encoded: tuple[np.ndarray, pa.Array],
    normalise: Callable[[list[str]], tuple[list[object], list[str]]],
    value_type: pa.DataType | None = None,
) -> Coded:
    """Apply a normaliser to a column already split by :func:`encode`.

    Parameters
    ----------
    encoded : tuple of (numpy.ndarray, pyarrow.Array)
        Codes and distinct values from :func:`encode`.
    normalise : callable
        Given the distinct raw values (list of str), returns (normalised values, statuses).
    value_type : pyarrow.DataType
        Type of the normalised values.

    Returns
    -------
    Coded
    """
    codes, distinct = encoded
    raw = distinct.to_pylist()
    normalised, statuses = normalise(raw) if raw else ([], [])
    return Coded(
        codes=codes,
        values=pa.array(normalised, type=value_type or pa.string()),
        statuses=np.array([STATUS_NAMES.index(s) for s in statuses], dtype=np.int8),
    )


def _squash(value: str) -> str:
    return re.sub(r"[\s_\-.]+", "", value).upper()


def _classified(key: str, code: object) -> tuple[object, str]:
    """A normalised value and its status: missing when blank, unknown when not recognised."""
    if not key:
        return None, MISSING
    return code, (OK if code is not None else UNKNOWN)


def _each(values: list[str], classify: Callable[[str], tuple[object, str]]
          ) -> tuple[list, list[str]]:
    """Apply ``classify`` (raw value -> (normalised value, status)) to every distinct value."""
    pairs = [classify(raw) for raw in values]
    return [value for value, _ in pairs], [status for _, status in pairs]


def _enrol_status(raw: str) -> tuple[object, str]:
    key = _squash(raw)
    return _classified(key, key if key in ENROL_STATUSES else _ENROL_WORDS.get(key))


def _need(raw: str) -> tuple[object, str]:
    key = _squash(raw)
    if key in LEGACY_NEED_CODES:
        return LEGACY_NEED_CODES[key], RECODED
    code, status = _classified(key, key if key in NEED_CODES else None)
    return ("UNKNOWN" if status == UNKNOWN else code), status


def _nc_year(raw: str) -> tuple[object, str]:
    key = _squash(raw.strip().removesuffix(".0"))
    code = _NC_WORDS.get(key)
    match = _NC_PATTERN.match(key)
    if code is None and match and 1 <= int(match.group(1)) <= 14:
        code = str(int(match.group(1)))
    return _classified(key, code)


def _sex(raw: str) -> tuple[object, str]:
    key = _squash(raw)
    return _classified(key, _SEX_WORDS.get(key))


def _fsm(raw: str) -> tuple[object, str]:
    key = _squash(raw.removesuffix(".0"))
    return _classified(key, True if key in _TRUE_WORDS else
                       (False if key in _FALSE_WORDS else None))


def _digits(lengths: tuple[int, ...]) -> Callable[[str], tuple[object, str]]:
    def classify(raw: str) -> tuple[object, str]:
        key = re.sub(r"[\s/\-]+", "", raw).removesuffix(".0")
        digits = key.isascii() and key.isdigit() and len(key) in lengths
        return _classified(key, key if digits else None)

    return classify


# Every normaliser below takes the distinct raw values of a column (list of str) and returns two
# lists as long: the normalised value (None when blank or not recognised) and its status
# (``ok``/``recoded``/``unknown``/``missing``).


def normalise_enrol_status(values: list[str]) -> tuple[list[str | None], list[str]]:
    """Normalise enrolment status codes to ``C``/``M``/``S``/``G`` (``" c"`` -> ``"C"``; ``"Main"`` -> ``"M"``)."""
    return _each(values, _enrol_status)


def normalise_sen_provision(
    values: list[str], census_year: int
) -> tuple[list[str | None], list[str]]:
    """Normalise SEN provision to ``E``/``K``/``N``, recoding legacy codes by census year.

    Parameters
    ----------
    values : list of str
        Distinct raw values.
    census_year : int
        Year of the January census (legacy codes are only valid in older censuses).

    Returns
    -------
    codes, statuses : list
        Code (None when unknown or blank) and ``ok``/``recoded``/``unknown``/``missing``.
    """

    def classify(raw: str) -> tuple[object, str]:
        key = _squash(raw)
        if key == "S" and census_year <= LAST_STATEMENT_CENSUS:
            return "E", RECODED
        if key in ("A", "P") and census_year <= LAST_SCHOOL_ACTION_CENSUS:
            return "K", RECODED
        return _classified(key, key if key in SEN_PROVISIONS else None)

    return _each(values, classify)


def normalise_need(values: list[str]) -> tuple[list[str | None], list[str]]:
    """Normalise SEN type (need) codes; BESD becomes SEMH; unrecognised codes become ``UNKNOWN``."""
    return _each(values, _need)


def normalise_nc_year(values: list[str]) -> tuple[list[str | None], list[str]]:
    """Normalise NC year actual to ``N1``, ``N2``, ``R``, ``1``..``14`` or ``X``.

    ``"07"``, ``"Year 7"``, ``"Y7"`` and ``"7.0"`` become ``"7"``; ``"Reception"`` becomes ``"R"``.
    """
    return _each(values, _nc_year)


def expected_age(nc_years: np.ndarray) -> np.ndarray:
    """Age on 31 August before the census expected for each year group.

    Reception pupils are 4 on 31 August (they turn 5 during the school year); Year *n* pupils are
    *n* + 4; nursery N2 pupils are 3 and N1 pupils 2. ``X`` and unknown year groups give -1.

    Parameters
    ----------
    nc_years : numpy.ndarray of object
        Normalised year groups (see :func:`normalise_nc_year`).

    Returns
    -------
    numpy.ndarray of int64
    """
    table = {"N1": 2, "N2": 3, "R": 4, **{str(y): y + 4 for y in range(1, 15)}}
    codes, values = encode(pa.array(nc_years, type=pa.string()))
    mapped = np.array([table.get(v, -1) for v in values.to_pylist()], dtype=np.int64)
    return decode(codes, mapped, -1).astype(np.int64)


def normalise_sex(values: list[str]) -> tuple[list[str | None], list[str]]:
    """Normalise gender to ``M``/``F`` (``"male"``, ``" f"`` accepted)."""
    return _each(values, _sex)


def normalise_fsm(values: list[str]) -> tuple[list[bool | None], list[str]]:
    """Normalise free-school-meal eligibility (true/false, 1/0, Y/N, Yes/No, T/F) to True/False."""
    return _each(values, _fsm)


def normalise_laestab(values: list[str]) -> tuple[list[str | None], list[str]]:
    """Normalise LAEstab to 7 digits (``"990/2001"`` -> ``"9902001"``)."""
    return _each(values, _digits((7,)))


def normalise_urn(values: list[str]) -> tuple[list[str | None], list[str]]:
    """Normalise a school's unique reference number (6 digits)."""
    return _each(values, _digits((6,)))
