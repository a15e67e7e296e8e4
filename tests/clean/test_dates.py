"""Dates of birth: accepted forms, impossible dates and age on 31 August."""

from __future__ import annotations

import datetime

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

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


def _reference(year: int, month: int, day: int) -> tuple[str, np.datetime64]:
    """Status and date by Python's own calendar (an independent check of leap years etc.)."""
    try:
        value = datetime.date(year, month, day)
    except ValueError:
        return "impossible", np.datetime64("NaT", "D")
    return "ok", np.datetime64(value.isoformat(), "D")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9999), st.integers(0, 19), st.integers(0, 39),
                          st.sampled_from(["iso", "dmy", "serial"]), st.sampled_from("-/."),
                          st.integers(0, 3_000_000)), min_size=1, max_size=30))
def test_every_form_against_pythons_calendar(cases) -> None:
    texts, expected = [], []
    for year, month, day, form, separator, serial in cases:
        if form == "serial":
            texts.append(str(serial))
            # Excel serial n is 30 December 1899 + n days (Excel's leap-year slip included)
            if 1 <= serial <= 2958465:
                expected.append(("ok", np.datetime64("1899-12-30") + np.timedelta64(serial, "D")))
            else:
                expected.append(("impossible", np.datetime64("NaT", "D")))
            continue
        if form == "iso":
            separator = separator if separator != "." else "-"  # ISO takes - or /
            texts.append(f"{year:04d}{separator}{month}{separator}{day:02d}")
        else:
            texts.append(f" {day}{separator}{month:02d}{separator}{year:04d} ")
        expected.append(_reference(year, month, day))
    parsed = parse_dates(texts)
    assert parsed.status.tolist() == [status for status, _ in expected]
    got = parsed.dates.astype("datetime64[D]")
    for value, (_, date) in zip(got, expected, strict=True):
        assert (np.isnat(value) and np.isnat(date)) or value == date
