"""Fixtures every test folder can use."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import settings

# No time limit on a property-test example: on a busy machine one example can take 300 ms where
# it takes 1 ms alone, and a timing failure says nothing about the code (speed is measured in
# benchmarks/). Hypothesis still finds, shrinks and replays failures as usual.
settings.register_profile("jsna", deadline=None)
settings.load_profile("jsna")


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
