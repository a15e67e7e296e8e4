"""A synthetic LAIT long file for the demo council, in DfE's Local Authority Interactive Tool layout.

``lait_bds_long.csv`` has LAIT's columns ``Short Desc, Data item, Years, LA and Regions, Values,
LA Number, Region`` and its quirks: values as text, ``-`` for no data (key stage 2 was not
assessed in 2020 and 2021; one council has no special school), some numbers written with float
artefacts (``24.190000000000001``), LA numbers as floats (``990.0``), ``Data item`` on the first
row of each series only, years written ``2025`` for key stage 2 and absence and ``2023/24`` for
exclusions, England and regions with ``NA`` in ``Region``. The demo's regions take numbers
991-993 (LAIT's own region numbers 980-990 are England's real regions; Demoton is 990 like
South West, told apart by its ``Region``).

Key stage 2 progress scores (``KS2_*_Progress``) run to the academic year ending two years
before the JSNA's (none since: those pupils have no key stage 1 results), seven years, and are
negative for pupils with SEN; the multiplication tables check (``Multiplication_*``) has its
four years. Figures are calibrated to England's published LAIT values (key stage 2 2024/25,
progress 2022/23, multiplication tables check 2024/25, absence 2024/25, exclusions 2023/24,
EYFS good level of development by SEN provision 2024/25, OHID's ASQ-3 review 2023-24): each
council is England's figure shifted by a random effect, with
pupil numbers drawn for each council so that England and the regions are the pupil-weighted
means of their councils, as DfE computes them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.demo.comparators import ENGLAND_CODE, REGION_CODES, councils
from jsna.demo.names import OTHER_REGION_NAMES

COLUMNS = ["Short Desc", "Data item", "Years", "LA and Regions", "Values", "LA Number", "Region"]
#: LAIT numbers of the demo's regions (not DfE's: those are real regions).
REGION_NUMBERS = dict(zip(REGION_CODES, (991, 992, 993), strict=True))

#: code -> (Data item, England's latest value, change per year, council spread, share of the
#: pupils it is over, years published (0 = key stage 2 / absence / EYFS, 1 = exclusions,
#: 2 = financial years ending in the year before the JSNA's, 3 = key stage 2 progress), decimals)
SERIES: dict[str, tuple[str, float, float, float, float, int, int]] = {
    "NoID_SEN_NEW_KS2_RWM": ("KS2 RWM expected standard - no SEN", 74.0, 1.0, 4.0, 0.80, 0, 0),
    "NEW_KS2_RWM_Sen_W/Osta": ("KS2 RWM expected standard - SEN support", 29.0, 1.5, 5.0,
                               0.15, 0, 0),
    "NEW_KS2_RWM_Sen_Withsta": ("KS2 RWM expected standard - EHCP", 9.0, 0.4, 3.0, 0.05, 0, 0),
    "total_absence_special": ("Total absence from special schools", 12.76, -0.1, 1.5, 0.02, 0,
                              2),
    "SpecPerAbNew": ("Special school persistent absentees", 35.26, -1.2, 5.0, 0.02, 0, 2),
    "TotPerAbNew": ("Persistent absentees - all pupils", 18.14, -1.0, 2.5, 1.0, 0, 2),
    "SpecFixedEx": ("Special school suspensions", 12.62, 1.0, 4.0, 0.02, 1, 5),
    "Spec_ Pup_FixedEx": ("Special school pupils with one or more suspensions", 5.06, 0.3, 1.5,
                          0.02, 1, 5),
    "SpecPermEx": ("Special school permanent exclusions", 0.078, 0.004, 0.03, 0.02, 1, 5),
    "TotFixedEx": ("Total suspensions", 11.31, 1.0, 3.0, 1.0, 1, 5),
    "TotPermEx": ("Total permanent exclusions", 0.129, 0.01, 0.04, 1.0, 1, 5),
    # early years (new series go last, so the series above keep their random numbers):
    # LAIT's GLD by SEN provision ('Without' = SEN support, 'With' = EHC plan), academic years
    # written "2025", not assessed in 2020 and 2021; OHID's ASQ-3 review (PHOF 2.05ii),
    # financial years written by their ending year ("2024" = 2023-24), at most 100%
    "FSP_Gooddev_Without_SENSTATE": ("Achievement in early years foundation stage profile "
                                     "(EYFSP) teacher assessments by SEN provision (Without "
                                     "Statement)", 26.4, 0.7, 4.0, 0.08, 0, 1),
    "FSP_Gooddev_With_SENSTATE": ("Achievement in early years foundation stage profile (EYFSP) "
                                  "teacher assessments by SEN provision (With Statement)", 4.0,
                                  0.1, 2.0, 0.02, 0, 1),
    "HCP_PHOF": ("2.05ii - Proportion of children aged 2-2½yrs offered ASQ-3 as part of the "
                 "Healthy Child Programme or integrated review", 93.3, 0.5, 4.0, 1.0, 2, 2),
    # kind 3: key stage 2 progress, to the year ending last_year - 2, written "2023" like LAIT
    "KS2_NonSEN_Reading_Progress": ("", 0.42, 0.02, 0.6, 0.80, 3, 2),
    "KS2_SENSupport_Reading_Progress": ("", -0.58, 0.05, 1.2, 0.15, 3, 2),
    "KS2_SEN_Reading_Progress": ("", -4.36, -0.1, 1.9, 0.05, 3, 2),
    "KS2_NonSEN_Writing_Progress": ("", 0.62, 0.02, 0.8, 0.80, 3, 2),
    "KS2_SENSupport_Writing_Progress": ("", -1.53, 0.1, 1.4, 0.15, 3, 2),
    "KS2_SEN_Writing_Progress": ("", -4.41, 0.0, 1.8, 0.05, 3, 2),
    "KS2_NonSEN_Maths_Progress": ("", 0.45, 0.02, 0.9, 0.80, 3, 2),
    "KS2_SENSupport_Maths_Progress": ("", -0.84, 0.05, 1.1, 0.15, 3, 2),
    "KS2_SEN_Maths_Progress": ("", -4.12, -0.03, 2.0, 0.05, 3, 2),
    "Multiplication_AllSEND": ("", 16.0, 2.0, 4.7, 0.20, 0, 0),
    "Multiplication_SENDSupport": ("", 19.0, 2.7, 5.7, 0.15, 0, 0),
    "Multiplication_EHCP": ("", 9.0, 1.0, 3.8, 0.05, 0, 0),
}
#: a council whose ASQ-3 figure is not published two years before the latest ('-')
ASQ3_MISSING = 5
#: series published for fewer years than :data:`YEARS`: code prefix -> years published
SHORTER = {"KS2_": 7, "Multiplication_": 4}
#: progress scores run either side of zero (every other series is a percentage or rate)
SIGNED = ("KS2_",)
#: kind of series -> how many years before the JSNA's its latest year ends
YEARS_BEHIND = {0: 0, 1: 1, 2: 1, 3: 2}
#: years of each kind of series
YEARS = 10


def _text(value: float, decimals: int, artefact: bool) -> str:
    rounded = round(value, decimals)
    if artefact:  # how LAIT's parquet-to-text values look: the double's 17 significant digits
        return f"{rounded:.17g}"
    return f"{rounded:.{decimals}f}" if decimals else str(int(rounded))


def lait_table(rng: np.random.Generator, last_year: int) -> pd.DataFrame:
    """The demo's LAIT long file.

    Parameters
    ----------
    rng : numpy.random.Generator
        The demo's own random stream for this file.
    last_year : int
        The JSNA year: key stage 2 and absence run to the academic year ending in
        ``last_year``, exclusions to the one ending in ``last_year - 1`` and the ASQ-3 review to
        the financial year ending in March of ``last_year``.

    Returns
    -------
    DataFrame
        Every cell as text, in LAIT's column order.
    """
    everyone = councils()
    pupils = {c.code: int(rng.integers(15_000, 60_000)) for c in everyone}
    no_special = everyone[11].code  # a council without a special school: '-' for its figures
    rows: list[dict[str, str]] = []
    for code, (item, england, slope, spread, share, kind, decimals) in SERIES.items():
        effects = {c.code: rng.normal(0, spread) for c in everyone}
        last = last_year - YEARS_BEHIND[kind]
        first_row = True
        published = next((n for prefix, n in SHORTER.items() if code.startswith(prefix)), YEARS)
        for year in range(last - published + 1, last + 1):
            label = f"{year - 1}/{year % 100:02d}" if kind == 1 else str(year)
            gap = (kind in (0, 3) and code.startswith(("NoID", "NEW_KS2", "FSP_", "KS2_"))
                   and year in (2020, 2021))
            values = {}
            for c in everyone:
                base = england - slope * (last - year) + effects[c.code]
                drawn = base + rng.normal(0, spread / 4)
                values[c.code] = drawn if code.startswith(SIGNED) else max(drawn, 0.0)
                if code == "HCP_PHOF":
                    values[c.code] = min(values[c.code], 100.0)
            weights = {c.code: pupils[c.code] * share for c in everyone}
            missing = {no_special} if code.startswith(("Spec", "total_absence")) else set()
            if code == "HCP_PHOF" and year == last - 2:
                missing.add(everyone[ASQ3_MISSING].code)
            areas: list[tuple[str, str, int, str]] = []
            for c in everyone:
                areas.append((c.code, c.name, c.la_number, c.region_name))
            for region_code, name in zip(REGION_CODES, OTHER_REGION_NAMES, strict=True):
                members = [c.code for c in everyone
                           if c.region_code == region_code and c.code not in missing]
                values[region_code] = np.average([values[m] for m in members],
                                                 weights=[weights[m] for m in members])
                areas.append((region_code, name, REGION_NUMBERS[region_code], "NA"))
            present = [c.code for c in everyone if c.code not in missing]
            values[ENGLAND_CODE] = np.average([values[m] for m in present],
                                              weights=[weights[m] for m in present])
            areas.append((ENGLAND_CODE, "England", 970, "NA"))
            for area_code, name, number, region in areas:
                if gap or area_code in missing:
                    text = "-"
                else:
                    text = _text(values[area_code], decimals, bool(rng.random() < 0.2))
                # LAIT leaves ``Data item`` empty on some series altogether (progress, tables check)
                rows.append({"Short Desc": code, "Data item": item if first_row else "",
                             "Years": label, "LA and Regions": name, "Values": text,
                             "LA Number": f"{number}.0", "Region": region})
                first_row = False
    return pd.DataFrame(rows, columns=COLUMNS)
