"""The site-wide disclosure gate: proof that no suppressed count can be worked out from the site.

Each chapter protects its own tables (:mod:`jsna.disclosure`), but the site publishes the same
pupils many times over: the indicator download and every chapter's tables, across chapters and
censuses, and last year's values in ``review/changes.csv``. After every chapter is built and
before the site is published, :func:`check_site` reads the staged site folder only and

1. gathers every count it publishes about the council's own pupils: ``data/indicators.csv`` and
   each chapter's ``data/<chapter>_indicators.csv`` (the council's rows and its wards; England,
   regions and other councils are published by DfE and exempt), and every other table under
   ``data/`` with the rules its chapter wrote beside it (``review/parts/rules_<table>.json``,
   see :meth:`jsna.chapters.base.Chapter.save`);
2. gathers the relations that tie them: each table's declared relations (totals, wards plus
   "not known" = the council, the same count in another table or chapter), the indicator
   catalogue's relations (:func:`jsna.indicator_disclosure.indicator_relations`: breakdowns that partition their
   denominator, a denominator that is another indicator's count) and the same row in every
   indicator file;
3. checks that every declared relation holds on the published numbers (a relation that does not
   hold is a wrong declaration, and the proof would not be sound);
4. proves that no suppressed cell ("[c]") is determined exactly: its row of the null space of
   the relations restricted to the unknown cells is not zero (the method of
   :mod:`jsna.disclosure`);
5. bounds every suppressed cell from the relations and non-negativity with a linear programme
   (HiGHS; the independent parts of the system are solved together, one cell of each per
   programme) and fails any cell whose range is narrower than the threshold while its lower
   bound is below the threshold (it could be a small count, and the range would nearly give
   it away);
6. checks that no value derived from a suppressed count is shown (a table's declared derived
   columns; a percentage in ``review/changes.csv`` for a suppressed indicator count), that each
   page's HTML table hides exactly the cells its CSV hides (so the proof on the CSVs covers the
   pages), that no key finding, chart alt text or caption names a suppressed row with a number
   (e.g. "Amberleigh (1.2%)"), and that the counts stated in the key findings are published
   counts.

The gate cannot add suppression itself (charts and pages are already drawn from the chapter's
numbers), so a failure lists each exposed cell with the published cells that determine it, and
the refresh must not publish the site.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.chapter_list import CHAPTERS
from jsna.disclosure import (
    INDICATOR_KEY,
    INDICATOR_TABLE,
    SUPPRESSED,
    SameCells,
    TableRules,
    _build_relations,
    _Cells,
    _null_space,
    _row_keys,
    exempt_mask,
    rest_rows,
    rules_from_json,
)
from jsna.errors import JsnaError, JsnaInputError
from jsna.indicator_disclosure import NOT_SHOWN_NOTES, indicator_table_rules, withdraw_hidden_trends
from jsna.indicators.catalogue import indicator_catalogue
from jsna.literal import csv_cell_as_published, csv_read_as_published
from jsna.stats.trend import CANNOT

#: Folder (under the site) of the chapters' rules and findings files.
PARTS_FOLDER = Path("review") / "parts"

#: Largest value a hidden count is allowed in the bounds programme (stands for "no bound").
_CAP = 1e9
#: Published numbers are whole counts; a relation holds when it balances within this.
_TOLERANCE = 0.5
_NUMBER = re.compile(r"(?<![\w.,/])(\d{1,3}(?:,\d{3})+|\d+)(?![\w/]|\.\d|%|,\d)")
#: Words around a whole number in a finding that make it a rank, decile, band, key stage, age,
#: school year, qualification level, ratio, span of time or a number of places rather than a count
#: of pupils.
_NOT_A_COUNT_BEFORE = re.compile(
    r"\b(ranks?|ranked|deciles?|band|quartile|key stage|level|aged?|ages|year|\d+ in)"
    r"(\s+\d+\s+(and|of|to))?\s+$", re.IGNORECASE)
_NOT_A_COUNT_AFTER = re.compile(r"\s*(=|times\b|weeks?\b|months?\b|years?\b|in \d|wards?\b|"
                                r"places?\b|(more\s+)?inputs?\b|"
                                r"schools?\b|mainstream schools\b|councils?\b|"
                                r"statistical neighbours\b)", re.IGNORECASE)


@dataclass(frozen=True)
class Exposure:
    """A suppressed cell the published site gives away (fully or within a narrow range)."""

    table: str
    row: str
    column: str
    problem: str
    determined_by: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = f"{self.table}: {self.row}: {self.column}: {self.problem}"
        if self.determined_by:
            shown = list(self.determined_by[:8])
            more = len(self.determined_by) - len(shown)
            text += "; from " + ", ".join(shown) + (f" and {more} more" if more > 0 else "")
        return text


@dataclass
class GateReport:
    """What the gate checked and what it found.

    Attributes
    ----------
    tables : list of str
        Tables read (CSV stems under ``data/``).
    cells : int
        Count cells about the council's pupils.
    hidden : int
        Suppressed cells among them.
    relations : int
        Additive relations between them.
    exposures : list of Exposure
        Suppressed cells that are recoverable or nearly so.
    problems : list of str
        Anything else that makes the proof impossible (a table without rules, a relation that
        does not hold, a finding stating a small count no table publishes).
    warnings : list of str
        Worth a reviewer's look, not a failure (e.g. a count in a finding that is not a
        published cell, such as a sum of published cells).
    """

    tables: list[str] = field(default_factory=list)
    cells: int = 0
    hidden: int = 0
    relations: int = 0
    exposures: list[Exposure] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing exposed and no problem."""
        return not self.exposures and not self.problems

    def message(self) -> str:
        """Every exposure and problem, one per line (no hidden value is ever known here)."""
        lines = [f"disclosure gate: {len(self.exposures)} suppressed cell(s) exposed, "
                 f"{len(self.problems)} problem(s) ({self.hidden} suppressed of {self.cells} "
                 f"cells in {len(self.tables)} tables, {self.relations} relations)"]
        lines += [f"  exposed: {e}" for e in self.exposures]
        lines += [f"  problem: {p}" for p in self.problems]
        return "\n".join(lines)

    def raise_if_failed(self) -> None:
        """Raise :class:`jsna.errors.JsnaError` with :meth:`message` unless :attr:`ok`."""
        if not self.ok:
            raise JsnaError(self.message())


# --------------------------------------------------------------------------- reading the site


def _read_csv(path: Path) -> pd.DataFrame:
    # names that would start a formula are quoted in the CSVs (jsna.literal): compare them as
    # the names they are
    return csv_read_as_published(
        pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8"))


def _numbers(column: pd.Series) -> pd.Series:
    """Published numbers of a column; symbols ([c], [x], [z]) and blanks are missing."""
    numbers = pd.to_numeric(column, errors="coerce")
    grouped = numbers.isna().to_numpy() & column.astype(str).str.contains(",", regex=False)
    if grouped.any():  # thousands separators (as on the pages)
        numbers[grouped] = pd.to_numeric(column[grouped].str.replace(",", "", regex=False),
                                         errors="coerce")
    return numbers.astype(float)


def _is_indicator_table(name: str) -> bool:
    return name == INDICATOR_TABLE or name.endswith("_" + INDICATOR_TABLE)


def _council_rows(frame: pd.DataFrame, council_code: str) -> pd.DataFrame:
    """The council's own rows and its small areas (all other rows are published by others)."""
    mine = (frame["area_code"] == council_code) | frame["area_type"].isin(["Ward", "LSOA"])
    return frame[mine].reset_index(drop=True)


@dataclass
class _Table:
    frame: pd.DataFrame  # counts as numbers (missing when not published)
    raw: pd.DataFrame  # as published (text)
    rules: TableRules
    hidden: np.ndarray  # per count column, stacked in the order of rules.counts
    _keys: list[str] | None = None
    every_area: pd.DataFrame | None = None  # an indicator file's rows of every area (text)

    def keys(self, name: str) -> list[str]:
        """Row keys for messages (``column=value; ...``), computed once."""
        if self._keys is None:
            self._keys = _row_keys(self.frame, self.rules.key, name)
        return self._keys


def _indicator_table(name: str, raw: pd.DataFrame, council_code: str) -> _Table:
    missing = [c for c in (*INDICATOR_KEY, "area_type", "count", "denominator", "note")
               if c not in raw.columns]
    if missing:
        raise JsnaInputError(f"data/{name}.csv lacks column(s) {missing} of the indicator table")
    every_area = raw
    raw = _council_rows(raw, council_code)
    frame = raw.copy()
    for column in ("count", "denominator"):
        frame[column] = _numbers(raw[column])
    rules = indicator_table_rules(frame, council_code=council_code, table_name=name)
    if name != INDICATOR_TABLE:
        rules = replace(rules, relations=[*rules.relations, SameCells(
            INDICATOR_TABLE, on=list(INDICATOR_KEY),
            columns={"count": "count", "denominator": "denominator"})])
    suppressed = (raw["note"] == SUPPRESSED).to_numpy()
    hidden = np.concatenate([suppressed & frame[c].isna().to_numpy() for c in rules.counts])
    return _Table(frame, raw, rules, hidden, every_area=every_area)


def _declared_table(name: str, raw: pd.DataFrame, rules: TableRules) -> _Table:
    missing = sorted({c for c in [*rules.counts, *rules.derived, *rules.key]
                      if c not in raw.columns})
    if missing:
        raise JsnaInputError(f"data/{name}.csv lacks column(s) {missing} named in its rules")
    frame = raw.copy()
    for column in rules.counts:
        frame[column] = _numbers(raw[column])
    exempt = exempt_mask(frame, rules, name)
    hidden = np.concatenate([(raw[c].str.strip() == SUPPRESSED).to_numpy() & ~exempt
                             for c in rules.counts]) if rules.counts else np.zeros(0, dtype=bool)
    return _Table(frame, raw, rules, hidden)


def _read_site(site_dir: Path, council_code: str, report: GateReport) -> dict[str, _Table]:
    tables: dict[str, _Table] = {}
    for path in sorted((site_dir / "data").glob("*.csv")):
        name = path.stem
        raw = _read_csv(path)
        if _is_indicator_table(name):
            tables[name] = _indicator_table(name, raw, council_code)
            continue
        rules_path = site_dir / PARTS_FOLDER / f"rules_{name}.json"
        if not rules_path.exists():
            report.problems.append(
                f"data/{name}.csv has no disclosure rules ({rules_path.relative_to(site_dir)} "
                "is missing): its counts cannot be checked")
            continue
        try:
            data = json.loads(rules_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise JsnaInputError(f"{rules_path}: not valid JSON ({error})") from None
        tables[name] = _declared_table(name, raw, rules_from_json(data, str(rules_path)))
    report.tables = list(tables)
    # a relation to a table that is not on the site (its chapter was not run) ties nothing
    for table in tables.values():
        kept = [r for r in table.rules.relations
                if not (isinstance(r, SameCells) and r.other_table not in tables)]
        table.rules = replace(table.rules, relations=kept)
    return tables


# --------------------------------------------------------------------------- the proof


def _components(matrix, n_unknown: int) -> tuple[int, np.ndarray, np.ndarray]:
    """Connected parts of the relation-cell graph (relations first, then unknown cells)."""
    from scipy.sparse import bmat
    from scipy.sparse.csgraph import connected_components

    graph = bmat([[None, matrix], [matrix.T, None]], format="csr")
    count, labels = connected_components(graph, directed=False)
    n_rel = matrix.shape[0]
    return count, labels[:n_rel], labels[n_rel:n_rel + n_unknown]


def _describe_cells(ids: np.ndarray, cells: _Cells, keys: dict[str, list[str]]) -> list[str]:
    return [f"{cells.table[i]}: {keys[cells.table[i]][cells.row[i]]}: {cells.column[i]}"
            for i in ids]


def check_site(site_dir: Path, *, council_code: str, threshold: int) -> GateReport:
    """Prove that the staged site gives away no suppressed count of the council's pupils.

    Parameters
    ----------
    site_dir : pathlib.Path
        The council's staged output folder (``data/``, ``review/``), read only.
    council_code : str
        The council's area code: its rows, and its wards', are checked; England, regions and
        other councils are published by others and exempt.
    threshold : int
        The disclosure threshold: counts from 1 to ``threshold - 1`` are suppressed.

    Returns
    -------
    GateReport
        ``report.ok`` is False when a suppressed cell is exposed or the proof is impossible;
        :meth:`GateReport.message` lists each with the published cells that determine it.

    Raises
    ------
    JsnaInputError
        When a table or rules file cannot be read.
    """
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix, vstack

    site_dir = Path(site_dir)
    report = GateReport()
    tables = _read_site(site_dir, council_code, report)
    if not tables:
        return report
    frames = {name: t.frame for name, t in tables.items()}
    rules = {name: t.rules for name, t in tables.items()}
    cells = _Cells(frames, rules)
    keys = {name: tables[name].keys(name) for name in cells.names}
    hidden = np.concatenate([tables[name].hidden for name in cells.names])
    values = cells.values
    unknown = ~np.isfinite(values)
    hidden &= unknown
    relations = _build_relations(frames, rules, cells)
    report.cells, report.hidden, report.relations = len(values), int(hidden.sum()), len(relations)
    _check_derived(tables, report)
    _check_changes(site_dir, tables, council_code, report)
    pages = _read_pages(site_dir)
    _check_html_tables(pages, tables, report)
    _check_findings(site_dir, tables, threshold, report)
    _check_mentions(site_dir, pages, tables, council_code, threshold, report)
    _check_trends(tables, report)
    rest_totals, at_most = _check_rests(tables, cells, keys, threshold, report)
    if not relations:
        return report

    rows = np.concatenate([np.full(len(ids), i) for i, (ids, _) in enumerate(relations)])
    cols = np.concatenate([ids for ids, _ in relations])
    data = np.concatenate([coefs for _, coefs in relations])
    matrix = csr_matrix((data, (rows, cols)), shape=(len(relations), len(values)))
    known_values = np.where(unknown, 0.0, values)
    balance = matrix @ known_values  # sum over published cells of each relation
    unknown_ids = np.flatnonzero(unknown)
    on_unknown = matrix[:, unknown_ids].tocsr()
    open_count = np.diff((on_unknown != 0).astype(np.int8).tocsr().indptr)
    exempt = cells.exempt
    for i in np.flatnonzero((open_count == 0) & (np.abs(balance) > _TOLERANCE)):
        ids = relations[i][0]
        if exempt[ids].all():
            continue
        report.problems.append(
            "a declared relation does not hold on the published numbers (out by "
            f"{balance[i]:g}): " + " = ".join(
                [_describe_cells(ids[:1], cells, keys)[0],
                 " + ".join(_describe_cells(ids[1:6], cells, keys))
                 + (" + ..." if len(ids) > 6 else "")]))
    if not hidden.any():
        return report

    # parts at most their totals tie cells too: the programme of a cell must hold every cell
    # an inequality ties to it, or maximising several blocks' cells together trades them off
    coupling = _coupling(at_most, unknown, unknown_ids)
    count, rel_label, cell_label = _components(
        on_unknown if coupling is None else vstack([on_unknown, coupling]).tocsr(),
        len(unknown_ids))
    rel_label = rel_label[:on_unknown.shape[0]]
    hidden_unknown = hidden[unknown_ids]
    wanted = np.unique(cell_label[hidden_unknown])
    determined: set[int] = set()
    blocks = []
    for label in wanted:
        rel_idx = np.flatnonzero(rel_label == label)
        var_idx = np.flatnonzero(cell_label == label)
        if rel_idx.size == 0:
            continue  # a hidden cell in no relation: nothing can pin it
        dense = on_unknown[rel_idx][:, var_idx].toarray()
        basis = _null_space(dense)
        free = (np.linalg.norm(basis, axis=1) > 1e-9) if basis.size else np.zeros(
            var_idx.size, dtype=bool)
        for j in np.flatnonzero(hidden_unknown[var_idx] & ~free):
            cell = int(unknown_ids[var_idx[j]])
            determined.add(cell)
            target = np.zeros(var_idx.size)
            target[j] = 1.0
            weights = np.linalg.lstsq(dense.T, target, rcond=None)[0]
            used = rel_idx[np.abs(weights) > 1e-9]
            report.exposures.append(_exposure(cell, "determined exactly", used, relations,
                                              unknown, cells, keys))
        blocks.append((rel_idx, var_idx))
    _check_bounds(blocks, on_unknown, balance, unknown_ids, hidden_unknown, determined,
                  threshold, relations, unknown, cells, keys, report, linprog,
                  (rest_totals, at_most))
    return report


def _check_rests(tables: dict[str, _Table], cells: _Cells, keys: dict[str, list[str]],
                 threshold: int, report: GateReport
                 ) -> tuple[dict[int, tuple[float, int]], list[np.ndarray]]:
    """No published parts leave a small rest of their published total (a count of people by
    subtraction: plans issued late = issued - issued within 20 weeks).

    Returns, for :func:`_check_bounds`, each suppressed part whose total and other parts are
    published, with the total less those parts and the total's cell (the part's range bounds
    the rest's), and the cells of every row with a suppressed cell among its parts and total
    (the parts, then the total: the parts add up to at most the total, which anyone knows).
    """
    hidden_parts: dict[int, tuple[float, int]] = {}
    at_most: list[np.ndarray] = []
    for name, table in tables.items():
        for rest, rows, parts, totals in rest_rows(table.frame, table.rules, name):
            part_ids = np.column_stack([cells.ids(name, c, rows) for c in rest.part_columns])
            total_ids = cells.ids(name, rest.total, rows)
            left = totals - parts.sum(axis=1)
            for row in range(rows.size):
                if np.isfinite(left[row]):
                    if 0 < left[row] < threshold:
                        report.exposures.append(Exposure(
                            name, keys[name][rows[row]], ", ".join(rest.part_columns),
                            f"leave a rest below the threshold {threshold} of {rest.total} "
                            "(a small count of people by subtraction)",
                            tuple(_describe_cells(np.array([total_ids[row]]), cells, keys))))
                    continue
                at_most.append(np.append(part_ids[row], total_ids[row]))
                missing = np.flatnonzero(~np.isfinite(parts[row]))
                if np.isfinite(totals[row]) and missing.size == 1:
                    others = np.delete(parts[row], missing).sum()
                    hidden_parts[int(part_ids[row, missing[0]])] = (
                        float(totals[row] - others), int(total_ids[row]))
    return hidden_parts, at_most


def _exposure(cell: int, problem: str, used: np.ndarray, relations, unknown, cells, keys
              ) -> Exposure:
    given: list[int] = []
    for i in used:
        given += [int(c) for c in relations[i][0] if not unknown[c] and int(c) not in given]
    return Exposure(str(cells.table[cell]), keys[cells.table[cell]][cells.row[cell]],
                    str(cells.column[cell]), problem,
                    tuple(_describe_cells(np.array(given, dtype=int), cells, keys)))


def _coupling(at_most: list[np.ndarray], unknown: np.ndarray, unknown_ids: np.ndarray):
    """The unknown cells of each rest row, as rows of a matrix over the unknown cells (for the
    connected parts of the system); None when there is none."""
    from scipy.sparse import csr_matrix

    rows, cols = [], []
    for number, ids in enumerate(at_most):
        open_ids = ids[unknown[ids]]
        rows += [number] * open_ids.size
        cols += np.searchsorted(unknown_ids, open_ids).tolist()
    if not rows:
        return None
    return csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(at_most), unknown_ids.size))


def _parts_at_most_total(at_most: list[np.ndarray], unknown: np.ndarray, unknown_ids: np.ndarray,
                         position: np.ndarray, cells: _Cells):
    """``sum(parts) - total <= 0`` over the programme's variables, one row per declared rest
    with a suppressed cell (the published cells moved to the right-hand side); a row with a
    suppressed cell outside the programme, or whose published parts already exceed the total,
    is left out (each could only narrow the bounds)."""
    from scipy.sparse import csr_matrix

    rows, cols, data, rhs = [], [], [], []
    for ids in at_most:
        coefs = np.ones(ids.size)
        coefs[-1] = -1.0
        open_cells = unknown[ids]
        variables = position[np.searchsorted(unknown_ids, ids[open_cells])]
        if (variables < 0).any():
            continue
        limit = -float(coefs[~open_cells] @ cells.values[ids[~open_cells]])
        if limit < 0:
            continue  # the published parts exceed the total: not a part of it after all
        rows += [len(rhs)] * variables.size
        cols += variables.tolist()
        data += coefs[open_cells].tolist()
        rhs.append(limit)
    if not rhs:
        return None, None
    return csr_matrix((data, (rows, cols)), shape=(len(rhs), position.max() + 1)), np.array(rhs)


def _check_bounds(blocks, on_unknown, balance, unknown_ids, hidden_unknown, determined,
                  threshold, relations, unknown, cells, keys, report, linprog,
                  rests) -> None:
    """Bounds of every hidden cell from the relations, non-negativity and parts being at most
    their total (one LP per round, the independent blocks solved together); a hidden part of a
    published total also bounds the rest (total minus the part), which must not be narrowed to
    a small count either."""
    from scipy.sparse import csr_matrix

    if not blocks:
        return
    rel_all = np.concatenate([r for r, _ in blocks])
    var_all = np.concatenate([v for _, v in blocks])
    position = np.full(on_unknown.shape[1], -1)
    position[var_all] = np.arange(var_all.size)
    system = on_unknown[rel_all][:, var_all]
    system = csr_matrix(system)
    rhs = -balance[rel_all]
    rest_totals, at_most = rests
    upper, upper_rhs = _parts_at_most_total(at_most, unknown, unknown_ids, position, cells)
    targets = [var_idx[hidden_unknown[var_idx]] for _, var_idx in blocks]
    rounds = max(t.size for t in targets)
    low = np.full(var_all.size, np.nan)
    high = np.full(var_all.size, np.nan)
    for k in range(rounds):
        chosen = np.array([t[k] for t in targets if t.size > k])
        objective = np.zeros(var_all.size)
        objective[position[chosen]] = 1.0
        bounds = (0, _CAP)
        lowest = linprog(objective, A_ub=upper, b_ub=upper_rhs, A_eq=system, b_eq=rhs,
                         bounds=bounds, method="highs")
        highest = linprog(-objective, A_ub=upper, b_ub=upper_rhs, A_eq=system, b_eq=rhs,
                          bounds=bounds, method="highs")
        if lowest.status != 0 or highest.status != 0:
            report.problems.append(
                "the published numbers contradict the declared relations (no non-negative "
                "values fit them): check the relations of "
                + ", ".join(sorted({str(cells.table[unknown_ids[c]]) for c in chosen})))
            return
        low[position[chosen]] = lowest.x[position[chosen]]
        high[position[chosen]] = highest.x[position[chosen]]
    for (rel_idx, _), target in zip(blocks, targets, strict=True):
        for j in target:
            cell = int(unknown_ids[j])
            lo, hi = max(float(low[position[j]]), 0.0), float(high[position[j]])
            if cell in rest_totals and cell not in determined:
                total, total_cell = rest_totals[cell]
                rest_low, rest_high = max(total - hi, 0.0), max(total - lo, 0.0)
                if rest_high - rest_low < threshold and rest_low < threshold and rest_high > 0:
                    report.exposures.append(_exposure(
                        cell, f"leaves the rest of {cells.column[total_cell]} only "
                              f"{rest_high - rest_low:g} wide (bounds {rest_low:g} to "
                              f"{rest_high:g}), narrower than the threshold {threshold}",
                        rel_idx, relations, unknown, cells, keys))
            if cell in determined or not (hi - lo < threshold and lo < threshold):
                continue
            problem = ("determined exactly by the relations and non-negativity" if hi - lo < 0.5
                       else f"only {hi - lo:g} wide (bounds {lo:g} to {hi:g}), narrower than "
                            f"the threshold {threshold}")
            report.exposures.append(_exposure(cell, problem, rel_idx, relations, unknown,
                                              cells, keys))


# --------------------------------------------------------------------------- derived values


def _check_derived(tables: dict[str, _Table], report: GateReport) -> None:
    """A value computed from a suppressed count (a percentage...) must not be shown."""
    for name, table in tables.items():
        rules = table.rules
        n = len(table.frame)
        hidden = {c: table.hidden[i * n:(i + 1) * n] for i, c in enumerate(rules.counts)}
        derived = dict(rules.derived)
        if _is_indicator_table(name):
            derived = {c: ["count", "denominator"] for c in ("value", "lower_ci_95",
                                                               "upper_ci_95") if c in table.raw}
        for column, sources in derived.items():
            mask = np.zeros(n, dtype=bool)
            for source in sources:
                mask |= hidden.get(source, np.zeros(n, dtype=bool))
            shown = mask & _numbers(table.raw[column]).notna().to_numpy()
            if not shown.any():
                continue
            keys = table.keys(name)
            for row in np.flatnonzero(shown):
                report.exposures.append(Exposure(
                    name, keys[row], column, "derived from a suppressed count but shown",
                    tuple(f"{name}: {keys[row]}: {s}" for s in sources)))


def _check_trends(tables: dict[str, _Table], report: GateReport) -> None:
    """A recent-trend label must not rest on a point that is not published.

    Every indicator file's rows (every area: the labels are this JSNA's statistics) are read as
    published; a row whose five-point window (its own period and the four before it, same
    indicator, area and breakdown) holds a point not published (note ``[c]``, ``[x]`` or
    ``[low]``, or no value) must carry "Cannot be calculated" or no label, and so must a row
    that is not published itself. The windows are the pipeline's own
    (:func:`jsna.indicator_disclosure.withdraw_hidden_trends`).
    """
    for name, table in tables.items():
        rows = table.every_area
        if rows is None or "recent_trend" not in rows.columns or rows.empty:
            continue
        published = rows["recent_trend"].astype(str).str.strip()
        expected = withdraw_hidden_trends(rows)["recent_trend"].astype(str).str.strip()
        own_point_hidden = rows["note"].astype(str).isin(NOT_SHOWN_NOTES)
        if "value" in rows.columns:
            own_point_hidden |= _numbers(rows["value"]).isna()
        labelled = ~published.isin(["", CANNOT])
        wrong = labelled & ((expected == CANNOT) | own_point_hidden)
        for row in np.flatnonzero(wrong.to_numpy()):
            key = "; ".join(f"{k}={rows[k].iloc[row]}" for k in INDICATOR_KEY)
            report.exposures.append(Exposure(
                name, key, "recent_trend",
                f"the trend {published.iloc[row]!r} rests on a point that is not published "
                "(expected 'Cannot be calculated')"))


def _check_changes(site_dir: Path, tables: dict[str, _Table], council_code: str,
                   report: GateReport) -> None:
    """``review/changes.csv`` must not show this year's or last year's value of a suppressed
    indicator count (with the published denominator it gives the count)."""
    path = site_dir / "review" / "changes.csv"
    table = tables.get(INDICATOR_TABLE)
    if not path.exists() or table is None:
        return
    changes = _council_rows(_read_csv(path), council_code)
    n = len(table.frame)
    hidden = table.hidden[:n]  # the count column comes first
    hidden_keys = table.frame.loc[hidden, list(INDICATOR_KEY)]
    merged = changes.merge(hidden_keys, on=list(INDICATOR_KEY), how="inner")
    for column in ("previous_value", "current_value"):
        shown = merged[_numbers(merged[column]).notna()]
        for _, row in shown.iterrows():
            key = "; ".join(f"{k}={row[k]}" for k in INDICATOR_KEY)
            report.exposures.append(Exposure(
                "changes", key, column, "the percentage of a suppressed count is shown",
                (f"{INDICATOR_TABLE}: {key}: denominator",)))


# --------------------------------------------------------------------------- findings


def _published_counts(tables: dict[str, _Table]) -> set[float]:
    found: set[float] = set()
    for table in tables.values():
        for column in table.rules.counts:
            found |= set(table.frame[column].dropna().astype(float))
    return found


def _check_findings(site_dir: Path, tables: dict[str, _Table], threshold: int,
                    report: GateReport) -> None:
    """Counts stated in the key findings must be counts the tables publish.

    A whole number in a sentence (not a percentage, decimal, year or academic year, and not a
    rank, decile or a number of wards or schools) that no table publishes is a warning (it may
    be a sum of published counts); one from 1 to ``threshold - 1`` is a problem: a small
    count that appears nowhere else is exactly what suppression hides.
    """
    published = _published_counts(tables)
    names = _names(site_dir, tables)
    for path in sorted((site_dir / PARTS_FOLDER).glob("findings_*.json")):
        sentences = json.loads(path.read_text(encoding="utf-8"))
        for number, sentence in enumerate(sentences, start=1):
            # a digit inside a council's, ward's or school's name is not a count
            shown = names.sub("NAME", sentence) if names is not None else sentence
            for match in _NUMBER.finditer(shown):
                text = match.group(1)
                value = float(text.replace(",", ""))
                if 1900 <= value <= 2100 and "," not in text:
                    continue  # a year
                if _NOT_A_COUNT_BEFORE.search(shown[:match.start()]) or \
                        _NOT_A_COUNT_AFTER.match(shown[match.end():]):
                    continue
                if value in published:
                    continue
                where = f"{path.relative_to(site_dir)}, finding {number}"
                if 1 <= value < threshold:
                    report.problems.append(f"{where} states the count {text}, which no table "
                                           "publishes (a small count)")
                else:
                    report.warnings.append(f"{where} states {text}, which is not a published "
                                           "count (check it is computed from published counts "
                                           "only)")


def _shown_values(every: pd.DataFrame, chapter_of: dict[str, str]
                  ) -> dict[tuple[str | None, str], np.ndarray]:
    """The published values of the combined indicator file by (chapter, label), the label being
    a row's breakdown and its area's name."""
    values = _numbers(every["value"]).to_numpy(dtype=float)
    published = np.isfinite(values) & ~every["note"].isin(NOT_SHOWN_NOTES).to_numpy()
    frame = every.assign(_value=values)[published]
    out: dict[tuple[str | None, str], list[float]] = {}
    for indicator, breakdown, area, value in zip(frame["indicator_id"], frame["breakdown"],
                                                 frame["area_name"], frame["_value"], strict=True):
        for label in {str(breakdown), str(area)}:
            out.setdefault((chapter_of.get(str(indicator)), label), []).append(float(value))
    return {key: np.array(found) for key, found in out.items()}


def _states_a_published_figure(number: float, decimals: int,
                               shown: dict[tuple[str | None, str], np.ndarray],
                               chapter: str | None, label: str) -> bool:
    """Whether ``number``, written with ``decimals`` decimals, is a published value of a row of
    ``label`` in ``chapter`` (or in any chapter when the text's chapter is not known)."""
    tolerance = 0.5 * 10.0 ** -decimals + 1e-9
    for (of, name), values in shown.items():
        if name == label and (chapter is None or of is None or of == chapter) and bool(
                np.any(np.abs(values - number) <= tolerance)):
            return True
    return False


def _names(site_dir: Path, tables: dict[str, _Table]) -> re.Pattern[str] | None:
    """Every name the site publishes that holds a digit (areas, wards, schools, breakdowns), as
    one pattern, longest first."""
    found: set[str] = set()
    combined = site_dir / "data" / f"{INDICATOR_TABLE}.csv"
    frames = [_read_csv(combined)[["area_name", "breakdown"]]] if combined.exists() else []
    frames += [table.raw[[c for c in table.rules.key if c in table.raw.columns]]
               for table in tables.values()]
    for frame in frames:
        for column in frame.columns:
            found.update(str(csv_cell_as_published(v)) for v in frame[column].astype(str)
                         if re.search(r"\d", v) and re.search(r"[^\d\s.,%/-]", v))
    if not found:
        return None
    return re.compile("|".join(re.escape(name) for name in sorted(found, key=len, reverse=True)))


# --------------------------------------------------------------------------- pages


class _PageReader(HTMLParser):
    """The tables (by ``id="table-<name>"``), image alt texts and captions of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.texts: list[str] = []
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "table" and (attributes.get("id") or "").startswith("table-"):
            self._table = str(attributes["id"])[len("table-"):]
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "img" and attributes.get("alt"):
            self.texts.append(str(attributes["alt"]))
        elif tag in ("figcaption", "caption"):
            self._caption = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._table is not None and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None
        elif tag in ("figcaption", "caption") and self._caption is not None:
            self.texts.append("".join(self._caption).strip())
            self._caption = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._caption is not None:
            self._caption.append(data)


def _read_pages(site_dir: Path) -> dict[str, _PageReader]:
    pages = {}
    for path in sorted(site_dir.glob("*.html")):
        reader = _PageReader()
        reader.feed(path.read_text(encoding="utf-8"))
        pages[path.name] = reader
    return pages


def _check_html_tables(pages: dict[str, _PageReader], tables: dict[str, _Table],
                       report: GateReport) -> None:
    """Every page table with a CSV shows the same rows and hides the same count cells."""
    for page, reader in pages.items():
        for name, rows in reader.tables.items():
            table = tables.get(name)
            if table is None or not rows:
                continue
            header, body = rows[0], rows[1:]
            raw = table.raw
            if header != list(raw.columns) or len(body) != len(raw):
                report.problems.append(f"{page}: table {name} does not show the rows and "
                                       f"columns of data/{name}.csv, so the proof does not "
                                       "cover it")
                continue
            columns = [*table.rules.counts, *table.rules.derived]
            for column in columns:
                position = header.index(column)
                in_csv = (raw[column].str.strip() == SUPPRESSED).to_numpy()
                if column not in table.rules.counts and not in_csv.any():
                    continue
                on_page = np.array([row[position] == SUPPRESSED for row in body])
                keys = table.keys(name)
                for row in np.flatnonzero(in_csv & ~on_page):
                    report.exposures.append(Exposure(
                        name, keys[row], column, f"suppressed in the CSV but shown on {page}"))
                if column not in table.rules.counts:
                    continue
                shown = _numbers(pd.Series([row[position] for row in body]))
                differs = (shown.notna().to_numpy() & table.frame[column].notna().to_numpy()
                           & (shown.to_numpy() != table.frame[column].to_numpy()))
                for row in np.flatnonzero(differs):
                    report.problems.append(f"{page}: table {name}, {keys[row]}, {column}: the "
                                           f"page shows {body[row][position]}, the CSV "
                                           f"{raw[column].iloc[row]}")


def _check_mentions(site_dir: Path, pages: dict[str, _PageReader], tables: dict[str, _Table],
                    council_code: str, threshold: int, report: GateReport) -> None:
    """No finding, alt text or caption names a suppressed row with a number that could be it.

    A suppressed row's label (a council breakdown such as a primary need, or a ward's name)
    followed by a number is an exposure when the number could be the hidden value: a count from 1
    to ``threshold - 1``, or a percentage within rounding of such a count over the row's
    denominator (any percentage when the denominator is hidden too). The same need published with
    a large share in another year, or England's share of it, is not; nor is a percentage that
    is, to the decimals it is written with, a published figure of a row of that label in the
    same chapter (the text states that figure, e.g. the latest year's share, while DfE
    suppressed an earlier year's).
    """
    table = tables.get(INDICATOR_TABLE)
    if table is None:
        return
    n = len(table.frame)
    rows = table.frame[table.hidden[:n] | table.hidden[n:2 * n]]
    # a hidden row can only be given away by its own chapter's texts (the overview's by any):
    # another chapter's "Marrowby 23.5%" states another measure of that ward
    chapter_of = dict(zip(indicator_catalogue()["indicator_id"],
                          indicator_catalogue()["chapter"], strict=True))
    denominators: dict[tuple[str | None, str], list[float]] = {}
    for _, row in rows.iterrows():
        if row["area_code"] == council_code:
            if row["breakdown"] in ("All pupils", "All", ""):
                continue
            label = str(row["breakdown"])
        else:
            label = str(row["area_name"])
        denominator = _numbers(pd.Series([row["denominator"]])).iloc[0]
        key = (chapter_of.get(str(row["indicator_id"])), label)
        denominators.setdefault(key, []).append(float(denominator))
    if not denominators:
        return
    page_chapter = {info.notebook.removesuffix(".ipynb") + ".html": key
                    for key, info in CHAPTERS.items()}
    texts: list[tuple[str, str, str | None]] = []
    for path in sorted((site_dir / PARTS_FOLDER).glob("findings_*.json")):
        chapter = path.stem.removeprefix("findings_")
        texts += [(str(path.relative_to(site_dir)), t, chapter)
                  for t in json.loads(path.read_text(encoding="utf-8"))]
    for page, reader in pages.items():
        texts += [(page, t, page_chapter.get(page)) for t in reader.texts]
    small = np.arange(1, max(threshold, 2), dtype=float)
    # a text listing areas one by one ("...; England: Specific Learning Difficulty 22.1%") states
    # another area's published figure in that area's part: only the council's parts are checked
    others: tuple[str, ...] = ()
    shown: dict[tuple[str | None, str], np.ndarray] = {}
    combined = site_dir / "data" / f"{INDICATOR_TABLE}.csv"
    if combined.exists():  # the gate's own table holds the council's rows only
        every = _read_csv(combined)
        by_others = every[(every["area_code"] != council_code)
                          & every["area_type"].isin(["England", "Region", "Local authority"])]
        others = tuple(f"{name}:" for name in sorted(set(by_others["area_name"])) if name)
        shown = _shown_values(every, chapter_of)
    for where, text, chapter in texts:
        # the labels hidden in this text's chapter (and in rows of no known chapter)
        hidden = {}
        for (of, label), values in denominators.items():
            if chapter is None or of is None or of == chapter:
                hidden.setdefault(label, []).extend(values)
        if not hidden:
            continue
        pattern = re.compile(r"(?<![\w])(" + "|".join(
            re.escape(x) for x in sorted(hidden, key=len, reverse=True))
            + r")(?![\w])\s*[:(]?\s*(\d[\d,]*(?:\.\d+)?)\s*(%?)")
        parts = [part for part in text.split("; ") if not part.startswith(others)] if others \
            else [text]
        for match in pattern.finditer("; ".join(parts)):
            number = float(match.group(2).replace(",", ""))
            if match.group(3):  # a percentage: could it be a small count over a denominator?
                possible = any(not np.isfinite(d) or d <= 0 or bool(np.any(
                    np.abs(100 * small / d - number) <= 0.051)) for d in hidden[match.group(1)])
                written = match.group(2).partition(".")[2]
                possible = possible and not _states_a_published_figure(
                    number, len(written), shown, chapter, match.group(1))
            else:
                possible = 1 <= number < threshold
            if possible:
                report.exposures.append(Exposure(
                    where, text[:80] + ("..." if len(text) > 80 else ""), match.group(1),
                    "a suppressed row is stated with a number"))
