"""The data quality page's "what each chapter could not compute and why"."""

from __future__ import annotations

import json

import pandas as pd
from small_config import small_config

from jsna.chapters import voice
from jsna.chapters.base import Chapter, Findings, Gap
from jsna.chapters.quality import chapter_gaps


def _indicators(rows):
    columns = ["indicator_id", "area_code", "area_name", "area_type", "period", "breakdown",
               "value", "note"]
    return pd.DataFrame(rows, columns=columns)


def test_every_kind_of_gap_is_listed_with_its_reason(tmp_path):
    (tmp_path / "pop.csv").write_text("any\n", encoding="utf-8")
    config = small_config(tmp_path, 'population = "pop.csv"')
    site = tmp_path / "site"
    # a chapter that recorded a gap itself, and a page that is only a box naming its input
    Chapter("ehcp", "EHC", Findings(["Fine."]),
            gaps=[Gap("EHC plans by age", "the caseload file has no plans by age for Demoton")]
            ).save(site)
    Chapter("adulthood", "Adulthood", Findings(["Set inputs.comparators.neet_send to ..."],
                                               heading="Input needed")).save(site)
    # an indicator whose every council value is hidden, one whose latest is not published,
    # and one complete (not listed); rows of other areas never count
    (site / "data").mkdir(exist_ok=True)
    _indicators([
        ["pupils_ehc_plan_percent", "Z06000001", "D", "Local authority", "2024", "All", None, "[c]"],
        ["pupils_ehc_plan_percent", "Z06000001", "D", "Local authority", "2025", "All", None, "[c]"],
        ["pupils_sen_support_percent", "Z06000001", "D", "Local authority", "2024", "All", 12.0, ""],
        ["pupils_sen_support_percent", "Z06000001", "D", "Local authority", "2025", "All", None, "[x]"],
        ["pupils_sen_support_percent", "E92000001", "England", "England", "2025", "All", 13.0, ""],
        ["pupils_ehc_plan_percent", "E92000001", "England", "England", "2025", "All", None, "[x]"],
    ]).to_csv(site / "data" / "population_indicators.csv", index=False)
    gaps = chapter_gaps(config, site, {"population": True, "ehcp": True, "adulthood": True,
                                       "settings": False})
    listed = list(gaps.itertuples(index=False, name=None))
    assert ("Population and SEND prevalence",
            "Primary need of pupils with SEN in the region, England and the statistical "
            "neighbours, for comparison", "inputs.comparators.sen_primary_need is not set.") in listed
    assert ("Population and SEND prevalence", "Pupils with an EHC plan (%): All",
            "Every value for the council is hidden by disclosure control (small numbers, or a "
            "cell that would reveal one).") in listed
    assert ("Population and SEND prevalence", "Pupils receiving SEN support (%): All, 2025",
            "The latest value for the council is not in the published file (shown [x] or with "
            "the publisher's own symbol).") in listed
    assert ("EHC needs assessments and plans", "EHC plans by age",
            "the caseload file has no plans by age for Demoton") in listed
    # ehcp's population input is set: not listed as missing
    assert not any("per 10,000" in what for _, what, _ in listed)
    # a box chapter: one row naming its input, not also its optional inputs
    adulthood = gaps[gaps["Chapter"] == "Preparing for adulthood"]
    assert adulthood["Not shown"].tolist() == ["The whole chapter"]
    assert "neet_send" in adulthood["Why"].iloc[0]
    settings = gaps[gaps["Chapter"] == "Where pupils with SEND are educated"]
    assert settings["Not shown"].tolist() == ["The whole chapter"]
    assert "stopped with an error" in settings["Why"].iloc[0]
    assert len(gaps) == 6


def test_the_voice_chapter_records_an_input_it_lacks(tmp_path):
    (tmp_path / "forum.md").write_text("We heard from families.\n", encoding="utf-8")
    config = small_config(tmp_path, 'voice_forum = "forum.md"')
    voice.build(config).save(tmp_path / "site")
    recorded = json.loads((tmp_path / "site" / "review" / "parts" / "gaps_voice.json")
                          .read_text(encoding="utf-8"))
    assert recorded == [{"what": "Survey answers", "why": "inputs.voice_survey is not set."}]
