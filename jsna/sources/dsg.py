"""ESFA's dedicated schools grant (DSG) allocations: the high needs block of every council.

The published workbook (``.ods`` or ``.xlsx``) has a sheet per block. The high needs sheet (found
by name: it contains "high needs" and not "deduction") has a title row, a row of headings, a row
of ``[A]``…``[J]`` letters and a row of formulas above the data; England is the row ``ENGLAND``,
each council a row starting with its DfE LA number, and the regions follow by name only. Councils
are matched by LA number (:mod:`jsna.sources.council_register`), never by name; regions
are not read (sum the councils by code instead).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.errors import JsnaInputError
from jsna.sources.common import parse_published_values
from jsna.sources.council_register import number_to_code
from jsna.sources.published_cache import cached_read

DSG_SOURCE = "ESFA, Dedicated schools grant (DSG) allocations"
#: The heading of the measure read (matched loosely: case, spaces and ``(£s)`` ignored).
TOTAL_BEFORE_DEDUCTIONS = "total high needs block before deductions"
ENGLAND = "E92000001"
_YEAR = re.compile(r"(20\d\d)\s*(?:to|-|/)\s*(?:20)?(\d\d)")


def _loose(text: object) -> str:
    """Lower case, ``(£s)`` and footnote digits dropped, spaces collapsed."""
    out = re.sub(r"\(£s?\)|£", " ", str(text).lower())
    return " ".join(out.split())


def _high_needs_sheet(sheets: dict[str, None], path: Path) -> str:
    names = [n for n in sheets if "high" in n.lower() and "need" in n.lower()
             and "deduct" not in n.lower()]
    if not names:
        raise JsnaInputError(f"{path}: no high needs block sheet (a sheet named like "
                             f"'High_needs_block'); sheets found: {', '.join(sheets)}")
    return names[0]


@cached_read
def read_high_needs_block(path: str | Path, councils: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every council's DSG high needs block allocation before deductions, and England's.

    Parameters
    ----------
    path : str or Path
        ESFA's DSG allocations workbook (ODS or XLSX, as published).
    councils : DataFrame, optional
        :func:`jsna.sources.council_register.council_register` (default: DfE's LA list).

    Returns
    -------
    DataFrame
        ``area_code`` (current GSS code), ``area_name`` (as published), ``area_type``
        (``"England"`` or ``"Local authority"``), ``la_number``, ``period`` (financial year,
        ``"2023-24"``), ``high_needs_block`` (£, NaN where a symbol was published) and ``note``
        (the symbol, e.g. ``[x]``). ``attrs["path"]`` and ``attrs["sheet"]`` say where it came from.

    Raises
    ------
    JsnaInputError
        One line naming the file, sheet, row and column: no high needs sheet, no heading
        "Total high needs block before deductions", no financial year in the title, an LA number
        that is not a council, or a cell that is neither a number nor a publication symbol.
    """
    path = Path(path)
    try:
        # the workbook is opened once and only the high needs sheet is parsed (odfpy is slow)
        book = pd.ExcelFile(path, engine="odf" if path.suffix.lower() == ".ods" else None)
        sheet = _high_needs_sheet({name: None for name in book.sheet_names}, path)
        raw = pd.read_excel(book, sheet_name=sheet, header=None, dtype=object)
    except (OSError, ValueError, KeyError) as error:
        raise JsnaInputError(f"{path}: not a readable {DSG_SOURCE} workbook ({error})") from None
    raw = raw.astype(object).where(raw.notna(), "")
    where = np.argwhere(raw.map(_loose).to_numpy() == TOTAL_BEFORE_DEDUCTIONS)
    if not len(where):
        raise JsnaInputError(f"{path}: sheet {sheet}: no column headed "
                             f"'Total high needs block before deductions (£s)'")
    heading_row, column = int(where[0][0]), int(where[0][1])
    title = " ".join(str(v) for v in raw.iloc[: heading_row + 1, 0])
    year = _YEAR.search(title) or _YEAR.search(path.name.replace("_", " "))
    if year is None:
        raise JsnaInputError(f"{path}: sheet {sheet}: no financial year ('2023 to 2024') in the "
                             f"title '{title.strip()}'")
    period = f"{year.group(1)}-{year.group(2)}"
    first = raw.iloc[:, 0].astype(str).str.strip()
    is_england = first.str.upper() == "ENGLAND"
    is_council = first.str.fullmatch(r"\d{3}(\.0)?")
    rows = raw[(is_england | is_council) & (raw.index > heading_row)]
    codes = number_to_code(rows.iloc[:, 0].astype(str).str.strip(), councils).to_numpy()
    codes = np.where(is_england[rows.index].to_numpy(), ENGLAND, codes)
    unknown = np.flatnonzero(codes == "")
    if len(unknown):
        at = rows.index[unknown[0]]
        raise JsnaInputError(f"{path}: sheet {sheet}, row {at + 1}, column A: LA number "
                             f"{first[at]} is not a council in DfE's list")
    values, notes, unreadable = parse_published_values(rows.iloc[:, column].astype(str))
    if unreadable.any():
        at = rows.index[int(np.argmax(unreadable))]
        raise JsnaInputError(
            f"{path}: sheet {sheet}, row {at + 1}, column {_letter(column)} "
            f"(Total high needs block before deductions): expected an amount in pounds or a "
            f"publication symbol, found {raw.iat[at, column]!r}")
    out = pd.DataFrame({
        "area_code": codes,
        "area_name": np.where(is_england[rows.index], "England", rows.iloc[:, 1].astype(str)),
        "area_type": np.where(is_england[rows.index], "England", "Local authority"),
        "la_number": pd.to_numeric(rows.iloc[:, 0].where(~is_england[rows.index]),
                                   errors="coerce").to_numpy(),
        "period": period,
        "high_needs_block": values,
        "note": notes,
    })
    out.attrs.update(path=str(path), sheet=sheet)
    return out.reset_index(drop=True)


def _letter(column: int) -> str:
    """Spreadsheet column letter of a 0-based index (0 -> A, 27 -> AB)."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
