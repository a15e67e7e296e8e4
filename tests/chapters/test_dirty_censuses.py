"""Every census chapter builds, with sane outputs, on randomly dirty censuses.

The cleaner keeps pupils whose codes are blank or unrecognised (as nulls), pupils whose home
postcode gives no LSOA, ward or IMD decile, and any number of census years. Hypothesis draws such
censuses from a small demo council's cleaned table (values only as the cleaner can write them:
a valid code or null), and each chapter's ``build`` must succeed with outputs that add up:
pupils counted once whatever their blanks, percentages from 0 to 100 inside their intervals,
no "nan" or "<NA>" shown anywhere.
"""

from __future__ import annotations

import re
from unittest import mock

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from jsna.chapters import population, wards
from jsna.chapters import settings as settings_chapter
from jsna.chapters.common import load_pupils
from jsna.config import load_config
from jsna.demo import write_demo
from jsna.disclosure import SUPPRESSED

pytestmark = pytest.mark.slow

CHAPTERS = (population, wards, settings_chapter)
#: Columns the cleaner leaves null when the census value is blank or not recognised.
CODED = ("sex", "age", "nc_year", "sen_provision", "primary_need", "secondary_need", "fsm",
         "school_urn", "la_estab")
#: Shares of rows given a blank: none, a few, most, all.
RATES = st.sampled_from([0.0, 0.03, 0.6, 1.0])
#: Missing values printed as text.
ARTEFACT = re.compile(r"\b(?:nan|NaN|None|NaT)\b|<NA>")


@pytest.fixture(scope="module")
def council(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dirty") / "demo"
    config = load_config(write_demo(folder, seed=11, n_wards=3, years=2, dirt_rate=0.02))
    return config, load_pupils(config)


scenarios = st.fixed_dictionaries({
    "seed": st.integers(0, 2**32 - 1),
    "blanks": st.fixed_dictionaries({column: RATES for column in CODED}),
    "no_geography": RATES,  # no LSOA, ward or IMD decile (postcode blank or unmatched)
    "no_ward_only": RATES,  # LSOA and IMD decile known, ward not
    "empty_ward": st.booleans(),  # one ward of the boundaries with no resident pupil
    "few_per_ward": st.sampled_from([None, 0, 1, 3]),  # every ward suppressed
    "one_year": st.booleans(),
})


def dirty(pupils: pd.DataFrame, scenario: dict, year: int) -> pd.DataFrame:
    """The cleaned census with the scenario's blanks, as the cleaner would have written it."""
    rng = np.random.default_rng(scenario["seed"])
    out = pupils.copy()
    if scenario["one_year"]:
        out = out[out["census_year"] == year]
    n = len(out)
    for column, rate in scenario["blanks"].items():
        out.loc[rng.random(n) < rate, column] = None
    gone = rng.random(n) < scenario["no_geography"]
    out.loc[gone, ["lsoa_code", "ward_code", "imd_decile"]] = None
    out.loc[rng.random(n) < scenario["no_ward_only"], "ward_code"] = None
    latest = (out["census_year"] == year).to_numpy()
    if scenario["empty_ward"]:
        wards_present = out.loc[latest, "ward_code"].dropna().unique()
        if len(wards_present):
            out = out[~(latest & (out["ward_code"] == wards_present[0]).fillna(False).to_numpy())]
    if scenario["few_per_ward"] is not None:
        latest = (out["census_year"] == year).to_numpy()
        residents = out[latest & out["resident"].to_numpy()]
        kept = residents.groupby(residents["ward_code"].fillna("none"), group_keys=False).apply(
            lambda group: group.head(scenario["few_per_ward"]))
        # at least one resident, or the chapter stops with its one-line message by design
        kept = kept if len(kept) else residents.head(1)
        out = pd.concat([out[~latest], out[latest & ~out["resident"].to_numpy()], kept])
    return out.reset_index(drop=True)


def _shown_text(chapter, folder) -> list[str]:
    """What a reader sees: findings, each table's HTML and CSV download, figure alt texts."""
    text = list(chapter.findings.sentences)
    for table in chapter.tables.values():
        text += [table.to_html(), table.write_csv(folder).read_text(encoding="utf-8")]
    text += [figure.alt for figure in chapter.figures.values()]
    return text


def check_sane(chapter, pupils: pd.DataFrame, year: int, council_code: str, folder) -> None:
    """Outputs that add up and show no missing-value artefacts."""
    for text in _shown_text(chapter, folder):
        assert not ARTEFACT.search(text), text
    rows = chapter.indicators
    shown = rows[rows["note"] != SUPPRESSED].dropna(subset=["value"])
    assert shown["value"].between(0, 100).all()
    assert (shown["lower_ci_95"] <= shown["value"] + 1e-9).all()
    assert (shown["upper_ci_95"] >= shown["value"] - 1e-9).all()
    council = rows[(rows["area_type"] == "Local authority")
                   & (rows["area_code"] == council_code) & (rows["note"] != SUPPRESSED)]
    counts = pupils.groupby("census_year").size()
    if chapter.key == "population":
        for _, row in council[council["indicator_id"] == "pupils_ehc_plan_percent"].iterrows():
            period_year = int(row["period"][:4]) + 1
            assert row["denominator"] == counts[period_year]
        total = chapter.tables["pupils_by_year_group"].frame.iloc[-1]
        if total["Pupils"] != SUPPRESSED:
            assert int(total["Pupils"]) == counts[year]
    if chapter.key == "wards":
        residents = int((pupils["resident"] & (pupils["census_year"] == year)).sum())
        council = council[(council["indicator_id"] == "resident_pupils_sen_percent")
                          & (council["breakdown"] == "All pupils")]
        assert (council["denominator"] == residents).all()
        wards_shown = rows[(rows["indicator_id"] == "resident_pupils_sen_percent")
                           & (rows["breakdown"] == "All pupils") & (rows["area_type"] == "Ward")]
        if (wards_shown["note"] != SUPPRESSED).all() and len(council):
            assert wards_shown["denominator"].sum() == residents
    if chapter.key == "settings":  # every pupil in "All settings", whatever their school
        frame = chapter.tables["pupils_by_setting"].frame
        totals = frame[frame["Type of setting"] == settings_chapter.ALL_SETTINGS]
        for _, row in totals.iterrows():
            if row["Pupils"] != SUPPRESSED:
                assert int(row["Pupils"]) == counts[int(row["Census"].split()[-1])]
        assert len(totals) == len(counts)


#: Found by this test: no resident pupil with a ward, and three residents in all (the council's
#: count shown, its denominator hidden) made the funnel benchmark NaN.
NO_WARDS_THREE_RESIDENTS = {
    "seed": 2191920, "blanks": dict.fromkeys(CODED, 0.0), "no_geography": 1.0,
    "no_ward_only": 0.0, "empty_ward": False, "few_per_ward": 3, "one_year": False,
}

#: One census year only, a ward emptied, and a few of every kind of blank.
ONE_YEAR_EMPTY_WARD = {
    "seed": 7, "blanks": dict.fromkeys(CODED, 0.03), "no_geography": 0.03,
    "no_ward_only": 0.03, "empty_ward": True, "few_per_ward": None, "one_year": True,
}

#: Found by this test: no pupil with a known SEN provision left the need mix empty.
NO_PROVISION_AT_ALL = {
    "seed": 3307, "blanks": {**dict.fromkeys(CODED, 0.0), "sen_provision": 1.0,
                             "school_urn": 1.0, "la_estab": 1.0, "nc_year": 0.6, "age": 0.6},
    "no_geography": 0.0, "no_ward_only": 0.0, "empty_ward": False, "few_per_ward": None,
    "one_year": False,
}


# each example builds three chapters (a few seconds): few examples, no shrinking (a failure is
# reported as drawn; its scenario is printed and can be added as an @example)
@settings(max_examples=8, derandomize=True, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(scenario=scenarios)
@example(scenario=NO_WARDS_THREE_RESIDENTS)
@example(scenario=ONE_YEAR_EMPTY_WARD)
@example(scenario=NO_PROVISION_AT_ALL)
def test_every_census_chapter_builds_on_a_dirty_census(council, tmp_path_factory, scenario
                                                      ) -> None:
    config, pupils = council
    folder = tmp_path_factory.mktemp("tables")
    census = dirty(pupils, scenario, config.year)
    for module in CHAPTERS:
        with mock.patch.object(module, "load_pupils", lambda _config: census.copy()):
            chapter = module.build(config)
        check_sane(chapter, census, config.year, config.area.code, folder)
        plt.close("all")


@pytest.mark.parametrize("column", ["sen_provision", "nc_year", "school_urn"])
def test_a_few_blank_codes_in_the_latest_census(council, tmp_path, column) -> None:
    """The reported failure: blank SEN provision for some pupils broke the wards chapter."""
    config, pupils = council
    folder = tmp_path
    census = pupils.copy()
    census.loc[census.index[::7], column] = None
    for module in CHAPTERS:
        with mock.patch.object(module, "load_pupils", lambda _config: census.copy()):
            chapter = module.build(config)
        check_sane(chapter, census, config.year, config.area.code, folder)
        plt.close("all")
