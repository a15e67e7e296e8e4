"""Home postcodes for the census cleaner: normalisation and the geography lookups.

The readers and the normalisation live in :mod:`jsna.sources.postcodes` (the postcode lookup),
:mod:`jsna.sources.lsoa_wards` (the LSOA to ward lookup) and :mod:`jsna.sources.boundaries` (the
ward codes of the ward boundaries), where ``jsna sources`` calls them too; the names the cleaner
has always used are the same objects, re-exported here.
"""

from __future__ import annotations

from jsna.sources.boundaries import read_ward_codes
from jsna.sources.lsoa_wards import LsoaWardLookup, read_lsoa_ward_lookup
from jsna.sources.postcodes import (
    DIRECTORY_COLUMNS,
    POSTCODE_PATTERN,
    PostcodeDirectory,
    is_well_formed,
    normalise_postcode,
    normalise_postcodes,
)
from jsna.sources.postcodes import read_postcode_lookup as read_postcode_directory

__all__ = [
    "DIRECTORY_COLUMNS", "POSTCODE_PATTERN", "LsoaWardLookup", "PostcodeDirectory",
    "is_well_formed", "normalise_postcode", "normalise_postcodes", "read_lsoa_ward_lookup",
    "read_postcode_directory", "read_ward_codes",
]
