"""Benchmark: national-size census counts with DuckDB (issue 20: 9,000,000 rows, ≤ 20 s, ≤ 4 GiB).

Writes a synthetic cleaned pupils table (``pupils.parquet`` layout plus ``council_code``: 150
councils, 20 to 40 wards each, two censuses) to a temporary folder, then, each in a fresh process:

* **baseline**: a plain ``pyarrow.parquet.read_table`` of the five columns the counts read;
* **duckdb**: :func:`jsna.indicators.national.census_counts` with ``engine="duckdb"`` (council
  prevalence and need mix, resident pupils by ward, the ward indicator rows);
* **memory** (only with ``--memory-rows``, default 1,000,000): the in-memory engine (the chapters'
  own pandas functions, council by council) on the first rows, and DuckDB on the same rows.

Prints wall-clock time and peak memory (maximum resident set size of the measuring process) of
each, and the ratios: DuckDB against the targets (20 s, 4 GiB), against the plain read, and the
in-memory engine against DuckDB on the same rows.

Usage::

    python benchmarks/national.py [--rows 9000000] [--threads 2] [--memory-rows 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

TARGET_SECONDS = 20.0
TARGET_BYTES = 4 * 1024**3
COUNCILS = 150
NEEDS = np.array(["ASD", "SEMH", "SLCN", "MLD", "SPLD", "PD", "HI", "VI", "MSI", "PMLD", "SLD",
                  "OTH", "NSA"])


def write_pupils(path: Path, rows: int, seed: int = 2025, chunk: int = 1_000_000) -> None:
    """Write ``rows`` synthetic cleaned pupil rows in row groups of ``chunk``."""
    rng = np.random.default_rng(seed)
    wards_per_council = rng.integers(20, 41, COUNCILS)
    codes = np.array([f"E06{number:06d}" for number in range(1, COUNCILS + 1)])
    ward_codes = np.array([f"E05{council:03d}{ward:03d}" for council in range(COUNCILS)
                           for ward in range(40)], dtype=object)
    writer = None
    written = 0
    try:
        while written < rows:
            n = min(chunk, rows - written)
            council = rng.integers(0, COUNCILS, n)
            ward_number = (rng.random(n) * wards_per_council[council]).astype(np.int64)
            ward = ward_codes[council * 40 + ward_number]
            resident = rng.random(n) < 0.93
            ward[(rng.random(n) < 0.01) | ~resident] = None
            provision = rng.choice(np.array(["N", "K", "E"], dtype=object), n,
                                   p=[0.826, 0.13, 0.044])
            need = rng.choice(NEEDS.astype(object), n)
            need[provision == "N"] = None
            need[(provision != "N") & (rng.random(n) < 0.005)] = None
            table = pa.table({
                "census_year": pa.array(np.where(rng.random(n) < 0.5, 2024, 2025), pa.int64()),
                "pupil_key": pc.cast(pa.array(rng.integers(0, 2**62, n)), pa.string()),
                "sen_provision": pa.array(provision, pa.string()),
                "primary_need": pa.array(need, pa.string()),
                "ward_code": pa.array(ward, pa.string()),
                "resident": pa.array(resident),
                "council_code": pa.array(codes[council]),
            })
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
            written += n
    finally:
        if writer is not None:
            writer.close()


def _measure(what: str, path: str, threads: int, rows: int) -> None:
    """In a fresh process: time one run and print its seconds and peak memory as JSON."""
    import duckdb  # noqa: F401 - imported before the clock starts, as in a running session
    import pandas as pd

    from jsna.indicators.national import census_counts

    started = time.perf_counter()
    if what == "baseline":
        table = pq.read_table(path, columns=["council_code", "census_year", "sen_provision",
                                             "primary_need", "ward_code", "resident"])
        result_rows = table.num_rows
    else:
        source: object = path
        if rows:
            source = pq.read_table(path).slice(0, rows).to_pandas()
            started = time.perf_counter()  # the read is not the engine's work
        engine = "duckdb" if what.startswith("duckdb") else "memory"
        counts = census_counts(source, engine=engine, threads=threads)  # type: ignore[arg-type]
        result_rows = len(counts.council) + len(counts.wards)
        assert isinstance(counts.council, pd.DataFrame)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "peak_bytes": peak, "rows_out": result_rows}))


def _run(what: str, path: Path, threads: int, rows: int = 0) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--measure", what, str(path), str(threads), str(rows)],
        check=True, capture_output=True, text=True, env=os.environ.copy()).stdout
    return json.loads(output.strip().splitlines()[-1])


def _gib(n_bytes: float) -> str:
    return f"{n_bytes / 1024**3:.2f} GiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=9_000_000)
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads (2 cores)")
    parser.add_argument("--memory-rows", type=int, default=1_000_000,
                        help="rows for the in-memory against DuckDB comparison (0: skip)")
    parser.add_argument("--keep", type=Path, help="write the synthetic file here and keep it")
    parser.add_argument("--measure", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        what, path, threads, rows = args.measure
        _measure(what, path, int(threads), int(rows))
        return
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "national_pupils.parquet"
        started = time.perf_counter()
        write_pupils(path, args.rows)
        print(f"wrote {args.rows:,} synthetic pupil rows ({COUNCILS} councils) in "
              f"{time.perf_counter() - started:.1f} s: {path.stat().st_size / 1024**2:.0f} MB")
        print(f"machine: {os.cpu_count()} CPUs, load average "
              f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}; DuckDB threads {args.threads}")
        baseline = _run("baseline", path, args.threads)
        duck = _run("duckdb", path, args.threads)
        print(f"plain pyarrow read of the columns: {baseline['seconds']:.2f} s, peak "
              f"{_gib(baseline['peak_bytes'])}")
        print(f"DuckDB council and ward counts:    {duck['seconds']:.2f} s, peak "
              f"{_gib(duck['peak_bytes'])} ({duck['rows_out']:,} rows out)")
        print(f"ratio to target: time {duck['seconds'] / TARGET_SECONDS:.2f} of 20 s, "
              f"peak {duck['peak_bytes'] / TARGET_BYTES:.2f} of 4 GiB "
              f"({'met' if duck['seconds'] <= TARGET_SECONDS and duck['peak_bytes'] <= TARGET_BYTES else 'NOT met'}"
              f" at {args.rows:,} rows)")
        print(f"ratio to the plain read: {duck['seconds'] / baseline['seconds']:.2f}x time")
        if args.memory_rows:
            rows = min(args.memory_rows, args.rows)
            memory = _run("memory", path, args.threads, rows)
            same = _run("duckdb-frame", path, args.threads, rows)
            print(f"on {rows:,} rows in a pandas frame: in memory {memory['seconds']:.2f} s "
                  f"(peak {_gib(memory['peak_bytes'])}), DuckDB {same['seconds']:.2f} s "
                  f"(peak {_gib(same['peak_bytes'])}): in memory / DuckDB = "
                  f"{memory['seconds'] / same['seconds']:.1f}x")


if __name__ == "__main__":
    main()
