"""Provenance manifest: which inputs, which toolkit, which chapters produced this JSNA.

Written to ``review/manifest.json`` beside the site. It records every configured input file with
its size and SHA-256 checksum, the toolkit and library versions, the settings that change numbers
(disclosure threshold, comparators, census column map) and each chapter's status. It holds no
timestamps, so the same inputs give the same file, and a reviewer can tell at a glance whether two
runs used the same data.

It never records a secret, nor anything computed from one: the configuration file is not hashed
(with the pseudonymisation salt written in it, its checksum would let anyone test guesses of the
salt offline), and neither ``census.salt`` nor ``census.salt_env`` appears.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import stat
import threading
from importlib import metadata
from pathlib import Path
from typing import BinaryIO

from jsna.config import Config, comparator_input_names
from jsna.errors import JsnaInputError

#: Libraries whose versions can change published numbers or pages.
LIBRARIES = ("pandas", "numpy", "scipy", "geopandas", "matplotlib", "papermill", "nbconvert")

#: Seconds a checksum may wait without reading a byte (a network share that stopped answering)
#: before the refresh gives up with an error naming the file.
READ_STALL_SECONDS = 60.0


def _open_regular(path: Path) -> BinaryIO:
    """Open a file for reading, refusing anything but a regular file without waiting on it.

    A named pipe is opened without blocking (opening one for reading otherwise waits for a
    writer), then refused.
    """
    nonblocking = getattr(os, "O_NONBLOCK", 0)  # POSIX; Windows has no named pipes in files
    descriptor = os.open(path, os.O_RDONLY | nonblocking | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise JsnaInputError(f"{path}: not a regular file (a folder, pipe or device)")
        if nonblocking:
            os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def file_sha256(path: Path, chunk: int = 1 << 20, *,
                stall_seconds: float = READ_STALL_SECONDS) -> str:
    """SHA-256 checksum of a regular file, read in chunks under a time limit.

    The file is read in a helper thread; if no byte arrives for ``stall_seconds`` (a stalled
    network share), the checksum is abandoned with an error naming the file rather than waiting
    for ever. A large file that keeps arriving is never cut off.

    Parameters
    ----------
    path : Path
        The file.
    chunk : int
        Bytes read at a time.
    stall_seconds : float
        Seconds to wait without progress before giving up.

    Returns
    -------
    str
        Hexadecimal digest.

    Raises
    ------
    JsnaInputError
        The path is not a regular file (a folder, named pipe or device), cannot be read, or
        stopped answering.
    """
    path = Path(path)
    digest = hashlib.sha256()
    progress = [0]  # bytes read so far, seen by the waiting thread
    failure: list[BaseException] = []
    finished = threading.Event()

    def read() -> None:
        try:
            with _open_regular(path) as handle:
                for block in iter(lambda: handle.read(chunk), b""):
                    digest.update(block)
                    progress[0] += len(block)
        except BaseException as error:  # noqa: BLE001 - handed to the waiting thread
            failure.append(error)
        finally:
            finished.set()

    threading.Thread(target=read, name=f"sha256 {path.name}", daemon=True).start()
    seen = 0
    while not finished.wait(stall_seconds):
        if progress[0] == seen:
            raise JsnaInputError(
                f"{path}: no data could be read for {stall_seconds:g} seconds while computing "
                "its checksum (a network share that stopped answering?); expected a readable "
                "regular file")
        seen = progress[0]
    if failure:
        error = failure[0]
        if isinstance(error, OSError):
            raise JsnaInputError(f"{path}: cannot be read ({error.strerror or error})") from None
        raise error
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
    named += comparator_input_names(dict(sorted(config.inputs.comparator_files.items())))
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
    inputs = []
    for key, path in _inputs(config):
        if not path.exists():
            continue
        try:
            checksum = file_sha256(path)
        except JsnaInputError as error:
            raise JsnaInputError(f"{key}: {error}") from None
        inputs.append({"key": key, "file": _relative(path, config.root),
                       "bytes": path.stat().st_size, "sha256": checksum})
    return {
        "title": config.title,
        "area": {"code": config.area.code, "name": config.area.name},
        "jsna_year": config.year,
        "census_years": config.census_years,
        "comparators": {"region": config.area.region_code, "neighbours": config.neighbours},
        "disclosure": {"threshold": config.disclosure.threshold,
                       "suppress_zeros": config.disclosure.suppress_zeros},
        # the column map changes which cells are read; the salt is a secret and stays out
        "census_columns": dict(sorted(config.census.columns.items())),
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
