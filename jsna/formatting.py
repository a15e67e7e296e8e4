"""How numbers are written in the report's sentences, captions and alt text."""

from __future__ import annotations


def percent(value: float) -> str:
    """Write a percentage to one decimal place, as the DfE and OHID publish them.

    Parameters
    ----------
    value : float
        The percentage (``12.34`` for 12.34%).

    Returns
    -------
    str

    Examples
    --------
    >>> percent(12.345)
    '12.3%'
    """
    return f"{value:.1f}%"
