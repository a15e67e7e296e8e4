"""A synthetic survey of children, young people and families, and a parent carer forum summary.

* ``voice/survey.csv`` — what a council's survey tool exports: one row per question, group of
  respondents and answer, with the number of people who gave it. Two groups answer (parents and
  carers, and young people with SEND, who are fewer), so some answers are given by only a few
  people and are hidden by the chapter's disclosure control. Some rows of answers nobody gave are
  left out, as survey tools do.
* ``voice/parent_carer_forum.md`` — the forum's summary in Markdown, with a link to a page of the
  site and one to an outside address.

The shares echo what parent carer forums and national surveys commonly report (waits for
assessment, being listened to, moving to adult services), but every number is drawn from a
seeded generator: nobody real is in it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SURVEY_FILE = "voice/survey.csv"
FORUM_FILE = "voice/parent_carer_forum.md"
_AGREE = ["Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree"]
#: Question, answers, the groups asked, and the expected share of each answer.
_QUESTIONS: list[tuple[str, list[str], tuple[str, ...], list[float]]] = [
    ("I feel listened to when decisions are made about my (my child's) support", _AGREE,
     ("Parents and carers", "Young people"), [0.12, 0.30, 0.18, 0.24, 0.16]),
    ("The support in school meets my (my child's) needs", _AGREE,
     ("Parents and carers", "Young people"), [0.10, 0.33, 0.20, 0.22, 0.15]),
    ("How long did you wait from asking for an EHC needs assessment to getting a decision?",
     ["Under 6 weeks", "6 to 20 weeks", "Over 20 weeks", "Still waiting"],
     ("Parents and carers",), [0.20, 0.38, 0.30, 0.12]),
    ("Do you know who to contact about your child's SEND support?",
     ["Yes", "No", "Not sure"], ("Parents and carers",), [0.55, 0.27, 0.18]),
    ("I feel ready for what happens after school or college",
     ["Yes", "Partly", "No", "I don't know"], ("Young people",), [0.22, 0.35, 0.28, 0.15]),
]
_RESPONDENTS = {"Parents and carers": 412, "Young people": 57}

FORUM_SUMMARY = """\
# What families told us, autumn term

*Demonstration text written by the synthetic demo: in a real JSNA the parent carer forum writes
this summary and the council sets `inputs.voice_forum` to it.*

We held six coffee mornings and two online sessions, and heard from 143 families across the
borough. Three things came up again and again.

1. **Waiting.** Families waiting for an EHC needs assessment described months without news.
   Several had chased the SEND team more than five times. The figures on
   [EHC needs assessments and plans](04_ehcp.html) show the same pattern.
2. **Being heard in school.** Where a SENCo had time to meet parents, families felt listened
   to. Where meetings were cancelled, trust fell quickly.
3. **Growing up.** Parents of 14 to 16 year olds asked for earlier, clearer information about
   college places, supported internships and adult social care.

> "Once we had a named person who rang us back, everything changed." (parent of a Year 7 pupil)

## What the forum asks of the partnership

- One named contact for each family during an EHC needs assessment.
- Preparing for adulthood conversations from Year 9, written into every annual review.
- A follow-up survey next year, so that families can see whether things have improved.

The forum publishes its full report itself; the group holds a copy with this JSNA's working papers.
"""


def survey_table(rng: np.random.Generator) -> pd.DataFrame:
    """The survey export: ``question, group, response, count`` (deterministic from ``rng``).

    Each group's answers are drawn from a multinomial of its respondents (some skip a question);
    an answer nobody gave is left out, as survey tools do.
    """
    rows = []
    for question, answers, groups, shares in _QUESTIONS:
        for group in groups:
            answered = int(rng.binomial(_RESPONDENTS[group], 0.9))
            tilt = rng.dirichlet(np.array(shares) * 60)  # each group sees it a bit differently
            counts = rng.multinomial(answered, tilt)
            rows += [{"question": question, "group": group, "response": answer,
                      "count": int(count)}
                     for answer, count in zip(answers, counts, strict=True) if count > 0]
    return pd.DataFrame(rows, columns=["question", "group", "response", "count"])


def write_voice(rng: np.random.Generator, folder: Path) -> tuple[Path, Path]:
    """Write the demo's survey results and forum summary under ``folder``.

    Parameters
    ----------
    rng : numpy.random.Generator
        The voice stream of the demo's seed.
    folder : Path
        The demo folder (the files go to ``voice/``).

    Returns
    -------
    (Path, Path)
        The survey CSV and the forum summary.
    """
    survey, forum = folder / SURVEY_FILE, folder / FORUM_FILE
    survey.parent.mkdir(parents=True, exist_ok=True)
    survey_table(rng).to_csv(survey, index=False, lineterminator="\n", encoding="utf-8")
    forum.write_text(FORUM_SUMMARY, encoding="utf-8")
    return survey, forum
