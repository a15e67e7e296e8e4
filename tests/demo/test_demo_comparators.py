"""Comparator files: DfE layouts, and the demo council's own rows against its census files."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from demo_helpers import counted_pupils, read_census

REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "real"
REAL_CASELOAD = REAL / "send_dfe" / "ehcp_2025" / "caseload.csv"
LEADING = [
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "new_la_code",
    "la_name",
    "old_la_code",
]
PHASE_OF_SCHOOL = {
    "Primary": "State-funded primary",
    "Secondary": "State-funded secondary",
    "Special": "State-funded special school",
    "Alternative provision": "State-funded AP school",
}
# Published England headline figures, January 2021-2025 (DfE, Special educational needs in England).
ENGLAND_PLAN = {2021: "3.7", 2022: "4.0", 2023: "4.3", 2024: "4.8", 2025: "5.3"}
ENGLAND_SUPPORT = {2021: "12.2", 2022: "12.6", 2023: "13.0", 2024: "13.6", 2025: "14.2"}
NEED_NAMES = {
    "ASD": "Autistic Spectrum Disorder",
    "HI": "Hearing Impairment",
    "MLD": "Moderate Learning Difficulty",
    "MSI": "Multi-Sensory Impairment",
    "OTH": "Other Difficulty/Disability",
    "PD": "Physical Disability",
    "PMLD": "Profound & Multiple Learning Difficulty",
    "SEMH": "Social, Emotional and Mental Health",
    "SLCN": "Speech, Language and Communication Needs",
    "SLD": "Severe Learning Difficulty",
    "SPLD": "Specific Learning Difficulty",
    "VI": "Visual Impairment",
    "NSA": "SEN support but no specialist assessment of type of need",
}


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(
        folder / "comparators" / f"{name}.csv",
        dtype=str,
        keep_default_na=False,
        encoding="utf-8-sig",
    )


@pytest.fixture(scope="module")
def phase_type(default_demo):
    return _read(default_demo, "sen_phase_type")


@pytest.fixture(scope="module")
def primary_need(default_demo):
    return _read(default_demo, "sen_primary_need")


@pytest.fixture(scope="module")
def counted_by_year(default_demo):
    schools = pd.read_csv(default_demo / "schools.csv", dtype=str)
    phase = dict(zip(schools["LAEstab"], schools["Phase"].map(PHASE_OF_SCHOOL), strict=True))
    by_urn = dict(zip(schools["URN"], schools["Phase"].map(PHASE_OF_SCHOOL), strict=True))
    result = {}
    for year in range(2021, 2026):
        rows = counted_pupils(read_census(default_demo, year))
        # the school by LAEstab, else by URN (dirt blanks one or the other, rarely both)
        rows["phase"] = rows["LAEstab"].map(phase).fillna(rows["URN"].map(by_urn))
        result[year] = rows
    return result


def _matches(published: str, true_count: int) -> bool:
    """A published count equals the true one, or is suppressed ("c") and really 1 or 2."""
    return (published == "c" and 1 <= true_count <= 2) or published == str(true_count)


def test_layouts(phase_type, primary_need):
    assert list(phase_type.columns) == LEADING + [
        "phase_type_grouping",
        "total_pupils",
        "sen_support",
        "sen_support_percent",
        "ehc_plan",
        "ehc_plan_percent",
        "any_sen",
        "any_sen_percent",
    ]
    assert list(primary_need.columns) == LEADING + [
        "phase_type_grouping",
        "sen_status",
        "primary_need",
        "number_of_pupils",
        "percent_of_pupils",
    ]
    for table in (phase_type, primary_need):
        assert set(table["time_period"]) == {"202021", "202122", "202223", "202324", "202425"}
        assert set(table["time_identifier"]) == {"Academic year"}
        assert set(table["geographic_level"]) == {"National", "Regional", "Local authority"}
        assert set(table["country_code"]) == {"E92000001"}
        national = table[table["geographic_level"] == "National"]
        assert (
            (national[["region_code", "new_la_code", "la_name", "old_la_code"]] == "").all().all()
        )
        regional = table[table["geographic_level"] == "Regional"]
        assert regional["region_code"].str.fullmatch(r"Z12\d{6}").all()
        assert (regional[["new_la_code", "la_name", "old_la_code"]] == "").all().all()
        la = table[table["geographic_level"] == "Local authority"]
        assert la["new_la_code"].str.fullmatch(r"Z06\d{6}").all()
        assert la["old_la_code"].str.fullmatch(r"\d{3}").all()
    assert set(primary_need["primary_need"]) == set(NEED_NAMES.values())
    assert set(primary_need["sen_status"]) == {"SEN support", "EHC plan"}
    # Numbers are text: digits, one-decimal percentages, or the DfE symbols c and z.
    for column in ("total_pupils", "sen_support", "ehc_plan", "any_sen"):
        assert phase_type[column].str.fullmatch(r"\d+|c").all()
    for column in ("sen_support_percent", "ehc_plan_percent", "any_sen_percent"):
        assert phase_type[column].str.fullmatch(r"\d+\.\d|c|z").all()
    assert primary_need["number_of_pupils"].str.fullmatch(r"\d+|c|z").all()
    assert (primary_need["number_of_pupils"] == "c").any()
    assert (primary_need["number_of_pupils"] == "z").any()
    assert (phase_type["ehc_plan_percent"] == "z").any()


def test_council_row_equals_a_count_of_its_census(phase_type, counted_by_year):
    council = phase_type[phase_type["new_la_code"] == "Z06000001"]
    assert set(council["la_name"]) == {"Demoton"} and set(council["old_la_code"]) == {"990"}
    for year, rows in counted_by_year.items():
        period = f"{year - 1}{year % 100:02d}"
        published = council[council["time_period"] == period].set_index("phase_type_grouping")
        groups = {"Total": rows, **{p: rows[rows["phase"] == p] for p in PHASE_OF_SCHOOL.values()}}
        for group, part in groups.items():
            row = published.loc[group]
            plan, support = int((part["sen"] == "E").sum()), int((part["sen"] == "K").sum())
            assert row["total_pupils"] == str(len(part))
            # DfE's figures are the truth; the file has the rarer dirt's blank or unknown
            # provision on a few pupils, who count in neither
            odd = int((~part["sen"].isin(["E", "K", "N"])).sum())
            for text, found in ((row["ehc_plan"], plan), (row["sen_support"], support)):
                assert _matches(text, found) or (
                    text != "c" and 0 <= int(text) - found <= odd)
            if row["ehc_plan_percent"] != "c":
                assert float(row["ehc_plan_percent"]) == pytest.approx(
                    100 * plan / len(part), abs=0.051 + 100 * odd / len(part)
                )
            if row["sen_support_percent"] != "c":
                assert float(row["sen_support_percent"]) == pytest.approx(
                    100 * support / len(part), abs=0.051 + 100 * odd / len(part)
                )
        for group in ("Non-maintained special school", "Independent school"):
            assert published.loc[group, "total_pupils"] == "0"
            assert published.loc[group, "ehc_plan_percent"] == "z"


def test_england_follows_the_published_figures(phase_type):
    england = phase_type[
        (phase_type["geographic_level"] == "National")
        & (phase_type["phase_type_grouping"] == "Total")
    ]
    for year in range(2021, 2026):
        row = england[england["time_period"] == f"{year - 1}{year % 100:02d}"].iloc[0]
        assert 8_800_000 <= int(row["total_pupils"]) <= 9_150_000
        assert row["ehc_plan_percent"] == ENGLAND_PLAN[year]
        assert row["sen_support_percent"] == ENGLAND_SUPPORT[year]
    assert 9_000_000 <= int(england[england["time_period"] == "202425"]["total_pupils"].iloc[0])


def test_regions_sum_their_councils_and_phases_sum_to_total(phase_type):
    numeric = phase_type[phase_type["ehc_plan"] != "c"]
    region = numeric[
        (numeric["geographic_level"] == "Regional") & (numeric["phase_type_grouping"] == "Total")
    ]
    la = phase_type[
        (phase_type["geographic_level"] == "Local authority")
        & (phase_type["phase_type_grouping"] == "Total")
    ]
    demo_region = la[(la["region_code"] == "Z12000001") & (la["time_period"] == "202425")]
    assert 10 <= len(demo_region) <= 15
    for _, row in region.iterrows():
        members = la[
            (la["region_code"] == row["region_code"]) & (la["time_period"] == row["time_period"])
        ]
        assert int(row["total_pupils"]) == members["total_pupils"].astype(int).sum()
        assert int(row["ehc_plan"]) == members["ehc_plan"].astype(int).sum()
    areas = phase_type[phase_type["geographic_level"] != "Local authority"]
    for _, group in areas.groupby(["time_period", "region_code"]):
        total = group[group["phase_type_grouping"] == "Total"]["total_pupils"].astype(int).sum()
        parts = group[group["phase_type_grouping"] != "Total"]["total_pupils"].astype(int).sum()
        assert total == parts


def test_council_primary_needs_reconcile_with_its_census(primary_need, counted_by_year):
    council = primary_need[
        (primary_need["new_la_code"] == "Z06000001")
        & (primary_need["phase_type_grouping"] == "Total")
    ]
    for year, rows in counted_by_year.items():
        period = f"{year - 1}{year % 100:02d}"
        for code, status in (("E", "EHC plan"), ("K", "SEN support")):
            published = council[
                (council["time_period"] == period) & (council["sen_status"] == status)
            ].set_index("primary_need")
            pupils = rows[rows["sen"] == code]
            counts = pupils["need"].value_counts()
            # The published figures are complete; the census file has a few needs blanked.
            shortfall = 0
            for need, name in NEED_NAMES.items():
                text = published.loc[name, "number_of_pupils"]
                in_file = int(counts.get(need, 0))
                if text == "z":  # no EHC plan has NSA, bar the nsa_with_ehc_plan dirt
                    assert code == "E" and need == "NSA" and in_file <= 0.02 * len(pupils)
                elif text == "c":
                    assert in_file <= 2
                else:
                    assert int(text) >= in_file
                    shortfall += int(text) - in_file
            blanks = int((pupils["need"] == "").sum())
            # rarer dirt: needs that are not codes (ADHD, BESD), NSA given to EHC plans, and
            # pupils whose provision is blank or unknown in the file
            other = int((~pupils["need"].isin(list(NEED_NAMES)) & (pupils["need"] != "")).sum())
            other += int((pupils["need"] == "NSA").sum()) if code == "E" else 0
            unknown_provision = int((~rows["sen"].isin(["E", "K", "N"])).sum())
            assert shortfall <= blanks + other + unknown_provision
            blanks += other
            assert blanks - shortfall <= 2 * (published["number_of_pupils"] == "c").sum()


def test_caseload_layout_and_figures(default_demo, phase_type):
    raw = (default_demo / "comparators" / "caseload.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # as the published SEN2 files
    caseload = _read(default_demo, "caseload")
    expected = [
        "time_period",
        "time_identifier",
        "geographic_level",
        "country_code",
        "country_name",
        "region_code",
        "region_name",
        "new_la_code",
        "old_la_code",
        "la_name",
        "breakdown_topic",
        "breakdown",
        "ehcplans",
    ]
    # then DfE's placement columns (issue 17, the placements chapter), in DfE's order
    from jsna.demo.placements import COLUMNS as PLACEMENT_COLUMNS

    assert list(caseload.columns) == expected + PLACEMENT_COLUMNS
    if REAL_CASELOAD.exists():
        real = pd.read_csv(REAL_CASELOAD, encoding="utf-8-sig", dtype=str)
        assert list(real.columns[: len(expected)]) == expected
        assert [c for c in real.columns if c in PLACEMENT_COLUMNS] == PLACEMENT_COLUMNS
        national = real[
            (real["geographic_level"] == "National") & (real["breakdown_topic"] == "All EHC plans")
        ]
        ours = caseload[caseload["geographic_level"] == "National"]
        for period in ("202021", "202122", "202223", "202324", "202425"):
            assert (
                ours.loc[ours["time_period"] == period, "ehcplans"].iloc[0]
                == national.loc[national["time_period"] == period, "ehcplans"].iloc[0]
            )
    # plans by single year of age (jsna.demo.adulthood) add up to each area's plans
    assert set(caseload["breakdown_topic"]) == {"All EHC plans", "Child or young persons age"}
    ages = caseload[caseload["breakdown_topic"] == "Child or young persons age"]
    caseload = caseload[caseload["breakdown_topic"] == "All EHC plans"]
    keys = ["time_period", "geographic_level", "region_code", "new_la_code"]
    by_age = ages.assign(n=ages["ehcplans"].astype(int)).groupby(keys)["n"].sum()
    assert by_age.to_dict() == caseload.set_index(keys)["ehcplans"].astype(int).to_dict()
    council = caseload[caseload["new_la_code"] == "Z06000001"].set_index("time_period")
    pupils = phase_type[
        (phase_type["new_la_code"] == "Z06000001") & (phase_type["phase_type_grouping"] == "Total")
    ]
    for _, row in pupils.iterrows():
        plans = int(council.loc[row["time_period"], "ehcplans"])
        assert int(row["ehc_plan"]) < plans < 2 * int(row["ehc_plan"])
    la = caseload[caseload["geographic_level"] == "Local authority"]
    for _, row in caseload[caseload["geographic_level"] == "Regional"].iterrows():
        members = la[
            (la["region_code"] == row["region_code"]) & (la["time_period"] == row["time_period"])
        ]
        assert int(row["ehcplans"]) == members["ehcplans"].astype(int).sum()


def test_statistical_neighbours_match_the_config(default_demo, phase_type):
    table = _read(default_demo, "statistical_neighbours")
    assert list(table.columns) == [
        "la_code",
        "la_name",
        "sn_rank",
        "neighbour_code",
        "neighbour_name",
        "closeness",
    ]
    config = tomllib.loads((default_demo / "jsna.toml").read_text(encoding="utf-8"))
    demoton = table[table["la_code"] == "Z06000001"]
    assert demoton["sn_rank"].tolist() == [str(k) for k in range(1, 11)]
    assert demoton["neighbour_code"].tolist() == config["comparators"]["neighbours"]
    assert table.groupby("la_code").size().eq(10).all()
    bands = ["Very close", "Close", "Somewhat close", "Not close"]
    for _, group in table.groupby("la_code"):
        position = group["closeness"].map(bands.index).to_numpy()
        assert (np.diff(position) >= 0).all()  # closeness only falls with rank
        assert group["neighbour_code"].is_unique
    la_codes = set(
        phase_type.loc[phase_type["geographic_level"] == "Local authority", "new_la_code"]
    )
    assert set(table["neighbour_code"]) <= la_codes
    regions = phase_type[phase_type["new_la_code"].isin(demoton["neighbour_code"])]
    assert regions["region_code"].nunique() > 1
