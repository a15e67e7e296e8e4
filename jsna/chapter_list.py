"""The chapters the toolkit can render, in reading order, and the inputs each needs.

A low-level module (it imports nothing from jsna) so that the configuration, the input checks, the
demo council, the refresh and the site can all read the chapter list without importing a chapter.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChapterInfo:
    """A chapter: its key, notebook file (in ``notebooks/``), page title and the inputs it needs.

    ``inputs`` are config keys below ``[inputs]`` (``"census"``, ``"schools"``,
    ``"comparators.ehcp_timeliness"``...): the configuration must set each one for the chapter to
    run. Inputs a chapter uses when given but can do without are not listed.
    """

    key: str
    notebook: str
    title: str
    inputs: tuple[str, ...] = ()

    @property
    def uses_census(self) -> bool:
        """True when the chapter reads the council's cleaned pupil-level census."""
        return "census" in self.inputs


CHAPTERS: dict[str, ChapterInfo] = {
    info.key: info
    for info in (
        ChapterInfo("population", "01_population.ipynb", "Population and SEND prevalence",
                    ("census", "comparators.sen_phase_type")),
        ChapterInfo("wards", "02_wards.ipynb", "Where children with SEND live",
                    ("census", "postcode_lookup", "lsoa_ward_lookup", "ward_boundaries")),
        ChapterInfo("settings", "03_settings.ipynb", "Where pupils with SEND are educated",
                    ("census", "schools", "comparators.sen_phase_type")),
        ChapterInfo("ehcp", "04_ehcp.ipynb", "EHC needs assessments and plans",
                    ("comparators.ehcp_caseload", "comparators.ehcp_requests",
                     "comparators.ehcp_assessments", "comparators.ehcp_timeliness")),
        ChapterInfo("placements", "12_placements.ipynb", "Plans and placements", ("comparators.ehcp_caseload",)),
        ChapterInfo("sufficiency", "05_sufficiency.ipynb", "Sufficiency: EHC plans in the years ahead",
                    ("comparators.ehcp_caseload",)),
        ChapterInfo("early_years", "13_early_years.ipynb", "Early years and early identification"),  # inputs.comparators.eyfs_by_sen, inputs.lait and/or inputs.census, else a box naming them
        ChapterInfo("outcomes", "06_outcomes.ipynb", "Outcomes", ("comparators.ks4_by_sen",)),
        ChapterInfo("adulthood", "07_adulthood.ipynb", "Preparing for adulthood"),  # inputs.comparators.neet_send, else a box naming it
        ChapterInfo("health", "11_health.ipynb", "Children's health services and health"),  # waits and/or inputs.fingertips, else a box naming them
        ChapterInfo("social_care", "10_social_care.ipynb", "Children in need and looked after", ("comparators.cin_by_sen",)),  # inputs.cin_extract + census when given, else a box naming it
        ChapterInfo("resources", "08_resources.ipynb", "High needs funding and disagreement", ("comparators.high_needs_dsg", "comparators.send_tribunals", "population")),
        ChapterInfo("voice", "14_voice.ipynb", "Voice of children, young people and families"),  # inputs.voice_survey and/or inputs.voice_forum, else a box naming them
        ChapterInfo("quality", "09_quality.ipynb", "Data quality and sources"),
    )
}
