"""Find the census columns in a council's extract and read only those.

Management information systems (SIMS, Arbor, Bromcom, ...) and the DfE COLLECT system export the
January school census with slightly different headings (``UPN``, ``Upn``, ``DateOfBirth``,
``Date of birth``, ``SEN_Type_1``, ...). Headings are compared after removing case, spaces,
underscores, hyphens and dots, against the common names below; anything else is named in the
config's ``[census.columns]`` table (``"Local heading" = "standard name"``).

Only the columns the cleaner needs are read. Pupils' names are never loaded: their headings are
recognised only so that a ``[census.columns]`` entry cannot accidentally map a name into a census
field, and they are left out of the columns requested from the file.

Row numbers
    Findings and error messages quote *row numbers as a spreadsheet shows them*: the heading is
    row 1 and the first pupil is row 2. For CSV files this assumes one line per row (a quoted
    field containing a line break shifts later numbers by one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from jsna.column_names import compare_form
from jsna.errors import JsnaConfigError, JsnaInputError

# The file reading (CSV decoding, XLSX, only the chosen columns) is the one reader every local and
# published file goes through; re-exported here, where the cleaner has always found it.
from jsna.sources.text_table import TextTable, read_selected_columns

__all__ = [
    "CENSUS_HEADINGS", "NAME_COLUMNS", "REQUIRED_COLUMNS", "SCHOOL_COLUMNS", "TextTable",
    "check_columns_map", "check_required", "compare_form", "match_headings",
    "read_selected_columns",
]

#: Standard census column -> headings accepted for it (already in the compared form).
CENSUS_HEADINGS: dict[str, tuple[str, ...]] = {
    "UPN": ("upn", "uniquepupilnumber", "pupilupn"),
    "Forename": ("forename", "firstname", "legalforename", "preferredforename", "givenname"),
    "Surname": ("surname", "lastname", "legalsurname", "preferredsurname", "familyname"),
    "DOB": ("dob", "dateofbirth", "birthdate", "pupildob"),
    "Gender": ("gender", "sex"),
    "NCYearActual": ("ncyearactual", "actualncyear", "ncyear", "yeargroup", "nationalcurriculumyear"),
    "EnrolStatus": ("enrolstatus", "enrolmentstatus", "enrollmentstatus", "enrolmentstatuscode"),
    "SENprovision": ("senprovision", "senstatus", "senprovisiontype", "sen"),
    "SENType1": ("sentype1", "primarysentype", "sentype", "primaryneed", "senprimaryneed",
                 "sentyperank1", "senneed1"),
    "SENType2": ("sentype2", "secondarysentype", "secondaryneed", "sensecondaryneed",
                 "sentyperank2", "senneed2"),
    "FSMeligible": ("fsmeligible", "fsm", "fsmeligibility", "freeschoolmeals", "eligibleforfsm"),
    "Postcode": ("postcode", "homepostcode", "pupilpostcode", "postcodehome", "addresspostcode"),
    "LAEstab": ("laestab", "dfenumber", "dfeno", "laestabnumber", "dfeestab"),
    "URN": ("urn", "schoolurn"),
    "CensusDate": ("censusdate", "censusreferencedate", "collectiondate"),
    "CensusYear": ("censusyear",),
}

#: Columns the cleaner needs in every census file.
REQUIRED_COLUMNS: tuple[str, ...] = (
    "UPN", "DOB", "Gender", "NCYearActual", "EnrolStatus", "SENprovision", "SENType1", "Postcode",
)
#: Of these, at least one must be present (the pupil's school).
SCHOOL_COLUMNS: tuple[str, ...] = ("URN", "LAEstab")
#: Columns that identify a person by name: recognised, never read.
NAME_COLUMNS: frozenset[str] = frozenset({"Forename", "Surname"})

def match_headings(
    headings: Iterable[str],
    columns_map: Mapping[str, str] | None = None,
    *,
    standard: Mapping[str, tuple[str, ...]] = CENSUS_HEADINGS,
    source: str = "census file",
) -> dict[str, str]:
    """Match a file's headings to standard column names.

    Parameters
    ----------
    headings : iterable of str
        The headings in the file, in order.
    columns_map : mapping of str to str, optional
        ``[census.columns]`` from the config: local heading -> standard name. Entries for headings
        not in this file, or for standard names outside ``standard``, are ignored (the same table
        also maps postcode-directory columns).
    standard : mapping
        Standard name -> accepted headings in compared form (see :func:`compare_form`).
    source : str
        File name used in error messages.

    Returns
    -------
    dict of str to str
        Standard name -> the file's heading, for every standard column found.

    Raises
    ------
    JsnaInputError
        If two headings in the file match the same standard column.
    """
    headings = list(headings)
    by_form: dict[str, list[str]] = {}
    for heading in headings:
        by_form.setdefault(compare_form(heading), []).append(heading)

    explicit: dict[str, str] = {}
    for local, name in (columns_map or {}).items():
        if name in standard and compare_form(local) in by_form:
            explicit[name] = by_form[compare_form(local)][0]

    found: dict[str, str] = dict(explicit)
    taken = set(explicit.values())
    for name, forms in standard.items():
        if name in found:
            continue
        matches = [h for form in forms for h in by_form.get(form, []) if h not in taken]
        if len(matches) > 1:
            raise JsnaInputError(
                f"{source}: columns {', '.join(repr(m) for m in matches)} all look like {name}; "
                f"name the one to use in [census.columns] of the config"
            )
        if matches:
            found[name] = matches[0]
            taken.add(matches[0])
    return found


def check_required(
    found: Mapping[str, str], headings: list[str], source: str,
    required: Iterable[str] = REQUIRED_COLUMNS, one_of: Iterable[str] = SCHOOL_COLUMNS,
) -> None:
    """Raise one line naming the file, the first missing column and the columns found.

    Parameters
    ----------
    found : mapping
        Output of :func:`match_headings`.
    headings : list of str
        Every heading in the file.
    source : str
        File name for the message.
    required : iterable of str
        Standard names that must be present.
    one_of : iterable of str
        Standard names of which at least one must be present (may be empty).

    Raises
    ------
    JsnaInputError
        If a required column is missing.
    """
    missing = [name for name in required if name not in found]
    one_of = list(one_of)
    if one_of and not any(name in found for name in one_of):
        missing.append(" or ".join(one_of))
    if missing:
        shown = ", ".join(headings) if headings else "(none)"
        plural = "s" if len(missing) > 1 else ""
        raise JsnaInputError(
            f"{source}: missing required column{plural} {', '.join(missing)}; columns found: "
            f"{shown} (map other headings in [census.columns] of the config)"
        )


def check_columns_map(columns_map: Mapping[str, str], allowed: Iterable[str]) -> None:
    """Reject ``[census.columns]`` entries whose standard name is unknown.

    Parameters
    ----------
    columns_map : mapping
        Local heading -> standard name.
    allowed : iterable of str
        Every standard name the toolkit knows (census and postcode-directory columns).

    Raises
    ------
    JsnaConfigError
        Naming the key and the names allowed.
    """
    allowed = list(allowed)
    for local, name in columns_map.items():
        if name not in allowed:
            raise JsnaConfigError(
                f"census.columns.{local!r} = {name!r} is not a standard column name "
                f"(allowed: {', '.join(allowed)})"
            )
