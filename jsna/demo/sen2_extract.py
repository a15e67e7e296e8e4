"""The demo council's SEN2 casework extract, linked to its census pupils, with realistic dirt.

One row per request for an EHC needs assessment (or per plan brought from another council), as a
casework system exports it. Every pupil with an EHC plan in a January census who lives in the
council has a plan (the same UPN as in the census, so casework links to pupils); plans begin
before the first January the pupil has one, and cease (with a DfE reason) when the pupil no
longer has one. Young people the school census never sees (post-16 and FE, independent special
schools, elective home education, not in education) are added so that the January count comes
close to the council's row in the demo's DfE caseload file. Requests refused, withdrawn,
assessed without a plan and still waiting come from pupils on SEN support.

Dirt: each kind the cleaner reports (:data:`jsna.clean.sen2.FINDING_TYPES`) is put on about
``dirt_rate`` of rows, at least one row each when ``dirt_rate`` > 0. The setting column has a
heading only the config's ``[sen2.columns]`` maps.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import numpy as np
import pandas as pd

from jsna.demo.pupils import PLAN, SUPPORT, PupilModel
from jsna.demo.schools import LA_NUMBER
from jsna.demo.upn import UpnIssuer
from jsna.sen_need_codes import NEED_CODES

#: Heading of the setting column, mapped in the demo's ``[sen2.columns]``.
SETTING_HEADING = "Current placement (type)"
HEADINGS = ["Person ID", "UPN", "Forename", "Surname", "Date of birth", "Request date",
            "Request outcome", "Decision date", "Assessment outcome", "Assessment completed date",
            "Plan start date", "20 week exception", "Primary need", SETTING_HEADING,
            "Last annual review", "Cease date", "Cease reason"]
_SETTING_WORDS = {"mainstream": "Mainstream", "resourced": "Resourced provision",
                  "special": "Special school", "independent_special": "Independent special",
                  "post16": "FE college", "home_education": "EHE", "not_in_education": "NEET",
                  "other": "Alternative provision"}
_CEASE_WORDS = ["Needs met", "Moved LA", "Maximum age", "Paid employment", "Higher education",
                "No longer wishes to engage", "Moved outside England"]
_PLAN_NEEDS = [code for code in NEED_CODES if code != "NSA"]


def extract_date(last_year: int) -> datetime.date:
    """The day the demo's extract was taken: 31 October of the JSNA year."""
    return datetime.date(last_year, 10, 31)


def _day(value: np.datetime64 | pd.Timestamp) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _census_day(year: int) -> pd.Timestamp:
    first = datetime.date(year, 1, 1)
    return pd.Timestamp(first + datetime.timedelta(days=(3 - first.weekday()) % 7 + 14))


def _setting(rng: np.random.Generator, phase: str) -> str:
    if phase == "Special":
        return "independent_special" if rng.random() < 0.1 else "special"
    if phase == "Alternative provision":
        return "other"
    return "resourced" if rng.random() < 0.12 else "mainstream"


#: Spread (log scale) of the weeks from request to plan.
_WAIT_SIGMA = 0.3


def _median_weeks(share_within: float) -> float:
    """Median wait (weeks) of a log-normal wait with :data:`_WAIT_SIGMA` for which a share
    ``share_within`` of plans is issued within 20 weeks."""
    from scipy.stats import norm

    if not np.isfinite(share_within):  # DfE published no figure that year
        share_within = 0.55
    return 20 / float(np.exp(_WAIT_SIGMA * norm.ppf(np.clip(share_within, 0.02, 0.98))))


def _plan_row(rng: np.random.Generator, *, person: str, upn: str, forename: str, surname: str,
              dob: pd.Timestamp, plan: pd.Timestamp, need: str, setting: str, requested: bool,
              cease: pd.Timestamp | None, until: pd.Timestamp,
              within: float = 0.55) -> dict[str, str]:
    """One plan: its request (when made to this council), decision, assessment and reviews."""
    row = dict.fromkeys(HEADINGS, "")
    row.update({"Person ID": person, "UPN": upn, "Forename": forename, "Surname": surname,
                "Date of birth": _day(dob), "Plan start date": _day(plan), "Primary need": need,
                SETTING_HEADING: _SETTING_WORDS[setting]})
    if requested:
        weeks = float(np.clip(rng.lognormal(np.log(_median_weeks(within)), _WAIT_SIGMA), 8, 90))
        request = plan - pd.Timedelta(days=round(weeks * 7))
        row.update({"Request date": _day(request), "Request outcome": "Agreed to assess",
                    "Decision date": _day(request + pd.Timedelta(days=int(rng.integers(28, 43)))),
                    "Assessment outcome": "Plan issued",
                    "Assessment completed date": _day(plan - pd.Timedelta(
                        days=int(rng.integers(7, 21)))),
                    "20 week exception": "Y" if rng.random() < 0.08 else "N"})
    end = cease if cease is not None else until
    years = int((end - plan).days // 365)
    if years >= 1:  # the latest annual review: most on time, some late or missed
        late = int(rng.integers(0, 120)) if rng.random() < 0.25 else int(rng.integers(-30, 10))
        review = plan + pd.DateOffset(years=years) + pd.Timedelta(days=late)
        if review > end:
            review = plan + pd.DateOffset(years=years - 1) + pd.Timedelta(days=late)
        if rng.random() > 0.06 and review > plan:
            row["Last annual review"] = _day(review)
    if cease is not None:
        row["Cease date"] = _day(cease)
        row["Cease reason"] = str(rng.choice(_CEASE_WORDS, p=[0.3, 0.25, 0.15, 0.08, 0.07, 0.1,
                                                              0.05]))
    return row


def _request_row(rng: np.random.Generator, *, person: str, upn: str, forename: str, surname: str,
                 dob: pd.Timestamp, request: pd.Timestamp, until: pd.Timestamp
                 ) -> dict[str, str]:
    """A request that did not (or not yet) lead to a plan."""
    row = dict.fromkeys(HEADINGS, "")
    row.update({"Person ID": person, "UPN": upn, "Forename": forename, "Surname": surname,
                "Date of birth": _day(dob), "Request date": _day(request)})
    decided = request + pd.Timedelta(days=int(rng.integers(30, 60)))
    kind = rng.choice(["refused", "withdrawn", "no_plan", "open"], p=[0.55, 0.05, 0.15, 0.25])
    if kind == "open" and (until - request).days > 300 and rng.random() < 0.9:
        kind = "no_plan"  # most old requests are concluded; a few wait over a year
    if kind == "refused" and decided <= until:
        row.update({"Request outcome": "Refused", "Decision date": _day(decided)})
    elif kind == "withdrawn" and decided <= until:
        row.update({"Request outcome": "Withdrawn", "Decision date": _day(decided)})
    elif kind == "no_plan" and decided + pd.Timedelta(days=90) <= until:
        row.update({"Request outcome": "Agreed to assess", "Decision date": _day(decided),
                    "Assessment outcome": "No plan", "Assessment completed date":
                    _day(decided + pd.Timedelta(days=int(rng.integers(60, 100))))})
    elif decided <= until and rng.random() < 0.7:  # waiting for the assessment
        row.update({"Request outcome": "Agreed to assess", "Decision date": _day(decided)})
    return row


def sen2_extract(rng: np.random.Generator, model: PupilModel, schools: pd.DataFrame,
                 n_lsoas: int, caseload: dict[int, int], last_year: int,
                 dirt_rate: float = 0.01, within: dict[int, float] | None = None
                 ) -> pd.DataFrame:
    """The demo's SEN2 casework extract (one row per request or plan), dirt included.

    Parameters
    ----------
    rng : numpy.random.Generator
        The demo's ``sen2`` stream.
    model : PupilModel
        The census pupils (their UPNs, names and dates of birth are reused).
    schools : pandas.DataFrame
        The demo's schools (``Phase`` gives the setting).
    n_lsoas : int
        Areas below this index are inside the council.
    caseload : dict of int to int
        The council's plans in each January in the demo's DfE caseload file.
    last_year : int
        The JSNA year.
    dirt_rate : float
        Share of rows given each kind of problem.
    within : dict of int to float, optional
        Calendar year -> share of new plans issued within 20 weeks in the demo's published
        SEN2 file: the waits are drawn to match it (default 0.55 every year).

    Returns
    -------
    pandas.DataFrame
        Text columns :data:`HEADINGS`.
    """
    until = pd.Timestamp(extract_date(last_year))
    years = sorted(model.census)
    within = within or {}
    phase = schools["Phase"].to_numpy()
    rows: list[dict[str, str]] = []
    seen: dict[int, dict] = {}
    for year in years:  # each resident pupil with a plan: first and last January with one
        frame = model.census[year]
        plans = frame[(frame["sen"] == PLAN) & (frame["area"] < n_lsoas)]
        for pupil in plans.itertuples(index=False):
            entry = seen.setdefault(int(pupil.person), {"first": year, "pupil": pupil})
            entry["last"] = year
            entry["pupil"] = pupil
    for person, entry in sorted(seen.items()):
        pupil, first, last = entry["pupil"], entry["first"], entry["last"]
        before = _census_day(first)
        if first == years[0]:  # had a plan at the first census: began up to six years before
            plan = before - pd.Timedelta(days=int(rng.integers(20, 6 * 365)))
        else:
            plan = before - pd.Timedelta(days=int(rng.integers(10, 365)))
        cease = None
        if last < years[-1]:
            cease = _census_day(last) + pd.Timedelta(days=int(rng.integers(20, 340)))
        need = _PLAN_NEEDS[pupil.need1] if 0 <= pupil.need1 < len(NEED_CODES) and \
            NEED_CODES[pupil.need1] != "NSA" else str(rng.choice(_PLAN_NEEDS))
        rows.append(_plan_row(
            rng, person=f"P{person:06d}", upn=pupil.upn, forename=pupil.forename,
            surname=pupil.surname, dob=pd.Timestamp(pupil.dob), plan=plan, need=need,
            setting=_setting(rng, phase[pupil.school]), requested=rng.random() < 0.93,
            cease=cease, until=until, within=within.get(plan.year, 0.55)))
    in_census = sum(1 for e in seen.values() if e["last"] == years[-1])
    rows += _beyond_census(rng, max(caseload.get(last_year, in_census) - in_census, 0),
                           last_year, until, len(seen))
    rows += _other_requests(rng, model, n_lsoas, years, until)
    rows += _new_plans_after_census(rng, model, n_lsoas, phase, last_year, until,
                                    within.get(last_year - 1, 0.55))
    extract = pd.DataFrame(rows, columns=HEADINGS)
    order = pd.to_datetime(extract["Request date"].where(extract["Request date"] != "",
                                                         extract["Plan start date"]))
    extract = extract.iloc[np.argsort(order.to_numpy(), kind="stable")].reset_index(drop=True)
    return add_dirt(rng, extract, dirt_rate)


def _beyond_census(rng: np.random.Generator, n: int, last_year: int, until: pd.Timestamp,
                   offset: int) -> list[dict[str, str]]:
    """Young people with plans whom the school census does not see (post-16, independent,
    home education, not in education): a UPN for most, none for some."""
    issuer = UpnIssuer()  # its own: establishment 7000, which no demo school has
    rows = []
    settings = ["post16", "independent_special", "home_education", "not_in_education", "other"]
    for i in range(n):
        setting = str(rng.choice(settings, p=[0.55, 0.2, 0.1, 0.1, 0.05]))
        age = int(rng.integers(16, 24)) if setting in ("post16", "not_in_education") else int(
            rng.integers(6, 18))
        dob = pd.Timestamp(datetime.date(last_year - 1 - age, 1, 1)) + pd.Timedelta(
            days=int(rng.integers(0, 365)))
        plan = _census_day(last_year) - pd.Timedelta(days=int(rng.integers(30, 7 * 365)))
        upn = issuer.issue(np.array([LA_NUMBER]), np.array([7000]),
                           np.array([last_year - age + 4]))[0] if rng.random() < 0.85 else ""
        rows.append(_plan_row(rng, person=f"P{offset + i + 500000:06d}", upn=str(upn),
                              forename="Alex", surname="Young", dob=dob, plan=plan,
                              need=str(rng.choice(_PLAN_NEEDS)), setting=setting,
                              requested=rng.random() < 0.5, cease=None, until=until))
    return rows


def _other_requests(rng: np.random.Generator, model: PupilModel, n_lsoas: int, years: list[int],
                    until: pd.Timestamp) -> list[dict[str, str]]:
    """Requests from pupils on SEN support: refused, withdrawn, assessed without a plan or still
    waiting at the extract date."""
    rows = []
    # the first census's pupils also made the requests of the year before it
    for year, start in [(years[0], _census_day(years[0] - 1)),
                        *((y, _census_day(y)) for y in years)]:
        frame = model.census[year]
        support = frame[(frame["sen"] == SUPPORT) & (frame["area"] < n_lsoas)]
        chosen = support.sample(n=max(1, len(support) // 40), random_state=rng.integers(1 << 31))
        for pupil in chosen.itertuples(index=False):
            request = start + pd.Timedelta(days=int(rng.integers(0, 365)))
            if request > until:
                continue
            rows.append(_request_row(rng, person=f"P{int(pupil.person):06d}", upn=pupil.upn,
                                     forename=pupil.forename, surname=pupil.surname,
                                     dob=pd.Timestamp(pupil.dob), request=request, until=until))
    return rows


def _new_plans_after_census(rng: np.random.Generator, model: PupilModel, n_lsoas: int,
                            phase: np.ndarray, last_year: int, until: pd.Timestamp,
                            within: float) -> list[dict[str, str]]:
    """Plans issued after the last January census, to pupils then on SEN support."""
    frame = model.census[last_year]
    support = frame[(frame["sen"] == SUPPORT) & (frame["area"] < n_lsoas)]
    chosen = support.sample(n=max(1, len(support) // 60), random_state=rng.integers(1 << 31))
    rows = []
    for pupil in chosen.itertuples(index=False):
        plan = _census_day(last_year) + pd.Timedelta(days=int(rng.integers(10, 280)))
        rows.append(_plan_row(rng, person=f"P{int(pupil.person):06d}", upn=pupil.upn,
                              forename=pupil.forename, surname=pupil.surname,
                              dob=pd.Timestamp(pupil.dob), plan=plan,
                              need=str(rng.choice(_PLAN_NEEDS)),
                              setting=_setting(rng, phase[pupil.school]), requested=True,
                              cease=None, until=until, within=within))
    return rows


def add_dirt(rng: np.random.Generator, extract: pd.DataFrame, rate: float) -> pd.DataFrame:
    """Put each kind of problem the cleaner reports on about ``rate`` of rows (at least one).

    Returns
    -------
    pandas.DataFrame
        The extract with dirty values, a blank row and repeated rows inserted.
    """
    if rate <= 0:
        return extract
    out = extract.copy()
    n = len(out)
    k = max(1, round(rate * n))
    has_plan = np.flatnonzero((out["Plan start date"] != "") & (out["Request date"] != ""))
    ceased = np.flatnonzero(out["Cease date"] != "")
    reviewed = np.flatnonzero(out["Last annual review"] != "")
    assessed = np.flatnonzero(out["Assessment completed date"] != "")
    decided = np.flatnonzero(out["Request outcome"] != "")
    used: set[int] = set()

    def pick(pool: np.ndarray) -> np.ndarray:
        free = np.array([i for i in pool if i not in used], dtype=int)
        chosen = rng.choice(free, size=min(k, len(free)), replace=False) if len(free) else free
        used.update(int(i) for i in chosen)
        return chosen

    def before(column: str, days: int, fallback: str = "2000-01-01") -> Callable[[pd.Series], str]:
        return lambda row: _day(pd.Timestamp(row[column] or fallback) - pd.Timedelta(days=days))

    everyone = np.arange(n)
    # (rows to pick from, column, new value from the row): one kind of finding each
    changes: list[tuple[np.ndarray, str, Callable[[pd.Series], str]]] = [
        (everyone, "UPN", lambda row: ""),  # no link to the census
        (everyone, "UPN", lambda row: row["UPN"][:-2] or "X1"),  # too short
        (everyone, "Date of birth", lambda row: ""),
        (has_plan, "Request date", lambda row: "30/02/" + row["Request date"][:4]),
        (has_plan, "Request date", lambda row: "2031-01-15"),  # after the extract date
        (has_plan, "Plan start date", before("Request date", 30)),
        (assessed, "Assessment completed date", before("Request date", 3)),
        (reviewed, "Last annual review", before("Plan start date", 40)),
        (has_plan, "Primary need", lambda row: "DYSL"),
        (has_plan, "Primary need", lambda row: ""),
        (has_plan, SETTING_HEADING, lambda row: "Hospital school?"),
        (has_plan, SETTING_HEADING, lambda row: ""),
        (decided, "Request outcome", lambda row: "Pending panel"),
        (has_plan, "Request outcome", lambda row: ""),  # inferred from the plan
        (assessed, "Assessment outcome", lambda row: "TBC"),
        (has_plan, "20 week exception", lambda row: "Maybe"),
        (ceased, "Cease reason", lambda row: "Left"),
        (ceased, "Cease reason", lambda row: ""),
    ]
    for pool, column, change in changes:
        for i in pick(pool):
            out.iat[i, out.columns.get_loc(column)] = change(out.iloc[i])
    no_key = out.iloc[pick(np.arange(n))].copy()
    no_key["Person ID"], no_key["UPN"] = "", ""
    no_dates = out.iloc[pick(np.arange(n))].copy()
    no_dates["Request date"], no_dates["Plan start date"] = "", ""
    repeats = out.iloc[pick(np.arange(n))].copy()
    blank = pd.DataFrame([dict.fromkeys(HEADINGS, "")] * k)
    parts = [out, no_key, no_dates, repeats, blank]
    mixed = pd.concat(parts, ignore_index=True)
    return mixed.iloc[rng.permutation(len(mixed))].reset_index(drop=True)
