"""Reader for DfE's *Key stage 4 performance* local authority characteristics table by SEN status.

The table is DfE's explore-education-statistics (EES) layout (time and geography columns, filter
columns such as ``breakdown``, ``gender``, ``sen_status``, then one column per measure), published
as CSV or saved as a workbook (``.xlsx``). Both are read here, through the one EES reader
(:func:`jsna.sources.ees.ees_wide_from_text`), so symbols (``c``, ``x``, ``z``, ``low``) stay notes
and never become zeros. DfE's file gives Inner and Outer London the code of London
(``E12000007``); they get their own (``E13000001``, ``E13000002``). Headings are matched loosely (case, spaces). Only the rows of the SEN
breakdown with every other characteristic at ``Total`` are kept: one row per area and SEN status.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from jsna.errors import JsnaInputError
from jsna.sen_need_codes import PUBLISHED_SEN_GROUPS
from jsna.sources.ees import LA_LEVEL_COLUMNS, ees_wide_from_text
from jsna.sources.published_cache import cached_read
from jsna.sources.text_table import read_selected_columns

SOURCE = "DfE's key stage 4 performance LA characteristics table (with sen_status)"


#: Measures read: pupils at the end of key stage 4, Attainment 8 (total points and DfE's mean),
#: English and maths grade 9-4 and 9-5 (count and DfE's %), Progress 8 (pupils included, mean
#: and DfE's 95% confidence limits).
MEASURES = (
    "t_pupils",
    "avg_att8",
    "t_l2basics_94",
    "pt_l2basics_94",
    "t_l2basics_95",
    "pt_l2basics_95",
    "t_inp8calc",
    "avg_p8score",
    "p8score_ci_low",
    "p8score_ci_upp",
)

#: Filter columns other than ``sen_status``: kept rows have ``Total`` in each one present.
OTHER_CHARACTERISTICS = (
    "gender",
    "ethnic_major",
    "free_school_meals",
    "sen_description",
    "disadvantage",
    "first_language",
)

#: Sub-regions DfE publishes with their region's code, and their own ONS codes.
SUB_REGIONS = {"inner london": "E13000001", "outer london": "E13000002"}

_REQUIRED = (*LA_LEVEL_COLUMNS, "sen_status", *MEASURES)
_OPTIONAL = ("breakdown", "school_characteristic", *OTHER_CHARACTERISTICS)


def _loose(heading: str) -> str:
    return re.sub(r"[\s_]+", "_", heading.strip().lower())


def _select(path: Path):  # noqa: ANN202 - a closure for read_selected_columns
    def select(headings: list[str]) -> Mapping[str, str]:
        by_loose = {_loose(h): h for h in headings if h}
        missing = [c for c in _REQUIRED if c not in by_loose]
        if missing:
            raise JsnaInputError(
                f"{path}: not in the expected layout of {SOURCE}: missing column(s) "
                f"{', '.join(missing)}; columns found: {', '.join(h for h in headings if h)}")
        return {c: by_loose[c] for c in (*_REQUIRED, *_OPTIONAL) if c in by_loose}
    return select


@cached_read
def read_ks4_by_sen(path: str | Path) -> pd.DataFrame:
    """Key stage 4 attainment by SEN status for England, regions and councils.

    Parameters
    ----------
    path : str or Path
        The LA characteristics file (CSV or XLSX).

    Returns
    -------
    DataFrame
        One row per area and SEN status: the columns of
        :func:`jsna.sources.ees.read_ees_wide` (``area_code`` current, ``period`` such as
        ``"2018/19"``), ``sen_group`` (``No SEN``, ``SEN support``, ``EHC plan``,
        ``All pupils``), each measure of :data:`MEASURES` as a float and ``<measure>_note``
        (a published symbol such as ``[c]``, else ``""``).

    Raises
    ------
    JsnaInputError
        One line naming the file (and row and column) when a required column is missing, a
        measure cell is neither a number nor a published symbol, a SEN status is not one DfE
        publishes, or an area has two rows for one SEN status.
    """
    path = Path(path)
    if not path.is_file():
        raise JsnaInputError(f"{path}: file not found (expected {SOURCE})")
    table = read_selected_columns(path, _select(path), source=str(path)).table
    raw = pd.DataFrame({name: table[name].to_pylist() for name in table.column_names
                        if name != "source_row"}).fillna("")
    rows = pd.Series(table["source_row"].to_pylist())
    keep = pd.Series(True, index=raw.index)
    if "breakdown" in raw:
        keep &= raw["breakdown"].str.lower().str.strip().isin(["sen status", "sen_status"])
    for column in OTHER_CHARACTERISTICS:
        if column in raw:
            keep &= raw[column].str.lower().str.strip().eq("total")
    if "school_characteristic" in raw:
        types = raw.loc[keep, "school_characteristic"].unique()
        if len(types) > 1:  # one basis only: state-funded schools, as DfE's headline
            state = [t for t in types if "state-funded" in t.lower()]
            keep &= raw["school_characteristic"].eq(state[0] if state else types[0])
    raw, rows = raw[keep].reset_index(drop=True), rows[keep].reset_index(drop=True)
    status = raw["sen_status"].str.strip().str.lower()
    unknown = ~status.isin(PUBLISHED_SEN_GROUPS)
    if unknown.any():
        i = int(unknown.to_numpy().nonzero()[0][0])
        raise JsnaInputError(
            f"{path}: row {rows[i]}, column 'sen_status': value {raw['sen_status'][i]!r} is not "
            f"a SEN status DfE publishes ({', '.join(sorted(set(PUBLISHED_SEN_GROUPS.values())))})")
    # the EES reader numbers rows from its own frame: give it the sheet's rows for messages
    wide = ees_wide_from_text(raw.drop(columns=[c for c in _OPTIONAL if c in raw]),
                              path, measures=list(MEASURES))
    wide["sen_group"] = status.map(PUBLISHED_SEN_GROUPS).to_numpy()
    # DfE's file gives Inner and Outer London London's region code: give them their own
    for name, code in SUB_REGIONS.items():
        wide.loc[wide["area_type"].eq("Region") & wide["area_name"].str.lower().eq(name),
                 "area_code"] = code
    wide["source_row"] = rows.to_numpy()
    repeated = wide.duplicated(["area_code", "period", "sen_group"], keep="first")
    if repeated.any():
        first = wide[repeated].iloc[0]
        raise JsnaInputError(
            f"{path}: row {first['source_row']}: a second row for {first['area_code']} "
            f"({first['area_name']}), {first['period']}, SEN status {first['sen_group']!r}")
    wide.attrs["path"] = str(path)
    return wide
