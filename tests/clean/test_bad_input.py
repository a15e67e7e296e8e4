"""Bad census input: every case gives a clear one-line JsnaInputError naming the file."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from census_fixtures import HEADER, MAIN_ROWS, SALT, U1, census_frame

from jsna.clean import clean_census_frames, read_census_file, read_imd_deciles
from jsna.clean.headings import check_columns_map
from jsna.clean.postcode import read_postcode_directory
from jsna.clean.upn import make_upn
from jsna.errors import JsnaConfigError, JsnaInputError

GOOD = (U1, "15/03/2015", "M", "4", "C", "E", "ASD", None, "true", "ZZ1 1AA", "9902001",
        "100001")
GOOD_LINE = ",".join("" if v is None else v for v in
                     (GOOD[0], "S", "F") + GOOD[1:])


def _csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _rows(n: int, **changes: str) -> list[tuple]:
    rows = []
    for i in range(n):
        row = dict(zip(["UPN", "DOB", "Gender", "NCYearActual", "EnrolStatus", "SENprovision",
                        "SENType1", "SENType2", "FSMeligible", "Postcode", "LAEstab", "URN"],
                       GOOD, strict=True))
        row["UPN"] = make_upn(f"99020012{i:04d}")  # a different pupil on every row
        row.update(changes)
        rows.append(tuple(row.values()))
    return rows


def _file(tmp_path: Path, rows: list[tuple]) -> Path:
    path = tmp_path / "census_2025.csv"
    census_frame(rows).to_csv(path, index=False)
    return path


def _clean_file(path: Path, year: int = 2025) -> None:
    frame, findings = read_census_file(path, year)
    clean_census_frames(frame, salt=SALT, sources={year: path.name}, read_findings=findings)


CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "not found": (lambda d: d / "census_2025.csv", "census_2025.csv: file not found"),
    "a folder": (lambda d: (d / "census_2025.csv").mkdir() or d / "census_2025.csv",
                 "census_2025.csv: is a folder"),
    "empty": (lambda d: _csv(d / "census_2025.csv", ""), "census_2025.csv: file is empty"),
    "headings only": (lambda d: _csv(d / "census_2025.csv", ",".join(HEADER) + "\n"),
                      "has column headings but no data rows"),
    "blank first line": (lambda d: _csv(d / "census_2025.csv", "\n" + GOOD_LINE + "\n"),
                         "first line (the column headings) is blank"),
    "missing column": (
        lambda d: _csv(d / "census_2025.csv",
                       ",".join(h for h in HEADER if h != "SENprovision") + "\nx\n"),
        "census_2025.csv: missing required column SENprovision; columns found: UPN, Surname"),
    "UTF-16": (lambda d: _csv(d / "census_2025.csv", ",".join(HEADER) + "\n", "utf-16"),
               "is UTF-16 text"),
    "neither UTF-8 nor Windows-1252": (
        lambda d: d.joinpath("census_2025.csv").write_bytes(
            (",".join(HEADER) + "\n" + GOOD_LINE.replace("ZZ1 1AA", "ZZ1 1A")).encode()
            + b"\x81\n") and d / "census_2025.csv",
        "is neither UTF-8 nor Windows-1252 text"),
    "binary": (lambda d: d.joinpath("census_2025.csv").write_bytes(b"\x00\x01\x02garbage")
               and d / "census_2025.csv", "is a binary file"),
    "password-protected xlsx": (
        lambda d: d.joinpath("census_2025.xlsx").write_bytes(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512) and d / "census_2025.xlsx",
        "census_2025.xlsx: is password-protected"),
    "corrupt xlsx": (
        lambda d: d.joinpath("census_2025.xlsx").write_bytes(b"PK\x03\x04 not a zip")
        and d / "census_2025.xlsx", "census_2025.xlsx: is not a readable .xlsx workbook"),
    "row with too many values": (
        lambda d: _csv(d / "census_2025.csv",
                       ",".join(HEADER) + "\n" + GOOD_LINE + "\n" + GOOD_LINE + ",extra\n"),
        "census_2025.csv: row 3 has 15 values but the heading row has 14 columns"),
    "dates of birth are not dates": (
        lambda d: _file(d, _rows(4, DOB="Smith")),
        "census_2025.csv: column DOB: expected dates of birth"),
    "SEN provision is numeric": (
        lambda d: _file(d, _rows(3, SENprovision="12")),
        "census_2025.csv: column SENprovision: expected SEN provision codes E, K or N, but 3 "
        "of 3 values are not (first at row 2)"),
    "URN holds school names": (
        lambda d: _file(d, _rows(3, URN="Demoton Primary")),
        "census_2025.csv: column URN: expected 6-digit URNs"),
    "enrolment status unrecognised": (
        lambda d: _file(d, _rows(3, EnrolStatus="Yes")),
        "census_2025.csv: column EnrolStatus: expected enrolment status codes"),
    "UPN holds something else": (
        lambda d: _file(d, _rows(3, UPN="12345")),
        "census_2025.csv: column UPN: expected 13-character unique pupil numbers"),
    "postcodes are not postcodes": (
        lambda d: _file(d, _rows(3, Postcode="Flat 3, High Street")),
        "census_2025.csv: column Postcode: expected UK postcodes"),
    "gender codes": (lambda d: _file(d, _rows(3, Gender="7")),
                     "census_2025.csv: column Gender: expected M or F"),
    "FSM": (lambda d: _file(d, _rows(3, FSMeligible="2019-01-01")),
            "census_2025.csv: column FSMeligible: expected true/false"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_census_file(tmp_path: Path, case: str) -> None:
    make, expected = CASES[case]
    path = make(tmp_path)
    with pytest.raises(JsnaInputError) as error:
        _clean_file(path)
    message = str(error.value)
    assert "\n" not in message
    assert expected in message


@pytest.mark.parametrize(("heading", "dates", "message"), [
    ("CensusDate", ["16/01/2025", "18/01/2024"],
     r"census_2025.csv: row 3, column CensusDate: census year 2024 disagrees with the config"),
    ("Census Date", ["2024-10-03"], "row 2, column CensusDate: 2024-10-03 is not in January"),
    ("CensusDate", ["spring"], "row 2, column CensusDate: expected a date"),
], ids=["year disagrees with the config", "not in January", "unreadable"])
def test_bad_census_date(tmp_path: Path, heading: str, dates: list[str], message: str) -> None:
    frame = census_frame(MAIN_ROWS[:len(dates)])
    frame.insert(0, heading, dates)
    path = tmp_path / "census_2025.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(JsnaInputError, match=message):
        read_census_file(path, 2025)


def test_file_listed_for_two_years_without_census_date(tmp_path: Path) -> None:
    path = _file(tmp_path, _rows(1))
    with pytest.raises(JsnaInputError, match="lists this file for census years 2024, 2025, but "
                                             "it has no census-date column"):
        read_census_file(path, [2024, 2025])


def test_unknown_standard_name_in_columns_map() -> None:
    with pytest.raises(JsnaConfigError, match="census.columns.'Birth' = 'Birthday'"):
        check_columns_map({"Birth": "Birthday"}, ["DOB"])


def test_bad_lookups(tmp_path: Path) -> None:
    lookup = _csv(tmp_path / "postcodes.csv", "postcode,ward\nZZ1 1AA,Z05\n")
    with pytest.raises(JsnaInputError, match="postcodes.csv: postcode lookup is missing column "
                                             "oslaua, lsoa21 or lsoa11; columns found: postcode, "
                                             "ward"):
        read_postcode_directory(lookup)
    imd = _csv(tmp_path / "imd.csv", "LSOA code (2021),IMD Decile\nZ01,11\n")
    with pytest.raises(JsnaInputError, match="imd.csv: row 2, column 'IMD Decile': value '11' is "
                                             r"not a decile \(a whole number from 1 to 10\)"):
        read_imd_deciles(imd)
    scores_only = _csv(tmp_path / "imd2.csv", "LSOA code (2021),IMD Score\nZ01,12.5\n")
    with pytest.raises(JsnaInputError, match="imd2.csv: .*missing the IMD decile column"):
        read_imd_deciles(scores_only)


def test_xlsx_without_the_columns(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["Name", "Score"])
    workbook.active.append(["A", 1])
    path = tmp_path / "census_2025.xlsx"
    workbook.save(path)
    with pytest.raises(JsnaInputError, match="census_2025.xlsx: missing required columns UPN, "
                                             "DOB, .*columns found: Name, Score"):
        read_census_file(path, 2025)
    assert zipfile.is_zipfile(path)
