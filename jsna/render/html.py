"""Turn executed chapter notebooks into accessible, offline HTML pages and a site index.

One nbconvert template (``templates/jsna``) renders every page, the index included: code cells and
prompts are hidden, the stylesheet is inlined, nothing is fetched from the network, and each page
has a language, a skip link, one ``h1`` and navigation between chapters. No timestamps are written,
so two renders of the same notebooks are byte-identical.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import mistune
import nbformat
from nbconvert import HTMLExporter

import jsna

TEMPLATES = Path(__file__).parent / "templates"
_markdown = mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])


@dataclass(frozen=True)
class Link:
    """A link in the navigation or the downloads list."""

    title: str
    href: str
    current: bool = False
    size: str = ""


@dataclass(frozen=True)
class PageContext:
    """Everything the page shell needs besides the notebook itself."""

    site_title: str
    page_title: str
    nav: list[Link]
    downloads: list[Link]
    footer: str
    banner: str = ""
    banner_tag: str = "Demonstration"
    previous: Link | None = None
    next: Link | None = None


def markdown_to_html(text: str) -> str:
    """Render Markdown prose (trusted, written by the analyst or the toolkit) to HTML.

    Raw HTML in the prose is kept, so no text from the config or an input file (a council,
    ward or school name, the site title) may be put into Markdown: build such text as an
    escaped HTML cell instead (see :mod:`jsna.literal`).
    """
    return _markdown(text)


@cache
def _exporter() -> HTMLExporter:
    """The page exporter, made once: its Jinja environment compiles the templates on first use."""
    exporter = HTMLExporter(
        template_name="jsna",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_filter("jsna_markdown", markdown_to_html)
    return exporter


def warm_up() -> None:
    """Render an empty page, so that the templates and the HTML post-processing are compiled
    ahead of use (called while the chapters run)."""
    render_page(nbformat.v4.new_notebook(), PageContext("", "", [], [], ""))


def render_page(notebook: nbformat.NotebookNode, context: PageContext) -> str:
    """Render a notebook (executed) to one HTML page.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        The executed notebook.
    context : PageContext
        Titles, navigation, downloads and footer.

    Returns
    -------
    str
        The complete HTML document.
    """
    resources = {
        "jsna": {
            "version": jsna.__version__,
            "css": (TEMPLATES / "jsna" / "jsna.css").read_text(encoding="utf-8"),
            "site_title": context.site_title,
            "page_title": context.page_title,
            "nav": [link.__dict__ for link in context.nav],
            "downloads": [link.__dict__ for link in context.downloads],
            "footer": context.footer,
            "banner": context.banner,
            "banner_tag": context.banner_tag,
            "previous": context.previous.__dict__ if context.previous else None,
            "next": context.next.__dict__ if context.next else None,
        }
    }
    body, _ = _exporter().from_notebook_node(notebook, resources=resources)
    return body


def human_size(n_bytes: int) -> str:
    """Format a file size for a download link, e.g. ``"12 KB"``."""
    if n_bytes < 1024:
        return f"{n_bytes} bytes"
    if n_bytes < 1024 * 1024:
        return f"{n_bytes / 1024:.0f} KB"
    return f"{n_bytes / 1024 / 1024:.1f} MB"


def html_notebook(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """Build an in-memory notebook from ``("markdown" | "html", text)`` pieces.

    Used for pages that are not chapters (the site index), so every page shares one template.
    """
    notebook = nbformat.v4.new_notebook()
    for number, (kind, text) in enumerate(cells):
        if kind == "markdown":
            cell = nbformat.v4.new_markdown_cell(text)
        else:
            cell = nbformat.v4.new_code_cell("")
            cell.outputs = [
                nbformat.v4.new_output("display_data", data={"text/html": text}, metadata={})
            ]
        cell.id = f"page-{number}"
        notebook.cells.append(cell)
    return notebook
