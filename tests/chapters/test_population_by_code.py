"""The population chapter finds the council, region and England by code, whatever their names."""

from __future__ import annotations

import pandas as pd

from jsna.chapters import population
from jsna.config import load_config
from jsna.demo import write_demo


def test_region_rows_are_found_by_code_when_the_configured_name_differs(tmp_path):
    """Issue 13 item 2: DfE's files say "Demo Region", the configuration "Demoshire"."""
    path = write_demo(tmp_path / "data" / "demo", n_wards=6, years=2)
    text = path.read_text()
    assert 'region_name = "Demo Region"' in text
    path.write_text(text.replace('region_name = "Demo Region"', 'region_name = "Demoshire"'))
    config = load_config(path)
    chapter = population.build(config)
    raw = pd.read_csv(config.inputs.comparators["sen_phase_type"], dtype=str,
                      keep_default_na=False)
    region = raw[(raw["geographic_level"] == "Regional")
                 & (raw["region_code"] == config.area.region_code)]
    assert set(region["region_name"]) == {"Demo Region"}  # the publisher's name differs
    table = chapter.tables["ehc_plan_trend"].frame
    assert set(table["Area"]) == {config.area.name, "Demoshire", "England"}
    assert len(table[table["Area"] == "Demoshire"]) == 2  # one row per census year
    assert "Demoshire" in chapter.figures["ehc_plan_trend"].alt
