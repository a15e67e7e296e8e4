"""Reader for DfE children's services statistical neighbours.

DfE publishes, for every council, its 10 statistical neighbours in order of similarity with a
closeness band (Very close, Close, Somewhat close, Not close). Layouts read here:

* the DfE workbook (``.xlsx``, sheet "LA SN Groups") or a CSV dump of it: preamble rows, then a
  header ``LA num, LA Name, LA number, GOInd, GOReg, SN1, SNP, SN2, SNP, ... SN10, SNP`` (``SNk``
  = the k-th neighbour's DfE LA number, the ``SNP`` after it = its closeness band);
* a simple long layout ``la_code, la_name, sn_rank, neighbour_code, neighbour_name, closeness``
  (DfE numbers accepted instead of codes as ``la_number``/``neighbour_number``);
* a wide layout by council name (one column per council, rows = neighbours 1..10), as shared by
  some benchmarking tools. Names are matched to codes after normalising case, punctuation and
  words such as "City of" or "Borough".

DfE LA numbers are mapped to GSS codes with :mod:`jsna.sources.la_codes`.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.errors import JsnaInputError
from jsna.sources.common import read_text_csv
from jsna.sources.la_codes import canonical_code, gss_to_la_number, la_number_to_gss, la_table

SOURCE = "DfE statistical neighbours (workbook, CSV dump, or la_code/sn_rank/neighbour_code list)"
COLUMNS = [
    "la_number",
    "la_code",
    "la_name",
    "sn_rank",
    "neighbour_number",
    "neighbour_code",
    "neighbour_name",
    "closeness",
]
CLOSENESS_BANDS = ("Extremely close", "Very close", "Close", "Somewhat close", "Not close")


def read_statistical_neighbours(path: str | Path) -> pd.DataFrame:
    """Read a statistical neighbours file into one row per council and neighbour.

    Parameters
    ----------
    path : str or Path
        ``.xlsx``/``.xls`` workbook or ``.csv`` in one of the layouts in the module notes.

    Returns
    -------
    DataFrame
        ``la_number`` (Int64), ``la_code``, ``la_name``, ``sn_rank`` (1 = most similar),
        ``neighbour_number`` (Int64), ``neighbour_code``, ``neighbour_name``, ``closeness``
        (one of :data:`CLOSENESS_BANDS`, ``""`` when not published). Codes are current GSS codes
        (``""`` when a number or name is unknown).

    Raises
    ------
    JsnaInputError
        When no known layout is recognised (names the columns found), or a rank is unreadable.
    """
    path = Path(path)
    grid = _read_grid(path)
    header_row = _find_header(grid)
    if header_row is not None:
        out = _from_dfe_grid(grid, header_row, path)
    else:
        header = [str(c).strip() for c in grid.iloc[0]]
        lower = [h.lower() for h in header]
        if "sn_rank" in lower:
            out = _from_long(grid, header, path)
        elif _looks_like_names(header):
            out = _from_wide_names(grid, header, path)
        else:
            raise JsnaInputError(
                f"{path}: not in the expected layout of {SOURCE}: no 'SN1' header row and no "
                f"sn_rank column; columns found: {', '.join(h for h in header if h)}"
            )
    not_published = out.attrs.get("not_published", [])
    out = out[COLUMNS].reset_index(drop=True)
    out.attrs["path"] = str(path)
    #: Councils listed without neighbours ("-"), e.g. councils created after the model.
    out.attrs["not_published"] = not_published
    return out


def neighbours_of(
    frame: pd.DataFrame, area_code: str, *, area_name: str | None = None
) -> list[str]:
    """The GSS codes of a council's statistical neighbours in published order.

    Parameters
    ----------
    frame : DataFrame
        Output of :func:`read_statistical_neighbours`.
    area_code : str
        GSS code (old or current) or DfE LA number of the council.
    area_name : str, optional
        For the error message.

    Raises
    ------
    JsnaInputError
        Naming the council when the file does not list it.
    """
    code = canonical_code(area_code)
    rows = frame.loc[frame["la_code"].eq(code) | frame["la_number"].astype(str).eq(code)]
    if rows.empty:
        name = f" ({area_name})" if area_name else ""
        raise JsnaInputError(
            f"{frame.attrs.get('path', 'statistical neighbours')}: council {area_code}{name} is "
            "not in the statistical neighbours file"
        )
    return rows.sort_values("sn_rank")["neighbour_code"].tolist()


def _read_grid(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise JsnaInputError(f"{path}: file not found (expected {SOURCE})")
    if path.suffix.lower() in {".xlsx", ".xlsm", ".xls"}:
        try:
            sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object)
        except Exception as error:  # openpyxl/xlrd raise many error types
            raise JsnaInputError(f"{path}: cannot read workbook: {error}") from error
        chosen = next(
            (s for s in sheets.values() if _find_header(_as_text(s)) is not None),
            next(iter(sheets.values())),
        )
        return _as_text(chosen)
    # the package's one CSV decoding (UTF-8 with or without BOM, or Excel's Windows-1252), which
    # also refuses a workbook saved under a .csv name
    return _as_text(read_text_csv(path, SOURCE, header=False))


def _as_text(grid: pd.DataFrame) -> pd.DataFrame:
    """Cells as stripped text; whole-number floats from Excel lose their '.0'."""

    def cell(value: object) -> str:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    text = grid.map(cell)
    empty_rows = text.eq("").all(axis=1)
    return text.loc[~empty_rows].reset_index(drop=True)


def _find_header(grid: pd.DataFrame) -> int | None:
    for position in range(min(len(grid), 15)):
        if grid.iloc[position].str.upper().eq("SN1").any():
            return position
    return None


def _from_dfe_grid(grid: pd.DataFrame, header_row: int, path: Path) -> pd.DataFrame:
    header = [h.strip() for h in grid.iloc[header_row]]
    lower = [h.lower() for h in header]
    number_col = next(
        (i for i, h in enumerate(lower) if h in ("la number", "la num", "la_number")), None
    )
    name_col = next((i for i, h in enumerate(lower) if h in ("la name", "la_name")), None)
    if number_col is None:
        raise JsnaInputError(
            f"{path}: not in the expected layout of {SOURCE}: header row {header_row + 1} has no "
            f"'LA number' column; columns found: {', '.join(h for h in header if h)}"
        )
    body = grid.iloc[header_row + 1 :]
    parts = []
    for rank in range(1, 11):
        try:
            sn_col = lower.index(f"sn{rank}")
        except ValueError:
            continue
        band_col = sn_col + 1 if sn_col + 1 < len(lower) and lower[sn_col + 1] == "snp" else None
        part = pd.DataFrame(
            {
                "la_number": body.iloc[:, number_col].to_numpy(),
                "la_name": body.iloc[:, name_col].to_numpy() if name_col is not None else "",
                "sn_rank": rank,
                "neighbour_number": body.iloc[:, sn_col].to_numpy(),
                "closeness": body.iloc[:, band_col].to_numpy() if band_col is not None else "",
            }
        )
        parts.append(part)
    if not parts:
        raise JsnaInputError(f"{path}: header row {header_row + 1} has no SN1..SN10 columns")
    out = pd.concat(parts, ignore_index=True)
    out = out.loc[out["la_number"].str.fullmatch(r"\d{3}")]
    # Councils created after the model was built are listed with "-" for every neighbour.
    unpublished = ~out["neighbour_number"].str.fullmatch(r"\d{3}")
    not_published = sorted(set(out.loc[unpublished, "la_name"]))
    out = out.loc[~unpublished]
    out["la_number"] = pd.to_numeric(out["la_number"]).astype("Int64")
    out["neighbour_number"] = pd.to_numeric(out["neighbour_number"], errors="coerce").astype(
        "Int64"
    )
    out["la_code"] = la_number_to_gss(out["la_number"].astype(float)).to_numpy()
    out["neighbour_code"] = la_number_to_gss(out["neighbour_number"].astype(float)).to_numpy()
    names = dict(zip(out["la_number"], out["la_name"], strict=False))
    table_names = dict(zip(la_table()["la_number"], la_table()["la_name"], strict=True))
    out["neighbour_name"] = [
        names.get(n, table_names.get(n, "")) if pd.notna(n) else "" for n in out["neighbour_number"]
    ]
    out["closeness"] = _closeness(out["closeness"])
    out = out.sort_values(["la_number", "sn_rank"], kind="stable")
    out.attrs["not_published"] = not_published
    return out


def _from_long(grid: pd.DataFrame, header: list[str], path: Path) -> pd.DataFrame:
    body = grid.iloc[1:].copy()
    body.columns = [h.lower() for h in header]
    has_code = "la_code" in body.columns or "la_number" in body.columns
    has_neighbour = "neighbour_code" in body.columns or "neighbour_number" in body.columns
    if not (has_code and has_neighbour):
        raise JsnaInputError(
            f"{path}: not in the expected layout of {SOURCE}: need la_code (or la_number), "
            f"sn_rank and neighbour_code (or neighbour_number); columns found: {', '.join(header)}"
        )
    ranks = pd.to_numeric(body["sn_rank"], errors="coerce")
    if ranks.isna().any():
        row = int(np.flatnonzero(ranks.isna().to_numpy())[0])
        raise JsnaInputError(
            f"{path}: row {row + 2}, column 'sn_rank': value {body['sn_rank'].iloc[row]!r} is "
            "not a rank 1..10"
        )
    out = pd.DataFrame(index=body.index)
    for side, code_name, number_name in (
        ("la", "la_code", "la_number"),
        ("neighbour", "neighbour_code", "neighbour_number"),
    ):
        if code_name in body.columns:
            out[code_name] = body[code_name].map(canonical_code)
            numbers = (
                pd.to_numeric(body[number_name], errors="coerce")
                if number_name in body.columns
                else gss_to_la_number(out[code_name]).to_numpy()
            )
        else:
            numbers = pd.to_numeric(body[number_name], errors="coerce")
            out[code_name] = la_number_to_gss(numbers).to_numpy()
        out[number_name] = pd.array(numbers, dtype="Float64").astype("Int64")
        name_column = f"{side}_name"
        out[name_column] = body[name_column] if name_column in body.columns else ""
    out["sn_rank"] = ranks.astype(int)
    out["closeness"] = _closeness(body["closeness"]) if "closeness" in body.columns else ""
    return out.sort_values(["la_code", "sn_rank"], kind="stable")


def _from_wide_names(grid: pd.DataFrame, header: list[str], path: Path) -> pd.DataFrame:
    lookup = _name_lookup()
    rows = []
    body = grid.iloc[1:]
    for position, council in enumerate(header):
        if not council:
            continue
        neighbours = [n for n in body.iloc[:, position] if n]
        for rank, neighbour in enumerate(neighbours, start=1):
            rows.append((council, rank, neighbour))
    out = pd.DataFrame(rows, columns=["la_name", "sn_rank", "neighbour_name"])
    out["la_code"] = out["la_name"].map(lambda n: lookup.get(_normalise_name(n), ""))
    out["neighbour_code"] = out["neighbour_name"].map(lambda n: lookup.get(_normalise_name(n), ""))
    unknown = sorted(set(out.loc[out["la_code"].eq(""), "la_name"]))
    if unknown:
        raise JsnaInputError(
            f"{path}: council name(s) not recognised: {', '.join(unknown[:5])}"
            f"{' ...' if len(unknown) > 5 else ''}"
        )
    out["la_number"] = gss_to_la_number(out["la_code"]).astype("Int64").to_numpy()
    out["neighbour_number"] = gss_to_la_number(out["neighbour_code"]).astype("Int64").to_numpy()
    out["closeness"] = ""
    return out.sort_values(["la_code", "sn_rank"], kind="stable")


def _looks_like_names(header: list[str]) -> bool:
    lookup = _name_lookup()
    names = [h for h in header if h]
    known = sum(_normalise_name(h) in lookup for h in names)
    return len(names) >= 2 and known >= 0.8 * len(names)


def _normalise_name(name: str) -> str:
    text = name.lower().replace("&", " and ").replace("st.", "st")
    text = re.sub(r"\b(city of|county of|county|borough|council|the)\b", " ", text)
    text = re.sub(r"[^a-z ]", " ", text)
    return " ".join(text.split())


def _name_lookup() -> dict[str, str]:
    table = la_table()
    return {_normalise_name(n): c for n, c in zip(table["la_name"], table["gss_code"], strict=True)}


def _closeness(bands: pd.Series) -> pd.Series:
    text = bands.astype(str).str.strip().str.lower()
    return text.str[:1].str.upper().str.cat(text.str[1:]).astype(str)
