"""The postcode lookup and the LSOA -> ward lookup read by their one reader each
(jsna.sources.postcodes, jsna.sources.lsoa_wards), and the same readers against real files."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from jsna.errors import JsnaInputError
from jsna.input_checks import _validate_lsoa_ward, _validate_postcodes
from jsna.sources.lsoa_wards import lsoa_vintage, read_lsoa_ward_lookup
from jsna.sources.postcodes import read_postcode_lookup

LEWISHAM_POSTCODES = "lookups/lewisham_postcode_oa11_lsoa11_msoa11_wd22.csv"
LEWISHAM_LSOA_WARDS = "lookups/lewisham_lsoa11_wd22_proposed.csv"
LSOA11_WARD19 = "lookups/lsoa11_to_ward19_lad19_selected_las.csv"


def _council(code: str) -> SimpleNamespace:
    """What the `jsna sources` checks read from a config: the council's code, no column map."""
    return SimpleNamespace(area=SimpleNamespace(code=code), census=SimpleNamespace(columns={}))


def test_postcode_lookup_onspd_style(write_csv):
    text = (
        "pcds,lsoa21,osward,oslaua,oseast1m,osnrth1m,doterm\n"
        "DM4 7QX,Z01000001,Z05000001,Z06000001,450000,350000,\n"
        "dm4 7qy,Z01000002,Z05000001,Z06000001,450100,350100,202001\n"
        "DM4 7QY,Z01000003,Z05000002,Z06000001,450100,350100,\n"
    )
    directory = read_postcode_lookup(write_csv("pc.csv", text))
    # the terminated row of DM4 7QY gives way to its live row
    assert directory.table.to_dict("index") == {
        "DM4 7QX": {"la_code": "Z06000001", "ward_code": "Z05000001", "lsoa21": "Z01000001"},
        "DM4 7QY": {"la_code": "Z06000001", "ward_code": "Z05000002", "lsoa21": "Z01000003"},
    }
    assert (directory.rows, directory.live, directory.lsoa_columns) == (3, 2, ("lsoa21",))


def test_postcode_lookup_without_usable_headings_names_those_found(write_csv):
    with pytest.raises(JsnaInputError) as caught:
        read_postcode_lookup(write_csv("pc4.csv", "a,b,c\nDM4 7QX,Z01000001,Z05000001\n"))
    assert str(caught.value) == (
        "pc4.csv: postcode lookup is missing column pcds, oslaua, lsoa21 or lsoa11; columns "
        "found: a, b, c (map other headings in [census.columns] of the config)")


def test_a_blank_postcode_is_refused_with_its_row(write_csv):
    """Before, the cleaner dropped a lookup row without a postcode, silently."""
    text = "pcds,lsoa21,oslaua\nDM4 7QX,Z01000001,Z06000001\n ,Z01000002,Z06000001\n"
    with pytest.raises(JsnaInputError, match=r"^pc.csv: row 3, column pcds: blank; expected the "
                                             r"postcode$"):
        read_postcode_lookup(write_csv("pc.csv", text))


def test_lsoa_ward_lookup_rejects_two_wards_for_one_lsoa(write_csv):
    text = "LSOA21CD,WD25CD\nZ01000001,Z05000001\nZ01000002,Z05000001\nZ01000001,Z05000002\n"
    with pytest.raises(JsnaInputError) as caught:
        read_lsoa_ward_lookup(write_csv("lk.csv", text))
    assert str(caught.value) == (
        "lk.csv: rows 2 and 4: LSOA Z01000001 is given two different wards (Z05000001, "
        "Z05000002); a best-fit lookup has one ward per LSOA")
    with pytest.raises(JsnaInputError, match=r"^lk2.csv: LSOA to ward lookup is missing column "
                                             r"WDyyCD \(the ward code\); columns found: "
                                             r"LSOA21CD, X$"):
        read_lsoa_ward_lookup(write_csv("lk2.csv", "LSOA21CD,X\nZ01000001,1\n"))


@pytest.mark.parametrize(("heading", "vintage"), [
    ("LSOA21CD", "lsoa21"), ("lsoa11cd", "lsoa11"), ("LSOA code (2021)", "lsoa21"),
    ("LSOA_code_2011", "lsoa11"), ("LSOA code", "lsoa"), ("lsoa", "lsoa")])
def test_lsoa_vintage_from_the_heading(heading, vintage):
    assert lsoa_vintage(heading) == vintage


@pytest.mark.real_data
def test_real_lewisham_postcode_lookup(real):
    """The council extract of the ONS postcode lookup: 8,419 rows, 3,450 of them terminated
    (SOURCES.md), every postcode once, all in Lewisham (E09000023)."""
    path = real / LEWISHAM_POSTCODES
    directory = read_postcode_lookup(path)
    assert (directory.rows, directory.live) == (8419, 8419 - 3450)
    assert len(directory.arrow) == 8419 and directory.table.index.is_unique
    assert set(directory.table["la_code"]) == {"E09000023"}
    # published rows: BR1 4BY -> LSOA E01003235, proposed 2022 ward E05013720
    assert directory.table.loc["BR1 4BY", ["lsoa11", "ward_code"]].tolist() == [
        "E01003235", "E05013720"]
    rows, _, found, detail = _validate_postcodes(path, _council("E09000023"), None)
    assert (rows, found) == (8419, "yes")
    assert detail == "8,419 postcodes (4,969 live); 8,419 in the council"
    assert _validate_postcodes(path, _council("E06000014"), None)[2] == "no"  # not York's


@pytest.mark.real_data
def test_real_lsoa_ward_lookups(real):
    lookup = read_lsoa_ward_lookup(real / LSOA11_WARD19)
    assert len(lookup.table) == 1076 and len(lookup.ward_by_lsoa) == 1076  # SOURCES.md
    assert (lookup.lsoa_vintage, lookup.ward_vintage) == ("lsoa11", "WD19")
    york = lookup.table[lookup.table["lad_code"].eq("E06000014")]
    assert york["ward_code"].nunique() == 21  # York has 21 wards
    assert lookup.ward_by_lsoa["E01013447"] == "E05010330"  # York 018E, Westfield
    lewisham = read_lsoa_ward_lookup(real / LEWISHAM_LSOA_WARDS)
    assert len(lewisham.ward_by_lsoa) == 169 and len(lewisham.ward_codes) == 19
    assert (lewisham.lsoa_vintage, lewisham.ward_vintage) == ("lsoa11", "WD22")
    assert lewisham.ward_by_lsoa["E01003316"] == "E05013729"  # Perry Vale
    assert lewisham.table.set_index("lsoa_code").loc["E01003316", "ward_name"] == "Perry Vale"
    # wards of the 7 councils, as counted in SOURCES.md: 21 + 53 + 33 + 33 + 35 + 52 + 21
    assert _validate_lsoa_ward(real / LSOA11_WARD19, _council("E06000014"), None) == (
        1076, "", "yes", "1,076 LSOAs (LSOA11) in 248 wards (WD19)")
    # no local-authority column: the council cannot be looked for
    assert _validate_lsoa_ward(real / LEWISHAM_LSOA_WARDS, _council("E09000023"), None) == (
        169, "", "", "169 LSOAs (LSOA11) in 19 wards (WD22)")


@pytest.mark.real_data
def test_real_ward_codes_are_read_as_the_boundaries_are(real):
    """Lewisham's council boundaries name the ward code `id`: before, the cleaner refused them
    (it looked only for WDyyCD) while `jsna sources` and the wards chapter read them."""
    from jsna.sources.boundaries import read_boundaries, read_ward_codes

    for relative, count in (("boundaries/lewisham/lbl_wd22_proposed.geojson", 19),
                            ("boundaries/wards_2025/E06000014.geojson", 21)):  # SOURCES.md
        codes = read_ward_codes(real / relative)
        assert len(codes) == count
        assert codes == set(read_boundaries(real / relative, level="ward")["code"])
