"""A refresh publishes all or nothing, whatever stops it (checked with small stand-in chapters).

The chapter notebooks are replaced by stand-ins that write a table, a figure and indicator rows
the way a chapter does, and that behave as a file in the council's folder tells them: succeed,
fail after saving their downloads, or report that they are running and wait (to be killed or
interrupted at a known moment rather than after a sleep).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import psutil
import pytest
from rendered_demo import RENDER_LIMIT

from jsna.chapter_list import CHAPTERS
from jsna.config import load_config
from jsna.errors import JsnaError
from jsna.refresh import executed_notebooks_dir, refresh
from jsna.render import publish
from jsna.render.publish import JsnaOutputError, staging_dir

pytestmark = pytest.mark.slow

#: The stand-in chapters (one reads the census, one does not).
KEYS = ["population", "ehcp"]

STAND_IN = '''
import os, pathlib, time
import pandas as pd
from jsna.chapters.base import Chapter, Findings
from jsna.disclosure import RowTotal, TableRules
from jsna.viz.display import Table

key = {key!r}
mode_file = pathlib.Path(key + ".mode")  # the kernel runs in the council's folder
mode = mode_file.read_text().strip() if mode_file.exists() else "ok"
if mode == "wait":
    pathlib.Path(key + ".running").write_text(str(os.getpid()))
    while True:
        time.sleep(0.2)
run = pathlib.Path(key + ".run").read_text() if pathlib.Path(key + ".run").exists() else "1"
out = pathlib.Path(output_dir)
tables = {{"t": Table(key + "_table", "A table", pd.DataFrame({{"Run": [run]}}))}}
rules = {{key + "_table": TableRules(key=["Run"], counts=[])}}
if mode == "leak":  # a hidden count that the shown total minus the shown part gives away
    tables["leak"] = Table(key + "_leak", "Pupils by group", pd.DataFrame(
        {{"Group": ["A", "B", "All"], "Pupils": ["[c]", "7", "10"]}}))
    rules[key + "_leak"] = TableRules(key=["Group"], counts=["Pupils"], relations=[
        RowTotal(total={{"Group": "All"}}, parts={{"Group": ["A", "B"]}})])
finding = key + " finding"
if mode == "identifier":  # a finding that quotes a pupil's UPN from the census
    from jsna.config import load_config
    census = next(iter(load_config(config_path).inputs.census.values()))
    finding += " about " + pd.read_csv(census, dtype=str)["UPN"].dropna().iloc[0]
Chapter(key, key, Findings([finding]), tables=tables, rules=rules,
        indicators=pd.DataFrame({{"indicator_id": [key + "_rows"], "area_code": ["Z06000001"],
                                  "area_type": ["Local authority"], "period": ["2024/25"],
                                  "breakdown": ["All pupils"], "count": [100],
                                  "denominator": [1000], "value": [float(run)],
                                  "note": [""]}})).save(out)
(out / "figures").mkdir(exist_ok=True)
(out / "figures" / (key + "_figure.svg")).write_text("<svg>" + run + "</svg>")
if mode == "fail-after-save":
    raise ValueError("stand-in chapter failed after saving")
'''


def _notebook(folder: Path, name: str, key: str) -> None:
    notebook = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell('config_path = ""\noutput_dir = ""')
    parameters.metadata["tags"] = ["parameters"]
    first = nbformat.v4.new_code_cell(f"print('first cell of {key} ran')")
    body = nbformat.v4.new_code_cell(STAND_IN.format(key=key))
    for number, cell in enumerate((parameters, first, body)):
        cell.id = f"{key}-{number}"
    notebook.cells = [parameters, first, body]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, folder / name)


@pytest.fixture(scope="module")
def stand_ins(tmp_path_factory, small_council_original) -> tuple[Path, Path]:
    """(notebooks folder of stand-in chapters, a small demo council's folder, refreshed once)."""
    notebooks = tmp_path_factory.mktemp("notebooks")
    for key, info in CHAPTERS.items():
        _notebook(notebooks, info.notebook, key)
    council = tmp_path_factory.mktemp("council")
    shutil.copytree(small_council_original / "data", council / "data")
    config = council / "data" / "demo" / "jsna.toml"
    first = _refresh((notebooks, config))
    assert first.ok, first.results
    return notebooks, council


@pytest.fixture()
def council(stand_ins, tmp_path) -> tuple[Path, Path]:
    """(the stand-in notebooks, this test's own copy of the refreshed council's jsna.toml)."""
    notebooks, council = stand_ins
    shutil.copytree(council, tmp_path, dirs_exist_ok=True)
    return notebooks, tmp_path / "data" / "demo" / "jsna.toml"


def _refresh(council: tuple[Path, Path]):
    notebooks, config = council
    return refresh(config, chapters=KEYS, workers=2, timeout=RENDER_LIMIT, notebooks=notebooks)


def _site(config: Path) -> Path:
    return load_config(config).output_dir


def _digests(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _wait_for(condition, what: str, seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.1)


def test_a_chapter_that_fails_after_saving_leaves_nothing_of_itself(council):
    notebooks, config = council
    site = _site(config)
    assert (site / "04_ehcp.html").exists() and (site / "data" / "ehcp_table.csv").exists()
    (config.parent / "ehcp.mode").write_text("fail-after-save")
    (config.parent / "population.run").write_text("2")
    second = _refresh(council)
    by_name = {result.name: result for result in second.results}
    assert by_name["population"].ok and not by_name["ehcp"].ok
    names = sorted(path.relative_to(site).as_posix() for path in site.rglob("*") if path.is_file())
    assert not [name for name in names if "ehcp" in name], names
    assert "data/population_table.csv" in names and "figures/population_figure.svg" in names
    indicators = pd.read_csv(site / "data" / "indicators.csv")
    assert list(indicators["indicator_id"]) == ["population_rows"]
    assert list(indicators["value"]) == [2.0]  # this run's, not the last one's
    index = (site / "index.html").read_text()
    assert "not produced" in index and "04_ehcp.html" not in index
    assert not staging_dir(site).exists()


def test_a_site_that_would_give_a_hidden_count_away_is_not_published(council):
    notebooks, config = council
    site = _site(config)
    before = _digests(site)
    (config.parent / "population.mode").write_text("leak")
    (config.parent / "population.run").write_text("2")
    with pytest.raises(JsnaError) as caught:
        _refresh(council)
    message = str(caught.value)
    assert "population_leak" in message and "Pupils" in message
    assert _digests(site) == before  # the disclosure gate ran before the swap: old site kept
    assert not staging_dir(site).exists()


def test_a_site_that_quotes_a_pupils_upn_is_not_published(council):
    notebooks, config = council
    site = _site(config)
    before = _digests(site)
    (config.parent / "ehcp.mode").write_text("identifier")
    with pytest.raises(JsnaError) as caught:
        _refresh(council)
    message = str(caught.value)
    # the stand-in's finding is on the overview and in the chapter's findings file
    assert message.startswith("identifier gate:")
    assert "index.html line" in message and "review/parts/findings_ehcp.json line" in message
    assert "a UPN of the census inputs" in message
    assert _digests(site) == before  # checked before the swap: the old site is kept
    assert not staging_dir(site).exists()


def _signoff_rows(site: Path) -> dict[str, list[str]]:
    from bs4 import BeautifulSoup

    table = BeautifulSoup((site / "index.html").read_text(), "html.parser").find(
        id="table-signoff")
    return {row.th.get_text(): [cell.get_text() for cell in row.find_all("td")]
            for row in table.tbody.find_all("tr")}


def test_a_signoff_shows_on_the_overview_and_goes_stale_when_its_chapter_changes(council):
    from jsna.cli import main
    from jsna.render.site import signoff_log_path

    notebooks, config = council
    site = _site(config)
    reviewer, comment = "Dr <b>Ann</b> O'Neil", "Checked <script>alert(1)</script> & totals"
    assert main(["signoff", "population", "--config", str(config), "--reviewer", reviewer,
                 "--decision", "approved", "--comment", comment]) == 0
    population, ehcp = CHAPTERS["population"].title, CHAPTERS["ehcp"].title
    rows = _signoff_rows(site)
    assert rows[population][:2] == ["Approved", reviewer]  # as text, never markup
    assert rows[population][3] == comment and rows[ehcp][0] == "Not yet signed off"
    assert "<script>alert" not in (site / "index.html").read_text()
    log = signoff_log_path(load_config(config))
    assert log.parent == site.parent and len(log.read_text().splitlines()) == 2

    second = _refresh(council)  # same inputs: the same chapter, still approved
    assert second.ok and _signoff_rows(site)[population][0] == "Approved"

    (config.parent / "population.run").write_text("2")  # the chapter's numbers change
    third = _refresh(council)
    assert third.ok
    rows = _signoff_rows(site)
    assert rows[population][:2] == ["Stale: changed since approved", reviewer]
    assert rows[ehcp][0] == "Not yet signed off"


def test_a_signoff_of_a_chapter_not_published_is_refused(council):
    from jsna.cli import main

    notebooks, config = council
    assert main(["signoff", "wards", "--config", str(config), "--reviewer", "A",
                 "--decision", "approved"]) == 2


def test_a_signoff_comment_that_names_a_pupil_is_refused_and_not_recorded(council, capsys):
    from jsna.cli import main
    from jsna.render.site import signoff_log_path

    notebooks, config = council
    site = _site(config)
    before = _digests(site)
    census = next(iter(load_config(config).inputs.census.values()))
    pupil = pd.read_csv(census, dtype=str).dropna(subset=["Forename", "Surname"]).iloc[0]
    comment = f"Query about {pupil['Forename']} {pupil['Surname']}'s plan"
    assert main(["signoff", "population", "--config", str(config), "--reviewer", "A",
                 "--decision", "changes", "--comment", comment]) == 2
    assert "a pupil's forename and surname" in capsys.readouterr().err
    assert _digests(site) == before
    assert not signoff_log_path(load_config(config)).exists()


def test_a_full_disk_while_building_leaves_the_old_site_as_it_was(council, monkeypatch):
    site = _site(council[1])
    before = _digests(site)
    real_open = open

    def open_on_a_full_disk(path, mode="r", *args, **kwargs):
        handle = real_open(path, mode, *args, **kwargs)
        if Path(path).name == "indicators.csv" and "w" in mode:
            def write(text):
                handle.buffer.write(text[: len(text) // 2].encode())  # cut off mid-row
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            handle.write = write
        return handle

    monkeypatch.setattr(publish, "open", open_on_a_full_disk, raising=False)
    (council[1].parent / "population.run").write_text("2")
    with pytest.raises(JsnaOutputError) as caught:
        _refresh(council)
    message = str(caught.value)
    assert "\n" not in message and "No space left on device" in message
    assert str(staging_dir(site) / "data" / "indicators.csv") in message
    assert _digests(site) == before
    assert not staging_dir(site).exists()


_COMMAND = """
import sys
from pathlib import Path
import jsna.refresh
from jsna.cli import main
# the jsna command, with the chapter notebooks replaced by the stand-ins
jsna.refresh.refresh.__kwdefaults__["notebooks"] = Path(sys.argv.pop(1))
sys.exit(main())
"""


def _start_jsna(council: tuple[Path, Path]) -> subprocess.Popen:
    notebooks, config = council
    return subprocess.Popen(
        [sys.executable, "-c", _COMMAND, str(notebooks), "refresh", "--config", str(config),
         "--chapters", *KEYS, "--workers", "2", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # as a terminal does: its own process group, which Ctrl-C reaches as a whole
        start_new_session=True,
    )


def _family(process: subprocess.Popen) -> list[psutil.Process]:
    return psutil.Process(process.pid).children(recursive=True)


def _alive(processes: list[psutil.Process]) -> list[int]:
    alive = []
    for member in processes:
        try:
            if member.is_running() and member.status() != psutil.STATUS_ZOMBIE:
                alive.append(member.pid)
        except psutil.NoSuchProcess:
            pass
    return alive


@contextlib.contextmanager
def _killed_afterwards(processes: list[psutil.Process]):
    """Whatever the test finds, leave no process of it running on the machine."""
    try:
        yield
    finally:
        for pid in _alive(processes):
            with contextlib.suppress(psutil.NoSuchProcess):
                psutil.Process(pid).kill()


def test_sigkill_mid_refresh_leaves_the_old_site_and_no_process_behind(council):
    notebooks, config = council
    site = _site(config)
    before = _digests(site)
    (config.parent / "ehcp.mode").write_text("wait")
    (config.parent / "population.run").write_text("2")
    process = _start_jsna(council)
    running = config.parent / "ehcp.running"
    _wait_for(lambda: running.exists() or process.poll() is not None, "the ehcp chapter to run")
    assert process.poll() is None, process.communicate()
    # the other chapter has written its new downloads into the staged site
    staged = staging_dir(site) / "data" / "population_table.csv"
    _wait_for(lambda: staged.exists(), "the population chapter's downloads")
    family = _family(process)
    kernel = int(running.read_text())
    assert kernel in {member.pid for member in family}
    process.kill()
    with _killed_afterwards(family):
        # the workers die with their parent: nothing keeps the pipes open
        process.communicate(timeout=600)
        _wait_for(lambda: not _alive(family), "the workers and kernels to die", seconds=300)
    assert _digests(site) == before
    # the next refresh cleans up and succeeds
    (config.parent / "ehcp.mode").unlink()
    again = _refresh(council)
    assert again.ok
    assert pd.read_csv(site / "data" / "indicators.csv")["value"].tolist() == [1, 2]
    assert sorted(path.name for path in site.parent.iterdir()) == [".Z06000001.lock",
                                                                   "Z06000001"]


def test_ctrl_c_keeps_the_old_site_and_the_notebooks_run_so_far(council):
    notebooks, config = council
    site = _site(config)
    before = _digests(site)
    (config.parent / "ehcp.mode").write_text("wait")
    process = _start_jsna(council)
    running = config.parent / "ehcp.running"
    _wait_for(lambda: running.exists() or process.poll() is not None, "the ehcp chapter to run")
    assert process.poll() is None, process.communicate()
    family = _family(process)
    parent = psutil.Process(process.pid)
    os.killpg(process.pid, signal.SIGINT)
    with _killed_afterwards([parent, *family]):
        _, stderr = process.communicate(timeout=600)
        assert process.returncode == 130, stderr
        assert stderr.strip().splitlines() == ["jsna: interrupted"]
        _wait_for(lambda: not _alive(family), "the workers and kernels to die", seconds=300)
    assert _digests(site) == before
    assert not staging_dir(site).exists()
    # the interrupted chapter's notebook holds what it had run, for debugging
    kept = nbformat.read(executed_notebooks_dir(load_config(config)) / "04_ehcp.ipynb", as_version=4)
    assert "first cell of ehcp ran" in kept.cells[2].outputs[0]["text"]
