"""England reference figures the demo council is calibrated to.

Percentages are the published England headline figures from the DfE "Special educational needs in
England" release (as carried by the DfE Local Authority Interactive Tool, measures ``SEN_TotStat``
and ``SEN_TotSENSuP``) and the "Schools, pupils and their characteristics" release (free school
meals). EHC plan caseloads are the DfE SEN2 "Education, health and care plans" January totals.
Pupil totals are rounded approximations of the all-schools totals. Years outside the published
range are extrapolated linearly so the generator works for any ``last_year``.
"""

from __future__ import annotations

# The DfE primary need codes, in the order used throughout the demo, and their names.
from jsna.sen_need_codes import NEED_CODES, NEED_NAMES  # noqa: F401 - part of this module's interface

#: % of all pupils with an EHC plan (or statement), January census year.
EHCP_PERCENT: dict[int, float] = {
    2016: 2.8,
    2017: 2.8,
    2018: 2.9,
    2019: 3.1,
    2020: 3.3,
    2021: 3.7,
    2022: 4.0,
    2023: 4.3,
    2024: 4.8,
    2025: 5.3,
}
#: % of all pupils on SEN support.
SEN_SUPPORT_PERCENT: dict[int, float] = {
    2016: 11.6,
    2017: 11.6,
    2018: 11.7,
    2019: 11.9,
    2020: 12.1,
    2021: 12.2,
    2022: 12.6,
    2023: 13.0,
    2024: 13.6,
    2025: 14.2,
}
#: % of pupils known to be eligible for free school meals.
FSM_PERCENT: dict[int, float] = {
    2016: 14.3,
    2017: 14.0,
    2018: 13.6,
    2019: 15.4,
    2020: 17.3,
    2021: 20.8,
    2022: 22.5,
    2023: 23.8,
    2024: 24.6,
    2025: 25.7,
}
#: % of all pupils on roll in state-funded special schools.
SPECIAL_SCHOOL_PERCENT: dict[int, float] = {
    2016: 1.32,
    2017: 1.35,
    2018: 1.38,
    2019: 1.43,
    2020: 1.50,
    2021: 1.57,
    2022: 1.64,
    2023: 1.72,
    2024: 1.82,
    2025: 1.90,
}
#: Pupils in all schools in England (approximate).
TOTAL_PUPILS: dict[int, int] = {
    2016: 8_560_000,
    2017: 8_669_000,
    2018: 8_735_000,
    2019: 8_820_000,
    2020: 8_890_000,
    2021: 8_912_000,
    2022: 8_968_000,
    2023: 9_000_000,
    2024: 9_087_000,
    2025: 9_032_000,
}
#: EHC plans maintained by local authorities in January (SEN2), by January year.
EHC_PLANS_SEN2: dict[int, int] = {
    2019: 353_995,
    2020: 390_109,
    2021: 430_697,
    2022: 473_255,
    2023: 517_048,
    2024: 576_474,
    2025: 638_745,
}

#: Approximate England shares of primary need among pupils with an EHC plan (NSA not allowed).
EHCP_NEED_SHARE: dict[str, float] = {
    "ASD": 0.335,
    "HI": 0.017,
    "MLD": 0.075,
    "MSI": 0.004,
    "OTH": 0.025,
    "PD": 0.040,
    "PMLD": 0.025,
    "SEMH": 0.185,
    "SLCN": 0.170,
    "SLD": 0.075,
    "SPLD": 0.030,
    "VI": 0.009,
    "NSA": 0.0,
}
#: Approximate England shares of primary need among pupils on SEN support.
SEN_SUPPORT_NEED_SHARE: dict[str, float] = {
    "ASD": 0.085,
    "HI": 0.018,
    "MLD": 0.125,
    "MSI": 0.002,
    "OTH": 0.050,
    "PD": 0.030,
    "PMLD": 0.001,
    "SEMH": 0.205,
    "SLCN": 0.255,
    "SLD": 0.006,
    "SPLD": 0.140,
    "VI": 0.009,
    "NSA": 0.050,
}


def series_value(series: dict[int, float], year: int) -> float:
    """Value of a yearly series, extrapolated linearly beyond the published years.

    Parameters
    ----------
    series : dict of int to float
        Published values by year (consecutive years).
    year : int
        Year wanted.

    Returns
    -------
    float
        The published value, or a linear extrapolation from the two nearest end years.
    """
    first, last = min(series), max(series)
    if first <= year <= last:
        return float(series[year])
    if year > last:
        step = series[last] - series[last - 1]
        return float(series[last] + step * (year - last))
    step = series[first + 1] - series[first]
    return float(max(series[first] - step * (first - year), 0.1 * series[first]))
