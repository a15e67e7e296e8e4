"""Changes since the last JSNA, worked out by hand on small tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.review.changes import compare_indicators, summarise_changes


def _table(rows):
    return pd.DataFrame(rows, columns=["indicator_id", "area_code", "area_name", "area_type",
                                       "period", "breakdown", "value", "note"])


def test_each_kind_of_change():
    previous = _table([
        ("ehc", "Z1", "Demoton", "Local authority", "2023/24", "All", 4.8, ""),   # unchanged
        ("ehc", "Z1", "Demoton", "Local authority", "2022/23", "All", 4.3, ""),   # revised
        ("ehc", "W1", "Ashgrove", "Ward", "2023/24", "All", 2.0, ""),             # newly hidden
        ("ehc", "W2", "Brook", "Ward", "2023/24", "All", np.nan, "[c]"),          # now shown
        ("ehc", "W3", "Old ward", "Ward", "2023/24", "All", 3.0, ""),             # gone
    ])
    current = _table([
        ("ehc", "Z1", "Demoton", "Local authority", "2024/25", "All", 5.3, ""),   # new
        ("ehc", "Z1", "Demoton", "Local authority", "2023/24", "All", 4.8 + 1e-9, ""),
        ("ehc", "Z1", "Demoton", "Local authority", "2022/23", "All", 4.4, ""),
        ("ehc", "W1", "Ashgrove", "Ward", "2023/24", "All", np.nan, "[c]"),
        ("ehc", "W2", "Brook", "Ward", "2023/24", "All", 1.5, ""),
    ])
    changes = compare_indicators(current, previous)
    kind = {(r.area_code, r.period): r.kind for r in changes.itertuples()}
    assert kind == {
        ("Z1", "2022/23"): "revised",
        ("W1", "2023/24"): "newly suppressed",
        ("W2", "2023/24"): "no longer suppressed",
        ("Z1", "2024/25"): "new",
        ("W3", "2023/24"): "no longer published",
        ("Z1", "2023/24"): "unchanged",
    }
    revised = changes[changes["kind"] == "revised"].iloc[0]
    # 4.4 - 4.3 = 0.1
    assert revised["change"] == pytest.approx(0.1)
    assert list(changes["kind"])[0] == "revised", "revisions are listed first"
    summary = summarise_changes(changes).set_index("Kind of change")["Rows"]
    assert summary.to_dict() == {"revised": 1, "newly suppressed": 1, "no longer suppressed": 1,
                                 "new": 1, "no longer published": 1, "unchanged": 1}
