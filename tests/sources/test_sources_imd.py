"""Tests for the Indices of Deprivation readers (jsna.sources.imd)."""

from __future__ import annotations

import pytest

from jsna.errors import JsnaInputError
from jsna.sources.imd import (
    rank_to_decile,
    read_imd,
    read_imd_la_summary,
    read_iod_denominators,
)

FILE_1_2025 = (
    "LSOA code (2021),LSOA name (2021),Local Authority District code (2024),"
    "Local Authority District name (2024),Index of Multiple Deprivation (IMD) Rank (where 1 is "
    "most deprived),Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of "
    "LSOAs)\n"
    'Z01000001,Demoton 001A,Z06000001,Demoton,"29,199",9\n'
    "Z01000002,Demoton 001B,Z06000001,Demoton,1,1\n"
    'Z01000003,Demoton 001C,Z06000001,Demoton,"33,755",10\n'
)


def test_ranks_with_thousands_separators(write_csv):
    frame = read_imd(write_csv("imd.csv", FILE_1_2025, bom=True))
    assert frame["edition"].iloc[0] == 2025  # LSOA 2021 header
    assert frame["imd_rank"].tolist() == [29199, 1, 33755]
    # 2025 has 33,755 LSOAs: decile 9 holds ranks 27,004.1 < r <= 30,379.5; 29,199 is in it.
    assert frame["imd_decile"].tolist() == [9, 1, 10]
    assert str(frame["imd_rank"].dtype) == "Int64"


def test_decile_that_disagrees_with_rank_is_reported(write_csv):
    bad = FILE_1_2025.replace('"29,199",9', '"29,199",3')
    with pytest.raises(JsnaInputError, match="row 2: imd decile 3 does not match rank 29199"):
        read_imd(write_csv("imd.csv", bad))
    with pytest.raises(JsnaInputError, match="outside 1..33,755"):
        read_imd(write_csv("imd2.csv", FILE_1_2025.replace('"33,755",10', '"40,000",10')))
    with pytest.raises(JsnaInputError, match="missing column 'LSOA code"):
        read_imd(write_csv("imd3.csv", "code,rank\nZ1,3\n"))


def test_rank_to_decile_boundaries():
    import pandas as pd

    # 2019: 32,844 LSOAs, so decile 1 is ranks 1..3,284 (3,284.4) and decile 2 starts at 3,285.
    deciles = rank_to_decile(pd.Series([1, 3284, 3285, 32844]), 32844)
    assert deciles.tolist() == [1, 1, 2, 10]


@pytest.mark.real_data
def test_real_iod_files_agree(real):
    folder = real / "imd"
    file1 = read_imd(folder / "File_1_-_IMD2019_Index_of_Multiple_Deprivation_selected_las.csv")
    file2 = read_imd(folder / "File_2_-_IoD2019_Domains_of_Deprivation_selected_las.csv")
    lookup = read_imd(folder / "ons_imd19_lookup_lsoa11_selected_las.csv")
    scores = read_imd(folder / "mysociety_UK_IMD_E_selected_las.csv")
    assert len(file1) == 1076 and file1["edition"].iloc[0] == 2019
    # File 1 prints ranks as "28,986"; File 2 and the ONS lookup print 28986 without separators.
    row = file1.set_index("lsoa_code").loc["E01006075"]
    assert row["imd_rank"] == 28986 and row["imd_decile"] == 9
    merged = file1.merge(file2, on="lsoa_code").merge(lookup, on="lsoa_code")
    assert (merged["imd_rank_x"] == merged["imd_rank_y"]).all()
    assert (merged["imd_rank_x"] == merged["imd_rank"]).all()
    assert {"income_rank", "crime_decile", "living_environment_rank"} <= set(file2.columns)
    # Scores order inversely to ranks (1 = most deprived = highest score).
    joined = file1.merge(scores[["lsoa_code", "imd_score"]], on="lsoa_code")
    rho = joined["imd_rank"].astype(float).corr(joined["imd_score"], method="spearman")
    assert rho == pytest.approx(-1, abs=1e-6)  # scores are rounded, so a few ties
    denominators = read_iod_denominators(
        folder / "File_6_-_IoD2019_Population_Denominators_selected_las.csv"
    )
    first = denominators.set_index("lsoa_code").loc["E01006074"]
    assert first["total_population"] == 1629 and first["children_0_15"] == 377


@pytest.mark.real_data
def test_real_la_summaries(real):
    s2019 = read_imd_la_summary(real / "imd/IoD2019_local_authority_district_summaries.csv")
    s2025 = read_imd_la_summary(real / "imd/IoD2025_local_authority_district_summaries.csv")
    assert s2019["lad_code"].nunique() == 317 and set(s2019["edition"]) == {2019}
    assert set(s2025["edition"]) == {2025}
    imd = s2019[s2019["index_domain"].eq("Index of Multiple Deprivation")]
    # IoD 2019: Middlesbrough has the highest proportion of LSOAs in the most deprived decile.
    assert imd.loc[imd["rank_proportion_bottom_decile"].eq(1), "lad_name"].item() == "Middlesbrough"
