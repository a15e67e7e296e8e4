"""Fixtures every test folder can use."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from rendered_demo import build_once, rendered_demo  # noqa: F401  (rendered_demo: a fixture)

# No time limit on a property-test example: on a busy machine one example can take 300 ms where
# it takes 1 ms alone, and a timing failure says nothing about the code (speed is measured in
# benchmarks/). Hypothesis still finds, shrinks and replays failures as usual.
settings.register_profile("jsna", deadline=None)
settings.load_profile("jsna")


@pytest.fixture(scope="session", autouse=True)
def published_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache of parsed published files for the whole test run (both xdist workers and the
    kernels they start), never the user's own: each real workbook is parsed once per run."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "published-cache"
    os.environ["JSNA_CACHE_DIR"] = str(folder)
    return folder


#: The small demo council of :func:`small_council`.
SMALL_COUNCIL = {"n_wards": 4, "years": 2}


def _within(seconds: float, function: Callable[[], Any]) -> Any:
    """Run ``function`` in a thread and fail (rather than hang the suite) if it takes too long."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = function()
        except BaseException as error:  # noqa: BLE001 - handed to the test
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome.get("value")


@pytest.fixture()
def within() -> Callable[[float, Callable[[], Any]], Any]:
    """``within(seconds, function)``: the function's result, or a failure if it hangs."""
    return _within


@pytest.fixture(scope="session")
def small_council_original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo council written once per session (all workers): never change it."""
    from jsna.demo import write_demo

    folder, _ = build_once(tmp_path_factory, "small_council",
                           lambda folder: write_demo(folder / "data" / "demo", **SMALL_COUNCIL))
    return folder


@pytest.fixture()
def small_council(small_council_original: Path, tmp_path: Path) -> Path:
    """This test's own copy of a small demo council in ``tmp_path/data/demo``: its ``jsna.toml``.

    The same files as ``write_demo(tmp_path / "data" / "demo", n_wards=4, years=2)`` (censuses
    2024 and 2025; the sites go to ``tmp_path/outputs``), copied from the session's one.
    """
    shutil.copytree(small_council_original / "data", tmp_path / "data", dirs_exist_ok=True)
    return tmp_path / "data" / "demo" / "jsna.toml"


@pytest.fixture(scope="session")
def default_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default demo council (24 wards, five censuses 2021-2025, 1% dirt): its folder.

    ``write_demo(folder)`` with every default, as ``make demo`` and a notebook opened on a fresh
    checkout write it; once per session, whatever the number of pytest-xdist workers. Read-only:
    copy it to change anything.
    """
    from jsna.demo import write_demo

    folder, _ = build_once(tmp_path_factory, "demo_default", write_demo)
    return folder
