"""The overview's executive summary, scorecard and glossary (issue 18 items 1 and 5)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from jsna.indicators.catalogue import SCORECARD_COLUMNS
from jsna.render.glossary import GLOSSARY_PAGE, GlossaryLinker, glossary_cells, glossary_terms
from jsna.render.html import Link, PageContext, html_notebook, render_page
from jsna.render.overview import (
    neighbour_average_note,
    scorecard_html,
    summary_html,
    summary_lines,
)
from jsna.viz.display import escape

HOSTILE = 'EHC plan <script>alert(1)</script> &amp; "SEN support" <b>SEND</b>'


def _card_row(name, polarity="High is good", value=50.0, england=50.0, neighbours=50.0,
              to_england="Similar", to_neighbours="Similar", trend="No significant change",
              worsening=False, rag="Amber", rank=math.nan, out_of=math.nan, target=math.nan,
              met="", note=""):
    row = dict.fromkeys(SCORECARD_COLUMNS, "")
    row.update(indicator_id=name, name=f"{name} (%)", polarity=polarity, period="2024",
               value=value, note=note, england=england, region=math.nan, neighbours=neighbours,
               neighbours_with_value=10, compared_to_england=to_england,
               compared_to_region="", compared_to_neighbours=to_neighbours, recent_trend=trend,
               quartile_band="", rank=rank, out_of=out_of, target=target, target_met=met,
               rag=rag, worsening=worsening)
    return row


def _card():
    """Catalogue order: unremarkable first, the alarm last (as the issue describes)."""
    return pd.DataFrame([
        _card_row("Unremarkable", value=51.2, england=50.0, neighbours=49.0),
        _card_row("Slipping", value=48.0, england=50.0, neighbours=48.0, trend="Decreasing",
                  worsening=True),
        _card_row("Worse only", polarity="Low is good", value=12.5, england=10.0,
                  neighbours=12.0, to_england="Worse", rag="Red", trend="Decreasing"),
        _card_row("No polarity", polarity="Not applicable", value=5.3, england=4.8,
                  neighbours=math.nan, to_england="Higher", to_neighbours="Not compared",
                  trend="Increasing", rag="Not rated"),
        _card_row("Plans on time", value=22.6, england=46.4, neighbours=51.04,
                  to_england="Worse", to_neighbours="Worse", trend="Decreasing",
                  worsening=True, rag="Red", rank=10, out_of=11, target=60.0, met="not met"),
        _card_row("Hidden", value=math.nan, note="[c]", england=20.0),
    ], columns=SCORECARD_COLUMNS)


def test_summary_leads_with_worse_and_worsening_then_worse_then_worsening_then_the_rest():
    lines = summary_lines(_card(), "Demoton")
    assert [line.importance for line in lines] == [
        "worse_and_worsening", "worse", "worsening", "other", "other", "other"]
    assert [line.label for line in lines[:4]] == [
        "Worse and getting worse", "Worse than comparators", "Getting worse", "For information"]
    assert [line.text for line in lines] == [
        "Plans on time: 22.6% in 2024, significantly worse than England (46.4%) and the "
        "statistical neighbour average (51.0%); ranked 10 of 11 among Demoton and its "
        "statistical neighbours (1 = best); over the latest five years it is getting worse; "
        "the local target of 60.0% is not met.",
        # low is good and falling: improving, though still worse than England
        "Worse only: 12.5% in 2024, significantly worse than England (10.0%) and similar to "
        "the statistical neighbour average (12.0%); over the latest five years it is improving.",
        "Slipping: 48.0% in 2024, similar to England (50.0%) and the statistical neighbour "
        "average (48.0%); over the latest five years it is getting worse.",
        # the rest keep catalogue order
        "Unremarkable: 51.2% in 2024, similar to England (50.0%) and the statistical neighbour "
        "average (49.0%); over the latest five years it shows no significant change.",
        "No polarity: 5.3% in 2024, significantly higher than England (4.8%); over the latest "
        "five years it is rising.",
        "Hidden: the figure for 2024 is suppressed to protect confidentiality.",
    ]


def test_summary_and_scorecard_show_a_hostile_name_as_text_and_link_terms_once():
    card = _card()
    card.loc[0, "name"] = HOSTILE
    linker = GlossaryLinker()
    html = (summary_html(summary_lines(card, HOSTILE), linker)
            + scorecard_html(card, HOSTILE, HOSTILE, 10, linker))
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find_all(["script", "b"]) == []
    texts = soup.get_text()
    # the summary line, whole (a name without a unit such as "(%)" gets a bare number)
    assert f"{HOSTILE}: 51.2 in 2024" in texts
    assert [th.get_text() for th in soup.select("#table-scorecard tbody th")][3] == (
        f"{HOSTILE} (2024)")
    assert [th.get_text() for th in soup.select("#table-scorecard thead th")][1:4] == [
        HOSTILE, "England", HOSTILE]
    links = [a["href"] for a in soup.find_all("a")]
    assert len(links) == len(set(links))  # each term linked on its first use only
    assert all(href.startswith(f"{GLOSSARY_PAGE}#") for href in links)
    assert f"{GLOSSARY_PAGE}#ehc-plan" in links and f"{GLOSSARY_PAGE}#rag-status" in links


def test_every_row_has_a_status_in_words_beside_its_colour_and_the_target_column():
    soup = BeautifulSoup(scorecard_html(_card(), "Demoton", "Demo Region", 10, GlossaryLinker()),
                         "html.parser")
    headings = [th.get_text() for th in soup.select("thead th")]
    assert headings == ["Indicator (period)", "Demoton", "England", "Demo Region",
                        "Neighbour average", "Neighbour rank", "Recent trend",
                        "Quartile band (A best)", "Local target", "RAG status"]
    rows = {tr.th.get_text(): [td.get_text() for td in tr.find_all("td")]
            for tr in soup.tbody.find_all("tr")}
    # in the summary's order: the alarm first
    assert list(rows) == ["Plans on time (%) (2024)", "Worse only (%) (2024)",
                          "Slipping (%) (2024)", "Unremarkable (%) (2024)",
                          "No polarity (%) (2024)", "Hidden (%) (2024)"]
    alarm = rows["Plans on time (%) (2024)"]
    assert alarm == ["22.6", "46.4 (worse)", "[x]", "51.0 (worse)", "10 of 11",
                     "Decreasing", "", "60.0 (not met)", "Red: worse"]
    assert rows["Hidden (%) (2024)"][0] == "[c]"
    statuses = {td.get_text(): td["class"] for td in soup.select("td.rag")}
    assert statuses["Red: worse"] == ["rag", "rag-red"]
    assert statuses["Amber: similar"] == ["rag", "rag-amber"]
    assert statuses["Not rated"] == ["rag", "rag-none"]
    note = soup.get_text()
    assert "simple (unweighted) mean of the published values of Demoton's 10 statistical" in note


def test_no_target_column_without_targets():
    card = _card()
    card["target"] = math.nan
    soup = BeautifulSoup(scorecard_html(card, "D", "R", 10, GlossaryLinker()), "html.parser")
    assert "Local target" not in [th.get_text() for th in soup.select("thead th")]


def test_linking_never_splits_a_character_reference_or_adds_other_markup():
    linker = GlossaryLinker()
    # escaping gives &lt; &quot; &amp;amp; &#x27; ...: each stays whole
    text = '<a href="x">SEND</a> &amp;SEND&#x27; \'EHC plans\', EHC plan; IMD decile'
    soup = BeautifulSoup(linker.link(escape(text)), "html.parser")
    assert soup.get_text() == text
    assert [(a.get_text(), a["href"]) for a in soup.find_all("a")] == [
        ("SEND", "glossary.html#send"), ("EHC plans", "glossary.html#ehc-plan"),
        ("IMD decile", "glossary.html#imd-decile")]
    assert linker.link(escape("SEND again")) == "SEND again"


def test_a_term_inside_a_longer_word_is_not_linked():
    assert GlossaryLinker().link("SENDER and SEN2x and wardens") == "SENDER and SEN2x and wardens"


def test_the_glossary_page_renders_every_term_with_its_anchor():
    context = PageContext(site_title="Site", page_title="Glossary",
                          nav=[Link("Glossary", GLOSSARY_PAGE, current=True)], downloads=[],
                          footer="Footer")
    soup = BeautifulSoup(render_page(html_notebook(glossary_cells()), context), "html.parser")
    assert soup.h1.get_text() == "Glossary"
    terms = glossary_terms()
    assert [dt["id"] for dt in soup.select("dl.glossary dt")] == [t.id for t in terms]
    assert {"ehc-plan", "sen-support", "sen2", "primary-need", "nc-year", "imd-decile",
            "funnel-plot", "confidence-interval", "statistical-neighbours",
            "twenty-week-timeliness"} <= {t.id for t in terms}
    definitions = [dd.get_text() for dd in soup.select("dl.glossary dd")]
    assert definitions == [t.definition for t in terms]


@pytest.mark.parametrize("entry", ['term = "X"\nid = "x"\ndefinition = "d"\n',
                                   'term = "X"\nid = "Not An Id"\ndefinition = "d"\nuses = ["X"]\n'])
def test_a_bad_glossary_entry_is_named(tmp_path, monkeypatch, entry):
    from jsna.render import glossary

    path = tmp_path / "glossary.toml"
    path.write_text("[[term]]\n" + entry)
    monkeypatch.setattr(glossary, "GLOSSARY_FILE", path)
    glossary.glossary_terms.cache_clear()
    try:
        with pytest.raises(ValueError, match="glossary.toml: term 1"):
            glossary.glossary_terms()
    finally:
        glossary.glossary_terms.cache_clear()


def test_summary_writes_each_value_in_its_indicators_unit():
    """Before: '... (£): 956.8% in 2024-25' and 'appeals ... per 1,000 ...: 30.6% in 2024'."""
    money = _card_row("Money", polarity="Not applicable", value=956.8, england=810.4,
                      neighbours=math.nan, to_england="Not compared", rag="Not rated")
    money["name"] = "High needs block allocation per resident aged 2 to 18 (£)"
    rate = _card_row("Appeals", polarity="Not applicable", value=30.64, england=38.9,
                     neighbours=40.12, to_england="Lower", to_neighbours="Lower",
                     rag="Not rated")
    rate["name"] = "SEND Tribunal appeals registered per 1,000 appealable decisions"
    card = pd.DataFrame([money, rate], columns=SCORECARD_COLUMNS)
    text = " ".join(line.text for line in summary_lines(card, "Demoton"))
    assert "High needs block allocation per resident aged 2 to 18: £957 in 2024" in text
    assert "England (£810)" in text
    assert ("SEND Tribunal appeals registered per 1,000 appealable decisions: 30.6 per 1,000 "
            "in 2024") in text
    assert "England (38.9 per 1,000)" in text and "average (40.1 per 1,000)" in text
    assert "%" not in text


def test_summary_also_compares_with_the_region_and_states_the_neighbour_average_method():
    """Before: the summary named England and the neighbours only (issue 18 item 1)."""
    on_time = _card_row("Plans on time", value=22.6, england=46.4, neighbours=51.04,
                        to_england="Worse", to_neighbours="Worse", worsening=False, rag="Red")
    on_time.update(region=40.0, compared_to_region="Worse")
    differs = _card_row("Differs", value=51.2, england=50.0, neighbours=49.0)
    differs.update(region=60.0, compared_to_region="Worse")
    no_region = _card_row("No region", value=51.2, england=50.0, neighbours=49.0)
    card = pd.DataFrame([on_time, differs, no_region], columns=SCORECARD_COLUMNS)
    lines = summary_lines(card, "Demoton", region="South <East>")
    assert [line.text for line in lines] == [
        "Plans on time: 22.6% in 2024, significantly worse than England (46.4%), South <East> "
        "(40.0%) and the statistical neighbour average (51.0%); over the latest five years it "
        "shows no significant change.",
        "Differs: 51.2% in 2024, similar to England (50.0%), significantly worse than South "
        "<East> (60.0%) and similar to the statistical neighbour average (49.0%); over the "
        "latest five years it shows no significant change.",
        "No region: 51.2% in 2024, similar to England (50.0%) and the statistical neighbour "
        "average (49.0%); over the latest five years it shows no significant change.",
    ]
    html = summary_html(lines, GlossaryLinker(), neighbour_average_note("Demoton", 10))
    assert "South &lt;East&gt;" in html and "<East>" not in html
    note = BeautifulSoup(html, "html.parser").find("p", class_="note").get_text()
    assert "simple (unweighted) mean of the published values of Demoton's 10 statistical " \
           "neighbours" in note
