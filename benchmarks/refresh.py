"""Benchmark: wall time of `jsna refresh` on the demo council vs the papermill floor.

The floor is the time papermill needs to execute an empty notebook (kernel start and shutdown),
times the number of chapters, divided by the number of workers: no refresh can be faster than that.
The census is cleaned once before timing (a warm refresh, as when an analyst re-runs chapters);
the cold time is printed too. Target: ratio ≤ 1.5.
"""

from __future__ import annotations

import math
import tempfile
import time
from pathlib import Path

import nbformat

from jsna.demo import write_demo
from jsna.refresh import refresh
from jsna.render.runner import ChapterJob, execute_chapter


def empty_notebook_seconds(folder: Path, repeats: int = 3) -> float:
    """Median time to execute an empty notebook through papermill (the runner's own path)."""
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
        started = time.perf_counter()
        execute_chapter(ChapterJob("empty", path, folder / f"empty_out_{number}.ipynb"))
        times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config_path = write_demo(folder / "demo")
        started = time.perf_counter()
        report = refresh(config_path)
        cold = time.perf_counter() - started
        chapters, workers = len(report.results), min(len(report.results), 2)
        started = time.perf_counter()
        report = refresh(config_path)
        warm = time.perf_counter() - started
        assert report.ok
        floor = empty_notebook_seconds(folder) * math.ceil(chapters / workers)
        print(f"refresh (cold, includes census cleaning): {cold:.1f} s")
        print(f"refresh (warm): {warm:.1f} s for {chapters} chapter(s) on {workers} worker(s)")
        print(f"floor (empty notebook via papermill x chapters / workers): {floor:.1f} s")
        print(f"ratio warm/floor: {warm / floor:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
