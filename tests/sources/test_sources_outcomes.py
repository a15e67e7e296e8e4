"""Key stage 4 by SEN and EYFS good level of development by SEN: the readers, on DfE's real files
and on small bad files.

Expected figures come from plain pandas on the raw files (or are written out from DfE's
published table), never from jsna. Real-file tests skip when ``../shared/data/real`` is absent.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from jsna.errors import JsnaInputError
from jsna.sources.eyfs import read_eyfs_gld_by_sen
from jsna.sources.ks4_attainment import read_ks4_by_sen

REPO = Path(__file__).resolve().parents[2]
KS4 = "attainment/201819_LA_characteristics_data_including_sen_description.xlsx"
EYFS = "eyfs/1_eyfsp_headline_measures_2022.csv"


def real_data_folder() -> Path | None:
    """``../shared/data/real`` beside the project or the folder of worktrees, or
    ``$JSNA_REAL_DATA``."""
    for candidate in (os.environ.get("JSNA_REAL_DATA", ""),
                      REPO.parent / "shared" / "data" / "real",
                      REPO.parent.parent / "shared" / "data" / "real"):
        if candidate and (Path(candidate) / KS4).is_file():
            return Path(candidate).resolve()
    return None


REAL = real_data_folder()
needs_real = pytest.mark.skipif(REAL is None, reason="real data folder is absent")


@cache
def ks4() -> pd.DataFrame:
    assert REAL is not None
    return read_ks4_by_sen(REAL / KS4)


@cache
def ks4_raw() -> pd.DataFrame:
    """The workbook read by plain pandas, every cell as published."""
    assert REAL is not None
    return pd.read_excel(REAL / KS4, sheet_name=0, dtype=str)


@needs_real
@pytest.mark.parametrize("code", ["E06000014", "E08000009"])  # York, Trafford
def test_ks4_council_figures_equal_the_raw_workbook(code: str) -> None:
    raw = ks4_raw()
    raw = raw[(raw["new_la_code"] == code) & (raw["breakdown"] == "SEN status")
              & (raw["gender"] == "Total") & (raw["sen_description"] == "Total")]
    expected = raw.set_index("sen_status")
    got = ks4()[ks4()["area_code"] == code].set_index("sen_status")
    assert sorted(got.index) == ["No SEN", "SEN State EHC", "SEN Supp"]
    for status in got.index:
        for measure in ("t_pupils", "avg_att8", "t_l2basics_94", "avg_p8score"):
            assert got.loc[status, measure] == pytest.approx(float(expected.loc[status, measure]))
    assert dict(zip(got.index, got["sen_group"], strict=True)) == {
        "No SEN": "No SEN", "SEN State EHC": "EHC plan", "SEN Supp": "SEN support"}


@needs_real
def test_ks4_published_york_figures() -> None:
    """York 2018/19 (DfE, KS4 revised, LA characteristics): 47 pupils with an EHC plan, Attainment
    8 of 14.9, 4 of them 9-4 in English and maths; 1,540 with no SEN, 1,206 of them 9-4."""
    york = ks4()[ks4()["area_code"] == "E06000014"].set_index("sen_group")
    assert york.loc["EHC plan", ["t_pupils", "avg_att8", "t_l2basics_94"]].tolist() == [
        47, 14.9, 4]
    assert york.loc["No SEN", ["t_pupils", "t_l2basics_94"]].tolist() == [1540, 1206]
    assert set(york["period"]) == {"2018/19"}


@needs_real
def test_ks4_inner_and_outer_london_get_their_own_codes() -> None:
    regions = ks4()[ks4()["area_type"] == "Region"]
    names = regions.drop_duplicates("area_code").set_index("area_code")["area_name"]
    assert names["E12000007"] == "London"
    assert names["E13000001"] == "Inner London"
    assert names["E13000002"] == "Outer London"
    assert not ks4().duplicated(["area_code", "period", "sen_group"]).any()


@needs_real
@pytest.mark.parametrize("code", ["E06000014", "E06000058"])  # York, BCP
def test_eyfs_council_figures_equal_the_raw_csv(code: str) -> None:
    assert REAL is not None
    raw = pd.read_csv(REAL / EYFS, dtype=str, keep_default_na=False)
    raw = raw[(raw["new_la_code"] == code) & (raw["geographic_level"] == "Local authority")
              & (raw["characteristic"] == "SEN provision") & (raw["gender"] == "Total")]
    expected = raw.set_index("characteristic_type")
    got = read_eyfs_gld_by_sen(REAL / EYFS)
    got = got[got["area_code"] == code].set_index("sen_group")
    for published, group in (("No identified SEN", "No SEN"), ("SEN support", "SEN support"),
                             ("EHC plan", "EHC plan")):
        assert got.loc[group, "gld_number"] == float(expected.loc[published, "gld_number"])
        assert got.loc[group, "children_number"] == float(
            expected.loc[published, "children_number"])
    assert "All pupils" in got.index


@needs_real
def test_eyfs_keeps_symbols_as_notes_never_zeros() -> None:
    assert REAL is not None
    got = read_eyfs_gld_by_sen(REAL / EYFS)
    z = got[got["gld_percentage_note"] == "[z]"]
    assert len(z) > 0 and z["gld_percentage"].isna().all()


def _eyfs_csv(tmp_path: Path, *, swapped: bool, gld: str = "10") -> Path:
    first, second = ("SEN provision", "EHC plan") if swapped else ("EHC plan", "SEN provision")
    head = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
            "region_name,old_la_code,new_la_code,la_name,characteristic,characteristic_type,"
            "gender,children_number,gld_number,gld_percentage\n")
    line = (f"202223,Academic year,Local authority,E92000001,England,E12000003,Yorkshire,816,"
            f"E06000014,York,{first},{second},Total,40,{gld},25\n")
    path = tmp_path / "eyfs.csv"
    path.write_text(head + line, encoding="utf-8")
    return path


@pytest.mark.parametrize("swapped", [True, False])
def test_eyfs_reads_either_order_of_the_filter_columns(tmp_path: Path, swapped: bool) -> None:
    got = read_eyfs_gld_by_sen(_eyfs_csv(tmp_path, swapped=swapped))
    assert got["sen_group"].tolist() == ["EHC plan"]
    assert got["gld_number"].tolist() == [10.0]


def test_eyfs_suppressed_count_is_a_note(tmp_path: Path) -> None:
    got = read_eyfs_gld_by_sen(_eyfs_csv(tmp_path, swapped=True, gld="c"))
    assert got["gld_number_note"].tolist() == ["[c]"]
    assert got["gld_number"].isna().all()


def test_eyfs_bad_cell_names_file_row_and_column(tmp_path: Path) -> None:
    path = _eyfs_csv(tmp_path, swapped=True, gld="ten")
    with pytest.raises(JsnaInputError, match=r"eyfs\.csv: row 2, column 'gld_number'"):
        read_eyfs_gld_by_sen(path)


def _ks4_csv(tmp_path: Path, rows: list[tuple[str, str]], heading_case: str = "lower") -> Path:
    columns = ["time_period", "time_identifier", "geographic_level", "country_code",
               "country_name", "region_code", "region_name", "new_la_code", "old_la_code",
               "la_name", "breakdown", "gender", "sen_status", "t_pupils", "avg_att8",
               "t_l2basics_94", "pt_l2basics_94", "t_l2basics_95", "pt_l2basics_95",
               "t_inp8calc", "avg_p8score", "p8score_ci_low", "p8score_ci_upp"]
    if heading_case == "upper":
        columns = [c.upper() for c in columns]
    lines = [",".join(columns)]
    for status, pupils in rows:
        lines.append(f"201819,Academic year,Local authority,E92000001,England,E12000003,Yorks,"
                     f"E06000014,816,York,SEN status,Total,{status},{pupils},14.9,4,8.5,3,6.4,"
                     "45,-0.8,-1.17,-0.42")
    path = tmp_path / "ks4.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_ks4_headings_found_loosely_and_symbols_kept(tmp_path: Path) -> None:
    path = _ks4_csv(tmp_path, [("SEN State EHC", "c"), ("No SEN", "1540")], heading_case="upper")
    got = read_ks4_by_sen(path).set_index("sen_group")
    assert got.loc["EHC plan", "t_pupils_note"] == "[c]"
    assert pd.isna(got.loc["EHC plan", "t_pupils"])
    assert got.loc["No SEN", "t_pupils"] == 1540


def test_ks4_unknown_sen_status_names_file_row_and_column(tmp_path: Path) -> None:
    path = _ks4_csv(tmp_path, [("No SEN", "10"), ("Statemented", "5")])
    with pytest.raises(JsnaInputError, match=r"ks4\.csv: row 3, column 'sen_status'"):
        read_ks4_by_sen(path)


def test_ks4_missing_column_is_named(tmp_path: Path) -> None:
    path = _ks4_csv(tmp_path, [("No SEN", "10")])
    text = path.read_text().replace("avg_att8", "attainment")
    path.write_text(text)
    with pytest.raises(JsnaInputError, match=r"ks4\.csv: .*missing column\(s\) avg_att8"):
        read_ks4_by_sen(path)


def test_ks4_repeated_row_is_refused(tmp_path: Path) -> None:
    path = _ks4_csv(tmp_path, [("No SEN", "10"), ("No SEN", "12")])
    with pytest.raises(JsnaInputError, match=r"row 3: a second row for E06000014"):
        read_ks4_by_sen(path)


@needs_real
def test_jsna_sources_checks_the_ks4_workbook_with_the_chapter_reader(tmp_path: Path) -> None:
    """The real KS4 file is a workbook: ``jsna sources`` reads it with the outcomes chapter's
    reader (the CSV reader of other EES files refuses a workbook)."""
    from jsna.config import load_config
    from jsna.input_checks import describe_sources

    assert REAL is not None
    (tmp_path / "jsna.toml").write_text(f'''
[area]
code = "E06000014"
name = "York"
region_code = "E12000003"
region_name = "Yorkshire and The Humber"
[jsna]
year = 2025
[inputs.comparators]
ks4_by_sen = "{REAL / KS4}"
eyfs_by_sen = "{REAL / EYFS}"
[chapters]
run = ["outcomes"]
''', encoding="utf-8")
    table = describe_sources(load_config(tmp_path / "jsna.toml")).set_index("key")
    assert table.loc["comparators.ks4_by_sen", "status"] == "ok", table.loc[
        "comparators.ks4_by_sen", "detail"]
    assert table.loc["comparators.ks4_by_sen", "periods"] == "2018/19 .. 2018/19"
    assert table.loc["comparators.eyfs_by_sen", "status"] == "ok"
