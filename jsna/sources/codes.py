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

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.errors import JsnaInputError
from jsna.sources.common import first_unreadable, read_text_csv, require_columns

# DfE LA number, GSS code (current ONS code), name, region, DfE LA type, 1 = exists in 2025.
# Derived from the DfE SEN2 2025 release (old_la_code/new_la_code pairs) and the DfE LA code
# list (LA type); North Yorkshire, Buckinghamshire and Somerset carry their current ONS codes.
_LA_TABLE = """\
la_number,gss_code,la_name,region_code,la_type,current
201,E09000001,City of London,E12000007,ILB,1
202,E09000007,Camden,E12000007,ILB,1
203,E09000011,Greenwich,E12000007,OLB,1
204,E09000012,Hackney,E12000007,ILB,1
205,E09000013,Hammersmith and Fulham,E12000007,ILB,1
206,E09000019,Islington,E12000007,ILB,1
207,E09000020,Kensington and Chelsea,E12000007,ILB,1
208,E09000022,Lambeth,E12000007,ILB,1
209,E09000023,Lewisham,E12000007,ILB,1
210,E09000028,Southwark,E12000007,ILB,1
211,E09000030,Tower Hamlets,E12000007,ILB,1
212,E09000032,Wandsworth,E12000007,ILB,1
213,E09000033,Westminster,E12000007,ILB,1
301,E09000002,Barking and Dagenham,E12000007,OLB,1
302,E09000003,Barnet,E12000007,OLB,1
303,E09000004,Bexley,E12000007,OLB,1
304,E09000005,Brent,E12000007,OLB,1
305,E09000006,Bromley,E12000007,OLB,1
306,E09000008,Croydon,E12000007,OLB,1
307,E09000009,Ealing,E12000007,OLB,1
308,E09000010,Enfield,E12000007,OLB,1
309,E09000014,Haringey,E12000007,ILB,1
310,E09000015,Harrow,E12000007,OLB,1
311,E09000016,Havering,E12000007,OLB,1
312,E09000017,Hillingdon,E12000007,OLB,1
313,E09000018,Hounslow,E12000007,OLB,1
314,E09000021,Kingston upon Thames,E12000007,OLB,1
315,E09000024,Merton,E12000007,OLB,1
316,E09000025,Newham,E12000007,ILB,1
317,E09000026,Redbridge,E12000007,OLB,1
318,E09000027,Richmond upon Thames,E12000007,OLB,1
319,E09000029,Sutton,E12000007,OLB,1
320,E09000031,Waltham Forest,E12000007,OLB,1
330,E08000025,Birmingham,E12000005,MD,1
331,E08000026,Coventry,E12000005,MD,1
332,E08000027,Dudley,E12000005,MD,1
333,E08000028,Sandwell,E12000005,MD,1
334,E08000029,Solihull,E12000005,MD,1
335,E08000030,Walsall,E12000005,MD,1
336,E08000031,Wolverhampton,E12000005,MD,1
340,E08000011,Knowsley,E12000002,MD,1
341,E08000012,Liverpool,E12000002,MD,1
342,E08000013,St. Helens,E12000002,MD,1
343,E08000014,Sefton,E12000002,MD,1
344,E08000015,Wirral,E12000002,MD,1
350,E08000001,Bolton,E12000002,MD,1
351,E08000002,Bury,E12000002,MD,1
352,E08000003,Manchester,E12000002,MD,1
353,E08000004,Oldham,E12000002,MD,1
354,E08000005,Rochdale,E12000002,MD,1
355,E08000006,Salford,E12000002,MD,1
356,E08000007,Stockport,E12000002,MD,1
357,E08000008,Tameside,E12000002,MD,1
358,E08000009,Trafford,E12000002,MD,1
359,E08000010,Wigan,E12000002,MD,1
370,E08000016,Barnsley,E12000003,MD,1
371,E08000017,Doncaster,E12000003,MD,1
372,E08000018,Rotherham,E12000003,MD,1
373,E08000019,Sheffield,E12000003,MD,1
380,E08000032,Bradford,E12000003,MD,1
381,E08000033,Calderdale,E12000003,MD,1
382,E08000034,Kirklees,E12000003,MD,1
383,E08000035,Leeds,E12000003,MD,1
384,E08000036,Wakefield,E12000003,MD,1
390,E08000037,Gateshead,E12000001,MD,1
391,E08000021,Newcastle upon Tyne,E12000001,MD,1
392,E08000022,North Tyneside,E12000001,MD,1
393,E08000023,South Tyneside,E12000001,MD,1
394,E08000024,Sunderland,E12000001,MD,1
420,E06000053,Isles of Scilly,E12000009,UA,1
800,E06000022,Bath and North East Somerset,E12000009,UA,1
801,E06000023,"Bristol, City of",E12000009,UA,1
802,E06000024,North Somerset,E12000009,UA,1
803,E06000025,South Gloucestershire,E12000009,UA,1
805,E06000001,Hartlepool,E12000001,UA,1
806,E06000002,Middlesbrough,E12000001,UA,1
807,E06000003,Redcar and Cleveland,E12000001,UA,1
808,E06000004,Stockton-on-Tees,E12000001,UA,1
810,E06000010,"Kingston upon Hull, City of",E12000003,UA,1
811,E06000011,East Riding of Yorkshire,E12000003,UA,1
812,E06000012,North East Lincolnshire,E12000003,UA,1
813,E06000013,North Lincolnshire,E12000003,UA,1
815,E06000065,North Yorkshire,E12000003,UA,1
816,E06000014,York,E12000003,UA,1
821,E06000032,Luton,E12000006,UA,1
822,E06000055,Bedford,E12000006,UA,1
823,E06000056,Central Bedfordshire,E12000006,UA,1
825,E06000060,Buckinghamshire,E12000008,UA,1
826,E06000042,Milton Keynes,E12000008,UA,1
830,E10000007,Derbyshire,E12000004,SC,1
831,E06000015,Derby,E12000004,UA,1
835,E10000009,Dorset,E12000009,SC,0
836,E06000029,Poole,E12000009,UA,0
837,E06000028,Bournemouth,E12000009,UA,0
838,E06000059,Dorset,E12000009,UA,1
839,E06000058,"Bournemouth, Christchurch and Poole",E12000009,UA,1
840,E06000047,County Durham,E12000001,UA,1
841,E06000005,Darlington,E12000001,UA,1
845,E10000011,East Sussex,E12000008,SC,1
846,E06000043,Brighton and Hove,E12000008,UA,1
850,E10000014,Hampshire,E12000008,SC,1
851,E06000044,Portsmouth,E12000008,UA,1
852,E06000045,Southampton,E12000008,UA,1
855,E10000018,Leicestershire,E12000004,SC,1
856,E06000016,Leicester,E12000004,UA,1
857,E06000017,Rutland,E12000004,UA,1
860,E10000028,Staffordshire,E12000005,SC,1
861,E06000021,Stoke-on-Trent,E12000005,UA,1
865,E06000054,Wiltshire,E12000009,UA,1
866,E06000030,Swindon,E12000009,UA,1
867,E06000036,Bracknell Forest,E12000008,UA,1
868,E06000040,Windsor and Maidenhead,E12000008,UA,1
869,E06000037,West Berkshire,E12000008,UA,1
870,E06000038,Reading,E12000008,UA,1
871,E06000039,Slough,E12000008,UA,1
872,E06000041,Wokingham,E12000008,UA,1
873,E10000003,Cambridgeshire,E12000006,SC,1
874,E06000031,Peterborough,E12000006,UA,1
876,E06000006,Halton,E12000002,UA,1
877,E06000007,Warrington,E12000002,UA,1
878,E10000008,Devon,E12000009,SC,1
879,E06000026,Plymouth,E12000009,UA,1
880,E06000027,Torbay,E12000009,UA,1
881,E10000012,Essex,E12000006,SC,1
882,E06000033,Southend-on-Sea,E12000006,UA,1
883,E06000034,Thurrock,E12000006,UA,1
884,E06000019,"Herefordshire, County of",E12000005,UA,1
885,E10000034,Worcestershire,E12000005,SC,1
886,E10000016,Kent,E12000008,SC,1
887,E06000035,Medway,E12000008,UA,1
888,E10000017,Lancashire,E12000002,SC,1
889,E06000008,Blackburn with Darwen,E12000002,UA,1
890,E06000009,Blackpool,E12000002,UA,1
891,E10000024,Nottinghamshire,E12000004,SC,1
892,E06000018,Nottingham,E12000004,UA,1
893,E06000051,Shropshire,E12000005,UA,1
894,E06000020,Telford and Wrekin,E12000005,UA,1
895,E06000049,Cheshire East,E12000002,UA,1
896,E06000050,Cheshire West and Chester,E12000002,UA,1
908,E06000052,Cornwall,E12000009,UA,1
909,E10000006,Cumbria,E12000002,SC,0
916,E10000013,Gloucestershire,E12000009,SC,1
919,E10000015,Hertfordshire,E12000006,SC,1
921,E06000046,Isle of Wight,E12000008,UA,1
925,E10000019,Lincolnshire,E12000004,SC,1
926,E10000020,Norfolk,E12000006,SC,1
928,E10000021,Northamptonshire,E12000004,SC,0
929,E06000057,Northumberland,E12000001,UA,1
931,E10000025,Oxfordshire,E12000008,SC,1
933,E06000066,Somerset,E12000009,UA,1
935,E10000029,Suffolk,E12000006,SC,1
936,E10000030,Surrey,E12000008,SC,1
937,E10000031,Warwickshire,E12000005,SC,1
938,E10000032,West Sussex,E12000008,SC,1
940,E06000061,North Northamptonshire,E12000004,UA,1
941,E06000062,West Northamptonshire,E12000004,UA,1
942,E06000063,Cumberland,E12000002,UA,1
943,E06000064,Westmorland and Furness,E12000002,UA,1
"""

#: DfE region and national numbers used by LAIT and the statistical-neighbour files.
DFE_REGIONS: dict[int, tuple[str, str]] = {
    970: ("E92000001", "England"),
    980: ("E12000001", "North East"),
    981: ("E12000002", "North West"),
    982: ("E12000003", "Yorkshire and The Humber"),
    983: ("E12000004", "East Midlands"),
    984: ("E12000005", "West Midlands"),
    985: ("E12000006", "East of England"),
    986: ("E12000007", "London"),
    987: ("", "Inner London"),
    988: ("", "Outer London"),
    989: ("E12000008", "South East"),
    990: ("E12000009", "South West"),
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


CODE_CHANGES: tuple[CodeChange, ...] = (
    CodeChange(
        "E08000037",
        "Gateshead",
        ("E08000020",),
        ("Gateshead",),
        2014,
        "recode",
        True,
        "new code, same area",
    ),
    CodeChange(
        "E06000057",
        "Northumberland",
        ("E06000048",),
        ("Northumberland",),
        2016,
        "recode",
        True,
        "new code, same area",
    ),
    CodeChange(
        "E06000060",
        "Buckinghamshire",
        ("E10000002",),
        ("Buckinghamshire",),
        2020,
        "recode",
        True,
        "county became a unitary authority, same area",
    ),
    CodeChange(
        "E06000065",
        "North Yorkshire",
        ("E10000023",),
        ("North Yorkshire",),
        2023,
        "recode",
        True,
        "county became a unitary authority, same area",
    ),
    CodeChange(
        "E06000066",
        "Somerset",
        ("E10000027",),
        ("Somerset",),
        2023,
        "recode",
        True,
        "county became a unitary authority, same area",
    ),
    CodeChange(
        "E06000058",
        "Bournemouth, Christchurch and Poole",
        ("E06000028", "E06000029", "E07000048"),
        ("Bournemouth", "Poole", "Christchurch"),
        2019,
        "merger",
        True,
        "Bournemouth + Poole + Christchurch; education series have no Christchurch row "
        "(it was in Dorset county), so they give Bournemouth + Poole only",
    ),
    CodeChange(
        "E06000059",
        "Dorset",
        ("E07000049", "E07000050", "E07000051", "E07000052", "E07000053"),
        ("East Dorset", "North Dorset", "Purbeck", "West Dorset", "Weymouth and Portland"),
        2019,
        "merger",
        True,
        "the five Dorset districts",
    ),
    CodeChange(
        "E06000059",
        "Dorset",
        ("E10000009",),
        ("Dorset county",),
        2019,
        "merger",
        False,
        "Dorset county including Christchurch, which moved to BCP",
    ),
    CodeChange(
        "E06000061",
        "North Northamptonshire",
        ("E10000021",),
        ("Northamptonshire",),
        2021,
        "split",
        False,
        "county split into North and West Northamptonshire",
    ),
    CodeChange(
        "E06000062",
        "West Northamptonshire",
        ("E10000021",),
        ("Northamptonshire",),
        2021,
        "split",
        False,
        "county split into North and West Northamptonshire",
    ),
    CodeChange(
        "E06000063",
        "Cumberland",
        ("E10000006",),
        ("Cumbria",),
        2023,
        "split",
        False,
        "county split into Cumberland and Westmorland and Furness",
    ),
    CodeChange(
        "E06000064",
        "Westmorland and Furness",
        ("E10000006",),
        ("Cumbria",),
        2023,
        "split",
        False,
        "county split into Cumberland and Westmorland and Furness",
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
    table = pd.read_csv(io.StringIO(_LA_TABLE), dtype={"la_number": int, "current": int})
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
    recoded = codes.isin(list(RECODES))
    if recoded.any():
        for old in sorted(set(codes[recoded])):
            rows = codes.eq(old)
            new = RECODES[old]
            change = next(c for c in CODE_CHANGES if c.kind == "recode" and old in c.predecessors)
            out.loc[rows, code_column] = new
            if name_column and name_column in out.columns:
                out.loc[rows, name_column] = change.successor_name
            out.loc[rows, "harmonised"] = f"recoded from {old} ({change.note})"
            report.append(
                _report_row(
                    "recode",
                    new,
                    [old],
                    out.loc[rows, period_column],
                    int(rows.sum()),
                    True,
                    change.note,
                )
            )
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

    for change in CODE_CHANGES:
        if change.kind == "split" and codes.isin(change.predecessors).any():
            rows = codes.isin(change.predecessors)
            report.append(
                _report_row(
                    "split: series break",
                    change.successor,
                    list(change.predecessors),
                    out.loc[rows, period_column],
                    int(rows.sum()),
                    False,
                    change.note,
                )
            )

    if derived_parts:
        out = pd.concat([out, *derived_parts], ignore_index=True)
    report_frame = pd.DataFrame(
        report,
        columns=["rule", "successor", "predecessors", "periods", "rows", "exact", "detail"],
    )
    return out, report_frame


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
