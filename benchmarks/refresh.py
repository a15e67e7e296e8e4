"""Benchmark: wall time of `jsna refresh` on the demo council vs the papermill floor.

The floor is what running the chapters through papermill costs at the very least: the papermill
command line (``python -m papermill empty.ipynb out.ipynb``, in a fresh process: Python and
papermill start, a kernel starts, runs one empty cell and shuts down), median of 3 runs, times
the number of rounds the chapters need on the workers (``ceil(chapters / workers)``).
The census is cleaned once before timing (a warm refresh, as when an analyst re-runs chapters);
the cold time is printed too. Target: ratio ≤ 1.5.
"""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from jsna.demo import write_demo
from jsna.refresh import refresh


def empty_notebook_seconds(folder: Path, repeats: int = 3) -> list[float]:
    """Wall times of the papermill command line on an empty notebook, each in a new process."""
    notebook = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.metadata["tags"] = ["parameters"]
    notebook.cells = [cell]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    path = folder / "empty.ipynb"
    nbformat.write(notebook, path)
    times = []
    for number in range(repeats):
        command = [sys.executable, "-m", "papermill", str(path),
                   str(folder / f"empty_out_{number}.ipynb")]
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config_path = write_demo(folder / "demo")
        started = time.perf_counter()
        report = refresh(config_path)
        cold = time.perf_counter() - started
        # the default pool: one worker per CPU, at most one per chapter
        chapters = len(report.results)
        workers = min(chapters, os.cpu_count() or 1)
        started = time.perf_counter()
        report = refresh(config_path)
        warm = time.perf_counter() - started
        assert report.ok
        empty = empty_notebook_seconds(folder)
        floor = statistics.median(empty) * math.ceil(chapters / workers)
        print(f"refresh (cold, includes census cleaning): {cold:.1f} s")
        print(f"refresh (warm): {warm:.1f} s for {chapters} chapter(s) on {workers} worker(s)")
        # papermill's graceful kernel shutdown now and then waits 2.5 s for a slow kernel:
        # the single runs show when that has inflated the median
        print(f"floor (papermill CLI on an empty notebook x ceil(chapters / workers)): "
              f"{floor:.1f} s (single runs: {', '.join(f'{t:.1f}' for t in empty)} s)")
        print(f"ratio warm/floor: {warm / floor:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
