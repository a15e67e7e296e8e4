"""Exceptions with one-line, user-facing messages.

Every error the toolkit raises on bad input names the file and, where it applies, the row, the
column or the configuration key and what was expected. The command-line interface prints the message
(without a traceback) and exits non-zero.
"""

from __future__ import annotations


class JsnaError(Exception):
    """Base class for errors reported to the analyst as a one-line message."""


class JsnaInputError(JsnaError):
    """An input file is missing, unreadable or not in the expected layout."""


class JsnaConfigError(JsnaError):
    """The configuration file is missing, malformed or refers to missing inputs.

    Parameters
    ----------
    problems : list of str
        Every problem found, each naming the key. All are reported at once.
    path : str, optional
        The configuration file.
    """

    def __init__(self, problems: list[str] | str, path: str | None = None) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.path = path
        where = f"{path}: " if path else ""
        if len(self.problems) == 1:
            message = f"{where}{self.problems[0]}"
        else:
            message = f"{where}{len(self.problems)} problems: " + "; ".join(self.problems)
        super().__init__(message)


class ChapterFailed(JsnaError):
    """A chapter notebook failed or timed out."""
