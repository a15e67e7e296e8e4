"""The words of every chapter's key findings, read from one file: ``wording.toml``.

Each chapter has a section of ``wording.toml`` holding its sentence templates and the phrases
that turn a label of the indicator table into words (``Higher`` -> "significantly higher than",
``Increasing`` -> "is rising"). A council analyst changes a phrase there, in one place; the
chapter modules only choose which sentences apply and supply the numbers.

A template is Python format text whose fields are filled by :func:`fill`. Field formats:

* ``{value:percent}`` - a percentage to one decimal place (``12.3%``);
* ``{count:count}`` - a whole number with thousands separators (``1,702``);
* ``{ratio:times}`` - a ratio to one decimal place (``1.6``);
* ``{count:# pupil|# pupils}`` - the first form when the number is 1, the second otherwise, with
  ``#`` standing for the number (with thousands separators);
* no format - the value as text, exactly as given (names from the config or the inputs are
  never read as templates, and escaping for the page is done when the page is written).

Examples
--------
>>> fill("{n:# ward|# wards} suppressed", n=1)
'1 ward suppressed'
>>> fill("{value:percent} of {count:count}", value=12.345, count=1702)
'12.3% of 1,702'
>>> sentence("Rising", "")
'Rising.'
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jsna.formatting import percent

#: The file every chapter's findings wording is read from.
WORDING_FILE = Path(__file__).with_name("wording.toml")


class _Formatter(string.Formatter):
    """``str.format`` with the field formats of this module (see the module docstring)."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "percent":
            return percent(float(value))
        if format_spec == "count":
            return f"{int(value):,}"
        if format_spec == "times":
            return f"{float(value):.1f}"
        if "|" in format_spec:
            one, other = format_spec.split("|", 1)
            return (one if value == 1 else other).replace("#", f"{int(value):,}")
        if format_spec:
            raise ValueError(f"unknown field format {format_spec!r} (known: percent, count, "
                             "times, or 'one form|other form')")
        return str(value)


_FORMATTER = _Formatter()


def fill(template: str, **fields: Any) -> str:
    """Fill a template's fields (formats as in the module docstring).

    Parameters
    ----------
    template : str
        Format text, e.g. ``"In {period}, {value:percent} of pupils"``.
    **fields
        The values of the template's fields.

    Returns
    -------
    str
        The filled text.

    Raises
    ------
    ValueError
        When the template names a field that is not given, or has an unknown field format.

    Examples
    --------
    >>> fill("{council}'s schools", council="{x} <b>")
    "{x} <b>'s schools"
    """
    try:
        return _FORMATTER.vformat(template, (), fields)
    except (KeyError, IndexError) as error:
        raise ValueError(f"the template {template!r} uses the field {error}, which is not given "
                         f"(given: {', '.join(sorted(fields)) or 'none'})") from None


def sentence(*parts: str) -> str:
    """Join the parts of a sentence (empty parts are left out) and end it with a full stop."""
    return "".join(parts) + "."


@cache
def _wording_file() -> dict[str, Any]:
    with WORDING_FILE.open("rb") as file:
        return tomllib.load(file)


class Wording:
    """One chapter's section of ``wording.toml``.

    Parameters
    ----------
    chapter : str
        The section name (the chapter's key, e.g. ``"ehcp"``).
    phrases : mapping, optional
        The section's templates and phrase tables (default: read from :data:`WORDING_FILE`).
    """

    def __init__(self, chapter: str, phrases: Mapping[str, Any] | None = None,
                 common: Mapping[str, Any] | None = None) -> None:
        self.chapter = chapter
        if phrases is None:
            every = _wording_file()
            if chapter not in every:
                raise ValueError(f"{WORDING_FILE}: no [{chapter}] section")
            phrases, common = every[chapter], every.get("common", {})
        self.phrases = phrases
        self.common = common or {}

    def _where(self, key: str) -> str:
        return f"{WORDING_FILE.name}: [{self.chapter}] {key}"

    def fill(self, key: str, **fields: Any) -> str:
        """The template ``key`` of this chapter, filled with ``fields``.

        Raises
        ------
        ValueError
            Naming the file, section and key when the template is missing or uses a field the
            chapter does not give.
        """
        template = self.phrases.get(key)
        if not isinstance(template, str):
            raise ValueError(f"{self._where(key)}: no such template")
        try:
            return fill(template, **fields)
        except ValueError as error:
            raise ValueError(f"{self._where(key)}: {error}") from None

    def _table(self, table: str) -> Mapping[str, Any]:
        phrases = self.phrases.get(table, self.common.get(table))
        if not isinstance(phrases, Mapping):
            raise ValueError(f"{self._where(table)}: no such phrase table (nor in [common])")
        return phrases

    def knows(self, table: str, label: object) -> bool:
        """Whether a phrase table lists ``label`` itself (not only through ``other``)."""
        return isinstance(label, str) and label != "other" and label in self._table(table)

    def pick(self, table: str, label: object) -> str:
        """The phrase for a label in a phrase table of this chapter (or of ``[common]``).

        A label the table does not list (or a missing label) takes the table's ``other`` phrase.

        Examples
        --------
        >>> Wording("population").pick("compared", "Higher")
        'significantly higher than'
        >>> Wording("population").pick("compared", "Not compared")
        'compared with'
        """
        phrases = self._table(table)
        text = phrases.get(str(label)) if self.knows(table, label) else phrases.get("other")
        if not isinstance(text, str):
            raise ValueError(f"{self._where(table)}: no phrase for {label!r} and no 'other'")
        return text

    def since_first(self, latest: Mapping[str, Any], first: Mapping[str, Any]) -> str:
        """The template ``since_first``: how the latest value differs from the first year's.

        Examples
        --------
        >>> Wording("population").since_first({"value": 4.2}, {"value": 3.9, "period": "2020/21"})
        '; up from 3.9% in 2020/21'
        """
        change = latest["value"] - first["value"]
        direction = "up" if change > 0 else "down" if change < 0 else "unchanged"
        return self.fill("since_first", direction=self.pick("direction", direction),
                         start=first["value"], first=first["period"])


def listing(items: list[str]) -> str:
    """Items as a list in a sentence: ``"A"``, ``"A and B"``, ``"A, B and C"``.

    Examples
    --------
    >>> listing(["Marrowby (24.2%)", "Hazelmoor (15.0%)", "Birchcombe (23.9%)"])
    'Marrowby (24.2%), Hazelmoor (15.0%) and Birchcombe (23.9%)'
    """
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
