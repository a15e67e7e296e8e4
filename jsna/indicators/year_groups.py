"""Pupils in the council's schools by National Curriculum year group and SEN provision.

One census's table of counts (:func:`year_group_counts`), protected by
:func:`jsna.indicator_disclosure.protect_year_group_table` before the population chapter shows it.
Its total row is the count of the council's prevalence indicators.
"""

from __future__ import annotations

import pandas as pd

#: National Curriculum year groups in school order (nursery to year 14).
NC_YEAR_ORDER = ["N1", "N2", "R", *[str(n) for n in range(1, 15)]]
UNKNOWN_YEAR_GROUP = "not known"
ALL_YEAR_GROUPS = "All year groups"
PUPILS, SUPPORT, PLAN = "Pupils", "SEN support", "EHC plan"
COUNTS = [PUPILS, SUPPORT, PLAN]


def year_group_name(code: str) -> str:
    """Name of a year group code as the table shows it.

    Examples
    --------
    >>> year_group_name("R"), year_group_name("7"), year_group_name(UNKNOWN_YEAR_GROUP)
    ('Reception', 'Year 7', 'Year group not known')
    """
    names = {"N1": "Nursery 1", "N2": "Nursery 2", "R": "Reception",
             UNKNOWN_YEAR_GROUP: "Year group not known"}
    return names.get(code, f"Year {code}")


def year_group_counts(pupils: pd.DataFrame, year: int) -> pd.DataFrame:
    """Pupils, SEN support and EHC plans by year group in one census, with the total row.

    A year group or provision the census left blank (kept by the cleaner) is still a pupil: a
    blank year group is "Year group not known"; a blank provision counts among the pupils only.

    Parameters
    ----------
    pupils : DataFrame
        Cleaned census (``census_year``, ``nc_year``, ``sen_provision``).
    year : int
        The census.

    Returns
    -------
    DataFrame
        ``Year group`` (name), ``Pupils``, ``SEN support``, ``EHC plan``: year groups present in
        school order (unexpected codes after them), then "All year groups".
    """
    latest = pupils[pupils["census_year"] == year]
    counts = pd.crosstab(latest["nc_year"].astype(object).fillna(UNKNOWN_YEAR_GROUP),
                         latest["sen_provision"].astype(object).fillna(""))
    for provision in ("E", "K", "N"):
        if provision not in counts:
            counts[provision] = 0
    counts = counts.reindex([y for y in NC_YEAR_ORDER if y in counts.index] +
                            [y for y in counts.index if y not in NC_YEAR_ORDER])
    frame = pd.DataFrame(
        {
            "Year group": [year_group_name(y) for y in counts.index],
            PUPILS: counts.sum(axis=1).to_numpy(),
            SUPPORT: counts["K"].to_numpy(),
            PLAN: counts["E"].to_numpy(),
        }
    )
    total = pd.DataFrame({"Year group": [ALL_YEAR_GROUPS], PUPILS: [frame[PUPILS].sum()],
                          SUPPORT: [frame[SUPPORT].sum()], PLAN: [frame[PLAN].sum()]})
    return pd.concat([frame, total], ignore_index=True)
