"""Comparator tables: the council beside England, its region and its statistical neighbours.

For one indicator, :func:`comparator_table` returns, per period, a row for the council, England,
the region, each of the 10 statistical neighbours (in published order) and the neighbour mean,
keeping published counts and denominators where they exist and published symbols as notes.

Rules
-----
* Codes are lined up first with :func:`jsna.sources.la_codes.harmonise_la_codes` (recodes always;
  mergers only for measures declared counts), so e.g. BCP's series joins across 2019.
* An area the file does not contain at all raises :class:`~jsna.errors.JsnaInputError` naming it
  (code and name). An area present in other periods but not this one gets a row with no value and
  the note ``"[x]"`` (not available) -- never zero, never a silently shorter table.
* The neighbour mean is the unweighted mean of the neighbours with a value in that period;
  ``n_neighbours`` says how many were used. With none, it has no value and the note ``"[x]"``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from jsna.errors import JsnaInputError
from jsna.sources.la_codes import area_name as known_area_name
from jsna.sources.la_codes import canonical_code, harmonise_la_codes, region_of

if TYPE_CHECKING:
    from jsna.config import Config

ENGLAND = "E92000001"

COLUMNS = [
    "indicator_id",
    "role",
    "sn_rank",
    "area_code",
    "area_name",
    "area_type",
    "period",
    "breakdown",
    "count",
    "denominator",
    "value",
    "note",
    "n_neighbours",
    "harmonised",
]


def _selected_rows(frame: pd.DataFrame, select: dict[str, str], path: str) -> pd.DataFrame:
    """The rows of a comparator file where every ``select`` column has its wanted value.

    Raises :class:`~jsna.errors.JsnaInputError` naming the file when a required column or a
    selecting column is missing, or when no row is left.
    """
    for column in ("area_code", "period", "value"):
        if column not in frame.columns:
            raise JsnaInputError(
                f"{path}: cannot build a comparator table: column {column!r} missing; columns "
                f"found: {', '.join(frame.columns)}"
            )
    data = frame
    for column, wanted in select.items():
        if column not in data.columns:
            raise JsnaInputError(f"{path}: column {column!r} (used to select rows) not found")
        data = data.loc[data[column].astype(str) == str(wanted)]
        if data.empty:
            raise JsnaInputError(f"{path}: no rows with {column} = {wanted!r}")
    return data


def comparator_table(
    frame: pd.DataFrame,
    *,
    area_code: str,
    neighbours: list[str],
    region_code: str | None = None,
    indicator_id: str = "",
    measure: str | None = None,
    count_measure: str | None = None,
    denominator_measure: str | None = None,
    value_is_count: bool = False,
    select: dict[str, str] | None = None,
    breakdown: str = "",
    area_name: str | None = None,
) -> pd.DataFrame:
    """Build the comparator table for one indicator.

    Parameters
    ----------
    frame : DataFrame
        A long frame with ``area_code``, ``area_name``, ``period``, ``value`` and ``note``
        (from :func:`~jsna.sources.ees.read_ees`, :func:`~jsna.sources.lait.read_lait` or
        :func:`~jsna.sources.fingertips.read_fingertips`).
    area_code : str
        The council's GSS code.
    neighbours : list of str
        Its statistical neighbours' GSS codes in published order.
    region_code : str, optional
        The council's region; looked up from the council code when omitted.
    indicator_id : str
        Written to every row.
    measure : str, optional
        Value measure (rows where ``measure == measure``), when the frame has a ``measure``
        column (EES). For LAIT filter with ``select={"indicator": ...}``.
    count_measure, denominator_measure : str, optional
        Measures holding the published numerator and denominator (EES); if the frame already has
        ``count``/``denominator`` columns (Fingertips) they are used.
    value_is_count : bool
        The value itself is a count (may be summed across merged councils).
    select : dict, optional
        Column -> value filters applied first, e.g. ``{"breakdown": "All EHC plans"}``.
    breakdown : str
        Written to the ``breakdown`` column.
    area_name : str, optional
        The council's name for error messages.

    Returns
    -------
    DataFrame
        Columns :data:`COLUMNS`: ``role`` is ``"Council"``, ``"England"``, ``"Region"``,
        ``"Neighbour"`` or ``"Neighbour mean"``; ``sn_rank`` 1..10 for neighbours. Sorted by
        period, then role order, then rank.

    Raises
    ------
    JsnaInputError
        When a required column, the measure, or an area (council, England, region, a neighbour)
        is absent from the file.
    """
    path = frame.attrs.get("path", "the comparator file")
    data = _selected_rows(frame, select or {}, path)
    if "note" not in data.columns:
        data = data.assign(note="")

    counts_declared = [m for m in (count_measure, denominator_measure) if m]
    if value_is_count and measure:
        counts_declared.append(measure)
    if "measure" in data.columns:
        wanted_measures = [m for m in (measure, count_measure, denominator_measure) if m]
        if measure is None:
            raise JsnaInputError(f"{path}: the file has several measures; say which (measure=)")
        absent = [m for m in wanted_measures if m not in set(data["measure"])]
        if absent:
            raise JsnaInputError(f"{path}: measure(s) {', '.join(absent)} not found")
        data = data.loc[data["measure"].isin(wanted_measures)]
        harmonised, _ = harmonise_la_codes(data, additive_measures=counts_declared)
    else:
        harmonised, _ = harmonise_la_codes(
            data, additive_measures=["*"] if value_is_count else None
        )

    long = _to_value_count_denominator(harmonised, measure, count_measure, denominator_measure)
    council = canonical_code(area_code)
    region = canonical_code(region_code) if region_code else region_of(council)
    wanted: list[tuple[str, int | None, str]] = [
        ("Council", None, council),
        ("England", None, ENGLAND),
    ]
    if region:
        wanted.append(("Region", None, region))
    wanted += [("Neighbour", rank, canonical_code(code)) for rank, code in enumerate(neighbours, 1)]

    present = set(long["area_code"])
    absent = [(role, code) for role, _, code in wanted if code not in present]
    if absent:
        described = []
        for role, code in absent:
            name = area_name if role == "Council" and area_name else known_area_name(code)
            described.append(f"{role.lower()} {code}" + (f" ({name})" if name else ""))
        raise JsnaInputError(f"{path}: not found in the file: {'; '.join(described)}")

    duplicated = long.duplicated(["area_code", "period"], keep=False)
    if duplicated.any():
        clashing = frame.loc[frame["area_code"].eq(long.loc[duplicated, "area_code"].iloc[0])]
        varying = [
            c
            for c in clashing.columns
            if c not in ("value", "note", "measure")
            and clashing[c].astype(str).nunique() > 1
            and c not in ("period", "time_period", "year")
        ]
        raise JsnaInputError(
            f"{path}: several rows per area and period for this indicator; choose one with "
            f"select= on {', '.join(varying) or 'the filter columns'}"
        )
    periods = sorted(set(long["period"]), key=_period_sort_key)
    index = long.set_index(["area_code", "period"])
    names = long.drop_duplicates("area_code").set_index("area_code")
    rows = []
    for role, rank, code in wanted:
        keys = pd.MultiIndex.from_product([[code], periods], names=["area_code", "period"])
        block = index.reindex(keys).reset_index()
        missing = block["value"].isna() & block["note"].isna()
        block["note"] = block["note"].where(~missing, "[x]").fillna("")
        block["harmonised"] = block["harmonised"].fillna("")
        block["area_name"] = names.loc[code, "area_name"] if "area_name" in names else ""
        block["area_type"] = names.loc[code, "area_type"] if "area_type" in names else ""
        block["role"] = role
        block["sn_rank"] = rank
        rows.append(block)
    table = pd.concat(rows, ignore_index=True)

    neighbour_rows = table.loc[table["role"].eq("Neighbour")]
    mean = neighbour_rows.groupby("period", sort=False)["value"].agg(["mean", "count"])
    mean = mean.reindex(periods)
    mean_rows = pd.DataFrame(
        {
            "role": "Neighbour mean",
            "sn_rank": None,
            "area_code": "",
            "area_name": "Statistical neighbour mean",
            "area_type": "Neighbour mean",
            "period": periods,
            "count": np.nan,
            "denominator": np.nan,
            "value": mean["mean"].to_numpy(),
            "note": np.where(mean["count"].to_numpy() > 0, "", "[x]"),
            "n_neighbours": mean["count"].to_numpy(),
            "harmonised": "",
        }
    )
    table = pd.concat([table, mean_rows], ignore_index=True)
    table["indicator_id"] = indicator_id
    table["breakdown"] = breakdown
    table["sn_rank"] = table["sn_rank"].astype("Int64")
    table["n_neighbours"] = (
        table["n_neighbours"].astype("Int64") if "n_neighbours" in table else None
    )
    order = {"Council": 0, "England": 1, "Region": 2, "Neighbour": 3, "Neighbour mean": 4}
    table["_order"] = table["role"].map(order)
    table["_period"] = table["period"].map({p: i for i, p in enumerate(periods)})
    table = table.sort_values(["_period", "_order", "sn_rank"], kind="stable")
    for column in ("area_name", "area_type", "note", "harmonised", "role", "period"):
        table[column] = table[column].astype(str)
    table = table[COLUMNS].reset_index(drop=True)
    table.attrs["path"] = path
    return table


def comparator_table_for_config(
    config: object, frame: pd.DataFrame, **options: object
) -> pd.DataFrame:
    """:func:`comparator_table` for the council, region and neighbours of a ``jsna.config.Config``.

    Parameters
    ----------
    config : jsna.config.Config
    frame : DataFrame
        A long comparator frame.
    **options
        Passed on (``measure``, ``count_measure``, ``select``, ``indicator_id`` ...).
    """
    area = config.area  # type: ignore[attr-defined]
    return comparator_table(
        frame,
        area_code=area.code,
        area_name=area.name,
        region_code=area.region_code,
        neighbours=list(config.neighbours),  # type: ignore[attr-defined]
        **options,  # type: ignore[arg-type]
    )


def comparator_codes(config: Config) -> dict[str, str]:
    """England, the region and the neighbours a council's comparator files must hold.

    The one list both ``jsna sources`` and the chapters check a published file against
    (codes as configured, old or current; :func:`jsna.sources.la_codes.missing_areas` compares
    them by current code), for the council ``config`` configures.

    Returns
    -------
    dict
        Area code -> how to name it in a message.
    """
    wanted = {"E92000001": "England", config.area.region_code: config.area.region_name}
    wanted.update({code: f"statistical neighbour {known_area_name(code) or code}"
                   for code in config.neighbours})
    return wanted


def _to_value_count_denominator(
    frame: pd.DataFrame,
    measure: str | None,
    count_measure: str | None,
    denominator_measure: str | None,
) -> pd.DataFrame:
    """One row per area and period with value, note, count and denominator columns."""
    base_columns = ["area_code", "period"]
    if "measure" not in frame.columns:
        values = frame.copy()
        for column in ("count", "denominator"):
            if column not in values.columns:
                values[column] = np.nan
    else:
        values = frame.loc[frame["measure"].eq(measure)].copy()
        for target, source in (("count", count_measure), ("denominator", denominator_measure)):
            if source:
                extra = frame.loc[frame["measure"].eq(source), [*base_columns, "value"]]
                extra = extra.drop_duplicates(base_columns).rename(columns={"value": target})
                values = values.merge(extra, on=base_columns, how="left")
            else:
                values[target] = np.nan
    values["n_neighbours"] = pd.NA
    keep = [
        *base_columns,
        "area_name",
        "area_type",
        "value",
        "note",
        "count",
        "denominator",
        "harmonised",
        "n_neighbours",
    ]
    return values[[c for c in keep if c in values.columns]]


def _period_sort_key(period: str) -> tuple[int, str]:
    digits = "".join(ch for ch in period[:4] if ch.isdigit())
    return (int(digits) if digits else 0, period)
