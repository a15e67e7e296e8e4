"""Specialist places needed by phase over the school capacity (SCAP) horizons, against capacity.

DfE's school capacity return asks for forecasts 5 years ahead for primary and 7 for secondary;
post-16 is shown over 7 years too. Demand is the cohort model's pupils with an EHC plan in a
specialist setting (:data:`~jsna.forecast.cohort.SPECIALIST_SETTINGS`), by the phase of their
age. Capacity is the specialist places of the capacity file, plus any new places a scenario
opens from its year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.config import ForecastScenario
from jsna.forecast.cohort import (
    PHASE_KEYS,
    PHASES,
    SETTING_KEYS,
    SPECIALIST_SETTINGS,
    phase_of_age,
)
from jsna.forecast.cohort_forecast import CohortRun

#: Years ahead by phase (SCAP: 5 for primary, 7 for secondary; post-16 as secondary).
HORIZONS: dict[str, int] = {PHASES[0]: 5, PHASES[1]: 7, PHASES[2]: 7}
#: Columns of :func:`places_needed`.
PLACES_COLUMNS = ["phase", "year", "median", "lower_80", "upper_80", "places", "shortfall",
                  "chance_short"]


def specialist_places(capacity: pd.DataFrame | None, scenario: ForecastScenario | None,
                      phase: str, year: int) -> float:
    """Specialist places for a phase in a January: the capacity file's, plus a scenario's new
    places from its ``from_year`` (NaN without a capacity file)."""
    if capacity is None:
        return float("nan")
    key = {v: k for k, v in PHASE_KEYS.items()}[phase]
    specialist = {k for k, v in SETTING_KEYS.items() if v in SPECIALIST_SETTINGS}
    rows = capacity[(capacity["phase"] == key) & capacity["setting"].isin(specialist)]
    places = float(rows["places"].sum())
    if (scenario is not None and scenario.new_places and scenario.new_places_phase == key
            and scenario.new_places_setting in specialist
            and (scenario.from_year is None or year >= scenario.from_year)):
        places += scenario.new_places
    return places


def places_needed(run: CohortRun, capacity: pd.DataFrame | None = None,
                  scenario: ForecastScenario | None = None) -> pd.DataFrame:
    """Pupils needing a specialist place by phase and January, against the places there are.

    Parameters
    ----------
    run : CohortRun
        A simulation at least 7 years ahead (shorter runs show fewer years).
    capacity : DataFrame, optional
        :func:`jsna.sources.capacity.read_specialist_capacity`.
    scenario : ForecastScenario, optional
        Its new places are added from its ``from_year``.

    Returns
    -------
    DataFrame
        Columns :data:`PLACES_COLUMNS`: the median and 80% interval of the pupils in specialist
        settings, the places, the shortfall (median minus places: above 0, too few places) and
        the share of draws with more pupils than places (NaN without capacity).
    """
    specialist = np.isin(run.settings, SPECIALIST_SETTINGS)
    phases = phase_of_age(run.counts.ages)
    rows = []
    for phase in PHASES:
        demand = run.paths[:, :, phases == phase][..., specialist].sum(axis=(-2, -1))
        for position, year in enumerate(run.years[:HORIZONS[phase]]):
            draws = demand[:, position]
            places = specialist_places(capacity, scenario, phase, year)
            median, lower, upper = np.quantile(draws, [0.5, 0.1, 0.9])
            rows.append([phase, year, median, lower, upper, places, median - places,
                         float((draws > places).mean()) if not np.isnan(places) else np.nan])
    return pd.DataFrame(rows, columns=PLACES_COLUMNS)

