"""Key stage 4 against the statistical neighbours: grade 9-4 in English and maths by SEN status,
the council, each neighbour, their average, the region and England with Wilson 95% intervals.

Checked against plain pandas on DfE's raw key stage 4 workbook for York (E06000014) and on the
demo's key stage 4 file: each area's percentage is ``t_l2basics_94 / t_pupils`` of the SEN
status rows (gender and SEN description "Total"), and its interval the Wilson score interval
written out in ``tests/real_councils.wilson``; codes are the file's ``new_la_code`` (councils)
and ``region_code`` (regions), names and neighbours from DfE's lists in ``real_councils``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import pytest
from real_councils import COUNCILS, needs_real_data, real_path, wilson, write_council_config

from jsna.chapters import outcomes
from jsna.config import load_config

KS4 = "attainment/201819_LA_characteristics_data_including_sen_description.xlsx"
GROUPS = {"ks4_basics_ehcp": "SEN State EHC", "ks4_basics_sen_support": "SEN Supp"}


def _expected(raw: pd.DataFrame, status: str, codes: list[str], region: str
              ) -> dict[str, tuple[float, float, float, float]]:
    """Area code -> (per cent, Wilson lower, Wilson upper, count) from the raw file's counts."""
    rows = raw[(raw["breakdown"] == "SEN status") & (raw["gender"] == "Total")
               & (raw["sen_description"] == "Total") & (raw["sen_status"] == status)]
    code = rows["new_la_code"].where(rows["geographic_level"] == "Local authority",
                                     rows["region_code"])
    code = code.where(rows["geographic_level"] != "National", "E92000001")
    out = {}
    for area in [*codes, region, "E92000001"]:
        hit = rows[code == area]
        assert len(hit) == 1, area
        count = float(hit["t_l2basics_94"].iloc[0])
        pupils = float(hit["t_pupils"].iloc[0])
        out[area] = ((100 * count / pupils, *wilson(count, pupils), count) if count == count
                     else (float("nan"),) * 4)  # suppressed (c) in the file
    return out


def _check(chapter, key: str, expected: dict[str, tuple[float, float, float, float]],
           council: tuple[str, str], neighbours: list[str], threshold: int) -> None:
    """The chapter's rows, table and alt text against ``expected``; the council's own figure is
    hidden ([c]) when its count is below the disclosure threshold, everyone else's is DfE's."""
    figure, table = chapter.figures[f"{key}_neighbours"], chapter.tables[f"{key}_neighbours"]
    rows = chapter.indicators
    group = "EHC plan" if key.endswith("ehcp") else "SEN support"
    chosen = rows[(rows["indicator_id"] == "ks4_basics_94_percent") & (rows["breakdown"] == group)]
    code, name = council
    hidden = 0 < expected[code][3] < threshold
    for area, (value, lower, upper, _) in expected.items():
        row = chosen[chosen["area_code"] == area].iloc[0]
        if (area == code and hidden) or pd.isna(value):
            assert pd.isna(row["value"]) and row["note"] == "[c]"
            continue
        assert row["value"] == pytest.approx(value, rel=1e-12)
        assert (row["lower_ci_95"], row["upper_ci_95"]) == pytest.approx((lower, upper),
                                                                         rel=1e-9)
    frame = table.frame.set_index("Area")
    mine = f"{name} (this council)"
    value, lower, upper, _ = expected[code]
    if hidden:
        assert frame.loc[mine, "Per cent"] == "[c]"
        assert f"{value:.1f}%" not in figure.alt
    else:
        assert (frame.loc[mine, "Per cent"], frame.loc[mine, "95% CI lower"],
                frame.loc[mine, "95% CI upper"]) == (f"{value:.1f}", f"{lower:.1f}",
                                                     f"{upper:.1f}")
    published = [n for n in neighbours if pd.notna(expected[n][0])]
    assert len(published) >= len(neighbours) - 2
    for area in published:
        value, lower, upper, _ = expected[area]
        assert f"{value:.1f}% (95 per cent confidence interval {lower:.1f}% to {upper:.1f}%)" \
            in figure.alt
    average = sum(expected[n][0] for n in published) / len(published)
    label = f"Statistical neighbours' average ({len(published)} of {len(neighbours)})"
    assert frame.loc[label, "Per cent"] == f"{average:.2f}"
    value, lower, upper, _ = expected["E92000001"]
    assert (frame.loc["England", "Per cent"], frame.loc["England", "95% CI lower"],
            frame.loc["England", "95% CI upper"]) == (f"{value:.1f}", f"{lower:.1f}",
                                                      f"{upper:.1f}")
    # highest first, as drawn
    shown = pd.to_numeric(table.frame["Per cent"], errors="coerce").dropna()
    assert shown.is_monotonic_decreasing
    # the chart says what it measures, and the table why this measure and not Attainment 8
    assert "grade 9-4 in English and maths" in figure.alt
    assert "Attainment 8" in " ".join(table.notes)


@pytest.mark.parametrize("key", [pytest.param(key, marks=needs_real_data(KS4))
                                 for key in sorted(GROUPS)])
def test_york_ks4_neighbours_equal_pandas_on_the_raw_workbook(key, tmp_path_factory):
    york = COUNCILS["york"]
    folder = tmp_path_factory.mktemp(f"ks4_{key}")
    path = write_council_config(folder, york, chapters=["outcomes"],
                                comparators={"ks4_by_sen": real_path(KS4)})
    config = load_config(path)
    chapter = outcomes.build(config)  # no LAIT: the key stage 4 charts still come
    raw = pd.read_excel(real_path(KS4), sheet_name=0, dtype={"new_la_code": str})
    expected = _expected(raw, GROUPS[key], [york.code, *york.neighbours], york.region_code)
    if key == "ks4_basics_ehcp":  # York 2018/19: 4 of 47 pupils with a plan, below the threshold
        assert expected[york.code][3] == 4
    _check(chapter, key, expected, (york.code, "York"), list(york.neighbours),
           config.disclosure.threshold)


@pytest.mark.parametrize("key", sorted(GROUPS))
def test_demo_ks4_neighbours_equal_pandas_on_the_demo_file(key, small_council):
    config = tomllib.loads(small_council.read_text(encoding="utf-8"))
    loaded = load_config(small_council)
    chapter = outcomes.build(loaded)
    raw = pd.read_csv(Path(small_council).parent / "comparators" / "ks4_by_sen.csv", dtype=str)
    for column in ("t_pupils", "t_l2basics_94"):
        raw[column] = pd.to_numeric(raw[column].replace("c", None))  # c: DfE's suppression
    neighbours = config["comparators"]["neighbours"]
    code = config["area"]["code"]
    expected = _expected(raw, GROUPS[key], [code, *neighbours], config["area"]["region_code"])
    _check(chapter, key, expected, (code, config["area"]["name"]), neighbours,
           loaded.disclosure.threshold)
