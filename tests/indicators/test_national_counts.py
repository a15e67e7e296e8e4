"""National-size census counts (issue 20): DuckDB over parquet equals the in-memory path.

Hand-worked pupils give the expected numbers; the demo council's cleaned census checks that both
engines give the same rows as the chapters' own functions.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

from jsna.indicators.national import (
    DUCKDB_FROM_ROWS,
    census_counts,
    choose_engine,
)


def _hand_worked() -> pd.DataFrame:
    """Two councils, one census each. A (E06000001): 5 pupils (2 EHC plan, 1 SEN support, 1 no SEN, 1 not
    known), 4 resident (ward W1: the 2 plans; ward unknown: the support pupil and the no-SEN
    pupil). B (E06000002): 2 pupils, SEN support, both resident in W9, one with no need recorded."""
    return pd.DataFrame({
        "council_code": ["E06000001"] * 5 + ["E06000002"] * 2,
        "census_year": [2025] * 7,
        "sen_provision": ["E", "E", "K", "N", None, "K", "K"],
        "primary_need": ["ASD", "SEMH", "SLCN", None, None, "ASD", None],
        "ward_code": ["W1", "W1", None, None, "W2", "W9", "W9"],
        "resident": [True, True, True, True, False, True, True],
    })


@pytest.mark.parametrize("engine", ["memory", "duckdb"])
def test_hand_worked_counts(engine: str, tmp_path: Path) -> None:
    path = tmp_path / "pupils.parquet"
    _hand_worked().to_parquet(path)
    counts = census_counts(path, engine=engine, names={"E06000001": "Council A"})
    assert counts.engine == engine
    rows = counts.council.set_index(["area_code", "indicator_id", "breakdown"])
    assert rows.loc[("E06000001", "pupils_ehc_plan_percent", "All pupils"), ["count", "denominator"]
                    ].tolist() == [2, 5]
    assert rows.loc[("E06000001", "pupils_sen_support_percent", "All pupils"), ["count", "denominator"]
                    ].tolist() == [1, 5]
    assert rows.loc[("E06000002", "pupils_sen_support_percent", "All pupils"), ["count", "denominator"]
                    ].tolist() == [2, 2]
    assert rows.loc[("E06000002", "sen_support_primary_need_percent", "Not recorded"),
                    ["count", "denominator"]].tolist() == [1, 2]
    assert set(rows.loc["E06000001", "area_name"]) == {"Council A"}
    assert set(rows.loc["E06000002", "area_name"]) == {"E06000002"}
    wards = counts.wards.set_index(["council_code", "ward_code"])
    assert wards.loc[("E06000001", "W1")].tolist() == [2025, 2, 0, 2, 2, 0]
    assert wards.loc[("E06000001", "E99999999")].tolist() == [2025, 2, 1, 0, 1, 1]
    assert ("E06000001", "W2") not in wards.index  # the only pupil of W2 does not live in the council
    assert wards.loc[("E06000002", "W9")].tolist() == [2025, 2, 2, 0, 2, 0]
    sen = counts.ward_rows[counts.ward_rows["indicator_id"] == "resident_pupils_sen_percent"]
    assert sen.set_index("area_code").loc["W1", ["count", "denominator"]].tolist() == [2, 2]


def test_one_councils_table_needs_its_code(tmp_path: Path) -> None:
    frame = _hand_worked().drop(columns="council_code")
    with pytest.raises(ValueError, match="area_code"):
        census_counts(frame, engine="duckdb")
    one = census_counts(frame, engine="duckdb", area_code="E06000014")
    assert set(one.council["area_code"]) == {"E06000014"}
    assert set(one.wards["ward_code"]) == {"W1", "W9", "E99999999"}


def test_engine_is_chosen_by_size_or_option(tmp_path: Path) -> None:
    small = _hand_worked()
    assert choose_engine(small) == "memory"
    assert choose_engine(small, "duckdb") == "duckdb"
    big = pd.DataFrame({"census_year": [2025] * DUCKDB_FROM_ROWS})
    assert choose_engine(big) == "duckdb"
    with pytest.raises(ValueError, match="engine"):
        choose_engine(small, "spark")


@pytest.fixture(scope="module")
def demo_pupils(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    from jsna.cleaned import clean_census_to_disk
    from jsna.config import load_config
    from jsna.demo import write_demo

    folder = tmp_path_factory.mktemp("national")
    config = load_config(write_demo(folder / "demo", n_wards=6, years=2))
    clean_census_to_disk(config)
    return config.clean_dir / "pupils.parquet", config.area.code, config.area.name


def test_duckdb_equals_the_in_memory_path_on_the_demo(demo_pupils) -> None:
    path, code, name = demo_pupils
    memory = census_counts(pd.read_parquet(path), area_code=code, names={code: name},
                           engine="memory")
    duck = census_counts(path, area_code=code, names={code: name}, engine="duckdb")
    assert len(memory.council) > 20 and len(memory.wards) > 6
    pdt.assert_frame_equal(memory.council, duck.council)
    pdt.assert_frame_equal(memory.wards, duck.wards)
    pdt.assert_frame_equal(memory.ward_rows, duck.ward_rows)


def test_many_councils_duckdb_equals_memory_and_plain_pandas(demo_pupils, tmp_path: Path) -> None:
    """The demo's pupils dealt into three councils in turn: both engines agree, and the
    plan counts equal a plain pandas count."""
    path, _, _ = demo_pupils
    pupils = pd.read_parquet(path)
    pupils["council_code"] = [f"E0600000{row % 3}" for row in range(len(pupils))]
    split = tmp_path / "many.parquet"
    pupils.to_parquet(split)
    memory = census_counts(pupils, engine="memory")
    duck = census_counts(split, engine="duckdb", threads=2)
    pdt.assert_frame_equal(memory.council, duck.council)
    pdt.assert_frame_equal(memory.wards, duck.wards)
    plans = pupils[pupils["sen_provision"] == "E"].groupby(["council_code", "census_year"]).size()
    got = duck.council[duck.council["indicator_id"] == "pupils_ehc_plan_percent"]
    assert got["count"].tolist() == plans.sort_index().tolist()
