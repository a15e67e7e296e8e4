"""Reconciliation totals and findings examples, worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jsna.clean.reconcile import check_balanced, reconciliation_rows
from jsna.clean.validation import EXAMPLES, FindingsCollector
from jsna.errors import JsnaError


def test_a_year_that_does_not_add_up_is_named_with_its_totals() -> None:
    balanced = reconciliation_rows(2024, 10, {"guest": 2}, 8)
    lost = balanced.assign(census_year=2025)
    lost.loc[lost["step"] == lost["step"].iloc[-1], "rows"] = 7  # one pupil lost
    check_balanced(balanced)
    with pytest.raises(JsnaError, match="census 2025: 10 rows read but 7 kept [+] 2 set aside"):
        check_balanced(pd.concat([balanced, lost], ignore_index=True))


def test_reconciliation_rows_refuses_totals_that_do_not_add_up() -> None:
    with pytest.raises(JsnaError, match="census 2024: 10 rows read but 7 kept"):
        reconciliation_rows(2024, 10, {"guest": 2}, 7)


def test_examples_are_the_lowest_row_numbers_in_order() -> None:
    collector = FindingsCollector()
    rows = np.array([90, 14, 3, 77, 8, 41, 5, 63, 2, 29, 11, 56, 20, 7, 35][: EXAMPLES + 5])
    collector.add(2025, "dob_missing", "DOB", rows)
    record = collector.records[0]
    assert record["rows"] == rows.size
    assert record["example_rows"] == ", ".join(map(str, sorted(rows.tolist())[:EXAMPLES]))
