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

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jsna.clean.coded_fields import decode, encode

OK, MISSING, UNREADABLE, IMPOSSIBLE = "ok", "missing", "unreadable", "impossible"
STATUS_NAMES: tuple[str, ...] = (OK, MISSING, UNREADABLE, IMPOSSIBLE)

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


#: The accepted forms as named-group patterns, tried in order (see the module docstring).
_FORMS: tuple[str, ...] = (
    r"^(?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})(?:[T ].*)?$",
    r"^(?P<day>\d{1,2})[/.\-](?P<month>\d{1,2})[/.\-](?P<year>\d{4})(?: .*)?$",
)
_SERIAL_FORM = r"^(?P<serial>\d{1,7})(?:\.0+)?$"


def _parse_distinct(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Dates and status codes of distinct raw values, every form matched by Arrow at once."""
    text = pc.utf8_trim_whitespace(values)
    n = len(text)
    status = np.full(n, STATUS_NAMES.index(UNREADABLE), dtype=np.int8)
    dates = np.full(n, np.datetime64("NaT", "D"), dtype="datetime64[D]")
    blank = pc.fill_null(pc.equal(pc.binary_length(text), 0), True).to_numpy(zero_copy_only=False)
    status[blank] = STATUS_NAMES.index(MISSING)
    year, month, day = (np.zeros(n, dtype=np.int64) for _ in range(3))
    matched = np.zeros(n, dtype=bool)
    for form in _FORMS:
        found = pc.extract_regex(text, form)
        hit = found.is_valid().to_numpy(zero_copy_only=False) & ~matched
        if hit.any():
            for part, out in (("year", year), ("month", month), ("day", day)):
                numbers = pc.cast(pc.struct_field(found, part), pa.int64())
                out[hit] = numbers.fill_null(0).to_numpy(zero_copy_only=False)[hit]
            matched |= hit
    # a real calendar date: month 1-12 and day within that month (leap years included)
    month_start = (np.maximum(year, 1) - 1970).astype("datetime64[Y]").astype("datetime64[M]") \
        + np.clip(month - 1, 0, 11).astype("timedelta64[M]")
    days_in_month = ((month_start + np.timedelta64(1, "M")).astype("datetime64[D]")
                     - month_start.astype("datetime64[D]")).astype(np.int64)
    real = matched & (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) \
        & (day <= days_in_month)
    dates[real] = month_start[real].astype("datetime64[D]") + (day[real] - 1).astype(
        "timedelta64[D]")
    status[real] = STATUS_NAMES.index(OK)
    status[matched & ~real] = STATUS_NAMES.index(IMPOSSIBLE)
    # Excel serial day numbers (1 = 1 January 1900, Excel's leap-year slip included)
    serial = pc.extract_regex(text, _SERIAL_FORM)
    is_serial = serial.is_valid().to_numpy(zero_copy_only=False) & ~matched & ~blank
    if is_serial.any():
        number = pc.cast(pc.struct_field(serial, "serial"), pa.int64()).fill_null(0).to_numpy(
            zero_copy_only=False)
        in_range = is_serial & (number >= 1) & (number <= _LARGEST_SERIAL)
        dates[in_range] = _EXCEL_EPOCH + number[in_range].astype("timedelta64[D]")
        status[in_range] = STATUS_NAMES.index(OK)
        status[is_serial & ~in_range] = STATUS_NAMES.index(IMPOSSIBLE)
    return dates, status


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
    dates, status = _parse_distinct(values)
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
