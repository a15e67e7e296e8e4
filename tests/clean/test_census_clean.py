"""Cleaning a small hand-built census whose expected results are worked out by hand.

The extract is ``MAIN_ROWS`` in ``census_fixtures.py``; every row's expected outcome is noted
there. Row numbers count the heading as row 1.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from census_fixtures import (
    AREA,
    HEADER,
    MAIN_ROWS,
    SALT,
    U1,
    U2,
    U3,
    U4,
    U6,
    U7,
    census_frame,
    reference_pupil_key,
)

from jsna.clean import (
    PUPIL_COLUMNS,
    clean_census_frames,
    read_census_file,
    read_imd_deciles,
    read_lsoa_ward_lookup,
    read_postcode_directory,
    write_census_outputs,
)
from jsna.clean.upn import make_upn


def _clean(frames, geography_files, **options):
    return clean_census_frames(
        frames,
        salt=SALT,
        area_code=AREA,
        postcodes=read_postcode_directory(geography_files["postcode_lookup"]),
        lsoa_wards=read_lsoa_ward_lookup(geography_files["lsoa_ward_lookup"]),
        imd=read_imd_deciles(geography_files["imd"]),
        **options,
    )


@pytest.fixture
def result(geography_files):
    return _clean({2025: census_frame(MAIN_ROWS)}, geography_files)


def _key(upn: str) -> str:
    return reference_pupil_key(SALT, upn)


def test_reconciliation_adds_up(result) -> None:
    recon = result.reconciliation
    by_step = recon.groupby("step")["rows"].sum()
    # 13 data rows (rows 2-14); set aside: blank row 14, subsidiary row 4, guest row 8,
    # blank enrolment status row 13, duplicate UPN row 9 = 5; kept 13 - 5 = 8
    assert by_step["read"] == 13
    assert by_step["set aside"] == 5
    assert by_step["kept"] == 8
    assert by_step["read"] == by_step["kept"] + by_step["set aside"]
    aside = recon[recon["step"] == "set aside"].set_index("reason")["rows"]
    assert aside.tolist() == [1, 1, 1, 1, 1]  # one row for each of the five reasons
    assert list(recon.columns) == ["census_year", "step", "reason", "rows"]
    assert len(result.pupils) == 8


def test_pupil_rows(result) -> None:
    pupils = result.pupils
    assert list(pupils.columns) == list(PUPIL_COLUMNS)
    by_key = pupils.set_index("pupil_key")
    # row 2 (U1): DOB 15/03/2015 -> 9 on 31/08/2024; postcode's own ward is current
    first = by_key.loc[_key(U1)]
    assert (first["age"], first["sen_provision"], first["primary_need"], first["fsm"]) == (
        9, "E", "ASD", True)
    assert (first["lsoa_code"], first["ward_code"], first["imd_decile"], first["resident"]) == (
        "Z01000001", "Z05000001", 1, True)
    assert (first["school_urn"], first["la_estab"]) == ("100001", "9902001")
    # row 3 (U2, main registration kept): "zz11ab" -> ZZ1 1AB; its osward Z05999999 is not a
    # boundary ward, so the best-fit ward of LSOA Z01000002 is used: Z05000002; IMD decile 10;
    # DOB 20/11/2014 -> 9 (birthday after 31 August)
    second = by_key.loc[_key(U2)]
    assert (second["ward_code"], second["imd_decile"], second["age"]) == ("Z05000002", 10, 9)
    assert second["school_urn"] == "100001"  # the M row, not the S row's 100002
    # row 5 (U3): " e" -> E; blank need -> UNKNOWN; "1" -> FSM true; 01/09/2012 -> 11
    third = by_key.loc[_key(U3)]
    assert (third["sen_provision"], third["primary_need"], third["fsm"], third["age"]) == (
        "E", "UNKNOWN", True, 11)


def test_counts_by_provision_need_residence_and_ward(result) -> None:
    pupils = result.pupils
    # E: rows 2, 5; K: rows 3, 7, 12; N: rows 6, 11; unknown (X): row 10
    assert (pupils["sen_provision"] == "E").sum() == 2
    assert (pupils["sen_provision"] == "K").sum() == 3
    assert (pupils["sen_provision"] == "N").sum() == 2
    assert pupils["sen_provision"].isna().sum() == 1
    # needs: ASD (2), SLCN (3), UNKNOWN (5), SEMH from BESD (7), MLD (10), NSA (12); none for N
    assert sorted(pupils["primary_need"].dropna()) == ["ASD", "MLD", "NSA", "SEMH", "SLCN",
                                                       "UNKNOWN"]
    assert pupils.loc[pupils["sen_provision"] == "N", "primary_need"].isna().all()
    # only row 6 (ZZ9 9ZZ, LA Z06000002) lives outside; unmatched/malformed stay resident
    assert (~pupils["resident"]).sum() == 1
    assert pupils["resident"].dtype == bool
    # wards: Z05000001 rows 2, 7; Z05000002 row 3; Z05000003 row 5; none for rows 6 (outside),
    # 10 (unmatched), 11 (malformed), 12 (LSOA without a ward)
    assert pupils["ward_code"].value_counts().to_dict() == {
        "Z05000001": 2, "Z05000002": 1, "Z05000003": 1}
    assert pupils["ward_code"].isna().sum() == 4
    # FSM: true rows 2, 5, 7; false rows 3, 6, 11, 12; blank row 10
    assert pupils["fsm"].sum() == 3 and pupils["fsm"].isna().sum() == 1
    # ages: 9, 9, 11, 12, 13, <NA> (impossible DOB), 19, 4 (Excel 43831 = 1/1/2020)
    assert sorted(pupils["age"].dropna().tolist()) == [4, 9, 9, 11, 12, 13, 19]
    assert str(pupils["age"].dtype) == "Int64"


def test_findings(result) -> None:
    findings = result.findings
    assert list(findings.columns) == ["census_year", "finding", "column", "rows",
                                      "example_rows"]
    got = dict(zip(findings["finding"], zip(findings["rows"], findings["example_rows"],
                                            strict=True), strict=True))
    expected = {
        "blank_row": (1, "14"),
        "enrol_status_unknown": (1, "13"),
        "duplicate_upn": (1, "9"),
        "upn_invalid_check_letter": (1, "7"),
        "upn_temporary": (1, "12"),
        "sen_provision_unknown": (1, "10"),
        "need_missing_for_sen": (1, "5"),
        "need_recoded": (1, "7"),
        "dob_impossible": (1, "10"),
        "age_outside_year_group": (1, "11"),  # 19 on 31/08/2024 in Year 2 (expected 6)
        "fsm_missing": (1, "10"),
        "postcode_malformed": (1, "11"),
        "postcode_unmatched": (1, "10"),
        "postcode_corrected": (1, "3"),
        "postcode_outside_council": (1, "6"),
        "ward_not_found": (1, "12"),
        "lsoa_not_in_imd": (1, "12"),  # row 6 lives outside: not reported
    }
    assert got == expected
    assert (findings["census_year"] == 2025).all()


def test_pupil_key_is_stable_across_censuses(geography_files) -> None:
    later = census_frame(MAIN_ROWS[:3])
    earlier = census_frame([
        # U1 a year younger: Year 3 in January 2024
        (U1, "15/03/2015", "M", "3", "C", "K", "ASD", None, "true", "ZZ1 1AA", "9902001",
         "100001"),
        (make_upn("990200124999"), "01/01/2016", "F", "2", "C", "N", None, None, "false",
         "ZZ1 1AA", "9902001", "100001"),
    ])
    result = _clean({2024: earlier, 2025: later}, geography_files)
    pupils = result.pupils
    u1 = pupils[pupils["pupil_key"] == _key(U1)]
    assert u1["census_year"].tolist() == [2024, 2025]
    assert u1["age"].tolist() == [8, 9]  # 31/08/2023 and 31/08/2024
    assert u1["sen_provision"].tolist() == ["K", "E"]
    assert pupils["census_year"].value_counts().to_dict() == {2024: 2, 2025: 2}
    recon = result.reconciliation
    assert recon.loc[recon["step"] == "kept", "rows"].tolist() == [2, 2]


def test_legacy_provision_codes_in_a_2014_census(geography_files) -> None:
    rows = [
        (make_upn(f"99020011300{i}"), "01/01/2005", "M", "4", "C", code, need, None, "false",
         "ZZ1 1AA", "9902001", "100001")
        for i, (code, need) in enumerate([("S", "BESD"), ("A", "MLD"), ("P", "SPLD"),
                                          ("N", None)])
    ]
    result = _clean({2014: census_frame(rows)}, geography_files)
    # S -> E, A -> K, P -> K in the January 2014 census; BESD -> SEMH
    assert result.pupils["sen_provision"].tolist() == ["E", "K", "K", "N"]
    assert result.pupils["primary_need"].tolist()[:3] == ["SEMH", "MLD", "SPLD"]
    findings = result.findings.set_index("finding")
    assert findings.loc["sen_provision_recoded", "rows"] == 3
    assert findings.loc["sen_provision_recoded", "example_rows"] == "2, 3, 4"


def test_subsidiary_without_main_is_reported(geography_files) -> None:
    rows = [(U1, "15/03/2015", "M", "4", "S", "N", None, None, "false", "ZZ1 1AA", "9902001",
             "100001")]
    result = _clean({2025: census_frame(rows)}, geography_files)
    assert result.pupils.empty
    assert result.findings.set_index("finding").loc["subsidiary_without_main", "rows"] == 1


def test_ages_outside_the_plausible_range_are_reported_and_left_blank(geography_files) -> None:
    def pupil(upn: str, dob: str, nc: str) -> tuple:
        return (upn, dob, "F", nc, "C", "N", None, None, "false", "ZZ1 1AA", "9902001", "100001")

    # January 2025 census: ages on 31 August 2024, plausible from 1 to 25
    rows = [pupil(U1, "01/01/2026", "R"),   # row 2: born after that day -> age -2
            pupil(U2, "01/09/2023", "N1"),  # row 3: age 0
            pupil(U3, "01/05/1990", "14"),  # row 4: age 34
            pupil(U4, "31/08/1998", "14"),  # row 5: age 26 (26th birthday that day)
            pupil(U6, "01/09/1998", "14"),  # row 6: age 25, the oldest plausible
            pupil(U7, "31/08/2023", "N1")]  # row 7: age 1 (first birthday that day)
    result = _clean({2025: census_frame(rows)}, geography_files)
    findings = result.findings.set_index("finding")
    assert findings.loc["dob_out_of_range", "rows"] == 4
    assert findings.loc["dob_out_of_range", "example_rows"] == "2, 3, 4, 5"
    ages = result.pupils.set_index("pupil_key")["age"]
    assert ages.loc[[_key(u) for u in (U1, U2, U3, U4)]].isna().all()
    assert ages.loc[_key(U6)] == 25 and ages.loc[_key(U7)] == 1


def _write_csv(path: Path, rows: list[tuple]) -> Path:
    census_frame(rows).to_csv(path, index=False)
    return path


def test_read_census_file_drops_names_and_numbers_rows(tmp_path) -> None:
    path = _write_csv(tmp_path / "census_2025.csv", MAIN_ROWS)
    frame, findings = read_census_file(path, 2025)
    assert "Surname" not in frame.columns and "Forename" not in frame.columns
    assert frame["source_row"].tolist() == list(range(2, 15))
    assert (frame["census_year"] == 2025).all()
    assert findings.empty


def test_outputs_are_deterministic_and_free_of_identifiers(result, tmp_path) -> None:
    first = write_census_outputs(result, tmp_path / "a")
    second = result.write(tmp_path / "b")
    assert [p.name for p in first] == ["pupils.parquet", "reconciliation.csv", "validation.csv",
                                       "validation.html"]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
    identifiers = {row[0] for row in MAIN_ROWS if row[0]} | {"Surname", "Forename"}
    identifiers |= {row[1] for row in MAIN_ROWS if row[1]} | {"ZZ1 1AA", "zz11ab"}
    for path in first:
        data = path.read_bytes()
        for value in identifiers:
            assert value.encode() not in data, (path.name, value)
    back = pd.read_parquet(first[0])
    assert len(back) == 8 and list(back.columns) == list(PUPIL_COLUMNS)
    assert str(back["age"].dtype) == "Int64"
    recon = pd.read_csv(first[1])
    assert recon.groupby("step")["rows"].sum()["read"] == 13


class _Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))


def test_validation_html_is_accessible_and_self_contained(result) -> None:
    from jsna.clean.validation import render_validation_html

    page = render_validation_html(result.findings, result.reconciliation, title="Demoton")
    parser = _Structure()
    parser.feed(page)
    tags = [tag for tag, _ in parser.tags]
    assert parser.tags[0] == ("html", {"lang": "en"})
    assert tags.count("h1") == 1
    assert tags.count("table") == tags.count("caption") == 2
    assert all(attrs.get("scope") in ("col", "row") for tag, attrs in parser.tags if tag == "th")
    assert "script" not in tags and "link" not in tags and "img" not in tags
    assert "http" not in page
    assert "Row with no values at all" in page
    # shares: blank row 1 of 13 rows read = 7.7%; malformed postcode 1 of 8 pupils kept = 12.5%
    assert "7.7% of rows read" in page
    assert "12.5% of pupils kept" in page


def test_headings_in_other_styles_give_the_same_result(geography_files, result) -> None:
    renamed = census_frame(MAIN_ROWS).rename(columns={
        "UPN": "upn", "DOB": "Date Of Birth", "Gender": "sex", "NCYearActual": "NC_Year_Actual",
        "SENprovision": "SEN Provision", "SENType1": "PrimarySENType", "SENType2": "SEN_Type_2",
        "FSMeligible": "FSM", "Postcode": "post code", "LAEstab": "LA Estab",
    })
    assert list(renamed.columns) != HEADER
    other = _clean({2025: renamed}, geography_files)
    pd.testing.assert_frame_equal(other.pupils, result.pupils)
    pd.testing.assert_frame_equal(other.findings, result.findings)


def test_blank_postcodes_are_reported_and_kept_as_residents(geography_files) -> None:
    # rows 2-4: a blank postcode, one of spaces only (blank once normalised), and a good one
    rows = [
        (U1, "15/03/2015", "M", "4", "C", "E", "ASD", None, "true", None, "9902001", "100001"),
        (U2, "2014-11-20", "F", "5", "C", "K", "SLCN", None, "false", "   ", "9902001",
         "100001"),
        (U3, "01/09/2012", "F", "7", "C", "N", None, None, "0", "ZZ2 2BB", "9904001", "100003"),
    ]
    result = _clean({2025: census_frame(rows)}, geography_files)
    findings = result.findings.set_index("finding")
    # both blanks are "missing", and neither is also malformed, unmatched or outside
    assert findings.loc["postcode_missing", ["rows", "example_rows"]].tolist() == [2, "2, 3"]
    assert not {"postcode_malformed", "postcode_unmatched", "postcode_outside_council",
                "ward_not_found", "lsoa_not_in_imd"} & set(findings.index)
    pupils = result.pupils.set_index("pupil_key")
    # a pupil without a postcode counts in the council's total (resident) with no ward or LSOA
    for upn in (U1, U2):
        row = pupils.loc[_key(upn)]
        assert row["resident"] and pd.isna(row["ward_code"]) and pd.isna(row["lsoa_code"])
        assert pd.isna(row["imd_decile"])
    assert pupils.loc[_key(U3), ["ward_code", "imd_decile"]].tolist() == ["Z05000003", 5]
