"""What the health waiting-list cleaner found: findings, reconciliation and the validation report.

The same shape as the census cleaner's (:mod:`jsna.clean.validation`, :mod:`jsna.clean.reconcile`):
every finding has a type, a column, a count and up to five example **row numbers** of its file
(never an NHS number, UPN, date of birth or postcode); for every file, rows read = rows kept + rows
set aside, each reason listed even when no row had it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.clean import reconcile
from jsna.clean.reconcile import check_balanced
from jsna.clean.report_page import ReportSection, reconciliation_section, render_report_page
from jsna.clean.validation import (
    EXAMPLES,
    INFORMATION,
    KEPT_AS_IS,
    KEPT_UNKNOWN,
    FindingType,
)
from jsna.clean.validation import SET_ASIDE as ROW_SET_ASIDE

FINDING_COLUMNS = ["file", "finding", "column", "rows", "example_rows"]
RECONCILIATION_COLUMNS = ["file", "step", "reason", "rows"]

#: Set-aside reason -> text of ``reconciliation.csv``, in reporting order.
SET_ASIDE_REASONS: dict[str, str] = {
    "blank_row": "blank row (no values)",
    "service_unknown": "service blank or not one of the seven services",
    "referral_date_unusable": "referral date blank, unreadable or not a real date",
    "future_date": "referral, first contact or removal date after the extract date",
    "dates_out_of_order": "first contact or removal before the referral",
    "resident_elsewhere": "child lives in (or provider serves) another council",
    "duplicate_referral": "same child, service and referral date as an earlier row",
}

#: Every finding type, in reporting order.
FINDING_TYPES: dict[str, FindingType] = {
    "blank_row": FindingType("Row with no values at all", ROW_SET_ASIDE, "read"),
    "service_missing": FindingType("Service blank", ROW_SET_ASIDE, "read"),
    "service_unknown": FindingType(
        "Service is not one of the seven services (map local names in [health.services])",
        ROW_SET_ASIDE, "read"),
    "referral_date_missing": FindingType("Referral date blank", ROW_SET_ASIDE, "read"),
    "referral_date_unreadable": FindingType(
        "Referral date not in ISO, DD/MM/YYYY or Excel serial form", ROW_SET_ASIDE, "read"),
    "referral_date_impossible": FindingType("Referral date is not a real date",
                                            ROW_SET_ASIDE, "read"),
    "referral_in_future": FindingType("Referral date after the extract date", ROW_SET_ASIDE,
                                      "read"),
    "contact_unreadable": FindingType(
        "First contact date given but not a readable, real date", ROW_SET_ASIDE, "read"),
    "contact_in_future": FindingType("First contact date after the extract date", ROW_SET_ASIDE,
                                     "read"),
    "contact_before_referral": FindingType("First contact date before the referral date",
                                           ROW_SET_ASIDE, "read"),
    "removal_unreadable": FindingType(
        "Removal (discharge) date given but not a readable, real date", ROW_SET_ASIDE, "read"),
    "removal_in_future": FindingType("Removal date after the extract date", ROW_SET_ASIDE,
                                     "read"),
    "removal_before_referral": FindingType("Removal date before the referral date",
                                           ROW_SET_ASIDE, "read"),
    "resident_elsewhere": FindingType(
        "Home postcode or LSOA in another council (or, without either, a provider or sub-ICB "
        "serving only other councils)", ROW_SET_ASIDE, "read"),
    "duplicate_referral": FindingType(
        "Same NHS number or UPN, service and referral date as an earlier row; the first is kept",
        ROW_SET_ASIDE, "read"),
    "identifier_missing": FindingType(
        "No NHS number or UPN: the referral cannot be linked or checked for duplicates",
        KEPT_AS_IS),
    "nhs_number_invalid": FindingType(
        "NHS number is not 10 digits with a valid modulus-11 check digit (no key)", KEPT_AS_IS),
    "upn_invalid": FindingType(
        "UPN is not 13 characters with a valid check letter (no pupil_key)", KEPT_AS_IS),
    "age_missing": FindingType("Neither age nor date of birth given (no age band)", KEPT_UNKNOWN),
    "age_unusable": FindingType(
        "Age or date of birth unreadable, or an age below 0 or above 25 at referral (no age "
        "band)", KEPT_UNKNOWN),
    "postcode_missing": FindingType("Postcode and LSOA blank: no ward", KEPT_UNKNOWN),
    "postcode_malformed": FindingType("Postcode is not a well-formed UK postcode: no ward",
                                      KEPT_UNKNOWN),
    "postcode_unmatched": FindingType("Postcode not in the postcode lookup: no ward",
                                      KEPT_UNKNOWN),
    "lsoa_unmatched": FindingType("LSOA not in the LSOA to ward lookup: no ward", KEPT_UNKNOWN),
    "provider_unknown": FindingType(
        "Provider or sub-ICB code not in the provider lookup", INFORMATION),
}


class HealthFindings:
    """Accumulate findings, per file, with up to five example row numbers each."""

    def __init__(self) -> None:
        self.records: list[dict[str, object]] = []

    def add(self, file: str, finding: str, column: str, rows: np.ndarray) -> None:
        """Record a finding if any rows have it (``rows``: spreadsheet row numbers)."""
        if finding not in FINDING_TYPES:
            raise KeyError(f"unknown finding type {finding!r}")
        rows = np.asarray(rows)
        if rows.size == 0:
            return
        examples = np.sort(np.partition(rows, EXAMPLES - 1)[:EXAMPLES] if rows.size > EXAMPLES
                           else rows)
        self.records.append({"file": file, "finding": finding, "column": column,
                             "rows": int(rows.size),
                             "example_rows": ", ".join(str(int(r)) for r in examples)})

    def to_frame(self) -> pd.DataFrame:
        """Findings in report order (``file, finding, column, rows, example_rows``)."""
        order = {name: i for i, name in enumerate(FINDING_TYPES)}
        records = sorted(self.records, key=lambda r: (r["file"], order[str(r["finding"])]))
        frame = pd.DataFrame(records, columns=FINDING_COLUMNS)
        frame["rows"] = frame["rows"].astype("int64")
        return frame


def reconciliation_rows(file: str, rows_read: int, set_aside: dict[str, int],
                        rows_kept: int) -> pd.DataFrame:
    """Rows read, set aside by reason and kept for one file (checked to add up, see
    :func:`jsna.clean.reconcile.reconciliation_rows`)."""
    return reconcile.reconciliation_rows(
        file, rows_read, set_aside, rows_kept, reasons=SET_ASIDE_REASONS,
        read_text="data rows in the file", kept_text="referrals kept", group_column="file")


def check_reconciled(table: pd.DataFrame) -> None:
    """Check that, for every file, rows read = rows kept + rows set aside."""
    check_balanced(table.rename(columns={"file": "census_year"}))


def render_health_validation_html(findings: pd.DataFrame, reconciliation: pd.DataFrame,
                                  *, title: str) -> str:
    """The health extract's validation report: one accessible, self-contained HTML page.

    Parameters
    ----------
    findings : pandas.DataFrame
        See :data:`FINDING_COLUMNS`.
    reconciliation : pandas.DataFrame
        See :data:`RECONCILIATION_COLUMNS`.
    title : str
        The council's name.

    Returns
    -------
    str
    """
    rows = [[row.file, f"{FINDING_TYPES[row.finding].description} ({row.finding})", row.column,
             f"{int(row.rows):,}", row.example_rows, FINDING_TYPES[row.finding].action]
            for row in findings.itertuples(index=False)]
    return render_report_page(
        f"{title}: health waiting lists validation report",
        "Every data-quality finding from cleaning the health waiting-list extracts, with the "
        "number of rows concerned and up to five example row numbers (the column headings are "
        "row 1). The report never shows NHS numbers, pupil numbers, dates of birth or postcodes.",
        [reconciliation_section(reconciliation, "Rows read, set aside and kept, by file",
                                ("file", "File")),
         ReportSection("Findings", "Data-quality findings by file",
                       ["File", "Finding", "Column", "Rows", "Example rows",
                        "What the cleaner did"], rows, numeric=frozenset({3}))])
