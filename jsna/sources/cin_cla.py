"""Reader for DfE's *Outcomes for children in need, including children looked after by local
authorities in England*: SEN provision and primary need by social care group.

DfE publishes two explore-education-statistics CSVs of school-age children matched to the school
census, by social care group:

* ``sen_la.csv`` -- England, regions and every council; three groups (children in need excluding
  those on a plan or looked after, on a child protection plan excluding those looked after,
  looked after for 12 months or more) with ``t_*`` counts and ``pt_*`` percentages of SEN
  provision and of each primary need (``t_ASD`` ...: need shares are out of all pupils with SEN);
* ``sen_national.csv`` -- England only, twelve groups (``All pupils comparison`` included), with
  primary need split by SEN support (``_ss``) and EHC plan (``_se``).

Both are read by :func:`jsna.sources.ees.ees_wide_from_text`, so every symbol stays a note, never
a zero: ``c`` suppressed, ``x`` not available, ``z`` not applicable, ``low`` rounds to zero,
``u`` low reliability. The national file also uses DfE's older ``k`` ("less than 0.5%", i.e.
rounds to zero but is not zero); it is read as ``[low]``, the symbol DfE uses for that today.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jsna.errors import JsnaInputError
from jsna.sources.common import read_text_csv
from jsna.sources.ees import ees_wide_from_text
from jsna.sources.published_cache import cached_read

SOURCE = ("DfE's 'Outcomes for children in need, including children looked after' SEN CSV "
          "(sen_la.csv or sen_national.csv)")

#: Published social care group -> the label used in the JSNA (DfE's own definitions).
GROUP_LABELS: dict[str, str] = {
    "cin at 31 march": "Children in need",
    "cino at 31 march": "Children in need (not on a plan or looked after)",
    "cppo at 31 march": "On a child protection plan (not looked after)",
    "cla at 31 march": "Looked after",
    "cla 12 months at 31 march": "Looked after for 12 months or more",
    "cla less than 12 months at 31 march": "Looked after for less than 12 months",
    "cin at any point": "Children in need at any point in the year",
    "cino at any point": "Children in need at any point (not on a plan or looked after)",
    "cppo at any point": "On a child protection plan at any point (not looked after)",
    "cla at any point": "Looked after at any point in the year",
    "ever cin - last 6 years": "Children in need at any time in the last 6 years",
    "all pupils comparison": "All pupils",
}

#: The three groups published for every council, in reading order.
COUNCIL_GROUPS = (
    "Children in need (not on a plan or looked after)",
    "On a child protection plan (not looked after)",
    "Looked after for 12 months or more",
)

#: Count columns every layout has: pupils matched, and their SEN provision.
REQUIRED_MEASURES = ("t_pupils", "t_SEN_support", "t_statement_or_EHC_plan")

#: DfE's older symbol for "less than 0.5%" and the note it becomes.
OLD_SYMBOLS = {"k": "low"}

#: Primary needs (DfE's codes, as in the column names).
NEEDS = ("ASD", "HI", "MLD", "MSI", "NSA", "OTH", "PD", "PMLD", "SEMH", "SLCN", "SLD", "SPLD",
         "VI")


@cached_read
def read_cin_by_sen(path: str | Path) -> pd.DataFrame:
    """SEN provision and primary need of children in need and looked after, by area and group.

    Parameters
    ----------
    path : str or Path
        DfE's ``sen_la.csv`` (England, regions, councils) or ``sen_national.csv`` (England).

    Returns
    -------
    DataFrame
        One row per area, period and social care group: the leading columns of
        :func:`jsna.sources.ees.read_ees_wide` (``period`` is ``"2021/22"`` for ``202122``:
        children in the group at 31 March 2022), ``social_care_group`` as published,
        ``group`` (:data:`GROUP_LABELS`), then every ``t_*`` and ``pt_*`` measure as a float
        with its ``<measure>_note`` (``"[c]"``, ``"[x]"``, ``"[z]"``, ``"[low]"``, ``"[u]"`` or
        ``""``).

    Raises
    ------
    JsnaInputError
        One line naming the file when a required column (``social_care_group``, the time and
        geography columns, :data:`REQUIRED_MEASURES`) is missing, a social care group is not
        one DfE publishes, or a measure cell is neither a number nor a published symbol (naming
        the row and column).
    """
    path = Path(path)
    raw = read_text_csv(path, SOURCE)
    missing = [c for c in ("social_care_group", *REQUIRED_MEASURES) if c not in raw.columns]
    if missing:
        raise JsnaInputError(
            f"{path}: not in the layout of {SOURCE}: missing column(s) {', '.join(missing)}")
    measures = [c for c in raw.columns if c.startswith(("t_", "pt_"))]
    for column in measures:
        bare = raw[column].str.strip().str.lower()
        raw[column] = raw[column].where(~bare.isin(list(OLD_SYMBOLS)), bare.map(OLD_SYMBOLS))
    wide = ees_wide_from_text(raw, path, measures)
    published = wide["social_care_group"].str.strip()
    group = published.str.lower().map(GROUP_LABELS)
    unknown = group.isna()
    if unknown.any():
        row = int(unknown.to_numpy().argmax())
        raise JsnaInputError(
            f"{path}, row {row + 2}, column social_care_group: {published.iloc[row]!r} is not a "
            f"social care group DfE publishes (expected one of: "
            f"{', '.join(sorted(GROUP_LABELS))})")
    wide.insert(wide.columns.get_loc("social_care_group") + 1, "group", group)
    wide.attrs["path"] = str(path)
    return wide
