"""Clean health waiting-list extracts (community paediatrics, therapies, autism/ADHD, CAMHS).

``jsna clean health --config jsna.toml --out DIR`` calls :func:`clean_health` then
:func:`write_health_outputs`, which write:

* ``health_waits.parquet``: one row per referral kept: ``service`` (see
  :data:`jsna.clean.health_services.SERVICES`), ``referral_date``, ``first_contact_date`` (null
  while still waiting), ``removal_date`` (taken off the list without being seen), ``age_at_referral``
  (completed years, from the age column or the date of birth), ``lsoa_code``, ``ward_code``,
  ``provider_code``, ``pupil_key`` (from the UPN, with the census's salt and pseudonymiser, so it
  links to ``pupils.parquet``) and ``nhs_key`` (the NHS number's ten digits through the same
  pseudonymiser and salt, so a health extract links to another keyed by NHS number). No NHS number,
  UPN, date of birth or postcode;
* ``health_reconciliation.csv``: for every file, rows read = rows kept + rows set aside, by reason;
* ``health_validation.csv`` and ``health_validation.html``: every finding with counts and example
  row numbers.

Inputs: ``inputs.health_waits`` (one file with a service column) and/or
``[inputs.health_services]`` (one file per service: ``speech_and_language_therapy = "slt.csv"``).
Headings are matched loosely (case, spaces and punctuation ignored) and other headings mapped in
``[health.columns]`` (``"Date Referral Received" = "referral_date"``); local service names in
``[health.services]``. The list is taken on ``health.extract_date`` (default 31 March of
``jsna.year``): dates after it are *future dates*.

Where each child lives: the home postcode through the project's postcode lookup
(:func:`jsna.clean.home_geography.locate_postcodes`), else the LSOA through the LSOA to ward
lookup, else the provider or sub-ICB code through ``inputs.health_provider_lookup``
(:func:`jsna.clean.health_services.read_provider_lookup`). A referral placed in another council
is set aside; one that cannot be placed stays in the council's figures, without a ward.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from jsna.clean import coded_fields as coding
from jsna.clean.dates import IMPOSSIBLE, MISSING, OK, STATUS_NAMES
from jsna.clean.dates import _parse_distinct as parse_distinct_dates
from jsna.clean.headings import check_required, match_headings
from jsna.clean.health_report import (
    FINDING_COLUMNS,
    SET_ASIDE_REASONS,
    HealthFindings,
    check_reconciled,
    reconciliation_rows,
    render_health_validation_html,
)
from jsna.clean.health_services import (
    SERVICES,
    check_known_names,
    check_service_map,
    match_services,
    nhs_number_status,
    read_provider_lookup,
)
from jsna.clean.home_geography import Geography, locate_postcodes
from jsna.clean.postcode import (
    LsoaWardLookup,
    PostcodeDirectory,
    read_lsoa_ward_lookup,
    read_postcode_directory,
    read_ward_codes,
)
from jsna.clean.upn import MISSING as UPN_MISSING
from jsna.clean.upn import VALID as UPN_VALID
from jsna.clean.upn import Pseudonymiser, normalise_upns
from jsna.errors import JsnaInputError
from jsna.sources.text_table import read_selected_columns

if TYPE_CHECKING:
    from jsna.config import Config

#: Standard column -> accepted headings (compared form: lower case, no spaces or punctuation).
HEALTH_HEADINGS: dict[str, tuple[str, ...]] = {
    "service": ("service", "servicename", "servicetype", "specialty", "speciality", "team",
                "pathway", "clinic", "servicedescription"),
    "referral_date": ("referraldate", "datereferred", "referralreceiveddate", "referralreceived",
                      "referreddate", "dateofreferral", "referralstartdate", "rttstartdate",
                      "clockstartdate", "clockstart", "datereferralreceived"),
    "first_contact_date": ("firstcontactdate", "firstcontact", "dateseen", "seen", "seendate", "datefirstseen",
                           "firstseendate", "firstappointmentdate", "firstappointment",
                           "firstattendeddate", "clockstopdate", "clockstop",
                           "firstcarecontactdate", "assessmentdate"),
    "removal_date": ("removaldate", "dischargedate", "dischargeddate", "referralcloseddate",
                     "closeddate", "referralenddate", "datedischarged", "dateremoved"),
    "age": ("age", "ageatreferral", "ageyears", "ageinyears", "agereferral"),
    "dob": ("dob", "dateofbirth", "birthdate", "patientdob"),
    "postcode": ("postcode", "homepostcode", "patientpostcode", "postcodehome", "residentpostcode"),
    "lsoa": ("lsoa", "lsoacode", "lsoa21", "lsoa21cd", "lsoa11", "lsoa11cd", "lsoa2021",
             "lsoacode2021", "lsoaofresidence"),
    "nhs_number": ("nhsnumber", "nhsno", "nhsnum", "nhs"),
    "upn": ("upn", "uniquepupilnumber", "pupilupn"),
    "provider": ("provider", "providercode", "providerodscode", "subicb", "subicbcode",
                 "subicblocation", "subicblocationcode", "ccg", "ccgcode", "commissioner",
                 "commissionercode", "organisationcode", "orgcode"),
}
#: Names of people are recognised (so a mapping cannot read them) and never read.
_NAME_HEADINGS = {"forename", "firstname", "surname", "lastname", "patientname", "name",
                  "givenname", "familyname"}

OUTPUT_FILES: tuple[str, ...] = ("health_waits.parquet", "health_reconciliation.csv",
                                 "health_validation.csv", "health_validation.html")
WAITS_SCHEMA = pa.schema([
    ("service", pa.string()), ("referral_date", pa.date32()),
    ("first_contact_date", pa.date32()), ("removal_date", pa.date32()),
    ("age_at_referral", pa.int16()), ("lsoa_code", pa.string()), ("ward_code", pa.string()),
    ("provider_code", pa.string()), ("pupil_key", pa.string()), ("nhs_key", pa.string()),
])

_NAT = np.datetime64("NaT", "D")


@dataclass(frozen=True)
class HealthExtract:
    """One waiting-list file: its path and, for a one-service file, that service's key."""

    path: Path
    service: str | None = None


@dataclass(frozen=True)
class HealthCleanResult:
    """Cleaned referrals, reconciliation and findings (see the module docstring)."""

    waits: pa.Table
    reconciliation: pd.DataFrame
    findings: pd.DataFrame
    extract_date: datetime.date
    title: str = "Health waiting lists"


def _config_message(error: JsnaInputError) -> JsnaInputError:
    return JsnaInputError(str(error).replace("[census.columns]", "[health.columns]"))


def read_health_file(extract: HealthExtract, columns_map: Mapping[str, str] | None = None
                     ) -> pa.Table:
    """Read one waiting-list file (CSV or XLSX): the standard columns as text and ``source_row``.

    Parameters
    ----------
    extract : HealthExtract
        The file and, when it holds one service, that service.
    columns_map : mapping, optional
        ``[health.columns]``: local heading -> standard name (keys of :data:`HEALTH_HEADINGS`).

    Returns
    -------
    pyarrow.Table

    Raises
    ------
    JsnaInputError
        One line naming the file and the missing column (with the headings found).
    """
    source = Path(extract.path).name

    def select(headings: list[str]) -> dict[str, str]:
        try:
            found = match_headings(headings, columns_map, standard=HEALTH_HEADINGS,
                                   source=source)
            required = ("referral_date", "first_contact_date")
            if extract.service is None:
                required = ("service", *required)
            check_required(found, headings, source, required, ("age", "dob"))
            check_required(found, headings, source, (), ("postcode", "lsoa"))
        except JsnaInputError as error:
            raise _config_message(error) from None
        names = {h for h in headings if h.replace(" ", "").casefold() in _NAME_HEADINGS}
        return {name: heading for name, heading in found.items() if heading not in names}

    return read_selected_columns(Path(extract.path), select, source=source).table


def check_health_columns_map(columns_map: Mapping[str, str]) -> None:
    """Reject ``[health.columns]`` entries whose standard name is unknown."""
    check_known_names("columns", columns_map, tuple(HEALTH_HEADINGS), "a standard column name")


def _column(table: pa.Table, name: str) -> pa.ChunkedArray:
    if name in table.column_names:
        return table.column(name)
    return pa.chunked_array([pa.nulls(table.num_rows, pa.string())])


@dataclass(frozen=True)
class _Dates:
    """A date column: per row the date and status; year and month-day for age arithmetic."""

    dates: np.ndarray
    status: np.ndarray
    year: np.ndarray
    month_day: np.ndarray


def _dates(table: pa.Table, name: str, parts: bool = False) -> _Dates:
    """Parse each distinct value once; spread the dates and status (and, with ``parts``, year
    and month-day, computed on the distinct dates) over the rows."""
    codes, values = coding.encode(_column(table, name))
    dates, status = parse_distinct_dates(values)
    nat = np.datetime64("NaT", "D")
    year = month_day = np.zeros(0, dtype=np.int64)
    if parts:
        months = dates.astype("datetime64[M]")
        year = coding.decode(codes, dates.astype("datetime64[Y]").astype(np.int64) + 1970, 0)
        month_day = coding.decode(codes, (months.astype(np.int64) % 12 + 1) * 100
                                  + (dates - months).astype(np.int64) + 1, 0)
    return _Dates(coding.decode(codes, dates, nat).astype("datetime64[D]"),
                  coding.decode(codes, status, STATUS_NAMES.index(MISSING)), year, month_day)


def _ages(table: pa.Table, referral: _Dates) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Age at referral; True where neither age nor DOB is given; True where unusable."""
    n = table.num_rows
    given_age = np.full(n, np.nan)
    age_blank = np.ones(n, dtype=bool)
    if "age" in table.column_names:
        age_text = pc.utf8_trim_whitespace(table.column("age"))
        codes, distinct = coding.encode(age_text)
        numbers = pd.to_numeric(pd.Series(distinct.to_numpy(zero_copy_only=False)),
                                errors="coerce").to_numpy(dtype=float)
        given_age = coding.decode(codes, numbers, np.nan).astype(float)
        age_blank = codes < 0
    dob = _dates(table, "dob", parts=True)
    from_dob = (referral.year - dob.year - (referral.month_day < dob.month_day)).astype(float)
    from_dob[np.isnat(dob.dates) | np.isnat(referral.dates)] = np.nan
    age = np.where(np.isnan(given_age), from_dob, np.floor(given_age))
    dob_blank = dob.status == STATUS_NAMES.index(MISSING)
    missing = age_blank & dob_blank
    unusable = ~missing & (np.isnan(age) | (age < 0) | (age > 25))
    age[unusable] = np.nan
    return age, missing, unusable


def clean_health_tables(
    tables: Sequence[tuple[str, pa.Table, str | None]],
    *,
    salt: str,
    extract_date: datetime.date,
    area_code: str | None = None,
    postcodes: PostcodeDirectory | None = None,
    lsoa_wards: LsoaWardLookup | None = None,
    ward_codes: frozenset[str] | None = None,
    providers: Mapping[str, frozenset[str]] | None = None,
    services_map: Mapping[str, str] | None = None,
    title: str = "Health waiting lists",
) -> HealthCleanResult:
    """Clean waiting-list tables already read (see :func:`read_health_file`).

    Parameters
    ----------
    tables : sequence of (file name, table, service key or None)
        Each table with standard-named text columns and ``source_row``.
    salt : str
        The census's pseudonymisation secret (keys link to census pupils).
    extract_date : datetime.date
        The date the list was taken: later dates are future dates.
    area_code : str, optional
        The council's GSS code.
    postcodes, lsoa_wards, ward_codes
        The project's geography lookups (as for the census).
    providers : mapping, optional
        Provider or sub-ICB code -> councils it serves (:func:`read_provider_lookup`).
    services_map : mapping, optional
        ``[health.services]``: local service name -> service key.
    title : str
        The council's name, for the report.

    Returns
    -------
    HealthCleanResult
    """
    if services_map:
        check_service_map(services_map)
    pseudonymiser = Pseudonymiser(salt)
    wards = ward_codes if ward_codes is not None else (
        lsoa_wards.ward_codes if lsoa_wards is not None else frozenset())
    findings = HealthFindings()
    parts: list[pa.Table] = []
    reconciliation: list[pd.DataFrame] = []
    end = np.datetime64(extract_date, "D")
    for name, table, fixed_service in tables:
        kept, counts = _clean_one(name, table, fixed_service, pseudonymiser, end, findings,
                                  Geography(postcodes, lsoa_wards, wards, None, area_code),
                                  providers or {}, services_map or {})
        parts.append(kept)
        reconciliation.append(counts)
    recon = pd.concat(reconciliation, ignore_index=True) if reconciliation else \
        reconciliation_rows("", 0, {}, 0).iloc[0:0]
    check_reconciled(recon)
    waits = pa.concat_tables(parts) if parts else WAITS_SCHEMA.empty_table()
    return HealthCleanResult(waits=waits, reconciliation=recon, findings=findings.to_frame(),
                             extract_date=extract_date, title=title)


def _clean_one(name: str, table: pa.Table, fixed_service: str | None,
               pseudonymiser: Pseudonymiser, end: np.datetime64, findings: HealthFindings,
               geography: Geography, providers: Mapping[str, frozenset[str]],
               services_map: Mapping[str, str]) -> tuple[pa.Table, pd.DataFrame]:
    n = table.num_rows
    rows = table.column("source_row").to_numpy()
    data = [c for c in table.column_names if c != "source_row"]
    # the reader reads blank cells as nulls: a row is blank when every column is null
    valid = pc.is_valid(table.column(data[0])) if data else pa.array(np.zeros(n, dtype=bool))
    for column in data[1:]:
        valid = pc.or_(valid, pc.is_valid(table.column(column)))
    has_value = np.asarray(valid.to_numpy(zero_copy_only=False), dtype=bool)
    reasons: dict[str, np.ndarray] = {"blank_row": ~has_value}

    def report(finding: str, column: str, mask: np.ndarray) -> None:
        findings.add(name, finding, column, rows[mask & has_value])

    findings.add(name, "blank_row", "", rows[~has_value])
    # service
    keys = list(SERVICES)
    if fixed_service is not None:
        service = np.full(n, keys.index(fixed_service), dtype=np.int64)
        service_missing = np.zeros(n, dtype=bool)
        service_unknown = np.zeros(n, dtype=bool)
    else:  # each distinct name matched once; rows hold its position in SERVICES (-1: unknown)
        codes, distinct = coding.encode(pc.utf8_trim_whitespace(table.column("service")))
        matched = np.array([-1 if m is None else keys.index(m)
                            for m in match_services(distinct.to_pylist(), services_map)],
                           dtype=np.int64)
        service = coding.decode(codes, matched, -1)
        service_missing = codes < 0
        service_unknown = ~service_missing & (service < 0)
        report("service_missing", "service", service_missing)
        report("service_unknown", "service", service_unknown)
    reasons["service_unknown"] = service_missing | service_unknown
    # dates
    referral_dates = _dates(table, "referral_date", parts=True)
    referral, referral_status = referral_dates.dates, referral_dates.status
    for status, finding in ((MISSING, "referral_date_missing"),
                            ("unreadable", "referral_date_unreadable"),
                            (IMPOSSIBLE, "referral_date_impossible")):
        report(finding, "referral_date", referral_status == STATUS_NAMES.index(status))
    reasons["referral_date_unusable"] = referral_status != STATUS_NAMES.index(OK)
    contact_dates, removal_dates = _dates(table, "first_contact_date"), _dates(table,
                                                                               "removal_date")
    contact, contact_status = contact_dates.dates, contact_dates.status
    removal, removal_status = removal_dates.dates, removal_dates.status
    contact_bad = ~np.isin(contact_status, [STATUS_NAMES.index(OK), STATUS_NAMES.index(MISSING)])
    removal_bad = ~np.isin(removal_status, [STATUS_NAMES.index(OK), STATUS_NAMES.index(MISSING)])
    report("contact_unreadable", "first_contact_date", contact_bad)
    report("removal_unreadable", "removal_date", removal_bad)
    with np.errstate(invalid="ignore"):
        future = {"referral_in_future": ("referral_date", referral > end),
                  "contact_in_future": ("first_contact_date", contact > end),
                  "removal_in_future": ("removal_date", removal > end)}
        order = {"contact_before_referral": ("first_contact_date", contact < referral),
                 "removal_before_referral": ("removal_date", removal < referral)}
    for finding, (column, mask) in {**future, **order}.items():
        report(finding, column, mask)
    reasons["referral_date_unusable"] |= contact_bad | removal_bad
    reasons["future_date"] = np.logical_or.reduce([mask for _, mask in future.values()])
    reasons["dates_out_of_order"] = order["contact_before_referral"][1] | \
        order["removal_before_referral"][1]
    # where the child lives
    lsoa, ward, outside, placed, geo_findings = _residence(table, geography, providers)
    reasons["resident_elsewhere"] = outside
    report("resident_elsewhere", "postcode", outside)
    # identifiers: keys with the census's pseudonymiser
    # (NHS numbers are nearly all distinct: checked and encrypted row by row, without hashing)
    nhs_normal, nhs_status = nhs_number_status(_column(table, "nhs_number").combine_chunks())
    # an NHS number (ten digits) never equals a UPN (a letter first): one key space for both
    nhs = pseudonymiser.encrypted(nhs_normal)
    nhs_key = nhs.keys()
    nhs_invalid = nhs_status == "invalid"
    upns = pseudonymiser.encrypted(normalise_upns(_column(table, "upn")))
    pupil_key = upns.keys()
    no_identity = ~(nhs.valid | upns.valid)
    # duplicates among rows not already set aside (same identity, service and referral date):
    # equal encrypted blocks are equal identifiers, compared as two 64-bit integers
    set_aside_so_far = np.logical_or.reduce(list(reasons.values()))
    candidate = ~set_aside_so_far & ~no_identity
    cipher = np.where(nhs.valid[:, None], nhs.cipher, upns.cipher)
    halves = np.ascontiguousarray(cipher).view(np.uint64).reshape(n, 2)
    # (an NHS number's block never equals a UPN's: different plaintexts, one permutation)
    when = referral.astype(np.int64) * 16 + service  # referral day and service in one number
    rows_in = np.flatnonzero(candidate)
    high, low, when = halves[rows_in, 0], halves[rows_in, 1], when[rows_in].astype(np.uint64)
    # one 64-bit mix of the three, hashed by pandas; each row it flags is then checked exactly
    # against the first row with its mix (a collision is never taken for a duplicate)
    with np.errstate(over="ignore"):
        mix = high ^ (low * np.uint64(0x9E3779B97F4A7C15)) ^ (when * np.uint64(0xC2B2AE3D27D4EB4F))
    mixes = pd.Series(mix)
    flagged = np.flatnonzero(mixes.duplicated(keep="first").to_numpy())
    firsts = mixes.drop_duplicates(keep="first")
    first = firsts.index.to_numpy()[pd.Index(firsts.to_numpy()).get_indexer(mix[flagged])]
    exact = (high[flagged] == high[first]) & (low[flagged] == low[first]) \
        & (when[flagged] == when[first])
    duplicate = np.zeros(n, dtype=bool)
    duplicate[rows_in[flagged[exact]]] = True
    reasons["duplicate_referral"] = duplicate
    report("duplicate_referral", "nhs_number", duplicate)
    # the first reason of each row, in reporting order
    assigned = np.zeros(n, dtype=bool)
    set_aside: dict[str, int] = {}
    for reason in SET_ASIDE_REASONS:
        mask = reasons[reason] & ~assigned
        set_aside[reason] = int(mask.sum())
        assigned |= mask
    keep = ~assigned
    # findings on kept rows
    age, age_missing, age_unusable = _ages(table, referral_dates)
    findings.add(name, "identifier_missing", "nhs_number", rows[keep & no_identity])
    findings.add(name, "nhs_number_invalid", "nhs_number", rows[keep & nhs_invalid])
    upn_bad = ~np.isin(upns.status, [UPN_VALID, UPN_MISSING])
    findings.add(name, "upn_invalid", "upn", rows[keep & upn_bad])
    findings.add(name, "age_missing", "age", rows[keep & age_missing])
    findings.add(name, "age_unusable", "age", rows[keep & age_unusable])
    for finding, (column, mask) in geo_findings.items():
        findings.add(name, finding, column, rows[keep & mask])
    del placed
    positions = np.flatnonzero(keep)
    taken = pa.array(positions, type=pa.int64())

    def dates(values: np.ndarray) -> pa.Array:
        picked = values[positions]  # days since 1970 as int32, viewed as Arrow dates
        return pa.array(picked.astype(np.int64).astype(np.int32), mask=np.isnat(picked)).view(
            pa.date32())

    ages = age[positions]
    kept = pa.table({
        "service": pa.array(keys, type=pa.string()).take(pa.array(service[positions])),
        "referral_date": dates(referral),
        "first_contact_date": dates(contact),
        "removal_date": dates(removal),
        "age_at_referral": pa.array(np.nan_to_num(ages).astype(np.int16), mask=np.isnan(ages)),
        "lsoa_code": lsoa.take(taken),
        "ward_code": ward.take(taken),
        "provider_code": pc.utf8_upper(pc.utf8_trim_whitespace(
            _column(table, "provider").take(taken))),
        "pupil_key": pupil_key.take(taken),
        "nhs_key": nhs_key.take(taken),
    }, schema=WAITS_SCHEMA)
    return kept, reconciliation_rows(name, n, set_aside, int(keep.sum()))


def _residence(table: pa.Table, geography: Geography, providers: Mapping[str, frozenset[str]]
               ) -> tuple[pa.Array, pa.Array, np.ndarray, np.ndarray,
                          dict[str, tuple[str, np.ndarray]]]:
    """Per row: LSOA, ward, set aside as elsewhere, placed at all; and the kept-row findings."""
    n = table.num_rows
    lsoa = pa.nulls(n, pa.string())
    ward = pa.nulls(n, pa.string())
    outside = np.zeros(n, dtype=bool)
    inside = np.zeros(n, dtype=bool)
    found: dict[str, tuple[str, np.ndarray]] = {}
    postcode_blank = np.ones(n, dtype=bool)
    if "postcode" in table.column_names:
        located = locate_postcodes(table.column("postcode"), geography)
        codes = located.codes
        given = codes >= 0

        def spread(values: np.ndarray, missing: object = False) -> np.ndarray:
            return coding.decode(codes, values, missing)

        postcode_blank = ~given | spread(located.blank.astype(bool), True).astype(bool)
        well_formed = spread(located.well_formed.astype(bool)).astype(bool)
        matched = spread(located.matched).astype(bool)
        outside = spread(located.outside).astype(bool)
        inside = matched & ~outside
        def gathered(encoded: tuple[np.ndarray, pa.Array]) -> pa.Array:
            position = coding.decode(codes, encoded[0], -1)  # per row: index of its value
            return encoded[1].cast(pa.string()).take(pa.array(position, mask=position < 0,
                                                              type=pa.int64()))

        lsoa, ward = gathered(located.lsoa), gathered(located.ward)
        found["postcode_malformed"] = ("postcode", ~postcode_blank & ~well_formed)
        found["postcode_unmatched"] = ("postcode", ~postcode_blank & well_formed & ~matched)
    if "lsoa" in table.column_names:
        given_lsoa = pc.utf8_upper(pc.utf8_trim_whitespace(table.column("lsoa"))).to_numpy(
            zero_copy_only=False)
        use = ~inside & ~outside & ~pd.isna(given_lsoa)
        if "postcode_unmatched" in found:  # an LSOA stands in for an unusable postcode
            for key in ("postcode_malformed", "postcode_unmatched"):
                found[key] = (found[key][0], found[key][1] & ~use)
        lsoa = pc.if_else(pa.array(use), pa.array(given_lsoa, type=pa.string()), lsoa)
        lookup = geography.lsoa_wards
        by_lsoa = (lookup.ward_by_lsoa.reindex(given_lsoa).to_numpy(dtype=object)
                   if lookup is not None else np.full(n, None, dtype=object))
        known = ~pd.isna(by_lsoa)
        council_wards = geography.ward_codes
        in_council = known & np.isin(by_lsoa.astype(str), list(council_wards)) if council_wards \
            else known
        ward = pc.if_else(pa.array(use & in_council),
                          pa.array(by_lsoa, type=pa.string(), from_pandas=True), ward)
        outside |= use & known & ~in_council
        inside |= use & in_council
        found["lsoa_unmatched"] = ("lsoa", use & ~known)
        postcode_blank &= pd.isna(given_lsoa)
    found["postcode_missing"] = ("postcode", postcode_blank)
    if "provider" in table.column_names:
        provider_codes, distinct = coding.encode(
            pc.utf8_upper(pc.utf8_trim_whitespace(table.column("provider"))))
        served = [providers.get(c) for c in distinct.to_pylist()]
        unknown = np.array([c is None for c in served], dtype=bool)
        if providers:
            found["provider_unknown"] = ("provider", coding.decode(provider_codes, unknown,
                                                                   False).astype(bool))
        if geography.area_code is not None:
            other = np.array([c is not None and geography.area_code not in c for c in served],
                             dtype=bool)
            elsewhere = coding.decode(provider_codes, other, False).astype(bool)
            outside |= ~inside & ~outside & elsewhere
    order = ("postcode_missing", "postcode_malformed", "postcode_unmatched", "lsoa_unmatched",
             "provider_unknown")
    return lsoa, ward, outside, inside, {k: found[k] for k in order if k in found}


def health_extracts(config: Config) -> list[HealthExtract]:
    """The waiting-list files the config names (``inputs.health_waits``, ``inputs.health_services``)."""
    extracts: list[HealthExtract] = []
    if config.inputs.health_waits is not None:
        extracts.append(HealthExtract(config.inputs.health_waits))
    for service, path in sorted(config.inputs.health_services.items()):
        extracts.append(HealthExtract(path, service))
    return extracts


def clean_health(config: Config) -> HealthCleanResult:
    """Read and clean every waiting-list file the config names.

    Raises
    ------
    JsnaInputError
        No extract configured, or one line naming a file and column.
    """
    extracts = health_extracts(config)
    if not extracts:
        raise JsnaInputError(
            f"{config.path.name}: neither inputs.health_waits nor [inputs.health_services] is "
            f"set: there is no health waiting-list extract to clean")
    options = config.health
    check_health_columns_map(options.columns)
    check_service_map(options.services)
    inputs = config.inputs
    tables = [(Path(e.path).name, read_health_file(e, options.columns), e.service)
              for e in extracts]
    postcodes = (read_postcode_directory(inputs.postcode_lookup, config.census.columns)
                 if inputs.postcode_lookup else None)
    lsoa_wards = read_lsoa_ward_lookup(inputs.lsoa_ward_lookup) if inputs.lsoa_ward_lookup else None
    ward_codes = None
    if inputs.ward_boundaries is not None and Path(inputs.ward_boundaries).exists():
        ward_codes = read_ward_codes(inputs.ward_boundaries)
    providers = (read_provider_lookup(inputs.health_provider_lookup)
                 if inputs.health_provider_lookup else None)
    return clean_health_tables(
        tables, salt=config.census.salt, extract_date=options.extract_date or datetime.date(
            config.year, 3, 31), area_code=config.area.code, postcodes=postcodes,
        lsoa_wards=lsoa_wards, ward_codes=ward_codes, providers=providers,
        services_map=options.services, title=config.area.name)


def write_health_outputs(result: HealthCleanResult, out_dir: Path) -> list[Path]:
    """Write the four files of :data:`OUTPUT_FILES` (deterministic bytes).

    Returns
    -------
    list of Path
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    check_reconciled(result.reconciliation)
    paths = [out_dir / name for name in OUTPUT_FILES]
    pq.write_table(result.waits.cast(WAITS_SCHEMA), paths[0], compression="zstd")
    result.reconciliation.to_csv(paths[1], index=False, lineterminator="\n")
    result.findings[FINDING_COLUMNS].to_csv(paths[2], index=False, lineterminator="\n")
    paths[3].write_text(render_health_validation_html(result.findings, result.reconciliation,
                                                      title=result.title),
                        encoding="utf-8", newline="\n")
    return paths
