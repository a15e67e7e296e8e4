"""The cleaned pupils table (``pupils.parquet``) and the four output files of the cleaner."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from jsna.clean.reconcile import check_balanced
from jsna.clean.validation import render_validation_html

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
TABLE_SCHEMA = pa.schema([
    pa.field(field.name, pa.dictionary(pa.int32(), pa.string()))
    if pa.types.is_string(field.type) and field.name != "pupil_key" else field
    for field in PUPIL_SCHEMA
])


OUTPUT_FILES: tuple[str, ...] = (
    "pupils.parquet", "reconciliation.csv", "validation.csv", "validation.html",
)


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
        return pupils_frame(self.pupils_table)

    def write(self, out_dir: Path) -> list[Path]:
        """Write the four output files (see :func:`write_census_outputs`)."""
        return write_census_outputs(self, out_dir)


def pupils_frame(table: pa.Table) -> pd.DataFrame:
    frame = table.cast(PUPIL_SCHEMA).to_pandas(types_mapper={pa.int64(): pd.Int64Dtype(),
                                          pa.bool_(): pd.BooleanDtype()}.get)
    frame["census_year"] = frame["census_year"].astype("int64")
    frame["resident"] = frame["resident"].astype(bool)
    return frame


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
    pandas_schema = pa.Schema.from_pandas(pupils_frame(PUPIL_SCHEMA.empty_table()),
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
