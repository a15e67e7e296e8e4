"""The LSOA to ward lookup: one reader for the census cleaner and ``jsna sources``.

An ONS best-fit *LSOA to ward* lookup of any vintage (``LSOA11CD``/``LSOA21CD``, ``WD19CD`` ..
``WD25CD``, a council's ``WD22CD_proposed``; names and local-authority columns optional), as CSV or
XLSX. Its layout is declared once, in :data:`LSOA_WARD_LOOKUP`; headings are matched as everywhere
else (case, spaces, underscores, hyphens and dots do not matter), so ``LSOA code (2021)`` and
``Ward code`` are read too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc

from jsna.column_names import compare_form
from jsna.errors import JsnaInputError
from jsna.sources.schema import Column, TableSchema
from jsna.sources.text_table import read_selected_columns

#: The layout of an LSOA to ward lookup (headings are regular expressions over the compare form,
#: see :func:`jsna.column_names.compare_form`).
LSOA_WARD_LOOKUP = TableSchema(
    source="LSOA to ward lookup",
    columns=(
        Column("lsoa_code", "LSOA code",
               (r"lsoa\d\dcd", r"lsoa\d\d", r"lsoacode\(?\d{4}\)?", "lsoacode", r"lsoa(cd)?"),
               not_blank=True, label="LSOAyyCD (the LSOA code)"),
        Column("ward_code", "ward code", (r"wd\d\dcd.*", "wardcode", "osward", "ward"),
               not_blank=True, label="WDyyCD (the ward code)"),
        Column("lad_code", "local authority code",
               (r"lad\d\dcd", "ladcd|lad|oslaua|localauthoritycode"), required=False),
        Column("lsoa_name", "LSOA name", (r"lsoa\d\dnm", r"lsoaname(\(?\d{4}\)?)?"),
               required=False),
        Column("ward_name", "ward name", (r"wd\d\dnm.*", "wardname"), required=False),
        Column("lad_name", "local authority name", (r"lad\d\dnm", "ladname|localauthorityname"),
               required=False),
    ),
)


@dataclass(frozen=True)
class LsoaWardLookup:
    """A best-fit LSOA to ward lookup read by :func:`read_lsoa_ward_lookup`.

    Attributes
    ----------
    ward_by_lsoa : pandas.Series
        Ward code indexed by LSOA code.
    lsoa_vintage : str
        ``"lsoa21"``, ``"lsoa11"`` or ``"lsoa"`` (unknown), from the LSOA heading.
    ward_codes : frozenset of str
        Every ward code in the lookup.
    ward_vintage : str
        ``"WD25"``, ``"WD19"`` ... from the ward heading; ``""`` when it does not say.
    table : pandas.DataFrame
        One row per LSOA: ``lsoa_code``, ``lsoa_name``, ``ward_code``, ``ward_name``,
        ``lad_code``, ``lad_name`` (``""`` where the file has no such column).
    """

    ward_by_lsoa: pd.Series
    lsoa_vintage: str
    ward_codes: frozenset[str]
    ward_vintage: str
    table: pd.DataFrame


def lsoa_vintage(heading: str) -> str:
    """The LSOA vintage a heading names: ``"lsoa21"``, ``"lsoa11"``; ``"lsoa"`` when unknown.

    Examples
    --------
    >>> lsoa_vintage("LSOA11CD"), lsoa_vintage("LSOA code (2021)"), lsoa_vintage("LSOA code")
    ('lsoa11', 'lsoa21', 'lsoa')
    """
    found = re.match(r"lsoa(?:code\(?\d\d)?(\d\d)", compare_form(heading))
    return f"lsoa{found.group(1)}" if found else "lsoa"


def read_lsoa_ward_lookup(path: str | Path) -> LsoaWardLookup:
    """Read an ONS best-fit LSOA to ward lookup as :data:`LSOA_WARD_LOOKUP` declares.

    The one reader of this lookup: the census cleaner and ``jsna sources`` both call it, so a
    file is accepted or refused by both with the same message.

    Parameters
    ----------
    path : str or Path
        CSV or XLSX file.

    Returns
    -------
    LsoaWardLookup

    Raises
    ------
    JsnaInputError
        One line naming the file: the LSOA or ward code column missing (with the headings
        found), a blank LSOA or ward code (its row), an LSOA given two different wards (both
        rows), or a file that cannot be read.
    """
    path = Path(path)
    chosen: dict[str, str] = {}

    def select(headings: list[str]) -> dict[str, str]:
        chosen.clear()
        chosen.update(LSOA_WARD_LOOKUP.match(headings, file_name=path.name))
        return chosen

    read = read_selected_columns(path, select).table
    LSOA_WARD_LOOKUP.check_not_blank(read, chosen, path.name)
    frame = pd.DataFrame({
        name: (pc.utf8_trim_whitespace(read.column(name)).fill_null("").to_numpy(
            zero_copy_only=False).astype(object) if name in chosen else "")
        for name in LSOA_WARD_LOOKUP.names
    })
    frame["row"] = read.column("source_row").to_numpy()
    pairs = frame.drop_duplicates(["lsoa_code", "ward_code"])
    clash = pairs.duplicated("lsoa_code", keep=False)
    if clash.any():
        first = pairs.loc[clash].iloc[:1]
        both = pairs.loc[clash & pairs["lsoa_code"].eq(first["lsoa_code"].iloc[0])].iloc[:2]
        raise JsnaInputError(
            f"{path.name}: rows {both['row'].iloc[0]} and {both['row'].iloc[1]}: LSOA "
            f"{both['lsoa_code'].iloc[0]} is given two different wards "
            f"({', '.join(both['ward_code'])}); a best-fit lookup has one ward per LSOA"
        )
    table = frame.drop_duplicates("lsoa_code").drop(columns="row").reset_index(drop=True)
    ward = re.match(r"wd(\d\d)", compare_form(chosen["ward_code"]))
    return LsoaWardLookup(
        ward_by_lsoa=pd.Series(table["ward_code"].to_numpy(dtype=object),
                               index=pd.Index(table["lsoa_code"].to_numpy(dtype=object))),
        lsoa_vintage=lsoa_vintage(chosen["lsoa_code"]),
        ward_codes=frozenset(table["ward_code"].tolist()),
        ward_vintage=f"WD{ward.group(1)}" if ward else "",
        table=table,
    )
