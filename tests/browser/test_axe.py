"""axe-core finds no WCAG 2.0/2.1/2.2 A or AA violation on any page of the demo site."""

from __future__ import annotations

import pytest
from page_checks import axe_violations, describe_violations, reflow_problems

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _report(failures: dict[str, list[str]]) -> str:
    return "\n".join(f"{page}: {line}" for page, lines in failures.items() for line in lines)


def test_every_page_has_no_wcag_violations(visits):
    failures = {name: describe_violations(v.violations) for name, v in visits.items()
                if v.violations}
    assert not failures, _report(failures)


def test_every_page_has_no_wcag_violations_at_320px(visits):
    failures = {name: describe_violations(v.narrow_violations) for name, v in visits.items()
                if v.narrow_violations}
    assert not failures, _report(failures)


def test_pages_reflow_at_320px_without_sideways_scrolling(visits):
    # WCAG 1.4.10: only the data tables may scroll sideways, inside their own wrapper
    failures = {name: v.narrow_reflow for name, v in visits.items() if v.narrow_reflow}
    assert not failures, _report(failures)


def test_axe_catches_a_deliberate_contrast_failure(make_page, open_page):
    # #aaaaaa on white has contrast ratio (1 + 0.05) / (0.402 + 0.05) = 2.32:1, below the 4.5:1
    # WCAG 1.4.3 asks for body text (relative luminance of #aa: ((0xaa/255 + 0.055)/1.055)^2.4 = 0.402)
    path = make_page("low_contrast", '<p style="color: #aaaaaa">Pale grey text on white.</p>')
    page, _ = open_page(path)
    violations = axe_violations(page)
    assert [rule["id"] for rule in violations] == ["color-contrast"]
    assert [node["html"] for node in violations[0]["nodes"]] == [
        '<p style="color: #aaaaaa">Pale grey text on white.</p>'
    ]


def test_the_same_page_with_enough_contrast_passes(make_page, open_page):
    # #505a5f (the stylesheet's secondary text) on white is 7.0:1, the control for the test above
    path = make_page("good_contrast", '<p style="color: #505a5f">Dark grey text on white.</p>')
    page, _ = open_page(path)
    assert axe_violations(page) == []


def test_reflow_check_catches_a_page_wider_than_the_window(make_page, open_page):
    path = make_page("too_wide", '<p style="width: 600px">A fixed-width paragraph.</p>')
    page, _ = open_page(path, viewport={"width": 320, "height": 640})
    problems = reflow_problems(page)
    assert len(problems) == 1 and "in a 320 px window" in problems[0]
