"""Resident population of the demo council by LSOA, sex and single year of age.

Children (ages 0-19) come from the individual-level pupil model so that pupils and residents agree;
adults are projected from a base-year profile with survival and a little net migration. The output
follows the ONS mid-year estimate layout of the published Trafford file (``period, area_code,
area_name, geography, sex, all_ages, aged_0_to_15, aged_16_to_64, aged_65_and_over, 0 .. 89, 90+``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.demo.geography import COUNCIL_CODE, DemoGeography
from jsna.demo.names import COUNCIL_NAME

#: Ages 0..89 and 90+ (index 90).
N_AGES = 91
CHILD_AGES = 20
FEMALE, MALE = 0, 1


def _age_template() -> np.ndarray:
    """Approximate England share of the population at each single year of age (sums to 1)."""
    knots_age = np.array([0, 10, 19, 22, 30, 40, 50, 57, 65, 72, 80, 85, 89])
    knots_share = np.array(
        [1.10, 1.20, 1.15, 1.30, 1.40, 1.30, 1.35, 1.40, 1.15, 1.05, 0.70, 0.45, 0.30]
    )
    share = np.interp(np.arange(90), knots_age, knots_share)
    share = np.append(share, 0.85)  # 90+
    return share / share.sum()


def _male_share() -> np.ndarray:
    """Share of males at each single year of age."""
    ages = np.arange(N_AGES)
    return np.interp(ages, [0, 20, 60, 75, 85, 90], [0.512, 0.505, 0.49, 0.47, 0.42, 0.33])


def base_population(rng: np.random.Generator, geography: DemoGeography) -> np.ndarray:
    """Expected base-year counts for every home area (council LSOAs and outside areas).

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream.
    geography : DemoGeography
        The council; ``areas`` gives deprivation.

    Returns
    -------
    numpy.ndarray
        ``(n_areas, 2, 91)`` float array (female, male). Outside areas hold only the children
        who might attend the council's schools (about 5% of pupils).
    """
    areas = geography.areas
    n_areas = len(areas)
    inside = areas["inside"].to_numpy()
    dep = areas["dep_z"].to_numpy()
    size = np.clip(rng.normal(1420.0, 220.0, n_areas), 1000.0, 2000.0)
    template = _age_template()
    ages = np.arange(N_AGES)
    young = ((ages < 20) | ((ages >= 22) & (ages <= 40))).astype(float)
    old = (ages >= 60).astype(float)
    tilt = 1.0 + 0.10 * dep[:, None] * young[None, :] - 0.12 * dep[:, None] * old[None, :]
    profile = template[None, :] * np.clip(tilt, 0.5, 1.5)
    profile /= profile.sum(axis=1, keepdims=True)
    persons = size[:, None] * profile
    male = _male_share()
    counts = np.stack([persons * (1 - male), persons * male], axis=1)
    n_inside = int(inside.sum())
    outside_children = 0.06 * counts[:n_inside, :, :CHILD_AGES].sum() / max(n_areas - n_inside, 1)
    outside = counts[n_inside:, :, :CHILD_AGES]
    outside *= outside_children / outside.sum(axis=(1, 2), keepdims=True)
    counts[n_inside:, :, CHILD_AGES:] = 0.0
    return counts


def _survival() -> np.ndarray:
    """One-year survival probability by age (simple Gompertz mortality)."""
    ages = np.arange(N_AGES, dtype=float)
    mortality = np.minimum(0.00008 * np.exp(0.095 * ages), 0.6)
    mortality[90] = 0.25
    return 1.0 - mortality


def project_adults(
    rng: np.random.Generator, base: np.ndarray, child_counts: dict[int, np.ndarray]
) -> dict[int, np.ndarray]:
    """Whole-population counts for each mid-year, adults projected from ``base``.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream.
    base : numpy.ndarray
        ``(n_lsoas, 2, 91)`` expected counts in the first mid-year (council LSOAs only).
    child_counts : dict of int to numpy.ndarray
        Mid-year -> ``(n_lsoas, 2, 20)`` integer counts of resident children from the pupil model.

    Returns
    -------
    dict of int to numpy.ndarray
        Mid-year -> ``(n_lsoas, 2, 91)`` integer counts.
    """
    years = sorted(child_counts)
    survival = _survival()
    adults = base[:, :, CHILD_AGES:].copy()
    result: dict[int, np.ndarray] = {}
    for k, year in enumerate(years):
        if k > 0:
            previous = result[years[k - 1]].astype(float)
            aged = previous[:, :, :-1] * survival[None, None, :-1]
            new = np.zeros_like(previous)
            new[:, :, 1:] = aged
            new[:, :, 90] += previous[:, :, 90] * survival[90]
            migration = rng.normal(1.0, 0.02, new.shape)
            adults = new[:, :, CHILD_AGES:] * migration[:, :, CHILD_AGES:]
        whole = np.zeros(base.shape, dtype=np.int64)
        whole[:, :, :CHILD_AGES] = child_counts[year]
        whole[:, :, CHILD_AGES:] = np.floor(adults + rng.random(adults.shape)).astype(np.int64)
        result[year] = whole
    return result


def population_table(
    geography: DemoGeography, counts_by_year: dict[int, np.ndarray],
    other_councils: dict[str, tuple[str, dict[int, np.ndarray]]] | None = None,
) -> pd.DataFrame:
    """ONS mid-year estimate table: local authority, ward and LSOA rows by sex.

    Parameters
    ----------
    geography : DemoGeography
        Codes and names of LSOAs and wards.
    counts_by_year : dict of int to numpy.ndarray
        Mid-year -> ``(n_lsoas, 2, 91)`` integer counts.
    other_councils : dict, optional
        Council code -> (name, mid-year -> ``(2, 91)`` integer counts): the demo's other
        councils (its neighbours, the rest of its regions), written as local authority rows
        after the council's own, as ONS's file has every council.

    Returns
    -------
    pandas.DataFrame
        One row per period, area and sex; LSOA rows sum exactly to ward and LA rows.
    """
    lsoas = geography.lsoas
    ward_codes = geography.wards["WD25CD"].to_numpy()
    ward_names = geography.wards["WD25NM"].to_numpy()
    ward_index = pd.Index(ward_codes).get_indexer(lsoas["WD25CD"])
    blocks = []
    for year in sorted(counts_by_year):
        lsoa_counts = counts_by_year[year]
        ward_counts = np.zeros((len(ward_codes), 2, N_AGES), dtype=np.int64)
        np.add.at(ward_counts, ward_index, lsoa_counts)
        la_counts = lsoa_counts.sum(axis=0, keepdims=True)
        for geography_name, codes, names, values in (
            ("Local authority", [COUNCIL_CODE], [COUNCIL_NAME], la_counts),
            ("Ward", ward_codes, ward_names, ward_counts),
            ("LSOA", lsoas["LSOA21CD"].to_numpy(), lsoas["LSOA21NM"].to_numpy(), lsoa_counts),
        ):
            blocks.append(_block(year, geography_name, codes, names, values))
    others = other_councils or {}
    for year in sorted(counts_by_year):
        if others:
            blocks.append(_block(year, "Local authority", list(others),
                                 [name for name, _ in others.values()],
                                 np.stack([counts[year] for _, counts in others.values()])))
    return pd.concat(blocks, ignore_index=True)


def _block(year: int, geography_name: str, codes, names, values: np.ndarray) -> pd.DataFrame:
    """Rows of one mid-year and kind of area in ONS's layout: Persons, Females, Males each."""
    age_columns = [str(a) for a in range(90)] + ["90+"]
    by_sex = np.stack([values.sum(axis=1), values[:, FEMALE], values[:, MALE]], axis=1)
    n = len(codes)
    flat = by_sex.reshape(n * 3, N_AGES)
    block = pd.DataFrame(flat, columns=age_columns)
    block.insert(0, "aged_65_and_over", flat[:, 65:].sum(axis=1))
    block.insert(0, "aged_16_to_64", flat[:, 16:65].sum(axis=1))
    block.insert(0, "aged_0_to_15", flat[:, :16].sum(axis=1))
    block.insert(0, "all_ages", flat.sum(axis=1))
    block.insert(0, "sex", np.tile(["Persons", "Females", "Males"], n))
    block.insert(0, "geography", geography_name)
    block.insert(0, "area_name", np.repeat(np.asarray(names, dtype=object), 3))
    block.insert(0, "area_code", np.repeat(np.asarray(codes, dtype=object), 3))
    block.insert(0, "period", f"{year}-06-30")
    return block


def other_council_counts(
    rng: np.random.Generator, council_counts: dict[int, np.ndarray],
    others: dict[str, str],
) -> dict[str, tuple[str, dict[int, np.ndarray]]]:
    """Residents of the demo's other councils by mid-year, sex and age: the council's own
    profile scaled to 30,000-180,000 residents aged 2 to 18, with a little noise at each age.

    Parameters
    ----------
    rng : numpy.random.Generator
        A stream of its own (other demo files do not change).
    council_counts : dict of int to numpy.ndarray
        Mid-year -> ``(n_lsoas, 2, 91)`` counts of the demo council.
    others : dict of str to str
        Council code -> name.

    Returns
    -------
    dict
        Code -> (name, mid-year -> ``(2, 91)`` integer counts).
    """
    years = sorted(council_counts)
    own = {year: council_counts[year].sum(axis=0).astype(float) for year in years}
    children = own[years[-1]][:, 2:19].sum()
    out = {}
    for code, name in others.items():
        scale = float(rng.integers(30_000, 180_000)) / children
        tilt = np.exp(rng.normal(0.0, 0.03, (2, N_AGES)))
        out[code] = (name, {year: np.floor(own[year] * scale * tilt
                                           + rng.random((2, N_AGES))).astype(np.int64)
                            for year in years})
    return out
