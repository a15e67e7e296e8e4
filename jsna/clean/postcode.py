"""Home postcodes for the census cleaner: normalisation and the geography lookups.

The readers and the normalisation live in :mod:`jsna.sources.postcodes` (the postcode lookup) and
:mod:`jsna.sources.lsoa_wards` (the LSOA to ward lookup), where ``jsna sources`` calls them too; the
names the cleaner has always used are the same objects, re-exported here.
"""

from __future__ import annotations

import re
from pathlib import Path

from jsna.column_names import compare_form
from jsna.errors import JsnaInputError
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


def read_ward_codes(path: Path) -> frozenset[str]:
    """Read the ward codes of a ward boundary file (GeoPackage, GeoJSON or shapefile).

    Only the attribute table is read. The code column is the first whose heading looks like
    ``WD25CD`` (any two-digit year).

    Parameters
    ----------
    path : Path
        The boundary file.

    Returns
    -------
    frozenset of str

    Raises
    ------
    JsnaInputError
        If the file cannot be read or has no ward code column.
    """
    path = Path(path)
    try:
        import pyogrio

        frame = pyogrio.read_dataframe(path, read_geometry=False)
    except Exception as error:  # pyogrio raises several driver-specific errors
        raise JsnaInputError(f"{path.name}: cannot read ward boundaries ({error})") from None
    for column in frame.columns:
        if re.match(r"^wd\d\dcd$", compare_form(str(column))):
            return frozenset(frame[column].dropna().astype(str))
    raise JsnaInputError(
        f"{path.name}: ward boundaries have no ward code column such as WD25CD; columns found: "
        f"{', '.join(map(str, frame.columns))}"
    )
