"""Mediation and SEND Tribunal appeals from DfE's SEN2 management-information time series.

DfE's *Education, health and care plans* release of 2022 and earlier published ``sen2_mi.csv``
("Requests, assessments, discontinued plans, 20 week timeliness, mainstream to special
transfers, mediation and tribunals"; calendar years 2014 to 2021 in the 2022 release): one row
per area and calendar year, England, the regions and every council, in the explore-education-
statistics layout of that time (``time_period`` ``2021``, ``time_identifier`` ``Calendar
year``, ``old_la_code`` = DfE LA number, ``new_la_code`` = the GSS code *as of that year*, so
Bournemouth ``E06000028``, Poole ``E06000029`` and Dorset county ``E10000009`` appear before
2019). Its data guidance defines the two columns read here:

* ``NewEHCMediation`` — mediation cases that have been held;
* ``NewEHCTribunal`` — mediation cases that have been held which were followed by appeals to
  the Tribunal (``NewEHCTribunal_pc``, the percentage of mediation cases held which were
  followed by an appeal, is not read: it is worked out again from the two counts).

So the share is of *mediation cases*, not of appeals: appeals registered without mediation are
not in these columns (see :mod:`jsna.sources.tribunals` for all appeals registered).

Councils are matched by code, never by name: each council row's ``old_la_code`` (DfE LA number)
is looked up in DfE's LA list (:mod:`jsna.sources.la_codes`, extended by the council register
for councils the list does not know) and must agree with ``new_la_code`` once codes that
changed without a boundary change are made current (North Yorkshire ``E10000023`` ->
``E06000065``); a row whose two codes name different councils is refused. Predecessors of a
merged council keep their own codes: nothing is summed here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from jsna.errors import JsnaInputError
from jsna.sources.council_register import number_to_code
from jsna.sources.ees import area_types_by_level, calendar_years, read_ees_wide
from jsna.sources.la_codes import canonical_code

SOURCE = "DfE's SEN2 management information time series (sen2_mi.csv)"
MEDIATIONS = "NewEHCMediation"
MEDIATION_APPEALS = "NewEHCTribunal"
MEASURES = (MEDIATIONS, MEDIATION_APPEALS)
COLUMNS = ["area_code", "area_name", "area_type", "period", "la_number", "mediations",
           "mediations_note", "appeals_after_mediation", "appeals_after_mediation_note"]


def read_sen2_management_information(path: str | Path,
                                     councils: pd.DataFrame | None = None) -> pd.DataFrame:
    """Mediation cases held and those followed by a Tribunal appeal, by area and calendar year.

    Parameters
    ----------
    path : str or Path
        ``sen2_mi.csv`` as published (BOM allowed).
    councils : DataFrame, optional
        :func:`jsna.sources.council_register.council_register`, for councils DfE's LA list does
        not know (default: DfE's LA list only).

    Returns
    -------
    DataFrame
        ``area_code`` (current GSS code; predecessors of a merged council keep theirs),
        ``area_name`` (as published), ``area_type`` (``"England"``, ``"Region"`` or ``"Local
        authority"``), ``period`` (calendar year, text), ``la_number`` (``""`` for England and
        regions), ``mediations`` and ``appeals_after_mediation`` (float, NaN where DfE published
        a symbol), ``mediations_note`` and ``appeals_after_mediation_note`` (``"[x]"``,
        ``"[z]"``, ``"[c]"`` ... or ``""``). ``attrs["path"]``.

    Raises
    ------
    JsnaInputError
        One line naming the file, row and column: a missing column, a cell that is neither a
        number nor a published symbol, a calendar year that is not one, an LA number DfE's list
        does not know, or an LA number and a GSS code naming different councils.

    Examples
    --------
    >>> import tempfile
    >>> text = ("time_period,time_identifier,geographic_level,country_code,country_name,"
    ...         "region_code,region_name,old_la_code,new_la_code,la_name,NewEHCMediation,"
    ...         "NewEHCTribunal\\n2019,Calendar year,Local authority,E92000001,England,E12000003,"
    ...         "Yorkshire and The Humber,815,E10000023,North Yorkshire,53,x\\n")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     file = Path(folder) / "sen2_mi.csv"
    ...     _ = file.write_text(text, encoding="utf-8")
    ...     rows = read_sen2_management_information(file)
    >>> rows[["area_code", "mediations", "appeals_after_mediation_note"]].values.tolist()
    [['E06000065', 53.0, '[x]']]
    """
    path = Path(path)
    wide = read_ees_wide(path, list(MEASURES))
    council = area_types_by_level(wide["geographic_level"], path).eq("Local authority")
    calendar_years(wide["time_period"], path, time_identifier=wide["time_identifier"])
    numbers = wide["old_la_code"].where(council, "")
    by_number = number_to_code(numbers, councils).where(council, "")
    by_number.index = wide.index
    unknown = council & by_number.eq("")
    if unknown.any():
        at = int(np.flatnonzero(unknown.to_numpy())[0])
        raise JsnaInputError(
            f"{path}: row {wide.index[at] + 2}, column 'old_la_code': {numbers.iloc[at]!r} "
            f"({wide['area_name'].iloc[at]}) is not a council in DfE's LA list")
    published = wide["area_code"].where(wide["area_code"].str.fullmatch(r"[A-Z]\d{8}"), "")
    made_current = by_number.map(canonical_code)
    clash = council & published.ne("") & published.map(canonical_code).ne(made_current)
    if clash.any():
        at = int(np.flatnonzero(clash.to_numpy())[0])
        raise JsnaInputError(
            f"{path}: row {wide.index[at] + 2}, column 'new_la_code': {published.iloc[at]!r} "
            f"is not the council of LA number {numbers.iloc[at]!r} ({made_current.iloc[at]}) "
            "in DfE's LA list")
    codes = wide["area_code"].where(~council, made_current)
    out = pd.DataFrame({
        "area_code": codes.astype(str),
        "area_name": wide["area_name"].astype(str),
        "area_type": wide["area_type"].astype(str),
        "period": wide["period"].astype(str),
        "la_number": numbers.astype(str),
        "mediations": wide[MEDIATIONS].astype(float),
        "mediations_note": wide[f"{MEDIATIONS}_note"].astype(str),
        "appeals_after_mediation": wide[MEDIATION_APPEALS].astype(float),
        "appeals_after_mediation_note": wide[f"{MEDIATION_APPEALS}_note"].astype(str),
    }).reset_index(drop=True)
    out.attrs["path"] = str(path)
    return out[COLUMNS]
