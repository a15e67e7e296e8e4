"""Council and ward counts from cleaned pupil rows of any size: pandas in memory, or DuckDB.

A council's own census (a few hundred thousand rows) is counted in memory by the functions the
chapters use (:func:`jsna.indicators.prevalence.council_prevalence`,
:func:`~jsna.indicators.prevalence.council_need_mix` and
:func:`jsna.indicators.wards.ward_counts`). A combined authority's or a national table (millions of
rows, many councils) is counted by DuckDB straight from parquet, out of core and on every core,
without loading the rows into pandas. :func:`census_counts` is the one interface: it chooses by
size (:data:`DUCKDB_FROM_ROWS`) or by its ``engine`` option, and both engines return the same
three tables, row for row (tested on the demo council).

Input: the cleaned pupils table (:data:`jsna.clean.PUPIL_COLUMNS`, one row per pupil per census)
with, for many councils, a column naming each row's council (``council_code``: the council whose
census the row comes from). Output: indicator rows (``count`` and ``denominator``; statistics and
disclosure control come after, as for one council).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jsna.indicators.prevalence import NEED_NAMES, council_need_mix, council_prevalence
from jsna.indicators.table import academic_year_label
from jsna.indicators.wards import (
    ALL_PUPILS,
    INDICATOR_COUNTS,
    NO_SEN,
    PLAN,
    PUPILS,
    SEN,
    SUPPORT,
    unknown_ward_code,
    ward_counts,
)

#: From this many pupil rows :func:`census_counts` counts with DuckDB (``engine="auto"``).
DUCKDB_FROM_ROWS = 2_000_000

#: The column naming each row's council in a table of many councils.
COUNCIL_COLUMN = "council_code"

#: Columns of the three tables :func:`census_counts` returns.
COUNCIL_ROW_COLUMNS = ["indicator_id", "area_code", "area_name", "area_type", "period",
                       "breakdown", "count", "denominator"]
WARD_ROW_COLUMNS = ["council_code", "indicator_id", "area_code", "area_type", "period",
                    "breakdown", "count", "denominator"]
WARD_TABLE_COLUMNS = ["council_code", "census_year", "ward_code", PUPILS, SUPPORT, PLAN, SEN,
                      NO_SEN]


@dataclass(frozen=True)
class CensusCounts:
    """Counts from cleaned pupil rows.

    Attributes
    ----------
    council : DataFrame
        :data:`COUNCIL_ROW_COLUMNS`: pupils with an EHC plan and on SEN support (of all pupils
        in the council's schools) and their primary needs (of pupils with that provision), per
        council and census, as the population chapter counts them.
    wards : DataFrame
        :data:`WARD_TABLE_COLUMNS`: resident pupils by home ward (``E99999999``-style code for
        "ward not known"), per council and census, as the wards chapter's ward table counts them
        (wards where no pupil lives are not listed: the chapter adds them from its ward list).
    ward_rows : DataFrame
        :data:`WARD_ROW_COLUMNS`: the ward indicators (SEN, SEN support, EHC plan as shares of
        resident pupils) from ``wards``.
    engine : str
        ``"memory"`` or ``"duckdb"``: which counted.
    """

    council: pd.DataFrame
    wards: pd.DataFrame
    ward_rows: pd.DataFrame
    engine: str


def _row_count(source: pd.DataFrame | str | Path | Sequence[str | Path]) -> int:
    if isinstance(source, pd.DataFrame):
        return len(source)
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    return sum(pq.ParquetFile(path).metadata.num_rows for path in _paths(source))


def _paths(source: str | Path | Sequence[str | Path]) -> list[str]:
    if isinstance(source, str | Path):
        return [str(source)]
    return [str(path) for path in source]


def choose_engine(source: pd.DataFrame | str | Path | Sequence[str | Path],
                  engine: str = "auto") -> str:
    """``"memory"`` or ``"duckdb"``: as asked, or by size (:data:`DUCKDB_FROM_ROWS` rows).

    Raises
    ------
    ValueError
        For an engine other than ``auto``, ``memory`` or ``duckdb``.
    """
    if engine not in ("auto", "memory", "duckdb"):
        raise ValueError(f"engine should be auto, memory or duckdb, got {engine!r}")
    if engine != "auto":
        return engine
    return "duckdb" if _row_count(source) >= DUCKDB_FROM_ROWS else "memory"


def census_counts(source: pd.DataFrame | str | Path | Sequence[str | Path], *,
                  area_code: str | None = None, names: Mapping[str, str] | None = None,
                  engine: str = "auto", threads: int | None = None) -> CensusCounts:
    """Council and ward counts from cleaned pupil rows, in memory or with DuckDB.

    Parameters
    ----------
    source : DataFrame, path or paths
        The cleaned pupils (``pupils.parquet`` layout), as a frame or parquet file(s).
    area_code : str, optional
        The council of every row when the table has no ``council_code`` column (one
        council's census).
    names : mapping, optional
        Council code -> name for the council rows (default: the code).
    engine : {"auto", "memory", "duckdb"}
        Who counts; ``auto`` uses DuckDB from :data:`DUCKDB_FROM_ROWS` rows.
    threads : int, optional
        DuckDB's threads (default: DuckDB's own choice, every core).

    Returns
    -------
    CensusCounts
        Sorted the same way by both engines.

    Raises
    ------
    ValueError
        When there is neither a ``council_code`` column nor ``area_code``.
    """
    chosen = choose_engine(source, engine)
    names = dict(names or {})
    if chosen == "duckdb":
        council, wards = _duckdb_counts(source, area_code, names, threads)
    else:
        frame = source if isinstance(source, pd.DataFrame) else pd.concat(
            [pd.read_parquet(path) for path in _paths(source)], ignore_index=True)
        council, wards = _memory_counts(frame, area_code, names)
    council = _tidy_council_rows(council)
    wards = wards.sort_values(["council_code", "census_year", "ward_code"],
                              kind="stable").reset_index(drop=True)
    return CensusCounts(council, wards, ward_indicator_rows(wards), chosen)


def _councils_of(frame: pd.DataFrame, area_code: str | None) -> list[tuple[str, pd.DataFrame]]:
    if COUNCIL_COLUMN in frame.columns:
        return [(str(code), group) for code, group in
                frame.groupby(COUNCIL_COLUMN, sort=True, observed=True)]
    if area_code is None:
        raise ValueError(f"the pupils have no {COUNCIL_COLUMN} column: give area_code")
    return [(area_code, frame)]


def _memory_counts(frame: pd.DataFrame, area_code: str | None,
                   names: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each council counted by the chapters' own functions."""
    council_parts, ward_parts = [], []
    no_wards = pd.DataFrame({"code": pd.Series(dtype=str), "name": pd.Series(dtype=str)})
    for code, pupils in _councils_of(frame, area_code):
        name = names.get(code, code)
        council_parts += [council_prevalence(pupils, code, name),
                          council_need_mix(pupils, code, name)]
        residents = pupils[pupils["resident"].fillna(False).astype(bool)]
        for _, of_year in residents.groupby("census_year", sort=True):
            table = ward_counts(of_year, no_wards, code, name)
            table = table[table["area_type"] == "Ward"].rename(columns={"area_code": "ward_code"})
            table = table.assign(council_code=code,
                                 census_year=int(of_year["census_year"].iloc[0]))
            ward_parts.append(table[WARD_TABLE_COLUMNS])
    council = pd.concat(council_parts, ignore_index=True) if council_parts else pd.DataFrame(
        columns=COUNCIL_ROW_COLUMNS)
    wards = pd.concat(ward_parts, ignore_index=True) if ward_parts else pd.DataFrame(
        columns=WARD_TABLE_COLUMNS)
    return council, wards


def _duckdb_counts(source: pd.DataFrame | str | Path | Sequence[str | Path],
                   area_code: str | None, names: dict[str, str],
                   threads: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three GROUP BY queries over the parquet files (or a frame), then small pandas tables."""
    import duckdb

    connection = duckdb.connect(config={"threads": threads} if threads else {})
    try:
        if isinstance(source, pd.DataFrame):
            connection.register("pupils_source", source)
            relation = "pupils_source"
            columns = list(source.columns)
        else:
            files = _paths(source)
            relation = f"read_parquet({files!r})"
            columns = [row[0] for row in connection.execute(
                f"DESCRIBE SELECT * FROM {relation}").fetchall()]
        if COUNCIL_COLUMN in columns:
            council = COUNCIL_COLUMN
        elif area_code is not None:
            council = f"'{_sql_text(area_code)}'"
        else:
            raise ValueError(f"the pupils have no {COUNCIL_COLUMN} column: give area_code")
        totals = connection.execute(f"""
            SELECT {council} AS code, census_year, count(*) AS pupils,
                   count(*) FILTER (WHERE sen_provision = 'E') AS plan,
                   count(*) FILTER (WHERE sen_provision = 'K') AS support
            FROM {relation} GROUP BY ALL""").df()
        needs = connection.execute(f"""
            SELECT {council} AS code, census_year, sen_provision,
                   coalesce(primary_need, 'UNKNOWN') AS need, count(*) AS count
            FROM {relation} WHERE sen_provision IN ('E', 'K') GROUP BY ALL""").df()
        wards = connection.execute(f"""
            SELECT {council} AS council_code, census_year, ward_code,
                   count(*) AS pupils,
                   count(*) FILTER (WHERE sen_provision = 'K') AS support,
                   count(*) FILTER (WHERE sen_provision = 'E') AS plan
            FROM {relation} WHERE resident GROUP BY ALL""").df()
    finally:
        connection.close()
    return _council_rows(totals, needs, names), _ward_table(wards)


def _sql_text(text: str) -> str:
    return str(text).replace("'", "''")


def _council_rows(totals: pd.DataFrame, needs: pd.DataFrame,
                  names: dict[str, str]) -> pd.DataFrame:
    """The rows :func:`council_prevalence` and :func:`council_need_mix` give, from counts."""
    parts = []
    for provision, indicator in (("plan", "pupils_ehc_plan_percent"),
                                 ("support", "pupils_sen_support_percent")):
        parts.append(pd.DataFrame({
            "indicator_id": indicator, "area_code": totals["code"].astype(str),
            "area_type": "Local authority",
            "period": academic_year_label(totals["census_year"].astype(int)),
            "breakdown": "All pupils", "count": totals[provision].astype("int64"),
            "denominator": totals["pupils"].astype("int64")}))
    if not needs.empty:
        needs = needs.assign(need=needs["need"].map(lambda c: NEED_NAMES.get(c, c)))
        needs = needs.groupby(["code", "census_year", "sen_provision", "need"]
                              )["count"].sum().reset_index()
        denominator = needs.groupby(["code", "census_year", "sen_provision"])["count"].transform(
            "sum")
        parts.append(pd.DataFrame({
            "indicator_id": needs["sen_provision"].map({"E": "ehc_plan_primary_need_percent",
                                                        "K": "sen_support_primary_need_percent"}),
            "area_code": needs["code"].astype(str), "area_type": "Local authority",
            "period": academic_year_label(needs["census_year"].astype(int)),
            "breakdown": needs["need"].astype(str), "count": needs["count"].astype("int64"),
            "denominator": denominator.astype("int64")}))
    rows = pd.concat(parts, ignore_index=True)
    rows["area_name"] = rows["area_code"].map(lambda code: names.get(code, code))
    return rows


def _ward_table(wards: pd.DataFrame) -> pd.DataFrame:
    """The ward table's rows (as :func:`ward_counts` gives them) from grouped counts."""
    table = pd.DataFrame({
        "council_code": wards["council_code"].astype(str),
        "census_year": wards["census_year"].astype("int64"),
        "ward_code": [code if isinstance(code, str) else unknown_ward_code(council)
                      for code, council in zip(wards["ward_code"], wards["council_code"],
                                               strict=True)],
        PUPILS: wards["pupils"].astype("int64"), SUPPORT: wards["support"].astype("int64"),
        PLAN: wards["plan"].astype("int64")})
    table[SEN] = table[SUPPORT] + table[PLAN]
    table[NO_SEN] = table[PUPILS] - table[SEN]
    return table[WARD_TABLE_COLUMNS]


def _tidy_council_rows(rows: pd.DataFrame) -> pd.DataFrame:
    rows = rows[COUNCIL_ROW_COLUMNS].copy()
    rows["count"] = rows["count"].astype("int64")
    rows["denominator"] = rows["denominator"].astype("int64")
    for column in ("indicator_id", "area_code", "area_name", "area_type", "period", "breakdown"):
        rows[column] = rows[column].astype(str)
    return rows.sort_values(["area_code", "indicator_id", "period", "breakdown"],
                            kind="stable").reset_index(drop=True)


def ward_indicator_rows(wards: pd.DataFrame) -> pd.DataFrame:
    """Ward indicator rows (shares of resident pupils) from a ward table of counts.

    Parameters
    ----------
    wards : DataFrame
        :data:`WARD_TABLE_COLUMNS`.

    Returns
    -------
    DataFrame
        :data:`WARD_ROW_COLUMNS`, one row per ward, census and indicator of
        :data:`jsna.indicators.wards.INDICATOR_COUNTS`.
    """
    parts = [pd.DataFrame({
        "council_code": wards["council_code"], "indicator_id": indicator,
        "area_code": wards["ward_code"], "area_type": "Ward",
        "period": academic_year_label(wards["census_year"].astype(int)),
        "breakdown": ALL_PUPILS, "count": wards[column].astype("int64"),
        "denominator": wards[PUPILS].astype("int64")})
        for indicator, column in INDICATOR_COUNTS.items()]
    if not parts or wards.empty:
        return pd.DataFrame(columns=WARD_ROW_COLUMNS)
    return pd.concat(parts, ignore_index=True)[WARD_ROW_COLUMNS]

