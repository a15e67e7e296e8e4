"""Clean the council's pupil-level January school census.

``jsna clean census --config jsna.toml --out DIR`` (and ``jsna refresh``) call :func:`clean_census`
then :func:`write_census_outputs`, which write:

* ``pupils.parquet``: one row per pupil per census (see :data:`PUPIL_COLUMNS`), pseudonymised: no UPN,
  name, date of birth or postcode;
* ``reconciliation.csv``: for every census, rows read = rows kept + rows set aside (by reason);
* ``validation.csv`` and ``validation.html``: every data-quality finding with counts and example row
  numbers.

DfE conventions applied (each module's docstring has the detail):

* headcount = enrolment status ``C`` (single) and ``M`` (main dual); ``S`` (subsidiary dual) and
  ``G`` (guest) rows are set aside with their reason; a UPN twice among the counted rows of one
  census is one pupil: the first row is kept and the others are set aside and reported
  (*School census guide*; :mod:`jsna.clean.reconcile`);
* UPN layout and check letter (*Unique pupil numbers* guidance; :mod:`jsna.clean.upn`);
* SEN provision ``E``/``K``/``N`` with legacy ``S`` -> ``E`` and ``A``/``P`` -> ``K``, need codes
  with legacy BESD -> SEMH (*Special educational needs in England* methodology;
  :mod:`jsna.clean.coded_fields`);
* age on 31 August before the census (:mod:`jsna.clean.dates`);
* home postcode -> LSOA -> ward of the configured boundaries, via the ONS Postcode Directory and the
  ONS best-fit LSOA-to-ward lookup (:mod:`jsna.clean.postcode`); pupils living outside the council
  are ``resident = False`` and count in school-based figures only (they keep their LSOA and IMD
  decile, but ``ward_code`` is only ever a council ward, so it is null for them); unmatched
  postcodes stay in council totals (``resident = True``) and are reported with their share;
* IMD decile of the LSOA from the English Indices of Deprivation File 1 (IoD 2019 or 2025).

Bad input (missing or unreadable file, missing column, wrong encoding, census date not matching
the configured year, a column whose values are mostly of the wrong kind) raises
:class:`~jsna.errors.JsnaInputError` with a one-line message; rows are never dropped silently.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from jsna.clean import coded_fields as coding
from jsna.clean.dates import IMPOSSIBLE, UNREADABLE, ParsedDates, age_on_31_august, parse_dates
from jsna.clean.dates import STATUS_NAMES as DATE_STATUSES
from jsna.clean.headings import (
    CENSUS_HEADINGS,
    NAME_COLUMNS,
    check_columns_map,
    check_required,
    compare_form,
    match_headings,
    read_selected_columns,
)
from jsna.clean.postcode import (
    DIRECTORY_COLUMNS,
    LsoaWardLookup,
    PostcodeDirectory,
    is_well_formed,
    normalise_postcodes,
    read_lsoa_ward_lookup,
    read_postcode_directory,
    read_ward_codes,
)
from jsna.clean.reconcile import check_balanced, reconciliation_rows
from jsna.clean.upn import (
    BAD_CHECK_LETTER,
    BAD_FORMAT,
    TEMPORARY,
    PseudonymisedUpns,
    Pseudonymiser,
    normalise_upns,
)
from jsna.clean.upn import MISSING as UPN_MISSING
from jsna.clean.validation import (
    FINDING_COLUMNS,
    FindingsCollector,
    findings_frame,
    render_validation_html,
)
from jsna.errors import JsnaInputError
from jsna.memory import retain_freed_memory

if TYPE_CHECKING:
    from jsna.config import Config

#: Columns of ``pupils.parquet``, in order.
PUPIL_COLUMNS: tuple[str, ...] = (
    "census_year", "pupil_key", "sex", "age", "nc_year", "sen_provision", "primary_need",
    "secondary_need", "fsm", "school_urn", "la_estab", "lsoa_code", "ward_code", "imd_decile",
    "resident",
)
PUPIL_SCHEMA = pa.schema([
    ("census_year", pa.int64()), ("pupil_key", pa.string()), ("sex", pa.string()),
    ("age", pa.int64()), ("nc_year", pa.string()), ("sen_provision", pa.string()),
    ("primary_need", pa.string()), ("secondary_need", pa.string()), ("fsm", pa.bool_()),
    ("school_urn", pa.string()), ("la_estab", pa.string()), ("lsoa_code", pa.string()),
    ("ward_code", pa.string()), ("imd_decile", pa.int64()), ("resident", pa.bool_()),
])
#: The cleaned table in memory: coded text columns are dictionary-encoded.
_TABLE_SCHEMA = pa.schema([
    pa.field(field.name, pa.dictionary(pa.int32(), pa.string()))
    if pa.types.is_string(field.type) and field.name != "pupil_key" else field
    for field in PUPIL_SCHEMA
])
OUTPUT_FILES: tuple[str, ...] = (
    "pupils.parquet", "reconciliation.csv", "validation.csv", "validation.html",
)
#: Census columns read from a file (names are never read).
READ_COLUMNS: tuple[str, ...] = tuple(c for c in CENSUS_HEADINGS if c not in NAME_COLUMNS)
_DATA_COLUMNS: tuple[str, ...] = tuple(c for c in READ_COLUMNS
                                       if c not in ("CensusDate", "CensusYear"))
#: Youngest and oldest plausible ages (on 31 August) of a pupil in the school census.
AGE_RANGE = (1, 25)


@dataclass(frozen=True)
class CensusCleanResult:
    """The cleaned census, the reconciliation and the data-quality findings.

    Attributes
    ----------
    pupils_table : pyarrow.Table
        One row per pupil per census (schema :data:`PUPIL_SCHEMA`).
    reconciliation : pandas.DataFrame
        ``census_year, step, reason, rows``.
    findings : pandas.DataFrame
        ``census_year, finding, column, rows, example_rows``.
    title : str
        Heading of the validation report (normally the council's name).
    """

    pupils_table: pa.Table
    reconciliation: pd.DataFrame
    findings: pd.DataFrame
    title: str = "School census"

    @cached_property
    def pupils(self) -> pd.DataFrame:
        """The cleaned pupils as a DataFrame (nullable ``Int64``/``boolean`` columns)."""
        return _pupils_frame(self.pupils_table)

    def write(self, out_dir: Path) -> list[Path]:
        """Write the four output files (see :func:`write_census_outputs`)."""
        return write_census_outputs(self, out_dir)


@dataclass(frozen=True)
class ImdDeciles:
    """IMD decile by LSOA read by :func:`read_imd_deciles`.

    Attributes
    ----------
    decile_by_lsoa : pandas.Series
        Decile (1 = most deprived 10% of LSOAs in England) indexed by LSOA code.
    lsoa_vintage : str
        ``"lsoa11"``, ``"lsoa21"`` or ``"lsoa"`` (not stated in the heading).
    """

    decile_by_lsoa: pd.Series
    lsoa_vintage: str


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def read_imd_deciles(path: Path) -> ImdDeciles:
    """Read LSOA IMD deciles from an English Indices of Deprivation File 1 style table.

    The LSOA column is the one headed like ``LSOA code (2011)``, ``LSOA21CD`` or ``lsoa11``; the
    decile column is the first whose heading names the Index of Multiple Deprivation (or IMD) and
    "decile". Ranks (written with thousands separators in File 1) are not needed and not read.

    Parameters
    ----------
    path : Path
        CSV (UTF-8 with or without BOM, or Windows-1252) or XLSX file.

    Returns
    -------
    ImdDeciles

    Raises
    ------
    JsnaInputError
        If a column is missing or a decile is not a whole number from 1 to 10.
    """
    path = Path(path)
    vintage: list[str] = []

    def select(headings: list[str]) -> dict[str, str]:
        chosen: dict[str, str] = {}
        for heading in headings:
            form = compare_form(heading)
            match = re.match(r"^lsoa(?:code)?\(?(\d{2}|\d{4})?\)?(?:cd|code)?$", form)
            if match and "lsoa" not in chosen:
                chosen["lsoa"] = heading
                year = match.group(1)
                vintage.append(f"lsoa{year[-2:]}" if year else "lsoa")
            elif "decile" in form and ("indexofmultipledeprivation" in form
                                       or form.startswith("imd")) and "decile" not in chosen:
                chosen["decile"] = heading
        missing = [name for name in ("lsoa", "decile") if name not in chosen]
        if missing:
            wanted = {"lsoa": "LSOA code", "decile": "IMD decile"}
            raise JsnaInputError(
                f"{path.name}: IMD file is missing the {' and '.join(wanted[m] for m in missing)} "
                f"column; columns found: {', '.join(headings)}"
            )
        return chosen

    read = read_selected_columns(path, select)
    table = read.table
    lsoa = pc.utf8_trim_whitespace(table.column("lsoa")).to_pylist()
    text = pc.utf8_trim_whitespace(table.column("decile")).to_pylist()
    given = pd.Series(text, dtype=object)
    deciles = pd.to_numeric(given, errors="coerce")
    unreadable = deciles.isna() & given.notna()
    out_of_range = deciles.notna() & (~deciles.between(1, 10) | (deciles % 1 != 0))
    bad = unreadable | out_of_range
    if bad.any():
        row = int(table.column("source_row")[int(np.flatnonzero(bad.to_numpy())[0])].as_py())
        raise JsnaInputError(
            f"{path.name}: row {row}, IMD decile column: expected a whole number from 1 to 10"
        )
    series = pd.Series(deciles.to_numpy(), index=pd.Index(lsoa, dtype=object)).dropna()
    series = series[~series.index.duplicated(keep="first")].astype("int64")
    return ImdDeciles(decile_by_lsoa=series, lsoa_vintage=vintage[0] if vintage else "lsoa")


def _census_select(columns_map: Mapping[str, str] | None, source: str):
    def select(headings: list[str]) -> dict[str, str]:
        found = match_headings(headings, columns_map, source=source)
        check_required(found, headings, source)
        return {name: heading for name, heading in found.items() if name in READ_COLUMNS}

    return select


def read_census_file(
    path: Path,
    year: int | Iterable[int] | None = None,
    columns_map: Mapping[str, str] | None = None,
    *,
    source: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read one census extract into a DataFrame: :func:`read_census_table`, then pandas.

    Parameters, errors and findings are those of :func:`read_census_table`; the text columns
    come back as ``string[pyarrow]``.
    """
    table, findings = read_census_table(path, year, columns_map, source=source)
    frame = table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)
    return frame, findings


def read_census_table(
    path: Path,
    year: int | Iterable[int] | None = None,
    columns_map: Mapping[str, str] | None = None,
    *,
    source: str | None = None,
) -> tuple[pa.Table, pd.DataFrame]:
    """Read one census extract (CSV or XLSX), keeping only the census columns.

    Parameters
    ----------
    path : Path
        The file.
    year : int or iterable of int, optional
        Census year(s) the config lists for this file. A file listed for several years must have a
        census-date (or census-year) column; its rows are assigned to years by that column.
    columns_map : mapping, optional
        ``[census.columns]``: local heading -> standard name.
    source : str, optional
        Name used in messages (default: the file name).

    Returns
    -------
    table : pyarrow.Table
        Standard-named text columns (names are never read), ``source_row`` (spreadsheet row
        number) and ``census_year``.
    findings : pandas.DataFrame
        Findings about the file as a whole (e.g. no FSM column), in the findings layout.

    Raises
    ------
    JsnaInputError
        Bad files, missing columns, census dates that disagree with ``year``.
    """
    path = Path(path)
    source = source or path.name
    years = sorted({year} if isinstance(year, int) else set(year or ()))
    if columns_map:
        check_columns_map(columns_map, (*CENSUS_HEADINGS, *DIRECTORY_COLUMNS))
    table = read_selected_columns(path, _census_select(columns_map, source), source=source).table
    rows = table.column("source_row").to_numpy()
    census_year = _census_years(table, years, rows, source)
    table = table.append_column("census_year", pa.array(census_year, type=pa.int64()))
    collector = FindingsCollector()
    if "FSMeligible" not in table.column_names:
        for y in np.unique(census_year):
            collector.add(int(y), "fsm_column_absent", "FSMeligible", rows[census_year == y])
    return table, collector.to_frame()


def _census_years(table: pa.Table, years: list[int], rows: np.ndarray, source: str) -> np.ndarray:
    """Census year of every row, from a census-date/-year column or the configured year."""
    listed = ", ".join(map(str, years))
    if "CensusDate" in table.column_names:
        parsed = parse_dates(table.column("CensusDate"))
        bad = np.flatnonzero(parsed.status != "ok")
        if bad.size:
            raise JsnaInputError(
                f"{source}: row {rows[bad[0]]}, column CensusDate: expected a date (ISO, DD/MM/YYYY "
                f"or Excel serial), found a {parsed.status[bad[0]]} value"
            )
        months = parsed.dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
        found = parsed.dates.astype("datetime64[Y]").astype(np.int64) + 1970
        not_january = np.flatnonzero(months != 1)
        if not_january.size:
            i = not_january[0]
            raise JsnaInputError(
                f"{source}: row {rows[i]}, column CensusDate: {parsed.dates[i]} is not in January; "
                f"the JSNA uses the January (spring) school census"
            )
        column = "CensusDate"
    elif "CensusYear" in table.column_names:
        text = pc.utf8_trim_whitespace(table.column("CensusYear")).to_pylist()
        found = np.array([int(t) if t and t.isdigit() and len(t) == 4 else -1 for t in text],
                         dtype=np.int64)
        bad = np.flatnonzero(found < 0)
        if bad.size:
            raise JsnaInputError(
                f"{source}: row {rows[bad[0]]}, column CensusYear: expected a four-digit year"
            )
        column = "CensusYear"
    else:
        if len(years) != 1:
            what = f"census years {listed}" if years else "no census year"
            raise JsnaInputError(
                f"{source}: the config lists this file for {what}, but it has no census-date "
                f"column to tell the censuses apart"
            )
        return np.full(table.num_rows, years[0], dtype=np.int64)
    if years:
        wrong = np.flatnonzero(~np.isin(found, years))
        if wrong.size:
            i = wrong[0]
            raise JsnaInputError(
                f"{source}: row {rows[i]}, column {column}: census year {found[i]} disagrees with "
                f"the config, which lists this file for {listed}"
            )
    return found.astype(np.int64)


# --------------------------------------------------------------------------------------------
# Cleaning
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Geography:
    postcodes: PostcodeDirectory | None
    lsoa_wards: LsoaWardLookup | None
    ward_codes: frozenset[str]
    imd: ImdDeciles | None
    area_code: str | None


def _text_column(series: pd.Series) -> pa.Array:
    """A DataFrame column as a pyarrow string array (numbers typed into cells become text)."""
    try:
        array = pa.array(series, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        array = pa.array([None if pd.isna(v) else str(v) for v in series], type=pa.string())
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if pa.types.is_floating(array.type):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        text = [None if np.isnan(v) else (str(int(v)) if v.is_integer() else str(v))
                for v in values]
        return pa.array(text, type=pa.string())
    if pa.types.is_null(array.type):
        return pa.nulls(len(array), pa.string())
    if not pa.types.is_string(array.type):
        array = pc.cast(array, pa.string())
    return array


def _census_table(frames: pd.DataFrame | pa.Table, source: str) -> pa.Table:
    """Standardise a raw census: standard column names as text, ``source_row``, ``census_year``.

    Text columns of an Arrow table are used as they are (no copy); anything else (a DataFrame,
    numbers typed into cells) goes through :func:`_text_column`.
    """
    names = frames.column_names if isinstance(frames, pa.Table) else list(frames.columns)
    headings = [str(c) for c in names if c not in ("source_row", "census_year")]
    found = match_headings(headings, source=source)
    check_required(found, headings, source)
    arrays: dict[str, pa.Array] = {}
    for name, heading in found.items():
        if name not in _DATA_COLUMNS:
            continue
        if isinstance(frames, pa.Table) and pa.types.is_string(frames.column(heading).type):
            arrays[name] = frames.column(heading)
        elif isinstance(frames, pa.Table):
            arrays[name] = _text_column(frames.column(heading).to_pandas())
        else:
            arrays[name] = _text_column(frames[heading])
    n = frames.num_rows if isinstance(frames, pa.Table) else len(frames)

    def numbers(name: str) -> pa.ChunkedArray | pa.Array:
        if isinstance(frames, pa.Table):  # used as they are (no copy when already int64)
            return frames.column(name).cast(pa.int64())
        return pa.array(np.asarray(frames[name], dtype=np.int64))

    arrays["source_row"] = (numbers("source_row") if "source_row" in names
                            else pa.array(np.arange(2, n + 2, dtype=np.int64)))
    arrays["census_year"] = numbers("census_year")
    return pa.table({name: (column if isinstance(column, pa.ChunkedArray)
                            else pa.chunked_array([column]))
                     for name, column in arrays.items()})


def clean_census_frames(
    frames: pd.DataFrame | pa.Table | Mapping[int, pd.DataFrame | pa.Table],
    *,
    salt: str,
    area_code: str | None = None,
    postcodes: PostcodeDirectory | None = None,
    lsoa_wards: LsoaWardLookup | None = None,
    ward_codes: Iterable[str] | None = None,
    imd: ImdDeciles | None = None,
    sources: Mapping[int, str] | None = None,
    read_findings: pd.DataFrame | None = None,
    title: str = "School census",
) -> CensusCleanResult:
    """Clean census extracts already in memory.

    Parameters
    ----------
    frames : pandas.DataFrame, pyarrow.Table or mapping of int to either
        Either one frame (or table) with a ``census_year`` column or ``{census year: frame}``.
        Columns may use standard names (as :func:`read_census_table` returns) or any accepted
        heading; name columns are ignored. A ``source_row`` column gives the row numbers quoted in
        findings (default: position + 2, as a spreadsheet with a heading row numbers them).
    salt : str
        Secret key for ``pupil_key``.
    area_code : str, optional
        GSS code of the council: postcodes whose local authority differs are ``resident = False``.
    postcodes : PostcodeDirectory, optional
        Postcode lookup. Without it every postcode is unmatched (and reported).
    lsoa_wards : LsoaWardLookup, optional
        Best-fit LSOA to ward lookup of the boundaries' ward vintage.
    ward_codes : iterable of str, optional
        Ward codes of the configured boundaries (default: the wards in ``lsoa_wards``).
    imd : ImdDeciles, optional
        IMD decile by LSOA; without it ``imd_decile`` is null.
    sources : mapping of int to str, optional
        File name of each census year, for error messages.
    read_findings : pandas.DataFrame, optional
        Findings from :func:`read_census_table`, included in the result.
    title : str
        Heading of the validation report.

    Returns
    -------
    CensusCleanResult

    Raises
    ------
    JsnaInputError
        Missing columns or a column whose values are mostly of the wrong kind.
    """
    retain_freed_memory()
    if isinstance(frames, Mapping):
        frames = _stack_years(frames)
    names = frames.column_names if isinstance(frames, pa.Table) else list(frames.columns)
    if "census_year" not in names:
        raise JsnaInputError("census frame has no census_year column")
    sources = dict(sources or {})
    table = _census_table(frames, ", ".join(sorted(set(sources.values()))) or "census")
    wards = frozenset(ward_codes) if ward_codes is not None else (
        lsoa_wards.ward_codes if lsoa_wards is not None else frozenset())
    geography = _Geography(postcodes, lsoa_wards, wards, imd, area_code)
    prepared = _prepare(table, Pseudonymiser(salt), geography)
    if read_findings is not None and not read_findings.empty:
        absent = read_findings.loc[read_findings["finding"] == "fsm_column_absent", "census_year"]
        prepared = replace(prepared, fsm_absent_years=frozenset(int(y) for y in absent))

    collector = FindingsCollector()
    pupils: list[pa.Table] = []
    reconciliation: list[pd.DataFrame] = []
    all_years = table.column("census_year").to_numpy()
    years = _census_years_present(table)
    for year in years.tolist():
        positions = (np.arange(table.num_rows) if years.size == 1
                     else np.flatnonzero(all_years == year))
        kept, counts = _clean_one_census(prepared, positions, int(year), collector,
                                         sources.get(int(year), f"census {year}"))
        pupils.append(kept)
        reconciliation.append(counts)

    findings = collector.to_frame()
    if read_findings is not None and not read_findings.empty:
        findings = findings_frame(
            read_findings[FINDING_COLUMNS].to_dict("records") + findings.to_dict("records")
        )
    recon = (pd.concat(reconciliation, ignore_index=True) if reconciliation
             else reconciliation_rows(0, 0, {}, 0).iloc[0:0])
    check_balanced(recon)
    return CensusCleanResult(
        pupils_table=pa.concat_tables(pupils) if pupils else _TABLE_SCHEMA.empty_table(),
        reconciliation=recon, findings=findings, title=title,
    )


def _census_years_present(table: pa.Table) -> np.ndarray:
    """The distinct census years of a table, sorted (one pass when there is only one)."""
    column = table.column("census_year")
    bounds = pc.min_max(column)
    if bounds["min"].as_py() == bounds["max"].as_py():
        return np.array([] if bounds["min"].as_py() is None else [bounds["min"].as_py()],
                        dtype=np.int64)
    return np.sort(pc.unique(column).to_numpy())


def _stack_years(frames: Mapping[int, pd.DataFrame | pa.Table]) -> pd.DataFrame | pa.Table:
    """One frame (or table) from ``{census year: frame}``, with a ``census_year`` column."""
    parts = [(int(year), frame) for year, frame in sorted(frames.items())]
    if parts and all(isinstance(frame, pa.Table) for _, frame in parts):
        return pa.concat_tables(
            [frame.append_column("census_year", pa.array(np.full(frame.num_rows, year)))
             for year, frame in parts], promote_options="permissive")
    frames_ = [frame.to_pandas() if isinstance(frame, pa.Table) else frame for _, frame in parts]
    stacked = [frame.assign(census_year=year) for (year, _), frame in zip(parts, frames_,
                                                                          strict=True)]
    return pd.concat(stacked, ignore_index=True) if stacked else pd.DataFrame()


def _pupils_frame(table: pa.Table) -> pd.DataFrame:
    frame = table.cast(PUPIL_SCHEMA).to_pandas(types_mapper={pa.int64(): pd.Int64Dtype(),
                                          pa.bool_(): pd.BooleanDtype()}.get)
    frame["census_year"] = frame["census_year"].astype("int64")
    frame["resident"] = frame["resident"].astype(bool)
    return frame


def _check_kind(
    statuses: np.ndarray, bad: tuple[int, ...], missing: int, rows: np.ndarray, column: str,
    expected: str, source: str,
) -> None:
    """Raise when more than half the non-blank values of a column are of the wrong kind.

    ``statuses`` are status codes; ``bad`` the codes of wrong values, ``missing`` that of blanks.
    """
    is_bad = np.zeros(statuses.shape, dtype=bool)
    for code in bad:
        is_bad |= statuses == code
    n_bad = int(is_bad.sum())
    n_given = int((statuses != missing).sum())
    if n_bad and 2 * n_bad > n_given:
        first = int(rows[np.flatnonzero(is_bad)[0]])
        raise JsnaInputError(
            f"{source}: column {column}: expected {expected}, but {n_bad} of {n_given} values are "
            f"not (first at row {first}); check the column mapping in [census.columns]"
        )


def _column(table: pa.Table, name: str) -> pa.ChunkedArray:
    """A column as read (chunks are not copied together); all null when absent."""
    if name in table.column_names:
        return table.column(name)
    return pa.chunked_array([pa.nulls(table.num_rows, pa.string())])


def _mask(values: np.ndarray) -> pa.Array:
    return pa.array(values, type=pa.bool_())


#: Coded census columns normalised independently of the census year, and their normaliser.
_CODED_COLUMNS: dict[str, object] = {
    "EnrolStatus": coding.normalise_enrol_status,
    "Gender": coding.normalise_sex,
    "NCYearActual": coding.normalise_nc_year,
    "SENType1": coding.normalise_need,
    "SENType2": coding.normalise_need,
    "FSMeligible": coding.normalise_fsm,
    "URN": coding.normalise_urn,
    "LAEstab": coding.normalise_laestab,
}
_VALUE_TYPES: dict[str, pa.DataType] = {"FSMeligible": pa.bool_()}


@dataclass(frozen=True)
class _PostcodeGeography:
    """Geography of each distinct home postcode, and each row's postcode (see :func:`_locate`)."""

    codes: np.ndarray  # per row: position among the distinct postcodes, -1 when blank
    blank: np.ndarray  # per distinct postcode (bool, float or object)
    well_formed: np.ndarray
    matched: np.ndarray
    corrected: np.ndarray
    outside: np.ndarray
    lsoa: tuple[np.ndarray, pa.Array]  # per postcode: index into the distinct LSOAs; those
    ward: tuple[np.ndarray, pa.Array]
    decile: np.ndarray


@dataclass(frozen=True)
class _Prepared:
    """Every census column normalised once, over all censuses (rows are positions in ``table``)."""

    table: pa.Table
    rows: np.ndarray
    has_value: np.ndarray
    coded: dict[str, coding.Coded]
    provision: tuple[np.ndarray, pa.Array]
    upns: PseudonymisedUpns
    shared_upn: np.ndarray  # True where another row of the same census may have the same UPN
    dob: tuple[np.ndarray, ParsedDates]  # per row: distinct date of birth; the distinct dates
    postcodes: _PostcodeGeography
    geography: _Geography
    #: Census years whose file has no FSM column (reported once, not as a blank per pupil).
    fsm_absent_years: frozenset[int] = frozenset()


def _parse_distinct_dates(column: pa.ChunkedArray) -> tuple[np.ndarray, ParsedDates]:
    """Each row's position among the distinct values of a date column, and those values parsed."""
    codes, distinct = coding.encode(column)
    return codes, parse_dates(distinct)


def _prepare(table: pa.Table, pseudonymiser: Pseudonymiser, geography: _Geography) -> _Prepared:
    """Normalise each column's distinct values once, for every census at once.

    The columns are independent, so they are encoded in a few threads: Arrow and numpy release
    the interpreter lock while they work.
    """
    names = [*_CODED_COLUMNS, "SENprovision"]
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        upns = pool.submit(_encrypt_upns, table, pseudonymiser)  # the longest task first
        dob = pool.submit(_parse_distinct_dates, _column(table, "DOB"))
        located = pool.submit(lambda: _locate(_column(table, "Postcode"), geography))
        encoded = dict(zip(names, pool.map(lambda n: coding.encode(_column(table, n)), names),
                           strict=True))
        return _Prepared(
            table=table,
            rows=table.column("source_row").to_numpy(),
            has_value=_has_value(table),
            coded={name: coding.normalise_encoded(encoded[name], normaliser,
                                                  _VALUE_TYPES.get(name))
                   for name, normaliser in _CODED_COLUMNS.items()},
            provision=encoded["SENprovision"],
            upns=upns.result()[0],
            shared_upn=upns.result()[1],
            dob=dob.result(),
            postcodes=located.result(),
            geography=geography,
        )


def _has_value(table: pa.Table) -> np.ndarray:
    """True for rows with at least one census value (False for blank rows)."""
    columns = [table.column(name) for name in table.column_names if name in _DATA_COLUMNS]
    if columns and any(column.null_count == 0 for column in columns):
        return np.ones(table.num_rows, dtype=bool)  # a column without blanks: no blank rows
    valid = pa.chunked_array([pa.array(np.zeros(table.num_rows, dtype=bool))])
    for column in columns:  # OR the validity bitmaps in Arrow, 8 rows a byte
        valid = pc.or_(valid, pc.is_valid(column))
    return valid.to_numpy(zero_copy_only=False)


def _encrypt_upns(table: pa.Table, pseudonymiser: Pseudonymiser,
                  ) -> tuple[PseudonymisedUpns, np.ndarray]:
    """Every row's UPN normalised and encrypted, and the rows that may repeat a UPN."""
    upns = pseudonymiser.encrypted(normalise_upns(_column(table, "UPN")))
    return upns, _shared_upns(upns, table)


def _shared_upns(upns: PseudonymisedUpns, table: pa.Table) -> np.ndarray:
    """Rows whose UPN may be on another row of the same census (one hash pass, no sorting).

    The first half of each encrypted UPN is mixed with the census year and hashed; rows whose
    value is unique certainly have a UPN of their own in their census. The others (repeated UPNs,
    and the rare rows sharing a half by chance) are compared in full by :func:`_repeated_upns`.
    """
    years = table.column("census_year")
    mixed = upns.high
    if _census_years_present(table).size > 1:
        mixed = mixed ^ (years.to_numpy().astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    # counts per bucket of 21 bits, twice (bits 43-63, then 22-42 of the rows left): only rows
    # sharing both buckets with another row are hashed. 2**21 counts (16 MB) stay below the
    # allocator's mmap threshold, so their memory is reused rather than new.
    crowded: np.ndarray | None = None
    values = mixed
    for shift in (43, 22):
        bucket = ((values >> np.uint64(shift)) & np.uint64(_BUCKETS - 1)).astype(np.intp)
        with_others = (np.bincount(bucket, minlength=_BUCKETS) > 1).take(bucket)
        crowded = np.flatnonzero(with_others) if crowded is None else crowded[with_others]
        values = mixed.take(crowded)
    shared = np.zeros(len(mixed), dtype=bool)
    shared[crowded] = pd.Series(values).duplicated(keep=False).to_numpy()
    return shared & upns.valid


#: Buckets of the repeated-UPN prefilter (:func:`_shared_upns`).
_BUCKETS = 1 << 21


def _repeated_upns(
    cipher: np.ndarray, rows: np.ndarray, counted: np.ndarray, subsidiary: np.ndarray,
    shared: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Find repeated UPNs among counted rows and subsidiary rows without a counted row.

    UPNs are compared by their encrypted blocks (equal blocks mean equal UPNs), only on the few
    rows that :func:`_shared_upns` found may share their UPN with another row.

    Parameters
    ----------
    cipher : numpy.ndarray of uint8, shape (n, 16)
        Each row's encrypted UPN.
    rows : numpy.ndarray of int
        Source row numbers (the first row of a repeated UPN is kept).
    counted : numpy.ndarray of bool
        Rows counted in the headcount with a UPN.
    subsidiary : numpy.ndarray of bool
        Subsidiary (``S``) registrations with a UPN.
    shared : numpy.ndarray of bool
        Rows that may share their UPN with another row (from :func:`_shared_upns`).

    Returns
    -------
    duplicate : numpy.ndarray of bool
        Counted rows whose UPN is on an earlier counted row.
    orphan : numpy.ndarray of bool
        Subsidiary rows whose UPN is on no counted row.
    """
    members = np.flatnonzero(shared & (counted | subsidiary))
    halves = np.ascontiguousarray(cipher[members]).view(">u8").astype(np.uint64)
    high, low = halves[:, 0], halves[:, 1]
    is_subsidiary = subsidiary[members]
    order = np.lexsort((rows[members], is_subsidiary, low, high))
    members, is_subsidiary, high, low = members[order], is_subsidiary[order], high[order], low[order]
    # groups of equal UPNs; counted rows come first in each group, in row order
    starts = np.ones(members.size, dtype=bool)
    starts[1:] = (high[1:] != high[:-1]) | (low[1:] != low[:-1])
    group = np.cumsum(starts) - 1
    counted_in_group = np.bincount(group, weights=~is_subsidiary, minlength=int(starts.sum()))
    duplicate = np.zeros(rows.size, dtype=bool)
    duplicate[members[~is_subsidiary & ~starts]] = True
    orphan = subsidiary.copy()
    orphan[members[is_subsidiary & (counted_in_group[group] > 0)]] = False
    return duplicate, orphan


def _clean_one_census(
    prepared: _Prepared, positions: np.ndarray, year: int, collector: FindingsCollector,
    source: str,
) -> tuple[pa.Table, pd.DataFrame]:
    """Clean one census (rows at ``positions`` of the prepared table); return kept rows, counts.

    Rows are first set aside (blank rows, enrolment status, repeated UPNs); then the columns of
    the kept rows are checked and built in a few threads (they are independent).
    """
    n = positions.size
    # a view, not a copy, when the table holds this census only
    select: np.ndarray | slice = slice(None) if n == len(prepared.rows) else positions
    rows = prepared.rows[select]

    # 1. rows set aside: blank rows, enrolment status, duplicate UPNs
    has_value = prepared.has_value[select]
    blank = ~has_value
    collector.add(year, "blank_row", "", rows[blank])
    enrol = prepared.coded["EnrolStatus"]
    enrol_status = enrol.row_statuses(select)
    given = slice(None) if not blank.any() else has_value
    _check_kind(enrol_status[given], (coding.UNKNOWN_CODE,), coding.MISSING_CODE,
                rows[given], "EnrolStatus", "enrolment status codes C, M, S or G", source)
    subsidiary = enrol.is_value(("S",), select) & has_value
    guest = enrol.is_value(("G",), select) & has_value
    status_unknown = (enrol_status != coding.OK_CODE) & has_value
    collector.add(year, "enrol_status_unknown", "EnrolStatus", rows[status_unknown])
    counted = enrol.is_value(coding.COUNTED_STATUSES, select) & has_value

    # a UPN twice among the counted rows is one pupil: keep its first row
    upns = prepared.upns
    with_upn = upns.valid[select]
    duplicate, orphan = _repeated_upns(
        upns.cipher[select], rows, counted & with_upn, subsidiary & with_upn,
        prepared.shared_upn[select],
    )
    orphan |= subsidiary & ~with_upn
    collector.add(year, "duplicate_upn", "UPN", rows[duplicate])
    collector.add(year, "subsidiary_without_main", "EnrolStatus", rows[orphan])

    kept_here = np.flatnonzero(counted & ~duplicate)
    counts = reconciliation_rows(year, n, {
        "blank_row": int(blank.sum()),
        "subsidiary": int(subsidiary.sum()),
        "guest": int(guest.sum()),
        "enrol_status_unknown": int(status_unknown.sum()),
        "duplicate_upn": int(duplicate.sum()),
    }, int(kept_here.size))

    # 2. the kept rows' columns, each part checked and recorded independently
    # one census alone: its positions are 0, 1, 2, ... so the kept rows' positions are kept_here
    kept_positions = kept_here if isinstance(select, slice) else positions.take(kept_here)
    kept = _Kept(prepared, kept_positions, rows.take(kept_here), year, collector, source)
    parts = (_upn_columns, _coded_columns, _need_columns, _school_columns, _age_column,
             _geography_columns)
    with ThreadPoolExecutor(max_workers=min(len(parts), os.cpu_count() or 1)) as pool:
        futures = [pool.submit(part, kept) for part in parts]
        columns = {name: array for future in futures for name, array in future.result().items()}
    columns["census_year"] = pa.array(np.full(kept.positions.size, year, dtype=np.int64))
    pupils = pa.table({name: columns[name] for name in PUPIL_COLUMNS}).cast(_TABLE_SCHEMA)
    return pupils, counts


@dataclass(frozen=True)
class _Kept:
    """The rows of one census kept in the headcount, and where to record findings about them."""

    prepared: _Prepared
    positions: np.ndarray  # in the prepared table
    rows: np.ndarray  # source row numbers, quoted in findings
    year: int
    collector: FindingsCollector
    source: str
    _views: dict[str, coding.Coded] = field(default_factory=dict)

    def add(self, finding: str, column: str, mask: np.ndarray) -> None:
        """Record a finding for the kept rows where ``mask`` is True."""
        rows = self.rows[mask] if mask.any() else self.rows[:0]  # most findings have no rows
        self.collector.add(self.year, finding, column, rows)

    def check_kind(self, statuses: np.ndarray, bad: tuple[int, ...], missing: int, column: str,
                   expected: str) -> None:
        """Stop when most values of a column are of the wrong kind (see :func:`_check_kind`)."""
        _check_kind(statuses, bad, missing, self.rows, column, expected, self.source)

    def coded(self, name: str) -> coding.Coded:
        """A coded column restricted to the kept rows (each row's code gathered once)."""
        if name not in self._views:
            column = self.prepared.coded[name]
            self._views[name] = coding.Coded(column.codes.take(self.positions), column.values,
                                             column.statuses)
        return self._views[name]

    def record(self, column: coding.Coded, name: str, expected: str,
               findings: Mapping[int, str]) -> None:
        """Check a coded column of the kept rows and record its findings.

        Row statuses are only worked out when a status with a finding (or an unknown value) is
        possible: when every distinct value is fine and no kept row is blank, as in most columns
        of most extracts, there is nothing to find.
        """
        if not column.may_have({*findings, coding.UNKNOWN_CODE}):
            return
        statuses = column.row_statuses()
        self.check_kind(statuses, (coding.UNKNOWN_CODE,), coding.MISSING_CODE, name, expected)
        for status, finding in findings.items():
            self.add(finding, name, statuses == status)

    @cached_property
    def provision(self) -> coding.Coded:
        """SEN provision of the kept rows, with the legacy codes of this census year."""
        codes, distinct = self.prepared.provision
        return coding.normalise_encoded(
            (codes.take(self.positions), distinct),
            lambda v: coding.normalise_sen_provision(v, self.year))


_MISSING_OR_UNKNOWN = {coding.MISSING_CODE: "{}_missing", coding.UNKNOWN_CODE: "{}_unknown"}


def _findings_named(prefix: str, names: Mapping[int, str] = _MISSING_OR_UNKNOWN,
                    ) -> dict[int, str]:
    return {status: name.format(prefix) for status, name in names.items()}


def _upn_columns(kept: _Kept) -> dict[str, pa.Array]:
    """UPN findings (the UPN is never output) and the pupil key."""
    upns = kept.prepared.upns
    row_status = upns.status.take(kept.positions)
    kept.check_kind(row_status, (BAD_FORMAT,), UPN_MISSING, "UPN",
                    "13-character unique pupil numbers")
    for status, finding in ((UPN_MISSING, "upn_missing"), (BAD_FORMAT, "upn_invalid_format"),
                            (BAD_CHECK_LETTER, "upn_invalid_check_letter"),
                            (TEMPORARY, "upn_temporary")):
        kept.add(finding, "UPN", row_status == status)
    return {"pupil_key": upns.keys(kept.positions)}


def _coded_columns(kept: _Kept) -> dict[str, pa.Array]:
    """Sex, year group and SEN provision."""
    sex, nc_year = kept.coded("Gender"), kept.coded("NCYearActual")
    kept.record(sex, "Gender", "M or F", _findings_named("sex"))
    kept.record(nc_year, "NCYearActual", "NC year groups (N1, N2, R, 1-14, X)",
                _findings_named("nc_year"))
    kept.record(kept.provision, "SENprovision", "SEN provision codes E, K or N",
                {**_findings_named("sen_provision"),
                 coding.RECODED_CODE: "sen_provision_recoded"})
    return {"sex": sex.row_dictionary(), "nc_year": nc_year.row_dictionary(),
            "sen_provision": kept.provision.row_dictionary()}


def _need_columns(kept: _Kept) -> dict[str, pa.Array]:
    """Primary and secondary need, checked against SEN provision."""
    with_plan = kept.provision.is_value(("E",))
    with_sen = kept.provision.is_value(("E", "K"))
    no_sen = kept.provision.is_value(("N",))
    unknown, missing = (coding.UNKNOWN_CODE,), coding.MISSING_CODE

    primary = kept.coded("SENType1")
    primary_status = primary.row_statuses()
    kept.check_kind(primary_status, unknown, missing, "SENType1",
                    "DfE need codes (ASD, HI, MLD, ...)")
    need_missing = with_sen & (primary_status == coding.MISSING_CODE)
    kept.add("need_missing_for_sen", "SENType1", need_missing)
    for status, finding in ((coding.UNKNOWN_CODE, "need_code_unknown"),
                            (coding.RECODED_CODE, "need_recoded")):
        if primary.may_have((status,)):
            kept.add(finding, "SENType1", ~no_sen & (primary_status == status))
    kept.add("need_without_sen", "SENType1", no_sen & (primary_status != coding.MISSING_CODE))
    if "NSA" in primary.values.to_pylist():
        kept.add("nsa_with_ehc_plan", "SENType1", with_plan & primary.is_value(("NSA",)))
    need_index, needs = primary.row_indices()
    if need_missing.any():
        if "UNKNOWN" not in needs.to_pylist():
            needs = pa.concat_arrays([needs, pa.array(["UNKNOWN"])])
        need_index[need_missing] = needs.to_pylist().index("UNKNOWN")
    need_index[no_sen] = -1

    secondary = kept.coded("SENType2")
    if secondary.may_have((coding.UNKNOWN_CODE, coding.RECODED_CODE)):  # else nothing to find
        secondary_status = secondary.row_statuses()
        kept.check_kind(secondary_status, unknown, missing, "SENType2",
                        "DfE need codes (ASD, HI, MLD, ...)")
        kept.add("secondary_need_unknown", "SENType2",
                 ~no_sen & (secondary_status == coding.UNKNOWN_CODE))
        kept.add("secondary_need_recoded", "SENType2",
                 ~no_sen & (secondary_status == coding.RECODED_CODE))
    second_index, second_needs = secondary.row_indices()
    second_index[no_sen] = -1
    return {"primary_need": coding.dictionary_array(need_index, needs),
            "secondary_need": coding.dictionary_array(second_index, second_needs)}


def _school_columns(kept: _Kept) -> dict[str, pa.Array]:
    """Free school meals, school URN and LAEstab (null when the extract has no such column)."""
    present = kept.prepared.table.column_names
    size = kept.positions.size
    columns: dict[str, pa.Array] = {"fsm": pa.nulls(size, pa.bool_())}
    # a file without the column, cleaned with one that has it, is not blank on every row
    if "FSMeligible" in present and kept.year not in kept.prepared.fsm_absent_years:
        fsm = kept.coded("FSMeligible")
        kept.record(fsm, "FSMeligible", "true/false, 1/0 or Y/N",
                    {coding.MISSING_CODE: "fsm_missing", coding.UNKNOWN_CODE: "fsm_unrecognised"})
        columns["fsm"] = fsm.row_values()
    for name, output, expected, finding in (
            ("URN", "school_urn", "6-digit URNs", "school_urn_invalid"),
            ("LAEstab", "la_estab", "7-digit LAEstab numbers", "la_estab_invalid")):
        if name not in present:
            columns[output] = pa.nulls(size, pa.string())
            continue
        school = kept.coded(name)
        if school.may_have((coding.UNKNOWN_CODE, coding.MISSING_CODE)):  # else all fine
            statuses = school.row_statuses()
            kept.check_kind(statuses, (coding.UNKNOWN_CODE,), coding.MISSING_CODE, name,
                            expected)
            kept.add(finding, name, statuses != coding.OK_CODE)
        columns[output] = school.row_dictionary()
    return columns


def _age_column(kept: _Kept) -> dict[str, pa.Array]:
    """Age on 31 August, worked out once per distinct date of birth; date findings."""
    dob_codes, dob_dates = kept.prepared.dob
    codes = dob_codes.take(kept.positions)
    code_of = DATE_STATUSES.index
    if not (dob_dates.status_codes == code_of("ok")).all() or (codes.size and codes.min() < 0):
        dob_status = coding.decode(codes, dob_dates.status_codes, code_of("missing"))
        kept.check_kind(dob_status, (code_of(UNREADABLE), code_of(IMPOSSIBLE)),
                        code_of("missing"), "DOB", "dates of birth (ISO, DD/MM/YYYY or Excel serial)")
        for status, finding in (("missing", "dob_missing"), (UNREADABLE, "dob_unreadable"),
                                (IMPOSSIBLE, "dob_impossible")):
            kept.add(finding, "DOB", dob_status == code_of(status))
    # ages per distinct date of birth, as small integers (-1: none) so the per-row work is light
    by_date = age_on_31_august(dob_dates.dates, kept.year)
    known = ~np.isnan(by_date)
    out_of_range_by_date = known & ((by_date < AGE_RANGE[0]) | (by_date > AGE_RANGE[1]))
    if out_of_range_by_date.any():
        kept.add("dob_out_of_range", "DOB", coding.decode(codes, out_of_range_by_date, False))
    by_date[~known | out_of_range_by_date] = -1
    age = coding.decode(codes, by_date.astype(np.int8), -1)
    nc_coded = kept.coded("NCYearActual")
    expected_by_value = coding.expected_age(
        np.array(nc_coded.values.to_pylist() + [None], dtype=object)[:-1]).astype(np.int8)
    expected = coding.decode(nc_coded.codes, expected_by_value, -1)
    comparable = (expected >= 0) & (age >= 0)
    _check_census_year_by_age(age[comparable], expected[comparable], kept.year, kept.source)
    kept.add("age_outside_year_group", "DOB", comparable & (np.abs(age - expected) > 1))
    return {"age": _whole_numbers(age)}


#: Fewest pupils (valid date of birth and year group) needed to tell a census's year by age.
MIN_PUPILS_FOR_YEAR_CHECK = 20


def census_year_by_age(age: np.ndarray, expected: np.ndarray, year: int) -> tuple[int, float]:
    """The census year that pupils' ages point to, and the share of pupils that agree.

    In a January census, a pupil's age on 31 August before it is, for nearly every pupil, the
    age expected for the year group (Year 1: 5, Reception: 4, ...). Ages worked out for the wrong
    census year are all off by the same number of years, so the modal offset of age from the
    expected age gives the census the file is from; a few dirty dates of birth do not move it.

    Parameters
    ----------
    age, expected : numpy.ndarray of int
        Age on 31 August before the configured census, and the age expected for the year group,
        of pupils with both known.
    year : int
        The configured census year.

    Returns
    -------
    (int, float)
        ``year - modal offset`` and the share of pupils with that offset.
    """
    offset = np.asarray(age, dtype=np.int64) - np.asarray(expected, dtype=np.int64)
    if offset.size == 0:
        return year, 1.0
    low = int(offset.min())
    counts = np.bincount(offset - low)
    modal = int(np.argmax(counts)) + low
    return year - modal, float(counts.max() / offset.size)


def _check_census_year_by_age(age: np.ndarray, expected: np.ndarray, year: int,
                              source: str) -> None:
    """Stop when most pupils' ages point to another census than the configured one."""
    if age.size < MIN_PUPILS_FOR_YEAR_CHECK:
        return
    found, share = census_year_by_age(age, expected, year)
    if found != year and share > 0.5:
        gap = abs(found - year)
        raise JsnaInputError(
            f"{source}: the config lists this file as the January {year} census, but its pupils' "
            f"ages point to the January {found} census ({100 * share:.0f}% of pupils with a "
            f"date of birth and year group are {gap} year{'s' if gap != 1 else ''} "
            f"{'older' if found < year else 'younger'} on 31 August {year - 1} than their year "
            f"group); check inputs.census.{year}"
        )


def _whole_numbers(values: np.ndarray) -> pa.Array:
    """Small whole numbers (-1 = missing) as an Arrow int64 array with nulls."""
    valid = values >= 0
    if valid.all():
        return pa.array(values.astype(np.int64))
    if not valid.any():
        return pa.nulls(values.size, pa.int64())
    return pa.array(values, mask=~valid).cast(pa.int64())


def _locate(column: pa.Array, geography: _Geography) -> _PostcodeGeography:
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
    return _PostcodeGeography(
        codes=raw_codes, blank=blank_value, well_formed=well_formed, matched=matched,
        corrected=corrected, outside=outside, lsoa=_encoded(lsoa), ward=_encoded(ward),
        decile=decile,
    )


def _encoded(values: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """Text values as int32 positions among the distinct values (-1 = null), and those values."""
    codes, distinct = coding.encode(values)
    return codes.astype(np.int32), distinct


#: Bits of a home postcode's findings (:func:`_geography_columns`), one per finding type.
_POSTCODE_FINDINGS: tuple[str, ...] = (
    "postcode_missing", "postcode_malformed", "postcode_unmatched", "postcode_corrected",
    "postcode_outside_council", "ward_not_found", "lsoa_not_in_imd",
)
(_BLANK, _MALFORMED, _UNMATCHED, _CORRECTED, _OUTSIDE, _NO_WARD,
 _NOT_IN_IMD) = (np.uint8(1 << bit) for bit in range(len(_POSTCODE_FINDINGS)))


def _postcode_flags(located: _PostcodeGeography, geography: _Geography) -> np.ndarray:
    """The findings of each distinct home postcode, as bits (uint8) of :data:`_POSTCODE_FINDINGS`."""
    blank = located.blank.astype(bool)
    well_formed = located.well_formed.astype(bool)
    resident = located.matched & ~located.outside
    bits = [
        (_BLANK, blank),
        (_MALFORMED, ~blank & ~well_formed),
        (_UNMATCHED, ~blank & well_formed & ~located.matched),
        (_CORRECTED, located.corrected & well_formed),
        (_OUTSIDE, located.outside),
    ]
    if geography.lsoa_wards is not None or geography.ward_codes:
        bits.append((_NO_WARD, resident & (located.ward[0] < 0)))
    if geography.imd is not None:
        # the IMD file may cover only the council's LSOAs: report residents only
        bits.append((_NOT_IN_IMD, resident & np.isnan(located.decile)))
    flags = np.zeros(len(blank), dtype=np.uint8)
    for bit, where in bits:
        flags[where] |= bit
    return flags


def _geography_columns(kept: _Kept) -> dict[str, pa.Array]:
    """LSOA, ward, IMD decile and residence of every kept row; postcode findings recorded.

    Each distinct postcode's findings are worked out once, as bits of one byte; the rows get
    them in one gather, and only findings that some postcode has are looked for among the rows.
    """
    located, geography = kept.prepared.postcodes, kept.prepared.geography
    # each kept row's distinct postcode, gathered once; as 64-bit positions when numpy's take
    # would otherwise widen them again for each of the four lookups below
    codes = located.codes.take(kept.positions)
    if codes.dtype == np.int32:
        codes = codes.astype(np.intp)

    def take(values: tuple[np.ndarray, pa.Array]) -> pa.DictionaryArray:
        positions, dictionary = values
        return coding.dictionary_array(coding.decode(codes, positions, -1), dictionary)

    flags_by_postcode = _postcode_flags(located, geography)
    row_flags = coding.decode(codes, flags_by_postcode, _BLANK)  # a blank row: no postcode
    present = np.bitwise_or.reduce(flags_by_postcode) if flags_by_postcode.size else 0
    if codes.size and codes.min() < 0:
        present |= _BLANK
    if present & _MALFORMED:
        statuses = np.where(row_flags & _BLANK, 1, np.where(row_flags & _MALFORMED, 2, 0))
        kept.check_kind(statuses.astype(np.int8), (2,), 1, "Postcode", "UK postcodes")
    for bit, finding in enumerate(_POSTCODE_FINDINGS):
        flag = np.uint8(1 << bit)
        if present & flag:
            kept.add(finding, "Postcode", (row_flags & flag) != 0)
    resident = ((row_flags & _OUTSIDE) == 0 if present & _OUTSIDE
                else np.ones(codes.size, dtype=bool))
    row_decile = coding.decode(codes, np.nan_to_num(located.decile, nan=-1).astype(np.int8), -1)
    return {
        "lsoa_code": take(located.lsoa),
        "ward_code": take(located.ward),
        "imd_decile": _whole_numbers(row_decile),
        "resident": _mask(resident),
    }


def _lsoa_column(
    directory: PostcodeDirectory, lsoa_wards: LsoaWardLookup | None, vintage: str | None = None
) -> str:
    """The directory's LSOA column of the wanted vintage (default: the ward lookup's), else newest."""
    wanted = vintage or (lsoa_wards.lsoa_vintage if lsoa_wards is not None else None)
    if wanted in directory.lsoa_columns:
        return wanted
    return directory.lsoa_columns[0]


# --------------------------------------------------------------------------------------------
# Config-level entry points
# --------------------------------------------------------------------------------------------


def clean_census(config: Config) -> CensusCleanResult:
    """Read and clean every census file listed in the config.

    Parameters
    ----------
    config : jsna.config.Config
        The council's configuration (census files, postcode and LSOA-ward lookups, ward
        boundaries, IMD file, ``[census]`` salt and column map).

    Returns
    -------
    CensusCleanResult

    Raises
    ------
    JsnaInputError
        One line naming the file and the problem.
    """
    if not config.inputs.census:
        raise JsnaInputError(f"{config.path.name}: inputs.census is not set: there is no school "
                             f"census to clean")
    columns_map = dict(config.census.columns)
    check_columns_map(columns_map, (*CENSUS_HEADINGS, *DIRECTORY_COLUMNS))
    inputs = config.inputs
    by_file: dict[Path, list[int]] = {}
    for year, path in sorted(inputs.census.items()):
        by_file.setdefault(Path(path).resolve(), []).append(int(year))
    tables: list[pa.Table] = []
    read_findings: list[pd.DataFrame] = []
    sources: dict[int, str] = {}
    for path, years in by_file.items():
        table, found = read_census_table(path, years if len(years) > 1 else years[0], columns_map)
        tables.append(table)
        read_findings.append(found)
        for year in years:
            sources[year] = path.name
        missing_years = sorted(set(years) - set(pc.unique(table.column("census_year")).to_pylist()))
        if missing_years:
            raise JsnaInputError(
                f"{path.name}: the config lists this file for census {missing_years[0]}, but no "
                f"row has that census date"
            )
    postcodes = (read_postcode_directory(inputs.postcode_lookup, columns_map)
                 if inputs.postcode_lookup else None)
    lsoa_wards = read_lsoa_ward_lookup(inputs.lsoa_ward_lookup) if inputs.lsoa_ward_lookup else None
    ward_codes: frozenset[str] | None = None
    if inputs.ward_boundaries is not None and Path(inputs.ward_boundaries).exists():
        ward_codes = read_ward_codes(inputs.ward_boundaries)
    imd = read_imd_deciles(inputs.imd) if inputs.imd else None
    findings = pd.concat([f for f in read_findings if not f.empty] or [read_findings[0]],
                         ignore_index=True)
    return clean_census_frames(
        pa.concat_tables(tables, promote_options="permissive"),
        salt=config.census.salt,
        area_code=config.area.code,
        postcodes=postcodes,
        lsoa_wards=lsoa_wards,
        ward_codes=ward_codes,
        imd=imd,
        sources=sources,
        read_findings=findings,
        title=config.area.name,
    )


def write_census_outputs(result: CensusCleanResult, out_dir: Path) -> list[Path]:
    """Write ``pupils.parquet``, ``reconciliation.csv``, ``validation.csv`` and ``validation.html``.

    Output is deterministic: the same inputs give the same bytes.

    Parameters
    ----------
    result : CensusCleanResult
        From :func:`clean_census` or :func:`clean_census_frames`.
    out_dir : Path
        Folder (created if needed).

    Returns
    -------
    list of Path
        The files written, in the order of :data:`OUTPUT_FILES`.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    check_balanced(result.reconciliation)
    paths = [out_dir / name for name in OUTPUT_FILES]
    table = result.pupils_table.select(list(PUPIL_COLUMNS)).cast(PUPIL_SCHEMA)
    # the pandas metadata restores the nullable Int64/boolean columns in pandas.read_parquet
    pandas_schema = pa.Schema.from_pandas(_pupils_frame(PUPIL_SCHEMA.empty_table()),
                                          preserve_index=False)
    pq.write_table(table.replace_schema_metadata(pandas_schema.metadata), paths[0],
                   compression="zstd")
    result.reconciliation.to_csv(paths[1], index=False, lineterminator="\n")
    result.findings.to_csv(paths[2], index=False, lineterminator="\n")
    paths[3].write_text(
        render_validation_html(result.findings, result.reconciliation, title=result.title),
        encoding="utf-8", newline="\n",
    )
    return paths
