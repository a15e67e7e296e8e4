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

from jsna.clean.coded_fields import LAST_SCHOOL_ACTION_CENSUS, LAST_STATEMENT_CENSUS
from jsna.demo.names import FEMALE_FORENAMES, MALE_FORENAMES, OTHER_LA_NUMBERS, SURNAMES
from jsna.demo.national import NEED_CODES
from jsna.demo.pupils import NC_LABELS, SEN_CODES, PupilModel
from jsna.demo.upn import CHECK_LETTERS, upn_check_letters

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
    rare_rng: np.random.Generator | None = None,
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
    rare_rng : numpy.random.Generator, optional
        Random stream of :func:`rarer_dirt` (every other kind of finding); without it, only
        the common dirt above is written.

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
    if rare_rng is not None:
        rows = rarer_dirt(rare_rng, rows, year, dirt_rate)

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


#: A new-build street in the council: the postcode lookup has it, but with the ONS Postcode
#: Directory's pseudo codes for an LSOA and ward not yet assigned, so its pupils have no ward
#: (``ward_not_found``) and no IMD decile (``lsoa_not_in_imd``).
NEW_BUILD_POSTCODE = "DM1 9ZZ"
PSEUDO_CODE = "Z99999999"


def new_build_postcode_row(postcodes: pd.DataFrame, council_code: str) -> pd.DataFrame:
    """The lookup row of :data:`NEW_BUILD_POSTCODE` (in the council, no LSOA or ward code)."""
    if NEW_BUILD_POSTCODE in set(postcodes["pcds"]):
        raise ValueError(f"{NEW_BUILD_POSTCODE} is already a postcode of the demo council")
    first = postcodes[postcodes["pcds"].str.startswith("DM1 ")].iloc[0]
    row = {column: first[column] for column in postcodes.columns}
    row.update(pcds=NEW_BUILD_POSTCODE, lsoa21=PSEUDO_CODE, osward=PSEUDO_CODE,
               oslaua=council_code)
    return pd.DataFrame([row], columns=postcodes.columns)


def rarer_dirt(rng: np.random.Generator, rows: pd.DataFrame, year: int,
               dirt_rate: float) -> pd.DataFrame:
    """Every other data-quality problem the cleaner reports, each on about a tenth of
    ``dirt_rate`` of rows, so the demo's validation report shows every kind of finding.

    Blanks and unrecognised values in each coded column (UPN, gender, year group, SEN provision,
    needs, FSM, URN, LAEstab, postcode), unreadable, impossible and out-of-range dates of birth,
    temporary UPNs, legacy codes (BESD, and statements or School Action/Plus in censuses old
    enough for them), an NSA need with an EHC plan, a need for a pupil without SEN, the
    new-build postcode, blank rows, rows with an unknown enrolment status and pupils exported
    twice. The rows keep the helper columns of :func:`clean_rows`.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream (a stream of its own, so the other dirt is unchanged).
    rows : pandas.DataFrame
        The census rows with their other dirt.
    year : int
        Census year (legacy provision codes are valid up to 2014 and 2018).
    dirt_rate : float
        The demo's dirt rate.

    Returns
    -------
    pandas.DataFrame
        The rows with the new dirt (and the added rows at the end).
    """
    rate = dirt_rate / 10
    if rate <= 0:
        return rows
    rows = rows.copy()
    n = len(rows)
    status = rows["EnrolStatus"].to_numpy(dtype=str)
    provision = rows["SENprovision"].str.strip().str.upper().to_numpy(dtype=str)
    need = rows["SENType1"].str.strip().str.upper().to_numpy(dtype=str)
    single = status == "C"

    def chosen(among: np.ndarray | None = None, share: float = rate) -> np.ndarray:
        hit = rng.random(n) < share
        return np.flatnonzero(hit if among is None else hit & among)

    def put(column: str, which: np.ndarray, values: object) -> None:
        if len(which):
            rows.loc[rows.index[which], column] = values

    # UPNs: blank, cut short, and temporary (last character a letter, check letter recomputed)
    put("UPN", chosen(single), "")
    short = chosen(single)
    put("UPN", short, rows["UPN"].to_numpy(dtype=str)[short].astype("U12").astype(object))
    temporary = chosen(single)
    if len(temporary):
        bodies = np.char.add(rows["UPN"].to_numpy(dtype=str)[temporary].astype("U12"),
                             np.array(list("ABCDEFGH"))[rng.integers(0, 8, len(temporary))])
        bodies = np.array([b[1:] for b in bodies], dtype="U12")
        put("UPN", temporary, np.char.add(upn_check_letters(bodies), bodies).astype(object))
    # SEN provision: blank, not a code, and legacy codes where the census year allows them
    put("SENprovision", chosen(), "")
    put("SENprovision", chosen(), "X" if year <= LAST_STATEMENT_CENSUS else "S")
    if year <= LAST_STATEMENT_CENSUS:
        put("SENprovision", chosen(provision == "E", dirt_rate), "S")
    if year <= LAST_SCHOOL_ACTION_CENSUS:
        put("SENprovision", chosen(provision == "K", dirt_rate), "A")
    # needs
    with_sen = np.isin(provision, ["E", "K"])
    # (among pupils with SEN, at the full dirt rate: they are a sixth of the rows)
    put("SENType1", chosen(with_sen, dirt_rate), "ADHD")
    put("SENType1", chosen(with_sen & (need == "SEMH"), dirt_rate), "BESD")
    put("SENType1", chosen(provision == "N"), "SLCN")
    put("SENType1", chosen(provision == "E", dirt_rate), "NSA")
    put("SENType2", chosen(with_sen, dirt_rate), "DYS")
    put("SENType2", chosen(with_sen, dirt_rate), "BESD")
    # dates of birth: blank, unreadable, impossible, out of range
    dob = rows["dob_value"].to_numpy().astype("datetime64[D]")
    put("DOB", chosen(), "")
    unreadable = chosen()
    put("DOB", unreadable, np.char.replace(
        np.datetime_as_string(dob[unreadable], unit="D"), "-", ".").astype(object))
    impossible = chosen()
    put("DOB", impossible, [f"31/02/{str(d)[:4]}" for d in dob[impossible]])
    put("DOB", chosen(), f"15/03/{year - 40}")
    # gender, year group, FSM, school numbers, postcode
    put("Gender", chosen(), "")
    put("Gender", chosen(), "U")
    put("NCYearActual", chosen(), "")
    put("NCYearActual", chosen(), "15")
    if "FSMeligible" in rows:
        put("FSMeligible", chosen(), "")
        put("FSMeligible", chosen(), "2")
    put("URN", chosen(), "")
    put("URN", chosen(), "97029")
    put("LAEstab", chosen(), "")
    put("LAEstab", chosen(), "99020")
    put("Postcode", chosen(), "")
    put("Postcode", chosen(), "NOT KNOWN")
    put("Postcode", chosen(), NEW_BUILD_POSTCODE)

    # added rows: pupils exported twice, rows with an unknown enrolment status, blank rows
    has_upn = rows["UPN"].to_numpy(dtype=str) != ""
    twice = rows.iloc[chosen(single & has_upn)]
    unknown_status = rows.iloc[chosen(single)].assign(
        EnrolStatus=lambda frame: np.where(rng.random(len(frame)) < 0.5, "", "X"))
    blank = pd.DataFrame({column: "" for column in CENSUS_COLUMNS if column in rows},
                         index=range(int(rng.binomial(n, rate))))
    blank = blank.assign(school=-1, nc=99, dob_value=np.datetime64("NaT", "D"))
    return pd.concat([rows, twice, unknown_status, blank], ignore_index=True)
