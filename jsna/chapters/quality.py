"""Data quality: every source, the census reconciliation and the cleaner's findings, for reviewers.

A reviewer signing off a JSNA needs to know what it was built from and how good that was: each
source with its period and coverage (the checks of ``jsna sources``), how every census row was
accounted for (rows read = pupils counted + rows set aside, by reason) and what the cleaner found
in the rows it kept (invalid UPNs, missing needs, unreadable dates ...).

Disclosure control:

* the reconciliation publishes exact counts, through :func:`jsna.disclosure.apply_disclosure`
  with the row total declared (rows read = the parts), so a small reason is hidden with a
  complement; the reasons for setting rows aside are counted nowhere else in the site;
* the cleaner's findings on kept rows overlap counts that chapters publish (a missing need is a
  "not recorded" need, a missing postcode a "ward not known"), so no exact count of them is
  published: each is a share of the pupils counted, to one decimal place, or "under 100
  rows" (a published share of at least 100 rows pins the count down to no better than a range of
  several rows above any threshold). Findings about postcodes and wards are left to the wards
  chapter, which counts them with its own disclosure control.

The full validation report, with row numbers, stays in the cleaned folder and is never published.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from jsna.chapters.base import Chapter, Findings
from jsna.clean.validation import FINDING_TYPES, INFORMATION, SET_ASIDE
from jsna.cleaned import clean_census_to_disk, clean_is_fresh
from jsna.config import Config
from jsna.disclosure import RowTotal, TableRules, apply_disclosure, format_suppressed
from jsna.input_checks import describe_sources
from jsna.viz.display import Table

KEY = "quality"
TITLE = "Data quality and sources"
#: Findings shown as a share only from this many rows (fewer are "under 100 rows").
SHARE_FROM_ROWS = 100
FEWER = f"under {SHARE_FROM_ROWS} rows"
#: Findings left to the wards chapter (they add up to its "ward not known").
_LEFT_TO_WARDS = ("postcode_missing", "postcode_malformed", "postcode_unmatched",
                  "ward_not_found", "lsoa_not_in_imd")
READ = "Rows in the census file"
KEPT = "Pupils counted (one row per pupil)"


def _ensure_cleaned(config: Config) -> None:
    if not clean_is_fresh(config):
        clean_census_to_disk(config)


def sources_table(config: Config) -> Table:
    """Every input the config can take: whether it is set and valid, its period and coverage.

    Parameters
    ----------
    config : Config
        The council's configuration.

    Returns
    -------
    Table
        One row per input (one per census year); file paths are not published.
    """
    frame = describe_sources(config)
    details = [_without_paths(str(detail) if pd.notna(detail) else "", path, config.root)
               for detail, path in zip(frame["detail"], frame["path"], strict=True)]
    status = frame["status"].map({"ok": "Read and checked", "not configured": "Not given",
                                  "not in config": "Not used yet", "missing": "File missing",
                                  "problem": "Problem"}).fillna(frame["status"])
    published = pd.DataFrame({
        "Input": frame["key"],
        "Status": status,
        "Period": frame["periods"].fillna("").astype(str),
        "Rows": frame["rows"].astype("Float64"),
        "Checks": pd.Series(details, index=frame.index).str.replace(
            " (pupil-level checks run in `jsna clean`)", "; pupil-level checks below",
            regex=False),
        "Publisher": frame["publisher"].fillna(""),
    })
    return Table(f"{KEY}_sources", "Every input: whether it was given, its period and the checks "
                 "it passed", published, formats={"Rows": "count"},
                 notes=["Rows are rows of the file as supplied (for a census, before cleaning). "
                        "File locations and checksums are in the provenance manifest."])


def _without_paths(detail: str, path: object, root: Path) -> str:
    """A check's message with the file's location removed: the site never shows a local path.

    Examples
    --------
    >>> _without_paths("/data/raw/dsg.ods: sheet X, row 6", "/data/raw/dsg.ods", Path("/data/raw"))
    'dsg.ods: sheet X, row 6'
    """
    if isinstance(path, str | Path) and str(path):
        detail = detail.replace(str(path), Path(path).name)
    return detail.replace(f"{root}{os.sep}", "").replace(str(root), ".")


def reconciliation_frame(reconciliation: pd.DataFrame) -> pd.DataFrame:
    """Rows read, set aside by reason and kept, one column per census year.

    Parameters
    ----------
    reconciliation : pandas.DataFrame
        ``reconciliation.csv`` of the cleaner: ``census_year, step, reason, rows``.

    Returns
    -------
    pandas.DataFrame
        ``Rows`` then one count column per year (``January 2025`` ...): the rows read first, the
        reasons for setting rows aside in the cleaner's order, the pupils counted last; a reason
        that did not occur in a year is 0.

    Examples
    --------
    >>> rec = pd.DataFrame({"census_year": [2025, 2025, 2025], "step": ["read", "set aside", "kept"],
    ...                     "reason": ["data rows", "blank row (no values)", "pupils"],
    ...                     "rows": [10, 1, 9]})
    >>> reconciliation_frame(rec)
                                     Rows  January 2025
    0             Rows in the census file            10
    1    Set aside: blank row (no values)             1
    2  Pupils counted (one row per pupil)             9
    """
    labels = reconciliation["step"].map({"read": READ, "kept": KEPT}).where(
        reconciliation["step"].isin(["read", "kept"]),
        "Set aside: " + reconciliation["reason"].astype(str))
    order = {"read": 0, "set aside": 1, "kept": 2}
    ordered = (reconciliation.assign(label=labels, step_order=reconciliation["step"].map(order),
                                     first_seen=range(len(reconciliation)))
               .sort_values(["step_order", "first_seen"], kind="stable"))
    rows = list(dict.fromkeys(ordered["label"]))
    wide = ordered.pivot_table(index="label", columns="census_year", values="rows",
                               aggfunc="sum", fill_value=0).reindex(rows, fill_value=0)
    wide.columns = [f"January {year}" for year in wide.columns]
    return wide.rename_axis("Rows").reset_index()


def validation_frame(findings: pd.DataFrame, kept: pd.Series) -> pd.DataFrame:
    """The cleaner's findings on kept rows as shares of the pupils counted (see module notes).

    Parameters
    ----------
    findings : pandas.DataFrame
        ``validation.csv`` of the cleaner: ``census_year, finding, column, rows, example_rows``.
    kept : pandas.Series
        Pupils counted by census year.

    Returns
    -------
    pandas.DataFrame
        ``Finding``, ``What the cleaner did`` and one text column per year: "2.3%" of the pupils
        counted, :data:`FEWER`, "none", or "whole file" for a file-level finding (a census
        without an FSM column).

    Examples
    --------
    >>> found = pd.DataFrame({"census_year": [2025, 2025], "finding": ["dob_missing", "sex_missing"],
    ...                       "column": ["DOB", "Gender"], "rows": [250, 3], "example_rows": ""})
    >>> validation_frame(found, pd.Series({2024: 9_000, 2025: 10_000})).iloc[:, 2:].values.tolist()
    [['none', '2.5%'], ['none', 'under 100 rows']]
    """
    shown = [name for name, kind in FINDING_TYPES.items()
             if kind.action not in (SET_ASIDE, INFORMATION) and name not in _LEFT_TO_WARDS]
    table = findings[findings["finding"].isin(shown)]
    counts = table.pivot_table(index="finding", columns="census_year", values="rows",
                               aggfunc="sum", fill_value=0)
    counts = counts.reindex(index=[n for n in shown if n in counts.index],
                            columns=sorted(kept.index), fill_value=0)
    out = pd.DataFrame({
        "Finding": [FINDING_TYPES[name].description for name in counts.index],
        "What the cleaner did": [FINDING_TYPES[name].action for name in counts.index],
    })
    for year in counts.columns:
        rows = counts[year].to_numpy()
        share = [_share(name, n, kept[year]) for name, n in zip(counts.index, rows, strict=True)]
        out[f"January {year}"] = share
    return out


def _share(finding: str, rows: int, kept: int) -> str:
    """How one finding's rows are published (see :func:`validation_frame`)."""
    if rows == 0:
        return "none"
    if FINDING_TYPES[finding].base == "read":  # a file-level finding: every row has it
        return "whole file"
    return f"{100 * rows / kept:.1f}%" if rows >= SHARE_FROM_ROWS else FEWER


def build(config: Config) -> Chapter:
    """Build the data quality chapter.

    Parameters
    ----------
    config : Config
        The council's configuration.

    Returns
    -------
    Chapter
    """
    threshold = config.disclosure.threshold
    tables: dict[str, Table] = {"sources": sources_table(config)}
    rules: dict[str, TableRules] = {tables["sources"].name: TableRules(key=["Input"], counts=[])}
    sentences = []
    if config.inputs.census:
        _ensure_cleaned(config)
        reconciliation = pd.read_csv(config.clean_dir / "reconciliation.csv")
        reconciliation = reconciliation[reconciliation["census_year"].isin(config.census_years)]
        frame = reconciliation_frame(reconciliation)
        name = f"{KEY}_reconciliation"
        years = [c for c in frame.columns if c != "Rows"]
        parts = [label for label in frame["Rows"] if label != READ]
        table_rules = TableRules(key=["Rows"], counts=years, relations=[
            RowTotal(total={"Rows": READ}, parts={"Rows": parts})])
        protected, _audit = apply_disclosure({name: frame}, {name: table_rules},
                                             threshold=threshold,
                                             suppress_zeros=config.disclosure.suppress_zeros)
        audit = _audit
        shown = format_suppressed(protected[name], columns=years).drop(columns="note")
        tables["reconciliation"] = Table(
            name, "How every census row was accounted for: rows read = pupils counted + rows "
            "set aside", shown, formats=dict.fromkeys(years, "count"),
            notes=[f"[c] = suppressed (fewer than {threshold} rows, or a cell that would reveal "
                   "one). A pupil with a main (M) and a subsidiary (S) registration is counted "
                   "once, at the main school."])
        rules[name] = table_rules
        latest = reconciliation[reconciliation["census_year"] == max(config.census_years)]
        read = int(latest.loc[latest["step"] == "read", "rows"].sum())
        counted = int(latest.loc[latest["step"] == "kept", "rows"].sum())
        sentences.append(
            f"Of the {read:,} rows in the January {max(config.census_years)} census file, "
            f"{counted:,} pupils were counted, one row per pupil; the other "
            f"{read - counted:,} rows were set aside for the reasons below.")
        kept = reconciliation[reconciliation["step"] == "kept"].set_index("census_year")["rows"]
        findings = pd.read_csv(config.clean_dir / "validation.csv")
        quality = validation_frame(findings, kept)
        tables["validation"] = Table(
            f"{KEY}_validation", "Problems the cleaner found in the rows it kept, as a share of "
            "the pupils counted", quality,
            notes=[f"Shares are given from {SHARE_FROM_ROWS} rows; exact counts are not "
                   "published, because many of these rows are also counted in the chapters "
                   "(for example as a need 'not recorded'). Home postcodes that could not be "
                   "placed in a ward are counted in the wards chapter. The full report, with "
                   "row numbers, is in the cleaned folder and is never published."])
        rules[tables["validation"].name] = TableRules(key=["Finding"], counts=[])
    else:
        audit = pd.DataFrame(columns=["table", "row_key", "column", "reason"])
        sentences.append("No school census was given: the chapters use published data only.")
    statuses = tables["sources"].frame["Status"]
    checked, not_given = int((statuses == "Read and checked").sum()), int(
        (statuses == "Not given").sum())
    sentences.append(f"{checked} input{' was' if checked == 1 else 's were'} read and checked"
                     + (f"; {not_given} more that the chapters can use were not given."
                        if not_given else "."))
    return Chapter(KEY, TITLE, Findings(sentences), tables=tables, disclosure=audit, rules=rules)


def cleaned_files(config: Config) -> list[Path]:
    """The cleaner's reports this chapter reads (in the cleaned folder, never published)."""
    return [config.clean_dir / "reconciliation.csv", config.clean_dir / "validation.csv"]
