"""The adulthood chapter's NEET trend and LAIT sections for two real councils, against plain pandas.

York (E06000014) and North Yorkshire (E06000065, published as E10000023 in DfE's 2022 and 2023
NEET files), from DfE's four NEET and participation dashboard files (2022 to 2025, one per year,
listed as an array under ``inputs.comparators.neet_send``) and LAIT's SEND outcomes file. The
chapter is built in Python (``adulthood.build``), never through papermill. Every expected figure
is computed here from the raw files with pandas (the neighbours' LAIT numbers from DfE's LA list
shipped in ``jsna/sources/la_codes.csv``, the lookup the reader uses, as LAIT names councils by
number only). Skipped when the real data folder is absent.
"""

from __future__ import annotations

import pandas as pd
import pytest
from real_councils import (
    COUNCILS,
    ENGLAND,
    needs_real_data,
    real_path,
    wilson,
    write_council_config,
)

from jsna.chapters import adulthood
from jsna.config import load_config
from jsna.sources.la_codes import la_table

NEET_FILES = ("neet/2022/UD_NEETNK_LA_dashboard_2022_final.csv",
              "neet/2023/UD_NEETNK_LA_dashboard_2023_final.csv",
              "neet/2024/UD_NEETNK_LA_dashboard_final.csv",
              "neet/2025/UD_NEETNK_LA_dashboard_final.csv")
LAIT_FILE = "send_dfe/lait/lait_bds_long_send_outcomes_absence_all_las.csv"
pytestmark = needs_real_data(*NEET_FILES, LAIT_FILE)
#: the disclosure threshold of the configs written here (the default)
THRESHOLD = 5
#: LAIT numbers of England and the region (DfE's region numbers)
ENGLAND_NUMBER, YORKSHIRE_NUMBER = "970.0", "982.0"


@pytest.fixture(scope="module", params=["york", "north_yorkshire"])
def built(request, tmp_path_factory):
    council = COUNCILS[request.param]
    path = write_council_config(
        tmp_path_factory.mktemp(request.param), council, chapters=["adulthood"],
        inputs={"lait": real_path(LAIT_FILE)},
        comparators={"neet_send": [real_path(f) for f in NEET_FILES]})
    config = load_config(path)
    return council, config, adulthood.build(config)


def _raw_neet() -> pd.DataFrame:
    frames = [pd.read_csv(real_path(f), dtype=str, keep_default_na=False) for f in NEET_FILES]
    return pd.concat(frames, ignore_index=True)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def test_neet_by_year_equals_the_raw_files(built):
    council, _, chapter = built
    raw = _raw_neet()
    frame = chapter.tables["neet_trend"].frame
    mine = f"{council.name} (%)"
    for group, share, measure in (("EHC plan", "cohort_EHCP_percent", "NEET_NK_EHCP_percent"),
                                  ("SEN support", "cohort_SENDsupport_percent",
                                   "NEET_NK_SENDsupport_percent")):
        rows = frame[frame["SEN status"] == group].set_index("Year")
        assert rows.index.tolist() == ["2022", "2023", "2024", "2025"]
        for year in ("2022", "2023", "2024", "2025"):
            of_year = raw[raw["time_period"] == year]
            # matched by code: North Yorkshire's old code in 2022 and 2023
            published = of_year[of_year["new_la_code"].isin(council.published_codes)]
            assert len(published) == 1
            row = published.iloc[0]
            value, cohort, part = (_number(row[measure]), _number(row["Cohort_DJFavg"]),
                                   _number(row[share]))
            england = of_year[of_year["geographic_level"] == "National"].iloc[0]
            assert rows.loc[year, "England (%)"] == pytest.approx(float(england[measure]))
            region = of_year[(of_year["geographic_level"] == "Regional")
                             & (of_year["region_code"] == council.region_code)].iloc[0]
            assert rows.loc[year, f"{council.region_name} (%)"] == pytest.approx(
                float(region[measure]))
            if value is None or part is None:
                assert rows.loc[year, mine] == f"[{row[measure] if value is None else row[share]}]"
                continue
            size = cohort * part / 100
            count = size * value / 100
            if 0 < count < THRESHOLD:  # the JSNA's own disclosure control
                assert rows.loc[year, mine] == "[c]"
                continue
            assert rows.loc[year, mine] == pytest.approx(value)
            if size > 0:
                lower, upper = wilson(count, size)
                assert rows.loc[year, "95% CI lower"] == pytest.approx(lower, abs=1e-6)
                assert rows.loc[year, "95% CI upper"] == pytest.approx(upper, abs=1e-6)
        # four years: Fingertips' test needs five, so it cannot be calculated
        assert rows.loc["2025", "Recent trend"] in ("Cannot be calculated", "")


def test_the_latest_ehc_plan_figure_is_compared_with_england_by_interval_overlap(built):
    council, _, chapter = built
    raw = _raw_neet()
    latest = raw[raw["time_period"] == "2025"]
    row = latest[latest["new_la_code"].isin(council.published_codes)].iloc[0]
    size = float(row["Cohort_DJFavg"]) * float(row["cohort_EHCP_percent"]) / 100
    lower, upper = wilson(size * float(row["NEET_NK_EHCP_percent"]) / 100, size)
    england = float(latest.loc[latest["geographic_level"] == "National",
                               "NEET_NK_EHCP_percent"].iloc[0])
    # England's own interval is far narrower than the council's: overlap is decided by
    # whether England's value lies beyond the council's interval (lower is better)
    expected = "Better" if upper < england else "Worse" if lower > england else "Similar"
    frame = chapter.tables["neet_trend"].frame
    mine = frame[(frame["SEN status"] == "EHC plan") & (frame["Year"] == "2025")].iloc[0]
    assert mine["Compared with England"] == expected


def _raw_lait() -> pd.DataFrame:
    return pd.read_csv(real_path(LAIT_FILE), dtype=str, keep_default_na=False)


def _la_numbers(codes) -> list[str]:
    table = la_table()
    numbers = dict(zip(table["gss_code"], table["la_number"], strict=True))
    return [f"{float(numbers[code]):.1f}" for code in codes if code in numbers]


def _shown(value: float) -> str:
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def test_lait_participation_and_destinations_equal_the_raw_file(built):
    council, _, chapter = built
    raw = _raw_lait()
    number = _la_numbers([council.code])[0]
    neighbours = _la_numbers(council.neighbours)
    assert len(neighbours) == len(council.neighbours)
    frame = chapter.tables["lait_trend"].frame
    for code, start, label in (("16-17YroldSEN_ET", "16-17", lambda y: y),
                               ("KS4_SEN_Des_incSpec", "Sustained",
                                lambda y: f"{int(y) - 1}/{y[2:]}")):
        series = raw[raw["Short Desc"] == code]
        shown = frame[frame["Measure"].str.startswith(start)].set_index("Year")
        years = sorted(series["Years"].unique())
        assert shown.index.tolist() == [label(y) for y in years]
        for year in years:
            of_year = series[series["Years"] == year]

            def value(lait_number: str, rows=of_year) -> float:
                return float(rows.loc[rows["LA Number"] == lait_number, "Values"].iloc[0])

            row = shown.loc[label(year)]
            assert row[council.name] == _shown(value(number))
            assert row["England"] == _shown(value(ENGLAND_NUMBER))
            assert row[council.region_name] == _shown(value(YORKSHIRE_NUMBER))
            assert row["Difference from England (points)"] == _shown(
                value(number) - value(ENGLAND_NUMBER))
            theirs = pd.to_numeric(of_year.loc[of_year["LA Number"].isin(neighbours), "Values"],
                                   errors="coerce").dropna()
            assert row["Neighbours' average"] == (
                f"{_shown(theirs.mean())} ({len(theirs)} of {len(neighbours)})")


def test_lait_qualifications_at_19_equal_the_raw_file(built):
    council, _, chapter = built
    raw = _raw_lait()
    number = _la_numbers([council.code])[0]
    frame = chapter.tables["age19"].frame
    for code, start, group in (("Age19_SEN-S_L2EM", "Level 2", "EHC plan"),
                               ("Age19_SENwoS_L2EM", "Level 2", "SEN support"),
                               ("Age19_NoNSEN_L3", "Level 3", "No SEN"),
                               ("Age19_SEN-S_L3", "Level 3", "EHC plan")):
        series = raw[(raw["Short Desc"] == code) & (raw["LA Number"] == number)]
        latest = max(series["Years"])
        then = str(int(latest) - 5)
        row = frame[frame["Measure"].str.startswith(start)
                    & (frame["SEN status at 15"] == group)].iloc[0]
        assert chapter.tables["age19"].caption.endswith(f"{int(latest) - 1}/{latest[2:]}")
        now = float(series.loc[series["Years"] == latest, "Values"].iloc[0])
        before = float(series.loc[series["Years"] == then, "Values"].iloc[0])
        assert row[council.name] == _shown(now)
        change = f"Change since {int(then) - 1}/{then[2:]} (points)"
        assert row[change] == _shown(now - before)


def test_the_chapter_states_the_basis_and_why_lait_has_no_interval(built):
    _, config, chapter = built
    notes = " ".join(chapter.tables["lait_trend"].notes + chapter.tables["age19"].notes)
    assert "no confidence interval" in notes and "Basis:" in notes
    lait = chapter.indicators[chapter.indicators["indicator_id"].str.startswith(
        ("adulthood_sen_in", "adulthood_ks4", "adulthood_age19"))]
    assert set(lait["area_code"]) >= {config.area.code, ENGLAND}
    assert lait["lower_ci_95"].isna().all()
    trend_notes = " ".join(chapter.tables["neet_trend"].notes)
    assert "five most recent consecutive years" in trend_notes


def test_lait_destinations_by_sen_status_equal_the_raw_file(built):
    """Sustained destinations after key stage 4 by SEN status (special schools included)."""
    council, _, chapter = built
    raw = _raw_lait()
    number = _la_numbers([council.code])[0]
    frame = chapter.tables["age19"].frame
    for code, group in (("SusEdOverall_SEN_Stat_incSpec", "EHC plan"),
                        ("SusEdOverall_SEN_NoStat_incSpec", "SEN support"),
                        ("SusEdOverall_NoSEN_incSpec", "No SEN")):
        series = raw[(raw["Short Desc"] == code) & (raw["LA Number"] == number)]
        latest = max(series["Years"])
        then = str(int(latest) - 5)
        row = frame[frame["Measure"].str.startswith("Sustained")
                    & (frame["SEN status at 15"] == group)].iloc[0]
        assert row["Year"] == f"{int(latest) - 1}/{latest[2:]}"
        now = float(series.loc[series["Years"] == latest, "Values"].iloc[0])
        before = float(series.loc[series["Years"] == then, "Values"].iloc[0])
        assert row[council.name] == _shown(now)
        assert row[f"Change since {int(then) - 1}/{then[2:]} (points)"] == _shown(now - before)
