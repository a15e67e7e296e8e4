"""Each row of ``jsna/input_list.csv`` says which chapters read that input ("Read by: ...");
this checks the sentence against the chapter modules, so a chapter that starts reading an
input (as early years, adulthood and resources began reading ``inputs.lait``) fails here until
its row says so."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import jsna
from jsna.chapter_list import CHAPTERS
from jsna.input_checks import INPUTS

CHAPTERS_FOLDER = Path(jsna.__file__).parent / "chapters"
#: The phrase ending every description: the chapters (by key) that read the input, and
#: ``census cleaning`` for the lookups the census cleaner reads.
READ_BY = re.compile(r"Read by: (?P<readers>[a-z_, ]+)\.$")
CENSUS_CLEANING = "census cleaning"
NO_CHAPTER = "no chapter"

#: Calls of the cleaned-data helpers, and the inputs the clean they return is made from.
HELPER_INPUTS = {
    "load_pupils(": ("census",),
    "health_extracts(": ("health_waits", "health_services"),
    "cleaned_health(": ("health_waits", "health_services", "postcode_lookup", "lsoa_ward_lookup",
                        "ward_boundaries", "health_provider_lookup"),
    "cleaned_sen2(": ("sen2_extract",),
    "cleaned_cin(": ("cin_extract",),
}


def _chapter_sources() -> dict[str, str]:
    """Each chapter's code: ``chapters/<key>.py`` and every ``chapters/<key>_*.py``."""
    out = dict.fromkeys(CHAPTERS, "")
    for path in sorted(CHAPTERS_FOLDER.glob("*.py")):
        for key in CHAPTERS:
            if path.stem == key or path.stem.startswith(f"{key}_"):
                out[key] += path.read_text(encoding="utf-8")
    return out


def _reads(source: str, key: str) -> bool:
    """True when a chapter's code reads ``inputs.<key>``: by attribute (``inputs.lait``), a
    comparator by its quoted name (``.get("neet_send")``, ``KEY = "sen2_management_information"``),
    ``require_input``, or a helper that returns a clean made from it."""
    if key.startswith("comparators."):
        found = re.search(rf"[\"']{key.split('.', 1)[1]}[\"']", source)
    else:
        found = re.search(rf"\binputs\.{key}\b|require_input\(\s*config,\s*[\"']{key}[\"']",
                          source)
    return bool(found) or any(call in source for call, keys in HELPER_INPUTS.items()
                              if key in keys)


def _census_cleaning_inputs() -> set[str]:
    """The inputs the census cleaner is stamped with (:func:`jsna.cleaned._clean_inputs`)."""
    source = (Path(jsna.__file__).parent / "cleaned.py").read_text(encoding="utf-8")
    body = source.split("def _clean_inputs", 1)[1].split("\ndef ", 1)[0]
    return set(re.findall(r"inputs\.(\w+)", body))


def readers_in_code() -> dict[str, set[str]]:
    """Every input's readers, from the chapter modules, the inputs each chapter needs
    (``chapter_list``) and those it uses when given (the quality page's list)."""
    from jsna.chapters.quality import OPTIONAL_INPUTS

    sources = _chapter_sources()
    out: dict[str, set[str]] = {}
    for spec in INPUTS:
        readers = {chapter for chapter, source in sources.items() if _reads(source, spec.key)}
        readers |= {chapter for chapter, info in CHAPTERS.items() if spec.key in info.inputs}
        readers |= {chapter for chapter, optional in OPTIONAL_INPUTS.items()
                    if spec.key in {name for name, _ in optional}}
        if spec.key in _census_cleaning_inputs():
            readers.add(CENSUS_CLEANING)
        out[spec.key] = readers
    return out


def readers_listed() -> dict[str, set[str]]:
    out = {}
    for spec in INPUTS:
        found = READ_BY.search(spec.description)
        assert found, f"input_list.csv, {spec.key}: description does not end 'Read by: ...'"
        names = {name.strip() for name in found["readers"].split(",")}
        out[spec.key] = set() if names == {NO_CHAPTER} else names
    return out


def test_every_input_names_the_chapters_that_read_it():
    code, listed = readers_in_code(), readers_listed()
    wrong = {key: {"code": sorted(code[key]), "input_list.csv": sorted(listed[key])}
             for key in code if code[key] != listed[key]}
    assert not wrong


@pytest.mark.parametrize("key", ["lait", "fingertips"])
def test_lait_and_fingertips_are_read_beyond_outcomes_and_health(key):
    """The drift this test was written for: LAIT is read by early years, adulthood and
    resources too, Fingertips by early years too (written out by hand)."""
    expected = {"lait": {"early_years", "outcomes", "adulthood", "resources"},
                "fingertips": {"early_years", "health"}}[key]
    assert readers_in_code()[key] == expected
    assert readers_listed()[key] == expected


def test_no_chapter_is_named_outside_the_read_by_sentence():
    """An earlier 'for the outcomes chapter' left in a description would contradict it."""
    for spec in INPUTS:
        before = READ_BY.split(spec.description)[0]
        named = [key for key in CHAPTERS if re.search(rf"\b{key} chapter\b", before)]
        assert not named, (spec.key, named)


def test_the_derivation_finds_a_read_it_is_shown(tmp_path, monkeypatch):
    """The check can fail: a chapter module that starts reading an input changes the
    derived readers."""
    monkeypatch.setattr(f"{__name__}.CHAPTERS_FOLDER", tmp_path)
    (tmp_path / "voice.py").write_text("x = 1\n", encoding="utf-8")
    before = readers_in_code()["lait"]  # the quality page's list of optional inputs alone
    (tmp_path / "voice.py").write_text("x = config.inputs.lait\n", encoding="utf-8")
    assert readers_in_code()["lait"] - before == {"voice"}
