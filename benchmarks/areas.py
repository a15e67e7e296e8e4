"""Benchmark: many councils' published-data chapters (``jsna refresh --areas``), issue 20.

Writes one base configuration reading the real published files (``../shared/data/real`` or
``$JSNA_REAL_DATA``: DfE's SEN2, LAIT, early years, key stage 4, NEET, children in need by SEN,
high needs funding, tribunal and statistical neighbour files, ONS population; every council has
rows in each), then renders
the same councils, each time into a fresh folder, with

* the process executor and 1 worker (one council after another),
* the process executor and 2 workers,
* a dask ``LocalCluster`` of ``--cluster-workers`` single-threaded workers,

and prints for each the total time, councils per minute and its ratio to one worker, and the
time of each council (the slowest and the median, or every one with ``--each``). ``--councils
all`` renders every council of the EHC plan caseload file (issue 20: "every council in the real
published EHC plan files renders its published-data chapters in one command").

Usage::

    python benchmarks/areas.py [--councils 6 | --councils all | --councils E06000014,E08000009]
                               [--chapters ehcp sufficiency ...] [--cluster-workers 4]
                               [--runs process1 process2 dask] [--each]

``--chapters`` defaults to every published-data chapter (:data:`PUBLISHED_CHAPTERS`).
``--write-config FOLDER`` only writes the base configuration (into FOLDER, kept) and prints the
one command that renders every council, so that the sites and the regional page can be looked
at afterwards: ``jsna refresh --config FOLDER/jsna.toml --areas all --workers N`` prints each
council's time and the total.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from jsna.areas import published_councils, refresh_areas  # noqa: E402

sys.path.insert(0, str(REPO / "tests"))  # the real data folder's layout, shared with the tests
from real_councils import (  # noqa: E402
    COUNCILS,
    POPULATION,
    PUBLISHED_COMPARATORS,
    REAL,
    joined_lait,
    published_comparators,
    published_files,
    real_path,
    write_council_config,
)

#: The chapters that read published files only, so every council has them (health is left out:
#: the stored Fingertips exports cover four regions).
PUBLISHED_CHAPTERS = ["ehcp", "placements", "sufficiency", "early_years", "outcomes",
                      "adulthood", "social_care", "resources"]


def real_data() -> Path | None:
    """The real data folder when it holds every published file the chapters read, else None."""
    if REAL is None or any(not (REAL / path).exists() for path in published_files()):
        return None
    return REAL


def write_base_config(folder: Path, chapters: list[str]) -> Path:
    """York's configuration, its published files (DfE, ONS) covering every council."""
    folder.mkdir(parents=True, exist_ok=True)
    return write_council_config(
        folder, COUNCILS["york"], chapters=chapters,
        inputs={"lait": joined_lait(folder), "population": real_path(POPULATION)},
        comparators=published_comparators())


def _councils(text: str, caseload: Path) -> str:
    if text == "all" or "," in text or text.startswith("E"):
        return text
    every = published_councils(caseload)
    step = max(1, len(every) // int(text))
    return ",".join(every[::step][:int(text)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--councils", default="6",
                        help="how many (spread over the file), all, or CODE,CODE")
    parser.add_argument("--chapters", nargs="+", default=PUBLISHED_CHAPTERS)
    parser.add_argument("--cluster-workers", type=int, default=4)
    parser.add_argument("--runs", nargs="+", default=["process1", "process2", "dask"],
                        choices=["process1", "process2", "dask"])
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--each", action="store_true", help="print every council's time")
    parser.add_argument("--write-config", metavar="FOLDER",
                        help="only write the base configuration into FOLDER and print the command")
    args = parser.parse_args()
    real = real_data()
    if real is None:  # skipped, as the tests skip, so that `make bench` runs elsewhere
        print("benchmarks/areas.py: skipped: the real data folder (shared/data/real beside the "
              "project, or $JSNA_REAL_DATA) was not found")
        return
    if args.write_config:
        config = write_base_config(Path(args.write_config), args.chapters)
        print(f"jsna refresh --config {config} --areas {args.councils} --workers 2")
        return
    areas = _councils(args.councils, real / PUBLISHED_COMPARATORS["ehcp_caseload"])
    print(f"machine: {os.cpu_count()} CPUs, load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}; chapters {', '.join(args.chapters)}")
    settings = {"process1": ("process", 1), "process2": ("process", 2),
                "dask": ("dask", args.cluster_workers)}
    base_rate = None
    for run in args.runs:
        executor, workers = settings[run]
        with tempfile.TemporaryDirectory() as folder:
            config = write_base_config(Path(folder), args.chapters)
            started = time.perf_counter()
            report = refresh_areas(config, areas, executor=executor, workers=workers,
                                   timeout=args.timeout)
            seconds = time.perf_counter() - started
        count = len(report.results)
        rate = 60 * count / seconds
        base_rate = base_rate or (rate if run == "process1" else None)
        ratio = f", {rate / base_rate:.2f}x one worker" if base_rate else ""
        per = [result.seconds for result in report.results]
        label = f"{executor} x{workers}" if executor == "process" else f"dask LocalCluster x{workers}"
        print(f"{label}: {count} councils in {seconds:.1f} s = {rate:.2f} councils per minute"
              f"{ratio}; per council median {statistics.median(per):.1f} s, slowest "
              f"{max(per):.1f} s; {sum(r.ok for r in report.results)} published whole")
        if args.each:
            for result in report.results:
                chapters = ", ".join(f"{name} {seconds:.1f}" for name, _, seconds
                                     in result.chapters)
                print(f"  {result.code} {result.name}: {result.seconds:.1f} s"
                      f"{'' if result.ok else ' FAILED'} ({chapters})")
        for note in report.notes:
            print(f"  note: {note}")
        for line in report.failure_lines():
            print(f"  failed: {line}")
        print(f"  load average now {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
