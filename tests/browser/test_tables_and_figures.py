"""Tables have captions and scoped headers; every figure has a data-specific alt text."""

from __future__ import annotations

import pytest
from page_checks import (
    figure_alts,
    figure_problems,
    table_problems,
    unpublished_percentages,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

#: A small image for the negative controls: one transparent pixel.
PIXEL = "data:image/gif;base64,R0lGODlhAQABAAAAACw="


@pytest.mark.parametrize(
    ("element", "element_problems"),
    [("table", table_problems), ("figure", figure_problems)],
    ids=["table", "figure"],
)
def test_every_table_and_figure_passes_its_check(
    element, element_problems, open_page, demo_site, site_pages
):
    """Tables have captions and scoped headers; figures have captions and data-specific alt text."""
    failures, found = {}, 0
    for path in site_pages:
        page, _ = open_page(path, site=demo_site)
        found += page.locator(element).count()
        if problems := element_problems(page):
            failures[path.name] = problems
    assert not failures, failures
    assert found >= 1  # the demo's chapters have tables and figures: the check ran on something


def test_alt_text_quotes_the_published_data(open_page, demo_site, site_pages):
    """Every percentage an alt text quotes is in the chart's downloadable CSV (to one decimal).

    Figure ``figure-<name>`` is matched with ``data/<name>.csv``; at least one figure must have a
    CSV, so the check cannot pass by finding nothing to compare.
    """
    compared, failures = 0, []
    for path in site_pages:
        page, _ = open_page(path, site=demo_site)
        for figure_id, alt in figure_alts(page).items():
            csv = demo_site / "data" / f"{figure_id.removeprefix('figure-')}.csv"
            if csv.is_file():
                compared += 1
                failures += [f"{path.name} {figure_id}: {problem} (compared with {csv.name})"
                             for problem in unpublished_percentages(alt, csv)]
    assert not failures, failures
    assert compared >= 1


def test_unpublished_percentages_against_a_hand_written_csv(tmp_path):
    csv = tmp_path / "needs.csv"
    csv.write_text("Primary need,Pupils,Per cent\nAutism,527,35.06\nHearing,[c],[c]\n"
                   "Speech,239,15.949\n", encoding="utf-8")
    # 35.06 -> "35.1" and 15.949 -> "15.9" are published; 12.0% is not; [c] is not a number
    alt = "Bar chart. Autism 35.1%, Speech 15.9%, Hearing 12.0%."
    assert unpublished_percentages(alt, csv) == ["12.0%"]
    assert unpublished_percentages("Bar chart of needs, largest first.", csv) == [
        "no percentage quoted"]


def test_table_check_fails_without_caption_or_scope(make_page, open_page):
    path = make_page(
        "bad_table",
        "<table id='bare'><thead><tr><th>Year</th><th>Pupils</th></tr></thead>"
        "<tbody><tr><td>2025</td><td>12</td></tr></tbody></table>",
    )
    page, _ = open_page(path)
    assert table_problems(page) == [
        "bare: no caption",
        "bare: header cells without scope: ['Year', 'Pupils']",
        "bare: no column headers (thead th scope=col)",
        "bare: 0 of 1 body rows start with a row header",
    ]


def test_figure_check_fails_on_empty_generic_or_repeated_alt_text(make_page, open_page):
    def figure(figure_id: str, alt: str, caption: str = "Pupils by year") -> str:
        return (f'<figure id="{figure_id}"><figcaption>{caption}</figcaption>'
                f'<img src="{PIXEL}" alt="{alt}" width="10" height="10"></figure>')

    described = "Line chart of pupils with an EHC plan, rising from 3.7% in 2021 to 5.3% in 2025."
    path = make_page(
        "bad_figures",
        figure("empty", "")
        + figure("generic", "A line chart showing the trend over recent years.")
        + figure("good", described)
        + figure("copy", described)
        + '<figure id="uncaptioned"><img src="' + PIXEL + '" alt="' + described.upper()
        + '" width="10" height="10"></figure>',
    )
    page, _ = open_page(path)
    assert figure_problems(page) == [
        "empty: alt text too short to describe the data: ''",
        "generic: alt text states no figure: 'A line chart showing the trend over recent years.'",
        "copy: same alt text as good",
        "uncaptioned: no figcaption",
    ]
