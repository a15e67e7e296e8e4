"""The list of inputs a council configuration can take, where to download each, and a check of
every file present (layout, period coverage, the council found) without running any chapter.

``jsna sources --config jsna.toml`` prints :func:`describe_sources`.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from jsna.chapter_list import CHAPTERS
from jsna.errors import JsnaError


@dataclass(frozen=True)
class InputSpec:
    """One kind of input: its config key, what it is and where it is published."""

    key: str
    description: str
    publisher: str
    url: str


#: Every input a config takes, in the order ``jsna sources`` lists them: ``input_list.csv``
#: (a data file, one row per input: config key, what it is, who publishes it, where).
INPUTS: tuple[InputSpec, ...] = tuple(
    InputSpec(**row) for row in csv.DictReader(
        Path(__file__).with_name("input_list.csv").read_text(encoding="utf-8").splitlines()))

#: Keys the configuration file does not take (yet); listed for the analyst, never validated.
_NOT_IN_CONFIG: set[str] = set()

RESULT_COLUMNS = [
    "key",
    "status",
    "path",
    "rows",
    "periods",
    "area_found",
    "detail",
    "publisher",
    "url",
]


def describe_sources(config: Any) -> pd.DataFrame:
    """List every input, say which are present and validate each present file.

    Parameters
    ----------
    config : jsna.config.Config
        The loaded configuration (paths already resolved; ``check_files`` may be False).

    Returns
    -------
    DataFrame
        One row per input (one per census year): ``key``, ``status`` (``"ok"``,
        ``"missing"`` = configured but no file, ``"not configured"``, ``"problem"`` = the file
        does not validate, ``"not in config"`` for optional extras), ``path``, ``rows``,
        ``periods`` (coverage found in the file), ``area_found`` (``"yes"``, ``"no"`` or
        ``""`` when the file has no council column), ``detail`` (the validation message),
        ``publisher`` and ``url``.
    """
    rows: list[dict[str, object]] = []
    inputs = config.inputs
    # an input is required when a chapter the council runs needs it
    needed = {key: name for name in reversed(config.chapters) if name in CHAPTERS
              for key in CHAPTERS[name].inputs}

    def required(key: str) -> str:
        return f"required by the {needed[key]} chapter" if key in needed else ""

    for spec in INPUTS:
        if spec.key in _NOT_IN_CONFIG:
            rows.append(_row(spec, "not in config", None, detail="optional; not read by chapters"))
            continue
        if spec.key == "census":
            if config.census.cleaned_folder is not None:  # cleaned elsewhere, read as it is
                rows.append(_check(spec, "census.cleaned_folder", config.census.cleaned_folder,
                                   config, _validate_cleaned_census, None))
            elif not inputs.census:
                rows.append(_row(spec, "not configured", None, detail=required("census")))
            for year, path in sorted(inputs.census.items()):
                rows.append(_check(spec, f"census.{year}", path, config, _validate_census, year))
            continue
        if spec.key == "health_services":
            if not inputs.health_services:
                rows.append(_row(spec, "not configured", None))
            for service, path in sorted(inputs.health_services.items()):
                rows.append(_check(spec, f"health_services.{service}", path, config,
                                   _validate_health_waits, service))
            continue
        if spec.key.startswith("comparators."):
            name = spec.key.split(".", 1)[1]
            path = inputs.comparators.get(name)
            validator = {"statistical_neighbours": _validate_neighbours,
                         "ks4_by_sen": _validate_ks4}.get(name, _validate_ees)
            validator = _COMPARATOR_VALIDATORS.get(name, validator)
            files = getattr(inputs, "comparator_files", {}).get(name, ())
            if len(files) > 1:  # an array of files, one per year: one row each
                rows += _check_yearly_files(spec, name, files, config, validator)
                continue
        else:
            path = getattr(inputs, spec.key, None)
            validator = _VALIDATORS[spec.key]
        if path is None:
            rows.append(_row(spec, "not configured", None, detail=required(spec.key)))
            continue
        rows.append(_check(spec, spec.key, path, config, validator, None))
    table = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    table["rows"] = table["rows"].astype("Int64")
    return table


def _row(
    spec: InputSpec,
    status: str,
    path: Path | None,
    *,
    key: str | None = None,
    rows: int | None = None,
    periods: str = "",
    area_found: str = "",
    detail: str = "",
) -> dict[str, object]:
    return {
        "key": key or spec.key,
        "status": status,
        "path": str(path) if path else "",
        "rows": rows,
        "periods": periods,
        "area_found": area_found,
        "detail": detail,
        "publisher": spec.publisher,
        "url": spec.url,
    }


Validator = Callable[[Path, Any, Any], tuple[int, str, str, str]]


def _check(
    spec: InputSpec, key: str, path: Path, config: Any, validator: Validator, extra: Any
) -> dict[str, object]:
    if not Path(path).exists():
        return _row(spec, "missing", path, key=key, detail="file not found")
    try:
        rows, periods, found, detail = validator(Path(path), config, extra)
    except JsnaError as error:
        return _row(spec, "problem", path, key=key, detail=str(error))
    status = "ok" if found != "no" else "problem"
    return _row(
        spec, status, path, key=key, rows=rows, periods=periods, area_found=found, detail=detail
    )


def _check_yearly_files(spec: InputSpec, name: str, files: tuple[Path, ...], config: Any,
                        validator: Validator) -> list[dict[str, object]]:
    """One row per file of a comparator given as an array (``comparators.<name>[n]``), each
    checked by the chapter's reader; a file holding a year an earlier file holds is a problem
    naming both files (the chapter refuses them the same way)."""
    out = []
    first: dict[str, Path] = {}
    for position, path in enumerate(files, start=1):
        row = _check(spec, f"comparators.{name}[{position}]", path, config, validator, None)
        years = [year for year in str(row["periods"]).split(", ") if year]
        repeated = [year for year in years if year in first] if row["status"] == "ok" else []
        if repeated:
            row["status"] = "problem"
            row["detail"] = (f"{first[repeated[0]]} and {path} both hold {repeated[0]} "
                             "(expected one file per year: list each year's file once)")
        for year in years:
            first.setdefault(year, path)
        # each file holds one year: the JSNA year is looked for across them all
        row["detail"] = str(row["detail"]).replace(
            f"; no period for the JSNA year {config.year}", "")
        out.append(row)
    if config.year and str(config.year) not in first and out[-1]["status"] == "ok":
        out[-1]["detail"] = f"{out[-1]['detail']}; no file for the JSNA year {config.year}"
    return out


def _validate_neet(path: Path, config: Any, _: Any) -> tuple[int, str, str, str]:
    """The adulthood chapter's own reader; the periods are every year the file holds."""
    from jsna.sources.neet import read_neet_send

    frame = read_neet_send(path)
    rows, _, found, detail = _check_published(frame, config)
    return rows, ", ".join(sorted(set(frame["period"]))), found, detail


def _yes_no(found: bool) -> str:
    return "yes" if found else "no"


def _validate_census(path: Path, config: Any, year: int) -> tuple[int, str, str, str]:
    # read as the cleaner reads it (its headings, encodings, delimiters and workbooks), so that
    # `jsna sources` and `jsna clean` accept and refuse the same files with the same message
    from jsna.clean import read_census_file

    frame, _ = read_census_file(path, year, config.census.columns)
    return len(frame), str(year), "", "layout ok (pupil-level checks run in `jsna clean`)"


def _validate_cleaned_census(path: Path, config: Any, _: Any) -> tuple[int, str, str, str]:
    # a census cleaned elsewhere (`jsna clean census --out`): its pupils, by census year
    import pyarrow.parquet as pq

    years = pq.read_table(path / "pupils.parquet", columns=["census_year"]).column(0).to_pandas()
    periods = ", ".join(str(year) for year in sorted(years.unique()))
    return len(years), periods, "", "cleaned elsewhere (jsna clean census --out): read as it is"


def _validate_sen2_extract(path: Path, config: Any, _: Any) -> tuple[int, str, str, str]:
    # the cleaner's own reader and headings, with the config's [sen2.columns]
    from jsna.clean.extract_report import read_extract
    from jsna.clean.sen2 import KEYS, NEVER_READ, REQUIRED, SECTION, SEN2_HEADINGS

    text = read_extract(path, SEN2_HEADINGS, section=SECTION, columns_map=config.sen2.columns,
                        required=REQUIRED, one_of=KEYS, never_read=NEVER_READ)
    return text.table.num_rows, "", "", "layout ok (record-level checks run in `jsna clean sen2`)"


def _validate_postcodes(path: Path, config: Any, _: Any) -> tuple[int, str, str, str]:
    # the cleaner's own reader, with the config's [census.columns] as the cleaner passes them
    import pyarrow.compute as pc

    from jsna.sources.postcodes import read_postcode_lookup

    directory = read_postcode_lookup(path, dict(config.census.columns))
    inside = int(pc.sum(pc.equal(directory.column("la_code"), config.area.code)).as_py() or 0)
    detail = (f"{len(directory.arrow):,} postcodes ({directory.live:,} live); {inside:,} in the "
              f"council")
    return directory.rows, "", _yes_no(inside > 0), detail


def _validate_lsoa_ward(path: Path, config: Any, _: Any) -> tuple[int, str, str, str]:
    from jsna.sources.lsoa_wards import read_lsoa_ward_lookup  # the cleaner's own reader

    lookup = read_lsoa_ward_lookup(path)
    detail = (
        f"{len(lookup.ward_by_lsoa):,} LSOAs ({lookup.lsoa_vintage.upper()}) in "
        f"{len(lookup.ward_codes):,} wards ({lookup.ward_vintage or 'vintage not given'})"
    )
    lad_codes = lookup.table["lad_code"]
    if lad_codes.eq("").all():
        return len(lookup.table), "", "", detail
    return len(lookup.table), "", _yes_no(lad_codes.eq(config.area.code).any()), detail


def _boundary_validator(level: str) -> Validator:
    def validate(path: Path, config: Any, _: Any) -> tuple[int, str, str, str]:
        from jsna.sources.boundaries import read_boundaries

        frame = read_boundaries(path, level=level)
        detail = (
            f"{len(frame)} areas; code column {frame.attrs['code_column']}"
            f" ({frame.attrs['vintage'] or 'vintage unknown'})"
        )
        return len(frame), "", "", detail

    return validate


def _validate_imd(path: Path, config: Any, _: Any) -> tuple[int, str, str, str]:
    from jsna.sources.imd import read_imd_deciles  # the census cleaner's reader too

    frame = read_imd_deciles(path).frame
    edition = str(frame["edition"].iloc[0]) if len(frame) else ""
    if frame["lad_code"].eq("").all():
        return len(frame), edition, "", "no local authority column"
    inside = frame["lad_code"].eq(config.area.code)
    return (
        len(frame),
        edition,
        _yes_no(inside.any()),
        f"{int(inside.sum()):,} LSOAs in the council",
    )


def _validate_population(path: Path, config: Any, _: Any) -> tuple[int, str, str, str]:
    from jsna.sources.ons import read_population

    frame = read_population(path)
    periods = ", ".join(sorted(set(frame["period"])))
    council = frame.loc[frame["area_code"].eq(config.area.code)]
    types = ", ".join(sorted(set(frame["area_type"])))
    return len(frame), periods, _yes_no(not council.empty), f"geographies: {types}"


def _validate_schools(path: Path, config: Any, _: Any) -> tuple[int, str, str, str]:
    from jsna.sources.schools import read_schools  # the settings chapter's own reader

    return len(read_schools(path)), "", "", "layout ok"


def _validate_capacity(path: Path, config: Any, _: Any) -> tuple[int, str, str, str]:
    from jsna.sources.capacity import read_specialist_capacity  # the sufficiency chapter's reader

    frame = read_specialist_capacity(path)
    return len(frame), "", "", f"{int(frame['places'].sum()):,} places"


def _validate_ees(path: Path, config: Any, _: Any) -> tuple[int, str, str, str]:
    # the same check, by the same functions, as the chapters make when they read the file
    from jsna.sources.ees import read_ees

    return _check_published(read_ees(path), config)


def _validate_ks4(path: Path, config: Any, _: Any) -> tuple[int, str, str, str]:
    from jsna.sources.ks4_attainment import read_ks4_by_sen  # the outcomes chapter's reader

    return _check_published(read_ks4_by_sen(path), config)


def _check_published(frame: pd.DataFrame, config: Any) -> tuple[int, str, str, str]:
    """Rows, periods, whether the council is found and what else was checked, for a published
    file read long (``measure`` column) or wide (one column per measure)."""
    from jsna.sources.comparators import comparator_codes
    from jsna.sources.la_codes import missing_areas

    periods = sorted(set(frame["period"]))
    codes = set(frame["area_code"])
    found = not missing_areas(codes, {config.area.code: config.area.name})
    measures = (frame["measure"].nunique() if "measure" in frame
                else sum(1 for c in frame.columns if c.endswith("_note")))
    parts = [f"{measures} measures"]
    parts.append("England " + ("NOT found" if missing_areas(codes, {"E92000001": ""}) else "found"))
    if config.area.region_code:
        absent = missing_areas(codes, {config.area.region_code: ""})
        parts.append(f"region {config.area.region_code} " + ("NOT found" if absent else "found"))
    neighbours = {code: label for code, label in comparator_codes(config).items()
                  if code in config.neighbours}
    if neighbours:
        missing_neighbours = missing_areas(codes, neighbours)
        parts.append(
            f"{len(neighbours) - len(missing_neighbours)}/{len(neighbours)} neighbours found"
        )
        if missing_neighbours:
            parts.append("missing: " + ", ".join(missing_neighbours))
    if config.year and not any(
        str(config.year) in p or p.endswith(str(config.year)[2:]) for p in periods
    ):
        parts.append(f"no period for the JSNA year {config.year}")
    coverage = f"{periods[0]} .. {periods[-1]}" if periods else ""
    return len(frame), coverage, _yes_no(found), "; ".join(parts)


def _validate_neighbours(path: Path, config: Any, _: Any) -> tuple[int, str, str, str]:
    from jsna.sources.neighbours import neighbours_of, read_statistical_neighbours

    frame = read_statistical_neighbours(path)
    try:
        listed = neighbours_of(frame, config.area.code)
    except JsnaError:
        return len(frame), "", "no", f"{config.area.name} ({config.area.code}) not listed"
    from jsna.sources.la_codes import canonical_code

    configured = [canonical_code(code) for code in config.neighbours]
    if configured and configured != [canonical_code(code) for code in listed]:
        detail = "differs from [comparators] neighbours in the config: file has " + ", ".join(
            listed
        )
    else:
        detail = f"{len(listed)} neighbours in published order"
    return len(frame), "", "yes", detail


def _validate_health_waits(path: Path, config: Any, service: Any) -> tuple[int, str, str, str]:
    from jsna.clean.health import HealthExtract, read_health_file  # the cleaner's own reader

    table = read_health_file(HealthExtract(path, service), config.health.columns)
    return table.num_rows, "", "", "layout ok (referral-level checks run in `jsna clean health`)"


def _validate_provider_lookup(path: Path, config: Any, _: Any) -> tuple[int, str, str, str]:
    from jsna.clean.health_services import read_provider_lookup

    lookup = read_provider_lookup(path)
    serving = sum(config.area.code in councils for councils in lookup.values())
    return len(lookup), "", _yes_no(serving > 0), f"{len(lookup)} codes; {serving} serve the council"


def _validate_fingertips(path: Path, config: Any, _: Any) -> tuple[int, str, str, str]:
    from jsna.sources.fingertips import read_fingertips
    from jsna.sources.la_codes import current_codes

    frame = read_fingertips(path)
    found = config.area.code in set(current_codes(frame["area_code"]))
    periods = f"{frame['year'].min()}-{frame['year'].max()}" if len(frame) else ""
    detail = f"{frame['indicator_id'].nunique()} indicators"
    return len(frame), periods, _yes_no(found), detail


def _validate_nhs_community_waits(path: Path, config: Any, _: Any) -> tuple[int, str, str, str]:
    from jsna.sources.nhs_community_waits import read_community_waits

    frame = read_community_waits(path)
    providers = frame.loc[frame["organisation_type"] == "Provider", "organisation_code"].nunique()
    return len(frame), "", "", f"{providers} providers; children's services: " + ", ".join(
        sorted(set(frame["service"]) - {""}))


_VALIDATORS: dict[str, Validator] = {
    "nhs_community_waits": _validate_nhs_community_waits,
    "health_waits": lambda path, config, _: _validate_health_waits(path, config, None),
    "health_provider_lookup": _validate_provider_lookup,
    "fingertips": _validate_fingertips,
    "postcode_lookup": _validate_postcodes,
    "lsoa_ward_lookup": _validate_lsoa_ward,
    "ward_boundaries": _boundary_validator("ward"),
    "lsoa_boundaries": _boundary_validator("lsoa"),
    "imd": _validate_imd,
    "population": _validate_population,
    "schools": _validate_schools,
    "specialist_capacity": _validate_capacity,
    "sen2_extract": _validate_sen2_extract,
    "voice_survey": lambda path, config, _: _validate_voice_survey(path),
    "voice_forum": lambda path, config, _: _validate_voice_forum(path),
    "lait": lambda path, config, _: _check_published(
        _lait_as_published(path, config), config),
    "cin_extract": lambda path, config, _: _validate_cin_extract(path, config),
}


def _validate_voice_survey(path: Path) -> tuple[int, str, str, str]:
    from jsna.sources.voice_survey import read_voice_survey  # the voice chapter's own reader

    survey = read_voice_survey(path)
    return (len(survey), "", "", f"{survey['question'].nunique()} questions; "
            f"{survey['group'].nunique()} group(s) of respondents")


def _validate_voice_forum(path: Path) -> tuple[int, str, str, str]:
    # links and images are checked when the chapter renders it (with the site's pages)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError as error:
        raise JsnaError(f"{path}: not UTF-8 text (byte {error.start + 1}); save it as UTF-8 "
                        "from your editor") from None
    return len(lines), "", "", "Markdown text"


def _lait_as_published(path: Path, config: Any) -> pd.DataFrame:
    """The LAIT long file read as the outcomes chapter reads it (councils DfE's list does not
    know through the register of the EHC plans caseload file), one measure per Short Desc."""
    from jsna.sources.council_register import council_register
    from jsna.sources.lait import read_lait

    register = council_register(config.inputs.comparators.get("ehcp_caseload"))
    return read_lait(path, register=register).rename(columns={"indicator": "measure"})


def _resources_validator(key: str) -> Validator:
    """The resources chapter's own reader for ``key``, so a file is accepted or refused alike."""
    def validate(path: Path, config: Any, _: Any) -> tuple[int, str, str, str]:
        from jsna.sources.council_register import council_register
        from jsna.sources.dsg import read_high_needs_block
        from jsna.sources.la_codes import canonical_code, current_codes
        from jsna.sources.sen2_mi import read_sen2_management_information
        from jsna.sources.tribunals import read_appeal_rates

        read = {"high_needs_dsg": read_high_needs_block, "send_tribunals": read_appeal_rates,
                "sen2_management_information": read_sen2_management_information}[key]
        # the councils by LA number exactly as the chapter reads them (DfE's list, extended from
        # the EHC plans caseload file when given)
        frame = read(path, council_register(config.inputs.comparators.get("ehcp_caseload")))
        periods = sorted(set(frame["period"]))
        found = canonical_code(config.area.code) in set(current_codes(frame["area_code"]))
        coverage = f"{periods[0]} .. {periods[-1]}" if periods else ""
        return len(frame), coverage, _yes_no(found), f"{frame['area_code'].nunique()} areas"
    return validate


_COMPARATOR_VALIDATORS: dict[str, Validator] = {
    key: _resources_validator(key)
    for key in ("high_needs_dsg", "send_tribunals", "sen2_management_information")}


def _validate_cin_extract(path: Path, config: Any) -> tuple[int, str, str, str]:
    # the cleaner's own reader and [cin.columns]: the same files accepted and refused alike
    from jsna.clean.care_reading import read_cin_extract

    table = read_cin_extract(path, config.cin_columns)
    read = [c for c in table.column_names if c != "source_row"]
    return table.num_rows, "", "", f"columns found: {', '.join(read)} (checks run in `jsna clean cin`)"


def _validate_cin_by_sen(path: Path, config: Any, _: Any) -> tuple[int, str, str, str]:
    from jsna.sources.cin_cla import read_cin_by_sen  # the social care chapter's reader

    return _check_published(read_cin_by_sen(path), config)


_COMPARATOR_VALIDATORS["cin_by_sen"] = _validate_cin_by_sen
_COMPARATOR_VALIDATORS["neet_send"] = _validate_neet
