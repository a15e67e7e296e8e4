"""Same seed gives byte-identical files; a different seed gives a different census."""

from __future__ import annotations

import hashlib

import pytest
from demo_helpers import SMALL

from jsna.demo import write_demo
from jsna.errors import JsnaInputError

EXPECTED_FILES = {
    "jsna.toml",
    "schools.csv",
    "geography/wards.gpkg",
    "geography/lsoas.gpkg",
    "geography/lsoa_to_ward.csv",
    "geography/imd.csv",
    "geography/postcode_lookup.csv",
    "population/population_sya.csv",
    "census/census_2023.csv",
    "census/census_2024.csv",
    "census/census_2025.csv",
    "comparators/sen_phase_type.csv",
    "comparators/sen_primary_need.csv",
    "comparators/caseload.csv",
    "comparators/statistical_neighbours.csv",
    "comparators/requests.csv",
    "comparators/assessments.csv",
    "comparators/timeliness_20_week.csv",
    "comparators/neet_send.csv",
    *(f"comparators/neet_send_{year}.csv" for year in range(2021, 2025)),  # earlier NEET years
    "comparators/ks4_by_sen.csv",
    "comparators/eyfs_headline_measures.csv",
    "narrative/overview.md",
    "narrative/ehcp.md",
    "comparators/dedicated-schools-grant.ods",
    "comparators/send_tribunal_appeal_rates.csv",
    "comparators/sen2_mi.csv",
    "specialist_capacity.csv",
    "casework/sen2_extract.csv",
    "care/cin_extract.csv",
    "comparators/cin_by_sen.csv",
    "comparators/lait_bds_long.csv",
    "fingertips/child_health_profile.csv",
    "health/provider_lookup.csv",
    "health/waiting_lists.csv",
    "voice/survey.csv",
    "voice/parent_carer_forum.md",
}


def _digests(folder):
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_same_seed_gives_identical_bytes(small_demo, tmp_path):
    again = tmp_path / "again"
    write_demo(again, **SMALL)
    first, second = _digests(small_demo), _digests(again)
    assert set(first) == EXPECTED_FILES
    assert first == second


def test_different_seed_changes_the_census(small_demo, tmp_path):
    other = tmp_path / "other"
    write_demo(other, **(SMALL | {"seed": SMALL["seed"] + 1}))
    first, second = _digests(small_demo), _digests(other)
    for year in (2023, 2024, 2025):
        assert first[f"census/census_{year}.csv"] != second[f"census/census_{year}.csv"]


def test_returns_the_toml_path(small_demo):
    assert (small_demo / "jsna.toml").is_file()


@pytest.mark.parametrize(
    "bad",
    [
        {"dirt_rate": -0.1},
        {"dirt_rate": 0.5},
        {"years": 0},
        {"years": 11},
        {"last_year": 1990},
        {"n_wards": 1},
        {"seed": -3},
    ],
)
def test_bad_arguments_raise_input_error(tmp_path, bad):
    with pytest.raises(JsnaInputError, match="write_demo"):
        write_demo(tmp_path, **bad)
    assert not any(tmp_path.iterdir())
