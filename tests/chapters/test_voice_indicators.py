"""The survey's answers as rows of indicators.csv: shares with Wilson intervals, hidden alike."""

from __future__ import annotations

import pandas as pd
import pytest
from small_config import small_config
from test_voice import HAND

from jsna.chapters import voice
from jsna.indicators.catalogue import indicator_catalogue


def _chapter(folder):
    (folder / "survey.csv").write_text(HAND, encoding="utf-8")
    config = small_config(folder, 'voice_survey = "survey.csv"',
                          '[disclosure]\nthreshold = 5\n[chapters]\nrun = ["voice"]\n')
    return voice.build(config)


def test_each_answer_is_a_share_with_a_wilson_interval(tmp_path):
    rows = _chapter(tmp_path).indicators.set_index("breakdown")
    # all respondents: Yes 14 of 20 (70%), No 6 of 20 (30%). Wilson 95% by hand, z = 1.96:
    # centre (p + z^2/2n) / (1 + z^2/n), half-width z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n):
    # 14/20 -> 48.103 to 85.452; 6/20 -> 14.548 to 51.897
    yes = rows.loc["Q: Yes"]
    assert (yes["count"], yes["denominator"], yes["value"]) == (14, 20, 70.0)
    assert (yes["lower_ci_95"], yes["upper_ci_95"]) == pytest.approx((48.103, 85.452), abs=1e-3)
    no = rows.loc["Q: No"]
    assert (no["lower_ci_95"], no["upper_ci_95"]) == pytest.approx((14.548, 51.897), abs=1e-3)
    assert set(rows["indicator_id"]) == {"voice_survey_answer_percent"}
    assert set(rows["indicator_id"]) <= set(indicator_catalogue()["indicator_id"])
    assert set(rows["period"]) == {"2025"} and set(rows["area_code"]) == {"Z06000001"}


def test_an_answer_hidden_in_the_table_is_hidden_in_the_rows(tmp_path):
    rows = _chapter(tmp_path).indicators.set_index("breakdown")
    # the table hides Young people's Yes and total, and Parents' Yes and total (test_voice):
    # every answer of both groups is a share of a hidden total -> no share, no interval
    for breakdown in ("Q: Yes (Parents)", "Q: No (Parents)", "Q: Yes (Young people)",
                      "Q: No (Young people)"):
        row = rows.loc[breakdown]
        assert row["note"] == "[c]"
        assert pd.isna(row["denominator"]) and pd.isna(row["value"])
        assert pd.isna(row["lower_ci_95"]) and pd.isna(row["upper_ci_95"])
    # the counts the table hides are hidden here; those it shows (Parents' No: 6, Young
    # people's No: 0) are the table's numbers
    assert pd.isna(rows.loc["Q: Yes (Parents)", "count"])
    assert pd.isna(rows.loc["Q: Yes (Young people)", "count"])
    assert rows.loc["Q: No (Parents)", "count"] == 6
    assert rows.loc["Q: No (Young people)", "count"] == 0
    # no total-row ("Everyone who answered") is published as an answer
    assert not rows.index.str.contains("Everyone who answered").any()
