"""Benchmark: the published-data chapters with and without the cache of parsed published files.

Builds York's published-data chapters (``jsna.chapters.<name>.build``, in this process, no
kernel) from the real files, first with ``JSNA_CACHE_DIR=off`` (every reader parses its file, as
each chapter's kernel did before the cache) and then with a fresh cache folder filled by a first
pass. Each is timed on its second pass, so the operating system's file cache is warm in both.
Prints each chapter's seconds, the total and the ratio (without / with).

Usage::

    python benchmarks/published_cache.py [--chapters ehcp outcomes ...]
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from areas import PUBLISHED_CHAPTERS, real_data, write_base_config  # noqa: E402

from jsna.notebook import open_config  # noqa: E402


def timed_pass(config_path: Path, chapters: list[str]) -> dict[str, float]:
    """Seconds each chapter's build takes (a second pass, after a first that fills caches)."""
    import matplotlib.pyplot as plt

    config = open_config(config_path)
    seconds: dict[str, float] = {}
    for attempt in range(2):
        for name in chapters:
            module = importlib.import_module(f"jsna.chapters.{name}")
            started = time.perf_counter()
            module.build(config)
            plt.close("all")
            if attempt:
                seconds[name] = time.perf_counter() - started
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", nargs="+", default=PUBLISHED_CHAPTERS)
    args = parser.parse_args()
    if real_data() is None:
        print("benchmarks/published_cache.py: skipped: the real data folder (shared/data/real "
              "beside the project, or $JSNA_REAL_DATA) was not found")
        return
    print(f"machine: {os.cpu_count()} CPUs, load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as folder:
        config = write_base_config(Path(folder) / "config", args.chapters)
        os.environ["JSNA_CACHE_DIR"] = "off"
        without = timed_pass(config, args.chapters)
        os.environ["JSNA_CACHE_DIR"] = str(Path(folder) / "cache")
        cached = timed_pass(config, args.chapters)
    print(f"{'chapter':<14}{'parsed (s)':>12}{'cached (s)':>12}{'ratio':>8}")
    for name in args.chapters:
        print(f"{name:<14}{without[name]:>12.1f}{cached[name]:>12.1f}"
              f"{without[name] / cached[name]:>7.1f}x")
    total_without, total_cached = sum(without.values()), sum(cached.values())
    print(f"{'all':<14}{total_without:>12.1f}{total_cached:>12.1f}"
          f"{total_without / total_cached:>7.1f}x")
    print(f"load average now {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
