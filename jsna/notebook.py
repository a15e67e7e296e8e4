"""Helpers for the first cell of a chapter notebook opened in JupyterLab."""

from __future__ import annotations

from pathlib import Path

from jsna.config import Config, load_config

#: Where the demo council lives, relative to the repository root.
DEMO_FOLDER = Path("data") / "demo"


def open_config(config_path: str | Path) -> Config:
    """Load a council's configuration; create the demo council first if it is asked for and absent.

    Every chapter notebook's default parameter points at the demo council, so an analyst can open
    any notebook in JupyterLab on a fresh checkout and run it top to bottom.

    Parameters
    ----------
    config_path : str or Path
        A ``jsna.toml``. Relative paths are taken from the current folder (papermill and JupyterLab
        run notebooks from ``notebooks/``). A missing ``data/demo/jsna.toml`` is generated.
    """
    path = Path(config_path)
    if not path.exists() and path.resolve().parts[-3:] == (*DEMO_FOLDER.parts, "jsna.toml"):
        from jsna.demo import write_demo

        write_demo(path.resolve().parent)
    return load_config(path)
