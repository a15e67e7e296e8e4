"""The demo's SEN2 requests, assessments and 20-week timeliness files against the real layout."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "real" / "send_dfe" / (
    "ehcp_2025")
FILES = ("requests", "assessments", "timeliness_20_week")
LEADING = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name",
           "region_code", "region_name", "new_la_code", "old_la_code", "la_name",
           "breakdown_topic", "breakdown"]


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / "comparators" / f"{name}.csv", dtype=str, keep_default_na=False,
                       encoding="utf-8-sig")


def _national(frame: pd.DataFrame, year: str) -> pd.Series:
    rows = frame[(frame["geographic_level"] == "National") & (frame["time_period"] == year)]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.mark.parametrize("name", FILES)
def test_columns_are_a_subset_of_the_real_file_in_its_order(default_demo, name):
    path = REAL / f"{name}.csv"
    if not path.is_file():
        pytest.skip("real SEN2 files not available")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        real = next(csv.reader(handle))
    demo = list(_read(default_demo, name).columns)
    assert demo[:12] == real[:12] == LEADING
    assert set(demo) <= set(real)
    assert demo == [c for c in real if c in set(demo)]
    # the published SEN2 files start with a byte-order mark, like the real ones
    assert (default_demo / "comparators" / f"{name}.csv").read_bytes()[:3] == b"\xef\xbb\xbf"


def test_calendar_years_2020_to_2024(default_demo):
    for name in FILES:
        frame = _read(default_demo, name)
        assert sorted(frame["time_period"].unique()) == ["2020", "2021", "2022", "2023", "2024"]
        assert set(frame["time_identifier"]) == {"Calendar year"}


def test_england_matches_the_real_publication(default_demo):
    """England rows equal the real file's National rows (values read from the real CSV)."""
    real_folder = REAL
    if not (real_folder / "timeliness_20_week.csv").is_file():
        pytest.skip("real SEN2 files not available")
    for name in FILES:
        demo = _read(default_demo, name)
        real = pd.read_csv(real_folder / f"{name}.csv", dtype=str, keep_default_na=False,
                           encoding="utf-8-sig")
        real = real[real["breakdown"] == real["breakdown_topic"]]
        counts = [c for c in demo.columns[12:] if "pc" not in c.lower()]
        for year in ("2020", "2022", "2024"):
            assert list(_national(demo, year)[counts]) == list(_national(real, year)[counts]), (
                name, year)


def test_england_2024_timeliness_hand_checked(default_demo):
    # DfE SEN2 2025: 39,407 of 84,866 plans within 20 weeks excluding exceptions = 46.4%
    row = _national(_read(default_demo, "timeliness_20_week"), "2024")
    assert (row["plans_issued_20_weeks_ex"], row["plans_issued_den_ex"]) == ("39407", "84866")
    assert row["PC_plans_issued_20_weeks_ex"] == "46.4"
    assert row["pc_plans_issued_within_20_weeks"] == "45.9"  # 41,448 / 90,392


def test_council_timeliness_worse_than_england_and_falling(default_demo):
    frame = _read(default_demo, "timeliness_20_week")
    council = frame[frame["new_la_code"] == "Z06000001"].sort_values("time_period")
    england = frame[frame["geographic_level"] == "National"].sort_values("time_period")
    mine = council["PC_plans_issued_20_weeks_ex"].astype(float).to_numpy()
    eng = england["PC_plans_issued_20_weeks_ex"].astype(float).to_numpy()
    assert (mine < eng).all()
    assert mine[-1] < mine[0] - 10


def test_counts_are_consistent_and_regions_sum(default_demo):
    frame = _read(default_demo, "timeliness_20_week")
    las = frame[(frame["geographic_level"] == "Local authority")
                & (frame["plans_issued_den"] != "x")]
    num = {c: las[c].astype(int) for c in ("plans_issued_den", "plans_issued_den_ex",
                                           "plans_issued_within_20_weeks",
                                           "plans_issued_20_weeks_ex")}
    assert (num["plans_issued_den_ex"] <= num["plans_issued_den"]).all()
    assert (num["plans_issued_20_weeks_ex"] <= num["plans_issued_den_ex"]).all()
    assert (num["plans_issued_20_weeks_ex"] <= num["plans_issued_within_20_weeks"]).all()
    # percentages are the counts' ratio to one decimal place
    pc = (num["plans_issued_20_weeks_ex"] / num["plans_issued_den_ex"] * 100).round(1)
    assert (abs(pc - las["PC_plans_issued_20_weeks_ex"].astype(float)) < 0.051).all()
    requests = _read(default_demo, "requests")
    region = requests[(requests["geographic_level"] == "Regional")
                      & (requests["time_period"] == "2024")].iloc[0]
    members = requests[(requests["geographic_level"] == "Local authority")
                       & (requests["time_period"] == "2024")
                       & (requests["region_code"] == region["region_code"])]
    assert int(region["requests_received_in_year"]) == members[
        "requests_received_in_year"].astype(int).sum()


def test_unpublished_measures_are_x_never_zero(default_demo):
    requests = _read(default_demo, "requests")
    before = requests[requests["time_period"] < "2023"]
    assert set(before["requests_decided_to_assess"]) == {"x"}
    assert set(before["request_assess_pc"]) == {"x"}
    after = requests[requests["time_period"] >= "2023"]
    assert "x" not in set(after["requests_decided_to_assess"])
    timeliness = _read(default_demo, "timeliness_20_week")
    missing = timeliness[timeliness["plans_issued_den"] == "x"]
    assert len(missing) == 1 and missing.iloc[0]["geographic_level"] == "Local authority"
    assert (missing.iloc[0][timeliness.columns[12:]] == "x").all()


def test_registered_in_the_demo_toml(default_demo):
    text = (default_demo / "jsna.toml").read_text(encoding="utf-8")
    for key, name in (("ehcp_requests", "requests"), ("ehcp_assessments", "assessments"),
                      ("ehcp_timeliness", "timeliness_20_week")):
        assert f'{key} = "comparators/{name}.csv"' in text
