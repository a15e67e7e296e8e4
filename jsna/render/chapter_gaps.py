"""The data quality page's list of what each chapter could not compute, built with the site.

The data quality notebook runs beside the other chapters, so it cannot see what they left out;
this section is added to its page when the site is assembled, after every chapter has run, from
:func:`jsna.chapters.quality.chapter_gaps`.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from jsna.chapters.quality import chapter_gaps_table
from jsna.config import Config
from jsna.render.html import html_notebook
from jsna.render.runner import ChapterResult


def quality_gap_cells(config: Config, folder: Path, results: list[ChapterResult],
                      ) -> list[nbformat.NotebookNode]:
    """The data quality page's section "What each chapter could not compute, and why".

    Built when the site is assembled, after every chapter has run (the data quality notebook
    runs beside the others, so it cannot see them): see
    :func:`jsna.chapters.quality.chapter_gaps`.

    Parameters
    ----------
    config : Config
        The council's configuration.
    folder : Path
        Where the chapters wrote their downloads.
    results : list of ChapterResult
        This refresh's chapters, in order.

    Returns
    -------
    list of nbformat.NotebookNode
        A heading, a sentence and the table, as page cells.
    """
    table = chapter_gaps_table(config, folder, {r.name: r.ok for r in results})
    cells = html_notebook([
        ("html", '<h2 id="chapter-gaps">What each chapter could not compute, and why</h2>'),
        ("markdown", "Every figure a chapter leaves out, with the reason: an input not given, "
                     "a published file without the council's figure, or a value hidden by "
                     "disclosure control. Giving the input named fills the gap at the next "
                     "refresh."),
        ("html", table.to_html()),
    ]).cells
    for number, cell in enumerate(cells):
        cell.id = f"chapter-gaps-{number}"
    return cells
