"""Outcome indicator rows by SEN status: gaps and their limits against published and hand-worked
references (never the code's own output)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.indicators.outcomes import (
    ATTAINMENT_8,
    ATTAINMENT_8_GAP,
    BASICS_94,
    BASICS_94_GAP,
    PROGRESS_8,
    eyfs_rows,
    ks4_gap_rows,
    ks4_mean_rows,
    ks4_proportion_rows,
)
from jsna.stats.difference import difference_of_proportions


@pytest.mark.parametrize(("counts", "expected"), [
    # Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10 (hybrid score)
    ((56, 70, 48, 80), (0.2, 0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.6, 0.1705, 0.8090)),
])
def test_difference_of_proportions_matches_newcombe(counts: tuple[int, ...],
                                                    expected: tuple[float, ...]) -> None:
    difference, lower, upper = difference_of_proportions(*counts)
    assert [round(float(v[0]), 4) for v in (difference, lower, upper)] == list(expected)


def _ks4() -> pd.DataFrame:
    """Two areas in the reader's layout; the second has its EHC plan count suppressed."""
    rows = []
    for code, ehc_94, ehc_note in (("E06000014", 4.0, ""), ("E06000099", np.nan, "[c]")):
        for group, pupils, a8, b94, p8 in (("No SEN", 1540, 53.8, 1206, 0.28),
                                           ("SEN support", 112, 33.0, 45, -0.16),
                                           ("EHC plan", 47, 14.9, ehc_94, -0.8)):
            rows.append({
                "area_code": code, "area_name": code, "area_type": "Local authority",
                "period": "2018/19", "sen_group": group,
                "t_pupils": pupils, "t_pupils_note": "", "avg_att8": a8, "avg_att8_note": "",
                "t_l2basics_94": b94,
                "t_l2basics_94_note": ehc_note if group == "EHC plan" else "",
                "t_l2basics_95": 1.0, "t_l2basics_95_note": "", "t_inp8calc": pupils - 2,
                "avg_p8score": p8, "avg_p8score_note": "", "p8score_ci_low": p8 - 0.1,
                "p8score_ci_upp": p8 + 0.1})
    return pd.DataFrame(rows)


def test_gap_rows_hand_worked() -> None:
    gaps = ks4_gap_rows(_ks4()).set_index(["indicator_id", "area_code", "breakdown"])
    york = gaps.loc[(BASICS_94_GAP, "E06000014", "No SEN minus EHC plan")]
    # 1206/1540 = 78.3117%, 4/47 = 8.5106%: gap 69.8011 points
    assert york["value"] == pytest.approx(100 * (1206 / 1540 - 4 / 47))
    # Newcombe's limits by hand from Wilson's formula written out here:
    # lower = d - sqrt((p1-l1)^2 + (u2-p2)^2), upper = d + sqrt((u1-p1)^2 + (p2-l2)^2)
    def wilson(x: float, n: float, z: float = 1.959964) -> tuple[float, float, float]:
        p = x / n
        centre, half = p + z * z / (2 * n), z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        return p, (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)
    p1, l1, u1 = wilson(1206, 1540)
    p2, l2, u2 = wilson(4, 47)
    assert york["lower_ci_95"] == pytest.approx(
        100 * (p1 - p2 - np.hypot(p1 - l1, u2 - p2)), abs=1e-3)
    assert york["upper_ci_95"] == pytest.approx(
        100 * (p1 - p2 + np.hypot(u1 - p1, p2 - l2)), abs=1e-3)
    a8 = gaps.loc[(ATTAINMENT_8_GAP, "E06000014", "No SEN minus SEN support")]
    assert a8["value"] == pytest.approx(53.8 - 33.0)
    assert np.isnan(a8["lower_ci_95"]) and a8["note"] == ""


def test_gap_with_a_suppressed_side_is_missing_with_the_symbol() -> None:
    gaps = ks4_gap_rows(_ks4()).set_index(["indicator_id", "area_code", "breakdown"])
    hidden = gaps.loc[(BASICS_94_GAP, "E06000099", "No SEN minus EHC plan")]
    assert np.isnan(hidden["value"]) and hidden["note"] == "[c]"
    shown = gaps.loc[(BASICS_94_GAP, "E06000099", "No SEN minus SEN support")]
    assert shown["note"] == "" and shown["value"] > 0


def test_attainment8_has_no_interval_and_progress8_keeps_dfe_limits() -> None:
    means = ks4_mean_rows(_ks4()).set_index(["indicator_id", "area_code", "breakdown"])
    a8 = means.loc[(ATTAINMENT_8, "E06000014", "EHC plan")]
    assert a8["value"] == 14.9 and a8["denominator"] == 47 and np.isnan(a8["lower_ci_95"])
    p8 = means.loc[(PROGRESS_8, "E06000014", "EHC plan")]
    assert (p8["value"], p8["lower_ci_95"], p8["upper_ci_95"]) == pytest.approx((-0.8, -0.9, -0.7))


def test_proportion_rows_carry_count_denominator_and_symbol() -> None:
    rows = ks4_proportion_rows(_ks4()).set_index(["indicator_id", "area_code", "breakdown"])
    assert rows.loc[(BASICS_94, "E06000014", "SEN support"), ["count", "denominator"]].tolist() \
        == [45, 112]
    assert rows.loc[(BASICS_94, "E06000099", "EHC plan"), "note"] == "[c]"


def test_eyfs_rows_keep_sen_groups_and_all_children() -> None:
    frame = pd.DataFrame({
        "area_code": ["E06000014"] * 4, "area_name": ["York"] * 4,
        "area_type": ["Local authority"] * 4, "period": ["2021/22"] * 4,
        "sen_group": ["No SEN", "EHC plan", "All SEN", "All pupils"],
        "children_number": [1659, 36, 123, 1792], "children_number_note": [""] * 4,
        "gld_number": [1249, 0, 21, 1271], "gld_number_note": [""] * 4})
    rows = eyfs_rows(frame)
    # not all children beside the groups: the total minus the others would give a hidden group
    assert rows["breakdown"].tolist() == ["No SEN", "EHC plan"]
    assert rows["count"].tolist() == [1249, 0]
    without_sen = eyfs_rows(frame[frame["sen_group"] == "All pupils"])
    assert without_sen["breakdown"].tolist() == ["All pupils"]
    assert without_sen["count"].tolist() == [1271]
