"""Provenance manifest: which inputs, which toolkit, which chapters produced this JSNA.

Written to ``review/manifest.json`` beside the site. It records every configured input file with
its size and SHA-256 checksum, the toolkit and library versions, the settings that change numbers
(disclosure threshold, comparators) and each chapter's status. It holds no timestamps, so the same
inputs give the same file, and a reviewer can tell at a glance whether two runs used the same data.
"""

from __future__ import annotations

import hashlib
import json
import platform
from importlib import metadata
from pathlib import Path

from jsna.config import Config

#: Libraries whose versions can change published numbers or pages.
LIBRARIES = ("pandas", "numpy", "scipy", "geopandas", "matplotlib", "papermill", "nbconvert")


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    """SHA-256 checksum of a file, read in chunks.

    Parameters
    ----------
    path : Path
        The file.
    chunk : int
        Bytes read at a time.

    Returns
    -------
    str
        Hexadecimal digest.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def _inputs(config: Config) -> list[tuple[str, Path]]:
    named: list[tuple[str, Path]] = [
        (f"inputs.census.{year}", path) for year, path in sorted(config.inputs.census.items())
    ]
    for key in ("postcode_lookup", "lsoa_ward_lookup", "ward_boundaries", "lsoa_boundaries", "imd",
                "population", "schools"):
        path = getattr(config.inputs, key)
        if path is not None:
            named.append((f"inputs.{key}", path))
    named += [(f"inputs.comparators.{key}", path)
              for key, path in sorted(config.inputs.comparators.items())]
    return named


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.name  # outside the council's folder: the name only, not the machine's layout


def build_manifest(config: Config, chapters: dict[str, str]) -> dict:
    """The provenance record of one refresh.

    Parameters
    ----------
    config : Config
        The council's configuration.
    chapters : dict
        Chapter key → status (``"ok"``, ``"failed"``, ``"timed out"``).

    Returns
    -------
    dict
        JSON-ready manifest (see the module docstring).
    """
    import jsna

    versions = {"jsna": jsna.__version__, "python": platform.python_version()}
    for library in LIBRARIES:
        try:
            versions[library] = metadata.version(library)
        except metadata.PackageNotFoundError:
            versions[library] = "not installed"
    inputs = [
        {
            "key": key,
            "file": _relative(path, config.root),
            "bytes": path.stat().st_size,
            "sha256": file_sha256(path),
        }
        for key, path in _inputs(config)
        if path.exists()
    ]
    return {
        "title": config.title,
        "area": {"code": config.area.code, "name": config.area.name},
        "jsna_year": config.year,
        "census_years": config.census_years,
        "comparators": {"region": config.area.region_code, "neighbours": config.neighbours},
        "disclosure": {"threshold": config.disclosure.threshold,
                       "suppress_zeros": config.disclosure.suppress_zeros},
        "config_sha256": file_sha256(config.path),
        "chapters": chapters,
        "inputs": inputs,
        "versions": versions,
    }


def write_manifest(config: Config, chapters: dict[str, str]) -> Path:
    """Write ``review/manifest.json`` under the council's output folder and return its path."""
    path = config.output_dir / "review" / "manifest.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(build_manifest(config, chapters), indent=2, sort_keys=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path
