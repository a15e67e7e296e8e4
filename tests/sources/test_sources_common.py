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
