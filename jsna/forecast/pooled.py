"""A pooled growth model: England's trend plus each council's own deviation, shrunk.

Every council's yearly growth (on the log scale) is England's yearly growth plus a deviation of
its own. Over the history, the model measures each council's mean deviation from England and,
when statistical neighbours are given, the mean deviation of its neighbours. How much of these
deviations carries into the future is *not* assumed: it is estimated across all councils by an
inner back-test inside the history (every origin and later year of the history: the deviation
measured up to the origin against the deviation that followed), by non-negative least squares.
A weight of 0 means "grow at England's rate"; 1 means "keep the council's own past deviation".

Forecast, for horizon ``h`` from the origin ``T``::

    log y(T + h) = log y(T) + h * (england_drift + w_own * own_dev + w_nb * neighbour_dev)

``england_drift`` is England's mean yearly log growth over the history. The weights are an
empirical-Bayes shrinkage of the councils' deviations towards England (and towards their
neighbours), fitted only on years up to the origin.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import nnls

from jsna.forecast.baselines import origin_of


@dataclass(frozen=True)
class PooledGrowth:
    """Growth pooled across councils: England's drift plus shrunken council deviations.

    Parameters
    ----------
    neighbours : mapping of str to sequence of str, optional
        Council code -> its statistical neighbours' codes. Without it only the council's own
        deviation is used.
    """

    neighbours: Mapping[str, Sequence[str]] | None = field(default=None, repr=False)
    key: str = "pooled_growth"
    label: str = "Pooled growth model (England's trend + shrunken council deviations)"
    min_years: int = 3

    def forecast(self, history: pd.DataFrame, england: pd.Series, target: int) -> pd.Series:
        """Forecast every council for ``target`` from its history and England's (see
        :meth:`jsna.forecast.baselines.ForecastMethod.forecast`).

        The history needs at least three years (two yearly growths, so that one inner origin
        exists). The result's ``attrs["weights"]`` holds the fitted weights (``{"own": ...,
        "neighbours": ...}``) and ``attrs["drift"]`` England's yearly drift.
        """
        logs = pd.DataFrame(np.log(history.to_numpy(dtype=float)), index=history.index,
                            columns=history.columns)
        england_logs = pd.Series(np.log(england.reindex(history.columns).to_numpy(dtype=float)),
                                 index=history.columns)
        years = [int(y) for y in history.columns]
        first, origin = years[0], origin_of(history)
        deviation = logs.diff(axis=1).iloc[:, 1:] - england_logs.diff().iloc[1:].to_numpy()
        weights = self.fit_weights(logs, england_logs, deviation)
        drift = float(england_logs[origin] - england_logs[first]) / (origin - first)
        predictors = self._predictors(deviation, origin)
        yearly = drift + predictors.to_numpy() @ weights
        forecast = np.exp(logs[origin].to_numpy() + (target - origin) * yearly)
        result = pd.Series(forecast, index=history.index, name="forecast")
        names = ["own", "neighbours"] if self.neighbours is not None else ["own"]
        result.attrs["weights"] = dict(zip(names, map(float, weights), strict=True))
        result.attrs["drift"] = drift
        return result

    def fit_weights(self, logs: pd.DataFrame, england_logs: pd.Series,
                    deviation: pd.DataFrame) -> np.ndarray:
        """The shrinkage weights, by non-negative least squares over the inner back-test.

        Parameters
        ----------
        logs : DataFrame
            Log values, councils x years.
        england_logs : Series
            England's log values by year.
        deviation : DataFrame
            Yearly log growth minus England's, councils x years (from the second year).

        Returns
        -------
        ndarray
            One weight per predictor (own deviation, then neighbours' when given); zeros when
            the history has no inner origin.
        """
        years = [int(y) for y in logs.columns]
        width = 2 if self.neighbours is not None else 1
        rows, responses = [], []
        for origin in years[1:-1]:
            x = self._predictors(deviation, origin).to_numpy()
            for later in [y for y in years if y > origin]:
                gap = later - origin
                council = (logs[later] - logs[origin]).to_numpy()
                nation = float(england_logs[later] - england_logs[origin])
                rows.append(x)
                responses.append((council - nation) / gap)
        if not rows:
            return np.zeros(width)
        weights, _ = nnls(np.vstack(rows), np.concatenate(responses))
        return np.asarray(weights, dtype=float)

    def _predictors(self, deviation: pd.DataFrame, origin: int) -> pd.DataFrame:
        """Mean deviation up to ``origin`` of each council (and of its neighbours)."""
        own = deviation.loc[:, [c for c in deviation.columns if int(c) <= origin]].mean(axis=1)
        columns = {"own": own}
        if self.neighbours is not None:
            columns["neighbours"] = neighbour_mean(own, self.neighbours)
        return pd.DataFrame(columns)


def neighbour_mean(values: pd.Series, neighbours: Mapping[str, Sequence[str]]) -> pd.Series:
    """Each council's mean over those of its neighbours that have a value.

    Parameters
    ----------
    values : Series
        Values by council code.
    neighbours : mapping of str to sequence of str
        Council code -> neighbour codes.

    Returns
    -------
    Series
        By council code; 0 (England's level, for deviations) where none of the council's
        neighbours has a value.
    """
    means = {}
    for code in values.index:
        present = [n for n in neighbours.get(code, ()) if n in values.index and n != code]
        means[code] = float(values[present].mean()) if present else 0.0
    return pd.Series(means, name="neighbours")
