"""The sufficiency chapter built on the hand-worked toy council file."""

from __future__ import annotations

import pandas as pd
import pytest
from forecast_toys import write_config, write_toy_caseload

from jsna.chapters import sufficiency
from jsna.config import load_config
from jsna.errors import JsnaInputError


@pytest.fixture
def chapter(tmp_path):
    config = write_config(tmp_path, write_toy_caseload(tmp_path / "caseload.csv"))
    return sufficiency.build(load_config(config, check_chapters=False))


def test_findings_are_written_from_the_numbers(chapter):
    # Southampton: 100 in January 2019, 130 in January 2022
    assert chapter.findings.sentences[0] == ("Southampton maintained 130 EHC plans in January "
                                             "2022, 30% more than in January 2019.")
    assert "by January 2027" in chapter.findings.sentences[1]


def test_forecast_table_shows_published_then_forecast_years(chapter):
    frame = chapter.tables["forecast"].frame
    assert frame["January"].tolist() == [str(y) for y in range(2019, 2028)]
    assert frame["EHC plans (published)"].tolist()[:4] == [100, 110, 120, 130]
    assert frame["EHC plans (published)"].tolist()[4:] == ["[z]"] * 5
    assert frame["Forecast"].tolist()[:4] == ["[z]"] * 4
    assert all(isinstance(v, float) for v in frame["Forecast"].tolist()[4:])


def test_backtest_table_holds_the_hand_worked_mape(chapter):
    # fitted 2019-2021, forecasting 2022 (the toy has 4 Januaries): persistence 12.0%
    table = chapter.tables["backtest"]
    assert "fitted on January 2019 to 2021, forecasting January 2022, 3 councils" in table.caption
    rows = table.frame.set_index("Method")
    assert rows.loc["Persistence: last value carried forward", "Average error (%)"] == 12.0
    assert rows.loc["Linear trend: least-squares line", "Average error (%)"] == 5.6


def test_the_forecast_uses_the_best_usable_method(chapter):
    rows = chapter.tables["backtest"].frame.set_index("Method")["Average error (%)"]
    usable = rows.drop("Council x England's published growth (knows England's outcome)")
    best = usable.min()
    note = " ".join(chapter.tables["forecast"].notes)
    chosen = [label for label, error in usable.items() if error == best]
    assert any(f"Forecast method: {label}," in note for label in chosen)


def test_every_table_has_disclosure_rules(chapter):
    assert {table.name for table in chapter.tables.values()} == set(chapter.rules)


def test_backtest_years_for_long_and_short_series():
    assert sufficiency.backtest_years(2019, 2025) == 2022  # 3 years ahead
    assert sufficiency.backtest_years(2021, 2025) == 2023  # keeps 3 fitted Januaries
    assert sufficiency.backtest_years(2023, 2025) == 2024  # always one January to forecast
    assert sufficiency.backtest_years(2024, 2025) == 2024
    with pytest.raises(JsnaInputError, match="at least two Januaries"):
        sufficiency.backtest_years(2025, 2025)


def test_a_two_january_series_still_gives_a_chapter(tmp_path):
    """2021 and 2022 only: persistence is the one usable method; the others say not run."""
    path = write_toy_caseload(tmp_path / "caseload.csv")
    lines = path.read_text(encoding="utf-8-sig").splitlines(True)
    path.write_text(lines[0] + "".join(line for line in lines[1:]
                                       if line.startswith(("202021", "202122"))),
                    encoding="utf-8-sig")
    config = write_config(tmp_path, path)
    chapter = sufficiency.build(load_config(config, check_chapters=False))
    rows = chapter.tables["backtest"].frame.set_index("Method")
    # persistence fitted on 2021, forecasting 2022: |120-130|/130, |220-240|/240, |60-75|/75
    assert rows.loc["Persistence: last value carried forward", "Average error (%)"] == round(
        (10 / 130 + 20 / 240 + 15 / 75) / 3 * 100, 1)
    assert rows["Average error (%)"].isna().sum() == 3  # linear, England trend, pooled not run
    assert "Forecast method: Persistence" in " ".join(chapter.tables["forecast"].notes)
    assert chapter.findings.sentences[0] == ("Southampton maintained 130 EHC plans in January "
                                             "2022, 8% more than in January 2021.")
    # every toy council grew from 2021 to 2022, so persistence under-forecast all of them and
    # its interval for the years ahead lies wholly above its flat forecast of 130
    assert "about 130 by January 2027; but the method under-forecast" in (
        chapter.findings.sentences[1])


def test_an_interval_wholly_to_one_side_is_said_plainly():
    history = pd.Series([100.0, 110.0], index=[2021, 2022])
    ahead = pd.DataFrame({"year": [2023], "forecast": [110.0], "lower": [115.0],
                          "upper": [130.0]})
    result = pd.DataFrame({"method": ["persistence"], "councils": [3], "mape": [9.0],
                           "coverage": [50.0]})

    class Result:
        summary = result
        fit_end, target = 2021, 2022

    sentences = sufficiency._findings("Aville", history, ahead, Result(), "persistence")
    assert sentences[1] == ("On the method that forecast best in the back-test, plans would "
                            "reach about 110 by January 2023; but the method under-forecast most "
                            "councils when tested, and its 80% interval, 115 to 130, lies wholly "
                            "above that figure: read the interval, not the single figure.")


@pytest.mark.real_data
def test_york_on_the_real_series(tmp_path, real):
    """York (E06000014): DfE published 846 plans in January 2019 and 1,556 in January 2025
    (1556 / 846 = 1.839: 84% more)."""
    config = write_config(tmp_path, real / "send_dfe" / "ehcp_2025" / "caseload.csv")
    config.write_text(config.read_text().replace('"E06000045"', '"E06000014"')
                      .replace('"Southampton"', '"York"').replace('"E12000008"', '"E12000003"')
                      .replace('"South East"', '"Yorkshire and The Humber"'))
    chapter = sufficiency.build(load_config(config, check_chapters=False))
    assert chapter.findings.sentences[0] == ("York maintained 1,556 EHC plans in January 2025, "
                                             "84% more than in January 2019.")
    assert "fitted on January 2019 to 2022, forecasting January 2025, 147 councils" in (
        chapter.tables["backtest"].caption)
    forecast = chapter.tables["forecast"].frame
    assert forecast["January"].tolist()[-1] == "2030"
    future = forecast[forecast["Forecast"] != "[z]"]
    assert (future["Lower 80%"] <= future["Upper 80%"]).all()


def test_the_councils_own_backtest_by_hand(chapter):
    # Southampton: persistence forecast 120 for January 2022 (published 130): (120-130)/130
    rows = chapter.tables["backtest_council"].frame.set_index("Method")
    persistence = rows.loc["Persistence: last value carried forward"]
    assert persistence["Forecast"] == 120 and persistence["Published"] == 130
    assert persistence["Error (%)"] == -7.7
    assert rows.loc["Linear trend: least-squares line", "Error (%)"] == 0.0  # 100, 110, 120 -> 130
