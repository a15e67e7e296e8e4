"""A council configuration with only the inputs a test names (no census, no published files)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from jsna.config import Config, load_config


def small_config(folder: Path, inputs: str = "", extra: str = "") -> Config:
    """Write ``folder/jsna.toml`` for the demo council with ``inputs`` under ``[inputs]``
    (TOML lines) and ``extra`` sections after it, and load it without checking chapters."""
    (folder / "jsna.toml").write_text(textwrap.dedent("""\
        [area]
        code = "Z06000001"
        name = "Demoton"
        region_code = "Z15000001"
        region_name = "Demo Region"
        [jsna]
        year = 2025
        [inputs]
        """) + inputs + "\n" + extra, encoding="utf-8")
    return load_config(folder / "jsna.toml", check_chapters=False)
