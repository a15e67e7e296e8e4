"""Reading the SEN2 caseload series and choosing the councils with a full run."""

from __future__ import annotations

import pytest
from forecast_toys import HEADER
from forecast_toys import caseload_row as _row

from jsna.errors import JsnaInputError
from jsna.forecast.series import england_series, full_runs, read_plans_series


@pytest.fixture
def caseload(tmp_path):
    lines = [HEADER]
    for period, england in (("201819", "1000"), ("201920", "1100"), ("202021", "1210")):
        lines.append(_row(period, "National", "", "", "", england))
    # a council with a full run; one with 2020 withheld ('x'); one with zero plans in 2019;
    # BCP (formed April 2019) and its predecessor Bournemouth; an age row that must be ignored
    for period, plans in (("201819", "10"), ("201920", "11"), ("202021", "12")):
        lines.append(_row(period, "Local authority", "E06000045", "852", "Southampton", plans))
    for period, plans in (("201819", "20"), ("201920", "x"), ("202021", "22")):
        lines.append(_row(period, "Local authority", "E06000046", "921", "Isle of Wight", plans))
    for period, plans in (("201819", "0"), ("201920", "3"), ("202021", "4")):
        lines.append(_row(period, "Local authority", "E06000053", "420", "Isles of Scilly",
                          plans))
    lines.append(_row("201819", "Local authority", "E06000028", "837", "Bournemouth", "30"))
    for period in ("201920", "202021"):
        lines.append(_row(period, "Local authority", "E06000058", "839",
                          "Bournemouth, Christchurch and Poole", "50"))
    lines.append(_row("202021", "Local authority", "E06000045", "852", "Southampton", "7",
                      breakdown="Age 5 to 10"))
    path = tmp_path / "caseload.csv"
    path.write_text("".join(lines), encoding="utf-8-sig")
    return path


def test_reads_headline_rows_with_january_years(caseload):
    series = read_plans_series(caseload)
    southampton = series[series["area_code"] == "E06000045"]
    assert southampton["year"].tolist() == [2019, 2020, 2021]
    assert southampton["value"].tolist() == [10.0, 11.0, 12.0]  # the age row is not read
    assert england_series(series).to_dict() == {2019: 1000.0, 2020: 1100.0, 2021: 1210.0}
    withheld = series[(series["area_code"] == "E06000046") & (series["year"] == 2020)]
    assert withheld["note"].tolist() == ["[x]"]


def test_full_runs_keep_complete_councils_and_say_why_others_are_out(caseload):
    runs, excluded = full_runs(read_plans_series(caseload), 2019, 2021)
    assert runs.index.tolist() == ["E06000045"]
    assert runs.loc["E06000045"].tolist() == [10.0, 11.0, 12.0]
    assert runs.attrs["names"] == {"E06000045": "Southampton"}
    reasons = excluded.set_index("area_code")["reason"]
    assert set(reasons.index) == {"E06000046", "E06000053", "E06000028", "E06000058"}
    assert reasons["E06000046"] == "no value for January 2020"
    assert reasons["E06000053"] == "zero plans in January 2019 (growth undefined)"
    assert reasons["E06000058"].startswith("formed in April 2019 (merger")
    assert reasons["E06000058"].endswith("no January before 2020 of its own")
    assert reasons["E06000028"].startswith("abolished in April 2019 (merger")


def test_a_reorganisation_outside_the_span_is_not_the_reason(caseload):
    # span 2020-2021 starts after BCP was formed: BCP has a full run, Bournemouth simply has none
    runs, excluded = full_runs(read_plans_series(caseload), 2020, 2021)
    assert "E06000058" in runs.index
    reasons = excluded.set_index("area_code")["reason"]
    assert reasons["E06000028"] == "no value for January 2020, 2021"


def test_two_headline_rows_for_one_area_and_year_are_refused(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text(HEADER + _row("201819", "National", "", "", "", "1")
                    + _row("201819", "National", "", "", "", "2"), encoding="utf-8")
    with pytest.raises(JsnaInputError, match="E92000001 has more than one headline row for "
                                             "January 2019"):
        read_plans_series(path)


def test_a_file_without_england_is_refused_by_name(caseload, tmp_path):
    text = "".join(line for line in caseload.read_text(encoding="utf-8-sig").splitlines(True)
                   if ",National," not in line)
    path = tmp_path / "no_england.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(JsnaInputError, match="no_england.csv: no England"):
        england_series(read_plans_series(path))
