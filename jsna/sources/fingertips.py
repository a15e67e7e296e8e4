"""Reader for OHID Fingertips data exports (https://fingertips.phe.org.uk).

Fingertips downloads ("indicators-CountyUA.data.csv" and the like) come in two column styles:
today's spaced header (``Indicator ID``, ``Time period``, ``Lower CI 95.0 limit``,
``Value note`` ...) and an older underscored one (``IndicatorID``, ``Timeperiod``,
``Lower_CI_95.0_limit``, ``Value_note`` ...). Both are read into the same tidy frame.

Missing values
--------------
Fingertips leaves ``Value`` blank and explains why in ``Value note``. The explanation is kept
verbatim in ``value_note``; a blank value also gets a contract note: ``"[c]"`` when the note says
the value was suppressed or the number of cases is too small, ``"[x]"`` otherwise (not available,
e.g. "Value for Cornwall & Isles of Scilly combined"). Values are never set to zero.

Area codes are kept as published (older exports use pre-2019 codes such as Bournemouth
``E06000028``); line them up with :func:`jsna.sources.la_codes.harmonise_la_codes`.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.errors import JsnaInputError
from jsna.sources.common import first_unreadable, parse_published_values, read_text_csv
from jsna.sources.published_cache import cached_read

SOURCE = "an OHID Fingertips data export"

#: Normalised header (lower case, no spaces/underscores) -> column of the tidy frame.
_COLUMNS = {
    "indicatorid": "indicator_id",
    "indicatorname": "indicator_name",
    "parentcode": "parent_code",
    "parentname": "parent_name",
    "areacode": "area_code",
    "areaname": "area_name",
    "areatype": "fingertips_area_type",
    "sex": "sex",
    "age": "age",
    "categorytype": "category_type",
    "category": "category",
    "timeperiod": "period",
    "value": "value",
    "lowerci95.0limit": "lower_ci_95",
    "upperci95.0limit": "upper_ci_95",
    "lowerci99.8limit": "lower_ci_998",
    "upperci99.8limit": "upper_ci_998",
    "count": "count",
    "denominator": "denominator",
    "valuenote": "value_note",
    "recenttrend": "recent_trend",
    "comparedtoenglandvalueorpercentiles": "compared_to_england",
    "comparedtoregionvalueorpercentiles": "compared_to_region",
    "timeperiodsortable": "time_period_sortable",
    "newdata": "new_data",
    "comparedtogoal": "compared_to_goal",
}
_REQUIRED = ("indicator_id", "area_code", "area_name", "period", "value")
_NUMERIC = (
    "value",
    "lower_ci_95",
    "upper_ci_95",
    "lower_ci_998",
    "upper_ci_998",
    "count",
    "denominator",
)
_AREA_TYPES = {
    "england": "England",
    "country": "England",
    "region": "Region",
    "county & ua": "Local authority",
    "counties & uas": "Local authority",
    "upper tier local authorities": "Local authority",
    "district & ua": "Local authority district",
    "districts & uas": "Local authority district",
    "lower tier local authorities": "Local authority district",
    "ward": "Ward",
    "lsoa": "LSOA",
}
_SUPPRESSED = re.compile(r"suppress|disclosure|too small", re.IGNORECASE)


def _normalise(name: str) -> str:
    return re.sub(r"[\s_]+", "", name.strip().lower())


@cached_read
def read_fingertips(path: str | Path, *, indicators: list[int] | None = None) -> pd.DataFrame:
    """Read a Fingertips export (either column style) into a tidy frame.

    Parameters
    ----------
    path : str or Path
        The CSV downloaded from Fingertips.
    indicators : list of int, optional
        Indicator IDs to keep (default all).

    Returns
    -------
    DataFrame
        ``indicator_id`` (int), ``indicator_name``, ``area_code``, ``area_name``, ``area_type``
        (``"England"``, ``"Region"``, ``"Local authority"`` ...), ``fingertips_area_type`` (as
        published), ``sex``, ``age``, ``category_type``, ``category`` (``""`` for totals),
        ``period`` (as published, e.g. ``"2016/17"``), ``year`` (ending year: ``"2016/17"`` ->
        2017), ``value``, ``lower_ci_95``, ``upper_ci_95``, ``lower_ci_998``, ``upper_ci_998``,
        ``count``, ``denominator`` (floats), ``value_note`` (verbatim), ``note`` (``"[c]"``,
        ``"[x]"`` or ``""``), ``recent_trend``, ``compared_to_england``, ``compared_to_region``
        and the other published columns.

    Raises
    ------
    JsnaInputError
        If the layout is not a Fingertips export, a numeric cell is unreadable, a requested
        indicator is absent or a time period has no year in it.
    """
    path = Path(path)
    raw = read_text_csv(path, SOURCE)
    renamed = {c: _COLUMNS[_normalise(c)] for c in raw.columns if _normalise(c) in _COLUMNS}
    frame = raw.rename(columns=renamed)
    missing = [c for c in _REQUIRED if c not in frame.columns]
    if missing:
        published = {
            "indicator_id": "Indicator ID",
            "area_code": "Area Code",
            "area_name": "Area Name",
            "period": "Time period",
            "value": "Value",
        }
        raise JsnaInputError(
            f"{path}: not in the expected layout of {SOURCE}: missing column(s) "
            f"{', '.join(published[c] for c in missing)} (spaced or underscored); "
            f"columns found: {', '.join(raw.columns)}"
        )
    frame = frame[[c for c in frame.columns if c in _COLUMNS.values()]].copy()
    for column in frame.columns:
        frame[column] = frame[column].str.replace("\r\n", "\n", regex=False).str.strip()

    ids = pd.to_numeric(frame["indicator_id"], errors="coerce")
    if ids.isna().any():
        raise first_unreadable(
            frame["indicator_id"], ids.isna().to_numpy(), path, "Indicator ID", "an indicator ID"
        )
    frame["indicator_id"] = ids.astype(int)
    if indicators is not None:
        absent = sorted(set(indicators) - set(frame["indicator_id"]))
        if absent:
            raise JsnaInputError(
                f"{path}: indicator(s) {', '.join(map(str, absent))} not found in {SOURCE}"
            )
        frame = frame.loc[frame["indicator_id"].isin(indicators)].reset_index(drop=True)

    for column in _NUMERIC:
        if column not in frame.columns:
            frame[column] = np.nan
            continue
        values, _, unreadable = parse_published_values(frame[column])
        if unreadable.any():
            raise first_unreadable(frame[column], unreadable, path, column, "a number")
        frame[column] = values

    if "value_note" not in frame.columns:
        frame["value_note"] = ""
    blank = frame["value"].isna()
    suppressed = frame["value_note"].str.contains(_SUPPRESSED)
    frame["note"] = np.where(blank & suppressed, "[c]", np.where(blank, "[x]", ""))
    frame["note"] = frame["note"].astype(str)

    published_type = frame.get("fingertips_area_type", pd.Series("", index=frame.index))
    frame["fingertips_area_type"] = published_type
    mapped = published_type.str.lower().map(_AREA_TYPES)
    frame["area_type"] = mapped.fillna(published_type).astype(str)
    frame["year"] = period_end_year(frame["period"], path)
    for column in ("category_type", "category", "sex", "age", "indicator_name"):
        if column not in frame.columns:
            frame[column] = ""
    leading = [
        "indicator_id",
        "indicator_name",
        "area_code",
        "area_name",
        "area_type",
        "fingertips_area_type",
        "sex",
        "age",
        "category_type",
        "category",
        "period",
        "year",
        *_NUMERIC,
        "value_note",
        "note",
    ]
    frame = frame[leading + [c for c in frame.columns if c not in leading]]
    frame.attrs["path"] = str(path)
    return frame


def period_end_year(period: pd.Series, path: str | Path = "the file") -> pd.Series:
    """The last year a Fingertips time period covers.

    ``"2015"`` -> 2015, ``"2016/17"`` -> 2017, ``"2015 - 17"`` -> 2017,
    ``"2016/17 - 18/19"`` -> 2019, ``"2019 Q1"`` -> 2019.

    Parameters
    ----------
    period : Series of str
        Time periods as published.
    path : str or Path
        The file, for error messages.

    Returns
    -------
    Series of int
    """
    text = period.astype(str)
    first = pd.to_numeric(text.str.extract(r"(\d{4})")[0], errors="coerce")
    if first.isna().any():
        raise first_unreadable(text, first.isna().to_numpy(), path, "Time period", "a period")
    # The last number after a '/' or '-' separator, if any, gives the ending year.
    last = text.str.extract(r".*[/-]\s*(\d{2,4})(?!.*\d)")[0]
    last_number = pd.to_numeric(last, errors="coerce")
    century = (first // 100) * 100
    end = np.where(last.str.len() == 4, last_number, century + last_number)
    # Two-digit endings that fall before the start belong to the next century.
    end = np.where(~np.isnan(end) & (end < first), end + 100, end)
    year = np.where(np.isnan(end), first, end)
    return pd.Series(year, index=period.index).astype(int)


def fingertips_area(
    frame: pd.DataFrame, area_code: str, *, area_name: str | None = None
) -> pd.DataFrame:
    """Rows of one area; a clear error naming the area when the export does not have it."""
    code = str(area_code).strip()
    mask = frame["area_code"].eq(code)
    if not mask.any():
        name = f" ({area_name})" if area_name else ""
        raise JsnaInputError(
            f"{frame.attrs.get('path', 'Fingertips export')}: area {code}{name} not found in "
            f"{SOURCE}; areas found: {', '.join(sorted(set(frame['area_name'])))}"
        )
    return frame.loc[mask].copy()
