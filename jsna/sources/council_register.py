"""Which council each DfE LA number is, and its region: DfE's LA list, extended from a file.

Published tables that name councils by DfE LA number only (ESFA's DSG allocations, the SEND
Tribunal appeal table) are matched through this register. It is the LA list of
:mod:`jsna.sources.la_codes`, plus any council a DfE explore-education-statistics file (which
carries ``old_la_code`` = LA number, ``new_la_code`` and ``region_code`` on every council's row)
knows and the list does not, such as a council formed after the list was written or the demo's
fictional councils.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jsna.sources.common import read_text_csv
from jsna.sources.la_codes import DFE_REGIONS, la_table

COLUMNS = ["la_number", "gss_code", "region_code", "current"]


def council_register(ees_path: str | Path | None = None) -> pd.DataFrame:
    """DfE LA number -> GSS code and region of every council, optionally extended from a file.

    Parameters
    ----------
    ees_path : str or Path, optional
        A DfE EES CSV with council rows (``geographic_level``, ``old_la_code``,
        ``new_la_code``, ``region_code``), e.g. the EHC plans caseload file.

    Returns
    -------
    DataFrame
        ``la_number`` (int), ``gss_code``, ``region_code``, ``current`` (bool).
    """
    table = la_table()[COLUMNS]
    if ees_path is None:
        return table.reset_index(drop=True)
    raw = read_text_csv(Path(ees_path), "a DfE explore-education-statistics CSV")
    needed = {"geographic_level", "old_la_code", "new_la_code", "region_code"}
    if not needed <= set(raw.columns):
        return table.reset_index(drop=True)
    councils = raw[raw["geographic_level"].str.strip() == "Local authority"]
    numbers = pd.to_numeric(councils["old_la_code"].str.strip(), errors="coerce")
    extra = pd.DataFrame({"la_number": numbers, "gss_code": councils["new_la_code"].str.strip(),
                          "region_code": councils["region_code"].str.strip(), "current": True})
    extra = extra.dropna(subset=["la_number"]).drop_duplicates("gss_code")
    extra = extra[~extra["gss_code"].isin(table["gss_code"])
                  & ~extra["la_number"].isin(table["la_number"])]
    extra["la_number"] = extra["la_number"].astype(int)
    return pd.concat([table, extra], ignore_index=True)


def number_to_code(numbers: pd.Series, councils: pd.DataFrame | None) -> pd.Series:
    """GSS codes of DfE LA numbers through the register (``""`` where unknown)."""
    councils = council_register() if councils is None else councils
    lookup = {number: code for number, (code, _) in DFE_REGIONS.items()}
    # a council of the register wins over a LAIT region pseudo-number (the demo's Demoton is 990)
    lookup.update(zip(councils["la_number"], councils["gss_code"], strict=True))
    as_int = pd.to_numeric(numbers.astype(str).str.strip(), errors="coerce")
    return as_int.map(lookup).fillna("").astype(str)
