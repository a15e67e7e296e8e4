"""``jsna diff RUN_A RUN_B``: what differs between two rendered sites, file by file and indicator by indicator.

A reviewer re-running a JSNA (a corrected census, a new toolkit version, a colleague's run) needs to
know whether anything a reader would see has moved, and which moves matter:

* **files** added, removed or changed (SHA-256 of the bytes);
* **indicators** (``data/indicators.csv``): rows added or dropped, newly or no longer suppressed,
  values revised, and among revisions those that **moved beyond their interval** (the new value is
  outside the old 95% confidence interval, or the old outside the new) and those whose
  **comparison flipped** (vs England, region or neighbours, the recent trend or the quartile band
  changed wording).

Two runs of the same inputs with the same toolkit give identical sites (the refresh is
deterministic), so their diff is empty.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.errors import JsnaInputError
from jsna.review.changes import KEY, compare_indicators, read_indicators

#: Columns that carry a comparison whose wording a reader sees.
COMPARISON_COLUMNS = ("compared_to_england", "compared_to_region", "compared_to_neighbours",
                      "recent_trend", "quartile_band")
INDICATORS_FILE = Path("data") / "indicators.csv"


@dataclass(frozen=True)
class SiteDiff:
    """The differences between two sites.

    Attributes
    ----------
    files : pandas.DataFrame
        ``file, change`` with change one of "added", "removed", "changed" (only files that differ).
    indicators : pandas.DataFrame
        One row per indicator row that differs: the key, ``value_a, value_b, kind`` (see
        :data:`jsna.review.changes.KINDS`), ``beyond_interval`` (bool) and ``flipped`` (the
        comparison columns whose wording changed, ``; ``-separated, blank if none).
    """

    files: pd.DataFrame
    indicators: pd.DataFrame

    @property
    def empty(self) -> bool:
        """True when the two sites are the same, byte for byte."""
        return self.files.empty and self.indicators.empty


def _digests(site: Path) -> dict[str, str]:
    return {path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(site.rglob("*")) if path.is_file()}


def diff_files(site_a: Path, site_b: Path) -> pd.DataFrame:
    """Files only in one site, or in both with different bytes.

    Parameters
    ----------
    site_a, site_b : Path
        Two rendered sites (``outputs/<year>/<area code>``).

    Returns
    -------
    pandas.DataFrame
        ``file, change`` sorted by file.
    """
    a, b = _digests(site_a), _digests(site_b)
    rows = [(name, "removed") for name in a if name not in b]
    rows += [(name, "added") for name in b if name not in a]
    rows += [(name, "changed") for name in a if name in b and a[name] != b[name]]
    return pd.DataFrame(sorted(rows), columns=["file", "change"])


def diff_indicators(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Indicator rows that differ between two long indicator tables.

    Parameters
    ----------
    a, b : pandas.DataFrame
        ``indicators.csv`` of run A and run B (as read by
        :func:`jsna.review.changes.read_indicators`).

    Returns
    -------
    pandas.DataFrame
        See :attr:`SiteDiff.indicators`; rows ordered by kind, then key.

    Examples
    --------
    >>> row = dict(indicator_id="ehcp_percent", area_code="E06000014", area_name="York",
    ...            area_type="Local authority", period="2024/25", breakdown="All pupils",
    ...            value=4.0, lower_ci_95=3.6, upper_ci_95=4.4, note="",
    ...            compared_to_england="Similar", compared_to_region="Similar",
    ...            compared_to_neighbours="Similar", recent_trend="No significant change",
    ...            quartile_band="B")
    >>> a = pd.DataFrame([row])
    >>> b = pd.DataFrame([row | dict(value=4.9, lower_ci_95=4.5, upper_ci_95=5.3,
    ...                              compared_to_england="Higher")])
    >>> diff_indicators(a, b)[["value_a", "value_b", "kind", "beyond_interval", "flipped"]]
       value_a  value_b     kind  beyond_interval              flipped
    0      4.0      4.9  revised             True  compared_to_england
    """
    kinds = compare_indicators(b, a).rename(columns={"previous_value": "value_a",
                                                     "current_value": "value_b"})
    extra = [c for c in ("lower_ci_95", "upper_ci_95", *COMPARISON_COLUMNS)]
    both = kinds.merge(a.reindex(columns=[*KEY, *extra]), on=KEY, how="left").merge(
        b.reindex(columns=[*KEY, *extra]), on=KEY, how="left", suffixes=("_a", "_b"))
    outside_old = (both["value_b"] < both["lower_ci_95_a"]) | (
        both["value_b"] > both["upper_ci_95_a"])
    outside_new = (both["value_a"] < both["lower_ci_95_b"]) | (
        both["value_a"] > both["upper_ci_95_b"])
    beyond = (outside_old | outside_new).fillna(False).astype(bool)
    present = both["kind"].isin(["revised", "unchanged", "newly suppressed",
                                 "no longer suppressed"])
    flipped_columns = []
    for column in COMPARISON_COLUMNS:
        before = both[f"{column}_a"].astype(object).where(both[f"{column}_a"].notna(), "")
        after = both[f"{column}_b"].astype(object).where(both[f"{column}_b"].notna(), "")
        flipped_columns.append(np.where(present & (before != after), column, ""))
    flipped = ["; ".join(name for name in names if name) for names in zip(*flipped_columns,
                                                                             strict=True)]
    out = both[[*KEY, "area_name", "value_a", "value_b", "kind"]].copy()
    out["beyond_interval"] = beyond & both["kind"].eq("revised")
    out["flipped"] = flipped if len(both) else pd.Series(dtype=object)
    differs = out["kind"].ne("unchanged") | out["flipped"].ne("")
    return out[differs].reset_index(drop=True)


def diff_sites(site_a: Path, site_b: Path) -> SiteDiff:
    """Compare two rendered sites.

    Parameters
    ----------
    site_a, site_b : Path
        Folders of two sites (``outputs/<year>/<area code>``).

    Returns
    -------
    SiteDiff

    Raises
    ------
    JsnaInputError
        A folder that is not a rendered site (no ``data/indicators.csv``).
    """
    site_a, site_b = Path(site_a), Path(site_b)
    for site in (site_a, site_b):
        if not (site / INDICATORS_FILE).is_file():
            raise JsnaInputError(f"{site}: not a rendered JSNA site (no {INDICATORS_FILE.as_posix()}"
                                 "); give the folder outputs/<year>/<area code>")
    indicators = diff_indicators(read_indicators(site_a / INDICATORS_FILE),
                                 read_indicators(site_b / INDICATORS_FILE))
    return SiteDiff(diff_files(site_a, site_b), indicators)
