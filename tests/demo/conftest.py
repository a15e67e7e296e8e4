"""Shared fixtures: demo councils generated once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
from demo_helpers import SMALL

from jsna.demo import write_demo


@pytest.fixture(scope="session")
def default_demo(tmp_path_factory) -> Path:
    """The default council (24 wards, five censuses 2021-2025, 1% dirt)."""
    folder = tmp_path_factory.mktemp("demo_default")
    write_demo(folder)
    return folder


@pytest.fixture(scope="session")
def small_demo(tmp_path_factory) -> Path:
    """A small council (6 wards, three censuses, 2% dirt) for the cheaper checks."""
    folder = tmp_path_factory.mktemp("demo_small")
    write_demo(folder, **SMALL)
    return folder
