"""How column headings are compared: one rule for every reader of local files.

A council's files name the same column in many ways (``Date_Of Birth``, ``DateOfBirth``,
``dob``); readers compare headings in one normal form, so the census cleaner, the lookups and the
schools list accept the same spellings.
"""

from __future__ import annotations

import re

_IGNORED_CHARACTERS = re.compile(r"[\s_\-.]+")


def compare_form(heading: str) -> str:
    """Return a heading in the form used for matching.

    Parameters
    ----------
    heading : str
        A column heading as found in a file.

    Returns
    -------
    str
        Lower case, with spaces, underscores, hyphens, dots and a byte-order mark removed, so that
        ``"Date_Of Birth"`` and ``"DateOfBirth"`` compare equal.
    """
    return _IGNORED_CHARACTERS.sub("", heading.replace("\ufeff", "")).casefold()
