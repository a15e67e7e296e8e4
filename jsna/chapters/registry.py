"""The chapters the toolkit can render, in reading order (no heavy imports here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChapterInfo:
    """A chapter: its key, notebook file (in ``notebooks/``) and page title."""

    key: str
    notebook: str
    title: str


CHAPTERS: dict[str, ChapterInfo] = {
    info.key: info
    for info in (
        ChapterInfo("population", "01_population.ipynb", "Population and SEND prevalence"),
        ChapterInfo("wards", "02_wards.ipynb", "Where children with SEND live"),
        ChapterInfo("settings", "03_settings.ipynb", "Where pupils with SEND are educated"),
        ChapterInfo("ehcp", "04_ehcp.ipynb", "EHC needs assessments and plans"),
    )
}
