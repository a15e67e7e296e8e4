"""Reading census files: encodings, XLSX, census-date columns and the config entry point."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from census_fixtures import AREA, HEADER, MAIN_ROWS, SALT, U1, U2, census_frame

from jsna.clean import clean_census, read_census_file, write_census_outputs
from jsna.config import load_config

ROW = (U1, "15/03/2015", "M", "4", "C", "E", "ASD", None, "true", "ZZ1 1AA", "9902001",
       "100001")


def _text(rows: list[tuple], header: list[str] = HEADER) -> str:
    lines = [",".join(header)]
    for upn, dob, sex, nc, enrol, sen, t1, t2, fsm, pc, laestab, urn in rows:
        values = [upn, "Brontë", "Zoë", dob, sex, nc, enrol, sen, t1, t2, fsm, pc, laestab, urn]
        lines.append(",".join("" if v is None else v for v in values))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "census.csv"
    path.write_text(_text([ROW, ROW[:2] + ("F",) + ROW[3:]]), encoding=encoding)
    frame, _ = read_census_file(path, 2025)
    assert len(frame) == 2
    assert frame["UPN"].tolist() == [U1, U1]
    assert frame["Gender"].tolist() == ["M", "F"]


def test_windows_1252_beyond_the_sniffed_heading(tmp_path: Path) -> None:
    # first 64 KB are plain ASCII, a cp1252 'é' in a read column appears later
    text = _text([ROW] * 2001).replace("Brontë", "Bronte").replace("Zoë", "Zoe")
    assert len(text) > 65536
    path = tmp_path / "census.csv"
    path.write_bytes(text.encode("cp1252")[:-1] + "\u00e9\n".encode("cp1252"))
    frame, _ = read_census_file(path, 2025)
    assert len(frame) == 2001
    assert frame["URN"].iloc[-1] == "100001\u00e9"


def test_xlsx_with_typed_cells_and_trailing_blank_rows(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    # row 1 left empty: the headings are on row 2, pupils on rows 3 and 4, then empty rows that
    # the workbook still lists (not data)
    rows = [
        HEADER,
        [U1, "S", "A", dt.datetime(2015, 3, 15), "M", 4, "C", "E", "ASD", None, True, "ZZ1 1AA",
         9902001, 100001.0],
        [U2, "S", "A", 41973, "F", "5", "M", "K", "SLCN", None, 0, "zz11ab", "9902001",
         "100001"],
        [None] * len(HEADER),
        [None] * len(HEADER),
    ]
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            sheet.cell(row=r, column=c, value=value)
    sheet.cell(row=8, column=2).number_format = "0.00"  # a formatted cell far below the data
    path = tmp_path / "census.xlsx"
    workbook.save(path)
    frame, _ = read_census_file(path, 2025)
    assert frame["source_row"].tolist() == [3, 4]
    assert frame["DOB"].tolist() == ["2015-03-15", "41973"]
    assert frame["NCYearActual"].tolist() == ["4", "5"]
    assert frame["FSMeligible"].tolist() == ["true", "0"]
    assert frame["LAEstab"].tolist() == ["9902001", "9902001"]
    assert frame["URN"].tolist() == ["100001", "100001"]
    assert "Surname" not in frame.columns


def test_a_workbook_saved_under_a_csv_name_is_read_as_the_workbook(tmp_path: Path) -> None:
    # an MIS export saved as .xlsx but named .csv: openpyxl refuses it by name
    workbook = openpyxl.Workbook()
    for values in (HEADER, [U1, "S", "A", "15/03/2015", "M", "4", "C", "E", "ASD", None, "true",
                            "ZZ1 1AA", "9902001", "100001"]):
        workbook.active.append(values)
    path = tmp_path / "census_2025.csv"
    workbook.save(path)
    frame, _ = read_census_file(path, 2025)
    assert frame["UPN"].tolist() == [U1] and frame["Postcode"].tolist() == ["ZZ1 1AA"]


def test_one_file_with_a_census_date_column_via_config(tmp_path: Path, geography_files) -> None:
    rows = census_frame([ROW, ROW, (U2,) + ROW[1:]])
    rows.insert(0, "Census Date", ["2024-01-18", "16/01/2025", "16/01/2025"])
    census = tmp_path / "census_all.csv"
    rows.to_csv(census, index=False)
    config_path = tmp_path / "jsna.toml"
    config_path.write_text(f"""
[area]
code = "{AREA}"
name = "Demoton"
la_number = 990
region_code = "Z12000001"
region_name = "Demo Region"

[jsna]
year = 2025

[inputs]
postcode_lookup = "geography/postcode_lookup.csv"
lsoa_ward_lookup = "geography/lsoa_to_ward.csv"
imd = "geography/imd.csv"

[inputs.census]
2024 = "census_all.csv"
2025 = "census_all.csv"

[census]
salt = "{SALT}"
""", encoding="utf-8")
    result = clean_census(load_config(config_path, check_chapters=False))
    # 2024: 1 row read, kept; 2025: 2 rows read, both kept (U1 and U2)
    recon = result.reconciliation.pivot_table(index="census_year", columns="step",
                                              values="rows", aggfunc="sum")
    assert recon.to_dict("index") == {2024: {"kept": 1, "read": 1, "set aside": 0},
                                      2025: {"kept": 2, "read": 2, "set aside": 0}}
    assert result.pupils.groupby("census_year")["pupil_key"].nunique().to_dict() == {
        2024: 1, 2025: 2}
    assert result.title == "Demoton"
    paths = write_census_outputs(result, tmp_path / "out")
    assert all(p.exists() for p in paths)


def test_config_run_matches_in_memory_run(tmp_path: Path, geography_files) -> None:
    from census_fixtures import MAIN_ROWS as rows

    census = tmp_path / "census_2025.csv"
    census_frame(rows).to_csv(census, index=False)
    config_path = tmp_path / "jsna.toml"
    config_path.write_text(f"""
[area]
code = "{AREA}"
name = "Demoton"
region_code = "Z12000001"
region_name = "Demo Region"
[jsna]
year = 2025
[inputs]
postcode_lookup = "geography/postcode_lookup.csv"
lsoa_ward_lookup = "geography/lsoa_to_ward.csv"
imd = "geography/imd.csv"
[inputs.census]
2025 = "census_2025.csv"
[census]
salt = "{SALT}"
""", encoding="utf-8")
    result = clean_census(load_config(config_path, check_chapters=False))
    assert len(result.pupils) == 8  # as worked out in test_census_clean.py
    assert result.findings.set_index("finding").loc["postcode_corrected", "rows"] == 1
    assert pd.api.types.is_bool_dtype(result.pupils["resident"])


def test_missing_fsm_column_is_reported(tmp_path: Path) -> None:
    header = [h for h in HEADER if h != "FSMeligible"]
    frame = census_frame(MAIN_ROWS[:2]).drop(columns="FSMeligible")
    path = tmp_path / "census.csv"
    frame[header].to_csv(path, index=False)
    _, findings = read_census_file(path, 2025)
    assert findings[["finding", "rows", "example_rows"]].values.tolist() == [
        ["fsm_column_absent", 2, "2, 3"]]
