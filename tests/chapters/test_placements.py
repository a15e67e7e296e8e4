"""The plans and placements chapter on the demo council: shares against pandas on the demo's
caseload file, DfE's symbols kept, disclosure rules for the gate, the placement columns adding
up as DfE's do."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from jsna.chapters import placements
from jsna.config import load_config
from jsna.demo import write_demo
from jsna.demo.geography import COUNCIL_CODE
from jsna.demo.placements import GROUPS


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("placements_demo")
    write_demo(folder, seed=7, dirt_rate=0.0, years=2, n_wards=6)
    return folder


@cache
def built(folder: str) -> placements.Chapter:
    return placements.build(load_config(Path(folder) / "jsna.toml"))


def raw_caseload(demo: Path) -> pd.DataFrame:
    raw = pd.read_csv(demo / "comparators" / "caseload.csv", dtype=str, keep_default_na=False,
                      encoding="utf-8-sig")
    return raw[raw["breakdown_topic"] == "All EHC plans"]


def test_demo_placement_columns_add_up_like_dfe(demo: Path) -> None:
    raw = raw_caseload(demo)
    numeric = raw[raw["mainstream_total"].str.isdigit() & raw["ap_pru_total"].str.isdigit()]
    totals = sum(numeric[column].astype(int) for column in GROUPS)
    assert (totals == numeric["ehcplans"].astype(int)).all()
    assert (raw["ap_pru_total"] == "c").sum() == 1  # one council's AP counts suppressed by DfE
    assert set(raw.loc[raw["time_period"] == raw["time_period"].min(), "ukrlp_provider"]) == {"x"}


def test_demo_shares_equal_pandas_on_the_demo_caseload(demo: Path) -> None:
    chapter = built(str(demo))
    raw = raw_caseload(demo)
    latest = raw[(raw["new_la_code"] == COUNCIL_CODE)
                 & (raw["time_period"] == raw["time_period"].max())].iloc[0]
    rows = chapter.indicators
    period = rows.loc[rows["indicator_id"] == "placements_setting_percent", "period"].max()

    def share(setting: str) -> float:
        hit = rows[(rows["indicator_id"] == "placements_setting_percent")
                   & (rows["area_code"] == COUNCIL_CODE) & (rows["breakdown"] == setting)
                   & (rows["period"] == period)]
        assert len(hit) == 1
        return float(hit["value"].iloc[0])

    plans = int(latest["ehcplans"])
    special = int(latest["special_la_maintained"]) + int(latest["special_academy_free"])
    assert share("State-funded special school") == pytest.approx(100 * special / plans)
    named = (int(latest["mainstream_total"]) + int(latest["special_total"])
             + int(latest["ap_pru_total"]) + int(latest["fe_total"]))
    assert share("Other: educated elsewhere, early years or not known") == pytest.approx(
        100 * (plans - named) / plans)
    settings = rows[(rows["indicator_id"] == "placements_setting_percent")
                    & (rows["area_code"] == COUNCIL_CODE) & (rows["period"] == period)]
    # Demoton's few plans in alternative provision are hidden (a count below 5), and so is a
    # second type of setting, so that all plans minus the shown types cannot give them back
    assert 0 < int(latest["ap_pru_total"]) < 5
    hidden = settings[settings["note"] == "[c]"]
    assert "Alternative provision or pupil referral unit" in set(hidden["breakdown"])
    assert len(hidden) >= 2 and plans - settings["count"].sum() >= 5
    assert chapter.findings.sentences
    assert {t.name for t in chapter.tables.values()} <= set(chapter.rules)


def test_dfe_suppressed_count_stays_suppressed(demo: Path) -> None:
    """The neighbour whose AP counts DfE published as 'c': its AP share and the 'Other' share
    (all plans minus the named types) have no value and the note [c], never zero."""
    config = load_config(demo / "jsna.toml")
    neighbour = config.neighbours[0]
    rows = built(str(demo)).indicators
    period = rows.loc[rows["indicator_id"] == "placements_setting_percent", "period"].max()
    hit = rows[(rows["indicator_id"] == "placements_setting_percent")
               & (rows["area_code"] == neighbour) & (rows["period"] == period)
               & rows["breakdown"].isin(["Alternative provision or pupil referral unit",
                                         "Other: educated elsewhere, early years or not known"])]
    assert len(hit) == 2 and hit["value"].isna().all() and set(hit["note"]) == {"[c]"}


def test_without_the_caseload_file_the_chapter_names_it(demo: Path) -> None:
    text = (demo / "jsna.toml").read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("ehcp_caseload"))
    (demo / "no_caseload.toml").write_text(text, encoding="utf-8")
    config = load_config(demo / "no_caseload.toml", check_chapters=False)
    with pytest.raises(Exception, match="inputs.comparators.ehcp_caseload"):
        placements.build(config)
