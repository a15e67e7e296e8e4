"""``jsna refresh --areas``: many councils from one configuration (issue 20).

The councils, names, regions and neighbours are checked against DfE's raw files read with plain
pandas; the slow test renders three real councils through a dask ``LocalCluster`` and through the
default executor and compares every file byte for byte. Skipped when the real data are absent.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from jsna.areas import (
    AreaTask,
    councils_for,
    parse_executor,
    refresh_area,
    refresh_areas,
    write_area_config,
)
from jsna.config import load_config
from jsna.errors import JsnaConfigError
from jsna.render.publish import site_lock
from jsna.render.regional import RegionalEntry, comparison_table, write_regional_index

REPO = Path(__file__).resolve().parents[1]


def _real() -> Path | None:
    for candidate in (os.environ.get("JSNA_REAL_DATA", ""), REPO.parent / "shared" / "data" / "real",
                      REPO.parent.parent / "shared" / "data" / "real"):
        if candidate and (Path(candidate) / "send_dfe" / "ehcp_2025").is_dir():
            return Path(candidate).resolve()
    return None


REAL = _real()
needs_real = pytest.mark.skipif(REAL is None, reason="real data folder is absent")
SEN2 = "send_dfe/ehcp_2025"
THREE = ["E06000014", "E08000009", "E06000019"]  # York (the config's own), Trafford, Herefordshire


def base_config(folder: Path, *, chapters: str = '["ehcp"]') -> Path:
    """York's configuration reading DfE's real files, which cover every council."""
    assert REAL is not None
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "jsna.toml"
    path.write_text(f'''
[area]
code = "E06000014"
name = "York"
region_code = "E12000003"
region_name = "Yorkshire and The Humber"
[jsna]
year = 2025
title = "York's own title"
[inputs.comparators]
ehcp_caseload = "{REAL / SEN2 / 'caseload.csv'}"
ehcp_requests = "{REAL / SEN2 / 'requests.csv'}"
ehcp_assessments = "{REAL / SEN2 / 'assessments.csv'}"
ehcp_timeliness = "{REAL / SEN2 / 'timeliness_20_week.csv'}"
statistical_neighbours = "{REAL / 'statistical_neighbours' / 'sn_may_2025.csv'}"
[comparators]
neighbours = ["E10000013", "E06000022"]
[chapters]
run = {chapters}
[governance]
owner = "York's owner"
''', encoding="utf-8")
    return path


def test_executor_option_accepts_process_dask_and_an_address() -> None:
    assert parse_executor("process") == ("process", None)
    assert parse_executor("dask") == ("dask", None)
    assert parse_executor("dask=tcp://10.0.0.5:8786") == ("dask", "tcp://10.0.0.5:8786")
    for wrong in ("threads", "process=x", "dask="):
        with pytest.raises(JsnaConfigError, match="--executor"):
            parse_executor(wrong)


@needs_real
def test_all_is_every_council_of_the_latest_caseload_year(tmp_path: Path) -> None:
    assert REAL is not None
    raw = pd.read_csv(REAL / SEN2 / "caseload.csv", dtype=str, encoding="utf-8-sig")
    raw = raw[(raw["geographic_level"] == "Local authority")
              & (raw["breakdown"] == raw["breakdown_topic"])
              & (raw["time_period"] == raw["time_period"].max())]
    # DfE still publishes three councils under their old codes (written out here)
    current = {"E10000023": "E06000065", "E10000002": "E06000060", "E10000027": "E06000066"}
    councils, _ = councils_for(load_config(base_config(tmp_path)), "all")
    assert sorted(c.code for c in councils) == sorted(
        {current.get(code, code) for code in raw["new_la_code"]})
    assert len(councils) == 153


@needs_real
def test_councils_get_dfe_names_regions_and_published_neighbours(tmp_path: Path) -> None:
    assert REAL is not None
    councils, notes = councils_for(load_config(base_config(tmp_path)), ",".join(THREE))
    by_code = {c.code: c for c in councils}
    assert [c.code for c in councils] == THREE
    herefordshire = by_code["E06000019"]
    assert herefordshire.name == "Herefordshire, County of"  # DfE's spelling in caseload.csv
    assert (herefordshire.region_code, herefordshire.region_name) == ("E12000005",
                                                                      "West Midlands")
    assert herefordshire.la_number == 884
    # Trafford's row of DfE's May 2025 file: SN1..SN10 = 919, 356, 825, 931, 936, 305, 895,
    # 873, 916, 334 (Hertfordshire, Stockport, Buckinghamshire, Oxfordshire, Surrey, Bromley,
    # Cheshire East, Cambridgeshire, Gloucestershire, Solihull), written out here by GSS code
    assert by_code["E08000009"].neighbours == (
        "E10000015", "E08000007", "E06000060", "E10000025", "E10000030", "E09000006",
        "E06000049", "E10000003", "E10000013", "E08000029")
    # York keeps the neighbours its own configuration gives
    assert by_code["E06000014"].neighbours == ("E10000013", "E06000022")
    assert notes == []


@needs_real
def test_unknown_code_is_one_line_naming_it(tmp_path: Path) -> None:
    with pytest.raises(JsnaConfigError, match="E06999999"):
        councils_for(load_config(base_config(tmp_path)), "E06000014,E06999999")


@needs_real
def test_other_councils_get_no_census_nor_anything_of_the_base_council_alone(
        tmp_path: Path) -> None:
    base = load_config(base_config(tmp_path, chapters='["ehcp", "quality"]'))
    councils, _ = councils_for(base, "E08000009")
    path = write_area_config(base, councils[0], ["ehcp", "quality"])
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["area"] == {"code": "E08000009", "name": "Trafford", "la_number": 358,
                            "region_code": "E12000002", "region_name": "North West"}
    assert "title" not in data["jsna"] and "governance" not in data and "census" not in data
    assert data["chapters"]["run"] == ["ehcp", "quality"]
    config = load_config(path)
    assert config.inputs.comparators == base.inputs.comparators
    assert config.output_folder == base.output_folder
    assert config.output_dir == base.output_folder / "2025" / "E08000009"
    assert base.output_folder not in config.clean_dir.parents  # never published


@needs_real
def test_published_inputs_reach_every_council_and_local_ones_stay_with_the_base(
        tmp_path: Path) -> None:
    """LAIT, Fingertips and ONS population cover every council: another council's chapters
    read them too (early years, outcomes, adulthood, resources, health). The census and the
    schools list are York's own and stay out of Trafford's configuration."""
    path = base_config(tmp_path, chapters='["ehcp", "resources"]')
    published = {key: tmp_path / f"{key}.csv" for key in ("lait", "fingertips", "population")}
    local = {key: tmp_path / f"{key}.csv" for key in ("census", "schools")}
    comparators = {"high_needs_dsg": tmp_path / "dsg.ods", "send_tribunals": tmp_path / "tribunals.csv"}
    for file in [*published.values(), *local.values(), *comparators.values()]:
        file.write_text("header\n", encoding="utf-8")
    lines = "".join(f'{key} = "{file}"\n' for key, file in {**published, **local}.items()
                    if key != "census")
    path.write_text(path.read_text(encoding="utf-8").replace(
        "[inputs.comparators]", f'[inputs]\n{lines}[inputs.census]\n2025 = "{local["census"]}"\n'
        "[inputs.comparators]\n" + "".join(f'{key} = "{file}"\n'
                                            for key, file in comparators.items()))
        + '[census]\nsalt = "a secret for this test"\n', encoding="utf-8")
    base = load_config(path)
    councils, _ = councils_for(base, "E08000009")
    config = load_config(write_area_config(base, councils[0], ["ehcp", "resources"]))
    for key, file in published.items():
        assert getattr(config.inputs, key).resolve() == file.resolve()
    assert config.inputs.census == {} and config.inputs.schools is None


@needs_real
def test_a_failing_council_is_isolated_and_summarised(tmp_path: Path) -> None:
    """Both councils' sites are being refreshed elsewhere: each fails with one line, the run
    goes on to the next and the regional page says neither was refreshed."""
    config = load_config(base_config(tmp_path))
    sites = config.output_folder / "2025"
    with site_lock(sites / "E06000014"), site_lock(sites / "E08000009"):
        report = refresh_areas(config.path, "E06000014,E08000009", workers=1)
    assert not report.ok
    lines = report.failure_lines()
    assert len(lines) == 2
    assert lines[0].startswith("E06000014 York: -: ") and "refresh" in lines[0]
    assert lines[1].startswith("E08000009 Trafford: -: ")
    page = BeautifulSoup(report.regional_index.read_text(encoding="utf-8"), "html.parser")
    # each is named in the list of problems at the top and in its region's table
    problems = [item.get_text(" ", strip=True) for item in page.select(".regional-problems li")]
    assert problems == ["York not refreshed this time", "Trafford not refreshed this time"]
    assert [row.find("th").get_text(" ", strip=True) for row in page.select(".regional tbody tr")
            if "not refreshed" in row.get_text()] == problems[::-1]  # North West, then Yorkshire


def test_a_missing_configuration_is_a_failure_not_an_exception(tmp_path: Path) -> None:
    result = refresh_area(AreaTask("E06000014", "York", str(tmp_path / "none.toml"), ("ehcp",)))
    assert not result.published and not result.ok
    assert result.failures[0].chapter == "-"
    assert "none.toml" in result.failures[0].reason


def _site(folder: Path, code: str, rows: list[dict]) -> None:
    data = folder / code / "data"
    data.mkdir(parents=True)
    frame = pd.DataFrame(rows)
    frame.to_csv(data / "indicators.csv", index=False)
    (folder / code / "index.html").write_text("<html></html>", encoding="utf-8")


def _row(code: str, area_type: str, value: float | str, note: str = "") -> dict:
    return {"indicator_id": "ehcp_issued_20_weeks_ex_percent", "area_code": code,
            "area_name": code, "area_type": area_type, "period": "2024",
            "breakdown": "All", "value": value, "note": note}


def test_regional_page_shows_published_values_and_names_as_text(tmp_path: Path) -> None:
    hostile = '<script>alert(1)</script> & "Council"'
    _site(tmp_path, "E06000001", [_row("E06000001", "Local authority", 51.25),
                                  _row("E92000001", "England", 46.4),
                                  _row("E12000001", "Region", 50.0)])
    _site(tmp_path, "E06000002", [_row("E06000002", "Local authority", "", "[c]"),
                                  _row("E92000001", "England", 46.4)])
    entries = [RegionalEntry("E06000001", hostile, "E12000001", "North East"),
               RegionalEntry("E06000002", "Second", "E12000001", "North East",
                             "not refreshed this time"),
               RegionalEntry("E06000003", "No site", "E12000001", "North East")]
    table = comparison_table(tmp_path, entries)
    column = "New EHC plans issued within 20 weeks, excluding exceptions (%), 2024"
    shown = dict(zip(table["Code"], table[column], strict=True))
    assert shown == {"E92000001": "46.4%", "E12000001": "50.0%", "E06000001": "51.2%",
                     "E06000002": "[c]", "E06000003": "[x]"}
    page = write_regional_index(tmp_path, entries, year=2025).read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find_all("script") == []
    assert soup.select_one('a[href="E06000001/index.html"]').get_text() == hostile
    assert hostile in {cell.get_text() for cell in soup.find_all("th")}
    assert len(soup.find_all("h1")) == 1
    assert 'href="E06000001/index.html"' in page
    assert 'href="E06000003/index.html"' not in page  # no site: named, not linked
    assert "the site linked is the one published before" in page
    assert (tmp_path / "councils_compared.csv").is_file()
    assert not list(tmp_path.glob(".*.tmp"))  # written aside, then renamed


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` but the sites' lock files (``.<code>.lock``, which hold the
    process id of the last refresh, not an output)."""
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*"))
            if path.is_file() and not (path.name.startswith(".") and path.suffix == ".lock")}


@pytest.mark.slow
@needs_real
def test_three_councils_on_a_dask_cluster_equal_the_default_executor(tmp_path: Path) -> None:
    """Every file (sites, regional page and CSV, executed notebooks, written configurations)
    is byte-identical whether the councils run on the default process pool or on a dask
    LocalCluster of two worker processes (whose chapter progress reaches this process)."""
    default = refresh_areas(base_config(tmp_path / "default"), THREE, timeout=300)
    assert default.ok, default.failure_lines()
    progress: list[tuple[str, str, str]] = []
    on_dask = refresh_areas(base_config(tmp_path / "dask"), THREE, timeout=300, executor="dask",
                            workers=2, on_chapter=lambda *item: progress.append(item))
    assert sorted(progress) == sorted((code, "ehcp", "ok") for code in THREE)
    assert on_dask.ok, on_dask.failure_lines()
    first, second = _files(tmp_path / "default"), _files(tmp_path / "dask")
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
    for code in THREE:
        assert f"outputs/2025/{code}/04_ehcp.html" in first
    assert "outputs/2025/index.html" in first


def test_cli_refuses_an_unknown_executor_in_one_line(tmp_path: Path, capsys) -> None:
    from jsna.cli import main

    code = main(["refresh", "--config", str(tmp_path / "jsna.toml"), "--areas", "E06000014",
                 "--executor", "threads"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and "--executor" in err[0] and "threads" in err[0]


@needs_real
def test_cli_summarises_each_failed_council_in_one_line(tmp_path: Path, capsys) -> None:
    from jsna.cli import main

    path = base_config(tmp_path)
    sites = load_config(path).output_folder / "2025"
    with site_lock(sites / "E08000009"):
        code = main(["refresh", "--config", str(path), "--areas", "E08000009", "--workers", "1",
                     "--quiet"])
    captured = capsys.readouterr()
    assert code == 3
    failed = [line for line in captured.err.splitlines() if line.startswith("jsna: failed:")]
    assert len(failed) == 1 and failed[0].startswith("jsna: failed: E08000009 Trafford: -: ")
    assert captured.out.strip() == str(sites / "index.html")


@needs_real
def test_census_chapters_only_for_the_council_whose_census_is_configured(tmp_path: Path) -> None:
    from jsna.areas import area_chapters

    base = load_config(base_config(tmp_path))
    councils, _ = councils_for(base, "E06000014,E08000009")
    york, trafford = councils
    assert area_chapters(base, york, ["population", "ehcp", "wards"]) == [
        "population", "ehcp", "wards"]
    assert area_chapters(base, trafford, ["population", "ehcp", "wards"]) == ["ehcp"]
    assert area_chapters(base, trafford, None) == ["ehcp"]  # the config's chapters.run


# ------------------------------------------------------------------------------------------
# Census chapters for the councils whose cleaned census [areas.census] gives

TRAFFORD = "E08000009"
HEREFORDSHIRE = "E06000019"


@pytest.fixture(scope="module")
def demo_region(tmp_path_factory) -> dict[str, Path]:
    """A regional configuration: the small demo council as the base (its own census, and
    synthetic published files that cover every English council), with Trafford's cleaned census
    under ``[areas.census]``. The folder is what ``jsna clean census --out`` writes; the demo's
    census, cleaned, stands in for the one Trafford would send. No notebook is rendered."""
    from jsna.cleaned import clean_census_to_disk
    from jsna.demo import write_demo

    folder = tmp_path_factory.mktemp("region")
    config = write_demo(folder / "demo", seed=7, dirt_rate=0.02, years=3, last_year=2025,
                        n_wards=6)
    trafford = folder / "censuses" / "trafford"
    clean_census_to_disk(load_config(config), out_dir=trafford)
    # the demo's published SEN file covers its fictional region only: its region's rows are
    # given again as North West's, so that Trafford (whose region it is) can be compared
    published = pd.read_csv(config.parent / "comparators" / "sen_phase_type.csv", dtype=str,
                            keep_default_na=False)
    region = published[(published["geographic_level"] == "Regional")
                       & (published["region_code"] == load_config(config).area.region_code)]
    region = region.assign(region_code="E12000002", region_name="North West")
    pd.concat([published, region]).to_csv(config.parent / "sen_phase_type_with_north_west.csv",
                                          index=False)
    text = re.sub(r"(?m)^run = .*$", 'run = ["population", "wards", "ehcp"]',
                  config.read_text(encoding="utf-8")).replace(
        '"comparators/sen_phase_type.csv"', '"sen_phase_type_with_north_west.csv"')
    config.write_text(text + f'\n[areas.census]\n"{TRAFFORD}" = "../censuses/trafford"\n',
                      encoding="utf-8")
    return {"config": config, "trafford": trafford}


def test_a_council_whose_cleaned_census_is_given_gets_the_census_chapters_it_can(
        demo_region: dict[str, Path]) -> None:
    from jsna.areas import area_chapters, census_notes

    base = load_config(demo_region["config"])
    assert base.area_censuses == {TRAFFORD: demo_region["trafford"].resolve()}
    councils, _ = councils_for(base, f"{base.area.code},{TRAFFORD},{HEREFORDSHIRE}")
    demo, trafford, herefordshire = councils
    assert (demo.code, demo.name) == (base.area.code, base.area.name)  # a demo code: accepted
    assert area_chapters(base, demo, None) == ["population", "wards", "ehcp"]
    # wards also needs the postcode and ward lookups and boundaries, which are the demo's own
    assert area_chapters(base, trafford, None) == ["population", "ehcp"]
    assert area_chapters(base, herefordshire, None) == ["ehcp"]
    assert census_notes(base, councils, None) == [
        f"population: rendered for {base.area.name}, Trafford only; not for the other 1 "
        "council, whose census the configuration does not give ([areas.census])",
        "wards: not rendered for Trafford, whose cleaned census [areas.census] gives: the "
        "chapter also needs inputs.postcode_lookup, inputs.lsoa_ward_lookup, "
        f"inputs.ward_boundaries, which describe {base.area.name} alone",
        f"wards: rendered for {base.area.name} only; not for the other 2 councils, whose "
        "census the configuration does not give ([areas.census])"]


def test_a_council_with_a_cleaned_census_builds_its_population_chapter_from_it(
        demo_region: dict[str, Path]) -> None:
    """Trafford's configuration reads its cleaned census as it is (no salt, no re-cleaning) and
    its prevalence is the share worked out here from the parquet file with plain pandas."""
    from jsna.chapters import population

    base = load_config(demo_region["config"])
    councils, _ = councils_for(base, TRAFFORD)
    path = write_area_config(base, councils[0], ["population", "ehcp"])
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert (path.parent / data["census"]["cleaned_folder"]).resolve() == (
        demo_region["trafford"].resolve())
    assert "salt" not in data["census"] and "inputs.census" not in path.read_text()
    config = load_config(path)
    assert config.census_years == [2023, 2024, 2025]
    chapter = population.build(config)
    assert not (config.clean_dir / "pupils.parquet").exists()  # read where it is, not re-cleaned
    pupils = pd.read_parquet(demo_region["trafford"] / "pupils.parquet")
    latest = pupils[pupils["census_year"] == 2025]
    expected = 100 * (latest["sen_provision"] == "E").sum() / len(latest)
    rows = chapter.indicators
    row = rows[(rows["indicator_id"] == "pupils_ehc_plan_percent")
               & (rows["area_code"] == TRAFFORD) & (rows["period"] == "2024/25")]
    assert len(row) == 1
    assert row["value"].iloc[0] == pytest.approx(expected, abs=1e-9)
    assert row["area_name"].iloc[0] == "Trafford"
    # `jsna sources` and the quality page list the cleaned census as read, with its years
    from jsna.input_checks import describe_sources

    census = describe_sources(config).set_index("key").loc["census.cleaned_folder"]
    assert (census["status"], census["rows"], census["periods"]) == (
        "ok", len(pupils), "2023, 2024, 2025")
    # and the quality page accounts for its rows from the folder's own reconciliation
    from jsna.chapters import quality

    reconciliation = pd.read_csv(demo_region["trafford"] / "reconciliation.csv")
    latest_steps = reconciliation[reconciliation["census_year"] == 2025]
    read = int(latest_steps.loc[latest_steps["step"] == "read", "rows"].sum())
    checked = quality.build(config)
    assert "reconciliation" in checked.tables
    assert f"Of the {read:,} rows in the January 2025 census file, {len(latest):,} pupils" in (
        " ".join(checked.findings.sentences))


@pytest.mark.parametrize(("entry", "message"), [
    ('"Trafford" = "x"', "areas.census.Trafford: expected a council's GSS code"),
    ('"{own}" = "x"', "areas.census.{own}: this is the configuration's own council"),
    (f'"{TRAFFORD}" = 3', f"areas.census.{TRAFFORD} should be the path of a cleaned census "
                          r"folder \(a string\), got 3"),
    (f'"{TRAFFORD}" = "nowhere"', f"areas.census.{TRAFFORD}: folder not found: "),
    (f'"{TRAFFORD}" = "empty"', f"areas.census.{TRAFFORD}: .*empty has no pupils.parquet or "
                                "reconciliation.csv or validation.csv"),
    (f'"{TRAFFORD}" = "jsna.toml"', f"areas.census.{TRAFFORD}: not a folder: "),
])
def test_areas_census_problems_are_one_line_naming_the_key(
        demo_region: dict[str, Path], tmp_path: Path, entry: str, message: str) -> None:
    base = load_config(demo_region["config"])
    (base.root / "empty").mkdir(exist_ok=True)
    text = base.path.read_text(encoding="utf-8").split("[areas.census]")[0]
    path = base.root / "wrong.toml"
    path.write_text(text + "[areas.census]\n" + entry.format(own=base.area.code) + "\n",
                    encoding="utf-8")
    with pytest.raises(JsnaConfigError) as raised:
        load_config(path)
    lines = [line for line in str(raised.value).splitlines() if "areas.census" in line]
    assert len(lines) == 1
    assert re.search(message.format(own=base.area.code), lines[0])


def test_an_areas_census_code_that_is_no_english_council_is_named(
        demo_region: dict[str, Path]) -> None:
    base = load_config(demo_region["config"])
    text = base.path.read_text(encoding="utf-8").replace(
        f'"{TRAFFORD}" = ', '"W06000015" = ')
    path = base.root / "welsh.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(JsnaConfigError, match="areas.census.W06000015: not the GSS code of an "
                                              "English council"):
        councils_for(load_config(path), TRAFFORD)


def test_a_cleaned_census_folder_replaces_the_census_and_must_hold_the_jsna_year(
        demo_region: dict[str, Path]) -> None:
    base = load_config(demo_region["config"])
    text = base.path.read_text(encoding="utf-8").split("[areas.census]")[0]
    both = base.root / "both.toml"
    both.write_text(text.replace("[census]\n", '[census]\ncleaned_folder = '
                                 '"../censuses/trafford"\n', 1), encoding="utf-8")
    with pytest.raises(JsnaConfigError, match="census.cleaned_folder and inputs.census are both "
                                              "set: keep one"):
        load_config(both)
    later = base.root / "later.toml"
    later.write_text(f'''[area]
code = "{TRAFFORD}"
name = "Trafford"
region_code = "E12000002"
region_name = "North West"
[jsna]
year = 2026
[census]
cleaned_folder = "../censuses/trafford"
[chapters]
run = ["population"]
[inputs.comparators]
sen_phase_type = "comparators/sen_phase_type.csv"
''', encoding="utf-8")
    with pytest.raises(JsnaConfigError, match=r"jsna.year = 2026 but census.cleaned_folder "
                                              r"holds the censuses of 2023, 2024, 2025"):
        load_config(later)


def test_regional_page_groups_councils_by_region_with_england_and_the_region_first(
        tmp_path: Path) -> None:
    """153 councils are found by region: a list of regions links to one table each, which
    starts with England and the region and then gives the region's councils by name."""
    _site(tmp_path, "E06000002", [_row("E06000002", "Local authority", 40.0),
                                  _row("E92000001", "England", 46.4),
                                  _row("E12000001", "Region", 50.0)])
    _site(tmp_path, "E06000001", [_row("E06000001", "Local authority", 60.0),
                                  _row("E92000001", "England", 46.4),
                                  _row("E12000001", "Region", 50.0)])
    _site(tmp_path, "E08000009", [_row("E08000009", "Local authority", 70.0),
                                  _row("E92000001", "England", 46.4),
                                  _row("E12000002", "Region", 55.5)])
    entries = [RegionalEntry("E08000009", "Trafford", "E12000002", "North West"),
               RegionalEntry("E06000002", "Middlesbrough", "E12000001", "North East"),
               RegionalEntry("E06000001", "Hartlepool", "E12000001", "North East",
                             "published without: ehcp")]
    soup = BeautifulSoup(write_regional_index(tmp_path, entries, year=2025).read_text(
        encoding="utf-8"), "html.parser")
    index = [(a["href"], a.get_text()) for a in soup.select(".region-index a")]
    assert index == [("#region-E12000001", "North East (2 councils)"),
                     ("#region-E12000002", "North West (1 council)")]
    north_east = soup.select_one("#table-region-E12000001")
    rows = [[cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
            for row in north_east.select("tbody tr")]
    assert rows == [["England", "46.4%"], ["North East", "50.0%"],
                    ["Hartlepool published without: ehcp", "60.0%"],
                    ["Middlesbrough", "40.0%"]]
    assert [row["class"] for row in north_east.select("tbody tr")[:2]] == [["reference"]] * 2
    north_west = soup.select_one("#table-region-E12000002")
    assert [row.find("th").get_text() for row in north_west.select("tbody tr")] == [
        "England", "North West", "Trafford"]
    assert north_west.select_one('a[href="E08000009/index.html"]').get_text() == "Trafford"
    problems = soup.select(".regional-problems li")
    assert [item.get_text(" ", strip=True) for item in problems] == [
        "Hartlepool published without: ehcp"]
