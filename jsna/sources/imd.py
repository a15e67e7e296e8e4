"""Readers for the English Indices of Deprivation (IoD) 2019 and 2025.

LSOA files (MHCLG File 1, File 2 domains, File 5/7 scores, the ONS "IMD lookup", mySociety's
composite file) carry ranks (1 = most deprived; published with thousands separators such as
``"29,199"``), deciles (1 = most deprived 10%) and scores. Headers differ between editions
(``LSOA code (2011)`` / ``LSOA code (2021)``, ``... Rank`` / ``... Rank (where 1 is most
deprived)``); columns are found by pattern. Local-authority summaries (File 10 reshaped long, IoD
2019 and 2025) are read by :func:`read_imd_la_summary`.

Deciles are whole numbers from 1 to 10 and are checked against ranks: with ``N`` LSOAs in England
(32,844 in 2019, 33,755 in 2025), decile ``d`` holds ranks ``(d - 1) N / 10 < rank <= d N / 10``.

The pipeline's ``inputs.imd`` file is read by :func:`read_imd_deciles`, which both the census
cleaner and ``jsna sources`` call, so they accept and refuse the same files with the same message.
Its identifying columns are declared in :data:`LSOA_FILE_COLUMNS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.column_names import compare_form
from jsna.errors import JsnaInputError
from jsna.sources.common import first_unreadable, parse_published_values, read_text_csv

SOURCE = "an English Indices of Deprivation LSOA file (IoD File 1/2/5/7 or ONS IMD lookup)"
SUMMARY_SOURCE = "an Indices of Deprivation local authority summary (File 10, long)"

#: LSOAs in England per edition.
LSOA_COUNT = {2019: 32844, 2025: 33755}

#: Domain column prefixes (lower case) -> short name.
DOMAINS = {
    "imd": "imd",
    "index of multiple deprivation (imd)": "imd",
    "index of multiple deprivation": "imd",
    "income": "income",
    "employment": "employment",
    "education, skills and training": "education",
    "education skills and training": "education",
    "health deprivation and disability": "health",
    "crime": "crime",
    "barriers to housing and services": "housing",
    "living environment": "living_environment",
    "income deprivation affecting children index (idaci)": "idaci",
    "income deprivation affecting older people (idaopi)": "idaopi",
}


@dataclass(frozen=True)
class ImdColumn:
    """An identifying column of an Indices of Deprivation LSOA file, as the readers find it.

    Attributes
    ----------
    name : str
        Name in the frame that :func:`read_imd` returns.
    description : str
        How messages name the column: its usual heading and other accepted ones.
    headings : str
        Regular expression matched against each heading in
        :func:`~jsna.column_names.compare_form` (lower case; spaces, underscores, hyphens and dots
        removed), so ``LSOA code (2011)``, ``lsoa_code``, ``LSOA11CD`` and ``lsoa11`` are all found.
        A group named ``year`` gives the LSOA vintage.
    required : bool
        Whether a file without it is refused.
    """

    name: str
    description: str
    headings: str
    required: bool

    def find(self, columns: list[str]) -> str | None:
        """The first of ``columns`` whose heading matches, or None."""
        pattern = re.compile(self.headings)
        return next((c for c in columns if pattern.match(compare_form(c.strip()))), None)


#: The identifying columns of an IoD LSOA file. The measures (ranks, deciles and scores of the
#: IMD and its domains) are found by their headings too (:func:`_domain_measure`); at least one
#: IMD measure is required.
LSOA_FILE_COLUMNS: tuple[ImdColumn, ...] = (
    ImdColumn("lsoa_code", "'LSOA code (2011)' (or LSOA21CD, LSOA11CD, lsoa11, lsoa)",
              r"^lsoa(?:code)?\(?(?P<year>\d{2}|\d{4})?\)?(?:cd|code)?$", required=True),
    ImdColumn("lsoa_name", "'LSOA name (2011)' (or LSOA21NM)", r"^lsoa(?:name\(?\d{4}\)?|\d{2}nm)$", required=False),
    ImdColumn("lad_code", "'Local Authority District code (2019)' (or LAD19CD)",
              r"^(?:localauthoritydistrictcode(?:\(\d{4}\))?|lad\d{2}cd)$", required=False),
    ImdColumn("lad_name", "'Local Authority District name (2019)' (or LAD19NM)",
              r"^(?:localauthoritydistrictname(?:\(\d{4}\))?|lad\d{2}nm)$", required=False),
)


@dataclass(frozen=True)
class ImdDeciles:
    """The pipeline's IMD file (``inputs.imd``), read by :func:`read_imd_deciles`.

    Attributes
    ----------
    decile_by_lsoa : pandas.Series
        IMD decile (1 = most deprived 10% of LSOAs in England, int64) indexed by LSOA code; the
        first row of an LSOA listed twice, no LSOA without a decile.
    lsoa_vintage : str
        ``"lsoa11"``, ``"lsoa21"`` or ``"lsoa"`` (not stated in the LSOA heading).
    frame : pandas.DataFrame
        The whole file as :func:`read_imd` returns it (``edition``, ``lad_code`` ...).
    """

    decile_by_lsoa: pd.Series
    lsoa_vintage: str
    frame: pd.DataFrame


def read_imd_deciles(path: str | Path) -> ImdDeciles:
    """Read the pipeline's IMD file: the IMD decile of each LSOA (the cleaner and ``jsna sources``).

    Parameters
    ----------
    path : str or Path
        IoD File 1 or 2 (IMD rank and decile), the ONS ``IMD19`` lookup (ranks: deciles are
        derived) or mySociety's file (``original_decile``), as CSV (UTF-8 with or without BOM, or
        Windows-1252).

    Returns
    -------
    ImdDeciles

    Raises
    ------
    JsnaInputError
        Everything :func:`read_imd` refuses, and a file with neither an IMD decile nor an IMD
        rank column (a file of scores alone gives no decile).
    """
    path = Path(path)
    frame = read_imd(path)
    measures = frame.attrs["measure_columns"]
    if "imd_decile" not in measures and "imd_rank" not in measures:
        raise JsnaInputError(
            f"{path}: not in the expected layout of {SOURCE}: missing the IMD decile column "
            f"(e.g. 'Index of Multiple Deprivation (IMD) Decile'; or the IMD rank, from which "
            f"deciles are worked out); columns found: {', '.join(frame.attrs['columns'])}"
        )
    lsoa_heading = frame.attrs["lsoa_column"]
    year = re.match(LSOA_FILE_COLUMNS[0].headings, compare_form(lsoa_heading)).group("year")
    deciles = pd.Series(frame["imd_decile"].to_numpy(dtype=float, na_value=np.nan),
                        index=pd.Index(frame["lsoa_code"], dtype=object)).dropna()
    deciles = deciles[~deciles.index.duplicated(keep="first")].astype("int64")
    return ImdDeciles(decile_by_lsoa=deciles,
                      lsoa_vintage=f"lsoa{year[-2:]}" if year else "lsoa", frame=frame)


def read_imd(path: str | Path, *, edition: int | None = None) -> pd.DataFrame:
    """Read an Indices of Deprivation LSOA file.

    Parameters
    ----------
    path : str or Path
        IoD File 1 (IMD rank and decile), File 2 (domain ranks and deciles), File 5/7 (scores),
        the ONS ``IMD19`` lookup or mySociety's ``overall_local_score`` file.
    edition : int, optional
        2019 or 2025. Detected from the header (``(2011)`` LSOAs -> 2019, ``(2021)`` -> 2025,
        ``IMD19`` -> 2019) when omitted.

    Returns
    -------
    DataFrame
        ``lsoa_code``, ``lsoa_name``, ``lad_code``, ``lad_name`` (``""`` when absent),
        ``edition`` (int), then for each domain present ``<domain>_rank`` and ``<domain>_decile``
        (nullable Int64) and ``<domain>_score`` (float); ``imd_rank``/``imd_decile`` always
        exist (deciles derived from ranks when the file has only ranks).

    Raises
    ------
    JsnaInputError
        No LSOA code column, no IMD rank/decile/score, an unreadable number, a rank outside
        1..N or a decile that disagrees with its rank.
    """
    path = Path(path)
    raw = read_text_csv(path, SOURCE)
    columns = list(raw.columns)
    found = {column.name: column.find(columns) for column in LSOA_FILE_COLUMNS}
    for column in LSOA_FILE_COLUMNS:
        if column.required and found[column.name] is None:
            raise JsnaInputError(
                f"{path}: not in the expected layout of {SOURCE}: missing column "
                f"{column.description}; columns found: {', '.join(columns)}"
            )
    if edition is None:
        edition = _detect_edition(columns)
    out = pd.DataFrame(index=raw.index)
    for name, heading in found.items():
        out[name] = _text(raw, heading)
    out["edition"] = edition

    found_any = False
    measures: list[str] = []
    for column in columns:
        parsed = _domain_measure(column)
        if parsed is None:
            continue
        domain, kind = parsed
        values, notes, unreadable = parse_published_values(raw[column])
        if unreadable.any() or (notes != "").any():
            raise first_unreadable(
                raw[column], unreadable | (notes != ""), path, column, f"a {kind}"
            )
        if kind == "decile":
            not_decile = ~np.isnan(values) & ((values % 1 != 0) | (values < 1) | (values > 10))
            if not_decile.any():
                raise first_unreadable(raw[column], not_decile, path, column,
                                       "a decile (a whole number from 1 to 10)")
        name = f"{domain}_{kind}"
        measures.append(name)
        if kind == "score":
            out[name] = values
        else:
            out[name] = pd.array(np.where(np.isnan(values), None, values), dtype="Int64")
        found_any = found_any or domain == "imd"
    if not found_any:
        raise JsnaInputError(
            f"{path}: not in the expected layout of {SOURCE}: no IMD rank, decile or score column "
            f"(e.g. 'Index of Multiple Deprivation (IMD) Rank'); columns found: {', '.join(columns)}"
        )
    total = LSOA_COUNT.get(edition)
    for domain in sorted({c.rsplit("_", 1)[0] for c in out.columns if c.endswith("_rank")}):
        _check_ranks(out, domain, total, path)
    if "imd_rank" not in out.columns:
        out["imd_rank"] = pd.array([None] * len(out), dtype="Int64")
    if "imd_decile" not in out.columns:
        out["imd_decile"] = (
            rank_to_decile(out["imd_rank"], total)
            if total
            else pd.array([None] * len(out), dtype="Int64")
        )
    out.attrs["path"] = str(path)
    out.attrs["columns"] = columns
    out.attrs["lsoa_column"] = found["lsoa_code"]
    out.attrs["measure_columns"] = measures
    return out


def rank_to_decile(ranks: pd.Series, total: int) -> pd.Series:
    """National decile (1 = most deprived) of each rank among ``total`` LSOAs.

    Parameters
    ----------
    ranks : Series of int
    total : int
        LSOAs in England (32,844 for IoD 2019; 33,755 for IoD 2025).

    Returns
    -------
    Series of Int64
        ``ceil(rank * 10 / total)``.
    """
    values = pd.to_numeric(ranks, errors="coerce").astype(float)
    deciles = np.ceil(values * 10 / total)
    return pd.Series(
        pd.array(np.where(np.isnan(deciles), None, deciles), dtype="Int64"), index=ranks.index
    )


def read_imd_la_summary(path: str | Path) -> pd.DataFrame:
    """Read Indices of Deprivation local-authority summaries (long layout).

    Parameters
    ----------
    path : str or Path
        IoD 2019 (``lad19cd, lad19nm, index_domain, average_rank, ... , year``) or IoD 2025
        (``area_code, area_name, area_type, deprivation_data_year, index_domain, ...``).

    Returns
    -------
    DataFrame
        ``lad_code``, ``lad_name``, ``edition`` (int), ``index_domain``, ``average_rank``,
        ``rank_average_rank``, ``average_score``, ``rank_average_score``,
        ``proportion_bottom_decile``, ``rank_proportion_bottom_decile`` (floats; rank of 1 = most
        deprived).
    """
    path = Path(path)
    raw = read_text_csv(path, SUMMARY_SOURCE)
    columns = list(raw.columns)
    code = _match(columns, r"(?i)^(lad\d{2}cd|area_code|local authority district code.*)$")
    name = _match(columns, r"(?i)^(lad\d{2}nm|area_name|local authority district name.*)$")
    edition_column = _match(columns, r"(?i)^(year|deprivation_data_year)$")
    measures = [
        "average_rank",
        "rank_average_rank",
        "average_score",
        "rank_average_score",
        "proportion_bottom_decile",
        "rank_proportion_bottom_decile",
    ]
    missing = [c for c in ["index_domain", *measures] if c not in columns]
    if code is None or missing or edition_column is None:
        if code is None:
            missing.insert(0, "lad19cd or area_code")
        if edition_column is None:
            missing.append("year or deprivation_data_year")
        raise JsnaInputError(
            f"{path}: not in the expected layout of {SUMMARY_SOURCE}: missing column(s) "
            f"{', '.join(missing)}; columns found: {', '.join(columns)}"
        )
    out = pd.DataFrame(
        {
            "lad_code": raw[code].str.strip(),
            "lad_name": _text(raw, name),
            "edition": pd.to_numeric(raw[edition_column], errors="coerce").astype("Int64"),
            "index_domain": raw["index_domain"].str.strip(),
        }
    )
    for column in measures:
        out[column] = _published_numbers(raw, column, path, "a number")
    out.attrs["path"] = str(path)
    return out


def _published_numbers(raw: pd.DataFrame, column: str, path: Path, expected: str) -> np.ndarray:
    """One column's numbers (NaN for published symbols and blanks); other text raises, saying
    the cell should be ``expected``."""
    values, _, unreadable = parse_published_values(raw[column])
    if unreadable.any():
        raise first_unreadable(raw[column], unreadable, path, column, expected)
    return values


def _domain_measure(column: str) -> tuple[str, str] | None:
    """(domain, rank|decile|score) for an IoD measure column, else None."""
    lower = column.strip().lower()
    if lower in {"imd19", "imd_rank", "imd rank"}:
        return "imd", "rank"
    if lower in {"overall_local_score", "imd_score"}:
        return "imd", "score"
    if lower in {"original_decile", "imd_decile"}:
        return "imd", "decile"
    if lower in {"income_score", "employment_score"}:
        return lower.split("_")[0], "score"
    found = re.match(r"^(.*?)\s+(rank|decile|score)\b", lower)
    if not found:
        return None
    prefix = re.sub(r"\s+(domain|deprivation)$", "", found.group(1).strip())
    prefix = re.sub(r"\s+deprivation domain$", "", prefix)
    domain = DOMAINS.get(prefix)
    if domain is None:
        return None
    return domain, found.group(2)


def _check_ranks(out: pd.DataFrame, domain: str, total: int | None, path: Path) -> None:
    ranks = out[f"{domain}_rank"]
    if total is not None:
        outside = (ranks < 1) | (ranks > total)
        if outside.fillna(False).any():
            row = int(np.flatnonzero(outside.fillna(False).to_numpy())[0])
            raise JsnaInputError(
                f"{path}: row {row + 2}: {domain} rank {ranks.iloc[row]} is outside 1..{total:,}"
            )
    decile_column = f"{domain}_decile"
    if decile_column in out.columns and total is not None:
        expected = rank_to_decile(ranks, total)
        wrong = (expected != out[decile_column]).fillna(False)
        if wrong.any():
            row = int(np.flatnonzero(wrong.to_numpy())[0])
            raise JsnaInputError(
                f"{path}: row {row + 2}: {domain} decile {out[decile_column].iloc[row]} does not "
                f"match rank {ranks.iloc[row]} (expected decile {expected.iloc[row]} of {total:,} "
                "LSOAs); is this the right edition?"
            )


def _detect_edition(columns: list[str]) -> int:
    joined = " ".join(columns).lower()
    if "(2021)" in joined or "lsoa21" in joined or "2025" in joined:
        return 2025
    return 2019


def _match(columns: list[str], pattern: str) -> str | None:
    regex = re.compile(pattern)
    return next((c for c in columns if regex.match(c.strip())), None)


def _text(raw: pd.DataFrame, column: str | None) -> pd.Series:
    if column is None:
        return pd.Series("", index=raw.index, dtype=str)
    return raw[column].str.strip().astype(str)


#: IoD File 6 population denominator columns (prefix, lower case) -> short name.
_DENOMINATORS = {
    "total population": "total_population",
    "dependent children aged 0-15": "children_0_15",
    "population aged 16-59": "population_16_59",
    "older population aged 60 and over": "population_60_plus",
    "working age population": "working_age_population",
}


def read_iod_denominators(path: str | Path) -> pd.DataFrame:
    """Read IoD File 6, the population denominators by LSOA (mid-2015 for IoD 2019).

    Returns
    -------
    DataFrame
        ``lsoa_code``, ``lsoa_name``, ``lad_code``, ``lad_name`` and the denominators present:
        ``total_population``, ``children_0_15``, ``population_16_59``, ``population_60_plus``,
        ``working_age_population`` (floats; thousands separators removed).
    """
    path = Path(path)
    source = "Indices of Deprivation File 6 (population denominators)"
    raw = read_text_csv(path, source)
    columns = list(raw.columns)
    lsoa = _match(columns, r"(?i)^(lsoa code( \(\d{4}\))?|lsoa\d{2}cd)$")
    chosen = {
        short: next((c for c in columns if c.strip().lower().startswith(prefix)), None)
        for prefix, short in _DENOMINATORS.items()
    }
    if lsoa is None or chosen["total_population"] is None:
        raise JsnaInputError(
            f"{path}: not in the expected layout of {source}: missing 'LSOA code (2011)' or "
            f"'Total population: mid ...'; columns found: {', '.join(columns)}"
        )
    out = pd.DataFrame(index=raw.index)
    out["lsoa_code"] = raw[lsoa].str.strip()
    out["lsoa_name"] = _text(raw, _match(columns, r"(?i)^lsoa name( \(\d{4}\))?$"))
    out["lad_code"] = _text(raw, _match(columns, r"(?i)^local authority district code"))
    out["lad_name"] = _text(raw, _match(columns, r"(?i)^local authority district name"))
    for short, column in chosen.items():
        if column is not None:
            out[short] = _published_numbers(raw, column, path, "a population count")
    out.attrs["path"] = str(path)
    return out
