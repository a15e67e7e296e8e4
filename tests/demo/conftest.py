"""Shared fixtures: demo councils generated once per test session (``default_demo``, the
default council, is in ``tests/conftest.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from demo_helpers import SMALL
from rendered_demo import build_once

from jsna.demo import write_demo


@pytest.fixture(scope="session")
def small_demo(tmp_path_factory) -> Path:
    """A small council (6 wards, three censuses, 2% dirt) for the cheaper checks; read-only."""
    folder, _ = build_once(tmp_path_factory, "demo_small",
                           lambda folder: write_demo(folder, **SMALL))
    return folder
