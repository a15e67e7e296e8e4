"""Steps every chapter shares: load cleaned data, find its inputs, pick comparator areas."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

import pandas as pd

from jsna.cleaned import PUPILS_FILE, census_folder, clean_census_to_disk, clean_is_fresh
from jsna.config import Config
from jsna.errors import JsnaInputError
from jsna.indicators.comparisons import ComparatorAreas
from jsna.sources.comparators import comparator_codes
from jsna.sources.la_codes import canonical_code, missing_areas


def load_pupils(config: Config) -> pd.DataFrame:
    """The cleaned, pseudonymised census, cleaning it first when needed.

    The cleaned table in ``config.clean_dir`` is reused when :func:`clean_is_fresh` (a census
    cleaned elsewhere, ``census.cleaned_folder``, is read from there); otherwise the
    census is cleaned again and the outputs rewritten. ``config`` is the council's configuration.

    Returns
    -------
    DataFrame
        One row per pupil per census (see :mod:`jsna.clean.census`).
    """
    if not clean_is_fresh(config):
        clean_census_to_disk(config)
    return pd.read_parquet(census_folder(config) / PUPILS_FILE)


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
        When England or the region is missing from the file (naming the file). A neighbour
        missing from it is not an error (see the comment in the code).
    """
    source = source or published.attrs.get("path") or "the comparator file"
    # England and the region are needed; a statistical neighbour created after the file's
    # period (Cumberland, Westmorland and Furness...) has no rows in it: the chapter compares
    # with the neighbours the file holds, and its neighbour averages say how many had a value
    wanted = {code: label for code, label in comparator_codes(config).items()
              if code not in set(config.neighbours)}
    missing = missing_areas(set(published["area_code"]), wanted)
    if missing:
        raise JsnaInputError(f"{source}: no rows for {', '.join(missing)}")
    return ComparatorAreas(canonical_code(config.area.code), canonical_code(config.area.region_code),
                           config.area.region_name,
                           [canonical_code(code) for code in config.neighbours],
                           council_name=config.area.name)


def comparator_pipeline(rows: pd.DataFrame, config: Config, areas: ComparatorAreas,
                        polarity: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A published file's rows through the indicator pipeline, then the comparators kept.

    England, every council (quartile bands and the neighbours' average need them all) and the
    council's region go through :func:`jsna.indicator_disclosure.indicator_pipeline`; the rows
    of England, the region, the council and its neighbours are returned.

    Parameters
    ----------
    rows : DataFrame
        Indicator rows with ``count`` and ``denominator`` for every area in the file.
    config : Config
        The council's configuration (disclosure settings).
    areas : ComparatorAreas
        The council, region and neighbours.
    polarity : str
        ``"High is good"``, ``"Low is good"`` or ``"Not applicable"``.

    Returns
    -------
    tuple of DataFrame
        The indicator rows kept and the disclosure audit.
    """
    from jsna.indicator_disclosure import indicator_pipeline

    keep = rows["area_type"].isin(["England", "Local authority"]) | (
        rows["area_code"] == areas.region_code)
    indicators, audit = indicator_pipeline(rows[keep], config=config, areas=areas,
                                           polarity=polarity)
    return indicators[indicators["area_code"].isin(areas.codes)].reset_index(drop=True), audit


def published_row(indicators: pd.DataFrame, indicator: str, **match: str) -> pd.Series | None:
    """The first row of ``indicator`` whose columns equal ``match`` (e.g. ``area_code=...,
    period=...``), or None when there is none or its value is not published."""
    rows = indicators[indicators["indicator_id"] == indicator]
    for column, wanted in match.items():
        rows = rows[rows[column] == wanted]
    if rows.empty or pd.isna(rows["value"].iloc[0]):
        return None
    return rows.iloc[0]


@dataclass(frozen=True)
class MissingInput:
    """A short box in place of a section whose input the council has not given."""

    key: str
    what: str

    def _repr_html_(self) -> str:
        return (f'<aside class="missing-input" role="note"><p>This section needs '
                f"<code>inputs.{escape(self.key)}</code>: {escape(self.what)}. Add it to "
                f"jsna.toml and refresh.</p></aside>")

    def _repr_markdown_(self) -> str:
        return f"> This section needs `inputs.{self.key}`: {self.what}. Add it and refresh."
