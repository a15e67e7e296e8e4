"""Read a council's children in need / looked after extract: headings, columns, structure.

The extract is a person-level table as exported from a children's social care system for the CIN
census and the SSDA903 return: one row per child, or one row per episode (a child in need
episode, a child protection plan, a period looked after), with the child's ID and/or UPN and
dates. Headings are matched loosely, as for the school census
(:func:`jsna.clean.headings.match_headings`: case, spaces, underscores, hyphens and dots are
ignored), and anything else is named in the config's ``[cin.columns]`` table (``"Local heading" =
"standard name"``). Names and postcodes are recognised so they can never be mapped into a field,
and are never read.

Structural problems -- no child ID or UPN column, no start date column, an end date without its
start, a date column in which no value is a date -- stop the clean with one line naming the file
and the column.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa

from jsna.clean.headings import match_headings, read_selected_columns
from jsna.errors import JsnaConfigError, JsnaInputError

#: Standard column -> headings accepted for it (in the compared form: lower case, no spaces,
#: underscores, hyphens or dots). SSDA903 names (DECOM, DEC, LS) and CIN census names
#: (CINreferralDate, CINclosureDate, CPPstartDate, CPPendDate) are included.
CIN_HEADINGS: dict[str, tuple[str, ...]] = {
    "ChildID": ("childid", "lachildid", "personid", "personreference", "clientid", "cinid",
                "childidentifier", "childreference", "caseid"),
    "UPN": ("upn", "uniquepupilnumber", "pupilupn"),
    "DOB": ("dob", "dateofbirth", "birthdate", "personbirthdate", "childdob"),
    "CINStart": ("cinstart", "cinstartdate", "cinreferraldate", "referraldate",
                 "cinepisodestart", "cinepisodestartdate"),
    "CINEnd": ("cinend", "cinenddate", "cinclosuredate", "closuredate", "cinepisodeend",
               "cinepisodeenddate"),
    "CPPStart": ("cppstart", "cppstartdate", "cpstart", "cpstartdate", "cpplanstartdate",
                 "childprotectionplanstart", "childprotectionplanstartdate"),
    "CPPEnd": ("cppend", "cppenddate", "cpend", "cpenddate", "cpplanenddate",
               "childprotectionplanend", "childprotectionplanenddate"),
    "CLAStart": ("clastart", "clastartdate", "lacstart", "lacstartdate", "lookedafterstart",
                 "lookedafterstartdate", "decom", "episodestart", "episodestartdate"),
    "CLAEnd": ("claend", "claenddate", "lacend", "lacenddate", "lookedafterend",
               "lookedafterenddate", "dec", "episodeend", "episodeenddate"),
    "LegalStatus": ("legalstatus", "ls", "clalegalstatus"),
    # recognised so that [cin.columns] cannot map them into a field; never read
    "Forename": ("forename", "firstname", "givenname"),
    "Surname": ("surname", "lastname", "familyname"),
    "Postcode": ("postcode", "homepostcode"),
}
#: Columns that identify a person: recognised, never read.
NEVER_READ: frozenset[str] = frozenset({"Forename", "Surname", "Postcode"})
#: The three kinds of record: (label, start column, end column).
SPELLS: tuple[tuple[str, str, str], ...] = (
    ("cin", "CINStart", "CINEnd"),
    ("cpp", "CPPStart", "CPPEnd"),
    ("cla", "CLAStart", "CLAEnd"),
)
KEY_COLUMNS = ("ChildID", "UPN")
DATE_COLUMNS = ("DOB", *(c for _, start, end in SPELLS for c in (start, end)))


def check_cin_columns_map(columns_map: Mapping[str, str]) -> None:
    """Refuse ``[cin.columns]`` entries whose standard name is unknown, naming the key.

    Raises
    ------
    JsnaConfigError
        One line naming the entry and the standard names allowed.
    """
    allowed = [name for name in CIN_HEADINGS if name not in NEVER_READ]
    for local, name in columns_map.items():
        if name not in allowed:
            raise JsnaConfigError(f"cin.columns.{local!r} = {name!r} is not a standard column "
                                  f"of the children in need extract (allowed: "
                                  f"{', '.join(allowed)})")


def _select(columns_map: Mapping[str, str], source: str):
    def select(headings: list[str]) -> dict[str, str]:
        found = match_headings(headings, columns_map, standard=CIN_HEADINGS, source=source)
        shown = ", ".join(headings) or "(none)"
        hint = "map other headings in [cin.columns] of the config"
        if not any(name in found for name in KEY_COLUMNS):
            raise JsnaInputError(f"{source}: missing required column ChildID or UPN (the "
                                 f"child's key); columns found: {shown} ({hint})")
        if not any(start in found for _, start, _end in SPELLS):
            raise JsnaInputError(f"{source}: missing required column CINStart, CPPStart or "
                                 f"CLAStart (a start date); columns found: {shown} ({hint})")
        for _, start, end in SPELLS:
            if end in found and start not in found:
                raise JsnaInputError(f"{source}: column {found[end]!r} ({end}) has no start "
                                     f"date column {start}; columns found: {shown} ({hint})")
        return {name: heading for name, heading in found.items() if name not in NEVER_READ}

    return select


def read_cin_extract(path: str | Path, columns_map: Mapping[str, str] | None = None) -> pa.Table:
    """Read the extract's standard columns, every value as text.

    Parameters
    ----------
    path : str or Path
        CSV (UTF-8 or Windows-1252, comma, tab or semicolon) or XLSX.
    columns_map : mapping, optional
        ``[cin.columns]``: local heading -> standard name (:data:`CIN_HEADINGS`).

    Returns
    -------
    pyarrow.Table
        One text column per standard column found (names, postcodes never read) and
        ``source_row`` (the spreadsheet row number: headings are row 1).

    Raises
    ------
    JsnaInputError
        One line naming the file (and the column) for an unreadable file, a missing key or start
        date column, an end date column without its start, or two headings matching one column.
    JsnaConfigError
        A ``[cin.columns]`` entry naming an unknown standard column.
    """
    path = Path(path)
    columns_map = dict(columns_map or {})
    check_cin_columns_map(columns_map)
    return read_selected_columns(path, _select(columns_map, path.name), source=path.name).table
