"""Real councils' children in need and looked after pages, rendered through the refresh and
photographed at 1280 px.

York and North Yorkshire (whose neighbour Westmorland and Furness is newer than DfE's file),
from DfE's *Outcomes for children in need* SEN file, without a local extract (so the page shows
the box naming it). Screenshots go to ``outputs/screenshots/real/``. Skipped when the real data
folder, Playwright or Chromium is absent.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from page_checks import DESKTOP, axe_violations, describe_violations
from rendered_demo import RENDER_LIMIT

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.real_data,
              pytest.mark.xdist_group("browser")]

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "outputs" / "screenshots" / "real"
_spec = importlib.util.spec_from_file_location(
    "social_care_real", REPO / "tests" / "chapters" / "test_social_care_real_councils.py")
real = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(real)


@pytest.fixture(scope="module", params=list(real.COUNCILS))
def real_page(request, chromium_executable, tmp_path_factory) -> tuple[str, Path]:
    if real.REAL is None:
        pytest.skip("real data folder ../shared/data/real is absent")
    from jsna.refresh import refresh

    key = request.param
    report = refresh(real.write_config(key, tmp_path_factory.mktemp(key)), workers=1,
                     timeout=RENDER_LIMIT)
    assert report.ok, [(r.name, r.status, r.message) for r in report.results]
    return key, report.config.output_dir / "10_social_care.html"


def test_real_council_page_fits_names_the_extract_and_keeps_symbols(real_page, open_page):
    key, path = real_page
    name = real.COUNCILS[key].name
    page, guard = open_page(path, site=path.parent, viewport=DESKTOP)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{key}-10_social_care.png"), full_page=True)
    assert not guard.blocked and not guard.missing
    widths = page.evaluate("""() => [...document.querySelectorAll('.table-wrap')].map(w =>
        [w.querySelector('table').id, w.scrollWidth, w.clientWidth])""")
    assert len(widths) == 2  # the published tables; no local table without the extract
    for table, scroll, client in widths:
        assert scroll <= client, (key, table, scroll, client)
    box = page.inner_text("section.input-needed")
    assert "inputs.cin_extract" in box
    cells = page.eval_on_selector_all("#table-social_care_published_ehc_plan tbody td",
                                      "cells => cells.map(c => c.textContent)")
    assert "Similar" in cells or "Lower" in cells or "Higher" in cells
    headers = page.eval_on_selector_all("#table-social_care_published_ehc_plan thead th",
                                        "cells => cells.map(c => c.textContent)")
    assert f"{name} (%)" in headers
    assert describe_violations(axe_violations(page)) == []
