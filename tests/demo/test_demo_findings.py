"""The demo's dirt gives every finding the cleaner can report, so every chapter meets them.

The list of findings is the cleaner's own (``jsna.clean.validation.FINDING_TYPES``): a finding
added there without demo dirt to match fails here.
"""

from __future__ import annotations

import pandas as pd
import pytest

from jsna.clean.census import clean_census, write_census_outputs
from jsna.clean.validation import FINDING_TYPES
from jsna.config import load_config
from jsna.demo import write_demo

#: Legacy provision codes are valid only in censuses up to January 2018 (statements) and 2014
#: (School Action/Plus); the default demo (2021-2025) cannot have them, an older demo does.
NEEDS_AN_OLD_CENSUS = {"sen_provision_recoded"}


def _report(folder, tmp_path) -> pd.DataFrame:
    result = clean_census(load_config(folder / "jsna.toml"))
    paths = write_census_outputs(result, tmp_path)
    report = pd.read_csv(paths[2], dtype={"finding": str})
    html = paths[3].read_text(encoding="utf-8")
    for finding in set(report["finding"]):
        assert f"({finding})" in html
    return report


def test_the_default_demo_reports_every_finding(default_demo, tmp_path):
    report = _report(default_demo, tmp_path)
    missing = set(FINDING_TYPES) - NEEDS_AN_OLD_CENSUS - set(report["finding"])
    assert not missing, f"no demo dirt gives {sorted(missing)}"
    # the rarer dirt stays rare: no finding but the absent FSM column covers a tenth of a census
    latest = report[report["census_year"] == report["census_year"].max()]
    assert (latest["rows"] < 0.1 * 30_000).all()


@pytest.mark.parametrize("last_year", [2018, 2016])
def test_an_older_demo_reports_legacy_codes(tmp_path_factory, last_year):
    folder = tmp_path_factory.mktemp(f"demo_{last_year}")
    write_demo(folder, seed=4, years=1, last_year=last_year, n_wards=2, dirt_rate=0.05)
    report = _report(folder, tmp_path_factory.mktemp("report"))
    recoded = report[report["finding"] == "sen_provision_recoded"]
    assert recoded["rows"].sum() > 0
