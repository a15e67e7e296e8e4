"""Small DfE-layout SEN2 caseload files and configs for the forecast tests."""

from __future__ import annotations

from pathlib import Path

HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
          "region_name,new_la_code,old_la_code,la_name,breakdown_topic,breakdown,ehcplans\n")

#: The hand-worked toy of test_baselines: code -> (DfE number, name, plans 2019-2022).
TOY_COUNCILS = {
    "E06000045": ("852", "Southampton", (100, 110, 120, 130)),
    "E06000046": ("921", "Isle of Wight", (200, 200, 220, 240)),
    "E06000044": ("851", "Portsmouth", (50, 60, 60, 75)),
}
TOY_ENGLAND = (1000, 1100, 1200, 1400)
TOY_YEARS = (2019, 2020, 2021, 2022)


def caseload_row(period: str, level: str, code: str, number: str, name: str, plans: str,
                 breakdown: str = "All EHC plans") -> str:
    """One line of a SEN2 caseload file (``level`` "National" or "Local authority")."""
    la = level == "Local authority"
    quoted = f'"{name}"' if "," in name else name
    return (f"{period},Academic year,{level},E92000001,England,{'E12000008' if la else ''},"
            f"{'South East' if la else ''},{code if la else ''},{number},{quoted if la else ''},"
            f"All EHC plans,{breakdown},{plans}\n")


def write_toy_caseload(path: Path) -> Path:
    """The toy as a SEN2 caseload file (Januaries 2019-2022)."""
    lines = [HEADER]
    for year, england in zip(TOY_YEARS, TOY_ENGLAND, strict=True):
        lines.append(caseload_row(f"{year - 1}{year % 100:02d}", "National", "", "", "",
                                  str(england)))
    for code, (number, name, plans) in TOY_COUNCILS.items():
        for year, value in zip(TOY_YEARS, plans, strict=True):
            lines.append(caseload_row(f"{year - 1}{year % 100:02d}", "Local authority", code,
                                      number, name, str(value)))
    path.write_text("".join(lines), encoding="utf-8-sig")
    return path


def write_config(folder: Path, caseload: Path | None) -> Path:
    """A ``jsna.toml`` for one council running the EHC plans chapter."""
    comparators = f'ehcp_caseload = "{caseload}"\n' if caseload is not None else ""
    text = f"""
[area]
code = "E06000045"
name = "Southampton"
region_code = "E12000008"
region_name = "South East"

[jsna]
year = 2025

[inputs.comparators]
{comparators}
[chapters]
run = ["ehcp"]
"""
    path = folder / "jsna.toml"
    path.write_text(text)
    return path
