"""Checks the browser tests run on a loaded page: axe, offline requests, keyboard, tables, figures,
print layout.

Each ``*_problems`` function returns a list of one-line problem descriptions (empty when the page
passes), so the same check runs on every page of the demo site and on the deliberately faulty pages
that prove the check can fail. Playwright and axe are imported lazily: this module imports without
them, and the fixtures skip the tests when they are missing.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Request, Route

#: Flags for Debian's Chromium: no sandbox (containers), and none of its own network traffic.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

#: axe-core tags of the WCAG 2.0, 2.1 and 2.2 level A and AA success criteria.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

#: Desktop window used for the screenshots and the main axe run.
DESKTOP = {"width": 1280, "height": 800}
#: WCAG 1.4.10 Reflow: content must work at 320 CSS pixels wide (1280 px at 400% zoom).
NARROW = {"width": 320, "height": 640}
#: A4 with the stylesheet's 15 mm margins, in CSS pixels (96 px per inch, 25.4 mm per inch):
#: width (210 - 2 * 15) mm = 180 mm = 680.3 px; height (297 - 2 * 15) mm = 267 mm = 1009.1 px.
A4_PRINTABLE_PX = (180 / 25.4 * 96, 267 / 25.4 * 96)
#: A4 in PDF points (72 per inch): 210 mm = 595.28 pt, 297 mm = 841.89 pt.
A4_POINTS = (210 / 25.4 * 72, 297 / 25.4 * 72)


def problems_on_every_page(
    open_page: Callable[..., tuple[Page, Any]],
    site: Path,
    pages: list[Path],
    check: Callable[[Page], list[str]],
) -> dict[str, list[str]]:
    """Open each of ``pages`` of ``site`` and run ``check`` on it.

    Returns the problems found, by page file name (empty when every page passes).
    """
    failures = {}
    for path in pages:
        page, _ = open_page(path, site=site)
        if problems := check(page):
            failures[path.name] = problems
    return failures


def find_chromium() -> str | None:
    """Path of the system Chromium (Debian's ``/usr/bin/chromium``), or None when absent."""
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


# --- offline: requests -----------------------------------------------------------------------------


@dataclass
class RequestGuard:
    """Blocks every request that is not a file inside ``site``, and remembers each attempt.

    ``data:`` URIs never reach the network layer and so are always allowed. A file inside the site
    that does not exist is recorded as missing (a broken reference is a fault too).
    """

    site: Path
    blocked: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def allows(self, url: str) -> bool:
        """True for ``file://`` URLs of files inside the site folder (after resolving ``..``)."""
        parts = urlsplit(url)
        if parts.scheme == "data":
            return True
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return False
        path = Path(url2pathname(unquote(parts.path))).resolve()
        return path.is_relative_to(self.site.resolve())

    def attach(self, context: BrowserContext) -> None:
        """Route every request of ``context`` through the guard."""
        context.route("**/*", self._handle)
        context.on("requestfailed", self._failed)

    def _handle(self, route: Route) -> None:
        url = route.request.url
        if self.allows(url):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def _failed(self, request: Request) -> None:
        if self.allows(request.url) and "FILE_NOT_FOUND" in (request.failure or ""):
            self.missing.append(request.url)

    def problems(self) -> list[str]:
        """Blocked and missing requests, one line each."""
        return [f"requested outside the site folder: {url}" for url in self.blocked] + [
            f"requested a missing file: {url}" for url in self.missing
        ]


def link_problems(page: Page, site: Path) -> list[str]:
    """Links that leave the site folder, point at a missing file or at a missing ``#id``."""
    guard = RequestGuard(site)
    problems = []
    page_url = page.url.split("#")[0]
    for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
        target, _, fragment = href.partition("#")
        if not guard.allows(target):
            problems.append(f"link leaves the site folder: {href}")
            continue
        path = Path(url2pathname(unquote(urlsplit(target).path)))
        if not path.is_file():
            problems.append(f"link to a missing file: {href}")
        elif fragment and target == page_url and not page.locator(f"[id='{fragment}']").count():
            problems.append(f"link to a missing anchor: {href}")
    return problems


# --- axe -------------------------------------------------------------------------------------------


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page, restricted to the WCAG 2.0/2.1/2.2 A and AA rules."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    return Axe().run(page, options=options).response["violations"]


def describe_violations(violations: list[dict[str, Any]]) -> list[str]:
    """One line per violated rule: id, impact, help text and the first few offending elements."""
    lines = []
    for rule in violations:
        targets = [" ".join(map(str, node["target"])) for node in rule["nodes"]]
        shown = ", ".join(targets[:3]) + (f" and {len(targets) - 3} more" if len(targets) > 3 else "")
        lines.append(f"{rule['id']} ({rule['impact']}): {rule['help']} — {shown}")
    return lines


# --- layout ----------------------------------------------------------------------------------------


def reflow_problems(page: Page) -> list[str]:
    """WCAG 1.4.10: at the current (narrow) viewport the page itself must not scroll sideways."""
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if scroll <= client:
        return []
    wide = page.evaluate(
        """limit => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > limit + 1)
            .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))""",
        client,
    )
    return [f"page is {scroll} px wide in a {client} px window (widest: {', '.join(wide)})"]


# --- keyboard --------------------------------------------------------------------------------------

_FOCUSABLE = (
    "a[href], area[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), "
    "select:not([disabled]), textarea:not([disabled]), summary, iframe, "
    "[tabindex]:not([tabindex='-1'])"
)
_STYLE_PROPERTIES = (
    "outline-style",
    "outline-width",
    "outline-color",
    "box-shadow",
    "background-color",
    "color",
    "text-decoration-line",
)

_MARK_FOCUSABLES_JS = """([selector, properties]) => {
  const style = e => { const s = getComputedStyle(e);
    return Object.fromEntries(properties.map(p => [p, s.getPropertyValue(p)])); };
  const shown = e => { const s = getComputedStyle(e);
    return s.display !== 'none' && s.visibility !== 'hidden' && e.getClientRects().length > 0; };
  document.activeElement?.blur();
  return [...document.querySelectorAll(selector)].filter(shown).map((e, i) => {
    e.dataset.kbIndex = String(i);
    return {index: i, text: (e.textContent || '').trim().slice(0, 60),
            landmark: e.closest('nav, main, header, footer')?.tagName.toLowerCase() ?? null,
            rest: style(e)};
  });
}"""

_ACTIVE_ELEMENT_JS = """properties => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  const s = getComputedStyle(e);
  const box = e.getClientRects()[0] || e.getBoundingClientRect();
  // the centre of the part of the element on screen (a tall table region can be taller than
  // the viewport, so its own centre may be off screen even when the element is in view)
  const left = Math.max(box.left, 0), right = Math.min(box.right, innerWidth);
  const top = Math.max(box.top, 0), bottom = Math.min(box.bottom, innerHeight);
  const x = (left + right) / 2, y = (top + bottom) / 2;
  const inView = box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
    && box.top < innerHeight && box.left < innerWidth;
  const hit = inView ? document.elementFromPoint(x, y) : null;
  return {index: e.dataset.kbIndex === undefined ? null : Number(e.dataset.kbIndex),
          tag: e.tagName.toLowerCase(), id: e.id, className: String(e.className),
          href: e.getAttribute('href'), text: (e.textContent || '').trim().slice(0, 60),
          inMain: !!e.closest('main'), inView,
          unobscured: !!hit && (hit === e || e.contains(hit) || hit.contains(e)),
          focused: Object.fromEntries(properties.map(p => [p, s.getPropertyValue(p)]))};
}"""


def _visible_colour(colour: str) -> bool:
    """False for ``transparent`` and ``rgba(..., 0)``."""
    if colour.strip() == "transparent":
        return False
    match = re.fullmatch(r"rgba\(([^)]*)\)", colour.strip())
    return not (match and float(match.group(1).split(",")[-1]) == 0)


def focus_indicator_visible(rest: dict[str, str], focused: dict[str, str]) -> bool:
    """True when focusing an element changes how it looks in a way a sighted user can see.

    Counts a new visible outline, a new box shadow or a changed background colour (the stylesheet's
    yellow focus style sets a transparent outline, kept for Windows high-contrast mode, so an
    outline only counts when its colour is visible).
    """
    outline = (
        focused["outline-style"] != "none"
        and not focused["outline-width"].startswith("0")
        and _visible_colour(focused["outline-color"])
    )
    outline_changed = any(focused[p] != rest[p] for p in ("outline-style", "outline-width",
                                                          "outline-color"))
    shadow = focused["box-shadow"] != "none" and focused["box-shadow"] != rest["box-shadow"]
    background = focused["background-color"] != rest["background-color"]
    return (outline and outline_changed) or shadow or background


def keyboard_walk(page: Page) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Press Tab from the top of a freshly loaded page until focus leaves the page.

    Returns
    -------
    tuple of list
        The focusable elements in document order (with their unfocused style), and what had focus
        after each Tab press (``None`` entries are dropped; the walk stops at the first one after
        focus entered the page).
    """
    focusables = page.evaluate(_MARK_FOCUSABLES_JS, [_FOCUSABLE, list(_STYLE_PROPERTIES)])
    visited = []
    for _ in range(len(focusables) + 2):
        page.keyboard.press("Tab")
        active = page.evaluate(_ACTIVE_ELEMENT_JS, list(_STYLE_PROPERTIES))
        if active is None:
            if visited:
                break
            continue
        visited.append(active)
    return focusables, visited


def keyboard_problems(page: Page) -> list[str]:
    """Tab reaches every focusable element in document order, each with a visible focus style.

    Covers WCAG 2.1.1 Keyboard and 2.1.2 No keyboard trap (the walk ends with focus leaving the
    page), 2.4.3 Focus order, 2.4.7 Focus visible and 2.4.11 Focus not obscured (the element's
    centre, scrolled into view, is not covered by other content).
    """
    focusables, visited = keyboard_walk(page)
    problems = []
    order = [step["index"] for step in visited]
    expected = list(range(len(focusables)))
    if order != expected:
        missed = [f"{f['text']!r} ({f['landmark']})" for f in focusables
                  if f["index"] not in order]
        problems.append(
            f"Tab order {order} differs from document order {expected}"
            + (f"; never reached: {', '.join(missed)}" if missed else "")
        )
    for step in visited:
        name = f"{step['tag']} {step['text']!r}"
        if step["index"] is None:  # focusable without being marked (e.g. a scroller): in `order`
            continue
        if not focus_indicator_visible(focusables[step["index"]]["rest"], step["focused"]):
            problems.append(f"no visible focus indicator on {name}")
        if not step["inView"]:
            problems.append(f"focused {name} is outside the window")
        elif not step["unobscured"]:
            problems.append(f"focused {name} is hidden under other content")
    return problems


def skip_link_problems(page: Page) -> list[str]:
    """The first Tab shows a skip link whose Enter moves focus into ``main``, past the navigation."""
    page.keyboard.press("Tab")
    first = page.evaluate(_ACTIVE_ELEMENT_JS, list(_STYLE_PROPERTIES))
    if first is None or not (first["href"] or "").startswith("#"):
        return [f"first Tab stop is not a skip link: {first and first['text']!r}"]
    problems = []
    if not first["inView"]:
        problems.append("the skip link stays off screen when focused")
    page.keyboard.press("Enter")
    target = page.evaluate("document.activeElement && document.activeElement.tagName.toLowerCase()")
    if target != "main":
        problems.append(f"Enter on the skip link ({first['href']}) focuses {target!r}, not main")
        return problems
    page.keyboard.press("Tab")
    after = page.evaluate(_ACTIVE_ELEMENT_JS, list(_STYLE_PROPERTIES))
    if after is None or not after["inMain"]:
        problems.append(f"the Tab after skipping lands outside main: {after and after['text']!r}")
    return problems


# --- tables and figures ----------------------------------------------------------------------------

_TABLES_JS = """() => [...document.querySelectorAll('table')].map((t, i) => ({
  name: t.id || `table ${i + 1}`,
  caption: t.caption ? t.caption.textContent.trim() : '',
  unscoped: [...t.querySelectorAll('th')].filter(h => !['col', 'row', 'colgroup', 'rowgroup']
    .includes((h.getAttribute('scope') || '').toLowerCase())).map(h => h.textContent.trim()),
  columnHeaders: t.querySelectorAll('thead th[scope=col]').length,
  rows: t.tBodies.length ? [...t.tBodies].reduce((n, b) => n + b.rows.length, 0) : 0,
  rowHeaders: t.querySelectorAll('tbody tr > th[scope=row]:first-child').length,
}))"""


def table_problems(page: Page) -> list[str]:
    """Every table has a caption, column headers, a row header on each body row, and scope on every
    header cell (WCAG 1.3.1 Info and relationships)."""
    problems = []
    for table in page.evaluate(_TABLES_JS):
        name = table["name"]
        if not table["caption"]:
            problems.append(f"{name}: no caption")
        if table["unscoped"]:
            problems.append(f"{name}: header cells without scope: {table['unscoped'][:5]}")
        if table["columnHeaders"] == 0:
            problems.append(f"{name}: no column headers (thead th scope=col)")
        if table["rowHeaders"] != table["rows"]:
            problems.append(
                f"{name}: {table['rowHeaders']} of {table['rows']} body rows start with a row header"
            )
    return problems


_FIGURES_JS = """() => ({
  figures: [...document.querySelectorAll('figure')].map((f, i) => ({
    id: f.id || `figure ${i + 1}`,
    caption: f.querySelector('figcaption')?.textContent.trim() ?? '',
    images: [...f.querySelectorAll('img, svg, canvas')].map(g => ({
      tag: g.tagName.toLowerCase(),
      alt: g.tagName === 'IMG' ? (g.getAttribute('alt') ?? null)
           : (g.getAttribute('aria-label') ?? g.querySelector('title')?.textContent ?? null),
      width: g.getBoundingClientRect().width})),
  })),
  loose: [...document.querySelectorAll('img')].filter(g => !g.closest('figure'))
    .map(g => g.getAttribute('alt')),
})"""

#: Shortest alt text accepted: "Bar chart of X" alone is under 40 characters and says nothing of the data.
MIN_ALT_LENGTH = 40


def figure_alts(page: Page) -> dict[str, str]:
    """Alt text of each ``<figure>``'s image, keyed by the figure's ``id``."""
    figures = page.evaluate(_FIGURES_JS)["figures"]
    return {f["id"]: (f["images"][0]["alt"] or "") for f in figures if f["images"]}


def figure_problems(page: Page) -> list[str]:
    """Every figure has a caption and one visible image whose alt text describes the data.

    Data-specific means: at least ``MIN_ALT_LENGTH`` characters, containing at least one number,
    different from the caption, and not shared with another figure on the page (WCAG 1.1.1).
    """
    found = page.evaluate(_FIGURES_JS)
    problems = [f"image outside a figure: alt={alt!r}" for alt in found["loose"] if not alt]
    seen: dict[str, str] = {}
    for figure in found["figures"]:
        name = figure["id"]
        if not figure["caption"]:
            problems.append(f"{name}: no figcaption")
        if len(figure["images"]) != 1:
            problems.append(f"{name}: {len(figure['images'])} images, expected one")
            continue
        image = figure["images"][0]
        alt = (image["alt"] or "").strip()
        if image["width"] < 1:
            problems.append(f"{name}: the image is not displayed")
        if len(alt) < MIN_ALT_LENGTH:
            problems.append(f"{name}: alt text too short to describe the data: {alt!r}")
        elif not re.search(r"\d", alt):
            problems.append(f"{name}: alt text states no figure: {alt!r}")
        elif alt == figure["caption"]:
            problems.append(f"{name}: alt text repeats the caption")
        elif alt in seen:
            problems.append(f"{name}: same alt text as {seen[alt]}")
        seen.setdefault(alt, name)
    return problems


# --- print -----------------------------------------------------------------------------------------

_PRINT_JS = """maxHeight => {
  const hidden = e => e.getClientRects().length === 0;
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (e.className ? '.' + String(e.className).split(' ').join('.') : '');
  const problems = [];
  for (const e of document.querySelectorAll('nav, .skip-link'))
    if (!hidden(e)) problems.push(`${name(e)} is printed (navigation chrome)`);
  for (const f of document.querySelectorAll('figure')) {
    const s = getComputedStyle(f);
    if (s.breakInside !== 'avoid' && s.breakInside !== 'avoid-page')
      problems.push(`${name(f)} may be split across pages (break-inside: ${s.breakInside})`);
    const height = f.getBoundingClientRect().height;
    if (height > maxHeight)
      problems.push(`${name(f)} is ${Math.round(height)} px tall, more than one A4 page`);
  }
  for (const e of document.querySelectorAll('main *'))
    if (e.scrollWidth > e.clientWidth + 1 && ['auto', 'scroll', 'hidden']
        .includes(getComputedStyle(e).overflowX))
      problems.push(`${name(e)} is cut off at the page edge (${e.scrollWidth} > ${e.clientWidth} px)`);
  if (document.documentElement.scrollWidth > innerWidth + 1)
    problems.push(`the page is ${document.documentElement.scrollWidth} px wide, wider than A4`);
  return problems;
}"""


def print_problems(page: Page) -> list[str]:
    """Emulate print on an A4-wide window: no navigation, figures kept whole and within a page.

    The window is set to the A4 printable width first, so widths and heights are those of the
    printed page; the page is left in print emulation.
    """
    page.set_viewport_size({"width": round(A4_PRINTABLE_PX[0]), "height": round(A4_PRINTABLE_PX[1])})
    page.emulate_media(media="print")
    return page.evaluate(_PRINT_JS, A4_PRINTABLE_PX[1])


def pdf_page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """Width and height in points of each page's ``/MediaBox`` in a PDF written by Chromium."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]", pdf)
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]


def unpublished_percentages(alt: str, csv: Path) -> list[str]:
    """Percentages quoted in ``alt`` that no cell of ``csv`` rounds to (one decimal place).

    Suppressed cells (``[c]``) and text are ignored. An alt text that quotes no percentage at all
    gives ``["no percentage quoted"]``.
    """
    import pandas as pd

    table = pd.read_csv(csv, dtype=str, keep_default_na=False)
    numbers = table.apply(pd.to_numeric, errors="coerce").to_numpy().ravel()
    published = {f"{value:.1f}" for value in numbers if value == value}  # NaN != NaN
    quoted = re.findall(r"(\d+(?:\.\d+)?)%", alt)
    if not quoted:
        return ["no percentage quoted"]
    # "14%" quotes a published 14 (LAIT publishes whole percentages) as "14.0%" would
    return [f"{q}%" for q in quoted if f"{float(q):.1f}" not in published]
