"""EHC plans by age band: reading DfE's older and newer age files, and the per-band back-test."""

from __future__ import annotations

import pytest

from jsna.errors import JsnaInputError
from jsna.forecast.backtest import backtest_by_age
from jsna.forecast.series import age_band_of, read_plans_by_age, read_plans_series

OLD_HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,"
              "region_code,region_name,old_la_code,new_la_code,la_name,characteristic_age,"
              "Total_st,Total_st_pc,Total_ehc,Total_ehc_pc,Total_all,Total_all_pc\n")
NEW_HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,"
              "region_code,region_name,new_la_code,old_la_code,la_name,breakdown_topic,"
              "breakdown,ehcplans\n")


def _old(year: int, level: str, code: str, number: str, name: str, band: str, plans: str) -> str:
    la = level == "Local authority"
    return (f"{year},Calendar year,{level},E92000001,England,{'E12000003' if la else ''},"
            f"{'Yorkshire and The Humber' if la else ''},{number},{code if la else ''},"
            f"{name if la else ''},{band},z,z,{plans},10,{plans},10\n")


def _new(year: int, level: str, code: str, number: str, name: str, age: str, plans: str) -> str:
    la = level == "Local authority"
    return (f"{year - 1}{year % 100:02d},Academic year,{level},E92000001,England,"
            f"{'E12000003' if la else ''},{'Yorkshire and The Humber' if la else ''},"
            f"{code if la else ''},{number},{name if la else ''},Child or young persons age,"
            f"{age},{plans}\n")


@pytest.mark.parametrize("label, band", [
    ("Under 5", "Under 5"), ("Age 5 to 10", "5 to 10"), ("Age 20 to 25", "20 to 25"),
    ("under 3", "Under 5"), ("age 4", "Under 5"), ("age 5", "5 to 10"), ("age 10", "5 to 10"),
    ("age 11", "11 to 15"), ("age 16", "16 to 19"), ("age 19", "16 to 19"),
    ("age 25", "20 to 25"), ("Total", None), ("unknown", None), ("age 26", None),
])
def test_age_bands(label, band):
    assert age_band_of(label) == band


@pytest.fixture
def age_files(tmp_path):
    old = tmp_path / "sen2_age_caseload.csv"
    lines = [OLD_HEADER]
    for year, (e5, e10, y5, y10) in {2021: (10, 20, 1, 2), 2022: (12, 24, 2, 3)}.items():
        lines += [_old(year, "National", "", "", "", "Total", str(e5 + e10)),
                  _old(year, "National", "", "", "", "Under 5", str(e5)),
                  _old(year, "National", "", "", "", "Age 5 to 10", str(e10)),
                  _old(year, "Local authority", "E06000014", "816", "York", "Under 5", str(y5)),
                  _old(year, "Local authority", "E06000014", "816", "York", "Age 5 to 10",
                       str(y10))]
    old.write_text("".join(lines), encoding="utf-8")
    new = tmp_path / "caseload.csv"
    lines = [NEW_HEADER]
    # 2022 again (a revision: this later file wins) and 2025; ages added up into bands
    for year, ages in {2022: {"under 3": 5, "age 4": 8, "age 7": 30},
                       2025: {"under 3": 6, "age 3": 4, "age 4": 10, "age 9": 40,
                              "unknown": 99}}.items():
        for age, plans in ages.items():
            lines.append(_new(year, "National", "", "", "", age, str(plans * 10)))
            lines.append(_new(year, "Local authority", "E06000014", "816", "York", age,
                              str(plans)))
    lines.append(_new(2025, "Local authority", "E06000014", "816", "York", "age 10", "x"))
    new.write_text("".join(lines), encoding="utf-8")
    return old, new


def test_bands_from_old_and_new_files_worked_by_hand(age_files):
    series = read_plans_by_age(age_files)
    york = series[series["area_code"] == "E06000014"].set_index(["age_band", "year"])
    by_band = {(str(b), y): v for (b, y), v in york["value"].items()}
    assert by_band[("Under 5", 2021)] == 1  # old file only
    assert by_band[("Under 5", 2022)] == 5 + 8  # the later file's revision wins over 2
    assert by_band[("5 to 10", 2022)] == 30
    assert by_band[("Under 5", 2025)] == 6 + 4 + 10  # unknown age is in no band
    # age 10 withheld ('x'): the 5-to-10 band has no value, and says why
    assert york.loc[("5 to 10", 2025), "note"] == "[x]"
    assert york["value"].isna().sum() == 1
    england = series[series["area_code"] == "E92000001"].set_index(["age_band", "year"])
    assert england.loc[("Under 5", 2025), "value"] == 200


def test_a_file_without_ages_is_refused(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("time_period,time_identifier,geographic_level,country_code,ehcplans\n"
                    "2022,Calendar year,National,E92000001,5\n", encoding="utf-8")
    with pytest.raises(JsnaInputError, match="other.csv: not a DfE SEN2 file by age"):
        read_plans_by_age([path])


def test_by_age_backtest_scores_each_band_and_all_bands_together(tmp_path):
    """Two bands; York and Leeds; fit 2021-2022, forecast 2025 by persistence.

    Under 5: York 10 -> 15 (APE 1/3), Leeds 20 -> 20 (0). 5 to 10: York 30 -> 40 (1/4),
    Leeds 50 -> 25 (1). All ages: mean of the four.
    """
    lines = [OLD_HEADER]
    values = {("E06000014", "816", "York"): {"Under 5": (8, 10), "Age 5 to 10": (28, 30)},
              ("E08000035", "383", "Leeds"): {"Under 5": (20, 20), "Age 5 to 10": (45, 50)}}
    for (code, number, name), bands in values.items():
        for band, (v21, v22) in bands.items():
            lines += [_old(2021, "Local authority", code, number, name, band, str(v21)),
                      _old(2022, "Local authority", code, number, name, band, str(v22))]
    for band, (e21, e22) in {"Under 5": (100, 110), "Age 5 to 10": (300, 330)}.items():
        lines += [_old(2021, "National", "", "", "", band, str(e21)),
                  _old(2022, "National", "", "", "", band, str(e22))]
    old = tmp_path / "sen2_age_caseload.csv"
    old.write_text("".join(lines), encoding="utf-8")
    new = tmp_path / "caseload.csv"
    new.write_text(NEW_HEADER + "".join(
        _new(2025, "Local authority", code, number, name, age, plans)
        for code, number, name, age, plans in (
            ("E06000014", "816", "York", "age 4", "15"), ("E06000014", "816", "York", "age 6",
                                                          "40"),
            ("E08000035", "383", "Leeds", "age 4", "20"),
            ("E08000035", "383", "Leeds", "age 6", "25")))
        + _new(2025, "National", "", "", "", "age 4", "130")
        + _new(2025, "National", "", "", "", "age 6", "400"), encoding="utf-8")
    result = backtest_by_age(read_plans_by_age([old, new]), first_year=2021, fit_end=2022,
                             target=2025)
    summary = result.summary[result.summary["method"] == "persistence"].set_index("age_band")
    assert summary.loc["Under 5", "mape"] == pytest.approx((1 / 3 + 0) / 2 * 100)
    assert summary.loc["5 to 10", "mape"] == pytest.approx((1 / 4 + 1) / 2 * 100)
    assert summary.loc["All ages", "mape"] == pytest.approx((1 / 3 + 0 + 1 / 4 + 1) / 4 * 100)
    assert summary.loc["All ages", "councils"] == 4


@pytest.mark.real_data
def test_real_age_bands_add_up_to_englands_published_total(real):
    files = [real / "send_dfe" / "ehcp_2022" / "sen2_age_caseload.csv",
             real / "send_dfe" / "ehcp_2025" / "caseload.csv"]
    by_age = read_plans_by_age(files)
    headline = read_plans_series(files[1])
    england = by_age[by_age["area_code"] == "E92000001"].groupby("year")["value"].sum()
    published = headline[headline["area_code"] == "E92000001"].set_index("year")["value"]
    # the older file's bands cover every plan (2019-2022); the newer file's ages leave out
    # 'unknown', so its bands can only fall short of the total (2024, 2025)
    for year in (2019, 2020, 2021, 2022):
        assert england[year] == published[year]
    for year in (2024, 2025):
        assert 0.99 * published[year] <= england[year] <= published[year]
