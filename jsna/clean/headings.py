"""Find the census columns in a council's extract and read only those.

Management information systems (SIMS, Arbor, Bromcom, ...) and the DfE COLLECT system export the
January school census with slightly different headings (``UPN``, ``Upn``, ``DateOfBirth``,
``Date of birth``, ``SEN_Type_1``, ...). Headings are compared after removing case, spaces,
underscores, hyphens and dots, against the common names below; anything else is named in the
config's ``[census.columns]`` table (``"Local heading" = "standard name"``).

Only the columns the cleaner needs are read. Pupils' names are never loaded: their headings are
recognised only so that a ``[census.columns]`` entry cannot accidentally map a name into a census
field, and they are left out of the columns requested from the file.

Row numbers
    Findings and error messages quote *row numbers as a spreadsheet shows them*: the heading is
    row 1 and the first pupil is row 2. For CSV files this assumes one line per row (a quoted
    field containing a line break shifts later numbers by one).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from jsna.column_names import compare_form
from jsna.errors import JsnaConfigError, JsnaInputError

#: Standard census column -> headings accepted for it (already in the compared form).
CENSUS_HEADINGS: dict[str, tuple[str, ...]] = {
    "UPN": ("upn", "uniquepupilnumber", "pupilupn"),
    "Forename": ("forename", "firstname", "legalforename", "preferredforename", "givenname"),
    "Surname": ("surname", "lastname", "legalsurname", "preferredsurname", "familyname"),
    "DOB": ("dob", "dateofbirth", "birthdate", "pupildob"),
    "Gender": ("gender", "sex"),
    "NCYearActual": ("ncyearactual", "actualncyear", "ncyear", "yeargroup", "nationalcurriculumyear"),
    "EnrolStatus": ("enrolstatus", "enrolmentstatus", "enrollmentstatus", "enrolmentstatuscode"),
    "SENprovision": ("senprovision", "senstatus", "senprovisiontype", "sen"),
    "SENType1": ("sentype1", "primarysentype", "sentype", "primaryneed", "senprimaryneed",
                 "sentyperank1", "senneed1"),
    "SENType2": ("sentype2", "secondarysentype", "secondaryneed", "sensecondaryneed",
                 "sentyperank2", "senneed2"),
    "FSMeligible": ("fsmeligible", "fsm", "fsmeligibility", "freeschoolmeals", "eligibleforfsm"),
    "Postcode": ("postcode", "homepostcode", "pupilpostcode", "postcodehome", "addresspostcode"),
    "LAEstab": ("laestab", "dfenumber", "dfeno", "laestabnumber", "dfeestab"),
    "URN": ("urn", "schoolurn"),
    "CensusDate": ("censusdate", "censusreferencedate", "collectiondate"),
    "CensusYear": ("censusyear",),
}

#: Columns the cleaner needs in every census file.
REQUIRED_COLUMNS: tuple[str, ...] = (
    "UPN", "DOB", "Gender", "NCYearActual", "EnrolStatus", "SENprovision", "SENType1", "Postcode",
)
#: Of these, at least one must be present (the pupil's school).
SCHOOL_COLUMNS: tuple[str, ...] = ("URN", "LAEstab")
#: Columns that identify a person by name: recognised, never read.
NAME_COLUMNS: frozenset[str] = frozenset({"Forename", "Surname"})

def match_headings(
    headings: Iterable[str],
    columns_map: Mapping[str, str] | None = None,
    *,
    standard: Mapping[str, tuple[str, ...]] = CENSUS_HEADINGS,
    source: str = "census file",
) -> dict[str, str]:
    """Match a file's headings to standard column names.

    Parameters
    ----------
    headings : iterable of str
        The headings in the file, in order.
    columns_map : mapping of str to str, optional
        ``[census.columns]`` from the config: local heading -> standard name. Entries for headings
        not in this file, or for standard names outside ``standard``, are ignored (the same table
        also maps postcode-directory columns).
    standard : mapping
        Standard name -> accepted headings in compared form (see :func:`compare_form`).
    source : str
        File name used in error messages.

    Returns
    -------
    dict of str to str
        Standard name -> the file's heading, for every standard column found.

    Raises
    ------
    JsnaInputError
        If two headings in the file match the same standard column.
    """
    headings = list(headings)
    by_form: dict[str, list[str]] = {}
    for heading in headings:
        by_form.setdefault(compare_form(heading), []).append(heading)

    explicit: dict[str, str] = {}
    for local, name in (columns_map or {}).items():
        if name in standard and compare_form(local) in by_form:
            explicit[name] = by_form[compare_form(local)][0]

    found: dict[str, str] = dict(explicit)
    taken = set(explicit.values())
    for name, forms in standard.items():
        if name in found:
            continue
        matches = [h for form in forms for h in by_form.get(form, []) if h not in taken]
        if len(matches) > 1:
            raise JsnaInputError(
                f"{source}: columns {', '.join(repr(m) for m in matches)} all look like {name}; "
                f"name the one to use in [census.columns] of the config"
            )
        if matches:
            found[name] = matches[0]
            taken.add(matches[0])
    return found


def check_required(
    found: Mapping[str, str], headings: list[str], source: str,
    required: Iterable[str] = REQUIRED_COLUMNS, one_of: Iterable[str] = SCHOOL_COLUMNS,
) -> None:
    """Raise one line naming the file, the first missing column and the columns found.

    Parameters
    ----------
    found : mapping
        Output of :func:`match_headings`.
    headings : list of str
        Every heading in the file.
    source : str
        File name for the message.
    required : iterable of str
        Standard names that must be present.
    one_of : iterable of str
        Standard names of which at least one must be present (may be empty).

    Raises
    ------
    JsnaInputError
        If a required column is missing.
    """
    missing = [name for name in required if name not in found]
    one_of = list(one_of)
    if one_of and not any(name in found for name in one_of):
        missing.append(" or ".join(one_of))
    if missing:
        shown = ", ".join(headings) if headings else "(none)"
        plural = "s" if len(missing) > 1 else ""
        raise JsnaInputError(
            f"{source}: missing required column{plural} {', '.join(missing)}; columns found: "
            f"{shown} (map other headings in [census.columns] of the config)"
        )


def check_columns_map(columns_map: Mapping[str, str], allowed: Iterable[str]) -> None:
    """Reject ``[census.columns]`` entries whose standard name is unknown.

    Parameters
    ----------
    columns_map : mapping
        Local heading -> standard name.
    allowed : iterable of str
        Every standard name the toolkit knows (census and postcode-directory columns).

    Raises
    ------
    JsnaConfigError
        Naming the key and the names allowed.
    """
    allowed = list(allowed)
    for local, name in columns_map.items():
        if name not in allowed:
            raise JsnaConfigError(
                f"census.columns.{local!r} = {name!r} is not a standard column name "
                f"(allowed: {', '.join(allowed)})"
            )


# --------------------------------------------------------------------------------------------
# Reading tabular files: only the chosen columns, every value as text.
# --------------------------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML and legacy .xls
_ZIP_MAGIC = b"PK\x03\x04"
_SNIFF_BYTES = 65536


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


def _file_bytes_head(path: Path, source: str) -> bytes:
    if not path.exists():
        raise JsnaInputError(f"{source}: file not found")
    if path.is_dir():
        raise JsnaInputError(f"{source}: is a folder, not a file")
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as error:
        raise JsnaInputError(f"{source}: cannot be read ({error.strerror})") from None
    if not head:
        raise JsnaInputError(f"{source}: file is empty")
    return head


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
    head = _file_bytes_head(path, source)
    suffix = path.suffix.lower()
    if head.startswith(_OLE_MAGIC):
        raise JsnaInputError(
            f"{source}: is password-protected (encrypted) or an old-format .xls workbook; remove "
            f"the password and save it as .xlsx or CSV UTF-8"
        )
    if head.startswith(_ZIP_MAGIC) or suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, select, source)
    if suffix == ".xls":
        raise JsnaInputError(f"{source}: old .xls workbooks are not read; save it as .xlsx or CSV")
    return _read_csv(path, head, select, source)


def _decode_head(head: bytes, source: str) -> tuple[str, str]:
    """Return (encoding for pyarrow, decoded text of the first bytes)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise JsnaInputError(
            f"{source}: is UTF-16 text; save it as 'CSV UTF-8' (or Windows-1252 CSV) instead"
        )
    if b"\x00" in head:
        raise JsnaInputError(f"{source}: is a binary file, not a CSV text file")
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    try:
        return "utf8", head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start >= len(head) - 3:  # a multi-byte character cut by the sniffing window
            return "utf8", head[: error.start].decode("utf-8")
    try:
        return "cp1252", head.decode("cp1252")
    except UnicodeDecodeError:
        raise JsnaInputError(
            f"{source}: is neither UTF-8 nor Windows-1252 text; save it as 'CSV UTF-8'"
        ) from None


def _read_csv(
    path: Path, head: bytes, select: Callable[[list[str]], Mapping[str, str]], source: str
) -> TextTable:
    encoding, text = _decode_head(head, source)
    first_line = text.splitlines()[0] if text.splitlines() else ""
    delimiter = max((",", "\t", ";"), key=first_line.count)
    if not first_line.strip():
        raise JsnaInputError(f"{source}: the first line (the column headings) is blank")
    headings = next(csv.reader(io.StringIO(first_line), delimiter=delimiter))
    headings = [h.strip() for h in headings]
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
        raise JsnaInputError(
            f"{source}: is neither UTF-8 nor Windows-1252 text; save it as 'CSV UTF-8'"
        ) from None


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
