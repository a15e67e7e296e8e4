"""Execute chapter notebooks in parallel, each with a hard time limit and one retry.

The runner is deliberately small (as papermill's own engine boundary is): it takes a list of
:class:`ChapterJob` and any :class:`concurrent.futures.Executor` (processes by default; a dask
``distributed.Client.get_executor()`` also fits) and returns one :class:`ChapterResult` per job.
A failing chapter never stops the others.

Papermill runs inside the executor's workers, so it is imported once per worker rather than once
per chapter (on Linux the default pool's workers are forked after the parent has imported it, so
they start ready; elsewhere each imports it as it starts). A watchdog thread beside each
run kills the kernel's whole process tree when the time limit passes; the notebook then stops
with a dead kernel and the chapter is reported as timed out. If a worker of the default pool
stops responding altogether, the parent kills it and runs the chapters it had not finished in a
fresh pool.

Workers never outlive the parent: each watches it and, once it is gone (killed with ``SIGKILL``
too), kills its kernels and exits, so nothing keeps a caller's pipes open. On Ctrl-C the parent
kills the running kernels first and gives the workers a moment to write what the notebooks had
run, so an interrupted refresh keeps its executed notebooks for debugging; no chapter starts
after the interrupt.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    ProcessPoolExecutor,
    as_completed,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing.queues import SimpleQueue
from pathlib import Path
from typing import Any

import psutil

from jsna.render.execute import CELL_ERROR_STATUS, FAILED, OK, run_notebook

#: Seconds a chapter notebook may run before it is killed.
DEFAULT_TIMEOUT = 600.0

#: Seconds past a run's time limit before the parent gives up on a silent worker and kills it
#: (the worker's own watchdog normally ends the run within a few seconds of the limit).
WORKER_GRACE = 30.0

#: Start method of the default pool's workers: forking on Linux, where workers inherit what the
#: parent has imported and are ready at once; the platform's default elsewhere.
START_METHOD = "fork" if sys.platform == "linux" else None

#: Seconds the parent waits after Ctrl-C for workers to write the notebooks whose kernels it
#: killed, before it kills the workers too.
INTERRUPT_GRACE = 15.0

#: Seconds between a worker's checks that its parent is still alive.
PARENT_CHECK_INTERVAL = 0.25

#: In a worker of the default pool: where each attempt reports ``(chapter, pid, start time)``
#: so that the parent can tell a silent worker from a busy one.
_attempts: SimpleQueue | None = None

#: In a worker of the default pool: set by the parent on Ctrl-C (start no further attempt).
_stopping: Any = None


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
    cwd : Path, optional
        The kernel's working folder, which relative paths in ``parameters`` are taken from
        (default: the notebook's folder).
    """

    name: str
    notebook: Path
    output: Path
    parameters: dict = field(default_factory=dict)
    timeout: float = DEFAULT_TIMEOUT
    retries: int = 1
    cwd: Path | None = None


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


def _kill_tree(pid: int) -> None:
    """Kill a process and every process it started.

    jupyter_client starts each kernel in a session of its own, so a kernel's process group is
    killed as well as every descendant psutil finds. The process is stopped (``SIGSTOP``) before
    its descendants are collected, so it cannot start a kernel that the list would miss and that
    would outlive it.
    """
    try:
        root = psutil.Process(pid)
        root.suspend()
        family = [root, *root.children(recursive=True)]
        # never reap a child of this process (a pool worker): waiting would take its exit status
        # from multiprocessing, which would then think it alive and spin for ever shutting the
        # pool down
        others = [member for member in family if _parent_pid(member) != os.getpid()]
    except psutil.NoSuchProcess:
        return
    for member in family:
        try:
            if os.getpgid(member.pid) == member.pid:  # a session or group leader (a kernel)
                os.killpg(member.pid, signal.SIGKILL)
            member.kill()
        except (psutil.NoSuchProcess, ProcessLookupError):
            pass
    psutil.wait_procs(others, timeout=5)


def _parent_pid(process: psutil.Process) -> int | None:
    try:
        return process.ppid()
    except psutil.NoSuchProcess:
        return None


class _Watchdog:
    """Kills the kernels of one notebook run once its time limit has passed.

    Kernel managers register themselves (see :func:`_watched_kernel_manager`); after the limit
    the watchdog kills every registered kernel that is still running, and keeps doing so until
    the run ends, in case a kernel was being started at that moment.
    """

    def __init__(self, seconds: float) -> None:
        self.kernel_managers: list[Any] = []
        self.expired = threading.Event()
        self._finished = threading.Event()
        self._thread = threading.Thread(
            target=self._watch, args=(seconds,), name="jsna-watchdog", daemon=True
        )

    def __enter__(self) -> _Watchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._finished.set()
        self._thread.join()

    def _watch(self, seconds: float) -> None:
        if self._finished.wait(seconds):
            return
        self.expired.set()
        while True:
            for manager in list(self.kernel_managers):
                process = getattr(getattr(manager, "provisioner", None), "process", None)
                if process is not None and process.poll() is None:  # running, pid not reused
                    _kill_tree(process.pid)
            if self._finished.wait(0.2):
                return


def _watched_kernel_manager(watchdog: _Watchdog) -> type:
    """An nbclient kernel manager class whose instances register with ``watchdog``.

    Its kernels write nothing to the terminal (their log lines and anything written straight
    to their stdout or stderr); the notebook's own outputs reach the notebook as usual.
    """
    from jupyter_client.manager import AsyncKernelManager

    class WatchedKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            watchdog.kernel_managers.append(self)

        async def start_kernel(self, **kwargs: Any) -> None:
            kwargs.setdefault("stdout", subprocess.DEVNULL)
            kwargs.setdefault("stderr", subprocess.DEVNULL)
            await super().start_kernel(**kwargs)

    return WatchedKernelManager


def _attempt(job: ChapterJob) -> tuple[str, str]:
    """Run the notebook once in this process, under a watchdog; return ``(status, message)``."""
    if _stopping is not None and _stopping.is_set():  # interrupted: keep the last notebook
        return FAILED, f"{job.notebook.name}: interrupted"
    if _attempts is not None:
        _attempts.put((job.name, os.getpid(), time.monotonic()))
    job.output.parent.mkdir(parents=True, exist_ok=True)
    with _Watchdog(job.timeout) as watchdog:
        status, message = run_notebook(
            job.notebook, job.output, job.parameters,
            kernel_manager_class=_watched_kernel_manager(watchdog), cwd=job.cwd,
        )
    if watchdog.expired.is_set() and status != OK:
        return "timed out", _killed_message(job)
    return status, message


def _killed_message(job: ChapterJob) -> str:
    return f"{job.notebook.name}: killed after {job.timeout:g} s"


def execute_chapter(job: ChapterJob) -> ChapterResult:
    """Execute one chapter notebook with its time limit and retries.

    Runs papermill in the calling process (importing it if needed), so it suits any executor:
    the default pool's workers, threads, or a dask cluster.

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
        if status in (OK, CELL_ERROR_STATUS):
            break
    final = {OK: "ok", "timed out": "timed out"}.get(status, "failed")
    return ChapterResult(
        name=job.name,
        status=final,
        seconds=round(time.perf_counter() - started, 2),
        attempts=attempts,
        message=message,
        output=job.output,
    )


def _start_worker(attempts: SimpleQueue, stopping: Any, parent: int) -> None:
    """Initialise a worker of the default pool: report attempts, die with the parent, import.

    A forked worker has papermill from the parent already; a spawned one imports it now, while
    the parent carries on, rather than when its first chapter arrives. Papermill's log lines
    are dropped: each chapter's outcome comes back as a one-line message instead.

    Parameters
    ----------
    attempts : SimpleQueue
        Where each attempt is reported.
    stopping : multiprocessing.Event
        Set by the parent on Ctrl-C.
    parent : int
        The parent's process id: once it is gone, this worker kills its kernels and exits.
    """
    global _attempts, _stopping
    _attempts = attempts
    _stopping = stopping
    threading.Thread(target=_exit_with_parent, args=(parent,), name="jsna-parent-watch",
                     daemon=True).start()
    # a broken pool terminates its workers: take their kernels with them
    signal.signal(signal.SIGTERM, _stop_worker)
    # Ctrl-C reaches the whole process group: the parent stops the workers and their kernels
    # (see _run_on_own_pool), so that each worker does not print its own traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.getLogger("papermill").addHandler(logging.NullHandler())
    import papermill  # noqa: F401


def _exit_with_parent(parent: int) -> None:
    """Wait until ``parent`` is gone (this process is then re-parented), then stop the worker.

    A thread rather than a signal handler, so that it works whatever the main thread is doing
    (blocked on a read, in C code) and on every platform.
    """
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_INTERVAL)
    _stop_worker(signal.SIGTERM, None)


def _stop_worker(signum: int, frame: object) -> None:
    """Kill this worker's kernels, then exit (the default pool's ``SIGTERM`` handler)."""
    for child in psutil.Process().children():
        _kill_tree(child.pid)
    os._exit(1)


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
        Where to run them. Default: a process pool of ``workers`` processes, shut down afterwards,
        which also kills a worker that stays silent past a chapter's time limit and reruns the
        other chapters it lost. A caller-supplied executor is left running.
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
    report = on_done or (lambda result: None)
    if executor is not None:
        results = _run_on(executor, jobs, report, while_running)
    else:
        count = workers or os.cpu_count() or 1
        results = _run_on_own_pool(jobs, max(1, count), report, while_running)
    return [results[job.name] for job in jobs]


def _run_on(
    executor: Executor,
    jobs: list[ChapterJob],
    report: Callable[[ChapterResult], None],
    while_running: Callable[[], None] | None,
) -> dict[str, ChapterResult]:
    """Run the jobs on a caller's executor (no parent-side time limit: its workers are theirs)."""
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
        report(result)
    return results


class _CtrlC:
    """Ctrl-C, while the default pool runs, as a count the pool's loop reads every half second.

    Python raises ``KeyboardInterrupt`` wherever the main thread happens to be. Inside
    :func:`concurrent.futures.wait` that can be after it has taken some futures' locks and
    before it gives them back; the pool's manager thread then waits for those locks for ever to
    post a result, and shutting the pool down waits for that thread: Ctrl-C would hang the
    refresh. So while the pool runs, Ctrl-C only counts, and the loop stops the pool at a
    point of its own choosing (a second Ctrl-C cuts the grace period short). Outside the main
    thread (a caller's thread) signals are not ours to handle and nothing changes.
    """

    def __init__(self) -> None:
        self.count = 0
        self._previous: Any = None
        self._installed = False

    def _count(self, signum: int, frame: object) -> None:
        self.count += 1

    def check(self) -> None:
        """Raise ``KeyboardInterrupt`` here, between waits, if Ctrl-C was pressed."""
        if self.count:
            raise KeyboardInterrupt

    def __enter__(self) -> _CtrlC:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._count)
            self._installed = True
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)


def _run_on_own_pool(
    jobs: list[ChapterJob],
    workers: int,
    report: Callable[[ChapterResult], None],
    while_running: Callable[[], None] | None,
) -> dict[str, ChapterResult]:
    """Run the jobs on process pools of ``workers``; a fresh pool reruns what a broken one lost.

    A pool breaks when one of its workers dies: killed here because it stayed silent past its
    chapter's time limit (that chapter is reported as timed out; the others it stopped are
    rerun), or crashed on its own (the chapters then running are charged an attempt and fail
    once their retries are used up).
    """
    results: dict[str, ChapterResult] = {}
    crashes = dict.fromkeys((job.name for job in jobs), 0)
    attempts = dict.fromkeys((job.name for job in jobs), 0)
    first_started: dict[str, float] = {}

    def finish(job: ChapterJob, status: str, message: str) -> None:
        started = first_started.get(job.name, time.monotonic())
        results[job.name] = ChapterResult(job.name, status, round(time.monotonic() - started, 2),
                                          max(1, attempts[job.name]), message, job.output)
        report(results[job.name])

    remaining = jobs
    with _CtrlC() as ctrl_c:
        while remaining:
            context = _pool_context()
            reports: SimpleQueue = context.SimpleQueue()
            stopping = context.Event()
            pool = ProcessPoolExecutor(
                max_workers=min(workers, len(remaining)), mp_context=context,
                initializer=_start_worker, initargs=(reports, stopping, os.getpid()),
            )
            progress = killed_here = False
            futures = {}
            try:
                futures = {pool.submit(execute_chapter, job): job for job in remaining}
                if while_running is not None:
                    while_running()
                    while_running = None
                running: dict[str, tuple[int, float]] = {}  # chapter -> (worker pid, attempt start)
                waiting = set(futures)
                while waiting:
                    ctrl_c.check()
                    done, waiting = wait(waiting, timeout=0.5, return_when=FIRST_COMPLETED)
                    _note_started(reports, running, attempts, first_started)
                    for future in done:
                        job = futures[future]
                        if job.name in results:  # already reported as timed out
                            continue
                        try:
                            result = future.result()
                        except BrokenProcessPool:
                            if killed_here or job.name not in running:
                                continue  # lost with the pool through no fault of its own: rerun
                            crashes[job.name] += 1
                            progress = True
                            if crashes[job.name] <= job.retries:
                                continue
                            finish(job, "failed", f"{job.notebook.name}: the worker process died")
                        except Exception as error:  # the pool itself failed
                            finish(job, "failed", str(error))
                        else:
                            results[job.name] = result
                            report(result)
                        progress = True
                    unfinished, silent = _silent_jobs(list(futures.values()), running, results)
                    if silent:
                        # the pool breaks: stop every worker still running, not only the silent
                        # one, so that no kernel outlives its worker
                        killed_here = progress = True
                        _stop_workers(unfinished, silent, running, finish)
            except KeyboardInterrupt:
                _interrupt(futures, stopping, ctrl_c)
                raise
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
            remaining = [job for job in remaining if job.name not in results]
            if remaining and not progress:  # e.g. workers that cannot even start
                for job in remaining:
                    finish(job, "failed", "the worker processes failed to start")
                remaining = []
    return results


def _pool_context() -> Any:
    """The multiprocessing context of a new pool (papermill imported first when it forks).

    Papermill is imported once, here, rather than in every worker: forked workers share it, and
    the parent needs most of it (nbformat) for the site anyway. Measured on two cores, a cold
    `jsna refresh` took 1.7 s less wall time and 5 s less CPU than importing in each worker's
    initializer while the parent worked.
    """
    context = multiprocessing.get_context(START_METHOD)
    if context.get_start_method() == "fork":
        import papermill  # noqa: F401
    return context


def _note_started(reports: SimpleQueue, running: dict[str, tuple[int, float]],
                  attempts: dict[str, int], first_started: dict[str, float]) -> None:
    """Record the attempts the workers have reported starting (chapter, worker pid, start)."""
    while not reports.empty():
        name, pid, started = reports.get()
        running[name] = (pid, started)
        attempts[name] += 1
        first_started.setdefault(name, started)


def _silent_jobs(jobs: list[ChapterJob], running: dict[str, tuple[int, float]],
                 results: dict[str, ChapterResult]) -> tuple[list[ChapterJob], list[ChapterJob]]:
    """The started jobs with no result yet, and those of them past their time limit and grace."""
    now = time.monotonic()
    unfinished = [job for job in jobs if job.name in running and job.name not in results]
    silent = [job for job in unfinished
              if now > running[job.name][1] + job.timeout + WORKER_GRACE]
    return unfinished, silent


def _stop_workers(unfinished: list[ChapterJob], silent: list[ChapterJob],
                  running: dict[str, tuple[int, float]],
                  finish: Callable[[ChapterJob, str, str], None]) -> None:
    """Kill the worker of every unfinished job; report the silent ones as timed out."""
    for job in unfinished:
        _kill_tree(running[job.name][0])
    for job in silent:
        finish(job, "timed out", _killed_message(job))


def _interrupt(futures: dict, stopping: Any, ctrl_c: _CtrlC | None = None) -> None:
    """Stop a pool on Ctrl-C: no new attempt, kernels killed, the notebooks so far kept.

    Killing a kernel ends its notebook run the way a time-out does: the worker writes the cells
    run so far and returns. Once every run has returned (or after :data:`INTERRUPT_GRACE`, or
    at a second Ctrl-C) every worker is killed with whatever it started.
    """
    stopping.set()
    for future in futures:
        future.cancel()
    deadline = time.monotonic() + INTERRUPT_GRACE
    try:
        while (not all(future.done() for future in futures) and time.monotonic() < deadline
               and (ctrl_c is None or ctrl_c.count < 2)):  # a second Ctrl-C: stop waiting
            # again and again: a worker may have been starting a kernel at that moment
            for worker in psutil.Process().children():
                for kernel in _children(worker):
                    _kill_now(kernel)
            wait(list(futures), timeout=0.2)
    finally:
        for child in psutil.Process().children():
            _kill_tree(child.pid)


def _kill_now(process: psutil.Process) -> None:
    """Kill a process (and its group when it leads one, as a kernel does) without waiting."""
    try:
        if os.getpgid(process.pid) == process.pid:
            os.killpg(process.pid, signal.SIGKILL)
        process.kill()
    except (psutil.NoSuchProcess, ProcessLookupError):
        pass


def _children(process: psutil.Process) -> list[psutil.Process]:
    try:
        return process.children()
    except psutil.NoSuchProcess:
        return []
