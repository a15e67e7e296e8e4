"""Clean a council's person-level SEN2 casework extract (requests, assessments, EHC plans).

``jsna clean sen2 --config jsna.toml --out DIR`` reads ``inputs.sen2_extract``: one wide table,
one row per request for an EHC needs assessment (or per plan, for plans that came with a child
from another council), as casework systems export it (CSV or XLSX). It writes:

* ``sen2_casework.parquet``: one row per request or plan kept (see :data:`CASEWORK_SCHEMA`),
  pseudonymised: ``person_key`` is the census's ``pupil_key`` of the same UPN (same salt, same
  :class:`jsna.clean.upn.Pseudonymiser`), so casework links to census pupils; ``case_key`` is
  the local person ID, pseudonymised the same way. No UPN, local ID, name, date of birth or
  postcode is kept: the date of birth becomes ``birth_cohort``, the year whose 31 August the
  person turned 0 (age on 31 August of year *Y* = *Y* - ``birth_cohort``, the DfE age);
* ``sen2_reconciliation.csv``: rows read = rows kept + rows set aside, by reason;
* ``sen2_validation.csv`` and ``sen2_validation.html``: every finding with its count and up to
  five example row numbers (never a value).

Rows set aside (each counted and reported): blank rows; rows with neither a local person ID nor a
UPN (no key); rows with neither a readable request date nor a readable plan date (nothing to
count); and repeated records (same person, same request date and plan date as an earlier row;
the first is kept). Every other problem keeps the row and treats the value as unknown: dates that
cannot be read or lie after the extract date, dates in the wrong order (a plan issued before its
request: the request date is treated as unknown, so the plan counts but not in the 20-week
figures), unknown need, setting, decision, outcome or ceasing-reason codes.

Headings are matched loosely, as the census's are (:mod:`jsna.clean.headings`); others are named
in the config's ``[sen2.columns]`` (``"Local heading" = "standard name"``). The reading,
reconciliation and report are :mod:`jsna.clean.extract_report`'s, shared by every extract.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from jsna.clean import sen2_codes as codes
from jsna.clean.dates import IMPOSSIBLE, OK, STATUS_NAMES, UNREADABLE, ParsedDates, parse_dates
from jsna.clean.extract_report import (
    ExtractFindings,
    extract_reconciliation,
    read_extract,
    render_extract_report,
)
from jsna.clean.upn import (
    BAD_CHECK_LETTER,
    BAD_FORMAT,
    MISSING,
    Pseudonymiser,
    normalise_upns,
)
from jsna.clean.validation import KEPT_AS_IS, KEPT_UNKNOWN, SET_ASIDE, FindingType
from jsna.errors import JsnaInputError

if TYPE_CHECKING:
    from jsna.config import Config

#: Config section of the extract (``[sen2.columns]``, ``[sen2] extract_date``).
SECTION = "sen2"
WHAT = "SEN2 casework extract"

#: Standard column -> headings accepted for it (compared form).
SEN2_HEADINGS: dict[str, tuple[str, ...]] = {
    "PersonID": ("personid", "childid", "localid", "caseid", "personreference", "clientid",
                 "lapersonid", "mosaicid", "childreference", "personref"),
    "UPN": ("upn", "uniquepupilnumber", "pupilupn"),
    "Forename": ("forename", "firstname", "givenname", "legalforename"),
    "Surname": ("surname", "lastname", "familyname", "legalsurname"),
    "Postcode": ("postcode", "homepostcode", "addresspostcode"),
    "DOB": ("dob", "dateofbirth", "birthdate", "personbirthdate"),
    "RequestDate": ("requestdate", "daterequestreceived", "requestreceiveddate",
                    "ehcnarequestdate", "dateofrequest", "receiveddate"),
    "AssessDecision": ("assessdecision", "requestoutcome", "decisiontoassess",
                       "agreedtoassess", "ehcnadecision"),
    "AssessDecisionDate": ("assessdecisiondate", "requestoutcomedate", "decisiondate",
                           "decisiontoassessdate"),
    "AssessmentOutcome": ("assessmentoutcome", "outcomeofassessment", "ehcnaoutcome"),
    "AssessmentOutcomeDate": ("assessmentoutcomedate", "assessmentcompleteddate",
                              "assessmentcompletiondate"),
    "PlanIssueDate": ("planissuedate", "planstartdate", "startdate", "ehcpstartdate",
                      "dateplanissued", "issuedate", "planissueddate"),
    "Exception": ("exception", "twentyweekexception", "20weekexception", "exceptionapplies",
                  "timescaleexception"),
    "PrimaryNeed": ("primaryneed", "sentype1", "sentype", "needtype", "primarysenneed",
                    "primarysentype"),
    "Setting": ("setting", "placement", "placementtype", "settingtype", "establishmenttype",
                "settingattended"),
    "LastReviewDate": ("lastreviewdate", "annualreviewdate", "lastannualreview",
                       "reviewmeetingdate", "lastannualreviewdate"),
    "CeaseDate": ("ceasedate", "planceaseddate", "dateceased", "planenddate", "enddate"),
    "CeaseReason": ("ceasereason", "reasonceased", "endreason", "ceasingreason"),
}
#: Columns every extract must have (besides a person ID or a UPN).
REQUIRED: tuple[str, ...] = ("DOB", "RequestDate", "PlanIssueDate")
KEYS: tuple[str, ...] = ("PersonID", "UPN")
#: Recognised, never read.
NEVER_READ: frozenset[str] = frozenset({"Forename", "Surname", "Postcode"})
DATE_COLUMNS: tuple[str, ...] = ("DOB", "RequestDate", "AssessDecisionDate",
                                 "AssessmentOutcomeDate", "PlanIssueDate", "LastReviewDate",
                                 "CeaseDate")
OPTIONAL: tuple[str, ...] = tuple(c for c in SEN2_HEADINGS if c not in (
    *REQUIRED, *KEYS, *NEVER_READ))

#: Reason a row is set aside -> text in ``sen2_reconciliation.csv``.
SET_ASIDE_REASONS: dict[str, str] = {
    "blank_row": "blank row (no values)",
    "missing_key": "no local person ID and no UPN",
    "no_dates": "no usable request date or plan issue date (blank, unreadable or after the "
                "extract date)",
    "duplicate_record": "same person, request date and plan date as an earlier row (first kept)",
}

#: Every finding of the SEN2 cleaner, in reporting order.
FINDING_TYPES: dict[str, FindingType] = {
    "blank_row": FindingType("Row with no values at all", SET_ASIDE, "read"),
    "missing_key": FindingType("Neither a local person ID nor a UPN", SET_ASIDE, "read"),
    "no_dates": FindingType("No usable request date or plan issue date (blank, unreadable or "
                            "after the extract date)", SET_ASIDE, "read"),
    "duplicate_record": FindingType(
        "Same person with the same request and plan dates as an earlier row", SET_ASIDE, "read"),
    "column_absent": FindingType("The file has no such column: every row treated as unknown",
                                 KEPT_UNKNOWN, "read"),
    "upn_missing": FindingType("UPN blank: the record cannot be linked to census pupils",
                               KEPT_AS_IS),
    "upn_invalid": FindingType("UPN not 13 characters with a valid DfE check letter",
                               KEPT_AS_IS),
    "dob_missing": FindingType("Date of birth blank: no age (counted as age not known)",
                               KEPT_UNKNOWN),
    "date_unreadable": FindingType("Date not in ISO, DD/MM/YYYY or Excel serial form, or not a "
                                   "real date", KEPT_UNKNOWN),
    "date_in_future": FindingType("Date after the extract date", KEPT_UNKNOWN),
    "plan_before_request": FindingType(
        "Plan issued before the request was received: request date treated as unknown (the plan "
        "counts, but not in the 20-week figures)", KEPT_UNKNOWN),
    "date_before_request": FindingType("Decision or assessment date before the request date",
                                       KEPT_UNKNOWN),
    "date_before_plan": FindingType("Review or ceasing date before the plan was issued",
                                    KEPT_UNKNOWN),
    "need_code_unknown": FindingType("Primary need is not a DfE need code for an EHC plan",
                                     KEPT_UNKNOWN),
    "need_missing": FindingType("Primary need blank for an issued plan", KEPT_UNKNOWN),
    "setting_unknown": FindingType("Setting not one of the recognised setting types",
                                   KEPT_UNKNOWN),
    "setting_missing": FindingType("Setting blank for an issued plan", KEPT_UNKNOWN),
    "decision_unknown": FindingType("Decision on the request not recognised (assess, not "
                                    "assess, withdrawn)", KEPT_UNKNOWN),
    "decision_inferred": FindingType(
        "Decision on the request blank but an assessment outcome or plan follows the request: "
        "recorded as agreed to assess", "row kept; value recoded"),
    "outcome_unknown": FindingType("Assessment outcome not recognised (plan, no plan)",
                                   KEPT_UNKNOWN),
    "exception_unknown": FindingType("20-week exception not yes or no", KEPT_UNKNOWN),
    "cease_reason_unknown": FindingType("Ceasing reason not one of DfE's reasons",
                                        KEPT_UNKNOWN),
    "cease_reason_missing": FindingType("Ceasing date given but no ceasing reason",
                                        KEPT_UNKNOWN),
}

#: ``sen2_casework.parquet``.
CASEWORK_SCHEMA = pa.schema([
    ("person_key", pa.string()), ("case_key", pa.string()), ("birth_cohort", pa.int64()),
    ("request_date", pa.date32()), ("decision", pa.string()), ("decision_date", pa.date32()),
    ("assessment_outcome", pa.string()), ("assessment_date", pa.date32()),
    ("plan_date", pa.date32()), ("exception", pa.bool_()), ("primary_need", pa.string()),
    ("setting", pa.string()), ("last_review_date", pa.date32()), ("cease_date", pa.date32()),
    ("cease_reason", pa.string()),
])
CASEWORK_FILE = "sen2_casework.parquet"
OUTPUT_FILES = (CASEWORK_FILE, "sen2_reconciliation.csv", "sen2_validation.csv",
                "sen2_validation.html")
_NAT = np.datetime64("NaT", "D")


@dataclass(frozen=True)
class Sen2CleanResult:
    """The cleaned extract, its reconciliation and its findings."""

    casework: pa.Table
    reconciliation: pd.DataFrame
    findings: pd.DataFrame
    title: str = "SEN2"


def default_extract_date(year: int) -> datetime.date:
    """The extract date when ``[sen2] extract_date`` is not set: 31 December of the JSNA year."""
    return datetime.date(year, 12, 31)


def clean_sen2_table(table: pa.Table, *, salt: str, extract_date: datetime.date, year: int,
                     title: str = "SEN2") -> Sen2CleanResult:
    """Clean an extract already read (standard-named text columns and ``source_row``).

    Parameters
    ----------
    table : pyarrow.Table
        As :func:`jsna.clean.extract_report.read_extract` returns it (optional columns may be
        absent; ``source_row`` defaults to position + 2).
    salt : str
        The census salt: ``person_key`` equals the census ``pupil_key`` of the same UPN.
    extract_date : datetime.date
        Dates after it are in the future.
    year : int
        The JSNA year (labels the reconciliation).
    title : str
        The council's name, for the report.

    Returns
    -------
    Sen2CleanResult
    """
    n = table.num_rows
    rows = (table.column("source_row").to_numpy() if "source_row" in table.column_names
            else np.arange(2, n + 2))
    found = ExtractFindings(FINDING_TYPES)
    names = [c for c in table.column_names if c in SEN2_HEADINGS and c not in NEVER_READ]
    null = pa.nulls(n, pa.string())
    text = {name: _trimmed(table.column(name)) for name in names}

    def col(name: str) -> pa.Array:
        return text.get(name, null)

    for name in OPTIONAL:
        if name not in table.column_names:
            found.add("column_absent", name, rows)

    # rows set aside, in order: blank, no key, no dates, repeated
    filled = np.zeros(n, dtype=bool)
    for name in names:
        filled |= text[name].is_valid().to_numpy(zero_copy_only=False)
    upns = normalise_upns(col("UPN"))
    person_id = col("PersonID")
    has_key = (upns.is_valid().to_numpy(zero_copy_only=False)
               | person_id.is_valid().to_numpy(zero_copy_only=False))
    dates, unreadable, future = _parsed_dates(col, extract_date)
    has_dates = ~np.isnat(dates["RequestDate"]) | ~np.isnat(dates["PlanIssueDate"])
    blank = ~filled
    no_key = filled & ~has_key
    no_dates = filled & has_key & ~has_dates
    candidate = filled & has_key & has_dates
    # the person: the local ID when given, else the UPN (integer codes, compared exactly)
    # (encrypted once for every row: equal blocks are equal values, so no text is hashed)
    pseudonymiser = Pseudonymiser(salt)
    by_id, by_upn = pseudonymiser.encrypted(person_id), pseudonymiser.encrypted(upns)
    with_id = person_id.is_valid().to_numpy(zero_copy_only=False)
    blocks = np.where(with_id[:, None], by_id.cipher, by_upn.cipher)
    repeated = _repeated(candidate, [
        with_id.astype(np.int64), blocks[:, :8].copy().view(np.uint64).ravel(),
        blocks[:, 8:].copy().view(np.uint64).ravel(), dates["RequestDate"].astype(np.int64),
        dates["PlanIssueDate"].astype(np.int64)])
    kept = candidate & ~repeated
    set_aside = {"blank_row": blank, "missing_key": no_key, "no_dates": no_dates,
                 "duplicate_record": repeated}
    for reason, mask in set_aside.items():
        found.add(reason, "", rows[mask])
    recon = extract_reconciliation(
        year, n, {reason: int(mask.sum()) for reason, mask in set_aside.items()},
        SET_ASIDE_REASONS, int(kept.sum()), "requests and plans kept")

    # the kept rows: every other problem keeps the row and is reported
    keep = np.flatnonzero(kept)
    kept_rows = rows[keep]
    for name in DATE_COLUMNS:
        if name in table.column_names:
            found.add("date_unreadable", name, kept_rows[unreadable[name][keep]])
            found.add("date_in_future", name, kept_rows[future[name][keep]])
    d = {name: values[keep] for name, values in dates.items()}
    status = by_upn.status[keep]
    if "UPN" in table.column_names:
        found.add("upn_missing", "UPN", kept_rows[status == MISSING])
        found.add("upn_invalid", "UPN",
                  kept_rows[(status == BAD_FORMAT) | (status == BAD_CHECK_LETTER)])
    person_key = by_upn.keys(keep)
    case_key = by_id.keys(keep)

    request = d["RequestDate"]
    plan = d["PlanIssueDate"]
    wrong = ~np.isnat(plan) & ~np.isnat(request) & (plan < request)
    found.add("plan_before_request", "PlanIssueDate", kept_rows[wrong])
    request[wrong] = _NAT
    for name in ("AssessDecisionDate", "AssessmentOutcomeDate"):
        early = ~np.isnat(d[name]) & ~np.isnat(request) & (d[name] < request)
        found.add("date_before_request", name, kept_rows[early])
        d[name][early] = _NAT
    for name in ("LastReviewDate", "CeaseDate"):
        early = ~np.isnat(d[name]) & ~np.isnat(plan) & (d[name] < plan)
        found.add("date_before_plan", name, kept_rows[early])
        d[name][early] = _NAT

    need, setting, decision, outcome, exception, reason = _coded_columns(
        table, col, keep, kept_rows, ~np.isnat(request), ~np.isnat(plan),
        ~np.isnat(d["CeaseDate"]), found)

    dob = d["DOB"]
    found.add("dob_missing", "DOB",
              kept_rows[~col("DOB").is_valid().to_numpy(zero_copy_only=False)[keep]])
    born = ~np.isnat(dob)
    dob_year = dob.astype("datetime64[Y]").astype(np.int64) + 1970
    cohort = np.where(born, dob_year + _after_31_august(dob), 0)

    def date_array(values: np.ndarray) -> pa.Array:
        return pa.array(values, type=pa.date32(), mask=np.isnat(values))

    def text_array(values: np.ndarray) -> pa.Array:
        return pa.array(values, type=pa.string(), from_pandas=True)

    casework = pa.table({
        "person_key": person_key,
        "case_key": case_key,
        "birth_cohort": pa.array(cohort, type=pa.int64(), mask=~born),
        "request_date": date_array(request),
        "decision": text_array(decision),
        "decision_date": date_array(d["AssessDecisionDate"]),
        "assessment_outcome": text_array(outcome),
        "assessment_date": date_array(d["AssessmentOutcomeDate"]),
        "plan_date": date_array(plan),
        "exception": pa.array(exception.tolist(), type=pa.bool_()),
        "primary_need": text_array(need),
        "setting": text_array(setting),
        "last_review_date": date_array(d["LastReviewDate"]),
        "cease_date": date_array(d["CeaseDate"]),
        "cease_reason": text_array(reason),
    }, schema=CASEWORK_SCHEMA)
    return Sen2CleanResult(casework=casework, reconciliation=recon, findings=found.to_frame(),
                           title=title)


def _coded_columns(table: pa.Table, col: Callable[[str], pa.Array], keep: np.ndarray,
                   kept_rows: np.ndarray, has_request: np.ndarray, has_plan: np.ndarray,
                   has_cease: np.ndarray,
                   found: ExtractFindings) -> tuple[np.ndarray, ...]:
    """Need, setting, decision, outcome, exception and ceasing reason of the kept rows, coded,
    with every unknown or missing value reported."""
    def coded(name: str, lookup: Mapping[str, object], unknown_finding: str
              ) -> tuple[np.ndarray, np.ndarray]:
        values, blank_, unknown = (part[keep] for part in codes.code_values(col(name), lookup))
        if name in table.column_names:
            found.add(unknown_finding, name, kept_rows[unknown])
        return values, blank_

    need, need_blank = coded("PrimaryNeed", codes.NEEDS, "need_code_unknown")
    if "PrimaryNeed" in table.column_names:
        found.add("need_missing", "PrimaryNeed", kept_rows[need_blank & has_plan])
    setting, setting_blank = coded("Setting", codes.SETTINGS, "setting_unknown")
    if "Setting" in table.column_names:
        found.add("setting_missing", "Setting", kept_rows[setting_blank & has_plan])
    decision, decision_blank = coded("AssessDecision", codes.DECISIONS, "decision_unknown")
    outcome, _ = coded("AssessmentOutcome", codes.OUTCOMES, "outcome_unknown")
    # a plan that came from another council has no request here: nothing to infer
    inferred = decision_blank & has_request & (
        (outcome != None) | has_plan)  # noqa: E711 (element-wise)
    if "AssessDecision" in table.column_names:
        found.add("decision_inferred", "AssessDecision", kept_rows[inferred])
    decision[inferred] = codes.ASSESS
    exception, _ = coded("Exception", codes.YES_NO, "exception_unknown")
    reason, reason_blank = coded("CeaseReason", codes.CEASE_REASONS, "cease_reason_unknown")
    if "CeaseReason" in table.column_names:
        found.add("cease_reason_missing", "CeaseReason",
                  kept_rows[reason_blank & has_cease])

    return need, setting, decision, outcome, exception, reason


def _repeated(candidate: np.ndarray, keys: list[np.ndarray]) -> np.ndarray:
    """Candidate rows whose keys equal those of an earlier candidate row (the first is kept).

    A stable sort by the keys puts equal rows next to each other in file order; every row of a
    run but the first is a repeat.
    """
    rows = np.flatnonzero(candidate)
    repeated = np.zeros(len(candidate), dtype=bool)
    if rows.size < 2:
        return repeated
    columns = [key[rows] for key in keys]
    order = np.lexsort(columns[::-1])  # last key sorts first in lexsort: reverse the list
    same = np.ones(rows.size - 1, dtype=bool)
    for column in columns:
        ordered = column[order]
        same &= ordered[1:] == ordered[:-1]
    repeated[rows[order[1:][same]]] = True
    return repeated


def _trimmed(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Text with surrounding spaces removed; blank becomes null."""
    column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    trimmed = pc.utf8_trim_whitespace(column.cast(pa.string()))
    empty = pc.equal(pc.binary_length(trimmed), 0)
    if not pc.any(empty).as_py():
        return trimmed
    return pc.if_else(empty, pa.scalar(None, pa.string()), trimmed)


def _parsed_dates(col: Callable[[str], pa.Array], extract_date: datetime.date
                  ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Each date column parsed: dates (unknown when unreadable or after the extract date), and
    the rows that were unreadable and that were in the future. The columns are parsed together,
    so a date found in several columns is parsed once."""
    dates: dict[str, np.ndarray] = {}
    unreadable: dict[str, np.ndarray] = {}
    future: dict[str, np.ndarray] = {}
    limit = np.datetime64(extract_date, "D")
    columns = [col(name) for name in DATE_COLUMNS]
    together = parse_dates(pa.concat_arrays(columns))
    starts = np.cumsum([0, *(len(c) for c in columns)])
    for i, name in enumerate(DATE_COLUMNS):
        part = slice(starts[i], starts[i + 1])
        parsed = ParsedDates(dates=together.dates[part], status_codes=together.status_codes[part])
        status = parsed.status_codes
        bad = (status == STATUS_NAMES.index(UNREADABLE)) | (status == STATUS_NAMES.index(
            IMPOSSIBLE))
        values = parsed.dates.copy()
        late = (status == STATUS_NAMES.index(OK)) & (values > limit)
        values[late] = _NAT
        dates[name], unreadable[name], future[name] = values, bad, late
    return dates, unreadable, future


def _after_31_august(dates: np.ndarray) -> np.ndarray:
    """1 where the date is 1 September or later in its year (the next school cohort), else 0."""
    year_start = dates.astype("datetime64[Y]")
    september = year_start.astype("datetime64[M]") + np.timedelta64(8, "M")
    return (dates >= september.astype("datetime64[D]")).astype(np.int64)


def clean_sen2_file(path: Path, *, salt: str, extract_date: datetime.date, year: int,
                    columns_map: Mapping[str, str] | None = None, title: str = "SEN2"
                    ) -> Sen2CleanResult:
    """Read and clean one SEN2 casework extract (CSV or XLSX).

    Parameters
    ----------
    path : Path
        The extract.
    salt, extract_date, year, title
        As for :func:`clean_sen2_table`.
    columns_map : mapping, optional
        ``[sen2.columns]``: local heading -> standard name.

    Returns
    -------
    Sen2CleanResult

    Raises
    ------
    JsnaInputError
        One line naming the file and the missing or ambiguous column.
    """
    text = read_extract(Path(path), SEN2_HEADINGS, section=SECTION, columns_map=columns_map,
                        required=REQUIRED, one_of=KEYS, never_read=NEVER_READ)
    return clean_sen2_table(text.table, salt=salt, extract_date=extract_date, year=year,
                            title=title)


def clean_sen2(config: Config) -> Sen2CleanResult:
    """Clean the config's ``inputs.sen2_extract`` with the census salt.

    Raises
    ------
    JsnaInputError
        When ``inputs.sen2_extract`` is not set, or the file is bad (one line naming it).
    """
    path = config.inputs.sen2_extract
    if path is None:
        raise JsnaInputError(f"{config.path.name}: inputs.sen2_extract is not set: there is no "
                             f"SEN2 casework extract to clean")
    extract_date = config.sen2.extract_date or default_extract_date(config.year)
    return clean_sen2_file(path, salt=config.census.salt, extract_date=extract_date,
                           year=config.year, columns_map=config.sen2.columns,
                           title=config.area.name)


def write_sen2_outputs(result: Sen2CleanResult, folder: Path) -> list[Path]:
    """Write the four files of :data:`OUTPUT_FILES` into ``folder`` (created if needed)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / name for name in OUTPUT_FILES]
    pq.write_table(result.casework, paths[0])
    result.reconciliation.to_csv(paths[1], index=False, lineterminator="\n")
    result.findings.to_csv(paths[2], index=False, lineterminator="\n")
    paths[3].write_text(render_extract_report(result.title, WHAT, result.findings,
                                              result.reconciliation, FINDING_TYPES),
                        encoding="utf-8")
    return paths
