"""Pupils by year group and SEN provision, and the table's disclosure control: hand-worked."""

from __future__ import annotations

import pandas as pd

from jsna.disclosure import SUPPRESSED
from jsna.indicator_disclosure import protect_year_group_table
from jsna.indicators.year_groups import ALL_YEAR_GROUPS, year_group_counts


def _pupils() -> pd.DataFrame:
    # January 2025: Reception 8 (2 plans, 1 support), year 1 9 (3 support), year 7 10 (no SEN),
    # one pupil with no year group (blank provision); a 2024 pupil is not counted
    rows = ([("R", "E")] * 2 + [("R", "K")] + [("R", "N")] * 5 + [("1", "K")] * 3
            + [("1", "N")] * 6 + [("7", "N")] * 10 + [(None, None)])
    frame = pd.DataFrame(rows, columns=["nc_year", "sen_provision"]).assign(census_year=2025)
    return pd.concat([frame, pd.DataFrame({"nc_year": ["R"], "sen_provision": ["E"],
                                           "census_year": [2024]})], ignore_index=True)


def test_year_groups_in_school_order_with_the_unknown_and_the_total():
    table = year_group_counts(_pupils(), 2025)
    assert table["Year group"].tolist() == ["Reception", "Year 1", "Year 7",
                                            "Year group not known", ALL_YEAR_GROUPS]
    assert table["Pupils"].tolist() == [8, 9, 10, 1, 28]
    assert table["SEN support"].tolist() == [1, 3, 0, 0, 4]
    assert table["EHC plan"].tolist() == [2, 0, 0, 0, 2]


def test_small_counts_and_optionally_zeros_are_hidden_with_a_complement():
    table = year_group_counts(_pupils(), 2025)
    protected, audit = protect_year_group_table(table, threshold=5)
    rows = protected.set_index("Year group")
    # EHC plan 2 in Reception (below 5): hidden, and with the total of 2 published, another
    # year group's plans (0s are not small counts) are hidden so 2 - 0 - 0 - 0 cannot give it
    assert pd.isna(rows.at["Reception", "EHC plan"])
    assert rows["EHC plan"].drop(ALL_YEAR_GROUPS).isna().sum() >= 2
    assert rows.at["Year 7", "Pupils"] == 10
    assert (rows["note"] == SUPPRESSED).any() and not audit.empty
    strict, _ = protect_year_group_table(table, threshold=5, suppress_zeros=True)
    assert not (strict[["Pupils", "SEN support", "EHC plan"]] == 0).any().any()
