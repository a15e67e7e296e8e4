"""Publish a council's site all or nothing: build it aside, check it, swap it in.

A refresh never writes into the published folder ``<folder>/<year>/<code>/``. Everything it
publishes is built from empty in a staging folder beside it, on the same filesystem::

    <folder>/<year>/.<code>.lock       held (flock) for the whole refresh: one refresh per site
    <folder>/<year>/.<code>.building   the new site being built: notebooks' downloads, pages
    <folder>/<year>/.<code>.previous   the old site during a two-step swap (see below)

Only once the staged site is complete and has passed :func:`verify_staged_site` is it swapped in.
A chapter that failed or was not run therefore leaves nothing of itself in the new site (no page,
CSV, SVG or indicator row from an earlier run), and a refresh that stops for any reason (an error,
a full disk, Ctrl-C, ``SIGKILL``) leaves the old site exactly as it was.

**Why this swap.** On Linux the two folders are exchanged in one ``renameat2(RENAME_EXCHANGE)``
system call: at every instant the published path holds either the whole old site or the whole new
one, and after a crash at any moment the path holds one of them; the other one is left at the
staging path and removed by the next refresh. Where that call does not exist (other systems, some
network filesystems) the swap takes two renames, ``site → .previous`` and ``.building → site``;
each is atomic, and a crash between them leaves both complete sites on disk with the published
path empty, which the next refresh (or :func:`recover`) repairs by putting the old site back
before anything else. A symbolic link swapped over the published path would also be atomic, but
a council copies the folder to its web server, and a link does not survive every copy.

Names are fixed rather than per process: the lock allows only one refresh of a site at a time, so
whatever staging folder a refresh finds is a leftover of a crashed one. Fixed names also keep the
paths the chapter notebooks are given the same from run to run (their executed copies are
byte-identical).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from jsna.config import Config
from jsna.errors import JsnaError


class JsnaOutputError(JsnaError):
    """The site could not be written or published (the old site is left as it was)."""


class SiteBusy(JsnaError):
    """Another process is refreshing the same site."""


def staging_dir(site: Path) -> Path:
    """The folder a refresh builds the new site in, beside the published ``site``."""
    return site.parent / f".{site.name}.building"


def previous_dir(site: Path) -> Path:
    """Where the old site waits while a two-step swap puts the new one in place."""
    return site.parent / f".{site.name}.previous"


def lock_path(site: Path) -> Path:
    """The lock file of ``site`` (kept beside it, never inside the published folder)."""
    return site.parent / f".{site.name}.lock"


def _display(path: Path) -> str:
    """A path as the analyst reads it: relative to the current folder when below it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@contextlib.contextmanager
def site_lock(site: Path) -> Iterator[None]:
    """Hold the site's lock for the ``with`` block, or fail at once if another process holds it.

    The lock is an advisory ``flock`` on ``.<code>.lock`` beside the site, released by the
    system when the process ends however it ends (so a killed refresh never leaves a stale
    lock). The file holds the holder's process id, for the message a second refresh gives.

    Raises
    ------
    SiteBusy
        One line naming the site and the process refreshing it.
    """
    path = lock_path(site)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the block
    except OSError as error:
        raise JsnaOutputError(f"cannot create the lock file {_display(path)}: "
                              f"{error.strerror or error}") from error
    try:
        if not _try_lock(handle):
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise SiteBusy(f"{_display(site)} is being refreshed by another jsna process "
                           f"(pid {holder}); wait for it to finish and try again")
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield
    finally:
        handle.close()  # releases the lock


def _try_lock(handle) -> bool:
    """Take an exclusive lock on an open file without waiting; False when someone holds it."""
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def recover(site: Path) -> None:
    """Repair what a crashed refresh of ``site`` left behind (call with the lock held).

    A published path left empty between the two renames of a fallback swap gets the old site
    back; any staging folder, and an old site that was already replaced, are deleted.
    """
    previous = previous_dir(site)
    if previous.exists() and not site.exists():
        os.rename(previous, site)
    for leftover in (previous, staging_dir(site)):
        if leftover.exists():
            shutil.rmtree(leftover)


def start_staging(site: Path) -> Path:
    """Recover from any crashed refresh and return a new, empty staging folder for ``site``."""
    recover(site)
    staging = staging_dir(site)
    try:
        staging.mkdir(parents=True)
    except OSError as error:
        raise JsnaOutputError(f"cannot create {_display(staging)}: "
                              f"{error.strerror or error}") from error
    return staging


def discard_staging(staging: Path) -> None:
    """Delete a staging folder that will not be published (errors ignored: the next refresh
    deletes whatever is left)."""
    shutil.rmtree(staging, ignore_errors=True)


def verify_staged_site(staging: Path, config: Config) -> None:
    """Check the complete staged site before it is published; raise to keep the old site.

    This is the one place where site-wide checks run: after every page, download and review
    file is written into ``staging`` and before :func:`swap_in`. A check that fails raises a
    :class:`jsna.errors.JsnaError` with a one-line reason; the refresh then stops with that
    message, the staged site is discarded and the published one is left as it was.

    It runs the identifier gate (:func:`jsna.review.identifier_gate.check_site_identifiers`: no
    UPN, full postcode, forename-and-surname or list of dates of birth of the census inputs in any
    file), then the site-wide disclosure gate (:func:`jsna.review.disclosure_gate.check_site`): no
    suppressed count about the council's pupils may be worked out from everything the staged site
    publishes (every CSV, page table, finding and alt text, across chapters and years).

    Parameters
    ----------
    staging : Path
        The staged site (same layout as the published one).
    config : Config
        The council's configuration.

    Raises
    ------
    JsnaError
        Listing every exposed cell, when the gate finds one.
    """
    from jsna.review.disclosure_gate import check_site
    from jsna.review.identifier_gate import check_site_identifiers

    check_site_identifiers(staging, config.inputs.census, config.census.columns)
    check_site(staging, council_code=config.area.code,
               threshold=config.disclosure.threshold).raise_if_failed()


def swap_in(staging: Path, site: Path) -> None:
    """Publish the complete staged site at ``site``, removing the old one (see module notes).

    Parameters
    ----------
    staging : Path
        The complete new site (beside ``site``, on the same filesystem).
    site : Path
        The published folder; its old content is replaced as a whole.
    """
    if not site.exists():
        os.rename(staging, site)
        return
    if _exchange(staging, site):
        shutil.rmtree(staging, ignore_errors=True)  # now the old site
        return
    previous = previous_dir(site)
    os.rename(site, previous)
    try:
        os.rename(staging, site)
    except OSError:
        os.rename(previous, site)  # the old site back at once, not only at the next refresh
        raise
    shutil.rmtree(previous, ignore_errors=True)


#: ``renameat2`` flag: swap the two paths atomically.
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one system call (Linux); False where the call is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):  # a C library without renameat2 (glibc < 2.28)
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                 _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False  # the filesystem cannot exchange: take the two-step path
    raise OSError(code, os.strerror(code), str(second))


def write_text(path: Path, text: str) -> Path:
    """Write a file of the site; a failure (disk full ...) is one line naming the file.

    Raises
    ------
    JsnaOutputError
        ``cannot write <path>: <reason>``.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as error:
        raise JsnaOutputError(f"cannot write {_display(path)}: "
                              f"{error.strerror or error}") from error
    return path

