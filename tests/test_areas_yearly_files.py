"""A council's own configuration, written by ``jsna refresh --areas``, keeps a comparator given as
an array of yearly files (``inputs.comparators.neet_send``) as that array, in order."""

from __future__ import annotations

import tomllib
from pathlib import Path

from real_councils import COUNCILS, write_council_config

from jsna.areas import Council, write_area_config
from jsna.config import load_config


def york_config(folder: Path, **more: str) -> Path:
    """York running the adulthood chapter on two yearly NEET files (no neighbours)."""
    return write_council_config(folder, COUNCILS["york"], chapters=["adulthood"], neighbours=(),
                                comparators={"neet_send": ["neet_2024.csv", "neet_2025.csv"],
                                             **more})


def test_an_array_of_yearly_files_is_written_as_an_array(tmp_path: Path) -> None:
    for name in ("neet_2024.csv", "neet_2025.csv", "caseload.csv"):
        (tmp_path / name).write_text("x\n", encoding="utf-8")
    york_config(tmp_path, ehcp_caseload="caseload.csv")
    base = load_config(tmp_path / "jsna.toml")
    council = Council("E08000009", "Trafford", 358, "E12000002", "North West", ("E06000014",))
    path = write_area_config(base, council, ["adulthood"])
    written = tomllib.loads(path.read_text(encoding="utf-8"))["inputs"]["comparators"]
    assert isinstance(written["neet_send"], list) and isinstance(written["ehcp_caseload"], str)
    config = load_config(path)
    def resolved(files):
        return {key: tuple(p.resolve() for p in paths) for key, paths in files.items()}

    assert resolved(config.inputs.comparator_files) == resolved(base.inputs.comparator_files)
    assert [p.name for p in config.inputs.comparator_files["neet_send"]] == [
        "neet_2024.csv", "neet_2025.csv"]


def test_the_manifest_records_every_yearly_file_with_its_checksum(tmp_path: Path) -> None:
    import hashlib

    from jsna.review.manifest import build_manifest

    for name, text in (("neet_2024.csv", "a\n"), ("neet_2025.csv", "b\n")):
        (tmp_path / name).write_text(text, encoding="utf-8")
    york_config(tmp_path)
    manifest = build_manifest(load_config(tmp_path / "jsna.toml"), {"adulthood": "ok"})
    listed = {entry["key"]: (entry["file"], entry["sha256"]) for entry in manifest["inputs"]}
    assert listed == {
        "inputs.comparators.neet_send[1]": ("neet_2024.csv", hashlib.sha256(b"a\n").hexdigest()),
        "inputs.comparators.neet_send[2]": ("neet_2025.csv", hashlib.sha256(b"b\n").hexdigest()),
    }
