"""Counting pupils by type of setting, school and home (inside or outside the council), the
special-school indicator rows and their disclosure control: hand-worked cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.disclosure import SUPPRESSED
from jsna.indicator_disclosure import protect_setting_tables
from jsna.indicators import settings

SCHOOLS = pd.DataFrame({"urn": ["100001", "100002", "100003"],
                        "school_name": ["Ash Primary", "Birch Primary", "Cedar Special"],
                        "setting": ["Mainstream primary", "Mainstream primary",
                                    "Special school"]})


def _pupils() -> pd.DataFrame:
    # January 2025: Ash 20 pupils (2 plans, 5 support, 1 plan and 2 support living outside);
    # Birch 30 (6 plans, 4 support); Cedar 12 plans, 3 of them living outside;
    # one pupil with no valid URN on SEN support. January 2024: Ash 10 pupils, 1 plan.
    rows = []

    def add(year, urn, provision, n, resident=True):
        rows.extend([{"census_year": year, "school_urn": urn, "sen_provision": provision,
                      "resident": resident}] * n)

    add(2025, "100001", "E", 1)
    add(2025, "100001", "E", 1, resident=False)
    add(2025, "100001", "K", 3)
    add(2025, "100001", "K", 2, resident=False)
    add(2025, "100001", "N", 13)
    add(2025, "100002", "E", 6)
    add(2025, "100002", "K", 4)
    add(2025, "100002", "N", 20)
    add(2025, "100003", "E", 9)
    add(2025, "100003", "E", 3, resident=False)
    add(2025, None, "K", 1)
    add(2024, "100001", "E", 1)
    add(2024, "100001", "N", 9)
    return settings.pupils_with_settings(pd.DataFrame(rows), SCHOOLS)


def test_setting_counts_by_census_with_every_setting_and_the_total():
    counts = settings.setting_counts(_pupils())
    latest = counts[counts["census_year"] == 2025].set_index("setting")
    assert list(latest.index) == [*settings.SETTINGS, settings.NOT_LISTED, settings.ALL_SETTINGS]
    assert latest.loc["Mainstream primary", ["Pupils", "EHC plan", "SEN support"]].tolist() == [
        50, 8, 9]
    assert latest.loc["Special school", ["Pupils", "EHC plan", "SEN support"]].tolist() == [
        12, 12, 0]
    assert latest.loc["Alternative provision", "Pupils"] == 0
    assert latest.loc[settings.NOT_LISTED, "SEN support"] == 1
    assert latest.loc[settings.ALL_SETTINGS, ["Pupils", "EHC plan", "SEN support"]].tolist() == [
        63, 20, 10]
    earlier = counts[counts["census_year"] == 2024].set_index("setting")
    assert earlier.loc[settings.ALL_SETTINGS, ["Pupils", "EHC plan"]].tolist() == [10, 1]


def test_outside_and_school_counts():
    pupils = _pupils()
    outside = settings.outside_counts(pupils, 2025).set_index("setting")
    assert outside.loc["Mainstream primary", [settings.OUT_PLAN, settings.OUT_SUPPORT]
                       ].tolist() == [1, 2]
    assert outside.loc["Special school", settings.OUT_PLAN] == 3
    assert outside.loc[settings.ALL_SETTINGS, [settings.OUT_PLAN, settings.OUT_SUPPORT]
                       ].tolist() == [4, 2]
    schools = settings.school_counts(pupils, 2025)
    school_rows = schools[schools["row_type"] == "School"].set_index("school_name")
    assert school_rows.loc["Birch Primary", ["Pupils", "EHC plan", "SEN support"]].tolist() == [
        30, 6, 4]
    assert school_rows.loc[settings.UNKNOWN_SCHOOL, "setting"] == settings.NOT_LISTED
    subtotal = schools[schools["row_type"] == "Setting"].set_index("setting")
    assert subtotal.loc["Mainstream primary", "EHC plan"] == 8  # 2 + 6, as the settings table


def test_a_small_special_school_count_is_hidden_in_all_three_tables_and_the_indicator():
    pupils = _pupils()
    pupils = pupils[~((pupils["school_urn"] == "100003") & pupils.index.isin(
        pupils.index[pupils["school_urn"] == "100003"][3:]))]  # Cedar keeps 3 plans
    by_setting, outside, schools, audit = protect_setting_tables(
        settings.setting_counts(pupils), settings.outside_counts(pupils, 2025),
        settings.school_counts(pupils, 2025), threshold=5)
    latest = by_setting[by_setting["census_year"] == 2025].set_index("setting")
    assert pd.isna(latest.at["Special school", "EHC plan"])
    assert latest.at["Special school", "note"] == SUPPRESSED
    # "All settings" (11 plans) is published, so another part of it is hidden too
    assert latest.at[settings.ALL_SETTINGS, "EHC plan"] == 11
    assert latest.drop(index=settings.ALL_SETTINGS)["EHC plan"].isna().sum() >= 2
    # the cross-border table and the school subtotal repeat the count: hidden there too
    assert pd.isna(outside.set_index("setting").at["Special school", "EHC plan"])
    subtotals = schools[schools["row_type"] == "Setting"].set_index("setting")
    assert pd.isna(subtotals.at["Special school", "EHC plan"])
    assert audit["table"].isin(["settings_pupils_by_setting", "settings_pupils_living_outside",
                                "settings_schools"]).all()
    rows = settings.council_indicator_rows(by_setting, "Z06000001", "Demoton").set_index(
        "period")
    assert rows.at["2024/25", "note"] == SUPPRESSED and pd.isna(rows.at["2024/25", "count"])
    assert rows.at["2024/25", "denominator"] == 11
    # January 2024: 1 plan in all settings (below the threshold): no count and no denominator
    assert rows.at["2023/24", "note"] == SUPPRESSED
    assert rows.loc["2023/24", ["count", "denominator"]].isna().all()


def test_council_indicator_rows_are_special_school_plans_over_all_plans():
    by_setting = pd.DataFrame({
        "census_year": [2025, 2025, 2025], "setting": ["Mainstream primary", "Special school",
                                                       settings.ALL_SETTINGS],
        "Pupils": [50, 12, 62], "EHC plan": [8.0, 12.0, 20.0], "SEN support": [9, 0, 9],
        "note": ["", "", ""]})
    row = settings.council_indicator_rows(by_setting, "Z06000001", "Demoton").iloc[0]
    assert (row["count"], row["denominator"], row["note"]) == (12, 20, "")
    assert row["period"] == "2024/25" and row["breakdown"] == settings.BREAKDOWN
    by_setting.loc[1, "EHC plan"] = np.nan
    by_setting.loc[1, "note"] = SUPPRESSED
    row = settings.council_indicator_rows(by_setting, "Z06000001", "Demoton").iloc[0]
    assert pd.isna(row["count"]) and row["note"] == SUPPRESSED


def test_hand_worked_published_share(tmp_path):
    # England, 2024/25: special 240 / (primary 100 + secondary 150 + special 240 + AP 10 = 500)
    # = 48.0%; independent schools (50) and the Total row (550) are not used.
    # Region Z12000001: its AP count is suppressed ("c"), so the share is not available: [c].
    header = ("time_period,time_identifier,geographic_level,country_code,country_name,"
              "region_code,region_name,new_la_code,la_name,old_la_code,phase_type_grouping,"
              "ehc_plan")
    lines = [header]
    for level, region, values in (("National", "", ("100", "150", "240", "10", "50", "550")),
                                  ("Regional", "Z12000001", ("20", "30", "40", "c", "5", "99"))):
        name = "Demo Region" if region else ""
        for phase, value in zip(("State-funded primary", "State-funded secondary",
                                 "State-funded special school", "State-funded AP school",
                                 "Independent school", "Total"), values, strict=True):
            lines.append(f"202425,Academic year,{level},E92000001,England,{region},{name},,,,"
                         f"{phase},{value}")
    path = tmp_path / "sen_phase_type.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = settings.published_indicator_rows(path).set_index("area_type")
    assert rows.at["England", "count"] == 240
    assert rows.at["England", "denominator"] == 500
    assert rows.at["England", "note"] == ""
    assert pd.isna(rows.at["Region", "count"]) and pd.isna(rows.at["Region", "denominator"])
    assert rows.at["Region", "note"] == "[c]"



def test_a_pupil_at_an_unlisted_school_is_kept():
    pupils = pd.DataFrame({"census_year": 2025, "school_urn": ["100001", "999999"],
                           "sen_provision": ["E", "K"], "resident": True})
    schools = pd.DataFrame({"urn": ["100001"], "school_name": ["A School"],
                            "phase": ["Special"], "setting": ["Special school"]})
    joined = settings.pupils_with_settings(pupils, schools)
    assert joined["setting"].tolist() == ["Special school", settings.NOT_LISTED]
    counts = settings.setting_counts(joined).set_index("setting")
    # 1 + 1 pupils: the unlisted school's pupil is in "All settings" and in its own row
    assert counts.at[settings.NOT_LISTED, "SEN support"] == 1
    assert counts.at[settings.ALL_SETTINGS, "Pupils"] == 2


def test_shares_are_worked_from_the_protected_counts_only():
    # January 2025: primary 8 of 20 plans = 40%, special 12 of 20 = 60%; a hidden count has
    # no share (and never a share from a zero total)
    by_setting = pd.DataFrame({
        "census_year": 2025, "setting": ["Mainstream primary", "Special school",
                                         settings.ALL_SETTINGS],
        "Pupils": [50, 12, 62], "EHC plan": [8.0, 12.0, 20.0], "SEN support": [9, 0, 9]})
    shares = settings.add_plan_shares(by_setting)["share"].tolist()
    assert shares == pytest.approx([40.0, 60.0, 100.0])
    by_setting.loc[0, "EHC plan"] = np.nan
    assert np.isnan(settings.add_plan_shares(by_setting)["share"].iloc[0])
    # living outside: 1 of 8 plans = 12.5%, 2 of 9 on SEN support = 22.2...%; hidden: missing
    outside = pd.DataFrame({"EHC plan": [8.0, np.nan], "SEN support": [9.0, 0.0],
                            settings.OUT_PLAN: [1.0, 1.0], settings.OUT_SUPPORT: [2.0, 0.0]})
    shares = settings.add_outside_shares(outside)
    assert shares[f"{settings.OUT_PLAN} %"].iloc[0] == pytest.approx(12.5)
    assert shares[f"{settings.OUT_SUPPORT} %"].iloc[0] == pytest.approx(200 / 9)
    assert np.isnan(shares[f"{settings.OUT_PLAN} %"].iloc[1])
    assert np.isnan(shares[f"{settings.OUT_SUPPORT} %"].iloc[1])  # 0 of 0: no percentage
    # a school: (6 plans + 4 on SEN support) of 30 pupils = 33.3...%
    schools = pd.DataFrame({"Pupils": [30.0, 0.0], "EHC plan": [6.0, 0.0],
                            "SEN support": [4.0, 0.0]})
    sen = settings.add_school_sen_shares(schools)["sen"]
    assert sen.iloc[0] == pytest.approx(100 / 3) and np.isnan(sen.iloc[1])


def test_top_school_share_is_worked_from_published_counts():
    # mainstream plans 30 + 20 + 10 + 5 (+ one hidden school) ; setting totals 50 + 18 = 68
    # top 2 schools: (30 + 20) / 68 = 73.5%; the hidden school is never among them
    schools = pd.DataFrame({
        "census_year": 2025, "row_type": "School",
        "setting": ["Mainstream primary"] * 3 + ["Mainstream secondary"] * 2 + ["Special school"],
        "EHC plan": [30, 10, None, 20, 5, 90.0],
    })
    by_setting = pd.DataFrame({
        "census_year": 2025,
        "setting": ["Mainstream primary", "Mainstream secondary", "Special school"],
        "EHC plan": [50.0, 18.0, 90.0],
    })
    n, part, whole, share = settings.top_school_share(schools, by_setting, top=2)
    assert (n, part, whole) == (2, 50.0, 68.0)
    assert share == pytest.approx(73.529, abs=1e-3)
    by_setting.loc[1, "EHC plan"] = None  # a hidden setting total: no sentence
    assert settings.top_school_share(schools, by_setting, top=2) is None
