"""Reading, reconciling and reporting on any person-level extract (SEN2 casework, social care,
health waiting lists, ...): the census cleaner's treatment for files other than the census.

This module is for **any extract**; it knows nothing about a particular one. A cleaner for an
extract gives it:

* its standard columns and the headings accepted for each (compared after removing case, spaces,
  underscores, hyphens and dots, as for the census: :func:`jsna.clean.headings.match_headings`),
  and the config section whose ``columns`` table maps other headings (``[sen2.columns]``);
* its finding types (:class:`FindingType` of :mod:`jsna.clean.validation`, by code) and
  set-aside reasons.

It gets back the text columns with spreadsheet row numbers (:func:`read_extract`), a findings log
that keeps counts and up to five example **row numbers**, never a value (:class:`ExtractFindings`),
the reconciliation ``rows read = rows kept + rows set aside`` (:func:`extract_reconciliation`) and
an accessible one-page validation report (:func:`render_extract_report`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.clean.headings import check_columns_map, check_required, match_headings
from jsna.clean.reconcile import KEPT, READ, reconciliation_rows
from jsna.clean.report_page import (
    FINDINGS_HEADINGS,
    ReportSection,
    reconciliation_section,
    render_report_page,
    share_text,
)
from jsna.clean.validation import EXAMPLES, FindingType
from jsna.errors import JsnaConfigError, JsnaInputError
from jsna.sources.text_table import TextTable, read_selected_columns

#: Columns of an extract's findings table.
EXTRACT_FINDING_COLUMNS = ["finding", "column", "rows", "example_rows"]
#: Columns of an extract's reconciliation table (``census_year`` holds the JSNA year, so the
#: census's balance check applies unchanged).
RECONCILIATION_COLUMNS = ["census_year", "step", "reason", "rows"]


def _in_section(error: Exception, section: str) -> str:
    """The census helpers' message, pointing at the extract's own config section."""
    return str(error).replace("[census.columns]", f"[{section}.columns]").replace(
        "census.columns.", f"{section}.columns.")


def read_extract(
    path: Path,
    headings: Mapping[str, tuple[str, ...]],
    *,
    section: str,
    columns_map: Mapping[str, str] | None = None,
    required: Iterable[str] = (),
    one_of: Iterable[str] = (),
    never_read: Iterable[str] = (),
) -> TextTable:
    """Read the standard columns of a CSV or XLSX extract, every value as text.

    Parameters
    ----------
    path : Path
        The extract.
    headings : mapping
        Standard name -> accepted headings in compared form.
    section : str
        Config section of the extract (messages say ``[<section>.columns]``).
    columns_map : mapping, optional
        ``[<section>.columns]``: local heading -> standard name.
    required : iterable of str
        Standard names that must be present.
    one_of : iterable of str
        Standard names of which at least one must be present (may be empty).
    never_read : iterable of str
        Standard names recognised (so a mapping cannot put them elsewhere) but never read, such as
        names and postcodes.

    Returns
    -------
    TextTable
        Standard-named text columns (null when blank) and ``source_row``.

    Raises
    ------
    JsnaInputError
        One line naming the file and the missing or ambiguous column.
    JsnaConfigError
        A ``[<section>.columns]`` entry naming an unknown standard column.
    """
    path = Path(path)
    columns_map = dict(columns_map or {})
    try:
        check_columns_map(columns_map, headings)
    except JsnaConfigError as error:
        raise JsnaConfigError(_in_section(error, section)) from None
    skipped = set(never_read)
    required, one_of = list(required), list(one_of)

    def select(found_headings: list[str]) -> dict[str, str]:
        try:
            found = match_headings(found_headings, columns_map, standard=headings,
                                   source=path.name)
            check_required(found, found_headings, path.name, required, one_of)
        except JsnaInputError as error:
            raise JsnaInputError(_in_section(error, section)) from None
        return {name: heading for name, heading in found.items() if name not in skipped}

    return read_selected_columns(path, select, source=path.name)


@dataclass
class ExtractFindings:
    """Findings of one extract: type, column, row count and up to five example row numbers.

    Parameters
    ----------
    types : mapping of str to FindingType
        Every finding type the extract's cleaner may record, in reporting order.
    """

    types: Mapping[str, FindingType]
    records: list[dict[str, object]] = field(default_factory=list)

    def add(self, finding: str, column: str, rows: np.ndarray) -> None:
        """Record a finding if any rows have it (``rows``: spreadsheet row numbers)."""
        if finding not in self.types:
            raise KeyError(f"unknown finding type {finding!r}")
        rows = np.asarray(rows)
        if rows.size == 0:
            return
        examples = np.sort(np.partition(rows, EXAMPLES - 1)[:EXAMPLES]
                           if rows.size > EXAMPLES else rows)
        self.records.append({"finding": finding, "column": column, "rows": int(rows.size),
                             "example_rows": ", ".join(str(int(r)) for r in examples)})

    def to_frame(self) -> pd.DataFrame:
        """Findings in reporting order (``finding, column, rows, example_rows``)."""
        order = {name: i for i, name in enumerate(self.types)}
        records = sorted(self.records, key=lambda r: (order[str(r["finding"])], r["column"]))
        frame = pd.DataFrame(records, columns=EXTRACT_FINDING_COLUMNS)
        frame["rows"] = frame["rows"].astype("int64")
        return frame


def extract_reconciliation(year: int, rows_read: int, set_aside: Mapping[str, int],
                           reasons: Mapping[str, str], rows_kept: int, kept_text: str
                           ) -> pd.DataFrame:
    """Rows read, set aside (each reason, also when none) and kept, for the JSNA ``year``; checked
    to add up (:func:`jsna.clean.reconcile.reconciliation_rows`, with the extract's ``reasons``
    and ``kept_text``, e.g. "requests kept")."""
    return reconciliation_rows(year, rows_read, set_aside, rows_kept, reasons=reasons,
                               read_text="data rows in the file", kept_text=kept_text)


def render_extract_report(title: str, extract: str, findings: pd.DataFrame,
                          reconciliation: pd.DataFrame, types: Mapping[str, FindingType]) -> str:
    """One accessible, self-contained HTML page: reconciliation, then every finding.

    Parameters
    ----------
    title : str
        The council's name.
    extract : str
        What the extract is (e.g. "SEN2 casework extract").
    findings, reconciliation : pandas.DataFrame
        From :meth:`ExtractFindings.to_frame` and :func:`extract_reconciliation`.
    types : mapping of str to FindingType
        The extract's finding types.

    Returns
    -------
    str
        The HTML document (no scripts, no external requests, no identifiers).
    """
    read = int(reconciliation.loc[reconciliation["step"] == READ, "rows"].sum())
    kept = int(reconciliation.loc[reconciliation["step"] == KEPT, "rows"].sum())
    rows = []
    for row in findings.itertuples(index=False):
        kind = types[str(row.finding)]
        by_read = kind.base == "read"
        rows.append([f"{kind.description} ({row.finding})", row.column, f"{int(row.rows):,}",
                     share_text(int(row.rows), read if by_read else kept,
                                "of rows read" if by_read else "of rows kept"),
                     row.example_rows, kind.action])
    return render_report_page(
        f"{title}: {extract} validation report",
        "Every data-quality finding from cleaning the extract, with the number of rows "
        "concerned and up to five example row numbers, as a spreadsheet shows them (the column "
        "headings are row 1). The report never shows identifiers, names, dates of birth or "
        "postcodes.",
        [reconciliation_section(reconciliation, "Rows read = rows kept + rows set aside"),
         ReportSection("Findings", f"Data-quality findings ({read:,} rows read; {kept:,} kept)",
                       FINDINGS_HEADINGS, rows, numeric=frozenset({2, 3}))])
