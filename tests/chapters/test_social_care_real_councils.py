"""The children in need and looked after chapter for two real councils, against plain pandas.

York (E06000014) and North Yorkshire (E06000065, published as E10000023 in 2021/22), from DfE's
*Outcomes for children in need* SEN file (``../shared/data/real/cin_cla/sen_la.csv``). Every
expected figure is computed here from the raw file. Skipped when the real data are absent.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from real_councils import COUNCILS as ALL_COUNCILS
from real_councils import REAL, needs_real_data, real_path, wilson, write_council_config

from jsna.chapters import social_care
from jsna.config import load_config

pytestmark = needs_real_data("cin_cla/sen_la.csv")
COUNCILS = {key: ALL_COUNCILS[key] for key in ("york", "north_yorkshire")}
GROUPS = {"CINO at 31 March": "Children in need (not on a plan or looked after)",
          "CPPO at 31 March": "On a child protection plan (not looked after)",
          "CLA 12 months at 31 March": "Looked after for 12 months or more"}


def write_config(key: str, folder: Path) -> Path:
    return write_council_config(folder, COUNCILS[key], chapters=["social_care"],
                                comparators={"cin_by_sen": real_path("cin_cla/sen_la.csv")})


def published_code(key: str) -> str:
    """The code DfE's 2021/22 file carries for the council (before any re-forming)."""
    return COUNCILS[key].old_code or COUNCILS[key].code


@pytest.fixture(scope="module", params=list(COUNCILS))
def built(request, tmp_path_factory):
    config = load_config(write_config(request.param, tmp_path_factory.mktemp(request.param)))
    return request.param, social_care.build(config)


def raw() -> pd.DataFrame:
    frame = pd.read_csv(REAL / "cin_cla" / "sen_la.csv", dtype=str, keep_default_na=False)
    return frame[frame["time_period"] == "202122"]


@pytest.mark.parametrize("measure, indicator", [
    ("pt_SEN_support", "care_sen_support_percent"),
    ("pt_statement_or_EHC_plan", "care_ehc_plan_percent")])
def test_shares_equal_the_raw_file(built, measure, indicator):
    key, chapter = built
    code, published = COUNCILS[key].code, published_code(key)
    frame = raw()
    for area, rows in ((code, frame[frame["new_la_code"] == published]),
                       ("E92000001", frame[frame["geographic_level"] == "National"])):
        for group, label in GROUPS.items():
            published = rows[rows["social_care_group"] == group].iloc[0]
            mine = chapter.indicators[(chapter.indicators["indicator_id"] == indicator)
                                      & (chapter.indicators["area_code"] == area)
                                      & (chapter.indicators["breakdown"] == label)
                                      & (chapter.indicators["period"] == "2021/22")].iloc[0]
            if published[measure] in ("c", "z", "x") or published["t_pupils"] in ("c", "z"):
                assert pd.isna(mine["value"])
                continue
            n, p = float(published["t_pupils"]), float(published[measure])
            if p / 100 * n < 5:  # this JSNA's own disclosure control hides small counts
                assert pd.isna(mine["value"]) and mine["note"] == "[c]"
                continue
            assert mine["value"] == pytest.approx(p, abs=1e-9)
            assert mine["denominator"] == n
            low, high = wilson(p / 100 * n, n)
            assert mine["lower_ci_95"] == pytest.approx(low)
            assert mine["upper_ci_95"] == pytest.approx(high)


def test_the_table_shows_region_england_and_the_neighbours_average(built):
    key, chapter = built
    council = COUNCILS[key]
    published, name = published_code(key), council.name
    region, region_name, neighbours = council.region_code, council.region_name, council.neighbours
    frame = raw()
    table = chapter.tables["published_ehc_plan"].frame.set_index("Group")
    row = table.loc["Looked after for 12 months or more"]
    cla = frame[frame["social_care_group"] == "CLA 12 months at 31 March"]
    region_row = cla[(cla["geographic_level"] == "Regional") & (cla["region_code"] == region)]
    england_row = cla[cla["geographic_level"] == "National"]
    assert row[f"{region_name} (%)"] == pytest.approx(
        float(region_row["pt_statement_or_EHC_plan"].iloc[0]))
    assert row["England (%)"] == pytest.approx(float(england_row["pt_statement_or_EHC_plan"].iloc[0]))
    mine = cla[cla["new_la_code"] == published]
    assert row[f"{name} (%)"] == pytest.approx(float(mine["pt_statement_or_EHC_plan"].iloc[0]))
    # Somerset County Council (E10000027 in 2021/22) became Somerset Council (E06000066) in 2023
    codes = cla["new_la_code"].replace({"E10000027": "E06000066"})
    chosen = cla[codes.isin(neighbours)]
    values = pd.to_numeric(chosen["pt_statement_or_EHC_plan"], errors="coerce")
    counts = values / 100 * pd.to_numeric(chosen["t_pupils"], errors="coerce")
    shown = values[counts >= 5]  # as this JSNA publishes them
    assert row["Neighbours (%)"] == pytest.approx(shown.mean())


def test_a_neighbour_created_since_is_named_not_fatal(built):
    key, chapter = built
    notes = " ".join(chapter.tables["published_ehc_plan"].notes)
    if key == "north_yorkshire":  # Westmorland and Furness (2023) is not in the 2021/22 file
        assert "Westmorland and Furness (E06000064)" in notes
    else:
        assert "left out of the neighbours" not in notes


def test_without_the_extract_the_box_names_it(built):
    _, chapter = built
    assert "inputs.cin_extract" in chapter.input_needed.text
    assert "local_by_group" not in chapter.tables
