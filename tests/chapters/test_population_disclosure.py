"""Issue 13, defect 1: a suppressed primary need must not be recoverable by subtraction.

The population chapter is built on the demo council (three censuses, so the test stays quick;
the demo's small needs, such as profound and multiple learning difficulty on SEN support, are
below the threshold in every year). The hidden values are counted independently from the raw
census with plain pandas, and for every council need mix (indicator x period) the test checks
that no hidden count equals the published denominator minus the published needs, both in the
indicator rows and in the need tables shown on the page (beside the SEN support total of the
prevalence indicator and of the year-group table).
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from jsna.chapters import population
from jsna.config import load_config
from jsna.demo import write_demo
from jsna.disclosure import SUPPRESSED
from jsna.sen_need_codes import NEED_NAMES

NEED_INDICATOR = {"K": "sen_support_primary_need_percent", "E": "ehc_plan_primary_need_percent"}
PREVALENCE = {"K": "pupils_sen_support_percent", "E": "pupils_ehc_plan_percent"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("population_disclosure")
    config = load_config(write_demo(folder / "demo", years=3))
    chapter = population.build(config)
    out = folder / "out"
    chapter.save(out)
    return config, chapter, out


def _true_need_counts(config) -> pd.DataFrame:
    """Pupils by census, provision and primary need from the raw files (C/M rows, one per UPN)."""
    frames = []
    for year, path in config.inputs.census.items():
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        status = raw["EnrolStatus"].str.strip().str.upper()
        pupils = raw[status.isin(["C", "M"])].drop_duplicates("UPN")
        provision = pupils["SENprovision"].str.strip().str.upper()
        need = pupils["SENType1"].str.strip().str.upper()
        sen = pupils[provision.isin(["E", "K"])]
        named = need[sen.index].map(lambda c: NEED_NAMES.get(c, "Not recorded"))
        counts = (pd.DataFrame({"provision": provision[sen.index], "need": named})
                  .value_counts().rename("true").reset_index())
        counts["period"] = f"{int(year) - 1}/{int(year) % 100:02d}"
        frames.append(counts)
    return pd.concat(frames, ignore_index=True)


def test_no_hidden_need_equals_denominator_minus_shown_needs(built):
    config, chapter, _ = built
    truth = _true_need_counts(config)
    rows = chapter.indicators[chapter.indicators["area_code"] == config.area.code]
    hidden_groups = 0
    for provision, indicator in NEED_INDICATOR.items():
        mine = rows[rows["indicator_id"] == indicator]
        for period, group in mine.groupby("period"):
            hidden = group[group["count"].isna()]
            if hidden.empty:
                continue
            hidden_groups += 1
            shown = group["count"].dropna().sum()
            # the denominator is published on every row and, as a count, by the prevalence
            denominators = set(group["denominator"].dropna())
            prevalence = rows[(rows["indicator_id"] == PREVALENCE[provision])
                              & (rows["period"] == period)]["count"].dropna()
            denominators |= set(prevalence)
            assert denominators, f"{indicator} {period}: no published denominator"
            residue = next(iter(denominators)) - shown
            expected = truth[(truth["provision"] == provision) & (truth["period"] == period)]
            for need in hidden["breakdown"]:
                value = int(expected.loc[expected["need"] == need, "true"].iloc[0])
                assert value != residue, (
                    f"{indicator} {period}: hidden {need} = {value} = denominator - shown needs")
    assert hidden_groups >= 1, "the demo should have a hidden need to protect"


def test_need_table_on_the_page_does_not_reveal_a_hidden_need(built):
    config, _, out = built
    truth = _true_need_counts(config)
    latest = f"{config.year - 1}/{config.year % 100:02d}"
    year_groups = pd.read_csv(out / "data" / "population_pupils_by_year_group.csv", dtype=str)
    total = year_groups[year_groups["Year group"] == "All year groups"].iloc[0]
    for provision, name, column in (("K", "population_sen_support_needs", "SEN support"),
                                    ("E", "population_ehc_plan_needs", "EHC plan")):
        table = pd.read_csv(out / "data" / f"{name}.csv", dtype=str)
        counts = table[f"{config.area.name} pupils"]
        hidden = table.loc[counts == SUPPRESSED, "Primary need"]
        residue = int(total[column]) - pd.to_numeric(counts, errors="coerce").sum()
        expected = truth[(truth["provision"] == provision) & (truth["period"] == latest)]
        for need in hidden:
            value = int(expected.loc[expected["need"] == need, "true"].iloc[0])
            assert value != residue, f"{name}: hidden {need} = {value} = total - shown needs"


def test_year_group_table_hides_zeros_when_the_council_says_so(built):
    # [disclosure] suppress_zeros = true: a true zero is hidden like a small count. The demo
    # has year groups with no pupil with an EHC plan (nursery), so the table had a 0 to hide.
    config, chapter, _ = built
    shown = chapter.tables["pupils_by_year_group"].frame
    counts = shown[["Pupils", "SEN support", "EHC plan"]]
    assert (counts == 0).any().any()  # published as 0 with the default setting
    strict = replace(config, disclosure=replace(config.disclosure, suppress_zeros=True))
    hidden = population.build(strict).tables["pupils_by_year_group"].frame
    counts = hidden[["Pupils", "SEN support", "EHC plan"]]
    assert not (counts == 0).any().any()
    assert (counts == SUPPRESSED).any().any()
