"""Data-quality findings and the standalone validation report.

Every problem the cleaner finds is a *finding*: its type, the census column, how many rows and up to
five example **row numbers** (never UPNs, names or postcodes), so an analyst can look the rows up in
their own extract. Row numbers are as a spreadsheet shows them (headings = row 1).

The HTML report is a single file with inline CSS, no scripts and no external requests, written
for accessibility (``lang="en"``, one ``h1``, tables with captions and ``scope`` on header cells).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jsna.clean.reconcile import KEPT, READ
from jsna.clean.report_page import (
    FINDINGS_HEADINGS,
    ReportSection,
    reconciliation_section,
    render_report_page,
    share_text,
)

FINDING_COLUMNS = ["census_year", "finding", "column", "rows", "example_rows"]
EXAMPLES = 5

SET_ASIDE = "row set aside"
KEPT_UNKNOWN = "row kept; value treated as unknown"
KEPT_RECODED = "row kept; value recoded"
KEPT_AS_IS = "row kept"
INFORMATION = "information only"


@dataclass(frozen=True)
class FindingType:
    """What a finding means and what the cleaner did about it.

    Attributes
    ----------
    description : str
        Plain-English meaning.
    action : str
        What the cleaner did with the rows.
    base : str
        ``"read"`` when the rows are counted among all rows read (whole-row and file-level
        findings), ``"kept"`` when among the pupils kept; the report's share uses this base.
    """

    description: str
    action: str
    base: str = "kept"


#: Every finding type, in reporting order.
FINDING_TYPES: dict[str, FindingType] = {
    "blank_row": FindingType("Row with no values at all", SET_ASIDE, "read"),
    "enrol_status_unknown": FindingType(
        "Enrolment status blank or not one of C, M, S, G", SET_ASIDE, "read"),
    "subsidiary_without_main": FindingType(
        "Subsidiary (S) registration whose UPN has no C or M row in this census, so the pupil is "
        "not counted anywhere", SET_ASIDE, "read"),
    "duplicate_upn": FindingType(
        "UPN appears more than once with enrolment status C or M in one census; the first main "
        "(M) or single (C) row is kept", SET_ASIDE, "read"),
    "upn_missing": FindingType("UPN blank (the pupil has no pupil_key)", KEPT_AS_IS),
    "upn_invalid_format": FindingType(
        "UPN is not 13 characters: a check letter, 11 digits and a digit or letter", KEPT_AS_IS),
    "upn_invalid_check_letter": FindingType(
        "UPN check letter does not match the DfE algorithm", KEPT_AS_IS),
    "upn_temporary": FindingType("Temporary UPN (last character is a letter)", INFORMATION),
    "sen_provision_missing": FindingType("SEN provision blank", KEPT_UNKNOWN),
    "sen_provision_unknown": FindingType(
        "SEN provision not E, K or N (nor a legacy code valid for this census year)", KEPT_UNKNOWN),
    "sen_provision_recoded": FindingType(
        "Legacy SEN provision code: statement (S) recoded to E, School Action/Plus (A/P) to K",
        KEPT_RECODED),
    "need_missing_for_sen": FindingType(
        "Primary need blank for a pupil with an EHC plan or SEN support", KEPT_UNKNOWN),
    "need_code_unknown": FindingType("Primary need is not a DfE need code", KEPT_UNKNOWN),
    "need_recoded": FindingType("Legacy primary need BESD recoded to SEMH", KEPT_RECODED),
    "need_without_sen": FindingType(
        "Primary need given for a pupil with no SEN (N); the need is not used", KEPT_AS_IS),
    "nsa_with_ehc_plan": FindingType(
        "Primary need NSA (no specialist assessment) for a pupil with an EHC plan; DfE allows NSA "
        "only for SEN support", KEPT_AS_IS),
    "secondary_need_unknown": FindingType(
        "Secondary need is not a DfE need code", KEPT_UNKNOWN),
    "secondary_need_recoded": FindingType("Legacy secondary need BESD recoded to SEMH",
                                          KEPT_RECODED),
    "dob_missing": FindingType("Date of birth blank (no age)", KEPT_UNKNOWN),
    "dob_unreadable": FindingType(
        "Date of birth not in ISO, DD/MM/YYYY or Excel serial form (no age)", KEPT_UNKNOWN),
    "dob_impossible": FindingType("Date of birth is not a real date, e.g. 31/02 (no age)",
                                  KEPT_UNKNOWN),
    "dob_out_of_range": FindingType(
        "Date of birth gives an age below 1 or above 25 on 31 August before the census (no age)",
        KEPT_UNKNOWN),
    "age_outside_year_group": FindingType(
        "Age on 31 August is more than one year from the age expected for the NC year group",
        KEPT_AS_IS),
    "sex_missing": FindingType("Gender blank", KEPT_UNKNOWN),
    "sex_unknown": FindingType("Gender not M or F", KEPT_UNKNOWN),
    "nc_year_missing": FindingType("NC year actual blank", KEPT_UNKNOWN),
    "nc_year_unknown": FindingType("NC year actual not N1, N2, R, 1-14 or X", KEPT_UNKNOWN),
    "fsm_column_absent": FindingType("The file has no FSM eligibility column", KEPT_UNKNOWN,
                                     "read"),
    "fsm_missing": FindingType("FSM eligibility blank", KEPT_UNKNOWN),
    "fsm_unrecognised": FindingType("FSM eligibility not true/false, 1/0, Y/N or Yes/No",
                                    KEPT_UNKNOWN),
    "school_urn_invalid": FindingType("School URN blank or not 6 digits", KEPT_UNKNOWN),
    "la_estab_invalid": FindingType("LAEstab blank or not 7 digits", KEPT_UNKNOWN),
    "postcode_missing": FindingType(
        "Home postcode blank: no LSOA or ward; counted as a resident", KEPT_UNKNOWN),
    "postcode_malformed": FindingType(
        "Home postcode is not a well-formed UK postcode: no LSOA or ward; counted as a resident",
        KEPT_UNKNOWN),
    "postcode_unmatched": FindingType(
        "Well-formed home postcode not in the postcode lookup: no LSOA or ward; counted as a "
        "resident", KEPT_UNKNOWN),
    "postcode_corrected": FindingType(
        "Home postcode re-formatted (case or spacing) before matching", INFORMATION),
    "postcode_outside_council": FindingType(
        "Home postcode outside the council: counted in school-based figures only "
        "(resident = false)", INFORMATION),
    "ward_not_found": FindingType(
        "Postcode in the council matched, but neither its ward nor its LSOA is in the ward lookup",
        KEPT_UNKNOWN),
    "lsoa_not_in_imd": FindingType(
        "Home postcode in the council, but its LSOA is not in the IMD file (no IMD decile)",
        KEPT_UNKNOWN),
}


@dataclass
class FindingsCollector:
    """Accumulate findings as the cleaner works through each census."""

    records: list[dict[str, object]] = field(default_factory=list)

    def add(self, census_year: int, finding: str, column: str, rows: np.ndarray) -> None:
        """Record a finding if any rows have it.

        Parameters
        ----------
        census_year : int
            Year of the January census.
        finding : str
            A key of :data:`FINDING_TYPES`.
        column : str
            Standard name of the census column concerned (empty when the whole row).
        rows : numpy.ndarray of int
            Spreadsheet row numbers of every row with the finding.
        """
        if finding not in FINDING_TYPES:
            raise KeyError(f"unknown finding type {finding!r}")
        rows = np.asarray(rows)
        if rows.size == 0:
            return
        if rows.size > EXAMPLES:  # the first rows by number, without sorting them all
            rows_ = np.partition(rows, EXAMPLES - 1)[:EXAMPLES]
            examples, size = np.sort(rows_), rows.size
        else:
            examples, size = np.sort(rows), rows.size
        self.records.append({
            "census_year": int(census_year),
            "finding": finding,
            "column": column,
            "rows": int(size),
            "example_rows": ", ".join(str(int(r)) for r in examples),
        })

    def to_frame(self) -> pd.DataFrame:
        """Findings as a DataFrame (``census_year, finding, column, rows, example_rows``)."""
        return findings_frame(self.records)


def findings_frame(records: Iterable[dict[str, object]]) -> pd.DataFrame:
    """Build the findings table in a fixed order (census year, then report order).

    Parameters
    ----------
    records : iterable of dict
        Each with the keys of :data:`FINDING_COLUMNS`.

    Returns
    -------
    pandas.DataFrame
    """
    order = {name: i for i, name in enumerate(FINDING_TYPES)}
    ordered = sorted(records, key=lambda record: (
        record["census_year"], order.get(str(record["finding"]), len(order)), record["column"]))
    frame = pd.DataFrame(ordered, columns=FINDING_COLUMNS)
    frame["census_year"] = frame["census_year"].astype("int64")
    frame["rows"] = frame["rows"].astype("int64")
    frame["finding"] = frame["finding"].astype(object)
    frame["column"] = frame["column"].astype(object)
    frame["example_rows"] = frame["example_rows"].astype(object)
    return frame


def render_validation_html(
    findings: pd.DataFrame, reconciliation: pd.DataFrame, *, title: str = "School census"
) -> str:
    """Render the validation report as one accessible, self-contained HTML page.

    Parameters
    ----------
    findings : pandas.DataFrame
        Findings table (see :data:`FINDING_COLUMNS`).
    reconciliation : pandas.DataFrame
        Reconciliation table (``census_year, step, reason, rows``).
    title : str
        Name of the data (e.g. the council), shown in the heading.

    Returns
    -------
    str
        The HTML document.
    """
    sections = [reconciliation_section(
        reconciliation, "Rows read, set aside and kept, by census",
        ("census_year", "Census (January)"),
        note="For every census, rows read equal rows kept plus rows set aside.")]
    kept = {int(r.census_year): int(r.rows)
            for r in reconciliation.itertuples(index=False) if r.step == KEPT}
    read = {int(r.census_year): int(r.rows)
            for r in reconciliation.itertuples(index=False) if r.step == READ}
    years = sorted(set(read) | set(findings["census_year"].astype(int)))
    sections.append(ReportSection("Findings by census", note="" if years else
                                  "No census was read."))
    for year in years:
        rows = []
        for row in findings[findings["census_year"] == year].itertuples(index=False):
            kind = FINDING_TYPES[row.finding]
            by_read = kind.base == "read"
            share = share_text(int(row.rows), read.get(year, 0) if by_read else kept.get(year, 0),
                               "of rows read" if by_read else "of pupils kept")
            rows.append([f"{kind.description} ({row.finding})", row.column, f"{int(row.rows):,}",
                         share, row.example_rows, kind.action])
        sections.append(ReportSection(
            f"January {year} census", f"Data-quality findings, January {year} census "
            f"({read.get(year, 0):,} rows read; {kept.get(year, 0):,} pupils kept)",
            FINDINGS_HEADINGS, rows, numeric=frozenset({2, 3}), level=3))
    return render_report_page(
        f"{title}: school census validation report",
        "This report lists every data-quality finding from cleaning the pupil-level January "
        "school census, with the number of rows concerned and up to five example row numbers. "
        "Row numbers are as a spreadsheet shows them: the column headings are row 1. The report "
        "never shows pupil numbers, names, dates of birth or postcodes.", sections)
