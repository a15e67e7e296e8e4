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


#: The chapter opened on a truly fresh checkout: its notebook writes the demo council itself.
#: The others are opened with the demo council already written, as it is once any notebook has
#: run (writing it takes longer than most chapters; ``test_notebooks.py`` checks that every
#: notebook's default parameter is the demo's ``jsna.toml`` and is opened with ``open_config``).
FRESH = next(iter(CHAPTERS))


@pytest.mark.parametrize("key", list(CHAPTERS))
def test_notebook_runs_on_default_parameters(key, tmp_path, request):
    # the same layout as the repository: <root>/notebooks/<nb> and <root>/data/demo/ (absent
    # for FRESH, so the notebook creates the demo council itself, as on a fresh checkout)
    folder = tmp_path / "notebooks"
    folder.mkdir()
    source = folder / CHAPTERS[key].notebook
    shutil.copy(NOTEBOOKS / CHAPTERS[key].notebook, source)
    demo = tmp_path / "data" / "demo"
    if key != FRESH:  # the demo as the first notebook wrote it (the same files)
        shutil.copytree(request.getfixturevalue("default_demo"), demo)
    notebook = nbformat.read(source, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    errors = [o for c in notebook.cells for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    assert (demo / "jsna.toml").exists()
    shown = [o for c in notebook.cells for o in c.get("outputs", []) if "text/html" in
             o.get("data", {})]
    assert len(shown) >= 4, "findings and at least three tables or figures are displayed"
    # every chapter publishes downloads (its indicator rows when it has any, and its tables)
    assert list((tmp_path / "outputs" / "2025" / "Z06000001" / "data").glob(f"{key}_*.csv"))


def test_a_fresh_checkout_gets_the_default_demo(tmp_path, monkeypatch):
    # what the FRESH notebook writes (open_config on a missing data/demo/jsna.toml) is what the
    # other notebooks are given (the default_demo fixture): write_demo with every default
    import jsna.demo
    from jsna.errors import JsnaConfigError
    from jsna.notebook import open_config

    calls = []
    monkeypatch.setattr(jsna.demo, "write_demo",
                        lambda *args, **kwargs: calls.append((args, kwargs)))
    missing = tmp_path / "data" / "demo" / "jsna.toml"
    with pytest.raises(JsnaConfigError):  # the stand-in wrote nothing
        open_config(missing)
    assert calls == [((missing.parent.resolve(),), {})]
