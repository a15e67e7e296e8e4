"""Home postcodes: normalisation and lookup to LSOA, ward and local authority.

Normalisation follows the ONS Postcode Directory's ``pcds`` form: upper case, one space before the
inward code (the last three characters), so ``"zz11aa"``, ``"ZZ1  1AA"`` and ``" zz1 1aa"`` all
become ``"ZZ1 1AA"``. A well-formed UK postcode is an outward code of one or two letters, a digit
and an optional letter or digit, then an inward code of a digit and two letters (BS 7666).

The lookup is an ONS Postcode Directory (ONSPD) or National Statistics Postcode Lookup (NSPL) style
file: one row per postcode with its LSOA (``lsoa21``/``lsoa11``), electoral ward (``osward``) and
local authority (``oslaua``). Headings are matched case-insensitively (``pcds``, ``pcd``, ``pcd7``,
``pcd8``, ``PostcodeNatural``, ``lsoa21cd``, ``LSOA11CD``, ``WD22CD``, ``LAD19CD``, ...) and can be
mapped in ``[census.columns]`` to ``pcds``, ``lsoa11``, ``lsoa21``, ``osward`` or ``oslaua``.

Ward vintages: ONSPD carries the ward of its own release; the council's ward boundaries may be of
another year. A postcode's ``osward`` is used when that code is one of the configured boundaries'
wards; otherwise the ward comes from the ONS best-fit *LSOA to ward* lookup of the boundaries'
vintage.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jsna.clean.headings import compare_form, read_selected_columns
from jsna.errors import JsnaInputError

POSTCODE_PATTERN = r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}|GIR 0AA)$"
#: Standard postcode-directory column names that ``[census.columns]`` may map to.
DIRECTORY_COLUMNS: tuple[str, ...] = ("pcds", "lsoa11", "lsoa21", "osward", "oslaua")

_POSTCODE_HEADINGS = ("pcds", "postcodenatural", "postcode", "pcd", "pcd2", "pcd7", "pcd8",
                      "postcode7", "postcode8")
_LA_HEADING = re.compile(r"^(?:oslaua|laua|lad|ladcd|lad\d\dcd|localauthoritycode)$")
_WARD_HEADING = re.compile(r"^(?:osward|ward|wardcode|wd\d\dcd.*)$")
_LSOA_HEADING = re.compile(r"^lsoa(\d\d)?(?:cd)?$|^lsoacode\((\d{4})\)$|^lsoacode(\d{4})$")
_TERMINATED_HEADING = re.compile(r"^(?:doterm|terminationdate)$")


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
    """A postcode lookup read by :func:`read_postcode_directory`.

    Attributes
    ----------
    arrow : pyarrow.Table
        One row per normalised postcode (column ``postcode``, unique); columns ``la_code``,
        ``ward_code`` (may be all null) and ``lsoa11``/``lsoa21``/``lsoa`` for each LSOA vintage
        present, all text.
    lsoa_columns : tuple of str
        The LSOA columns present, newest first.
    """

    arrow: pa.Table
    lsoa_columns: tuple[str, ...]

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


def _lsoa_vintage(form: str) -> str | None:
    match = _LSOA_HEADING.match(form)
    if not match:
        return None
    year = match.group(1) or match.group(2) or match.group(3)
    return f"lsoa{year[-2:]}" if year else "lsoa"


def _choose_directory_columns(headings: list[str], explicit: Mapping[str, str],
                             file_name: str) -> dict[str, str]:
    """Directory column (``pcds``, ``lsoa21``...) -> the heading that holds it.

    Headings mapped in the config come first, then the postcode heading by preference, then
    the first heading that looks like each other column.

    Raises
    ------
    JsnaInputError
        If no postcode, LSOA or local-authority column is found.
    """
    chosen: dict[str, str] = {}
    forms = {h: compare_form(h) for h in headings}
    for heading, form in forms.items():
        if form in explicit and explicit[form] not in chosen:
            chosen[explicit[form]] = heading
    if "pcds" not in chosen:
        postcode = next((heading for wanted in _POSTCODE_HEADINGS
                         for heading, form in forms.items() if form == wanted), None)
        if postcode is not None:
            chosen["pcds"] = postcode
    for heading, form in forms.items():
        if heading not in chosen.values():
            name = _directory_column_of(form)
            if name and name not in chosen:
                chosen[name] = heading
    missing = [name for name in ("pcds", "oslaua") if name not in chosen]
    if not any(name.startswith("lsoa") for name in chosen):
        missing.append("lsoa21 or lsoa11")
    if missing:
        raise JsnaInputError(
            f"{file_name}: postcode lookup is missing column {', '.join(missing)}; columns "
            f"found: {', '.join(headings)} (map headings in [census.columns] of the config)"
        )
    return chosen


def _directory_column_of(form: str) -> str | None:
    """The directory column a heading (in compare form) looks like: an LSOA vintage, ``oslaua``,
    ``osward``, ``doterm`` or None."""
    vintage = _lsoa_vintage(form)
    if vintage:
        return vintage
    for name, pattern in (("oslaua", _LA_HEADING), ("osward", _WARD_HEADING),
                          ("doterm", _TERMINATED_HEADING)):
        if pattern.match(form):
            return name
    return None


def read_postcode_directory(
    path: Path, columns_map: Mapping[str, str] | None = None
) -> PostcodeDirectory:
    """Read an ONSPD/NSPL-style postcode lookup (CSV or XLSX).

    Parameters
    ----------
    path : Path
        The file.
    columns_map : mapping, optional
        Local heading -> one of ``pcds``, ``lsoa11``, ``lsoa21``, ``osward``, ``oslaua``.

    Returns
    -------
    PostcodeDirectory

    Raises
    ------
    JsnaInputError
        If no postcode, LSOA or local-authority column is found.
    """
    path = Path(path)
    explicit = {compare_form(k): v for k, v in (columns_map or {}).items()
                if v in DIRECTORY_COLUMNS}

    read = read_selected_columns(
        path, lambda headings: _choose_directory_columns(headings, explicit, path.name)).table
    lsoa_columns = tuple(sorted((c for c in read.column_names if c.startswith("lsoa")),
                                reverse=True))
    text = pa.string()
    directory = pa.table({
        "postcode": normalise_postcodes(read.column("pcds").combine_chunks()),
        "la_code": read.column("oslaua").cast(text),
        "ward_code": (read.column("osward").cast(text) if "osward" in read.column_names
                      else pa.nulls(read.num_rows, text)),
        **{name: read.column(name).cast(text) for name in lsoa_columns},
    })
    # rows with a postcode; live postcodes first (stable), then the first row of each postcode
    order = np.flatnonzero(pc.is_valid(directory.column("postcode")).to_numpy(
        zero_copy_only=False))
    if "doterm" in read.column_names:
        ended = pc.is_valid(read.column("doterm")).to_numpy(zero_copy_only=False)
        order = order[np.argsort(ended[order], kind="stable")]
    directory = directory.take(order)
    postcode_codes = pc.dictionary_encode(directory.column("postcode")).combine_chunks().indices
    first = ~pd.Series(postcode_codes.to_numpy(zero_copy_only=False)).duplicated().to_numpy()
    directory = directory.filter(pa.array(first))
    return PostcodeDirectory(arrow=directory, lsoa_columns=lsoa_columns)


@dataclass(frozen=True)
class LsoaWardLookup:
    """A best-fit LSOA to ward lookup read by :func:`read_lsoa_ward_lookup`.

    Attributes
    ----------
    ward_by_lsoa : pandas.Series
        Ward code indexed by LSOA code.
    lsoa_vintage : str
        ``"lsoa21"``, ``"lsoa11"`` or ``"lsoa"`` (unknown), from the LSOA heading.
    ward_codes : frozenset of str
        Every ward code in the lookup.
    """

    ward_by_lsoa: pd.Series
    lsoa_vintage: str
    ward_codes: frozenset[str]


def read_lsoa_ward_lookup(path: Path) -> LsoaWardLookup:
    """Read an ONS best-fit LSOA to ward lookup (``LSOA21CD``, ``WD25CD``, ...).

    Parameters
    ----------
    path : Path
        CSV or XLSX file.

    Returns
    -------
    LsoaWardLookup

    Raises
    ------
    JsnaInputError
        If the LSOA or ward code column is missing, or an LSOA appears with two wards.
    """
    path = Path(path)

    def select(headings: list[str]) -> dict[str, str]:
        chosen: dict[str, str] = {}
        for heading in headings:
            form = compare_form(heading)
            vintage = _lsoa_vintage(form)
            if vintage and "lsoa" not in chosen:
                chosen["lsoa"] = heading
                chosen_vintage.append(vintage)
            elif re.match(r"^(?:wd\d\dcd|wardcode|ward)", form) and "ward" not in chosen:
                chosen["ward"] = heading
        missing = [name for name in ("lsoa", "ward") if name not in chosen]
        if missing:
            raise JsnaInputError(
                f"{path.name}: LSOA to ward lookup is missing the {' and '.join(missing)} code "
                f"column; columns found: {', '.join(headings)}"
            )
        return chosen

    chosen_vintage: list[str] = []
    table = read_selected_columns(path, select).table
    frame = pd.DataFrame({
        "lsoa": pc.utf8_trim_whitespace(table.column("lsoa")).to_pylist(),
        "ward": pc.utf8_trim_whitespace(table.column("ward")).to_pylist(),
    }).dropna()
    conflicting = frame.drop_duplicates().duplicated("lsoa", keep=False)
    if conflicting.any():
        first = frame.loc[conflicting[conflicting].index[0], "lsoa"]
        raise JsnaInputError(
            f"{path.name}: LSOA {first} is given two different wards; a best-fit lookup has one "
            f"ward per LSOA"
        )
    frame = frame.drop_duplicates("lsoa")
    return LsoaWardLookup(
        ward_by_lsoa=pd.Series(frame["ward"].to_numpy(dtype=object),
                               index=pd.Index(frame["lsoa"].to_numpy(dtype=object))),
        lsoa_vintage=chosen_vintage[0] if chosen_vintage else "lsoa",
        ward_codes=frozenset(frame["ward"].tolist()),
    )


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
