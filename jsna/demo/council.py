"""Write the whole synthetic demo council ("Demoton") and its ``jsna.toml``."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio

from jsna.chapter_list import CHAPTERS
from jsna.demo.adulthood import adulthood_lait_table, adulthood_tables, neet_file_names
from jsna.demo.capacity import write_specialist_capacity
from jsna.demo.care_extract import write_care_files
from jsna.demo.census import dirty_census, new_build_postcode_row
from jsna.demo.comparators import (
    build_comparators,
    choose_neighbours,
    council_counts,
    councils,
    sen2_activity_tables,
)
from jsna.demo.geography import COUNCIL_CODE, DemoGeography, build_geography
from jsna.demo.health_extract import (
    FINGERTIPS_FILE,
    PROVIDERS_FILE,
    WAITS_FILE,
    write_health_inputs,
)
from jsna.demo.lait import lait_table
from jsna.demo.names import COUNCIL_NAME, OTHER_REGION_NAMES
from jsna.demo.outcomes import outcome_tables
from jsna.demo.placements import add_placements
from jsna.demo.population import (
    base_population,
    other_council_counts,
    population_table,
    project_adults,
)
from jsna.demo.pupils import PLAN, simulate_pupils
from jsna.demo.resources import (
    DSG_FILE,
    SEN2_MI_FILE,
    TRIBUNAL_FILE,
    sen_finance_lait_rows,
    write_resources,
    write_sen2_mi,
)
from jsna.demo.schools import LA_NUMBER, build_schools
from jsna.demo.sen2_extract import SETTING_HEADING, extract_date, sen2_extract
from jsna.demo.voice import FORUM_FILE, SURVEY_FILE, write_voice
from jsna.errors import JsnaInputError

REGION_CODE = "Z12000001"
DEMO_SALT = "demo-salt-not-secret"
SCHOOL_COLUMNS = [
    "URN",
    "LAEstab",
    "SchoolName",
    "Phase",
    "TypeOfEstablishment",
    "Easting",
    "Northing",
]
IMD_COLUMNS = [
    "LSOA code (2021)",
    "LSOA name (2021)",
    "Local Authority District code (2024)",
    "Local Authority District name (2024)",
    "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
    "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",
]
# Independent random streams, so changing one part does not reshuffle the others.
_STREAMS = ("geography", "population", "schools", "pupils", "census", "comparators", "adults",
            "sen2", "rare_dirt")  # a new stream goes last: the others keep their numbers


def write_demo(
    folder: Path,
    seed: int = 2025,
    dirt_rate: float = 0.01,
    years: int = 5,
    last_year: int = 2025,
    *,
    n_wards: int = 24,
    output_folder: str | Path | None = None,
) -> Path:
    """Write the synthetic demo council and return the path of its ``jsna.toml``.

    Everything is generated from ``seed``: the same arguments give byte-identical files.

    Parameters
    ----------
    folder : pathlib.Path
        Output folder (normally ``data/demo/``); created if missing. Existing files of the same
        names are overwritten.
    seed : int, default 2025
        Seed of the random generator.
    dirt_rate : float, default 0.01
        Share of census rows given each kind of data-quality problem (0 gives clean files).
    years : int, default 5
        Number of consecutive January censuses, ending with ``last_year``.
    last_year : int, default 2025
        Latest January census (the JSNA year).
    n_wards : int, default 24
        Number of wards; the council's size scales with it (24 gives about 30,000 pupils).
    output_folder : str or Path, optional
        ``output.folder`` of the demo's ``jsna.toml``: where the rendered sites go. A relative
        path is taken from ``folder``. Default ``../../outputs``: the project's ``outputs/`` when
        ``folder`` is ``data/demo``.

    Returns
    -------
    pathlib.Path
        ``folder / "jsna.toml"``.

    Raises
    ------
    JsnaInputError
        If an argument is out of range.
    """
    _check_arguments(seed, dirt_rate, years, last_year, n_wards)
    folder = Path(folder)
    rngs = dict(
        zip(
            _STREAMS,
            (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(len(_STREAMS))),
            strict=True,
        )
    )
    census_years = list(range(last_year - years + 1, last_year + 1))
    mid_years = list(range(min(census_years[0] - 1, last_year - 5), last_year))

    geography = build_geography(rngs["geography"], n_wards)
    base = base_population(rngs["population"], geography)
    schools = build_schools(rngs["schools"], geography)
    model = simulate_pupils(rngs["pupils"], geography, schools, base, census_years, mid_years)
    population = project_adults(rngs["adults"], base[: geography.n_lsoas], model.child_counts)
    neighbours = choose_neighbours(rngs["comparators"])
    council_by_year = {y: council_counts(model.census[y], schools) for y in census_years}
    sen2 = {}
    for year in census_years:
        frame = model.census[year]
        resident_plans = int(((frame["sen"] == PLAN) & (frame["area"] < geography.n_lsoas)).sum())
        sen2[year] = round(resident_plans * 1.32 * rngs["comparators"].uniform(0.97, 1.03))
    comparators = build_comparators(rngs["comparators"], council_by_year, sen2, neighbours)
    # SEN2 requests, assessments and timeliness: calendar years before the last census
    comparators |= sen2_activity_tables(
        rngs["sen2"], comparators["caseload"], list(range(last_year - 5, last_year)), neighbours
    )
    comparators |= adulthood_tables(comparators["caseload"], seed, last_year, COUNCIL_CODE)

    comparators |= outcome_tables(np.random.default_rng([seed, 9]), last_year)  # own stream
    comparators["lait_bds_long"] = pd.concat([
        lait_table(np.random.default_rng([seed, 17]), last_year),
        sen_finance_lait_rows(np.random.default_rng([seed, 19]), last_year),
        adulthood_lait_table(seed, last_year)], ignore_index=True)
    comparators["caseload"] = add_placements(comparators["caseload"],
                                             np.random.default_rng([seed, 12]), neighbours[0])
    _write_geography(folder, geography, last_year, new_build=dirt_rate > 0)
    _write_csv(schools[SCHOOL_COLUMNS], folder / "schools.csv")
    # every other demo council's residents too (own stream), as ONS's file has every council
    others = other_council_counts(np.random.default_rng([seed, 23]), population,
                                  {c.code: c.name for c in councils() if c.code != COUNCIL_CODE})
    _write_csv(population_table(geography, population, others),
               folder / "population" / "population_sya.csv")
    for year in census_years:
        census = dirty_census(rngs["census"], model, year, schools, geography.postcodes, dirt_rate,
                              rare_rng=rngs["rare_dirt"])
        if dirt_rate > 0 and len(census_years) > 1 and year == census_years[0]:
            census = census.drop(columns="FSMeligible")  # an older extract without FSM
        _write_csv(census, folder / "census" / f"census_{year}.csv")
    write_specialist_capacity(census, schools, folder / "specialist_capacity.csv")
    for name, table in comparators.items():
        # the published SEN2 files start with a byte-order mark
        bom = name in ("caseload", "requests", "assessments", "timeliness_20_week")
        _write_csv(table, folder / "comparators" / f"{name}.csv", bom=bom)
    _write_narrative(folder / "narrative")
    # the council's SEN2 casework, linked to its census pupils (own stream: nothing else moves)
    timely = comparators["timeliness_20_week"]
    timely = timely[timely["new_la_code"] == COUNCIL_CODE]
    within = dict(zip(timely["time_period"].astype(int),
                      pd.to_numeric(timely["PC_plans_issued_20_weeks_ex"], errors="coerce") / 100,
                      strict=True))
    _write_csv(sen2_extract(np.random.default_rng([seed, 16]), model, schools, geography.n_lsoas,
                            sen2, last_year, dirt_rate, within),
               folder / "casework" / "sen2_extract.csv")
    write_voice(np.random.default_rng([seed, 14]), folder)  # own stream: other files unchanged
    write_care_files(np.random.default_rng([seed, 18]), folder, model.census[last_year], last_year,
                     LA_NUMBER, dirt_rate)
    children = {code: float(counts[last_year - 1][:, 2:19].sum())
                for code, (_, counts) in others.items()}
    children[COUNCIL_CODE] = float(population[last_year - 1][:, :, 2:19].sum())
    write_resources(np.random.default_rng([seed, 8]), folder, children, last_year)
    write_sen2_mi(np.random.default_rng([seed, 21]), folder)  # own stream: other files unchanged
    write_health_inputs(np.random.default_rng([seed, 10]), folder, model.census[last_year], geography.postcodes, neighbours, last_year, dirt_rate)
    path = folder / "jsna.toml"
    outputs = "../../outputs" if output_folder is None else Path(output_folder).as_posix()
    path.write_text(_toml(census_years, neighbours, last_year, outputs), encoding="utf-8")
    return path


def _check_arguments(seed, dirt_rate, years, last_year, n_wards) -> None:
    problems = []
    if not isinstance(seed, int | np.integer) or seed < 0:
        problems.append(f"seed must be a non-negative integer, got {seed!r}")
    if not 0.0 <= float(dirt_rate) <= 0.2:
        problems.append(f"dirt_rate must be between 0 and 0.2, got {dirt_rate!r}")
    if not isinstance(years, int | np.integer) or not 1 <= years <= 10:
        problems.append(f"years must be an integer from 1 to 10, got {years!r}")
    if not isinstance(last_year, int | np.integer) or not 2015 <= last_year <= 2035:
        problems.append(f"last_year must be a year from 2015 to 2035, got {last_year!r}")
    if not isinstance(n_wards, int | np.integer) or not 2 <= n_wards <= 40:
        problems.append(f"n_wards must be an integer from 2 to 40, got {n_wards!r}")
    if problems:
        raise JsnaInputError("jsna.demo.write_demo: " + "; ".join(problems))


def _write_csv(frame: pd.DataFrame, path: Path, bom: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8-sig" if bom else "utf-8")


@contextlib.contextmanager
def _fixed_gdal_date(timestamp: str) -> Iterator[None]:
    """Make GDAL stamp GeoPackages with ``timestamp`` (not the current time), then restore."""
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": timestamp})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})


def _write_geography(folder: Path, geography: DemoGeography, last_year: int,
                     new_build: bool = False) -> None:
    geo = folder / "geography"
    geo.mkdir(parents=True, exist_ok=True)
    with _fixed_gdal_date(f"{last_year}-01-01T00:00:00.000Z"):
        for name, frame in (
            ("wards", geography.wards[["WD25CD", "WD25NM", "geometry"]]),
            ("lsoas", geography.lsoas[["LSOA21CD", "LSOA21NM", "geometry"]]),
        ):
            path = geo / f"{name}.gpkg"
            path.unlink(missing_ok=True)
            frame.to_file(path, driver="GPKG", layer=name, engine="pyogrio")

    lsoas = geography.lsoas
    lookup = pd.DataFrame(
        {
            "LSOA21CD": lsoas["LSOA21CD"],
            "LSOA21NM": lsoas["LSOA21NM"],
            "WD25CD": lsoas["WD25CD"],
            "WD25NM": lsoas["WD25NM"],
            "LAD25CD": COUNCIL_CODE,
            "LAD25NM": COUNCIL_NAME,
        }
    )
    _write_csv(lookup, geo / "lsoa_to_ward.csv")

    ranks = geography.imd["imd_rank"].to_numpy()
    imd = pd.DataFrame(
        dict(
            zip(
                IMD_COLUMNS,
                [
                    lsoas["LSOA21CD"],
                    lsoas["LSOA21NM"],
                    COUNCIL_CODE,
                    COUNCIL_NAME,
                    [f"{r:,}" for r in ranks],
                    geography.imd["imd_decile"],
                ],
                strict=True,
            )
        )
    )
    _write_csv(imd, geo / "imd.csv", bom=True)  # IoD File 1 starts with a byte-order mark

    postcodes = geography.postcodes.drop(columns="area")
    if new_build:  # dirt: a council postcode without an LSOA or ward code yet
        postcodes = pd.concat([postcodes, new_build_postcode_row(postcodes, COUNCIL_CODE)],
                              ignore_index=True)
    _write_csv(postcodes, geo / "postcode_lookup.csv")


#: The demo's "What this means" texts: the overview and the EHC chapter are written (the other
#: chapters show where to write theirs). They say they are a demonstration.
DEMO_NARRATIVE = {
    "overview": """\
*Demonstration text: in a real JSNA the task-and-finish group writes this section in
`narrative/overview.md`.*

The group reads the scorecard first for indicators that are significantly worse than England and
getting worse. For a SEND JSNA these are usually the timeliness of EHC plans and the growth in
plans for autism and social, emotional and mental health needs.

**Recommendations for the Health and Wellbeing Board**

1. Agree a recovery plan for the 20-week EHC plan timeliness, with monthly reporting
   (see [EHC needs assessments and plans](04_ehcp.html)).
2. Commission sufficiency planning for specialist places from the forecast of plans.
3. Target early help in the wards with the highest rates of SEN support
   (see [where children with SEND live](02_wards.html)).
""",
    "ehcp": """\
*Demonstration text: in a real JSNA the group writes this section in `narrative/ehcp.md`.*

Requests for EHC needs assessments are rising faster than the capacity to assess them. The
share of plans issued within 20 weeks is the figure families notice first, and it is compared
here with England, the region and statistical neighbours.

### What the group recommends

- Report weekly on assessments open for more than 20 weeks, by the step they are waiting at.
- Agree with health partners a turnaround target for advice from therapists and paediatricians.
""",
}


def _write_narrative(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for key, text in DEMO_NARRATIVE.items():
        (folder / f"{key}.md").write_text(text, encoding="utf-8")


def _toml(census_years: list[int], neighbours: list[str], last_year: int, outputs: str) -> str:
    census = "\n".join(f'{y} = "census/census_{y}.csv"' for y in census_years)
    neighbour_list = ", ".join(f'"{code}"' for code in neighbours)
    chapter_list = ", ".join(f'"{key}"' for key in CHAPTERS)  # every chapter the toolkit has
    return f'''# Synthetic demo council written by jsna.demo.write_demo: nobody real is in it.
[area]
code = "{COUNCIL_CODE}"
name = "{COUNCIL_NAME}"
la_number = {LA_NUMBER}
region_code = "{REGION_CODE}"
region_name = "{OTHER_REGION_NAMES[0]}"

[jsna]
year = {last_year}
title = "{COUNCIL_NAME} SEND Joint Strategic Needs Assessment {last_year}"

[inputs]
postcode_lookup = "geography/postcode_lookup.csv"
lsoa_ward_lookup = "geography/lsoa_to_ward.csv"
ward_boundaries = "geography/wards.gpkg"
lsoa_boundaries = "geography/lsoas.gpkg"
imd = "geography/imd.csv"
population = "population/population_sya.csv"
schools = "schools.csv"
specialist_capacity = "specialist_capacity.csv"
sen2_extract = "casework/sen2_extract.csv"
health_waits = "{WAITS_FILE}"
health_provider_lookup = "{PROVIDERS_FILE}"
fingertips = "{FINGERTIPS_FILE}"
lait = "comparators/lait_bds_long.csv"
cin_extract = "care/cin_extract.csv"

narrative = "narrative"
voice_survey = "{SURVEY_FILE}"
voice_forum = "{FORUM_FILE}"

[inputs.census]
{census}

[inputs.comparators]
sen_phase_type = "comparators/sen_phase_type.csv"
sen_primary_need = "comparators/sen_primary_need.csv"
ehcp_caseload = "comparators/caseload.csv"
statistical_neighbours = "comparators/statistical_neighbours.csv"
ehcp_requests = "comparators/requests.csv"
ehcp_assessments = "comparators/assessments.csv"
ehcp_timeliness = "comparators/timeliness_20_week.csv"
neet_send = [{", ".join(json.dumps(name) for name in neet_file_names(last_year))}]
high_needs_dsg = "{DSG_FILE}"
send_tribunals = "{TRIBUNAL_FILE}"
sen2_management_information = "{SEN2_MI_FILE}"
ks4_by_sen = "comparators/ks4_by_sen.csv"
eyfs_by_sen = "comparators/eyfs_headline_measures.csv"
cin_by_sen = "comparators/cin_by_sen.csv"

[census]
salt = "{DEMO_SALT}"

[census.columns]

[sen2]
extract_date = {extract_date(last_year).isoformat()}

[sen2.columns]
"{SETTING_HEADING}" = "Setting"
[cin.columns]
"Case Ref" = "ChildID"

[comparators]
neighbours = [{neighbour_list}]

[disclosure]
threshold = 5
suppress_zeros = false

[chapters]
run = [{chapter_list}]

[output]
folder = {json.dumps(outputs, ensure_ascii=False)}

[governance]
owner = "Public Health Intelligence, {COUNCIL_NAME} Council (synthetic demonstration)"
board = "{COUNCIL_NAME} Health and Wellbeing Board"
next_review = {last_year + 1}-03-31
contact = "jsna@demoton.example"

[targets]
# the council's own targets, shown on the overview's scorecard as met or not met
ehcp_issued_20_weeks_ex_percent = 60

[forecast.scenarios.new_special_school]
# a scenario run beside the central forecast in the sufficiency chapter
label = "New special school, more new plans"
joiner_rate = 1.1
shift_share = 0.1
shift_from = "mainstream"
shift_to = "state_special"
new_places = 60
new_places_setting = "state_special"
new_places_phase = "secondary"
from_year = {last_year + 2}
'''
