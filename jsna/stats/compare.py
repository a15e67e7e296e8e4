"""Comparing areas with benchmarks as OHID Fingertips and DfE LAIT do.

* :func:`compare_to_benchmark` - Fingertips "confidence interval overlapping reference value": an
  area is higher when its lower limit is above the benchmark value, lower when its upper limit is
  below it, otherwise similar.
* :func:`compare_spc` - Fingertips "SPC for proportions": the area's proportion is compared with
  control limits built around the benchmark proportion for the area's denominator (the Wilson
  interval of the expected count).
* Polarity turns higher/lower into Fingertips' RAG labels: ``"High is good"`` and ``"Low is good"``
  give ``Better / Similar / Worse``; ``"Not applicable"`` gives ``Higher / Similar / Lower``.
  Anything that cannot be compared is ``"Not compared"``.
* :func:`quartile_bands` - LAIT quartile banding across all councils: quartiles of the councils'
  values (linear interpolation, R type 7); ``A`` is the best quartile by polarity (the lowest
  values when low is good, the highest when high is good) and ``"Not applicable"`` when the
  indicator has no polarity.
* :func:`neighbour_ranks` - rank among the council and its statistical neighbours (1 = best by
  polarity; ties share the smallest rank, as LAIT ranks).
* :func:`add_comparisons` fills ``compared_to_england``, ``compared_to_region``,
  ``compared_to_neighbours`` and ``quartile_band`` on the long indicator table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd

from jsna.errors import JsnaInputError
from jsna.stats.arrays import as_floats
from jsna.stats.ci import z_value

HIGH_IS_GOOD = "High is good"
LOW_IS_GOOD = "Low is good"
NO_POLARITY = "Not applicable"
POLARITIES = (HIGH_IS_GOOD, LOW_IS_GOOD, NO_POLARITY)

BETTER, SIMILAR, WORSE = "Better", "Similar", "Worse"
HIGHER, LOWER = "Higher", "Lower"
NOT_COMPARED = "Not compared"

#: Columns identifying one comparison group in the long indicator table.
GROUP_COLUMNS = ["indicator_id", "period", "breakdown"]

_POLARITY_ALIASES = {
    "high is good": HIGH_IS_GOOD,
    "high": HIGH_IS_GOOD,
    "rag - high is good": HIGH_IS_GOOD,
    "low is good": LOW_IS_GOOD,
    "low": LOW_IS_GOOD,
    "rag - low is good": LOW_IS_GOOD,
    "not applicable": NO_POLARITY,
    "neither": NO_POLARITY,
    "none": NO_POLARITY,
    "no judgement": NO_POLARITY,
    "-": NO_POLARITY,
    "": NO_POLARITY,
}


def normalise_polarity(polarity: object) -> str:
    """Map a polarity spelling to one of :data:`POLARITIES`.

    Accepts Fingertips wording (``"High is good"``, ``"Low is good"``, ``"Not applicable"``), LAIT
    wording (``"High"``, ``"Low"``, ``"-"``) and missing values (no polarity).

    Raises
    ------
    JsnaInputError
        The spelling is not recognised.
    """
    if polarity is None or (not isinstance(polarity, str) and pd.isna(cast(Any, polarity))):
        return NO_POLARITY
    key = str(polarity).strip().lower()
    if key not in _POLARITY_ALIASES:
        raise JsnaInputError(
            f"polarity {polarity!r} is not recognised; expected one of {list(POLARITIES)}"
        )
    return _POLARITY_ALIASES[key]


def _polarity_array(polarity: object, size: int) -> np.ndarray:
    if isinstance(polarity, str) or polarity is None:
        return np.full(size, normalise_polarity(polarity), dtype=object)
    values = list(np.ravel(np.asarray(polarity, dtype=object)))
    if len(values) != size:
        raise JsnaInputError(f"polarity has {len(values)} entries; expected 1 or {size}")
    cache: dict[object, str] = {}
    out = np.empty(size, dtype=object)
    for position, item in enumerate(values):
        key = item if isinstance(item, str) else repr(item)
        if key not in cache:
            cache[key] = normalise_polarity(item)
        out[position] = cache[key]
    return out


def _float(values: object, size: int | None = None) -> np.ndarray:
    array = as_floats(values)
    if size is not None and array.size == 1 and size != 1:
        array = np.full(size, array[0])
    return array


def label_direction(
    higher: np.ndarray, lower: np.ndarray, comparable: np.ndarray, polarity: object
) -> np.ndarray:
    """Turn significant-difference flags into Fingertips labels.

    Parameters
    ----------
    higher, lower : numpy.ndarray of bool
        The area is significantly above / below the benchmark.
    comparable : numpy.ndarray of bool
        The comparison could be made (otherwise ``"Not compared"``).
    polarity : str or array-like of str
        Polarity of each row (or one for all).

    Returns
    -------
    numpy.ndarray of str
    """
    size = len(comparable)
    polarities = _polarity_array(polarity, size)
    high_good = polarities == HIGH_IS_GOOD
    low_good = polarities == LOW_IS_GOOD
    labels = np.select(
        [
            ~comparable,
            higher & high_good,
            higher & low_good,
            higher,
            lower & high_good,
            lower & low_good,
            lower,
        ],
        [NOT_COMPARED, BETTER, WORSE, HIGHER, WORSE, BETTER, LOWER],
        default=SIMILAR,
    )
    return labels.astype(object)


def compare_to_benchmark(
    value: object,
    lower: object,
    upper: object,
    benchmark: object,
    polarity: object = NO_POLARITY,
) -> np.ndarray:
    """Compare areas with a benchmark by confidence-interval overlap (Fingertips method).

    Parameters
    ----------
    value : array-like
        Indicator values (only used to decide whether the row has data).
    lower, upper : array-like
        Confidence limits of each value at the chosen level (95% or 99.8%).
    benchmark : array-like or float
        Benchmark value (England, region, neighbour mean) on the same scale.
    polarity : str or array-like of str, default "Not applicable"
        ``"High is good"``, ``"Low is good"`` or ``"Not applicable"``.

    Returns
    -------
    numpy.ndarray of str
        ``Better / Similar / Worse`` (or ``Higher / Similar / Lower`` without polarity);
        ``Not compared`` where the value, a limit or the benchmark is missing.
    """
    values = _float(value)
    size = values.size
    low = _float(lower, size)
    high = _float(upper, size)
    bench = _float(benchmark, size)
    comparable = np.isfinite(values) & np.isfinite(low) & np.isfinite(high) & np.isfinite(bench)
    with np.errstate(invalid="ignore"):
        is_higher = comparable & (low > bench)
        is_lower = comparable & (high < bench)
    return label_direction(is_higher, is_lower, comparable, polarity)


def spc_limits(
    denominator: object, benchmark_proportion: object, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Control limits for a proportion around a benchmark (Fingertips "SPC for proportions").

    The limits are the Wilson score interval of the expected count ``E = n p0``:
    ``(2E + z^2 -/+ z sqrt(z^2 + 4E(1 - p0))) / (2(n + z^2))``.

    Parameters
    ----------
    denominator : array-like
        The area's denominator ``n``.
    benchmark_proportion : array-like or float
        Benchmark as a fraction between 0 and 1.
    level : float, default 0.95
        0.95 or 0.998.

    Returns
    -------
    lower, upper : numpy.ndarray
        Limits as fractions; missing where ``n <= 0`` or the benchmark is missing.
    """
    n = _float(denominator)
    p0 = _float(benchmark_proportion, n.size)
    z = z_value(level)
    valid = (n > 0) & np.isfinite(p0) & (p0 >= 0) & (p0 <= 1)
    expected = np.where(valid, n * p0, np.nan)
    spread = z * np.sqrt(z * z + 4.0 * expected * (1.0 - p0))
    centre = 2.0 * expected + z * z
    scale = 2.0 * (n + z * z)
    return (centre - spread) / scale, (centre + spread) / scale


def compare_spc(
    count: object,
    denominator: object,
    benchmark_proportion: object,
    polarity: object = NO_POLARITY,
    level: float = 0.95,
) -> np.ndarray:
    """Compare proportions with a benchmark by the SPC method (Fingertips).

    Parameters
    ----------
    count, denominator : array-like
        The area's numerator and denominator.
    benchmark_proportion : array-like or float
        Benchmark proportion as a fraction between 0 and 1 (divide a percentage by 100).
    polarity : str or array-like of str, default "Not applicable"
        See :func:`compare_to_benchmark`.
    level : float, default 0.95
        0.95 or 0.998.

    Returns
    -------
    numpy.ndarray of str
        Labels as :func:`compare_to_benchmark`; ``Not compared`` where the denominator is not
        positive or anything is missing.
    """
    observed = _float(count)
    n = _float(denominator, observed.size)
    lower, upper = spc_limits(n, benchmark_proportion, level)
    comparable = np.isfinite(observed) & np.isfinite(lower) & np.isfinite(upper)
    with np.errstate(divide="ignore", invalid="ignore"):
        proportion = observed / n
        is_higher = comparable & (proportion > upper)
        is_lower = comparable & (proportion < lower)
    return label_direction(is_higher, is_lower, comparable, polarity)


def quartile_bands(
    values: object, polarity: object = NO_POLARITY, reference: object | None = None
) -> np.ndarray:
    """LAIT quartile banding.

    Quartile boundaries are computed from ``reference`` (all councils' values; default
    ``values``) with linear interpolation. Bands are closed on the right: the lowest quarter
    ``[min, Q1]``, then ``(Q1, Q2]``, ``(Q2, Q3]``, ``(Q3, max]``. ``A`` is the best quarter:
    the lowest values when low is good, the highest when high is good.

    Parameters
    ----------
    values : array-like
        Values to band.
    polarity : str, default "Not applicable"
        Polarity of the indicator (one for all values).
    reference : array-like, optional
        Values the quartiles come from.

    Returns
    -------
    numpy.ndarray of object
        ``"A"``-``"D"``, ``"Not applicable"`` without polarity, ``None`` for missing values.
    """
    array = _float(values)
    pool = array if reference is None else _float(reference)
    pool = pool[np.isfinite(pool)]
    polarity = normalise_polarity(polarity)
    out = np.full(array.size, None, dtype=object)
    present = np.isfinite(array)
    if polarity == NO_POLARITY:
        out[present] = NO_POLARITY
        return out
    if pool.size == 0:
        return out
    q1, q2, q3 = np.quantile(pool, [0.25, 0.5, 0.75])
    position = np.select([array <= q1, array <= q2, array <= q3], [0, 1, 2], default=3)
    letters = np.array(["A", "B", "C", "D"], dtype=object)
    if polarity == HIGH_IS_GOOD:
        letters = letters[::-1]
    out[present] = letters[position[present]]
    return out


# --------------------------------------------------------------------------- long indicator table


@dataclass(frozen=True)
class Benchmarks:
    """Which rows of the long indicator table are the council's comparators.

    Parameters
    ----------
    council_code : str, optional
        The council's area code. Its rows, and the ward and LSOA rows, are compared with the
        statistical-neighbour mean. Without it every local-authority row not in ``neighbours``
        is treated as the council.
    region_code : str, optional
        Code of the council's region; without it the table must hold a single region.
    neighbours : sequence of str
        Area codes of the statistical neighbours (10 for DfE's model).
    """

    council_code: str | None = None
    region_code: str | None = None
    neighbours: Sequence[str] = field(default_factory=tuple)


def _lookup_polarity(indicators: pd.DataFrame, polarity: object) -> np.ndarray:
    if isinstance(polarity, Mapping):
        normalised = {key: normalise_polarity(value) for key, value in polarity.items()}
        ids = indicators["indicator_id"]
        missing = sorted({str(item) for item in ids.unique() if item not in normalised})
        if missing:
            raise JsnaInputError(
                f"no polarity given for indicator_id {', '.join(missing)}; expected one of "
                f"{list(POLARITIES)} for each indicator"
            )
        return ids.map(normalised).to_numpy(dtype=object)
    return _polarity_array(polarity, len(indicators))


def _per_indicator(setting: object, indicators: pd.DataFrame, name: str) -> np.ndarray:
    if isinstance(setting, Mapping):
        values = indicators["indicator_id"].map(setting)
        if values.isna().any():
            missing = indicators.loc[values.isna(), "indicator_id"].iloc[0]
            raise JsnaInputError(f"no {name} given for indicator_id {missing!r}")
        return values.to_numpy(dtype=object)
    return np.full(len(indicators), setting, dtype=object)


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], purpose: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise JsnaInputError(
            f"indicator table lacks column(s) {missing}; they are needed to {purpose}"
        )


def _benchmark_values(indicators: pd.DataFrame, rows: pd.Series, label: str) -> np.ndarray:
    """Benchmark value for every row: the value of the selected row in the same group."""
    chosen = indicators.loc[rows, [*GROUP_COLUMNS, "value"]]
    duplicated = chosen.duplicated(GROUP_COLUMNS, keep=False)
    if duplicated.any():
        first = chosen.loc[duplicated, GROUP_COLUMNS].iloc[0].to_dict()
        raise JsnaInputError(
            f"more than one {label} row for {first}; expected one per indicator, period and "
            "breakdown"
        )
    lookup = chosen.set_index(GROUP_COLUMNS)["value"]
    keys = pd.MultiIndex.from_frame(indicators[GROUP_COLUMNS])
    return pd.to_numeric(lookup.reindex(keys), errors="coerce").to_numpy(dtype=float)


def _compare_rows(
    indicators: pd.DataFrame,
    benchmark: np.ndarray,
    polarities: np.ndarray,
    methods: np.ndarray,
    levels: np.ndarray,
    multipliers: np.ndarray,
    eligible: np.ndarray,
) -> np.ndarray:
    labels = np.full(len(indicators), NOT_COMPARED, dtype=object)
    value = pd.to_numeric(indicators["value"], errors="coerce").to_numpy(dtype=float)
    for method in pd.unique(methods):
        for level in pd.unique(levels):
            rows = eligible & (methods == method) & (levels == level)
            if not rows.any():
                continue
            suffix = {0.95: "95", 0.998: "998"}.get(float(level))
            if suffix is None:
                raise JsnaInputError(f"comparison level {level!r} is not 0.95 or 0.998")
            if method == "ci":
                labels[rows] = compare_to_benchmark(
                    value[rows],
                    pd.to_numeric(indicators[f"lower_ci_{suffix}"], errors="coerce").to_numpy(
                        dtype=float
                    )[rows],
                    pd.to_numeric(indicators[f"upper_ci_{suffix}"], errors="coerce").to_numpy(
                        dtype=float
                    )[rows],
                    benchmark[rows],
                    polarities[rows],
                )
            elif method == "spc":
                labels[rows] = compare_spc(
                    pd.to_numeric(indicators["count"], errors="coerce").to_numpy(float)[rows],
                    pd.to_numeric(indicators["denominator"], errors="coerce").to_numpy(float)[rows],
                    benchmark[rows] / multipliers[rows].astype(float),
                    polarities[rows],
                    float(level),
                )
            else:
                raise JsnaInputError(f"comparison method {method!r} is not 'ci' or 'spc'")
    return labels


def add_comparisons(
    indicators: pd.DataFrame,
    benchmarks: Benchmarks | Mapping[str, Any],
    polarity: str | Mapping[object, str],
    method: str | Mapping[object, str] = "ci",
    level: float | Mapping[object, float] = 0.95,
    multiplier: float | Mapping[object, float] = 100,
    min_councils_for_quartiles: int = 4,
) -> pd.DataFrame:
    """Fill the comparison columns of the long indicator table.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long indicator table (``indicator_id, area_code, area_type, period, breakdown, count,
        denominator, value`` and the CI columns).
    benchmarks : Benchmarks or mapping
        The council, its region and its statistical neighbours (a mapping with the same keys is
        accepted).
    polarity : str or mapping indicator_id -> str
        ``"High is good"``, ``"Low is good"`` or ``"Not applicable"`` (one for all indicators
        or one per indicator; every indicator in the table must have one).
    method : {"ci", "spc"} or mapping, default "ci"
        Confidence-interval overlap, or SPC for proportions (needs count and denominator).
    level : {0.95, 0.998} or mapping, default 0.95
        Confidence level of the comparison.
    multiplier : float or mapping, default 100
        Scale of ``value`` (100 for percentages); used by the SPC method only.
    min_councils_for_quartiles : int, default 4
        Fewer councils with a value than this give no quartile band.

    Returns
    -------
    pandas.DataFrame
        A copy with ``compared_to_england`` (every row but England), ``compared_to_region``
        (rows below region level), ``compared_to_neighbours`` (the council's own rows, wards and
        LSOAs against the unweighted mean of the neighbours' values) and ``quartile_band``
        (local-authority rows, banded across all councils in the table).
    """
    if not isinstance(benchmarks, Benchmarks):
        benchmarks = Benchmarks(**dict(benchmarks))
    _require_columns(
        indicators, [*GROUP_COLUMNS, "area_code", "area_type", "value"], "compare areas"
    )
    out = indicators.copy()
    polarities = _lookup_polarity(out, polarity)
    methods = _per_indicator(method, out, "comparison method")
    levels = _per_indicator(level, out, "comparison level").astype(float)
    multipliers = _per_indicator(multiplier, out, "multiplier")
    area_type = out["area_type"].astype("string").fillna("")
    area_code = out["area_code"].astype("string").fillna("")
    is_england = (area_type == "England").to_numpy()
    is_region = (area_type == "Region").to_numpy()
    is_la = (area_type == "Local authority").to_numpy()
    is_small_area = area_type.isin(["Ward", "LSOA"]).to_numpy()
    neighbours = [str(code) for code in benchmarks.neighbours]
    is_neighbour = (area_code.isin(neighbours) & (area_type == "Local authority")).to_numpy()
    if benchmarks.council_code is not None:
        is_council = (area_code == str(benchmarks.council_code)).to_numpy() & is_la
    else:
        is_council = is_la & ~is_neighbour

    england = _benchmark_values(out, pd.Series(is_england, index=out.index), "England")
    region_rows = is_region
    if benchmarks.region_code is not None:
        region_rows = region_rows & (area_code == str(benchmarks.region_code)).to_numpy()
    region = _benchmark_values(out, pd.Series(region_rows, index=out.index), "Region")

    keys = pd.MultiIndex.from_frame(out[GROUP_COLUMNS])
    neighbour_values = out.loc[is_neighbour, [*GROUP_COLUMNS, "value"]].copy()
    neighbour_values["value"] = pd.to_numeric(neighbour_values["value"], errors="coerce")
    neighbour_mean = (
        neighbour_values.groupby(GROUP_COLUMNS, dropna=False)["value"]
        .mean()
        .reindex(keys)
        .to_numpy(dtype=float)
        if len(neighbour_values)
        else np.full(len(out), np.nan)
    )

    def compare(benchmark: np.ndarray, eligible: np.ndarray) -> np.ndarray:
        return _compare_rows(out, benchmark, polarities, methods, levels, multipliers, eligible)

    out["compared_to_england"] = compare(england, ~is_england)
    out["compared_to_region"] = compare(region, ~is_england & ~is_region)
    out["compared_to_neighbours"] = compare(neighbour_mean, is_council | is_small_area)
    out["quartile_band"] = _quartile_band_column(out, is_la, polarities, min_councils_for_quartiles)
    return out


def _quartile_band_column(
    out: pd.DataFrame, is_la: np.ndarray, polarities: np.ndarray, min_councils: int
) -> pd.Series:
    bands = np.full(len(out), None, dtype=object)
    values = pd.to_numeric(out["value"], errors="coerce").to_numpy(dtype=float)
    councils = out.loc[is_la, GROUP_COLUMNS].copy()
    councils["_value"] = values[is_la]
    councils["_position"] = np.flatnonzero(is_la)
    councils["_polarity"] = polarities[is_la]
    grouped = councils.groupby(GROUP_COLUMNS, dropna=False)["_value"]
    count = grouped.transform("count").to_numpy()
    q1, q2, q3 = (grouped.transform("quantile", q).to_numpy(dtype=float) for q in (0.25, 0.5, 0.75))
    v = councils["_value"].to_numpy(dtype=float)
    position = np.select([v <= q1, v <= q2, v <= q3], [0, 1, 2], default=3)
    low_first = np.array(["A", "B", "C", "D"], dtype=object)
    polarity = councils["_polarity"].to_numpy(dtype=object)
    letter = np.where(polarity == HIGH_IS_GOOD, low_first[::-1][position], low_first[position])
    letter = np.where(polarity == NO_POLARITY, NO_POLARITY, letter).astype(object)
    letter[~np.isfinite(v) | (count < min_councils)] = None
    bands[councils["_position"].to_numpy()] = letter
    return pd.Series(bands, index=out.index, dtype="object")


def neighbour_ranks(
    indicators: pd.DataFrame,
    benchmarks: Benchmarks | Mapping[str, Any],
    polarity: str | Mapping[object, str],
) -> pd.DataFrame:
    """Rank the council among itself and its statistical neighbours.

    Parameters
    ----------
    indicators : pandas.DataFrame
        Long indicator table.
    benchmarks : Benchmarks or mapping
        Must name ``council_code`` and ``neighbours``.
    polarity : str or mapping indicator_id -> str
        Rank 1 is the highest value when high is good, the lowest when low is good; without
        polarity rank 1 is the highest value.

    Returns
    -------
    pandas.DataFrame
        One row per council or neighbour with a value: ``indicator_id, period, breakdown,
        area_code, rank, out_of`` (ties share the smallest rank).
    """
    if not isinstance(benchmarks, Benchmarks):
        benchmarks = Benchmarks(**dict(benchmarks))
    if benchmarks.council_code is None:
        raise JsnaInputError("neighbour_ranks needs benchmarks.council_code")
    _require_columns(indicators, [*GROUP_COLUMNS, "area_code", "value"], "rank councils")
    codes = {str(benchmarks.council_code), *map(str, benchmarks.neighbours)}
    area_type = indicators.get("area_type")
    rows = indicators["area_code"].astype("string").isin(codes)
    if area_type is not None:
        rows &= area_type.astype("string") == "Local authority"
    subset = indicators.loc[rows, [*GROUP_COLUMNS, "area_code", "value"]].copy()
    subset["value"] = pd.to_numeric(subset["value"], errors="coerce")
    subset = subset[subset["value"].notna()]
    polarities = _lookup_polarity(subset, polarity)
    ranking_value = np.where(polarities == LOW_IS_GOOD, subset["value"], -subset["value"])
    subset["_rank_value"] = ranking_value
    grouped = subset.groupby(GROUP_COLUMNS, dropna=False)["_rank_value"]
    subset["rank"] = grouped.rank(method="min").astype(int)
    subset["out_of"] = grouped.transform("count").astype(int)
    return subset.drop(columns=["_rank_value", "value"]).reset_index(drop=True)
