"""SEND Tribunal appeal rates by council (MoJ/DfE): appeals registered and appealable decisions.

Two published layouts are read: MoJ's *SEND appeal rate table* workbook (sheet ``SEND_2``, found
as the sheet whose title says "by local authorit") and DfE's supporting CSV of the EHC plans
release (``SEND Tribunals and appeal rate 2014-2024.csv``). Both have a title, a row ``Local
Authority`` with the calendar years, a row of measures (``Appeals registered``, ``Total
Appealable Decisions``, ``SEND Tribunal Appeal Rate``; footnote digits ignored), region headings
in capitals and footnotes below. ``-`` means zero, ``..`` not available, ``x`` suppressed; the
DfE rate is recomputed from the two counts, never read.

Councils are matched by DfE LA number (the ``LA code`` column of DfE's CSV), never by name. MoJ's
2022 workbook has names only (``Durham``, ``Bournemouth5`` ...), so it is refused with a message
pointing to DfE's CSV; the predecessors of reorganised councils, which have no LA number in the
CSV (Bournemouth, Poole), are left out (their successor's own rows are read).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.errors import JsnaInputError
from jsna.sources.common import parse_published_values, sniff_text_file
from jsna.sources.council_register import number_to_code
from jsna.sources.published_cache import cached_read

TRIBUNAL_SOURCE = "MoJ/DfE, SEND Tribunal appeal rate by local authority"
ENGLAND = "E92000001"
#: Publication symbols of these tables beyond the GSS ones.
SYMBOLS = {"-": "[zero]", "..": "[x]"}
_MEASURES = {"appeals registered": "appeals", "total appealable decisions": "decisions"}


def _loose(text: object) -> str:
    """Lower case, footnote digits and commas dropped, spaces collapsed."""
    return " ".join(re.sub(r"[\d,]+$", "", str(text).strip()).lower().split())


def _bare_name(text: str) -> str:
    """A published name without its footnote digits (``Bournemouth5`` -> ``bournemouth``)."""
    return " ".join(re.sub(r"\d[\d,]*$", "", text.strip()).lower().split())


def _grid(path: Path) -> tuple[pd.DataFrame, str]:
    """The table as text cells, and the name of the sheet it came from (``""`` for a CSV)."""
    if path.suffix.lower() in {".ods", ".xlsx", ".xls"}:
        try:
            sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object,
                                   engine="odf" if path.suffix.lower() == ".ods" else None)
        except (OSError, ValueError, KeyError) as error:
            raise JsnaInputError(f"{path}: not a readable {TRIBUNAL_SOURCE} workbook "
                                 f"({error})") from None
        for name, sheet in sheets.items():
            title = " ".join(str(v) for v in sheet.iloc[:3, 0].dropna()).lower()
            if "by local authorit" in title:
                return sheet.astype(object).where(sheet.notna(), "").astype(str), name
        raise JsnaInputError(f"{path}: no sheet titled '... by local authorities ...'; sheets "
                             f"found: {', '.join(sheets)}")
    sniff = sniff_text_file(path, expected=TRIBUNAL_SOURCE)
    encoding = "utf-8-sig" if sniff.encoding == "utf-8" else sniff.encoding
    # a spreadsheet saved as CSV: rows of different lengths (title, notes), cells with newlines
    with open(path, encoding=encoding, newline="") as handle:
        lines = list(csv.reader(handle))
    width = max((len(line) for line in lines), default=0)
    raw = pd.DataFrame([line + [""] * (width - len(line)) for line in lines], dtype=object)
    return raw, ""


@cached_read
def read_appeal_rates(path: str | Path, councils: pd.DataFrame | None = None) -> pd.DataFrame:
    """Appeals registered with the SEND Tribunal and appealable decisions, by council and year.

    Parameters
    ----------
    path : str or Path
        DfE's supporting CSV (MoJ's workbook, which has no LA codes, is refused).
    councils : DataFrame, optional
        :func:`jsna.sources.council_register.council_register` (default: DfE's LA list).

    Returns
    -------
    DataFrame
        ``area_code`` (GSS code as of the year: predecessors keep theirs), ``area_name`` (as
        published, footnote digits dropped), ``area_type`` (``"England"`` or ``"Local
        authority"``), ``period`` (calendar year, text), ``appeals``, ``decisions`` (NaN where
        a symbol was published), ``note`` (the symbol: ``[x]`` not available, ``[c]``
        suppressed; ``-`` is read as zero). ``attrs``: ``path`` and ``sheet``.

    Raises
    ------
    JsnaInputError
        One line naming the file, sheet, row and column: no ``Local Authority`` heading row, no
        year with both measures, a council that is not in DfE's list, or a cell that is neither
        a number nor a symbol.
    """
    path = Path(path)
    raw, sheet = _grid(path)
    where = f"{path}: sheet {sheet}" if sheet else f"{path}"
    first = raw.iloc[:, 0].astype(str).str.strip()
    header = np.flatnonzero(first.str.lower() == "local authority")
    if not len(header):
        raise JsnaInputError(f"{where}: no heading row starting 'Local Authority'")
    years_row, measure_row = int(header[0]), int(header[0]) + 1
    years = raw.iloc[years_row].astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
    years = years.where(years.str.fullmatch(r"20\d\d")).ffill()
    measures = raw.iloc[measure_row].map(_loose).map(_MEASURES)
    code_columns = [i for i, v in enumerate(raw.iloc[years_row]) if _loose(v) == "la code"]
    columns = {}
    for i, (year, measure) in enumerate(zip(years, measures, strict=True)):
        if isinstance(year, str) and isinstance(measure, str):
            columns.setdefault(year, {})[measure] = i
    columns = {y: m for y, m in columns.items() if len(m) == 2}
    if not columns:
        raise JsnaInputError(f"{where}, row {measure_row + 1}: no year with both 'Appeals "
                             "registered' and 'Total Appealable Decisions' columns")
    body = raw.iloc[measure_row + 1:]
    names = body.iloc[:, 0].astype(str).str.strip()
    footnotes = np.flatnonzero(names.str.lower().str.startswith("notes"))
    if len(footnotes):
        body, names = body.iloc[: footnotes[0]], names.iloc[: footnotes[0]]
    is_england = names.map(_bare_name) == "england total"
    has_values = body.iloc[:, [c for m in columns.values() for c in m.values()]].apply(
        lambda col: col.str.strip() != "").any(axis=1)
    is_council = has_values & ~is_england & (names != "") & ~names.str.lower().str.startswith(
        "england")
    if not code_columns:
        raise JsnaInputError(
            f"{where}, row {years_row + 1}: no 'LA code' column, so councils cannot be matched by "
            "code (MoJ's workbook names councils only); use DfE's 'SEND Tribunals and appeal "
            "rate' CSV from the Education, health and care plans release")
    numbers = body.iloc[:, code_columns[0]].astype(str).str.strip()
    codes = number_to_code(numbers, councils)
    codes.index = body.index
    codes = codes.where(~is_england, ENGLAND)
    # a predecessor of a reorganised council has no LA number (Bournemouth, Poole): left out
    is_council &= numbers != ""
    unknown = np.flatnonzero(((codes == "") & is_council).to_numpy())
    if len(unknown):
        at = body.index[unknown[0]]
        raise JsnaInputError(f"{where}, row {at + 1}, column A: {names[at]!r} has LA number "
                             f"{numbers[at]!r}, not a council in DfE's LA list")
    keep = is_council | is_england
    body, names, codes = body[keep], names[keep], codes[keep]
    parts = []
    for year, measure_columns in sorted(columns.items()):
        part = pd.DataFrame({"area_code": codes.to_numpy(),
                             "area_name": names.map(_bare_name).where(~is_england[keep],
                                                                      "england").to_numpy(),
                             "period": year})
        notes = np.full(len(body), "", dtype=object)
        for measure, column in measure_columns.items():
            cells = body.iloc[:, column].astype(str).str.strip()
            values, found, unreadable = parse_published_values(cells, SYMBOLS)
            values, found = values.copy(), found.copy()
            if unreadable.any():
                at = body.index[int(np.argmax(unreadable))]
                raise JsnaInputError(
                    f"{where}, row {at + 1}, column {column + 1} ({year} {measure}): expected "
                    f"a count or a symbol (-, .., x), found {raw.iat[at, column]!r}")
            zero = found == "[zero]"
            values[zero] = 0.0
            found[zero] = ""
            part[measure] = values
            notes = np.where(notes == "", found, notes)
        part["note"] = notes
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["area_name"] = np.where(out["area_code"] == ENGLAND, "England",
                                names.to_numpy().tolist() * len(columns))
    out["area_name"] = out["area_name"].map(lambda n: re.sub(r"\d[\d,]*$", "", n).strip())
    out["area_type"] = np.where(out["area_code"] == ENGLAND, "England", "Local authority")
    out.attrs.update(path=str(path), sheet=sheet)
    return out[["area_code", "area_name", "area_type", "period", "appeals", "decisions", "note"]]
