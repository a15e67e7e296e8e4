"""The settings chapter against an independent count of the raw demo files and hand-worked cases."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jsna.chapters import settings
from jsna.chapters.common import load_pupils
from jsna.config import load_config
from jsna.demo import write_demo
from jsna.disclosure import SUPPRESSED
from jsna.errors import JsnaInputError
from jsna.indicators import settings as counting

YEARS = (2024, 2025)
SETTING_OF_PHASE = {"Primary": "Mainstream primary", "Secondary": "Mainstream secondary",
                    "Special": "Special school", "Alternative provision": "Alternative provision"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("settings")
    config = load_config(write_demo(folder / "data" / "demo", n_wards=6, years=2))
    chapter = settings.build(config)
    out = folder / "out"
    chapter.save(out)
    return config, chapter, out


def _independent_pupils(config, year: int) -> pd.DataFrame:
    """Plain pandas on the raw files: C/M rows, one per UPN, school phase from schools.csv by
    URN, living outside = home postcode matched to another council."""
    root = Path(config.root)
    raw = pd.read_csv(config.inputs.census[year], dtype=str, keep_default_na=False)
    status = raw["EnrolStatus"].str.strip().str.upper()
    pupils = raw[status.isin(["C", "M"])]
    pupils = pupils[~(pupils["UPN"].duplicated() & (pupils["UPN"] != ""))].copy()
    pupils["provision"] = pupils["SENprovision"].str.strip().str.upper()
    schools = pd.read_csv(root / "schools.csv", dtype=str)
    urn = pupils["URN"].str.strip()
    # a blank or short URN (demo dirt) is no school: "Not in the schools list"
    pupils["setting"] = urn.map(schools.set_index("URN")["Phase"].map(SETTING_OF_PHASE)).fillna(
        counting.NOT_LISTED)
    pupils["school"] = urn.map(schools.set_index("URN")["SchoolName"]).where(
        urn.str.fullmatch(r"\d{6}"), counting.UNKNOWN_SCHOOL)
    lookup = pd.read_csv(root / "geography" / "postcode_lookup.csv", dtype=str)
    squash = lookup["pcds"].str.replace(" ", "").str.upper()
    council_of = dict(zip(squash, lookup["oslaua"], strict=True))
    home = pupils["Postcode"].str.replace(r"\s+", "", regex=True).str.upper().map(council_of)
    pupils["outside"] = home.notna() & (home != config.area.code)
    return pupils


def _csv(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / "data" / f"{name}.csv", dtype=str, keep_default_na=False)


def test_setting_counts_match_an_independent_count_of_the_raw_census(demo):
    config, _, out = demo
    frame = _csv(out, "settings_pupils_by_setting")
    checked = 0
    for year in YEARS:
        pupils = _independent_pupils(config, year)
        # every demo school is in the schools list; only a blank or short URN is not
        unlisted = pupils["setting"] == counting.NOT_LISTED
        assert not pupils.loc[unlisted, "URN"].str.fullmatch(r"\d{6}").any()
        rows = frame[frame["Census"] == f"January {year}"].set_index("Type of setting")
        assert list(rows.index) == [*counting.SETTINGS,
                                    *([counting.NOT_LISTED] if unlisted.any() else []),
                                    counting.ALL_SETTINGS]
        for setting, row in rows.iterrows():
            mine = pupils if setting == counting.ALL_SETTINGS else pupils[
                pupils["setting"] == setting]
            for column, expected in (("Pupils", len(mine)),
                                     ("EHC plan", int((mine["provision"] == "E").sum())),
                                     ("SEN support", int((mine["provision"] == "K").sum()))):
                if row[column] != SUPPRESSED:
                    assert int(row[column]) == expected, (year, setting, column)
                    checked += 1
        plans = int((pupils["provision"] == "E").sum())
        special = int(((pupils["provision"] == "E")
                       & (pupils["setting"] == "Special school")).sum())
        assert float(rows.at["Special school", "Share of EHC plans %"]) == pytest.approx(
            100 * special / plans)
    assert checked >= 25


def test_council_indicator_is_special_school_plans_over_all_plans(demo):
    config, chapter, _ = demo
    rows = chapter.indicators[chapter.indicators["area_code"] == config.area.code]
    assert set(rows["period"]) == {"2023/24", "2024/25"}
    for year in YEARS:
        pupils = _independent_pupils(config, year)
        plans = pupils[pupils["provision"] == "E"]
        row = rows[rows["period"] == f"{year - 1}/{year % 100:02d}"].iloc[0]
        assert row["count"] == (plans["setting"] == "Special school").sum()
        assert row["denominator"] == len(plans)
        assert row["value"] == pytest.approx(100 * row["count"] / row["denominator"])
        assert row["lower_ci_95"] < row["value"] < row["upper_ci_95"]


def test_england_share_is_recomputed_from_the_published_file(demo):
    config, chapter, _ = demo
    raw = pd.read_csv(config.inputs.comparators["sen_phase_type"], dtype=str)
    england = raw[(raw["geographic_level"] == "National") & (raw["time_period"] == "202425")]
    state_funded = england[england["phase_type_grouping"].str.startswith("State-funded")]
    plans = state_funded.set_index("phase_type_grouping")["ehc_plan"].astype(int)
    row = chapter.indicators[(chapter.indicators["area_type"] == "England")
                             & (chapter.indicators["period"] == "2024/25")].iloc[0]
    assert row["count"] == plans["State-funded special school"]
    assert row["denominator"] == plans.sum()
    # independent and non-maintained special schools are not in the denominator
    total = int(england.set_index("phase_type_grouping").at["Total", "ehc_plan"])
    assert row["denominator"] < total
    assert row["compared_to_england"] == "Not compared"
    # the council, its region and its 10 neighbours are compared with England
    compared = chapter.indicators[chapter.indicators["area_type"] != "England"]
    assert len(set(compared["area_code"])) == 12
    assert compared["compared_to_england"].isin(["Higher", "Lower", "Similar"]).all()


def test_living_outside_matches_an_independent_count(demo):
    config, chapter, out = demo
    pupils = _independent_pupils(config, 2025)
    frame = _csv(out, "settings_pupils_living_outside").set_index("Type of setting")
    checked = 0
    for setting, row in frame.iterrows():
        mine = pupils if setting == counting.ALL_SETTINGS else pupils[
            pupils["setting"] == setting]
        away = mine[mine["outside"]]
        for column, expected in (("EHC plan living outside", (away["provision"] == "E").sum()),
                                 ("SEN support living outside",
                                  (away["provision"] == "K").sum())):
            if row[column] != SUPPRESSED:
                assert int(row[column]) == expected, (setting, column)
                checked += 1
            else:  # a hidden count is small, or a complement protecting one
                assert setting != counting.ALL_SETTINGS
    assert checked >= 6
    assert "Pupils living outside" not in frame.columns
    special = pupils[(pupils["setting"] == "Special school") & (pupils["provision"] == "E")]
    if frame.at["Special school", "EHC plan living outside"] != SUPPRESSED:
        share = f"{100 * special['outside'].mean():.1f}%"
        assert any(f"{int(special['outside'].sum()):,} of the {len(special):,} pupils with an "
                   f"EHC plan in {config.area.name}'s special schools ({share})" in s
                   for s in chapter.findings.sentences)


def test_school_table_matches_an_independent_count_and_is_sorted(demo):
    config, chapter, out = demo
    pupils = _independent_pupils(config, 2025)
    expected = pupils.groupby("school").agg(
        pupils=("UPN", "size"), plans=("provision", lambda p: int((p == "E").sum())),
        support=("provision", lambda p: int((p == "K").sum())))
    frame = _csv(out, "settings_schools")
    assert sorted(frame["School"]) == sorted(expected.index)
    hidden = 0
    for _, row in frame.iterrows():
        school = expected.loc[row["School"]]
        assert int(row["Pupils"]) == school["pupils"]
        if row["EHC plan"] == SUPPRESSED:
            hidden += 1
            assert row["SEN %"] == SUPPRESSED
        else:
            assert int(row["EHC plan"]) == school["plans"]
            if row["SEN support"] == SUPPRESSED:  # either part hidden hides the share
                assert row["SEN %"] == SUPPRESSED
            else:
                assert float(row["SEN %"]) == pytest.approx(
                    100 * (school["plans"] + school["support"]) / school["pupils"])
        if row["SEN support"] != SUPPRESSED:
            assert int(row["SEN support"]) == school["support"]
    # every school below the threshold is hidden, and the small demo has some
    assert hidden >= (expected["plans"].between(1, 4)).sum() > 0
    shown = frame.loc[frame["EHC plan"] != SUPPRESSED, "EHC plan"].astype(int)
    assert shown.is_monotonic_decreasing
    assert (frame["EHC plan"] == SUPPRESSED).iloc[len(shown):].all()  # hidden rows last


def _with_few_in_special_schools(pupils: pd.DataFrame, urns: list[str]) -> pd.DataFrame:
    """Keep 3 pupils in the latest census's special schools (the others are removed)."""
    in_special = (pupils["census_year"] == 2025) & pupils["school_urn"].isin(urns)
    return pupils.drop(index=pupils.index[in_special][3:])


def test_a_small_special_school_count_is_hidden_everywhere(demo, monkeypatch, tmp_path):
    config, _, _ = demo
    schools = settings.read_schools(config.inputs.schools)
    urns = list(schools.loc[schools["setting"] == "Special school", "urn"])
    pupils = _with_few_in_special_schools(load_pupils(config), urns)
    monkeypatch.setattr(settings, "load_pupils", lambda _config: pupils)
    chapter = settings.build(config)
    chapter.save(tmp_path)
    # settings table: special schools in January 2025 read [c], and a second part of the
    # total is hidden so "All settings" minus the rest cannot give it away
    for frame in (chapter.tables["pupils_by_setting"].frame,
                  _csv(tmp_path, "settings_pupils_by_setting")):
        latest = frame[frame["Census"] == "January 2025"].set_index("Type of setting")
        for column in ("Pupils", "EHC plan", "Share of EHC plans %"):
            assert latest.at["Special school", column] == SUPPRESSED, column
        parts = latest.drop(index=counting.ALL_SETTINGS)
        assert (parts["EHC plan"] == SUPPRESSED).sum() >= 2
        assert latest.at[counting.ALL_SETTINGS, "EHC plan"] != SUPPRESSED
    # the cross-border table repeats the hidden count: hidden there too
    outside = chapter.tables["pupils_living_outside"].frame.set_index("Type of setting")
    assert outside.at["Special school", "EHC plan"] == SUPPRESSED
    assert (outside.drop(index=counting.ALL_SETTINGS)["EHC plan"] == SUPPRESSED).sum() >= 2
    # school table: every special school's count is hidden
    table = chapter.tables["schools"].frame
    special = table[table["Type of setting"] == "Special school"]
    assert (special["EHC plan"] == SUPPRESSED).all()
    # indicator: the council's 2024/25 row has no count and no value
    row = chapter.indicators[(chapter.indicators["area_code"] == config.area.code)
                             & (chapter.indicators["period"] == "2024/25")].iloc[0]
    assert row["note"] == SUPPRESSED
    assert pd.isna(row["count"]) and pd.isna(row["value"]) and row["compared_to_england"] == ""
    trend = chapter.tables["special_school_share"].frame
    mine = trend[(trend["Area"] == config.area.name) & (trend["Academic year"] == "2024/25")]
    assert (mine[["In special schools", "Per cent"]] == SUPPRESSED).all().all()
    # findings never state the hidden number
    assert not any("2024/25" in s and "special school" in s and "of pupils with an EHC plan"
                   in s for s in chapter.findings.sentences)
    assert chapter.disclosure["row_key"].str.contains("Special school").any()


def test_read_schools_rejects_an_unknown_phase(tmp_path):
    path = tmp_path / "schools.csv"
    path.write_text("URN,LAEstab,SchoolName,Phase\n100001,9902001,A School,Primary\n"
                    "100002,9907001,B School,Hospital\n", encoding="utf-8")
    with pytest.raises(JsnaInputError, match=r"row 3, column Phase: 'Hospital'"):
        settings.read_schools(path)
    path.write_text("URN,LAEstab,SchoolName,Phase\n100001,9902001,A School,Primary\n"
                    "100001,9902002,B School,Secondary\n", encoding="utf-8")
    with pytest.raises(JsnaInputError, match=r"row 3, column URN: 100001 is listed twice"):
        settings.read_schools(path)
