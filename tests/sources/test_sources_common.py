"""Reading published CSVs as text: reading only some columns gives the same cells."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jsna.errors import JsnaInputError
from jsna.sources.common import read_text_csv

TEXT = ' pcds ,lsoa21,Notes,doterm\nDM4 7QX,Z01000001,"two\nlines",\n dm4 7qy ,Z01000002,,202001\n'


def test_kept_columns_match_the_full_read(write_csv) -> None:
    for bom in (False, True):
        path = write_csv("lookup.csv", TEXT, bom=bom)
        full = read_text_csv(path, "a lookup")
        kept = read_text_csv(path, "a lookup", keep=lambda name: name != "Notes")
        assert list(kept.columns) == ["pcds", "lsoa21", "doterm"]
        pd.testing.assert_frame_equal(kept, full[["pcds", "lsoa21", "doterm"]])
        # cells as written: spaces kept, blanks empty (never missing), quoted line breaks
        assert kept["pcds"].tolist() == ["DM4 7QX", " dm4 7qy "]
        assert kept["doterm"].tolist() == ["", "202001"]
        assert full["Notes"].tolist() == ["two\nlines", ""]


def test_kept_columns_of_a_windows_1252_file(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("name,code\nCaf\u00e9 Street,E01\n".encode("cp1252"))
    kept = read_text_csv(path, "a lookup", keep=lambda name: True)
    assert kept.to_dict("list") == {"name": ["Caf\u00e9 Street"], "code": ["E01"]}


def test_a_ragged_row_is_a_clear_error(write_csv) -> None:
    path = write_csv("ragged.csv", "a,b\n1,2,3\n")
    with pytest.raises(JsnaInputError, match="ragged.csv: not a readable CSV.*Expected 2 columns"):
        read_text_csv(path, "a lookup", keep=lambda name: True)


def _workbook(path: Path) -> Path:
    pd.DataFrame({"time_period": ["2025"], "geographic_level": ["National"]}).to_excel(
        path, index=False)
    return path


@pytest.mark.parametrize("keep", [None, lambda name: True])
def test_a_workbook_saved_under_a_csv_name_is_named_as_such(tmp_path: Path, keep) -> None:
    path = tmp_path / "sen_phase_type.csv"
    _workbook(tmp_path / "book.xlsx").rename(path)
    with pytest.raises(JsnaInputError) as caught:
        read_text_csv(path, "the DfE sen_phase_type file", keep=keep)
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


def test_a_file_without_any_kept_column_gives_no_columns_and_every_row(write_csv) -> None:
    path = write_csv("lookup.csv", "a,b\n1,2\n3,4\n5,6\n")
    frame = read_text_csv(path, "a lookup", keep=lambda name: name == "pcds")
    assert list(frame.columns) == [] and len(frame) == 3


def test_a_pipe_is_refused_without_being_opened(tmp_path: Path) -> None:
    import os

    path = tmp_path / "lookup.csv"
    os.mkfifo(path)  # opening it would wait for a writer: the check must come first
    with pytest.raises(JsnaInputError, match="lookup.csv: not a regular file"):
        read_text_csv(path, "a lookup")
