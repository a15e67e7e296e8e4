"""``jsna clean sen2``: the four files, and one line with a non-zero exit for a bad extract."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from census_fixtures import SALT, reference_pupil_key
from sen2_fixtures import UPNS, write_extract

from jsna.cli import main


def _config(folder: Path, extract: str = "sen2_extract.csv", extra: str = "") -> Path:
    path = folder / "jsna.toml"
    path.write_text(f"""
[area]
code = "Z99000001"
name = "Testshire"
region_code = "Z99000009"
region_name = "Test region"

[jsna]
year = 2025

[census]
salt = "{SALT}"

[inputs]
sen2_extract = "{extract}"

[sen2]
extract_date = 2025-12-31
{extra}
""", encoding="utf-8")
    return path


def test_clean_sen2_writes_the_four_files(tmp_path, capsys):
    write_extract(tmp_path)
    out = tmp_path / "cleaned"
    assert main(["clean", "sen2", "--config", str(_config(tmp_path)), "--out", str(out)]) == 0
    printed = capsys.readouterr().out.split()
    assert [Path(p).name for p in printed] == [
        "sen2_casework.parquet", "sen2_reconciliation.csv", "sen2_validation.csv",
        "sen2_validation.html"]
    casework = pd.read_parquet(out / "sen2_casework.parquet")
    assert casework["person_key"].iloc[0] == reference_pupil_key(SALT, UPNS["C1"])
    recon = pd.read_csv(out / "sen2_reconciliation.csv")
    assert recon["rows"].iloc[0] == recon["rows"].iloc[1:].sum() == 13


def test_mapping_in_the_config_is_used(tmp_path, capsys):
    path = write_extract(tmp_path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False).rename(
        columns={"Request Date": "Received on"})
    frame.to_csv(path, index=False)
    config = _config(tmp_path, extra='[sen2.columns]\n"Received on" = "RequestDate"\n')
    assert main(["clean", "sen2", "--config", str(config), "--out", str(tmp_path / "o")]) == 0


def test_missing_column_is_one_line_and_exit_2(tmp_path, capsys):
    path = write_extract(tmp_path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns="Plan Start Date")
    frame.to_csv(path, index=False)
    assert main(["clean", "sen2", "--config", str(_config(tmp_path)),
                 "--out", str(tmp_path / "o")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("jsna: error: sen2_extract.csv: missing required column "
                               "PlanIssueDate")


def test_no_extract_configured_is_one_line(tmp_path, capsys):
    config = _config(tmp_path)
    text = config.read_text().replace('sen2_extract = "sen2_extract.csv"\n', "")
    config.write_text(text)
    assert main(["clean", "sen2", "--config", str(config), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "jsna: error: jsna.toml: inputs.sen2_extract is not set: there is no SEN2 " \
        "casework extract to clean"


def test_bad_extract_date_names_the_key(tmp_path, capsys):
    write_extract(tmp_path)
    config = _config(tmp_path)
    config.write_text(config.read_text().replace("extract_date = 2025-12-31",
                                                 'extract_date = "last Tuesday"'))
    assert main(["clean", "sen2", "--config", str(config), "--out", str(tmp_path / "o")]) == 2
    assert "sen2.extract_date should be a date such as 2025-11-30" in capsys.readouterr().err


def test_sources_checks_the_extract_with_the_cleaners_reader(tmp_path):
    from jsna.config import load_config
    from jsna.input_checks import describe_sources

    path = write_extract(tmp_path)
    config = load_config(_config(tmp_path), check_files=False, check_chapters=False)
    row = describe_sources(config).set_index("key").loc["sen2_extract"]
    assert row["rows"] == 13 and "layout ok" in row["detail"]
    pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns="Date of Birth").to_csv(
        path, index=False)
    row = describe_sources(config).set_index("key").loc["sen2_extract"]
    assert "missing required column DOB" in row["detail"]


def test_the_extract_needs_the_census_salt(tmp_path, capsys):
    write_extract(tmp_path)
    config = _config(tmp_path)
    config.write_text(config.read_text().replace(f'[census]\nsalt = "{SALT}"\n', ""))
    assert main(["clean", "sen2", "--config", str(config), "--out", str(tmp_path / "o")]) == 2
    assert "missing key census.salt or census.salt_env" in capsys.readouterr().err


def test_unknown_sen2_key_is_named(tmp_path, capsys):
    write_extract(tmp_path)
    config = _config(tmp_path, extra="salt = \"x\"\n")
    assert main(["clean", "sen2", "--config", str(config), "--out", str(tmp_path / "o")]) == 2
    assert "sen2.salt" in capsys.readouterr().err
