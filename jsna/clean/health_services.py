"""Health waiting-list services, NHS numbers and the provider / sub-ICB to council lookup.

Service names in providers' extracts vary (``SALT``, ``Speech & Language Therapy``,
``(CYP) Therapy interventions: Speech and language``); they are matched to the seven services
below after removing case, spaces and punctuation, a leading ``CYP`` and a trailing ``service``.
Other local names are mapped in ``[health.services]`` of the config (``"Local name" = "camhs"``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jsna.column_names import compare_form
from jsna.config import HEALTH_SERVICES
from jsna.errors import JsnaConfigError, JsnaInputError
from jsna.sources.text_table import read_selected_columns

#: Standard service key -> label shown in reports, in reporting order.
SERVICES: dict[str, str] = {
    "community_paediatrics": "Community paediatrics",
    "speech_and_language_therapy": "Speech and language therapy",
    "occupational_therapy": "Occupational therapy",
    "physiotherapy": "Physiotherapy",
    "autism_assessment": "Autism assessment",
    "adhd_assessment": "ADHD assessment",
    "camhs": "Children and young people's mental health services (CAMHS)",
}
if tuple(SERVICES) != HEALTH_SERVICES:  # pragma: no cover - one list, two layers
    raise ImportError("jsna.config.HEALTH_SERVICES and SERVICES differ")

#: Accepted names of each service, in compared form (see :func:`service_form`).
_SERVICE_NAMES: dict[str, tuple[str, ...]] = {
    "community_paediatrics": ("communitypaediatrics", "communitypaediatric", "paediatrics",
                              "commpaeds", "communitypaeds", "paeds", "cp"),
    "speech_and_language_therapy": ("speechandlanguagetherapy", "speechlanguagetherapy",
                                    "speechandlanguage", "therapyinterventionsspeechandlanguage",
                                    "speechtherapy", "salt", "slt", "sandlt"),
    "occupational_therapy": ("occupationaltherapy", "therapyinterventionsoccupationaltherapy",
                             "ot"),
    "physiotherapy": ("physiotherapy", "therapyinterventionsphysiotherapy", "physio", "pt"),
    "autism_assessment": ("autismassessment", "autism", "asd", "asdassessment",
                          "autismdiagnosticassessment", "autismspectrumdisorderassessment",
                          "autismdiagnosis"),
    "adhd_assessment": ("adhdassessment", "adhd", "adhddiagnosticassessment", "adhddiagnosis"),
    "camhs": ("camhs", "childandadolescentmentalhealthservices",
              "childandadolescentmentalhealthservice", "cypmhs", "cypmentalhealth",
              "mentalhealth", "childrenandyoungpeoplesmentalhealthservices"),
}
_BY_FORM = {form: key for key, forms in _SERVICE_NAMES.items() for form in forms}


def service_form(name: str) -> str:
    """A service name in the form used for matching.

    Examples
    --------
    >>> service_form("(CYP) Therapy interventions: Speech & Language service")
    'therapyinterventionsspeechandlanguage'
    """
    text = name.casefold().replace("&", "and")
    text = re.sub(r"[^a-z0-9]+", "", text)
    text = re.sub(r"^cyp", "", text)
    return re.sub(r"services?$", "", text) or text


def check_known_names(section: str, mapping: Mapping[str, str], allowed: Sequence[str],
                      what: str) -> None:
    """Reject entries of a ``[health.<section>]`` map whose value is not one of ``allowed`` (one
    line naming the key and listing what is allowed)."""
    for local, name in mapping.items():
        if name not in allowed:
            raise JsnaConfigError(f"health.{section}.{local!r} = {name!r} is not {what} "
                                  f"(allowed: {', '.join(allowed)})")


def check_service_map(services_map: Mapping[str, str]) -> None:
    """Reject ``[health.services]`` entries naming no known service (one line naming the key)."""
    check_known_names("services", services_map, tuple(SERVICES), "a service")


def match_services(values: list[str | None],
                   services_map: Mapping[str, str] | None = None) -> list[str | None]:
    """The standard key of each service name; None when blank or not recognised.

    Parameters
    ----------
    values : list of str or None
        Service names as found (typically the distinct values of a column).
    services_map : mapping, optional
        ``[health.services]``: local name -> standard key (checked first).

    Returns
    -------
    list of str or None

    Examples
    --------
    >>> match_services(["SALT", "Community Paediatric Service", "Dentistry", None])
    ['speech_and_language_therapy', 'community_paediatrics', None, None]
    """
    explicit = {service_form(local): key for local, key in (services_map or {}).items()}
    out: list[str | None] = []
    for value in values:
        if value is None or not value.strip():
            out.append(None)
            continue
        form = service_form(value)
        out.append(explicit.get(form) or (value.strip() if value.strip() in SERVICES else None)
                   or _BY_FORM.get(form))
    return out


def nhs_number_status(values: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Normalise NHS numbers (digits only) and check their modulus-11 check digit.

    Parameters
    ----------
    values : pyarrow.Array of str
        NHS numbers as typed (``"943 476 5919"``, ``"9434765919"``); nulls allowed.

    Returns
    -------
    normalised : pyarrow.Array of str
        Ten digits, null where blank or invalid.
    status : numpy.ndarray of str
        ``"valid"``, ``"missing"`` or ``"invalid"`` per value.

    Examples
    --------
    >>> normalised, status = nhs_number_status(pa.array(["943 476 5919", "9434765918", None]))
    >>> normalised.to_pylist(), status.tolist()
    (['9434765919', None, None], ['valid', 'invalid', 'missing'])
    """
    digits = values
    if pc.any(pc.match_substring_regex(values, r"[\s\-]")).as_py():  # "943 476 5919"
        digits = pc.replace_substring_regex(values, r"[\s\-]", "")
    blank = pc.fill_null(pc.equal(pc.binary_length(digits), 0), True).to_numpy(
        zero_copy_only=False)
    shaped = pc.fill_null(pc.and_(pc.equal(pc.binary_length(digits), 10),
                                  pc.utf8_is_digit(digits)), False).to_numpy(
        zero_copy_only=False)
    n = len(values)
    valid = np.zeros(n, dtype=bool)
    if shaped.any():
        # every value now exactly ten ASCII digits: one contiguous n x 10 block of bytes
        text = pc.if_else(pa.array(shaped), digits, "0000000000")
        if isinstance(text, pa.ChunkedArray):
            text = text.combine_chunks()
        start = int(np.frombuffer(text.buffers()[1], dtype=np.int32)[text.offset])
        matrix = np.frombuffer(text.buffers()[2], dtype=np.uint8)[start:start + 10 * n].reshape(
            n, 10) - np.uint8(ord("0"))
        remainder = (matrix[:, :9].astype(np.int32) @ np.arange(10, 1, -1, dtype=np.int32)) % 11
        check = (11 - remainder) % 11
        valid = shaped & (check != 10) & (check == matrix[:, 9])
    status = np.where(blank, "missing", np.where(valid, "valid", "invalid"))
    return pc.if_else(pa.array(valid), digits, pa.scalar(None, pa.string())), status


#: Headings of the provider / sub-ICB lookup, in compared form.
_LOOKUP_HEADINGS = {
    "code": ("code", "providercode", "subicbcode", "subicblocationcode", "subicb", "odscode",
             "organisationcode", "orgcode", "provider", "ccgcode", "commissionercode"),
    "la_code": ("lacode", "ladcd", "councilcode", "localauthoritycode", "utlacode", "ctyua",
                "laua", "oslaua", "areacode", "council"),
}


def read_provider_lookup(path: str | Path) -> dict[str, frozenset[str]]:
    """Read the provider / sub-ICB to council lookup: organisation code -> council GSS codes.

    A CSV or XLSX file with a code column (``Code``, ``Provider code``, ``Sub ICB code``,
    ``ODS code`` ...) and a council column (``LA code``, ``LADCD``, ``Council code`` ...). A code
    may be listed once per council it serves.

    Parameters
    ----------
    path : str or Path
        The lookup file.

    Returns
    -------
    dict of str to frozenset of str
        Upper-case organisation code -> the councils it serves.

    Raises
    ------
    JsnaInputError
        One line naming the file and the missing column, or a row with a blank cell.
    """
    path = Path(path)

    def select(headings: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for name, forms in _LOOKUP_HEADINGS.items():
            match = [h for h in headings if compare_form(h) in forms]
            if not match:
                raise JsnaInputError(
                    f"{path.name}: missing column {name} (an organisation code and the council "
                    f"code it serves); columns found: {', '.join(headings)}")
            found[name] = match[0]
        return found

    table = read_selected_columns(path, select).table
    lookup: dict[str, set[str]] = {}
    rows = table.column("source_row").to_pylist()
    for code, council, row in zip(table.column("code").to_pylist(),
                                  table.column("la_code").to_pylist(), rows, strict=True):
        if not code or not council:
            column = "code" if not code else "la_code"
            raise JsnaInputError(f"{path.name}: row {row}, column {column}: blank; every row "
                                 f"needs an organisation code and a council code")
        lookup.setdefault(code.strip().upper(), set()).add(council.strip().upper())
    return {code: frozenset(councils) for code, councils in lookup.items()}
