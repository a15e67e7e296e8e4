"""Dates of birth: accepted forms, impossible dates and age on 31 August."""

from __future__ import annotations

import numpy as np

from jsna.clean.dates import age_on_31_august, parse_dates


def test_accepted_forms() -> None:
    parsed = parse_dates(["2015-03-04", "04/03/2015", "4/3/2015", "04-03-2015",
                          "2015-03-04 00:00:00", "04/03/2015 00:00", "42067", "42067.0"])
    # Excel serial 42067 = 4 March 2015 (Excel: =DATE(2015,3,4) gives 42067)
    assert parsed.status.tolist() == ["ok"] * 8
    assert (parsed.dates == np.datetime64("2015-03-04")).all()


def test_missing_unreadable_and_impossible() -> None:
    parsed = parse_dates([None, "", "next tuesday", "4 March 2015", "04/03/15",
                          "31/02/2015", "29/02/2015", "29/02/2016", "2015-13-01", "0"])
    assert parsed.status.tolist() == [
        "missing", "missing", "unreadable", "unreadable", "unreadable",
        "impossible", "impossible", "ok", "impossible", "impossible"]
    assert parsed.dates[7] == np.datetime64("2016-02-29")  # 2016 is a leap year
    assert np.isnat(parsed.dates[[0, 2, 5, 6, 8, 9]]).all()


def test_age_on_31_august_before_the_census() -> None:
    dates = np.array(["2019-08-31", "2019-09-01", "2012-09-01", "2012-08-31", "2010-02-28",
                      "NaT"], dtype="datetime64[D]")
    # January 2025 census -> age on 31 August 2024:
    # 31/08/2019 -> 5 (fifth birthday that day); 01/09/2019 -> 4 (birthday the next day)
    # 01/09/2012 -> 11; 31/08/2012 -> 12; 28/02/2010 -> 14; missing -> NaN
    age = age_on_31_august(dates, 2025)
    assert age[:5].tolist() == [5, 4, 11, 12, 14]
    assert np.isnan(age[5])
    # per-row census years: the same child one census earlier is a year younger
    assert age_on_31_august(dates[:2], np.array([2024, 2026])).tolist() == [4, 5]
