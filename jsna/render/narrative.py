"""The group's own words: "What this means" on each chapter and the overview, from Markdown files.

The statistics say what the numbers are; the task-and-finish group says what they mean for the
council and what it recommends. They write one Markdown file per page in the folder named by
``inputs.narrative`` (``overview.md``, ``population.md``, ``wards.md``, ``settings.md``,
``ehcp.md`` ...); each refresh renders it under "What this means" on that page. A page whose file
is missing shows a short box saying which file to write.

The files are text from outside the toolkit, so they are rendered safely:

* raw HTML is shown as text, never interpreted (``<script>`` appears as written);
* headings are moved down to level 3 and below (the page keeps one ``h1`` and its ``h2`` sections);
* a link may go to another page of the site (``04_ehcp.html``, with an optional ``#anchor``), or to
  an ``https://``, ``http://`` or ``mailto:`` address; a link to a chapter that this refresh does
  not publish (``--chapters``) shows as its text; any other link (``javascript:``, a file path, a
  page the toolkit does not make) is refused with the file, line and link;
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

#: File (without ``.md``) of the overview's narrative.
OVERVIEW = "overview"
#: Every chapter's page, published or not in this refresh (see :func:`narrative_html`).
_CHAPTER_PAGES = frozenset(Path(info.notebook).with_suffix(".html").name for info in CHAPTERS.values())
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
        if page in _CHAPTER_PAGES:  # a chapter this refresh does not publish: text, no link
            return text
        self.problems.append(url)
        return text

    def image(self, text: str, url: str, title: str | None = None) -> str:  # noqa: D102
        self.problems.append(f"image {url}")
        return escape(text)


def _line_of(source: str, needle: str) -> int:
    position = source.find(needle)
    return source.count("\n", 0, position) + 1 if position >= 0 else 1


def narrative_html(text: str, *, source: str, pages: set[str] | frozenset[str]) -> str:
    """Render a narrative Markdown file safely (see the module notes).

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
    >>> narrative_html("# Plans\\n\\nSee <b>the</b> [EHC chapter](04_ehcp.html#timeliness).",
    ...                source="overview.md", pages={"04_ehcp.html"})
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


def read_narrative(folder: Path | None, key: str) -> str | None:
    """The group's Markdown for one page, or None when it has not been written.

    Parameters
    ----------
    folder : Path or None
        ``inputs.narrative``.
    key : str
        Chapter key, or :data:`OVERVIEW`.

    Raises
    ------
    JsnaInputError
        A file that is not UTF-8 text (named).
    """
    if folder is None:
        return None
    path = folder / f"{key}.md"
    if not path.is_file():
        return None
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise JsnaInputError(f"{path}: not UTF-8 text (byte {error.start + 1}); save it as "
                             "UTF-8 from your editor") from None


def narrative_cells(folder: Path | None, key: str, pages: set[str],
                    ) -> list[tuple[str, str]]:
    """The "What this means" section of a page, as ``(kind, text)`` cells.

    Parameters
    ----------
    folder : Path or None
        ``inputs.narrative``.
    key : str
        Chapter key, or :data:`OVERVIEW`.
    pages : set of str
        The site's page file names (for links).

    Returns
    -------
    list of (str, str)
        A heading and the rendered narrative, or a box saying which file to write.
    """
    text = read_narrative(folder, key)
    heading = ("html", '<h2 id="what-this-means">What this means</h2>')
    if text is None or not text.strip():
        where = (f"a file {key}.md in the folder named by inputs.narrative" if folder is None
                 else f"{key}.md in the narrative folder")
        return [heading, ("html", '<div class="narrative-missing" role="note"><p>Not written yet. '
                                  "The task-and-finish group writes what these figures mean for "
                                  f"the area, and its recommendations, in {escape(where)} "
                                  "(Markdown); the next refresh shows it here.</p></div>")]
    html = narrative_html(text, source=f"{key}.md", pages=pages)
    return [heading, ("html", f'<div class="narrative">{html}</div>')]


def check_narrative_folder(folder: Path | None, chapters: list[str]) -> None:
    """Check every narrative file before the chapters run, so a bad link stops the refresh early.

    Parameters
    ----------
    folder : Path or None
        ``inputs.narrative``.
    chapters : list of str
        The chapters this refresh runs (their pages are the link targets).

    Raises
    ------
    JsnaInputError
        A file that is not for a page the toolkit makes (a misspelt name would never be shown), is not
        UTF-8, or has a refused link or image; every problem is listed.
    """
    if folder is None or not folder.is_dir():
        return
    pages = {"index.html", "changes.html", "glossary.html",
             *(Path(CHAPTERS[key].notebook).with_suffix(".html").name for key in chapters)}
    expected = [OVERVIEW, *CHAPTERS]
    problems = []
    for path in sorted(folder.glob("*.md")):
        if path.stem not in expected:
            problems.append(f"{path}: not a page of the toolkit, so never shown; name it "
                            f"{' or '.join(f'{key}.md' for key in expected)}")
            continue
        if path.stem not in (OVERVIEW, *chapters):
            continue  # a chapter this refresh does not run: checked when it runs
        try:
            text = read_narrative(folder, path.stem) or ""
            narrative_html(text, source=str(path), pages=pages)
        except JsnaInputError as error:
            problems.append(str(error))
    if problems:
        raise JsnaInputError("; ".join(problems))
