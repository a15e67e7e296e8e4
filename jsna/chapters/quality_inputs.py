"""Every cleaned input on the data quality page: its rows accounted for and its validation report.

The census and each local extract the council gives (SEN2 casework, health waiting lists,
children in need) are cleaned by their own cleaner (:mod:`jsna.clean`), which writes a full
validation report with exact counts and example row numbers into the never-published cleaned
folder. The data quality page shows, for each one:

* how every row was accounted for (rows read = rows kept + rows set aside, by reason), through
  :func:`jsna.disclosure.apply_disclosure` with the row total declared, so a small reason is
  hidden with a complement (:func:`reconciliation_table`);
* a link to its **published validation report** (:func:`published_report`): the same
  reconciliation after disclosure control, and each finding as a share of the rows it is counted
  among, or "under 100 rows", as the page's census findings are (exact counts of findings overlap
  the chapters' counts). Example row numbers (spreadsheet rows of the file as supplied, never a
  value) are given only for findings on at least 100 rows, so the number of examples never tells
  a small count. No identifier, value or local path is in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from jsna.clean.reconcile import KEPT, READ
from jsna.clean.report_page import ReportSection, render_report_page
from jsna.clean.validation import FindingType
from jsna.config import Config
from jsna.disclosure import RowTotal, TableRules, apply_disclosure, format_suppressed
from jsna.viz.display import Table, escape

#: Findings are published as a share only from this many rows (fewer are "under 100 rows").
SHARE_FROM_ROWS = 100
FEWER = f"under {SHARE_FROM_ROWS} rows"
#: Where the published reports go in the site (``data/quality_validation_<key>.html``).
REPORT_PREFIX = "quality_validation_"


@dataclass(frozen=True)
class CleanedInput:
    """One cleaned input: what it is, how its rows were accounted for and what was found.

    ``reconciliation`` has ``group, step, reason, rows`` (``group``: a census January, an
    extract's year or a file name); ``findings`` has ``group, finding, column, rows,
    example_rows``; ``finding_types`` describes each finding code.
    """

    key: str
    title: str
    config_key: str
    group_heading: str
    reconciliation: pd.DataFrame
    findings: pd.DataFrame
    finding_types: dict[str, FindingType]

    @property
    def heading(self) -> str:
        """The title as a heading ("School census")."""
        return self.title[:1].upper() + self.title[1:]

    @property
    def report_file(self) -> str:
        """The published report's file name (under ``data/``)."""
        return f"{REPORT_PREFIX}{self.key}.html"


def _grouped(frame: pd.DataFrame, column: str, label: object) -> pd.DataFrame:
    out = frame.copy()
    out["group"] = out[column].map(label) if callable(label) else out[column]
    return out.drop(columns=[column]).astype({"group": str})


def census_input(config: Config) -> CleanedInput:
    """The census (already cleaned into ``config.clean_dir``), for the configured Januaries."""
    from jsna.clean.validation import FINDING_TYPES

    recon = pd.read_csv(config.clean_dir / "reconciliation.csv")
    found = pd.read_csv(config.clean_dir / "validation.csv", keep_default_na=False)
    recon = recon[recon["census_year"].isin(config.census_years)]
    found = found[found["census_year"].isin(config.census_years)]
    january = "January {}".format
    return CleanedInput("census", "school census", "census", "Census",
                        _grouped(recon, "census_year", january),
                        _grouped(found, "census_year", january), FINDING_TYPES)


def extract_inputs(config: Config) -> list[CleanedInput]:
    """The local extracts the config sets, cleaned with the census salt: the same clean the
    chapters read (:mod:`jsna.cleaned` keeps it on disk), made here only if none is kept."""
    from jsna.cleaned import cleaned_cin, cleaned_health, cleaned_sen2

    out = []
    if config.inputs.sen2_extract is not None:
        from jsna.clean.sen2 import FINDING_TYPES

        out.append(_one_year_extract(
            "sen2", "SEN2 casework extract", f"Extract for {config.year}", cleaned_sen2(config),
            FINDING_TYPES))
    from jsna.clean.health import health_extracts

    if health_extracts(config):
        from jsna.clean.health_report import FINDING_TYPES as HEALTH_TYPES

        result = cleaned_health(config)
        out.append(CleanedInput(
            "health", "health waiting-list extracts", "health_waits", "File",
            _grouped(result.reconciliation, "file", None),
            _grouped(result.findings, "file", None), HEALTH_TYPES))
    if config.inputs.cin_extract is not None:
        from jsna.clean.care import FINDING_TYPES as CARE_TYPES

        out.append(_one_year_extract(
            "cin", "children in need and looked after extract", f"Year to 31 March {config.year}",
            cleaned_cin(config), CARE_TYPES))
    return out


def _one_year_extract(key: str, title: str, year: str, result: Any,
                      finding_types: dict[str, FindingType]) -> CleanedInput:
    """An extract of one year (``inputs.<key>_extract``): its rows and findings in one group,
    ``year``, rather than by the cleaner's ``census_year``."""
    return CleanedInput(key, title, f"{key}_extract", "Extract",
                        result.reconciliation.assign(census_year=year).rename(
                            columns={"census_year": "group"}),
                        result.findings.assign(group=year), finding_types)


def reconciliation_frame(reconciliation: pd.DataFrame) -> pd.DataFrame:
    """Rows read, set aside by reason and kept, one count column per group.

    Examples
    --------
    >>> rec = pd.DataFrame({"group": "File A", "step": ["read", "set aside", "kept"],
    ...                     "reason": ["data rows", "blank row", "referrals kept"],
    ...                     "rows": [10, 1, 9]})
    >>> reconciliation_frame(rec).values.tolist()
    [['Read: data rows', 10], ['Set aside: blank row', 1], ['Kept: referrals kept', 9]]
    """
    prefix = {READ: "Read: ", KEPT: "Kept: "}
    labels = reconciliation["step"].map(prefix).fillna("Set aside: ") + reconciliation["reason"]
    order = {READ: 0, KEPT: 2}
    ordered = reconciliation.assign(
        label=labels, step_order=reconciliation["step"].map(order).fillna(1),
        first_seen=range(len(reconciliation))).sort_values(["step_order", "first_seen"],
                                                           kind="stable")
    rows = list(dict.fromkeys(ordered["label"]))
    groups = list(dict.fromkeys(ordered["group"]))
    wide = ordered.pivot_table(index="label", columns="group", values="rows", aggfunc="sum",
                               fill_value=0).reindex(index=rows, columns=groups, fill_value=0)
    return wide.rename_axis(index="Rows", columns=None).reset_index()


def reconciliation_table(cleaned: CleanedInput, *, threshold: int, suppress_zeros: bool
                         ) -> tuple[Table, TableRules, pd.DataFrame]:
    """The input's reconciliation after disclosure control, its rules and the audit."""
    frame = reconciliation_frame(cleaned.reconciliation)
    name = f"quality_reconciliation_{cleaned.key}"
    groups = [c for c in frame.columns if c != "Rows"]
    read = [label for label in frame["Rows"] if label.startswith("Read: ")]
    parts = [label for label in frame["Rows"] if not label.startswith("Read: ")]
    rules = TableRules(key=["Rows"], counts=groups,
                       relations=[RowTotal(total={"Rows": read}, parts={"Rows": parts})])
    protected, audit = apply_disclosure({name: frame}, {name: rules}, threshold=threshold,
                                        suppress_zeros=suppress_zeros)
    shown = format_suppressed(protected[name], columns=groups).drop(columns="note")
    table = Table(
        name, f"How every row was accounted for: rows read = rows kept + rows set aside "
        f"({cleaned.title}, inputs.{cleaned.config_key})", shown, formats=dict.fromkeys(groups, "count"),
        row_header="Rows",
        notes=[f"[c] = suppressed (fewer than {threshold} rows, or a cell that would reveal "
               "one)."])
    return table, rules, audit


def _share(rows: int, base: float) -> str:
    if rows >= SHARE_FROM_ROWS and base:
        return f"{100 * rows / base:.1f}%"
    return FEWER


def findings_rows(cleaned: CleanedInput, reconciliation: pd.DataFrame) -> list[list[str]]:
    """The report's findings as published: group, finding, column, share, examples, action.

    The share is of the rows read or the rows kept (as the finding type says) in its group;
    example rows only from :data:`SHARE_FROM_ROWS` rows.

    Examples
    --------
    >>> from jsna.clean.validation import FindingType
    >>> cleaned = CleanedInput("x", "X", "x", "File", pd.DataFrame(), pd.DataFrame({
    ...     "group": ["A", "A"], "finding": ["f", "g"], "column": ["C", "D"],
    ...     "rows": [200, 3], "example_rows": ["2;5", "7"]}),
    ...     {"f": FindingType("F", "kept"), "g": FindingType("G", "kept")})
    >>> rec = pd.DataFrame({"group": "A", "step": ["read", "kept"], "reason": "",
    ...                     "rows": [1000, 800]})
    >>> findings_rows(cleaned, rec)
    [['A', 'F', 'C', '25.0% of rows kept', '2, 5', 'kept'], ['A', 'G', 'D', 'under 100 rows', \
'', 'kept']]
    """
    totals = reconciliation.groupby(["group", "step"])["rows"].sum()
    out = []
    for row in cleaned.findings.itertuples(index=False):
        rows = int(row.rows)
        if rows == 0 or row.finding not in cleaned.finding_types:
            continue
        kind = cleaned.finding_types[row.finding]
        base = totals.get((row.group, READ if kind.base == "read" else KEPT), 0)
        share = _share(rows, base)
        if share != FEWER:
            share += " of rows read" if kind.base == "read" else " of rows kept"
        examples = ", ".join(str(row.example_rows).split(";")) if rows >= SHARE_FROM_ROWS else ""
        out.append([str(row.group), kind.description, str(row.column), share, examples,
                    kind.action])
    return out


def published_report(cleaned: CleanedInput, reconciliation: Table, council: str) -> str:
    """The input's validation report as published in the site (see the module notes)."""
    frame = reconciliation.frame
    groups = [c for c in frame.columns if c != "Rows"]
    recon_rows = [[str(r["Rows"]), *(_count_text(r[g]) for g in groups)]
                  for r in frame.to_dict("records")]
    found = findings_rows(cleaned, cleaned.reconciliation)
    headings = [cleaned.group_heading, "Finding", "Column", "Share",
                "Example rows (from 100 rows)", "What the cleaner did"]
    if len(groups) == 1:  # one extract or file: its name is in the table above, not each row
        headings, found = headings[1:], [row[1:] for row in found]
    sections = [
        ReportSection("Rows read, set aside and kept", reconciliation.caption,
                      ["Rows", *groups], recon_rows,
                      numeric=frozenset(range(1, len(groups) + 1)),
                      note=reconciliation.notes[0]),
        ReportSection("What the cleaner found", f"Findings of the {cleaned.title} "
                      "cleaner, as a share of the rows they are counted among",
                      headings, found,
                      note=(f"Exact counts of findings are not published (many of these rows "
                            "are also counted in the chapters): each is a share from "
                            f"{SHARE_FROM_ROWS} rows, otherwise '{FEWER}'. Example rows are "
                            "row numbers of the file as supplied (the heading is row 1), "
                            "never a value; the full report with every count stays in the "
                            "council's cleaned folder.")),
    ]
    return render_report_page(f"{council}: {cleaned.title} validation report",
                              f"How the toolkit cleaned the {cleaned.title} "
                              f"({cleaned.config_key}) for this JSNA.", sections)


def _count_text(value: object) -> str:
    if isinstance(value, str):
        return value
    return f"{int(value):,}"


@dataclass
class CleanedInputs:
    """The data quality page's section on cleaned inputs: per input, its reconciliation table
    and a link to its published validation report."""

    inputs: list[tuple[CleanedInput, Table]]
    #: Inputs whose reconciliation table is shown elsewhere on the page (the census's).
    shown_above: tuple[str, ...] = ("census",)

    def _repr_html_(self) -> str:
        parts = []
        for cleaned, table in self.inputs:
            parts.append(f'<h3 id="cleaned-{escape(cleaned.key)}">{escape(cleaned.heading)}</h3>')
            if cleaned.key not in self.shown_above:
                parts.append(table._repr_html_())
            parts.append(f'<p><a href="data/{escape(cleaned.report_file)}">Validation report of '
                         f"the {escape(cleaned.title)}</a> (what the cleaner found, as "
                         "shares, with example row numbers; no identifiers).</p>")
        return "".join(parts)

    def _repr_markdown_(self) -> str:
        return "\n\n".join(f"### {c.heading}\n\n[Validation report](data/{c.report_file})"
                           for c, _ in self.inputs)
