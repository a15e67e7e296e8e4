"""Declared layouts of the local lookups: which columns a reader looks for, under which headings.

Each reader of a council's local lookup (the postcode directory, the LSOA to ward lookup) declares
its columns once, in a :class:`TableSchema`: the standard name of each column, what it holds,
whether it is required, the headings accepted for it and the checks its values must pass. The
reader, the census cleaner and ``jsna sources`` all go through that one schema, so a file is
accepted or refused by each of them with the same message.

Headings are compared in :func:`jsna.column_names.compare_form` (case, spaces, underscores,
hyphens and dots do not matter). A council names any other heading in ``[census.columns]`` of the
config (``"Local heading" = "standard name"``) for the schemas that allow it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jsna.column_names import compare_form
from jsna.errors import JsnaInputError


@dataclass(frozen=True)
class Column:
    """One column of a declared layout.

    Attributes
    ----------
    name : str
        Standard name: the name of the column once read, and the name ``[census.columns]`` maps
        a local heading to.
    means : str
        What the column holds, for messages and documentation (``"LSOA code"``).
    headings : tuple of str
        Regular expressions over a heading in compare form, in order of preference: the first
        expression any heading matches wins (within one expression, the first such heading).
    required : bool
        Whether a file without the column is refused.
    group : str
        Columns sharing a group are alternatives: at least one of them is required (for example
        the LSOA code of any vintage). ``""`` for a column on its own.
    not_blank : bool
        Whether every data row must have a value (checked by :meth:`TableSchema.check_not_blank`).
    label : str
        How a message names the column when it is missing (default: :attr:`name`); for a group,
        the first member's label names the group.
    """

    name: str
    means: str
    headings: tuple[str, ...]
    required: bool = True
    group: str = ""
    not_blank: bool = False
    label: str = ""

    def matches(self, form: str) -> int | None:
        """Position in :attr:`headings` of the first expression a compare-form heading matches,
        None when none does."""
        return next((i for i, pattern in enumerate(self.headings)
                     if re.fullmatch(pattern, form)), None)


@dataclass(frozen=True)
class TableSchema:
    """The declared layout of one kind of file.

    Attributes
    ----------
    source : str
        What the file is, as messages name it (``"postcode lookup"``).
    columns : tuple of Column
        Every column read, in the order headings are matched.
    mappable : bool
        Whether ``[census.columns]`` of the config may map headings to these columns.
    """

    source: str
    columns: tuple[Column, ...]
    mappable: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        """The standard names of the columns."""
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> Column:
        """The column of a standard name."""
        return next(column for column in self.columns if column.name == name)

    def match(self, headings: list[str], columns_map: Mapping[str, str] | None = None, *,
              file_name: str) -> dict[str, str]:
        """Standard name -> the file's heading, for every column of the schema found.

        Headings mapped in ``columns_map`` come first; then each column, in declared order, takes
        the heading matching its most preferred expression that no column has taken yet.

        Parameters
        ----------
        headings : list of str
            Every heading of the file, in order.
        columns_map : mapping, optional
            ``[census.columns]``: local heading -> standard name. Entries naming other standard
            names (census columns) are ignored; used only when :attr:`mappable`.
        file_name : str
            How messages name the file.

        Returns
        -------
        dict of str to str

        Raises
        ------
        JsnaInputError
            One line naming the file, every missing required column (with what it holds) and
            the headings found.
        """
        forms = [compare_form(heading) for heading in headings]
        chosen: dict[str, str] = {}
        if self.mappable:
            for local, name in (columns_map or {}).items():
                if name in self.names and name not in chosen and compare_form(local) in forms:
                    chosen[name] = headings[forms.index(compare_form(local))]
        for column in self.columns:
            if column.name in chosen:
                continue
            taken = set(chosen.values())
            candidates = [(rank, i) for i, form in enumerate(forms)
                          if headings[i] not in taken
                          and (rank := column.matches(form)) is not None]
            if candidates:
                chosen[column.name] = headings[min(candidates)[1]]
        missing = self.missing(chosen)
        if missing:
            hint = " (map other headings in [census.columns] of the config)" if self.mappable else ""
            raise JsnaInputError(
                f"{file_name}: {self.source} is missing column {', '.join(missing)}; columns "
                f"found: {', '.join(headings) if headings else '(none)'}{hint}"
            )
        return chosen

    def missing(self, chosen: Mapping[str, str]) -> list[str]:
        """The required columns (or groups of alternatives) not in ``chosen``, by their labels."""
        missing: list[str] = []
        groups_seen: set[str] = set()
        for column in self.columns:
            if column.group:
                if column.group in groups_seen:
                    continue
                groups_seen.add(column.group)
                members = [c for c in self.columns if c.group == column.group]
                present = any(c.name in chosen for c in members)
            else:
                present = column.name in chosen
            if column.required and not present:
                missing.append(column.label or column.name)
        return missing

    def check_not_blank(self, table: pa.Table, chosen: Mapping[str, str], file_name: str) -> None:
        """Refuse the first blank value in a column declared ``not_blank``.

        Parameters
        ----------
        table : pyarrow.Table
            Columns named by standard name (null where blank) and ``source_row``.
        chosen : mapping
            Standard name -> the file's heading (for the message).
        file_name : str
            How the message names the file.

        Raises
        ------
        JsnaInputError
            Naming the file, the row, the column as headed in the file and what was expected.
        """
        for column in self.columns:
            if not column.not_blank or column.name not in table.column_names:
                continue
            values = table.column(column.name)
            blank = pc.or_(pc.utf8_is_space(values).fill_null(True),  # null or only spaces
                           pc.equal(pc.utf8_length(values), 0).fill_null(True))
            if pc.any(blank).as_py():
                position = int(np.flatnonzero(blank.to_numpy(zero_copy_only=False))[0])
                row = table.column("source_row")[position].as_py()
                raise JsnaInputError(
                    f"{file_name}: row {row}, column {chosen[column.name]}: blank; expected "
                    f"the {column.means}"
                )
