"""Disclosure control: primary, derived and secondary suppression, with an independent proof.

The proof does not reuse the module's algebra: for every hidden cell it asks a linear programme
for the smallest and largest value consistent with every published figure and the additive
relations written out by hand in the test. A hidden cell is safe when that range is at least 1
wide (so at least two whole numbers fit).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from jsna.disclosure import (
    DERIVED,
    PRIMARY,
    SUPPRESSED,
    ColumnTotal,
    RowTotal,
    SameCells,
    TableRules,
    apply_disclosure,
    format_suppressed,
    write_disclosure_log,
)
from jsna.errors import JsnaInputError
from jsna.indicator_disclosure import suppress_indicators

Cell = tuple[str, int, str]  # (table, row position, column)


def feasible_range(
    published: dict[str, pd.DataFrame],
    columns: dict[str, list[str]],
    equations: list[list[tuple[float, Cell]]],
) -> dict[Cell, tuple[float, float]]:
    """Min and max of every hidden (missing) cell given the published cells and equations."""
    cells: list[Cell] = [
        (name, row, column)
        for name, frame in published.items()
        for column in columns[name]
        for row in range(len(frame))
    ]
    index = {cell: i for i, cell in enumerate(cells)}
    bounds = []
    for name, row, column in cells:
        value = published[name][column].iloc[row]
        bounds.append((0, None) if pd.isna(value) else (float(value), float(value)))
    a_eq = np.zeros((len(equations), len(cells)))
    for i, equation in enumerate(equations):
        for coefficient, cell in equation:
            a_eq[i, index[cell]] += coefficient
    b_eq = np.zeros(len(equations))
    ranges = {}
    for cell, (low, _) in zip(cells, bounds, strict=True):
        if low == 0 and bounds[index[cell]][1] is None:
            objective = np.zeros(len(cells))
            objective[index[cell]] = 1
            lowest = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds)
            highest = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds)
            assert lowest.status == 0
            top = np.inf if highest.status == 3 else -highest.fun
            ranges[cell] = (lowest.fun, top)
    return ranges


def total_equations(
    table: str, total_row: int, part_rows: list[int], column: str
) -> list[tuple[float, Cell]]:
    return [(1.0, (table, total_row, column))] + [(-1.0, (table, r, column)) for r in part_rows]


# ------------------------------------------------------------------ ward table, council total


def ward_table() -> pd.DataFrame:
    # Council total first, then five wards; ward W1 has 3 pupils with an EHC plan (< 5).
    return pd.DataFrame(
        {
            "area_code": ["C", "W1", "W2", "W3", "W4", "W5"],
            "area_type": ["Local authority", "Ward", "Ward", "Ward", "Ward", "Ward"],
            "ehcp": [103, 3, 12, 20, 28, 40],
            "pupils": [2150, 300, 350, 400, 500, 600],
        }
    ).assign(percent=lambda f: f["ehcp"] / f["pupils"] * 100)


WARD_RULES = TableRules(
    key=["area_code"],
    counts=["ehcp", "pupils"],
    derived={"percent": ["ehcp", "pupils"]},
    relations=[RowTotal(total={"area_type": "Local authority"}, parts={"area_type": "Ward"})],
)


def test_small_ward_cannot_be_derived_from_any_published_figure() -> None:
    tables, audit = apply_disclosure({"wards": ward_table()}, {"wards": WARD_RULES})
    published = tables["wards"]
    # primary: W1; secondary: the next-smallest ward W2, so council - published wards = W1 + W2
    assert published["ehcp"].isna().tolist() == [False, True, True, False, False, False]
    assert published["percent"].isna().tolist() == [False, True, True, False, False, False]
    assert published["note"].tolist()[1:3] == [SUPPRESSED, SUPPRESSED]
    equations = [total_equations("wards", 0, [1, 2, 3, 4, 5], c) for c in ("ehcp", "pupils")]
    ranges = feasible_range(tables, {"wards": ["ehcp", "pupils"]}, equations)
    assert set(ranges) == {("wards", 1, "ehcp"), ("wards", 2, "ehcp")}
    for low, high in ranges.values():
        assert high - low >= 1  # 103 - 88 = 15 shared by two hidden wards: 0..15 each
    # the percentage is hidden too, or W1's count would follow from percent x pupils
    reasons = dict(
        zip(zip(audit["row_key"], audit["column"], strict=True), audit["reason"], strict=True)
    )
    assert reasons[("area_code=W1", "ehcp")] == PRIMARY
    assert reasons[("area_code=W2", "ehcp")] == ("secondary: protects wards: area_code=W1: ehcp")
    assert reasons[("area_code=W1", "percent")] == DERIVED
    assert list(audit.columns) == ["table", "row_key", "column", "reason"]


def test_without_secondary_suppression_the_ward_would_be_recoverable() -> None:
    # Sanity check of the proof itself: hiding W1 alone leaves it pinned at 103 - 100 = 3.
    only_primary = ward_table().astype({"ehcp": float})
    only_primary.loc[1, "ehcp"] = np.nan
    equations = [total_equations("wards", 0, [1, 2, 3, 4, 5], "ehcp")]
    ranges = feasible_range({"wards": only_primary}, {"wards": ["ehcp"]}, equations)
    low, high = ranges[("wards", 1, "ehcp")]
    assert low == pytest.approx(3) and high == pytest.approx(3)


def test_true_zeros_stay_and_are_not_used_as_complements() -> None:
    frame = ward_table()
    frame.loc[2, "ehcp"] = 0  # W2 has a true zero
    frame.loc[0, "ehcp"] = 91
    tables, _ = apply_disclosure({"wards": frame}, {"wards": WARD_RULES})
    ehcp = tables["wards"]["ehcp"]
    assert ehcp.iloc[2] == 0  # still published
    assert ehcp.isna().tolist() == [False, True, False, True, False, False]  # W3 (20) hides W1
    tables, audit = apply_disclosure({"wards": frame}, {"wards": WARD_RULES}, suppress_zeros=True)
    assert pd.isna(tables["wards"]["ehcp"].iloc[2])
    assert (audit["reason"] == PRIMARY).sum() == 2


def test_threshold_is_configurable() -> None:
    tables, _ = apply_disclosure({"wards": ward_table()}, {"wards": WARD_RULES}, threshold=13)
    # 3 and 12 are both below 13: two primary cells already protect each other.
    assert tables["wards"]["ehcp"].isna().tolist() == [False, True, True, False, False, False]


# ------------------------------------------------------------------ two-way table + companion


def two_way_tables() -> dict[str, pd.DataFrame]:
    # Table "by_provision": per ward SEN support, EHC plan and total; a council row.
    by_provision = pd.DataFrame(
        {
            "area": ["Council", "W1", "W2", "W3", "W4"],
            "sen_support": [262, 30, 52, 80, 100],
            "ehcp": [47, 2, 9, 15, 21],
            "total": [309, 32, 61, 95, 121],
        }
    )
    # Companion table publishing the same SEN-support counts next to pupil numbers.
    companion = pd.DataFrame(
        {
            "area": ["Council", "W1", "W2", "W3", "W4"],
            "sen_support": [262, 30, 52, 80, 100],
            "pupils": [2000, 300, 450, 550, 700],
        }
    )
    return {"by_provision": by_provision, "companion": companion}


TWO_WAY_RULES = {
    "by_provision": TableRules(
        key=["area"],
        counts=["sen_support", "ehcp", "total"],
        relations=[
            ColumnTotal(total="total", parts=["sen_support", "ehcp"]),
            RowTotal(total={"area": "Council"}, parts={"area": ["W1", "W2", "W3", "W4"]}),
            SameCells(other_table="companion", on=["area"], columns={"sen_support": "sen_support"}),
        ],
    ),
    "companion": TableRules(
        key=["area"],
        counts=["sen_support", "pupils"],
        relations=[
            RowTotal(total={"area": "Council"}, parts={"area": ["W1", "W2", "W3", "W4"]}),
        ],
    ),
}


def two_way_equations() -> list[list[tuple[float, Cell]]]:
    equations = []
    for row in range(5):  # total = SEN support + EHC plan in every row
        equations.append(
            [
                (1.0, ("by_provision", row, "total")),
                (-1.0, ("by_provision", row, "sen_support")),
                (-1.0, ("by_provision", row, "ehcp")),
            ]
        )
    for column in ("sen_support", "ehcp", "total"):  # council = sum of wards
        equations.append(total_equations("by_provision", 0, [1, 2, 3, 4], column))
    for column in ("sen_support", "pupils"):
        equations.append(total_equations("companion", 0, [1, 2, 3, 4], column))
    for row in range(5):  # the companion publishes the same SEN-support numbers
        equations.append(
            [(1.0, ("by_provision", row, "sen_support")), (-1.0, ("companion", row, "sen_support"))]
        )
    return equations


def test_two_way_table_with_companion_cannot_reveal_the_small_cell() -> None:
    tables, audit = apply_disclosure(two_way_tables(), TWO_WAY_RULES)
    hidden = {
        (name, row, column)
        for name, frame in tables.items()
        for column in TWO_WAY_RULES[name].counts
        for row in np.flatnonzero(frame[column].isna().to_numpy())
    }
    assert ("by_provision", 1, "ehcp") in hidden
    # W1's SEN support is hidden in by_provision, so the companion must hide it too,
    # otherwise total - SEN support (companion) = EHC plans in W1.
    assert ("by_provision", 1, "sen_support") in hidden
    assert ("companion", 1, "sen_support") in hidden
    ranges = feasible_range(
        tables,
        {"by_provision": ["sen_support", "ehcp", "total"], "companion": ["sen_support", "pupils"]},
        two_way_equations(),
    )
    assert set(ranges) == hidden
    for cell, (low, high) in ranges.items():
        assert high - low >= 1, cell
    assert len(audit) == len(hidden)
    assert set(audit["table"]) == {"by_provision", "companion"}


def test_without_the_companion_link_the_cell_would_leak() -> None:
    # Drop the SameCells relation: by_provision alone is protected, but the companion then
    # publishes W1's SEN support and the proof finds W1's EHC plans exactly.
    rules = dict(TWO_WAY_RULES)
    rules["by_provision"] = TableRules(
        key=["area"],
        counts=["sen_support", "ehcp", "total"],
        relations=list(TWO_WAY_RULES["by_provision"].relations[:2]),
    )
    tables, _ = apply_disclosure(two_way_tables(), rules)
    ranges = feasible_range(
        tables,
        {"by_provision": ["sen_support", "ehcp", "total"], "companion": ["sen_support", "pupils"]},
        two_way_equations(),
    )
    low, high = ranges[("by_provision", 1, "ehcp")]
    assert high - low < 1e-6


# ------------------------------------------------------------------ long indicator table


def indicator_table() -> pd.DataFrame:
    rows = [
        ("E92000001", "England", 10_000, 500_000),
        ("Z12000001", "Region", 1_200, 60_000),
        ("Z06000001", "Local authority", 71, 2_400),
        ("Z06000002", "Local authority", 2, 300),  # a neighbour's published small count
        ("W1", "Ward", 4, 400),
        ("W2", "Ward", 0, 350),
        ("W3", "Ward", 9, 450),
        ("W4", "Ward", 25, 600),
        ("W5", "Ward", 33, 600),
    ]
    frame = pd.DataFrame(rows, columns=["area_code", "area_type", "count", "denominator"])
    frame["indicator_id"] = "ehcp_percent"
    frame["area_name"] = frame["area_code"]
    frame["period"] = "2024/25"
    frame["breakdown"] = "All"
    frame["value"] = frame["count"] / frame["denominator"] * 100
    frame["lower_ci_95"] = frame["value"] * 0.9
    frame["upper_ci_95"] = frame["value"] * 1.1
    frame["compared_to_england"] = "Similar"
    frame["note"] = pd.Series([None] * len(frame), dtype="object")
    return frame


def test_indicator_table_suppression_hides_next_smallest_ward() -> None:
    published, audit = suppress_indicators(indicator_table(), council_code="Z06000001")
    hidden = published["count"].isna().tolist()
    # W1 (4) is primary; the zero in W2 is kept; the next-smallest positive ward W3 (9) hides it.
    assert hidden == [False, False, False, False, True, False, True, False, False]
    assert published.loc[3, "count"] == 2  # other councils' published figures are untouched
    for column in ("value", "lower_ci_95", "upper_ci_95", "compared_to_england"):
        assert published[column].isna().tolist() == hidden
    assert published["note"].tolist()[4] == SUPPRESSED
    assert pd.isna(published["note"].iloc[5])
    # council 71 - published wards (0 + 25 + 33) = 13 = W1 + W3: W1 anywhere in 0..13
    equations = [total_equations("indicators", 2, [4, 5, 6, 7, 8], "count")]
    ranges = feasible_range({"indicators": published}, {"indicators": ["count"]}, equations)
    assert ranges[("indicators", 4, "count")] == pytest.approx((0, 13))
    formatted = format_suppressed(published)
    assert formatted.loc[4, "count"] == "[c]" and formatted.loc[4, "value"] == "[c]"
    assert set(audit["reason"]) == {
        PRIMARY,
        DERIVED,
        "secondary: protects indicators: indicator_id=ehcp_percent; area_code=W1; "
        "period=2024/25; breakdown=All: count",
    }


def test_small_denominators_are_suppressed_too() -> None:
    frame = indicator_table()
    frame.loc[4, ["count", "denominator"]] = [0, 3]  # 0 of 3 pupils in W1
    frame.loc[2, ["count", "denominator"]] = [67, 2003]
    published, audit = suppress_indicators(frame, council_code="Z06000001")
    assert pd.isna(published.loc[4, "denominator"])
    assert pd.isna(published.loc[4, "value"])
    # the denominator needs its own complement: council 2003 - other wards would give 3
    assert published["denominator"].isna().sum() == 2


def test_council_code_is_required_when_ambiguous() -> None:
    with pytest.raises(JsnaInputError, match="council_code"):
        suppress_indicators(indicator_table())


def test_every_table_needs_rules() -> None:
    with pytest.raises(JsnaInputError, match="no disclosure rules"):
        apply_disclosure({"wards": ward_table(), "other": ward_table()}, {"wards": WARD_RULES})


def test_missing_counts_are_unknown_not_suppressed() -> None:
    frame = ward_table().astype({"ehcp": float})
    frame.loc[4, "ehcp"] = np.nan  # W4 not published at source ([x])
    tables, audit = apply_disclosure({"wards": frame}, {"wards": WARD_RULES})
    # W1 (3) and the unknown W4 already share the council difference: no extra cell needed
    assert tables["wards"]["ehcp"].isna().tolist() == [False, True, False, False, True, False]
    assert audit.loc[audit["column"] == "ehcp", "row_key"].tolist() == ["area_code=W1"]


def test_disclosure_log_lists_cells_and_reasons_without_values(tmp_path) -> None:
    _, audit = apply_disclosure({"wards": ward_table()}, {"wards": WARD_RULES})
    path = write_disclosure_log(audit, tmp_path / "out")
    text = path.read_text(encoding="utf-8").splitlines()
    assert text[0] == "table,row_key,column,reason"
    assert text[1] == "wards,area_code=W1,ehcp,primary: count below threshold"
    assert len(text) == 1 + len(audit)
    # the hidden numbers (3 and 12) never appear in the log
    assert not any(",3," in line or ",12," in line for line in text)


def test_two_small_cells_do_not_protect_each_other_within_less_than_the_threshold() -> None:
    # wards W1 (1) and W2 (2) hide each other exactly, but the council total minus the
    # published wards is 3: each would be known to lie from 0 to 3, inside the suppressed
    # range; a third ward (the smallest published, W3 = 20) must be hidden too
    frame = pd.DataFrame({"area_code": ["C", "W1", "W2", "W3", "W4"],
                          "area_type": ["Local authority", "Ward", "Ward", "Ward", "Ward"],
                          "ehcp": [83, 1, 2, 20, 60], "pupils": [2000, 500, 500, 500, 500]})
    rules = TableRules(key=["area_code"], counts=["ehcp", "pupils"], relations=[
        RowTotal(total={"area_type": "Local authority"}, parts={"area_type": "Ward"})])
    tables, audit = apply_disclosure({"wards": frame}, {"wards": rules})
    assert tables["wards"]["ehcp"].isna().tolist() == [False, True, True, True, False]
    equations = [total_equations("wards", 0, [1, 2, 3, 4], c) for c in ("ehcp", "pupils")]
    ranges = feasible_range(tables, {"wards": ["ehcp", "pupils"]}, equations)
    for cell in (("wards", 1, "ehcp"), ("wards", 2, "ehcp")):
        low, high = ranges[cell]
        assert high - low >= 5  # 0 to 23
    assert "secondary: protects wards: area_code=W1: ehcp" in set(audit["reason"])


def test_need_mix_partition_of_its_denominator_is_protected() -> None:
    # issue 13 defect 1 in miniature: the catalogue says the needs of pupils on SEN support
    # add up to the denominator, which is also the prevalence indicator's count
    needs = {"SLCN": 50, "SEMH": 30, "MSI": 6, "PMLD": 3}
    rows = [{"indicator_id": "sen_support_primary_need_percent", "breakdown": need,
             "count": count, "denominator": 89} for need, count in needs.items()]
    rows.append({"indicator_id": "pupils_sen_support_percent", "breakdown": "All pupils",
                 "count": 89, "denominator": 1000})
    frame = pd.DataFrame(rows).assign(area_code="Z06000001", area_name="Demoton",
                                      area_type="Local authority", period="2024/25")
    published, audit = suppress_indicators(frame, council_code="Z06000001")
    assert published["count"].isna().tolist() == [False, False, True, True, False]
    cell = lambda row, column: ("indicators", row, column)  # noqa: E731
    equations = [[(1.0, cell(r, "denominator"))] + [(-1.0, cell(p, "count")) for p in range(4)]
                 for r in range(4)]
    equations.append([(1.0, cell(4, "count")), (-1.0, cell(0, "denominator"))])
    ranges = feasible_range({"indicators": published},
                            {"indicators": ["count", "denominator"]}, equations)
    assert ranges[cell(3, "count")] == pytest.approx((0, 9))  # 89 - 80 shared by MSI and PMLD
    # without the catalogue's relations only PMLD would be hidden: 89 - 86 = 3
    alone, _ = suppress_indicators(frame, council_code="Z06000001", catalogue_relations=False)
    assert alone["count"].isna().tolist() == [False, False, False, True, False]
