"""Cleaning against the real ONS/MHCLG lookups in ../shared/data/real (skipped when absent).

York (E06000014): postcodes are synthetic (no real postcode directory is in the fixtures), but
they point at real LSOA 2011 codes with real 2013 ward codes (an older ward vintage), so wards
must come from the real ONS best-fit LSOA11 -> WD19 lookup, whose codes equal the 2025 ward
boundaries for York. Expected values are copied from the published files (row noted).
"""

from __future__ import annotations

import pytest
from census_fixtures import REAL_DATA, SALT, census_frame

from jsna.clean import (
    clean_census_frames,
    read_imd_deciles,
    read_lsoa_ward_lookup,
    read_postcode_directory,
    read_ward_codes,
)
from jsna.clean.upn import make_upn

pytestmark = pytest.mark.real_data

LOOKUP = REAL_DATA / "lookups" / "lsoa11_to_ward19_lad19_selected_las.csv"
IMD_FILE_1 = REAL_DATA / "imd" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation_selected_las.csv"
IMD_FILE_2 = REAL_DATA / "imd" / "File_2_-_IoD2019_Domains_of_Deprivation_selected_las.csv"
YORK_WARDS = REAL_DATA / "boundaries" / "wards_2025" / "E06000014.geojson"


@pytest.fixture(scope="module")
def real():
    if not all(p.exists() for p in (LOOKUP, IMD_FILE_1, IMD_FILE_2, YORK_WARDS)):
        pytest.skip("shared real data not available")
    return {
        "lsoa_wards": read_lsoa_ward_lookup(LOOKUP),
        "imd": read_imd_deciles(IMD_FILE_1),
        "ward_codes": read_ward_codes(YORK_WARDS),
    }


def test_real_readers(real) -> None:
    # 1,076 LSOAs in each trimmed file (SOURCES.md); York has 21 wards in 2025
    assert len(real["lsoa_wards"].ward_by_lsoa) == 1076
    assert real["lsoa_wards"].lsoa_vintage == "lsoa11"
    assert len(real["imd"].decile_by_lsoa) == 1076
    assert real["imd"].lsoa_vintage == "lsoa11"
    assert len(real["ward_codes"]) == 21
    # File 1 rows 247 and 250: E01013444 rank "6,469" decile 2; E01013447 rank "8,117" decile 3
    assert real["imd"].decile_by_lsoa["E01013444"] == 2
    assert real["imd"].decile_by_lsoa["E01013447"] == 3
    # File 2 has eight decile columns; the IMD one is chosen
    file_2 = read_imd_deciles(IMD_FILE_2)
    assert file_2.decile_by_lsoa["E01013447"] == 3


def test_york_census_gets_2025_wards_and_imd_deciles(real, tmp_path) -> None:
    directory = tmp_path / "postcodes.csv"
    directory.write_text(
        "pcds,lsoa11,osward,oslaua\n"
        "YO9 1AA,E01013447,E05001761,E06000014\n"   # 2013 ward code: not a 2025 ward
        "YO9 1AB,E01013348,E05001755,E06000014\n"   # 2013 ward code
        "YO9 1AD,E01013346,E05001747,E06000014\n"   # 2013 Clifton
        "YO9 1AE,E01013444,E05010311,E06000014\n"   # already a 2025 ward code (Acomb): kept
        "HR9 1AA,E01013986,E05009481,E06000019\n",  # Herefordshire: outside York
        encoding="utf-8",
    )
    rows = [
        (make_upn(f"81620012500{i}"), "01/01/2014", "F", "6", "C", "K", "SEMH", None, "false",
         postcode, "8162001", "121212")
        for i, postcode in enumerate(["YO9 1AA", "yo91ab", "YO9 1AD", "YO9 1AE", "HR9 1AA"])
    ]
    result = clean_census_frames(
        {2025: census_frame(rows)}, salt=SALT, area_code="E06000014",
        postcodes=read_postcode_directory(directory), **real,
    )
    pupils = result.pupils
    # lookup rows: E01013447 -> E05010330 Westfield (row 2); E01013348 -> E05010318 Guildhall
    # (row 38); E01013346 -> E05010313 Clifton (row 71). The fourth keeps its own 2025 ward.
    assert pupils["ward_code"].tolist()[:4] == ["E05010330", "E05010318", "E05010313",
                                                "E05010311"]
    assert set(pupils["ward_code"].dropna()) <= real["ward_codes"]
    # IMD 2019 File 1: deciles 3 (E01013447), 8 (E01013348, row 153), 7 (E01013346, row 151),
    # 2 (E01013444)
    # the Herefordshire pupil: E01013986 decile 5 (File 1 "13,600",5); no York ward
    assert pupils["imd_decile"].tolist() == [3, 8, 7, 2, 5]
    assert pupils["resident"].tolist() == [True, True, True, True, False]
    assert pupils["ward_code"].isna().tolist() == [False, False, False, False, True]
