"""The overview's scorecard: England, region and neighbours' average, rank, RAG and targets
(issue 18 item 1), from hand-built indicator tables with hand-worked expected values."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from jsna.indicators.catalogue import rag_status, scorecard, target_met

COUNCIL, REGION = "Z06000001", "Z12000001"
NEIGHBOURS = ["Z06000002", "Z06000003", "Z06000004", "Z06000005"]
TIMELY = "ehcp_issued_20_weeks_ex_percent"  # High is good, on the scorecard


def _row(area_code, area_type, period, value, indicator=TIMELY, **labels):
    return {"indicator_id": indicator, "area_code": area_code, "area_name": area_code,
            "area_type": area_type, "period": period, "breakdown": "All", "value": value,
            "note": labels.pop("note", ""), "compared_to_england": "", "compared_to_region": "",
            "compared_to_neighbours": "", "recent_trend": "", "quartile_band": "", **labels}


def _table(council_value=22.6, neighbour_values=(51.0, 40.0, 10.0, math.nan)):
    rows = [
        _row(COUNCIL, "Local authority", "2023", 30.0),
        _row(COUNCIL, "Local authority", "2024", council_value, compared_to_england="Worse",
             compared_to_region="Worse", compared_to_neighbours="Worse",
             recent_trend="Decreasing", quartile_band="D"),
        _row("Z92000001", "England", "2024", 46.4),
        _row("Z92000001", "England", "2023", 50.3),
        _row(REGION, "Region", "2024", 38.2),
        _row("Z12000009", "Region", "2024", 99.0),  # another region: not ours
        _row("Z06000099", "Local authority", "2024", 1.0),  # not a neighbour
    ]
    rows += [_row(code, "Local authority", "2024", value)
             for code, value in zip(NEIGHBOURS, neighbour_values, strict=True)]
    rows.append(_row(NEIGHBOURS[0], "Local authority", "2023", 0.0))  # other period
    return pd.DataFrame(rows)


def test_the_council_is_set_beside_england_its_region_and_its_neighbours_average():
    card = scorecard(_table(), COUNCIL, region_code=REGION, neighbours=NEIGHBOURS,
                     targets={TIMELY: 60})
    row = card.set_index("indicator_id").loc[TIMELY]
    assert row["period"] == "2024" and row["value"] == 22.6
    assert row["england"] == 46.4 and row["region"] == 38.2
    # (51 + 40 + 10) / 3: the neighbour without a value is left out, and no row of 2023
    assert row["neighbours"] == pytest.approx(101 / 3)
    assert row["neighbours_with_value"] == 3
    # high is good: 51 and 40 are better than 22.6, 10 is worse -> 3rd of 4
    assert (row["rank"], row["out_of"]) == (3, 4)
    assert row["compared_to_region"] == "Worse" and row["quartile_band"] == "D"
    assert row["target"] == 60 and row["target_met"] == "not met"
    assert row["rag"] == "Red" and bool(row["worsening"]) is True


def test_ties_share_the_better_rank_and_a_suppressed_value_has_none():
    card = scorecard(_table(council_value=40.0), COUNCIL, neighbours=NEIGHBOURS)
    row = card.iloc[0]
    assert (row["rank"], row["out_of"]) == (2, 4)  # only 51 is higher; 40 ties
    assert math.isnan(row["region"])  # no region code given
    hidden = _table(council_value=math.nan)
    hidden.loc[1, "note"] = "[c]"
    row = scorecard(hidden, COUNCIL, neighbours=NEIGHBOURS, targets={TIMELY: 60}).iloc[0]
    assert math.isnan(row["rank"]) and row["note"] == "[c]" and row["target_met"] == ""


def test_without_neighbours_there_is_no_average_or_rank():
    row = scorecard(_table(), COUNCIL).iloc[0]
    assert math.isnan(row["neighbours"]) and row["neighbours_with_value"] == 0
    assert math.isnan(row["rank"]) and math.isnan(row["target"])


@pytest.mark.parametrize(("england", "neighbours", "polarity", "status"), [
    ("Worse", "Better", "High is good", "Red"),
    ("Better", "Worse", "Low is good", "Red"),
    ("Similar", "Worse", "High is good", "Red"),
    ("Better", "Better", "High is good", "Green"),
    ("Better", "Similar", "Low is good", "Green"),
    ("Better", "Not compared", "High is good", "Green"),
    ("Similar", "Better", "High is good", "Amber"),
    ("Similar", "", "Low is good", "Amber"),
    ("Not compared", "Not compared", "High is good", "Not rated"),
    ("Higher", "Higher", "Not applicable", "Not rated"),
    ("Lower", "Lower", "Not applicable", "Not rated"),
])
def test_rag_status_follows_the_comparisons_and_the_polarity(england, neighbours, polarity,
                                                             status):
    assert rag_status(england, neighbours, polarity) == status


@pytest.mark.parametrize(("value", "target", "polarity", "met"), [
    (60.0, 60.0, "High is good", "met"), (59.9, 60.0, "High is good", "not met"),
    (4.0, 4.0, "Low is good", "met"), (4.1, 4.0, "Low is good", "not met"),
    (50.0, math.nan, "High is good", "")])
def test_a_target_is_met_at_or_beyond_it_in_the_good_direction(value, target, polarity, met):
    assert target_met(value, target, polarity) == met
