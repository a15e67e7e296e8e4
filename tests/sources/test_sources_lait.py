"""Tests for the DfE LAIT reader (jsna.sources.lait)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from jsna.errors import JsnaInputError
from jsna.sources.lait import lait_area, read_lait, read_lait_dictionary

LAIT = (
    "Short Desc,Data item,Years,LA and Regions,Values,LA Number,Region\n"
    "SEN_TotStat,TOTAL % EHC,2024,York,4,816.0,Yorkshire and The Humber\n"
    "SEN_TotStat,,2025,York,4.5999999999999996,816.0,Yorkshire and The Humber\n"
    "SEN_TotStat,,2025,Bournemouth (Pre LG),-,837.0,South West\n"
    "SEN_TotStat,,2025,England,5.2999999999999998,970.0,NA\n"
    "SENFinance,SEN Finance,2016-17 (OT),York,25,816.0,Yorkshire and The Humber\n"
    'SEN_CASES_JAN,,2025 (prov),York,"1,234",816.0,Yorkshire and The Humber\n'
)
DICTIONARY = (
    '"Measure_short","Measure","Chart_title","Polarity","Year_Type","dps"\n'
    '"SEN_TotStat","EHC","Total pupils with an EHC plan (%)",NA,"Academic Year","1"\n'
    '"SENFinance","Finance","SEN finance\r\nline two","High","Financial Year",NA\n'
)


def test_values_symbols_codes_and_years(write_csv):
    frame = read_lait(write_csv("lait.csv", LAIT))
    york = frame[frame["area_name"].eq("York")].set_index("indicator")
    assert frame["value"].iloc[1] == 4.6  # float artefact "4.5999999999999996"
    assert york.loc["SENFinance", "period"] == "2016-17" and york.loc["SENFinance", "year"] == 2017
    assert york.loc["SENFinance", "status"] == "outturn"
    assert york.loc["SEN_CASES_JAN", "value"] == 1234
    assert york.loc["SEN_CASES_JAN", "status"] == "provisional"
    bournemouth = frame[frame["la_number"].eq(837)].iloc[0]
    assert bournemouth["area_code"] == "E06000028"
    assert math.isnan(bournemouth["value"]) and bournemouth["note"] == "[-]"  # never 0
    england = frame[frame["la_number"].eq(970)].iloc[0]
    assert england["area_code"] == "E92000001" and england["area_type"] == "England"
    # "Data item" is filled on the first row only; later rows inherit it.
    assert set(frame.loc[frame["indicator"].eq("SEN_TotStat"), "indicator_name"]) == {"TOTAL % EHC"}


def test_academic_years_written_with_a_slash(write_csv):
    # LAIT's SEND outcomes sheet writes "2015/16" where other sheets write "2016-17 (OT)"
    text = LAIT + "KS4_SEN_A8,,2015/16,York,31.2,816.0,Yorkshire and The Humber\n"
    frame = read_lait(write_csv("lait.csv", text))
    row = frame[frame["indicator"].eq("KS4_SEN_A8")].iloc[0]
    assert (row["period"], row["year"], row["time_period"]) == ("2015-16", 2016, "2015/16")
    with pytest.raises(JsnaInputError, match=r"row 8, column 'Years': value '2015\.16'"):
        read_lait(write_csv("bad.csv", text.replace("2015/16", "2015.16")))


def test_dictionary_sets_polarity_names_and_academic_periods(write_csv):
    dictionary = read_lait_dictionary(write_csv("dict.csv", DICTIONARY))
    assert dictionary["polarity"].tolist() == ["", "High"]  # "NA" is no polarity
    assert dictionary["title"].iloc[1] == "SEN finance\nline two"
    frame = read_lait(write_csv("lait.csv", LAIT), dictionary=dictionary)
    york = frame[frame["area_name"].eq("York") & frame["indicator"].eq("SEN_TotStat")]
    # LAIT labels the January 2025 census "2025": academic year 2024/25.
    assert york["period"].tolist() == ["2023/24", "2024/25"]
    assert york["indicator_name"].iloc[0] == "Total pupils with an EHC plan (%)"


def test_bad_layout_and_values(write_csv):
    with pytest.raises(JsnaInputError, match="missing column.*Short Desc.*columns found: a, b"):
        read_lait(write_csv("x.csv", "a,b\n1,2\n"))
    bad = LAIT.replace("4.5999999999999996", "n/a")
    with pytest.raises(JsnaInputError, match=r"row 3, column 'Values': value 'n/a'"):
        read_lait(write_csv("bad.csv", bad))
    frame = read_lait(write_csv("lait.csv", LAIT))
    with pytest.raises(JsnaInputError, match=r"area E06000059 \(Dorset\) not found"):
        lait_area(frame, "E06000059", area_name="Dorset")


@pytest.mark.real_data
def test_real_lait_published_facts(real):
    folder = real / "send_dfe/lait"
    frame = read_lait(
        folder / "lait_bds_long_sen_and_child_health_all_las.csv",
        dictionary=folder / "lait_data_dictionary_selected.csv",
    )
    assert len(frame) == 41480
    assert frame["note"].eq("[-]").sum() == 4138  # every "-" kept as a note
    assert frame.loc[frame["note"].eq("[-]"), "value"].isna().all()
    # SEN in England 2025: 5.3% of pupils with an EHC plan, 14.2% on SEN support (England).
    england = frame[frame["area_type"].eq("England") & frame["period"].eq("2024/25")]
    by_indicator = england.set_index("indicator")["value"]
    assert by_indicator["SEN_TotStat"] == pytest.approx(5.3)
    assert by_indicator["SEN_TotSENSuP"] == pytest.approx(14.2)
    # Same published 2019 timeliness as the SEN2 release: 58.7% (60.4% excluding exceptions).
    timeliness = frame[frame["area_type"].eq("England") & frame["period"].eq("2019")]
    timeliness = timeliness.set_index("indicator")["value"]
    assert timeliness["SEN_EHC_All_20wks"] == pytest.approx(58.7)
    assert timeliness["SEN_EHC_Excpt_20wks"] == pytest.approx(60.4)
    assert set(frame.loc[frame["indicator"].eq("SEN_EHC_All_20wks"), "polarity"]) == {"High"}
    # Every council number maps to a GSS code; only Inner/Outer London have none.
    unmapped = frame.loc[frame["area_code"].eq(""), "la_number"]
    assert set(unmapped) == {987, 988}
    assert set(frame.loc[frame["la_number"].eq(836), "area_code"]) == {"E06000029"}  # Poole


def test_academic_years_published_with_a_slash_keep_it_with_a_dictionary(write_csv):
    """LAIT's SEND outcomes sheet writes suspensions as "2022/23" and absence as "2023" for the
    same kind of year: with a dictionary saying "Academic Year" both are labelled "2022/23", so
    the two series line up (they were "2022-23" and "2022/23")."""
    text = ("Short Desc,Data item,Years,LA and Regions,Values,LA Number,Region\n"
            "SpecFixedEx,,2022/23,York,0.32051,816.0,Yorkshire and The Humber\n"
            "SpecPerAbNew,,2023,York,28.62,816.0,Yorkshire and The Humber\n")
    dictionary = ('"Measure_short","Polarity","Year_Type"\n'
                  '"SpecFixedEx","Low","Academic Year"\n"SpecPerAbNew","Low","Academic Year"\n')
    frame = read_lait(write_csv("lait.csv", text),
                      dictionary=read_lait_dictionary(write_csv("d.csv", dictionary)))
    assert frame["period"].tolist() == ["2022/23", "2022/23"]
    assert frame["year"].tolist() == [2023, 2023]


@pytest.mark.real_data
def test_real_lait_outcomes_file_every_value_and_symbol(real):
    """The 8i file: every '-' a note, never a number; float artefacts read to their published
    digits; every council number mapped (old Bournemouth/Poole/Dorset numbers to their old
    codes); academic years labelled alike whichever way LAIT writes them."""
    folder = real / "send_dfe/lait"
    path = folder / "lait_bds_long_send_outcomes_absence_all_las.csv"
    frame = read_lait(path, dictionary=folder / "lait_data_dictionary_send_outcomes_absence.csv")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert len(frame) == len(raw) == 90100
    dash = raw["Values"].str.strip().eq("-").to_numpy()
    assert dash.sum() == 11456
    assert frame.loc[dash, "note"].eq("[-]").all() and frame.loc[dash, "value"].isna().all()
    expected = pd.to_numeric(raw.loc[~dash, "Values"].str.replace(",", ""))
    assert (frame.loc[~dash, "value"].to_numpy() == pytest.approx(expected.to_numpy()))
    assert set(frame.loc[frame["area_code"].eq(""), "la_number"]) == {987, 988}
    assert set(frame.loc[frame["la_number"].eq(835), "area_code"]) == {"E10000009"}
    suspensions = set(frame.loc[frame["indicator"].eq("SpecFixedEx"), "period"])
    absence = set(frame.loc[frame["indicator"].eq("SpecPerAbNew"), "period"])
    assert "2022/23" in suspensions & absence
    # York's special school persistent absence, January 2025 year: 24.19% (LAIT)
    york = frame[frame["la_number"].eq(816) & frame["indicator"].eq("SpecPerAbNew")]
    assert york.set_index("period").loc["2024/25", "value"] == pytest.approx(24.19)


def test_unknown_la_number_is_one_clear_error_not_a_blank_code(write_csv):
    """A council number DfE's LA list does not know used to give the code "" silently (its rows
    then vanished from every comparison)."""
    text = LAIT + "SEN_TotStat,,2025,Newtown,4.1,999.0,South West\n"
    with pytest.raises(JsnaInputError, match=r"row 8, column 'LA Number': value '999.0' is not"):
        read_lait(write_csv("lait.csv", text))


def test_councils_and_regions_beyond_dfe_list_through_a_register(write_csv):
    """The demo's councils (and a council formed after DfE's list) are known to a council
    register built from an EES file; a region LAIT numbers outside 970-990 takes the region code
    its councils have in the register. Demoton's LA number 990 is South West's in LAIT: a row
    with a region name in 'Region' is a council."""
    text = ("Short Desc,Data item,Years,LA and Regions,Values,LA Number,Region\n"
            "SpecPerAbNew,,2025,Demoton,30.1,990.0,Demo Region\n"
            "SpecPerAbNew,,2025,Other,25.0,945.0,Demo Region\n"
            "SpecPerAbNew,,2025,Demo Region,27.5,991.0,NA\n"
            "SpecPerAbNew,,2025,England,35.3,970.0,NA\n")
    register = pd.DataFrame({"la_number": [990, 945], "gss_code": ["Z06000001", "Z06000002"],
                             "region_code": ["Z12000001", "Z12000001"], "current": True})
    frame = read_lait(write_csv("lait.csv", text), register=register)
    assert frame["area_code"].tolist() == ["Z06000001", "Z06000002", "Z12000001", "E92000001"]
    assert frame["area_type"].tolist() == ["Local authority", "Local authority", "Region",
                                           "England"]
