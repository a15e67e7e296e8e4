"""Command-line interface: ``jsna demo | refresh | clean | sources | signoff | diff | backtest | lab``.

Errors on bad input are printed as one line naming the file and key (no traceback) and give a
non-zero exit code; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import errno
import math
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jsna.errors import JsnaError

EXIT_INPUT = 2
EXIT_CHAPTERS = 3
EXIT_UNEXPECTED = 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jsna", description="Build a council's SEND Joint Strategic Needs Assessment."
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="generate the synthetic demo council and render it")
    demo.add_argument("--folder", default="data/demo", help="where to write the demo inputs")
    demo.add_argument("--output", default="outputs",
                      help="where the rendered sites go (default: outputs in the current folder)")
    demo.add_argument("--seed", type=int, default=2025, help="same seed, same council")
    demo.add_argument("--dirt-rate", type=float, default=0.01,
                      help="share of census rows given each kind of data-quality problem")
    demo.add_argument("--no-refresh", action="store_true", help="only write the inputs")
    _refresh_options(demo)

    refresh = commands.add_parser("refresh", help="clean, run every chapter and build the site")
    refresh.add_argument("--config", required=True, help="the council's jsna.toml")
    refresh.add_argument("--chapters", nargs="+", help="chapters to run (default: all in config)")
    refresh.add_argument("--areas", help="many councils from this one config: CODE,CODE or all "
                         "(every council of inputs.comparators.ehcp_caseload); their "
                         "published-data chapters, census chapters for the config's own council")
    refresh.add_argument("--executor", default="process",
                         help="with --areas: process (default; --workers councils at once) or "
                         "dask[=SCHEDULER_ADDRESS] (a LocalCluster of --workers by default)")
    _refresh_options(refresh)

    clean = commands.add_parser("clean", help="clean record-level inputs")
    clean.add_argument("dataset", choices=["census", "sen2", "health", "cin"], help="what to clean")
    clean.add_argument("--config", required=True)
    clean.add_argument("--out", help="output folder (default: output.clean_folder)")

    sources = commands.add_parser("sources", help="list and validate the published inputs")
    sources.add_argument("--config", required=True)

    signoff = commands.add_parser(
        "signoff", help="record a reviewer's decision on a published chapter (shown on the overview)")
    signoff.add_argument("chapter", help="the chapter, as in --chapters (e.g. ehcp)")
    signoff.add_argument("--config", required=True)
    signoff.add_argument("--reviewer", required=True, help="the reviewer's name (published)")
    signoff.add_argument("--decision", required=True, choices=["approved", "changes"])
    signoff.add_argument("--comment", default="", help="what was checked or needs changing "
                         "(published: never quote a pupil)")

    diff = commands.add_parser(
        "diff", help="what differs between two rendered sites (files and indicators)")
    diff.add_argument("run_a", help="a site folder, outputs/<year>/<area code>")
    diff.add_argument("run_b", help="another site folder")
    diff.add_argument("--out", help="write every differing indicator row to this CSV file")

    backtest = commands.add_parser(
        "backtest", help="back-test the EHC plan forecasts on the configured SEN2 caseload file")
    backtest.add_argument("--config", required=True)
    backtest.add_argument("--first-year", type=int, help="first January fitted (default: the "
                          "file's first)")
    backtest.add_argument("--fit-end", type=int, nargs="+",
                          help="last January fitted; several give one table per origin "
                          "(default: 3 years before the January forecast)")
    backtest.add_argument("--target", type=int, nargs="+",
                          help="Januaries forecast (default: the file's last)")
    backtest.add_argument("--level", type=_interval_level, default=0.8,
                          help="nominal coverage of the intervals (default 0.8)")
    backtest.add_argument("--by-age", nargs="+", metavar="FILE",
                          help="also back-test by age band on these SEN2 age files, oldest "
                          "release first (e.g. sen2_age_caseload.csv of 2022, caseload.csv)")

    commands.add_parser(
        "lab", help="open JupyterLab on the chapter notebooks (other options go to JupyterLab)"
    )
    return parser


def _checked(convert: Callable[[str], Any], accept: Callable[[Any], bool],
             expected: str) -> Callable[[str], Any]:
    """An argparse ``type``: the text converted and accepted, or one line saying what was expected."""
    def parse(text: str) -> Any:
        try:
            value = convert(text)
        except ValueError:
            value = None
        if value is None or not accept(value):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value
    return parse


#: ``--timeout``: a finite number of seconds above zero.
_positive_seconds = _checked(float, lambda v: math.isfinite(v) and v > 0,
                             "a number of seconds above 0, such as 600")
#: ``--workers``: a whole number of 1 or more.
_positive_count = _checked(int, lambda v: v >= 1, "a whole number of 1 or more")
#: ``--level``: a share strictly between 0 and 1, such as 0.8.
_interval_level = _checked(float, lambda v: 0 < v < 1, "a share between 0 and 1, such as 0.8")


def _refresh_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=_positive_count, default=None,
                        help="notebooks run in parallel")
    parser.add_argument("--timeout", type=_positive_seconds, default=600.0,
                        help="seconds per notebook")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def _run_refresh(config_path: str, chapters: list[str] | None, args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table
    from tqdm import tqdm

    from jsna.config import load_config
    from jsna.refresh import refresh

    config = load_config(config_path)
    total = len(chapters or config.chapters)
    with tqdm(total=total, desc="chapters", unit="chapter", disable=args.quiet,
              file=sys.stderr) as bar:
        report = refresh(config_path, chapters=chapters, workers=args.workers,
                         timeout=args.timeout, on_done=lambda _: bar.update(1))
    console = Console(stderr=True)
    table = Table(title="Chapters")
    for column in ("chapter", "status", "seconds", "attempts", "message"):
        table.add_column(column)
    for result in report.results:
        style = "green" if result.ok else "red"
        table.add_row(result.name, f"[{style}]{result.status}[/{style}]", f"{result.seconds:.1f}",
                      str(result.attempts), result.message)
    console.print(table)
    for result in report.results:
        if not result.ok:
            print(f"jsna: chapter {result.name} {result.status}: {result.message} "
                  f"(executed notebook kept at {result.output})", file=sys.stderr)
    print(report.site.index)
    return 0 if report.ok else EXIT_CHAPTERS


def _run_refresh_areas(args: argparse.Namespace) -> int:
    """``jsna refresh --areas``: many councils, one line per failed council and chapter."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table
    from tqdm import tqdm

    from jsna.areas import parse_executor, refresh_areas

    parse_executor(args.executor)  # a wrong --executor is one line before anything starts
    bars: dict[str, tqdm] = {}

    def start(tasks: list) -> None:
        bars["areas"] = tqdm(total=len(tasks), desc="areas", unit="area", disable=args.quiet,
                             file=sys.stderr, position=0)
        bars["chapters"] = tqdm(total=sum(len(task.chapters) for task in tasks),
                                desc="chapters", unit="chapter", disable=args.quiet,
                                file=sys.stderr, position=1)

    reported: dict[str, int] = {}

    def chapter(code: str, name: str, status: str) -> None:
        reported[code] = reported.get(code, 0) + 1
        bars["chapters"].update(1)

    def area(result) -> None:
        # executors that report no chapter progress: count the council's chapters now
        bars["chapters"].update(max(0, len(result.chapters) - reported.get(result.code, 0)))
        bars["areas"].update(1)
        bars["areas"].set_postfix_str(result.code)

    try:
        report = refresh_areas(args.config, args.areas, executor=args.executor,
                               workers=args.workers, chapters=args.chapters,
                               timeout=args.timeout, on_start=start, on_chapter=chapter,
                               on_area=area)
    finally:
        for bar in bars.values():
            bar.close()
    console = Console(stderr=True)
    table = Table(title=f"Councils ({len(report.results)} in {report.seconds:.0f} s)")
    for column in ("area", "council", "status", "chapters", "seconds"):
        table.add_column(column)
    for result in report.results:
        status = "ok" if result.ok else ("published, chapters failed" if result.published
                                         else "failed")
        style = "green" if result.ok else "red"
        table.add_row(result.code, escape(result.name), f"[{style}]{status}[/{style}]",
                      str(sum(1 for c in result.chapters if c[1] == "ok")),
                      f"{result.seconds:.1f}")
    if not args.quiet:
        console.print(table)
    for note in report.notes:
        print(f"jsna: note: {note}", file=sys.stderr)
    for line in report.failure_lines():
        print(f"jsna: failed: {line}", file=sys.stderr)
    print(report.regional_index)
    return 0 if report.ok else EXIT_CHAPTERS


def _print_sources(frame) -> None:
    """Print the source catalogue as a readable table (details wrap; paths are not repeated)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="Inputs", show_lines=False)
    for column in ("input", "status", "periods", "detail / where to download"):
        table.add_column(column, overflow="fold")
    for row in frame.itertuples(index=False):
        colour = {"ok": "green", "not in config": "yellow"}.get(row.status, "red")
        detail = row.detail if row.status == "ok" else f"{row.detail} — {row.publisher}: {row.url}"
        # details quote file contents and keys such as [census.columns]: text, not markup
        table.add_row(escape(row.key), f"[{colour}]{row.status}[/{colour}]",
                      escape(str(row.periods or "")), escape(str(detail)))
    Console(width=max(120, Console().width)).print(table)


def _demo_output_folder(folder: Path, outputs: Path) -> str:
    """``output.folder`` for the demo's ``jsna.toml``.

    Relative to the demo folder when the demo sits under the folder that holds ``outputs`` (the
    project layout: ``data/demo`` gives ``../../outputs``), so the folder can be moved with the
    project; absolute otherwise (never ``../../outputs`` from a folder near the root, which is
    ``/outputs``).
    """
    folder, outputs = folder.resolve(), outputs.resolve()
    if outputs.parent == folder or outputs.parent in folder.parents:
        return os.path.relpath(outputs, folder)
    return str(outputs)


def _os_error_line(error: OSError) -> str:
    """One line naming the file (or both files of a rename) and what went wrong."""
    files = str(error.filename) + (f" -> {error.filename2}" if error.filename2 else "")
    reason = error.strerror or type(error).__name__
    if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        reason += " (free some space on that disk)"
    return f"{files}: {reason}"


def _demo(args: argparse.Namespace) -> int:
    """``jsna demo``: write the demo council, then refresh last year's JSNA and this year's."""
    from jsna.demo import write_demo

    folder = Path(args.folder)
    config_path = write_demo(folder, seed=args.seed, dirt_rate=args.dirt_rate,
                             output_folder=_demo_output_folder(folder, Path(args.output)))
    if args.no_refresh:
        print(config_path)
        return 0
    # last year's JSNA first, so this year's site can show what changed since
    from jsna.demo.previous import write_previous_year_config
    from jsna.refresh import refresh

    print("jsna: rendering the demo's previous-year JSNA for comparison", file=sys.stderr)
    refresh(write_previous_year_config(config_path), workers=args.workers,
            timeout=args.timeout)
    return _run_refresh(str(config_path), None, args)


def _clean(args: argparse.Namespace) -> int:
    """``jsna clean census|sen2|health|cin``: clean one record-level input only; print the files."""
    from jsna.cleaned import clean_census_to_disk
    from jsna.config import load_config, published_folder_problems
    from jsna.render.publish import site_lock

    # cleaning needs that input and its lookups only, whatever chapters the council runs
    config = load_config(args.config, check_chapters=False)
    out = Path(args.out).resolve() if args.out else None
    if out is not None:
        problems = published_folder_problems(out, config.output_folder, "--out")
        if problems:
            raise JsnaError(problems[0])
    # a refresh of this council reads the cleaned folder: never rewrite it under one
    with site_lock(config.output_dir):
        if args.dataset == "census":
            written = clean_census_to_disk(config, out)
        else:
            written = _clean_extract(args.dataset, config, out or config.clean_dir)
    for path in written:
        print(path)
    return 0


def _clean_extract(dataset: str, config: Any, out: Path) -> list[Path]:
    """Clean a casework, health or care extract (pseudonymised with the census salt) into ``out``.

    The clean is the one the chapters read (:mod:`jsna.cleaned` keeps it in the clean folder),
    so a refresh after ``jsna clean`` does not clean the extract again.
    """
    from jsna import cleaned

    if dataset == "sen2":
        from jsna.clean.sen2 import write_sen2_outputs

        return write_sen2_outputs(cleaned.cleaned_sen2(config), out)
    if dataset == "cin":
        from jsna.clean.care import write_cin_outputs

        return write_cin_outputs(cleaned.cleaned_cin(config), out)
    from jsna.clean.health import write_health_outputs

    return write_health_outputs(cleaned.cleaned_health(config), out)


def _sources(args: argparse.Namespace) -> int:
    """``jsna sources``: list every input and whether it is valid (exit code 2 if one fails)."""
    from jsna.config import load_config
    from jsna.input_checks import describe_sources

    config = load_config(args.config, check_files=False, check_chapters=False)
    frame = describe_sources(config)
    _print_sources(frame)
    failing = frame["status"].isin(["problem", "missing"]) | (
        (frame["status"] == "not configured") & frame["detail"].str.startswith("required"))
    return EXIT_INPUT if failing.any() else 0


def _signoff(args: argparse.Namespace) -> int:
    """``jsna signoff``: record a decision and print the chapter's status and the log's path."""
    from jsna.config import load_config
    from jsna.render.site import sign_off, signoff_log_path

    config = load_config(args.config, check_files=False, check_chapters=False)
    status = sign_off(config, args.chapter, args.reviewer, args.decision, args.comment)
    print(f"{args.chapter}: {status['status']} by {status['reviewer']} on {status['date']} "
          f"(recorded in {signoff_log_path(config)}; shown on {config.output_dir / 'index.html'})")
    return 0


def _diff(args: argparse.Namespace) -> int:
    """``jsna diff``: print the differences between two sites (nothing when they are the same)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from jsna.review.site_diff import diff_sites

    found = diff_sites(Path(args.run_a), Path(args.run_b))
    if args.out:
        found.indicators.to_csv(args.out, index=False)
    if found.empty:
        print("no differences: the two sites are the same, file for file")
        return 0
    console = Console(width=max(120, Console().width))
    files = Table(title=f"Files that differ ({len(found.files)})")
    for column in ("file", "change"):
        files.add_column(column, overflow="fold")
    for row in found.files.head(40).itertuples(index=False):
        files.add_row(escape(row.file), row.change)
    console.print(files)
    kinds = found.indicators["kind"].value_counts()
    moved = found.indicators[found.indicators["beyond_interval"]
                             | found.indicators["flipped"].ne("")]
    console.print(
        f"Indicator rows that differ: {len(found.indicators):,} "
        f"({', '.join(f'{kind} {count:,}' for kind, count in kinds.items()) or 'none'}); "
        f"{int(found.indicators['beyond_interval'].sum()):,} moved beyond their 95% interval, "
        f"{int(found.indicators['flipped'].ne('').sum()):,} with a comparison that changed.",
        soft_wrap=True)
    if not moved.empty:
        table = Table(title="Rows that moved beyond their interval or changed comparison "
                            f"(first 40 of {len(moved):,})")
        for column in ("indicator", "area", "period", "breakdown", "A", "B", "changed"):
            table.add_column(column, overflow="fold")
        for row in moved.head(40).itertuples(index=False):
            table.add_row(escape(str(row.indicator_id)), escape(str(row.area_name)),
                          escape(str(row.period)), escape(str(row.breakdown)),
                          f"{row.value_a:.4g}", f"{row.value_b:.4g}",
                          escape(("beyond interval; " if row.beyond_interval else "")
                                 + row.flipped))
        console.print(table)
    if args.out:
        print(f"every differing indicator row: {args.out}")
    return 0


def _years_ahead(years: int) -> str:
    return f"{years} year{'' if years == 1 else 's'} ahead"


def _backtest(args: argparse.Namespace) -> int:
    """``jsna backtest``: every forecast method's MAPE and interval coverage on DfE's series."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from jsna.config import load_config
    from jsna.forecast.backtest import backtest_by_age, backtest_plans, readable_summary
    from jsna.forecast.series import neighbour_lists, read_plans_by_age, read_plans_series
    from jsna.sources.neighbours import read_statistical_neighbours

    config = load_config(args.config, check_files=False, check_chapters=False)
    path = config.inputs.comparators.get("ehcp_caseload")
    if path is None:
        raise JsnaError(f"{config.path}: inputs.comparators.ehcp_caseload (DfE's SEN2 caseload "
                        "file) is needed for jsna backtest but is not set")
    neighbours_file = config.inputs.comparators.get("statistical_neighbours")
    neighbours = (neighbour_lists(read_statistical_neighbours(neighbours_file))
                  if neighbours_file is not None else None)
    series = read_plans_series(path)
    console = Console(width=max(170, Console().width))
    pairs = [(fit_end, target) for fit_end in args.fit_end or [None]
             for target in args.target or [None]
             if fit_end is None or target is None or fit_end < target]
    if not pairs:
        raise JsnaError("jsna backtest: every --fit-end is on or after every --target; a "
                        "back-test forecasts a January after the last one fitted")
    results = [backtest_plans(series, first_year=args.first_year, fit_end=fit_end,
                              target=target, level=args.level, neighbours=neighbours)
               for fit_end, target in pairs]
    if args.by_age:
        by_age = read_plans_by_age([Path(file) for file in args.by_age])
        results += [backtest_by_age(by_age, first_year=result.first_year,
                                    fit_end=result.fit_end, target=result.target,
                                    level=args.level)
                    for result in list(results)]
    for result in results:
        by = "council and age band" if "age_band" in result.summary.columns else "council"
        table = Table(title=(
            f"EHC plans by {by}: fitted on January {result.first_year}-{result.fit_end}, "
            f"forecast January {result.target} ({_years_ahead(result.target - result.fit_end)}),"
            f" councils with a value in every January used"))
        readable = readable_summary(result)
        for column in readable.columns:
            table.add_column(column, no_wrap=column == "Method", overflow="fold")
        for row in readable.itertuples(index=False):
            table.add_row(*(escape(str(value)) for value in row))
        console.print(table)
        excluded = result.excluded.drop_duplicates("area_code")
        console.print(f"Left out: {len(excluded)} councils without a value in every January "
                      f"used")
        for row in excluded.itertuples(index=False):
            console.print(escape(f"  {row.area_code} {row.area_name}: {row.reason}"))
    sources = [f"Source: {path}"]
    if neighbours_file is not None:
        sources.append(f"neighbours: {neighbours_file}")
    if args.by_age:
        sources.append(f"by age: {', '.join(args.by_age)}")
    console.print(escape("; ".join(sources)))
    return 0


def _exit_now(code: int) -> None:
    """End the command at once with ``code``, skipping the interpreter's shutdown.

    Used after Ctrl-C only, once the refresh has stopped its workers and kernels and left the
    published site as it was: nothing is left for the shutdown to do. On a busy machine, a native
    library thread still running as Python shuts down made the interpreter abort
    (``Fatal Python error: PyThreadState_Get`` and SIGABRT instead of exit code 130).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said there
            pass
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``jsna`` command.

    Ctrl-C at any moment from here on ends with ``jsna: interrupted`` and exit code 130 (the
    published site is left as it was; executed notebooks are kept).
    """
    args = argparse.Namespace(debug=False)
    try:
        parser = _parser()
        args, extra = parser.parse_known_args(argv)
        if extra and args.command != "lab":
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        handlers = {"demo": _demo, "clean": _clean, "sources": _sources, "signoff": _signoff,
                    "diff": _diff, "backtest": _backtest,
                    "refresh": lambda args: (_run_refresh_areas(args) if args.areas else
                                             _run_refresh(args.config, args.chapters, args))}
        if args.command in handlers:
            return handlers[args.command](args)
        if args.command == "lab":
            from jsna.refresh import NOTEBOOKS

            command = [sys.executable, "-m", "jupyter", "lab", str(NOTEBOOKS), *extra]
            return subprocess.call(command, env=os.environ.copy())
    except JsnaError as error:
        if args.debug:
            raise
        print(f"jsna: error: {error}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("jsna: interrupted", file=sys.stderr)
        if argv is None:
            _exit_now(130)
        return 130
    except Exception as error:  # noqa: BLE001 - last resort: one line, not a traceback
        if args.debug:
            raise
        if isinstance(error, OSError) and error.filename is not None:
            # a file that could not be read or written (a full disk, a permission): name it
            print(f"jsna: error: {_os_error_line(error)}", file=sys.stderr)
            return EXIT_UNEXPECTED
        print(f"jsna: unexpected error: {type(error).__name__}: {error} "
              "(run with --debug for the traceback)", file=sys.stderr)
        return EXIT_UNEXPECTED
    finally:
        if argv is None and threading.current_thread() is threading.main_thread():
            # the command has its outcome: a Ctrl-C while Python shuts down must not turn it
            # into a traceback or a death by signal
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    return 0


if __name__ == "__main__":
    sys.exit(main())
