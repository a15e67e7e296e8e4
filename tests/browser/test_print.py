"""Print stylesheet: A4 pages, no navigation chrome, charts kept whole on one page."""

from __future__ import annotations

import shutil

import pytest
from page_checks import A4_POINTS, pdf_page_sizes, print_problems, problems_on_every_page

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _is_a4(size: tuple[float, float]) -> bool:
    # Chromium rounds the page to whole CSS pixels: 794 x 1123 px = 595.5 x 842.25 pt, so allow 2 pt
    return abs(size[0] - A4_POINTS[0]) < 2 and abs(size[1] - A4_POINTS[1]) < 2


def test_print_hides_navigation_and_keeps_charts_whole(open_page, demo_site, site_pages):
    failures = problems_on_every_page(open_page, demo_site, site_pages, print_problems)
    assert not failures, failures


def test_pages_print_on_a4_whatever_the_printer_default(open_page, demo_site, site_pages,
                                                       screenshot_folders):
    """Printed as US Letter, but the stylesheet's ``@page { size: A4 }`` wins; PDFs kept for review."""
    folder, review = screenshot_folders
    for path in site_pages:
        page, _ = open_page(path, site=demo_site)
        page.emulate_media(media="print")
        pdf = page.pdf(format="Letter", prefer_css_page_size=True, print_background=True)
        sizes = pdf_page_sizes(pdf)
        assert sizes and all(_is_a4(size) for size in sizes), (path.name, sizes)
        target = folder / f"{path.stem}-print.pdf"
        target.write_bytes(pdf)
        shutil.copy2(target, review / target.name)


def test_the_demonstration_notice_is_printed(open_page, demo_site):
    # a printed board paper must still say the figures are synthetic
    page, _ = open_page(demo_site / "index.html", site=demo_site)
    print_problems(page)
    notice = page.locator(".banner")
    assert notice.count() == 1 and notice.is_visible()
    assert "Synthetic data" in notice.inner_text()


def test_print_checks_fail_on_a_careless_print_stylesheet(make_page, open_page):
    path = make_page(
        "careless_print",
        '<figure id="tall"><figcaption>A tall chart</figcaption>'
        '<div style="height: 1100px">chart</div></figure>',
        head_html="<style>@page { size: letter; } @media print { nav.chapters { display: block "
                  "!important; } figure { break-inside: auto !important; } }</style>",
    )
    page, _ = open_page(path)
    problems = print_problems(page)
    assert problems[:2] == [
        "nav.chapters is printed (navigation chrome)",
        "figure#tall may be split across pages (break-inside: auto)",
    ]
    # 1100 px of chart plus the caption (its height depends on the font) > 1009 px of A4 page
    assert len(problems) == 3 and problems[2].startswith("figure#tall is 11")
    assert problems[2].endswith("px tall, more than one A4 page")
    # US Letter is 8.5 x 11 in = 612 x 792 pt
    sizes = pdf_page_sizes(page.pdf(format="A4", prefer_css_page_size=True))
    assert sizes and not any(_is_a4(size) for size in sizes)
    assert all(abs(w - 612) < 2 and abs(h - 792) < 2 for w, h in sizes)
