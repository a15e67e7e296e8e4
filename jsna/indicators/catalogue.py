"""The indicator catalogue: one data file naming every indicator the chapters publish.

``catalogue.csv`` gives each ``indicator_id`` its plain-English name, the breakdown that is its
headline figure, its Fingertips polarity, the chapter that computes it and whether it belongs on the
SEND scorecard of the site's overview page. A test checks every indicator a refresh produces is listed.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

CATALOGUE = Path(__file__).with_name("catalogue.csv")


@lru_cache(maxsize=1)
def _read() -> pd.DataFrame:
    frame = pd.read_csv(CATALOGUE, dtype=str, keep_default_na=False)
    frame["scorecard"] = frame["scorecard"].eq("yes")
    return frame


def indicator_catalogue() -> pd.DataFrame:
    """Every catalogued indicator (a copy): ``indicator_id, name, headline_breakdown, polarity,
    chapter, scorecard``."""
    return _read().copy()


def scorecard(indicators: pd.DataFrame, area_code: str) -> pd.DataFrame:
    """The council's headline indicators, latest period each, beside England.

    Parameters
    ----------
    indicators : DataFrame
        The long indicator table after disclosure (``data/indicators.csv``).
    area_code : str
        The council.

    Returns
    -------
    DataFrame
        One row per scorecard indicator present: ``name, period, value, note, england,
        compared_to_england, recent_trend, quartile_band`` in catalogue order.
    """
    rows = []
    for entry in _read().itertuples(index=False):
        if not entry.scorecard:
            continue
        mine = indicators[(indicators["indicator_id"] == entry.indicator_id)
                          & (indicators["area_code"] == area_code)
                          & (indicators["breakdown"] == entry.headline_breakdown)]
        if mine.empty:
            continue
        latest = mine.sort_values("period").iloc[-1]
        england = indicators[(indicators["indicator_id"] == entry.indicator_id)
                             & (indicators["area_type"] == "England")
                             & (indicators["period"] == latest["period"])
                             & (indicators["breakdown"] == entry.headline_breakdown)]
        rows.append({
            "name": entry.name,
            "period": latest["period"],
            "value": latest["value"],
            "note": latest["note"],
            "england": england["value"].iloc[0] if len(england) else float("nan"),
            "compared_to_england": latest["compared_to_england"],
            "recent_trend": latest["recent_trend"],
            "quartile_band": latest["quartile_band"],
        })
    return pd.DataFrame(rows, columns=["name", "period", "value", "note", "england",
                                       "compared_to_england", "recent_trend", "quartile_band"])
