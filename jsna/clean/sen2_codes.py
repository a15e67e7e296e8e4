"""Coded values of a SEN2 casework extract: settings, decisions, outcomes and ceasing reasons.

Casework systems (Capita One, Synergy, Mosaic, Liquidlogic EHM, ...) export the same facts with
different words: ``A``/``Yes``/``Agreed to assess``. Values are compared after removing case,
spaces, underscores, hyphens and dots (as headings are: :func:`jsna.column_names.compare_form`)
against the forms below; anything else is *unknown* and reported by row.

Settings follow the groups of DfE's SEN2 caseload file (*Education, health and care plans*,
``caseload.csv``: mainstream, resourced provision and SEN units, state-funded special, independent
and non-maintained special, further education and post-16, elective home education, not in
education or training, and other placements such as alternative provision and early years).
Ceasing reasons are those of DfE's ``ceased_plans.csv``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyarrow as pa

from jsna.clean.coded_fields import decode, encode
from jsna.column_names import compare_form
from jsna.sen_need_codes import NEED_NAMES

#: Setting code -> name shown in tables, in reporting order.
SETTING_NAMES: dict[str, str] = {
    "mainstream": "Mainstream school",
    "resourced": "Resourced provision or SEN unit",
    "special": "State-funded special school",
    "independent_special": "Independent or non-maintained special school",
    "post16": "Post-16 or further education",
    "home_education": "Elective home education",
    "not_in_education": "Not in education or training",
    "other": "Other placement",
}
_SETTING_FORMS: dict[str, tuple[str, ...]] = {
    "mainstream": ("ms", "mainstream", "mainstreamschool", "mainstreamacademy",
                   "mainstreamlamaintained", "mainstreamfreeschool", "mainstreamindependent"),
    "resourced": ("rp", "su", "resourcedprovision", "senunit", "resourcedprovisionorsenunit",
                  "resourcedprovisionsenunit", "unit"),
    "special": ("ss", "special", "specialschool", "statefundedspecial", "lamaintainedspecial",
                "specialacademy", "specialfreeschool", "maintainedspecial"),
    "independent_special": ("is", "isp", "nmss", "independentspecial", "nonmaintainedspecial",
                            "independentornonmaintainedspecial", "independentspecialschool"),
    "post16": ("fe", "post16", "furthereducation", "fecollege", "sixthformcollege", "sp16",
               "specialistpost16", "specialistpost16institution", "post16orfe"),
    "home_education": ("ehe", "electivehomeeducation", "homeeducated", "homeeducation"),
    "not_in_education": ("nie", "neet", "notineducation", "notineducationortraining",
                         "noteducated"),
    "other": ("oth", "other", "ap", "pru", "alternativeprovision", "otherarrangements",
              "earlyyears", "ey", "otherplacement"),
}

#: Decision on a request for an EHC needs assessment.
ASSESS, NOT_ASSESS, WITHDRAWN = "assess", "not_assess", "withdrawn"
_DECISION_FORMS: dict[str, tuple[str, ...]] = {
    ASSESS: ("a", "y", "yes", "assess", "agreed", "agreedtoassess", "decisiontoassess", "1",
             "true"),
    NOT_ASSESS: ("n", "no", "refused", "notassess", "decisionnottoassess", "nottoassess",
                 "declined", "0", "false"),
    WITHDRAWN: ("w", "withdrawn", "requestwithdrawn"),
}

#: Outcome of an EHC needs assessment.
PLAN, NO_PLAN = "plan", "no_plan"
_OUTCOME_FORMS: dict[str, tuple[str, ...]] = {
    PLAN: ("y", "yes", "i", "plan", "issue", "issued", "planissued", "ehcp", "decisiontoissue",
           "1", "true"),
    NO_PLAN: ("n", "no", "noplan", "notissued", "decisionnottoissue", "nottoissue", "0",
              "false"),
}

_YES_NO_FORMS: dict[bool, tuple[str, ...]] = {
    True: ("y", "yes", "true", "1", "exception", "exceptionapplies"),
    False: ("n", "no", "false", "0", "none", "noexception"),
}

#: Ceasing reason code (as in DfE's ``ceased_plans.csv``) -> name shown in tables.
CEASE_REASON_NAMES: dict[str, str] = {
    "max_age": "Maximum age reached",
    "employ": "Moved to paid employment",
    "he": "Moved to higher education",
    "needs_met": "Needs met without a plan",
    "no_engage": "No longer wishes to engage in education or training",
    "moved_outside_eng": "Moved outside England",
    "transfer": "Transferred to another council",
    "deceased": "Died",
    "other": "Other reason",
}
_CEASE_FORMS: dict[str, tuple[str, ...]] = {
    "max_age": ("maxage", "maximumage", "maximumagereached", "age25", "aged25"),
    "employ": ("employ", "employment", "paidemployment", "movedtopaidemployment"),
    "he": ("he", "highereducation", "movedtohighereducation"),
    "needs_met": ("needsmet", "needsmetwithoutplan", "needsmetwithoutaplan", "nolongerneeded"),
    "no_engage": ("noengage", "nolongerwishestoengage", "disengaged", "notengaging"),
    "moved_outside_eng": ("movedoutsideengland", "leftengland", "movedabroad"),
    "transfer": ("transfer", "transferred", "movedla", "movedtoanotherla", "transferredtoanotherla",
                 "movedlocalauthority"),
    "deceased": ("deceased", "died", "death"),
    "other": ("other", "otherreason", "oth"),
}

#: Primary need codes allowed on an EHC plan (DfE need codes without NSA, which is only for SEN
#: support): each code and its full DfE name are accepted.
PLAN_NEEDS: tuple[str, ...] = tuple(code for code in NEED_NAMES if code != "NSA")
_NEED_FORMS: dict[str, tuple[str, ...]] = {
    code: (compare_form(code), compare_form(NEED_NAMES[code])) for code in PLAN_NEEDS}


def _lookup(forms: Mapping[object, tuple[str, ...]]) -> dict[str, object]:
    return {form: code for code, accepted in forms.items() for form in accepted}


SETTINGS = _lookup(_SETTING_FORMS)
DECISIONS = _lookup(_DECISION_FORMS)
OUTCOMES = _lookup(_OUTCOME_FORMS)
YES_NO = _lookup(_YES_NO_FORMS)
CEASE_REASONS = _lookup(_CEASE_FORMS)
NEEDS = _lookup(_NEED_FORMS)


def code_values(column: pa.Array | pa.ChunkedArray, lookup: Mapping[str, object]
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Code a text column through ``lookup`` (each distinct value once).

    Parameters
    ----------
    column : pyarrow.Array or pyarrow.ChunkedArray of str
        Raw values (null = blank).
    lookup : mapping
        Compared form (:func:`compare_form`) -> code.

    Returns
    -------
    codes : numpy.ndarray of object
        The code of each row (None when blank or unknown).
    blank : numpy.ndarray of bool
        Rows with no value.
    unknown : numpy.ndarray of bool
        Rows with a value not in ``lookup``.

    Examples
    --------
    >>> codes, blank, unknown = code_values(pa.array(["Yes", None, "maybe"]), YES_NO)
    >>> codes.tolist(), blank.tolist(), unknown.tolist()
    ([True, None, None], [False, True, False], [False, False, True])
    """
    rows, distinct = encode(column)
    forms = [compare_form(str(value)) for value in distinct.to_pylist()]
    mapped = np.array([lookup.get(form) for form in forms] + [None], dtype=object)[:-1]
    known = np.array([form in lookup for form in forms], dtype=bool)
    blank_form = np.array([form == "" for form in forms], dtype=bool)
    codes = decode(rows, mapped, None)
    blank = (rows < 0) | decode(rows, blank_form, True).astype(bool)
    unknown = ~blank & ~decode(rows, known, False).astype(bool)
    return codes, blank, unknown
