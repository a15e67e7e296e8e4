"""The demo council's health waiting-list extract and its OHID Fingertips export (synthetic).

The extract holds three years of referrals of the demo's pupils (more often pupils with SEN) to
the seven children's services, each with its own realistic wait (autism and ADHD assessments
longest, physiotherapy shortest), from a provider extract layout: service names spelt as
providers spell them, UK dates, NHS numbers with valid check digits, home postcodes and UPNs.
Every kind of dirt the cleaner reports is planted on a few rows: blank rows, unknown services,
unreadable and future dates, first contact or removal before the referral, duplicates, missing
and invalid NHS numbers, malformed and outside-the-council postcodes, missing ages.

The Fingertips export covers the council, its region, England and its neighbours for a handful of
children's health indicators, five periods each, in today's spaced header style.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from jsna.demo.pupils import NONE

#: Service -> (spelling in the extract, referrals a year per 1,000 pupils, median wait in weeks).
SERVICES: dict[str, tuple[str, float, float]] = {
    "community_paediatrics": ("Community Paediatrics", 14.0, 22.0),
    "speech_and_language_therapy": ("SALT", 18.0, 16.0),
    "occupational_therapy": ("Occupational Therapy", 8.0, 20.0),
    "physiotherapy": ("Physio", 6.0, 7.0),
    "autism_assessment": ("ASD Assessment", 9.0, 58.0),
    "adhd_assessment": ("ADHD", 7.0, 70.0),
    "camhs": ("CAMHS", 16.0, 12.0),
}
HEADINGS = ["Service", "Referral Received", "Date First Seen", "Discharge Date", "DOB",
            "Home Postcode", "NHS No", "UPN", "Provider Code"]
PROVIDER = "RDM"  # the demo's community trust (a made-up ODS-style code)
OTHER_PROVIDER = "RXO"  # a trust serving only the neighbouring council


def nhs_number(body: int) -> str | None:
    """A valid NHS number from a 9-digit body (None when no check digit exists for it)."""
    digits = [int(c) for c in f"{body:09d}"]
    check = (11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11) % 11
    return None if check == 10 else f"{body:09d}{check}"


def health_extract(rng: np.random.Generator, pupils: pd.DataFrame, postcodes: pd.DataFrame,
                   extract_date: datetime.date, dirt_rate: float = 0.01) -> pd.DataFrame:
    """The synthetic waiting-list extract (one row per referral, provider layout).

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream.
    pupils : pandas.DataFrame
        The latest census's pupils (``person, upn, dob, sen, postcode``).
    postcodes : pandas.DataFrame
        The demo's postcode lookup (``pcds``, ``oslaua``).
    extract_date : datetime.date
        The day the list is taken.
    dirt_rate : float
        Roughly the share of rows given each common problem (0: a clean extract).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`HEADINGS`, every value as text.
    """
    end = np.datetime64(extract_date, "D")
    start = end - np.timedelta64(3 * 365, "D")
    weight = np.where(pupils["sen"].to_numpy() == NONE, 1.0, 6.0)
    parts = []
    for key, (spelling, per_1000, median_weeks) in SERVICES.items():
        n = int(round(len(pupils) * per_1000 / 1000 * 3 * 0.35))
        chosen = rng.choice(len(pupils), size=n, p=weight / weight.sum())
        referral = start + rng.integers(0, 3 * 365, n).astype("timedelta64[D]")
        # waits: log-normal around the service's median, a long right tail
        wait = np.round(rng.lognormal(np.log(median_weeks * 7), 0.6, n)).astype(np.int64)
        contact = referral + wait.astype("timedelta64[D]")
        removed = rng.random(n) < 0.06
        removal = referral + (wait * rng.uniform(0.2, 0.9, n)).astype(np.int64).astype(
            "timedelta64[D]")
        parts.append(pd.DataFrame({
            "key": key, "Service": spelling, "person": pupils["person"].to_numpy()[chosen],
            "UPN": pupils["upn"].to_numpy()[chosen],
            "DOB": pd.to_datetime(pupils["dob"].to_numpy()[chosen]),
            "postcode": pupils["postcode"].to_numpy()[chosen],
            "referral": referral,
            "contact": np.where(removed | (contact > end), np.datetime64("NaT"), contact),
            "removal": np.where(removed & (removal <= end), removal, np.datetime64("NaT")),
        }))
    rows = pd.concat(parts, ignore_index=True)
    rows = rows.sort_values(["referral", "key", "person"], kind="stable").reset_index(drop=True)
    n = len(rows)

    def uk(values: pd.Series) -> pd.Series:
        return pd.to_datetime(values).dt.strftime("%d/%m/%Y").where(pd.notna(values), "")

    bodies = 400_000_000 + rows["person"].to_numpy() * 7
    numbers = [nhs_number(int(b)) or nhs_number(int(b) + 1) for b in bodies]
    out = pd.DataFrame({
        "Service": rows["Service"],
        "Referral Received": uk(rows["referral"]),
        "Date First Seen": uk(rows["contact"]),
        "Discharge Date": uk(rows["removal"]),
        "DOB": uk(rows["DOB"]),
        "Home Postcode": postcodes["pcds"].to_numpy()[rows["postcode"].to_numpy()],
        "NHS No": [f"{v[:3]} {v[3:6]} {v[6:]}" for v in numbers],
        "UPN": rows["UPN"].where(rng.random(n) < 0.7, ""),  # not every provider records it
        "Provider Code": PROVIDER,
    })
    if dirt_rate > 0:
        out = _dirt(rng, out, postcodes, extract_date, dirt_rate)
    return out[HEADINGS]


def _dirt(rng: np.random.Generator, out: pd.DataFrame, postcodes: pd.DataFrame,
          extract_date: datetime.date, rate: float) -> pd.DataFrame:
    """Plant every problem the cleaner reports on a few rows (at least one each)."""
    n = len(out)
    out = out.copy()

    def some(share: float = 1.0) -> np.ndarray:
        return rng.choice(n, size=max(1, int(n * rate * share)), replace=False)

    out.loc[some(0.5), "Service"] = "Dietetics"  # not one of the seven
    out.loc[some(0.3), "Referral Received"] = "31/13/2024"  # not a real date
    out.loc[some(0.2), "Referral Received"] = "unknown"  # unreadable
    future = (extract_date + datetime.timedelta(days=40)).strftime("%d/%m/%Y")
    out.loc[some(0.3), "Referral Received"] = future
    out.loc[some(0.2), "Date First Seen"] = future
    rows = some(0.5)  # seen before the referral
    seen_early = pd.to_datetime(out.loc[rows, "Referral Received"], format="%d/%m/%Y",
                                errors="coerce") - pd.Timedelta(days=30)
    out.loc[rows, "Date First Seen"] = seen_early.dt.strftime("%d/%m/%Y").fillna("")
    rows = some(0.2)  # removed before the referral
    out.loc[rows, "Discharge Date"] = "01/01/2015"
    out.loc[some(0.5), "NHS No"] = ""
    out.loc[some(0.3), "NHS No"] = "123 456 7890"  # wrong check digit
    out.loc[some(0.3), "DOB"] = ""
    out.loc[some(0.5), "Home Postcode"] = ""
    out.loc[some(0.3), "Home Postcode"] = "DM99"  # malformed
    out.loc[some(0.2), "Home Postcode"] = "ZZ99 9ZZ"  # well formed, not in the lookup
    out.loc[some(0.2), "UPN"] = "A12345"  # not a UPN
    out.loc[some(0.2), "Provider Code"] = "RZZ"  # not in the provider lookup
    out.loc[some(0.2), "Date First Seen"] = "30/02/2024"  # not a real date
    outside = postcodes.loc[postcodes["pcds"].str.startswith("XM"), "pcds"].to_numpy()
    if len(outside):
        rows = some(0.5)
        out.loc[rows, "Home Postcode"] = rng.choice(outside, size=len(rows))
    rows = some(0.2)  # no postcode, provider serving only the neighbouring council
    out.loc[rows, ["Home Postcode", "Provider Code"]] = ["", OTHER_PROVIDER]
    duplicates = out.iloc[some(0.5)]
    blank = pd.DataFrame([[""] * len(out.columns)], columns=out.columns)
    return pd.concat([out, duplicates, blank], ignore_index=True)


#: Fingertips indicators of the demo export: id -> (name, age, unit, England %, spread).
INDICATORS: dict[int, tuple[str, str, float, float]] = {
    90323: ("Year 6: Prevalence of obesity (including severe obesity)", "10-11 yrs", 22.7, 3.0),
    91871: ("School pupils with social, emotional and mental health needs: % of school pupils "
            "with social, emotional and mental health needs (Primary school age)", "School age",
            3.3, 0.6),
    90631: ("Population vaccination coverage: MMR for two doses (5 years old)", "5 yrs",
            84.5, 3.0),
    93114: ("Children in absolute low income families (under 16s)", "<16 yrs", 15.6, 4.0),
}
FINGERTIPS_HEADINGS = [
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name",
    "Area Type", "Sex", "Age", "Category Type", "Category", "Time period", "Value",
    "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Lower CI 99.8 limit", "Upper CI 99.8 limit",
    "Count", "Denominator", "Value note", "Recent Trend",
    "Compared to England value or percentiles", "Compared to Region value or percentiles",
    "Time period Sortable", "New data", "Compared to goal",
]


def _wilson(count: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    p = count / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def fingertips_export(rng: np.random.Generator, areas: list[tuple[str, str, str, str, int]],
                      last_year: int) -> pd.DataFrame:
    """A synthetic Fingertips export for the demo council and its comparators.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream.
    areas : list of (code, name, Fingertips area type, parent code, children)
        England, the region, the council and its neighbours.
    last_year : int
        The latest period ends in this year (``2023/24`` for 2024); five periods.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FINGERTIPS_HEADINGS`.
    """
    records = []
    for indicator, (name, age, england, spread) in INDICATORS.items():
        offsets = {code: rng.normal(0, spread) for code, *_ in areas}
        offsets["E92000001"] = 0.0
        for k in range(5):
            year = last_year - 4 + k
            period = f"{year - 1}/{year % 100:02d}"
            for code, area_name, kind, parent, children in areas:
                share = np.clip(england + offsets[code] + 0.15 * k * spread / 3, 0.5, 99.5) / 100
                n = np.array([float(children)])
                count = np.round(n * share)
                low95, high95 = _wilson(count, n, 1.959964)
                low998, high998 = _wilson(count, n, 3.090232)
                records.append([
                    indicator, name, "" if code == "E92000001" else parent, "", code, area_name,
                    kind, "Persons", age, "", "", period, f"{100 * count[0] / n[0]:.6f}",
                    f"{low95[0]:.6f}", f"{high95[0]:.6f}", f"{low998[0]:.6f}",
                    f"{high998[0]:.6f}", f"{count[0]:.0f}", f"{n[0]:.0f}", "", "", "", "",
                    f"{year - 1}0000", "", ""])
    return pd.DataFrame(records, columns=FINGERTIPS_HEADINGS)


WAITS_FILE = "health/waiting_lists.csv"
PROVIDERS_FILE = "health/provider_lookup.csv"
FINGERTIPS_FILE = "fingertips/child_health_profile.csv"


def write_health_inputs(rng: np.random.Generator, folder: Path, pupils: pd.DataFrame,
                        postcodes: pd.DataFrame, neighbours: list[str], last_year: int,
                        dirt_rate: float) -> None:
    """Write the demo's waiting-list extract, provider lookup and Fingertips export.

    The list is taken on 31 March of ``last_year`` (the default ``health.extract_date``).
    """
    from jsna.demo.comparators import councils
    from jsna.demo.geography import COUNCIL_CODE, OUTSIDE_COUNCIL_CODE

    extract = health_extract(rng, pupils, postcodes, datetime.date(last_year, 3, 31), dirt_rate)
    (folder / "health").mkdir(parents=True, exist_ok=True)
    extract.to_csv(folder / WAITS_FILE, index=False, lineterminator="\n")
    pd.DataFrame({"Provider code": [PROVIDER, PROVIDER, OTHER_PROVIDER],
                  "LA code": [COUNCIL_CODE, OUTSIDE_COUNCIL_CODE, OUTSIDE_COUNCIL_CODE]}).to_csv(
        folder / PROVIDERS_FILE, index=False, lineterminator="\n")
    by_code = {c.code: c for c in councils()}
    council = by_code[COUNCIL_CODE]
    children = int(len(pupils))
    areas = [("E92000001", "England", "England", "", children * 250),
             (council.region_code, council.region_name, "Region", "E92000001", children * 12),
             (council.code, council.name, "Counties & UAs (from Apr 2023)", council.region_code,
              children)]
    areas += [(code, by_code[code].name, "Counties & UAs (from Apr 2023)",
               by_code[code].region_code, int(children * rng.uniform(0.6, 1.6)))
              for code in neighbours]
    export = fingertips_export(rng, areas, last_year - 1)
    (folder / "fingertips").mkdir(parents=True, exist_ok=True)
    export.to_csv(folder / FINGERTIPS_FILE, index=False, lineterminator="\n")
