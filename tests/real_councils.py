"""What the tests that read real published data share: the folder, the councils and a config.

The real files live outside the project, in ``../shared/data/real`` (see its SOURCES.md), or
wherever ``$JSNA_REAL_DATA`` points (a worktree sits one folder deeper, so the parent's parent is
tried too). They are never copied into the project. A test module marks itself with
``pytestmark = needs_real_data("neet/2025", ...)`` and is skipped cleanly, with the missing path
named, when the folder or one of the files it reads is absent.

The councils' codes, regions and DfE statistical neighbours are written out here from DfE's own
lists (May 2025), not taken from ``jsna``: a test's expected figures must not depend on the code
under test. ``wilson`` is the Wilson score interval written out from its formula for the same
reason.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ENGLAND = "E92000001"
#: The 95% two-sided normal quantile, to the precision Fingertips uses.
Z_95 = 1.959963984540054


def real_data_folder() -> Path | None:
    """``$JSNA_REAL_DATA``, else ``../shared/data/real`` beside the project or its worktree folder."""
    candidates = [os.environ.get("JSNA_REAL_DATA", ""),
                  REPO.parent / "shared" / "data" / "real",
                  REPO.parent.parent / "shared" / "data" / "real"]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate).resolve()
    return None


REAL = real_data_folder()
#: the real data folder, or where it would be when it is absent (for tests that check each file)
REAL_OR_DEFAULT = REAL or REPO.parent / "shared" / "data" / "real"


def real_path(relative: str) -> Path:
    """A path inside the real data folder (the test module is skipped when the folder is absent)."""
    if REAL is None:
        pytest.skip("the real data folder ../shared/data/real is absent")
    return REAL / relative


def needs_real_data(*relative_paths: str) -> list[pytest.MarkDecorator]:
    """Marks for a module that reads these files (or folders) below the real data folder.

    The module is marked ``real_data`` and skipped, naming what is missing, when the folder or any
    of the paths is absent.
    """
    if REAL is None:
        missing = "the real data folder ../shared/data/real (or $JSNA_REAL_DATA)"
    else:
        absent = [path for path in relative_paths if not (REAL / path).exists()]
        missing = ", ".join(absent)
    return [pytest.mark.real_data,
            pytest.mark.skipif(bool(missing), reason=f"real data absent: {missing}")]


#: DfE's and ONS's published files that a council's published-data chapters read (keys of
#: ``[inputs.comparators]``; yearly files as lists), below the real data folder. Every council
#: of England has rows in each, so one set serves York, Trafford or all 153 (issue 20's run).
PUBLISHED_COMPARATORS: dict[str, str | list[str]] = {
    "ehcp_caseload": "send_dfe/ehcp_2025/caseload.csv",
    "ehcp_requests": "send_dfe/ehcp_2025/requests.csv",
    "ehcp_assessments": "send_dfe/ehcp_2025/assessments.csv",
    "ehcp_timeliness": "send_dfe/ehcp_2025/timeliness_20_week.csv",
    "ehcp_age_caseload": "send_dfe/ehcp_2022/sen2_age_caseload.csv",
    "statistical_neighbours": "statistical_neighbours/sn_may_2025.csv",
    "ks4_by_sen": "attainment/201819_LA_characteristics_data_including_sen_description.xlsx",
    "eyfs_by_sen": "eyfs/1_eyfsp_headline_measures_2022.csv",
    "neet_send": ["neet/2022/UD_NEETNK_LA_dashboard_2022_final.csv",
                  "neet/2023/UD_NEETNK_LA_dashboard_2023_final.csv",
                  "neet/2024/UD_NEETNK_LA_dashboard_final.csv",
                  "neet/2025/UD_NEETNK_LA_dashboard_final.csv"],
    "high_needs_dsg": "finance/dedicated-schools-grant_2024_07_20.ods",
    "send_tribunals": "send_dfe/ehcp_2025/supporting-files/SEND Tribunals and appeal rate "
                      "2014-2024.csv",
    "sen2_management_information": "send_dfe/ehcp_2022/sen2_mi.csv",
    "cin_by_sen": "cin_cla/sen_la.csv",
}
#: LAIT's long file, stored in two parts (DfE publishes one): :func:`joined_lait` joins them.
LAIT_PARTS = ("send_dfe/lait/lait_bds_long_send_outcomes_absence_all_las.csv",
              "send_dfe/lait/lait_bds_long_sen_and_child_health_all_las.csv")
#: ONS mid-year estimates by upper-tier council and single year of age (``inputs.population``).
POPULATION = "population/ons_mye_mid2020_utla20_single_year_of_age.csv"


def published_files() -> list[str]:
    """Every file of :data:`PUBLISHED_COMPARATORS`, :data:`LAIT_PARTS` and :data:`POPULATION`."""
    comparators = [path for value in PUBLISHED_COMPARATORS.values()
                   for path in ([value] if isinstance(value, str) else value)]
    return [*comparators, *LAIT_PARTS, POPULATION]


def published_comparators() -> dict[str, Path | list[Path]]:
    """:data:`PUBLISHED_COMPARATORS` as absolute paths in the real data folder."""
    return {key: real_path(value) if isinstance(value, str) else [real_path(v) for v in value]
            for key, value in PUBLISHED_COMPARATORS.items()}


def joined_lait(folder: Path) -> Path:
    """Write LAIT's two stored parts as the one long file DfE publishes; return its path."""
    parts = [real_path(part).read_text(encoding="utf-8").splitlines() for part in LAIT_PARTS]
    if parts[0][0] != parts[1][0]:
        raise ValueError(f"{LAIT_PARTS[1]}: a different header from {LAIT_PARTS[0]}")
    lait = folder / "lait_bds_long.csv"
    lait.write_text("\n".join(parts[0] + parts[1][1:]) + "\n", encoding="utf-8")
    return lait


@dataclass(frozen=True)
class Council:
    """A real council as a test configures it."""

    code: str
    name: str
    region_code: str
    region_name: str
    #: DfE statistical neighbours (May 2025), nearest first
    neighbours: tuple[str, ...]
    #: the code DfE published the council under before it was renamed or re-formed, if any
    old_code: str | None = None

    @property
    def published_codes(self) -> set[str]:
        """Every code the council's rows may carry in DfE's files."""
        return {self.code} | ({self.old_code} if self.old_code else set())


COUNCILS: dict[str, Council] = {
    "york": Council("E06000014", "York", "E12000003", "Yorkshire and The Humber", (
        "E10000013", "E06000022", "E06000024", "E10000015", "E10000031", "E10000025",
        "E10000032", "E08000009", "E10000014", "E08000007")),
    "north_yorkshire": Council("E06000065", "North Yorkshire", "E12000003",
                               "Yorkshire and The Humber", (
                                   "E06000066", "E10000034", "E06000019", "E10000008",
                                   "E10000024", "E06000064", "E10000028", "E10000020",
                                   "E10000007", "E10000029"), old_code="E10000023"),
    "herefordshire": Council("E06000019", "Herefordshire", "E12000005", "West Midlands", (
        "E06000064", "E10000028", "E10000019", "E06000051", "E06000066", "E10000017",
        "E10000029", "E06000011", "E06000065", "E10000007")),
    "bcp": Council("E06000058", "Bournemouth, Christchurch and Poole", "E12000009", "South West", (
        "E06000055", "E06000033", "E10000016", "E10000008", "E06000042", "E09000004",
        "E10000032", "E10000020", "E10000011", "E10000012")),
    "dorset": Council("E06000059", "Dorset", "E12000009", "South West", (
        "E06000066", "E10000008", "E06000051", "E10000029", "E10000034", "E10000012",
        "E10000007", "E10000016", "E10000032", "E06000065")),
    "trafford": Council("E08000009", "Trafford", "E12000002", "North West", (
        "E10000015", "E08000007", "E06000060", "E10000025", "E10000030", "E09000006",
        "E06000049", "E10000003", "E10000013", "E08000029")),
    "hackney": Council("E09000012", "Hackney", "E12000007", "London", (
        "E09000028", "E09000019", "E09000014", "E09000022", "E09000030", "E09000023",
        "E09000007", "E08000003", "E09000031", "E09000033")),
}


def _toml_value(value: object) -> str:
    """A TOML literal for a string, path, number, boolean or list of them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Path | str):
        return json.dumps(str(value))  # a JSON string is a TOML basic string
    if isinstance(value, Iterable):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def write_council_config(folder: Path, council: Council, *, chapters: Iterable[str],
                         inputs: Mapping[str, object] | None = None,
                         comparators: Mapping[str, object] | None = None,
                         neighbours: Iterable[str] | None = None, name: str | None = None,
                         year: int = 2025) -> Path:
    """Write ``folder/jsna.toml`` for one real council and return its path.

    ``inputs`` are keys below ``[inputs]`` and ``comparators`` below ``[inputs.comparators]``
    (file paths, usually from :func:`real_path`); ``neighbours`` overrides the council's DfE list
    and ``name`` its configured name.
    """
    lines = ["[area]", f"code = {_toml_value(council.code)}",
             f"name = {_toml_value(name or council.name)}",
             f"region_code = {_toml_value(council.region_code)}",
             f"region_name = {_toml_value(council.region_name)}", "",
             "[jsna]", f"year = {year}", ""]
    if inputs:
        lines += ["[inputs]"] + [f"{key} = {_toml_value(value)}" for key, value in inputs.items()]
        lines.append("")
    if comparators:
        lines += ["[inputs.comparators]"] + [f"{key} = {_toml_value(value)}"
                                             for key, value in comparators.items()]
        lines.append("")
    chosen = council.neighbours if neighbours is None else tuple(neighbours)
    lines += ["[comparators]", f"neighbours = {_toml_value(chosen)}", "",
              "[chapters]", f"run = {_toml_value(list(chapters))}", "",
              "[output]", 'folder = "outputs"', ""]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "jsna.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def wilson(count: float, n: float, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval for ``count`` of ``n``, in per cent, from its formula."""
    p = count / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)
