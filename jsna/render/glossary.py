"""The site's glossary of SEND terms: one data file, its page, and links on a term's first use.

``glossary.toml`` (beside this module) lists each term, its anchor, a plain-text definition and
the words that use it on the pages. :func:`glossary_cells` renders the ``glossary.html`` page;
a :class:`GlossaryLinker` links the first use of each term on a page to its definition.

Links are inserted into text that is **already escaped**: the linker finds the terms' own
(escaped) words between character references, never inside one, and adds the only markup, an
``<a>`` whose address and class are fixed here. Whatever the text holds (a council name such as
``<script>`` or ``EHC plan&amp;``) stays text.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jsna.viz.display import escape

#: The glossary's data file.
GLOSSARY_FILE = Path(__file__).with_name("glossary.toml")

#: File name of the glossary page.
GLOSSARY_PAGE = "glossary.html"

_ANCHOR = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
#: A character reference of escaped text (``&amp;``, ``&#x27;``): never split by a link.
_REFERENCE = re.compile(r"(&(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z]+);)")


@dataclass(frozen=True)
class Term:
    """One entry of the glossary: the term as headed, its anchor id (``a-z0-9`` and hyphens),
    its definition and the phrases on the pages that link to it (longest matched first)."""

    term: str
    id: str
    definition: str
    uses: tuple[str, ...]


@cache
def glossary_terms() -> tuple[Term, ...]:
    """Every term of :data:`GLOSSARY_FILE`, in page order.

    Raises
    ------
    ValueError
        Naming the file and entry when an entry lacks a field, has an anchor that is not lower-case
        letters, digits and hyphens, or repeats an anchor or a use.
    """
    with GLOSSARY_FILE.open("rb") as handle:
        entries = tomllib.load(handle).get("term", [])
    terms: list[Term] = []
    seen_ids: set[str] = set()
    seen_uses: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        where = f"{GLOSSARY_FILE.name}: term {number}"
        missing = [key for key in ("term", "id", "definition", "uses") if not entry.get(key)]
        if missing:
            raise ValueError(f"{where}: missing {', '.join(missing)}")
        uses = entry["uses"]
        if not isinstance(uses, list) or not all(isinstance(use, str) and use for use in uses):
            raise ValueError(f"{where} ({entry['term']}): uses should be a list of words")
        if not _ANCHOR.fullmatch(entry["id"]) or entry["id"] in seen_ids:
            raise ValueError(f"{where} ({entry['term']}): id {entry['id']!r} should be new and "
                             "lower-case letters, digits and hyphens")
        repeated = seen_uses.intersection(uses)
        if repeated:
            raise ValueError(f"{where} ({entry['term']}): {sorted(repeated)} already used")
        seen_ids.add(entry["id"])
        seen_uses.update(uses)
        terms.append(Term(entry["term"], entry["id"], entry["definition"], tuple(uses)))
    return tuple(terms)


class GlossaryLinker:
    """Link the first use of each glossary term in a page's (escaped) text to its definition.

    One linker serves one page: a term linked once is not linked again.

    Parameters
    ----------
    terms : sequence of Term, optional
        Default: :func:`glossary_terms`.
    page : str
        The glossary page's address relative to the page (default :data:`GLOSSARY_PAGE`).

    Examples
    --------
    >>> linker = GlossaryLinker()
    >>> linker.link(escape("<b>Pupils with an EHC plan</b> and EHC plans"))
    '&lt;b&gt;Pupils with an <a class="glossary-term" href="glossary.html#ehc-plan">EHC plan</a>&lt;/b&gt; and EHC plans'
    """

    def __init__(self, terms: tuple[Term, ...] | None = None, page: str = GLOSSARY_PAGE) -> None:
        self._page = page
        self._by_use: dict[str, Term] = {}
        for term in terms if terms is not None else glossary_terms():
            for use in term.uses:
                self._by_use[escape(use)] = term
        uses = sorted(self._by_use, key=len, reverse=True)  # "EHC plans" before "EHC plan"
        self._pattern = re.compile(
            r"(?<![\w-])(" + "|".join(re.escape(use) for use in uses) + r")(?![\w-])"
        ) if uses else None
        self.linked: set[str] = set()

    def link(self, escaped: str) -> str:
        """``escaped`` with the first use on this page of each term made a link to it.

        Parameters
        ----------
        escaped : str
            HTML-escaped text (see :func:`jsna.viz.display.escape`); no markup.

        Returns
        -------
        str
            The same text; the terms' words are unchanged, some wrapped in ``<a>``.
        """
        if self._pattern is None:
            return escaped
        # split keeps the references at odd places: only the text between them is searched
        pieces = _REFERENCE.split(escaped)
        return "".join(piece if number % 2 else self._link_piece(piece)
                       for number, piece in enumerate(pieces))

    def _link_piece(self, text: str) -> str:
        assert self._pattern is not None

        def replace(match: re.Match[str]) -> str:
            term = self._by_use[match.group(1)]
            if term.id in self.linked:
                return match.group(0)
            self.linked.add(term.id)
            return (f'<a class="glossary-term" href="{self._page}#{term.id}">'
                    f"{match.group(1)}</a>")

        return self._pattern.sub(replace, text)


def glossary_cells() -> list[tuple[str, str]]:
    """The glossary page's cells (``("html", text)``): a heading, an introduction and a
    definition list whose terms carry their anchors."""
    items = "".join(
        f'<dt id="{term.id}">{escape(term.term)}</dt><dd>{escape(term.definition)}</dd>'
        for term in glossary_terms())
    return [
        ("html", "<h1>Glossary</h1>"),
        ("html", "<p class=\"lead\">The special educational needs and disabilities (SEND) terms "
                 "used in this JSNA, in plain English. A term is linked here where it is first "
                 "used on the overview.</p>"),
        ("html", f'<dl class="glossary">{items}</dl>'),
    ]
