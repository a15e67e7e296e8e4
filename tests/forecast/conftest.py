"""Fixtures for the forecast tests: a toy series worked by hand, and the real SEN2 file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from real_councils import REAL


@pytest.fixture(scope="session")
def real() -> Path:
    """The folder of real published files; skips the test when it (or its SEN2 files) is absent."""
    if REAL is None or not (REAL / "send_dfe" / "ehcp_2025").is_dir():
        pytest.skip("real data folder ../shared/data/real (with send_dfe/ehcp_2025) is absent")
    return REAL


@pytest.fixture
def toy_runs() -> pd.DataFrame:
    """Three councils, Januaries 2019-2022 (numbers chosen to be worked by hand)."""
    runs = pd.DataFrame(
        {2019: [100.0, 200.0, 50.0], 2020: [110.0, 200.0, 60.0],
         2021: [120.0, 220.0, 60.0], 2022: [130.0, 240.0, 75.0]},
        index=pd.Index(["E06000001", "E06000002", "E06000003"], name="area_code"),
    )
    runs.columns.name = "year"
    runs.attrs["names"] = {"E06000001": "Aville", "E06000002": "Beeton", "E06000003": "Ceeford"}
    return runs


@pytest.fixture
def toy_england() -> pd.Series:
    """England's Januaries 2019-2022 for the toy."""
    return pd.Series([1000.0, 1100.0, 1200.0, 1400.0], index=[2019, 2020, 2021, 2022])
