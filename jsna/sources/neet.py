"""Reader for DfE's *Participation in education, training and NEET age 16 to 17 by local
authority* dashboard file (``UD_NEETNK_LA_dashboard*.csv``).

One row per area (England, regions, councils) for one calendar year, with percentages only:

* ``Cohort_DJFavg`` - young people aged 16 and 17 known to the council, averaged over December,
  January and February (the cohort the NEET and not-known percentages are out of);
* ``NEET_percent``, ``Notknown_percent``, ``NEET_not_known_percent`` - of that cohort;
* ``cohort_EHCP_percent``, ``cohort_SENDsupport_percent``, ``cohort_noSEN_percent`` - the share
  of the cohort with an EHC plan, on SEN support, with no SEN (the three need not add up to 100:
  some young people's SEN status is not recorded);
* ``NEET_NK_EHCP_percent``, ``NEET_NK_SENDsupport_percent``, ``NEET_NK_noSEN_percent`` - of each
  group, the percentage NEET **or** whose activity is not known (DfE does not publish NEET and
  not known separately by SEN).

Headings are matched loosely (case, spaces and underscores ignored; the 2022-2023 and 2024-2025
spellings both accepted). Publication symbols (``c``, ``x``, ``z``, ``low`` ...) are kept as notes,
never zeros. Areas are labelled by code (``new_la_code``, ``region_code``, ``country_code``),
relabelled to current codes through :mod:`jsna.sources.la_codes`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.errors import JsnaInputError
from jsna.sources.common import (
    first_unreadable,
    parse_published_values,
    read_text_csv,
)
from jsna.sources.ees import area_types_by_level, calendar_years
from jsna.sources.la_codes import current_codes
from jsna.sources.published_cache import cached_read

SOURCE = "DfE's NEET and participation by local authority dashboard file (UD_NEETNK_LA_dashboard)"

#: Standard column -> heading variants (compared after :func:`_loose`).
LABEL_COLUMNS: dict[str, tuple[str, ...]] = {
    "time_period": ("time_period", "year"),
    "geographic_level": ("geographic_level",),
    "country_code": ("country_code",),
    "region_code": ("region_code",),
    "region_name": ("region_name",),
    "new_la_code": ("new_la_code", "la_code"),
    "la_name": ("la_name",),
}

#: Measures read (standard name -> heading variants).
MEASURES: dict[str, tuple[str, ...]] = {
    "cohort": ("Cohort_DJFavg", "cohort_djf_avg", "cohort_dec_jan_feb_average"),
    "neet_percent": ("NEET_percent",),
    "not_known_percent": ("Notknown_percent", "not_known_percent"),
    "neet_not_known_percent": ("NEET_not_known_percent", "neet_nk_percent"),
    "cohort_ehcp_percent": ("cohort_EHCP_percent",),
    "neet_nk_ehcp_percent": ("NEET_NK_EHCP_percent", "neet_not_known_ehcp_percent"),
    "cohort_sen_support_percent": ("cohort_SENDsupport_percent", "cohort_SEN_support_percent"),
    "neet_nk_sen_support_percent": ("NEET_NK_SENDsupport_percent",
                                    "NEET_NK_SEN_support_percent"),
    "cohort_no_sen_percent": ("cohort_noSEN_percent",),
    "neet_nk_no_sen_percent": ("NEET_NK_noSEN_percent",),
}

OUTPUT_COLUMNS = ["area_code", "area_name", "area_type", "period", "year", *[
    column for measure in MEASURES for column in (measure, f"{measure}_note")]]


def _loose(heading: str) -> str:
    """A heading with case, spaces, underscores and punctuation ignored."""
    return re.sub(r"[^a-z0-9]", "", str(heading).lower())


def _match_columns(found: list[str], path: Path) -> dict[str, str]:
    """Standard name -> the file's heading, for every label and measure (all are required)."""
    by_loose = {_loose(heading): heading for heading in found}
    matched, missing = {}, []
    for standard, variants in {**LABEL_COLUMNS, **MEASURES}.items():
        heading = next((by_loose[_loose(v)] for v in variants if _loose(v) in by_loose), None)
        if heading is None:
            missing.append(f"{standard} (e.g. {variants[0]!r})")
        else:
            matched[standard] = heading
    if missing:
        raise JsnaInputError(f"{path}: not in the expected layout of {SOURCE}: missing column(s) "
                             f"{', '.join(missing)}")
    return matched


@cached_read
def read_neet_send(paths: str | Path | Sequence[str | Path], *,
                   key: str = "inputs.comparators.neet_send") -> pd.DataFrame:
    """Read one or more NEET and participation dashboard files into one row per area and year.

    Parameters
    ----------
    paths : str, Path or sequence of them
        ``UD_NEETNK_LA_dashboard*.csv`` files, one calendar year each as DfE publishes them (a
        file with several years is read too). No year may be in two files: DfE revises a year
        only in that year's file, so two files for one year mean a file listed by mistake.
    key : str, default ``"inputs.comparators.neet_send"``
        The configuration key that lists the files, named in the message about a repeated year.

    Returns
    -------
    DataFrame
        :data:`OUTPUT_COLUMNS`: ``area_code`` (current GSS code), ``area_name``, ``area_type``
        (``"England"``, ``"Region"``, ``"Local authority"``), ``period`` (the calendar year as
        text), ``year`` (int), and for each measure of :data:`MEASURES` its value (float, NaN
        where a symbol was published) and ``<measure>_note`` (``"[c]"``, ``"[z]"`` ... or ``""``).

    Raises
    ------
    JsnaInputError
        One line naming the file, row and column: a missing column, an unknown geographic level,
        an area row without a code, a cell that is neither a number nor a symbol, or two rows
        for one area and year; or naming both files when two files hold the same year.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    if not paths:
        raise JsnaInputError(f"{key}: no file given (expected {SOURCE})")
    releases = [_read_one(Path(path)) for path in paths]
    first_file: dict[int, str] = {}
    for path, release in zip(paths, releases, strict=True):
        for year in sorted(set(release["year"])):
            if year in first_file:
                raise JsnaInputError(
                    f"{key}: {first_file[year]} and {path} both hold {year} (expected one file "
                    "per year: list each year's file once)")
            first_file[year] = str(path)
    rows = pd.concat(releases, ignore_index=True)
    rank = {"England": 0, "Region": 1, "Local authority": 2}
    rows = rows.sort_values(["year", "area_type", "area_code"],
                            key=lambda s: s.map(rank) if s.name == "area_type" else s,
                            kind="stable").reset_index(drop=True)
    rows.attrs["path"] = ", ".join(str(p) for p in paths)
    return rows


def _read_one(path: Path) -> pd.DataFrame:
    raw = read_text_csv(path, SOURCE)
    columns = _match_columns(list(raw.columns), path)
    area_type = area_types_by_level(raw[columns["geographic_level"]], path,
                                    columns["geographic_level"])
    code = pd.Series(np.select(
        [area_type == "England", area_type == "Region"],
        [raw[columns["country_code"]], raw[columns["region_code"]]],
        raw[columns["new_la_code"]]), index=raw.index).astype(str).str.strip()
    name = pd.Series(np.select(
        [area_type == "England", area_type == "Region"],
        ["England", raw[columns["region_name"]]], raw[columns["la_name"]]),
        index=raw.index).astype(str).str.strip()
    blank = code == ""
    if blank.any():
        row = int(np.flatnonzero(blank.to_numpy())[0])
        which = {"England": "country_code", "Region": "region_code"}.get(
            area_type.iloc[row], "new_la_code")
        raise JsnaInputError(f"{path}: row {row + 2}, column {columns[which]!r}: no area code "
                             f"for a {raw[columns['geographic_level']].iloc[row].strip().lower()} row "
                             "(expected a GSS code)")
    period = calendar_years(raw[columns["time_period"]], path, columns["time_period"])
    out = pd.DataFrame({
        "area_code": current_codes(code),
        "area_name": name,
        "area_type": area_type,
        "period": period,
        "year": period.astype(int),
    })
    for measure in MEASURES:
        heading = columns[measure]
        values, notes, unreadable = parse_published_values(raw[heading])
        if unreadable.any():
            raise first_unreadable(raw[heading], unreadable, path, heading,
                                   "a number or a publication symbol (c, x, z, low)")
        blank_cell = np.isnan(values) & (notes == "")
        notes = np.where(blank_cell, "[x]", notes)  # a blank cell is not available, never zero
        out[measure] = values
        out[f"{measure}_note"] = notes.astype(str)
    duplicated = out.duplicated(["area_code", "year"], keep=False)
    if duplicated.any():
        row = int(np.flatnonzero(duplicated.to_numpy())[0])
        raise JsnaInputError(f"{path}: row {row + 2}: area {out['area_code'].iloc[row]} has more "
                             f"than one row for {out['period'].iloc[row]}")
    return out[OUTPUT_COLUMNS]
