"""The preparing for adulthood chapter for two real councils, against plain pandas.

York (E06000014) and North Yorkshire (E06000065, published as E10000023 before 2024), from DfE's
NEET and participation dashboard file of 2025 and the SEN2 caseload of 2025
(``../shared/data/real``). Every expected figure is computed here from the raw files; none comes
from jsna. Skipped when the real data folder is absent.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from real_councils import COUNCILS as ALL_COUNCILS
from real_councils import ENGLAND, REAL, needs_real_data, real_path, wilson, write_council_config

from jsna.chapters import adulthood
from jsna.config import load_config

pytestmark = needs_real_data("neet/2025", "send_dfe/ehcp_2025/caseload.csv")
COUNCILS = {key: ALL_COUNCILS[key] for key in ("york", "north_yorkshire")}


def write_config(key: str, folder: Path) -> Path:
    return write_council_config(folder, COUNCILS[key], chapters=["adulthood"], comparators={
        "neet_send": real_path("neet/2025/UD_NEETNK_LA_dashboard_final.csv"),
        "ehcp_caseload": real_path("send_dfe/ehcp_2025/caseload.csv")})


@pytest.fixture(scope="module", params=list(COUNCILS))
def built(request, tmp_path_factory):
    config = load_config(write_config(request.param, tmp_path_factory.mktemp(request.param)))
    return request.param, adulthood.build(config)


def raw_neet_row(code: str) -> pd.Series:
    frame = pd.read_csv(REAL / "neet" / "2025" / "UD_NEETNK_LA_dashboard_final.csv", dtype=str,
                        keep_default_na=False)
    if code == ENGLAND:
        return frame[frame["geographic_level"] == "National"].iloc[0]
    return frame[frame["new_la_code"] == code].iloc[0]


@pytest.mark.parametrize("group, share, neet", [
    ("EHC plan", "cohort_EHCP_percent", "NEET_NK_EHCP_percent"),
    ("SEN support", "cohort_SENDsupport_percent", "NEET_NK_SENDsupport_percent"),
    ("No SEN", "cohort_noSEN_percent", "NEET_NK_noSEN_percent"),
])
def test_neet_by_sen_equals_the_raw_file(built, group, share, neet):
    key, chapter = built
    code = COUNCILS[key].code
    for area in (code, ENGLAND):
        row = raw_neet_row(area)
        n = float(row["Cohort_DJFavg"]) * float(row[share]) / 100
        p = float(row[neet])
        mine = chapter.indicators[(chapter.indicators["indicator_id"]
                                   == "adulthood_neet_not_known_percent")
                                  & (chapter.indicators["area_code"] == area)
                                  & (chapter.indicators["breakdown"] == group)].iloc[0]
        assert mine["period"] == "2025"
        assert mine["value"] == pytest.approx(p, abs=1e-9)
        assert mine["denominator"] == pytest.approx(n)
        low, high = wilson(p / 100 * n, n)
        assert mine["lower_ci_95"] == pytest.approx(low)
        assert mine["upper_ci_95"] == pytest.approx(high)


def test_the_table_shows_the_published_percentages(built):
    key, chapter = built
    code, name = COUNCILS[key].code, COUNCILS[key].name
    row, england = raw_neet_row(code), raw_neet_row(ENGLAND)
    frame = chapter.tables["neet_by_sen"].frame.set_index("SEN status")
    assert frame.loc["EHC plan", f"{name} (%)"] == pytest.approx(
        float(row["NEET_NK_EHCP_percent"]), abs=1e-9)
    assert frame.loc["All young people", f"{name} (%)"] == pytest.approx(
        float(row["NEET_not_known_percent"]), abs=1e-9)
    assert frame.loc["EHC plan", "England (%)"] == pytest.approx(
        float(england["NEET_NK_EHCP_percent"]), abs=1e-9)


def test_plans_aged_16_to_25_share_equals_the_raw_file(built):
    key, chapter = built
    code = COUNCILS[key].code
    raw = pd.read_csv(REAL / "send_dfe" / "ehcp_2025" / "caseload.csv", dtype=str,
                      keep_default_na=False, encoding="utf-8-sig")
    ages = raw[(raw["breakdown_topic"] == "Child or young persons age")
               & raw["new_la_code"].isin(COUNCILS[key].published_codes) & (raw["time_period"] == "202425")]
    ages = ages[~ages["breakdown"].str.lower().isin(["total", "unknown"])]
    if ages.empty:  # the trimmed real file holds ages for some councils only
        assert "plans_by_age" not in chapter.tables
        assert any("no plans by age" in s for s in chapter.findings.sentences)
        return
    number = ages.set_index("breakdown")["ehcplans"].astype(float)
    years = {label: int(label.split()[-1]) if label.startswith("age") else 0
             for label in number.index}
    aged_16_19 = sum(v for label, v in number.items() if 16 <= years[label] <= 19)
    aged_20_25 = sum(v for label, v in number.items() if 20 <= years[label] <= 25)
    total = number.sum()
    rows = chapter.indicators[(chapter.indicators["indicator_id"]
                               == "adulthood_plans_by_age_percent")
                              & (chapter.indicators["area_code"] == code)
                              & (chapter.indicators["period"] == "2024/25")].set_index("breakdown")
    assert rows.loc["16 to 19", "count"] == aged_16_19
    assert rows.loc["20 to 25", "count"] == aged_20_25
    assert rows.loc["16 to 19", "denominator"] == total
    assert rows.loc["16 to 19", "value"] == pytest.approx(aged_16_19 / total * 100)
    share = (aged_16_19 + aged_20_25) / total * 100
    assert any(f"{share:.1f}%" in s and "16 to 25" in s for s in chapter.findings.sentences)
