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
    files = demo_config.inputs.comparator_files["neet_send"]
    assert [f.name for f in files] == [f"neet_send_{y}.csv" for y in range(2021, 2025)] + [
        "neet_send.csv"]
    for year, path in zip(range(2021, 2026), files, strict=True):
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        assert len(raw.columns) == 49 and raw.columns[11] == "Cohort_DJFavg"
        assert raw["geographic_level"].iloc[0] == "National"
        assert set(raw["time_period"]) == {str(year)}
        cells = set(raw.to_numpy().ravel())
        assert {"c", "z", "x", "low"} <= cells


def test_the_demo_lait_file_has_the_adulthood_series_with_lait_gaps(demo_config):
    raw = pd.read_csv(demo_config.inputs.lait, dtype=str, keep_default_na=False)
    for code in ("16-17YroldSEN_ET", "KS4_SEN_Des_incSpec", "Age19_SEN-S_L2EM", "Age19_SEN-S_L3",
                 "Age19_SENwoS_L3", "Age19_NoNSEN_L2EM"):
        series = raw[raw["Short Desc"] == code]
        assert len(series) and series["LA Number"].str.endswith(".0").all()
    ages = raw[raw["Short Desc"].str.startswith(("Age19", "KS4_SEN_Des"))]
    assert (ages["Values"] == "-").any()
    # calibrated to England: England's latest EHC plan Level 2 with English and maths is LAIT's
    england = raw[(raw["Short Desc"] == "Age19_SEN-S_L2EM") & (raw["LA Number"] == "970.0")]
    assert float(england.loc[england["Years"].astype(int).idxmax(), "Values"]) == pytest.approx(
        18.15, abs=0.01)


def test_the_chapter_builds_on_the_demo(chapter, demo_config):
    assert set(chapter.tables) == {"neet_by_sen", "neet_trend", "plans_by_age", "lait_trend",
                                   "age19"}
    assert set(chapter.figures) == {"neighbours", "neet_trend", "plans_by_age",
                                    "sen_in_education"}
    assert set(chapter.rules) == {t.name for t in chapter.tables.values()}
    groups = chapter.tables["neet_by_sen"].frame["SEN status"].tolist()
    assert groups == ["All young people", "EHC plan", "SEN support", "No SEN"]
    assert any("EHC plan" in s for s in chapter.findings.sentences)
    assert any("aged 16 to 25" in s for s in chapter.findings.sentences)
    council = chapter.indicators[chapter.indicators["area_code"] == demo_config.area.code]
    assert set(council["indicator_id"]) == {
        "adulthood_neet_not_known_percent", "adulthood_neet_percent",
        "adulthood_not_known_percent", "adulthood_plans_by_age_percent",
        "adulthood_sen_in_education_training_percent",
        "adulthood_ks4_sen_sustained_destination_percent",
        "adulthood_age19_level2_english_maths_percent", "adulthood_age19_level3_percent"}


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
