"""The council's survey of children, young people and families: results as questions × responses.

``inputs.voice_survey`` is a CSV the council (or its parent carer forum) exports from its survey
tool, one row per answer option of a question (and per group of respondents, when the survey
reports groups):

============  ===============================================================
column        meaning
============  ===============================================================
``question``  the question as asked (text, not blank)
``response``  one answer option (text, not blank); options are kept in file order
``count``     how many people gave that answer (a whole number, 0 or more)
``group``     optional: who answered (``Parents and carers``, ``Young people``)
============  ===============================================================

Headings are matched without regard to case or surrounding spaces. Every problem is one line
naming the file, the row (the file's line number, the heading being line 1) and the column.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from jsna.errors import JsnaInputError
from jsna.sources.common import read_text_csv, require_columns

SOURCE = "survey results: columns question, response, count and optionally group"
REQUIRED = ("question", "response", "count")
#: Label of the all-respondents rows the chapter adds; a file may not use it as a group.
ALL_GROUPS = "All respondents"
#: Label of each question's total rows the chapter adds; a file may not use it as a response.
ALL_ANSWERS = "Everyone who answered"
_WHOLE = re.compile(r"\d{1,9}")


def read_voice_survey(path: str | Path) -> pd.DataFrame:
    """Read and check a survey results CSV.

    Parameters
    ----------
    path : str or Path
        The CSV.

    Returns
    -------
    pandas.DataFrame
        ``question, group, response, count`` (``group`` is :data:`ALL_GROUPS` when the file has
        no group column), in file order, with ``count`` as int64.

    Raises
    ------
    JsnaInputError
        One line naming the file, row and column: a missing column, a blank question, response or
        group, a count that is not a whole number of 0 or more, the same answer twice, or a group
        named :data:`ALL_GROUPS` in a file with groups.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "survey.csv")
    ...     _ = open(path, "w").write("Question,Response,Count\\nHappy?,Yes,12\\nHappy?,No,3\\n")
    ...     read_voice_survey(path).to_dict("list")
    {'question': ['Happy?', 'Happy?'], 'group': ['All respondents', 'All respondents'], 'response': ['Yes', 'No'], 'count': [12, 3]}
    """
    path = Path(path)
    frame = read_text_csv(path, SOURCE)
    frame.columns = [str(column).strip().lower() for column in frame.columns]
    require_columns(frame.columns, REQUIRED, path, SOURCE)
    has_groups = "group" in frame.columns
    if frame.empty:
        raise JsnaInputError(f"{path}: no rows of answers (expected {SOURCE})")
    text = {column: frame[column].str.strip() for column in
            (*REQUIRED, *(("group",) if has_groups else ()))}

    def refuse(position: int, column: str, problem: str) -> JsnaInputError:
        return JsnaInputError(f"{path}: row {position + 2}, column {column}: {problem}")

    for column in ("question", "response", *(("group",) if has_groups else ())):
        blank = text[column] == ""
        if blank.any():
            raise refuse(int(blank.to_numpy().argmax()), column, "is blank (expected text)")
    bad = ~text["count"].str.fullmatch(_WHOLE.pattern)
    if bad.any():
        position = int(bad.to_numpy().argmax())
        raise refuse(position, "count", f"{frame['count'].iloc[position]!r} is not a whole "
                     "number of 0 or more")
    if has_groups:
        reserved = text["group"].str.casefold() == ALL_GROUPS.casefold()
        if reserved.any():
            raise refuse(int(reserved.to_numpy().argmax()), "group",
                         f"{ALL_GROUPS!r} is the name this JSNA gives to everyone who answered; "
                         "leave those rows out (they are added up from the groups)")
    reserved = text["response"].str.casefold() == ALL_ANSWERS.casefold()
    if reserved.any():
        raise refuse(int(reserved.to_numpy().argmax()), "response",
                     f"{ALL_ANSWERS!r} is the name this JSNA gives to each question's total; "
                     "leave those rows out (they are added up from the answers)")
    out = pd.DataFrame({
        "question": text["question"],
        "group": text["group"] if has_groups else ALL_GROUPS,
        "response": text["response"],
        "count": text["count"].astype("int64"),
    })
    repeated = out.duplicated(["question", "group", "response"])
    if repeated.any():
        position = int(repeated.to_numpy().argmax())
        what = "question, group and response" if has_groups else "question and response"
        raise refuse(position, "response", f"the same {what} as an earlier row "
                     f"({out['response'].iloc[position]!r}); give each answer once")
    return out
