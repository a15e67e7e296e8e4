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

The cleaner's parts, in the order they run:

* :mod:`jsna.clean.census_reading`: read each extract (census columns, row numbers, census year);
* :mod:`jsna.clean.prepared_census`: standardise the table and normalise each column's distinct
  values once, for all censuses (UPNs checked and encrypted, dates parsed, postcodes located by
  :mod:`jsna.clean.home_geography`, repeated UPNs found by :mod:`jsna.clean.repeated_upns`);
* :mod:`jsna.clean.kept_rows`: per census, set rows aside with their reason, then check and build
  the kept rows' columns, recording every finding;
* :mod:`jsna.clean.pupils_table`: the output schema and the four files.

The code is plain ``pyarrow.compute``, numpy and pandas; the two shortcuts kept for speed say
what they buy (:func:`jsna.clean.upn.normalise_upns`, :func:`jsna.clean.repeated_upns.shared_upns`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jsna.clean.census_reading import census_years_present, read_census_file, read_census_table
from jsna.clean.headings import CENSUS_HEADINGS, check_columns_map
from jsna.clean.home_geography import Geography
from jsna.clean.kept_rows import census_year_by_age, clean_one_census
from jsna.clean.postcode import (
    DIRECTORY_COLUMNS,
    LsoaWardLookup,
    PostcodeDirectory,
    read_lsoa_ward_lookup,
    read_postcode_directory,
    read_ward_codes,
)
from jsna.clean.prepared_census import census_table, prepare_census
from jsna.clean.pupils_table import (
    OUTPUT_FILES,
    PUPIL_COLUMNS,
    PUPIL_SCHEMA,
    TABLE_SCHEMA,
    CensusCleanResult,
    write_census_outputs,
)
from jsna.clean.reconcile import check_balanced, reconciliation_rows
from jsna.clean.upn import Pseudonymiser
from jsna.clean.validation import FINDING_COLUMNS, FindingsCollector, findings_frame
from jsna.errors import JsnaInputError
from jsna.sources.imd import ImdDeciles, read_imd_deciles

if TYPE_CHECKING:
    from jsna.config import Config

__all__ = [
    "OUTPUT_FILES",
    "PUPIL_COLUMNS",
    "PUPIL_SCHEMA",
    "CensusCleanResult",
    "ImdDeciles",
    "census_year_by_age",
    "clean_census",
    "clean_census_frames",
    "read_census_file",
    "read_census_table",
    "read_imd_deciles",
    "write_census_outputs",
]


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
    if isinstance(frames, Mapping):
        frames = _stack_years(frames)
    names = frames.column_names if isinstance(frames, pa.Table) else list(frames.columns)
    if "census_year" not in names:
        raise JsnaInputError("census frame has no census_year column")
    sources = dict(sources or {})
    table = census_table(frames, ", ".join(sorted(set(sources.values()))) or "census")
    wards = frozenset(ward_codes) if ward_codes is not None else (
        lsoa_wards.ward_codes if lsoa_wards is not None else frozenset())
    geography = Geography(postcodes, lsoa_wards, wards, imd, area_code)
    prepared = prepare_census(table, Pseudonymiser(salt), geography)
    if read_findings is not None and not read_findings.empty:
        absent = read_findings.loc[read_findings["finding"] == "fsm_column_absent", "census_year"]
        prepared = replace(prepared, fsm_absent_years=frozenset(int(y) for y in absent))

    collector = FindingsCollector()
    pupils: list[pa.Table] = []
    reconciliation: list[pd.DataFrame] = []
    all_years = table.column("census_year").to_numpy()
    years = census_years_present(table)
    for year in years.tolist():
        positions = (np.arange(table.num_rows) if years.size == 1
                     else np.flatnonzero(all_years == year))
        kept, counts = clean_one_census(prepared, positions, int(year), collector,
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
        pupils_table=pa.concat_tables(pupils) if pupils else TABLE_SCHEMA.empty_table(),
        reconciliation=recon, findings=findings, title=title,
    )


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
        As :func:`clean_census_frames` returns; a problem with an input raises
        :class:`JsnaInputError` in one line naming the file and the problem.
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
        pa.concat_tables(tables, promote_options="permissive"), salt=config.census.salt,
        area_code=config.area.code, postcodes=postcodes, lsoa_wards=lsoa_wards,
        ward_codes=ward_codes, imd=imd, sources=sources, read_findings=findings,
        title=config.area.name)
