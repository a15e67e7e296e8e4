"""Loading and validating jsna.toml: every problem reported at once, each naming its key."""

from __future__ import annotations

import textwrap

import pytest

from jsna.chapters.registry import CHAPTERS
from jsna.config import load_config
from jsna.errors import JsnaConfigError

VALID = """
[area]
code = "Z06000001"
name = "Demoton"
la_number = 990
region_code = "Z12000001"
region_name = "Demo Region"

[jsna]
year = 2025

[inputs]
postcode_lookup = "postcodes.csv"
lsoa_ward_lookup = "lsoa_to_ward.csv"
ward_boundaries = "wards.gpkg"
schools = "schools.csv"

[inputs.census]
2024 = "census_2024.csv"
2025 = "census_2025.csv"

[inputs.comparators]
sen_phase_type = "sen_phase_type.csv"
ehcp_caseload = "caseload.csv"
ehcp_requests = "requests.csv"
ehcp_assessments = "assessments.csv"
ehcp_timeliness = "timeliness.csv"

[census]
salt = "not-secret"

[comparators]
neighbours = ["Z06000002"]
"""


#: Every file VALID names.
FILES = ("postcodes.csv", "lsoa_to_ward.csv", "wards.gpkg", "schools.csv", "census_2024.csv",
         "census_2025.csv", "sen_phase_type.csv", "caseload.csv", "requests.csv",
         "assessments.csv", "timeliness.csv")

#: A council running only the chapter built from published DfE files.
PUBLISHED_ONLY = """
[area]
code = "E06000014"
name = "York"
region_code = "E12000003"
region_name = "Yorkshire and The Humber"

[jsna]
year = 2025

[inputs.comparators]
ehcp_caseload = "caseload.csv"
ehcp_requests = "requests.csv"
ehcp_assessments = "assessments.csv"
ehcp_timeliness = "timeliness.csv"

[chapters]
run = ["ehcp"]
"""


def _write(folder, text, files=FILES):
    for name in files:
        (folder / name).write_text("x\n")
    path = folder / "jsna.toml"
    path.write_text(textwrap.dedent(text))
    return path


def test_valid_config_resolves_paths_against_its_folder(tmp_path):
    config = load_config(_write(tmp_path, VALID))
    assert config.area.code == "Z06000001" and config.year == 2025
    assert config.inputs.census[2025] == tmp_path.resolve() / "census_2025.csv"
    assert config.census_years == [2024, 2025]
    assert config.output_dir == (tmp_path / "outputs" / "2025" / "Z06000001").resolve()
    assert config.disclosure.threshold == 5 and config.disclosure.suppress_zeros is False
    assert config.chapters == list(CHAPTERS)
    assert config.title == "Demoton SEND Joint Strategic Needs Assessment 2025"


def test_every_problem_is_reported_at_once_with_its_key(tmp_path):
    text = VALID.replace('la_number = 990', 'la_number = "990"').replace(
        "[jsna]\nyear = 2025", "[jsna]\nyear = 2025\ncolour = \"blue\""
    ) + '\n[disclosure]\nthreshold = "five"\n'
    path = _write(tmp_path, text, files=[f for f in FILES
                                         if f not in ("lsoa_to_ward.csv", "census_2024.csv")])
    with pytest.raises(JsnaConfigError) as caught:
        load_config(path)
    problems = caught.value.problems
    joined = " | ".join(problems)
    assert "area.la_number should be an integer" in joined
    assert "unknown key jsna.colour" in joined
    assert "disclosure.threshold should be an integer" in joined
    assert "inputs.lsoa_ward_lookup: file not found" in joined
    assert "inputs.census.2024: file not found" in joined
    assert len(problems) == 5
    assert str(path) in str(caught.value)


def test_missing_keys_and_unknown_chapter(tmp_path):
    text = VALID.replace('name = "Demoton"\n', "").replace('salt = "not-secret"', "") + (
        '\n[chapters]\nrun = ["population", "astrology"]\n'
    )
    with pytest.raises(JsnaConfigError) as caught:
        load_config(_write(tmp_path, text))
    joined = " | ".join(caught.value.problems)
    assert "missing key area.name" in joined
    assert "census.salt" in joined
    assert "unknown chapter 'astrology'" in joined


def test_year_without_a_census_file(tmp_path):
    with pytest.raises(JsnaConfigError, match="jsna.year = 2026 but inputs.census has no 2026"):
        load_config(_write(tmp_path, VALID.replace("year = 2025", "year = 2026")))


def test_salt_from_environment(tmp_path, monkeypatch):
    text = VALID.replace('salt = "not-secret"', 'salt_env = "JSNA_TEST_SALT"')
    path = _write(tmp_path, text)
    with pytest.raises(JsnaConfigError, match="JSNA_TEST_SALT, which is not set"):
        load_config(path)
    monkeypatch.setenv("JSNA_TEST_SALT", "s3cret")
    assert load_config(path).census.salt == "s3cret"


def test_malformed_and_missing_files(tmp_path):
    with pytest.raises(JsnaConfigError, match="configuration file not found"):
        load_config(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[area\ncode = 1")
    with pytest.raises(JsnaConfigError, match="bad.toml: not valid TOML"):
        load_config(bad)


def test_a_council_may_run_the_published_data_chapter_without_a_census(tmp_path):
    config = load_config(_write(tmp_path, PUBLISHED_ONLY))
    assert config.inputs.census == {} and config.census_years == []
    assert config.chapters == ["ehcp"]


def test_each_chapter_names_the_inputs_it_still_needs(tmp_path):
    text = PUBLISHED_ONLY.replace('run = ["ehcp"]', 'run = ["ehcp", "wards"]').replace(
        'ehcp_requests = "requests.csv"\n', "")
    with pytest.raises(JsnaConfigError) as caught:
        load_config(_write(tmp_path, text))
    problems = caught.value.problems
    assert ("inputs.comparators.ehcp_requests is needed by the ehcp chapter (chapters.run) but is "
            "not set") in problems
    for key in ("census", "postcode_lookup", "lsoa_ward_lookup", "ward_boundaries"):
        assert f"inputs.{key} is needed by the wards chapter (chapters.run) but is not set" in (
            problems)
    # a census chapter needs the pseudonymisation secret too
    assert any("census.salt" in problem for problem in problems)
    assert len(problems) == 6
