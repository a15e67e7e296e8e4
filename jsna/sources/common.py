"""Shared helpers for the source readers: reading published CSVs as text, checking layouts and
turning published values (numbers, suppression symbols, blanks) into a float and a note.

Published statistics mark cells that hold no number with a symbol. The symbol carries meaning
(suppressed to protect confidentiality, not applicable, not collected ...), so it is never turned
into zero: the value becomes missing and the symbol is kept, in square brackets, in a note.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.errors import JsnaInputError

#: Published symbols (lower case, without brackets) and the note they become.
#: ``c`` confidential/suppressed, ``x`` not available, ``z`` not applicable, ``low`` rounds to zero
#: but is not zero, ``u`` low reliability, ``:`` not available (older releases), ``~`` rounds to
#: zero (older DfE releases).
SYMBOL_NOTES: dict[str, str] = {
    "c": "[c]",
    "x": "[x]",
    "z": "[z]",
    "low": "[low]",
    "u": "[u]",
    ":": "[:]",
    "~": "[~]",
}

#: What each note means, for footnotes under output tables.
NOTE_MEANINGS: dict[str, str] = {
    "[c]": "suppressed to protect confidentiality",
    "[x]": "not available",
    "[z]": "not applicable",
    "[low]": "rounds to zero, but is not zero",
    "[u]": "low reliability",
    "[:]": "not available",
    "[~]": "rounds to zero, but is not zero",
    "[-]": "no data",
}


#: First bytes of the files a spreadsheet program saves: a zip archive (``.xlsx``, ``.ods``) and
#: an OLE compound file (``.xls``, or a password-protected ``.xlsx``).
ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SPREADSHEET_SIGNATURES: dict[bytes, str] = {
    ZIP_SIGNATURE: "an Excel workbook (.xlsx) or another zip file",
    OLE_SIGNATURE: "an old-format (.xls) or password-protected Excel workbook",
}
#: How much of a file is looked at to tell its encoding.
SNIFF_BYTES = 65536


@dataclass(frozen=True)
class TextSniff:
    """What the start of a file says about how to read it (see :func:`sniff_text_file`).

    Attributes
    ----------
    workbook : bool
        The file is an XLSX workbook (a zip archive); only when the caller reads workbooks.
    encoding : str
        ``"utf-8"`` (with or without a byte-order mark) or ``"cp1252"``; ``""`` for a workbook.
    text : str
        The decoded start of the file (up to :data:`SNIFF_BYTES`), without a byte-order mark.
    """

    workbook: bool
    encoding: str
    text: str

    @property
    def encodings(self) -> tuple[str, ...]:
        """The encodings to try, in order. UTF-8 judged from the start of a file may still meet
        a Windows-1252 character further on, so Windows-1252 follows it."""
        return ("utf-8", "cp1252") if self.encoding == "utf-8" else (self.encoding,)

    @property
    def delimiter(self) -> str:
        """The delimiter of the first line: a comma, tab or semicolon, whichever it has most of."""
        lines = self.text.splitlines()
        return max((",", "\t", ";"), key=(lines[0] if lines else "").count)

    @property
    def headings(self) -> list[str]:
        """The column headings (the first line, stripped); none when the first line is blank.

        Examples
        --------
        >>> TextSniff(workbook=False, encoding="cp1252", text=' URN;"Name, school";Phase\\n1;A;B').headings
        ['URN', 'Name, school', 'Phase']
        """
        lines = self.text.splitlines()
        if not lines or not lines[0].strip():
            return []
        return [h.strip() for h in next(csv.reader(io.StringIO(lines[0]),
                                                   delimiter=self.delimiter))]


def sniff_text_file(
    path: str | Path, *, name: str | None = None, expected: str | None = None,
    workbooks: bool = False,
) -> TextSniff:
    """Check a file is a readable text file (or a workbook) and tell its encoding.

    The one place the package decides how a local or published CSV is decoded: UTF-8 (with or
    without a byte-order mark) or Windows-1252 (Excel's "CSV"). UTF-16, binary files and
    spreadsheets saved under a CSV name are refused with one line saying what to do.

    Parameters
    ----------
    path : str or Path
        The file.
    name : str, optional
        How messages name the file (default: the path as given).
    expected : str, optional
        Human name of the expected source; messages end with ``(expected ...)``.
    workbooks : bool, default False
        True when the caller also reads XLSX workbooks: a zip archive is then returned as a
        workbook rather than refused.

    Returns
    -------
    TextSniff

    Raises
    ------
    JsnaInputError
        A missing, empty or unreadable file, a folder, pipe or device, a spreadsheet (when not
        read), UTF-16, a binary file, or text that is neither UTF-8 nor Windows-1252.
    """
    path = Path(path)
    name = name or str(path)
    tail = f" (expected {expected})" if expected else ""

    def refuse(problem: str) -> JsnaInputError:
        return JsnaInputError(f"{name}: {problem}{tail}")

    if not path.exists():
        raise refuse("file not found")
    if path.is_dir():
        raise refuse("is a folder, not a file")
    if not path.is_file():  # a pipe or device: never opened (it would wait for a writer)
        raise refuse("not a regular file (a pipe or device)")
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as error:
        raise refuse(f"cannot be read ({error.strerror})") from None
    if not head:
        raise refuse("file is empty")
    if head.startswith(OLE_SIGNATURE) and workbooks:
        raise refuse("is password-protected (encrypted) or an old-format .xls workbook; remove "
                     "the password and save it as .xlsx or CSV UTF-8")
    if head.startswith(ZIP_SIGNATURE) and workbooks:
        return TextSniff(workbook=True, encoding="", text="")
    kind = next((kind for signature, kind in SPREADSHEET_SIGNATURES.items()
                 if head.startswith(signature)), None)
    if kind is not None:
        raise refuse(f"is a spreadsheet ({kind}) saved under a {path.suffix or 'CSV'} name, not "
                     "a CSV text file; open it and save it as CSV UTF-8")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise refuse("is UTF-16 text; save it as 'CSV UTF-8' (or Windows-1252 CSV) instead")
    if b"\x00" in head:
        raise refuse("is a binary file, not a CSV text file")
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    try:
        return TextSniff(workbook=False, encoding="utf-8", text=head.decode("utf-8"))
    except UnicodeDecodeError as error:
        if error.start >= len(head) - 3:  # a multi-byte character cut by the sniffing window
            return TextSniff(workbook=False, encoding="utf-8",
                             text=head[: error.start].decode("utf-8"))
    try:
        return TextSniff(workbook=False, encoding="cp1252", text=head.decode("cp1252"))
    except UnicodeDecodeError:
        raise refuse(NOT_UTF8_OR_1252) from None


#: The problem named when a file decodes as neither encoding the package reads.
NOT_UTF8_OR_1252 = "is neither UTF-8 nor Windows-1252 text; save it as 'CSV UTF-8'"


def read_text_csv(
    path: str | Path, source: str, *, header: bool = True,
) -> pd.DataFrame:
    """Read a published CSV with every cell as text.

    Blank cells stay empty strings (nothing is guessed to be missing), column names are stripped
    and a UTF-8 byte-order mark is removed. The encoding is told by :func:`sniff_text_file`
    (UTF-8, or Windows-1252 as Excel saves it), as for every CSV the package reads.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    source : str
        Human name of the expected source, used in error messages.
    header : bool, default True
        False for a file whose heading row the caller finds itself (every row is read as data,
        columns numbered from 0).

    Returns
    -------
    DataFrame
        The columns, of dtype text, in file order.

    Raises
    ------
    JsnaInputError
        If the file is missing, not a regular file, a spreadsheet saved under a CSV name, empty,
        not UTF-8 or Windows-1252 text, or not a readable CSV.
    """
    path = Path(path)
    sniff = sniff_text_file(path, expected=source)
    for encoding in sniff.encodings:
        try:
            frame = pd.read_csv(
                path, dtype=str, keep_default_na=False, na_filter=False,
                encoding="utf-8-sig" if encoding == "utf-8" else encoding,
                header=0 if header else None,
            )
            break
        except UnicodeDecodeError:
            continue  # not UTF-8 after the part sniffed: Windows-1252 is tried next
        except pd.errors.EmptyDataError as error:
            raise JsnaInputError(f"{path}: file is empty (expected {source})") from error
        except pd.errors.ParserError as error:
            raise JsnaInputError(
                f"{path}: not a readable CSV ({error}) (expected {source})"
            ) from error
    else:
        raise JsnaInputError(f"{path}: {NOT_UTF8_OR_1252} (expected {source})")
    if header:
        frame.columns = [str(column).strip().lstrip("\ufeff") for column in frame.columns]
    return frame


def require_columns(
    columns: Iterable[str], required: Iterable[str], path: str | Path, source: str
) -> None:
    """Raise a clear error when columns required by a source's layout are missing.

    Parameters
    ----------
    columns : iterable of str
        Columns found in the file.
    required : iterable of str
        Columns the layout must have.
    path : str or Path
        The file, for the message.
    source : str
        Human name of the expected source.

    Raises
    ------
    JsnaInputError
        Naming the file, the expected source, the missing columns and the columns found.
    """
    found = list(columns)
    missing = [column for column in required if column not in found]
    if missing:
        raise JsnaInputError(
            f"{path}: not in the expected layout of {source}: missing column(s) "
            f"{', '.join(missing)}; columns found: {', '.join(found) if found else '(none)'}"
        )


def parse_published_values(
    text: pd.Series, extra_symbols: dict[str, str] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Turn published cells into numbers and notes.

    Parameters
    ----------
    text : Series of str
        Cells as published. Numbers may carry thousands separators (``"29,199"``) or float
        artefacts (``"5.0999999999999996"`` reads as 5.1).
    extra_symbols : dict, optional
        Further source-specific symbols (lower case) and their notes, e.g. ``{"-": "[-]"}``.

    Returns
    -------
    values : ndarray of float
        NaN where the cell is blank or a symbol.
    notes : ndarray of object
        The symbol as a note (``"[c]"``, ``"[x]"`` ...) or ``""``.
    unreadable : ndarray of bool
        True where the cell is neither blank, a number nor a known symbol.
    """
    symbols = dict(SYMBOL_NOTES)
    if extra_symbols:
        symbols.update(extra_symbols)
    cells = text.astype(str).str.strip()
    # Accept the bracketed style too: "[c]" is the same symbol as "c".
    bare = cells.str.replace(r"^\[(.*)\]$", r"\1", regex=True).str.lower()
    notes = bare.map(symbols).fillna("").astype(object).to_numpy()
    is_symbol = notes != ""
    blank = (cells == "").to_numpy()
    numbers = pd.to_numeric(cells.str.replace(",", "", regex=False), errors="coerce")
    values = np.array(numbers.to_numpy(dtype=float, na_value=np.nan), dtype=float, copy=True)
    values[is_symbol] = np.nan
    unreadable = np.isnan(values) & ~is_symbol & ~blank
    return values, notes, unreadable


def is_measure_like(text: pd.Series, extra_symbols: dict[str, str] | None = None) -> bool:
    """True when every cell is a number, a known symbol or blank (and at least one is a number
    or a symbol)."""
    values, notes, unreadable = parse_published_values(text, extra_symbols)
    if unreadable.any():
        return False
    return bool((~np.isnan(values)).any() or (notes != "").any()) or len(text) == 0


def first_unreadable(
    text: pd.Series, unreadable: np.ndarray, path: str | Path, column: str, expected: str
) -> JsnaInputError:
    """Build the error for the first unreadable cell (file, row, column, value, expectation).

    Row numbers count the header as row 1, as a spreadsheet shows them.
    """
    position = int(np.flatnonzero(unreadable)[0])
    return JsnaInputError(
        f"{path}: row {position + 2}, column {column!r}: value {text.iloc[position]!r} is not "
        f"{expected}"
    )


def newest_release_rows(releases: Sequence[pd.DataFrame], keys: Sequence[str]) -> pd.DataFrame:
    """The rows of several releases of a file, oldest release first, keeping for each ``keys``
    value only the rows of the newest release that has it (a revised figure replaces the old).

    Examples
    --------
    >>> old = pd.DataFrame({"area": ["A", "B"], "year": [2020, 2020], "value": [1, 2]})
    >>> new = pd.DataFrame({"area": ["A"], "year": [2020], "value": [5]})
    >>> newest_release_rows([old, new], ["area", "year"])["value"].tolist()
    [2, 5]
    """
    stacked = pd.concat([release.assign(_release=order) for order, release in enumerate(releases)],
                        ignore_index=True)
    newest = stacked.groupby(list(keys))["_release"].transform("max")
    return stacked[stacked["_release"] == newest].drop(columns="_release")
