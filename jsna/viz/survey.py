"""Survey answers as 100% stacked bars, one bar per group of respondents, with hidden answers grey.

The chart draws the shares it is given (already from disclosure-controlled counts): each answer's
share of the people who answered, in the survey's order of answers, and a grey "hidden" segment for
the answers whose counts were suppressed (their share together is the total less the published
answers, which a reader could work out from the table anyway). Matplotlib draws the stacked bars
(seaborn has no stacked bar that only places values) in the Analysis Function style.
"""

from __future__ import annotations

import math
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from jsna.viz.charts import COLOURS, STYLE, one_value_each  # noqa: E402
from jsna.viz.display import Figure  # noqa: E402

#: Label of the segment standing for the suppressed answers together.
HIDDEN = "Hidden (to protect small numbers)"
_HIDDEN_COLOUR = "#d9d9d9"


def survey_alt_text(data: pd.DataFrame, question: str) -> str:
    """Describe a question's bars: each group's answers with their shares, in survey order.

    Examples
    --------
    >>> rows = pd.DataFrame({"group": ["All", "All"], "response": ["Yes", "No"],
    ...                      "share": [75.0, None]})
    >>> survey_alt_text(rows, "Do you feel listened to?")
    'Bar chart of the answers to "Do you feel listened to?". All: Yes 75.0%, No hidden.'
    """
    parts = []
    for group, bars in data.groupby("group", sort=False):
        listed = ", ".join(f"{r} {'hidden' if pd.isna(s) else f'{s:.1f}%'}"
                           for r, s in zip(bars["response"], bars["share"], strict=True))
        parts.append(f"{group}: {listed}")
    return f'Bar chart of the answers to "{question}". ' + "; ".join(parts) + "."


def survey_chart(data: pd.DataFrame, *, name: str, question: str, caption: str,
                 source: str = "") -> Figure:
    """100% stacked horizontal bars of one question's answers, one bar per group.

    Parameters
    ----------
    data : DataFrame
        Columns ``group, response, share``: the share (%) of the group's people who answered
        who gave each response, in the survey's order; ``share`` is missing for a suppressed
        answer. A group whose every share is missing (its total is hidden) gets no bar.
    name, question, caption, source : str
        Figure key, the question (for the alt text), visible caption and source line.
    """
    one_value_each(data, ["group", "response"], name)
    responses = list(dict.fromkeys(data["response"]))
    groups = list(dict.fromkeys(data["group"]))
    colours = {r: COLOURS[i % len(COLOURS)] for i, r in enumerate(responses)}
    entries = len(responses) + 1  # room for the hidden segment's entry
    legend_height = 0.32 * math.ceil(entries / 3) + 0.1  # inches, under the axis title
    height = 0.55 * len(groups) + 1.1 + legend_height
    with plt.style.context(STYLE):
        figure, axes = plt.subplots(figsize=(9, height))
        drawn_hidden = False
        for position, group in enumerate(reversed(groups)):
            bars = data[data["group"] == group]
            if bars["share"].isna().all():
                continue
            left = 0.0
            for response, share in zip(bars["response"], bars["share"], strict=True):
                if pd.isna(share) or share <= 0:
                    continue
                axes.barh(position, share, left=left, color=colours[response],
                          edgecolor="white", height=0.6, label=response)
                if share >= 8:
                    text_colour = "white" if responses.index(response) in (0, 1, 2, 4) else "black"
                    axes.text(left + share / 2, position, f"{share:.0f}%", ha="center",
                              va="center", color=text_colour, fontsize=10)
                left += share
            rest = 100.0 - left
            if bars["share"].isna().any() and rest > 0.05:
                axes.barh(position, rest, left=left, color=_HIDDEN_COLOUR, edgecolor="white",
                          height=0.6, hatch="//", label=HIDDEN)
                drawn_hidden = True
        axes.set_yticks(range(len(groups)), [textwrap.fill(g, 28) for g in reversed(groups)])
        axes.set_xlim(0, 100)
        axes.set_xlabel("Per cent of those who answered")
        axes.grid(axis="y", visible=False)
        handles = {label: handle for handle, label in zip(*axes.get_legend_handles_labels(),
                                                          strict=True)}
        order = [r for r in responses if r in handles] + ([HIDDEN] if drawn_hidden else [])
        figure.legend([handles[label] for label in order], [textwrap.fill(r, 30) for r in order],
                      loc="lower center", ncol=min(3, len(order)), frameon=False)
        figure.tight_layout(rect=(0, legend_height / height, 1, 1))
    return Figure(name=name, caption=caption, alt=survey_alt_text(data, question),
                  figure=figure, source=source)
