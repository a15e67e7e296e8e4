"""The high needs funding and disagreement chapter: on the demo, and on two real councils with
its headline figures checked against plain pandas/csv reads of the raw published files."""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path

import pandas as pd
import pytest

from jsna.chapters import resources
from jsna.config import load_config
from jsna.demo import write_demo

REPO = Path(__file__).resolve().parents[2]


def _real() -> Path | None:
    for candidate in (os.environ.get("JSNA_REAL_DATA", ""), REPO.parent / "shared/data/real",
                      REPO.parent.parent / "shared/data/real"):
        if candidate and (Path(candidate) / "finance").is_dir():
            return Path(candidate).resolve()
    return None


REAL = _real()
TRIBUNAL_CSV = "send_dfe/ehcp_2025/supporting-files/SEND Tribunals and appeal rate 2014-2024.csv"
DSG = "finance/dedicated-schools-grant_2024_07_20.ods"
POPULATION = "population/ons_mye_mid2020_utla20_single_year_of_age.csv"
#: code, name, LA number, region code and name, DfE May 2025 statistical neighbours
COUNCILS = {
    "york": ("E06000014", "York", 816, "E12000003", "Yorkshire and The Humber", [
        "E10000013", "E06000022", "E06000024", "E10000015", "E10000031", "E10000025",
        "E10000032", "E08000009", "E10000014", "E08000007"]),
    "bcp": ("E06000058", "Bournemouth, Christchurch and Poole", 839, "E12000009", "South West", [
        "E06000055", "E06000033", "E10000016", "E10000008", "E06000042", "E09000004",
        "E10000032", "E10000020", "E10000011", "E10000012"]),
}


def _config(key: str, folder: Path) -> Path:
    code, name, _, region, region_name, neighbours = COUNCILS[key]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "jsna.toml"
    path.write_text(f"""
[area]
code = "{code}"
name = "{name}"
region_code = "{region}"
region_name = "{region_name}"
[jsna]
year = 2025
[inputs]
population = "{REAL / POPULATION}"
[inputs.comparators]
high_needs_dsg = "{REAL / DSG}"
send_tribunals = "{REAL / TRIBUNAL_CSV}"
[comparators]
neighbours = {neighbours!r}
[chapters]
run = ["resources"]
""", encoding="utf-8")
    return path


@pytest.fixture(scope="module", params=sorted(COUNCILS))
def real_chapter(request, tmp_path_factory):
    if REAL is None:
        pytest.skip("real data folder is absent")
    path = _config(request.param, tmp_path_factory.mktemp(request.param))
    return request.param, resources.build(load_config(path))


def _raw_tribunal(la_number: int, year: str) -> tuple[float, float]:
    """Appeals and decisions straight from the published CSV (no jsna code)."""
    with open(REAL / TRIBUNAL_CSV, encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    at = lines[3].index(year)
    row = next(line for line in lines if line[1:2] == [str(la_number)])
    return (float(row[at].replace(",", "").strip() or "nan"),
            float(row[at + 1].replace(",", "").strip()))


@pytest.mark.real_data
def test_real_appeal_rate_equals_the_raw_file(real_chapter):
    key, chapter = real_chapter
    code, _, number, *_ = COUNCILS[key]
    appeals, decisions = _raw_tribunal(number, "2024")
    rows = chapter.indicators
    mine = rows[(rows["indicator_id"] == "send_appeals_per_1000_decisions")
                & (rows["area_code"] == code) & (rows["period"] == "2024")].iloc[0]
    assert (mine["count"], mine["denominator"]) == (appeals, decisions)
    assert math.isclose(mine["value"], appeals / decisions * 1000, rel_tol=1e-12)
    # York 2024: 33 of 1,687 (DfE prints 2.0%); BCP: 145 of 4,977 (2.9%)
    assert round(mine["value"] / 10, 3) == round(appeals / decisions * 100, 3)
    england = rows[(rows["indicator_id"] == "send_appeals_per_1000_decisions")
                   & (rows["area_code"] == "E92000001") & (rows["period"] == "2024")].iloc[0]
    assert (england["count"], england["denominator"]) == (22276, 689739)
    table = chapter.tables["appeals"].frame
    latest = table[(table["Calendar year"] == "2024") & (table["Area"] == COUNCILS[key][1])]
    assert latest["Appeals registered"].iloc[0] == appeals


@pytest.mark.real_data
def test_real_high_needs_per_head_equals_the_raw_files(real_chapter):
    key, chapter = real_chapter
    code, _, number, *_ = COUNCILS[key]
    sheet = pd.read_excel(REAL / DSG, sheet_name="High_needs_block", header=None, engine="odf")
    allocation = float(sheet.loc[sheet[0].astype(str) == str(number), 10].iloc[0])
    population = pd.read_csv(REAL / POPULATION)
    # BCP's own code is in the mid-2020 file; ages 2 to 18 inclusive
    people = float(population.loc[population["utla20_code"] == code,
                                  [str(a) for a in range(2, 19)]].sum(axis=1).iloc[0])
    rows = chapter.indicators
    mine = rows[(rows["indicator_id"] == "high_needs_block_per_head_2_18")
                & (rows["area_code"] == code)].iloc[0]
    assert (mine["count"], mine["denominator"]) == (allocation, people)
    assert math.isclose(mine["value"], allocation / people, rel_tol=1e-12)
    assert f"£{allocation / people:,.0f} per resident aged two to eighteen" in chapter.findings.sentences[0]


@pytest.mark.real_data
def test_real_bcp_has_no_appeal_figures_before_it_existed(real_chapter):
    key, chapter = real_chapter
    if key != "bcp":
        pytest.skip("BCP only")
    rows = chapter.indicators
    before = rows[(rows["indicator_id"] == "send_appeals_per_1000_decisions")
                  & (rows["area_code"] == "E06000058") & (rows["period"] < "2019")]
    assert len(before) == 5
    assert before["value"].isna().all() and (before["note"] == "[x]").all()


def test_chapter_builds_on_the_demo(tmp_path):
    path = write_demo(tmp_path / "demo", seed=7, years=1, n_wards=6)
    chapter = resources.build(load_config(path))
    assert set(chapter.tables) == {"high_needs", "appeals", "appeals_neighbours",
                                   "sen_unit_cost", "sen_unit_cost_neighbours", "mediation",
                                   "mediation_neighbours"}
    assert len(chapter.findings.sentences) == 4
    assert chapter.findings.sentences[1].startswith("In 2024, ")
    funding = chapter.tables["high_needs"].frame
    assert funding["Area"].iloc[0] == "Demoton (this council)"
    assert isinstance(funding["£ per resident aged 2 to 18"].iloc[0], float)
    assert set(chapter.rules) == {table.name for table in chapter.tables.values()}
    written = chapter.save(tmp_path / "out")
    assert (tmp_path / "out" / "data" / "resources_indicators.csv") in written


@pytest.mark.real_data
def test_real_rows_without_a_value_have_no_comparison_label(real_chapter):
    _, chapter = real_chapter
    rows = chapter.indicators
    appeals = rows[rows["indicator_id"] == "send_appeals_per_1000_decisions"]
    blank = appeals[appeals["value"].isna()]
    assert len(blank) > 0  # suppressed small counts, regions with a council not published
    assert (blank[["compared_to_england", "compared_to_region", "recent_trend"]] == "").all(
        axis=None)
