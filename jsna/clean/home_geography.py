"""Geography of each distinct home postcode: LSOA, ward, IMD decile, residence and findings.

Every distinct postcode is looked up once (a census of a million pupils has tens of thousands);
the rows get the results by their position among the distinct postcodes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jsna.clean import coded_fields as coding
from jsna.clean.postcode import (
    LsoaWardLookup,
    PostcodeDirectory,
    is_well_formed,
    normalise_postcodes,
)
from jsna.sources.imd import ImdDeciles


@dataclass(frozen=True)
class Geography:
    postcodes: PostcodeDirectory | None
    lsoa_wards: LsoaWardLookup | None
    ward_codes: frozenset[str]
    imd: ImdDeciles | None
    area_code: str | None


@dataclass(frozen=True)
class PostcodeGeography:
    """Geography of each distinct home postcode, and each row's postcode (see :func:`locate_postcodes`)."""

    codes: np.ndarray  # per row: position among the distinct postcodes, -1 when blank
    blank: np.ndarray  # per distinct postcode (bool, float or object)
    well_formed: np.ndarray
    matched: np.ndarray
    corrected: np.ndarray
    outside: np.ndarray
    lsoa: tuple[np.ndarray, pa.Array]  # per postcode: index into the distinct LSOAs; those
    ward: tuple[np.ndarray, pa.Array]
    decile: np.ndarray


def locate_postcodes(column: pa.Array, geography: Geography) -> PostcodeGeography:
    """LSOA, ward, IMD decile and residence of each distinct home postcode.

    The distinct postcodes are matched to the directory by Arrow hashing, and the directory's
    columns gathered as Arrow arrays: no Python object per postcode.
    """
    raw_codes, raw = coding.encode(column)
    normalised = normalise_postcodes(raw)
    well_formed = is_well_formed(normalised)
    corrected = pc.not_equal(raw, normalised).fill_null(False).to_numpy(zero_copy_only=False)
    blank_value = pc.is_null(normalised).to_numpy(zero_copy_only=False)
    n_unique = len(raw)

    no_text = pa.nulls(n_unique, pa.string())
    lsoa, ward = no_text, no_text
    decile = np.full(n_unique, np.nan)
    matched = np.zeros(n_unique, dtype=bool)
    outside = np.zeros(n_unique, dtype=bool)
    directory = geography.postcodes
    if directory is not None and n_unique:
        position = pc.index_in(normalised, value_set=directory.postcodes).fill_null(-1).to_numpy(
            zero_copy_only=False)
        matched = (position >= 0) & well_formed
        # per distinct postcode: its directory row, null when unmatched
        rows = pa.array(position, mask=~matched, type=pa.int64())

        def gathered(name: str) -> pa.Array:
            return directory.column(name).take(rows)

        lsoa = gathered(_lsoa_column(directory, geography.lsoa_wards))
        if geography.area_code is not None:
            outside = matched & pc.not_equal(gathered("la_code"), geography.area_code).fill_null(
                True).to_numpy(zero_copy_only=False)
        # ward: the directory's own ward when it is of the boundaries' vintage, else best fit
        ward = gathered("ward_code")
        in_boundaries = pc.is_in(
            ward, value_set=pa.array(sorted(geography.ward_codes), type=pa.string()))
        best_fit = no_text
        if geography.lsoa_wards is not None:
            fit_lsoa = gathered(_lsoa_column(directory, geography.lsoa_wards,
                                             geography.lsoa_wards.lsoa_vintage))
            best_fit = pa.array(geography.lsoa_wards.ward_by_lsoa.reindex(
                fit_lsoa.to_numpy(zero_copy_only=False)).to_numpy(dtype=object),
                type=pa.string(), from_pandas=True)
        ward = pc.if_else(in_boundaries.fill_null(False), ward, best_fit)
        if geography.imd is not None:
            imd_lsoa = gathered(_lsoa_column(directory, None, geography.imd.lsoa_vintage))
            decile = geography.imd.decile_by_lsoa.reindex(
                imd_lsoa.to_numpy(zero_copy_only=False)).to_numpy(dtype=float, copy=True)
            decile[~matched] = np.nan
    # ward_code is the council ward of the home: none for pupils living elsewhere
    ward = pc.if_else(pa.array(outside), pa.scalar(None, pa.string()), ward)
    return PostcodeGeography(
        codes=raw_codes, blank=blank_value, well_formed=well_formed, matched=matched,
        corrected=corrected, outside=outside, lsoa=coding.encode(lsoa), ward=coding.encode(ward),
        decile=decile,
    )


def postcode_findings(located: PostcodeGeography, geography: Geography) -> dict[str, np.ndarray]:
    """The findings about each distinct home postcode: finding -> True for the postcodes with it.

    In the order they are reported; a ward or IMD finding only when wards or IMD deciles are
    given.
    """
    blank = located.blank.astype(bool)
    well_formed = located.well_formed.astype(bool)
    resident = located.matched & ~located.outside
    found = {
        "postcode_missing": blank,
        "postcode_malformed": ~blank & ~well_formed,
        "postcode_unmatched": ~blank & well_formed & ~located.matched,
        "postcode_corrected": located.corrected & well_formed,
        "postcode_outside_council": located.outside,
    }
    if geography.lsoa_wards is not None or geography.ward_codes:
        found["ward_not_found"] = resident & (located.ward[0] < 0)
    if geography.imd is not None:
        # the IMD file may cover only the council's LSOAs: report residents only
        found["lsoa_not_in_imd"] = resident & np.isnan(located.decile)
    return found


def _lsoa_column(
    directory: PostcodeDirectory, lsoa_wards: LsoaWardLookup | None, vintage: str | None = None
) -> str:
    """The directory's LSOA column of the wanted vintage (default: the ward lookup's), else newest."""
    wanted = vintage or (lsoa_wards.lsoa_vintage if lsoa_wards is not None else None)
    if wanted in directory.lsoa_columns:
        return wanted
    return directory.lsoa_columns[0]
