"""Local authority codes: DfE 3-digit LA numbers, ONS GSS codes and their history.

DfE files identify councils by a 3-digit LA number (``816`` York), ONS and OHID files by a GSS code
(``E06000014``). Codes also change when councils are reorganised. This module holds the lookup
between the two (all 153 councils of 2025 plus the predecessors still found in published time
series) and the rules that line codes up across boundary changes so time series join.

Harmonisation rules
-------------------
* **Recode** (same area, new code): rows are relabelled with the current code. Exact. Examples:
  Buckinghamshire ``E10000002`` -> ``E06000060`` (2020), North Yorkshire ``E10000023`` ->
  ``E06000065`` and Somerset ``E10000027`` -> ``E06000066`` (2023; DfE files still use the old
  codes), Northumberland ``E06000048`` -> ``E06000057``, Gateshead ``E08000020`` -> ``E08000037``.
* **Merger** (whole areas joined): for periods in which the successor has no rows of its own,
  successor rows are derived by **summing counts** of the predecessors present. Rates and
  percentages are never summed: they are left on the predecessors and reported as not harmonised.
  A derived row is *exact* when every predecessor of the rule is present and the rule is exact,
  otherwise *approximate*; the ``harmonised`` column says which. Rules:

  - Bournemouth, Christchurch and Poole ``E06000058`` (1 April 2019) = Bournemouth ``E06000028`` +
    Poole ``E06000029`` + Christchurch district ``E07000048``. DfE (education) series have no
    Christchurch row -- Christchurch was part of Dorset county -- so BCP before 2019 is
    Bournemouth + Poole, flagged *approximate* (Christchurch is about 13% of BCP's population).
  - Dorset ``E06000059`` (1 April 2019) = the five Dorset districts ``E07000049``..``E07000053``
    (exact), or, in county-level series, Dorset county ``E10000009`` (*approximate*: the county
    included Christchurch, which moved to BCP).
* **Split** (one area divided): Northamptonshire ``E10000021`` (2021) and Cumbria ``E10000006``
  (2023) cannot be divided between successors from published totals. Nothing is derived; the
  series break is reported.

Every rule applied is listed in the report returned by :func:`harmonise_la_codes`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.errors import JsnaInputError
from jsna.sources.common import first_unreadable, read_text_csv, require_columns

# la_codes.csv: DfE LA number, GSS code (current ONS code), name, region, DfE LA type,
# 1 = exists in 2025.
# Derived from the DfE SEN2 2025 release (old_la_code/new_la_code pairs) and the DfE LA code
# list (LA type); North Yorkshire, Buckinghamshire and Somerset carry their current ONS codes.
_LA_TABLE = Path(__file__).with_name("la_codes.csv")

#: DfE region and national numbers used by LAIT and the statistical-neighbour files.
DFE_REGIONS: dict[int, tuple[str, str]] = {
    970: ("E92000001", "England"), 980: ("E12000001", "North East"),
    981: ("E12000002", "North West"), 982: ("E12000003", "Yorkshire and The Humber"),
    983: ("E12000004", "East Midlands"), 984: ("E12000005", "West Midlands"),
    985: ("E12000006", "East of England"), 986: ("E12000007", "London"),
    987: ("", "Inner London"), 988: ("", "Outer London"),
    989: ("E12000008", "South East"), 990: ("E12000009", "South West"),
}

#: GSS names of regions and England.
REGION_NAMES: dict[str, str] = {code: name for code, name in DFE_REGIONS.values() if code}


@dataclass(frozen=True)
class CodeChange:
    """One reorganisation: predecessors replaced by a successor from ``year`` (April)."""

    successor: str
    successor_name: str
    predecessors: tuple[str, ...]
    predecessor_names: tuple[str, ...]
    year: int
    kind: str  # "recode", "merger" or "split"
    exact: bool
    note: str


def _recode(old: str, new: str, name: str, year: int, note: str) -> CodeChange:
    """A new code for the same area from ``year``: exact."""
    return CodeChange(new, name, (old,), (name,), year, "recode", True, note)


def _split(county: tuple[str, str], new: str, new_name: str, year: int, note: str) -> CodeChange:
    """One successor of a ``(code, name)`` county divided in ``year``: nothing can be derived."""
    old, old_name = county
    return CodeChange(new, new_name, (old,), (old_name,), year, "split", False, note)


_SAME_AREA = "new code, same area"
_NOW_UNITARY = "county became a unitary authority, same area"
_NORTHAMPTONSHIRE_SPLIT = "county split into North and West Northamptonshire"
_CUMBRIA_SPLIT = "county split into Cumberland and Westmorland and Furness"
_NORTHAMPTONSHIRE = ("E10000021", "Northamptonshire")
_CUMBRIA = ("E10000006", "Cumbria")

CODE_CHANGES: tuple[CodeChange, ...] = (
    _recode("E08000020", "E08000037", "Gateshead", 2014, _SAME_AREA),
    _recode("E06000048", "E06000057", "Northumberland", 2016, _SAME_AREA),
    _recode("E10000002", "E06000060", "Buckinghamshire", 2020, _NOW_UNITARY),
    _recode("E10000023", "E06000065", "North Yorkshire", 2023, _NOW_UNITARY),
    _recode("E10000027", "E06000066", "Somerset", 2023, _NOW_UNITARY),
    CodeChange(
        successor="E06000058",
        successor_name="Bournemouth, Christchurch and Poole",
        predecessors=("E06000028", "E06000029", "E07000048"),
        predecessor_names=("Bournemouth", "Poole", "Christchurch"),
        year=2019,
        kind="merger",
        exact=True,
        note="Bournemouth + Poole + Christchurch; education series have no Christchurch row "
        "(it was in Dorset county), so they give Bournemouth + Poole only",
    ),
    CodeChange(
        successor="E06000059",
        successor_name="Dorset",
        predecessors=("E07000049", "E07000050", "E07000051", "E07000052", "E07000053"),
        predecessor_names=(
            "East Dorset",
            "North Dorset",
            "Purbeck",
            "West Dorset",
            "Weymouth and Portland",
        ),
        year=2019,
        kind="merger",
        exact=True,
        note="the five Dorset districts",
    ),
    CodeChange(
        successor="E06000059",
        successor_name="Dorset",
        predecessors=("E10000009",),
        predecessor_names=("Dorset county",),
        year=2019,
        kind="merger",
        exact=False,
        note="Dorset county including Christchurch, which moved to BCP",
    ),
    _split(_NORTHAMPTONSHIRE, "E06000061", "North Northamptonshire", 2021, _NORTHAMPTONSHIRE_SPLIT),
    _split(_NORTHAMPTONSHIRE, "E06000062", "West Northamptonshire", 2021, _NORTHAMPTONSHIRE_SPLIT),
    _split(_CUMBRIA, "E06000063", "Cumberland", 2023, _CUMBRIA_SPLIT),
    _split(_CUMBRIA, "E06000064", "Westmorland and Furness", 2023, _CUMBRIA_SPLIT),
    # The 2023 unitaries from their districts, as ONS's district-level files (population
    # estimates on pre-2023 codes) publish them; DfE's files have the counties instead.
    CodeChange(
        successor="E06000063",
        successor_name="Cumberland",
        predecessors=("E07000026", "E07000028", "E07000029"),
        predecessor_names=("Allerdale", "Carlisle", "Copeland"),
        year=2023,
        kind="merger",
        exact=True,
        note="Allerdale + Carlisle + Copeland districts of Cumbria",
    ),
    CodeChange(
        successor="E06000064",
        successor_name="Westmorland and Furness",
        predecessors=("E07000027", "E07000030", "E07000031"),
        predecessor_names=("Barrow-in-Furness", "Eden", "South Lakeland"),
        year=2023,
        kind="merger",
        exact=True,
        note="Barrow-in-Furness + Eden + South Lakeland districts of Cumbria",
    ),
    CodeChange(
        successor="E06000065",
        successor_name="North Yorkshire",
        predecessors=("E07000163", "E07000164", "E07000165", "E07000166", "E07000167",
                      "E07000168", "E07000169"),
        predecessor_names=("Craven", "Hambleton", "Harrogate", "Richmondshire", "Ryedale",
                           "Scarborough", "Selby"),
        year=2023,
        kind="merger",
        exact=True,
        note="the seven districts of North Yorkshire county (the same area as the county)",
    ),
    CodeChange(
        successor="E06000066",
        successor_name="Somerset",
        predecessors=("E07000187", "E07000188", "E07000246", "E07000189"),
        predecessor_names=("Mendip", "Sedgemoor", "Somerset West and Taunton",
                           "South Somerset"),
        year=2023,
        kind="merger",
        exact=True,
        note="the four districts of Somerset county (the same area as the county)",
    ),
)

#: Old code -> current code for recodes (same area).
RECODES: dict[str, str] = {
    old: change.successor
    for change in CODE_CHANGES
    if change.kind == "recode"
    for old in change.predecessors
}


@cache
def la_table() -> pd.DataFrame:
    """The DfE LA number <-> GSS code table.

    Returns
    -------
    DataFrame
        ``la_number`` (int), ``gss_code``, ``la_name``, ``region_code``, ``region_name``,
        ``la_type`` (DfE: UA, MD, SC, OLB, ILB), ``current`` (bool: exists in 2025).
    """
    table = pd.read_csv(_LA_TABLE, dtype={"la_number": int, "current": int})
    table["current"] = table["current"].astype(bool)
    table["region_name"] = table["region_code"].map(REGION_NAMES)
    return table[
        ["la_number", "gss_code", "la_name", "region_code", "region_name", "la_type", "current"]
    ]


def canonical_code(code: str) -> str:
    """The current GSS code of an area whose code changed without a boundary change.

    Parameters
    ----------
    code : str
        A GSS code, e.g. ``"E10000023"``.

    Returns
    -------
    str
        ``"E06000065"`` for ``"E10000023"``; any other code unchanged (stripped).
    """
    code = str(code).strip()
    return RECODES.get(code, code)


def current_codes(codes: pd.Series) -> pd.Series:
    """Relabel area codes that changed without a boundary change with their current code.

    The one rule every published file read goes through (see :func:`canonical_code`), so a
    council, region or neighbour may be configured by its old or its current code and is found
    under either, whichever code the file uses for a given year.

    Parameters
    ----------
    codes : Series of str
        Area codes as published.

    Returns
    -------
    Series of str
        The same codes (stripped), with each old code of :data:`RECODES` replaced by its
        current one (``E10000023`` -> ``E06000065``).
    """
    stripped = codes.astype(str).str.strip()
    return stripped.replace(RECODES)


def successor_totals(totals: pd.Series) -> tuple[pd.Series, dict[str, str]]:
    """Add each reorganised council's total from its predecessors' when it has none of its own.

    ``totals`` holds an additive quantity (people, pounds) by area code, old codes already
    relabelled by :func:`current_codes`. A successor of an exact merger in
    :data:`CODE_CHANGES` (Cumberland from Allerdale, Carlisle and Copeland; North Yorkshire
    from its seven districts ...) without a total of its own gets the sum of its predecessors,
    matched by code, only when every one of them has a total. A successor with only some of
    them, or only a county that was split (Cumbria), gets no total and a reason.

    Parameters
    ----------
    totals : Series
        Numbers indexed by area code.

    Returns
    -------
    (Series, dict of str to str)
        ``totals`` with the successors' sums added, and successor code -> why it has no total.

    Examples
    --------
    >>> people = pd.Series({"E07000026": 10.0, "E07000028": 20.0, "E07000029": 30.0,
    ...                     "E07000027": 5.0})
    >>> summed, why = successor_totals(people)
    >>> float(summed["E06000063"]), "E06000064" in summed, sorted(why)
    (60.0, False, ['E06000064'])
    """
    have = totals[totals.notna()]
    added: dict[str, float] = {}
    reasons: dict[str, str] = {}
    for successor in dict.fromkeys(c.successor for c in CODE_CHANGES if c.kind != "recode"):
        if successor in have.index:
            continue
        changes = [c for c in CODE_CHANGES if c.successor == successor]
        complete = [c for c in changes if c.kind == "merger" and c.exact
                    and all(p in have.index for p in c.predecessors)]
        if complete:
            added[successor] = float(have.loc[list(complete[0].predecessors)].sum())
            continue
        found = []
        for change in changes:
            present = [p for p in change.predecessors if p in have.index]
            if not present:
                continue
            named = ", ".join(f"{change.predecessor_names[change.predecessors.index(p)]} ({p})"
                              for p in present)
            if change.kind == "split":
                found.append(f"{named}, which was split in {change.year} and cannot be divided")
            elif not change.exact:
                found.append(f"{named}, not the same area ({change.note})")
            else:
                missing = ", ".join(f"{n} ({p})" for p, n in zip(
                    change.predecessors, change.predecessor_names, strict=True)
                    if p not in have.index)
                found.append(f"{named} but not {missing}")
        if found:
            name = changes[0].successor_name
            reasons[successor] = (f"{name} ({successor}) has no figure of its own and the file "
                                  f"has {'; and '.join(found)}")
    if added:
        totals = pd.concat([totals, pd.Series(added, dtype=float)])
    return totals, reasons


def missing_areas(present: Iterable[str], wanted: Mapping[str, str]) -> list[str]:
    """The wanted areas a file does not hold, comparing current codes on both sides.

    Parameters
    ----------
    present : iterable of str
        Area codes found in a file (old or current).
    wanted : mapping of str to str
        Area code (old or current) -> how to name it in a message.

    Returns
    -------
    list of str
        ``"<label> (<code as given>)"`` for each wanted area absent from ``present``.
    """
    found = {canonical_code(code) for code in present}
    return [f"{label} ({code})" for code, label in wanted.items()
            if canonical_code(code) not in found]


def la_number_to_gss(numbers: pd.Series | list | int | str) -> pd.Series:
    """Map DfE LA numbers (or DfE region numbers 970-990) to GSS codes.

    Parameters
    ----------
    numbers : Series, list, int or str
        LA numbers such as ``816``, ``"816"`` or ``"816.0"`` (LAIT stores them as floats).

    Returns
    -------
    Series of str
        GSS codes; ``""`` where the number is not a known council, region or England.
    """
    series = pd.Series(numbers if not np.isscalar(numbers) else [numbers])
    as_int = pd.to_numeric(series.astype(str).str.strip(), errors="coerce")
    lookup = dict(zip(la_table()["la_number"], la_table()["gss_code"], strict=True))
    lookup.update({number: code for number, (code, _) in DFE_REGIONS.items()})
    mapped = as_int.map(lookup)
    return mapped.fillna("").astype(str)


def gss_to_la_number(codes: pd.Series | list | str) -> pd.Series:
    """Map GSS codes (old or current) to DfE LA numbers.

    Parameters
    ----------
    codes : Series, list or str
        GSS codes.

    Returns
    -------
    Series of float
        LA numbers (NaN where the code is not an English council in the table).
    """
    series = pd.Series([codes] if isinstance(codes, str) else codes).astype(str).str.strip()
    lookup = dict(zip(la_table()["gss_code"], la_table()["la_number"], strict=True))
    lookup.update({old: lookup[new] for old, new in RECODES.items() if new in lookup})
    return series.map(lookup).astype(float)


def area_name(code: str) -> str | None:
    """The name of a council, region or England from its GSS code, or None when unknown."""
    code = canonical_code(code)
    if code in REGION_NAMES:
        return REGION_NAMES[code]
    table = la_table()
    names = table.loc[table["gss_code"] == code, "la_name"]
    if len(names):
        return str(names.iloc[0])
    for change in CODE_CHANGES:
        if code == change.successor:
            return change.successor_name
        if code in change.predecessors:
            return change.predecessor_names[change.predecessors.index(code)]
    return None


def region_of(code: str) -> str | None:
    """The GSS region code of a council (None when unknown)."""
    table = la_table()
    regions = table.loc[table["gss_code"] == canonical_code(code), "region_code"]
    return str(regions.iloc[0]) if len(regions) else None


def harmonise_la_codes(
    frame: pd.DataFrame,
    *,
    additive_measures: list[str] | None = None,
    code_column: str = "area_code",
    name_column: str | None = "area_name",
    period_column: str = "period",
    measure_column: str = "measure",
    sum_columns: tuple[str, ...] = ("value", "count", "denominator"),
    note_column: str = "note",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Line LA codes up across reorganisations so time series join.

    Applies the rules in the module notes: recodes relabel rows; mergers derive successor rows
    for periods where the successor is absent by summing the predecessors' counts; splits are only
    reported. Predecessor rows are kept as they are.

    Parameters
    ----------
    frame : DataFrame
        A long frame (e.g. from :func:`jsna.sources.ees.read_ees`).
    additive_measures : list of str, optional
        Measures that are counts and may be summed (values of ``measure_column``). When the frame
        has no ``measure_column``, pass ``["*"]`` to treat every row as a count. By default
        nothing is summed and mergers are only reported.
    code_column, name_column, period_column, measure_column : str
        Column names.
    sum_columns : tuple of str
        Columns summed for derived rows (those present in the frame).
    note_column : str
        Column holding published symbols; a derived row whose predecessor had a symbol gets
        that symbol and no value.

    Returns
    -------
    harmonised : DataFrame
        The frame with recoded codes, derived successor rows appended and a ``harmonised``
        column (``""`` for rows as published, else the rule applied, including whether it is
        exact or approximate).
    report : DataFrame
        One row per rule applied: ``rule``, ``successor``, ``predecessors``, ``periods``,
        ``rows``, ``exact``, ``detail``.
    """
    if code_column not in frame.columns or period_column not in frame.columns:
        raise JsnaInputError(
            f"cannot harmonise LA codes: columns {code_column!r} and {period_column!r} are needed; "
            f"columns found: {', '.join(frame.columns)}"
        )
    out = frame.copy()
    if "harmonised" not in out.columns:
        out["harmonised"] = ""
    codes = out[code_column].astype(str).str.strip()
    report: list[dict[str, object]] = []

    # 1. Recodes.
    report += _apply_recodes(out, codes, code_column, name_column, period_column)
    codes = out[code_column].astype(str).str.strip()

    # 2. Mergers: derive successor rows by summing counts.
    derived_parts: list[pd.DataFrame] = []
    done: set[tuple[str, str]] = set()  # (successor, period) already derived
    for change in CODE_CHANGES:
        if change.kind != "merger":
            continue
        from_predecessors = codes.isin(change.predecessors)
        if not from_predecessors.any():
            continue
        successor_periods = set(out.loc[codes.eq(change.successor), period_column].astype(str))
        candidates = out.loc[from_predecessors]
        periods = candidates[period_column].astype(str)
        keep = ~periods.isin(successor_periods) & ~periods.map(
            lambda p, s=change.successor: (s, p) in done
        )
        candidates = candidates.loc[keep]
        if candidates.empty:
            continue
        if measure_column in candidates.columns and additive_measures != ["*"]:
            additive = candidates[measure_column].isin(additive_measures or [])
        else:
            additive = pd.Series(bool(additive_measures), index=candidates.index)
        skipped = candidates.loc[~additive]
        if len(skipped):
            report.append(
                _report_row(
                    "merger not applied (not a count)",
                    change.successor,
                    sorted(set(skipped[code_column])),
                    skipped[period_column],
                    len(skipped),
                    False,
                    "rates and percentages cannot be summed; predecessors kept",
                )
            )
        counts = candidates.loc[additive]
        if counts.empty:
            continue
        derived, detail_rows = _sum_predecessors(
            counts, change, code_column, name_column, period_column, sum_columns, note_column
        )
        derived_parts.append(derived)
        for period in set(derived[period_column].astype(str)):
            done.add((change.successor, period))
        report.extend(detail_rows)

    report += _split_reports(out, codes, period_column)
    if derived_parts:
        out = pd.concat([out, *derived_parts], ignore_index=True)
    report_frame = pd.DataFrame(
        report,
        columns=["rule", "successor", "predecessors", "periods", "rows", "exact", "detail"],
    )
    return out, report_frame


def _apply_recodes(out: pd.DataFrame, codes: pd.Series, code_column: str,
                   name_column: str | None, period_column: str) -> list[dict[str, object]]:
    """Relabel rows of a recoded council with its current code and name (in ``out``, in place).

    Returns one report row per old code found.
    """
    report = []
    for old in sorted(set(codes[codes.isin(list(RECODES))])):
        rows = codes.eq(old)
        new = RECODES[old]
        change = next(c for c in CODE_CHANGES if c.kind == "recode" and old in c.predecessors)
        out.loc[rows, code_column] = new
        if name_column and name_column in out.columns:
            out.loc[rows, name_column] = change.successor_name
        out.loc[rows, "harmonised"] = f"recoded from {old} ({change.note})"
        report.append(_report_row("recode", new, [old], out.loc[rows, period_column],
                                  int(rows.sum()), True, change.note))
    return report


def _split_reports(out: pd.DataFrame, codes: pd.Series,
                   period_column: str) -> list[dict[str, object]]:
    """One report row per split council found: its series breaks (nothing can be derived)."""
    report = []
    for change in CODE_CHANGES:
        rows = codes.isin(change.predecessors)
        if change.kind == "split" and rows.any():
            report.append(_report_row("split: series break", change.successor,
                                      list(change.predecessors), out.loc[rows, period_column],
                                      int(rows.sum()), False, change.note))
    return report


def _sum_predecessors(
    counts: pd.DataFrame,
    change: CodeChange,
    code_column: str,
    name_column: str | None,
    period_column: str,
    sum_columns: tuple[str, ...],
    note_column: str,
) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """Sum predecessor rows into successor rows, one per period and key combination."""
    summed = [c for c in sum_columns if c in counts.columns]
    excluded = {code_column, name_column, note_column, "harmonised", "old_la_code", *summed}
    keys = [c for c in counts.columns if c not in excluded]
    work = counts.copy()
    has_note = note_column in work.columns
    if has_note:
        work["_symbol"] = (
            work[note_column].astype(str).where(work[note_column].astype(str) != "", None)
        )
    grouped = work.groupby(keys, dropna=False, sort=False)
    derived = (
        grouped[summed].sum(min_count=1).reset_index()
        if summed
        else grouped.size().reset_index()[keys]
    )
    present = grouped[code_column].agg(lambda s: tuple(sorted(set(s)))).reset_index(drop=True)
    if has_note:
        symbol = grouped["_symbol"].first().reset_index(drop=True)
        with_symbol = symbol.notna().to_numpy()
        for column in summed:
            derived.loc[with_symbol, column] = np.nan
        derived[note_column] = symbol.fillna("").astype(str).to_numpy()
    derived[code_column] = change.successor
    if name_column and name_column in counts.columns:
        derived[name_column] = change.successor_name
    if "old_la_code" in counts.columns:
        derived["old_la_code"] = ""
    labels = []
    rows = []
    for present_codes, block in pd.Series(range(len(derived))).groupby(present.to_numpy()):
        missing = [c for c in change.predecessors if c not in present_codes]
        exact = change.exact and not missing
        names = [change.predecessor_names[change.predecessors.index(c)] for c in present_codes]
        detail = " + ".join(f"{c} {n}" for c, n in zip(present_codes, names, strict=True))
        if missing:
            detail += " (not in the file: " + ", ".join(missing) + ")"
        label = f"sum of {detail}; {'exact' if exact else 'approximate'}: {change.note}"
        labels.append((block.to_numpy(), label))
        rows.append(
            _report_row(
                "merger",
                change.successor,
                list(present_codes),
                derived.loc[block.to_numpy(), period_column],
                len(block),
                exact,
                label,
            )
        )
    harmonised = np.empty(len(derived), dtype=object)
    for positions, label in labels:
        harmonised[positions] = label
    derived["harmonised"] = harmonised
    return derived[[c for c in counts.columns if c in derived.columns]], rows


def _report_row(
    rule: str,
    successor: str,
    predecessors: list[str],
    periods: pd.Series,
    rows: int,
    exact: bool,
    detail: str,
) -> dict[str, object]:
    return {
        "rule": rule,
        "successor": successor,
        "predecessors": ", ".join(predecessors),
        "periods": ", ".join(sorted(set(periods.astype(str)))),
        "rows": rows,
        "exact": exact,
        "detail": detail,
    }


def read_dfe_la_list(path: str | Path) -> pd.DataFrame:
    """Read the DfE LA code list (``LA Number, LA Name, Region, Type``) and add GSS codes.

    Parameters
    ----------
    path : str or Path
        CSV (or ``.xlsx``) of the DfE list.

    Returns
    -------
    DataFrame
        ``la_number`` (int), ``la_name``, ``region_name``, ``la_type`` (``""`` for ``NA``),
        ``gss_code`` (``""`` for numbers that are not councils or regions, e.g. 1000).
    """
    path = Path(path)
    source = "the DfE LA code list (LA Number, LA Name, Region, Type)"
    if path.suffix.lower() in {".xlsx", ".xls"}:
        raw = pd.read_excel(path, dtype=str).fillna("")
        raw.columns = [str(c).strip() for c in raw.columns]
    else:
        raw = read_text_csv(path, source)
    require_columns(raw.columns, ("LA Number", "LA Name"), path, source)
    numbers = pd.to_numeric(raw["LA Number"].str.strip(), errors="coerce")
    if numbers.isna().any():
        raise first_unreadable(
            raw["LA Number"], numbers.isna().to_numpy(), path, "LA Number", "a DfE LA number"
        )

    def text(column: str) -> pd.Series:
        if column not in raw.columns:
            return pd.Series("", index=raw.index, dtype=str)
        values = raw[column].str.strip()
        return values.where(values != "NA", "").astype(str)

    out = pd.DataFrame(
        {
            "la_number": numbers.astype(int),
            "la_name": text("LA Name"),
            "region_name": text("Region"),
            "la_type": text("Type"),
        }
    )
    out["gss_code"] = la_number_to_gss(out["la_number"]).to_numpy()
    return out


def read_ons_la_codes(path: str | Path) -> pd.DataFrame:
    """Read an ONS-derived table of every local authority code since 2011 and its active code.

    Parameters
    ----------
    path : str or Path
        CSV with ``LADCD``, ``LADNM``, ``LADCD_ACTIVE`` (and optionally ``UTLACD``, ``RGNCD``,
        ``CTRYCD``, ``Current``).

    Returns
    -------
    DataFrame
        ``lad_code``, ``lad_name``, ``active_code``, ``active_name``, ``utla_code``,
        ``region_code``, ``country_code``, ``current`` (bool).
    """
    path = Path(path)
    source = "a local authority code history table (LADCD, LADCD_ACTIVE ...)"
    raw = read_text_csv(path, source)
    require_columns(raw.columns, ("LADCD", "LADNM", "LADCD_ACTIVE"), path, source)

    def text(column: str) -> pd.Series:
        if column not in raw.columns:
            return pd.Series("", index=raw.index, dtype=str)
        return raw[column].str.strip().astype(str)

    return pd.DataFrame(
        {
            "lad_code": text("LADCD"),
            "lad_name": text("LADNM"),
            "active_code": text("LADCD_ACTIVE"),
            "active_name": text("LADNM_ACTIVE"),
            "utla_code": text("UTLACD"),
            "region_code": text("RGNCD"),
            "country_code": text("CTRYCD"),
            "current": text("Current").str.upper().eq("TRUE"),
        }
    )
