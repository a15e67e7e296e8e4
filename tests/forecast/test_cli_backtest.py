"""``jsna backtest``: the table of methods, MAPE and coverage, and its one-line refusals."""

from __future__ import annotations

import re

import pytest
from forecast_toys import write_config, write_toy_caseload

from jsna.cli import main


def _row(output: str, starts: str) -> list[str]:
    """The cells of the table row whose first cell starts with ``starts``."""
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip("│┃ \n").split("│")]
        if cells and cells[0].startswith(starts):
            return cells
    raise AssertionError(f"no row starting {starts!r} in:\n{output}")


def test_backtest_prints_the_hand_worked_mape_of_every_baseline(tmp_path, capsys):
    config = write_config(tmp_path, write_toy_caseload(tmp_path / "caseload.csv"))
    assert main(["backtest", "--config", str(config), "--fit-end", "2021",
                 "--target", "2022"]) == 0
    output = capsys.readouterr().out
    assert "fitted on January 2019-2021, forecast January 2022 (1 year ahead)" in output
    # test_baselines: persistence 12.0085%, linear 5.5556%, England's growth 7.1011%
    assert _row(output, "Persistence")[1:3] == ["3", "12.0"]
    assert _row(output, "Linear trend")[2] == "5.6"
    assert _row(output, "Council x England's published")[2] == "7.1"
    # 80% interval of persistence, worked by hand in test_backtest: 2 of 3 covered
    assert _row(output, "Persistence")[4] == "66.7"
    assert "Left out: 0 councils" in output


def test_backtest_without_a_caseload_file_is_one_line(tmp_path, capsys):
    config = write_config(tmp_path, None)
    assert main(["backtest", "--config", str(config)]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert "inputs.comparators.ehcp_caseload" in error and "jsna backtest" in error


def test_backtest_years_out_of_order_are_one_line(tmp_path, capsys):
    config = write_config(tmp_path, write_toy_caseload(tmp_path / "caseload.csv"))
    assert main(["backtest", "--config", str(config), "--fit-end", "2022",
                 "--target", "2022"]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "on or after every --target" in error
    assert main(["backtest", "--config", str(config), "--first-year", "2021",
                 "--fit-end", "2021", "--target", "2022"]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "caseload.csv" in error
    assert "got 2021, 2021, 2022" in error


def test_backtest_several_origins_and_targets_give_one_table_each(tmp_path, capsys):
    config = write_config(tmp_path, write_toy_caseload(tmp_path / "caseload.csv"))
    assert main(["backtest", "--config", str(config), "--fit-end", "2020", "2021",
                 "--target", "2021", "2022"]) == 0
    output = capsys.readouterr().out
    titles = [line.strip() for line in output.splitlines() if "fitted on January" in line]
    # 2020 -> 2021, 2020 -> 2022, 2021 -> 2022 (2021 -> 2021 is not a forecast)
    assert len(titles) == 3
    assert "fitted on January 2019-2020, forecast January 2022 (2 years ahead)" in output


@pytest.mark.parametrize("level", ["0", "1", "80", "x"])
def test_backtest_level_must_be_a_share(tmp_path, level, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["backtest", "--config", "jsna.toml", "--level", level])
    assert stopped.value.code == 2
    assert "expected a share between 0 and 1" in capsys.readouterr().err


@pytest.mark.real_data
def test_backtest_on_the_real_series_prints_the_issues_bar(tmp_path, capsys, real):
    config = write_config(tmp_path, real / "send_dfe" / "ehcp_2025" / "caseload.csv")
    assert main(["backtest", "--config", str(config)]) == 0
    output = capsys.readouterr().out
    assert "fitted on January 2019-2022, forecast January 2025 (3 years ahead)" in output
    assert round(float(_row(output, "Persistence")[2])) == 26
    assert round(float(_row(output, "Linear trend")[2])) == 12
    assert float(_row(output, "Council x England's published")[2]) == 8.7
    assert re.search(r"Left out: 11 councils", output)


@pytest.mark.real_data
def test_backtest_by_age_on_the_real_files(tmp_path, capsys, real):
    config = write_config(tmp_path, real / "send_dfe" / "ehcp_2025" / "caseload.csv")
    old = real / "send_dfe" / "ehcp_2022" / "sen2_age_caseload.csv"
    assert main(["backtest", "--config", str(config), "--by-age", str(old),
                 str(real / "send_dfe" / "ehcp_2025" / "caseload.csv")]) == 0
    output = capsys.readouterr().out
    assert "EHC plans by council and age band: fitted on January 2019-2022" in output
    rows = [line for line in output.splitlines() if line.startswith("│ All ages")]
    assert len(rows) == 5  # one per method (no population projection configured)
    assert f"by age: {old}" in " ".join(output.split())
