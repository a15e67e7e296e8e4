"""The site-wide disclosure gate refuses a recent-trend label that rests on a hidden point.

Hand-made indicator tables: a council series of six years whose first or third year is hidden
(``[c]``), another council's series with DfE's ``[x]`` in it, and labels written by hand, so the
gate's windows (the five periods ending at a row, same indicator, area and breakdown) are
checked against what is written here, not against the pipeline's own output.
"""

from __future__ import annotations

import pandas as pd
import pytest
from test_disclosure_gate import COUNCIL, NAME, council_row, write_site

from jsna.review.disclosure_gate import check_site

INDICATOR = "pupils_sen_support_percent"
PERIODS = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24", "2024/25"]
CANNOT = "Cannot be calculated"


def series(hidden: set[str], labels: dict[str, str], *, area_code: str = COUNCIL,
           area_name: str = NAME, note: str = "[c]") -> list[dict]:
    """Six years of one indicator for one area: ``hidden`` periods shown as ``note`` with no
    count or value, each period's ``recent_trend`` from ``labels`` (empty when not given)."""
    rows = []
    for number, period in enumerate(PERIODS):
        row = council_row(INDICATOR, "All pupils", None if period in hidden else 500 + 40 * number,
                          10_000, area_code=area_code, area_name=area_name, period=period)
        if period in hidden:
            row["denominator"] = float("nan")  # nothing of a hidden row is shown
            row["note"] = note
        row["recent_trend"] = labels.get(period, "")
        rows.append(row)
    return rows


def trend_exposures(report) -> set[tuple[str, str]]:
    return {(e.table, e.row.split("period=")[1].split(";")[0]) for e in report.exposures
            if e.column == "recent_trend"}


def check(tmp_path, rows):
    return check_site(write_site(tmp_path, rows), council_code=COUNCIL, threshold=5)


def test_a_label_over_a_hidden_year_is_refused(tmp_path) -> None:
    """2021/22 hidden: the 2023/24 and 2024/25 windows (2019/20-2023/24, 2020/21-2024/25) hold
    it, so their labels must be withdrawn."""
    rows = series({"2021/22"}, {"2023/24": "Increasing", "2024/25": "Increasing"})
    report = check(tmp_path, rows)
    assert trend_exposures(report) == {("indicators", "2023/24"), ("indicators", "2024/25")}
    assert not report.ok
    assert "rests on a point that is not published" in report.message()


def test_withdrawn_labels_and_a_window_past_the_hidden_year_are_accepted(tmp_path) -> None:
    """2019/20 hidden: 2024/25's window (2020/21 to 2024/25) does not hold it, so its label
    stands; 2023/24's does, and it says "Cannot be calculated"."""
    rows = series({"2019/20"}, {"2023/24": CANNOT, "2024/25": "Increasing"})
    report = check(tmp_path, rows)
    assert not trend_exposures(report)
    assert report.ok, report.message()


def test_a_label_on_a_hidden_row_itself_is_refused(tmp_path) -> None:
    rows = series({"2024/25"}, {"2024/25": "Decreasing"})
    assert trend_exposures(check(tmp_path, rows)) == {("indicators", "2024/25")}


@pytest.mark.parametrize("note", ["[x]", "[low]"])
def test_another_councils_series_over_a_point_not_available_is_refused(tmp_path, note) -> None:
    """Other councils' rows are exempt from the counts' proof, but their trend labels are this
    JSNA's statistics: one over DfE's [x] (or [low]) must be withdrawn too."""
    rows = series(set(), {"2024/25": "Increasing"})
    rows += series({"2022/23"}, {"2024/25": "Increasing"}, area_code="E06000014",
                   area_name="York", note=note)
    for row in rows[6:]:
        row["area_type"] = "Local authority"
    assert trend_exposures(check(tmp_path, rows)) == {("indicators", "2024/25")}
    exposure = next(e for e in check(tmp_path / "again", rows).exposures)
    assert "area_code=E06000014" in exposure.row


def test_a_chapter_indicator_file_is_checked_too(tmp_path) -> None:
    rows = series({"2021/22"}, {"2024/25": CANNOT})
    site = write_site(tmp_path, rows)
    chapter = pd.DataFrame(series({"2021/22"}, {"2024/25": "Increasing"}))
    chapter.to_csv(site / "data" / "population_indicators.csv", index=False)
    report = check_site(site, council_code=COUNCIL, threshold=5)
    assert trend_exposures(report) == {("population_indicators", "2024/25")}
