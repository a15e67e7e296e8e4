"""Numbers as the statistical methods take them: a flat array of floats, missing values as NaN."""

from __future__ import annotations

from typing import cast

import numpy as np
import numpy.typing as npt
import pandas as pd

#: A one-dimensional array of float64.
FloatArray = npt.NDArray[np.float64]


def as_floats(values: object) -> FloatArray:
    """Flatten ``values`` (a number, list, array or Series) into floats; what is not a number is NaN.

    Parameters
    ----------
    values : scalar, sequence, numpy.ndarray or pandas.Series
        Numbers, numeric text or missing values.

    Returns
    -------
    numpy.ndarray
        float64, one value per element of ``values`` in order.

    Examples
    --------
    >>> as_floats([3, "4.5", None, "[c]"])
    array([3. , 4.5, nan, nan])
    >>> as_floats(7)
    array([7.])
    """
    # np.ravel takes any object (a lone value becomes one element); ArrayLike is its typed name
    flat = pd.Series(np.ravel(cast(npt.ArrayLike, values)))
    return np.asarray(pd.to_numeric(flat, errors="coerce"), dtype=np.float64)
