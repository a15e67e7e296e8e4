"""The site-wide disclosure gate catches a recoverable cell planted in each way the issue lists.

Each test writes a small staged site by hand (``data/*.csv``, ``review/parts/rules_*.json``,
findings, ``review/changes.csv``) with one cell that can be worked out from the rest, checks the
gate names that cell, and (where it makes sense) checks the properly protected variant passes,
so the gate is neither blind nor crying wolf. The hidden values are written in the tests; the
gate never sees them. A slow test refreshes the demo council (with last year's site, so
``review/changes.csv`` exists) and checks the whole site passes.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jsna.disclosure import (
    INDICATOR_TABLE,
    SUPPRESSED,
    Cells,
    Equation,
    Rest,
    RowTotal,
    SameCells,
    TableRules,
    rules_from_json,
    rules_to_json,
)
from jsna.indicators.table import CSV_FLOAT_FORMAT, finalise
from jsna.review.disclosure_gate import check_site

COUNCIL, NAME, PERIOD = "Z06000001", "Demoton", "2024/25"
NEEDS = "sen_support_primary_need_percent"


def council_row(indicator: str, breakdown: str, count: float | None, denominator: float,
                area_code: str = COUNCIL, area_name: str = NAME,
                area_type: str = "Local authority", period: str = PERIOD) -> dict:
    hidden = count is None
    return {"indicator_id": indicator, "area_code": area_code, "area_name": area_name,
            "area_type": area_type, "period": period, "breakdown": breakdown,
            "count": np.nan if hidden else count, "denominator": denominator,
            "value": np.nan if hidden else 100 * count / denominator,
            "note": SUPPRESSED if hidden else ""}


def write_site(folder: Path, indicators: list[dict],
               tables: dict[str, tuple[pd.DataFrame, TableRules | None]] | None = None,
               findings: list[str] | None = None, changes: pd.DataFrame | None = None) -> Path:
    data, parts = folder / "data", folder / "review" / "parts"
    data.mkdir(parents=True)
    parts.mkdir(parents=True)
    finalise(pd.DataFrame(indicators)).to_csv(data / "indicators.csv", index=False,
                                              float_format=CSV_FLOAT_FORMAT)
    for name, (frame, rules) in (tables or {}).items():
        frame.to_csv(data / f"{name}.csv", index=False)
        if rules is not None:
            (parts / f"rules_{name}.json").write_text(json.dumps(rules_to_json(rules)))
    (parts / "findings_test.json").write_text(json.dumps(findings or []))
    if changes is not None:
        changes.to_csv(folder / "review" / "changes.csv", index=False)
    return folder


def need_mix(hidden: dict[str, int], shown: dict[str, int]) -> list[dict]:
    """A council need mix (denominator on every row) and its prevalence row."""
    total = sum(hidden.values()) + sum(shown.values())
    rows = [council_row(NEEDS, need, None, total) for need in hidden]
    rows += [council_row(NEEDS, need, count, total) for need, count in shown.items()]
    rows.append(council_row("pupils_sen_support_percent", "All pupils", total, 10_000))
    # England's rows are published by DfE: exempt, whatever they show
    rows.append(council_row(NEEDS, "Profound & Multiple Learning Difficulty", 2, 1000,
                            area_code="E92000001", area_name="England", area_type="England"))
    return rows


def exposed(report) -> set[tuple[str, str, str]]:
    return {(e.table, e.row, e.column) for e in report.exposures}


def needs_key(need: str) -> str:
    return (f"indicator_id={NEEDS}; area_code={COUNCIL}; period={PERIOD}; breakdown={need}")


# --------------------------------------------------------------- partition vs shown denominator


def test_partition_with_a_shown_denominator_gives_the_hidden_need_away(tmp_path) -> None:
    site = write_site(tmp_path, need_mix({"PMLD": 3}, {"SLCN": 50, "SEMH": 30, "MSI": 6}))
    report = check_site(site, council_code=COUNCIL, threshold=5)
    assert not report.ok
    assert (INDICATOR_TABLE, needs_key("PMLD"), "count") in exposed(report)
    message = report.message()
    assert "determined exactly" in message and "breakdown=SLCN: count" in message


def test_partition_with_a_complement_passes(tmp_path) -> None:
    # PMLD (3) and MSI (6) hidden: 9 shared between them, each from 0 to 9
    site = write_site(tmp_path, need_mix({"PMLD": 3, "MSI": 6}, {"SLCN": 50, "SEMH": 30}))
    report = check_site(site, council_code=COUNCIL, threshold=5)
    assert report.ok, report.message()
    assert report.hidden == 2


def test_narrow_bounds_are_caught(tmp_path) -> None:
    # PMLD (1) and MSI (2) protect each other exactly, but each lies between 0 and 3: the
    # published figures say both are tiny, within less than the threshold
    site = write_site(tmp_path, need_mix({"PMLD": 1, "MSI": 2}, {"SLCN": 50, "SEMH": 30}))
    report = check_site(site, council_code=COUNCIL, threshold=5)
    problems = {e.row: e.problem for e in report.exposures}
    assert set(problems) == {needs_key("PMLD"), needs_key("MSI")}
    assert all("narrower than the threshold 5" in p and "bounds 0 to 3" in p
               for p in problems.values())
    # a threshold of 3 is satisfied by a range 3 wide
    assert check_site(site, council_code=COUNCIL, threshold=3).ok


# --------------------------------------------------------------- wards + not known = council


def ward_table(hidden_wards: dict[str, int], shown: dict[str, int]) -> pd.DataFrame:
    total = sum(hidden_wards.values()) + sum(shown.values())
    rows = [(w, SUPPRESSED, 500) for w in hidden_wards]
    rows += [(w, str(c), 500) for w, c in shown.items()]
    rows.append((NAME, str(total), 500 * len(rows)))
    return pd.DataFrame(rows, columns=["Ward", "Pupils with SEN", "Resident pupils"])


def ward_rules(frame: pd.DataFrame) -> TableRules:
    places = [w for w in frame["Ward"] if w != NAME]
    return TableRules(key=["Ward"], counts=["Pupils with SEN", "Resident pupils"],
                      relations=[RowTotal(total={"Ward": NAME}, parts={"Ward": places})])


def test_wards_and_not_known_against_the_council_total(tmp_path) -> None:
    frame = ward_table({"Amberleigh": 3}, {"Birchcombe": 40, "Ward not known": 7})
    site = write_site(tmp_path / "leak", [], {"wards_sen_by_ward": (frame, ward_rules(frame))})
    report = check_site(site, council_code=COUNCIL, threshold=5)
    assert exposed(report) == {("wards_sen_by_ward", "Ward=Amberleigh", "Pupils with SEN")}
    assert "wards_sen_by_ward: Ward=Ward not known: Pupils with SEN" in report.message()
    safe = ward_table({"Amberleigh": 3, "Ward not known": 7}, {"Birchcombe": 40})
    site = write_site(tmp_path / "safe", [], {"wards_sen_by_ward": (safe, ward_rules(safe))})
    assert check_site(site, council_code=COUNCIL, threshold=5).ok


# --------------------------------------------------------------- same count in two tables


def test_same_count_shown_in_another_table(tmp_path) -> None:
    # the indicator table protects PMLD with MSI, but the page's need table shows MSI
    rows = need_mix({"PMLD": 3, "MSI": 6}, {"SLCN": 50, "SEMH": 30})
    table = pd.DataFrame({"Primary need": ["SLCN", "SEMH", "MSI", "PMLD"],
                          f"{NAME} pupils": ["50", "30", "6", SUPPRESSED]})
    rules = TableRules(key=["Primary need"], counts=[f"{NAME} pupils"], relations=[
        SameCells(INDICATOR_TABLE, on={"Primary need": "breakdown"},
                  other_rows={"indicator_id": NEEDS, "area_code": COUNCIL, "period": PERIOD},
                  columns={f"{NAME} pupils": "count"})])
    site = write_site(tmp_path, rows, {"population_sen_support_needs": (table, rules)})
    report = check_site(site, council_code=COUNCIL, threshold=5)
    assert (INDICATOR_TABLE, needs_key("PMLD"), "count") in exposed(report)
    assert ("population_sen_support_needs", "Primary need=PMLD", f"{NAME} pupils") in exposed(
        report)


def test_a_chapter_indicator_file_that_differs_from_the_combined_one(tmp_path) -> None:
    rows = need_mix({"PMLD": 3, "MSI": 6}, {"SLCN": 50, "SEMH": 30})
    site = write_site(tmp_path, rows)
    chapter = pd.DataFrame(need_mix({"PMLD": 3}, {"SLCN": 50, "SEMH": 30, "MSI": 6}))
    finalise(chapter).to_csv(site / "data" / "population_indicators.csv", index=False)
    report = check_site(site, council_code=COUNCIL, threshold=5)
    assert ("population_indicators", needs_key("PMLD"), "count") in exposed(report)


# --------------------------------------------------------------- across chapters and years


def test_count_derivable_across_chapters(tmp_path) -> None:
    # settings: pupils with an EHC plan living outside hidden in every row; wards: the council's
    # resident pupils with an EHC plan shown; all with a plan - residents = those outside
    outside = pd.DataFrame({"Type of setting": ["Mainstream", "Special school", "All settings"],
                            "EHC plan": ["1000", "703", "1703"],
                            "EHC plan living outside": [SUPPRESSED] * 3})
    everyone = {"Type of setting": "All settings"}
    rules = TableRules(
        key=["Type of setting"], counts=["EHC plan", "EHC plan living outside"],
        relations=[RowTotal(total=everyone, parts={"Type of setting": ["Mainstream",
                                                                       "Special school"]}),
                   Equation(Cells("settings_pupils_living_outside", everyone, "EHC plan"),
                            [Cells("settings_pupils_living_outside", everyone,
                                   "EHC plan living outside"),
                             Cells(INDICATOR_TABLE, {"indicator_id":
                                                     "resident_pupils_ehc_plan_percent",
                                                     "area_code": COUNCIL,
                                                     "breakdown": "All pupils"}, "count")])])
    residents = [council_row("resident_pupils_ehc_plan_percent", "All pupils", 1612, 30_000)]
    site = write_site(tmp_path, residents,
                      {"settings_pupils_living_outside": (outside, rules)})
    report = check_site(site, council_code=COUNCIL, threshold=5)
    assert exposed(report) == {("settings_pupils_living_outside", "Type of setting=All settings",
                                "EHC plan living outside")}
    assert "indicators: indicator_id=resident_pupils_ehc_plan_percent" in report.message()


def test_last_years_value_of_a_now_suppressed_count(tmp_path) -> None:
    rows = need_mix({"PMLD": 3, "MSI": 6}, {"SLCN": 50, "SEMH": 30})
    changes = pd.DataFrame([
        {"indicator_id": NEEDS, "area_code": COUNCIL, "period": PERIOD, "breakdown": "MSI",
         "area_name": NAME, "area_type": "Local authority", "previous_value": 6 / 89 * 100,
         "current_value": np.nan, "change": np.nan, "kind": "newly suppressed"},
        {"indicator_id": NEEDS, "area_code": COUNCIL, "period": PERIOD, "breakdown": "SLCN",
         "area_name": NAME, "area_type": "Local authority", "previous_value": 50 / 89 * 100,
         "current_value": 50 / 89 * 100, "change": 0.0, "kind": "unchanged"}])
    report = check_site(write_site(tmp_path, rows, changes=changes), council_code=COUNCIL,
                        threshold=5)
    assert exposed(report) == {("changes", needs_key("MSI"), "previous_value")}


# --------------------------------------------------------------- the gate's own safety


def test_derived_value_of_a_hidden_count_is_caught(tmp_path) -> None:
    table = pd.DataFrame({"Primary need": ["SLCN", "PMLD", "MSI"],
                          f"{NAME} pupils": ["50", SUPPRESSED, SUPPRESSED],
                          f"{NAME} %": ["84.7", "5.1", SUPPRESSED]})
    rules = TableRules(key=["Primary need"], counts=[f"{NAME} pupils"],
                       derived={f"{NAME} %": [f"{NAME} pupils"]})
    report = check_site(write_site(tmp_path, [], {"needs": (table, rules)}),
                        council_code=COUNCIL, threshold=5)
    assert exposed(report) == {("needs", "Primary need=PMLD", f"{NAME} %")}


def test_a_table_without_rules_a_false_relation_and_a_small_count_in_a_finding_fail(
        tmp_path) -> None:
    # a relation that does not hold is a wrong declaration: the proof would not be sound
    frame = ward_table({"Amberleigh": 3, "Ward not known": 7}, {"Birchcombe": 40})
    frame.loc[frame["Ward"] == NAME, "Resident pupils"] = 999  # not 3 wards x 500
    site = write_site(tmp_path, [], {"wards_sen_by_ward": (frame, ward_rules(frame)),
                                     "mystery": (pd.DataFrame({"n": [1]}), None)},
                      findings=["In 2024/25, 3 pupils had a visual impairment.",
                                "Demoton ranks 3 of 11 among its statistical neighbours."])
    report = check_site(site, council_code=COUNCIL, threshold=5)
    assert not report.ok
    text = "\n".join(report.problems)
    assert "data/mystery.csv has no disclosure rules" in text
    assert "does not hold" in text and "wards_sen_by_ward: Ward=Demoton: Resident pupils" in text
    assert "finding 1 states the count 3" in text and "finding 2" not in text


def test_contradictory_numbers_around_a_hidden_cell_fail(tmp_path) -> None:
    frame = ward_table({"Amberleigh": 3, "Ward not known": 7}, {"Birchcombe": 40})
    frame.loc[frame["Ward"] == NAME, "Pupils with SEN"] = "30"  # less than Birchcombe alone
    site = write_site(tmp_path, [], {"wards_sen_by_ward": (frame, ward_rules(frame))})
    report = check_site(site, council_code=COUNCIL, threshold=5)
    assert any("contradict the declared relations" in p and "wards_sen_by_ward" in p
               for p in report.problems)


def test_a_page_table_showing_a_cell_its_csv_hides(tmp_path) -> None:
    table = pd.DataFrame({"Primary need": ["SLCN", "PMLD", "MSI"],
                          f"{NAME} pupils": ["50", SUPPRESSED, SUPPRESSED]})
    rules = TableRules(key=["Primary need"], counts=[f"{NAME} pupils"])
    site = write_site(tmp_path, [], {"needs": (table, rules)})
    rows = "".join(f"<tr><th scope=\"row\">{need}</th><td>{shown}</td></tr>"
                   for need, shown in (("SLCN", "50"), ("PMLD", "3"), ("MSI", SUPPRESSED)))
    (site / "01_population.html").write_text(
        f'<html><body><table id="table-needs"><caption>Needs</caption><thead><tr>'
        f'<th scope="col">Primary need</th><th scope="col">{NAME} pupils</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></body></html>")
    report = check_site(site, council_code=COUNCIL, threshold=5)
    assert exposed(report) == {("needs", "Primary need=PMLD", f"{NAME} pupils")}
    assert "shown on 01_population.html" in report.message()


def test_alt_text_stating_a_suppressed_need(tmp_path) -> None:
    site = write_site(tmp_path, need_mix({"PMLD": 3, "MSI": 6}, {"SLCN": 50, "SEMH": 30}))
    (site / "01_population.html").write_text(
        '<html><body><figure><figcaption>Primary need</figcaption><img src="x.svg" '
        'alt="Bar chart. Largest categories: SLCN 56.2%, SEMH 33.7%, PMLD 3.4%."></figure>'
        "</body></html>")
    report = check_site(site, council_code=COUNCIL, threshold=5)
    assert {(e.table, e.column) for e in report.exposures} == {("01_population.html", "PMLD")}


def test_alt_text_giving_englands_figure_for_a_need_the_council_hides_passes(tmp_path) -> None:
    # the chart's alt text lists each area's largest needs: England's PMLD share is DfE's
    site = write_site(tmp_path, need_mix({"PMLD": 3, "MSI": 6}, {"SLCN": 50, "SEMH": 30}))
    (site / "01_population.html").write_text(
        '<html><body><figure><figcaption>Primary need</figcaption><img src="x.svg" '
        f'alt="Bar chart. Largest categories: {NAME}: SLCN 56.2%, SEMH 33.7%; England: PMLD '
        '4.1%, SLCN 3.0%."></figure></body></html>')
    assert check_site(site, council_code=COUNCIL, threshold=5).exposures == []
    (site / "01_population.html").write_text(
        '<html><body><img src="x.svg" alt="Bar chart. Largest categories: England: SLCN 3.0%; '
        f'{NAME}: SLCN 56.2%, PMLD 3.4%."></body></html>')
    report = check_site(site, council_code=COUNCIL, threshold=5)
    assert {(e.table, e.column) for e in report.exposures} == {("01_population.html", "PMLD")}
    # a share no count below the threshold gives (4 of 89 = 4.5%; 40 of 89 = 44.9%): another
    # year's figure for the same need, not the hidden one
    (site / "01_population.html").write_text(
        f'<html><body><img src="x.svg" alt="Bar chart. {NAME}: PMLD 44.9%, SLCN 56.2%.">'
        "</body></html>")
    assert check_site(site, council_code=COUNCIL, threshold=5).exposures == []


def test_rules_survive_json() -> None:
    rules = TableRules(
        key=["Ward"], counts=["a", "b"], derived={"p": ["a"]}, exempt_where=[{"Ward": ["X"]}],
        relations=[RowTotal(total={"Ward": "C"}, parts={"Ward": ["W1", "W2"]}),
                   SameCells("t", on={"Ward": "area_name"}, columns={"a": "count"},
                             other_rows={"period": PERIOD}),
                   Equation(Cells("t", {"k": "v"}, "a"), [Cells("u", {}, "b")])])
    written = json.loads(json.dumps(rules_to_json(rules)))
    read = rules_from_json(written)
    assert rules_to_json(read) == written
    assert read.relations[2] == rules.relations[2] and read.exempt_where == [{"Ward": ["X"]}]
    assert [type(r) for r in read.relations] == [RowTotal, SameCells, Equation]


# --------------------------------------------------------------- the whole demo site


@pytest.mark.slow
def test_a_freshly_refreshed_demo_site_passes_the_gate(rendered_demo) -> None:
    # the session's shared demo JSNA (this year's refresh after last year's): read-only
    current = rendered_demo.report
    assert current.ok, [(r.name, r.status, r.message) for r in current.results]
    site = current.config.output_dir
    assert (site / "review" / "changes.csv").exists()
    report = check_site(site, council_code=current.config.area.code,
                        threshold=current.config.disclosure.threshold)
    assert report.ok, report.message()
    assert len(report.tables) >= 20 and report.relations > 500


def test_stage_age_and_year_group_numbers_in_findings_are_not_counts(tmp_path) -> None:
    # "key stage 4", "aged 2", "aged 16 to 25", "Year 6", "1 in 4" and "3 years" name a stage,
    # an age, a school year, a ratio or a span of time: none is a count of pupils
    site = write_site(tmp_path, [], findings=[
        "Pupils with an EHC plan at key stage 4 scored lower than pupils with no SEN.",
        "Children aged 2 to 2½ were reviewed; plans held by young people aged 16 to 25 rose.",
        "In Year 6, 1 in 4 pupils had SEN support.",
        "The forecast covers the next 3 years; 4 pupils had a hearing impairment.",
        "Primary places fall short by about 1 place; 3 more inputs were not given.",
    ])
    report = check_site(site, council_code=COUNCIL, threshold=5)
    assert [p for p in report.problems if "finding" in p] == [
        "review/parts/findings_test.json, finding 4 states the count 4, which no table "
        "publishes (a small count)"]


def test_a_ward_hidden_in_one_chapter_may_be_named_with_another_chapters_figure(tmp_path) -> None:
    # the health chapter hides Marrowby's waits (count and referrals); the wards chapter's funnel
    # states Marrowby's SEN prevalence, another measure: only the health page could give it away
    ward = {"area_code": "Z05000009", "area_name": "Marrowby", "area_type": "Ward"}
    rows = [{**council_row("health_waits_over_18_weeks_percent", "All services", None, 3),
             **ward, "denominator": np.nan}]
    site = write_site(tmp_path, rows)
    (site / "02_wards.html").write_text(
        '<html><body><img src="x.svg" alt="Funnel plot. Marrowby 23.5%, above the limits.">'
        "</body></html>")
    assert check_site(site, council_code=COUNCIL, threshold=5).exposures == []
    (site / "11_health.html").write_text(
        '<html><body><img src="x.svg" alt="Waits by ward. Marrowby 33.3%."></body></html>')
    report = check_site(site, council_code=COUNCIL, threshold=5)
    assert {(e.table, e.column) for e in report.exposures} == {("11_health.html", "Marrowby")}


def test_a_qualification_level_in_a_finding_is_not_a_count(tmp_path) -> None:
    # "Level 2" and "Level 3" are qualification levels (the adulthood chapter's age-19 findings)
    site = write_site(tmp_path, [], findings=[
        "In 2023/24, 10.2% of young people with an EHC plan at 15 were qualified to Level 2 with "
        "English and maths by 19 (England 18.1%).",
        "Few reached level 3 by 19; 2 pupils left.",
    ])
    report = check_site(site, council_code=COUNCIL, threshold=5)
    assert [p for p in report.problems if "finding" in p] == [
        "review/parts/findings_test.json, finding 2 states the count 2, which no table "
        "publishes (a small count)"]


# --------------------------------------------------------------- small rests by subtraction

TIMELY = "ehcp_local_issued_20_weeks_percent"


def test_a_published_part_leaving_a_small_rest_is_caught(tmp_path) -> None:
    """97 of 100 plans within 20 weeks, both shown: 3 late plans by subtraction."""
    site = write_site(tmp_path / "leak", [council_row(TIMELY, "All plans", 97, 100)])
    report = check_site(site, council_code=COUNCIL, threshold=5)
    assert exposed(report) == {(INDICATOR_TABLE, f"indicator_id={TIMELY}; area_code={COUNCIL}; "
                                                 f"period={PERIOD}; breakdown=All plans", "count")}
    assert "leave a rest below the threshold 5 of denominator" in report.message()
    # 95 of 100 leaves 5 late, and 100 of 100 none: both fine
    for count, folder in ((95, "five"), (100, "none")):
        site = write_site(tmp_path / folder, [council_row(TIMELY, "All plans", count, 100)])
        assert check_site(site, council_code=COUNCIL, threshold=5).ok


def test_a_declared_table_with_a_small_rest_is_caught(tmp_path) -> None:
    frame = pd.DataFrame({"Area": [NAME], "Found": ["40"], "Children in need": ["42"]})
    rules = TableRules(key=["Area"], counts=["Found", "Children in need"],
                       rests=[Rest(total="Children in need", parts="Found")])
    site = write_site(tmp_path, [], {"care_found": (frame, rules)})
    report = check_site(site, council_code=COUNCIL, threshold=5)
    assert exposed(report) == {("care_found", f"Area={NAME}", "Found")}


def test_a_hidden_part_pinned_near_its_total_is_caught(tmp_path) -> None:
    """The council's 97 of 100 is hidden, but its wards (60 and 37) are shown and add up to it:
    the council count is determined, so the 3 late plans are too. With ward B hidden as well,
    the council lies between 60 and ... no bound: safe."""
    frame = pd.DataFrame({"Area": [NAME, "Ward A", "Ward B"],
                          "Within 20 weeks": [SUPPRESSED, "60", "37"],
                          "Plans issued": ["100", "61", "39"]})
    rules = TableRules(key=["Area"], counts=["Within 20 weeks", "Plans issued"],
                       relations=[RowTotal(total={"Area": NAME},
                                           parts={"Area": ["Ward A", "Ward B"]})],
                       rests=[Rest(total="Plans issued", parts="Within 20 weeks",
                                   rows={"Area": NAME})])
    site = write_site(tmp_path / "leak", [], {"timely": (frame, rules)})
    report = check_site(site, council_code=COUNCIL, threshold=5)
    assert ("timely", f"Area={NAME}", "Within 20 weeks") in exposed(report)
    safe = frame.assign(**{"Within 20 weeks": [SUPPRESSED, "60", SUPPRESSED]})
    site = write_site(tmp_path / "safe", [], {"timely": (safe, rules)})
    assert check_site(site, council_code=COUNCIL, threshold=5).ok


def test_a_hidden_part_bounded_near_its_total_is_caught(tmp_path) -> None:
    """The council's 97 of 100 is hidden. It is ward A's 96 plus ward B (hidden), so at least
    96; and the 98 of "All" is the council plus X (hidden), so at most 98: the late plans lie
    between 2 and 4, within less than the threshold, though the council's count itself is far
    from small."""
    frame = pd.DataFrame({"Area": [NAME, "Ward A", "Ward B", "All", "X"],
                          "Within 20 weeks": [SUPPRESSED, "96", SUPPRESSED, "98", SUPPRESSED],
                          "Plans issued": ["100", "97", "3", "101", "1"]})
    rules = TableRules(key=["Area"], counts=["Within 20 weeks", "Plans issued"],
                       relations=[RowTotal(total={"Area": NAME},
                                           parts={"Area": ["Ward A", "Ward B"]}),
                                  RowTotal(total={"Area": "All"}, parts={"Area": [NAME, "X"]})],
                       rests=[Rest(total="Plans issued", parts="Within 20 weeks",
                                   rows={"Area": NAME})])
    site = write_site(tmp_path, [], {"timely": (frame, rules)})
    report = check_site(site, council_code=COUNCIL, threshold=5)
    problems = {(e.row, e.column): e.problem for e in report.exposures}
    assert problems[(f"Area={NAME}", "Within 20 weeks")] == (
        "leaves the rest of Plans issued only 2 wide (bounds 2 to 4), narrower than the "
        "threshold 5")


def test_a_hidden_part_is_at_most_its_total(tmp_path) -> None:
    """Ward B's plans within 20 weeks are hidden, and so is the council's; the council = A + B.
    Without "a part is at most its total", B could be anything; with it, B is at most its 3
    plans issued, and so lies between 0 and 3, narrower than the threshold: caught. With 30
    plans issued in ward B the range is wide enough."""
    def site(folder: str, issued_in_b: str) -> Path:
        frame = pd.DataFrame({"Area": [NAME, "Ward A", "Ward B"],
                              "Within 20 weeks": [SUPPRESSED, "60", SUPPRESSED],
                              "Plans issued": ["100", "70", issued_in_b]})
        rules = TableRules(key=["Area"], counts=["Within 20 weeks", "Plans issued"],
                           relations=[RowTotal(total={"Area": NAME},
                                               parts={"Area": ["Ward A", "Ward B"]})],
                           rests=[Rest(total="Plans issued", parts="Within 20 weeks")])
        return write_site(tmp_path / folder, [], {"timely": (frame, rules)})

    report = check_site(site("narrow", "3"), council_code=COUNCIL, threshold=5)
    problems = {e.row: e.problem for e in report.exposures}
    assert "bounds 0 to 3" in problems["Area=Ward B"]
    assert check_site(site("wide", "30"), council_code=COUNCIL, threshold=5).ok


def test_a_finding_stating_the_latest_years_share_beside_an_earlier_year_dfe_suppressed(
        tmp_path) -> None:
    """DfE suppressed the council's 2023 NEET share for SEN support (no count, no denominator);
    the finding states the published 2024 share, 8.6%: that is the published figure, not the
    hidden one. A share that no published row of the label has (7.3%) could be the hidden one."""
    neet = "adulthood_neet_percent"
    rows = [council_row(neet, "SEN support", None, np.nan, period="2023"),
            council_row(neet, "SEN support", 43, 500, period="2024")]  # 8.6%
    for stated, exposed_expected in (("8.6%", False), ("7.3%", True)):
        site = write_site(tmp_path / stated, rows)
        (site / "review" / "parts" / "findings_adulthood.json").write_text(json.dumps(
            [f"Young people with an EHC plan: 9.9%; on SEN support: {stated}."]))
        report = check_site(site, council_code=COUNCIL, threshold=5)
        assert bool(report.exposures) == exposed_expected, report.message()
