"""Tests for LA number <-> GSS mapping and LA code history (jsna.sources.la_codes)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from jsna.sources.ees import read_ees
from jsna.sources.la_codes import (
    area_name,
    canonical_code,
    gss_to_la_number,
    harmonise_la_codes,
    la_number_to_gss,
    la_table,
    read_dfe_la_list,
    read_ons_la_codes,
)


def test_la_numbers_and_codes():
    # Published pairs (DfE LA number, GSS): York 816, Trafford 358, BCP 839, Bournemouth 837.
    assert la_number_to_gss(["816", "358.0", 839, "837", "970", "990", "999"]).tolist() == [
        "E06000014",
        "E08000009",
        "E06000058",
        "E06000028",
        "E92000001",
        "E12000009",
        "",
    ]
    assert gss_to_la_number(["E06000014", "E10000023", "E06000065", "E99999999"]).tolist()[:3] == [
        816.0,
        815.0,
        815.0,
    ]
    assert canonical_code("E10000023") == "E06000065"  # North Yorkshire, same area
    assert canonical_code(" E06000014 ") == "E06000014"
    assert area_name("E06000028") == "Bournemouth"
    assert area_name("E12000003") == "Yorkshire and The Humber"
    table = la_table()
    assert table["current"].sum() == 153  # councils with SEND duties in England, 2025
    assert table["gss_code"].is_unique and table["la_number"].is_unique


def _frame(rows):
    return pd.DataFrame(
        rows, columns=["area_code", "area_name", "period", "measure", "value", "note"]
    )


def test_merger_sums_counts_only_and_reports():
    frame = _frame(
        [
            ("E06000028", "Bournemouth", "2018/19", "plans", 100.0, ""),
            ("E06000029", "Poole", "2018/19", "plans", 50.0, ""),
            ("E06000028", "Bournemouth", "2018/19", "rate", 3.0, ""),
            ("E06000029", "Poole", "2018/19", "rate", 2.0, ""),
            ("E06000058", "BCP", "2019/20", "plans", 170.0, ""),
            ("E06000058", "BCP", "2019/20", "rate", 2.9, ""),
        ]
    )
    out, report = harmonise_la_codes(frame, additive_measures=["plans"])
    bcp = out[out["area_code"].eq("E06000058")].set_index(["period", "measure"])
    assert bcp.loc[("2018/19", "plans"), "value"] == 150  # 100 + 50
    assert "approximate" in bcp.loc[("2018/19", "plans"), "harmonised"]
    assert ("2018/19", "rate") not in bcp.index  # rates are never summed
    assert bcp.loc[("2019/20", "plans"), "value"] == 170  # the successor's own rows win
    assert len(out[out["area_code"].isin(["E06000028", "E06000029"])]) == 4  # predecessors kept
    assert set(report["rule"]) == {"merger", "merger not applied (not a count)"}


def test_merger_of_all_predecessors_is_exact_and_symbols_propagate():
    frame = _frame(
        [
            ("E06000028", "Bournemouth", "2018", "n", 1.0, ""),
            ("E06000029", "Poole", "2018", "n", 2.0, ""),
            ("E07000048", "Christchurch", "2018", "n", 4.0, ""),
            ("E06000028", "Bournemouth", "2017", "n", math.nan, "[c]"),
            ("E06000029", "Poole", "2017", "n", 2.0, ""),
            ("E07000048", "Christchurch", "2017", "n", 4.0, ""),
        ]
    )
    out, _ = harmonise_la_codes(frame, additive_measures=["n"])
    bcp = out[out["area_code"].eq("E06000058")].set_index("period")
    assert bcp.loc["2018", "value"] == 7  # 1 + 2 + 4, all three predecessors
    assert "exact" in bcp.loc["2018", "harmonised"]
    # A suppressed part makes the sum unknown: kept as the symbol, never a partial total.
    assert math.isnan(bcp.loc["2017", "value"]) and bcp.loc["2017", "note"] == "[c]"


def test_recode_and_split_reported():
    frame = _frame(
        [
            ("E10000023", "North Yorkshire", "2022", "n", 5.0, ""),
            ("E06000065", "North Yorkshire", "2023", "n", 6.0, ""),
            ("E10000021", "Northamptonshire", "2020", "n", 9.0, ""),
        ]
    )
    out, report = harmonise_la_codes(frame, additive_measures=["n"])
    assert out.loc[out["period"].eq("2022"), "area_code"].item() == "E06000065"
    assert out["area_code"].eq("E06000065").sum() == 2
    splits = report[report["rule"].eq("split: series break")]
    assert set(splits["successor"]) == {"E06000061", "E06000062"}
    assert not out["area_code"].isin(["E06000061", "E06000062"]).any()  # nothing invented


@pytest.mark.real_data
def test_bcp_series_joins_across_2019(real):
    # Published EHC plans in January (SEN2 2025 release): Bournemouth 1,045 and Poole 846 in
    # January 2019; BCP 2,448 in January 2020. Joined series: 1,045 + 846 = 1,891 for 2018/19.
    frame = read_ees(real / "send_dfe/ehcp_2025/caseload.csv", measures=["ehcplans"])
    frame = frame[frame["breakdown"].eq("All EHC plans")]
    assert "E06000058" not in set(frame.loc[frame["period"].eq("2018/19"), "area_code"])
    out, report = harmonise_la_codes(frame, additive_measures=["ehcplans"])
    bcp = out[out["area_code"].eq("E06000058")].set_index("period")["value"]
    assert list(bcp.index) == [
        "2019/20",
        "2020/21",
        "2021/22",
        "2022/23",
        "2023/24",
        "2024/25",
        "2018/19",
    ]
    assert bcp["2018/19"] == 1891
    assert bcp["2019/20"] == 2448
    merger = report[report["rule"].eq("merger") & report["successor"].eq("E06000058")]
    assert merger["periods"].tolist() == ["2018/19"] and not merger["exact"].item()


@pytest.mark.real_data
def test_reference_tables_read(real):
    dfe = read_dfe_la_list(real / "statistical_neighbours/la_code_list.csv")
    assert dfe.loc[dfe["la_number"].eq(816), "gss_code"].item() == "E06000014"
    assert len(read_dfe_la_list(real / "statistical_neighbours/la_code_list.xlsx")) == len(dfe)
    ons = read_ons_la_codes(real / "lookups/la_all_codes.csv")
    christchurch = ons[ons["lad_code"].eq("E07000048")].iloc[0]
    assert christchurch["active_code"] == "E06000058" and not christchurch["current"]
    # Every current council in the embedded table agrees with the DfE list's numbers.
    merged = la_table().merge(dfe, on="la_number", suffixes=("", "_dfe"))
    assert (merged["gss_code"] == merged["gss_code_dfe"]).all()
