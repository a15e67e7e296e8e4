"""Benchmark: clean a 1,000,000-row synthetic school census.

Writes a synthetic census CSV (MIS export layout, with dual registrations, lower-case codes,
unspaced postcodes and a few invalid UPNs) and an ONSPD-style postcode lookup to a temporary folder,
then, each in a fresh process:

* **baseline**: a plain ``pyarrow.csv.read_csv`` of the census file;
* **clean**: :func:`jsna.clean.read_census_table` + :func:`jsna.clean.clean_census_frames` (reading
  the lookups included): every check, the reconciliation, the findings and the cleaned table.

Each is run ``--repeats`` times (default 5: timings on a shared VM vary by up to 2x), alternating;
prints the median wall-clock times with the single runs, their ratio (target: at most 4), the ratio
of the fastest runs (the least disturbed by other work on the machine) and each
median run's peak memory (maximum resident set size).

Usage::

    python benchmarks/clean_census.py [--rows 1000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

AREA = "Z06000001"
CHECK_ALPHABET = np.array(list("ABCDEFGHJKLMNPQRTUVWXYZ"))


def _upns(rng: np.random.Generator, n: int) -> np.ndarray:
    """n distinct valid UPNs of LA 990 (check letter per the DfE algorithm)."""
    serial = rng.permutation(10**8)[:n]
    digits = np.zeros((n, 12), dtype=np.int64)
    digits[:, 0:3] = [9, 9, 0]
    body = serial.copy()
    for position in range(11, 2, -1):
        digits[:, position] = body % 10
        body //= 10
    letters = CHECK_ALPHABET[(digits * np.arange(2, 14)).sum(axis=1) % 23]
    text = np.char.add(letters, ["".join(map(str, row)) for row in digits])
    return text.astype(object)


def write_inputs(folder: Path, rows: int, seed: int = 2025) -> tuple[Path, Path]:
    """Write the synthetic census and postcode lookup; return their paths."""
    rng = np.random.default_rng(seed)
    n_postcodes = 20_000
    outward = np.char.add("ZZ", rng.integers(1, 99, n_postcodes).astype(str))
    letters = list("ABDEFGHJLNPQRSTUWXYZ")
    inward = np.char.add(rng.integers(0, 10, n_postcodes).astype(str),
                         np.char.add(rng.choice(letters, n_postcodes),
                                     rng.choice(letters, n_postcodes)))
    postcodes = np.unique(np.char.add(np.char.add(outward, " "), inward))
    lsoa = np.char.add("Z01", np.char.zfill((np.arange(postcodes.size) // 15).astype(str), 6))
    ward = np.char.add("Z05", np.char.zfill((np.arange(postcodes.size) // 600).astype(str), 6))
    la = np.where(rng.random(postcodes.size) < 0.95, AREA, "Z06000002")
    lookup = folder / "postcode_lookup.csv"
    pacsv.write_csv(pa.table({"pcds": postcodes, "lsoa21": lsoa, "osward": ward, "oslaua": la}),
                    lookup)

    pupils = int(rows * 0.985)
    upn = _upns(rng, pupils)
    # dual registrations: 1.5% of rows repeat a pupil as S at another school
    extra = rows - pupils
    index = np.concatenate([np.arange(pupils), rng.integers(0, pupils, extra)])
    status = np.concatenate([np.where(rng.random(pupils) < 0.01, "M", "C"),
                             np.full(extra, "S")])
    upn_rows = upn[index]
    bad = rng.random(rows) < 0.001
    upn_rows[bad] = np.char.add("A", np.char.zfill(rng.integers(0, 10**12, bad.sum()).astype(str),
                                                   12))
    year_group = rng.integers(0, 14, rows)
    nc = np.where(year_group == 0, "R", year_group.astype(str))
    birth_year = 2024 - 4 - year_group - (rng.random(rows) < 0.66)
    dob = np.char.add(np.char.add(np.char.zfill(rng.integers(1, 29, rows).astype(str), 2), "/"),
                      np.char.add(np.char.zfill(rng.integers(1, 13, rows).astype(str), 2), "/"))
    dob = np.char.add(dob, birth_year.astype(str))
    provision = rng.choice(["N", "K", "E", " k", "e "], rows, p=[0.82, 0.12, 0.04, 0.01, 0.01])
    need = np.where(np.char.strip(provision) == "N", "",
                    rng.choice(["ASD", "SEMH", "SLCN", "MLD", "spld", ""], rows))
    home = postcodes[rng.integers(0, postcodes.size, rows)]
    messy = rng.random(rows)
    home = np.where(messy < 0.05, np.char.lower(np.char.replace(home, " ", "")), home)
    home = np.where(messy > 0.99, "ZZ99 9ZZ", home)
    census = pa.table({
        "UPN": upn_rows.astype(str), "Surname": np.full(rows, "Surname"),
        "Forename": np.full(rows, "Forename"), "DOB": dob,
        "Gender": rng.choice(["M", "F"], rows), "NCYearActual": nc, "EnrolStatus": status,
        "SENprovision": provision, "SENType1": need, "SENType2": np.full(rows, ""),
        "FSMeligible": rng.choice(["true", "false"], rows, p=[0.25, 0.75]), "Postcode": home,
        "LAEstab": np.char.add("990", rng.integers(2000, 2400, rows).astype(str)),
        "URN": rng.integers(100000, 100400, rows).astype(str),
    })
    path = folder / "census_2025.csv"
    pacsv.write_csv(census, path)
    return path, lookup


def _measure(mode: str, census: str, lookup: str) -> dict[str, float]:
    if mode != "baseline":  # imported before the clock starts, like pyarrow for the baseline
        from jsna.clean import clean_census_frames, read_census_table, read_postcode_directory
    start = time.perf_counter()
    if mode == "baseline":
        pacsv.read_csv(census)
        rows = None
    else:
        frame, found = read_census_table(Path(census), 2025)
        directory = read_postcode_directory(Path(lookup))
        result = clean_census_frames(frame, salt="benchmark-salt", area_code=AREA,
                                     postcodes=directory, read_findings=found)
        rows = result.pupils_table.num_rows
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak_mb, "pupils": rows}


def _in_fresh_process(mode: str, census: Path, lookup: Path) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, __file__, "--measure", mode, str(census), str(lookup)],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the synthetic files here and keep them")
    parser.add_argument("--repeats", type=int, default=5, help="fresh-process runs of each")
    parser.add_argument("--measure", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(_measure(*args.measure)))
        return
    if args.generate:
        write_inputs(args.generate, args.rows)
        return
    with tempfile.TemporaryDirectory() as temp:
        folder = args.keep or Path(temp)
        folder.mkdir(parents=True, exist_ok=True)
        # generated in a child process: peak memory is inherited by processes started later
        subprocess.run([sys.executable, __file__, "--generate", str(folder), "--rows",
                        str(args.rows)], check=True)
        census, lookup = folder / "census_2025.csv", folder / "postcode_lookup.csv"
        size_mb = census.stat().st_size / 1e6
        _in_fresh_process("baseline", census, lookup)  # warm the file cache
        runs: dict[str, list[dict[str, float]]] = {"baseline": [], "clean": []}
        for _ in range(args.repeats):  # alternated, so drift on the machine affects both alike
            for mode in runs:
                runs[mode].append(_in_fresh_process(mode, census, lookup))
    baseline, cleaned = (_median_run(runs["baseline"]), _median_run(runs["clean"]))
    ratio = cleaned["seconds"] / baseline["seconds"]
    print(f"synthetic census: {args.rows:,} rows, {size_mb:.0f} MB; "
          f"{int(cleaned['pupils']):,} pupils kept; median of {args.repeats} fresh processes each")
    for label, mode, run in (("pyarrow CSV read ", "baseline", baseline),
                             ("jsna clean census", "clean", cleaned)):
        single = ", ".join(f"{r['seconds']:.2f}" for r in runs[mode])
        print(f"{label}: {run['seconds']:.2f} s (runs: {single}), peak memory "
              f"{run['peak_mb']:.0f} MB")
    fastest = (min(r["seconds"] for r in runs["clean"])
               / min(r["seconds"] for r in runs["baseline"]))
    print(f"ratio            : {ratio:.1f}x of the medians (target <= 4x); "
          f"{fastest:.1f}x of the fastest runs")


def _median_run(runs: list[dict[str, float]]) -> dict[str, float]:
    """The run with the median time."""
    return sorted(runs, key=lambda run: run["seconds"])[len(runs) // 2]


if __name__ == "__main__":
    main()
