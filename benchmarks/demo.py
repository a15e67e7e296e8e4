"""Time the generation of the default synthetic demo council.

Usage: ``python benchmarks/demo.py [--wards 24] [--years 5]``. Prints the wall-clock time of
``jsna.demo.write_demo`` (target: well under 20 seconds) and the size of what was written.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from jsna.demo import write_demo


def main() -> None:
    """Generate the demo council into a temporary folder and report the time taken."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--wards", type=int, default=24)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        write_demo(Path(tmp), seed=args.seed, years=args.years, n_wards=args.wards)
        seconds = time.perf_counter() - start
        files = [p for p in Path(tmp).rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files) / 1e6
        census_rows = sum(
            sum(1 for _ in p.open(encoding="utf-8")) - 1 for p in Path(tmp).glob("census/*.csv")
        )
    print(
        f"write_demo: {seconds:.1f} s for {len(files)} files ({size:.1f} MB), "
        f"{census_rows:,} census rows over {args.years} years, {args.wards} wards"
    )


if __name__ == "__main__":
    main()
