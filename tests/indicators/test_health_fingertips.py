"""Fingertips children's health indicators compared with England, region and neighbours: our
comparisons reproduce OHID's own published labels on every real export."""

from __future__ import annotations

import pandas as pd
import pytest
from real_councils import REAL_OR_DEFAULT

from jsna.indicators.comparisons import ComparatorAreas
from jsna.indicators.health import fingertips_comparisons
from jsna.sources.fingertips import read_fingertips

REAL = REAL_OR_DEFAULT
HEADER = ("Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,"
          "Sex,Age,Category Type,Category,Time period,Value,Lower CI 95.0 limit,"
          "Upper CI 95.0 limit,Count,Denominator,Value note\n")


def test_hand_made_export(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(HEADER + "\n".join([
        "1,Obesity,,,E92000001,England,England,Persons,10-11 yrs,,,2023/24,22.0,21.9,22.1,,,",
        "1,Obesity,E92000001,England,E12000001,North East,Region,Persons,10-11 yrs,,,2023/24,"
        "25.0,24.5,25.5,,,",
        "1,Obesity,E12000001,North East,E06000001,Hartlepool,Counties & UAs (from Apr 2023),"
        "Persons,10-11 yrs,,,2023/24,26.0,23.0,29.0,300,1154,",
        "1,Obesity,E12000001,North East,E06000001,Hartlepool,Counties & UAs (from Apr 2023),"
        "Persons,10-11 yrs,Deprivation,Most deprived,2023/24,30.0,25.0,35.0,,,",
        "1,Obesity,E12000001,North East,E06000002,Middlesbrough,Counties & UAs,Persons,"
        "10-11 yrs,,,2023/24,28.0,26.0,30.0,,,",
        "1,Obesity,E12000001,North East,E06000003,Redcar,Counties & UAs,Persons,10-11 yrs,,,"
        "2023/24,20.0,18.0,22.0,,,",
        "1,Obesity,E12000001,North East,E06000004,Stockton,Counties & UAs,Persons,10-11 yrs,,,"
        "2023/24,,,,,,Value suppressed",
    ]) + "\n", encoding="utf-8")
    out = fingertips_comparisons(read_fingertips(path), ComparatorAreas(
        "E06000001", "E12000001", "North East", ["E06000002", "E06000003", "E06000004"],
        "Hartlepool"))
    council = out[out["area_code"] == "E06000001"].iloc[0]
    assert len(out[out["area_code"] == "E06000001"]) == 1  # the deprivation row is left out
    # 23.0-29.0 lies above England's 22.0; holds the region's 25.0 and the neighbours' mean
    # (28 + 20) / 2 = 24 (the suppressed neighbour has no value)
    assert council["compared_to_england"] == "Higher"
    assert council["compared_to_region"] == "Similar"
    assert council["compared_to_neighbours"] == "Similar"
    assert out["area_code"].iloc[0] == "E06000001"  # the council first
    assert out.loc[out["area_code"] == "E06000004", "note"].iloc[0] == "[c]"


@pytest.mark.real_data
def test_every_real_export_reproduces_ohid_comparisons_with_england():
    files = sorted((REAL / "fingertips").glob("*.csv"))
    if not files:
        pytest.skip(f"real data folder {REAL} is absent")
    for path in files:
        frame = read_fingertips(path)
        published = frame.assign(
            indicator_id="fingertips_" + frame["indicator_id"].astype(str),
            breakdown=frame["sex"] + ", " + frame["age"],
            published=frame["compared_to_england"].str.lower(),
        )[["indicator_id", "breakdown", "period", "area_code", "published"]].drop_duplicates(
            ["indicator_id", "breakdown", "period", "area_code"])
        councils = frame.loc[frame["area_type"] == "Local authority",
                             ["area_code", "parent_code"]].drop_duplicates().head(8)
        checked = 0
        for code, region in councils.itertuples(index=False):
            out = fingertips_comparisons(frame, ComparatorAreas(code, region, "Region", []))
            assert set(out["area_type"]) <= {"Local authority", "Region", "England"}
            ours = out[out["area_code"] == code].merge(
                published, on=["indicator_id", "breakdown", "period", "area_code"])
            similar = ours["published"].str.contains("similar")
            different = ours["published"].str.contains("higher|lower|better|worse")
            assert ours.loc[similar, "compared_to_england"].eq("Similar").all(), path.name
            assert ours.loc[different, "compared_to_england"].isin(["Higher", "Lower"]).all(), \
                path.name
            checked += int(similar.sum() + different.sum())
        assert checked > 20, path.name
        assert not pd.isna(frame["value"]).all()
