"""The postcode lookup: one reader for the census cleaner and ``jsna sources``.

Normalisation follows the ONS Postcode Directory's ``pcds`` form: upper case, one space before the
inward code (the last three characters), so ``"zz11aa"``, ``"ZZ1  1AA"`` and ``" zz1 1aa"`` all
become ``"ZZ1 1AA"``. A well-formed UK postcode is an outward code of one or two letters, a digit
and an optional letter or digit, then an inward code of a digit and two letters (BS 7666).

The lookup is an ONS Postcode Directory (ONSPD) or National Statistics Postcode Lookup (NSPL) style
file (CSV or XLSX): one row per postcode with its LSOA (``lsoa21``/``lsoa11``), electoral ward
(``osward``) and local authority (``oslaua``). Its layout is declared once, in
:data:`POSTCODE_LOOKUP`: headings are matched case-insensitively (``pcds``, ``pcd``, ``pcd7``,
``pcd8``, ``PostcodeNatural``, ``lsoa21cd``, ``LSOA11CD``, ``WD22CD``, ``LAD19CD``, ...) and can be
mapped in ``[census.columns]`` to ``pcds``, ``lsoa11``, ``lsoa21``, ``osward`` or ``oslaua``. Only
those columns are read (with Arrow: the national directory has 2.6 million rows and dozens of
columns).

Ward vintages: ONSPD carries the ward of its own release; the council's ward boundaries may be of
another year. The cleaner uses a postcode's ``osward`` when that code is one of the configured
boundaries' wards; otherwise the ward comes from the ONS best-fit *LSOA to ward* lookup of the
boundaries' vintage (:mod:`jsna.sources.lsoa_wards`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jsna.errors import JsnaInputError
from jsna.sources.schema import Column, TableSchema
from jsna.sources.text_table import read_selected_columns

POSTCODE_PATTERN = r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}|GIR 0AA)$"

#: The layout of a postcode lookup. Standard names are the ONSPD's; headings are regular
#: expressions over the compare form (see :func:`jsna.column_names.compare_form`).
POSTCODE_LOOKUP = TableSchema(
    source="postcode lookup",
    mappable=True,
    columns=(
        Column("pcds", "postcode", ("pcds", "postcodenatural", "postcode", "pcd", "pcd2", "pcd7",
                                    "pcd8", "postcode7", "postcode8"), not_blank=True),
        Column("oslaua", "local authority code",
               (r"oslaua|laua|lad|ladcd|lad\d\dcd|localauthoritycode",)),
        Column("lsoa21", "LSOA code", (r"lsoa21(cd)?", r"lsoacode\(?2021\)?"), group="lsoa",
               label="lsoa21 or lsoa11"),
        Column("lsoa11", "LSOA code", (r"lsoa11(cd)?", r"lsoacode\(?2011\)?"), group="lsoa"),
        Column("lsoa", "LSOA code (vintage not given)", (r"lsoa(cd)?", "lsoacode"), group="lsoa"),
        Column("osward", "ward code", (r"osward|ward|wardcode|wd\d\dcd.*",), required=False),
        Column("doterm", "date of termination", ("doterm|terminationdate",), required=False),
    ),
)
#: Standard postcode-lookup column names that ``[census.columns]`` may map to.
DIRECTORY_COLUMNS: tuple[str, ...] = ("pcds", "lsoa11", "lsoa21", "osward", "oslaua")
#: LSOA columns of the lookup, newest first.
_LSOA_COLUMNS = ("lsoa21", "lsoa11", "lsoa")


def normalise_postcodes(values: pa.Array) -> pa.Array:
    """Normalise postcodes to ``pcds`` form (upper case, one space before the last 3 characters).

    Parameters
    ----------
    values : pyarrow.Array of str
        Raw postcodes (nulls allowed).

    Returns
    -------
    pyarrow.Array of str
        Normalised postcodes; blanks become null. Values of 5 to 7 characters (after removing
        spaces) get one space before the inward code; others are returned upper-cased, without
        spaces, so they fail :func:`is_well_formed`.
    """
    if _has_control_characters(values):  # tabs or line breaks: the regular expressions
        squashed = pc.utf8_upper(pc.replace_substring_regex(values, r"\s+", ""))
        spaced = pc.replace_substring_regex(squashed, r"^(.{2,4})(.{3})$", r"\1 \2")
        return pc.if_else(pc.equal(squashed, ""), pa.scalar(None, pa.string()), spaced)
    # spaces only (the usual case): the same by plain kernels, several times faster
    squashed = pc.utf8_upper(pc.replace_substring(values, " ", ""))
    length = pc.utf8_length(squashed)
    spaced = pc.binary_join_element_wise(pc.utf8_slice_codeunits(squashed, 0, -3),
                                         pc.utf8_slice_codeunits(squashed, -3), " ")
    fits = pc.and_(pc.greater_equal(length, 5), pc.less_equal(length, 7))
    return pc.if_else(pc.equal(length, 0), pa.scalar(None, pa.string()),
                      pc.if_else(fits, spaced, squashed))


def _has_control_characters(values: pa.Array | pa.ChunkedArray) -> bool:
    """True when any text holds a byte below 32 (tab, line break ...), or cannot be checked."""
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    for chunk in chunks:
        if not pa.types.is_string(chunk.type):
            return True
        data = chunk.buffers()[2]
        if data is not None and (np.frombuffer(data, dtype=np.uint8) < 32).any():
            return True
    return False


def normalise_postcode(value: str | None) -> str | None:
    """Normalise one postcode (see :func:`normalise_postcodes`).

    Parameters
    ----------
    value : str or None

    Returns
    -------
    str or None
    """
    return normalise_postcodes(pa.array([value], type=pa.string()))[0].as_py()


def is_well_formed(postcodes: pa.Array) -> np.ndarray:
    """True where a normalised postcode has the shape of a UK postcode.

    Parameters
    ----------
    postcodes : pyarrow.Array of str
        Normalised postcodes.

    Returns
    -------
    numpy.ndarray of bool
        False for null values.
    """
    matched = pc.match_substring_regex(postcodes, POSTCODE_PATTERN)
    return matched.fill_null(False).to_numpy(zero_copy_only=False)


@dataclass(frozen=True)
class PostcodeDirectory:
    """A postcode lookup read by :func:`read_postcode_lookup`.

    Attributes
    ----------
    arrow : pyarrow.Table
        One row per normalised postcode (column ``postcode``, unique); columns ``la_code``,
        ``ward_code`` (may be all null) and ``lsoa11``/``lsoa21``/``lsoa`` for each LSOA vintage
        present, all text.
    lsoa_columns : tuple of str
        The LSOA columns present, newest first.
    rows : int
        Data rows in the file (terminated postcodes included).
    live : int
        Postcodes not terminated (all of them when the file has no termination date).
    """

    arrow: pa.Table
    lsoa_columns: tuple[str, ...]
    rows: int
    live: int

    @property
    def postcodes(self) -> pa.Array:
        """The normalised postcodes, for hashing."""
        return self.column("postcode")

    def column(self, name: str) -> pa.Array:
        """One column as a single Arrow array, for gathers by position."""
        return self._columns[name]

    @cached_property
    def _columns(self) -> dict[str, pa.Array]:
        return {name: self.arrow.column(name).combine_chunks() for name in self.arrow.column_names}

    @cached_property
    def table(self) -> pd.DataFrame:
        """The directory as a pandas DataFrame indexed by postcode (for reading, not cleaning)."""
        return pd.DataFrame({name: column.to_numpy(zero_copy_only=False)
                             for name, column in self._columns.items()}).set_index("postcode")



def read_postcode_lookup(
    path: str | Path, columns_map: Mapping[str, str] | None = None
) -> PostcodeDirectory:
    """Read an ONSPD/NSPL-style postcode lookup (CSV or XLSX) as :data:`POSTCODE_LOOKUP` declares.

    The one reader of the postcode lookup: the census cleaner and ``jsna sources`` both call it,
    so a file is accepted or refused by both with the same message.

    Parameters
    ----------
    path : str or Path
        The file.
    columns_map : mapping, optional
        ``[census.columns]`` of the config: local heading -> one of ``pcds``, ``lsoa11``,
        ``lsoa21``, ``osward``, ``oslaua`` (entries for census columns are ignored).

    Returns
    -------
    PostcodeDirectory
        One row per postcode: a terminated postcode listed beside a live row of the same
        postcode gives way to the live row.

    Raises
    ------
    JsnaInputError
        One line naming the file: no postcode, LSOA or local-authority column (with the headings
        found), a blank postcode (its row), a live postcode listed twice (both rows), or a file
        that cannot be read.
    """
    path = Path(path)
    chosen: dict[str, str] = {}

    def select(headings: list[str]) -> dict[str, str]:
        chosen.clear()
        chosen.update(POSTCODE_LOOKUP.match(headings, columns_map, file_name=path.name))
        return chosen

    read = read_selected_columns(path, select).table
    POSTCODE_LOOKUP.check_not_blank(read, chosen, path.name)
    lsoa_columns = tuple(name for name in _LSOA_COLUMNS if name in read.column_names)
    text = pa.string()
    directory = pa.table({
        "postcode": normalise_postcodes(read.column("pcds").combine_chunks()),
        "la_code": read.column("oslaua").cast(text),
        "ward_code": (read.column("osward").cast(text) if "osward" in read.column_names
                      else pa.nulls(read.num_rows, text)),
        **{name: read.column(name).cast(text) for name in lsoa_columns},
    })
    # live postcodes first (stable), then the first row of each postcode
    ended = (pc.is_valid(read.column("doterm")).to_numpy(zero_copy_only=False)
             if "doterm" in read.column_names else np.zeros(read.num_rows, dtype=bool))
    order = np.argsort(ended, kind="stable")
    directory = directory.take(order)
    postcode_codes = pd.Series(pc.dictionary_encode(directory.column("postcode"))
                               .combine_chunks().indices.to_numpy(zero_copy_only=False))
    first = ~postcode_codes.duplicated().to_numpy()
    repeated = np.flatnonzero(~first & ~ended[order])
    if repeated.size:  # a second live row: which LSOA and ward the postcode is in is unclear
        again = int(repeated[0])
        earlier = int(np.flatnonzero(postcode_codes.to_numpy() == postcode_codes.iloc[again])[0])
        rows = read.column("source_row").to_numpy()[order[[earlier, again]]]
        raise JsnaInputError(
            f"{path.name}: rows {rows[0]} and {rows[1]}, column {chosen['pcds']}: postcode "
            f"{directory.column('postcode')[again].as_py()} is listed twice; a postcode lookup "
            f"has one row per live postcode"
        )
    return PostcodeDirectory(arrow=directory.filter(pa.array(first)), lsoa_columns=lsoa_columns,
                             rows=read.num_rows, live=int((~ended).sum()))
