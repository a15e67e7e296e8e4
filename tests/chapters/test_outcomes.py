"""The outcomes chapter on the demo council: figures against pandas on the demo's raw files,
disclosure of small counts and of the gaps that would give them back, a box for a missing input.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from jsna.chapters import outcomes
from jsna.config import load_config
from jsna.demo import write_demo
from jsna.demo.geography import COUNCIL_CODE


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("outcomes_demo")
    write_demo(folder, seed=7, dirt_rate=0.0, years=2, n_wards=6)
    return folder


@cache
def built(folder: str) -> outcomes.Chapter:
    return outcomes.build(load_config(Path(folder) / "jsna.toml"))


def test_demo_figures_equal_pandas_on_the_demo_files(demo: Path) -> None:
    chapter = built(str(demo))
    raw = pd.read_csv(demo / "comparators" / "ks4_by_sen.csv", dtype=str)
    mine = raw[raw["new_la_code"] == COUNCIL_CODE].set_index("sen_status")
    rows = chapter.indicators
    got = rows[(rows["indicator_id"] == "ks4_basics_94_percent")
               & (rows["area_code"] == COUNCIL_CODE) & (rows["breakdown"] == "SEN support")]
    assert got["value"].iloc[0] == pytest.approx(
        100 * int(mine.loc["SEN Supp", "t_l2basics_94"]) / int(mine.loc["SEN Supp", "t_pupils"]))
    got = rows[(rows["indicator_id"] == "ks4_attainment8_gap")
               & (rows["area_code"] == COUNCIL_CODE)
               & (rows["breakdown"] == "No SEN minus SEN support")]
    assert got["value"].iloc[0] == pytest.approx(
        float(mine.loc["No SEN", "avg_att8"]) - float(mine.loc["SEN Supp", "avg_att8"]))
    assert chapter.findings.sentences
    assert set(chapter.tables) == {"ks4_basics", "ks4_attainment", "ks4_gaps",
                                   "ks2", "absence", "exclusions", "ks2_progress",
                                   "ks2_progress_gaps", "mtc", "ks2_rwm_ehcp_neighbours",
                                   "ks2_rwm_sen_support_neighbours",
                                   "ks4_basics_ehcp_neighbours",
                                   "ks4_basics_sen_support_neighbours"}
    assert {t.name for t in chapter.tables.values()} <= set(chapter.rules)


def test_dfe_symbols_in_the_demo_stay_symbols(demo: Path) -> None:
    rows = built(str(demo)).indicators
    # the demo's council without Progress 8 ('x') is one of Demoton's comparators or not; where
    # its rows are kept, their value is missing with the note, never zero
    progress = rows[rows["indicator_id"] == "ks4_progress8_mean"]
    assert not (progress["note"].eq("[x]") & progress["value"].notna()).any()


def test_hidden_count_hides_its_gap() -> None:
    """A hand-made case: the EHC plan 9-4 count of 3 is hidden, and so is the gap between no SEN
    and EHC plan (published no-SEN figures and the gap would give the 3 back)."""
    sides = pd.DataFrame({
        "indicator_id": ["ks4_basics_94_percent"] * 2, "area_code": ["E06000001"] * 2,
        "period": ["2023/24"] * 2, "breakdown": ["EHC plan", "SEN support"],
        "note": ["[c]", ""]})
    gaps = pd.DataFrame({
        "indicator_id": ["ks4_basics_94_gap_points"] * 2, "area_code": ["E06000001"] * 2,
        "period": ["2023/24"] * 2, "breakdown": ["No SEN minus EHC plan",
                                                "No SEN minus SEN support"],
        "value": [60.0, 40.0], "lower_ci_95": [50.0, 30.0], "upper_ci_95": [70.0, 50.0],
        "lower_ci_998": [45.0, 25.0], "upper_ci_998": [75.0, 55.0], "note": ["", ""],
        **{c: ["Better", "Better"] for c in outcomes.COMPARISON_COLUMNS}})
    out = outcomes._hide_gaps(gaps, sides, "ks4_basics_94_percent", "ks4_basics_94_gap_points")
    assert out["note"].tolist() == ["[c]", ""]
    assert pd.isna(out["value"].iloc[0]) and out["value"].iloc[1] == 40.0
    assert out["compared_to_england"].tolist() == ["", "Better"]


def test_demo_lait_figures_equal_pandas_on_the_demo_lait_file(demo: Path) -> None:
    """Key stage 2 by SEN, its gap and special school persistent absence, against the demo's
    LAIT file read with plain pandas (LA numbers as floats, '-' for no data)."""
    from jsna.demo.schools import LA_NUMBER

    chapter = built(str(demo))
    raw = pd.read_csv(demo / "comparators" / "lait_bds_long.csv", dtype=str,
                      keep_default_na=False)
    mine = raw[raw["LA Number"].astype(float).eq(LA_NUMBER) & raw["Region"].ne("NA")]
    year = str(load_config(demo / "jsna.toml").year)
    period = f"{int(year) - 1}/{year[2:]}"

    def published(code: str, years: str = year) -> float:
        hit = mine[(mine["Short Desc"] == code) & (mine["Years"] == years)]
        return float(hit["Values"].iloc[0])

    rows = chapter.indicators

    def got(indicator: str, breakdown: str, in_period: str = period) -> float:
        hit = rows[(rows["indicator_id"] == indicator) & (rows["area_code"] == COUNCIL_CODE)
                   & (rows["breakdown"] == breakdown) & (rows["period"] == in_period)]
        assert len(hit) == 1
        return float(hit["value"].iloc[0])

    assert got("ks2_rwm_expected_percent", "EHC plan") == pytest.approx(
        published("NEW_KS2_RWM_Sen_Withsta"))
    assert got("ks2_rwm_gap_points", "No SEN minus SEN support") == pytest.approx(
        published("NoID_SEN_NEW_KS2_RWM") - published("NEW_KS2_RWM_Sen_W/Osta"))
    assert got("absence_persistent_percent", "Special schools") == pytest.approx(
        published("SpecPerAbNew"))
    exclusions = f"{int(year) - 2}/{str(int(year) - 1)[2:]}"
    assert got("suspension_rate_per_100", "Special schools", exclusions) == pytest.approx(
        published("SpecFixedEx", exclusions))
    # key stage 2 was not assessed in 2020: LAIT's '-' is not available, never zero
    gap_year = rows[(rows["indicator_id"] == "ks2_rwm_expected_percent")
                    & (rows["area_code"] == COUNCIL_CODE) & (rows["period"] == "2019/20")]
    assert gap_year["value"].isna().all() and set(gap_year["note"]) == {"[x]"}
    # every table says which pupils its figures cover
    for section in ("ks2", "absence", "exclusions"):
        assert any(note.startswith("Basis:") for note in chapter.tables[section].notes)


def test_without_lait_boxes_name_the_input(demo: Path, tmp_path: Path) -> None:
    text = (demo / "jsna.toml").read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("lait ="))
    (demo / "no_lait.toml").write_text(text, encoding="utf-8")
    chapter = outcomes.build(load_config(demo / "no_lait.toml"))
    assert not {"ks2", "absence", "exclusions"} & set(chapter.tables)
    assert "inputs.lait" in outcomes.lait_section(chapter, "absence")._repr_html_()
    assert "inputs.lait" in outcomes.lait_section(chapter, "ks2_rwm_ehcp_neighbours")._repr_html_()
    assert not {"ks2_rwm_ehcp_neighbours", "mtc"} & set(chapter.figures)


def test_demo_progress_tables_check_and_neighbours_chart_equal_pandas_on_the_demo_lait(
        demo: Path) -> None:
    """Key stage 2 progress, its gap, the multiplication tables check and the data of the
    compare-with-neighbours chart, against the demo's LAIT file read with plain pandas."""
    chapter = built(str(demo))
    config = load_config(demo / "jsna.toml")
    raw = pd.read_csv(demo / "comparators" / "lait_bds_long.csv", dtype=str,
                      keep_default_na=False)
    raw["number"] = raw["LA Number"].astype(float)
    year = config.year

    def published(code: str, years: str, number: float) -> float:
        hit = raw[(raw["Short Desc"] == code) & (raw["Years"] == years) & (raw["number"] == number)
                  & raw["Region"].ne("NA")]
        return float(hit["Values"].iloc[0]) if hit["Values"].iloc[0] != "-" else float("nan")

    rows = chapter.indicators

    def got(indicator: str, breakdown: str, period: str) -> float:
        hit = rows[(rows["indicator_id"] == indicator) & (rows["area_code"] == COUNCIL_CODE)
                   & (rows["breakdown"] == breakdown) & (rows["period"] == period)]
        assert len(hit) == 1
        return float(hit["value"].iloc[0])

    from jsna.demo.schools import LA_NUMBER
    progress = f"{year - 3}/{str(year - 2)[2:]}"  # the latest progress scores: two years back
    assert got("ks2_maths_progress_score", "EHC plan", progress) == pytest.approx(
        published("KS2_SEN_Maths_Progress", str(year - 2), LA_NUMBER))
    assert got("ks2_reading_progress_gap_points", "No SEN minus SEN support",
               progress) == pytest.approx(
        published("KS2_NonSEN_Reading_Progress", str(year - 2), LA_NUMBER)
        - published("KS2_SENSupport_Reading_Progress", str(year - 2), LA_NUMBER))
    latest = f"{year - 1}/{str(year)[2:]}"
    assert got("mtc_full_marks_percent", "EHC plan", latest) == pytest.approx(
        published("Multiplication_EHCP", str(year), LA_NUMBER))
    for section in ("ks2_progress", "ks2_progress_gaps"):
        notes = " ".join(chapter.tables[section].notes)
        assert "LAIT gives the scores only" in notes or "has none" in notes
    # the compare-with-neighbours chart: the council, each neighbour, their mean, region, England
    chart = chapter.tables["ks2_rwm_ehcp_neighbours"].frame
    numbers = {row["area_code"]: row for row in _demo_lait_numbers(demo)}
    expected = {numbers[code]["name"]: published("NEW_KS2_RWM_Sen_Withsta", str(year),
                                                 numbers[code]["number"])
                for code in config.neighbours}
    mean = sum(expected.values()) / len(expected)
    shown = dict(zip(chart["Area"], chart["Per cent"], strict=True))
    for name, value in expected.items():
        assert shown[name] == f"{value:.0f}"
    council = got("ks2_rwm_expected_percent", "EHC plan", latest)
    assert shown[f"{config.area.name} (this council)"] == f"{council:.0f}"
    average = next(a for a in shown if a.startswith("Statistical neighbours' average"))
    assert average.endswith(f"({len(expected)} of {len(expected)})")
    assert shown[average] == f"{mean:.1f}"
    values = [float(v) for v in chart["Per cent"]]
    assert values == sorted(values, reverse=True)
    figure = chapter.figures["ks2_rwm_ehcp_neighbours"]
    assert "(this council)" in figure.alt and figure.alt.startswith("Dot chart of the percentage")


def _demo_lait_numbers(demo: Path) -> list[dict]:
    """The demo councils' codes, names and LAIT numbers, from the demo's own council list."""
    from jsna.demo.comparators import councils

    return [{"area_code": c.code, "name": c.name, "number": float(c.la_number)}
            for c in councils()]
