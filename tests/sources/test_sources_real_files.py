"""Every file in ../shared/data/real reads through a jsna.sources reader without error."""

from __future__ import annotations

from pathlib import Path

import pytest

from jsna.sources.boundaries import read_boundaries
from jsna.sources.codes import read_dfe_la_list, read_ons_la_codes
from jsna.sources.ees import read_ees
from jsna.sources.fingertips import read_fingertips
from jsna.sources.imd import read_imd, read_imd_la_summary, read_iod_denominators
from jsna.sources.lait import read_lait, read_lait_dictionary
from jsna.sources.neighbours import read_statistical_neighbours
from jsna.sources.ons import (
    read_lsoa_ward_lookup,
    read_ltla_utla_lookup,
    read_population,
    read_postcode_lookup,
)


def reader_for(relative: str):
    """The reader for a file of the real data folder, chosen by where it sits."""
    name = Path(relative).name
    folder = relative.split("/")[0]
    if name in {"SOURCES.md", "data-guidance.txt"}:
        return None
    rules = [
        (folder == "boundaries", read_boundaries),
        (folder == "fingertips", read_fingertips),
        (folder == "population", read_population),
        (relative.startswith("send_dfe/ehcp"), read_ees),
        (name.startswith("lait_bds_long"), read_lait),
        (name.startswith("lait_data_dictionary"), read_lait_dictionary),
        (name.startswith("la_code_list"), read_dfe_la_list),
        (folder == "statistical_neighbours", read_statistical_neighbours),
        (name.endswith("local_authority_district_summaries.csv"), read_imd_la_summary),
        (name.startswith("File_6"), read_iod_denominators),
        (folder == "imd", read_imd),
        (name == "la_all_codes.csv", read_ons_la_codes),
        (name.startswith("Lower_Tier"), read_ltla_utla_lookup),
        ("postcode" in name, read_postcode_lookup),
        (folder == "lookups", read_lsoa_ward_lookup),
    ]
    return next(reader for matches, reader in rules if matches)


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
    assert read == len(files) - 3  # SOURCES.md and the two data-guidance.txt files
