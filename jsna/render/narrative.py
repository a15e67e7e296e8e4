"""The group's own words: "What this means" on each chapter and the overview, from Markdown files.

The statistics say what the numbers are; the task-and-finish group says what they mean for the
council and what it recommends. They write one Markdown file per page in the folder named by
``inputs.narrative`` (``overview.md``, ``population.md``, ``wards.md``, ``settings.md``,
``ehcp.md`` ...); each refresh renders it under "What this means" on that page. A page whose file
is missing shows a short box saying which file to write.

The files are text from outside the toolkit, so they are rendered safely by
:func:`jsna.viz.markdown.safe_markdown_html` (raw HTML shown as text, headings from level 3,
links checked, no images), as the voice chapter renders the parent carer forum's summary.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from jsna.chapter_list import CHAPTERS
from jsna.errors import JsnaInputError
from jsna.viz.markdown import read_markdown, safe_markdown_html, site_pages

#: File (without ``.md``) of the overview's narrative.
OVERVIEW = "overview"


def narrative_html(text: str, *, source: str, pages: set[str] | frozenset[str]) -> str:
    """Render a narrative Markdown file safely (:func:`jsna.viz.markdown.safe_markdown_html`).

    Examples
    --------
    >>> narrative_html("# Plans\\n\\nSee <b>the</b> [EHC chapter](04_ehcp.html#timeliness).",
    ...                source="overview.md", pages={"04_ehcp.html"})
    '<h3>Plans</h3>\\n<p>See &lt;b&gt;the&lt;/b&gt; <a href="04_ehcp.html#timeliness">EHC chapter</a>.</p>\\n'
    """
    return safe_markdown_html(text, source=source, pages=pages)


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
    return read_markdown(path) if path.is_file() else None


def narrative_cells(folder: Path | None, key: str, pages: set[str],
                    ) -> list[tuple[str, str]]:
    """The "What this means" section of a page, as ``(kind, text)`` cells.

    Parameters
    ----------
    folder, key
        As for :func:`read_narrative`.
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
    pages = site_pages(chapters)
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
