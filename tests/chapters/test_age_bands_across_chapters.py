"""The same SEN2 counts by age band in two chapters: one suppression, nothing derivable across them.

The placements chapter publishes EHC plans by every age band (a partition of all plans); the
adulthood chapter publishes the 16 to 19 and 20 to 25 bands of the same counts under its own
indicator id. Here a tiny council has 3 plans under 5 (a small count) and 6 aged 20 to 25 (the
smallest other band, so the partition hides it as the complement). Protected separately, the
adulthood chapter published that 6, and all plans minus the other bands gave the 3 back.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jsna.chapters import adulthood, placements
from jsna.config import load_config
from jsna.demo import write_demo
from jsna.demo.geography import COUNCIL_CODE

#: The tiny council's plans by single year of age in its latest January (DfE's labels).
AGES = {"under 3": 0, "age 3": 1, "age 4": 2,  # under 5: 3, a small count
        **{f"age {a}": 9 for a in range(5, 20)},  # 5 to 10: 54, 11 to 15: 45, 16 to 19: 36
        "age 20": 2, "age 21": 2, "age 22": 1, "age 23": 0, "age 24": 1, "age 25": 0}  # 6
BANDS = {"Under 5": 3, "5 to 10": 54, "11 to 15": 45, "16 to 19": 36, "20 to 25": 6}


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("age_bands")
    path = write_demo(folder / "demo", seed=7, dirt_rate=0.0, years=2, n_wards=4)
    caseload = Path(path).parent / "comparators" / "caseload.csv"
    raw = pd.read_csv(caseload, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    latest = raw["time_period"].max()
    mine = ((raw["new_la_code"] == COUNCIL_CODE) & (raw["time_period"] == latest)
            & (raw["breakdown_topic"] == "Child or young persons age"))
    assert set(raw.loc[mine, "breakdown"]) == set(AGES)
    raw.loc[mine, "ehcplans"] = raw.loc[mine, "breakdown"].map(AGES).astype(str)
    raw.to_csv(caseload, index=False, encoding="utf-8")
    return load_config(path)


@pytest.fixture(scope="module")
def chapters(config):
    return placements.build(config), adulthood.build(config)


def council_rows(chapter, indicator: str) -> pd.DataFrame:
    rows = chapter.indicators
    rows = rows[(rows["indicator_id"] == indicator) & (rows["area_code"] == COUNCIL_CODE)]
    return rows[rows["period"] == rows["period"].max()].set_index("breakdown")


def test_no_age_band_hidden_in_one_chapter_is_shown_or_derivable_in_the_other(config, chapters):
    by_setting = council_rows(chapters[0], "placements_plans_by_age_percent")
    adult = council_rows(chapters[1], "adulthood_plans_by_age_percent")
    assert list(adult.index) == ["16 to 19", "20 to 25"]
    # the counts as the tiny council's file gives them (read here from the test's own numbers)
    shown = by_setting["count"].dropna()
    assert all(shown[band] == BANDS[band] for band in shown.index)
    assert pd.isna(by_setting.loc["Under 5", "count"])  # 3 plans: a small count, hidden
    # one suppression for the same count in both chapters
    for band in adult.index:
        assert pd.isna(adult.loc[band, "count"]) == pd.isna(by_setting.loc[band, "count"]), band
        assert (adult.loc[band, "note"] == "[c]") == (by_setting.loc[band, "note"] == "[c]"), band
        assert pd.isna(adult.loc[band, "value"]) == pd.isna(by_setting.loc[band, "value"]), band
    # everything both pages publish together: all plans, and each band shown on either page
    known = {band: count for frame in (by_setting, adult)
             for band, count in frame["count"].dropna().items()}
    totals = pd.concat([by_setting["denominator"], adult["denominator"]]).dropna()
    assert len(totals) and set(totals) == {sum(BANDS.values())}
    unknown = [band for band in BANDS if band not in known]
    # all plans minus the published bands gives the hidden ones only as a sum of two or more
    assert len(unknown) >= 2, f"only {unknown} hidden: all plans minus the others gives it"
    assert sum(BANDS[band] for band in unknown) >= config.disclosure.threshold


def test_the_site_gate_knows_the_two_indicators_publish_the_same_counts(chapters, tmp_path):
    from jsna.indicators.table import CSV_FLOAT_FORMAT, finalise
    from jsna.literal import write_csv
    from jsna.review.disclosure_gate import check_site

    rows = pd.concat([chapter.indicators for chapter in chapters], ignore_index=True)
    rows = rows[rows["indicator_id"].str.endswith("plans_by_age_percent")]

    def gate(frame: pd.DataFrame):
        site = tmp_path / str(len(list(tmp_path.iterdir())))
        (site / "data").mkdir(parents=True)
        write_csv(finalise(frame), site / "data" / "indicators.csv", float_format=CSV_FLOAT_FORMAT)
        return check_site(site, council_code=COUNCIL_CODE, threshold=5)

    assert gate(rows).ok
    # the adulthood page as it was published before: its 20 to 25 band protected on its own
    exposed = rows.copy()
    latest = exposed["period"].max()
    again = ((exposed["indicator_id"] == "adulthood_plans_by_age_percent")
             & (exposed["area_code"] == COUNCIL_CODE) & (exposed["period"] == latest)
             & (exposed["breakdown"] == "20 to 25"))
    assert again.sum() == 1
    total = sum(BANDS.values())
    exposed.loc[again, ["count", "denominator", "value", "note"]] = [6.0, total, 600 / total, ""]
    report = gate(exposed)
    assert not report.ok
    assert "breakdown=Under 5" in report.message()
