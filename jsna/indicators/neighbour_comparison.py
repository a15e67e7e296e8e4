"""One measure for a council beside its statistical neighbours, their average, region and England.

The data behind the compare-with-neighbours chart (:func:`jsna.viz.neighbours.neighbours_chart`)
and the table shown beside it: any chapter passes its indicator rows for one measure, one period
and one breakdown, and gets one row per area in the order the chart draws them (highest value
first, areas without a value last). The neighbours' average is the unweighted mean of the
neighbours with a published value (as LAIT and DfE's statistical neighbour benchmarks compute it);
it has no confidence interval, because a mean of published figures carries no spread. Confidence
limits are passed through as given, never computed here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.indicators.comparisons import ENGLAND, ComparatorAreas
from jsna.indicators.neighbour_roles import AVERAGE, COUNCIL, NATIONAL, NEIGHBOUR, REGION, ROLES
from jsna.sources.la_codes import area_name as known_area_name

#: the area code of the neighbours' average row (no real area has it)
AVERAGE_CODE = "neighbours"
COLUMNS = ["area_code", "area_name", "role", "value", "lower_ci_95", "upper_ci_95", "note"]


def neighbour_comparison(rows: pd.DataFrame, areas: ComparatorAreas, *,
                         council_name: str) -> pd.DataFrame:
    """The rows of a compare-with-neighbours chart for one measure, period and breakdown.

    Parameters
    ----------
    rows : DataFrame
        ``area_code, area_name, value`` and optionally ``lower_ci_95, upper_ci_95, note``: one
        row per area for a single measure, period and breakdown (other areas are ignored).
    areas : ComparatorAreas
        The council, its region and its statistical neighbours.
    council_name : str
        The council's name as the report shows it.

    Returns
    -------
    DataFrame
        ``area_code, area_name, role, value, lower_ci_95, upper_ci_95, note``: the council
        (named "<name> (this council)"), each neighbour, the neighbours' average
        ("Statistical neighbours' average (k of n)", code :data:`AVERAGE_CODE`), the region
        ("<region> (region)") and England, highest value first; an area without a value (not in
        ``rows``, or suppressed) comes last with its note (``[x]`` when it has none).

    Raises
    ------
    ValueError
        When an area has more than one row (the rows mix measures, periods or breakdowns).

    Examples
    --------
    >>> areas = ComparatorAreas("E1", "R1", "North", ["N1", "N2"])
    >>> rows = pd.DataFrame({"area_code": ["E1", "N1", "N2", "R1", ENGLAND],
    ...                      "area_name": ["A", "B", "C", "North", "England"],
    ...                      "value": [10.0, 20.0, 40.0, 25.0, 30.0]})
    >>> shown = neighbour_comparison(rows, areas, council_name="A")
    >>> for name, value in zip(shown["area_name"], shown["value"]):
    ...     print(f"{name}: {value}")
    C: 40.0
    Statistical neighbours' average (2 of 2): 30.0
    England: 30.0
    North (region): 25.0
    B: 20.0
    A (this council): 10.0
    """
    wanted = [areas.council, *areas.neighbours, areas.region_code, ENGLAND]
    chosen = rows[rows["area_code"].isin(wanted)]
    repeated = chosen["area_code"][chosen["area_code"].duplicated()]
    if len(repeated):
        raise ValueError(f"more than one row for area {repeated.iloc[0]!r}: give one measure, "
                         "period and breakdown")
    records: list[dict[str, object]] = []
    found: dict[str, dict[str, object]] = {
        str(record["area_code"]): {str(key): value for key, value in record.items()}
        for record in chosen.to_dict("records")}

    def number(record: dict[str, object], column: str) -> float:
        value = record.get(column)
        return float(value) if isinstance(value, int | float) and pd.notna(value) else np.nan

    def add(code: str, name: str, role: str) -> float:
        record = found.get(code, {})
        value = number(record, "value")
        lower, upper = number(record, "lower_ci_95"), number(record, "upper_ci_95")
        note = record.get("note")
        note = note if isinstance(note, str) else ""
        if np.isnan(value):
            lower = upper = np.nan
            note = note or "[x]"
        records.append({"area_code": code, "area_name": name, "role": role, "value": value,
                        "lower_ci_95": lower, "upper_ci_95": upper, "note": note})
        return value

    def name_of(code: str) -> str:
        # a neighbour with no row in the file (formed after its period) keeps its name
        name = found.get(code, {}).get("area_name")
        return name if isinstance(name, str) and name else (known_area_name(code) or code)

    add(areas.council, f"{council_name} (this council)", COUNCIL)
    neighbours = [add(code, name_of(code), NEIGHBOUR) for code in areas.neighbours]
    published = [value for value in neighbours if not np.isnan(value)]
    records.append({
        "area_code": AVERAGE_CODE,
        "area_name": (f"Statistical neighbours' average ({len(published)} of "
                      f"{len(areas.neighbours)})"),
        "role": AVERAGE, "value": float(np.mean(published)) if published else np.nan,
        "lower_ci_95": np.nan, "upper_ci_95": np.nan, "note": "" if published else "[x]"})
    add(areas.region_code, f"{areas.region_name} (region)", REGION)
    add(ENGLAND, "England", NATIONAL)
    out = pd.DataFrame(records, columns=COLUMNS)
    out["_role"] = out["role"].map({role: i for i, role in enumerate(ROLES)})
    out = out.sort_values(["value", "_role", "area_name"], ascending=[False, True, True],
                          na_position="last", kind="mergesort")
    return out.drop(columns="_role").reset_index(drop=True)
