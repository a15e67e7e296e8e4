"""The sufficiency chapter's cohort section: plans by setting and phase from the council's census.

Runs when the council gives two or more consecutive censuses and a schools list: the cohort
(Markov) model of :mod:`jsna.forecast.cohort` is fitted on every census and simulated
:data:`YEARS_AHEAD` Januaries ahead (:data:`DRAWS` draws, fixed seed, so a refresh of the same
inputs gives the same figures), with the configured scenarios side by side and the specialist
places needed by phase against the capacity file. With three or more censuses it is also
back-tested: fitted without the last :data:`BACKTEST_YEARS` censuses and compared with them.
Councils without a census keep the pooled model of the chapter's first part.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from jsna.chapters.common import load_pupils
from jsna.config import Config, ForecastScenario
from jsna.disclosure import RowTotal, SameCells, TableRules, apply_disclosure, format_suppressed
from jsna.forecast.cohort import (
    PHASES,
    SETTING_KEYS,
    SETTINGS,
    SPECIALIST_SETTINGS,
    joiner_scale_from_population,
)
from jsna.forecast.cohort_forecast import (
    CohortRun,
    backtest_cohort,
    fan_table,
    plan_states,
    run_cohort,
    scenario_adjustment,
)
from jsna.forecast.places import HORIZONS, places_needed, specialist_places
from jsna.sources.capacity import read_specialist_capacity
from jsna.sources.schools import read_schools
from jsna.viz.charts import COLOURS, STYLE
from jsna.viz.display import Figure, Table

KEY = "sufficiency"
#: Januaries simulated (the SCAP horizon for secondary places).
YEARS_AHEAD = 7
DRAWS = 1000
SEED = 2025
#: Censuses held back in the back-test (fitted on the earlier ones).
BACKTEST_YEARS = 2
ALL = "All settings"
CENSUS = "Pupils with an EHC plan (census)"
SOURCE = ("Source: the council's January school census (pupils with an EHC plan in its schools);"
          " forecasts by this JSNA's cohort model.")
CENTRAL = "Central forecast"


@dataclass
class CohortSection:
    """What the cohort section adds to the chapter (all empty when it cannot run)."""

    tables: dict[str, Table] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)
    rules: dict[str, TableRules] = field(default_factory=dict)
    audit: pd.DataFrame = field(default_factory=pd.DataFrame)
    findings: list[str] = field(default_factory=list)


def why_not_run(config: Config) -> str | None:
    """Why the cohort model cannot run for this council (None when it can)."""
    years = config.census_years
    if len(years) < 2 or years != list(range(years[0], years[-1] + 1)):
        return ("The forecast by setting needs two or more consecutive January censuses; with "
                "published figures only, the pooled model above is the forecast.")
    if config.inputs.schools is None:
        return ("The forecast by setting needs the schools list (inputs.schools) to place each "
                "pupil in a setting; the pooled model above is the forecast.")
    return None


def build_section(config: Config) -> CohortSection:
    """Fit, simulate and publish the cohort section (see the module's description)."""
    reason = why_not_run(config)
    if reason is not None:
        return CohortSection(findings=[reason])
    every = plan_states(load_pupils(config), read_schools(config.inputs.schools))
    linked = every["pupil_key"].notna() & every["age"].notna()
    states = every[linked]  # the model follows pupils by key and age; the rest are noted
    last = int(states["census_year"].max())
    ahead = list(range(last + 1, last + YEARS_AHEAD + 1))
    scale, scale_note = _joiner_scale(config, states, ahead)
    central = run_cohort(states, fit_end=last, years_ahead=YEARS_AHEAD, draws=DRAWS, seed=SEED,
                         joiner_scale=scale)
    capacity = (read_specialist_capacity(config.inputs.specialist_capacity)
                if config.inputs.specialist_capacity is not None else None)
    section = CohortSection()
    seen = [s for s in SETTINGS if s in set(states["setting"])]
    history = _history_frame(states, seen)
    tables = {"cohort_history": history}
    rules = {f"{KEY}_cohort_history": TableRules(
        key=["Setting", "January"], counts=[CENSUS],
        relations=[RowTotal(total={"Setting": ALL}, parts={"Setting": seen},
                            within=["January"])])}
    backtest = None
    if len(config.census_years) > BACKTEST_YEARS + 1:
        backtest = backtest_cohort(states, fit_end=last - BACKTEST_YEARS, draws=DRAWS, seed=SEED)
        tables["cohort_backtest"] = _backtest_frame(backtest[backtest["setting"].isin(
            [*seen, ALL])])
        rules[f"{KEY}_cohort_backtest"] = TableRules(
            key=["Setting", "January"], counts=[CENSUS], derived={"Error (%)": [CENSUS]},
            relations=[SameCells(f"{KEY}_cohort_history", on=["Setting", "January"],
                                 columns={CENSUS: CENSUS})])
    hidden, section.audit = apply_disclosure(
        {f"{KEY}_{name}": frame for name, frame in tables.items()}, rules,
        threshold=config.disclosure.threshold, suppress_zeros=config.disclosure.suppress_zeros)
    published = {name: format_suppressed(hidden[f"{KEY}_{name}"], columns=[CENSUS]).drop(
        columns="note") for name in tables}
    section.rules.update(rules)
    section.tables["cohort_history"] = Table(
        name=f"{KEY}_cohort_history",
        caption=(f"Pupils with an EHC plan in {config.area.name}'s census by setting, January "
                 f"{states['census_year'].min()} to {last}"),
        frame=published["cohort_history"], formats={CENSUS: "count"},
        notes=[SOURCE, _setting_note(seen)] + ([
            f"{int((~linked).sum()):,} census records of pupils with a plan have no pupil key "
            "(UPN blank) or no age, so the model cannot follow them; they are left out here "
            "and in the forecasts."] if (~linked).any() else []))
    forecast = _forecast_frame(central, seen)
    section.tables["cohort_settings"] = _model_table(
        f"{KEY}_cohort_settings", forecast,
        f"Pupils with an EHC plan by setting, forecast January {ahead[0]} to {ahead[-1]} "
        "(median and intervals)", [SOURCE, scale_note, _interval_note()], "Setting")
    phases = fan_table(central, ["phase"]).rename(columns={"phase": "Phase"})
    section.tables["cohort_phases"] = _model_table(
        f"{KEY}_cohort_phases", _rename(phases), "Pupils with an EHC plan by phase (age on 31 "
        f"August: primary 4-10, secondary 11-15, post-16 16 and over), forecast January "
        f"{ahead[0]} to {ahead[-1]}", [SOURCE, _interval_note()], "Phase")
    runs = {CENTRAL: central}
    for scenario in config.scenarios:
        change = scenario_adjustment(scenario, central.counts.states, ahead[0])
        runs[scenario.label] = run_cohort(states, fit_end=last, years_ahead=YEARS_AHEAD,
                                          draws=DRAWS, seed=SEED, joiner_scale=scale,
                                          adjustment=change)
    places = places_needed(central, capacity)
    section.tables["places"] = _places_table(places, capacity is not None)
    section.tables["scenarios"] = _scenario_table(runs, capacity, config)
    for name in ("cohort_settings", "cohort_phases", "places", "scenarios"):
        table = section.tables[name]
        section.rules[table.name] = TableRules(key=[table.frame.columns[0], "January"]
                                               if "January" in table.frame else
                                               [table.frame.columns[0]], counts=[])
    history_published = published["cohort_history"]
    section.figures["cohort_fan"] = _fan_figure(history_published, central, seen,
                                                config.area.name)
    if backtest is not None:
        section.tables["cohort_backtest"] = _backtest_table(published["cohort_backtest"],
                                                            last - BACKTEST_YEARS)
    section.findings = _findings(config, central, places, capacity is not None,
                                 backtest, last)
    return section


def _joiner_scale(config: Config, states: pd.DataFrame, ahead: list[int]
                  ) -> tuple[np.ndarray | None, str]:
    """Joiners scaled by the population file when it covers the years ahead."""
    note = ("New plans each year (joiners) are kept at their average over the censuses: the "
            "population file does not project the years ahead.")
    if config.inputs.population is None:
        return None, note.replace("the population file does not project the years ahead",
                                  "no population file is given")
    from jsna.sources.ons import read_population

    population = read_population(config.inputs.population)
    own = population[(population["area_code"] == config.area.code)
                     & (population["sex"] == "Persons")]
    years = sorted(int(y) for y in states["census_year"].unique())
    ages = range(int(states["age"].min()), int(states["age"].max()) + 1)
    scale = joiner_scale_from_population(own, list(ages), years[1:], ahead)
    if scale is None:
        return None, note
    return scale, ("New plans each year (joiners) are scaled by the projected population of "
                   "each age.")


def _history_frame(states: pd.DataFrame, seen: list[str]) -> pd.DataFrame:
    counts = states.groupby(["census_year", "setting"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=seen, fill_value=0)
    counts[ALL] = counts.sum(axis=1)
    frame = counts.stack().rename(CENSUS).reset_index()
    frame = frame.rename(columns={"census_year": "January", "setting": "Setting"})
    order = {s: i for i, s in enumerate([*seen, ALL])}
    frame = frame.sort_values(["Setting", "January"], key=lambda c: c.map(order)
                              if c.name == "Setting" else c, kind="stable")
    return frame[["Setting", "January", CENSUS]].astype({"January": str}).reset_index(drop=True)


def _setting_note(seen: list[str]) -> str:
    empty = [s for s in SETTINGS if s not in seen]
    note = ("Settings come from the schools list: special schools, mainstream schools, "
            "alternative provision; a school not in the list counts as other.")
    if empty:
        note += (f" No pupil was in: {'; '.join(empty)} (a school census does not hold pupils in"
                 " independent schools or colleges, and the schools list does not mark resourced"
                 " provisions).")
    return note


def _rename(frame: pd.DataFrame) -> pd.DataFrame:
    names = {"year": "January", "median": "Forecast (median)", "lower_50": "Lower 50%",
             "upper_50": "Upper 50%", "lower_80": "Lower 80%", "upper_80": "Upper 80%",
             "lower_95": "Lower 95%", "upper_95": "Upper 95%"}
    frame = frame.rename(columns=names)
    numbers = [c for c in names.values() if c != "January"]
    frame[numbers] = frame[numbers].round()
    return frame.astype({"January": str})


def _forecast_frame(run: CohortRun, seen: list[str]) -> pd.DataFrame:
    by_setting = fan_table(run, ["setting"])
    by_setting = by_setting[by_setting["setting"].isin(seen)]
    total = fan_table(run).assign(setting=ALL)
    frame = pd.concat([by_setting, total[by_setting.columns]], ignore_index=True)
    return _rename(frame.rename(columns={"setting": "Setting"}))


def _interval_note() -> str:
    return (f"From {DRAWS:,} simulations, each drawing its own rates of moving, leaving and "
            "joining from what the censuses show (Dirichlet and gamma posteriors) and then its "
            "own pupils' moves: the 50%, 80% and 95% intervals should hold the outcome in 1, 4 "
            "and 19 years out of 2, 5 and 20, if the coming years are like the past ones.")


def _model_table(name: str, frame: pd.DataFrame, caption: str, notes: list[str],
                 first: str) -> Table:
    formats = {c: "count" for c in frame.columns if c not in (first, "January")}
    return Table(name=name, caption=caption, frame=frame, formats=formats, notes=notes)


PLACES_NAMES = {"phase": "Phase", "year": "January",
                "median": "Pupils needing a specialist place (median)",
                "lower_80": "Lower 80%", "upper_80": "Upper 80%", "places": "Specialist places",
                "shortfall": "Places short (median minus places)",
                "chance_short": "Chance of too few places (%)"}


def _places_table(places: pd.DataFrame, has_capacity: bool) -> Table:
    frame = places.rename(columns=PLACES_NAMES)
    frame["Chance of too few places (%)"] = (frame["Chance of too few places (%)"] * 100).round()
    frame = frame.astype({"January": str})
    for column in ["Pupils needing a specialist place (median)", "Lower 80%", "Upper 80%",
                   "Places short (median minus places)"]:
        frame[column] = frame[column].round()
    if not has_capacity:
        frame = frame.drop(columns=["Specialist places", "Places short (median minus places)",
                                    "Chance of too few places (%)"])
    formats = {c: "count" for c in frame.columns if c not in ("Phase", "January")}
    notes = [f"Specialist places: resourced provisions and SEN units, state-funded special "
             "schools, independent and non-maintained special schools. Years ahead as in DfE's "
             f"school capacity (SCAP) return: {HORIZONS['Primary']} for primary, "
             f"{HORIZONS['Secondary']} for secondary and post-16.", SOURCE]
    notes.append("Places: the council's specialist capacity file (inputs.specialist_capacity)."
                 if has_capacity else "No capacity file is given (inputs.specialist_capacity), "
                 "so places are not compared.")
    return Table(name=f"{KEY}_places", caption="Pupils with an EHC plan needing a specialist "
                 "place by phase, against the specialist places there are", frame=frame,
                 formats=formats, notes=notes)


def _scenario_table(runs: dict[str, CohortRun], capacity: pd.DataFrame | None,
                    config: Config) -> Table:
    scenarios = {s.label: s for s in config.scenarios}
    rows = []
    for label, run in runs.items():
        totals = fan_table(run)
        for horizon in (HORIZONS["Primary"], HORIZONS["Secondary"]):
            year = run.years[horizon - 1]
            total = totals[totals["year"] == year].iloc[0]
            specialist = np.isin(run.settings, SPECIALIST_SETTINGS)
            draws = run.paths[:, horizon - 1][..., specialist].sum(axis=(-2, -1))
            row = {"Scenario": label, "January": str(year),
                   "EHC plans (median)": round(total["median"]),
                   "Lower 80%": round(total["lower_80"]), "Upper 80%": round(total["upper_80"]),
                   "Needing a specialist place (median)": round(float(np.median(draws)))}
            if capacity is not None:
                row["Specialist places"] = sum(
                    specialist_places(capacity, scenarios.get(label), phase, year)
                    for phase in PHASES)
                row["Places short"] = row["Needing a specialist place (median)"] - row[
                    "Specialist places"]
            rows.append(row)
    frame = pd.DataFrame(rows)
    described = [f"{s.label}: {_describe(s)}" for s in config.scenarios]
    notes = ["Central forecast: the rates of the censuses carried forward. "
             + (" ".join(described) if described else
                "No scenario is configured ([forecast.scenarios.<name>] in jsna.toml)."),
             "Needing a specialist place and specialist places: every phase, from the capacity "
             "file plus a scenario's new places (places short: above 0, too few places). "
             "Each scenario uses the same simulated rates as the central forecast, so the "
             "differences come from the scenario alone.", SOURCE]
    return Table(name=f"{KEY}_scenarios", caption="Scenarios side by side: pupils with an EHC "
                 "plan and specialist places needed, 5 and 7 years ahead", frame=frame,
                 formats={c: "count" for c in frame.columns if c not in ("Scenario", "January")},
                 notes=notes)


def _describe(scenario: ForecastScenario) -> str:
    """What a scenario changes, in words."""
    parts = []
    if scenario.joiner_rate != 1:
        parts.append(f"new plans each year x {scenario.joiner_rate:g}")
    if scenario.shift_share:
        parts.append(f"{scenario.shift_share:.0%} of the pupils who would join or move into "
                     f"{SETTING_KEYS[scenario.shift_from].lower()} placed in "
                     f"{SETTING_KEYS[scenario.shift_to].lower()} instead")
    if scenario.new_places:
        parts.append(f"{scenario.new_places} new {scenario.new_places_phase} places in "
                     f"{SETTING_KEYS[scenario.new_places_setting].lower()}")
    when = f" from January {scenario.from_year}" if scenario.from_year else ""
    return (", ".join(parts) or "no change") + when + "."


def _backtest_frame(backtest: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Setting": backtest["setting"], "January": backtest["year"].astype(str),
        "Forecast (median)": backtest["forecast"].round(),
        "Lower 80%": backtest["lower"].round(), "Upper 80%": backtest["upper"].round(),
        CENSUS: backtest["actual"].astype(float),
        "Error (%)": backtest["error_percent"].round(1),
        "Inside the 80% interval": np.where(backtest["inside"], "yes", "no"),
    })


def _backtest_table(frame: pd.DataFrame, fit_end: int) -> Table:
    return Table(
        name=f"{KEY}_cohort_backtest",
        caption=(f"How well the cohort model forecast censuses already taken: fitted on the "
                 f"censuses up to January {fit_end}"),
        frame=frame, formats={"Forecast (median)": "count", "Lower 80%": "count",
                              "Upper 80%": "count", CENSUS: "count", "Error (%)": "decimal"},
        notes=["Error is the forecast minus the census figure, as a percentage of the census "
               "figure: negative means too few. The model never saw the censuses it forecast.",
               SOURCE])


def _fan_figure(history: pd.DataFrame, run: CohortRun, seen: list[str], name: str) -> Figure:
    panels = [ALL, *[s for s in seen if s in (*SPECIALIST_SETTINGS, SETTINGS[0])]]
    fans = _forecast_frame(run, seen)
    columns = 2
    rows = -(-len(panels) // columns)
    with plt.style.context(STYLE):
        figure, axes = plt.subplots(rows, columns, figsize=(9, 3.8 * rows), squeeze=False)
        for axis in axes.flat[len(panels):]:
            axis.set_visible(False)
        for axis, setting in zip(axes.flat, panels, strict=False):
            past = history[history["Setting"] == setting]
            past_values = pd.to_numeric(past[CENSUS], errors="coerce")
            years = past["January"].astype(int).to_numpy()
            axis.plot(years, past_values, color=COLOURS[0], marker="o", linewidth=2.5,
                      label="Census")
            fan = fans[fans["Setting"] == setting]
            future = fan["January"].astype(int).to_numpy()
            start = [years[-1]] if len(years) and pd.notna(past_values.iloc[-1]) else []
            first = [float(past_values.iloc[-1])] if start else []
            xs = np.array([*start, *future])
            for level, alpha in ((95, 0.15), (80, 0.25), (50, 0.4)):
                low = np.array([*first, *fan[f"Lower {level}%"]])
                high = np.array([*first, *fan[f"Upper {level}%"]])
                axis.fill_between(xs, low, high, color=COLOURS[1], alpha=alpha, linewidth=0,
                                  label=f"{level}% interval")
            axis.plot(xs, [*first, *fan["Forecast (median)"]], color=COLOURS[1],
                      linestyle=(0, (4, 2)), linewidth=2, label="Forecast (median)")
            axis.set_title(setting, fontsize=11)
            axis.set_ylim(bottom=0)
            every = [*years, *future]
            axis.set_xticks(every[::2])
            axis.set_ylabel("Pupils with an EHC plan")
        axes[0][0].legend(loc="lower right", frameon=False, fontsize=8)
        figure.tight_layout()
    total = fans[fans["Setting"] == ALL]
    end = total.iloc[-1]
    alt = (f"Pupils with an EHC plan in {name}'s schools: the cohort model forecasts "
           f"{end['Forecast (median)']:,.0f} in January {end['January']} (80% interval "
           f"{end['Lower 80%']:,.0f} to {end['Upper 80%']:,.0f}; 95% interval "
           f"{end['Lower 95%']:,.0f} to {end['Upper 95%']:,.0f}).")
    for setting in panels[1:]:
        row = fans[(fans["Setting"] == setting)].iloc[-1]
        alt += (f" {setting}: {row['Forecast (median)']:,.0f} ({row['Lower 80%']:,.0f} to "
                f"{row['Upper 80%']:,.0f}).")
    return Figure(name=f"{KEY}_cohort_fan", caption=(
        "Pupils with an EHC plan in the census and forecast by the cohort model, all settings "
        "and by setting, with 50%, 80% and 95% intervals"), alt=alt, figure=figure,
        source=SOURCE)


def _findings(config: Config, run: CohortRun, places: pd.DataFrame, has_capacity: bool,
              backtest: pd.DataFrame | None, last: int) -> list[str]:
    """Sentences written from the numbers."""
    total = fan_table(run)
    end = total.iloc[-1]
    sentences = [
        f"From the council's own censuses (pupils followed from one January to the next), the "
        f"cohort model forecasts about {end['median']:,.0f} pupils with an EHC plan in its "
        f"schools by January {int(end['year'])} (80% interval {end['lower_80']:,.0f} to "
        f"{end['upper_80']:,.0f}), against {int(run.counts.stock[-1].sum()):,} in January "
        f"{last}."]
    if has_capacity:
        short = places[places["shortfall"] > 0]
        if short.empty:
            sentences.append("Specialist places are enough for the median forecast in every "
                             "phase and year to the SCAP horizons.")
        else:
            first = short.iloc[0]
            sentences.append(
                f"{first['phase']} specialist places fall short of the median forecast from "
                f"January {int(first['year'])} (by about {first['shortfall']:,.0f} "
                f"place{'' if round(first['shortfall']) == 1 else 's'}; "
                f"{first['chance_short']:.0%} of the simulations need more places than there "
                "are).")
    if backtest is not None:
        mine = backtest[backtest["setting"] != ALL]
        scored = mine[mine["actual"] > 0]
        inside = int(scored["inside"].sum())
        total_rows = backtest[backtest["setting"] == ALL]
        worst = total_rows.iloc[-1]
        sentences.append(
            f"Tested on censuses it had not seen (fitted to January {last - BACKTEST_YEARS}), "
            f"the cohort model was off by {abs(worst['error_percent']):.1f}% on all pupils with "
            f"a plan in January {int(worst['year'])} "
            f"({'too few' if worst['error_percent'] < 0 else 'too many'}); the census figure fell"
            f" inside the 80% interval for {inside / len(scored):.0%} of the figures by setting "
            "and year (a good 80% interval holds about 80%). "
            + ("A stationary model does not foresee a rise in new plans faster than in the years "
               "it was fitted on, so read its intervals as a floor on the uncertainty."
               if inside < 0.75 * len(scored) else ""))
    return sentences
