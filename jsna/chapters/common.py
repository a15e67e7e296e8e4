"""Steps every chapter shares: load cleaned data, pick comparator areas, run the indicator pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jsna.cleaned import PUPILS_FILE, clean_census_to_disk, clean_is_fresh
from jsna.config import Config
from jsna.errors import JsnaInputError
from jsna.sources.comparators import comparator_codes
from jsna.sources.la_codes import canonical_code, current_codes, missing_areas


def load_pupils(config: Config) -> pd.DataFrame:
    """The cleaned, pseudonymised census, cleaning it first when needed.

    The cleaned table in ``config.clean_dir`` is reused when :func:`clean_is_fresh`; otherwise the
    census is cleaned again and the outputs rewritten.

    Parameters
    ----------
    config : Config
        The council's configuration.

    Returns
    -------
    DataFrame
        One row per pupil per census (see :mod:`jsna.clean.census`).
    """
    if not clean_is_fresh(config):
        clean_census_to_disk(config)
    return pd.read_parquet(config.clean_dir / PUPILS_FILE)


def require_input(config: Config, key: str, chapter: str) -> Path:
    """Path of an input file (``inputs.<key>``) the ``chapter`` cannot do without, or a clear
    error."""
    path = getattr(config.inputs, key)
    if path is None:
        raise JsnaInputError(
            f"{config.path}: inputs.{key} is needed for the {chapter} chapter but is not set"
        )
    return path


def require_comparator(config: Config, key: str) -> Path:
    """Path of a comparator file the chapter cannot do without, or a clear error."""
    path = config.inputs.comparators.get(key)
    if path is None:
        raise JsnaInputError(
            f"{config.path}: inputs.comparators.{key} is needed for this chapter but is not set"
        )
    return path


@dataclass(frozen=True)
class ComparatorAreas:
    """The areas a council is compared with, by current code (see :mod:`jsna.sources.la_codes`)."""

    council: str
    region_code: str
    region_name: str
    neighbours: list[str]
    council_name: str = ""

    @property
    def codes(self) -> list[str]:
        """Every comparator area code including England (``E92000001``)."""
        return [self.council, self.region_code, "E92000001", *self.neighbours]

    def display_names(self) -> dict[str, str]:
        """Area code -> the name shown for it: the configured names of the council and region."""
        names = {"E92000001": "England", self.region_code: self.region_name}
        if self.council_name:
            names[self.council] = self.council_name
        return names


def comparator_areas(config: Config, published: pd.DataFrame,
                     source: str | Path | None = None) -> ComparatorAreas:
    """Check the comparator areas exist in a published file, naming any that do not.

    Parameters
    ----------
    config : Config
        The council's configuration (region, neighbours).
    published : DataFrame
        Rows read from a published comparator (``area_code``, ``area_name``, ``area_type``).
    source : str or Path, optional
        The file the rows were read from, for the message (default: ``published.attrs["path"]``).

    Returns
    -------
    ComparatorAreas
        The council, region and neighbours by current code, with the configured names.

    Raises
    ------
    JsnaInputError
        When England, the region or a neighbour is missing from the file (naming the file).
    """
    source = source or published.attrs.get("path") or "the comparator file"
    missing = missing_areas(set(published["area_code"]), comparator_codes(config))
    if missing:
        raise JsnaInputError(f"{source}: no rows for {', '.join(missing)}")
    return ComparatorAreas(canonical_code(config.area.code), canonical_code(config.area.region_code),
                           config.area.region_name,
                           [canonical_code(code) for code in config.neighbours],
                           council_name=config.area.name)


def indicator_pipeline(
    rows: pd.DataFrame,
    *,
    config: Config,
    areas: ComparatorAreas,
    polarity: str = "Not applicable",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counts and denominators → CIs → comparisons → trend → disclosure → contract columns.

    Parameters
    ----------
    rows : DataFrame
        Indicator rows with ``count`` and ``denominator`` (percentages are computed here).
    config : Config
        For the disclosure threshold.
    areas : ComparatorAreas
        Council, region and neighbours.
    polarity : str
        Fingertips polarity: ``"High is good"``, ``"Low is good"`` or ``"Not applicable"``.

    Returns
    -------
    (DataFrame, DataFrame)
        The long indicator table after disclosure, and the disclosure audit.
    """
    from jsna.disclosure import SUPPRESSED
    from jsna.indicator_disclosure import suppress_indicators
    from jsna.indicators.table import finalise
    from jsna.stats import Benchmarks, add_comparisons, add_proportion_ci, add_recent_trend

    rows = rows.copy()
    if "note" not in rows:
        rows["note"] = ""
    rows["note"] = rows["note"].fillna("")
    # rows are matched by code, never by name: current codes, and the configured names shown
    rows["area_code"] = current_codes(rows["area_code"])
    names = areas.display_names()
    rows["area_name"] = rows["area_code"].map(names).fillna(rows["area_name"]).astype(str)
    rows.loc[rows["area_code"].isin(areas.neighbours), "area_type"] = "Local authority"
    with_ci = add_proportion_ci(rows, count="count", denominator="denominator", multiplier=100)
    benchmarks = Benchmarks(areas.council, areas.region_code, tuple(areas.neighbours))
    compared = add_comparisons(with_ci, benchmarks=benchmarks, polarity=polarity)
    trended = add_recent_trend(compared)
    suppressed, audit = suppress_indicators(
        finalise(trended),
        threshold=config.disclosure.threshold,
        suppress_zeros=config.disclosure.suppress_zeros,
        council_code=areas.council,
    )
    out = finalise(suppressed)
    # a row hidden before the pipeline (by a chapter's own table rules) has no value to compare:
    # its comparison and trend labels are empty, like its value
    hidden = out["note"] == SUPPRESSED
    for column in ("compared_to_england", "compared_to_region", "compared_to_neighbours",
                   "recent_trend", "quartile_band"):
        out.loc[hidden, column] = ""
    return out, audit
