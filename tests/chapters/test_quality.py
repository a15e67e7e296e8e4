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


@pytest.fixture(scope="module")
def built(small_demo):
    return quality.build(small_demo)


def test_every_cleaned_input_is_listed_with_its_rows_and_a_published_report(small_demo, built,
                                                                              tmp_path):
    import re

    from jsna.review.identifier_gate import check_site_identifiers

    extracts = {"sen2": small_demo.inputs.sen2_extract, "cin": small_demo.inputs.cin_extract,
                "health": small_demo.inputs.health_waits}
    assert all(extracts.values())  # the demo gives every local extract
    for key, path in extracts.items():
        shown = built.tables[f"reconciliation_{key}"].frame
        read = shown[shown["Rows"].str.startswith("Read: ")].iloc[0, 1]
        # rows read = the file's data rows, counted here with pandas
        assert read == len(pd.read_csv(path, dtype=str)), key
        assert built.tables[f"reconciliation_{key}"].name in built.rules
    page = built.cleaned._repr_html_()
    for key in ("census", *extracts):
        assert f'href="data/quality_validation_{key}.html"' in page
    written = built.save(tmp_path)
    reports = {p.stem: p.read_text(encoding="utf-8") for p in written if p.suffix == ".html"}
    assert set(reports) == {f"quality_validation_{k}" for k in ("census", *extracts)}
    # no identifier of the extracts (person IDs, UPNs, NHS numbers, names, dates of birth,
    # postcodes) in any published report, and none of the census's (the site's own gate)
    check_site_identifiers(tmp_path, small_demo.inputs.census, small_demo.census.columns)
    text = "\n".join(reports.values())
    for path in extracts.values():
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in raw.columns:
            if re.search(r"upn|person id|case ref|forename|surname|birth|dob|postcode|nhs",
                         column, re.I):
                values = {v for v in raw[column] if len(v) >= 5}
                assert not [v for v in values if v in text], column
    # findings are shares from 100 rows or "under 100 rows", never an exact count of a finding
    checked = 0
    for cells in re.findall(r"<tr><th scope=\"row\">[^<]*</th>(.*?)</tr>", text):
        share = re.findall(r"<td>([^<]*)</td>", cells)
        if len(share) in (4, 5):  # a findings row: [census |] finding, column, share, ...
            share = share[-4:]  # column, share, example rows, action
            assert share[1] == "under 100 rows" or re.fullmatch(
                r"\d+\.\d% of rows (read|kept)", share[1]), share
            assert share[2] == "" or share[1] != "under 100 rows"
            checked += 1
    assert checked  # the demo's dirt gives every cleaner findings
