"""The cohort model run on a council's cleaned census: states, draws, fans, scenarios, back-test.

* :func:`plan_states` -- the pupils with an EHC plan in each census, with their model state
  (setting from the schools list, and optionally a broad need group).
* :func:`run_cohort` -- fit the posteriors on the censuses up to a January and simulate the
  years after (optionally under a scenario's :class:`~jsna.forecast.cohort.Adjustment`).
* :func:`fan_table` -- median and 50/80/95% intervals of the totals by setting, phase or both.
* :func:`scenario_adjustment` -- a configured scenario as an adjustment of the rates.
* :func:`backtest_cohort` -- fit up to an earlier January and compare with the censuses since.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jsna.config import ForecastScenario
from jsna.errors import JsnaInputError
from jsna.forecast.cohort import (
    NEED_GROUPS,
    OTHER,
    OTHER_NEED,
    SETTING_KEYS,
    SETTINGS,
    Adjustment,
    CohortCounts,
    count_transitions,
    fit_posterior,
    need_group,
    phase_of_age,
    school_settings,
    simulate,
    state_labels,
)

#: Interval levels shown in the fan charts and tables.
LEVELS: tuple[float, ...] = (0.5, 0.8, 0.95)
#: Columns of :func:`fan_table` (besides the grouping columns).
FAN_COLUMNS = ["year", "median", "lower_50", "upper_50", "lower_80", "upper_80", "lower_95",
               "upper_95"]
#: Separator of a setting and a need group in a state label.
SEPARATOR = " | "


def plan_states(pupils: pd.DataFrame, schools: pd.DataFrame, *, by_need: bool = False
                ) -> pd.DataFrame:
    """The pupils with an EHC plan, with their model state, one row per pupil per census.

    Parameters
    ----------
    pupils : DataFrame
        The cleaned census (``census_year``, ``pupil_key``, ``age``, ``sen_provision``,
        ``school_urn``, ``primary_need``).
    schools : DataFrame
        The schools list (:func:`jsna.sources.schools.read_schools`); a pupil whose school is
        not in it is in :data:`~jsna.forecast.cohort.OTHER`.
    by_need : bool, default False
        States are setting x broad need group instead of setting.

    Returns
    -------
    DataFrame
        ``census_year``, ``pupil_key``, ``age``, ``setting``, ``state``.
    """
    plans = pupils[pupils["sen_provision"].astype(str) == "E"]
    by_urn = school_settings(schools)
    setting = plans["school_urn"].astype(object).map(by_urn).fillna(OTHER).astype(str)
    state = setting
    if by_need:
        state = setting + SEPARATOR + need_group(plans["primary_need"]).to_numpy()
    return pd.DataFrame({"census_year": plans["census_year"].astype(int).to_numpy(),
                         "pupil_key": plans["pupil_key"].to_numpy(),
                         "age": plans["age"].to_numpy(), "setting": setting.to_numpy(),
                         "state": state.to_numpy()})


def model_states(by_need: bool) -> tuple[str, ...]:
    """Every state label of the model (settings, or settings x need groups)."""
    needs = sorted({*NEED_GROUPS.values()}) + [OTHER_NEED] if by_need else None
    return state_labels(SETTINGS, needs)


@dataclass(frozen=True)
class CohortRun:
    """Simulated years ahead of a cohort model."""

    #: What the fitted censuses showed.
    counts: CohortCounts
    #: Januaries simulated.
    years: tuple[int, ...]
    #: Simulated pupils, ``(draws, years, ages, states)`` integers.
    paths: np.ndarray

    @property
    def settings(self) -> np.ndarray:
        """The setting of each state."""
        return np.array([s.split(SEPARATOR)[0] for s in self.counts.states], dtype=object)


def run_cohort(states: pd.DataFrame, *, fit_end: int, years_ahead: int, draws: int,
               seed: int, by_need: bool = False, joiner_scale: np.ndarray | None = None,
               adjustment: Adjustment | None = None, prior_weight: float = 1.0) -> CohortRun:
    """Fit on the censuses up to ``fit_end`` and simulate the next ``years_ahead`` Januaries.

    Parameters
    ----------
    states : DataFrame
        From :func:`plan_states`.
    fit_end : int
        The last census fitted (its stock is the starting point).
    years_ahead, draws, seed : int
    by_need : bool
        Whether ``states`` holds need groups.
    joiner_scale : ndarray, optional
        ``(years_ahead, ages)`` joiner multipliers.
    adjustment : Adjustment, optional
    prior_weight : float
        Pseudo-pupils of each state's Dirichlet prior.

    Returns
    -------
    CohortRun
    """
    fitted = states[states["census_year"] <= fit_end]
    ages = np.arange(int(states["age"].min()), int(states["age"].max()) + 1)
    counts = count_transitions(fitted, model_states(by_need), ages)
    posterior = fit_posterior(counts, prior_weight=prior_weight)
    rng = np.random.default_rng(seed)
    paths = simulate(posterior, counts.stock[-1], years_ahead, draws, rng,
                     joiner_scale=joiner_scale, adjustment=adjustment)
    return CohortRun(counts, tuple(range(fit_end + 1, fit_end + years_ahead + 1)), paths)


def group_totals(run: CohortRun, by: Sequence[str]) -> dict[tuple[str, ...], np.ndarray]:
    """Draws x years totals of each group (``by``: ``"setting"`` and/or ``"phase"``).

    An empty ``by`` gives the total of every pupil (key ``()``).
    """
    phases = phase_of_age(run.counts.ages)
    settings = run.settings
    out: dict[tuple[str, ...], np.ndarray] = {}
    setting_values = sorted(set(settings), key=SETTINGS.index) if "setting" in by else [None]
    phase_values = list(dict.fromkeys(phases)) if "phase" in by else [None]
    for setting in setting_values:
        state_mask = np.ones(len(settings), bool) if setting is None else settings == setting
        for phase in phase_values:
            age_mask = np.ones(len(phases), bool) if phase is None else phases == phase
            chosen = run.paths[:, :, age_mask][..., state_mask]
            key = tuple(v for v in (setting, phase) if v is not None)
            out[key] = chosen.sum(axis=(-2, -1))
    return out


def fan_table(run: CohortRun, by: Sequence[str] = ()) -> pd.DataFrame:
    """Median and 50/80/95% intervals of each group's total for each January ahead.

    Parameters
    ----------
    run : CohortRun
    by : sequence of str
        ``"setting"`` and/or ``"phase"`` (empty: all pupils).

    Returns
    -------
    DataFrame
        The ``by`` columns and :data:`FAN_COLUMNS`.
    """
    quantiles = [0.5] + [q for level in LEVELS for q in ((1 - level) / 2, (1 + level) / 2)]
    rows = []
    for key, totals in group_totals(run, by).items():
        values = np.quantile(totals, quantiles, axis=0)  # (quantiles, years)
        for position, year in enumerate(run.years):
            rows.append([*key, year, *values[:, position]])
    return pd.DataFrame(rows, columns=[*by, *FAN_COLUMNS])


def scenario_adjustment(scenario: ForecastScenario, states: Sequence[str], first_year: int
                        ) -> Adjustment:
    """A configured scenario as changes to the rates from its ``from_year`` on.

    Parameters
    ----------
    scenario : ForecastScenario
    states : sequence of str
        The model's state labels.
    first_year : int
        The first January forecast.

    Returns
    -------
    Adjustment
        ``shift_from``/``shift_to`` pair each state of the one setting with the state of the
        other setting and the same need group.
    """
    start = 0 if scenario.from_year is None else max(0, scenario.from_year - first_year)
    source, target = SETTING_KEYS[scenario.shift_from], SETTING_KEYS[scenario.shift_to]
    index = {label: position for position, label in enumerate(states)}
    pairs = [(position, index[target + label[len(source):]])
             for label, position in index.items()
             if label.split(SEPARATOR)[0] == source and target + label[len(source):] in index]
    return Adjustment(start=start, joiner_multiplier=scenario.joiner_rate,
                      shift_from=np.array([p[0] for p in pairs], dtype=int),
                      shift_to=np.array([p[1] for p in pairs], dtype=int),
                      shift_share=scenario.shift_share)


def backtest_cohort(states: pd.DataFrame, *, fit_end: int, draws: int, seed: int,
                    by_need: bool = False, level: float = 0.8) -> pd.DataFrame:
    """Fit up to ``fit_end`` and compare every later census with the forecast, by setting.

    Never looks at a census after ``fit_end`` when fitting.

    Parameters
    ----------
    states : DataFrame
        From :func:`plan_states`, with censuses after ``fit_end``.
    fit_end : int
    draws, seed : int
    by_need : bool
    level : float
        Interval level whose coverage is reported.

    Returns
    -------
    DataFrame
        ``year``, ``setting`` (``"All settings"`` for the total), ``forecast`` (median),
        ``lower``, ``upper``, ``actual``, ``error_percent`` (NaN where the actual is 0),
        ``inside``.

    Raises
    ------
    JsnaInputError
        When no census follows ``fit_end`` or fewer than two are fitted.
    """
    last = int(states["census_year"].max())
    if last <= fit_end:
        raise JsnaInputError(f"no census after {fit_end} to test the cohort model against")
    run = run_cohort(states, fit_end=fit_end, years_ahead=last - fit_end, draws=draws,
                     seed=seed, by_need=by_need)
    low, high = (1 - level) / 2, (1 + level) / 2
    known = states[states["pupil_key"].notna() & states["age"].notna()
                   & (states["census_year"] > fit_end)]
    actual = known.groupby(["census_year", "setting"]).size()
    rows = []
    groups = {**{(k[0],): v for k, v in group_totals(run, ["setting"]).items()},
              ("All settings",): group_totals(run, [])[()]}
    for (setting,), totals in groups.items():
        for position, year in enumerate(run.years):
            outcome = (actual.xs(year, level="census_year").sum() if setting == "All settings"
                       else actual.get((year, setting), 0))
            median, lower, upper = np.quantile(totals[:, position], [0.5, low, high])
            rows.append({"year": year, "setting": setting, "forecast": median, "lower": lower,
                         "upper": upper, "actual": int(outcome),
                         "error_percent": ((median - outcome) / outcome * 100
                                           if outcome else np.nan),
                         "inside": bool(lower <= outcome <= upper)})
    return pd.DataFrame(rows)
