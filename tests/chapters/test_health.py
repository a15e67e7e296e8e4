"""The health chapter: a box naming each input not set; a real council's Fingertips export."""

from __future__ import annotations

from pathlib import Path

import pytest
from real_councils import REAL_OR_DEFAULT

from jsna.chapters import health
from jsna.config import load_config

REAL = REAL_OR_DEFAULT
YORK_FILE = REAL / "fingertips" / "indicators-CountyUA_cyp_mental_health_yorkshire_and_humber.csv"


def _config(tmp_path: Path, inputs: str = "") -> Path:
    path = tmp_path / "jsna.toml"
    path.write_text(f"""
[area]
code = "E06000014"
name = "York"
region_code = "E12000003"
region_name = "Yorkshire and The Humber"
[jsna]
year = 2019
[inputs]
{inputs}
[comparators]
neighbours = ["E06000011", "E08000035"]
[chapters]
run = ["health"]
""", encoding="utf-8")
    return path


def test_without_inputs_the_chapter_is_a_box_naming_them(tmp_path):
    chapter = health.build(load_config(_config(tmp_path)))
    assert chapter.findings.heading == "Input needed"
    text = " ".join(chapter.findings.sentences)
    assert "inputs.health_waits" in text and "inputs.fingertips" in text
    assert not chapter.tables and not chapter.figures and chapter.indicators.empty


@pytest.mark.real_data
def test_real_council_fingertips_table(tmp_path):
    if not YORK_FILE.exists():
        pytest.skip(f"real data folder {REAL} is absent")
    chapter = health.build(load_config(_config(tmp_path, f'fingertips = "{YORK_FILE.as_posix()}"')))
    table = chapter.tables["fingertips"].frame
    assert len(table) >= 5
    assert set(table["vs England"]) <= {"Higher", "Lower", "Similar", "Not compared"}
    # the local-waits part names its input
    assert any("inputs.health_waits" in s for s in chapter.findings.sentences)
    # 91871 SEMH pupils, 2018, as published: York 2.17 (1.95 to 2.42), England 2.19; OHID
    # labels York "Similar" to England
    semh = table[table["Indicator"].str.startswith("School pupils with social")].iloc[0]
    assert semh["Period"] == "2018"
    assert semh["York"] == pytest.approx(2.172423)
    assert semh["95% CI"] == "1.9 to 2.4"
    assert semh["England"] == pytest.approx(2.190854)
    assert semh["vs England"] == "Similar"


@pytest.mark.real_data
def test_published_nhs_waits_for_the_councils_providers(tmp_path):
    workbook = REAL / "nhs" / "community_health_2023-12-01.xlsx"
    if not workbook.exists():
        pytest.skip(f"real data folder {REAL} is absent")
    (tmp_path / "providers.csv").write_text("Provider code,LA code\nRR7,E06000014\n",
                                            encoding="utf-8")
    config = load_config(_config(tmp_path, f'nhs_community_waits = "{workbook.as_posix()}"\n'
                                           'health_provider_lookup = "providers.csv"'))
    table = health.build(config).tables["nhs_published_waits"].frame.set_index(
        ["Organisation", "Service"])
    england = table.loc[("England", "Community paediatrics")]
    # published: 83,253 waiting; (36,093 + 14,033) of the 82,889 reported by weeks band
    assert england["Waiting (all ages of children)"] == 83253
    assert england["Over 18 weeks (%)"] == pytest.approx(100 * 50126 / 82889)
    trust = table.loc[("GATESHEAD HEALTH NHS FOUNDATION TRUST (RR7)", "Occupational therapy")]
    assert trust["Waiting (all ages of children)"] == 359
