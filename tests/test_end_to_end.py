"""The spine end to end: demo council → refresh → site, checked against independent counts."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from rendered_demo import RENDER_LIMIT

from jsna.chapter_list import CHAPTERS
from jsna.cli import main
from jsna.config import load_config
from jsna.disclosure import DERIVED, PRIMARY
from jsna.refresh import executed_notebooks_dir, refresh
from jsna.render.site import PUBLISHED_REASON, disclosure_detail_path

pytestmark = pytest.mark.slow

TEXT_OUTPUTS = ("*.html", "*.csv", "*.svg", "*.json")
#: Columns of the published tables that are not counts (labels, percentages, limits, ranks...).
NOT_COUNTS = re.compile(
    r"%|CI|per cent|per 10,000|index|rank|quartile|compared|trend|year|january|census|^area$|"
    r"^ward$|^school$|type of setting|primary need|decile|england|region|"
    # scores and money, not counts of pupils
    r"progress 8|attainment 8|points|£|per 1,000", re.IGNORECASE)


@pytest.fixture(scope="module")
def demo_site(rendered_demo):
    """(config path, this year's refresh report) of the session's shared demo JSNA (read-only)."""
    return rendered_demo.config_path, rendered_demo.report


def _digests(folder: Path, patterns: tuple[str, ...] = TEXT_OUTPUTS) -> dict[str, str]:
    files = [p for pattern in patterns for p in folder.rglob(pattern)]
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def test_site_has_index_chapter_and_data(demo_site):
    _, report = demo_site
    out = report.config.output_dir
    assert report.site.index == out / "index.html"
    for name in ("index.html", "01_population.html", "data/indicators.csv",
                 "review/disclosure.csv"):
        assert (out / name).exists(), name
    index = BeautifulSoup((out / "index.html").read_text(), "html.parser")
    hrefs = {a["href"] for a in index.select("a[href]")}
    assert "01_population.html" in hrefs and "data/indicators.csv" in hrefs
    assert any(h.startswith("data/population_") for h in hrefs)
    # the published log does not say which hidden cells are small; the detail stays unpublished
    published_log = pd.read_csv(out / "review/disclosure.csv")
    assert set(published_log["reason"]) == {PUBLISHED_REASON, DERIVED}
    detail = pd.read_csv(disclosure_detail_path(report.config))
    assert (detail["reason"] == PRIMARY).any() and detail["reason"].str.startswith(
        "secondary: protects").any()
    assert detail[["table", "row_key", "column"]].equals(
        published_log[["table", "row_key", "column"]])


def test_pages_make_no_external_requests_and_show_no_code(demo_site):
    _, report = demo_site
    for page in report.config.output_dir.glob("*.html"):
        text = page.read_text()
        assert not re.search(r"<script[^>]+src=", text)
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), page.name
        assert "url(http" not in text and "@import" not in text and "@font-face" not in text
        assert "population.build(config)" not in text and "config_path" not in text
        soup = BeautifulSoup(text, "html.parser")
        assert soup.html["lang"] == "en-GB" and len(soup.find_all("h1")) == 1
        for image in soup.find_all("img"):
            assert len(image.get("alt", "")) > 40, "alt text must describe the data"


def test_council_figures_match_an_independent_count_of_the_census(demo_site):
    config_path, report = demo_site
    indicators = pd.read_csv(report.site.indicators, dtype={"period": str},
                             keep_default_na=False, na_values=[""])
    council = report.config.area.code
    for year, path in report.config.inputs.census.items():
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        # independent count: on roll (C or M), one pupil per UPN (a row without a UPN is a
        # pupil of its own: nothing joins it to another row), by SEN provision
        status = raw["EnrolStatus"].str.strip().str.upper()
        on_roll = raw[status.isin(["C", "M"])]
        upn = on_roll["UPN"].str.strip().str.upper()
        on_roll = pd.concat([on_roll[upn != ""].drop_duplicates("UPN"), on_roll[upn == ""]])
        provision = on_roll["SENprovision"].str.strip().str.upper()
        period = f"{year - 1}/{year % 100:02d}"
        for code, indicator in (("E", "pupils_ehc_plan_percent"),
                                ("K", "pupils_sen_support_percent")):
            row = indicators[(indicators["indicator_id"] == indicator)
                             & (indicators["area_code"] == council)
                             & (indicators["period"] == period)]
            assert len(row) == 1
            expected_count = int((provision == code).sum())
            assert int(row["count"].iloc[0]) == expected_count
            assert int(row["denominator"].iloc[0]) == len(on_roll)
            assert row["value"].iloc[0] == pytest.approx(100 * expected_count / len(on_roll))


def test_council_census_count_reconciles_with_its_published_dfe_row(demo_site):
    _, report = demo_site
    published = _state_funded(report)
    mine = published[published["new_la_code"] == report.config.area.code]
    indicators = pd.read_csv(report.site.indicators, dtype={"period": str})
    ehcp = indicators[(indicators["indicator_id"] == "pupils_ehc_plan_percent")
                      & (indicators["area_code"] == report.config.area.code)]
    assert len(mine) >= 5
    # DfE's row counts the plans of the census as it was submitted; the census as cleaned has
    # pupils whose SEN provision is blank or not a code (reported in the validation findings),
    # counted as pupils but under no provision: ours is lower by at most that many
    validation = pd.read_csv(report.config.clean_dir / "validation.csv")
    unreadable = validation[validation["finding"].isin(["sen_provision_missing",
                                                        "sen_provision_unknown"])]
    for _, row in mine.iterrows():
        period = f"{row['time_period'][:4]}/{row['time_period'][4:]}"
        year = int(row["time_period"][:4]) + 1
        ours = ehcp[ehcp["period"] == period]
        assert int(ours["denominator"].iloc[0]) == int(row["total_pupils"])
        lost = int(unreadable.loc[unreadable["census_year"] == year, "rows"].sum())
        assert 0 <= int(row["ehc_plan"]) - int(ours["count"].iloc[0]) <= lost


def _state_funded(report) -> pd.DataFrame:
    """DfE's rows summed over state-funded schools (the council's census basis), per area and
    year: plain pandas over the published file, not the toolkit's reader."""
    published = pd.read_csv(report.config.inputs.comparators["sen_phase_type"], dtype=str,
                            keep_default_na=False)
    state = published[published["phase_type_grouping"].str.startswith("State-funded")]
    assert set(published["phase_type_grouping"]) - set(state["phase_type_grouping"]) >= {
        "Total", "Independent school"}  # the two bases differ in the demo
    measures = ["total_pupils", "sen_support", "ehc_plan"]
    numbers = state[measures].astype(int)
    keys = [state["geographic_level"], state["new_la_code"], state["time_period"]]
    return numbers.groupby(keys).sum().reset_index()


def test_england_and_region_come_from_the_published_file(demo_site):
    _, report = demo_site
    published = _state_funded(report)
    england = published[published["geographic_level"] == "National"]
    indicators = pd.read_csv(report.site.indicators, dtype={"period": str})
    rows = indicators[(indicators["indicator_id"] == "pupils_sen_support_percent")
                      & (indicators["area_type"] == "England")]
    assert len(rows) == len(england) >= 5
    latest = england.sort_values("time_period").iloc[-1]
    row = rows.sort_values("period").iloc[-1]
    assert row["count"] == float(latest["sen_support"])
    assert row["value"] == pytest.approx(100 * float(latest["sen_support"])
                                         / float(latest["total_pupils"]))
    assert row["lower_ci_95"] < row["value"] < row["upper_ci_95"]


def _declared_counts(site: Path, table: str) -> bool:
    """Whether the table's disclosure rules declare count columns (true without rules)."""
    rules = site / "review" / "parts" / f"rules_{table}.json"
    return not rules.exists() or bool(json.loads(rules.read_text(encoding="utf-8"))["counts"])


def test_no_published_count_of_the_council_is_below_the_threshold(demo_site):
    """A safety net over every CSV a reader can download: whatever chapter wrote it, no count of
    the council, its wards or its schools lies between 1 and the threshold minus 1. (Counts that
    England, regions and other councils publish themselves are exempt by design.)"""
    _, report = demo_site
    config = report.config
    threshold = config.disclosure.threshold
    checked, problems = 0, []
    for path in sorted((config.output_dir / "data").glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if "indicator_id" in frame.columns:
            own = (frame["area_code"] == config.area.code) | frame["area_type"].isin(
                ["Ward", "LSOA"])
            rows, columns = frame[own], ["count", "denominator"]
        elif not _declared_counts(config.output_dir, path.stem):
            continue  # no count columns: published figures (OHID's, DfE's) or shares only
        else:
            own = (frame["Area"].str.startswith(config.area.name) if "Area" in frame.columns
                   else pd.Series(True, index=frame.index))
            rows = frame[own]
            columns = [c for c in frame.columns if not NOT_COUNTS.search(c)]
        for column in columns:
            numbers = pd.to_numeric(rows[column].str.replace(",", ""), errors="coerce")
            checked += int(numbers.notna().sum())
            small = numbers[(numbers > 0) & (numbers < threshold)]
            problems += [f"{path.name} row {i + 2} {column} = {v:g}" for i, v in small.items()]
    assert checked > 1000  # the scan found the tables' counts
    assert not problems, problems


def test_chapters_agree_where_they_count_the_same_pupils(demo_site):
    """Numbers two chapters publish about the same pupils agree, and parts add up to totals."""
    _, report = demo_site
    config = report.config
    table = pd.read_csv(config.output_dir / "data" / "indicators.csv", dtype={"period": str})
    council = table[table["area_code"] == config.area.code]

    def rows(indicator: str, frame: pd.DataFrame = council) -> pd.DataFrame:
        return frame[frame["indicator_id"] == indicator]

    def add_up(parts: pd.DataFrame, total: float, what: str) -> None:
        published = parts["count"].dropna()
        if len(published) == len(parts):  # nothing hidden: the parts add up exactly
            assert published.sum() == total, what
        else:  # hidden parts are at least 1 each and never negative
            assert published.sum() + (len(parts) - len(published)) <= total, what

    plans = rows("pupils_ehc_plan_percent").set_index("period")["count"]
    assert len(plans) == 5
    for period, total in plans.items():
        special = rows("ehc_plan_special_school_percent")
        assert special.loc[special["period"] == period, "denominator"].item() == total  # settings
        needs = rows("ehc_plan_primary_need_percent")
        needs = needs[needs["period"] == period]
        assert set(needs["denominator"]) == {total}
        add_up(needs, total, f"EHC plan primary needs, {period}")
    latest = plans.index.max()
    for indicator in ("resident_pupils_ehc_plan_percent", "resident_pupils_sen_percent"):
        residents = rows(indicator)
        residents = residents[residents["period"] == latest]
        total = residents.loc[residents["breakdown"] == "All pupils", "count"].item()
        deciles = residents[residents["breakdown"].str.startswith("IMD decile")]
        assert len(deciles) == 11  # ten deciles and "not known"
        add_up(deciles, total, f"{indicator} by IMD decile")
        wards = rows(indicator, table[table["area_type"] == "Ward"])
        wards = wards[(wards["period"] == latest) & (wards["breakdown"] == "All pupils")]
        assert len(wards) >= 6
        add_up(wards, total, f"{indicator} by ward")


def test_no_identifiers_reach_any_output(demo_site):
    _, report = demo_site
    raw = pd.read_csv(report.config.inputs.census[report.config.year], dtype=str,
                      keep_default_na=False)
    upns = {u for u in raw["UPN"].head(200) if u.strip()}
    postcodes = {p for p in raw["Postcode"].head(200) if len(p.strip()) > 4}
    surnames = {s for s in raw["Surname"].head(200) if len(s) > 5}
    kept = [*report.config.output_dir.rglob("*"), *executed_notebooks_dir(report.config).iterdir()]
    for path in kept:
        if path.is_file() and path.suffix in (".html", ".csv", ".svg", ".ipynb"):
            text = path.read_text(errors="replace")
            assert not any(u in text for u in upns), path
            assert not any(p in text for p in postcodes), path
            assert not any(f">{s}<" in text or f",{s}," in text for s in surnames), path


def test_refresh_is_byte_for_byte_reproducible(rendered_demo, tmp_path, capsys):
    # a copy of the council refreshed again (one notebook at a time where the shared render ran
    # two): the site and the executed notebooks are the same, byte for byte
    report = rendered_demo.report
    first = _digests(report.config.output_dir)
    executed = _digests(executed_notebooks_dir(report.config), ("*.ipynb",))
    assert len(executed) == len(CHAPTERS)
    config_path = rendered_demo.copy_to(tmp_path / "copy")
    copy = load_config(config_path)
    assert copy.output_dir.is_relative_to(tmp_path) and copy.clean_dir.is_relative_to(tmp_path)
    assert _digests(copy.output_dir) == first
    kept = tmp_path / "first_run"
    shutil.copytree(copy.output_dir, kept)
    shutil.rmtree(copy.output_dir)
    again = refresh(config_path, workers=1, timeout=RENDER_LIMIT)
    assert again.ok
    assert _digests(again.config.output_dir) == first
    assert main(["diff", str(kept), str(again.config.output_dir)]) == 0
    assert capsys.readouterr().out == "no differences: the two sites are the same, file for file\n"
    # the executed notebooks too: fixed cell ids, paths relative to the council's folder
    assert _digests(executed_notebooks_dir(again.config), ("*.ipynb",)) == executed


def test_no_file_of_the_site_holds_a_local_path(demo_site):
    """Nothing published names the machine's folders (often the analyst's user name)."""
    _, report = demo_site
    site = report.config.output_dir
    local = {str(Path.home()), tempfile.gettempdir(), str(Path(__file__).resolve().parents[1]),
             str(report.config.root), str(site)}
    files = [path for path in site.rglob("*") if path.is_file()]
    assert len(files) > 20
    assert not [path for path in files if path.suffix == ".ipynb"]
    found = [f"{path.relative_to(site)} holds {folder}" for path in files
             for folder in local if folder.encode() in path.read_bytes()]
    assert not found, found
    # the executed notebooks, kept for debugging outside the site, are given relative paths
    for path in executed_notebooks_dir(report.config).glob("*.ipynb"):
        text = path.read_text()
        assert str(report.config.root) not in text and str(site.parent) not in text, path.name


def test_last_years_values_are_reproduced_exactly(demo_site):
    """Back-test: same inputs, so every period both JSNAs publish has the same value."""
    _, report = demo_site
    out = report.config.output_dir
    changes = pd.read_csv(out / "review" / "changes.csv", dtype={"period": str})
    kinds = changes["kind"].value_counts()
    assert kinds.get("revised", 0) == 0
    assert kinds.get("unchanged", 0) > 100
    # the new census year is new: the council's latest EHC plan figure did not exist last year
    new = changes[(changes["kind"] == "new") & (changes["area_code"] == report.config.area.code)]
    assert "2024/25" in set(new["period"])
    page = BeautifulSoup((out / "changes.html").read_text(), "html.parser")
    assert page.h1.get_text() == "Changes since the 2024 JSNA"
    assert page.select_one('nav.chapters a[href="changes.html"]') is not None


def test_every_indicator_is_catalogued_and_the_scorecard_matches_the_table(demo_site):
    from jsna.indicators.catalogue import indicator_catalogue

    _, report = demo_site
    indicators = pd.read_csv(report.site.indicators, dtype={"period": str},
                             keep_default_na=False, na_values=[""])
    catalogued = set(indicator_catalogue()["indicator_id"])
    assert set(indicators["indicator_id"]) <= catalogued
    index = BeautifulSoup(report.site.index.read_text(), "html.parser")
    table = index.select_one("#table-scorecard")
    rows = {tr.th.get_text(): [td.get_text() for td in tr.find_all("td")]
            for tr in table.tbody.find_all("tr")}
    ehcp = indicators[(indicators["indicator_id"] == "pupils_ehc_plan_percent")
                      & (indicators["area_code"] == report.config.area.code)]
    latest = ehcp.sort_values("period").iloc[-1]
    value, england, *_ = rows[f"Pupils with an EHC plan (%) ({latest['period']})"]
    assert value == f"{latest['value']:.1f}"
    assert england.endswith(f"({latest['compared_to_england'].lower()})")
