"""The adulthood chapter's NEET trend (one file per year) and LAIT sections, on small files
written here, against numbers worked out by hand in this file.

The council is York (E06000014) with two neighbours, Bath and North East Somerset (E06000022)
and North Somerset (E06000024), so codes and LA numbers are real; every figure is invented.
"""

from __future__ import annotations

import math

import pytest
from real_councils import COUNCILS, write_council_config

from jsna.chapters import adulthood
from jsna.config import load_config
from jsna.indicators.adulthood_lait import adulthood_lait_rows, lait_year_types
from jsna.sources.lait import read_lait

HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
          "region_name,old_la_code,new_la_code,la_name,Age,Cohort_DJFavg,NEET_not_known_percent,"
          "NEET_percent,Notknown_percent,cohort_noSEN_percent,NEET_NK_noSEN_percent,"
          "cohort_EHCP_percent,NEET_NK_EHCP_percent,cohort_SENDsupport_percent,"
          "NEET_NK_SENDsupport_percent\n")
#: York's young people with an EHC plan NEET or not known, by year: 100 of a cohort of 2,000
#: have a plan (5%), so the counts are 5, 10, 15, 20, 25
YORK_EHCP = {2021: 5, 2022: 10, 2023: 15, 2024: 20, 2025: 25}


def _neet_file(year: int) -> str:
    rows = [
        f"{year},Calendar year,National,E92000001,England,,,,,,16-17,100000,5,3,2,85,4,5,10,10,9",
        f"{year},Calendar year,Regional,E92000001,England,E12000003,Yorkshire and The Humber,,,,"
        "16-17,10000,5,3,2,85,4,5,10,10,9",
        f"{year},Calendar year,Local authority,E92000001,England,E12000003,Yorkshire and The "
        f"Humber,816,E06000014,York,16-17,2000,4,2,2,85,4,5,{YORK_EHCP[year]},10,8",
        f"{year},Calendar year,Local authority,E92000001,England,E12000009,South West,800,"
        "E06000022,Bath and North East Somerset,16-17,3000,4,2,2,85,4,5,12,10,8",
        f"{year},Calendar year,Local authority,E92000001,England,E12000009,South West,802,"
        "E06000024,North Somerset,16-17,3000,4,2,2,85,4,5,8,10,8",
    ]
    return HEADER + "\n".join(rows) + "\n"


LAIT_HEADER = "Short Desc,Data item,Years,LA and Regions,Values,LA Number,Region\n"


def _lait_file() -> str:
    """16-17 with SEND in education or training (2024, 2025), KS4 destinations with LAIT's '-',
    and age-19 qualifications with an EHC plan (2018/19 and 2023/24)."""
    areas = [("York", "816.0", "Yorkshire and The Humber"),
             ("Bath and North East Somerset", "800.0", "South West"),
             ("North Somerset", "802.0", "South West"),
             ("Yorkshire and the Humber", "982.0", "NA"), ("England", "970.0", "NA")]
    values = {
        ("16-17YroldSEN_ET", "2024"): ["90", "86", "88.40000000000001", "87", "87.1"],
        ("16-17YroldSEN_ET", "2025"): ["93.14", "85", "89", "86.6", "87.4"],
        ("KS4_SEN_Des_incSpec", "2023"): ["84.8", "-", "86", "82", "85.2"],
        ("Age19_SEN-S_L2EM", "2019"): ["12.5", "20", "22", "15", "17"],
        ("Age19_SEN-S_L2EM", "2024"): ["10", "21", "-", "16.3", "18.149999999999999"],
    }
    lines = []
    for (code, year), cells in values.items():
        for (name, number, region), value in zip(areas, cells, strict=True):
            lines.append(f"{code},,{year},{name},{value},{number},{region}")
    return LAIT_HEADER + "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def chapter(tmp_path_factory):
    folder = tmp_path_factory.mktemp("adulthood_trend")
    names = []
    for year in YORK_EHCP:
        name = f"neet_{year}.csv"
        (folder / name).write_text(_neet_file(year), encoding="utf-8")
        names.append(name)
    (folder / "lait.csv").write_text(_lait_file(), encoding="utf-8")
    path = write_council_config(folder, COUNCILS["york"], chapters=["adulthood"],
                                neighbours=["E06000022", "E06000024"],
                                inputs={"lait": "lait.csv"}, comparators={"neet_send": names})
    return adulthood.build(load_config(path))


def wilson(count: float, n: float, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval (per cent), written out."""
    p = count / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def test_every_year_is_a_row_with_its_wilson_interval(chapter):
    frame = chapter.tables["neet_trend"].frame
    ehcp = frame[frame["SEN status"] == "EHC plan"].set_index("Year")
    assert ehcp.index.tolist() == ["2021", "2022", "2023", "2024", "2025"]
    for year, count in YORK_EHCP.items():
        row = ehcp.loc[str(year)]
        assert row["York (%)"] == pytest.approx(count)  # count of 100 = the percentage
        lower, upper = wilson(count, 100)
        assert row["95% CI lower"] == pytest.approx(lower, abs=1e-9)
        assert row["95% CI upper"] == pytest.approx(upper, abs=1e-9)
        assert row["England (%)"] == 10 and row["Yorkshire and The Humber (%)"] == 10
    # 25 of 100: Wilson 95% interval 17.5% to 34.3% (hand-worked), above England's 10%
    assert ehcp.loc["2025", "95% CI lower"] == pytest.approx(17.54, abs=0.01)
    assert ehcp.loc["2025", "95% CI upper"] == pytest.approx(34.30, abs=0.01)
    assert ehcp.loc["2025", "Compared with England"] == "Worse"


def test_the_recent_trend_is_fingertips_chi_squared_test_on_the_latest_row_only(chapter):
    # Cochran-Armitage by hand: O_t = 5,10,15,20,25 of N_t = 100, t = 1..5; N = 500, O = 75
    # N*sum(O_t t) - O*sum(N_t t) = 500*275 - 75*1500 = 25,000
    # chi2 = 500 * 25,000^2 / (75 * 425 * (500*5,500 - 1,500^2)) = 19.6 > 9.55: increasing
    chi2 = 500 * 25_000**2 / (75 * 425 * (500 * 5_500 - 1_500**2))
    assert chi2 == pytest.approx(19.6078, abs=1e-4)
    frame = chapter.tables["neet_trend"].frame
    ehcp = frame[frame["SEN status"] == "EHC plan"].set_index("Year")
    assert ehcp.loc["2025", "Recent trend"] == "Increasing"
    assert (ehcp.loc[["2021", "2022", "2023", "2024"], "Recent trend"] == "").all()
    # the same share every year: no significant change
    no_sen = frame[frame["SEN status"] == "No SEN"].set_index("Year")
    assert no_sen.loc["2025", "Recent trend"] == "No significant change"
    assert any("went from 5.0% to 25.0%" in s and "is rising" in s
               for s in chapter.findings.sentences)


def test_the_trend_chart_has_the_council_region_and_england_each_year(chapter):
    figure = chapter.figures["neet_trend"]
    assert "2021 to 2025" in figure.caption


def test_lait_rows_keep_published_values_and_dashes_as_not_available(tmp_path):
    path = tmp_path / "lait.csv"
    path.write_text(_lait_file(), encoding="utf-8")
    rows = adulthood_lait_rows(read_lait(path, dictionary=lait_year_types()))
    ks4 = rows[rows["indicator_id"] == "adulthood_ks4_sen_sustained_destination_percent"]
    assert set(ks4["period"]) == {"2022/23"}  # an academic-year measure
    bath = ks4[ks4["area_code"] == "E06000022"].iloc[0]
    assert math.isnan(bath["value"]) and bath["note"] == "[x]"
    participation = rows[rows["indicator_id"] == "adulthood_sen_in_education_training_percent"]
    assert set(participation["period"]) == {"2024", "2025"}  # LAIT's March, kept as the year
    north_somerset = participation[(participation["area_code"] == "E06000024")
                                   & (participation["period"] == "2024")]
    assert north_somerset["value"].iloc[0] == pytest.approx(88.4)  # float artefact read as 88.4


def test_lait_trend_table_by_hand(chapter):
    frame = chapter.tables["lait_trend"].frame
    sen = frame[frame["Measure"].str.startswith("16-17")].set_index("Year")
    assert sen.loc["2025", "York"] == "93.1"
    assert sen.loc["2025", "England"] == "87.4"
    assert sen.loc["2025", "Yorkshire and The Humber"] == "86.6"
    # neighbours (85 + 89) / 2 = 87.0; York minus England 93.14 - 87.4 = 5.74
    assert sen.loc["2025", "Neighbours' average"] == "87.0 (2 of 2)"
    assert sen.loc["2025", "Difference from England (points)"] == "5.7"
    assert sen.loc["2024", "Neighbours' average"] == "87.2 (2 of 2)"  # (86 + 88.4) / 2
    ks4 = frame[frame["Measure"].str.startswith("Sustained")].set_index("Year")
    # LAIT's '-' for Bath: the average is North Somerset's alone
    assert ks4.loc["2022/23", "Neighbours' average"] == "86.0 (1 of 2)"
    assert ks4.loc["2022/23", "Difference from England (points)"] == "-0.4"
    notes = " ".join(chapter.tables["lait_trend"].notes)
    assert "no confidence interval" in notes and "Basis:" in notes


def test_age19_table_by_hand(chapter):
    frame = chapter.tables["age19"].frame
    row = frame[(frame["Measure"].str.startswith("Level 2"))
                & (frame["SEN status at 15"] == "EHC plan")].iloc[0]
    assert "Year" not in row.index and chapter.tables["age19"].caption.endswith("2023/24")
    assert row["York"] == "10.0" and row["England"] == "18.1"  # 18.149999... shown 18.1
    assert row["Neighbours' average"] == "21.0 (1 of 2)"  # North Somerset's '-' left out
    assert row["Difference from England (points)"] == "-8.1"  # 10 - 18.15
    assert row["Change since 2018/19 (points)"] == "-2.5"  # 10 - 12.5
    # LAIT gives percentages only: the indicator rows carry no interval
    lait = chapter.indicators[chapter.indicators["indicator_id"].str.contains("age19")]
    assert lait["lower_ci_95"].isna().all() and lait["upper_ci_95"].isna().all()


def test_every_table_rule_names_columns_of_its_table(chapter):
    # the site's disclosure gate refuses a rule naming a column its table lacks
    tables = {table.name: table for table in chapter.tables.values()}
    assert set(chapter.rules) == set(tables)
    for name, rules in chapter.rules.items():
        assert set(rules.key) <= set(tables[name].frame.columns), name
