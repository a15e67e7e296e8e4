"""One reading of an EES file's geographic level and calendar year for the two readers of
calendar-year files (NEET by SEND and the SEN2 management information): the same value is
refused with the same words, naming the file, row and column."""

from __future__ import annotations

import pandas as pd
import pytest

from jsna.errors import JsnaInputError
from jsna.sources.ees import area_types_by_level, calendar_years
from jsna.sources.neet import read_neet_send
from jsna.sources.sen2_mi import read_sen2_management_information

NEET_HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,"
               "region_code,region_name,old_la_code,new_la_code,la_name,Age,Cohort_DJFavg,"
               "NEET_not_known_percent,NEET_percent,Notknown_percent,cohort_noSEN_percent,"
               "NEET_NK_noSEN_percent,cohort_EHCP_percent,NEET_NK_EHCP_percent,"
               "cohort_SENDsupport_percent,NEET_NK_SENDsupport_percent\n")
NEET_ROW = "{year},Calendar year,{level},E92000001,England,,,,,,16-17,1000,5,3,2,85,4,5,10,10,9\n"
MI_HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
             "region_name,old_la_code,new_la_code,la_name,NewEHCMediation,NewEHCTribunal,"
             "NewEHCTribunal_pc\n")
MI_ROW = "{year},Calendar year,{level},E92000001,England,,,,,,1,0,0\n"


def _refusals(write_csv, year: str, level: str) -> list[str]:
    out = []
    for name, header, row, read in (("neet.csv", NEET_HEADER, NEET_ROW, read_neet_send),
                                    ("sen2_mi.csv", MI_HEADER, MI_ROW,
                                     read_sen2_management_information)):
        good = row.format(year="2020", level="National")
        path = write_csv(name, header + good + row.format(year=year, level=level))
        with pytest.raises(JsnaInputError) as error:
            read(path)
        out.append(str(error.value).split(": ", 1)[1])  # without the file's path
    return out


def test_an_unknown_level_is_refused_alike_by_both_readers(write_csv):
    neet, mi = _refusals(write_csv, "2021", "Ward")
    assert neet == mi == ("row 3, column 'geographic_level': value 'Ward' is not National, "
                          "Regional or Local authority")


def test_a_year_that_is_not_a_calendar_year_is_refused_by_both_readers(write_csv):
    neet, mi = _refusals(write_csv, "202122", "National")
    assert neet == "row 3, column 'time_period': value '202122' is not a calendar year (e.g. 2025)"
    assert mi == ("row 3, column 'time_period': value '202122' ('Calendar year') is not a "
                  "calendar year (e.g. 2025, 'Calendar year')")


def test_levels_and_years_as_published_any_case_and_spacing():
    levels = pd.Series(["NATIONAL", " Regional ", "local authority"])
    assert area_types_by_level(levels, "f.csv").tolist() == ["England", "Region",
                                                            "Local authority"]
    years = pd.Series(["2019", " 2020 "])
    assert calendar_years(years, "f.csv", time_identifier=pd.Series(
        ["Calendar year", "calendar YEAR"])).tolist() == ["2019", "2020"]
    with pytest.raises(JsnaInputError, match=r"f.csv: row 2, column 'time_period': value '2019' "
                       r"\('Academic year'\)"):
        calendar_years(pd.Series(["2019"]), "f.csv",
                       time_identifier=pd.Series(["Academic year"]))
