"""Publishing all or nothing: staging, the swap, recovery after a crash, the lock, write errors."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from rendered_demo import RENDER_LIMIT

from jsna.render import publish
from jsna.render.publish import (
    JsnaOutputError,
    SiteBusy,
    previous_dir,
    recover,
    site_lock,
    staging_dir,
    start_staging,
    swap_in,
    write_text,
)


def _site(folder: Path, label: str) -> dict[str, str]:
    """Write a small complete site labelled ``label`` and return its files' contents."""
    files = {"index.html": f"<h1>{label}</h1>", "data/indicators.csv": f"id,value\n{label},1\n",
             "figures/a.svg": f"<svg>{label}</svg>"}
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return files


def _contents(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): path.read_text()
            for path in folder.rglob("*") if path.is_file()}


def test_first_publication_moves_the_staged_site_in(tmp_path):
    site = tmp_path / "2025" / "Z06000001"
    staging = start_staging(site)
    assert staging == tmp_path / "2025" / ".Z06000001.building" and not any(staging.iterdir())
    files = _site(staging, "new")
    swap_in(staging, site)
    assert _contents(site) == files and not staging.exists()


@pytest.mark.parametrize("exchange", [True, False], ids=["one exchange", "two renames"])
def test_the_swap_replaces_the_whole_old_site(tmp_path, monkeypatch, exchange):
    if not exchange:
        monkeypatch.setattr(publish, "_exchange", lambda first, second: False)
    site = tmp_path / "Z06000001"
    site.mkdir()
    _site(site, "old")
    (site / "data" / "ehcp_caseload.csv").write_text("stale\n")  # a chapter no longer published
    staging = start_staging(site)
    files = _site(staging, "new")
    swap_in(staging, site)
    assert _contents(site) == files
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Z06000001"]


def test_a_crash_between_the_two_renames_gets_the_old_site_back(tmp_path):
    site = tmp_path / "Z06000001"
    site.mkdir()
    old = _site(site, "old")
    staging = start_staging(site)
    _site(staging, "new")
    os.rename(site, previous_dir(site))  # the first rename of the fallback swap, then a crash
    recover(site)
    assert _contents(site) == old
    assert not staging.exists() and not previous_dir(site).exists()


def test_leftovers_of_a_crashed_refresh_are_removed_and_the_site_kept(tmp_path):
    site = tmp_path / "Z06000001"
    site.mkdir()
    old = _site(site, "old")
    leftover = staging_dir(site)
    _site(leftover, "half")  # a refresh killed while building
    staging = start_staging(site)
    assert staging == leftover and not any(staging.iterdir())
    assert _contents(site) == old


def test_a_write_error_names_the_file(tmp_path, monkeypatch):
    def full_disk(path, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(publish, "open", full_disk, raising=False)
    target = tmp_path / "data" / "indicators.csv"
    with pytest.raises(JsnaOutputError) as caught:
        write_text(target, "a,b\n")
    message = str(caught.value)
    assert "\n" not in message and str(target) in message
    assert "No space left on device" in message


_HOLD_LOCK = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from jsna.render.publish import site_lock
    with site_lock(Path(sys.argv[1])):
        print("locked", flush=True)
        time.sleep(120)
""")


def _hold_lock(site: Path) -> subprocess.Popen:
    """Another process holding the site's lock (returns once it holds it)."""
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, str(site)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_the_lock_refuses_a_second_refresh_naming_the_site_and_the_holder(tmp_path):
    site = tmp_path / "2025" / "Z06000001"
    holder = _hold_lock(site)
    try:
        with pytest.raises(SiteBusy) as caught, site_lock(site):
            pass
        message = str(caught.value)
        assert "\n" not in message and str(site) in message
        assert f"pid {holder.pid}" in message
    finally:
        holder.kill()
        holder.wait(timeout=60)
    with site_lock(site):  # released by the system when its holder died
        pass


def test_a_refresh_of_a_locked_site_is_refused_in_one_line(small_council, tmp_path):
    config = small_council
    site = tmp_path / "outputs" / "2025" / "Z06000001"
    holder = _hold_lock(site)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "jsna.cli", "refresh", "--config", str(config), "--quiet"],
            capture_output=True, text=True, timeout=RENDER_LIMIT)
    finally:
        holder.kill()
        holder.wait(timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"jsna: error: {site} is being refreshed by another jsna process (pid {holder.pid}); "
        "wait for it to finish and try again"]
    assert not site.exists() and not staging_dir(site).exists()


def test_a_failed_second_rename_puts_the_old_site_back_at_once(tmp_path, monkeypatch):
    monkeypatch.setattr(publish, "_exchange", lambda first, second: False)
    site = tmp_path / "Z06000001"
    site.mkdir()
    old = _site(site, "old")
    staging = start_staging(site)
    _site(staging, "new")
    real_rename = os.rename

    def rename(source, target):
        if Path(source) == staging:
            raise OSError(errno.EACCES, os.strerror(errno.EACCES), str(source))
        real_rename(source, target)

    monkeypatch.setattr(publish.os, "rename", rename)
    with pytest.raises(OSError):
        swap_in(staging, site)
    monkeypatch.undo()
    assert _contents(site) == old and not previous_dir(site).exists()
