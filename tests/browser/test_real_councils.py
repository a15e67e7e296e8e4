"""Real councils' EHC pages, rendered through the refresh and photographed at 1280 px.

Herefordshire (renamed in config), Bournemouth, Christchurch and Poole and Dorset (created in
2019; Dorset issued no plans excluding exceptions in 2024) and York, from the real DfE SEN2
2025 files. Screenshots go to ``outputs/screenshots/real/`` for a reviewer. Skipped when the
real data folder, Playwright or Chromium is absent.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from page_checks import DESKTOP
from rendered_demo import RENDER_LIMIT

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.real_data,
              pytest.mark.xdist_group("browser")]

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "outputs" / "screenshots" / "real"
_spec = importlib.util.spec_from_file_location(
    "real_councils", REPO / "tests" / "chapters" / "test_ehcp_real_councils.py")
real = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(real)


@pytest.fixture(scope="module", params=["herefordshire", "bcp", "dorset", "york"])
def real_page(request, chromium_executable, tmp_path_factory) -> tuple[str, Path]:
    if real.REAL is None:
        pytest.skip("real data folder ../shared/data/real is absent")
    from jsna.refresh import refresh

    key = request.param
    report = refresh(real.write_config(key, tmp_path_factory.mktemp(key)), workers=1,
                     timeout=RENDER_LIMIT)
    assert report.ok, [(r.name, r.status, r.message) for r in report.results]
    return key, report.config.output_dir / "04_ehcp.html"


def test_real_council_page_fits_1280_px_and_keeps_dfe_symbols(real_page, open_page):
    key, path = real_page
    name = real.COUNCILS[key][1]
    page, guard = open_page(path, site=path.parent, viewport=DESKTOP)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{key}-04_ehcp.png"), full_page=True)
    assert not guard.blocked and not guard.missing
    widths = page.evaluate("""() => [...document.querySelectorAll('.table-wrap')].map(w => {
        const table = w.querySelector('table');
        const last = table.querySelector('thead th:last-child').getBoundingClientRect();
        return [table.id, w.scrollWidth, w.clientWidth, last.right,
                w.getBoundingClientRect().right];
    })""")
    assert len(widths) == 6
    for table, scroll, client, last_right, wrap_right in widths:
        # no table wider than the page: nothing to scroll to, the last column (Rank) in view
        assert scroll <= client, (key, table, scroll, client)
        assert last_right <= wrap_right + 0.5, (key, table)
    text = page.inner_text("main")
    assert "not calculated" not in text
    for table in ("timeliness_ex", "requests_not_assessed", "assessments_no_plan"):
        cells = page.eval_on_selector_all(f"#table-ehcp_{table} tbody td",
                                          "cells => cells.map(c => c.textContent)")
        assert name in cells, (key, table)  # the council's own rows, under its configured name
