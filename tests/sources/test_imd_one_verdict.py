"""`jsna sources` and the census cleaner read the IMD file (``inputs.imd``) with one reader.

Every variant below (as written by the demo, lower-case headings, a byte-order mark, Windows-1252
text, an optional column missing, ranks without deciles, a required column missing, a decile out
of range) is either accepted by both `jsna sources` and the cleaner the refresh runs, or refused
by both with the same message. Before, the cleaner had its own reader: it refused a file of ranks
that `jsna sources` accepted, and the two worded every refusal differently.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from jsna.clean import clean_census
from jsna.config import load_config
from jsna.demo import write_demo
from jsna.errors import JsnaError
from jsna.input_checks import describe_sources

IMD = "geography/imd.csv"  # where the demo config lists the IMD file
FILE_1 = "imd/File_1_-_IMD2019_Index_of_Multiple_Deprivation_selected_las.csv"
LSOA = "LSOA code (2021)"
DECILE = "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"


def _write(frame: pd.DataFrame, path: Path, encoding: str = "utf-8") -> None:
    path.write_bytes(frame.to_csv(index=False).encode(encoding))


def _as_written(frame: pd.DataFrame, path: Path) -> None:
    _write(frame, path)


def _lower_case(frame: pd.DataFrame, path: Path) -> None:
    _write(frame.rename(columns=str.lower), path)


def _byte_order_mark(frame: pd.DataFrame, path: Path) -> None:
    _write(frame, path, "utf-8-sig")


def _windows_1252(frame: pd.DataFrame, path: Path) -> None:
    """As Excel's "CSV" saves it, with an LSOA name that is not ASCII."""
    frame = frame.copy()
    frame.iloc[0, 1] = "Ynys Môn 001A – Llangefni"
    _write(frame, path, "cp1252")


def _without(column: str) -> Callable[[pd.DataFrame, Path], None]:
    def write(frame: pd.DataFrame, path: Path) -> None:
        _write(frame.drop(columns=[column]), path)
    return write


def _decile_eleven(frame: pd.DataFrame, path: Path) -> None:
    frame = frame.copy()
    frame[DECILE] = frame[DECILE].where(frame.index != 2, "11")
    _write(frame, path)


#: name -> (how the file is changed, whether both readers must accept it)
IMD_VARIANTS = {
    "as written": (_as_written, True),
    "lower-case headings": (_lower_case, True),
    "byte-order mark": (_byte_order_mark, True),
    "Windows-1252": (_windows_1252, True),
    "optional LSOA name missing": (_without("LSOA name (2021)"), True),
    "deciles missing, worked out from ranks": (_without(DECILE), True),
    "required LSOA code missing": (_without(LSOA), False),
    "decile out of range": (_decile_eleven, False),
}


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory) -> Path:
    config = write_demo(tmp_path_factory.mktemp("demo") / "data" / "demo", n_wards=4, years=1)
    return config.parent


def _council(tmp_path: Path, demo_folder: Path) -> Path:
    folder = tmp_path / "council"
    shutil.copytree(demo_folder, folder)
    return folder


def _sources_verdict(folder: Path) -> tuple[bool, str]:
    config = load_config(folder / "jsna.toml", check_files=False, check_chapters=False)
    row = describe_sources(config).set_index("key").loc["imd"]
    return row["status"] == "ok", "" if row["status"] == "ok" else str(row["detail"])


def _cleaner_verdict(folder: Path, demo_lsoas: bool = True) -> tuple[bool, str]:
    try:
        result = clean_census(load_config(folder / "jsna.toml", check_chapters=False))
    except JsnaError as error:
        return False, str(error)
    if demo_lsoas:  # an IMD file of the demo's LSOAs: its deciles were read and used
        assert result.pupils["imd_decile"].notna().any()
    return True, ""


@pytest.mark.parametrize("variant", IMD_VARIANTS)
def test_the_imd_file_gets_one_verdict(tmp_path, demo_folder, variant):
    folder = _council(tmp_path, demo_folder)
    change, accepted = IMD_VARIANTS[variant]
    change(pd.read_csv(demo_folder / IMD, dtype=str, keep_default_na=False), folder / IMD)
    cleaner = _cleaner_verdict(folder)
    assert _sources_verdict(folder) == cleaner
    assert cleaner[0] is accepted, cleaner[1]
    if not accepted:  # one line naming the file and the column
        assert str(folder / IMD) in cleaner[1] and "\n" not in cleaner[1]


def test_deciles_worked_out_from_ranks_are_those_published(tmp_path, demo_folder):
    from jsna.clean import read_imd_deciles

    as_written = read_imd_deciles(demo_folder / IMD).decile_by_lsoa
    _without(DECILE)(pd.read_csv(demo_folder / IMD, dtype=str, keep_default_na=False),
                     tmp_path / "ranks.csv")
    pd.testing.assert_series_equal(read_imd_deciles(tmp_path / "ranks.csv").decile_by_lsoa,
                                   as_written)


@pytest.mark.real_data
def test_the_published_file_1_gets_one_verdict(tmp_path, demo_folder, real):
    """MHCLG's IoD 2019 File 1 (1,076 LSOAs of 7 councils, SOURCES.md): accepted by both."""
    from jsna.clean import read_imd_deciles

    folder = _council(tmp_path, demo_folder)
    shutil.copyfile(real / FILE_1, folder / IMD)
    config = folder / "jsna.toml"  # York, one of the councils in the file
    config.write_text(config.read_text().replace('code = "Z06000001"', 'code = "E06000014"', 1))
    assert _sources_verdict(folder) == _cleaner_verdict(folder, demo_lsoas=False) == (True, "")
    assert describe_sources(load_config(config, check_files=False, check_chapters=False)).set_index(
        "key").loc["imd", "detail"] == "120 LSOAs in the council"
    read = read_imd_deciles(folder / IMD)
    # rows 247 and 250 of the file: E01013444 rank "6,469" decile 2; E01013447 rank "8,117" decile 3
    assert len(read.decile_by_lsoa) == 1076 and read.lsoa_vintage == "lsoa11"
    assert read.decile_by_lsoa[["E01013444", "E01013447"]].tolist() == [2, 3]
