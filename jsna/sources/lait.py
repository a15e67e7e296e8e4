"""Reader for the DfE Local Authority Interactive Tool (LAIT) long file and its data dictionary.

LAIT (https://www.gov.uk/government/publications/local-authority-interactive-tool-lait) publishes
one long "background data sheet" with the columns ``Short Desc, Data item, Years, LA and Regions,
Values, LA Number, Region``. Its quirks:

* values are text: ``"-"`` means no data (kept as the note ``"[-]"``, never zero) and numbers carry
  float artefacts such as ``"5.0999999999999996"`` (read as 5.1);
* councils are named, not coded: ``LA Number`` is the DfE 3-digit number stored as a float
  (``"816.0"``), mapped here to GSS codes; England is 970 and regions 980-990;
  reorganised councils appear as ``"Bournemouth (Pre LG)"`` with their old numbers;
* ``Data item`` (the indicator's long name) is filled on the first row of each indicator only;
* ``Years`` mixes ``"2024"``, ``"2025 (prov)"`` and ``"2016-17 (OT)"`` (outturn); the SEND
  outcomes sheet writes academic years as ``"2015/16"``.

Periods
-------
``year`` is the 4-digit year as published, or the ending year of ``"2016-17"``. ``period``
follows the dictionary's ``Year_Type`` when a dictionary is given: academic-year measures and
January counts are labelled by LAIT with the year of the January census / ending summer, so
``"2025"`` becomes ``"2024/25"`` (the same period the DfE explore-education-statistics files give);
financial years become ``"2016-17"``; other measures keep the 4-digit year. Academic years
published as spans (``"2022/23"``) keep the slash. Without a dictionary
``period`` is the year as published with a hyphen (``"2016-17"``; ``"2015/16"`` → ``"2015-16"``). ``status`` is ``"provisional"`` for
``(prov)`` and ``"outturn"`` for ``(OT)``.
"""

from __future__ import annotations

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
from jsna.sources.la_codes import DFE_REGIONS, la_number_to_gss, la_table
from jsna.sources.published_cache import cached_read

SOURCE = "the DfE LAIT long data file"
DICTIONARY_SOURCE = "the DfE LAIT data dictionary"
REQUIRED_COLUMNS = ("Short Desc", "Years", "LA and Regions", "Values", "LA Number")
DICTIONARY_COLUMNS = ("Measure_short", "Polarity")

#: LAIT symbols beyond the standard ones.
LAIT_SYMBOLS = {"-": "[-]"}

_ACADEMIC_TYPES = {"academic year", "annual - january"}
_FINANCIAL_TYPES = {"financial year"}


@cached_read
def read_lait(
    path: str | Path,
    *,
    dictionary: str | Path | pd.DataFrame | None = None,
    indicators: list[str] | None = None,
    register: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Read the LAIT long file into a tidy frame.

    Parameters
    ----------
    path : str or Path
        The LAIT long CSV (``bds_long`` converted to CSV, or LAIT's own download).
    dictionary : str, Path or DataFrame, optional
        The LAIT data dictionary (path, or the output of :func:`read_lait_dictionary`). Adds
        ``indicator_name``, ``polarity``, ``year_type`` and academic/financial periods.
    indicators : list of str, optional
        ``Short Desc`` codes to keep (default all).
    register : DataFrame, optional
        :func:`jsna.sources.council_register.council_register`: councils DfE's LA list does
        not know (formed later, or the demo's), by LA number. A row whose ``Region`` is ``NA``
        is England or a region: by its number (970-990), or else the region its councils (the
        rows naming it in ``Region``) have in the register. Any other number unknown to both
        is an error.

    Returns
    -------
    DataFrame
        ``indicator`` (Short Desc), ``indicator_name``, ``time_period`` (Years as published),
        ``period``, ``year`` (int), ``status``, ``area_code`` (GSS), ``area_name``,
        ``area_type`` (``"England"``, ``"Region"``, ``"Sub-region"`` for Inner/Outer London,
        ``"Local authority"``), ``la_number`` (int), ``region_name``, ``value`` (float),
        ``note`` (``"[-]"`` for no data, else ``""``), ``polarity`` (``"High"``, ``"Low"`` or
        ``""``: which direction is better, from the dictionary).

    Raises
    ------
    JsnaInputError
        Layout not LAIT, a value neither a number nor ``-``, an unreadable year, an LA number
        of no known council or region, or a requested indicator absent.
    """
    path = Path(path)
    raw = read_text_csv(path, SOURCE)
    require_columns(raw.columns, REQUIRED_COLUMNS, path, SOURCE)
    if indicators is not None:
        missing = sorted(set(indicators) - set(raw["Short Desc"].str.strip()))
        if missing:
            raise JsnaInputError(f"{path}: indicator(s) {', '.join(missing)} not found in {SOURCE}")
        raw = raw.loc[raw["Short Desc"].str.strip().isin(indicators)].reset_index(drop=True)

    out = pd.DataFrame(index=raw.index)
    out["indicator"] = raw["Short Desc"].str.strip()
    if "Data item" in raw.columns:
        item = raw["Data item"].str.strip().replace("", np.nan)
        out["indicator_name"] = item.groupby(out["indicator"]).transform("first").fillna("")
    else:
        out["indicator_name"] = ""

    years = raw["Years"].str.strip()
    parsed = years.str.extract(r"^(\d{4})(?:[-/](\d{2}))?\s*(?:\((\w+)\))?$")
    bad = parsed[0].isna().to_numpy()
    if bad.any():
        raise first_unreadable(
            years, bad, path, "Years",
            "a year such as 2024, 2025 (prov), 2016-17 (OT) or 2015/16"
        )
    start = parsed[0].astype(int)
    is_span = parsed[1].notna()
    out["time_period"] = years
    out["year"] = start.where(~is_span, start + 1).astype(int)
    out["period"] = (parsed[0] + ("-" + parsed[1]).where(is_span, "")).astype(str)
    flag = parsed[2].fillna("").str.lower()
    out["status"] = flag.map({"prov": "provisional", "ot": "outturn"}).fillna(flag).astype(str)

    numbers = pd.to_numeric(raw["LA Number"].str.strip(), errors="coerce")
    if numbers.isna().any():
        raise first_unreadable(
            raw["LA Number"], numbers.isna().to_numpy(), path, "LA Number", "a DfE LA number"
        )
    out["la_number"] = numbers.astype(int)
    out["area_name"] = raw["LA and Regions"].str.strip()
    region = (
        raw["Region"].str.strip() if "Region" in raw.columns else pd.Series("", index=raw.index)
    )
    out["region_name"] = region.where(~region.isin(["NA"]), "").astype(str)
    out["area_code"] = _area_codes(out, "Region" in raw.columns, register)
    unknown = out["area_code"].eq("") & ~out["la_number"].isin([987, 988])
    if unknown.any():
        raise first_unreadable(
            raw["LA Number"], unknown.to_numpy(), path, "LA Number",
            "the DfE number of a council, region or England (DfE's LA list"
            + (" or the council register" if register is not None else "") + " has no such "
            "council)"
        )
    out["area_type"] = np.select(
        [
            out["area_code"].eq("E92000001"),
            out["la_number"].isin([987, 988]) & out["area_code"].eq(""),
            out["area_code"].str.fullmatch(r"[A-Z]12\d{6}"),
        ],
        ["England", "Sub-region", "Region"],
        default="Local authority",
    )

    values, notes, unreadable = parse_published_values(raw["Values"], LAIT_SYMBOLS)
    if unreadable.any():
        raise first_unreadable(raw["Values"], unreadable, path, "Values", "a number or '-'")
    out["value"] = values
    out["note"] = pd.Series(notes, index=out.index).astype(str)
    out["polarity"] = ""

    if dictionary is not None:
        meta = (
            dictionary if isinstance(dictionary, pd.DataFrame) else read_lait_dictionary(dictionary)
        )
        out = _apply_dictionary(out, meta)
    out.attrs["path"] = str(path)
    return out


def _area_codes(frame: pd.DataFrame, has_region: bool,
                register: pd.DataFrame | None) -> pd.Series:
    """GSS codes by LA number: councils through DfE's list (and the register), England and
    regions through DfE's region numbers, or a region the register knows from its councils."""
    if has_region:  # council rows name their region: never read as a region's number
        listed = dict(zip(la_table()["la_number"], la_table()["gss_code"], strict=True))
        councils = frame["la_number"].map(listed).fillna("").to_numpy(dtype=object)
    else:
        councils = la_number_to_gss(frame["la_number"]).to_numpy(dtype=object)
    if register is not None:
        extra = dict(zip(register["la_number"].astype(int), register["gss_code"], strict=True))
        from_register = frame["la_number"].map(extra).fillna("").to_numpy(dtype=object)
        councils = np.where(councils == "", from_register, councils)
    if not has_region:
        return pd.Series(councils, index=frame.index, dtype=str)
    is_council = frame["region_name"].ne("").to_numpy()
    regions = frame["la_number"].map(
        {number: code for number, (code, _) in DFE_REGIONS.items()}).fillna("")
    if register is not None:
        # a region LAIT numbers outside 970-990: the one region code its councils have
        region_of = dict(zip(register["gss_code"], register["region_code"], strict=True))
        named = pd.DataFrame({"name": frame["region_name"],
                              "region": pd.Series(councils, index=frame.index).map(region_of)})
        named = named[is_council].dropna().drop_duplicates()
        single = named.groupby("name")["region"].nunique() == 1
        by_name = named[named["name"].isin(single[single].index)].set_index("name")["region"]
        guessed = frame["area_name"].map(by_name.to_dict()).astype(object)
        guessed = guessed.where(guessed.notna(), "").astype(str)
        regions = regions.where(regions != "", guessed)
    codes = np.where(is_council, councils, regions.to_numpy(dtype=object))
    return pd.Series(codes, index=frame.index, dtype=str)


def read_lait_dictionary(path: str | Path) -> pd.DataFrame:
    """Read the LAIT data dictionary (definitions, polarity, year type).

    Parameters
    ----------
    path : str or Path
        ``lait_data_dictionary.csv`` (fields may contain line breaks; ``NA`` means empty).

    Returns
    -------
    DataFrame
        ``indicator`` (Measure_short), ``name`` (Measure), ``title`` (Chart_title), ``topic``,
        ``polarity`` (``"High"``, ``"Low"`` or ``""``), ``year_type``, ``decimals`` (float, NaN
        when not given), ``description``, ``methodology``, ``data_owner``, ``link``.
    """
    path = Path(path)
    raw = read_text_csv(path, DICTIONARY_SOURCE)
    require_columns(raw.columns, DICTIONARY_COLUMNS, path, DICTIONARY_SOURCE)

    def column(name: str) -> pd.Series:
        if name not in raw.columns:
            return pd.Series("", index=raw.index, dtype=str)
        text = raw[name].str.replace("\r\n", "\n", regex=False).str.strip()
        return text.where(~text.isin(["NA", "-"]), "").astype(str)

    polarity = column("Polarity").str.capitalize()
    out = pd.DataFrame(
        {
            "indicator": column("Measure_short"),
            "name": column("Measure"),
            "title": column("Chart_title"),
            "topic": column("Topic"),
            "polarity": polarity.where(polarity.isin(["High", "Low"]), ""),
            "year_type": column("Year_Type"),
            "decimals": pd.to_numeric(column("dps"), errors="coerce"),
            "description": column("Description"),
            "methodology": column("Methodology"),
            "data_owner": column("Data Owner (DO) /Supplier and Contact Details"),
            "link": column("Hyperlink(s)"),
        }
    )
    return out


def _apply_dictionary(frame: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    """Add names, polarity and academic/financial periods from the dictionary."""
    meta = meta.drop_duplicates("indicator").set_index("indicator")
    out = frame.copy()
    title = out["indicator"].map(meta["title"]).fillna("")
    out["indicator_name"] = title.where(title != "", out["indicator_name"]).astype(str)
    out["polarity"] = out["indicator"].map(meta["polarity"]).fillna("").astype(str)
    year_type = out["indicator"].map(meta["year_type"]).fillna("").astype(str)
    out["year_type"] = year_type
    lower = year_type.str.lower()
    four_digit = out["period"].str.fullmatch(r"\d{4}")
    previous = (out["year"] - 1).astype(str)
    short_end = (out["year"] % 100).astype(str).str.zfill(2)
    academic = lower.isin(_ACADEMIC_TYPES) & four_digit
    financial = lower.isin(_FINANCIAL_TYPES) & four_digit
    out.loc[academic, "period"] = previous[academic] + "/" + short_end[academic]
    # LAIT writes some academic years "2022/23" (suspensions) and others "2023" (absence): label
    # both "2022/23" so series of the same kind of year line up
    span = lower.isin(_ACADEMIC_TYPES) & out["period"].str.fullmatch(r"\d{4}-\d{2}")
    out.loc[span, "period"] = out.loc[span, "period"].str.replace("-", "/", regex=False)
    out.loc[financial, "period"] = previous[financial] + "-" + short_end[financial]
    return out


def lait_area(frame: pd.DataFrame, area_code: str, *, area_name: str | None = None) -> pd.DataFrame:
    """Rows of one area, by GSS code or DfE LA number; a clear error naming it when absent."""
    code = str(area_code).strip()
    mask = frame["area_code"].eq(code) | frame["la_number"].astype(str).eq(code)
    if not mask.any():
        name = f" ({area_name})" if area_name else ""
        raise JsnaInputError(
            f"{frame.attrs.get('path', 'LAIT file')}: area {code}{name} not found in {SOURCE}"
        )
    return frame.loc[mask].copy()
