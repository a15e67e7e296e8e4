"""The demo council's state-funded schools (about 70 primary, 12 secondary, 3 special, 1 AP)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.demo.geography import DemoGeography, random_points_in
from jsna.demo.names import COUNCIL_NAME, SAINTS, SCHOOL_PLACES, SPECIAL_SCHOOL_NAMES

LA_NUMBER = 990
PRIMARY, SECONDARY, SPECIAL, AP = "Primary", "Secondary", "Special", "Alternative provision"
#: Special schools by the needs they specialise in (index into the special-school list).
SPECIAL_FOCUS = (
    "Communication and interaction",
    "Cognition, learning and physical",
    "Social, emotional and mental health",
)

_PRIMARY_TYPES = (
    ("Community school", 0.40),
    ("Academy converter", 0.25),
    ("Academy sponsor led", 0.08),
    ("Voluntary aided school", 0.12),
    ("Voluntary controlled school", 0.10),
    ("Free schools", 0.05),
)
_SECONDARY_TYPES = (
    ("Academy converter", 0.45),
    ("Academy sponsor led", 0.2),
    ("Community school", 0.15),
    ("Voluntary aided school", 0.1),
    ("Free schools", 0.1),
)
_SPECIAL_TYPES = ("Community special school", "Academy special converter", "Free schools special")


def _spread_points(
    rng: np.random.Generator, candidates: np.ndarray, n: int, gap: float
) -> np.ndarray:
    """Pick ``n`` candidate points, greedily keeping them at least ``gap`` metres apart."""
    chosen: list[np.ndarray] = []
    for point in candidates:
        if all(np.hypot(*(point - c)) >= gap for c in chosen):
            chosen.append(point)
        if len(chosen) == n:
            break
    while len(chosen) < n:  # gap too large for the area: fill with the remaining candidates
        chosen.append(candidates[rng.integers(len(candidates))])
    return np.array(chosen)


def _candidates(rng: np.random.Generator, geography: DemoGeography, n: int) -> np.ndarray:
    """Random points in LSOAs chosen in proportion to population (all LSOAs alike here)."""
    lsoas = geography.lsoas.geometry.to_numpy()
    picks = rng.integers(0, len(lsoas), n)
    return np.concatenate([random_points_in(rng, lsoas[i], 1) for i in picks])


def build_schools(rng: np.random.Generator, geography: DemoGeography) -> pd.DataFrame:
    """Schools of the demo council, placed at random (``rng``) within its ``geography``.

    Returns
    -------
    pandas.DataFrame
        ``URN, LAEstab, SchoolName, Phase, TypeOfEstablishment, Easting, Northing`` plus the model
        columns ``sixth_form`` (bool) and ``special_focus`` (index into ``SPECIAL_FOCUS`` or -1).
        Phase is one of "Primary", "Secondary", "Special", "Alternative provision".
    """
    n_wards = len(geography.wards)
    n_primary = max(4, round(70 * n_wards / 24))
    n_secondary = max(2, round(12 * n_wards / 24))
    area_km2 = geography.outline.area / 1e6
    primary_xy = _spread_points(
        rng,
        _candidates(rng, geography, n_primary * 20),
        n_primary,
        gap=0.5 * np.sqrt(area_km2 / n_primary) * 1000,
    )
    secondary_xy = _spread_points(
        rng,
        _candidates(rng, geography, n_secondary * 20),
        n_secondary,
        gap=0.7 * np.sqrt(area_km2 / n_secondary) * 1000,
    )
    central = geography.wards.geometry.iloc[
        int(np.argmax(geography.wards["WD25NM"].to_numpy() == f"{COUNCIL_NAME} Central"))
    ]
    special_xy = np.concatenate(
        [
            random_points_in(rng, geography.outline.buffer(-2000), 3),
            random_points_in(rng, central, 1),
        ]
    )

    ward_places = geography.wards["WD25NM"].str.replace(f"{COUNCIL_NAME} ", "").tolist()
    places = list(rng.permutation(np.array(sorted(set(SCHOOL_PLACES) | set(ward_places)))))
    places += [
        f"{place} {extra}" for extra in ("Park", "Green", "Hill", "Vale") for place in places
    ]
    saints = list(rng.permutation(np.array(SAINTS)))
    rows = []
    type_names = [t for t, _ in _PRIMARY_TYPES]
    type_p = np.array([p for _, p in _PRIMARY_TYPES])
    primary_types = rng.choice(type_names, size=n_primary, p=type_p / type_p.sum())
    community_estab, church_estab = 2000, 3000
    for k in range(n_primary):
        kind = str(primary_types[k])
        if kind.startswith("Voluntary"):
            church_estab += 1
            estab = church_estab
            saint = saints.pop(0) if saints else places.pop(0)
            faith = "Catholic" if kind == "Voluntary aided school" and k % 2 else "CE"
            name = f"{saint} {faith} Primary School"
        else:
            community_estab += 1
            estab = community_estab
            suffix = (
                "Primary Academy"
                if kind.startswith("Academy") or kind == "Free schools"
                else "Primary School"
            )
            name = f"{places.pop(0)} {suffix}"
        rows.append((estab, name, PRIMARY, kind, primary_xy[k], False, -1))
    type_names = [t for t, _ in _SECONDARY_TYPES]
    type_p = np.array([p for _, p in _SECONDARY_TYPES])
    secondary_types = rng.choice(type_names, size=n_secondary, p=type_p / type_p.sum())
    sixth = rng.random(n_secondary) < 0.7
    sixth[0] = True
    for k in range(n_secondary):
        kind = str(secondary_types[k])
        if kind == "Voluntary aided school":
            name = f"{saints.pop(0) if saints else places.pop(0)} Catholic High School"
        elif kind.startswith("Academy") or kind == "Free schools":
            name = f"{places.pop(0)} Academy"
        else:
            name = f"{places.pop(0)} High School"
        rows.append((4001 + k, name, SECONDARY, kind, secondary_xy[k], bool(sixth[k]), -1))
    special_names = rng.permutation(np.array(SPECIAL_SCHOOL_NAMES))
    for k in range(3):
        suffix = "Academy" if "Academy" in _SPECIAL_TYPES[k] else "School"
        rows.append(
            (
                7001 + k,
                f"{special_names[k]} {suffix}",
                SPECIAL,
                _SPECIAL_TYPES[k],
                special_xy[k],
                True,
                k,
            )
        )
    rows.append(
        (
            1101,
            f"{COUNCIL_NAME} Pupil Referral Unit",
            AP,
            "Pupil referral unit",
            special_xy[3],
            False,
            -1,
        )
    )

    urns = 900000 + rng.choice(100000, size=len(rows), replace=False)
    xy = np.array([r[4] for r in rows]).astype(np.int64)
    return pd.DataFrame(
        {
            "URN": urns.astype(np.int64),
            "LAEstab": [f"{LA_NUMBER}{r[0]:04d}" for r in rows],
            "SchoolName": [r[1] for r in rows],
            "Phase": [r[2] for r in rows],
            "TypeOfEstablishment": [r[3] for r in rows],
            "Easting": xy[:, 0],
            "Northing": xy[:, 1],
            "sixth_form": [r[5] for r in rows],
            "special_focus": [r[6] for r in rows],
        }
    )
