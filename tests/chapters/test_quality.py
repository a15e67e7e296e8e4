"""The data quality chapter: reconciliation, findings as shares, and nothing small published."""

from __future__ import annotations

import pandas as pd
import pytest

from jsna.chapters import quality
from jsna.chapters.quality import FEWER, KEPT, READ, reconciliation_frame, validation_frame
from jsna.config import load_config
from jsna.demo import write_demo

RECONCILIATION = pd.DataFrame({
    "census_year": [2024] * 5 + [2025] * 5,
    "step": ["read", "set aside", "set aside", "set aside", "kept"] * 2,
    "reason": ["data rows", "blank row (no values)", "guest pupil", "UPN already counted",
               "pupils"] * 2,
    "rows": [1000, 2, 30, 8, 960, 1100, 0, 40, 10, 1050],
})


def test_reconciliation_rows_are_read_then_set_aside_then_kept():
    frame = reconciliation_frame(RECONCILIATION)
    assert frame["Rows"].tolist() == [READ, "Set aside: blank row (no values)",
                                      "Set aside: guest pupil", "Set aside: UPN already counted",
                                      KEPT]
    assert frame["January 2024"].tolist() == [1000, 2, 30, 8, 960]
    assert frame["January 2025"].tolist() == [1100, 0, 40, 10, 1050]
    # rows read = the parts, in every year (what the table's relation declares)
    assert (frame.iloc[1:, 1:].sum() == frame.iloc[0, 1:]).all()


def test_a_small_reason_is_hidden_with_a_complement(tmp_path, monkeypatch):
    """2 blank rows in 2024 (below 5) is hidden, and so is a second reason, so that the
    rows read minus the others cannot give it."""
    from jsna.disclosure import RowTotal, TableRules, apply_disclosure

    frame = reconciliation_frame(RECONCILIATION)
    years = ["January 2024", "January 2025"]
    rules = TableRules(key=["Rows"], counts=years, relations=[RowTotal(
        total={"Rows": READ}, parts={"Rows": list(frame["Rows"].iloc[1:])})])
    protected, audit = apply_disclosure({"t": frame}, {"t": rules}, threshold=5)
    hidden_2024 = protected["t"]["January 2024"].isna()
    assert hidden_2024.sum() >= 2 and hidden_2024.iloc[1]
    assert not hidden_2024.iloc[0]  # rows read stays shown


def test_findings_are_shares_from_100_rows_and_never_small_counts():
    found = pd.DataFrame({
        "census_year": [2025, 2025, 2025, 2025, 2024, 2025],
        "finding": ["upn_invalid_check_letter", "need_missing_for_sen", "blank_row",
                    "postcode_unmatched", "fsm_column_absent", "dob_missing"],
        "column": "", "rows": [105, 99, 7, 300, 1000, 0], "example_rows": "1, 2",
    })
    out = validation_frame(found, pd.Series({2024: 960, 2025: 1050})).set_index("Finding")
    assert out.loc["UPN check letter does not match the DfE algorithm", "January 2025"] == "10.0%"
    assert out.loc["Primary need blank for a pupil with an EHC plan or SEN support",
                   "January 2025"] == FEWER
    assert out.loc["The file has no FSM eligibility column", "January 2024"] == "whole file"
    # set-aside rows are in the reconciliation; postcodes are left to the wards chapter
    assert not [f for f in out.index if f.startswith(("Row with no values", "Well-formed home"))]
    assert not out.map(lambda v: str(v).isdigit()).any().any()  # no bare counts
    assert "1, 2" not in out.to_string()  # example row numbers are never published


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("quality")
    return load_config(write_demo(folder / "data" / "demo", n_wards=4, years=2))


def test_the_chapter_on_a_demo_council_matches_the_cleaners_reconciliation(small_demo):
    chapter = quality.build(small_demo)
    reconciliation = pd.read_csv(small_demo.clean_dir / "reconciliation.csv")
    latest = reconciliation[reconciliation["census_year"] == max(small_demo.census_years)]
    read = int(latest.loc[latest["step"] == "read", "rows"].iloc[0])
    shown = chapter.tables["reconciliation"].frame.set_index("Rows")
    assert float(shown.loc[READ, f"January {max(small_demo.census_years)}"]) == read
    assert f"Of the {read:,} rows" in chapter.findings.sentences[0]
    published = " ".join(t.frame.to_string() for t in chapter.tables.values())
    assert str(small_demo.root) not in published  # no local path (file names are not shown)
    assert set(chapter.rules) == {t.name for t in chapter.tables.values()}
