"""Loading and validating jsna.toml: every problem reported at once, each naming its key."""

from __future__ import annotations

import json
import textwrap

import pytest

from jsna.chapter_list import CHAPTERS
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
population = "population.csv"

[inputs.census]
2024 = "census_2024.csv"
2025 = "census_2025.csv"

[inputs.comparators]
sen_phase_type = "sen_phase_type.csv"
ehcp_caseload = "caseload.csv"
ehcp_requests = "requests.csv"
ehcp_assessments = "assessments.csv"
ehcp_timeliness = "timeliness.csv"
high_needs_dsg = "dsg.ods"
send_tribunals = "tribunals.csv"
ks4_by_sen = "ks4_by_sen.csv"
cin_by_sen = "cin_by_sen.csv"

[census]
salt = "not-secret"

[comparators]
neighbours = ["Z06000002"]
"""


#: Every file VALID names.
FILES = ("postcodes.csv", "lsoa_to_ward.csv", "wards.gpkg", "schools.csv", "census_2024.csv",
         "census_2025.csv", "sen_phase_type.csv", "caseload.csv", "requests.csv",
         "assessments.csv", "timeliness.csv", "population.csv", "dsg.ods", "tribunals.csv",
         "ks4_by_sen.csv", "cin_by_sen.csv")

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


def _problems(folder, text, files=FILES) -> list[str]:
    with pytest.raises(JsnaConfigError) as caught:
        load_config(_write(folder, text, files))
    return caught.value.problems


@pytest.mark.parametrize("code", ["../../../escaped", "/tmp/escaped", "", " ", "E0600001",
                                  "E060000140", "e06000014", "X06000014", "E06000014/..",
                                  "E06000014\n", "E0600001\u0664"])
def test_area_code_must_be_a_gss_code(tmp_path, code):
    # the code names the site's folder: a path in it would write the site outside output.folder
    text = VALID.replace('code = "Z06000001"', f"code = {json.dumps(code)}")
    problems = _problems(tmp_path, text)
    assert problems == [f"area.code should be a GSS code such as E06000014 (E, W, S or N and 8 "
                        f"digits; the demo's codes start with Z), got {code!r}"]


@pytest.mark.parametrize("code", ["E06000014", "W06000015", "S12000033", "N09000003", "Z06000001"])
def test_gss_and_demo_codes_are_accepted(tmp_path, code):
    config = load_config(_write(tmp_path, VALID.replace('code = "Z06000001"', f'code = "{code}"')))
    assert config.output_dir == (tmp_path / "outputs" / "2025" / code).resolve()


def test_blank_names_and_a_bad_region_code_are_reported_with_the_other_problems(tmp_path):
    text = (VALID.replace('name = "Demoton"', 'name = "  "')
            .replace('region_code = "Z12000001"', 'region_code = "../x"')
            .replace('code = "Z06000001"', 'code = "../../escaped"')
            .replace("[jsna]\nyear = 2025", '[jsna]\nyear = 2025\ntitle = ""'))
    problems = _problems(tmp_path, text, files=[f for f in FILES if f != "schools.csv"])
    assert len(problems) == 5, problems
    joined = " | ".join(problems)
    for expected in ("area.code should be a GSS code", "got '../../escaped'",
                     "area.region_code should be a GSS code", "got '../x'",
                     "area.name is empty", "jsna.title is empty",
                     "inputs.schools: file not found"):
        assert expected in joined


@pytest.mark.parametrize("clean, folder", [("outputs/clean", None), ("outputs", None),
                                           ("site/2025", "site"), (".", ".")])
def test_a_clean_folder_inside_the_published_folder_is_refused(tmp_path, clean, folder):
    output = f'folder = "{folder}"\n' if folder else ""
    problems = _problems(tmp_path, VALID + f'\n[output]\n{output}clean_folder = "{clean}"\n')
    assert len(problems) == 1
    assert problems[0].startswith(f"output.clean_folder = {(tmp_path / clean).resolve()} is inside "
                                  f"output.folder = {(tmp_path / (folder or 'outputs')).resolve()}")
    assert "published" in problems[0] and "pupil-level data would be put on the website" in (
        problems[0])


def test_a_clean_folder_beside_the_published_folder_is_accepted(tmp_path):
    text = VALID + '\n[output]\nfolder = "site"\nclean_folder = "private/clean"\n'
    config = load_config(_write(tmp_path, text))
    assert config.clean_dir == (tmp_path / "private" / "clean").resolve()
    assert config.output_folder == (tmp_path / "site").resolve()


@pytest.mark.parametrize("salt", ["", "   ", "\t"])
def test_an_empty_salt_is_refused(tmp_path, salt):
    problems = _problems(tmp_path, VALID.replace('salt = "not-secret"', f"salt = {json.dumps(salt)}"))
    assert len(problems) == 1 and problems[0].startswith("census.salt is empty")


def test_a_salt_env_naming_an_empty_or_no_variable_is_refused(tmp_path, monkeypatch):
    text = VALID.replace('salt = "not-secret"', 'salt_env = "JSNA_TEST_SALT"')
    monkeypatch.setenv("JSNA_TEST_SALT", "  ")
    assert _problems(tmp_path, text) == [
        "census.salt_env names the environment variable JSNA_TEST_SALT, which is empty"]
    monkeypatch.delenv("JSNA_TEST_SALT")
    assert _problems(tmp_path, text) == [
        "census.salt_env names the environment variable JSNA_TEST_SALT, which is not set"]
    problems = _problems(tmp_path, VALID.replace('salt = "not-secret"', 'salt_env = ""'))
    assert len(problems) == 1 and problems[0].startswith("census.salt_env is empty")




@pytest.mark.parametrize("check_files", [True, False])
def test_inputs_must_be_regular_files(tmp_path, check_files, within):
    import os

    path = _write(tmp_path, VALID, files=[f for f in FILES
                                          if f not in ("census_2024.csv", "caseload.csv")])
    os.mkfifo(tmp_path / "census_2024.csv")  # reading a named pipe waits for a writer for ever
    (tmp_path / "caseload.csv").mkdir()
    with pytest.raises(JsnaConfigError) as caught:
        within(20, lambda: load_config(path, check_files=check_files))
    assert caught.value.problems == [
        f"inputs.census.2024: not a regular file (a folder, pipe or device): "
        f"{tmp_path.resolve() / 'census_2024.csv'}",
        f"inputs.comparators.ehcp_caseload: not a regular file (a folder, pipe or device): "
        f"{tmp_path.resolve() / 'caseload.csv'}"]


def test_a_salt_given_twice_is_refused(tmp_path, monkeypatch):
    # which one pseudonymised the census would otherwise be a silent choice
    monkeypatch.setenv("JSNA_TEST_SALT", "s3cret")
    text = VALID.replace('salt = "not-secret"', 'salt = "not-secret"\nsalt_env = "JSNA_TEST_SALT"')
    problems = _problems(tmp_path, text)
    assert len(problems) == 1 and problems[0].startswith(
        "census.salt and census.salt_env are both set: keep one")


def test_local_targets_are_read_for_scorecard_indicators_with_a_polarity(tmp_path):
    text = VALID + "\n[targets]\nehcp_issued_20_weeks_ex_percent = 60\n"
    config = load_config(_write(tmp_path, text))
    assert config.targets == {"ehcp_issued_20_weeks_ex_percent": 60.0}
    assert load_config(_write(tmp_path, VALID)).targets == {}


def test_every_bad_target_is_reported_with_its_key(tmp_path):
    text = VALID + textwrap.dedent("""
        [targets]
        astrology_percent = 10
        pupils_ehc_plan_percent = 4.5
        ehcp_issued_20_weeks_ex_percent = "sixty"
        ehcp_issued_20_weeks_percent = 120
        """)
    with pytest.raises(JsnaConfigError) as caught:
        load_config(_write(tmp_path, text))
    problems = caught.value.problems
    assert len(problems) == 4, problems
    joined = " | ".join(problems)
    assert "targets.astrology_percent: not an indicator of the scorecard (known: " in joined
    assert ("targets.pupils_ehc_plan_percent: Pupils with an EHC plan (%) has no polarity"
            in joined)
    assert "targets.ehcp_issued_20_weeks_ex_percent should be a number, got 'sixty'" in joined
    assert ("targets.ehcp_issued_20_weeks_percent is a percentage and should be from 0 to 100, "
            "got 120") in joined


@pytest.mark.parametrize("value", ["true", "nan", "inf"])
def test_a_target_that_is_not_a_finite_number_is_refused(tmp_path, value):
    text = VALID + f"\n[targets]\nehcp_issued_20_weeks_ex_percent = {value}\n"
    with pytest.raises(JsnaConfigError, match="targets.ehcp_issued_20_weeks_ex_percent should be "
                                              "a number"):
        load_config(_write(tmp_path, text))


def test_targets_must_be_a_table(tmp_path):
    with pytest.raises(JsnaConfigError, match=r"\[targets\] must be a table"):
        load_config(_write(tmp_path, "targets = 5\n" + VALID))


def test_without_chapters_run_every_chapter_whose_inputs_are_set_runs(tmp_path):
    """A council's config from before a chapter existed still loads: the new chapter, whose
    published file the council has not added yet, is left out rather than refused."""
    text = PUBLISHED_ONLY.replace('[chapters]\nrun = ["ehcp"]\n', "")
    assert "[chapters]" not in text
    config = load_config(_write(tmp_path, text))
    # the EHC plans files are set: ehcp, sufficiency (the caseload), adulthood and quality
    # (which name their missing inputs in a box) run; census, outcomes and resources chapters do not
    assert "ehcp" in config.chapters and "sufficiency" in config.chapters
    assert not {"population", "wards", "settings", "outcomes", "resources"} & set(config.chapters)
    assert config.chapters == [name for name in CHAPTERS if name in config.chapters]


def test_cin_columns_must_name_standard_columns_as_text(tmp_path):
    text = VALID + '\n[cin]\ncolumns = { "Case Ref" = 3 }\n'
    with pytest.raises(JsnaConfigError, match=r"cin.columns.Case Ref should name a standard "
                                              r"column \(a string\)"):
        load_config(_write(tmp_path, text))


def test_a_cin_extract_needs_the_census_salt(tmp_path):
    # a council publishing DfE's files only needs no salt; with its children in need extract
    # (pseudonymised with the census's salt so children link to pupils) it does
    load_config(_write(tmp_path, PUBLISHED_ONLY))
    text = PUBLISHED_ONLY.replace("[inputs.comparators]",
                                  '[inputs]\ncin_extract = "cin.csv"\n\n[inputs.comparators]')
    (tmp_path / "cin.csv").write_text("Child ID,CIN start\n")
    with pytest.raises(JsnaConfigError, match="census.salt"):
        load_config(_write(tmp_path, text))
