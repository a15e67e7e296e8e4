"""The outcomes chapter's compare-with-neighbours charts and LAIT key stage 2 progress for two real
councils (York, Trafford), against plain pandas on DfE's raw LAIT file. Expected values never
come from jsna: LA numbers, names and DfE's statistical neighbours (May 2025) are written out
here. Built with ``outcomes.build`` (no notebook). Skipped when the real data are absent."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from real_councils import COUNCILS, needs_real_data, real_path, write_council_config

from jsna.chapters import outcomes
from jsna.config import load_config

KS4 = "attainment/201819_LA_characteristics_data_including_sen_description.xlsx"
LAIT = "send_dfe/lait/lait_bds_long_send_outcomes_absence_all_las.csv"
pytestmark = needs_real_data(KS4, LAIT)

CHOSEN = {"York": COUNCILS["york"], "Trafford": COUNCILS["trafford"]}
#: GSS code -> DfE LA number (DfE's LA list), for every council and neighbour above
LA_NUMBER = {
    "E06000014": 816, "E08000009": 358, "E10000013": 916, "E06000022": 800, "E06000024": 802,
    "E10000015": 919, "E10000031": 937, "E10000025": 931, "E10000032": 938, "E10000014": 850,
    "E08000007": 356, "E06000060": 825, "E10000030": 936, "E09000006": 305, "E06000049": 895,
    "E10000003": 873, "E08000029": 334,
    # England and the regions, as LAIT numbers them ("Yorkshire and the Humber", lower case)
    "E92000001": 970, "E12000002": 981, "E12000003": 982,
}


@cache
def chapter(label: str, folder: str) -> outcomes.Chapter:
    council = CHOSEN[label]
    path = write_council_config(Path(folder) / council.code, council, chapters=["outcomes"],
                                inputs={"lait": real_path(LAIT)},
                                comparators={"ks4_by_sen": real_path(KS4)})
    return outcomes.build(load_config(path))


@cache
def raw_lait() -> pd.DataFrame:
    raw = pd.read_csv(real_path(LAIT), dtype=str, keep_default_na=False)
    raw["number"] = pd.to_numeric(raw["LA Number"], errors="coerce")
    raw["value"] = pd.to_numeric(raw["Values"], errors="coerce")  # '-' = no data
    return raw


def published(code: str, year: str, *, number: int) -> float:
    """One published value of a council, region or England, by its LAIT number."""
    raw = raw_lait()
    rows = raw[(raw["Short Desc"] == code) & (raw["Years"] == year) & (raw["number"] == number)]
    assert len(rows) == 1, (code, year, number)
    return float(rows["value"].iloc[0])


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("outcomes_neighbours"))


def _drawn(figure) -> dict[str, float]:
    """Each row label of a compare-with-neighbours chart -> the value drawn on its row."""
    axes = figure.figure.axes[0]
    labels = [tick.get_text().replace("\n", " ") for tick in axes.get_yticklabels()]
    drawn = {}
    for line in axes.lines:
        if line.get_linestyle() != "None":
            continue
        for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True):
            drawn[labels[int(round(y))]] = float(x)
    return drawn


@pytest.mark.parametrize("label", ["York", "Trafford"])
@pytest.mark.parametrize(("key", "code"), [("ks2_rwm_ehcp", "NEW_KS2_RWM_Sen_Withsta"),
                                           ("ks2_rwm_sen_support", "NEW_KS2_RWM_Sen_W/Osta")])
def test_neighbours_chart_equals_pandas_on_the_raw_lait_file(label: str, key: str, code: str,
                                                             folder: str) -> None:
    council = CHOSEN[label]
    built = chapter(label, folder)
    figure = built.figures[f"{key}_neighbours"]
    year = "2025"  # the latest key stage 2 year in the file: 2024/25
    assert figure.caption.endswith("2024/25")
    drawn = _drawn(figure)
    names = {n: str(raw_lait().loc[raw_lait()["number"] == LA_NUMBER[n], "LA and Regions"]
                    .iloc[0]) for n in council.neighbours}
    expected = {names[n]: published(code, year, number=LA_NUMBER[n])
                for n in council.neighbours}
    with_value = {k: v for k, v in expected.items() if pd.notna(v)}
    expected[f"{label} (this council)"] = published(code, year, number=LA_NUMBER[council.code])
    expected[f"{council.region_name} (region)"] = published(
        code, year, number=LA_NUMBER[council.region_code])
    expected["England"] = published(code, year, number=LA_NUMBER["E92000001"])
    average = (f"Statistical neighbours' average ({len(with_value)} of "
               f"{len(council.neighbours)})")
    expected[average] = sum(with_value.values()) / len(with_value)
    assert drawn == pytest.approx({k: v for k, v in expected.items() if pd.notna(v)})
    # highest first, as drawn and as tabled beside the chart
    table = built.tables[f"{key}_neighbours"].frame
    order = [k for k, _ in sorted(drawn.items(), key=lambda kv: -kv[1])]
    assert [a for a in table["Area"] if a in drawn] == order
    # whole percentages as LAIT publishes them; no interval is invented
    assert "95% CI lower" not in table.columns
    shown = dict(zip(table["Area"], table["Per cent"], strict=True))
    assert shown[average] == f"{expected[average]:.1f}"


@pytest.mark.parametrize("label", ["York", "Trafford"])
def test_ks2_progress_and_its_gap_equal_pandas_on_the_raw_lait_file(label: str,
                                                                    folder: str) -> None:
    council = CHOSEN[label]
    rows = chapter(label, folder).indicators
    number = LA_NUMBER[council.code]

    def got(indicator: str, breakdown: str) -> float:
        hit = rows[(rows["indicator_id"] == indicator) & (rows["area_code"] == council.code)
                   & (rows["breakdown"] == breakdown) & (rows["period"] == "2022/23")]
        assert len(hit) == 1
        return float(hit["value"].iloc[0])

    for subject in ("Reading", "Writing", "Maths"):
        indicator = f"ks2_{subject.lower()}_progress_score"
        no_sen = published(f"KS2_NonSEN_{subject}_Progress", "2023", number=number)
        ehcp = published(f"KS2_SEN_{subject}_Progress", "2023", number=number)
        assert got(indicator, "EHC plan") == pytest.approx(ehcp)
        assert got(f"ks2_{subject.lower()}_progress_gap_points",
                   "No SEN minus EHC plan") == pytest.approx(no_sen - ehcp)
    mtc = rows[(rows["indicator_id"] == "mtc_full_marks_percent")
               & (rows["area_code"] == council.code) & (rows["breakdown"] == "EHC plan")
               & (rows["period"] == "2024/25")]
    assert float(mtc["value"].iloc[0]) == published("Multiplication_EHCP", "2025", number=number)
