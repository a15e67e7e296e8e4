"""The identifier gate: a UPN, full postcode, name or list of birthdays of a pupil blocks the site.

Identifiers are planted by hand into a small staged site; the census is a hand-written CSV with
headings as a council's MIS might write them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jsna.clean.upn import make_upn
from jsna.errors import JsnaError
from jsna.review.identifier_gate import (
    Identifiers,
    check_site_identifiers,
    find_identifiers,
    read_identifiers,
)

UPN_A = make_upn("801200005001")  # B801200005001
UPN_B = make_upn("801200005002")
CENSUS = (
    "upn,Legal Surname,Preferred Forename,Date of Birth,Home Postcode,URN\n"
    f"{UPN_A},Lovelace,Ada,10/12/2015,b2  4cd,100001\n"
    f"{UPN_B},Babbage,Charles,2014-12-26,ZZ99 9ZZ,100001\n"
    " ,Somerville,Mary,26/12/2016,,100002\n"
    "A801200005003,O'Neil-Jones,Ann,2016-01-01,,100002\n"
)


@pytest.fixture()
def census(tmp_path: Path) -> dict[int, Path]:
    path = tmp_path / "census.csv"
    path.write_text(CENSUS, encoding="utf-8")
    return {2025: path}


def _site(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


CLEAN_SITE = {
    "index.html": "<h1>SEND JSNA</h1><p>1,234 pupils in B2 4 wards; Ada ward; Lovelace Park.</p>",
    "data/indicators.csv": "indicator_id,area_code,period,count\nehcp,E06000014,2024/25,12\n",
    "review/manifest.json": '{"sha256": "b801200005001abcdef", "released": "2024-06-20"}',
}


def test_identifiers_read_with_the_cleaners_heading_matching(census):
    found = read_identifiers(census)
    assert found.upns == {UPN_A, UPN_B, "A801200005003"}
    assert found.postcodes == {"B2 4CD", "ZZ99 9ZZ"}
    assert {"ada lovelace", "lovelace ada", "charles babbage", "mary somerville"} <= found.names
    assert found.dates_of_birth == {"2015-12-10", "2014-12-26", "2016-12-26", "2016-01-01"}


def test_a_clean_site_passes(census, tmp_path):
    site = _site(tmp_path / "site", CLEAN_SITE)
    assert find_identifiers(site, read_identifiers(census)) == []
    check_site_identifiers(site, census)  # does not raise


@pytest.mark.parametrize(("planted", "kind"), [
    (f"<td>{UPN_A}</td>", "a UPN of the census inputs"),
    (f"<td>{UPN_A.lower()}</td>", "a UPN of the census inputs"),
    (f"<td>{make_upn('999123456789')}</td>", "a UPN-shaped string with a valid check letter"),
    ("<td>B24CD</td>", "a full postcode of the census inputs"),
    ("<td>zz99 9zz</td>", "a full postcode of the census inputs"),
    ("<p>Seen: LOVELACE, Ada.</p>", "a pupil's forename and surname"),
    ("<p>Charles   Babbage</p>", "a pupil's forename and surname"),
    ("<p>about Ada Lovelace's plan</p>", "a pupil's forename and surname"),
    ("<p>Ann O’Neil-Jones</p>", "a pupil's forename and surname"),
])
def test_a_planted_identifier_blocks_the_site_and_names_the_place(census, tmp_path, planted, kind):
    files = dict(CLEAN_SITE)
    files["04_ehcp.html"] = f"<h1>EHC plans</h1>\n<table>\n{planted}\n</table>"
    site = _site(tmp_path / "site", files)
    with pytest.raises(JsnaError) as caught:
        check_site_identifiers(site, census)
    message = str(caught.value)
    assert f"04_ehcp.html line 3: {kind}" in message
    assert "was not published" in message
    # the message names the place, never the identifier
    for value in (UPN_A, "B2 4CD", "B24CD", "ZZ99 9ZZ", "Lovelace", "Babbage"):
        assert value.lower() not in message.lower()


def test_a_wrong_check_letter_or_a_lower_case_shape_is_not_a_upn(census, tmp_path):
    wrong = "A" + UPN_A[1:]  # not the check letter of the rest
    site = _site(tmp_path / "site", {"a.csv": f"x\n{wrong}\nb{make_upn('999123456789')[1:]}\n"})
    assert find_identifiers(site, read_identifiers(census)) == []


def test_a_list_of_birthdays_blocks_but_one_date_does_not(census, tmp_path):
    one = _site(tmp_path / "one", {"a.csv": "released\n10/12/2015\n"})
    assert find_identifiers(one, read_identifiers(census)) == []
    many = _site(tmp_path / "many", {"a.csv": "d\n2015-12-10\n2014-12-26\n26/12/2016\n"})
    hits = find_identifiers(many, read_identifiers(census))
    assert [hit.describe() for hit in hits] == ["a.csv line 2: 3 dates of birth of the census inputs"]


def test_no_census_still_finds_upn_shaped_strings(tmp_path):
    site = _site(tmp_path / "site", {"a.html": f"<p>{make_upn('999123456789')}</p>"})
    hits = find_identifiers(site, Identifiers())
    assert [hit.kind for hit in hits] == ["a UPN-shaped string with a valid check letter"]
