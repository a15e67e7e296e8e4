"""Hostile names in every input are published as text (issue 14, items 1 and 9).

A demo council is written, then every name it carries is replaced by a hostile one: the config's
title, ``area.name`` and ``region_name``; the ward and LSOA names of the boundaries and lookups; the
school names of the school list; the council, region and neighbour names of the published
comparator files. One refresh builds the site, and every page, chart and CSV is read back:

- no ``<script>``, event-handler attribute or other element came from a name, and each name shows
  whole as text (a ``</title>`` or ``*bold*`` in it changes nothing);
- every SVG chart parses as XML and draws the names as written (``$x$`` is not mathematics);
- no CSV cell starts a spreadsheet formula: names starting ``=``, ``+``, ``-`` or ``@`` are
  written with a single quote in front.
"""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from rendered_demo import RENDER_LIMIT

from jsna.demo import write_demo
from jsna.refresh import refresh

pytestmark = pytest.mark.slow

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = "</title><img src=x onerror=alert(1)>"
MARKDOWN_AND_MATH = "*bold* $x$"
QUOTED = '"quoted" & <b>'
PAYLOADS = (SCRIPT, BREAKOUT, MARKDOWN_AND_MATH, QUOTED)
#: Starts of a cell that a spreadsheet runs as a formula.
FORMULAS = ('=HYPERLINK("http://x")', "@SUM(1+1)", "+1+1", "-1+1")

TITLE = f"{BREAKOUT} {SCRIPT} *bold* {QUOTED} QzTtl"
COUNCIL = f'=HYPERLINK("http://x") {SCRIPT} {MARKDOWN_AND_MATH} {QUOTED} QzCtn'
REGION = f"@SUM(1+1) {BREAKOUT} $y$ QzRgn"


def hostile(tag: str, number: int) -> str:
    """A distinct hostile name ending with a tag that no other text of the site holds."""
    return (f"{FORMULAS[number % len(FORMULAS)]} {PAYLOADS[number % len(PAYLOADS)]} $z$ "
            f"{tag}{number:03d}")


def _read(path: Path) -> tuple[pd.DataFrame, str]:
    encoding = "utf-8-sig" if path.read_bytes().startswith(b"\xef\xbb\xbf") else "utf-8"
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding), encoding


def _rename(path: Path, names: dict[str, str], pairs: list[tuple[str, str]]) -> None:
    """Replace each name column's text by the hostile name of its code (same BOM as before)."""
    frame, encoding = _read(path)
    for code, name in pairs:
        if code in frame and name in frame:
            known = frame[code].isin(list(names))
            frame.loc[known, name] = frame.loc[known, code].map(names)
    frame.to_csv(path, index=False, lineterminator="\n", encoding=encoding)


def plant_hostile_names(folder: Path) -> dict[str, dict[str, str]]:
    """Give every name in the demo council's inputs a hostile value; return them by kind."""
    config_path = folder / "jsna.toml"
    text = config_path.read_text(encoding="utf-8")
    council_code = re.search(r'^code = "(.*)"$', text, re.M).group(1)
    region_code = re.search(r'^region_code = "(.*)"$', text, re.M).group(1)
    for key, value in (("name", COUNCIL), ("region_name", REGION), ("title", TITLE)):
        line = f"{key} = {json.dumps(value)}"
        text, count = re.subn(rf"^{key} = .*$", lambda _, line=line: line, text, count=1,
                              flags=re.M)
        assert count == 1, key
    config_path.write_text(text, encoding="utf-8")

    comparators = sorted((folder / "comparators").glob("*.csv"))
    la_codes = set()
    for path in comparators:
        frame, _ = _read(path)
        for column in ("new_la_code", "la_code", "neighbour_code"):
            if column in frame:
                la_codes |= set(frame[column]) - {""}
    areas = {code: hostile("QzLa", n) for n, code in enumerate(sorted(la_codes - {council_code}))}
    areas |= {council_code: COUNCIL, region_code: REGION}
    area_pairs = [("new_la_code", "la_name"), ("region_code", "region_name"),
                  ("la_code", "la_name"), ("neighbour_code", "neighbour_name"),
                  ("area_code", "area_name"), ("LAD25CD", "LAD25NM"),
                  ("Local Authority District code (2024)",
                   "Local Authority District name (2024)")]
    for path in comparators:
        _rename(path, areas, area_pairs)
    _rename(folder / "population" / "population_sya.csv", areas, area_pairs)

    geography = folder / "geography"
    wards = gpd.read_file(geography / "wards.gpkg")
    lsoas = gpd.read_file(geography / "lsoas.gpkg")
    ward_names = {code: hostile("QzWd", n) for n, code in enumerate(sorted(wards["WD25CD"]))}
    lsoa_names = {code: hostile("QzLs", n) for n, code in enumerate(sorted(lsoas["LSOA21CD"]))}
    for frame, code, name, layer in ((wards, "WD25CD", "WD25NM", "wards"),
                                     (lsoas, "LSOA21CD", "LSOA21NM", "lsoas")):
        frame[name] = frame[code].map(ward_names if layer == "wards" else lsoa_names)
        path = geography / f"{layer}.gpkg"
        path.unlink()
        frame.to_file(path, driver="GPKG", layer=layer, engine="pyogrio")
    for path in (geography / "lsoa_to_ward.csv", geography / "imd.csv"):
        _rename(path, areas | ward_names | lsoa_names,
                [("WD25CD", "WD25NM"), ("LSOA21CD", "LSOA21NM"),
                 ("LSOA code (2021)", "LSOA name (2021)"), *area_pairs])

    schools, _ = _read(folder / "schools.csv")
    school_names = {urn: hostile("QzSc", n) for n, urn in enumerate(schools["URN"])}
    schools["SchoolName"] = schools["URN"].map(school_names)
    schools.to_csv(folder / "schools.csv", index=False, lineterminator="\n")
    published, _ = _read(folder / "comparators" / "statistical_neighbours.csv")
    neighbours = {code: areas[code] for code in
                  published.loc[published["la_code"] == council_code, "neighbour_code"]}
    return {"wards": ward_names, "schools": school_names, "neighbours": neighbours,
            "areas": areas, "lsoas": lsoa_names}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile") / "data" / "demo"
    config_path = write_demo(folder, seed=7, dirt_rate=0.02, years=3, n_wards=6)
    names = plant_hostile_names(folder)
    report = refresh(config_path, workers=2, timeout=RENDER_LIMIT)
    assert report.ok, [(r.name, r.status, r.message) for r in report.results]
    return report.config.output_dir, names


def _all_names(names: dict[str, dict[str, str]]) -> list[str]:
    planted = [TITLE] + [name for kind in names.values() for name in kind.values()]
    return sorted(set(planted))


def _tag(name: str) -> str:
    return re.search(r"Qz\w+$", name).group(0)


def _pages(output_dir: Path) -> dict[str, BeautifulSoup]:
    return {page.name: BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
            for page in sorted(output_dir.glob("*.html"))}


def _cell_texts(soup: BeautifulSoup) -> set[str]:
    return {cell.get_text() for cell in soup.find_all(["th", "td"])}


def test_no_element_or_attribute_of_any_page_comes_from_a_name(hostile_site):
    output_dir, _ = hostile_site
    pages = _pages(output_dir)
    assert {"index.html", "01_population.html", "02_wards.html", "03_settings.html",
            "04_ehcp.html"} <= set(pages)
    for name, soup in pages.items():
        assert soup.find_all("script") == [], name
        assert soup.find_all("b") == [], name
        assert not [e for e in soup.find_all(["em", "strong"]) if "bold" in e.get_text()], name
        assert len(soup.find_all("title")) == 1 and len(soup.find_all("h1")) == 1, name
        for element in soup.find_all(True):
            handlers = [a for a in element.attrs if a.lower().startswith("on")]
            assert handlers == [], (name, element.name, handlers)
        for image in soup.find_all("img"):
            assert image["src"].startswith("data:image/svg+xml;base64,"), name


def test_the_site_title_shows_whole_as_text_on_every_page(hostile_site):
    output_dir, _ = hostile_site
    for name, soup in _pages(output_dir).items():
        assert soup.title.get_text().endswith(f" – {TITLE}"), name
        assert soup.select_one("a.site-title").get_text() == TITLE, name
        assert soup.select_one("footer.site-footer p").get_text().startswith(f"{TITLE}. "), name
    index = _pages(output_dir)["index.html"]
    assert index.h1.get_text() == TITLE


def test_every_name_shows_whole_as_text_wherever_it_shows(hostile_site):
    output_dir, names = hostile_site
    pages = _pages(output_dir)
    planted = _all_names(names)
    for page, soup in pages.items():
        texts = [str(s) for s in soup.find_all(string=True)]
        texts += [element[attribute] for element in soup.find_all(True)
                  for attribute in ("alt", "aria-label", "title") if element.has_attr(attribute)]
        for text in texts:
            for name in planted:
                if _tag(name) in text:
                    assert name in text, (page, name, text)
    index = pages["index.html"]
    assert COUNCIL in index.select_one("p.lead").get_text()
    assert any(REGION in p.get_text() for p in index.find_all("p"))
    assert COUNCIL in _cell_texts(index)  # the scorecard's column of the council's values
    assert set(names["wards"].values()) <= _cell_texts(pages["02_wards.html"])
    shown_schools = set(names["schools"].values()) & _cell_texts(pages["03_settings.html"])
    assert shown_schools, "the schools table names schools"
    ehcp = _cell_texts(pages["04_ehcp.html"])
    assert set(names["neighbours"].values()) <= ehcp and COUNCIL in ehcp
    population = pages["01_population.html"]
    assert {COUNCIL, REGION} <= _cell_texts(population)
    alt = population.select_one("#figure-population_ehc_plan_trend img")["alt"]
    assert COUNCIL in alt and REGION in alt


def _svg_text(path: Path) -> str:
    """Every text the SVG draws, in order, with white space removed (labels may be wrapped)."""
    root = ET.fromstring(path.read_bytes())
    texts = ["".join(element.itertext()) for element in root.iter("{http://www.w3.org/2000/svg}text")]
    return "".join("".join(text.split()) for text in texts)


def test_charts_draw_names_as_written(hostile_site):
    output_dir, names = hostile_site
    svgs = sorted((output_dir / "figures").glob("*.svg"))
    assert len(svgs) >= 8
    planted = _all_names(names)
    drawn = {path.stem: _svg_text(path) for path in svgs}
    for stem, text in drawn.items():
        for name in planted:
            if _tag(name) in text:
                assert "".join(name.split()) in text, (stem, name)
    assert "".join(COUNCIL.split()) in drawn["population_ehc_plan_trend"]
    assert "".join(REGION.split()) in drawn["population_ehc_plan_trend"]
    for ward in names["wards"].values():
        assert "".join(ward.split()) in drawn["wards_sen_by_ward"], ward
    assert "".join(COUNCIL.split()) in drawn["ehcp_timeliness_neighbours"]


def _csv_cells(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_no_csv_cell_starts_a_formula(hostile_site):
    output_dir, names = hostile_site
    files = [p for p in sorted(output_dir.rglob("*.csv")) if "notebooks" not in p.parts]
    assert len(files) >= 10
    for path in files:
        for cell in _csv_cells(path):
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) or _is_number(cell), (
                path.relative_to(output_dir), cell)
    data = output_dir / "data"
    assert f"'{COUNCIL}" in _csv_cells(data / "indicators.csv")
    assert f"'{REGION}" in _csv_cells(data / "indicators.csv")
    schools = set(_csv_cells(data / "settings_schools.csv"))
    assert any(f"'{name}" in schools for name in names["schools"].values() if name[0] == "=")
    wards = set(_csv_cells(data / "wards_sen_by_ward.csv"))
    assert {f"'{name}" for name in names["wards"].values()} <= wards
    neighbours = set(_csv_cells(data / "ehcp_timeliness_neighbours.csv"))
    assert {f"'{name}" for name in names["neighbours"].values()} <= neighbours


def test_the_summary_and_glossary_links_leave_names_as_text(hostile_site):
    # issue 18: links to the glossary are added to escaped text, each term once
    output_dir, _ = hostile_site
    pages = _pages(output_dir)
    index = pages["index.html"]
    lines = [li.get_text() for li in index.select(".executive-summary li")]
    assert lines and any(f"among {COUNCIL} and its statistical neighbours" in line
                         for line in lines)
    assert COUNCIL in index.select_one("p.lead").get_text()
    links = [a["href"] for a in index.select("a.glossary-term")]
    ids = {dt["id"] for dt in pages["glossary.html"].select("dl.glossary dt")}
    assert links and len(links) == len(set(links))
    assert {href.removeprefix("glossary.html#") for href in links} <= ids
    assert [a.get_text() for a in index.select(".executive-summary a")] == [
        a.get_text() for a in index.select(".executive-summary a.glossary-term")]
