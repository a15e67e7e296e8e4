"""Fixtures shared by the source-reader tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from real_councils import REAL_OR_DEFAULT

REAL = REAL_OR_DEFAULT


@pytest.fixture
def real() -> Path:
    """The folder of real published files; skips the test when it is absent."""
    if not REAL.is_dir():
        pytest.skip(f"real data folder {REAL} is absent")
    return REAL.resolve()


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write a small text fixture (UTF-8, optional byte-order mark) and return its path."""

    def write(name: str, text: str, *, bom: bool = False) -> Path:
        path = tmp_path / name
        path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
        return path

    return write
