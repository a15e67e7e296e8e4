"""Clean the council's pupil-level January school census (``jsna clean census``).

See :mod:`jsna.clean.census` for the outputs and the DfE conventions applied.
"""

from jsna.clean.census import (
    PUPIL_COLUMNS,
    CensusCleanResult,
    ImdDeciles,
    clean_census,
    clean_census_frames,
    read_census_file,
    read_census_table,
    read_imd_deciles,
    write_census_outputs,
)
from jsna.clean.postcode import (
    read_lsoa_ward_lookup,
    read_postcode_directory,
    read_ward_codes,
)

__all__ = [
    "PUPIL_COLUMNS",
    "CensusCleanResult",
    "ImdDeciles",
    "clean_census",
    "clean_census_frames",
    "read_census_file",
    "read_census_table",
    "read_imd_deciles",
    "read_lsoa_ward_lookup",
    "read_postcode_directory",
    "read_ward_codes",
    "write_census_outputs",
]
