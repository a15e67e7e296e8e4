"""A small SEN2 casework extract with one row of every kind of dirt (hand-made, for tests)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jsna.clean.upn import make_upn

#: Headings as a casework system might export them (matched loosely).
HEADINGS = ["Child ID", "U.P.N", "Forename", "Date of Birth", "Request Date", "Request Outcome",
            "Decision Date", "Assessment Outcome", "Assessment Completed Date",
            "Plan Start Date", "20 Week Exception", "Primary Need", "Placement",
            "Last Annual Review", "Cease Date", "Cease Reason"]
UPNS = {name: make_upn(f"9990001{i:05d}") for i, name in enumerate(
    ["C1", "C4x", "C5", "C6", "C7", "C8", "C9", "C10", "M", "N3"])}
UPNS["C4x"] = "A123"  # not a UPN

# row number (spreadsheet, headings = 1) -> values in HEADINGS order; comments say the dirt
ROWS: dict[int, list[str]] = {
    # good: plan 131 days (18.7 weeks) after the request
    2: ["C1", UPNS["C1"], "Ann", "2015-03-04", "2024-01-10", "A", "2024-02-01", "Y",
        "2024-05-01", "2024-05-20", "N", "ASD", "MS", "2025-05-01", "", ""],
    # no UPN (kept, cannot link); refused
    3: ["C2", "", "Bo", "04/09/2016", "2024-03-01", "N", "2024-04-01", "", "", "", "", "", "",
        "", "", ""],
    4: [""] * 16,  # blank row
    5: ["", "", "Cy", "2014-01-01", "2024-02-02", "A", "", "", "", "", "", "", "", "", "", ""],
    6: ["C3", UPNS["M"], "Di", "2013-05-05", "", "", "", "", "", "", "", "", "", "", "", ""],
    # exact repeat of row 2
    7: ["C1", UPNS["C1"], "Ann", "2015-03-04", "2024-01-10", "A", "2024-02-01", "Y",
        "2024-05-01", "2024-05-20", "N", "ASD", "MS", "2025-05-01", "", ""],
    # invalid UPN; plan before request; unknown need and setting
    8: ["C4", UPNS["C4x"], "Ed", "2012-12-12", "2024-06-01", "A", "2024-06-20", "Y", "",
        "2024-05-01", "N", "XYZ", "Castle", "", "", ""],
    # request date not a real date; need and setting blank on a plan
    9: ["C5", UPNS["C5"], "Fi", "2011-02-02", "31/02/2024", "", "", "", "", "2024-09-01", "",
        "", "", "", "", ""],
    # request after the extract date; decision and exception not recognised
    10: ["C6", UPNS["C6"], "Gu", "2010-10-10", "2026-02-01", "maybe", "", "", "",
         "2024-12-01", "perhaps", "SLCN", "Special school", "", "", ""],
    # plan from another council (no request); review before the plan; ceased, needs met
    11: ["C7", UPNS["C7"], "Hal", "2008-08-08", "", "", "", "", "", "2020-09-01", "", "MLD",
         "FE", "2019-01-01", "2024-07-01", "Needs met"],
    # ceased without a reason
    12: ["C8", UPNS["C8"], "Io", "2005-06-30", "", "", "", "", "", "2022-01-01", "", "SEMH",
         "IS", "2023-12-01", "2024-08-01", ""],
    # no date of birth; assessment outcome not recognised, dated before the request; ceasing
    # reason not DfE's
    13: ["C9", UPNS["C9"], "Jo", "", "2024-02-01", "A", "2024-02-20", "Z",
         "2024-01-15", "", "", "", "", "", "", "gone fishing"],
    # decision blank but a plan followed the request: recorded as agreed to assess
    14: ["C10", UPNS["C10"], "Ky", "2017-01-01", "2024-04-01", "", "", "Y", "2024-08-01",
         "2024-08-10", "Y", "SPLD", "RP", "", "", ""],
}


def write_extract(folder: Path, name: str = "sen2_extract.csv") -> Path:
    """Write :data:`ROWS` as a CSV extract and return its path."""
    path = folder / name
    frame = pd.DataFrame([ROWS[r] for r in sorted(ROWS)], columns=HEADINGS)
    frame.to_csv(path, index=False)
    return path
