"""Shared hand-built inputs for the census-cleaning tests (imported by the test modules)."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pandas as pd
import pytest
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from real_councils import REAL_OR_DEFAULT

from jsna.clean.upn import make_upn

HEADER = ["UPN", "Surname", "Forename", "DOB", "Gender", "NCYearActual", "EnrolStatus",
          "SENprovision", "SENType1", "SENType2", "FSMeligible", "Postcode", "LAEstab", "URN"]
AREA = "Z06000001"
SALT = "test-salt"
REAL_DATA = REAL_OR_DEFAULT

# UPNs with correct DfE check letters (make_upn is checked against python-stdnum in test_upn.py)
U1 = make_upn("990200125001")
U2 = make_upn("990200125002")
U3 = make_upn("990200125003")
U4 = make_upn("990200125004")
U5_BAD = ("A" if make_upn("990200125005")[0] != "A" else "B") + "990200125005"
U6 = make_upn("990200125006")
U7 = make_upn("990200125007")
U8 = make_upn("990200125008")
U9_TEMP = make_upn("99020012500A")  # temporary UPN: last character a letter
U10 = make_upn("990200125010")


def reference_pupil_key(salt: str, upn: str) -> str:
    """The documented pupil_key, written independently of jsna with the cryptography library.

    AES-256 (key: HMAC-SHA256 of a fixed label under the salt) of the PKCS #7 padded UPN, first
    8 bytes in hexadecimal; values too long for one block: HMAC-SHA256 under a second derived key.
    """
    secret = salt.encode()
    message = upn.encode()
    if len(message) >= 16:
        key = hmac.new(secret, b"jsna pupil_key: key for values longer than one block",
                       hashlib.sha256).digest()
        return hmac.new(key, message, hashlib.sha256).hexdigest()[:16]
    padder = padding.PKCS7(128).padder()
    block = padder.update(message) + padder.finalize()
    key = hmac.new(secret, b"jsna pupil_key: AES-256 key", hashlib.sha256).digest()
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return (encryptor.update(block) + encryptor.finalize())[:8].hex()


def census_frame(rows: list[tuple]) -> pd.DataFrame:
    """A census extract in the demo/MIS layout from (UPN, DOB, Gender, NC, Enrol, SEN, Type1,
    Type2, FSM, Postcode, LAEstab, URN) tuples; names are filled in so that tests can check they
    are never read."""
    records = []
    for upn, dob, sex, nc, enrol, sen, t1, t2, fsm, pc, laestab, urn in rows:
        records.append([upn, "Surname", "Forename", dob, sex, nc, enrol, sen, t1, t2, fsm, pc,
                        laestab, urn])
    return pd.DataFrame(records, columns=HEADER, dtype=object)


#: The main hand-built extract (row numbers as a spreadsheet shows them: heading = row 1).
MAIN_ROWS: list[tuple] = [
    # row 2: E, ASD, own osward (current vintage)
    (U1, "15/03/2015", "M", "4", "C", "E", "ASD", None, "true", "ZZ1 1AA", "9902001", "100001"),
    # row 3: main dual registration, postcode needs re-formatting, osward of an old vintage
    (U2, "2014-11-20", "F", "5", "M", "K", "SLCN", None, "false", "zz11ab", "9902001", "100001"),
    # row 4: the same pupil's subsidiary registration -> set aside
    (U2, "2014-11-20", "F", "5", "S", "K", "SLCN", None, "false", "zz11ab", "9902002", "100002"),
    # row 5: padded lower-case provision, need blank for a pupil with SEN -> UNKNOWN
    (U3, "01/09/2012", "F", "7", "c", " e", None, None, "1", "ZZ2 2BB", "9904001", "100003"),
    # row 6: lives outside the council
    (U4, "31/08/2012", "M", "8", "C", "N", None, None, "0", "ZZ9 9ZZ", "9904001", "100003"),
    # row 7: invalid check letter, legacy need BESD
    (U5_BAD, "10/10/2010", "M", "9", "C", "k", "BESD", None, "Y", "ZZ1 1AA", "9904001",
     "100003"),
    # row 8: guest -> set aside
    (U6, "12/12/2012", "F", "7", "G", "N", None, None, "N", "ZZ1 1AA", "9904001", "100003"),
    # row 9: U1 again as a single registration -> duplicate, set aside
    (U1, "15/03/2015", "M", "4", "C", "E", "ASD", None, "true", "ZZ1 1AA", "9902003", "100004"),
    # row 10: impossible DOB, unknown provision code, FSM blank, unmatched postcode
    (U7, "31/02/2016", "F", "3", "C", "X", "MLD", None, None, "ZZ4 4DD", "9902001", "100001"),
    # row 11: age far from the year group, malformed postcode
    (U8, "05/05/2005", "M", "2", "C", "N", None, None, "false", "NOT A PC", "9902001",
     "100001"),
    # row 12: temporary UPN, Excel serial DOB (43831 = 1 January 2020), postcode whose LSOA has
    # no ward in the lookup and no IMD decile
    (U9_TEMP, "43831", "F", "R", "C", "K", "NSA", None, "false", "ZZ3 3CC", "9902001",
     "100001"),
    # row 13: blank enrolment status -> set aside
    (U10, "2019-08-31", "M", "R", None, "N", None, None, "false", "ZZ1 1AA", "9902001",
     "100001"),
    # row 14: blank row -> set aside
    (None, None, None, None, None, None, None, None, None, None, None, None),
]


@pytest.fixture
def geography_files(tmp_path: Path) -> dict[str, Path]:
    """Postcode directory, best-fit LSOA->ward lookup and IMD File-1 style table."""
    folder = tmp_path / "geography"
    folder.mkdir()
    postcodes = folder / "postcode_lookup.csv"
    postcodes.write_text(
        "pcds,lsoa21,osward,oslaua\n"
        "ZZ1 1AA,Z01000001,Z05000001,Z06000001\n"
        "ZZ1 1AB,Z01000002,Z05999999,Z06000001\n"
        "ZZ2 2BB,Z01000003,Z05000003,Z06000001\n"
        "ZZ9 9ZZ,Z01000099,Z05000099,Z06000002\n"
        "ZZ3 3CC,Z01000004,Z05999998,Z06000001\n",
        encoding="utf-8",
    )
    lsoa_ward = folder / "lsoa_to_ward.csv"
    lsoa_ward.write_text(
        "LSOA21CD,LSOA21NM,WD25CD,WD25NM,LAD25CD,LAD25NM\n"
        "Z01000001,Demoton 001A,Z05000001,North,Z06000001,Demoton\n"
        "Z01000002,Demoton 001B,Z05000002,South,Z06000001,Demoton\n"
        "Z01000003,Demoton 002A,Z05000003,East,Z06000001,Demoton\n",
        encoding="utf-8",
    )
    imd = folder / "imd.csv"
    imd.write_text(
        "\ufeffLSOA code (2021),LSOA name (2021),Local Authority District code (2024),"
        "Local Authority District name (2024),Index of Multiple Deprivation (IMD) Rank,"
        "Index of Multiple Deprivation (IMD) Decile\n"
        'Z01000001,Demoton 001A,Z06000001,Demoton,"1,234",1\n'
        'Z01000002,Demoton 001B,Z06000001,Demoton,"31,001",10\n'
        'Z01000003,Demoton 002A,Z06000001,Demoton,"15,500",5\n',
        encoding="utf-8",
    )
    return {"postcode_lookup": postcodes, "lsoa_ward_lookup": lsoa_ward, "imd": imd}
