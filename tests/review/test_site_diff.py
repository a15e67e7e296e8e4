"""``jsna diff``: file and indicator differences between two sites, checked on hand-made sites."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jsna.cli import main
from jsna.review.site_diff import diff_sites

COLUMNS = ["indicator_id", "area_code", "area_name", "area_type", "period", "breakdown", "count",
           "denominator", "value", "lower_ci_95", "upper_ci_95", "compared_to_england",
           "compared_to_region", "compared_to_neighbours", "recent_trend", "quartile_band",
           "note"]


def _row(indicator, period, value, lower, upper, england="Similar", note="", count=10):
    return [indicator, "E06000014", "York", "Local authority", period, "All pupils", count, 250,
            value, lower, upper, england, "Similar", "Similar", "No significant change", "B",
            note]


A = [
    _row("ehcp_percent", "2023/24", 4.0, 3.6, 4.4),          # revised within its interval
    _row("ehcp_percent", "2024/25", 4.0, 3.6, 4.4),          # revised beyond its interval
    _row("sen_support_percent", "2024/25", 12.0, 11.0, 13.0),  # comparison flips, same value
    _row("asd_percent", "2024/25", 2.0, 1.5, 2.5),           # dropped in B
    _row("slcn_percent", "2024/25", 3.0, 2.5, 3.5),          # suppressed in B
    _row("mld_percent", "2024/25", 5.0, 4.0, 6.0),           # unchanged
]
B = [
    _row("ehcp_percent", "2023/24", 4.2, 3.8, 4.6),
    _row("ehcp_percent", "2024/25", 5.0, 4.6, 5.4),
    _row("sen_support_percent", "2024/25", 12.0, 11.0, 13.0, england="Higher"),
    _row("slcn_percent", "2024/25", None, None, None, note="[c]", count=None),
    _row("mld_percent", "2024/25", 5.0, 4.0, 6.0),
    _row("semh_percent", "2024/25", 6.0, 5.0, 7.0),          # added in B
]


def _site(folder: Path, rows: list[list], page: str = "<h1>JSNA</h1>") -> Path:
    (folder / "data").mkdir(parents=True)
    pd.DataFrame(rows, columns=COLUMNS).to_csv(folder / "data" / "indicators.csv", index=False)
    (folder / "index.html").write_text(page)
    return folder


def test_identical_sites_have_no_differences(tmp_path, capsys):
    a, b = _site(tmp_path / "a", A), _site(tmp_path / "b", A)
    assert diff_sites(a, b).empty
    assert main(["diff", str(a), str(b)]) == 0
    assert capsys.readouterr().out == "no differences: the two sites are the same, file for file\n"


def test_every_kind_of_difference_is_found(tmp_path):
    a = _site(tmp_path / "a", A)
    b = _site(tmp_path / "b", B, page="<h1>JSNA 2</h1>")
    (a / "figures").mkdir()
    (a / "figures" / "old.svg").write_text("<svg/>")
    found = diff_sites(a, b)
    assert found.files.values.tolist() == [["data/indicators.csv", "changed"],
                                           ["figures/old.svg", "removed"],
                                           ["index.html", "changed"]]
    rows = found.indicators.set_index(["indicator_id", "period"])
    assert rows.loc[("ehcp_percent", "2023/24"), "kind"] == "revised"
    assert not rows.loc[("ehcp_percent", "2023/24"), "beyond_interval"]  # 4.2 in [3.6, 4.4]
    assert rows.loc[("ehcp_percent", "2024/25"), "beyond_interval"]  # 5.0 > 4.4
    assert rows.loc[("sen_support_percent", "2024/25"), "kind"] == "unchanged"
    assert rows.loc[("sen_support_percent", "2024/25"), "flipped"] == "compared_to_england"
    assert rows.loc[("asd_percent", "2024/25"), "kind"] == "no longer published"
    assert rows.loc[("semh_percent", "2024/25"), "kind"] == "new"
    assert rows.loc[("slcn_percent", "2024/25"), "kind"] == "newly suppressed"
    assert ("mld_percent", "2024/25") not in rows.index  # the same in both: not listed
    assert len(rows) == 6


def test_the_full_list_is_written_and_the_summary_printed(tmp_path, capsys):
    a, b = _site(tmp_path / "a", A), _site(tmp_path / "b", B)
    out = tmp_path / "diff.csv"
    assert main(["diff", str(a), str(b), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "1 moved beyond their 95% interval, 1 with a comparison that changed" in printed
    assert len(pd.read_csv(out)) == 6


def test_a_folder_that_is_not_a_site_is_named(tmp_path, capsys):
    a = _site(tmp_path / "a", A)
    assert main(["diff", str(a), str(tmp_path)]) == 2
    assert f"{tmp_path}: not a rendered JSNA site" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["<b>York</b>", "[red]York[/red]"])
def test_names_print_as_text(tmp_path, capsys, name):
    rows = [list(row) for row in B]
    rows[1][2] = name
    a, b = _site(tmp_path / "a", A), _site(tmp_path / "b", rows)
    assert main(["diff", str(a), str(b)]) == 0
    assert name in capsys.readouterr().out
