"""Clean one census: set rows aside (with their reason), then check and build the kept rows' columns.

Each part (UPN and pupil key, coded fields, needs, school, age, home geography) records its own
findings and returns its output columns (:data:`jsna.clean.pupils_table.PUPIL_COLUMNS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa

from jsna.clean import coded_fields as coding
from jsna.clean.dates import IMPOSSIBLE, UNREADABLE, age_on_31_august
from jsna.clean.dates import STATUS_NAMES as DATE_STATUSES
from jsna.clean.home_geography import postcode_findings
from jsna.clean.prepared_census import PreparedCensus, check_kind
from jsna.clean.pupils_table import PUPIL_COLUMNS, TABLE_SCHEMA
from jsna.clean.reconcile import reconciliation_rows
from jsna.clean.repeated_upns import repeated_upns
from jsna.clean.upn import BAD_CHECK_LETTER, BAD_FORMAT, TEMPORARY
from jsna.clean.upn import MISSING as UPN_MISSING
from jsna.clean.validation import FindingsCollector
from jsna.errors import JsnaInputError

#: Youngest and oldest plausible ages (on 31 August) of a pupil in the school census.
AGE_RANGE = (1, 25)


def clean_one_census(
    prepared: PreparedCensus, positions: np.ndarray, year: int, collector: FindingsCollector,
    source: str,
) -> tuple[pa.Table, pd.DataFrame]:
    """Clean one census (rows at ``positions`` of the prepared table); return kept rows, counts.

    Rows are first set aside (blank rows, enrolment status, repeated UPNs); then the columns of
    the kept rows are checked and built, one part at a time.
    """
    n = positions.size
    # a view, not a copy, when the table holds this census only
    select: np.ndarray | slice = slice(None) if n == len(prepared.rows) else positions
    rows = prepared.rows[select]

    # 1. rows set aside: blank rows, enrolment status, duplicate UPNs
    has_value = prepared.has_value[select]
    blank = ~has_value
    collector.add(year, "blank_row", "", rows[blank])
    enrol = prepared.coded["EnrolStatus"]
    enrol_status = enrol.row_statuses(select)
    given = slice(None) if not blank.any() else has_value
    check_kind(enrol_status[given], (coding.UNKNOWN_CODE,), coding.MISSING_CODE,
                rows[given], "EnrolStatus", "enrolment status codes C, M, S or G", source)
    subsidiary = enrol.is_value(("S",), select) & has_value
    guest = enrol.is_value(("G",), select) & has_value
    status_unknown = (enrol_status != coding.OK_CODE) & has_value
    collector.add(year, "enrol_status_unknown", "EnrolStatus", rows[status_unknown])
    counted = enrol.is_value(coding.COUNTED_STATUSES, select) & has_value

    # a UPN twice among the counted rows is one pupil: keep its first row
    upns = prepared.upns
    with_upn = upns.valid[select]
    duplicate, orphan = repeated_upns(
        upns.cipher[select], rows, counted & with_upn, subsidiary & with_upn,
        prepared.shared_upn[select],
    )
    orphan |= subsidiary & ~with_upn
    collector.add(year, "duplicate_upn", "UPN", rows[duplicate])
    collector.add(year, "subsidiary_without_main", "EnrolStatus", rows[orphan])

    kept_here = np.flatnonzero(counted & ~duplicate)
    counts = reconciliation_rows(year, n, {
        "blank_row": int(blank.sum()),
        "subsidiary": int(subsidiary.sum()),
        "guest": int(guest.sum()),
        "enrol_status_unknown": int(status_unknown.sum()),
        "duplicate_upn": int(duplicate.sum()),
    }, int(kept_here.size))

    # 2. the kept rows' columns, each part checked and recorded independently
    # one census alone: its positions are 0, 1, 2, ... so the kept rows' positions are kept_here
    kept_positions = kept_here if isinstance(select, slice) else positions.take(kept_here)
    kept = KeptRows(prepared, kept_positions, rows.take(kept_here), year, collector, source)
    parts = (_upn_columns, _coded_columns, _need_columns, _school_columns, _age_column,
             _geography_columns)
    columns = {name: array for part in parts for name, array in part(kept).items()}
    columns["census_year"] = pa.array(np.full(kept.positions.size, year, dtype=np.int64))
    pupils = pa.table({name: columns[name] for name in PUPIL_COLUMNS}).cast(TABLE_SCHEMA)
    return pupils, counts


@dataclass(frozen=True)
class KeptRows:
    """The rows of one census kept in the headcount, and where to record findings about them."""

    prepared: PreparedCensus
    positions: np.ndarray  # in the prepared table
    rows: np.ndarray  # source row numbers, quoted in findings
    year: int
    collector: FindingsCollector
    source: str
    _views: dict[str, coding.Coded] = field(default_factory=dict)

    def add(self, finding: str, column: str, mask: np.ndarray) -> None:
        """Record a finding for the kept rows where ``mask`` is True."""
        rows = self.rows[mask] if mask.any() else self.rows[:0]  # most findings have no rows
        self.collector.add(self.year, finding, column, rows)

    def check_kind(self, statuses: np.ndarray, bad: tuple[int, ...], missing: int, column: str,
                   expected: str) -> None:
        """Stop when most values of a column are of the wrong kind (see :func:`check_kind`)."""
        check_kind(statuses, bad, missing, self.rows, column, expected, self.source)

    def coded(self, name: str) -> coding.Coded:
        """A coded column restricted to the kept rows (each row's code gathered once)."""
        if name not in self._views:
            column = self.prepared.coded[name]
            self._views[name] = coding.Coded(column.codes.take(self.positions), column.values,
                                             column.statuses)
        return self._views[name]

    def record(self, column: coding.Coded, name: str, expected: str,
               findings: Mapping[int, str]) -> None:
        """Check a coded column of the kept rows and record its findings.

        Row statuses are only worked out when a status with a finding (or an unknown value) is
        possible: when every distinct value is fine and no kept row is blank, as in most columns
        of most extracts, there is nothing to find.
        """
        if not column.may_have({*findings, coding.UNKNOWN_CODE}):
            return
        statuses = column.row_statuses()
        self.check_kind(statuses, (coding.UNKNOWN_CODE,), coding.MISSING_CODE, name, expected)
        for status, finding in findings.items():
            self.add(finding, name, statuses == status)

    @cached_property
    def provision(self) -> coding.Coded:
        """SEN provision of the kept rows, with the legacy codes of this census year."""
        codes, distinct = self.prepared.provision
        return coding.normalise_encoded(
            (codes.take(self.positions), distinct),
            lambda v: coding.normalise_sen_provision(v, self.year))


_MISSING_OR_UNKNOWN = {coding.MISSING_CODE: "{}_missing", coding.UNKNOWN_CODE: "{}_unknown"}


def _findings_named(prefix: str, names: Mapping[int, str] = _MISSING_OR_UNKNOWN,
                    ) -> dict[int, str]:
    return {status: name.format(prefix) for status, name in names.items()}


def _upn_columns(kept: KeptRows) -> dict[str, pa.Array]:
    """UPN findings (the UPN is never output) and the pupil key."""
    upns = kept.prepared.upns
    row_status = upns.status.take(kept.positions)
    kept.check_kind(row_status, (BAD_FORMAT,), UPN_MISSING, "UPN",
                    "13-character unique pupil numbers")
    for status, finding in ((UPN_MISSING, "upn_missing"), (BAD_FORMAT, "upn_invalid_format"),
                            (BAD_CHECK_LETTER, "upn_invalid_check_letter"),
                            (TEMPORARY, "upn_temporary")):
        kept.add(finding, "UPN", row_status == status)
    return {"pupil_key": upns.keys(kept.positions)}


def _coded_columns(kept: KeptRows) -> dict[str, pa.Array]:
    """Sex, year group and SEN provision."""
    sex, nc_year = kept.coded("Gender"), kept.coded("NCYearActual")
    kept.record(sex, "Gender", "M or F", _findings_named("sex"))
    kept.record(nc_year, "NCYearActual", "NC year groups (N1, N2, R, 1-14, X)",
                _findings_named("nc_year"))
    kept.record(kept.provision, "SENprovision", "SEN provision codes E, K or N",
                {**_findings_named("sen_provision"),
                 coding.RECODED_CODE: "sen_provision_recoded"})
    return {"sex": sex.row_dictionary(), "nc_year": nc_year.row_dictionary(),
            "sen_provision": kept.provision.row_dictionary()}


def _need_columns(kept: KeptRows) -> dict[str, pa.Array]:
    """Primary and secondary need, checked against SEN provision."""
    with_plan = kept.provision.is_value(("E",))
    with_sen = kept.provision.is_value(("E", "K"))
    no_sen = kept.provision.is_value(("N",))
    unknown, missing = (coding.UNKNOWN_CODE,), coding.MISSING_CODE

    primary = kept.coded("SENType1")
    primary_status = primary.row_statuses()
    kept.check_kind(primary_status, unknown, missing, "SENType1",
                    "DfE need codes (ASD, HI, MLD, ...)")
    need_missing = with_sen & (primary_status == coding.MISSING_CODE)
    kept.add("need_missing_for_sen", "SENType1", need_missing)
    for status, finding in ((coding.UNKNOWN_CODE, "need_code_unknown"),
                            (coding.RECODED_CODE, "need_recoded")):
        if primary.may_have((status,)):
            kept.add(finding, "SENType1", ~no_sen & (primary_status == status))
    kept.add("need_without_sen", "SENType1", no_sen & (primary_status != coding.MISSING_CODE))
    if "NSA" in primary.values.to_pylist():
        kept.add("nsa_with_ehc_plan", "SENType1", with_plan & primary.is_value(("NSA",)))
    need_index, needs = primary.row_indices()
    if need_missing.any():
        if "UNKNOWN" not in needs.to_pylist():
            needs = pa.concat_arrays([needs, pa.array(["UNKNOWN"])])
        need_index[need_missing] = needs.to_pylist().index("UNKNOWN")
    need_index[no_sen] = -1

    secondary = kept.coded("SENType2")
    if secondary.may_have((coding.UNKNOWN_CODE, coding.RECODED_CODE)):  # else nothing to find
        secondary_status = secondary.row_statuses()
        kept.check_kind(secondary_status, unknown, missing, "SENType2",
                        "DfE need codes (ASD, HI, MLD, ...)")
        kept.add("secondary_need_unknown", "SENType2",
                 ~no_sen & (secondary_status == coding.UNKNOWN_CODE))
        kept.add("secondary_need_recoded", "SENType2",
                 ~no_sen & (secondary_status == coding.RECODED_CODE))
    second_index, second_needs = secondary.row_indices()
    second_index[no_sen] = -1
    return {"primary_need": coding.dictionary_array(need_index, needs),
            "secondary_need": coding.dictionary_array(second_index, second_needs)}


def _school_columns(kept: KeptRows) -> dict[str, pa.Array]:
    """Free school meals, school URN and LAEstab (null when the extract has no such column)."""
    present = kept.prepared.table.column_names
    size = kept.positions.size
    columns: dict[str, pa.Array] = {"fsm": pa.nulls(size, pa.bool_())}
    # a file without the column, cleaned with one that has it, is not blank on every row
    if "FSMeligible" in present and kept.year not in kept.prepared.fsm_absent_years:
        fsm = kept.coded("FSMeligible")
        kept.record(fsm, "FSMeligible", "true/false, 1/0 or Y/N",
                    {coding.MISSING_CODE: "fsm_missing", coding.UNKNOWN_CODE: "fsm_unrecognised"})
        columns["fsm"] = fsm.row_values()
    for name, output, expected, finding in (
            ("URN", "school_urn", "6-digit URNs", "school_urn_invalid"),
            ("LAEstab", "la_estab", "7-digit LAEstab numbers", "la_estab_invalid")):
        if name not in present:
            columns[output] = pa.nulls(size, pa.string())
            continue
        school = kept.coded(name)
        if school.may_have((coding.UNKNOWN_CODE, coding.MISSING_CODE)):  # else all fine
            statuses = school.row_statuses()
            kept.check_kind(statuses, (coding.UNKNOWN_CODE,), coding.MISSING_CODE, name,
                            expected)
            kept.add(finding, name, statuses != coding.OK_CODE)
        columns[output] = school.row_dictionary()
    return columns


def _age_column(kept: KeptRows) -> dict[str, pa.Array]:
    """Age on 31 August, worked out once per distinct date of birth; date findings."""
    dob_codes, dob_dates = kept.prepared.dob
    codes = dob_codes.take(kept.positions)
    code_of = DATE_STATUSES.index
    if not (dob_dates.status_codes == code_of("ok")).all() or (codes.size and codes.min() < 0):
        dob_status = coding.decode(codes, dob_dates.status_codes, code_of("missing"))
        kept.check_kind(dob_status, (code_of(UNREADABLE), code_of(IMPOSSIBLE)),
                        code_of("missing"), "DOB", "dates of birth (ISO, DD/MM/YYYY or Excel serial)")
        for status, finding in (("missing", "dob_missing"), (UNREADABLE, "dob_unreadable"),
                                (IMPOSSIBLE, "dob_impossible")):
            kept.add(finding, "DOB", dob_status == code_of(status))
    # ages per distinct date of birth, as small integers (-1: none) so the per-row work is light
    by_date = age_on_31_august(dob_dates.dates, kept.year)
    known = ~np.isnan(by_date)
    out_of_range_by_date = known & ((by_date < AGE_RANGE[0]) | (by_date > AGE_RANGE[1]))
    if out_of_range_by_date.any():
        kept.add("dob_out_of_range", "DOB", coding.decode(codes, out_of_range_by_date, False))
    by_date[~known | out_of_range_by_date] = -1
    age = coding.decode(codes, by_date.astype(np.int8), -1)
    nc_coded = kept.coded("NCYearActual")
    expected_by_value = coding.expected_age(
        np.array(nc_coded.values.to_pylist() + [None], dtype=object)[:-1]).astype(np.int8)
    expected = coding.decode(nc_coded.codes, expected_by_value, -1)
    comparable = (expected >= 0) & (age >= 0)
    _check_census_year_by_age(age[comparable], expected[comparable], kept.year, kept.source)
    kept.add("age_outside_year_group", "DOB", comparable & (np.abs(age - expected) > 1))
    return {"age": _whole_numbers(age)}


#: Fewest pupils (valid date of birth and year group) needed to tell a census's year by age.
MIN_PUPILS_FOR_YEAR_CHECK = 20


def census_year_by_age(age: np.ndarray, expected: np.ndarray, year: int) -> tuple[int, float]:
    """The census year that pupils' ages point to, and the share of pupils that agree.

    In a January census, a pupil's age on 31 August before it is, for nearly every pupil, the
    age expected for the year group (Year 1: 5, Reception: 4, ...). Ages worked out for the wrong
    census year are all off by the same number of years, so the modal offset of age from the
    expected age gives the census the file is from; a few dirty dates of birth do not move it.

    Parameters
    ----------
    age, expected : numpy.ndarray of int
        Age on 31 August before the configured census, and the age expected for the year group,
        of pupils with both known.
    year : int
        The configured census year.

    Returns
    -------
    (int, float)
        ``year - modal offset`` and the share of pupils with that offset.
    """
    offset = np.asarray(age, dtype=np.int64) - np.asarray(expected, dtype=np.int64)
    if offset.size == 0:
        return year, 1.0
    low = int(offset.min())
    counts = np.bincount(offset - low)
    modal = int(np.argmax(counts)) + low
    return year - modal, float(counts.max() / offset.size)


def _check_census_year_by_age(age: np.ndarray, expected: np.ndarray, year: int,
                              source: str) -> None:
    """Stop when most pupils' ages point to another census than the configured one."""
    if age.size < MIN_PUPILS_FOR_YEAR_CHECK:
        return
    found, share = census_year_by_age(age, expected, year)
    if found != year and share > 0.5:
        gap = abs(found - year)
        raise JsnaInputError(
            f"{source}: the config lists this file as the January {year} census, but its pupils' "
            f"ages point to the January {found} census ({100 * share:.0f}% of pupils with a "
            f"date of birth and year group are {gap} year{'s' if gap != 1 else ''} "
            f"{'older' if found < year else 'younger'} on 31 August {year - 1} than their year "
            f"group); check inputs.census.{year}"
        )


def _whole_numbers(values: np.ndarray) -> pa.Array:
    """Small whole numbers (-1 = missing) as an Arrow int64 array with nulls."""
    valid = values >= 0
    if valid.all():
        return pa.array(values.astype(np.int64))
    if not valid.any():
        return pa.nulls(values.size, pa.int64())
    return pa.array(values, mask=~valid).cast(pa.int64())


def _mask(values: np.ndarray) -> pa.Array:
    return pa.array(values, type=pa.bool_())


def _geography_columns(kept: KeptRows) -> dict[str, pa.Array]:
    """LSOA, ward, IMD decile and residence of every kept row; postcode findings recorded.

    Each distinct postcode is located and judged once (:mod:`jsna.clean.home_geography`); the
    rows get the results through their position among the distinct postcodes.
    """
    located, geography = kept.prepared.postcodes, kept.prepared.geography
    codes = located.codes.take(kept.positions)  # each kept row's distinct postcode (-1: blank)

    def take(values: tuple[np.ndarray, pa.Array]) -> pa.DictionaryArray:
        positions, dictionary = values
        return coding.dictionary_array(coding.decode(codes, positions, -1), dictionary)

    findings = {finding: coding.decode(codes, where, finding == "postcode_missing")
                for finding, where in postcode_findings(located, geography).items()}
    statuses = np.where(findings["postcode_missing"], 1,
                        np.where(findings["postcode_malformed"], 2, 0)).astype(np.int8)
    kept.check_kind(statuses, (2,), 1, "Postcode", "UK postcodes")
    for finding, rows in findings.items():
        kept.add(finding, "Postcode", rows)
    row_decile = coding.decode(codes, np.nan_to_num(located.decile, nan=-1).astype(np.int8), -1)
    return {
        "lsoa_code": take(located.lsoa),
        "ward_code": take(located.ward),
        "imd_decile": _whole_numbers(row_decile),
        "resident": _mask(~findings["postcode_outside_council"]),
    }
