"""The demo's SEN2 casework extract: every kind of dirt the cleaner reports, linked to pupils."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from jsna.clean.sen2 import FINDING_TYPES, SET_ASIDE_REASONS, clean_sen2
from jsna.clean.upn import Pseudonymiser, normalise_upns
from jsna.config import load_config
from jsna.demo.council import DEMO_SALT
from jsna.indicators.casework import january_reconciliation


def _cleaned(folder):
    config = load_config(folder / "jsna.toml")
    return config, clean_sen2(config)


def test_every_finding_and_set_aside_reason_appears(small_demo):
    _, result = _cleaned(small_demo)
    kinds = set(result.findings["finding"])
    assert kinds == set(FINDING_TYPES) - {"column_absent"}
    aside = result.reconciliation[result.reconciliation["step"] == "set aside"]
    assert len(aside) == len(SET_ASIDE_REASONS) and (aside["rows"] > 0).all()


def test_most_records_link_to_census_pupils_with_the_same_salt(small_demo):
    config, result = _cleaned(small_demo)
    census = pd.read_csv(small_demo / "census" / "census_2025.csv", dtype=str,
                         keep_default_na=False)
    keys = set(Pseudonymiser(DEMO_SALT).keys_array(
        normalise_upns(pa.array(census["UPN"].tolist()))).to_pylist())
    casework = result.casework.to_pandas()
    active = casework[casework["plan_date"].notna() & casework["cease_date"].isna()]
    linked = active["person_key"].isin(keys).mean()
    # plans of young people the school census does not see (about a quarter) do not link
    assert 0.6 < linked < 0.95


def test_january_count_close_to_the_published_caseload(small_demo):
    config, result = _cleaned(small_demo)
    caseload = pd.read_csv(small_demo / "comparators" / "caseload.csv", encoding="utf-8-sig")
    mine = caseload[(caseload["new_la_code"] == config.area.code)
                    & (caseload["breakdown"] == "All EHC plans")
                    & (caseload["time_period"] == 202425)]["ehcplans"].iloc[0]
    found = january_reconciliation(result.casework.to_pandas(), 2025, float(mine))
    assert abs(found["difference"]) <= 0.05 * found["published"]
