"""The tidy series the forecasts work on: EHC plans by council and January, with England beside.

A series is a long frame ``area_code, area_name, area_type, year, value`` (and ``age_band`` when
the numbers are by age), one row per area, year and band. Areas are matched by their current GSS
code, never by name. :func:`full_runs` keeps the councils with a value in every year of a span and
says why each other council was left out (a reorganisation, or the years it lacks).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jsna.errors import JsnaInputError
from jsna.sources.ees import read_ees_wide
from jsna.sources.la_codes import CODE_CHANGES

ENGLAND = "E92000001"

#: Columns of a tidy series (``age_band`` is optional).
SERIES_COLUMNS = ("area_code", "area_name", "area_type", "year", "value")

#: The SEN2 caseload measure: EHC plans maintained by the council in January.
PLANS_MEASURE = "ehcplans"


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


def full_runs(
    series: pd.DataFrame, first_year: int, last_year: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The councils with a positive value in every year of a span, and why the others are out.

    Parameters
    ----------
    series : DataFrame
        A tidy series (:func:`read_plans_series`); only ``"Local authority"`` rows are used.
    first_year, last_year : int
        The span, inclusive.

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
    years = list(range(first_year, last_year + 1))
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
