"""The EHC plans chapter for real councils, checked figure by figure against plain pandas.

Five councils from the DfE SEN2 2025 release (``../shared/data/real/send_dfe/ehcp_2025``):

* Herefordshire, configured as "Herefordshire" while DfE says "Herefordshire, County of", with
  neighbours given by current codes (North Yorkshire E06000065, Somerset E06000066) that DfE
  publishes under their old codes;
* Bournemouth, Christchurch and Poole and Dorset, created in April 2019 (no January 2019 row);
  Dorset also issued no plans excluding exceptions in 2024 (DfE: ``0`` and a percentage ``x``);
* Hackney, whose 2023 figures DfE published as ``x``;
* York, a council with nothing unusual.

Every figure the chapter shows (indicators, each table's CSV) is compared with an independent
computation from the raw files written here; the expected values never come from jsna. Skipped
when the real data folder is absent.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from real_councils import COUNCILS as REAL_COUNCILS
from real_councils import ENGLAND, REAL, needs_real_data, real_path, wilson, write_council_config

from jsna.chapters import ehcp
from jsna.config import load_config

pytestmark = needs_real_data("send_dfe/ehcp_2025", "statistical_neighbours/sn_may_2025.csv")
#: Old codes DfE still publishes for councils now known by a new code (written out here, not
#: taken from jsna.sources.la_codes).
OLD_CODE = {"E06000065": "E10000023", "E06000066": "E10000027"}

#: code, name, region code and name, DfE May 2025 statistical neighbours
COUNCILS = {key: (council.code, council.name, council.region_code, council.region_name,
                  list(council.neighbours))
            for key, council in REAL_COUNCILS.items()
            if key in ("herefordshire", "bcp", "dorset", "hackney", "york")}
#: The first January each council has its own figure for (the growth index base).
INDEX_BASE = {"bcp": "January 2020", "dorset": "January 2020"}

#: table key -> (file, count column, denominator column, DfE percentage column, count label,
#: denominator label)
TREND_TABLES = {
    "timeliness_ex": ("timeliness_20_week", "plans_issued_20_weeks_ex", "plans_issued_den_ex",
                      "PC_plans_issued_20_weeks_ex", "Within 20 weeks", "Plans issued"),
    "timeliness_all": ("timeliness_20_week", "plans_issued_within_20_weeks", "plans_issued_den",
                       "pc_plans_issued_within_20_weeks", "Within 20 weeks", "Plans issued"),
    "requests_not_assessed": ("requests", "requests_decided_not_to_assess",
                              "requests_received_in_year", "request_not_assess_pc",
                              "Not assessed", "Requests"),
    "assessments_no_plan": ("assessments", "assess_not_issued", "assess_in_year",
                            "assess_not_issued_pc", "No plan issued", "Assessments"),
}
INDICATOR_OF = {"timeliness_ex": "ehcp_issued_20_weeks_ex_percent",
                "timeliness_all": "ehcp_issued_20_weeks_percent",
                "requests_not_assessed": "ehcp_requests_not_assessed_percent",
                "assessments_no_plan": "ehcp_assessments_no_plan_percent"}
THRESHOLD = 5


def write_config(key: str, folder: Path) -> Path:
    """A jsna.toml for one real council reading the real SEN2 files (EHC chapter only)."""
    sen2 = "send_dfe/ehcp_2025/"
    return write_council_config(folder, REAL_COUNCILS[key], chapters=["ehcp"], comparators={
        "ehcp_caseload": real_path(sen2 + "caseload.csv"),
        "ehcp_requests": real_path(sen2 + "requests.csv"),
        "ehcp_assessments": real_path(sen2 + "assessments.csv"),
        "ehcp_timeliness": real_path(sen2 + "timeliness_20_week.csv"),
        "statistical_neighbours": real_path("statistical_neighbours/sn_may_2025.csv")})


@cache
def raw(file: str) -> pd.DataFrame:
    """A SEN2 file's "All ..." rows as published text, by plain pandas."""
    frame = pd.read_csv(REAL / "send_dfe" / "ehcp_2025" / f"{file}.csv", dtype=str,
                        keep_default_na=False, encoding="utf-8-sig")
    return frame[frame["breakdown"] == frame["breakdown_topic"]]


def area_rows(file: str, code: str) -> pd.DataFrame:
    frame = raw(file)
    if code == ENGLAND:
        return frame[frame["geographic_level"] == "National"]
    if code.startswith("E12"):
        return frame[(frame["geographic_level"] == "Regional") & (frame["region_code"] == code)]
    return frame[(frame["geographic_level"] == "Local authority")
                 & frame["new_la_code"].isin({code, OLD_CODE.get(code, code)})]


def number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def expected(published: pd.Series, count: str, denominator: str, pc: str) -> dict:
    """count, denominator, percentage and the symbol shown, from one published row."""
    c, n = number(published[count]), number(published[denominator])
    symbol = ""
    if c is None or n is None:
        symbol = f"[{published[count] if c is None else published[denominator]}]"
    elif n == 0:
        symbol = f"[{published[pc]}]" if number(published[pc]) is None else "[x]"
    value = 100 * c / n if not symbol else None
    return {"count": c, "denominator": n, "value": value, "symbol": symbol}


def hidden_is_allowed(e: dict) -> bool:
    """A council figure may be hidden only when a count behind it is 1 to threshold - 1."""
    parts = [e["count"], e["denominator"]]
    if e["count"] is not None and e["denominator"] is not None:
        parts.append(e["denominator"] - e["count"])
    return any(p is not None and 0 < p < THRESHOLD for p in parts)


@pytest.fixture(scope="module", params=list(COUNCILS))
def built(request, tmp_path_factory):
    key = request.param
    folder = tmp_path_factory.mktemp(key)
    config = load_config(write_config(key, folder))
    chapter = ehcp.build(config)
    out = folder / "out"
    chapter.save(out)
    return key, config, chapter, out


def csv(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / "data" / f"{name}.csv", dtype=str, keep_default_na=False)


def assert_cell(shown: str, value: float | None, symbol: str, *, council: bool, e: dict,
                where: str, abs_tol: float = 1e-6) -> None:
    if shown == "[c]":
        assert council and hidden_is_allowed(e), f"{where}: hidden without a small count ({e})"
        return
    if value is None:
        assert shown == symbol, f"{where}: shows {shown!r}, DfE published {symbol!r}"
        return
    assert float(shown) == pytest.approx(value, abs=abs_tol), where


def test_every_trend_table_figure_matches_the_raw_files(built):
    key, config, chapter, out = built
    code, name, region, region_name, _ = COUNCILS[key]
    for table_key, (file, count, denominator, pc, count_label, den_label) in TREND_TABLES.items():
        table = csv(out, f"ehcp_{table_key}")
        # the council's rows are there, under its configured name
        assert set(table["Area"]) == {name, region_name, "England"}, table_key
        checked = 0
        for area, label in ((code, name), (region, region_name), (ENGLAND, "England")):
            published = area_rows(file, area)
            shown = table[table["Area"] == label].set_index("Calendar year")
            assert sorted(shown.index) == sorted(published["time_period"]), (table_key, label)
            for _, row in published.iterrows():
                e = expected(row, count, denominator, pc)
                cells = shown.loc[row["time_period"]]
                where = f"{key} {table_key} {label} {row['time_period']}"
                council = area == code
                for column, value in ((count_label, e["count"]),
                                      (den_label, e["denominator"])):
                    symbol = e["symbol"] if value is None else ""
                    assert_cell(cells[column], value, symbol, council=council, e=e,
                                where=f"{where} {column}")
                assert_cell(cells[f"{count_label} (%)"], e["value"], e["symbol"],
                            council=council, e=e, where=f"{where} %")
                if e["value"] is not None and cells[f"{count_label} (%)"] != "[c]":
                    lower, upper = wilson(e["count"], e["denominator"])
                    assert float(cells["95% CI lower"]) == pytest.approx(lower, abs=1e-6)
                    assert float(cells["95% CI upper"]) == pytest.approx(upper, abs=1e-6)
                    # DfE's own rounded percentage agrees
                    if number(row[pc]) is not None:
                        assert e["value"] == pytest.approx(float(row[pc]), abs=0.0501), where
                checked += 1
        assert checked >= 15, table_key
        assert not table.apply(lambda c: c.str.contains("not calculated")).any().any()


def test_every_indicator_row_matches_the_raw_files(built):
    key, config, chapter, out = built
    code, _, region, _, neighbours = COUNCILS[key]
    indicators = pd.read_csv(out / "data" / "ehcp_indicators.csv", dtype={"period": str},
                             keep_default_na=False)
    for table_key, (file, count, denominator, pc, *_labels) in TREND_TABLES.items():
        mine = indicators[indicators["indicator_id"] == INDICATOR_OF[table_key]]
        assert set(mine["area_code"]) == {code, region, ENGLAND, *neighbours}
        for area in (code, region, ENGLAND, *neighbours):
            published = area_rows(file, area)
            rows = mine[mine["area_code"] == area].set_index("period")
            assert sorted(rows.index) == sorted(published["time_period"]), (table_key, area)
            for _, row in published.iterrows():
                e = expected(row, count, denominator, pc)
                got = rows.loc[row["time_period"]]
                where = f"{key} {table_key} {area} {row['time_period']}"
                if got["note"] == "[c]":
                    assert area == code and hidden_is_allowed(e), where
                    continue
                if e["value"] is None:
                    assert got["value"] == "" and got["note"] == e["symbol"], where
                else:
                    assert float(got["value"]) == pytest.approx(e["value"]), where
                    assert float(got["count"]) == e["count"], where
                    assert float(got["denominator"]) == e["denominator"], where


def test_neighbour_table_rank_and_band_match_an_independent_count(built):
    key, config, chapter, out = built
    code, name, _, _, neighbours = COUNCILS[key]
    file, count, denominator, pc, *_ = TREND_TABLES["timeliness_ex"]
    latest = max(raw(file)["time_period"])
    table = csv(out, "ehcp_timeliness_neighbours")
    assert table["Area"].iloc[0] == f"{name} (this council)"
    assert table["Area"].iloc[-1] == "England"
    las = raw(file)[(raw(file)["geographic_level"] == "Local authority")
                    & (raw(file)["time_period"] == latest)]
    values = {}
    for _, row in las.iterrows():
        e = expected(row, count, denominator, pc)
        if e["value"] is not None:
            values[row["new_la_code"]] = e["value"]
    pct = np.array(list(values.values()))
    q1, q2, q3 = np.quantile(pct, [0.25, 0.5, 0.75])
    group = {c: values.get(OLD_CODE.get(c, c)) for c in [code, *neighbours]}
    ranked = [v for v in group.values() if v is not None]
    for position, area in enumerate([code, *neighbours]):
        cells = table.iloc[position]
        published = area_rows(file, area)
        e = expected(published[published["time_period"] == latest].iloc[0], count, denominator,
                     pc)
        where = f"{key} neighbour table {area}"
        assert_cell(cells["Per cent"], e["value"], e["symbol"], council=area == code, e=e,
                    where=where)
        value = group[area]
        if value is None or cells["Per cent"] == "[c]":
            assert cells["Rank (1 best)"] == "" and cells["Quartile band (A best)"] == "", where
            continue
        rank = sum(v > value for v in ranked) + 1
        assert cells["Rank (1 best)"] == f"{rank} of {len(ranked)}", where
        band = "D" if value <= q1 else "C" if value <= q2 else "B" if value <= q3 else "A"
        assert cells["Quartile band (A best)"] == band, where


def test_caseload_counts_and_growth_index_match_the_raw_file(built):
    key, config, chapter, out = built
    code, name, region, region_name, _ = COUNCILS[key]
    table = csv(out, "ehcp_caseload").set_index("January")
    base = INDEX_BASE.get(key, "January 2019")
    assert chapter.tables["caseload"].caption.endswith(f"({base} = 100)")
    for area, label in ((code, name), (region, region_name), (ENGLAND, "England")):
        published = area_rows("caseload", area)
        plans = {f"January {p[:2]}{p[-2:]}": float(v)
                 for p, v in zip(published["time_period"], published["ehcplans"], strict=True)}
        for january in table.index:
            shown, index = table.at[january, label], table.at[january, f"{label} index"]
            if january not in plans:  # before the council existed
                assert area == code and january < base and shown == "[z]" and index == "[z]"
                continue
            assert float(shown) == plans[january], (key, label, january)
            assert float(index) == pytest.approx(plans[january] / plans[base] * 100, abs=0.05)
    if key in INDEX_BASE:
        note = " ".join(chapter.tables["caseload"].notes)
        assert f"indexed to {base}, the first January {name} has a figure for" in note
        assert "do not cover the same area" in note


def test_the_timeliness_finding_uses_the_latest_year_with_a_published_figure(built):
    key, config, chapter, out = built
    code, name, *_ = COUNCILS[key]
    file, count, denominator, pc, *_ = TREND_TABLES["timeliness_ex"]
    published = area_rows(file, code).sort_values("time_period")
    years = [row for _, row in published.iterrows()
             if expected(row, count, denominator, pc)["value"] is not None]
    latest = years[-1]
    e = expected(latest, count, denominator, pc)
    first = next(s for s in chapter.findings.sentences if "within 20 weeks" in s)
    assert first.startswith(f"In {latest['time_period']}")
    assert f"{name} issued {e['value']:.1f}% of new EHC plans" in first
    assert f"({int(e['count']):,} of {int(e['denominator']):,})" in first
    if latest["time_period"] != published["time_period"].iloc[-1]:
        assert f"(none for {published['time_period'].iloc[-1]})" in first


@pytest.mark.parametrize("old_codes", [False, True])
def test_jsna_sources_and_the_chapter_agree_on_neighbour_codes(tmp_path, old_codes):
    """Issue 13 item 3: Herefordshire's neighbours by current codes (E06000065, E06000066), or by
    the old codes DfE's files still use, are found by `jsna sources` and by the chapter alike."""
    from jsna.input_checks import describe_sources

    path = write_config("herefordshire", tmp_path)
    if old_codes:
        text = path.read_text()
        for new, old in OLD_CODE.items():
            text = text.replace(f'"{new}"', f'"{old}"')
        path.write_text(text)
    config = load_config(path)
    assert ("E10000023" in config.neighbours) is old_codes
    checks = describe_sources(config).set_index("key")
    for key in ("ehcp_requests", "ehcp_assessments", "ehcp_timeliness", "ehcp_caseload"):
        row = checks.loc[f"comparators.{key}"]
        assert row["status"] == "ok" and "10/10 neighbours found" in row["detail"], row["detail"]
    neighbours = checks.loc["comparators.statistical_neighbours"]
    assert neighbours["status"] == "ok" and "differs" not in neighbours["detail"]
    chapter = ehcp.build(config)
    codes = set(chapter.indicators["area_code"])
    assert {"E06000065", "E06000066"} <= codes  # shown under the current codes either way


@pytest.mark.parametrize("code", ["E10000023", "E06000065"])
def test_a_council_is_found_by_its_old_or_current_code(tmp_path, code):
    """North Yorkshire as the council, configured by either code: the same figures."""
    path = write_config("york", tmp_path)
    text = path.read_text().replace('code = "E06000014"', f'code = "{code}"').replace(
        'name = "York"', 'name = "North Yorkshire"')
    path.write_text(text)
    chapter = ehcp.build(load_config(path))
    file, count, denominator, pc, *_ = TREND_TABLES["timeliness_ex"]
    table = chapter.tables["timeliness_ex"].frame
    mine = table[table["Area"] == "North Yorkshire"].set_index("Calendar year")
    published = area_rows(file, "E06000065")
    assert sorted(mine.index) == sorted(published["time_period"])
    for _, row in published.iterrows():
        assert mine.at[row["time_period"], "Within 20 weeks"] == float(row[count])
    caseload = chapter.tables["caseload"].frame
    assert caseload["North Yorkshire"].iloc[-1] == float(
        area_rows("caseload", "E06000065")["ehcplans"].iloc[-1])
