"""A census listed for the wrong year stops the refresh with one line naming the file and year.

The January 2023 file listed as ``inputs.census.2025`` has every pupil two years older than their
year group on 31 August 2024: the cleaner used to record a finding only, and the JSNA went out
with 2023 figures labelled 2025.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jsna.clean import clean_census_frames
from jsna.clean.census import census_year_by_age, clean_census, read_census_file
from jsna.clean.upn import make_upn
from jsna.config import load_config
from jsna.demo import write_demo
from jsna.errors import JsnaInputError


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("census_year")
    write_demo(folder, seed=5, years=3, n_wards=2)  # censuses 2023, 2024 and 2025
    return folder


def _config_with(demo: Path, listed: dict[int, str]):
    text = (demo / "jsna.toml").read_text(encoding="utf-8")
    census = "\n".join(f'{year} = "census/{name}"' for year, name in listed.items())
    text = re.sub(r"\[inputs\.census\]\n(?:\d{4} = .*\n)+", f"[inputs.census]\n{census}\n", text)
    path = demo / f"jsna_{'_'.join(map(str, listed))}.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_the_2023_census_listed_as_2025_is_refused(demo):
    config = _config_with(demo, {2024: "census_2024.csv", 2025: "census_2023.csv"})
    with pytest.raises(JsnaInputError) as raised:
        clean_census(config)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith("census_2023.csv: the config lists this file as the January 2025 "
                              "census, but its pupils' ages point to the January 2023 census")
    assert "2 years older on 31 August 2024" in message
    assert "inputs.census.2025" in message


def test_last_years_census_listed_as_this_years_is_refused(demo):
    config = _config_with(demo, {2025: "census_2024.csv"})
    with pytest.raises(JsnaInputError, match=r"^census_2024.csv: .* point to the January 2024 "
                                             r"census .* 1 year older on 31 August 2024"):
        clean_census(config)


def test_a_census_listed_for_its_own_year_is_accepted(demo):
    config = _config_with(demo, {2024: "census_2024.csv", 2025: "census_2025.csv"})
    result = clean_census(config)
    assert sorted(result.pupils["census_year"].unique()) == [2024, 2025]


def test_the_modal_offset_ignores_a_few_dirty_dates_of_birth():
    # hand-worked: 90 pupils two years older than their year group, 7 in line, 3 a year younger
    expected = np.full(100, 9)
    age = np.concatenate([np.full(90, 11), np.full(7, 9), np.full(3, 8)])
    assert census_year_by_age(age, expected, 2025) == (2023, 0.9)
    # the right year with a tenth of the dates of birth wrong either way
    age = np.concatenate([np.full(90, 9), np.full(5, 11), np.full(5, 7)])
    assert census_year_by_age(age, expected, 2025) == (2025, 0.9)


def _frame(dob_year_shift: int, n: int = 40, dirty: int = 0) -> pd.DataFrame:
    """Year 5 pupils of January 2025 (born September 2014 to August 2015), shifted in age."""
    born = pd.Timestamp("2014-09-15") - pd.DateOffset(years=dob_year_shift)
    dobs = [born.strftime("%d/%m/%Y")] * (n - dirty) + ["15/09/2010"] * dirty
    return pd.DataFrame({
        "UPN": [make_upn(f"99020012{i:04d}") for i in range(n)], "DOB": dobs,
        "Gender": "F", "NCYearActual": "5", "EnrolStatus": "C", "SENprovision": "N",
        "SENType1": "", "SENType2": "", "FSMeligible": "false", "Postcode": "ZZ1 1AA",
        "LAEstab": "9902001", "URN": "100001", "census_year": 2025,
    })


def test_in_memory_census_frames_are_checked_too():
    with pytest.raises(JsnaInputError, match=r"^extract.csv: .* January 2023 census"):
        clean_census_frames(_frame(2), salt="s", sources={2025: "extract.csv"})
    # robust to a few dirty rows: 6 of 40 pupils with a date of birth years out
    clean_census_frames(_frame(0, dirty=6), salt="s", sources={2025: "extract.csv"})


def test_a_census_year_column_contradicting_the_config_is_refused(tmp_path):
    frame = _frame(0).drop(columns="census_year").assign(CensusYear="2023")
    path = tmp_path / "census_2025.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(JsnaInputError, match=r"^census_2025.csv: row 2, column CensusYear: "
                                             r"census year 2023 disagrees with the config"):
        read_census_file(path, 2025)


def test_a_file_without_fsm_is_reported_once_not_as_a_blank_per_pupil(demo):
    # the demo's oldest extract has no FSM column; cleaned with files that have one, every
    # pupil was also reported as "FSM eligibility blank"
    config = _config_with(demo, {2023: "census_2023.csv", 2024: "census_2024.csv",
                                 2025: "census_2025.csv"})
    findings = clean_census(config).findings
    first = findings[findings["census_year"] == 2023]
    assert "fsm_column_absent" in set(first["finding"])
    assert "fsm_missing" not in set(first["finding"])
    later = findings[(findings["census_year"] == 2024) & (findings["finding"] == "fsm_missing")]
    assert 0 < later["rows"].sum() < 100  # the real blanks of a file with the column
