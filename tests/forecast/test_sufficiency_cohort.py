"""The sufficiency chapter's cohort section on a small demo council (four censuses)."""

from __future__ import annotations

import pandas as pd
import pytest

from jsna.chapters import sufficiency_cohort
from jsna.config import load_config
from jsna.demo import write_demo
from jsna.forecast.cohort import MAINSTREAM, STATE_SPECIAL


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    config = load_config(write_demo(folder / "demo", n_wards=4, years=4))
    return config, sufficiency_cohort.build_section(config)


def test_history_counts_the_linked_plans_by_setting(demo):
    config, section = demo
    pupils = pd.read_parquet(config.clean_dir / "pupils.parquet")
    schools = pd.read_csv(config.inputs.schools, dtype={"URN": str})
    plans = pupils[(pupils["sen_provision"] == "E") & pupils["pupil_key"].notna()
                   & pupils["age"].notna()]
    mainstream = set(schools.loc[schools["Phase"].isin(["Primary", "Secondary"]), "URN"])
    expected = plans[plans["school_urn"].isin(mainstream)].groupby("census_year").size()
    history = section.tables["cohort_history"].frame
    mine = history[history["Setting"] == MAINSTREAM].set_index("January")
    assert {y: int(mine.loc[str(y), sufficiency_cohort.CENSUS]) for y in expected.index} == \
        expected.to_dict()
    # small counts (alternative provision here) and their complements are suppressed
    assert "[c]" in history[sufficiency_cohort.CENSUS].tolist()
    everyone = history[history["Setting"] == sufficiency_cohort.ALL].set_index("January")
    assert int(everyone.loc[str(config.year), sufficiency_cohort.CENSUS]) == \
        len(plans[plans["census_year"] == config.year])


def test_scenario_places_add_the_new_places_from_their_year(demo):
    config, section = demo
    capacity = pd.read_csv(config.inputs.specialist_capacity)
    scenario = config.scenarios[0]
    table = section.tables["scenarios"].frame.set_index(["Scenario", "January"])
    for year in (config.year + 5, config.year + 7):
        assert table.loc[("Central forecast", str(year)), "Specialist places"] == \
            capacity["places"].sum()
        assert table.loc[(scenario.label, str(year)), "Specialist places"] == \
            capacity["places"].sum() + scenario.new_places
    # more new plans and a shift to special: more pupils needing a specialist place
    need = "Needing a specialist place (median)"
    assert table.loc[(scenario.label, str(config.year + 7)), need] > \
        table.loc[("Central forecast", str(config.year + 7)), need]


def test_backtest_and_places_follow_the_scap_horizons(demo):
    config, section = demo
    places = section.tables["places"].frame
    assert places.groupby("Phase").size().to_dict() == {"Primary": 5, "Secondary": 7,
                                                        "Post-16": 7}
    backtest = section.tables["cohort_backtest"].frame
    assert set(backtest["January"]) == {str(config.year - 1), str(config.year)}
    assert {MAINSTREAM, STATE_SPECIAL, sufficiency_cohort.ALL} <= set(backtest["Setting"])
    assert any("Tested on censuses it had not seen" in s for s in section.findings)
    assert {t.name for t in section.tables.values()} == set(section.rules)


def test_published_figures_only_keep_the_pooled_model(tmp_path):
    from forecast_toys import write_config, write_toy_caseload

    config = load_config(write_config(tmp_path, write_toy_caseload(tmp_path / "caseload.csv")),
                         check_chapters=False)
    section = sufficiency_cohort.build_section(config)
    assert section.tables == {} and section.figures == {}
    assert section.findings == ["The forecast by setting needs two or more consecutive January "
                                "censuses; with published figures only, the pooled model above "
                                "is the forecast."]
