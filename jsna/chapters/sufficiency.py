"""Sufficiency chapter: how many EHC plans the council may maintain in the years ahead.

The chapter back-tests every forecasting method of :mod:`jsna.forecast` on DfE's published SEN2
caseload (all councils in the file with a value in every January), tells the reader how far off
each was, and forecasts the council's plans for the next five Januaries with the method that
did best (never the baseline that is given England's outcome). The fan chart shows the median
forecast and its 80% interval. With the council's own censuses and schools list, the cohort
section (:mod:`jsna.chapters.sufficiency_cohort`) adds plans by setting and phase, scenarios,
specialist places against capacity and the cohort model's own back-test.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from jsna.chapters.base import Chapter, Findings
from jsna.chapters.common import require_comparator
from jsna.chapters.sufficiency_cohort import build_section
from jsna.config import Config
from jsna.disclosure import TableRules, apply_disclosure, format_suppressed
from jsna.errors import JsnaInputError
from jsna.forecast.backtest import (
    BacktestResult,
    backtest,
    standard_methods,
)
from jsna.forecast.projection import choose_method, forecast_ahead
from jsna.forecast.series import (
    england_series,
    full_runs,
    neighbour_lists,
    read_plans_series,
)
from jsna.indicators.table import INDICATOR_COLUMNS
from jsna.sources.la_codes import canonical_code
from jsna.sources.neighbours import read_statistical_neighbours
from jsna.viz.charts import COLOURS, STYLE
from jsna.viz.display import Figure, Table

KEY = "sufficiency"
TITLE = "Sufficiency: EHC plans in the years ahead"
SOURCE = "Source: DfE, Education, health and care plans (SEN2); forecasts by this JSNA."
#: Januaries forecast (DfE's school capacity return asks 5 years ahead for primary places).
YEARS_AHEAD = 5
#: The back-test forecasts this many Januaries ahead when the series is long enough.
BACKTEST_HORIZON = 3
LEVEL = 0.8
#: DfE's symbol for a cell that does not apply.
NOT_APPLICABLE = "[z]"


def backtest_years(first: int, last: int) -> int:
    """The last fitted January of the chapter's back-test.

    Three years before the last January when the series is long enough, but leaving three
    fitted Januaries where it can (so every method, the pooled model included, can be fitted),
    and always at least one January to forecast. With only two or three Januaries the methods
    that need more history are reported as not run.

    Parameters
    ----------
    first, last : int
        The first and last Januaries of the series.

    Returns
    -------
    int

    Raises
    ------
    JsnaInputError
        When the series has a single January (nothing to test a forecast against).
    """
    if last - first < 1:
        raise JsnaInputError(f"the forecasts need at least two Januaries of EHC plans; the "
                             f"file has only {first}")
    return min(last - 1, max(first + 2, last - BACKTEST_HORIZON))


def build(config: Config) -> Chapter:
    """Build the sufficiency chapter for a council.

    Parameters
    ----------
    config : Config
        The council's configuration (needs ``inputs.comparators.ehcp_caseload``; uses
        ``statistical_neighbours`` when set).

    Returns
    -------
    Chapter
        Findings, the forecast table and fan chart, the back-test table and disclosure audit.
    """
    path = require_comparator(config, "ehcp_caseload")
    series = read_plans_series(path)
    council = canonical_code(config.area.code)
    own = series[(series["area_code"] == council) & series["value"].notna()]
    if own.empty:
        raise JsnaInputError(f"{path}: no EHC plans for {config.area.name} ({config.area.code})")
    england = england_series(series)
    first = max(int(own["year"].min()), int(england.index.min()))
    last = int(own["year"].max())
    runs, excluded = full_runs(series, first, last)
    if council not in runs.index:
        reason = excluded.set_index("area_code")["reason"].get(council, "a gap in the series")
        raise JsnaInputError(f"{path}: {config.area.name} has no EHC plans in every January "
                             f"{first}-{last} ({reason})")
    neighbours_file = config.inputs.comparators.get("statistical_neighbours")
    neighbours = (neighbour_lists(read_statistical_neighbours(neighbours_file))
                  if neighbours_file is not None else None)
    fit_end = backtest_years(first, last)
    methods = standard_methods(england, neighbours=neighbours)
    result = backtest(runs, england, methods, fit_end=fit_end, target=last, level=LEVEL,
                      excluded=excluded)
    chosen = choose_method(result, methods)
    ahead = forecast_ahead(runs, england, chosen, years_ahead=YEARS_AHEAD, level=LEVEL)
    ahead = ahead[ahead["area_code"] == council]
    history = runs.loc[council]

    frame = _forecast_frame(history, ahead)
    name = f"{KEY}_forecast"
    rules = {name: TableRules(key=["January"], counts=["EHC plans (published)"])}
    hidden, audit = apply_disclosure({name: frame}, rules,
                                     threshold=config.disclosure.threshold,
                                     suppress_zeros=config.disclosure.suppress_zeros)
    published = format_suppressed(hidden[name], columns=["EHC plans (published)"])
    published = published.drop(columns="note")
    future = published["Forecast"] != NOT_APPLICABLE
    published["EHC plans (published)"] = published["EHC plans (published)"].astype(object).where(
        ~future, NOT_APPLICABLE)
    tables = {
        "forecast": Table(
            name=name,
            caption=(f"EHC plans maintained by {config.area.name} in January: published "
                     f"{first} to {last}, forecast {last + 1} to {last + YEARS_AHEAD} "
                     f"({LEVEL:.0%} interval)"),
            frame=published,
            formats={"EHC plans (published)": "count", "Forecast": "count",
                     f"Lower {LEVEL:.0%}": "count", f"Upper {LEVEL:.0%}": "count"},
            notes=[SOURCE, f"Forecast method: {chosen.label}, the method with the smallest "
                   "error in the back-test below among those that could have been used at the "
                   "time. Forecasts are rounded to whole plans. [z]: not applicable (no "
                   "forecast for a published January, no published figure for a future one).",
                   _interval_note(result, ahead)],
        ),
        "backtest": _backtest_table(result),
    }
    rules[tables["backtest"].name] = TableRules(key=["Method"], counts=[])
    mine_name = f"{KEY}_backtest_council"
    mine = _council_backtest_frame(result, council)
    rules[mine_name] = TableRules(key=["Method"], counts=["Published"])
    mine_hidden, mine_audit = apply_disclosure({mine_name: mine}, {mine_name: rules[mine_name]},
                                               threshold=config.disclosure.threshold,
                                               suppress_zeros=config.disclosure.suppress_zeros)
    audit = pd.concat([audit, mine_audit], ignore_index=True)
    tables["backtest_council"] = Table(
        name=mine_name,
        caption=(f"What each method forecast for {config.area.name} in January {result.target},"
                 f" fitted on January {result.first_year} to {result.fit_end}, and what DfE "
                 "published"),
        frame=format_suppressed(mine_hidden[mine_name], columns=["Published"]).drop(
            columns="note"),
        formats={"Forecast": "count", f"Lower {LEVEL:.0%}": "count",
                 f"Upper {LEVEL:.0%}": "count", "Published": "count", "Error (%)": "decimal"},
        notes=["Error is the forecast minus the published figure, as a percentage of the "
               "published figure: negative means the method forecast too few plans. "
               "[x]: no interval (the history was too short to test the method inside it).",
               SOURCE],
    )
    figures = {"fan": _fan_chart(history, ahead, config.area.name, chosen.label, tables)}
    sentences = _findings(config.area.name, history, ahead, result, chosen.key)
    cohort = build_section(config)
    tables.update(cohort.tables)
    figures.update(cohort.figures)
    rules.update(cohort.rules)
    audit = pd.concat([audit, cohort.audit], ignore_index=True)
    findings = Findings(sentences + cohort.findings)
    indicators = pd.DataFrame(columns=INDICATOR_COLUMNS)
    return Chapter(KEY, TITLE, findings, tables, figures, indicators, audit, rules)


def _forecast_frame(history: pd.Series, ahead: pd.DataFrame) -> pd.DataFrame:
    """Published Januaries, then forecast Januaries, one row each (forecasts rounded).

    A published January has no forecast and a future one no published figure: those cells are
    ``[z]`` (not applicable), never blank or zero.
    """
    lower, upper = f"Lower {LEVEL:.0%}", f"Upper {LEVEL:.0%}"
    past = pd.DataFrame({"January": [str(y) for y in history.index],
                         "EHC plans (published)": history.to_numpy(dtype=float),
                         "Forecast": NOT_APPLICABLE, lower: NOT_APPLICABLE,
                         upper: NOT_APPLICABLE})
    future = pd.DataFrame({"January": ahead["year"].astype(str).to_numpy(),
                           "EHC plans (published)": np.nan,
                           "Forecast": ahead["forecast"].round().to_numpy(),
                           lower: ahead["lower"].round().to_numpy(),
                           upper: ahead["upper"].round().to_numpy()})
    frame = pd.concat([past.astype(object), future.astype(object)], ignore_index=True)
    return frame


def _council_backtest_frame(result: BacktestResult, council: str) -> pd.DataFrame:
    """Each method's back-test forecast for the council beside the published outcome."""
    rows = result.forecasts[result.forecasts["area_code"] == council]
    labels = result.summary.set_index("method")["label"]
    return pd.DataFrame({
        "Method": rows["method"].map(labels).to_numpy(),
        "Forecast": rows["forecast"].round().to_numpy(),
        f"Lower {LEVEL:.0%}": rows["lower"].round().to_numpy(),
        f"Upper {LEVEL:.0%}": rows["upper"].round().to_numpy(),
        "Published": rows["actual"].to_numpy(),
        "Error (%)": ((rows["forecast"] - rows["actual"]) / rows["actual"] * 100).round(1)
        .to_numpy(),
    })


def _backtest_table(result: BacktestResult) -> Table:
    summary = result.summary
    inside = f"Outcomes inside the {result.level:.0%} interval (%)"
    frame = pd.DataFrame({
        "Method": summary["label"],
        "Councils": summary["councils"],
        "Average error (%)": summary["mape"].round(1),
        inside: summary["coverage"].round(1),
    })
    excluded = len(result.excluded)
    left_out = (f"{excluded} councils without a value in every January are left out "
                "(councils formed or abolished by a reorganisation, or with a gap)."
                if excluded else "Every council in the file has a value in every January.")
    return Table(
        name=f"{KEY}_backtest",
        caption=(f"How well each method forecast EHC plans: fitted on January "
                 f"{result.first_year} to {result.fit_end}, forecasting January {result.target},"
                 f" {int(summary['councils'].max())} councils"),
        frame=frame,
        formats={"Councils": "count", "Average error (%)": "decimal", inside: "decimal"},
        notes=["Average error is the mean absolute percentage error across councils (MAPE). "
               f"A good {result.level:.0%} interval holds about {result.level:.0%} of outcomes. "
               "[x]: not available (a method not run because the series is too short for it, or "
               "no interval because the history was too short to test the method inside it). "
               + left_out,
               "The baseline given England's published growth knows England's outcome, so it "
               "is a yardstick, not a forecast that could have been made at the time."],
    )


def _interval_note(result: BacktestResult, ahead: pd.DataFrame) -> str:
    note = (f"The {result.level:.0%} interval comes from the method's own errors when it "
            "forecast the last published January from earlier ones, across every council with a "
            "full series; it does not allow for a national change unlike any in the history.")
    outside = (ahead["forecast"] < ahead["lower"]) | (ahead["forecast"] > ahead["upper"])
    if outside.any():
        side = "under" if (ahead["forecast"] < ahead["lower"]).any() else "over"
        note += (f" The method {side}-forecast most councils in that test, so in some years the "
                 "interval lies wholly to one side of its forecast: the interval, not the "
                 "single figure, is the better guide.")
    return note


def _fan_chart(history: pd.Series, ahead: pd.DataFrame, name: str, label: str,
               tables: dict[str, Table]) -> Figure:
    years = [int(y) for y in history.index]
    with plt.style.context(STYLE):
        figure, axes = plt.subplots(figsize=(8, 4.5))
        axes.plot(years, history.to_numpy(), color=COLOURS[0], marker="o", linewidth=3,
                  label="Published")
        joined_years = [years[-1], *ahead["year"].tolist()]
        joined = [float(history.iloc[-1]), *ahead["forecast"].tolist()]
        if ahead["lower"].notna().all():
            band_low = [float(history.iloc[-1]), *ahead["lower"].tolist()]
            band_high = [float(history.iloc[-1]), *ahead["upper"].tolist()]
            axes.fill_between(joined_years, band_low, band_high, color=COLOURS[1], alpha=0.25,
                              label=f"{LEVEL:.0%} interval", linewidth=0)
        axes.plot(joined_years, joined, color=COLOURS[1], linestyle=(0, (4, 2)), marker="s",
                  linewidth=2, label="Forecast")
        axes.set_xticks(years + ahead["year"].tolist())
        axes.set_ylabel("EHC plans in January")
        axes.set_ylim(bottom=0)
        axes.legend(loc="upper left", frameon=False)
        figure.tight_layout()
    end = ahead.iloc[-1]
    alt = (f"EHC plans maintained by {name} went from {history.iloc[0]:,.0f} in January "
           f"{years[0]} to {history.iloc[-1]:,.0f} in January {years[-1]}. The forecast reaches "
           f"{end['forecast']:,.0f} in January {int(end['year'])}")
    if pd.notna(end["lower"]):
        alt += f", with an {LEVEL:.0%} interval from {end['lower']:,.0f} to {end['upper']:,.0f}"
    return Figure(name=f"{KEY}_fan", caption=tables["forecast"].caption, alt=alt + ".",
                  figure=figure, source=f"{SOURCE} Method: {label}.")


def _findings(name: str, history: pd.Series, ahead: pd.DataFrame, result: BacktestResult,
              chosen: str) -> list[str]:
    """Sentences written from the numbers (never typed-in figures)."""
    first, last = int(history.index[0]), int(history.index[-1])
    change = history.iloc[-1] / history.iloc[0] - 1
    sentences = [f"{name} maintained {history.iloc[-1]:,.0f} EHC plans in January {last}, "
                 f"{abs(change):.0%} {'more' if change >= 0 else 'fewer'} than in January "
                 f"{first}."]
    end = ahead.iloc[-1]
    text = (f"On the method that forecast best in the back-test, plans would reach about "
            f"{end['forecast']:,.0f} by January {int(end['year'])}")
    if pd.notna(end["lower"]) and end["lower"] <= end["forecast"] <= end["upper"]:
        text += (f" ({LEVEL:.0%} interval {end['lower']:,.0f} to {end['upper']:,.0f}: the "
                 "further ahead, the less certain).")
    elif pd.notna(end["lower"]):
        side = "under" if end["forecast"] < end["lower"] else "over"
        where = "above" if side == "under" else "below"
        text += (f"; but the method {side}-forecast most councils when tested, and its "
                 f"{LEVEL:.0%} interval, {end['lower']:,.0f} to {end['upper']:,.0f}, lies "
                 f"wholly {where} that figure: read the interval, not the single figure.")
    else:
        text += "."
    sentences.append(text)
    summary = result.summary.set_index("method")
    best = summary.loc[chosen]
    sentences.append(
        f"Tested on {int(best['councils'])} councils, fitted to January {result.fit_end} and "
        f"forecasting January {result.target}, that method was off by {best['mape']:.1f}% on "
        "average" + (f"; its {LEVEL:.0%} intervals held {best['coverage']:.0f}% of the outcomes."
                     if pd.notna(best["coverage"]) else "."))
    if "pooled_growth" in summary.index and chosen != "pooled_growth":
        pooled = summary.loc["pooled_growth"]
        if pd.notna(pooled["mape"]):
            sentences.append(
                f"The pooled model across councils was off by {pooled['mape']:.1f}% on average "
                f"in the same test, more than the method used, so it is not used.")
    return sentences
