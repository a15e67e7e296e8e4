"""The health waiting-list cleaner: every kind of bad input counted with its rows; keys link to
the census; structural problems one line naming file and column; the CLI."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from census_fixtures import AREA, SALT, U1, U5_BAD, reference_pupil_key

from jsna.clean.health import (
    HealthExtract,
    clean_health_tables,
    read_health_file,
    write_health_outputs,
)
from jsna.clean.health_services import match_services, nhs_number_status, read_provider_lookup
from jsna.clean.postcode import read_lsoa_ward_lookup, read_postcode_directory
from jsna.errors import JsnaConfigError, JsnaInputError

EXTRACT_DATE = datetime.date(2025, 3, 31)
NHS_A, NHS_B = "9434765919", "4010232137"  # valid modulus-11 numbers (NHS Digital examples)

HEADER = "Service,Referral Received,Date First Seen,Discharge Date,DOB,Age,Home Postcode,LSOA,"\
    "NHS No,UPN,Provider Code,Surname\n"
ROWS = [
    # row 2: SALT, still waiting, postcode in the council, NHS number
    f"SALT,01/02/2025,,,15/03/2015,,ZZ1 1AA,,{NHS_A},{U1},RX1,Smith",
    # row 3: paediatrics, seen; age column; postcode needs re-formatting
    f"Community Paediatric Service,2024-06-01,2024-09-01,,,9,zz22bb,,{NHS_B},,RX1,Jones",
    # row 4: duplicate of row 2 (same NHS number, service and referral date)
    f"Speech & Language Therapy,2025-02-01,,,15/03/2015,,ZZ1 1AA,,{NHS_A},,RX1,Smith",
    # row 5: contact before referral
    "OT,2024-05-01,2024-04-01,,01/01/2016,,ZZ1 1AA,,,,RX1,Brown",
    # row 6: future referral
    "Physio,2025-05-01,,,01/01/2016,,ZZ1 1AA,,,,RX1,Green",
    # row 7: unknown service
    "Dentistry,2024-05-01,,,01/01/2016,,ZZ1 1AA,,,,RX1,Grey",
    # row 8: blank row
    ",,,,,,,,,,,",
    # row 9: lives in another council
    "CAMHS,2024-05-01,,,01/01/2010,,ZZ9 9ZZ,,,,RX1,White",
    # row 10: no postcode; LSOA in the council; invalid NHS number; invalid UPN; no age
    f"ADHD,2024-01-10,,,,,,Z01000003,9434765918,{U5_BAD},RX1,Black",
    # row 11: unreadable referral date
    "Autism,31/31/2024,,,01/01/2016,,ZZ1 1AA,,,,RX1,Blue",
    # row 12: no postcode or LSOA, provider serves another council only
    "Autism,2024-03-01,,,01/01/2016,,,,,,RX9,Pink",
    # row 13: no postcode or LSOA, provider unknown: kept without a ward
    "Autism,2024-03-02,,2024-06-01,01/01/2016,,,,,,ZZZ,Pink",
    # row 14: removal before referral
    "Autism,2024-03-02,,2024-01-01,01/01/2016,,ZZ1 1AA,,,,RX1,Pink",
    # row 15: age out of range, malformed postcode
    "Autism,2024-03-02,,,01/01/1990,,NOT A POSTCODE,,,,RX1,Pink",
]


@pytest.fixture()
def lookups(geography_files: dict[str, Path], tmp_path: Path) -> dict[str, object]:
    providers = tmp_path / "providers.csv"
    providers.write_text("Provider code,LA code\nRX1,Z06000001\nRX1,Z06000002\nRX9,Z06000002\n",
                         encoding="utf-8")
    return {"postcodes": read_postcode_directory(geography_files["postcode_lookup"]),
            "lsoa_wards": read_lsoa_ward_lookup(geography_files["lsoa_ward_lookup"]),
            "providers": read_provider_lookup(providers)}


def _clean(tmp_path: Path, lookups: dict[str, object], rows: list[str] = ROWS):
    path = tmp_path / "waits.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    table = read_health_file(HealthExtract(path))
    return clean_health_tables([("waits.csv", table, None)], salt=SALT,
                               extract_date=EXTRACT_DATE, area_code=AREA, **lookups)


def test_every_kind_of_bad_input_is_counted_with_its_rows(tmp_path, lookups):
    result = _clean(tmp_path, lookups)
    found = {f: r for f, r in zip(result.findings["finding"], result.findings["example_rows"],
                                  strict=True)}
    assert found["blank_row"] == "8"
    assert found["service_unknown"] == "7"
    assert found["referral_date_impossible"] == "11"
    assert found["referral_in_future"] == "6"
    assert found["contact_before_referral"] == "5"
    assert found["removal_before_referral"] == "14"
    assert found["resident_elsewhere"] == "9, 12"
    assert found["duplicate_referral"] == "4"
    assert found["nhs_number_invalid"] == "10"
    assert found["upn_invalid"] == "10"
    assert found["age_missing"] == "10"
    assert found["age_unusable"] == "15"
    assert found["postcode_malformed"] == "15"
    assert found["postcode_missing"] == "13"
    assert found["provider_unknown"] == "13"
    assert found["identifier_missing"] == "13, 15"
    recon = result.reconciliation.set_index("reason")["rows"]
    assert recon["data rows in the file"] == 14
    assert recon["referrals kept"] == 5  # rows 2, 3, 10, 13, 15
    assert recon["blank row (no values)"] == 1
    assert recon["child lives in (or provider serves) another council"] == 2
    assert recon.iloc[1:-1].sum() + 5 == 14


def test_kept_rows_keys_dates_ages_and_wards(tmp_path, lookups):
    waits = _clean(tmp_path, lookups).waits.to_pandas()
    assert waits["service"].tolist() == ["speech_and_language_therapy", "community_paediatrics",
                                         "adhd_assessment", "autism_assessment",
                                         "autism_assessment"]
    # the pupil_key is the census's (same salt, same construction)
    assert waits["pupil_key"][0] == reference_pupil_key(SALT, U1)
    assert waits["nhs_key"][0] == reference_pupil_key(SALT, NHS_A)
    assert pd.isna(waits["nhs_key"][2])  # invalid NHS number: no key
    assert waits["age_at_referral"].tolist()[:2] == [9, 9]  # 15/03/2015 -> 1/2/2025: 9
    assert pd.isna(waits["age_at_referral"][4])
    assert waits["ward_code"].tolist()[:3] == ["Z05000001", "Z05000003", "Z05000003"]
    assert waits["first_contact_date"][1] == datetime.date(2024, 9, 1)
    assert waits["removal_date"][3] == datetime.date(2024, 6, 1)
    text = waits.astype(str).to_string()
    for secret in (NHS_A, NHS_B, U1, "ZZ1 1AA", "2015-03-15", "Smith"):
        assert secret not in text


def test_outputs_hold_no_identifier(tmp_path, lookups):
    result = _clean(tmp_path, lookups)
    paths = write_health_outputs(result, tmp_path / "out")
    assert [p.name for p in paths] == ["health_waits.parquet", "health_reconciliation.csv",
                                       "health_validation.csv", "health_validation.html"]
    assert pq.read_table(paths[0]).num_rows == 5
    for path in paths[1:]:
        text = path.read_text(encoding="utf-8")
        for secret in (NHS_A, U1, "ZZ1 1AA", "15/03/2015", "Smith"):
            assert secret not in text


def test_missing_column_is_one_line_naming_file_and_column(tmp_path):
    path = tmp_path / "slt.csv"
    path.write_text("Service,Seen,DOB,Postcode\nSALT,,01/01/2015,ZZ1 1AA\n", encoding="utf-8")
    with pytest.raises(JsnaInputError) as error:
        read_health_file(HealthExtract(path))
    message = str(error.value)
    assert "slt.csv" in message and "referral_date" in message and "[health.columns]" in message
    assert "\n" not in message


def test_one_service_per_file_and_columns_map(tmp_path):
    path = tmp_path / "ot.csv"
    path.write_text("Ref,Seen,Age,LSOA\n2024-01-01,,7,Z01000001\n", encoding="utf-8")
    table = read_health_file(HealthExtract(path, "occupational_therapy"),
                             {"Ref": "referral_date", "Seen": "first_contact_date"})
    result = clean_health_tables([("ot.csv", table, "occupational_therapy")], salt=SALT,
                                 extract_date=EXTRACT_DATE)
    assert result.waits.column("service").to_pylist() == ["occupational_therapy"]
    assert result.waits.column("age_at_referral").to_pylist() == [7]


def test_service_names_matched_loosely():
    assert match_services(["(CYP) Therapy interventions: Speech and language",
                           "Occupational Therapy Service", "camhs", "ASD", "Local team"],
                          {"Local team": "physiotherapy"}) == [
        "speech_and_language_therapy", "occupational_therapy", "camhs", "autism_assessment",
        "physiotherapy"]


def test_nhs_number_check_digit_worked_by_hand():
    # 943 476 591: 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2 = 299; 299 mod 11 = 2; 11-2 = 9
    _, status = nhs_number_status(__import__("pyarrow").array(["9434765919", "9434765911",
                                                               "12345", " "]))
    assert status.tolist() == ["valid", "invalid", "invalid", "missing"]


def test_provider_lookup_without_council_column(tmp_path):
    path = tmp_path / "providers.csv"
    path.write_text("Provider code,Name\nRX1,Trust\n", encoding="utf-8")
    with pytest.raises(JsnaInputError, match="providers.csv: missing column la_code"):
        read_provider_lookup(path)


def test_unknown_service_in_config_map(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("Service,Referral date,Seen,Age,LSOA\nX,2024-01-01,,7,Z01000001\n",
                    encoding="utf-8")
    table = read_health_file(HealthExtract(path))
    with pytest.raises(JsnaConfigError, match="health.services"):
        clean_health_tables([("w.csv", table, None)], salt=SALT, extract_date=EXTRACT_DATE,
                            services_map={"X": "dentistry"})


def test_cli_clean_health(tmp_path, geography_files):
    waits = tmp_path / "waits.csv"
    waits.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    config = tmp_path / "jsna.toml"
    config.write_text(f"""
[area]
code = "{AREA}"
name = "Demoton"
region_code = "E12000001"
region_name = "North East"
[jsna]
year = 2025
[census]
salt = "{SALT}"
[inputs]
health_waits = "waits.csv"
postcode_lookup = "{geography_files['postcode_lookup'].as_posix()}"
lsoa_ward_lookup = "{geography_files['lsoa_ward_lookup'].as_posix()}"
[health]
extract_date = 2025-03-31
[chapters]
run = ["quality"]
""", encoding="utf-8")
    out = tmp_path / "clean"
    done = subprocess.run([sys.executable, "-c", "import sys; from jsna.cli import main; "
                           "sys.exit(main())", "clean", "health", "--config", str(config),
                           "--out", str(out)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert (out / "health_waits.parquet").exists()
    waits.write_text("Service,Seen\nSALT,\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", "import sys; from jsna.cli import main; "
                           "sys.exit(main())", "clean", "health", "--config", str(config),
                           "--out", str(out)], capture_output=True, text=True, check=False)
    assert done.returncode != 0
    assert "waits.csv" in done.stderr and "referral_date" in done.stderr
    assert "Traceback" not in done.stderr


def test_jsna_sources_checks_the_health_inputs_with_the_cleaners_readers(tmp_path):
    from jsna.config import load_config
    from jsna.input_checks import describe_sources

    (tmp_path / "waits.csv").write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    (tmp_path / "ot.csv").write_text("Service,Seen\nOT,\n", encoding="utf-8")
    (tmp_path / "providers.csv").write_text("Provider code,LA code\nRX1,Z06000001\n",
                                            encoding="utf-8")
    config = tmp_path / "jsna.toml"
    config.write_text(f"""
[area]
code = "{AREA}"
name = "Demoton"
region_code = "E12000001"
region_name = "North East"
[jsna]
year = 2025
[inputs]
health_waits = "waits.csv"
health_provider_lookup = "providers.csv"
[inputs.health_services]
occupational_therapy = "ot.csv"
[chapters]
run = ["health"]
""", encoding="utf-8")
    table = describe_sources(load_config(config, check_files=False, check_chapters=False))
    table = table.set_index("key")
    assert table.loc["health_waits", "status"] == "ok"
    assert table.loc["health_waits", "rows"] == 14
    assert table.loc["health_provider_lookup", "area_found"] == "yes"
    problem = table.loc["health_services.occupational_therapy"]
    assert problem["status"] == "problem" and "referral_date" in problem["detail"]
    assert table.loc["fingertips", "status"] == "not configured"


def test_unknown_service_key_in_config_is_named(tmp_path):
    from jsna.config import load_config

    config = tmp_path / "jsna.toml"
    config.write_text(f"""
[area]
code = "{AREA}"
name = "Demoton"
region_code = "E12000001"
region_name = "North East"
[jsna]
year = 2025
[inputs.health_services]
dentistry = "d.csv"
[health]
extract_date = "31/03/2025"
[chapters]
run = ["health"]
""", encoding="utf-8")
    with pytest.raises(JsnaConfigError) as error:
        load_config(config, check_files=False)
    assert "inputs.health_services.dentistry" in str(error.value)
    assert "health.extract_date" in str(error.value)
