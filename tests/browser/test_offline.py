"""Pages work offline: nothing is requested outside the site folder and every link resolves."""

from __future__ import annotations

import pytest
from page_checks import link_problems, problems_on_every_page

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_pages_request_nothing_outside_their_folder(visits):
    failures = {name: v.request_problems for name, v in visits.items() if v.request_problems}
    assert not failures, failures


def test_links_stay_inside_the_site_and_resolve(open_page, demo_site, site_pages):
    failures = problems_on_every_page(
        open_page, demo_site, site_pages, lambda page: link_problems(page, demo_site)
    )
    assert not failures, failures


def test_guard_records_every_request_that_leaves_the_folder(make_page, open_page, tmp_path):
    (tmp_path / "outside.css").write_text("p { color: #0b0c0c; }", encoding="utf-8")
    path = make_page(
        "leaky",
        '<img alt="Logo" src="https://cdn.example.org/logo.png">'
        '<img alt="Local chart" src="missing_chart.png">'
        '<img alt="Inline pixel" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">',
        head_html='<link rel="stylesheet" href="../outside.css">',
    )
    page, guard = open_page(path)
    page.wait_for_load_state("networkidle")
    site = path.parent.as_uri()
    assert sorted(guard.blocked) == sorted(["https://cdn.example.org/logo.png",
                                            (tmp_path / "outside.css").as_uri()])
    assert guard.missing == [f"{site}/missing_chart.png"]  # inside the folder, but not there
    assert len(guard.problems()) == 3


def test_link_check_flags_links_that_leave_or_break(make_page, open_page):
    path = make_page(
        "bad_links",
        '<p><a href="https://example.org/">External</a> <a href="../secret.csv">Up</a> '
        '<a href="data/none.csv">Missing</a> <a href="#nowhere">Anchor</a> '
        '<a href="#main">Fine</a> <a href="index.html">Fine too</a></p>',
    )
    page, _ = open_page(path)
    problems = link_problems(page, path.parent)
    assert [line.split(":")[0] for line in problems] == [
        "link leaves the site folder", "link leaves the site folder", "link to a missing file",
        "link to a missing anchor",
    ]
