"""The council's specialist capacity file (``inputs.specialist_capacity``): places by setting
and phase, read by the sufficiency chapter and by ``jsna sources`` alike.

A CSV with one row per school or provision (or per setting and phase): ``setting`` (one of
:data:`jsna.config.FORECAST_SETTINGS`, e.g. ``state_special``), ``phase`` (``primary``,
``secondary`` or ``post16``), ``places`` (a whole number, 0 or more) and, optionally,
``school``. Headings and values are compared without case or surrounding spaces.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jsna.config import FORECAST_PHASES, FORECAST_SETTINGS
from jsna.errors import JsnaInputError
from jsna.sources.common import read_text_csv

SOURCE = "specialist capacity file (setting, phase, places; optionally school)"
REQUIRED = ("setting", "phase", "places")


def read_specialist_capacity(path: str | Path) -> pd.DataFrame:
    """Read the capacity file and add up the places by setting and phase.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    DataFrame
        ``setting``, ``phase`` (the file's keys, lower case) and ``places`` (int), one row per
        setting and phase given.

    Raises
    ------
    JsnaInputError
        A missing column, or each row with an unknown setting or phase or a ``places`` that is
        not a whole number of 0 or more (one line per problem, naming the row and column).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "capacity.csv").write_text(
    ...     "school,setting,phase,places\\nOak,state_special,primary,60\\n"
    ...     "Ash,state_special,primary,40\\nElm,resourced,secondary,12\\n")
    >>> read_specialist_capacity(folder / "capacity.csv").to_dict("records")
    [{'setting': 'resourced', 'phase': 'secondary', 'places': 12}, \
{'setting': 'state_special', 'phase': 'primary', 'places': 100}]
    """
    path = Path(path)
    raw = read_text_csv(path, SOURCE)
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise JsnaInputError(f"{path}: not a {SOURCE}: missing column(s) {', '.join(missing)}; "
                             f"columns found: {', '.join(raw.columns)}")
    frame = raw[list(REQUIRED)].apply(lambda column: column.str.strip().str.lower())
    places = pd.to_numeric(frame["places"], errors="coerce")
    problems = []
    for position, row in enumerate(frame.itertuples(index=False)):
        line = position + 2  # the heading is line 1
        if row.setting not in FORECAST_SETTINGS:
            problems.append(f"{path}: line {line}, column setting: {row.setting!r} is not one of "
                            f"{', '.join(FORECAST_SETTINGS)}")
        if row.phase not in FORECAST_PHASES:
            problems.append(f"{path}: line {line}, column phase: {row.phase!r} is not one of "
                            f"{', '.join(FORECAST_PHASES)}")
        value = places.iloc[position]
        if pd.isna(value) or value < 0 or value != int(value):
            problems.append(f"{path}: line {line}, column places: {row.places!r} is not a whole "
                            "number of places (0 or more)")
    if problems:
        raise JsnaInputError("\n".join(problems))
    if frame.empty:
        raise JsnaInputError(f"{path}: the {SOURCE} has no rows")
    frame = frame.assign(places=places.astype(int))
    return frame.groupby(["setting", "phase"], as_index=False)["places"].sum()
