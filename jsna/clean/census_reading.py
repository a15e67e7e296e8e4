"""Read one school census extract (CSV or XLSX): the census columns, row numbers and census year.

Names are never read. Census years come from a census-date (or census-year) column, or from the
config when the file holds one census; a date outside January or a year the config does not list
stops the read with one line naming the file, row and column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jsna.clean.dates import parse_dates
from jsna.clean.headings import (
    CENSUS_HEADINGS,
    NAME_COLUMNS,
    check_columns_map,
    check_required,
    match_headings,
    read_selected_columns,
)
from jsna.clean.postcode import DIRECTORY_COLUMNS
from jsna.clean.validation import FindingsCollector
from jsna.errors import JsnaInputError

#: Census columns read from a file (names are never read).
READ_COLUMNS: tuple[str, ...] = tuple(c for c in CENSUS_HEADINGS if c not in NAME_COLUMNS)


DATA_COLUMNS: tuple[str, ...] = tuple(c for c in READ_COLUMNS
                                       if c not in ("CensusDate", "CensusYear"))


def _census_select(columns_map: Mapping[str, str] | None, source: str):
    def select(headings: list[str]) -> dict[str, str]:
        found = match_headings(headings, columns_map, source=source)
        check_required(found, headings, source)
        return {name: heading for name, heading in found.items() if name in READ_COLUMNS}

    return select


def read_census_file(path: Path, year: int | Iterable[int] | None = None,
                     columns_map: Mapping[str, str] | None = None, *,
                     source: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read one census extract into a DataFrame: :func:`read_census_table`, then pandas.

    Parameters, errors and findings are those of :func:`read_census_table`; the text columns
    come back as ``string[pyarrow]``.
    """
    table, findings = read_census_table(path, year, columns_map, source=source)
    frame = table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)
    return frame, findings


def read_census_table(
    path: Path,
    year: int | Iterable[int] | None = None,
    columns_map: Mapping[str, str] | None = None,
    *,
    source: str | None = None,
) -> tuple[pa.Table, pd.DataFrame]:
    """Read one census extract (CSV or XLSX), keeping only the census columns.

    Parameters
    ----------
    path : Path
        The file.
    year : int or iterable of int, optional
        Census year(s) the config lists for this file. A file listed for several years must have a
        census-date (or census-year) column; its rows are assigned to years by that column.
    columns_map : mapping, optional
        ``[census.columns]``: local heading -> standard name.
    source : str, optional
        Name used in messages (default: the file name).

    Returns
    -------
    table : pyarrow.Table
        Standard-named text columns (names are never read), ``source_row`` (spreadsheet row
        number) and ``census_year``.
    findings : pandas.DataFrame
        Findings about the file as a whole (e.g. no FSM column), in the findings layout.

    Raises
    ------
    JsnaInputError
        Bad files, missing columns, census dates that disagree with ``year``.
    """
    path = Path(path)
    source = source or path.name
    years = sorted({year} if isinstance(year, int) else set(year or ()))
    if columns_map:
        check_columns_map(columns_map, (*CENSUS_HEADINGS, *DIRECTORY_COLUMNS))
    table = read_selected_columns(path, _census_select(columns_map, source), source=source).table
    rows = table.column("source_row").to_numpy()
    census_year = _census_years(table, years, rows, source)
    table = table.append_column("census_year", pa.array(census_year, type=pa.int64()))
    collector = FindingsCollector()
    if "FSMeligible" not in table.column_names:
        for y in np.unique(census_year):
            collector.add(int(y), "fsm_column_absent", "FSMeligible", rows[census_year == y])
    return table, collector.to_frame()


def _census_years(table: pa.Table, years: list[int], rows: np.ndarray, source: str) -> np.ndarray:
    """Census year of every row, from a census-date/-year column or the configured year."""
    listed = ", ".join(map(str, years))
    if "CensusDate" in table.column_names:
        parsed = parse_dates(table.column("CensusDate"))
        bad = np.flatnonzero(parsed.status != "ok")
        if bad.size:
            raise JsnaInputError(
                f"{source}: row {rows[bad[0]]}, column CensusDate: expected a date (ISO, DD/MM/YYYY "
                f"or Excel serial), found a {parsed.status[bad[0]]} value"
            )
        months = parsed.dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
        found = parsed.dates.astype("datetime64[Y]").astype(np.int64) + 1970
        not_january = np.flatnonzero(months != 1)
        if not_january.size:
            i = not_january[0]
            raise JsnaInputError(
                f"{source}: row {rows[i]}, column CensusDate: {parsed.dates[i]} is not in January; "
                f"the JSNA uses the January (spring) school census"
            )
        column = "CensusDate"
    elif "CensusYear" in table.column_names:
        text = pc.utf8_trim_whitespace(table.column("CensusYear")).to_pylist()
        found = np.array([int(t) if t and t.isdigit() and len(t) == 4 else -1 for t in text],
                         dtype=np.int64)
        bad = np.flatnonzero(found < 0)
        if bad.size:
            raise JsnaInputError(
                f"{source}: row {rows[bad[0]]}, column CensusYear: expected a four-digit year"
            )
        column = "CensusYear"
    else:
        if len(years) != 1:
            what = f"census years {listed}" if years else "no census year"
            raise JsnaInputError(
                f"{source}: the config lists this file for {what}, but it has no census-date "
                f"column to tell the censuses apart"
            )
        return np.full(table.num_rows, years[0], dtype=np.int64)
    if years:
        wrong = np.flatnonzero(~np.isin(found, years))
        if wrong.size:
            i = wrong[0]
            raise JsnaInputError(
                f"{source}: row {rows[i]}, column {column}: census year {found[i]} disagrees with "
                f"the config, which lists this file for {listed}"
            )
    return found.astype(np.int64)


def census_years_present(table: pa.Table) -> np.ndarray:
    """The distinct census years of a table, sorted."""
    return np.sort(pc.unique(table.column("census_year")).to_numpy().astype(np.int64))
