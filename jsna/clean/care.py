"""Clean a council's children in need / looked after extract (CIN census, SSDA903).

Every row read is kept or set aside with its reason (``rows read = kept + set aside``, checked by
:func:`jsna.clean.reconcile.check_balanced`), and every problem is a finding with its count and
up to five row numbers -- never an ID, UPN, name or date of birth.

Rows
    A row is one child, or one episode of a child: a child in need (CIN) episode, a child
    protection plan (CPP) or a period looked after (CLA), each a *spell* with a start and an
    end date (blank end = still open). Set aside: blank rows, rows with neither a child ID nor a
    UPN, exact repeats of a row already kept (same child, same dates, same legal status) and rows
    left with no usable spell.

Spells not used (the row is kept, the finding says why)
    A date that is not a date (or not a real one), a date after the day of cleaning, an end
    before its start, an end without a start. Dates are read in the forms the census cleaner
    reads (:func:`jsna.clean.dates.parse_dates`: ISO, DD/MM/YYYY, Excel serials).

Keys
    ``pupil_key`` is made from the UPN with the census's own pseudonymiser and salt
    (:class:`jsna.clean.upn.Pseudonymiser`), so a child links to the census pupil with the same
    UPN. ``child_key`` (one per child, to count children rather than rows) is made by the same
    pseudonymiser from the child ID (prefixed ``C``), or from the UPN (prefixed ``U``) when the
    extract has no child ID for the row.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from jsna.clean.care_reading import DATE_COLUMNS, SPELLS, read_cin_extract
from jsna.clean.dates import IMPOSSIBLE, OK, UNREADABLE, parse_dates
from jsna.clean.reconcile import COLUMNS as RECONCILIATION_COLUMNS
from jsna.clean.reconcile import KEPT, READ, SET_ASIDE, check_balanced
from jsna.clean.upn import (
    BAD_CHECK_LETTER,
    BAD_FORMAT,
    MISSING,
    Pseudonymiser,
    normalise_upns,
)
from jsna.clean.validation import (
    EXAMPLES,
    INFORMATION,
    KEPT_AS_IS,
    KEPT_UNKNOWN,
    FindingType,
)
from jsna.clean.validation import SET_ASIDE as ROW_SET_ASIDE
from jsna.config import Config
from jsna.errors import JsnaConfigError, JsnaInputError

#: Reason code -> text in ``care_reconciliation.csv``, in reporting order.
SET_ASIDE_REASONS: dict[str, str] = {
    "blank_row": "blank row (no values)",
    "missing_key": "no child ID and no UPN: the child cannot be counted",
    "duplicate_record": "repeat of a row already kept (same child, dates and legal status)",
    "no_usable_dates": "no start date that could be used (see the findings)",
}

#: Every finding type of the extract, in reporting order (``base`` as in the census report).
FINDING_TYPES: dict[str, FindingType] = {
    "blank_row": FindingType("Row with no values at all", ROW_SET_ASIDE, "read"),
    "missing_key": FindingType("Child ID and UPN both blank", ROW_SET_ASIDE, "read"),
    "duplicate_record": FindingType(
        "Row repeats an earlier row for the same child (same dates and legal status)",
        ROW_SET_ASIDE, "read"),
    "no_usable_dates": FindingType("No CIN, child protection or looked-after start date that "
                                   "could be used", ROW_SET_ASIDE, "read"),
    "date_unreadable": FindingType(
        "Date not in ISO, DD/MM/YYYY or Excel serial form", "row kept; that spell not used"),
    "date_impossible": FindingType("Date is not a real date, e.g. 31/02",
                                   "row kept; that spell not used"),
    "date_in_future": FindingType("Date after the day the extract was cleaned",
                                  "row kept; that spell not used"),
    "end_before_start": FindingType("End date before its start date",
                                    "row kept; that spell not used"),
    "end_without_start": FindingType("End date given without a start date",
                                     "row kept; that spell not used"),
    "dob_missing": FindingType("Date of birth blank (no age)", KEPT_UNKNOWN),
    "dob_invalid": FindingType("Date of birth unreadable, not a real date or in the future "
                               "(no age)", KEPT_UNKNOWN),
    "legal_status_unknown": FindingType("Legal status is not an SSDA903 code (C1, C2, D1, E1, "
                                        "J1-J3, L1-L3, V2-V4)", KEPT_UNKNOWN),
    "upn_missing": FindingType("UPN blank: the child cannot be linked to the school census",
                               INFORMATION),
    "upn_invalid_format": FindingType(
        "UPN is not 13 characters: a check letter, 11 digits and a digit or letter",
        KEPT_AS_IS),
    "upn_invalid_check_letter": FindingType("UPN check letter does not match the DfE algorithm",
                                            KEPT_AS_IS),
    "upn_conflict": FindingType("A child's rows give different UPNs; the first is used to link",
                                KEPT_AS_IS),
}
FINDING_COLUMNS = ["finding", "column", "rows", "example_rows"]

#: SSDA903 legal statuses. V3 and V4 (a series of short breaks) are not counted as looked after
#: at 31 March, as in DfE's statistics.
LEGAL_STATUSES = frozenset({"C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2",
                            "V3", "V4"})
SHORT_BREAKS = frozenset({"V3", "V4"})

#: Columns of the cleaned table (``care_records.parquet``): no ID, UPN or date of birth.
RECORD_COLUMNS = ["child_key", "pupil_key", "source_row", "age_at_31_march", "cin_start",
                  "cin_end", "cpp_start", "cpp_end", "cla_start", "cla_end", "legal_status"]
OUTPUT_FILES = ("care_records.parquet", "care_reconciliation.csv", "care_validation.csv",
                "care_validation.html")


@dataclass(frozen=True)
class CareCleanResult:
    """The cleaned extract.

    Attributes
    ----------
    records : DataFrame
        Kept rows, :data:`RECORD_COLUMNS` (spell dates ``NaT`` when absent or not used).
    reconciliation : DataFrame
        ``census_year`` (the year of the 31 March reported on), ``step``, ``reason``, ``rows``.
    findings : DataFrame
        :data:`FINDING_COLUMNS`.
    source : str
        The extract's file name.
    """

    records: pd.DataFrame
    reconciliation: pd.DataFrame
    findings: pd.DataFrame
    source: str


class _Findings:
    """Findings of one extract: a count and the first row numbers of each."""

    def __init__(self) -> None:
        self.records: list[dict[str, object]] = []

    def add(self, finding: str, column: str, rows: np.ndarray) -> None:
        rows = np.sort(np.asarray(rows, dtype=np.int64))
        if finding not in FINDING_TYPES:
            raise KeyError(f"unknown finding type {finding!r}")
        if rows.size:
            self.records.append({"finding": finding, "column": column, "rows": int(rows.size),
                                 "example_rows": ", ".join(map(str, rows[:EXAMPLES]))})

    def frame(self) -> pd.DataFrame:
        order = {name: i for i, name in enumerate(FINDING_TYPES)}
        records = sorted(self.records, key=lambda r: (order[str(r["finding"])], r["column"]))
        return pd.DataFrame(records, columns=FINDING_COLUMNS).astype({"rows": "int64"})


def _text(table: pa.Table, name: str) -> pd.Series:
    """A column as stripped text (``""`` for blank or absent)."""
    if name not in table.column_names:
        return pd.Series("", index=range(table.num_rows), dtype=object)
    values = table.column(name).to_pandas().astype(object)
    return values.where(values.notna(), "").astype(str).str.strip()


def _dates(table: pa.Table, name: str, rows: np.ndarray, source: str,
           today: np.datetime64) -> tuple[np.ndarray, np.ndarray]:
    """Parsed dates and each row's problem (``""``, ``"unreadable"``, ``"impossible"``,
    ``"future"``); a column with values none of which is a date stops the clean."""
    if name not in table.column_names:
        return np.full(table.num_rows, np.datetime64("NaT", "D")), np.full(table.num_rows, "")
    parsed = parse_dates(table.column(name))
    status = parsed.status
    given = status != "missing"
    if given.sum() >= 3 and not (status == OK).any():
        first = int(rows[np.flatnonzero(given)[0]])
        raise JsnaInputError(f"{source}, column {name}: no value is a date (row {first} and "
                             f"{int(given.sum()) - 1} more; expected ISO, DD/MM/YYYY or Excel "
                             "serial dates: is the right column mapped in [cin.columns]?)")
    problem = np.full(table.num_rows, "", dtype=object)
    problem[status == UNREADABLE] = "unreadable"
    problem[status == IMPOSSIBLE] = "impossible"
    problem[(status == OK) & (parsed.dates > today)] = "future"
    dates = np.where(problem == "", parsed.dates, np.datetime64("NaT", "D"))
    return dates.astype("datetime64[D]"), problem


def clean_cin_table(table: pa.Table, *, salt: str, year: int, source: str,
                    today: datetime.date | None = None) -> CareCleanResult:
    """Clean an extract already read by :func:`jsna.clean.care_reading.read_cin_extract`.

    Parameters
    ----------
    table : pyarrow.Table
        Standard-named text columns and ``source_row``.
    salt : str
        The census salt (``[census] salt``): keys link to census pupils only with the same salt.
    year : int
        The year of the 31 March reported on (``jsna.year``): ages are taken on that day.
    source : str
        File name for messages.
    today : datetime.date, optional
        The day of cleaning (dates after it are in the future); default today.

    Returns
    -------
    CareCleanResult

    Raises
    ------
    JsnaInputError
        A date column in which no value is a date (naming file and column).
    """
    today_day = np.datetime64(today or datetime.date.today(), "D")
    rows = table.column("source_row").to_numpy()
    n = table.num_rows
    found = _Findings()
    aside = {reason: np.zeros(n, dtype=bool) for reason in SET_ASIDE_REASONS}
    read = [c for c in table.column_names if c != "source_row"]
    texts = {name: _text(table, name) for name in read}
    blank = np.logical_and.reduce([texts[c].eq("").to_numpy() for c in read]) if read else (
        np.ones(n, dtype=bool))
    aside["blank_row"] = blank
    child_id, legal = _text(table, "ChildID"), _text(table, "LegalStatus").str.upper()
    has_upn = "UPN" in table.column_names
    upns = normalise_upns(table.column("UPN")) if has_upn else pa.nulls(n, pa.string())
    pseudonymiser = Pseudonymiser(salt)
    encrypted = pseudonymiser.encrypted(upns)
    upn_status = encrypted.status
    aside["missing_key"] = ~blank & child_id.eq("").to_numpy() & (upn_status == MISSING)

    # dates: each spell is used only when its dates are sound
    dates, problems = {}, {}
    for name in DATE_COLUMNS:
        dates[name], problems[name] = _dates(table, name, rows, source, today_day)
    live = ~(aside["blank_row"] | aside["missing_key"])
    for name in DATE_COLUMNS:
        for problem, finding in (("unreadable", "date_unreadable"),
                                 ("impossible", "date_impossible"), ("future", "date_in_future")):
            if name != "DOB":
                found.add(finding, name, rows[live & (problems[name] == problem)])
    usable = np.zeros(n, dtype=bool)
    spells: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for label, start_name, end_name in SPELLS:
        start, end = dates[start_name], dates[end_name]
        start_bad, end_bad = problems[start_name] != "", problems[end_name] != ""
        end_given = (texts[end_name].ne("").to_numpy() if end_name in texts
                     else np.zeros(n, dtype=bool))
        no_start = texts[start_name].eq("").to_numpy() if start_name in texts else (
            np.ones(n, dtype=bool))
        without_start = end_given & no_start
        before = ~np.isnat(start) & ~np.isnat(end) & (end < start)
        found.add("end_without_start", end_name, rows[live & without_start])
        found.add("end_before_start", end_name, rows[live & before])
        ok = ~np.isnat(start) & ~start_bad & ~end_bad & ~before
        spells[label] = (np.where(ok, start, np.datetime64("NaT")).astype("datetime64[D]"),
                         np.where(ok, end, np.datetime64("NaT")).astype("datetime64[D]"))
        usable |= ok
    aside["no_usable_dates"] = live & ~usable

    # keys: the child (ID, else UPN) and the census pupil (UPN)
    upn_text = pc.fill_null(upns, "").to_pandas().astype(str)
    child_source = np.where(child_id.ne("").to_numpy(), "C" + child_id, "U" + upn_text)
    child_key = np.asarray(pseudonymiser.keys_array(pa.array(child_source, pa.string())),
                           dtype=object)
    pupil_key = np.asarray(encrypted.keys(), dtype=object)

    # exact repeats of a row already kept
    candidate = live & usable
    signature = pd.DataFrame({"child": child_key, "legal": legal.to_numpy(),
                              **{f"{k}{i}": v[i] for k, v in spells.items() for i in (0, 1)}})
    competing = signature[candidate]  # a repeat of a row set aside is not a repeat
    repeated = np.zeros(n, dtype=bool)
    repeated[competing.index[competing.duplicated(keep="first")].to_numpy()] = True
    aside["duplicate_record"] = repeated
    kept = candidate & ~repeated
    for reason in ("blank_row", "missing_key", "duplicate_record", "no_usable_dates"):
        found.add(reason, {"missing_key": "ChildID, UPN"}.get(reason, ""), rows[aside[reason]])

    # findings on kept rows
    if "DOB" in table.column_names:
        found.add("dob_missing", "DOB", rows[kept & texts["DOB"].eq("").to_numpy()])
        found.add("dob_invalid", "DOB", rows[kept & (problems["DOB"] != "")])
    if "LegalStatus" in table.column_names:
        unknown = legal.ne("").to_numpy() & ~legal.isin(LEGAL_STATUSES).to_numpy()
        found.add("legal_status_unknown", "LegalStatus", rows[kept & unknown])
    legal = legal.where(legal.isin(LEGAL_STATUSES), "")
    if has_upn:
        for status, finding in ((MISSING, "upn_missing"), (BAD_FORMAT, "upn_invalid_format"),
                                (BAD_CHECK_LETTER, "upn_invalid_check_letter")):
            found.add(finding, "UPN", rows[kept & (upn_status == status)])
    else:
        found.add("upn_missing", "UPN", rows[kept])
    # one UPN per child: the first given
    frame = pd.DataFrame({"child_key": child_key, "pupil_key": pupil_key})[kept]
    first = frame.dropna(subset=["pupil_key"]).groupby("child_key", sort=False)["pupil_key"].first()
    chosen = frame["child_key"].map(first)
    conflict = frame["pupil_key"].notna() & (frame["pupil_key"] != chosen)
    found.add("upn_conflict", "UPN", rows[kept][conflict.to_numpy()])

    age = _age_on(dates["DOB"], year)
    records = pd.DataFrame({
        "child_key": child_key[kept].astype(str),
        "pupil_key": chosen.to_numpy(dtype=object),
        "source_row": rows[kept].astype("int64"),
        "age_at_31_march": pd.array(np.where(np.isnan(age), None, age)[kept], dtype="Int64"),
        **{f"{label}_{part}": pd.to_datetime(spells[label][i][kept])
           for label in ("cin", "cpp", "cla") for i, part in enumerate(("start", "end"))},
        "legal_status": legal.to_numpy()[kept].astype(str),
    }, columns=RECORD_COLUMNS)
    records["pupil_key"] = records["pupil_key"].where(records["pupil_key"].notna(), None)
    counts = {reason: int(mask.sum()) for reason, mask in aside.items()}
    reconciliation = _reconciliation(year, n, counts, int(kept.sum()))
    return CareCleanResult(records.reset_index(drop=True), reconciliation, found.frame(), source)


def _age_on(dob: np.ndarray, year: int) -> np.ndarray:
    """Age in completed years on 31 March of ``year`` (NaN without a date of birth)."""
    day = np.datetime64(f"{year}-03-31", "D")
    out = np.full(dob.shape, np.nan)
    has = ~np.isnat(dob)
    if has.any():
        born = pd.DatetimeIndex(dob[has])
        age = year - born.year - (born.month > 3)  # birthday after 31 March: not yet
        out[has] = np.where(dob[has] <= day, age, np.nan)
    return out


def _reconciliation(year: int, read: int, aside: dict[str, int], kept: int) -> pd.DataFrame:
    rows = [(year, READ, "data rows in the children in need extract", read)]
    rows += [(year, SET_ASIDE, text, aside.get(code, 0))
             for code, text in SET_ASIDE_REASONS.items()]
    rows.append((year, KEPT, "rows kept (one per child or episode)", kept))
    table = pd.DataFrame(rows, columns=RECONCILIATION_COLUMNS).astype(
        {"census_year": "int64", "rows": "int64"})
    check_balanced(table)  # rows read = kept + set aside, or a bug
    return table


def clean_cin(config: Config, today: datetime.date | None = None) -> CareCleanResult:
    """Read and clean ``inputs.cin_extract`` with ``[cin.columns]`` and the census salt.

    Parameters
    ----------
    config : Config
        The council's configuration.
    today : datetime.date, optional
        The day of cleaning (for dates in the future); default today.

    Returns
    -------
    CareCleanResult

    Raises
    ------
    JsnaConfigError
        When ``inputs.cin_extract`` or the census salt is not set.
    JsnaInputError
        Structural problems of the file (one line naming file and column).
    """
    path = config.inputs.cin_extract
    if path is None:
        raise JsnaConfigError("inputs.cin_extract is not set (the children in need extract)")
    if not config.census.salt:
        raise JsnaConfigError("census.salt or census.salt_env is not set: the children in need "
                              "extract is pseudonymised with the census's salt")
    table = read_cin_extract(path, config.cin_columns)
    return clean_cin_table(table, salt=config.census.salt, year=config.year,
                           source=Path(path).name, today=today)


def write_cin_outputs(result: CareCleanResult, out_dir: str | Path) -> list[Path]:
    """Write :data:`OUTPUT_FILES` (records, reconciliation, findings, HTML report) to ``out_dir``.

    Returns
    -------
    list of Path
        The files written.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / name for name in OUTPUT_FILES]
    result.records.to_parquet(paths[0], index=False)
    result.reconciliation.rename(columns={"census_year": "year_to_31_march"}).to_csv(
        paths[1], index=False, lineterminator="\n")
    result.findings.to_csv(paths[2], index=False, lineterminator="\n")
    paths[3].write_text(render_cin_validation_html(result), encoding="utf-8", newline="\n")
    return paths


def render_cin_validation_html(result: CareCleanResult) -> str:
    """The extract's validation report: one accessible, self-contained HTML page (row numbers
    only, never an ID, UPN or date)."""
    from jsna.clean.report_page import ReportSection, reconciliation_section, render_report_page

    read = int(result.reconciliation.loc[result.reconciliation["step"] == READ, "rows"].sum())
    rows = [[f"{FINDING_TYPES[row.finding].description} ({row.finding})", row.column,
             f"{int(row.rows):,}", row.example_rows, FINDING_TYPES[row.finding].action]
            for row in result.findings.itertuples(index=False)]
    return render_report_page(
        f"{result.source}: children in need extract validation report",
        "Every data-quality finding from cleaning the children in need and looked after extract, "
        "with the number of rows and up to five example row numbers (the headings are row 1). "
        "No child ID, UPN, name or date of birth is shown.",
        [reconciliation_section(result.reconciliation, "Rows read = rows kept + rows set aside"),
         ReportSection("Findings", f"Data-quality findings ({read:,} rows read)",
                       ["Finding", "Column", "Rows", "Example rows", "What the cleaner did"],
                       rows, numeric=frozenset({2}))])
