"""Reader for DfE's *Early years foundation stage profile results* headline measures by SEN.

The file is an explore-education-statistics CSV, read by :func:`jsna.sources.ees.read_ees_wide`
(symbols such as ``c``, ``x``, ``z`` stay notes, never zeros). DfE's 2021/22 file swaps two
filter columns: ``characteristic`` holds the group (``SEN provision``) and
``characteristic_type`` the value (``EHC plan``). Whichever of the two holds ``SEN provision`` is
taken as the group, so the reader works for either order.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jsna.errors import JsnaInputError
from jsna.sen_need_codes import PUBLISHED_SEN_GROUPS
from jsna.sources.ees import read_ees_wide

SOURCE = "DfE's early years foundation stage profile headline measures CSV"

#: Children assessed, reaching a good level of development (count and DfE's %).
MEASURES = ("children_number", "gld_number", "gld_percentage")

_GROUP_COLUMNS = ("characteristic", "characteristic_type")


def read_eyfs_gld_by_sen(path: str | Path) -> pd.DataFrame:
    """Good level of development by SEN provision, for England, regions and councils.

    Parameters
    ----------
    path : str or Path
        DfE's headline measures CSV (``1_eyfsp_headline_measures_<year>.csv``).

    Returns
    -------
    DataFrame
        One row per area (England, region, local authority; districts are left out) and SEN
        group: the columns of :func:`jsna.sources.ees.read_ees_wide`, ``sen_group``
        (``No SEN``, ``SEN support``, ``EHC plan``, ``All SEN``, ``All pupils``) and each
        measure of :data:`MEASURES` with ``<measure>_note``. Boys and girls are not kept (the
        ``gender`` = ``Total`` rows only). An empty frame means the file has no SEN breakdown.

    Raises
    ------
    JsnaInputError
        One line naming the file when the filter columns are missing or a measure cell is
        neither a number nor a published symbol.
    """
    path = Path(path)
    wide = read_ees_wide(path, measures=list(MEASURES))
    missing = [c for c in (*_GROUP_COLUMNS, "gender") if c not in wide]
    if missing:
        raise JsnaInputError(
            f"{path}: not in the expected layout of {SOURCE}: missing column(s) "
            f"{', '.join(missing)}")
    first, second = (wide[c].str.strip() for c in _GROUP_COLUMNS)
    group = first.where(first.str.lower().ne("sen provision"), second)
    is_sen = first.str.lower().eq("sen provision") | second.str.lower().eq("sen provision")
    is_total = first.str.lower().eq("total") & second.str.lower().eq("total")
    keep = ((is_sen | is_total) & wide["gender"].str.lower().eq("total")
            & wide["area_type"].isin(["England", "Region", "Local authority"]))
    out = wide[keep].copy()
    out["sen_group"] = group[keep].str.lower().map(PUBLISHED_SEN_GROUPS)
    out.loc[is_total[keep].to_numpy(), "sen_group"] = "All pupils"
    out = out[out["sen_group"].notna()].reset_index(drop=True)
    out.attrs["path"] = str(path)
    return out
