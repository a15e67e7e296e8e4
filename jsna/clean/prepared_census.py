"""A census table standardised and every column normalised once, for all censuses at once.

Each column is split into its distinct values (:func:`jsna.clean.coded_fields.encode`), which are
normalised one by one; UPNs are checked and encrypted, dates of birth parsed and home postcodes
located. The per-census cleaning (:mod:`jsna.clean.kept_rows`) then works on integer codes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jsna.clean import coded_fields as coding
from jsna.clean.census_reading import DATA_COLUMNS
from jsna.clean.dates import ParsedDates, parse_dates
from jsna.clean.headings import check_required, match_headings
from jsna.clean.home_geography import Geography, PostcodeGeography, locate_postcodes
from jsna.clean.repeated_upns import shared_upns
from jsna.clean.upn import PseudonymisedUpns, Pseudonymiser, normalise_upns
from jsna.errors import JsnaInputError


def _text_column(series: pd.Series) -> pa.Array:
    """A DataFrame column as a pyarrow string array (numbers typed into cells become text)."""
    try:
        array = pa.array(series, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        array = pa.array([None if pd.isna(v) else str(v) for v in series], type=pa.string())
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if pa.types.is_floating(array.type):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        text = [None if np.isnan(v) else (str(int(v)) if v.is_integer() else str(v))
                for v in values]
        return pa.array(text, type=pa.string())
    if pa.types.is_null(array.type):
        return pa.nulls(len(array), pa.string())
    if not pa.types.is_string(array.type):
        array = pc.cast(array, pa.string())
    return array


def census_table(frames: pd.DataFrame | pa.Table, source: str) -> pa.Table:
    """Standardise a raw census: standard column names as text, ``source_row``, ``census_year``.

    Text columns of an Arrow table are used as they are (no copy); anything else (a DataFrame,
    numbers typed into cells) goes through :func:`_text_column`.
    """
    names = frames.column_names if isinstance(frames, pa.Table) else list(frames.columns)
    headings = [str(c) for c in names if c not in ("source_row", "census_year")]
    found = match_headings(headings, source=source)
    check_required(found, headings, source)
    arrays: dict[str, pa.Array] = {}
    for name, heading in found.items():
        if name not in DATA_COLUMNS:
            continue
        if isinstance(frames, pa.Table) and pa.types.is_string(frames.column(heading).type):
            arrays[name] = frames.column(heading)
        elif isinstance(frames, pa.Table):
            arrays[name] = _text_column(frames.column(heading).to_pandas())
        else:
            arrays[name] = _text_column(frames[heading])
    n = frames.num_rows if isinstance(frames, pa.Table) else len(frames)

    def numbers(name: str) -> pa.ChunkedArray | pa.Array:
        if isinstance(frames, pa.Table):  # used as they are (no copy when already int64)
            return frames.column(name).cast(pa.int64())
        return pa.array(np.asarray(frames[name], dtype=np.int64))

    arrays["source_row"] = (numbers("source_row") if "source_row" in names
                            else pa.array(np.arange(2, n + 2, dtype=np.int64)))
    arrays["census_year"] = numbers("census_year")
    return pa.table({name: (column if isinstance(column, pa.ChunkedArray)
                            else pa.chunked_array([column]))
                     for name, column in arrays.items()})


def check_kind(
    statuses: np.ndarray, bad: tuple[int, ...], missing: int, rows: np.ndarray, column: str,
    expected: str, source: str,
) -> None:
    """Raise when more than half the non-blank values of a column are of the wrong kind.

    ``statuses`` are status codes; ``bad`` the codes of wrong values, ``missing`` that of blanks.
    """
    is_bad = np.zeros(statuses.shape, dtype=bool)
    for code in bad:
        is_bad |= statuses == code
    n_bad = int(is_bad.sum())
    n_given = int((statuses != missing).sum())
    if n_bad and 2 * n_bad > n_given:
        first = int(rows[np.flatnonzero(is_bad)[0]])
        raise JsnaInputError(
            f"{source}: column {column}: expected {expected}, but {n_bad} of {n_given} values are "
            f"not (first at row {first}); check the column mapping in [census.columns]"
        )


def column_or_nulls(table: pa.Table, name: str) -> pa.ChunkedArray:
    """A column as read (chunks are not copied together); all null when absent."""
    if name in table.column_names:
        return table.column(name)
    return pa.chunked_array([pa.nulls(table.num_rows, pa.string())])


#: Coded census columns normalised independently of the census year, and their normaliser.
_CODED_COLUMNS: dict[str, object] = {
    "EnrolStatus": coding.normalise_enrol_status,
    "Gender": coding.normalise_sex,
    "NCYearActual": coding.normalise_nc_year,
    "SENType1": coding.normalise_need,
    "SENType2": coding.normalise_need,
    "FSMeligible": coding.normalise_fsm,
    "URN": coding.normalise_urn,
    "LAEstab": coding.normalise_laestab,
}


_VALUE_TYPES: dict[str, pa.DataType] = {"FSMeligible": pa.bool_()}


@dataclass(frozen=True)
class PreparedCensus:
    """Every census column normalised once, over all censuses (rows are positions in ``table``)."""

    table: pa.Table
    rows: np.ndarray
    has_value: np.ndarray
    coded: dict[str, coding.Coded]
    provision: tuple[np.ndarray, pa.Array]
    upns: PseudonymisedUpns
    shared_upn: np.ndarray  # True where another row of the same census has the same UPN
    dob: tuple[np.ndarray, ParsedDates]  # per row: distinct date of birth; the distinct dates
    postcodes: PostcodeGeography
    geography: Geography
    #: Census years whose file has no FSM column (reported once, not as a blank per pupil).
    fsm_absent_years: frozenset[int] = frozenset()


def prepare_census(table: pa.Table, pseudonymiser: Pseudonymiser,
                   geography: Geography) -> PreparedCensus:
    """Normalise each column's distinct values once, for every census at once."""
    upns = pseudonymiser.encrypted(normalise_upns(column_or_nulls(table, "UPN")))
    dob_codes, dob_values = coding.encode(column_or_nulls(table, "DOB"))
    return PreparedCensus(
        table=table,
        rows=table.column("source_row").to_numpy(),
        has_value=_has_value(table),
        coded={name: coding.normalise_encoded(coding.encode(column_or_nulls(table, name)),
                                              normaliser, _VALUE_TYPES.get(name))
               for name, normaliser in _CODED_COLUMNS.items()},
        provision=coding.encode(column_or_nulls(table, "SENprovision")),
        upns=upns,
        shared_upn=shared_upns(upns, table),
        dob=(dob_codes, parse_dates(dob_values)),
        postcodes=locate_postcodes(column_or_nulls(table, "Postcode"), geography),
        geography=geography,
    )


def _has_value(table: pa.Table) -> np.ndarray:
    """True for rows with at least one census value (False for blank rows)."""
    columns = [table.column(name) for name in table.column_names if name in DATA_COLUMNS]
    if columns and any(column.null_count == 0 for column in columns):
        return np.ones(table.num_rows, dtype=bool)  # a column without blanks: no blank rows
    valid = pa.chunked_array([pa.array(np.zeros(table.num_rows, dtype=bool))])
    for column in columns:  # OR the validity bitmaps in Arrow, 8 rows a byte
        valid = pc.or_(valid, pc.is_valid(column))
    return valid.to_numpy(zero_copy_only=False)
