"""Readers for published comparators and reference data, each returning a tidy, typed frame.

One module per source family:

* :mod:`jsna.sources.ees` -- DfE explore-education-statistics CSVs (SEN2 EHC plans, SEN in England)
* :mod:`jsna.sources.lait` -- DfE Local Authority Interactive Tool long file and dictionary
* :mod:`jsna.sources.fingertips` -- OHID Fingertips exports (both column styles)
* :mod:`jsna.sources.ons` -- population estimates, LTLA/UTLA lookups
* :mod:`jsna.sources.postcodes` -- the postcode lookup (ONSPD/NSPL), shared with the cleaner
* :mod:`jsna.sources.lsoa_wards` -- the LSOA to ward lookup, shared with the cleaner
* :mod:`jsna.sources.imd` -- English Indices of Deprivation 2019 and 2025
* :mod:`jsna.sources.boundaries` -- ward/LSOA boundaries of any vintage (imports geopandas)
* :mod:`jsna.sources.neighbours` -- DfE statistical neighbours
* :mod:`jsna.sources.la_codes` -- DfE LA numbers <-> GSS codes and LA code history (``la_codes.csv``)
* :mod:`jsna.sources.comparators` -- council vs England, region and neighbours per indicator

Published symbols (``c``, ``x``, ``z``, ``low``, ``u``, ``:``; LAIT ``-``) become missing values
with the symbol kept as a note (``"[c]"`` ...), never zero; see :data:`NOTE_MEANINGS`.
"""

from jsna.sources.common import NOTE_MEANINGS, SYMBOL_NOTES
from jsna.sources.comparators import comparator_table, comparator_table_for_config
from jsna.sources.ees import ees_area, read_ees, read_ees_wide
from jsna.sources.fingertips import read_fingertips
from jsna.sources.imd import read_imd, read_imd_la_summary, read_iod_denominators
from jsna.sources.la_codes import (
    area_name,
    canonical_code,
    gss_to_la_number,
    harmonise_la_codes,
    la_number_to_gss,
    la_table,
)
from jsna.sources.lait import read_lait, read_lait_dictionary
from jsna.sources.lsoa_wards import read_lsoa_ward_lookup
from jsna.sources.neighbours import neighbours_of, read_statistical_neighbours
from jsna.sources.ons import read_ltla_utla_lookup, read_population
from jsna.sources.postcodes import read_postcode_lookup

__all__ = [
    "NOTE_MEANINGS",
    "SYMBOL_NOTES",
    "area_name",
    "canonical_code",
    "comparator_table",
    "comparator_table_for_config",
    "ees_area",
    "gss_to_la_number",
    "harmonise_la_codes",
    "la_number_to_gss",
    "la_table",
    "neighbours_of",
    "read_ees",
    "read_ees_wide",
    "read_fingertips",
    "read_imd",
    "read_imd_la_summary",
    "read_iod_denominators",
    "read_lait",
    "read_lait_dictionary",
    "read_lsoa_ward_lookup",
    "read_ltla_utla_lookup",
    "read_population",
    "read_postcode_lookup",
    "read_statistical_neighbours",
]
