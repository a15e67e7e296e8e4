"""The identifier gate: no pupil's UPN, name, postcode or list of dates of birth in the site.

The chapters publish counts, never records, and the cleaner keeps only a pseudonymous key; this
gate is the last check that nothing identifying slipped through anyway (a debugging table left in
a notebook, a finding that quotes a row, a figure's label). Before a refresh publishes its staged
site, :func:`find_identifiers` reads every file of it as text and looks for

* **UPNs**: any 13-character UPN of the census inputs (in any case), and any upper-case string
  shaped like a UPN whose check letter is valid (DfE algorithm), wherever it came from;
* **full postcodes** of the census inputs (any spacing or case); postcode districts and sectors
  are not identifying and are not looked for;
* **names**: a pupil's forename and surname side by side ("Ada Lovelace", "Lovelace Ada",
  "Lovelace, Ada", "Ada Lovelace's"), in any case. A forename or a surname alone is not looked for: alone it names
  no one, and common names are also the names of places and wards;
* **dates of birth**: three or more different dates of birth of the census inputs in one file
  (a list of pupils' birthdays is record-level data; one date alone could be a release date).

The identifiers are read from the configured census files into memory for the check and never
written anywhere; a hit is reported by file, line and kind, never by its value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc

from jsna.clean.headings import match_headings, read_selected_columns
from jsna.clean.postcode import normalise_postcodes
from jsna.clean.upn import CHECK_ALPHABET, check_letter
from jsna.errors import JsnaError

#: Distinct dates of birth of the census inputs in one file from which the file is blocked.
DATES_OF_BIRTH_IN_ONE_FILE = 3

_IDENTIFIER_COLUMNS = ("UPN", "Forename", "Surname", "DOB", "Postcode")
_UPN_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][0-9]{11}[0-9A-Za-z](?![A-Za-z0-9])")
_POSTCODE_TOKEN = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}(?![A-Za-z0-9])")
#: A word: letters only, so "O'Neil", "Smith-Jones" and "Ada's" split alike in names and in the site.
_WORD = re.compile(r"[^\W\d_]+")
_ISO_DATE = re.compile(r"(?<![0-9])(\d{4})-(\d{2})-(\d{2})(?![0-9])")
_UK_DATE = re.compile(r"(?<![0-9/])(\d{1,2})/(\d{1,2})/(\d{4})(?![0-9/])")


@dataclass
class Identifiers:
    """The identifiers of the census inputs, in the forms the gate compares.

    Attributes
    ----------
    upns : set of str
        Upper-case UPNs.
    postcodes : set of str
        Normalised full postcodes (``"AB1 2CD"``).
    names : set of str
        ``"forename surname"`` and ``"surname forename"``, lower case, single spaces.
    dates_of_birth : set of str
        ISO dates (``YYYY-MM-DD``).
    """

    upns: set[str] = field(default_factory=set)
    postcodes: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    dates_of_birth: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class IdentifierHit:
    """One identifier found in the site: where and what kind (never the value)."""

    file: str
    line: int
    kind: str

    def describe(self) -> str:
        """One line for the refresh's error message."""
        return f"{self.file} line {self.line}: {self.kind}"


def _words(text: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(text)]


def read_identifiers(census_files: Mapping[int, Path],
                     columns_map: Mapping[str, str] | None = None) -> Identifiers:
    """Read the UPNs, names, dates of birth and postcodes of the census files.

    Headings are matched as the cleaner matches them (``[census.columns]`` included); a file
    without one of these columns simply contributes none of it.

    Parameters
    ----------
    census_files : mapping of int to Path
        Census year -> file (``config.inputs.census``).
    columns_map : mapping of str to str, optional
        ``[census.columns]`` of the config.

    Returns
    -------
    Identifiers
    """
    found = Identifiers()
    def select(headings: list[str]) -> dict[str, str]:
        matched = match_headings(headings, columns_map)
        return {name: matched[name] for name in _IDENTIFIER_COLUMNS if name in matched}

    for year, path in sorted(census_files.items()):
        table = read_selected_columns(Path(path), select, source=f"census {year}").table
        columns = {name: table[name] for name in _IDENTIFIER_COLUMNS if name in table.column_names}
        if "UPN" in columns:
            upns = pc.utf8_upper(pc.utf8_trim_whitespace(columns["UPN"]))
            found.upns.update(value for value in upns.to_pylist() if value)
        if "Postcode" in columns:
            found.postcodes.update(
                code for code in normalise_postcodes(columns["Postcode"].combine_chunks())
                .to_pylist() if code)
        if "Forename" in columns and "Surname" in columns:
            for forename, surname in zip(columns["Forename"].to_pylist(),
                                         columns["Surname"].to_pylist(), strict=True):
                first, last = " ".join(_words(forename or "")), " ".join(_words(surname or ""))
                if first and last:
                    found.names.update({f"{first} {last}", f"{last} {first}"})
        if "DOB" in columns:
            found.dates_of_birth.update(_iso_dates(columns["DOB"].to_pylist()))
    return found


def _iso_dates(values: Iterable[str | None]) -> set[str]:
    text = pd.Series([v for v in values if v], dtype="object")
    if text.empty:
        return set()
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    uk = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
    dates = iso.fillna(uk).dropna()
    return set(dates.dt.strftime("%Y-%m-%d"))


def _valid_upn(token: str) -> bool:
    """An upper-case UPN shape whose first letter is the check letter of the rest."""
    first, body = token[0], token[1:]
    if not (first.isupper() and (body[-1].isdigit() or body[-1].isupper())):
        return False
    if body[-1].isalpha() and body[-1] not in CHECK_ALPHABET:
        return False
    return check_letter(body) == first


def _postcode_form(text: str) -> str:
    """Upper case, one space before the inward code (the normalised census form)."""
    compact = text.replace(" ", "").upper()
    return f"{compact[:-3]} {compact[-3:]}"


def _max_name_words(names: set[str]) -> int:
    return max((name.count(" ") + 1 for name in names), default=0)


def _line_hits(line: str, identifiers: Identifiers, name_words: int) -> list[str]:
    kinds = []
    for match in _UPN_TOKEN.finditer(line):
        token = match.group()
        if token.upper() in identifiers.upns:
            kinds.append("a UPN of the census inputs")
        elif _valid_upn(token):
            kinds.append("a UPN-shaped string with a valid check letter")
    for match in _POSTCODE_TOKEN.finditer(line):
        if _postcode_form(match.group()) in identifiers.postcodes:
            kinds.append("a full postcode of the census inputs")
    if identifiers.names:
        words = _words(line)
        for size in range(2, name_words + 1):
            if any(" ".join(words[i:i + size]) in identifiers.names
                   for i in range(len(words) - size + 1)):
                kinds.append("a pupil's forename and surname")
                break
    return kinds


def _dates_in(line: str) -> set[str]:
    dates = {f"{y}-{m}-{d}" for y, m, d in _ISO_DATE.findall(line)}
    dates |= {f"{y}-{int(m):02d}-{int(d):02d}" for d, m, y in _UK_DATE.findall(line)}
    return dates


def find_identifiers(site: Path, identifiers: Identifiers) -> list[IdentifierHit]:
    """Every place in the files under ``site`` where a pupil identifier appears.

    Parameters
    ----------
    site : Path
        The staged site.
    identifiers : Identifiers
        From :func:`read_identifiers`.

    Returns
    -------
    list of IdentifierHit
        In file and line order; empty when the site is clean.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "index.html").write_text("<p>Pupils in B2 4CD: 12</p>\\n<p>Ada Lovelace</p>")
    >>> known = Identifiers(postcodes={"B2 4CD"}, names={"ada lovelace", "lovelace ada"})
    >>> [hit.describe() for hit in find_identifiers(folder, known)]
    ['index.html line 1: a full postcode of the census inputs', "index.html line 2: a pupil's forename and surname"]
    """
    hits: list[IdentifierHit] = []
    name_words = _max_name_words(identifiers.names)
    for path in sorted(p for p in Path(site).rglob("*") if p.is_file()):
        name = path.relative_to(site).as_posix()
        text = path.read_bytes().decode("utf-8", errors="replace")
        birthdays: dict[str, int] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            hits += [IdentifierHit(name, number, kind)
                     for kind in _line_hits(line, identifiers, name_words)]
            for date in _dates_in(line) & identifiers.dates_of_birth:
                birthdays.setdefault(date, number)
        if len(birthdays) >= DATES_OF_BIRTH_IN_ONE_FILE:
            hits.append(IdentifierHit(name, min(birthdays.values()),
                                      f"{len(birthdays)} dates of birth of the census inputs"))
    return hits


def check_site_identifiers(site: Path, census_files: Mapping[int, Path],
                           columns_map: Mapping[str, str] | None = None) -> None:
    """Refuse to publish a staged site that holds a pupil identifier.

    Parameters
    ----------
    site : Path
        The staged site.
    census_files, columns_map
        As for :func:`read_identifiers`.

    Raises
    ------
    JsnaError
        Naming each file and line with an identifier (at most ten, then how many more) and what
        kind it is, never the identifier itself.
    """
    hits = find_identifiers(site, read_identifiers(census_files, columns_map))
    if not hits:
        return
    shown = "; ".join(hit.describe() for hit in hits[:10])
    more = f"; and {len(hits) - 10} more" if len(hits) > 10 else ""
    raise JsnaError(
        f"identifier gate: the site holds pupil identifiers and was not published: {shown}{more}. "
        "Find what wrote them (a table or finding of that chapter) and remove them; the "
        "published site is unchanged.")
