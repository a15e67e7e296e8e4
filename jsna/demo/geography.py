"""Synthetic geography of the demo council on the British National Grid (EPSG:27700).

Builds an irregular council outline, wards as Voronoi cells clipped to it, LSOAs as Voronoi cells
inside each ward, an IMD-like deprivation ranking with a deprived town centre, and an ONSPD-style
postcode lookup (``DM`` postcodes inside the council, ``XM`` postcodes just outside it).
"""

from __future__ import annotations

import string
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.special import ndtri
from shapely.geometry import MultiPoint, Polygon

from jsna.demo.names import COUNCIL_NAME, WARD_NAMES

COUNCIL_CODE = "Z06000001"
OUTSIDE_COUNCIL_CODE = "Z06000002"
CRS = "EPSG:27700"
CENTRE = (452_000.0, 348_000.0)
#: Number of LSOAs in England for IoD 2025 (ranks run 1..N_NATIONAL_LSOAS).
N_NATIONAL_LSOAS = 33_755
#: Letters allowed in the last two characters of a postcode.
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@dataclass(frozen=True)
class DemoGeography:
    """Everything geographic about the demo council.

    Attributes
    ----------
    outline : shapely.Polygon
        The council boundary.
    wards : geopandas.GeoDataFrame
        ``WD25CD, WD25NM, geometry``.
    lsoas : geopandas.GeoDataFrame
        ``LSOA21CD, LSOA21NM, WD25CD, WD25NM, geometry``.
    areas : pandas.DataFrame
        One row per home area used by the pupil model: the council's LSOAs first, then the small
        areas just outside the council. Columns ``code, ward_code, inside, x, y, dep_z`` (``dep_z``
        is a standard-normal deprivation score, higher = more deprived).
    imd : pandas.DataFrame
        ``LSOA21CD, imd_rank, imd_decile`` for the council's LSOAs.
    postcodes : pandas.DataFrame
        ``pcds, lsoa21, osward, oslaua, oseast1m, osnrth1m, area`` where ``area`` indexes ``areas``.
    """

    outline: Polygon
    wards: gpd.GeoDataFrame
    lsoas: gpd.GeoDataFrame
    areas: pd.DataFrame
    imd: pd.DataFrame
    postcodes: pd.DataFrame

    @property
    def n_lsoas(self) -> int:
        """Number of LSOAs inside the council."""
        return len(self.lsoas)


def random_points_in(rng: np.random.Generator, polygon, n: int) -> np.ndarray:
    """Uniform random points strictly inside ``polygon`` on a 1 m grid.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream.
    polygon : shapely geometry
        Area to sample.
    n : int
        Number of points.

    Returns
    -------
    numpy.ndarray
        ``(n, 2)`` array of integer-valued eastings and northings.
    """
    minx, miny, maxx, maxy = polygon.bounds
    shapely.prepare(polygon)
    found: list[np.ndarray] = []
    count = 0
    share = max(polygon.area / ((maxx - minx) * (maxy - miny)), 0.05)
    while count < n:
        batch = int((n - count) / share * 1.3) + 16
        xy = np.column_stack(
            [rng.uniform(minx, maxx, batch), rng.uniform(miny, maxy, batch)]
        ).round()
        keep = xy[shapely.contains_xy(polygon, xy[:, 0], xy[:, 1])]
        found.append(keep)
        count += len(keep)
    return np.concatenate(found)[:n]


def _noisy_outline(rng: np.random.Generator, radius: float) -> Polygon:
    """A star-shaped, smoothly irregular council boundary around ``CENTRE``."""
    theta = np.linspace(0.0, 2.0 * np.pi, 240, endpoint=False)
    r = np.ones_like(theta)
    for k, amplitude in ((2, 0.10), (3, 0.07), (4, 0.045), (5, 0.03), (7, 0.015), (11, 0.008)):
        r += amplitude * rng.uniform(0.5, 1.0) * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    r *= radius
    x = np.round(CENTRE[0] + r * np.cos(theta))
    y = np.round(CENTRE[1] + r * np.sin(theta))
    return Polygon(np.column_stack([x, y]))


def _voronoi_cells(points: np.ndarray, region) -> list:
    """Voronoi cells of ``points`` clipped to ``region``, in the order of ``points``."""
    cells = shapely.voronoi_polygons(
        MultiPoint(points), extend_to=region.envelope.buffer(1000), ordered=True
    )
    return [cell.intersection(region) for cell in shapely.get_parts(cells)]


def _relaxed_cells(rng: np.random.Generator, region, n: int, iterations: int = 3) -> list:
    """Evenly sized Voronoi cells covering ``region`` (Lloyd relaxation of random seeds)."""
    points = random_points_in(rng, region, n).astype(float)
    for _ in range(iterations):
        cells = _voronoi_cells(points, region)
        centroids = shapely.get_coordinates(shapely.centroid(cells))
        inside = shapely.contains_xy(region, centroids[:, 0], centroids[:, 1])
        points = np.where(inside[:, None], centroids, points)
    return _merge_fragments(_voronoi_cells(points, region))


def _merge_fragments(cells: list) -> list:
    """Give detached fragments of a cell to the neighbour sharing most boundary with them."""
    cells = list(cells)
    for i, cell in enumerate(cells):
        if cell.geom_type != "MultiPolygon":
            continue
        parts = sorted(shapely.get_parts(cell), key=lambda p: p.area, reverse=True)
        kept = parts[0]
        for part in parts[1:]:
            shared = [
                part.boundary.intersection(other.boundary).length if j != i else -1.0
                for j, other in enumerate(cells)
            ]
            j = int(np.argmax(shared))
            if shared[j] > 0:
                cells[j] = shapely.union(cells[j], part)
            else:
                kept = shapely.union(kept, part)
        cells[i] = kept
    return cells


def _deprivation(rng: np.random.Generator, xy: np.ndarray, radius: float) -> np.ndarray:
    """IMD-like score: a deprived town centre, one deprived outer estate and local noise."""
    centre_distance = np.hypot(xy[:, 0] - CENTRE[0], xy[:, 1] - CENTRE[1]) / radius
    angle = rng.uniform(0, 2 * np.pi)
    estate = np.array(CENTRE) + 0.6 * radius * np.array([np.cos(angle), np.sin(angle)])
    estate_distance = np.hypot(xy[:, 0] - estate[0], xy[:, 1] - estate[1]) / radius
    return (
        2.0 * np.exp(-centre_distance / 0.35)
        + 1.2 * np.exp(-estate_distance / 0.18)
        + rng.normal(0.0, 0.35, len(xy))
    )


def _national_ranks(rng: np.random.Generator, score: np.ndarray) -> np.ndarray:
    """Unique national IMD ranks (1 = most deprived) preserving the order of ``score``."""
    n = len(score)
    order = np.argsort(-score, kind="stable")
    q = (np.arange(n) + 0.5) / n
    p = 0.015 + 0.97 * q**1.15 + rng.normal(0, 0.004, n)
    ranks_sorted = np.clip(np.round(np.sort(p) * N_NATIONAL_LSOAS), 1, N_NATIONAL_LSOAS)
    ranks_sorted = ranks_sorted.astype(np.int64)
    for k in range(1, n):  # strictly increasing, so ranks are unique
        ranks_sorted[k] = max(ranks_sorted[k], ranks_sorted[k - 1] + 1)
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = ranks_sorted
    return ranks


def imd_decile(rank: np.ndarray) -> np.ndarray:
    """National IMD decile from a national rank.

    Parameters
    ----------
    rank : numpy.ndarray of int
        National ranks, 1 (most deprived) .. ``N_NATIONAL_LSOAS``.

    Returns
    -------
    numpy.ndarray of int
        Deciles 1 (most deprived 10%) .. 10.
    """
    return (np.asarray(rank) - 1) * 10 // N_NATIONAL_LSOAS + 1


def _cluster(rng: np.random.Generator, xy: np.ndarray, k: int, iterations: int = 8) -> np.ndarray:
    """Plain k-means labels for ``xy`` (seeded from random rows)."""
    centres = xy[rng.choice(len(xy), size=k, replace=False)].astype(float)
    labels = np.zeros(len(xy), dtype=np.int64)
    for _ in range(iterations):
        distance = np.hypot(
            xy[:, None, 0] - centres[None, :, 0], xy[:, None, 1] - centres[None, :, 1]
        )
        labels = distance.argmin(axis=1)
        for j in range(k):
            if np.any(labels == j):
                centres[j] = xy[labels == j].mean(axis=0)
    return labels


def _unit_codes(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` distinct postcode units such as ``7QX`` minus the sector digit (``QX``)."""
    letters = np.array(list(POSTCODE_UNIT_LETTERS))
    pairs = np.char.add(letters[:, None], letters[None, :]).ravel()
    if n > len(pairs):
        raise ValueError("too many postcodes for one postcode sector")
    return pairs[rng.choice(len(pairs), size=n, replace=False)]


def _postcodes_for(
    rng: np.random.Generator,
    area_prefix: str,
    district_of_area: np.ndarray,
    counts: np.ndarray,
) -> np.ndarray:
    """Distinct postcodes ``<prefix><district> <sector><unit>`` for each area.

    Areas in the same district get sector digits 1..9 in turn; sector 0 is never used, so
    ``<prefix><district> 0..`` is a valid-looking postcode that is guaranteed not to exist.
    """
    sector = np.zeros(len(counts), dtype=np.int64)
    for district in np.unique(district_of_area):
        members = np.flatnonzero(district_of_area == district)
        sector[members] = np.arange(len(members)) % 9 + 1
    codes = np.empty(int(counts.sum()), dtype=object)
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    for district, sec in sorted({(d, s) for d, s in zip(district_of_area, sector, strict=True)}):
        members = np.flatnonzero((district_of_area == district) & (sector == sec))
        units = _unit_codes(rng, int(counts[members].sum()))
        used = 0
        for m in members:
            chosen = units[used : used + counts[m]]
            used += counts[m]
            codes[start[m] : start[m] + counts[m]] = [
                f"{area_prefix}{district} {sec}{u}" for u in chosen
            ]
    return codes


def build_geography(rng: np.random.Generator, n_wards: int = 24) -> DemoGeography:
    """Build the demo council's geography.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream (the result depends only on it and ``n_wards``).
    n_wards : int, default 24
        Number of wards; the council's area scales with it (about 13 km² per ward).

    Returns
    -------
    DemoGeography
        Outline, wards, LSOAs, deprivation, home areas and postcodes.
    """
    if n_wards > len(WARD_NAMES):
        raise ValueError(f"at most {len(WARD_NAMES)} wards are supported")
    radius = 10_000.0 * np.sqrt(n_wards / 24)
    outline = _noisy_outline(rng, radius)

    # Wards: relaxed Voronoi cells; the ward nearest the centre is "Demoton Central", the other
    # names follow in random order; codes go alphabetically by name as ONS codes roughly do.
    ward_cells = _relaxed_cells(rng, outline, n_wards)
    ward_xy = shapely.get_coordinates(shapely.centroid(ward_cells))
    central = int(np.argmin(np.hypot(ward_xy[:, 0] - CENTRE[0], ward_xy[:, 1] - CENTRE[1])))
    other_names = list(rng.permutation(np.array(WARD_NAMES[1:]))[: n_wards - 1])
    names = [""] * n_wards
    names[central] = WARD_NAMES[0]
    for i in [i for i in range(n_wards) if i != central]:
        names[i] = str(other_names.pop(0))
    order = np.argsort(names, kind="stable")
    ward_cells = [ward_cells[i] for i in order]
    ward_names = [names[i] for i in order]
    ward_codes = [f"Z05{k + 1:06d}" for k in range(n_wards)]
    wards = gpd.GeoDataFrame(
        {"WD25CD": ward_codes, "WD25NM": ward_names}, geometry=ward_cells, crs=CRS
    )

    # LSOAs: 4-8 relaxed Voronoi cells inside each ward, named "Demoton 001A" after the ward index.
    lsoa_rows = []
    for w in range(n_wards):
        k = int(rng.integers(4, 9))
        cells = _relaxed_cells(rng, ward_cells[w], k, iterations=2)
        for j, cell in enumerate(cells):
            lsoa_rows.append(
                (
                    f"{COUNCIL_NAME} {w + 1:03d}{string.ascii_uppercase[j]}",
                    ward_codes[w],
                    ward_names[w],
                    cell,
                )
            )
    lsoas = gpd.GeoDataFrame(
        {
            "LSOA21CD": [f"Z01{k + 1:06d}" for k in range(len(lsoa_rows))],
            "LSOA21NM": [r[0] for r in lsoa_rows],
            "WD25CD": [r[1] for r in lsoa_rows],
            "WD25NM": [r[2] for r in lsoa_rows],
        },
        geometry=[r[3] for r in lsoa_rows],
        crs=CRS,
    )

    lsoa_xy = shapely.get_coordinates(lsoas.geometry.representative_point().to_numpy())
    score = _deprivation(rng, lsoa_xy, radius)
    ranks = _national_ranks(rng, score)
    imd = pd.DataFrame(
        {"LSOA21CD": lsoas["LSOA21CD"], "imd_rank": ranks, "imd_decile": imd_decile(ranks)}
    )
    dep_z = -ndtri((ranks - 0.5) / N_NATIONAL_LSOAS)

    # Small areas just outside the council (home areas of pupils who live out of area).
    n_outside_areas = max(8, round(40 * n_wards / 24))
    ring = outline.buffer(3000.0).difference(outline.buffer(50.0))
    outside_points = random_points_in(rng, ring, n_outside_areas * 5)
    outside_labels = _cluster(rng, outside_points, n_outside_areas)
    outside_xy = np.array(
        [outside_points[outside_labels == j].mean(axis=0) for j in range(n_outside_areas)]
    )
    angle = np.arctan2(outside_xy[:, 1] - CENTRE[1], outside_xy[:, 0] - CENTRE[0])
    outside_order = np.argsort(angle, kind="stable")
    outside_xy = outside_xy[outside_order]
    n_outside_wards = max(3, round(8 * n_wards / 24))
    outside_ward = np.arange(n_outside_areas) * n_outside_wards // n_outside_areas

    areas = pd.DataFrame(
        {
            "code": np.concatenate(
                [
                    lsoas["LSOA21CD"].to_numpy(dtype=object),
                    np.array([f"Z01{900001 + k}" for k in range(n_outside_areas)], dtype=object),
                ]
            ),
            "ward_code": np.concatenate(
                [
                    lsoas["WD25CD"].to_numpy(dtype=object),
                    np.array([f"Z05{900001 + w}" for w in outside_ward], dtype=object),
                ]
            ),
            "inside": np.r_[np.ones(len(lsoas), bool), np.zeros(n_outside_areas, bool)],
            "x": np.r_[lsoa_xy[:, 0], outside_xy[:, 0]],
            "y": np.r_[lsoa_xy[:, 1], outside_xy[:, 1]],
            "dep_z": np.r_[dep_z, rng.normal(0.0, 0.8, n_outside_areas)],
        }
    )

    postcodes = _build_postcodes(
        rng, lsoas, areas, outside_points, outside_labels, outside_order, n_outside_wards, outline
    )
    return DemoGeography(outline, wards, lsoas, areas, imd, postcodes)


def _build_postcodes(
    rng: np.random.Generator,
    lsoas: gpd.GeoDataFrame,
    areas: pd.DataFrame,
    outside_points: np.ndarray,
    outside_labels: np.ndarray,
    outside_order: np.ndarray,
    n_outside_wards: int,
    outline: Polygon,
) -> pd.DataFrame:
    """ONSPD-style postcode lookup: 15-25 ``DM`` postcodes per LSOA, ~200 ``XM`` outside."""
    n_inside = len(lsoas)
    xy = areas[["x", "y"]].to_numpy()
    inside_xy = xy[:n_inside]
    n_districts = max(2, round(0.75 * len(lsoas["WD25CD"].unique())))
    labels = _cluster(rng, inside_xy, n_districts)
    centre_distance = [
        np.hypot(*(inside_xy[labels == j].mean(axis=0) - np.array(CENTRE)))
        for j in range(n_districts)
    ]
    district_number = np.empty(n_districts, dtype=np.int64)
    district_number[np.argsort(centre_distance, kind="stable")] = np.arange(1, n_districts + 1)
    counts = rng.integers(15, 26, n_inside)
    inside_codes = _postcodes_for(rng, "DM", district_number[labels], counts)
    inside_area = np.repeat(np.arange(n_inside), counts)
    inside_points = np.concatenate(
        [
            random_points_in(rng, geom, int(c))
            for geom, c in zip(lsoas.geometry, counts, strict=True)
        ]
    )

    # Outside: the sampled ring points, grouped into the outside areas (5 per area) and thinned to
    # about 200 postcodes for a 24-ward council.
    n_outside_areas = len(areas) - n_inside
    rank_of_label = np.empty(n_outside_areas, dtype=np.int64)
    rank_of_label[outside_order] = np.arange(n_outside_areas)
    outside_area_local = rank_of_label[outside_labels]
    outside_area_count = np.bincount(outside_area_local, minlength=n_outside_areas)
    n_xm_districts = max(2, round(6 * n_outside_areas / 40))
    xm_district = np.arange(n_outside_areas) * n_xm_districts // n_outside_areas + 1
    sort = np.argsort(outside_area_local, kind="stable")
    outside_codes = _postcodes_for(rng, "XM", xm_district, outside_area_count)
    outside_area = n_inside + outside_area_local[sort]
    outside_xy = outside_points[sort]
    keep = ~shapely.contains_xy(outline, outside_xy[:, 0], outside_xy[:, 1])

    area_codes = areas["code"].to_numpy(dtype=object)
    ward_codes = areas["ward_code"].to_numpy(dtype=object)
    all_area = np.r_[inside_area, outside_area[keep]]
    points = np.r_[inside_points, outside_xy[keep]].astype(np.int64)
    frame = pd.DataFrame(
        {
            "pcds": np.r_[inside_codes, outside_codes[keep]],
            "lsoa21": area_codes[all_area],
            "osward": ward_codes[all_area],
            "oslaua": np.where(all_area < n_inside, COUNCIL_CODE, OUTSIDE_COUNCIL_CODE),
            "oseast1m": points[:, 0],
            "osnrth1m": points[:, 1],
            "area": all_area,
        }
    )
    return frame.sort_values("pcds", kind="stable", ignore_index=True)
