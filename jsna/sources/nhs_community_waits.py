"""Reader for NHS England's *Community Health Services Waiting Lists* workbook (CHS SitRep).

The monthly workbook (``Community-health-services-waiting-lists-<year>-<month>.xlsx``) has, on
sheet ``Table 4``, the total waiting list by service for England, each region, ICB and provider
(rows: ``Organisation Type``, ``Organisation Code``, ``Organisation Name``; one column per service,
children's services prefixed ``(CYP)``), and on sheets ``Table 4a`` to ``Table 4g`` the number
waiting in each weeks band (0-1, >1-2, >2-4, >4-12, >12-18, >18-52, over 52 weeks). Notes sit
above the heading row; a blank cell means no organisation submitted for the service (kept as
missing, never zero).

Children's services are matched to the health chapter's services by name
(:func:`jsna.clean.health_services.match_services` would be a layer too high: the few names NHS
England uses are listed here).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.errors import JsnaInputError

#: Sheet -> weeks band it counts ("total" for the whole list).
SHEETS: dict[str, str] = {
    "Table 4": "total", "Table 4a": "0-1 weeks", "Table 4b": ">1-2 weeks",
    "Table 4c": ">2-4 weeks", "Table 4d": ">4-12 weeks", "Table 4e": ">12-18 weeks",
    "Table 4f": ">18-52 weeks", "Table 4g": "over 52 weeks",
}
OVER_18_BANDS = (">18-52 weeks", "over 52 weeks")
#: NHS England's children's service names (compared without case or punctuation) -> service key.
CYP_SERVICES: dict[str, str] = {
    "cypcommunitypaediatricservice": "community_paediatrics",
    "cyptherapyinterventionsspeechandlanguage": "speech_and_language_therapy",
    "cyptherapyinterventionsoccupationaltherapy": "occupational_therapy",
    "cyptherapyinterventionsphysiotherapy": "physiotherapy",
}
_HEADINGS = ("Organisation Type", "Organisation Code", "Organisation Name")


def _form(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.casefold())


def read_community_waits(path: str | Path) -> pd.DataFrame:
    """Read the CHS waiting-list workbook into a tidy frame.

    Parameters
    ----------
    path : str or Path
        The workbook (XLSX).

    Returns
    -------
    pandas.DataFrame
        ``organisation_type`` (``National``, ``Region``, ``ICB``, ``Provider``),
        ``organisation_code``, ``organisation_name``, ``service_name`` (as published),
        ``service`` (the health chapter's key for the four children's services it has, else
        ``""``), ``band`` (see :data:`SHEETS`), ``waiting`` (float; NaN where blank).

    Raises
    ------
    JsnaInputError
        One line naming the file (and sheet) when it is not this workbook or a cell is not a
        number.
    """
    import openpyxl  # the workbook has broken drawing parts: read-only mode skips them

    path = Path(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable workbook gets one line
        raise JsnaInputError(f"{path.name}: not a readable XLSX workbook ({error})") from None
    if "Table 4" not in book.sheetnames:
        raise JsnaInputError(f"{path.name}: no sheet 'Table 4' (total waiting list by service); "
                             f"sheets: {', '.join(book.sheetnames)}")
    parts = []
    for sheet, band in SHEETS.items():
        if sheet not in book.sheetnames:
            continue
        sheet_rows = book[sheet]
        sheet_rows.reset_dimensions()
        rows = list(sheet_rows.iter_rows(values_only=True))
        heading = next((i for i, row in enumerate(rows)
                        if row and tuple(str(c).strip() for c in row[:3]) == _HEADINGS), None)
        if heading is None:
            raise JsnaInputError(f"{path.name}, sheet {sheet}: no heading row starting "
                                 f"{', '.join(_HEADINGS)}")
        names = [str(c).strip() if c is not None else "" for c in rows[heading]]
        body = [row for row in rows[heading + 1:] if row and row[0]]
        frame = pd.DataFrame([list(r) + [None] * (len(names) - len(r)) for r in body],
                             columns=names)
        long = frame.melt(id_vars=list(_HEADINGS), var_name="service_name",
                          value_name="waiting")
        long = long[long["service_name"] != ""]
        values = pd.to_numeric(long["waiting"].replace("", np.nan), errors="coerce")
        bad = values.isna() & long["waiting"].notna() & (long["waiting"].astype(str) != "")
        if bad.any():
            first = long[bad].iloc[0]
            raise JsnaInputError(f"{path.name}, sheet {sheet}: {first['Organisation Name']}, "
                                 f"{first['service_name']}: {first['waiting']!r} is not a number")
        long = long.assign(waiting=values.astype(float), band=band)
        parts.append(long)
    out = pd.concat(parts, ignore_index=True).rename(columns={
        "Organisation Type": "organisation_type", "Organisation Code": "organisation_code",
        "Organisation Name": "organisation_name"})
    out["organisation_code"] = out["organisation_code"].fillna("").astype(str).str.strip()
    out["service"] = out["service_name"].map(lambda s: CYP_SERVICES.get(_form(s), ""))
    return out[["organisation_type", "organisation_code", "organisation_name", "service_name",
                "service", "band", "waiting"]]


def cyp_waits_summary(frame: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """England's and the given providers' children's waiting lists, and the share over 18 and 52
    weeks.

    Parameters
    ----------
    frame : pandas.DataFrame
        From :func:`read_community_waits`.
    codes : list of str
        Provider (or ICB) codes to show beside England.

    Returns
    -------
    pandas.DataFrame
        ``organisation_code, organisation_name, service, waiting`` (the published total),
        ``waiting_in_bands`` (the sum of the weeks bands: the base of the shares, as some
        providers report a total only), ``over_18_weeks``, ``over_52_weeks`` (NaN where not
        submitted), one row per organisation and matched service.
    """
    rows = frame[(frame["service"] != "")
                 & ((frame["organisation_type"] == "National")
                    | frame["organisation_code"].isin(codes))]
    wide = rows.set_index(["organisation_code", "organisation_name", "service", "band"])[
        "waiting"].unstack("band").reindex(columns=list(SHEETS.values()))
    bands = [band for band in SHEETS.values() if band != "total"]
    out = pd.DataFrame({
        "waiting": wide["total"],
        # the bands cover the providers that report waits by band: their sum is the base
        "waiting_in_bands": wide[bands].sum(axis=1, min_count=len(bands)),
        "over_18_weeks": wide[list(OVER_18_BANDS)].sum(axis=1, min_count=len(OVER_18_BANDS)),
        "over_52_weeks": wide["over 52 weeks"],
    }).reset_index()
    return out
