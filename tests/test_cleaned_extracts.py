"""Local extracts (SEN2 casework, health waiting lists, children in need) are cleaned once and
kept on disk like the census: the chapters and the data quality page read the same clean."""

from __future__ import annotations

import dataclasses
import os
import re

import pandas as pd
import pyarrow as pa
import pytest

from jsna import cleaned
from jsna.clean import care, health, sen2
from jsna.config import load_config

#: The cleaner each extract is made by, and the field of its result holding the records.
CLEANERS = {"sen2": (sen2, "clean_sen2", "casework"), "health": (health, "clean_health", "waits"),
            "cin": (care, "clean_cin", "records")}
READERS = {"sen2": cleaned.cleaned_sen2, "health": cleaned.cleaned_health,
           "cin": cleaned.cleaned_cin}


@pytest.fixture()
def council(small_council):
    return load_config(small_council)


def _count_cleans(monkeypatch, *modules) -> dict[str, int]:
    """Count calls of each extract's cleaner, wherever a module imported it from."""
    calls = dict.fromkeys(CLEANERS, 0)
    for extract, (module, name, _) in CLEANERS.items():
        original = getattr(module, name)

        def counted(*args, _extract=extract, _original=original, **kwargs):
            calls[_extract] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)
        for other in modules:  # a chapter that imported the cleaner by name
            monkeypatch.setattr(other, name, counted, raising=False)
    return calls


def _assert_same(result, fresh, records: str) -> None:
    kept, made = getattr(result, records), getattr(fresh, records)
    if isinstance(made, pa.Table):
        assert kept.equals(made, check_metadata=False)
        assert kept.schema == made.schema
    else:
        pd.testing.assert_frame_equal(kept, made)
    # the row accounting: rows read = kept + set aside, each reason with its count
    pd.testing.assert_frame_equal(result.reconciliation, fresh.reconciliation)
    pd.testing.assert_frame_equal(result.findings, fresh.findings)
    for field in dataclasses.fields(fresh):
        if field.name not in (records, "reconciliation", "findings"):
            assert getattr(result, field.name) == getattr(fresh, field.name), field.name


@pytest.mark.parametrize("extract", list(CLEANERS))
def test_a_kept_clean_is_the_cleaners_result_and_is_not_made_again(council, extract,
                                                                   monkeypatch):
    module, name, records = CLEANERS[extract]
    fresh = getattr(module, name)(council)
    calls = _count_cleans(monkeypatch)
    first = READERS[extract](council)
    second = READERS[extract](council)
    assert calls[extract] == 1  # made once, then read back
    _assert_same(first, fresh, records)
    _assert_same(second, fresh, records)
    reasons = second.reconciliation
    assert (reasons["step"] == "set aside").any() and reasons["rows"].sum() > 0


def test_the_chapters_and_the_quality_page_clean_each_extract_once(council, monkeypatch):
    """Before: the quality page cleaned every extract again after its chapter had (two cleans
    each); now the page reads the chapter's clean."""
    from jsna.chapters import ehcp, ehcp_local, social_care
    from jsna.chapters import health as health_chapter
    from jsna.chapters.quality_inputs import extract_inputs

    calls = _count_cleans(monkeypatch, ehcp_local, health_chapter, social_care)
    ehcp.build(council)
    health_chapter.build(council)
    social_care.build(council)
    assert calls == {"sen2": 1, "health": 1, "cin": 1}
    inputs = extract_inputs(council)
    assert [i.key for i in inputs] == ["sen2", "health", "cin"]
    assert calls == {"sen2": 1, "health": 1, "cin": 1}


def test_the_quality_page_shows_the_same_row_accounting_from_a_kept_clean(council):
    from jsna.chapters.quality_inputs import extract_inputs

    made = extract_inputs(council)  # cleans and keeps
    read = extract_inputs(council)  # reads the kept cleans
    for first, second in zip(made, read, strict=True):
        pd.testing.assert_frame_equal(first.reconciliation, second.reconciliation)
        pd.testing.assert_frame_equal(first.findings, second.findings)


@pytest.mark.parametrize("extract", list(CLEANERS))
def test_a_changed_input_file_is_cleaned_again(council, extract, monkeypatch):
    path = {"sen2": council.inputs.sen2_extract, "health": council.inputs.health_waits,
            "cin": council.inputs.cin_extract}[extract]
    before = READERS[extract](council)
    key = cleaned.extract_cache_key(council, extract)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")  # one data row fewer
    calls = _count_cleans(monkeypatch)
    after = READERS[extract](council)
    assert calls[extract] == 1
    assert cleaned.extract_cache_key(council, extract) != key
    read = lambda result: int(result.reconciliation.loc[  # noqa: E731
        result.reconciliation["step"] == "read", "rows"].sum())
    assert read(after) == read(before) - 1
    # only the current clean is kept: the earlier one was record-level data no one reads
    kept = list((council.clean_dir / cleaned.EXTRACT_CACHE_FOLDER / extract).iterdir())
    assert [p.name for p in kept] == [cleaned.extract_cache_key(council, extract)]


def test_a_changed_secret_options_or_version_change_the_key(council, monkeypatch):
    import jsna

    key = cleaned.extract_cache_key(council, "sen2")
    other_salt = dataclasses.replace(
        council, census=dataclasses.replace(council.census, salt="another secret"))
    assert cleaned.extract_cache_key(other_salt, "sen2") != key
    other_map = dataclasses.replace(council, sen2=dataclasses.replace(
        council.sen2, columns={"Local ID": "PersonID"}))
    assert cleaned.extract_cache_key(other_map, "sen2") != key
    assert cleaned.extract_cache_key(
        dataclasses.replace(council, year=council.year - 1), "sen2") != key
    monkeypatch.setattr(jsna, "__version__", "0.0.0-other")
    assert cleaned.extract_cache_key(council, "sen2") != key


def test_an_edited_config_file_is_cleaned_again(council, small_council):
    key = cleaned.extract_cache_key(council, "health")
    text = small_council.read_text(encoding="utf-8")
    small_council.write_text(text + "\n# edited\n", encoding="utf-8")
    os.utime(small_council, ns=(1, 1))  # a different time even on a coarse clock
    assert cleaned.extract_cache_key(load_config(small_council), "health") != key


def test_the_kept_cleans_hold_no_identifier_of_the_extracts(council):
    """The kept cleans sit in the never-published cleaned folder and hold pseudonymous keys,
    like pupils.parquet: no UPN, person ID, NHS number, name, date of birth or postcode."""
    for reader in READERS.values():
        reader(council)
    folder = council.clean_dir / cleaned.EXTRACT_CACHE_FOLDER
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    assert {p.suffix for p in files} == {".arrow", ".json"} and len(files) == 12
    assert not [p for p in folder.rglob(".writing-*")]  # nothing half-written left
    kept = b"".join(p.read_bytes() for p in files)
    for path in (council.inputs.sen2_extract, council.inputs.health_waits,
                 council.inputs.cin_extract):
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in raw.columns:
            if re.search(r"upn|id$|person id|nhs|forename|surname|name|birth|dob|postcode",
                         column, re.I):
                values = {v for v in raw[column] if len(v) >= 6}
                assert values, column
                assert not [v for v in values if v.encode() in kept], (path.name, column)
    assert council.census.salt.encode() not in kept


def test_a_clean_written_by_another_process_meanwhile_is_kept(council, monkeypatch):
    """Two chapters may clean at the same moment: the second rename finds the first's clean
    and keeps it, and both read the same."""
    folder = (council.clean_dir / cleaned.EXTRACT_CACHE_FOLDER / "sen2"
              / cleaned.extract_cache_key(council, "sen2"))
    original = cleaned._clean_extract

    def other_process_first(config, extract):
        made = original(config, extract)
        cleaned._write_cache(folder, *made)  # the other process finishes first
        return made

    monkeypatch.setattr(cleaned, "_clean_extract", other_process_first)
    result = cleaned.cleaned_sen2(council)
    assert result.casework.num_rows > 0
    assert [p.name for p in folder.parent.iterdir()] == [folder.name]


def test_refresh_cleans_an_extract_two_chapters_read_before_they_run(council, monkeypatch):
    calls = _count_cleans(monkeypatch)
    assert cleaned.clean_extracts_once(council, ["ehcp", "population"]) == []
    assert cleaned.clean_extracts_once(council, ["ehcp", "health", "social_care",
                                                 "quality"]) == ["sen2", "health", "cin"]
    assert calls == {"sen2": 1, "health": 1, "cin": 1}


def test_a_bad_extract_is_left_for_its_chapters_to_report(council, monkeypatch):
    from jsna.errors import JsnaInputError

    council.inputs.sen2_extract.write_text("nothing,useful\n1,2\n", encoding="utf-8")
    with pytest.raises(JsnaInputError, match=council.inputs.sen2_extract.name):
        sen2.clean_sen2(council)
    assert cleaned.clean_extracts_once(council, ["ehcp", "quality"]) == []
    with pytest.raises(JsnaInputError, match=council.inputs.sen2_extract.name):
        cleaned.cleaned_sen2(council)
    assert not (council.clean_dir / cleaned.EXTRACT_CACHE_FOLDER / "sen2").exists() or not list(
        (council.clean_dir / cleaned.EXTRACT_CACHE_FOLDER / "sen2").iterdir())


def test_a_write_that_fails_halfway_leaves_no_clean(council, monkeypatch):
    """A full disk or a killed process while writing: no half-written clean is ever read (the
    next reader cleans again)."""
    written = []
    original = cleaned._write_arrow

    def fail_on_second(table, path):
        written.append(path.name)
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        original(table, path)

    monkeypatch.setattr(cleaned, "_write_arrow", fail_on_second)
    with pytest.raises(OSError, match="No space left"):
        cleaned.cleaned_sen2(council)
    folder = council.clean_dir / cleaned.EXTRACT_CACHE_FOLDER / "sen2"
    assert list(folder.iterdir()) == []  # neither the clean nor its temporary folder
    monkeypatch.setattr(cleaned, "_write_arrow", original)
    calls = _count_cleans(monkeypatch)
    assert cleaned.cleaned_sen2(council).casework.num_rows > 0
    assert calls["sen2"] == 1


def test_a_changed_secret_in_the_environment_cleans_the_census_again(small_council,
                                                                       monkeypatch):
    """``census.salt_env`` names a variable: a new secret there changes no file, yet the pupil
    keys made with the old one would no longer link to the extracts' keys (made with the new)."""
    text = small_council.read_text(encoding="utf-8")
    text, replaced = re.subn(r'(?m)^salt = ".*"$', 'salt_env = "JSNA_TEST_SECRET"', text)
    assert replaced == 1
    small_council.write_text(text, encoding="utf-8")
    monkeypatch.setenv("JSNA_TEST_SECRET", "first secret")
    config = load_config(small_council)
    cleaned.clean_census_to_disk(config)
    assert cleaned.clean_is_fresh(load_config(small_council))
    stamp = (config.clean_dir / cleaned.STAMP_FILE).read_text(encoding="utf-8")
    assert "first secret" not in stamp
    monkeypatch.setenv("JSNA_TEST_SECRET", "second secret")
    assert not cleaned.clean_is_fresh(load_config(small_council))


def test_a_refresh_keeps_the_shared_cleans_before_its_chapters_start(small_council,
                                                                     monkeypatch):
    """The chapters run side by side in other processes: the refresh makes the clean they share
    first, so they read it rather than each cleaning the extract at the same moment."""
    from jsna import refresh

    class Stop(Exception):
        pass

    config = load_config(small_council)
    seen = {}

    def chapters_start(jobs, **_):
        seen["jobs"] = sorted(job.name for job in jobs)
        seen["kept"] = {extract: (
            config.clean_dir / cleaned.EXTRACT_CACHE_FOLDER / extract
            / cleaned.extract_cache_key(config, extract)).is_dir() for extract in CLEANERS}
        raise Stop

    monkeypatch.setattr(refresh, "run_chapters", chapters_start)
    with pytest.raises(Stop):
        refresh.refresh(small_council, chapters=["ehcp", "health", "quality"])
    assert seen == {"jobs": ["ehcp", "health", "quality"],
                    "kept": {"sen2": True, "health": True, "cin": False}}  # cin: one reader


@pytest.mark.parametrize("extract", list(CLEANERS))
def test_jsna_clean_keeps_the_clean_the_chapters_read(council, extract, monkeypatch, tmp_path,
                                                      capsys):
    """Before: ``jsna clean sen2|health|cin`` cleaned from scratch and kept nothing, so the next
    refresh cleaned the extract again."""
    from jsna.cli import main

    calls = _count_cleans(monkeypatch)
    assert main(["clean", extract, "--config", str(council.path), "--out",
                 str(tmp_path / "out")]) == 0
    assert calls[extract] == 1
    assert any((tmp_path / "out").iterdir())  # the command still writes its files
    READERS[extract](council)  # what a chapter calls
    assert calls[extract] == 1

