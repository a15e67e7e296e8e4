"""The provenance manifest records inputs by checksum, without timestamps."""

from __future__ import annotations

import hashlib
import json

from jsna.config import load_config
from jsna.demo import write_demo
from jsna.review.manifest import build_manifest, file_sha256, write_manifest


def test_file_checksum_matches_hashlib(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b"a,b\n1,2\n" * 100_000)
    assert file_sha256(path, chunk=4096) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_manifest_lists_every_input_and_is_stable(tmp_path):
    config = load_config(write_demo(tmp_path / "data" / "demo", n_wards=4, years=2))
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
