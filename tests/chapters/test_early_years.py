"""The early years chapter on small hand-made files: every figure against numbers worked out by
hand (or published in the method's paper), disclosure of small counts and of the gap that would
give one back, LAIT's symbols kept, and boxes naming the inputs a council has not given."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jsna.chapters import early_years
from jsna.chapters.base import INPUT_NEEDED
from jsna.config import load_config
from jsna.demo.lait import lait_table
from jsna.indicators.early_years import gld_gap_rows

YORK, REGION, ENGLAND = "E06000014", "E12000003", "E92000001"
NEIGHBOURS = ["E06000022", "E06000024"]
EES_HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,"
              "region_code,region_name,old_la_code,new_la_code,la_name,lad_code,lad_name,"
              "characteristic,characteristic_type,gender,children_number,gld_number,"
              "gld_percentage\n")
#: each area's EES filter columns: level, region code and name, old and new LA code, name
AREAS = {
    ENGLAND: ("National", "", "", "", "", ""),
    REGION: ("Regional", REGION, "Yorkshire and The Humber", "", "", ""),
    YORK: ("Local authority", REGION, "Yorkshire and The Humber", "816", YORK, "York"),
    "E06000022": ("Local authority", "E12000009", "South West", "800", "E06000022",
                  "Bath and North East Somerset"),
    "E06000024": ("Local authority", "E12000009", "South West", "802", "E06000024",
                  "North Somerset"),
}
#: children assessed and reaching GLD: (No SEN, SEN support, EHC plan) of each area
COUNTS = {
    ENGLAND: ((700, 1000), (200, 800), (30, 600)),
    REGION: ((350, 500), (100, 400), (15, 300)),
    # Newcombe (1998)'s worked example: 56/70 against 48/80; 3 of 20 with an EHC plan is small
    YORK: ((56, 70), (48, 80), (3, 20)),
    "E06000022": ((60, 80), (20, 80), (5, 25)),
    "E06000024": ((70, 100), (30, 100), (6, 30)),
}


def _eyfs_csv() -> str:
    lines = [EES_HEADER]
    for code, groups in COUNTS.items():
        for label, (gld, children) in zip(("No identified SEN", "SEN support", "EHC plan"),
                                          groups, strict=True):
            level, region, region_name, old, new, name = AREAS[code]
            lines.append(f"202122,Academic year,{level},E92000001,England,{region},"
                         f"{region_name},{old},{new},{name},,,SEN provision,{label},Total,"
                         f"{children},{gld},{100 * gld / children:.1f}\n")
    return "".join(lines)


LAIT_CSV = textwrap.dedent("""\
    Short Desc,Data item,Years,LA and Regions,Values,LA Number,Region
    FSP_Gooddev_Without_SENSTATE,GLD SEN without statement,2023,York,16.100000000000001,816.0,Yorkshire and The Humber
    FSP_Gooddev_Without_SENSTATE,,2024,York,23.3,816.0,Yorkshire and The Humber
    FSP_Gooddev_Without_SENSTATE,,2025,York,26.4,816.0,Yorkshire and The Humber
    FSP_Gooddev_Without_SENSTATE,,2023,England,24.3,970.0,NA
    FSP_Gooddev_Without_SENSTATE,,2024,England,24.9,970.0,NA
    FSP_Gooddev_Without_SENSTATE,,2025,England,26.4,970.0,NA
    FSP_Gooddev_Without_SENSTATE,,2023,Yorkshire and the Humber,22.9,982.0,NA
    FSP_Gooddev_Without_SENSTATE,,2024,Yorkshire and the Humber,22.7,982.0,NA
    FSP_Gooddev_Without_SENSTATE,,2025,Yorkshire and the Humber,24,982.0,NA
    FSP_Gooddev_Without_SENSTATE,,2023,Bath and North East Somerset,20,800.0,South West
    FSP_Gooddev_Without_SENSTATE,,2024,Bath and North East Somerset,21,800.0,South West
    FSP_Gooddev_Without_SENSTATE,,2025,Bath and North East Somerset,22,800.0,South West
    FSP_Gooddev_Without_SENSTATE,,2023,North Somerset,30,802.0,South West
    FSP_Gooddev_Without_SENSTATE,,2024,North Somerset,31,802.0,South West
    FSP_Gooddev_Without_SENSTATE,,2025,North Somerset,-,802.0,South West
    FSP_Gooddev_With_SENSTATE,GLD SEN with statement,2025,York,0,816.0,Yorkshire and The Humber
    FSP_Gooddev_With_SENSTATE,,2025,England,4,970.0,NA
    FSP_Gooddev_With_SENSTATE,,2025,Yorkshire and the Humber,3.7,982.0,NA
    FSP_Gooddev_With_SENSTATE,,2025,Bath and North East Somerset,2,800.0,South West
    FSP_Gooddev_With_SENSTATE,,2025,North Somerset,3,802.0,South West
    HCP_PHOF,ASQ-3,2023,York,-,816.0,Yorkshire and The Humber
    HCP_PHOF,,2024,York,97.782880000000006,816.0,Yorkshire and The Humber
    HCP_PHOF,,2023,England,92.5,970.0,NA
    HCP_PHOF,,2024,England,93.31426,970.0,NA
    HCP_PHOF,,2023,Yorkshire and the Humber,91.2,982.0,NA
    HCP_PHOF,,2024,Yorkshire and the Humber,90.81064,982.0,NA
    HCP_PHOF,,2023,Bath and North East Somerset,95,800.0,South West
    HCP_PHOF,,2024,Bath and North East Somerset,96,800.0,South West
    HCP_PHOF,,2023,North Somerset,90,802.0,South West
    HCP_PHOF,,2024,North Somerset,94,802.0,South West
    """)


def _config(folder: Path, inputs: str = "", comparators: str = ""):
    (folder / "jsna.toml").write_text(textwrap.dedent(f"""\
        [area]
        code = "{YORK}"
        name = "York"
        region_code = "{REGION}"
        region_name = "Yorkshire and The Humber"
        [jsna]
        year = 2025
        [inputs]
        {inputs}
        [inputs.comparators]
        {comparators}
        [comparators]
        neighbours = ["E06000022", "E06000024"]
        [census]
        salt = "not-secret"
        """), encoding="utf-8")
    return load_config(folder / "jsna.toml", check_chapters=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> early_years.Chapter:
    folder = tmp_path_factory.mktemp("early_years")
    (folder / "eyfs.csv").write_text(_eyfs_csv(), encoding="utf-8")
    (folder / "lait.csv").write_text(LAIT_CSV, encoding="utf-8")
    return early_years.build(_config(folder, 'lait = "lait.csv"', 'eyfs_by_sen = "eyfs.csv"'))


def _row(chapter: early_years.Chapter, indicator: str, code: str, breakdown: str,
         period: str | None = None) -> pd.Series:
    rows = chapter.indicators
    rows = rows[(rows["indicator_id"] == indicator) & (rows["area_code"] == code)
                & (rows["breakdown"] == breakdown)]
    if period is not None:
        rows = rows[rows["period"] == period]
    assert len(rows) == 1
    return rows.iloc[0]


def test_gld_by_sen_against_hand_worked_wilson_limits(built: early_years.Chapter) -> None:
    # 48 of 80: p = 0.6; Wilson 95% (z = 1.959964): centre 0.62401 / 1.04802 = 0.59542,
    # half-width 1.959964 * sqrt(0.003 + 0.00015006) / 1.04802 = 0.10496
    row = _row(built, "eyfs_gld_percent", YORK, "SEN support")
    assert row["value"] == pytest.approx(60.0)
    assert row["lower_ci_95"] == pytest.approx(49.05, abs=0.01)
    assert row["upper_ci_95"] == pytest.approx(70.04, abs=0.01)
    assert row["compared_to_england"] == "Better"  # England 25.0%, far below 49.05
    table = built.tables["gld_by_sen"].frame
    york = table[(table["Area"] == "York") & (table["SEN status"] == "SEN support")].iloc[0]
    assert york["Children"] == 80 and york["Reached GLD"] == 48
    # neighbours' average: (20/80 + 30/100) / 2 = 27.5%
    assert york["Neighbours (%)"] == pytest.approx(27.5)
    assert "Like for like" in " ".join(built.tables["gld_by_sen"].notes)


def test_small_count_hidden_with_the_gap_that_would_give_it_back(
        built: early_years.Chapter) -> None:
    ehcp = _row(built, "eyfs_gld_percent", YORK, "EHC plan")  # 3 of 20
    assert ehcp["note"] == "[c]" and math.isnan(ehcp["count"]) and math.isnan(ehcp["value"])
    gap = _row(built, "eyfs_gld_gap_points", YORK, "No SEN minus EHC plan")
    assert gap["note"] == "[c]" and math.isnan(gap["value"])
    shown = built.tables["gld_gap"].frame
    assert shown.loc[(shown["Area"] == "York") & (shown["Gap"] == "No SEN minus EHC plan"),
                     "Gap (percentage points)"].iloc[0] == "[c]"
    for text in built.findings.sentences:  # no finding states the hidden group's figure
        assert "with an EHC plan reached" not in text


def test_gap_has_newcombes_published_limits(built: early_years.Chapter) -> None:
    # Newcombe, Statistics in Medicine 1998;17:873-890, example (a): 56/70 - 48/80 = 0.2000,
    # method 10 (hybrid score) 95% limits 0.0524 to 0.3339
    gap = _row(built, "eyfs_gld_gap_points", YORK, "No SEN minus SEN support")
    assert gap["value"] == pytest.approx(20.0)
    assert gap["lower_ci_95"] == pytest.approx(5.24, abs=0.01)
    assert gap["upper_ci_95"] == pytest.approx(33.39, abs=0.01)
    england = _row(built, "eyfs_gld_gap_points", ENGLAND, "No SEN minus SEN support")
    assert england["value"] == pytest.approx(70.0 - 25.0)


def test_gap_rows_missing_side_keeps_its_symbol() -> None:
    eyfs = pd.DataFrame({"area_code": "E1", "area_name": "A", "area_type": "England",
                         "period": "2021/22", "sen_group": ["No SEN", "SEN support", "EHC plan"],
                         "gld_number": [56.0, 48.0, np.nan], "children_number": [70.0, 80.0, 9.0],
                         "gld_number_note": ["", "", "[c]"], "children_number_note": ""})
    rows = gld_gap_rows(eyfs).set_index("breakdown")
    assert rows.loc["No SEN minus SEN support", "value"] == pytest.approx(20.0)
    assert math.isnan(rows.loc["No SEN minus EHC plan", "value"])
    assert rows.loc["No SEN minus EHC plan", "note"] == "[c]"


def test_lait_series_as_published(built: early_years.Chapter) -> None:
    # LAIT's "2025" is the academic year 2024/25; the float artefact reads as 16.1
    assert _row(built, "eyfs_gld_lait_percent", YORK, "SEN support", "2024/25")["value"] == 26.4
    assert _row(built, "eyfs_gld_lait_percent", YORK, "SEN support", "2022/23")[
        "value"] == pytest.approx(16.1)
    # the ASQ-3 review is a financial-year measure: "2024" is 2023-24; "-" is [x], never zero
    assert _row(built, "early_years_asq3_review_percent", YORK, "All children reviewed",
                "2023-24")["value"] == pytest.approx(97.78288)
    missing = _row(built, "early_years_asq3_review_percent", YORK, "All children reviewed",
                   "2022-23")
    assert math.isnan(missing["value"]) and missing["note"] == "[x]"
    # LAIT's percentages have no interval and no tested comparison
    lait = built.indicators[built.indicators["indicator_id"] == "eyfs_gld_lait_percent"]
    assert lait["lower_ci_95"].isna().all()
    trend = built.tables["gld_trend"].frame.set_index(["Children", "Year"])
    latest = trend.loc[("SEN support", "2024/25")]
    # North Somerset has no 2025 figure: the average is B&NES's alone
    assert latest["Neighbours' average"] == "22.0"
    assert latest["Neighbours with a value"] == "1 of 2"
    assert latest["Difference from England"] == "0.0"  # 26.4 - 26.4, never "-0.0"
    asq = built.tables["asq3"].frame.set_index("Year")
    assert asq.loc["2023-24", "York"] == "97.8"
    assert asq.loc["2023-24", "Neighbours' average"] == "95.0"  # (96 + 94) / 2
    assert asq.loc["2022-23", "York"] == "[x]"
    assert any("93436" in note for note in built.tables["asq3"].notes)


def test_findings_compare_only_years_of_the_reformed_profile(
        built: early_years.Chapter) -> None:
    text = " ".join(built.findings.sentences)
    assert "26.4% of children on SEN support in York" in text
    assert "in 2022/23, the first year of the reformed profile, it was 16.1%" in text


def test_a_council_without_any_input_gets_a_box_naming_them(tmp_path: Path) -> None:
    chapter = early_years.build(_config(tmp_path))
    assert chapter.findings.heading == INPUT_NEEDED
    text = " ".join(chapter.findings.sentences)
    for key in ("inputs.comparators.eyfs_by_sen", "inputs.lait", "inputs.census"):
        assert key in text
    box = early_years.section(chapter, "gld_by_sen")
    assert "inputs.comparators.eyfs_by_sen" in box._repr_html_()
    assert early_years.section(chapter, "gld_gap") is None  # one box per section
    assert "inputs.census" in early_years.section(chapter, "young_pupils")._repr_html_()


def test_only_lait_given_boxes_name_the_other_inputs(tmp_path: Path) -> None:
    (tmp_path / "lait.csv").write_text(LAIT_CSV, encoding="utf-8")
    chapter = early_years.build(_config(tmp_path, 'lait = "lait.csv"'))
    assert "gld_trend" in chapter.tables and "gld_by_sen" not in chapter.tables
    assert "inputs.comparators.eyfs_by_sen" in early_years.section(
        chapter, "gld_by_sen")._repr_html_()
    assert early_years.section(chapter, "gld_trend") is chapter.tables["gld_trend"]
    whats = " ".join(gap.why for gap in chapter.gaps)
    assert "inputs.comparators.eyfs_by_sen" in whats and "inputs.census" in whats
    assert "inputs.fingertips" in whats  # the ASQ-3 outcome (93436) is not in the files given


def _pupils() -> pd.DataFrame:
    """Two censuses. January 2025: reception 600 pupils (60 SEN support, 12 EHC plan), nursery 2
    100 pupils (3 SEN support: hidden; 10 EHC plan), year 1 400 pupils (6 SEN support, the
    smallest other count in that column, hidden beside the 3; 8 EHC plan)."""
    def year(census: int, groups: dict[str, tuple[int, int, int]]) -> pd.DataFrame:
        parts = []
        for code, (pupils, support, plan) in groups.items():
            provision = ["K"] * support + ["E"] * plan + ["N"] * (pupils - support - plan)
            parts.append(pd.DataFrame({"census_year": census, "nc_year": code,
                                       "sen_provision": provision}))
        return pd.concat(parts, ignore_index=True)
    return pd.concat([year(2024, {"N2": (100, 8, 9), "R": (500, 40, 10), "1": (400, 30, 8)}),
                      year(2025, {"N2": (100, 3, 10), "R": (600, 60, 12), "1": (400, 6, 8)})],
                     ignore_index=True)


def test_youngest_pupils_against_hand_worked_numbers(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "census_2025.csv").write_text("UPN\n", encoding="utf-8")
    monkeypatch.setattr(early_years, "load_pupils", lambda config: _pupils())
    chapter = early_years.build(_config(tmp_path, '[inputs.census]\n2025 = "census_2025.csv"'))
    # reception, January 2025: 60 of 600 = 10%; Wilson 95%: centre 0.103201 / 1.006402 =
    # 0.102545, half-width 1.959964 * sqrt(0.00015 + 0.0000026677) / 1.006402 = 0.024063
    row = _row(chapter, "early_years_sen_support_percent", YORK, "Reception", "2024/25")
    assert row["value"] == pytest.approx(10.0)
    assert row["lower_ci_95"] == pytest.approx(7.85, abs=0.01)
    assert row["upper_ci_95"] == pytest.approx(12.66, abs=0.01)
    plan = _row(chapter, "early_years_ehc_plan_percent", YORK, "Reception", "2024/25")
    assert plan["value"] == pytest.approx(2.0)  # 12 of 600
    # 3 pupils on SEN support in nursery 2 are hidden; the pupils in that year group are not
    small = _row(chapter, "early_years_sen_support_percent", YORK, "Nursery 2", "2024/25")
    assert small["note"] == "[c]" and math.isnan(small["count"])
    assert small["denominator"] == 100
    table = chapter.tables["young_pupils"].frame
    shown = table[table["January"] == "January 2025"].set_index("Year group")
    assert shown.loc["Nursery 2", "SEN support"] == "[c]"
    assert shown.loc["Nursery 2", "SEN support (%)"] == "[c]"
    assert shown.loc["Reception", "SEN support 95% CI"] == "7.8 to 12.7"
    # no other area's figure by year group: nothing is compared, and the table says why
    young = chapter.indicators[chapter.indicators["indicator_id"].str.startswith("early_years_")]
    assert set(young["compared_to_england"]) == {""}
    assert any("No England" in note for note in chapter.tables["young_pupils"].notes)
    assert "Year 1" not in set(table["Year group"])


def test_demo_lait_file_has_the_early_years_series_in_laits_layout() -> None:
    table = lait_table(np.random.default_rng(3), 2025)
    fsp = table[table["Short Desc"] == "FSP_Gooddev_Without_SENSTATE"]
    assert set(fsp.loc[fsp["Years"].isin(["2020", "2021"]), "Values"]) == {"-"}  # not assessed
    assert "2025" in set(fsp["Years"])
    hcp = table[table["Short Desc"] == "HCP_PHOF"]
    assert hcp["Years"].max() == "2024" and "-" in set(hcp["Values"])
    values = pd.to_numeric(hcp["Values"], errors="coerce").dropna()
    assert values.between(0, 100).all()
    assert set(table["Short Desc"]) >= {"FSP_Gooddev_With_SENSTATE", "NEW_KS2_RWM_Sen_W/Osta"}
