"""Benchmark: the cohort model, 1,000 draws for a 30,000-pupil council over 7 years.

Run with ``python benchmarks/forecast.py``. A synthetic linked census (five Januaries, 30,000
pupils with an EHC plan in the last one, ages 2-19, six settings and five need groups) is
counted and fitted, then simulated 1,000 times 7 years ahead. Prints the time of each step and
the ratio of the total to the 10-second target (issue 19), by setting and by setting x need
group.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd

from jsna.forecast.cohort import count_transitions, fit_posterior, simulate
from jsna.forecast.cohort_forecast import model_states

TARGET_SECONDS = 10.0
PUPILS = 30_000
YEARS = 5
DRAWS = 1000
AHEAD = 7
AGES = np.arange(2, 20)


def synthetic_census(by_need: bool, seed: int = 19) -> pd.DataFrame:
    """Five linked censuses: each year 88% of pupils stay (a few change state), the rest leave,
    and joiners keep the total growing to :data:`PUPILS` in the last year."""
    rng = np.random.default_rng(seed)
    states = np.array(model_states(by_need))
    size = int(PUPILS * 0.8)
    keys = np.arange(size)
    ages = rng.choice(AGES[:-2], size)
    state = rng.integers(0, len(states), size)
    next_key = size
    frames = []
    for year in range(2021, 2021 + YEARS):
        frames.append(pd.DataFrame({"census_year": year, "pupil_key": keys.astype(str),
                                    "age": ages, "state": states[state]}))
        stay = (rng.random(len(keys)) < 0.88) & (ages < AGES[-1])
        moved = rng.random(len(keys)) < 0.05
        state = np.where(moved, rng.integers(0, len(states), len(keys)), state)
        keys, ages, state = keys[stay], ages[stay] + 1, state[stay]
        joiners = max(0, int(PUPILS * (0.8 + 0.05 * (year - 2020))) - len(keys))
        keys = np.concatenate([keys, np.arange(next_key, next_key + joiners)])
        ages = np.concatenate([ages, rng.choice(AGES[:-2], joiners)])
        state = np.concatenate([state, rng.integers(0, len(states), joiners)])
        next_key += joiners
    return pd.concat(frames, ignore_index=True)


def run(by_need: bool) -> float:
    """Count, fit and simulate; print each step; return the total seconds."""
    census = synthetic_census(by_need)
    last = int(census["census_year"].max())
    start, cpu = time.perf_counter(), time.process_time()
    counts = count_transitions(census, model_states(by_need), AGES)
    counted = time.perf_counter()
    posterior = fit_posterior(counts)
    paths = simulate(posterior, counts.stock[-1], AHEAD, DRAWS, np.random.default_rng(1))
    done = time.perf_counter()
    total = done - start
    label = "setting x need group" if by_need else "setting"
    print(f"states by {label}: {len(counts.states)} states x {len(AGES)} ages; "
          f"{int(counts.stock[-1].sum()):,} pupils in January {last}")
    print(f"  count the linked censuses ({len(census):,} rows): {counted - start:.2f} s")
    print(f"  fit and simulate {DRAWS:,} draws x {AHEAD} years: {done - counted:.2f} s "
          f"(median pupils in year {AHEAD}: {np.median(paths[:, -1].sum(axis=(1, 2))):,.0f})")
    print(f"  total {total:.2f} s (CPU {time.process_time() - cpu:.2f} s, load average "
          f"{os.getloadavg()[0]:.1f}); ratio to the {TARGET_SECONDS:.0f}-second target: "
          f"{total / TARGET_SECONDS:.2f}")
    return total


if __name__ == "__main__":
    run(by_need=False)
    run(by_need=True)
