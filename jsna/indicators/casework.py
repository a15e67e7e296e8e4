"""Indicators from the council's cleaned SEN2 casework (``sen2_casework.parquet``).

Every figure is a count (or a share, median or quartile of counted rows) from the cleaned
extract of :mod:`jsna.clean.sen2`, per calendar year or at a date; disclosure control is applied
by the chapter before anything is shown. Definitions (DfE, *Education, health and care plans*
data guidance and SEN2 guide):

* **Requests received** in a year: requests dated in the year; of these, **agreed to assess**
  (decision ``assess``), **refused** (``not_assess``) and withdrawn or not yet decided.
* **Assessments completed** in a year: assessment outcome dated in the year.
* **Plans issued** in a year: new plans (after a request to this council, decision ``assess``)
  dated in the year; plans that came with a child from another council are not new plans.
* **Issued within 20 weeks**: plan date at most 140 days (20 weeks) after the request date, over
  the plans issued in the year with a known request date, **including exceptions**, and again
  **excluding exceptions** (plans flagged as a permitted exception to the 20-week timeframe
  are left out of both the count and the denominator: DfE's ``plans_issued_den_ex``).
* **Weeks from request to plan**: days / 7 for the same plans; median and quartiles by linear
  interpolation between order statistics (numpy's default, Hyndman and Fan type 7).
* **Waiting at a date** *D*: requested on or before *D* with no conclusion on or before *D*
  (a decision not to assess, a withdrawal, a decision not to issue a plan, or a plan); a
  conclusion recorded without a date counts as reached. Weeks waited = completed weeks from the
  request to *D*.
* **Active plans at a date** *D*: plan date on or before *D* and no ceasing date on or before
  *D*. Age is the DfE age on 31 August before *D* (``birth_cohort``).
* **Annual reviews at a date** *D*: plans active at *D* that began at least 12 months before *D*
  are **due**; those whose latest review meeting is in the 12 months up to *D* (after the same
  day a year earlier) are **done within 12 months**. The extract holds the latest review only,
  so this is a figure at the extract's date, not a history.
* **Ceased** in a year: ceasing date in the year, by DfE reason (``Not recorded`` when blank).
* The **January count** is the active plans at the SEN2 census date, the third Thursday of
  January, compared with the council's ``ehcplans`` in DfE's caseload file for that January.

The published figures become rows of the long indicator table (:func:`indicator_rows`): the
20-week percentages with and without exceptions per calendar year, children waiting by band of
weeks waited and annual reviews held within 12 months on the extract date, and ceased plans by
reason per calendar year, each a count of a denominator (Wilson intervals are added by
:func:`jsna.indicators.comparisons.add_statistics`). The median weeks from request to plan per
calendar year is a row too (:func:`weeks_to_plan_rows`): its value is in weeks, its denominator
the plans with a request date it rests on (the 20-week percentage's denominator), and it has no
count, so a median of fewer plans than the disclosure threshold is hidden.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd

from jsna.clean.sen2_codes import CEASE_REASON_NAMES, SETTING_NAMES
from jsna.sen_need_codes import NEED_NAMES

#: 20 weeks in days (the statutory timeframe from request to plan).
TWENTY_WEEKS_DAYS = 140
NOT_KNOWN = "Not known"
#: Bands of completed weeks waited: label -> (lowest, highest) weeks (inclusive).
WAIT_BANDS: dict[str, tuple[int, int]] = {
    "Under 6 weeks": (0, 5),
    "6 to 19 weeks": (6, 19),
    "20 to 51 weeks": (20, 51),
    "52 weeks or more": (52, 10_000),
}
#: DfE's age bands of the EHC plans caseload: label -> (lowest, highest) age on 31 August.
AGE_BANDS: dict[str, tuple[int, int]] = {
    "Under 5": (0, 4),
    "5 to 10": (5, 10),
    "11 to 15": (11, 15),
    "16 to 19": (16, 19),
    "20 to 25": (20, 25),
}
#: Indicator ids of the casework figures (see :func:`indicator_rows` and ``catalogue.csv``).
TIMELY = "ehcp_local_issued_20_weeks_percent"
TIMELY_EX = "ehcp_local_issued_20_weeks_ex_percent"
WAITING = "ehcp_local_waiting_by_weeks_percent"
REVIEWED = "ehcp_local_reviewed_12_months_percent"
CEASED = "ehcp_local_ceased_by_reason_percent"
WEEKS_TO_PLAN = "ehcp_local_weeks_to_plan_median"
#: The breakdown of the indicators without one.
ALL = "All"
ACTIVITY_COLUMNS = ["year", "requests", "agreed", "refused", "assessments", "plans_issued",
                    "timed_plans", "within_20", "timed_plans_ex", "within_20_ex",
                    "weeks_median", "weeks_q1", "weeks_q3"]


def _dates(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_datetime(frame[column], errors="coerce")


def census_day(year: int) -> datetime.date:
    """The SEN2 census date: the third Thursday of January.

    Examples
    --------
    >>> census_day(2025), census_day(2024)
    (datetime.date(2025, 1, 16), datetime.date(2024, 1, 18))
    """
    first = datetime.date(year, 1, 1)
    return first + datetime.timedelta(days=(3 - first.weekday()) % 7 + 14)


def yearly_activity(casework: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Requests, decisions, assessments, plans issued and 20-week timeliness per calendar year.

    Parameters
    ----------
    casework : pandas.DataFrame
        The cleaned casework (:data:`jsna.clean.sen2.CASEWORK_SCHEMA`).
    years : list of int
        Calendar years wanted.

    Returns
    -------
    pandas.DataFrame
        One row per year, columns :data:`ACTIVITY_COLUMNS` (counts as int; the weeks as float,
        NaN when no plan was issued with a known request date).
    """
    request, plan = _dates(casework, "request_date"), _dates(casework, "plan_date")
    assessed = _dates(casework, "assessment_date")
    decision = casework["decision"]
    exception = casework["exception"].fillna(False).astype(bool)
    new_plan = plan.notna() & (decision == "assess")
    days = (plan - request).dt.days
    rows = []
    for year in years:
        received = request.dt.year == year
        issued = new_plan & (plan.dt.year == year)
        timed = issued & request.notna()
        weeks = (days[timed] / 7).to_numpy(dtype=float)
        quartiles = (np.percentile(weeks, [25, 50, 75]) if weeks.size
                     else np.full(3, np.nan))
        timed_ex = timed & ~exception
        rows.append({
            "year": year,
            "requests": int(received.sum()),
            "agreed": int((received & (decision == "assess")).sum()),
            "refused": int((received & (decision == "not_assess")).sum()),
            "assessments": int((assessed.dt.year == year).sum()),
            "plans_issued": int(issued.sum()),
            "timed_plans": int(timed.sum()),
            "within_20": int((timed & (days <= TWENTY_WEEKS_DAYS)).sum()),
            "timed_plans_ex": int(timed_ex.sum()),
            "within_20_ex": int((timed_ex & (days <= TWENTY_WEEKS_DAYS)).sum()),
            "weeks_median": float(quartiles[1]),
            "weeks_q1": float(quartiles[0]),
            "weeks_q3": float(quartiles[2]),
        })
    return pd.DataFrame(rows, columns=ACTIVITY_COLUMNS)


def waiting_at(casework: pd.DataFrame, when: datetime.date) -> pd.DataFrame:
    """Requests still waiting for a conclusion at ``when``, with the completed weeks waited.

    Returns
    -------
    pandas.DataFrame
        One row per waiting request: ``weeks`` (int) and ``band`` (a key of
        :data:`WAIT_BANDS`).
    """
    day = pd.Timestamp(when)
    request = _dates(casework, "request_date")
    decision, outcome = casework["decision"], casework["assessment_outcome"]

    def reached(happened: pd.Series, column: str) -> pd.Series:
        date = _dates(casework, column)
        return happened & (date.isna() | (date <= day))

    concluded = (reached(decision.isin(["not_assess", "withdrawn"]), "decision_date")
                 | reached(outcome == "no_plan", "assessment_date")
                 | (_dates(casework, "plan_date") <= day))
    waiting = request.notna() & (request <= day) & ~concluded
    weeks = ((day - request[waiting]).dt.days // 7).astype(int)
    return pd.DataFrame({"weeks": weeks.to_numpy(), "band": wait_band(weeks.to_numpy())})


def wait_band(weeks: np.ndarray) -> np.ndarray:
    """The :data:`WAIT_BANDS` label of each number of completed weeks.

    Examples
    --------
    >>> wait_band(np.array([0, 5, 6, 19, 20, 51, 52])).tolist()
    ['Under 6 weeks', 'Under 6 weeks', '6 to 19 weeks', '6 to 19 weeks', '20 to 51 weeks', \
'20 to 51 weeks', '52 weeks or more']
    """
    labels = np.array(list(WAIT_BANDS), dtype=object)
    edges = np.array([low for low, _ in WAIT_BANDS.values()][1:])
    return labels[np.searchsorted(edges, np.asarray(weeks), side="right")]


def backlog_table(casework: pd.DataFrame, when: datetime.date) -> pd.DataFrame:
    """Children waiting at ``when`` by band of weeks waited, with the total.

    Returns
    -------
    pandas.DataFrame
        ``Weeks waited`` (the bands, then ``All waiting``) and ``Children waiting``.
    """
    waiting = waiting_at(casework, when)
    counts = waiting["band"].value_counts().reindex(list(WAIT_BANDS), fill_value=0)
    frame = pd.DataFrame({"Weeks waited": [*WAIT_BANDS, "All waiting"],
                          "Children waiting": [*counts.astype(int), len(waiting)]})
    return frame


def active_at(casework: pd.DataFrame, when: datetime.date) -> pd.Series:
    """Whether each row is a plan active at ``when`` (issued on or before, not yet ceased)."""
    day = pd.Timestamp(when)
    plan, cease = _dates(casework, "plan_date"), _dates(casework, "cease_date")
    return plan.notna() & (plan <= day) & (cease.isna() | (cease > day))


def age_on_31_august_before(cohort: pd.Series, when: datetime.date) -> pd.Series:
    """DfE age (on 31 August before ``when``) from ``birth_cohort``."""
    year = when.year if when.month >= 9 else when.year - 1
    return year - cohort


def age_band(ages: pd.Series) -> pd.Series:
    """The :data:`AGE_BANDS` label of each age (``Not known`` when missing or outside 0-25)."""
    out = pd.Series(NOT_KNOWN, index=ages.index, dtype=object)
    for label, (low, high) in AGE_BANDS.items():
        out[(ages >= low) & (ages <= high)] = label
    return out


def active_plans_table(casework: pd.DataFrame, when: datetime.date) -> pd.DataFrame:
    """Plans active at ``when`` by age band, primary need and setting (each with its total).

    Returns
    -------
    pandas.DataFrame
        ``Breakdown`` (``Age band``, ``Primary need``, ``Setting``), ``Group`` (each group,
        then ``All plans``) and ``Plans``; every group is listed, also when it has none.
    """
    active = casework[active_at(casework, when)]
    groups = {
        "Age band": (age_band(age_on_31_august_before(active["birth_cohort"], when)),
                     [*AGE_BANDS, NOT_KNOWN]),
        "Primary need": (active["primary_need"].map(NEED_NAMES).fillna(NOT_KNOWN),
                         [NEED_NAMES[c] for c in NEED_NAMES if c != "NSA"] + [NOT_KNOWN]),
        "Setting": (active["setting"].map(SETTING_NAMES).fillna(NOT_KNOWN),
                    [*SETTING_NAMES.values(), NOT_KNOWN]),
    }
    parts = []
    for breakdown, (labels, order) in groups.items():
        counts = labels.value_counts().reindex(order, fill_value=0).astype(int)
        parts.append(pd.DataFrame({"Breakdown": breakdown, "Group": [*order, "All plans"],
                                   "Plans": [*counts, len(active)]}))
    return pd.concat(parts, ignore_index=True)


def annual_reviews_at(casework: pd.DataFrame, when: datetime.date) -> dict[str, int]:
    """Annual reviews due and done within 12 months at ``when`` (see the module docstring).

    Returns
    -------
    dict
        ``due`` and ``done`` (counts).
    """
    day = pd.Timestamp(when)
    year_before = day - pd.DateOffset(years=1)
    plan, review = _dates(casework, "plan_date"), _dates(casework, "last_review_date")
    due = active_at(casework, when) & (plan <= year_before)
    done = due & review.notna() & (review > year_before) & (review <= day)
    return {"due": int(due.sum()), "done": int(done.sum())}


def ceased_table(casework: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Plans ceased per calendar year by DfE reason, with each year's total.

    Returns
    -------
    pandas.DataFrame
        ``Calendar year``, ``Reason`` (each reason, ``Not recorded``, then ``All reasons``) and
        ``Plans ceased``.
    """
    cease = _dates(casework, "cease_date")
    reasons = casework["cease_reason"].map(CEASE_REASON_NAMES).fillna("Not recorded")
    order = [*CEASE_REASON_NAMES.values(), "Not recorded"]
    parts = []
    for year in years:
        in_year = reasons[cease.dt.year == year]
        counts = in_year.value_counts().reindex(order, fill_value=0).astype(int)
        parts.append(pd.DataFrame({"Calendar year": str(year), "Reason": [*order, "All reasons"],
                                   "Plans ceased": [*counts, len(in_year)]}))
    return pd.concat(parts, ignore_index=True)


def january_reconciliation(casework: pd.DataFrame, year: int, published: float | None
                           ) -> dict[str, object]:
    """The extract's plans at the January census date beside DfE's published count.

    Parameters
    ----------
    casework : pandas.DataFrame
        The cleaned casework.
    year : int
        The January (e.g. 2025 for January 2025).
    published : float or None
        The council's ``ehcplans`` for that January in DfE's caseload file (None when absent).

    Returns
    -------
    dict
        ``date``, ``extract`` (plans active at the census date), ``published`` and
        ``difference`` (extract - published; None without a published figure).
    """
    day = census_day(year)
    extract = int(active_at(casework, day).sum())
    count = None if published is None or pd.isna(published) else int(published)
    return {"date": day, "extract": extract, "published": count,
            "difference": None if count is None else extract - count}


def period_label(day: datetime.date) -> str:
    """The period of a figure at a date (``"31 Oct 2025"``), as the health waits write it.

    Examples
    --------
    >>> period_label(datetime.date(2025, 10, 31))
    '31 Oct 2025'
    """
    return f"{day.day} {day:%b} {day.year}"


def indicator_rows(activity: pd.DataFrame, backlog: pd.DataFrame, reviews: dict[str, int],
                   ceased: pd.DataFrame, *, on: datetime.date, area_code: str,
                   area_name: str) -> pd.DataFrame:
    """The published casework figures as rows of the long indicator table (counts only).

    Parameters
    ----------
    activity : pandas.DataFrame
        :func:`yearly_activity` (one row per calendar year).
    backlog : pandas.DataFrame
        :func:`backlog_table` at ``on``.
    reviews : dict
        :func:`annual_reviews_at` at ``on``.
    ceased : pandas.DataFrame
        :func:`ceased_table` (long: ``Calendar year, Reason, Plans ceased``).
    on : datetime.date
        The extract date (the period of the backlog and the reviews).
    area_code, area_name : str
        The council.

    Returns
    -------
    pandas.DataFrame
        ``indicator_id, area_code, area_name, area_type, period, breakdown, count,
        denominator``: :data:`TIMELY` (within 20 weeks of the plans with a request date) and
        :data:`TIMELY_EX` (the same without exceptions) per calendar year; :data:`WAITING` per
        band of weeks waited (of all waiting) and :data:`REVIEWED` (of the plans due) at ``on``;
        :data:`CEASED` per reason (of all plans ceased) per calendar year.

    Examples
    --------
    >>> activity = pd.DataFrame({"year": [2024], "timed_plans": [50], "within_20": [25],
    ...                          "timed_plans_ex": [40], "within_20_ex": [24]})
    >>> backlog = pd.DataFrame({"Weeks waited": ["Under 6 weeks", "All waiting"],
    ...                         "Children waiting": [7, 7]})
    >>> ceased = pd.DataFrame({"Calendar year": "2024", "Reason": ["Died", "All reasons"],
    ...                        "Plans ceased": [2, 2]})
    >>> rows = indicator_rows(activity, backlog, {"due": 9, "done": 6}, ceased,
    ...                       on=datetime.date(2025, 10, 31), area_code="E1", area_name="A")
    >>> rows[["indicator_id", "period", "breakdown", "count", "denominator"]].values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['ehcp_local_issued_20_weeks_percent', '2024', 'All', 25, 50],
     ['ehcp_local_issued_20_weeks_ex_percent', '2024', 'All', 24, 40],
     ['ehcp_local_waiting_by_weeks_percent', '31 Oct 2025', 'Under 6 weeks', 7, 7],
     ['ehcp_local_reviewed_12_months_percent', '31 Oct 2025', 'All', 6, 9],
     ['ehcp_local_ceased_by_reason_percent', '2024', 'Died', 2, 2]]
    """
    records: list[tuple[str, str, str, int, int]] = []
    for row in activity.to_dict("records"):
        records.append((TIMELY, str(row["year"]), ALL, int(row["within_20"]),
                        int(row["timed_plans"])))
        records.append((TIMELY_EX, str(row["year"]), ALL, int(row["within_20_ex"]),
                        int(row["timed_plans_ex"])))
    waiting = backlog.set_index("Weeks waited")["Children waiting"].to_dict()
    period = period_label(on)
    records += [(WAITING, period, str(band), int(waiting[band]), int(waiting["All waiting"]))
                for band in waiting if band != "All waiting"]
    records.append((REVIEWED, period, ALL, int(reviews["done"]), int(reviews["due"])))
    for year, rows in ceased.groupby("Calendar year", sort=True):
        counts = rows.set_index("Reason")["Plans ceased"].to_dict()
        records += [(CEASED, str(year), str(reason), int(counts[reason]),
                     int(counts["All reasons"]))
                    for reason in counts if reason != "All reasons"]
    frame = pd.DataFrame(records, columns=["indicator_id", "period", "breakdown", "count",
                                           "denominator"])
    frame.insert(1, "area_code", area_code)
    frame.insert(2, "area_name", area_name)
    frame.insert(3, "area_type", "Local authority")
    return frame


def weeks_to_plan_rows(activity: pd.DataFrame, *, area_code: str, area_name: str
                       ) -> pd.DataFrame:
    """The median weeks from request to plan per calendar year as indicator rows.

    Parameters
    ----------
    activity : pandas.DataFrame
        ``year``, ``timed_plans`` (new plans with a request date) and ``weeks_median``
        (:func:`yearly_activity`).
    area_code, area_name : str
        The council.

    Returns
    -------
    pandas.DataFrame
        :data:`WEEKS_TO_PLAN` rows: ``indicator_id, area_code, area_name, area_type, period,
        breakdown, value`` (weeks), ``count`` (missing: a median is not a count) and
        ``denominator`` (the plans it rests on). A year without a timed plan has no row.

    Examples
    --------
    >>> activity = pd.DataFrame({"year": [2023, 2024], "timed_plans": [0, 40],
    ...                          "weeks_median": [float("nan"), 21.5]})
    >>> weeks_to_plan_rows(activity, area_code="E1", area_name="A")[
    ...     ["period", "value", "denominator"]].values.tolist()
    [['2024', 21.5, 40.0]]
    """
    kept = activity[pd.to_numeric(activity["timed_plans"], errors="coerce") > 0]
    return pd.DataFrame({
        "indicator_id": WEEKS_TO_PLAN, "area_code": area_code, "area_name": area_name,
        "area_type": "Local authority", "period": kept["year"].astype(str), "breakdown": ALL,
        "value": kept["weeks_median"].astype(float), "count": np.nan,
        "denominator": kept["timed_plans"].astype(float)}).reset_index(drop=True)
