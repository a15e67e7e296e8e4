"""The provenance manifest records inputs by checksum, without timestamps."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import threading
import time

import pytest

from jsna.config import load_config
from jsna.errors import JsnaInputError
from jsna.review.manifest import build_manifest, file_sha256, write_manifest


def test_file_checksum_matches_hashlib(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"a,b\n1,2\n" * 100_000)
    assert file_sha256(path, chunk=4096) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_manifest_lists_every_input_and_is_stable(small_council):
    config = load_config(small_council)
    manifest = build_manifest(config, {"population": "ok"})
    keys = [item["key"] for item in manifest["inputs"]]
    assert keys[:2] == ["inputs.census.2024", "inputs.census.2025"]
    assert "inputs.comparators.sen_phase_type" in keys and "inputs.imd" in keys
    census = config.inputs.census[2025]
    entry = next(i for i in manifest["inputs"] if i["key"] == "inputs.census.2025")
    assert entry["file"] == "census/census_2025.csv"
    assert entry["sha256"] == hashlib.sha256(census.read_bytes()).hexdigest()
    assert entry["bytes"] == census.stat().st_size
    assert manifest["disclosure"] == {"threshold": 5, "suppress_zeros": False}
    first = write_manifest(config, {"population": "ok"}).read_bytes()
    assert write_manifest(config, {"population": "ok"}).read_bytes() == first
    text = first.decode()
    assert "2026-" not in text and "T00:" not in text  # no run timestamps
    assert json.loads(text)["chapters"] == {"population": "ok"}




def _release_reader(fifo) -> None:
    """Let a reader blocked on ``fifo`` go (it sees the end of the file), if one is waiting."""
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass  # no reader waiting


def _hashes(data: bytes) -> set[str]:
    return {hashlib.new(name, data).hexdigest() for name in ("md5", "sha1", "sha256", "sha512",
                                                             "blake2b", "sha3_256")}


def test_the_manifest_holds_no_secret_nor_any_hash_of_one(small_council, monkeypatch):
    path = small_council
    config = load_config(path)
    assert config.census.salt
    manifest = build_manifest(config, {"population": "ok"})
    text = json.dumps(manifest)
    assert config.census.salt not in text
    forbidden = _hashes(path.read_bytes()) | _hashes(config.census.salt.encode())
    assert not [digest for digest in forbidden if digest in text]
    # the only checksums are the input files'
    expected = {hashlib.sha256(p.read_bytes()).hexdigest()
                for p in [*config.inputs.census.values(), *config.inputs.comparators.values()]}
    assert set(re.findall(r"[0-9a-f]{32,}", text)) <= expected | {
        item["sha256"] for item in manifest["inputs"]}
    assert expected <= {item["sha256"] for item in manifest["inputs"]}

    # a salt from the environment: neither the variable's name nor its value is published
    path.write_text(path.read_text().replace(f'salt = "{config.census.salt}"',
                                             'salt_env = "JSNA_MANIFEST_TEST_SECRET"'))
    monkeypatch.setenv("JSNA_MANIFEST_TEST_SECRET", "correct horse battery staple")
    text = json.dumps(build_manifest(load_config(path), {"population": "ok"}))
    assert "JSNA_MANIFEST_TEST_SECRET" not in text and "correct horse" not in text
    assert not [digest for digest in _hashes(path.read_bytes()) if digest in text]


def test_the_manifest_records_the_settings_that_change_numbers(small_council):
    path = small_council
    path.write_text(path.read_text().replace("[census.columns]\n",
                                             '[census.columns]\n"Pupil No" = "UPN"\n'))
    manifest = build_manifest(load_config(path), {})
    assert manifest["census_columns"] == {"Pupil No": "UPN"}
    assert manifest["disclosure"] == {"threshold": 5, "suppress_zeros": False}
    assert manifest["comparators"]["region"] == "Z12000001"


def test_a_named_pipe_is_refused_at_once_not_waited_on(tmp_path, within):
    fifo = tmp_path / "census.csv"
    os.mkfifo(fifo)
    try:
        with pytest.raises(JsnaInputError, match=f"{fifo}: not a regular file"):
            within(20, lambda: file_sha256(fifo))
    finally:
        _release_reader(fifo)


def test_an_input_replaced_by_a_pipe_is_named_by_its_key(small_council, within):
    config = load_config(small_council)
    caseload = config.inputs.comparators["ehcp_caseload"]
    caseload.unlink()
    os.mkfifo(caseload)
    try:
        with pytest.raises(JsnaInputError) as caught:
            within(30, lambda: build_manifest(config, {}))
        assert str(caught.value) == (f"inputs.comparators.ehcp_caseload: {caseload}: not a "
                                     "regular file (a folder, pipe or device)")
    finally:
        _release_reader(caseload)


def test_a_stalled_read_ends_in_an_error_naming_the_file(tmp_path, monkeypatch, within):
    import jsna.review.manifest as manifest

    path = tmp_path / "on_a_share.csv"
    path.write_bytes(b"a,b\n" * 10)
    release = threading.Event()

    class Stalled(io.RawIOBase):
        """A file whose first read never returns (until the test ends)."""

        def readinto(self, buffer) -> int:
            release.wait(60)
            return 0

        def readable(self) -> bool:
            return True

    monkeypatch.setattr(manifest, "_open_regular", lambda p: Stalled())
    started = time.monotonic()
    try:
        with pytest.raises(JsnaInputError, match=(
                f"{path}: no data could be read for 0.5 seconds while computing its checksum")):
            within(20, lambda: file_sha256(path, stall_seconds=0.5))
    finally:
        release.set()
    assert time.monotonic() - started < 5
