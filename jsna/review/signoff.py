"""Sign-off: who reviewed which chapter, their decision, and whether the chapter has changed since.

A JSNA chapter is reviewed by the task-and-finish group before a board approves it. ``jsna
signoff CHAPTER --reviewer NAME --decision approved|changes --comment TEXT`` adds a row to the
council's sign-off log, a CSV kept beside the published site (``<output.folder>/<year>/
signoff_<area code>.csv``), so a refresh, which replaces the site whole, never loses it. Each row
is bound to a fingerprint of the chapter as it was reviewed: the SHA-256 of the page's content
(what is between its navigation and its pager, so another chapter joining the menu does not
change it) and of every file the chapter published (tables, figures, disclosure rules). When a
refresh changes any of these, the sign-off is *stale*: the overview says so, and the chapter must
be reviewed again.

The log is append-only: a new decision adds a row, the latest row for a chapter is its status, and
the earlier rows stay as the audit trail.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from jsna.errors import JsnaInputError

#: Decisions a reviewer can record, and how the overview words them.
DECISIONS = {"approved": "Approved", "changes": "Changes requested"}
#: Columns of the sign-off log, in order.
LOG_COLUMNS = ["chapter", "reviewer", "decision", "comment", "signed_at", "page_sha256",
               "data_sha256"]
#: Status of a chapter that no one has signed off.
NOT_SIGNED = "Not yet signed off"

_MAIN = re.compile(rb'<main id="main"[^>]*>(.*?)(?:<nav class="pager"|</main>)', re.DOTALL)


@dataclass(frozen=True)
class Fingerprint:
    """SHA-256 digests of a chapter's page content and of its published files."""

    page_sha256: str
    data_sha256: str


def page_content_digest(page: Path) -> str:
    """SHA-256 of a page's content: from ``<main>`` to the pager (or ``</main>``).

    The site navigation, the previous/next links and the footer are left out: they change when
    another chapter is added or fails, not when this chapter does.

    Parameters
    ----------
    page : Path
        The chapter's HTML page.

    Returns
    -------
    str
        Hexadecimal SHA-256.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> one = folder / "a.html"
    >>> _ = one.write_text('<nav>A</nav><main id="main"><p>12 pupils</p><nav class="pager">x')
    >>> two = folder / "b.html"
    >>> _ = two.write_text('<nav>A, B</nav><main id="main"><p>12 pupils</p><nav class="pager">y')
    >>> page_content_digest(one) == page_content_digest(two)
    True
    """
    text = page.read_bytes()
    match = _MAIN.search(text)
    return hashlib.sha256(match.group(1) if match else text).hexdigest()


def files_digest(files: Iterable[Path], root: Path) -> str:
    """SHA-256 over files' names (relative to ``root``) and contents, in name order.

    Parameters
    ----------
    files : iterable of Path
        The chapter's published files.
    root : Path
        The site folder (names are hashed relative to it, so a moved site keeps its digests).

    Returns
    -------
    str
        Hexadecimal SHA-256.
    """
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
        name = path.relative_to(root).as_posix().encode("utf-8")
        content = path.read_bytes()
        digest.update(len(name).to_bytes(8, "big") + name)
        digest.update(len(content).to_bytes(8, "big") + content)
    return digest.hexdigest()


def read_log(path: Path) -> pd.DataFrame:
    """The sign-off log (empty, with its columns, when no one has signed off yet).

    Raises
    ------
    JsnaInputError
        When the file exists but is not a sign-off log (its columns are named).
    """
    if not path.exists():
        return pd.DataFrame(columns=LOG_COLUMNS, dtype=object)
    log = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [column for column in LOG_COLUMNS if column not in log.columns]
    if missing:
        raise JsnaInputError(f"{path}: not a sign-off log; it lacks the column(s) "
                             f"{', '.join(missing)} (expected {', '.join(LOG_COLUMNS)})")
    return log[LOG_COLUMNS]


def append_to_log(path: Path, chapter: str, reviewer: str, decision: str, comment: str,
                  fingerprint: Fingerprint, *, now: datetime | None = None) -> pd.Series:
    """Add one decision to the log, replacing the file whole (never a half-written log).

    Parameters
    ----------
    path : Path
        The log (created with its heading when absent).
    chapter, reviewer, decision, comment : str
        The decision; ``decision`` is a key of :data:`DECISIONS`.
    fingerprint : Fingerprint
        Of the chapter as published now.
    now : datetime, optional
        Time of the decision (default: now, UTC).

    Returns
    -------
    pandas.Series
        The row added.

    Raises
    ------
    JsnaInputError
        An unknown decision or a blank reviewer name.
    """
    if decision not in DECISIONS:
        raise JsnaInputError(f"--decision should be one of {', '.join(DECISIONS)}, "
                             f"got {decision!r}")
    if not reviewer.strip():
        raise JsnaInputError("--reviewer should name the reviewer (it is shown on the overview)")
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    row = pd.Series({"chapter": chapter, "reviewer": reviewer.strip(), "decision": decision,
                     "comment": comment.strip(),
                     "signed_at": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
                     "page_sha256": fingerprint.page_sha256,
                     "data_sha256": fingerprint.data_sha256})
    log = pd.concat([read_log(path), row.to_frame().T], ignore_index=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            log.to_csv(stream, index=False)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return row


def chapter_status(log: pd.DataFrame, chapter: str, fingerprint: Fingerprint) -> dict[str, str]:
    """The latest decision on a chapter and whether it still holds.

    Parameters
    ----------
    log : pandas.DataFrame
        From :func:`read_log`.
    chapter : str
        Chapter key.
    fingerprint : Fingerprint
        Of the chapter as it is now.

    Returns
    -------
    dict
        ``status`` (e.g. "Approved", "Changes requested", "Stale: changed since approved",
        :data:`NOT_SIGNED`), ``reviewer``, ``date`` (``YYYY-MM-DD``) and ``comment`` (blank when
        not signed off).

    Examples
    --------
    >>> now = Fingerprint("p1", "d1")
    >>> log = pd.DataFrame([["ehcp", "A. Reviewer", "approved", "", "2026-11-30T10:00:00Z",
    ...                      "p1", "d0"]], columns=LOG_COLUMNS)
    >>> chapter_status(log, "ehcp", now)["status"]
    'Stale: changed since approved'
    >>> chapter_status(log, "wards", now)["status"]
    'Not yet signed off'
    """
    rows = log[log["chapter"] == chapter]
    if rows.empty:
        return {"status": NOT_SIGNED, "reviewer": "", "date": "", "comment": ""}
    latest = rows.iloc[-1]
    status = DECISIONS.get(latest["decision"], latest["decision"])
    current = (latest["page_sha256"] == fingerprint.page_sha256
               and latest["data_sha256"] == fingerprint.data_sha256)
    if not current:
        wording = "approved" if latest["decision"] == "approved" else "reviewed"
        status = f"Stale: changed since {wording}"
    return {"status": status, "reviewer": latest["reviewer"], "date": latest["signed_at"][:10],
            "comment": latest["comment"]}
