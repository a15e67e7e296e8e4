"""Postcode normalisation (property tests) and the postcode / LSOA-ward lookup readers."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pytest
from census_fixtures import REAL_DATA
from hypothesis import given
from hypothesis import strategies as st

from jsna.clean.postcode import (
    is_well_formed,
    normalise_postcode,
    normalise_postcodes,
    read_lsoa_ward_lookup,
    read_postcode_directory,
)
from jsna.errors import JsnaInputError

letters = st.sampled_from("ABCDEFGHJKLMNOPRSTUWYZ")
digit = st.sampled_from("0123456789")


@st.composite
def postcodes(draw: st.DrawFn) -> str:
    """A well-formed postcode in pcds form: outward A9, A99, AA9, AA99, A9A or AA9A."""
    area = draw(letters) + draw(st.one_of(st.just(""), letters))
    district = draw(digit) + draw(st.one_of(st.just(""), digit, letters))
    inward = draw(digit) + draw(letters) + draw(letters)
    return f"{area}{district} {inward}"


@st.composite
def messy(draw: st.DrawFn, canonical: str) -> str:
    """The same postcode as a person might type it: any case, spaces anywhere or missing."""
    out = []
    for character in canonical.replace(" ", ""):
        out.append(draw(st.sampled_from(["", " ", "  ", "\t"])))
        out.append(character.lower() if draw(st.booleans()) else character)
    out.append(draw(st.sampled_from(["", " "])))
    return "".join(out)


@given(st.data())
def test_normalisation_restores_pcds_form(data: st.DataObject) -> None:
    canonical = data.draw(postcodes())
    typed = data.draw(messy(canonical))
    assert normalise_postcode(typed) == canonical
    assert normalise_postcode(canonical) == canonical  # idempotent
    assert is_well_formed(pa.array([canonical])).tolist() == [True]


@given(st.text(alphabet=" abcxyz0123456789", max_size=12))
def test_normalised_values_are_upper_case_with_at_most_one_space(text: str) -> None:
    result = normalise_postcode(text)
    if not text.strip():
        assert result is None
    else:
        assert result == result.upper() and result.count(" ") <= 1 and "  " not in result


def test_examples() -> None:
    values = pa.array(["zz11aa", " M1  1AE ", "sw1a1aa", "GIR0AA", "NOT A PC", "", None,
                       "ZZ1 1A"])
    assert normalise_postcodes(values).to_pylist() == [
        "ZZ1 1AA", "M1 1AE", "SW1A 1AA", "GIR 0AA", "NOT APC", None, None, "ZZ 11A"]
    assert is_well_formed(normalise_postcodes(values)).tolist() == [
        True, True, True, True, False, False, False, False]


def test_directory_with_pcd7_headings_and_terminated_postcodes(tmp_path: Path) -> None:
    path = tmp_path / "onspd.csv"
    path.write_text(
        "PCD7,DOTERM,OSLAUA,OSWARD,LSOA11,LSOA21\n"
        "M1  1AE,201901,E08000003,E05011111,E01000001,E01100001\n"  # terminated duplicate
        "M1  1AE,,E08000003,E05022222,E01000002,E01100002\n"        # live row wins
        "ZZ991AA,,Z1,Z2,Z3,Z4\n",
        encoding="utf-8",
    )
    directory = read_postcode_directory(path)
    assert directory.lsoa_columns == ("lsoa21", "lsoa11")
    row = directory.table.loc["M1 1AE"]
    assert (row["ward_code"], row["lsoa21"], row["lsoa11"]) == ("E05022222", "E01100002",
                                                                "E01000002")
    assert "ZZ99 1AA" in directory.table.index


def test_directory_columns_can_be_mapped(tmp_path: Path) -> None:
    path = tmp_path / "lookup.csv"
    path.write_text("Home PC,Small area,District\nZZ1 1AA,Z01,Z06\n", encoding="utf-8")
    mapping = {"Home PC": "pcds", "Small area": "lsoa21", "District": "oslaua"}
    directory = read_postcode_directory(path, mapping)
    assert directory.table.loc["ZZ1 1AA", "lsoa21"] == "Z01"
    with pytest.raises(JsnaInputError, match="lookup.csv: postcode lookup is missing column"):
        read_postcode_directory(path)


def test_lsoa_ward_lookup_rejects_two_wards_for_one_lsoa(tmp_path: Path) -> None:
    path = tmp_path / "lsoa_ward.csv"
    path.write_text("LSOA21CD,WD25CD\nZ01,Z05A\nZ01,Z05B\n", encoding="utf-8")
    with pytest.raises(JsnaInputError, match="LSOA Z01 is given two different wards"):
        read_lsoa_ward_lookup(path)


def test_real_lewisham_postcode_lookup() -> None:
    path = REAL_DATA / "lookups" / "lewisham_postcode_oa11_lsoa11_msoa11_wd22.csv"
    if not path.exists():
        pytest.skip("shared real data not available")
    directory = read_postcode_directory(path)
    # published rows: BR1 4BY -> LSOA E01003235, proposed 2022 ward E05013720, LA E09000023;
    # SE6 2AA -> E01003325, E05013730
    assert directory.lsoa_columns == ("lsoa11",)
    assert directory.table.loc["BR1 4BY", ["lsoa11", "ward_code", "la_code"]].tolist() == [
        "E01003235", "E05013720", "E09000023"]
    assert directory.table.loc["SE6 2AA", ["lsoa11", "ward_code"]].tolist() == [
        "E01003325", "E05013730"]
    # 8,419 data rows; each postcode once (Postcode7 has the 7-character form, PostcodeNatural
    # the pcds form we index by)
    assert directory.table.index.is_unique
    lsoa_wards = read_lsoa_ward_lookup(
        REAL_DATA / "lookups" / "lewisham_lsoa11_wd22_proposed.csv")
    assert lsoa_wards.lsoa_vintage == "lsoa11"
    assert len(lsoa_wards.ward_by_lsoa) == 169  # published file: 169 LSOAs
    assert lsoa_wards.ward_by_lsoa["E01003316"] == "E05013729"  # Perry Vale


def _reference_normalised(text: str | None) -> str | None:
    """Normalisation in plain Python: drop whitespace, upper case, a space before the last 3."""
    if text is None:
        return None
    squashed = re.sub(r"[ \t\n\f\r]+", "", text).upper()
    if not squashed:
        return None
    return f"{squashed[:-3]} {squashed[-3:]}" if 5 <= len(squashed) <= 7 else squashed


@given(st.lists(st.one_of(st.none(), st.text(alphabet=" \tabzAZ019é", max_size=10)),
                max_size=20))
def test_normalisation_matches_the_plain_python_reference(values: list[str | None]) -> None:
    # with and without tabs: both the regular-expression and the plain-kernel paths
    for texts in (values, [v.replace("\t", " ") if v else v for v in values]):
        assert normalise_postcodes(pa.array(texts, type=pa.string())).to_pylist() == [
            _reference_normalised(v) for v in texts]
