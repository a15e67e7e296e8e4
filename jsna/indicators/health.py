"""Health waiting lists as rows of the long indicator table, and the distribution of waits.

Definitions (the cleaned referrals of :mod:`jsna.clean.health`):

* **waiting on a date** ``d``: referred on or before ``d``, and neither first seen nor removed
  from the list on or before ``d`` (a first contact or removal *on* ``d`` ends the wait);
* **wait**: days from the referral to ``d``; in weeks, days / 7 (not rounded);
* **over 18 weeks**: more than 126 days; **over 52 weeks**: more than 364 days (NHS England's
  referral-to-treatment convention: "waiting more than 18 weeks");
* **median and 90th percentile** of the waits in weeks, by linear interpolation between order
  statistics (Hyndman and Fan type 7, Excel's ``PERCENTILE.INC``);
* **age band**: from the age at referral.

Rows: ``health_waits_over_18_weeks_percent`` and ``health_waits_over_52_weeks_percent`` (count =
referrals waiting over 18 or 52 weeks, denominator = referrals waiting; Wilson intervals are
added by :func:`jsna.indicators.comparisons.add_statistics`) by service (headline ``All
services``) and by ward, at 31 March of each year the extract covers (the trend) and at the
extract date; ``health_waits_over_18_weeks_by_age_percent`` by age band. The list at a date is the
denominator. Counts are of referrals: a child waiting for two services counts once for each.

The median and 90th percentile waits are rows too (:func:`wait_summary_rows`:
``health_waits_median_weeks`` and ``health_waits_p90_weeks``, value in weeks, by service on the
same dates): their ``denominator`` is the number of waits they rest on (the same cell as the
over-18-weeks denominator, as ``catalogue.csv`` declares), and no count, so disclosure control
hides a median or percentile whose list is hidden, and a list shorter than the threshold
(a median of three waits is one child's wait).
"""

from __future__ import annotations

import datetime
from typing import Any

import numpy as np
import pandas as pd

from jsna.clean.health_services import SERVICES
from jsna.indicators.comparisons import ENGLAND, ComparatorAreas
from jsna.indicators.wards import UNKNOWN_WARD, unknown_ward_code
from jsna.sources.la_codes import current_codes
from jsna.stats import Benchmarks, add_comparisons, add_recent_trend

OVER_18 = "health_waits_over_18_weeks_percent"
OVER_52 = "health_waits_over_52_weeks_percent"
OVER_18_BY_AGE = "health_waits_over_18_weeks_by_age_percent"
MEDIAN_WEEKS = "health_waits_median_weeks"
P90_WEEKS = "health_waits_p90_weeks"
ALL_SERVICES, ALL_AGES, UNKNOWN_AGE = "All services", "All ages", "Age not known"
WEEKS_18, WEEKS_52 = 18 * 7, 52 * 7
#: Age bands at referral: (youngest, oldest, label).
AGE_BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 4, "Aged 0 to 4"), (5, 10, "Aged 5 to 10"), (11, 15, "Aged 11 to 15"),
    (16, 25, "Aged 16 to 25"),
)


def period_label(day: datetime.date) -> str:
    """The period label of a list date (``"31 Mar 2025"``: its year leads the trend)."""
    return f"{day.day} {day:%b} {day.year}"


def age_band(ages: pd.Series) -> pd.Series:
    """Age band label of each age at referral (:data:`UNKNOWN_AGE` when missing)."""
    out = pd.Series(UNKNOWN_AGE, index=ages.index, dtype=object)
    values = pd.to_numeric(ages, errors="coerce")
    for low, high, label in AGE_BANDS:
        out[(values >= low) & (values <= high)] = label
    return out


def waiting_on(waits: pd.DataFrame, on: datetime.date) -> pd.DataFrame:
    """The referrals waiting on a date, with their wait in days.

    Parameters
    ----------
    waits : pandas.DataFrame
        Cleaned referrals (``health_waits.parquet``).
    on : datetime.date
        The date.

    Returns
    -------
    pandas.DataFrame
        The waiting rows, with ``wait_days`` (int) and ``age_band``.

    Examples
    --------
    >>> waits = pd.DataFrame({"service": ["camhs"] * 3, "age_at_referral": [7, 7, None],
    ...     "referral_date": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-03-01"]),
    ...     "first_contact_date": pd.to_datetime(["2025-02-01", None, None]),
    ...     "removal_date": pd.to_datetime([None, None, None])})
    >>> waiting_on(waits, datetime.date(2025, 3, 1))["wait_days"].tolist()
    [59, 0]
    """
    day = pd.Timestamp(on)
    referral = pd.to_datetime(waits["referral_date"])
    contact = pd.to_datetime(waits["first_contact_date"])
    removal = pd.to_datetime(waits["removal_date"])
    waiting = (referral <= day) & ~(contact <= day) & ~(removal <= day)
    out = waits.loc[waiting].copy()
    out["wait_days"] = (day - referral[waiting]).dt.days.astype(int)
    out["age_band"] = age_band(out["age_at_referral"])
    return out


def wait_distribution(waiting: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """Waiting count, median and 90th percentile wait (weeks), over 18 and 52 weeks, per group.

    Parameters
    ----------
    waiting : pandas.DataFrame
        From :func:`waiting_on`.
    by : list of str, optional
        Grouping columns (none: one row for everyone).

    Returns
    -------
    pandas.DataFrame
        ``by`` columns, ``waiting``, ``median_weeks``, ``p90_weeks``, ``over_18_weeks``,
        ``over_52_weeks``.
    """
    weeks = waiting["wait_days"] / 7
    frame = waiting.assign(_weeks=weeks, _over18=waiting["wait_days"] > WEEKS_18,
                           _over52=waiting["wait_days"] > WEEKS_52)
    keys = by or []
    grouped = frame.groupby(keys, sort=True, dropna=False) if keys else frame.groupby(
        np.zeros(len(frame), dtype=int))
    out = grouped.agg(waiting=("_weeks", "size"),
                      median_weeks=("_weeks", lambda w: np.percentile(w, 50)),
                      p90_weeks=("_weeks", lambda w: np.percentile(w, 90)),
                      over_18_weeks=("_over18", "sum"), over_52_weeks=("_over52", "sum"))
    out = out.reset_index() if keys else out.reset_index(drop=True)
    for column in ("waiting", "over_18_weeks", "over_52_weeks"):
        out[column] = out[column].astype(int)
    return out


def _list_dates(waits: pd.DataFrame, extract_date: datetime.date, years: int
                ) -> list[datetime.date]:
    """31 March of each year the extract covers (up to ``years``), and the extract date."""
    first = pd.to_datetime(waits["referral_date"]).min()
    dates = [datetime.date(extract_date.year - k, 3, 31) for k in range(years - 1, -1, -1)]
    dates = [d for d in dates if d < extract_date and not pd.isna(first) and
             pd.Timestamp(d) >= first]
    # one date per year (the trend reads periods by year)
    dates = [d for d in dates if d.year != extract_date.year]
    return [*dates, extract_date]


def waiting_list_rows(waits: pd.DataFrame, *, extract_date: datetime.date, area_code: str,
                      area_name: str = "", years: int = 5,
                      ward_names: dict[str, str] | None = None) -> pd.DataFrame:
    """Indicator rows (counts and denominators) of the waiting lists, before statistics.

    Parameters
    ----------
    waits : pandas.DataFrame
        Cleaned referrals.
    extract_date : datetime.date
        The date the list was taken (the latest period).
    area_code, area_name : str
        The council.
    years : int, default 5
        Periods: the list on 31 March of up to ``years - 1`` earlier years, then on the extract
        date.
    ward_names : dict, optional
        Ward code -> name (a ward row without a name is named by its code).

    Returns
    -------
    pandas.DataFrame
        ``indicator_id, area_code, area_name, area_type, period, breakdown, count, denominator``.
    """
    rows: list[dict[str, object]] = []

    def add(indicator: str, code: str, name: str, kind: str, period: str, breakdown: str,
            count: Any, denominator: Any) -> None:
        rows.append({"indicator_id": indicator, "area_code": code, "area_name": name,
                     "area_type": kind, "period": period, "breakdown": breakdown,
                     "count": float(count), "denominator": float(denominator)})

    for day in _list_dates(waits, extract_date, years):
        waiting = waiting_on(waits, day)
        period = period_label(day)
        whole = wait_distribution(waiting).iloc[0] if len(waiting) else None
        by_service = wait_distribution(waiting, ["service"]).set_index("service")
        for indicator, column in ((OVER_18, "over_18_weeks"), (OVER_52, "over_52_weeks")):
            add(indicator, area_code, area_name, "Local authority", period, ALL_SERVICES,
                0 if whole is None else whole[column], 0 if whole is None else whole["waiting"])
            for service, label in SERVICES.items():
                if service in by_service.index:
                    entry = by_service.loc[service]
                    add(indicator, area_code, area_name, "Local authority", period, label,
                        entry[column], entry["waiting"])
            if day == extract_date:
                by_ward = wait_distribution(waiting.dropna(subset=["ward_code"]), ["ward_code"])
                for ward in by_ward.itertuples(index=False):
                    code = str(ward.ward_code)
                    add(indicator, code, (ward_names or {}).get(code) or code, "Ward", period,
                        ALL_SERVICES, getattr(ward, column), ward.waiting)
                # referrals placed in the council without a ward (by provider, or an LSOA the
                # lookup lacks): their own row, so the wards add up to the council
                unplaced = waiting[waiting["ward_code"].isna()]
                if len(by_ward) and len(unplaced):
                    left = wait_distribution(unplaced).iloc[0]
                    add(indicator, unknown_ward_code(area_code), UNKNOWN_WARD, "Ward", period,
                        ALL_SERVICES, left[column], left["waiting"])
        if day == extract_date:
            by_age = wait_distribution(waiting, ["age_band"]).set_index("age_band")
            add(OVER_18_BY_AGE, area_code, area_name, "Local authority", period, ALL_AGES,
                0 if whole is None else whole["over_18_weeks"],
                0 if whole is None else whole["waiting"])
            for label in [band for _, _, band in AGE_BANDS] + [UNKNOWN_AGE]:
                if label in by_age.index:
                    add(OVER_18_BY_AGE, area_code, area_name, "Local authority", period, label,
                        by_age.loc[label, "over_18_weeks"], by_age.loc[label, "waiting"])
    return pd.DataFrame(rows, columns=["indicator_id", "area_code", "area_name", "area_type",
                                       "period", "breakdown", "count", "denominator"])


def wait_summary_rows(waits: pd.DataFrame, *, extract_date: datetime.date, area_code: str,
                      area_name: str = "", years: int = 5) -> pd.DataFrame:
    """The median and 90th percentile waits (weeks) as indicator rows, by service and date.

    Parameters
    ----------
    waits : pandas.DataFrame
        Cleaned referrals.
    extract_date : datetime.date
        The date the list was taken (the latest period).
    area_code, area_name : str
        The council.
    years : int, default 5
        Periods, as :func:`waiting_list_rows` takes them.

    Returns
    -------
    pandas.DataFrame
        ``indicator_id`` (:data:`MEDIAN_WEEKS`, :data:`P90_WEEKS`), ``area_code, area_name,
        area_type, period, breakdown``, ``value`` (weeks), ``count`` (missing: a percentile is
        not a count) and ``denominator`` (the referrals waiting it rests on), for all services
        and each service with a referral waiting.
    """
    columns = ["indicator_id", "area_code", "area_name", "area_type", "period", "breakdown",
               "value", "count", "denominator"]
    parts = []
    for day in _list_dates(waits, extract_date, years):
        spread = distribution_by_service(waits, day)
        if spread.empty:
            continue
        for indicator, column in ((MEDIAN_WEEKS, "median_weeks"), (P90_WEEKS, "p90_weeks")):
            parts.append(pd.DataFrame({
                "indicator_id": indicator, "area_code": area_code, "area_name": area_name,
                "area_type": "Local authority", "period": period_label(day),
                "breakdown": spread["service"], "value": spread[column].astype(float),
                "count": np.nan, "denominator": spread["waiting"].astype(float)}))
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


def distribution_by_service(waits: pd.DataFrame, on: datetime.date) -> pd.DataFrame:
    """Waits on a date by service, with an ``All services`` row first.

    Returns
    -------
    pandas.DataFrame
        ``service`` (label), ``waiting``, ``median_weeks``, ``p90_weeks``, ``over_18_weeks``,
        ``over_52_weeks``.
    """
    waiting = waiting_on(waits, on)
    whole = wait_distribution(waiting).assign(service=ALL_SERVICES) if len(waiting) else \
        pd.DataFrame()
    parts = wait_distribution(waiting, ["service"])
    parts["service"] = parts["service"].map(SERVICES)
    order = {label: i for i, label in enumerate(SERVICES.values())}
    parts = parts.sort_values("service", key=lambda s: s.map(order))
    out = pd.concat([whole, parts], ignore_index=True)
    return out[["service", "waiting", "median_weeks", "p90_weeks", "over_18_weeks",
                "over_52_weeks"]] if len(out) else out


#: Columns of :func:`fingertips_comparisons`.
FINGERTIPS_COLUMNS = [
    "indicator_id", "indicator_name", "breakdown", "period", "year", "area_code", "area_name",
    "area_type", "value", "lower_ci_95", "upper_ci_95", "count", "denominator", "note",
    "compared_to_england", "compared_to_region", "compared_to_neighbours", "recent_trend",
]


def fingertips_comparisons(frame: pd.DataFrame, areas: ComparatorAreas) -> pd.DataFrame:
    """Fingertips indicators of the council, its region, England and neighbours, compared.

    Values and 95% intervals are OHID's, as published; each council value is compared with
    England's, the region's and the neighbours' average by Fingertips' method (the area's 95%
    interval against the benchmark value: :func:`jsna.stats.compare.compare_to_benchmark`),
    without polarity (``Higher``/``Similar``/``Lower``: an export does not say which way is
    good), and each series gets its recent trend from the values and intervals.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`jsna.sources.fingertips.read_fingertips` (totals: rows of a category
        breakdown such as deprivation deciles are left out).
    areas : ComparatorAreas
        The council, region and neighbours (current codes: older exports' codes are mapped).

    Returns
    -------
    pandas.DataFrame
        :data:`FINGERTIPS_COLUMNS`; ``breakdown`` is "sex, age" as published.
    """
    rows = frame.loc[frame["category_type"].fillna("").eq("")].copy()
    rows["area_code"] = current_codes(rows["area_code"])
    rows = rows.loc[rows["area_code"].isin(areas.codes)].copy()
    names = areas.display_names()
    rows["area_name"] = rows["area_code"].map(names).fillna(rows["area_name"])
    rows.loc[rows["area_code"].eq(ENGLAND), "area_type"] = "England"
    rows.loc[rows["area_code"].eq(areas.region_code), "area_type"] = "Region"
    councils = rows["area_code"].isin([areas.council, *areas.neighbours])
    rows.loc[councils, "area_type"] = "Local authority"
    rows["breakdown"] = rows["sex"].astype(str) + ", " + rows["age"].astype(str)
    rows["indicator_id"] = "fingertips_" + rows["indicator_id"].astype(str)
    # one row per area, indicator, breakdown and period (an export may repeat an area)
    rows = rows.drop_duplicates(["indicator_id", "breakdown", "period", "area_code"])
    if rows.empty:
        return pd.DataFrame(columns=FINGERTIPS_COLUMNS)
    compared = add_comparisons(rows, Benchmarks(areas.council, areas.region_code,
                                                tuple(areas.neighbours)),
                               polarity="Not applicable")
    keys = ["indicator_id", "area_code", "period", "breakdown"]
    trended = add_recent_trend(compared, kind="value")[[*keys, "recent_trend"]]
    out = compared.drop(columns=["recent_trend"], errors="ignore").merge(
        trended, on=keys, how="left")
    order = {"Local authority": 0, "Region": 2, "England": 3}
    out["_order"] = out["area_type"].map(order).fillna(1) + np.where(
        out["area_code"].eq(areas.council), -1, 0)
    out = out.sort_values(["indicator_id", "breakdown", "year", "_order", "area_code"])
    return out[FINGERTIPS_COLUMNS].reset_index(drop=True)
