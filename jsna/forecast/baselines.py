"""The simple forecasts every model must beat.

Each method forecasts one target January for every council from a history that ends at the
forecast origin. A history is a wide frame (one row per council, one column per consecutive year,
no gaps, values above zero, as :func:`jsna.forecast.series.full_runs` returns); England's series
is given up to the origin only, so no method can see the future by accident. The one method that
is *given* England's outcome (:class:`EnglandGrowth`) receives it explicitly, when it is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd


class ForecastMethod(Protocol):
    """What the back-test harness needs of a method.

    Attributes
    ----------
    key : str
        Short name (``"persistence"``).
    label : str
        How the method is described to a reader.
    min_years : int
        Years of history the method needs at its origin (for its own fit and any tuning).
    """

    @property
    def key(self) -> str:
        """Short name."""
        ...

    @property
    def label(self) -> str:
        """Description for a reader."""
        ...

    @property
    def min_years(self) -> int:
        """Years of history needed at the origin."""
        ...

    def forecast(self, history: pd.DataFrame, england: pd.Series, target: int) -> pd.Series:
        """Forecast every council of ``history`` for the January ``target``.

        Every method takes the same arguments (a method may leave some unused).

        Parameters
        ----------
        history : DataFrame
            Councils x consecutive years up to the origin (values above zero, at least
            ``min_years`` years).
        england : Series
            England by year, up to the origin, covering the history's years.
        target : int
            The January forecast.

        Returns
        -------
        Series
            Forecast by council code, named ``"forecast"`` (NaN where a method cannot forecast
            a council).
        """
        ...


def origin_of(history: pd.DataFrame) -> int:
    """The forecast origin: the last year of a history."""
    return int(max(history.columns))


def grown_from_origin(history: pd.DataFrame, growth: float | pd.Series) -> pd.Series:
    """Each council's value at the origin times ``growth`` (a number or one per council)."""
    return (history[origin_of(history)].astype(float) * growth).rename("forecast")


@dataclass(frozen=True)
class Persistence:
    """The council's last value, unchanged: what would happen if nothing changed (one January
    is enough)."""

    key: str = "persistence"
    label: str = "Persistence: last value carried forward"
    min_years: int = 1

    def forecast(self, history: pd.DataFrame, england: pd.Series, target: int) -> pd.Series:
        """The value at the origin, for every council, whatever the ``target``."""
        return grown_from_origin(history, 1.0)  # see ForecastMethod.forecast


@dataclass(frozen=True)
class LinearTrend:
    """A straight line fitted by least squares to the council's whole history, extended."""

    key: str = "linear"
    label: str = "Linear trend: least-squares line"
    min_years: int = 2

    def forecast(self, history: pd.DataFrame, england: pd.Series, target: int) -> pd.Series:
        """The least-squares line of each council's values on the year, read at ``target``
        (see :meth:`ForecastMethod.forecast`; ``england`` is not used)."""
        years = np.asarray(history.columns, dtype=float)
        values = history.to_numpy(dtype=float)
        centred = years - years.mean()
        slope = (values - values.mean(axis=1, keepdims=True)) @ centred / (centred @ centred)
        level = values.mean(axis=1) + slope * (target - years.mean())
        return pd.Series(level, index=history.index, name="forecast")


@dataclass(frozen=True)
class EnglandGrowth:
    """The council's last value times England's *published* growth from the origin to the target.

    This is the issue's reference baseline. It is given England's outcome, so it is not a
    forecast anyone could have made at the origin; it says how well a council would be forecast
    if England's own total were known (e.g. from a national projection).

    Parameters
    ----------
    england_published : Series
        England's values by year, including the target year.
    """

    england_published: pd.Series = field(repr=False)
    key: str = "england_growth"
    label: str = "Council x England's published growth (knows England's outcome)"
    min_years: int = 1

    def forecast(self, history: pd.DataFrame, england: pd.Series, target: int) -> pd.Series:
        """Council at the origin x England(target) / England(origin) (see
        :meth:`ForecastMethod.forecast`; England's values come from ``england_published``,
        which must hold the target and the origin, not from ``england``)."""
        origin = origin_of(history)
        growth = float(self.england_published[target]) / float(self.england_published[origin])
        return grown_from_origin(history, growth)


@dataclass(frozen=True)
class EnglandTrendGrowth:
    """The council's last value grown at England's average yearly growth over the history.

    The same idea as :class:`EnglandGrowth` but a real forecast: England's growth is its
    geometric mean yearly growth from the first to the last year of the history, compounded over
    the horizon.
    """

    key: str = "england_trend"
    label: str = "Council x England's past yearly growth"
    min_years: int = 2

    def forecast(self, history: pd.DataFrame, england: pd.Series, target: int) -> pd.Series:
        """Council at the origin x (England's mean yearly growth) ** horizon (see
        :meth:`ForecastMethod.forecast`)."""
        first, origin = int(min(history.columns)), origin_of(history)
        yearly = np.log(float(england[origin]) / float(england[first])) / (origin - first)
        return grown_from_origin(history, float(np.exp(yearly * (target - origin))))


@dataclass(frozen=True)
class PrevalenceTimesProjection:
    """The council's prevalence at the origin times its projected population at the target.

    Prevalence = plans / population at the origin; the forecast is that prevalence times the
    projected population of the target year (e.g. ONS subnational projections, ages 0-25).

    Parameters
    ----------
    population : DataFrame
        Population by council code (index) and year (columns), estimates for the origin and a
        projection for the target. A council without both years gets no forecast (NaN).
    """

    population: pd.DataFrame = field(repr=False)
    key: str = "prevalence_projection"
    label: str = "Prevalence x projected population"
    min_years: int = 1

    def forecast(self, history: pd.DataFrame, england: pd.Series, target: int) -> pd.Series:
        """Plans(origin) / population(origin) x population(target) (see
        :meth:`ForecastMethod.forecast`; NaN where the population lacks the council or a
        year; ``england`` is not used)."""
        origin = origin_of(history)
        population = self.population.reindex(index=history.index)
        if origin not in population.columns or target not in population.columns:
            return pd.Series(np.nan, index=history.index, name="forecast")
        ratio = population[target].astype(float) / population[origin].astype(float)
        return grown_from_origin(history, ratio)
