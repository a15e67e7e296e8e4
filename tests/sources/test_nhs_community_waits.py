"""NHS England community health services waiting lists: the real workbook, children's services."""

from __future__ import annotations

import pytest
from real_councils import REAL_OR_DEFAULT

from jsna.errors import JsnaInputError
from jsna.sources.nhs_community_waits import cyp_waits_summary, read_community_waits

REAL = REAL_OR_DEFAULT
WORKBOOK = REAL / "nhs" / "community_health_2023-12-01.xlsx"


@pytest.mark.real_data
def test_real_workbook_october_2023():
    if not WORKBOOK.exists():
        pytest.skip(f"real data folder {REAL} is absent")
    frame = read_community_waits(WORKBOOK)
    assert set(frame["service"]) == {"", "community_paediatrics", "speech_and_language_therapy",
                                     "occupational_therapy", "physiotherapy"}
    summary = cyp_waits_summary(frame, ["RR7", "NNV"]).set_index(
        ["organisation_name", "service"])
    england = summary.loc[("England", "community_paediatrics")]
    # published (Table 4 total; Tables 4a-4g by weeks band):
    # 2,280 + 2,473 + 4,695 + 12,459 + 10,856 + 36,093 + 14,033 = 82,889 in bands
    assert england["waiting"] == 83253
    assert england["waiting_in_bands"] == 82889
    assert england["over_18_weeks"] == 36093 + 14033
    assert england["over_52_weeks"] == 14033
    gateshead = summary.loc[("GATESHEAD HEALTH NHS FOUNDATION TRUST", "occupational_therapy")]
    assert gateshead["waiting"] == 359
    assert len(summary) == 3 * 4  # England and the two providers, four services each


def test_not_the_workbook(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(JsnaInputError, match="x.xlsx: not a readable XLSX workbook"):
        read_community_waits(path)
