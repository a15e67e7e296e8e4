"""Read only the chosen columns of a CSV or XLSX file, every value as text, with Arrow.

The fast reader behind the census cleaner and the geography lookups (a national postcode
directory has millions of rows and dozens of columns, of which a handful are needed). The caller
sees every heading first and chooses the columns (``select``); only those are parsed. CSV text is
decoded as :func:`jsna.sources.common.sniff_text_file` says (UTF-8 or Windows-1252), as for every
CSV the package reads.

Row numbers
    ``source_row`` numbers rows as a spreadsheet shows them: the heading is row 1 and the first
    data row is row 2. For CSV files this assumes one line per row (a quoted field containing a
    line break shifts later numbers by one).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from jsna.errors import JsnaInputError
from jsna.sources.common import NOT_UTF8_OR_1252, TextSniff, sniff_text_file


@dataclass(frozen=True)
class TextTable:
    """Columns read from a file, every value as text (null when blank).

    Attributes
    ----------
    table : pyarrow.Table
        One string column per selected heading (named by the standard name) plus ``source_row``
        (int64, the spreadsheet row number).
    headings : list of str
        Every heading in the file.
    """

    table: pa.Table
    headings: list[str]


def read_selected_columns(
    path: Path,
    select: Callable[[list[str]], Mapping[str, str]],
    *,
    source: str | None = None,
) -> TextTable:
    """Read a CSV or XLSX file, keeping only the columns chosen by ``select``.

    CSV files may be UTF-8 (with or without a byte-order mark) or Windows-1252; a comma, tab or
    semicolon delimiter is detected from the heading line. XLSX files are read from the first
    worksheet whose heading row ``select`` accepts (else the first worksheet); numbers and dates
    typed into cells become text (``2015-03-04`` for a date cell).

    Parameters
    ----------
    path : Path
        The file.
    select : callable
        Given every heading, returns standard name -> heading for the columns to read. It may raise
        :class:`~jsna.errors.JsnaInputError` (e.g. a required column is missing).
    source : str, optional
        Name used in messages (default: the file name).

    Returns
    -------
    TextTable

    Raises
    ------
    JsnaInputError
        Unreadable, empty, binary, password-protected or wrongly encoded files, rows with the
        wrong number of values, files with a heading but no rows.
    """
    path = Path(path)
    source = source or path.name
    sniff = sniff_text_file(path, name=source, workbooks=True)
    suffix = path.suffix.lower()
    if sniff.workbook or suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, select, source)
    if suffix == ".xls":
        raise JsnaInputError(f"{source}: old .xls workbooks are not read; save it as .xlsx or CSV")
    return _read_csv(path, sniff, select, source)


def _read_csv(
    path: Path, sniff: TextSniff, select: Callable[[list[str]], Mapping[str, str]], source: str
) -> TextTable:
    encoding = {"utf-8": "utf8"}.get(sniff.encoding, sniff.encoding)  # Arrow's codec names
    delimiter, headings = sniff.delimiter, sniff.headings
    if not headings:
        raise JsnaInputError(f"{source}: the first line (the column headings) is blank")
    chosen = dict(select(headings))
    wanted = list(chosen.values())
    column_types = {heading: pa.string() for heading in wanted}
    convert = pacsv.ConvertOptions(
        include_columns=wanted,
        column_types=column_types,
        strings_can_be_null=True,
        null_values=[""],
        quoted_strings_can_be_null=True,
    )
    parse = pacsv.ParseOptions(delimiter=delimiter)
    # the headings are read by us: column_names keeps names exactly as in the file
    read = pacsv.ReadOptions(column_names=headings, skip_rows=1, encoding=encoding)
    table = _arrow_read(path, read, parse, convert, source, encoding)
    if table.num_rows == 0:
        raise JsnaInputError(f"{source}: has column headings but no data rows")
    renamed = table.rename_columns([_standard_for(chosen, c) for c in table.column_names])
    rows = pa.array(np.arange(2, table.num_rows + 2, dtype=np.int64))
    return TextTable(renamed.append_column("source_row", rows), headings)


def _standard_for(chosen: Mapping[str, str], heading: str) -> str:
    for name, found in chosen.items():
        if found == heading:
            return name
    raise KeyError(heading)  # pragma: no cover - include_columns only returns chosen headings


def _arrow_read(
    path: Path,
    read: pacsv.ReadOptions,
    parse: pacsv.ParseOptions,
    convert: pacsv.ConvertOptions,
    source: str,
    encoding: str,
) -> pa.Table:
    try:
        return pacsv.read_csv(path, read_options=read, parse_options=parse, convert_options=convert)
    except pa.ArrowInvalid as error:
        message = str(error)
        if "invalid UTF8" in message and encoding == "utf8":
            read_1252 = pacsv.ReadOptions(
                column_names=read.column_names, skip_rows=read.skip_rows, encoding="cp1252"
            )
            return _arrow_read(path, read_1252, parse, convert, source, "cp1252")
        if "Expected" in message and "columns" in message:
            raise JsnaInputError(_ragged_row_message(path, read, parse, convert, source)) from None
        raise JsnaInputError(f"{source}: cannot be read as CSV ({message.splitlines()[0]})") from None
    except UnicodeDecodeError:
        raise JsnaInputError(f"{source}: {NOT_UTF8_OR_1252}") from None


def _ragged_row_message(
    path: Path,
    read: pacsv.ReadOptions,
    parse: pacsv.ParseOptions,
    convert: pacsv.ConvertOptions,
    source: str,
) -> str:
    """Find the first row with the wrong number of values (without quoting its content)."""
    bad: list[tuple[int | None, int, int]] = []

    def record(row: pacsv.InvalidRow) -> str:
        bad.append((row.number, row.actual_columns, row.expected_columns))
        return "skip"

    serial = pacsv.ReadOptions(
        column_names=read.column_names, skip_rows=read.skip_rows, encoding=read.encoding,
        use_threads=False,
    )
    checking = pacsv.ParseOptions(delimiter=parse.delimiter, invalid_row_handler=record)
    try:
        pacsv.read_csv(path, read_options=serial, parse_options=checking, convert_options=convert)
    except (pa.ArrowInvalid, UnicodeDecodeError):
        pass
    if not bad:
        return f"{source}: rows have a different number of values from the headings"
    number, actual, expected = bad[0]
    where = f"row {number}" if number is not None else "a row"
    return (
        f"{source}: {where} has {actual} values but the heading row has {expected} columns "
        f"({len(bad)} such row{'s' if len(bad) > 1 else ''})"
    )


def _cell_text(value: object) -> str | None:
    """Text of one spreadsheet cell as a CSV export would show it."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(
    path: Path, select: Callable[[list[str]], Mapping[str, str]], source: str
) -> TextTable:
    import openpyxl  # imported here: only needed for workbooks

    # opened here, as openpyxl refuses a workbook by name when it is saved under a .csv name
    with path.open("rb") as handle:
        try:
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
            raise JsnaInputError(f"{source}: is not a readable .xlsx workbook ({error})") from None
        try:
            return _read_workbook(workbook, select, source)
        finally:
            workbook.close()


def _read_workbook(
    workbook: object, select: Callable[[list[str]], Mapping[str, str]], source: str
) -> TextTable:
    sheets = list(workbook.worksheets)  # type: ignore[attr-defined]
    if not sheets:
        raise JsnaInputError(f"{source}: the workbook has no worksheets")
    first_error: JsnaInputError | None = None
    for sheet in sheets:
        rows = sheet.iter_rows(values_only=True)
        header_row = 0
        headings: list[str] | None = None
        for header_row, cells in enumerate(rows, start=1):
            if any(c is not None and str(c).strip() for c in cells):
                headings = ["" if c is None else str(c).strip() for c in cells]
                break
            if header_row >= 20:
                break
        if headings is None:
            continue
        try:
            chosen = dict(select(headings))
        except JsnaInputError as error:
            first_error = first_error or error
            continue
        positions = {name: headings.index(heading) for name, heading in chosen.items()}
        columns: dict[str, list[str | None]] = {name: [] for name in positions}
        numbers: list[int] = []
        blank_tail = 0
        for number, cells in enumerate(rows, start=header_row + 1):
            values = {
                name: _cell_text(cells[i]) if i < len(cells) else None
                for name, i in positions.items()
            }
            every_cell_blank = all(c is None or (isinstance(c, str) and not c.strip())
                                   for c in cells)
            blank_tail = blank_tail + 1 if every_cell_blank else 0
            for name, value in values.items():
                columns[name].append(value)
            numbers.append(number)
        if blank_tail:  # formatted but empty rows at the end of a sheet are not data
            numbers = numbers[:-blank_tail]
            columns = {name: values[:-blank_tail] for name, values in columns.items()}
        if not numbers:
            raise JsnaInputError(f"{source}: has column headings but no data rows")
        arrays = {name: pa.array(values, type=pa.string()) for name, values in columns.items()}
        arrays["source_row"] = pa.array(numbers, type=pa.int64())
        return TextTable(pa.table(arrays), headings)
    if first_error is not None:
        raise first_error
    raise JsnaInputError(f"{source}: no worksheet has a row of column headings")
