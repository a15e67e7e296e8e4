"""`jsna sources` on files that are not what their names say: one clear line each, never a crash."""

from __future__ import annotations

import pandas as pd
import pytest

from jsna.config import load_config
from jsna.demo import write_demo
from jsna.input_checks import describe_sources

#: Demo files saved as Excel workbooks under their .csv names, and their keys.
WORKBOOKS = {"schools.csv": "schools",
             "comparators/statistical_neighbours.csv": "comparators.statistical_neighbours",
             "comparators/caseload.csv": "comparators.ehcp_caseload",
             "census/census_2025.csv": "census.2025"}


def _as_workbook(path) -> None:
    """Save a CSV's cells as an Excel workbook under the same (.csv) name."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.to_excel(path.with_suffix(".xlsx"), index=False)
    path.with_suffix(".xlsx").rename(path)


@pytest.fixture(scope="module")
def spoiled(tmp_path_factory):
    """The catalogue of a small demo council whose files are spoiled in several ways at once
    (one catalogue: validating every input takes seconds)."""
    config_path = write_demo(tmp_path_factory.mktemp("demo") / "data" / "demo", n_wards=4,
                             years=2)
    folder = config_path.parent
    census_rows = len(pd.read_csv(folder / "census" / "census_2025.csv", dtype=str))
    lookup = folder / "geography" / "postcode_lookup.csv"
    lines = lookup.read_text().splitlines(keepends=True)
    lookup.write_text("a,b,c,d,e,f\n" + "".join(lines[1:]))  # no usable heading
    for relative in WORKBOOKS:
        _as_workbook(folder / relative)
    config = load_config(config_path, check_files=False, check_chapters=False)
    return describe_sources(config).set_index("key"), folder, census_rows


def test_a_postcode_lookup_without_usable_headings_names_those_expected_and_found(spoiled):
    frame, folder, _ = spoiled
    row = frame.loc["postcode_lookup"]
    assert row["status"] == "problem"
    assert row["detail"] == (
        "postcode_lookup.csv: postcode lookup is missing column pcds, oslaua, lsoa21 or lsoa11; "
        "columns found: a, b, c, d, e, f (map other headings in [census.columns] of the config)")


@pytest.mark.parametrize("relative", [name for name in WORKBOOKS if "census" not in name])
def test_a_workbook_saved_under_a_csv_name_is_a_problem_that_says_so(spoiled, relative):
    frame, folder, _ = spoiled
    row = frame.loc[WORKBOOKS[relative]]
    assert row["status"] == "problem"
    assert row["detail"].startswith(f"{folder / relative}: is a spreadsheet (an Excel workbook "
                                    "(.xlsx) or another zip file) saved under a .csv name")


def test_a_census_workbook_under_a_csv_name_is_read_as_the_cleaner_reads_it(spoiled):
    frame, _, census_rows = spoiled
    row = frame.loc["census.2025"]
    assert row["status"] == "ok", row["detail"]
    assert row["rows"] == census_rows
