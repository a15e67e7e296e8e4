"""Resident pupils by home ward and by deprivation decile: counts, indicator rows, funnel positions.

From the cleaned census (resident pupils of one January census, with ``ward_code``,
``imd_decile`` and ``sen_provision``) to

* the ward table (:func:`ward_counts`: every ward, "Ward not known" and the council total) and the
  deprivation table (:func:`decile_counts`: deciles 1 to 10, "Not known" and all resident pupils),
  which :func:`jsna.indicator_disclosure.protect_ward_tables` protects together;
* the rows of the long indicator table taken from the *protected* tables (:func:`indicator_rows`);
* each ward's position on the funnel plot around the council average (:func:`add_funnel_positions`,
  after the indicator pipeline), and the ratio of the most to the least deprived fifth
  (:func:`fifth_ratio`), both from published rows only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.errors import JsnaInputError
from jsna.indicators.table import SUPPRESSED
from jsna.stats.funnel import funnel_position

UNKNOWN_WARD = "Ward not known"
UNKNOWN_DECILE = "Not known"
ALL_RESIDENT = "All resident pupils"

#: Count columns of the ward and deprivation tables.
PUPILS, SUPPORT, PLAN, SEN, NO_SEN = ("Resident pupils", "SEN support", "EHC plan", "SEN",
                                      "No SEN")
COUNTS = [PUPILS, SUPPORT, PLAN, SEN, NO_SEN]

#: indicator id -> the count column it is the percentage of (of all resident pupils).
INDICATOR_COUNTS: dict[str, str] = {
    "resident_pupils_sen_percent": SEN,
    "resident_pupils_sen_support_percent": SUPPORT,
    "resident_pupils_ehc_plan_percent": PLAN,
}

#: The breakdown of the ward rows and of the council's headline row.
ALL_PUPILS = "All pupils"
UNKNOWN_DECILE_BREAKDOWN = "IMD decile not known"


def unknown_ward_code(council_code: str) -> str:
    """Pseudo code of the "Ward not known" row, after the ONS Postcode Directory convention.

    ONSPD codes a missing geography as the country letter followed by ``99999999`` (``E99999999``
    in England); the demo council's ``Z`` codes give ``Z99999999``.

    Examples
    --------
    >>> unknown_ward_code("E06000001")
    'E99999999'
    """
    return f"{council_code[:1]}99999999"


def decile_label(decile: int) -> str:
    """Breakdown label of an IMD decile in the long indicator table.

    Examples
    --------
    >>> decile_label(1), decile_label(5)
    ('IMD decile 1 (most deprived)', 'IMD decile 5')
    """
    suffix = {1: " (most deprived)", 10: " (least deprived)"}.get(decile, "")
    return f"IMD decile {decile}{suffix}"


def provision_counts(frame: pd.DataFrame, by: pd.Series) -> pd.DataFrame:
    """Resident pupils, SEN support, EHC plan, SEN and no SEN by the groups in ``by``.

    A pupil whose SEN provision is not known (blank or unrecognised in the census, kept by the
    cleaner) counts among the resident pupils but in neither SEN column, as in DfE's totals.

    Parameters
    ----------
    frame : DataFrame
        Pupils (``sen_provision``: ``E`` EHC plan, ``K`` SEN support).
    by : Series
        The group of each pupil (same index as ``frame``; missing groups are a group).

    Returns
    -------
    DataFrame
        One row per group (sorted), the columns :data:`COUNTS`.
    """
    provision = frame["sen_provision"].astype("string").fillna("")
    counts = pd.DataFrame({
        PUPILS: 1,
        SUPPORT: (provision == "K").astype(int).to_numpy(),
        PLAN: (provision == "E").astype(int).to_numpy(),
    }, index=frame.index).groupby(by.to_numpy(), dropna=False).sum()
    counts[SEN] = counts[SUPPORT] + counts[PLAN]
    counts[NO_SEN] = counts[PUPILS] - counts[SEN]
    return counts[COUNTS]


def resident_pupils(pupils: pd.DataFrame, year: int) -> pd.DataFrame:
    """Resident pupils of one census.

    Raises
    ------
    JsnaInputError
        When the census of ``year`` has no resident pupil.
    """
    chosen = pupils[(pupils["census_year"] == year) & pupils["resident"].astype(bool)]
    if chosen.empty:
        raise JsnaInputError(
            f"cleaned census: no resident pupils in the January {year} census (column "
            "'resident'); check inputs.postcode_lookup and the area code"
        )
    return chosen


def ward_counts(residents: pd.DataFrame, wards: pd.DataFrame, council_code: str,
                council_name: str) -> pd.DataFrame:
    """Counts by home ward, a "Ward not known" row and the council total.

    Parameters
    ----------
    residents : DataFrame
        Resident pupils of one census (``ward_code``, ``sen_provision``).
    wards : DataFrame
        ``code, name`` of the council's wards (every ward is listed, with zeros if nobody
        lives there). A ward code in the census but not here is kept, named by its code.
    council_code, council_name : str
        The council.

    Returns
    -------
    DataFrame
        ``area_code, area_name, area_type`` and the count columns; wards by name, then
        "Ward not known" (always present, possibly zero), then the council total.
    """
    ward = residents["ward_code"].astype("string")
    counts = provision_counts(residents, ward.fillna("__unknown__"))
    names = dict(zip(wards["code"], wards["name"], strict=True))
    codes = list(wards["code"]) + sorted(c for c in counts.index
                                         if c not in names and c != "__unknown__")
    table = counts.reindex(codes, fill_value=0).reset_index(names="area_code")
    table.insert(1, "area_name", [names.get(c, c) for c in codes])
    table = table.sort_values(["area_name", "area_code"], kind="stable")
    unknown = counts.reindex(["__unknown__"], fill_value=0).reset_index(drop=True)
    unknown.insert(0, "area_code", unknown_ward_code(council_code))
    unknown.insert(1, "area_name", UNKNOWN_WARD)
    total = counts.sum().to_frame().T.astype(int)
    total.insert(0, "area_code", council_code)
    total.insert(1, "area_name", council_name)
    out = pd.concat([table, unknown, total], ignore_index=True)
    out.insert(2, "area_type", ["Ward"] * (len(out) - 1) + ["Local authority"])
    return out


def decile_counts(residents: pd.DataFrame) -> pd.DataFrame:
    """Counts by IMD decile of the home LSOA (1..10), "Not known" and all resident pupils.

    Returns
    -------
    DataFrame
        ``decile`` (1..10, missing for the last two rows), ``IMD decile`` (label) and the count
        columns.

    Raises
    ------
    JsnaInputError
        When a decile is not a whole number from 1 to 10 (naming the row).
    """
    decile = pd.to_numeric(residents["imd_decile"], errors="coerce")
    bad = decile.notna() & ~decile.isin(range(1, 11))
    if bad.any():
        raise JsnaInputError(
            f"cleaned census: imd_decile {float(decile[bad].iloc[0]):g} in row "
            f"{decile[bad].index[0]!r} is not a decile from 1 to 10"
        )
    counts = provision_counts(residents, decile.fillna(0).astype(int))
    table = counts.reindex(range(1, 11), fill_value=0).reset_index(names="decile")
    labels = [str(d) + {1: " (most deprived)", 10: " (least deprived)"}.get(d, "")
              for d in range(1, 11)]
    table.insert(1, "IMD decile", labels)
    unknown = counts.reindex([0], fill_value=0).reset_index(drop=True)
    unknown.insert(0, "decile", np.nan)
    unknown.insert(1, "IMD decile", UNKNOWN_DECILE)
    total = counts.sum().to_frame().T.astype(int)
    total.insert(0, "decile", np.nan)
    total.insert(1, "IMD decile", ALL_RESIDENT)
    return pd.concat([table, unknown, total], ignore_index=True)


def unknown_rows_match(residents: pd.DataFrame) -> bool:
    """Whether "Ward not known" and decile "Not known" are the same pupils (so the disclosure
    step declares them as the same cells)."""
    return bool((residents["ward_code"].isna()
                 == pd.to_numeric(residents["imd_decile"], errors="coerce").isna()).all())


def decile_breakdown(decile: float) -> str:
    """Breakdown of a row of the deprivation table in the long indicator table (a missing
    decile is the "not known" row)."""
    return decile_label(int(decile)) if pd.notna(decile) else UNKNOWN_DECILE_BREAKDOWN


def indicator_rows(wards: pd.DataFrame, deciles: pd.DataFrame, council_code: str,
                   council_name: str, period: str) -> pd.DataFrame:
    """Long indicator rows (count, denominator) from the *protected* tables.

    Wards (and the council) have the breakdown "All pupils"; the council's deciles and "not
    known" have one breakdown each. A row whose count or denominator was hidden carries
    ``note = "[c]"`` and a missing count or denominator, so nothing downstream can compute its
    value.
    """
    decile_rows = deciles[deciles["IMD decile"] != ALL_RESIDENT]
    breakdowns = [decile_breakdown(d) for d in decile_rows["decile"]]
    places = pd.concat([
        wards[["area_code", "area_name", "area_type", *COUNTS]].assign(breakdown=ALL_PUPILS),
        decile_rows[COUNTS].assign(area_code=council_code, area_name=council_name,
                                   area_type="Local authority", breakdown=breakdowns),
    ], ignore_index=True)
    parts = []
    for indicator, column in INDICATOR_COUNTS.items():
        part = places[["area_code", "area_name", "area_type", "breakdown"]].copy()
        part["indicator_id"] = indicator
        part["period"] = period
        part["count"] = places[column].to_numpy(dtype=float)
        part["denominator"] = places[PUPILS].to_numpy(dtype=float)
        hidden = part["count"].isna() | part["denominator"].isna()
        part["note"] = np.where(hidden, SUPPRESSED, "")
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def add_funnel_positions(indicators: pd.DataFrame, council_code: str) -> pd.DataFrame:
    """``funnel`` column: each ward's position against the council average of its indicator.

    The benchmark is the council row's count / denominator (all resident pupils, including those
    whose ward is not known); suppressed wards are ``"[c]"``, the council ``"Benchmark"`` and the
    "Ward not known" row (and a ward with no resident pupil) ``"Not compared"``. Positions are
    those of :func:`jsna.stats.funnel.funnel_position` (OHID 95% and 99.8% limits).
    """
    out = indicators.copy()
    out["funnel"] = ""
    for indicator in INDICATOR_COUNTS:
        rows = (out["indicator_id"] == indicator) & (out["breakdown"] == ALL_PUPILS)
        council = out[rows & (out["area_code"] == council_code)
                      & (out["area_type"] == "Local authority")]
        wards = rows & (out["area_type"] == "Ward")
        real = wards & (out["area_code"] != unknown_ward_code(council_code))
        if (council.empty or pd.isna(council["count"].iloc[0])
                or not council["denominator"].iloc[0] > 0):  # hidden (missing) or no pupils
            out.loc[wards, "funnel"] = "Not compared"
            continue
        p0 = float(council["count"].iloc[0] / council["denominator"].iloc[0])
        positions = funnel_position(out.loc[real, "count"], out.loc[real, "denominator"], p0)
        out.loc[real, "funnel"] = positions
        out.loc[wards & ~real, "funnel"] = "Not compared"
        out.loc[council.index, "funnel"] = "Benchmark"
    out.loc[out["note"] == SUPPRESSED, "funnel"] = SUPPRESSED
    out.loc[(out["funnel"] == "Not plotted") & (out["denominator"] == 0), "funnel"] = (
        "Not compared")
    return out


def fifth_ratio(indicators: pd.DataFrame, indicator: str, council_code: str
                ) -> tuple[float, float, float] | None:
    """Most deprived fifth (deciles 1-2) vs least deprived fifth (deciles 9-10).

    Computed from published counts only: ``None`` when any of the four deciles is suppressed or
    the least deprived fifth has no case.

    Returns
    -------
    (float, float, float) or None
        Percentage in the most deprived fifth, in the least deprived fifth, and their ratio.
    """
    rows = indicators[(indicators["indicator_id"] == indicator)
                      & (indicators["area_code"] == council_code)
                      & (indicators["area_type"] == "Local authority")].set_index("breakdown")
    most = rows.reindex([decile_label(1), decile_label(2)])
    least = rows.reindex([decile_label(9), decile_label(10)])
    both = pd.concat([most, least])
    if both["count"].isna().any() or both["denominator"].isna().any():
        return None
    if most["denominator"].sum() == 0 or least["denominator"].sum() == 0:
        return None
    high = 100 * most["count"].sum() / most["denominator"].sum()
    low = 100 * least["count"].sum() / least["denominator"].sum()
    if low == 0:
        return None
    return float(high), float(low), float(high / low)
