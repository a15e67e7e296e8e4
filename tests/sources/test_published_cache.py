"""The cache of parsed published files (:mod:`jsna.sources.published_cache`).

Each test has its own cache folder. The expected frames are worked out here (or by the reader
without its cache, ``reader.__wrapped__``), never read from the cache under test.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from real_councils import needs_real_data, real_path

from jsna.errors import JsnaInputError
from jsna.sources.published_cache import cache_folder, cached_read


@pytest.fixture()
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("JSNA_CACHE_DIR", str(cache))
    return cache


def counting_reader():
    """A reader of 'name,value' files that counts how often it parses one."""
    calls: list[Path] = []

    @cached_read
    def read_pairs(path: str | Path, *, scale: float = 1.0) -> pd.DataFrame:
        path = Path(path)
        calls.append(path)
        text = path.read_text(encoding="utf-8")
        if "bad" in text:
            raise JsnaInputError(f"{path}: row 2: expected a number")
        names, values = zip(*(line.split(",") for line in text.splitlines()), strict=True)
        frame = pd.DataFrame({"name": list(names), "value": [float(v) * scale for v in values]})
        frame.attrs["path"] = str(path)
        return frame

    return read_pairs, calls


def test_a_file_is_parsed_once_and_read_back_exactly(tmp_path: Path, folder: Path) -> None:
    read, calls = counting_reader()
    path = tmp_path / "pairs.csv"
    path.write_text("a,1\nb,2.5\n", encoding="utf-8")
    expected = pd.DataFrame({"name": ["a", "b"], "value": [1.0, 2.5]})
    first, second = read(path), read(str(path))
    assert calls == [path]  # the second call did not parse the file
    pd.testing.assert_frame_equal(first, expected, check_dtype=False)
    pd.testing.assert_frame_equal(second, first, check_exact=True)
    assert second.attrs == {"path": str(path)}
    assert len(list(folder.glob("*.parquet"))) == 1


def test_other_arguments_are_another_entry(tmp_path: Path, folder: Path) -> None:
    read, calls = counting_reader()
    path = tmp_path / "pairs.csv"
    path.write_text("a,1\n", encoding="utf-8")
    assert read(path)["value"].tolist() == [1.0]
    assert read(path, scale=10.0)["value"].tolist() == [10.0]
    assert read(path, scale=10.0)["value"].tolist() == [10.0]
    assert len(calls) == 2


def test_a_file_rewritten_with_the_same_size_and_time_is_parsed_again(
        tmp_path: Path, folder: Path) -> None:
    """Keyed by contents: next year's file under the same name, even with the same size and
    modification time (a copy that keeps times, or two writes in one clock tick)."""
    read, calls = counting_reader()
    path = tmp_path / "pairs.csv"
    path.write_text("a,1\n", encoding="utf-8")
    times = (path.stat().st_atime_ns, path.stat().st_mtime_ns)
    assert read(path)["value"].tolist() == [1.0]
    path.write_text("a,7\n", encoding="utf-8")
    os.utime(path, ns=times)
    assert read(path)["value"].tolist() == [7.0]
    assert len(calls) == 2


def test_the_same_contents_elsewhere_name_their_own_file(tmp_path: Path, folder: Path) -> None:
    read, _ = counting_reader()
    first, second = tmp_path / "one.csv", tmp_path / "two.csv"
    for path in (first, second):
        path.write_text("a,1\n", encoding="utf-8")
    assert read(first).attrs["path"] == str(first)
    assert read(second).attrs["path"] == str(second)


def test_a_bad_file_keeps_nothing_and_says_so_every_time(tmp_path: Path, folder: Path) -> None:
    read, calls = counting_reader()
    path = tmp_path / "pairs.csv"
    path.write_text("a,bad\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(JsnaInputError, match="row 2: expected a number"):
            read(path)
    assert len(calls) == 2
    assert not folder.exists() or not list(folder.glob("*"))


def test_a_frame_that_parquet_would_change_is_not_kept(tmp_path: Path, folder: Path) -> None:
    """A column of numbers and text together cannot be held exactly: every call parses."""
    calls: list[int] = []

    @cached_read
    def read_mixed(path: Path) -> pd.DataFrame:
        calls.append(1)
        return pd.DataFrame({"cell": pd.Series([1, "x"], dtype=object)})

    path = tmp_path / "any.csv"
    path.write_text("x\n", encoding="utf-8")
    for _ in range(2):
        assert read_mixed(path)["cell"].tolist() == [1, "x"]
    assert len(calls) == 2
    assert not list(folder.glob("*.parquet"))


def test_a_damaged_entry_is_parsed_again(tmp_path: Path, folder: Path) -> None:
    read, calls = counting_reader()
    path = tmp_path / "pairs.csv"
    path.write_text("a,1\n", encoding="utf-8")
    read(path)
    (entry,) = folder.glob("*.parquet")
    entry.write_bytes(b"not parquet")
    assert read(path)["value"].tolist() == [1.0]
    assert len(calls) == 2


def test_off_keeps_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JSNA_CACHE_DIR", "off")
    assert cache_folder() is None
    read, calls = counting_reader()
    path = tmp_path / "pairs.csv"
    path.write_text("a,1\n", encoding="utf-8")
    read(path)
    read(path)
    assert len(calls) == 2


def test_an_argument_without_a_stable_key_is_passed_through(tmp_path: Path, folder: Path) -> None:
    calls: list[int] = []

    @cached_read
    def read_with(path: Path, options: object = None) -> pd.DataFrame:
        calls.append(1)
        return pd.DataFrame({"n": [1]})

    path = tmp_path / "any.csv"
    path.write_text("x\n", encoding="utf-8")
    read_with(path, options=object())
    read_with(path, options=object())
    assert len(calls) == 2
    assert not folder.exists() or not list(folder.glob("*.parquet"))


KS4 = "attainment/201819_LA_characteristics_data_including_sen_description.xlsx"
REAL_DATA, KS4_PRESENT = needs_real_data(KS4)


@REAL_DATA
@KS4_PRESENT
def test_dfe_key_stage_4_workbook_read_back_is_the_parsed_one(folder: Path) -> None:
    from jsna.sources.ks4_attainment import read_ks4_by_sen

    path = real_path(KS4)
    parsed = read_ks4_by_sen.__wrapped__(path)  # the reader itself, no cache
    read_ks4_by_sen(path)
    cached = read_ks4_by_sen(path)
    assert len(list(folder.glob("*.parquet"))) == 1
    pd.testing.assert_frame_equal(cached, parsed, check_exact=True)
    assert cached.attrs == parsed.attrs


def test_entries_unused_for_two_months_are_cleared_when_another_is_written(
        tmp_path: Path, folder: Path) -> None:
    read, _ = counting_reader()
    last_year, this_year = tmp_path / "2024.csv", tmp_path / "2025.csv"
    last_year.write_text("a,1\n", encoding="utf-8")
    this_year.write_text("a,2\n", encoding="utf-8")
    read(last_year)
    (old,) = folder.glob("*.parquet")
    long_ago = old.stat().st_mtime - 61 * 86400
    os.utime(old, (long_ago, long_ago))
    stale_part = folder / "stopped-run.part"
    stale_part.write_bytes(b"")
    os.utime(stale_part, (long_ago, long_ago))
    read(this_year)
    assert not old.exists() and not stale_part.exists()
    assert len(list(folder.glob("*.parquet"))) == 1


def test_an_entry_in_use_is_kept(tmp_path: Path, folder: Path) -> None:
    read, calls = counting_reader()
    path, other = tmp_path / "pairs.csv", tmp_path / "other.csv"
    path.write_text("a,1\n", encoding="utf-8")
    other.write_text("b,1\n", encoding="utf-8")
    read(path)
    (entry,) = folder.glob("*.parquet")
    long_ago = entry.stat().st_mtime - 61 * 86400
    os.utime(entry, (long_ago, long_ago))
    read(path)  # read back: in use again
    read(other)
    assert entry.exists() and len(calls) == 2
