"""Tables publishing a total and its parts of local record-level counts, on the rendered demo:
no total minus its shown parts gives a hidden count away.

Each group (a total row and the rows that add up to it, in one count column) is written here
from what the table means, not read from the chapter's disclosure rules, and checked on the
published CSV as a reader gets it: never exactly one hidden cell (``[c]``), and, when the total
is shown, the total minus the shown parts is never a small count (1 to threshold - 1): that
would bound the hidden parts within less than the threshold, or, with no part hidden, be a
part the table leaves out (as children in need not found in the census once were).
"""

from __future__ import annotations

import pandas as pd
import pytest

THRESHOLD = 5

#: table -> (label column, total label, columns that add up, columns defining one group)
GROUPS = {
    "population_pupils_by_year_group": ("Year group", "All year groups",
                                        ["Pupils", "SEN support", "EHC plan"], []),
    "settings_pupils_by_setting": ("Type of setting", "All settings",
                                   ["Pupils", "EHC plan", "SEN support"], ["Census"]),
    "health_waits_by_service": ("Service", "All services",
                                ["Referrals waiting", "Waiting over 18 weeks",
                                 "Waiting over 52 weeks"], []),
    "health_waits_by_age": ("Age at referral", "All ages",
                            ["Referrals waiting", "Waiting over 18 weeks"], []),
    "ehcp_local_backlog": ("Weeks waited", "All waiting", ["Children waiting"], []),
    "ehcp_local_plans": ("Group", "All plans", ["Plans"], ["Breakdown"]),
    "ehcp_local_ceased": ("Reason", "All reasons", None, []),  # every calendar year column
    "social_care_linkage": ("Children in need", "All children in need", ["Children"], []),
}


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None  # [c] (or another symbol): hidden


def problems(frame: pd.DataFrame, label: str, total: str, columns: list[str],
             within: list[str]) -> list[str]:
    """Every group of ``frame`` with exactly one hidden cell, or a shown total minus its
    shown parts that is a small count."""
    found = []
    groups = frame.groupby(within, sort=False) if within else [((), frame)]
    for key, rows in groups:
        totals = rows[rows[label] == total]
        parts = rows[rows[label] != total]
        assert len(totals) == 1, (key, total)
        for column in columns:
            cells = [_number(v) for v in [totals[column].iloc[0], *parts[column]]]
            hidden = [i for i, v in enumerate(cells) if v is None]
            if len(hidden) == 1:
                found.append(f"{key} {column}: one hidden cell ({rows[label].iloc[0]!r}...)")
            if cells[0] is not None:
                rest = cells[0] - sum(v for v in cells[1:] if v is not None)
                if 0 < rest < THRESHOLD:
                    found.append(f"{key} {column}: total minus shown parts = {rest:g}")
    return found


@pytest.mark.parametrize("table", list(GROUPS))
def test_no_total_minus_shown_parts_gives_a_hidden_count(rendered_demo, table) -> None:
    path = rendered_demo.site / "data" / f"{table}.csv"
    assert path.exists(), f"the demo site has no {path.name}"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    label, total, columns, within = GROUPS[table]
    if columns is None:
        columns = [c for c in frame.columns if c not in (label, "note", *within)]
    assert set(columns) <= set(frame.columns), (table, list(frame.columns))
    assert not problems(frame, label, total, columns, within), problems(
        frame, label, total, columns, within)


def test_the_check_finds_a_planted_single_hidden_cell() -> None:
    """The check is not blind: one hidden part beside a shown total, two hidden parts whose
    sum the total gives as 3, a part left out of the table (total 34, parts 30)."""
    frame = pd.DataFrame({"Group": ["a", "b", "c", "All"], "n": ["10", "[c]", "20", "32"],
                          "m": ["[c]", "[c]", "20", "23"], "k": ["10", "0", "20", "34"],
                          "j": ["10", "[c]", "[c]", "40"]})
    assert problems(frame, "Group", "All", ["n", "m", "k", "j"], []) == [
        "() n: one hidden cell ('a'...)", "() n: total minus shown parts = 2",
        "() m: total minus shown parts = 3", "() k: total minus shown parts = 4"]
