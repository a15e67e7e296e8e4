"""The cohort (Markov) model on small transition examples worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.errors import JsnaInputError
from jsna.forecast.cohort import (
    INDEPENDENT_SPECIAL,
    MAINSTREAM,
    OTHER,
    POST16,
    STATE_SPECIAL,
    Adjustment,
    CohortCounts,
    CohortPosterior,
    _shifted,
    count_transitions,
    fit_posterior,
    joiner_scale_from_population,
    sample_rates,
    school_settings,
    simulate,
    step,
)


def _census() -> pd.DataFrame:
    rows = [  # year, key, age, state
        (2020, "p1", 5, "M"), (2020, "p2", 5, "M"), (2020, "p3", 6, "S"), (2020, "p4", 6, "M"),
        (2020, None, 5, "M"),  # no pupil key: cannot be followed
        (2021, "p1", 6, "M"), (2021, "p2", 6, "S"), (2021, "p3", 7, "S"),
        (2021, "p6", 5, "M"), (2021, "p7", 7, "S"),
    ]
    return pd.DataFrame(rows, columns=["census_year", "pupil_key", "age", "state"])


def test_counts_moves_leavers_and_joiners_by_hand() -> None:
    counts = count_transitions(_census(), ["M", "S"])
    assert counts.ages.tolist() == [5, 6, 7]
    assert counts.unlinked == 1
    expected_moves = np.zeros((3, 2, 3), dtype=int)
    expected_moves[0, 0] = [1, 1, 0]  # age 5 mainstream: p1 stays, p2 moves to special
    expected_moves[1, 1] = [0, 1, 0]  # age 6 special: p3 stays
    expected_moves[1, 0] = [0, 0, 1]  # age 6 mainstream: p4 leaves
    np.testing.assert_array_equal(counts.moves, expected_moves)
    expected_joiners = np.zeros((1, 3, 2), dtype=int)
    expected_joiners[0, 0, 0] = 1  # p6, age 5 mainstream
    expected_joiners[0, 2, 1] = 1  # p7, age 7 special
    np.testing.assert_array_equal(counts.joiners, expected_joiners)
    np.testing.assert_array_equal(counts.stock[0], [[2, 0], [1, 1], [0, 0]])
    np.testing.assert_array_equal(counts.stock[1], [[1, 0], [1, 1], [0, 2]])


def test_counts_refuse_a_gap_between_censuses_and_unknown_states() -> None:
    frame = _census()
    with pytest.raises(JsnaInputError, match="consecutive censuses"):
        count_transitions(frame.assign(census_year=frame["census_year"].replace(2021, 2022)),
                          ["M", "S"])
    with pytest.raises(JsnaInputError, match="states not in the model: S"):
        count_transitions(frame, ["M"])


def _two_state_counts() -> CohortCounts:
    moves = np.zeros((2, 2, 3), dtype=int)
    moves[0, 0] = [6, 2, 2]  # age 5 mainstream: 6 stay, 2 to special, 2 leave
    joiners = np.zeros((2, 2, 2), dtype=int)
    joiners[:, 0, 0] = [3, 5]
    stock = np.zeros((3, 2, 2), dtype=int)
    stock[0, 0, 0] = 10
    return CohortCounts((2020, 2021, 2022), np.array([5, 6]), ("M", "S"), stock, moves, joiners)


def test_posterior_means_by_hand() -> None:
    posterior = fit_posterior(_two_state_counts(), prior_weight=1.0, joiner_prior_shape=0.5)
    # prior of label M: (pooled [6, 2, 2] + 1/3) / 11 = [19, 7, 7] / 33
    np.testing.assert_allclose(posterior.mean_moves()[0, 0], np.array([217, 73, 73]) / 363)
    np.testing.assert_allclose(posterior.mean_moves()[1, 0], np.array([19, 7, 7]) / 33)
    np.testing.assert_allclose(posterior.mean_moves()[0, 1], [1 / 3, 1 / 3, 1 / 3])
    # joiners: Gamma(0.5 + 3 + 5, 2 years) -> mean 4.25 a year
    assert posterior.mean_joiners()[0, 0] == pytest.approx(4.25)
    assert posterior.mean_joiners()[1, 0] == pytest.approx(0.25)  # seen label, no joiners
    assert posterior.mean_joiners()[1, 1] == 0  # special never seen: no phantom joiners


def _known_rates() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    stock = np.array([[100, 20], [50, 10]])  # ages 5, 6 x mainstream, special
    moves = np.zeros((2, 2, 3))
    moves[:, 0] = [0.9, 0.05, 0.05]
    moves[:, 1] = [0.0, 0.95, 0.05]
    joiners = np.array([[10.0, 2.0], [1.0, 3.0]])
    return stock, moves, joiners


def test_expected_next_year_counts_by_hand() -> None:
    stock, moves, joiners = _known_rates()
    # age 6 next year: mainstream 100 x 0.9 + 1 = 91; special 100 x 0.05 + 20 x 0.95 + 3 = 27;
    # age 5: only joiners; the age-6 pupils age out of the grid
    np.testing.assert_allclose(step(stock, moves, joiners), [[10, 2], [91, 27]])


def test_simulation_with_sure_rates_averages_the_hand_counts() -> None:
    stock, moves, joiners = _known_rates()
    big = 1e7
    posterior = CohortPosterior(np.array([5, 6]), ("M", "S"), moves * big + 1e-9,
                                joiners * big, big)
    paths = simulate(posterior, stock, years=2, draws=4000, rng=np.random.default_rng(7))
    assert paths.shape == (4000, 2, 2, 2)  # draws x years x ages x states
    mean = paths.mean(axis=0)
    np.testing.assert_allclose(mean[0], [[10, 2], [91, 27]], atol=0.3)
    # second year, age 6: mainstream 10 x 0.9 + 1 = 10; special 10 x 0.05 + 2 x 0.95 + 3 = 5.4
    np.testing.assert_allclose(mean[1], [[10, 2], [10, 5.4]], atol=0.15)


def test_dirichlet_draws_have_the_posterior_mean_and_variance() -> None:
    alpha = np.zeros((1, 1, 2))
    alpha[0, 0] = [8.0, 2.0]
    posterior = CohortPosterior(np.array([5]), ("M",), alpha, np.array([[4.0]]), 2.0)
    moves, joiners = sample_rates(posterior, 20000, np.random.default_rng(3))
    assert moves.shape == (20000, 1, 1, 2)
    stay = moves[:, 0, 0, 0]
    assert stay.mean() == pytest.approx(0.8, abs=0.005)
    # Beta(8, 2): variance 8 x 2 / (10^2 x 11)
    assert stay.var() == pytest.approx(16 / 1100, rel=0.05)
    # Gamma(shape 4, rate 2): mean 2, variance 1
    assert joiners.mean() == pytest.approx(2.0, abs=0.03)
    assert joiners.var() == pytest.approx(1.0, rel=0.05)


def test_a_shift_moves_joiners_and_movers_into_a_setting_not_stayers() -> None:
    moves = np.array([[[[0.9, 0.05, 0.05], [0.2, 0.7, 0.1]]]])  # draw, age, source, destination
    joiners = np.array([[[10.0, 2.0]]])
    change = Adjustment(joiner_multiplier=2.0, shift_from=np.array([0]),
                        shift_to=np.array([1]), shift_share=0.5)
    shifted_moves, shifted_joiners = _shifted(moves, joiners, change)
    np.testing.assert_allclose(shifted_joiners, [[[10.0, 14.0]]])  # 20 x 0.5 moved to special
    np.testing.assert_allclose(shifted_moves[0, 0, 0], [0.9, 0.05, 0.05])  # stayers stay
    np.testing.assert_allclose(shifted_moves[0, 0, 1], [0.1, 0.8, 0.1])


def test_joiners_scaled_by_projected_population() -> None:
    population = pd.DataFrame({"year": [2019, 2020, 2021, 2019, 2020, 2021],
                               "age": [5, 5, 5, 6, 6, 6],
                               "population": [100, 120, 150, 200, 200, 100]})
    scale = joiner_scale_from_population(population, [5, 6], fitted=[2020, 2021], ahead=[2022])
    np.testing.assert_allclose(scale, [[150 / 110, 100 / 200]])
    assert joiner_scale_from_population(population, [5, 6], [2020, 2021], [2023]) is None


def test_school_settings() -> None:
    schools = pd.DataFrame({
        "urn": ["1", "2", "3", "4", "5", "6"],
        "phase": ["Primary", "Special", "Special", "16 plus", "Alternative provision",
                  "Secondary"],
        "setting": ["Mainstream primary", "Special school", "Special school",
                    "Mainstream secondary", "Alternative provision", "Mainstream secondary"],
        "type_of_establishment": ["Community school", "Academy special converter",
                                  "Non-maintained special school", "Further education",
                                  "Pupil referral unit", None],
    })
    assert school_settings(schools).tolist() == [MAINSTREAM, STATE_SPECIAL, INDEPENDENT_SPECIAL,
                                                 POST16, OTHER, MAINSTREAM]


def test_multinomial_draws_keep_the_totals_and_the_shares() -> None:
    from jsna.forecast.cohort import multinomial

    counts = np.array([[0, 10], [1000, 3]])
    shares = np.broadcast_to(np.array([0.5, 0.3, 0.2]), (2, 2, 3))
    draws = np.stack([multinomial(np.random.default_rng(seed), counts, shares)
                      for seed in range(400)])
    np.testing.assert_array_equal(draws.sum(axis=-1), np.broadcast_to(counts, (400, 2, 2)))
    # 1,000 pupils: means 500, 300, 200; binomial variance n p (1 - p) of the first: 250
    np.testing.assert_allclose(draws[:, 1, 0].mean(axis=0), [500, 300, 200], atol=3)
    assert draws[:, 1, 0, 0].var() == pytest.approx(250, rel=0.2)
    # the same draws from shares given sorted, with their order
    order = np.argsort(-shares, axis=-1, kind="stable")
    ranked = np.take_along_axis(shares, order, axis=-1)
    np.testing.assert_array_equal(multinomial(np.random.default_rng(5), counts, shares),
                                  multinomial(np.random.default_rng(5), counts, ranked, order))


def test_population_scale_and_a_scenario_from_its_year_by_hand() -> None:
    stock, moves, joiners = _known_rates()
    big = 1e7
    posterior = CohortPosterior(np.array([5, 6]), ("M", "S"), moves * big + 1e-9,
                                joiners * big, big)
    scale = np.array([[2.0, 1.0], [1.0, 1.0]])  # twice the age-5 population in year 1
    change = Adjustment(start=1, joiner_multiplier=3.0)  # three times the joiners in year 2
    paths = simulate(posterior, stock, years=2, draws=4000, rng=np.random.default_rng(11),
                     joiner_scale=scale, adjustment=change)
    mean = paths.mean(axis=0)
    # year 1: age 5 = 2 x joiners [10, 2]; age 6 as before, [91, 27]
    np.testing.assert_allclose(mean[0], [[20, 4], [91, 27]], atol=0.3)
    # year 2: age 5 = 3 x [10, 2]; age 6 = [20 x 0.9, 20 x 0.05 + 4 x 0.95] + 3 x [1, 3]
    np.testing.assert_allclose(mean[1], [[30, 6], [18 + 3, 1 + 3.8 + 9]], atol=0.3)
