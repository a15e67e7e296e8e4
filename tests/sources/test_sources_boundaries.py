"""Tests for the boundary reader (jsna.sources.boundaries)."""

from __future__ import annotations

import json

import pytest

from jsna.errors import JsnaInputError
from jsna.sources.boundaries import boundary_area, read_boundaries


def _square(x, y, size):
    return [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]


def _geojson(path, features, crs=None):
    collection = {"type": "FeatureCollection", "features": features}
    if crs:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(collection))
    return path


def test_bng_without_crs_and_vintage_columns(tmp_path):
    features = [
        {
            "type": "Feature",
            "properties": {"WD25CD": "Z05000001", "WD25NM": "Ashgrove", "LAD25CD": "Z06000001"},
            "geometry": {"type": "Polygon", "coordinates": _square(450000, 350000, 1000)},
        },
        {
            "type": "Feature",
            "properties": {"WD25CD": "Z05000002", "WD25NM": "Brookfield", "LAD25CD": "Z06000001"},
            "geometry": {"type": "Polygon", "coordinates": _square(451000, 350000, 2000)},
        },
    ]
    path = _geojson(tmp_path / "wards.geojson", features, crs="urn:ogc:def:crs:EPSG::27700")
    frame = read_boundaries(path)
    assert frame["code"].tolist() == ["Z05000001", "Z05000002"]
    assert frame["name"].tolist() == ["Ashgrove", "Brookfield"]
    assert frame.attrs["vintage"] == "WD25" and frame.crs.to_epsg() == 27700
    # 1 km x 1 km and 2 km x 2 km squares: 1 + 4 = 5 km^2.
    assert frame.area.sum() == pytest.approx(5_000_000)
    with pytest.raises(JsnaInputError, match="Z05000009 not found"):
        boundary_area(frame, ["Z05000001", "Z05000009"])


def test_duplicate_and_missing_code_columns(tmp_path):
    feature = {
        "type": "Feature",
        "properties": {"WD25CD": "Z05000001"},
        "geometry": {"type": "Polygon", "coordinates": _square(0.1, 51.0, 0.01)},
    }
    path = _geojson(tmp_path / "dup.geojson", [feature, feature])
    with pytest.raises(JsnaInputError, match="Z05000001 appears on more than one feature"):
        read_boundaries(path)
    other = {
        "type": "Feature",
        "properties": {"label": "x"},
        "geometry": {"type": "Polygon", "coordinates": _square(0.1, 51.0, 0.01)},
    }
    path = _geojson(tmp_path / "nocode.geojson", [other])
    with pytest.raises(JsnaInputError, match="no code column.*columns found: label"):
        read_boundaries(path)


@pytest.mark.real_data
def test_real_boundaries_of_every_vintage(real):
    files = sorted((real / "boundaries").glob("*/*.*json"))
    assert len(files) == 19  # Herefordshire boundaries are not in this copy (SOURCES.md)
    for path in files:
        frame = read_boundaries(path)
        assert frame.crs.to_epsg() == 27700 and frame["code"].is_unique
    york_2025 = read_boundaries(real / "boundaries/wards_2025/E06000014.geojson", level="ward")
    york_2013 = read_boundaries(real / "boundaries/wards_2013/E06000014.json")
    assert len(york_2025) == 21 and york_2025.attrs["vintage"] == "WD25"
    assert len(york_2013) == 22 and york_2013.attrs["vintage"] == "WD13"
    # ONS Standard Area Measurements: York 271.94 km^2 (generalised boundaries: within 1%).
    assert york_2025.area.sum() / 1e6 == pytest.approx(271.94, rel=0.01)
    lewisham = read_boundaries(real / "boundaries/lewisham/lbl_wd22_proposed.geojson")
    assert lewisham.attrs["code_column"] == "id" and "Bellingham" in set(lewisham["name"])
