"""Placement columns of the demo's SEN2 caseload file, in DfE's ``caseload.csv`` layout.

DfE's caseload file gives, beside ``ehcplans``, where the plans' children and young people are
placed: mainstream schools by type (with resourced provision and SEN units), special schools
(state, independent, non-maintained), alternative provision, further education, educated
elsewhere, non-maintained early years and not known, each with totals and percentages. The demo
adds these columns to its caseload table: on the "All EHC plans" rows each area's plans are
split by a multinomial draw on England's 2024/25 shares (every council with its own mix), and
the other breakdowns carry ``x`` (not available), as the demo publishes placements for all plans
only. DfE's symbols appear where DfE would use them: ``x`` for the columns the first release did
not collect (UKRLP providers, educated by parents, online providers), ``c`` for a small
council's suppressed alternative provision counts, ``low`` for a percentage rounding to zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: England, January 2025: the share of all EHC plans in each placement column DfE publishes
#: (the columns that add up to ``ehcplans``; totals and percentages are worked out from them)
SHARES: dict[str, float] = {
    "mainstream_la_maintained": 0.150, "mainstream_la_maintained_resourced_provision": 0.012,
    "mainstream_la_maintained_senunit": 0.008, "mainstream_academy": 0.215,
    "mainstream_academy_resourced_provision": 0.012, "mainstream_academy_senunit": 0.008,
    "mainstream_free_school": 0.012, "mainstream_free_school_resourced_provision": 0.001,
    "mainstream_free_school_senunit": 0.001, "mainstream_independent": 0.008,
    "special_la_maintained": 0.120, "special_academy_free": 0.130, "special_independent": 0.045,
    "special_non_maintained": 0.008, "ap_pru_academy": 0.004, "ap_pru_free_school": 0.001,
    "ap_pru_la_maintained": 0.003, "general_fe_tertiary_colleges": 0.110,
    "specialist_post_16_institutions": 0.012, "ukrlp_provider": 0.016,
    "elective_home_education": 0.012, "other_arrangements_la": 0.020,
    "other_arrangements_parents": 0.003, "online_provider": 0.002, "neet": 0.030,
    "other_placement_settings": 0.020, "nm_early_years": 0.010, "placement_unknown": 0.027,
}
MAINSTREAM = [c for c in SHARES if c.startswith("mainstream_")]
SPECIAL = ["special_la_maintained", "special_academy_free", "special_independent",
           "special_non_maintained"]
AP = ["ap_pru_academy", "ap_pru_free_school", "ap_pru_la_maintained"]
FE = ["general_fe_tertiary_colleges", "specialist_post_16_institutions", "ukrlp_provider"]
ELSEWHERE = ["elective_home_education", "other_arrangements_la", "other_arrangements_parents",
             "online_provider", "other_placement_settings", "neet"]
#: the columns DfE's first release (January 2019) did not collect
NOT_IN_FIRST_RELEASE = ("ukrlp_provider", "other_arrangements_parents", "online_provider")
#: column order after ``ehcplans``, as DfE publishes it
COLUMNS = [*MAINSTREAM, "mainstream_total", "mainstream_total_pc", *SPECIAL, "special_total",
           "special_total_pc", *AP, "ap_pru_total", "AP_PRU_total_pc", *FE, "fe_total",
           "fe_total_pc", *ELSEWHERE, "ed_elsewhere", "ed_elsewhere_pc", "nm_early_years",
           "nm_early_years_pc", "placement_unknown", "placement_unknown_pc"]
GROUPS = {"mainstream_total": MAINSTREAM, "special_total": SPECIAL, "ap_pru_total": AP,
          "fe_total": FE, "ed_elsewhere": ELSEWHERE, "nm_early_years": ["nm_early_years"],
          "placement_unknown": ["placement_unknown"]}
PERCENT = {"mainstream_total": "mainstream_total_pc", "special_total": "special_total_pc",
           "ap_pru_total": "AP_PRU_total_pc", "fe_total": "fe_total_pc",
           "ed_elsewhere": "ed_elsewhere_pc", "nm_early_years": "nm_early_years_pc",
           "placement_unknown": "placement_unknown_pc"}


def _percent(count: float, total: float) -> str:
    if total <= 0:
        return "z"
    value = 100 * count / total
    return "low" if 0 < value < 0.05 else f"{value:.1f}"


def add_placements(caseload: pd.DataFrame, rng: np.random.Generator,
                   suppressed_council: str) -> pd.DataFrame:
    """The caseload table with DfE's placement columns after ``ehcplans``.

    Parameters
    ----------
    caseload : DataFrame
        The demo's ``caseload`` comparator table (text cells, DfE's layout).
    rng : numpy.random.Generator
        The demo's own random stream for these columns.
    suppressed_council : str
        A council (``new_la_code``) whose latest alternative provision counts DfE suppressed.

    Returns
    -------
    DataFrame
        A copy with the placement columns, every cell as text.
    """
    out = caseload.copy()
    shares = np.array(list(SHARES.values()))
    shares = shares / shares.sum()
    first, latest = out["time_period"].min(), out["time_period"].max()
    cells: dict[str, list[str]] = {column: [] for column in COLUMNS}
    for _, row in out.iterrows():
        if row["breakdown_topic"] != "All EHC plans" or not str(row["ehcplans"]).isdigit():
            for column in COLUMNS:
                cells[column].append("x")
            continue
        plans = int(row["ehcplans"])
        mix = rng.dirichlet(shares * 400)  # every area its own mix around England's
        counts = dict(zip(SHARES, rng.multinomial(plans, mix), strict=True))
        text = {column: str(int(n)) for column, n in counts.items()}
        for total, parts in GROUPS.items():
            if len(parts) > 1 or total not in text:
                text[total] = str(int(sum(counts[p] for p in parts)))
            text[PERCENT[total]] = _percent(float(text[total]), plans)
        if row["time_period"] == first:
            text |= {column: "x" for column in NOT_IN_FIRST_RELEASE}
        if row["time_period"] == latest and row["new_la_code"] == suppressed_council:
            text |= {column: "c" for column in [*AP, "ap_pru_total", "AP_PRU_total_pc"]}
        for column in COLUMNS:
            cells[column].append(text[column])
    at = list(out.columns).index("ehcplans") + 1
    for offset, column in enumerate(COLUMNS):
        out.insert(at + offset, column, cells[column])
    return out
