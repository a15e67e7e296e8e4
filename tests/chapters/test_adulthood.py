"""The preparing for adulthood chapter on the demo council, and without its input."""

from __future__ import annotations

import pandas as pd
import pytest

from jsna.chapters import adulthood
from jsna.config import load_config
from jsna.demo import write_demo


@pytest.fixture(scope="module")
def demo_config(tmp_path_factory):
    folder = tmp_path_factory.mktemp("adulthood")
    return load_config(write_demo(folder / "data" / "demo", n_wards=4, years=2))


@pytest.fixture(scope="module")
def chapter(demo_config):
    return adulthood.build(demo_config)


def test_the_demo_file_is_in_the_publishers_layout_with_its_symbols(demo_config):
    raw = pd.read_csv(demo_config.inputs.comparators["neet_send"], dtype=str,
                      keep_default_na=False)
    assert len(raw.columns) == 49 and raw.columns[11] == "Cohort_DJFavg"
    assert raw["geographic_level"].iloc[0] == "National"
    cells = set(raw.to_numpy().ravel())
    assert {"c", "z", "x", "low"} <= cells


def test_the_chapter_builds_on_the_demo(chapter, demo_config):
    assert set(chapter.tables) == {"neet_by_sen", "plans_by_age"}
    assert set(chapter.figures) == {"neighbours", "plans_by_age"}
    assert set(chapter.rules) == {t.name for t in chapter.tables.values()}
    groups = chapter.tables["neet_by_sen"].frame["SEN status"].tolist()
    assert groups == ["All young people", "EHC plan", "SEN support", "No SEN"]
    assert any("EHC plan" in s for s in chapter.findings.sentences)
    assert any("aged 16 to 25" in s for s in chapter.findings.sentences)
    council = chapter.indicators[chapter.indicators["area_code"] == demo_config.area.code]
    assert set(council["indicator_id"]) == {
        "adulthood_neet_not_known_percent", "adulthood_neet_percent",
        "adulthood_not_known_percent", "adulthood_plans_by_age_percent"}


def test_the_demo_figures_equal_the_demo_file(chapter, demo_config):
    # the chapter's EHC plan percentage is the file's, read here with plain pandas
    raw = pd.read_csv(demo_config.inputs.comparators["neet_send"], dtype=str,
                      keep_default_na=False)
    mine = raw[raw["new_la_code"] == demo_config.area.code].iloc[0]
    frame = chapter.tables["neet_by_sen"].frame.set_index("SEN status")
    assert frame.loc["EHC plan", f"{demo_config.area.name} (%)"] == pytest.approx(
        float(mine["NEET_NK_EHCP_percent"]), abs=1e-9)


def test_without_the_input_the_chapter_names_it(demo_config):
    comparators = {k: v for k, v in demo_config.inputs.comparators.items() if k != "neet_send"}
    config = demo_config.__class__(**{**demo_config.__dict__,
                                      "inputs": demo_config.inputs.__class__(
                                          **{**demo_config.inputs.__dict__,
                                             "comparators": comparators})})
    chapter = adulthood.build(config)
    assert chapter.findings.heading == "Input needed"
    assert "inputs.comparators.neet_send" in chapter.findings.sentences[0]
    assert "explore-education-statistics" in chapter.findings.sentences[0]
    assert not chapter.tables and not chapter.figures and chapter.indicators.empty
