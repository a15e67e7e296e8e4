"""`jsna sources` and the pipeline read each local input with one reader, so they agree.

For the schools list and the census, every variant below (as written by the demo, lower-case
headings, a byte-order mark, Windows-1252 text, an optional column missing, a required column
missing) is either accepted by both `jsna sources` and the reader the refresh uses, or refused
by both with the same message.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from jsna.chapters.settings import read_schools as settings_reads_schools
from jsna.clean import read_census_file
from jsna.config import load_config
from jsna.demo import write_demo
from jsna.errors import JsnaError
from jsna.input_checks import describe_sources

CENSUS = "census/census_2025.csv"  # where the demo config lists the 2025 census


def _frame(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _write(frame: pd.DataFrame, path: Path, encoding: str = "utf-8") -> None:
    path.write_bytes(frame.to_csv(index=False).encode(encoding))


def _lower_case(frame: pd.DataFrame, path: Path) -> None:
    _write(frame.rename(columns=str.lower), path)


def _byte_order_mark(frame: pd.DataFrame, path: Path) -> None:
    _write(frame, path, "utf-8-sig")


WELSH_NAME = "Ysgol Dewi Sant \u2013 St David\u2019s"  # an en dash and a curly apostrophe


def _windows_1252(column: str) -> Callable[[pd.DataFrame, Path], None]:
    """Write the file as Excel's "CSV" does, with a name in ``column`` that is not ASCII."""
    def write(frame: pd.DataFrame, path: Path) -> None:
        frame = frame.copy()
        frame[column] = frame[column].where(frame.index != 0, WELSH_NAME)
        _write(frame, path, "cp1252")
    return write


def _without(column: str) -> Callable[[pd.DataFrame, Path], None]:
    def write(frame: pd.DataFrame, path: Path) -> None:
        _write(frame.drop(columns=[column]), path)
    return write


def _as_written(frame: pd.DataFrame, path: Path) -> None:
    _write(frame, path)


#: name -> (how the file is changed, whether the readers must accept it)
SCHOOL_VARIANTS = {
    "as written": (_as_written, True),
    "lower-case headings": (_lower_case, True),
    "byte-order mark": (_byte_order_mark, True),
    "Windows-1252": (_windows_1252("SchoolName"), True),
    "optional LAEstab missing": (_without("LAEstab"), True),
    "required Phase missing": (_without("Phase"), False),
}
CENSUS_VARIANTS = {
    "as written": (_as_written, True),
    "lower-case headings": (_lower_case, True),
    "byte-order mark": (_byte_order_mark, True),
    "Windows-1252": (_windows_1252("Surname"), True),
    "optional FSMeligible missing": (_without("FSMeligible"), True),
    "required DOB missing": (_without("DOB"), False),
}


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory) -> dict[str, object]:
    config = write_demo(tmp_path_factory.mktemp("demo") / "data" / "demo", n_wards=4, years=1)
    folder = config.parent
    return {"config": config.read_text(),
            "schools": _frame(folder / "schools.csv"),
            "census": _frame(folder / "census" / "census_2025.csv")}


def _sources_verdict(folder: Path, key: str) -> tuple[bool, str]:
    config = load_config(folder / "jsna.toml", check_files=False, check_chapters=False)
    row = describe_sources(config).set_index("key").loc[key]
    return row["status"] == "ok", "" if row["status"] == "ok" else str(row["detail"])


def _pipeline_verdict(read: Callable[[], object]) -> tuple[bool, str]:
    try:
        read()
    except JsnaError as error:
        return False, str(error)
    return True, ""


def _council(tmp_path: Path, demo_files: dict) -> Path:
    """The demo's config with only its schools list and census in place (the other inputs are
    reported missing, which does not concern these two)."""
    (tmp_path / "jsna.toml").write_text(demo_files["config"])
    _write(demo_files["schools"], tmp_path / "schools.csv")
    (tmp_path / "census").mkdir()
    _write(demo_files["census"], tmp_path / CENSUS)
    return tmp_path


@pytest.mark.parametrize("variant", SCHOOL_VARIANTS)
def test_the_schools_list_gets_one_verdict(tmp_path, demo_files, variant):
    folder = _council(tmp_path, demo_files)
    change, accepted = SCHOOL_VARIANTS[variant]
    change(demo_files["schools"], folder / "schools.csv")
    pipeline = _pipeline_verdict(lambda: settings_reads_schools(folder / "schools.csv"))
    assert _sources_verdict(folder, "schools") == pipeline
    assert pipeline[0] is accepted, pipeline[1]


@pytest.mark.parametrize("variant", CENSUS_VARIANTS)
def test_the_census_gets_one_verdict(tmp_path, demo_files, variant):
    folder = _council(tmp_path, demo_files)
    change, accepted = CENSUS_VARIANTS[variant]
    change(demo_files["census"], folder / CENSUS)
    pipeline = _pipeline_verdict(lambda: read_census_file(folder / CENSUS, 2025, {}))
    assert _sources_verdict(folder, "census.2025") == pipeline
    assert pipeline[0] is accepted, pipeline[1]


def test_a_gias_download_is_read_by_its_own_headings(tmp_path, demo_files):
    schools = demo_files["schools"].rename(columns={"SchoolName": "EstablishmentName",
                                                    "Phase": "PhaseOfEducation (name)"})
    _write(schools, tmp_path / "schools.csv")
    read = settings_reads_schools(tmp_path / "schools.csv")
    assert read["school_name"].tolist() == demo_files["schools"]["SchoolName"].tolist()
    assert len(read) == len(schools)


def test_a_cp1252_school_name_is_read_as_written(tmp_path, demo_files):
    _windows_1252("SchoolName")(demo_files["schools"], tmp_path / "schools.csv")
    assert settings_reads_schools(tmp_path / "schools.csv")["school_name"].iloc[0] == WELSH_NAME


def test_a_neighbours_file_saved_by_excel_in_windows_1252_is_read(tmp_path):
    """Before, the neighbours reader alone decoded only UTF-8 and refused Excel's "CSV"."""
    from jsna.sources.neighbours import read_statistical_neighbours

    text = ("la_code,la_name,sn_rank,neighbour_code,neighbour_name,closeness\n"
            "E06000014,York,1,E06000061,North Northamptonshire,Very close\n"
            f"E06000014,York,2,E06000040,{WELSH_NAME},Close\n")
    (tmp_path / "neighbours.csv").write_bytes(text.encode("cp1252"))
    (tmp_path / "neighbours_utf8.csv").write_text(text, encoding="utf-8")
    from_excel = read_statistical_neighbours(tmp_path / "neighbours.csv")
    pd.testing.assert_frame_equal(from_excel,
                                  read_statistical_neighbours(tmp_path / "neighbours_utf8.csv"))
    assert from_excel["neighbour_code"].tolist() == ["E06000061", "E06000040"]
