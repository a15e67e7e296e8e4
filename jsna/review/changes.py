"""Changes since the last JSNA: this run's indicator table against the previous one.

Reviewers signing off a refresh need to see what moved. Two kinds of change matter:

* **new data** — periods that were not in the previous JSNA (the new census year);
* **revisions** — a period both JSNAs cover whose published value differs. A revision means the
  inputs or the method changed (a resubmitted census, a corrected lookup, a DfE revision), and
  each one needs an explanation before sign-off. This is the back-test of the NHS Digital RAP
  template: last year's signed-off outputs are reproduced, or the difference is explained.

Both tables are already through disclosure control, so every value compared here was published.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from jsna.config import Config

KEY = ["indicator_id", "area_code", "period", "breakdown"]

#: Kinds of change, in the order they are reported.
KINDS = (
    "revised",
    "newly suppressed",
    "no longer suppressed",
    "new",
    "no longer published",
    "unchanged",
)

#: Values closer than this are the same number written twice.
TOLERANCE = 1e-6


def previous_indicators_path(config: Config) -> Path:
    """Where the previous JSNA's indicator table is expected: last year's output folder."""
    council_folder = config.output_dir  # <folder>/<year>/<area code>
    return council_folder.parent.parent / str(config.year - 1) / config.area.code / "data" / (
        "indicators.csv"
    )


def read_indicators(path: Path) -> pd.DataFrame:
    """Read an ``indicators.csv`` written by the toolkit (periods and notes kept as text)."""
    return pd.read_csv(path, dtype={"period": str, "breakdown": str, "note": str,
                                    "area_code": str, "indicator_id": str},
                       keep_default_na=False, na_values=[""])


def compare_indicators(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Classify every indicator × area × period × breakdown as new, revised, unchanged ...

    Parameters
    ----------
    current, previous : DataFrame
        Long indicator tables (this run and the previous JSNA).

    Returns
    -------
    DataFrame
        ``indicator_id, area_code, area_name, area_type, period, breakdown, previous_value,
        current_value, change, kind`` with ``kind`` one of :data:`KINDS`.
    """
    columns = [*KEY, "area_name", "area_type", "value", "note"]
    merged = current[columns].merge(previous[columns], on=KEY, how="outer",
                                    suffixes=("_current", "_previous"), indicator=True)
    now, before = merged["value_current"], merged["value_previous"]
    now_hidden = merged["note_current"].fillna("").eq("[c]")
    before_hidden = merged["note_previous"].fillna("").eq("[c]")
    both = merged["_merge"].eq("both")
    differs = ~np.isclose(now.fillna(0), before.fillna(0), atol=TOLERANCE, rtol=0) | (
        now.isna() != before.isna())
    kind = np.select(
        [
            merged["_merge"].eq("left_only"),
            merged["_merge"].eq("right_only"),
            both & now_hidden & ~before_hidden,
            both & ~now_hidden & before_hidden,
            both & differs,
        ],
        ["new", "no longer published", "newly suppressed", "no longer suppressed", "revised"],
        default="unchanged",
    )
    out = pd.DataFrame({
        **{k: merged[k] for k in KEY},
        "area_name": merged["area_name_current"].fillna(merged["area_name_previous"]),
        "area_type": merged["area_type_current"].fillna(merged["area_type_previous"]),
        "previous_value": before,
        "current_value": now,
        "change": now - before,
        "kind": kind,
    })
    order = {k: i for i, k in enumerate(KINDS)}
    out["_order"] = out["kind"].map(order)
    out = out.sort_values(["_order", *KEY], kind="stable").drop(columns="_order")
    return out.reset_index(drop=True)


def summarise_changes(changes: pd.DataFrame) -> pd.DataFrame:
    """Number of rows of each kind (every kind listed, zeros included)."""
    counts = changes["kind"].value_counts()
    return pd.DataFrame({"Kind of change": list(KINDS),
                         "Rows": [int(counts.get(k, 0)) for k in KINDS]})
