"""``jsna clean cin``: the extract cleaned from the config, or one clear line and exit code 2."""

from __future__ import annotations

import pandas as pd

from jsna.clean.upn import Pseudonymiser, make_upn
from jsna.cli import main

UPN = make_upn("823200101001")


def _config(tmp_path, extract_text: str, *, salt: str = 'salt = "s3cret"') -> str:
    (tmp_path / "cin.csv").write_text(extract_text)
    path = tmp_path / "jsna.toml"
    path.write_text(f"""
[area]
code = "E06000014"
name = "York"
region_code = "E12000003"
region_name = "Yorkshire and The Humber"

[jsna]
year = 2025

[inputs]
cin_extract = "cin.csv"

[census]
{salt}

[cin.columns]
"Case reference" = "ChildID"
""")
    return str(path)


def test_clean_cin_writes_the_cleaned_files(tmp_path, capsys):
    config = _config(tmp_path, f"Case reference,UPN,CIN start\nA1,{UPN},2024-01-01\n"
                               f"A1,{UPN},2024-01-01\n")
    assert main(["clean", "cin", "--config", config, "--out", str(tmp_path / "clean")]) == 0
    printed = capsys.readouterr().out.split()
    assert [p.rsplit("/", 1)[1] for p in printed] == [
        "care_records.parquet", "care_reconciliation.csv", "care_validation.csv",
        "care_validation.html"]
    records = pd.read_parquet(printed[0])
    assert list(records["pupil_key"]) == Pseudonymiser("s3cret").keys([UPN])  # census's key
    reconciliation = pd.read_csv(printed[1])
    assert reconciliation.groupby("step")["rows"].sum().to_dict() == {
        "kept": 1, "read": 2, "set aside": 1}


def test_clean_cin_structural_problem_is_one_line_and_exit_2(tmp_path, capsys):
    config = _config(tmp_path, "Case reference,UPN,Opened\nA1,x,2024-01-01\n")
    assert main(["clean", "cin", "--config", config]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("jsna: error: cin.csv: missing required column CINStart, CPPStart "
                          "or CLAStart")


def test_clean_cin_needs_the_census_salt(tmp_path, capsys):
    config = _config(tmp_path, "Case reference,CIN start\nA1,2024-01-01\n", salt="")
    assert main(["clean", "cin", "--config", config]) == 2
    assert "census.salt" in capsys.readouterr().err


def test_jsna_sources_checks_the_extract_with_the_cleaners_reader(tmp_path):
    from jsna.config import load_config
    from jsna.input_checks import describe_sources

    good = load_config(_config(tmp_path, "Case reference,UPN,CIN start\nA1,x,2024-01-01\n"),
                       check_chapters=False)
    row = describe_sources(good).set_index("key").loc["cin_extract"]
    assert row["status"] == "ok" and row["rows"] == 1
    assert row["detail"].startswith("columns found: ChildID, UPN, CINStart")
    bad = load_config(_config(tmp_path, "Case reference,Opened\nA1,2024-01-01\n"),
                      check_chapters=False)
    row = describe_sources(bad).set_index("key").loc["cin_extract"]
    assert row["status"] == "problem" and "CINStart" in row["detail"]
