"""Published files read once: a cache of what the readers made of them, shared by every reader call.

A JSNA reads the same published files many times: each chapter runs in its own kernel and reads
DfE's key stage 4 workbook, the EHC plan files or LAIT again; ``jsna refresh --areas all`` does
so for 153 councils; the tests do so hundreds of times. Parsing a workbook cell by cell costs
seconds each time. The readers of published files (:func:`jsna.sources.ees.read_ees_wide`,
:func:`jsna.sources.ks4_attainment.read_ks4_by_sen`, :func:`jsna.sources.lait.read_lait` ...)
are decorated with :func:`cached_read`: the first call parses the file as before and keeps the
frame it returns as a Parquet file; later calls with the same file and arguments read that back.

What it holds
    Only frames read from **published open data** (DfE, ONS, OHID files covering every
    council). A council's own record-level files (census, SEN2 casework, health and care
    extracts) never pass through it: their cleans are kept in the clean folder instead
    (:mod:`jsna.cleaned`).

The key
    The reader's name, the file's path and contents (SHA-256 of its bytes: a file replaced by
    next year's under the same name, or rewritten within the same clock tick, is a new key; the
    same file elsewhere is another key, as the frame names its path), the other
    arguments (a frame argument by its own hash, a file path by its contents) and the source of
    :mod:`jsna.sources` itself (SHA-256 of the package's files: a changed reader never reads an
    old reader's frame).

Where
    ``$JSNA_CACHE_DIR`` when set (``off`` turns the cache off), else the user's cache folder
    (``~/.cache/jsna/published`` on Linux, from :mod:`platformdirs`). Entries are written to a
    temporary file and renamed into place, so councils refreshed side by side never read half a
    file; an entry that cannot be written (no space, read-only folder) only means the next call
    parses the file again. Each use refreshes an entry's time, and writing one removes the
    entries unused for :data:`KEEP_DAYS` days (last year's files), so the folder does not grow
    year after year.

Exactness
    A frame is kept only when reading its Parquet file back gives the same frame exactly (values,
    dtypes, index and ``attrs``), checked when it is written; otherwise every call parses the file.
    A reader that raises (a bad file) keeps nothing, so its message is given every time.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec

import pandas as pd

#: Environment variable naming the cache folder (``off``: no cache).
CACHE_ENV = "JSNA_CACHE_DIR"
#: Value of :data:`CACHE_ENV` that turns the cache off.
OFF = "off"
#: Entries unused for this many days are removed when another is written.
KEEP_DAYS = 60

P = ParamSpec("P")


def cache_folder() -> Path | None:
    """Where published frames are kept: ``$JSNA_CACHE_DIR``, else the user's cache folder.

    Returns
    -------
    Path or None
        None when ``JSNA_CACHE_DIR=off``.
    """
    configured = os.environ.get(CACHE_ENV, "").strip()
    if configured.lower() == OFF:
        return None
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_cache_dir("jsna")) / "published"


@functools.cache
def _sources_digest() -> str:
    """SHA-256 of every file of :mod:`jsna.sources` (code and the lists it reads)."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".csv", ".toml"):
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _argument_key(value: Any) -> str | None:
    """A stable text for one argument, or None when it has none (the call is not cached)."""
    if value is None or isinstance(value, bool | int | float | str):
        if isinstance(value, str) and Path(value).is_file():
            return _argument_key(Path(value))
        return repr(value)
    if isinstance(value, Path):
        if not value.is_file():
            return None
        # the path too: the frame's messages and ``attrs`` name the file it was read from
        return f"file:{value.resolve()}:{_file_digest(value)}"
    if isinstance(value, list | tuple):
        parts = [_argument_key(item) for item in value]
        return None if None in parts else f"{type(value).__name__}({','.join(parts)})"  # type: ignore[arg-type]
    if isinstance(value, pd.DataFrame):
        rows = pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes()
        layout = repr([(str(name), str(dtype)) for name, dtype in value.dtypes.items()])
        return "frame:" + hashlib.sha256(layout.encode() + rows).hexdigest()
    return None


def _entry(reader: str, arguments: dict[str, Any]) -> str | None:
    """The cache file name of one call, or None when an argument cannot be keyed."""
    parts = [reader, _sources_digest()]
    for name, value in sorted(arguments.items()):
        key = _argument_key(value)
        if key is None:
            return None
        parts.append(f"{name}={key}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest() + ".parquet"


def _same(frame: pd.DataFrame, back: pd.DataFrame) -> bool:
    """True when ``back`` is ``frame`` exactly (values, dtypes, index, column names, attrs)."""
    try:
        pd.testing.assert_frame_equal(frame, back, check_exact=True)
    except AssertionError:
        return False
    return frame.attrs == back.attrs


def _keep(frame: pd.DataFrame, target: Path) -> None:
    """Write ``frame`` to ``target`` whole (temporary file, then rename) when it reads back
    exactly; leave nothing otherwise."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
    os.close(handle)
    try:
        frame.to_parquet(temporary, index=True)
        if _same(frame, pd.read_parquet(temporary)):
            os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _clear_out(folder: Path) -> None:
    """Remove entries (and half-written files of stopped runs) unused for :data:`KEEP_DAYS`."""
    if not folder.is_dir():
        return
    oldest = time.time() - KEEP_DAYS * 86400
    for path in [*folder.glob("*.parquet"), *folder.glob("*.part")]:
        with contextlib.suppress(OSError):  # removed meanwhile by another process
            if path.stat().st_mtime < oldest:
                path.unlink()


def cached_read(reader: Callable[P, pd.DataFrame]) -> Callable[P, pd.DataFrame]:
    """Decorate a reader of published files so that each file is parsed once.

    Parameters
    ----------
    reader : callable
        Returns a DataFrame from a published file (its first argument) and plain arguments
        (text, numbers, lists of them, paths, frames). A call with any other argument, or with
        a path that is not a file, is passed straight to the reader.

    Returns
    -------
    callable
        The reader, reading its frame back from :func:`cache_folder` when the same file and
        arguments were read before. The caller gets its own copy.
    """
    signature = inspect.signature(reader)
    name = f"{reader.__module__}.{reader.__qualname__}"

    @functools.wraps(reader)
    def read(*args: P.args, **kwargs: P.kwargs) -> pd.DataFrame:
        folder = cache_folder()
        bound = signature.bind(*args, **kwargs)
        entry = _entry(name, dict(bound.arguments)) if folder is not None else None
        if folder is None or entry is None:
            return reader(*args, **kwargs)
        target = folder / entry
        if target.is_file():
            try:
                frame = pd.read_parquet(target)
                os.utime(target)  # in use: kept by the clear-out below
                return frame
            except (OSError, ValueError):  # a damaged entry: parse the file again
                target.unlink(missing_ok=True)
        frame = reader(*args, **kwargs)
        try:
            _clear_out(folder)
            _keep(frame, target)
        except (OSError, ValueError, TypeError, NotImplementedError, ImportError):
            pass  # not kept (no space, a column Parquet cannot hold): parsed again next time
        return frame

    return read
