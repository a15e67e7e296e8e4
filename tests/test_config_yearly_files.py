"""``inputs.comparators.neet_send`` takes one file or an array of files, one per year.

Last year's configs (one path) still load; an array lists every file in order; bad arrays are
refused naming the key, the position and what was expected; every listed file must exist.
"""

from __future__ import annotations

import pytest

from jsna.config import load_config
from jsna.errors import JsnaConfigError

CONFIG = """
[area]
code = "Z06000001"
name = "Demoton"
region_code = "Z12000001"
region_name = "Demo Region"

[jsna]
year = 2025

[inputs.comparators]
neet_send = {neet}
ehcp_caseload = "caseload.csv"

[chapters]
run = ["adulthood"]
"""


def _write(folder, neet: str, files=("neet_2024.csv", "neet_2025.csv", "caseload.csv")):
    for name in files:
        (folder / name).write_text("x\n", encoding="utf-8")
    path = folder / "jsna.toml"
    path.write_text(CONFIG.format(neet=neet), encoding="utf-8")
    return path


def _problems(folder, neet: str, **kwargs) -> list[str]:
    with pytest.raises(JsnaConfigError) as error:
        load_config(_write(folder, neet, **kwargs))
    return error.value.problems


def test_one_path_still_loads_as_last_years_configs_do(tmp_path):
    config = load_config(_write(tmp_path, '"neet_2025.csv"'))
    assert config.inputs.comparators["neet_send"] == tmp_path / "neet_2025.csv"
    assert config.inputs.comparator_files["neet_send"] == (tmp_path / "neet_2025.csv",)
    assert config.inputs.comparator_files["ehcp_caseload"] == (tmp_path / "caseload.csv",)


def test_an_array_lists_every_file_in_order_and_the_last_is_the_key_s_file(tmp_path):
    config = load_config(_write(tmp_path, '["neet_2024.csv", "neet_2025.csv"]'))
    assert config.inputs.comparator_files["neet_send"] == (tmp_path / "neet_2024.csv",
                                                           tmp_path / "neet_2025.csv")
    assert config.inputs.comparators["neet_send"] == tmp_path / "neet_2025.csv"


def test_a_missing_file_of_the_array_is_named_by_its_position(tmp_path):
    problems = _problems(tmp_path, '["neet_2023.csv", "neet_2025.csv"]')
    assert problems == [f"inputs.comparators.neet_send[1]: file not found: "
                        f"{tmp_path / 'neet_2023.csv'}"]


def test_the_same_file_twice_is_refused(tmp_path):
    problems = _problems(tmp_path, '["neet_2025.csv", "./neet_2025.csv"]')
    assert problems == [f"inputs.comparators.neet_send[2] lists {tmp_path / 'neet_2025.csv'} a "
                        "second time (expected one file per year)"]


@pytest.mark.parametrize(("value", "expected"), [
    ("[]", "inputs.comparators.neet_send is an empty array (expected one or more file paths, "
           "one file per year)"),
    ('["neet_2025.csv", 2024]', "inputs.comparators.neet_send[2] should be a file path string, "
                                "got 2024"),
    ("2025", "inputs.comparators.neet_send should be a file path string or an array of them "
             "(one file per year), got 2025"),
])
def test_a_bad_value_names_the_key_and_what_was_expected(tmp_path, value, expected):
    assert _problems(tmp_path, value) == [expected]


def test_other_comparators_take_one_file_only(tmp_path):
    path = _write(tmp_path, '"neet_2025.csv"')
    path.write_text(path.read_text().replace('ehcp_caseload = "caseload.csv"',
                                             'ehcp_caseload = ["caseload.csv"]'))
    with pytest.raises(JsnaConfigError) as error:
        load_config(path)
    assert error.value.problems == [
        "inputs.comparators.ehcp_caseload should be a file path string, got ['caseload.csv']"]
