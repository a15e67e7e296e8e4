"""The council's schools list: one reader for the settings chapter and ``jsna sources``.

The list is usually a download from Get Information about Schools (GIAS) cut to the council's
schools, or the council's own list. Its columns are ``URN``, ``SchoolName`` and ``Phase`` (any
others are ignored). Headings are matched loosely, as the census cleaner matches them: case,
spaces, underscores, hyphens and dots do not matter, and GIAS's ``EstablishmentName`` and
``PhaseOfEducation (name)`` are accepted for the name and the phase. The file may be UTF-8 (with or
without a byte-order mark) or Windows-1252, as Excel saves it.

Because the same :func:`read_schools` is called by the chapter and by ``jsna sources``, a list is
either accepted by both or refused by both with the same message.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from jsna.column_names import compare_form
from jsna.errors import JsnaInputError
from jsna.sources.common import read_text_csv

PRIMARY, SECONDARY = "Mainstream primary", "Mainstream secondary"
SPECIAL, AP = "Special school", "Alternative provision"

#: ``Phase`` of the schools list (lower case) -> type of setting.
PHASE_SETTING: dict[str, str] = {
    "primary": PRIMARY,
    "nursery": PRIMARY,
    "middle deemed primary": PRIMARY,
    "secondary": SECONDARY,
    "middle deemed secondary": SECONDARY,
    "all-through": SECONDARY,
    "16 plus": SECONDARY,
    "special": SPECIAL,
    "alternative provision": AP,
    "pupil referral unit": AP,
}

#: Standard column -> headings accepted for it, in compared form (see :func:`jsna.column_names.compare_form`).
SCHOOL_LIST_HEADINGS: dict[str, tuple[str, ...]] = {
    "URN": ("urn",),
    "SchoolName": ("schoolname", "establishmentname", "name"),
    "Phase": ("phase", "phaseofeducation", "phaseofeducation(name)", "phaseofeducationname"),
}
#: Optional columns: standard column -> headings accepted for it, in compared form.
SCHOOL_LIST_OPTIONAL_HEADINGS: dict[str, tuple[str, ...]] = {
    "TypeOfEstablishment": ("typeofestablishment", "typeofestablishment(name)",
                            "typeofestablishmentname"),
}

def _matched_columns(raw: pd.DataFrame, path: Path) -> dict[str, str]:
    """Standard column -> the file's heading; one line naming the missing columns otherwise."""
    found: dict[str, str] = {}
    for name, forms in {**SCHOOL_LIST_HEADINGS, **SCHOOL_LIST_OPTIONAL_HEADINGS}.items():
        matches = [heading for heading in raw.columns if compare_form(str(heading)) in forms]
        if len(matches) > 1:
            raise JsnaInputError(f"{path}: schools list: columns {', '.join(map(repr, matches))} "
                                 f"all look like {name}; keep one of them")
        if matches:
            found[name] = matches[0]
    missing = [name for name in SCHOOL_LIST_HEADINGS if name not in found]
    if missing:
        raise JsnaInputError(f"{path}: schools list lacks column(s) {', '.join(missing)}; "
                             f"columns found: {', '.join(map(str, raw.columns))}")
    return found


def read_schools(path: str | Path) -> pd.DataFrame:
    """Read the council's schools list and give each school its type of setting.

    Parameters
    ----------
    path : str or Path
        CSV with at least ``URN``, ``SchoolName`` and ``Phase`` (``Primary``, ``Secondary``,
        ``Special``, ``Alternative provision``; GIAS phases such as ``Nursery`` or
        ``All-through`` are placed in the nearest mainstream setting), and optionally GIAS's
        ``TypeOfEstablishment``.

    Returns
    -------
    DataFrame
        ``urn`` (text), ``school_name``, ``phase`` (as given), ``setting`` and
        ``type_of_establishment`` (as given; empty when the list has no such column).

    Raises
    ------
    JsnaInputError
        When the file cannot be read, a column is missing, a URN is blank or repeated, or a
        phase is not recognised; the message names the file, row and column.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "schools.csv").write_text(
    ...     "urn,School Name,PHASE\\n100001,Hill Primary,Primary\\n100002,Oak School,Special\\n")
    >>> read_schools(folder / "schools.csv")["setting"].tolist()
    ['Mainstream primary', 'Special school']
    """
    path = Path(path)
    raw = read_text_csv(path, "a schools list (URN, SchoolName, Phase)")
    columns = _matched_columns(raw, path)
    urn = raw[columns["URN"]].str.strip().str.replace(r"\.0$", "", regex=True)
    blank = urn == ""
    if blank.any():
        row = int(np.flatnonzero(blank.to_numpy())[0]) + 2
        raise JsnaInputError(f"{path}: row {row}, column URN: blank; expected a 6-digit URN")
    repeated = urn.duplicated()
    if repeated.any():
        row = int(np.flatnonzero(repeated.to_numpy())[0]) + 2
        raise JsnaInputError(f"{path}: row {row}, column URN: {urn.iloc[row - 2]} is listed "
                             "twice; expected one row per school")
    phase = raw[columns["Phase"]].str.strip()
    setting = phase.str.lower().map(PHASE_SETTING)
    unknown = setting.isna()
    if unknown.any():
        row = int(np.flatnonzero(unknown.to_numpy())[0])
        raise JsnaInputError(
            f"{path}: row {row + 2}, column Phase: {phase.iloc[row]!r} is not a known "
            "phase; expected Primary, Secondary, Special or Alternative provision")
    kind = (raw[columns["TypeOfEstablishment"]].str.strip() if "TypeOfEstablishment" in columns
            else pd.Series("", index=raw.index))
    return pd.DataFrame({"urn": urn, "school_name": raw[columns["SchoolName"]].str.strip(),
                         "phase": phase, "setting": setting, "type_of_establishment": kind})
