"""Chapter: children's health services and health indicators.

Two parts, each shown when its input is set (else a short box naming the input):

* **local waits** from the council's health waiting-list extracts (``inputs.health_waits`` and/or
  ``[inputs.health_services]``, cleaned by :mod:`jsna.clean.health` into the never-published
  clean folder): the list on the extract date by service (referrals waiting, median and 90th
  percentile wait, % over 18 and 52 weeks with Wilson 95% intervals), its trend at 31 March of
  each year the extract covers, and the pattern by ward and age band
  (:mod:`jsna.indicators.health`), all through disclosure control;
* **children's health indicators** from an OHID Fingertips export (``inputs.fingertips``),
  the council's latest value beside its region, England and its neighbours' average, compared by
  Fingertips' method.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from jsna.chapters.base import Chapter, Findings
from jsna.chapters.wording import Wording, sentence
from jsna.clean.health import HealthCleanResult, health_extracts, write_health_outputs
from jsna.clean.health_services import SERVICES
from jsna.cleaned import cleaned_health
from jsna.config import Config
from jsna.disclosure import TableRules
from jsna.errors import JsnaInputError
from jsna.indicator_disclosure import indicator_pipeline
from jsna.indicators.comparisons import ENGLAND, ComparatorAreas
from jsna.indicators.health import (
    AGE_BANDS,
    ALL_AGES,
    ALL_SERVICES,
    MEDIAN_WEEKS,
    OVER_18,
    OVER_18_BY_AGE,
    OVER_52,
    P90_WEEKS,
    UNKNOWN_AGE,
    fingertips_comparisons,
    period_label,
    wait_summary_rows,
    waiting_list_rows,
)
from jsna.indicators.table import INDICATOR_COLUMNS, SUPPRESSED
from jsna.sources.fingertips import read_fingertips
from jsna.sources.la_codes import canonical_code
from jsna.sources.lsoa_wards import read_lsoa_ward_lookup
from jsna.viz.charts import trend_chart
from jsna.viz.display import Table, escape

KEY = "health"
TITLE = "Children's health services and health"
WORDING = Wording(KEY)
WAITS_SOURCE = ("Source: the council's health waiting-list extracts, cleaned by this toolkit "
                "(counts are of referrals: a child waiting for two services counts twice).")
FINGERTIPS_SOURCE = "Source: OHID, Fingertips public health profiles (data export)."
SYMBOLS = ("[c] = suppressed (by OHID, or by this JSNA's disclosure control: fewer than the "
           "threshold of referrals); [x] = not available.")
WAITS_NOTE = ("A referral is waiting on a date when it was received on or before that date and "
              "the child had not been seen for the first time or taken off the list by then. "
              "Over 18 weeks = more than 126 days. Median and 90th percentile by linear "
              "interpolation; 95% confidence intervals of percentages by the Wilson score method.")


def _areas(config: Config) -> ComparatorAreas:
    return ComparatorAreas(canonical_code(config.area.code), canonical_code(config.area.region_code),
                           config.area.region_name,
                           [canonical_code(code) for code in config.neighbours],
                           council_name=config.area.name)


def _shown(value: object, note: str = "") -> object:
    if pd.isna(value):
        return note if note.startswith("[") else "[x]"
    return value


def _pick(rows: pd.DataFrame, indicator: str, code: str, period: str, breakdown: str
          ) -> pd.Series | None:
    found = rows[(rows["indicator_id"] == indicator) & (rows["area_code"] == code)
                 & (rows["period"] == period) & (rows["breakdown"] == breakdown)]
    return None if found.empty else found.iloc[0]


def _service_table(indicators: pd.DataFrame, council: str, period: str, code: str) -> Table:
    """Waits by service on the extract date; the median and 90th percentile are the indicator
    rows' (hidden with the waiting count they rest on)."""
    records = []
    for label in [ALL_SERVICES, *SERVICES.values()]:
        over18 = _pick(indicators, OVER_18, code, period, label)
        over52 = _pick(indicators, OVER_52, code, period, label)
        if over18 is None or over52 is None:
            continue
        hidden = over18["note"] == SUPPRESSED or pd.isna(over18["denominator"])
        median = _pick(indicators, MEDIAN_WEEKS, code, period, label)
        p90 = _pick(indicators, P90_WEEKS, code, period, label)
        records.append({
            "Service": label,
            "Referrals waiting": _shown(over18["denominator"], over18["note"]),
            "Median wait (weeks)": SUPPRESSED if hidden or median is None or pd.isna(
                median["value"]) else round(float(median["value"]), 1),
            "90th percentile wait (weeks)": SUPPRESSED if hidden or p90 is None or pd.isna(
                p90["value"]) else round(float(p90["value"]), 1),
            "Waiting over 18 weeks": _shown(over18["count"], over18["note"]),
            "Over 18 weeks (%)": _shown(over18["value"], over18["note"]),
            "95% CI lower": _shown(over18["lower_ci_95"], over18["note"]),
            "95% CI upper": _shown(over18["upper_ci_95"], over18["note"]),
            "Waiting over 52 weeks": _shown(over52["count"], over52["note"]),
            "Over 52 weeks (%)": _shown(over52["value"], over52["note"]),
        })
    frame = pd.DataFrame.from_records(records)
    formats = {c: "percent" for c in ("Over 18 weeks (%)", "95% CI lower", "95% CI upper",
                                      "Over 52 weeks (%)")}
    formats |= {c: "count" for c in ("Referrals waiting", "Waiting over 18 weeks",
                                     "Waiting over 52 weeks")}
    return Table(name=f"{KEY}_waits_by_service",
                 caption=f"Children's health waiting lists by service, {council}, {period}",
                 frame=frame, formats=formats, row_header="Service",
                 notes=[WAITS_SOURCE, WAITS_NOTE, SYMBOLS])


def _breakdown_table(indicators: pd.DataFrame, name: str, caption: str, header: str,
                     rows: list[tuple[str, str, str]]) -> Table:
    """Referrals waiting and % over 18 weeks for (label, indicator, area code, breakdown)."""
    records = []
    for label, indicator, code, breakdown, period in rows:
        row = _pick(indicators, indicator, code, period, breakdown)
        if row is None:
            continue
        records.append({
            header: label,
            "Referrals waiting": _shown(row["denominator"], row["note"]),
            "Waiting over 18 weeks": _shown(row["count"], row["note"]),
            "Over 18 weeks (%)": _shown(row["value"], row["note"]),
            "95% CI lower": _shown(row["lower_ci_95"], row["note"]),
            "95% CI upper": _shown(row["upper_ci_95"], row["note"]),
        })
    formats = {c: "percent" for c in ("Over 18 weeks (%)", "95% CI lower", "95% CI upper")}
    formats |= {c: "count" for c in ("Referrals waiting", "Waiting over 18 weeks")}
    return Table(name=f"{KEY}_{name}", caption=caption, frame=pd.DataFrame.from_records(records),
                 formats=formats, row_header=header, notes=[WAITS_SOURCE, WAITS_NOTE, SYMBOLS])


def _waits_part(config: Config, areas: ComparatorAreas) -> tuple[
        dict, dict, list[pd.DataFrame], list[pd.DataFrame], dict, list[str]]:
    result: HealthCleanResult = cleaned_health(config)
    write_health_outputs(result, config.clean_dir)  # record-level: never published
    waits = result.waits.to_pandas()
    day = result.extract_date
    period = period_label(day)
    ward_names: dict[str, str] = {}
    if config.inputs.lsoa_ward_lookup is not None:
        lookup = read_lsoa_ward_lookup(config.inputs.lsoa_ward_lookup).table
        ward_names = dict(zip(lookup["ward_code"], lookup["ward_name"], strict=True))
    rows = waiting_list_rows(waits, extract_date=day, area_code=areas.council,
                             area_name=config.area.name, ward_names=ward_names)
    spread = wait_summary_rows(waits, extract_date=day, area_code=areas.council,
                               area_name=config.area.name)
    indicators, audit = indicator_pipeline(rows, config=config, areas=areas,
                                           polarity="Low is good", value_rows=spread)
    council = config.area.name
    tables = {"waits_by_service": _service_table(indicators, council, period, areas.council)}
    wards = indicators[(indicators["indicator_id"] == OVER_18)
                       & (indicators["area_type"] == "Ward")]
    ward_rows = sorted(((ward_names.get(c) or c, OVER_18, c, ALL_SERVICES, period)
                        for c in wards["area_code"]), key=lambda r: r[0])
    tables["waits_by_ward"] = _breakdown_table(
        indicators, "waits_by_ward", f"Referrals waiting over 18 weeks by ward of home, "
        f"{council}, {period}", "Ward", ward_rows)
    ages = indicators[indicators["indicator_id"] == OVER_18_BY_AGE]
    tables["waits_by_age"] = _breakdown_table(
        indicators, "waits_by_age", f"Referrals waiting over 18 weeks by age at referral, "
        f"{council}, {period}", "Age at referral",
        [(b, OVER_18_BY_AGE, areas.council, b, period)
         for b in (ALL_AGES, *(band for _, _, band in AGE_BANDS), UNKNOWN_AGE)
         if b in set(ages["breakdown"])])
    trend = indicators[(indicators["indicator_id"] == OVER_18)
                       & (indicators["area_code"] == areas.council)
                       & (indicators["breakdown"] == ALL_SERVICES)]
    periods = list(pd.unique(trend.sort_values("period", key=lambda p: pd.to_datetime(
        p, format="%d %b %Y"))["period"]))
    tables["waits_trend"] = _breakdown_table(
        indicators, "waits_trend", f"Referrals waiting over 18 weeks on each date, all "
        f"services, {council}", "Date", [(p, OVER_18, areas.council, ALL_SERVICES, p)
                                         for p in periods])
    figures = {}
    charted = trend[trend["value"].notna()]
    if len(charted) >= 2:
        figures["waits_trend"] = trend_chart(
            charted[["area_name", "period", "value", "lower_ci_95", "upper_ci_95"]].assign(
                area_name=council),
            name=f"{KEY}_waits_over_18_weeks_trend",
            caption=f"Referrals to children's health services waiting over 18 weeks, {council}",
            measure="percentage of referrals waiting over 18 weeks",
            y_label="Per cent of referrals waiting", highlight=council, source=WAITS_SOURCE)
    rules = {tables[name].name: TableRules(key=[tables[name].frame.columns[0]], counts=[])
             for name in tables}
    findings = _waits_findings(indicators, areas.council, council, period)
    return tables, figures, [indicators], [audit], rules, findings


def _waits_findings(indicators: pd.DataFrame, code: str,
                    council: str, period: str) -> list[str]:
    out = []
    whole = _pick(indicators, OVER_18, code, period, ALL_SERVICES)
    if whole is not None and not pd.isna(whole["value"]):
        out.append(sentence(WORDING.fill("waiting", period=period, count=whole["denominator"],
                                         council=council, value=whole["value"])))
    longest = None
    for label in SERVICES.values():
        row = _pick(indicators, OVER_18, code, period, label)
        spread = _pick(indicators, MEDIAN_WEEKS, code, period, label)
        if row is None or pd.isna(row["value"]) or spread is None or pd.isna(spread["value"]):
            continue
        median = float(spread["value"])
        if longest is None or median > longest[1]:
            longest = (label, median)
    if longest is not None:
        out.append(sentence(WORDING.fill("longest", service=longest[0], weeks=longest[1])))
    return out


def _fingertips_part(config: Config, areas: ComparatorAreas
                     ) -> tuple[dict, dict, list[str]]:
    path = config.inputs.fingertips
    compared = fingertips_comparisons(read_fingertips(path), areas)
    if areas.council not in set(compared["area_code"]):
        raise JsnaInputError(f"{path}: no rows for {config.area.name} ({config.area.code}) in "
                             f"the Fingertips export")
    records = []
    sentences = []
    several = compared.groupby("indicator_id")["breakdown"].nunique()
    for (indicator, breakdown), rows in compared.groupby(["indicator_id", "breakdown"],
                                                         sort=True):
        mine = rows[rows["area_code"] == areas.council]
        if mine.empty:
            continue
        latest = mine.sort_values("year").iloc[-1]
        same = rows[rows["period"] == latest["period"]].set_index("area_code")

        def value(code: str, same: pd.DataFrame = same) -> object:
            return _shown(same.loc[code, "value"], same.loc[code, "note"]) if (
                code in same.index) else "[x]"

        neighbours = same[same.index.isin(areas.neighbours)]["value"]
        records.append({
            "Indicator": latest["indicator_name"] + (f" ({breakdown})" if several[indicator] > 1
                                                     else ""),
            "Period": latest["period"],
            config.area.name: _shown(latest["value"], latest["note"]),
            "95% CI": "[x]" if pd.isna(latest["lower_ci_95"]) else
            f"{latest['lower_ci_95']:.1f} to {latest['upper_ci_95']:.1f}",
            areas.region_name: value(areas.region_code),
            "England": value(ENGLAND),
            "Neighbours' average": neighbours.mean() if neighbours.notna().any() else "[x]",
            "vs England": latest["compared_to_england"],
            "vs region": latest["compared_to_region"],
            "vs neighbours": latest["compared_to_neighbours"],
            "Trend": latest["recent_trend"],
        })
        if latest["compared_to_england"] in ("Higher", "Lower"):
            sentences.append(sentence(WORDING.fill(
                "fingertips", indicator=latest["indicator_name"], council=config.area.name,
                relation=WORDING.pick("compared", latest["compared_to_england"]),
                period=latest["period"])))
    frame = pd.DataFrame.from_records(records)
    numbers = [config.area.name, areas.region_name, "England", "Neighbours' average"]
    table = Table(name=f"{KEY}_fingertips", frame=frame, row_header="Indicator",
                  caption=(f"Children's health indicators, {config.area.name} compared with "
                           f"{areas.region_name}, England and its statistical neighbours"),
                  formats={c: "decimal" for c in numbers},
                  notes=[FINGERTIPS_SOURCE, "Values and 95% confidence intervals as OHID "
                         "publishes them; a significant difference means the council's 95% "
                         "interval does not include the benchmark value (Fingertips' method). "
                         "The neighbours' average is unweighted.", SYMBOLS])
    return {"fingertips": table}, {table.name: TableRules(key=["Indicator"], counts=[])}, \
        sentences[:3]


@dataclass
class InputBox:
    """A short box in a chapter's section naming the input that would fill it."""

    part: str
    text: str

    def _repr_html_(self) -> str:
        return (f'<aside class="findings" aria-labelledby="input-{self.part}">'
                f'<h3 id="input-{self.part}">Input needed</h3><p>{escape(self.text)}</p></aside>')

    def _repr_markdown_(self) -> str:
        return f"**Input needed.** {self.text}"


NHS_SOURCE = ("Source: NHS England, Community health services waiting lists (Tables 4 and 4a "
              "to 4g).")


def _nhs_part(config: Config) -> tuple[dict, dict]:
    """England's and the council's providers' published children's waiting lists."""
    from jsna.clean.health_services import read_provider_lookup
    from jsna.sources.nhs_community_waits import cyp_waits_summary, read_community_waits

    codes: list[str] = []
    if config.inputs.health_provider_lookup is not None:
        lookup = read_provider_lookup(config.inputs.health_provider_lookup)
        codes = sorted(code for code, councils in lookup.items() if config.area.code in councils)
    summary = cyp_waits_summary(read_community_waits(config.inputs.nhs_community_waits), codes)
    records = []
    for row in summary.itertuples(index=False):
        base = row.waiting_in_bands
        records.append({
            "Organisation": "England" if row.organisation_name == "England" else
            f"{row.organisation_name} ({row.organisation_code})",
            "Service": SERVICES[row.service],
            "Waiting (all ages of children)": _shown(row.waiting),
            "Over 18 weeks (%)": _shown(100 * row.over_18_weeks / base if base else float("nan")),
            "Over 52 weeks (%)": _shown(100 * row.over_52_weeks / base if base else float("nan")),
        })
    table = Table(name=f"{KEY}_nhs_published_waits", frame=pd.DataFrame.from_records(records),
                  caption="Children's community health services waiting lists as published by "
                          "NHS England, England and the providers serving the council",
                  formats={"Waiting (all ages of children)": "count",
                           "Over 18 weeks (%)": "percent", "Over 52 weeks (%)": "percent"},
                  row_header="Organisation",
                  notes=[NHS_SOURCE, "Shares of those reported by weeks band (some providers "
                         "report a total only). Providers are those the provider lookup lists "
                         "for the council; blank = the provider did not submit ([x]).",
                         SYMBOLS])
    return {"nhs_published_waits": table}, {table.name: TableRules(
        key=["Organisation", "Service"], counts=[])}


def missing_box(config: Config, part: str) -> InputBox | None:
    """A box naming the input of a part (``"waits"`` or ``"fingertips"``) the config does not set.

    Returns None when the input is set (the part's tables are shown instead).
    """
    if part == "waits" and not health_extracts(config):
        return InputBox(part, sentence(WORDING.fill("missing_waits")))
    if part == "fingertips" and config.inputs.fingertips is None:
        return InputBox(part, sentence(WORDING.fill("missing_fingertips")))
    return None


def build(config: Config) -> Chapter:
    """Build the health chapter for a council.

    Parameters
    ----------
    config : Config
        Uses the health waiting-list extracts and ``inputs.fingertips`` when set; a part whose
        input is not set is a sentence naming it.

    Returns
    -------
    Chapter
    """
    areas = _areas(config)
    tables: dict = {}
    figures: dict = {}
    rules: dict = {}
    indicators: list[pd.DataFrame] = [pd.DataFrame(columns=INDICATOR_COLUMNS)]
    audits: list[pd.DataFrame] = [pd.DataFrame()]
    sentences: list[str] = []
    missing: list[str] = []
    if health_extracts(config):
        part = _waits_part(config, areas)
        tables |= part[0]
        figures |= part[1]
        indicators += part[2]
        audits += part[3]
        rules |= part[4]
        sentences += part[5]
    else:
        missing.append(sentence(WORDING.fill("missing_waits")))
    if config.inputs.nhs_community_waits is not None:
        nhs_tables, nhs_rules = _nhs_part(config)
        tables |= nhs_tables
        rules |= nhs_rules
    if config.inputs.fingertips is not None:
        ft_tables, ft_rules, ft_sentences = _fingertips_part(config, areas)
        tables |= ft_tables
        rules |= ft_rules
        sentences += ft_sentences
    else:
        missing.append(sentence(WORDING.fill("missing_fingertips")))
    heading = "Key findings" if sentences else "Input needed"
    findings = Findings(sentences + missing, heading=heading)
    audit = pd.concat([a for a in audits if not a.empty] or [audits[0]], ignore_index=True)
    rows = pd.concat([i for i in indicators if not i.empty] or [indicators[0]],
                     ignore_index=True)
    return Chapter(KEY, TITLE, findings, tables, figures, rows, audit, rules)
