"""Execute chapter notebooks in parallel, each with a hard time limit and one retry.

The runner is deliberately small (as papermill's own engine boundary is): it takes a list of
:class:`ChapterJob` and any :class:`concurrent.futures.Executor` (processes by default; a dask
``distributed.Client.get_executor()`` also fits) and returns one :class:`ChapterResult` per job.
Each notebook runs in its own operating-system process group, so a hung kernel is killed with
everything it started when the time limit passes. A failing chapter never stops the others.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from jsna.render.execute import CELL_ERROR

#: Seconds a chapter notebook may run before it is killed.
DEFAULT_TIMEOUT = 600.0


@dataclass(frozen=True)
class ChapterJob:
    """One notebook to execute.

    Attributes
    ----------
    name : str
        Chapter key, e.g. ``"population"``.
    notebook : Path
        The source notebook (stripped of outputs).
    output : Path
        Where the executed notebook is written (kept on failure for debugging).
    parameters : dict
        Injected by papermill into the notebook's ``parameters`` cell.
    timeout : float
        Hard limit in seconds for one attempt.
    retries : int
        Further attempts after a failure that is not a cell error (kernel start can hang).
    """

    name: str
    notebook: Path
    output: Path
    parameters: dict = field(default_factory=dict)
    timeout: float = DEFAULT_TIMEOUT
    retries: int = 1


@dataclass(frozen=True)
class ChapterResult:
    """What happened to one chapter."""

    name: str
    status: str  # "ok", "failed" or "timed out"
    seconds: float
    attempts: int
    message: str
    output: Path

    @property
    def ok(self) -> bool:
        """True when the notebook ran to the end."""
        return self.status == "ok"


def _attempt(job: ChapterJob) -> tuple[str, str]:
    """Run the notebook once in a new process group; return ``(status, message)``."""
    job.output.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "jsna.render.execute",
        str(job.notebook),
        str(job.output),
        json.dumps(job.parameters, sort_keys=True),
    ]
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=job.timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        return "timed out", f"{job.notebook.name}: killed after {job.timeout:g} s"
    if process.returncode == 0:
        return "ok", ""
    lines = [line for line in (stderr or "").strip().splitlines() if line.strip()]
    message = lines[-1] if lines else f"exit code {process.returncode}"
    if process.returncode == CELL_ERROR:
        return "cell error", message
    return "failed", message


def _kill_group(process: subprocess.Popen) -> None:
    """Kill a process and every process it started, the kernel included.

    jupyter_client starts kernels in a session of their own, so killing the process group is
    not enough: the process tree is collected first (psutil) and every member is killed.
    """
    try:
        family = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    for member in family:
        try:
            member.kill()
        except psutil.NoSuchProcess:
            pass
    process.wait()
    psutil.wait_procs(family, timeout=5)


def execute_chapter(job: ChapterJob) -> ChapterResult:
    """Execute one chapter notebook with its time limit and retries.

    Parameters
    ----------
    job : ChapterJob
        What to run.

    Returns
    -------
    ChapterResult
        Status ``"ok"``, ``"failed"`` or ``"timed out"`` with a one-line message.
    """
    started = time.perf_counter()
    attempts = 0
    status, message = "failed", ""
    while attempts <= job.retries:
        attempts += 1
        status, message = _attempt(job)
        if status in ("ok", "cell error"):
            break
    final = {"ok": "ok", "timed out": "timed out"}.get(status, "failed")
    return ChapterResult(
        name=job.name,
        status=final,
        seconds=round(time.perf_counter() - started, 2),
        attempts=attempts,
        message=message,
        output=job.output,
    )


def run_chapters(
    jobs: Iterable[ChapterJob],
    *,
    executor: Executor | None = None,
    workers: int | None = None,
    on_done: Callable[[ChapterResult], None] | None = None,
    while_running: Callable[[], None] | None = None,
) -> list[ChapterResult]:
    """Execute chapter notebooks concurrently.

    Parameters
    ----------
    jobs : iterable of ChapterJob
        The notebooks to run.
    executor : concurrent.futures.Executor, optional
        Where to run them. Default: a process pool of ``workers`` processes, shut down afterwards.
        A caller-supplied executor is left running.
    workers : int, optional
        Size of the default pool (default: number of CPUs, at most the number of jobs).
    on_done : callable, optional
        Called with each result as it completes (e.g. to advance a progress bar).
    while_running : callable, optional
        Called once in this process after every job is submitted, while they run (e.g. to
        import what the next stage needs). Runs in the main thread, so worker processes are
        never forked while another thread holds a lock.

    Returns
    -------
    list of ChapterResult
        In the order of ``jobs``.
    """
    jobs = list(jobs)
    if not jobs:
        return []
    owned = executor is None
    if executor is None:
        count = workers or os.cpu_count() or 1
        executor = ProcessPoolExecutor(max_workers=max(1, min(count, len(jobs))))
    try:
        futures = {executor.submit(execute_chapter, job): job for job in jobs}
        if while_running is not None:
            while_running()
        results: dict[str, ChapterResult] = {}
        for future in as_completed(futures):
            job = futures[future]
            try:
                result = future.result()
            except Exception as error:  # the executor itself failed
                result = ChapterResult(job.name, "failed", 0.0, 1, str(error), job.output)
            results[job.name] = result
            if on_done is not None:
                on_done(result)
    finally:
        if owned:
            executor.shutdown(wait=True)
    return [results[job.name] for job in jobs]
