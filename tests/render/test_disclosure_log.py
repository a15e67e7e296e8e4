"""The published disclosure log does not say which hidden cells are small.

A log that marks some hidden cells "primary: count below threshold" and others "secondary:
protects <cell>" tells a reader that each secondary cell holds at least the threshold and which
small cell it protects: bounds that narrow the hidden counts beyond what the site-wide gate
proves safe (the gate assumes only that counts are not negative). The published log gives one
reason for both; the detailed log stays beside the cleaned data, which is never published.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jsna.chapters.base import DATA_FOLDER, REVIEW_PARTS_FOLDER
from jsna.disclosure import DERIVED, PRIMARY, SECONDARY_PREFIX
from jsna.render.site import PUBLISHED_REASON, combine_parts

AUDIT = pd.DataFrame({
    "table": ["wards", "wards", "wards"],
    "row_key": ["area_code=W1", "area_code=W2", "area_code=W1"],
    "column": ["ehcp", "ehcp", "ehcp_percent"],
    "reason": [PRIMARY, SECONDARY_PREFIX + "wards: area_code=W1: ehcp", DERIVED],
})


def _staged_site(folder: Path) -> Path:
    parts = folder / REVIEW_PARTS_FOLDER
    parts.mkdir(parents=True)
    (folder / DATA_FOLDER).mkdir()
    AUDIT.to_csv(parts / "disclosure_wards.csv", index=False)
    return folder


def test_published_log_merges_primary_and_secondary(tmp_path: Path) -> None:
    site = _staged_site(tmp_path / "site")
    _, published = combine_parts(site, ["wards"], detail_path=tmp_path / "clean" / "detail.csv")
    log = pd.read_csv(published)
    assert log["reason"].tolist() == [PUBLISHED_REASON, PUBLISHED_REASON, DERIVED]
    text = published.read_text(encoding="utf-8")
    assert "primary" not in text and "secondary" not in text and "protects" not in text
    # every hidden cell is still listed, in the same order
    assert log[["table", "row_key", "column"]].equals(AUDIT[["table", "row_key", "column"]])


def test_detail_kept_outside_the_site_and_removed_from_it(tmp_path: Path) -> None:
    site = _staged_site(tmp_path / "site")
    detail = tmp_path / "clean" / "review" / "detail.csv"
    combine_parts(site, ["wards"], detail_path=detail)
    assert pd.read_csv(detail)["reason"].tolist() == AUDIT["reason"].tolist()
    published = [p for p in site.rglob("*") if p.is_file()]
    assert not [p for p in published if "primary" in p.read_text(encoding="utf-8")]
    assert not list((site / REVIEW_PARTS_FOLDER).glob("disclosure_*.csv"))
