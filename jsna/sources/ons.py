"""Readers for ONS population estimates, geography lookups and the postcode directory.

* Mid-year population estimates by single year of age, published wide (one column per age ``0`` ..
  ``89`` and ``90+``), for local authorities, wards or LSOAs -> long (one row per area, sex and
  age). Layouts seen: ONS/Trafford Data Lab ``period, area_code, area_name, geography, sex,
  all_ages, ..., 0 .. 90+``; demographr ``ltla21_code, ltla21_name, total_population, 0 .. 90+``.
* LSOA -> ward best-fit lookups of any vintage (``LSOA11CD``/``LSOA21CD``, ``WD19CD``/``WD25CD``
  ..., LAD columns), LTLA -> UTLA lookups.
* The ONS Postcode Directory (ONSPD/NSPL: ``pcds``, ``lsoa21``/``lsoa11``, ``osward``, ``oslaua``,
  ``doterm``) and council-filtered extracts (``PostcodeNatural``, ``LSOA11CD``, ``WD22CD_proposed``).
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

POPULATION_SOURCE = "ONS mid-year population estimates by single year of age (wide)"
LSOA_WARD_SOURCE = "an ONS LSOA to ward lookup (LSOAyyCD, WDyyCD ...)"
LTLA_UTLA_SOURCE = "an ONS LTLA to UTLA lookup (LTLAyyCD, UTLAyyCD ...)"
POSTCODE_SOURCE = "the ONS Postcode Directory (pcds, lsoa21/lsoa11, osward, oslaua)"

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


def read_lsoa_ward_lookup(path: str | Path) -> pd.DataFrame:
    """Read an ONS LSOA -> ward lookup of any vintage.

    Parameters
    ----------
    path : str or Path
        CSV with ``LSOAyyCD`` and ``WDyyCD`` (optionally ``..._proposed``), names and LAD columns
        (case-insensitive).

    Returns
    -------
    DataFrame
        ``lsoa_code``, ``lsoa_name``, ``ward_code``, ``ward_name``, ``lad_code``, ``lad_name``
        (``""`` when the file lacks them), ``lsoa_vintage`` (e.g. ``"LSOA11"``) and
        ``ward_vintage`` (e.g. ``"WD19"``).

    Raises
    ------
    JsnaInputError
        Missing LSOA or ward code columns, or an LSOA listed twice with different wards.
    """
    path = Path(path)
    raw = read_text_csv(path, LSOA_WARD_SOURCE)
    lsoa, ward = _required_matches(
        raw,
        {"LSOAyyCD": r"(?i)^lsoa\d{2}cd$", "WDyyCD": r"(?i)^wd\d{2}cd(_proposed)?$"},
        path,
        LSOA_WARD_SOURCE,
    )
    out = pd.DataFrame(
        {
            "lsoa_code": raw[lsoa].str.strip(),
            "lsoa_name": _first_match(raw, r"(?i)^lsoa\d{2}nm$"),
            "ward_code": raw[ward].str.strip(),
            "ward_name": _first_match(raw, r"(?i)^wd\d{2}nm(_proposed)?$"),
            "lad_code": _first_match(raw, r"(?i)^lad\d{2}cd$"),
            "lad_name": _first_match(raw, r"(?i)^lad\d{2}nm$"),
        }
    )
    out["lsoa_vintage"] = lsoa[:6].upper()
    out["ward_vintage"] = ward[:4].upper()
    out = out.drop_duplicates()
    clash = out.duplicated("lsoa_code", keep=False)
    if clash.any():
        first = out.loc[clash, "lsoa_code"].iloc[0]
        raise JsnaInputError(
            f"{path}: LSOA {first} is listed with more than one ward; a best-fit lookup has one "
            "ward per LSOA"
        )
    out.attrs["path"] = str(path)
    return out.reset_index(drop=True)


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


#: Standard postcode-lookup field -> candidate column names (first present wins, any case).
POSTCODE_COLUMNS: dict[str, tuple[str, ...]] = {
    "postcode": ("pcds", "postcodenatural", "postcode", "pcd", "pcd2", "postcode8", "postcode7"),
    "lsoa_code": ("lsoa21", "lsoa21cd", "lsoa11", "lsoa11cd", "lsoa"),
    "ward_code": (
        "osward",
        "wd25cd",
        "wd24cd",
        "wd23cd",
        "wd22cd",
        "wd22cd_proposed",
        "wd21cd",
        "wd19cd",
        "ward",
    ),
    "la_code": (
        "oslaua",
        "lad25cd",
        "lad24cd",
        "lad23cd",
        "lad22cd",
        "lad21cd",
        "lad19cd",
        "laua",
        "lad",
    ),
    "terminated": ("doterm", "terminationdate"),
    "easting": ("oseast1m", "easting"),
    "northing": ("osnrth1m", "northing"),
}


def read_postcode_lookup(
    path: str | Path, *, columns: dict[str, str] | None = None, include_terminated: bool = True
) -> pd.DataFrame:
    """Read an ONS Postcode Directory style lookup.

    Parameters
    ----------
    path : str or Path
        ONSPD/NSPL CSV or a council extract.
    columns : dict, optional
        Standard name -> column in the file, overriding detection (keys: ``postcode``,
        ``lsoa_code``, ``ward_code``, ``la_code``, ``terminated``, ``easting``, ``northing``).
    include_terminated : bool
        Keep terminated postcodes (they still appear on older records). Default True.

    Returns
    -------
    DataFrame
        ``postcode`` (normalised ``"AB1 2CD"``), ``postcode_key`` (no space), ``lsoa_code``,
        ``ward_code``, ``la_code`` (``""`` when absent), ``terminated`` (bool), ``easting``,
        ``northing`` (float, NaN when absent).

    Raises
    ------
    JsnaInputError
        No postcode or LSOA column; a duplicated live postcode.
    """
    path = Path(path)
    # only the columns that may be used are read: the ONSPD has dozens over millions of rows
    wanted = {name for candidates in POSTCODE_COLUMNS.values() for name in candidates}
    given = set((columns or {}).values())
    raw = read_text_csv(path, POSTCODE_SOURCE,
                        keep=lambda column: column.lower() in wanted or column in given)
    lower = {c.lower(): c for c in raw.columns}
    chosen: dict[str, str | None] = {}
    for field, candidates in POSTCODE_COLUMNS.items():
        if columns and field in columns:
            if columns[field] not in raw.columns:
                raise JsnaInputError(
                    f"{path}: column {columns[field]!r} (given for {field}) not found; columns "
                    f"found: {', '.join(_headings(path))}"
                )
            chosen[field] = columns[field]
        else:
            chosen[field] = next((lower[c] for c in candidates if c in lower), None)
    missing = [f for f in ("postcode", "lsoa_code") if chosen[f] is None]
    if missing:
        expected = " and ".join(
            f"no column for {field} (expected one of {', '.join(POSTCODE_COLUMNS[field])})"
            for field in missing)
        raise JsnaInputError(
            f"{path}: not in the expected layout of {POSTCODE_SOURCE}: {expected}, in any case; "
            f"columns found: {', '.join(_headings(path)) or '(none)'}"
        )
    out = pd.DataFrame(index=raw.index)
    out["postcode"] = normalise_postcode(raw[chosen["postcode"]])
    out["postcode_key"] = out["postcode"].str.replace(" ", "", regex=False)
    for field in ("lsoa_code", "ward_code", "la_code"):
        out[field] = _optional(raw, chosen[field])
    terminated = _optional(raw, chosen["terminated"])
    out["terminated"] = terminated.ne("")
    for field in ("easting", "northing"):
        source = chosen[field]
        out[field] = (
            pd.to_numeric(raw[source], errors="coerce")
            if source
            else pd.Series(np.nan, index=raw.index)
        )
    if not include_terminated:
        out = out.loc[~out["terminated"]]
    live = out.loc[~out["terminated"]]
    duplicated = live["postcode_key"].duplicated()
    if duplicated.any():
        raise JsnaInputError(
            f"{path}: postcode {live.loc[duplicated, 'postcode'].iloc[0]} appears more than once "
            "among live postcodes"
        )
    out.attrs["path"] = str(path)
    return out.reset_index(drop=True)


def _headings(path: Path) -> list[str]:
    """Every column heading of a CSV (for messages about a file read in part)."""
    header = pd.read_csv(path, nrows=0, dtype=str, encoding="utf-8-sig", encoding_errors="replace")
    return [str(column).strip() for column in header.columns]


def normalise_postcode(postcodes: pd.Series) -> pd.Series:
    """Normalise postcodes to the ONS ``pcds`` form: upper case, one space before the last three
    characters (``"dm47qx"`` -> ``"DM4 7QX"``). Blank stays blank.

    Parameters
    ----------
    postcodes : Series of str

    Returns
    -------
    Series of str
    """
    compact = postcodes.astype(str).str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)
    spaced = compact.str[:-3] + " " + compact.str[-3:]
    return spaced.where(compact.str.len() >= 5, compact).astype(str)


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
