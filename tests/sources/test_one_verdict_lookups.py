"""`jsna sources` and the census cleaner read the two geography lookups with one reader each.

For the postcode lookup (ONSPD/NSPL style) and the LSOA to ward lookup, every variant below (as
written by the demo, other-case headings, a byte-order mark, Windows-1252 text, an optional column
missing, a required column missing, headings mapped in ``[census.columns]``, a workbook saved under
a CSV name, two rows that disagree) is either accepted by both `jsna sources` and the reader the
refresh's cleaner calls, or refused by both with the same message. The ward boundaries, of which
the cleaner reads only the codes, likewise.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from jsna.clean.postcode import read_lsoa_ward_lookup as cleaner_reads_lsoa_wards
from jsna.clean.postcode import read_postcode_directory as cleaner_reads_postcodes
from jsna.config import load_config
from jsna.demo import write_demo
from jsna.errors import JsnaError
from jsna.input_checks import describe_sources

POSTCODES = "geography/postcode_lookup.csv"  # where the demo config lists each lookup
LSOA_WARDS = "geography/lsoa_to_ward.csv"
WELSH_NAME = "Ysgol Dewi Sant \u2013 St David\u2019s"  # an en dash and a curly apostrophe

#: A file change: (the demo's frame, the path to write) -> None
Change = Callable[[pd.DataFrame, Path], None]


def _write(frame: pd.DataFrame, path: Path, encoding: str = "utf-8") -> None:
    path.write_bytes(frame.to_csv(index=False).encode(encoding))


def _as_written(frame: pd.DataFrame, path: Path) -> None:
    _write(frame, path)


def _headings(rename: Callable[[str], str]) -> Change:
    def write(frame: pd.DataFrame, path: Path) -> None:
        _write(frame.rename(columns=rename), path)
    return write


def _byte_order_mark(frame: pd.DataFrame, path: Path) -> None:
    _write(frame, path, "utf-8-sig")


def _windows_1252(frame: pd.DataFrame, path: Path) -> None:
    """Excel's "CSV": a name that is not ASCII in a column whose heading is not ASCII either."""
    frame = frame.copy()
    frame["Nom \u2013 ward"] = [WELSH_NAME] + [""] * (len(frame) - 1)
    _write(frame, path, "cp1252")


def _without(*columns: str) -> Change:
    def write(frame: pd.DataFrame, path: Path) -> None:
        _write(frame.drop(columns=list(columns)), path)
    return write


def _windows_1252_without(column: str) -> Change:
    """A Windows-1252 file lacking a required column: the message lists its headings as written."""
    def write(frame: pd.DataFrame, path: Path) -> None:
        _windows_1252(frame.drop(columns=[column]), path)
    return write


def _workbook(frame: pd.DataFrame, path: Path) -> None:
    """The lookup saved by Excel as a workbook, under its CSV name."""
    frame.to_excel(path, index=False, engine="openpyxl")


def _row_changed(column: str, row: int, value: str, *, copy_of: int | None = None) -> Change:
    """Row ``row`` gets ``value`` in ``column``; with ``copy_of``, it first becomes a copy of
    that row (so the file lists one key twice)."""
    def write(frame: pd.DataFrame, path: Path) -> None:
        frame = frame.copy()
        if copy_of is not None:
            frame.iloc[row] = frame.iloc[copy_of]
        frame.iloc[row, frame.columns.get_loc(column)] = value
        _write(frame, path)
    return write


def _ward_name_before_code(frame: pd.DataFrame, path: Path) -> None:
    """Plain-English headings, with the ward's name before its code."""
    renamed = frame.rename(columns={"LSOA21CD": "LSOA code", "WD25NM": "Ward name",
                                    "WD25CD": "Ward code"})
    _write(renamed[["LSOA code", "Ward name", "Ward code"]], path)


#: name -> (how the file is changed, whether the readers must accept it, config text to add to
#: [census.columns])
POSTCODE_VARIANTS: dict[str, tuple[Change, bool, str]] = {
    "as written": (_as_written, True, ""),
    "upper-case headings": (_headings(str.upper), True, ""),
    "byte-order mark": (_byte_order_mark, True, ""),
    "Windows-1252": (_windows_1252, True, ""),
    "optional osward missing": (_without("osward"), True, ""),
    "optional grid references missing": (_without("oseast1m", "osnrth1m"), True, ""),
    "required lsoa21 missing": (_without("lsoa21"), False, ""),
    "required oslaua missing": (_without("oslaua"), False, ""),
    "Windows-1252, required lsoa21 missing": (_windows_1252_without("lsoa21"), False, ""),
    "headings mapped in [census.columns]": (
        _headings({"pcds": "Home PC", "lsoa21": "Small area", "oslaua": "District"}.get),
        True,
        '"Home PC" = "pcds"\n"Small area" = "lsoa21"\n"District" = "oslaua"\n',
    ),
    "saved as a workbook": (_workbook, True, ""),
    "a live postcode listed twice": (_row_changed("lsoa21", 1, "Z01000099", copy_of=0), False, ""),
}
LSOA_WARD_VARIANTS: dict[str, tuple[Change, bool, str]] = {
    "as written": (_as_written, True, ""),
    "lower-case headings": (_headings(str.lower), True, ""),
    "byte-order mark": (_byte_order_mark, True, ""),
    "Windows-1252": (_windows_1252, True, ""),
    "optional LAD and name columns missing": (
        _without("LAD25CD", "LAD25NM", "LSOA21NM", "WD25NM"), True, ""),
    "required WD25CD missing": (_without("WD25CD"), False, ""),
    "Windows-1252, required WD25CD missing": (_windows_1252_without("WD25CD"), False, ""),
    "plain-English headings, ward name first": (_ward_name_before_code, True, ""),
    "saved as a workbook": (_workbook, True, ""),
    "one LSOA given two wards": (_row_changed("WD25CD", 1, "Z05000099", copy_of=0), False, ""),
    "a blank ward code": (_row_changed("WD25CD", 3, ""), False, ""),
}


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory) -> dict[str, object]:
    config = write_demo(tmp_path_factory.mktemp("demo") / "data" / "demo", n_wards=4, years=1)
    folder = config.parent
    read = lambda name: pd.read_csv(folder / name, dtype=str, keep_default_na=False)  # noqa: E731
    return {"config": config.read_text(), "postcodes": read(POSTCODES),
            "lsoa_wards": read(LSOA_WARDS)}


def _council(tmp_path: Path, demo_files: dict, columns: str) -> Path:
    """The demo's config (with ``columns`` added to [census.columns]) and its two lookups."""
    config = demo_files["config"]
    assert "[census.columns]\n" in config
    (tmp_path / "jsna.toml").write_text(config.replace("[census.columns]\n",
                                                       "[census.columns]\n" + columns))
    (tmp_path / "geography").mkdir()
    _write(demo_files["postcodes"], tmp_path / POSTCODES)
    _write(demo_files["lsoa_wards"], tmp_path / LSOA_WARDS)
    return tmp_path


def _config(folder: Path):
    return load_config(folder / "jsna.toml", check_files=False, check_chapters=False)


def _sources_verdict(folder: Path, key: str) -> tuple[bool, str]:
    row = describe_sources(_config(folder)).set_index("key").loc[key]
    return row["status"] == "ok", "" if row["status"] == "ok" else str(row["detail"])


def _pipeline_verdict(read: Callable[[], object]) -> tuple[bool, str]:
    try:
        read()
    except JsnaError as error:
        return False, str(error)
    return True, ""


@pytest.mark.parametrize("variant", POSTCODE_VARIANTS)
def test_the_postcode_lookup_gets_one_verdict(tmp_path, demo_files, variant):
    change, accepted, columns = POSTCODE_VARIANTS[variant]
    folder = _council(tmp_path, demo_files, columns)
    change(demo_files["postcodes"], folder / POSTCODES)
    columns_map = dict(_config(folder).census.columns)  # as the cleaner passes it
    pipeline = _pipeline_verdict(lambda: cleaner_reads_postcodes(folder / POSTCODES, columns_map))
    assert _sources_verdict(folder, "postcode_lookup") == pipeline
    assert pipeline[0] is accepted, pipeline[1]
    if not accepted:
        assert POSTCODES.split("/")[1] in pipeline[1]  # the message names the file


@pytest.mark.parametrize("variant", LSOA_WARD_VARIANTS)
def test_the_lsoa_ward_lookup_gets_one_verdict(tmp_path, demo_files, variant):
    change, accepted, columns = LSOA_WARD_VARIANTS[variant]
    folder = _council(tmp_path, demo_files, columns)
    change(demo_files["lsoa_wards"], folder / LSOA_WARDS)
    pipeline = _pipeline_verdict(lambda: cleaner_reads_lsoa_wards(folder / LSOA_WARDS))
    assert _sources_verdict(folder, "lsoa_ward_lookup") == pipeline
    assert pipeline[0] is accepted, pipeline[1]
    if not accepted:
        assert LSOA_WARDS.split("/")[1] in pipeline[1]


def test_a_windows_1252_heading_is_named_as_written(tmp_path, demo_files):
    """The headings listed when a column is missing are decoded, not mangled into U+FFFD."""
    folder = _council(tmp_path, demo_files, "")
    _windows_1252_without("lsoa21")(demo_files["postcodes"], folder / POSTCODES)
    verdict = _sources_verdict(folder, "postcode_lookup")
    assert not verdict[0] and "Nom \u2013 ward" in verdict[1] and "\ufffd" not in verdict[1]


def test_the_ward_code_is_read_when_the_name_comes_first(tmp_path, demo_files):
    """Before, the cleaner took the first heading starting 'ward' (here the ward's *name*)."""
    folder = _council(tmp_path, demo_files, "")
    _ward_name_before_code(demo_files["lsoa_wards"], folder / LSOA_WARDS)
    lookup = cleaner_reads_lsoa_wards(folder / LSOA_WARDS)
    expected = demo_files["lsoa_wards"].set_index("LSOA21CD")["WD25CD"]
    assert lookup.ward_by_lsoa.sort_index().to_dict() == expected.sort_index().to_dict()


WARDS = "geography/wards.gpkg"


def _boundaries(change: Callable[[object], object]) -> Callable[[Path, Path], None]:
    """Write the demo's ward boundaries, changed by ``change`` (a GeoDataFrame -> GeoDataFrame)."""
    def write(demo: Path, path: Path) -> None:
        import geopandas as gpd

        change(gpd.read_file(demo)).to_file(path, driver="GPKG", engine="pyogrio")
    return write


def _set_code(row: int, value: object) -> Callable[[object], object]:
    def change(frame):
        frame = frame.copy()
        frame.loc[frame.index[row], "WD25CD"] = value
        return frame
    return change


#: name -> (how the file is changed, whether the readers must accept it)
BOUNDARY_VARIANTS = {
    "as written": (lambda frame: frame, True),
    "council file with an id column (as Lewisham's)": (
        lambda frame: frame.rename(columns={"WD25CD": "id", "WD25NM": "name"}), True),
    "a blank ward code": (_set_code(1, None), False),
    "a ward code given twice": (lambda frame: _set_code(1, frame["WD25CD"].iloc[0])(frame), False),
    "no code column": (lambda frame: frame.rename(columns={"WD25CD": "ward"}), False),
}


@pytest.fixture(scope="module")
def demo_wards(tmp_path_factory) -> Path:
    config = write_demo(tmp_path_factory.mktemp("demo") / "data" / "demo", n_wards=4, years=1)
    return config.parent / WARDS


@pytest.mark.parametrize("variant", BOUNDARY_VARIANTS)
def test_the_ward_boundaries_get_one_verdict(tmp_path, demo_files, demo_wards, variant):
    """The cleaner reads only the ward codes; `jsna sources` (and the wards chapter) the whole
    file. Both find the code column and check the codes the same way."""
    from jsna.clean.postcode import read_ward_codes as cleaner_reads_ward_codes

    change, accepted = BOUNDARY_VARIANTS[variant]
    folder = _council(tmp_path, demo_files, "")
    _boundaries(change)(demo_wards, folder / WARDS)
    pipeline = _pipeline_verdict(lambda: cleaner_reads_ward_codes(folder / WARDS))
    assert _sources_verdict(folder, "ward_boundaries") == pipeline
    assert pipeline[0] is accepted, pipeline[1]


def test_the_cleaner_calls_the_very_same_readers():
    """The names the cleaner imports are the sources readers themselves, not copies."""
    import jsna.clean.headings as headings
    import jsna.clean.postcode as cleaner
    from jsna.sources import boundaries, lsoa_wards, postcodes, text_table

    assert cleaner.read_postcode_directory is postcodes.read_postcode_lookup
    assert cleaner.read_lsoa_ward_lookup is lsoa_wards.read_lsoa_ward_lookup
    assert cleaner.read_ward_codes is boundaries.read_ward_codes
    assert headings.read_selected_columns is text_table.read_selected_columns
