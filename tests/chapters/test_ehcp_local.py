"""The EHC chapter's local sections from the SEN2 casework extract: disclosure, contents, box."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from jsna.chapters import ehcp
from jsna.chapters.ehcp_local import MissingExtract, local_section, protect_local_tables
from jsna.clean.sen2 import clean_sen2, default_extract_date
from jsna.config import load_config
from jsna.demo import write_demo
from jsna.indicators.casework import WAIT_BANDS, census_day


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ehcp_local")
    config = load_config(write_demo(folder / "demo", n_wards=6, years=2))
    return config, ehcp.build(config)


def _raw(backlog: list[int]) -> dict[str, pd.DataFrame]:
    """Every local table with large counts, and the backlog given."""
    years = ["2023", "2024"]
    return {
        "requests": pd.DataFrame({"Calendar year": years, "Requests received": [100, 120],
                                  "Agreed to assess": [80, 90], "Refused": [20, 25],
                                  "Assessments completed": [70, 85], "Plans issued": [60, 70]}),
        "timeliness": pd.DataFrame({
            "Calendar year": years, "Plans with a request date": [50, 60],
            "Within 20 weeks": [25, 45], "Within 20 weeks (%)": np.nan,
            "Plans without an exception": [40, 50],
            "Within 20 weeks, excluding exceptions": [24, 40],
            "Within 20 weeks, excluding exceptions (%)": np.nan,
            "DfE published, excluding exceptions (%)": [55.0, 70.0]}),
        "waits": pd.DataFrame({
            "Calendar year": years, "Plans with a request date": [50, 60],
            "Median weeks": [20.0, 18.5], "Lower quartile (weeks)": [15.0, 14.0],
            "Upper quartile (weeks)": [25.0, 22.0]}),
        "backlog": pd.DataFrame({"Weeks waited": [*WAIT_BANDS, "All waiting"],
                                 "Children waiting": [*backlog, sum(backlog)]}),
        "plans": pd.DataFrame({"Breakdown": ["Age band"] * 2 + ["Setting"] * 2,
                               "Group": ["5 to 10", "All plans", "Mainstream school",
                                         "All plans"], "Plans": [40, 40, 40, 40]}),
        "reviews": pd.DataFrame({"Date": ["31 October 2025"], "Plans due an annual review": [200],
                                 "Reviewed within 12 months": [150],
                                 "Reviewed within 12 months (%)": [np.nan]}),
        "ceased": pd.DataFrame({"Reason": ["Maximum age reached", "Not recorded",
                                           "All reasons"],
                                "2023": [10, 12, 22], "2024": [9, 11, 20]}),
        "reconciliation": pd.DataFrame({"January": ["January 2025"], "Plans in the extract": [40],
                                        "Plans published by DfE (SEN2)": [39],
                                        "Difference": [1]}),
    }


def test_percentages_from_the_counts():
    tables, audit = protect_local_tables(_raw([10, 20, 30, 40]), threshold=5)
    timely = tables["timeliness"]
    assert timely["Within 20 weeks (%)"].tolist() == [50.0, 75.0]  # 25/50, 45/60
    assert timely["Within 20 weeks, excluding exceptions (%)"].tolist() == [60.0, 80.0]
    assert tables["reviews"]["Reviewed within 12 months (%)"].tolist() == [75.0]
    assert audit.empty


def test_a_small_backlog_band_is_hidden_with_a_second_cell():
    tables, audit = protect_local_tables(_raw([3, 20, 30, 40]), threshold=5)
    waiting = tables["backlog"]["Children waiting"]
    # 3 is below the threshold; the total would give it back, so one more band is hidden
    assert pd.isna(waiting.iloc[0])
    assert waiting.isna().sum() == 2
    assert set(audit["table"]) == {"ehcp_local_backlog"}


def test_the_demo_page_has_every_local_section(demo):
    config, chapter = demo
    for short in ("requests", "timeliness", "waits", "backlog", "plans", "reviews", "ceased",
                  "reconciliation"):
        table = chapter.tables[f"local_{short}"]
        assert table.name in chapter.rules
        assert local_section(chapter.tables, short) is table
    assert "local_timeliness" in chapter.figures
    assert any("waiting for a decision" in s for s in chapter.findings.sentences)


def test_the_reconciliation_against_an_independent_count(demo):
    config, chapter = demo
    casework = clean_sen2(config).casework.to_pandas()
    day = pd.Timestamp(census_day(config.year))
    plan = pd.to_datetime(casework["plan_date"])
    cease = pd.to_datetime(casework["cease_date"])
    active = int(((plan <= day) & (cease.isna() | (cease > day))).sum())
    caseload = pd.read_csv(config.inputs.comparators["ehcp_caseload"], encoding="utf-8-sig")
    published = int(caseload[(caseload["new_la_code"] == config.area.code)
                             & (caseload["breakdown"] == "All EHC plans")
                             & (caseload["time_period"] == 202425)]["ehcplans"].iloc[0])
    row = chapter.tables["local_reconciliation"].frame.iloc[0]
    assert (row["Plans in the extract"], row["Plans published by DfE (SEN2)"],
            row["Difference"]) == (active, published, active - published)


def test_without_the_extract_a_box_names_the_input(demo):
    config, _ = demo
    bare = replace(config, inputs=replace(config.inputs, sen2_extract=None))
    chapter = ehcp.build(bare)
    assert not any(key.startswith("local_") for key in chapter.tables)
    box = local_section(chapter.tables, "backlog")
    assert isinstance(box, MissingExtract)
    assert "<code>inputs.sen2_extract</code>" in box._repr_html_()
    assert local_section(chapter.tables, "plans") is None


def test_quartiles_of_a_hidden_number_of_plans_are_hidden():
    raw = _raw([10, 20, 30, 40])
    for short in ("timeliness", "waits"):
        raw[short].loc[0, "Plans with a request date"] = 3
    raw["timeliness"].loc[0, "Within 20 weeks"] = 2
    raw["timeliness"].loc[0, "Plans without an exception"] = 3
    raw["timeliness"].loc[0, "Within 20 weeks, excluding exceptions"] = 2
    tables, _ = protect_local_tables(raw, threshold=5)
    waits = tables["waits"].iloc[0]
    assert pd.isna(waits["Plans with a request date"])
    assert pd.isna(waits["Median weeks"]) and pd.isna(waits["Upper quartile (weeks)"])
    assert tables["waits"]["Median weeks"].iloc[1] == 18.5
    assert pd.isna(tables["timeliness"]["Within 20 weeks (%)"].iloc[0])


def test_the_casework_figures_are_in_the_chapters_indicator_rows(demo):
    # reviews at the extract date, counted here with plain pandas from the cleaned extract
    config, chapter = demo
    casework = clean_sen2(config).casework.to_pandas()
    rows = chapter.indicators[chapter.indicators["indicator_id"].str.startswith("ehcp_local_")]
    assert set(rows["indicator_id"]) == {
        "ehcp_local_issued_20_weeks_percent", "ehcp_local_issued_20_weeks_ex_percent",
        "ehcp_local_waiting_by_weeks_percent", "ehcp_local_reviewed_12_months_percent",
        "ehcp_local_ceased_by_reason_percent", "ehcp_local_weeks_to_plan_median"}
    assert set(rows["area_code"]) == {config.area.code}
    # median weeks from request to plan, per calendar year, with plain pandas: new plans
    # (decision "assess") dated in the year with a request date, days / 7, pandas' median
    request, plan_date = (pd.to_datetime(casework[c]) for c in ("request_date", "plan_date"))
    weeks = ((plan_date - request).dt.days / 7)[(casework["decision"] == "assess")
                                                  & request.notna() & plan_date.notna()]
    by_year = weeks.groupby(plan_date.dt.year).agg(["median", "size"])
    for row in rows[rows["indicator_id"] == "ehcp_local_weeks_to_plan_median"].itertuples():
        expected = by_year.loc[int(row.period)]
        assert row.denominator == expected["size"]
        assert row.value == pytest.approx(round(expected["median"], 1))
    review = rows[rows["indicator_id"] == "ehcp_local_reviewed_12_months_percent"].iloc[0]
    until = config.sen2.extract_date or default_extract_date(config.year)
    day, year_before = pd.Timestamp(until), pd.Timestamp(until) - pd.DateOffset(years=1)
    plan = pd.to_datetime(casework["plan_date"])
    cease = pd.to_datetime(casework["cease_date"])
    last = pd.to_datetime(casework["last_review_date"])
    due = (plan <= year_before) & (cease.isna() | (cease > day))
    done = due & (last > year_before) & (last <= day)
    assert (review["count"], review["denominator"]) == (done.sum(), due.sum())
    table = chapter.tables["local_reviews"].frame.iloc[0]
    assert table["Plans due an annual review"] == due.sum()
    assert review["lower_ci_95"] < review["value"] < review["upper_ci_95"]


def _expected_trend(counts: np.ndarray, denominators: np.ndarray) -> str:
    """Fingertips' recent trend of five proportions, written out here (Cochran-Armitage chi2
    > 9.5495 and the log-odds slope of the same sign on all five points and every four)."""
    t = np.arange(1.0, 6.0)
    total_o, total_n = counts.sum(), denominators.sum()
    chi2 = (total_n * (total_n * (counts * t).sum() - total_o * (denominators * t).sum()) ** 2
            / (total_o * (total_n - total_o)
               * (total_n * (denominators * t * t).sum() - (denominators * t).sum() ** 2)))
    log_odds = np.log(counts / (denominators - counts))
    keep = [np.ones(5, bool)] + [np.arange(5) != k for k in range(5)]
    slopes = [np.polyfit(t[m], log_odds[m], 1)[0] for m in keep]
    if chi2 > 9.5495 and (all(s >= 0 for s in slopes) or all(s < 0 for s in slopes)):
        return "Increasing" if slopes[0] > 0 else "Decreasing"
    return "No significant change"


def test_the_latest_local_20_week_rows_carry_the_recent_trend(demo):
    # Issue: the local 20-week rows were said to read "Cannot be calculated" despite five
    # years of casework. Each row's trend is of the five calendar years ending at it, so only
    # the latest year has five; it must carry the label the five years' counts give (counted
    # here with plain pandas from the cleaned extract), the earlier years cannot.
    config, chapter = demo
    casework = clean_sen2(config).casework.to_pandas()
    request, plan = (pd.to_datetime(casework[c]) for c in ("request_date", "plan_date"))
    timed = (casework["decision"] == "assess") & request.notna() & plan.notna()
    within = timed & ((plan - request).dt.days <= 140)
    no_exception = ~casework["exception"].fillna(False).astype(bool)
    rows = chapter.indicators
    for indicator, among in (("ehcp_local_issued_20_weeks_percent", timed),
                             ("ehcp_local_issued_20_weeks_ex_percent", timed & no_exception)):
        mine = rows[rows["indicator_id"] == indicator].sort_values("period")
        years = mine["period"].astype(int).tolist()
        assert years == list(range(years[0], years[0] + 5))
        counts = np.array([(within & among & (plan.dt.year == y)).sum() for y in years], float)
        plans = np.array([(among & (plan.dt.year == y)).sum() for y in years], float)
        assert mine["count"].tolist() == counts.tolist()
        assert mine["recent_trend"].tolist()[:4] == ["Cannot be calculated"] * 4
        assert mine["recent_trend"].iloc[-1] == _expected_trend(counts, plans)


def test_the_reconciliation_shows_no_plans_total_the_plans_table_hides(tmp_path):
    """The plans in the extract on the census date are the plans table's "All plans": declared
    the same number, so the site gate catches a page that hides one and shows the other."""
    import json

    from jsna.chapters.ehcp_local import PREFIX, local_rules
    from jsna.disclosure import SUPPRESSED, rules_to_json
    from jsna.review.disclosure_gate import check_site

    raw = _raw([10, 20, 30, 40])
    plans = raw["plans"].astype({"Plans": object})
    plans.loc[plans["Group"] == "All plans", "Plans"] = SUPPRESSED
    plans.loc[plans["Group"] != "All plans", "Plans"] = SUPPRESSED
    rules = local_rules(["2023", "2024"])
    (tmp_path / "data").mkdir()
    parts = tmp_path / "review" / "parts"
    parts.mkdir(parents=True)
    for short, frame in (("plans", plans), ("reconciliation", raw["reconciliation"])):
        frame.to_csv(tmp_path / "data" / f"{PREFIX}_{short}.csv", index=False)
        (parts / f"rules_{PREFIX}_{short}.json").write_text(
            json.dumps(rules_to_json(rules[short])))
    report = check_site(tmp_path, council_code="Z06000001", threshold=5)
    assert any(e.table == f"{PREFIX}_plans" and "All plans" in e.row
               for e in report.exposures), report.message()
