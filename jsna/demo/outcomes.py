"""Synthetic outcome files for the demo council, in DfE's published layouts.

* ``ks4_by_sen.csv`` -- *Key stage 4 performance*, local authority characteristics by SEN
  status (``sen_status`` = ``No SEN``, ``SEN Supp``, ``SEN State EHC``, ``Total``), the
  explore-education-statistics layout of DfE's 2018/19 file;
* ``eyfs_headline_measures.csv`` -- *Early years foundation stage profile results* headline
  measures by SEN provision, with DfE's swapped ``characteristic`` / ``characteristic_type``.

Rates are calibrated to England's published figures (KS4 2018/19 revised; EYFS 2021/22), each
council shifted by a random effect on the log-odds scale; counts are binomial draws. England and
the regions are the sums of their councils. DfE's symbols appear where DfE would use them:
``c`` (a suppressed count), ``x`` (not available), ``z`` (not applicable: no children in the
group) and ``low`` (a percentage that rounds to zero).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jsna.demo.comparators import (
    ENGLAND_CODE,
    ENGLAND_NAME,
    REGION_CODES,
    _area_rows,
    councils,
    time_period,
)

#: England, KS4 2018/19 (revised): SEN status -> (share of the cohort, % 9-4 in English and
#: maths, % 9-5, Attainment 8, Progress 8)
KS4_ENGLAND = {
    "No SEN": (0.857, 71.3, 48.4, 50.1, 0.08),
    "SEN Supp": (0.105, 32.3, 16.8, 32.6, -0.43),
    "SEN State EHC": (0.038, 11.1, 5.5, 13.7, -1.17),
}
#: England, EYFS 2021/22: SEN provision -> (share of children, % good level of development)
EYFS_ENGLAND = {
    "No identified SEN": (0.887, 70.9),
    "SEN support": (0.080, 22.9),
    "EHC plan": (0.022, 3.6),
}
#: Pupil-level spread of Progress 8 scores (for DfE-style 95% limits of a mean).
P8_SD = 1.25

KS4_COLUMNS = [
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name",
    "region_code", "region_name", "old_la_code", "new_la_code", "la_name", "version",
    "school_characteristic", "breakdown", "gender", "ethnic_major", "free_school_meals",
    "sen_status", "sen_description", "disadvantage", "first_language", "t_schools", "t_pupils",
    "t_att8", "avg_att8", "t_l2basics_95", "pt_l2basics_95", "t_l2basics_94", "pt_l2basics_94",
    "t_inp8calc", "t_p8score", "avg_p8score", "p8score_ci_low", "p8score_ci_upp",
]
EYFS_COLUMNS = [
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name",
    "region_code", "region_name", "old_la_code", "new_la_code", "la_name", "lad_code",
    "lad_name", "characteristic", "characteristic_type", "gender", "children_number",
    "gld_number", "gld_percentage",
]


def _shift(rate: float, effect: float) -> float:
    """A percentage moved by ``effect`` on the log-odds scale."""
    odds = np.log(rate / (100 - rate)) + effect
    return float(100 / (1 + np.exp(-odds)))


def _ks4_council(rng: np.random.Generator, cohort: int) -> dict[str, dict[str, float]]:
    effect, a8_shift, p8_shift = rng.normal(0, 0.2), rng.normal(0, 2.0), rng.normal(0, 0.12)
    out = {}
    for status, (share, basics, strong, a8, p8) in KS4_ENGLAND.items():
        pupils = int(rng.binomial(cohort, share))
        b94 = int(rng.binomial(pupils, _shift(basics, effect) / 100))
        b95 = int(rng.binomial(b94, _shift(strong, effect) / _shift(basics, effect)))
        included = int(round(pupils * 0.96))
        mean_p8 = p8 + p8_shift + rng.normal(0, P8_SD / np.sqrt(max(included, 1)))
        out[status] = {"t_pupils": pupils, "t_l2basics_94": b94, "t_l2basics_95": b95,
                       "t_att8": pupils * max(a8 + a8_shift + rng.normal(0, 1.0), 0.0),
                       "t_inp8calc": included, "t_p8score": included * mean_p8,
                       "t_schools": max(1, cohort // 180)}
    return out


def _eyfs_council(rng: np.random.Generator, cohort: int) -> dict[str, dict[str, float]]:
    effect = rng.normal(0, 0.2)
    out = {}
    for provision, (share, gld) in EYFS_ENGLAND.items():
        children = int(rng.binomial(cohort, share))
        out[provision] = {"children_number": children,
                          "gld_number": int(rng.binomial(children, _shift(gld, effect) / 100))}
    return out


def _add(totals: dict[str, dict[str, float]], more: dict[str, dict[str, float]]) -> None:
    for group, measures in more.items():
        into = totals.setdefault(group, {})
        for measure, value in measures.items():
            into[measure] = into.get(measure, 0) + value


def _percent(count: float, total: float) -> str:
    if total <= 0:
        return "z"
    value = 100 * count / total
    return "low" if 0 < value < 0.05 else f"{value:.1f}"


def _ks4_cells(values: dict[str, float]) -> dict[str, str]:
    pupils, included = values["t_pupils"], values["t_inp8calc"]
    p8 = values["t_p8score"] / included if included else float("nan")
    half = 1.96 * P8_SD / np.sqrt(included) if included else float("nan")
    return {
        "t_schools": str(int(values["t_schools"])), "t_pupils": str(int(pupils)),
        "t_att8": f"{values['t_att8']:.2f}",
        "avg_att8": f"{values['t_att8'] / pupils:.1f}" if pupils else "z",
        "t_l2basics_95": str(int(values["t_l2basics_95"])),
        "pt_l2basics_95": _percent(values["t_l2basics_95"], pupils),
        "t_l2basics_94": str(int(values["t_l2basics_94"])),
        "pt_l2basics_94": _percent(values["t_l2basics_94"], pupils),
        "t_inp8calc": str(int(included)), "t_p8score": f"{values['t_p8score']:.3f}",
        "avg_p8score": f"{p8:.2f}" if included else "z",
        "p8score_ci_low": f"{p8 - half:.2f}" if included else "z",
        "p8score_ci_upp": f"{p8 + half:.2f}" if included else "z",
    }


def outcome_tables(rng: np.random.Generator, last_year: int) -> dict[str, pd.DataFrame]:
    """The demo's KS4-by-SEN and EYFS headline files (one academic year each).

    Parameters
    ----------
    rng : numpy.random.Generator
        The demo's own random stream for these files.
    last_year : int
        The JSNA year: key stage 4 is for the academic year ending in ``last_year - 1`` and the
        EYFS profile for the one ending in ``last_year - 2`` (as published when a JSNA is
        written).

    Returns
    -------
    dict of str to DataFrame
        ``ks4_by_sen`` and ``eyfs_headline_measures``, every cell as text.
    """
    everyone = councils()
    ks4: dict[str, dict[str, dict[str, float]]] = {}
    eyfs: dict[str, dict[str, dict[str, float]]] = {}
    for council in everyone:
        cohort = int(rng.integers(1600, 4200))
        ks4[council.code] = _ks4_council(rng, cohort)
        eyfs[council.code] = _eyfs_council(rng, int(cohort * rng.uniform(0.85, 1.0)))
    # DfE's symbols: a small council's EHC plan count suppressed, one council without Progress 8,
    # one council with no reception children with an EHC plan
    small, no_p8, none_ehc = everyone[5].code, everyone[7].code, everyone[9].code
    eyfs[none_ehc]["EHC plan"] = {"children_number": 0, "gld_number": 0}
    region_ks4: dict[str, dict[str, dict[str, float]]] = {code: {} for code in REGION_CODES}
    region_eyfs: dict[str, dict[str, dict[str, float]]] = {code: {} for code in REGION_CODES}
    england_ks4: dict[str, dict[str, float]] = {}
    england_eyfs: dict[str, dict[str, float]] = {}
    for council in everyone:
        _add(region_ks4[council.region_code], ks4[council.code])
        _add(region_eyfs[council.region_code], eyfs[council.code])
        _add(england_ks4, ks4[council.code])
        _add(england_eyfs, eyfs[council.code])
    ks4_by_area = {ENGLAND_CODE: england_ks4, **region_ks4, **ks4}
    eyfs_by_area = {ENGLAND_CODE: england_eyfs, **region_eyfs, **eyfs}

    period_ks4, period_eyfs = time_period(last_year - 1), time_period(last_year - 2)
    ks4_rows, eyfs_rows = [], []
    for area in _area_rows(everyone):
        code = area["code"]
        lead = {"time_identifier": "Academic year", "geographic_level": area["geographic_level"],
                "country_code": ENGLAND_CODE, "country_name": ENGLAND_NAME,
                "region_code": area["region_code"], "region_name": area["region_name"],
                "old_la_code": area["old_la_code"], "new_la_code": area["new_la_code"],
                "la_name": area["la_name"]}
        for status, values in ks4_by_area[code].items():
            cells = _ks4_cells(values)
            if code == small and status == "SEN State EHC":
                cells |= {"t_l2basics_94": "c", "pt_l2basics_94": "c", "t_l2basics_95": "c",
                          "pt_l2basics_95": "c"}
            if code == no_p8:
                cells |= {k: "x" for k in ("t_inp8calc", "t_p8score", "avg_p8score",
                                           "p8score_ci_low", "p8score_ci_upp")}
                if status == "SEN State EHC":  # a percentage that rounds to zero
                    cells["pt_l2basics_95"] = "low"
            ks4_rows.append({"time_period": period_ks4, **lead, "version": "Revised",
                             "school_characteristic": "State-funded schools (LA)",
                             "breakdown": "SEN status", "gender": "Total",
                             "ethnic_major": "Total", "free_school_meals": "Total",
                             "sen_status": status, "sen_description": "Total",
                             "disadvantage": "Total", "first_language": "Total", **cells})
        groups = eyfs_by_area[code]
        total_children = sum(v["children_number"] for v in groups.values())
        total_gld = sum(v["gld_number"] for v in groups.values())
        all_sen = {"children_number": sum(groups[g]["children_number"]
                                          for g in ("SEN support", "EHC plan")),
                   "gld_number": sum(groups[g]["gld_number"] for g in ("SEN support", "EHC plan"))}
        listed = [("Total", "Total", {"children_number": total_children,
                                      "gld_number": total_gld}),
                  *(("SEN provision", g, v) for g, v in groups.items()),
                  ("SEN provision", "All SEN", all_sen)]
        for characteristic, value, numbers in listed:
            eyfs_rows.append({
                "time_period": period_eyfs, **lead,
                "lad_code": "", "lad_name": "",
                "characteristic": characteristic, "characteristic_type": value,
                "gender": "Total", "children_number": str(int(numbers["children_number"])),
                "gld_number": str(int(numbers["gld_number"])),
                "gld_percentage": _percent(numbers["gld_number"], numbers["children_number"]),
            })
    return {"ks4_by_sen": pd.DataFrame(ks4_rows, columns=KS4_COLUMNS),
            "eyfs_headline_measures": pd.DataFrame(eyfs_rows, columns=EYFS_COLUMNS)}
