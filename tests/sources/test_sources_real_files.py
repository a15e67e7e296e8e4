"""Every file in ../shared/data/real reads through a jsna.sources reader without error.

Files whose reader is still to be written are listed by name in :data:`AWAITING_READER` with the
issue that adds it, so a new file nobody has looked at fails this test rather than being skipped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jsna.sources.boundaries import read_boundaries
from jsna.sources.ees import read_ees
from jsna.sources.fingertips import read_fingertips
from jsna.sources.imd import read_imd, read_imd_la_summary, read_iod_denominators
from jsna.sources.la_codes import read_dfe_la_list, read_ons_la_codes
from jsna.sources.lait import read_lait, read_lait_dictionary
from jsna.sources.lsoa_wards import read_lsoa_ward_lookup
from jsna.sources.neighbours import read_statistical_neighbours
from jsna.sources.ons import read_ltla_utla_lookup, read_population
from jsna.sources.postcodes import read_postcode_lookup

#: Real files in formats no reader handles yet, and the issue that adds one.
AWAITING_READER: dict[str, str] = {
    "attainment/201819_LA_characteristics_data_including_sen_description.xlsx":
        "issue 17 (outcomes: key stage 4 by SEN)",
    "finance/dedicated-schools-grant_2024_07_20.ods": "issue 17 (high needs block)",
    "tribunals/send_appeal_rate_table_2022.ods": "issue 17 (tribunals)",
    "send_dfe/ehcp_2025/supporting-files/SEND Tribunals and appeal rate 2014-2024.csv":
        "issue 17 (tribunals: spreadsheet-style CSV)",
    "send_dfe/ehcp_2025/supporting-files/sen2_dmo_dco.csv":
        "issue 18 (designated officers: text values, no measures)",
    "ofsted/Area_SEND_inspection_data_01_May_2016_to_31_August_2022.ods":
        "issue 18 (area SEND inspections)",
    "nhs/community_health_2023-12-01.xlsx": "issue 16 (community health waiting lists)",
    "nhs/AutismStatsDec22_subICB_selected.csv": "issue 16 (autism referrals and waits)",
    "nhs/MHSDS Time_Series_data_Apr_2016_NovPrf_2022_cyp_selected.csv":
        "issue 16 (CYP mental health)",
}

#: Folders of DfE explore-education-statistics CSVs (tidy data, read by ``read_ees``).
EES_FOLDERS = ("alternative_provision", "cin_cla", "eyfs", "neet")


def reader_for(relative: str):
    """The reader for a file of the real data folder, chosen by where it sits."""
    name = Path(relative).name
    folder = relative.split("/")[0]
    if name in {"SOURCES.md", "data-guidance.txt"} or relative in AWAITING_READER:
        return None
    rules = [
        (folder == "boundaries", read_boundaries),
        (folder == "fingertips", read_fingertips),
        (folder == "population", read_population),
        (relative.startswith("send_dfe/ehcp"), read_ees),
        (folder in EES_FOLDERS, read_ees),
        (name.startswith("lait_bds_long"), read_lait),
        (name.startswith("lait_data_dictionary"), read_lait_dictionary),
        (name.startswith("la_code_list"), read_dfe_la_list),
        (folder == "statistical_neighbours", read_statistical_neighbours),
        (name.endswith("local_authority_district_summaries.csv"), read_imd_la_summary),
        (name.startswith("File_6"), read_iod_denominators),
        (folder == "imd", read_imd),
        (name == "la_all_codes.csv", read_ons_la_codes),
        (name.startswith("Lower_Tier"), read_ltla_utla_lookup),
        ("postcode" in name, lambda path: read_postcode_lookup(path).table),
        (folder == "lookups", lambda path: read_lsoa_ward_lookup(path).table),
    ]
    matching = [reader for matches, reader in rules if matches]
    if not matching:
        pytest.fail(f"{relative}: no reader chosen for this real file; add a rule or list it in "
                    "AWAITING_READER with the issue that adds its reader")
    return matching[0]


@pytest.mark.real_data
def test_every_real_file_reads(real):
    files = sorted(p for p in real.rglob("*") if p.is_file())
    read = 0
    for path in files:
        relative = path.relative_to(real).as_posix()
        reader = reader_for(relative)
        if reader is None:
            continue
        frame = reader(path)
        assert len(frame) > 0, relative
        read += 1
    awaiting = [p for p in files if p.relative_to(real).as_posix() in AWAITING_READER]
    guidance = [p for p in files if p.name in {"SOURCES.md", "data-guidance.txt"}]
    assert read == len(files) - len(awaiting) - len(guidance)
    assert read > 60
