"""Reader for DfE explore-education-statistics (EES) CSV files.

Every DfE release on https://explore-education-statistics.service.gov.uk publishes its underlying
data as CSV in one shared layout: time columns (``time_period``, ``time_identifier``), geography
columns (``geographic_level``, ``country_code``, ``region_code``, ``new_la_code``, ``old_la_code``,
``la_name`` ...), filter columns (e.g. ``phase_type_grouping``, ``breakdown_topic``, ``breakdown``,
``sen_status``, ``primary_need``) and then one column per measure, stored as text so that symbols
(``c``, ``x``, ``z``, ``low``, ``u``, ``:``) can stand in for numbers. This module reads any such
file (SEN2 "Education, health and care plans" old and new layouts, "Special educational needs in
England", ...) into a long, tidy frame.

Periods
-------
``time_period`` is kept as published (text). From it:

* ``period`` -- ``"2024/25"`` for a six-digit academic-style code such as ``202425`` (academic year,
  reporting year, terms); ``"2024-25"`` for financial and tax years; ``"2024"`` for a four-digit
  calendar year. Identifiers finer than a year (terms, quarters, months, weeks) are appended:
  ``"2024/25 Spring term"``.
* ``year`` -- an integer. **Rule:** for six-digit codes, the ending year (``202425`` -> 2025: the
  January 2025 school census and SEN2 return fall in academic year 2024/25); for four-digit codes,
  the calendar year itself.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from jsna.errors import JsnaInputError
from jsna.sources.common import (
    first_unreadable,
    is_measure_like,
    parse_published_values,
    read_text_csv,
    require_columns,
)
from jsna.sources.la_codes import current_codes
from jsna.sources.published_cache import cached_read

SOURCE = "a DfE explore-education-statistics CSV"

#: Columns every EES file has.
REQUIRED_COLUMNS = ("time_period", "time_identifier", "geographic_level")

#: geographic_level -> (code column, name column, area_type). The first code column present wins.
GEOGRAPHY: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "national": (("country_code",), ("country_name",), "England"),
    "regional": (("region_code",), ("region_name",), "Region"),
    "local authority": (("new_la_code", "old_la_code"), ("la_name",), "Local authority"),
    "local authority district": (("lad_code",), ("lad_name",), "Local authority district"),
    "ward": (("ward_code",), ("ward_name",), "Ward"),
    "parliamentary constituency": (("pcon_code",), ("pcon_name",), "Parliamentary constituency"),
    "local skills improvement plan area": (("lsip_code",), ("lsip_name",), "LSIP area"),
    "english devolved area": (
        ("english_devolved_area_code",),
        ("english_devolved_area_name",),
        "English devolved area",
    ),
    "opportunity area": (
        ("opportunity_area_code",),
        ("opportunity_area_name",),
        "Opportunity area",
    ),
    "school": (("school_urn", "school_laestab"), ("school_name",), "School"),
    "institution": (("institution_id",), ("institution_name",), "Institution"),
    "provider": (("provider_ukprn",), ("provider_name",), "Provider"),
    "mat": (("trust_id",), ("trust_name",), "Multi-academy trust"),
}

#: The time and geography columns a local-authority-level EES file starts with, in the order of
#: the SEN2 releases (some releases put ``la_name`` before ``old_la_code``).
LA_LEVEL_COLUMNS = (
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "new_la_code",
    "old_la_code",
    "la_name",
)

#: Standard EES time and geography columns: never filters of interest, never measures.
STANDARD_COLUMNS = frozenset(
    {
        *LA_LEVEL_COLUMNS,
        "la_code",
        "lad_code",
        "lad_name",
        "ward_code",
        "ward_name",
        "pcon_code",
        "pcon_name",
        "lsip_code",
        "lsip_name",
        "local_enterprise_partnership_code",
        "local_enterprise_partnership_name",
        "english_devolved_area_code",
        "english_devolved_area_name",
        "opportunity_area_code",
        "opportunity_area_name",
        "rsc_region_lead_name",
        "school_urn",
        "school_laestab",
        "school_name",
        "school_postcode",
        "institution_id",
        "institution_name",
        "provider_ukprn",
        "provider_name",
        "trust_id",
        "trust_name",
        "sponsor_id",
        "sponsor_name",
    }
)

#: time_identifier values that cover a whole year (nothing is appended to ``period``).
WHOLE_YEAR_IDENTIFIERS = frozenset(
    {"calendar year", "academic year", "financial year", "tax year", "reporting year"}
)
DASHED_IDENTIFIERS = ("financial year", "tax year")

#: Columns of the long frame, in order, before the filter columns are inserted after area_type.
_LEADING = [
    "time_period",
    "period",
    "year",
    "time_identifier",
    "geographic_level",
    "area_code",
    "area_name",
    "area_type",
    "old_la_code",
]


@cached_read
def read_ees(path: str | Path, *, measures: list[str] | None = None) -> pd.DataFrame:
    """Read an explore-education-statistics CSV into a long, tidy frame.

    Parameters
    ----------
    path : str or Path
        The CSV as downloaded from explore-education-statistics (BOM allowed).
    measures : list of str, optional
        Measure columns to keep. By default measures are detected: a ``<name>.meta.csv``
        beside the file (EES metadata, ``col_type = Indicator``) is used when present; otherwise
        a measure is a column whose every cell is a number, a published symbol or blank and that
        comes after the last text filter column (so numeric-looking filter codes such as NC year
        groups placed among the filters stay filters). Standard time/geography columns are never
        measures.

    Returns
    -------
    DataFrame
        One row per input row and measure: ``time_period`` (text, as published), ``period``,
        ``year`` (int, see the module notes), ``time_identifier``, ``geographic_level``,
        ``area_code``, ``area_name``, ``area_type`` (``"England"``, ``"Region"``,
        ``"Local authority"`` ...), ``old_la_code`` (the DfE 3-digit number for LA rows, else
        ``""``), every filter column as published, ``measure``, ``value`` (float, NaN for symbols
        and blanks) and ``note`` (``"[c]"``, ``"[x]"``, ``"[z]"``, ``"[low]"``, ``"[u]"``,
        ``"[:]"`` or ``""``).

    Raises
    ------
    JsnaInputError
        If the file is missing, lacks the EES time/geography columns, a requested measure is
        absent, a measure cell is neither a number nor a known symbol, or a time period is not a
        4- or 6-digit code.
    """
    path = Path(path)
    raw = read_text_csv(path, SOURCE)
    frame, measure_columns, filters = _prepare(raw, path, measures)
    if not measure_columns:
        raise JsnaInputError(
            f"{path}: no measure columns found in {SOURCE}; columns found: {', '.join(raw.columns)}"
        )
    ids = [*_LEADING, *filters]
    parts = []
    for measure in measure_columns:
        values, notes = _parse_measure(raw[measure], path, measure)
        part = frame[ids].copy()
        part["measure"] = measure
        part["value"] = values
        part["note"] = notes
        parts.append(part)
    long = pd.concat(parts, ignore_index=True)
    long["note"] = long["note"].astype(str)
    long.attrs["path"] = str(path)
    return long


@cached_read
def read_ees_wide(path: str | Path, measures: list[str] | None = None) -> pd.DataFrame:
    """Read an explore-education-statistics CSV keeping one column per measure.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    measures : list of str, optional
        Measure columns to keep (detected as in :func:`read_ees` when omitted).

    Returns
    -------
    DataFrame
        The leading columns of :func:`read_ees` and the filter columns, then for each measure a
        float column ``<measure>`` and a text column ``<measure>_note``.
    """
    path = Path(path)
    return ees_wide_from_text(read_text_csv(path, SOURCE), path, measures)


def ees_wide_from_text(raw: pd.DataFrame, path: str | Path,
                       measures: list[str] | None = None) -> pd.DataFrame:
    """:func:`read_ees_wide` for cells already read as text (e.g. an EES table saved as a
    workbook): the same layout, checks and messages, one reader.

    Parameters
    ----------
    raw : DataFrame
        Every cell as text (``""`` for blank), headings stripped.
    path : str or Path
        The file the cells came from, for messages (a sheet may be named after it).
    measures : list of str, optional
        As in :func:`read_ees_wide`.

    Returns
    -------
    DataFrame
        As :func:`read_ees_wide`.
    """
    path = Path(path)
    frame, measure_columns, filters = _prepare(raw, path, measures)
    columns: dict[str, pd.Series] = {}
    for measure in measure_columns:
        values, notes = _parse_measure(raw[measure], path, measure)
        columns[measure] = pd.Series(values, index=frame.index, dtype=float)
        columns[f"{measure}_note"] = pd.Series(notes, index=frame.index, dtype=str)
    # one concat rather than a column at a time (no fragmented frame)
    wide = pd.concat([frame[[*_LEADING, *filters]], pd.DataFrame(columns, index=frame.index)],
                     axis=1)
    wide.attrs["path"] = str(path)
    return wide


def ees_area(frame: pd.DataFrame, area_code: str, *, area_name: str | None = None) -> pd.DataFrame:
    """Select the rows of one area, failing clearly when it is not in the file.

    Parameters
    ----------
    frame : DataFrame
        Output of :func:`read_ees` or :func:`read_ees_wide`.
    area_code : str
        GSS code (``E06000014``), or the DfE 3-digit LA number (``"816"``) which matches
        ``old_la_code``.
    area_name : str, optional
        The area's name, used in the error message when the file does not know it.

    Returns
    -------
    DataFrame
        The area's rows (a copy).

    Raises
    ------
    JsnaInputError
        Naming the area (code and name) when no row matches.
    """
    code = str(area_code).strip()
    mask = frame["area_code"].eq(code) | frame["old_la_code"].eq(code)
    if not mask.any():
        name = f" ({area_name})" if area_name else ""
        source = frame.attrs.get("path", "the file")
        levels = ", ".join(sorted(set(frame["geographic_level"].astype(str))))
        raise JsnaInputError(
            f"{source}: area {code}{name} not found (levels in the file: {levels})"
        )
    return frame.loc[mask].copy()


def detect_measures(path: str | Path) -> list[str]:
    """List the measure columns :func:`read_ees` would read from a file.

    Parameters
    ----------
    path : str or Path
        The CSV file.

    Returns
    -------
    list of str
        Measure columns in file order.
    """
    path = Path(path)
    raw = read_text_csv(path, SOURCE)
    require_columns(raw.columns, REQUIRED_COLUMNS, path, SOURCE)
    return _detect_measures(raw, path)


def parse_time_period(
    time_period: pd.Series, time_identifier: pd.Series, path: str | Path = "the file"
) -> tuple[pd.Series, pd.Series]:
    """Turn EES ``time_period`` codes into display periods and integer years.

    Parameters
    ----------
    time_period : Series of str
        Codes such as ``"202425"`` or ``"2024"``.
    time_identifier : Series of str
        ``"Academic year"``, ``"Calendar year"``, ``"Financial year"``, ``"Spring term"`` ...
    path : str or Path
        The file, for error messages.

    Returns
    -------
    period : Series of str
        ``"2024/25"``, ``"2024-25"`` (financial/tax years) or ``"2024"``, with a sub-year
        identifier appended when there is one.
    year : Series of int
        Ending year for six-digit codes, the calendar year for four-digit codes.

    Raises
    ------
    JsnaInputError
        On a code that is neither four digits nor six digits with consecutive years.
    """
    codes = time_period.astype(str).str.strip()
    identifier = time_identifier.astype(str).str.strip()
    is_four = codes.str.fullmatch(r"\d{4}")
    is_six = codes.str.fullmatch(r"\d{6}")
    start = pd.to_numeric(codes.str[:4], errors="coerce")
    end_two = pd.to_numeric(codes.str[4:6], errors="coerce")
    consecutive = is_six & ((start + 1) % 100 == end_two)
    bad = ~(is_four | consecutive)
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        raise JsnaInputError(
            f"{path}: row {position + 2}, column 'time_period': value {codes.iloc[position]!r} is "
            "not a 4-digit year or a 6-digit year pair such as 202425"
        )
    lower = identifier.str.lower()
    dashed = lower.isin(DASHED_IDENTIFIERS)
    separator = np.where(dashed, "-", "/")
    span = codes.str[:4] + pd.Series(separator, index=codes.index) + codes.str[4:6]
    period = codes.where(is_four, span)
    finer = ~lower.isin(WHOLE_YEAR_IDENTIFIERS) & (identifier != "")
    period = period.where(~finer, period + " " + identifier)
    year = start.where(is_four, start + 1).astype(int)
    return period.astype(str), year


#: The geographic levels of a file of England, region and council rows, and each one's area type.
LEVEL_AREA_TYPES = {"national": "England", "regional": "Region",
                    "local authority": "Local authority"}


def _first_row(bad: pd.Series) -> tuple[int, object]:
    """Position and file row number (the heading is row 1) of the first ``True`` of ``bad``,
    whose index counts the file's data rows from 0."""
    position = int(np.flatnonzero(bad.to_numpy(dtype=bool))[0])
    return position, bad.index[position] + 2


def area_types_by_level(geographic_level: pd.Series, path: str | Path,
                        column: str = "geographic_level") -> pd.Series:
    """England, Region or Local authority for each row's ``geographic_level`` (any case).

    Parameters
    ----------
    geographic_level : Series of str
        The column as published, indexed by data row from 0.
    path : str or Path
        The file, for the message.
    column : str
        The column's heading in the file.

    Returns
    -------
    Series of str

    Raises
    ------
    JsnaInputError
        Naming the file, row, column and value of the first row at any other level.

    Examples
    --------
    >>> area_types_by_level(pd.Series(["National", " local authority"]), "f.csv").tolist()
    ['England', 'Local authority']
    >>> area_types_by_level(pd.Series(["Regional", "Ward"]), "f.csv")
    Traceback (most recent call last):
    ...
    jsna.errors.JsnaInputError: f.csv: row 3, column 'geographic_level': value 'Ward' is not \
National, Regional or Local authority
    """
    kind = geographic_level.astype(str).str.strip().str.lower().map(LEVEL_AREA_TYPES)
    if kind.isna().any():
        position, row = _first_row(kind.isna())
        raise JsnaInputError(f"{path}: row {row}, column {column!r}: value "
                             f"{geographic_level.iloc[position]!r} is not National, Regional "
                             "or Local authority")
    return kind.astype(str)


def calendar_years(time_period: pd.Series, path: str | Path, column: str = "time_period",
                   time_identifier: pd.Series | None = None) -> pd.Series:
    """Each row's calendar year as published (``"2025"``), for files of calendar years only.

    Parameters
    ----------
    time_period : Series of str
        The column as published, indexed by data row from 0.
    path : str or Path
        The file, for the message.
    column : str
        The column's heading in the file.
    time_identifier : Series of str, optional
        When the file has one, each row's must be ``Calendar year`` (any case).

    Returns
    -------
    Series of str
        Four digits, spaces trimmed.

    Raises
    ------
    JsnaInputError
        Naming the file, row, column and value of the first row that is not a calendar year.

    Examples
    --------
    >>> calendar_years(pd.Series([" 2024", "2025"]), "f.csv").tolist()
    ['2024', '2025']
    >>> calendar_years(pd.Series(["202122"]), "f.csv", time_identifier=pd.Series(
    ...     ["Academic year"]))
    Traceback (most recent call last):
    ...
    jsna.errors.JsnaInputError: f.csv: row 2, column 'time_period': value '202122' \
('Academic year') is not a calendar year (e.g. 2025, 'Calendar year')
    """
    period = time_period.astype(str).str.strip()
    calendar = period.str.fullmatch(r"\d{4}")
    example = "2025"
    if time_identifier is not None:
        calendar &= time_identifier.astype(str).str.strip().str.lower().eq("calendar year")
        example += ", 'Calendar year'"
    if not calendar.all():
        position, row = _first_row(~calendar)
        value = repr(time_period.iloc[position])
        if time_identifier is not None:
            value += f" ({time_identifier.iloc[position]!r})"
        raise JsnaInputError(f"{path}: row {row}, column {column!r}: value {value} is not a "
                             f"calendar year (e.g. {example})")
    return period


def _prepare(
    raw: pd.DataFrame, path: Path, measures: list[str] | None
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Check the layout, derive the leading columns and split filters from measures."""
    require_columns(raw.columns, REQUIRED_COLUMNS, path, SOURCE)
    if measures is None:
        measure_columns = _detect_measures(raw, path)
    else:
        missing = [m for m in measures if m not in raw.columns]
        if missing:
            raise JsnaInputError(
                f"{path}: measure column(s) {', '.join(missing)} not found in {SOURCE}; "
                f"columns found: {', '.join(raw.columns)}"
            )
        measure_columns = list(measures)
    all_candidates = _candidate_columns(raw)
    if measures is None:
        filters = [c for c in all_candidates if c not in measure_columns]
    else:
        # With explicit measures, other numeric-looking columns are measures not asked for:
        # keep only the genuine filters so rows stay one per area/period/filter combination.
        detected = set(_detect_measures(raw, path))
        filters = [c for c in all_candidates if c not in measure_columns and c not in detected]
    frame = pd.DataFrame(index=raw.index)
    frame["time_period"] = raw["time_period"].str.strip()
    frame["period"], frame["year"] = parse_time_period(
        raw["time_period"], raw["time_identifier"], path
    )
    frame["time_identifier"] = raw["time_identifier"].str.strip()
    frame["geographic_level"] = raw["geographic_level"].str.strip()
    frame["area_code"], frame["area_name"], frame["area_type"] = _areas(raw)
    # one rule for every file: a code that changed without a boundary change reads as the
    # current one (DfE files keep e.g. North Yorkshire's E10000023 in some years, not others)
    frame["area_code"] = current_codes(frame["area_code"])
    if "old_la_code" in raw.columns:
        la_rows = frame["geographic_level"].str.lower().eq("local authority")
        frame["old_la_code"] = raw["old_la_code"].str.strip().where(la_rows, "")
    else:
        frame["old_la_code"] = ""
    for column in filters:
        frame[column] = raw[column].str.strip()
    frame.attrs["path"] = str(path)
    return frame, measure_columns, filters


def _candidate_columns(raw: pd.DataFrame) -> list[str]:
    return [c for c in raw.columns if c not in STANDARD_COLUMNS]


def _detect_measures(raw: pd.DataFrame, path: Path) -> list[str]:
    """Measure columns from the EES metadata file, else from the cell contents."""
    meta_path = path.with_name(f"{path.stem}.meta.csv")
    if meta_path.is_file():
        meta = read_text_csv(meta_path, "an EES metadata file (.meta.csv)")
        if {"col_name", "col_type"} <= set(meta.columns):
            indicators = meta.loc[
                meta["col_type"].str.strip().str.lower().eq("indicator"), "col_name"
            ]
            chosen = [c for c in indicators.str.strip() if c in raw.columns]
            if chosen:
                return chosen
    candidates = _candidate_columns(raw)
    numeric = [is_measure_like(raw[c]) for c in candidates]
    text_positions = [i for i, flag in enumerate(numeric) if not flag]
    last_text = max(text_positions) if text_positions else -1
    return [c for i, c in enumerate(candidates) if numeric[i] and i > last_text]


def _areas(raw: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Area code, name and type for each row, chosen by geographic_level."""
    level = raw["geographic_level"].str.strip().str.lower()
    code = pd.Series("", index=raw.index, dtype=object)
    name = pd.Series("", index=raw.index, dtype=object)
    kind = raw["geographic_level"].str.strip().astype(object)
    for key, (code_columns, name_columns, area_type) in GEOGRAPHY.items():
        rows = level.eq(key)
        if not rows.any():
            continue
        kind[rows] = area_type
        for column in reversed(code_columns):
            if column in raw.columns:
                value = raw[column].str.strip()
                code[rows & value.ne("")] = value[rows & value.ne("")]
        for column in name_columns:
            if column in raw.columns:
                name[rows] = raw.loc[rows, column].str.strip()
    national = level.eq("national")
    if national.any() and "country_code" in raw.columns:
        not_england = national & raw["country_code"].str.strip().ne("E92000001")
        kind[not_england] = "National"
    return code.astype(str), name.astype(str), kind.astype(str)


def _parse_measure(text: pd.Series, path: Path, column: str) -> tuple[np.ndarray, np.ndarray]:
    values, notes, unreadable = parse_published_values(text)
    if unreadable.any():
        raise first_unreadable(
            text, unreadable, path, column, "a number or a published symbol (c, x, z, low, u, :)"
        )
    return values, notes
