"""Keyboard use: the skip link works, every link is reachable by Tab in order, focus is visible."""

from __future__ import annotations

import pytest
from page_checks import (
    focus_indicator_visible,
    keyboard_problems,
    problems_on_every_page,
    skip_link_problems,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_skip_link_moves_focus_past_the_navigation(open_page, demo_site, site_pages):
    failures = problems_on_every_page(open_page, demo_site, site_pages, skip_link_problems)
    assert not failures, failures


def test_tab_reaches_every_link_in_order_with_visible_focus(open_page, demo_site, site_pages):
    failures = problems_on_every_page(open_page, demo_site, site_pages, keyboard_problems)
    assert not failures, failures


def test_tab_reaches_the_chapter_navigation(open_page, demo_site):
    page, _ = open_page(demo_site / "index.html", site=demo_site)
    nav_links = page.eval_on_selector_all("nav.chapters a", "links => links.map(a => a.href)")
    reached = []
    for _ in range(len(nav_links) + 3):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.href || null"))
    # Tab order: skip link, site title, then the chapter navigation in order
    assert reached[2:2 + len(nav_links)] == nav_links
    assert len(nav_links) >= 2


def test_skip_link_check_fails_when_the_target_is_missing(make_page, open_page):
    path = make_page("broken_skip", "<p>Body.</p>",
                     replace={'<main id="main" tabindex="-1">': "<main>"})
    page, _ = open_page(path)
    assert skip_link_problems(page) == [
        "Enter on the skip link (#main) focuses 'a', not main"
    ]


def test_keyboard_check_fails_without_a_focus_style(make_page, open_page):
    path = make_page(
        "no_focus_style", '<p><a href="index.html">A link in the text</a></p>',
        head_html="<style>a:focus { outline: none !important; box-shadow: none !important; "
                  "background: none !important; color: inherit !important; }</style>",
    )
    page, _ = open_page(path)
    problems = keyboard_problems(page)
    # six Tab stops; the skip link still changes (it appears on screen, its yellow background
    # dropped) so five are flagged: site title, two nav links, the link in the text, the pager link
    assert problems == [f"no visible focus indicator on a {text!r}" for text in (
        "Test site", "Overview", "Test page", "A link in the text", "Previous: Overview")]


def test_keyboard_check_fails_when_tab_skips_a_link_or_jumps_ahead(make_page, open_page):
    # focusable elements in document order: 0 skip link, 1 site title, 2-3 nav links,
    # 4 the link in the text, 5 the pager's "Previous" link
    path = make_page("inert_link", '<div inert><p><a href="index.html">Unreachable</a></p></div>')
    page, _ = open_page(path)
    assert keyboard_problems(page) == [
        "Tab order [0, 1, 2, 3, 5] differs from document order [0, 1, 2, 3, 4, 5]; "
        "never reached: 'Unreachable' (main)"
    ]
    path = make_page("out_of_order", '<p><a href="index.html" tabindex="1">Jumps first</a></p>')
    page, _ = open_page(path)
    assert keyboard_problems(page) == [
        "Tab order [4, 0, 1, 2, 3, 5] differs from document order [0, 1, 2, 3, 4, 5]"
    ]


def test_focus_indicator_rules():
    rest = {"outline-style": "none", "outline-width": "0px", "outline-color": "rgb(0, 0, 0)",
            "box-shadow": "none", "background-color": "rgba(0, 0, 0, 0)",
            "color": "rgb(29, 112, 184)", "text-decoration-line": "underline"}
    # the site's style: transparent outline, yellow background, black bar below
    site = rest | {"outline-style": "solid", "outline-width": "3px",
                   "outline-color": "rgba(0, 0, 0, 0)", "background-color": "rgb(255, 221, 0)",
                   "box-shadow": "rgb(255, 221, 0) 0px -2px 0px 0px, rgb(11, 12, 12) 0px 4px 0px 0px"}
    assert focus_indicator_visible(rest, site)
    # a transparent outline alone is invisible (only high-contrast mode shows it)
    assert not focus_indicator_visible(rest, rest | {"outline-style": "solid",
                                                     "outline-width": "3px",
                                                     "outline-color": "rgba(0, 0, 0, 0)"})
    assert focus_indicator_visible(rest, rest | {"outline-style": "auto", "outline-width": "1px",
                                                 "outline-color": "rgb(16, 16, 16)"})
    assert not focus_indicator_visible(rest, rest)
