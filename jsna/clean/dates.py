"""Dates of birth and census dates: parsing and age on 31 August.

Accepted forms (as found in MIS exports and spreadsheets re-saved as CSV):

* ISO ``YYYY-MM-DD`` (also ``YYYY/MM/DD``, optionally followed by a time);
* UK ``DD/MM/YYYY`` (also with ``-`` or ``.``, one-digit day or month, optionally a time);
* Excel serial day numbers (days since 30 December 1899, the 1900 date system; whole numbers,
  optionally ``.0``).

A value in none of these forms is *unreadable*; a value in one of them that is not a real date
(``31/02/2015``) is *impossible*. Both are reported by row, never silently dropped.

Age: DfE school census and SEN statistics use the pupil's age in completed years **on 31 August
before the census** (the start of the academic year): for the January 2025 census, age on
31 August 2024.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from jsna.clean.codes import decode, encode

OK, MISSING, UNREADABLE, IMPOSSIBLE = "ok", "missing", "unreadable", "impossible"
STATUS_NAMES: tuple[str, ...] = (OK, MISSING, UNREADABLE, IMPOSSIBLE)

_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ].*)?$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?: .*)?$")
_SERIAL = re.compile(r"^(\d{1,7})(?:\.0+)?$")
_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")
_LARGEST_SERIAL = 2958465  # 31 December 9999


@dataclass(frozen=True)
class ParsedDates:
    """Result of :func:`parse_dates`.

    Attributes
    ----------
    dates : numpy.ndarray of datetime64[D]
        The date, ``NaT`` when missing, unreadable or impossible.
    status_codes : numpy.ndarray of int8
        Position in :data:`STATUS_NAMES` of each row's status.
    """

    dates: np.ndarray
    status_codes: np.ndarray

    @property
    def status(self) -> np.ndarray:
        """``"ok"``, ``"missing"``, ``"unreadable"`` or ``"impossible"`` per row."""
        return np.array(STATUS_NAMES)[self.status_codes]


def _parse_one(text: str) -> tuple[np.datetime64, str]:
    text = text.strip()
    if not text:
        return np.datetime64("NaT", "D"), MISSING
    match = _ISO.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _DMY.match(text)
        if match:
            day, month, year = (int(g) for g in match.groups())
        else:
            match = _SERIAL.match(text)
            if not match:
                return np.datetime64("NaT", "D"), UNREADABLE
            serial = int(match.group(1))
            if not 1 <= serial <= _LARGEST_SERIAL:
                return np.datetime64("NaT", "D"), IMPOSSIBLE
            return _EXCEL_EPOCH + np.timedelta64(serial, "D"), OK
    if not (1 <= month <= 12 and 1 <= day <= 31 and year >= 1):
        return np.datetime64("NaT", "D"), IMPOSSIBLE
    try:
        value = np.datetime64(f"{year:04d}-{month:02d}-{day:02d}", "D")
    except ValueError:
        return np.datetime64("NaT", "D"), IMPOSSIBLE
    return value, OK


def parse_dates(column: pa.Array | pa.ChunkedArray | list[str | None]) -> ParsedDates:
    """Parse a text column of dates in ISO, DD/MM/YYYY or Excel-serial form.

    Each distinct value is parsed once, so a census of a million pupils (a few thousand distinct
    dates of birth) is fast.

    Parameters
    ----------
    column : pyarrow.Array, pyarrow.ChunkedArray or list of str
        Raw values (null or blank = missing).

    Returns
    -------
    ParsedDates
    """
    if isinstance(column, list):
        column = pa.array(column, type=pa.string())
    codes, values = encode(column)
    parsed = [_parse_one(v) for v in values.to_pylist()]
    dates = np.array([p[0] for p in parsed], dtype="datetime64[D]")
    status = np.array([STATUS_NAMES.index(p[1]) for p in parsed], dtype=np.int8)
    return ParsedDates(
        dates=decode(codes, dates, np.datetime64("NaT", "D")).astype("datetime64[D]"),
        status_codes=decode(codes, status, STATUS_NAMES.index(MISSING)),
    )


def age_on_31_august(dates: np.ndarray, census_years: np.ndarray | int) -> np.ndarray:
    """Completed years of age on 31 August before each census.

    Parameters
    ----------
    dates : numpy.ndarray of datetime64[D]
        Dates of birth (``NaT`` allowed).
    census_years : numpy.ndarray of int or int
        Year of the January census (2025 means age on 31 August 2024).

    Returns
    -------
    numpy.ndarray of float64
        Age in years, NaN where the date is ``NaT``.

    Examples
    --------
    >>> import numpy as np
    >>> age_on_31_august(np.array(["2019-08-31", "2019-09-01"], dtype="datetime64[D]"), 2025)
    array([5., 4.])
    """
    dates = np.asarray(dates, dtype="datetime64[D]")
    missing = np.isnat(dates)
    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    months = dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (dates - dates.astype("datetime64[M]")).astype(np.int64) + 1
    reference_year = np.asarray(census_years, dtype=np.int64) - 1
    birthday_after_31_august = (months * 100 + days) > 831
    age = (reference_year - years - birthday_after_31_august).astype(np.float64)
    age[missing] = np.nan
    return age
