"""The runner: parallel notebooks, hard timeout with the kernel killed, failures isolated."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from jsna.render import runner
from jsna.render.runner import ChapterJob, execute_chapter, run_chapters

pytestmark = pytest.mark.slow


def _notebook(folder: Path, name: str, source: str) -> Path:
    notebook = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell("marker = ''")
    parameters.metadata["tags"] = ["parameters"]
    parameters.id = "parameters"
    body = nbformat.v4.new_code_cell(source)
    body.id = "body"
    notebook.cells = [parameters, body]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    path = folder / name
    nbformat.write(notebook, path)
    return path


#: Limits given to a hung notebook, tried in turn until its kernel had started before being
#: killed: a busy machine can take longer than the first to start a kernel, and the tests need
#: the hung kernel's process id to check that it is gone.
HANG_LIMITS = (8, 30, 120)


def _with_a_started_kernel(pid_file: Path, run):
    """``run(limit)`` with the first limit of :data:`HANG_LIMITS` by which the hung kernel
    wrote its process id; returns ``(limit, what run returned)``."""
    for limit in HANG_LIMITS:
        pid_file.unlink(missing_ok=True)
        outcome = run(limit)
        if pid_file.exists():
            return limit, outcome
    pytest.fail(f"no kernel started within {HANG_LIMITS[-1]} s")


def test_hung_chapter_is_killed_and_reported_while_others_complete(tmp_path):
    pid_file = tmp_path / "kernel.pid"
    hang = _notebook(
        tmp_path, "hang.ipynb",
        f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(600)",
    )
    quick = _notebook(tmp_path, "quick.ipynb", "open(marker, 'w').write('done')")
    done_file = tmp_path / "quick.done"

    def run(limit: float):
        jobs = [
            ChapterJob("hang", hang, tmp_path / "out" / "hang.ipynb", timeout=limit, retries=0),
            ChapterJob("quick", quick, tmp_path / "out" / "quick.ipynb",
                       parameters={"marker": str(done_file)}, timeout=600),
        ]
        started = time.perf_counter()
        results = run_chapters(jobs, workers=2)
        return results, time.perf_counter() - started

    limit, (results, elapsed) = _with_a_started_kernel(pid_file, run)
    by_name = {r.name: r for r in results}
    assert by_name["hang"].status == "timed out"
    assert f"killed after {limit} s" in by_name["hang"].message
    assert by_name["quick"].ok and done_file.read_text() == "done"
    # the hung cell sleeps 600 s: the run ended long before, at the notebook's limit
    assert elapsed < 500, "the hung notebook must not hold up the run past its limit"
    # the kernel process itself is gone, not just papermill
    kernel_pid = int(pid_file.read_text())
    assert not Path(f"/proc/{kernel_pid}").exists()
    # what had run is kept for debugging, up to the cell that hung
    kept = nbformat.read(by_name["hang"].output, as_version=4)
    assert "time.sleep(600)" in kept.cells[-1].source


def test_cell_error_is_reported_with_the_cell_and_not_retried(tmp_path):
    broken = _notebook(tmp_path, "broken.ipynb", "raise ValueError('no such ward: X05000999')")
    job = ChapterJob("broken", broken, tmp_path / "out" / "broken.ipynb", timeout=600,
                     retries=1)
    result = execute_chapter(job)
    assert result.status == "failed"
    assert result.attempts == 1
    assert "ValueError" in result.message and "X05000999" in result.message
    assert "broken.ipynb" in result.message
    # the executed notebook is kept for debugging, with the error in it
    kept = nbformat.read(result.output, as_version=4)
    assert any(o.get("output_type") == "error" for c in kept.cells for o in c.get("outputs", []))


def test_timeout_is_retried_once(tmp_path):
    hang = _notebook(tmp_path, "slow.ipynb", "import time\ntime.sleep(600)")
    job = ChapterJob("slow", hang, tmp_path / "out" / "slow.ipynb", timeout=5, retries=1)
    result = execute_chapter(job)
    assert result.status == "timed out"
    assert result.attempts == 2


def test_executed_notebook_has_no_timing_metadata(tmp_path):
    quick = _notebook(tmp_path, "q.ipynb", "1 + 1")
    result = execute_chapter(ChapterJob("q", quick, tmp_path / "out" / "q.ipynb", timeout=600))
    assert result.ok
    text = result.output.read_text()
    assert "papermill" not in text and "start_time" not in text and "duration" not in text


def test_a_callers_thread_pool_runs_chapters_side_by_side(tmp_path):
    # papermill runs in the calling process: each run's watchdog must kill its own kernel only
    pid_file = tmp_path / "kernel.pid"
    hang = _notebook(
        tmp_path, "hang.ipynb",
        f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(600)",
    )
    quick = _notebook(tmp_path, "quick.ipynb", "import time\ntime.sleep(8)\n"
                                               "open(marker, 'w').write('done')")
    done_file = tmp_path / "quick.done"

    def run(limit: float):
        jobs = [
            ChapterJob("hang", hang, tmp_path / "out" / "hang.ipynb", timeout=limit, retries=0),
            ChapterJob("quick", quick, tmp_path / "out" / "quick.ipynb",
                       parameters={"marker": str(done_file)}, timeout=600),
        ]
        with ThreadPoolExecutor(max_workers=2) as executor:
            return run_chapters(jobs, executor=executor)

    _, results = _with_a_started_kernel(pid_file, run)
    by_name = {r.name: r for r in results}
    assert by_name["hang"].status == "timed out", by_name["hang"]
    assert by_name["quick"].ok and done_file.read_text() == "done"
    assert not Path(f"/proc/{int(pid_file.read_text())}").exists()


def test_a_silent_worker_is_killed_and_the_chapters_it_stopped_are_rerun(tmp_path, monkeypatch):
    # reading the notebook from a pipe that nobody writes blocks papermill itself, before any
    # kernel starts: only the parent can end that
    monkeypatch.setattr(runner, "WORKER_GRACE", 3.0)
    blocked = tmp_path / "blocked.ipynb"
    os.mkfifo(blocked)
    pid_file = tmp_path / "kernel.pids"
    slow = _notebook(
        tmp_path, "slow.ipynb",
        f"import os, time\nopen({str(pid_file)!r}, 'a').write(f'{{os.getpid()}}\\n')\n"
        "time.sleep(10)\nopen(marker, 'w').write('done')",
    )
    done_file = tmp_path / "slow.done"
    jobs = [
        ChapterJob("blocked", blocked, tmp_path / "out" / "blocked.ipynb", timeout=2, retries=0),
        ChapterJob("slow", slow, tmp_path / "out" / "slow.ipynb",
                   parameters={"marker": str(done_file)}, timeout=600, retries=0),
    ]
    results = run_chapters(jobs, workers=2)
    by_name = {r.name: r for r in results}
    assert by_name["blocked"].status == "timed out"
    assert by_name["blocked"].message == "blocked.ipynb: killed after 2 s"
    assert by_name["slow"].ok and done_file.read_text() == "done"
    # the slow chapter was stopped with the pool (once its kernel had started, unless the
    # machine is very busy) and run again in a fresh one; no kernel is left behind
    kernels = [int(line) for line in pid_file.read_text().split()]
    assert 1 <= len(kernels) <= 2
    assert not any(Path(f"/proc/{pid}").exists() for pid in kernels)


def test_killing_a_worker_leaves_its_exit_status_to_multiprocessing():
    # _kill_tree must not reap a child of this process itself: multiprocessing would then take
    # the worker for alive, and a pool shutting down spins for ever (how a Ctrl-C'd refresh once
    # kept running at full CPU)
    import multiprocessing
    import signal

    worker = multiprocessing.get_context("fork").Process(target=time.sleep, args=(60,))
    worker.start()
    runner._kill_tree(worker.pid)
    worker.join(timeout=10)
    assert worker.exitcode == -signal.SIGKILL


def test_two_runs_write_byte_identical_notebooks(tmp_path):
    # papermill gives the cell it injects with the parameters a random id: it is fixed instead
    quick = _notebook(tmp_path, "q.ipynb", "print(marker)")
    job = ChapterJob("q", quick, tmp_path / "out" / "q.ipynb", parameters={"marker": "m"},
                     timeout=600)
    assert execute_chapter(job).ok
    first = job.output.read_bytes()
    assert execute_chapter(job).ok
    assert job.output.read_bytes() == first
    injected = nbformat.read(job.output, as_version=4).cells[1]
    assert injected.id == "injected-parameters" and "marker = " in injected.source


def test_ctrl_c_while_the_pool_runs_is_counted_then_raised_between_waits():
    """Ctrl-C raised inside concurrent.futures.wait, after it took some futures' locks, left
    the pool's manager thread waiting for them for ever (a refresh hung on Ctrl-C). While the
    pool runs, Ctrl-C is counted, and raised where the loop checks it."""
    import signal

    from jsna.render.runner import _CtrlC

    before = signal.getsignal(signal.SIGINT)
    with _CtrlC() as ctrl_c:
        ctrl_c.check()  # nothing pressed: carries on
        os.kill(os.getpid(), signal.SIGINT)
        deadline = time.monotonic() + 60
        while not ctrl_c.count and time.monotonic() < deadline:
            time.sleep(0.01)  # no KeyboardInterrupt here, in the middle of the work
        assert ctrl_c.count == 1
        with pytest.raises(KeyboardInterrupt):
            ctrl_c.check()
    assert signal.getsignal(signal.SIGINT) is before
