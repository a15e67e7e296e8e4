"""Bad input on the command line: one line naming the file and key, non-zero exit."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _jsna(*args: str, cwd=None, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jsna.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=timeout)


def test_missing_config_is_one_line(tmp_path):
    result = _jsna("refresh", "--config", str(tmp_path / "missing.toml"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "configuration file not found" in lines[0]
    assert "missing.toml" in lines[0] and "Traceback" not in result.stderr


def test_malformed_config_names_the_keys(tmp_path):
    path = tmp_path / "jsna.toml"
    path.write_text('[area]\ncode = 5\n[jsna]\nyear = "2025"\n[chapters]\nrun = ["wards"]\n')
    result = _jsna("refresh", "--config", str(path))
    assert result.returncode == 2
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    for expected in ("area.code should be a string", "jsna.year should be an integer",
                     "missing key area.name",
                     "inputs.postcode_lookup is needed by the wards chapter"):
        assert expected in message
    assert "Traceback" not in result.stderr


def test_unknown_chapter_on_command_line(tmp_path):
    result = _jsna("refresh", "--config", str(tmp_path / "x.toml"), "--chapters", "nope")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_sources_reports_each_input_and_fails_on_a_missing_file(small_council):
    config = small_council
    result = _jsna("sources", "--config", str(config))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "census.2025" in result.stdout and "sen_phase_type" in result.stdout
    (config.parent / "comparators" / "sen_phase_type.csv").unlink()
    result = _jsna("sources", "--config", str(config))
    assert result.returncode == 2
    assert "missing" in result.stdout


def test_failing_chapter_is_reported_with_its_cell_and_exit_code(small_council, tmp_path):
    config = small_council
    # a comparator file that is not the DfE table the config says it is
    (config.parent / "comparators" / "sen_phase_type.csv").write_text("not,a,dfe,table\n1,2,3,4\n")
    result = _jsna("refresh", "--config", str(config), "--chapters", "population", "--quiet")
    assert result.returncode == 3
    message = [line for line in result.stderr.splitlines() if line.startswith("jsna: chapter")]
    assert len(message) == 1
    assert "01_population.ipynb: cell" in message[0] and "sen_phase_type" in message[0]
    assert "executed notebook kept at" in message[0]
    index = (tmp_path / "outputs" / "2025" / "Z06000001" / "index.html").read_text()
    assert "not produced" in index


@pytest.mark.slow
def test_a_chapter_that_fails_after_a_good_refresh_leaves_nothing_of_itself(small_council,
                                                                           tmp_path):
    import pandas as pd

    config = small_council
    site = tmp_path / "outputs" / "2025" / "Z06000001"

    def refresh(*chapters: str) -> subprocess.CompletedProcess:
        return _jsna("refresh", "--config", str(config), "--chapters", *chapters, "--quiet",
                     timeout=600)

    def published(key: str) -> list[str]:
        return sorted(path.relative_to(site).as_posix() for path in site.rglob("*")
                      if path.is_file() and key in path.name)

    def indicator_rows(key: str) -> int:
        table = pd.read_csv(site / "data" / "indicators.csv", dtype=str)
        return int(table["indicator_id"].isin(ids[key]).sum())

    good = refresh("population", "ehcp")
    assert good.returncode == 0, good.stderr
    ids = {key: set(pd.read_csv(site / "data" / f"{key}_indicators.csv")["indicator_id"])
           for key in ("population", "ehcp")}
    assert "04_ehcp.html" in published("ehcp") and indicator_rows("ehcp") > 0
    assert "01_population.html" in published("population") and indicator_rows("population") > 0
    # the caseload file is no longer DfE's table, and every census row is set aside (all
    # guests): both chapters fail, and nothing of either is published
    (config.parent / "comparators" / "caseload.csv").write_text("a,b\n")
    for path in config.parent.glob("census/*.csv"):
        census = pd.read_csv(path, dtype=str, keep_default_na=False)
        census["EnrolStatus"] = "G"
        census.to_csv(path, index=False)
    broken = refresh("population", "ehcp")
    assert broken.returncode == 3
    for key in ("population", "ehcp"):
        assert published(key) == [] and indicator_rows(key) == 0
    # the overview and the glossary remain; no chapter page
    assert sorted(p.name for p in site.glob("*.html")) == ["glossary.html", "index.html"]
    assert (site / "index.html").read_text().count("not produced") == 2


def test_lab_passes_its_options_to_jupyterlab(monkeypatch):
    from jsna import cli

    called = {}
    monkeypatch.setattr(cli.subprocess, "call", lambda command, env: called.setdefault("c", command)
                        and 0)
    assert cli.main(["lab", "--no-browser", "--port", "8899"]) == 0
    command = called["c"]
    assert command[1:4] == ["-m", "jupyter", "lab"]
    assert command[4].endswith("notebooks") and command[5:] == ["--no-browser", "--port", "8899"]


def test_ctrl_c_stops_the_refresh_and_its_kernels_quietly(small_council):
    import os
    import signal
    import time

    import psutil

    config = small_council
    process = subprocess.Popen(
        [sys.executable, "-m", "jsna.cli", "refresh", "--config", str(config), "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # a terminal's Ctrl-C goes to the whole foreground process group
        preexec_fn=lambda: (os.setsid(), signal.signal(signal.SIGINT, signal.SIG_DFL)),
    )
    kernels: list[psutil.Process] = []
    deadline = time.monotonic() + 300
    while not kernels and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
        kernels = [child for child in psutil.Process(process.pid).children(recursive=True)
                   if "ipykernel_launcher" in " ".join(child.cmdline())]
    assert kernels, "no chapter kernel started"
    # a kernel is running, so the refresh is past its start: Ctrl-C now (tests/render/
    # test_refresh_publishing.py interrupts chapters at a known point of their cells)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=600)
    assert process.returncode == 130, stderr
    assert stderr.strip().splitlines() == ["jsna: interrupted"]

    def alive() -> list[int]:
        return [kernel.pid for kernel in kernels if kernel.is_running()
                and kernel.status() != psutil.STATUS_ZOMBIE]

    deadline = time.monotonic() + 60
    while alive() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive()


def test_sources_fails_when_a_chapter_to_run_needs_an_input_that_is_not_set(small_council):
    config = small_council
    config.write_text("\n".join(line for line in config.read_text().splitlines()
                                if not line.startswith("ehcp_requests")) + "\n")
    result = _jsna("sources", "--config", str(config))
    assert result.returncode == 2
    assert "required by the ehcp chapter" in " ".join(result.stdout.split())
    # refresh says so up front, naming the chapter, rather than failing in a cell
    result = _jsna("refresh", "--config", str(config))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "inputs.comparators.ehcp_requests is needed by the ehcp chapter" in result.stderr


# --- issue 14 items 5 and 7: options, paths and files named in one line -----------------------

#: A council running only the chapter built from published files (any file content will do: these
#: tests stop before anything is read).
_PUBLISHED_ONLY = """
[area]
code = "E06000014"
name = "York"
region_code = "E12000003"
region_name = "Yorkshire and The Humber"

[jsna]
year = 2025

[inputs.comparators]
ehcp_caseload = "caseload.csv"
ehcp_requests = "requests.csv"
ehcp_assessments = "assessments.csv"
ehcp_timeliness = "timeliness.csv"

[chapters]
run = ["ehcp"]
"""


def _published_only(folder):
    for name in ("caseload.csv", "requests.csv", "assessments.csv", "timeliness.csv"):
        (folder / name).write_text("x\n")
    path = folder / "jsna.toml"
    path.write_text(_PUBLISHED_ONLY)
    return path


@pytest.mark.parametrize("option, value", [("--timeout", "-5"), ("--timeout", "nan"),
                                           ("--timeout", "0"), ("--timeout", "inf"),
                                           ("--timeout", "soon"), ("--workers", "0"),
                                           ("--workers", "-2"), ("--workers", "two")])
def test_timeout_and_workers_must_be_positive(option, value, capsys):
    from jsna.cli import main

    with pytest.raises(SystemExit) as caught:
        main(["refresh", "--config", "jsna.toml", option, value])
    assert caught.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    expected = ("a number of seconds above 0, such as 600" if option == "--timeout"
                else "a whole number of 1 or more")
    assert error == f"jsna refresh: error: argument {option}: expected {expected}, got {value!r}"


def test_a_full_disk_is_one_line_naming_the_file(tmp_path, monkeypatch, capsys):
    import errno
    import os

    import jsna.demo
    from jsna.cli import main

    target = tmp_path / "demo" / "census" / "census_2025.csv"

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    monkeypatch.setattr(jsna.demo, "write_demo", full_disk)
    assert main(["demo", "--folder", str(tmp_path / "demo"), "--no-refresh"]) == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        f"jsna: error: {target}: No space left on device (free some space on that disk)"]


def _small_demo(monkeypatch):
    """``jsna demo`` writes a small council (quick), with whatever output folder it is given."""
    import jsna.demo

    write = jsna.demo.write_demo
    monkeypatch.setattr(jsna.demo, "write_demo",
                        lambda folder, **kwargs: write(folder, n_wards=4, years=2, **kwargs))


@pytest.mark.parametrize("folder, outputs", [("elsewhere/demo", "project/outputs"),
                                             ("project/data/demo", "project/outputs"),
                                             ("project/demo", "project/outputs"),
                                             ("demo", "project/outputs")])
def test_demo_outputs_go_to_the_outputs_folder_wherever_the_demo_is(tmp_path, monkeypatch, folder,
                                                                    outputs):
    from jsna.cli import main
    from jsna.config import load_config

    _small_demo(monkeypatch)
    (tmp_path / "project").mkdir()
    monkeypatch.chdir(tmp_path / "project")
    # an absolute folder two levels below tmp_path (old: <folder>/../../outputs, outside it)
    assert main(["demo", "--folder", str(tmp_path / folder), "--no-refresh"]) == 0
    config = load_config(tmp_path / folder / "jsna.toml")
    assert config.output_dir == (tmp_path / outputs / "2025" / "Z06000001").resolve()


def test_demo_output_folder_is_relative_in_the_project_layout(tmp_path, monkeypatch):
    import tomllib

    from jsna.cli import main

    _small_demo(monkeypatch)
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--folder", "data/demo", "--no-refresh"]) == 0
    text = (tmp_path / "data" / "demo" / "jsna.toml").read_text()
    assert tomllib.loads(text)["output"]["folder"] == "../../outputs"  # the folder can be moved
    assert main(["demo", "--folder", "data/demo", "--output", str(tmp_path / "site"),
                 "--no-refresh"]) == 0
    text = (tmp_path / "data" / "demo" / "jsna.toml").read_text()
    assert tomllib.loads(text)["output"]["folder"] == "../../site"


def test_clean_out_inside_the_published_folder_is_refused(tmp_path, capsys):
    from jsna.cli import main

    config = _published_only(tmp_path)
    out = tmp_path / "outputs" / "private"
    assert main(["clean", "census", "--config", str(config), "--out", str(out)]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        f"jsna: error: --out = {out.resolve()} is inside output.folder = "
        f"{(tmp_path / 'outputs').resolve()}, which is published: the cleaned pupil-level data "
        "would be put on the website; choose a folder outside it (default: clean, beside "
        "jsna.toml)"]
    assert not out.exists()


def test_sources_details_are_printed_as_text_not_markup(capsys):
    import pandas as pd

    from jsna.cli import _print_sources

    frame = pd.DataFrame([{"key": "census.2025", "status": "problem", "periods": "",
                           "detail": "map headings in [census.columns] [bold]", "publisher": "DfE",
                           "url": "https://example.org"}])
    _print_sources(frame)
    printed = " ".join(capsys.readouterr().out.split())
    assert "map headings in [census.columns] [bold]" in printed


@pytest.mark.parametrize("command", ["refresh", "sources"])
def test_a_named_pipe_as_an_input_is_refused_at_once(tmp_path, command):
    import os

    config = _published_only(tmp_path)
    (tmp_path / "caseload.csv").unlink()
    os.mkfifo(tmp_path / "caseload.csv")  # reading it would wait for a writer for ever
    result = subprocess.run([sys.executable, "-m", "jsna.cli", command, "--config", str(config)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"jsna: error: {config}: inputs.comparators.ehcp_caseload: not a regular file (a folder, "
        f"pipe or device): {tmp_path.resolve() / 'caseload.csv'}"]
