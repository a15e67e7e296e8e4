"""Key findings read naturally, from the one wording file (issue 15 item 7).

Every expected sentence here is written out by hand. The cases cover comparisons (higher, lower,
similar, not compared), changes and trends (up, down, unchanged; rising, falling, no change, not
calculable), suppressed values and one-or-many wording.
"""

from __future__ import annotations

import string
import tomllib

import numpy as np
import pandas as pd
import pytest

from jsna.chapters import ehcp, population, settings, wards
from jsna.chapters.common import ComparatorAreas
from jsna.chapters.wording import WORDING_FILE, Wording, fill, listing, sentence
from jsna.disclosure import SUPPRESSED
from jsna.indicators import settings as setting_counts

COUNCIL, ENGLAND = "Z06000001", "E92000001"
NEIGHBOURS = ["E06000001", "E06000002"]


# --------------------------------------------------------------------------- the formatter


def test_field_formats():
    assert fill("{v:percent}", v=5.26) == "5.3%"
    assert fill("{v:percent} of {n:count}", v=12.34, n=32135.0) == "12.3% of 32,135"
    assert fill("{r:times} times", r=1.94) == "1.9 times"
    assert fill("{n:# ward|# wards}", n=1) == "1 ward"
    assert fill("{n:# ward|# wards}", n=1.0) == "1 ward"
    assert fill("{n:# ward|# wards}", n=0) == "0 wards"
    assert fill("{n:# ward|# wards}", n=1200) == "1,200 wards"
    assert fill("{n:The school|The # schools}", n=1) == "The school"
    assert fill("{n:The school|The # schools}", n=10) == "The 10 schools"


def test_names_are_text_never_templates():
    # a council name with braces, markup or a format spec is put in as it is
    name = "{value:percent} <b>*x*</b> $y$ {0}"
    assert fill("{council}'s schools", council=name) == f"{name}'s schools"


def test_a_missing_field_is_named_with_the_file_section_and_key():
    with pytest.raises(ValueError, match=r"wording.toml: \[wards\] headline: .*'year'.*given: "):
        Wording("wards").fill("headline", value=1.0)
    with pytest.raises(ValueError, match=r"\[wards\] no_such_key: no such template"):
        Wording("wards").fill("no_such_key")
    with pytest.raises(ValueError, match="unknown field format 'percnt'"):
        fill("{v:percnt}", v=1)


def test_every_template_uses_known_field_formats():
    every = tomllib.loads(WORDING_FILE.read_text(encoding="utf-8"))
    formats = {"", "percent", "count", "times"}
    checked = 0
    for chapter, section in every.items():
        for key, template in section.items():
            if not isinstance(template, str):
                continue
            for _, field, spec, _ in string.Formatter().parse(template):
                if field is None:
                    continue
                assert field.isidentifier(), (chapter, key, field)
                assert spec in formats or spec.count("|") == 1, (chapter, key, spec)
            checked += 1
    assert checked >= 40


def test_chapter_phrases_come_before_common_ones_and_other_is_the_fallback():
    say = Wording("ehcp")
    assert say.pick("compared", "Worse") == "significantly worse than"  # [common.compared]
    assert say.pick("no_plan_compared", "Higher") == "higher than"  # [ehcp.no_plan_compared]
    assert say.pick("compared", "Not compared") == "compared with"
    assert say.pick("compared", np.nan) == "compared with"
    assert not say.knows("trend", "Cannot be calculated") and say.knows("trend", "Increasing")
    assert listing([]) == "" and listing(["A"]) == "A" and listing(["A", "B"]) == "A and B"
    assert sentence("A", "", "; b") == "A; b."


# --------------------------------------------------------------------------- population


def _prevalence_row(label: str, value: float = 5.3) -> pd.Series:
    return pd.Series({"period": "2024/25", "value": value, "count": 1702, "denominator": 32135,
                      "compared_to_england": label})


@pytest.mark.parametrize(("label", "relation"), [
    ("Higher", "significantly higher than"), ("Lower", "significantly lower than"),
    ("Similar", "similar to"), ("Not compared", "compared with")])
def test_prevalence_against_england(label, relation):
    assert population.prevalence_sentence(
        "pupils_ehc_plan_percent", "Demoton", _prevalence_row(label), 5.1) == (
        "In 2024/25, 5.3% of pupils in Demoton's schools (1,702 of 32,135) had an EHC plan, "
        f"{relation} England (5.1%).")


@pytest.mark.parametrize(("start", "change"), [(3.7, "up from 3.7%"), (6.0, "down from 6.0%"),
                                               (5.3, "unchanged from 5.3%")])
def test_prevalence_change_since_the_first_year(start, change):
    first = pd.Series({"period": "2020/21", "value": start})
    assert population.prevalence_sentence(
        "pupils_sen_support_percent", "Demoton", _prevalence_row("Similar"), None, first) == (
        "In 2024/25, 5.3% of pupils in Demoton's schools (1,702 of 32,135) were receiving SEN "
        f"support; {change} in 2020/21.")


def test_population_findings_skip_a_suppressed_value_and_name_the_top_need():
    rows = []
    for period, value in (("2020/21", 3.7), ("2024/25", np.nan)):  # latest EHC plan % hidden
        rows.append({"indicator_id": "pupils_ehc_plan_percent", "area_name": "Demoton",
                     "area_type": "Local authority", "breakdown": "All pupils",
                     "period": period, "value": value, "count": np.nan, "denominator": np.nan,
                     "compared_to_england": ""})
    for need, value in (("Autistic Spectrum Disorder", 32.5), ("Severe Learning Difficulty", 9.0)):
        rows.append({"indicator_id": "ehc_plan_primary_need_percent", "area_name": "Demoton",
                     "area_type": "Local authority", "breakdown": need, "period": "2024/25",
                     "value": value, "count": 1.0, "denominator": 2.0,
                     "compared_to_england": ""})
    found = population._findings(pd.DataFrame(rows), "Demoton", ["2020/21", "2024/25"])
    assert found == ["The most common primary need of pupils with an EHC plan in 2024/25 was "
                     "Autistic Spectrum Disorder (32.5%)."]


# --------------------------------------------------------------------------- wards


def _ward_indicators(funnel: dict[str, tuple[float, str]], unknown: float | None,
                     council: float = 19.5) -> pd.DataFrame:
    """The wards chapter's indicator rows: the council, wards with funnel labels, "not known"."""
    sen = "resident_pupils_sen_percent"
    rows = [{"area_code": COUNCIL, "area_name": "Demoton", "area_type": "Local authority",
             "value": council, "count": 5913.0, "denominator": 30326.0, "note": "",
             "funnel": "Benchmark"}]
    for i, (name, (value, position)) in enumerate(funnel.items()):
        hidden = position == SUPPRESSED
        rows.append({"area_code": f"Z0500000{i}", "area_name": name, "area_type": "Ward",
                     "value": np.nan if hidden else value, "count": np.nan if hidden else 10.0,
                     "denominator": np.nan if hidden else 50.0,
                     "note": SUPPRESSED if hidden else "", "funnel": position})
    rows.append({"area_code": wards.unknown_ward_code(COUNCIL), "area_name": wards.UNKNOWN_WARD,
                 "area_type": "Ward", "value": np.nan if unknown is None else 20.0,
                 "count": np.nan, "denominator": np.nan if unknown is None else unknown,
                 "note": SUPPRESSED if unknown is None else "", "funnel": "Not compared"})
    return pd.DataFrame(rows).assign(indicator_id=sen, breakdown="All pupils")


def test_wards_below_the_limits_only_names_the_council_average():
    # before: "... was significantly (beyond the 99.8% funnel limits) below it in Hazelmoor",
    # with no "it" to refer to
    found = wards._findings(_ward_indicators(
        {"Hazelmoor": (15.0, wards.BELOW_998), "Marrowby": (20.0, wards.WITHIN)}, 1.0),
        COUNCIL, "Demoton", 2025)
    assert found[1] == ("The percentage of resident pupils with SEN was significantly (beyond the "
                        "99.8% funnel limits) below the council average (19.5%) in Hazelmoor "
                        "(15.0%).")


def test_wards_above_and_below_and_one_pupil_not_matched():
    found = wards._findings(_ward_indicators(
        {"Marrowby": (24.2, wards.ABOVE_998), "Glenbury Park": (24.1, wards.ABOVE_998),
         "Birchcombe": (23.9, wards.ABOVE_998), "Hazelmoor": (15.0, wards.BELOW_998),
         "Oakley": (14.0, wards.BELOW_998), "Elm": (19.0, wards.ABOVE_95)}, 1.0),
        COUNCIL, "Demoton", 2025)
    assert found == [
        "In January 2025, 19.5% of the 30,326 pupils in Demoton's schools who live in Demoton "
        "(5,913) had special educational needs (SEN support or an EHC plan).",
        "The percentage of resident pupils with SEN was significantly (beyond the 99.8% funnel "
        "limits) above the council average (19.5%) in Marrowby (24.2%), Glenbury Park (24.1%) "
        "and Birchcombe (23.9%); and below it in Oakley (14.0%) and Hazelmoor (15.0%).",
        # before: "The home postcode of 1 resident pupils"
        "The home postcode of 1 resident pupil (0.0%) could not be matched to a ward; they are "
        "shown as 'Ward not known' and counted in the council total."]


@pytest.mark.parametrize("hidden", [1, 2])
def test_wards_none_beyond_the_limits_and_suppressed_wards(hidden):
    funnel = {"Marrowby": (20.0, wards.WITHIN)}
    funnel.update({f"Hidden {i}": (0.0, SUPPRESSED) for i in range(hidden)})
    found = wards._findings(_ward_indicators(funnel, None), COUNCIL, "Demoton", 2025)
    figures = "ward" if hidden == 1 else "wards"
    assert found[1:] == [
        "No ward's percentage of resident pupils with SEN was beyond the 99.8% funnel limits "
        "around the council average (19.5%).",
        f"Figures for {hidden} {figures} are suppressed to protect confidentiality.",
        "The home ward of a small number of resident pupils could not be found (number "
        "suppressed); they are counted in the council total."]


def test_wards_every_postcode_matched_and_a_suppressed_council():
    found = wards._findings(_ward_indicators({"Marrowby": (20.0, wards.WITHIN)}, 0.0,
                                             council=np.nan), COUNCIL, "Demoton", 2025)
    # no headline and no funnel sentence without the council's value
    assert found == ["Every resident pupil's home postcode was matched to a ward."]


# --------------------------------------------------------------------------- settings


def _settings_inputs(plans_special: float, outside: float, mainstream_plans: list[float]):
    special_rows = pd.DataFrame({
        "indicator_id": settings.INDICATOR, "area_name": ["Demoton", "Demoton", "England",
                                                          "England"],
        "area_type": ["Local authority", "Local authority", "England", "England"],
        "period": ["2020/21", "2024/25", "2020/21", "2024/25"],
        "value": [42.2, 35.8, 48.5, 39.1], "count": [500.0, 609.0, 1.0, 1.0],
        "denominator": [1185.0, 1702.0, 2.0, 2.0],
        "compared_to_england": ["Lower", "Lower", "", ""]})
    by_setting = pd.DataFrame({
        "census_year": 2025,
        "setting": [setting_counts.PRIMARY, setting_counts.SECONDARY, settings.SPECIAL, setting_counts.AP,
                    settings.ALL_SETTINGS],
        settings.PLAN: [sum(mainstream_plans), 0.0, plans_special, 0.0,
                        sum(mainstream_plans) + plans_special],
        settings.SUPPORT: [300.0, 100.0, 4.0, 0.0, 404.0]})
    out = pd.DataFrame({"census_year": [2025], "setting": [settings.SPECIAL],
                        settings.PLAN: [plans_special], settings.OUT_PLAN: [outside]})
    schools = pd.DataFrame({
        "census_year": 2025, "row_type": "School", "setting": setting_counts.PRIMARY,
        "school_urn": [str(100000 + i) for i in range(len(mainstream_plans))],
        settings.PLAN: mainstream_plans})
    return special_rows, by_setting, out, schools


def test_settings_findings_one_school_and_one_pupil():
    found = settings._findings(*_settings_inputs(1.0, 1.0, [7.0]), "Demoton",
                               ["2020/21", "2024/25"])
    assert found == [
        "In 2024/25, 35.8% of pupils with an EHC plan in Demoton's schools (609 of 1,702) "
        "attended a special school, significantly lower than England (39.1%); down from 42.2% in "
        "2020/21 (England: 48.5% in 2020/21).",
        # before: "1 of the 1 pupils with an EHC plan"
        "In January 2025, 1 of the 1 pupil with an EHC plan in Demoton's special schools "
        "(100.0%) lived outside Demoton.",
        "The mainstream school with the most pupils with an EHC plan taught 7 of the 7 pupils "
        "with an EHC plan in mainstream schools (100.0%).",
        "99.0% of pupils on SEN support in January 2025 were in mainstream primary or secondary "
        "schools."]


def test_settings_findings_suppressed_count_living_outside():
    found = settings._findings(*_settings_inputs(609.0, np.nan, [40.0, 30.0]), "Demoton",
                               ["2024/25"])
    assert found[:3] == [
        "In 2024/25, 35.8% of pupils with an EHC plan in Demoton's schools (609 of 1,702) "
        "attended a special school, significantly lower than England (39.1%).",
        "The number of pupils with an EHC plan in Demoton's special schools who lived outside "
        "Demoton is suppressed to protect confidentiality.",
        "The 2 mainstream schools with the most pupils with an EHC plan taught 70 of the 70 "
        "pupils with an EHC plan in mainstream schools (100.0%)."]


# --------------------------------------------------------------------------- ehcp


def _ehcp_indicators(*, england: str, neighbours: str, trend: str, requests: float = 388.0,
                     assessments: float = 280.0, england_values: bool = True) -> pd.DataFrame:
    timely = ehcp.TIMELINESS[0]
    rows = [{"indicator_id": timely, "area_code": COUNCIL, "period": "2020", "value": 52.2,
             "count": 48.0, "denominator": 92.0}]
    rows.append({"indicator_id": timely, "area_code": COUNCIL, "period": "2024", "value": 22.6,
                 "count": 51.0, "denominator": 226.0, "compared_to_england": england,
                 "compared_to_neighbours": neighbours, "recent_trend": trend,
                 "quartile_band": "D"})
    if england_values:
        rows.append({"indicator_id": timely, "area_code": ENGLAND, "period": "2024",
                     "value": 46.4})
    rows += [{"indicator_id": timely, "area_code": code, "period": "2024", "value": value}
             for code, value in zip(NEIGHBOURS, (40.0, 48.0), strict=True)]
    rows.append({"indicator_id": ehcp.REQUESTS[0], "area_code": COUNCIL, "period": "2024",
                 "value": 100 / requests, "count": 1.0, "denominator": requests})
    rows.append({"indicator_id": ehcp.ASSESSMENTS[0], "area_code": COUNCIL, "period": "2024",
                 "value": 6.1, "count": 17.0, "denominator": assessments,
                 "compared_to_england": "Higher"})
    if england_values:
        rows += [{"indicator_id": indicator, "area_code": ENGLAND, "period": "2024",
                  "value": value}
                 for indicator, value in ((ehcp.REQUESTS[0], 25.2), (ehcp.ASSESSMENTS[0], 5.0))]
    return pd.DataFrame(rows)


AREAS = ComparatorAreas(COUNCIL, "E12000009", "South West", NEIGHBOURS, "Demoton")
RANKS = pd.DataFrame({"indicator_id": [ehcp.TIMELINESS[0]], "period": ["2024"],
                      "area_code": [COUNCIL], "rank": [10], "out_of": [11]})


def _ehcp(**kwargs) -> list[str]:
    return ehcp._findings(_ehcp_indicators(**kwargs), RANKS, "Demoton", AREAS,
                          ["2020", "2021", "2022", "2023", "2024"])


def test_ehcp_findings_worse_than_england_and_the_neighbours_falling():
    # before: "..., significantly worse than England (46.4%), and the statistical neighbour
    # average (44.0%; worse)." and "The rate was 52.2% in 2020; the recent trend is: decreasing."
    assert _ehcp(england="Worse", neighbours="Worse", trend="Decreasing") == [
        "In 2024, Demoton issued 22.6% of new EHC plans within 20 weeks, excluding exception "
        "cases (51 of 226), significantly worse than England (46.4%) and the statistical "
        "neighbour average (44.0%).",
        "The rate was 52.2% in 2020; over the latest five years it is falling.",
        "On 20-week timeliness in 2024, Demoton ranks 10 of 11 among itself and its statistical "
        "neighbours (1 = highest) and is in quartile band D of all councils (A = best quarter).",
        "Demoton received 388 requests for an EHC needs assessment in 2024 and decided not to "
        "assess 0.3% of them (England 25.2%).",
        "Of 280 EHC needs assessments in 2024, 6.1% ended in a decision not to issue a plan, "
        "higher than England (5.0%)."]


@pytest.mark.parametrize(("england", "neighbours", "trend", "said", "trend_said"), [
    ("Better", "Similar", "Increasing",
     "significantly better than England (46.4%) and similar to the statistical neighbour "
     "average (44.0%)", "; over the latest five years it is rising"),
    ("Similar", "Worse", "No significant change",
     "similar to England (46.4%) and significantly worse than the statistical neighbour "
     "average (44.0%)", "; over the latest five years it shows no significant change"),
    ("Similar", "Not compared", "Cannot be calculated",
     "similar to England (46.4%); the statistical neighbour average was 44.0%", ""),
])
def test_ehcp_comparisons_and_trends(england, neighbours, trend, said, trend_said):
    found = _ehcp(england=england, neighbours=neighbours, trend=trend)
    assert found[0] == ("In 2024, Demoton issued 22.6% of new EHC plans within 20 weeks, "
                        f"excluding exception cases (51 of 226), {said}.")
    assert found[1] == f"The rate was 52.2% in 2020{trend_said}."


def test_ehcp_one_request_one_assessment_and_no_england():
    found = _ehcp(england="Not compared", neighbours="Better", trend="Increasing", requests=1.0,
                  assessments=1.0, england_values=False)
    assert found[0].endswith("(51 of 226), significantly better than the statistical neighbour "
                             "average (44.0%).")
    # before: "received 1 requests" and "Of 1 EHC needs assessments"
    assert found[-2:] == [
        "Demoton received 1 request for an EHC needs assessment in 2024 and decided not to "
        "assess 100.0% of them.",
        "Of 1 EHC needs assessment in 2024, 6.1% ended in a decision not to issue a plan."]


def test_wards_above_the_limits_only():
    above = pd.DataFrame({"area_name": ["Marrowby"], "value": [24.2]})
    assert wards.funnel_sentence(19.5, above, above.iloc[:0]) == (
        "The percentage of resident pupils with SEN was significantly (beyond the 99.8% funnel "
        "limits) above the council average (19.5%) in Marrowby (24.2%).")
