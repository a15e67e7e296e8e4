"""IMD decile of each LSOA, read from an English Indices of Deprivation File 1 style table."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from jsna.clean.headings import compare_form, read_selected_columns
from jsna.errors import JsnaInputError


@dataclass(frozen=True)
class ImdDeciles:
    """IMD decile by LSOA read by :func:`read_imd_deciles`.

    Attributes
    ----------
    decile_by_lsoa : pandas.Series
        Decile (1 = most deprived 10% of LSOAs in England) indexed by LSOA code.
    lsoa_vintage : str
        ``"lsoa11"``, ``"lsoa21"`` or ``"lsoa"`` (not stated in the heading).
    """

    decile_by_lsoa: pd.Series
    lsoa_vintage: str


def read_imd_deciles(path: Path) -> ImdDeciles:
    """Read LSOA IMD deciles from an English Indices of Deprivation File 1 style table.

    The LSOA column is the one headed like ``LSOA code (2011)``, ``LSOA21CD`` or ``lsoa11``; the
    decile column is the first whose heading names the Index of Multiple Deprivation (or IMD) and
    "decile". Ranks (written with thousands separators in File 1) are not needed and not read.

    Parameters
    ----------
    path : Path
        CSV (UTF-8 with or without BOM, or Windows-1252) or XLSX file.

    Returns
    -------
    ImdDeciles

    Raises
    ------
    JsnaInputError
        If a column is missing or a decile is not a whole number from 1 to 10.
    """
    path = Path(path)
    vintage: list[str] = []

    def select(headings: list[str]) -> dict[str, str]:
        chosen: dict[str, str] = {}
        for heading in headings:
            form = compare_form(heading)
            match = re.match(r"^lsoa(?:code)?\(?(\d{2}|\d{4})?\)?(?:cd|code)?$", form)
            if match and "lsoa" not in chosen:
                chosen["lsoa"] = heading
                year = match.group(1)
                vintage.append(f"lsoa{year[-2:]}" if year else "lsoa")
            elif "decile" in form and ("indexofmultipledeprivation" in form
                                       or form.startswith("imd")) and "decile" not in chosen:
                chosen["decile"] = heading
        missing = [name for name in ("lsoa", "decile") if name not in chosen]
        if missing:
            wanted = {"lsoa": "LSOA code", "decile": "IMD decile"}
            raise JsnaInputError(
                f"{path.name}: IMD file is missing the {' and '.join(wanted[m] for m in missing)} "
                f"column; columns found: {', '.join(headings)}"
            )
        return chosen

    read = read_selected_columns(path, select)
    table = read.table
    lsoa = pc.utf8_trim_whitespace(table.column("lsoa")).to_pylist()
    text = pc.utf8_trim_whitespace(table.column("decile")).to_pylist()
    given = pd.Series(text, dtype=object)
    deciles = pd.to_numeric(given, errors="coerce")
    unreadable = deciles.isna() & given.notna()
    out_of_range = deciles.notna() & (~deciles.between(1, 10) | (deciles % 1 != 0))
    bad = unreadable | out_of_range
    if bad.any():
        row = int(table.column("source_row")[int(np.flatnonzero(bad.to_numpy())[0])].as_py())
        raise JsnaInputError(
            f"{path.name}: row {row}, IMD decile column: expected a whole number from 1 to 10"
        )
    series = pd.Series(deciles.to_numpy(), index=pd.Index(lsoa, dtype=object)).dropna()
    series = series[~series.index.duplicated(keep="first")].astype("int64")
    return ImdDeciles(decile_by_lsoa=series, lsoa_vintage=vintage[0] if vintage else "lsoa")
