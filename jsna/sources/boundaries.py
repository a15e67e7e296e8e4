"""Reader for ward and LSOA boundaries of any vintage (GeoJSON, GeoPackage, shapefile).

ONS Open Geography Portal boundaries name their columns by vintage (``WD25CD``/``WD25NM``,
``WD13CD``, ``LSOA21CD``, ``LSOA11CD`` ...); council files use their own (``id``/``name``).
The code and name columns are detected, and geometries are returned in British National Grid
(EPSG:27700) so areas and distances are in metres.

CRS rule: the file's own CRS is used when it declares one. A file without one is taken as WGS84
(EPSG:4326) when every coordinate is a plausible longitude/latitude (GeoJSON's default) and as
British National Grid when the coordinates are plausible eastings/northings; otherwise it is an
error.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from jsna.errors import JsnaInputError

if TYPE_CHECKING:  # geopandas is imported when boundaries are read, not by the cleaner
    import geopandas as gpd

SOURCE = "area boundaries (GeoJSON, GeoPackage or shapefile with a code column)"
BRITISH_NATIONAL_GRID = "EPSG:27700"

#: level -> code-column prefix in ONS boundary files.
_PREFIX = {"ward": "WD", "lsoa": "LSOA", "msoa": "MSOA", "lad": "LAD", "oa": "OA"}


def read_boundaries(
    path: str | Path,
    *,
    level: str | None = None,
    code_column: str | None = None,
    name_column: str | None = None,
) -> gpd.GeoDataFrame:
    """Read area boundaries and detect their code and name columns.

    Parameters
    ----------
    path : str or Path
        A GeoJSON, GeoPackage or shapefile.
    level : {"ward", "lsoa", "msoa", "lad", "oa"}, optional
        Which geography to look for when a file has several code columns (a ward file also has
        ``LAD25CD``). Default: the first ONS-style ``<XX><yy>CD`` column, preferring wards, then
        LSOAs.
    code_column, name_column : str, optional
        Use these columns instead of detecting them.

    Returns
    -------
    GeoDataFrame
        ``code``, ``name`` (``""`` when the file has no name column), ``geometry`` in EPSG:27700,
        and every original column. ``attrs`` hold ``code_column``, ``name_column``, ``vintage``
        (e.g. ``"WD25"``; ``""`` when unknown) and ``source_crs``.

    Raises
    ------
    JsnaInputError
        Missing or unreadable file, no code column (names the columns found), duplicated or
        blank codes, or an undeclared CRS that cannot be inferred.
    """
    import geopandas as gpd

    path = Path(path)
    if not path.exists():
        raise JsnaInputError(f"{path}: file not found (expected {SOURCE})")
    try:
        frame = gpd.read_file(path)
    except Exception as error:  # pyogrio raises several error types for unreadable files
        raise JsnaInputError(f"{path}: cannot read as {SOURCE}: {error}") from error
    columns = [c for c in frame.columns if c != frame.geometry.name]
    code, codes = _checked_codes(frame, columns, path, level, code_column)
    name = name_column or _detect_name(columns, code)
    source_crs = frame.crs.to_string() if frame.crs is not None else ""
    if frame.crs is None:
        frame = frame.set_crs(_infer_crs(frame, path))
    frame = frame.to_crs(BRITISH_NATIONAL_GRID)
    names = frame[name].astype(str).str.strip().to_numpy() if name else ""
    frame = frame.drop(columns=[c for c in ("code", "name") if c in frame.columns])
    frame.insert(0, "code", codes.to_numpy())
    frame.insert(1, "name", names)
    vintage = re.match(r"(?i)^([a-z]+\d{2})cd$", code)
    frame.attrs.update(
        {
            "path": str(path),
            "code_column": code,
            "name_column": name or "",
            "vintage": vintage.group(1).upper() if vintage else "",
            "source_crs": source_crs,
        }
    )
    return frame


def read_ward_codes(path: str | Path) -> frozenset[str]:
    """The ward codes of a ward boundary file, without its geometry (what the census cleaner needs).

    The code column is found, and the codes checked, exactly as :func:`read_boundaries` does with
    ``level="ward"`` (as ``jsna sources`` and the wards chapter read the file), so the cleaner
    accepts and refuses the same files with the same message.

    Parameters
    ----------
    path : str or Path
        A GeoJSON, GeoPackage or shapefile of wards.

    Returns
    -------
    frozenset of str

    Raises
    ------
    JsnaInputError
        Missing or unreadable file, no code column (names the columns found), a blank or
        duplicated code.
    """
    import pyogrio

    path = Path(path)
    if not path.exists():
        raise JsnaInputError(f"{path}: file not found (expected {SOURCE})")
    try:
        frame = pyogrio.read_dataframe(path, read_geometry=False)
    except Exception as error:  # pyogrio raises several error types for unreadable files
        raise JsnaInputError(f"{path}: cannot read as {SOURCE}: {error}") from error
    _, codes = _checked_codes(frame, [str(c) for c in frame.columns], path, "ward", None)
    return frozenset(codes)


def _checked_codes(frame: pd.DataFrame, columns: list[str], path: Path, level: str | None,
                   code_column: str | None) -> tuple[str, pd.Series]:
    """The code column of a boundary file and its codes (stripped); one line naming the file
    when there is no code column, or a code is blank or given to two features."""
    code = code_column or _detect_code(columns, level)
    if code is None or code not in frame.columns:
        wanted = f"{_PREFIX.get(level or '', 'WD/LSOA')}yyCD" if level else "WDyyCD or LSOAyyCD"
        raise JsnaInputError(
            f"{path}: not in the expected layout of {SOURCE}: no code column ({wanted}, 'code' "
            f"or 'id'); columns found: {', '.join(columns)}"
        )
    codes = frame[code].astype(str).str.strip()
    blank = codes.eq("") | frame[code].isna()
    if blank.any():
        raise JsnaInputError(f"{path}: feature {int(np.flatnonzero(blank)[0]) + 1} has no {code}")
    if codes.duplicated().any():
        raise JsnaInputError(
            f"{path}: code {codes[codes.duplicated()].iloc[0]} appears on more than one feature "
            f"in column {code!r}"
        )
    return code, codes


def boundary_area(frame: gpd.GeoDataFrame, codes: list[str]) -> gpd.GeoDataFrame:
    """Select areas by code; a clear error listing the codes the file does not have."""
    missing = sorted(set(codes) - set(frame["code"]))
    if missing:
        raise JsnaInputError(
            f"{frame.attrs.get('path', 'boundaries')}: area(s) {', '.join(missing)} not found "
            f"(column {frame.attrs.get('code_column', 'code')})"
        )
    return frame.loc[frame["code"].isin(codes)].copy()


def _detect_code(columns: list[str], level: str | None) -> str | None:
    ons = [c for c in columns if re.match(r"(?i)^[a-z]+\d{2}cd$", c)]
    if level:
        prefix = _PREFIX[level.lower()]
        matches = [c for c in ons if re.match(rf"(?i)^{prefix}\d{{2}}cd$", c)]
        if matches:
            return matches[0]
    else:
        for prefix in ("WD", "LSOA", "MSOA", "OA", "LAD"):
            matches = [c for c in ons if re.match(rf"(?i)^{prefix}\d{{2}}cd$", c)]
            if matches:
                return matches[0]
    lower = {c.lower(): c for c in columns}
    for candidate in ("code", "area_code", "id"):
        if candidate in lower:
            return lower[candidate]
    return None


def _detect_name(columns: list[str], code: str) -> str | None:
    if re.match(r"(?i)^[a-z]+\d{2}cd$", code):
        wanted = code[:-2] + "NM"
        for column in columns:
            if column.lower() == wanted.lower():
                return column
    lower = {c.lower(): c for c in columns}
    for candidate in ("name", "area_name"):
        if candidate in lower:
            return lower[candidate]
    return None


def _infer_crs(frame: gpd.GeoDataFrame, path: Path) -> str:
    minx, miny, maxx, maxy = frame.total_bounds
    if -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90:
        return "EPSG:4326"
    if 0 <= minx <= maxx <= 700_000 and 0 <= miny <= maxy <= 1_300_000:
        return BRITISH_NATIONAL_GRID
    raise JsnaInputError(
        f"{path}: the file declares no coordinate reference system and its coordinates "
        f"({minx:.0f}, {miny:.0f}, {maxx:.0f}, {maxy:.0f}) are neither longitude/latitude nor "
        "British National Grid"
    )
