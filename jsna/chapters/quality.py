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

Each cleaned input (the census and every local extract given) is listed with its rows
accounted for and a link to its published validation report, in which findings are shares and
example row numbers are given only from 100 rows (:mod:`jsna.chapters.quality_inputs`). The full
validation report, with every exact count, stays in the cleaned folder and is never published.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from jsna.chapters.base import DATA_FOLDER, Chapter, Findings
from jsna.chapters.quality_inputs import (
    CleanedInput,
    CleanedInputs,
    census_input,
    extract_inputs,
    published_report,
    reconciliation_table,
)
from jsna.clean.validation import FINDING_TYPES, INFORMATION, SET_ASIDE
from jsna.cleaned import census_folder, clean_census_to_disk, clean_is_fresh
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
    """Every input the council's ``config`` can take: whether it is set and valid, its period
    and coverage, as a table with one row per input (one per census year); file paths are not
    published."""
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
    """Build the data quality chapter of the council ``config`` describes: the sources table
    and, with a census, the reconciliation and the cleaner's findings on kept rows (the list of
    what each chapter could not compute is added when the site is built:
    :func:`chapter_gaps`)."""
    threshold = config.disclosure.threshold
    tables: dict[str, Table] = {"sources": sources_table(config)}
    rules: dict[str, TableRules] = {tables["sources"].name: TableRules(key=["Input"], counts=[])}
    sentences = []
    if config.census_years:
        _ensure_cleaned(config)
        reconciliation = pd.read_csv(census_folder(config) / "reconciliation.csv")
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
        findings = pd.read_csv(census_folder(config) / "validation.csv")
        quality = validation_frame(findings, kept)
        tables["validation"] = Table(
            f"{KEY}_validation", "Problems the cleaner found in the rows it kept, as a share of "
            "the pupils counted", quality,
            notes=[f"Shares are given from {SHARE_FROM_ROWS} rows; exact counts are not "
                   "published, because many of these rows are also counted in the chapters "
                   "(for example as a need 'not recorded'). Home postcodes that could not be "
                   "placed in a ward are counted in the wards chapter. The census's published "
                   "validation report is linked below; the full report, with every exact "
                   "count, stays in the cleaned folder and is never published."])
        rules[tables["validation"].name] = TableRules(key=["Finding"], counts=[])
    else:
        audit = pd.DataFrame(columns=["table", "row_key", "column", "reason"])
        sentences.append("No school census was given: the chapters use published data only.")
    cleaned: list[tuple[CleanedInput, Table]] = []
    if config.inputs.census:
        cleaned.append((census_input(config), tables["reconciliation"]))
    for extract in extract_inputs(config):
        table, table_rules, extract_audit = reconciliation_table(
            extract, threshold=threshold, suppress_zeros=config.disclosure.suppress_zeros)
        tables[f"reconciliation_{extract.key}"] = table
        rules[table.name] = table_rules
        audit = pd.concat([audit, extract_audit], ignore_index=True)
        cleaned.append((extract, table))
    reports = {item.report_file: published_report(item, table, config.area.name)
               for item, table in cleaned}
    if cleaned:
        sentences.append(
            f"Each cleaned input ({', '.join('the ' + item.title for item, _ in cleaned)}) has "
            "its rows accounted for below and a validation report linked from this page.")
    statuses = tables["sources"].frame["Status"]
    checked, not_given = int((statuses == "Read and checked").sum()), int(
        (statuses == "Not given").sum())
    sentences.append(f"{checked} input{' was' if checked == 1 else 's were'} read and checked"
                     + (f"; {not_given} more input{'' if not_given == 1 else 's'} that the chapters can "
                        "use were not given."
                        if not_given else "."))
    return QualityChapter(KEY, TITLE, Findings(sentences), tables=tables, disclosure=audit,
                          rules=rules, cleaned=CleanedInputs(cleaned), reports=reports)


@dataclass
class QualityChapter(Chapter):
    """The data quality chapter, with each cleaned input's section and published report."""

    cleaned: CleanedInputs = field(default_factory=lambda: CleanedInputs([]))
    #: File name (under ``data/``) -> the published validation report's HTML.
    reports: dict[str, str] = field(default_factory=dict)

    def save(self, output_dir: str | Path) -> list[Path]:
        """:meth:`Chapter.save`, and each published validation report as
        ``data/quality_validation_<input>.html``."""
        written = super().save(output_dir)
        for name, page in sorted(self.reports.items()):
            path = Path(output_dir) / DATA_FOLDER / name
            path.write_text(page, encoding="utf-8", newline="\n")
            written.append(path)
        return written


def cleaned_files(config: Config) -> list[Path]:
    """The cleaner's reports this chapter reads (in the cleaned folder, never published)."""
    return [census_folder(config) / "reconciliation.csv",
            census_folder(config) / "validation.csv"]


#: Inputs a chapter uses when given but can do without, and what each adds to its page.
OPTIONAL_INPUTS: dict[str, tuple[tuple[str, str], ...]] = {
    "population": (("comparators.sen_primary_need", "Primary need of pupils with SEN in the "
                    "region, England and the statistical neighbours, for comparison"),),
    "wards": (("imd", "Pupils with SEND by deprivation decile of their home area (the "
               "deprivation gradient)"),),
    "ehcp": (("population", "EHC plans per 10,000 residents aged 0 to 25"),),
    "sufficiency": (("comparators.statistical_neighbours", "The forecast method that uses the "
                     "statistical neighbours' growth"),),
    "early_years": (
        ("comparators.eyfs_by_sen", "Good level of development by SEN status, with intervals, "
         "against England, the region and the statistical neighbours"),
        ("lait", "LAIT's good level of development by SEN since 2015/16 and the ASQ-3 review at "
         "2 to 2½"),
        ("fingertips", "Fingertips' ASQ-3 review at 2 to 2½ (indicator 93436)"),
    ),
    "outcomes": (("lait", "Key stage 2, the multiplication tables check, absence and exclusions "
                  "by SEN status (LAIT)"),),
    "adulthood": (
        ("comparators.ehcp_caseload", "EHC plans held by young people aged 16 to 25"),
        ("comparators.neet_send", "Young people aged 16 and 17 not in education, employment or "
         "training, by SEN status"),
        ("lait", "16 and 17 year olds with SEND in education or training, destinations after key "
         "stage 4, and Level 2 and Level 3 at 19 (LAIT)"),
    ),
    "resources": (
        ("lait", "The weekly cost of SEN services per child with an EHC plan (LAIT)"),
        ("comparators.sen2_management_information", "Mediation cases followed by a tribunal "
         "appeal"),
    ),
    "health": (("fingertips", "Children's health indicators from OHID Fingertips"),),
}
GAP_COLUMNS = ["Chapter", "Not shown", "Why"]


def _input_is_set(config: Config, key: str) -> bool:
    section, _, item = key.partition(".")
    if section == "comparators":
        return item in config.inputs.comparators
    return getattr(config.inputs, section, None) is not None


def _indicator_gaps(path: Path, council: str) -> list[tuple[str, str]]:
    """Indicators of a chapter's download with no published value for the council: every
    period, or the latest one (hidden by disclosure control, or not in the published file)."""
    from jsna.indicators.catalogue import indicator_catalogue

    if not path.is_file():
        return []
    rows = pd.read_csv(path, dtype={"area_code": str, "period": str, "note": str})
    rows = rows[rows["area_code"] == council]
    names = indicator_catalogue().set_index("indicator_id")["name"]
    out = []
    for (indicator, breakdown), own in rows.groupby(["indicator_id", "breakdown"], sort=False):
        name = f"{names.get(indicator, indicator)}: {breakdown}"
        latest = own[own["period"] == own["period"].max()]
        missing = own if own["value"].isna().all() else latest
        if not missing["value"].isna().all():
            continue
        why = ("hidden by disclosure control (small numbers, or a cell that would reveal one)"
               if (missing["note"] == "[c]").any() else "not in the published file (shown [x] "
               "or with the publisher's own symbol)")
        if missing is own:
            out.append((name, f"Every value for the council is {why}."))
        else:
            out.append((f"{name}, {latest['period'].iloc[0]}",
                        f"The latest value for the council is {why}."))
    return out


def chapter_gaps(config: Config, folder: Path, results: dict[str, bool]) -> pd.DataFrame:
    """What each chapter could not compute and why, for the data quality page.

    Read after every chapter has run (the site is being built), from what they recorded:

    * a chapter that failed in this refresh (its page is not published);
    * what a chapter recorded itself (``review/parts/gaps_<key>.json``, written by
      :meth:`jsna.chapters.base.Chapter.save` from ``Chapter.gaps``, and a page that is only a
      box naming its missing input);
    * inputs a chapter uses when given (:data:`OPTIONAL_INPUTS`) that are not set;
    * indicators with no published value for the council, for every period or the latest
      (hidden by disclosure control, or not in the published file), from ``data/<key>_indicators.csv``.

    Parameters
    ----------
    config : Config
        The council's configuration.
    folder : Path
        Where the chapters wrote their downloads (the refresh's staging folder).
    results : dict of str -> bool
        The chapters run in this refresh, in order, and whether each succeeded.

    Returns
    -------
    pandas.DataFrame
        ``Chapter, Not shown, Why``, one row per gap, in chapter order (no counts).
    """
    from jsna.chapter_list import CHAPTERS

    rows: list[tuple[str, str, str]] = []
    for key, ok in results.items():
        title = CHAPTERS[key].title
        if not ok:
            rows.append((title, "The whole chapter", "The chapter stopped with an error in this "
                         "refresh, so its page is not published; the refresh's message names "
                         "the file or cell to fix."))
            continue
        recorded = folder / "review" / "parts" / f"gaps_{key}.json"
        gaps = json.loads(recorded.read_text(encoding="utf-8")) if recorded.is_file() else []
        rows += [(title, gap["what"], gap["why"]) for gap in gaps]
        if any(gap["what"] == "The whole chapter" for gap in gaps):
            continue
        rows += [(title, what, f"inputs.{name} is not set.")
                 for name, what in OPTIONAL_INPUTS.get(key, ()) if not _input_is_set(config, name)]
        rows += [(title, what, why) for what, why in
                 _indicator_gaps(folder / "data" / f"{key}_indicators.csv", config.area.code)]
    return pd.DataFrame(rows, columns=GAP_COLUMNS)


def chapter_gaps_table(config: Config, folder: Path, results: dict[str, bool]) -> Table:
    """:func:`chapter_gaps` as the data quality page shows it."""
    frame = chapter_gaps(config, folder, results)
    if frame.empty:
        frame = pd.DataFrame([("Every chapter", "Nothing", "Every chapter run showed every "
                               "figure it can make.")], columns=GAP_COLUMNS)
    return Table(f"{KEY}_chapter_gaps", "Figures each chapter leaves out, with the reason", frame,
                 row_header="Chapter",
                 notes=["Collected when the site was built, from what each chapter recorded, "
                        "the inputs the configuration sets and each chapter's indicator "
                        "download. A figure hidden by disclosure control is never shown, "
                        "however it is asked for."])
