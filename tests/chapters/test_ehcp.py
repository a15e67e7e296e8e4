"""The EHC plans chapter against an independent read of the demo SEN2 files and hand-worked cases."""

from __future__ import annotations

import json
import math
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jsna.chapters import ehcp
from jsna.config import load_config
from jsna.demo import write_demo
from jsna.indicators import ehcp as sen2

COUNCIL = "Z06000001"
ENGLAND = "E92000001"
TIMELY = "ehcp_issued_20_weeks_ex_percent"
NO_PLAN = "ehcp_assessments_no_plan_percent"
def _real_folder() -> Path:
    """``../shared/data/real`` beside the project or beside its folder of worktrees."""
    repo = Path(__file__).resolve().parents[2]
    for candidate in (repo.parent / "shared", repo.parent.parent / "shared"):
        if (candidate / "data" / "real").is_dir():
            return candidate / "data" / "real"
    return repo.parent / "shared" / "data" / "real"


REAL_SEN2 = _real_folder() / "send_dfe"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ehcp")
    config = load_config(write_demo(folder / "data" / "demo", n_wards=6, years=2))
    chapter = ehcp.build(config)
    out = folder / "out"
    chapter.save(out)
    return config, chapter, out


def _raw(config, key: str) -> pd.DataFrame:
    """A SEN2 file as published text, by plain pandas."""
    return pd.read_csv(config.inputs.comparators[key], dtype=str, keep_default_na=False,
                       encoding="utf-8-sig")


def _wilson(count: float, n: float, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval in per cent, written out independently of jsna.stats."""
    p = count / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def _indicator(chapter, indicator: str, code: str, period: str) -> pd.Series:
    rows = chapter.indicators[(chapter.indicators["indicator_id"] == indicator)
                              & (chapter.indicators["area_code"] == code)
                              & (chapter.indicators["period"] == period)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_council_and_england_timeliness_match_the_published_file(demo):
    config, chapter, _ = demo
    raw = _raw(config, "ehcp_timeliness")
    for code in (COUNCIL, ENGLAND):
        mine = raw[(raw["new_la_code"] == code) if code == COUNCIL
                   else (raw["geographic_level"] == "National")]
        assert len(mine) == 5
        for _, published in mine.iterrows():
            row = _indicator(chapter, TIMELY, code, published["time_period"])
            within, plans = (int(published["plans_issued_20_weeks_ex"]),
                             int(published["plans_issued_den_ex"]))
            assert row["count"] == within and row["denominator"] == plans
            assert row["value"] == pytest.approx(100 * within / plans)
            # DfE's own percentage (one decimal place, half up) agrees to within rounding
            assert row["value"] == pytest.approx(
                float(published["PC_plans_issued_20_weeks_ex"]), abs=0.0501)
            lower, upper = _wilson(within, plans)
            assert row["lower_ci_95"] == pytest.approx(lower, abs=1e-6)
            assert row["upper_ci_95"] == pytest.approx(upper, abs=1e-6)
        row = _indicator(chapter, "ehcp_issued_20_weeks_percent", code, "2024")
        latest = mine[mine["time_period"] == "2024"].iloc[0]
        assert row["count"] == int(latest["plans_issued_within_20_weeks"])
        assert row["denominator"] == int(latest["plans_issued_den"])


def test_wilson_hand_worked():
    # 30 of 120: p = 0.25, z^2 = 3.8415; centre = (0.25 + 3.8415/240) / (1 + 3.8415/120)
    # = 0.266006 / 1.032013 = 0.257755; half = 1.96 * sqrt(0.0015625 + 3.8415/57600) / 1.032013
    # = 1.96 * 0.040363 / 1.032013 = 0.076657 -> 18.11% to 33.44%
    lower, upper = _wilson(30, 120)
    assert lower == pytest.approx(18.11, abs=0.01)
    assert upper == pytest.approx(33.44, abs=0.01)


def test_requests_not_assessed_matches_the_published_file(demo):
    config, chapter, _ = demo
    raw = _raw(config, "ehcp_requests")
    latest = raw[(raw["new_la_code"] == COUNCIL) & (raw["time_period"] == "2024")].iloc[0]
    row = _indicator(chapter, "ehcp_requests_not_assessed_percent", COUNCIL, "2024")
    assert row["count"] == int(latest["requests_decided_not_to_assess"])
    assert row["denominator"] == int(latest["requests_received_in_year"])
    # England 2024 (DfE SEN2 2025): 38,889 of 154,489 = 25.17%
    england = _indicator(chapter, "ehcp_requests_not_assessed_percent", ENGLAND, "2024")
    assert england["value"] == pytest.approx(25.17, abs=0.01)


def test_assessments_without_a_plan_match_the_published_file(demo):
    config, chapter, _ = demo
    raw = _raw(config, "ehcp_assessments")
    threshold = config.disclosure.threshold
    checked = {COUNCIL: 0, ENGLAND: 0}
    for code in (COUNCIL, ENGLAND):
        mine = raw[(raw["new_la_code"] == code) if code == COUNCIL
                   else (raw["geographic_level"] == "National")]
        for _, published in mine.iterrows():
            row = _indicator(chapter, NO_PLAN, code, published["time_period"])
            not_issued = int(published["assess_not_issued"])
            if not_issued < threshold:  # a small count is hidden, whatever DfE published
                assert pd.isna(row["value"]) and row["note"] == "[c]"
                continue
            if published["assess_in_year"] == "x":  # total not published before 2022
                assert pd.isna(row["value"]) and row["note"] == "[x]"
                continue
            total = int(published["assess_in_year"])
            assert row["count"] == not_issued and row["denominator"] == total
            assert row["value"] == pytest.approx(100 * not_issued / total)
            assert row["value"] == pytest.approx(float(published["assess_not_issued_pc"]),
                                                 abs=0.0501)
            lower, upper = _wilson(not_issued, total)
            assert row["lower_ci_95"] == pytest.approx(lower, abs=1e-6)
            assert row["upper_ci_95"] == pytest.approx(upper, abs=1e-6)
            checked[code] += 1
    assert checked[ENGLAND] == 3  # 2022 to 2024
    table = chapter.tables["assessments_no_plan"].frame
    early = table[(table["Area"] == "England") & (table["Calendar year"] < "2022")]
    assert set(early["No plan issued (%)"]) == {"[x]"}  # never shown as zero
    assert set(early["Assessments"]) == {"[x]"}
    # DfE published the count itself: it is shown, only the percentage cannot be worked out
    published = raw[(raw["geographic_level"] == "National") & (raw["time_period"] < "2022")]
    assert early["No plan issued"].tolist() == published["assess_not_issued"].astype(int).tolist()
    assert "2022 to 2024" in chapter.figures["assessments_no_plan"].caption
    latest = _indicator(chapter, NO_PLAN, COUNCIL, "2024")
    stated = any("EHC needs assessments in 2024" in sentence
                 for sentence in chapter.findings.sentences)
    assert stated == pd.notna(latest["value"])  # a finding only for a published value


@pytest.mark.real_data
def test_assessments_without_a_plan_reproduce_dfe_england_percentages():
    path = REAL_SEN2 / "ehcp_2025" / "assessments.csv"
    if not path.exists():
        pytest.skip(f"real data file {path} is absent")
    rates = sen2.published_rates({"ehcp_assessments": path}, sen2.ASSESSMENTS)
    england = rates[rates["area_code"] == ENGLAND].set_index("period")
    # DfE SEN2 2025, assessments.csv, assess_not_issued_pc: 2022 5.7, 2023 5.1, 2024 6.1
    for period, published in (("2022", 5.7), ("2023", 5.1), ("2024", 6.1)):
        value = 100 * england.loc[period, "count"] / england.loc[period, "denominator"]
        assert round(value, 1) == published
    assert england.loc["2024", "count"] == 6_404 and england.loc["2024", "denominator"] == 105_340
    assert england.loc["2021", "note"] == "[x]" and pd.isna(england.loc["2021", "denominator"])


def test_rank_and_quartile_band_against_an_independent_count(demo):
    config, chapter, _ = demo
    raw = _raw(config, "ehcp_timeliness")
    las = raw[(raw["geographic_level"] == "Local authority") & (raw["time_period"] == "2024")
              & (raw["plans_issued_den_ex"] != "x")]
    pct = (las["plans_issued_20_weeks_ex"].astype(int) / las["plans_issued_den_ex"].astype(int)
           * 100).to_numpy()
    codes = las["new_la_code"].to_numpy()
    mine = pct[codes == COUNCIL][0]
    group = np.isin(codes, [COUNCIL, *config.neighbours])
    expected_rank = int((pct[group] > mine).sum()) + 1  # high is good: 1 = highest
    q1, q2, q3 = np.quantile(pct, [0.25, 0.5, 0.75])
    expected_band = "D" if mine <= q1 else "C" if mine <= q2 else "B" if mine <= q3 else "A"
    row = _indicator(chapter, TIMELY, COUNCIL, "2024")
    assert row["quartile_band"] == expected_band
    table = chapter.tables["timeliness_neighbours"].frame
    council_row = table[table["Area"].str.endswith("(this council)")].iloc[0]
    assert council_row["Rank (1 best)"] == f"{expected_rank} of {int(group.sum())}"
    assert council_row["Quartile band (A best)"] == expected_band
    finding = " ".join(chapter.findings.sentences)
    assert f"ranks {expected_rank} of {int(group.sum())}" in finding
    assert f"quartile band {expected_band}" in finding


def test_findings_state_latest_timeliness_against_england(demo):
    config, chapter, out = demo
    raw = _raw(config, "ehcp_timeliness")
    latest = raw[(raw["new_la_code"] == COUNCIL) & (raw["time_period"] == "2024")].iloc[0]
    within, plans = int(latest["plans_issued_20_weeks_ex"]), int(latest["plans_issued_den_ex"])
    first = chapter.findings.sentences[0]
    assert f"({within:,} of {plans:,})" in first
    assert f"{100 * within / plans:.1f}%" in first
    assert "England (46.4%)" in first  # 39,407 / 84,866
    assert "worse than England" in first  # the demo council is built to lag England
    saved = json.loads((out / "review" / "parts" / "findings_ehcp.json").read_text())
    assert saved == chapter.findings.sentences
    assert (out / "data" / "ehcp_timeliness_neighbours.csv").is_file()


def test_caseload_table_matches_the_published_file(demo):
    config, chapter, _ = demo
    raw = _raw(config, "ehcp_caseload")
    mine = raw[(raw["new_la_code"] == COUNCIL)
               & (raw["breakdown"] == "All EHC plans")].sort_values("time_period")
    table = chapter.tables["caseload"].frame
    assert list(table["Demoton"].astype(int)) == list(mine["ehcplans"].astype(int))
    index = 100 * int(mine["ehcplans"].iloc[-1]) / int(mine["ehcplans"].iloc[0])
    assert table["Demoton index"].iloc[-1] == pytest.approx(index, abs=0.05)
    # January 2025 plans per 10,000 residents aged 0-25 in the mid-2024 estimate
    population = pd.read_csv(config.inputs.population, dtype=str, keep_default_na=False)
    persons = population[(population["area_code"] == COUNCIL)
                         & (population["sex"] == "Persons")
                         & (population["period"] == "2024-06-30")].iloc[0]
    aged_0_to_25 = sum(int(persons[str(age)]) for age in range(26))
    rate = int(mine["ehcplans"].iloc[-1]) / aged_0_to_25 * 10_000
    assert table["Demoton per 10,000 aged 0 to 25"].iloc[-1] == pytest.approx(rate)


def test_requests_table_shows_unpublished_decisions_as_x(demo):
    _, chapter, _ = demo
    table = chapter.tables["requests_not_assessed"].frame
    before = table[table["Calendar year"] < "2023"]["Decided to assess (%)"]
    assert set(before) == {"[x]"}  # DfE publishes x before the 2023 collection; never 0
    england = table[(table["Area"] == "England") & (table["Calendar year"] == "2024")].iloc[0]
    assert england["Decided to assess (%)"] == pytest.approx(100 * 101_045 / 154_489)


@pytest.fixture(scope="module")
def edited(demo, tmp_path_factory):
    """The demo with the council's 2024 timeliness cut to 3 of 120 and its 2022 row unpublished
    (x), plus 30 of 120 in 2023 for a hand-worked interval."""
    config, _, _ = demo
    folder = tmp_path_factory.mktemp("ehcp_edited") / "demo"
    shutil.copytree(config.root, folder)
    path = folder / "comparators" / "timeliness_20_week.csv"
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    council = raw["new_la_code"] == COUNCIL
    measures = list(raw.columns[12:])
    edits = {
        "2024": {"plans_issued_den_ex": "120", "plans_issued_20_weeks_ex": "3",
                 "PC_plans_issued_20_weeks_ex": "2.5"},
        "2023": {"plans_issued_den_ex": "120", "plans_issued_20_weeks_ex": "30",
                 "PC_plans_issued_20_weeks_ex": "25.0"},
        "2022": dict.fromkeys(measures, "x"),
    }
    for year, values in edits.items():
        for column, value in values.items():
            raw.loc[council & (raw["time_period"] == year), column] = value
    raw.to_csv(path, index=False, lineterminator="\n", encoding="utf-8-sig")
    edited_config = load_config(folder / "jsna.toml")
    return edited_config, ehcp.build(edited_config)


def test_small_count_is_hidden_everywhere(edited):
    _, chapter = edited
    row = _indicator(chapter, TIMELY, COUNCIL, "2024")
    assert pd.isna(row["value"]) and pd.isna(row["count"]) and row["note"] == "[c]"
    assert pd.isna(row["lower_ci_95"]) and pd.isna(row["upper_ci_95"])
    trend = chapter.tables["timeliness_ex"].frame
    shown = trend[(trend["Area"] == "Demoton") & (trend["Calendar year"] == "2024")].iloc[0]
    assert shown["Within 20 weeks"] == "[c]" and shown["Within 20 weeks (%)"] == "[c]"
    neighbours = chapter.tables["timeliness_neighbours"].frame
    mine = neighbours[neighbours["Area"].str.endswith("(this council)")].iloc[0]
    assert mine["Within 20 weeks"] == "[c]" and mine["Per cent"] == "[c]"
    assert mine["Rank (1 best)"] == ""  # no rank can be given for a hidden value
    # 3 / 120 = 2.5%: that number appears in no finding, table or figure alt text
    text = " ".join(chapter.findings.sentences)
    assert "2.5%" not in text and "(3 of 120)" not in text
    for table in chapter.tables.values():
        assert not table.frame.isin([3, 3.0, 2.5, "3", "2.5"]).any().any(), table.name
    for figure in chapter.figures.values():
        assert "2.5" not in figure.alt


def test_unpublished_year_shows_x_never_zero(edited):
    _, chapter = edited
    row = _indicator(chapter, TIMELY, COUNCIL, "2022")
    assert pd.isna(row["value"]) and row["note"] == "[x]"
    trend = chapter.tables["timeliness_ex"].frame
    shown = trend[(trend["Area"] == "Demoton") & (trend["Calendar year"] == "2022")].iloc[0]
    assert shown["Within 20 weeks"] == "[x]" and shown["Within 20 weeks (%)"] == "[x]"
    assert shown["Plans issued"] == "[x]"


def test_hand_worked_interval_in_the_chapter(edited):
    _, chapter = edited
    row = _indicator(chapter, TIMELY, COUNCIL, "2023")
    # 30 of 120 = 25.0%, Wilson 95% interval 18.11% to 33.44% (worked in test_wilson_hand_worked)
    assert row["value"] == pytest.approx(25.0)
    assert row["lower_ci_95"] == pytest.approx(18.11, abs=0.01)
    assert row["upper_ci_95"] == pytest.approx(33.44, abs=0.01)


YORK_CONFIG = """
[area]
code = "E06000014"
name = "York"
la_number = 816
region_code = "E12000003"
region_name = "Yorkshire and The Humber"

[jsna]
year = 2025

[inputs]
population = "{real}/population/ons_mye_mid2020_utla20_single_year_of_age.csv"

[inputs.comparators]
ehcp_caseload = "{real}/send_dfe/ehcp_2025/caseload.csv"
ehcp_requests = "{real}/send_dfe/ehcp_2025/requests.csv"
ehcp_assessments = "{real}/send_dfe/ehcp_2025/assessments.csv"
ehcp_timeliness = "{real}/send_dfe/ehcp_2025/timeliness_20_week.csv"

[comparators]
# York's 2025 statistical neighbours (DfE, May 2025), in published order
neighbours = ["E10000013", "E06000022", "E06000024", "E10000015", "E10000031", "E10000025",
              "E10000032", "E08000009", "E10000014", "E08000007"]

[chapters]
run = ["ehcp"]

[output]
folder = "outputs"
"""


@pytest.mark.real_data
@pytest.mark.slow
def test_a_real_council_without_a_census_gets_its_ehcp_chapter(tmp_path):
    """York from the real DfE SEN2 2025 files alone: no census, no lookups, no salt."""
    real = REAL_SEN2.parent
    if not (real / "send_dfe" / "ehcp_2025").exists():
        pytest.skip(f"real data folder {real} is absent")
    from jsna.refresh import refresh

    path = tmp_path / "jsna.toml"
    path.write_text(YORK_CONFIG.format(real=real.resolve()))
    report = refresh(path, workers=1, timeout=300)
    assert report.ok, [(r.name, r.status, r.message) for r in report.results]
    indicators = pd.read_csv(report.config.output_dir / "data" / "indicators.csv",
                             dtype={"period": str})
    published = pd.read_csv(real / "send_dfe" / "ehcp_2025" / "timeliness_20_week.csv",
                            dtype=str, keep_default_na=False, encoding="utf-8-sig")
    york = published[(published["new_la_code"] == "E06000014")
                      & (published["breakdown"] == published["breakdown_topic"])]
    for _, row in york.iterrows():
        if "x" in (row["plans_issued_20_weeks_ex"], row["plans_issued_den_ex"]):
            continue
        mine = indicators[(indicators["indicator_id"] == TIMELY)
                          & (indicators["area_code"] == "E06000014")
                          & (indicators["period"] == row["time_period"])].iloc[0]
        assert mine["count"] == int(row["plans_issued_20_weeks_ex"])
        assert mine["denominator"] == int(row["plans_issued_den_ex"])
        assert round(mine["value"], 1) == pytest.approx(float(row["PC_plans_issued_20_weeks_ex"]),
                                                        abs=0.051)
    index = (report.config.output_dir / "index.html").read_text()
    assert "No school census was used" in index
    assert "York" in index and "EHC needs assessments and plans" in index


def _copy_demo(demo, tmp_path: Path, toml_edits: dict[str, str] | None = None) -> Path:
    """A copy of the demo council's folder with ``jsna.toml`` text replaced (old -> new)."""
    config, _, _ = demo
    folder = tmp_path / "demo"
    shutil.copytree(config.root, folder)
    path = folder / "jsna.toml"
    text = path.read_text()
    for old, new in (toml_edits or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text)
    return path


def _edit_sen2(path: Path, edit) -> None:
    """Rewrite a SEN2 CSV through ``edit(frame) -> None`` (published text kept as text)."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    edit(raw)
    raw.to_csv(path, index=False, lineterminator="\n", encoding="utf-8-sig")


def test_council_and_region_rows_are_found_by_code_when_the_configured_names_differs(
        demo, tmp_path):
    """Issue 13 item 2: DfE's names ("Demoton", "Demo Region") differ from the configured ones."""
    path = _copy_demo(demo, tmp_path, {'name = "Demoton"': 'name = "Demoton, Borough of"',
                                       'region_name = "Demo Region"': 'region_name = "Demoshire"'})
    config = load_config(path)
    chapter = ehcp.build(config)
    raw = _raw(config, "ehcp_timeliness")
    mine = raw[(raw["new_la_code"] == COUNCIL) & (raw["breakdown"] == raw["breakdown_topic"])]
    table = chapter.tables["timeliness_ex"].frame
    shown = table[table["Area"] == "Demoton, Borough of"].set_index("Calendar year")
    assert sorted(shown.index) == sorted(mine["time_period"])
    for _, published in mine.iterrows():
        assert shown.at[published["time_period"], "Within 20 weeks"] == int(
            published["plans_issued_20_weeks_ex"])
    assert set(table["Area"]) == {"Demoton, Borough of", "Demoshire", "England"}
    for key in ("timeliness_ex", "requests_not_assessed", "assessments_no_plan", "caseload"):
        assert "Demoton, Borough of" in chapter.figures[key].alt, key
        assert "Demoshire" in chapter.figures[key].alt, key
    assert not chapter.indicators["area_name"].isin(["Demoton", "Demo Region"]).any()


NORTH_YORKSHIRE_OLD, NORTH_YORKSHIRE = "E10000023", "E06000065"


@pytest.mark.parametrize("configured", [NORTH_YORKSHIRE, NORTH_YORKSHIRE_OLD])
def test_a_neighbour_is_found_by_its_old_or_current_code(demo, tmp_path, configured):
    """Issue 13 item 3: a neighbour published under its old code in some years and its current
    code in others is found under either, by the chapter and by `jsna sources` alike."""
    from jsna.input_checks import describe_sources

    config, _, _ = demo
    neighbour = config.neighbours[0]
    path = _copy_demo(demo, tmp_path, {f'"{neighbour}"': f'"{configured}"'})

    def recode(frame: pd.DataFrame) -> None:
        rows = frame["new_la_code"] == neighbour
        old_years = frame["time_period"].str[:4].astype(int) < 2023
        frame.loc[rows & old_years, "new_la_code"] = NORTH_YORKSHIRE_OLD
        frame.loc[rows & ~old_years, "new_la_code"] = NORTH_YORKSHIRE

    for key in ("ehcp_caseload", "ehcp_requests", "ehcp_assessments", "ehcp_timeliness"):
        _edit_sen2(path.parent / Path(config.inputs.comparators[key]).relative_to(config.root),
                   recode)
    edited = load_config(path)
    raw = _raw(edited, "ehcp_timeliness")
    raw = raw[raw["new_la_code"].isin([NORTH_YORKSHIRE_OLD, NORTH_YORKSHIRE])
              & (raw["breakdown"] == raw["breakdown_topic"])]
    chapter = ehcp.build(edited)
    rows = chapter.indicators[(chapter.indicators["indicator_id"] == TIMELY)
                              & (chapter.indicators["area_code"] == NORTH_YORKSHIRE)]
    assert sorted(rows["period"]) == sorted(raw["time_period"])  # every year, both codes
    for _, published in raw.iterrows():
        row = rows[rows["period"] == published["time_period"]].iloc[0]
        assert row["count"] == int(published["plans_issued_20_weeks_ex"])
    neighbours = chapter.tables["timeliness_neighbours"].frame
    assert len(neighbours) == 1 + len(edited.neighbours) + 1  # council, neighbours, England
    checks = describe_sources(edited).set_index("key")
    for key in ("ehcp_requests", "ehcp_assessments", "ehcp_timeliness"):
        row = checks.loc[f"comparators.{key}"]
        assert row["status"] == "ok" and "10/10 neighbours found" in row["detail"], row["detail"]


def test_a_year_with_no_plans_shows_dfe_x_and_the_finding_uses_the_latest_published_year(
        demo, tmp_path):
    """DfE publishes 0 plans and a percentage of x (Dorset, 2024): the tables keep DfE's [x],
    never a long 'not calculated' message, and the timeliness finding falls back to 2023."""
    config, _, _ = demo
    path = _copy_demo(demo, tmp_path)

    def no_plans(frame: pd.DataFrame) -> None:
        rows = (frame["new_la_code"] == COUNCIL) & (frame["time_period"] == "2024")
        frame.loc[rows, ["plans_issued_den_ex", "plans_issued_20_weeks_ex"]] = "0"
        frame.loc[rows, "PC_plans_issued_20_weeks_ex"] = "x"

    timeliness = path.parent / Path(config.inputs.comparators["ehcp_timeliness"]).relative_to(
        config.root)
    _edit_sen2(timeliness, no_plans)
    edited = load_config(path)
    chapter = ehcp.build(edited)
    row = _indicator(chapter, TIMELY, COUNCIL, "2024")
    assert pd.isna(row["value"]) and row["note"] == "[x]"
    trend = chapter.tables["timeliness_ex"].frame
    shown = trend[(trend["Area"] == "Demoton") & (trend["Calendar year"] == "2024")].iloc[0]
    assert shown["Within 20 weeks (%)"] == "[x]" and shown["95% CI lower"] == "[x]"
    assert shown["Plans issued"] == 0
    for table in chapter.tables.values():
        assert not table.frame.astype(str).apply(
            lambda c: c.str.contains("not calculated")).any().any(), table.name
    raw = _raw(edited, "ehcp_timeliness")
    year_before = raw[(raw["new_la_code"] == COUNCIL) & (raw["time_period"] == "2023")].iloc[0]
    within, plans = (int(year_before["plans_issued_20_weeks_ex"]),
                     int(year_before["plans_issued_den_ex"]))
    first = chapter.findings.sentences[0]
    assert first.startswith("In 2023, the latest year with a published figure for Demoton "
                            "(none for 2024)")
    assert f"({within:,} of {plans:,})" in first and f"{100 * within / plans:.1f}%" in first


def test_comparator_areas_names_the_file_it_checked(demo):
    """The settings chapter's "the comparator file: no rows..." named no file."""
    from jsna.chapters.common import comparator_areas
    from jsna.errors import JsnaInputError

    config, _, _ = demo
    published = pd.DataFrame({"area_code": ["E92000001"], "area_name": ["England"],
                              "area_type": ["England"]})  # no attrs: rows after a concat
    source = config.inputs.comparators["sen_phase_type"]
    with pytest.raises(JsnaInputError) as error:
        comparator_areas(config, published, source)
    assert str(error.value).startswith(f"{source}: no rows for Demo Region (Z12000001)")


def test_a_hidden_caseload_count_gives_a_hidden_rate_not_a_missing_one(demo):
    # a threshold above every caseload hides each January's count: the rate per 10,000 that
    # would give it back reads [c] (suppressed), not [x] (not available)
    config = demo[0]
    strict = replace(config, disclosure=replace(config.disclosure, threshold=10**7))
    frame = ehcp.build(strict).tables["caseload"].frame
    rate = frame[f"{config.area.name} per 10,000 aged 0 to 25"]
    assert (frame[config.area.name] == "[c]").all()
    assert (rate == "[c]").all()


def test_a_neighbour_missing_from_an_older_file_is_compared_without(demo):
    """DfE's 2018/19 key stage 4 workbook has no Westmorland and Furness (created in 2023): a
    council whose neighbours include it is compared with the others (the neighbours' average
    says "9 of 10"), not stopped; a missing region still stops the chapter."""
    from jsna.chapters.common import comparator_areas

    config, _, _ = demo
    present = [code for code in config.neighbours][1:]
    published = pd.DataFrame({"area_code": ["E92000001", config.area.region_code, *present]})
    areas = comparator_areas(config, published, "ks4.xlsx")
    assert areas.neighbours == list(config.neighbours)  # the comparison lists what it finds


def test_a_neighbour_with_no_row_in_the_file_is_named_not_coded():
    """West Northamptonshire (E06000062) has no row in DfE's 2018/19 workbook: its row in a
    neighbours table reads its name, with no value."""
    from jsna.indicators.comparisons import ComparatorAreas
    from jsna.indicators.neighbour_comparison import neighbour_comparison

    rows = pd.DataFrame({"area_code": ["E09000016", "E06000055", "E12000007", "E92000001"],
                         "area_name": ["Havering", "Bedford", "London", "England"],
                         "value": [16.7, 12.7, 13.9, 11.1]})
    areas = ComparatorAreas("E09000016", "E12000007", "London", ["E06000055", "E06000062"],
                            council_name="Havering")
    shown = neighbour_comparison(rows, areas, council_name="Havering")
    missing = shown[shown["area_code"] == "E06000062"]
    assert missing["area_name"].tolist() == ["West Northamptonshire"]
    assert missing["value"].isna().all()
