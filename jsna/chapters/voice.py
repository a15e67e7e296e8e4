"""Chapter: the voice of children, young people and families.

Two optional inputs, either or both:

* ``inputs.voice_survey`` — the council's survey results as questions × responses (read by
  :func:`jsna.sources.voice_survey.read_voice_survey`): a table of every answer's count and
  share of the people who answered, and one chart per question;
* ``inputs.voice_forum`` — the parent carer forum's summary of what families told it, in Markdown,
  shown as written with the safe Markdown rules of the narrative (raw HTML as text, links
  checked, no images; :func:`jsna.viz.markdown.safe_markdown_html`).

Without either the page is a short box naming the inputs that would fill it.

Disclosure control: the survey's counts are people, so they go through
:func:`jsna.disclosure.apply_disclosure` with the council's threshold. Each question's answers add
up to its "Everyone who answered" row and, when the survey reports groups, each answer's groups add
up to its "All respondents" row; with these relations declared, secondary suppression hides a
further cell wherever a small count could be worked out from a total. Percentages are computed
after disclosure, from published counts only: a share is shown only when both its count and the
total it is a share of are published (a share of a hidden total would give that total away).

Each published answer is also a row of ``indicators.csv`` (:func:`answer_indicator_rows`,
``voice_survey_answer_percent``): the people giving it out of those who answered the question
(in a group, when the survey has groups), with a Wilson 95% interval. The rows are taken from the
protected table, so they publish its numbers and hide what it hides.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import numpy as np
import pandas as pd

from jsna.chapters.base import INPUT_NEEDED, Chapter, Findings, Gap
from jsna.chapters.wording import Wording, sentence
from jsna.config import Config
from jsna.disclosure import RowTotal, TableRules, apply_disclosure
from jsna.indicator_disclosure import indicator_pipeline
from jsna.indicators.comparisons import ComparatorAreas
from jsna.indicators.table import INDICATOR_COLUMNS, SUPPRESSED
from jsna.sources.la_codes import canonical_code
from jsna.sources.voice_survey import ALL_ANSWERS, ALL_GROUPS, read_voice_survey
from jsna.viz.display import Table
from jsna.viz.markdown import MarkdownBlock, read_markdown, safe_markdown_html, site_pages
from jsna.viz.survey import survey_chart

KEY = "voice"
TITLE = "Voice of children, young people and families"
WORDING = Wording(KEY)
COUNT = "People"
SHARE = "% of those who answered"
SURVEY_SOURCE = "Source: the council's survey of children, young people and families."


@dataclass
class VoiceChapter(Chapter):
    """The voice chapter: a :class:`Chapter` with the forum's summary (or a box naming it).

    Attributes
    ----------
    forum : MarkdownBlock or None
        The parent carer forum's summary, safely rendered; a box naming ``inputs.voice_forum``
        when a survey is given without it; None when neither input is given.
    """

    forum: MarkdownBlock | None = None


def _box(text: str) -> MarkdownBlock:
    return MarkdownBlock(f"<p>{escape(text)}</p>", css_class="narrative-missing")


def survey_table(survey: pd.DataFrame) -> pd.DataFrame:
    """Every answer's count, with each question's total and (with groups) all respondents.

    Parameters
    ----------
    survey : pandas.DataFrame
        ``question, group, response, count`` as read by
        :func:`jsna.sources.voice_survey.read_voice_survey`.

    Returns
    -------
    pandas.DataFrame
        ``Question, Group, Response, People``: per question and group, the answers in the
        survey's order then an :data:`ALL_ANSWERS` row (their sum); for a question more than
        one group answered, the :data:`ALL_GROUPS` rows (the groups' sum) come first. An answer
        a group did not give (no row in the file) is 0; a group not asked a question has no
        rows for it. No counts are hidden yet.

    Examples
    --------
    >>> s = pd.DataFrame({"question": ["Q"] * 3, "group": ["Young people", "Parents", "Parents"],
    ...                   "response": ["Yes", "Yes", "No"], "count": [4, 10, 6]})
    >>> survey_table(s)[["Group", "Response", "People"]].values.tolist()[:6]
    [['All respondents', 'Yes', 14], ['All respondents', 'No', 6], ['All respondents', 'Everyone who answered', 20], ['Young people', 'Yes', 4], ['Young people', 'No', 0], ['Young people', 'Everyone who answered', 4]]
    """
    order = list(dict.fromkeys(survey["group"]))
    pieces = []
    for question, rows in survey.groupby("question", sort=False):
        responses = list(dict.fromkeys(rows["response"]))
        groups = [g for g in order if g in set(rows["group"])]  # the groups asked it
        wide = (rows.pivot_table(index="response", columns="group", values="count",
                                 aggfunc="sum", fill_value=0)
                .reindex(index=responses, columns=groups, fill_value=0))
        if len(groups) > 1:
            wide.insert(0, ALL_GROUPS, wide.sum(axis=1))
        wide.loc[ALL_ANSWERS] = wide.sum(axis=0)
        long = (wide.rename_axis(index="Response", columns="Group").T.stack()
                .rename(COUNT).reset_index())
        long.insert(0, "Question", question)
        pieces.append(long)
    return pd.concat(pieces, ignore_index=True)[["Question", "Group", "Response", COUNT]]


def survey_rules(table: pd.DataFrame) -> TableRules:
    """How the survey table adds up: answers to each question's total; groups to all respondents.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`survey_table`, without its ``Group`` column when the survey has no groups.

    Returns
    -------
    TableRules
        ``People`` is the count column and the share derived from it; the answers of a question
        (within a group) add up to its :data:`ALL_ANSWERS` row; with groups, the groups of an
        answer add up to its :data:`ALL_GROUPS` row.
    """
    within = [c for c in ("Question", "Group") if c in table.columns]
    answers = sorted(set(table["Response"]) - {ALL_ANSWERS})
    relations: list[RowTotal] = [RowTotal(total={"Response": ALL_ANSWERS},
                                          parts={"Response": answers}, within=within)]
    if "Group" in table.columns:
        groups = sorted(set(table["Group"]) - {ALL_GROUPS})
        relations.append(RowTotal(total={"Group": ALL_GROUPS}, parts={"Group": groups},
                                  within=["Question", "Response"]))
    return TableRules(key=[*within, "Response"], counts=[COUNT], derived={SHARE: [COUNT]},
                      relations=relations)


def shares_of_published(protected: pd.DataFrame) -> pd.Series:
    """Each answer's share of its question's total, from published counts only.

    A share is missing when its count or its total is hidden (a share of a hidden total, with
    its published count, would give the total away).

    Examples
    --------
    >>> t = pd.DataFrame({"Question": ["Q"] * 3, "Group": ["All respondents"] * 3,
    ...                   "Response": ["Yes", "No", "Everyone who answered"],
    ...                   "People": [30.0, 10.0, 40.0]})
    >>> shares_of_published(t).tolist()
    [75.0, 25.0, 100.0]
    """
    by = [protected[c] for c in ("Question", "Group") if c in protected.columns]
    total = (protected[COUNT].where(protected["Response"] == ALL_ANSWERS)
             .groupby(by, sort=False).transform("max"))
    share = 100 * protected[COUNT] / total
    return share.where(protected[COUNT].notna() & total.notna() & (total > 0))


def protect_survey(table: pd.DataFrame, threshold: int, suppress_zeros: bool = False,
                   ) -> tuple[pd.DataFrame, pd.DataFrame, TableRules]:
    """Disclosure control on the survey table, then shares from the published counts.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`survey_table`; its ``Group`` column is dropped when the survey has no groups.
    threshold : int
        Counts from 1 to ``threshold - 1`` are hidden (with secondary suppression).
    suppress_zeros : bool, default False
        Hide true zeros too.

    Returns
    -------
    protected : pandas.DataFrame
        ``Question, [Group,] Response, People, % of those who answered, note``: hidden counts
        and shares missing, ``note`` ``[c]`` on rows with a hidden count.
    audit : pandas.DataFrame
        One row per hidden cell (no values).
    rules : TableRules
        The table's rules as published (for the site-wide disclosure gate).
    """
    if set(table["Group"]) == {ALL_GROUPS}:
        table = table.drop(columns="Group")
    name = f"{KEY}_survey"
    rules = survey_rules(table)
    protected, audit = apply_disclosure({name: table.assign(**{SHARE: np.nan})}, {name: rules},
                                        threshold=threshold, suppress_zeros=suppress_zeros)
    out = protected[name]
    out[SHARE] = shares_of_published(out)
    return out, audit, rules


#: Indicator id of the survey's answers (``catalogue.csv``).
ANSWER_INDICATOR = "voice_survey_answer_percent"


def answer_breakdown(question: object, response: object, group: object = ALL_GROUPS) -> str:
    """The breakdown of one answer's indicator row: ``question: response``, and `` (group)``
    for a group's answer.

    >>> answer_breakdown("Do you feel listened to?", "Yes", "Parents")
    'Do you feel listened to?: Yes (Parents)'
    """
    text = f"{question}: {response}"
    return text if group == ALL_GROUPS else f"{text} ({group})"


def answer_indicator_rows(protected: pd.DataFrame, *, area_code: str, area_name: str,
                          period: str) -> pd.DataFrame:
    """Every answer of the protected survey table as an indicator row (before statistics).

    Parameters
    ----------
    protected : pandas.DataFrame
        From :func:`protect_survey` (hidden counts missing).
    area_code, area_name : str
        The council.
    period : str
        The JSNA year (a survey has no period of its own).

    Returns
    -------
    pandas.DataFrame
        ``indicator_id`` (:data:`ANSWER_INDICATOR`), ``area_code, area_name, area_type, period,
        breakdown`` (:func:`answer_breakdown`), ``count`` (the people giving the answer),
        ``denominator`` (those who answered the question, in the group), each missing where
        the table hides it, and ``note`` ``[c]`` where either is hidden (the share needs both,
        as the table's does).
    """
    table = protected if "Group" in protected.columns else protected.assign(Group=ALL_GROUPS)
    by = [table["Question"], table["Group"]]
    total = (table[COUNT].where(table["Response"] == ALL_ANSWERS)
             .groupby(by, sort=False).transform("max"))
    # the total row of a question stands for "everyone who answered": it is not an answer
    answers = table["Response"] != ALL_ANSWERS
    hidden = table[COUNT].isna() | total.isna()
    rows = pd.DataFrame({
        "indicator_id": ANSWER_INDICATOR, "area_code": area_code, "area_name": area_name,
        "area_type": "Local authority", "period": period,
        "breakdown": [answer_breakdown(q, r, g) for q, r, g in
                      zip(table["Question"], table["Response"], table["Group"], strict=True)],
        "count": pd.to_numeric(table[COUNT], errors="coerce"),
        "denominator": pd.to_numeric(total, errors="coerce"),
        "note": np.where(hidden, SUPPRESSED, "")})
    return rows[answers.to_numpy()].reset_index(drop=True)


def _shown(protected: pd.DataFrame) -> pd.DataFrame:
    """The table as published: hidden counts and shares read ``[c]``."""
    shown = protected.drop(columns="note")
    for column in (COUNT, SHARE):
        shown[column] = shown[column].astype(object).where(shown[column].notna(), SUPPRESSED)
    return shown


def _findings(protected: pd.DataFrame, groups: list[str]) -> list[str]:
    """The most common published answer to each question, among all who answered."""
    sentences = []
    if "Group" not in protected.columns:
        protected = protected.assign(Group=ALL_GROUPS)
    for question, asked in protected.groupby("Question", sort=False):
        everyone = next(iter(dict.fromkeys(asked["Group"])))  # all respondents, or the one group
        rows = asked[asked["Group"] == everyone]
        answers = rows[(rows["Response"] != ALL_ANSWERS) & rows[SHARE].notna()]
        total = rows.loc[rows["Response"] == ALL_ANSWERS, COUNT].iloc[0]
        if answers.empty or pd.isna(total):
            continue
        top = answers.loc[answers[SHARE].idxmax()]
        parts = [WORDING.fill("most_common", question=question, share=top[SHARE],
                              answered=total, response=top["Response"],
                              who=WORDING.pick("who", everyone))]
        for group in groups if everyone == ALL_GROUPS else []:
            mine = asked[(asked["Group"] == group) & (asked["Response"] == top["Response"])]
            if len(mine) and pd.notna(mine[SHARE].iloc[0]):
                parts.append(WORDING.fill("by_group", group=group,
                                          group_share=mine[SHARE].iloc[0]))
        sentences.append(sentence(*parts))
    hidden = int((protected["note"] == SUPPRESSED).sum())
    if hidden:
        sentences.append(sentence(WORDING.fill("hidden")))
    return sentences


def _figures(protected: pd.DataFrame, council: str) -> dict:
    figures = {}
    for number, (question, rows) in enumerate(protected.groupby("Question", sort=False), 1):
        answers = rows[rows["Response"] != ALL_ANSWERS]
        if "Group" not in answers.columns:
            answers = answers.assign(Group=ALL_GROUPS)
        figures[f"question_{number}"] = survey_chart(
            answers.rename(columns={"Group": "group", "Response": "response", SHARE: "share"}),
            name=f"{KEY}_question_{number}", question=question,
            caption=f"Answers to \"{question}\", {council}: per cent of those who answered",
            source=SURVEY_SOURCE)
    return figures


def build(config: Config) -> VoiceChapter:
    """Build the voice of children, young people and families chapter.

    Parameters
    ----------
    config : Config
        The council's configuration; uses ``inputs.voice_survey`` and ``inputs.voice_forum``
        when set.

    Returns
    -------
    VoiceChapter
        Findings, the survey table and one chart per question (when a survey is given), the
        forum's summary (or a box naming its input), the disclosure audit and the survey's
        answers as indicator rows (:func:`answer_indicator_rows`).

    Raises
    ------
    JsnaInputError
        A survey file that cannot be read (one line naming the file, row and column), or a forum
        summary that is not UTF-8 or has a refused link or image (naming the file and line).
    """
    survey_path = getattr(config.inputs, "voice_survey", None)
    forum_path = getattr(config.inputs, "voice_forum", None)
    no_rows = pd.DataFrame(columns=INDICATOR_COLUMNS)
    audit = pd.DataFrame(columns=["table", "row_key", "column", "reason"])
    if survey_path is None and forum_path is None:
        return VoiceChapter(KEY, TITLE, Findings([sentence(WORDING.fill("missing_input"))],
                                                 heading=INPUT_NEEDED), indicators=no_rows,
                            disclosure=audit)
    sentences: list[str] = []
    indicators = no_rows
    tables: dict[str, Table] = {}
    rules: dict[str, TableRules] = {}
    figures: dict = {}
    gaps: list[Gap] = []
    if survey_path is not None:
        survey = read_voice_survey(survey_path)
        groups = [g for g in dict.fromkeys(survey["group"]) if g != ALL_GROUPS]
        threshold = config.disclosure.threshold
        protected, audit, table_rules = protect_survey(
            survey_table(survey), threshold, config.disclosure.suppress_zeros)
        tables["survey"] = Table(
            f"{KEY}_survey", f"Survey answers, {config.area.name}: people giving each answer and "
            "their share of everyone who answered the question", _shown(protected),
            formats={COUNT: "count", SHARE: "percent"}, row_header="Question",
            notes=[SURVEY_SOURCE.removeprefix("Source: ").capitalize(),
                   f"[c] = hidden: fewer than {threshold} people, or a number hidden so that a "
                   "small number cannot be worked out from the totals. Shares are of the people "
                   "who answered each question, computed from the published numbers only."])
        rules[tables["survey"].name] = table_rules
        areas = ComparatorAreas(canonical_code(config.area.code),
                                canonical_code(config.area.region_code), config.area.region_name,
                                [canonical_code(code) for code in config.neighbours],
                                council_name=config.area.name)
        answer_rows = answer_indicator_rows(protected, area_code=areas.council,
                                            area_name=config.area.name, period=str(config.year))
        indicators, indicator_audit = indicator_pipeline(answer_rows, config=config, areas=areas)
        audit = pd.concat([audit, indicator_audit], ignore_index=True)
        figures = _figures(protected, config.area.name)
        sentences += _findings(protected, groups)
    else:
        sentences.append(sentence(WORDING.fill("missing_survey")))
        gaps.append(Gap("Survey answers", "inputs.voice_survey is not set."))
    if forum_path is not None:
        html = safe_markdown_html(read_markdown(forum_path), source=str(forum_path),
                                  pages=site_pages(config.chapters))
        forum = MarkdownBlock(html, css_class="narrative voice-forum")
        sentences.append(sentence(WORDING.fill("forum")))
    else:
        forum = _box(sentence(WORDING.fill("missing_forum")))
        gaps.append(Gap("The parent carer forum's summary", "inputs.voice_forum is not set."))
    return VoiceChapter(KEY, TITLE, Findings(sentences), tables, figures, indicators, audit,
                        rules, gaps, forum=forum)
