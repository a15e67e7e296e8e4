"""``jsna refresh``: clean, run every chapter notebook, assemble the site.

The one command an analyst runs each year once the configuration points at the new files.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jsna.chapters.registry import CHAPTERS
from jsna.cleaned import clean_census_to_disk, clean_is_fresh
from jsna.config import Config, load_config
from jsna.errors import JsnaConfigError
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


def chapter_jobs(
    config: Config,
    chapters: list[str] | None = None,
    *,
    notebooks: Path = NOTEBOOKS,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[ChapterJob]:
    """One job per chapter to run, parameterised for this council."""
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
    for key in keys:
        info = CHAPTERS[key]
        jobs.append(
            ChapterJob(
                name=key,
                notebook=notebooks / info.notebook,
                output=config.output_dir / "notebooks" / info.notebook,
                parameters={"config_path": str(config.path), "output_dir": str(config.output_dir)},
                timeout=timeout,
            )
        )
    return jobs


def _is_set(config: Config, key: str) -> bool:
    """True when the config sets the input ``key`` (e.g. ``"census"``, ``"comparators.x"``)."""
    section, _, item = key.partition(".")
    if section == "comparators":
        return item in config.inputs.comparators
    if section == "census":
        return bool(config.inputs.census)
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
    """Clean the census (when a chapter to run needs it), execute the chapters, build the site.

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
        Results per chapter and the site's paths.
    """
    config = load_config(config_path)
    jobs = chapter_jobs(config, chapters, notebooks=notebooks, timeout=timeout)
    if any(CHAPTERS[job.name].uses_census for job in jobs) and (
            force_clean or not clean_is_fresh(config)):
        clean_census_to_disk(config)
    config.output_dir.mkdir(parents=True, exist_ok=True)
    # nbconvert, pandas and matplotlib take seconds to import and the first page render
    # compiles its templates: do both while the chapters run rather than after
    results = run_chapters(jobs, executor=executor, workers=workers, on_done=on_done,
                           while_running=_import_site_builder)
    from jsna.render.site import build_site

    site = build_site(config, results)
    return RefreshReport(config, results, site)
