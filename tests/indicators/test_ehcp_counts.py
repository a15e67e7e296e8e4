"""EHC plan indicators from DfE's SEN2 files: a merged council's caseload, the growth index, the
rate per 10,000 and the neighbour ranks, hand-worked (the published rates are checked against
DfE's own percentages in tests/chapters/test_ehcp.py, beside the other real-data tests)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.indicators import ehcp

ENGLAND = "E92000001"


def _caseload_rows(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"period": period, "area_code": code, "area_name": name, "ehcplans": plans,
          "ehcplans_note": "", "time_period": period.replace("/", ""), "year": 0,
          "time_identifier": "Academic year", "geographic_level": "Local authority",
          "area_type": "Local authority", "old_la_code": "", "breakdown_topic": "All",
          "breakdown": "All"} for period, code, name, plans in rows])


def test_a_merged_council_takes_its_predecessors_plans_only_when_they_are_the_same_area():
    """Issue 13 item 4, hand-worked: BCP = Bournemouth + Poole + Christchurch (Jan 2019)."""
    own = [("2019/20", "E06000058", "BCP", 2448.0), ("2020/21", "E06000058", "BCP", 2627.0)]
    whole = _caseload_rows([*own, ("2018/19", "E06000028", "Bournemouth", 1000.0),
                            ("2018/19", "E06000029", "Poole", 900.0),
                            ("2018/19", "E07000048", "Christchurch", 150.0)])
    plans, note = ehcp.council_plans(whole, "E06000058", "BCP")
    assert plans.to_dict() == {"2018/19": 2050.0, "2019/20": 2448.0, "2020/21": 2627.0}
    assert "January 2019 is the sum of their plans" in note
    partial = _caseload_rows([*own, ("2018/19", "E06000028", "Bournemouth", 1000.0),
                              ("2018/19", "E06000029", "Poole", 900.0)])
    plans, note = ehcp.council_plans(partial, "E06000058", "BCP")
    assert plans.to_dict() == {"2019/20": 2448.0, "2020/21": 2627.0}
    assert "do not cover the same area (no row for Christchurch)" in note
    plans, note = ehcp.council_plans(_caseload_rows(own), "E06000058", "BCP")
    assert note == "" and len(plans) == 2


def test_growth_index_on_hand_worked_values():
    # base January 2020 (position 1): 400 plans -> 2019 300/400 = 75, 2021 500/400 = 125
    values = pd.Series([300.0, 400.0, 500.0, np.nan])
    assert ehcp.growth_index(values, 1).tolist()[:3] == [75.0, 100.0, 125.0]
    assert np.isnan(ehcp.growth_index(values, 1).iloc[3])
    # a hidden (missing) or zero base gives no index at all
    assert ehcp.growth_index(pd.Series([np.nan, 400.0]), 0).isna().all()
    assert ehcp.growth_index(pd.Series([0.0, 400.0]), 0).isna().all()


def test_plans_per_10000_residents_aged_0_to_25_at_the_previous_mid_year(tmp_path):
    # mid-2023: ages 0 and 25 -> 30,000 + 20,000 = 50,000 (age 26 is not counted);
    # January 2024 ("2023/24") 1,000 plans -> 1,000 / 50,000 x 10,000 = 200.0 per 10,000;
    # "2024/25" has no mid-2024 estimate: [x]; a hidden count: [c]
    ages = [str(a) for a in range(90)] + ["90+"]
    values = {"0": 30000, "25": 20000, "26": 99999}
    path = tmp_path / "population.csv"
    path.write_text("period,area_code,area_name,sex," + ",".join(ages) + "\n"
                    + "2023-06-30,Z06000001,Demoton,Persons,"
                    + ",".join(str(values.get(a, 0)) for a in ages) + "\n", encoding="utf-8")
    rate = ehcp.plans_per_10000(path, "Z06000001", pd.Series([1000.0, 1100.0, np.nan]),
                                np.array([False, False, True]),
                                pd.Index(["2023/24", "2024/25", "2023/24"]))
    assert rate == [pytest.approx(200.0), "[x]", "[c]"]


def test_timeliness_rank_among_the_council_and_its_neighbours():
    # values 60 (council), 80, 70, missing: ranks 3 of 3, 1 and 2 (high is good); England and
    # the region are not ranked
    rows = pd.DataFrame({
        "indicator_id": "ehcp_issued_20_weeks_ex_percent", "period": "2024", "breakdown": "All",
        "area_code": ["Z1", "N1", "N2", "N3", ENGLAND, "R1"],
        "area_type": ["Local authority"] * 4 + ["England", "Region"],
        "value": [60.0, 80.0, 70.0, np.nan, 50.0, 90.0]})
    ranks = ehcp.timeliness_ranks(rows, "Z1", "R1", ["N1", "N2", "N3"]).set_index("area_code")
    assert ranks.loc["Z1", ["rank", "out_of"]].tolist() == [3, 3]
    assert ranks.loc["N1", "rank"] == 1 and ranks.loc["N2", "rank"] == 2
    assert set(ranks.index) == {"Z1", "N1", "N2"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_published_rates_read_the_headings_as_the_ees_reader_does(tmp_path, encoding):
    """Issue 15: the headings were read with their own ``read_csv(encoding="utf-8-sig")``, which
    failed on a Windows-1252 file, so DfE's percentage column (and its symbol for a percentage
    that cannot be calculated) went unseen. Hand-made: Demotón issued no plans in 2024, DfE shows
    ``x`` for its percentage; England issued 40 of 50 plans within 20 weeks."""
    path = tmp_path / "ehcp_timeliness.csv"
    lines = [
        "time_period,time_identifier,geographic_level,country_code,country_name,new_la_code,"
        "la_name,breakdown_topic,breakdown,plans_issued_20_weeks_ex,plans_issued_den_ex,"
        "PC_plans_issued_20_weeks_ex",
        "2024,Calendar year,National,E92000001,England,,,All,All,40,50,80.0",
        "2024,Calendar year,Local authority,E92000001,England,Z06000001,Demotón,All,All,0,0,x",
    ]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    rows = ehcp.published_rates({"ehcp_timeliness": path}, ("ehcp_issued_20_weeks_ex_percent",))
    rows = rows.set_index("area_code")
    assert rows.loc["Z06000001", "area_name"] == "Demotón"
    assert rows.loc["Z06000001", "note"] == "[x]"  # DfE's symbol, not a message of ours
    assert rows.loc["E92000001", ["count", "denominator", "note"]].tolist() == [40.0, 50.0, ""]
