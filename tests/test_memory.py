"""The allocator tuning used while cleaning large extracts."""

from __future__ import annotations

import platform

import pyarrow as pa
import pytest

from jsna.memory import retain_freed_memory


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
                    reason="mallopt is glibc's")
def test_glibc_keeps_freed_memory_and_arrow_uses_it() -> None:
    assert retain_freed_memory() is True
    assert pa.default_memory_pool().backend_name == "system"
    # once per process: a second call changes nothing and says the same
    assert retain_freed_memory() is True
