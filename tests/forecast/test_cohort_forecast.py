"""The cohort model on a census: states, fan tables, scenarios, back-test, scenario config."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jsna.config import ForecastScenario, load_config
from jsna.errors import JsnaConfigError, JsnaInputError
from jsna.forecast.cohort import MAINSTREAM, OTHER, STATE_SPECIAL, CohortCounts
from jsna.forecast.cohort_forecast import (
    CohortRun,
    backtest_cohort,
    fan_table,
    model_states,
    plan_states,
    scenario_adjustment,
)
from jsna.sources.capacity import read_specialist_capacity


def test_plan_states_keep_plans_and_place_them_by_school() -> None:
    pupils = pd.DataFrame({"census_year": [2024, 2024, 2024, 2024],
                           "pupil_key": ["a", "b", "c", "d"], "age": [7, 8, 9, 10],
                           "sen_provision": ["E", "E", "K", "E"],
                           "school_urn": ["100", "200", "100", "999"],
                           "primary_need": ["ASD", "SEMH", "MLD", None]})
    schools = pd.DataFrame({"urn": ["100", "200"], "phase": ["Primary", "Special"],
                            "setting": ["Mainstream primary", "Special school"],
                            "type_of_establishment": ["Community school",
                                                      "Community special school"]})
    states = plan_states(pupils, schools, by_need=True)
    assert states["pupil_key"].tolist() == ["a", "b", "d"]  # SEN support is not in the model
    assert states["setting"].tolist() == [MAINSTREAM, STATE_SPECIAL, OTHER]
    assert states["state"].tolist()[0] == f"{MAINSTREAM} | Communication and interaction"
    assert set(states["state"]) <= set(model_states(by_need=True))


def _run() -> CohortRun:
    states = ("Mainstream school", "State-funded special school")
    counts = CohortCounts((2024,), np.array([10, 11]), states, np.zeros((1, 2, 2), int),
                          np.zeros((2, 2, 3), int), np.zeros((0, 2, 2), int))
    paths = np.zeros((5, 1, 2, 2), dtype=int)
    paths[:, 0, 0, 0] = [1, 2, 3, 4, 5]  # age 10 (primary), mainstream
    paths[:, 0, 1, 1] = 10  # age 11 (secondary), special
    return CohortRun(counts, (2025,), paths)


def test_fan_table_quantiles_by_hand() -> None:
    total = fan_table(_run())
    # totals 11..15: median 13; 80% interval: 10th and 90th percentiles 11.4 and 14.6
    assert total.loc[0, "median"] == 13
    assert total.loc[0, "lower_80"] == pytest.approx(11.4)
    assert total.loc[0, "upper_80"] == pytest.approx(14.6)
    by_phase = fan_table(_run(), ["phase"]).set_index("phase")
    assert by_phase.loc["Primary", "median"] == 3
    assert by_phase.loc["Secondary", "median"] == 10


def test_scenario_pairs_each_need_group_across_settings() -> None:
    states = model_states(by_need=True)
    scenario = ForecastScenario(name="s", label="s", joiner_rate=1.2, shift_share=0.1,
                                from_year=2027)
    change = scenario_adjustment(scenario, states, first_year=2026)
    assert change.start == 1 and change.joiner_multiplier == 1.2
    pairs = [(states[a], states[b]) for a, b in zip(change.shift_from, change.shift_to,
                                                     strict=True)]
    assert len(pairs) == 5  # one per need group
    assert (f"{MAINSTREAM} | Social, emotional and mental health",
            f"{STATE_SPECIAL} | Social, emotional and mental health") in pairs


def test_backtest_compares_later_censuses_with_the_forecast() -> None:
    # ten pupils in mainstream aged 5, every one of them stays, and nobody joins: the model
    # forecasts (almost) ten pupils aged 6 and 7; the census finds 8 then 6
    rows = [(2020, f"p{i}", 5) for i in range(10)] + [(2021, f"p{i}", 6) for i in range(10)]
    rows += [(2022, f"p{i}", 7) for i in range(8)] + [(2023, f"p{i}", 8) for i in range(6)]
    states = pd.DataFrame(rows, columns=["census_year", "pupil_key", "age"]).assign(
        setting=MAINSTREAM, state=MAINSTREAM)
    result = backtest_cohort(states, fit_end=2021, draws=400, seed=1)
    total = result[result["setting"] == "All settings"].set_index("year")
    assert total["actual"].tolist() == [8, 6]
    assert total.loc[2022, "forecast"] >= 9  # stays: 10 of 10, posterior mean 10.x / 11
    assert total.loc[2022, "error_percent"] == pytest.approx(
        (total.loc[2022, "forecast"] - 8) / 8 * 100)
    with pytest.raises(JsnaInputError, match="no census after 2023"):
        backtest_cohort(states, fit_end=2023, draws=10, seed=1)


def _config(tmp_path: Path, forecast: str) -> Path:
    path = tmp_path / "jsna.toml"
    path.write_text('[area]\ncode = "E06000001"\nname = "Town"\nregion_code = "E12000001"\n'
                    'region_name = "North"\n[jsna]\nyear = 2025\n[chapters]\nrun = []\n'
                    + forecast, encoding="utf-8")
    return path


def test_scenarios_are_read_from_config(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path, (
        '[forecast.scenarios.more_special]\nlabel = "More special places"\njoiner_rate = 1.1\n'
        'shift_share = 0.2\nnew_places = 40\nnew_places_phase = "secondary"\n'
        'from_year = 2027\n')))
    assert config.scenarios == (ForecastScenario(
        name="more_special", label="More special places", joiner_rate=1.1, shift_share=0.2,
        new_places=40, new_places_phase="secondary", from_year=2027),)


def test_bad_scenarios_give_one_line_each(tmp_path: Path) -> None:
    with pytest.raises(JsnaConfigError) as error:
        load_config(_config(tmp_path, (
            '[forecast.scenarios.bad]\njoiner_rate = 0\nshift_share = 1.5\n'
            'shift_to = "special"\nnew_places = 2.5\ncolour = "red"\n')))
    text = str(error.value)
    for line in ["forecast.scenarios.bad.joiner_rate should be a number above 0",
                 "forecast.scenarios.bad.shift_share should be a number from 0 to 1",
                 "forecast.scenarios.bad.shift_to should be one of mainstream",
                 "forecast.scenarios.bad.new_places should be a whole number",
                 "unknown key forecast.scenarios.bad.colour"]:
        assert line in text


def test_capacity_file_problems_name_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "capacity.csv"
    path.write_text("setting,phase,places\nstate_special,primary,60\nspecial,primary,10\n"
                    "resourced,infant,-1\n", encoding="utf-8")
    with pytest.raises(JsnaInputError) as error:
        read_specialist_capacity(path)
    lines = str(error.value).splitlines()
    assert len(lines) == 3
    assert "line 3, column setting: 'special' is not one of" in lines[0]
    assert "line 4, column phase: 'infant'" in lines[1]
    assert "line 4, column places: '-1' is not a whole number" in lines[2]


def test_places_needed_against_capacity_and_new_places() -> None:
    from jsna.forecast.places import places_needed

    states = (MAINSTREAM, STATE_SPECIAL)
    counts = CohortCounts((2024,), np.array([10, 11]), states, np.zeros((1, 2, 2), int),
                          np.zeros((2, 2, 3), int), np.zeros((0, 2, 2), int))
    paths = np.zeros((4, 7, 2, 2), dtype=int)
    paths[:, :, 0, 0] = 99  # mainstream pupils need no specialist place
    paths[:, :, 0, 1] = np.array([10, 20, 30, 40])[:, None]  # age 10: primary, special
    paths[:, :, 1, 1] = 5  # age 11: secondary, special
    run = CohortRun(counts, tuple(range(2025, 2032)), paths)
    capacity = pd.DataFrame({"setting": ["state_special", "mainstream", "state_special"],
                             "phase": ["primary", "primary", "secondary"],
                             "places": [22, 500, 6]})
    scenario = ForecastScenario(name="s", label="s", new_places=10, new_places_phase="primary",
                                from_year=2027)
    table = places_needed(run, capacity, scenario).set_index(["phase", "year"])
    assert len(table.loc["Primary"]) == 5 and len(table.loc["Secondary"]) == 7  # SCAP horizons
    first = table.loc[("Primary", 2025)]
    assert first["median"] == 25 and first["places"] == 22 and first["shortfall"] == 3
    assert first["chance_short"] == 0.5  # draws 30 and 40 of 10, 20, 30, 40 exceed 22
    assert table.loc[("Primary", 2027), "places"] == 32  # 10 new places from 2027
    assert table.loc[("Primary", 2027), "chance_short"] == 0.25
    assert table.loc[("Secondary", 2031), "shortfall"] == -1
