"""The group's narrative and the governance box: hostile text renders as text, links are checked."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from jsna.config import load_config
from jsna.errors import JsnaConfigError, JsnaInputError
from jsna.render.narrative import narrative_cells, narrative_html
from jsna.render.site import _governance_cells

PAGES = {"index.html", "01_population.html", "04_ehcp.html"}


def _render(text: str) -> BeautifulSoup:
    return BeautifulSoup(narrative_html(text, source="ehcp.md", pages=PAGES), "html.parser")


def test_raw_html_and_scripts_render_as_text():
    soup = _render('Plans <script>alert("x")</script> and <img src=x onerror=alert(1)>\n\n'
                   "<div onclick=alert(1)>block</div>\n\n<!-- a comment -->")
    assert soup.find("script") is None and soup.find("img") is None and soup.find("div") is None
    text = soup.get_text()
    assert '<script>alert("x")</script>' in text and "<div onclick=alert(1)>block</div>" in text
    assert not any(tag.attrs for tag in soup.find_all(True) if tag.name != "a")


def test_headings_move_below_the_pages_own():
    soup = _render("# Summary\n\n## Detail\n\n###### Small")
    assert [h.name for h in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])] == [
        "h3", "h4", "h6"]


def test_a_link_to_a_chapter_not_published_this_time_is_text():
    soup = _render("See [wards](02_wards.html).")
    assert soup.find("a") is None and soup.get_text().strip() == "See wards."


def test_links_to_site_pages_and_web_addresses_are_kept():
    soup = _render("See [plans](04_ehcp.html#timeliness), [top](#what-this-means), "
                   "[DfE](https://www.gov.uk/x) and [us](mailto:jsna@example.org).")
    assert [a["href"] for a in soup.find_all("a")] == [
        "04_ehcp.html#timeliness", "#what-this-means", "https://www.gov.uk/x",
        "mailto:jsna@example.org"]
    assert soup.find_all("a")[2]["rel"] == ["noopener", "noreferrer"]


@pytest.mark.parametrize(("text", "line", "what"), [
    ("Intro\n\nClick [here](javascript:alert(1)).", 3, "'javascript:alert(1)' is a link"),
    ("See [outcomes](09_outcomes.html).", 1, "'09_outcomes.html' is a link"),
    ("A\nB\n[file](C:/Users/me/notes.docx)", 3, "'C:/Users/me/notes.docx' is a link"),
    ("Chart:\n\n![rates](https://example.org/chart.png)", 3,
     "'https://example.org/chart.png' is an image"),
])
def test_refused_links_and_images_name_file_and_line(text, line, what):
    with pytest.raises(JsnaInputError) as caught:
        narrative_html(text, source="ehcp.md", pages=PAGES)
    assert f"ehcp.md line {line}: {what}" in str(caught.value)


def test_a_missing_file_shows_where_to_write_it(tmp_path):
    cells = narrative_cells(tmp_path, "wards", PAGES)
    html = "".join(text for _, text in cells)
    assert "What this means" in html and "wards.md in the narrative folder" in html
    assert "Not written yet" in html
    none_configured = "".join(text for _, text in narrative_cells(None, "wards", PAGES))
    assert "inputs.narrative" in none_configured


def test_a_file_that_is_not_utf8_is_named(tmp_path):
    (tmp_path / "ehcp.md").write_bytes("Caf\xe9 culture".encode("cp1252"))
    with pytest.raises(JsnaInputError, match=r"ehcp.md: not UTF-8 text \(byte 4\)"):
        narrative_cells(tmp_path, "ehcp", PAGES)


CONFIG = """
[area]
code = "E06000014"
name = "York"
region_code = "E12000003"
region_name = "Yorkshire and The Humber"
[jsna]
year = 2025
[chapters]
run = ["ehcp"]
[inputs.comparators]
ehcp_caseload = "c.csv"
ehcp_requests = "c.csv"
ehcp_assessments = "c.csv"
ehcp_timeliness = "c.csv"
statistical_neighbours = "c.csv"
"""


def _config(tmp_path: Path, extra: str):
    (tmp_path / "c.csv").write_text("x\n1\n")
    path = tmp_path / "jsna.toml"
    path.write_text(CONFIG + textwrap.dedent(extra))
    return load_config(path, check_chapters=False)


def test_governance_is_read_and_rendered_as_text(tmp_path):
    (tmp_path / "narrative").mkdir()
    config = _config(tmp_path, """
        [governance]
        owner = "Public Health <b>Intelligence</b>"
        board = "York Health & Wellbeing Board"
        approved_on = 2026-03-12
        next_review = "2027-03-31"
        """ + '[inputs]\nnarrative = "narrative"\n')
    assert config.governance.approved_on == "2026-03-12"
    assert config.inputs.narrative == tmp_path / "narrative"
    html = "".join(text for _, text in _governance_cells(config))
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("b") is None
    terms = dict(zip([dt.get_text() for dt in soup.find_all("dt")],
                     [dd.get_text() for dd in soup.find_all("dd")], strict=True))
    assert terms == {"Status": "Approved by York Health & Wellbeing Board on 12 March 2026",
                     "Owner": "Public Health <b>Intelligence</b>",
                     "Next review": "31 March 2027"}


def test_no_governance_is_a_draft(tmp_path):
    html = "".join(text for _, text in _governance_cells(_config(tmp_path, "")))
    assert "Draft: not yet approved by the Health and Wellbeing Board" in html


@pytest.mark.parametrize(("extra", "problem"), [
    ('[governance]\napproved_on = "12/03/2026"\n',
     "governance.approved_on should be a date such as 2026-03-31, got '12/03/2026'"),
    ("[governance]\nnext_review = 2027\n", "governance.next_review should be a date (2026-03-31)"),
    ('[inputs]\nnarrative = "no_such_folder"\n', "inputs.narrative: folder not found"),
    ("[governance]\nchair = \"A\"\n", "unknown key governance.chair"),
])
def test_bad_governance_or_narrative_settings_are_named(tmp_path, extra, problem):
    with pytest.raises(JsnaConfigError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        _config(tmp_path, extra)


def test_the_folder_is_checked_before_the_chapters_run(tmp_path):
    from jsna.render.narrative import check_narrative_folder

    (tmp_path / "overview.md").write_text("See [plans](04_ehcp.html).")
    (tmp_path / "ehcp.md").write_text("Fine.")
    check_narrative_folder(tmp_path, ["ehcp"])  # does not raise
    (tmp_path / "ehcp_plans.md").write_text("A misspelt file name.")
    (tmp_path / "population.md").write_text("Not run: [x](javascript:x)")
    with pytest.raises(JsnaInputError) as caught:
        check_narrative_folder(tmp_path, ["ehcp"])
    message = str(caught.value)
    assert "ehcp_plans.md: not a page of the toolkit, so never shown" in message
    # population is not run this time: its file is checked when it is
    assert "population.md line" not in message and "javascript" not in message
    (tmp_path / "ehcp_plans.md").unlink()
    check_narrative_folder(tmp_path, ["ehcp"])
    with pytest.raises(JsnaInputError, match="population.md line 1: 'javascript:x'"):
        check_narrative_folder(tmp_path, ["ehcp", "population"])
    check_narrative_folder(tmp_path / "no_such_folder", ["ehcp"])  # reported by the config
