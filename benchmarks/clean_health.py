"""Benchmark: clean a 200,000-referral synthetic health waiting-list extract.

Writes a synthetic extract (provider layout: service names spelt several ways, UK dates, NHS
numbers with valid check digits, UPNs, postcodes, a few bad rows) and an ONSPD-style postcode
lookup to a temporary folder, then, each in a fresh process:

* **baseline**: a plain ``pyarrow.csv.read_csv`` of the extract;
* **clean**: :func:`jsna.clean.health.read_health_file` + :func:`clean_health_tables` (reading the
  postcode lookup included): every check, the keys, the reconciliation and the findings.

Each is run ``--repeats`` times (default 3), alternating, timing the work only (the modules are
imported before the clock starts); prints the median times and their ratio (target: at most 5).

Usage::

    python benchmarks/clean_health.py [--rows 200000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

AREA = "Z06000001"
SPELLINGS = ["SALT", "Speech & Language Therapy", "Community Paediatrics", "OT", "Physio",
             "ASD Assessment", "ADHD", "CAMHS", "Occupational Therapy", "Dietetics"]


def _nhs_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """n NHS numbers with a valid modulus-11 check digit (vectorised)."""
    body = rng.integers(400_000_000, 999_999_999, n)
    digits = (body[:, None] // 10 ** np.arange(8, -1, -1)) % 10
    check = (11 - (digits * np.arange(10, 1, -1)).sum(axis=1) % 11) % 11
    body, check = body[check != 10], check[check != 10]
    return np.char.add(body.astype(str), check.astype(str))


def write_inputs(folder: Path, rows: int, seed: int = 2025) -> tuple[Path, Path]:
    """Write the synthetic extract and postcode lookup; return their paths."""
    rng = np.random.default_rng(seed)
    n_postcodes = 20_000
    outward = np.char.add("ZZ", rng.integers(1, 99, n_postcodes).astype(str))
    letters = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
    inward = np.char.add(np.char.add(rng.integers(0, 10, n_postcodes).astype(str),
                                     rng.choice(letters, n_postcodes)),
                         rng.choice(letters, n_postcodes))
    postcodes = pd.unique(np.char.add(np.char.add(outward, " "), inward))
    lookup = pd.DataFrame({"pcds": postcodes,
                           "lsoa21": [f"Z0100{i % 900:04d}" for i in range(len(postcodes))],
                           "osward": [f"Z0500{i % 30:04d}" for i in range(len(postcodes))],
                           "oslaua": AREA})
    lookup_path = folder / "postcode_lookup.csv"
    lookup.to_csv(lookup_path, index=False)
    end = np.datetime64("2025-03-31")
    referral = end - rng.integers(0, 3 * 365, rows).astype("timedelta64[D]")
    wait = rng.lognormal(np.log(120), 0.7, rows).astype(np.int64).astype("timedelta64[D]")
    contact = referral + wait
    nhs = _nhs_numbers(rng, rows * 2)[:rows]
    frame = pd.DataFrame({
        "Service": rng.choice(SPELLINGS, rows, p=[0.15, 0.05, 0.15, 0.05, 0.1, 0.1, 0.1, 0.15,
                                                   0.1, 0.05]),
        "Referral Received": pd.to_datetime(referral).strftime("%d/%m/%Y"),
        "Date First Seen": pd.Series(pd.to_datetime(contact).strftime("%d/%m/%Y")).where(
            contact <= end, ""),
        "DOB": pd.to_datetime(end - rng.integers(365, 18 * 365, rows).astype(
            "timedelta64[D]")).strftime("%d/%m/%Y"),
        "Home Postcode": rng.choice(postcodes, rows),
        "NHS No": nhs,
        "Provider Code": "RDM",
    })
    path = folder / "waits.csv"
    frame.to_csv(path, index=False)
    return path, lookup_path


def _baseline(path: str) -> None:
    import pyarrow.csv as pacsv

    pacsv.read_csv(path)


def _clean(path: str, lookup: str) -> None:
    import datetime

    from jsna.clean.health import HealthExtract, clean_health_tables, read_health_file
    from jsna.clean.postcode import read_postcode_directory

    table = read_health_file(HealthExtract(Path(path)))
    clean_health_tables([("waits.csv", table, None)], salt="benchmark-salt",
                        extract_date=datetime.date(2025, 3, 31), area_code=AREA,
                        postcodes=read_postcode_directory(lookup))


def _timed(kind: str, *args: str) -> float:
    code = (f"import sys, time; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
            f"import clean_health as b; import pyarrow.csv; import jsna.clean.health; "
            f"import jsna.clean.postcode; t = time.perf_counter(); b._{kind}(*{list(args)!r}); "
            f"print(time.perf_counter() - t)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        path, lookup = write_inputs(Path(tmp), args.rows)
        print(f"wrote {args.rows:,} referrals in {time.perf_counter() - started:.1f} s")
        base, clean = [], []
        for _ in range(args.repeats):
            base.append(_timed("baseline", str(path)))
            clean.append(_timed("clean", str(path), str(lookup)))
        result = {"rows": args.rows, "baseline_s": float(np.median(base)),
                  "clean_s": float(np.median(clean)),
                  "ratio": float(np.median(clean) / np.median(base)), "target": 5}
        print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
