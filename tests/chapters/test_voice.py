"""The voice of children, young people and families chapter: survey disclosure, safe text, inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from small_config import small_config

from jsna.chapters import voice
from jsna.errors import JsnaInputError
from jsna.sources.voice_survey import read_voice_survey


def _config(folder: Path, survey: str | None = None, forum: str | None = None,
            threshold: int = 5):
    lines = []
    if survey is not None:
        (folder / "survey.csv").write_text(survey, encoding="utf-8")
        lines.append('voice_survey = "survey.csv"')
    if forum is not None:
        (folder / "forum.md").write_text(forum, encoding="utf-8")
        lines.append('voice_forum = "forum.md"')
    return small_config(folder, "\n".join(lines), f"[disclosure]\nthreshold = {threshold}\n"
                        '[chapters]\nrun = ["voice", "ehcp"]\n')


# Hand-worked example (threshold 5). Question Q, two groups:
#                 Yes  No  total
#   Parents        10   6     16
#   Young people    4   0      4
#   All            14   6     20
# Primary: Young people Yes = 4 and Young people total = 4 (both 1..4).
# Young people's row: Yes(4) + No(0) = total(4): both hidden, fine within the row.
# Column "Yes": All(14) = Parents(10) + Young(4): Young hidden alone -> Parents Yes (10) hidden.
# Column "total": All(20) = Parents(16) + Young(4): Young total alone -> Parents total hidden.
# Parents' row: Yes(hidden) + No(6) = total(hidden): two unknowns, consistent.
# Nothing more: Parents No = 6, All row 14 / 6 / 20 and Young No = 0 stay published.
HAND = ("question,group,response,count\n"
        "Q,Parents,Yes,10\nQ,Parents,No,6\nQ,Young people,Yes,4\nQ,Young people,No,0\n")


def test_small_counts_are_hidden_with_secondary_suppression(tmp_path):
    chapter = voice.build(_config(tmp_path, survey=HAND))
    frame = chapter.tables["survey"].frame.set_index(["Group", "Response"])
    people = frame["People"]
    assert people[("Young people", "Yes")] == "[c]"
    assert people[("Young people", "Everyone who answered")] == "[c]"
    assert people[("Parents", "Yes")] == "[c]"  # the complement in the "Yes" column
    assert people[("Parents", "Everyone who answered")] == "[c]"  # ... and in the totals
    assert people[("Parents", "No")] == 6
    assert people[("Young people", "No")] == 0
    assert [people[("All respondents", r)] for r in ("Yes", "No", "Everyone who answered")] \
        == [14, 6, 20]
    assert (frame["People"] == "[c]").sum() == 4
    assert set(chapter.disclosure["table"]) == {"voice_survey"}


def test_no_hidden_count_is_recoverable_from_the_published_totals(tmp_path):
    # solve the published relations for each hidden cell by brute force: with every hidden cell
    # free in 0..20, more than one value of each is consistent with what is published
    chapter = voice.build(_config(tmp_path, survey=HAND))
    f = chapter.tables["survey"].frame.set_index(["Group", "Response"])["People"]
    solutions = set()
    for young_yes in range(21):
        for parents_yes in range(21):
            young_total = young_yes + f[("Young people", "No")]
            parents_total = parents_yes + f[("Parents", "No")]
            if (young_yes + parents_yes == f[("All respondents", "Yes")]
                    and young_total + parents_total == f[("All respondents",
                                                          "Everyone who answered")]):
                solutions.add((young_yes, parents_yes))
    assert len(solutions) > 1
    assert min(s[0] for s in solutions) == 0 and max(s[0] for s in solutions) >= 5


def test_percentages_use_published_counts_only(tmp_path):
    chapter = voice.build(_config(tmp_path, survey=HAND))
    frame = chapter.tables["survey"].frame.set_index(["Group", "Response"])
    share = frame["% of those who answered"]
    assert share[("All respondents", "Yes")] == pytest.approx(100 * 14 / 20)
    assert share[("All respondents", "No")] == pytest.approx(100 * 6 / 20)
    # Parents No = 6 is published, but its total (16) is hidden: 6/16 would give the total away
    assert share[("Parents", "No")] == "[c]"
    assert share[("Young people", "Yes")] == "[c]"
    assert share[("Young people", "No")] == "[c]"


def test_a_survey_without_groups_and_its_chart(tmp_path):
    survey = "Question,Response,Count\nHappy?,Yes,30\nHappy?,No,7\nHappy?,Not sure,3\n"
    chapter = voice.build(_config(tmp_path, survey=survey))
    frame = chapter.tables["survey"].frame
    assert list(frame.columns) == ["Question", "Response", "People", "% of those who answered"]
    assert frame["People"].tolist() == [30, "[c]", "[c]", 40]  # 3 hidden; 7 as its complement
    assert frame["% of those who answered"].tolist()[0] == pytest.approx(75.0)
    figure = chapter.figures["question_1"]
    assert "Yes 75.0%" in figure.alt and "No hidden" in figure.alt
    assert figure.svg().startswith(b"<?xml")
    assert any('75.0% of the 40 people who answered said "Yes"' in s
               for s in chapter.findings.sentences)


HOSTILE = '<script>alert(1)</script> & "$x$" =HYPERLINK("http://evil")'


def test_hostile_text_in_questions_responses_and_markdown_renders_as_text(tmp_path):
    survey = ("question,response,count\n"
              f"\"{HOSTILE.replace(chr(34), chr(34) * 2)}\",<img src=x onerror=alert(1)>,40\n"
              f"\"{HOSTILE.replace(chr(34), chr(34) * 2)}\",No,10\n")
    forum = "# Heard\n\n<script>alert('forum')</script>\n\n<b>bold</b> [site](04_ehcp.html)\n"
    chapter = voice.build(_config(tmp_path, survey=survey, forum=forum))
    table = chapter.tables["survey"].to_html()
    assert "<script>" not in table and "&lt;script&gt;" in table
    assert "<img" not in table and "&lt;img src=x" in table
    page = chapter.forum._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "<h3>Heard</h3>" in page and '<a href="04_ehcp.html">site</a>' in page
    findings = chapter.findings._repr_html_()
    assert "<script>" not in findings and "&lt;script&gt;" in findings
    written = chapter.tables["survey"].write_csv(tmp_path / "out")
    cells = pd.read_csv(written, dtype=str, keep_default_na=False)
    assert not cells["Question"].str.startswith("=").any()


def test_a_forum_link_to_a_file_or_script_is_refused_naming_file_and_line(tmp_path):
    forum = "Fine.\n\nSee [this](javascript:alert(1)).\n"
    with pytest.raises(JsnaInputError, match=r"forum.md line 3: 'javascript:alert\(1\)'"):
        voice.build(_config(tmp_path, forum=forum))


@pytest.mark.parametrize(("csv", "message"), [
    ("question,answer,count\nQ,Yes,1\n", r"missing column\(s\) response"),
    ("question,response,count\nQ,Yes,12\nQ,No,many\n",
     r"survey.csv: row 3, column count: 'many' is not a whole number"),
    ("question,response,count\nQ,Yes,12\n,No,3\n", r"survey.csv: row 3, column question: is blank"),
    ("question,response,count\nQ,Yes,-2\n", r"row 2, column count: '-2' is not a whole number"),
    ("question,response,count\nQ,Yes,2\nQ,Yes,3\n", r"row 3, column response: the same"),
    ("question,group,response,count\nQ,All respondents,Yes,2\n", r"row 2, column group"),
    ("question,response,count\nQ,Everyone who answered,2\n", r"row 2, column response"),
])
def test_a_bad_survey_is_one_line_naming_file_row_and_column(tmp_path, csv, message):
    (tmp_path / "survey.csv").write_text(csv, encoding="utf-8")
    with pytest.raises(JsnaInputError, match=message) as error:
        read_voice_survey(tmp_path / "survey.csv")
    assert "\n" not in str(error.value)


def test_without_inputs_the_page_names_them(tmp_path):
    chapter = voice.build(_config(tmp_path))
    assert chapter.findings.heading == "Input needed"
    assert "inputs.voice_survey" in chapter.findings.sentences[0]
    assert "inputs.voice_forum" in chapter.findings.sentences[0]
    assert not chapter.tables and not chapter.figures and chapter.forum is None


def test_a_survey_without_a_forum_summary_says_where_to_set_it(tmp_path):
    chapter = voice.build(_config(tmp_path, survey=HAND))
    assert "inputs.voice_forum" in chapter.forum._repr_html_()


def test_the_demo_survey_has_small_cells_that_the_chapter_hides():
    from jsna.demo.voice import survey_table
    survey = survey_table(np.random.default_rng([2025, 14]))
    assert (survey["count"].between(1, 4)).any()
    assert survey.groupby("question")["group"].nunique().max() == 2


def test_hostile_answers_and_groups_are_drawn_literally_in_the_chart(tmp_path):
    survey = ("question,group,response,count\n"
              'Is it <b>ok</b>?,$g$ group,Yes $x$,40\nIs it <b>ok</b>?,$g$ group,No,10\n'
              "Is it <b>ok</b>?,Others,Yes $x$,30\nIs it <b>ok</b>?,Others,No,20\n")
    chapter = voice.build(_config(tmp_path, survey=survey))
    figure = chapter.figures["question_1"]
    svg = figure.svg().decode("utf-8")
    assert "Yes $x$" in svg and "$g$ group" in svg  # drawn as written, no mathtext
    assert "<b>" not in figure.to_html() and "&lt;b&gt;" in figure.to_html()


def test_jsna_sources_refuses_a_bad_survey_with_the_chapters_message(tmp_path):
    from jsna.input_checks import describe_sources
    config = _config(tmp_path, survey="question,response,count\nQ,Yes,12\nQ,No,1.5\n")
    row = describe_sources(config).set_index("key").loc["voice_survey"]
    assert row["status"] == "problem"
    assert "row 3, column count: '1.5' is not a whole number" in row["detail"]
