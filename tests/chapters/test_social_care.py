"""The children in need and looked after chapter on the demo council, and without its inputs."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from jsna.chapters import social_care
from jsna.clean.care import FINDING_TYPES, clean_cin
from jsna.config import load_config
from jsna.demo import write_demo
from jsna.indicators.social_care import LINKED, LOCAL_EHC_PLAN


@pytest.fixture(scope="module")
def demo_config(tmp_path_factory):
    folder = tmp_path_factory.mktemp("social_care")
    return load_config(write_demo(folder / "data" / "demo", n_wards=4, years=2))


@pytest.fixture(scope="module")
def chapter(demo_config):
    return social_care.build(demo_config)


def test_the_demo_extract_has_every_kind_of_dirt_the_cleaner_reports(demo_config):
    result = clean_cin(demo_config)
    assert set(result.findings["finding"]) == set(FINDING_TYPES)
    steps = result.reconciliation.groupby("step")["rows"].sum()
    assert steps["read"] == steps["kept"] + steps["set aside"]


def test_the_demo_published_file_is_in_dfes_layout(demo_config):
    raw = pd.read_csv(demo_config.inputs.comparators["cin_by_sen"], dtype=str,
                      keep_default_na=False)
    assert list(raw.columns[:11]) == [
        "time_period", "time_identifier", "geographic_level", "country_code", "country_name",
        "region_code", "region_name", "old_la_code", "la_name", "new_la_code",
        "social_care_group"]
    assert "c" in set(raw["t_pupils"])
    assert set(raw["social_care_group"]) == {"CINO at 31 March", "CPPO at 31 March",
                                             "CLA 12 months at 31 March"}


def test_the_chapter_builds_on_the_demo(chapter, demo_config):
    assert set(chapter.tables) == {"published_ehc_plan", "published_sen_support", "local_by_group", "linkage"}
    assert set(chapter.figures) == {"neighbours"}
    assert set(chapter.rules) == {t.name for t in chapter.tables.values()}
    assert chapter.input_needed is None
    council = chapter.indicators[chapter.indicators["area_code"] == demo_config.area.code]
    assert {LINKED, LOCAL_EHC_PLAN, "care_ehc_plan_percent"} <= set(council["indicator_id"])
    assert any("found among the January" in s for s in chapter.findings.sentences)


def in_need_on_31_march(records: pd.DataFrame, year: int) -> pd.Series:
    """Records open on 31 March (children in need, on a plan or looked after, short breaks
    V3/V4 excepted), worked out here with pandas rather than through the chapter."""
    day = pd.Timestamp(f"{year}-03-31")

    def open_on(prefix: str, exclude_short_breaks: bool = False) -> pd.Series:
        start, end = records[f"{prefix}_start"], records[f"{prefix}_end"]
        mask = (start <= day) & (end.isna() | (end > day))
        if exclude_short_breaks:
            mask &= ~records["legal_status"].isin(["V3", "V4"])
        return mask

    return open_on("cin") | open_on("cpp") | open_on("cla", True)


def test_local_figures_equal_an_independent_count(chapter, demo_config):
    """Children in need on 31 March and those found in the census, counted here with pandas
    from the cleaned extract and the cleaned census (not through the chapter's functions)."""
    from jsna.chapters.common import load_pupils

    records = clean_cin(demo_config).records
    in_need = in_need_on_31_march(records, demo_config.year)
    children = records.loc[in_need, "child_key"].unique()
    keys = records[records["child_key"].isin(children)].dropna(subset=["pupil_key"]).groupby(
        "child_key")["pupil_key"].first()
    pupils = load_pupils(demo_config)
    pupils = pupils[pupils["census_year"] == demo_config.year]
    found = keys[keys.isin(set(pupils["pupil_key"]))]
    table = chapter.tables["local_by_group"].frame.set_index("Group")
    assert table.loc["Children in need", "Children"] == len(children)
    assert table.loc["Children in need", "Found in the census"] == len(found)
    plans = pupils.set_index("pupil_key").loc[found.to_numpy(), "sen_provision"].eq("E").sum()
    assert table.loc["Children in need", "EHC plan (%)"] == pytest.approx(
        100 * plans / len(found))


def test_without_the_extract_a_box_names_it(demo_config):
    inputs = dataclasses.replace(demo_config.inputs, cin_extract=None)
    built = social_care.build(dataclasses.replace(demo_config, inputs=inputs))
    assert set(built.tables) == {"published_ehc_plan", "published_sen_support"}
    assert "inputs.cin_extract" in built.input_needed.text
    html = built.input_needed._repr_html_()
    assert 'aria-labelledby="input-needed"' in html and "Input needed" in html


def test_without_the_published_file_the_chapter_names_it(demo_config):
    comparators = {k: v for k, v in demo_config.inputs.comparators.items() if k != "cin_by_sen"}
    inputs = dataclasses.replace(demo_config.inputs, comparators=comparators)
    built = social_care.build(dataclasses.replace(demo_config, inputs=inputs))
    assert built.findings.heading == "Input needed"
    assert "inputs.comparators.cin_by_sen" in built.findings.sentences[0]
    assert not built.tables and built.indicators.empty


def test_the_saved_chapter_passes_the_site_disclosure_gate(chapter, demo_config, tmp_path):
    from jsna.indicators.table import CSV_FLOAT_FORMAT
    from jsna.review.disclosure_gate import check_site

    chapter.save(tmp_path)
    chapter.indicators.to_csv(tmp_path / "data" / "indicators.csv", index=False,
                              float_format=CSV_FLOAT_FORMAT)
    report = check_site(tmp_path, council_code=demo_config.area.code,
                        threshold=demo_config.disclosure.threshold)
    assert not report.exposures and not report.problems, report


@pytest.mark.parametrize(("no_upn", "not_in_census", "hidden"), [
    (25, 36, set()),
    (3, 40, None),  # 3 and, the smaller positive part, 40: both reasons hidden, no table
    (0, 40, set()),
    (2, 2, None),  # both reasons hidden (4 not found): no table
    (0, 3, {"Found in the census", "UPN not in the January census"})])  # 0 is no complement
def test_linkage_reasons_are_hidden_with_a_second_cell(demo_config, no_upn, not_in_census,
                                                       hidden):
    """Found + each reason = all children in need: a small reason, or a small number not found,
    is hidden with a second cell of that sum (the smaller positive part), in the indicator rows
    and the table made from them; with both reasons hidden there is no table."""
    from jsna.indicator_disclosure import indicator_pipeline
    from jsna.indicators.comparisons import ComparatorAreas
    from jsna.indicators.social_care import NO_UPN, NOT_IN_CENSUS, not_found_rows

    children = 100 + no_upn + not_in_census
    unlinked = pd.DataFrame({"group": ["Children in need"], "children": [children],
                             "linked": [100], NO_UPN: [no_upn], NOT_IN_CENSUS: [not_in_census]})
    area = demo_config.area
    areas = ComparatorAreas(area.code, area.region_code, area.region_name, [], area.name)
    period = f"{demo_config.year - 1}/{demo_config.year % 100:02d}"
    linked = pd.DataFrame([{"indicator_id": indicator, "area_code": areas.council,
                            "area_name": "X", "area_type": "Local authority", "period": period,
                            "breakdown": "Children in need", "count": float(count),
                            "denominator": float(children), "note": ""}
                           for indicator, count in ((LINKED, 100), ("care_local_not_found_percent",
                                                                    children - 100))])
    reasons = not_found_rows(unlinked, area_code=areas.council, area_name="X", period=period)
    local, _ = indicator_pipeline(pd.concat([linked, reasons], ignore_index=True),
                                  config=demo_config, areas=areas)
    table = social_care._unlinked_table(local, demo_config, areas.council)
    if hidden is None:
        assert table is None
        return
    shown = table.frame.set_index("Children in need")["Children"]
    expected = {"Found in the census": 100, NO_UPN: no_upn, NOT_IN_CENSUS: not_in_census,
                "All children in need": children}
    assert {k for k, v in shown.items() if v == "[c]"} == hidden
    assert {k: v for k, v in shown.items() if v != "[c]"} == {
        k: v for k, v in expected.items() if k not in hidden}


def test_not_found_reasons_are_indicator_rows_equal_to_an_independent_count(chapter,
                                                                           demo_config):
    """Children in need on 31 March not found in the census, by reason, counted here with pandas
    from the cleaned extract and census: no UPN in any record, or a UPN not in the census."""
    from jsna.chapters.common import load_pupils
    from jsna.indicators.social_care import NO_UPN, NOT_FOUND, NOT_IN_CENSUS

    records = clean_cin(demo_config).records
    in_need = in_need_on_31_march(records, demo_config.year)
    children = pd.Index(records.loc[in_need, "child_key"].unique())
    keys = records[records["child_key"].isin(children)].dropna(subset=["pupil_key"]).groupby(
        "child_key")["pupil_key"].first()
    pupils = load_pupils(demo_config)
    census_keys = set(pupils.loc[pupils["census_year"] == demo_config.year, "pupil_key"])
    no_upn = len(children.difference(keys.index))
    not_in_census = int((~keys.isin(census_keys)).sum())
    rows = chapter.indicators[(chapter.indicators["indicator_id"] == NOT_FOUND)
                              & (chapter.indicators["area_code"] == demo_config.area.code)]
    rows = rows.set_index("breakdown")
    assert rows.loc[NO_UPN, "count"] == no_upn
    assert rows.loc[NOT_IN_CENSUS, "count"] == not_in_census
    assert set(rows["denominator"]) == {len(children)}
    assert rows.loc[NO_UPN, "value"] == pytest.approx(100 * no_upn / len(children))
    assert rows.loc[NO_UPN, "lower_ci_95"] < rows.loc[NO_UPN, "value"] < rows.loc[
        NO_UPN, "upper_ci_95"]
    linkage = chapter.tables["linkage"].frame.set_index("Children in need")["Children"]
    assert (linkage[NO_UPN], linkage[NOT_IN_CENSUS]) == (no_upn, not_in_census)


def test_not_found_reasons_are_hidden_together_with_the_linkage_table(demo_config):
    """A threshold above both reasons hides the linkage table and both rows (one reason shown
    beside the published found and all children would give the other away)."""
    from jsna.indicators.social_care import NOT_FOUND

    high = dataclasses.replace(demo_config, disclosure=dataclasses.replace(
        demo_config.disclosure, threshold=100_000))
    built = social_care.build(high)
    assert "linkage" not in built.tables
    rows = built.indicators[built.indicators["indicator_id"] == NOT_FOUND]
    assert len(rows) == 2 and rows["count"].isna().all() and rows["value"].isna().all()
    assert set(rows["note"]) == {"[c]"}
