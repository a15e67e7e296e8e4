"""CSV cells that would start a spreadsheet formula, whatever the column's type (issue 14, item 9)."""

from __future__ import annotations

import pandas as pd

from jsna.literal import csv_cell, csv_safe, csv_text, write_csv


def test_only_text_starting_a_formula_is_quoted():
    assert [csv_cell(v) for v in ("=A1", "+A1", "-A1", "@A1", "\tA1", "\rA1")] == [
        "'=A1", "'+A1", "'-A1", "'@A1", "'\tA1", "'\rA1"]
    # numbers written as text are numbers to a spreadsheet, not formulas
    assert [csv_cell(v) for v in ("-1", "-1.5", "+2", "-.5", "-1e-3", "1-1")] == [
        "-1", "-1.5", "+2", "-.5", "-1e-3", "1-1"]
    assert [csv_cell(v) for v in (-1, -1.5, None, "'=A1", " =A1", "[c]", "")] == [
        -1, -1.5, None, "'=A1", " =A1", "[c]", ""]


def test_every_kind_of_text_column_and_heading_is_quoted():
    frame = pd.DataFrame({
        "object": ["=1", "a"],
        "category": pd.Categorical(["@x", "b"]),
        "string": pd.array(["-x", "c"], dtype="string"),
        "number": [-1.0, 2.0],
        "=heading": [1, 2],
    })
    safe = csv_safe(frame)
    assert list(safe.columns) == ["object", "category", "string", "number", "'=heading"]
    assert safe["object"].tolist() == ["'=1", "a"]
    assert safe["category"].tolist() == ["'@x", "b"]
    assert safe["string"].tolist() == ["'-x", "c"]
    assert safe["number"].tolist() == [-1.0, 2.0] and safe["number"].dtype == float
    assert frame["object"].tolist() == ["=1", "a"]  # the caller's frame is not changed


def test_written_file_holds_the_quoted_cells(tmp_path):
    frame = pd.DataFrame({"name": ['=HYPERLINK("http://x")', "Ash"], "value": [-0.25, 1.0]})
    path = write_csv(frame, tmp_path / "t.csv", float_format="%.10g")
    assert path.read_text(encoding="utf-8") == (
        'name,value\n"\'=HYPERLINK(""http://x"")",-0.25\nAsh,1\n')


def test_csv_text_is_the_written_file(tmp_path):
    frame = pd.DataFrame({"name": ["@x", "Ash\r=1+1", "Birch"], "value": [1.5, None, -2.0]})
    path = write_csv(frame, tmp_path / "t.csv", float_format="%.10g")
    assert path.read_bytes().decode("utf-8") == csv_text(frame, float_format="%.10g")
    assert csv_text(frame, float_format="%.10g").startswith('"name","value"\n"\'@x","1.5"\n')
