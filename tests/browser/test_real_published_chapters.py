"""Real councils' published-data chapters, rendered through the refresh and checked in Chromium.

York and Trafford, from the real published files alone (DfE SEN2, LAIT, EYFS, key stage 4, NEET,
CIN/CLA by SEN, DSG, tribunals, ONS population): every page passes axe-core (WCAG 2.2 A and AA)
at 1280 px and at 320 px, reflows at 320 px without the page scrolling sideways, asks for nothing
outside the site and shows the council under its configured name. Screenshots go to
``outputs/screenshots/real/`` for a reviewer. Skipped when the real data folder, Playwright or
Chromium is absent.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from page_checks import DESKTOP, NARROW, axe_violations, describe_violations, reflow_problems
from real_councils import (
    COUNCILS,
    POPULATION,
    joined_lait,
    needs_real_data,
    published_comparators,
    published_files,
    real_path,
    write_council_config,
)

from jsna.chapter_list import CHAPTERS

CHAPTERS_CHECKED = ("placements", "early_years", "outcomes", "adulthood", "resources",
                    "social_care")
SHOTS = Path(__file__).resolve().parents[2] / "outputs" / "screenshots" / "real"

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser"),
              *needs_real_data(*published_files())]


@pytest.fixture(scope="module")
def real_sites(chromium_executable, tmp_path_factory) -> Callable[[str], Path]:
    """Each council's site, refreshed the first time one of its pages is asked for.

    One render per council whatever order the tests run in (a parametrised module fixture was
    set up again when pytest-xdist interleaved the two councils' tests: four renders, not two).
    """
    from jsna.refresh import refresh

    sites: dict[str, Path] = {}

    def site(key: str) -> Path:
        if key not in sites:
            folder = tmp_path_factory.mktemp(key)
            lait = joined_lait(folder)
            config = write_council_config(
                folder, COUNCILS[key], chapters=CHAPTERS_CHECKED,
                inputs={"lait": lait, "population": real_path(POPULATION)},
                comparators=published_comparators())
            report = refresh(config, workers=2, timeout=600)
            assert report.ok, [(r.name, r.status, r.message) for r in report.results]
            sites[key] = report.config.output_dir
        return sites[key]

    return site


@pytest.mark.parametrize("key", ["york", "trafford"])
@pytest.mark.parametrize("chapter", CHAPTERS_CHECKED)
def test_real_council_page_passes_axe_and_reflows(real_sites, key, chapter, open_page):
    site = real_sites(key)
    path = site / CHAPTERS[chapter].notebook.replace(".ipynb", ".html")
    page, guard = open_page(path, site=site, viewport=DESKTOP)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{key}-{path.stem}.png"), full_page=True)
    assert not guard.blocked and not guard.missing
    assert describe_violations(axe_violations(page)) == []
    assert COUNCILS[key].name in page.inner_text("main")
    narrow, narrow_guard = open_page(path, site=site, viewport=NARROW)
    assert reflow_problems(narrow) == []
    assert describe_violations(axe_violations(narrow)) == []
    assert not narrow_guard.blocked
