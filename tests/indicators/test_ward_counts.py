"""Counting resident pupils by ward and deprivation decile, the indicator rows taken from the
protected tables and the funnel positions: hand-worked cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.disclosure import SUPPRESSED
from jsna.errors import JsnaInputError
from jsna.indicator_disclosure import protect_ward_tables
from jsna.indicators import wards


def test_ward_counts_keep_unknown_and_empty_wards():
    residents = pd.DataFrame({
        "ward_code": ["W1", "W1", None, "W1"],
        "sen_provision": ["E", "K", "N", "N"],
    })
    names = pd.DataFrame({"code": ["W2", "W1"], "name": ["Beta", "Alpha"]})
    table = wards.ward_counts(residents, names, "Z06000001", "Demoton")
    assert table["area_name"].tolist() == ["Alpha", "Beta", wards.UNKNOWN_WARD, "Demoton"]
    assert table["Resident pupils"].tolist() == [3, 0, 1, 4]
    assert table["EHC plan"].tolist() == [1, 0, 0, 1]
    assert table["SEN"].tolist() == [2, 0, 0, 2]
    assert table["area_code"].iloc[2] == "Z99999999"


def test_a_blank_provision_is_a_pupil_without_sen_and_an_unlisted_ward_is_kept():
    # W9 is not among the council's wards: kept, named by its code. The blank provision is a
    # resident pupil in neither SEN column, so among "No SEN" (pupils - SEN), as in DfE's totals
    residents = pd.DataFrame({"ward_code": ["W1", "W9", "W9"], "sen_provision": ["K", None, "E"]})
    names = pd.DataFrame({"code": ["W1"], "name": ["Alpha"]})
    table = wards.ward_counts(residents, names, "Z06000001", "Demoton").set_index("area_name")
    assert table.loc["W9", ["Resident pupils", "SEN support", "EHC plan", "SEN", "No SEN"]
                     ].tolist() == [2, 0, 1, 1, 1]
    assert table.loc["Demoton", "Resident pupils"] == 3


def test_decile_counts_on_hand_worked_pupils():
    # decile 1: E, K, N -> 3 pupils, 1 support, 1 plan; decile 10: K; not known: E
    residents = pd.DataFrame({"imd_decile": [1, 1, 1, 10, None],
                              "sen_provision": ["E", "K", "N", "K", "E"]})
    table = wards.decile_counts(residents)
    assert table["IMD decile"].tolist() == [
        "1 (most deprived)", "2", "3", "4", "5", "6", "7", "8", "9", "10 (least deprived)",
        wards.UNKNOWN_DECILE, wards.ALL_RESIDENT]
    assert table["Resident pupils"].tolist() == [3, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 5]
    assert table["SEN support"].tolist() == [1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2]
    assert table["EHC plan"].tolist() == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2]
    assert table["No SEN"].tolist() == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    with pytest.raises(JsnaInputError, match=r"imd_decile 11 in row 1 is not a decile from 1 to 10"):
        wards.decile_counts(pd.DataFrame({"imd_decile": [2, 11], "sen_provision": ["E", "K"]}))


def test_unknown_rows_match_only_when_the_same_pupils_lack_both():
    same = pd.DataFrame({"ward_code": ["W1", None], "imd_decile": [3, None]})
    assert wards.unknown_rows_match(same)
    other = pd.DataFrame({"ward_code": ["W1", None], "imd_decile": [None, 4]})
    assert not wards.unknown_rows_match(other)


def _tables(plans_in_alpha: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    # Alpha: 40 pupils, 10 on SEN support, `plans_in_alpha` with a plan; Beta: 50, 12, 9;
    # no ward not known; every pupil in decile 5 (so the deciles repeat the council total)
    residents = pd.DataFrame({
        "ward_code": ["W1"] * 40 + ["W2"] * 50,
        "imd_decile": 5,
        "sen_provision": (["K"] * 10 + ["E"] * plans_in_alpha + ["N"] * (30 - plans_in_alpha)
                          + ["K"] * 12 + ["E"] * 9 + ["N"] * 29),
    })
    names = pd.DataFrame({"code": ["W1", "W2"], "name": ["Alpha", "Beta"]})
    return (wards.ward_counts(residents, names, "Z06000001", "Demoton"),
            wards.decile_counts(residents))


def test_a_small_ward_count_is_hidden_with_what_would_give_it_away():
    ward_table, decile_table = _tables(plans_in_alpha=2)
    protected, deciles, audit = protect_ward_tables(
        ward_table, decile_table, threshold=5, suppress_zeros=False, unknown_rows_match=True)
    rows = protected.set_index("area_name")
    assert pd.isna(rows.at["Alpha", "EHC plan"]) and rows.at["Alpha", "note"] == SUPPRESSED
    # Demoton's 11 plans = Alpha + Beta + not known (0): one more part of that column is hidden
    parts = rows.loc[["Alpha", "Beta", wards.UNKNOWN_WARD], "EHC plan"]
    assert parts.isna().sum() >= 2
    # SEN = support + plan in Alpha's row: support (10) and SEN (12) are not both published
    assert rows.loc["Alpha", ["SEN support", "SEN"]].isna().any()
    # the council total is published, and the deprivation table repeats it
    assert rows.at["Demoton", "EHC plan"] == 11
    assert deciles.set_index("IMD decile").at[wards.ALL_RESIDENT, "EHC plan"] == 11
    assert set(audit["table"]) <= {"wards_by_ward", "wards_by_deprivation"}
    assert audit["row_key"].str.contains("W1").any()


def test_indicator_rows_carry_the_hidden_cells_of_the_protected_tables():
    ward_table, decile_table = _tables(plans_in_alpha=2)
    protected, deciles, _ = protect_ward_tables(
        ward_table, decile_table, threshold=5, suppress_zeros=False, unknown_rows_match=True)
    rows = wards.indicator_rows(protected, deciles, "Z06000001", "Demoton", "2024/25")
    assert set(rows["indicator_id"]) == set(wards.INDICATOR_COUNTS)
    # 4 places with "All pupils" (2 wards, not known, council) + 11 decile rows, 3 indicators
    assert len(rows) == 3 * (4 + 11)
    plan = rows[rows["indicator_id"] == "resident_pupils_ehc_plan_percent"].set_index(
        ["area_name", "breakdown"])
    assert plan.loc[("Alpha", "All pupils"), "note"] == SUPPRESSED
    assert pd.isna(plan.loc[("Alpha", "All pupils"), "count"])
    assert plan.loc[("Alpha", "All pupils"), "denominator"] == 40
    assert plan.loc[("Demoton", "All pupils"), ["count", "denominator"]].tolist() == [11, 90]
    assert plan.loc[("Demoton", "IMD decile 5"), ["count", "denominator"]].tolist() == [11, 90]
    assert plan.loc[("Demoton", "IMD decile 1 (most deprived)"), "denominator"] == 0
    assert ("Demoton", "IMD decile not known") in plan.index


def test_funnel_labels_on_hand_worked_wards():
    # Council average 200 / 1000 = 20%. At n = 100: standard error sqrt(0.2 x 0.8 / 100) = 0.04;
    # 95% limits 20 -/+ 1.959964 x 4 = 12.16% to 27.84%; 99.8% limits 20 -/+ 3.090232 x 4 =
    # 7.64% to 32.36%.
    #   A 33/100 = 33% > 32.36            -> above 99.8%
    #   B 30/100 = 30% in (27.84, 32.36]  -> above 95%
    #   C 10/100 = 10% in [7.64, 12.16)   -> below 95%
    #   D  7/100 =  7% < 7.64             -> below 99.8%
    #   E 80/400 = 20%                    -> within
    wards_rows = pd.DataFrame({
        "area_code": ["W1", "W2", "W3", "W4", "W5", "W6", "W7", "Z99999999", "Z06000001"],
        "area_type": ["Ward"] * 8 + ["Local authority"],
        "count": [33, 30, 10, 7, 80, np.nan, 0, 40, 200],
        "denominator": [100, 100, 100, 100, 400, 3, 0, 100, 1000],
        "note": ["", "", "", "", "", SUPPRESSED, "", "", ""],
    })
    frame = wards_rows.assign(indicator_id="resident_pupils_sen_percent", breakdown="All pupils")
    labels = wards.add_funnel_positions(frame, "Z06000001")["funnel"].tolist()
    assert labels == ["Above 99.8% limit", "Above 95% limit", "Below 95% limit",
                      "Below 99.8% limit", "Within limits", SUPPRESSED, "Not compared",
                      "Not compared", "Benchmark"]


def test_no_ward_is_compared_with_a_hidden_council_average():
    frame = pd.DataFrame({
        "indicator_id": "resident_pupils_sen_percent", "breakdown": "All pupils",
        "area_code": ["W1", "Z06000001"], "area_type": ["Ward", "Local authority"],
        "count": [33, np.nan], "denominator": [100, 1000], "note": ["", SUPPRESSED]})
    assert wards.add_funnel_positions(frame, "Z06000001")["funnel"].tolist() == [
        "Not compared", SUPPRESSED]


def test_fifth_ratio_is_pooled_over_two_deciles():
    # most deprived fifth: (30 + 20) / (100 + 100) = 25%; least: (10 + 0) / (100 + 100) = 5%;
    # ratio 25 / 5 = 5.0
    counts = {1: 30, 2: 20, 9: 10, 10: 0}
    frame = pd.DataFrame({
        "indicator_id": "resident_pupils_ehc_plan_percent", "area_code": "Z06000001",
        "area_type": "Local authority",
        "breakdown": [wards.decile_label(d) for d in counts],
        "count": list(counts.values()), "denominator": 100.0,
    })
    assert wards.fifth_ratio(frame, "resident_pupils_ehc_plan_percent", "Z06000001") == (
        pytest.approx(25.0), pytest.approx(5.0), pytest.approx(5.0))
    frame.loc[0, "count"] = np.nan  # a suppressed decile: no ratio
    assert wards.fifth_ratio(frame, "resident_pupils_ehc_plan_percent", "Z06000001") is None
