"""Statistical disclosure control for every table before it is written.

Rules (the council's ``[disclosure]`` settings):

* **Primary suppression** - a count from 1 to ``threshold - 1`` is hidden; a true zero stays 0
  unless ``suppress_zeros`` is set.
* **Small rests** - where counts are parts of another published count (plans issued within 20
  weeks, of all plans issued: :class:`Rest`), the rest (here the plans issued late) is a count
  of people too, worked out by subtraction. A rest from 1 to ``threshold - 1`` hides a part
  (and its row's percentage...), and secondary suppression then protects that part like any
  hidden cell, so the rest cannot be worked out either.
* **Derived values** - values computed from a hidden count (the percentage, its confidence limits,
  comparison labels...) are hidden too.
* **Secondary suppression** - a hidden cell must not be recoverable from what is published: not
  from a total minus the other parts (a council total minus the sum of its wards, a row or
  column total), nor from the same number in a companion table. Each table declares these
  additive relations (:class:`RowTotal`, :class:`ColumnTotal`, :class:`SameCells`). The
  algorithm first gives every relation holding exactly one hidden cell a complementary hidden
  cell (the smallest positive published part, so "the next-smallest ward"), then proves the
  result with linear algebra: a hidden cell is recoverable exactly when its unit vector lies in
  the row space of the relations restricted to the hidden cells, i.e. when its row of the null
  space is zero. Any recoverable cell gets another complement and the check repeats.

Hidden cells become missing, the row's ``note`` becomes ``"[c]"``, and the audit lists every hidden
cell with its reason (``table, row_key, column, reason``; written as ``disclosure.csv``). The audit
never contains the hidden numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jsna.errors import JsnaError, JsnaInputError
from jsna.indicators.table import SUPPRESSED

PRIMARY = "primary: count below threshold"
SMALL_REST = "primary: the rest of its total is below threshold"
DERIVED = "derived from suppressed count"
SECONDARY_PREFIX = "secondary: protects "
AUDIT_COLUMNS = ["table", "row_key", "column", "reason"]

INDICATOR_KEY = ("indicator_id", "area_code", "period", "breakdown")
#: Name of the site-wide indicator table (``data/indicators.csv``) in published tables' rules.
INDICATOR_TABLE = "indicators"

Selector = Mapping[str, object]


@dataclass(frozen=True)
class RowTotal:
    """Rows of a table that add up to a total row.

    In every group of rows sharing the ``within`` columns, the row picked by ``total`` equals the
    sum of the rows picked by ``parts``, in each of ``columns`` (default: all count columns).

    Parameters
    ----------
    total, parts : mapping column -> value or list of values
        Row selectors, e.g. ``{"area_type": "Local authority", "area_code": "Z06000001"}`` and
        ``{"area_type": "Ward"}``.
    within : sequence of str
        Columns that define one group (e.g. ``["indicator_id", "period", "breakdown"]``).
    columns : sequence of str, optional
        Count columns the relation holds for.
    """

    total: Selector
    parts: Selector
    within: Sequence[str] = ()
    columns: Sequence[str] | None = None


@dataclass(frozen=True)
class ColumnTotal:
    """Columns of a table that add up to a total column in every row (e.g. boys + girls = all)."""

    total: str
    parts: Sequence[str]


@dataclass(frozen=True)
class SameCells:
    """Cells that publish the same number as cells of a companion table.

    Parameters
    ----------
    other_table : str
        Name of the companion table.
    on : sequence of str or mapping this column -> other column
        Columns matching a row of this table to a row of the companion.
    columns : mapping this count column -> other count column
        The columns holding the same number.
    """

    other_table: str
    on: Sequence[str] | Mapping[str, str]
    columns: Mapping[str, str]
    rows: Selector = field(default_factory=dict)
    other_rows: Selector = field(default_factory=dict)


@dataclass(frozen=True)
class CellTotal:
    """Cells of one column that add up to a cell of another column, in groups of rows.

    In every group of rows sharing the ``within`` columns, the ``total_column`` cell of each row
    picked by ``total`` equals the sum of the ``parts_column`` cells of the rows picked by
    ``parts``. Several total rows give one equation each (e.g. the denominator repeated on every
    row of a breakdown: the breakdown's counts add up to each of them). A group with no part
    row gives no equation.

    Parameters
    ----------
    total, parts : mapping column -> value or list of values
        Row selectors (``{}`` picks every row).
    total_column, parts_column : str
        Count columns.
    within : sequence of str
        Columns that define one group.
    """

    total: Selector
    total_column: str
    parts: Selector
    parts_column: str
    within: Sequence[str] = ()


@dataclass(frozen=True)
class Cells:
    """The cells of one column of a table in the rows a selector picks (summed in a relation)."""

    table: str
    rows: Selector
    column: str


@dataclass(frozen=True)
class Equation:
    """One additive relation between cells of any tables: ``total`` = sum of ``parts``.

    E.g. a setting's pupils in one table = the sum of its schools' pupils in another, or all
    pupils with an EHC plan = residents with one + those living outside. A relation naming a
    table that is not given is ignored (nothing of it is published).
    """

    total: Cells
    parts: Sequence[Cells]


Relation = RowTotal | ColumnTotal | SameCells | CellTotal | Equation


@dataclass(frozen=True)
class Rest:
    """Count columns that are parts of a total column of the same row, the rest counting people.

    In each row picked by ``rows``, ``total - sum(parts)`` counts the people of the total in no
    part (plans issued late, of all plans issued; pupils with no SEN in a school, of all its
    pupils beside those on SEN support and with a plan). It is not published, but anyone can
    subtract, so a rest from 1 to ``threshold - 1`` hides a part: the smallest positive one,
    unless a part or the total is hidden already.

    Parameters
    ----------
    total : str
        Count column of the table.
    parts : str or sequence of str
        Count column(s) of the table.
    rows : mapping column -> value or list of values, optional
        The rows where the parts are parts of the total (default every row).
    """

    total: str
    parts: str | Sequence[str]
    rows: Selector = field(default_factory=dict)

    @property
    def part_columns(self) -> list[str]:
        """The parts as a list."""
        return [self.parts] if isinstance(self.parts, str) else list(self.parts)


@dataclass(frozen=True)
class TableRules:
    """How one table is protected.

    Parameters
    ----------
    key : sequence of str
        Columns identifying a row (used in the audit's ``row_key``).
    counts : sequence of str
        Count columns subject to the threshold.
    derived : mapping column -> sequence of count columns
        Columns computed from counts; hidden on a row where any of their counts is hidden.
    relations : sequence of RowTotal, ColumnTotal or SameCells
        Additive relations an intruder could use to recover a hidden count.
    exempt : callable, optional
        ``exempt(frame) -> boolean Series`` of rows already published by others (England,
        regions, other councils) which are neither suppressed nor used as complements.
    exempt_where : sequence of selectors
        The same as plain values: a row picked by any of these selectors is exempt (this form
        can be written to JSON for the site-wide disclosure gate).
    rests : sequence of Rest
        Count columns that are a part of another count column of their row, so that the
        difference (a count of people too) must not be small.
    """

    key: Sequence[str]
    counts: Sequence[str]
    derived: Mapping[str, Sequence[str]] = field(default_factory=dict)
    relations: Sequence[Relation] = ()
    exempt: Callable[[pd.DataFrame], pd.Series] | None = None
    exempt_where: Sequence[Selector] = ()
    rests: Sequence[Rest] = ()


# --------------------------------------------------------------------------- cell bookkeeping


class _Cells:
    """All count cells of all tables, numbered 0..N-1."""

    def __init__(self, tables: Mapping[str, pd.DataFrame], rules: Mapping[str, TableRules]):
        self.names = list(tables)
        self.offset: dict[tuple[str, str], int] = {}
        values, table_of, row_of, column_of, exempt = [], [], [], [], []
        total = 0
        for name in self.names:
            frame, rule = tables[name], rules[name]
            exempt_rows = exempt_mask(frame, rule, name)
            for column in rule.counts:
                numeric = pd.to_numeric(frame[column], errors="coerce")
                bad = numeric.isna() & frame[column].notna()
                if bad.any():
                    row = frame.index[np.flatnonzero(bad.to_numpy())[0]]
                    raise JsnaInputError(
                        f"table {name!r}, row {row!r}, column {column!r}: "
                        f"{frame.loc[row, column]!r} is not a count"
                    )
                self.offset[(name, column)] = total
                values.append(numeric.to_numpy(dtype=float, na_value=np.nan))
                table_of += [name] * len(frame)
                row_of.append(np.arange(len(frame)))
                column_of += [column] * len(frame)
                exempt.append(exempt_rows)
                total += len(frame)
        self.values = np.concatenate(values) if values else np.zeros(0)
        self.table = np.array(table_of, dtype=object)
        self.row = np.concatenate(row_of) if row_of else np.zeros(0, dtype=int)
        self.column = np.array(column_of, dtype=object)
        self.exempt = np.concatenate(exempt) if exempt else np.zeros(0, dtype=bool)

    def ids(self, table: str, column: str, rows: np.ndarray) -> np.ndarray:
        return self.offset[(table, column)] + np.asarray(rows, dtype=int)


def exempt_mask(frame: pd.DataFrame, rule: TableRules, name: str) -> np.ndarray:
    """Rows of ``frame`` that are exempt under ``rule`` (published by others)."""
    exempt_rows = np.zeros(len(frame), dtype=bool)
    if rule.exempt is not None:
        exempt_rows |= np.asarray(rule.exempt(frame), dtype=bool)
    for selector in rule.exempt_where:
        exempt_rows |= _select(frame, selector, name)
    return exempt_rows


def _select(frame: pd.DataFrame, selector: Selector, table: str) -> np.ndarray:
    mask = np.ones(len(frame), dtype=bool)
    for column, wanted in selector.items():
        if column not in frame.columns:
            raise JsnaInputError(f"table {table!r} has no column {column!r} named in a relation")
        values = frame[column].to_numpy(dtype=object)
        if not isinstance(wanted, list | tuple | set | frozenset):
            wanted = [wanted]
        chosen = {w for w in wanted if not _missing(w)}
        mask &= np.fromiter((v in chosen for v in values), dtype=bool, count=len(values))
    return mask


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def _key_tuples(frame: pd.DataFrame, columns: Sequence[str]) -> list[tuple]:
    """Each row's values of ``columns`` (missing values as None, so they match each other)."""
    if not columns:
        return [()] * len(frame)
    arrays = [frame[c].to_numpy(dtype=object) for c in columns]
    return [tuple(None if _missing(v) else v for v in row)
            for row in zip(*arrays, strict=True)]


def _build_relations(
    tables: Mapping[str, pd.DataFrame], rules: Mapping[str, TableRules], cells: _Cells
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each relation as (cell ids, coefficients) with sum(coef * value) = 0; the total first."""
    relations: list[tuple[np.ndarray, np.ndarray]] = []
    for name in cells.names:
        frame, rule = tables[name], rules[name]
        for relation in rule.relations:
            if isinstance(relation, RowTotal):
                relations += _row_total(name, frame, rule, relation, cells)
            elif isinstance(relation, ColumnTotal):
                relations += _column_total(name, frame, rule, relation, cells)
            elif isinstance(relation, SameCells):
                relations += _same_cells(name, tables, rules, relation, cells)
            elif isinstance(relation, CellTotal):
                relations += _cell_total(name, frame, rule, relation, cells)
            elif isinstance(relation, Equation):
                relations += _equation(name, tables, rules, relation, cells)
            else:
                raise JsnaInputError(f"table {name!r}: unknown relation {relation!r}")
    return relations


def _check_counts(name: str, rule: TableRules, columns: Sequence[str]) -> None:
    for column in columns:
        if column not in rule.counts:
            raise JsnaInputError(
                f"table {name!r}: relation uses column {column!r}, which is not one of its "
                f"count columns {list(rule.counts)}"
            )


def _row_total(
    name: str, frame: pd.DataFrame, rule: TableRules, relation: RowTotal, cells: _Cells
) -> list[tuple[np.ndarray, np.ndarray]]:
    columns = list(relation.columns) if relation.columns is not None else list(rule.counts)
    _check_counts(name, rule, columns)
    is_total = _select(frame, relation.total, name)
    is_part = _select(frame, relation.parts, name) & ~is_total
    positions = np.arange(len(frame))
    within = list(relation.within)
    if within:
        missing = [column for column in within if column not in frame.columns]
        if missing:
            raise JsnaInputError(f"table {name!r} has no column(s) {missing} named in a relation")
        codes = frame.groupby(within, dropna=False, sort=False).ngroup().to_numpy()
    else:
        codes = np.zeros(len(frame), dtype=int)
    out = []
    relevant = is_total | is_part
    order = np.argsort(codes[relevant], kind="stable")
    rel_positions = positions[relevant][order]
    rel_codes = codes[relevant][order]
    boundaries = np.flatnonzero(np.diff(rel_codes)) + 1
    for members in np.split(rel_positions, boundaries):
        if members.size == 0:
            continue
        totals = members[is_total[members]]
        parts = members[is_part[members]]
        if totals.size == 0 or parts.size == 0:
            continue
        if totals.size > 1:
            rows = [frame.index[p] for p in totals]
            raise JsnaInputError(
                f"table {name!r}: rows {rows} are all selected as the total {dict(relation.total)}"
                " of one group; expected one total row per group"
            )
        for column in columns:
            ids = cells.ids(name, column, np.concatenate([totals, parts]))
            coefs = np.concatenate([[1.0], -np.ones(parts.size)])
            out.append((ids, coefs))
    return out


def _column_total(
    name: str, frame: pd.DataFrame, rule: TableRules, relation: ColumnTotal, cells: _Cells
) -> list[tuple[np.ndarray, np.ndarray]]:
    _check_counts(name, rule, [relation.total, *relation.parts])
    rows = np.arange(len(frame))
    matrix = np.column_stack(
        [cells.ids(name, relation.total, rows)]
        + [cells.ids(name, part, rows) for part in relation.parts]
    )
    coefs = np.concatenate([[1.0], -np.ones(len(relation.parts))])
    return [(ids, coefs) for ids in matrix]


def _same_cells(name: str, tables: Mapping[str, pd.DataFrame], rules: Mapping[str, TableRules],
                relation: SameCells, cells: _Cells) -> list[tuple[np.ndarray, np.ndarray]]:
    other = relation.other_table
    if other not in tables:
        raise JsnaInputError(f"table {name!r} is linked to table {other!r}, which is not given")
    on = dict(relation.on) if isinstance(relation.on, Mapping) else {c: c for c in relation.on}
    _check_counts(name, rules[name], list(relation.columns))
    _check_counts(other, rules[other], list(relation.columns.values()))
    for table, columns in ((name, list(on)), (other, list(on.values()))):
        missing = [c for c in columns if c not in tables[table].columns]
        if missing:
            raise JsnaInputError(f"table {table!r} has no column(s) {missing} named in a relation")
    left = np.flatnonzero(_select(tables[name], relation.rows, name))
    right = np.flatnonzero(_select(tables[other], relation.other_rows, other))
    # every picked row of this table with each picked row of the other sharing its ``on`` values
    # (with no ``on`` columns, with every picked row of the other)
    left_keys = _key_tuples(tables[name].iloc[left], list(on))
    right_keys = _key_tuples(tables[other].iloc[right], list(on.values()))
    by_key: dict[tuple, list[int]] = {}
    for row, key in zip(right, right_keys, strict=True):
        by_key.setdefault(key, []).append(int(row))
    matched = [(int(row), match) for row, key in zip(left, left_keys, strict=True)
               for match in by_key.get(key, [])]
    left_rows = np.array([a for a, _ in matched], dtype=int)
    right_rows = np.array([b for _, b in matched], dtype=int)
    out = []
    for this_column, other_column in relation.columns.items():
        a = cells.ids(name, this_column, left_rows)
        b = cells.ids(other, other_column, right_rows)
        out += [(np.array([x, y]), np.array([1.0, -1.0]))
                for x, y in zip(a, b, strict=True) if x != y]
    return out


def _groups(frame: pd.DataFrame, within: Sequence[str], name: str) -> np.ndarray:
    """Group number of every row (rows sharing the ``within`` columns)."""
    within = list(within)
    if not within:
        return np.zeros(len(frame), dtype=int)
    missing = [column for column in within if column not in frame.columns]
    if missing:
        raise JsnaInputError(f"table {name!r} has no column(s) {missing} named in a relation")
    return frame.groupby(within, dropna=False, sort=False).ngroup().to_numpy()


def _cell_total(
    name: str, frame: pd.DataFrame, rule: TableRules, relation: CellTotal, cells: _Cells
) -> list[tuple[np.ndarray, np.ndarray]]:
    _check_counts(name, rule, [relation.total_column, relation.parts_column])
    codes = _groups(frame, relation.within, name)
    is_total = _select(frame, relation.total, name)
    is_part = _select(frame, relation.parts, name)
    out = []
    positions = np.arange(len(frame))
    parts_by_group: dict[int, np.ndarray] = {}
    for code in np.unique(codes[is_part]):
        parts_by_group[int(code)] = positions[is_part & (codes == code)]
    for row in positions[is_total]:
        parts = parts_by_group.get(int(codes[row]))
        if parts is None:
            continue
        total_id = cells.ids(name, relation.total_column, np.array([row]))
        part_ids = cells.ids(name, relation.parts_column, parts)
        if relation.total_column == relation.parts_column:
            part_ids = part_ids[part_ids != total_id[0]]
            if part_ids.size == 0:
                continue
        out.append((np.concatenate([total_id, part_ids]),
                    np.concatenate([[1.0], -np.ones(part_ids.size)])))
    return out


def _equation(name: str, tables: Mapping[str, pd.DataFrame], rules: Mapping[str, TableRules],
              relation: Equation, cells: _Cells) -> list[tuple[np.ndarray, np.ndarray]]:
    terms = [relation.total, *relation.parts]
    if any(term.table not in tables for term in terms):
        return []  # a table that is not published: the relation gives nothing away
    ids, coefs = [], []
    for position, term in enumerate(terms):
        _check_counts(term.table, rules[term.table], [term.column])
        rows = np.flatnonzero(_select(tables[term.table], term.rows, term.table))
        if rows.size == 0:
            return []
        ids.append(cells.ids(term.table, term.column, rows))
        coefs.append(np.full(rows.size, 1.0 if position == 0 else -1.0))
    if ids[0].size != 1:
        raise JsnaInputError(
            f"table {name!r}: the total of an equation must be one cell; "
            f"{relation.total} picks {ids[0].size}"
        )
    return [(np.concatenate(ids), np.concatenate(coefs))]


# --------------------------------------------------------------------------- suppression


def _complement(ids: np.ndarray, unknown: np.ndarray, cells: _Cells,
                rest_of: Mapping[int, float] | None = None) -> int | None:
    """Best published cell of a relation to hide as a complement (None if there is none).

    Preference: parts before the total; positive counts before zeros; then the smallest. With
    ``rest_of`` (the hidden parts are pinned near their totals), cells that are not parts of a
    total come first, then the parts furthest from their totals, as they widen the range most.
    """
    candidates = [
        (position == 0, -rest_of.get(int(cell), np.inf) if rest_of is not None else 0.0,
         cells.values[cell] <= 0, cells.values[cell], cell)
        for position, cell in enumerate(ids)
        if not unknown[cell] and not cells.exempt[cell]
    ]
    if not candidates:
        return None
    return int(min(candidates)[-1])


def _rests_of_parts(tables: Mapping[str, pd.DataFrame], rules: Mapping[str, TableRules],
                    cells: _Cells) -> dict[int, float]:
    """Each part cell of a declared rest whose total is published: how far below its total it
    is (its row's rest), which is as far as anyone knows it can rise."""
    rest_of: dict[int, float] = {}
    for name in cells.names:
        for rest, rows, parts, totals in rest_rows(tables[name], rules[name], name):
            left = totals - np.nansum(parts, axis=1)
            for column in rest.part_columns:
                for cell, room in zip(cells.ids(name, column, rows), left, strict=True):
                    if np.isfinite(room) and room >= 0:
                        rest_of[int(cell)] = min(float(room), rest_of.get(int(cell), np.inf))
    return rest_of


def _pinned_near_totals(open_cells: np.ndarray, open_coefs: np.ndarray,
                        rest_of: Mapping[int, float], threshold: int) -> bool:
    """Whether the unknown cells of a relation, all on one side of it and each a part at most
    its published total, are pinned within less than the threshold of those totals.

    ``x + y = K`` with ``x <= total_x`` and ``y <= total_y`` puts ``x`` between
    ``K - total_y`` and ``total_x``: a range as wide as the two rests together.
    """
    if open_cells.size < 2 or not (np.all(open_coefs > 0) or np.all(open_coefs < 0)):
        return False
    if any(int(cell) not in rest_of for cell in open_cells):
        return False
    return sum(rest_of[int(cell)] for cell in open_cells) < threshold


def _null_space(matrix: np.ndarray) -> np.ndarray:
    """Orthonormal basis of the null space of ``matrix``, one column per dimension.

    As ``scipy.linalg.null_space`` (same SVD and tolerance), without importing scipy.linalg
    (a fifth of a second in every chapter's kernel).
    """
    _, singular, vh = np.linalg.svd(matrix, full_matrices=True)
    tolerance = np.amax(singular, initial=0.0) * np.finfo(singular.dtype).eps * max(matrix.shape)
    rank = int(np.sum(singular > tolerance))
    return vh[rank:, :].T.conj()


def _recoverable(
    relations: list[tuple[np.ndarray, np.ndarray]], unknown: np.ndarray, hidden: np.ndarray
) -> np.ndarray:
    """Hidden cells whose value follows exactly from the published cells and the relations."""
    involved = [(ids, coefs) for ids, coefs in relations if hidden[ids].any()]
    if not involved:
        return np.zeros(0, dtype=int)
    # connected components of relations through shared unknown cells (union-find)
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for ids, _ in involved:
        unknown_ids = ids[unknown[ids]]
        root = find(int(unknown_ids[0]))
        for cell in unknown_ids[1:]:
            parent[find(int(cell))] = root
    components: dict[int, list[int]] = {}
    for index, (ids, _) in enumerate(involved):
        components.setdefault(find(int(ids[unknown[ids]][0])), []).append(index)
    recoverable: list[int] = []
    for members in components.values():
        columns = sorted({int(c) for m in members for c in involved[m][0][unknown[involved[m][0]]]})
        position = {cell: j for j, cell in enumerate(columns)}
        matrix = np.zeros((len(members), len(columns)))
        for i, m in enumerate(members):
            ids, coefs = involved[m]
            for cell, coef in zip(ids, coefs, strict=True):
                if unknown[cell]:
                    matrix[i, position[int(cell)]] += coef
        basis = _null_space(matrix)
        free = (
            np.linalg.norm(basis, axis=1) > 1e-9
            if basis.size
            else np.zeros(len(columns), dtype=bool)
        )
        recoverable += [cell for cell, j in position.items() if hidden[cell] and not free[j]]
    return np.array(sorted(recoverable), dtype=int)


def _describe(cells: _Cells, keys: Mapping[str, list[str]], cell: int) -> str:
    return f"{cells.table[cell]}: {keys[cells.table[cell]][cells.row[cell]]}: {cells.column[cell]}"


def _row_keys(frame: pd.DataFrame, key: Sequence[str], name: str) -> list[str]:
    missing = [column for column in key if column not in frame.columns]
    if missing:
        raise JsnaInputError(f"table {name!r} lacks key column(s) {missing}")
    if not key:
        return [str(label) for label in frame.index]
    parts = [column + "=" + frame[column].astype("string").fillna("") for column in key]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + "; " + part
    return joined.tolist()


def _validate(tables: Mapping[str, pd.DataFrame], rules: Mapping[str, TableRules]) -> None:
    for name, frame in tables.items():
        if name not in rules:
            raise JsnaInputError(
                f"table {name!r} has no disclosure rules; every table must declare its counts"
            )
        rule = rules[name]
        named = [*rule.counts, *rule.derived, *(c for v in rule.derived.values() for c in v)]
        missing = sorted({column for column in named if column not in frame.columns})
        if missing:
            raise JsnaInputError(f"table {name!r} lacks column(s) {missing} named in its rules")
        for rest in rule.rests:
            _check_counts(name, rule, [*rest.part_columns, rest.total])
        for column, sources in rule.derived.items():
            unknown = [source for source in sources if source not in rule.counts]
            if unknown:
                raise JsnaInputError(
                    f"table {name!r}: derived column {column!r} depends on {unknown}, which are "
                    "not count columns"
                )


def rest_rows(frame: pd.DataFrame, rule: TableRules, name: str
              ) -> list[tuple[Rest, np.ndarray, np.ndarray, np.ndarray]]:
    """Each declared rest with its rows, the parts' values and the total's.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table (counts numeric or text; text that is not a number counts as missing).
    rule : TableRules
        Its rules; rows exempt under them are left out.
    name : str
        The table's name (for messages).

    Returns
    -------
    list of (Rest, row positions, parts (rows x parts), totals)
        The rest of a row is ``totals - parts.sum(axis=1)`` (missing when any is).
    """
    out = []
    exempt = exempt_mask(frame, rule, name)
    for rest in rule.rests:
        rows = np.flatnonzero(_select(frame, rest.rows, name) & ~exempt)

        def numbers(column: str, rows: np.ndarray = rows) -> np.ndarray:
            return pd.to_numeric(frame[column].iloc[rows], errors="coerce").to_numpy(dtype=float)

        parts = np.column_stack([numbers(c) for c in rest.part_columns])
        out.append((rest, rows, parts, numbers(rest.total)))
    return out


def _small_rests(tables: Mapping[str, pd.DataFrame], rules: Mapping[str, TableRules],
                 cells: _Cells, hidden: np.ndarray, threshold: int) -> np.ndarray:
    """A part cell to hide for each row whose published total minus its published parts is
    from 1 to ``threshold - 1`` (the smallest positive part), where no cell of it is hidden."""
    chosen: list[int] = []
    for name in cells.names:
        for rest, rows, parts, totals in rest_rows(tables[name], rules[name], name):
            left = totals - parts.sum(axis=1)
            ids = np.column_stack([cells.ids(name, c, rows) for c in rest.part_columns])
            total_ids = cells.ids(name, rest.total, rows)
            for row in np.flatnonzero((left > 0) & (left < threshold)):
                if hidden[ids[row]].any() or hidden[total_ids[row]]:
                    continue
                values = parts[row]
                # the smallest positive part (a zero only when every part is zero)
                best = int(np.argmin(np.where(values > 0, values, np.inf))) if (
                    values > 0).any() else 0
                chosen.append(int(ids[row, best]))
    return np.array(chosen, dtype=int)


def apply_disclosure(
    tables: Mapping[str, pd.DataFrame],
    rules: Mapping[str, TableRules],
    threshold: int = 5,
    suppress_zeros: bool = False,
    note: str = "note",
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Apply primary and secondary suppression to a set of tables.

    Parameters
    ----------
    tables : mapping name -> DataFrame
        Every table about to be written (tables, chart data, map data).
    rules : mapping name -> TableRules
        One entry per table: its count columns, derived columns and additive relations.
    threshold : int, default 5
        Counts from 1 to ``threshold - 1`` are hidden.
    suppress_zeros : bool, default False
        Hide true zeros too.
    note : str, default "note"
        Column that receives ``"[c]"`` on rows with a hidden cell (created when absent).

    Returns
    -------
    tables : dict name -> DataFrame
        Copies with hidden cells missing and ``note = "[c]"`` on their rows.
    audit : pandas.DataFrame
        One row per hidden cell: ``table, row_key, column, reason`` (no values).

    Raises
    ------
    JsnaInputError
        A table has no rules, a named column is missing, a count is not numeric, or a relation
        is ill-formed.
    JsnaError
        A hidden cell cannot be protected because every complementary cell is exempt.
    """
    if threshold < 1:
        raise JsnaInputError(f"disclosure threshold must be 1 or more, got {threshold!r}")
    _validate(tables, rules)
    cells = _Cells(tables, rules)
    keys = {name: _row_keys(tables[name], rules[name].key, name) for name in cells.names}
    relations = _build_relations(tables, rules, cells)

    values = cells.values
    published = np.isfinite(values)
    small = (values > 0) & (values < threshold)
    if suppress_zeros:
        small |= values == 0
    hidden = published & small & ~cells.exempt
    reasons: dict[int, str] = {int(cell): PRIMARY for cell in np.flatnonzero(hidden)}
    for cell in _small_rests(tables, rules, cells, hidden, threshold):
        hidden[cell] = True
        reasons[int(cell)] = SMALL_REST
    unknown = hidden | ~published

    def hide(cell: int, protects: int) -> None:
        hidden[cell] = True
        unknown[cell] = True
        reasons[cell] = SECONDARY_PREFIX + _describe(cells, keys, protects)

    rest_of = _rests_of_parts(tables, rules, cells)
    while True:
        changed = True
        while changed:
            changed = False
            for ids, coefs in relations:
                open_cells = ids[unknown[ids]]
                if not hidden[open_cells].any():
                    continue
                # one unknown cell: the relation gives it; several hidden cells whose values add
                # up to less than the threshold: the relation bounds each of them within less
                # than the threshold (0 to their sum), nearly giving a small count away
                together = values[open_cells]
                narrow = bool(np.isfinite(together).all() and together.sum() < threshold)
                pinned = _pinned_near_totals(open_cells, coefs[unknown[ids]], rest_of, threshold)
                if open_cells.size == 1 or narrow or pinned:
                    complement = _complement(ids, unknown, cells, rest_of if pinned else None)
                    if complement is None:
                        continue
                    protects = open_cells[hidden[open_cells]][0]
                    hide(int(complement), int(protects))
                    changed = True
        exposed = _recoverable(relations, unknown, hidden)
        if exposed.size == 0:
            break
        progress = False
        for cell in exposed:
            complements = (_complement(ids, unknown, cells) for ids, _ in relations if cell in ids)
            options = [option for option in complements if option is not None]
            if options:
                best = min(options, key=lambda c: (cells.values[c] <= 0, cells.values[c]))
                hide(int(best), int(cell))
                progress = True
        if not progress:
            raise JsnaError(
                "cannot protect "
                + _describe(cells, keys, int(exposed[0]))
                + ": every cell that could hide it is published elsewhere"
            )
    return _write(tables, rules, cells, keys, hidden, reasons, note)


def _write(
    tables: Mapping[str, pd.DataFrame],
    rules: Mapping[str, TableRules],
    cells: _Cells,
    keys: Mapping[str, list[str]],
    hidden: np.ndarray,
    reasons: Mapping[int, str],
    note: str,
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    out: dict[str, pd.DataFrame] = {}
    audit_rows: list[tuple[int, int, int, str, str, str]] = []
    for table_number, name in enumerate(cells.names):
        frame = tables[name].copy()
        rule = rules[name]
        column_order = {column: i for i, column in enumerate(frame.columns)}
        hidden_rows = np.zeros(len(frame), dtype=bool)
        hidden_by_count: dict[str, np.ndarray] = {}
        for column in rule.counts:
            ids = cells.ids(name, column, np.arange(len(frame)))
            mask = hidden[ids]
            hidden_by_count[column] = mask
            if mask.any():
                frame[column] = frame[column].mask(pd.Series(mask, index=frame.index))
                hidden_rows |= mask
                for row in np.flatnonzero(mask):
                    audit_rows.append(
                        (
                            table_number,
                            int(row),
                            column_order[column],
                            name,
                            column,
                            reasons[int(ids[row])],
                        )
                    )
        for column, sources in rule.derived.items():
            mask = np.zeros(len(frame), dtype=bool)
            for source in sources:
                mask |= hidden_by_count[source]
            if mask.any():
                frame[column] = frame[column].mask(pd.Series(mask, index=frame.index))
                for row in np.flatnonzero(mask):
                    audit_rows.append(
                        (table_number, int(row), column_order[column], name, column, DERIVED)
                    )
        if note not in frame.columns:
            frame[note] = pd.Series(pd.NA, index=frame.index, dtype="object")
        if hidden_rows.any():
            notes = frame[note].astype("object")
            notes[hidden_rows] = SUPPRESSED
            frame[note] = notes
        out[name] = frame
    audit_rows.sort(key=lambda item: item[:3])
    audit = pd.DataFrame(
        [(name, keys[name][row], column, reason) for _, row, _, name, column, reason in audit_rows],
        columns=AUDIT_COLUMNS,
    )
    return out, audit


# --------------------------------------------------------------------------- rules as JSON

_RELATION_TYPES: dict[str, type] = {
    kind.__name__: kind for kind in (RowTotal, ColumnTotal, SameCells, CellTotal, Equation)
}


def _plain(value: object) -> object:
    """A selector value or field as plain JSON (numpy scalars and tuples converted)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Cells):
        return {"table": value.table, "rows": _plain(value.rows), "column": value.column}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise JsnaInputError(f"{value!r} cannot be written in a disclosure rule (plain values only)")


def rules_to_json(rules: TableRules) -> dict[str, object]:
    """A table's rules as plain JSON (what the site-wide disclosure gate reads).

    Parameters
    ----------
    rules : TableRules
        Rules whose rows are exempt by ``exempt_where`` selectors, not by a callable.

    Returns
    -------
    dict
        ``key, counts, derived, exempt_where, relations`` (each relation with its ``type``)
        and ``rests``.

    Raises
    ------
    JsnaInputError
        When the rules use an ``exempt`` callable or a selector holds a value JSON cannot hold.
    """
    if rules.exempt is not None:
        raise JsnaInputError("disclosure rules with an exempt callable cannot be written as JSON; "
                             "use exempt_where selectors")
    relations = []
    for relation in rules.relations:
        entry: dict[str, object] = {"type": type(relation).__name__}
        for name in relation.__dataclass_fields__:
            entry[name] = _plain(getattr(relation, name))
        relations.append(entry)
    return {
        "key": list(rules.key),
        "counts": list(rules.counts),
        "derived": {k: list(v) for k, v in rules.derived.items()},
        "exempt_where": [_plain(s) for s in rules.exempt_where],
        "relations": relations,
        "rests": [{"total": r.total, "parts": r.part_columns, "rows": _plain(r.rows)}
                  for r in rules.rests],
    }


def rules_from_json(data: Mapping[str, Any], source: str = "rules") -> TableRules:
    """Read rules written by :func:`rules_to_json`.

    Raises
    ------
    JsnaInputError
        Naming ``source`` and what is wrong, when an entry is not a known relation.
    """
    relations: list[Relation] = []
    for number, entry in enumerate(data.get("relations", [])):
        fields = dict(entry)
        kind = _RELATION_TYPES.get(str(fields.pop("type", "")))
        if kind is None:
            raise JsnaInputError(f"{source}: relation {number + 1} has unknown type "
                                 f"{entry.get('type')!r}; expected one of {sorted(_RELATION_TYPES)}")
        try:
            if kind is Equation:
                relations.append(Equation(total=Cells(**fields["total"]),
                                          parts=[Cells(**p) for p in fields["parts"]]))
            else:
                relations.append(kind(**fields))
        except (TypeError, KeyError) as error:
            raise JsnaInputError(f"{source}: relation {number + 1} ({kind.__name__}) is "
                                 f"malformed: {error}") from None
    return TableRules(
        key=list(data.get("key", [])),
        counts=list(data.get("counts", [])),
        derived={k: list(v) for k, v in dict(data.get("derived", {})).items()},
        relations=relations,
        exempt_where=[dict(s) for s in data.get("exempt_where", [])],
        rests=[_rest_from_json(entry, source) for entry in data.get("rests", [])],
    )


def _rest_from_json(entry: Mapping[str, Any], source: str) -> Rest:
    try:
        return Rest(total=str(entry["total"]), parts=[str(p) for p in entry["parts"]],
                    rows=dict(entry.get("rows", {})))
    except (TypeError, KeyError, ValueError) as error:
        raise JsnaInputError(f"{source}: a rest is malformed ({error!r}); expected "
                             "total, parts and optional rows") from None


def format_suppressed(
    frame: pd.DataFrame, columns: Sequence[str] | None = None, note: str = "note"
) -> pd.DataFrame:
    """Render hidden cells as ``"[c]"`` for writing (CSV, HTML tables, chart labels).

    Parameters
    ----------
    frame : pandas.DataFrame
        A table returned by :func:`apply_disclosure` or
        :func:`jsna.indicator_disclosure.suppress_indicators`.
    columns : sequence of str, optional
        Columns to render; default every column except ``note``.
    note : str, default "note"

    Returns
    -------
    pandas.DataFrame
        A copy where missing cells of ``[c]`` rows read ``"[c]"`` (object dtype in those columns).
    """
    out = frame.copy()
    if note not in out.columns:
        return out
    flagged = (out[note] == SUPPRESSED).fillna(False).to_numpy(dtype=bool)
    targets = [c for c in (columns or out.columns) if c != note]
    for column in targets:
        missing = out[column].isna().to_numpy() & flagged
        if missing.any():
            rendered = out[column].astype("object")
            rendered[missing] = SUPPRESSED
            out[column] = rendered
    return out


def write_disclosure_log(audit: pd.DataFrame, folder: str | Path) -> Path:
    """Write the suppression audit as ``disclosure.csv`` in ``folder``.

    Parameters
    ----------
    audit : pandas.DataFrame
        Audit from :func:`apply_disclosure` /
        :func:`jsna.indicator_disclosure.suppress_indicators` (several audits can be
        concatenated first).
    folder : str or pathlib.Path
        Output folder (created if needed).

    Returns
    -------
    pathlib.Path
        Path of the written file (UTF-8, header ``table,row_key,column,reason``).
    """
    missing = [column for column in AUDIT_COLUMNS if column not in audit.columns]
    if missing:
        raise JsnaInputError(f"audit lacks column(s) {missing}; expected {AUDIT_COLUMNS}")
    path = Path(folder) / "disclosure.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    audit[AUDIT_COLUMNS].to_csv(path, index=False, encoding="utf-8")
    return path
