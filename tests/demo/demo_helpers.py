"""Helpers shared by the demo tests (plain pandas, independent of jsna.demo)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

#: A small council for the cheaper checks.
SMALL = {"seed": 7, "dirt_rate": 0.02, "years": 3, "last_year": 2025, "n_wards": 6}


def read_census(folder: Path, year: int) -> pd.DataFrame:
    """A census file as text, exactly as written (no NA conversion, no stripping)."""
    return pd.read_csv(folder / "census" / f"census_{year}.csv", dtype=str, keep_default_na=False)


def counted_pupils(census: pd.DataFrame) -> pd.DataFrame:
    """Pupils on roll as DfE counts them: EnrolStatus C or M, one row per UPN (a blank UPN is
    a pupil of its own), codes tidied."""
    rows = census[census["EnrolStatus"].isin(["C", "M"])]
    repeated = rows["UPN"].duplicated() & (rows["UPN"] != "")
    rows = rows[~repeated].copy()
    rows["sen"] = rows["SENprovision"].str.strip().str.upper()
    rows["need"] = rows["SENType1"].str.strip().str.upper()
    return rows
