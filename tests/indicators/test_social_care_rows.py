"""Children in need, on plans and looked after: who is in each group on 31 March, linkage to the
census and the shares with SEN support / an EHC plan, against hand-worked numbers; DfE's
published shares against pandas on the raw file."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from real_councils import REAL_OR_DEFAULT

from jsna.indicators.comparisons import ComparatorAreas, add_statistics
from jsna.indicators.social_care import (
    EHC_PLAN,
    LINKED,
    LOCAL_EHC_PLAN,
    LOCAL_SEN_SUPPORT,
    NO_UPN,
    NOT_IN_CENSUS,
    SEN_SUPPORT,
    link_to_census,
    local_rows,
    published_rows,
    status_at_31_march,
    unlinked_counts,
)
from jsna.sources.cin_cla import read_cin_by_sen

D = pd.Timestamp
NAT = pd.NaT


def _records() -> pd.DataFrame:
    """Ten children; what each one is on 31 March 2025 is written beside it."""
    rows = [
        # child, pupil, cin start, cin end, cpp start, cpp end, cla start, cla end, legal status
        ("a", "pa", D("2024-10-01"), NAT, NAT, NAT, NAT, NAT, ""),            # in need only
        ("b", "pb", D("2024-10-01"), NAT, D("2025-01-01"), NAT, NAT, NAT, ""),  # on a plan
        ("c", "pc", NAT, NAT, NAT, NAT, D("2023-01-01"), NAT, "C2"),          # LA 12 months+
        ("d", "pd", NAT, NAT, NAT, NAT, D("2024-09-01"), NAT, "C2"),          # LA < 12 months
        # looked after since 2023 in two spells joined the next day: 12 months or more
        ("e", "pe", NAT, NAT, NAT, NAT, D("2023-02-01"), D("2024-05-01"), "C1"),
        ("e", "pe", NAT, NAT, NAT, NAT, D("2024-05-02"), NAT, "C2"),
        # a gap of a week breaks the run: looked after, not for 12 months
        ("f", "pf", NAT, NAT, NAT, NAT, D("2023-02-01"), D("2024-05-01"), "C1"),
        ("f", "pf", NAT, NAT, NAT, NAT, D("2024-05-08"), NAT, "C2"),
        ("g", None, D("2024-01-01"), D("2025-03-31"), NAT, NAT, NAT, NAT, ""),  # closed 31 Mar
        ("h", None, D("2025-01-01"), NAT, NAT, NAT, NAT, NAT, ""),            # in need, no UPN
        ("i", "pi", NAT, NAT, NAT, NAT, D("2024-01-01"), NAT, "V3"),          # short breaks
        ("j", "px", D("2024-06-01"), NAT, D("2024-07-01"), NAT, D("2024-08-01"), NAT, "C2"),
    ]
    columns = ["child_key", "pupil_key", "cin_start", "cin_end", "cpp_start", "cpp_end",
               "cla_start", "cla_end", "legal_status"]
    return pd.DataFrame(rows, columns=columns)


def test_groups_on_31_march_worked_by_hand():
    status = status_at_31_march(_records(), 2025).set_index("child_key")
    # in need on 31 March: not g (closed that day), not i (short breaks only, no CIN episode)
    assert sorted(status.index) == ["a", "b", "c", "d", "e", "f", "h", "j"]
    assert sorted(status.index[status["on_plan"]]) == ["b", "j"]
    assert sorted(status.index[status["looked_after"]]) == ["c", "d", "e", "f", "j"]
    assert sorted(status.index[status["looked_after_12_months"]]) == ["c", "e"]
    assert sorted(status.index[status["cppo"]]) == ["b"]       # j is looked after
    assert sorted(status.index[status["cino"]]) == ["a", "h"]
    assert pd.isna(status.loc["h", "pupil_key"])


def _pupils() -> pd.DataFrame:
    # pa SEN support, pb EHC plan, pc no SEN, pd SEN support, pe EHC plan, pf SEN support;
    # px is not in the census
    return pd.DataFrame({"pupil_key": ["pa", "pb", "pc", "pd", "pe", "pf", "zz"],
                         "sen_provision": ["K", "E", "N", "K", "E", "K", "E"]})


def test_linkage_shares_worked_by_hand():
    linked = link_to_census(status_at_31_march(_records(), 2025), _pupils())
    rows = local_rows(linked, area_code="E06000014", area_name="York", period="2024/25")
    got = rows.set_index(["indicator_id", "breakdown"])[["count", "denominator"]]
    # children in need: a b c d e f h j = 8; found in the census: a b c d e f = 6
    assert tuple(got.loc[(LINKED, "Children in need")]) == (6, 8)
    # of the 6 found: SEN support a d f = 3, EHC plan b e = 2
    assert tuple(got.loc[(LOCAL_SEN_SUPPORT, "Children in need")]) == (3, 6)
    assert tuple(got.loc[(LOCAL_EHC_PLAN, "Children in need")]) == (2, 6)
    # looked after: c d e f j = 5, found c d e f = 4: SEN support d f, EHC plan e
    assert tuple(got.loc[(LINKED, "Looked after")]) == (4, 5)
    assert tuple(got.loc[(LOCAL_SEN_SUPPORT, "Looked after")]) == (2, 4)
    assert tuple(got.loc[(LOCAL_EHC_PLAN, "Looked after")]) == (1, 4)
    # looked after 12 months or more: c e -> no SEN, EHC plan
    assert tuple(got.loc[(LOCAL_EHC_PLAN, "Looked after for 12 months or more")]) == (1, 2)
    # on a plan: b j, found b only (EHC plan)
    assert tuple(got.loc[(LINKED, "On a child protection plan")]) == (1, 2)
    unlinked = unlinked_counts(linked).set_index("group")
    assert unlinked.loc["Children in need", [NO_UPN, NOT_IN_CENSUS, "linked"]].tolist() == [
        1, 1, 6]  # h has no UPN, j's UPN is not in the census


def _wilson(count: float, n: float, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval, written out from Wilson (1927)."""
    p = count / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def test_shares_get_wilson_intervals():
    linked = link_to_census(status_at_31_march(_records(), 2025), _pupils())
    rows = local_rows(linked, area_code="E06000014", area_name="York", period="2024/25")
    areas = ComparatorAreas("E06000014", "E12000003", "Yorkshire and The Humber", [], "York")
    shown = add_statistics(rows, areas).set_index(["indicator_id", "breakdown"])
    row = shown.loc[(LOCAL_SEN_SUPPORT, "Children in need")]
    assert row["value"] == pytest.approx(50.0)
    low, high = _wilson(3, 6)
    assert row["lower_ci_95"] == pytest.approx(low, abs=1e-6)
    assert row["upper_ci_95"] == pytest.approx(high, abs=1e-6)
    assert shown.loc[(LINKED, "Children in need"), "value"] == pytest.approx(75.0)


_REAL = REAL_OR_DEFAULT / "cin_cla" / "sen_la.csv"
_REAL = _REAL if _REAL.is_file() else None


@pytest.mark.skipif(_REAL is None, reason="real data folder is absent")
@pytest.mark.parametrize("code", ["E09000023", "E08000025"])  # Lewisham, Birmingham
def test_published_shares_of_two_councils_against_pandas(code):
    raw = pd.read_csv(_REAL, dtype=str, keep_default_na=False)
    raw = raw[(raw["new_la_code"] == code) & (raw["time_period"] == "202122")]
    rows = published_rows(read_cin_by_sen(_REAL))
    rows = rows[(rows["area_code"] == code) & (rows["period"] == "2021/22")]
    areas = ComparatorAreas(code, "E12000007", "London", [], "")
    shown = add_statistics(rows, areas).set_index(["indicator_id", "breakdown"])
    for group, label in (("CLA 12 months at 31 March", "Looked after for 12 months or more"),
                         ("CPPO at 31 March", "On a child protection plan (not looked after)"),
                         ("CINO at 31 March",
                          "Children in need (not on a plan or looked after)")):
        published = raw[raw["social_care_group"] == group].iloc[0]
        for indicator, column in ((SEN_SUPPORT, "pt_SEN_support"),
                                  (EHC_PLAN, "pt_statement_or_EHC_plan")):
            row = shown.loc[(indicator, label)]
            if published[column] in ("c", "z", "x") or published["t_pupils"] in ("c", "z", "x"):
                assert np.isnan(row["value"])
                continue
            assert row["value"] == pytest.approx(float(published[column]))
            assert row["denominator"] == float(published["t_pupils"])
            low, high = _wilson(float(published[column]) / 100 * float(published["t_pupils"]),
                                float(published["t_pupils"]))
            assert row["lower_ci_95"] == pytest.approx(low, abs=1e-6)
            assert row["upper_ci_95"] == pytest.approx(high, abs=1e-6)
