"""Sign-off log: decisions bound to a chapter's fingerprint, stale when the chapter changes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from jsna.errors import JsnaInputError
from jsna.review.signoff import (
    NOT_SIGNED,
    Fingerprint,
    append_to_log,
    chapter_status,
    files_digest,
    page_content_digest,
    read_log,
)

NOON = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def test_the_page_digest_reads_the_content_not_the_menu_or_footer(tmp_path: Path) -> None:
    def page(menu: str, content: str, footer: str) -> Path:
        path = tmp_path / f"{menu}{content}{footer}.html"
        path.write_text(f'<nav><a href="a.html">{menu}</a></nav><main id="main" tabindex="-1">'
                        f'<p>{content}</p><nav class="pager"><a>Next</a></nav></main>'
                        f"<footer>{footer}</footer>")
        return path

    same = page_content_digest(page("A", "12 pupils", "x"))
    assert page_content_digest(page("A and B", "12 pupils", "y")) == same
    assert page_content_digest(page("A", "13 pupils", "x")) != same


def test_the_files_digest_changes_with_any_byte_or_name(tmp_path: Path) -> None:
    table = tmp_path / "data" / "ehcp_plans.csv"
    table.parent.mkdir()
    table.write_text("Year,Plans\n2025,120\n")
    first = files_digest([table], tmp_path)
    assert files_digest([table], tmp_path) == first
    table.write_text("Year,Plans\n2025,121\n")
    assert files_digest([table], tmp_path) != first
    renamed = table.with_name("ehcp_plans_by_age.csv")
    table.rename(renamed)
    table.write_text("Year,Plans\n2025,120\n")  # the first content, under the first name
    assert files_digest([table], tmp_path) == first
    assert files_digest([renamed], tmp_path) != files_digest([table], tmp_path)


def test_decisions_append_and_the_latest_one_counts(tmp_path: Path) -> None:
    log_path = tmp_path / "signoff_Z06000001.csv"
    print_v1 = Fingerprint("page1", "data1")
    append_to_log(log_path, "ehcp", "A. Analyst", "changes", "Check the 2021 rate", print_v1,
                  now=NOON)
    assert chapter_status(read_log(log_path), "ehcp", print_v1) == {
        "status": "Changes requested", "reviewer": "A. Analyst", "date": "2026-11-30",
        "comment": "Check the 2021 rate"}
    print_v2 = Fingerprint("page2", "data1")
    append_to_log(log_path, "ehcp", "B. Board", "approved", "", print_v2, now=NOON)
    log = read_log(log_path)
    assert len(log) == 2  # the earlier decision stays as the audit trail
    assert chapter_status(log, "ehcp", print_v2)["status"] == "Approved"
    assert chapter_status(log, "ehcp", print_v1)["status"] == "Stale: changed since approved"
    assert chapter_status(log, "wards", print_v2)["status"] == NOT_SIGNED


@pytest.mark.parametrize(("reviewer", "decision", "expected"), [
    ("A. Analyst", "yes", "--decision should be one of approved, changes, got 'yes'"),
    ("  ", "approved", "--reviewer should name the reviewer"),
])
def test_a_bad_decision_or_blank_reviewer_is_refused(tmp_path, reviewer, decision, expected):
    log_path = tmp_path / "log.csv"
    with pytest.raises(JsnaInputError, match=expected.replace("(", r"\(")):
        append_to_log(log_path, "ehcp", reviewer, decision, "", Fingerprint("p", "d"))
    assert not log_path.exists()


def test_a_file_that_is_not_a_log_is_named(tmp_path: Path) -> None:
    path = tmp_path / "signoff.csv"
    path.write_text("name,value\nx,1\n")
    with pytest.raises(JsnaInputError, match="not a sign-off log; it lacks the column"):
        read_log(path)
