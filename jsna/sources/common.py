"""Shared helpers for the source readers: reading published CSVs as text, checking layouts and
turning published values (numbers, suppression symbols, blanks) into a float and a note.

Published statistics mark cells that hold no number with a symbol. The symbol carries meaning
(suppressed to protect confidentiality, not applicable, not collected ...), so it is never turned
into zero: the value becomes missing and the symbol is kept, in square brackets, in a note.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

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
SPREADSHEET_SIGNATURES: dict[bytes, str] = {
    b"PK\x03\x04": "an Excel workbook (.xlsx) or another zip file",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        "an old-format (.xls) or password-protected Excel workbook",
}


def _spreadsheet_kind(path: str | Path) -> str | None:
    """What spreadsheet a file is, from its first bytes; None for anything else."""
    if not Path(path).is_file():
        return None  # the reader reports a missing file, a folder or a pipe (never opened: it blocks)
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError:
        return None  # the reader reports a file it cannot open
    return next((kind for signature, kind in SPREADSHEET_SIGNATURES.items()
                 if head.startswith(signature)), None)


def is_workbook(path: str | Path) -> bool:
    """True when a file is an XLSX workbook (a zip archive), whatever its name."""
    return _spreadsheet_kind(path) == SPREADSHEET_SIGNATURES[b"PK\x03\x04"]


def refuse_spreadsheet(path: str | Path, source: str) -> None:
    """Raise a clear error when a file meant to be CSV is a spreadsheet saved under a CSV name.

    Parameters
    ----------
    path : str or Path
        The file.
    source : str
        Human name of the expected source, used in the message.

    Raises
    ------
    JsnaInputError
        Naming the file, what it is and what was expected, when its first bytes are a workbook's.
    """
    kind = _spreadsheet_kind(path)
    if kind is not None:
        raise JsnaInputError(
            f"{path}: is a spreadsheet ({kind}) saved under a {Path(path).suffix or 'CSV'} "
            f"name, not a CSV text file; open it and save it as CSV UTF-8 (expected {source})"
        )


def read_text_csv(
    path: str | Path, source: str, keep: Callable[[str], bool] | None = None, *,
    header: bool = True,
) -> pd.DataFrame:
    """Read a published CSV with every cell as text.

    Blank cells stay empty strings (nothing is guessed to be missing), column names are stripped
    and a UTF-8 byte-order mark is removed. Files saved by Excel in Windows-1252 are accepted.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    source : str
        Human name of the expected source, used in error messages.
    keep : callable, optional
        Given a stripped column name, whether to read that column (default: all). Wide national
        files such as the ONS Postcode Directory (dozens of columns, millions of rows) take a
        fraction of the time and memory when only the columns needed are kept.
    header : bool, default True
        False for a file whose heading row the caller finds itself (every row is read as data,
        columns numbered from 0); ``keep`` is then not used.

    Returns
    -------
    DataFrame
        The (kept) columns, of dtype text, in file order.

    Raises
    ------
    JsnaInputError
        If the file is missing, not a regular file, a spreadsheet saved under a CSV name, empty
        or not a readable CSV.
    """
    path = Path(path)
    if not path.exists():
        raise JsnaInputError(f"{path}: file not found (expected {source})")
    if not path.is_file():
        raise JsnaInputError(
            f"{path}: not a regular file (a folder, pipe or device) (expected {source})")
    refuse_spreadsheet(path, source)
    last_error: Exception | None = None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            if keep is not None and header:
                frame = _read_kept_columns(path, encoding, keep)
            else:
                frame = pd.read_csv(
                    path, dtype=str, keep_default_na=False, na_filter=False, encoding=encoding,
                    header=0 if header else None,
                )
            break
        except UnicodeDecodeError as error:
            last_error = error
        except pa.ArrowInvalid as error:
            if "utf8" in str(error).lower() or "utf-8" in str(error).lower():
                last_error = error  # not UTF-8 after the heading: try Windows-1252
                continue
            raise JsnaInputError(
                f"{path}: not a readable CSV ({error}) (expected {source})"
            ) from error
        except pd.errors.EmptyDataError as error:
            raise JsnaInputError(f"{path}: file is empty (expected {source})") from error
        except pd.errors.ParserError as error:
            raise JsnaInputError(
                f"{path}: not a readable CSV ({error}) (expected {source})"
            ) from error
    else:
        raise JsnaInputError(f"{path}: cannot decode text ({last_error}) (expected {source})")
    if header:
        frame.columns = [str(column).strip().lstrip("\ufeff") for column in frame.columns]
    return frame


def _read_kept_columns(path: Path, encoding: str, keep: Callable[[str], bool]) -> pd.DataFrame:
    """The kept columns of a CSV, all text, read by Arrow (see :func:`read_text_csv`).

    The heading is read by pandas (so names and errors match the full read); the columns are
    then chosen by position, so unusual headings cannot be mistaken for one another.
    """
    names = [str(name) for name in
             pd.read_csv(path, nrows=0, dtype=str, encoding=encoding).columns]
    positions = [i for i, name in enumerate(names) if keep(name.strip().lstrip("\ufeff"))]
    placeholders = [f"column {i}" for i in range(len(names))]
    # no column kept: read the first one, for the number of rows (Arrow reads every column when
    # it is asked for none)
    kept = [placeholders[i] for i in positions] or placeholders[:1]
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(
            encoding="utf8" if encoding == "utf-8-sig" else encoding, skip_rows=1,
            column_names=placeholders),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            include_columns=kept, column_types={name: pa.string() for name in kept},
            strings_can_be_null=False, quoted_strings_can_be_null=False),
    )
    frame = table.to_pandas()
    if not positions:
        return frame.drop(columns=frame.columns)
    frame.columns = [names[i] for i in positions]
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
