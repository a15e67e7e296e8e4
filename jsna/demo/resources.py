"""Synthetic high needs funding and SEND Tribunal files for the demo, in the publishers' layouts.

* ``comparators/dedicated-schools-grant.ods`` — ESFA's DSG allocations workbook: an information
  sheet and ``High_needs_block`` with a title row, headings, the ``[A]``… letters row, a formula
  row, ``ENGLAND``, every council by DfE LA number and name, then the regions by name only.
* ``comparators/send_tribunal_appeal_rates.csv`` — DfE's "SEND Tribunals and appeal rate"
  supporting CSV: title, blank rows, a year row and a measure row (with footnote digits),
  regions in capitals, ``LA code`` = DfE LA number, thousands separators in quotes, rates as
  text percentages, `` - `` for zero, `` .. `` not available and `` x `` suppressed.

Calibrated to England: the high needs block is about £810 per resident aged 2 to 18 (2023-24:
£9.95bn over some 12.3 million residents), and appeals rose from about 16 to 32 per 1,000
appealable decisions between 2014 and 2024 (MoJ/DfE). The ODS is written byte for byte the same
for the same seed (fixed zip dates, no metadata), so the demo stays reproducible.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from jsna.demo.comparators import councils

DSG_FILE = "comparators/dedicated-schools-grant.ods"
TRIBUNAL_FILE = "comparators/send_tribunal_appeal_rates.csv"
#: England's high needs block per resident aged 2 to 18, 2023-24 (ESFA / ONS), in pounds.
POUNDS_PER_HEAD = 810.0
#: England's appeals registered per appealable decision, 2014 and 2024 (MoJ/DfE).
APPEAL_RATE_2014, APPEAL_RATE_2024 = 0.0164, 0.0323
_HEADINGS = [
    "Total high needs elements in the funding floor and gains calculation (£s)",
    "Basic entitlement factor (area cost adjusted) unit of funding (£s)",
    "Number of pupils in special schools and academies",
    "Import/export adjustment (£s)",
    "Total high needs block before deductions (£s)",
]


def _cell(value: object) -> str:
    if isinstance(value, (int, float, np.integer, np.floating)) and not pd.isna(value):
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return "<table:table-cell/>"
    text = escape(str(value))
    return (f'<table:table-cell office:value-type="string"><text:p>{text}</text:p>'
            "</table:table-cell>")


def write_ods(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    """A minimal OpenDocument spreadsheet, the same bytes every time for the same cells."""
    body = "".join(
        f'<table:table table:name="{escape(name)}">'
        + "".join("<table:table-row>" + "".join(_cell(v) for v in row) + "</table:table-row>"
                  for row in rows)
        + "</table:table>" for name, rows in sheets.items())
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body>"
        "</office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type='
        '"application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>")
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for name, text, method in (
                ("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED),
                ("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED),
                ("content.xml", content, zipfile.ZIP_DEFLATED)):
            info = zipfile.ZipInfo(name, date_time=(2024, 7, 20, 0, 0, 0))
            info.compress_type = method
            archive.writestr(info, text.encode("utf-8"))


def _dsg_sheets(rng: np.random.Generator, children: dict[str, float], year: int
                ) -> dict[str, list[list[object]]]:
    areas = councils()
    rows: list[list[object]] = []
    by_region: dict[str, list[float]] = {}
    for council in areas:
        people = children.get(council.code, float(rng.integers(30_000, 180_000)))
        total = round(people * POUNDS_PER_HEAD * float(np.exp(rng.normal(0, 0.12))))
        special = round(people * 0.014 * float(np.exp(rng.normal(0, 0.1))))
        adjustment = int(rng.integers(-30, 30)) * 6_000
        rows.append([council.la_number, council.name, total - 6_000 * special - adjustment,
                     6_000, special, adjustment, total])
        by_region.setdefault(council.region_name, []).append(total)
    england = sum(row[-1] for row in rows)
    title = f"Dedicated schools grant: {year} to {year + 1} high needs block allocations"
    sheet = [[title, None, *_HEADINGS], [None, None, "[A]", "[B]", "[C]", "[D]", "[E]"],
             [None, None, None, None, None, None, "= [A] + ( [B] * [C] ) + [D]"],
             ["ENGLAND", None, None, 6_000, None, None, england], *rows,
             *[[region, None, None, None, None, None, sum(totals)]
               for region, totals in by_region.items()]]
    information = [[f"Dedicated schools grant (DSG): {year} to {year + 1} allocations"],
                   ["Synthetic demonstration data written by jsna.demo: nobody real is in it."]]
    return {f"Information_{year}_to_{year + 1}": information, "High_needs_block": sheet}


def _number(value: float) -> str:
    return " - " if value == 0 else f"{int(value):,}"


def _tribunal_csv(rng: np.random.Generator, last_year: int) -> str:
    years = list(range(2014, last_year + 1))
    areas = councils()
    header_years = ["Local Authority", "LA code"]
    measures = ["", ""]
    for year in years:
        header_years += [str(year), "", ""]
        measures += ["Appeals registered4", "Total Appealable Decisions1",
                     "SEND Tribunal Appeal Rate2"]
    width = len(header_years)
    lines = [[f"SEND Appeal rate table 1: Special Educational Needs - Appeal rate to the SEND "
              f"Tribunal based on total appealable decisions1, by local authorities in England "
              f"2014-{last_year}2,3"], [], [], header_years, measures]
    totals = np.zeros((len(years), 2))
    for region in dict.fromkeys(c.region_name for c in areas):
        lines.append([region.upper()])
        for council in [c for c in areas if c.region_name == region]:
            decisions = rng.integers(400, 2_500) * np.linspace(1, 2.6, len(years))
            rate = np.linspace(APPEAL_RATE_2014, APPEAL_RATE_2024, len(years)) * np.exp(
                rng.normal(0, 0.35))
            appeals = rng.binomial(decisions.astype(int), np.clip(rate, 0, 1))
            cells: list[str] = [council.name, str(council.la_number)]
            for k, (a, d) in enumerate(zip(appeals, decisions.astype(int), strict=True)):
                if rng.random() < 0.02:  # not returned that year
                    cells += [" .. ", " .. ", ".."]
                    continue
                totals[k] += (a, d)
                cells += [_number(a), _number(d), f"{a / d:.2%}"]
            lines.append(cells)
    lines.append(["England Total4,9", ""] + [
        cell for a, d in totals for cell in (_number(a), _number(d), f"{a / d:.2%}")])
    lines += [[], ["Notes:"], ["1. Total Appealable Decisions is calculated from SEN2.\n"
                               "Synthetic demonstration data."], ["- zero"], [".. Not Available"]]
    frame = pd.DataFrame([line + [""] * (width - len(line)) for line in lines])
    return frame.to_csv(header=False, index=False, lineterminator="\r\n")


def write_resources(rng: np.random.Generator, folder: Path, children: dict[str, float],
                    last_year: int) -> list[Path]:
    """Write the demo's DSG workbook and tribunal appeal CSV; return their paths.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream of its own (so other demo files do not change).
    folder : Path
        The demo folder.
    children : dict of str to float
        Residents aged 2 to 18 by council code where known (Demoton's, from its population);
        others are drawn.
    last_year : int
        The JSNA year: the DSG is for the financial year that starts in the April before
        it, and the appeals run from 2014 to the calendar year before it.
    """
    dsg = folder / DSG_FILE
    write_ods(dsg, _dsg_sheets(rng, children, last_year - 1))
    tribunal = folder / TRIBUNAL_FILE
    tribunal.write_bytes(b"\xef\xbb\xbf" + _tribunal_csv(rng, last_year - 1).encode("utf-8"))
    return [dsg, tribunal]


SEN2_MI_FILE = "comparators/sen2_mi.csv"
#: England's SEN services weekly unit cost (LAIT SENFinance), 2016-17 to 2024-25, £ a week.
ENGLAND_UNIT_COST = (110, 105, 105, 110, 90, 95, 105, 110, 110)
#: England's mediation cases held, 2014 to 2021 (DfE SEN2 management information), and the
#: share followed by an appeal to the Tribunal (about a quarter every year).
ENGLAND_MEDIATIONS = (77, 1399, 1886, 2497, 3202, 4125, 4135, 5097)
MEDIATION_APPEAL_SHARE = 0.25
#: England's number of councils in those years: each demo council is one of them.
ENGLAND_COUNCILS = 151


def _rounded_to_5(value: float) -> int:
    return int(5 * round(value / 5))


def sen_finance_lait_rows(rng: np.random.Generator, last_year: int) -> pd.DataFrame:
    """LAIT ``SENFinance`` rows (SEN services weekly unit cost) for the demo's LAIT file.

    Nine financial years of outturn ending with the one that ended in the March before the JSNA
    year's previous one (``2016-17 (OT)`` ... ``2024-25 (OT)`` for 2026), written as LAIT does:
    whole pounds rounded to £5, ``-`` where a council has no figure (one council in one year),
    ``Data item`` on the first row only, LA numbers as floats. Each council is England's
    figure (:data:`ENGLAND_UNIT_COST`) times a lasting council effect and a yearly wobble;
    regions and England are the plan-weighted means of their councils, rounded to £5.

    Parameters
    ----------
    rng : numpy.random.Generator
        The stream of this file.
    last_year : int
        The JSNA year.

    Returns
    -------
    DataFrame
        Rows in LAIT's columns (:data:`jsna.demo.lait.COLUMNS`), every cell text.
    """
    from jsna.demo.comparators import ENGLAND_CODE, REGION_CODES
    from jsna.demo.lait import COLUMNS, REGION_NUMBERS
    from jsna.demo.names import OTHER_REGION_NAMES

    areas = councils()
    ends = range(last_year - len(ENGLAND_UNIT_COST), last_year)
    plans = {c.code: float(rng.integers(800, 4_000)) for c in areas}
    effect = {c.code: float(np.exp(rng.normal(0, 0.2))) for c in areas}
    gap = (areas[5].code, list(ends)[3])  # a council that did not return one year's outturn
    rows: list[dict[str, str]] = []
    for k, end in enumerate(ends):
        label = f"{end - 1}-{end % 100:02d} (OT)"
        values = {c.code: ENGLAND_UNIT_COST[k] * effect[c.code] * float(np.exp(rng.normal(0, 0.08)))
                  for c in areas}
        present = [c for c in areas if (c.code, end) != gap]
        named: list[tuple[str, str, int, str, float | None]] = [
            (c.code, c.name, c.la_number, c.region_name,
             None if (c.code, end) == gap else values[c.code]) for c in areas]
        for code, name in zip(REGION_CODES, OTHER_REGION_NAMES, strict=True):
            members = [c for c in present if c.region_code == code]
            named.append((code, name, REGION_NUMBERS[code], "NA", float(np.average(
                [values[c.code] for c in members], weights=[plans[c.code] for c in members]))))
        named.append((ENGLAND_CODE, "England", 970, "NA", float(np.average(
            [values[c.code] for c in present], weights=[plans[c.code] for c in present]))))
        for _, name, number, region, value in named:
            rows.append({"Short Desc": "SENFinance",
                         "Data item": "SEN Finance" if not rows else "", "Years": label,
                         "LA and Regions": name,
                         "Values": "-" if value is None else str(_rounded_to_5(value)),
                         "LA Number": f"{number}.0", "Region": region})
    return pd.DataFrame(rows, columns=COLUMNS)


#: DfE's columns of sen2_mi.csv (2022 release) the demo writes: the geography, then measures.
SEN2_MI_GEOGRAPHY = ("time_period", "time_identifier", "geographic_level", "country_code",
                     "country_name", "region_code", "region_name", "old_la_code", "new_la_code",
                     "la_name")
SEN2_MI_MEASURES = ("InreqEHC", "NewEHCMediation", "NewEHCTribunal", "NewEHCTribunal_pc")


def sen2_mi_table(rng: np.random.Generator) -> pd.DataFrame:
    """A synthetic ``sen2_mi.csv`` (SEN2 management information, 2014 to 2021) in DfE's layout.

    Newest year first, England, then regions, then councils, as DfE orders it; ``old_la_code``
    is the DfE LA number and ``new_la_code`` the GSS-style code. Each council's mediation cases
    are England's (:data:`ENGLAND_MEDIATIONS`) shared over :data:`ENGLAND_COUNCILS` councils
    with a council effect; about a quarter are followed by an appeal. Demoton did not
    return one year (``x`` in every measure); a year with no mediation has ``z`` for the
    percentage. Regions and England are the sums of the councils that returned, as published.

    Parameters
    ----------
    rng : numpy.random.Generator
        The stream of this file.

    Returns
    -------
    DataFrame
        Every cell text, DfE's column order.
    """
    from jsna.demo.comparators import ENGLAND_CODE, ENGLAND_NAME

    areas = councils()
    years = range(2014, 2014 + len(ENGLAND_MEDIATIONS))
    effect = {c.code: float(np.exp(rng.normal(0, 0.5))) for c in areas}
    effect[areas[0].code] = 1.6  # Demoton: a larger council, so its figures are not all hidden
    share = {c.code: float(np.clip(rng.normal(MEDIATION_APPEAL_SHARE, 0.08), 0.02, 0.9))
             for c in areas}
    not_returned = (areas[0].code, 2016)  # Demoton did not return that year: x
    records = []
    for year in sorted(years, reverse=True):
        national = ENGLAND_MEDIATIONS[year - 2014] / ENGLAND_COUNCILS
        counts = {}
        for c in areas:
            held = int(rng.poisson(national * effect[c.code]))
            appealed = int(rng.binomial(held, share[c.code]))
            requests = int(rng.integers(150, 900))
            counts[c.code] = (requests, held, appealed)
        returned = [c for c in areas if (c.code, year) != not_returned]

        def cells(values: tuple[int, int, int] | None) -> list[str]:
            if values is None:
                return ["x"] * len(SEN2_MI_MEASURES)
            requests, held, appealed = values
            return [str(requests), str(held), str(appealed),
                    "z" if held == 0 else f"{100 * appealed / held:.6g}"]

        def total(members: list, counts: dict = counts) -> tuple[int, int, int]:
            requests, held, appealed = np.array([counts[c.code] for c in members]).sum(axis=0)
            return int(requests), int(held), int(appealed)

        base = {"time_period": str(year), "time_identifier": "Calendar year",
                "country_code": ENGLAND_CODE, "country_name": ENGLAND_NAME}
        records.append({**base, "geographic_level": "National", "region_code": "",
                        "region_name": "", "old_la_code": "", "new_la_code": "", "la_name": "",
                        **dict(zip(SEN2_MI_MEASURES, cells(total(returned)), strict=True))})
        for region in dict.fromkeys((c.region_code, c.region_name) for c in areas):
            members = [c for c in returned if c.region_code == region[0]]
            records.append({**base, "geographic_level": "Regional", "region_code": region[0],
                            "region_name": region[1], "old_la_code": "", "new_la_code": "",
                            "la_name": "", **dict(zip(SEN2_MI_MEASURES, cells(total(members)),
                                                      strict=True))})
        for c in areas:
            values = None if (c.code, year) == not_returned else counts[c.code]
            records.append({**base, "geographic_level": "Local authority",
                            "region_code": c.region_code, "region_name": c.region_name,
                            "old_la_code": str(c.la_number), "new_la_code": c.code,
                            "la_name": c.name,
                            **dict(zip(SEN2_MI_MEASURES, cells(values), strict=True))})
    return pd.DataFrame(records, columns=[*SEN2_MI_GEOGRAPHY, *SEN2_MI_MEASURES])


def write_sen2_mi(rng: np.random.Generator, folder: Path) -> Path:
    """Write :func:`sen2_mi_table` to ``<folder>/comparators/sen2_mi.csv`` (no BOM, LF, as DfE
    published it) and return the path."""
    path = folder / SEN2_MI_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    sen2_mi_table(rng).to_csv(path, index=False, lineterminator="\n")
    return path
