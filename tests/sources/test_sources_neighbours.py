"""Tests for the statistical neighbours reader (jsna.sources.neighbours)."""

from __future__ import annotations

import pytest
from york import YORK_NEIGHBOURS_2025

from jsna.errors import JsnaInputError
from jsna.sources.neighbours import neighbours_of, read_statistical_neighbours


def test_simple_long_layout(write_csv):
    rows = "\n".join(
        f"Z06000001,Demoton,{rank},Z06{rank + 1:06d},Town {rank},{'Close' if rank < 4 else 'not close'}"
        for rank in (3, 1, 2)
    )
    path = write_csv(
        "sn.csv", "la_code,la_name,sn_rank,neighbour_code,neighbour_name,closeness\n" + rows + "\n"
    )
    frame = read_statistical_neighbours(path)
    assert neighbours_of(frame, "Z06000001") == ["Z06000002", "Z06000003", "Z06000004"]
    assert frame["closeness"].tolist() == ["Close", "Close", "Close"]
    with pytest.raises(JsnaInputError, match=r"council Z06000099 \(Nowhere\) is not in"):
        neighbours_of(frame, "Z06000099", area_name="Nowhere")


def test_unknown_layout(write_csv):
    with pytest.raises(JsnaInputError, match="no 'SN1' header row.*columns found: a, b"):
        read_statistical_neighbours(write_csv("x.csv", "a,b\n1,2\n"))


@pytest.mark.real_data
def test_york_2025_neighbours_in_published_order(real):
    folder = real / "statistical_neighbours"
    from_csv = read_statistical_neighbours(folder / "sn_may_2025.csv")
    assert neighbours_of(from_csv, "E06000014") == YORK_NEIGHBOURS_2025
    york = from_csv[from_csv["la_code"].eq("E06000014")]
    assert york["closeness"].tolist() == ["Very close"] * 3 + ["Close"] * 7
    assert york["neighbour_number"].tolist()[:3] == [916, 800, 802]
    from_xlsx = read_statistical_neighbours(folder / "sn_may_2025.xlsx")
    assert from_xlsx.equals(from_csv)
    wide = read_statistical_neighbours(folder / "stat_neighbours_wide_by_la_name.csv")
    assert neighbours_of(wide, "E06000014") == YORK_NEIGHBOURS_2025
    assert wide["neighbour_code"].ne("").all()
    # The wide file by name agrees with the DfE workbook for every council in both.
    merged = from_csv.merge(wide, on=["la_code", "sn_rank"])
    assert len(merged) == 1530 and (merged["neighbour_code_x"] == merged["neighbour_code_y"]).all()


@pytest.mark.real_data
def test_2021_model(real):
    frame = read_statistical_neighbours(real / "statistical_neighbours/sn_april_2021.xlsx")
    assert frame.groupby("la_code").size().eq(10).all()
    # Councils created after the 2021 model have no neighbours listed ("-").
    assert frame.attrs["not_published"] == ["Cumberland", "Westmorland and Furness"]
    assert neighbours_of(frame, "816")[:2] == ["E10000031", "E06000050"]
