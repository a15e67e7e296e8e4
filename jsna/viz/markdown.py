"""Markdown from outside the toolkit, rendered safely: the group's narrative and the forum's words.

Text a council's group or a parent carer forum writes is shown on the site, so it is rendered
with the rules of :mod:`jsna.render.narrative` (which uses this module):

* raw HTML is shown as text, never interpreted (``<script>`` appears as written);
* headings are moved down to level 3 and below (the page keeps one ``h1`` and its ``h2`` sections);
* a link may go to another page of the site (``04_ehcp.html``, with an optional ``#anchor``), or to
  an ``https://``, ``http://`` or ``mailto:`` address; a link to a chapter that this refresh does
  not publish shows as its text; any other link (``javascript:``, a file path, a page the toolkit
  does not make) is refused with the file, line and link;
* images are refused (the site works offline and embeds only its own figures).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import mistune

from jsna.chapter_list import CHAPTERS
from jsna.errors import JsnaInputError

#: Every chapter's page, published or not in this refresh.
CHAPTER_PAGES = frozenset(Path(info.notebook).with_suffix(".html").name
                          for info in CHAPTERS.values())
#: Pages every site has besides its chapters.
SITE_PAGES = frozenset({"index.html", "changes.html", "glossary.html"})


def site_pages(chapters: list[str] | tuple[str, ...]) -> frozenset[str]:
    """File names of a site's pages when it publishes ``chapters`` (links to them are kept).

    Examples
    --------
    >>> sorted(site_pages(["ehcp"]))
    ['04_ehcp.html', 'changes.html', 'glossary.html', 'index.html']
    """
    return SITE_PAGES | {Path(CHAPTERS[key].notebook).with_suffix(".html").name
                         for key in chapters if key in CHAPTERS}


_EXTERNAL = re.compile(r"^(https?://[^\s]+|mailto:[^\s]+)$", re.IGNORECASE)


@dataclass
class _SafeRenderer(mistune.HTMLRenderer):
    """mistune's HTML renderer with raw HTML escaped, headings demoted and links checked."""

    pages: frozenset[str] = frozenset()
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(escape=True)

    def heading(self, text: str, level: int, **attrs: object) -> str:  # noqa: D102
        level = min(6, level + 2)
        return f"<h{level}>{text}</h{level}>\n"

    def link(self, text: str, url: str, title: str | None = None) -> str:  # noqa: D102
        page = url.split("#", 1)[0]
        if _EXTERNAL.match(url):
            return (f'<a href="{escape(url)}" rel="noopener noreferrer">{text}</a>')
        if page in self.pages or (not page and url.startswith("#")):
            return f'<a href="{escape(url)}">{text}</a>'
        if page in CHAPTER_PAGES:  # a chapter this refresh does not publish: text, no link
            return text
        self.problems.append(url)
        return text

    def image(self, text: str, url: str, title: str | None = None) -> str:  # noqa: D102
        self.problems.append(f"image {url}")
        return escape(text)


def _line_of(source: str, needle: str) -> int:
    position = source.find(needle)
    return source.count("\n", 0, position) + 1 if position >= 0 else 1


def safe_markdown_html(text: str, *, source: str, pages: set[str] | frozenset[str]) -> str:
    """Render Markdown from outside the toolkit safely (see the module notes).

    Parameters
    ----------
    text : str
        The Markdown.
    source : str
        The file's name, for messages.
    pages : set of str
        File names of the site's pages (links to them are kept).

    Returns
    -------
    str
        HTML.

    Raises
    ------
    JsnaInputError
        Naming the file, line and link of every link or image that is refused.

    Examples
    --------
    >>> safe_markdown_html("# Plans\\n\\nSee <b>the</b> [EHC chapter](04_ehcp.html#timeliness).",
    ...                    source="overview.md", pages={"04_ehcp.html"})
    '<h3>Plans</h3>\\n<p>See &lt;b&gt;the&lt;/b&gt; <a href="04_ehcp.html#timeliness">EHC chapter</a>.</p>\\n'
    """
    renderer = _SafeRenderer(pages=frozenset(pages))
    html = mistune.create_markdown(renderer=renderer, plugins=["table", "strikethrough"])(text)
    if renderer.problems:
        lines = []
        for problem in renderer.problems:
            url = problem.removeprefix("image ")
            what = ("an image (the site works offline and shows only its own figures)"
                    if problem.startswith("image ") else
                    "a link that is neither a page of this site nor an https://, http:// or "
                    "mailto: address")
            lines.append(f"{source} line {_line_of(text, url)}: {url!r} is {what}")
        raise JsnaInputError("; ".join(lines))
    return str(html)


def read_markdown(path: Path) -> str:
    """A Markdown file's text (UTF-8, with or without a byte-order mark).

    Raises
    ------
    JsnaInputError
        A file that is not UTF-8 text (named, with the byte).
    """
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise JsnaInputError(f"{path}: not UTF-8 text (byte {error.start + 1}); save it as "
                             "UTF-8 from your editor") from None


@dataclass
class MarkdownBlock:
    """Safely rendered Markdown shown on a page (a ``<div>`` of the given class).

    Attributes
    ----------
    html : str
        Output of :func:`safe_markdown_html`.
    css_class : str
        Class of the wrapping ``<div>``.
    """

    html: str
    css_class: str = "narrative"

    def _repr_html_(self) -> str:
        return f'<div class="{escape(self.css_class)}">{self.html}</div>'
