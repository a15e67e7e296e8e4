"""England, the region and the neighbours are compared on the council's basis: state-funded schools.

The council's census counts pupils in state-funded schools; DfE's "Total" rows add independent
and non-maintained special schools. Every expected figure here is summed independently from the
comparator CSV with plain pandas (or worked by hand), never read back from the code.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jsna.chapters import population
from jsna.config import load_config
from jsna.demo import write_demo
from jsna.errors import JsnaInputError
from jsna.indicators.prevalence import published_need_mix, published_prevalence

STATE_FUNDED = ["State-funded primary", "State-funded secondary", "State-funded special school",
                "State-funded AP school"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("basis") / "demo"
    config = load_config(write_demo(folder, seed=9, n_wards=2, years=2))
    return config, population.build(config)


def _raw(config, name: str) -> pd.DataFrame:
    return pd.read_csv(Path(config.root) / "comparators" / f"{name}.csv", dtype=str,
                       keep_default_na=False)


def _state_funded_by_hand(raw: pd.DataFrame, code_column: str, code: str, period: str
                          ) -> tuple[int, int, int, int]:
    """(EHC plans, all pupils) in state-funded schools, and the same from the "Total" row."""
    rows = raw[(raw[code_column] == code) & (raw["time_period"] == period)]
    state = rows[rows["phase_type_grouping"].isin(STATE_FUNDED)]
    total = rows[rows["phase_type_grouping"] == "Total"].iloc[0]
    return (state["ehc_plan"].astype(int).sum(), state["total_pupils"].astype(int).sum(),
            int(total["ehc_plan"]), int(total["total_pupils"]))


def test_the_demo_comparators_hold_independent_and_non_maintained_rows(demo):
    config, _ = demo
    for name in ("sen_phase_type", "sen_primary_need"):
        groupings = set(_raw(config, name)["phase_type_grouping"])
        assert {"Independent school", "Non-maintained special school", "Total"} <= groupings


@pytest.mark.parametrize("area", ["England", "region", "neighbour"])
def test_comparators_are_state_funded_sums_not_the_all_schools_total(demo, area):
    config, chapter = demo
    raw = _raw(config, "sen_phase_type")
    code = {"England": "E92000001", "region": config.area.region_code,
            "neighbour": config.neighbours[0]}[area]
    column = {"England": "country_code", "region": "region_code",
              "neighbour": "new_la_code"}[area]
    if area != "neighbour":  # the national/regional rows of that code, not its councils'
        raw = raw[raw["geographic_level"] == {"England": "National", "region": "Regional"}[area]]
    rows = chapter.indicators
    for period in sorted(raw["time_period"].unique()):
        plans, pupils, all_plans, all_pupils = _state_funded_by_hand(raw, column, code, period)
        assert (plans, pupils) != (all_plans, all_pupils)  # the two bases differ in the demo
        label = f"{period[:4]}/{period[4:]}"
        row = rows[(rows["indicator_id"] == "pupils_ehc_plan_percent")
                   & (rows["area_code"] == code) & (rows["period"] == label)]
        assert len(row) == 1
        assert row["count"].iloc[0] == plans and row["denominator"].iloc[0] == pupils
        assert row["value"].iloc[0] == pytest.approx(100 * plans / pupils)


def test_need_mix_is_summed_over_state_funded_schools(demo):
    config, _ = demo
    raw = _raw(config, "sen_primary_need")
    england = raw[(raw["geographic_level"] == "National") & (raw["sen_status"] == "EHC plan")
                  & raw["phase_type_grouping"].isin(STATE_FUNDED)]
    period = england["time_period"].max()
    england = england[england["time_period"] == period]
    numbers = pd.to_numeric(england["number_of_pupils"], errors="coerce")
    by_need = numbers.groupby(england["primary_need"]).sum()
    mix = published_need_mix(Path(config.root) / "comparators" / "sen_primary_need.csv")
    mine = mix[(mix["area_code"] == "E92000001") & (mix["period"] == f"{period[:4]}/{period[4:]}")
               & (mix["indicator_id"] == "ehc_plan_primary_need_percent")
               & mix["count"].notna()].set_index("breakdown")
    assert len(mine) >= 10
    for need, count in mine["count"].items():
        assert count == by_need[need]
    assert (mine["denominator"] == by_need.sum()).all()


def test_every_comparison_says_its_basis(demo):
    _, chapter = demo
    for name in ("ehc_plan_trend", "sen_support_trend", "ehc_plan_needs", "sen_support_needs"):
        notes = " ".join(chapter.tables[name].notes)
        assert "state-funded schools" in notes
        assert "independent and non-maintained special schools" in notes
    for name in ("ehc_plan_trend", "sen_support_trend", "ehc_plan_needs", "sen_support_needs"):
        assert "state-funded schools" in chapter.figures[name].source
    coverage = " ".join(chapter.tables["ehc_plan_trend"].notes)
    assert "all state-funded by the schools list" in coverage


HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
          "region_name,new_la_code,la_name,old_la_code,phase_type_grouping,type_of_establishment,"
          "total_pupils,sen_support,ehc_plan\n")


def _line(code: str, grouping: str, establishment: str, pupils: str, support: str,
          plans: str) -> str:
    return (f"202425,Academic year,Local authority,E92000001,England,E12000002,North East,{code},"
            f"Council {code},800,{grouping},{establishment},{pupils},{support},{plans}\n")


def test_hand_worked_state_funded_sums(tmp_path):
    # A: every part published, with a type_of_establishment breakdown that must not be added in.
    # B: its AP plans suppressed, so Total minus independent and non-maintained is used.
    # C: AP and non-maintained both suppressed: not computable, kept as [c].
    lines = [HEADER]
    for code, ap_plans, nmss_plans in (("E06000001", "3", "5"), ("E06000002", "c", "5"),
                                       ("E06000003", "c", "c")):
        lines += [
            _line(code, "Total", "Total", "1000", "130", "60"),
            _line(code, "State-funded primary", "Total", "500", "70", "10"),
            _line(code, "State-funded primary", "Academy converter", "300", "40", "6"),
            _line(code, "State-funded secondary", "Total", "400", "50", "12"),
            _line(code, "State-funded special school", "Total", "40", "1", "20"),
            _line(code, "State-funded AP school", "Total", "10", "4", ap_plans),
            _line(code, "Non-maintained special school", "Total", "10", "0", nmss_plans),
            _line(code, "Independent school", "Total", "40", "5", "10"),
        ]
    path = tmp_path / "sen_phase_type.csv"
    path.write_text("".join(lines), encoding="utf-8")
    rows = published_prevalence(path)
    plans = rows[rows["indicator_id"] == "pupils_ehc_plan_percent"].set_index("area_code")
    # A: 10 + 12 + 20 + 3 = 45 of 500 + 400 + 40 + 10 = 950 (Total: 60 of 1000)
    assert (plans.at["E06000001", "count"], plans.at["E06000001", "denominator"]) == (45, 950)
    # B: 60 - 5 - 10 = 45 of 950
    assert (plans.at["E06000002", "count"], plans.at["E06000002", "denominator"]) == (45, 950)
    assert plans.at["E06000002", "note"] == ""
    assert pd.isna(plans.at["E06000003", "count"]) and plans.at["E06000003", "note"] == "[c]"
    support = rows[rows["indicator_id"] == "pupils_sen_support_percent"].set_index("area_code")
    assert support.at["E06000003", "count"] == 70 + 50 + 1 + 4


def test_the_councils_own_row_is_left_out_whether_configured_by_old_or_current_code(tmp_path):
    # North Yorkshire: E10000023 until 2023, E06000065 since (same boundary); the file says E06000065
    lines = [HEADER]
    for code in ("E06000065", "E06000001"):
        lines += [_line(code, "State-funded primary", "Total", "500", "70", "10"),
                  _line(code, "Total", "Total", "600", "80", "20")]
    path = tmp_path / "sen_phase_type.csv"
    path.write_text("".join(lines), encoding="utf-8")
    for configured in ("E10000023", "E06000065"):
        rows = published_prevalence(path, exclude_area=configured)
        assert set(rows["area_code"]) == {"E06000001"}, configured


def test_a_file_without_state_funded_rows_is_refused(tmp_path):
    path = tmp_path / "sen_phase_type.csv"
    path.write_text(HEADER + _line("E06000001", "Total", "Total", "1000", "130", "60"),
                    encoding="utf-8")

    with pytest.raises(JsnaInputError, match="no state-funded phase_type_grouping rows"):
        published_prevalence(path)


def test_census_coverage_names_schools_outside_the_state_funded_basis(tmp_path):
    schools = tmp_path / "schools.csv"
    schools.write_text(
        "URN,LAEstab,SchoolName,Phase,TypeOfEstablishment\n"
        "100001,9902001,A Primary,Primary,Community school\n"
        "100002,9904001,B Secondary,Secondary,Academy converter\n"
        "100003,9907001,C Special,Special,Non-maintained special school\n"
        "100004,9906001,D School,Secondary,Other independent school\n", encoding="utf-8")
    latest = pd.DataFrame({"school_urn": ["100001", "100001", "100002", "100003", "100004",
                                          "999999", None]})
    text = population.census_coverage(latest, 2025, schools)
    # 5 schools in the census (one not in the list); 2 of the 4 listed are not state-funded
    assert text.startswith("Council: the January 2025 census covers pupils at 5 schools "
                           "(1 primary, 2 secondary, 1 special)")
    assert "2 of them independent or non-maintained special schools" in text
    assert "1 not in the schools list" in text
    state_only = pd.DataFrame({"school_urn": ["100001", "100002"]})
    assert population.census_coverage(state_only, 2025, schools).endswith(
        "all state-funded by the schools list.")
    assert "give inputs.schools" in population.census_coverage(state_only, 2025, None)


def test_special_school_share_does_not_count_establishment_breakdowns_twice(tmp_path):
    from jsna.indicators import settings
    lines = [HEADER,
             _line("E06000001", "Total", "Total", "1000", "130", "60"),
             _line("E06000001", "State-funded primary", "Total", "500", "70", "10"),
             _line("E06000001", "State-funded primary", "Academy converter", "300", "40", "6"),
             _line("E06000001", "State-funded secondary", "Total", "400", "50", "12"),
             _line("E06000001", "State-funded special school", "Total", "40", "1", "20"),
             _line("E06000001", "State-funded special school", "Academy special converter",
                   "25", "1", "12"),
             _line("E06000001", "State-funded AP school", "Total", "10", "4", "3"),
             _line("E06000001", "Independent school", "Total", "40", "5", "10")]
    path = tmp_path / "sen_phase_type.csv"
    path.write_text("".join(lines), encoding="utf-8")
    row = settings.published_indicator_rows(path).iloc[0]
    # special 20 of 10 + 12 + 20 + 3 = 45 state-funded plans (not 32 of 63)
    assert (row["count"], row["denominator"]) == (20, 45)


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_census_coverage_reads_the_schools_list_as_the_settings_chapter_does(tmp_path, encoding):
    """Issue 15: the chapter read the schools list with its own ``read_csv(encoding="utf-8-sig")``,
    so a list Excel saved as Windows-1252 (or with other-case headings) failed or was not used."""
    schools = tmp_path / "schools.csv"
    schools.write_bytes(
        ("urn,School Name,PHASE,TypeOfEstablishment\n"
         "100001,St Anne’s Primary,Primary,Community school\n"
         "100002,École Secondary,Secondary,Other independent school\n").encode(encoding))
    latest = pd.DataFrame({"school_urn": ["100001", "100002", "100002"]})
    text = population.census_coverage(latest, 2025, schools)
    assert text == ("Council: the January 2025 census covers pupils at 2 schools "
                    "(1 primary, 1 secondary); 1 of them independent or non-maintained special "
                    "schools, which DfE's state-funded figures leave out: check the census "
                    "extract.")


def test_census_coverage_notes_a_schools_list_it_cannot_read(tmp_path):
    """A list the settings chapter refuses (no Phase column) is noted, not half-used."""
    schools = tmp_path / "schools.csv"
    schools.write_text("URN,SchoolName\n100001,A Primary\n", encoding="utf-8")
    latest = pd.DataFrame({"school_urn": ["100001"]})
    assert population.census_coverage(latest, 2025, schools) == (
        "Council: the January 2025 school census, which state-funded schools return (the "
        "schools list could not be read to check it against; run jsna sources).")
