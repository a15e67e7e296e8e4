"""Chapter notebooks are thin, parameterised and committed without outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jsna.chapter_list import CHAPTERS

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.mark.parametrize("key", list(CHAPTERS))
def test_notebook_is_stripped_thin_and_parameterised(key):
    notebook = json.loads((NOTEBOOKS / CHAPTERS[key].notebook).read_text())
    cells = notebook["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    parameters = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(parameters) == 1
    assert "config_path" in "".join(parameters[0]["source"])
    # opened in JupyterLab, it runs on the demo council, written first on a fresh checkout
    # (test_notebooks_in_lab.py runs one notebook on a fresh checkout, the others on the demo)
    assert 'config_path = "../data/demo/jsna.toml"' in "".join(parameters[0]["source"])
    assert sum("open_config(config_path)" in "".join(c["source"]) for c in code) == 1
    ids = [c.get("id") for c in cells]
    assert all(ids) and len(set(ids)) == len(ids), "fixed, unique cell ids"
    # thin: no function or class definitions, no loops, no file handling in notebooks
    source = "\n".join("".join(c["source"]) for c in code)
    for forbidden in ("def ", "class ", "for ", "open(", "read_csv"):
        assert forbidden not in source, f"{forbidden!r} belongs in the jsna package"
    headings = [line for c in cells if c["cell_type"] == "markdown"
                for line in "".join(c["source"]).splitlines() if line.startswith("# ")]
    assert len(headings) == 1, "one h1 per page"
