"""Bad input on the command line: one line naming the file and key, non-zero exit."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _jsna(*args: str, cwd=None, timeout: float = 120) -> subprocess.CompletedProcess:
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
    path.write_text('[area]\ncode = 5\n[jsna]\nyear = "2025"\n')
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


def test_sources_reports_each_input_and_fails_on_a_missing_file(tmp_path):
    from jsna.demo import write_demo

    config = write_demo(tmp_path / "data" / "demo", n_wards=4, years=2)
    result = _jsna("sources", "--config", str(config))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "census.2025" in result.stdout and "sen_phase_type" in result.stdout
    (config.parent / "comparators" / "sen_phase_type.csv").unlink()
    result = _jsna("sources", "--config", str(config))
    assert result.returncode == 2
    assert "missing" in result.stdout


def test_failing_chapter_is_reported_with_its_cell_and_exit_code(tmp_path):
    from jsna.demo import write_demo

    config = write_demo(tmp_path / "data" / "demo", n_wards=4, years=2)
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
def test_a_chapter_that_fails_after_a_good_refresh_leaves_nothing_of_itself(tmp_path):
    import pandas as pd

    from jsna.demo import write_demo

    config = write_demo(tmp_path / "data" / "demo", n_wards=4, years=2)
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
    assert [p.name for p in site.glob("*.html")] == ["index.html"]
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


def test_ctrl_c_stops_the_refresh_and_its_kernels_quietly(tmp_path):
    import os
    import signal
    import time

    import psutil

    from jsna.demo import write_demo

    config = write_demo(tmp_path / "data" / "demo", n_wards=4, years=2)
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
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert stderr.strip().splitlines() == ["jsna: interrupted"]

    def alive() -> list[int]:
        return [kernel.pid for kernel in kernels if kernel.is_running()
                and kernel.status() != psutil.STATUS_ZOMBIE]

    deadline = time.monotonic() + 60
    while alive() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive()


def test_sources_fails_when_a_chapter_to_run_needs_an_input_that_is_not_set(tmp_path):
    from jsna.demo import write_demo

    config = write_demo(tmp_path / "data" / "demo", n_wards=4, years=2)
    config.write_text("\n".join(line for line in config.read_text().splitlines()
                                if not line.startswith("ehcp_requests")) + "\n")
    result = _jsna("sources", "--config", str(config))
    assert result.returncode == 2
    assert "required by the ehcp chapter" in " ".join(result.stdout.split())
    # refresh says so up front, naming the chapter, rather than failing in a cell
    result = _jsna("refresh", "--config", str(config))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "inputs.comparators.ehcp_requests is needed by the ehcp chapter" in result.stderr
