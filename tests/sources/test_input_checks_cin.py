"""`jsna sources` checks ``inputs.comparators.cin_by_sen`` with the social care chapter's reader."""

from __future__ import annotations

from pathlib import Path

from test_sources_cin_cla import REAL_FILES, needs_real
from york import YORK_NEIGHBOURS_2025

from jsna.config import load_config
from jsna.input_checks import describe_sources


def _config(tmp_path: Path, cin_file: Path):
    quoted = ", ".join(f'"{code}"' for code in YORK_NEIGHBOURS_2025)
    path = tmp_path / "jsna.toml"
    path.write_text(f"""
[area]
code = "E06000014"
name = "York"
region_code = "E12000003"
region_name = "Yorkshire and The Humber"

[jsna]
year = 2025

[inputs.comparators]
cin_by_sen = "{cin_file}"

[comparators]
neighbours = [{quoted}]
""")
    return load_config(path, check_files=False, check_chapters=False)


@needs_real
def test_real_cin_file_is_ok_with_council_region_and_neighbours(tmp_path):
    council_file = next(p for p in REAL_FILES if p.name == "sen_la.csv")
    table = describe_sources(_config(tmp_path, council_file)).set_index("key")
    row = table.loc["comparators.cin_by_sen"]
    assert row["status"] == "ok" and row["area_found"] == "yes"
    assert row["rows"] == 2946
    assert "England found" in row["detail"] and "region E12000003 found" in row["detail"]
    assert "2016/17" in row["periods"] and "2021/22" in row["periods"]
    assert row["url"].startswith("https://explore-education-statistics")


def test_broken_cin_file_is_a_problem_naming_the_column(tmp_path):
    broken = tmp_path / "sen_la.csv"
    broken.write_text("time_period,time_identifier,geographic_level,social_care_group,t_pupils\n"
                      "202122,Academic year,National,CINO at 31 March,10\n")
    row = describe_sources(_config(tmp_path, broken)).set_index("key").loc[
        "comparators.cin_by_sen"]
    assert row["status"] == "problem"
    assert "t_SEN_support" in row["detail"] and "sen_la.csv" in row["detail"]
