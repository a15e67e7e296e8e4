"""Tests for the explore-education-statistics reader (jsna.sources.ees)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from jsna.errors import JsnaInputError
from jsna.sources.ees import (
    detect_measures,
    ees_area,
    parse_time_period,
    read_ees,
    read_ees_wide,
)

# A hand-written file in the "Special educational needs in England" layout (sen_phase_type).
SEN_PHASE = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
    "region_name,old_la_code,new_la_code,la_name,phase_type_grouping,total_pupils,sen_support,"
    "sen_support_percent,ehc_plan,ehc_plan_percent\n"
    "202425,Academic year,National,E92000001,England,,,,,,Total,9000000,1000000,11.1,450000,5\n"
    "202425,Academic year,Regional,E92000001,England,E12000002,North West,,,,Total,1000,c,x,z,low\n"
    "202425,Academic year,Local authority,E92000001,England,E12000002,North West,358,E08000009,"
    'Trafford,State-funded primary,"20,001",u,:,,[c]\n'
    "202324,Academic year,Local authority,E92000001,England,E12000002,North West,358,E08000009,"
    "Trafford,State-funded primary,19000,2000,10.5,700,3.7\n"
)


def test_reads_published_layout_with_bom_symbols_and_periods(write_csv):
    path = write_csv("sen_phase_type.csv", SEN_PHASE, bom=True)
    frame = read_ees(path)
    assert list(frame["measure"].unique()) == [
        "total_pupils",
        "sen_support",
        "sen_support_percent",
        "ehc_plan",
        "ehc_plan_percent",
    ]
    # 4 rows x 5 measures
    assert len(frame) == 20
    assert "phase_type_grouping" in frame.columns
    assert "time_period" in frame.columns  # BOM stripped from the first header

    def cell(code, period, measure):
        rows = frame[
            (frame["area_code"] == code)
            & (frame["period"] == period)
            & (frame["measure"] == measure)
        ]
        assert len(rows) == 1
        return rows.iloc[0]

    england = cell("E92000001", "2024/25", "ehc_plan")
    assert england["value"] == 450000
    assert england["area_type"] == "England"
    assert england["year"] == 2025  # 202425 -> January 2025 census
    assert england["note"] == ""

    region = cell("E12000002", "2024/25", "sen_support")
    assert region["area_type"] == "Region" and region["area_name"] == "North West"
    # Every published symbol is kept as a note and never becomes zero.
    expected = {
        "sen_support": "[c]",
        "sen_support_percent": "[x]",
        "ehc_plan": "[z]",
        "ehc_plan_percent": "[low]",
    }
    for measure, note in expected.items():
        row = cell("E12000002", "2024/25", measure)
        assert math.isnan(row["value"]) and row["note"] == note

    trafford = cell("E08000009", "2024/25", "total_pupils")
    assert trafford["value"] == 20001  # "20,001" with a thousands separator
    assert trafford["old_la_code"] == "358" and trafford["area_type"] == "Local authority"
    assert cell("E08000009", "2024/25", "sen_support")["note"] == "[u]"
    assert cell("E08000009", "2024/25", "sen_support_percent")["note"] == "[:]"
    blank = cell("E08000009", "2024/25", "ehc_plan")
    assert math.isnan(blank["value"]) and blank["note"] == ""
    assert cell("E08000009", "2024/25", "ehc_plan_percent")["note"] == "[c]"  # bracketed style
    assert cell("E08000009", "2023/24", "ehc_plan")["value"] == 700
    assert frame["value"].dtype == float


def test_wide_reader_keeps_notes_beside_values(write_csv):
    path = write_csv("sen_phase_type.csv", SEN_PHASE)
    wide = read_ees_wide(path, ["ehc_plan", "ehc_plan_percent"])
    assert len(wide) == 4
    assert wide["ehc_plan"].tolist()[0] == 450000
    assert wide["ehc_plan_note"].tolist() == ["", "[z]", "", ""]
    assert "sen_support" not in wide.columns
    # Explicitly chosen measures must not turn the other measures into filters.
    assert "total_pupils" not in wide.columns


def test_period_rules():
    codes = pd.Series(["202425", "2024", "202425", "202425", "201920"])
    identifiers = pd.Series(
        ["Academic year", "Calendar year", "Financial year", "Spring term", "Reporting year"]
    )
    period, year = parse_time_period(codes, identifiers)
    assert period.tolist() == ["2024/25", "2024", "2024-25", "2024/25 Spring term", "2019/20"]
    assert year.tolist() == [2025, 2024, 2025, 2025, 2020]


def test_bad_time_period_names_file_row_and_column(write_csv):
    path = write_csv(
        "bad.csv",
        "time_period,time_identifier,geographic_level,country_code,n\n"
        "2024,Calendar year,National,E92000001,1\n"
        "202426,Academic year,National,E92000001,2\n",
    )
    with pytest.raises(JsnaInputError, match=r"bad\.csv: row 3, column 'time_period'.*202426"):
        read_ees(path)


def test_numeric_filter_codes_among_filters_stay_filters(write_csv):
    # nc_year holds only digits but sits before a text filter, so it is a filter, not a measure.
    path = write_csv(
        "ncyear.csv",
        "time_period,time_identifier,geographic_level,country_code,nc_year,sen_status,pupils\n"
        "2024,Calendar year,National,E92000001,1,EHC plan,10\n"
        "2024,Calendar year,National,E92000001,2,EHC plan,x\n",
    )
    assert detect_measures(path) == ["pupils"]
    frame = read_ees(path)
    assert frame["nc_year"].tolist() == ["1", "2"]
    assert frame["note"].tolist() == ["", "[x]"]


def test_metadata_file_decides_measures(write_csv):
    path = write_csv(
        "meta_case.csv",
        "time_period,time_identifier,geographic_level,country_code,sen_status,age,pupils\n"
        "2024,Calendar year,National,E92000001,EHC plan,5,10\n",
    )
    write_csv(
        "meta_case.meta.csv",
        "col_name,col_type,label\nsen_status,Filter,SEN\nage,Filter,Age\npupils,Indicator,Pupils\n",
    )
    frame = read_ees(path)
    assert frame["measure"].tolist() == ["pupils"] and frame["age"].tolist() == ["5"]


def test_missing_columns_name_file_source_missing_and_found(write_csv):
    path = write_csv("wrong.csv", "year,area,value\n2024,E92000001,3\n")
    with pytest.raises(JsnaInputError) as caught:
        read_ees(path)
    message = str(caught.value)
    assert "wrong.csv" in message
    assert "explore-education-statistics" in message
    assert "missing column(s) time_period, time_identifier, geographic_level" in message
    assert "columns found: year, area, value" in message


def test_unreadable_measure_value_is_reported(write_csv):
    path = write_csv(
        "text.csv",
        "time_period,time_identifier,geographic_level,country_code,pupils\n"
        "2024,Calendar year,National,E92000001,10\n"
        "2024,Calendar year,National,E92000001,ten\n",
    )
    with pytest.raises(JsnaInputError, match=r"row 3, column 'pupils': value 'ten'"):
        read_ees(path, measures=["pupils"])
    with pytest.raises(JsnaInputError, match=r"measure column\(s\) nope not found"):
        read_ees(path, measures=["nope"])


def test_missing_area_is_named(write_csv):
    frame = read_ees(write_csv("sen_phase_type.csv", SEN_PHASE))
    assert len(ees_area(frame, "358")) == 10  # DfE LA number matches old_la_code
    with pytest.raises(JsnaInputError, match=r"area E06000014 \(York\) not found"):
        ees_area(frame, "E06000014", area_name="York")


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(JsnaInputError, match="file not found"):
        read_ees(tmp_path / "absent.csv")


# ---- real published files -------------------------------------------------------------------


@pytest.mark.real_data
def test_every_real_ees_file_reads(real):
    files = sorted((real / "send_dfe").glob("ehcp_20*/*.csv"))
    assert len(files) == 12
    for path in files:
        frame = read_ees(path)
        assert len(frame) > 0
        assert frame["area_code"].ne("").all(), path
        # Symbols never become numbers.
        assert frame.loc[frame["note"] != "", "value"].isna().all()


@pytest.mark.real_data
def test_england_ehc_plans_january_2025(real):
    # Published: 638,745 EHC plans in England in January 2025 (SEN2 2025 release, headline).
    frame = read_ees(real / "send_dfe/ehcp_2025/caseload.csv", measures=["ehcplans"])
    england = frame[
        (frame["area_type"] == "England")
        & (frame["period"] == "2024/25")
        & (frame["breakdown"] == "All EHC plans")
    ]
    assert england["year"].tolist() == [2025]
    assert england["value"].tolist() == [638745]


@pytest.mark.real_data
def test_england_20_week_timeliness_2019(real):
    # Published: 58.7% of new plans issued within 20 weeks in 2019, 60.4% excluding exceptions.
    wide = read_ees_wide(real / "send_dfe/ehcp_2025/timeliness_20_week.csv")
    row = wide[(wide["area_type"] == "England") & (wide["period"] == "2019")].iloc[0]
    assert row["pc_plans_issued_within_20_weeks"] == pytest.approx(58.7)
    assert row["PC_plans_issued_20_weeks_ex"] == pytest.approx(60.4)
    # 31,313 of 53,327 plans: 31313 / 53327 = 58.72% -> 58.7
    assert row["plans_issued_within_20_weeks"] == 31313 and row["plans_issued_den"] == 53327
    # Unavailable 2019 measures are "x", kept as a note.
    assert math.isnan(row["plans_issued_gt_1_year"]) and row["plans_issued_gt_1_year_note"] == "[x]"


@pytest.mark.real_data
def test_old_layout_2022_release(real):
    # Old layout: old_la_code before new_la_code, "z" for not applicable, January counts coded as
    # calendar years. Published: 473,255 EHC plans in England in January 2022; 2021 20-week rate
    # 57.9% including exceptions (59.9% excluding).
    caseload = read_ees(real / "send_dfe/ehcp_2022/sen2_age_caseload.csv")
    total = caseload[
        (caseload["area_type"] == "England")
        & (caseload["year"] == 2022)
        & (caseload["characteristic_age"] == "Total")
    ].set_index("measure")
    assert total.loc["Total_ehc", "value"] == 473255
    assert math.isnan(total.loc["Total_st", "value"]) and total.loc["Total_st", "note"] == "[z]"
    mi = read_ees_wide(real / "send_dfe/ehcp_2022/sen2_mi.csv")
    england_2021 = mi[(mi["area_type"] == "England") & (mi["year"] == 2021)].iloc[0]
    assert england_2021["IncExc20weekRate"] == pytest.approx(57.9)
    assert england_2021["NoExc20weekRate"] == pytest.approx(59.9)
    # Predecessor councils keep their own codes: Bournemouth (837) in 2018.
    bournemouth = ees_area(mi, "E06000028")
    assert set(bournemouth["old_la_code"]) == {"837"}
