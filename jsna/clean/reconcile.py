"""Row reconciliation: every row read is either kept or set aside with a reason.

``reconciliation.csv`` lets an analyst reconcile the cleaned census with the file they supplied and
with DfE headcounts: for every census year, ``rows read = rows kept + rows set aside``. Each reason
is listed even when no row was set aside for it, so the table has the same shape every year.

Set-aside reasons follow the DfE headcount convention (*School census guide*; *Schools, pupils and
their characteristics* methodology): pupils are counted once, at the school where their enrolment
status is ``C`` (single registration) or ``M`` (main of a dual registration).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from jsna.errors import JsnaError

#: Reason code -> text written to ``reconciliation.csv``, in reporting order.
SET_ASIDE_REASONS: dict[str, str] = {
    "blank_row": "blank row (no values)",
    "subsidiary": "subsidiary dual registration (enrolment status S): counted at the main school",
    "guest": "guest pupil (enrolment status G): not on roll",
    "enrol_status_unknown": "enrolment status blank or not recognised",
    "duplicate_upn": "UPN already counted in this census (C/M row kept)",
}
READ, SET_ASIDE, KEPT = "read", "set aside", "kept"
COLUMNS = ["census_year", "step", "reason", "rows"]


def reconciliation_rows(
    census_year: object, rows_read: int, set_aside: Mapping[str, int], rows_kept: int, *,
    reasons: Mapping[str, str] = SET_ASIDE_REASONS,
    read_text: str = "data rows in the census file",
    kept_text: str = "pupils counted (one row per pupil)",
    group_column: str = "census_year",
) -> pd.DataFrame:
    """Reconciliation table for one census (or one extract file): read = set aside + kept.

    Parameters
    ----------
    census_year : int or str
        Year of the January census (or the extract's year, or its file name).
    rows_read : int
        Data rows read from the file.
    set_aside : mapping of str to int
        Rows set aside per reason code (keys of ``reasons``).
    rows_kept : int
        Rows kept (pupils counted).
    reasons : mapping of str to str, default :data:`SET_ASIDE_REASONS`
        Every reason code -> its text, in reporting order (each listed, also when none).
    read_text, kept_text : str
        What the rows read and kept are, as the table says.
    group_column : str, default "census_year"
        Name of the first column (``"file"`` for extracts read file by file).

    Returns
    -------
    pandas.DataFrame
        Columns ``<group_column>, step, reason, rows``.

    Raises
    ------
    JsnaError
        If the rows do not add up or a reason code is unknown (a bug, never bad input).
    """
    unknown = set(set_aside) - set(reasons)
    if unknown:
        raise JsnaError(f"unknown set-aside reason {sorted(unknown)}")
    rows = [(census_year, READ, read_text, int(rows_read))]
    rows += [(census_year, SET_ASIDE, text, int(set_aside.get(code, 0)))
             for code, text in reasons.items()]
    rows.append((census_year, KEPT, kept_text, int(rows_kept)))
    _check_totals(census_year, int(rows_read), sum(row[3] for row in rows[1:-1]), int(rows_kept))
    table = pd.DataFrame(rows, columns=[group_column, *COLUMNS[1:]])
    if group_column == "census_year":
        table["census_year"] = table["census_year"].astype("int64")
    table["rows"] = table["rows"].astype("int64")
    return table


def check_balanced(table: pd.DataFrame) -> None:
    """Check that, for every census year, rows read = rows kept + rows set aside.

    Parameters
    ----------
    table : pandas.DataFrame
        A reconciliation table (columns ``census_year, step, reason, rows``).

    Raises
    ------
    JsnaError
        Naming the year and the three totals when they do not add up.
    """
    totals: dict[object, dict[str, int]] = {}
    for year, step, rows in zip(table["census_year"], table["step"], table["rows"], strict=True):
        by_step = totals.setdefault(year, {READ: 0, SET_ASIDE: 0, KEPT: 0})
        if step in by_step:
            by_step[step] += int(rows)
    for year in sorted(totals):
        _check_totals(year, totals[year][READ], totals[year][SET_ASIDE], totals[year][KEPT])


def _check_totals(year: object, read: int, aside: int, kept: int) -> None:
    if read != kept + aside:
        raise JsnaError(
            f"census {year}: {read} rows read but {kept} kept + {aside} set aside = "
            f"{kept + aside}; rows were lost"
        )
