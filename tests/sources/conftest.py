"""Fixtures shared by the source-reader tests."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

_REPO = Path(__file__).resolve().parents[2]
#: the real data folder: $JSNA_REAL_DATA, or ``shared/data/real`` beside the checkout (or beside
#: the folder of worktrees), as the chapter tests look for it
REAL = next((Path(c) for c in (os.environ.get("JSNA_REAL_DATA", ""),
                                _REPO.parent / "shared" / "data" / "real",
                                _REPO.parent.parent / "shared" / "data" / "real")
             if c and Path(c).is_dir()), _REPO.parent / "shared" / "data" / "real")


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
