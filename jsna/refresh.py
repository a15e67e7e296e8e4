"""``jsna refresh``: clean, run every chapter notebook, assemble the site, publish it whole.

The one command an analyst runs each year once the configuration points at the new files.
The new site is built from empty in a staging folder beside the published one and swapped in
only when it is complete and has passed :func:`jsna.render.publish.verify_staged_site`; until
then the old site stays as it was (see :mod:`jsna.render.publish`). Executed chapter notebooks,
kept for debugging, are written beside the cleaned data (never published), with paths relative to
the configuration's folder so that two refreshes write identical files.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jsna.chapter_list import CHAPTERS
from jsna.cleaned import clean_census_to_disk, clean_extracts_once, clean_is_fresh
from jsna.config import Config, load_config
from jsna.errors import JsnaConfigError
from jsna.render.narrative import check_narrative_folder
from jsna.render.publish import (
    JsnaOutputError,
    discard_staging,
    site_lock,
    start_staging,
    swap_in,
    verify_staged_site,
)
from jsna.render.runner import DEFAULT_TIMEOUT, ChapterJob, ChapterResult, run_chapters

if TYPE_CHECKING:
    from jsna.render.site import Site

#: Chapter notebooks live in the repository's ``notebooks/`` folder.
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@dataclass(frozen=True)
class RefreshReport:
    """What a refresh produced."""

    config: Config
    results: list[ChapterResult]
    site: Site

    @property
    def ok(self) -> bool:
        """True when every chapter ran."""
        return all(result.ok for result in self.results)


def _import_site_builder() -> None:
    from jsna.render import site  # noqa: F401  (pandas, matplotlib: a second to import)
    from jsna.render.html import warm_up

    warm_up()


def executed_notebooks_dir(config: Config) -> Path:
    """Where a refresh keeps the executed chapter notebooks: beside the cleaned data.

    They are for debugging, not for publishing: the cleaned folder is never published, and the
    site's folder is replaced whole by each refresh.
    """
    return config.clean_dir / "notebooks"


def _relative(path: Path, start: Path) -> str:
    """``path`` relative to ``start`` (absolute only where no relative path exists)."""
    try:
        return Path(os.path.relpath(path, start)).as_posix()
    except ValueError:  # another drive (Windows)
        return str(path)


def chapter_jobs(
    config: Config,
    chapters: list[str] | None = None,
    *,
    notebooks: Path = NOTEBOOKS,
    timeout: float = DEFAULT_TIMEOUT,
    output_dir: Path | None = None,
) -> list[ChapterJob]:
    """One job per chapter to run, parameterised for this council.

    Each notebook's kernel runs in the configuration's folder and is given the configuration
    and ``output_dir`` (where it writes its downloads; default ``config.output_dir``) as paths
    relative to it, so that the executed notebooks hold no machine-specific path.
    """
    keys = chapters or config.chapters
    unknown = [k for k in keys if k not in CHAPTERS]
    if unknown:
        raise JsnaConfigError(
            f"unknown chapter(s) {', '.join(unknown)} (known: {', '.join(CHAPTERS)})"
        )
    missing = [f"inputs.{need} (needed by the {key} chapter)" for key in keys
               for need in CHAPTERS[key].inputs if not _is_set(config, need)]
    if missing:
        raise JsnaConfigError(f"{config.path.name}: not set: {'; '.join(missing)}")
    jobs = []
    parameters = {"config_path": _relative(config.path, config.root),
                  "output_dir": _relative(output_dir or config.output_dir, config.root)}
    for key in keys:
        info = CHAPTERS[key]
        jobs.append(
            ChapterJob(
                name=key,
                notebook=notebooks / info.notebook,
                output=executed_notebooks_dir(config) / info.notebook,
                parameters=parameters,
                timeout=timeout,
                cwd=config.root,
            )
        )
    return jobs


def _is_set(config: Config, key: str) -> bool:
    """True when the config sets the input ``key`` (e.g. ``"census"``, ``"comparators.x"``)."""
    section, _, item = key.partition(".")
    if section == "comparators":
        return item in config.inputs.comparators
    if section == "census":
        return bool(config.inputs.census) or config.census.cleaned_folder is not None
    return getattr(config.inputs, section, None) is not None


def refresh(
    config_path: str | Path,
    *,
    chapters: list[str] | None = None,
    workers: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    executor: Executor | None = None,
    on_done: Callable[[ChapterResult], None] | None = None,
    notebooks: Path = NOTEBOOKS,
    force_clean: bool = False,
) -> RefreshReport:
    """Clean the census (when a chapter to run needs it), execute the chapters, publish the site.

    The whole refresh holds the site's lock. The site is built from empty in a staging folder,
    checked, and swapped in whole; on any failure (including Ctrl-C) the published site is left
    as it was. Chapters that fail, and chapters not run, leave nothing of themselves in it.

    Parameters
    ----------
    config_path : str or Path
        The council's ``jsna.toml``.
    chapters : list of str, optional
        Subset of chapters (default: ``[chapters] run`` in the config).
    workers : int, optional
        Parallel notebooks (default: CPUs).
    timeout : float
        Hard limit per notebook in seconds.
    executor : concurrent.futures.Executor, optional
        Run notebooks elsewhere (e.g. a dask cluster's executor).
    on_done : callable, optional
        Progress callback, called with each chapter's result.
    notebooks : Path
        Folder of chapter notebooks.
    force_clean : bool
        Clean the census even when the cleaned files are up to date with the inputs.

    Returns
    -------
    RefreshReport
        Results per chapter and the published site's paths.

    Raises
    ------
    SiteBusy
        Another process is refreshing the same site.
    JsnaOutputError
        The site could not be written or published (one line naming the file).
    """
    config = load_config(config_path)
    published = config.output_dir
    chapter_jobs(config, chapters, notebooks=notebooks, timeout=timeout)  # checks, before the lock
    check_narrative_folder(config.inputs.narrative, chapters or config.chapters)
    with site_lock(published):
        staging = start_staging(published)
        try:
            jobs = chapter_jobs(config, chapters, notebooks=notebooks, timeout=timeout,
                                output_dir=staging)
            if any(CHAPTERS[job.name].uses_census for job in jobs) and (
                    config.census.cleaned_folder is None) and (  # else cleaned elsewhere
                    force_clean or not clean_is_fresh(config)):
                clean_census_to_disk(config)
            clean_extracts_once(config, [job.name for job in jobs])  # read by two chapters
            # nbconvert, pandas and matplotlib take seconds to import and the first page render
            # compiles its templates: do both while the chapters run rather than after
            results = run_chapters(jobs, executor=executor, workers=workers, on_done=on_done,
                                   while_running=_import_site_builder)
            from jsna.render.site import build_site

            site = build_site(config, results, folder=staging)
            verify_staged_site(staging, config)
            try:
                swap_in(staging, published)
            except OSError as error:
                raise JsnaOutputError(f"cannot publish the site at {published}: "
                                      f"{error.strerror or error}") from error
        except BaseException:
            discard_staging(staging)
            raise
    return RefreshReport(config, results, site.moved(staging, published))
