"""Benchmark: clean a synthetic SEN2 casework extract of 20,000 people.

Writes a casework extract CSV (one row per plan, plus refused, withdrawn and open requests; about
1.3 rows per person; loose headings; a little dirt) to a temporary folder, then times, alternately
and ``--repeats`` times (default 7) in one process with every module imported first:

* **baseline**: a plain ``pyarrow.csv.read_csv`` of the file;
* **clean**: :func:`jsna.clean.sen2.clean_sen2_file`: reading the chosen columns, every check, the
  pseudonymous keys, the reconciliation and the findings.

Prints the median times and their ratio (target: at most 5).

Usage::

    python benchmarks/clean_sen2.py [--people 20000] [--repeats 7] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.csv as pacsv

from jsna.clean.sen2 import clean_sen2_file
from jsna.clean.upn import make_upn

HEADINGS = ["Person ID", "UPN", "Forename", "Date of birth", "Request date", "Request outcome",
            "Decision date", "Assessment outcome", "Assessment completed date", "Plan start date",
            "20 week exception", "Primary need", "Setting", "Last annual review", "Cease date",
            "Cease reason"]
NEEDS = np.array(["ASD", "SLCN", "SEMH", "MLD", "SLD", "SPLD", "PD", "HI", "VI", "MSI", "PMLD",
                  "OTH"])
SETTINGS = np.array(["Mainstream", "Resourced provision", "Special school", "Independent special",
                     "FE college", "EHE", "NEET", "Alternative provision"])
REASONS = np.array(["Needs met", "Moved LA", "Maximum age", "Paid employment"])


def _days(base: str, offsets: np.ndarray) -> np.ndarray:
    return (np.datetime64(base) + offsets.astype("timedelta64[D]")).astype(str)


def write_extract(path: Path, people: int, seed: int = 2025) -> int:
    """Write the synthetic extract; return its number of rows."""
    rng = np.random.default_rng(seed)
    upns = np.array([make_upn(f"990{i:09d}") for i in rng.permutation(10**6)[:people]])
    ids = np.char.add("P", np.arange(people).astype(str))
    dob = _days("2002-01-01", rng.integers(0, 20 * 365, people))
    request = rng.integers(0, 6 * 365, people)
    plan = request + np.clip(rng.lognormal(np.log(140), 0.3, people), 40, 600).astype(int)
    ceased = rng.random(people) < 0.1
    plans = pd.DataFrame({
        "Person ID": ids, "UPN": upns, "Forename": "Sam", "Date of birth": dob,
        "Request date": _days("2019-01-01", request), "Request outcome": "Agreed to assess",
        "Decision date": _days("2019-01-01", request + 35), "Assessment outcome": "Plan issued",
        "Assessment completed date": _days("2019-01-01", plan - 10),
        "Plan start date": _days("2019-01-01", plan),
        "20 week exception": np.where(rng.random(people) < 0.08, "Y", "N"),
        "Primary need": rng.choice(NEEDS, people), "Setting": rng.choice(SETTINGS, people),
        "Last annual review": _days("2019-01-01", plan + 360),
        "Cease date": np.where(ceased, _days("2019-01-01", plan + 400), ""),
        "Cease reason": np.where(ceased, rng.choice(REASONS, people), "")})
    extra = rng.choice(people, size=people * 3 // 10, replace=False)
    other_request = rng.integers(0, 6 * 365, extra.size)
    requests = pd.DataFrame({
        "Person ID": ids[extra], "UPN": upns[extra], "Forename": "Sam", "Date of birth": dob[extra],
        "Request date": _days("2019-01-01", other_request),
        "Request outcome": rng.choice(np.array(["Refused", "Withdrawn", ""]), extra.size),
        "Decision date": _days("2019-01-01", other_request + 40)})
    extract = pd.concat([plans, requests], ignore_index=True).fillna("")
    extract.loc[rng.choice(len(extract), 50, replace=False), "Primary need"] = "DYSL"
    extract.loc[rng.choice(len(extract), 50, replace=False), "UPN"] = ""
    extract = extract.iloc[rng.permutation(len(extract))]
    extract[HEADINGS].to_csv(path, index=False)
    return len(extract)


def main() -> None:
    """Write the extract, time the read and the clean, print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="write the extract here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = args.keep or Path(temp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "sen2_extract.csv"
        rows = write_extract(path, args.people)
        pacsv.read_csv(path)  # warm the file cache
        times: dict[str, list[float]] = {"baseline": [], "clean": []}
        kept = 0
        for _ in range(args.repeats):  # alternated, so drift on the machine affects both alike
            start = time.perf_counter()
            pacsv.read_csv(path)
            times["baseline"].append(time.perf_counter() - start)
            start = time.perf_counter()
            result = clean_sen2_file(path, salt="benchmark", year=2025,
                                     extract_date=datetime.date(2025, 12, 31))
            times["clean"].append(time.perf_counter() - start)
            kept = result.casework.num_rows
    baseline, cleaned = (statistics.median(times[m]) for m in ("baseline", "clean"))
    print(f"synthetic SEN2 extract: {args.people:,} people, {rows:,} rows, {kept:,} kept; "
          f"median of {args.repeats} runs")
    print(f"pyarrow CSV read : {1000 * baseline:.0f} ms")
    print(f"jsna clean sen2  : {1000 * cleaned:.0f} ms")
    print(f"ratio            : {cleaned / baseline:.1f}x (target <= 5x)")


if __name__ == "__main__":
    main()
