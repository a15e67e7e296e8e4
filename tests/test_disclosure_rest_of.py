"""The catalogue's ``rest of <indicator>`` relation: an indicator counting the rest of another's
denominator (children in need not found in the census, beside those found) is protected with it.
"""

from __future__ import annotations

import pandas as pd
import pytest

from jsna import indicator_disclosure
from jsna.errors import JsnaInputError
from jsna.indicator_disclosure import suppress_indicators

COUNCIL = "Z06000001"
FOUND, REASONS, REST = ("care_local_linked_percent", "care_local_not_found_by_reason_percent",
                        "care_local_not_found_percent")


def row(indicator: str, breakdown: str, count: float, denominator: float) -> dict:
    return {"indicator_id": indicator, "area_code": COUNCIL, "area_name": "Demoton",
            "area_type": "Local authority", "period": "2024/25", "breakdown": breakdown,
            "count": count, "denominator": denominator, "note": ""}


def shown(table: pd.DataFrame, indicator: str, breakdown: str, column: str) -> float | None:
    value = table[(table["indicator_id"] == indicator)
                  & (table["breakdown"] == breakdown)][column].iloc[0]
    return None if pd.isna(value) else float(value)


def test_two_not_found_are_not_the_shown_group_minus_the_shown_found() -> None:
    """42 children in need, 40 found, 1 + 1 not found by reason, 2 not found: the 2 and both
    reasons are hidden, and so is a second cell of 42 = 40 + 2 (the found, the smaller part)."""
    rows = pd.DataFrame([row(FOUND, "Children in need", 40, 42),
                         row(REST, "Children in need", 2, 42),
                         row(REASONS, "No UPN in the extract", 1, 42),
                         row(REASONS, "UPN not in the January census", 1, 42)])
    table, _ = suppress_indicators(rows, threshold=5)
    assert shown(table, REST, "Children in need", "count") is None
    assert shown(table, REASONS, "No UPN in the extract", "count") is None
    assert shown(table, REASONS, "UPN not in the January census", "count") is None
    assert shown(table, FOUND, "Children in need", "count") is None
    assert shown(table, FOUND, "Children in need", "denominator") == 42


def test_without_the_relation_the_found_would_stay(monkeypatch) -> None:
    """The same rows with the catalogue's ``breakdowns`` emptied, and the found not declared a
    part of its denominator: nothing ties the rest to the found, so the found stays shown (what
    the relations prevent)."""
    catalogue = indicator_disclosure.indicator_catalogue()
    catalogue.loc[catalogue["breakdowns"].str.startswith("rest of"), "breakdowns"] = ""
    catalogue["count_within_denominator"] = "no"
    monkeypatch.setattr(indicator_disclosure, "indicator_catalogue", lambda: catalogue)
    rows = pd.DataFrame([row(FOUND, "Children in need", 40, 42),
                         row(REST, "Children in need", 2, 42)])
    table, _ = suppress_indicators(rows, threshold=5)
    assert shown(table, FOUND, "Children in need", "count") == 40


def test_a_rest_of_naming_no_indicator_is_one_clear_line(monkeypatch) -> None:
    catalogue = indicator_disclosure.indicator_catalogue()
    catalogue.loc[catalogue["indicator_id"] == REST, "breakdowns"] = "rest of no_such_indicator"
    monkeypatch.setattr(indicator_disclosure, "indicator_catalogue", lambda: catalogue)
    rows = pd.DataFrame([row(FOUND, "Children in need", 40, 42),
                         row(REST, "Children in need", 2, 42)])
    with pytest.raises(JsnaInputError, match=f"{REST}, column breakdowns: 'rest of "
                                             "no_such_indicator' names no catalogued"):
        suppress_indicators(rows, threshold=5)
