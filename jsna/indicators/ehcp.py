"""EHC plans, requests, assessments and 20-week timeliness from DfE's SEN2 files.

Every area's indicator rows (count, denominator, published symbol) from the SEN2 files
(:func:`published_rates`); the EHC plans a council maintained each January, through a
reorganisation (:func:`council_plans`, :func:`caseload_plans`), their growth index
(:func:`growth_index`) and rate per 10,000 residents aged 0 to 25 (:func:`plans_per_10000`); and the
council's rank among its statistical neighbours for timeliness (:func:`timeliness_ranks`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.errors import JsnaInputError
from jsna.indicators.table import SUPPRESSED
from jsna.sources.common import sniff_text_file
from jsna.sources.ees import read_ees_wide
from jsna.sources.la_codes import (
    CODE_CHANGES,
    area_name,
    canonical_code,
    current_codes,
    harmonise_la_codes,
)
from jsna.sources.ons import read_population
from jsna.stats import Benchmarks, neighbour_ranks

POLARITY_TIMELY = "High is good"

#: indicator id -> (file key, count measure, denominator measure, label)
INDICATORS: dict[str, tuple[str, str, str, str]] = {
    "ehcp_issued_20_weeks_ex_percent": (
        "ehcp_timeliness", "plans_issued_20_weeks_ex", "plans_issued_den_ex",
        "New EHC plans issued within 20 weeks, excluding exceptions (%)",
    ),
    "ehcp_issued_20_weeks_percent": (
        "ehcp_timeliness", "plans_issued_within_20_weeks", "plans_issued_den",
        "New EHC plans issued within 20 weeks, including exceptions (%)",
    ),
    "ehcp_requests_not_assessed_percent": (
        "ehcp_requests", "requests_decided_not_to_assess", "requests_received_in_year",
        "Requests for an EHC needs assessment the council decided not to assess (%)",
    ),
    "ehcp_requests_assessed_percent": (
        "ehcp_requests", "requests_decided_to_assess", "requests_received_in_year",
        "Requests for an EHC needs assessment the council decided to assess (%)",
    ),
    # DfE's own percentage: out of all assessments in the year, including those still undecided
    # or withdrawn (total first published for 2022)
    "ehcp_assessments_no_plan_percent": (
        "ehcp_assessments", "assess_not_issued", "assess_in_year",
        "EHC needs assessments that ended in a decision not to issue a plan (%)",
    ),
}
TIMELINESS = ("ehcp_issued_20_weeks_ex_percent", "ehcp_issued_20_weeks_percent")
REQUESTS = ("ehcp_requests_not_assessed_percent", "ehcp_requests_assessed_percent")
ASSESSMENTS = ("ehcp_assessments_no_plan_percent",)
#: indicator id -> DfE's own percentage column: its symbol is shown where no percentage can be
#: calculated from the published count and denominator (e.g. no plans issued: ``0`` and ``x``)
DFE_PERCENT: dict[str, str] = {
    "ehcp_issued_20_weeks_ex_percent": "PC_plans_issued_20_weeks_ex",
    "ehcp_issued_20_weeks_percent": "pc_plans_issued_within_20_weeks",
    "ehcp_requests_not_assessed_percent": "request_not_assess_pc",
    "ehcp_requests_assessed_percent": "request_assess_pc",
    "ehcp_assessments_no_plan_percent": "assess_not_issued_pc",
}


def published_rates(files: Mapping[str, Path], indicators: tuple[str, ...]) -> pd.DataFrame:
    """Indicator rows (count, denominator, note) for every area in the SEN2 files.

    Parameters
    ----------
    files : mapping of str to Path
        The SEN2 files by comparator key (``ehcp_timeliness``, ``ehcp_requests``,
        ``ehcp_assessments``), at least those the ``indicators`` are read from.
    indicators : tuple of str
        Keys of :data:`INDICATORS`.

    Returns
    -------
    DataFrame
        ``indicator_id, area_code, area_name, area_type, period, breakdown, count, denominator,
        note``; a published symbol (``[x]``) on the count or denominator is kept in ``note``.
    """
    parts = []
    for indicator in indicators:
        file_key, count, denominator, _ = INDICATORS[indicator]
        path = files[file_key]
        percent_column = DFE_PERCENT[indicator]
        measures = [count, denominator]
        if percent_column in _header(path):
            measures.append(percent_column)
        wide = read_ees_wide(path, measures=measures)
        wide = wide[wide["breakdown"] == wide["breakdown_topic"]]  # the "All ..." rows
        part = wide[["area_code", "area_name", "area_type", "period"]].copy()
        part["indicator_id"] = indicator
        part["breakdown"] = "All"
        part["count"] = wide[count]
        part["denominator"] = wide[denominator]
        part["note"] = wide[f"{count}_note"].where(wide[f"{count}_note"] != "",
                                                   wide[f"{denominator}_note"])
        if percent_column in measures:
            # nothing to divide by: DfE's own symbol for its percentage, never our message
            uncalculable = (part["note"] == "") & ~(part["denominator"] > 0)
            part.loc[uncalculable, "note"] = wide.loc[uncalculable, f"{percent_column}_note"]
        parts.append(part)
    rows = pd.concat(parts, ignore_index=True)
    rows.attrs["path"] = str(files[INDICATORS[indicators[0]][0]])
    return rows


def _header(path: Path) -> list[str]:
    """Column names of a CSV, decoded as every CSV is (:func:`~jsna.sources.common.sniff_text_file`);
    none when it cannot be read (the reader that follows then says why, naming the file)."""
    try:
        return sniff_text_file(path).headings
    except JsnaInputError:
        return []


def council_plans(wide: pd.DataFrame, council: str, name: str) -> tuple[pd.Series, str]:
    """EHC plans maintained by a council in each January, through a reorganisation if needed.

    A council created by a merger (BCP and Dorset in April 2019) has no row of its own for the
    Januaries before it existed. Those Januaries are the sum of its predecessors' plans when the
    file holds every predecessor (the merger rule of :mod:`jsna.sources.la_codes` is exact);
    otherwise (e.g. BCP: DfE files have Bournemouth and Poole but no Christchurch) they are left
    empty, because a partial sum is not the same area.

    Parameters
    ----------
    wide : DataFrame
        The caseload file's "All EHC plans" rows (:func:`~jsna.sources.ees.read_ees_wide`
        with ``ehcplans``), codes current.
    council : str
        The council's current code.
    name : str
        The council's name, for the note.

    Returns
    -------
    (Series, str)
        Plans by period (NaN for a January the council did not exist in), and a sentence for
        the table note saying how the Januaries before the council existed were treated
        (``""`` when every January has the council's own row).
    """
    own = wide[wide["area_code"] == council].set_index("period")["ehcplans"]
    changes = [c for c in CODE_CHANGES if c.successor == council and c.kind == "merger"]
    earlier = wide[wide["area_code"].isin({p for c in changes for p in c.predecessors})
                   & ~wide["period"].isin(own.index)]
    if earlier.empty:
        return own.groupby(level=0).first(), ""
    derived, _ = harmonise_la_codes(
        pd.concat([wide[wide["area_code"] == council], earlier]), additive_measures=["*"],
        sum_columns=("ehcplans",), note_column="ehcplans_note")
    derived = derived[(derived["area_code"] == council) & (derived["harmonised"] != "")]
    exact = derived[derived["harmonised"].str.contains("; exact:", regex=False)]
    plans = pd.concat([own, exact.set_index("period")["ehcplans"]]).groupby(level=0).first()
    predecessors = sorted(set(earlier["area_name"]))
    years = ", ".join(sorted(f"January {p[:2]}{p[-2:]}" for p in set(earlier["period"])))
    if not exact.empty:
        return plans, (f"{name} was formed from {', '.join(predecessors)}: {years} is the sum "
                       "of their plans as published by DfE (the same area).")
    reasons = []
    for change in changes:
        present = set(earlier["area_code"]) & set(change.predecessors)
        if not present:
            continue
        missing = [c for c in change.predecessors if c not in present]
        reasons.append(change.note if not change.exact else
                       f"no row for {', '.join(area_name(c) or c for c in missing)}")
    why = "; ".join(reasons)
    return plans, (f"{name} was formed in April {changes[0].year}; DfE's {years} figures for "
                   f"{' and '.join(predecessors)} do not cover the same area ({why}), so "
                   f"{name} has no figure for {years}.")


def plans_per_10000(population_path: str | Path, council_code: str, plans: pd.Series,
                    hidden: np.ndarray, periods: pd.Index) -> list:
    """EHC plans in January per 10,000 residents aged 0 to 25 at the previous mid-year.

    Parameters
    ----------
    population_path : str or Path
        ONS mid-year estimates by single year of age (:func:`jsna.sources.ons.read_population`).
    council_code : str
        The council (old or current code, as the SEN2 files).
    plans : Series
        The council's disclosure-controlled plans, one value per January in ``periods``
        ("2024/25" -> January 2025 -> mid-2024 estimate); missing where hidden.
    hidden : array of bool
        Which of ``plans`` disclosure control hid.
    periods : Index
        The periods of ``plans``.

    Returns
    -------
    list
        The rate, or ``[c]`` for a hidden count and ``[x]`` for a year without an estimate.
    """
    population = read_population(population_path)
    council = canonical_code(council_code)
    population = population[(current_codes(population["area_code"]) == council)
                            & (population["sex"] == "Persons") & (population["age"] <= 25)]
    aged_0_to_25 = population.groupby("year")["population"].sum()
    mid_year = pd.Series([int(p[:4]) for p in periods])
    denominator = mid_year.map(aged_0_to_25).to_numpy(dtype=float)
    count = pd.to_numeric(plans, errors="coerce").to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = count / denominator * 10_000
    return [(SUPPRESSED if h else "[x]") if not np.isfinite(r) else float(r)
            for r, h in zip(rate, np.asarray(hidden, dtype=bool), strict=True)]


def caseload_plans(path: str | Path, council: str, council_name: str, region: str
                   ) -> tuple[pd.DataFrame, str]:
    """EHC plans maintained in January by the council, its region and England.

    Parameters
    ----------
    path : str or Path
        DfE's caseload file (``ehcplans``; the "All EHC plans" rows are used).
    council, region : str
        Current codes of the council and its region.
    council_name : str
        The council's name, for the note of :func:`council_plans`.

    Returns
    -------
    (DataFrame, str)
        Plans by period (rows, sorted) and area code (columns: council, region, England), the
        council's through a reorganisation where the file allows it; and the note of
        :func:`council_plans`.
    """
    wide = read_ees_wide(path, measures=["ehcplans"])
    wide = wide[wide["breakdown"] == wide["breakdown_topic"]]
    mine, history = council_plans(wide, council, council_name)
    codes = [council, region, "E92000001"]
    plans = wide[wide["area_code"].isin(codes)].pivot_table(
        index="period", columns="area_code", values="ehcplans", aggfunc="first")
    plans[council] = mine
    return plans.reindex(columns=codes).sort_index(), history


def growth_index(values: pd.Series, base_at: int) -> pd.Series:
    """Each value divided by the value at position ``base_at``, times 100.

    Missing throughout when the base is missing (hidden) or not positive.

    Examples
    --------
    >>> growth_index(pd.Series([200.0, 250.0, None]), 0).tolist()
    [100.0, 125.0, nan]
    """
    base = values.iloc[base_at]
    return values / base * 100 if pd.notna(base) and base > 0 else values * np.nan


def timeliness_ranks(timely: pd.DataFrame, council: str, region: str,
                     neighbours: list[str]) -> pd.DataFrame:
    """The council's and each neighbour's rank for the timeliness indicators (1 = the highest
    percentage of plans issued within 20 weeks), among those with a value.

    Returns
    -------
    DataFrame
        ``indicator_id, period, breakdown, area_code, rank, out_of``
        (:func:`jsna.stats.neighbour_ranks`).
    """
    return neighbour_ranks(timely, Benchmarks(council, region, tuple(neighbours)),
                           POLARITY_TIMELY)
