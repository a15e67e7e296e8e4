"""The demo JSNA rendered once per test session and shared, read-only, by every test module.

Rendering the demo (``write_demo``, last year's refresh, this year's refresh) is the costliest
setup of the suite. :func:`rendered_demo` does it once and hands every module the same folder.
Under pytest-xdist each worker is a process of its own: the first worker to ask renders while
holding a file lock in the session's shared temporary folder (the parent of the workers' own,
as pytest-xdist's documentation recommends), writes the two refresh reports beside the render,
and the other worker waits for the lock and reads them. A render that failed is reported, with
the chapters' messages, to every test that asked for it, without rendering again.

Tests must not change the shared folder: a test that changes a council's files or its site works
on :meth:`RenderedDemo.copy_to`. Each worker checks at the end of the session that no file of the
shared folder changed, and fails naming the files if one did.

The render picks up every chapter of :data:`jsna.chapter_list.CHAPTERS` (the demo config runs
them all), so a new chapter is rendered and tested without any change here.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from jsna.refresh import RefreshReport

#: The layout of the shared folder: ``council/data/demo/jsna.toml``, the sites in
#: ``council/outputs/`` (the demo config's ``output.folder`` is ``../../outputs``).
CONFIG = Path("council") / "data" / "demo" / "jsna.toml"
#: Seconds a worker waits for another one's render (far more than a render takes).
WAIT = 3600
#: Seconds a chapter notebook may take in the tests' refreshes before it is killed: a limit for
#: a hung notebook, far above a chapter's time on a 2-core machine shared by many test runs.
RENDER_LIMIT = 1200


@dataclass(frozen=True)
class RenderedDemo:
    """The shared render of the demo council: this year's and last year's refreshes.

    Attributes
    ----------
    folder : Path
        The folder holding ``council/`` (inputs, cleaned data and every rendered site).
    report : RefreshReport
        This year's refresh (config, chapter results, site paths).
    previous : RefreshReport
        Last year's refresh, which gives this year's site its "changes since last year" page.
    """

    folder: Path
    report: RefreshReport
    previous: RefreshReport

    @property
    def config_path(self) -> Path:
        """This year's ``jsna.toml``."""
        return self.folder / CONFIG

    @property
    def site(self) -> Path:
        """This year's published site (``index.html``, a page per chapter, ``data/``...)."""
        return self.report.config.output_dir

    def copy_to(self, target: Path) -> Path:
        """Copy the whole council (inputs, cleaned data, sites) to ``target``; return its config.

        File times are kept. The copy's cleaned census names the shared folder's inputs, so a
        refresh of the copy cleans the census again.
        """
        shutil.copytree(self.folder / "council", target / "council", symlinks=True)
        return target / CONFIG


def _digests(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _render(folder: Path, demo: Path) -> tuple[RefreshReport, RefreshReport]:
    from jsna.demo.previous import write_previous_year_config
    from jsna.refresh import refresh

    shutil.copytree(demo, folder / CONFIG.parent)
    config_path = folder / CONFIG
    previous = refresh(write_previous_year_config(config_path), workers=2, timeout=RENDER_LIMIT)
    if not previous.ok:
        raise RuntimeError(f"last year's demo JSNA failed: {_failures(previous)}")
    report = refresh(config_path, workers=2, timeout=RENDER_LIMIT)
    if not report.ok:
        raise RuntimeError(f"this year's demo JSNA failed: {_failures(report)}")
    site = report.config.output_dir
    if not site.resolve().is_relative_to(folder.resolve()):
        raise RuntimeError(f"the demo site {site} is outside {folder}")
    return report, previous


def _failures(report: RefreshReport) -> list[tuple[str, str, str]]:
    return [(r.name, r.status, r.message) for r in report.results if not r.ok]


def _shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's temporary folder that every pytest-xdist worker shares."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def build_once(tmp_path_factory: pytest.TempPathFactory, name: str,
               build: Callable[[Path], object]) -> tuple[Path, object]:
    """Run ``build(folder)`` once per session, whatever the number of pytest-xdist workers.

    The first worker to ask builds ``<shared tmp>/<name>`` while holding a file lock and keeps
    what ``build`` returned (pickled) beside it; later askers wait for the lock and read it. A
    build that raised is not tried again: every asker fails with its message.

    Returns
    -------
    (Path, object)
        The built folder (treat it as read-only) and what ``build`` returned.
    """
    from filelock import FileLock

    root = _shared_root(tmp_path_factory)
    folder = root / name
    result, failed = root / f"{name}.pickle", root / f"{name}.failed"
    with FileLock(str(root / f"{name}.lock"), timeout=WAIT):
        if not result.exists() and not failed.exists():
            if folder.exists():  # a build that stopped half-way (its worker was killed)
                shutil.rmtree(folder)
            folder.mkdir()
            try:
                built = build(folder)
            except Exception as error:
                failed.write_text(f"{type(error).__name__}: {error}", encoding="utf-8")
                raise
            result.write_bytes(pickle.dumps(built))
    if failed.exists():
        pytest.fail(f"{name} could not be built (earlier in this session): "
                    f"{failed.read_text(encoding='utf-8')}", pytrace=False)
    return folder, pickle.loads(result.read_bytes())


@pytest.fixture(scope="session")
def rendered_demo(tmp_path_factory: pytest.TempPathFactory,
                  default_demo: Path) -> Iterator[RenderedDemo]:
    """The demo JSNA rendered once for the whole session (all workers); read-only.

    The default demo council (``default_demo``: ``write_demo`` with every default, so the site
    is the one ``make demo`` shows), last year's JSNA, then this year's. Copy it with
    :meth:`RenderedDemo.copy_to` to change anything.
    """
    def render(folder: Path) -> tuple[RefreshReport, RefreshReport, dict[str, str]]:
        report, previous = _render(folder, default_demo)
        return report, previous, _digests(folder / "council")

    folder, (report, previous, digests) = build_once(
        tmp_path_factory, "rendered_demo", render)
    yield RenderedDemo(folder, report, previous)
    now = _digests(folder / "council")
    changed = sorted(name for name in digests.keys() | now.keys()
                     if digests.get(name) != now.get(name))
    assert not changed, f"a test changed the shared demo JSNA (use copy_to): {changed[:20]}"
