"""A cohort (Markov) model of pupils with EHC plans: age x setting (x need group), with uncertainty.

Every pupil with an EHC plan in a January census is in one *state*: an age (at the start of the
school year) and a state label (a setting of :data:`SETTINGS`, or a setting and a broad need
group). Between two consecutive censuses, linked on the pseudonymous ``pupil_key``, each pupil
in state ``k`` at age ``a``

* *moves* to a state ``j`` at age ``a + 1`` (staying in the same setting is a "move" to the
  same state), or
* *leaves* the model (the plan ended, the pupil left the council's schools, or aged out).

Pupils in a census who were not in the previous one (with a plan) are *joiners* of their state.

Estimation (:func:`count_transitions`, :func:`fit_posterior`): the destinations of each
source state are multinomial, with a Dirichlet posterior whose prior is ``prior_weight``
pseudo-pupils spread as the destinations of the same state label over every age (pooled), so a
state seen rarely borrows from its label's other ages; joiners of each state arrive as a Poisson
count each year with a gamma posterior (prior shape ``joiner_prior_shape``, rate 0).

Forecast (:func:`simulate`): each draw samples one set of transition rates from the posteriors,
then moves the pupils year by year with multinomial and Poisson noise, so the intervals hold
both the uncertainty of the rates and the chance in who moves. Joiners can be scaled by a
population projection (:func:`joiner_scale_from_population`). All arithmetic is on numpy arrays
of shape ``(draws, ages, states)``: no loop runs over pupils.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jsna.config import FORECAST_PHASES, FORECAST_SETTINGS
from jsna.errors import JsnaInputError
from jsna.sources.schools import AP, PRIMARY, SECONDARY, SPECIAL

MAINSTREAM = "Mainstream school"
RESOURCED = "Resourced provision or SEN unit"
STATE_SPECIAL = "State-funded special school"
INDEPENDENT_SPECIAL = "Independent or non-maintained special school"
POST16 = "Post-16 or further education"
OTHER = "Other (alternative provision, unlisted school)"
#: The settings of the model, in the order of its arrays.
SETTINGS: tuple[str, ...] = (MAINSTREAM, RESOURCED, STATE_SPECIAL, INDEPENDENT_SPECIAL, POST16,
                             OTHER)
#: Settings whose places are specialist places.
SPECIALIST_SETTINGS: tuple[str, ...] = (RESOURCED, STATE_SPECIAL, INDEPENDENT_SPECIAL)
#: Short names of :data:`SETTINGS` used in the configuration and the capacity file.
SETTING_KEYS: dict[str, str] = dict(zip(FORECAST_SETTINGS, SETTINGS, strict=True))

#: The four broad areas of need of the SEND Code of Practice (2015, 6.28), by census need code.
NEED_GROUPS: dict[str, str] = {
    "SLCN": "Communication and interaction", "ASD": "Communication and interaction",
    "MLD": "Cognition and learning", "SLD": "Cognition and learning",
    "PMLD": "Cognition and learning", "SPLD": "Cognition and learning",
    "SEMH": "Social, emotional and mental health",
    "HI": "Sensory and/or physical", "VI": "Sensory and/or physical",
    "MSI": "Sensory and/or physical", "PD": "Sensory and/or physical",
}
#: Need group of a plan whose need is other, not assessed or blank.
OTHER_NEED = "Other or not recorded"

#: Phases of the school capacity (SCAP) return by age at the start of the school year.
PHASES: tuple[str, ...] = ("Primary", "Secondary", "Post-16")
#: Short names of :data:`PHASES` used in the configuration and the capacity file.
PHASE_KEYS: dict[str, str] = dict(zip(FORECAST_PHASES, PHASES, strict=True))


def phase_of_age(ages: np.ndarray | Sequence[int]) -> np.ndarray:
    """The phase of each age (age on 31 August): primary up to 10, secondary 11-15, then post-16.

    Parameters
    ----------
    ages : array of int

    Returns
    -------
    array of str
        One of :data:`PHASES` each.

    Examples
    --------
    >>> phase_of_age([4, 10, 11, 15, 16]).tolist()
    ['Primary', 'Primary', 'Secondary', 'Secondary', 'Post-16']
    """
    ages = np.asarray(ages)
    return np.select([ages <= 10, ages <= 15], [PHASES[0], PHASES[1]], PHASES[2]).astype(object)


def school_settings(schools: pd.DataFrame) -> pd.Series:
    """The model setting of each school of a schools list read by :func:`read_schools`.

    Special schools whose type of establishment says independent or non-maintained are
    :data:`INDEPENDENT_SPECIAL`; other special schools :data:`STATE_SPECIAL`; further education
    and sixth-form colleges (by type or a ``16 plus`` phase) :data:`POST16`; other mainstream
    schools :data:`MAINSTREAM`; alternative provision :data:`OTHER`. A schools list does not say
    which mainstream schools have a resourced provision or SEN unit, so :data:`RESOURCED` stays
    empty unless the type of establishment names one.

    Parameters
    ----------
    schools : DataFrame
        ``urn``, ``phase``, ``setting`` and ``type_of_establishment``.

    Returns
    -------
    Series
        Model setting by URN (text).
    """
    kind = schools["type_of_establishment"].fillna("").astype(str).str.lower()
    phase = schools["phase"].fillna("").astype(str).str.lower()
    setting = schools["setting"]
    independent = kind.str.contains("non-maintained|independent", regex=True)
    choices = [
        kind.str.contains("resourced|sen unit", regex=True) & setting.isin([PRIMARY, SECONDARY]),
        (setting == SPECIAL) & independent,
        independent & kind.str.contains("special"),
        setting == SPECIAL,
        kind.str.contains("further education|sixth form", regex=True) | (phase == "16 plus"),
        setting.isin([PRIMARY, SECONDARY]),
        setting == AP,
    ]
    values = [RESOURCED, INDEPENDENT_SPECIAL, INDEPENDENT_SPECIAL, STATE_SPECIAL, POST16,
              MAINSTREAM, OTHER]
    model = np.select(choices, values, OTHER)
    return pd.Series(model, index=schools["urn"].astype(str).to_numpy(), name="model_setting")


def need_group(primary_need: pd.Series) -> pd.Series:
    """The broad area of need (:data:`NEED_GROUPS`) of each census need code.

    Examples
    --------
    >>> need_group(pd.Series(["ASD", "SEMH", None, "OTH"])).tolist()
    ['Communication and interaction', 'Social, emotional and mental health', \
'Other or not recorded', 'Other or not recorded']
    """
    return primary_need.astype(object).map(NEED_GROUPS).fillna(OTHER_NEED).astype(str)


def state_labels(settings: Sequence[str], needs: Sequence[str] | None = None) -> tuple[str, ...]:
    """The model's state labels: each setting, or each setting x need group (``"setting | need"``).

    Examples
    --------
    >>> state_labels(["A", "B"], ["x", "y"])
    ('A | x', 'A | y', 'B | x', 'B | y')
    """
    if needs is None:
        return tuple(settings)
    return tuple(f"{s} | {n}" for s in settings for n in needs)


@dataclass(frozen=True)
class CohortCounts:
    """What the linked censuses show: stock, moves and joiners by age and state.

    Attributes
    ----------
    years : tuple of int
        Consecutive census years.
    ages : ndarray of int
        Consecutive ages (the model's grid), shape ``(A,)``.
    states : tuple of str
        State labels, ``K`` of them.
    stock : ndarray of int
        Pupils by census year, age and state, shape ``(Y, A, K)``.
    moves : ndarray of int
        Over all pairs of consecutive years: pupils in state ``k`` at age ``a`` who were in state
        ``j`` the next year (``j < K``) or were not in the model (``j = K``, left), shape
        ``(A, K, K + 1)``. A pupil's age the next year is taken as ``a + 1``.
    joiners : ndarray of int
        For each pair of years, pupils in the later census not in the earlier one, by their
        age and state in the later census, shape ``(Y - 1, A, K)``.
    unlinked : int
        Records with no pupil key or age, left out of the model (the model cannot follow them).
    """

    years: tuple[int, ...]
    ages: np.ndarray
    states: tuple[str, ...]
    stock: np.ndarray
    moves: np.ndarray
    joiners: np.ndarray
    unlinked: int = 0


def count_transitions(pupils: pd.DataFrame, states: Sequence[str],
                      ages: Sequence[int] | np.ndarray | None = None) -> CohortCounts:
    """Count stock, moves, leavers and joiners from a linked multi-year census.

    Parameters
    ----------
    pupils : DataFrame
        One row per pupil per census in the model (e.g. pupils with an EHC plan): ``census_year``,
        ``pupil_key``, ``age`` and ``state`` (one of ``states``). Rows without a pupil key or an
        age are counted in ``unlinked`` and left out; a pupil key repeated within a census keeps
        its first row.
    states : sequence of str
        The state labels, in the order of the arrays.
    ages : sequence of int, optional
        The age grid; default every age from the youngest to the oldest in ``pupils``.

    Returns
    -------
    CohortCounts

    Raises
    ------
    JsnaInputError
        When the census years are not consecutive (at least two), or a state is not one of
        ``states``.
    """
    years = sorted(int(y) for y in pd.unique(pupils["census_year"]))
    if len(years) < 2 or years != list(range(years[0], years[-1] + 1)):
        raise JsnaInputError("the cohort model needs two or more consecutive censuses, got "
                             f"{', '.join(map(str, years)) or 'none'}")
    known = (pupils["pupil_key"].notna() & pupils["age"].notna()).to_numpy()
    # integer pupil codes: linking is array indexing, never a search over text keys
    key = pd.factorize(pupils["pupil_key"].to_numpy()[known])[0]
    year = pupils["census_year"].to_numpy()[known].astype(int) - years[0]
    age = pupils["age"].to_numpy()[known].astype(int)
    label = pupils["state"].to_numpy()[known]
    first = ~pd.DataFrame({"y": year, "k": key}).duplicated().to_numpy()
    key, year, age, label = key[first], year[first], age[first], label[first]
    codes = pd.Index(list(states)).get_indexer(pd.Index(label))
    if (codes < 0).any():
        wrong = sorted(set(label[codes < 0].astype(str)))
        raise JsnaInputError(f"states not in the model: {', '.join(wrong)}")
    grid = (np.arange(age.min(), age.max() + 1) if ages is None
            else np.asarray(ages, dtype=int))
    inside = (age >= grid[0]) & (age <= grid[-1])
    key, year, a, k = key[inside], year[inside], age[inside] - grid[0], codes[inside]
    n_ages, n_states, n_keys = len(grid), len(states), int(key.max(initial=-1)) + 1
    stock = np.zeros((len(years), n_ages, n_states), dtype=np.int64)
    np.add.at(stock, (year, a, k), 1)
    moves = np.zeros((n_ages, n_states, n_states + 1), dtype=np.int64)
    joiners = np.zeros((len(years) - 1, n_ages, n_states), dtype=np.int64)
    for pair in range(len(years) - 1):  # a loop over years, not pupils
        before, after = year == pair, year == pair + 1
        state_after = np.full(n_keys, n_states)  # "left" unless found the next year
        state_after[key[after]] = k[after]
        np.add.at(moves, (a[before], k[before], state_after[key[before]]), 1)
        was_before = np.zeros(n_keys, dtype=bool)
        was_before[key[before]] = True
        new = after & ~was_before[key]
        np.add.at(joiners[pair], (a[new], k[new]), 1)
    return CohortCounts(tuple(years), grid, tuple(states), stock, moves, joiners,
                        unlinked=int((~known).sum()))


@dataclass(frozen=True)
class CohortPosterior:
    """Posterior of the transition rates (Dirichlet) and joiner rates (gamma).

    Attributes
    ----------
    ages : ndarray of int
    states : tuple of str
    move_alpha : ndarray
        Dirichlet parameters of each source state's destinations (the last is "left"), shape
        ``(A, K, K + 1)``.
    joiner_shape : ndarray
        Gamma shape of each state's yearly joiners, shape ``(A, K)``.
    joiner_rate : float
        Gamma rate (the number of years of joiners seen).
    """

    ages: np.ndarray
    states: tuple[str, ...]
    move_alpha: np.ndarray
    joiner_shape: np.ndarray
    joiner_rate: float

    def mean_moves(self) -> np.ndarray:
        """Posterior mean of the destination shares, shape ``(A, K, K + 1)``."""
        return self.move_alpha / self.move_alpha.sum(axis=-1, keepdims=True)

    def mean_joiners(self) -> np.ndarray:
        """Posterior mean of the yearly joiners, shape ``(A, K)``."""
        return self.joiner_shape / self.joiner_rate


def fit_posterior(counts: CohortCounts, *, prior_weight: float = 1.0,
                  joiner_prior_shape: float = 0.5) -> CohortPosterior:
    """Dirichlet posteriors of the moves and gamma posteriors of the joiners.

    The Dirichlet prior of the state ``(a, k)`` is ``prior_weight`` pseudo-pupils spread as
    ``(m_kj + 1 / (K + 1)) / (m_k + 1)``, where ``m_kj`` is the number of moves from label ``k``
    to ``j`` over every age and ``m_k`` their sum (so it is never zero). The joiners' gamma
    prior has shape ``joiner_prior_shape`` and rate 0: the posterior is
    ``Gamma(joiner_prior_shape + joiners, years)``; a state label never seen in any census gets
    no prior (shape 0: no joiners), so the model does not invent pupils in an unused setting.

    Parameters
    ----------
    counts : CohortCounts
    prior_weight : float, default 1
        Pseudo-pupils of the moves' prior (0 or more).
    joiner_prior_shape : float, default 0.5
        Above zero.

    Returns
    -------
    CohortPosterior
    """
    if prior_weight < 0 or joiner_prior_shape <= 0:
        raise ValueError("prior_weight must be 0 or more and joiner_prior_shape above zero")
    pooled = counts.moves.sum(axis=0).astype(float)
    n_destinations = pooled.shape[-1]
    share = (pooled + 1.0 / n_destinations) / (pooled.sum(axis=-1, keepdims=True) + 1.0)
    alpha = counts.moves + prior_weight * share[None, :, :]
    # a state never seen, with no prior: one pseudo-pupil leaving keeps the Dirichlet proper
    empty = alpha.sum(axis=-1) == 0
    alpha[..., -1] = np.where(empty, 1.0, alpha[..., -1])
    # the joiners' prior only for labels seen in some census (no phantom pupils elsewhere)
    seen = (counts.stock.sum(axis=(0, 1)) + counts.joiners.sum(axis=(0, 1))) > 0
    shape = joiner_prior_shape * seen[None, :] + counts.joiners.sum(axis=0)
    return CohortPosterior(counts.ages, counts.states, alpha, shape.astype(float),
                           float(counts.joiners.shape[0]))


@dataclass(frozen=True)
class Adjustment:
    """A change to the rates from one forecast year on (a scenario), as arrays.

    Attributes
    ----------
    start : int
        Index of the first forecast year changed (0 = the first year ahead).
    joiner_multiplier : float
        Joiners are multiplied by it.
    shift_from, shift_to : int or None
        State-label indices: a share of the pupils who would *join or move into* a state whose
        setting is ``shift_from`` (not those staying in it) are placed in the matching
        ``shift_to`` state instead.
    shift_share : float
    """

    start: int = 0
    joiner_multiplier: float = 1.0
    shift_from: np.ndarray | None = None
    shift_to: np.ndarray | None = None
    shift_share: float = 0.0


def _shifted(moves: np.ndarray, joiners: np.ndarray, change: Adjustment
             ) -> tuple[np.ndarray, np.ndarray]:
    """Apply a scenario's changes to sampled rates (last axes: source state, destination)."""
    joiners = joiners * change.joiner_multiplier
    if change.shift_from is None or change.shift_to is None or change.shift_share == 0:
        return moves, joiners
    moves, joiners = moves.copy(), joiners.copy()
    share = change.shift_share
    for source, target in zip(change.shift_from, change.shift_to, strict=True):
        moved = joiners[..., source] * share
        joiners[..., source] -= moved
        joiners[..., target] += moved
        # movers into `source` from any other state; pupils already there stay
        into = moves[..., :, source].copy()
        into[..., source] = 0.0
        moves[..., :, source] -= into * share
        moves[..., :, target] += into * share
    return moves, joiners


def sample_rates(posterior: CohortPosterior, draws: int, rng: np.random.Generator
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Draw transition shares ``(D, A, K, K + 1)`` and yearly joiners ``(D, A, K)``.

    Dirichlet draws are normalised gamma draws (one per destination); gamma draws of the
    joiners use scale ``1 / joiner_rate``.
    """
    alpha = posterior.move_alpha
    gammas = rng.standard_gamma(np.broadcast_to(alpha, (draws, *alpha.shape)))
    moves = gammas / gammas.sum(axis=-1, keepdims=True)
    joiners = rng.gamma(np.broadcast_to(posterior.joiner_shape,
                                        (draws, *posterior.joiner_shape.shape)),
                        1.0 / posterior.joiner_rate)
    return moves, joiners


def step(stock: np.ndarray, moves: np.ndarray, joiners: np.ndarray) -> np.ndarray:
    """Expected stock one year on: everyone a year older, moved by ``moves``, plus joiners.

    Parameters
    ----------
    stock : ndarray
        ``(..., A, K)``.
    moves : ndarray
        ``(..., A, K, K + 1)`` destination shares (the last is "left").
    joiners : ndarray
        ``(..., A, K)``.

    Returns
    -------
    ndarray
        ``(..., A, K)``; the oldest age's pupils leave the grid.
    """
    flowed = np.einsum("...ak,...akj->...aj", stock, moves[..., :-1])
    aged = np.zeros_like(flowed)
    aged[..., 1:, :] = flowed[..., :-1, :]
    return aged + joiners


def multinomial(rng: np.random.Generator, counts: np.ndarray, shares: np.ndarray,
                order: np.ndarray | None = None) -> np.ndarray:
    """Multinomial draws of ``counts`` pupils over the last axis of ``shares``, vectorised.

    Only cells holding pupils are drawn, one category at a time by conditional binomials
    (``X_j ~ Binomial(n - X_1 - ... - X_{j-1}, p_j / (1 - p_1 - ... - p_{j-1}))``), likeliest
    category first and only for cells with pupils still to place: the same distribution as
    :meth:`numpy.random.Generator.multinomial`, much faster on many small cells.

    Parameters
    ----------
    rng : numpy.random.Generator
    counts : ndarray of int
        Pupils per cell, shape ``S``.
    shares : ndarray
        Shares of each category, shape ``S + (C,)``, summing to 1 over the last axis.

    order : ndarray of int, optional
        ``np.argsort(-shares, axis=-1)`` when ``shares`` are given already sorted that way
        (a simulation sorts its rates once, not every year).

    Returns
    -------
    ndarray of int
        Shape ``S + (C,)``; each cell's draws add up to its count.
    """
    n_categories = shares.shape[-1]
    flat_counts = np.broadcast_to(counts, shares.shape[:-1]).reshape(-1)
    busy = np.flatnonzero(flat_counts > 0)
    chosen = shares.reshape(-1, n_categories)[busy]
    # likeliest category first: after staying and leaving, few pupils are left to share out
    if order is None:
        rank = np.argsort(-chosen, axis=1, kind="stable")
        chosen = np.take_along_axis(chosen, rank, axis=1)
    else:
        rank = order.reshape(-1, n_categories)[busy]
    left = flat_counts[busy].astype(np.int64)
    rest = np.ones(len(busy))
    drawn = np.zeros(chosen.shape, dtype=np.int64)
    active = np.arange(len(busy))
    for category in range(n_categories - 1):
        if active.size == 0:
            break
        share = np.clip(chosen[active, category] / np.maximum(rest[active], 1e-300), 0.0, 1.0)
        taken = rng.binomial(left[active], share)
        drawn[active, category] = taken
        left[active] -= taken
        rest[active] -= chosen[active, category]
        active = active[left[active] > 0]
    drawn[:, -1] += left
    out = np.zeros((len(flat_counts), n_categories), dtype=np.int64)
    unsorted = np.zeros_like(drawn)
    np.put_along_axis(unsorted, rank, drawn, axis=1)
    out[busy] = unsorted
    return out.reshape(shares.shape)

def _ranked(shares: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Shares sorted likeliest first along the last axis, and the order that sorts them."""
    order = np.argsort(-shares, axis=-1, kind="stable")
    return np.take_along_axis(shares, order, axis=-1), order


def simulate(posterior: CohortPosterior, start: np.ndarray, years: int, draws: int,
             rng: np.random.Generator, *, joiner_scale: np.ndarray | None = None,
             adjustment: Adjustment | None = None) -> np.ndarray:
    """Simulate the stock ``years`` ahead, ``draws`` times.

    Parameters
    ----------
    posterior : CohortPosterior
    start : ndarray of int
        Pupils by age and state in the last census, ``(A, K)``.
    years : int
        Years ahead (1 or more).
    draws : int
        Draws (1 or more): each samples its own rates, then its own pupils' moves.
    rng : numpy.random.Generator
    joiner_scale : ndarray, optional
        ``(years, A)`` multipliers of the joiners (e.g. projected population over the
        population of the fitted years); default 1.
    adjustment : Adjustment, optional
        A scenario's changes to the rates.

    Returns
    -------
    ndarray of int
        ``(draws, years, A, K)``.
    """
    if years < 1 or draws < 1:
        raise ValueError("years and draws must be 1 or more")
    moves, joiners = sample_rates(posterior, draws, rng)
    changed = _shifted(moves, joiners, adjustment) if adjustment is not None else None
    ranked = [_ranked(moves)] + ([_ranked(changed[0])] if changed is not None else [])
    scale = np.ones((years, len(posterior.ages))) if joiner_scale is None else joiner_scale
    n_states = len(posterior.states)
    stock = np.broadcast_to(np.asarray(start, dtype=np.int64), (draws, *start.shape))
    out = np.empty((draws, years, *start.shape), dtype=np.int64)
    for ahead in range(years):  # a loop over years: every draw, age and state at once
        (rates, order), arrivals = ranked[0], joiners
        if changed is not None and adjustment is not None and ahead >= adjustment.start:
            (rates, order), arrivals = ranked[1], changed[1]
        flows = multinomial(rng, stock, rates, order)[..., :n_states]
        moved = flows.sum(axis=-2)  # (D, A, K) destinations, still at the source age
        aged = np.zeros_like(moved)
        aged[:, 1:, :] = moved[:, :-1, :]
        stock = aged + rng.poisson(arrivals * scale[ahead][None, :, None])
        out[:, ahead] = stock
    return out


def joiner_scale_from_population(population: pd.DataFrame, ages: Sequence[int],
                                 fitted: Sequence[int], ahead: Sequence[int]) -> np.ndarray | None:
    """Joiners' multipliers from a population projection: each future year's population at each
    age over the mean population at that age in the fitted years.

    January ``y`` uses the mid-year population of ``y - 1``.

    Parameters
    ----------
    population : DataFrame
        ``year`` (mid-year), ``age``, ``population`` for the council (persons).
    ages : sequence of int
        The model's ages.
    fitted : sequence of int
        Januaries whose joiners were counted (the later census of each pair).
    ahead : sequence of int
        Januaries forecast.

    Returns
    -------
    ndarray or None
        ``(len(ahead), len(ages))``; None when the population does not cover every year needed
        (then the joiners are not scaled).
    """
    table = population.pivot_table(index="year", columns="age", values="population",
                                   aggfunc="sum")
    needed = [y - 1 for y in [*fitted, *ahead]]
    if not set(needed) <= set(table.index) or not set(ages) <= set(table.columns):
        return None
    table = table.loc[:, list(ages)].astype(float)
    base = table.loc[[y - 1 for y in fitted]].mean(axis=0).to_numpy()
    future = table.loc[[y - 1 for y in ahead]].to_numpy()
    return np.where(base > 0, future / np.where(base > 0, base, 1.0), 1.0)
