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
  :mod:`jsna.clean.codes`);
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

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from jsna.clean import codes as coding
from jsna.clean.dates import IMPOSSIBLE, UNREADABLE, age_on_31_august, parse_dates
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
    Pseudonymiser,
    normalise_upns,
    upn_status,
)
from jsna.clean.upn import MISSING as UPN_MISSING
from jsna.clean.validation import (
    FINDING_COLUMNS,
    FindingsCollector,
    findings_frame,
    render_validation_html,
)
from jsna.errors import JsnaInputError

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
    pupils : pandas.DataFrame
        One row per pupil per census (columns :data:`PUPIL_COLUMNS`).
    reconciliation : pandas.DataFrame
        ``census_year, step, reason, rows``.
    findings : pandas.DataFrame
        ``census_year, finding, column, rows, example_rows``.
    title : str
        Heading of the validation report (normally the council's name).
    """

    pupils: pd.DataFrame
    reconciliation: pd.DataFrame
    findings: pd.DataFrame
    title: str = "School census"

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
    frame : pandas.DataFrame
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
    frame = table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)
    return frame, collector.to_frame()


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


def _to_text_table(frame: pd.DataFrame, source: str) -> pa.Table:
    """Standardise a raw census DataFrame: standard column names as text, source_row, census_year."""
    headings = [str(c) for c in frame.columns if c not in ("source_row", "census_year")]
    found = match_headings(headings, source=source)
    check_required(found, headings, source)
    arrays: dict[str, pa.Array] = {}
    for name, heading in found.items():
        if name in _DATA_COLUMNS:
            arrays[name] = _text_column(frame[heading])
    if "source_row" in frame.columns:
        arrays["source_row"] = pa.array(frame["source_row"].to_numpy(dtype=np.int64))
    else:
        arrays["source_row"] = pa.array(np.arange(2, len(frame) + 2, dtype=np.int64))
    arrays["census_year"] = pa.array(frame["census_year"].to_numpy(dtype=np.int64))
    return pa.table(arrays)


def clean_census_frames(
    frames: pd.DataFrame | Mapping[int, pd.DataFrame],
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
    frames : pandas.DataFrame or mapping of int to pandas.DataFrame
        Either one frame with a ``census_year`` column or ``{census year: frame}``. Columns may use
        standard names (as :func:`read_census_file` returns) or any accepted heading; name columns
        are ignored. A ``source_row`` column gives the row numbers quoted in findings (default:
        position + 2, as a spreadsheet with a heading row numbers them).
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
        Findings from :func:`read_census_file`, included in the result.
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
    if isinstance(frames, Mapping):
        parts = [frame.assign(census_year=int(year)) for year, frame in sorted(frames.items())]
        frames = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if "census_year" not in frames.columns:
        raise JsnaInputError("census frame has no census_year column")
    sources = dict(sources or {})
    table = _to_text_table(frames, ", ".join(sorted(set(sources.values()))) or "census")
    wards = frozenset(ward_codes) if ward_codes is not None else (
        lsoa_wards.ward_codes if lsoa_wards is not None else frozenset())
    geography = _Geography(postcodes, lsoa_wards, wards, imd, area_code)

    # UPNs of every census at once, so each distinct UPN is checked and hashed once
    raw_codes, raw_upns = coding.encode(_column(table, "UPN"))
    normalised = normalise_upns(raw_upns)
    if pc.all(pc.fill_null(pc.equal(raw_upns, normalised), False)).as_py() is not False:
        norm_of_raw, upns = np.arange(len(raw_upns), dtype=np.int64), raw_upns  # already clean
    else:
        norm_of_raw, upns = coding.encode(normalised)
    upn_index = np.append(norm_of_raw, -1)[raw_codes]  # per row; -1 = blank
    upn_statuses = upn_status(upns)

    collector = FindingsCollector()
    pupils: list[pa.Table] = []
    kept_upns: list[np.ndarray] = []
    reconciliation: list[pd.DataFrame] = []
    all_years = table.column("census_year").to_numpy()
    for year in sorted(set(all_years.tolist())):
        rows = np.flatnonzero(all_years == year)
        whole = rows.size == table.num_rows
        subset = table if whole else table.take(pa.array(rows))
        kept, kept_upn, counts = _clean_one_census(
            subset, upn_index if whole else upn_index[rows], upn_statuses, int(year), geography,
            collector, sources.get(int(year), f"census {year}"),
        )
        pupils.append(kept)
        kept_upns.append(kept_upn)
        reconciliation.append(counts)

    # pupil keys: HMAC of each distinct UPN that is kept, spread over the rows
    result_table = pa.concat_tables(pupils) if pupils else PUPIL_SCHEMA.empty_table()
    every_kept_upn = np.concatenate(kept_upns) if kept_upns else np.zeros(0, dtype=np.int64)
    used = np.flatnonzero(coding.present(every_kept_upn, len(upns)))
    keys = np.full(len(upns), None, dtype=object)
    if used.size:
        keys[used] = Pseudonymiser(salt).keys(upns.take(pa.array(used)).to_pylist())
    else:
        Pseudonymiser(salt)  # still reject an empty salt
    pupil_key = pa.array(coding.decode(every_kept_upn, keys, None), type=pa.string())
    result_table = result_table.set_column(
        PUPIL_SCHEMA.get_field_index("pupil_key"), "pupil_key", pupil_key)

    findings = collector.to_frame()
    if read_findings is not None and not read_findings.empty:
        findings = findings_frame(
            read_findings[FINDING_COLUMNS].to_dict("records") + findings.to_dict("records")
        )
    recon = (pd.concat(reconciliation, ignore_index=True) if reconciliation
             else reconciliation_rows(0, 0, {}, 0).iloc[0:0])
    check_balanced(recon)
    return CensusCleanResult(
        pupils=_pupils_frame(result_table), reconciliation=recon, findings=findings, title=title
    )


def _pupils_frame(table: pa.Table) -> pd.DataFrame:
    frame = table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype(),
                                          pa.bool_(): pd.BooleanDtype()}.get)
    frame["census_year"] = frame["census_year"].astype("int64")
    frame["resident"] = frame["resident"].astype(bool)
    return frame


def _check_kind(
    statuses: np.ndarray, bad: tuple[str, ...], rows: np.ndarray, column: str, expected: str,
    source: str,
) -> None:
    """Raise when more than half the non-blank values of a column are of the wrong kind."""
    is_bad = np.zeros(statuses.shape, dtype=bool)
    for status in bad:
        is_bad |= statuses == status
    n_bad = int(is_bad.sum())
    n_given = int((statuses != coding.MISSING).sum())
    if n_bad and 2 * n_bad > n_given:
        first = int(rows[np.flatnonzero(is_bad)[0]])
        raise JsnaInputError(
            f"{source}: column {column}: expected {expected}, but {n_bad} of {n_given} values are "
            f"not (first at row {first}); check the column mapping in [census.columns]"
        )


def _column(table: pa.Table, name: str) -> pa.Array:
    if name in table.column_names:
        return table.column(name).combine_chunks()
    return pa.nulls(table.num_rows, pa.string())


def _mask(values: np.ndarray) -> pa.Array:
    return pa.array(values, type=pa.bool_())


def _clean_one_census(
    table: pa.Table,
    upn_index: np.ndarray,
    upn_statuses: np.ndarray,
    year: int,
    geography: _Geography,
    collector: FindingsCollector,
    source: str,
) -> tuple[pa.Table, np.ndarray, pd.DataFrame]:
    """Clean one census; return kept rows (pupil_key still empty), their UPN codes, counts."""
    n = table.num_rows
    rows = table.column("source_row").to_numpy()

    # 1. rows set aside: blank rows, enrolment status, duplicate UPNs
    has_value = np.zeros(n, dtype=bool)
    for name in (c for c in table.column_names if c in _DATA_COLUMNS):
        has_value |= table.column(name).is_valid().to_numpy(zero_copy_only=False)
    blank = ~has_value
    collector.add(year, "blank_row", "", rows[blank])

    enrol = coding.normalise_column(_column(table, "EnrolStatus"), coding.normalise_enrol_status)
    enrol_status = enrol.row_statuses()
    _check_kind(enrol_status[has_value], (coding.UNKNOWN,), rows[has_value], "EnrolStatus",
                "enrolment status codes C, M, S or G", source)
    subsidiary = enrol.is_value(("S",)) & has_value
    guest = enrol.is_value(("G",)) & has_value
    status_unknown = (enrol_status != coding.OK) & has_value
    collector.add(year, "enrol_status_unknown", "EnrolStatus", rows[status_unknown])
    counted = enrol.is_value(coding.COUNTED_STATUSES) & has_value

    # a UPN twice among the counted rows is one pupil: keep its first row
    candidates = np.flatnonzero(counted & (upn_index >= 0))
    order = candidates[np.lexsort((rows[candidates], upn_index[candidates]))]
    sorted_upns = upn_index[order]
    repeat = np.zeros(order.size, dtype=bool)
    repeat[1:] = sorted_upns[1:] == sorted_upns[:-1]
    duplicate = np.zeros(n, dtype=bool)
    duplicate[order[repeat]] = True
    collector.add(year, "duplicate_upn", "UPN", rows[duplicate])
    counted_upns = np.append(coding.present(upn_index[counted], len(upn_statuses)), False)
    orphan = subsidiary & ~counted_upns[upn_index]
    collector.add(year, "subsidiary_without_main", "EnrolStatus", rows[orphan])

    kept = np.flatnonzero(counted & ~duplicate)
    kept_rows = rows[kept]
    counts = reconciliation_rows(year, n, {
        "blank_row": int(blank.sum()),
        "subsidiary": int(subsidiary.sum()),
        "guest": int(guest.sum()),
        "enrol_status_unknown": int(status_unknown.sum()),
        "duplicate_upn": int(duplicate.sum()),
    }, int(kept.size))

    # 2. UPN checks
    kept_upn = upn_index[kept]
    row_status = coding.decode(kept_upn, upn_statuses, UPN_MISSING)
    _check_kind(row_status, (BAD_FORMAT,), kept_rows, "UPN",
                "13-character unique pupil numbers", source)
    for status, finding in ((UPN_MISSING, "upn_missing"), (BAD_FORMAT, "upn_invalid_format"),
                            (BAD_CHECK_LETTER, "upn_invalid_check_letter"),
                            (TEMPORARY, "upn_temporary")):
        collector.add(year, finding, "UPN", kept_rows[row_status == status])

    # 3. coded fields
    sex = _coded(table, "Gender", coding.normalise_sex, kept, kept_rows, year, collector, source,
                 "M or F", {"missing": "sex_missing", "unknown": "sex_unknown"})
    nc_coded = coding.normalise_column(_column(table, "NCYearActual"), coding.normalise_nc_year)
    nc_year = _record_coded(nc_coded, "NCYearActual", kept, kept_rows, year, collector, source,
                            "NC year groups (N1, N2, R, 1-14, X)",
                            {"missing": "nc_year_missing", "unknown": "nc_year_unknown"})
    provision_coded = coding.normalise_column(
        _column(table, "SENprovision"), lambda v: coding.normalise_sen_provision(v, year))
    provision = _record_coded(
        provision_coded, "SENprovision", kept, kept_rows, year, collector, source,
        "SEN provision codes E, K or N",
        {"missing": "sen_provision_missing", "unknown": "sen_provision_unknown",
         "recoded": "sen_provision_recoded"})
    with_plan = provision_coded.is_value(("E",), kept)
    with_sen = provision_coded.is_value(("E", "K"), kept)
    no_sen = provision_coded.is_value(("N",), kept)

    primary = coding.normalise_column(_column(table, "SENType1"), coding.normalise_need)
    primary_status = primary.row_statuses(kept)
    _check_kind(primary_status, (coding.UNKNOWN,), kept_rows, "SENType1",
                "DfE need codes (ASD, HI, MLD, ...)", source)
    need_missing = with_sen & (primary_status == coding.MISSING)
    collector.add(year, "need_missing_for_sen", "SENType1", kept_rows[need_missing])
    collector.add(year, "need_code_unknown", "SENType1",
                  kept_rows[~no_sen & (primary_status == coding.UNKNOWN)])
    collector.add(year, "need_recoded", "SENType1",
                  kept_rows[~no_sen & (primary_status == coding.RECODED)])
    collector.add(year, "need_without_sen", "SENType1",
                  kept_rows[no_sen & (primary_status != coding.MISSING)])
    collector.add(year, "nsa_with_ehc_plan", "SENType1",
                  kept_rows[with_plan & primary.is_value(("NSA",), kept)])
    primary_need = pc.if_else(_mask(need_missing), "UNKNOWN", primary.row_values(kept))
    primary_need = pc.if_else(_mask(no_sen), pa.scalar(None, pa.string()), primary_need)

    secondary = coding.normalise_column(_column(table, "SENType2"), coding.normalise_need)
    secondary_status = secondary.row_statuses(kept)
    _check_kind(secondary_status, (coding.UNKNOWN,), kept_rows, "SENType2",
                "DfE need codes (ASD, HI, MLD, ...)", source)
    collector.add(year, "secondary_need_unknown", "SENType2",
                  kept_rows[~no_sen & (secondary_status == coding.UNKNOWN)])
    collector.add(year, "secondary_need_recoded", "SENType2",
                  kept_rows[~no_sen & (secondary_status == coding.RECODED)])
    secondary_need = pc.if_else(_mask(no_sen), pa.scalar(None, pa.string()),
                                secondary.row_values(kept))

    if "FSMeligible" in table.column_names:
        fsm = _coded(table, "FSMeligible", coding.normalise_fsm, kept, kept_rows, year, collector,
                     source, "true/false, 1/0 or Y/N",
                     {"missing": "fsm_missing", "unknown": "fsm_unrecognised"},
                     value_type=pa.bool_())
    else:
        fsm = pa.nulls(kept.size, pa.bool_())
    school_urn = _school_column(table, "URN", coding.normalise_urn, kept, kept_rows, year,
                                collector, source, "6-digit URNs", "school_urn_invalid")
    la_estab = _school_column(table, "LAEstab", coding.normalise_laestab, kept, kept_rows, year,
                              collector, source, "7-digit LAEstab numbers", "la_estab_invalid")

    # 4. dates of birth and age
    dob = parse_dates(_column(table, "DOB").take(pa.array(kept, type=pa.int64())))
    _check_kind(dob.status, (UNREADABLE, IMPOSSIBLE), kept_rows, "DOB",
                "dates of birth (ISO, DD/MM/YYYY or Excel serial)", source)
    for status, finding in (("missing", "dob_missing"), (UNREADABLE, "dob_unreadable"),
                            (IMPOSSIBLE, "dob_impossible")):
        collector.add(year, finding, "DOB", kept_rows[dob.status == status])
    age = age_on_31_august(dob.dates, year)
    out_of_range = ~np.isnan(age) & ((age < AGE_RANGE[0]) | (age > AGE_RANGE[1]))
    collector.add(year, "dob_out_of_range", "DOB", kept_rows[out_of_range])
    age[out_of_range] = np.nan
    expected_by_value = coding.expected_age(
        np.array(nc_coded.values.to_pylist() + [None], dtype=object)[:-1])
    expected = coding.decode(nc_coded.codes[kept], expected_by_value, -1)
    off = (expected >= 0) & ~np.isnan(age) & (np.abs(age - expected) > 1)
    collector.add(year, "age_outside_year_group", "DOB", kept_rows[off])

    # 5. geography
    geo = _geography(table, kept, kept_rows, year, geography, collector, source)

    pupils = pa.table({
        "census_year": pa.array(np.full(kept.size, year, dtype=np.int64)),
        "pupil_key": pa.nulls(kept.size, pa.string()),
        "sex": sex,
        "age": pa.array(age, mask=np.isnan(age), type=pa.float64()).cast(pa.int64()),
        "nc_year": nc_year,
        "sen_provision": provision,
        "primary_need": primary_need,
        "secondary_need": secondary_need,
        "fsm": fsm,
        "school_urn": school_urn,
        "la_estab": la_estab,
        **geo,
    }, schema=PUPIL_SCHEMA)
    return pupils, kept_upn, counts


def _record_coded(
    coded: coding.Coded, name: str, kept: np.ndarray, kept_rows: np.ndarray, year: int,
    collector: FindingsCollector, source: str, expected: str, findings: Mapping[str, str],
) -> pa.Array:
    """Check a normalised column's kind, record its findings; return the kept rows' values."""
    statuses = coded.row_statuses(kept)
    _check_kind(statuses, (coding.UNKNOWN,), kept_rows, name, expected, source)
    for status, finding in findings.items():
        collector.add(year, finding, name, kept_rows[statuses == status])
    return coded.row_values(kept)


def _coded(
    table: pa.Table, name: str, normaliser, kept: np.ndarray, kept_rows: np.ndarray, year: int,
    collector: FindingsCollector, source: str, expected: str, findings: Mapping[str, str],
    value_type: pa.DataType | None = None,
) -> pa.Array:
    """Normalise a coded column, check its kind, record findings; return kept rows' values."""
    coded = coding.normalise_column(_column(table, name), normaliser, value_type)
    return _record_coded(coded, name, kept, kept_rows, year, collector, source, expected, findings)


def _school_column(
    table: pa.Table, name: str, normaliser, kept: np.ndarray, kept_rows: np.ndarray, year: int,
    collector: FindingsCollector, source: str, expected: str, finding: str,
) -> pa.Array:
    if name not in table.column_names:
        return pa.nulls(kept.size, pa.string())
    coded = coding.normalise_column(_column(table, name), normaliser)
    statuses = coded.row_statuses(kept)
    _check_kind(statuses, (coding.UNKNOWN,), kept_rows, name, expected, source)
    collector.add(year, finding, name, kept_rows[statuses != coding.OK])
    return coded.row_values(kept)


def _geography(
    table: pa.Table, kept: np.ndarray, kept_rows: np.ndarray, year: int, geography: _Geography,
    collector: FindingsCollector, source: str,
) -> dict[str, pa.Array]:
    """LSOA, ward, IMD decile and residence of every kept row, from the home postcode."""
    raw_codes, raw = coding.encode(_column(table, "Postcode"))
    normalised = normalise_postcodes(raw)
    well_formed = is_well_formed(normalised)
    corrected = pc.not_equal(raw, normalised).fill_null(False).to_numpy(zero_copy_only=False)
    blank_value = pc.is_null(normalised).to_numpy(zero_copy_only=False)
    n_unique = len(raw)

    la = np.full(n_unique, None, dtype=object)
    lsoa = np.full(n_unique, None, dtype=object)
    ward = np.full(n_unique, None, dtype=object)
    decile = np.full(n_unique, np.nan)
    matched = np.zeros(n_unique, dtype=bool)
    directory = geography.postcodes
    if directory is not None and n_unique:
        lookup = directory.table
        position = lookup.index.get_indexer(pd.Index(normalised.to_pylist(), dtype=object))
        matched = (position >= 0) & well_formed
        hit = np.flatnonzero(matched)
        found = lookup.iloc[position[hit]]
        la[hit] = found["la_code"].to_numpy(dtype=object)
        lsoa[hit] = found[_lsoa_column(directory, geography.lsoa_wards)].to_numpy(dtype=object)
        # ward: the directory's own ward when it is of the boundaries' vintage, else best fit
        own_ward = found["ward_code"].to_numpy(dtype=object)
        in_boundaries = np.array([w in geography.ward_codes for w in own_ward], dtype=bool)
        best_fit = np.full(hit.size, None, dtype=object)
        if geography.lsoa_wards is not None:
            fit_lsoa = found[_lsoa_column(directory, geography.lsoa_wards,
                                          geography.lsoa_wards.lsoa_vintage)]
            best_fit = geography.lsoa_wards.ward_by_lsoa.reindex(
                fit_lsoa.to_numpy(dtype=object)).to_numpy(dtype=object)
        ward[hit] = np.where(in_boundaries, own_ward, best_fit)
        if geography.imd is not None:
            imd_lsoa = found[_lsoa_column(directory, None, geography.imd.lsoa_vintage)]
            decile[hit] = geography.imd.decile_by_lsoa.reindex(
                imd_lsoa.to_numpy(dtype=object)).to_numpy(dtype=float)
    ward[pd.isna(ward)] = None

    area = geography.area_code
    outside = matched & (la != area) if area is not None else np.zeros(n_unique, dtype=bool)
    # ward_code is the council ward of the home: none for pupils living elsewhere
    ward[outside] = None
    codes = raw_codes[kept]

    def spread(values: np.ndarray, missing: object) -> np.ndarray:
        return coding.decode(codes, values, missing)

    row_blank = spread(blank_value, True).astype(bool)
    row_malformed = ~row_blank & ~spread(well_formed, False).astype(bool)
    row_matched = spread(matched, False).astype(bool)
    statuses = np.where(row_blank, "missing", np.where(row_malformed, "malformed", "ok"))
    _check_kind(statuses, ("malformed",), kept_rows, "Postcode", "UK postcodes", source)
    collector.add(year, "postcode_missing", "Postcode", kept_rows[row_blank])
    collector.add(year, "postcode_malformed", "Postcode", kept_rows[row_malformed])
    collector.add(year, "postcode_unmatched", "Postcode",
                  kept_rows[~row_blank & ~row_malformed & ~row_matched])
    collector.add(year, "postcode_corrected", "Postcode",
                  kept_rows[spread(corrected & well_formed, False).astype(bool)])
    row_outside = spread(outside, False).astype(bool)
    collector.add(year, "postcode_outside_council", "Postcode", kept_rows[row_outside])
    row_ward = pa.array(spread(ward, None), type=pa.string())
    if geography.lsoa_wards is not None or geography.ward_codes:
        no_ward = row_ward.is_null().to_numpy(zero_copy_only=False)
        collector.add(year, "ward_not_found", "Postcode",
                      kept_rows[row_matched & ~row_outside & no_ward])
    row_decile = spread(decile, np.nan).astype(float)
    if geography.imd is not None:
        # the IMD file may cover only the council's LSOAs: report residents only
        collector.add(year, "lsoa_not_in_imd", "Postcode",
                      kept_rows[row_matched & ~row_outside & np.isnan(row_decile)])
    return {
        "lsoa_code": pa.array(spread(lsoa, None), type=pa.string()),
        "ward_code": row_ward,
        "imd_decile": pa.array(row_decile, mask=np.isnan(row_decile),
                               type=pa.float64()).cast(pa.int64()),
        "resident": _mask(~row_outside),
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
    columns_map = dict(config.census.columns)
    check_columns_map(columns_map, (*CENSUS_HEADINGS, *DIRECTORY_COLUMNS))
    inputs = config.inputs
    by_file: dict[Path, list[int]] = {}
    for year, path in sorted(inputs.census.items()):
        by_file.setdefault(Path(path).resolve(), []).append(int(year))
    frames: list[pd.DataFrame] = []
    read_findings: list[pd.DataFrame] = []
    sources: dict[int, str] = {}
    for path, years in by_file.items():
        frame, found = read_census_file(path, years if len(years) > 1 else years[0], columns_map)
        frames.append(frame)
        read_findings.append(found)
        for year in years:
            sources[year] = path.name
        missing_years = sorted(set(years) - set(frame["census_year"].unique().tolist()))
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
        pd.concat(frames, ignore_index=True),
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
    table = pa.Table.from_pandas(result.pupils[list(PUPIL_COLUMNS)], preserve_index=False)
    pq.write_table(table, paths[0], compression="zstd")
    result.reconciliation.to_csv(paths[1], index=False, lineterminator="\n")
    result.findings.to_csv(paths[2], index=False, lineterminator="\n")
    paths[3].write_text(
        render_validation_html(result.findings, result.reconciliation, title=result.title),
        encoding="utf-8", newline="\n",
    )
    return paths
