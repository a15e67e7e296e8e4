"""Real councils' published-data chapters, rendered through the refresh and checked in Chromium.

York and Trafford, from the real published files alone (DfE SEN2, LAIT, EYFS, key stage 4, NEET,
CIN/CLA by SEN, DSG, tribunals, ONS population): every page passes axe-core (WCAG 2.2 A and AA)
at 1280 px and at 320 px, reflows at 320 px without the page scrolling sideways, asks for nothing
outside the site and shows the council under its configured name. Screenshots go to
``outputs/screenshots/real/`` for a reviewer. Skipped when the real data folder, Playwright or
Chromium is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from page_checks import DESKTOP, NARROW, axe_violations, describe_violations, reflow_problems
from real_councils import COUNCILS, needs_real_data, real_path, write_council_config

from jsna.chapter_list import CHAPTERS

CHAPTERS_CHECKED = ("placements", "early_years", "outcomes", "adulthood", "resources",
                    "social_care")
FILES = {
    "ehcp_caseload": "send_dfe/ehcp_2025/caseload.csv",
    "ehcp_age_caseload": "send_dfe/ehcp_2022/sen2_age_caseload.csv",
    "ks4_by_sen": "attainment/201819_LA_characteristics_data_including_sen_description.xlsx",
    "eyfs_by_sen": "eyfs/1_eyfsp_headline_measures_2022.csv",
    "neet_send": ["neet/2022/UD_NEETNK_LA_dashboard_2022_final.csv",
                  "neet/2023/UD_NEETNK_LA_dashboard_2023_final.csv",
                  "neet/2024/UD_NEETNK_LA_dashboard_final.csv",
                  "neet/2025/UD_NEETNK_LA_dashboard_final.csv"],
    "high_needs_dsg": "finance/dedicated-schools-grant_2024_07_20.ods",
    "send_tribunals": "send_dfe/ehcp_2025/supporting-files/SEND Tribunals and appeal rate "
                      "2014-2024.csv",
    "sen2_management_information": "send_dfe/ehcp_2022/sen2_mi.csv",
    "cin_by_sen": "cin_cla/sen_la.csv",
}
#: LAIT's long file, stored in two parts (DfE publishes one): joined again for the council
LAIT_PARTS = ("send_dfe/lait/lait_bds_long_send_outcomes_absence_all_las.csv",
              "send_dfe/lait/lait_bds_long_sen_and_child_health_all_las.csv")
POPULATION = "population/ons_mye_mid2020_utla20_single_year_of_age.csv"
SHOTS = Path(__file__).resolve().parents[2] / "outputs" / "screenshots" / "real"

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser"),
              *needs_real_data(*LAIT_PARTS, POPULATION,
                               *[p for v in FILES.values() for p in ([v] if isinstance(v, str)
                                                                       else v)])]


def _real(value: str | list[str]) -> Path | list[Path]:
    return real_path(value) if isinstance(value, str) else [real_path(v) for v in value]


@pytest.fixture(scope="module", params=["york", "trafford"])
def real_site(request, chromium_executable, tmp_path_factory) -> tuple[str, Path]:
    from jsna.refresh import refresh

    key = request.param
    folder = tmp_path_factory.mktemp(key)
    parts = [real_path(part).read_text(encoding="utf-8").splitlines() for part in LAIT_PARTS]
    assert parts[0][0] == parts[1][0]  # the same header
    lait = folder / "lait_bds_long.csv"
    lait.write_text("\n".join(parts[0] + parts[1][1:]) + "\n", encoding="utf-8")
    config = write_council_config(
        folder, COUNCILS[key], chapters=CHAPTERS_CHECKED,
        inputs={"lait": lait, "population": real_path(POPULATION)},
        comparators={name: _real(value) for name, value in FILES.items()})
    report = refresh(config, workers=2, timeout=600)
    assert report.ok, [(r.name, r.status, r.message) for r in report.results]
    return key, report.config.output_dir


@pytest.mark.parametrize("chapter", CHAPTERS_CHECKED)
def test_real_council_page_passes_axe_and_reflows(real_site, chapter, open_page):
    key, site = real_site
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
