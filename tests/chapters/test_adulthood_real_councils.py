"""The preparing for adulthood chapter for two real councils, against plain pandas.

York (E06000014) and North Yorkshire (E06000065, published as E10000023 before 2024), from DfE's
NEET and participation dashboard file of 2025 and the SEN2 caseload of 2025
(``../shared/data/real``). Every expected figure is computed here from the raw files; none comes
from jsna. Skipped when the real data folder is absent.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd
import pytest

from jsna.chapters import adulthood
from jsna.config import load_config

REPO = Path(__file__).resolve().parents[2]


def real_data_folder() -> Path | None:
    candidates = [os.environ.get("JSNA_REAL_DATA", ""), REPO.parent / "shared" / "data" / "real",
                  REPO.parent.parent / "shared" / "data" / "real"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "neet" / "2025").is_dir():
            return Path(candidate).resolve()
    return None


REAL = real_data_folder()
pytestmark = [pytest.mark.real_data,
              pytest.mark.skipif(REAL is None, reason="real data folder is absent")]
ENGLAND = "E92000001"
COUNCILS = {
    "york": ("E06000014", "York", "E12000003", "Yorkshire and The Humber", [
        "E10000013", "E06000022", "E06000024", "E10000015", "E10000031", "E10000025",
        "E10000032", "E08000009", "E10000014", "E08000007"]),
    # neighbours as listed by DfE (May 2025) for North Yorkshire
    "north_yorkshire": ("E06000065", "North Yorkshire", "E12000003", "Yorkshire and The Humber", [
        "E06000066", "E10000034", "E06000019", "E10000008", "E10000024", "E06000064",
        "E10000028", "E10000020", "E10000007", "E10000029"]),
}


def write_config(key: str, folder: Path) -> Path:
    code, name, region, region_name, neighbours = COUNCILS[key]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "jsna.toml"
    path.write_text(f"""
[area]
code = "{code}"
name = "{name}"
region_code = "{region}"
region_name = "{region_name}"

[jsna]
year = 2025

[inputs.comparators]
neet_send = "{REAL / 'neet' / '2025' / 'UD_NEETNK_LA_dashboard_final.csv'}"
ehcp_caseload = "{REAL / 'send_dfe' / 'ehcp_2025' / 'caseload.csv'}"

[comparators]
neighbours = {neighbours!r}

[chapters]
run = ["adulthood"]
""")
    return path


def wilson(count: float, n: float, z: float = 1.959963984540054) -> tuple[float, float]:
    p = count / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


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
    code = COUNCILS[key][0]
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
    code, name = COUNCILS[key][:2]
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
    code = COUNCILS[key][0]
    raw = pd.read_csv(REAL / "send_dfe" / "ehcp_2025" / "caseload.csv", dtype=str,
                      keep_default_na=False, encoding="utf-8-sig")
    ages = raw[(raw["breakdown_topic"] == "Child or young persons age")
               & raw["new_la_code"].isin({code, {"E06000065": "E10000023"}.get(code, code)}) & (raw["time_period"] == "202425")]
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
