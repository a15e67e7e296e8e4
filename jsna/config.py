"""Load and validate a council's ``jsna.toml``.

One TOML file per council describes everything that changes from one council (or one year) to the
next: the area, the JSNA year, where each input file lives, the comparators and the disclosure rule.
Relative paths resolve against the folder that holds the TOML file, so a council's folder can be moved
or shared as a whole.

Validation reports **every** problem at once (unknown key, missing key, wrong type, missing file),
each naming its key, so an analyst fixes the file in one pass.
"""

from __future__ import annotations

import csv
import datetime
import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsna.chapter_list import CHAPTERS
from jsna.errors import JsnaConfigError

#: Chapters the toolkit can render, in reading order.
KNOWN_CHAPTERS: tuple[str, ...] = tuple(CHAPTERS)

#: Inputs under ``[inputs]`` (other than census and comparators). Which ones a council must set
#: depends on the chapters it runs (each chapter lists its inputs in :mod:`jsna.chapter_list`).
INPUT_KEYS: tuple[str, ...] = (
    "postcode_lookup",
    "lsoa_ward_lookup",
    "ward_boundaries",
    "lsoa_boundaries",
    "imd",
    "population",
    "schools",
    "specialist_capacity",
    "sen2_extract",
    "voice_survey", "voice_forum",
    "health_waits", "health_provider_lookup", "fingertips", "nhs_community_waits",
    "lait",
    "cin_extract",
)

#: Health waiting-list services (keys of ``[inputs.health_services]``; labels in
#: :data:`jsna.clean.health_services.SERVICES`).
HEALTH_SERVICES: tuple[str, ...] = (
    "community_paediatrics", "speech_and_language_therapy", "occupational_therapy",
    "physiotherapy", "autism_assessment", "adhd_assessment", "camhs",
)

#: Comparator files under ``[inputs.comparators]``.
COMPARATOR_KEYS: tuple[str, ...] = (
    "sen_phase_type",
    "sen_primary_need",
    "ehcp_caseload",
    "statistical_neighbours",
    "ehcp_requests",
    "ehcp_assessments",
    "ehcp_timeliness",
    "neet_send",
    "high_needs_dsg", "send_tribunals",
    "ks4_by_sen", "eyfs_by_sen",
    "ehcp_age_caseload",
    "cin_by_sen",
    "sen2_management_information",
)
#: Comparator keys that take one file or an array of files, one per year (DfE publishes the NEET
#: dashboard file one calendar year at a time).
COMPARATOR_LIST_KEYS: tuple[str, ...] = ("neet_send",)

_SCHEMA: dict[str, dict[str, type | tuple[type, ...]]] = {
    "area": {
        "code": str,
        "name": str,
        "la_number": int,
        "region_code": str,
        "region_name": str,
    },
    "jsna": {"year": int, "title": str},
    "census": {"salt": str, "salt_env": str, "columns": dict, "cleaned_folder": str},
    "sen2": {"columns": dict, "extract_date": (datetime.date, str)},
    "health": {"columns": dict, "services": dict, "extract_date": (datetime.date, str)},
    "comparators": {"neighbours": list},
    "disclosure": {"threshold": int, "suppress_zeros": bool},
    "chapters": {"run": list},
    "output": {"folder": str, "clean_folder": str},
    "cin": {"columns": dict},
    "areas": {"census": dict},
    "governance": {"owner": str, "board": str, "approved_on": (datetime.date, str),
                   "next_review": (datetime.date, str), "contact": str},
}
#: A GSS area code (a letter for the nation, E, W, S or N, then 8 digits), or a demo code (``Z``
#: and 8 digits, which no real area has). The code names the site's folder, so nothing else is taken.
AREA_CODE = re.compile(r"[EWSNZ][0-9]{8}")

#: Text settings that are shown on every page and may not be blank.
_NOT_BLANK: tuple[tuple[str, str], ...] = (
    ("area", "name"), ("area", "region_name"), ("jsna", "title"))

_REQUIRED: dict[str, tuple[str, ...]] = {
    "area": ("code", "name", "region_code", "region_name"),
    "jsna": ("year",),
}


@dataclass(frozen=True)
class Area:
    """The council whose JSNA is built."""

    code: str
    name: str
    la_number: int | None
    region_code: str
    region_name: str


@dataclass(frozen=True)
class Inputs:
    """Paths of every input file, already resolved against the config's folder."""

    #: The January census extracts by year.
    census: dict[int, Path]
    #: Local geography: postcodes and LSOAs to wards, boundaries, deprivation, population.
    postcode_lookup: Path | None = None
    lsoa_ward_lookup: Path | None = None
    ward_boundaries: Path | None = None
    lsoa_boundaries: Path | None = None
    imd: Path | None = None
    population: Path | None = None
    #: The council's schools and its specialist places.
    schools: Path | None = None
    specialist_capacity: Path | None = None
    #: The council's own extracts: SEN2 casework, children in need / looked after.
    sen2_extract: Path | None = None
    cin_extract: Path | None = None
    #: ``[inputs.comparators]``: published files by key (see :data:`COMPARATOR_KEYS`); for a key
    #: given an array of files (:data:`COMPARATOR_LIST_KEYS`), the last file listed.
    comparators: dict[str, Path] = field(default_factory=dict)
    #: Every comparator key -> all its files in the order listed (one for a single path).
    comparator_files: dict[str, tuple[Path, ...]] = field(default_factory=dict)
    #: The group's own words, and the voice of children, young people and families.
    narrative: Path | None = None
    voice_survey: Path | None = None
    voice_forum: Path | None = None
    #: Health waiting lists (one file with a service column), and the provider lookup.
    health_waits: Path | None = None
    health_provider_lookup: Path | None = None
    #: ``[inputs.health_services]``: one waiting-list file per service (service key -> file).
    health_services: dict[str, Path] = field(default_factory=dict)
    #: Published health and education data: Fingertips, NHS community waits, DfE LAIT.
    fingertips: Path | None = None
    nhs_community_waits: Path | None = None
    lait: Path | None = None

    def __post_init__(self) -> None:
        # ``comparators`` says which keys are set; a key's list of files is kept only when it
        # ends with that key's file (an Inputs made with ``comparators`` alone, or with a key
        # replaced, still lists every comparator file it reads)
        files = {key: (self.comparator_files[key] if self.comparator_files.get(key, ())[-1:]
                       == (path,) else (path,))
                 for key, path in self.comparators.items()}
        object.__setattr__(self, "comparator_files", files)


@dataclass(frozen=True)
class CensusOptions:
    """How to read the council's census extracts.

    ``cleaned_folder`` (``census.cleaned_folder``) is a census cleaned elsewhere: the folder
    ``jsna clean census --out FOLDER`` wrote (``pupils.parquet``, ``reconciliation.csv``,
    ``validation.csv``), read as it is instead of cleaning ``inputs.census`` (so no salt is
    needed); ``cleaned_years`` are the census years it holds.
    """

    columns: dict[str, str]
    salt: str
    cleaned_folder: Path | None = None
    cleaned_years: tuple[int, ...] = ()


@dataclass(frozen=True)
class Sen2Options:
    """``[sen2]``: how to read the SEN2 casework extract (``inputs.sen2_extract``).

    ``columns`` maps local headings to standard names; ``extract_date`` (a date) is the day the
    extract was taken: later dates are reported as in the future (default: 31 December of the
    JSNA year).
    """

    columns: dict[str, str] = field(default_factory=dict)
    extract_date: datetime.date | None = None


def _sen2_options(table: dict[str, Any], problems: list[str]) -> Sen2Options:
    """``[sen2]``, with ``extract_date`` as a TOML date or ``"YYYY-MM-DD"`` text."""
    columns = table.get("columns", {})
    if isinstance(columns, dict):
        problems += [f"sen2.columns.{local} should name a standard column (a string)"
                     for local, standard in columns.items() if not isinstance(standard, str)]
    else:
        columns = {}
    when = table.get("extract_date")
    if isinstance(when, str):
        try:
            when = datetime.date.fromisoformat(when.strip())
        except ValueError:
            problems.append(f"sen2.extract_date should be a date such as 2025-11-30, got {when!r}")
            when = None
    if isinstance(when, datetime.datetime):
        when = when.date()
    return Sen2Options(columns=dict(columns),
                       extract_date=when if isinstance(when, datetime.date) else None)


@dataclass(frozen=True)
class HealthOptions:
    """How to read health waiting-list extracts (``[health]``; see :mod:`jsna.clean.health`)."""

    columns: dict[str, str] = field(default_factory=dict)
    services: dict[str, str] = field(default_factory=dict)
    extract_date: datetime.date | None = None


def _health_options(table: dict[str, Any], problems: list[str]) -> HealthOptions:
    """``[health]``: column and service maps (strings) and the extract date."""
    maps: dict[str, dict[str, str]] = {}
    for key in ("columns", "services"):
        value = table.get(key, {})
        value = value if isinstance(value, dict) else {}
        problems += [f"health.{key}.{local} should be a string" for local, name in value.items()
                     if not isinstance(name, str)]
        maps[key] = {str(k): v for k, v in value.items() if isinstance(v, str)}
    when = table.get("extract_date")
    if isinstance(when, str):
        try:
            when = datetime.date.fromisoformat(when)
        except ValueError:
            problems.append(f"health.extract_date should be a date (2026-03-31), got {when!r}")
            when = None
    elif isinstance(when, datetime.datetime):
        when = when.date()
    return HealthOptions(columns=maps["columns"], services=maps["services"],
                         extract_date=when if isinstance(when, datetime.date) else None)


@dataclass(frozen=True)
class DisclosureOptions:
    """Statistical disclosure control rule: counts ``1 .. threshold - 1`` are suppressed."""

    threshold: int = 5
    suppress_zeros: bool = False


@dataclass(frozen=True)
class Governance:
    """Who owns the JSNA and who approved it (``[governance]``); shown on the overview.

    Dates are ISO text (``YYYY-MM-DD``); every field may be blank (not yet approved).
    """

    owner: str = ""
    board: str = ""
    approved_on: str = ""
    next_review: str = ""
    contact: str = ""


def _governance(table: dict[str, Any], problems: list[str]) -> Governance:
    """``[governance]``, with dates as TOML dates or ``"YYYY-MM-DD"`` text."""
    values: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            values[key] = value.isoformat()
        elif isinstance(value, str):
            values[key] = value.strip()
    for key in ("approved_on", "next_review"):
        text = values.get(key, "")
        try:
            if text:
                datetime.date.fromisoformat(text)
        except ValueError:
            problems.append(f"governance.{key} should be a date such as 2026-03-31, got {text!r}")
    return Governance(**{k: v for k, v in values.items() if k in Governance.__dataclass_fields__})


#: Settings of the cohort forecast, as named in ``[forecast.scenarios.*]`` and the capacity file.
FORECAST_SETTINGS: tuple[str, ...] = ("mainstream", "resourced", "state_special",
                                      "independent_special", "post16", "other")
#: Phases of the school capacity (SCAP) return, as named in the config and the capacity file.
FORECAST_PHASES: tuple[str, ...] = ("primary", "secondary", "post16")


@dataclass(frozen=True)
class ForecastScenario:
    """A forecast scenario (``[forecast.scenarios.<name>]``), run beside the central forecast.

    Attributes
    ----------
    name : str
        The table's key.
    label : str
        Shown to the reader (default: the name).
    joiner_rate : float
        Multiplier of the yearly new plans (joiners), above 0 (1: unchanged).
    shift_share : float
        Share (0 to 1) of the pupils who would join or move into ``shift_from`` placed in
        ``shift_to`` instead.
    shift_from, shift_to : str
        Settings of :data:`FORECAST_SETTINGS`.
    new_places : int
        Specialist places opening in ``new_places_setting`` for ``new_places_phase``.
    new_places_setting, new_places_phase : str
        A setting of :data:`FORECAST_SETTINGS` and a phase of :data:`FORECAST_PHASES`.
    from_year : int or None
        First January the scenario changes (default: the first forecast January).
    """

    name: str
    label: str
    joiner_rate: float = 1.0
    shift_share: float = 0.0
    shift_from: str = "mainstream"
    shift_to: str = "state_special"
    new_places: int = 0
    new_places_setting: str = "state_special"
    new_places_phase: str = "primary"
    from_year: int | None = None


def _forecast_scenarios(table: Any, problems: list[str]) -> tuple[ForecastScenario, ...]:
    """``[forecast.scenarios.<name>]``: one problem line per key that is unknown or wrong."""
    if not isinstance(table, dict):
        problems.append("[forecast] must be a table")
        return ()
    for key in table:
        if key != "scenarios":
            problems.append(f"unknown key forecast.{key} (known: scenarios)")
    scenarios_t = table.get("scenarios", {})
    if not isinstance(scenarios_t, dict):
        problems.append("forecast.scenarios must be a table of [forecast.scenarios.<name>]")
        return ()
    numbers: dict[str, tuple[type, float, float]] = {
        "joiner_rate": (float, 0.0, math.inf), "shift_share": (float, 0.0, 1.0),
        "new_places": (int, 0, math.inf), "from_year": (int, 2000, 2100)}
    choices = {"shift_from": FORECAST_SETTINGS, "shift_to": FORECAST_SETTINGS,
               "new_places_setting": FORECAST_SETTINGS, "new_places_phase": FORECAST_PHASES}
    scenarios = []
    for name, values in scenarios_t.items():
        where = f"forecast.scenarios.{name}"
        if not isinstance(values, dict):
            problems.append(f"{where} must be a table")
            continue
        found = len(problems)
        kept: dict[str, Any] = {}
        for key, value in values.items():
            if key == "label":
                if not isinstance(value, str) or not value.strip():
                    problems.append(f"{where}.label should be a non-empty string, got {value!r}")
                kept[key] = value
            elif key in numbers:
                kind, low, high = numbers[key]
                whole = kind is int
                ok = (not isinstance(value, bool) and isinstance(value, int if whole else
                                                                 int | float)
                      and math.isfinite(value) and low <= value <= high
                      and (key != "joiner_rate" or value > 0))
                if not ok:
                    span = {"joiner_rate": "a number above 0 (1 = unchanged)",
                            "shift_share": "a number from 0 to 1",
                            "new_places": "a whole number of places, 0 or more",
                            "from_year": "a January such as 2027"}[key]
                    problems.append(f"{where}.{key} should be {span}, got {value!r}")
                kept[key] = value
            elif key in choices:
                if value not in choices[key]:
                    problems.append(f"{where}.{key} should be one of "
                                    f"{', '.join(choices[key])}, got {value!r}")
                kept[key] = value
            else:
                known = ", ".join(["label", *numbers, *choices])
                problems.append(f"unknown key {where}.{key} (known: {known})")
        if kept.get("shift_from", "mainstream") == kept.get("shift_to", "state_special") and \
                kept.get("shift_share", 0):
            problems.append(f"{where}: shift_from and shift_to are the same setting")
        if len(problems) == found:
            scenarios.append(ForecastScenario(name=str(name), label=kept.pop("label", str(name)),
                                              **kept))
    return tuple(scenarios)


#: The indicator catalogue (a data file of :mod:`jsna.indicators`, read here as data so that the
#: configuration, a lower layer, can check ``[targets]`` against it without importing that stage).
_CATALOGUE = Path(__file__).parent / "indicators" / "catalogue.csv"


def _scorecard_indicators() -> dict[str, tuple[str, str]]:
    """``indicator_id -> (name, polarity)`` of the catalogue's scorecard indicators."""
    with _CATALOGUE.open(encoding="utf-8", newline="") as handle:
        return {row["indicator_id"]: (row["name"], row["polarity"])
                for row in csv.DictReader(handle) if row["scorecard"] == "yes"}


def _targets(table: Any, problems: list[str]) -> dict[str, float]:
    """``[targets]``: a local target (a number) for scorecard indicators with a polarity.

    Each problem names its key: an indicator that is not on the scorecard, one without a polarity
    (a target could be neither met nor missed), a value that is not a finite number, or a
    percentage outside 0 to 100.
    """
    if not isinstance(table, dict):
        problems.append("[targets] must be a table of indicator_id = number")
        return {}
    known = _scorecard_indicators()
    targets: dict[str, float] = {}
    for key, value in table.items():
        where = f"targets.{key}"
        if key not in known:
            problems.append(f"{where}: not an indicator of the scorecard (known: "
                            f"{', '.join(known)})")
            continue
        name, polarity = known[key]
        if polarity not in ("High is good", "Low is good"):
            problems.append(f"{where}: {name} has no polarity (a higher value is neither better "
                            "nor worse), so a target could not be met or missed")
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            problems.append(f"{where} should be a number, got {value!r}")
            continue
        if name.endswith("(%)") and not 0 <= value <= 100:
            problems.append(f"{where} is a percentage and should be from 0 to 100, got {value!r}")
            continue
        targets[key] = float(value)
    return targets


@dataclass(frozen=True)
class Config:
    """A validated council configuration.

    Attributes
    ----------
    path : Path
        The TOML file.
    root : Path
        Its folder; relative paths in the file resolve against it.
    output_dir : Path
        ``<output.folder>/<year>/<area code>``: where the rendered JSNA lands.
    clean_dir : Path
        Where cleaned, pseudonymised record-level tables are kept (``output.clean_folder``,
        default ``clean`` beside the config). Never published.
    """

    path: Path
    root: Path
    area: Area
    year: int
    title: str
    inputs: Inputs
    census: CensusOptions
    neighbours: list[str]
    disclosure: DisclosureOptions
    chapters: list[str]
    output_dir: Path
    clean_dir: Path
    governance: Governance = field(default_factory=Governance)
    #: Local targets by indicator_id (``[targets]``), shown on the overview's scorecard.
    targets: dict[str, float] = field(default_factory=dict)
    #: Forecast scenarios (``[forecast.scenarios.<name>]``), in the file's order.
    scenarios: tuple[ForecastScenario, ...] = ()
    #: ``[sen2]``: reading the SEN2 casework extract.
    sen2: Sen2Options = field(default_factory=Sen2Options)
    health: HealthOptions = field(default_factory=HealthOptions)
    #: ``[cin.columns]``: local heading -> standard name of the children in need extract.
    cin_columns: dict[str, str] = field(default_factory=dict)
    #: ``[areas.census]``: for ``jsna refresh --areas``, other councils' cleaned censuses
    #: (GSS code -> the folder ``jsna clean census --out`` wrote for that council).
    area_censuses: dict[str, Path] = field(default_factory=dict)

    @property
    def census_years(self) -> list[int]:
        """Census years configured (or held by ``census.cleaned_folder``), oldest first."""
        return sorted(self.inputs.census) or list(self.census.cleaned_years)

    @property
    def output_folder(self) -> Path:
        """``output.folder``: every year's published site lives under it."""
        return self.output_dir.parent.parent


def _check_types(
    data: dict[str, Any], problems: list[str]
) -> None:
    """Report unknown sections/keys and values of the wrong type."""
    allowed_sections = set(_SCHEMA) | {"inputs", "targets", "forecast"}
    for section in data:
        if section not in allowed_sections:
            problems.append(f"unknown section [{section}]")
    for section, keys in _SCHEMA.items():
        table = data.get(section, {})
        if not isinstance(table, dict):
            problems.append(f"[{section}] must be a table")
            continue
        for key, value in table.items():
            if key not in keys:
                problems.append(f"unknown key {section}.{key}")
                continue
            expected = keys[key]
            # bool is a subclass of int: do not accept true/false for a number
            if isinstance(value, bool) and expected is int:
                ok = False
            else:
                ok = isinstance(value, expected)
            if not ok:
                names = expected.__name__ if isinstance(expected, type) else "/".join(
                    t.__name__ for t in expected
                )
                problems.append(
                    f"{section}.{key} should be {_toml_type(names)}, got {value!r}"
                )
        for key in _REQUIRED.get(section, ()):
            if key not in table:
                problems.append(f"missing key {section}.{key}")


def _toml_type(python_name: str) -> str:
    return {
        "str": "a string",
        "int": "an integer",
        "bool": "true or false",
        "dict": "a table",
        "list": "an array",
        "date/str": "a date (2026-03-31)",
    }.get(python_name, python_name)


def _resolve(root: Path, value: str) -> Path:
    path = Path(os.path.expanduser(value))
    return path if path.is_absolute() else (root / path)


def _read_inputs(
    table: Any, root: Path, problems: list[str], check_files: bool
) -> Inputs:
    if not isinstance(table, dict):
        problems.append("[inputs] must be a table")
        table = {}
    paths: dict[str, Path | None] = {}
    for key, value in table.items():
        if key in ("census", "comparators", "health_services"):
            continue
        if key == "narrative":
            continue  # a folder, read below
        if key not in INPUT_KEYS:
            problems.append(f"unknown key inputs.{key}")
            continue
        if not isinstance(value, str):
            problems.append(f"inputs.{key} should be a file path string, got {value!r}")
            continue
        paths[key] = _resolve(root, value)
    census = _read_census_paths(table.get("census", {}), root, problems)
    comparator_files = _read_comparator_paths(table.get("comparators", {}), root, problems)
    comparators = {key: files[-1] for key, files in comparator_files.items()}
    named: list[tuple[str, Path]] = [(f"inputs.{k}", p) for k, p in paths.items() if p]
    named += [(f"inputs.census.{y}", p) for y, p in census.items()]
    named += comparator_input_names(comparator_files)
    health_services = _read_health_service_paths(table.get("health_services", {}), root, problems)
    named += [(f"inputs.health_services.{k}", p) for k, p in health_services.items()]
    problems += _file_problems(named, check_files)
    narrative = _narrative_folder(table.get("narrative"), root, problems, check_files)
    return Inputs(census=census, comparators=comparators, comparator_files=comparator_files,
                  narrative=narrative, health_services=health_services, **paths)


def _read_health_service_paths(table: Any, root: Path, problems: list[str]) -> dict[str, Path]:
    """``[inputs.health_services]``: service key -> its waiting-list file."""
    if not isinstance(table, dict):
        problems.append("[inputs.health_services] must be a table of service = file path")
        return {}
    paths: dict[str, Path] = {}
    for key, value in table.items():
        if key not in HEALTH_SERVICES:
            problems.append(f"unknown key inputs.health_services.{key} (known: "
                            f"{', '.join(HEALTH_SERVICES)})")
        elif not isinstance(value, str):
            problems.append(f"inputs.health_services.{key} should be a file path string")
        else:
            paths[key] = _resolve(root, value)
    return paths


def _narrative_folder(value: Any, root: Path, problems: list[str],
                      check_files: bool) -> Path | None:
    """``inputs.narrative``: the folder of the group's Markdown files (one per page)."""
    if value is None:
        return None
    if not isinstance(value, str):
        problems.append(f"inputs.narrative should be a folder path string, got {value!r}")
        return None
    folder = _resolve(root, value)
    if check_files and not folder.is_dir():
        problems.append(f"inputs.narrative: folder not found: {folder} (it holds overview.md "
                        "and one <chapter>.md per chapter)")
    return folder


def _read_census_paths(table: Any, root: Path, problems: list[str]) -> dict[int, Path]:
    """``[inputs.census]``: census year -> file."""
    census: dict[int, Path] = {}
    if not isinstance(table, dict):
        problems.append(
            "inputs.census should be a table of census year = file path, e.g. 2025 = \"census_2025.csv\""
        )
        return census
    for year, value in table.items():
        if not (str(year).isdigit() and len(str(year)) == 4):
            problems.append(f"inputs.census.{year} should be a four-digit census year")
            continue
        if not isinstance(value, str):
            problems.append(f"inputs.census.{year} should be a file path string, got {value!r}")
            continue
        census[int(year)] = _resolve(root, value)
    return census


def _read_comparator_paths(table: Any, root: Path,
                           problems: list[str]) -> dict[str, tuple[Path, ...]]:
    """``[inputs.comparators]``: comparator key -> its file(s), in the order listed.

    Keys of :data:`COMPARATOR_LIST_KEYS` take one path or an array of paths (one file per year;
    the same file twice is refused); every other key takes one path.
    """
    comparators: dict[str, tuple[Path, ...]] = {}
    if not isinstance(table, dict):
        problems.append("inputs.comparators must be a table")
        table = {}
    for key, value in table.items():
        if key not in COMPARATOR_KEYS:
            problems.append(
                f"unknown key inputs.comparators.{key} (known: {', '.join(COMPARATOR_KEYS)})"
            )
            continue
        if isinstance(value, str):
            comparators[key] = (_resolve(root, value),)
            continue
        if key not in COMPARATOR_LIST_KEYS or not isinstance(value, list):
            expected = ("a file path string or an array of them (one file per year)"
                        if key in COMPARATOR_LIST_KEYS else "a file path string")
            problems.append(f"inputs.comparators.{key} should be {expected}, got {value!r}")
            continue
        if not value:
            problems.append(f"inputs.comparators.{key} is an empty array (expected one or more "
                            "file paths, one file per year)")
            continue
        files: list[Path] = []
        for position, item in enumerate(value, start=1):
            if not isinstance(item, str):
                problems.append(f"inputs.comparators.{key}[{position}] should be a file path "
                                f"string, got {item!r}")
                continue
            path = _resolve(root, item)
            if path.resolve() in {f.resolve() for f in files}:
                problems.append(f"inputs.comparators.{key}[{position}] lists {path} a second "
                                "time (expected one file per year)")
                continue
            files.append(path)
        if len(files) == len(value):
            comparators[key] = tuple(files)
    return comparators


def comparator_input_names(files: dict[str, tuple[Path, ...]]) -> list[tuple[str, Path]]:
    """Each comparator file with the key that names it in messages: ``inputs.comparators.<key>``
    for a single file, ``inputs.comparators.<key>[n]`` (1-based) for the n-th of an array.

    Examples
    --------
    >>> comparator_input_names({"neet_send": (Path("a.csv"), Path("b.csv"))})
    [('inputs.comparators.neet_send[1]', PosixPath('a.csv')), ('inputs.comparators.neet_send[2]', PosixPath('b.csv'))]
    """
    named = []
    for key, paths in files.items():
        if len(paths) == 1:
            named.append((f"inputs.comparators.{key}", paths[0]))
        else:
            named += [(f"inputs.comparators.{key}[{n}]", path)
                      for n, path in enumerate(paths, start=1)]
    return named


def _file_problems(named: list[tuple[str, Path]], check_files: bool) -> list[str]:
    """Inputs that are not regular files (and, when ``check_files``, that do not exist)."""
    problems = []
    for key, path in named:
        if not path.exists():
            if check_files:
                problems.append(f"{key}: file not found: {path}")
        elif not path.is_file():
            # a folder, a named pipe or a device: reading a pipe would wait for ever
            problems.append(f"{key}: not a regular file (a folder, pipe or device): {path}")
    return problems


def _missing_chapter_inputs(inputs: Any, chapters: list[Any], cleaned_census: bool = False
                            ) -> list[str]:
    """One problem per input a chapter in ``chapters.run`` needs but the config does not set
    (``census.cleaned_folder``, when ``cleaned_census``, stands for ``inputs.census``)."""
    inputs = inputs if isinstance(inputs, dict) else {}
    problems = []
    for name in chapters:
        for key in CHAPTERS[name].inputs if isinstance(name, str) and name in CHAPTERS else ():
            section, _, item = key.partition(".")
            given = inputs.get(section) or (cleaned_census and key == "census")
            if item:
                given = given.get(item) if isinstance(given, dict) else None
            if not given:
                problems.append(f"inputs.{key} is needed by the {name} chapter (chapters.run) "
                                f"but is not set")
    return problems


def _area_problems(area: dict[str, Any], jsna: dict[str, Any]) -> list[str]:
    """Area codes that are not GSS codes, and blank names or titles."""
    problems = []
    for key in ("code", "region_code"):
        code = area.get(key)
        if isinstance(code, str) and not AREA_CODE.fullmatch(code):
            problems.append(
                f"area.{key} should be a GSS code such as E06000014 (E, W, S or N and 8 digits; "
                f"the demo's codes start with Z), got {code!r}")
    for section, key in _NOT_BLANK:
        value = (area if section == "area" else jsna).get(key)
        if isinstance(value, str) and not value.strip():
            problems.append(f"{section}.{key} is empty: it names the council on every page")
    return problems


def _salt(census: dict[str, Any], problems: list[str]) -> str | None:
    """The pseudonymisation secret (``census.salt``, or the variable ``census.salt_env`` names).

    An empty or blank secret is a problem: every pupil key would then be computable from the UPN.
    """
    salt = census.get("salt")
    if isinstance(salt, str) and not salt.strip():
        problems.append("census.salt is empty: set a long random secret (or census.salt_env, the "
                        "name of an environment variable holding it)")
    salt_env = census.get("salt_env")
    if "salt" in census and "salt_env" in census:
        problems.append("census.salt and census.salt_env are both set: keep one (salt_env, naming "
                        "an environment variable, keeps the secret out of the file)")
    if isinstance(salt_env, str):
        if not salt_env.strip():
            problems.append("census.salt_env is empty: it should name the environment variable "
                            "that holds the secret")
            return salt
        salt = os.environ.get(salt_env)
        if salt is None:
            problems.append(
                f"census.salt_env names the environment variable {salt_env}, which is not set"
            )
        elif not salt.strip():
            problems.append(
                f"census.salt_env names the environment variable {salt_env}, which is empty"
            )
    return salt


def published_folder_problems(folder: Path, output_folder: Path, key: str) -> list[str]:
    """A problem when ``folder`` (for record-level data) lies in the published output folder.

    Parameters
    ----------
    folder : Path
        Where cleaned, pseudonymised record-level tables would be written (resolved).
    output_folder : Path
        ``output.folder`` (resolved): every site under it may be put on a website.
    key : str
        The setting or option that gave ``folder``, for the message.

    Returns
    -------
    list of str
        Empty when ``folder`` is outside ``output_folder``.
    """
    if folder == output_folder or output_folder in folder.parents:
        return [f"{key} = {folder} is inside output.folder = {output_folder}, which is "
                "published: the cleaned pupil-level data would be put on the website; choose a "
                "folder outside it (default: clean, beside jsna.toml)"]
    return []


def _year_problems(year: Any, inputs: Inputs) -> list[str]:
    """``jsna.year`` out of range, or a year with no census file when censuses are listed."""
    if not isinstance(year, int) or isinstance(year, bool):
        return []  # a wrong type is reported with the other types
    if not 2000 <= year <= 2100:
        return [f"jsna.year should be a census year such as 2025, got {year}"]
    if inputs.census and year not in inputs.census:
        return [f"jsna.year = {year} but inputs.census has no {year} file "
                f"(years given: {', '.join(map(str, sorted(inputs.census)))})"]
    return []


def _chapter_problems(chapters: Any, inputs: Any, check_chapters: bool,
                      cleaned_census: bool = False) -> list[str]:
    """Unknown chapters in ``chapters.run`` and (when ``check_chapters``) the inputs they lack."""
    if not isinstance(chapters, list):
        return []
    problems = [f"chapters.run: unknown chapter {name!r} (known: {', '.join(KNOWN_CHAPTERS)})"
                for name in chapters if name not in KNOWN_CHAPTERS]
    if check_chapters:
        problems += _missing_chapter_inputs(inputs, chapters, cleaned_census)
    return problems


#: The file of a cleaned census folder that census chapters read.
CLEANED_PUPILS_FILE = "pupils.parquet"


def cleaned_census_years(folder: Path) -> tuple[int, ...]:
    """The census years in a cleaned census folder's ``pupils.parquet``, oldest first."""
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    years = pq.read_table(folder / CLEANED_PUPILS_FILE, columns=["census_year"]).column(0)
    return tuple(sorted({int(year) for year in years.unique().to_pylist()}))


def cleaned_folder_problems(key: str, folder: Path, check_files: bool) -> list[str]:
    """Why ``folder`` (the value of ``key``) is not a cleaned census folder, in one line each.

    A cleaned census folder is what ``jsna clean census --out FOLDER`` writes: ``pupils.parquet``
    (one row per pupil per census, pseudonymised) with ``reconciliation.csv`` and
    ``validation.csv``.
    """
    if not folder.exists():
        return [f"{key}: folder not found: {folder} (expected the folder `jsna clean census "
                "--out FOLDER` writes, holding pupils.parquet)"] if check_files else []
    if not folder.is_dir():
        return [f"{key}: not a folder: {folder} (expected the folder `jsna clean census --out "
                "FOLDER` writes, holding pupils.parquet)"]
    missing = [name for name in (CLEANED_PUPILS_FILE, "reconciliation.csv", "validation.csv")
               if not (folder / name).is_file()]
    if missing:
        return [f"{key}: {folder} has no {' or '.join(missing)} (expected the folder "
                "`jsna clean census --out FOLDER` writes)"]
    try:
        cleaned_census_years(folder)
    except Exception as error:  # noqa: BLE001 - any unreadable parquet is one line
        return [f"{key}: {folder / CLEANED_PUPILS_FILE} is not a cleaned census table with a "
                f"census_year column ({type(error).__name__}: {error})"]
    return []


def _area_censuses(table: Any, root: Path, own_code: Any, problems: list[str],
                   check_files: bool) -> dict[str, Path]:
    """``[areas.census]``: council GSS code -> its cleaned census folder (``jsna refresh
    --areas`` renders that council's census chapters from it)."""
    if not isinstance(table, dict):
        return {}  # a wrong type is reported with the other types
    folders: dict[str, Path] = {}
    for code, value in table.items():
        key = f"areas.census.{code}"
        if not AREA_CODE.fullmatch(str(code)):
            problems.append(f"{key}: expected a council's GSS code such as E08000009 (a letter "
                            "and 8 digits) as the key")
            continue
        if code == own_code:
            problems.append(f"{key}: this is the configuration's own council, whose census is "
                            "inputs.census (or census.cleaned_folder); list other councils here")
            continue
        if not isinstance(value, str):
            problems.append(f"{key} should be the path of a cleaned census folder (a string), "
                            f"got {value!r}")
            continue
        folder = _resolve(root, value).resolve()
        problems += cleaned_folder_problems(key, folder, check_files)
        folders[str(code)] = folder
    return folders


def _cleaned_census(census: dict[str, Any], inputs: Inputs, year: Any, root: Path,
                    problems: list[str], check_files: bool) -> tuple[Path | None, tuple[int, ...]]:
    """``census.cleaned_folder`` resolved and checked, with the census years it holds."""
    value = census.get("cleaned_folder")
    if not isinstance(value, str):
        return None, ()  # unset, or a wrong type reported with the other types
    folder = _resolve(root, value).resolve()
    if inputs.census:
        problems.append("census.cleaned_folder and inputs.census are both set: keep one "
                        "(inputs.census to clean the census here, census.cleaned_folder to read "
                        "a census cleaned elsewhere)")
        return folder, ()
    found = cleaned_folder_problems("census.cleaned_folder", folder, check_files)
    problems += found
    if found or not folder.exists():
        return folder, ()
    years = cleaned_census_years(folder)
    if isinstance(year, int) and year not in years:
        problems.append(f"jsna.year = {year} but census.cleaned_folder holds the censuses of "
                        f"{', '.join(map(str, years)) or 'no year'} ({folder})")
    return folder, years


def _census_problems(census: dict[str, Any], salt: str | None, needs_salt: bool) -> list[str]:
    """A missing salt when a census is read, and ``census.columns`` that are not strings."""
    problems = []
    if salt is None and "salt" not in census and "salt_env" not in census and needs_salt:
        problems.append(
            "missing key census.salt or census.salt_env (the secret used to pseudonymise UPNs)"
        )
    columns = census.get("columns", {})
    if isinstance(columns, dict):
        problems += [f"census.columns.{local} should name a standard column (a string)"
                     for local, standard in columns.items() if not isinstance(standard, str)]
    return problems


def load_config(
    path: str | os.PathLike[str], *, check_files: bool = True, check_chapters: bool = True
) -> Config:
    """Load and validate a council's ``jsna.toml``.

    Parameters
    ----------
    path : str or PathLike
        The TOML file.
    check_files : bool, default True
        Also report input files that do not exist (an input that exists but is not a regular
        file, such as a folder or a named pipe, is always reported).
    check_chapters : bool, default True
        Also report inputs that a chapter in ``chapters.run`` needs but the config does not set
        (``jsna sources`` turns this off: it lists what is missing instead).

    Returns
    -------
    Config
        The validated configuration with every path resolved.

    Raises
    ------
    JsnaConfigError
        Listing every problem found, each naming its key.
    """
    path = Path(path)
    if not path.exists():
        raise JsnaConfigError(f"configuration file not found: {path}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise JsnaConfigError(f"not valid TOML ({error})", str(path)) from None
    except UnicodeDecodeError:
        raise JsnaConfigError("not a UTF-8 text file", str(path)) from None
    root = path.resolve().parent
    problems: list[str] = []
    _check_types(data, problems)
    inputs = _read_inputs(data.get("inputs", {}), root, problems, check_files)

    area_t = data.get("area", {}) if isinstance(data.get("area"), dict) else {}
    jsna_t = data.get("jsna", {}) if isinstance(data.get("jsna"), dict) else {}
    census_t = data.get("census", {}) if isinstance(data.get("census"), dict) else {}
    comp_t = data.get("comparators", {}) if isinstance(data.get("comparators"), dict) else {}
    disc_t = data.get("disclosure", {}) if isinstance(data.get("disclosure"), dict) else {}
    chap_t = data.get("chapters", {}) if isinstance(data.get("chapters"), dict) else {}
    out_t = data.get("output", {}) if isinstance(data.get("output"), dict) else {}
    gov_t = data.get("governance", {}) if isinstance(data.get("governance"), dict) else {}
    governance = _governance(gov_t, problems)
    targets = _targets(data.get("targets", {}), problems)
    scenarios = _forecast_scenarios(data.get("forecast", {}), problems)
    health = _health_options(data.get("health", {}) if isinstance(data.get("health"), dict)
                             else {}, problems)

    year = jsna_t.get("year")
    problems += _year_problems(year, inputs)
    cleaned_folder, cleaned_years = _cleaned_census(census_t, inputs, year, root, problems,
                                                    check_files)
    # without chapters.run: every chapter whose inputs the config sets (a council adds a chapter
    # by adding its files; `jsna sources` lists what the others would need)
    chapters = chap_t.get("run", [name for name in KNOWN_CHAPTERS if not _missing_chapter_inputs(
        data.get("inputs", {}), [name], cleaned_folder is not None)])
    problems += _chapter_problems(chapters, data.get("inputs", {}), check_chapters,
                                  cleaned_folder is not None)
    uses_census = check_chapters and isinstance(chapters, list) and any(
        CHAPTERS[name].uses_census for name in chapters if isinstance(name, str) and name in CHAPTERS)

    problems += _area_problems(area_t, jsna_t)
    salt = _salt(census_t, problems)
    # the SEN2 casework and care extracts are pseudonymised with the census salt (records link
    # to pupils)
    problems += _census_problems(census_t, salt, (uses_census and cleaned_folder is None)
                                 or bool(inputs.census)
                                 or inputs.sen2_extract is not None
                                 or inputs.cin_extract is not None)
    sen2_t = data.get("sen2", {}) if isinstance(data.get("sen2"), dict) else {}
    sen2 = _sen2_options(sen2_t, problems)
    columns = census_t.get("columns", {})
    cin_t = data.get("cin", {}) if isinstance(data.get("cin"), dict) else {}
    cin_columns = cin_t.get("columns", {}) if isinstance(cin_t.get("columns"), dict) else {}
    problems += [f"cin.columns.{local} should name a standard column (a string)"
                 for local, standard in cin_columns.items() if not isinstance(standard, str)]

    neighbours = comp_t.get("neighbours", [])
    if isinstance(neighbours, list) and not all(isinstance(n, str) for n in neighbours):
        problems.append("comparators.neighbours should be an array of area codes (strings)")

    threshold = disc_t.get("threshold", 5)
    if isinstance(threshold, int) and not isinstance(threshold, bool) and threshold < 1:
        problems.append(f"disclosure.threshold should be 1 or more, got {threshold}")

    folders = out_t.get("folder", "outputs"), out_t.get("clean_folder", "clean")
    if all(isinstance(folder, str) for folder in folders):  # else a type problem is reported
        output_folder, clean_folder = (_resolve(root, folder).resolve() for folder in folders)
        problems += published_folder_problems(clean_folder, output_folder, "output.clean_folder")

    areas_t = data.get("areas", {}) if isinstance(data.get("areas"), dict) else {}
    area_censuses = _area_censuses(areas_t.get("census", {}), root, area_t.get("code"), problems,
                                   check_files)

    if problems:
        raise JsnaConfigError(problems, str(path))

    area = Area(
        code=area_t["code"],
        name=area_t["name"],
        la_number=area_t.get("la_number"),
        region_code=area_t["region_code"],
        region_name=area_t["region_name"],
    )
    return Config(
        path=path.resolve(),
        root=root,
        area=area,
        year=jsna_t["year"],  # required, an integer: checked above
        title=jsna_t.get("title", f"{area.name} SEND Joint Strategic Needs Assessment {year}"),
        inputs=inputs,
        census=CensusOptions(columns=dict(columns), salt="" if salt is None else str(salt),
                             cleaned_folder=cleaned_folder, cleaned_years=cleaned_years),
        neighbours=list(neighbours),
        disclosure=DisclosureOptions(
            threshold=threshold, suppress_zeros=disc_t.get("suppress_zeros", False)
        ),
        chapters=list(chapters),
        output_dir=(output_folder / str(year) / area.code).resolve(),
        clean_dir=clean_folder,
        governance=governance,
        targets=targets,
        scenarios=scenarios,
        sen2=sen2,
        health=health,
        cin_columns=dict(cin_columns),
        area_censuses=area_censuses,
    )
