"""The tidy series the forecasts work on: EHC plans by council and January, with England beside.

A series is a long frame ``area_code, area_name, area_type, year, value`` (and ``age_band`` when
the numbers are by age), one row per area, year and band. Areas are matched by their current GSS
code, never by name. :func:`full_runs` keeps the councils with a value in every year of a span and
says why each other council was left out (a reorganisation, or the years it lacks).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from jsna.errors import JsnaInputError
from jsna.sources.common import newest_release_rows, read_text_csv
from jsna.sources.ees import read_ees_wide
from jsna.sources.la_codes import CODE_CHANGES

ENGLAND = "E92000001"

#: Columns of a tidy series (``age_band`` is optional).
SERIES_COLUMNS = ("area_code", "area_name", "area_type", "year", "value")

#: The SEN2 caseload measure: EHC plans maintained by the council in January.
PLANS_MEASURE = "ehcplans"

#: The age bands of DfE's older SEN2 age file (releases to 2022), in order. Newer releases give
#: single years of age, added up into these bands.
AGE_BANDS = ("Under 5", "5 to 10", "11 to 15", "16 to 19", "20 to 25")

#: Older SEN2 age file (``sen2_age_caseload.csv``, releases to 2022): age filter and measure.
_OLD_AGE_FILTER, _OLD_AGE_MEASURE = "characteristic_age", "Total_ehc"
#: Newer SEN2 caseload file: the breakdown topic giving the child's or young person's age.
_NEW_AGE_TOPIC = "Child or young persons age"


def read_plans_series(path: str | Path) -> pd.DataFrame:
    """Read EHC plans in January by council (and England) from DfE's SEN2 caseload file.

    The file is read with the package's explore-education-statistics reader
    (:func:`jsna.sources.ees.read_ees_wide`), so codes are current and published symbols are
    kept as notes. Only the headline rows (``breakdown`` equal to ``breakdown_topic``, i.e.
    "All EHC plans") are used.

    Parameters
    ----------
    path : str or Path
        DfE's ``caseload.csv`` (SEN2, *Education, health and care plans*).

    Returns
    -------
    DataFrame
        Columns :data:`SERIES_COLUMNS` plus ``note``: ``area_type`` is ``"England"``,
        ``"Region"`` or ``"Local authority"``; ``year`` is the January (``202425`` -> 2025);
        ``value`` is NaN where DfE published a symbol (kept in ``note``).

    Raises
    ------
    JsnaInputError
        When the file is not an EES file with an ``ehcplans`` measure, has no headline rows, or
        holds two headline rows for one area and year.
    """
    wide = read_ees_wide(path, measures=[PLANS_MEASURE])
    if "breakdown" in wide.columns and "breakdown_topic" in wide.columns:
        wide = wide[wide["breakdown"] == wide["breakdown_topic"]]
    if wide.empty:
        raise JsnaInputError(
            f"{path}: no headline rows (breakdown equal to breakdown_topic, e.g. 'All EHC plans')"
        )
    series = pd.DataFrame(
        {
            "area_code": wide["area_code"].astype(str),
            "area_name": wide["area_name"].astype(str),
            "area_type": wide["area_type"].astype(str),
            "year": wide["year"].astype(int),
            "value": wide[PLANS_MEASURE].astype(float),
            "note": wide[f"{PLANS_MEASURE}_note"].astype(str),
        }
    )
    duplicated = series.duplicated(["area_code", "year"], keep=False)
    if duplicated.any():
        first = series.loc[duplicated].iloc[0]
        raise JsnaInputError(
            f"{path}: area {first['area_code']} has more than one headline row for "
            f"January {first['year']} (column {PLANS_MEASURE!r})"
        )
    series = series.sort_values(["area_type", "area_code", "year"], kind="stable")
    series = series.reset_index(drop=True)
    series.attrs["path"] = str(path)
    return series


def england_series(series: pd.DataFrame) -> pd.Series:
    """England's values by year from a tidy series.

    Parameters
    ----------
    series : DataFrame
        A tidy series holding England's rows (code ``E92000001``).

    Returns
    -------
    Series
        Values indexed by year, in year order.

    Raises
    ------
    JsnaInputError
        When the series has no England row.
    """
    rows = series[series["area_code"] == ENGLAND]
    if rows.empty:
        source = series.attrs.get("path", "the series")
        raise JsnaInputError(f"{source}: no England ({ENGLAND}) rows")
    return rows.set_index("year")["value"].sort_index().astype(float)


def read_plans_by_age(paths: Sequence[str | Path]) -> pd.DataFrame:
    """EHC plans in January by council and age band, from one or more SEN2 releases.

    Two layouts are read, both through :func:`jsna.sources.ees.read_ees_wide`: the older
    ``sen2_age_caseload.csv`` (releases to 2022; ``characteristic_age`` bands, measure
    ``Total_ehc``) and the newer ``caseload.csv`` (``breakdown_topic`` "Child or young persons
    age", single years ``under 3``, ``age 3`` ... ``age 25``, added up into :data:`AGE_BANDS`).
    Where two files hold the same area and year, the one given later wins (a later release
    carries revisions).

    Parameters
    ----------
    paths : sequence of str or Path
        The files, oldest release first.

    Returns
    -------
    DataFrame
        Columns :data:`SERIES_COLUMNS`, ``age_band`` (one of :data:`AGE_BANDS`) and ``note``.
        A band with a published symbol in any of its ages has no value (NaN) and that symbol.

    Raises
    ------
    JsnaInputError
        When a file has neither layout, or an age cannot be placed in a band.
    """
    keys = ["area_code", "age_band", "year"]
    rows = newest_release_rows([_age_rows(Path(path)) for path in paths], keys)
    rows["_symbol"] = rows["note"].where(rows["note"] != "")
    grouped = rows.groupby([*keys, "area_name", "area_type"], sort=True)
    series = grouped["value"].sum(min_count=1).reset_index()
    symbol = grouped["_symbol"].first().reset_index(drop=True)
    series["note"] = symbol.fillna("").astype(str).to_numpy()
    series.loc[series["note"] != "", "value"] = float("nan")
    series["age_band"] = pd.Categorical(series["age_band"], categories=AGE_BANDS, ordered=True)
    series = series.sort_values(["area_type", "area_code", "age_band", "year"], kind="stable")
    series = series[[*SERIES_COLUMNS, "age_band", "note"]].reset_index(drop=True)
    series.attrs["path"] = ", ".join(str(p) for p in paths)
    return series


def age_band_of(label: str) -> str | None:
    """The band of :data:`AGE_BANDS` a published age label falls in (None if it has none).

    Parameters
    ----------
    label : str
        ``"Under 5"``, ``"Age 5 to 10"`` (older files) or ``"under 3"``, ``"age 12"``
        (newer files); ``"Total"`` and ``"unknown"`` have no band.

    Returns
    -------
    str or None
    """
    text = label.strip().lower().removeprefix("age ").strip()
    for band in AGE_BANDS:
        if text == band.lower():
            return band
    if text == "under 3":
        return AGE_BANDS[0]
    if text.isdigit():
        age = int(text)
        for band, (low, high) in zip(AGE_BANDS, ((0, 4), (5, 10), (11, 15), (16, 19),
                                                  (20, 25)), strict=True):
            if low <= age <= high:
                return band
    return None


def _age_rows(path: Path) -> pd.DataFrame:
    """One file's rows by published age, with their band (totals and 'unknown' left out)."""
    header = list(read_text_csv(path, "a DfE SEN2 caseload file").columns)
    if _OLD_AGE_FILTER in header:
        wide = read_ees_wide(path, measures=[_OLD_AGE_MEASURE])
        label, measure = wide[_OLD_AGE_FILTER], _OLD_AGE_MEASURE
    elif "breakdown_topic" in header and PLANS_MEASURE in header:
        wide = read_ees_wide(path, measures=[PLANS_MEASURE])
        wide = wide[wide["breakdown_topic"] == _NEW_AGE_TOPIC]
        label, measure = wide["breakdown"], PLANS_MEASURE
    else:
        raise JsnaInputError(
            f"{path}: not a DfE SEN2 file by age: expected a {_OLD_AGE_FILTER!r} column or "
            f"breakdown_topic {_NEW_AGE_TOPIC!r} with {PLANS_MEASURE!r}")
    band = label.astype(str).map(age_band_of)
    skipped = label.astype(str).str.strip().str.lower().isin(["total", "unknown"])
    unplaced = band.isna() & ~skipped
    if unplaced.any():
        first = wide.index[unplaced.to_numpy()][0]
        raise JsnaInputError(f"{path}: age {label[first]!r} does not fall in any of the bands "
                             f"{', '.join(AGE_BANDS)}")
    keep = band.notna()
    return pd.DataFrame({
        "area_code": wide.loc[keep, "area_code"].astype(str),
        "area_name": wide.loc[keep, "area_name"].astype(str),
        "area_type": wide.loc[keep, "area_type"].astype(str),
        "year": wide.loc[keep, "year"].astype(int),
        "age_band": band[keep].astype(str),
        "value": wide.loc[keep, measure].astype(float),
        "note": wide.loc[keep, f"{measure}_note"].astype(str),
    })


def full_runs(
    series: pd.DataFrame, first_year: int, last_year: int, *,
    years: Sequence[int] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The councils with a positive value in every year of a span, and why the others are out.

    Parameters
    ----------
    series : DataFrame
        A tidy series (:func:`read_plans_series`); only ``"Local authority"`` rows are used.
    first_year, last_year : int
        The span, inclusive.
    years : sequence of int, optional
        The years that must have a value, when not every year of the span is needed (e.g. the
        fitted years and the target, where a file lacks a year in between).

    Returns
    -------
    runs : DataFrame
        One row per council (index ``area_code``), one column per year ``first_year`` ..
        ``last_year``; ``attrs["names"]`` maps code to name.
    excluded : DataFrame
        ``area_code, area_name, reason``: councils in the file without a full run. A council
        formed or abolished by a reorganisation in the span says so (from the code history in
        :mod:`jsna.sources.la_codes`); otherwise the reason lists the years with no value or a
        value of zero (growth is undefined from zero).
    """
    years = list(range(first_year, last_year + 1)) if years is None else list(years)
    councils = series[series["area_type"] == "Local authority"]
    names = councils.drop_duplicates("area_code").set_index("area_code")["area_name"]
    wide = councils.pivot_table(index="area_code", columns="year", values="value",
                                aggfunc="first", dropna=False)
    wide = wide.reindex(index=names.index, columns=years)
    complete = wide.notna().all(axis=1) & (wide > 0).all(axis=1)
    runs = wide.loc[complete].sort_index()
    runs.columns = pd.Index([int(y) for y in runs.columns], name="year")
    runs.attrs["names"] = names.loc[runs.index].to_dict()
    rows = []
    for code in sorted(wide.index[~complete]):
        rows.append({"area_code": code, "area_name": names[code],
                     "reason": _exclusion_reason(code, wide.loc[code], first_year, last_year)})
    excluded = pd.DataFrame(rows, columns=["area_code", "area_name", "reason"])
    return runs, excluded


def _exclusion_reason(code: str, values: pd.Series, first_year: int, last_year: int) -> str:
    """Why a council has no full run: its reorganisation, else the years lacking a value."""
    for change in CODE_CHANGES:
        if change.kind == "recode" or not first_year <= change.year < last_year:
            continue
        if code == change.successor:
            return (f"formed in April {change.year} ({change.kind}: {change.note}); no January "
                    f"before {change.year + 1} of its own")
        if code in change.predecessors:
            return (f"abolished in April {change.year} ({change.kind}: {change.note}); no "
                    f"January after {change.year}")
    missing = [str(year) for year, value in values.items() if pd.isna(value)]
    zero = [str(year) for year, value in values.items() if pd.notna(value) and value <= 0]
    parts = []
    if missing:
        parts.append("no value for January " + ", ".join(missing))
    if zero:
        parts.append("zero plans in January " + ", ".join(zero) + " (growth undefined)")
    return "; ".join(parts)


def neighbour_lists(neighbours: pd.DataFrame) -> dict[str, list[str]]:
    """Council code -> its statistical neighbours' codes, in published order.

    Parameters
    ----------
    neighbours : DataFrame
        Output of :func:`jsna.sources.neighbours.read_statistical_neighbours`.

    Returns
    -------
    dict
        Codes are current GSS codes; neighbours with an unknown code are left out.
    """
    ordered = neighbours.sort_values(["la_code", "sn_rank"])
    ordered = ordered[(ordered["la_code"] != "") & (ordered["neighbour_code"] != "")]
    return {str(code): group["neighbour_code"].astype(str).tolist()
            for code, group in ordered.groupby("la_code", sort=True)}
