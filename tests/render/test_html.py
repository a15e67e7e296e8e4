"""The page template: hidden code, no external requests, accessible structure."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import nbformat
import pandas as pd
from bs4 import BeautifulSoup

from jsna.render.html import Link, PageContext, html_notebook, render_page
from jsna.viz.display import Figure, Table


def _executed_notebook() -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    heading = nbformat.v4.new_markdown_cell("# Population\n\nSome prose.\n\n## Section")
    code = nbformat.v4.new_code_cell("secret_code_marker = 1\nchapter.tables['x']")
    table = Table("t", "Pupils by year group, January 2025",
                  pd.DataFrame({"Year group": ["Year 1", "All"], "Pupils": [1234, "[c]"]}),
                  formats={"Pupils": "count"})
    code.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": table.to_html(),
                                                     "text/plain": "<Table>"}),
        nbformat.v4.new_output("stream", name="stderr", text="UserWarning: noisy\n"),
    ]
    figure, axes = plt.subplots()
    axes.plot([1, 2], [3, 4])
    chart = Figure("f", "A caption", "Line chart of pupils, rising from 3 to 4.", figure)
    figure_cell = nbformat.v4.new_code_cell("chapter.figures['f']")
    figure_cell.outputs = [nbformat.v4.new_output("execute_result", execution_count=3,
                                                  data={"text/html": chart.to_html(),
                                                        "text/plain": "<Figure>"})]
    notebook.cells = [heading, code, figure_cell]
    return notebook


def _context() -> PageContext:
    return PageContext(site_title="Demoton JSNA", page_title="Population",
                       nav=[Link("Overview", "index.html"),
                            Link("Population", "01_population.html", current=True)],
                       downloads=[Link("Pupils", "data/population_t.csv", size="1 KB")],
                       footer="Footer text")


def test_page_hides_code_and_makes_no_external_requests():
    page = render_page(_executed_notebook(), _context())
    assert "secret_code_marker" not in page
    assert "UserWarning" not in page  # streams are logs, not report content
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(http" not in page
    assert "fonts.googleapis" not in page and "cdn" not in page.lower()


def test_page_structure_is_accessible():
    page = render_page(_executed_notebook(), _context())
    assert '<html lang="en-GB">' in page
    assert '<a class="skip-link" href="#main">' in page and '<main id="main"' in page
    assert page.count("<h1") == 1
    levels = [int(n) for n in re.findall(r"<h([1-6])", page)]
    # headings never skip a level going down (h1 → h3 without h2 is an error)
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))
    assert '<caption id="caption-t">Pupils by year group, January 2025</caption>' in page
    assert '<th scope="col"' in page and '<th scope="row"' in page
    figure = BeautifulSoup(page, "html.parser").select_one("figure.chart")
    assert figure.figcaption.get_text() == "A caption"
    assert figure.img["src"].startswith("data:image/svg+xml;base64,")
    assert figure.img["alt"] == "Line chart of pupils, rising from 3 to 4."
    current = BeautifulSoup(page, "html.parser").select('nav.chapters a[aria-current="page"]')
    assert [a.get_text() for a in current] == ["Population"]
    assert ">1,234<" in page and ">[c]<" in page
    link = BeautifulSoup(page, "html.parser").select_one('a[href="data/population_t.csv"]')
    assert link.has_attr("download")


def test_same_input_gives_identical_pages():
    assert render_page(_executed_notebook(), _context()) == render_page(
        _executed_notebook(), _context())


def test_html_notebook_builds_pages_from_pieces():
    page = render_page(html_notebook([("markdown", "# Index"), ("html", "<p>hello</p>")]),
                       _context())
    assert "<h1>Index</h1>" in page and "<p>hello</p>" in page
