"""Every chapter notebook runs top to bottom on its default parameters, as in JupyterLab."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from jsna.chapter_list import CHAPTERS

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("key", list(CHAPTERS))
def test_notebook_runs_on_default_parameters(key, tmp_path):
    # the same layout as the repository: <root>/notebooks/<nb> and <root>/data/demo/ (absent,
    # so the notebook creates the demo council itself, as on a fresh checkout)
    folder = tmp_path / "notebooks"
    folder.mkdir()
    source = folder / CHAPTERS[key].notebook
    shutil.copy(NOTEBOOKS / CHAPTERS[key].notebook, source)
    notebook = nbformat.read(source, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    errors = [o for c in notebook.cells for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    assert (tmp_path / "data" / "demo" / "jsna.toml").exists()
    shown = [o for c in notebook.cells for o in c.get("outputs", []) if "text/html" in
             o.get("data", {})]
    assert len(shown) >= 4, "findings and at least three tables or figures are displayed"
    # every chapter publishes downloads (its indicator rows when it has any, and its tables)
    assert list((tmp_path / "outputs" / "2025" / "Z06000001" / "data").glob(f"{key}_*.csv"))
