"""What every chapter returns, and how a chapter's outputs are written.

A chapter module's ``build(config)`` returns a :class:`Chapter`: findings (sentences written from
the data), tables and figures (already through disclosure control), the chapter's rows of the long
indicator table and the disclosure audit. The notebook displays them between short prose cells and
calls :meth:`Chapter.save` once, which writes the chapter's downloads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from jsna.disclosure import TableRules, rules_to_json
from jsna.indicators.table import CSV_FLOAT_FORMAT
from jsna.literal import write_csv
from jsna.viz.display import Figure, Table, escape

#: Sub-folders of a council's output folder.
DATA_FOLDER = "data"
FIGURE_FOLDER = "figures"
REVIEW_PARTS_FOLDER = Path("review") / "parts"


#: Heading of the findings panel of a chapter that is only a box naming its missing input.
INPUT_NEEDED = "Input needed"


@dataclass(frozen=True)
class Gap:
    """Something a chapter could not show, and why (listed on the data quality page)."""

    #: What is missing from the page ("EHC plans held by 16 to 25 year olds").
    what: str
    #: The reason, naming the input that would fill it where there is one.
    why: str


@dataclass
class Findings:
    """Key findings shown in a panel at the top of a chapter."""

    sentences: list[str]
    heading: str = "Key findings"

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{escape(s)}</li>" for s in self.sentences)
        return (
            '<section class="findings" aria-labelledby="key-findings">'
            f'<h2 id="key-findings">{escape(self.heading)}</h2><ul>{items}</ul></section>'
        )

    def _repr_markdown_(self) -> str:
        return f"## {self.heading}\n\n" + "\n".join(f"- {s}" for s in self.sentences)


@dataclass
class Chapter:
    """A built chapter.

    Attributes
    ----------
    key : str
        Chapter key (``"population"``); prefixes every download.
    title : str
        Page title.
    findings : Findings
        Sentences written from the (disclosure-controlled) data.
    tables, figures : dict
        Display objects by short name.
    indicators : DataFrame
        The chapter's rows of the long indicator table, after disclosure control.
    disclosure : DataFrame
        One row per suppressed cell with its reason (never the hidden value).
    rules : dict
        Table name (``Table.name``, the CSV's stem) -> :class:`jsna.disclosure.TableRules` of
        the table *as published*: its count columns (``[c]`` = suppressed), the rows published
        by others (``exempt_where``) and the relations tying its counts to each other, to other
        tables and to the indicator table (``"indicators"``). The site-wide disclosure gate
        (:mod:`jsna.review.disclosure_gate`) reads them; a table without rules fails the gate.
    gaps : list of Gap
        What the chapter could not show and why (an input not given, a file without the
        council's rows...), listed on the data quality page. A chapter whose findings panel is
        headed "Input needed" is listed without one.
    """

    key: str
    title: str
    findings: Findings
    tables: dict[str, Table] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)
    indicators: pd.DataFrame = field(default_factory=pd.DataFrame)
    disclosure: pd.DataFrame = field(default_factory=pd.DataFrame)
    rules: dict[str, TableRules] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)

    def save(self, output_dir: str | Path) -> list[Path]:
        """Write the chapter's downloads under ``output_dir``.

        Writes ``data/<key>_<table>.csv`` for each table, ``data/<key>_indicators.csv`` (when the
        chapter has indicator rows),
        ``figures/<key>_<figure>.svg``, ``review/parts/disclosure_<key>.csv``,
        ``review/parts/findings_<key>.json`` (the key findings, shown on the site's index),
        ``review/parts/gaps_<key>.json`` (what it could not show, for the data quality page) and
        ``review/parts/rules_<table>.json`` for each table with rules (for the disclosure gate).

        Returns
        -------
        list of Path
            The files written.
        """
        output_dir = Path(output_dir)
        data = output_dir / DATA_FOLDER
        written = [table.write_csv(data) for table in self.tables.values()]
        written += [figure.write_svg(output_dir / FIGURE_FOLDER) for figure in self.figures.values()]
        data.mkdir(parents=True, exist_ok=True)
        if not self.indicators.empty:  # a chapter without indicator rows offers no empty download
            path = data / f"{self.key}_indicators.csv"
            write_csv(self.indicators, path, float_format=CSV_FLOAT_FORMAT)
            written.append(path)
        parts = output_dir / REVIEW_PARTS_FOLDER
        parts.mkdir(parents=True, exist_ok=True)
        path = parts / f"disclosure_{self.key}.csv"
        write_csv(self.disclosure, path)
        written.append(path)
        path = parts / f"findings_{self.key}.json"
        path.write_text(json.dumps(self.findings.sentences, indent=1) + "\n", encoding="utf-8")
        written.append(path)
        gaps = list(self.gaps)
        if self.findings.heading == INPUT_NEEDED:
            gaps.insert(0, Gap("The whole chapter", " ".join(self.findings.sentences)))
        path = parts / f"gaps_{self.key}.json"
        path.write_text(json.dumps([{"what": g.what, "why": g.why} for g in gaps], indent=1,
                                   ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
        for name, rules in sorted(self.rules.items()):
            path = parts / f"rules_{name}.json"
            path.write_text(json.dumps(rules_to_json(rules), indent=1, ensure_ascii=False) + "\n",
                            encoding="utf-8")
            written.append(path)
        return written
