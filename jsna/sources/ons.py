"""Readers for ONS population estimates and the LTLA -> UTLA lookup.

* Mid-year population estimates by single year of age, published wide (one column per age ``0`` ..
  ``89`` and ``90+``), for local authorities, wards or LSOAs -> long (one row per area, sex and
  age). Layouts seen: ONS/Trafford Data Lab ``period, area_code, area_name, geography, sex,
  all_ages, ..., 0 .. 90+``; demographr ``ltla21_code, ltla21_name, total_population, 0 .. 90+``.
* LTLA -> UTLA lookups.

The council's local geography lookups have one reader each, shared with the census cleaner: the
postcode directory in :mod:`jsna.sources.postcodes`, the LSOA -> ward lookup in
:mod:`jsna.sources.lsoa_wards`.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.errors import JsnaInputError
from jsna.sources.common import (
    first_unreadable,
    parse_published_values,
    read_text_csv,
    require_columns,
)
from jsna.sources.published_cache import cached_read

POPULATION_SOURCE = "ONS mid-year population estimates by single year of age (wide)"
LTLA_UTLA_SOURCE = "an ONS LTLA to UTLA lookup (LTLAyyCD, UTLAyyCD ...)"

_AGE = re.compile(r"^(\d{1,3})(\+?)$")

#: Third and second characters of a GSS code -> area type ("E01..." is an LSOA).
_CODE_TYPES = {
    "01": "LSOA",
    "02": "MSOA",
    "05": "Ward",
    "06": "Local authority",
    "07": "Local authority district",
    "08": "Local authority",
    "09": "Local authority",
    "10": "County",
    "11": "Metropolitan county",
    "12": "Region",
    "92": "England",
}


def area_type_from_code(codes: pd.Series) -> pd.Series:
    """Area type from the entity part of a GSS code (``E01`` LSOA, ``E05`` ward, ``E06`` ...).

    Works for the demo's ``Z`` codes too (``Z01`` LSOA). Unknown entities give ``""``.
    """
    return codes.astype(str).str[1:3].map(_CODE_TYPES).fillna("").astype(str)


@cached_read
def read_population(path: str | Path, *, period: str | int | None = None) -> pd.DataFrame:
    """Read ONS single-year-of-age population estimates (wide) into a long frame.

    Parameters
    ----------
    path : str or Path
        The CSV. Needs an area code column (``area_code``, ``*_code``, ``*CD``), age columns
        ``0`` .. ``90+`` and, optionally, ``area_name``, ``geography``, ``sex``, ``period``.
    period : str or int, optional
        The mid-year (e.g. 2020) when the file has no ``period``/``year`` column and its name
        does not say (``mid2020``, ``mid-year_2024``).

    Returns
    -------
    DataFrame
        ``period`` (text, mid-year such as ``"2024"``), ``year`` (int), ``area_code``,
        ``area_name``, ``area_type`` (``"Local authority"``, ``"Ward"``, ``"LSOA"`` ...),
        ``sex`` (``"Persons"`` when the file has no sex column), ``age`` (int; the top group
        ``90+`` is 90), ``age_label`` (as published), ``population`` (float).

    Raises
    ------
    JsnaInputError
        No code column or no age columns (names what was found), an unreadable count, no period,
        or single years that do not add up to the published all-ages total.
    """
    path = Path(path)
    raw = read_text_csv(path, POPULATION_SOURCE)
    columns = list(raw.columns)
    ages = [c for c in columns if _AGE.match(c)]
    code_column = _find(columns, ["area_code", "code", "geography_code"], r"(?i).*(_code|cd)$")
    if code_column is None or "0" not in ages:
        missing = []
        if code_column is None:
            missing.append("an area code column (area_code, *_code or *CD)")
        if "0" not in ages:
            missing.append("single-year age columns 0, 1, ..., 90+")
        raise JsnaInputError(
            f"{path}: not in the expected layout of {POPULATION_SOURCE}: missing "
            f"{' and '.join(missing)}; columns found: {', '.join(columns)}"
        )
    name_column = _find(columns, ["area_name", "name", "geography_name"], r"(?i).*(_name|nm)$")
    periods = _population_period(raw, path, period)
    codes = raw[code_column].str.strip()
    if "geography" in columns:
        area_type = raw["geography"].str.strip().replace({"LAD": "Local authority"})
    else:
        area_type = area_type_from_code(codes)
    sex = raw["sex"].str.strip() if "sex" in columns else pd.Series("Persons", index=raw.index)
    _refuse_repeated_areas(path, periods, codes, sex)

    # Parse every age cell in one vectorised pass (row-major: row 0 ages 0..90+, row 1 ...).
    cells = pd.Series(raw[ages].to_numpy(dtype=object).reshape(-1))
    values, notes, unreadable = parse_published_values(cells)
    bad = unreadable | (notes != "")
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        row, column = divmod(position, len(ages))
        raise first_unreadable(
            raw[ages[column]], np.arange(len(raw)) == row, path, ages[column], "a population count"
        )
    counts = values.reshape(len(raw), len(ages))
    total_column = _find(columns, ["all_ages", "total_population", "all ages", "population"], None)
    if total_column is not None:
        totals, _, unreadable = parse_published_values(raw[total_column])
        mismatch = (
            ~unreadable & ~np.isnan(totals) & (np.abs(np.nansum(counts, axis=1) - totals) > 0.5)
        )
        if mismatch.any():
            row = int(np.flatnonzero(mismatch)[0])
            raise JsnaInputError(
                f"{path}: row {row + 2}: single years of age add up to "
                f"{np.nansum(counts[row]):,.0f}, not the published {total_column} "
                f"{totals[row]:,.0f}"
            )

    n_ages = len(ages)
    long = pd.DataFrame(
        {
            "period": np.repeat(periods.to_numpy(), n_ages),
            "area_code": np.repeat(codes.to_numpy(), n_ages),
            "area_name": np.repeat(
                (raw[name_column].str.strip() if name_column else codes).to_numpy(), n_ages
            ),
            "area_type": np.repeat(area_type.to_numpy(), n_ages),
            "sex": np.repeat(sex.to_numpy(), n_ages),
            "age_label": np.tile(np.array(ages, dtype=object), len(raw)),
            "population": counts.reshape(-1),
        }
    )
    # the age of each label once (90+ is 90), not of each of the rows x ages cells
    long["age"] = np.tile(np.array([int(_AGE.match(a).group(1)) for a in ages]), len(raw))
    long["year"] = long["period"].astype(int)
    for column in ("period", "area_code", "area_name", "area_type", "sex", "age_label"):
        long[column] = long[column].astype(str)
    long = long[
        [
            "period",
            "year",
            "area_code",
            "area_name",
            "area_type",
            "sex",
            "age",
            "age_label",
            "population",
        ]
    ]
    long.attrs["path"] = str(path)
    return long


def _refuse_repeated_areas(path: Path, periods: pd.Series, codes: pd.Series,
                           sex: pd.Series) -> None:
    """One line naming the first two rows that give one area, sex and year twice (every sum
    downstream would add them together)."""
    keys = pd.DataFrame({"period": periods.to_numpy(), "code": codes.to_numpy(),
                         "sex": sex.to_numpy()})
    repeated = keys.duplicated(keep=False).to_numpy()
    if not repeated.any():
        return
    first = int(np.flatnonzero(repeated)[0])
    same = (keys == keys.iloc[first]).all(axis=1).to_numpy()
    second = int(np.flatnonzero(same)[1])
    period, code, group = keys.iloc[first]
    raise JsnaInputError(f"{path}: rows {first + 2} and {second + 2}: {code} ({group}, "
                         f"mid-{period}) is given twice; each area, sex and year should be one "
                         "row (two would be added together)")


def _population_period(raw: pd.DataFrame, path: Path, period: str | int | None) -> pd.Series:
    for column in ("period", "year", "mid_year", "date"):
        if column in raw.columns:
            years = raw[column].str.extract(r"(\d{4})")[0]
            if years.isna().any():
                raise first_unreadable(
                    raw[column], years.isna().to_numpy(), path, column, "a date or year"
                )
            return years.astype(str)
    if period is not None:
        return pd.Series(str(period), index=raw.index)
    found = re.search(r"mid[-_ ]?(?:year[-_ ]?)?(\d{4})", path.name, re.IGNORECASE)
    if found:
        return pd.Series(found.group(1), index=raw.index)
    raise JsnaInputError(
        f"{path}: cannot tell which mid-year these population estimates are for: no period/year "
        "column and no 'mid<year>' in the file name; pass period="
    )


def read_ltla_utla_lookup(path: str | Path) -> pd.DataFrame:
    """Read an ONS lower-tier to upper-tier local authority lookup.

    Returns
    -------
    DataFrame
        ``ltla_code``, ``ltla_name``, ``utla_code``, ``utla_name``, ``vintage`` (e.g. ``"22"``).
    """
    path = Path(path)
    raw = read_text_csv(path, LTLA_UTLA_SOURCE)
    ltla, utla = _required_matches(
        raw,
        {"LTLAyyCD": r"(?i)^(ltla|lad)\d{2}cd$", "UTLAyyCD": r"(?i)^(utla|cty|ctyua)\d{2}cd$"},
        path,
        LTLA_UTLA_SOURCE,
    )
    out = pd.DataFrame(
        {
            "ltla_code": raw[ltla].str.strip(),
            "ltla_name": _first_match(raw, r"(?i)^(ltla|lad)\d{2}nm$"),
            "utla_code": raw[utla].str.strip(),
            "utla_name": _first_match(raw, r"(?i)^(utla|cty|ctyua)\d{2}nm$"),
        }
    )
    out["vintage"] = re.sub(r"\D", "", ltla)
    out.attrs["path"] = str(path)
    return out


def _find(columns: list[str], exact: list[str], pattern: str | None) -> str | None:
    """First column whose lower-case name is in ``exact``, else the first matching ``pattern``."""
    lower = {c.lower(): c for c in columns}
    for name in exact:
        if name in lower:
            return lower[name]
    if pattern is None:
        return None
    regex = re.compile(pattern)
    return next((c for c in columns if regex.match(c)), None)


def _optional(raw: pd.DataFrame, column: str | None) -> pd.Series:
    if column is None:
        return pd.Series("", index=raw.index, dtype=str)
    return raw[column].str.strip().astype(str)


def _first_match(raw: pd.DataFrame, pattern: str) -> pd.Series:
    """The stripped text of the first column matching ``pattern``; blank when none does."""
    return _optional(raw, _find(list(raw.columns), [], pattern))


def _required_matches(
    raw: pd.DataFrame, patterns: dict[str, str], path: Path, source: str
) -> list[str]:
    """The first column matching each pattern, in order.

    ``patterns`` maps the name the error gives a missing column (e.g. ``"LSOAyyCD"``) to its
    pattern; any pattern that no column matches raises, naming them all.
    """
    columns = list(raw.columns)
    found = {name: _find(columns, [], pattern) for name, pattern in patterns.items()}
    missing = [name for name, column in found.items() if column is None]
    if missing:
        require_columns(columns, missing, path, source)
    return [column for column in found.values() if column is not None]
