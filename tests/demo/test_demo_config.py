"""The demo council's jsna.toml follows the configuration contract."""

from __future__ import annotations

import tomllib

import pytest

from jsna.chapter_list import CHAPTERS


def test_toml_contract(default_demo):
    config = tomllib.loads((default_demo / "jsna.toml").read_text(encoding="utf-8"))
    assert config["area"] == {
        "code": "Z06000001",
        "name": "Demoton",
        "la_number": 990,
        "region_code": "Z12000001",
        "region_name": "Demo Region",
    }
    assert config["jsna"]["year"] == 2025
    assert config["jsna"]["title"] == "Demoton SEND Joint Strategic Needs Assessment 2025"
    inputs = config["inputs"]
    for key in (
        "postcode_lookup",
        "lsoa_ward_lookup",
        "ward_boundaries",
        "lsoa_boundaries",
        "imd",
        "population",
        "schools",
        "cin_extract",
    ):
        assert (default_demo / inputs[key]).is_file()
    assert sorted(inputs["census"]) == ["2021", "2022", "2023", "2024", "2025"]
    assert all((default_demo / path).is_file() for path in inputs["census"].values())
    assert sorted(inputs["comparators"]) == [
        "cin_by_sen",
        "ehcp_assessments",
        "ehcp_caseload",
        "ehcp_requests",
        "ehcp_timeliness",
        "eyfs_by_sen",
        "high_needs_dsg",
        "ks4_by_sen",
        "neet_send",
        "sen2_management_information",
        "sen_phase_type",
        "sen_primary_need",
        "send_tribunals",
        "statistical_neighbours",
    ]
    listed = [path for value in inputs["comparators"].values()
              for path in (value if isinstance(value, list) else [value])]
    assert all((default_demo / path).is_file() for path in listed)
    assert isinstance(inputs["comparators"]["neet_send"], list)  # one file per published year
    assert config["census"]["salt"]
    neighbours = config["comparators"]["neighbours"]
    assert len(neighbours) == len(set(neighbours)) == 10 and "Z06000001" not in neighbours
    assert config["disclosure"] == {"threshold": 5, "suppress_zeros": False}
    assert config["chapters"]["run"] == list(CHAPTERS)
    assert config["output"]["folder"] == "../../outputs"


def test_loads_with_the_project_config_loader(default_demo):
    config_module = pytest.importorskip("jsna.config")
    config = config_module.load_config(default_demo / "jsna.toml")
    assert config.area.code == "Z06000001"
    assert sorted(config.inputs.census) == [2021, 2022, 2023, 2024, 2025]
    assert len(config.neighbours) == 10
