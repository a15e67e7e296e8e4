"""LAIT's key stage 2 progress and multiplication tables check rows, against hand-worked values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.indicators.outcomes_lait import (
    KS2_MATHS_PROGRESS,
    KS2_MATHS_PROGRESS_GAP,
    MTC_FULL_MARKS,
    ks2_gap_rows,
    lait_outcome_rows,
)


def _lait() -> pd.DataFrame:
    """Rows as jsna.sources.lait.read_lait gives them: one council, one year."""
    codes = {"KS2_NonSEN_Maths_Progress": 0.45, "KS2_SENSupport_Maths_Progress": -0.84,
             "KS2_SEN_Maths_Progress": np.nan, "Multiplication_AllSEND": 16.0,
             "Multiplication_SENDSupport": 19.0, "Multiplication_EHCP": 9.0}
    return pd.DataFrame({
        "indicator": list(codes), "area_code": "E06000014", "area_name": "York",
        "area_type": "Local authority", "period": "2022/23", "value": list(codes.values()),
        "note": ["", "", "[-]", "", "", ""]})


def test_progress_and_tables_check_rows_by_sen_group() -> None:
    rows = lait_outcome_rows(_lait())
    maths = rows[rows["indicator_id"] == KS2_MATHS_PROGRESS].set_index("breakdown")
    assert maths.loc["No SEN", "value"] == 0.45 and maths.loc["SEN support", "value"] == -0.84
    # LAIT's '-' is not available, never zero
    assert np.isnan(maths.loc["EHC plan", "value"]) and maths.loc["EHC plan", "note"] == "[x]"
    mtc = rows[rows["indicator_id"] == MTC_FULL_MARKS].set_index("breakdown")["value"]
    assert mtc.to_dict() == {"All SEN": 16.0, "SEN support": 19.0, "EHC plan": 9.0}
    # no interval is invented: LAIT publishes none
    assert rows["lower_ci_95"].isna().all() and rows["upper_ci_95"].isna().all()


def test_progress_gap_is_no_sen_minus_the_group_in_points() -> None:
    gaps = ks2_gap_rows(lait_outcome_rows(_lait()), KS2_MATHS_PROGRESS).set_index("breakdown")
    assert set(gaps["indicator_id"]) == {KS2_MATHS_PROGRESS_GAP}
    # 0.45 - (-0.84) = 1.29 points
    assert gaps.loc["No SEN minus SEN support", "value"] == pytest.approx(1.29)
    assert np.isnan(gaps.loc["No SEN minus EHC plan", "value"])
    assert gaps.loc["No SEN minus EHC plan", "note"] == "[x]"
