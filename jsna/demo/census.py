"""Pupil-level January census files in the common MIS/COLLECT export layout, with realistic dirt.

The clean rows come from the pupil model. At ``dirt_rate`` per row (each kind independently) the
writer adds: dual registrations (the pupil's row becomes ``M`` and an ``S`` row appears at another
school), invalid UPN check letters, lower-case or padded SEN codes, a blank ``SENType1`` for a
pupil with SEN, postcodes without the space or in lower case, and postcodes of a valid format that
are not in the lookup. Guests (``G``) and dates of birth outside the year group's range are rarer
(a fifth and a tenth of ``dirt_rate``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.demo.names import FEMALE_FORENAMES, MALE_FORENAMES, OTHER_LA_NUMBERS, SURNAMES
from jsna.demo.national import NEED_CODES
from jsna.demo.pupils import NC_LABELS, SEN_CODES, PupilModel
from jsna.demo.upn import CHECK_LETTERS

CENSUS_COLUMNS = [
    "UPN",
    "Surname",
    "Forename",
    "DOB",
    "Gender",
    "NCYearActual",
    "EnrolStatus",
    "SENprovision",
    "SENType1",
    "SENType2",
    "FSMeligible",
    "Postcode",
    "LAEstab",
    "URN",
]
_NEEDS = np.array(list(NEED_CODES) + [""], dtype=object)  # index -1 -> ""


def _format_dates(dob: np.ndarray) -> np.ndarray:
    """``DD/MM/YYYY`` text from ``datetime64[D]`` values."""
    if len(dob) == 0:
        return np.zeros(0, dtype="U10")
    iso = np.datetime_as_string(np.asarray(dob, dtype="datetime64[D]"), unit="D").astype("U10")
    parts = np.char.partition(iso, "-")
    year, rest = parts[:, 0], np.char.partition(parts[:, 2], "-")
    return np.char.add(
        np.char.add(np.char.add(np.char.add(rest[:, 2], "/"), rest[:, 0]), "/"), year
    )


def clean_rows(frame: pd.DataFrame, schools: pd.DataFrame, postcodes: pd.DataFrame) -> pd.DataFrame:
    """Census rows (all ``C``) for the pupils of one census year, before any dirt.

    Parameters
    ----------
    frame : pandas.DataFrame
        One census year of :attr:`jsna.demo.pupils.PupilModel.census`.
    schools : pandas.DataFrame
        Schools table (``LAEstab``, ``URN``).
    postcodes : pandas.DataFrame
        Postcode lookup (``pcds``).

    Returns
    -------
    pandas.DataFrame
        Columns ``CENSUS_COLUMNS`` as text plus the helper columns ``school``, ``nc`` and
        ``dob_value`` (the date of birth as ``datetime64``).
    """
    nc_text = np.array([NC_LABELS[k] for k in range(-2, 15)], dtype=object)
    sen = frame["sen"].to_numpy()
    return pd.DataFrame(
        {
            "UPN": frame["upn"].to_numpy(dtype=object),
            "Surname": frame["surname"].to_numpy(dtype=object),
            "Forename": frame["forename"].to_numpy(dtype=object),
            "DOB": _format_dates(frame["dob"].to_numpy()).astype(object),
            "Gender": frame["sex"].to_numpy(dtype=object),
            "NCYearActual": nc_text[frame["nc"].to_numpy() + 2],
            "EnrolStatus": np.full(len(frame), "C", dtype=object),
            "SENprovision": SEN_CODES[sen].astype(object),
            "SENType1": _NEEDS[frame["need1"].to_numpy()],
            "SENType2": _NEEDS[frame["need2"].to_numpy()],
            "FSMeligible": np.where(frame["fsm"].to_numpy(), "true", "false").astype(object),
            "Postcode": postcodes["pcds"].to_numpy(dtype=object)[frame["postcode"].to_numpy()],
            "LAEstab": schools["LAEstab"].to_numpy(dtype=object)[frame["school"].to_numpy()],
            "URN": schools["URN"].astype(str).to_numpy(dtype=object)[frame["school"].to_numpy()],
            "school": frame["school"].to_numpy(),
            "nc": frame["nc"].to_numpy(),
            "dob_value": frame["dob"].to_numpy(),
        }
    )


def _other_school(
    rng: np.random.Generator, school: np.ndarray, schools: pd.DataFrame
) -> np.ndarray:
    """A different school of the same phase (a secondary school for the only AP school)."""
    phase = schools["Phase"].to_numpy()
    result = np.empty(len(school), dtype=np.int64)
    for k, current in enumerate(school):
        options = np.flatnonzero((phase == phase[current]) & (np.arange(len(phase)) != current))
        if len(options) == 0:
            options = np.flatnonzero(phase == "Secondary")
        result[k] = options[rng.integers(len(options))]
    return result


def _guests(
    rng: np.random.Generator,
    n: int,
    model: PupilModel,
    schools: pd.DataFrame,
    postcodes: pd.DataFrame,
    year: int,
) -> pd.DataFrame:
    """Guest pupils (``G``): short-stay pupils from elsewhere, with their own valid UPNs."""
    sex = np.where(rng.random(n) < 0.5, "M", "F")
    nc = rng.integers(1, 12, n)
    age31 = nc + 4
    born_after = year - 1 - age31  # born 1 Sep (year-2-age31) .. 31 Aug (year-1-age31)
    start = (born_after - 1 - 1970).astype("datetime64[Y]").astype(
        "datetime64[M]"
    ) + np.timedelta64(8, "M")
    dob = start.astype("datetime64[D]") + rng.integers(0, 365, n)
    phase = schools["Phase"].to_numpy()
    primary, secondary = np.flatnonzero(phase == "Primary"), np.flatnonzero(phase == "Secondary")
    school = np.where(
        nc <= 6,
        primary[rng.integers(0, len(primary), n)],
        secondary[rng.integers(0, len(secondary), n)],
    )
    la = np.array(OTHER_LA_NUMBERS)[rng.integers(0, len(OTHER_LA_NUMBERS), n)]
    upn = model.issuer.issue(la, rng.integers(2000, 5000, n), year - 1 - nc)
    frame = pd.DataFrame(
        {
            "upn": upn,
            "surname": np.array(SURNAMES, dtype=object)[rng.integers(0, len(SURNAMES), n)],
            "forename": np.where(
                sex == "M",
                np.array(MALE_FORENAMES, dtype=object)[rng.integers(0, len(MALE_FORENAMES), n)],
                np.array(FEMALE_FORENAMES, dtype=object)[rng.integers(0, len(FEMALE_FORENAMES), n)],
            ),
            "dob": dob,
            "sex": sex,
            "nc": nc,
            "school": school,
            "sen": np.where(rng.random(n) < 0.1, 1, 0),
            "fsm": rng.random(n) < 0.25,
            "postcode": rng.integers(0, len(postcodes), n),
        }
    )
    frame["need1"] = np.where(frame["sen"] > 0, NEED_CODES.index("SLCN"), -1)
    frame["need2"] = -1
    rows = clean_rows(frame, schools, postcodes)
    rows["EnrolStatus"] = "G"
    return rows


def _padded(rng: np.random.Generator, values: np.ndarray) -> np.ndarray:
    """Lower-case and/or pad codes with a space on either side."""
    kind = rng.integers(0, 4, len(values))
    lower = np.char.lower(values.astype(str))
    out = np.where(kind == 0, lower, values.astype(str))
    out = np.where(kind == 1, np.char.add(" ", lower), out)
    out = np.where(kind == 2, np.char.add(values.astype(str), " "), out)
    out = np.where(kind == 3, np.char.add(" ", values.astype(str)), out)
    return out.astype(object)


def dirty_census(
    rng: np.random.Generator,
    model: PupilModel,
    year: int,
    schools: pd.DataFrame,
    postcodes: pd.DataFrame,
    dirt_rate: float,
) -> pd.DataFrame:
    """The census file for one year: clean rows plus dirt, sorted as an MIS export.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream for the dirt.
    model : PupilModel
        The pupil model (clean rows and the UPN issuer).
    year : int
        Census year.
    schools, postcodes : pandas.DataFrame
        Schools table and postcode lookup.
    dirt_rate : float
        Share of rows given each kind of dirt.

    Returns
    -------
    pandas.DataFrame
        Columns ``CENSUS_COLUMNS``, all text.
    """
    rows = clean_rows(model.census[year], schools, postcodes)
    n = len(rows)

    dual = np.flatnonzero(rng.random(n) < dirt_rate)
    rows.loc[dual, "EnrolStatus"] = "M"
    subsidiary = rows.iloc[dual].copy()
    other = _other_school(rng, subsidiary["school"].to_numpy(), schools)
    subsidiary["school"] = other
    subsidiary["LAEstab"] = schools["LAEstab"].to_numpy(dtype=object)[other]
    subsidiary["URN"] = schools["URN"].astype(str).to_numpy(dtype=object)[other]
    subsidiary["EnrolStatus"] = "S"
    guests = _guests(rng, int(rng.binomial(n, dirt_rate / 5)), model, schools, postcodes, year)
    rows = pd.concat([rows, subsidiary, guests], ignore_index=True)
    n = len(rows)

    def chosen(rate: float, among: np.ndarray | None = None) -> np.ndarray:
        hit = rng.random(n) < rate
        return np.flatnonzero(hit if among is None else hit & among)

    _mistype_check_letters(rng, rows, chosen(dirt_rate))
    has_sen = rows["SENprovision"].to_numpy(dtype=str) != "N"
    rows.loc[chosen(dirt_rate, has_sen), ["SENType1", "SENType2"]] = ""
    messy = chosen(dirt_rate)
    if len(messy):
        rows.loc[messy, "SENprovision"] = _padded(rng, rows["SENprovision"].to_numpy()[messy])
        typed = messy[rows["SENType1"].to_numpy(dtype=str)[messy] != ""]
        if len(typed):
            rows.loc[typed, "SENType1"] = _padded(rng, rows["SENType1"].to_numpy()[typed])
    _unmatched_postcodes(rng, rows, chosen(dirt_rate), postcodes)
    _misformat_postcodes(rng, rows, chosen(dirt_rate))
    _shift_dates_of_birth(rng, rows, chosen(dirt_rate / 10))

    order = np.lexsort(
        (
            rows["UPN"].to_numpy(dtype=str),
            rows["Forename"].to_numpy(dtype=str),
            rows["Surname"].to_numpy(dtype=str),
            rows["nc"].to_numpy(),
            rows["LAEstab"].to_numpy(dtype=str),
        )
    )
    return rows.iloc[order][CENSUS_COLUMNS].reset_index(drop=True)


def _mistype_check_letters(rng: np.random.Generator, rows: pd.DataFrame, which: np.ndarray) -> None:
    """Replace the check letter of the chosen UPNs with a different (wrong) check letter."""
    if len(which) == 0:
        return
    upn = rows["UPN"].to_numpy(dtype=str)[which]
    position = np.array([CHECK_LETTERS.index(u[0]) for u in upn], dtype=np.int64)
    wrong = (position + rng.integers(1, len(CHECK_LETTERS), len(which))) % len(CHECK_LETTERS)
    rows.loc[which, "UPN"] = [CHECK_LETTERS[w] + u[1:] for w, u in zip(wrong, upn, strict=True)]


def _unmatched_postcodes(
    rng: np.random.Generator, rows: pd.DataFrame, which: np.ndarray, postcodes: pd.DataFrame
) -> None:
    """Valid-looking council postcodes in sector 0, which the lookup never contains."""
    if len(which) == 0:
        return
    districts = np.unique(np.char.partition(postcodes["pcds"].to_numpy(dtype=str), " ")[:, 0])
    districts = districts[np.char.startswith(districts, "DM")]
    pairs = np.array([a + b for a in "ABDEFGHJLNPQRSTUWXYZ" for b in "ABDEFGHJLNPQRSTUWXYZ"])
    rows.loc[which, "Postcode"] = np.char.add(
        np.char.add(districts[rng.integers(0, len(districts), len(which))], " 0"),
        pairs[rng.integers(0, len(pairs), len(which))],
    ).astype(object)


def _misformat_postcodes(rng: np.random.Generator, rows: pd.DataFrame, which: np.ndarray) -> None:
    """Drop the space from half of the chosen postcodes and lower-case the other half."""
    if len(which) == 0:
        return
    half = rng.random(len(which)) < 0.5
    text = rows["Postcode"].to_numpy(dtype=str)[which]
    rows.loc[which, "Postcode"] = np.where(
        half, np.char.replace(text, " ", ""), np.char.lower(text)
    ).astype(object)


def _shift_dates_of_birth(rng: np.random.Generator, rows: pd.DataFrame, which: np.ndarray) -> None:
    """Move dates of birth a year or two, outside the range of the pupil's year group."""
    if len(which) == 0:
        return
    shift = rng.choice(np.array([-730, -400, 400, 730]), len(which))
    dob = rows["dob_value"].to_numpy()[which].astype("datetime64[D]") + shift
    rows.loc[which, "DOB"] = _format_dates(dob).astype(object)
