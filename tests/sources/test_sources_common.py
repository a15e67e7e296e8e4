"""Reading published CSVs as text, decoded as the package decodes every CSV."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jsna.errors import JsnaInputError
from jsna.sources.common import read_text_csv

TEXT = ' pcds ,lsoa21,Notes,doterm\nDM4 7QX,Z01000001,"two\nlines",\n dm4 7qy ,Z01000002,,202001\n'


def test_cells_are_read_as_written(write_csv) -> None:
    for bom in (False, True):
        frame = read_text_csv(write_csv("lookup.csv", TEXT, bom=bom), "a lookup")
        assert list(frame.columns) == ["pcds", "lsoa21", "Notes", "doterm"]
        # cells as written: spaces kept, blanks empty (never missing), quoted line breaks
        assert frame["pcds"].tolist() == ["DM4 7QX", " dm4 7qy "]
        assert frame["doterm"].tolist() == ["", "202001"]
        assert frame["Notes"].tolist() == ["two\nlines", ""]


def test_a_windows_1252_file(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("name,code\nCaf\u00e9 Street,E01\n".encode("cp1252"))
    frame = read_text_csv(path, "a lookup")
    assert frame.to_dict("list") == {"name": ["Caf\u00e9 Street"], "code": ["E01"]}


def test_windows_1252_after_the_part_sniffed_is_read(tmp_path: Path) -> None:
    """The encoding is told from the first 64 KiB; a Windows-1252 character after them is read
    by trying Windows-1252 next, not refused."""
    path = tmp_path / "excel.csv"
    path.write_bytes(b"name,code\n" + b"Street,E01\n" * 7000 + "Caf\u00e9,E02\n".encode("cp1252"))
    assert read_text_csv(path, "a lookup")["name"].iloc[-1] == "Caf\u00e9"


def test_utf16_is_refused_with_what_to_do(tmp_path: Path) -> None:
    """Before, a UTF-16 file was decoded as Windows-1252 into nonsense headings."""
    path = tmp_path / "lookup.csv"
    path.write_text("pcds,lsoa21\nDM4 7QX,Z01\n", encoding="utf-16")
    with pytest.raises(JsnaInputError, match=r"lookup.csv: is UTF-16 text; save it as 'CSV UTF-8'"):
        read_text_csv(path, "a lookup")


def test_a_ragged_row_is_a_clear_error(write_csv) -> None:
    path = write_csv("ragged.csv", "a,b\n1,2\n1,2,3\n")
    with pytest.raises(JsnaInputError, match="ragged.csv: not a readable CSV.*Expected 2 fields"):
        read_text_csv(path, "a lookup")


def _workbook(path: Path) -> Path:
    pd.DataFrame({"time_period": ["2025"], "geographic_level": ["National"]}).to_excel(
        path, index=False)
    return path


def test_a_workbook_saved_under_a_csv_name_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "sen_phase_type.csv"
    _workbook(tmp_path / "book.xlsx").rename(path)
    with pytest.raises(JsnaInputError) as caught:
        read_text_csv(path, "the DfE sen_phase_type file")
    assert str(caught.value) == (
        f"{path}: is a spreadsheet (an Excel workbook (.xlsx) or another zip file) saved under a "
        ".csv name, not a CSV text file; open it and save it as CSV UTF-8 (expected the DfE "
        "sen_phase_type file)")


def test_an_old_or_encrypted_workbook_saved_under_a_csv_name_is_named_as_such(tmp_path: Path):
    path = tmp_path / "lookup.csv"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(JsnaInputError, match=(
            r"lookup.csv: is a spreadsheet \(an old-format \(.xls\) or password-protected Excel "
            r"workbook\) saved under a .csv name")):
        read_text_csv(path, "a lookup")


def test_a_pipe_is_refused_without_being_opened(tmp_path: Path) -> None:
    import os

    path = tmp_path / "lookup.csv"
    os.mkfifo(path)  # opening it would wait for a writer: the check must come first
    with pytest.raises(JsnaInputError, match="lookup.csv: not a regular file"):
        read_text_csv(path, "a lookup")
