"""The demo council's specialist capacity file (``inputs.specialist_capacity``).

Each special school of the demo has places by phase for the pupils with an EHC plan it holds in
the latest census, rounded up to the next 5: full today, so the sufficiency chapter shows how
far the forecast outgrows the places there are.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

#: Census year group -> capacity phase (Reception to Year 6 primary, 7 to 11 secondary).
_PRIMARY = {"N1", "N2", "R", "1", "2", "3", "4", "5", "6"}
_SECONDARY = {"7", "8", "9", "10", "11"}


def write_specialist_capacity(census: pd.DataFrame, schools: pd.DataFrame, path: Path) -> Path:
    """Write ``school, setting, phase, places`` for the demo's special schools.

    Parameters
    ----------
    census : DataFrame
        The latest census as written (``URN``, ``SENprovision``, ``NCYearActual``).
    schools : DataFrame
        The demo's schools (``URN``, ``SchoolName``, ``Phase``).
    path : Path
        The CSV to write.

    Returns
    -------
    Path
    """
    special = schools[schools["Phase"] == "Special"]
    year = census["NCYearActual"].astype(str).str.strip().str.upper()
    phase = np.select([year.isin(_PRIMARY), year.isin(_SECONDARY)], ["primary", "secondary"],
                      "post16")
    plans = census.assign(phase=phase, URN=pd.to_numeric(census["URN"], errors="coerce"))
    plans = plans[plans["SENprovision"].astype(str).str.strip().str.upper() == "E"]
    counts = plans.groupby(["URN", "phase"]).size()
    rows = []
    for school in special.itertuples(index=False):
        for name in ("primary", "secondary", "post16"):
            held = int(counts.get((school.URN, name), 0))
            rows.append({"school": school.SchoolName, "setting": "state_special", "phase": name,
                         "places": int(np.ceil(held / 5) * 5)})
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(path, index=False, lineterminator="\n")
    return path
