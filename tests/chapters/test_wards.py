"""The wards chapter against an independent count of the raw demo census and hand-worked cases."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jsna.chapters import wards
from jsna.chapters.common import load_pupils
from jsna.config import load_config
from jsna.demo import write_demo
from jsna.disclosure import SUPPRESSED

YEAR = 2025


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wards")
    config = load_config(write_demo(folder / "data" / "demo", n_wards=6, years=2))
    chapter = wards.build(config)
    out = folder / "out"
    chapter.save(out)
    return config, chapter, out


def _squash(postcodes: pd.Series) -> pd.Series:
    return postcodes.str.replace(r"\s+", "", regex=True).str.upper()


def _independent_residents(config) -> pd.DataFrame:
    """Resident pupils of the latest census by plain pandas: C/M rows, one per UPN, home
    postcode -> LSOA (postcode lookup) -> ward (LSOA-to-ward lookup) and IMD decile."""
    root = Path(config.root)
    raw = pd.read_csv(config.inputs.census[YEAR], dtype=str, keep_default_na=False)
    status = raw["EnrolStatus"].str.strip().str.upper()
    pupils = raw[status.isin(["C", "M"])]
    pupils = pupils[~(pupils["UPN"].duplicated() & (pupils["UPN"] != ""))].copy()
    pupils["provision"] = pupils["SENprovision"].str.strip().str.upper()
    pupils["pc"] = _squash(pupils["Postcode"])
    lookup = pd.read_csv(root / "geography" / "postcode_lookup.csv", dtype=str)
    lookup["pc"] = _squash(lookup["pcds"])
    to_ward = pd.read_csv(root / "geography" / "lsoa_to_ward.csv", dtype=str)
    imd = pd.read_csv(root / "geography" / "imd.csv", dtype=str, encoding="utf-8-sig")
    decile = imd.set_index("LSOA code (2021)")[
        "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"]
    pupils = pupils.merge(lookup[["pc", "lsoa21", "oslaua"]], on="pc", how="left")
    # living elsewhere = matched to another council; unmatched postcodes stay in the council
    pupils = pupils[pupils["oslaua"].isna() | (pupils["oslaua"] == config.area.code)].copy()
    pupils["ward"] = pupils["lsoa21"].map(to_ward.set_index("LSOA21CD")["WD25CD"])
    pupils["decile"] = pd.to_numeric(pupils["lsoa21"].map(decile))
    return pupils


def _csv(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / "data" / f"{name}.csv", dtype=str, keep_default_na=False)


def test_ward_counts_match_an_independent_count_of_the_raw_census(demo):
    config, _, out = demo
    residents = _independent_residents(config)
    expected = residents.groupby(residents["ward"].fillna("unknown")).agg(
        pupils=("UPN", "size"), ehc=("provision", lambda p: int((p == "E").sum())),
        support=("provision", lambda p: int((p == "K").sum())))
    names = pd.read_csv(Path(config.root) / "geography" / "lsoa_to_ward.csv", dtype=str)
    names = names.drop_duplicates("WD25CD").set_index("WD25NM")["WD25CD"].to_dict()
    names[wards.UNKNOWN_WARD] = "unknown"
    checked = 0
    for table, column, heading in (("wards_ehc_plan_by_ward", "ehc", "Pupils with an EHC plan"),
                                   ("wards_sen_support_by_ward", "support",
                                    "Pupils on SEN support")):
        frame = _csv(out, table)
        for _, row in frame.iterrows():
            if row["Ward"] == config.area.name:
                assert int(row["Resident pupils"]) == len(residents)
                assert int(row[heading]) == int(expected[column].sum())
                continue
            code = names[row["Ward"]]
            if row["Resident pupils"] != SUPPRESSED:
                assert int(row["Resident pupils"]) == expected.at[code, "pupils"], row["Ward"]
                checked += 1
            if row[heading] != SUPPRESSED:
                assert int(row[heading]) == expected.at[code, column], (table, row["Ward"])
                checked += 1
    assert checked >= 20
    # published wards + hidden ones (independent counts) = the council's resident total
    frame = _csv(out, "wards_ehc_plan_by_ward")
    parts = frame[frame["Ward"] != config.area.name]
    published = parts[parts["Pupils with an EHC plan"] != SUPPRESSED]
    hidden = parts[parts["Pupils with an EHC plan"] == SUPPRESSED]
    total = (published["Pupils with an EHC plan"].astype(int).sum()
             + sum(expected.at[names[w], "ehc"] for w in hidden["Ward"]))
    council = frame[frame["Ward"] == config.area.name]["Pupils with an EHC plan"].iloc[0]
    assert total == int(council) == int((residents["provision"] == "E").sum())


def test_deprivation_counts_match_an_independent_count(demo):
    config, _, out = demo
    residents = _independent_residents(config)
    frame = _csv(out, "wards_sen_by_deprivation")
    for decile in range(1, 11):
        row = frame[frame["IMD decile"].str.match(rf"^{decile}( |$)")].iloc[0]
        mine = residents[residents["decile"] == decile]
        assert int(row["Resident pupils"]) == len(mine)
        if row["SEN support"] != SUPPRESSED:
            assert int(row["SEN support"]) == int((mine["provision"] == "K").sum())
            assert float(row["SEN support %"]) == pytest.approx(
                100 * (mine["provision"] == "K").mean())


def test_unknown_ward_is_a_row_and_its_share_is_stated(demo):
    config, chapter, _ = demo
    residents = _independent_residents(config)
    unknown = int(residents["ward"].isna().sum())
    assert unknown > 0  # the demo has unmatched postcodes
    table = chapter.tables["sen_by_ward"].frame
    row = table[table["Ward"] == wards.UNKNOWN_WARD].iloc[0]
    assert int(row["Resident pupils"]) == unknown
    share = f"{100 * unknown / len(residents):.1f}%"
    assert any(f"{unknown:,} resident pupils ({share})" in s for s in chapter.findings.sentences)


def test_indicator_rows_are_wards_and_the_council_with_new_ids(demo):
    config, chapter, out = demo
    indicators = chapter.indicators
    assert set(indicators["indicator_id"]) == set(wards.INDICATORS)
    assert set(indicators["area_type"]) == {"Ward", "Local authority"}
    assert set(indicators["period"]) == {"2024/25"}
    written = pd.read_csv(out / "data" / "wards_indicators.csv", dtype={"period": str})
    assert len(written) == len(indicators)
    # no row carries a value without its count and denominator
    shown = indicators["value"].notna()
    assert indicators.loc[shown, ["count", "denominator"]].notna().all().all()


def _with_small_ward(pupils: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Leave 3 pupils with SEN in the first ward (the others become "no SEN")."""
    pupils = pupils.copy()
    latest = (pupils["census_year"] == YEAR) & pupils["resident"]
    ward = sorted(pupils.loc[latest, "ward_code"].dropna().unique())[0]
    sen = latest & (pupils["ward_code"] == ward) & pupils["sen_provision"].isin(["E", "K"])
    keep = pupils.index[sen][:3]
    change = sen & ~pupils.index.isin(keep)
    pupils.loc[change, "sen_provision"] = "N"
    pupils.loc[change, ["primary_need", "secondary_need"]] = None
    return pupils, ward


def test_a_ward_below_the_threshold_is_hidden_everywhere(demo, monkeypatch, tmp_path):
    config, _, _ = demo
    pupils, code = _with_small_ward(load_pupils(config))
    monkeypatch.setattr(wards, "load_pupils", lambda _config: pupils)
    chapter = wards.build(config)
    chapter.save(tmp_path)
    boundaries = pd.read_csv(Path(config.root) / "geography" / "lsoa_to_ward.csv", dtype=str)
    name = boundaries.loc[boundaries["WD25CD"] == code, "WD25NM"].iloc[0]
    # table and CSV: the count, its percentage, CIs and funnel label read [c]
    for key, heading in (("sen_by_ward", "Pupils with SEN"),
                         ("ehc_plan_by_ward", "Pupils with an EHC plan"),
                         ("sen_support_by_ward", "Pupils on SEN support")):
        for frame in (chapter.tables[key].frame, _csv(tmp_path, f"wards_{key}")):
            row = frame[frame["Ward"] == name].iloc[0]
            for column in (heading, "Per cent", "95% CI lower", "95% CI upper",
                           "Compared with council average"):
                assert row[column] == SUPPRESSED, (key, column)
        # secondary suppression: another part of the council total is hidden too
        column = chapter.tables[key].frame[heading]
        assert (column.iloc[:-1] == SUPPRESSED).sum() >= 2
    # indicator rows: no count, no value, note [c]
    rows = chapter.indicators[(chapter.indicators["area_code"] == code)]
    assert (rows["note"] == SUPPRESSED).all()
    assert rows["count"].isna().all() and rows["value"].isna().all()
    assert (rows["compared_to_england"] == "").all()
    # map: a [c] entry in the legend, and the class breaks come from published wards only
    figure = chapter.figures["sen_by_ward"]
    legend = [t.get_text() for t in figure.figure.axes[0].get_legend().get_texts()]
    assert f"{SUPPRESSED} suppressed" in legend
    hidden_value = 100 * 3 / rows["denominator"].fillna(0).max() if rows[
        "denominator"].notna().any() else None
    lows = [float(t.split("%")[0]) for t in legend if t[0].isdigit()]
    published = chapter.indicators[(chapter.indicators["indicator_id"]
                                    == "resident_pupils_sen_percent")
                                   & (chapter.indicators["area_type"] == "Ward")]["value"]
    assert min(lows) == pytest.approx(round(published.min(), 1))
    if hidden_value is not None:
        assert min(lows) > hidden_value
    assert "suppressed" in figure.alt and name not in figure.alt
    assert name not in chapter.figures["sen_funnel"].alt
    # the audit names the hidden cells, never their values
    audit = chapter.disclosure
    assert audit["row_key"].str.contains(code).any()
    assert set(audit.columns) == {"table", "row_key", "column", "reason"}
