"""Census files: layout, dirt, panel structure and calibration to England 2020/21-2024/25.

Every figure is re-counted from the CSV files with plain pandas; nothing is read back from the
generator. Calibration targets are the published England figures (EHC plans 3.7, 4.0, 4.3, 4.8,
5.3%; SEN support 12.2, 12.6, 13.0, 13.6, 14.2% in January 2021-2025).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from demo_helpers import counted_pupils, read_census
from stdnum.gb import upn as stdnum_upn

from jsna.demo import write_demo

YEARS = range(2021, 2026)
COLUMNS = [
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
# Year group -> age on 31 August before the census (DfE: Reception = 4, Year 1 = 5, ... N1 = 2).
NC_NUMBER = {"N1": -2, "N2": -1, "R": 0, **{str(k): k for k in range(1, 15)}}
NEED_CODES = {
    "ASD",
    "HI",
    "MLD",
    "MSI",
    "OTH",
    "PD",
    "PMLD",
    "SEMH",
    "SLCN",
    "SLD",
    "SPLD",
    "VI",
    "NSA",
}


@pytest.fixture(scope="module")
def censuses(default_demo):
    return {year: read_census(default_demo, year) for year in YEARS}


@pytest.fixture(scope="module")
def counted(censuses):
    return {year: counted_pupils(frame) for year, frame in censuses.items()}


@pytest.fixture(scope="module")
def deciles(default_demo):
    """Postcode -> IMD decile, joined independently from the lookup and the IMD file."""
    lookup = pd.read_csv(default_demo / "geography" / "postcode_lookup.csv", dtype=str)
    imd = pd.read_csv(default_demo / "geography" / "imd.csv", encoding="utf-8-sig", dtype=str)
    decile = dict(zip(imd.iloc[:, 0], imd.iloc[:, 5].astype(int), strict=True))
    return lookup.set_index("pcds")["lsoa21"].map(decile)


def _tidy_postcode(text: pd.Series) -> pd.Series:
    squashed = text.str.upper().str.replace(" ", "", regex=False)
    return squashed.str[:-3] + " " + squashed.str[-3:]


def _age_on_31_august(dob: pd.Series, year: int) -> pd.Series:
    born = pd.to_datetime(dob, format="%d/%m/%Y", errors="coerce")  # dirt: NaT
    birthday_after = (born.dt.month > 8).astype(int)
    return (year - 1) - born.dt.year - birthday_after


def test_layout_and_formats(censuses, default_demo):
    schools = pd.read_csv(default_demo / "schools.csv", dtype=str)
    urn_of = dict(zip(schools["LAEstab"], schools["URN"], strict=True))
    def mostly(values: pd.Series, clean: pd.Series, rare: str) -> None:
        # the clean form, apart from the rarer dirt (about a tenth of the dirt rate per kind)
        assert clean.mean() > 0.99
        assert values[~clean].str.fullmatch(rare).all(), set(values[~clean])

    for year, frame in censuses.items():
        # the oldest extract has no FSM column (dirt: fsm_column_absent)
        wanted = [c for c in COLUMNS if c != "FSMeligible"] if year == min(censuses) else COLUMNS
        assert list(frame.columns) == wanted
        mostly(frame["UPN"], frame["UPN"].str.fullmatch(r"[A-HJ-NP-RT-Z]\d{12}"),
               r"|[A-HJ-NP-RT-Z]\d{11}[A-Z]?")  # blank, cut short, temporary
        mostly(frame["DOB"], frame["DOB"].str.fullmatch(r"\d{2}/\d{2}/\d{4}"),
               r"|\d{4}\.\d{2}\.\d{2}")
        mostly(frame["Gender"], frame["Gender"].isin(["M", "F"]), "|U")
        mostly(frame["NCYearActual"], frame["NCYearActual"].isin(list(NC_NUMBER)), "|15")
        mostly(frame["EnrolStatus"], frame["EnrolStatus"].isin(["C", "M", "S", "G"]), "|X")
        assert {"C", "M", "S", "G"} <= set(frame["EnrolStatus"])
        if "FSMeligible" in frame:
            mostly(frame["FSMeligible"], frame["FSMeligible"].isin(["true", "false"]), "|2")
        both = frame["LAEstab"].isin(list(urn_of)) & frame["URN"].str.fullmatch(r"\d{6}")
        assert both.mean() > 0.99
        assert (frame.loc[both, "LAEstab"].map(urn_of) == frame.loc[both, "URN"]).all()
        tidy = frame["SENType2"].str.strip().str.upper()
        assert set(tidy) <= NEED_CODES | {"", "DYS", "BESD"}


def test_about_thirty_thousand_pupils(counted):
    for rows in counted.values():
        assert 27_000 <= len(rows) <= 36_000


def test_invalid_check_letters_are_about_the_dirt_rate(censuses):
    for frame in censuses.values():
        full = frame["UPN"][frame["UPN"].str.len() == 13]  # not the blank or cut-short dirt
        valid = np.array([stdnum_upn.calc_check_digit(u[1:]) == u[0] for u in full])
        assert 0.005 <= 1 - valid.mean() <= 0.016


def test_dual_registrations_pair_main_and_subsidiary(censuses):
    for frame in censuses.values():
        main = frame[frame["EnrolStatus"] == "M"]
        subsidiary = frame[frame["EnrolStatus"] == "S"]
        assert 0.005 * len(frame) < len(subsidiary) < 0.016 * len(frame)
        assert len(main) == len(subsidiary)
        paired = subsidiary.merge(main, on="UPN", suffixes=("_s", "_m"))
        assert len(paired) >= 0.95 * len(subsidiary)  # the rest had their UPN mistyped
        assert (paired["LAEstab_s"] != paired["LAEstab_m"]).all()
        assert (paired["DOB_s"] == paired["DOB_m"]).mean() > 0.95  # DOB dirt hits rows singly
        guests = (frame["EnrolStatus"] == "G").mean()
        assert 0 < guests < 0.005


def test_other_dirt_is_present_and_recoverable(censuses, deciles):
    for frame in censuses.values():
        provision = frame["SENprovision"]
        messy = ~provision.isin(["N", "K", "E"])
        assert 0.004 < messy.mean() < 0.016
        # rarer dirt: blank, not a code, a statement code after 2018
        assert set(provision.str.strip().str.upper()) <= {"N", "K", "E", "", "X", "S"}
        need = frame["SENType1"]
        tidy_need = need.str.strip().str.upper()
        assert (tidy_need.isin(NEED_CODES | {"ADHD", "BESD"}) | (need == "")).all()
        assert (need != need.str.strip().str.upper()).any()
        tidy_sen = provision.str.strip().str.upper()
        blank_for_sen = tidy_sen.isin(["E", "K"]) & (need == "")
        assert 0 < blank_for_sen.sum() < 0.03 * tidy_sen.isin(["E", "K"]).sum()
        assert 0 < (need[tidy_sen == "N"] != "").mean() < 0.005  # need_without_sen dirt
        postcode = frame["Postcode"]
        assert postcode.str.fullmatch(r"[A-Z]{2}\d{1,2}\d[A-Z]{2}").any()  # no space
        assert postcode.str.fullmatch(r"[a-z]{2}\d{1,2} \d[a-z]{2}").any()  # lower case
        odd = postcode.isin(["", "NOT KNOWN"])  # blank and malformed (rarer dirt)
        assert 0 < odd.mean() < 0.005
        postcode = postcode[~odd]
        tidy = _tidy_postcode(postcode)
        assert tidy.str.fullmatch(r"[A-Z]{2}\d{1,2} \d[A-Z]{2}").all()
        unmatched = ~tidy.isin(deciles.index)
        assert 0.004 < unmatched.mean() < 0.016


def test_dates_of_birth_fit_the_year_group_apart_from_a_handful(censuses):
    for year, frame in censuses.items():
        expected = frame["NCYearActual"].map(NC_NUMBER) + 4
        age = _age_on_31_august(frame["DOB"], year)
        known = age.notna() & expected.notna()  # not the blank or unreadable dirt
        wrong = age[known] != expected[known]
        assert 0 < wrong.sum() <= 0.003 * len(frame)


def test_calibrated_to_england(counted):
    plan = {y: 100 * (rows["sen"] == "E").mean() for y, rows in counted.items()}
    support = {y: 100 * (rows["sen"] == "K").mean() for y, rows in counted.items()}
    assert 5.0 <= plan[2025] <= 5.6
    assert 13.6 <= support[2025] <= 14.8
    assert all(plan[y] < plan[y + 1] for y in range(2021, 2025))
    assert plan[2021] == pytest.approx(3.7, abs=0.3)
    assert support[2021] == pytest.approx(12.2, abs=0.6)


def test_primary_needs(counted):
    rows = counted[2025]
    plan_needs = rows.loc[(rows["sen"] == "E") & (rows["need"] != ""), "need"].value_counts()
    support_needs = rows.loc[(rows["sen"] == "K") & (rows["need"] != ""), "need"].value_counts()
    assert plan_needs.index[0] == "ASD"
    assert 0.28 <= plan_needs["ASD"] / plan_needs.sum() <= 0.40
    assert set(plan_needs.index[:3]) == {"ASD", "SEMH", "SLCN"}
    assert plan_needs.get("NSA", 0) < 0.02 * plan_needs.sum()  # only the nsa_with_ehc_plan dirt
    assert support_needs.index[0] == "SLCN"
    assert {"SEMH", "SPLD", "MLD"} <= set(support_needs.index[:4])


def test_sen_is_mostly_boys(counted):
    for rows in counted.values():
        sen = rows[rows["sen"] != "N"]
        assert 0.58 <= (sen["Gender"] == "M").mean() <= 0.68


def test_deprivation_and_fsm_gradients(counted, deciles):
    rows = counted[2025].copy()
    rows["decile"] = _tidy_postcode(rows["Postcode"]).map(deciles)
    most, least = rows[rows["decile"] <= 2], rows[rows["decile"] >= 9]
    assert len(most) > 1000 and len(least) > 1000
    assert (most["sen"] != "N").mean() > (least["sen"] != "N").mean()
    assert (most["sen"] == "K").mean() / (least["sen"] == "K").mean() >= 1.3
    fsm = rows["FSMeligible"] == "true"
    assert 0.22 <= fsm.mean() <= 0.29
    assert fsm[most.index].mean() > 1.5 * fsm[least.index].mean()
    assert fsm[rows["sen"] != "N"].mean() > fsm[rows["sen"] == "N"].mean()


def test_some_pupils_live_outside_and_special_schools_hold_plans(counted, default_demo):
    schools = pd.read_csv(default_demo / "schools.csv", dtype=str)
    special = set(schools.loc[schools["Phase"] == "Special", "LAEstab"])
    for rows in counted.values():
        outside = rows["Postcode"].str.upper().str.startswith("XM").mean()
        assert 0.03 <= outside <= 0.08
        in_special = rows[rows["LAEstab"].isin(special)]
        assert len(in_special) > 300
        assert (in_special["sen"] == "E").mean() >= 0.95


def test_panel_pupils_move_up_a_year(counted):
    for year in range(2021, 2025):
        now, later = counted[year], counted[year + 1]
        staying = now[~now["NCYearActual"].isin(["11", "13", "14"])]
        later = later[later["UPN"] != ""]  # a blank UPN (dirt) cannot be followed
        nc_next = later.set_index("UPN")["NCYearActual"].map(NC_NUMBER)
        found = staying["UPN"].map(nc_next)
        moved_up = (found == staying["NCYearActual"].map(NC_NUMBER) + 1).mean()
        assert moved_up >= 0.80


def test_sen_status_persists(counted):
    for year in range(2021, 2025):
        pair = counted[year][["UPN", "sen"]].merge(
            counted[year + 1][["UPN", "sen"]], on="UPN", suffixes=("_now", "_next")
        )
        plan = pair[pair["sen_now"] == "E"]
        support = pair[pair["sen_now"] == "K"]
        assert (plan["sen_next"] == "E").mean() >= 0.9
        assert (support["sen_next"] != "N").mean() >= 0.7
        assert ((pair["sen_now"] == "N") & (pair["sen_next"] != "N")).mean() < 0.05


def test_no_dirt_when_dirt_rate_is_zero(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clean_demo")
    write_demo(folder, seed=3, dirt_rate=0.0, years=2, n_wards=4)
    lookup = pd.read_csv(folder / "geography" / "postcode_lookup.csv", dtype=str)
    for year in (2024, 2025):
        frame = read_census(folder, year)
        assert all(stdnum_upn.calc_check_digit(u[1:]) == u[0] for u in frame["UPN"])
        assert frame["UPN"].is_unique
        assert set(frame["EnrolStatus"]) == {"C"}
        assert set(frame["SENprovision"]) == {"N", "K", "E"}
        sen = frame["SENprovision"] != "N"
        assert frame.loc[sen, "SENType1"].isin(NEED_CODES).all()
        assert frame["Postcode"].isin(lookup["pcds"]).all()
        expected = frame["NCYearActual"].map(NC_NUMBER) + 4
        assert (_age_on_31_august(frame["DOB"], year) == expected).all()


def test_resident_pupils_fit_within_the_resident_population(counted, default_demo):
    # Pupils in Years 1-6 living in the council (January 2025) against residents aged 5-10 at
    # mid-2024: most children attend the council's state schools, a few go elsewhere.
    pop = pd.read_csv(default_demo / "population" / "population_sya.csv", dtype={"period": str})
    la = pop[
        (pop["geography"] == "Local authority")
        & (pop["sex"] == "Persons")
        & (pop["period"] == "2024-06-30")
    ]
    residents = int(la[[str(a) for a in range(5, 11)]].sum(axis=1).iloc[0])
    rows = counted[2025]
    resident = rows["Postcode"].str.upper().str.startswith("DM")
    primary_age = rows["NCYearActual"].isin([str(k) for k in range(1, 7)])
    assert 0.8 <= (resident & primary_age).sum() / residents <= 1.0
