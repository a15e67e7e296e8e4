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
        """Forecast every council of ``history`` for the January ``target``."""
        ...


def origin_of(history: pd.DataFrame) -> int:
    """The forecast origin: the last year of a history."""
    return int(max(history.columns))


@dataclass(frozen=True)
class Persistence:
    """The council's last value, unchanged."""

    key: str = "persistence"
    label: str = "Persistence: last value carried forward"
    min_years: int = 1

    def forecast(self, history: pd.DataFrame, england: pd.Series, target: int) -> pd.Series:
        """The value at the origin, for every council.

        Parameters
        ----------
        history : DataFrame
            Councils x years up to the origin.
        england : Series
            Not used.
        target : int
            Not used (the forecast is the same for every horizon).

        Returns
        -------
        Series
            Forecast by council code.
        """
        return history[origin_of(history)].astype(float).rename("forecast")


@dataclass(frozen=True)
class LinearTrend:
    """A straight line fitted by least squares to the council's whole history, extended."""

    key: str = "linear"
    label: str = "Linear trend: least-squares line"
    min_years: int = 2

    def forecast(self, history: pd.DataFrame, england: pd.Series, target: int) -> pd.Series:
        """The least-squares line of each council's values on the year, read at ``target``.

        Parameters
        ----------
        history : DataFrame
            Councils x years up to the origin (at least two years).
        england : Series
            Not used.
        target : int
            The January forecast.

        Returns
        -------
        Series
            Forecast by council code.
        """
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
        """Council at the origin x England(target) / England(origin).

        Parameters
        ----------
        history : DataFrame
            Councils x years up to the origin.
        england : Series
            Not used (England's outcome comes from ``england_published``).
        target : int
            The January forecast; England must have a value for it and for the origin.

        Returns
        -------
        Series
            Forecast by council code.
        """
        origin = origin_of(history)
        growth = float(self.england_published[target]) / float(self.england_published[origin])
        return (history[origin].astype(float) * growth).rename("forecast")


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
        """Council at the origin x (England's mean yearly growth) ** horizon.

        Parameters
        ----------
        history : DataFrame
            Councils x years up to the origin.
        england : Series
            England by year, up to the origin, covering the history's years.
        target : int
            The January forecast.

        Returns
        -------
        Series
            Forecast by council code.
        """
        first, origin = int(min(history.columns)), origin_of(history)
        yearly = np.log(float(england[origin]) / float(england[first])) / (origin - first)
        growth = float(np.exp(yearly * (target - origin)))
        return (history[origin].astype(float) * growth).rename("forecast")


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
        """Plans(origin) / population(origin) x population(target).

        Parameters
        ----------
        history : DataFrame
            Councils x years up to the origin.
        england : Series
            Not used.
        target : int
            The January forecast.

        Returns
        -------
        Series
            Forecast by council code (NaN where the population lacks the council or a year).
        """
        origin = origin_of(history)
        population = self.population.reindex(index=history.index)
        if origin not in population.columns or target not in population.columns:
            return pd.Series(np.nan, index=history.index, name="forecast")
        ratio = population[target].astype(float) / population[origin].astype(float)
        return (history[origin].astype(float) * ratio).rename("forecast")
