"""Comparator files in the layouts DfE publishes on explore-education-statistics.

* ``sen_phase_type.csv`` - "Special educational needs in England": pupils, SEN support and EHC
  plans by type of school, for England, the fictional regions and councils.
* ``sen_primary_need.csv`` - the same release: pupils by SEN status and primary need.
* ``caseload.csv`` - SEN2 "Education, health and care plans": plans maintained in January.
* ``statistical_neighbours.csv`` - each council's ten statistical neighbours with closeness bands.

The demo council's own rows are counted from its census (pupils on roll, one per UPN), exactly as
the DfE figures are derived from the real census. Other areas are invented around the England
figures. Counts of 1 or 2 are shown as ``c`` (suppressed) and percentages that do not apply
(no pupils) as ``z``, as DfE does. Numbers are written as text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jsna.demo import national
from jsna.demo.geography import COUNCIL_CODE
from jsna.demo.names import COUNCIL_NAME, OTHER_COUNCIL_NAMES, OTHER_LA_NUMBERS, OTHER_REGION_NAMES
from jsna.demo.pupils import PLAN, SUPPORT
from jsna.demo.schools import AP, LA_NUMBER, PRIMARY, SECONDARY, SPECIAL
from jsna.sources.ees import LA_LEVEL_COLUMNS

ENGLAND_CODE, ENGLAND_NAME = "E92000001", "England"
REGION_CODES = tuple(f"Z12{k + 1:06d}" for k in range(len(OTHER_REGION_NAMES)))
#: Leading columns of the SEN2 files, and of the school census files (``la_name`` before
#: ``old_la_code``).
SEN2_LEADING_COLUMNS = list(LA_LEVEL_COLUMNS)
LEADING_COLUMNS = [c for c in LA_LEVEL_COLUMNS if c != "old_la_code"] + ["old_la_code"]
#: Phase/type groupings: the four state-funded types, then types the demo council has none of.
PHASES = (
    "State-funded primary",
    "State-funded secondary",
    "State-funded special school",
    "State-funded AP school",
    "Non-maintained special school",
    "Independent school",
)
PHASE_OF_SCHOOL = {PRIMARY: PHASES[0], SECONDARY: PHASES[1], SPECIAL: PHASES[2], AP: PHASES[3]}
#: Fixed shares of pupils with an EHC plan / on SEN support in the types other than primary and
#: secondary (primary and secondary rates are solved so the area total hits its target).
_FIXED_PLAN_RATE = {PHASES[2]: 0.985, PHASES[3]: 0.17, PHASES[4]: 0.97, PHASES[5]: 0.07}
_FIXED_SUPPORT_RATE = {PHASES[2]: 0.012, PHASES[3]: 0.58, PHASES[4]: 0.02, PHASES[5]: 0.10}
CLOSENESS = ("Very close", "Close", "Somewhat close", "Not close")
SEN2_PER_SCHOOL_PLAN = 1.32  # SEN2 plans (ages 0-25) per school-census EHC plan, roughly


@dataclass(frozen=True)
class Council:
    """A fictional council: GSS-style code, name, DfE LA number and region."""

    code: str
    name: str
    la_number: int
    region_code: str
    region_name: str


def councils() -> list[Council]:
    """The fictional councils.

    Returns
    -------
    list of Council
        Demoton first, then 23 others: 11 more in "Demo Region" and 6 in each other region.
    """
    result = [
        Council(COUNCIL_CODE, COUNCIL_NAME, LA_NUMBER, REGION_CODES[0], OTHER_REGION_NAMES[0])
    ]
    for k, (name, number) in enumerate(zip(OTHER_COUNCIL_NAMES, OTHER_LA_NUMBERS, strict=True)):
        region = 0 if k < 11 else (1 if k < 17 else 2)
        result.append(
            Council(
                f"Z06{k + 2:06d}", name, number, REGION_CODES[region], OTHER_REGION_NAMES[region]
            )
        )
    return result


def choose_neighbours(rng: np.random.Generator) -> list[str]:
    """Demoton's ten statistical neighbours.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream.

    Returns
    -------
    list of str
        Council codes in neighbour order: six from Demoton's region, two from each other region.
    """
    others = councils()[1:]
    picks = []
    for region, k in zip(REGION_CODES, (6, 2, 2), strict=True):
        pool = [c.code for c in others if c.region_code == region]
        picks += list(rng.choice(pool, size=k, replace=False))
    return [str(code) for code in rng.permutation(picks)]


def time_period(year: int) -> str:
    """DfE academic-year period code for a January census year.

    Parameters
    ----------
    year : int
        Census year (January).

    Returns
    -------
    str
        For example ``"202425"`` for 2025.
    """
    return f"{year - 1}{year % 100:02d}"


def _percent(count: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Percentages to one decimal place (half up) as text, ``z`` when the total is zero."""
    count, total = np.asarray(count, dtype=float), np.asarray(total, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.floor(count / total * 1000 + 0.5) / 10
    text = np.char.mod("%.1f", np.nan_to_num(value))
    return np.where(total > 0, text, "z").astype(object)


def _suppress(count: np.ndarray, percent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Counts of 1 or 2 (and their percentages) become ``c``."""
    count = np.asarray(count)
    small = (count >= 1) & (count <= 2)
    return (
        np.where(small, "c", count.astype(str)).astype(object),
        np.where(small, "c", percent).astype(object),
    )


def _apportion(total: int, shares: np.ndarray) -> np.ndarray:
    """Integers summing to ``total`` in proportion to ``shares`` (largest remainder)."""
    shares = np.asarray(shares, dtype=float)
    if total <= 0 or shares.sum() <= 0:
        return np.zeros(len(shares), dtype=np.int64)
    exact = total * shares / shares.sum()
    base = np.floor(exact).astype(np.int64)
    remainder = exact - base
    extra = np.argsort(-remainder, kind="stable")[: total - base.sum()]
    base[extra] += 1
    return base


def _solve_phase_counts(
    pupils: dict[str, int], target: int, fixed: dict[str, float], secondary_ratio: float
) -> dict[str, int]:
    """Counts by phase adding up to ``target``: fixed rates for special, AP and independent
    schools, and one rate for primary (``secondary_ratio`` times it for secondary) for the rest."""
    counts = {p: round(pupils[p] * rate) for p, rate in fixed.items()}
    rest = target - sum(counts.values())
    weight = pupils[PHASES[0]] + secondary_ratio * pupils[PHASES[1]]
    rate = max(rest / weight, 0.0) if weight else 0.0
    counts[PHASES[0]] = round(pupils[PHASES[0]] * rate)
    counts[PHASES[1]] = max(target - sum(counts.values()), 0)
    return counts


def _need_shares(phase: str, plan: bool) -> np.ndarray:
    """England-like shares of primary need for a phase and SEN status."""
    codes = national.NEED_CODES
    share = np.array(
        [(national.EHCP_NEED_SHARE if plan else national.SEN_SUPPORT_NEED_SHARE)[c] for c in codes]
    )
    if phase in (PHASES[2], PHASES[4]):  # special schools: severe and complex needs
        boost = {
            "ASD": 1.2,
            "SLD": 2.5,
            "PMLD": 3.0,
            "PD": 1.3,
            "MSI": 2.0,
            "SLCN": 0.6,
            "SPLD": 0.1,
            "MLD": 1.1,
            "SEMH": 0.8,
        }
        share = share * np.array([boost.get(c, 1.0) for c in codes])
    elif phase == PHASES[3]:  # alternative provision: mostly SEMH
        share = share * np.array([5.0 if c == "SEMH" else 1.0 for c in codes])
    return share / share.sum()


class AreaCounts:
    """Counts for one area and year.

    Attributes
    ----------
    pupils, plan, support : dict of str to int
        Pupils, pupils with an EHC plan and pupils on SEN support by phase (``PHASES``).
    needs : dict of (str, int) to numpy.ndarray
        ``(phase, status)`` -> pupils by primary need (order of ``national.NEED_CODES``).
    """

    def __init__(
        self,
        pupils: dict[str, int],
        plan: dict[str, int],
        support: dict[str, int],
        needs: dict[tuple[str, int], np.ndarray],
    ):
        self.pupils, self.plan, self.support, self.needs = pupils, plan, support, needs

    @classmethod
    def invented(cls, pupils, plan_total, support_total, need_tilt) -> AreaCounts:
        plan = _solve_phase_counts(pupils, plan_total, _FIXED_PLAN_RATE, 1.1)
        support = _solve_phase_counts(pupils, support_total, _FIXED_SUPPORT_RATE, 0.9)
        needs = {}
        for phase in PHASES:
            for status, counts in ((PLAN, plan), (SUPPORT, support)):
                share = _need_shares(phase, status == PLAN) * need_tilt[status]
                needs[(phase, status)] = _apportion(counts[phase], share)
        return cls(pupils, plan, support, needs)

    @classmethod
    def summed(cls, parts: list[AreaCounts]) -> AreaCounts:
        return cls(
            {p: sum(a.pupils[p] for a in parts) for p in PHASES},
            {p: sum(a.plan[p] for a in parts) for p in PHASES},
            {p: sum(a.support[p] for a in parts) for p in PHASES},
            {key: sum(a.needs[key] for a in parts) for key in parts[0].needs},
        )


def council_counts(census: pd.DataFrame, schools: pd.DataFrame) -> AreaCounts:
    """Counts for the demo council from its clean census rows.

    Parameters
    ----------
    census : pandas.DataFrame
        One year of :attr:`jsna.demo.pupils.PupilModel.census` (one row per pupil on roll, which
        is what the written file gives after dropping ``S`` and ``G`` rows).
    schools : pandas.DataFrame
        Schools table (``Phase``).

    Returns
    -------
    AreaCounts
        Pupils, EHC plans, SEN support and primary needs by phase.
    """
    phase = schools["Phase"].map(PHASE_OF_SCHOOL).to_numpy()[census["school"].to_numpy()]
    sen, need = census["sen"].to_numpy(), census["need1"].to_numpy()
    pupils = {p: int((phase == p).sum()) for p in PHASES}
    plan = {p: int(((phase == p) & (sen == PLAN)).sum()) for p in PHASES}
    support = {p: int(((phase == p) & (sen == SUPPORT)).sum()) for p in PHASES}
    n_needs = len(national.NEED_CODES)
    needs = {
        (p, s): np.bincount(need[(phase == p) & (sen == s)], minlength=n_needs)
        for p in PHASES
        for s in (PLAN, SUPPORT)
    }
    return AreaCounts(pupils, plan, support, needs)


def _phase_pupils(
    total: int, year: int, special_factor: float, independent: float, has_nmss: bool
) -> dict[str, int]:
    """Pupils by phase for an area with ``total`` pupils."""
    special = national.series_value(national.SPECIAL_SCHOOL_PERCENT, year) / 100 * special_factor
    shares = {
        PHASES[2]: special,
        PHASES[3]: 0.0016,
        PHASES[4]: 0.0005 * has_nmss,
        PHASES[5]: independent,
    }
    secondary_share = (0.385 + 0.004 * (year - 2021)) * (1 - sum(shares.values()))
    shares[PHASES[1]] = secondary_share
    shares[PHASES[0]] = 1 - sum(shares.values())
    values = _apportion(total, np.array([shares[p] for p in PHASES]))
    return dict(zip(PHASES, values.tolist(), strict=True))


def build_comparators(
    rng: np.random.Generator,
    council_by_year: dict[int, AreaCounts],
    council_plans_sen2: dict[int, int],
    neighbours: list[str],
) -> dict[str, pd.DataFrame]:
    """All four comparator tables.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream.
    council_by_year : dict of int to AreaCounts
        The demo council's counts by census year (from :func:`council_counts`).
    council_plans_sen2 : dict of int to int
        The demo council's SEN2 EHC plan caseload by January year.
    neighbours : list of str
        Demoton's statistical neighbours in order.

    Returns
    -------
    dict of str to pandas.DataFrame
        Keys ``sen_phase_type``, ``sen_primary_need``, ``caseload``, ``statistical_neighbours``.
    """
    years = sorted(council_by_year)
    everyone = councils()
    others = everyone[1:]
    is_neighbour = {c.code: c.code in neighbours for c in others}
    n_needs = len(national.NEED_CODES)
    profile = {
        c.code: {
            "size": float(rng.uniform(18_000, 75_000)),
            "growth": float(rng.normal(0.003, 0.006)),
            "plan": float(np.exp(rng.normal(0, 0.08 if is_neighbour[c.code] else 0.16))),
            "support": float(np.exp(rng.normal(0, 0.07 if is_neighbour[c.code] else 0.13))),
            "special": float(np.exp(rng.normal(0, 0.2))),
            "independent": float(rng.uniform(0.02, 0.10)),
            "nmss": bool(rng.random() < 0.6),
            "sen2": float(rng.uniform(0.92, 1.08)),
            "tilt": {s: rng.gamma(60.0, 1 / 60.0, n_needs) for s in (PLAN, SUPPORT)},
        }
        for c in others
    }

    by_area: dict[tuple[int, str], AreaCounts] = {}
    for year in years:
        by_area[(year, COUNCIL_CODE)] = council_by_year[year]
        plan_pct = national.series_value(national.EHCP_PERCENT, year) / 100
        support_pct = national.series_value(national.SEN_SUPPORT_PERCENT, year) / 100
        for c in others:
            p = profile[c.code]
            total = round(p["size"] * (1 + p["growth"]) ** (year - years[0]))
            pupils = _phase_pupils(total, year, p["special"], p["independent"], p["nmss"])
            noise = rng.normal(1.0, 0.02, 2)
            by_area[(year, c.code)] = AreaCounts.invented(
                pupils,
                round(total * plan_pct * p["plan"] * noise[0]),
                round(total * support_pct * p["support"] * noise[1]),
                p["tilt"],
            )
        for region in REGION_CODES:
            members = [by_area[(year, c.code)] for c in everyone if c.region_code == region]
            by_area[(year, region)] = AreaCounts.summed(members)
        total = round(national.series_value(national.TOTAL_PUPILS, year))
        by_area[(year, ENGLAND_CODE)] = AreaCounts.invented(
            _phase_pupils(total, year, 1.0, 0.066, True),
            round(total * plan_pct),
            round(total * support_pct),
            {PLAN: np.ones(n_needs), SUPPORT: np.ones(n_needs)},
        )

    areas = _area_rows(everyone)
    tables = {
        "sen_phase_type": _phase_type_table(years, areas, by_area),
        "sen_primary_need": _primary_need_table(years, areas, by_area),
        "caseload": _caseload_table(years, everyone, by_area, council_plans_sen2, profile),
        "statistical_neighbours": _neighbour_table(rng, everyone, neighbours),
    }
    return tables


def _area_rows(everyone: list[Council]) -> list[dict[str, str]]:
    """Leading geography columns for England, each region and each council."""
    rows = [
        {
            "geographic_level": "National",
            "code": ENGLAND_CODE,
            "region_code": "",
            "region_name": "",
            "new_la_code": "",
            "la_name": "",
            "old_la_code": "",
        }
    ]
    for code, name in zip(REGION_CODES, OTHER_REGION_NAMES, strict=True):
        rows.append(
            {
                "geographic_level": "Regional",
                "code": code,
                "region_code": code,
                "region_name": name,
                "new_la_code": "",
                "la_name": "",
                "old_la_code": "",
            }
        )
    for c in everyone:
        rows.append(
            {
                "geographic_level": "Local authority",
                "code": c.code,
                "region_code": c.region_code,
                "region_name": c.region_name,
                "new_la_code": c.code,
                "la_name": c.name,
                "old_la_code": str(c.la_number),
            }
        )
    return rows


def _leading(year: int, area: dict[str, str], columns: list[str]) -> dict[str, str]:
    values = {
        "time_period": time_period(year),
        "time_identifier": "Academic year",
        "country_code": ENGLAND_CODE,
        "country_name": ENGLAND_NAME,
        **area,
    }
    return {column: values[column] for column in columns}


def _phase_type_table(years, areas, by_area) -> pd.DataFrame:
    records = []
    for year in years:
        for area in areas:
            counts = by_area[(year, area["code"])]
            for phase in ("Total", *PHASES):
                if phase == "Total":
                    pupils = sum(counts.pupils.values())
                    plan, support = sum(counts.plan.values()), sum(counts.support.values())
                else:
                    pupils, plan, support = (
                        counts.pupils[phase],
                        counts.plan[phase],
                        counts.support[phase],
                    )
                support_n, support_pc = _suppress(
                    np.array([support]), _percent([support], [pupils])
                )
                plan_n, plan_pc = _suppress(np.array([plan]), _percent([plan], [pupils]))
                any_n, any_pc = _suppress(
                    np.array([plan + support]), _percent([plan + support], [pupils])
                )
                records.append(
                    {
                        **_leading(year, area, LEADING_COLUMNS),
                        "phase_type_grouping": phase,
                        "total_pupils": str(pupils),
                        "sen_support": support_n[0],
                        "sen_support_percent": support_pc[0],
                        "ehc_plan": plan_n[0],
                        "ehc_plan_percent": plan_pc[0],
                        "any_sen": any_n[0],
                        "any_sen_percent": any_pc[0],
                    }
                )
    return pd.DataFrame.from_records(records)


def _primary_need_table(years, areas, by_area) -> pd.DataFrame:
    names = [national.NEED_NAMES[c] for c in national.NEED_CODES]
    n_needs = len(names)
    nsa = national.NEED_CODES.index("NSA")
    leading: list[dict[str, str]] = []
    blocks: list[tuple[str, str, np.ndarray, np.ndarray]] = []
    for year in years:
        for area in areas:
            counts = by_area[(year, area["code"])]
            for phase in ("Total", *PHASES):  # independent and non-maintained too, as DfE
                for status, label in ((SUPPORT, "SEN support"), (PLAN, "EHC plan")):
                    if phase == "Total":
                        number = sum(counts.needs[(p, status)] for p in PHASES)
                    else:
                        number = counts.needs[(phase, status)]
                    number = np.asarray(number, dtype=np.int64)
                    n_text, pc_text = _suppress(
                        number, _percent(number, np.full(n_needs, number.sum()))
                    )
                    if status == PLAN:  # no EHC plan has "no specialist assessment"
                        n_text[nsa], pc_text[nsa] = "z", "z"
                    leading.append(_leading(year, area, LEADING_COLUMNS))
                    blocks.append((phase, label, n_text, pc_text))
    frame = pd.DataFrame.from_records(leading).loc[np.repeat(np.arange(len(leading)), n_needs)]
    frame = frame.reset_index(drop=True)
    frame["phase_type_grouping"] = np.repeat([b[0] for b in blocks], n_needs)
    frame["sen_status"] = np.repeat([b[1] for b in blocks], n_needs)
    frame["primary_need"] = np.tile(names, len(blocks))
    frame["number_of_pupils"] = np.concatenate([b[2] for b in blocks])
    frame["percent_of_pupils"] = np.concatenate([b[3] for b in blocks])
    return frame


def _caseload_table(years, everyone, by_area, council_plans, profile) -> pd.DataFrame:
    records = []
    for year in years:
        plans = {COUNCIL_CODE: council_plans[year]}
        for c in everyone[1:]:
            in_schools = sum(by_area[(year, c.code)].plan.values())
            plans[c.code] = round(in_schools * SEN2_PER_SCHOOL_PLAN * profile[c.code]["sen2"])
        england = round(national.series_value(national.EHC_PLANS_SEN2, year))
        rows = [
            (
                {
                    "geographic_level": "National",
                    "region_code": "",
                    "region_name": "",
                    "new_la_code": "",
                    "old_la_code": "",
                    "la_name": "",
                },
                england,
            )
        ]
        for code, name in zip(REGION_CODES, OTHER_REGION_NAMES, strict=True):
            total = sum(plans[c.code] for c in everyone if c.region_code == code)
            rows.append(
                (
                    {
                        "geographic_level": "Regional",
                        "region_code": code,
                        "region_name": name,
                        "new_la_code": "",
                        "old_la_code": "",
                        "la_name": "",
                    },
                    total,
                )
            )
        for c in everyone:
            rows.append(
                (
                    {
                        "geographic_level": "Local authority",
                        "region_code": c.region_code,
                        "region_name": c.region_name,
                        "new_la_code": c.code,
                        "old_la_code": str(c.la_number),
                        "la_name": c.name,
                    },
                    plans[c.code],
                )
            )
        for area, value in rows:
            records.append(
                {
                    **_leading(year, area, SEN2_LEADING_COLUMNS),
                    "breakdown_topic": "All EHC plans",
                    "breakdown": "All EHC plans",
                    "ehcplans": str(value),
                }
            )
    return pd.DataFrame.from_records(records)


def _neighbour_table(rng, everyone: list[Council], neighbours: list[str]) -> pd.DataFrame:
    by_code = {c.code: c for c in everyone}
    records = []
    for c in everyone:
        if c.code == COUNCIL_CODE:
            chosen = neighbours
        else:
            pool = [o.code for o in everyone if o.code != c.code]
            chosen = [str(x) for x in rng.choice(pool, size=10, replace=False)]
        cut = np.sort(rng.integers(0, 11, 3))  # ranks where the band changes
        for rank, code in enumerate(chosen, start=1):
            band = CLOSENESS[int(np.searchsorted(cut, rank - 1, side="right"))]
            records.append(
                {
                    "la_code": c.code,
                    "la_name": c.name,
                    "sn_rank": str(rank),
                    "neighbour_code": code,
                    "neighbour_name": by_code[code].name,
                    "closeness": band,
                }
            )
    return pd.DataFrame.from_records(records)


# --------------------------------------------------------------------------- SEN2 activity files
#: England figures from DfE SEN2 "Education, health and care plans" 2025 (explore-education-
#: statistics, files requests.csv, assessments.csv, timeliness_20_week.csv; National rows,
#: breakdown "All ..."), calendar years. Requests outcomes other than "not to assess" and
#: assessments in year are published as ``x`` before the 2023 individual-level collection.
#: Plans issued in the year (denominator), including and excluding exception cases, and those
#: issued within 20 weeks: England 2024: 41,448 / 90,392 = 45.9% including exceptions,
#: 39,407 / 84,866 = 46.4% excluding them.
_SEN2_YEARS = (2019, 2020, 2021, 2022, 2023, 2024)
_ENGLAND_SEN2_TABLE: dict[str, tuple[int | None, ...]] = {
    # measure: England counts for the _SEN2_YEARS (None: not published)
    "requests_received_in_year": (82_329, 75_951, 93_302, 114_482, 138_242, 154_489),
    "requests_decided_not_to_assess": (18_755, 16_406, 20_830, 25_255, 33_141, 38_889),
    "requests_decided_to_assess": (None, None, None, None, 92_985, 101_045),
    "assess_in_year": (None, None, None, 73_040, 91_023, 105_340),
    "assess_issued": (53_899, 60_097, 62_180, 68_665, 85_924, 98_547),
    "assess_not_issued": (3_368, 3_122, 3_903, 4_199, 4_614, 6_404),
    "plans_issued_den": (53_327, 59_097, 61_269, 65_512, 80_945, 90_392),
    "plans_issued_den_ex": (49_519, 54_175, 57_196, 62_108, 76_506, 84_866),
    "plans_issued_within_20_weeks": (31_313, 32_863, 35_470, 31_226, 39_784, 41_448),
    "plans_issued_20_weeks_ex": (29_895, 31_446, 34_249, 30_536, 38_471, 39_407),
}
#: England SEN2 counts: measure -> {calendar year: count}, published years only.
ENGLAND_SEN2: dict[str, dict[int, int]] = {
    measure: {year: n for year, n in zip(_SEN2_YEARS, counts, strict=True) if n is not None}
    for measure, counts in _ENGLAND_SEN2_TABLE.items()
}
REQUESTS_TOPIC = "All requests for EHC needs assessments"
ASSESSMENTS_TOPIC = "All EHC needs assessments"
TIMELINESS_TOPIC = "All EHC plans issued"
#: Percentage points the demo council's 20-week rate sits below England, first year then added
#: each year after (worse than England and falling, as the seed reports describe).
COUNCIL_TIMELINESS_GAP = (6.0, 4.5)


def _series(values: dict[int, int], year: int) -> float:
    """A published England value, extrapolated from the last two years outside the range."""
    if year in values:
        return float(values[year])
    first, last = min(values), max(values)
    if year > last:
        step = values[last] - values.get(last - 1, values[last])
        return float(values[last] + step * (year - last))
    return float(values[first])


def _calendar_period(year: int) -> dict[str, str]:
    return {"time_period": str(year), "time_identifier": "Calendar year"}


def sen2_activity_tables(
    rng: np.random.Generator,
    caseload: pd.DataFrame,
    years: list[int],
    neighbours: list[str],
) -> dict[str, pd.DataFrame]:
    """SEN2 requests, assessments and 20-week timeliness in the published layouts.

    England is the published series (``ENGLAND_SEN2`` above); each council's size is its share of the
    England caseload in the latest January of ``caseload``; regions are the sums of their
    councils. The demo council's 20-week rate is below England's by a gap that widens each year.
    One neighbour did not return timeliness for one year, published as ``x``.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream (its own stream: these tables never move the other files).
    caseload : pandas.DataFrame
        The ``caseload`` comparator table (text, as written).
    years : list of int
        Calendar years (``time_period`` is the four-digit year).
    neighbours : list of str
        Demoton's statistical neighbours; the last one has an ``x`` year.

    Returns
    -------
    dict of str to pandas.DataFrame
        Keys ``requests``, ``assessments``, ``timeliness_20_week``.
    """
    everyone = councils()
    latest = caseload[caseload["time_period"] == caseload["time_period"].max()]
    plans = dict(zip(latest["new_la_code"], latest["ehcplans"].astype(int), strict=True))
    england_plans = int(latest.loc[latest["geographic_level"] == "National", "ehcplans"].iloc[0])
    n = len(everyone)
    share = np.array([plans[c.code] / england_plans for c in everyone])
    demand = np.exp(rng.normal(0, 0.12, n))  # councils with more or fewer requests per plan
    refusal = np.exp(rng.normal(0, 0.3, n))
    timely_gap = rng.normal(0, 13.0, n)  # percentage points from England, persistent
    timely_gap[0] = -COUNCIL_TIMELINESS_GAP[0]
    exception_keep = rng.uniform(0.2, 0.5, n)  # share of exception cases still within 20 weeks
    gap_years = np.arange(len(years))
    counts: dict[str, np.ndarray] = {}  # measure -> (year, council) integer array
    shape = (len(years), n)
    noise = rng.normal(1.0, 0.05, (4, *shape))
    scale = share * demand

    def england(measure: str) -> np.ndarray:
        """The England series of one measure over ``years``."""
        return np.array([_series(ENGLAND_SEN2[measure], y) for y in years])

    received = np.rint(england("requests_received_in_year")[:, None]
                       * scale * noise[0]).astype(np.int64)
    not_rate = (england("requests_decided_not_to_assess")
                / england("requests_received_in_year"))[:, None] * refusal
    not_assessed = np.rint(received * np.clip(not_rate * noise[1], 0.02, 0.7)).astype(np.int64)
    undecided = np.rint(received * 0.06 * noise[2]).astype(np.int64)
    counts["requests_received_in_year"] = received
    counts["requests_decided_not_to_assess"] = not_assessed
    counts["requests_decided_to_assess"] = np.maximum(received - not_assessed - undecided, 0)
    issued = np.rint(england("assess_issued")[:, None] * scale * noise[3]).astype(np.int64)
    not_issued_rate = (england("assess_not_issued") / england("assess_issued"))[:, None]
    counts["assess_issued"] = issued
    # councils differ persistently in how often an assessment ends without a plan (a child
    # generator, so that adding this left every other demo figure as it was)
    no_plan = np.exp(rng.spawn(1)[0].normal(0, 0.35, n))
    counts["assess_not_issued"] = np.rint(issued * not_issued_rate * no_plan).astype(np.int64)
    counts["assess_in_year"] = counts["assess_issued"] + counts["assess_not_issued"]
    den = np.rint(issued * (england("plans_issued_den")
                            / england("assess_issued"))[:, None]).astype(np.int64)
    den_ex = np.rint(den * (england("plans_issued_den_ex")
                            / england("plans_issued_den"))[:, None]).astype(np.int64)
    england_pc_ex = england("plans_issued_20_weeks_ex") / england("plans_issued_den_ex") * 100
    gap = np.broadcast_to(timely_gap, shape) + rng.normal(0, 4.0, shape)
    gap[:, 0] = -(COUNCIL_TIMELINESS_GAP[0] + COUNCIL_TIMELINESS_GAP[1] * gap_years)
    pc_ex = np.clip(england_pc_ex[:, None] + gap, 2.0, 99.0)
    within_ex = np.rint(den_ex * pc_ex / 100).astype(np.int64)
    within = within_ex + np.rint((den - den_ex) * exception_keep).astype(np.int64)
    counts["plans_issued_den"] = den
    counts["plans_issued_den_ex"] = den_ex
    counts["plans_issued_within_20_weeks"] = within
    counts["plans_issued_20_weeks_ex"] = within_ex

    # before the 2023 individual-level collection these were not published (x)
    first_year = {"requests_decided_to_assess": 2023, "assess_in_year": 2022}
    region_of = np.array([REGION_CODES.index(c.region_code) for c in everyone])
    areas = [("National", "", "", "", "", "")]
    areas += [("Regional", code, name, "", "", "")
              for code, name in zip(REGION_CODES, OTHER_REGION_NAMES, strict=True)]
    areas += [("Local authority", c.region_code, c.region_name, c.code, str(c.la_number), c.name)
              for c in everyone]

    def area_values(measure: str, k: int) -> np.ndarray:
        """Counts of one measure for every area row in year index ``k`` (float, nan = x)."""
        council = counts[measure][k].astype(float)
        regions = np.bincount(region_of, weights=council, minlength=len(REGION_CODES))
        year = years[k]
        known = year >= first_year.get(measure, 0)
        national = _series(ENGLAND_SEN2[measure], year) if known else np.nan
        values = np.concatenate([[national], regions, council])
        if not known:
            values[:] = np.nan
        return values

    missing = (len(years) > 1, 1 + len(REGION_CODES) + [c.code for c in everyone].index(
        neighbours[-1]))
    layouts = {
        "requests": (REQUESTS_TOPIC, [
            ("requests_received_in_year", None),
            ("requests_decided_to_assess", None),
            ("requests_decided_not_to_assess", None),
            ("request_assess_pc", ("requests_decided_to_assess", "requests_received_in_year")),
            ("request_not_assess_pc",
             ("requests_decided_not_to_assess", "requests_received_in_year")),
        ]),
        "assessments": (ASSESSMENTS_TOPIC, [
            ("assess_in_year", None),
            ("assess_issued", None),
            ("assess_issued_pc", ("assess_issued", "assess_in_year")),
            ("assess_not_issued", None),
            ("assess_not_issued_pc", ("assess_not_issued", "assess_in_year")),
        ]),
        "timeliness_20_week": (TIMELINESS_TOPIC, [
            ("plans_issued_den", None),
            ("plans_issued_den_ex", None),
            ("plans_issued_within_20_weeks", None),
            ("plans_issued_20_weeks_ex", None),
            ("pc_plans_issued_within_20_weeks",
             ("plans_issued_within_20_weeks", "plans_issued_den")),
            ("PC_plans_issued_20_weeks_ex", ("plans_issued_20_weeks_ex", "plans_issued_den_ex")),
        ]),
    }
    tables = {}
    for name, (topic, measures) in layouts.items():
        blocks = []
        for k, year in enumerate(years):
            block = pd.DataFrame(areas, columns=["geographic_level", "region_code", "region_name",
                                                 "new_la_code", "old_la_code", "la_name"])
            for key, value in {**_calendar_period(year), "country_code": ENGLAND_CODE,
                               "country_name": ENGLAND_NAME}.items():
                block[key] = value
            block = block[SEN2_LEADING_COLUMNS]
            block["breakdown_topic"] = topic
            block["breakdown"] = topic
            raw = {m: area_values(m, k) for m, _ in measures if _ is None}
            for measure, ratio in measures:
                if ratio is None:
                    values = raw[measure]
                    text = np.where(np.isfinite(values), np.char.mod(
                        "%d", np.nan_to_num(values).astype(np.int64)), "x")
                else:
                    top, bottom = raw[ratio[0]], raw[ratio[1]]
                    text = np.where(np.isfinite(top) & np.isfinite(bottom),
                                    _percent(np.nan_to_num(top), np.nan_to_num(bottom)), "x")
                text = text.astype(object)
                if name == "timeliness_20_week" and missing[0] and k == 1:
                    text[missing[1]] = "x"  # a neighbour that did not return this year
                block[measure] = text
            blocks.append(block)
        tables[name] = pd.concat(blocks, ignore_index=True)
    return tables
