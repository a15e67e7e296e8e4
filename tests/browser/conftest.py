"""Fixtures for the browser tests: Debian's Chromium driven by Playwright, and the demo site.

The demo site is the session's shared render (``rendered_demo``) and every page is visited
once at desktop width and once at 320 px: axe results, blocked requests and screenshots are kept in
:class:`PageVisit` records that the tests read. Everything is skipped, with the reason, when
Playwright, axe-playwright-python or Chromium is missing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from page_checks import (
    CHROMIUM_ARGS,
    DESKTOP,
    NARROW,
    RequestGuard,
    axe_violations,
    find_chromium,
    reflow_problems,
)

REPO = Path(__file__).resolve().parents[2]
#: Screenshots copied here for a reviewer (``outputs/`` is git-ignored).
REVIEW_SCREENSHOTS = REPO / "outputs" / "screenshots"


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Path of the system Chromium; skips the browser tests when it or Playwright is absent."""
    pytest.importorskip(
        "playwright.sync_api",
        reason="Playwright is not installed (pip install playwright axe-playwright-python)",
    )
    pytest.importorskip(
        "axe_playwright_python",
        reason="axe-playwright-python is not installed (pip install axe-playwright-python)",
    )
    executable = find_chromium()
    if executable is None:
        pytest.skip("Chromium not found at /usr/bin/chromium or on PATH "
                    "(Debian/Ubuntu: apt-get install chromium)")
    return executable


@pytest.fixture(scope="session")
def browser(chromium_executable: str) -> Iterator[Any]:
    """One headless Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_executable,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def demo_site(chromium_executable: str, rendered_demo: Any) -> Path:
    """Folder of the rendered demo site (``index.html`` and one page per chapter): the session's
    shared render (see ``tests/rendered_demo.py``), so read-only."""
    return rendered_demo.site


@pytest.fixture(scope="session")
def site_pages(demo_site: Path) -> list[Path]:
    """Every HTML page of the site, so new pages (changes, sign-off) are tested automatically."""
    pages = sorted(demo_site.glob("*.html"))
    assert demo_site / "index.html" in pages and len(pages) >= 2, pages
    return pages


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., tuple[Any, RequestGuard]]]:
    """Open a local HTML file in a fresh, offline browser context.

    Returns a function ``open_page(path, site=path.parent, viewport=DESKTOP)`` giving the
    Playwright page and the :class:`RequestGuard` that recorded any request outside ``site``.
    """
    contexts = []

    def _open(path: Path, site: Path | None = None,
              viewport: dict[str, int] = DESKTOP) -> tuple[Any, RequestGuard]:
        guard = RequestGuard(site or path.parent)
        context = browser.new_context(viewport=viewport, service_workers="block")
        guard.attach(context)
        contexts.append(context)
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="load")
        return page, guard

    yield _open
    for context in contexts:
        context.close()


@dataclass
class PageVisit:
    """What one page of the site did in the browser."""

    name: str
    violations: list[dict[str, Any]]
    narrow_violations: list[dict[str, Any]]
    narrow_reflow: list[str]
    request_problems: list[str]
    screenshots: list[Path] = field(default_factory=list)


@pytest.fixture(scope="session")
def screenshot_folders(site_pages: list[Path],
                       tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A temporary ``screenshots`` folder and the repository's ``outputs/screenshots``.

    The demo site is shared by the whole session and stays as rendered: screenshots are kept
    beside it, not in it.

    Pictures of pages the site no longer has are removed from ``outputs/screenshots``; the others
    are overwritten (not deleted first, so parallel pytest-xdist workers cannot race).
    """
    shots = tmp_path_factory.mktemp("screenshots")
    REVIEW_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    current = {path.stem for path in site_pages}
    for old in [*REVIEW_SCREENSHOTS.glob("*.png"), *REVIEW_SCREENSHOTS.glob("*.pdf")]:
        if old.stem.removesuffix("-320px").removesuffix("-print") not in current:
            old.unlink(missing_ok=True)
    return shots, REVIEW_SCREENSHOTS


@pytest.fixture(scope="session")
def visits(browser: Any, demo_site: Path, site_pages: list[Path],
           screenshot_folders: tuple[Path, Path]) -> dict[str, PageVisit]:
    """Visit every page once: axe at 1280 and 320 px, reflow, requests, full-page screenshots.

    Screenshots go to ``<tmp>/screenshots/<page>.png`` (and ``<page>-320px.png``) and are copied to ``outputs/screenshots/`` in the repository for review.
    """
    folder, review = screenshot_folders
    results = {}
    for path in site_pages:
        guard = RequestGuard(demo_site)
        context = browser.new_context(viewport=DESKTOP, service_workers="block")
        guard.attach(context)
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="load")
        violations = axe_violations(page)
        desktop_png = folder / f"{path.stem}.png"
        page.screenshot(path=str(desktop_png), full_page=True)
        page.set_viewport_size(NARROW)
        narrow_violations = axe_violations(page)
        narrow_reflow = reflow_problems(page)
        narrow_png = folder / f"{path.stem}-320px.png"
        page.screenshot(path=str(narrow_png), full_page=True)
        context.close()
        for png in (desktop_png, narrow_png):
            shutil.copy2(png, review / png.name)
        results[path.name] = PageVisit(path.name, violations, narrow_violations, narrow_reflow,
                                       guard.problems(), [desktop_png, narrow_png])
    return results


@pytest.fixture
def make_page(tmp_path: Path) -> Callable[..., Path]:
    """Write a one-off page through the real template, for the checks' negative controls.

    ``make_page(name, body_html, head_html="", replace=None)`` renders a small in-memory notebook
    (a heading, some prose, then ``body_html``) with :func:`jsna.render.html.render_page`, inserts
    ``head_html`` before ``</head>``, applies ``replace`` (old → new string edits) and returns the
    path of ``<tmp>/site/<name>.html``; an ``index.html`` is written next to it for the nav link.
    """
    from jsna.render.html import Link, PageContext, html_notebook, render_page

    site = tmp_path / "site"
    site.mkdir(exist_ok=True)

    def _make(name: str, body_html: str, head_html: str = "",
              replace: dict[str, str] | None = None) -> Path:
        notebook = html_notebook([("markdown", "# Test page\n\nA page for testing the checks."),
                                  ("html", body_html)])
        context = PageContext(
            site_title="Test site", page_title="Test page",
            nav=[Link("Overview", "index.html"), Link("Test page", f"{name}.html", current=True)],
            downloads=[], footer="Test footer.", previous=Link("Overview", "index.html"),
        )
        html = render_page(notebook, context).replace("</head>", f"{head_html}</head>", 1)
        for old, new in (replace or {}).items():
            assert old in html, old
            html = html.replace(old, new)
        (site / "index.html").write_text(html, encoding="utf-8")
        path = site / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        return path

    return _make
