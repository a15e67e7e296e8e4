"""LAIT trend charts of the outcomes chapter: captions keep DfE's capitals, axes a short label."""

from __future__ import annotations

import pandas as pd

from jsna.chapters.outcomes_lait import trend_figure
from jsna.indicators.comparisons import ComparatorAreas


def test_trend_caption_says_with_an_ehc_plan_and_the_axis_label_is_short() -> None:
    areas = ComparatorAreas("E06000014", "E12000003", "Yorkshire and The Humber", [])
    rows = pd.DataFrame({
        "indicator_id": "mtc_full_marks_percent", "breakdown": "EHC plan",
        "area_code": ["E06000014", "E06000014", "E92000001", "E92000001"],
        "area_name": ["York", "York", "England", "England"],
        "period": ["2023/24", "2024/25"] * 2, "value": [5.0, 12.0, 8.0, 9.0]})
    figure = trend_figure(rows, "mtc", areas, "York")
    assert figure is not None
    assert "with an EHC plan" in figure.caption and "ehc plan" not in figure.caption
    assert figure.figure.axes[0].get_ylabel() == "Full marks (%)"
