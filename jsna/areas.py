"""``jsna refresh --areas``: many councils' JSNAs from one configuration, on processes or dask.

A regional observatory, an integrated care board or a national team renders the published-data
chapters (EHC plans, sufficiency, outcomes, adulthood, resources, quality ... every chapter that
does not read a council's own census) for many councils at once from ONE configuration whose
comparator files cover every council (DfE's files do). The base configuration's own council also
gets its census chapters, since its census is the one configured.

Other councils get census chapters when the base configuration lists their cleaned census under
``[areas.census]``: each council cleans its own census (``jsna clean census --config
its.toml --out FOLDER``, pseudonymised with its own secret, so no UPN leaves the council) and
sends the folder; the regional configuration names it by the council's code::

    [areas.census]
    E08000009 = "censuses/trafford"     # Trafford: pupils.parquet, reconciliation.csv, validation.csv
    E06000019 = "censuses/herefordshire"

Such a council gets every census chapter of the run whose other inputs are published files
(``population``: the census and DfE's SEN by phase and type file); chapters that also need local
lookups (``wards``: postcode and ward lookups and boundaries; ``settings``: the schools list) stay
the base council's, and the run's notes say so.

Each council is refreshed exactly as ``jsna refresh --config`` refreshes one: a configuration of
its own is written (beside the base configuration's cleaned data, never published) and
:func:`jsna.refresh.refresh` builds its site aside, checks it and swaps it in whole. Councils run
side by side on a :class:`~concurrent.futures.ProcessPoolExecutor` (one after another with one
worker) or on a ``dask.distributed`` cluster (a ``LocalCluster`` by default, or a running
scheduler's address). Within a council the chapters run one after another: on the process
executor in the refresh's own pool of one process (its time limits and Ctrl-C handling as
usual), on dask in a thread of the worker (dask's workers are daemons, which may not start
process pools). The parallelism is across councils. A failing council never stops
the others: its failure comes back as a result. When every council has finished, a regional
index page (:mod:`jsna.render.regional`) links every council's site and compares them on the
scorecard measures.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsna.chapter_list import CHAPTERS
from jsna.config import Config, load_config
from jsna.errors import JsnaConfigError, JsnaError
from jsna.refresh import refresh  # imported before the process pool forks: workers start ready
from jsna.render.regional import RegionalEntry, write_regional_index
from jsna.render.runner import DEFAULT_TIMEOUT
from jsna.sources.la_codes import canonical_code, la_table

#: Executors ``--executor`` accepts (``dask`` may carry a scheduler address: ``dask=tcp://...``).
EXECUTORS = ("process", "dask")

#: Inputs under ``[inputs]`` (besides the comparators) that are published for many councils and
#: so are given to every council's configuration: ONS's population, DfE's LAIT long file and
#: OHID's Fingertips exports (each chapter finds its council's rows by code, and names the gap
#: when an export does not hold them). The others (census, postcode and ward lookups,
#: boundaries, IMD, schools, any record-level extract) describe the base council alone.
PUBLISHED_INPUTS = ("population", "lait", "fingertips")

#: Chapter name in a failure line when the council failed before or after its chapters.
WHOLE_AREA = "-"


@dataclass(frozen=True)
class Council:
    """A council to render: its codes, names and comparators."""

    code: str
    name: str
    la_number: int | None
    region_code: str
    region_name: str
    neighbours: tuple[str, ...] = ()


@dataclass(frozen=True)
class AreaTask:
    """One council's refresh, as sent to a worker (plain values only: it is pickled): its code
    and name, its own ``jsna.toml`` (under ``<clean_folder>/areas/<code>/``), the chapters to run
    and the seconds allowed per notebook."""

    code: str
    name: str
    config_path: str
    chapters: tuple[str, ...]
    timeout: float = DEFAULT_TIMEOUT


@dataclass(frozen=True)
class AreaFailure:
    """Why a council's site is incomplete or was not published."""

    code: str
    chapter: str
    reason: str

    def line(self, name: str) -> str:
        """One line for the summary: code, name, chapter and reason."""
        return f"{self.code} {name}: {self.chapter}: {self.reason}"


@dataclass(frozen=True)
class AreaResult:
    """What happened to one council: whether its site was published, what failed, each
    chapter's ``(chapter, status, seconds)``, the time it took and its index page."""

    code: str
    name: str
    published: bool
    failures: tuple[AreaFailure, ...]
    chapters: tuple[tuple[str, str, float], ...]
    seconds: float
    index: str = ""

    @property
    def ok(self) -> bool:
        """True when the site was published with every chapter."""
        return self.published and not self.failures


@dataclass
class AreasReport:
    """What a many-council refresh produced."""

    results: list[AreaResult]
    regional_index: Path | None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when every council's site was published with every chapter."""
        return all(result.ok for result in self.results)

    def failure_lines(self) -> list[str]:
        """One line per failed council and chapter: code, name, chapter, reason."""
        return [failure.line(result.name) for result in self.results
                for failure in result.failures]


# ------------------------------------------------------------------------------------------
# Which councils, and one configuration each


def parse_executor(text: str) -> tuple[str, str | None]:
    """``process``, ``dask`` or ``dask=SCHEDULER_ADDRESS`` as ``(kind, address)``.

    Raises
    ------
    JsnaConfigError
        Naming what was expected.
    """
    kind, _, address = text.partition("=")
    if kind not in EXECUTORS or (address and kind != "dask") or ("=" in text and not address):
        raise JsnaConfigError(f"--executor: expected process, dask or dask=SCHEDULER_ADDRESS "
                              f"(e.g. dask=tcp://10.0.0.5:8786), got {text!r}")
    return kind, address or None


def published_councils(path: Path) -> list[str]:
    """The councils with a headline row in the latest year of DfE's EHC plan caseload file.

    Parameters
    ----------
    path : Path
        ``inputs.comparators.ehcp_caseload`` (SEN2 ``caseload.csv``), read with the package's
        explore-education-statistics reader (current codes).

    Returns
    -------
    list of str
        GSS codes, sorted.
    """
    from jsna.forecast.series import read_plans_series

    series = read_plans_series(path)
    councils = series[series["area_type"] == "Local authority"]
    latest = councils[councils["year"] == councils["year"].max()]
    return sorted(set(latest["area_code"].astype(str)))


def _caseload_names(path: Path | None) -> dict[str, str]:
    """Council code -> DfE's name for it in the caseload file (empty without the file)."""
    if path is None:
        return {}
    from jsna.forecast.series import read_plans_series

    series = read_plans_series(path)
    councils = series[series["area_type"] == "Local authority"].sort_values("year")
    return dict(zip(councils["area_code"].astype(str), councils["area_name"].astype(str),
                    strict=True))


def councils_for(config: Config, areas: str | Sequence[str]) -> tuple[list[Council], list[str]]:
    """The councils ``--areas`` names, with their names, regions and statistical neighbours.

    Parameters
    ----------
    config : Config
        The base configuration (its ``ehcp_caseload`` file lists the councils for ``all`` and
        gives their names; its ``statistical_neighbours`` file their neighbours).
    areas : str or sequence of str
        ``"all"``, ``"CODE,CODE"`` or a list of codes (old or current GSS codes).

    Returns
    -------
    councils : list of Council
        In the order given (``all``: by code).
    notes : list of str
        One line per council rendered without statistical neighbours, saying why.

    Raises
    ------
    JsnaConfigError
        ``all`` without a caseload file, or a code that is not an English council.
    """
    caseload = config.inputs.comparators.get("ehcp_caseload")
    if isinstance(areas, str):
        areas = [code.strip() for code in areas.split(",") if code.strip()]
    if list(areas) == ["all"]:
        if caseload is None:
            raise JsnaConfigError("--areas all reads the list of councils from "
                                  "inputs.comparators.ehcp_caseload (DfE's EHC plan caseload "
                                  "file), which is not set", str(config.path))
        codes = published_councils(caseload)
    else:
        codes = list(dict.fromkeys(canonical_code(code) for code in areas))
    if not codes:
        raise JsnaConfigError("--areas: no council given (CODE,CODE or all)", str(config.path))
    table = la_table().drop_duplicates("gss_code").set_index("gss_code")
    own = canonical_code(config.area.code)
    unknown = [code for code in codes if code not in table.index and code != own]
    if unknown:
        raise JsnaConfigError(f"--areas: not the GSS code of an English council: "
                              f"{', '.join(unknown)}", str(config.path))
    wrong = [f"areas.census.{key}: not the GSS code of an English council (the keys of "
             "[areas.census] are the councils whose cleaned census is given)"
             for key in config.area_censuses if canonical_code(key) not in table.index]
    if wrong:
        raise JsnaConfigError(wrong, str(config.path))
    names = _caseload_names(caseload)
    neighbours, notes = _neighbour_lists(config, codes)
    councils = []
    for code in codes:
        if code == own and code not in table.index:  # a council the table does not hold (demo)
            councils.append(Council(code, config.area.name, config.area.la_number,
                                    config.area.region_code, config.area.region_name,
                                    tuple(neighbours.get(code, ()))))
            continue
        row = table.loc[code]
        number = row["la_number"]
        councils.append(Council(
            code=code, name=names.get(code, str(row["la_name"])),
            la_number=int(number) if number == number else None,
            region_code=str(row["region_code"]), region_name=str(row["region_name"]),
            neighbours=tuple(neighbours.get(code, ()))))
    return councils, notes


def _neighbour_lists(config: Config, codes: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Each council's statistical neighbours (the base council's as configured)."""
    lists: dict[str, list[str]] = {}
    path = config.inputs.comparators.get("statistical_neighbours")
    if path is not None:
        from jsna.forecast.series import neighbour_lists
        from jsna.sources.neighbours import read_statistical_neighbours

        lists = neighbour_lists(read_statistical_neighbours(path))
    own = canonical_code(config.area.code)
    if config.neighbours:
        lists[own] = [canonical_code(code) for code in config.neighbours]
    source = path.name if path is not None else "the configuration (no statistical_neighbours file)"
    notes = [f"{code}: no statistical neighbours in {source}; compared with England and its "
             "region only" for code in codes if not lists.get(code)]
    return lists, notes


def _toml_value(value: Any) -> str:
    """A TOML value (strings as JSON strings, which TOML reads the same)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    return json.dumps(str(value))


def _toml(sections: dict[str, dict[str, Any]]) -> str:
    lines = []
    for section, table in sections.items():
        if not table:
            continue
        lines.append(f"[{section}]")
        lines += [f"{json.dumps(key)} = {_toml_value(value)}" for key, value in table.items()]
        lines.append("")
    return "\n".join(lines)


def area_config_dir(base: Config, code: str) -> Path:
    """Where a council's own configuration (and executed notebooks) live: beside the base
    configuration's cleaned data, never published."""
    return base.clean_dir / "areas" / code


def area_census(base: Config, code: str) -> Path | None:
    """The cleaned census folder ``[areas.census]`` gives for council ``code`` (old or current
    GSS code), or None."""
    by_code = {canonical_code(key): folder for key, folder in base.area_censuses.items()}
    return by_code.get(canonical_code(code))


def local_inputs_missing(base: Config, chapter: str) -> list[str]:
    """The inputs (besides the census) a census chapter needs that describe the base council
    alone, so another council with a cleaned census cannot have them (``[]``: it can run)."""
    return [f"inputs.{key}" for key in CHAPTERS[chapter].inputs
            if key != "census" and not key.startswith("comparators.")
            and key not in PUBLISHED_INPUTS]


def area_chapters(base: Config, council: Council, chapters: Sequence[str] | None) -> list[str]:
    """The chapters to render for a council: the base configuration's (or ``chapters``).

    The base council keeps every one. Another council keeps the census chapters only when
    ``[areas.census]`` gives its cleaned census, and then only those whose other inputs are
    published files (:func:`local_inputs_missing`).
    """
    wanted = list(chapters or base.chapters)
    unknown = [key for key in wanted if key not in CHAPTERS]
    if unknown:
        raise JsnaConfigError(f"unknown chapter(s) {', '.join(unknown)} "
                              f"(known: {', '.join(CHAPTERS)})")
    if canonical_code(council.code) == canonical_code(base.area.code):
        return wanted
    has_census = area_census(base, council.code) is not None
    return [key for key in wanted if not CHAPTERS[key].uses_census
            or (has_census and not local_inputs_missing(base, key))]


def census_notes(base: Config, councils: Sequence[Council],
                 chapters: Sequence[str] | None) -> list[str]:
    """What the run's notes say about census chapters: who gets them, who does not and why."""
    census_chapters = [key for key in (chapters or base.chapters) if CHAPTERS[key].uses_census]
    others = [c for c in councils if canonical_code(c.code) != canonical_code(base.area.code)]
    if not census_chapters or not others:
        return []
    with_census = [c for c in others if area_census(base, c.code) is not None]
    notes = []
    for key in census_chapters:
        missing = local_inputs_missing(base, key)
        if with_census and missing:
            notes.append(f"{key}: not rendered for {_names(with_census)}, whose cleaned census "
                         f"[areas.census] gives: the chapter also needs {', '.join(missing)}, "
                         f"which describe {base.area.name} alone")
        rendered = [base.area.name] + ([c.name for c in with_census] if not missing else [])
        without = len(others) - (len(with_census) if not missing else 0)
        if without:
            notes.append(f"{key}: rendered for {', '.join(rendered)} only; not for the other "
                         f"{without} council{'s' if without != 1 else ''}, whose census the "
                         "configuration does not give ([areas.census])")
    return notes


def _names(councils: Sequence[Council]) -> str:
    return ", ".join(council.name for council in councils)


def write_area_config(base: Config, council: Council, chapters: Sequence[str]) -> Path:
    """Write the configuration of one council derived from the base configuration.

    The council gets the base configuration's year, published (comparator) files, disclosure
    rule and output folder; its own code, name, region and statistical neighbours; its cleaned
    census when ``[areas.census]`` gives one (as ``census.cleaned_folder``); and none of what
    belongs to the base council alone (census, local lookups, narrative, governance, targets,
    title). Paths under the base configuration's folder are written relative to the new
    file, so the folder can be moved whole; others stay absolute.

    Returns
    -------
    Path
        ``<clean folder>/areas/<code>/jsna.toml``.
    """
    folder = area_config_dir(base, council.code)
    folder.mkdir(parents=True, exist_ok=True)

    def relative(path: Path) -> str:
        """Relative to the new file when under the base configuration's folder (moved with
        it), absolute otherwise (a shared folder of published files)."""
        path = path.resolve()
        if path.is_relative_to(base.root):
            return Path(os.path.relpath(path, folder)).as_posix()
        return path.as_posix()

    census = area_census(base, council.code)
    area: dict[str, Any] = {"code": council.code, "name": council.name}
    if council.la_number is not None:
        area["la_number"] = council.la_number
    area |= {"region_code": council.region_code, "region_name": council.region_name}
    inputs = {key: relative(getattr(base.inputs, key)) for key in PUBLISHED_INPUTS
              if getattr(base.inputs, key, None) is not None}
    text = _toml({
        "area": area,
        "jsna": {"year": base.year},
        "inputs": inputs,
        "inputs.comparators": {
            key: relative(paths[0]) if len(paths) == 1 else [relative(p) for p in paths]
            for key, paths in sorted(base.inputs.comparator_files.items())},
        "census": {"cleaned_folder": relative(census)} if census is not None else {},
        "comparators": {"neighbours": list(council.neighbours)},
        "disclosure": {"threshold": base.disclosure.threshold,
                       "suppress_zeros": base.disclosure.suppress_zeros},
        "chapters": {"run": list(chapters)},
        "output": {"folder": relative(base.output_folder), "clean_folder": "."},
    })
    path = folder / "jsna.toml"
    what = "published-data and census chapters" if census is not None else (
        "published-data chapters")
    header = (f"# Written by jsna refresh --areas from {base.path.name}: {council.name}'s "
              f"{what}. Edit the base configuration, not this file.\n")
    new = header + text
    if not path.exists() or path.read_text(encoding="utf-8") != new:
        path.write_text(new, encoding="utf-8")
    return path


def area_tasks(base: Config, councils: Iterable[Council], *, chapters: Sequence[str] | None = None,
               timeout: float = DEFAULT_TIMEOUT) -> list[AreaTask]:
    """One task per council; the base council keeps its own configuration file."""
    tasks = []
    for council in councils:
        keys = area_chapters(base, council, chapters)
        if canonical_code(council.code) == canonical_code(base.area.code):
            path = base.path
        else:
            path = write_area_config(base, council, keys)
        tasks.append(AreaTask(council.code, council.name, str(path), tuple(keys), timeout))
    return tasks


# ------------------------------------------------------------------------------------------
# One council, in a worker

#: In a worker of the process pool: where chapter progress goes (set by the pool's initializer).
_progress: Any = None


def _start_process_worker(progress: Any) -> None:
    global _progress
    _progress = progress


def refresh_area(task: AreaTask, progress: Any = None, *,
                 chapters_in_threads: bool = True) -> AreaResult:
    """Refresh one council's site (in whatever process or thread the executor gives).

    Every failure is returned, never raised, so one council cannot stop the others: an error
    of the configuration, an input or the publish gates is a failure of the whole council
    (chapter ``-``; the previous site stays), a failed chapter one of that chapter (the site is
    published without it, as ``jsna refresh`` does).

    Parameters
    ----------
    task : AreaTask
        The council and its configuration.
    progress : object with ``put``, optional
        Receives ``(area code, chapter, status)`` as each chapter ends (a queue).
    chapters_in_threads : bool
        Run the chapters one after another on a thread of this process (default: a dask
        worker, being a daemon process, may not start processes of its own). With False they
        run on :func:`jsna.refresh.refresh`'s own pool of one process, which also stops their
        kernels at once on Ctrl-C.
    """
    sink = progress if progress is not None else _progress
    started = time.perf_counter()

    def chapter_done(result: Any) -> None:
        if sink is not None:
            try:
                sink.put((task.code, result.name, result.status))
            except Exception:  # noqa: BLE001 - progress is a courtesy, never a failure
                pass

    def failed(reason: str) -> AreaResult:
        return AreaResult(task.code, task.name, False,
                          (AreaFailure(task.code, WHOLE_AREA, reason),), (),
                          round(time.perf_counter() - started, 2))

    try:
        if chapters_in_threads:
            with ThreadPoolExecutor(max_workers=1,
                                    thread_name_prefix=f"jsna-{task.code}") as pool:
                report = refresh(task.config_path, chapters=list(task.chapters),
                                 timeout=task.timeout, executor=pool, on_done=chapter_done)
        else:
            report = refresh(task.config_path, chapters=list(task.chapters),
                             timeout=task.timeout, workers=1, on_done=chapter_done)
    except JsnaError as error:
        return failed(str(error))
    except Exception as error:  # noqa: BLE001 - isolated: one council, one line
        return failed(f"{type(error).__name__}: {error}")
    failures = tuple(AreaFailure(task.code, result.name,
                                 f"{result.status}: {result.message}".rstrip(": "))
                     for result in report.results if not result.ok)
    return AreaResult(task.code, task.name, True, failures,
                      tuple((r.name, r.status, r.seconds) for r in report.results),
                      round(time.perf_counter() - started, 2), str(report.site.index))


# ------------------------------------------------------------------------------------------
# Many councils


class _Reporter:
    """Chapter progress handed straight to a callback (councils run in this process)."""

    def __init__(self, on_chapter: Callable[[str, str, str], None] | None) -> None:
        self.on_chapter = on_chapter

    def put(self, item: tuple[str, str, str]) -> None:
        if self.on_chapter is not None:
            self.on_chapter(*item)


@dataclass
class _Backend:
    """An executor for councils, where chapter progress arrives, and how to close both."""

    executor: Executor
    progress: Any  # a queue-like object workers ``put`` to, or None
    pass_progress: bool  # give ``progress`` to each task (dask) rather than via an initializer
    close: Callable[[], None]
    chapters_in_threads: bool = True  # see refresh_area

    def drain(self) -> list[tuple[str, str, str]]:
        """Chapter progress reported since the last call."""
        items: list[tuple[str, str, str]] = []
        if self.progress is None:
            return items
        try:
            if hasattr(self.progress, "empty"):  # a multiprocessing or plain queue
                while not self.progress.empty():
                    items.append(tuple(self.progress.get()))
            else:  # a distributed.Queue
                while self.progress.qsize():
                    items += [tuple(item) for item in self.progress.get(batch=True)]
        except Exception:  # noqa: BLE001 - progress is a courtesy; results still arrive
            pass
        return items


def _process_backend(workers: int) -> _Backend:
    import multiprocessing

    context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
    reports = context.SimpleQueue()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=_start_process_worker, initargs=(reports,))

    def close() -> None:
        pool.shutdown(wait=True, cancel_futures=True)

    return _Backend(pool, reports, False, close, chapters_in_threads=False)


def _dask_backend(address: str | None, workers: int | None,
                  processes: bool = True) -> _Backend:
    import logging

    from distributed import Client, LocalCluster, Queue

    cluster = None
    if address is None:
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                               processes=processes, dashboard_address=None,
                               silence_logs=logging.ERROR)
        client = Client(cluster)
    else:
        try:
            client = Client(address, timeout="20s")
        except OSError as error:
            raise JsnaConfigError(f"--executor dask={address}: cannot reach the dask scheduler "
                                  f"({error})") from error
    progress = Queue(f"jsna-chapters-{os.getpid()}-{time.monotonic_ns()}", client=client)

    def close() -> None:
        client.close()
        if cluster is not None:
            cluster.close()

    return _Backend(client.get_executor(pure=False), progress, True, close)


def refresh_areas(
    config_path: str | Path,
    areas: str | Sequence[str],
    *,
    executor: str | Executor = "process",
    workers: int | None = None,
    chapters: Sequence[str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    dask_processes: bool = True,
    on_start: Callable[[list[AreaTask]], None] | None = None,
    on_chapter: Callable[[str, str, str], None] | None = None,
    on_area: Callable[[AreaResult], None] | None = None,
) -> AreasReport:
    """Render many councils' JSNAs from one configuration, then the regional index page.

    Parameters
    ----------
    config_path : str or Path
        The base ``jsna.toml``: its comparator files must cover every council named.
    areas : str or sequence of str
        ``"all"`` (every council of the configured EHC plan caseload file), ``"CODE,CODE"`` or a
        list of GSS codes.
    executor : str or Executor
        ``"process"`` (a process pool of ``workers``; one council after another in this process
        with one worker), ``"dask"`` (a ``LocalCluster`` of ``workers`` single-threaded
        workers), ``"dask=SCHEDULER_ADDRESS"`` (a running cluster, whose workers see the same
        files at the same paths), or any ``concurrent.futures.Executor``.
    workers : int, optional
        Councils at once (default: CPUs).
    chapters : sequence of str, optional
        Chapters to render (default: the base configuration's); chapters that read a census
        are rendered for the base council and for the councils whose cleaned census
        ``[areas.census]`` gives (:func:`area_chapters`).
    timeout : float
        Hard limit per chapter notebook, in seconds.
    dask_processes : bool
        With ``"dask"`` and no address: worker processes (default) or threads of this process.
    on_start, on_chapter, on_area : callable, optional
        Progress: called with the tasks before they start, with ``(area code, chapter,
        status)`` as chapters end (when the executor reports them) and with each council's
        result.

    Returns
    -------
    AreasReport
        One result per council in the order given, the regional index page, and notes.
    """
    started = time.perf_counter()
    base = load_config(config_path)
    councils, notes = councils_for(base, areas)
    tasks = area_tasks(base, councils, chapters=chapters, timeout=timeout)
    notes += census_notes(base, councils, chapters)
    if on_start is not None:
        on_start(tasks)
    count = min(workers or os.cpu_count() or 1, len(tasks))
    backend: _Backend | None
    if isinstance(executor, Executor):
        backend = _Backend(executor, None, False, lambda: None)
    else:
        kind, address = parse_executor(executor)
        if kind == "dask":
            backend = _dask_backend(address, workers, dask_processes)
        else:
            backend = _process_backend(count) if count > 1 else None
    results: dict[str, AreaResult] = {}
    if backend is None:  # one worker: one council after another, in this process
        for task in tasks:
            results[task.code] = refresh_area(task, _Reporter(on_chapter),
                                              chapters_in_threads=False)
            if on_area is not None:
                on_area(results[task.code])
    else:
        _run_on_backend(backend, tasks, results, on_chapter, on_area)
    ordered = [results[task.code] for task in tasks]
    index = write_regional_index(
        base.output_folder / str(base.year),
        [RegionalEntry(c.code, c.name, c.region_code, c.region_name,
                       _status(results[c.code])) for c in councils],
        year=base.year, threshold=base.disclosure.threshold)
    return AreasReport(ordered, index, notes, round(time.perf_counter() - started, 2))


def _run_on_backend(backend: _Backend, tasks: list[AreaTask], results: dict[str, AreaResult],
                    on_chapter: Callable[[str, str, str], None] | None,
                    on_area: Callable[[AreaResult], None] | None) -> None:
    """Submit every council, collect each result as it ends, pass progress on; close the
    backend whatever happens."""
    try:
        futures = {backend.executor.submit(
            refresh_area, task, backend.progress if backend.pass_progress else None,
            chapters_in_threads=backend.chapters_in_threads): task for task in tasks}
        waiting = set(futures)
        while waiting:
            done, waiting = wait(waiting, timeout=0.25, return_when=FIRST_COMPLETED)
            for code, chapter, status in backend.drain():
                if on_chapter is not None:
                    on_chapter(code, chapter, status)
            for future in done:
                task = futures[future]
                try:
                    result = future.result()
                except Exception as error:  # noqa: BLE001 - the executor lost the council
                    result = AreaResult(task.code, task.name, False, (AreaFailure(
                        task.code, WHOLE_AREA, f"{type(error).__name__}: {error}"),), (), 0.0)
                results[task.code] = result
                if on_area is not None:
                    on_area(result)
        for code, chapter, status in backend.drain():
            if on_chapter is not None:
                on_chapter(code, chapter, status)
    finally:
        backend.close()


def _status(result: AreaResult) -> str:
    """How the regional page describes a council's refresh."""
    if result.ok:
        return ""
    if result.published:
        failed = ", ".join(failure.chapter for failure in result.failures)
        return f"published without: {failed}"
    return "not refreshed this time"

